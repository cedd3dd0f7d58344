#!/usr/bin/env bash
# Installs everything ppcrr needs on a fresh Debian 12 machine and builds it:
# the C toolchain and libraries, the powerpc64le cross compiler (guest
# programs), the QEMU oracles (qemu-user's qemu-ppc64le for instruction
# semantics, qemu-system-ppc64 for whole guests), protoc and zstd (trace
# decoding checks) and clang with libFuzzer (sanitizer and fuzz builds).
# Then `meson setup build` and a build: the program is build/ppcrr; and the
# Linux guest from Debian's ppc64el archive (scripts/fetch-linux.sh).
#
# Safe to run again: it only installs what is missing, and reuses build/
# only if it holds a complete meson configuration.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential pkg-config meson ninja-build git python3
    libfdt-dev libzstd-dev zstd libprotobuf-c-dev protobuf-c-compiler
    protobuf-compiler libevent-dev device-tree-compiler
    gcc-powerpc64le-linux-gnu binutils-powerpc64le-linux-gnu
    qemu-user qemu-system-ppc gdb-multiarch
    clang libclang-rt-14-dev
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    # One mirror's index can be out of sync (notably ppc64el security) while
    # the main archive is fine: a failed update is a warning, not the end.
    as_root apt-get update -q || echo "setup: warning: apt-get update reported errors; installing anyway" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ -f build/meson-private/coredata.dat ]; then
    meson setup --reconfigure build
else
    rm -rf build
    meson setup build
fi
meson compile -C build

# The real Linux guest (Debian's ppc64el kernel and busybox, an initramfs
# built reproducibly): build/linux/. The suites that boot it need it.
if ! scripts/fetch-linux.sh build/linux; then
    echo "setup: warning: the Linux guest could not be fetched (build/linux); its tests will be skipped" >&2
fi
echo "setup: built build/ppcrr; run the tests with: meson test -C build --print-errorlogs"
