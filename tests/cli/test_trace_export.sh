#!/bin/sh
# `ppcrr trace export` as a user meets it, with oracles that share no code
# with the exporter: Google's protoc decodes the Perfetto output against
# traces/perfetto_trace.proto, Python's json module parses the Chrome output,
# and both are compared with what `ppcrr trace dump --json` says the trace
# holds. Then usage errors (exit 2) and failures (exit 1, no file left).
#   test_trace_export.sh PPCRR MAKE_TRACE PERFETTO_PROTO
set -u
ppcrr=$1
make_trace=$2
proto=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-export-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"


# usage_error DESC EXPECTED-FIRST-STDERR-LINE ARGS...
usage_error() {
    desc=$1
    want=$2
    shift 2
    run "$@"
    first=$(head -n 1 "$tmp/err")
    if [ "$rc" -eq 2 ] && [ "$first" = "$want" ] && contains "$err" "usage: ppcrr trace export" >/dev/null; then
        pass "$desc"
    else
        fail "$desc"
        echo "# rc=$rc, first stderr line: $first"
        echo "# expected: $want"
    fi
}

"$make_trace" "$tmp/t.trace" 3000 4096 || echo "Bail out! make_trace failed"

# --- help and usage errors ---
run trace export --help
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help explains the time axis" contains "$out" "1 ns on the timeline = 1 guest instruction"
check "--help has an exit status paragraph" contains "$out" "Exit status: 0 ok"
usage_error "no FILE" "ppcrr trace export: missing FILE" trace export -o "$tmp/x"
usage_error "no -o" "ppcrr trace export: missing -o OUT" trace export "$tmp/t.trace"
usage_error "both formats" "ppcrr trace export: --perfetto and --chrome exclude each other" \
    trace export --perfetto --chrome -o "$tmp/x" "$tmp/t.trace"
usage_error "-o without a value" "ppcrr trace export: option '-o' needs a value" trace export "$tmp/t.trace" -o
usage_error "an unknown option" "ppcrr trace export: unknown option '--json'" trace export --json "$tmp/t.trace"
usage_error "two files" "ppcrr trace export: unexpected argument 'b'" trace export -o "$tmp/x" a b
check "usage errors write nothing" [ ! -e "$tmp/x" ]

# --- Perfetto, decoded by protoc ---
run trace export --perfetto -o "$tmp/t.pftrace" "$tmp/t.trace"
check "--perfetto exits 0" [ "$rc" -eq 0 ]
check "and prints nothing" [ -z "$out$err" ]
if command -v protoc >/dev/null 2>&1; then
    protodir=$(dirname "$proto")
    check "protoc decodes the output as a perfetto.protos.Trace" \
        sh -c 'protoc --proto_path="$1" --decode=perfetto.protos.Trace "$2" <"$3" >"$4" 2>"$5"' - \
        "$protodir" "$(basename "$proto")" "$tmp/t.pftrace" "$tmp/decoded" "$tmp/protoc.err"
    [ -s "$tmp/protoc.err" ] && sed 's/^/# /' "$tmp/protoc.err"
    decoded=$(cat "$tmp/decoded")
    check "it names the process" contains "$decoded" 'process_name: "ppcrr guest"'
    check "a track per vCPU" sh -c 'grep -q "name: \"vCPU 0\"" "$1" && grep -q "name: \"vCPU 1\"" "$1"' - "$tmp/decoded"
    check "the IRQ line's track" contains "$decoded" 'name: "IRQ vty0.irq"'
    check "the counter track" contains "$decoded" 'name: "hcalls per 1M instructions"'
    check "slices named by hcall" contains "$decoded" 'name: "H_ENTER"'
    check "and by RTAS token" contains "$decoded" 'name: "get-time-of-day"'
    check "annotated with the return code's name" contains "$decoded" 'string_value: "H_SUCCESS"'
    check "instants for MMIO" contains "$decoded" 'name: "mmio '
    packets=$(grep -c '^packet {' "$tmp/decoded")
    check "every packet ($packets) carries the sequence id" \
        [ "$(grep -c '^  trusted_packet_sequence_id: 1000$' "$tmp/decoded")" -eq "$packets" ]
    check "the first one clears the incremental state" \
        sh -c 'sed -n 1,5p "$1" | grep -q "^  sequence_flags: 1$"' - "$tmp/decoded"
else
    n=$((n + 1)); echo "ok $n # SKIP protoc not installed"
fi

# --- Chrome JSON ---
run trace export --chrome -o "$tmp/t.json" "$tmp/t.trace"
check "--chrome exits 0" [ "$rc" -eq 0 ]
"$ppcrr" trace dump --json "$tmp/t.trace" >"$tmp/dump.json"
if command -v python3 >/dev/null 2>&1; then
    check "the Chrome output is valid JSON" sh -c 'python3 -m json.tool "$1" >/dev/null' - "$tmp/t.json"
    calls=$(grep -c '"kind":"\(hcall\|rtas\)"' "$tmp/dump.json")
    xs=$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
print(sum(1 for e in t["traceEvents"] if e["ph"] == "X"))' "$tmp/t.json")
    check "one X event per hcall and RTAS call ($xs, dump says $calls)" [ "$xs" -eq "$calls" ]
    # Slice by slice, Chrome's events and protoc's decoding of the Perfetto
    # file must agree on vCPU, name, start and length, and every slice on a
    # track must nest: the two formats come from one exporter, but the
    # Perfetto side is rebuilt here from protoc's text alone.
    if [ -s "$tmp/decoded" ]; then
        check "Perfetto and Chrome outputs agree slice by slice, and slices nest" python3 - \
            "$tmp/decoded" "$tmp/t.json" "$tmp/dump.json" <<'EOF'
import json, re, sys
packets, stack, cur = [], [], None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.endswith("{"):
        node = {}
        key = line[:-1].strip()
        if stack:
            stack[-1].setdefault(key, []).append(node)
        else:
            packets.append(node)
        stack.append(node)
    elif line == "}":
        stack.pop()
    else:
        k, v = line.split(": ", 1)
        if v.startswith('"'):
            try:
                v = json.loads(v)       # protoc's escapes are JSON's for plain text
            except ValueError:
                pass
        stack[-1].setdefault(k, []).append(v)
names, open_, slices = {}, {}, []
for p in packets:
    if "track_descriptor" in p:
        d = p["track_descriptor"][0]
        names[d["uuid"][0]] = d.get("name", ["?"])[0]
    if "track_event" not in p:
        continue
    e, ts = p["track_event"][0], int(p["timestamp"][0])
    track = names[e["track_uuid"][0]]
    if e["type"][0] == "TYPE_SLICE_BEGIN":
        open_.setdefault(track, []).append((e["name"][0], ts))
    elif e["type"][0] == "TYPE_SLICE_END":
        name, begin = open_[track].pop()
        assert ts > begin, (track, name, begin, ts)
        slices.append((track, name, begin, ts))
assert not any(open_.values()), open_
chrome = json.load(open(sys.argv[2]))["traceEvents"]
xs = sorted(("vCPU %d" % e["tid"], e["name"], round(e["ts"] * 1000), round((e["ts"] + e["dur"]) * 1000))
            for e in chrome if e["ph"] == "X")
assert sorted(slices) == xs, (sorted(slices)[:3], xs[:3])
# Every slice starts at its event's icount, on its event's vCPU.
calls = sorted(("vCPU %d" % o["cpu"], o["icount"]) for o in map(json.loads, open(sys.argv[3]))
               if o["kind"] in ("hcall", "rtas"))
assert sorted((s[0], s[2]) for s in slices) == calls
# Slices on one vCPU never overlap: each ends before the next begins.
for track in set(s[0] for s in slices):
    mine = sorted((b, e) for t, _, b, e in slices if t == track)
    for (b1, e1), (b2, e2) in zip(mine, mine[1:]):
        assert e1 <= b2 or (b1 == b2 and e2 <= e1), (track, b1, e1, b2, e2)
EOF
    fi
else
    n=$((n + 1)); echo "ok $n # SKIP python3 not installed"
fi

# --- determinism, standard output ---
"$ppcrr" trace export -o "$tmp/again.pftrace" "$tmp/t.trace"
check "the same trace exports to the same bytes" cmp -s "$tmp/t.pftrace" "$tmp/again.pftrace"
"$ppcrr" trace export -o - "$tmp/t.trace" >"$tmp/stdout.pftrace"
check "-o - writes the same to standard output" cmp -s "$tmp/t.pftrace" "$tmp/stdout.pftrace"

# --- failures ---
run trace export -o "$tmp/missing.pftrace" "$tmp/missing.trace"
check "a missing trace exits 1" [ "$rc" -eq 1 ]
check "naming it" contains "$err" "missing.trace"
check "and leaves no output file" [ -z "$(ls "$tmp" | grep '^missing\.pftrace')" ]

size=$(wc -c <"$tmp/t.trace")
cp "$tmp/t.trace" "$tmp/bad.trace"
printf '\377\377\377\377' | dd of="$tmp/bad.trace" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run trace export --chrome -o "$tmp/bad.json" "$tmp/bad.trace"
check "a corrupt trace exits 1" [ "$rc" -eq 1 ]
check "saying where" contains "$err" "bad.trace: byte "
check "and leaves no output file" [ -z "$(ls "$tmp" | grep '^bad\.json')" ]

head -c $((size / 2)) "$tmp/t.trace" >"$tmp/cut.trace"
run trace export -o "$tmp/cut.pftrace" "$tmp/cut.trace"
check "a trace cut short exports what it holds" sh -c '[ "$1" -eq 0 ] && [ -s "$2" ]' - "$rc" "$tmp/cut.pftrace"
check "with a warning" contains "$err" "ppcrr: warning: "

run trace export -o "$tmp/no/such/dir/x.pftrace" "$tmp/t.trace"
check "an output that cannot be created exits 1" [ "$rc" -eq 1 ]
check "saying so" contains "$err" "cannot create"
if [ -w /dev/full ]; then
    run trace export -o /dev/full "$tmp/t.trace"
    check "a full disk exits 1" [ "$rc" -eq 1 ]
    check "saying it could not write" contains "$err" "cannot write /dev/full"
fi

tap_finish
