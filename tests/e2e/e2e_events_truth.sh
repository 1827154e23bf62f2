#!/usr/bin/env bash
# End to end: the client error events of kinds 1, 2, 3 and 9 in the index are
# exactly the generator's events.csv, which lists every line that the grammar
# of docs/EVENTS.md makes an event (bench/gen/events.c applies it to each
# line the generator writes). The corpus holds every bullet and code spelling
# of that grammar in both client formats, and lines that look like errors but
# are not events; both are checked to be present before the comparison.
#
#   e2e_events_truth.sh GEN INDEX QUERY TMPDIR
set -euo pipefail
gen=$1 idx=$2 qry=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "e2e_events_truth: FAIL: $*" >&2; exit 1; }

# The failing profile: its clients' loops add the shapes of failing fleets to
# the spellings every profile writes.
"$gen" --seed 7 --servers 2 --clients 40 --days 20 --size 40M --profile failing \
  --tar-zst "$tmp/site.tar.zst" --truth "$tmp/truth" 2>/dev/null
T=$tmp/truth/events.csv
[ -s "$T" ] || fail "the generator wrote no events.csv"

# Every spelling is in the truth, in the format named (shape = the template).
need() { # format kind fixed-string
  F=$1 K=$2 S=$3 awk -F, '$5 == ENVIRON["F"] && $3 == ENVIRON["K"] && index($0, ENVIRON["S"]) {
    found = 1; exit } END { exit !found }' "$T" ||
    fail "truth has no $1 line of kind $2 with '$3' (generator coverage)"
}
need classic 2 'AU|  # WARNING:'
need classic 2 'COMAPI|  - WARNING: Exit code = 0x00000000, Result code = 0x$h'
need classic 2 'PT|  + WARNING:'
need classic 2 'Agent|  * WARNING:'
need classic 2 'Agent|      * WARNING: Exit code = 0X$h'
need classic 2 '\t* WARNING:'
need classic 2 'error code $h'
need classic 2 'hr=80070002'
need classic 2 'hr = $e'
need classic 2 'error = 80070005'
need classic 2 'result = 80070490'
need classic 2 'Exit code = 80070002'
need classic 2 'failed with 80070003'
need classic 2 'status: 80070020'
need classic 2 'hresult 80073712'
need classic 2 'error code C8000710'
need classic 2 'hr = 0x80D02002'
need classic 3 '(hr=80070002)'
need classic 3 '(hr=$h)'
need classic 3 'status = 0xD0000022'
need classic 9 'REPORT EVENT:'
need classic 9 'error code C8000710'
need etw 1 '*FAILED* [C8000710]'
need etw 1 '*FAILED* [80D02002]'
need etw 2 'WARNING:'
need etw 2 'hr=0X$h'
need etw 3 'FATAL:'
need etw 9 'failed, hr = 0x$h'
need etw 9 'DO job {$0} failed, updateId = $1.1, hr = 0x80190193'
need etw 9 'ResetPendingBlocks: Directory'
need etw 9 'Status: Error, HR: 0x80070643'
need etw 9 'Exit code = 0x00000000; Call error code = 0x80240022'
need etw 9 'failed with hr = $e.'
need etw 9 '  # Install failed, error code 80070002'
need etw 9 '    - Commit failed, Exit code = 80070005'
need etw 9 '  + Proxy detection failed'
need etw 9 'status = D0000022'

# The lines that are not events are in the corpus (and so must not be in the
# index: the comparison below sees any that is).
zstd -dc "$tmp/site.tar.zst" | tr -d '\r' > "$tmp/all.txt"
for s in 'Exit code = 0x00000000; Call error code = 0x00000000' \
         'Result code = 0x00240001' "403'd, updateId = " 'BG_ERROR_CONTEXT = 5' \
         'bytes failed the hash check' 'with error S_OK' 'global id of ' \
         'Progress failure bytes total = ' 'Search warning: reboot required.' \
         'WARNING: Cached cookie has expired'; do
  grep -aqF -- "$s" "$tmp/all.txt" || fail "corpus has no line with '$s' (a shape that is not an event)"
done
grep -aqE 'ProtocolTalker +\*FAILED\*' "$tmp/all.txt" || fail "corpus has no ETW lines"
grep -aqP '^\d{4}-\d\d-\d\d\t' "$tmp/all.txt" || fail "corpus has no classic lines"

rc=0
"$idx" --db "$tmp/ev.db" -j 2 -q "$tmp/site.tar.zst" || rc=$?
[ "$rc" -eq 0 ] || fail "wsuslog-index exited $rc"

# member,line,kind,code from both sides, sorted the same way.
tail -n +2 "$T" | cut -d, -f1-4 | LC_ALL=C sort > "$tmp/want.csv"
"$qry" --db "$tmp/ev.db" sql "SELECT member, line, kind, code FROM events_v
    WHERE role = 'client' AND kind IN (1, 2, 3, 9)" --format csv |
  tr -d '\r' | tail -n +2 | LC_ALL=C sort > "$tmp/got.csv"
[ -s "$tmp/got.csv" ] || fail "no client events in the index"
if ! cmp -s "$tmp/want.csv" "$tmp/got.csv"; then
  LC_ALL=C comm -23 "$tmp/want.csv" "$tmp/got.csv" > "$tmp/missing.csv"
  LC_ALL=C comm -13 "$tmp/want.csv" "$tmp/got.csv" > "$tmp/extra.csv"
  {
    echo "e2e_events_truth: the index differs from the truth ($(wc -l < "$tmp/want.csv") events):"
    echo "  $(wc -l < "$tmp/missing.csv") in the truth but not in the index ($tmp/missing.csv),"
    echo "  $(wc -l < "$tmp/extra.csv") in the index but not in the truth ($tmp/extra.csv)."
    if [ -s "$tmp/missing.csv" ]; then
      echo "Missing, by template line (count, format, kind, shape):"
      # member,line -> the truth row, whose last columns name the template.
      awk -F, 'NR == FNR { want[$1 "," $2] = 1; next }
        ($1 "," $2) in want {
          shape = $0; for (i = 0; i < 5; i++) shape = substr(shape, index(shape, ",") + 1)
          n[$5 " kind " $3 " | " shape]++ }
        END { for (k in n) printf "%7d  %s\n", n[k], k }' "$tmp/missing.csv" "$T" |
        sort -rn | head -40
    fi
    if [ -s "$tmp/extra.csv" ]; then
      echo "Extra (first 20: member,line,kind,code and the line):"
      head -20 "$tmp/extra.csv" | while IFS=, read -r m l k c; do
        raw=$("$qry" --db "$tmp/ev.db" sql "SELECT raw FROM events_v WHERE member = '$m' AND line = $l" --format csv | tail -n +2 | head -1)
        echo "  $m,$l,$k,$c: $raw"
      done
    fi
  } >&2
  fail "client events of kinds 1/2/3/9 differ from truth/events.csv"
fi
echo "e2e_events_truth: ok ($(wc -l < "$tmp/want.csv") client events equal the truth)"
