#!/usr/bin/env bash
# Ingest of a failing fleet's logs (issue 14): throughput against the
# decompression floor, and where the CPU goes, per thread role.
#
#   bench/fleet.sh [--size 1G] [--profiles "failing light"] [--jobs "1 2"]
#                  [--runs 5] [--dir /tmp/wsuslog-fleet] [--bin build-rel] [--out FILE]
#
# Per profile of wsuslog-gen (docs/GENERATOR.md) it generates --size of logs
# twice: one .tar.zst (--tar-zst) and one .zst per log (--zst-dir). For each
# corpus and -j:
#   - MB/s, events/s and the ratio to the floor, from --runs alternating
#     rounds (floor, ingest, floor, ingest, ...: both see the same minutes of
#     a noisy machine); the floor is `zstd -dc` for the .tar.zst and
#     `xargs -P J -n 8 zstd -dc` for the many files; medians, ratio range;
#   - CPU-seconds per GB per thread role, from one more run whose threads are
#     sampled every 20 ms (/proc/PID/task/*/stat, utime+stime, the last value
#     of each thread): wl-worker, wl-writer, wl-read, wl-frames, and the main
#     thread (it opens the inputs and runs the close); "other": a thread seen
#     only before it named itself. A thread's last < 20 ms
#     before it exits is not seen: that is the row "unsampled" (the child's
#     rusage minus the samples);
#   - serial CPU-s per GB: the writer plus the main thread, work no other
#     thread can take over; Amdahl for 16 cores:
#     GB/s = 1 / max(serial per GB, total per GB / 16).
# GB here is 10^9 bytes of decompressed log text (the generator's `bytes`).
set -euo pipefail
cd "$(dirname "$0")/.."

size=1G profiles="failing light" jobs="1 2" runs=5 dir=/tmp/wsuslog-fleet bin=build-rel out=""
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift 2 ;;
    --profiles) profiles=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--size 1G] [--profiles \"failing light\"] [--jobs \"1 2\"] [--runs N] [--dir D] [--bin BUILD] [--out FILE]" >&2; exit 2 ;;
  esac
done
gen=$bin/bench/wsuslog-gen idx=$bin/indexer/wsuslog-index
for t in "$gen" "$idx"; do [ -x "$t" ] || { echo "missing $t (cmake -B $bin -DCMAKE_BUILD_TYPE=Release; build first)" >&2; exit 1; }; done
for t in zstd sqlite3 python3; do command -v $t >/dev/null || { echo "missing $t: scripts/setup --bench" >&2; exit 1; }; done
mkdir -p "$dir"
log() { echo "$@" >&2; }
db=$dir/fleet.db
rmdb() { rm -f "$db" "$db"-wal "$db"-shm; }

# Run a command; print "pid_tid comm ticks" per thread seen, then
# "rusage SECONDS" (user+sys of the child, exact) and "wall SECONDS".
sample() {
  python3 - "$@" <<'EOF'
import os, sys, time, subprocess
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
last = {}
while True:
    try:
        for tid in os.listdir(f"/proc/{p.pid}/task"):
            try:
                with open(f"/proc/{p.pid}/task/{tid}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            comm = s[s.index("(") + 1:s.rindex(")")]
            rest = s[s.rindex(")") + 2:].split()
            ticks = int(rest[11]) + int(rest[12])  # utime + stime
            last[int(tid)] = ("main" if int(tid) == p.pid else comm, ticks)
    except OSError:
        pass
    if p.poll() is not None:
        break
    time.sleep(0.02)
wall = time.monotonic() - t0
hz = os.sysconf("SC_CLK_TCK")
for tid, (comm, ticks) in sorted(last.items()):
    print(tid, comm, ticks / hz)
r = os.times()
print("rusage", r.children_user + r.children_system)
print("wall", wall)
sys.exit(p.returncode)
EOF
}

med() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
secs() { local t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1; awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.4f\n", b - a}'; }
warm() { if [ -d "$1" ]; then cat "$1"/*.zst > /dev/null; else cat "$1" > /dev/null; fi; }
ingest() { rmdb; "$idx" --db "$db" -q -j "$2" "$1"; }
floor_tar() { zstd -dc "$1" -o /dev/null -f; }
floor_many() { ls "$1"/*.zst | xargs -P "$2" -n 8 zstd -dc > /dev/null; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+changes" || true)
thr=$dir/thr.md cpu=$dir/cpu.md
: > "$thr"; : > "$cpu"
for p in $profiles; do
  if [ ! -f "$dir/.done-$p-$size" ]; then
    log "generating $size ($p) in $dir"
    rm -rf "$dir/$p".* "$dir/$p-many"
    "$gen" --seed 42 --size "$size" --profile "$p" --tar-zst "$dir/$p.tar.zst" --truth "$dir/$p.truth"
    "$gen" --seed 42 --size "$size" --profile "$p" --zst-dir "$dir/$p-many" --truth "$dir/$p.truth-many"
    touch "$dir/.done-$p-$size"
  fi
  bytes=$(awk '/^bytes:/ { print $2 }' "$dir/$p.truth/summary.txt")
  gb=$(awk -v b="$bytes" 'BEGIN { printf "%.4f", b / 1e9 }')
  for c in tarzst many; do
    if [ $c = tarzst ]; then in=$dir/$p.tar.zst; else in=$dir/$p-many; fi
    cmb=$(du -cb $( [ -d "$in" ] && echo "$in"/*.zst || echo "$in") | tail -1 | cut -f1)
    for j in $jobs; do
      log "== $p $c -j$j"
      : > "$dir/r.txt"
      for r in $(seq "$runs"); do
        warm "$in"
        if [ $c = tarzst ]; then f=$(secs floor_tar "$in"); else f=$(secs floor_many "$in" "$j"); fi
        warm "$in"
        t=$(secs ingest "$in" "$j")
        echo "$f $t" >> "$dir/r.txt"
      done
      ev=$(sqlite3 "$db" "SELECT coalesce(sum(n), 0) FROM event_blocks")
      isz=$(stat -c %s "$db")
      fm=$(cut -d' ' -f1 "$dir/r.txt" | med) tm=$(cut -d' ' -f2 "$dir/r.txt" | med)
      rr=$(awk '{ print $2 / $1 }' "$dir/r.txt" | sort -g)
      rmed=$(echo "$rr" | med) rmin=$(echo "$rr" | head -1) rmax=$(echo "$rr" | tail -1)
      floor_name=$([ $c = tarzst ] && echo "zstd -dc" || echo "xargs -P$j zstd -dc")
      awk -v p=$p -v c=$c -v j=$j -v gb="$gb" -v ev="$ev" -v fm="$fm" -v tm="$tm" -v fn="$floor_name" \
          -v rmed="$rmed" -v rmin="$rmin" -v rmax="$rmax" -v isz="$isz" -v cmb="$cmb" 'BEGIN {
        printf "| %s | %s | %d | %.0f | %.2fM | %.2fM | %s %.3f s | %.3f s | %.0f | %.2fM | **%.2f** (%.2f–%.2f) | %.2f |\n",
          p, c, j, gb * 1000, ev / 1e6, ev / gb / 1e6, fn, fm, tm, gb * 1000 / tm, ev / tm / 1e6, rmed, rmin, rmax, isz / cmb }' >> "$thr"
      # One more run, sampled per thread.
      warm "$in"; rmdb
      sample "$idx" --db "$db" -q -j "$j" "$in" > "$dir/s.txt"
      python3 - "$dir/s.txt" "$gb" "$p" "$c" "$j" >> "$cpu" <<'EOF'
import sys, collections
path, gb, p, c, j = sys.argv[1], float(sys.argv[2]), *sys.argv[3:]
role = collections.OrderedDict((k, 0.0) for k in ("wl-worker", "wl-writer", "wl-read", "wl-frames", "main", "other"))
rus = wall = 0.0
for line in open(path):
    f = line.split()
    if f[0] == "rusage": rus = float(f[1]); continue
    if f[0] == "wall": wall = float(f[1]); continue
    # A thread seen only before it named itself has its creator's name.
    role[f[1] if f[1] in role else "other"] += float(f[2])
seen = sum(role.values())
uns = max(rus - seen, 0.0)
serial = role["wl-writer"] + role["main"]
total = rus
proj = 1.0 / max(serial / gb, total / gb / 16)
cells = " | ".join("%.2f" % (v / gb) for v in role.values())
print("| %s | %s | %s | %s | %.2f | %.2f | **%.2f** | %.2f | %.1f |" % (p, c, j, cells, uns / gb, total / gb, serial / gb, wall, proj))
EOF
    done
  done
done

report=$dir/report.md
{
  echo "## Run $(date -u +%Y-%m-%dT%H:%M:%SZ): failing fleet (bench/fleet.sh, commit $commit$dirty)"
  echo
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $bin (Release), zstd $(zstd --version | grep -o 'v[0-9.]*'); corpora: \`wsuslog-gen --seed 42 --size $size --profile P\` as \`--tar-zst\` (tarzst) and \`--zst-dir\` (many)."
  echo
  echo '```'
  echo "bench/fleet.sh --size $size --profiles \"$profiles\" --jobs \"$jobs\" --runs $runs --bin $bin"
  echo '```'
  echo
  echo "Throughput: $runs alternating rounds (floor, ingest), medians; ratio = ingest / floor per round, median (range). MB = 10^6 bytes of log text."
  echo
  echo "| profile | corpus | -j | MB | events | events/GB | floor | ingest | MB/s | events/s | ratio | index / compressed |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$thr"
  echo
  echo "CPU-seconds per GB by thread role (one sampled run; main = the main thread: inputs, the close). Serial = wl-writer + main. Projection = 1 / max(serial/GB, total/GB / 16), GB/s."
  echo
  echo "| profile | corpus | -j | wl-worker | wl-writer | wl-read | wl-frames | main | other | unsampled | total | serial | wall s | 16-core GB/s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$cpu"
} > "$report"
cat "$report"
if [ -n "$out" ]; then cp "$report" "$out"; fi
