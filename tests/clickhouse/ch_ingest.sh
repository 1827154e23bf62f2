#!/usr/bin/env bash
# wsuslog-index --clickhouse against the SQLite index of the same inputs:
# every row of every table the reports read is the same (docs/CLICKHOUSE.md).
#   ch_ingest.sh MODE GEN INDEX SHARED_DIR TMP [QUERY]
# MODE: compare  generator corpus + real logs; a re-run adds nothing;
#                --from-db copies an SQLite index to the same rows
#       crash    kill -9 mid-ingest, then resume; server down at start and
#                stopped mid-ingest: exit 1 naming the URL; next run completes
#       cluster  two shards, two ingesters on disjoint inputs, each into its
#                own shard: the Distributed tables equal one SQLite index,
#                and so do the reports (wsuslog-query QUERY, URL
#                ?cluster=NAME) read on either shard
set -euo pipefail
mode=$1 gen=$2 idx=$3 shared=$4 tmp=$5 qry=${6:-}
rm -rf "$tmp"; mkdir -p "$tmp"
. "$(dirname "$0")/lib.sh"
ch_require
fail() { echo "ch_ingest $mode: FAIL: $*" >&2; exit 1; }

# The rows to compare, by table, in one order on both engines. Raw lines as
# hex (they hold tabs, newlines, any byte); NULL as \N on both sides.
sq_rows() { # db
  sq "$1" "SELECT s.source_key, s.path, s.member, s.format, s.role, s.host, s.bytes, s.lines,
      s.events, s.first_ts, s.last_ts FROM sources s WHERE complete = 1 ORDER BY 1"
  sq "$1" "SELECT s.source_key, e.line, e.ts, e.role, e.kind, h.name, sv.name, cg.guid, c.name,
      e.hresult, e.fault_code, e.parameter, fg.guid, hex(r.raw)
      FROM events e JOIN sources s ON s.source_id = e.source_id AND s.complete = 1
      JOIN event_raw r ON r.event_id = e.event_id
      LEFT JOIN hosts h ON h.host_id = e.host_id LEFT JOIN hosts sv ON sv.host_id = e.server_id
      LEFT JOIN guids cg ON cg.guid_id = e.client_guid_id
      LEFT JOIN components c ON c.component_id = e.component_id
      LEFT JOIN guids fg ON fg.guid_id = e.fault_guid_id ORDER BY 1, 2"
  sq "$1" "SELECT s.source_key, e.line, g.guid, eg.what FROM event_guids eg
      JOIN events e ON e.event_id = eg.event_id
      JOIN sources s ON s.source_id = e.source_id AND s.complete = 1
      JOIN guids g ON g.guid_id = eg.guid_id ORDER BY 1, 2, 3, 4"
  sq "$1" "SELECT s.source_key, sc.line, sc.ts, h.name, sv.name, cg.guid, sc.exit_code,
      sc.round_trips, sc.evaluated, sc.deployed FROM scans sc
      JOIN sources s ON s.source_id = sc.source_id AND s.complete = 1
      LEFT JOIN hosts h ON h.host_id = sc.host_id LEFT JOIN hosts sv ON sv.host_id = sc.server_id
      LEFT JOIN guids cg ON cg.guid_id = sc.client_guid_id ORDER BY 1, 2"
  sq "$1" "SELECT s.source_key, c.server, c.file_ts, c.max_installed_prerequisites,
      c.max_cached_updates FROM server_config c
      JOIN sources s ON s.source_id = c.source_id AND s.complete = 1 ORDER BY 1"
}
ch_rows() { # dir [database] [suffix: _all on a cluster] [GLOBAL]
  local d=$1 db=${2:-wsuslog} a=${3:-} g=${4:-}
  local vis="(SELECT copy, source_key FROM $db.sources_v)"
  ch_q "$d" "SELECT source_key, path, member, format, role, host, bytes, lines, events,
      first_ts, last_ts FROM $db.sources_v ORDER BY source_key"
  ch_q "$d" "SELECT source_key, line, ts, role, kind, host, server, client_id, component,
      hresult, fault_code, parameter, fault_guid, hex(raw) FROM $db.events$a
      $g ANY INNER JOIN $vis USING copy ORDER BY source_key, line"
  ch_q "$d" "SELECT source_key, line, guid, what FROM $db.event_guids$a
      $g ANY INNER JOIN $vis USING copy ORDER BY source_key, line, guid, what"
  ch_q "$d" "SELECT source_key, line, ts, host, server, client_id, exit_code, round_trips,
      evaluated, deployed FROM $db.scans$a $g ANY INNER JOIN $vis USING copy
      ORDER BY source_key, line"
  ch_q "$d" "SELECT source_key, server, file_ts, max_installed_prerequisites,
      max_cached_updates FROM $db.server_config$a $g ANY INNER JOIN $vis USING copy
      ORDER BY source_key"
}
same() { # what sqlite-rows ch-rows
  if ! cmp -s "$2" "$3"; then
    diff "$2" "$3" | head -20 >&2
    fail "$1: ClickHouse rows differ from SQLite's ($(wc -l < "$2") vs $(wc -l < "$3") lines)"
  fi
  local n; n=$(wc -l < "$2")
  [ "$n" -gt 0 ] || fail "$1: nothing to compare"
  echo "ch_ingest $mode: $1: $n rows equal"
}
index_db() { # db inputs... (exit 3, problems, is fine: both engines see them)
  local db=$1; shift
  "$idx" --db "$db" -j2 -q "$@" || [ $? -eq 3 ] || fail "SQLite ingest failed"
}
index_ch() { # url inputs...
  local url=$1; shift
  "$idx" --clickhouse "$url" -j2 -q "$@" || [ $? -eq 3 ] || fail "ClickHouse ingest into $url failed"
}

"$gen" --seed 11 --servers 3 --clients 90 --days 14 --tar-zst "$tmp/site.tar.zst" \
  --truth "$tmp/truth" >/dev/null
logs=$shared/real-logs
. "$(dirname "$0")/../common/real_logs.sh"
need_real_logs "ch_ingest $mode" "$logs"

case $mode in
compare)
  ch_start "$tmp/ch"
  url=$(cat "$tmp/ch/url")
  index_db "$tmp/all.db" "$tmp/site.tar.zst" "$logs"
  sq_rows "$tmp/all.db" > "$tmp/sqlite.rows"
  index_ch "$url" "$tmp/site.tar.zst" "$logs"
  ch_rows "$tmp/ch" > "$tmp/ch.rows"
  same "generator corpus + real logs" "$tmp/sqlite.rows" "$tmp/ch.rows"
  # A re-run reads nothing (inputs known from the server) and adds nothing.
  before=$(ch_q "$tmp/ch" "SELECT count() FROM wsuslog.events")
  out=$("$idx" --clickhouse "$url" -j2 "$tmp/site.tar.zst" "$logs" 2>&1) || [ $? -eq 3 ] || fail "re-run: $out"
  echo "$out" | grep -q " 0 logs" || fail "re-run read logs again: $out"
  [ "$(ch_q "$tmp/ch" "SELECT count() FROM wsuslog.events")" = "$before" ] || fail "re-run wrote events"
  # Another machine's view of the same files (inputs are per ingester): a
  # second database gets everything, then the same files again as
  # duplicates must add nothing to any answer.
  index_ch "$url/?database=again" "$tmp/site.tar.zst" "$logs"
  "$idx" --clickhouse "$url/?database=again" -j2 -q "$tmp/site.tar.zst" || [ $? -eq 3 ] || fail "re-run failed"
  ch_q "$tmp/ch" "TRUNCATE TABLE again.inputs"
  index_ch "$url/?database=again" "$tmp/site.tar.zst" "$logs"
  ch_rows "$tmp/ch" again > "$tmp/again.rows"
  same "re-read as duplicates" "$tmp/sqlite.rows" "$tmp/again.rows"
  # --from-db: the SQLite index copied, no log read.
  "$idx" --from-db "$tmp/all.db" --clickhouse "$url/?database=copied" -q || fail "--from-db failed"
  ch_rows "$tmp/ch" copied > "$tmp/copied.rows"
  same "--from-db copy" "$tmp/sqlite.rows" "$tmp/copied.rows"
  ;;
crash)
  # More input, so that a kill or a stop lands mid-run.
  "$gen" --seed 12 --servers 4 --clients 300 --days 30 --zst-dir "$tmp/zst" \
    --truth "$tmp/truth2" >/dev/null
  index_db "$tmp/all.db" "$tmp/zst" "$logs"
  sq_rows "$tmp/all.db" > "$tmp/sqlite.rows"
  ch_start "$tmp/ch"
  url=$(cat "$tmp/ch/url")
  killed=0
  for delay in 0.05 0.1 0.15 0.25 0.35; do
    "$idx" --clickhouse "$url" -j2 -q "$tmp/zst" "$logs" 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null && killed=$((killed + 1))
    wait "$pid" 2>/dev/null || true
    # Whatever is visible is whole: every visible source has all its events
    # (a kill before the schema was made leaves nothing to check).
    [ "$(ch_q "$tmp/ch" "SELECT count() FROM system.tables WHERE database = 'wsuslog'
        AND name = 'sources_v'")" = 1 ] || continue
    bad=$(ch_q "$tmp/ch" "SELECT count() FROM wsuslog.sources_v s ANY LEFT JOIN
        (SELECT copy, count() AS n FROM wsuslog.events GROUP BY copy) USING copy
        WHERE n != events")
    [ "$bad" = 0 ] || fail "after kill -9 at ${delay}s: $bad visible sources are partial"
  done
  [ "$killed" -gt 0 ] || fail "no kill landed during an ingest"
  index_ch "$url" "$tmp/zst" "$logs"
  ch_rows "$tmp/ch" > "$tmp/ch.rows"
  same "after $killed kill(s) -9 and a resume" "$tmp/sqlite.rows" "$tmp/ch.rows"

  # Server down: exit 1, a message naming the URL.
  ch_start "$tmp/ch2"
  url2=$(cat "$tmp/ch2/url")
  "$ch" stop "$tmp/ch2"
  set +e; "$idx" --clickhouse "$url2" -q "$tmp/zst" 2> "$tmp/down.err"; rc=$?; set -e
  [ "$rc" -eq 1 ] || fail "server down: exit $rc, expected 1"
  grep -q "ClickHouse at $url2" "$tmp/down.err" || fail "server down: no message naming $url2: $(cat "$tmp/down.err")"
  echo "ch_ingest crash: server down: exit 1, $(head -1 "$tmp/down.err")"
  # Server stopped mid-ingest: exit 1 naming the URL; back, the next run completes.
  "$ch" start "$tmp/ch2"
  stopped=0
  for delay in 0.15 0.08 0.03; do
    "$idx" --clickhouse "$url2" -j2 -q "$tmp/zst" "$logs" 2> "$tmp/mid.err" &
    pid=$!
    sleep "$delay"
    "$ch" stop "$tmp/ch2"
    set +e; wait "$pid"; rc=$?; set -e
    "$ch" start "$tmp/ch2"
    if [ "$rc" -eq 1 ]; then stopped=1; break; fi
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "server stopped mid-ingest: exit $rc, expected 1"
    ch_q "$tmp/ch2" "DROP DATABASE wsuslog" # finished first: again, stopping sooner
  done
  [ "$stopped" = 1 ] || fail "the server was never stopped during an ingest"
  grep -q "ClickHouse at $url2" "$tmp/mid.err" || fail "stopped mid-ingest: no message naming $url2: $(cat "$tmp/mid.err")"
  echo "ch_ingest crash: stopped mid-ingest: exit 1, $(grep -m1 "ClickHouse at" "$tmp/mid.err")"
  index_ch "$url2" "$tmp/zst" "$logs"
  ch_rows "$tmp/ch2" > "$tmp/ch2.rows"
  same "after the server came back" "$tmp/sqlite.rows" "$tmp/ch2.rows"
  ;;
cluster)
  "$gen" --seed 13 --servers 3 --clients 60 --days 10 --zst-dir "$tmp/zst" \
    --truth "$tmp/truth2" >/dev/null
  mapfile -t files < <(find "$tmp/zst" "$logs" -type f | sort)
  half=$(( ${#files[@]} / 2 ))
  index_db "$tmp/all.db" "${files[@]}"
  sq_rows "$tmp/all.db" > "$tmp/sqlite.rows"
  ch_cluster "$tmp/cl"
  u1=$(cat "$tmp/cl/shard1/url") u2=$(cat "$tmp/cl/shard2/url")
  index_ch "$u1/?cluster=wsuslog_cluster" "${files[@]:0:$half}" &
  p1=$!
  index_ch "$u2/?cluster=wsuslog_cluster" "${files[@]:$half}" &
  p2=$!
  wait "$p1" || fail "ingester 1 failed"
  wait "$p2" || fail "ingester 2 failed"
  for s in shard1 shard2; do
    n=$(ch_q "$tmp/cl/$s" "SELECT count() FROM wsuslog.events")
    [ "$n" -gt 0 ] || fail "$s holds no events"
    echo "ch_ingest cluster: $s holds $n event rows"
  done
  for s in shard1 shard2; do
    ch_rows "$tmp/cl/$s" wsuslog _all GLOBAL > "$tmp/$s.rows"
    same "two shards through the Distributed tables, read on $s" "$tmp/sqlite.rows" "$tmp/$s.rows"
  done
  [ -n "$qry" ] || fail "no wsuslog-query given for the reports"
  g=$(sq "$tmp/all.db" "SELECT g.guid FROM event_guids eg JOIN guids g USING (guid_id)
        JOIN events e USING (event_id) WHERE eg.what = 1 GROUP BY g.guid
        HAVING count(DISTINCT e.role) = 2 ORDER BY g.guid LIMIT 1")
  [ -n "$g" ] || fail "no fault told by both sides to read"
  for s in shard1 shard2; do
    u="$(cat "$tmp/cl/$s/url")/?cluster=wsuslog_cluster"
    for r in limits "errors --by code" "errors --by client" servers timeline clients capacity \
        "capacity --proxies" "incident $g"; do
      for f in table csv json; do
        # shellcheck disable=SC2086 # r is a command and its arguments
        "$qry" --db "$tmp/all.db" -f "$f" $r > "$tmp/a" || fail "SQLite $r"
        # shellcheck disable=SC2086
        "$qry" --clickhouse "$u" -f "$f" $r > "$tmp/b" 2> "$tmp/b.err" ||
          fail "$r -f $f through $u: $(head -c 300 "$tmp/b.err")"
        [ -s "$tmp/a" ] || fail "$r: nothing to compare"
        cmp -s "$tmp/a" "$tmp/b" || { diff "$tmp/a" "$tmp/b" | head -8 >&2;
          fail "$r -f $f read on $s differs from one SQLite index"; }
      done
      echo "ch_ingest cluster: $r on $s: the same as one SQLite index ($(wc -l < "$tmp/a") lines)"
    done
  done
  ;;
*) fail "unknown mode" ;;
esac
echo "ch_ingest $mode: PASS"
