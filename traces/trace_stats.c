/*
 * `ppcrr trace stats` (see trace_stats.h).
 *
 * One pass over the trace fills a record per hcall opcode and per RTAS
 * token name: its call count, the icounts of its first and last call and
 * the smallest gap between two successive calls, every call's host time
 * (kept, so that percentiles are exact rather than estimated) and a count
 * per guest PC and per return code. Records and PCs are found through
 * small open-addressing hash maps, so a trace of tens of millions of
 * events costs a few hash probes per event and memory in proportion to
 * the distinct opcodes and PCs, plus 8 bytes per hcall.
 *
 * The report is built after the pass. Everything in it is ordered by
 * count, then name or PC, so one trace always gives the same report; the
 * text and JSON forms print the same numbers.
 */
#include "traces/trace_stats.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trace_format.h"
#include "traces/trace_reader.h"
#include "traces/trace_symbols.h"
#include "traces/trace_tools.h"

/* ---- a counting hash map: u64 key -> nonzero u64 value ---- */

struct stats_map {
    uint64_t *key;
    uint64_t *val;      /* 0 marks an empty slot: stored values are never 0 */
    size_t cap;         /* a power of two, or 0 before the first insert */
    size_t used;
};

/* PCs are 4-byte aligned and opcodes small: mix all the bits (the
 * murmur3 finaliser) before taking the low ones. */
static size_t map_hash(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

/* KEY's slot, or the empty slot where it would go (CAP > 0). */
static size_t map_find(const struct stats_map *m, uint64_t key)
{
    size_t i = map_hash(key, m->cap);
    while (m->val[i] && m->key[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static bool map_grow(struct stats_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    struct stats_map n = { calloc(cap, sizeof(uint64_t)), calloc(cap, sizeof(uint64_t)), cap,
                           m->used };
    if (!n.key || !n.val) {
        free(n.key);
        free(n.val);
        return false;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->val[i]) {
            size_t j = map_find(&n, m->key[i]);
            n.key[j] = m->key[i];
            n.val[j] = m->val[i];
        }
    }
    free(m->key);
    free(m->val);
    *m = n;
    return true;
}

/* KEY's value, or 0 if absent. */
static uint64_t map_get(const struct stats_map *m, uint64_t key)
{
    return m->cap ? m->val[map_find(m, key)] : 0;
}

/* KEY's value slot, added as 0 when new (the caller stores a nonzero value
 * at once); NULL when memory runs out. */
static uint64_t *map_slot(struct stats_map *m, uint64_t key)
{
    if (m->cap) {
        size_t i = map_find(m, key);
        if (m->val[i])
            return &m->val[i];
    }
    if ((m->used + 1) * 4 > m->cap * 3 && !map_grow(m))
        return NULL;
    size_t i = map_find(m, key);
    m->key[i] = key;
    m->used++;
    return &m->val[i];
}

static bool map_count(struct stats_map *m, uint64_t key)
{
    uint64_t *v = map_slot(m, key);
    if (v)
        ++*v;
    return v != NULL;
}

static void map_free(struct stats_map *m)
{
    free(m->key);
    free(m->val);
}

/* ---- counted keys, most frequent first ---- */

struct stats_pair {
    uint64_t key, count;
};

static int pair_compare(const void *a, const void *b)
{
    const struct stats_pair *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* M's entries by count (descending) then key (ascending), at most LIMIT of
 * them; NULL when memory runs out. */
static struct stats_pair *map_sorted(const struct stats_map *m, size_t limit, size_t *n)
{
    struct stats_pair *p = malloc((m->used ? m->used : 1) * sizeof *p);
    if (!p)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->val[i])
            p[k++] = (struct stats_pair){ m->key[i], m->val[i] };
    qsort(p, k, sizeof *p, pair_compare);
    *n = k < limit ? k : limit;
    return p;
}

/* ---- one record per hcall opcode or RTAS token name ---- */

struct stats_call {
    uint64_t key;               /* hcall opcode, or RTAS token-name index */
    uint32_t token;             /* RTAS: the token number */
    uint64_t count;
    uint64_t first_icount, last_icount, gap_min;
    uint64_t *host_ns;          /* hcalls: every call's host time */
    size_t host_cap;
    uint64_t host_total;
    struct stats_map sites;     /* pc -> calls */
    struct stats_map callers;   /* hcalls: LR at the sc (the wrapper's caller) -> calls */
    struct stats_map rets;      /* hcalls: return code -> calls */
    /* Filled in after the pass (stats_finish). */
    const char *name;           /* the trace's name for it, NULL if none */
    char *label;                /* printable name, or "hcall 0x1234" */
    struct stats_pair *top, *top_callers, *ret;
    size_t n_top, n_top_callers, n_ret;
    uint64_t p50, p99, max;
};

struct stats_calls {
    struct stats_call *call;
    size_t n, cap;
    struct stats_map by_key;    /* key -> position + 1 (until sorted) */
    uint64_t total;
    uint64_t first_icount, last_icount;
};

struct stats {
    const struct trace_reader *r;
    const struct trace_symbols *syms;
    uint32_t top;
    uint64_t events, first_icount, last_icount;
    struct stats_map cpus;      /* vCPU -> events */
    struct stats_calls hcalls, rtas;
    struct stats_map sites;     /* every hcall: pc -> calls */
    uint64_t host_total;
    struct stats_pair *hot;     /* the hottest hcall sites overall */
    size_t n_hot;
};

static struct stats_call *calls_get(struct stats_calls *t, uint64_t key)
{
    uint64_t at = map_get(&t->by_key, key);
    if (at)
        return &t->call[at - 1];
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct stats_call *bigger = realloc(t->call, cap * sizeof *bigger);
        if (!bigger)
            return NULL;
        t->call = bigger;
        t->cap = cap;
    }
    uint64_t *slot = map_slot(&t->by_key, key);
    if (!slot)
        return NULL;
    *slot = t->n + 1;
    struct stats_call *c = &t->call[t->n++];
    memset(c, 0, sizeof *c);
    c->key = key;
    return c;
}

/* A call of C at ICOUNT from PC; T holds C and counts all of its kind. */
static bool calls_note(struct stats_calls *t, struct stats_call *c, uint64_t icount, uint64_t pc)
{
    if (t->total++ == 0)
        t->first_icount = icount;
    t->last_icount = icount;
    if (c->count == 0) {
        c->first_icount = icount;
    } else {
        uint64_t gap = icount - c->last_icount;   /* icounts never go backwards */
        if (c->count == 1 || gap < c->gap_min)
            c->gap_min = gap;
    }
    c->last_icount = icount;
    c->count++;
    return map_count(&c->sites, pc);
}

static bool call_host_ns(struct stats_call *c, uint64_t ns)
{
    if (c->count > c->host_cap) {
        size_t cap = c->host_cap ? c->host_cap * 2 : 64;
        uint64_t *bigger = realloc(c->host_ns, cap * sizeof *bigger);
        if (!bigger)
            return false;
        c->host_ns = bigger;
        c->host_cap = cap;
    }
    c->host_ns[c->count - 1] = ns;
    c->host_total += ns;
    return true;
}

static bool stats_hcall(struct stats *s, const struct trace_event *e)
{
    const Ppcrr__Hcall *h = e->ev->hcall;
    struct stats_call *c = calls_get(&s->hcalls, h->opcode);
    if (!c || !calls_note(&s->hcalls, c, e->icount, e->ev->pc))
        return false;
    s->host_total += h->host_ns;
    /* Traces from before the caller was recorded have none (0). */
    if (h->caller && !map_count(&c->callers, h->caller))
        return false;
    return call_host_ns(c, h->host_ns) && map_count(&c->rets, (uint64_t)h->ret) &&
           map_count(&s->sites, e->ev->pc);
}

static bool stats_rtas(struct stats *s, const struct trace_event *e)
{
    const Ppcrr__Rtas *rt = e->ev->rtas;
    struct stats_call *c = calls_get(&s->rtas, rt->token_name);
    if (!c)
        return false;
    c->token = rt->token;
    return calls_note(&s->rtas, c, e->icount, e->ev->pc);
}

/* False only when memory runs out. */
static bool stats_event(struct stats *s, const struct trace_event *e)
{
    if (s->events++ == 0)
        s->first_icount = e->icount;
    s->last_icount = e->icount;
    if (!map_count(&s->cpus, e->ev->cpu))
        return false;
    if (e->ev->kind_case == PPCRR__EVENT__KIND_HCALL)
        return stats_hcall(s, e);
    if (e->ev->kind_case == PPCRR__EVENT__KIND_RTAS)
        return stats_rtas(s, e);
    return true;
}

static void calls_free(struct stats_calls *t)
{
    for (size_t i = 0; i < t->n; i++) {
        struct stats_call *c = &t->call[i];
        free(c->host_ns);
        map_free(&c->sites);
        map_free(&c->callers);
        map_free(&c->rets);
        free(c->label);
        free(c->top);
        free(c->top_callers);
        free(c->ret);
    }
    free(t->call);
    map_free(&t->by_key);
}

static void stats_free(struct stats *s)
{
    calls_free(&s->hcalls);
    calls_free(&s->rtas);
    map_free(&s->cpus);
    map_free(&s->sites);
    free(s->hot);
}

/* ---- after the pass: names, order, percentiles, top sites ---- */

uint64_t trace_stats_percentile(const uint64_t *sorted, size_t n, unsigned percent)
{
    if (n == 0)
        return 0;
    if (percent > 100)
        percent = 100;
    /* nearest rank: ceil(percent/100 * n), at least the first */
    uint64_t rank = ((uint64_t)percent * n + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

/* S as trace_print_text would print it, in a malloc'ed string. */
static char *printable(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    trace_print_text(f, s);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The trace's name for C, and the label the text report shows. */
static bool call_name(struct stats_call *c, const struct trace_reader *r, bool hcall)
{
    if (hcall) {
        const Ppcrr__HcallInfo *info = trace_reader_hcall_info(r, (uint32_t)c->key);
        c->name = info && info->name[0] ? info->name : NULL;
    } else {
        c->name = trace_reader_string(r, (uint32_t)c->key);
    }
    int rc = 0;
    if (c->name)
        c->label = printable(c->name);
    else if (hcall)
        rc = asprintf(&c->label, "hcall 0x%" PRIx64, c->key);
    else
        rc = asprintf(&c->label, "token 0x%" PRIx32, c->token);
    if (rc < 0)
        c->label = NULL;
    return c->label != NULL;
}

static int u64_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int call_compare(const void *a, const void *b)
{
    const struct stats_call *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int by_name = strcmp(x->label, y->label);
    if (by_name)
        return by_name;
    return x->key < y->key ? -1 : x->key > y->key;
}

static bool call_finish(struct stats_call *c, const struct stats *s, bool hcall)
{
    if (!call_name(c, s->r, hcall))
        return false;
    if (!(c->top = map_sorted(&c->sites, s->top, &c->n_top)))
        return false;
    if (!hcall)
        return true;
    if (!(c->ret = map_sorted(&c->rets, SIZE_MAX, &c->n_ret)) ||
        !(c->top_callers = map_sorted(&c->callers, s->top, &c->n_top_callers)))
        return false;
    qsort(c->host_ns, c->count, sizeof *c->host_ns, u64_compare);
    c->p50 = trace_stats_percentile(c->host_ns, c->count, 50);
    c->p99 = trace_stats_percentile(c->host_ns, c->count, 99);
    c->max = trace_stats_percentile(c->host_ns, c->count, 100);
    return true;
}

static bool calls_finish(struct stats_calls *t, const struct stats *s, bool hcall)
{
    for (size_t i = 0; i < t->n; i++)
        if (!call_finish(&t->call[i], s, hcall))
            return false;
    if (t->n)   /* t->call is NULL when there are none: not for qsort */
        qsort(t->call, t->n, sizeof *t->call, call_compare);
    return true;
}

static bool stats_finish(struct stats *s)
{
    if (!calls_finish(&s->hcalls, s, true) || !calls_finish(&s->rtas, s, false))
        return false;
    s->hot = map_sorted(&s->sites, s->top, &s->n_hot);
    return s->hot != NULL;
}

static double percent_of(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Mean icount gap between successive calls; needs at least two. */
static double mean_gap(uint64_t first, uint64_t last, uint64_t count)
{
    return (double)(last - first) / (double)(count - 1);
}

/* "name+0x1c" for PC, malloc'ed and printable; NULL without a symbol. */
static char *site_function(const struct stats *s, uint64_t pc)
{
    const char *name;
    uint64_t off;
    if (!s->syms || !trace_symbols_lookup(s->syms, pc, &name, &off))
        return NULL;
    char *safe = printable(name), *text = NULL;
    if (safe && asprintf(&text, "%s+0x%" PRIx64, safe, off) < 0)
        text = NULL;
    free(safe);
    return text;
}

/* ---- text: aligned tables ---- */

#define TABLE_MAX_COLS 12

/* Cells are added row by row, the headings first; each column is as wide
 * as its widest cell. */
struct text_table {
    size_t cols;
    const char *align;          /* one letter per column: 'l' or 'r' */
    char **cell;
    size_t n, cap;
    bool oom;
};

__attribute__((format(printf, 2, 3)))
static void table_add(struct text_table *t, const char *fmt, ...)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        char **bigger = realloc(t->cell, cap * sizeof *bigger);
        if (!bigger) {
            t->oom = true;
            return;
        }
        t->cell = bigger;
        t->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&t->cell[t->n], fmt, ap) < 0) {
        t->cell[t->n] = NULL;
        t->oom = true;
    }
    va_end(ap);
    t->n++;
}

/* Prints T with INDENT before each row and two blanks between columns;
 * the last column, when left-aligned, gets no trailing padding. Frees T. */
static bool table_print(FILE *out, struct text_table *t, const char *indent)
{
    size_t width[TABLE_MAX_COLS] = { 0 };
    for (size_t i = 0; i < t->n; i++) {
        size_t len = t->cell[i] ? strlen(t->cell[i]) : 0;
        if (len > width[i % t->cols])
            width[i % t->cols] = len;
    }
    for (size_t i = 0; i < t->n && !t->oom; i++) {
        size_t col = i % t->cols;
        bool last = col + 1 == t->cols;
        if (col == 0)
            fputs(indent, out);
        if (t->align[col] == 'r')
            fprintf(out, "%*s", (int)width[col], t->cell[i]);
        else if (last)
            fputs(t->cell[i], out);
        else
            fprintf(out, "%-*s", (int)width[col], t->cell[i]);
        fputs(last ? "\n" : "  ", out);
    }
    bool ok = !t->oom;
    for (size_t i = 0; i < t->n; i++)
        free(t->cell[i]);
    free(t->cell);
    return ok;
}

static void table_heads(struct text_table *t, const char *const *heads)
{
    for (size_t i = 0; i < t->cols; i++)
        table_add(t, "%s", heads[i]);
}

/* Mean and smallest icount gap, or dashes for a single call. */
static void table_gaps(struct text_table *t, const struct stats_call *c)
{
    if (c->count < 2) {
        table_add(t, "-");
        table_add(t, "-");
        return;
    }
    table_add(t, "%.1f", mean_gap(c->first_icount, c->last_icount, c->count));
    table_add(t, "%" PRIu64, c->gap_min);
}

/* ---- text report ---- */

static void text_summary(FILE *out, const struct stats *s)
{
    fputs("trace:        ", out);
    trace_print_text(out, trace_reader_name(s->r));
    fprintf(out, "\nevents:       %" PRIu64, s->events);
    if (s->events)
        fprintf(out, ", icount %" PRIu64 " .. %" PRIu64 " (span %" PRIu64 ")", s->first_icount,
                s->last_icount, s->last_icount - s->first_icount);
    fprintf(out, "\nvCPUs:        %zu with events (%" PRIu32 " in the header)\n", s->cpus.used,
            trace_reader_header(s->r)->vcpus);
    fprintf(out, "hcalls:       %" PRIu64, s->hcalls.total);
    if (s->hcalls.total > 1)
        fprintf(out, ", one every %.1f guest instructions",
                mean_gap(s->hcalls.first_icount, s->hcalls.last_icount, s->hcalls.total));
    fprintf(out, "\nhost time:    %" PRIu64 " ns in hcalls\n", s->host_total);
    fprintf(out, "RTAS calls:   %" PRIu64 "\n", s->rtas.total);
}

static bool text_hcall_table(FILE *out, const struct stats *s)
{
    static const char *const heads[] = { "hcall",  "calls",  "share",  "mean gap", "min gap",
                                         "mean ns", "p50 ns", "p99 ns", "max ns",  "host share" };
    struct text_table t = { .cols = 10, .align = "lrrrrrrrrr" };
    table_heads(&t, heads);
    for (size_t i = 0; i < s->hcalls.n; i++) {
        const struct stats_call *c = &s->hcalls.call[i];
        table_add(&t, "%s", c->label);
        table_add(&t, "%" PRIu64, c->count);
        table_add(&t, "%.1f%%", percent_of(c->count, s->hcalls.total));
        table_gaps(&t, c);
        table_add(&t, "%.1f", (double)c->host_total / (double)c->count);
        table_add(&t, "%" PRIu64, c->p50);
        table_add(&t, "%" PRIu64, c->p99);
        table_add(&t, "%" PRIu64, c->max);
        table_add(&t, "%.1f%%", percent_of(c->host_total, s->host_total));
    }
    fputc('\n', out);
    return table_print(out, &t, "");
}

static bool text_rtas_table(FILE *out, const struct stats *s)
{
    static const char *const heads[] = { "RTAS call", "token", "calls", "share", "mean gap",
                                         "min gap" };
    struct text_table t = { .cols = 6, .align = "lrrrrr" };
    table_heads(&t, heads);
    for (size_t i = 0; i < s->rtas.n; i++) {
        const struct stats_call *c = &s->rtas.call[i];
        table_add(&t, "%s", c->label);
        table_add(&t, "0x%" PRIx32, c->token);
        table_add(&t, "%" PRIu64, c->count);
        table_add(&t, "%.1f%%", percent_of(c->count, s->rtas.total));
        table_gaps(&t, c);
    }
    fputc('\n', out);
    return table_print(out, &t, "");
}

/* The hcalls made from PC, the most frequent there first, as (position in
 * s->hcalls, calls) pairs; NULL when memory runs out. */
static struct stats_pair *site_hcalls(const struct stats *s, uint64_t pc, size_t *n)
{
    struct stats_pair *p = malloc((s->hcalls.n ? s->hcalls.n : 1) * sizeof *p);
    if (!p)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < s->hcalls.n; i++) {
        uint64_t calls = map_get(&s->hcalls.call[i].sites, pc);
        if (calls)
            p[k++] = (struct stats_pair){ i, calls };
    }
    qsort(p, k, sizeof *p, pair_compare);
    *n = k;
    return p;
}

/* "H_ENTER, hcall 0x1234" for the hcalls made from PC. */
static char *site_hcall_labels(const struct stats *s, uint64_t pc)
{
    size_t n;
    struct stats_pair *p = site_hcalls(s, pc, &n);
    char *text = NULL;
    size_t len = 0;
    FILE *f = p ? open_memstream(&text, &len) : NULL;
    if (f) {
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s%s", i ? ", " : "", s->hcalls.call[p[i].key].label);
        if (fclose(f) != 0) {
            free(text);
            text = NULL;
        }
    }
    free(p);
    return text;
}

/* A table of call sites: calls, share of WHOLE, pc, the function when
 * there are symbols, and with HOT the hcalls made from each site. */
static bool text_sites(FILE *out, const struct stats *s, const struct stats_pair *p, size_t n,
                       uint64_t whole, bool hot)
{
    if (n == 0)
        return true;
    struct text_table t = { .cols = 3, .align = "rrlll" };    /* up to 5 columns */
    const char *heads[5] = { "calls", "share", "pc" };
    if (s->syms)
        heads[t.cols++] = "function";
    if (hot)
        heads[t.cols++] = "hcalls";
    table_heads(&t, heads);
    for (size_t i = 0; i < n; i++) {
        table_add(&t, "%" PRIu64, p[i].count);
        table_add(&t, "%.1f%%", percent_of(p[i].count, whole));
        table_add(&t, "0x%" PRIx64, p[i].key);
        if (s->syms) {
            char *fn = site_function(s, p[i].key);
            table_add(&t, "%s", fn ? fn : "?");
            free(fn);
        }
        if (hot) {
            char *names = site_hcall_labels(s, p[i].key);
            table_add(&t, "%s", names ? names : "?");
            t.oom |= names == NULL;
            free(names);
        }
    }
    return table_print(out, &t, "  ");
}

/* One call's return codes (hcalls) and top call sites. */
static bool text_call(FILE *out, const struct stats *s, const struct stats_call *c)
{
    fprintf(out, "\n%s: %" PRIu64 " call%s", c->label, c->count, c->count == 1 ? "" : "s");
    for (size_t i = 0; i < c->n_ret; i++) {
        int64_t value = (int64_t)c->ret[i].key;
        const char *name = trace_reader_return_name(s->r, value);
        fputs(i ? ", " : "; returns ", out);
        if (name)
            trace_print_text(out, name);
        else
            fprintf(out, "%" PRId64, value);
        fprintf(out, " %" PRIu64 " (%.1f%%)", c->ret[i].count, percent_of(c->ret[i].count, c->count));
    }
    fputc('\n', out);
    if (!text_sites(out, s, c->top, c->n_top, c->count, false))
        return false;
    if (c->n_top_callers == 0)
        return true;
    /* The PC of an hcall is usually a wrapper's `sc 1`; its caller (LR)
     * is where the work comes from. */
    fputs("  called from (LR at the sc):\n", out);
    return text_sites(out, s, c->top_callers, c->n_top_callers, c->count, false);
}

static bool text_report(FILE *out, const struct stats *s)
{
    bool ok = true;
    text_summary(out, s);
    if (s->hcalls.n) {
        ok &= text_hcall_table(out, s);
        for (size_t i = 0; i < s->hcalls.n; i++)
            ok &= text_call(out, s, &s->hcalls.call[i]);
        if (s->n_hot) {
            fprintf(out, "\nHottest hcall sites (%zu of %zu):\n", s->n_hot, s->sites.used);
            ok &= text_sites(out, s, s->hot, s->n_hot, s->hcalls.total, true);
        }
    }
    if (s->rtas.n) {
        ok &= text_rtas_table(out, s);
        for (size_t i = 0; i < s->rtas.n && s->top; i++)    /* nothing but sites */
            ok &= text_call(out, s, &s->rtas.call[i]);
    }
    return ok;
}

/* ---- JSON report ---- */

/* A JSON string, or null for NULL: a name the trace lacks, no warning,
 * no error. */
static void json_or_null(FILE *out, const char *s)
{
    if (s)
        trace_json_string(out, s);
    else
        fputs("null", out);
}

/* Means and shares (in percent) to three decimals. */
static void json_real(FILE *out, const char *key, double v)
{
    fprintf(out, ",\"%s\":%.3f", key, v);
}

static void json_gaps(FILE *out, const struct stats_call *c)
{
    if (c->count < 2) {
        fputs(",\"mean_gap\":null,\"min_gap\":null", out);
        return;
    }
    json_real(out, "mean_gap", mean_gap(c->first_icount, c->last_icount, c->count));
    fprintf(out, ",\"min_gap\":%" PRIu64, c->gap_min);
}

/* A call site; with HOT, also the hcalls made from it. */
static bool json_site(FILE *out, const struct stats *s, const struct stats_pair *p, uint64_t whole,
                      bool hot)
{
    const char *name;
    uint64_t off;
    fprintf(out, "{\"pc\":\"0x%" PRIx64 "\"", p->key);
    if (s->syms && trace_symbols_lookup(s->syms, p->key, &name, &off)) {
        fputs(",\"function\":\"", out);
        trace_json_chars(out, name);
        fprintf(out, "+0x%" PRIx64 "\"", off);
    }
    fprintf(out, ",\"count\":%" PRIu64, p->count);
    json_real(out, "percent", percent_of(p->count, whole));
    if (hot) {
        size_t n;
        struct stats_pair *h = site_hcalls(s, p->key, &n);
        if (!h)
            return false;
        fputs(",\"hcalls\":[", out);
        for (size_t i = 0; i < n; i++) {
            const struct stats_call *c = &s->hcalls.call[h[i].key];
            fprintf(out, "%s{\"opcode\":%" PRIu64 ",\"name\":", i ? "," : "", c->key);
            json_or_null(out, c->name);
            fprintf(out, ",\"count\":%" PRIu64 "}", h[i].count);
        }
        fputc(']', out);
        free(h);
    }
    fputc('}', out);
    return true;
}

/* A list of call sites: inline in a call's object, or (HOT, the overall
 * list) one per line. */
static bool json_sites(FILE *out, const struct stats *s, const struct stats_pair *p, size_t n,
                       uint64_t whole, bool hot)
{
    bool ok = true;
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? "," : "", out);
        fputs(hot ? "\n    " : "", out);
        ok &= json_site(out, s, &p[i], whole, hot);
    }
    fputs(hot && n ? "\n  ]" : "]", out);
    return ok;
}

static bool json_hcall(FILE *out, const struct stats *s, const struct stats_call *c)
{
    fprintf(out, "{\"opcode\":%" PRIu64 ",\"opcode_hex\":\"0x%" PRIx64 "\",\"name\":", c->key,
            c->key);
    json_or_null(out, c->name);
    fprintf(out, ",\"count\":%" PRIu64, c->count);
    json_real(out, "percent", percent_of(c->count, s->hcalls.total));
    json_gaps(out, c);
    fprintf(out, ",\"host_ns\":{\"total\":%" PRIu64, c->host_total);
    json_real(out, "mean", (double)c->host_total / (double)c->count);
    fprintf(out, ",\"p50\":%" PRIu64 ",\"p99\":%" PRIu64 ",\"max\":%" PRIu64, c->p50, c->p99,
            c->max);
    json_real(out, "percent", percent_of(c->host_total, s->host_total));
    fputs("},\"returns\":[", out);
    for (size_t i = 0; i < c->n_ret; i++) {
        int64_t value = (int64_t)c->ret[i].key;
        fprintf(out, "%s{\"value\":%" PRId64 ",\"name\":", i ? "," : "", value);
        json_or_null(out, trace_reader_return_name(s->r, value));
        fprintf(out, ",\"count\":%" PRIu64, c->ret[i].count);
        json_real(out, "percent", percent_of(c->ret[i].count, c->count));
        fputc('}', out);
    }
    fputs("],\"sites\":", out);
    bool ok = json_sites(out, s, c->top, c->n_top, c->count, false);
    fputs(",\"callers\":", out);
    ok &= json_sites(out, s, c->top_callers, c->n_top_callers, c->count, false);
    fputc('}', out);
    return ok;
}

static bool json_rtas(FILE *out, const struct stats *s, const struct stats_call *c)
{
    fputs("{\"name\":", out);
    json_or_null(out, c->name);
    fprintf(out, ",\"token\":%" PRIu32 ",\"count\":%" PRIu64, c->token, c->count);
    json_real(out, "percent", percent_of(c->count, s->rtas.total));
    json_gaps(out, c);
    fputs(",\"sites\":", out);
    bool ok = json_sites(out, s, c->top, c->n_top, c->count, false);
    fputc('}', out);
    return ok;
}

/* "  \"KEY\": [" then one element per line from EACH, then "]". */
static bool json_list(FILE *out, const char *key, const struct stats *s,
                      const struct stats_calls *t,
                      bool (*each)(FILE *, const struct stats *, const struct stats_call *))
{
    bool ok = true;
    fprintf(out, ",\n  \"%s\": [", key);
    for (size_t i = 0; i < t->n; i++) {
        fputs(i ? ",\n    " : "\n    ", out);
        ok &= each(out, s, &t->call[i]);
    }
    fputs(t->n ? "\n  ]" : "]", out);
    return ok;
}

static void json_summary(FILE *out, const struct stats *s)
{
    fputs("{\n  \"file\": ", out);
    json_or_null(out, trace_reader_name(s->r));
    fprintf(out, ",\n  \"events\": %" PRIu64, s->events);
    if (s->events)
        fprintf(out, ",\n  \"first_icount\": %" PRIu64 ",\n  \"last_icount\": %" PRIu64
                     ",\n  \"icount_span\": %" PRIu64,
                s->first_icount, s->last_icount, s->last_icount - s->first_icount);
    else
        fputs(",\n  \"first_icount\": null,\n  \"last_icount\": null,\n  \"icount_span\": 0", out);
    fprintf(out, ",\n  \"vcpus\": %" PRIu32 ",\n  \"vcpus_with_events\": %zu",
            trace_reader_header(s->r)->vcpus, s->cpus.used);
    fprintf(out, ",\n  \"hcalls\": %" PRIu64 ",\n  \"hcall_mean_gap\": ", s->hcalls.total);
    if (s->hcalls.total > 1)
        fprintf(out, "%.3f", mean_gap(s->hcalls.first_icount, s->hcalls.last_icount, s->hcalls.total));
    else
        fputs("null", out);
    fprintf(out, ",\n  \"host_ns\": %" PRIu64 ",\n  \"rtas_calls\": %" PRIu64
                 ",\n  \"top\": %" PRIu32 ",\n  \"distinct_hcall_sites\": %zu",
            s->host_total, s->rtas.total, s->top, s->sites.used);
}

static bool json_report(FILE *out, const struct stats *s, const char *warning, const char *error)
{
    json_summary(out, s);
    fputs(",\n  \"warning\": ", out);
    json_or_null(out, warning);
    fputs(",\n  \"error\": ", out);
    json_or_null(out, error);
    bool ok = json_list(out, "hcall", s, &s->hcalls, json_hcall);
    fputs(",\n  \"hot_sites\": ", out);
    ok &= json_sites(out, s, s->hot, s->n_hot, s->hcalls.total, true);
    ok &= json_list(out, "rtas", s, &s->rtas, json_rtas);
    fputs("\n}\n", out);
    return ok;
}

/* ---- the tool ---- */

/* Reads every event into S: 1 at the end, -1 on a trace error (in ERR),
 * 0 when memory ran out. */
static int stats_read(struct stats *s, struct trace_reader *r, struct trace_error *err)
{
    struct trace_event e;
    int rc;
    while ((rc = trace_reader_next(r, &e, err)) == 1)
        if (!stats_event(s, &e))
            return 0;
    return rc == 0 ? 1 : -1;
}

/* Loads --symbols, warning when the file names no code at all. */
static int stats_symbols(const char *path, struct trace_symbols **out, FILE *errout)
{
    struct trace_error err;
    *out = NULL;
    if (!path)
        return 0;
    *out = trace_symbols_load(path, &err);
    if (!*out) {
        fprintf(errout, "ppcrr: %s\n", err.msg);
        return -1;
    }
    if (trace_symbols_count(*out) == 0)
        fprintf(errout, "ppcrr: warning: %s: no function symbols; call sites stay addresses\n", path);
    return 0;
}

int trace_tool_stats(const char *path, const struct trace_stats_options *opt, FILE *out,
                     FILE *errout)
{
    static const struct trace_stats_options defaults = { .top = TRACE_STATS_DEFAULT_TOP };
    if (!opt)
        opt = &defaults;
    struct trace_error err;
    struct trace_reader *r = trace_tool_open(path, &err, errout);
    if (!r)
        return 1;
    struct trace_symbols *syms;
    if (stats_symbols(opt->symbols, &syms, errout) < 0) {
        trace_reader_close(r);
        return 1;
    }
    struct stats s = { .r = r, .syms = syms, .top = opt->top };
    int rc = stats_read(&s, r, &err);
    bool ok = rc != 0 && stats_finish(&s);
    const char *error = rc < 0 ? err.msg : NULL, *warning = trace_reader_warning(r);
    if (ok)
        ok = opt->json ? json_report(out, &s, warning, error) : text_report(out, &s);
    int status = 1;
    fflush(out);
    if (!ok)
        fprintf(errout, "ppcrr: %s: out of memory\n", trace_reader_name(r));
    else
        status = trace_tool_verdict(errout, r, error);
    stats_free(&s);
    trace_symbols_free(syms);
    trace_reader_close(r);
    return trace_tool_finish_output(out, errout, status);
}
