/*
 * Inside `ppcrr trace export` (see trace_export.h): what the pass over the
 * trace (trace_export.c) and the two formats it writes
 * (trace_export_perfetto.c, trace_export_chrome.c) share. The pass decides
 * what goes on the timeline -- tracks, slices, instants, counter samples,
 * each with its annotations -- and hands every item to a back end through
 * struct export_backend; a back end only turns items into its format's
 * bytes, and sees nothing of the trace or of the pass's own state.
 *
 * Private to the export: nothing outside traces/trace_export*.c includes it.
 */
#ifndef PPCRR_TRACES_TRACE_EXPORT_BACKEND_H
#define PPCRR_TRACES_TRACE_EXPORT_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/trace_export.h"

#define EXPORT_PID 1
#define EXPORT_PROCESS_NAME "ppcrr guest"

/* Track uuids: fixed, so the same trace always exports the same bytes, and
 * in disjoint ranges so no two tracks can collide. Chrome has thread ids
 * instead; IRQ lines get theirs above every vCPU's. */
#define EXPORT_PROCESS_UUID 1u
#define EXPORT_COUNTER_UUID 2u
#define EXPORT_VCPU_UUID(cpu) ((1ull << 32) | (cpu))
#define EXPORT_IRQ_UUID(line) ((2ull << 32) | (line))
#define EXPORT_IRQ_TID(line) (TRACE_EXPORT_MAX_VCPUS + (line))

#define EXPORT_MAX_ARGS 48      /* annotations per event */
#define EXPORT_POOL_BYTES 16384 /* the text one event's names and values take */

/* ---- growable bytes ---- */

struct export_buf {
    char *p;
    size_t len, cap;
    bool oom;       /* sticky: a failed allocation, checked by the caller */
};

/* Room for MORE bytes after b->len; false (and b->oom) if there is none. */
bool export_buf_reserve(struct export_buf *b, size_t more);
void export_buf_put(struct export_buf *b, const void *data, size_t n);
__attribute__((format(printf, 2, 3)))
void export_buf_printf(struct export_buf *b, const char *fmt, ...);

/* ---- annotations ---- */

/* Values are numbers or text; register values are text ("0x1a2c") because
 * that is how people read them, and both formats show text as it is. */
enum export_kind { EXPORT_UINT, EXPORT_INT, EXPORT_TEXT };

struct export_arg {
    const char *name;
    enum export_kind kind;
    uint64_t u;
    int64_t i;
    const char *text;       /* valid UTF-8 */
};

/* One event's annotations, and the pool its names and texts live in (reset
 * for every event). Everything in the pool is valid UTF-8, whatever the
 * trace held, because both output formats require it. */
struct export_args {
    struct export_arg arg[EXPORT_MAX_ARGS];
    size_t n;
    char pool[EXPORT_POOL_BYTES];
    size_t used;
};

/* ---- back ends ---- */

struct export_track {
    uint64_t uuid;
    uint32_t tid;           /* Chrome's thread id for it */
    const char *name;
};

/* What a back end writes through. Its names and texts are valid UTF-8. */
struct export_sink {
    FILE *out;
    struct export_buf scratch;      /* a packet or JSON line being made */
    const struct export_args *args; /* the current event's annotations */
    bool first;                     /* Perfetto: no packet written yet */
};

/* What a format has to provide. slice_open and instant take the event's
 * annotations from s->args. Slices come in two steps because their end is
 * known only later: slice_open serialises the opening into a lane's
 * buffer; once the end is settled, slice_emit writes it out (outermost
 * slice first) and slice_end closes it (innermost first; may be NULL).
 * A track with no PARENT is the process's; COUNTER marks the counter's. */
struct export_backend {
    void (*start)(struct export_sink *s);
    void (*track)(struct export_sink *s, const struct export_track *t, uint64_t parent,
                  uint64_t ts, bool counter);
    void (*slice_open)(struct export_sink *s, const struct export_track *t, uint64_t ts,
                       const char *name, const char *cat, struct export_buf *into);
    void (*slice_emit)(struct export_sink *s, const struct export_track *t, const char *open,
                       size_t len, uint64_t ts, uint64_t end);
    void (*slice_end)(struct export_sink *s, const struct export_track *t, uint64_t end);
    void (*instant)(struct export_sink *s, const struct export_track *t, uint64_t ts,
                    const char *name, const char *cat);
    void (*counter)(struct export_sink *s, uint64_t ts, uint64_t value);
    void (*finish)(struct export_sink *s);     /* may be NULL */
};

extern const struct export_backend export_perfetto_backend;
extern const struct export_backend export_chrome_backend;

#endif
