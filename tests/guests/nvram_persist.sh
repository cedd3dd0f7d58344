#!/bin/sh
# NVRAM persistence on ppcrr (suite 'guest'): runs the nvram guest twice
# with the same -nvram file, which does not exist before the first run.
# The first run must find no marker and store it ("# nvram: stored the
# marker"), the second must find it ("# nvram: found the marker"); both
# must pass their own checks, print their plan and exit with status 0, and
# the file must hold the marker and be 64 KiB (a new file's size).
#
#   nvram_persist.sh PPCRR NVRAM.elf
set -u
if [ $# -ne 2 ]; then
    echo "Bail out! usage: nvram_persist.sh PPCRR NVRAM.elf"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvram_persist.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
for run in 1 2; do
    timeout -k 5 60 "$1" run -kernel "$2" -nographic -nvram "$tmp/nv.bin" < /dev/null \
        > "$tmp/out$run" 2> "$tmp/err$run"
    echo $? > "$tmp/status$run"
    tr -d '\r' < "$tmp/out$run" > "$tmp/console$run"
done
echo "# $1 run -kernel $2 -nographic -nvram \$tmp/nv.bin, twice"
n=0
check() {   # pass? description
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
for run in 1 2; do
    c=$tmp/console$run
    plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$c" | head -1)
    tests=$(grep -c '^\(not \)\{0,1\}ok ' "$c")
    [ -n "$plan" ] && [ "$plan" = "$tests" ] && ! grep -q '^not ok ' "$c"
    check $? "run $run: the guest passes all its checks (${tests} of plan ${plan:-none})"
    check "$([ "$(cat "$tmp/status$run")" = 0 ]; echo $?)" \
        "run $run: ppcrr exits with status 0 (got $(cat "$tmp/status$run"))"
done
grep -q '^# nvram: stored the marker' "$tmp/console1"
check $? "run 1 (a new file) finds no marker and stores it"
grep -q '^# nvram: found the marker' "$tmp/console2"
check $? "run 2 (the same file) finds the marker run 1 stored"
grep -aq 'ppcrr nvram marker, run 1' "$tmp/nv.bin" 2>/dev/null
check $? "the file holds the marker"
size=$(wc -c < "$tmp/nv.bin" 2>/dev/null | tr -d ' ')
check "$([ "${size:-0}" = 65536 ]; echo $?)" "the file is 64 KiB (got ${size:-no file})"
for run in 1 2; do
    sed "s/^/# run $run| /" "$tmp/console$run"
    sed "s/^/# run $run stderr| /" "$tmp/err$run"
done
echo "1..$n"
