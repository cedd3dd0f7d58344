#!/bin/sh
# Migration compatibility (suite `migration`): every snapshot stored in
# tests/migration/guests/ (saved by an older build, see README.md there) is
# restored by this build and the rest of its run replayed from the stored
# trace: a snapshot this build cannot load (the message names the part --
# dev:PATH for a device -- and the field) or any divergence after it fails.
# Between two stored snapshots of a run, this build also runs from the
# first to the second's icount (recording as regen.sh did) and its state
# there must be the stored one, field by field (`ppcrr harness
# snapshot-diff`): a difference is printed by part -- dev:PATH names the
# device -- and field, which is what a checkpoint divergence alone cannot
# say. (Not for a guest fed typed input: a live run's input timing is the
# host's.)
# A guest rebuilt here whose sha256 is not the stored one (another
# compiler) is skipped with that reason: the snapshot's RAM holds the old
# binary, so it says nothing about this build's devices.
#   test_migration.sh PPCRR GUESTS_BUILD_DIR DATA_DIR [CASE...]
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 guests=$2 data=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cases=${*:-$(ls "$data")}
for name in $cases; do
    dir=$data/$name
    guest=$name smp= stdin= kernel_sha256=
    . "$dir/case.conf"
    elf=$guests/$guest.elf
    have=$(sha256sum "$elf" 2>/dev/null | cut -d' ' -f1)
    snaps=$(cd "$dir" && ls at-*.snap | sort -t- -k2 -n)
    prev=
    for snap in $snaps; do
        snap=$dir/$snap
        what="$name: restore $(basename "$snap") and replay the rest of run.trace"
        if [ "$have" != "$kernel_sha256" ]; then
            echo "ok $((n + 1)) - $what # SKIP the rebuilt guest $elf has sha256 ${have:-(missing)}, the stored snapshot was taken with $kernel_sha256 (another compiler?)"
            n=$((n + 1))
            continue
        fi
        "$ppcrr" replay --restore "$snap" --image "kernel=$elf" -serial null "$dir/run.trace" \
            </dev/null >/dev/null 2>"$tmp/err"
        rc=$?
        if [ $rc -eq 0 ] && grep -q "from the snapshot's keyframe: .* no divergence" "$tmp/err"; then
            pass "$what"
        else
            fail "$what"
            echo "# exit status $rc:"
            head -n 20 "$tmp/err" | sed 's/^/#   /'
        fi
        if [ -n "$prev" ] && [ -z "$stdin" ]; then
            at=$(basename "$snap" .snap)
            at=${at#at-}
            what="$name: from $(basename "$prev") to icount $at, the state is $(basename "$snap")'s, field by field"
            rm -f "$tmp/here.snap"
            "$ppcrr" record -o "$tmp/here.trace" --restore "$prev" -kernel "$elf" -smp "$smp" \
                -rtc base=2024-01-01T00:00:00 --no-host-time --checkpoint-every 1000000 -serial null \
                --snapshot-at "$at:$tmp/here.snap" </dev/null >/dev/null 2>"$tmp/err"
            if [ ! -s "$tmp/here.snap" ]; then
                fail "$what"
                echo "# no snapshot saved at icount $at:"
                head -n 10 "$tmp/err" | sed 's/^/#   /'
            elif "$ppcrr" harness snapshot-diff "$tmp/here.snap" "$snap" >"$tmp/diff" 2>&1; then
                pass "$what"
            else
                fail "$what"
                echo "# what differs (A: this build's run, B: the stored snapshot):"
                grep -v '^#' "$tmp/diff" | head -n 20 | sed 's/^/#   /'
            fi
        fi
        prev=$snap
    done
done
tap_finish
