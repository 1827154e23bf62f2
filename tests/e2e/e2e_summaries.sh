#!/usr/bin/env bash
# Summaries stay exact (docs/SCHEMA.md, "Summaries"): after every way an
# index changes, every report answered from the summary tables equals the
# same report answered from raw events (twoways.sh), with and without time
# bounds that cut hours in the middle:
#   inputs added in a later run, with the server side of faults arriving in
#   a run after their client side; a duplicate dropped; a grown log replacing
#   its copy; a run killed and resumed; the real logs of ../shared.
#   e2e_summaries.sh GEN INDEX QUERY SHARED_DIR TMPDIR
set -euo pipefail
gen=$1 idx=$2 qry=$3 shared=$4 tmp=$5
. "$(dirname "$0")/twoways.sh"
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "e2e_summaries: $*" >&2; exit 1; }
val() { "$qry" --db "$1" sql "$2" --format csv | tail -1 | tr -d '\r'; }

# Bounds a third and two thirds into the index's time span, at odd seconds.
check() { # db label
  local db=$1 what=$2 lo hi span since until server
  read -r lo hi < <(val "$db" "SELECT MIN(first_ts), MAX(last_ts) FROM sources WHERE complete = 1" | tr , ' ')
  twoways_check "$qry" "$db" || fail "$what: no bounds"
  [ -n "$lo" ] || return 0
  span=$((hi - lo))
  since=$(date -u -d "@$(((lo + span / 3) / 1000000 + 1237))" +%Y-%m-%dT%H:%M:%S)
  until=$(date -u -d "@$(((lo + 2 * span / 3) / 1000000 + 2711))" +%Y-%m-%dT%H:%M:%S)
  server=$("$qry" --db "$db" servers --format csv | sed -n 2p | cut -d, -f1 | tr -d '\r')
  twoways_check "$qry" "$db" "$since" "$until" "$server" || fail "$what: $since .. $until"
  twoways_check "$qry" "$db" "$since" "" "$server" || fail "$what: since $since"
  twoways_check "$qry" "$db" "" "$until" "" || fail "$what: until $until"
  # Within one day, and within one hour.
  twoways_check "$qry" "$db" "$since" "$(date -u -d "$since 5 hours 7 minutes" +%Y-%m-%dT%H:%M:%S)" "" ||
    fail "$what: hours"
  twoways_check "$qry" "$db" "$since" "$(date -u -d "$since 13 minutes" +%Y-%m-%dT%H:%M:%S)" "" ||
    fail "$what: minutes"
}

"$gen" --seed 11 --clients 120 --servers 3 --days 9 --size 12M --zst-dir "$tmp/corpus" --truth "$tmp/truth" >/dev/null 2>&1
mkdir -p "$tmp/clients" "$tmp/servers"
mv "$tmp"/corpus/servers_* "$tmp/servers/"
mv "$tmp"/corpus/* "$tmp/clients/"

# Client sides first, the servers' records of the same faults in a second run.
db=$tmp/runs.db
"$idx" -q --db "$db" "$tmp/clients"
check "$db" "clients only"
"$idx" -q --db "$db" "$tmp/clients" "$tmp/servers"
check "$db" "servers in a second run"
[ "$(val "$db" "SELECT COUNT(*) FROM faults WHERE fsrv IS NOT NULL")" -gt 0 ] ||
  fail "no fault has a server after the second run"

# A duplicate under another name, and a log that grew: its first half
# indexed, then the whole file under the same path.
one=$(ls "$tmp"/clients/*WindowsUpdate.log.zst | head -1)
mkdir -p "$tmp/more"
cp "$one" "$tmp/more/copy-$(basename "$one")"
zstd -qdc "$(ls "$tmp"/clients/*WindowsUpdate.log.zst | sed -n 2p)" > "$tmp/full.log"
n=$(wc -l < "$tmp/full.log")
head -n $((n / 2)) "$tmp/full.log" > "$tmp/more/pc-grown-WindowsUpdate.log"
"$idx" -q --db "$db" "$tmp/more"
check "$db" "duplicate dropped, half a log"
cp "$tmp/full.log" "$tmp/more/pc-grown-WindowsUpdate.log"
touch -d '+1 minute' "$tmp/more/pc-grown-WindowsUpdate.log"
"$idx" -q --db "$db" "$tmp/more"
[ "$(val "$db" "SELECT COUNT(*) FROM sources WHERE path LIKE '%pc-grown%'")" = 1 ] ||
  fail "the grown log did not replace its copy"
check "$db" "grown log replaced"

# Killed mid-run, then resumed.
db=$tmp/killed.db
for ms in 150 400; do
  "$idx" -q -j 2 --db "$db" "$tmp/clients" "$tmp/servers" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$ms"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -f "$db" ] && check "$db" "killed at ${ms} ms"
done
"$idx" -q -j 2 --db "$db" "$tmp/clients" "$tmp/servers"
check "$db" "resumed"
# The real logs.
. "$(dirname "$0")/../common/real_logs.sh"
if have_real_logs e2e_summaries "$shared/real-logs"; then
  db=$tmp/real.db
  "$idx" -q --db "$db" "$shared/real-logs" >/dev/null 2>&1 || true
  check "$db" "real logs"
fi
echo "e2e_summaries: ok"
