#!/bin/sh
# The profiling tools on real recordings: `trace stats` on the mmu guest
# (counts agree with the dump, call sites and callers resolve to the
# guest's functions through --symbols, JSON parses) and `trace export` on
# the 4-vCPU xics guest (the Perfetto output decodes with protoc against
# traces/perfetto_trace.proto -- protoc is the oracle -- with a track per
# vCPU, hcall slices and IRQ instants; the Chrome output is valid JSON).
#   test_record_tools.sh PPCRR MMU.elf XICS.elf PERFETTO_PROTO
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 mmu=$2 xics=$3 proto=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$ppcrr" record -o "$tmp/mmu.trace" -kernel "$mmu" -serial null </dev/null
check "mmu: recorded" [ $? -eq 0 ]
"$ppcrr" trace stats --symbols "$mmu" "$tmp/mmu.trace" > "$tmp/stats.txt"
check "stats: exit 0" [ $? -eq 0 ]
enters=$("$ppcrr" trace dump "$tmp/mmu.trace" | grep -Ec '^[0-9]+ [0-9]+ 0x[0-9a-f]+ H_ENTER\(')
check "stats: H_ENTER's count is the dump's ($enters)" grep -Eq "^H_ENTER +$enters " "$tmp/stats.txt"
check "stats: the hcall sites resolve to the guest's wrapper" grep -q "hcall+0x" "$tmp/stats.txt"
check "stats: callers (LR) resolve to the functions making the calls" grep -q "mmu_enter+0x" "$tmp/stats.txt"
"$ppcrr" trace stats --json --symbols "$mmu" "$tmp/mmu.trace" > "$tmp/stats.json"
python3 - "$tmp/stats.json" "$enters" <<'PY' > "$tmp/json-check"
import json, sys
s = json.load(open(sys.argv[1]))
enter = next(h for h in s["hcall"] if h["name"] == "H_ENTER")
callers = [c.get("function", "") for c in enter["callers"]]
ok = enter["count"] == int(sys.argv[2]) and any(c.startswith("mmu_enter+") for c in callers)
print("good" if ok else f"bad: {enter['count']} {callers}")
PY
check "stats --json: parses, same H_ENTER count, callers named" grep -qx good "$tmp/json-check"

"$ppcrr" record -o "$tmp/xics.trace" -kernel "$xics" -smp 4 -serial null </dev/null
check "xics: recorded" [ $? -eq 0 ]
"$ppcrr" trace export --perfetto "$tmp/xics.trace" -o "$tmp/xics.pftrace"
check "export --perfetto: exit 0" [ $? -eq 0 ]
protoc --proto_path="$(dirname "$proto")" --decode=perfetto.protos.Trace "$(basename "$proto")" \
    < "$tmp/xics.pftrace" > "$tmp/decoded.txt" 2> "$tmp/protoc.err"
check "protoc decodes it against our Perfetto subset" [ $? -eq 0 ] && [ ! -s "$tmp/protoc.err" ]
for cpu in 0 1 2 3; do
    check "a track for vCPU $cpu" grep -q "name: \"vCPU $cpu\"" "$tmp/decoded.txt"
done
ipis=$("$ppcrr" trace dump "$tmp/xics.trace" | grep -Ec '^[0-9]+ [0-9]+ 0x[0-9a-f]+ H_IPI\(')
slices=$(grep -c 'name: "H_IPI"' "$tmp/decoded.txt")
check "every H_IPI is a slice ($slices of $ipis)" [ "$slices" -eq "$ipis" ]
check "ICP line edges are instants" grep -q 'name: "irq xics.cpu1 1"' "$tmp/decoded.txt"
check "delivered interrupts are instants" grep -q 'name: "interrupt 0x500"' "$tmp/decoded.txt"
check "the hcall-rate counter track exists" grep -q 'name: "hcalls per 1M instructions"' "$tmp/decoded.txt"
"$ppcrr" trace export --chrome "$tmp/xics.trace" -o "$tmp/xics.json"
check "export --chrome: valid JSON" python3 -m json.tool "$tmp/xics.json" /dev/null
tap_finish
