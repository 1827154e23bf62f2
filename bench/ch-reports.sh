#!/usr/bin/env bash
# Report times, SQLite against ClickHouse, on one generated index.
#   bench/ch-reports.sh BUILD_DIR WORK_DIR [wsuslog-gen options...]
# Generates a corpus, indexes it into SQLite, copies the index into a
# throw-away ClickHouse (wsuslog-index --from-db), then times each
# report on both (best of 3, wall seconds). Default corpus: --seed 5
# --servers 4 --clients 2000 --days 30.
set -euo pipefail
build=$1 work=$2; shift 2
[ $# -gt 0 ] || set -- --seed 5 --servers 4 --clients 2000 --days 30
root=$(cd "$(dirname "$0")/.." && pwd)
qry=$build/query/wsuslog-query
rm -rf "$work" && mkdir -p "$work"
trap '"$root/tests/clickhouse/ch-server.sh" stop "$work/ch"' EXIT
"$build/bench/wsuslog-gen" "$@" --out "$work/site" --truth "$work/truth" > /dev/null
"$build/indexer/wsuslog-index" --db "$work/site.db" "$work/site" > /dev/null 2>&1
"$root/tests/clickhouse/ch-server.sh" start "$work/ch"
url=$(cat "$work/ch/url")
"$build/indexer/wsuslog-index" --from-db "$work/site.db" --clickhouse "$url" > /dev/null 2>&1
echo "events: $(sqlite3 "$work/site.db" 'SELECT coalesce(sum(n), 0) FROM event_blocks')"
best() { # prints the best wall time of 3 runs of "$@"
  local b=999 t
  for _ in 1 2 3; do
    /usr/bin/time -f %e -o "$work/t" "$@" > /dev/null 2>&1
    t=$(cat "$work/t")
    b=$(echo "$t $b" | awk '{print ($1 < $2) ? $1 : $2}')
  done
  echo "$b"
}
printf '| report | SQLite s | ClickHouse s |\n|---|---:|---:|\n'
while IFS='|' read -r name args; do
  # shellcheck disable=SC2086
  a=$(best "$qry" --db "$work/site.db" $args)
  # shellcheck disable=SC2086
  b=$(best "$qry" --clickhouse "$url" $args)
  printf '| %s | %s | %s |\n' "$name" "$a" "$b"
done <<'LIST'
limits|limits
errors --by code|errors --by code
errors --by client|errors --by client
servers|servers
timeline|timeline
capacity|capacity
capacity --proxies|capacity --proxies
LIST
