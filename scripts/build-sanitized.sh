#!/usr/bin/env bash
# Builds ppcrr with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-san/ (or DIR), with clang when available so the libFuzzer target is
# built too. Run the unit suite there with:
#   meson test -C build-san --suite unit
# An existing build directory is reused only if it really is such a build
# (same compiler, sanitizers on); otherwise it is made anew.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-san}
cc=cc
command -v clang >/dev/null 2>&1 && cc=clang
# b_lundef=false: clang's sanitizer runtimes leave symbols for the
# executable to resolve.
options=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)

reusable() {
    [ -f "$dir/meson-private/coredata.dat" ] || return 1
    meson introspect --buildoptions "$dir" | python3 -c '
import json, sys
opts = {o["name"]: o["value"] for o in json.load(sys.stdin)}
sys.exit(0 if opts.get("b_sanitize") == "address,undefined" else 1)' || return 1
    meson introspect --compilers "$dir" | python3 -c '
import json, sys
want = sys.argv[1]
ids = [c["id"] for m in json.load(sys.stdin).values() for c in m.values()]
sys.exit(0 if (want == "clang") == ("clang" in ids) else 1)' "$cc"
}

if reusable; then
    meson setup --reconfigure "$dir" "${options[@]}"
else
    rm -rf "$dir"
    CC=$cc meson setup "$dir" "${options[@]}"
fi
meson compile -C "$dir"
