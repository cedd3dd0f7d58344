#!/bin/sh
# Snapshots are transparent, for one guest (or the Linux boot):
#  (a) replaying a trace from a snapshot taken at icount X (--restore) gives
#      exactly the events the trace holds after X -- no divergence, the same
#      end state, the console output a tail of the recording's;
#  (b) saving a snapshot changes nothing the guest does (trace diff with a
#      recording that saved none: keyframes are not guest events), and
#      a run saved at X and restored (record to the end with a snapshot,
#      then record again from the snapshot) gives the same events after X
#      as the run that was not, the same end state and console tail; its
#      trace replays from the snapshot, and not without it.
# X is the middle of the run (from a first recording); the clock is fixed
# so that two recordings of the guest are the same run. A guest that reads
# the console from stdin gets (a) only: when piped bytes arrive is the
# host's doing, so two recordings need not agree.
#   test_snapshot_roundtrip.sh [--smp N] [--stdin TEXT] [--name NAME] PPCRR GUEST.elf [RUN OPTIONS...]
set -u
. "$(dirname "$0")/../cli/tap.sh"
smp=1 stdin= name=
while :; do
    case $1 in
    --smp) smp=$2; shift 2 ;;
    --stdin) stdin=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    *) break ;;
    esac
done
ppcrr=$1 guest=$2
shift 2
[ -n "$name" ] || name=$(basename "$guest" .elf)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

opts="-kernel $guest -smp $smp -rtc base=2024-01-01T00:00:00 --no-host-time --checkpoint-every 1000000"
# record CONSOLE ARGS...: records with $opts and ARGS, the console output
# into CONSOLE; typed input (on stdio, as a user's) as the test says.
record() {
    console=$1
    shift
    if [ -n "$stdin" ]; then
        printf '%s' "$stdin" | "$ppcrr" record $opts "$@" >"$console" 2>>"$tmp/rec.err"
    else
        "$ppcrr" record $opts -serial "file:$console" "$@" </dev/null >/dev/null 2>>"$tmp/rec.err"
    fi
}
# TRACE's events after its (first) keyframe, one per line.
after_keyframe() { "$ppcrr" trace dump "$1" | awk 'f; / keyframe /{f=1}'; }
# FILE A ends with the whole of FILE B.
is_tail() { [ -f "$2" ] && tail -c "$(wc -c <"$2")" "$1" | cmp -s - "$2"; }

record "$tmp/plain.out" -o "$tmp/plain.trace" "$@"
last=$("$ppcrr" trace info "$tmp/plain.trace" | sed -n 's/^icount range: *[0-9]* \.\. \([0-9]*\)$/\1/p')
if [ -z "$last" ]; then
    echo "Bail out! $name: the first recording failed: $(head -n 3 "$tmp/rec.err")"
    exit 1
fi
x=$((last / 2))

record "$tmp/a.out" -o "$tmp/a.trace" --snapshot-at "$x:$tmp/mid.snap" -dump-state "$tmp/a.state" "$@"
check "$name: a snapshot was saved at the first round boundary after icount $x" [ -s "$tmp/mid.snap" ]
kf=$("$ppcrr" trace dump "$tmp/a.trace" | grep -c " keyframe saved to ")
check "$name: the trace has its keyframe" [ "$kf" -eq 1 ]

# (a) replay from the snapshot
"$ppcrr" replay --restore "$tmp/mid.snap" -serial "file:$tmp/r.out" -dump-state "$tmp/r.state" "$tmp/a.trace" \
    2>"$tmp/rep.err" </dev/null
rc=$?
check "$name: replay --restore exits 0" [ $rc -eq 0 ]
check "$name: it started at the keyframe and found no divergence" \
    grep -q "from the snapshot's keyframe: .* no divergence" "$tmp/rep.err"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/rep.err" | head -n 20
check "$name: the end state is the recording's" cmp -s "$tmp/a.state" "$tmp/r.state"
check "$name: its console output is the tail of the recording's" is_tail "$tmp/a.out" "$tmp/r.out"

# (b) saved and restored against not
if [ -z "$stdin" ]; then
    "$ppcrr" trace diff "$tmp/plain.trace" "$tmp/a.trace" >"$tmp/diff.out" 2>&1
    check "$name: saving the snapshot changed nothing the guest did (trace diff)" [ $? -eq 0 ]
    grep -q "the same events" "$tmp/diff.out" || sed "s/^/# /" "$tmp/diff.out" | head -n 12
    record "$tmp/b.out" -o "$tmp/b.trace" --restore "$tmp/mid.snap" -dump-state "$tmp/b.state" "$@"
    after_keyframe "$tmp/a.trace" >"$tmp/a.events"
    after_keyframe "$tmp/b.trace" >"$tmp/b.events"
    check "$name: the run restored from the snapshot has events after it" [ -s "$tmp/b.events" ]
    check "$name: the same events as the run that was not restored" cmp -s "$tmp/a.events" "$tmp/b.events"
    cmp -s "$tmp/a.events" "$tmp/b.events" || diff "$tmp/a.events" "$tmp/b.events" | head -n 10 | sed 's/^/# /'
    check "$name: the same end state" cmp -s "$tmp/a.state" "$tmp/b.state"
    check "$name: the same console tail" is_tail "$tmp/a.out" "$tmp/b.out"
    "$ppcrr" replay --restore "$tmp/mid.snap" "$tmp/b.trace" 2>/dev/null </dev/null
    check "$name: the restored run's trace replays from the snapshot" [ $? -eq 0 ]
    "$ppcrr" replay "$tmp/b.trace" 2>"$tmp/err" </dev/null
    rc=$?
    check "$name: and is refused without it (status 2)" [ $rc -eq 2 ]
    check "$name: naming the snapshot" grep -q "recorded from the snapshot .*mid.snap: replay it with --restore" "$tmp/err"
fi
tap_finish
