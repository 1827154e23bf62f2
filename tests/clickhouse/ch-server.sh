#!/usr/bin/env bash
# A throw-away ClickHouse server for tests and benchmarks: run as the
# calling user, in a folder of its own, on 127.0.0.1 only (never a system
# service, never another address).
#
#   ch-server.sh available            exit 0 when clickhouse-server and
#                                     clickhouse-client are installed
#   ch-server.sh start DIR [PORT]     one server with its data in DIR; HTTP on
#                                     PORT and native TCP on PORT+1 (default:
#                                     free ports picked here). Returns once
#                                     `SELECT 1` answers over HTTP. Started
#                                     again on the same DIR it keeps its
#                                     ports and data (a server "back").
#   ch-server.sh stop DIR             kill it (TERM, then KILL) and wait
#   ch-server.sh start-cluster DIR    two servers, DIR/shard1 and DIR/shard2,
#                                     each with a cluster `wsuslog_cluster`
#                                     of both (one replica per shard), for
#                                     Distributed tables
#   ch-server.sh stop-cluster DIR     stop both
#
# After start, DIR holds: http_port, tcp_port, url (http://127.0.0.1:PORT),
# pid, config.xml, users.xml, data/, log/. Tests read the port files, e.g.
#   url=$(cat "$dir/url"); clickhouse-client --port "$(cat "$dir/tcp_port")" -q 'SELECT 1'
set -euo pipefail

die() { echo "ch-server: $*" >&2; exit 1; }

available() {
  command -v clickhouse-server >/dev/null 2>&1 && command -v clickhouse-client >/dev/null 2>&1
}

port_free() { # port -> 0 when nothing listens on it
  ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

pick_ports() { # n -> prints a base port with base .. base+n-1 free
  local n=$1 base k ok
  for _ in $(seq 1 200); do
    base=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    ok=1
    for ((k = 0; k < n; k++)); do port_free $((base + k)) || { ok=0; break; }; done
    ((ok)) && { echo "$base"; return 0; }
  done
  die "no free ports on 127.0.0.1"
}

# write_config DIR HTTP TCP [REMOTE_SERVERS_XML]
write_config() {
  local d=$1 http=$2 tcp=$3 remote=${4:-}
  mkdir -p "$d/data" "$d/tmp" "$d/log"
  d=$(cd "$d" && pwd)
  cat > "$d/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog><console>0</console></logger>
    <http_port>$http</http_port>
    <tcp_port>$tcp</tcp_port>
    <listen_host>127.0.0.1</listen_host>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <users_config>$d/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>5368709120</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <remote_servers>$remote</remote_servers>
</yandex>
XML
  cat > "$d/users.xml" <<'XML'
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default><max_memory_usage>4000000000</max_memory_usage></default>
        <readonly><readonly>1</readonly></readonly>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  echo "$http" > "$d/http_port"
  echo "$tcp" > "$d/tcp_port"
  echo "http://127.0.0.1:$http" > "$d/url"
}

alive() { [ -f "$1/pid" ] && kill -0 "$(cat "$1/pid")" 2>/dev/null; }

# launch DIR -> 0 once SELECT 1 answers; 1 if the server died (port taken)
launch() {
  local d=$1 http
  http=$(cat "$d/http_port")
  alive "$d" && die "a server already runs in $d (pid $(cat "$d/pid"))"
  # setsid: its own session, so a test's kill of its process group does
  # not reach it, and stop finds it by pid alone.
  setsid clickhouse-server --config-file="$d/config.xml" >"$d/log/stdout" 2>&1 < /dev/null &
  echo $! > "$d/pid"
  for _ in $(seq 1 600); do
    if [ "$(curl -sS --max-time 2 "http://127.0.0.1:$http/?query=SELECT%201" 2>/dev/null)" = 1 ]; then
      return 0
    fi
    alive "$d" || return 1
    sleep 0.1
  done
  stop "$d"
  die "server in $d did not answer on port $http within 60 s (see $d/log/)"
}

stop() {
  local d=$1 pid
  [ -f "$d/pid" ] || return 0
  pid=$(cat "$d/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$d/pid"
}

start() {
  local d=$1 port=${2:-} tries
  available || die "clickhouse-server / clickhouse-client are not installed"
  mkdir -p "$d"
  if [ -f "$d/config.xml" ]; then # the same server again: same ports, same data
    launch "$d" || die "server in $d exited at start (see $d/log/)"
    return 0
  fi
  for tries in 1 2 3 4 5; do
    local base=${port:-$(pick_ports 2)}
    write_config "$d" "$base" $((base + 1))
    launch "$d" && return 0
    [ -n "$port" ] && break
    rm -f "$d/config.xml" # a port was taken meanwhile: other ports
  done
  die "server in $d exited at start (see $d/log/)"
}

cluster_xml() { # tcp1 tcp2
  printf '<wsuslog_cluster>'
  for p in "$@"; do
    printf '<shard><replica><host>127.0.0.1</host><port>%s</port></replica></shard>' "$p"
  done
  printf '</wsuslog_cluster>'
}

start_cluster() {
  local d=$1 tries base
  available || die "clickhouse-server / clickhouse-client are not installed"
  mkdir -p "$d"
  if [ -f "$d/shard1/config.xml" ]; then
    launch "$d/shard1" && launch "$d/shard2" && return 0
    stop_cluster "$d"; die "cluster in $d exited at start (see $d/shard*/log/)"
  fi
  for tries in 1 2 3 4 5; do
    base=$(pick_ports 4)
    local remote
    remote=$(cluster_xml $((base + 1)) $((base + 3)))
    write_config "$d/shard1" "$base" $((base + 1)) "$remote"
    write_config "$d/shard2" $((base + 2)) $((base + 3)) "$remote"
    if launch "$d/shard1"; then
      launch "$d/shard2" && return 0
      stop "$d/shard1"
    fi
    rm -f "$d"/shard?/config.xml
  done
  die "cluster in $d exited at start (see $d/shard*/log/)"
}

stop_cluster() {
  stop "$1/shard1"
  stop "$1/shard2"
}

case "${1:-}" in
available) available ;;
start) [ $# -ge 2 ] || die "usage: ch-server.sh start DIR [PORT]"; start "$2" "${3:-}" ;;
stop) [ $# -ge 2 ] || die "usage: ch-server.sh stop DIR"; stop "$2" ;;
start-cluster) [ $# -ge 2 ] || die "usage: ch-server.sh start-cluster DIR"; start_cluster "$2" ;;
stop-cluster) [ $# -ge 2 ] || die "usage: ch-server.sh stop-cluster DIR"; stop_cluster "$2" ;;
*) die "usage: ch-server.sh available | start DIR [PORT] | stop DIR | start-cluster DIR | stop-cluster DIR" ;;
esac
