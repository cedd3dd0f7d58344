/*
 * `ppcrr trace export` (see trace_export.h): the pass over the trace that
 * turns events into timeline items -- tracks, slices, instants, counter
 * samples, each with its annotations -- and hands them to a back end
 * (trace_export_backend.h) that writes them, as Perfetto TracePackets
 * (trace_export_perfetto.c) or as Chrome JSON (trace_export_chrome.c).
 * Also here: the bytes and annotations the back ends share, and the
 * output file, which appears only once an export has succeeded.
 *
 * The pass knows the layout (which track an event goes on, how long a slice
 * is, what its annotations are); a back end only knows its format. The one
 * thing that makes the pass more than a loop is slice length: a slice's end
 * depends on the next event of its vCPU, which has not been read yet. So a
 * vCPU's slices are held back -- already serialised, in that vCPU's "lane"
 * -- until the next event on the lane (or the guest's progress elsewhere)
 * settles where they end. Calls at one icount (an RTAS call and the
 * KVMPPC_H_RTAS hcall carrying it) are held together and written nested,
 * the hcall outside.
 *
 * Memory stays bounded however long the trace: the reader streams, each
 * lane holds at most EXPORT_MAX_OPEN slices, and output goes out as it is
 * made.
 */
#include "traces/trace_export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "traces/trace_export_backend.h"
#include "traces/trace_format.h"
#include "traces/trace_reader.h"
#include "traces/trace_tools.h"

#define EXPORT_MAX_TEXT 1024    /* one name or value, escaped */
#define EXPORT_MAX_REGS 28      /* r4..r31 */
#define EXPORT_MAX_WORDS 32     /* RTAS arguments or results shown */
#define EXPORT_MAX_OPEN 16      /* calls at one icount on one vCPU drawn as slices */
#define EXPORT_UPFRONT_VCPUS 1024 /* vCPUs whose tracks exist even without events */

/* ---- growable bytes (trace_export_backend.h) ---- */

/* The back ends build packets and JSON lines in these, and a lane holds
 * its slices' openings in one until their end is known. */

bool export_buf_reserve(struct export_buf *b, size_t more)
{
    if (b->oom)
        return false;
    if (b->len + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void export_buf_put(struct export_buf *b, const void *data, size_t n)
{
    if (n && export_buf_reserve(b, n)) {
        memcpy(b->p + b->len, data, n);
        b->len += n;
    }
}

void export_buf_printf(struct export_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !export_buf_reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ---- annotations ---- */

static void args_reset(struct export_args *a)
{
    a->n = 0;
    a->used = 0;
}

__attribute__((format(printf, 2, 3)))
static const char *pool_printf(struct export_args *a, const char *fmt, ...)
{
    size_t room = sizeof a->pool - a->used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(a->pool + a->used, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room)
        return NULL;
    const char *s = a->pool + a->used;
    a->used += (size_t)n + 1;
    return s;
}

/* A copy of text from the trace: as it is if it is UTF-8 (cut at a
 * character boundary if too long), else with every byte outside printable
 * ASCII written \xNN, so that nothing is lost and nothing breaks. */
static const char *pool_text(struct export_args *a, const char *s)
{
    size_t n = strlen(s), room = sizeof a->pool - a->used;
    size_t cap = room < EXPORT_MAX_TEXT ? room : EXPORT_MAX_TEXT;
    if (cap == 0)
        return NULL;
    char *out = a->pool + a->used;
    size_t len = 0;
    if (trace_utf8_valid(s, n)) {
        len = n < cap - 1 ? n : cap - 1;
        while (len < n && len > 0 && ((uint8_t)s[len] & 0xc0) == 0x80)
            len--;      /* do not split a character */
        memcpy(out, s, len);
    } else {
        for (size_t i = 0; i < n && len + 5 <= cap; i++) {
            uint8_t c = (uint8_t)s[i];
            if (c >= 0x20 && c < 0x7f)
                out[len++] = (char)c;
            else
                len += (size_t)snprintf(out + len, cap - len, "\\x%02x", c);
        }
    }
    out[len] = '\0';
    a->used += len + 1;
    return out;
}

/* Raw bytes (console text, input data) as printable ASCII, escaped the way
 * `ppcrr trace dump` shows them. */
static const char *pool_bytes(struct export_args *a, const uint8_t *p, size_t n)
{
    size_t room = sizeof a->pool - a->used;
    size_t cap = room < EXPORT_MAX_TEXT ? room : EXPORT_MAX_TEXT;
    if (cap == 0)
        return NULL;
    char *out = a->pool + a->used;
    size_t len = 0;
    for (size_t i = 0; i < n && len + 5 <= cap; i++)
        len += trace_escape_byte(p[i], '"', out + len);
    out[len] = '\0';
    a->used += len + 1;
    return out;
}

/* Adds an annotation; one that does not fit (only in absurd traces) is
 * left out rather than failing the export. */
static struct export_arg *args_add(struct export_args *a, const char *name, enum export_kind kind)
{
    if (!name || a->n == EXPORT_MAX_ARGS)
        return NULL;
    struct export_arg *arg = &a->arg[a->n++];
    *arg = (struct export_arg){ .name = name, .kind = kind };
    return arg;
}

static void args_uint(struct export_args *a, const char *name, uint64_t v)
{
    struct export_arg *arg = args_add(a, name, EXPORT_UINT);
    if (arg)
        arg->u = v;
}

static void args_int(struct export_args *a, const char *name, int64_t v)
{
    struct export_arg *arg = args_add(a, name, EXPORT_INT);
    if (arg)
        arg->i = v;
}

/* TEXT must already be pool text (or a literal); NULL drops the value. */
static void args_text(struct export_args *a, const char *name, const char *text)
{
    struct export_arg *arg = text ? args_add(a, name, EXPORT_TEXT) : NULL;
    if (arg)
        arg->text = text;
}

static void args_hex(struct export_args *a, const char *name, uint64_t v)
{
    args_text(a, name, pool_printf(a, "0x%" PRIx64, v));
}

/* ---- the pass's state: a lane per vCPU ---- */

/* A held-back slice: [off, off+len) of its lane's buffer is its opening. */
struct export_slice {
    uint64_t cost;      /* wanted length; 0 = that of the slice around it */
    bool inner;         /* drawn inside the other calls of its icount */
    size_t off, len;
};

/* One vCPU: its track and the slices that began at icount T and wait for
 * their end. */
struct export_lane {
    struct export_track track;
    char name[24];
    uint64_t t;
    uint64_t reach;     /* the latest end any held slice wants */
    struct export_slice slice[EXPORT_MAX_OPEN];
    size_t n;
    struct export_buf open;
};

struct exporter {
    const struct export_backend *be;
    struct export_sink sink;    /* what the back end sees */
    struct trace_reader *r;
    char error[600];            /* why the export stopped, "" while it goes on */

    struct export_lane **lane;  /* by vCPU, made on first use */
    uint32_t n_lane;
    uint32_t *held;             /* vCPUs with held slices */
    size_t n_held, held_cap;
    uint8_t *irq_declared;      /* by string index of the line name */
    size_t n_irq;

    bool rate_on;               /* hcall-rate counter: the current window */
    uint64_t rate_window, rate_count;

    struct export_args args;    /* the current event's annotations (sink.args) */
};

/* ---- tracks ---- */

static void export_fail_oom(struct exporter *x)
{
    if (!x->error[0])
        snprintf(x->error, sizeof x->error, "out of memory");
}

/* The lane of vCPU CPU, declaring its track (at TS) the first time. */
static struct export_lane *lane_get(struct exporter *x, uint32_t cpu, uint64_t ts)
{
    if (cpu >= TRACE_EXPORT_MAX_VCPUS) {
        if (!x->error[0])
            snprintf(x->error, sizeof x->error, "%s: vCPU %" PRIu32 ": only %u vCPUs can be exported",
                     trace_reader_name(x->r), cpu, TRACE_EXPORT_MAX_VCPUS);
        return NULL;
    }
    if (cpu >= x->n_lane) {
        uint32_t n = x->n_lane ? x->n_lane : 4;
        while (n <= cpu)
            n *= 2;
        struct export_lane **grown = realloc(x->lane, n * sizeof *grown);
        if (!grown) {
            export_fail_oom(x);
            return NULL;
        }
        memset(grown + x->n_lane, 0, (n - x->n_lane) * sizeof *grown);
        x->lane = grown;
        x->n_lane = n;
    }
    if (x->lane[cpu])
        return x->lane[cpu];
    struct export_lane *l = calloc(1, sizeof *l);
    if (!l) {
        export_fail_oom(x);
        return NULL;
    }
    snprintf(l->name, sizeof l->name, "vCPU %" PRIu32, cpu);
    l->track = (struct export_track){ .uuid = EXPORT_VCPU_UUID(cpu), .tid = cpu, .name = l->name };
    x->lane[cpu] = l;
    x->be->track(&x->sink, &l->track, EXPORT_PROCESS_UUID, ts, false);
    return l;
}

/* The track of IRQ line LINE (a string index), declared on first use. */
static bool irq_track(struct exporter *x, uint32_t line, uint64_t ts, struct export_track *t)
{
    *t = (struct export_track){ .uuid = EXPORT_IRQ_UUID(line), .tid = EXPORT_IRQ_TID(line) };
    if (line < x->n_irq && x->irq_declared[line])
        return true;
    if (line >= x->n_irq) {
        size_t n = x->n_irq ? x->n_irq : 64;
        while (n <= line)
            n *= 2;
        uint8_t *grown = realloc(x->irq_declared, n);
        if (!grown) {
            export_fail_oom(x);
            return false;
        }
        memset(grown + x->n_irq, 0, n - x->n_irq);
        x->irq_declared = grown;
        x->n_irq = n;
    }
    x->irq_declared[line] = 1;
    /* The name goes through the event's pool, after what the event put
     * there; the back end copies it before the pool is reset. */
    const char *name = trace_reader_string(x->r, line);
    t->name = pool_printf(&x->args, "IRQ %s", pool_text(&x->args, name ? name : "?"));
    if (!t->name)
        t->name = "IRQ";
    x->be->track(&x->sink, t, EXPORT_PROCESS_UUID, ts, false);
    return true;
}

/* ---- held slices ---- */

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Writes the held slices of L, none ending after LIMIT (the lane's next
 * event). Outer calls first, each in the order it came; an inner one
 * (RTAS) fills the slice around it unless it has a cost of its own. Ends
 * never grow inwards, so the slices nest, and each is at least 1 long. */
static void lane_flush(struct exporter *x, struct export_lane *l, uint64_t limit)
{
    size_t order[EXPORT_MAX_OPEN], n = 0;
    uint64_t end[EXPORT_MAX_OPEN];
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < l->n; i++)
            if (l->slice[i].inner == (pass == 1))
                order[n++] = i;
    uint64_t outer = UINT64_MAX;
    for (size_t k = 0; k < n; k++) {
        const struct export_slice *s = &l->slice[order[k]];
        uint64_t want = s->cost ? add_sat(l->t, s->cost) : k ? outer : l->t + 1;
        end[k] = min_u64(min_u64(want, outer), limit);
        if (end[k] <= l->t)
            end[k] = l->t + 1;
        outer = end[k];
    }
    for (size_t k = 0; k < n; k++) {
        const struct export_slice *s = &l->slice[order[k]];
        x->be->slice_emit(&x->sink, &l->track, l->open.p + s->off, s->len, l->t, end[k]);
    }
    if (x->be->slice_end)
        for (size_t k = n; k-- > 0;)
            x->be->slice_end(&x->sink, &l->track, end[k]);
    l->n = 0;
    l->open.len = 0;
}

/* Settles every lane whose held slices all end by NOW whatever comes next
 * on it, so that output stays close to time order. */
static void lanes_settle(struct exporter *x, uint64_t now)
{
    for (size_t i = 0; i < x->n_held;) {
        struct export_lane *l = x->lane[x->held[i]];
        if (l->t < now && l->reach <= now) {
            lane_flush(x, l, now);
            x->held[i] = x->held[--x->n_held];
        } else {
            i++;
        }
    }
}

/* An event at ICOUNT on L: slices held from before end by then. */
static void lane_advance(struct exporter *x, struct export_lane *l, uint64_t icount)
{
    if (!l->n || l->t >= icount)
        return;
    lane_flush(x, l, icount);
    for (size_t i = 0; i < x->n_held; i++)
        if (x->lane[x->held[i]] == l) {
            x->held[i] = x->held[--x->n_held];
            break;
        }
}

static struct export_lane *lane_for(struct exporter *x, const struct trace_event *e)
{
    struct export_lane *l = lane_get(x, e->ev->cpu, e->icount);
    if (l)
        lane_advance(x, l, e->icount);
    return l;
}

static void lane_instant(struct exporter *x, const struct trace_event *e, const char *name,
                         const char *cat)
{
    struct export_lane *l = lane_for(x, e);
    if (l)
        x->be->instant(&x->sink, &l->track, e->icount, name ? name : "?", cat);
}

/* Holds a call's slice on its vCPU's lane until its end is known. COST is
 * the wanted length (0: that of the call around it). Past EXPORT_MAX_OPEN
 * calls at one icount, the rest are drawn as instants. */
static void lane_slice(struct exporter *x, const struct trace_event *e, bool inner,
                       uint64_t cost, const char *name, const char *cat)
{
    struct export_lane *l = lane_for(x, e);
    if (!l)
        return;
    if (l->n == EXPORT_MAX_OPEN) {
        x->be->instant(&x->sink, &l->track, e->icount, name ? name : "?", cat);
        return;
    }
    if (l->n == 0) {
        if (x->n_held == x->held_cap) {
            size_t cap = x->held_cap ? 2 * x->held_cap : 8;
            uint32_t *held = realloc(x->held, cap * sizeof *held);
            if (!held) {
                export_fail_oom(x);
                return;
            }
            x->held = held;
            x->held_cap = cap;
        }
        x->held[x->n_held++] = e->ev->cpu;
        l->t = e->icount;
        l->reach = 0;
    }
    struct export_slice *s = &l->slice[l->n++];
    s->cost = cost;
    s->inner = inner;
    s->off = l->open.len;
    x->be->slice_open(&x->sink, &l->track, e->icount, name ? name : "?", cat, &l->open);
    s->len = l->open.len - s->off;
    uint64_t want = add_sat(l->t, cost ? cost : 1);
    if (want > l->reach)
        l->reach = want;
    if (l->open.oom)
        export_fail_oom(x);
}

/* ---- the hcall-rate counter ---- */

/* Counts an hcall at ICOUNT. A window's sample is written when the window
 * is over; after a run of empty windows one zero sample says so (the
 * counter holds its value until the next sample). */
static void rate_hcall(struct exporter *x, uint64_t icount)
{
    uint64_t w = icount / TRACE_EXPORT_COUNTER_WINDOW;
    if (x->rate_on && w != x->rate_window) {
        x->be->counter(&x->sink, x->rate_window * TRACE_EXPORT_COUNTER_WINDOW, x->rate_count);
        if (w > x->rate_window + 1)
            x->be->counter(&x->sink, (x->rate_window + 1) * TRACE_EXPORT_COUNTER_WINDOW, 0);
        x->rate_count = 0;
    }
    x->rate_on = true;
    x->rate_window = w;
    x->rate_count++;
}

/* ---- events ---- */

/* Register values r4.. (or out_r4.. with PREFIX "out_"), typed by the
 * trace's HcallInfo letters as `ppcrr trace dump` prints them: x hex,
 * d signed, u unsigned, b a byte count whose bytes follow (shown as text). */
static void add_registers(struct export_args *a, const char *prefix, const char *letters,
                          const uint64_t *v, size_t n)
{
    size_t nl = letters ? strlen(letters) : 0;
    for (size_t i = 0; i < n && i < EXPORT_MAX_REGS; i++) {
        const char *name = pool_printf(a, "%sr%zu", prefix, i + 4);
        char letter = i < nl ? letters[i] : 'x';
        if (letter == 'd') {
            args_int(a, name, (int64_t)v[i]);
        } else if (letter == 'u') {
            args_uint(a, name, v[i]);
        } else if (letter == 'b') {
            uint8_t bytes[256];
            size_t len = trace_unpack_be_bytes(v + i + 1, n - i - 1, v[i], bytes, sizeof bytes);
            args_uint(a, name, v[i]);
            args_text(a, pool_printf(a, "%stext", prefix), pool_bytes(a, bytes, len));
            return;
        } else {
            args_hex(a, name, v[i]);
        }
    }
}

static const char *string_text(struct exporter *x, uint32_t index)
{
    const char *s = trace_reader_string(x->r, index);
    return pool_text(&x->args, s ? s : "?");
}

static void export_hcall(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Hcall *h = e->ev->hcall;
    const Ppcrr__HcallInfo *info = trace_reader_hcall_info(x->r, h->opcode);
    struct export_args *a = &x->args;
    const char *name = info ? pool_text(a, info->name) : pool_printf(a, "hcall 0x%" PRIx32, h->opcode);
    add_registers(a, "", info ? info->args : NULL, h->arg, h->n_arg);
    args_int(a, "ret", h->ret);
    const char *ret = trace_reader_return_name(x->r, h->ret);
    if (ret)
        args_text(a, "ret_name", pool_text(a, ret));
    add_registers(a, "out_", info ? info->outputs : NULL, h->output, h->n_output);
    args_uint(a, "host_ns", h->host_ns);
    args_hex(a, "opcode", h->opcode);
    args_hex(a, "pc", e->ev->pc);
    rate_hcall(x, e->icount);
    lane_slice(x, e, false, h->host_ns ? h->host_ns : 1, name, "hcall");
}

static void add_words(struct export_args *a, const char *what, const uint32_t *v, size_t n)
{
    for (size_t i = 0; i < n && i < EXPORT_MAX_WORDS; i++)
        args_uint(a, pool_printf(a, "%s%zu", what, i), v[i]);
}

static void export_rtas(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Rtas *r = e->ev->rtas;
    struct export_args *a = &x->args;
    const char *name = string_text(x, r->token_name);
    args_hex(a, "token", r->token);
    add_words(a, "arg", r->arg, r->n_arg);
    add_words(a, "ret", r->ret, r->n_ret);
    args_hex(a, "pc", e->ev->pc);
    lane_slice(x, e, true, 0, name, "rtas");
}

static void export_mmio(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Mmio *m = e->ev->mmio;
    struct export_args *a = &x->args;
    const char *region = string_text(x, m->region);
    const char *name = pool_printf(a, "mmio %s %s", m->write ? "write" : "read", region);
    args_text(a, "region", region);
    args_hex(a, "addr", m->addr);
    args_uint(a, "size", m->size);
    args_hex(a, "value", m->value);
    args_hex(a, "pc", e->ev->pc);
    lane_instant(x, e, name, "mmio");
}

/* IRQ edges go on their line's track, not a vCPU's: a line is not the
 * CPU's doing, and so its edges do not cut a vCPU's slices short. */
static void export_irq(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Irq *q = e->ev->irq;
    struct export_args *a = &x->args;
    const char *line = string_text(x, q->line);
    const char *name = pool_printf(a, "irq %s %" PRIu32, line, q->level);
    args_text(a, "line", line);
    args_uint(a, "level", q->level);
    args_uint(a, "cpu", e->ev->cpu);
    args_hex(a, "pc", e->ev->pc);
    struct export_track t;
    if (irq_track(x, q->line, e->icount, &t))
        x->be->instant(&x->sink, &t, e->icount, name ? name : "irq", "irq");
}

static void export_interrupt(struct exporter *x, const struct trace_event *e)
{
    uint32_t vector = e->ev->interrupt->vector;
    struct export_args *a = &x->args;
    const char *name = pool_printf(a, "interrupt 0x%" PRIx32, vector);
    args_hex(a, "vector", vector);
    args_text(a, "vector_name", trace_vector_name(vector));
    args_hex(a, "pc", e->ev->pc);
    lane_instant(x, e, name, "interrupt");
}

static void export_input(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Input *in = e->ev->input;
    struct export_args *a = &x->args;
    const char *source = string_text(x, in->source);
    const char *name = pool_printf(a, "input %s", source);
    args_text(a, "source", source);
    args_uint(a, "length", in->data.len);
    args_text(a, "data", pool_bytes(a, in->data.data, in->data.len));
    args_hex(a, "pc", e->ev->pc);
    lane_instant(x, e, name, "input");
}

static void export_checkpoint(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Checkpoint *c = e->ev->checkpoint;
    struct export_args *a = &x->args;
    char hex[2 * 64 + 1] = "";
    for (size_t i = 0; i < c->digest.len && i < 64; i++)
        snprintf(hex + 2 * i, 3, "%02x", c->digest.data[i]);
    args_text(a, "digest", pool_text(a, hex));
    args_hex(a, "pc", e->ev->pc);
    lane_instant(x, e, "checkpoint", "checkpoint");
}

static void export_exit(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Exit *q = e->ev->exit;
    struct export_args *a = &x->args;
    const char *reason = trace_exit_reason_name(q->reason);
    args_text(a, "reason", reason);
    args_int(a, "code", q->code);
    if (q->message && q->message[0])
        args_text(a, "message", pool_text(a, q->message));
    args_hex(a, "pc", e->ev->pc);
    lane_instant(x, e, pool_printf(a, "exit %s", reason), "exit");
}

static void export_keyframe(struct exporter *x, const struct trace_event *e)
{
    const Ppcrr__Keyframe *k = e->ev->keyframe;
    struct export_args *a = &x->args;
    args_text(a, "snapshot", pool_text(a, k->snapshot));
    args_hex(a, "pc", e->ev->pc);
    lane_instant(x, e, k->restored ? "restored from a snapshot" : "snapshot saved", "keyframe");
}

static void (*const export_kind[])(struct exporter *, const struct trace_event *) = {
    [PPCRR__EVENT__KIND_HCALL] = export_hcall,
    [PPCRR__EVENT__KIND_RTAS] = export_rtas,
    [PPCRR__EVENT__KIND_MMIO] = export_mmio,
    [PPCRR__EVENT__KIND_IRQ] = export_irq,
    [PPCRR__EVENT__KIND_INTERRUPT] = export_interrupt,
    [PPCRR__EVENT__KIND_INPUT] = export_input,
    [PPCRR__EVENT__KIND_CHECKPOINT] = export_checkpoint,
    [PPCRR__EVENT__KIND_EXIT] = export_exit,
    [PPCRR__EVENT__KIND_KEYFRAME] = export_keyframe,
};

/* One event. The reader hands out only events of a known kind. */
static void export_event(struct exporter *x, const struct trace_event *e)
{
    size_t kind = (size_t)e->ev->kind_case;
    lanes_settle(x, e->icount);
    args_reset(&x->args);
    if (kind < sizeof export_kind / sizeof export_kind[0] && export_kind[kind])
        export_kind[kind](x, e);
}

/* ---- the output file ---- */

/* A regular file is written as PATH.XXXXXX beside it and renamed over PATH
 * at the end, so that a failed export leaves no partial file and an old
 * one stays intact. Anything else (standard output as "-", a device, a
 * pipe) is written in place: there is nothing to rename. */
struct export_output {
    const char *path;
    FILE *f;
    char *tmp;
};

static int output_open(struct export_output *o, const char *path, FILE *err)
{
    *o = (struct export_output){ .path = path };
    struct stat st;
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->f = fopen(path, "w");
    } else if ((o->tmp = malloc(strlen(path) + 8))) {
        strcpy(o->tmp, path);
        strcat(o->tmp, ".XXXXXX");
        int fd = mkstemp(o->tmp);
        mode_t mask = umask(0);     /* mkstemp makes 0600; give the usual mode */
        umask(mask);
        if (fd >= 0 && (fchmod(fd, 0666 & ~mask) < 0 || !(o->f = fdopen(fd, "w")))) {
            int e = errno;
            close(fd);
            unlink(o->tmp);
            errno = e;
        }
    }
    if (!o->f) {
        fprintf(err, "ppcrr: cannot create %s: %s\n", path, strerror(errno));
        free(o->tmp);
        return -1;
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 16);
    return 0;
}

/* Drops what was written (a failed export). */
static void output_discard(struct export_output *o)
{
    if (o->f != stdout)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
}

static int output_commit(struct export_output *o, FILE *err)
{
    bool ok = fflush(o->f) == 0 && !ferror(o->f);
    int e = errno;
    if (o->f != stdout && fclose(o->f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && o->tmp && rename(o->tmp, o->path) < 0) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        fprintf(err, "ppcrr: cannot write %s: %s\n", o->path, strerror(e));
        if (o->tmp)
            unlink(o->tmp);
    }
    free(o->tmp);
    return ok ? 0 : -1;
}

/* ---- the pass ---- */

static void exporter_free(struct exporter *x)
{
    for (uint32_t i = 0; i < x->n_lane; i++)
        if (x->lane[i]) {
            free(x->lane[i]->open.p);
            free(x->lane[i]);
        }
    free(x->lane);
    free(x->held);
    free(x->irq_declared);
    free(x->sink.scratch.p);
    free(x);
}

/* Every event of R into X; 0 at the end of the trace, -1 on a bad trace
 * (in TE) or when the export itself failed (in x->error). */
static int export_events(struct exporter *x, struct trace_error *te)
{
    const Ppcrr__Header *h = trace_reader_header(x->r);
    x->be->start(&x->sink);
    /* Every vCPU gets its track, even one that never made an event (within
     * reason: a damaged header may claim millions). */
    for (uint32_t cpu = 0; cpu < h->vcpus && cpu < EXPORT_UPFRONT_VCPUS; cpu++)
        lane_get(x, cpu, 0);
    struct trace_event e;
    int rc = 0;
    uint64_t n = 0;
    while (!x->error[0] && (rc = trace_reader_next(x->r, &e, te)) == 1) {
        export_event(x, &e);
        if (x->sink.scratch.oom)
            export_fail_oom(x);
        if (++n % 4096 == 0 && ferror(x->sink.out))
            return 0;           /* output_commit reports it */
    }
    if (x->error[0] || rc < 0)
        return -1;
    for (uint32_t cpu = 0; cpu < x->n_lane; cpu++)
        if (x->lane[cpu] && x->lane[cpu]->n)
            lane_flush(x, x->lane[cpu], UINT64_MAX);
    if (x->rate_on)
        x->be->counter(&x->sink, x->rate_window * TRACE_EXPORT_COUNTER_WINDOW, x->rate_count);
    if (x->be->finish)
        x->be->finish(&x->sink);
    if (x->sink.scratch.oom)
        export_fail_oom(x);
    return x->error[0] ? -1 : 0;
}

int trace_tool_export(const char *path, const struct trace_export_options *opt, FILE *err)
{
    struct trace_error te = { "" };
    struct trace_reader *r = trace_tool_open(path, &te, err);
    if (!r)
        return 1;
    struct export_output o;
    struct exporter *x = calloc(1, sizeof *x);
    if (!x || output_open(&o, opt->output, err) < 0) {
        if (!x)
            fprintf(err, "ppcrr: out of memory\n");
        free(x);
        trace_reader_close(r);
        return 1;
    }
    x->be = opt->format == TRACE_EXPORT_CHROME ? &export_chrome_backend : &export_perfetto_backend;
    x->r = r;
    x->sink.out = o.f;
    x->sink.args = &x->args;
    int rc = export_events(x, &te);
    int status = 0;
    if (rc < 0) {
        fprintf(err, "ppcrr: %s\n", x->error[0] ? x->error : te.msg);
        if (strcmp(opt->output, "-") != 0)
            fprintf(err, "ppcrr: %s not written\n", opt->output);
        output_discard(&o);
        status = 1;
    } else if (output_commit(&o, err) < 0) {
        status = 1;
    } else {
        status = trace_tool_verdict(err, r, NULL);   /* a warning at most */
    }
    exporter_free(x);
    trace_reader_close(r);
    return status;
}
