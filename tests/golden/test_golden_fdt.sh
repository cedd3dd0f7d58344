#!/bin/sh
# The golden device-tree test (TAP): the guest's tree for a fixed
# configuration, decompiled by dtc -- the oracle, not our code -- must equal
# the checked-in source, tests/golden/pseries-default.dts.
#
#   test_golden_fdt.sh GOLDEN DTC PRODUCER [ARG...]
#
# runs `PRODUCER ARG... OUT.dtb` to get the tree (tests/golden/golden_fdt
# now; `ppcrr run -m 512 -smp 1 -append console=hvc0 -dumpdtb` once the
# whole machine is wired), then `DTC -I dtb -O dts`, and on a difference
# prints `diff -u GOLDEN produced` as TAP comments. With PPCRR_GOLDEN_UPDATE=1
# in the environment it rewrites GOLDEN instead (review the diff in git).
set -u
golden=$1
dtc=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

echo "1..2"
if "$@" "$tmp/tree.dtb" 2>"$tmp/err" && "$dtc" -q -I dtb -O dts -o "$tmp/tree.dts" "$tmp/tree.dtb" 2>>"$tmp/err"; then
    echo "ok 1 - the tree is produced and decompiles"
else
    echo "not ok 1 - the tree is produced and decompiles"
    sed 's/^/# /' "$tmp/err"
    echo "not ok 2 - it matches $(basename "$golden") # SKIP no tree"
    exit 1
fi

if [ -n "${PPCRR_GOLDEN_UPDATE:-}" ]; then
    cp "$tmp/tree.dts" "$golden"
    echo "ok 2 - $(basename "$golden") rewritten (PPCRR_GOLDEN_UPDATE)"
elif diff -u "$golden" "$tmp/tree.dts" >"$tmp/diff"; then
    echo "ok 2 - it matches $(basename "$golden")"
else
    echo "not ok 2 - it matches $(basename "$golden")"
    echo "# --- expected (golden), +++ produced:"
    sed 's/^/# /' "$tmp/diff"
    exit 1
fi
