/*
 * The Chrome JSON back end of `ppcrr trace export` (see
 * trace_export_backend.h): the trace event format chrome://tracing and the
 * Perfetto UI both open -- one object {"traceEvents":[...]} with an event
 * per line. Tracks become thread names ("M" events), slices complete ("X")
 * events, instants "i" events and counter samples "C" events.
 *
 * A complete event carries its duration, which the pass knows only later,
 * so its opening waits in its lane's buffer and the "dur" is added when
 * it is written out. Timestamps are microseconds with three decimals, so
 * that one instruction (1 ns on the timeline) stays exact.
 */
#include "traces/trace_export_backend.h"

#include <inttypes.h>
#include <string.h>

#include "traces/trace_format.h"

static void json_put_buf(void *b, const char *p, size_t n)
{
    export_buf_put(b, p, n);
}

/* A JSON string. Its text is UTF-8 already (see trace_export_backend.h):
 * only quotes, backslashes and control characters need escaping. */
static void json_string(struct export_buf *b, const char *s)
{
    export_buf_put(b, "\"", 1);
    trace_json_escape(s, strlen(s), TRACE_JSON_UTF8, json_put_buf, b);
    export_buf_put(b, "\"", 1);
}

/* Chrome timestamps are microseconds; one instruction is 1 ns, so 0.001. */
static void json_us(struct export_buf *b, const char *key, uint64_t ns)
{
    export_buf_printf(b, ",\"%s\":%" PRIu64 ".%03" PRIu64, key, ns / 1000, ns % 1000);
}

/* Starts an event object: the separator (ch_start wrote the first
 * object), then ph, pid, tid, ts. */
static void json_head(struct export_buf *b, const char *ph, uint32_t tid, uint64_t ts)
{
    export_buf_printf(b, ",\n{\"ph\":\"%s\",\"pid\":%d,\"tid\":%" PRIu32, ph, EXPORT_PID, tid);
    json_us(b, "ts", ts);
}

/* The name, the category and the current event's annotations. */
static void json_named(const struct export_sink *s, struct export_buf *b, const char *name,
                       const char *cat)
{
    export_buf_put(b, ",\"name\":", 8);
    json_string(b, name);
    export_buf_put(b, ",\"cat\":", 7);
    json_string(b, cat);
    export_buf_put(b, ",\"args\":{", 9);
    for (size_t i = 0; i < s->args->n; i++) {
        const struct export_arg *arg = &s->args->arg[i];
        if (i)
            export_buf_put(b, ",", 1);
        json_string(b, arg->name);
        if (arg->kind == EXPORT_UINT)
            export_buf_printf(b, ":%" PRIu64, arg->u);
        else if (arg->kind == EXPORT_INT)
            export_buf_printf(b, ":%" PRId64, arg->i);
        else {
            export_buf_put(b, ":", 1);
            json_string(b, arg->text);
        }
    }
    export_buf_put(b, "}", 1);
}

static void json_flush(struct export_sink *s)
{
    fwrite(s->scratch.p, 1, s->scratch.len, s->out);
    s->scratch.len = 0;
}

/* Ends the metadata ("M") event begun in s->scratch with the name it
 * gives (the process's or a thread's), and writes it out. */
static void json_meta(struct export_sink *s, const char *name)
{
    json_string(&s->scratch, name);
    export_buf_put(&s->scratch, "}}", 2);
    json_flush(s);
}

static void ch_start(struct export_sink *s)
{
    fputs("{\"traceEvents\":[", s->out);
    export_buf_printf(&s->scratch,
                      "\n{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":",
                      EXPORT_PID);
    json_meta(s, EXPORT_PROCESS_NAME);
}

static void ch_track(struct export_sink *s, const struct export_track *t, uint64_t parent,
                     uint64_t ts, bool counter)
{
    (void)parent;
    (void)ts;
    if (counter)
        return;         /* Chrome counters are named by their events */
    export_buf_printf(&s->scratch, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRIu32
                                   ",\"name\":\"thread_name\",\"args\":{\"name\":",
                      EXPORT_PID, t->tid);
    json_meta(s, t->name);
}

/* A complete ("X") event is written whole once its duration is known: the
 * opening holds everything but "dur" and the closing brace. */
static void ch_slice_open(struct export_sink *s, const struct export_track *t, uint64_t ts,
                          const char *name, const char *cat, struct export_buf *into)
{
    json_head(into, "X", t->tid, ts);
    json_named(s, into, name, cat);
}

static void ch_slice_emit(struct export_sink *s, const struct export_track *t, const char *open,
                          size_t len, uint64_t ts, uint64_t end)
{
    (void)t;
    fwrite(open, 1, len, s->out);
    json_us(&s->scratch, "dur", end - ts);
    export_buf_put(&s->scratch, "}", 1);
    json_flush(s);
}

static void ch_instant(struct export_sink *s, const struct export_track *t, uint64_t ts,
                       const char *name, const char *cat)
{
    json_head(&s->scratch, "i", t->tid, ts);
    export_buf_put(&s->scratch, ",\"s\":\"t\"", 8);
    json_named(s, &s->scratch, name, cat);
    export_buf_put(&s->scratch, "}", 1);
    json_flush(s);
}

static void ch_counter(struct export_sink *s, uint64_t ts, uint64_t value)
{
    export_buf_printf(&s->scratch, ",\n{\"ph\":\"C\",\"pid\":%d", EXPORT_PID);
    json_us(&s->scratch, "ts", ts);
    export_buf_put(&s->scratch, ",\"name\":", 8);
    json_string(&s->scratch, TRACE_EXPORT_COUNTER_NAME);
    export_buf_printf(&s->scratch, ",\"args\":{\"hcalls\":%" PRIu64 "}}", value);
    json_flush(s);
}

static void ch_finish(struct export_sink *s)
{
    fputs("\n],\"displayTimeUnit\":\"ns\"}\n", s->out);
}

const struct export_backend export_chrome_backend = {
    .start = ch_start,
    .track = ch_track,
    .slice_open = ch_slice_open,
    .slice_emit = ch_slice_emit,
    .instant = ch_instant,
    .counter = ch_counter,
    .finish = ch_finish,
};
