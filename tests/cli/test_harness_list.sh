#!/bin/sh
# `ppcrr harness list` as a CI script meets it: a small matrix (an include,
# brace expansion, groups) listed in full and by group; --verbose; the
# shards of --shard K/N for N = 1..5 together list every case exactly once,
# each in matrix order; Bazel's, GitLab's and Kubernetes' environment
# variables select the same cases as the equivalent --shard (and Bazel's
# status file is touched); bad options, environments and matrices exit 2
# with a message.
#   test_harness_list.sh PPCRR
set -u
ppcrr=$1
case $ppcrr in /*) ;; *) ppcrr=$(pwd)/$ppcrr ;; esac   # one check runs it from elsewhere
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-hlist-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

# A CI system running this test may have set these; each check sets its own.
unset TEST_SHARD_INDEX TEST_TOTAL_SHARDS TEST_SHARD_STATUS_FILE CI_NODE_INDEX CI_NODE_TOTAL \
    JOB_COMPLETION_INDEX

# run_env VAR=VALUE... ARGS...: `run` with variables set for ppcrr only.
run_env() {
    env "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}

# error_exit DESC WANT ARGS...: exit status 2, WANT as the first stderr line.
error_exit() {
    desc=$1
    want=$2
    shift 2
    run_env "$@"
    if [ "$rc" -eq 2 ] && [ "$(first_err_line)" = "$want" ] && [ -z "$out" ]; then
        pass "$desc"
    else
        fail "$desc"
        echo "# rc=$rc, first stderr line: $(first_err_line)"
        echo "# expected: $want"
    fi
}

# same GOT WANT: equal strings; on a miss, both (their first lines) as TAP comments.
same() {
    [ "$1" = "$2" ] && return 0
    { echo "got:"; printf '%s\n' "$1" | head -n 8; echo "expected:"; printf '%s\n' "$2" | head -n 8; } |
        sed 's/^/# /'
    return 1
}

mkdir "$tmp/more"
cat >"$tmp/m.cfg" <<'EOF'
# The matrix for this test; the files need not exist to be listed.
[hello]
kernel = hello.elf
groups = quick

[smp-{smp}]
kernel = smp.elf
smp = {1,2,4}
groups = quick smp

include more/gen.cfg

[bios]
bios = slof.bin
append = console=hvc0 {quiet,debug}
EOF
cat >"$tmp/more/gen.cfg" <<'EOF'
[linux]
kernel = vmlinux
initrd = rootfs.cpio
groups = slow
[gen]
kernel = gen.elf
exit = {0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19}
EOF
full="hello
smp-1
smp-2
smp-4
linux"
for i in $(seq 0 19); do full="$full
gen-$i"; done
full="$full
bios-quiet
bios-debug"
printf '%s\n' "$full" >"$tmp/full"

# --- listing ---
run harness list "$tmp/m.cfg"
check "list exits 0" [ "$rc" -eq 0 ]
check "and is quiet on stderr" [ -z "$err" ]
check "every case, in matrix order, included ones where the include is" same "$out" "$full"
run harness list --group quick "$tmp/m.cfg"
check "--group quick" same "$out" "hello
smp-1
smp-2
smp-4"
run harness list --group all "$tmp/m.cfg"
check "--group all is everything" same "$out" "$full"
run harness list --group slow --shard 1/1 "$tmp/m.cfg"
check "--group with --shard" same "$out" "linux"

run harness list --verbose --group slow "$tmp/m.cfg"
check "--verbose: the name first" same "$(sed -n 1p "$tmp/out")" "linux"
check "the run command line, files joined to the matrix's directory" \
    contains "$out" "  run: ppcrr run -kernel $tmp/more/vmlinux -initrd $tmp/more/rootfs.cpio"
check "groups" contains "$out" "  groups: slow"
check "timeout" contains "$out" "  timeout: 120"
check "where it is defined" contains "$out" "  defined: $tmp/more/gen.cfg:1"
check "a summary line" contains "$out" "# 1 of 27 cases: group slow, shard 1/1 (none)"
hash=$(sed -n 's/^  config: //p' "$tmp/out")
check "a 16-digit config hash ($hash)" sh -c 'printf "%s" "$1" | grep -Eqx "[0-9a-f]{16}"' - "$hash"
hash_here=$(cd "$tmp" && "$ppcrr" harness list --verbose --group slow m.cfg | sed -n 's/^  config: //p')
check "the same config hash from another directory" same "$hash_here" "$hash"
run harness list --verbose "$tmp/m.cfg"
check "an argument with a blank is quoted" contains "$out" "-bios $tmp/slof.bin -append 'console=hvc0 quiet'"

# --- shards ---
for shards in 1 2 3 4 5; do
    : >"$tmp/union"
    good_order=true
    k=1
    while [ "$k" -le "$shards" ]; do
        run harness list --shard "$k/$shards" "$tmp/m.cfg"
        [ "$rc" -eq 0 ] || echo "# --shard $k/$shards exited $rc: $err"
        cat "$tmp/out" >>"$tmp/union"
        # In matrix order: the full list filtered down to this shard.
        if [ -s "$tmp/out" ] && [ "$(grep -Fx -f "$tmp/out" "$tmp/full")" != "$out" ]; then
            good_order=false
        fi
        k=$((k + 1))
    done
    check "N=$shards: the shards together list every case" same "$(sort "$tmp/union")" "$(sort "$tmp/full")"
    check "N=$shards: no case twice" [ -z "$(sort "$tmp/union" | uniq -d)" ]
    check "N=$shards: each shard in matrix order" $good_order
done
run harness list --shard 2/3 "$tmp/m.cfg"
shard_2_3=$out
part_of_all() { [ -n "$shard_2_3" ] && [ "$(printf '%s\n' "$shard_2_3" | wc -l)" -lt 27 ]; }
check "a shard is a real part (2/3 holds some but not all)" part_of_all

# --- the same shard from the environment ---
for k in 1 2 3; do
    run harness list --shard "$k/3" "$tmp/m.cfg"
    want=$out
    i=$((k - 1))
    run_env CI_NODE_INDEX="$k" CI_NODE_TOTAL=3 "$ppcrr" harness list "$tmp/m.cfg"
    check "GitLab CI_NODE_INDEX=$k CI_NODE_TOTAL=3 is --shard $k/3" same "$out" "$want"
    rm -f "$tmp/status"
    run_env TEST_SHARD_INDEX="$i" TEST_TOTAL_SHARDS=3 TEST_SHARD_STATUS_FILE="$tmp/status" \
        "$ppcrr" harness list "$tmp/m.cfg"
    check "Bazel TEST_SHARD_INDEX=$i TEST_TOTAL_SHARDS=3 is --shard $k/3" same "$out" "$want"
    check "and TEST_SHARD_STATUS_FILE is touched" [ -e "$tmp/status" ]
    run_env JOB_COMPLETION_INDEX="$i" "$ppcrr" harness list --shards 3 "$tmp/m.cfg"
    check "Kubernetes JOB_COMPLETION_INDEX=$i --shards 3 is --shard $k/3" same "$out" "$want"
done
run_env CI_NODE_TOTAL=1 "$ppcrr" harness list "$tmp/m.cfg"
check "a GitLab job without parallel (CI_NODE_TOTAL=1) lists everything" same "$out" "$full"
run_env CI_NODE_INDEX=1 CI_NODE_TOTAL=3 TEST_SHARD_INDEX=0 TEST_TOTAL_SHARDS=3 \
    "$ppcrr" harness list --shard 2/3 "$tmp/m.cfg"
check "--shard wins over the environment" same "$out" "$shard_2_3"
run_env CI_NODE_INDEX=3 CI_NODE_TOTAL=3 TEST_SHARD_INDEX=1 TEST_TOTAL_SHARDS=3 \
    "$ppcrr" harness list "$tmp/m.cfg"
check "Bazel's variables win over GitLab's" same "$out" "$shard_2_3"

# --- errors ---
error_exit "no MATRIX" "ppcrr harness list: missing MATRIX" "$ppcrr" harness list
check "a usage error shows the usage" contains "$err" "usage: ppcrr harness list"
error_exit "two matrices" "ppcrr harness list: unexpected argument 'x.cfg'" \
    "$ppcrr" harness list "$tmp/m.cfg" x.cfg
error_exit "an unknown option" "ppcrr harness list: unknown option '--bogus'" \
    "$ppcrr" harness list --bogus "$tmp/m.cfg"
error_exit "--shard without a value" "ppcrr harness list: option '--shard' needs a value" \
    "$ppcrr" harness list "$tmp/m.cfg" --shard
error_exit "--shard 0/3" "ppcrr harness list: --shard: '0/3' is not K/N with 1 <= K <= N <= 10000" \
    "$ppcrr" harness list --shard 0/3 "$tmp/m.cfg"
error_exit "--shard 4/3" "ppcrr harness list: --shard: '4/3' is not K/N with 1 <= K <= N <= 10000" \
    "$ppcrr" harness list --shard 4/3 "$tmp/m.cfg"
error_exit "--shards 0" "ppcrr harness list: --shards: '0' is not a shard count from 1 to 10000" \
    "$ppcrr" harness list --shards 0 "$tmp/m.cfg"
error_exit "--shards without JOB_COMPLETION_INDEX" \
    "ppcrr harness list: --shards N is for Kubernetes indexed jobs, but JOB_COMPLETION_INDEX is not set (use --shard K/N)" \
    "$ppcrr" harness list --shards 3 "$tmp/m.cfg"
error_exit "JOB_COMPLETION_INDEX without --shards" \
    "ppcrr harness list: JOB_COMPLETION_INDEX is set: give the number of shards with --shards N" \
    env JOB_COMPLETION_INDEX=0 "$ppcrr" harness list "$tmp/m.cfg"
error_exit "JOB_COMPLETION_INDEX out of range" \
    "ppcrr harness list: JOB_COMPLETION_INDEX: '3' is not a shard index from 0 to 2 (3 shards)" \
    env JOB_COMPLETION_INDEX=3 "$ppcrr" harness list --shards 3 "$tmp/m.cfg"
error_exit "CI_NODE_INDEX=0 (GitLab counts from 1)" \
    "ppcrr harness list: CI_NODE_INDEX: '0' is not a shard index from 1 to 3 (3 shards)" \
    env CI_NODE_INDEX=0 CI_NODE_TOTAL=3 "$ppcrr" harness list "$tmp/m.cfg"
error_exit "CI_NODE_INDEX without CI_NODE_TOTAL" \
    "ppcrr harness list: CI_NODE_INDEX is set but CI_NODE_TOTAL is not" \
    env CI_NODE_INDEX=1 "$ppcrr" harness list "$tmp/m.cfg"
error_exit "TEST_TOTAL_SHARDS not a number" \
    "ppcrr harness list: TEST_TOTAL_SHARDS: 'abc' is not a shard count from 1 to 10000" \
    env TEST_TOTAL_SHARDS=abc TEST_SHARD_INDEX=0 "$ppcrr" harness list "$tmp/m.cfg"
error_exit "TEST_SHARD_INDEX = TEST_TOTAL_SHARDS" \
    "ppcrr harness list: TEST_SHARD_INDEX: '2' is not a shard index from 0 to 1 (2 shards)" \
    env TEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=2 "$ppcrr" harness list "$tmp/m.cfg"
error_exit "a group no case is in" "ppcrr harness list: no case of $tmp/m.cfg is in group 'nosuch'" \
    "$ppcrr" harness list --group nosuch "$tmp/m.cfg"
error_exit "a missing matrix" "ppcrr harness list: $tmp/nope.cfg: No such file or directory" \
    "$ppcrr" harness list "$tmp/nope.cfg"
printf '[a]\nkernel = k\nsmp = 99\n' >"$tmp/bad.cfg"
error_exit "a bad value, with file:line" \
    "ppcrr harness list: $tmp/bad.cfg:3: smp: '99' is not a vCPU count from 1 to 64" \
    "$ppcrr" harness list "$tmp/bad.cfg"
printf 'include missing.cfg\n' >"$tmp/more/inc.cfg"
printf '[a]\nkernel = k\ninclude more/inc.cfg\n' >"$tmp/bad.cfg"
error_exit "a missing include, named where it is included" \
    "ppcrr harness list: $tmp/more/inc.cfg:1: include $tmp/more/missing.cfg: No such file or directory" \
    "$ppcrr" harness list "$tmp/bad.cfg"

run harness list --help
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help prints the usage" contains "$out" "usage: ppcrr harness list [--shard K/N] [--shards N] [--group G] [--verbose] MATRIX"
check "and the exit status" contains "$out" "Exit status: 0"

tap_finish
