#!/bin/sh
# `ppcrr run` as a user meets it when something is wrong: usage errors
# (one line, then the usage, exit 2), images that cannot be loaded, and
# malformed machine descriptions -- each refused before the guest starts,
# exit 2, with a message naming the file (and for descriptions the node
# and property). Also -dumpdtb, decompiled by dtc (the oracle).
#   test_run.sh PPCRR
set -u
ppcrr=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-run-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"
run() {
    "$ppcrr" run "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    err=$(cat "$tmp/err")
}

# expect_refusal DESC NEEDLE ARGS...: exit 2 and NEEDLE in the message
expect_refusal() {
    desc=$1
    needle=$2
    shift 2
    run "$@"
    if [ "$rc" -eq 2 ] && contains "$err" "$needle" >/dev/null; then
        pass "$desc"
    else
        fail "$desc"
        echo "# rc=$rc, stderr: $(head -n 2 "$tmp/err")"
    fi
}

run --help
check "run --help exits 0" [ "$rc" -eq 0 ]
check "run --help documents -kernel and -bios" contains "$(cat "$tmp/out")" "-bios FILE"

# --- usage ---
expect_refusal "no image" "missing -kernel FILE or -bios FILE"
expect_refusal "an unknown option" "unknown option '-frobnicate'" -frobnicate 1 -kernel x
expect_refusal "a missing value" "option '-kernel' needs a value" -kernel
expect_refusal "a bad -m" "-m: 'lots' is not a RAM size" -m lots -kernel x
expect_refusal "-m too small" "from 64M to 64G" -m 1M -kernel x
expect_refusal "-m too large" "from 64M to 64G" -m 65G -kernel x
expect_refusal "a bad -smp" "-smp: '0' is not a vCPU count" -smp 0 -kernel x
expect_refusal "a bad -rtc" "-rtc: 'now' is not base=utc" -rtc now -kernel x
expect_refusal "an impossible -rtc date" "is not base=utc" -rtc base=2023-02-29T00:00:00 -kernel x
expect_refusal "a bad -d" "-d: unknown log item 'in_asm'" -d in_asm -kernel x
expect_refusal "a stray argument" "unexpected argument 'vmlinux'" vmlinux
run -frobnicate 1 -kernel x
check "usage errors print the usage after the message" contains "$err" "usage: ppcrr run"

# --- images ---
expect_refusal "a missing kernel" "$tmp/nope.elf: cannot open" -kernel "$tmp/nope.elf"
head -c 100000000 /dev/zero >"$tmp/huge.bin"
expect_refusal "a kernel larger than RAM" "do not fit in 64 MiB" -m 64M -kernel "$tmp/huge.bin"
printf 'tiny' >"$tmp/tiny.bin"
expect_refusal "an endless initrd" "does not fit" -m 64M -kernel "$tmp/tiny.bin" -initrd /dev/zero
printf '\177ELF\2\1\1' >"$tmp/bad.elf"
expect_refusal "a truncated ELF" "not a 64-bit ELF" -kernel "$tmp/bad.elf"
printf 'kernel' >"$tmp/k.bin"
expect_refusal "a missing initrd" "$tmp/nope.img: cannot open" -kernel "$tmp/k.bin" -initrd "$tmp/nope.img"
expect_refusal "a missing firmware" "$tmp/nope.rom: cannot open" -bios "$tmp/nope.rom"

# --- machine descriptions ---
cat >"$tmp/unknown.dts" <<'EOF'
/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    gizmo@f000 { compatible = "acme,gizmo"; reg = <0xf000 0 0 0x100>; };
};
EOF
expect_refusal "an unknown compatible names the node" "gizmo@f000" -machine "$tmp/unknown.dts" -kernel "$tmp/k.bin"
run -machine "$tmp/unknown.dts" -kernel "$tmp/k.bin"
check "and the property" contains "$err" "compatible"
printf '/dts-v1/;\n/ { oops\n' >"$tmp/syntax.dts"
expect_refusal "a .dts with a syntax error" "syntax.dts" -machine "$tmp/syntax.dts" -kernel "$tmp/k.bin"
printf 'not a device tree' >"$tmp/junk.dtb"
expect_refusal "a file that is not a device tree" "junk.dtb" -machine "$tmp/junk.dtb" -kernel "$tmp/k.bin"

# --- the guest's tree ---
if command -v dtc >/dev/null 2>&1; then
    run -m 512M -append "console=hvc0" -dumpdtb "$tmp/guest.dtb"
    check "-dumpdtb writes the tree and exits 0" [ "$rc" -eq 0 ]
    dtc -q -I dtb -O dts -o "$tmp/guest.dts" "$tmp/guest.dtb" 2>"$tmp/dtc.err"
    check "dtc decompiles it" [ "$?" -eq 0 ]
    check "it is a pSeries tree" grep -q 'qemu,pseries' "$tmp/guest.dts"
    check "with the command line" grep -q 'bootargs = "console=hvc0"' "$tmp/guest.dts"
    check "and no host-only (ppcrr,) property" sh -c "! grep -Eq '^[[:space:]]*ppcrr,[a-z0-9-]+( =|;)' \"\$1\"" - "$tmp/guest.dts"
else
    n=$((n + 1)); echo "ok $n # SKIP dtc not installed"
fi

tap_finish
