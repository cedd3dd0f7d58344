/*
 * The replayer (replayer.h).
 *
 * One cursor walks the trace, one recorded event per event the guest
 * produces. An input is the next recorded event when the guest asks for it
 * (or, for console bytes, at the round boundary where they arrived): the
 * feeder hands that event's data to the guest, and the input event the
 * guest then produces is checked against it like any other. Anything else
 * in the trace's place is a divergence, found right there.
 *
 * Produced events are converted exactly as the recorder converts them
 * (record/event_convert.h); their names resolve through the trace's own
 * string table where it has them, else through a small table of new names
 * (a device the trace never saw), so both sides print and compare by name.
 */
#include "replay/replayer.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emu/checkpoint.h"
#include "emu/machine.h"
#include "record/event_convert.h"
#include "replay/event_diff.h"
#include "traces/trace_format.h"

#define REPLAY_RING 64                  /* most events of context kept */
#define NEW_NAME_BASE 0x80000000u       /* produced names the trace lacks */

struct replayer {
    char *path;
    struct replayer_options opt;
    struct trace_reader *check;
    struct trace_event cur;             /* the next recorded event */
    bool have_cur;
    struct event_names recorded;
    struct event_names produced;
    char **new_names;
    uint32_t n_new_names;
    struct machine *m;
    struct input_feeder feeder;
    /* Tolerant mode: a cursor per input source, each over its inputs only. */
    struct source_cursor {
        char *source;
        struct trace_reader *r;
        struct trace_event e;
        bool have;
    } sources[8];
    unsigned n_sources;

    uint64_t matched, checkpoints;
    uint64_t last_checkpoint;           /* icount of the last matching one */
    bool any_checkpoint;
    struct { uint64_t index, icount; } ring[REPLAY_RING];
    unsigned ring_len, ring_head;
    bool stopped, reached_until, read_error, truncated_end;
    bool restored;                      /* went on from a keyframe (--restore) */
    bool reached_keyframe;              /* the segment's end keyframe matched */
    struct trace_error err;

    /* The first divergence, in words. */
    bool diverged;
    uint64_t div_index, div_icount, div_pc;
    uint32_t div_cpu;
    bool div_is_checkpoint;
    char why[512];
    char *recorded_text, *produced_text;
};

/* ---- names of produced events ---------------------------------------- */

static const char *produced_string(const void *ctx, uint32_t index)
{
    const struct replayer *r = ctx;
    if (index >= NEW_NAME_BASE)
        return index - NEW_NAME_BASE < r->n_new_names ? r->new_names[index - NEW_NAME_BASE] : NULL;
    return trace_reader_string(r->check, index);
}

static uint32_t produced_intern(void *ctx, const char *name)
{
    struct replayer *r = ctx;
    uint32_t n = trace_reader_string_count(r->check);
    for (uint32_t i = 0; i < n; i++) {
        const char *s = trace_reader_string(r->check, i);
        if (s && strcmp(s, name) == 0)
            return i;
    }
    for (uint32_t i = 0; i < r->n_new_names; i++)
        if (strcmp(r->new_names[i], name) == 0)
            return NEW_NAME_BASE + i;
    char **more = realloc(r->new_names, (r->n_new_names + 1) * sizeof *more);
    char *copy = strdup(name);
    if (!more || !copy) {
        free(copy);
        if (more)
            r->new_names = more;
        return NEW_NAME_BASE + r->n_new_names;      /* prints as "?" */
    }
    r->new_names = more;
    more[r->n_new_names] = copy;
    return NEW_NAME_BASE + r->n_new_names++;
}

/* ---- cursors ----------------------------------------------------------- */

/* The saved keyframe a segment replay ends at (to_keyframe). */
static bool is_end_keyframe(const struct replayer *r, const struct trace_event *e)
{
    return r->opt.to_keyframe && e->ev->kind_case == PPCRR__EVENT__KIND_KEYFRAME && !e->ev->keyframe->restored &&
           e->icount == r->opt.keyframe_icount;
}

/* Keyframes say where snapshots were saved or restored: not guest
 * behaviour, so the cursor passes over them (a replay saves snapshots
 * where it is told to, not where the recording did) -- all but the one a
 * segment ends at, which the feeder checks at its round boundary. */
static void advance_check(struct replayer *r)
{
    int rc;
    while ((rc = trace_reader_next(r->check, &r->cur, &r->err)) == 1 &&
           r->cur.ev->kind_case == PPCRR__EVENT__KIND_KEYFRAME && !is_end_keyframe(r, &r->cur))
        ;
    r->have_cur = rc == 1;
    r->read_error |= rc < 0;
}

/* The source of the next recorded event if it is an input, else NULL. */
static const char *next_input_source(const struct replayer *r)
{
    if (!r->have_cur || r->cur.ev->kind_case != PPCRR__EVENT__KIND_INPUT)
        return NULL;
    const char *s = trace_reader_string(r->check, r->cur.ev->input->source);
    return s ? s : "?";
}

/* ---- divergence ---------------------------------------------------------- */

static char *event_text(const struct event_names *names, const Ppcrr__Event *ev, uint64_t icount)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "%" PRIu64 " %" PRIu32 " 0x%" PRIx64 " ", icount, ev->cpu, ev->pc);
    trace_format_body_names(f, names->reader, ev, names->string, names->ctx);
    fclose(f);
    return text;
}

/* Records the first divergence and stops the run after this instruction. */
static void diverge(struct replayer *r, const Ppcrr__Event *produced, uint64_t icount, const char *why)
{
    if (r->diverged)
        return;
    r->diverged = r->stopped = true;
    r->div_index = r->matched;
    r->div_icount = icount;
    r->div_cpu = produced ? produced->cpu : (r->m ? r->m->current : 0);
    r->div_pc = produced ? produced->pc : 0;
    r->div_is_checkpoint = produced && produced->kind_case == PPCRR__EVENT__KIND_CHECKPOINT && r->have_cur &&
                           r->cur.ev->kind_case == PPCRR__EVENT__KIND_CHECKPOINT;
    snprintf(r->why, sizeof r->why, "%s", why);
    if (r->have_cur)
        r->recorded_text = event_text(&r->recorded, r->cur.ev, r->cur.icount);
    if (produced)
        r->produced_text = event_text(&r->produced, produced, icount);
    if (r->m)
        machine_request_exit(r->m, EXIT_ERROR, 1, "replay diverged from the trace");
}

static void remember(struct replayer *r, uint64_t index, uint64_t icount)
{
    r->ring[r->ring_head].index = index;
    r->ring[r->ring_head].icount = icount;
    r->ring_head = (r->ring_head + 1) % REPLAY_RING;
    if (r->ring_len < REPLAY_RING)
        r->ring_len++;
}

/* ---- the observer ---------------------------------------------------------- */

/* The machine was just restored from a snapshot: the replay goes on from
 * the trace's keyframe for it -- same icount, same state digest -- so the
 * events before it are taken as done. A trace without such a keyframe was
 * not recorded by the run the snapshot came from. */
static void start_at_keyframe(struct replayer *r, const Ppcrr__Event *ev, uint64_t icount)
{
    const ProtobufCBinaryData *want = &ev->keyframe->digest;
    struct trace_event e;
    int rc = 0;
    char why[512];
    if (trace_reader_seek(r->check, icount, &r->err) < 0) {
        r->read_error = true;
        diverge(r, ev, icount, "the trace cannot be read at the snapshot's icount");
        return;
    }
    while ((rc = trace_reader_next(r->check, &e, &r->err)) == 1 && e.icount <= icount) {
        if (e.ev->kind_case != PPCRR__EVENT__KIND_KEYFRAME || e.icount != icount)
            continue;
        const ProtobufCBinaryData *have = &e.ev->keyframe->digest;
        if (have->len && want->len && (have->len != want->len || memcmp(have->data, want->data, have->len))) {
            snprintf(why, sizeof why, "the restored state's digest is not the one the trace's keyframe at icount "
                     "%" PRIu64 " holds: the snapshot is not of this recording, or it restored differently", icount);
            diverge(r, ev, icount, why);
            return;
        }
        r->matched = e.index + 1;
        r->ring_len = r->ring_head = 0;
        r->last_checkpoint = icount;
        r->any_checkpoint = true;
        r->restored = true;
        advance_check(r);
        return;
    }
    r->read_error |= rc < 0;
    snprintf(why, sizeof why, "the trace has no keyframe at icount %" PRIu64 " (the snapshot's): it was not "
             "recorded by the run the snapshot was taken from (record with --snapshot-at)", icount);
    r->have_cur = false;
    diverge(r, ev, icount, why);
}

/* With --until the run is cut after that many instructions: events at
 * icount UNTIL or later come from instructions the replay does not run,
 * or from the cut itself (a round boundary's checkpoint, the exit). */
static bool cut_by_until(const struct replayer *r, const struct event *e)
{
    return r->opt.until && e->icount >= r->opt.until;
}

static void replayer_observe(void *opaque, const struct event *e)
{
    struct replayer *r = opaque;
    if (r->stopped || r->opt.tolerant)
        return;
    if (cut_by_until(r, e)) {
        r->reached_until = r->stopped = true;
        return;
    }
    Ppcrr__Event ev;
    struct record_event_storage storage;
    if (!record_event_convert(e, &ev, &storage, produced_intern, r))
        return;
    if (ev.kind_case == PPCRR__EVENT__KIND_KEYFRAME) {
        if (ev.keyframe->restored)
            start_at_keyframe(r, &ev, e->icount);
        return;
    }
    if (!r->have_cur && !r->read_error && !trace_reader_index(r->check)) {
        /* A killed recorder's trace: everything it holds matched. */
        r->truncated_end = r->stopped = true;
        machine_request_exit(r->m, EXIT_LIMIT, 0, "the end of a truncated trace");
        return;
    }
    if (!r->have_cur) {
        diverge(r, &ev, e->icount, r->read_error ? "the trace cannot be read on from here"
                                                 : "the guest went on past the end of the trace");
        return;
    }
    struct event_side a = { r->cur.ev, r->cur.icount, &r->recorded };
    struct event_side b = { &ev, e->icount, &r->produced };
    char why[512];
    if (!event_same(&a, &b, why, sizeof why)) {
        diverge(r, &ev, e->icount, why);
        return;
    }
    if (ev.kind_case == PPCRR__EVENT__KIND_CHECKPOINT) {
        r->last_checkpoint = e->icount;
        r->any_checkpoint = true;
        r->checkpoints++;
    }
    remember(r, r->cur.index, r->cur.icount);
    r->matched++;
    advance_check(r);
}

/* ---- the feeder -------------------------------------------------------------- */

/* Tolerant mode: the next recorded input from SOURCE. */
static void source_advance(struct source_cursor *c)
{
    struct trace_error err;
    while ((c->have = trace_reader_next(c->r, &c->e, &err) == 1)) {
        if (c->e.ev->kind_case != PPCRR__EVENT__KIND_INPUT)
            continue;
        const char *s = trace_reader_string(c->r, c->e.ev->input->source);
        if (s && strcmp(s, c->source) == 0)
            return;
    }
}

static struct source_cursor *source_cursor(struct replayer *r, const char *source)
{
    for (unsigned i = 0; i < r->n_sources; i++)
        if (strcmp(r->sources[i].source, source) == 0)
            return &r->sources[i];
    if (r->n_sources == sizeof r->sources / sizeof r->sources[0])
        return NULL;
    struct source_cursor *c = &r->sources[r->n_sources];
    struct trace_error err;
    if (!(c->source = strdup(source)) || !(c->r = trace_reader_open(r->path, &err))) {
        free(c->source);
        return NULL;
    }
    r->n_sources++;
    source_advance(c);
    return c;
}

static bool tolerant_take(struct replayer *r, const char *source, uint8_t *buf, size_t len)
{
    struct source_cursor *c = source_cursor(r, source);
    if (!c || !c->have || c->e.ev->input->data.len != len)
        return false;               /* zeros; the diff will show it */
    memcpy(buf, c->e.ev->input->data.data, len);
    source_advance(c);
    return true;
}

static void tolerant_poll(struct replayer *r)
{
    struct source_cursor *c = source_cursor(r, "console");
    while (c && c->have && c->e.icount <= machine_icount(r->m)) {
        input_console_feed(r->m, c->e.ev->input->data.data, c->e.ev->input->data.len);
        source_advance(c);
    }
    struct source_cursor *stop = source_cursor(r, "stop");
    if (stop && stop->have && stop->e.icount <= machine_icount(r->m))
        input_host_stop(r->m, "the recording was stopped here");
}

static bool feeder_take(void *opaque, const char *source, uint8_t *buf, size_t len)
{
    struct replayer *r = opaque;
    if (r->opt.tolerant)
        return tolerant_take(r, source, buf, len);
    if (r->stopped)
        return false;
    const char *had = next_input_source(r);
    char why[512];
    if (!had) {
        snprintf(why, sizeof why, "the guest took input from %s, the trace has %s here", source,
                 r->have_cur ? "another event" : "nothing left");
    } else if (strcmp(had, source) != 0) {
        snprintf(why, sizeof why, "the guest took input from %s, the trace has input from %s here", source, had);
    } else if (r->cur.ev->input->data.len != len) {
        snprintf(why, sizeof why, "input from %s is %zu bytes, the trace has %zu", source, len,
                 r->cur.ev->input->data.len);
    } else {
        memcpy(buf, r->cur.ev->input->data.data, len);
        return true;                    /* the input event that follows is checked against it */
    }
    diverge(r, NULL, r->m ? machine_icount(r->m) : 0, why);
    return false;
}

/* The segment's end keyframe is the next recorded event and this is its
 * round boundary: every event before it matched, and the recording saved
 * its snapshot here, after this boundary's input (run_session's round_end
 * comes after the feeder), so the state now must have the keyframe's
 * digest. Then the segment is done and the run stops. */
static void check_end_keyframe(struct replayer *r, uint64_t now)
{
    const ProtobufCBinaryData *want = &r->cur.ev->keyframe->digest;
    if (want->len && r->m->ram_digest.page_hash) {
        uint8_t have[CHECKPOINT_DIGEST_SIZE];
        checkpoint_digest(r->m, have);
        if (want->len != sizeof have || memcmp(have, want->data, sizeof have) != 0) {
            char why[256];
            snprintf(why, sizeof why, "the state digest at the keyframe at icount %" PRIu64 " differs from the "
                     "recorded one: the state went apart since the last checkpoint that matched", now);
            diverge(r, NULL, now, why);
            return;
        }
    }
    remember(r, r->cur.index, r->cur.icount);
    r->matched++;
    r->reached_keyframe = r->stopped = true;
    r->have_cur = false;
    machine_request_exit(r->m, EXIT_USER, 0, "the segment's end keyframe");
}

/* Between rounds: console bytes recorded at this point are typed now. */
static void feeder_poll(void *opaque)
{
    struct replayer *r = opaque;
    const char *source;
    if (r->opt.tolerant) {
        tolerant_poll(r);
        return;
    }
    uint64_t now = machine_icount(r->m);
    while (!r->stopped && (source = next_input_source(r)) && r->cur.icount == now &&
           r->cur.ev->cpu == r->m->current && (strcmp(source, "console") == 0 || strcmp(source, "stop") == 0)) {
        /* A copy: checking the input event moves the cursor on. */
        const ProtobufCBinaryData *d = &r->cur.ev->input->data;
        char *bytes = malloc(d->len + 1);
        if (!bytes)
            return;
        if (d->len)
            memcpy(bytes, d->data, d->len);
        bytes[d->len] = 0;
        if (source[0] == 's')
            input_host_stop(r->m, bytes);       /* where the recording was stopped */
        else
            input_console_feed(r->m, (const uint8_t *)bytes, d->len);
        free(bytes);
    }
    if (!r->stopped && r->have_cur && r->cur.icount == now && is_end_keyframe(r, &r->cur))
        check_end_keyframe(r, now);
    /* A recorded event the replay went past without producing it: a
     * guest that now runs on silently (a hang) is caught here. */
    if (!r->stopped && r->have_cur && r->cur.icount < now) {
        char why[256];
        snprintf(why, sizeof why, "the trace has an event at icount %" PRIu64 " that the replay went past "
                 "without producing", r->cur.icount);
        diverge(r, NULL, now, why);
    }
}

/* ---- life cycle ------------------------------------------------------------------ */

struct replayer *replayer_open(const char *path, const struct replayer_options *options,
                               struct trace_error *err)
{
    struct replayer *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        trace_error_set(err, "out of memory");
        return NULL;
    }
    r->opt = *options;
    if (!r->opt.report)
        r->opt.report = stderr;
    if (!(r->check = trace_reader_open(path, err))) {
        replayer_close(r);
        return NULL;
    }
    r->recorded = event_names_of_reader(r->check);
    r->produced = (struct event_names){ produced_string, r, r->check };
    advance_check(r);
    if (r->read_error) {
        *err = r->err;
        replayer_close(r);
        return NULL;
    }
    return r;
}

void replayer_close(struct replayer *r)
{
    if (!r)
        return;
    if (r->m && r->m->feeder == &r->feeder)
        input_set_feeder(r->m, NULL);
    trace_reader_close(r->check);
    for (unsigned i = 0; i < r->n_sources; i++) {
        free(r->sources[i].source);
        trace_reader_close(r->sources[i].r);
    }
    for (uint32_t i = 0; i < r->n_new_names; i++)
        free(r->new_names[i]);
    free(r->new_names);
    free(r->recorded_text);
    free(r->produced_text);
    free(r->path);
    free(r);
}

const Ppcrr__Header *replayer_header(const struct replayer *r)
{
    return trace_reader_header(r->check);
}

const ProtobufCBinaryData *replayer_initial_input(struct replayer *r, const char *source)
{
    struct trace_error err;
    struct trace_reader *scan = trace_reader_open(r->path, &err);
    struct trace_event e;
    const ProtobufCBinaryData *found = NULL;
    static ProtobufCBinaryData copy;
    free(copy.data);
    copy = (ProtobufCBinaryData){ 0, NULL };
    while (scan && trace_reader_next(scan, &e, &err) == 1 && e.icount == 0) {
        if (e.ev->kind_case != PPCRR__EVENT__KIND_INPUT)
            continue;
        const char *s = trace_reader_string(scan, e.ev->input->source);
        if (s && strcmp(s, source) == 0 && (copy.data = malloc(e.ev->input->data.len + 1))) {
            memcpy(copy.data, e.ev->input->data.data, e.ev->input->data.len);
            copy.len = e.ev->input->data.len;
            found = &copy;
            break;
        }
    }
    trace_reader_close(scan);
    return found;
}

int replayer_attach(struct replayer *r, struct machine *m, char *err, size_t errlen)
{
    r->m = m;
    r->feeder = (struct input_feeder){ feeder_take, feeder_poll, r };
    if (event_observe(&m->events, replayer_observe, r) < 0) {
        snprintf(err, errlen, "too many observers on the event hook");
        return -1;
    }
    input_set_feeder(m, &r->feeder);
    return 0;
}

/* The guest's tree is the first thing a changed build may change. */
int replayer_start(struct replayer *r, struct machine *m, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    const Ppcrr__Header *h = replayer_header(r);
    if (h->device_tree.len != m->guest_fdt_size ||
        memcmp(h->device_tree.data, m->guest_fdt, m->guest_fdt_size) != 0) {
        char why[256];
        snprintf(why, sizeof why, "the guest's device tree differs from the recorded one (%llu bytes, the "
                 "trace has %zu): compare `ppcrr run -dumpdtb` with the trace's header",
                 (unsigned long long)m->guest_fdt_size, h->device_tree.len);
        if (r->opt.tolerant)
            fprintf(r->opt.report, "ppcrr: warning: %s\n", why);
        else
            diverge(r, NULL, 0, why);
    }
    return 0;
}

/* ---- the report -------------------------------------------------------------------- */

static void print_pc(const struct replayer *r, FILE *out, uint64_t pc)
{
    const char *name;
    uint64_t off;
    fprintf(out, "0x%" PRIx64, pc);
    if (r->opt.symbols && trace_symbols_lookup(r->opt.symbols, pc, &name, &off)) {
        fputs(" (", out);
        trace_print_text(out, name);
        fprintf(out, "+0x%" PRIx64 ")", off);
    }
}

/* The recorded events just before the divergence, read again. */
static void print_context(const struct replayer *r, FILE *out)
{
    unsigned n = r->ring_len < r->opt.context ? r->ring_len : r->opt.context;
    if (n == 0)
        return;
    unsigned oldest = (r->ring_head + REPLAY_RING - n) % REPLAY_RING;
    struct trace_error err;
    struct trace_reader *again = trace_reader_open(r->path, &err);
    struct trace_event e;
    if (!again || trace_reader_seek(again, r->ring[oldest].icount, &err) < 0) {
        trace_reader_close(again);
        return;
    }
    fprintf(out, "The last %u events before it (all matched):\n", n);
    while (trace_reader_next(again, &e, &err) == 1 && e.index < r->ring[oldest].index + n) {
        if (e.index < r->ring[oldest].index)
            continue;
        fputs("  ", out);
        trace_format_text(out, again, &e);
    }
    trace_reader_close(again);
}

static void print_divergence(const struct replayer *r, FILE *out)
{
    fprintf(out, "ppcrr: replay diverged at event %" PRIu64 ", icount %" PRIu64 ", vCPU %" PRIu32 ", pc ",
            r->div_index, r->div_icount, r->div_cpu);
    print_pc(r, out, r->div_pc);
    fprintf(out, ":\n  %s\n", r->why);
    fprintf(out, "  trace has:     %s\n", r->recorded_text ? r->recorded_text : "(no event)");
    fprintf(out, "  replay made:   %s\n", r->produced_text ? r->produced_text : "(no event)");
    if (r->div_is_checkpoint)
        fprintf(out, "No event differed before it: the state went apart between icount %" PRIu64
                " (%s) and icount %" PRIu64 ". Replay with --until and -d exec --log-from/--log-to on that "
                "window to see it instruction by instruction.\n",
                r->any_checkpoint ? r->last_checkpoint : 0,
                r->any_checkpoint ? "the last checkpoint that matched" : "the start", r->div_icount);
    else if (r->any_checkpoint)
        fprintf(out, "The state last matched at the checkpoint at icount %" PRIu64 ".\n", r->last_checkpoint);
    print_context(r, out);
}

int replayer_finish(struct replayer *r, struct machine *m)
{
    (void)m;
    FILE *out = r->opt.report;
    if (r->opt.tolerant)
        return 0;                       /* the caller's diff says */
    /* Every recorded event before the end (or before --until) must have
     * been produced. */
    bool owed = r->have_cur && (!r->opt.until || r->cur.icount < r->opt.until);
    if (!r->diverged && owed) {
        r->stopped = false;
        diverge(r, NULL, r->cur.icount, "the replay ended before the trace did");
    }
    if (r->diverged) {
        print_divergence(r, out);
        return 1;
    }
    if (r->truncated_end)
        fprintf(out, "ppcrr: warning: the trace ends early (a killed recorder?): replayed up to its last "
                "event\n");
    if (r->opt.to_keyframe && !r->reached_keyframe) {
        fprintf(out, "ppcrr: the replay ended before the keyframe at icount %" PRIu64 "\n", r->opt.keyframe_icount);
        return 1;
    }
    char end[64];
    snprintf(end, sizeof end, "to the keyframe at icount %" PRIu64, r->opt.keyframe_icount);
    fprintf(out, "ppcrr: replay %s%s: %" PRIu64 " events matched (%" PRIu64 " checkpoints), no divergence\n",
            r->reached_keyframe ? end : r->opt.until ? "stopped at --until"
                                : r->truncated_end ? "to the end of the trace" : "complete",
            r->restored ? " from the snapshot's keyframe" : "", r->matched, r->checkpoints);
    return 0;
}
