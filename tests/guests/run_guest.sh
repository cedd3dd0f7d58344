#!/bin/sh
# Runs one test guest on ppcrr or on QEMU's pseries machine and turns its
# console into TAP for meson (protocol 'tap'). The guest prints its own
# "ok N - ..." lines and plan on the console; this script passes the test
# lines through, turns every other console line into a '#' comment (QEMU
# and ppcrr banners, the guest's free text), drops the guest's plan and
# adds its own checks after the guest's: the guest printed a plan that
# matches its test count, the emulator exited with the expected status
# within the time limit, and (optionally) the console showed some text.
#
#   run_guest.sh [--exit N] [--stdin TEXT] [--expect TEXT] [--timeout S]
#                [--guest-lines FILE] [--machine M] [--ram MIB] [--smp N] [--stamp]
#                KIND EMULATOR IMAGE
#
# KIND: ppcrr       EMULATOR run -kernel IMAGE -nographic      (IMAGE: the ELF)
#       ppcrr-bios  EMULATOR run -bios IMAGE -nographic        (IMAGE: the flat file)
#       qemu        EMULATOR -M pseries -cpu POWER8 -m 512 -nographic
#                   -monitor none -no-reboot -bios IMAGE       (IMAGE: the flat file)
# --machine M replaces QEMU's "-M pseries" argument (e.g. with a machine
# property such as cap-hpt-max-page-size=16M); ppcrr ignores it.
# --ram MIB is the guest's RAM on either (-m; 512 without it).
# --smp N gives either emulator N vCPUs (-smp N; one without it).
# --stamp (for benchmark guests, not with --stdin) reads the host's clock as
# each console line arrives: a part the guest brackets with "# bench-begin
# WHAT" and "# bench-end WHAT COUNT UNIT" is reported as "# host clock:
# WHAT: ... per second" -- the emulator's speed, whatever its timebase.
# --stdin TEXT is piped into the emulator's stdin (the vty's input);
# without it stdin is /dev/null. --guest-lines FILE receives the
# guest's own test lines, for compare_guest.sh.
set -u

want_exit=0 stdin_text='' has_stdin=0 expect='' limit=60 guest_lines=/dev/null machine=pseries
stamp=0 ram= smp=
while [ $# -gt 0 ]; do
    case $1 in
    --exit) want_exit=$2; shift 2 ;;
    --stdin) stdin_text=$2; has_stdin=1; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    --guest-lines) guest_lines=$2; shift 2 ;;
    --machine) machine=$2; shift 2 ;;
    --stamp) stamp=1; shift ;;
    --ram) ram=$2; shift 2 ;;
    --smp) smp=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "Bail out! run_guest.sh: unknown option $1"; exit 1 ;;
    *) break ;;
    esac
done
if [ $# -ne 3 ]; then
    echo "Bail out! usage: run_guest.sh [options] ppcrr|ppcrr-bios|qemu EMULATOR IMAGE"
    exit 1
fi
kind=$1 emu=$2 image=$3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run_guest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

case $kind in
ppcrr) set -- "$emu" run -kernel "$image" -nographic ${ram:+-m "$ram"} ${smp:+-smp "$smp"} ;;
ppcrr-bios) set -- "$emu" run -bios "$image" -nographic ${ram:+-m "$ram"} ${smp:+-smp "$smp"} ;;
qemu) set -- "$emu" -M "$machine" -cpu POWER8 -m "${ram:-512}" ${smp:+-smp "$smp"} -nographic -monitor none -no-reboot \
          -bios "$image" ;;
*) echo "Bail out! run_guest.sh: unknown kind $kind"; exit 1 ;;
esac
echo "# $*"

# timeout(1) exits 124 when the limit hits; -k: KILL if TERM is ignored.
# Input goes through a pipe: ppcrr polls only a terminal, pipe or socket
# (a regular file cannot be polled). The pipeline's status is timeout's.
: > "$tmp/host"
if [ "$stamp" = 1 ]; then
    # Each line with the host's clock (ns) in front, as it arrives.
    { timeout -k 5 "$limit" "$@" < /dev/null 2> "$tmp/err"; echo $? > "$tmp/status"; } |
        while IFS= read -r line; do
            printf '%s %s\n' "$(date +%s%N)" "$line"
        done > "$tmp/stamped"
    status=$(cat "$tmp/status")
    cut -d ' ' -f 2- "$tmp/stamped" > "$tmp/out"
    tr -d '\r' < "$tmp/stamped" | awk '
        $2 == "#" && $3 == "bench-begin" { w = $0; sub(/^[^#]*# bench-begin /, "", w); t[w] = $1; next }
        $2 == "#" && $3 == "bench-end" {
            n = NF; unit = $n; count = $(n - 1)
            w = $0; sub(/^[^#]*# bench-end /, "", w); sub(/ [^ ]+ [^ ]+$/, "", w)
            if (w in t) {
                s = ($1 - t[w]) / 1e9
                rate = s > 0 ? count / s : 0
                printf "# host clock: %s: %d %s in %.3f s: %.0f per second\n", w, count, unit, s, rate
            }
        }' > "$tmp/host"
elif [ "$has_stdin" = 1 ]; then
    printf '%s' "$stdin_text" | timeout -k 5 "$limit" "$@" > "$tmp/out" 2> "$tmp/err"
    status=$?
else
    timeout -k 5 "$limit" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
    status=$?
fi

# The console as text: no CR, no NUL (QEMU's vty inserts NUL after CR
# on input, and a guest echo may carry it back).
tr -d '\r\000' < "$tmp/out" > "$tmp/console"

awk -v status="$status" -v want="$want_exit" -v limit="$limit" -v kind="$kind" \
    -v expect="$expect" -v errfile="$tmp/err" -v lines="$guest_lines" -v hostfile="$tmp/host" '
    /^(not )?ok( |$)/ { tests++; print; print > lines; next }
    /^1\.\.[0-9]+/     { plan = substr($0, 4) + 0; has_plan = 1; next }
    /^Bail out!/       { print; bailed = 1; next }
    /^#/               { print; next }
                       { print "# console: " $0 }
    END {
        while ((getline line < hostfile) > 0)
            print line
        n = tests
        if (has_plan && plan == tests)
            printf "ok %d - the guest printed its plan (%d tests)\n", ++n, plan
        else if (has_plan)
            printf "not ok %d - the guest planned %d tests and printed %d\n", ++n, plan, tests
        else
            printf "not ok %d - the guest printed no plan (crashed or hung?)\n", ++n
        if (status == 124)
            printf "not ok %d - %s exited within %d s\n", ++n, kind, limit
        else if (status == want)
            printf "ok %d - %s exited with status %d\n", ++n, kind, status
        else
            printf "not ok %d - %s exited with status %d, expected %d\n", ++n, kind, status, want
        if (expect != "") {
            found = 0
            while ((getline line < ARGV[1]) > 0)
                if (index(line, expect)) found = 1
            printf "%s %d - the console shows \"%s\"\n", found ? "ok" : "not ok", ++n, expect
        }
        if (status != want) {
            while ((getline line < errfile) > 0)
                print "# stderr: " line
        }
        printf "1..%d\n", n
    }' "$tmp/console"
