#!/usr/bin/env bash
# wsuslog-index --audit: a log with shapes the grammar (docs/EVENTS.md) does
# not take shows them, most frequent first, with one example each, in every
# output format; lines that became events and lines that do not look like
# errors are not listed; no index is written.
set -euo pipefail
idx=$1 tmp=$2
rm -rf "$tmp"; mkdir -p "$tmp/logs"
fail() { echo "e2e_audit: FAIL: $*" >&2; exit 1; }

# A Windows 10 log: 4 lines of a shape that reports a failure code without
# an error word, 2 that say "failed" without any code, 1 "error" line whose
# only number is a decimal without a code key; events and ordinary lines
# around them. Line numbers are checked below: keep the order.
L=$tmp/logs/pc1-WindowsUpdate.log
{
  for i in 1 2 3 4; do
    printf '2024/04/11 12:48:0%d.0083821 1980  7100  DownloadManager DO job {9EEC40D2-C350-4760-81F0-B5F37642313%d} 403'"'"'d, updateId = 54751BC1-F1DA-4868-8662-A3A27A51045F.1, hr = 0x80190193\r\n' "$i" "$i"
  done
  printf '2024/04/11 12:48:10.0000000 1980  7100  Agent           *FAILED* [80244007] SyncUpdates_WithRecovery failed\r\n'
  printf '2024/04/11 12:48:11.0000000 1980  7100  Agent           Update 6F3FE9DD-7BCD-4A69-844F-2CF4766E5B0B.200 failed to install\r\n'
  printf '2024/04/11 12:48:12.0000000 1980  7100  Agent           Update 7F3FE9DD-7BCD-4A69-844F-2CF4766E5B0B.201 failed to install\r\n'
  printf '2024/04/11 12:48:13.0000000 1980  7100  Misc            Copy error after 91234567 bytes\r\n'
  printf '2024/04/11 12:48:14.0000000 1980  7100  Agent           Search failed, hr = 0x8024402C\r\n'
  printf '2024/04/11 12:48:15.0000000 1980  7100  Agent           Service started\r\n'
} >"$L"

"$idx" --audit --format csv "$L" >"$tmp/out.csv" 2>"$tmp/err" || fail "exit $? $(cat "$tmp/err")"
[ ! -e "$tmp/logs/index.db" ] && ! ls "$tmp"/*.db >/dev/null 2>&1 || fail "--audit wrote an index"
# CSV (read back by sqlite3's importer): header, then count,input,member,
# shape,line,example, most frequent first.
head -1 "$tmp/out.csv" | tr -d '\r' | grep -qx 'count,input,member,shape,line,example' || fail "csv header"
got=$(sqlite3 :memory: ".import --csv $tmp/out.csv a" "SELECT group_concat(count || ':' || line, ' ') FROM a")
[ "$got" = "4:1 2:6 1:8" ] || fail "csv rows (count:line): $got, want 4:1 2:6 1:8"
grep -q "DownloadManager: DO job <guid> <n>'d, updateId = <guid>.<n>, hr = <hex>" "$tmp/out.csv" ||
  fail "the first shape is not masked as expected: $(sed -n 2p "$tmp/out.csv")"
grep -q 'Agent: Update <guid>.<n> failed to install' "$tmp/out.csv" || fail "second shape"
# The summary: 7 error-looking lines are not events, 2 are.
grep -q 'audit: 1 logs, 10 lines; 9 look like errors, 2 of them events' "$tmp/err" ||
  fail "summary: $(cat "$tmp/err")"

# JSON is valid and carries the same rows.
"$idx" --audit --format json "$L" >"$tmp/out.json" 2>/dev/null
[ "$(sqlite3 :memory: "SELECT json_valid(CAST(readfile('$tmp/out.json') AS TEXT))")" = 1 ] ||
  fail "json not valid"
[ "$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '\$.count') || ':' || json_extract(value, '\$.line'), ' ') FROM json_each(CAST(readfile('$tmp/out.json') AS TEXT))")" = "4:1 2:6 1:8" ] ||
  fail "json rows"

# The table is the default; usage errors.
"$idx" --audit "$L" >"$tmp/out.txt" 2>/dev/null
head -1 "$tmp/out.txt" | grep -q '^count  *input' || fail "table header"
rc=0; "$idx" --audit --db "$tmp/x.db" "$L" 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "--audit with --db: exit $rc"
rc=0; "$idx" --audit --format xml "$L" 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "--format xml: exit $rc"
rc=0; "$idx" --db "$tmp/x.db" --format json "$L" 2>/dev/null || rc=$?; [ $rc = 2 ] || fail "--format without --audit: exit $rc"

# A bad input is named, the others are audited.
printf '\x28\xb5\x2f\xfd\x00\x00' >"$tmp/logs/cut.log.zst"
rc=0; "$idx" --audit --format csv "$tmp/logs" >"$tmp/out2.csv" 2>"$tmp/err2" || rc=$?
grep -q 'cut.log.zst' "$tmp/err2" || fail "the bad input is not named: $(cat "$tmp/err2")"
[ "$(sed -n 2p "$tmp/out2.csv" | cut -d, -f1)" = 4 ] || fail "the good input is not audited"
echo "e2e_audit: ok"
