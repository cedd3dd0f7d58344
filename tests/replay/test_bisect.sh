#!/bin/sh
# `ppcrr bisect` on a real history of ppcrr itself: a repository is made
# from this source tree with four commits, the third of which changes a
# device model's guest-visible behaviour (the power device's VERSION
# register reads 2 instead of 1). A trace of the power guest recorded by
# this build (= the first commit) must bisect to exactly that commit, with
# its divergence report naming the MMIO read; a second bisect reuses the
# builds; `git bisect run` driven by hand with `replay --check` agrees.
#   test_bisect.sh PPCRR SOURCE_DIR POWER.elf
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 src=$2 guest=$3
tmp=$(mktemp -d)
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT
export GIT_AUTHOR_NAME=ppcrr-test GIT_AUTHOR_EMAIL=test@ppcrr GIT_COMMITTER_NAME=ppcrr-test \
       GIT_COMMITTER_EMAIL=test@ppcrr GIT_CONFIG_NOSYSTEM=1 HOME="$tmp"
repo=$tmp/repo
mkdir -p "$repo"
# The source files as they are in the working tree (uncommitted and new
# files included, ignored ones not).
(cd "$src" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - 2>/dev/null) |
    tar -xf - -C "$repo"
git -C "$repo" init -q && git -C "$repo" add -A && git -C "$repo" commit -qm "c1: as built" || exit 1
echo "A harmless change." >> "$repo/README.md"
git -C "$repo" commit -qam "c2: docs"
sed -i 's/^#define POWER_VERSION .*/#define POWER_VERSION 2/' "$repo/emu/devices/power.h"
git -C "$repo" commit -qam "c3: the power device reports version 2"
echo "Another harmless change." >> "$repo/README.md"
git -C "$repo" commit -qam "c4: more docs"
culprit=$(git -C "$repo" rev-parse HEAD~1)
git -C "$repo" show HEAD~1 -- emu/devices/power.h > "$tmp/c3.diff"
check "the history has the device change at c3" grep -q "^+#define POWER_VERSION 2" "$tmp/c3.diff"

"$ppcrr" record -o "$tmp/power.trace" -kernel "$guest" -serial null </dev/null >/dev/null 2>&1
"$ppcrr" replay --check "$tmp/power.trace" 2>/dev/null
check "this build replays the trace" [ $? -eq 0 ]

"$ppcrr" bisect --trace "$tmp/power.trace" --good HEAD~3 --bad HEAD --repo "$repo" --cache "$tmp/cache" \
    > "$tmp/bisect.out" 2> "$tmp/bisect.err"
rc=$?
check "bisect exits 0" [ $rc -eq 0 ]
check "bisect names exactly the commit that changed the device" grep -qx "first bad commit: $culprit" "$tmp/bisect.out"
check "and shows it" grep -q "c3: the power device reports version 2" "$tmp/bisect.out"
check "with its divergence report naming the MMIO read" \
    grep -q "MMIO read of power at 0xf00000000008 read 0x2, trace has 0x1" "$tmp/bisect.out"
[ $rc -eq 0 ] || { sed 's/^/# /' "$tmp/bisect.out" "$tmp/bisect.err" | tail -n 20; }
builds=$(ls -d "$tmp"/cache/build-* 2>/dev/null | grep -vc '\.log$')
check "each tested revision was built in its own directory ($builds)" [ "$builds" -ge 2 ]
check "the user's checkout is untouched" [ "$(git -C "$repo" rev-parse HEAD)" = "$(git -C "$repo" rev-parse master 2>/dev/null || git -C "$repo" rev-parse main)" ]
check "no bisect left running there" [ ! -e "$repo/.git/BISECT_LOG" ]

logs_before=$(cat "$tmp"/cache/build-*.log | wc -l)
"$ppcrr" bisect --trace "$tmp/power.trace" --good HEAD~3 --bad HEAD --repo "$repo" --cache "$tmp/cache" \
    > "$tmp/again.out" 2>/dev/null
check "a second bisect finds the same commit" grep -qx "first bad commit: $culprit" "$tmp/again.out"
check "reusing the builds (nothing rebuilt)" [ "$(cat "$tmp"/cache/build-*.log | wc -l)" -eq "$logs_before" ]

# By hand: git bisect run with replay --check and the culprit's build.
cat > "$tmp/step.sh" <<STEP
#!/bin/sh
rev=\$(git rev-parse HEAD)
exe=$tmp/cache/build-\$rev/ppcrr
[ -x "\$exe" ] || exit 125
cd "$(pwd)" || exit 125         # the trace names its images relative to here
exec "\$exe" replay --check "$tmp/power.trace" 2>/dev/null
STEP
chmod +x "$tmp/step.sh"
(cd "$repo" && git bisect start HEAD HEAD~3 >/dev/null && git bisect run "$tmp/step.sh" > "$tmp/manual.out" 2>&1;
 git bisect reset >/dev/null 2>&1)
check "git bisect run with replay --check agrees" grep -q "^$culprit is the first bad commit" "$tmp/manual.out"
tap_finish
