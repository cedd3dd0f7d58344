/*
 * The Perfetto back end of `ppcrr trace export` (see
 * trace_export_backend.h): every timeline item becomes one TracePacket of
 * a `perfetto.protos.Trace` (traces/perfetto_trace.proto) -- a
 * TrackDescriptor per track, a TrackEvent per slice edge, instant and
 * counter sample -- written to the output as soon as it is made, so a
 * trace of any length exports in constant memory. Only a slice's opening
 * waits, packed into its lane's buffer, until the pass knows its end.
 *
 * All packets share one trusted sequence; the first also says that the
 * sequence's incremental state starts cleared, as Perfetto requires of a
 * sequence's first packet.
 */
#include "traces/trace_export_backend.h"

#include "traces/perfetto_trace.pb-c.h"

/* Any nonzero id but 1, which Perfetto's own tracing service uses for the
 * packets it writes itself. */
#define EXPORT_SEQUENCE_ID 1000u

/* Writes P as one `Trace.packet` record (field 1, length-delimited) to the
 * output, or to INTO when the packet has to wait. */
static void pf_packet(struct export_sink *s, Perfetto__Protos__TracePacket *p,
                      struct export_buf *into)
{
    p->has_trusted_packet_sequence_id = true;
    p->trusted_packet_sequence_id = EXPORT_SEQUENCE_ID;
    if (s->first) {
        p->has_sequence_flags = true;
        p->sequence_flags = PERFETTO__PROTOS__TRACE_PACKET__SEQUENCE_FLAGS__SEQ_INCREMENTAL_STATE_CLEARED;
        s->first = false;
    }
    size_t size = perfetto__protos__trace_packet__get_packed_size(p);
    uint8_t head[11] = { 0x0a };        /* field 1, wire type 2 */
    size_t hl = 1;
    for (uint64_t v = size; ; v >>= 7) {
        head[hl++] = (uint8_t)(v & 0x7f) | (v > 0x7f ? 0x80 : 0);
        if (v <= 0x7f)
            break;
    }
    struct export_buf *b = into ? into : &s->scratch;
    if (!into)
        b->len = 0;
    export_buf_put(b, head, hl);
    if (!export_buf_reserve(b, size))
        return;
    b->len += perfetto__protos__trace_packet__pack(p, (uint8_t *)b->p + b->len);
    if (!into)
        fwrite(b->p, 1, b->len, s->out);
}

/* P, already filled in, as a packet at TS. */
static void pf_timed(struct export_sink *s, Perfetto__Protos__TracePacket *p, uint64_t ts,
                     struct export_buf *into)
{
    p->has_timestamp = true;
    p->timestamp = ts;
    pf_packet(s, p, into);
}

static void pf_track(struct export_sink *s, const struct export_track *t, uint64_t parent,
                     uint64_t ts, bool counter)
{
    Perfetto__Protos__TrackDescriptor d = PERFETTO__PROTOS__TRACK_DESCRIPTOR__INIT;
    Perfetto__Protos__ProcessDescriptor proc = PERFETTO__PROTOS__PROCESS_DESCRIPTOR__INIT;
    Perfetto__Protos__CounterDescriptor cd = PERFETTO__PROTOS__COUNTER_DESCRIPTOR__INIT;
    d.has_uuid = true;
    d.uuid = t->uuid;
    if (parent) {
        d.has_parent_uuid = true;
        d.parent_uuid = parent;
        d.name = (char *)t->name;
    } else {
        proc.has_pid = true;
        proc.pid = EXPORT_PID;
        proc.process_name = (char *)t->name;
        d.process = &proc;
    }
    if (counter) {
        cd.has_unit = true;
        cd.unit = PERFETTO__PROTOS__COUNTER_DESCRIPTOR__UNIT__UNIT_COUNT;
        d.counter = &cd;
    }
    Perfetto__Protos__TracePacket p = PERFETTO__PROTOS__TRACE_PACKET__INIT;
    p.data_case = PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_DESCRIPTOR;
    p.track_descriptor = &d;
    pf_timed(s, &p, ts, NULL);
}

static void pf_start(struct export_sink *s)
{
    struct export_track process = { .uuid = EXPORT_PROCESS_UUID, .name = EXPORT_PROCESS_NAME };
    struct export_track counter = { .uuid = EXPORT_COUNTER_UUID, .name = TRACE_EXPORT_COUNTER_NAME };
    s->first = true;
    pf_track(s, &process, 0, 0, false);
    pf_track(s, &counter, EXPORT_PROCESS_UUID, 0, true);
}

/* The event's annotations as DebugAnnotations: ANN holds them, ANNP
 * points at each. */
static void pf_annotations(const struct export_args *a, Perfetto__Protos__DebugAnnotation *ann,
                           Perfetto__Protos__DebugAnnotation **annp)
{
    for (size_t i = 0; i < a->n; i++) {
        const struct export_arg *arg = &a->arg[i];
        perfetto__protos__debug_annotation__init(&ann[i]);
        ann[i].name = (char *)arg->name;
        if (arg->kind == EXPORT_UINT) {
            ann[i].value_case = PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_UINT_VALUE;
            ann[i].uint_value = arg->u;
        } else if (arg->kind == EXPORT_INT) {
            ann[i].value_case = PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_INT_VALUE;
            ann[i].int_value = arg->i;
        } else {
            ann[i].value_case = PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_STRING_VALUE;
            ann[i].string_value = (char *)arg->text;
        }
        annp[i] = &ann[i];
    }
}

/* A TrackEvent EV (its type and what goes with it set) on track UUID at
 * TS. */
static void pf_track_event(struct export_sink *s, Perfetto__Protos__TrackEvent *ev, uint64_t uuid,
                           uint64_t ts, struct export_buf *into)
{
    ev->has_type = true;
    ev->has_track_uuid = true;
    ev->track_uuid = uuid;
    Perfetto__Protos__TracePacket p = PERFETTO__PROTOS__TRACE_PACKET__INIT;
    p.data_case = PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_EVENT;
    p.track_event = ev;
    pf_timed(s, &p, ts, into);
}

/* A TrackEvent of TYPE on T at TS, with the current annotations when it has
 * a NAME. */
static void pf_event(struct export_sink *s, const struct export_track *t, uint64_t ts,
                     Perfetto__Protos__TrackEvent__Type type, const char *name, const char *cat,
                     struct export_buf *into)
{
    Perfetto__Protos__DebugAnnotation ann[EXPORT_MAX_ARGS], *annp[EXPORT_MAX_ARGS];
    Perfetto__Protos__TrackEvent ev = PERFETTO__PROTOS__TRACK_EVENT__INIT;
    ev.type = type;
    if (name) {
        pf_annotations(s->args, ann, annp);
        ev.n_debug_annotations = s->args->n;
        ev.debug_annotations = annp;
        ev.name = (char *)name;
        ev.n_categories = 1;
        ev.categories = (char **)&cat;
    }
    pf_track_event(s, &ev, t->uuid, ts, into);
}

static void pf_slice_open(struct export_sink *s, const struct export_track *t, uint64_t ts,
                          const char *name, const char *cat, struct export_buf *into)
{
    pf_event(s, t, ts, PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_BEGIN, name, cat, into);
}

static void pf_slice_emit(struct export_sink *s, const struct export_track *t, const char *open,
                          size_t len, uint64_t ts, uint64_t end)
{
    (void)t;
    (void)ts;
    (void)end;
    fwrite(open, 1, len, s->out);
}

static void pf_slice_end(struct export_sink *s, const struct export_track *t, uint64_t end)
{
    pf_event(s, t, end, PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_END, NULL, NULL, NULL);
}

static void pf_instant(struct export_sink *s, const struct export_track *t, uint64_t ts,
                       const char *name, const char *cat)
{
    pf_event(s, t, ts, PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_INSTANT, name, cat, NULL);
}

static void pf_counter(struct export_sink *s, uint64_t ts, uint64_t value)
{
    Perfetto__Protos__TrackEvent ev = PERFETTO__PROTOS__TRACK_EVENT__INIT;
    ev.type = PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_COUNTER;
    ev.has_counter_value = true;
    ev.counter_value = (int64_t)value;
    pf_track_event(s, &ev, EXPORT_COUNTER_UUID, ts, NULL);
}

const struct export_backend export_perfetto_backend = {
    .start = pf_start,
    .track = pf_track,
    .slice_open = pf_slice_open,
    .slice_emit = pf_slice_emit,
    .slice_end = pf_slice_end,
    .instant = pf_instant,
    .counter = pf_counter,
};
