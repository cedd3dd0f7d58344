#!/bin/sh
# `ppcrr harness` on the shipped matrix and on small matrices made here:
# run, record and check modes; a hanging case killed at its timeout while
# the rest pass; a case's process killed from outside fails only that
# case; Ctrl-C still writes the results; shards run separately and merged
# give every case once, and a missing shard is named; a golden trace made
# stale by an injected device change fails `check` with the divergence
# report in TAP, JUnit and JSON.
#   test_harness.sh PPCRR MATRIX GUESTS_DIR
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 matrix=$2 guests=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total=$("$ppcrr" harness list "$matrix" | wc -l)

"$ppcrr" harness run -j 4 --json "$tmp/run.json" "$matrix" > "$tmp/run.tap" 2> "$tmp/run.err"
rc=$?
check "run: every case of the shipped matrix passes ($total)" [ $rc -eq 0 ]
check "run: TAP has a point per case" [ "$(grep -c '^ok ' "$tmp/run.tap")" -eq "$total" ]
[ $rc -eq 0 ] || grep -A12 '^not ok' "$tmp/run.tap" | sed 's/^/# /' | head -n 30
check "run: plain progress lines when not on a terminal" grep -q '^harness: \[' "$tmp/run.err"

"$ppcrr" harness run -j 4 --mode record --golden "$tmp/golden" "$matrix" > "$tmp/rec.tap" 2>/dev/null
check "record: exit 0" [ $? -eq 0 ]
check "record: a golden trace per case" [ "$(ls "$tmp/golden"/*.trace | wc -l)" -eq "$total" ]
"$ppcrr" harness run -j 4 --mode check --golden "$tmp/golden" "$matrix" > "$tmp/check.tap" 2>/dev/null
check "check: every golden trace replays" [ $? -eq 0 ]

# A stale golden: this build's replay perturbed as a device change would.
"$ppcrr" harness run -j 4 --mode check --golden "$tmp/golden" --group quick \
    --inject-hcall H_PUT_TERM_CHAR:3:H_BUSY --junit "$tmp/stale.xml" --json "$tmp/stale.json" "$matrix" \
    > "$tmp/stale.tap" 2>/dev/null
check "stale golden: check fails" [ $? -eq 1 ]
check "stale golden: TAP carries the divergence report" grep -q "H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/stale.tap"
check "stale golden: JUnit too" grep -q "H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/stale.xml"
check "stale golden: JSON too" grep -q "H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS" "$tmp/stale.json"
check "stale golden: JUnit parses" python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$tmp/stale.xml"

# Timeouts and crashes: vtyecho with no input polls forever.
cat > "$tmp/hang.cfg" <<CFG
[quick]
kernel = $guests/hello.elf
[hangs]
kernel = $guests/vtyecho.elf
timeout = 2
[victim]
kernel = $guests/vtyecho.elf
timeout = 120
CFG
"$ppcrr" harness run -j 3 --json "$tmp/hang.json" "$tmp/hang.cfg" > "$tmp/hang.tap" 2>"$tmp/hang.err" &
hpid=$!
# Once the quick case is done and the hanging one timed out, the victim
# is the one case process left: kill it from outside.
i=0
while [ $i -lt 300 ] && ! grep -q "hangs timeout" "$tmp/hang.err" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
victim=$(pgrep -P $hpid | head -n 1)
[ -n "$victim" ] && kill -KILL "$victim"
wait $hpid
check "hang/crash: the harness exits 1" [ $? -eq 1 ]
check "hang: the hanging case times out" grep -q "^not ok .* - hangs" "$tmp/hang.tap"
check "hang: reported as a timeout" grep -q "status: timeout" "$tmp/hang.tap"
check "crash: the killed case fails alone" grep -q "^not ok .* - victim" "$tmp/hang.tap"
check "crash: reported as a crash" grep -q "status: crash" "$tmp/hang.tap"
check "the other case still passes" grep -q "^ok .* - quick" "$tmp/hang.tap"
check "no case process is left" [ -z "$(pgrep -f "$guests/vtyecho.elf" || true)" ]

# Ctrl-C: the results so far are still written.
cat > "$tmp/long.cfg" <<CFG
[spin1]
kernel = $guests/vtyecho.elf
[spin2]
kernel = $guests/vtyecho.elf
CFG
"$ppcrr" harness run -j 1 --json "$tmp/int.json" "$tmp/long.cfg" > "$tmp/int.tap" 2>"$tmp/int.err" &
hpid=$!
i=0
while [ $i -lt 100 ] && [ -z "$(pgrep -P $hpid)" ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
kill -INT $hpid
wait $hpid
check "Ctrl-C: exit 1" [ $? -eq 1 ]
check "Ctrl-C: the JSON is written" python3 -m json.tool "$tmp/int.json" /dev/null
check "Ctrl-C: the case not started is a skip" grep -q "^ok 2 - spin2 # SKIP" "$tmp/int.tap"
check "Ctrl-C: the running case is not a pass" grep -q "^not ok 1 - spin1" "$tmp/int.tap"

# Shards: run separately, merged.
for k in 1 2 3; do
    "$ppcrr" harness run -j 4 --shard $k/3 --json "$tmp/shard$k.json" "$matrix" > /dev/null 2>&1
done
"$ppcrr" harness merge --quiet "$tmp/shard1.json" "$tmp/shard2.json" "$tmp/shard3.json" 2> "$tmp/merge.err"
check "merge: three shards give every case once (exit 0)" [ $? -eq 0 ]
CI_NODE_INDEX=2 CI_NODE_TOTAL=3 "$ppcrr" harness run -j 4 --json "$tmp/gl2.json" "$matrix" > "$tmp/gl2.tap" 2>/dev/null
"$ppcrr" harness run -j 4 --shard 2/3 "$matrix" > "$tmp/s2.tap" 2>/dev/null
check "GitLab's CI_NODE_INDEX=2/CI_NODE_TOTAL=3 runs shard 2/3" \
    [ "$(grep -o ' - .*' "$tmp/gl2.tap" | sort)" = "$(grep -o ' - .*' "$tmp/s2.tap" | sort)" ]
"$ppcrr" harness merge --quiet "$tmp/shard1.json" "$tmp/shard3.json" 2> "$tmp/merge.err"
check "merge: a missing shard fails (exit 1)" [ $? -eq 1 ]
check "merge: and names the missing cases" grep -qi "missing" "$tmp/merge.err"
tap_finish
