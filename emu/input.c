/*
 * Input sources (input.h). Each value the host hands the guest is first an
 * input event, so that a recording holds it with its icount; replay will
 * hand the same values back through these same functions.
 */
#include "emu/input.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "emu/machine.h"

static void be64(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (56 - 8 * i));
}

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

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar
 * (the usual era arithmetic: 400-year eras of 146097 days). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

bool input_parse_utc(const char *text, int64_t *seconds)
{
    unsigned y, mo, d, h, mi, s;
    char tail;
    if (sscanf(text, "%4u-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &s, &tail) != 6)
        return false;
    static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || s > 59)
        return false;
    *seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return true;
}

/* With a feeder, the trace's value replaces the host's (zeros if the trace
 * has none: the feeder has reported the divergence). */
static bool fed(struct machine *m, const char *source, uint8_t *buf, size_t len)
{
    if (!m->feeder)
        return false;
    if (!m->feeder->take(m->feeder->opaque, source, buf, len))
        memset(buf, 0, len);
    return true;
}

static uint64_t get_be64(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | in[i];
    return v;
}

void input_set_feeder(struct machine *m, const struct input_feeder *feeder)
{
    m->feeder = feeder;
}

void input_console_attach(struct machine *m, input_receive_fn receive, void *opaque)
{
    m->console_receive = receive;
    m->console_opaque = opaque;
}

void input_host_stop(struct machine *m, const char *why)
{
    if (m->exit_reason != EXIT_NONE)
        return;
    emit_input(m, "stop", (const uint8_t *)why, strlen(why));
    machine_request_exit(m, EXIT_USER, 0, why);
}

void input_console_feed(struct machine *m, const uint8_t *data, size_t len)
{
    emit_input(m, "console", data, len);
    if (m->console_receive)
        m->console_receive(m->console_opaque, data, len);
}

int64_t input_rtc_seconds(struct machine *m)
{
    int64_t now;
    uint8_t be[8];
    if (fed(m, "rtc", be, sizeof be)) {
        now = (int64_t)get_be64(be);
        emit_input(m, "rtc", be, sizeof be);
        return now;
    }
    if (!m->cfg.rtc_fixed) {
        now = (int64_t)time(NULL);          /* the host's clock: an input */
    } else {
        /* A fixed base moves with guest time only, so it is deterministic;
         * it is still reported, so a trace says what the guest saw. */
        uint64_t tb = m->ncpus ? cpu_tb(&m->cpus[0]) : 0;
        now = m->cfg.rtc_base + (int64_t)(tb / CPU_TB_FREQ);
    }
    be64(be, (uint64_t)now);
    emit_input(m, "rtc", be, sizeof be);
    return now;
}

void input_console(struct machine *m, const uint8_t *data, size_t len, input_receive_fn receive,
                   void *opaque)
{
    if (m->feeder)
        return;                     /* replay: the trace types, not the host */
    emit_input(m, "console", data, len);
    receive(opaque, data, len);
}

void input_host_bytes(struct machine *m, const char *source, uint8_t *data, size_t len)
{
    fed(m, source, data, len);
    emit_input(m, source, data, len);
}

uint64_t input_random(struct machine *m)
{
    uint8_t be[8];
    if (fed(m, "random", be, sizeof be)) {
        emit_input(m, "random", be, sizeof be);
        return get_be64(be);
    }
    uint64_t v = 0;
    uint8_t *p = (uint8_t *)&v;
    size_t got = 0;
    /* getrandom can return short (a signal) but not fail for 8 bytes once
     * the pool is ready; anything else leaves the rest as it is (zero). */
    while (got < sizeof v) {
        ssize_t n = getrandom(p + got, sizeof v - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    be64(be, v);
    emit_input(m, "random", be, sizeof be);
    return v;
}
