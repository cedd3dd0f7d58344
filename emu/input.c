/*
 * Input sources (input.h). Each value the host hands the guest is first an
 * input event, so that a recording holds it with its icount; replay will
 * hand the same values back through these same functions.
 */
#include "emu/input.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "emu/machine.h"

static void emit_input(struct machine *m, const char *source, const uint8_t *data, size_t len)
{
    if (!event_wanted(&m->events))
        return;
    struct event e = { .kind = EVENT_INPUT };
    machine_event_origin(m, &e);
    e.u.input.source = source;
    e.u.input.data = data;
    e.u.input.len = len;
    event_emit(&m->events, &e);
}

/* "YYYY-MM-DDTHH:MM:SS" (UTC) to seconds since the epoch, or -1. */
static int64_t parse_utc(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end)
        return -1;
    return (int64_t)timegm(&tm);
}

int64_t input_rtc_seconds(struct machine *m)
{
    const char *base = m->cfg.rtc_base;
    int64_t now;
    if (!base || strcmp(base, "utc") == 0) {
        now = (int64_t)time(NULL);          /* the host's clock: an input */
    } else {
        /* A fixed base moves with guest time only, so it is deterministic;
         * it is still reported, so a trace says what the guest saw. */
        int64_t start = parse_utc(base);
        uint64_t tb = m->ncpus ? cpu_tb(&m->cpus[0]) : 0;
        now = (start < 0 ? 0 : start) + (int64_t)(tb / CPU_TB_FREQ);
    }
    uint8_t be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
    emit_input(m, "rtc", be, sizeof be);
    return now;
}

void input_console(struct machine *m, const uint8_t *data, size_t len, input_receive_fn receive,
                   void *opaque)
{
    emit_input(m, "console", data, len);
    receive(opaque, data, len);
}
