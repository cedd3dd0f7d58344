#!/bin/sh
# Record, then replay, one guest: the replay finds no divergence, prints
# the same console output (both to -serial file:), and its end state
# (-dump-state) is the recording's; --check gives git bisect's codes; the
# replay is refused (status 2) when an image is missing or altered.
#   test_replay_roundtrip.sh [--smp N] [--stdin TEXT] PPCRR GUEST.elf
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
cp "$guest" "$tmp/guest.elf"

# Host inputs on purpose: the wall clock (-rtc base=utc, the default),
# typed bytes and H_RANDOM all come back from the trace. Input is piped
# (it arrives whenever the host delivers it: the trace says when).
if [ -n "$stdin" ]; then
    printf '%s' "$stdin" | "$ppcrr" record -o "$tmp/t.trace" -kernel "$tmp/guest.elf" -smp "$smp" \
        --checkpoint-every 50000 -dump-state "$tmp/rec.state" >"$tmp/rec.out" 2>/dev/null
else
    "$ppcrr" record -o "$tmp/t.trace" -kernel "$tmp/guest.elf" -smp "$smp" --checkpoint-every 50000 \
        -serial "file:$tmp/rec.out" -dump-state "$tmp/rec.state" >/dev/null 2>&1 </dev/null
fi
rec_rc=$?
"$ppcrr" replay -serial "file:$tmp/rep.out" -dump-state "$tmp/rep.state" "$tmp/t.trace" 2>"$tmp/rep.err" </dev/null
rc=$?
check "$name: replay exits 0 (recorded with status $rec_rc)" [ $rc -eq 0 ]
check "$name: and says no divergence" grep -q "no divergence" "$tmp/rep.err"
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/rep.err" | head -n 20
check "$name: the console output is the recording's" cmp -s "$tmp/rec.out" "$tmp/rep.out"
check "$name: the end state (registers, RAM, page table) is the recording's" cmp -s "$tmp/rec.state" "$tmp/rep.state"
"$ppcrr" replay --check "$tmp/t.trace" 2>/dev/null </dev/null
check "$name: --check exits 0 when it replays" [ $? -eq 0 ]

mv "$tmp/guest.elf" "$tmp/moved.elf"
"$ppcrr" replay "$tmp/t.trace" 2>"$tmp/err" </dev/null
rc=$?
check "$name: a missing image: status 2" [ $rc -eq 2 ]
check "$name: which the message names" grep -q "the kernel image $tmp/guest.elf is missing" "$tmp/err"
"$ppcrr" replay --check "$tmp/t.trace" 2>/dev/null </dev/null
check "$name: --check: 125 (skip) when it cannot replay" [ $? -eq 125 ]
"$ppcrr" replay --image "kernel=$tmp/moved.elf" "$tmp/t.trace" 2>/dev/null </dev/null
check "$name: --image kernel=PATH finds it elsewhere" [ $? -eq 0 ]
printf 'x' >> "$tmp/moved.elf"
"$ppcrr" replay --image "kernel=$tmp/moved.elf" "$tmp/t.trace" 2>"$tmp/err" </dev/null
rc=$?
check "$name: an altered image: status 2" [ $rc -eq 2 ]
check "$name: with both digests named" grep -q "has sha256 [0-9a-f]\{64\}, but the trace was recorded with [0-9a-f]\{64\}" "$tmp/err"
tap_finish
