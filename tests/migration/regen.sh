#!/bin/sh
# Regenerates the stored migration snapshots (tests/migration/README.md says
# when -- never to make a divergence go away):
#   tests/migration/regen.sh BUILD_DIR [GUEST...]
# For each test guest the replay suite round-trips (default: all of them),
# records one run with BUILD_DIR/ppcrr, saving a snapshot every third of
# its instructions (at the round boundaries after; two or three), and keeps in tests/migration/guests/NAME/
#   run.trace          the recording (its keyframes are where the snapshots were saved)
#   at-ICOUNT.snap     the snapshots
#   case.conf          smp, stdin and the guest image's sha256 when recorded
# The clock is fixed and host time is off, so the run is the same each time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shift
ppcrr=$build/ppcrr
# The guests of tests/guests/meson.build's papr_guests with their options
# (name smp stdin).
all="hello:1: hcall:1: rtas:1: rtas2:1: nvram:1: exceptions:1: power:1: vtyecho:1:hello q mmu:1: aliasing:1: smc:1: smp:4: xics:4: cede:4:"
want=${*:-}
IFS_SAVE=$IFS
for entry in $(echo "$all" | sed 's/hello q/hello_q/'); do
    name=${entry%%:*}
    rest=${entry#*:}
    smp=${rest%%:*}
    stdin=$(echo "${rest#*:}" | tr _ ' ')
    if [ -n "$want" ]; then
        case " $want " in *" $name "*) ;; *) continue ;; esac
    fi
    elf=$build/tests/guests/$name.elf
    [ -f "$elf" ] || { echo "regen: $elf missing (ninja -C $build)" >&2; exit 1; }
    dir=$here/guests/$name
    rm -rf "$dir"
    mkdir -p "$dir"
    opts="-kernel $elf -smp $smp -rtc base=2024-01-01T00:00:00 --no-host-time --checkpoint-every 1000000"
    # A first run to learn its length.
    tmp=$(mktemp -d)
    if [ -n "$stdin" ]; then
        printf '%s' "$stdin" | "$ppcrr" record -o "$tmp/t" $opts >/dev/null 2>&1 || :
    else
        "$ppcrr" record -o "$tmp/t" $opts -serial null </dev/null >/dev/null 2>&1 || :
    fi
    last=$("$ppcrr" trace info "$tmp/t" | sed -n 's/^icount range: *[0-9]* \.\. \([0-9]*\)$/\1/p')
    rm -rf "$tmp"
    [ -n "$last" ] || { echo "regen: $name: recording failed" >&2; exit 1; }
    every=$((last / 3))
    (
        cd "$dir"
        if [ -n "$stdin" ]; then
            printf '%s' "$stdin" | "$ppcrr" record -o run.trace $opts --snapshot-every "$every:at-{icount}.snap" \
                >/dev/null 2>&1 || :
        else
            "$ppcrr" record -o run.trace $opts -serial null --snapshot-every "$every:at-{icount}.snap" \
                </dev/null >/dev/null 2>&1 || :
        fi
    )
    IFS=$IFS_SAVE
    {
        echo "# written by regen.sh with $("$ppcrr" --version | head -n 1)"
        echo "guest=$name"
        echo "smp=$smp"
        echo "stdin='$stdin'"
        echo "kernel_sha256=$(sha256sum "$elf" | cut -d' ' -f1)"
    } >"$dir/case.conf"
    echo "$name: $(ls "$dir" | tr '\n' ' ')($(du -sk "$dir" | cut -f1) KiB)"
done
