#!/bin/busybox sh
# /init of the initramfs scripts/fetch-linux.sh builds: mounts the pseudo
# file systems, prints the marker the boot tests wait for, runs a few real
# commands (each exercising something: the kernel's identity, the CPUs,
# a checksum, floating point in awk, the device tree), the CHECK lines of
# /checks.sh (scripts/linux-checks.sh) and powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo BOOT-OK
uname -a
cat /proc/cpuinfo
echo "ppcrr boot check" > /tmp/check.txt
sha256sum /tmp/check.txt
awk 'BEGIN { x = 0; for (i = 1; i <= 10; i++) x += 1 / i; printf "awk harmonic(10) = %.6f\n", x }'
sh /checks.sh /tmp
ls /proc/device-tree
echo BOOT-DONE
poweroff -f
