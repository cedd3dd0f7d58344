/*
 * trace_diff.h: the alignment and the listing.
 *
 * Both traces are read once into arrays of two 64-bit keys per event: its
 * identity (what the call is) and its digest (everything compared). The
 * streams are walked together; where identities part, the nearest point
 * where they agree again for RESYNC_RUN events in a row is searched for
 * within RESYNC_WINDOW events of each side (smallest total skip first),
 * and the events skipped are "only in A" / "only in B". Events of equal
 * identity but different digest are "changed". Then both traces are read
 * a second time, in step, to print each hunk with its context.
 */
#include "replay/trace_diff.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "replay/event_diff.h"
#include "traces/trace_format.h"

#define RESYNC_WINDOW 512
#define RESYNC_RUN 3
#define RESYNC_BUDGET 50000000ull     /* probes per diff, about a second */

struct keys {
    uint64_t *identity, *digest, *icount;
    size_t n, cap;
};

enum diff_op { OP_CHANGED, OP_ONLY_A, OP_ONLY_B };

struct edit {
    enum diff_op op;
    size_t a, b;            /* event indexes (for ONLY_A: b is where B stands, and so on) */
    size_t step;            /* position in the merged walk: one step per pair or lone event */
};

struct edits {
    struct edit *e;
    size_t n, cap;
};

/* The next event the guest made: keyframes only say where snapshots were
 * saved or restored, so two runs differing only in those are the same. */
static int next_guest_event(struct trace_reader *r, struct trace_event *e, struct trace_error *err)
{
    int rc;
    while ((rc = trace_reader_next(r, e, err)) == 1 && e->ev->kind_case == PPCRR__EVENT__KIND_KEYFRAME)
        ;
    return rc;
}

static bool keys_read(const char *path, uint64_t until, struct keys *k, FILE *err)
{
    struct trace_error terr;
    struct trace_reader *r = trace_reader_open(path, &terr);
    if (!r) {
        fprintf(err, "ppcrr: %s\n", terr.msg);
        return false;
    }
    struct event_names names = event_names_of_reader(r);
    struct trace_event e;
    int rc;
    while ((rc = next_guest_event(r, &e, &terr)) == 1 && (!until || e.icount < until)) {
        if (k->n == k->cap) {
            size_t cap = k->cap ? 2 * k->cap : 4096;
            uint64_t *id = realloc(k->identity, cap * sizeof *id);
            if (id)
                k->identity = id;
            uint64_t *dg = id ? realloc(k->digest, cap * sizeof *dg) : NULL;
            if (dg)
                k->digest = dg;
            uint64_t *ic = dg ? realloc(k->icount, cap * sizeof *ic) : NULL;
            if (!ic) {
                fprintf(err, "ppcrr: %s: out of memory\n", path);
                trace_reader_close(r);
                return false;
            }
            k->icount = ic;
            k->cap = cap;
        }
        k->identity[k->n] = event_identity(e.ev, &names);
        k->digest[k->n] = event_digest(e.ev, &names);
        k->icount[k->n] = e.icount;
        k->n++;
    }
    if (rc == 1)
        rc = 0;                 /* stopped at UNTIL */
    if (rc < 0)
        fprintf(err, "ppcrr: %s\n", terr.msg);
    else if (trace_reader_warning(r))
        fprintf(err, "ppcrr: warning: %s\n", trace_reader_warning(r));
    trace_reader_close(r);
    return rc == 0;
}

static bool edits_add(struct edits *d, enum diff_op op, size_t a, size_t b, size_t step)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        struct edit *e = realloc(d->e, cap * sizeof *e);
        if (!e)
            return false;
        d->e = e;
        d->cap = cap;
    }
    d->e[d->n++] = (struct edit){ op, a, b, step };
    return true;
}

/* A and B agree from I and J on for RESYNC_RUN events (or to both ends). */
static bool agree(const struct keys *a, size_t i, const struct keys *b, size_t j)
{
    for (unsigned k = 0; k < RESYNC_RUN; k++, i++, j++) {
        if (i >= a->n || j >= b->n)
            return i >= a->n && j >= b->n;
        if (a->identity[i] != b->identity[j])
            return false;
    }
    return true;
}

/* The smallest skip (SA events of A, SB of B) after which they agree.
 * *BUDGET bounds the probes over the whole diff, so two unrelated traces
 * give up quickly instead of searching every window. */
static bool resync(const struct keys *a, size_t i, const struct keys *b, size_t j, size_t *sa, size_t *sb,
                   uint64_t *budget)
{
    for (size_t d = 1; d <= 2 * RESYNC_WINDOW; d++)
        for (size_t x = 0; x <= d; x++) {
            if (*budget == 0)
                return false;
            --*budget;
            size_t y = d - x;
            if (x > RESYNC_WINDOW || y > RESYNC_WINDOW || i + x > a->n || j + y > b->n)
                continue;
            if (agree(a, i + x, b, j + y)) {
                *sa = x;
                *sb = y;
                return true;
            }
        }
    return false;
}

/* The edit script; false if out of memory or too different to align.
 * *MOVED: the first pair of equal events at different icounts (or SIZE_MAX). */
static bool align(const struct keys *a, const struct keys *b, uint64_t max_edits, struct edits *d, size_t *moved,
                  FILE *err)
{
    size_t i = 0, j = 0, step = 0;
    uint64_t budget = RESYNC_BUDGET;
    *moved = SIZE_MAX;
    while (i < a->n || j < b->n) {
        if (d->n > max_edits) {
            fprintf(err, "ppcrr: the traces differ in more than %" PRIu64 " places: not aligned further\n",
                    max_edits);
            return false;
        }
        if (i < a->n && j < b->n && a->identity[i] == b->identity[j]) {
            if (a->digest[i] != b->digest[j] && !edits_add(d, OP_CHANGED, i, j, step))
                return false;
            if (*moved == SIZE_MAX && a->icount[i] != b->icount[j])
                *moved = i;
            i++, j++, step++;
            continue;
        }
        size_t sa, sb;
        if (i >= a->n || j >= b->n || !resync(a, i, b, j, &sa, &sb, &budget)) {
            if (budget == 0) {
                fprintf(err, "ppcrr: the traces are too different to align (no agreement found nearby)\n");
                return false;
            }
            /* Nothing agrees nearby: one event of each (or what is left
             * of the longer one) goes, and the search starts again. */
            sa = i < a->n ? 1 : 0;
            sb = j < b->n ? 1 : 0;
        }
        for (size_t k = 0; k < sa; k++)
            if (!edits_add(d, OP_ONLY_A, i + k, j, step++))
                return false;
        for (size_t k = 0; k < sb; k++)
            if (!edits_add(d, OP_ONLY_B, i + sa, j + k, step++))
                return false;
        i += sa;
        j += sb;
    }
    return true;
}

/* ---- the listing ---- */

struct side {
    uint64_t until;
    struct trace_reader *r;
    struct event_names names;
    struct trace_event e;
    bool have;
};

static bool side_open(struct side *s, const char *path, FILE *err)
{
    struct trace_error terr;
    if (!(s->r = trace_reader_open(path, &terr))) {
        fprintf(err, "ppcrr: %s\n", terr.msg);
        return false;
    }
    s->names = event_names_of_reader(s->r);
    s->have = next_guest_event(s->r, &s->e, &terr) == 1 && (!s->until || s->e.icount < s->until);
    return true;
}

static void side_next(struct side *s)
{
    struct trace_error terr;
    s->have = s->have && next_guest_event(s->r, &s->e, &terr) == 1 && (!s->until || s->e.icount < s->until);
}

static void print_line(FILE *out, const char *mark, const struct side *s)
{
    fputs(mark, out);
    if (s->have)
        trace_format_text(out, s->r, &s->e);
    else
        fputs("(missing)\n", out);
}

/* The steps within CONTEXT of an edit are shown. */
static bool shown(const struct edits *d, size_t next, size_t step, unsigned context)
{
    bool near_next = next < d->n && d->e[next].step <= step + context;
    bool near_prev = next > 0 && step <= d->e[next - 1].step + context;
    return near_next || near_prev;
}

static void print_listing(const struct edits *d, struct side *a, struct side *b, unsigned context, FILE *out)
{
    size_t next = 0, step = 0;
    bool in_hunk = false;
    while (a->have || b->have) {
        const struct edit *e = next < d->n && d->e[next].step == step ? &d->e[next] : NULL;
        bool show = e || shown(d, next, step, context);
        if (show && !in_hunk)
            fprintf(out, "@@ %s event %" PRIu64 ", %s event %" PRIu64 " @@\n", "A", a->have ? a->e.index : 0,
                    "B", b->have ? b->e.index : 0);
        in_hunk = show;
        if (!e) {
            if (show)
                print_line(out, "  ", a);
            side_next(a);
            side_next(b);
        } else if (e->op == OP_CHANGED) {
            char why[512] = "";
            struct event_side sa = { a->e.ev, a->e.icount, &a->names }, sb = { b->e.ev, b->e.icount, &b->names };
            event_same(&sa, &sb, why, sizeof why);
            print_line(out, "~ ", a);
            print_line(out, "~>", b);
            fprintf(out, "#   %s\n", why);
            side_next(a);
            side_next(b);
            next++;
        } else if (e->op == OP_ONLY_A) {
            print_line(out, "- ", a);
            side_next(a);
            next++;
        } else {
            print_line(out, "+ ", b);
            side_next(b);
            next++;
        }
        step++;
    }
}

int trace_diff(const char *path_a, const char *path_b, const struct trace_diff_options *opt, FILE *out,
               FILE *err)
{
    struct trace_diff_options o = { 3, 100000, "A", "B", 0 };
    if (opt)
        o = *opt;
    struct keys ka = { 0 }, kb = { 0 };     /* all of their pointers NULL */
    struct edits d = { 0 };
    size_t moved;
    int status = 2;
    if (keys_read(path_a, o.until, &ka, err) && keys_read(path_b, o.until, &kb, err) &&
        align(&ka, &kb, o.max_edits, &d, &moved, err)) {
        size_t changed = 0, only_a = 0, only_b = 0;
        for (size_t i = 0; i < d.n; i++) {
            changed += d.e[i].op == OP_CHANGED;
            only_a += d.e[i].op == OP_ONLY_A;
            only_b += d.e[i].op == OP_ONLY_B;
        }
        fprintf(out, "A (%s): %s, %zu events\nB (%s): %s, %zu events\n", o.label_a, path_a, ka.n, o.label_b,
                path_b, kb.n);
        if (d.n == 0 && moved == SIZE_MAX) {
            fputs("the same events\n", out);
            status = 0;
        } else if (d.n == 0) {
            fprintf(out, "the same events, but from event %zu on at other icounts (A %" PRIu64 ", B %" PRIu64 ")\n",
                    moved, ka.icount[moved], kb.icount[moved]);
            status = 1;
        } else {
            fprintf(out, "%zu changed, %zu only in A, %zu only in B (a '#' line says how B differs; "
                    "\"trace has\" is A)\n", changed, only_a, only_b);
            struct side a = { .until = o.until }, b = { .until = o.until };
            if (side_open(&a, path_a, err) && side_open(&b, path_b, err))
                print_listing(&d, &a, &b, o.context, out);
            trace_reader_close(a.r);
            trace_reader_close(b.r);
            status = 1;
        }
    }
    free(ka.identity);
    free(ka.digest);
    free(kb.identity);
    free(kb.digest);
    free(ka.icount);
    free(kb.icount);
    free(d.e);
    return status;
}
