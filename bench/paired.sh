#!/usr/bin/env bash
# Paired ratios: wsuslog-index against its decompression floor, run in
# alternation (floor, ingest, floor, ingest, ...) so that both see the same
# minutes of a noisy machine. Prints, per pair, the median of the per-round
# ratios and their range. hyperfine times each command's runs back to back,
# so its ratios carry the machine's drift between the two blocks (on the 2-core
# VM the same `zstd -dc` measured 0.95 s and 1.25 s minutes apart).
#
#   bench/paired.sh [--rounds 9] [--jobs 2] [--dir /tmp/wsuslog-bench] [--bin build/]
#
# Needs the corpora of bench/run.sh (it makes them when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=9 jobs=2 dir=/tmp/wsuslog-bench bin=build
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--jobs N] [--dir D] [--bin BUILD]" >&2; exit 2 ;;
  esac
done
idx=$bin/indexer/wsuslog-index
[ -x "$idx" ] || { echo "missing $idx (build first)" >&2; exit 1; }
for t in zstd rg; do command -v $t >/dev/null || { echo "missing $t: scripts/setup --bench" >&2; exit 1; }; done
if [ ! -f "$dir/corpus-tarzst.tar.zst" ] || [ ! -d "$dir/corpus-many" ] || [ ! -f "$dir/corpus-frames.zst" ]; then
  bench/run.sh --dir "$dir" --bin "$bin" --runs 1 --jobs 1 >/dev/null
fi
pat='FAILED|ThrowException'
db=$dir/paired.db

secs() { # command... -> wall seconds
  local t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.4f\n", b - a}'
}
# Read the input once more, untimed, right before each timed run: this VM's
# kernel runs DAMON reclaim (pageout of pages idle for ~60 s), so an input
# last touched a minute ago may come from disk.
warm() { if [ -d "$1" ]; then cat "$1"/*.zst > /dev/null; else cat "$1" > /dev/null; fi; }
ingest() { rm -f "$db" "$db"-wal "$db"-shm; "$idx" --db "$db" -q -j "$jobs" "$1"; }
floor_one() { zstd -dc "$1" -o /dev/null -f; }
floor_many() { ls "$1"/*.zst | xargs -P "$jobs" -n 8 zstd -dc > /dev/null; }
rg_z() { rg -z -c "$pat" "$1"; }
# zstd -dc while a shell loop keeps another core busy: what one thread of a
# program that fills two cores can expect. On the 2-core VM a busy
# neighbour alone slows zstd -dc by about a fifth: the host's doing (a
# shared physical core or clock), not memory, which the loop does not
# touch. wsuslog-index -j 2 on one input always has one: its writer.
floor_busy() {
  local p
  (while :; do :; done) & p=$!
  zstd -dc "$1" -o /dev/null -f
  kill "$p"; wait "$p" 2>/dev/null || true
}

med() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# pair name floor-fn test-fn input: alternate, then summarize test/floor
pair() {
  local name=$1 fl=$2 te=$3 in=$4 r f t tmp
  tmp=$(mktemp)
  "$fl" "$in" >/dev/null 2>&1; "$te" "$in" >/dev/null 2>&1 # warm the page cache
  for r in $(seq "$rounds"); do
    warm "$in"; f=$(secs "$fl" "$in")
    warm "$in"; t=$(secs "$te" "$in")
    echo "$f $t" >> "$tmp"
  done
  local fm tm qm qlo qhi
  fm=$(cut -d' ' -f1 "$tmp" | med)
  tm=$(cut -d' ' -f2 "$tmp" | med)
  qm=$(awk '{ print $2 / $1 }' "$tmp" | med)
  qlo=$(awk '{ print $2 / $1 }' "$tmp" | sort -g | head -1)
  qhi=$(awk '{ print $2 / $1 }' "$tmp" | sort -g | tail -1)
  rm -f "$tmp"
  awk -v n="$name" -v m="$rounds" -v fm="$fm" -v tm="$tm" -v q="$qm" -v lo="$qlo" -v hi="$qhi" \
    'BEGIN { printf "| %s | %d | %.3f | %.3f | **%.2f** | %.2f-%.2f |\n", n, m, fm, tm, q, lo, hi }'
}

echo "Paired runs ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, -j $jobs, $rounds rounds):"
echo
echo "| pair (test / floor) | rounds | floor median s | test median s | median ratio | range |"
echo "|---|---|---|---|---|---|"
pair "tarzst: wsuslog-index / zstd -dc" floor_one ingest "$dir/corpus-tarzst.tar.zst"
pair "tarzst: rg -z -c / zstd -dc" floor_one rg_z "$dir/corpus-tarzst.tar.zst"
pair "tarzst: zstd -dc beside a busy core / zstd -dc" floor_one floor_busy "$dir/corpus-tarzst.tar.zst"
pair "many: wsuslog-index / xargs -P $jobs zstd -dc" floor_many ingest "$dir/corpus-many"
pair "frames: wsuslog-index / zstd -dc" floor_one ingest "$dir/corpus-frames.zst"
rm -f "$db" "$db"-wal "$db"-shm "$db".lock
