#!/bin/sh
# Bad snapshots are refused with the reason, never a crash: truncated (mid
# frame, and with only the end record missing), bit-flipped (in the
# signature, in a frame), a trace given as a snapshot, another machine
# (other kernel, other -m, other -smp, other -append), and a snapshot that
# is not of the trace being replayed. Also the options' spelling, and
# --snapshot-every's files, each restorable.
# And with standard tools only, the file decodes as one ppcrr.Snapshot.
#   test_snapshot_bad.sh PPCRR GUEST.elf OTHER_GUEST.elf [SNAPSHOT.PROTO]
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 guest=$2 other=$3 proto=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
opts="-kernel $guest -serial null -rtc base=2024-01-01T00:00:00"

"$ppcrr" record -o "$tmp/t.trace" $opts --snapshot-at "100000:$tmp/s.snap" >/dev/null 2>&1 </dev/null
check "a snapshot to damage" [ -s "$tmp/s.snap" ]
size=$(wc -c <"$tmp/s.snap")

# restore_fails NAME FILE TEXT [OPTIONS...]: `run --restore FILE` exits 2 and says TEXT.
restore_fails() {
    what=$1 file=$2 text=$3
    shift 3
    run run $opts "$@" --restore "$file"
    check "$what: refused (status 2)" [ "$rc" -eq 2 ]
    check "$what: saying why" contains "$err" "$text"
}

run run $opts --restore "$tmp/s.snap"
check "the intact snapshot restores (status 0)" [ "$rc" -eq 0 ]
if [ -n "$proto" ] && command -v protoc >/dev/null && command -v zstd >/dev/null; then
    text=$(zstd -dc "$tmp/s.snap" | protoc --proto_path="$(dirname "$proto")" --decode=ppcrr.Snapshot \
        "$(basename "$proto")" 2>&1)
    check "zstd -dc | protoc --decode=ppcrr.Snapshot reads it" contains "$text" "format_version: 1"
    check "down to the end record" contains "$text" "end {"
fi

head -c $((size / 2)) "$tmp/s.snap" >"$tmp/half.snap"
restore_fails "cut in half" "$tmp/half.snap" "(truncated)"
# The end record is the last frame and small: cutting 20 bytes loses it only.
head -c $((size - 20)) "$tmp/s.snap" >"$tmp/cut.snap"
restore_fails "the last bytes cut" "$tmp/cut.snap" "truncated"
head -c 10 "$tmp/s.snap" >"$tmp/tiny.snap"
restore_fails "ten bytes" "$tmp/tiny.snap" "not a ppcrr snapshot"

# flip FILE OFFSET: a copy of s.snap with the byte at OFFSET inverted.
flip() {
    cp "$tmp/s.snap" "$1"
    b=$(od -An -tu1 -j "$2" -N1 "$tmp/s.snap" | tr -d ' ')
    printf "$(printf '\\%03o' $((255 - b)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
flip "$tmp/sig.snap" 9
restore_fails "a flipped signature byte" "$tmp/sig.snap" "byte 0: not a ppcrr snapshot"
flip "$tmp/mid.snap" $((size / 2))
restore_fails "a flipped byte mid-file" "$tmp/mid.snap" "corrupted"
restore_fails "a trace" "$tmp/t.trace" "it is a trace"
restore_fails "a missing file" "$tmp/none.snap" "cannot read"

restore_fails "another kernel" "$tmp/s.snap" "the kernel image differs" -kernel "$other"
restore_fails "another -m" "$tmp/s.snap" "512 MiB of RAM, this one has 256 MiB (-m)" -m 256M
restore_fails "another -smp" "$tmp/s.snap" "1 vCPUs, this one has 2 (-smp)" -smp 2
restore_fails "another -append" "$tmp/s.snap" "device tree differs" -append quiet

# A snapshot of another recording: its keyframe is not in this trace.
"$ppcrr" record -o "$tmp/other.trace" -kernel "$other" -serial null --snapshot-at "100000:$tmp/o.snap" \
    >/dev/null 2>&1 </dev/null
run replay --restore "$tmp/o.snap" "$tmp/t.trace"
check "a snapshot of another machine, replayed: status 2" [ "$rc" -eq 2 ]
check "naming the image" contains "$err" "the kernel image differs"
"$ppcrr" record -o "$tmp/t2.trace" $opts >/dev/null 2>&1 </dev/null
run replay --restore "$tmp/s.snap" "$tmp/t2.trace"
check "a snapshot of another recording of the machine: diverged (status 1)" [ "$rc" -eq 1 ]
check "the trace has no keyframe for it" contains "$err" "the trace has no keyframe at icount 100000"

run run $opts --snapshot-at 100
check "--snapshot-at without a file: usage error" [ "$rc" -eq 2 ]
run run $opts --snapshot-every "0:$tmp/x"
check "--snapshot-every 0: usage error" [ "$rc" -eq 2 ]
run run $opts --snapshot-every "100000:$tmp/x"
check "--snapshot-every without {icount}: usage error" [ "$rc" -eq 2 ]
check "which says so" contains "$err" "has no {icount}"
run replay --tolerant --restore "$tmp/s.snap" "$tmp/t.trace"
check "replay --tolerant --restore: usage error" [ "$rc" -eq 2 ]

run record -o "$tmp/e.trace" $opts --snapshot-every "50000:$tmp/e-{icount}.snap"
files=$(ls "$tmp"/e-*.snap 2>/dev/null | wc -l)
kf=$("$ppcrr" trace dump "$tmp/e.trace" | grep -c " keyframe saved to ")
check "--snapshot-every: a file per boundary, named by its icount ($files)" [ "$files" -ge 2 ] && [ -s "$tmp/e-100000.snap" ]
check "and a keyframe for each" [ "$kf" -eq "$files" ]
ok=0
for f in "$tmp"/e-*.snap; do
    "$ppcrr" replay --restore "$f" "$tmp/e.trace" 2>/dev/null </dev/null || ok=1
done
check "each replays the trace from its keyframe" [ $ok -eq 0 ]
tap_finish
