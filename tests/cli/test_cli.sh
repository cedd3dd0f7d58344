#!/bin/sh
# The `ppcrr` command line as a user meets it: help and version, usage errors
# (one line saying what is wrong, then the usage, exit 2), and `trace info` /
# `trace dump` on real trace files, healthy and damaged. --json output is
# checked with Python's json module, --from/--to against awk over the full
# dump.
#   test_cli.sh PPCRR MAKE_TRACE
set -u
ppcrr=$1
make_trace=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"


# usage_error DESC EXPECTED-FIRST-LINE ARGS...
usage_error() {
    desc=$1
    want=$2
    shift 2
    run "$@"
    if [ "$rc" -eq 2 ] && [ "$(first_err_line)" = "$want" ] && contains "$err" "usage: ppcrr" >/dev/null; then
        pass "$desc"
    else
        fail "$desc"
        echo "# rc=$rc, first stderr line: $(first_err_line)"
        echo "# expected: $want"
    fi
}

# --- help and version ---
run --help
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help shows the usage and the trace command" contains "$out" "usage: ppcrr [--help] [--version] <command>"
check "--help lists trace" contains "$out" "  trace "
run --version
check "--version exits 0" [ "$rc" -eq 0 ]
check "--version names ppcrr and its version" contains "$out" "ppcrr 0.1.0"
check "--version prints a 40-digit build id" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^build id [0-9a-f]{40}$'" - "$out"
for args in "trace --help" "trace info --help" "trace dump --help" "trace dump -h"; do
    # shellcheck disable=SC2086
    run $args
    check "ppcrr $args exits 0 with usage on stdout" [ "$rc" -eq 0 ]
    check "ppcrr $args usage is real" contains "$out" "usage: ppcrr trace"
done
run trace dump --help
check "dump --help documents --from" contains "$out" "--from ICOUNT"

# --- usage errors ---
usage_error "no command" "ppcrr: missing command"
usage_error "unknown top-level flag" "ppcrr: unknown option '--bogus'" --bogus
usage_error "unknown command" "ppcrr: unknown command 'frobnicate'" frobnicate
usage_error "--version with an argument" "ppcrr: --version takes no arguments" --version x
usage_error "trace without subcommand" "ppcrr trace: missing command"  trace
usage_error "unknown trace subcommand" "ppcrr trace: unknown command 'explode'" trace explode
usage_error "info without FILE" "ppcrr trace info: missing FILE" trace info
usage_error "info with two files" "ppcrr trace info: unexpected argument 'b'" trace info a b
usage_error "dump with an unknown long option" "ppcrr trace dump: unknown option '--frob'" trace dump --frob x
usage_error "dump with an unknown short option" "ppcrr trace dump: unknown option '-x'" trace dump -x f
usage_error "dump --from without a value" "ppcrr trace dump: option '--from' needs a value" trace dump --from
usage_error "dump --from not a number" "ppcrr trace dump: --from: 'abc' is not an icount" trace dump --from abc f
usage_error "dump --to negative" "ppcrr trace dump: --to: '-5' is not an icount" trace dump --to -5 f
usage_error "dump --from after --to" "ppcrr trace dump: --from is after --to" trace dump --from 9 --to 3 f
usage_error "a leading zero is decimal, not octal" "ppcrr trace dump: --from is after --to" trace dump --from 010 --to 9 f
usage_error "dump --from with a leading blank" "ppcrr trace dump: --from: ' 5' is not an icount" trace dump --from ' 5' f
usage_error "dump --from with a bad hex digit" "ppcrr trace dump: --from: '0xg' is not an icount" trace dump --from 0xg f
usage_error "a cluster of unknown short options names the first" "ppcrr trace dump: unknown option '-x'" trace dump -xy f
usage_error "the same for info" "ppcrr trace info: unknown option '-x'" trace info -xy f

# --- a healthy trace ---
"$make_trace" "$tmp/t.trace" 500 1024 || echo "Bail out! make_trace failed"
run trace info "$tmp/t.trace"
check "info exits 0" [ "$rc" -eq 0 ]
check "info counts the events" contains "$out" "events:             500"
check "info reports the index" contains "$out" "index:              present"
check "info reports the compression ratio" contains "$out" "(ratio "
check "info prints no warning for a whole trace" [ -z "$err" ]

run trace dump "$tmp/t.trace"
check "dump exits 0" [ "$rc" -eq 0 ]
check "dump prints one line per event" [ "$(wc -l <"$tmp/out")" -eq 500 ]
check "dump lines are 'icount cpu pc event'" sh -c "! grep -Evq '^[0-9]+ [01] 0x[0-9a-f]+ [a-zA-Z_]' \"\$1\"" - "$tmp/out"
check "dump names hcalls and return codes" contains "$out" ") = H_SUCCESS"
cp "$tmp/out" "$tmp/full.txt"

# --from/--to against awk over the full dump
from=$(sed -n '100p' "$tmp/full.txt" | cut -d' ' -f1)
to=$(sed -n '300p' "$tmp/full.txt" | cut -d' ' -f1)
run trace dump --from "$from" --to "$to" "$tmp/t.trace"
awk -v a="$from" -v b="$to" '$1 >= a && $1 <= b' "$tmp/full.txt" >"$tmp/want.txt"
check "--from/--to select exactly the events in range" cmp -s "$tmp/out" "$tmp/want.txt"
check "--from/--to selected 201 events" [ "$(wc -l <"$tmp/out")" -eq 201 ]
hexfrom=$(printf '0x%x' "$((from + 1))")
run trace dump --from "$hexfrom" "$tmp/t.trace"
check "--from takes hex and starts after the event it excludes" [ "$(wc -l <"$tmp/out")" -eq 400 ]

run trace dump --json "$tmp/t.trace"
check "dump --json exits 0" [ "$rc" -eq 0 ]
if command -v python3 >/dev/null 2>&1; then
    printf '%s\n' "$out" >"$tmp/json.txt"
    check "every --json line is a JSON object with index, icount, cpu, pc and kind" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
assert len(objs) == 500, len(objs)
assert [o["index"] for o in objs] == list(range(500))
assert all({"icount", "cpu", "pc", "kind"} <= o.keys() for o in objs)
assert any(o["kind"] == "hcall" and o.get("ret_name") == "H_SUCCESS" for o in objs)
' "$tmp/json.txt"
    check "--json and text dumps agree on every icount" python3 -c '
import json, sys
j = [json.loads(l)["icount"] for l in open(sys.argv[1])]
t = [int(l.split()[0]) for l in open(sys.argv[2])]
assert j == t
' "$tmp/json.txt" "$tmp/full.txt"
else
    n=$((n + 1)); echo "ok $n # SKIP python3 not installed"
fi

# --- damaged traces ---
"$make_trace" "$tmp/noindex.trace" 500 1024 1 noindex
run trace dump "$tmp/noindex.trace"
lines=$(wc -l <"$tmp/out")
check "a trace without index dumps without error" [ "$rc" -eq 0 ]
check "every one of its 500 events" [ "$lines" -eq 500 ]
check "and warns that the recorder did not finish" contains "$err" "no index"

size=$(wc -c <"$tmp/t.trace")
head -c $((size / 2)) "$tmp/t.trace" >"$tmp/cut.trace"
run trace info "$tmp/cut.trace"
check "info on a cut trace exits 0" [ "$rc" -eq 0 ]
check "and says where it was cut" contains "$err" "truncated at byte"

cp "$tmp/t.trace" "$tmp/bad.trace"
printf '\377\377\377\377' | dd of="$tmp/bad.trace" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run trace dump "$tmp/bad.trace"
check "dump of a corrupt trace exits 1" [ "$rc" -eq 1 ]
check "and names the file and byte" contains "$err" "bad.trace: byte "
check "after printing the events before the damage" [ -n "$out" ]

run trace info "$tmp/missing.trace"
check "info on a missing file exits 1" [ "$rc" -eq 1 ]
check "and says why" contains "$err" "cannot open"
printf 'not a trace\n' >"$tmp/text.trace"
run trace dump "$tmp/text.trace"
check "dump of a text file exits 1" [ "$rc" -eq 1 ]
check "saying it is not a trace" contains "$err" "not a ppcrr trace"

if [ -w /dev/full ]; then
    "$ppcrr" trace dump "$tmp/t.trace" >/dev/full 2>"$tmp/err"
    rc=$?
    check "dump to a full disk exits 1" [ "$rc" -eq 1 ]
    check "and says it could not write" contains "$(cat "$tmp/err")" "cannot write the output"
    "$ppcrr" trace info "$tmp/t.trace" >/dev/full 2>/dev/null
    check "info to a full disk exits 1" [ "$?" -eq 1 ]
fi

tap_finish
