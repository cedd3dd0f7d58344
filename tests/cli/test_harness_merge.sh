#!/bin/sh
# `ppcrr harness merge` as a CI job meets it: shard results written by hand
# (heredocs, in the format of harness/results.h), merged into the exact TAP
# expected; exit 0 when every case ran once and passed, 1 for a failure, a
# missing case (a shard absent) or a duplicated one (a shard given twice),
# 2 for usage errors, unreadable, malformed or disagreeing files and an
# unwritable output; the stderr report (shards present and absent, missing
# and duplicated cases, counts); --quiet; --junit parsed with Python's
# xml.etree (counts, classname, failure message); --json read back by merge.
#   test_harness_merge.sh PPCRR
set -u
ppcrr=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-merge-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

have_python=false
command -v python3 >/dev/null 2>&1 && have_python=true
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

# expect_rc DESC WANT: the last run exited WANT
expect_rc() {
    if [ "$rc" -eq "$2" ]; then pass "$1"; else fail "$1"; echo "# exit status $rc, expected $2"; first_err_line | sed 's/^/# /'; fi
}
# has_err_line LINE: some line of the last stderr is exactly LINE
has_err_line() { grep -Fxq -- "$1" "$tmp/err" || { echo "# no stderr line: $1"; sed 's/^/#   /' "$tmp/err"; return 1; }; }
# tap_shape FILE: every line is the version, the plan, a test point or indented
tap_shape() {
    awk 'NR == 1 { if ($0 != "TAP version 13") exit 1; next }
         NR == 2 { if ($0 !~ /^1\.\.[0-9]+$/) exit 1; next }
         /^(not )?ok [0-9]+ - / || /^  / { next }
         { print "# bad TAP line: " $0; exit 1 }' "$1"
}

head_json() {   # INDEX: the header of a shard of guests.cfg (3 shards)
    cat <<EOF
{"format": "ppcrr-harness-results", "version": 1,
 "matrix": "tests/matrix/guests.cfg", "mode": "check",
 "shard": {"index": $1, "total": 3}, "build_id": "b1", "ppcrr_version": "0.1.0",
 "matrix_cases": ["hello", "smp-2", "boom", "skipme", "slow"],
EOF
}

{ head_json 0; cat <<'EOF'
 "cases": [
  {"name": "hello", "status": "pass", "duration": 1.5, "exit_code": 0, "signal": 0,
   "trace": null, "report": null, "output": "Hello\n"},
  {"name": "boom", "status": "fail", "duration": 2.25, "exit_code": 3, "signal": 0,
   "trace": "golden/boom.trace",
   "report": "expected \"1..3\"\nnot ok 1 - inner\n\n...and more",
   "output": "ok 1 - fake\nnot ok 2 - fake\n\u001b[31mred\u0001\n"}
 ]}
EOF
} >"$tmp/s1.json"
{ head_json 1; cat <<'EOF'
 "cases": [
  {"name": "smp-2", "status": "pass", "duration": 3, "exit_code": 0, "signal": 0},
  {"name": "skipme", "status": "skip", "duration": 0, "exit_code": 0, "signal": 0,
   "report": "needs KVM"}
 ]}
EOF
} >"$tmp/s2.json"
{ head_json 2; cat <<'EOF'
 "cases": [
  {"name": "slow", "status": "timeout", "duration": 60, "exit_code": -1, "signal": 9,
   "trace": null, "report": "timed out after 60 s", "output": null, "future_key": [1, {"x": 2}]}
 ]}
EOF
} >"$tmp/s3.json"

# ---- three shards: one failure ----
run harness merge "$tmp/s3.json" "$tmp/s1.json" "$tmp/s2.json"
expect_rc "a failed case: exit 1" 1
cat >"$tmp/want.tap" <<'EOF'
TAP version 13
1..5
not ok 1 - boom
  ---
  status: fail
  duration: 2.250
  exit_code: 3
  trace: "golden/boom.trace"
  report: |
      expected "1..3"
      not ok 1 - inner
      \x2e..and more
  output: |
      ok 1 - fake
      not ok 2 - fake
      \x1b[31mred\x01
  ...
ok 2 - hello
ok 3 - skipme # SKIP needs KVM
  ---
  status: skip
  duration: 0.000
  exit_code: 0
  report: |
      needs KVM
  ...
not ok 4 - slow
  ---
  status: timeout
  duration: 60.000
  signal: 9
  report: |
      timed out after 60 s
  ...
ok 5 - smp-2
EOF
if diff -u "$tmp/want.tap" "$tmp/out" >"$tmp/diff"; then pass "TAP of the merged shards, sorted by name"; else
    fail "TAP of the merged shards, sorted by name"; sed 's/^/# /' "$tmp/diff"; fi
check "output lines such as 'not ok 2' stay inside the YAML block" tap_shape "$tmp/out"
check "shards present and absent" has_err_line "ppcrr harness merge: shards present: 1/3 2/3 3/3; absent: none"
check "counts" has_err_line "ppcrr harness merge: 5 results for 5 cases: 2 pass, 1 fail, 1 timeout, 1 skip"
check "nothing missing or duplicated" sh -c "! grep -Eq 'missing|duplicated' '$tmp/err'"

# ---- all passed ----
sed 's/"status": "fail"/"status": "pass"/' "$tmp/s1.json" >"$tmp/p1.json"
sed 's/"status": "timeout"/"status": "pass"/' "$tmp/s3.json" >"$tmp/p3.json"
run harness merge "$tmp/p1.json" "$tmp/s2.json" "$tmp/p3.json"
expect_rc "every case once, all passed (a skip too): exit 0" 0
check "five test points, all ok" test "$(grep -c '^ok [0-9]* - ' "$tmp/out")" -eq 5

# ---- a shard absent ----
run harness merge "$tmp/p1.json" "$tmp/s2.json"
expect_rc "a missing case: exit 1" 1
check "the absent shard is named" has_err_line "ppcrr harness merge: shards present: 1/3 2/3; absent: 3/3"
check "the missing case is named" has_err_line "ppcrr harness merge: missing (no shard ran it): slow"
check "plan counts the results present" contains "$out" "1..4"

# ---- a shard given twice ----
cp "$tmp/p1.json" "$tmp/p1-again.json"
run harness merge "$tmp/p1.json" "$tmp/s2.json" "$tmp/p3.json" "$tmp/p1-again.json"
expect_rc "duplicated cases: exit 1" 1
check "a duplicate is named" has_err_line "ppcrr harness merge: duplicated (more than one result): boom"
check "every duplicate is named" has_err_line "ppcrr harness merge: duplicated (more than one result): hello"
check "the shard given twice is named" \
    has_err_line "ppcrr harness merge: shards present: 1/3 2/3 3/3; absent: none; given more than once: 1/3"

# ---- --quiet, --junit, --json ----
run harness merge --quiet --junit "$tmp/r.xml" --json "$tmp/r.json" "$tmp/s1.json" "$tmp/s2.json" "$tmp/s3.json"
expect_rc "--quiet --junit --json: exit 1 still" 1
check "--quiet: no TAP" test -z "$out"
check "--quiet: the report on stderr still" contains "$err" "shards present: 1/3 2/3 3/3"
if $have_python; then
    python3 - "$tmp/r.xml" >"$tmp/py" 2>&1 <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
(suite,) = root.findall("testsuite")
a = suite.attrib
assert (a["name"], a["tests"], a["failures"], a["errors"], a["skipped"]) == \
    ("ppcrr harness check", "5", "2", "0", "1"), a
assert abs(float(a["time"]) - 66.75) < 1e-9, a["time"]
cases = suite.findall("testcase")
assert [c.get("name") for c in cases] == ["boom", "hello", "skipme", "slow", "smp-2"]
assert {c.get("classname") for c in cases} == {"ppcrr.guests"}
boom = cases[0].find("failure")
assert boom.get("type") == "fail" and boom.get("message") == 'fail: expected "1..3"', boom.attrib
assert boom.text == 'expected "1..3"\nnot ok 1 - inner\n\n...and more', repr(boom.text)
assert cases[0].find("system-out").text == "ok 1 - fake\nnot ok 2 - fake\n\\x1b[31mred\\x01\n"
assert cases[2].find("skipped").get("message") == "needs KVM"
assert cases[3].find("failure").get("type") == "timeout"
assert cases[1].find("failure") is None and cases[4].find("failure") is None
print("ok")
EOF
    if [ "$(cat "$tmp/py")" = ok ]; then pass "JUnit parses, with the right counts and contents"; else
        fail "JUnit parses, with the right counts and contents"; sed 's/^/# /' "$tmp/py"; fi
    if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["shard"] == {"index": 0, "total": 1}' \
        "$tmp/r.json"; then pass "--json is JSON, shard 1 of 1"; else fail "--json is JSON, shard 1 of 1"; fi
else
    skip "no python3 to parse the JUnit"
    skip "no python3 to parse the JSON"
fi
cp "$tmp/out" "$tmp/quiet.out"
run harness merge "$tmp/s1.json" "$tmp/s2.json" "$tmp/s3.json"
cp "$tmp/out" "$tmp/direct.tap"
run harness merge "$tmp/r.json"
expect_rc "merging the merged JSON again: exit 1 (the failure is still there)" 1
check "and the same TAP" cmp -s "$tmp/direct.tap" "$tmp/out"
check "as a shard of one" has_err_line "ppcrr harness merge: shards present: 1/1; absent: none"

# ---- usage errors: exit 2 ----
run harness merge
expect_rc "no file: exit 2" 2
check "says what is missing" test "$(first_err_line)" = "ppcrr harness merge: missing SHARD.json"
check "then the usage" contains "$err" "usage: ppcrr harness merge"
run harness merge --frobnicate "$tmp/s1.json"
expect_rc "unknown option: exit 2" 2
check "names it" test "$(first_err_line)" = "ppcrr harness merge: unknown option '--frobnicate'"
run harness merge "$tmp/s1.json" --junit
expect_rc "--junit without a file: exit 2" 2
check "names it" test "$(first_err_line)" = "ppcrr harness merge: option '--junit' needs a value"
run harness merge --help
expect_rc "--help: exit 0" 0
check "--help prints the usage with the exit statuses" contains "$out" "Exit status: 0 every case"

# ---- unreadable, malformed, disagreeing input: exit 2 ----
run harness merge "$tmp/s1.json" "$tmp/nope.json"
expect_rc "an absent file: exit 2" 2
check "names it" has_err_line "ppcrr harness merge: $tmp/nope.json: No such file or directory"
check "and prints no TAP" test -z "$out"
printf '{"format": "ppcrr-harness-results", "version": 1,\n "matrix": "x", "mode": [1, 2,' >"$tmp/cut.json"
printf '{"format": "something else"}' >"$tmp/other.json"
run harness merge "$tmp/cut.json" "$tmp/other.json"
expect_rc "malformed files: exit 2" 2
cut_size=$(wc -c <"$tmp/cut.json" | tr -d ' ')
check "a file cut short: file and byte offset (its end, byte $cut_size)" \
    has_err_line "ppcrr harness merge: $tmp/cut.json: byte $cut_size: expected a JSON value, found the end of the file"
check "not results: every bad file is named" \
    has_err_line "ppcrr harness merge: $tmp/other.json: byte 11: \"format\" is not \"ppcrr-harness-results\": not harness results"
sed 's|tests/matrix/guests.cfg|tests/matrix/other.cfg|' "$tmp/s2.json" >"$tmp/o2.json"
run harness merge "$tmp/s1.json" "$tmp/o2.json"
expect_rc "shards of another matrix: exit 2" 2
check "says how they differ" has_err_line "ppcrr harness merge: input 2: matrix 'tests/matrix/other.cfg' in mode 'check', but input 1 ran matrix 'tests/matrix/guests.cfg' in mode 'check'"
check "and which file is which input" has_err_line "  input 2: $tmp/o2.json (shard 2/3)"
sed 's/"total": 3/"total": 4/' "$tmp/s2.json" >"$tmp/t2.json"
run harness merge "$tmp/s1.json" "$tmp/t2.json"
expect_rc "a different number of shards: exit 2" 2
check "says so" has_err_line "ppcrr harness merge: input 2: shard 2/4, but input 1 is one of 3 shards"
sed 's/"slow"\]/"slower"]/' "$tmp/s2.json" >"$tmp/c2.json"
run harness merge "$tmp/s1.json" "$tmp/c2.json"
expect_rc "a different set of cases: exit 2" 2
check "names a case in one only" has_err_line "ppcrr harness merge: input 2: its matrix lacks case 'slow' that input 1's has"
run harness merge --junit "$tmp/no/such/dir/r.xml" "$tmp/p1.json" "$tmp/s2.json" "$tmp/p3.json"
expect_rc "an unwritable --junit: exit 2" 2
check "says why" has_err_line "ppcrr harness merge: cannot write JUnit XML $tmp/no/such/dir/r.xml: No such file or directory"

tap_finish
