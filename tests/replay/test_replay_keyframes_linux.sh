#!/bin/sh
# Sharded replay of the Linux boot (Debian's kernel and the busybox
# initramfs, 1 GiB, one vCPU): recorded with a snapshot every 300M
# instructions, it replays clean with --keyframes 2, every segment reaching
# its end keyframe's state digest. Skipped when LINUXDIR has no vmlinux
# (scripts/fetch-linux.sh).
#   test_replay_keyframes_linux.sh PPCRR LINUXDIR
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 linux=$2
if [ ! -f "$linux/vmlinux" ] || [ ! -f "$linux/initramfs.cpio.gz" ]; then
    echo "1..0 # SKIP no Linux guest in $linux (scripts/fetch-linux.sh)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/snaps"
"$ppcrr" record -o "$tmp/boot.trace" --no-host-time -rtc base=2026-01-01T00:00:00 -kernel "$linux/vmlinux" \
    -initrd "$linux/initramfs.cpio.gz" -append console=hvc0 -m 1G -serial null --checkpoint-every 10000000 \
    --snapshot-every "300000000:$tmp/snaps/boot-{icount}.snap" </dev/null >/dev/null 2>"$tmp/rec.err"
keyframes=$("$ppcrr" trace dump "$tmp/boot.trace" 2>/dev/null | grep -c " keyframe saved to ")
segments=$((keyframes + 1))
check "the boot was recorded with keyframes ($keyframes)" [ "$keyframes" -ge 2 ]
[ "$keyframes" -ge 2 ] || sed 's/^/# /' "$tmp/rec.err" | tail -n 5
run replay --keyframes 2 "$tmp/boot.trace"
check "--keyframes 2: exit 0" [ "$rc" -eq 0 ]
check "... all $segments segments clean" contains "$err" "$segments of the trace's $segments segments checked in"
check "... none diverged" contains "$err" "$segments clean, 0 diverged, 0 could not"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/err" | head -n 20
tap_finish
