#!/usr/bin/env bash
# How fast every wsuslog-query report answers on an index of about 10
# million events built by wsuslog-index itself (so with its summaries),
# page cache warm (issue 15: every report <= 1 s, limits/guid/incident
# <= 100 ms, report --html <= 2 s; at 100 M events, a goal of 3 s each).
#
#   bench/queries.sh [--profile failing] [--size 9G] [--clients 2500] [--days D]
#                    [--seed 7] [--dir /tmp/wsuslog-bench] [--bin build-rel] [--runs 5] [--raw]
#
# Corpus: wsuslog-gen's failing-fleet profile (1.2-1.3 M events per GB, so
# 9 GB of logs give about 12 M events; --size 84G --days 60 about 100 M),
# kept between runs; its events.csv (a line per event) is deleted once
# written, since nothing here reads it. --profile light --size 64G --days 60
# is the earlier corpus: fewer events per GB but a SOAP fault in many of
# them. Each report is timed by hyperfine (median), from the summaries and,
# with --raw, also from raw events (WSUSLOG_QUERY_RAW=1). Bounds cut hours.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=failing size=9G clients=2500 days="" seed=7 dir=/tmp/wsuslog-bench bin=build-rel runs=5 raw=0
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --raw) raw=1; shift ;;
    *) echo "usage: $0 [--profile P] [--size S] [--clients N] [--days D] [--seed N] [--dir D] [--bin BUILD] [--runs N] [--raw]" >&2; exit 2 ;;
  esac
done
gen=$bin/bench/wsuslog-gen idx=$bin/indexer/wsuslog-index qry=$bin/query/wsuslog-query
for t in "$gen" "$idx" "$qry"; do [ -x "$t" ] || { echo "missing $t (build first)" >&2; exit 1; }; done
command -v hyperfine >/dev/null || { echo "missing hyperfine: scripts/setup --bench" >&2; exit 1; }
name=queries-$profile-$size-$clients${days:+-${days}d}-s$seed
corpus=$dir/$name db=$dir/$name.db
mkdir -p "$dir"
if [ ! -f "$corpus/.done" ]; then
  rm -rf "$corpus"
  "$gen" --seed "$seed" --profile "$profile" --clients "$clients" --servers 8 ${days:+--days "$days"} \
    --size "$size" --threads 2 --zst-dir "$corpus" --truth "$corpus.truth" >&2
  rm -f "$corpus.truth/events.csv"
  touch "$corpus/.done"
fi
if [ ! -f "$db" ]; then
  /usr/bin/time -f "ingest: %e s wall, %U s user" "$idx" -q -j2 --stats --db "$db" "$corpus" >&2
fi
events=$("$qry" --db "$db" sql "SELECT SUM(events) FROM sources WHERE complete = 1" --format csv | tail -1 | tr -d '\r')
guid=$("$qry" --db "$db" sql "SELECT g.guid FROM faults f JOIN guids g ON g.guid_id = f.fk WHERE f.fpar IS NOT NULL LIMIT 1" --format csv | tail -1 | tr -d '\r')
server=$("$qry" --db "$db" servers --format csv | sed -n 2p | cut -d, -f1 | tr -d '\r')
read -r lo hi < <("$qry" --db "$db" sql "SELECT MIN(first_ts), MAX(last_ts) FROM sources WHERE complete = 1" --format csv | tail -1 | tr -d '\r' | tr , ' ')
since=$(date -u -d "@$(((lo + (hi - lo) / 3) / 1000000 + 1237))" +%Y-%m-%dT%H:%M:%S)
until=$(date -u -d "@$(((lo + 2 * (hi - lo) / 3) / 1000000 + 2711))" +%Y-%m-%dT%H:%M:%S)
win="--since $since --until $until"
reports=(
  "limits" "guid $guid" "incident $guid" "errors --by code" "errors --by server" "errors --by client"
  "servers" "clients" "timeline --by day" "timeline --by hour" "capacity" "capacity --proxies"
  "errors --by code $win" "errors --by client $win" "servers $win" "clients $win"
  "clients --server $server $win" "timeline --by hour --server $server $win" "capacity $win"
)
med() { python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"; }
echo "index: $db, $events events, $(du -mL "$db" | cut -f1) MB; corpus: $profile profile, $size of logs, $clients clients, seed $seed${days:+, $days days}"
echo
if [ "$raw" = 1 ]; then echo "| report | summaries s | raw events s |"; echo "|---|---|---|"
else echo "| report | seconds (median of $runs) |"; echo "|---|---|"; fi
time_one() { # label command
  hyperfine --style none --runs "$runs" --warmup 1 --export-json "$dir/q.json" "$2" >/dev/null 2>&1
  local a; a=$(med "$dir/q.json")
  if [ "$raw" = 1 ]; then
    hyperfine --style none --runs 1 --export-json "$dir/q.json" "WSUSLOG_QUERY_RAW=1 $2" >/dev/null 2>&1
    echo "| \`$1\` | $a | $(med "$dir/q.json") |"
  else
    echo "| \`$1\` | $a |"
  fi
}
for r in "${reports[@]}"; do
  time_one "$r" "$qry --db $db $r --format csv"
done
time_one "report --html" "$qry --db $db report --html $dir/q.html"
