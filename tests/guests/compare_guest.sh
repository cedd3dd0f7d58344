#!/bin/sh
# Differential check of one test guest (suite 'qemu'): runs it on ppcrr
# (-kernel ELF) and on QEMU's pseries machine (-bios flat file) through
# run_guest.sh and requires the two to print the same test lines -- the
# same checks, in the same order, with the same results. Values that may
# differ (times, addresses, call counts) are on '#' lines, which are not
# compared. Both runs' output follows as comments.
#
#   compare_guest.sh [--stdin TEXT] [--machine M] [--ram MIB] [--smp N] PPCRR GUEST.elf QEMU GUEST.bin
#
# --machine M is QEMU's -M argument, --ram the RAM of both, --smp N their
# vCPUs (see run_guest.sh).
set -u

here=$(dirname "$0")
stdin_opt=
machine=pseries
ram=512
smp=1
while [ $# -gt 0 ]; do
    case $1 in
    --stdin) stdin_opt=$2; shift 2 ;;
    --machine) machine=$2; shift 2 ;;
    --ram) ram=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    *) break ;;
    esac
done
if [ $# -ne 4 ]; then
    echo "Bail out! usage: compare_guest.sh [--stdin TEXT] [--machine M] [--ram MIB] PPCRR GUEST.elf QEMU GUEST.bin"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compare_guest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

run() {   # kind emulator image lines-file output-file
    if [ -n "$stdin_opt" ]; then
        sh "$here/run_guest.sh" --stdin "$stdin_opt" --machine "$machine" --ram "$ram" --smp "$smp" \
            --guest-lines "$4" "$1" "$2" "$3" > "$5"
    else
        sh "$here/run_guest.sh" --machine "$machine" --ram "$ram" --smp "$smp" --guest-lines "$4" \
            "$1" "$2" "$3" > "$5"
    fi
}
: > "$tmp/ppcrr.lines"
: > "$tmp/qemu.lines"
run ppcrr "$1" "$2" "$tmp/ppcrr.lines" "$tmp/ppcrr.out"
run qemu "$3" "$4" "$tmp/qemu.lines" "$tmp/qemu.out"

# A check either side skipped (something that emulator does not have yet)
# has no result to compare: leave its number out on both sides, and say so.
skipped=$(cat "$tmp/ppcrr.lines" "$tmp/qemu.lines" | sed -n 's/^ok \([0-9]*\) .*# SKIP.*/\1/p' | sort -un)
for side in ppcrr qemu; do
    awk -v skip="$(echo $skipped)" '
        BEGIN { n = split(skip, s, " "); for (i = 1; i <= n; i++) drop[s[i]] = 1 }
        { num = $0; sub(/^(not )?ok /, "", num); sub(/[^0-9].*/, "", num)
          if (!(num in drop)) print }' "$tmp/$side.lines" > "$tmp/$side.cmp"
done
nskip=$(echo $skipped | wc -w | tr -d ' ')
n=$(wc -l < "$tmp/qemu.cmp" | tr -d ' ')
total=$(wc -l < "$tmp/qemu.lines" | tr -d ' ')
if [ "$n" -gt 0 ] && cmp -s "$tmp/ppcrr.cmp" "$tmp/qemu.cmp"; then
    echo "ok 1 - ppcrr and QEMU print the same $n test lines ($nskip skipped on one side, not compared)"
elif [ "$n" -eq 0 ] && [ "$total" -gt 0 ] && [ "$nskip" -eq "$total" ] &&
     [ "$(wc -l < "$tmp/ppcrr.lines" | tr -d ' ')" -eq "$total" ]; then
    # Every check skipped on one side (a feature that emulator lacks):
    # nothing to compare, which is not a disagreement.
    echo "ok 1 - ppcrr and QEMU print the same test lines # SKIP all $total checks skipped on one side"
else
    echo "not ok 1 - ppcrr and QEMU print the same test lines"
    diff -u "$tmp/qemu.cmp" "$tmp/ppcrr.cmp" | sed 's/^/# /'
fi
sed 's/^/# ppcrr| /' "$tmp/ppcrr.out"
sed 's/^/# qemu | /' "$tmp/qemu.out"
echo "1..1"
