#!/bin/sh
# Snapshot transparency for the Linux boot (test_snapshot_roundtrip.sh on
# Debian's kernel and the busybox initramfs, 1 GiB, one vCPU). Skipped when
# LINUXDIR has no vmlinux (scripts/fetch-linux.sh).
#   test_snapshot_linux.sh PPCRR LINUXDIR
ppcrr=$1 linux=$2
if [ ! -f "$linux/vmlinux" ] || [ ! -f "$linux/initramfs.cpio.gz" ]; then
    echo "1..0 # SKIP no Linux guest in $linux (scripts/fetch-linux.sh)"
    exit 0
fi
exec sh "$(dirname "$0")/test_snapshot_roundtrip.sh" --name linux "$ppcrr" "$linux/vmlinux" \
    -initrd "$linux/initramfs.cpio.gz" -append console=hvc0 -m 1G
