#!/bin/sh
# `ppcrr harness run --mode migrate` on the shipped matrix's quick group:
# record golden traces with golden snapshots (--snapshot-every), then
# restore every golden snapshot and replay the rest of its golden trace --
# all exact, results in TAP, JUnit and JSON; a device change (injected)
# fails the cases with the divergence report; a golden snapshot this build
# cannot load fails its case with the restore's reason; a case without
# golden snapshots is skipped, saying so.
#   test_harness_migrate.sh PPCRR MATRIX
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 matrix=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
h() { "$ppcrr" harness run -j 2 --group quick --golden "$tmp/golden" "$@" "$matrix"; }

h --mode record --snapshot-every 100000 >"$tmp/rec.tap" 2>/dev/null
check "record --snapshot-every: exit 0" [ $? -eq 0 ]
ncases=$(grep -c '^ok ' "$tmp/rec.tap")
nsnap=$(ls "$tmp/golden"/*-at-*.snap 2>/dev/null | wc -l)
check "record: golden snapshots beside the golden traces ($nsnap for $ncases cases)" [ "$nsnap" -ge "$ncases" ]
check "record --snapshot-every is refused in other modes" \
    sh -c "'$ppcrr' harness run --mode check --golden '$tmp/golden' --snapshot-every 1 '$matrix' >/dev/null 2>&1; [ \$? -eq 2 ]"

h --mode migrate --junit "$tmp/m.xml" --json "$tmp/m.json" >"$tmp/m.tap" 2>/dev/null
rc=$?
check "migrate: every golden snapshot restores and replays exactly (exit 0)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || grep -A14 '^not ok' "$tmp/m.tap" | sed 's/^/# /' | head -n 30
check "migrate: a TAP point per case" [ "$(grep -c '^ok ' "$tmp/m.tap")" -eq "$ncases" ]
check "migrate: JUnit names the mode" grep -q 'name="ppcrr harness migrate"' "$tmp/m.xml"
check "migrate: JSON names the mode" grep -q '"mode": "migrate"' "$tmp/m.json"

# A device change, as a later build might make.
h --mode migrate --inject-hcall H_PUT_TERM_CHAR:3:H_BUSY --junit "$tmp/d.xml" --json "$tmp/d.json" \
    >"$tmp/d.tap" 2>/dev/null
check "migrate with a changed device: exit 1" [ $? -eq 1 ]
check "migrate: TAP names the snapshot and the divergence" \
    grep -q "H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/d.tap"
check "migrate: JUnit carries it" grep -q "H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/d.xml"
check "migrate: JSON carries it" grep -q "H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/d.json"
check "migrate: JUnit parses" python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$tmp/d.xml"

# A golden snapshot of another machine (2 vCPUs for hello-smp1's 1).
one=$(ls "$tmp/golden"/hello-smp1-*-at-*.snap | head -n 1)
two=$(ls "$tmp/golden"/hello-smp2-*-at-*.snap | head -n 1)
cp "$two" "$one"
h --mode migrate >"$tmp/b.tap" 2>/dev/null
check "migrate with a snapshot this build cannot load: exit 1" [ $? -eq 1 ]
check "migrate: only that case fails" [ "$(grep -c '^not ok' "$tmp/b.tap")" -eq 1 ]
check "migrate: with the restore's reason" grep -q "the snapshot is of a machine with 2 vCPUs, this one has 1" "$tmp/b.tap"

# No golden snapshots: skipped.
rm -f "$tmp/golden"/hello-smp1-*-at-*.snap
h --mode migrate >"$tmp/s.tap" 2>/dev/null
check "migrate without golden snapshots: exit 0" [ $? -eq 0 ]
check "migrate: that case is skipped, saying why" grep -q "^ok .* hello-smp1 # SKIP no golden snapshots beside" "$tmp/s.tap"
tap_finish
