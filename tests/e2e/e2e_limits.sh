#!/usr/bin/env bash
# End to end: generate a site archive with ground truth, index it in three
# shapes (one .tar.zst, a directory tree, many .zst files) at different -j,
# and check that `limits` equals the truth exactly and that the indexes hold
# the same events whatever the thread count.
set -euo pipefail
. "$(dirname "$0")/../common/sqlite3-events.sh"
gen=$1 idx=$2 qry=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "e2e_limits: FAIL: $*" >&2; exit 1; }

"$gen" --seed 11 --servers 3 --clients 90 --days 14 --tar-zst "$tmp/site.tar.zst" --truth "$tmp/truth"
"$gen" --seed 11 --servers 3 --clients 90 --days 14 --out "$tmp/tree" --truth "$tmp/truth-tree"
"$gen" --seed 11 --servers 3 --clients 90 --days 14 --zst-dir "$tmp/zst" --truth "$tmp/truth-zst"
cmp -s "$tmp/truth/limits.csv" "$tmp/truth-tree/limits.csv" || fail "generator truth differs by output shape"
[ "$(wc -l < "$tmp/truth/limits.csv")" -ge 3 ] || fail "truth has fewer than 2 rows; generator produced no incidents"

run_index() { # db jobs inputs...
  local db=$1 j=$2; shift 2
  local rc=0
  "$idx" --db "$db" -j "$j" -q "$@" || rc=$?
  [ "$rc" -eq 0 ] || fail "wsuslog-index exited $rc on $*"
}
run_index "$tmp/a.db" 2 "$tmp/site.tar.zst"
run_index "$tmp/b.db" 1 "$tmp/tree"
run_index "$tmp/c.db" 3 "$tmp/zst"
# One input at -j 4: its members are read by a read-ahead thread (a core is
# free), the path -j 2 on one input no longer takes.
run_index "$tmp/d.db" 4 "$tmp/site.tar.zst"
# Sixteen workers over one .zst per log (more threads than this machine may
# have cores: the result must not depend on scheduling), within the memory
# ARCHITECTURE.md promises at -j16 (256 MiB peak RSS; buffers are per
# thread, so a small corpus shows a regression in them as well as a big one).
/usr/bin/time -f '%M' -o "$tmp/e.rss" "$idx" --db "$tmp/e.db" -j 16 -q "$tmp/zst" ||
  fail "wsuslog-index -j16 failed on $tmp/zst"
# WL_RSS_CHECKS=0: a sanitizer build (tests/e2e/CMakeLists.txt), where RSS
# says nothing of ours.
rss_checks=${WL_RSS_CHECKS:-1}
rss_at_most() { # file KiB what
  local rss; rss=$(tail -1 "$1")
  [ "$rss_checks" = 0 ] && return 0
  [ "$rss" -gt 0 ] && [ "$rss" -le "$2" ] || fail "peak RSS $3: $rss KiB (want <= $(($2 / 1024)) MiB)"
}
rss_at_most "$tmp/e.rss" 262144 "at -j16"

for db in a b c d e; do
  "$qry" --db "$tmp/$db.db" limits --format csv | tr -d '\r' > "$tmp/limits-$db.csv"
  diff -u "$tmp/truth/limits.csv" "$tmp/limits-$db.csv" || fail "limits of $db.db differ from the truth"
done

# Same events whatever the input shape and -j: compare a canonical dump.
dump() {
  sqlite3 "$1" "SELECT s.source_key, e.line, e.kind, e.role, coalesce(e.hresult,''),
      coalesce(e.fault_code,''), coalesce(e.parameter,''), coalesce(fg.guid,''),
      coalesce(cg.guid,''), coalesce(sv.name,''), coalesce(e.ts,'')
    FROM events e JOIN sources s USING(source_id)
    LEFT JOIN guids fg ON fg.guid_id = e.fault_guid_id
    LEFT JOIN guids cg ON cg.guid_id = e.client_guid_id
    LEFT JOIN hosts sv ON sv.host_id = e.server_id
    WHERE s.complete = 1 ORDER BY 1, 2" > "$2"
  # The rows beside the events: each event's GUIDs and each scan, by
  # source and line (ids differ with -j: lanes number them).
  sqlite3 "$1" "SELECT s.source_key, e.line, g.guid, eg.what
    FROM event_guids eg JOIN events e USING(event_id) JOIN sources s USING(source_id)
    JOIN guids g USING(guid_id) WHERE s.complete = 1 ORDER BY 1, 2, 3, 4" >> "$2"
  sqlite3 "$1" "SELECT s.source_key, c.line, coalesce(c.ts,''), coalesce(sv.name,''),
      coalesce(cg.guid,''), c.exit_code, coalesce(c.evaluated,''), coalesce(c.deployed,'')
    FROM scans c JOIN sources s USING(source_id)
    LEFT JOIN hosts sv ON sv.host_id = c.server_id
    LEFT JOIN guids cg ON cg.guid_id = c.client_guid_id
    WHERE s.complete = 1 ORDER BY 1, 2" >> "$2"
}
dump "$tmp/a.db" "$tmp/a.dump"; dump "$tmp/b.db" "$tmp/b.dump"; dump "$tmp/c.db" "$tmp/c.dump"
dump "$tmp/d.db" "$tmp/d.dump"; dump "$tmp/e.db" "$tmp/e.dump"
[ -s "$tmp/a.dump" ] || fail "no events indexed"
cmp -s "$tmp/a.dump" "$tmp/b.dump" || fail "tar.zst -j2 and tree -j1 indexes differ"
cmp -s "$tmp/a.dump" "$tmp/c.dump" || fail "tar.zst -j2 and zst-dir -j3 indexes differ"
cmp -s "$tmp/a.dump" "$tmp/d.dump" || fail "tar.zst -j2 and tar.zst -j4 (read-ahead) indexes differ"
cmp -s "$tmp/a.dump" "$tmp/e.dump" || fail "tar.zst -j2 and zst-dir -j16 indexes differ"

# A multi-frame .zst of one big log: frames decoded in parallel at -j 3 give
# the same index as the streaming decoder at -j 1, and the truth.
"$gen" --seed 5 --size 24M --big-log "$tmp/big.zst" --frame-mib 2 --truth "$tmp/truth-big"
run_index "$tmp/f1.db" 1 "$tmp/big.zst"
run_index "$tmp/f3.db" 3 "$tmp/big.zst"
dump "$tmp/f1.db" "$tmp/f1.dump"; dump "$tmp/f3.db" "$tmp/f3.dump"
[ -s "$tmp/f1.dump" ] || fail "no events from the multi-frame log"
cmp -s "$tmp/f1.dump" "$tmp/f3.dump" || fail "multi-frame log: -j1 and -j3 indexes differ"
"$qry" --db "$tmp/f3.db" limits --format csv | tr -d '\r' > "$tmp/limits-f3.csv"
diff -u "$tmp/truth-big/limits.csv" "$tmp/limits-f3.csv" || fail "multi-frame log: limits differ from the truth"

# Sixteen copies of a log compressed with 8 MiB windows (as zstd -19
# makes them) at -j16: the decoding rings share WL_ZSTD_RING_BUDGET (64 MiB),
# so peak RSS stays near 141 MiB; without the budget the sixteen rings took
# it to 203-205 MiB. The copies are duplicates: the truth of one.
command -v zstd >/dev/null || fail "zstd (the command) is missing: scripts/setup"
"$gen" --seed 3 --size 24M --big-log "$tmp/w.big.zst" --truth "$tmp/truth-w"
mkdir -p "$tmp/wide"
zstd -dc "$tmp/w.big.zst" | zstd -q -3 --zstd=wlog=23 -o "$tmp/wide/log00.zst"
for k in $(seq -w 1 15); do cp "$tmp/wide/log00.zst" "$tmp/wide/log$k.zst"; done
/usr/bin/time -f '%M' -o "$tmp/w.rss" "$idx" --db "$tmp/w.db" -j 16 -q "$tmp/wide" ||
  fail "wsuslog-index -j16 failed on $tmp/wide"
rss_at_most "$tmp/w.rss" 176128 "with 8 MiB zstd windows at -j16"
[ "$rss_checks" != 0 ] || echo "e2e_limits: peak RSS not checked (sanitizer build)"
"$qry" --db "$tmp/w.db" limits --format csv | tr -d '\r' > "$tmp/limits-w.csv"
diff -u "$tmp/truth-w/limits.csv" "$tmp/limits-w.csv" || fail "8 MiB windows: limits differ from the truth"

# Re-indexing the same inputs adds nothing.
before=$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM events")
run_index "$tmp/a.db" 2 "$tmp/site.tar.zst"
after=$(sqlite3 "$tmp/a.db" "SELECT count(*) FROM events")
[ "$before" = "$after" ] || fail "re-index changed the event count ($before -> $after)"
echo "e2e_limits: ok ($(($(wc -l < "$tmp/truth/limits.csv") - 1)) limit rows, $before events)"
