#!/bin/sh
# Sharded replay (`ppcrr replay --keyframes K`, issue 12) on one guest
# recorded with a snapshot every EVERY instructions:
#  - it replays clean with K = 1, 2 and 4 workers, every segment checked;
#  - shards 1..N together check every segment exactly once;
#  - an injected divergence is reported in the segment that holds the
#    call, at the event a whole replay reports (N counts from the boot);
#  - a missing snapshot is a clear error (status 2) naming it, and
#    --snapshot-dir finds the snapshots moved elsewhere; the snapshots are
#    found relative to the trace from any working directory.
#   test_replay_keyframes.sh PPCRR GUEST.elf EVERY HCALL
# HCALL: an hcall the guest makes often (the one whose result is injected).
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 guest=$2 every=$3 hcall=$4
# Absolute: the test runs from other directories.
case $ppcrr in /*) ;; *) ppcrr=$PWD/$ppcrr ;; esac
case $guest in /*) ;; *) guest=$PWD/$guest ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/rec" "$tmp/rec/snaps"

# Recorded from inside $tmp/rec, so the keyframes name snaps/... relative
# to the trace's directory.
(cd "$tmp/rec" && "$ppcrr" record -kernel "$guest" -serial null --no-host-time -rtc base=2024-01-01T00:00:00 \
    --checkpoint-every 100000 --snapshot-every "$every:snaps/kf-{icount}.snap" -o boot.trace \
    </dev/null >/dev/null 2>"$tmp/rec.err")
trace=$tmp/rec/boot.trace
"$ppcrr" trace dump "$trace" >"$tmp/dump" 2>/dev/null
keyframes=$(grep -c " keyframe saved to " "$tmp/dump")
segments=$((keyframes + 1))
if [ "$keyframes" -lt 3 ]; then
    echo "Bail out! the recording has $keyframes keyframes, not 3 or more: $(head -n 3 "$tmp/rec.err")"
    exit 1
fi
pass "the recording has $keyframes keyframes: $segments segments"

cd "$tmp"        # not the trace's directory
for k in 1 2 4; do
    run replay --keyframes $k "$trace"
    check "K=$k: exit 0" [ "$rc" -eq 0 ]
    check "K=$k: all $segments segments checked clean" \
        contains "$err" "$segments of the trace's $segments segments checked in"
    check "K=$k: ... $segments clean, 0 diverged" contains "$err" "$segments clean, 0 diverged, 0 could not"
    check "K=$k: each middle segment reached its end keyframe's digest" \
        [ "$(grep -c "clean in .*: replay to the keyframe at icount" "$tmp/err")" -eq $((segments - 1)) ]
done

# A trace recorded from one of the snapshots, with keyframes of its own:
# its first segment starts from that snapshot.
first=$(grep " keyframe saved to " "$tmp/dump" | sed -n 1p | sed 's/.*saved to "\(.*\)".*/\1/')
(cd "$tmp/rec" && "$ppcrr" record -kernel "$guest" -serial null --no-host-time -rtc base=2024-01-01T00:00:00 \
    --checkpoint-every 100000 --restore "$first" --snapshot-every "$every:snaps/rest-{icount}.snap" -o rest.trace \
    </dev/null >/dev/null 2>>"$tmp/rec.err")
run replay --keyframes 2 "$tmp/rec/rest.trace"
check "a trace recorded from a snapshot: exit 0" [ "$rc" -eq 0 ]
check "... its first segment restores that snapshot" \
    grep -q "^ppcrr: segment 1/[0-9]* segment@[0-9]* (icount [0-9]*\.\.[0-9]*, from .*$first): clean" "$tmp/err"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -n 12

# Shards: each segment in exactly one of 1/3, 2/3, 3/3.
: >"$tmp/sharded"
shards_ok=true
for i in 1 2 3; do
    run replay --keyframes 2 --shard $i/3 "$trace"
    [ "$rc" -eq 0 ] || shards_ok=false
    sed -n 's/^ppcrr: segment [0-9]*\/[0-9]* \(segment@[0-9]*\) .*: clean in .*/\1/p' "$tmp/err" >>"$tmp/sharded"
done
check "shards 1/3..3/3 each exit 0" $shards_ok
check "together they check all $segments segments" [ "$(sort -u "$tmp/sharded" | wc -l)" -eq "$segments" ]
check "each exactly once" [ "$(wc -l <"$tmp/sharded")" -eq "$segments" ]
TEST_SHARD_INDEX=0 TEST_TOTAL_SHARDS=$segments run replay --keyframes 1 "$trace"
check "Bazel's variables shard the segments too" contains "$err" "of the trace's $segments segments checked (shard 1/$segments, bazel)"

# An injected divergence: the call of $hcall in the middle of the run.
calls=$(grep -c " $hcall(" "$tmp/dump")
nth=$((calls / 2 + 1))
at=$(grep " $hcall(" "$tmp/dump" | sed -n "${nth}p" | cut -d' ' -f1)
seg=1
for kf in $(grep " keyframe saved to " "$tmp/dump" | cut -d' ' -f1); do
    [ "$kf" -lt "$at" ] && seg=$((seg + 1))
done
run replay --inject-hcall "$hcall:$nth:H_HARDWARE" "$trace"
whole=$(sed -n 's/^ppcrr: replay diverged at event [0-9]*, \(icount [0-9]*\),.*/\1/p' "$tmp/err")
check "a whole replay diverges at icount $at" [ "$whole" = "icount $at" ]
run replay --keyframes 2 --inject-hcall "$hcall:$nth:H_HARDWARE" "$trace"
check "--keyframes: exit 1" [ "$rc" -eq 1 ]
check "the divergence is in segment $seg" grep -q "^ppcrr: segment $seg/$segments .*: DIVERGED" "$tmp/err"
check "only there" [ "$(grep -c ": DIVERGED in" "$tmp/err")" -eq 1 ]
check "with the usual report, at icount $at" contains "$err" "diverged at event"
check "... the same icount" grep -q "replay diverged at event [0-9]*, icount $at," "$tmp/err"
check "... in words" contains "$err" "$hcall returned H_HARDWARE, trace has H_SUCCESS"
check "the summary counts it" contains "$err" "1 diverged"

# A missing snapshot; then the snapshots from another directory.
second=$(grep " keyframe saved to " "$tmp/dump" | sed -n 2p | sed 's/.*saved to "\(.*\)".*/\1/')
mv "$tmp/rec/$second" "$tmp/moved.snap"
run replay --keyframes 2 "$trace"
check "a missing snapshot: exit 2" [ "$rc" -eq 2 ]
check "... naming it and where it was looked for" contains "$err" "starts from the snapshot $second, which is not there"
check "... before any segment ran" [ "$(grep -c "^ppcrr: segment " "$tmp/err")" -eq 0 ]
mv "$tmp/rec/snaps" "$tmp/elsewhere"
mv "$tmp/moved.snap" "$tmp/elsewhere/$(basename "$second")"
run replay --keyframes 2 --snapshot-dir "$tmp/elsewhere" "$trace"
check "--snapshot-dir: the moved snapshots replay clean" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -n 12

run replay --shard 1/2 "$trace"
check "--shard without --keyframes: a usage error" [ "$rc" -eq 2 ]
run replay --keyframes 2 --until 1000 "$trace"
check "--keyframes with --until: a usage error" [ "$rc" -eq 2 ]
tap_finish
