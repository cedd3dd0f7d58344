/*
 * The replayer (DESIGN.md §1, §3): an observer on the event hook that
 * checks every event the guest produces against the trace, and the
 * feeder of the input sources (emu/input.h) that hands the recorded
 * console bytes, RTC, H_RANDOM and NVRAM contents back at their icounts.
 *
 *   r = replayer_open(trace, &options, &err);
 *   ... build the machine from the trace's header (harness/cmd_replay.c) ...
 *   replayer_attach(r, m, ...);     // right after machine_create
 *   replayer_start(r, m, ...);      // after machine_load: the device tree
 *   machine_run(m);
 *   status = replayer_finish(r, m); // 0 exact, 1 divergence
 *   replayer_close(r);
 *
 * Strict (the default): the first difference is a divergence; the run is
 * stopped there and reported in words with the events before it and the
 * window between the last matching checkpoint and the divergence.
 * Tolerant: nothing is checked as the guest runs; each input source gets
 * its recorded values in order (console bytes once their icount is
 * reached), the caller records what the guest produces and compares the
 * two streams afterwards (replay/trace_diff.h).
 */
#ifndef PPCRR_REPLAY_REPLAYER_H
#define PPCRR_REPLAY_REPLAYER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/trace_reader.h"
#include "traces/trace_symbols.h"

struct machine;

struct replayer_options {
    uint64_t until;                     /* stop checking at this icount, 0 = at the end */
    unsigned context;                   /* events shown before a divergence */
    const struct trace_symbols *symbols;  /* PCs as function+offset, or NULL */
    FILE *report;                       /* where reports go */
    bool tolerant;                      /* only feed inputs; the caller diffs what was produced */
    /* A segment of a keyframed trace (ppcrr replay --keyframes): the replay
     * ends at the trace's saved keyframe at this icount, where the machine's
     * state digest must be the one the keyframe holds. */
    bool to_keyframe;
    uint64_t keyframe_icount;
};

struct replayer;

struct replayer *replayer_open(const char *path, const struct replayer_options *options,
                               struct trace_error *err);
void replayer_close(struct replayer *r);

const Ppcrr__Header *replayer_header(const struct replayer *r);

/* The data of the first input event from SOURCE before the guest's first
 * instruction (the NVRAM file's contents), or NULL. */
const ProtobufCBinaryData *replayer_initial_input(struct replayer *r, const char *source);

int replayer_attach(struct replayer *r, struct machine *m, char *err, size_t errlen);
int replayer_start(struct replayer *r, struct machine *m, char *err, size_t errlen);

/* After machine_run: checks the trace has nothing left, prints the report
 * (a divergence, or a one-line summary) and returns 0 (exact) or 1. */
int replayer_finish(struct replayer *r, struct machine *m);

#endif
