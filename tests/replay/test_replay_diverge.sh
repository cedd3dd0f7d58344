#!/bin/sh
# Injected divergences are found at exactly the right event. The hello
# guest is recorded; its replay with --inject-hcall H_PUT_TERM_CHAR:5:H_BUSY
# (the 5th console write returns H_BUSY without running) must stop
# at the event index of that 5th H_PUT_TERM_CHAR in the trace, name both
# results, and exit 1; --check exits 1 too; --until before that call
# replays cleanly; a trace with its last events cut is "ended before".
#   test_replay_diverge.sh PPCRR HELLO.elf XICS.elf
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 guest=$2 smp_guest=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$ppcrr" record -o "$tmp/t.trace" -kernel "$guest" -serial null --checkpoint-every 20000 >/dev/null 2>&1
"$ppcrr" trace dump --json "$tmp/t.trace" > "$tmp/dump.json"
# The oracle: the index and icount of the 5th H_PUT_TERM_CHAR, from the dump.
fifth=$(python3 - "$tmp/dump.json" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["kind"] == "hcall" and e.get("name") == "H_PUT_TERM_CHAR":
        n += 1
        if n == 5:
            print(e["index"], e["icount"], e["pc"]); break
PY
)
index=$(echo "$fifth" | cut -d' ' -f1) icount=$(echo "$fifth" | cut -d' ' -f2) pc=$(echo "$fifth" | cut -d' ' -f3)

"$ppcrr" replay --inject-hcall H_PUT_TERM_CHAR:5:H_BUSY "$tmp/t.trace" 2>"$tmp/err" </dev/null
rc=$?
check "injected: replay exits 1" [ $rc -eq 1 ]
check "injected: diverged at event $index, icount $icount, pc $pc" \
    grep -q "replay diverged at event $index, icount $icount, vCPU 0, pc $pc" "$tmp/err"
check "injected: says what differs" grep -q "H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/err"
check "injected: shows the recorded event" grep -q "trace has: .* H_PUT_TERM_CHAR(.*) = H_SUCCESS" "$tmp/err"
check "injected: and the produced one" grep -q "replay made: .* H_PUT_TERM_CHAR(.*) = H_BUSY" "$tmp/err"
check "injected: with the events before it" grep -q "events before it" "$tmp/err"
[ $rc -eq 1 ] || sed 's/^/# /' "$tmp/err"
"$ppcrr" replay --check --inject-hcall H_PUT_TERM_CHAR:5:H_BUSY "$tmp/t.trace" 2>/dev/null </dev/null
check "injected: --check exits 1 (bad)" [ $? -eq 1 ]
"$ppcrr" replay --until $((icount - 1)) --inject-hcall H_PUT_TERM_CHAR:5:H_BUSY "$tmp/t.trace" 2>"$tmp/err" </dev/null
check "--until before the injected call: no divergence" [ $? -eq 0 ]
check "--until: says where it stopped" grep -q "stopped at --until" "$tmp/err"
"$ppcrr" replay --symbols "$guest" --inject-hcall H_PUT_TERM_CHAR:5:H_BUSY "$tmp/t.trace" 2>"$tmp/err" </dev/null
check "--symbols: the PC is named" grep -q "pc $pc ([a-z_]*+0x[0-9a-f]*)" "$tmp/err"

# Tolerant: the run goes on; the listing aligns the streams, so the one
# changed result (and the guest's retry after H_BUSY) are the only
# differences in console writes, not everything after them.
"$ppcrr" replay --tolerant --inject-hcall H_PUT_TERM_CHAR:5:H_BUSY "$tmp/t.trace" 2>"$tmp/tol" </dev/null
rc=$?
check "--tolerant: exits 1 on differences" [ $rc -eq 1 ]
check "--tolerant: the changed call, both sides" \
    grep -q "^~>$icount 0 $pc H_PUT_TERM_CHAR(.*) = H_BUSY" "$tmp/tol"
check "--tolerant: says what differs" grep -q "^#   H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/tol"
check "--tolerant: the guest's retry is the one extra event" grep -q "^+ .* H_PUT_TERM_CHAR(.*) = H_SUCCESS" "$tmp/tol"
check "--tolerant: exactly one console write changed" \
    [ "$(grep -c '^~ .* H_PUT_TERM_CHAR' "$tmp/tol")" -eq 1 ] && [ "$(grep -c '^+ ' "$tmp/tol")" -eq 1 ]
check "--tolerant: nothing only in the trace" grep -q ", 0 only in A, 1 only in B" "$tmp/tol"
"$ppcrr" replay --tolerant "$tmp/t.trace" 2>"$tmp/tol" </dev/null
check "--tolerant without a change: exit 0, the same events" [ $? -eq 0 ] && grep -q "the same events" "$tmp/tol"

# trace diff between recordings.
"$ppcrr" record -o "$tmp/a.trace" -kernel "$guest" -serial null -rtc base=2020-01-01T00:00:00 >/dev/null 2>&1
"$ppcrr" record -o "$tmp/b.trace" -kernel "$guest" -serial null -rtc base=2020-01-01T00:00:00 >/dev/null 2>&1
"$ppcrr" trace diff "$tmp/a.trace" "$tmp/b.trace" > "$tmp/diff"
check "trace diff: two recordings of one run are the same (exit 0)" [ $? -eq 0 ] && grep -q "the same events" "$tmp/diff"
"$ppcrr" trace diff "$tmp/a.trace" "$tmp/t.trace" > "$tmp/diff"
check "trace diff: other checkpoints make a difference (exit 1)" [ $? -eq 1 ]
"$ppcrr" trace diff "$tmp/a.trace" "$tmp/missing.trace" 2>/dev/null
check "trace diff: a missing trace is exit 2" [ $? -eq 2 ]
"$ppcrr" trace diff "$tmp/a.trace" 2>/dev/null
check "trace diff: one trace is a usage error" [ $? -eq 2 ]

# A recording ended by its console script (a host stop) replays, stopping
# at the same place.
printf 'expect ok 1\n' > "$tmp/stop.script"
"$ppcrr" record -o "$tmp/stop.trace" -kernel "$guest" -serial "script:$tmp/stop.script" >/dev/null 2>&1 </dev/null
"$ppcrr" replay "$tmp/stop.trace" 2>/dev/null </dev/null
check "a run stopped by the host (script end) replays exactly" [ $? -eq 0 ]

# A window of -d exec: exactly the instructions in [from, to).
"$ppcrr" replay -d exec -D "$tmp/exec.log" --log-from 1000 --log-to 1100 "$tmp/t.trace" 2>/dev/null </dev/null
check "-d exec --log-from 1000 --log-to 1100: replays" [ $? -eq 0 ]
check "and logs exactly 100 instructions" [ "$(wc -l < "$tmp/exec.log")" -eq 100 ]
check "the first at icount 1000, the last at 1099" \
    [ "$(head -n 1 "$tmp/exec.log" | cut -d' ' -f1)-$(tail -n 1 "$tmp/exec.log" | cut -d' ' -f1)" = "1000-1099" ]
# With 4 vCPUs the window is in machine-wide icounts, as the log lines are.
"$ppcrr" record -o "$tmp/smp.trace" -kernel "$smp_guest" -smp 4 -serial null >/dev/null 2>&1 </dev/null
"$ppcrr" replay -d exec -D "$tmp/smp.log" --log-from 250000 --log-to 250010 "$tmp/smp.trace" 2>/dev/null </dev/null
check "-smp 4: the window replays" [ $? -eq 0 ]
check "-smp 4: its log lines count machine-wide: 250000 to 250009" \
    [ "$(wc -l < "$tmp/smp.log")-$(head -n 1 "$tmp/smp.log" | cut -d' ' -f1)-$(tail -n 1 "$tmp/smp.log" | cut -d' ' -f1)" = "10-250000-250009" ]
tap_finish
