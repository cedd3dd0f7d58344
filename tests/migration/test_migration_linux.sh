#!/bin/sh
# Migration compatibility for the Linux boot (suite `migration`). A
# mid-boot snapshot of Debian's kernel with 1 GiB is about 11 MB even at
# 20 million instructions (the kernel and initramfs are in RAM), so it is
# not kept in git: it is made from the fetched images
# (scripts/fetch-linux.sh), by an earlier build when there is one.
#
# With PPCRR_MIGRATION_LINUX=DIR (.ci/run points it into the CI cache), DIR
# keeps run.trace and at-20000000.snap between runs: when they are there,
# this build restores the snapshot an earlier build saved and replays the
# rest of its boot; when not, this build makes them (the test then only
# shows they replay, and says so) and leaves them in DIR for the next
# build. Images whose sha256 differs from the stored snapshot's (a newer
# Debian kernel) skip the test with that reason; delete DIR then, and
# whenever tests/migration/README.md says to regenerate.
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
dir=${PPCRR_MIGRATION_LINUX:-$tmp/linux}
mkdir -p "$dir"
images="-kernel $linux/vmlinux -initrd $linux/initramfs.cpio.gz"
if [ -s "$dir/run.trace" ] && [ -s "$dir/at-$at.snap" ]; then
    echo "# restoring a snapshot saved by $("$ppcrr" trace info "$dir/run.trace" | sed -n 's/^written by: *//p')"
else
    echo "# no earlier build's Linux snapshot in $dir: this build makes one (it only shows it replays)"
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
