#!/usr/bin/env bash
# A man page against its program: man renders it without a warning (man-db
# and groff's -ww), every option and command that PROG --help names is an
# item of the page's OPTIONS or COMMANDS section, and every item there is in
# --help (so the page documents what the program does, no more, no less).
#   man_help.sh PROG MANPAGE
set -euo pipefail
prog=$1 page=$2
name=$(basename "$page" .1)
. "$(dirname "$0")/help_words.sh"
fail() { echo "man_help($name): FAIL: $*" >&2; exit 1; }
[ -s "$page" ] || fail "no man page $page"
for tool in man groff; do command -v $tool >/dev/null || fail "$tool not found (scripts/setup installs it)"; done

warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || fail "man -l failed: $warn"
[ -z "$warn" ] || fail "man --warnings: $warn"
warn=$(groff -man -ww -z "$page" 2>&1) || fail "groff failed: $warn"
[ -z "$warn" ] || fail "groff -ww: $warn"

# The page as text, one item per line (wide, no hyphenation): an item is a
# line indented by 7 spaces in its section.
text=$(LC_ALL=C MANWIDTH=300 man -l "$page")
section() { # NAME: the section's lines
  awk -v s="$1" '/^[A-Z]/ { on = ($0 == s); next } on' <<<"$text"
}
grep -q '^SYNOPSIS$' <<<"$text" || fail "no SYNOPSIS"
for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
  grep -qx "$s" <<<"$text" || fail "no $s section"
done
man_opts=$(section OPTIONS | { grep -E '^       -' || true; } | words_options)
man_cmds=$(section COMMANDS | awk '/^       [a-z]/ { print $1 }' | sort -u)
help_opts=$(help_options "$prog")
help_cmds=$(help_commands "$prog")
[ -n "$help_opts" ] || fail "$prog --help names no option"

missing=$(comm -23 <(echo "$help_opts") <(echo "$man_opts"))
[ -z "$missing" ] || fail "options of --help missing from OPTIONS:" $missing
extra=$(comm -13 <(echo "$help_opts") <(echo "$man_opts"))
[ -z "$extra" ] || fail "OPTIONS documents what --help does not name:" $extra
missing=$(comm -23 <(echo "$help_cmds") <(echo "$man_cmds"))
[ -z "$missing" ] || fail "commands of --help missing from COMMANDS:" $missing
extra=$(comm -13 <(echo "$help_cmds") <(echo "$man_cmds"))
[ -z "$extra" ] || fail "COMMANDS documents what --help does not name:" $extra
if [ -n "$help_cmds" ]; then
  grep -qx COMMANDS <<<"$text" || fail "no COMMANDS section"
fi
echo "man_help($name): ok: $(wc -w <<<"$help_opts") options, $(wc -w <<<"$help_cmds") commands"
