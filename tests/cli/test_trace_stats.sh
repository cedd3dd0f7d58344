#!/bin/sh
# `ppcrr trace stats` as a user meets it: the text report on a synthetic
# trace (hcall names from the trace header, the table, return codes, call
# sites), --json checked with Python's json module and against the events
# `trace dump --json` shows, --top, --symbols with a real ELF from this
# machine (/bin/true: it only has to load) and a cut copy of it, usage
# errors (exit 2), unreadable input (exit 1), and a trace cut short (stats
# over what was readable, a warning, exit 0).
#   test_trace_stats.sh PPCRR MAKE_TRACE
set -u
ppcrr=$1
make_trace=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-stats-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

# has_line REGEX: some line of the last stdout matches the extended REGEX
has_line() { grep -Eq "$1" "$tmp/out" || { echo "# no line matches: $1"; return 1; }; }
# site_rows: call-site table rows in the last stdout
site_rows() { grep -Ec '^ +[0-9]+ +[0-9.]+% +0x[0-9a-f]+' "$tmp/out"; }

usage_error() {
    desc=$1
    want=$2
    shift 2
    run "$@"
    if [ "$rc" -eq 2 ] && [ "$(first_err_line)" = "$want" ] && contains "$err" "usage: ppcrr trace stats" >/dev/null; then
        pass "$desc"
    else
        fail "$desc"
        echo "# rc=$rc, first stderr line: $(first_err_line)"
        echo "# expected: $want"
    fi
}

have_python=false
command -v python3 >/dev/null 2>&1 && have_python=true
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

"$make_trace" "$tmp/t.trace" 3000 2048 7 || echo "Bail out! make_trace failed"

# --- the text report ---
run trace stats "$tmp/t.trace"
check "stats exits 0" [ "$rc" -eq 0 ]
check "and is quiet on stderr" [ -z "$err" ]
check "the summary counts every event" contains "$out" "events:       3000, icount "
check "and the vCPUs" contains "$out" "vCPUs:        2 with events (2 in the header)"
check "the hcall table has its heading" has_line '^hcall +calls +share +mean gap +min gap +mean ns +p50 ns +p99 ns +max ns +host share$'
for name in H_ENTER H_REMOVE H_PUT_TERM_CHAR; do
    check "a row for $name, named from the trace header" has_line "^$name +[0-9]+ +[0-9.]+% +[0-9.]+ +[0-9]+ +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+%$"
    check "$name's return codes" has_line "^$name: [0-9]+ calls; returns H_SUCCESS [0-9]+ \\([0-9.]+%\\)"
done
check "the most called hcall comes first" sh -c "grep -E '^H_[A-Z_]+ +[0-9]' \"\$1\" | head -n 1 | grep -q '^H_ENTER '" - "$tmp/out"
check "the hottest call sites over all hcalls" has_line '^Hottest hcall sites \(5 of [0-9]+\):$'
check "an RTAS table" has_line '^get-time-of-day +0x2001 +[0-9]+ +100\.0% +[0-9.]+ +[0-9]+$'
check "5 sites each for 3 hcalls, the RTAS call and overall" [ "$(site_rows)" -eq 25 ]
table_sum=$(awk '/^H_[A-Z_]+ +[0-9]/ { s += $2 } END { print s + 0 }' "$tmp/out")
summary=$(sed -n 's/^hcalls: *\([0-9]*\).*/\1/p' "$tmp/out")
check "the table's counts add up to the summary's hcalls ($table_sum)" [ "$table_sum" = "$summary" ]

run trace stats --top 2 "$tmp/t.trace"
check "--top 2 lists 2 sites per table" [ "$(site_rows)" -eq 10 ]
run trace stats --top 0 "$tmp/t.trace"
check "--top 0 lists none" [ "$(site_rows)" -eq 0 ]
check "but keeps the tables" has_line '^H_ENTER +[0-9]+ '

# --- JSON, against what `trace dump --json` shows ---
"$ppcrr" trace dump --json "$tmp/t.trace" >"$tmp/dump.json"
dump_hcalls=$(grep -c '"kind":"hcall"' "$tmp/dump.json")
dump_rtas=$(grep -c '"kind":"rtas"' "$tmp/dump.json")
run trace stats --json "$tmp/t.trace"
check "--json exits 0" [ "$rc" -eq 0 ]
if $have_python; then
    check "--json is valid JSON" python3 -m json.tool "$tmp/out" /dev/null
    check "its total hcall count equals the hcall events in the dump ($dump_hcalls)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["hcalls"] == int(sys.argv[2]), (d["hcalls"], sys.argv[2])
assert sum(h["count"] for h in d["hcall"]) == d["hcalls"]
assert d["rtas_calls"] == int(sys.argv[3]) == sum(r["count"] for r in d["rtas"])
assert d["events"] == 3000 and d["warning"] is None and d["error"] is None
' "$tmp/out" "$dump_hcalls" "$dump_rtas"
    check "each hcall's numbers hang together" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [h["name"] for h in d["hcall"]]
assert {"H_ENTER", "H_REMOVE", "H_PUT_TERM_CHAR"} <= set(names), names
counts = [h["count"] for h in d["hcall"]]
assert counts == sorted(counts, reverse=True)
for h in d["hcall"]:
    ns = h["host_ns"]
    assert ns["p50"] <= ns["p99"] <= ns["max"], ns
    assert h["min_gap"] <= h["mean_gap"]
    assert sum(r["count"] for r in h["returns"]) == h["count"]
    assert 1 <= len(h["sites"]) <= 5
    assert all(s["pc"].startswith("0x") for s in h["sites"])
assert len(d["hot_sites"]) == 5
' "$tmp/out"
else
    skip "python3 not installed"
    skip "python3 not installed"
    skip "python3 not installed"
fi
check "--json and text agree on the total" contains "$out" "\"hcalls\": $summary,"

# --- --symbols ---
if [ "$(head -c 5 /bin/true | od -An -tx1 | tr -d ' \n')" = "7f454c4602" ]; then
    run trace stats --symbols /bin/true "$tmp/t.trace"
    check "--symbols with a real ELF64 (/bin/true) exits 0" [ "$rc" -eq 0 ]
    check "and adds a function column" has_line '^ +calls +share +pc +function$'
    run trace stats --json --symbols /bin/true "$tmp/t.trace"
    if $have_python; then
        check "--json --symbols is valid JSON" python3 -m json.tool "$tmp/out" /dev/null
    else
        skip "python3 not installed"
    fi
    head -c 300 /bin/true >"$tmp/cut.elf"
    run trace stats --symbols "$tmp/cut.elf" "$tmp/t.trace"
    check "a cut ELF exits 1" [ "$rc" -eq 1 ]
    check "naming the file" contains "$err" "cut.elf: "
    check "and prints no report" [ -z "$out" ]
else
    skip "/bin/true is not a 64-bit ELF here"
    skip "/bin/true is not a 64-bit ELF here"
    skip "/bin/true is not a 64-bit ELF here"
    skip "/bin/true is not a 64-bit ELF here"
    skip "/bin/true is not a 64-bit ELF here"
    skip "/bin/true is not a 64-bit ELF here"
fi
run trace stats --symbols "$tmp/t.trace" "$tmp/t.trace"
check "a trace given as --symbols exits 1" [ "$rc" -eq 1 ]
check "saying it is not ELF" contains "$err" "not an ELF file"
run trace stats --symbols "$tmp/missing.elf" "$tmp/t.trace"
check "a missing --symbols file exits 1" [ "$rc" -eq 1 ]

# --- usage ---
run trace stats --help
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help shows the usage" contains "$out" "usage: ppcrr trace stats [--json] [--symbols ELF] [--top N] FILE"
check "--help documents the exit status" contains "$out" "Exit status:"
run trace --help
check "trace --help lists stats" contains "$out" "  stats FILE"
usage_error "stats without FILE" "ppcrr trace stats: missing FILE" trace stats
usage_error "stats with two files" "ppcrr trace stats: unexpected argument 'b'" trace stats a b
usage_error "an unknown option" "ppcrr trace stats: unknown option '--frob'" trace stats --frob "$tmp/t.trace"
usage_error "an unknown short option" "ppcrr trace stats: unknown option '-x'" trace stats -x "$tmp/t.trace"
usage_error "--top not a number" "ppcrr trace stats: --top: 'abc' is not a count" trace stats --top abc "$tmp/t.trace"
usage_error "--top negative" "ppcrr trace stats: --top: '-1' is not a count" trace stats --top -1 "$tmp/t.trace"
usage_error "--top too large" "ppcrr trace stats: --top: '4294967296' is not a count" trace stats --top 4294967296 "$tmp/t.trace"
usage_error "--symbols without a value" "ppcrr trace stats: option '--symbols' needs a value" trace stats --symbols

# --- unreadable and damaged traces ---
run trace stats "$tmp/missing.trace"
check "a missing trace exits 1" [ "$rc" -eq 1 ]
check "with a message" contains "$err" "missing.trace: cannot open"
printf 'not a trace\n' >"$tmp/text.trace"
run trace stats "$tmp/text.trace"
check "a text file exits 1" [ "$rc" -eq 1 ]
check "saying it is not a trace" contains "$err" "not a ppcrr trace"

size=$(wc -c <"$tmp/t.trace")
head -c $((size / 2)) "$tmp/t.trace" >"$tmp/cut.trace"
run trace stats "$tmp/cut.trace"
check "a trace cut in half exits 0" [ "$rc" -eq 0 ]
check "with the reader's warning" contains "$err" "warning: "
check "saying where it was cut" contains "$err" "truncated at byte"
check "and stats over what was readable" has_line '^H_ENTER +[0-9]+ '
cut_hcalls=$(sed -n 's/^hcalls: *\([0-9]*\).*/\1/p' "$tmp/out")
between() { [ "$1" -gt 0 ] && [ "$1" -lt "$2" ]; }
check "some but fewer hcalls than the whole trace ($cut_hcalls < $summary)" between "${cut_hcalls:-0}" "$summary"

cp "$tmp/t.trace" "$tmp/bad.trace"
printf '\377\377\377\377' | dd of="$tmp/bad.trace" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run trace stats "$tmp/bad.trace"
check "a corrupt trace exits 1" [ "$rc" -eq 1 ]
check "naming the file and byte" contains "$err" "bad.trace: byte "

if [ -w /dev/full ]; then
    "$ppcrr" trace stats "$tmp/t.trace" >/dev/full 2>"$tmp/err"
    check "a report to a full disk exits 1" [ "$?" -eq 1 ]
    check "saying it could not write" contains "$(cat "$tmp/err")" "cannot write the output"
fi

tap_finish
