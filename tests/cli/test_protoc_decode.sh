#!/bin/sh
# DESIGN.md §4: the decompressed frames of a trace parse, with standard
# tools, as one `ppcrr.Trace` message:
#   zstd -dc FILE | protoc --decode=ppcrr.Trace trace.proto
# Google's protoc is the oracle here: it knows nothing of ppcrr's reader.
#   test_protoc_decode.sh PPCRR MAKE_TRACE TRACE_PROTO
set -u
ppcrr=$1
make_trace=$2
proto=$3
. "$(dirname "$0")/tap.sh"

if ! command -v protoc >/dev/null 2>&1 || ! command -v zstd >/dev/null 2>&1; then
    echo "1..0 # SKIP protoc or zstd not installed"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ppcrr-protoc-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The last argument is not UTF-8 (a Latin-1 e-acute): the writer must keep
# the trace decodable anyway.
"$make_trace" "$tmp/t.trace" 3000 4096 7 "$(printf 'caf\351')"
check "zstd decompresses the whole trace (skipping signature and index)" \
    sh -c 'zstd -q -dc "$1" >"$2"' - "$tmp/t.trace" "$tmp/raw"
protodir=$(dirname "$proto")
check "protoc decodes it as one ppcrr.Trace" \
    sh -c 'protoc --proto_path="$1" --decode=ppcrr.Trace "$2" <"$3" >"$4" 2>"$5"' - \
    "$protodir" "$(basename "$proto")" "$tmp/raw" "$tmp/decoded" "$tmp/protoc.err"
[ -s "$tmp/protoc.err" ] && sed 's/^/# /' "$tmp/protoc.err"

count() { grep -c "$1" "$tmp/decoded"; }
check "exactly one header" [ "$(count '^header {')" -eq 1 ]
check "the header's format version" grep -q '^  format_version: 1$' "$tmp/decoded"
check "the header describes H_PUT_TERM_CHAR" grep -q 'name: "H_PUT_TERM_CHAR"' "$tmp/decoded"
check "the string table" grep -q '^string: "vty0.irq"$' "$tmp/decoded"
check "a command-line byte that is not UTF-8 is kept, escaped" grep -q 'command_line: "caf\\\\xe9"' "$tmp/decoded"
chunks=$(count '^chunk {')
check "several chunks ($chunks)" [ "$chunks" -gt 5 ]
check "all 3000 events" [ "$(count '^  event {')" -eq 3000 ]
check "events carry hcalls with opcodes" grep -q '^    hcall {' "$tmp/decoded"
check "and every other kind" sh -c 'for k in rtas mmio irq interrupt input checkpoint exit; do
    grep -q "^    $k {" "$1" || { echo "# no $k"; exit 1; }; done' - "$tmp/decoded"

# Two decoders that share no code must agree: icounts rebuilt from protoc's
# output alone (chunk first_icount plus running deltas) are the ones
# `ppcrr trace dump` prints.
awk '
    function flush() { if (pending) print ic; pending = 0 }
    /^chunk \{/ { flush(); ic = 0 }
    /^  first_icount:/ { ic = $2 }
    /^  event \{/ { flush(); pending = 1 }
    /^    icount_delta:/ { ic += $2 }
    END { flush() }' "$tmp/decoded" >"$tmp/protoc-icounts"
"$ppcrr" trace dump "$tmp/t.trace" | cut -d' ' -f1 >"$tmp/ppcrr-icounts"
check "icounts from protoc's decoding equal ppcrr's" cmp -s "$tmp/protoc-icounts" "$tmp/ppcrr-icounts"

tap_finish
