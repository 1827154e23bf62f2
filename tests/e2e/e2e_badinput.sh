#!/usr/bin/env bash
# Bad inputs, one case each, every case next to a good log in the same run:
# the exit status (3 = finished with problems, 0 where the input is not a
# problem), a stderr line naming the file (and member / offset / line), a row
# in `problems` of the expected kind (WL_E_* of include/wsuslog/status.h), and
# the good log still fully indexed.
#   e2e_badinput.sh WSUSLOG_INDEX SHARED_DIR TMP_DIR
# Cases listed in known_gaps below show behaviour the indexer lacks today:
# they run and print "KNOWN-GAP: ..." instead of failing. Once fixed they
# print "FIXED: ..." and the entry should be removed, so they guard for good.
set -euo pipefail
. "$(dirname "$0")/../common/sqlite3-events.sh"
idx=$1 shared=$2 tmp=$3
rm -rf "$tmp"; mkdir -p "$tmp"
tmp=$(cd "$tmp" && pwd)
. "$(dirname "$0")/../common/real_logs.sh"
need_real_logs e2e_badinput "$shared/real-logs"
idx=$(readlink -f "$idx")
shared=$(readlink -f "$shared")
logs=$shared/real-logs
die() { echo "e2e_badinput: FAIL: $*" >&2; exit 1; }
for tool in sqlite3 zstd gzip zip tar iconv timeout; do
  command -v $tool >/dev/null || die "$tool not found"
done

declare -A known_gaps=(
)

# ---- helpers ----
declare -a failures=()
case_name='' db='' rc=0 cases=0 gaps=0 fixed=0
q() { sqlite3 -batch "$db" "$1"; }
fails() { failures+=("$*"); }
fail_count=0

good=$tmp/good/pcgood-WindowsUpdate.log
mkdir -p "$tmp/good"
cp "$logs/etw-lee-7723.log" "$good"
failed_lines() { grep -ac '\*FAILED\* \[[0-9A-Fa-f]\{8\}\]' "$1" || true; }
good_failed=$(failed_lines "$good")

begin() { # name
  case_name=$1
  failures=()
  cases=$((cases + 1))
  db=$tmp/$1.db
  mkdir -p "$tmp/$1"
}

# run [index options] -- inputs...: the good log is always added.
run() {
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  rc=0
  timeout 60 "$idx" --db "$db" -j 2 "${opts[@]}" "$@" "$good" >"$tmp/$case_name.out" \
    2>"$tmp/$case_name.err" || rc=$?
  [ "$rc" -ne 124 ] || fails "indexer did not finish within 60 s (hang)"
}

want_rc() { [ "$rc" -eq "$1" ] || fails "exit status $rc, want $1"; }
want_err() { # pattern description: an extended regexp on stderr
  grep -Eq -- "$1" "$tmp/$case_name.err" || fails "no stderr line matching /$1/ ($2)"
}
want_problem() { # kind path-LIKE [member-LIKE]
  local n
  n=$(q "SELECT count(*) FROM problems WHERE kind = '$1' AND path LIKE '$2'
         AND member LIKE '${3:-%}'")
  [ "$n" -ge 1 ] || fails "no $1 row in problems for path $2 member ${3:-%} (have: $(q \
    "SELECT group_concat(kind || ' ' || path || '!' || member, '; ') FROM problems"))"
}
want_no_problems() {
  local n
  n=$(q "SELECT count(*) FROM problems")
  [ "$n" -eq 0 ] || fails "$n problems, want none: $(q "SELECT group_concat(kind || ' ' || path || ': ' || message, '; ') FROM problems")"
}
# events of kind 1 of the complete source(s) whose path/member match
failed_events() { # path-LIKE [member-LIKE]
  q "SELECT count(*) FROM events e JOIN sources s USING (source_id)
     WHERE s.complete = 1 AND e.kind = 1 AND s.path LIKE '$1' AND s.member LIKE '${2:-%}'"
}
want_failed() { # path-LIKE member-LIKE count what
  local n
  n=$(failed_events "$1" "$2")
  [ "$n" -eq "$3" ] || fails "$4: $n FAILED events, want $3"
}
want_good() { want_failed '%pcgood-WindowsUpdate.log' '' "$good_failed" "good log"; }

end() {
  want_good
  local gap=${known_gaps[$case_name]:-}
  if [ ${#failures[@]} -eq 0 ]; then
    if [ -n "$gap" ]; then
      echo "FIXED: $case_name passes now; remove it from known_gaps ($gap)"
      fixed=$((fixed + 1))
    else
      echo "ok: $case_name"
    fi
  elif [ -n "$gap" ]; then
    echo "KNOWN-GAP: $case_name: $gap"
    printf '    (%s)\n' "${failures[@]}"
    gaps=$((gaps + 1))
  else
    echo "FAIL: $case_name" >&2
    printf '    %s\n' "${failures[@]}" >&2
    sed 's/^/    stderr: /' "$tmp/$case_name.err" | head -20 >&2 || true
    fail_count=$((fail_count + 1))
  fi
}

# ---- shared inputs ----
big=$logs/etw-debajyati.log # 3 MB, many FAILED lines
big_failed=$(failed_lines "$big")
zstd -q -c "$big" > "$tmp/big.log.zst"
zsize=$(stat -c %s "$tmp/big.log.zst")

# ---- zstd ----
begin zstd-truncated
for off in 5 100 $((zsize / 2)) $((zsize - 1)) $((zsize - 4)); do
  head -c "$off" "$tmp/big.log.zst" > "$tmp/$case_name/cut-$off.log.zst"
done
run -- "$tmp/$case_name"
want_rc 3
for off in 5 100 $((zsize / 2)) $((zsize - 1)) $((zsize - 4)); do
  want_err "cut-$off\.log\.zst.*truncated.*\(WL_E_TRUNCATED\)" "cut at $off named"
  want_problem WL_E_TRUNCATED "%cut-$off.log.zst"
done
want_err "cut-$((zsize / 2))\.log\.zst: offset [0-9]+:" "decoded offset of the cut"
# The cuts are copies of one log (same first 64 KiB): only the longest is
# kept, so nothing is counted twice; it holds some events, never more than all.
n=$(failed_events "%cut-%.log.zst")
[ "$n" -gt 0 ] && [ "$n" -le "$big_failed" ] || fails "cut copies: $n FAILED events (0 < n <= $big_failed)"
[ "$(q "SELECT count(*) FROM sources WHERE complete = 1 AND path LIKE '%cut-%'")" -eq 1 ] ||
  fails "more than one copy of the cut log kept"
# What was readable is kept: the half file alone has some, not all.
db=$tmp/$case_name-half.db
run -- "$tmp/$case_name/cut-$((zsize / 2)).log.zst"
n=$(failed_events "%cut-$((zsize / 2)).log.zst")
[ "$n" -gt 0 ] && [ "$n" -lt "$big_failed" ] || fails "half file: $n FAILED events (0 < n < $big_failed)"
end

begin zstd-corrupt
cp "$tmp/big.log.zst" "$tmp/$case_name/corrupt.log.zst"
# Overwrite 64 bytes inside the first block (after the frame header).
printf '\xde\xad\xbe\xef%.0s' {1..16} | dd of="$tmp/$case_name/corrupt.log.zst" bs=1 seek=2000 \
  conv=notrunc status=none
run -- "$tmp/$case_name/corrupt.log.zst"
want_rc 3
want_err 'corrupt\.log\.zst: offset [0-9]+: zstd: .*\(WL_E_ZSTD\)' "corrupt frame named, with offset"
want_problem WL_E_ZSTD '%corrupt.log.zst'
end

begin zstd-trailing-garbage
{ cat "$tmp/big.log.zst"; printf 'GARBAGE AFTER THE LAST FRAME\n'; } > "$tmp/$case_name/tail.log.zst"
run -- "$tmp/$case_name/tail.log.zst"
want_rc 3
want_err 'tail\.log\.zst.*\(WL_E_ZSTD\)' "trailing garbage named"
want_problem WL_E_ZSTD '%tail.log.zst'
want_failed '%tail.log.zst' '' "$big_failed" "the whole frame before the garbage"
end

begin empty-files
: > "$tmp/$case_name/empty.log"
printf '' | zstd -q -c > "$tmp/$case_name/empty.log.zst"
run -- "$tmp/$case_name/empty.log" "$tmp/$case_name/empty.log.zst"
want_rc 0
want_no_problems
end

begin zstd-skippable-concatenated
a=$logs/etw-raja-fahad.log b=$logs/etw-findingsanity.log
{ printf '\x50\x2a\x4d\x18\x08\x00\x00\x00skipme!!'; zstd -q -c "$a"
  printf '\x5f\x2a\x4d\x18\x00\x00\x00\x00'; zstd -q -c "$b"; } > "$tmp/$case_name/multi.log.zst"
run -- "$tmp/$case_name/multi.log.zst"
want_rc 0
want_no_problems
want_failed '%multi.log.zst' '' $(($(failed_lines "$a") + $(failed_lines "$b"))) "both frames"
end

# ---- caps ----
begin bomb-zstd
# 80 copies of a log (64 MB from a small .zst) and 64 MB of zeros, far over
# a 1 MiB cap: capped, reported with the offset, and quick.
for _ in $(seq 80); do cat "$logs/etw-findingsanity.log"; done | zstd -q -3 \
  > "$tmp/$case_name/bomb.log.zst"
head -c 64M /dev/zero | zstd -q -c > "$tmp/$case_name/zeros.zst"
start=$(date +%s)
run --max-member-bytes 1M -- "$tmp/$case_name/bomb.log.zst" "$tmp/$case_name/zeros.zst"
want_rc 3
want_err 'bomb\.log\.zst: offset 1048576: .*\(WL_E_TOO_BIG\)' ".zst bomb named with the offset"
want_problem WL_E_TOO_BIG '%bomb.log.zst'
want_problem WL_E_TOO_BIG '%zeros.zst'
[ $(($(date +%s) - start)) -le 20 ] || fails "the capped run took over 20 s"
end

begin bomb-archive
# The same cap on members that libarchive decompresses: a lone .gz and a
# member of a .tar.gz, 16 MB each.
for _ in $(seq 20); do cat "$logs/etw-findingsanity.log"; done > "$tmp/$case_name/pcbomb-WindowsUpdate.log"
gzip -1 -c "$tmp/$case_name/pcbomb-WindowsUpdate.log" > "$tmp/$case_name/bomb.log.gz"
tar -C "$tmp/$case_name" -cf - pcbomb-WindowsUpdate.log | gzip -1 > "$tmp/$case_name/bomb.tar.gz"
rm "$tmp/$case_name/pcbomb-WindowsUpdate.log"
run --max-member-bytes 1M -- "$tmp/$case_name/bomb.log.gz" "$tmp/$case_name/bomb.tar.gz"
want_rc 3
want_err 'bomb\.log\.gz.*\(WL_E_TOO_BIG\)' ".gz bomb named"
want_problem WL_E_TOO_BIG '%bomb.log.gz'
want_problem WL_E_TOO_BIG '%bomb.tar.gz' '%pcbomb-WindowsUpdate.log'
end

# ---- archives ----
mk_tar_members() { # dir: three logs a, b, c
  mkdir -p "$1/m"
  cp "$logs/etw-raja-fahad.log" "$1/m/pca-WindowsUpdate.log"
  cp "$logs/etw-findingsanity.log" "$1/m/pcb-WindowsUpdate.log" # not the good log: no duplicate
  cp "$logs/etw-debajyati.log" "$1/m/pcc-WindowsUpdate.log"
}
begin truncated-tar-gz
mk_tar_members "$tmp/$case_name"
tar -C "$tmp/$case_name/m" -cf - pca-WindowsUpdate.log pcb-WindowsUpdate.log pcc-WindowsUpdate.log \
  | gzip -c > "$tmp/$case_name/all.tar.gz"
# Cut inside the third member: a and b are whole before the cut.
head -c $(($(stat -c %s "$tmp/$case_name/all.tar.gz") * 85 / 100)) "$tmp/$case_name/all.tar.gz" \
  > "$tmp/$case_name/cut.tar.gz"
run -- "$tmp/$case_name/cut.tar.gz"
want_rc 3
want_err 'cut\.tar\.gz.*\((WL_E_ARCHIVE|WL_E_TRUNCATED)\)' "damaged archive named"
want_err 'cut\.tar\.gz!pcc-WindowsUpdate\.log: offset [0-9]+: ' "the cut member named, with its offset"
n=$(q "SELECT count(*) FROM problems WHERE path LIKE '%cut.tar.gz' AND kind IN ('WL_E_ARCHIVE', 'WL_E_TRUNCATED')")
[ "$n" -ge 1 ] || fails "no WL_E_ARCHIVE/WL_E_TRUNCATED row for cut.tar.gz"
want_failed '%cut.tar.gz' '%pca-WindowsUpdate.log' "$(failed_lines "$tmp/$case_name/m/pca-WindowsUpdate.log")" "member a"
want_failed '%cut.tar.gz' '%pcb-WindowsUpdate.log' "$(failed_lines "$tmp/$case_name/m/pcb-WindowsUpdate.log")" "member b"
end

begin truncated-zip
mk_tar_members "$tmp/$case_name"
( cd "$tmp/$case_name/m" && zip -q ../all.zip pca-WindowsUpdate.log pcb-WindowsUpdate.log pcc-WindowsUpdate.log )
head -c $(($(stat -c %s "$tmp/$case_name/all.zip") * 85 / 100)) "$tmp/$case_name/all.zip" \
  > "$tmp/$case_name/cut.zip"
run -- "$tmp/$case_name/cut.zip"
want_rc 3
want_err 'cut\.zip.*\((WL_E_ARCHIVE|WL_E_TRUNCATED)\)' "damaged zip named"
want_err 'cut\.zip!pcc-WindowsUpdate\.log: offset [0-9]+: ' "the cut member named, with its offset"
n=$(q "SELECT count(*) FROM problems WHERE path LIKE '%cut.zip' AND kind IN ('WL_E_ARCHIVE', 'WL_E_TRUNCATED')")
[ "$n" -ge 1 ] || fails "no WL_E_ARCHIVE/WL_E_TRUNCATED row for cut.zip"
want_failed '%cut.zip' '%pca-WindowsUpdate.log' "$(failed_lines "$tmp/$case_name/m/pca-WindowsUpdate.log")" "member a"
want_failed '%cut.zip' '%pcb-WindowsUpdate.log' "$(failed_lines "$tmp/$case_name/m/pcb-WindowsUpdate.log")" "member b"
end

begin unsafe-members
mkdir -p "$tmp/$case_name/src"
cp "$logs/etw-raja-fahad-new.log" "$tmp/$case_name/src/evil"
ln -s /etc/passwd "$tmp/$case_name/src/link"
ln -s ../../outside-target "$tmp/$case_name/src/uplink"
( cd "$tmp/$case_name/src" && tar -P --transform 's,^evil$,../evil,' -cf ../unsafe.tar evil link uplink )
# (grep without -q: an early exit would give tar SIGPIPE and, with pipefail,
# a spurious set-up failure)
tar -tf "$tmp/$case_name/unsafe.tar" 2>/dev/null | grep -x '\.\./evil' >/dev/null ||
  fails "test set-up: no ../evil member"
# Run from an empty directory: a member written relative to it would show.
mkdir -p "$tmp/$case_name/cwd/deeper"
pushd "$tmp/$case_name/cwd/deeper" >/dev/null
run -- "$tmp/$case_name/unsafe.tar"
popd >/dev/null
want_rc 3
want_err 'unsafe\.tar!link: .*\(WL_E_UNSAFE_PATH\)' "symlink member named"
want_problem WL_E_UNSAFE_PATH '%unsafe.tar' 'link'
[ -z "$(find "$tmp/$case_name/cwd" -mindepth 2)" ] || fails "files appeared under the working directory"
[ ! -e "$tmp/$case_name/cwd/evil" ] && [ ! -e "$tmp/outside-target" ] && [ ! -e "$tmp/evil" ] \
  || fails "a member was written to disk"
# "../evil" is read like any member (never extracted): its events count.
want_failed '%unsafe.tar' '../evil' "$(failed_lines "$logs/etw-raja-fahad-new.log")" "../evil member read in place"
end

begin nested-depth
mkdir -p "$tmp/$case_name/n"
cp "$logs/etw-raja-fahad.log" "$tmp/$case_name/n/pcdeep-WindowsUpdate.log"
inner=pcdeep-WindowsUpdate.log
# Six archive levels: tar, zip, tar.zst, zip, tar, zip (the cap is 4).
for lvl in 1 2 3 4 5 6; do
  case $lvl in
    1|5) out=l$lvl.tar; ( cd "$tmp/$case_name/n" && tar -cf "$out" "$inner" ) ;;
    3) out=l$lvl.tar.zst; ( cd "$tmp/$case_name/n" && tar -cf - "$inner" | zstd -q -c > "$out" ) ;;
    *) out=l$lvl.zip; ( cd "$tmp/$case_name/n" && zip -q "$out" "$inner" ) ;;
  esac
  inner=$out
done
cp "$tmp/$case_name/n/l6.zip" "$tmp/$case_name/deep.zip"
cp "$tmp/$case_name/n/l3.tar.zst" "$tmp/$case_name/shallow.tar.zst"
run -- "$tmp/$case_name/deep.zip" "$tmp/$case_name/shallow.tar.zst"
want_rc 3
want_err 'deep\.zip!.*\(WL_E_DEPTH\)' "too-deep member named"
want_problem WL_E_DEPTH '%deep.zip'
# Three levels are fine.
want_failed '%shallow.tar.zst' '%pcdeep-WindowsUpdate.log' "$(failed_lines "$logs/etw-raja-fahad.log")" "3-level nesting"
end

# ---- text ----
begin utf16-odd
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$logs/etw-raja-fahad.log"; printf 'x'; } \
  > "$tmp/$case_name/odd.log"
run -- "$tmp/$case_name/odd.log"
want_rc 3
want_err 'odd\.log: line [0-9]+: .*\(WL_E_ENCODING\)' "odd UTF-16 named with line"
want_problem WL_E_ENCODING '%odd.log'
want_failed '%odd.log' '' "$(failed_lines "$logs/etw-raja-fahad.log")" "UTF-16 text before the odd byte"
end

begin nul-bytes
# NUL bytes inside every *FAILED* line (after the code): still events.
sed 's/\(\*FAILED\* \[[0-9A-Fa-f]\{8\}\]\) /\1 \x00nul\x00 /' "$logs/etw-lee-7723.log" \
  > "$tmp/$case_name/pcnul-WindowsUpdate.log"
[ "$(grep -c -aP '\x00' "$tmp/$case_name/pcnul-WindowsUpdate.log")" -gt 0 ] || fails "test set-up: no NUL"
run -- "$tmp/$case_name/pcnul-WindowsUpdate.log"
want_rc 0
want_no_problems
want_failed '%pcnul-WindowsUpdate.log' '' "$good_failed" "lines with NUL bytes"
end

begin long-line
src=$logs/etw-lee-7723.log
{ head -n 200 "$src"; head -c 2000000 /dev/zero | tr '\0' L; printf '\r\n'; tail -n +201 "$src"; } \
  > "$tmp/$case_name/pclong-WindowsUpdate.log"
rc=0
/usr/bin/time -f '%M' -o "$tmp/$case_name/rss" "$idx" --db "$db" -j 1 \
  "$tmp/$case_name/pclong-WindowsUpdate.log" "$good" >"$tmp/$case_name.out" 2>"$tmp/$case_name.err" || rc=$?
want_rc 3
want_err 'pclong-WindowsUpdate\.log: line 201: .*\(WL_E_LINE_TOO_LONG\)' "long line named with its number"
want_problem WL_E_LINE_TOO_LONG '%pclong-WindowsUpdate.log'
want_failed '%pclong-WindowsUpdate.log' '' "$(failed_lines "$src")" "lines around the long one"
# Line numbers after the long line are still right.
w=$(grep -an '\*FAILED\* \[' "$tmp/$case_name/pclong-WindowsUpdate.log" | tail -1 | cut -d: -f1)
g=$(q "SELECT max(e.line) FROM events e JOIN sources s USING (source_id) WHERE s.path LIKE '%pclong%' AND e.kind = 1")
[ "$w" = "$g" ] || fails "last FAILED line is $w, indexed as $g"
rss=$(tail -1 "$tmp/$case_name/rss" 2>/dev/null || echo 0)
# Bounded memory: a 2 MB line must not cost more than a normal run by much.
[ "${rss:-0}" -lt 200000 ] || fails "peak RSS ${rss} KiB for a 2 MB line (want < 200 MB)"
echo "    (peak RSS with a 2 MB line: ${rss} KiB)"
end

begin cr-only
# Classic Mac line ends, in UTF-8 and in UTF-16LE: every line still a line.
tr -d '\n' < "$logs/etw-lee-7723.log" > "$tmp/$case_name/pccr-WindowsUpdate.log"
{ printf '\xff\xfe'; tr -d '\n' < "$logs/etw-raja-fahad.log" | iconv -f UTF-8 -t UTF-16LE; } \
  > "$tmp/$case_name/pccr16-WindowsUpdate.log"
run -- "$tmp/$case_name/pccr-WindowsUpdate.log" "$tmp/$case_name/pccr16-WindowsUpdate.log"
want_rc 0
want_no_problems
want_failed '%pccr-WindowsUpdate.log' '' "$good_failed" "CR-only log"
want_failed '%pccr16-WindowsUpdate.log' '' "$(failed_lines "$logs/etw-raja-fahad.log")" "CR-only UTF-16 log"
n=$(q "SELECT lines FROM sources WHERE path LIKE '%pccr-WindowsUpdate.log'")
[ "$n" -eq "$(wc -l < "$logs/etw-lee-7723.log")" ] || fails "CR-only log: $n lines, want $(wc -l < "$logs/etw-lee-7723.log")"
end

# ---- the walk ----
begin vanished-path
if [ "$(id -u)" -ne 0 ]; then
  cp "$logs/etw-raja-fahad.log" "$tmp/$case_name/unreadable.log"
  chmod 000 "$tmp/$case_name/unreadable.log"
  run -- "$tmp/$case_name/unreadable.log" "$tmp/$case_name/no-such-file.log"
  want_problem WL_E_OPEN '%unreadable.log'
else
  echo "    (running as root: chmod 000 does not stop root, so only paths that vanish are tried)"
  ln -s "$tmp/$case_name/gone.log" "$tmp/$case_name/dangling.log"
  run -- "$tmp/$case_name/no-such-file.log" "$tmp/$case_name"
fi
want_rc 3
want_err 'no-such-file\.log.*\(WL_E_OPEN\)' "missing input named"
want_problem WL_E_OPEN '%no-such-file.log'
[ "$(id -u)" -ne 0 ] || want_problem WL_E_OPEN '%dangling.log'
end

begin symlink-loop
mkdir -p "$tmp/$case_name/tree/sub"
cp "$logs/etw-raja-fahad.log" "$tmp/$case_name/tree/sub/pcloop-WindowsUpdate.log"
ln -s .. "$tmp/$case_name/tree/sub/up"          # a loop through the parent
ln -s self "$tmp/$case_name/tree/self"          # a link to itself (ELOOP)
run -- "$tmp/$case_name/tree"
want_rc 3
want_err 'tree/sub/up: .*loop.*\(WL_E_SKIPPED\)' "directory loop named"
want_problem WL_E_SKIPPED '%tree/sub/up'
want_problem WL_E_SKIPPED '%tree/self'
want_failed '%pcloop-WindowsUpdate.log' '' "$(failed_lines "$logs/etw-raja-fahad.log")" "log inside the looped tree, once"
n=$(q "SELECT count(*) FROM sources WHERE path LIKE '%pcloop-WindowsUpdate.log'")
[ "$n" -eq 1 ] || fails "log inside the loop indexed $n times"
end

begin fifo
mkdir -p "$tmp/$case_name/dir"
mkfifo "$tmp/$case_name/dir/pipe.log" "$tmp/$case_name/direct.fifo"
cp "$logs/etw-raja-fahad.log" "$tmp/$case_name/dir/pcfifo-WindowsUpdate.log"
run -- "$tmp/$case_name/dir" "$tmp/$case_name/direct.fifo"
want_rc 3
want_err 'pipe\.log: .*\(WL_E_SKIPPED\)' "FIFO in a directory named"
want_err 'direct\.fifo: .*\(WL_E_SKIPPED\)' "FIFO on the command line named"
want_problem WL_E_SKIPPED '%pipe.log'
want_problem WL_E_SKIPPED '%direct.fifo'
want_failed '%pcfifo-WindowsUpdate.log' '' "$(failed_lines "$logs/etw-raja-fahad.log")" "log next to the FIFO"
end

begin not-a-log
printf 'just some notes\r\nnot a log at all\r\n' > "$tmp/$case_name/notes.txt"
cp "$idx" "$tmp/$case_name/program.exe"                    # binary, any bytes
printf '\x89PNG\r\n\x1a\n' > "$tmp/$case_name/tiny.png"
printf '\x00\x00\x00\x00' > "$tmp/$case_name/nul4.bin"
run -- "$tmp/$case_name"
want_rc 0
want_no_problems
n=$(q "SELECT count(*) FROM sources WHERE path LIKE '%$case_name/%'")
[ "$n" -eq 0 ] || fails "$n files that are not logs became sources"
end

begin not-a-log-no-line-end
head -c 300000 /dev/zero > "$tmp/$case_name/zeros.bin"
head -c 100000 /dev/zero | tr '\0' 'A' > "$tmp/$case_name/letters.txt"
run -- "$tmp/$case_name"
want_rc 0
want_no_problems
end

begin truncated-duplicate
# A log with SOAP faults, intact, plus a truncated .zst copy of it: every
# fault counts once (by its fault GUID), however many copies carry it.
src=$logs/etw-raja-fahad-new.log
cp "$src" "$tmp/$case_name/pcdup-WindowsUpdate.log"
# (through a file, not a pipe into head: head's early exit would give zstd
# SIGPIPE and, with pipefail, end the script)
zstd -q -c "$src" > "$tmp/$case_name/whole.zst"
head -c $(($(stat -c %s "$tmp/$case_name/whole.zst") * 9 / 10)) "$tmp/$case_name/whole.zst" \
  > "$tmp/$case_name/pcdup-copy-WindowsUpdate.log.zst"
rm -f "$tmp/$case_name/whole.zst"
db=$tmp/$case_name-alone.db
timeout 60 "$idx" --db "$db" -q "$tmp/$case_name/pcdup-WindowsUpdate.log" >/dev/null 2>&1 || true
alone=$(q "SELECT count(DISTINCT fault_guid) FROM events_v WHERE fault_guid IS NOT NULL")
alone_events=$(q "SELECT count(*) FROM events_v")
db=$tmp/$case_name.db
run -- "$tmp/$case_name/pcdup-WindowsUpdate.log" "$tmp/$case_name/pcdup-copy-WindowsUpdate.log.zst"
want_rc 3
want_problem WL_E_TRUNCATED '%pcdup-copy-WindowsUpdate.log.zst'
both=$(q "SELECT count(DISTINCT fault_guid) FROM events_v WHERE fault_guid IS NOT NULL")
rows=$(q "SELECT count(*) FROM events_v WHERE fault_guid IS NOT NULL")
[ "$alone" -ge 1 ] || fails "test set-up: no fault GUID in $src"
[ "$both" -eq "$alone" ] || fails "distinct fault GUIDs: $both with the copy, $alone alone"
# Not only faults: the truncated copy starts like the intact log, so it is
# recognised as a copy and no event of any kind is counted twice.
both_events=$(q "SELECT count(*) FROM events_v WHERE path NOT LIKE '%pcgood%'")
[ "$both_events" -eq "$alone_events" ] || fails "events: $both_events with the copy, $alone_events alone"
echo "    (fault GUIDs: $alone distinct, carried by $rows event rows across both copies)"
end

echo "e2e_badinput: $cases cases, $fail_count failed, $gaps known gaps, $fixed fixed gaps"
[ "$fail_count" -eq 0 ] || exit 1
