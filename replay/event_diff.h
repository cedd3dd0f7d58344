/*
 * Comparing two trace events, each with its own string table: a recorded
 * one (from a trace) and a produced one (what the guest does now, or an
 * event of a second trace), and saying in words how they differ, e.g.
 * `H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS`. Replay, trace
 * diff and the tolerant alignment all use it. Host nanoseconds are never
 * compared (DESIGN.md §3).
 */
#ifndef PPCRR_REPLAY_EVENT_DIFF_H
#define PPCRR_REPLAY_EVENT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trace_reader.h"

/* How one side's names resolve: STRING(CTX, index) for string-table
 * indexes; READER describes hcalls and return codes (may be NULL). */
struct event_names {
    const char *(*string)(const void *ctx, uint32_t index);
    const void *ctx;
    const struct trace_reader *reader;
};

/* The names of a trace, from its reader. */
struct event_names event_names_of_reader(const struct trace_reader *r);

/* One side of a comparison. */
struct event_side {
    const Ppcrr__Event *ev;
    uint64_t icount;
    const struct event_names *names;
};

/* True if A (the trace) and B (the other side) are the same event. If
 * not, WHY gets one sentence, B's view first ("... , trace has ..."). */
bool event_same(const struct event_side *a, const struct event_side *b, char *why, size_t len);

/* A 64-bit key of what an event *is* (kind, vCPU, hcall opcode and
 * arguments, RTAS token and arguments, MMIO region/address/direction, IRQ
 * line, vector, input source, exit): two events with the same key are the
 * same call, even if their results differ. Used to align two streams so
 * that one changed return value does not make everything after it differ. */
uint64_t event_identity(const Ppcrr__Event *e, const struct event_names *names);

/* A 64-bit digest of everything event_same compares but the icount (an
 * event that only moved is told apart by its icount, separately). */
uint64_t event_digest(const Ppcrr__Event *e, const struct event_names *names);

#endif
