#!/bin/sh
# Versioned state layouts: the vty's walk is version 2 (rx_dropped added,
# vio/vty.c) and still reads version 1. tests/migration/old/vty-v1 holds a
# snapshot and trace the version 1 build saved; this build
#  - restores it and replays the rest of the trace without divergence (the
#    checkpoint digest passes over rx_dropped at its default, so the old
#    trace's digests still match);
#  - saves the run again: the vty part is version 2, rx_dropped its
#    default 0;
#  - refuses a vty part newer than it reads, or older than version 1,
#    naming the part and the versions it reads.
#   test_versions.sh PPCRR GUESTS_BUILD_DIR OLD_DIR SNAPSHOT_PROTO
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 guests=$2 old=$3 proto=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
guest= smp= stdin= kernel_sha256=
. "$old/case.conf"
elf=$guests/$guest.elf
if [ "$(sha256sum "$elf" | cut -d' ' -f1)" != "$kernel_sha256" ]; then
    echo "1..0 # SKIP the rebuilt guest $elf is not the one the old snapshot was taken with (sha256 $kernel_sha256)"
    exit 0
fi
snap=$(ls "$old"/*.snap | head -n 1)
have_protoc=false
command -v protoc >/dev/null && command -v zstd >/dev/null && have_protoc=true
# decode SNAP: the snapshot as text.
decode() { zstd -dc "$1" | protoc --proto_path="$(dirname "$proto")" --decode=ppcrr.Snapshot "$(basename "$proto")"; }
# vty_part TEXT: the vty part's version and field ids and data, one per line.
vty_part() { awk '/^part \{/{p=0} /name: "dev:\/vdevice\/vty@/{p=1} p && /^  (version|field|  id|  data)/' "$1" | cut -c1-80; }

if $have_protoc; then
    decode "$snap" >"$tmp/old.txt"
    vty_part "$tmp/old.txt" >"$tmp/old.vty"
    check "the old snapshot's vty part is version 1" grep -qx "  version: 1" "$tmp/old.vty"
    check "and has no field 4 (rx_dropped)" sh -c "! grep -qx '    id: 4' '$tmp/old.vty'"
fi

"$ppcrr" replay --restore "$snap" --image "kernel=$elf" -serial null "$old/run.trace" </dev/null >/dev/null 2>"$tmp/err"
rc=$?
check "this build restores it and replays the old trace to its end" [ $rc -eq 0 ]
check "without divergence (the old trace's checkpoint digests match)" \
    grep -q "from the snapshot's keyframe: .* no divergence" "$tmp/err"
[ $rc -eq 0 ] || sed 's/^/#   /' "$tmp/err" | head -n 10

# A snapshot of the restored machine, saved by this build a little later.
at=$(basename "$snap" .snap)
at=${at#at-}
"$ppcrr" run --restore "$snap" -kernel "$elf" -smp "${smp:-1}" -serial null -max-insns $((at + 1000000)) \
    --snapshot-at $((at + 1)):"$tmp/new.snap" </dev/null >/dev/null 2>"$tmp/err"
check "the restored machine saves again" [ -s "$tmp/new.snap" ]
if $have_protoc && [ -s "$tmp/new.snap" ]; then
    decode "$tmp/new.snap" >"$tmp/new.txt"
    vty_part "$tmp/new.txt" >"$tmp/new.vty"
    check "its vty part is version 2" grep -qx "  version: 2" "$tmp/new.vty"
    field4() { grep -A1 -x '    id: 4' "$tmp/new.vty" | grep -qx '    data: "\\000\\000\\000\\000\\000\\000\\000\\000"'; }
    check "with rx_dropped (field 4) at its default, 0" field4
    # snapshot-diff names the device and field that differ (the power
    # device's code, changed here), and passes over the added field.
    awk '/name: "dev:\/power@/{f=1} f && /^    data:/{print "    data: \"\\001\\000\\000\\000\\000\\000\\000\\000\""; f=0; next}
         /^  frames: /{sub(/frames: [0-9]+/, "frames: 0")} 1' "$tmp/new.txt" |
        protoc --proto_path="$(dirname "$proto")" --encode=ppcrr.Snapshot "$(basename "$proto")" >"$tmp/p.bin"
    head -c 20 "$tmp/new.snap" >"$tmp/p.snap"
    zstd -q -c "$tmp/p.bin" >>"$tmp/p.snap"
    "$ppcrr" harness snapshot-diff "$tmp/new.snap" "$tmp/p.snap" >"$tmp/diff" 2>&1
    check "snapshot-diff: a changed device field differs (exit 1)" [ $? -eq 1 ]
    check "naming the device and the field" grep -q "^part dev:/power@[0-9a-f]*: field id 1 #0: differs from byte 0 of 8" "$tmp/diff"
    check "and nothing else" [ "$(grep -vc '^#\|^the states differ' "$tmp/diff")" -eq 1 ]
    grep -q "^part dev:/power" "$tmp/diff" || sed 's/^/#   /' "$tmp/diff" | head -n 5
    "$ppcrr" harness snapshot-diff "$tmp/new.snap" "$(ls "$old"/*.snap | tail -n 1)" >"$tmp/diff2" 2>&1
    check "snapshot-diff against the version 1 snapshot notes the added field at its default" \
        grep -q "^# part dev:/vdevice/vty@[0-9a-f]*: field id 4 #0: only in A, at its default" "$tmp/diff2"

    # Versions out of range, written with protoc: the whole message as one
    # frame after the signature (the end record then counts no more frames).
    for v in 3 0; do
        awk -v v=$v '/name: "dev:\/vdevice\/vty@/{f=1} f && /^  version:/{sub(/version: [0-9]+/, "version: " v); f=0}
                     /^  frames: /{sub(/frames: [0-9]+/, "frames: 0")} 1' "$tmp/new.txt" |
            protoc --proto_path="$(dirname "$proto")" --encode=ppcrr.Snapshot "$(basename "$proto")" >"$tmp/v.bin"
        head -c 20 "$tmp/new.snap" >"$tmp/v$v.snap"
        zstd -q -c "$tmp/v.bin" >>"$tmp/v$v.snap"
        "$ppcrr" run --restore "$tmp/v$v.snap" -kernel "$elf" -smp "${smp:-1}" -serial null -max-insns 1 \
            </dev/null >/dev/null 2>"$tmp/err"
        rc=$?
        check "a vty part of version $v is refused (status 2)" [ $rc -eq 2 ]
        check "naming the part and the versions this build reads" \
            grep -q "part dev:/vdevice/vty@[0-9a-f]* is version $v in the snapshot; this ppcrr reads versions 1 to 2" "$tmp/err"
        [ $rc -eq 2 ] || sed 's/^/#   /' "$tmp/err" | head -n 5
    done
else
    echo "# protoc or zstd missing: the parts' versions are not decoded"
fi
tap_finish
