/*
 * The one event hook (DESIGN.md §1, §3): everything a guest does that a
 * trace records -- hypercalls, RTAS calls, MMIO accesses, IRQ edges,
 * interrupts delivered, inputs from the host, exits -- is reported here,
 * from the one place where it happens. record/ and replay/ are observers;
 * emu/ does not know they exist. With no observer attached an event costs
 * one test.
 *
 * Pointers inside an event are valid only during the callback.
 */
#ifndef PPCRR_EMU_EVENT_H
#define PPCRR_EMU_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum event_kind {
    EVENT_HCALL = 1,
    EVENT_RTAS,
    EVENT_MMIO,
    EVENT_IRQ,
    EVENT_INTERRUPT,
    EVENT_INPUT,
    EVENT_CHECKPOINT,
    EVENT_EXIT,
    EVENT_KEYFRAME,     /* a snapshot was saved here, or the run was restored from one */
};

/* Why a run ended (the trace's Exit.Reason uses the same numbers). */
enum exit_reason {
    EXIT_NONE = 0,
    EXIT_POWER_OFF = 1,
    EXIT_REBOOT = 2,
    EXIT_OS_TERM = 3,
    EXIT_GUEST_CRASH = 4,
    EXIT_ERROR = 5,
    EXIT_LIMIT = 6,
    EXIT_USER = 7,      /* Ctrl-A x, or a signal */
};

/* ICOUNT is machine-wide: the instructions every vCPU has executed so
 * far, in the order the round-robin ran them (machine_icount()), so it
 * never goes backwards from one event to the next. CPU and PC say which
 * vCPU was running and where. */
struct event {
    enum event_kind kind;
    uint64_t icount;
    unsigned cpu;
    uint64_t pc;
    union {
        struct {
            uint32_t opcode;
            const uint64_t *args;   /* r4.. on entry */
            unsigned nargs;
            int64_t ret;            /* r3 on return */
            const uint64_t *rets;   /* r4.. on return */
            unsigned nrets;
            uint64_t host_ns;       /* time spent in the handler: profiling only */
            uint64_t caller;        /* LR at the sc: the hcall wrapper's caller */
        } hcall;
        struct {
            const char *token_name;
            uint32_t token;
            const uint32_t *args;
            unsigned nargs;
            const uint32_t *rets;
            unsigned nrets;
        } rtas;
        struct {
            const char *region;
            uint64_t addr;
            unsigned size;
            int write;
            uint64_t value;
        } mmio;
        struct {
            const char *line;
            int level;
        } irq;
        struct {
            uint32_t vector;
        } interrupt;
        struct {
            const char *source;     /* "console", "rtc", ... */
            const uint8_t *data;
            size_t len;
        } input;
        struct {
            const uint8_t *digest;  /* emu/checkpoint.h says what is in it */
            size_t len;
        } checkpoint;
        struct {
            const uint8_t *digest;  /* the state digest (emu/checkpoint.h), or NULL */
            size_t len;
            int restored;           /* 1: the run continues from a snapshot from here */
            const char *file;       /* the snapshot file */
        } keyframe;
        struct {
            enum exit_reason reason;
            int64_t code;
            const char *message;
        } exit;
    } u;
};

typedef void (*event_fn)(void *opaque, const struct event *e);

#define EVENT_MAX_OBSERVERS 8

struct event_hook {
    unsigned count;
    struct {
        event_fn fn;
        void *opaque;
    } observers[EVENT_MAX_OBSERVERS];
};

/* Returns -1 if EVENT_MAX_OBSERVERS are attached already. */
int event_observe(struct event_hook *h, event_fn fn, void *opaque);

/* Detaches the observer FN/OPAQUE (nothing if it is not attached). */
void event_unobserve(struct event_hook *h, event_fn fn, void *opaque);

static inline void event_emit(const struct event_hook *h, const struct event *e)
{
    for (unsigned i = 0; i < h->count; i++)
        h->observers[i].fn(h->observers[i].opaque, e);
}

static inline int event_wanted(const struct event_hook *h)
{
    return h->count != 0;
}

#endif
