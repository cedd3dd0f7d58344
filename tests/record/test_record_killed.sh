#!/bin/sh
# Crash safety: a recorder killed with SIGKILL in the middle of a run
# leaves a trace that reads back to its last complete chunk, and
# `ppcrr trace info` says it is truncated; a recorder stopped with SIGTERM
# closes the trace properly (index, exit event "user").
# The guest is vtyecho with no input: it polls H_GET_TERM_CHAR forever,
# so events (and chunks) keep coming until it is stopped.
#   test_record_killed.sh PPCRR VTYECHO.elf
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 guest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

size_of() { if [ -f "$1" ]; then wc -c < "$1"; else echo 0; fi; }

# Starts a recording in the background and waits (at most 60 s) until the
# trace holds at least MIN bytes: several chunks are on disk.
start_recording() {
    trace=$1 min=$2
    "$ppcrr" record -o "$trace" -kernel "$guest" -serial null </dev/null >/dev/null 2>&1 &
    pid=$!
    waited=0
    while [ "$(size_of "$trace")" -lt "$min" ] && [ $waited -lt 600 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
}

start_recording "$tmp/killed.trace" 200000
kill -KILL $pid
wait $pid 2>/dev/null
info=$("$ppcrr" trace info "$tmp/killed.trace" 2>&1)
rc=$?
check "SIGKILL: trace info still reads the trace (exit 0)" [ $rc -eq 0 ]
check "SIGKILL: and says it is truncated" contains "$info" "truncated"
check "SIGKILL: no index was written" contains "$info" "index:              absent"
events=$(printf '%s\n' "$info" | sed -n 's/^events: *//p')
check "SIGKILL: the complete chunks' events are there ($events)" [ "${events:-0}" -gt 1000 ]
"$ppcrr" trace dump "$tmp/killed.trace" > "$tmp/killed.dump" 2>"$tmp/killed.err"
check "SIGKILL: dump reads every event info counted" [ "$(wc -l < "$tmp/killed.dump")" -eq "${events:-0}" ]
check "SIGKILL: the events are the guest's polling" contains "$(tail -n 1 "$tmp/killed.dump")" "H_GET_TERM_CHAR(0x71000000) = H_SUCCESS [0"

"$ppcrr" replay "$tmp/killed.trace" 2>"$tmp/replay.err" </dev/null
check "SIGKILL: the truncated trace replays to its last event (exit 0)" [ $? -eq 0 ]
check "SIGKILL: with a warning that it ends early" grep -q "the trace ends early" "$tmp/replay.err"

start_recording "$tmp/stopped.trace" 100000
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM: the recorder exits 0 (stopped by the user)" [ $rc -eq 0 ]
info=$("$ppcrr" trace info "$tmp/stopped.trace" 2>&1)
check "SIGTERM: the trace has its index" contains "$info" "index:              present"
check "SIGTERM: and ends with exit user" contains "$("$ppcrr" trace dump "$tmp/stopped.trace" | tail -n 1)" 'exit user 0 "stopped by a signal"'
check "SIGTERM: where the stop came is an input event" contains "$("$ppcrr" trace dump "$tmp/stopped.trace" | tail -n 3)" 'input stop "stopped by a signal"'
"$ppcrr" replay "$tmp/stopped.trace" 2>"$tmp/replay.err" </dev/null
check "SIGTERM: the trace replays exactly, stopping where the recording was stopped" [ $? -eq 0 ]
tap_finish
