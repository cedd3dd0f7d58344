#!/usr/bin/env bash
# Fetches the real Linux guest: Debian bookworm's ppc64el kernel
# (linux-image-6.1.0-*-powerpc64le, the newest the archive has) and
# busybox-static, into a cache (verified by apt against the signed archive,
# and their sha256 recorded), extracts vmlinux and busybox, and builds the
# initramfs reproducibly (scripts/mkinitramfs.py, /init from
# scripts/linux-init.sh) into OUT (default build/linux):
#   OUT/vmlinux  OUT/initramfs.cpio.gz  OUT/busybox  OUT/SOURCES (package names, versions, sha256)
# Needs root (or sudo) once, to add the ppc64el architecture to apt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/linux}
cache=${PPCRR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ppcrr}/debian-ppc64el

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
    as_root dpkg --add-architecture ppc64el
    # One mirror's ppc64el security index can be out of sync while the
    # main archive is fine: a failed update is a warning.
    as_root apt-get update -q || echo "fetch-linux: warning: apt-get update reported errors" >&2
fi
kernel_pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-powerpc64le$' | cut -d' ' -f1 | sort -V | tail -n 1)
if [ -z "$kernel_pkg" ]; then
    as_root apt-get update -q || true
    kernel_pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-powerpc64le$' | cut -d' ' -f1 | sort -V | tail -n 1)
fi
[ -n "$kernel_pkg" ] || { echo "fetch-linux: no linux-image-6.1.0-*-powerpc64le in the archive" >&2; exit 1; }

mkdir -p "$cache" "$out"
cd "$cache"
for p in "$kernel_pkg" busybox-static; do
    ls ./"${p}"_*_ppc64el.deb >/dev/null 2>&1 || apt-get download -q "$p:ppc64el" 2>&1 | grep -v "unsandboxed" || true
    ls ./"${p}"_*_ppc64el.deb >/dev/null 2>&1 || { echo "fetch-linux: cannot download $p:ppc64el" >&2; exit 1; }
done
kdeb=$(ls ./"${kernel_pkg}"_*_ppc64el.deb | sort -V | tail -n 1)
bdeb=$(ls ./busybox-static_*_ppc64el.deb | sort -V | tail -n 1)
for d in "$kdeb" "$bdeb"; do
    [ "$(dpkg-deb -f "$d" Architecture)" = ppc64el ] || { echo "fetch-linux: $d is not ppc64el" >&2; exit 1; }
done
cd - >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$cache/$kdeb" "$work/k"
dpkg-deb -x "$cache/$bdeb" "$work/b"
cp "$work"/k/boot/vmlinux-* "$out/vmlinux"
cp "$work/b/bin/busybox" "$out/busybox"     # for the qemu-ppc64le oracle of the linux suite
python3 scripts/mkinitramfs.py "$out/initramfs.cpio.gz" --busybox "$work/b/bin/busybox" \
    --init scripts/linux-init.sh --add checks.sh=scripts/linux-checks.sh
{
    for d in "$kdeb" "$bdeb"; do
        echo "$(dpkg-deb -f "$cache/$d" Package) $(dpkg-deb -f "$cache/$d" Version) $(sha256sum "$cache/$d" | cut -d' ' -f1)"
    done
    sha256sum "$out/vmlinux" "$out/initramfs.cpio.gz"
} > "$out/SOURCES"
echo "fetch-linux: $out/vmlinux ($kernel_pkg), $out/initramfs.cpio.gz"
