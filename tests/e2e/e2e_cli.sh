#!/usr/bin/env bash
# The command lines as a user meets them: exit codes, messages that name the
# bad file, the real logs in every container and encoding the indexer takes.
set -euo pipefail
. "$(dirname "$0")/../common/sqlite3-events.sh"
idx=$1 qry=$2 shared=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "e2e_cli: FAIL: $*" >&2; exit 1; }
expect_rc() { # rc command...
  local want=$1; shift
  local rc=0
  "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq "$want" ] || { cat "$tmp/err" >&2; fail "exit $rc (want $want): $*"; }
}
logs="$shared/real-logs"

# Usage errors are exit 2, --help and --version exit 0.
expect_rc 0 "$idx" --help
expect_rc 0 "$idx" --version
grep -q '^wsuslog-index ' "$tmp/out" || fail "--version output"
expect_rc 2 "$idx"
expect_rc 2 "$idx" --db "$tmp/x.db"
expect_rc 2 "$idx" --db "$tmp/x.db" --bogus "$logs"
expect_rc 2 "$idx" --db "$tmp/x.db" -j 0 "$logs"
expect_rc 2 "$idx" --db "$tmp/x.db" --tz 5 "$logs"
expect_rc 0 "$qry" --help
expect_rc 2 "$qry" --db "$tmp/x.db" no-such-command
expect_rc 1 "$qry" --db "$tmp/missing.db" limits

# Everything below reads the real logs.
. "$(dirname "$0")/../common/real_logs.sh"
need_real_logs e2e_cli "$logs"

# The real logs: every *FAILED* line is an event; nothing is a problem.
expect_rc 0 "$idx" --db "$tmp/real.db" -j 2 "$logs"
want=$(cat "$logs"/*.log | grep -ac '\*FAILED\* \[[0-9A-Fa-f]\{8\}\]')
got=$(sqlite3 "$tmp/real.db" "SELECT count(*) FROM events WHERE kind = 1")
[ "$want" = "$got" ] || fail "real logs: $want *FAILED* lines, $got FAILED events"
[ "$(sqlite3 "$tmp/real.db" "SELECT count(*) FROM problems")" = 0 ] || fail "real logs produced problems"
# Each event's raw line is stored whole in its block (no shared message)
# and is the logged line byte for byte (CR and the UTF-8 BOM are not part of
# a line).
n_split=$(sqlite3 "$tmp/real.db" "SELECT count(*) FROM events WHERE message_id IS NOT NULL")
[ "$n_split" = 0 ] || fail "real logs: $n_split lines stored split, not whole"
compared=0
for f in "$logs"/*.log; do
  sqlite3 -separator ' ' "$tmp/real.db" "SELECT e.line, r.raw FROM events e
    JOIN sources s USING(source_id) JOIN event_raw r USING(event_id)
    WHERE s.path = '$f' ORDER BY e.line" > "$tmp/raw.db.txt"
  cut -d' ' -f1 "$tmp/raw.db.txt" | awk 'NR == FNR { want[$1] = 1; next }
    { sub(/\r$/, ""); if (FNR == 1) sub(/^\xef\xbb\xbf/, "") }
    FNR in want { print FNR " " $0 }' - "$f" > "$tmp/raw.log.txt"
  cmp -s "$tmp/raw.db.txt" "$tmp/raw.log.txt" || { diff "$tmp/raw.db.txt" "$tmp/raw.log.txt" | head -5 >&2; fail "$f: raw lines in the index differ from the log"; }
  compared=$((compared + $(wc -l < "$tmp/raw.log.txt")))
done
[ "$compared" = "$(sqlite3 "$tmp/real.db" "SELECT count(*) FROM events")" ] ||
  fail "real logs: compared $compared raw lines, not every event's"

# --stats: CPU by thread role, each role's threads counted. Two frames of one
# .zst at -j 2 are decoded by two wl-frames threads; one frame at -j 3 leaves
# a core for a read-ahead thread. Serial is writer + close.
expect_rc 0 "$idx" --help
grep -q -- '--stats' "$tmp/out" || fail "--help lacks --stats"
f1=$(ls "$logs"/*.log | sed -n 1p)
{ zstd -q -c "$f1"; zstd -q -c "$f1"; } > "$tmp/two-frames.zst"
zstd -q -c "$f1" > "$tmp/one-frame.zst"
stats_of() { # db jobs input -> the --stats table on stdout
  local rc=0
  "$idx" --db "$1" -q --stats -j "$2" "$3" 2>"$tmp/stats.err" || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || { cat "$tmp/stats.err" >&2; fail "--stats run: exit $rc"; }
  cat "$tmp/stats.err"
}
threads() { awk -v r="$1" '$1 == r { print $2 }'; }
cpu() { awk -v r="$1" '$1 == r { print $3 }'; }
stats_of "$tmp/st1.db" 2 "$tmp/two-frames.zst" > "$tmp/st1"
grep -q '^wsuslog-index: CPU by thread role' "$tmp/st1" || fail "--stats printed no table"
[ "$(threads frames < "$tmp/st1")" = 2 ] || { cat "$tmp/st1" >&2; fail "--stats: want 2 frames threads"; }
[ "$(threads worker < "$tmp/st1")" = 1 ] || fail "--stats: want 1 worker thread"
[ "$(threads writer < "$tmp/st1")" = 1 ] || fail "--stats: want 1 writer thread"
[ "$(threads close < "$tmp/st1")" = 1 ] || fail "--stats: want 1 close"
awk '$1 == "worker" || $1 == "frames" { if ($3 + 0 <= 0) bad = 1 } END { exit bad }' "$tmp/st1" ||
  fail "--stats: a busy role shows no CPU"
awk '{ c[$1] = $3 } END { d = c["writer"] + c["close"] - c["serial"]; exit (d > 0.0015 || d < -0.0015) }' "$tmp/st1" ||
  fail "--stats: serial is not writer + close"
awk '{ c[$1] = $3 } END { d = c["worker"] + c["read"] + c["frames"] + c["writer"] + c["close"] - c["all"]; exit (d > 0.003 || d < -0.003) }' "$tmp/st1" ||
  fail "--stats: all is not the sum of the roles"
stats_of "$tmp/st2.db" 3 "$tmp/one-frame.zst" > "$tmp/st2"
[ "$(threads read < "$tmp/st2")" -ge 1 ] || { cat "$tmp/st2" >&2; fail "--stats: want a read-ahead thread at -j 3"; }
[ "$(threads frames < "$tmp/st2")" = 0 ] || fail "--stats: one frame wants no frames thread"
expect_rc 0 "$idx" --db "$tmp/st3.db" "$f1"
grep -q 'CPU by thread role' "$tmp/err" && fail "CPU table printed without --stats"

# Same logs through zstd, gzip, tar.zst, UTF-16LE: the same events.
mkdir -p "$tmp/wrapped/tree"
for f in "$logs"/*.log; do
  b=$(basename "$f" .log)
  zstd -q -c "$f" > "$tmp/wrapped/$b.log.zst"
done
cp "$logs/etw-lee-7723.log" "$tmp/wrapped/tree/"
tar -C "$tmp/wrapped" -cf - tree | zstd -q -c > "$tmp/tree.tar.zst"
gzip -c "$logs/etw-findingsanity.log" > "$tmp/findingsanity.gz"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$logs/etw-raja-fahad.log"; } > "$tmp/u16.log"
expect_rc 0 "$idx" --db "$tmp/wrapped.db" -j 2 "$tmp/wrapped"
got=$(sqlite3 "$tmp/wrapped.db" "SELECT count(*) FROM events WHERE kind = 1")
[ "$want" = "$got" ] || fail ".zst copies: $want *FAILED* lines, $got events"
for input in "$tmp/tree.tar.zst" "$tmp/findingsanity.gz" "$tmp/u16.log"; do
  case $input in
    *tree.tar.zst) src="$logs/etw-lee-7723.log" ;;
    *findingsanity.gz) src="$logs/etw-findingsanity.log" ;;
    *) src="$logs/etw-raja-fahad.log" ;;
  esac
  rm -f "$tmp/one.db"
  expect_rc 0 "$idx" --db "$tmp/one.db" "$input"
  w=$(grep -ac '\*FAILED\* \[[0-9A-Fa-f]\{8\}\]' "$src")
  g=$(sqlite3 "$tmp/one.db" "SELECT count(*) FROM events WHERE kind = 1")
  [ "$w" = "$g" ] || fail "$input: want $w FAILED events, got $g"
done

# A sparse tar member (GNU tar --sparse: a 1 MiB hole inside a log): archive
# members are read as libarchive's blocks, holes as zeros; the member gives
# the same bytes, events and lines as the file itself.
mkdir -p "$tmp/sparse"
head -c 300000 "$logs/etw-lee-7723.log" > "$tmp/sparse/WindowsUpdate.log"
truncate -s +1M "$tmp/sparse/WindowsUpdate.log"
tail -c +300001 "$logs/etw-lee-7723.log" >> "$tmp/sparse/WindowsUpdate.log"
tar -C "$tmp/sparse" --sparse -cf "$tmp/sparse.tar" WindowsUpdate.log
[ "$(stat -c %s "$tmp/sparse.tar")" -lt "$(stat -c %s "$tmp/sparse/WindowsUpdate.log")" ] ||
  fail "tar did not store the member sparse"
dump_sparse() { sqlite3 "$1" "SELECT (SELECT bytes || ' ' || lines FROM sources), e.line, e.kind,
  e.hresult, r.raw FROM events e JOIN event_raw r USING(event_id) ORDER BY e.line"; }
for input in "$tmp/sparse/WindowsUpdate.log" "$tmp/sparse.tar"; do
  rm -f "$tmp/sp.db" "$tmp/sp.db-wal" "$tmp/sp.db-shm"
  expect_rc 3 "$idx" --db "$tmp/sp.db" "$input" # the hole is one over-long line
  dump_sparse "$tmp/sp.db" > "$tmp/sp.$(basename "$input").txt"
done
[ -s "$tmp/sp.sparse.tar.txt" ] || fail "sparse tar: no events"
cmp -s "$tmp/sp.WindowsUpdate.log.txt" "$tmp/sp.sparse.tar.txt" || fail "sparse tar member differs from the file"

# A truncated .zst next to an intact log: exit 3, the file is named, the
# intact one and the readable part of the damaged one are indexed.
head -c 40000 "$tmp/wrapped/etw-debajyati.log.zst" > "$tmp/cut.log.zst"
cp "$logs/etw-lee-7723.log" "$tmp/intact.log"
printf 'just some text\nnot a log\n' > "$tmp/notes.txt"
expect_rc 3 "$idx" --db "$tmp/bad.db" "$tmp/cut.log.zst" "$tmp/intact.log" "$tmp/notes.txt"
grep -q "cut.log.zst.*truncated" "$tmp/err" || { cat "$tmp/err" >&2; fail "no message naming the truncated file"; }
grep -q "notes.txt" "$tmp/err" && fail "a file that is not a log was reported as a problem"
n=$(sqlite3 "$tmp/bad.db" "SELECT count(*) FROM sources WHERE complete = 1")
[ "$n" = 2 ] || fail "want 2 indexed inputs (intact + readable part), got $n"
k=$(sqlite3 "$tmp/bad.db" "SELECT kind FROM problems WHERE path LIKE '%cut.log.zst'")
[ "$k" = WL_E_TRUNCATED ] || fail "problem kind '$k'"

# Multi-frame .zst (frames decoded in parallel with -j 2): whole, it gives the
# events of its parts; cut inside its last frame, the damage is reported and
# the earlier frames are kept.
cat "$tmp/wrapped/etw-lee-7723.log.zst" "$tmp/wrapped/etw-findingsanity.log.zst" \
    "$tmp/wrapped/etw-raja-fahad.log.zst" > "$tmp/multi.zst"
expect_rc 0 "$idx" --db "$tmp/multi.db" -j 2 "$tmp/multi.zst"
w=$(cat "$logs/etw-lee-7723.log" "$logs/etw-findingsanity.log" "$logs/etw-raja-fahad.log" |
    grep -ac '\*FAILED\* \[[0-9A-Fa-f]\{8\}\]')
g=$(sqlite3 "$tmp/multi.db" "SELECT count(*) FROM events WHERE kind = 1")
[ "$w" = "$g" ] || fail "multi-frame .zst: want $w FAILED events, got $g"
sz=$(stat -c %s "$tmp/multi.zst")
head -c $((sz - 5000)) "$tmp/multi.zst" > "$tmp/multi-cut.zst"
expect_rc 3 "$idx" --db "$tmp/multicut.db" -j 2 "$tmp/multi-cut.zst"
grep -q "multi-cut.zst.*truncated" "$tmp/err" || { cat "$tmp/err" >&2; fail "cut multi-frame file not reported"; }
g=$(sqlite3 "$tmp/multicut.db" "SELECT count(*) FROM events WHERE kind = 1")
[ "$g" -gt 0 ] || fail "cut multi-frame file: earlier frames lost"

# A frame asking for a 2^41-byte window is refused (WL_ZSTD_WINDOW_LOG_MAX),
# with a message naming the file, before any memory is taken.
printf '\x28\xb5\x2f\xfd\x00\xf8\x01\x00\x00' > "$tmp/hugewin.zst"
expect_rc 3 "$idx" --db "$tmp/hugewin.db" "$tmp/hugewin.zst"
grep -q "hugewin.zst.*too much memory.*WL_E_ZSTD" "$tmp/err" || { cat "$tmp/err" >&2; fail "huge window not refused"; }

# Re-runs: unchanged inputs are skipped unread; a log that grew replaces its
# earlier copy (no event counted twice); a different file is added.
mkdir -p "$tmp/rerun"
cp "$logs/etw-lee-7723.log" "$tmp/rerun/a.log"
head -n 4000 "$logs/etw-debajyati.log" > "$tmp/rerun/grow.log"
expect_rc 0 "$idx" --db "$tmp/rerun.db" "$tmp/rerun"
expect_rc 0 "$idx" --db "$tmp/rerun.db" "$tmp/rerun"
grep -q " 2 unchanged" "$tmp/err" || { cat "$tmp/err" >&2; fail "unchanged inputs were read again"; }
cp "$logs/etw-debajyati.log" "$tmp/rerun/grow.log"
expect_rc 0 "$idx" --db "$tmp/rerun.db" "$tmp/rerun"
grep -q "1 replaced by a longer copy" "$tmp/err" || { cat "$tmp/err" >&2; fail "grown log not recognised"; }
w=$(cat "$logs/etw-lee-7723.log" "$logs/etw-debajyati.log" | grep -ac '\*FAILED\* \[[0-9A-Fa-f]\{8\}\]')
g=$(sqlite3 "$tmp/rerun.db" "SELECT count(*) FROM events_v WHERE kind = 1")
[ "$w" = "$g" ] || fail "after a grown log: want $w FAILED events, got $g"

# A full disk (simulated with PRAGMA max_page_count) stops the run with exit
# 1 and a consistent index holding only whole inputs; a later run completes it.
mkdir -p "$tmp/full"
# (copies begin differently: copies of one log with the same start count once)
for i in $(seq 1 12); do { printf 'copy %s\n' "$i"; cat "$logs/etw-debajyati.log"; } > "$tmp/full/d$i.log"; done
expect_rc 1 "$idx" --db "$tmp/full.db" --max-db-pages 40 -j 2 "$tmp/full"
grep -q "WL_E_DISK_FULL" "$tmp/err" || { cat "$tmp/err" >&2; fail "no disk-full message"; }
[ "$(sqlite3 "$tmp/full.db" "PRAGMA integrity_check")" = ok ] || fail "index damaged by a full disk"
vis=$(sqlite3 "$tmp/full.db" "SELECT count(*) FROM events_v")
sum=$(sqlite3 "$tmp/full.db" "SELECT coalesce(sum(events), 0) FROM sources WHERE complete = 1")
[ "$vis" = "$sum" ] || fail "after a full disk, visible events ($vis) are not whole inputs ($sum)"
expect_rc 0 "$idx" --db "$tmp/full.db" -j 2 "$tmp/full"
w=$(( $(grep -ac '\*FAILED\* \[[0-9A-Fa-f]\{8\}\]' "$logs/etw-debajyati.log") * 12 ))
g=$(sqlite3 "$tmp/full.db" "SELECT count(*) FROM events_v WHERE kind = 1")
[ "$w" = "$g" ] || fail "after resuming a full-disk run: want $w events, got $g"

# Queries answer while an ingest writes (WAL).
mkdir -p "$tmp/busy"
for i in $(seq 1 40); do { printf 'copy %s\n' "$i"; cat "$logs/etw-debajyati.log"; } > "$tmp/busy/d$i.log"; done
cp "$tmp/real.db" "$tmp/busy.db"
"$idx" --db "$tmp/busy.db" -q -j 1 "$tmp/busy" & ipid=$!
answered=0
for _ in $(seq 1 50); do
  "$qry" --db "$tmp/busy.db" errors --format csv > /dev/null 2>"$tmp/qerr" || fail "query failed during an ingest: $(cat "$tmp/qerr")"
  answered=$((answered + 1))
  kill -0 "$ipid" 2>/dev/null || break
done
wait "$ipid" || fail "ingest beside queries failed"
[ "$answered" -ge 1 ] || fail "no query ran"

# An input that grows while it is read (a live log): no crash, no hang, every
# line that was read indexed; a later run picks up the rest as a longer copy.
mkdir -p "$tmp/live"
{ printf 'copy live\n'; cat "$logs/etw-debajyati.log"; } > "$tmp/live/live.log"
( for i in $(seq 1 40); do cat "$logs/etw-lee-7723.log" >> "$tmp/live/live.log"; done ) & apid=$!
rc=0
timeout 120 "$idx" --db "$tmp/live.db" -q -j 2 "$tmp/live" || rc=$?
wait "$apid"
[ "$rc" -eq 0 ] || fail "growing input: exit $rc"
first=$(sqlite3 "$tmp/live.db" "SELECT count(*) FROM events_v WHERE kind = 1")
[ "$first" -ge "$(grep -ac '\*FAILED\* \[' "$logs/etw-debajyati.log")" ] || fail "growing input: $first events"
expect_rc 0 "$idx" --db "$tmp/live.db" -j 2 "$tmp/live"
w=$(grep -ac '\*FAILED\* \[[0-9A-Fa-f]\{8\}\]' "$tmp/live/live.log")
g=$(sqlite3 "$tmp/live.db" "SELECT count(*) FROM events_v WHERE kind = 1")
[ "$w" = "$g" ] || fail "after the input stopped growing: want $w events, got $g"

# A second ingester on the same index is refused while the first runs.
exec 9>"$tmp/real.db.lock"
flock -n 9
expect_rc 1 "$idx" --db "$tmp/real.db" "$logs"
grep -q "another wsuslog-index" "$tmp/err" || fail "no clear message for a locked index"
exec 9>&-
echo "e2e_cli: ok"
