#!/usr/bin/env bash
# Throughput benchmark of wsuslog-index against the tools admins would use
# instead, all measured in the same run on the same files (these machines are
# noisy: compare ratios, not absolute numbers).
#
#   bench/run.sh [--size 1G] [--jobs "1 2"] [--runs 3] [--dir /tmp/wsuslog-bench]
#                [--bin build/] [--out bench/results-latest.md]
#
# Ends with bench/paired.sh: the main ratios again from alternating runs.
#
# Corpora (from bench/wsuslog-gen, realistic event density):
#   tarzst  one .tar.zst of a whole site          (one single-frame zstd stream)
#   many    one .zst per log file                 (work split across files)
#   frames  one huge WindowsUpdate.log, multi-frame .zst (32 MiB frames)
# Baselines: zstd -dc > /dev/null; xargs -P N zstd -dc (many files);
#   zstd -dc | rg -c; rg -z -c; ugrep -z -c.
set -euo pipefail
cd "$(dirname "$0")/.."

size=1G jobs="1 2" runs=3 dir=/tmp/wsuslog-bench bin=build out=""
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--size 1G] [--jobs \"1 2\"] [--runs N] [--dir D] [--bin BUILD] [--out FILE]" >&2; exit 2 ;;
  esac
done
gen=$bin/bench/wsuslog-gen idx=$bin/indexer/wsuslog-index qry=$bin/query/wsuslog-query
for t in "$gen" "$idx" "$qry"; do [ -x "$t" ] || { echo "missing $t (build first)" >&2; exit 1; }; done
for t in zstd rg ugrep hyperfine; do command -v $t >/dev/null || { echo "missing $t: scripts/setup --bench" >&2; exit 1; }; done
pat='FAILED|ThrowException'
mkdir -p "$dir"
log() { echo "$@" >&2; }

# ---- corpora (kept between runs with the same size) ----
if [ ! -f "$dir/.done-$size" ]; then
  rm -rf "$dir"/corpus-*; mkdir -p "$dir/corpus-many"
  log "generating $size corpora in $dir"
  "$gen" --seed 42 --size "$size" --tar-zst "$dir/corpus-tarzst.tar.zst" --truth "$dir/truth-tarzst"
  "$gen" --seed 42 --size "$size" --zst-dir "$dir/corpus-many" --truth "$dir/truth-many"
  "$gen" --seed 42 --size "$size" --big-log "$dir/corpus-frames.zst" --frame-mib 32 --truth "$dir/truth-frames"
  touch "$dir/.done-$size"
fi

# Decompressed bytes and lines of each corpus (for MB/s and lines/s).
measure() { # corpus -> "bytes lines"
  case $1 in
    tarzst) zstd -dc "$dir/corpus-tarzst.tar.zst" | tar -xOf - | wc -lc ;;
    many) cat "$dir"/corpus-many/*.zst | zstd -dc | wc -lc ;;
    frames) zstd -dc "$dir/corpus-frames.zst" | wc -lc ;;
  esac
}
input() {
  case $1 in
    tarzst) echo "$dir/corpus-tarzst.tar.zst" ;;
    many) echo "$dir/corpus-many" ;;
    frames) echo "$dir/corpus-frames.zst" ;;
  esac
}
compressed() { du -cb $(input "$1") | tail -1 | cut -f1; }

# hyperfine median seconds of a command (the median: these VMs have outliers of +30 %).
# Before every run the input is read once more (\$warm): this VM's kernel runs
# DAMON reclaim, which pages out what was not touched for about a minute, so
# without it some runs read their input from disk (see bench/RESULTS.md).
warm=true
hf() { # name command...
  local name=$1; shift
  hyperfine --style none --runs "$runs" --warmup 1 --prepare "$warm" --export-json "$dir/hf.json" "$@" >/dev/null
  python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$dir/hf.json" 2>/dev/null ||
    grep -o '"median": *[0-9.]*' "$dir/hf.json" | head -1 | grep -o '[0-9.]*$'
}
hfp() { # name prepare command
  local name=$1 prep=$2 cmd=$3
  hyperfine --style none --runs "$runs" --prepare "$prep; $warm" --export-json "$dir/hf.json" "$cmd" >/dev/null
  grep -o '"median": *[0-9.]*' "$dir/hf.json" | head -1 | grep -o '[0-9.]*$'
}

report=$(mktemp)
{
  echo "## Run $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
  echo
  echo "Corpus size target $size; $runs runs each (hyperfine median); zstd $(zstd --version | grep -o 'v[0-9.]*'), $(rg --version | head -1), ugrep $(ugrep --version | head -1 | awk '{print $2}')."
  echo
  echo "| corpus | MB decompressed | lines | compressed MB | tool | seconds | MB/s | lines/s | events/s | ratio to floor |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} > "$report"

for c in tarzst many frames; do
  read -r lines bytes < <(measure $c)
  mb=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1e6}')
  cmb=$(awk -v b="$(compressed $c)" 'BEGIN{printf "%.1f", b/1e6}')
  in=$(input $c)
  if [ $c = many ]; then warm="cat $in/*.zst > /dev/null"; else warm="cat $in > /dev/null"; fi
  row() { # tool seconds floor events
    awk -v c=$c -v mb="$mb" -v l="$lines" -v cm="$cmb" -v t="$1" -v s="$2" -v f="$3" -v e="${4:-}" 'BEGIN{
      ev = (e == "") ? "" : sprintf("%.0f", e/s);
      printf "| %s | %s | %d | %s | %s | %.3f | %.0f | %.2fM | %s | %.2f |\n", c, mb, l, cm, t, s, mb/s, l/s/1e6, ev, s/f }'
  }
  log "== $c: $mb MB decompressed"
  if [ $c = many ]; then
    floor1=$(hf x "bash -c 'cat $in/*.zst | zstd -dc > /dev/null'")
  else
    floor1=$(hf x "zstd -dc $in -o /dev/null -f")
  fi
  row "zstd -dc (floor, 1 thread)" "$floor1" "$floor1" >> "$report"
  for j in $jobs; do
    if [ $c = many ]; then
      floorj=$(hf x "bash -c 'ls $in/*.zst | xargs -P $j -n 8 zstd -dc > /dev/null'")
      row "xargs -P $j zstd -dc (floor, $j)" "$floorj" "$floorj" >> "$report"
    else
      floorj=$floor1
    fi
    t=$(hfp x "rm -f $dir/b.db $dir/b.db-wal $dir/b.db-shm" "$idx --db $dir/b.db -q -j $j $in")
    ev=$("$qry" --db "$dir/b.db" sql "SELECT count(*) FROM events" -f csv 2>/dev/null | tail -1 | tr -d '\r' ||
         sqlite3 "$dir/b.db" "SELECT coalesce(sum(n), 0) FROM event_blocks")
    [ -n "$ev" ] || ev=$(sqlite3 "$dir/b.db" "SELECT coalesce(sum(n), 0) FROM event_blocks")
    row "**wsuslog-index -j $j**" "$t" "$floorj" "$ev" >> "$report"
    rss=$( { /usr/bin/time -v "$idx" --db "$dir/r.db" -q -j "$j" "$in" >/dev/null; } 2>&1 | awk -F: '/Maximum resident/{gsub(/ /,"",$2); print $2}'; rm -f "$dir"/r.db*)
    echo "$c -j$j peak RSS ${rss} KB" >> "$dir/rss.txt"
  done
  if [ $c != many ]; then
    row "zstd -dc \| rg -c" "$(hf x "bash -c 'zstd -dc $in | rg -c \"$pat\" > /dev/null'")" "$floor1" >> "$report"
    row "rg -z -c" "$(hf x "bash -c 'rg -z -c \"$pat\" $in > /dev/null'")" "$floor1" >> "$report"
    row "ugrep -z -c" "$(hf x "bash -c 'ugrep -z -c \"$pat\" $in > /dev/null'")" "$floor1" >> "$report"
  else
    row "rg -z -c (all files)" "$(hf x "bash -c 'rg -z -c \"$pat\" $in > /dev/null'")" "$floor1" >> "$report"
  fi
  isz=$(stat -c %s "$dir/b.db")
  echo "$c: index $(awk -v a="$isz" 'BEGIN{printf "%.1f", a/1e6}') MB = $(awk -v a="$isz" -v b="$(compressed $c)" 'BEGIN{printf "%.2f", a/b}') x compressed input" >> "$dir/size.txt"
  warm="cat $dir/b.db > /dev/null"
  lt=$(hf x "$qry --db $dir/b.db limits -f csv")
  echo "$c: limits query $(awk -v s="$lt" 'BEGIN{printf "%.1f", s*1000}') ms" >> "$dir/size.txt"
done
{
  echo
  echo "Ratio: wall time / the decompression floor at the same -j (single stream: \`zstd -dc\`; many files: \`xargs -P N zstd -dc\`)."
  echo
  echo '```'
  cat "$dir/rss.txt" "$dir/size.txt"
  echo '```'
} >> "$report"
rm -f "$dir/rss.txt" "$dir/size.txt"
# The same ratios from alternating runs (see bench/paired.sh), at the largest -j.
{
  echo
  bench/paired.sh --rounds "$(( runs < 5 ? 5 : runs ))" --jobs "${jobs##* }" --dir "$dir" --bin "$bin"
} >> "$report"
cat "$report"
if [ -n "$out" ]; then cp "$report" "$out"; fi
rm -f "$report"
