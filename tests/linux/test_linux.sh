#!/bin/sh
# The real Linux guest (suite 'linux'): Debian's ppc64el kernel with the
# busybox initramfs scripts/fetch-linux.sh builds, whose /init prints
# BOOT-OK, runs a few commands and powers off (scripts/linux-init.sh).
#
#   test_linux.sh boot   PPCRR LINUXDIR [QEMU [QEMU_USER]]
#                        one vCPU: marker, exit 0, the commands' output
#                        checked on the host, the CHECK lines of
#                        scripts/linux-checks.sh equal to what the same busybox
#                        prints under QEMU_USER (qemu-ppc64le), and no kernel
#                        warning QEMU's pseries boot does not print
#   test_linux.sh smp N  PPCRR LINUXDIR         N vCPUs, all online
#   test_linux.sh replay PPCRR LINUXDIR         record, replay (no divergence,
#                                               same console), record again (same
#                                               events), stats by kernel function
#
# Skipped when LINUXDIR has no vmlinux (setup could not fetch it).
set -u

mode=$1; shift
smp=1
if [ "$mode" = smp ]; then smp=$1; shift; fi
ppcrr=$1 linux=$2 qemu=${3:-} qemu_user=${4:-}
checks=$(dirname "$0")/../../scripts/linux-checks.sh
kernel=$linux/vmlinux initrd=$linux/initramfs.cpio.gz

n=0 failed=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { if eval "$1"; then pass "$2"; else fail "$2"; fi; }
finish() { echo "1..$n"; [ $failed -eq 0 ]; exit $?; }

if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
    echo "1..0 # SKIP no Linux guest in $linux (scripts/fetch-linux.sh)"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_linux.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
boot_args="-kernel $kernel -initrd $initrd -append console=hvc0 -m 1G -smp $smp"

# The kernel's complaints, comparable across machines: the timestamp and
# every number dropped, so only the wording is left. Lines ppcrr's machine
# prints by design are left out here, each with its reason:
#   "EEH functionality not supported"  ppcrr's pSeries has no PCI host
#       bridge, so no EEH RTAS calls; QEMU's always has one.
complaints() {
    tr -d '\r' < "$1" | sed 's/^.*\[ *[0-9.]*\] //' |
        grep -iE 'warn|error|fail|oops|bug|unable|cannot|not found|missing|not supported|unsupported|unknown' |
        grep -vxF 'EEH functionality not supported' |
        sed 's/0x[0-9a-f]*/N/g; s/[0-9][0-9]*/N/g' | sort -u
}

# Runs the commands' checks on a console log.
check_commands() {   # log cpus
    check "grep -q '^BOOT-OK' '$1'" "the marker BOOT-OK"
    check "grep -q '^BOOT-DONE' '$1'" "/init ran to its end (BOOT-DONE)"
    want=$(printf 'ppcrr boot check\n' | sha256sum | cut -d' ' -f1)
    check "grep -q '^$want  /tmp/check.txt' '$1'" "busybox sha256sum agrees with the host's"
    want=$(awk 'BEGIN { x = 0; for (i = 1; i <= 10; i++) x += 1 / i; printf "awk harmonic(10) = %.6f\n", x }')
    check "grep -qF '$want' '$1'" "busybox awk's floating point agrees with the host's ($want)"
    cpus=$(grep -c '^processor' "$1")
    check "[ '$cpus' = '$2' ]" "/proc/cpuinfo lists $2 processor(s) (got $cpus)"
    check "grep -q '^Linux .* ppc64le' '$1'" "uname -a names a ppc64le Linux"
}

case $mode in
boot|smp)
    "$ppcrr" run $boot_args -serial "file:$tmp/console" </dev/null >"$tmp/stderr" 2>&1
    rc=$?
    check "[ $rc = 0 ]" "ppcrr run (-smp $smp) exits 0 when the guest powers off (got $rc)"
    check_commands "$tmp/console" "$smp"
    if [ "$mode" = boot ]; then
        # glibc's VSX/VMX string, memory and FP code in busybox's applets,
        # against the same binary under QEMU user mode.
        tr -d '\r' < "$tmp/console" | grep '^CHECK ' > "$tmp/checks.ppcrr"
        if [ -n "$qemu_user" ] && [ -x "$linux/busybox" ]; then
            # Every applet on PATH runs this busybox under QEMU too: without
            # that, busybox's sh would run the host's own gzip, wc, ...
            # for the applets it does not run in-process.
            mkdir -p "$tmp/applets"
            for a in $("$qemu_user" -cpu power8 "$linux/busybox" --list); do
                printf '#!/bin/sh\nexec "%s" -cpu power8 "%s" %s "$@"\n' "$qemu_user" "$linux/busybox" "$a" \
                    > "$tmp/applets/$a"
                chmod +x "$tmp/applets/$a"
            done
            PATH=$tmp/applets "$qemu_user" -cpu power8 "$linux/busybox" sh "$checks" "$tmp" 2>/dev/null |
                grep '^CHECK ' > "$tmp/checks.qemu"
            count=$(wc -l < "$tmp/checks.qemu")
            check "[ $count -ge 16 ] && cmp -s '$tmp/checks.ppcrr' '$tmp/checks.qemu'" \
                "busybox's $count CHECK computations in the guest equal busybox's under qemu-ppc64le"
            diff "$tmp/checks.qemu" "$tmp/checks.ppcrr" | sed 's/^/#   /'
        else
            pass "# SKIP no qemu-ppc64le (or build/linux/busybox) for the busybox computations"
        fi
        if [ -n "$qemu" ] && command -v "$qemu" >/dev/null 2>&1; then
            timeout 120 "$qemu" -M pseries,x-vof=on -cpu POWER8 -m 1G -kernel "$kernel" -initrd "$initrd" \
                -append console=hvc0 -nographic -no-reboot -display none </dev/null >"$tmp/qemu" 2>&1
            check "grep -q '^BOOT-DONE' '$tmp/qemu'" "QEMU boots the same guest (the reference)"
            complaints "$tmp/console" > "$tmp/ppcrr.complaints"
            complaints "$tmp/qemu" > "$tmp/qemu.complaints"
            comm -23 "$tmp/ppcrr.complaints" "$tmp/qemu.complaints" > "$tmp/extra"
            check "[ ! -s '$tmp/extra' ]" "the kernel prints no warning or error QEMU's pseries boot does not"
            sed 's/^/#   /' "$tmp/extra"
        else
            pass "# SKIP no qemu-system-ppc64 to compare the kernel's warnings with"
        fi
    fi
    ;;
replay)
    rec="--no-host-time -rtc base=2026-01-01T00:00:00"
    "$ppcrr" record -o "$tmp/a.trace" $rec $boot_args -serial "file:$tmp/rec.console" </dev/null >/dev/null 2>&1
    rc=$?
    check "[ $rc = 0 ]" "ppcrr record of the boot exits 0 (got $rc)"
    check "grep -q '^BOOT-DONE' '$tmp/rec.console'" "the recorded boot ran to BOOT-DONE"
    "$ppcrr" replay "$tmp/a.trace" -serial "file:$tmp/rep.console" </dev/null >"$tmp/replay.out" 2>&1
    rc=$?
    check "[ $rc = 0 ]" "ppcrr replay: no divergence (exit $rc)"
    sed 's/^/#   /' "$tmp/replay.out" | head -40
    check "cmp -s '$tmp/rec.console' '$tmp/rep.console'" "the replay's console output is identical"
    # The same command line (the header holds it), the trace to another name.
    mv "$tmp/a.trace" "$tmp/first.trace"
    "$ppcrr" record -o "$tmp/a.trace" $rec $boot_args -serial "file:$tmp/rec.console" </dev/null >/dev/null 2>&1
    check "cmp -s '$tmp/a.trace' '$tmp/first.trace'" "two recordings of the boot are the same trace, byte for byte"
    "$ppcrr" trace stats --symbols "$kernel" "$tmp/a.trace" > "$tmp/stats" 2>&1
    check "grep -q 'H_ENTER' '$tmp/stats'" "trace stats counts H_ENTER"
    check "grep -qE 'hpte_insert|hash_page|__hash_page' '$tmp/stats'" \
        "trace stats names the hash-MMU call sites by kernel function"
    sed 's/^/#   /' "$tmp/stats" | head -60
    ;;
*)
    echo "Bail out! unknown mode $mode"
    exit 1
    ;;
esac
finish
