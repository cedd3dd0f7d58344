#!/bin/busybox sh
# Computations that go through glibc's POWER8 string, memory and
# floating-point code (VSX/VMX memcpy, strlen, memcmp in sort, qsort, printf
# of doubles, libm): /init runs this inside the guest, and the linux suite
# runs the very same busybox on it under qemu-ppc64le (QEMU user mode, the
# oracle) and compares every CHECK line. Only busybox applets are used, so
# both sides run the same code; everything is generated here, nothing is
# read from the machine it runs on. DIR is a scratch directory.
#   linux-checks.sh DIR
dir=${1:-/tmp}
data=$dir/ppcrr-checks.txt

# 600 lines of pseudo-random words and numbers (a fixed LCG in awk).
awk 'BEGIN { x = 12345; for (i = 0; i < 600; i++) { x = (x * 1103515245 + 12345) % 2147483648;
             w = ""; n = 3 + x % 13; for (j = 0; j < n; j++) { x = (x * 69069 + 1) % 4294967296;
             w = w sprintf("%c", 97 + int(x / 65536) % 26) } print w, x % 100000, (x % 9973) / 7.0 } }' > "$data"

echo "CHECK sha256sum: $(sha256sum < "$data")"
echo "CHECK md5sum: $(md5sum < "$data")"
echo "CHECK sort: $(sort "$data" | sha256sum)"
echo "CHECK sort -n -k2: $(sort -n -k2 "$data" | sha256sum)"
echo "CHECK sort -g -k3 -r: $(sort -g -r -k3 "$data" | sha256sum)"
echo "CHECK uniq: $(cut -c1-2 "$data" | sort | uniq -c | sha256sum)"
# busybox's awk has no libm: square roots by Newton's method, e and pi
# from their series, so the arithmetic and printf's conversions are tested.
echo "CHECK awk sums: $(awk '{ s += $2; t += $3 * $3 } END { r = t / NR; q = r; for (i = 0; i < 60; i++) q = (q + r / q) / 2; printf "%d %.9g %.15g\n", s, t, q }' "$data")"
echo "CHECK awk series: $(awk 'BEGIN { e = 1; f = 1; for (i = 1; i < 25; i++) { f *= i; e += 1 / f }
                                      p = 0; for (k = 0; k < 5000; k++) p += (k % 2 ? -4 : 4) / (2 * k + 1)
                                      printf "%.17g %.17g\n", e, p }')"
echo "CHECK awk printf: $(awk 'BEGIN { printf "%.3e %g %f %.0f %.0f %d %x %.20g\n", 1/3, 1024 * 1024 * 1024 * 1024 * 1024 * 1024, -0.1, 2.5, 3.5, -7.9, 255, 0.1 }')"
echo "CHECK awk harmonic: $(awk 'BEGIN { x = 0; for (i = 1; i <= 5000; i++) x += 1 / i; printf "%.12f\n", x }')"
echo "CHECK wc: $(wc < "$data")"
echo "CHECK grep: $(grep -c 'ab' "$data") $(grep -o '[aeiou][aeiou]*' "$data" | sort | uniq | wc -l)"
echo "CHECK sed: $(sed 's/\([a-z]*\) \([0-9]*\)/\2 \1/' "$data" | sha256sum)"
echo "CHECK tr: $(tr 'a-z' 'n-za-m' < "$data" | md5sum)"
echo "CHECK gzip: $(gzip -9 -c "$data" | gzip -d -c | cmp - "$data" && echo round-trip) $(gzip -9 -c "$data" | wc -c)"
echo "CHECK expr: $(expr 123456789 \* 987 % 1000003)"
rm -f "$data"
