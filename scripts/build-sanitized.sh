#!/usr/bin/env bash
# Builds ppcrr with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-san/ (clang when available, so the libFuzzer target is built too).
# Run the unit suite there with: meson test -C build-san --suite unit
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-san}
if command -v clang >/dev/null 2>&1; then
    export CC=clang
fi
if [ -d "$dir" ]; then
    meson setup --reconfigure "$dir"
else
    # b_lundef=false: clang's sanitizer runtimes leave symbols for the
    # executable to resolve.
    meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
fi
meson compile -C "$dir"
