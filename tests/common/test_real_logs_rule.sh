#!/usr/bin/env bash
# The rule of tests/common/real_logs.sh, on a directory that exists and one
# that does not: return; skip (exit 77, one "skipped:" line); under CI=true
# fail (exit 1). The C twin (real_logs.h) is exercised by the lone-clone run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "test_real_logs_rule: FAIL: $*" >&2; exit 1; }
errf=$(mktemp); trap 'rm -f "$errf"' EXIT
run() { # CI-value dir -> "rc|stdout|stderr"
  local out rc=0
  out=$(CI=$1 bash -c '. "$0"; need_real_logs t "$1"; echo returned' "$here/real_logs.sh" "$2" \
    2>"$errf") || rc=$?
  echo "$rc|$out|$(cat "$errf")"
}
missing=$here/no-such-dir-$$
[ "$(run '' "$here")" = "0|returned|" ] || fail "existing dir: $(run '' "$here")"
[ "$(run true "$here")" = "0|returned|" ] || fail "existing dir under CI: $(run true "$here")"
[ "$(run '' "$missing")" = "77|t: skipped: ../shared/real-logs not found ($missing)|" ] ||
  fail "missing dir: $(run '' "$missing")"
[ "$(run false "$missing")" = "77|t: skipped: ../shared/real-logs not found ($missing)|" ] ||
  fail "missing dir, CI=false: $(run false "$missing")"
r=$(run true "$missing")
case $r in 1\|\|"t: FAIL: ../shared/real-logs not found ($missing)"*) ;; *) fail "missing dir under CI: $r" ;; esac

# have_real_logs: the same rule for a test's real-log part: true; false with
# a "part skipped" line (the test goes on); under CI=true exit 1.
part() { # CI-value dir -> "rc|stdout|stderr"
  local out rc=0
  out=$(CI=$1 bash -c '. "$0"; if have_real_logs t "$1"; then echo yes; else echo no; fi' \
    "$here/real_logs.sh" "$2" 2>"$errf") || rc=$?
  echo "$rc|$out|$(cat "$errf")"
}
[ "$(part '' "$here")" = "0|yes|" ] || fail "part, existing dir: $(part '' "$here")"
[ "$(part '' "$missing")" = "0|t: real-log part skipped: ../shared/real-logs not found ($missing)
no|" ] || fail "part, missing dir: $(part '' "$missing")"
r=$(part true "$missing")
case $r in 1\|\|"t: FAIL: ../shared/real-logs not found ($missing)"*) ;; *) fail "part, missing dir under CI: $r" ;; esac
echo "test_real_logs_rule: ok"
