#!/usr/bin/env bash
# How fast `wsuslog-query limits` answers on an index of about 10 million
# events (issue 3: <= 100 ms).
#
#   bench/limits10m.sh [--copies 47] [--dir /tmp/wsuslog-bench] [--bin build/] [--runs 10]
#
# Generating and indexing ~47 GB of logs takes too long for a routine run, so
# the index is made from a real one: the 1 GB .tar.zst corpus of bench/run.sh
# is indexed by wsuslog-index, then its sources, events, raw lines, GUID rows
# and scans are copied N times inside SQLite (new source and event ids, new
# source keys and paths, times moved by 31 days per copy, new fault GUIDs
# per copy, the same clients, servers and update IDs: the density of limit
# faults per event stays that of the generator). The two indexes `limits`
# reads (events_by_fault, events_by_param) are kept during the copy, as
# wsuslog-index keeps them during a load; the other secondary indexes are
# dropped for the copy and built after it (faster to make), and ANALYZE is
# run as the indexer's close does.
set -euo pipefail
cd "$(dirname "$0")/.."

copies=47 dir=/tmp/wsuslog-bench bin=build runs=10
while [ $# -gt 0 ]; do
  case $1 in
    --copies) copies=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) echo "usage: $0 [--copies N] [--dir D] [--bin BUILD] [--runs N]" >&2; exit 2 ;;
  esac
done
gen=$bin/bench/wsuslog-gen idx=$bin/indexer/wsuslog-index qry=$bin/query/wsuslog-query
for t in "$gen" "$idx" "$qry"; do [ -x "$t" ] || { echo "missing $t (build first)" >&2; exit 1; }; done
for t in sqlite3 hyperfine; do command -v $t >/dev/null || { echo "missing $t: scripts/setup --bench" >&2; exit 1; }; done
mkdir -p "$dir"
corpus=$dir/corpus-tarzst.tar.zst
[ -f "$corpus" ] || "$gen" --seed 42 --size 1G --tar-zst "$corpus" --truth "$dir/truth-tarzst"

base=$dir/limits-base.db big=$dir/limits-10m.db
rm -f "$base" "$base"-wal "$base"-shm "$big" "$big"-wal "$big"-shm
"$idx" -q --db "$base" "$corpus"
cp "$base" "$big"

# Offsets: each copy c (1..N) shifts ids by c * (max id) and times by c * 31 days.
# Secondary indexes dropped for the copy, then built again from their own
# DDL (random keys: much faster built once than maintained over 10 M rows).
post="'event_guids_by_guid','events_by_client','scans_by_server'"
ddl=$(sqlite3 "$big" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND name IN ($post)")
drop=$(sqlite3 "$big" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND name IN ($post)")
sqlite3 "$big" <<SQL
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;
$drop
CREATE TEMP TABLE k(c INTEGER PRIMARY KEY);
WITH RECURSIVE n(c) AS (SELECT 1 UNION ALL SELECT c + 1 FROM n WHERE c < $copies)
INSERT INTO k SELECT c FROM n;
CREATE TEMP TABLE m AS SELECT (SELECT max(source_id) FROM sources) AS s,
  (SELECT max(event_id) FROM events) AS e, (SELECT max(scan_id) FROM scans) AS sc,
  (SELECT max(guid_id) FROM guids) AS g, 31 * 86400 * 1000000 AS dt;
CREATE TEMP TABLE fg(id INTEGER PRIMARY KEY);
INSERT INTO fg SELECT DISTINCT fault_guid_id FROM events WHERE fault_guid_id IS NOT NULL;
BEGIN;
-- Each copy's faults get their own fault GUIDs (last 4 hex digits = copy).
INSERT INTO guids(guid_id, guid)
SELECT guid_id + k.c * m.g, substr(guid, 1, 32) || printf('%04x', k.c)
FROM guids, k, m WHERE guid_id IN fg
ORDER BY k.c, guid_id;
INSERT INTO sources(source_id, source_key, path, member, format, role, host, bytes, lines,
  events, first_ts, last_ts, complete, indexed_at, head_key, first_event, last_event)
SELECT source_id + k.c * m.s, source_key || '-' || k.c, path || '#' || k.c, member, format,
  role, host, bytes, lines, events, first_ts + k.c * m.dt, last_ts + k.c * m.dt, complete,
  indexed_at, head_key || '-' || k.c, first_event + k.c * m.e, last_event + k.c * m.e
FROM sources, k, m WHERE source_id <= m.s ORDER BY k.c, source_id;
INSERT INTO events(event_id, source_id, line, ts, role, kind, host_id, server_id,
  client_guid_id, component_id, hresult, fault_code, parameter, fault_guid_id, prefix, message_id)
SELECT event_id + k.c * m.e, source_id + k.c * m.s, line, ts + k.c * m.dt, role, kind, host_id,
  server_id, client_guid_id, component_id, hresult, fault_code, parameter,
  fault_guid_id + k.c * m.g, prefix, message_id
FROM events, k, m WHERE event_id <= m.e ORDER BY k.c, event_id;
INSERT INTO event_guids(guid_id, event_id, what)
SELECT CASE WHEN guid_id IN fg THEN guid_id + k.c * m.g ELSE guid_id END, event_id + k.c * m.e, what
FROM event_guids, k, m WHERE event_id <= m.e ORDER BY k.c, event_id;
INSERT INTO scans(scan_id, source_id, line, ts, host_id, server_id, client_guid_id, exit_code,
  round_trips, evaluated, deployed)
SELECT scan_id + k.c * m.sc, source_id + k.c * m.s, line, ts + k.c * m.dt, host_id, server_id,
  client_guid_id, exit_code, round_trips, evaluated, deployed
FROM scans, k, m WHERE scan_id <= m.sc ORDER BY k.c, scan_id;
COMMIT;
PRAGMA threads = 2;
$ddl
PRAGMA analysis_limit = 1000; ANALYZE;
PRAGMA journal_mode = WAL;
SQL

events=$(sqlite3 "$big" "SELECT count(*) FROM events")
hits=$("$qry" --db "$big" limits --format csv | tail -n +2 | wc -l)
size=$(stat -c %s "$big")
hyperfine -N --style none --runs "$runs" --warmup 2 --export-json "$dir/hf-limits.json" \
  "$qry --db $big limits" >/dev/null
mean=$(grep -o '"mean": *[0-9.]*' "$dir/hf-limits.json" | head -1 | grep -o '[0-9.]*$')
max=$(grep -o '"max": *[0-9.]*' "$dir/hf-limits.json" | head -1 | grep -o '[0-9.]*$')
printf 'limits on %s events (%d copies of the 1 GB corpus index; %.0f MB): %d rows, mean %.1f ms, max %.1f ms (%d runs, page cache warm)\n' \
  "$events" "$((copies + 1))" "$(echo "$size / 1000000" | bc -l)" "$hits" \
  "$(echo "$mean * 1000" | bc -l)" "$(echo "$max * 1000" | bc -l)" "$runs"
