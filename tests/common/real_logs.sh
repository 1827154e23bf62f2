# Sourced by the shell tests that read the real logs (../shared/real-logs
# beside the checkout). In a clone on its own the directory is missing: the
# test then exits 77, which CTest reports as skipped (SKIP_RETURN_CODE),
# except under CI=true, where it fails, so CI never passes without them.
# tests/common/real_logs.h is the same rule for the C tests.

# need_real_logs TEST DIR: returns if DIR is a directory, else exits.
need_real_logs() {
  [ -d "$2" ] && return 0
  if [ "${CI:-}" = true ]; then
    echo "$1: FAIL: ../shared/real-logs not found ($2); under CI=true it is required" >&2
    exit 1
  fi
  echo "$1: skipped: ../shared/real-logs not found ($2)"
  exit 77
}

# have_real_logs TEST DIR: true if DIR is a directory. In a clone on its own,
# false, after a line saying that the test's real-log part is skipped (the
# rest of the test still runs); under CI=true the test fails instead.
have_real_logs() {
  [ -d "$2" ] && return 0
  if [ "${CI:-}" = true ]; then
    echo "$1: FAIL: ../shared/real-logs not found ($2); under CI=true it is required" >&2
    exit 1
  fi
  echo "$1: real-log part skipped: ../shared/real-logs not found ($2)"
  return 1
}
