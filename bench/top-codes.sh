#!/usr/bin/env bash
# How many of the most frequent HRESULTs have a name (issue 13: every code
# among the 50 most frequent over the real logs and the generator's corpus).
#
#   bench/top-codes.sh [--top 50] [--logs ../shared/real-logs] [--size 100M]
#                      [--dir /tmp/wsuslog-topcodes] [--bin build/]
#
# Three lists, each its top N and how many are named:
#   real   `errors --by code` on an index of --logs
#   gen    `errors --by code` on an index of `wsuslog-gen --seed 42 --size S`
#   grep   a plain scan of --logs for failure HRESULTs (first digit 8..F)
#          written `0x80070002`, `[80070002]` or after `hr`, `error`,
#          `result`, `code`, `failed with` — it sees the lines the extractor
#          misses; it can also catch a hex value that is no HRESULT.
# `named` means a header symbol; the query prints `FACILITY_… 0x…` or
# `HRESULT_FROM_NT 0x…` for the others (a symbol has no space, they do).
# The grep list has no index to ask, so it reads the generated table
# (common/hresult_table.inc) that the query's names come from.
set -euo pipefail
cd "$(dirname "$0")/.."

top=50 logs=../shared/real-logs size=100M dir=/tmp/wsuslog-topcodes bin=build
while [ $# -gt 0 ]; do
  case $1 in
    --top) top=$2; shift 2 ;;
    --logs) logs=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "usage: $0 [--top N] [--logs DIR] [--size S] [--dir D] [--bin BUILD]" >&2; exit 2 ;;
  esac
done
gen=$bin/bench/wsuslog-gen idx=$bin/indexer/wsuslog-index qry=$bin/query/wsuslog-query
for t in "$gen" "$idx" "$qry"; do [ -x "$t" ] || { echo "missing $t (build first)" >&2; exit 1; }; done
[ -d "$logs" ] || { echo "no such directory: $logs" >&2; exit 1; }
mkdir -p "$dir"

# code,name,count rows of one index's top N.
top_of_index() {
  "$qry" --db "$1" errors --by code --format csv | tr -d '\r' |
    awk -F, -v n="$top" 'NR > 1 && NR <= n + 1 { print $1 "," $2 "," $3 }'
}

rm -f "$dir/real.db"*
"$idx" --db "$dir/real.db" -q "$logs"
top_of_index "$dir/real.db" > "$dir/real.csv"

if [ ! -f "$dir/.done-$size" ]; then
  rm -rf "$dir/gen.tar.zst" "$dir/gen-truth" "$dir/gen.db"*
  "$gen" --seed 42 --size "$size" --tar-zst "$dir/gen.tar.zst" --truth "$dir/gen-truth" >/dev/null
  "$idx" --db "$dir/gen.db" -q "$dir/gen.tar.zst"
  touch "$dir/.done-$size"
fi
top_of_index "$dir/gen.db" > "$dir/gen.csv"

# The grep list, named from the table the query uses.
awk -F'"' '/^    \{0x[0-9A-F]+u, "/ { print substr($1, 8, 8) "," $2 }' common/hresult_table.inc \
  > "$dir/names.csv"
find "$logs" -type f -name '*.log' -print0 | xargs -0 cat | tr -d '\r' |
  grep -oiE '0x[0-9a-f]{8}\b|\[[0-9a-f]{8}\]|(hr|error|result|code|failed with)( *= *| +)[0-9a-f]{8}\b' |
  grep -oiE '[0-9a-f]{8}$|[0-9a-f]{8}\]$' | tr -d ']' | tr a-f A-F | grep -E '^[89A-F]' |
  sort | uniq -c | sort -k1,1nr -k2,2 | head -n "$top" |
  awk -v names="$dir/names.csv" 'BEGIN { FS = ","; while ((getline l < names) > 0) { split(l, f, ","); nm[f[1]] = f[2] } FS = " " }
    { print $2 "," ($2 in nm ? nm[$2] : "-") "," $1 }' > "$dir/grep.csv"

named() { awk -F, '$2 != "-" && $2 !~ / /' "$1" | wc -l; }
report() {
  echo "== $1: top $(wc -l < "$2") codes, $(named "$2") named"
  awk -F, '{ printf "%3d  %s  %-45s %s\n", NR, $1, $2, $3 }' "$2"
}
report "real logs (index)" "$dir/real.csv"
report "generated corpus, seed 42, $size (index)" "$dir/gen.csv"
report "real logs (grep)" "$dir/grep.csv"
cat "$dir/real.csv" "$dir/gen.csv" "$dir/grep.csv" | sort -t, -k1,1 -u > "$dir/union.csv"
echo "== union: $(wc -l < "$dir/union.csv") distinct codes, $(named "$dir/union.csv") named"
awk -F, '$2 == "-" || $2 ~ / / { print "   unnamed: " $1 "  " $2 }' "$dir/union.csv"
