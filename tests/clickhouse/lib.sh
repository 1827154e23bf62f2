# Shared by the ClickHouse tests: sourced, after the test sets $tmp.
#   ch_require        exit 77 (ctest SKIP) when clickhouse-server is missing,
#                     unless CI=true (scripts/setup installs it there)
#   ch_start DIR      start a server in DIR (trap stops it on every exit)
#   ch_cluster DIR    start two shards in DIR/shard1, DIR/shard2 (same)
#   ch_q DIR SQL      run SQL on the server in DIR (TabSeparated on stdout)
#   sq DB SQL         the same on an SQLite index, NULL as \N, tabs between
ch=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ch-server.sh
ch_dirs=()
ch_clusters=()
ch_stop_all() {
  local d
  for d in "${ch_dirs[@]}"; do "$ch" stop "$d" || true; done
  for d in "${ch_clusters[@]}"; do "$ch" stop-cluster "$d" || true; done
}
trap ch_stop_all EXIT
ch_require() {
  if ! "$ch" available; then
    if [ "${CI:-}" = true ]; then
      echo "FAIL: clickhouse-server is not installed (scripts/setup installs it under CI)" >&2
      exit 1
    fi
    echo "SKIP: clickhouse-server / clickhouse-client not installed (apt-get install clickhouse-server clickhouse-client)"
    exit 77
  fi
  command -v curl >/dev/null || { echo "FAIL: curl not found" >&2; exit 1; }
  command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 not found" >&2; exit 1; }
}
ch_start() { ch_dirs+=("$1"); "$ch" start "$1"; }
ch_cluster() { ch_clusters+=("$1"); "$ch" start-cluster "$1"; }
ch_q() { curl -sS --fail-with-body "$(cat "$1/url")/" --data-binary "$2"; }
. "$(dirname "${BASH_SOURCE[0]}")/../common/sqlite3-events.sh"
sq() { sqlite3 -batch -separator $'\t' -nullvalue '\N' "$1" "$2"; }
