/*
 * libFuzzer target for the trace reader: any bytes at all go through open,
 * a full read with every event formatted as text and JSON, and a few seeks.
 * Nothing may crash, leak, hang or read out of bounds (ASan/UBSan watch).
 *
 * Built with -fsanitize=fuzzer when the compiler is clang (`-Dfuzz`); the
 * same function also links into fuzz_replay, which runs saved inputs (seeds
 * and past findings) in the ordinary unit suite.
 */
#include <stdint.h>
#include <stdio.h>

#include "traces/trace_format.h"
#include "traces/trace_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        return 0;
    struct trace_error err;
    struct trace_reader *r = trace_reader_open_mem(data, size, "fuzz-input", &err);
    if (!r)
        return 0;
    struct trace_event e;
    uint64_t last = 0, n = 0;
    while (trace_reader_next(r, &e, &err) == 1 && n++ < 1000000) {
        trace_format_text(sink, r, &e);
        trace_format_json(sink, r, &e);
        last = e.icount;
    }
    trace_reader_seek(r, last / 2, &err);
    if (trace_reader_next(r, &e, &err) == 1)
        trace_format_text(sink, r, &e);
    trace_reader_seek(r, 0, &err);
    trace_reader_seek(r, UINT64_MAX, &err);
    trace_reader_close(r);
    return 0;
}
