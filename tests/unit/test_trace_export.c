/*
 * `ppcrr trace export` (traces/trace_export.h) on a small hand-made trace
 * whose timeline is worked out here by hand: two vCPUs, hcalls whose slice
 * lengths are their host cost or are cut short by the vCPU's next event, an
 * RTAS call inside its KVMPPC_H_RTAS hcall, an MMIO write, an IRQ edge, an
 * interrupt, an exit, an hcall the header does not describe.
 *
 * The Perfetto file is read back with the protobuf-c code generated from
 * traces/perfetto_trace.proto, independently of how the exporter built it,
 * and replayed the way trace_processor does (a stack of open slices per
 * track). The Chrome file is checked line by line against exact text.
 * Then the failure paths: no trace, bad trace, unwritable output, a trace
 * cut short; a failed export must leave no file behind.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hcall/hcall_meta.h"
#include "tests/common/synth.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "traces/perfetto_trace.pb-c.h"
#include "traces/trace_export.h"

/* ---- the trace ---- */

enum { S_POWER, S_VTY_IRQ, S_GTOD, S_ODD };

static void append(struct trace_writer *w, uint64_t icount, uint32_t cpu, Ppcrr__Event *e)
{
    struct trace_error err = { "" };
    e->cpu = cpu;
    e->pc = 0xc000000000001000ull + icount;
    if (trace_writer_append(w, icount, e, &err) < 0)
        tap_bail("append: %s", err.msg);
}

static void hcall(struct trace_writer *w, uint64_t icount, uint32_t cpu, uint32_t opcode,
                  const uint64_t *args, size_t nargs, int64_t ret, const uint64_t *outs,
                  size_t nouts, uint64_t host_ns)
{
    Ppcrr__Hcall h = PPCRR__HCALL__INIT;
    h.opcode = opcode;
    h.arg = (uint64_t *)args;
    h.n_arg = nargs;
    h.ret = ret;
    h.output = (uint64_t *)outs;
    h.n_output = nouts;
    h.host_ns = host_ns;
    Ppcrr__Event e = PPCRR__EVENT__INIT;
    e.kind_case = PPCRR__EVENT__KIND_HCALL;
    e.hcall = &h;
    append(w, icount, cpu, &e);
}

static void mmio(struct trace_writer *w, uint64_t icount, uint32_t cpu, uint32_t region, bool write)
{
    Ppcrr__Mmio m = PPCRR__MMIO__INIT;
    m.region = region;
    m.addr = 0xf0000010;
    m.size = 4;
    m.write = write;
    m.value = 1;
    Ppcrr__Event e = PPCRR__EVENT__INIT;
    e.kind_case = PPCRR__EVENT__KIND_MMIO;
    e.mmio = &m;
    append(w, icount, cpu, &e);
}

static void other_events(struct trace_writer *w, uint64_t at, int which)
{
    static uint32_t rets[] = { 0, 2026 };
    Ppcrr__Rtas rtas = PPCRR__RTAS__INIT;
    Ppcrr__Irq irq = PPCRR__IRQ__INIT;
    Ppcrr__Interrupt intr = PPCRR__INTERRUPT__INIT;
    Ppcrr__Exit ex = PPCRR__EXIT__INIT;
    Ppcrr__Event e = PPCRR__EVENT__INIT;
    uint32_t cpu = 0;
    if (which == 0) {
        rtas.token_name = S_GTOD;
        rtas.token = 0x2001;
        rtas.ret = rets;
        rtas.n_ret = 2;
        e.kind_case = PPCRR__EVENT__KIND_RTAS;
        e.rtas = &rtas;
        cpu = 1;
    } else if (which == 1) {
        irq.line = S_VTY_IRQ;
        irq.level = 1;
        e.kind_case = PPCRR__EVENT__KIND_IRQ;
        e.irq = &irq;
    } else if (which == 2) {
        intr.vector = 0x500;
        e.kind_case = PPCRR__EVENT__KIND_INTERRUPT;
        e.interrupt = &intr;
    } else {
        ex.reason = PPCRR__EXIT__REASON__POWER_OFF;
        ex.message = (char *)"";
        e.kind_case = PPCRR__EVENT__KIND_EXIT;
        e.exit = &ex;
        cpu = 1;
    }
    append(w, at, cpu, &e);
}

/* The trace every test exports; ABANDON leaves it without an index, as a
 * killed recorder would. */
static void write_trace(const char *path, bool abandon)
{
    static const uint64_t enter[] = { 0, 0x1230, 0x4000000000000001ull, 0x190 }, enter_out[] = { 0x1233 };
    static const uint64_t term[] = { 0, 2, 0x6869000000000000ull, 0 };
    static const uint64_t rtas_block[] = { 0x1f000 };
    static const uint64_t remove[] = { 0x100, 0x42, 0x7 }, remove_out[] = { 0, 0 };
    struct trace_error err = { "" };
    struct trace_writer *w = trace_writer_create(path, NULL, &err);
    if (!w)
        tap_bail("%s", err.msg);
    trace_writer_intern(w, "power");
    trace_writer_intern(w, "vty0.irq");
    trace_writer_intern(w, "get-time-of-day");
    trace_writer_intern(w, "odd\"name\n\x01");
    Ppcrr__Header *h = synth_header_new(2);
    if (trace_writer_start(w, h, &err) < 0)
        tap_bail("%s", err.msg);
    synth_header_free(h);
    hcall(w, 1000, 0, H_ENTER, enter, 4, H_SUCCESS, enter_out, 1, 100);
    hcall(w, 1100, 1, H_PUT_TERM_CHAR, term, 4, H_SUCCESS, NULL, 0, 500);
    mmio(w, 1150, 0, S_POWER, true);
    other_events(w, 1200, 0);                                   /* RTAS on vCPU 1 */
    hcall(w, 1200, 1, KVMPPC_H_RTAS, rtas_block, 1, H_SUCCESS, NULL, 0, 700);
    other_events(w, 1300, 1);                                   /* IRQ */
    other_events(w, 1400, 2);                                   /* interrupt on vCPU 0 */
    hcall(w, 2000, 1, H_CEDE, NULL, 0, H_SUCCESS, NULL, 0, 0);
    hcall(w, 2500000, 0, H_REMOVE, remove, 3, H_NOT_FOUND, remove_out, 2, 40);
    other_events(w, 2600000, 3);                                /* exit on vCPU 1 */
    hcall(w, 2600100, 0, 0x9999, NULL, 0, 0, NULL, 0, 1000);
    mmio(w, 2600200, 0, S_ODD, false);
    if (abandon) {
        if (trace_writer_flush(w, &err) < 0)
            tap_bail("%s", err.msg);
        trace_writer_abandon(w);
    } else if (trace_writer_close(w, &err) < 0) {
        tap_bail("%s", err.msg);
    }
}

/* Runs the export; *ERRTEXT gets what it printed (caller frees). */
static int run_export(const char *trace, const char *out, enum trace_export_format format,
                      char **errtext)
{
    size_t len;
    FILE *err = open_memstream(errtext, &len);
    struct trace_export_options opt = { .format = format, .output = out };
    int status = trace_tool_export(trace, &opt, err);
    fclose(err);
    return status;
}

/* ---- Perfetto, replayed ---- */

struct slice {
    const char *track, *name;
    uint64_t begin, end;
    int depth;
    const Perfetto__Protos__TrackEvent *ev;
};

struct track {
    uint64_t uuid, parent;
    const char *name;
    bool counter, process;
    const Perfetto__Protos__TrackEvent *open[8];
    uint64_t open_ts[8];
    int depth;
    uint64_t last_ts;
};

struct timeline {
    Perfetto__Protos__Trace *trace;
    struct track track[16];
    size_t n_track;
    struct slice slice[32];
    size_t n_slice;
    const Perfetto__Protos__TrackEvent *instant[16];
    uint64_t instant_ts[16];
    const char *instant_track[16];
    size_t n_instant;
    uint64_t counter_ts[8], counter_value[8];
    size_t n_counter;
    size_t no_sequence, flagged, unknown_track, misnested, backwards, duplicate_uuid;
};

static struct track *find_track(struct timeline *t, uint64_t uuid)
{
    for (size_t i = 0; i < t->n_track; i++)
        if (t->track[i].uuid == uuid)
            return &t->track[i];
    return NULL;
}

static const struct track *track_named(const struct timeline *t, const char *name)
{
    for (size_t i = 0; i < t->n_track; i++)
        if (t->track[i].name && strcmp(t->track[i].name, name) == 0)
            return &t->track[i];
    return NULL;
}

static void replay_descriptor(struct timeline *t, const Perfetto__Protos__TrackDescriptor *d)
{
    if (find_track(t, d->uuid) || t->n_track == 16) {
        t->duplicate_uuid++;
        return;
    }
    struct track *tr = &t->track[t->n_track++];
    memset(tr, 0, sizeof *tr);
    tr->uuid = d->uuid;
    tr->parent = d->has_parent_uuid ? d->parent_uuid : 0;
    tr->name = d->process ? d->process->process_name : d->name;
    tr->process = d->process && d->process->has_pid && d->process->pid == 1;
    tr->counter = d->counter && d->counter->unit == PERFETTO__PROTOS__COUNTER_DESCRIPTOR__UNIT__UNIT_COUNT;
}

/* What trace_processor does with one TrackEvent: an END closes the
 * innermost open slice of its track. */
static void replay_event(struct timeline *t, uint64_t ts, const Perfetto__Protos__TrackEvent *ev)
{
    struct track *tr = find_track(t, ev->track_uuid);
    if (!tr) {
        t->unknown_track++;
        return;
    }
    t->backwards += ts < tr->last_ts;
    tr->last_ts = ts;
    switch (ev->type) {
    case PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_BEGIN:
        if (tr->depth == 8) {
            t->misnested++;
            return;
        }
        tr->open_ts[tr->depth] = ts;
        tr->open[tr->depth++] = ev;
        break;
    case PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_SLICE_END:
        if (tr->depth == 0 || t->n_slice == 32) {
            t->misnested++;
            return;
        }
        tr->depth--;
        t->slice[t->n_slice++] = (struct slice){ tr->name, tr->open[tr->depth]->name,
                                                 tr->open_ts[tr->depth], ts, tr->depth,
                                                 tr->open[tr->depth] };
        break;
    case PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_INSTANT:
        if (t->n_instant < 16) {
            t->instant_ts[t->n_instant] = ts;
            t->instant_track[t->n_instant] = tr->name;
            t->instant[t->n_instant++] = ev;
        }
        break;
    case PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_COUNTER:
        if (tr->counter && t->n_counter < 8 && ev->has_counter_value) {
            t->counter_ts[t->n_counter] = ts;
            t->counter_value[t->n_counter++] = (uint64_t)ev->counter_value;
        }
        break;
    default:
        t->misnested++;
        break;
    }
}

static bool load_timeline(const char *path, struct timeline *t)
{
    memset(t, 0, sizeof *t);
    size_t len;
    uint8_t *data = test_read_file(path, &len);
    if (!data)
        return false;
    t->trace = perfetto__protos__trace__unpack(NULL, len, data);
    free(data);
    if (!t->trace)
        return false;
    for (size_t i = 0; i < t->trace->n_packet; i++) {
        const Perfetto__Protos__TracePacket *p = t->trace->packet[i];
        t->no_sequence += !p->has_trusted_packet_sequence_id || p->trusted_packet_sequence_id == 0 ||
                          p->trusted_packet_sequence_id != t->trace->packet[0]->trusted_packet_sequence_id;
        t->flagged += p->has_sequence_flags &&
                      (p->sequence_flags & PERFETTO__PROTOS__TRACE_PACKET__SEQUENCE_FLAGS__SEQ_INCREMENTAL_STATE_CLEARED);
        if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_DESCRIPTOR)
            replay_descriptor(t, p->track_descriptor);
        else if (p->data_case == PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_EVENT)
            replay_event(t, p->timestamp, p->track_event);
    }
    return true;
}

static const struct slice *find_slice(const struct timeline *t, const char *name, uint64_t begin)
{
    for (size_t i = 0; i < t->n_slice; i++)
        if (strcmp(t->slice[i].name, name) == 0 && t->slice[i].begin == begin)
            return &t->slice[i];
    return NULL;
}

static const Perfetto__Protos__DebugAnnotation *annotation(const Perfetto__Protos__TrackEvent *ev,
                                                          const char *name)
{
    for (size_t i = 0; ev && i < ev->n_debug_annotations; i++)
        if (ev->debug_annotations[i]->name && strcmp(ev->debug_annotations[i]->name, name) == 0)
            return ev->debug_annotations[i];
    return NULL;
}

static const char *ann_str(const Perfetto__Protos__TrackEvent *ev, const char *name)
{
    const Perfetto__Protos__DebugAnnotation *a = annotation(ev, name);
    return a && a->value_case == PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_STRING_VALUE ? a->string_value
                                                                                        : NULL;
}

static int64_t ann_num(const Perfetto__Protos__TrackEvent *ev, const char *name)
{
    const Perfetto__Protos__DebugAnnotation *a = annotation(ev, name);
    if (a && a->value_case == PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_UINT_VALUE)
        return (int64_t)a->uint_value;
    if (a && a->value_case == PERFETTO__PROTOS__DEBUG_ANNOTATION__VALUE_INT_VALUE)
        return a->int_value;
    return INT64_MIN;
}

static void check_tracks(const struct timeline *t)
{
    is_u64(t->duplicate_uuid, 0, "every track uuid is unique");
    const struct track *proc = t->n_track ? &t->track[0] : NULL;
    ok(proc && proc->process && proc->name && strcmp(proc->name, "ppcrr guest") == 0,
       "the first track is the process \"ppcrr guest\", pid 1");
    const char *names[] = { "vCPU 0", "vCPU 1", "IRQ vty0.irq", TRACE_EXPORT_COUNTER_NAME };
    for (size_t i = 0; i < 4; i++) {
        const struct track *tr = track_named(t, names[i]);
        ok(tr && proc && tr->parent == proc->uuid, "track \"%s\" inside the process", names[i]);
    }
    const struct track *c = track_named(t, TRACE_EXPORT_COUNTER_NAME);
    ok(c && c->counter, "the hcall rate is a counter track counting (UNIT_COUNT)");
    is_u64(t->n_track, 5, "no other tracks");
    const struct track *v0 = track_named(t, "vCPU 0"), *v1 = track_named(t, "vCPU 1");
    ok(v0 && v1 && v0->uuid != v1->uuid, "the vCPU tracks have different uuids");
}

/* The slices, worked out by hand from write_trace. */
static void check_slices(const struct timeline *t)
{
    static const struct {
        const char *track, *name;
        uint64_t begin, end;
        int depth;
    } want[] = {
        { "vCPU 0", "H_ENTER", 1000, 1100, 0 },             /* its host_ns: 100 */
        { "vCPU 1", "H_PUT_TERM_CHAR", 1100, 1200, 0 },     /* 500, cut at vCPU 1's next event */
        { "vCPU 1", "KVMPPC_H_RTAS", 1200, 1900, 0 },       /* 700 */
        { "vCPU 1", "get-time-of-day", 1200, 1900, 1 },     /* inside the hcall that carried it */
        { "vCPU 1", "H_CEDE", 2000, 2001, 0 },              /* host_ns 0: still 1 long */
        { "vCPU 0", "H_REMOVE", 2500000, 2500040, 0 },
        { "vCPU 0", "hcall 0x9999", 2600100, 2600200, 0 },  /* not in the header: by opcode */
    };
    is_u64(t->n_slice, sizeof want / sizeof want[0], "one slice per hcall and RTAS call");
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct slice *s = find_slice(t, want[i].name, want[i].begin);
        if (!ok(s != NULL, "slice %s at %llu", want[i].name, (unsigned long long)want[i].begin))
            continue;
        is_str(s->track, want[i].track, "%s is on %s", want[i].name, want[i].track);
        is_u64(s->end, want[i].end, "%s ends at %llu", want[i].name, (unsigned long long)want[i].end);
        is_i64(s->depth, want[i].depth, "%s nesting depth", want[i].name);
    }
    is_u64(t->misnested, 0, "every END closes a slice of its track, properly nested");
    is_u64(t->backwards, 0, "on every track, time never goes backwards in file order");
    size_t open = 0;
    for (size_t i = 0; i < t->n_track; i++)
        open += (size_t)t->track[i].depth;
    is_u64(open, 0, "no slice is left open");
}

static void check_annotations(const struct timeline *t)
{
    const struct slice *s = find_slice(t, "H_ENTER", 1000);
    const Perfetto__Protos__TrackEvent *ev = s ? s->ev : NULL;
    is_str(ann_str(ev, "r4"), "0x0", "H_ENTER r4 (hex, as its letters say)");
    is_str(ann_str(ev, "r5"), "0x1230", "H_ENTER r5");
    is_str(ann_str(ev, "r6"), "0x4000000000000001", "H_ENTER r6");
    is_str(ann_str(ev, "r7"), "0x190", "H_ENTER r7");
    is_i64(ann_num(ev, "ret"), 0, "H_ENTER ret");
    is_str(ann_str(ev, "ret_name"), "H_SUCCESS", "H_ENTER ret_name");
    is_str(ann_str(ev, "out_r4"), "0x1233", "H_ENTER out_r4");
    is_i64(ann_num(ev, "host_ns"), 100, "H_ENTER host_ns");
    is_str(ann_str(ev, "pc"), "0xc0000000000013e8", "H_ENTER pc");
    ok(ev && ev->n_categories == 1 && strcmp(ev->categories[0], "hcall") == 0, "category hcall");

    s = find_slice(t, "H_PUT_TERM_CHAR", 1100);
    ev = s ? s->ev : NULL;
    is_i64(ann_num(ev, "r5"), 2, "H_PUT_TERM_CHAR r5 is the byte count");
    is_str(ann_str(ev, "text"), "hi", "and the bytes that follow are text");

    s = find_slice(t, "H_REMOVE", 2500000);
    ev = s ? s->ev : NULL;
    is_i64(ann_num(ev, "ret"), H_NOT_FOUND, "H_REMOVE ret");
    is_str(ann_str(ev, "ret_name"), "H_NOT_FOUND", "H_REMOVE ret_name");
    is_str(ann_str(ev, "out_r5"), "0x0", "H_REMOVE out_r5");

    s = find_slice(t, "get-time-of-day", 1200);
    ev = s ? s->ev : NULL;
    is_str(ann_str(ev, "token"), "0x2001", "RTAS token");
    is_i64(ann_num(ev, "ret1"), 2026, "RTAS ret1");
    ok(ev && ev->n_categories == 1 && strcmp(ev->categories[0], "rtas") == 0, "category rtas");
}

static const Perfetto__Protos__TrackEvent *find_instant(const struct timeline *t, const char *name,
                                                       uint64_t ts, const char *track)
{
    for (size_t i = 0; i < t->n_instant; i++)
        if (strcmp(t->instant[i]->name, name) == 0 && t->instant_ts[i] == ts &&
            strcmp(t->instant_track[i], track) == 0)
            return t->instant[i];
    return NULL;
}

static void check_instants(const struct timeline *t)
{
    const Perfetto__Protos__TrackEvent *ev = find_instant(t, "mmio write power", 1150, "vCPU 0");
    ok(ev != NULL, "MMIO write: an instant on vCPU 0 at 1150");
    is_str(ann_str(ev, "addr"), "0xf0000010", "MMIO addr");
    is_i64(ann_num(ev, "size"), 4, "MMIO size");
    is_str(ann_str(ev, "value"), "0x1", "MMIO value");
    ev = find_instant(t, "irq vty0.irq 1", 1300, "IRQ vty0.irq");
    ok(ev != NULL, "IRQ edge: an instant on the line's track at 1300");
    is_str(ann_str(ev, "line"), "vty0.irq", "IRQ line");
    is_i64(ann_num(ev, "level"), 1, "IRQ level");
    ev = find_instant(t, "interrupt 0x500", 1400, "vCPU 0");
    ok(ev != NULL, "interrupt: an instant on vCPU 0");
    is_str(ann_str(ev, "vector_name"), "external", "vector name");
    ok(find_instant(t, "exit power-off", 2600000, "vCPU 1") != NULL, "exit: an instant on vCPU 1");
    ev = find_instant(t, "mmio read odd\"name\n\x01", 2600200, "vCPU 0");
    ok(ev != NULL, "a region name with quotes and control characters is kept as it is");
    is_u64(t->n_instant, 5, "no other instants");
}

static void check_counter(const struct timeline *t)
{
    /* 4 hcalls in [0, 1M), none in [1M, 2M), 2 in [2M, 3M). */
    static const uint64_t ts[] = { 0, 1000000, 2000000 }, value[] = { 4, 0, 2 };
    is_u64(t->n_counter, 3, "three counter samples");
    for (size_t i = 0; i < 3 && i < t->n_counter; i++) {
        is_u64(t->counter_ts[i], ts[i], "counter sample %zu time", i);
        is_u64(t->counter_value[i], value[i], "counter sample %zu value", i);
    }
}

static void test_perfetto(const char *trace)
{
    const char *out = test_path("out.pftrace");
    char *errtext = NULL;
    is_i64(run_export(trace, out, TRACE_EXPORT_PERFETTO, &errtext), 0, "perfetto export exits 0");
    is_str(errtext, "", "and prints nothing");
    free(errtext);
    struct timeline *t = calloc(1, sizeof *t);
    if (!ok(load_timeline(out, t), "the output unpacks as a perfetto.protos.Trace")) {
        free(t);
        return;
    }
    is_u64(t->no_sequence, 0, "every packet has the same nonzero trusted_packet_sequence_id");
    is_u64(t->flagged, 1, "one packet clears the incremental state...");
    Perfetto__Protos__TracePacket *first = t->trace->packet[0];
    ok(first->has_sequence_flags && first->sequence_flags == 1, "...the first");
    is_u64(t->unknown_track, 0, "every event is on a declared track");
    check_tracks(t);
    check_slices(t);
    check_annotations(t);
    check_instants(t);
    check_counter(t);
    perfetto__protos__trace__free_unpacked(t->trace, NULL);
    free(t);

    size_t a_len, b_len;
    uint8_t *a = test_read_file(out, &a_len);
    char *e2 = NULL;
    run_export(trace, test_path("again.pftrace"), TRACE_EXPORT_PERFETTO, &e2);
    free(e2);
    uint8_t *b = test_read_file(test_path("again.pftrace"), &b_len);
    ok(a && b && a_len == b_len && memcmp(a, b, a_len) == 0, "the same trace exports to the same bytes");
    free(a);
    free(b);
}

/* ---- Chrome ---- */

static void test_chrome(const char *trace)
{
    const char *out = test_path("out.json");
    char *errtext = NULL;
    is_i64(run_export(trace, out, TRACE_EXPORT_CHROME, &errtext), 0, "chrome export exits 0");
    free(errtext);
    size_t len;
    char *text = (char *)test_read_file(out, &len);
    char *z = text ? realloc(text, len + 1) : NULL;
    if (!ok(z != NULL, "the JSON file is there")) {
        free(text);
        return;
    }
    text = z;
    text[len] = '\0';
    ok(strncmp(text, "{\"traceEvents\":[\n", 17) == 0, "it opens the traceEvents array");
    ok(len > 30 && strcmp(text + len - 27, "\n],\"displayTimeUnit\":\"ns\"}\n") == 0,
       "it closes it and says the unit is ns");
    static const char *const lines[] = {
        "\n{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"ppcrr guest\"}},\n",
        "\n{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"thread_name\",\"args\":{\"name\":\"vCPU 0\"}},\n",
        "\n{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"vCPU 1\"}},\n",
        "\n{\"ph\":\"M\",\"pid\":1,\"tid\":65537,\"name\":\"thread_name\",\"args\":{\"name\":\"IRQ vty0.irq\"}},\n",
        "\n{\"ph\":\"X\",\"pid\":1,\"tid\":0,\"ts\":1.000,\"name\":\"H_ENTER\",\"cat\":\"hcall\",\"args\":"
        "{\"r4\":\"0x0\",\"r5\":\"0x1230\",\"r6\":\"0x4000000000000001\",\"r7\":\"0x190\",\"ret\":0,"
        "\"ret_name\":\"H_SUCCESS\",\"out_r4\":\"0x1233\",\"host_ns\":100,\"opcode\":\"0x8\","
        "\"pc\":\"0xc0000000000013e8\"},\"dur\":0.100},\n",
        "\n{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":1.200,\"name\":\"get-time-of-day\",\"cat\":\"rtas\","
        "\"args\":{\"token\":\"0x2001\",\"ret0\":0,\"ret1\":2026,\"pc\":\"0xc0000000000014b0\"},\"dur\":0.700},\n",
        "\n{\"ph\":\"i\",\"pid\":1,\"tid\":65537,\"ts\":1.300,\"s\":\"t\",\"name\":\"irq vty0.irq 1\","
        "\"cat\":\"irq\",\"args\":{\"line\":\"vty0.irq\",\"level\":1,\"cpu\":0,\"pc\":\"0xc000000000001514\"}},\n",
        "\n{\"ph\":\"C\",\"pid\":1,\"ts\":1000.000,\"name\":\"hcalls per 1M instructions\",\"args\":{\"hcalls\":0}},\n",
        "\"name\":\"mmio read odd\\\"name\\u000a\\u0001\"",
        "\"dur\":0.001}",      /* H_CEDE */
        "{\"ph\":\"X\",\"pid\":1,\"tid\":0,\"ts\":2600.100,\"name\":\"hcall 0x9999\"",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        has_substr(text, lines[i], "chrome line %zu", i);
    size_t x = 0;
    for (const char *p = text; (p = strstr(p, "\"ph\":\"X\"")); p++)
        x++;
    is_u64(x, 7, "one complete event per hcall and RTAS call");
    free(text);
}

/* ---- failures ---- */

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Files in the scratch directory whose names start with PREFIX. */
static size_t count_files(const char *prefix)
{
    DIR *d = opendir(test_scratch_dir());
    size_t n = 0;
    for (struct dirent *de; d && (de = readdir(d));)
        n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

static void test_failures(const char *trace)
{
    char *errtext = NULL;
    static char out[600];       /* test_path's buffers are reused */
    snprintf(out, sizeof out, "%s", test_path("fail.pftrace"));
    is_i64(run_export(test_path("missing.trace"), out, TRACE_EXPORT_PERFETTO, &errtext), 1,
           "a missing trace: exit 1");
    has_substr(errtext, "missing.trace", "the message names the file");
    ok(!exists(out), "and no output file is made");
    free(errtext);

    test_write_file(test_path("text.trace"), "not a trace\n", 12);
    test_write_file(out, "old", 3);
    is_i64(run_export(test_path("text.trace"), out, TRACE_EXPORT_CHROME, &errtext), 1,
           "not a trace: exit 1");
    free(errtext);
    size_t len;
    uint8_t *old = test_read_file(out, &len);
    ok(old && len == 3 && memcmp(old, "old", 3) == 0, "an existing output is left as it was");
    free(old);
    is_u64(count_files("fail.pftrace"), 1, "and no temporary file is left beside it");

    is_i64(run_export(trace, test_path("no/such/dir/out.pftrace"), TRACE_EXPORT_PERFETTO, &errtext), 1,
           "an output that cannot be created: exit 1");
    has_substr(errtext, "cannot create", "saying so");
    free(errtext);

    is_i64(run_export(trace, out, TRACE_EXPORT_PERFETTO, &errtext), 0, "a good export replaces it");
    free(errtext);
    is_u64(count_files("fail.pftrace"), 1, "leaving only the file itself");

    const char *cut = test_path("cut.trace");
    write_trace(cut, true);
    is_i64(run_export(cut, test_path("cut.pftrace"), TRACE_EXPORT_PERFETTO, &errtext), 0,
           "a trace without index still exports");
    has_substr(errtext, "ppcrr: warning: ", "with a warning");
    free(errtext);
    struct timeline *t = calloc(1, sizeof *t);
    if (load_timeline(test_path("cut.pftrace"), t)) {
        is_u64(t->n_slice, 7, "all of its calls");
        perfetto__protos__trace__free_unpacked(t->trace, NULL);
    }
    free(t);
}

int main(void)
{
    static char trace[600];     /* test_path's buffers are reused */
    snprintf(trace, sizeof trace, "%s", test_path("t.trace"));
    write_trace(trace, false);
    test_perfetto(trace);
    test_chrome(trace);
    test_failures(trace);
    test_scratch_cleanup();
    return tap_done();
}
