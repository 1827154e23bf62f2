# Sourced by the shell tests that read an index with the sqlite3 shell:
# `events` is a virtual table over event blocks (docs/SCHEMA.md), which the
# shell reads once it loads wsuslog.so. CTest passes its path in
# WSUSLOG_SQLITE_EXT; without it, run from a build, the shell cannot read
# events and the test says so.
if [ -z "${WSUSLOG_SQLITE_EXT:-}" ] || [ ! -f "$WSUSLOG_SQLITE_EXT" ]; then
  echo "FAIL: WSUSLOG_SQLITE_EXT does not name wsuslog.so (set by CTest)" >&2
  exit 1
fi
sqlite3() { command sqlite3 -cmd ".load $WSUSLOG_SQLITE_EXT" "$@"; }
