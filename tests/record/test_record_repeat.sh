#!/bin/sh
# Recording one guest, checked for repeatability (DESIGN.md §2): two
# recordings with the same inputs are the same file byte for byte when
# host time is left out (--no-host-time, a fixed -rtc base), and the same
# event stream when it is not; recording changes nothing the guest sees
# (same exit status and console as `ppcrr run`); more checkpoints add
# checkpoint events and nothing else; the trace is whole (index present,
# exit last, a final checkpoint before it).
#   test_record_repeat.sh [--smp N] [--stdin TEXT] PPCRR GUEST.elf
set -u
. "$(dirname "$0")/../cli/tap.sh"
smp=1 stdin=
while [ $# -gt 2 ]; do
    case $1 in
    --smp) smp=$2; shift 2 ;;
    --stdin) stdin=$2; shift 2 ;;
    *) echo "Bail out! unknown option $1"; exit 1 ;;
    esac
done
ppcrr=$1 guest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
name=$(basename "$guest" .elf)
fixed="-rtc base=2020-01-01T00:00:00 -smp $smp"

# The guest's input, typed by a script backend once the guest has printed
# its prompt: at an icount that depends on the guest only (emu/chardev.c),
# where piped stdin would arrive whenever the host delivers it.
console=""
if [ -n "$stdin" ]; then
    printf 'expect # echo: \nsend %s\nwait-exit\n' "$stdin" > "$tmp/script"
    console="-serial script:$tmp/script"
fi
fixed="$fixed $console"

# Runs "$@", console to $out.
with_input() {
    out=$1; shift
    "$@" > "$out" 2>"$out.err" </dev/null
}

# shellcheck disable=SC2086
with_input "$tmp/run.out" "$ppcrr" run -kernel "$guest" $fixed
run_rc=$?
# The same trace path each time: the command line is in the header.
# shellcheck disable=SC2086
with_input "$tmp/a.out" "$ppcrr" record -o "$tmp/t.trace" --no-host-time -kernel "$guest" $fixed
check "$name: record exits as run does ($run_rc)" [ $? -eq $run_rc ]
mv "$tmp/t.trace" "$tmp/a.trace"
check "$name: the console is the same as run's" cmp -s "$tmp/run.out" "$tmp/a.out"
# shellcheck disable=SC2086
with_input "$tmp/b.out" "$ppcrr" record -o "$tmp/t.trace" --no-host-time -kernel "$guest" $fixed
check "$name: two recordings are identical files" cmp -s "$tmp/a.trace" "$tmp/t.trace"
# shellcheck disable=SC2086
with_input "$tmp/c.out" "$ppcrr" record -o "$tmp/c.trace" -kernel "$guest" $fixed
"$ppcrr" trace dump "$tmp/a.trace" > "$tmp/a.dump"
"$ppcrr" trace dump "$tmp/c.trace" > "$tmp/c.dump"
check "$name: with host time, the same event stream" cmp -s "$tmp/a.dump" "$tmp/c.dump"
timed=$("$ppcrr" trace dump --json "$tmp/c.trace" | grep -c '"host_ns":[1-9]')
untimed=$("$ppcrr" trace dump --json "$tmp/a.trace" | grep -c '"host_ns":[1-9]')
check "$name: hcalls carry their host time ($timed), but not with --no-host-time ($untimed)" \
    [ "$timed" -gt 0 ] && [ "$untimed" -eq 0 ]

info=$("$ppcrr" trace info "$tmp/a.trace" 2>&1)
check "$name: trace info reads it whole" contains "$info" "index:              present"
check "$name: the exit event is last" contains "$(tail -n 1 "$tmp/a.dump")" " exit "
check "$name: a checkpoint comes right before it" contains "$(tail -n 2 "$tmp/a.dump" | head -n 1)" " checkpoint "

# shellcheck disable=SC2086
with_input "$tmp/d.out" "$ppcrr" record -o "$tmp/d.trace" --no-host-time --checkpoint-every 20000 -kernel "$guest" $fixed
"$ppcrr" trace dump "$tmp/d.trace" > "$tmp/d.dump"
checkpoints=$(grep -c ' checkpoint ' "$tmp/d.dump")
last=$(tail -n 1 "$tmp/d.dump" | cut -d' ' -f1)
check "$name: --checkpoint-every 20000 gives a checkpoint per round ($checkpoints over $last instructions)" \
    [ "$checkpoints" -ge $((last / (100000 * smp) )) ]
grep -v ' checkpoint ' "$tmp/a.dump" > "$tmp/a.events"
grep -v ' checkpoint ' "$tmp/d.dump" > "$tmp/d.events"
check "$name: checkpoints change no other event" cmp -s "$tmp/a.events" "$tmp/d.events"
check "$name: the final state digest does not depend on how many checkpoints came before" \
    [ "$(grep ' checkpoint ' "$tmp/a.dump" | tail -n 1 | cut -d' ' -f5)" = "$(grep ' checkpoint ' "$tmp/d.dump" | tail -n 1 | cut -d' ' -f5)" ]
tap_finish
