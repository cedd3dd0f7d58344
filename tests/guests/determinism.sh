#!/bin/sh
# Determinism of a multi-vCPU guest on ppcrr (suite 'guest'): runs the
# guest twice with the same options and requires byte-identical console
# output (every line, '#' lines with counts and times included), the same
# exit status, and identical final guest state (every vCPU's registers and
# digests of RAM and the page table, from `ppcrr run -dump-state`).
#
#   determinism.sh [--smp N] PPCRR GUEST.elf
set -u
smp=1
while [ $# -gt 0 ]; do
    case $1 in
    --smp) smp=$2; shift 2 ;;
    *) break ;;
    esac
done
if [ $# -ne 2 ]; then
    echo "Bail out! usage: determinism.sh [--smp N] PPCRR GUEST.elf"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/determinism.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
for run in 1 2; do
    timeout -k 5 60 "$1" run -kernel "$2" -nographic -smp "$smp" -dump-state "$tmp/state$run" \
        < /dev/null > "$tmp/out$run" 2> "$tmp/err$run"
    echo $? > "$tmp/status$run"
done
echo "# $1 run -kernel $2 -nographic -smp $smp, twice"
lines=$(wc -l < "$tmp/out1" | tr -d ' ')
if grep -q '^1\.\.' "$tmp/out1"; then
    echo "ok 1 - the first run finished its plan ($lines console lines)"
else
    echo "not ok 1 - the first run printed no plan"
fi
if cmp -s "$tmp/out1" "$tmp/out2"; then
    echo "ok 2 - both runs print byte-identical console output"
else
    echo "not ok 2 - both runs print byte-identical console output"
    diff "$tmp/out1" "$tmp/out2" | head -40 | sed 's/^/# /'
fi
if [ "$(cat "$tmp/status1")" = "$(cat "$tmp/status2")" ] && [ "$(cat "$tmp/status1")" = 0 ]; then
    echo "ok 3 - both runs exit with status 0"
else
    echo "not ok 3 - both runs exit with status 0 (got $(cat "$tmp/status1") and $(cat "$tmp/status2"))"
fi
if [ -s "$tmp/state1" ] && cmp -s "$tmp/state1" "$tmp/state2"; then
    echo "ok 4 - both runs end in the same guest state ($(grep -c '^vcpu' "$tmp/state1") vCPUs, RAM and page table)"
else
    echo "not ok 4 - both runs end in the same guest state"
    diff "$tmp/state1" "$tmp/state2" 2>&1 | head -40 | sed 's/^/# /'
fi
echo "1..4"
