/*
 * Synthetic traces for tests, benchmarks and fuzz seeds: a seeded,
 * deterministic stream of events of every kind, shaped like a pSeries Linux
 * boot (mostly H_ENTER/H_REMOVE, console output through H_PUT_TERM_CHAR,
 * some RTAS, MMIO, IRQ, interrupts, inputs, checkpoints, one exit).
 *
 * Regenerating from the same seed gives the same events, which is what the
 * round-trip tests compare a read-back trace against.
 */
#ifndef PPCRR_TESTS_SYNTH_H
#define PPCRR_TESTS_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "traces/trace_writer.h"

struct synth {
    uint64_t rng;
    uint64_t icount;
    uint64_t produced;
    bool hcalls_only;
    /* name indexes, as the writer interned them */
    uint32_t region, line, token, source;
    /* storage the current event points into */
    Ppcrr__Event ev;
    Ppcrr__Hcall hcall;
    Ppcrr__Rtas rtas;
    Ppcrr__Mmio mmio;
    Ppcrr__Irq irq;
    Ppcrr__Interrupt interrupt;
    Ppcrr__Input input;
    Ppcrr__Checkpoint checkpoint;
    Ppcrr__Exit exit;
    uint64_t args[8], outputs[8];
    uint32_t rtas_args[4], rtas_rets[4];
    uint8_t bytes[32];
};

/* The names synthetic events use, in the order they are interned. */
#define SYNTH_NAMES { "power", "vty0.irq", "get-time-of-day", "console" }

void synth_init(struct synth *s, uint64_t seed, bool hcalls_only);

/* Interns SYNTH_NAMES into W (before trace_writer_start). */
void synth_intern(struct synth *s, struct trace_writer *w);

/* The next event; it stays valid until the next call. *ICOUNT gets its icount. */
Ppcrr__Event *synth_next(struct synth *s, uint64_t *icount);

/* A header describing PAPR's hcalls as hcall/ knows them; free with
 * synth_header_free. */
Ppcrr__Header *synth_header_new(uint32_t vcpus);
void synth_header_free(Ppcrr__Header *h);

/* Writes COUNT synthetic events (seeded by SEED) to PATH with OPTIONS.
 * If ABANDON, no index is written, as if the recorder had been killed. */
int synth_write_file(const char *path, uint64_t seed, uint64_t count,
                     const struct trace_writer_options *options, bool abandon,
                     struct trace_error *err);

/* The same, with ARGV as the header's command line. */
int synth_write_file_argv(const char *path, uint64_t seed, uint64_t count,
                          const struct trace_writer_options *options, bool abandon, int argc,
                          char **argv, struct trace_error *err);

#endif
