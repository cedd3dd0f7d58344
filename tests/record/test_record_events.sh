#!/bin/sh
# What the recorder writes, checked against what each guest did:
#   hello    its H_PUT_TERM_CHAR bytes, decoded from the trace, are exactly
#            the console output of the same run;
#   power    the power device's CODE write (3) and power-off command (1)
#            are MMIO events with their values, and the exit says code 3;
#   xics     (4 vCPUs) every H_IPI that raised a vCPU's ICP line shows as
#            an edge on "xics.cpuN" and then an external interrupt (0x500)
#            delivered on vCPU N;
#   vtyecho  the typed bytes are an input event, the vty's IRQ edge
#            follows, and H_GET_TERM_CHAR hands the same bytes over;
#   rtas     get-time-of-day's clock read is an "rtc" input event whose
#            value (with -rtc base=...) is the time given;
# and the header describes the run (image sha256 as sha256sum says,
# command line, vCPUs, device tree as -dumpdtb writes it).
#   test_record_events.sh PPCRR HELLO POWER XICS VTYECHO RTAS
set -u
. "$(dirname "$0")/../cli/tap.sh"
ppcrr=$1 hello=$2 power=$3 xics=$4 vtyecho=$5 rtas=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# hello ----------------------------------------------------------------
"$ppcrr" record -o "$tmp/hello.trace" -kernel "$hello" -serial "file:$tmp/hello.out" </dev/null
check "hello: record exits 0" [ $? -eq 0 ]
"$ppcrr" trace dump --json "$tmp/hello.trace" > "$tmp/hello.json"
python3 - "$tmp/hello.json" "$tmp/hello.txt" <<'PY'
import json, sys
out = bytearray()
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["kind"] == "hcall" and e["name"] == "H_PUT_TERM_CHAR":
        n = int(e["args"][1], 16)
        raw = int(e["args"][2], 16).to_bytes(8, "big") + int(e["args"][3], 16).to_bytes(8, "big")
        out += raw[:n]
open(sys.argv[2], "wb").write(out)
PY
check "hello: the H_PUT_TERM_CHAR bytes in the trace are the console output" cmp -s "$tmp/hello.txt" "$tmp/hello.out"
check "hello: which greets" grep -q "Hello from a ppcrr guest" "$tmp/hello.txt"
info=$("$ppcrr" trace info "$tmp/hello.trace")
sum=$(sha256sum "$hello" | cut -d' ' -f1)
check "hello: header names the kernel with sha256sum's digest" contains "$info" "kernel $hello, $(wc -c < "$hello" | tr -d ' ') bytes, sha256 $sum"
check "hello: header has the command line" contains "$info" "command line:       record -o $tmp/hello.trace -kernel $hello"
check "hello: header has vCPUs" contains "$info" "vCPUs:              1"
"$ppcrr" run -dumpdtb "$tmp/run.dtb" -kernel "$hello" -serial null >/dev/null
python3 - "$tmp/hello.trace" "$tmp/run.dtb" <<'PY' > "$tmp/dtb-check"
import subprocess, sys
# The header's device tree, pulled out with the standard tools: zstd -dc
# and protoc (the oracle for the format), compared with -dumpdtb's.
raw = subprocess.run(["zstd", "-dcq", sys.argv[1]], capture_output=True).stdout
# Trace.header (field 1) -> Header.device_tree (field 5); walk the wire format.
def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7f) << s; s += 7
        if c < 0x80: return v, i
def fields(b):
    i = 0
    while i < len(b):
        k, i = varint(b, i)
        t = k & 7
        if t == 0: v, i = varint(b, i)
        elif t == 2:
            n, i = varint(b, i); v = b[i:i+n]; i += n
        elif t == 1: v = b[i:i+8]; i += 8
        elif t == 5: v = b[i:i+4]; i += 4
        yield k >> 3, v
hdr = next(v for f, v in fields(raw) if f == 1)
dt = next(v for f, v in fields(hdr) if f == 5)
print("same" if dt == open(sys.argv[2], "rb").read() else "different")
PY
check "hello: header's device tree is the one the guest saw (-dumpdtb)" grep -qx same "$tmp/dtb-check"

# power ----------------------------------------------------------------
"$ppcrr" record -o "$tmp/power.trace" -kernel "$power" -serial null </dev/null
check "power: record exits with the guest's code 3" [ $? -eq 3 ]
dump=$("$ppcrr" trace dump "$tmp/power.trace")
check "power: CODE write of 3 is an MMIO event" contains "$dump" "mmio write power 0xf00000000010/8 <- 0x3"
check "power: CODE read back is an MMIO event" contains "$dump" "mmio read power 0xf00000000010/8 -> 0x3"
check "power: the power-off command is an MMIO event" contains "$dump" "mmio write power 0xf00000000018/8 <- 0x1"
check "power: the ID read shows the value the device returned" contains "$dump" "mmio read power 0xf00000000000/8 -> 0x50504352504f5752"
check "power: the trace ends with exit power-off 3" [ "$(printf '%s\n' "$dump" | tail -n 1 | cut -d' ' -f4-6)" = "exit power-off 3" ]

# xics, 4 vCPUs ----------------------------------------------------------
"$ppcrr" record -o "$tmp/xics.trace" -kernel "$xics" -smp 4 -serial null </dev/null
check "xics: record exits 0" [ $? -eq 0 ]
"$ppcrr" trace dump "$tmp/xics.trace" > "$tmp/xics.txt"
python3 - "$tmp/xics.txt" <<'PY' > "$tmp/xics-check"
import re, sys
# Every rising edge of xics.cpuN must be followed by an external
# interrupt delivered on vCPU N before that line falls again.
lines = [l.split(" ", 3) for l in open(sys.argv[1]).read().splitlines()]
raised, delivered, problems = 0, 0, []
pending = {}
for icount, cpu, pc, body in lines:
    m = re.match(r"irq xics\.cpu(\d+) ([01])$", body)
    if m:
        n, level = int(m.group(1)), int(m.group(2))
        if level:
            raised += 1; pending[n] = icount
        else:
            pending.pop(n, None)
    elif body.startswith("interrupt 0x500") and int(cpu) in pending:
        delivered += 1; pending.pop(int(cpu))
cpus = {int(re.match(r"irq xics\.cpu(\d+) 1", b).group(1)) for _, _, _, b in lines
        if re.match(r"irq xics\.cpu\d+ 1", b)}
print(f"raised {raised} delivered {delivered} cpus {len(cpus)}")
PY
xc=$(cat "$tmp/xics-check")
check "xics: ICP lines of all 4 vCPUs rise ($xc)" contains "$xc" "cpus 4"
raised=$(echo "$xc" | cut -d' ' -f2) delivered=$(echo "$xc" | cut -d' ' -f4)
check "xics: interrupts were delivered after edges ($delivered of $raised)" [ "$delivered" -ge 4 ]
check "xics: an IPI to another vCPU is an H_IPI event" grep -Eq " H_IPI\((1|2|3), [0-9]+\) = H_SUCCESS" "$tmp/xics.txt"

# vtyecho ----------------------------------------------------------------
printf 'hello q' | "$ppcrr" record -o "$tmp/vty.trace" -kernel "$vtyecho" > "$tmp/vty.out"
check "vtyecho: record exits 0" [ $? -eq 0 ]
dump=$("$ppcrr" trace dump "$tmp/vty.trace")
check "vtyecho: the typed bytes are a console input event" contains "$dump" 'input console "hello q"'
check "vtyecho: the vty raises its interrupt line" contains "$dump" "irq vty0.irq 1"
check "vtyecho: H_GET_TERM_CHAR hands the same bytes to the guest" contains "$dump" 'H_GET_TERM_CHAR(0x71000000) = H_SUCCESS [7, "hello q"]'
first_input=$(printf '%s\n' "$dump" | grep -n 'input console' | head -n 1 | cut -d: -f1)
first_get=$(printf '%s\n' "$dump" | grep -n 'H_GET_TERM_CHAR(0x71000000) = H_SUCCESS \[7' | head -n 1 | cut -d: -f1)
check "vtyecho: the input comes before the guest reads it" [ "${first_input:-0}" -gt 0 ] && [ "$first_input" -lt "${first_get:-0}" ]

# rtas: the clock is an input ------------------------------------------------
"$ppcrr" record -o "$tmp/rtas.trace" -kernel "$rtas" -serial null -rtc base=2024-02-29T12:34:56 </dev/null
check "rtas: record exits 0" [ $? -eq 0 ]
dump=$("$ppcrr" trace dump "$tmp/rtas.trace")
# 2024-02-29T12:34:56Z = 1709210096 = 0x65e079f0 seconds, big-endian.
check "rtas: the clock read is an rtc input of the given time" contains "$dump" 'input rtc "\x00\x00\x00\x00e\xe0y\xf0"'
check "rtas: get-time-of-day returns that date" contains "$dump" "rtas get-time-of-day() = [0, 2024, 2, 29, 12, 34,"

tap_finish
