# TAP for the shell tests, sourced by each: pass/fail/check count and print
# test points, contains tests a substring (printing what it looked in on a
# miss), tap_finish prints the plan and gives the exit status. For tests
# that set $ppcrr and $tmp: run ARGS... runs ppcrr and sets $rc, $out
# (stdout) and $err (stderr); first_err_line prints the first line of $err.
n=0
failed=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { desc=$1; shift; if "$@"; then pass "$desc"; else fail "$desc"; fi; }
contains() { case "$1" in *"$2"*) return 0 ;; *) echo "# '$2' not in: $(printf '%s' "$1" | head -n 3)"; return 1 ;; esac; }
tap_finish() { echo "1..$n"; [ "$failed" -eq 0 ]; }
run() {
    "$ppcrr" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}
first_err_line() { head -n 1 "$tmp/err"; }
