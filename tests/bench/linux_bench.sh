#!/bin/sh
# The Linux boot as a benchmark (issue 11's figures), ppcrr next to QEMU on
# the same machine, in the same script. A benchmark, never a test.
#
#   tests/bench/linux_bench.sh [-n RUNS] [-smp N] PPCRR LINUXDIR [QEMU]
#   e.g. tests/bench/linux_bench.sh build/ppcrr build/linux
#
# Prints, as medians of RUNS (default 5) alternating runs:
#   - wall time from start to the BOOT-OK marker and to exit, for `ppcrr
#     run` and for qemu-system-ppc64 -M pseries,x-vof=on -cpu POWER8 -m 1G
#     (same kernel and initrd);
#   - guest instructions to the marker (from the recorded trace) and guest
#     MIPS up to it;
#   - `ppcrr record` against `run`, and `ppcrr replay` against `record`;
#   - the trace's size and bytes per event, next to the size of QEMU's
#     record/replay log of the same boot (-icount shift=auto,rr=record);
#   - hypercalls by name up to the marker, ppcrr's from the trace and QEMU's
#     from its -d int log ("hypercall r3=..." lines, up to the
#     H_PUT_TERM_CHAR that prints BOOT-OK).
set -eu
runs=5 smp=1
while [ $# -gt 0 ]; do
    case $1 in
    -n) runs=$2; shift 2 ;;
    -smp) smp=$2; shift 2 ;;
    *) break ;;
    esac
done
ppcrr=$1 linux=$2 qemu=${3:-qemu-system-ppc64}
here=$(cd "$(dirname "$0")" && pwd)
meta=$here/../../hcall/hcall_meta.def
kernel=$linux/vmlinux initrd=$linux/initramfs.cpio.gz
command -v "$qemu" >/dev/null 2>&1 || qemu=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.3f\\n\", $1 }"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Reads a console on stdin; writes the time BOOT-OK went by to $1.
watch_marker() { awk -v f="$1" '/BOOT-OK/ && !seen { system("date +%s.%N > " f); seen = 1 }'; }

ppcrr_args="-kernel $kernel -initrd $initrd -append console=hvc0 -m 1G -smp $smp"
qemu_args="-M pseries,x-vof=on -cpu POWER8 -m 1G -smp $smp -kernel $kernel -initrd $initrd
           -append console=hvc0 -nographic -no-reboot -display none"
rec_args="--no-host-time -rtc base=2026-01-01T00:00:00"

i=0
while [ $i -lt "$runs" ]; do
    t0=$(now)
    "$ppcrr" run $ppcrr_args -serial stdio </dev/null 2>/dev/null | watch_marker "$tmp/mark"
    t1=$(now)
    calc "$(cat "$tmp/mark") - $t0" >> "$tmp/run.marker"
    calc "$t1 - $t0" >> "$tmp/run.exit"
    if [ -n "$qemu" ]; then
        t0=$(now)
        $qemu $qemu_args </dev/null 2>/dev/null | watch_marker "$tmp/mark"
        t1=$(now)
        calc "$(cat "$tmp/mark") - $t0" >> "$tmp/qemu.marker"
        calc "$t1 - $t0" >> "$tmp/qemu.exit"
    fi
    t0=$(now)
    "$ppcrr" record -o "$tmp/boot.trace" $rec_args $ppcrr_args -serial null </dev/null >/dev/null 2>&1
    t1=$(now)
    "$ppcrr" replay "$tmp/boot.trace" </dev/null >/dev/null 2>&1 || echo "replay diverged!" >&2
    t2=$(now)
    calc "$t1 - $t0" >> "$tmp/record"
    calc "$t2 - $t1" >> "$tmp/replay"
    i=$((i + 1))
done

run_marker=$(median < "$tmp/run.marker")
run_exit=$(median < "$tmp/run.exit")
record=$(median < "$tmp/record")
replay=$(median < "$tmp/replay")

"$ppcrr" trace dump "$tmp/boot.trace" > "$tmp/dump"
marker_icount=$(awk '/H_PUT_TERM_CHAR.*BOOT-OK/ { print $1; exit }' "$tmp/dump")
info=$("$ppcrr" trace info "$tmp/boot.trace")
events=$(printf '%s\n' "$info" | sed -n 's/^events: *//p')
size=$(printf '%s\n' "$info" | sed -n 's/^file size: *\([0-9]*\) bytes/\1/p')

echo "guest:                 $(basename "$kernel") + $(basename "$initrd"), -m 1G -smp $smp"
echo "runs:                  $runs each, alternating; medians"
echo "ppcrr run to marker:   $run_marker s"
echo "ppcrr run to exit:     $run_exit s"
if [ -n "$qemu" ]; then
    echo "QEMU to marker:        $(median < "$tmp/qemu.marker") s   ($($qemu --version | head -1))"
    echo "QEMU to exit:          $(median < "$tmp/qemu.exit") s"
fi
echo "instructions to marker: $marker_icount"
echo "guest MIPS to marker:  $(calc "$marker_icount / $run_marker / 1000000")"
echo "record (median):       $record s   overhead $(calc "($record - $run_exit) * 100 / $run_exit") % over run"
echo "replay (median):       $replay s   replay / record $(calc "$replay / $record")"
echo "trace:                 $size bytes, $events events, $(calc "$size / $events") bytes/event"

# QEMU's record/replay log of the same boot, and its hypercalls (-d int).
if [ -n "$qemu" ]; then
    $qemu $qemu_args -icount shift=auto,rr=record,rrfile="$tmp/qemu.rr" </dev/null >/dev/null 2>&1 || true
    echo "QEMU rr log:           $(wc -c < "$tmp/qemu.rr") bytes (-icount shift=auto,rr=record)"
    $qemu $qemu_args -d int -D "$tmp/qemu.int" </dev/null >/dev/null 2>&1 || true
fi

# Hypercall counts up to the marker. Names from hcall_meta.def for QEMU's.
awk -v m="$marker_icount" '$1 > m { exit } $4 ~ /^(H_|KVMPPC_H_|hcall)/ { n = $4; sub(/\(.*/, "", n); if (n == "hcall") n = "hcall_" $5; sub(/\(.*/, "", n); c[n]++ }
     END { for (k in c) print k, c[k] }' "$tmp/dump" | sort > "$tmp/ppcrr.hcalls"
: > "$tmp/qemu.hcalls"
if [ -n "$qemu" ] && [ -f "$tmp/qemu.int" ]; then
    sed -n 's/^HCALL(\([A-Z0-9_]*\), *0x\([0-9a-fA-F]*\),.*/\1 \2/p' "$meta" > "$tmp/names"
    # Hex without leading zeros, lower case, on both sides (mawk has no strtonum).
    awk 'function hex(s) { s = tolower(s); sub(/^0+/, "", s); return s == "" ? "0" : s }
         NR == FNR { num[hex($2)] = $1; next }
         /^hypercall/ { split($2, a, "="); v = hex(a[2]);
                        c[(v in num) ? num[v] : "hcall_0x" v]++;
                        if (v == "58" && $5 ~ /^r6=424f4f542d4f4b/) exit }
         END { for (k in c) print k, c[k] }' "$tmp/names" "$tmp/qemu.int" | sort > "$tmp/qemu.hcalls"
fi
echo
echo "hypercalls up to the marker:"
printf '  %-28s %10s %10s\n' hcall ppcrr QEMU
join -a1 -a2 -e - -o 0,1.2,2.2 "$tmp/ppcrr.hcalls" "$tmp/qemu.hcalls" |
    sort -k2,2nr | awk '{ printf "  %-28s %10s %10s\n", $1, $2, $3 }'
