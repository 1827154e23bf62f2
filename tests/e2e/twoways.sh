#!/usr/bin/env bash
# Every report of wsuslog-query answered twice, from the summary tables and
# from raw events (WSUSLOG_QUERY_RAW=1: each statement's plain SQL over
# events), must print the same bytes. Sourced by the e2e tests:
#   twoways_check QUERY_BIN DB [SINCE UNTIL SERVER]
# Time bounds cut days and hours in the middle. Prints a diff and returns 1
# on the first difference.
twoways_check() {
  local qry=$1 db=$2 since=${3:-} until=${4:-} server=${5:-}
  local win=() sv=()
  [ -n "$since" ] && win+=(--since "$since")
  [ -n "$until" ] && win+=(--until "$until")
  [ -n "$server" ] && sv=(--server "$server")
  # guid of a client id: its events, found through its sources (summaries)
  # or by reading every event (raw). The client of a complete source's
  # latest event, so both answers have rows.
  local cid
  cid=$("$qry" --db "$db" sql "SELECT g.guid FROM events e JOIN sources s USING(source_id)
      JOIN guids g ON g.guid_id = e.client_guid_id WHERE s.complete = 1
      ORDER BY e.event_id DESC LIMIT 1" --format csv 2>/dev/null | sed -n 2p | tr -d '\r')
  local cmds=(
    "errors --by code ${win[*]}"
    "errors --by server ${win[*]}"
    "errors --by client ${win[*]}"
    "servers ${win[*]}"
    "clients ${win[*]}"
    "clients ${sv[*]} ${win[*]}"
    "timeline --by hour ${win[*]}"
    "timeline --by day ${win[*]}"
    "timeline --by week ${sv[*]} ${win[*]}"
    "timeline --by hour --code 80244007 ${win[*]}"
    "capacity ${win[*]}"
    "capacity --proxies ${win[*]}"
    "limits ${win[*]}"
  )
  [ -n "$cid" ] && cmds+=("guid $cid")
  local c fast slow
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    fast=$("$qry" --db "$db" $c --format csv 2>&1) || { echo "twoways: failed: $c: $fast" >&2; return 1; }
    # shellcheck disable=SC2086
    slow=$(WSUSLOG_QUERY_RAW=1 "$qry" --db "$db" $c --format csv 2>&1) || { echo "twoways: raw failed: $c: $slow" >&2; return 1; }
    if [ "$fast" != "$slow" ]; then
      echo "twoways: summaries and raw events differ: wsuslog-query $c" >&2
      diff <(echo "$slow") <(echo "$fast") | head -20 >&2
      return 1
    fi
    [ -n "$fast" ] || { echo "twoways: empty output: $c" >&2; return 1; }
    case $c in guid*) [ "$(echo "$fast" | wc -l)" -gt 1 ] || { echo "twoways: $c: no events" >&2; return 1; } ;; esac
  done
  # report --html: the same page but for the time it was made.
  local d; d=$(mktemp -d)
  "$qry" --db "$db" report --html "$d/a.html" "${win[@]}" >/dev/null 2>&1 &&
    WSUSLOG_QUERY_RAW=1 "$qry" --db "$db" report --html "$d/b.html" "${win[@]}" >/dev/null 2>&1 || {
    echo "twoways: report --html failed" >&2; rm -rf "$d"; return 1; }
  if ! diff <(grep -v 'Generated\|generated' "$d/a.html") <(grep -v 'Generated\|generated' "$d/b.html") >/dev/null; then
    echo "twoways: report --html differs" >&2
    diff <(grep -v 'Generated\|generated' "$d/b.html") <(grep -v 'Generated\|generated' "$d/a.html") | head -10 >&2
    rm -rf "$d"; return 1
  fi
  rm -rf "$d"
}
