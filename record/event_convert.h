/*
 * emu events as trace Events: shared by the recorder and the replayer.
 */
#ifndef PPCRR_RECORD_EVENT_CONVERT_H
#define PPCRR_RECORD_EVENT_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/event.h"
#include "traces/trace_file.h"

/* Where the pieces of a converted Event live (one per event in flight). */
struct record_event_storage {
    Ppcrr__Hcall hcall;
    Ppcrr__Rtas rtas;
    Ppcrr__Mmio mmio;
    Ppcrr__Irq irq;
    Ppcrr__Interrupt interrupt;
    Ppcrr__Input input;
    Ppcrr__Checkpoint checkpoint;
    Ppcrr__Exit exit;
    Ppcrr__Keyframe keyframe;
};

/* Names (regions, lines, tokens, sources) become string-table indexes. */
typedef uint32_t (*record_intern_fn)(void *ctx, const char *name);

/* Fills EV (icount_delta left 0: the writer sets it) from E; false for an
 * event kind traces do not hold. */
bool record_event_convert(const struct event *e, Ppcrr__Event *ev, struct record_event_storage *storage,
                          record_intern_fn intern, void *ctx);

#endif
