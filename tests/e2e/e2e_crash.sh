#!/usr/bin/env bash
# kill -9 safety (ARCHITECTURE.md "Crash safety"): an ingest killed at any
# moment leaves an index that is intact, shows no event of an unfinished
# input to readers, and a re-run on the same index ends with exactly what a
# clean run gives. Kill points are pseudo-random (fixed seed) and spread over
# the whole run, including several kills of the same index in a row.
#   e2e_crash.sh WSUSLOG_INDEX SHARED_DIR TMP_DIR
# Environment: WL_CRASH_KILLS (default 22), WL_CRASH_SEED (default 20240611),
# WL_CRASH_JOBS (-j, default 2), WL_CRASH_COPIES (inputs; by default sized so
# that a clean run takes about WL_CRASH_TARGET_MS, default 2500 ms, on this
# machine and build: ~900 copies for a release build, fewer under sanitizers).
set -euo pipefail
. "$(dirname "$0")/../common/sqlite3-events.sh"
idx=$1 shared=$2 tmp=$3
kills=${WL_CRASH_KILLS:-22}
seed=${WL_CRASH_SEED:-20240611}
copies=${WL_CRASH_COPIES:-}
target_ms=${WL_CRASH_TARGET_MS:-2500}
jobs=${WL_CRASH_JOBS:-2}
rm -rf "$tmp"; mkdir -p "$tmp"
fail() { echo "e2e_crash: FAIL: $*" >&2; exit 1; }
logs=$shared/real-logs
. "$(dirname "$0")/../common/real_logs.sh"
need_real_logs e2e_crash "$logs"
command -v sqlite3 >/dev/null || fail "sqlite3 CLI not found"
command -v zstd >/dev/null || fail "zstd CLI not found"
now_ms() { date +%s%3N; }
q() { sqlite3 -batch "$1" "$2"; }

# ---- inputs: distinct bytes per copy (a copy ends with i extra blank
# lines), so every copy is its own source and none is dropped as a duplicate.
# 1/18 plain files, 2/18 .zst files, the rest as members of five .tar.zst
# archives (copies differ only by their first line, so --long packs them into
# little disk). The run must be long enough for the writer to commit before
# the end (every WL_TXN_ROWS rows or 2 s), so that kills also land between
# commits, with inputs half-written: ~140 k events per run here.
mapfile -t src < <(ls "$logs"/*.log)
copy() { # i dir: write copy i
  local f=${src[$1 % ${#src[@]}]}
  { printf 'copy %s\r\n' "$1"; cat "$f"; } > "$2/$(printf 'pc%04d-WindowsUpdate.log' "$1")"
}
if [ -z "$copies" ]; then
  # Calibrate: time 60 plain copies, then size the set for target_ms.
  mkdir -p "$tmp/calib"
  for ((i = 1; i <= 60; i++)); do copy "$i" "$tmp/calib"; done
  t0=$(now_ms)
  "$idx" --db "$tmp/calib.db" -j "$jobs" -q "$tmp/calib" >/dev/null 2>&1 || fail "calibration run failed"
  t_cal=$(($(now_ms) - t0))
  copies=$((target_ms * 60 / (t_cal > 0 ? t_cal : 1)))
  ((copies < 150)) && copies=150
  ((copies > 1000)) && copies=1000
  rm -rf "$tmp/calib" "$tmp"/calib.db*
  echo "e2e_crash: 60 copies indexed in $t_cal ms: $copies copies for a ~$target_ms ms run"
fi
n_plain=$((copies / 18)) n_zst=$((copies * 2 / 18))
per_pack=$(((copies - n_plain - n_zst + 4) / 5))
in=$tmp/in
mkdir -p "$in/plain" "$in/zst" "$in/packed"
stage=
pack() { # archive the staged copies, then drop them
  [ -n "$stage" ] || return 0
  tar -C "$stage" -cf - . | zstd -q -1 --long=27 > "$in/packed/$(basename "$stage").tar.zst"
  rm -rf "$stage"
  stage=
}
first_packed=$((n_plain + n_zst + 1))
for ((i = 1; i <= copies; i++)); do
  if ((i <= n_plain)); then
    copy "$i" "$in/plain"
  elif ((i < first_packed)); then
    copy "$i" "$in/zst"
    zstd -q -1 --rm "$in/zst/$(printf 'pc%04d-WindowsUpdate.log' "$i")"
  else
    if [ -z "$stage" ]; then stage=$tmp/site$(((i - first_packed) / per_pack)); mkdir -p "$stage"; fi
    copy "$i" "$stage"
    if (((i - first_packed + 1) % per_pack == 0)); then pack; fi
  fi
done
pack
bytes=$(du -sb "$in" | cut -f1)

run_index() { # db -> exit status
  local rc=0
  "$idx" --db "$1" -j "$jobs" -q "$in" >"$tmp/out" 2>"$tmp/err" || rc=$?
  return $rc
}

# ---- the reference: one clean run.
t0=$(now_ms)
run_index "$tmp/ref.db" || { cat "$tmp/err" >&2; fail "clean run did not exit 0"; }
t_ref=$(($(now_ms) - t0))
fingerprint() { # db: counts and a digest of every event's identity
  q "$1" "SELECT (SELECT count(*) FROM sources WHERE complete = 1),
                 (SELECT count(*) FROM sources WHERE complete = 0),
                 (SELECT count(*) FROM events), (SELECT count(*) FROM event_raw),
                 (SELECT count(*) FROM event_guids), (SELECT count(*) FROM scans),
                 (SELECT count(*) FROM problems)"
  q "$1" "SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind" | tr '\n' ' '
  echo
  q "$1" "SELECT s.source_key, s.path, s.member, e.line, e.kind, e.hresult, e.ts,
                 e.fault_code, e.parameter
          FROM events e JOIN sources s USING (source_id)
          ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9" | md5sum # a line may hold several events
}
ref=$(fingerprint "$tmp/ref.db")
ref_sources=$(q "$tmp/ref.db" "SELECT count(*) FROM sources WHERE complete = 1")
ref_events=$(q "$tmp/ref.db" "SELECT count(*) FROM events")
[ "$ref_sources" -eq "$copies" ] || fail "reference: $ref_sources complete sources, want $copies"
[ "$ref_events" -gt 0 ] || fail "reference: no events"
[ "$(q "$tmp/ref.db" "SELECT count(*) FROM problems")" = 0 ] || fail "reference run has problems"
echo "e2e_crash: $copies inputs, $((bytes / 1000000)) MB on disk, clean run ${t_ref} ms:" \
  "$ref_sources sources, $ref_events events ($(q "$tmp/ref.db" \
  "SELECT group_concat(kind || ':' || n, ' ') FROM (SELECT kind, count(*) n FROM events GROUP BY kind)"))"

# What a reader may see right after a kill: an intact file, and events only
# of complete inputs, each input with exactly the events it claims.
check_killed() { # db label
  local db=$1 what=$2
  [ -f "$db" ] || return 0 # killed before the index was created
  local ic
  ic=$(q "$db" "PRAGMA integrity_check") || fail "$what: cannot open the index after the kill"
  [ "$ic" = ok ] || fail "$what: integrity_check: $ic"
  # Killed after the file was created, before the schema's first commit
  # (the first few ms): an intact, empty database; the resume creates it.
  if [ "$(q "$db" "SELECT count(*) FROM sqlite_master WHERE name = 'events_v'")" = 0 ]; then
    [ "$(q "$db" "SELECT count(*) FROM sqlite_master")" = 0 ] ||
      fail "$what: a schema without its view: $(q "$db" "SELECT group_concat(name) FROM sqlite_master")"
    return 0
  fi
  local v s bad
  v=$(q "$db" "SELECT count(*) FROM events_v")
  s=$(q "$db" "SELECT coalesce(sum(events), 0) FROM sources WHERE complete = 1")
  [ "$v" = "$s" ] || fail "$what: events_v has $v events, complete sources claim $s"
  bad=$(q "$db" "SELECT count(*) FROM sources s WHERE complete = 1 AND events <>
                 (SELECT count(*) FROM events e WHERE e.source_id = s.source_id)")
  [ "$bad" = 0 ] || fail "$what: $bad complete sources whose event count is wrong"
  [ "$v" -le "$ref_events" ] || fail "$what: more events ($v) than the clean run"
  local c i
  c=$(q "$db" "SELECT count(*) FROM sources WHERE complete = 1")
  i=$(q "$db" "SELECT count(*) FROM sources WHERE complete = 0")
  [ "$i" -eq 0 ] || mid_input=$((mid_input + 1))
  echo "  $what: $c complete + $i incomplete sources, $v of $ref_events events visible"
}

# Kill an ingest of db after ms milliseconds; 0 if it was killed, 1 if it
# had finished already (its exit status must then be 0).
kill_after() { # db ms
  "$idx" --db "$1" -j "$jobs" -q "$in" >/dev/null 2>"$tmp/killed.err" &
  local pid=$! rc=0
  sleep "$(printf '%d.%03d' $(($2 / 1000)) $(($2 % 1000)))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || rc=$? # (no "Killed" job notice)
  if [ "$rc" -eq 137 ]; then return 0; fi
  [ "$rc" -eq 0 ] || { cat "$tmp/killed.err" >&2; fail "run to be killed exited $rc by itself"; }
  return 1
}

resume_and_compare() { # db label
  local rc=0
  run_index "$1" || rc=$?
  [ "$rc" -eq 0 ] || { cat "$tmp/err" >&2; fail "$2: resumed run exited $rc"; }
  local got n
  n=$(q "$1" "SELECT count(*) FROM events")
  [ "$n" -lt "$ref_events" ] && lost=$((lost + ref_events - n))
  got=$(fingerprint "$1")
  if [ "$got" != "$ref" ]; then
    printf 'want:\n%s\ngot:\n%s\n' "$ref" "$got" >&2
    fail "$2: resumed index differs from the clean run ($n events, want $ref_events)"
  fi
}

# Kill points: one per stratum of [2%, 90%] of the clean run's time, at a
# pseudo-random place inside it, so early (walk, schema), middle (batches,
# commits) and late (last commit, index build, checkpoint) moments all occur
# (runs vary by ~10%, so later points would often find the run finished).
RANDOM=$seed
point() { # k n -> ms
  local lo=$((t_ref * 2 / 100)) span=$((t_ref * 88 / 100))
  local a=$((lo + span * $1 / $2)) w=$((span / $2 + 1))
  echo $((a + RANDOM % w))
}
survived=0 finished=0 lost=0 mid_input=0
# A run that finished before its kill point (the machine got faster than
# when t_ref was measured) is tried again earlier, up to 4 times.
for ((k = 0; k < kills; k++)); do
  db=$tmp/k$k.db
  ms=$(point "$k" "$kills")
  for try in 1 2 3 4; do
    rm -f "$db" "$db"-wal "$db"-shm "$db".lock
    if kill_after "$db" "$ms"; then
      survived=$((survived + 1))
      check_killed "$db" "kill $k at ${ms} ms"
      break
    fi
    finished=$((finished + 1))
    ms=$((ms * 6 / 10))
  done
  resume_and_compare "$db" "kill $k at ${ms} ms"
  rm -f "$db" "$db"-wal "$db"-shm "$db".lock
done

# The same index killed several times in a row (each run first removes the
# leftovers of the one before), then one resume.
db=$tmp/serial.db
serial=5
for ((k = 0; k < serial; k++)); do
  ms=$(point $((k * kills / serial)) "$kills")
  if kill_after "$db" "$ms"; then
    survived=$((survived + 1))
    check_killed "$db" "serial kill $k at ${ms} ms"
  else
    finished=$((finished + 1))
  fi
done
resume_and_compare "$db" "after $serial kills in a row"

echo "e2e_crash: $((kills + serial)) kill attempts, $finished finished before their kill," \
  "$mid_input left inputs half-written"
attempts=$((kills + serial))
need=$((attempts < 20 ? attempts * 3 / 4 : 20))
[ "$survived" -ge "$need" ] || fail "only $survived runs were killed mid-run (want $need+): the input set is too small for this machine"
echo "kills survived: $survived, events lost: $lost"
[ "$lost" -eq 0 ] || fail "events lost: $lost"
rm -rf "$in" "$tmp"/*.db* # passed: drop the inputs (kept on failure)
