#!/usr/bin/env bash
# The bash completion (completion/wsuslog.bash), driven as bash drives it
# (COMP_WORDS, COMP_CWORD, the function registered with `complete`), against
# the programs' own --help: every option, every command, the --format and
# --by values; file names after --db, --counts, --html and for INPUTs.
#   completion.sh COMPLETION WSUSLOG_INDEX WSUSLOG_QUERY TMP_DIR
set -uo pipefail
script=$1 idx=$2 qry=$3 tmp=$4
rm -rf "$tmp"; mkdir -p "$tmp"
. "$(dirname "$0")/help_words.sh"
fail() { echo "completion: FAIL: $*" >&2; exit 1; }

# shellcheck source=/dev/null
. "$script" || fail "cannot source $script"
# comp WORD...: the completions offered for the last WORD (the one under the
# cursor), sorted, one per line. bash splits "--db=x" into "--db" "=" "x".
comp() {
  local f
  f=$(complete -p "$1" 2>/dev/null | sed -E 's/.* -F ([^ ]+) .*/\1/')
  [ -n "$f" ] || fail "no completion registered for $1"
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  "$f" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}
expect() { # WANT WORD...: WANT is the newline-separated list
  local want=$1 got; shift
  got=$(comp "$@")
  [ "$got" = "$want" ] || fail "'$*': offered [$(echo $got)], want [$(echo $want)]"
}
lines() { printf '%s\n' "$@" | sort; }
# The values an option takes, as --help writes them: "--format table|csv|json".
help_values() { # PROG OPTION [LINE-PREFIX]
  "$1" --help | grep -E "^${3:-}" | grep -oE -- "$2 [a-z]+(\|[a-z]+)+" | head -1 |
    cut -d' ' -f2 | tr '|' '\n' | sort
}

# Options and commands: exactly those of --help.
expect "$(help_options "$idx")" wsuslog-index -
expect "$(help_options "$qry")" wsuslog-query --db x.db -
expect "$(help_options "$qry")" wsuslog-query --db x.db limits -
expect "$(help_commands "$qry")" wsuslog-query --db x.db ''
expect "$(help_commands "$qry")" wsuslog-query --since 2026-03-01 --db=x.db -f csv ''
expect "$(help_commands "$qry")" wsuslog-query --since = 2026-03-01 --db = x.db ''
expect limits wsuslog-query --db x.db lim
expect "$(lines --since --server)" wsuslog-query --db x.db limits --s
expect '' wsuslog-query --db x.db limits ''
expect '' wsuslog-query --db x.db guid ''

# Values: --format, and --by per command.
fmts=$(help_values "$qry" --format)
[ "$(echo $fmts)" = "csv json table" ] || fail "--help names formats [$(echo $fmts)]"
expect "$fmts" wsuslog-query --db x.db limits --format ''
expect "$fmts" wsuslog-query -f ''
expect csv wsuslog-query --format = c
expect json wsuslog-query --db x.db errors -f j
expect "$(help_values "$idx" --format)" wsuslog-index --audit --format ''
expect "$(help_values "$qry" --by '  errors')" wsuslog-query --db x.db errors --by ''
expect "$(help_values "$qry" --by '  timeline')" wsuslog-query timeline --by ''
expect '' wsuslog-query --db x.db limits --since ''
expect '' wsuslog-index --db x.db -j ''

# Files: after --db (both spellings), --counts, --html, and INPUTs.
mkdir -p "$tmp/inputs"
: > "$tmp/index.db"
: > "$tmp/other"
in=$(lines "$tmp/index.db" "$tmp/inputs")
expect "$in" wsuslog-index --db "$tmp/in"
expect "$in" wsuslog-index --db = "$tmp/in"
expect "$in" wsuslog-index --db x.db "$tmp/in"
expect "$in" wsuslog-query --db "$tmp/in"
expect "$in" wsuslog-query --db x.db capacity --counts "$tmp/in"
expect "$in" wsuslog-query --db x.db report --html "$tmp/in"
echo "completion: ok"
