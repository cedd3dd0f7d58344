#!/bin/sh
# Sharded replay as a benchmark (issue 12's figures): the Linux boot is
# recorded once with a snapshot every EVERY instructions, then replayed
# whole and with --keyframes K for K = 1, 2 and 4 workers. A benchmark,
# never a test.
#
#   tests/bench/keyframe_bench.sh [-n RUNS] [-every EVERY] PPCRR LINUXDIR
#   e.g. tests/bench/keyframe_bench.sh build/ppcrr build/linux
#
# Prints, as medians of RUNS (default 3) runs, the wall time of the plain
# replay and of each K, and each K's speed-up over K=1 and over the plain
# replay. The host's CPU count and load go with the figures: K workers can
# only be as fast as the cores they get (the segments' fixed cost -- a
# machine built and a snapshot restored per segment -- is what K=1 pays
# over the plain replay).
set -eu
runs=3 every=200000000
while [ $# -gt 0 ]; do
    case $1 in
    -n) runs=$2; shift 2 ;;
    -every) every=$2; shift 2 ;;
    *) break ;;
    esac
done
ppcrr=$1 linux=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\\n\", $1 }"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mkdir "$tmp/snaps"
rec0=$(now)
"$ppcrr" record -o "$tmp/boot.trace" --no-host-time -rtc base=2026-01-01T00:00:00 -kernel "$linux/vmlinux" \
    -initrd "$linux/initramfs.cpio.gz" -append console=hvc0 -m 1G -serial null --checkpoint-every 10000000 \
    --snapshot-every "$every:$tmp/snaps/boot-{icount}.snap" </dev/null >/dev/null 2>&1
rec1=$(now)
keyframes=$("$ppcrr" trace dump "$tmp/boot.trace" | grep -c " keyframe saved to " || true)
last=$("$ppcrr" trace info "$tmp/boot.trace" | sed -n 's/^icount range: *[0-9]* \.\. \([0-9]*\)$/\1/p')

# time_it NAME ARGS...: RUNS replays, their wall times into $tmp/NAME.
time_it() {
    name=$1
    shift
    i=0
    while [ $i -lt "$runs" ]; do
        t0=$(now)
        "$ppcrr" replay "$@" "$tmp/boot.trace" </dev/null >/dev/null 2>"$tmp/err" ||
            { echo "replay $* failed:" >&2; tail -n 5 "$tmp/err" >&2; exit 1; }
        t1=$(now)
        calc "$t1 - $t0" >>"$tmp/$name"
        i=$((i + 1))
    done
}
time_it plain
for k in 1 2 4; do
    time_it k$k --keyframes $k
done

plain=$(median <"$tmp/plain")
k1=$(median <"$tmp/k1")
echo "host:        $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (at the end)"
echo "boot:        $last instructions, recorded in $(calc "$rec1 - $rec0")s with a snapshot every $every:" \
    "$keyframes keyframes, $((keyframes + 1)) segments"
echo "runs:        median of $runs"
printf '%-22s %8s %12s %14s\n' "replay" "wall s" "vs K=1" "vs plain"
printf '%-22s %8s %12s %14s\n' "plain (no keyframes)" "$plain" "" ""
for k in 1 2 4; do
    t=$(median <"$tmp/k$k")
    printf '%-22s %8s %11sx %13sx\n' "--keyframes $k" "$t" "$(calc "$k1 / $t")" "$(calc "$plain / $t")"
done
