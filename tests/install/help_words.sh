# Sourced by the install tests: the options and commands a program's --help
# names, one per line, sorted, so that the man pages and the bash completion
# can be checked against them (and cannot drift from the programs).

# words_options: options (-x, --long-name) named in standard input. An option
# starts a word or follows one of "[|,(": "wsuslog-index", "+-5" and
# "YYYY-MM-DD" are not options.
words_options() {
  { grep -oE '(^|[][ |,(])--?[A-Za-z][A-Za-z0-9-]*' || true; } | sed 's/^[^-]*//' | sort -u
}

# help_options PROG, help_commands PROG: from PROG --help. Commands are the
# first words of the lines indented by two spaces under "Commands:".
help_options() { "$1" --help | words_options; }
help_commands() {
  "$1" --help | awk '/^Commands:/ { c = 1; next } c && /^$/ { c = 0 }
    c && /^  [a-z]/ { print $1 }' | sort -u
}
