#!/bin/sh
# Recording overhead and replay speed: the same guest run with `ppcrr
# run`, `ppcrr record` and `ppcrr replay` (of that recording), in turn,
# RUNS times each; prints the median wall time of each, the recording
# overhead, replay against record, the events per second recorded and the
# trace's bytes per event. A benchmark, never a test.
#   tests/bench/record_bench.sh [-n RUNS] PPCRR GUEST.elf [extra run flags]
# e.g. tests/bench/record_bench.sh build/ppcrr build/tests/guests/mmubench.elf
set -eu
runs=5
if [ "${1:-}" = "-n" ]; then runs=$2; shift 2; fi
ppcrr=$1 guest=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\\n\", $1 }"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

i=0
while [ $i -lt "$runs" ]; do
    t0=$(now)
    "$ppcrr" run -kernel "$guest" -serial null "$@" </dev/null >/dev/null 2>&1 || true
    t1=$(now)
    "$ppcrr" record -o "$tmp/bench.trace" -kernel "$guest" -serial null "$@" </dev/null >/dev/null 2>&1 || true
    t2=$(now)
    "$ppcrr" replay "$tmp/bench.trace" </dev/null >/dev/null 2>&1 || echo "replay diverged!" >&2
    t3=$(now)
    calc "$t1 - $t0" >> "$tmp/run"
    calc "$t2 - $t1" >> "$tmp/record"
    calc "$t3 - $t2" >> "$tmp/replay"
    i=$((i + 1))
done
run=$(median < "$tmp/run")
record=$(median < "$tmp/record")
replay=$(median < "$tmp/replay")
info=$("$ppcrr" trace info "$tmp/bench.trace")
events=$(printf '%s\n' "$info" | sed -n 's/^events: *//p')
size=$(printf '%s\n' "$info" | sed -n 's/^file size: *\([0-9]*\) bytes/\1/p')
last=$(printf '%s\n' "$info" | sed -n 's/^icount range: *[0-9]* \.\. //p')
echo "guest:            $(basename "$guest") $*"
echo "runs:             $runs each, alternating"
echo "run (median):     $run s"
echo "record (median):  $record s"
echo "replay (median):  $replay s"
echo "record overhead:  $(calc "($record - $run) * 100 / $run") %"
echo "replay / record:  $(calc "$replay / $record")"
echo "instructions:     $last"
echo "events:           $events ($(calc "$events / $record") per second recorded)"
echo "trace size:       $size bytes, $(calc "$size / $events") bytes per event"
