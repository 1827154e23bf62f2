#!/usr/bin/env bash
# Every report from ClickHouse against the same index in SQLite: the
# generator's corpus and ../shared/real-logs, indexed into SQLite, copied
# into a throw-away ClickHouse by the real path (wsuslog-index --from-db
# FILE --clickhouse URL), then each report in table, CSV and JSON from both
# engines must be byte-identical (report --html: the page but the line
# naming the index), and `sql` must refuse a write.
#   reports_equal.sh GEN INDEX QUERY TMPDIR SHARED_DIR
# Skips (exit 77) where clickhouse-server is not installed, except under
# CI=true, where that is a failure.
set -uo pipefail
. "$(dirname "$0")/../common/sqlite3-events.sh"
gen=$1 idx=$2 qry=$3 tmp=$4 shared=$5
here=$(cd "$(dirname "$0")" && pwd)
if ! "$here/ch-server.sh" available; then
  if [ "${CI:-}" = true ]; then echo "FAIL: clickhouse-server missing under CI" >&2; exit 1; fi
  echo "SKIP: clickhouse-server / clickhouse-client not installed (scripts/setup installs them)"
  exit 77
fi
rm -rf "$tmp" && mkdir -p "$tmp"
trap '"$here/ch-server.sh" stop "$tmp/ch"' EXIT
"$here/ch-server.sh" start "$tmp/ch" || exit 1
url=$(cat "$tmp/ch/url")
fail=0

same() { # name db chdb args...
  local name=$1 db=$2 chdb=$3; shift 3
  for f in table csv json; do
    "$qry" --db "$db" -f "$f" "$@" > "$tmp/a" 2> "$tmp/a.err"; local ra=$?
    "$qry" --clickhouse "$url?database=$chdb" -f "$f" "$@" > "$tmp/b" 2> "$tmp/b.err"; local rb=$?
    if [ $ra -ne 0 ] || [ $rb -ne 0 ] || ! cmp -s "$tmp/a" "$tmp/b"; then
      echo "FAIL: $chdb $name -f $f (exit $ra / $rb): $(head -c 300 "$tmp/b.err")"
      diff "$tmp/a" "$tmp/b" | head -8
      fail=1
    else
      echo "ok: $chdb $name -f $f ($(wc -l < "$tmp/a") lines)"
    fi
  done
}

every_report() { # db chdb
  local db=$1 chdb=$2 g
  "$idx" --from-db "$db" --clickhouse "$url/?database=$chdb" > /dev/null 2> "$tmp/load.err" ||
    { echo "FAIL: --from-db $db: $(head -c 300 "$tmp/load.err")"; fail=1; return; }
  same limits "$db" "$chdb" limits
  same "errors --by code" "$db" "$chdb" errors --by code
  same "errors --by server" "$db" "$chdb" errors --by server
  same "errors --by client" "$db" "$chdb" errors --by client
  same servers "$db" "$chdb" servers
  same timeline "$db" "$chdb" timeline
  same "timeline --by hour" "$db" "$chdb" timeline --by hour
  same capacity "$db" "$chdb" capacity
  same "capacity --proxies" "$db" "$chdb" capacity --proxies
  same clients "$db" "$chdb" clients
  same "clients --since --until" "$db" "$chdb" clients --since 2026-03-05 --until 2026-03-09
  local srv
  srv=$(sqlite3 "$db" "SELECT h.name FROM events e JOIN hosts h ON h.host_id = e.server_id
        GROUP BY h.name ORDER BY count(*) DESC, h.name LIMIT 1")
  [ -n "$srv" ] && same "clients --server" "$db" "$chdb" clients --server "$srv"
  # incident: a fault told by both sides and two told by one (the
  # client+time fallback runs for these), when there are.
  for g in $(sqlite3 "$db" "SELECT g.guid FROM event_guids eg JOIN guids g USING (guid_id)
        JOIN events e USING (event_id) WHERE eg.what = 1 GROUP BY g.guid
        HAVING count(DISTINCT e.role) = 2 ORDER BY g.guid LIMIT 1") \
      $(sqlite3 "$db" "SELECT g.guid FROM event_guids eg JOIN guids g USING (guid_id)
        JOIN events e USING (event_id) WHERE eg.what = 1 GROUP BY g.guid
        HAVING count(DISTINCT e.role) = 1 ORDER BY g.guid LIMIT 2"); do
    same "incident $g" "$db" "$chdb" incident "$g"
  done
  "$qry" --db "$db" report --html "$tmp/a.html" 2> "$tmp/a.err"; local ra=$?
  "$qry" --clickhouse "$url?database=$chdb" report --html "$tmp/b.html" 2> "$tmp/b.err"; local rb=$?
  if [ $ra -ne 0 ] || [ $rb -ne 0 ] ||
     ! cmp -s <(grep -v 'class="meta"' "$tmp/a.html") <(grep -v 'class="meta"' "$tmp/b.html") ||
     [ "$(grep -c 'class="meta"' "$tmp/b.html")" != 1 ]; then
    echo "FAIL: $chdb report --html (exit $ra / $rb): $(head -c 300 "$tmp/b.err")"
    diff "$tmp/a.html" "$tmp/b.html" | head -8
    fail=1
  else
    echo "ok: $chdb report --html ($(wc -l < "$tmp/a.html") lines)"
  fi
  same "sql" "$db" "$chdb" sql "SELECT count(*) AS n FROM events"
  # A fault GUID of a limit record, when there is one.
  g=$(sqlite3 "$db" "SELECT g.guid FROM events e JOIN guids g ON g.guid_id = e.fault_guid_id
        WHERE e.parameter IS NOT NULL ORDER BY g.guid LIMIT 1")
  [ -n "$g" ] && same guid "$db" "$chdb" guid "$g"
  # A window and a server filter.
  same "limits --since" "$db" "$chdb" limits --since 2026-03-03
}

"$gen" --seed 11 --servers 3 --clients 90 --days 14 --out "$tmp/site" --truth "$tmp/truth" > /dev/null
"$idx" --db "$tmp/site.db" "$tmp/site" > /dev/null 2>&1 || { echo "FAIL: index of the corpus"; exit 1; }
every_report "$tmp/site.db" gen

if [ -d "$shared/real-logs" ]; then
  "$idx" --db "$tmp/real.db" "$shared/real-logs" > /dev/null 2>&1
  [ -s "$tmp/real.db" ] || { echo "FAIL: index of real-logs"; exit 1; }
  every_report "$tmp/real.db" real
else
  echo "note: $shared/real-logs missing; the generated corpus only"
fi

# A URL parameter the programs do not know is refused, naming the URL.
"$qry" --clickhouse "$url/?database=gen&bogus=1" limits > "$tmp/u.out" 2> "$tmp/u.err"
ru=$?
if [ $ru -eq 0 ] || ! grep -q "bogus=1: URL parameters are database=NAME and cluster=NAME" "$tmp/u.err"; then
  echo "FAIL: unknown URL parameter: exit $ru, $(cat "$tmp/u.err")"; fail=1
else
  echo "ok: unknown URL parameter refused: $(cat "$tmp/u.err")"
fi

# sql refuses a write: the server runs it with readonly=1.
"$qry" --clickhouse "$url?database=gen" sql "INSERT INTO problems (path) VALUES ('x')" \
  > "$tmp/w.out" 2> "$tmp/w.err"
rw=$?
if [ $rw -ne 2 ] || ! grep -qi "readonly" "$tmp/w.err"; then
  echo "FAIL: sql INSERT: exit $rw, $(cat "$tmp/w.err")"; fail=1
else
  echo "ok: sql refuses a write: $(head -c 160 "$tmp/w.err")"
fi
n=$("$qry" --clickhouse "$url?database=gen" sql "SELECT count() FROM problems WHERE path = 'x'" -f csv | tail -1 | tr -d "\r")
[ "$n" = 0 ] || { echo "FAIL: the refused INSERT wrote $n rows"; fail=1; }
exit $fail
