#!/bin/sh
# Migration compatibility for the Linux boot (suite `linux`). The snapshot
# is tests/migration/linux/at-20000000.snap (11 MB: the kernel and the
# initramfs are already in RAM at 20 million instructions), saved with its
# trace by an earlier build from the images scripts/fetch-linux.sh makes;
# this build restores it and replays the rest of the boot. Images whose
# sha256 differs from the stored snapshot's (a newer Debian kernel, an
# edited /init) skip the test with that reason: regenerate the stored pair
# then (tests/migration/README.md). PPCRR_MIGRATION_LINUX=DIR uses DIR
# instead, making the pair there first if it is empty.
#   test_migration_linux.sh PPCRR LINUXDIR
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") linux=$2
at=20000000
if [ ! -f "$linux/vmlinux" ] || [ ! -f "$linux/initramfs.cpio.gz" ]; then
    echo "1..0 # SKIP no Linux guest in $linux (scripts/fetch-linux.sh)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=${PPCRR_MIGRATION_LINUX:-$(cd "$(dirname "$0")" && pwd)/linux}
[ -s "$dir/at-$at.snap" ] || [ -n "${PPCRR_MIGRATION_LINUX:-}" ] || dir=$tmp/linux
mkdir -p "$dir"
images="-kernel $linux/vmlinux -initrd $linux/initramfs.cpio.gz"
if [ -s "$dir/run.trace" ] && [ -s "$dir/at-$at.snap" ]; then
    echo "# restoring a snapshot saved by $("$ppcrr" trace info "$dir/run.trace" | sed -n 's/^written by: *//p')"
else
    echo "# no stored Linux snapshot in $dir: this build makes one (it only shows it replays)"
    rm -f "$dir/run.trace" "$dir/at-$at.snap"
    (cd "$dir" && "$ppcrr" record -o run.trace $images -append console=hvc0 -m 1G -rtc base=2024-01-01T00:00:00 \
        --no-host-time -serial null --snapshot-at "$at:at-$at.snap" </dev/null >/dev/null 2>"$tmp/rec.err")
    check "the boot is recorded with a snapshot at icount $at" [ -s "$dir/at-$at.snap" ]
    [ -s "$dir/at-$at.snap" ] || { sed 's/^/#   /' "$tmp/rec.err" | tail -n 5; tap_finish; exit 1; }
fi
echo "# snapshot size: $(wc -c <"$dir/at-$at.snap") bytes"
# The images the snapshot's trace was recorded with.
info=$("$ppcrr" trace info "$dir/run.trace")
for role in kernel initrd; do
    file=$linux/vmlinux
    [ $role = initrd ] && file=$linux/initramfs.cpio.gz
    want=$(printf '%s\n' "$info" | sed -n "s/^image: *$role .*sha256 \([0-9a-f]*\)$/\1/p")
    have=$(sha256sum "$file" | cut -d' ' -f1)
    if [ "$want" != "$have" ]; then
        echo "1..0 # SKIP the fetched $role $file has sha256 $have, the stored snapshot was taken with $want (another Debian kernel? delete $dir)"
        exit 0
    fi
done
"$ppcrr" replay --restore "$dir/at-$at.snap" --image "kernel=$linux/vmlinux" --image "initrd=$linux/initramfs.cpio.gz" \
    -serial null "$dir/run.trace" </dev/null >/dev/null 2>"$tmp/err"
rc=$?
check "this build restores the mid-boot snapshot and replays the rest of the boot (exit 0)" [ $rc -eq 0 ]
check "without divergence" grep -q "from the snapshot's keyframe: .* no divergence" "$tmp/err"
[ $rc -eq 0 ] || grep -v "unknown hcall" "$tmp/err" | head -n 20 | sed 's/^/#   /'
tap_finish
