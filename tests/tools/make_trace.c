/*
 * make_trace: writes a synthetic trace (tests/common/synth.h) for the shell
 * tests and as fuzz seeds. Its own command line becomes the trace header's,
 * so a test can put arbitrary bytes there.
 *   make_trace OUT [EVENTS [CHUNK_BYTES [SEED [noindex|any-word]]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/synth.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 6) {
        fprintf(stderr, "usage: make_trace OUT [EVENTS [CHUNK_BYTES [SEED [noindex]]]]\n");
        return 2;
    }
    uint64_t events = argc > 2 ? strtoull(argv[2], NULL, 0) : 1000;
    struct trace_writer_options opt = {
        .chunk_bytes = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 0,
    };
    uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 0) : 1;
    bool abandon = argc > 5 && strcmp(argv[5], "noindex") == 0;
    struct trace_error err;
    if (synth_write_file_argv(argv[1], seed, events, &opt, abandon, argc, argv, &err) < 0) {
        fprintf(stderr, "make_trace: %s\n", err.msg);
        return 1;
    }
    return 0;
}
