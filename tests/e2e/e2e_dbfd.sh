#!/usr/bin/env bash
# The index file's descriptors (ARCHITECTURE.md "Crash safety"). Closing any
# descriptor of a file drops every POSIX lock the process holds on it,
# SQLite's included (sqlite.org/howtocorrupt.html, 2.2): a reader that then
# found the file unlocked could checkpoint and delete the WAL under the
# writer. So while SQLite's own descriptor of the index is open, wsuslog-index
# must close no other descriptor of that file. Traced with strace over runs
# that go through the load, its commits and the durable close.
# SQLite's own descriptors are told by O_NOFOLLOW (its unix VFS opens every
# database file with it). A second SQLite connection (the names' look-ups,
# indexer/store_sqlite_ids.c) may close its own: SQLite keeps such a close
# pending while the process holds a lock on the file (os_unix.c, unixClose),
# so that is SQLite's business; a descriptor of wsuslog's own is not.
#   e2e_dbfd.sh WSUSLOG_INDEX SHARED_DIR TMP_DIR
set -euo pipefail
idx=$1 shared=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "e2e_dbfd: FAIL: $*" >&2; exit 1; }
command -v strace >/dev/null || fail "strace not found (scripts/setup installs it)"
if ! strace -qq -o /dev/null true 2>/dev/null; then
  echo "e2e_dbfd: SKIP: this environment does not allow ptrace" >&2
  exit 77
fi
logs=$shared/real-logs
. "$(dirname "$0")/../common/real_logs.sh"
need_real_logs e2e_dbfd "$logs"
# LeakSanitizer cannot run under ptrace; the other tests check for leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# check TRACE DB: replay opens and closes of DB's descriptors in order.
check() {
  awk -v db="$2" '
    function opened(line, fd) {
      if (fd < 0) return
      if (line ~ /O_NOFOLLOW/) { lite[fd] = 1; nlite++ } else ours[fd] = 1
      n++
    }
    BEGIN { nlite = 0; n = 0; bad = ""; seen = 0 }
    # openat(AT_FDCWD, "DB", ...) = FD, possibly split by another thread.
    /openat\(/ && index($0, "\"" db "\"") {
      if ($0 ~ /<unfinished \.\.\.>/) { pending[$1] = $0; next }
      fd = $NF + 0; opened($0, fd); next
    }
    /<\.\.\. openat resumed>/ && ($1 in pending) {
      line = pending[$1] $0
      delete pending[$1]
      fd = $NF + 0; opened(line, fd); next
    }
    /close\(/ {
      if (!match($0, /close\([0-9]+/)) next
      fd = substr($0, RSTART + 6, RLENGTH - 6) + 0
      if (fd in lite) { delete lite[fd]; nlite--; seen = 1; next }
      if (!(fd in ours)) next
      if (nlite > 0 && bad == "") bad = $0
      delete ours[fd]
    }
    END {
      if (n == 0) { print "the index file was never opened"; exit 1 }
      if (bad != "") { print "closed a descriptor of the index while SQLite had it open: " bad; exit 1 }
      if (n < 2) { print "expected SQLite'"'"'s descriptor and the writer'"'"'s own, saw " n; exit 1 }
    }' "$1"
}

run() { # name args...
  local name=$1; shift
  local db=$tmp/$name.db
  strace -f -qq -e trace=openat,close -o "$tmp/$name.trace" "$idx" -q --db "$db" "$@" ||
    fail "$name: wsuslog-index failed"
  local why
  why=$(check "$tmp/$name.trace" "$db") || fail "$name: $why"
  echo "e2e_dbfd: $name ok"
}

# A first load (indexes built at the close), then a run into the same,
# non-empty index with new inputs.
run fresh -j2 "$logs"
mkdir -p "$tmp/more"
for f in "$logs"/*; do
  [ -f "$f" ] || continue
  { cat "$f"; printf '\n'; } > "$tmp/more/$(basename "$f")"
done
cp "$tmp/fresh.db" "$tmp/again.db"
run again -j2 "$tmp/more"
echo "e2e_dbfd: ok"
