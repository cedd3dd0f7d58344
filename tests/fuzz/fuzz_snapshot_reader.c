/*
 * libFuzzer target for the snapshot reader (snapshot/snapshot_file.h): any
 * bytes at all go through open and a read of every frame, with the header
 * and each part's fields looked at as a restore would. Nothing may crash,
 * leak, hang or read out of bounds (ASan/UBSan watch).
 *
 * Built with -fsanitize=fuzzer when the compiler is clang, like the trace
 * reader's target; fuzz_snapshot_replay runs the saved inputs
 * (regressions/snapshot/) in the unit suite.
 */
#include <stdint.h>
#include <string.h>

#include "snapshot/snapshot_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct trace_error err;
    struct snapshot_reader *r = snapshot_reader_open_mem(data, size, "fuzz-input", &err);
    if (!r)
        return 0;
    const Ppcrr__Snapshot *s = snapshot_reader_first(r);
    volatile size_t sink = strlen(s->header->emulator_version) + s->header->device_tree.len;
    for (size_t i = 0; i < s->n_part; i++)
        for (size_t j = 0; j < s->part[i]->n_field; j++)
            sink += strlen(s->part[i]->field[j]->name) + s->part[i]->field[j]->data.len;
    const Ppcrr__Snapshot *f;
    uint64_t off;
    while (snapshot_reader_next(r, &f, &off, &err) == 1)
        for (size_t i = 0; i < f->n_ram; i++)
            sink += f->ram[i]->data.data[f->ram[i]->data.len - 1];
    (void)sink;
    snapshot_reader_close(r);
    return 0;
}
