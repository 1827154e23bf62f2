#!/usr/bin/env bash
# Ingest into a local ClickHouse (`wsuslog-index --clickhouse`, -j2) as a
# ratio to the decompression floor (`zstd -dc > /dev/null`) of the same
# .tar.zst, and SQLite's ingest (--db) beside it. Rounds alternate floor,
# ClickHouse, SQLite so that all see the same minutes of this noisy machine;
# the medians of the per-round ratios are printed. Every ClickHouse run
# writes a fresh database (a re-run would read nothing).
#
#   bench/clickhouse-ingest.sh [--size 1G] [--rounds 5] [--dir /tmp/wsuslog-bench-ch] [--bin build]
set -euo pipefail
cd "$(dirname "$0")/.."
size=1G rounds=5 dir=/tmp/wsuslog-bench-ch bin=build
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "usage: $0 [--size 1G] [--rounds N] [--dir D] [--bin BUILD]" >&2; exit 2 ;;
  esac
done
gen=$bin/bench/wsuslog-gen idx=$bin/indexer/wsuslog-index
ch=tests/clickhouse/ch-server.sh
"$ch" available || { echo "clickhouse-server not installed (scripts/setup)" >&2; exit 1; }
mkdir -p "$dir"
corpus=$dir/corpus-$size.tar.zst
[ -f "$corpus" ] || "$gen" --seed 42 --size "$size" --tar-zst "$corpus" --truth "$dir/truth-$size" >&2
rm -rf "$dir/ch"
"$ch" start "$dir/ch"
trap '"$ch" stop "$dir/ch"' EXIT
url=$(cat "$dir/ch/url")
secs() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || [ $? -eq 3 ]; t1=$(date +%s%N); echo "scale=3; ($t1 - $t0) / 1000000000" | bc; }
cat "$corpus" > /dev/null # into the page cache
r_ch=() r_sq=()
for ((i = 1; i <= rounds; i++)); do
  f=$(secs zstd -dc "$corpus")
  c=$(secs "$idx" --clickhouse "$url/?database=bench$i" -j2 -q "$corpus")
  rm -f "$dir"/bench.db*
  s=$(secs "$idx" --db "$dir/bench.db" -j2 -q "$corpus")
  r_ch+=("$(echo "scale=3; $c / $f" | bc)") r_sq+=("$(echo "scale=3; $s / $f" | bc)")
  echo "round $i: zstd -dc $f s, clickhouse -j2 $c s, sqlite -j2 $s s" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
events=$(curl -sS "$url/" --data-binary "SELECT count() FROM bench1.events")
echo "corpus $size ($corpus), $events events; $rounds rounds"
echo "ClickHouse ingest / zstd -dc: median $(median "${r_ch[@]}") (rounds: ${r_ch[*]})"
echo "SQLite ingest / zstd -dc:     median $(median "${r_sq[@]}") (rounds: ${r_sq[*]})"
