#!/usr/bin/env bash
# Summaries stay exact (docs/SCHEMA.md, "Summaries"): after every way an
# index changes, every report answered from the summary tables equals the
# same report answered from raw events (twoways.sh), with and without time
# bounds that cut hours in the middle:
#   inputs added in a later run, with the server side of faults arriving in
#   a run after their client side; a duplicate dropped; a grown log replacing
#   its copy; a run killed and resumed; the real logs of ../shared; the
#   generator's failing-fleet profile. And the summary tables the writer
#   groups in memory equal those SQL groups from the events.
# A source's day gets hourly rows only when dense (WL_SUM_DENSE_DAY events
# and scans); a bound in a sparser day reads it raw. These corpora are
# small, so WSUSLOG_SUM_DENSE lowers the threshold where a section must see
# both kinds of day (mixed), or every day dense (1).
#   e2e_summaries.sh GEN INDEX QUERY SHARED_DIR TMPDIR
set -euo pipefail
gen=$1 idx=$2 qry=$3 shared=$4 tmp=$5
. "$(dirname "$0")/twoways.sh"
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "e2e_summaries: $*" >&2; exit 1; }
val() { "$qry" --db "$1" sql "$2" --format csv | tail -1 | tr -d '\r'; }
# Both kinds of day in db: spans of one hour (dense) and of a day (sparse).
mixed() {
  [ "$(val "$1" "SELECT COUNT(DISTINCT hours) FROM sum_spans")" = 2 ] ||
    fail "$2: not both dense and sparse days (WSUSLOG_SUM_DENSE=${WSUSLOG_SUM_DENSE:-})"
}

# Bounds a third and two thirds into the index's time span, at odd seconds.
check() { # db label
  local db=$1 what=$2 lo hi span since until server
  read -r lo hi < <(val "$db" "SELECT MIN(first_ts), MAX(last_ts) FROM sources WHERE complete = 1" | tr , ' ')
  # Each complete source's events lie in its range of event ids, and the
  # range read with the source filter finds every one of them.
  [ "$(val "$db" "SELECT COUNT(*) FROM sources s WHERE s.complete = 1 AND (s.last_event IS NULL
      OR s.events <> (SELECT COUNT(*) FROM events e WHERE e.source_id = s.source_id)
      OR s.events <> (SELECT COUNT(*) FROM events e WHERE e.event_id BETWEEN s.first_event
        AND s.last_event AND e.source_id = s.source_id))")" = 0 ] ||
    fail "$what: a source's events are not all in its range of event ids"
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
  # On an hour and on midnight: no partial hour, one cut day.
  twoways_check "$qry" "$db" "$(date -u -d "$since" +%Y-%m-%dT%H:00:00)" \
    "$(date -u -d "$until" +%Y-%m-%dT00:00:00)" "" || fail "$what: whole hours"
}

"$gen" --seed 11 --clients 120 --servers 3 --days 9 --size 12M --zst-dir "$tmp/corpus" --truth "$tmp/truth" >/dev/null 2>&1
mkdir -p "$tmp/clients" "$tmp/servers"
mv "$tmp"/corpus/servers_* "$tmp/servers/"
mv "$tmp"/corpus/* "$tmp/clients/"

# Client sides first, the servers' records of the same faults in a second run.
export WSUSLOG_SUM_DENSE=5
db=$tmp/runs.db
"$idx" -q --db "$db" "$tmp/clients"
mixed "$db" "clients only"
check "$db" "clients only"
"$idx" -q --db "$db" "$tmp/clients" "$tmp/servers"
check "$db" "servers in a second run"
[ "$(val "$db" "SELECT COUNT(*) FROM faults WHERE fsrv IS NOT NULL")" -gt 0 ] ||
  fail "no fault has a server after the second run"

# A duplicate under another name, and a log that grew: its first half
# indexed, then the whole file under the same path.
# (a glob, not `ls | head -1`: under pipefail, head closing the pipe early
# could kill ls with SIGPIPE and the script with it, silently)
logs=("$tmp"/clients/*WindowsUpdate.log.zst)
one=${logs[0]}
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

# Killed mid-run, then resumed; every day dense.
export WSUSLOG_SUM_DENSE=1
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
# The writer groups each source's summaries in memory as its rows arrive;
# a source with more keys than WSUSLOG_SUM_KEYS is grouped by SQL from its
# events instead (0: every source, 40: some, part way through). All three
# must write the same summary tables, row for row (-j 1: same ids), and
# decide alike which days are dense.
tables() {
  local t
  for t in sum_errors sum_errors_total sum_errors_hourly sum_activity sum_activity_total \
    sum_activity_hourly sum_spans sum_hours faults fault_members; do
    echo "== $t"
    "$qry" --db "$1" sql "SELECT * FROM $t" --format csv | LC_ALL=C sort
  done
}
export WSUSLOG_SUM_DENSE=5
for keys in "" 0 40; do
  rm -f "$tmp/keys.db"*
  WSUSLOG_SUM_KEYS=$keys "$idx" -q -j 1 --db "$tmp/keys.db" "$tmp/clients" "$tmp/servers" "$tmp/more"
  tables "$tmp/keys.db" > "$tmp/keys-$keys.txt"
done
[ "$(grep -c . "$tmp/keys-.txt")" -gt 100 ] || fail "summary tables nearly empty"
mixed "$tmp/keys.db" "grouped by SQL"
cmp "$tmp/keys-.txt" "$tmp/keys-0.txt" || fail "summaries grouped in memory differ from SQL's"
cmp "$tmp/keys-.txt" "$tmp/keys-40.txt" || fail "summaries differ when some sources overflow"
check "$tmp/keys.db" "some sources grouped by SQL"

# A full disk (PRAGMA max_page_count) stops a run wherever it is, summaries
# included: what it committed holds summaries of exactly its complete
# sources, and a later run completes them.
# (The whole index takes about 95 pages.) Every day sparse (the default).
unset WSUSLOG_SUM_DENSE
db=$tmp/full.db
for pages in 45 60 75; do
  rm -f "$db"*
  "$idx" -q -j 2 --max-db-pages "$pages" --db "$db" "$tmp/clients" "$tmp/servers" >/dev/null 2>&1 &&
    fail "a run within $pages pages did not stop"
  check "$db" "disk full at $pages pages"
done
"$idx" -q -j 2 --db "$db" "$tmp/clients" "$tmp/servers"
check "$db" "resumed after a full disk"

# The real logs.
. "$(dirname "$0")/../common/real_logs.sh"
if have_real_logs e2e_summaries "$shared/real-logs"; then
  db=$tmp/real.db
  "$idx" -q --db "$db" "$shared/real-logs" >/dev/null 2>&1 || true
  check "$db" "real logs"
fi
# The failing-fleet profile: most clients fail, faults on every server.
"$gen" --seed 12 --clients 80 --servers 3 --days 5 --size 8M --profile failing \
  --zst-dir "$tmp/failing" --truth "$tmp/failing-truth" >/dev/null 2>&1
db=$tmp/failing.db
WSUSLOG_SUM_DENSE=40 "$idx" -q -j 2 --db "$db" "$tmp/failing"
[ "$(val "$db" "SELECT COUNT(*) FROM faults")" -gt 0 ] || fail "failing profile: no faults"
mixed "$db" "failing profile"
check "$db" "failing profile"
echo "e2e_summaries: ok"
