#!/usr/bin/env bash
# cmake --install with a prefix and DESTDIR: exactly the two programs, their
# man pages, their completion and wsuslog.so, at the GNUInstallDirs places
# under DESTDIR/PREFIX; the installed programs run and name the project's
# version; the installed man pages render; the sqlite3 shell reads `events`
# of an index through the installed wsuslog.so.
#   install_tree.sh BUILD_DIR VERSION TMP_DIR
set -euo pipefail
build=$1 version=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "install_tree: FAIL: $*" >&2; exit 1; }
prefix=/opt/wsuslog-test
DESTDIR=$tmp/root cmake --install "$build" --prefix "$prefix" >"$tmp/log" 2>&1 ||
  { cat "$tmp/log" >&2; fail "cmake --install failed"; }
[ ! -e "$prefix" ] || fail "installed outside DESTDIR: $prefix exists"
root=$tmp/root$prefix

want=$(printf '%s\n' bin/wsuslog-index bin/wsuslog-query \
  share/bash-completion/completions/wsuslog-index \
  share/bash-completion/completions/wsuslog-query \
  share/man/man1/wsuslog-index.1.gz share/man/man1/wsuslog-query.1.gz \
  lib/wsuslog/wsuslog.so | sort)
got=$(cd "$tmp/root" && find . ! -type d | sed "s|^\./${prefix#/}/||" | sort)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2; fail "installed files differ"; }

for prog in wsuslog-index wsuslog-query; do
  [ -x "$root/bin/$prog" ] || fail "$prog is not executable"
  v=$("$root/bin/$prog" --version | sed -n 1p)
  [ "$v" = "$prog $version" ] || fail "$prog --version says '$v', want '$prog $version'"
  page=$root/share/man/man1/$prog.1.gz
  gzip -t "$page" || fail "$page is not gzip"
  zcat "$page" | grep -q "^\.TH .* \"wsuslog $version\"" || fail "$page: no version $version in .TH"
  warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$warn" ] || fail "man -l $page: $warn"
  cmp -s "$root/share/bash-completion/completions/$prog" \
    "$(dirname "$0")/../../completion/wsuslog.bash" || fail "completion for $prog differs from the source"
done
ext=$root/lib/wsuslog/wsuslog.so
mkdir -p "$tmp/nologs"
"$root/bin/wsuslog-index" -q --db "$tmp/ext.db" "$tmp/nologs" || fail "wsuslog-index on an empty folder"
n=$(sqlite3 -cmd ".load ${ext%.so}" "$tmp/ext.db" "SELECT count(*) FROM events" 2>&1) &&
  [ "$n" = 0 ] || fail "sqlite3 cannot read events through $ext: $n"
echo "install_tree: ok: $(echo "$got" | wc -l) files under DESTDIR$prefix"
