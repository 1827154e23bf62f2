#!/usr/bin/env bash
# The Debian package: cpack -G DEB makes wsuslog_<version>_<arch>.deb (in
# this test's own directory, so it never meets another run's files) with
# exactly the installed files, root-owned; its Depends names, with versions,
# the package of every shared library the programs load (computed by
# dpkg-shlibdeps); the unpacked programs run. As root under CI=true it is
# installed with dpkg -i, /usr/bin/wsuslog-index --version is run, and it is
# removed; otherwise that part is skipped with a line saying so.
#   package_deb.sh CPACK_CONFIG VERSION TMP_DIR
set -euo pipefail
config=$1 version=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "package_deb: FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps objdump; do
  command -v $tool >/dev/null || fail "$tool not found (scripts/setup installs it)"
done
arch=$(dpkg --print-architecture)
deb=$tmp/out/wsuslog_${version}_${arch}.deb
cpack -G DEB --config "$config" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
[ -f "$deb" ] || fail "no $deb; cpack made: $(cd "$tmp/out" && ls)"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = wsuslog ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), want $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"

# Contents: exactly these files, root-owned, programs executable.
dpkg-deb -c "$deb" >"$tmp/contents"
want=$(printf '%s\n' ./usr/bin/wsuslog-index ./usr/bin/wsuslog-query \
  ./usr/share/bash-completion/completions/wsuslog-index \
  ./usr/share/bash-completion/completions/wsuslog-query \
  ./usr/share/man/man1/wsuslog-index.1.gz ./usr/share/man/man1/wsuslog-query.1.gz \
  ./usr/lib/wsuslog/wsuslog.so | sort)
got=$(awk '$1 !~ /^d/ { print $6 }' "$tmp/contents" | sort)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2; fail "package contents differ"; }
awk '$2 != "root/root" { exit 1 }' "$tmp/contents" || fail "files not owned by root/root"
for p in wsuslog-index wsuslog-query; do
  grep -q "^-rwxr-xr-x .* ./usr/bin/$p\$" "$tmp/contents" || fail "/usr/bin/$p is not mode 0755"
done

# Depends, computed: for each library a program needs (ELF NEEDED), the
# package Debian's naming gives it (libfoo.so.N -> libfooN, libfoo-N when
# the name ends in a digit; libc's parts -> libc6); libc6 with the version
# bound dpkg-shlibdeps takes from the symbols used (some libraries, such as
# libasan8 in an ASan build, declare none).
dpkg-deb -x "$deb" "$tmp/root"
depends=$(field Depends)
needed=$(objdump -p "$tmp/root/usr/bin/wsuslog-index" "$tmp/root/usr/bin/wsuslog-query" |
  awk '$1 == "NEEDED" { print $2 }' | sort -u)
[ -n "$needed" ] || fail "the programs need no shared library? (objdump -p)"
for so in $needed; do
  case $so in
  libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux*) pkg=libc6 ;;
  *)
    # The package that ships the library here (libz.so.1 is zlib1g's, not a
    # "libz1"): the build machine has every run-time library installed.
    pkg=$(dpkg -S "*/$so" 2>/dev/null | head -n 1 | cut -d: -f1)
    [ -n "$pkg" ] || fail "no installed package ships $so (dpkg -S)"
    ;;
  esac
  [[ ", $depends," == *", $pkg ("*")"* || ", $depends," == *", $pkg,"* ]] ||
    fail "Depends lacks $pkg for $so: $depends"
done
[[ ", $depends," == *", libc6 (>= "*")"* ]] || fail "Depends has no versioned libc6: $depends"

# The unpacked programs run and name the version.
for p in wsuslog-index wsuslog-query; do
  v=$("$tmp/root/usr/bin/$p" --version | sed -n 1p)
  [ "$v" = "$p $version" ] || fail "unpacked $p --version says '$v'"
done

if [ "$(id -u)" != 0 ] || [ "${CI:-}" != true ]; then
  echo "package_deb: skipped: dpkg -i / dpkg -r of the package (only as root with CI=true;" \
    "here uid $(id -u), CI=${CI:-unset})"
  echo "package_deb: ok: $deb, Depends: $depends"
  exit 0
fi
if dpkg-query -W -f='${Status}' wsuslog 2>/dev/null | grep -q ' installed$'; then
  fail "a wsuslog package is installed already; not replacing it (dpkg -r wsuslog first)"
fi
trap 'dpkg -r wsuslog >/dev/null 2>&1 || true' EXIT
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg -i failed"; }
out=$(/usr/bin/wsuslog-index --version) || fail "/usr/bin/wsuslog-index --version failed"
echo "$out"
[ "$(head -1 <<<"$out")" = "wsuslog-index $version" ] || fail "installed --version: $out"
/usr/bin/wsuslog-query --version >/dev/null || fail "/usr/bin/wsuslog-query --version failed"
page=/usr/share/man/man1/wsuslog-query.1.gz
dpkg -L wsuslog | grep -qx "$page" || fail "dpkg -L wsuslog lacks $page"
# (a dpkg path-exclude, as in slim images, may keep man pages off the disk)
if [ -e "$page" ]; then
  [ "$(man -w wsuslog-query)" = "$page" ] || fail "man -w wsuslog-query: $(man -w wsuslog-query 2>&1)"
fi
dpkg -r wsuslog >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log" >&2; fail "dpkg -r failed"; }
trap - EXIT
[ ! -e /usr/bin/wsuslog-index ] || fail "/usr/bin/wsuslog-index left after dpkg -r"
echo "package_deb: ok: $deb installed, run from /usr/bin and removed; Depends: $depends"
