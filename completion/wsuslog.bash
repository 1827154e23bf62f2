# bash completion for wsuslog-index and wsuslog-query: commands, options,
# --format and --by values, file names after --db (and other file options).
# Installed once under each program's name in the bash-completion directory,
# where bash-completion loads it on demand; works without bash-completion
# too (`source` it). tests/install/completion.sh checks the lists below
# against each program's --help.

_wsuslog_index_opts='--db --clickhouse --from-db --audit --format -j --jobs --tz --max-member-bytes
  --max-db-pages --progress --no-progress -q --quiet --stats -h --help --version'
_wsuslog_query_cmds='limits errors guid servers clients timeline incident sql
  problems capacity report'
_wsuslog_query_opts='--db --clickhouse -f --format --since --until --server --by --code
  --proxies --counts --percentile --headroom --html -h --help --version'

# Options of wsuslog-query that take a value (the next word is not a command).
_wsuslog_query_valued='--db --clickhouse -f --format --since --until --server --by --code
  --counts --percentile --headroom --html'

# _wsuslog_words: sets cur and prev from COMP_WORDS. bash splits
# "--format=csv" into "--format" "=" "csv" (COMP_WORDBREAKS): the option is
# then the word before the "=".
_wsuslog_words() {
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  if [[ $cur == = ]]; then
    cur=
    prev=${COMP_WORDS[COMP_CWORD - 1]}
  elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi
}

# _wsuslog_files: file and directory names for the current word.
_wsuslog_files() {
  compopt -o filenames 2>/dev/null
  local IFS=$'\n'
  COMPREPLY=($(compgen -f -- "$cur"))
}

_wsuslog_index() {
  local cur prev
  _wsuslog_words
  COMPREPLY=()
  case $prev in
  --db | --from-db) _wsuslog_files; return ;;
  --format) COMPREPLY=($(compgen -W 'table csv json' -- "$cur")); return ;;
  --clickhouse | -j | --jobs | --tz | --max-member-bytes | --max-db-pages) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$_wsuslog_index_opts" -- "$cur"))
  else
    _wsuslog_files # INPUTs: directories, logs, archives
  fi
}

_wsuslog_query() {
  local cur prev cmd= i w
  _wsuslog_words
  COMPREPLY=()
  # The command: the first word that is neither an option nor its value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == = ]]; then
      ((i++)) # --opt=VALUE: skip VALUE
    elif [[ " ${_wsuslog_query_valued//$'\n'/ } " == *" $w "* ]]; then
      [[ ${COMP_WORDS[i + 1]-} == = ]] || ((i++))
    elif [[ $w != -* ]]; then
      cmd=$w
      break
    fi
  done
  case $prev in
  --db | --counts | --html) _wsuslog_files; return ;;
  --clickhouse) return ;; # a URL
  -f | --format) COMPREPLY=($(compgen -W 'table csv json' -- "$cur")); return ;;
  --by)
    case $cmd in
    errors) w='code server client' ;;
    timeline) w='hour day week' ;;
    *) w='code server client hour day week' ;;
    esac
    COMPREPLY=($(compgen -W "$w" -- "$cur"))
    return
    ;;
  --since | --until | --server | --code | --percentile | --headroom) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$_wsuslog_query_opts" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "$_wsuslog_query_cmds" -- "$cur"))
  fi
}

complete -F _wsuslog_index wsuslog-index
complete -F _wsuslog_query wsuslog-query
