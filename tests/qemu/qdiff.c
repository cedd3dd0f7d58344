/*
 * qdiff: the differential test of ppcrr's CPU against QEMU user mode
 * (DESIGN.md §7), as a TAP test.
 *
 *   qdiff [--cases FILE | --seed N --count N [--only MNEMONIC] [--len MIN-MAX]]
 *         [--case INDEX] [--details N] [--qemu QEMU] [--runner QRUNNER]
 *         [--objdump OBJDUMP] [--skip REASON]
 *
 * Without --cases it generates --count cases (default 5000) from --seed
 * (default 1), as qgen would. QEMU defaults to qemu-ppc64le on the PATH,
 * the runner to the qrunner built next to this program.
 *
 * It runs every case (qcase.h) under QEMU through qrunner and on ppcrr
 * (qppcrr.c) and compares registers, signal and data area. For each case
 * that differs it finds the instruction responsible by bisection: a
 * variant of the case that stops after word k matches and one that stops
 * after word k+1 does not, so word k made the difference (each bisection
 * round is one more QEMU run over all failing cases). The mismatch counts
 * against that instruction's row -- as a TAP TODO when the documented
 * differences table (qknown.c) covers it, as a failure otherwise.
 *
 * Output: one test point per instruction row ("ok 12 - add: 310 cases"),
 * plus checks of the harness itself and of coverage; the first failing
 * cases are printed in full.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/common/testutil.h"
#include "tests/qemu/qdiff.h"
#include "tests/qemu/qknown.h"
#include "tests/qemu/qgen.h"
#include "tests/tap.h"

struct options {
    struct qemu_setup q;
    const char *cases_path, *skip;
    struct qgen_options gen;
    long only_case;           /* --case: just this one, always reported */
    unsigned details;         /* failing cases printed in full */
};

struct row_stats {
    unsigned cases, execs;    /* cases that ran the row, and how often it ran */
    unsigned fails;           /* unexplained mismatches attributed to it */
    unsigned todos[QKNOWN_MAX];   /* documented ones, by qknown_table entry */
    unsigned printed;
};

struct failure {
    unsigned index;           /* into the case array */
    unsigned lo, hi;          /* bisection: stopping at lo matches, at hi does not */
    int culprit;              /* word index, or -1 */
    int row;                  /* insn_table index of the culprit, or -1 */
    const struct qknown *todo;
};

struct run {
    struct options o;
    struct qc_case *cases;
    unsigned n;
    struct qc_result *qres, *pres;
    struct qp_machine m;
    struct row_stats *rows;
    struct failure *fails;
    unsigned nfails;
};

static void usage(void)
{
    fprintf(stderr, "usage: qdiff [--cases FILE | --seed N --count N [--only MNEMONIC]"
                    " [--len MIN-MAX]] [--case INDEX] [--details N] [--qemu QEMU]"
                    " [--runner QRUNNER] [--objdump OBJDUMP] [--skip REASON]\n");
    exit(2);
}

/* qrunner next to this program: the build puts them in one directory. */
static const char *default_runner(const char *argv0)
{
    static char path[4096];
    const char *slash = strrchr(argv0, '/');
    if (!slash)
        return "qrunner";
    snprintf(path, sizeof path, "%.*s/qrunner", (int)(slash - argv0), argv0);
    return path;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->gen = (struct qgen_options){ .seed = 1, .count = 5000, .min_len = 4, .max_len = 16 };
    o->q.qemu = "qemu-ppc64le";
    o->q.runner = default_runner(argv[0]);
    o->q.objdump = "powerpc64le-linux-gnu-objdump";
    o->only_case = -1;
    o->details = 12;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!strcmp(a, "--qemu")) o->q.qemu = v;
        else if (!strcmp(a, "--runner")) o->q.runner = v;
        else if (!strcmp(a, "--objdump")) o->q.objdump = *v ? v : NULL;
        else if (!strcmp(a, "--cases")) o->cases_path = v;
        else if (!strcmp(a, "--seed")) o->gen.seed = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--count")) o->gen.count = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--only")) o->gen.only = v;
        else if (!strcmp(a, "--case")) o->only_case = strtol(v, NULL, 0);
        else if (!strcmp(a, "--details")) o->details = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--skip")) o->skip = v;
        else if (!strcmp(a, "--len")) {
            if (sscanf(v, "%u-%u", &o->gen.min_len, &o->gen.max_len) != 2)
                usage();
        } else usage();
    }
    bool gen_ok = o->gen.count > 0 && o->gen.min_len > 0 && o->gen.min_len <= o->gen.max_len &&
                  o->gen.max_len <= 23;
    if (!o->skip && !o->cases_path && !gen_ok)
        usage();
}

/* The cases: from the file, or generated here (the same generator qgen
 * uses); --case keeps one of them. */
static bool load_cases(struct run *r)
{
    if (r->o.cases_path) {
        r->cases = qgen_read_cases(r->o.cases_path, &r->n);
        if (!r->cases)
            tap_bail("%s is not a case file of this version (rebuild it with qgen)", r->o.cases_path);
    } else {
        r->n = r->o.gen.count;
        r->cases = calloc(r->n, sizeof *r->cases);
        /* No log: check_coverage reports rows with guessed roles as TAP. */
        if (!r->cases || !qgen_generate(&r->o.gen, r->cases, NULL, NULL))
            tap_bail("no eligible instruction row%s%s", r->o.gen.only ? " named " : "",
                     r->o.gen.only ? r->o.gen.only : "");
    }
    if (r->o.only_case >= 0) {
        if ((unsigned long)r->o.only_case >= r->n)
            tap_bail("--case %ld: there are only %u cases", r->o.only_case, r->n);
        r->cases[0] = r->cases[r->o.only_case];
        r->n = 1;
    }
    return true;
}

static bool row_eligible(const struct run *r, const struct insn_def *d)
{
    return !qgen_exclusion(d) && (!r->o.gen.only || qgen_same_mnemonic(d->mnemonic, r->o.gen.only));
}

/* ---- ppcrr runs ---- */

struct seen_ctx {
    uint8_t *seen;
    struct row_stats *rows;
};

static void note_row(void *opaque, const struct cpu *c, int index, uint32_t word)
{
    (void)c;
    (void)index;
    struct seen_ctx *s = opaque;
    const struct insn_def *d = decode_word(word);
    if (d) {
        s->seen[d - insn_table] = 1;
        s->rows[d - insn_table].execs++;
    }
}

static void run_ppcrr_all(struct run *r)
{
    struct seen_ctx s = { calloc(insn_table_size, 1), r->rows };
    r->fails = calloc(r->n, sizeof *r->fails);
    if (!s.seen || !r->fails)
        tap_bail("out of memory");
    for (unsigned i = 0; i < r->n; i++) {
        memset(s.seen, 0, insn_table_size);
        qp_run(&r->m, &r->cases[i], &r->pres[i], note_row, &s);
        for (unsigned k = 0; k < insn_table_size; k++)
            r->rows[k].cases += s.seen[k];
        if (!qc_same(&r->qres[i], &r->pres[i]))
            r->fails[r->nfails++] = (struct failure){ .index = i, .lo = 0, .hi = r->cases[i].stop,
                                                      .culprit = -1, .row = -1 };
    }
    free(s.seen);
}

/* ---- attribution ---- */

static struct qc_case variant(const struct qc_case *c, unsigned stop)
{
    struct qc_case v = *c;
    v.stop = stop;
    v.flags |= QC_F_VARIANT;
    return v;
}

/* Bisects every failure down to one word; false if QEMU stopped working. */
static bool bisect(struct run *r)
{
    struct qc_case *v = calloc(r->nfails, sizeof *v);
    struct qc_result *vq = calloc(r->nfails, sizeof *vq), *vp = calloc(r->nfails, sizeof *vp);
    struct failure **which = calloc(r->nfails, sizeof *which);
    bool good = v && vq && vp && which;
    while (good) {
        unsigned n = 0;
        for (unsigned k = 0; k < r->nfails; k++) {
            struct failure *f = &r->fails[k];
            if (f->hi - f->lo > 1) {
                which[n] = f;
                v[n++] = variant(&r->cases[f->index], (f->lo + f->hi) / 2);
            }
        }
        if (n == 0)
            break;
        good = qemu_run_cases(&r->o.q, v, n, vq);
        for (unsigned k = 0; good && k < n; k++) {
            qp_run(&r->m, &v[k], &vp[k], NULL, NULL);
            if (qc_same(&vq[k], &vp[k]))
                which[k]->lo = v[k].stop;
            else
                which[k]->hi = v[k].stop;
        }
    }
    free(v);
    free(vq);
    free(vp);
    free(which);
    return good;
}

struct diff_ctx {
    struct qknown_ctx x;
    int culprit;
    const struct qknown *found;
};

static void check_documented(void *opaque, const struct cpu *c, int index, uint32_t word)
{
    struct diff_ctx *d = opaque;
    const struct insn_def *def = decode_word(word);
    if (!def)
        return;
    d->x.c = c;
    d->x.word = word;
    const struct qknown *q = qknown_find(def->mnemonic, &d->x);
    if (index == d->culprit)
        d->found = q;
}

/* Names the culprit row of each failure and whether a documented
 * difference covers it (from the state ppcrr ran the culprit in). */
static void classify(struct run *r)
{
    for (unsigned k = 0; k < r->nfails; k++) {
        struct failure *f = &r->fails[k];
        const struct qc_case *c = &r->cases[f->index];
        if (f->hi == 0)
            continue;             /* differs before any instruction: the harness */
        f->culprit = (int)f->lo;
        const struct insn_def *d = decode_word(c->words[f->lo]);
        if (!d || qgen_exclusion(d))
            continue;             /* not a generated instruction: the harness's */
        f->row = (int)(d - insn_table);
        struct diff_ctx dc = { .culprit = f->culprit };
        struct qc_case v = variant(c, f->lo + 1);
        struct qc_result res;
        qp_run(&r->m, &v, &res, check_documented, &dc);
        f->todo = dc.found;
        struct row_stats *s = &r->rows[f->row];
        if (f->todo)
            s->todos[f->todo - qknown_table]++;
        else
            s->fails++;
    }
}

/* ---- reports ---- */

static void report_failure(struct run *r, const struct failure *f)
{
    const struct qc_case *c = &r->cases[f->index];
    struct qc_result *aq = malloc(sizeof *aq), *ap = malloc(sizeof *ap);
    bool have = false;
    if (aq && ap && f->culprit >= 0 && (unsigned)f->culprit + 1 < c->stop) {
        struct qc_case v = variant(c, (unsigned)f->culprit + 1);
        have = qemu_run_cases(&r->o.q, &v, 1, aq);
        qp_run(&r->m, &v, ap, NULL, NULL);
    }
    report_case(&r->o.q, c, f->culprit, &r->qres[f->index], &r->pres[f->index],
                have ? aq : NULL, have ? ap : NULL);
    free(aq);
    free(ap);
}

/* A TAP TODO point: a known, documented difference. tap.h has no helper
 * for it, so this numbers the line from tap.h's own counter. */
static void todo_point(const struct insn_def *d, unsigned count, const struct qknown *q)
{
    printf("not ok %d - %s: %u %s as documented # TODO %s\n", ++tap_count_,
           d->mnemonic, count, count == 1 ? "case differs" : "cases differ", q->what);
    printf("#   decided by Power ISA 2.07 %s\n", q->isa);
}

static void report_rows(struct run *r)
{
    unsigned printed = 0;
    for (unsigned k = 0; k < insn_table_size; k++) {
        const struct insn_def *d = &insn_table[k];
        struct row_stats *s = &r->rows[k];
        if (!row_eligible(r, d) && !s->cases && !s->fails)
            continue;
        if (!s->fails) {
            ok(true, "%s: %u cases, %u executions", d->mnemonic, s->cases, s->execs);
        } else {
            ok(false, "%s: %u of %u cases differ", d->mnemonic, s->fails, s->cases);
            for (unsigned f = 0; f < r->nfails && printed < r->o.details && s->printed < 2; f++)
                if (r->fails[f].row == (int)k && !r->fails[f].todo) {
                    report_failure(r, &r->fails[f]);
                    s->printed++;
                    printed++;
                }
        }
        for (unsigned q = 0; q < qknown_count; q++)
            if (s->todos[q])
                todo_point(d, s->todos[q], &qknown_table[q]);
    }
}

/* Mismatches not attributed to a generated instruction: the state did not
 * survive the trip through the harness, or execution went astray. */
static void report_harness(struct run *r)
{
    unsigned n = 0, printed = 0;
    for (unsigned f = 0; f < r->nfails; f++)
        n += r->fails[f].row < 0;
    ok(n == 0, "no mismatch outside the generated instructions (%u)", n);
    for (unsigned f = 0; f < r->nfails && printed < 3; f++)
        if (r->fails[f].row < 0) {
            report_failure(r, &r->fails[f]);
            printed++;
        }
}

/* Stopped before its first instruction, a case must come back unchanged
 * from both sides: registers, data, no signal. */
static void check_round_trip(struct run *r)
{
    unsigned n = r->n < 8 ? r->n : 8, bad = 0;
    struct qc_case *v = calloc(n, sizeof *v);
    struct qc_result *q = calloc(n, sizeof *q), *p = calloc(n, sizeof *p);
    if (!v || !q || !p)
        tap_bail("out of memory");
    for (unsigned i = 0; i < n; i++)
        v[i] = variant(&r->cases[i], 0);
    bool ran = qemu_run_cases(&r->o.q, v, n, q);
    for (unsigned i = 0; ran && i < n; i++) {
        qp_run(&r->m, &v[i], &p[i], NULL, NULL);
        struct qc_result want = { .id = v[i].id, .nip = v[i].code_addr, .regs = v[i].regs };
        qc_fill_data(want.data, v[i].data_seed);
        if (!qc_same(&q[i], &want) || !qc_same(&p[i], &want)) {
            if (bad++ == 0) {
                tap_diag("case %u after the round trip (qemu, then ppcrr, against the start):", v[i].id);
                qc_print_differences(stdout, "#  ", &v[i], &q[i], &want);
                qc_print_differences(stdout, "#  ", &v[i], &p[i], &want);
            }
        }
    }
    ok(ran && bad == 0, "harness: %u cases stopped before their first instruction come back "
       "unchanged from QEMU and ppcrr", n);
    free(v);
    free(q);
    free(p);
}

/* QEMU's results must depend on the case alone: anything a case leaves
 * behind in the runner (an SPR the signal context does not restore, a
 * reservation) would show up here. Reruns a sample in reverse order. */
static void check_repeatable(struct run *r)
{
    unsigned n = r->n < 64 ? r->n : 64, bad = 0;
    struct qc_case *v = calloc(n, sizeof *v);
    struct qc_result *q = calloc(n, sizeof *q);
    if (!v || !q)
        tap_bail("out of memory");
    for (unsigned i = 0; i < n; i++)
        v[i] = r->cases[(uint64_t)(n - 1 - i) * r->n / n];
    bool ran = qemu_run_cases(&r->o.q, v, n, q);
    for (unsigned i = 0; ran && i < n; i++) {
        const struct qc_result *first = &r->qres[(uint64_t)(n - 1 - i) * r->n / n];
        if (!qc_same(&q[i], first) && bad++ == 0) {
            tap_diag("case %u, run again in another order (again, first time):", v[i].id);
            qc_print_differences(stdout, "#  ", &v[i], &q[i], first);
        }
    }
    ok(ran && bad == 0, "harness: %u cases run again in reverse order give the same QEMU results", n);
    free(v);
    free(q);
}

static void check_coverage(struct run *r)
{
    char missing[1024] = "";
    unsigned eligible = 0, miss = 0;
    for (unsigned k = 0; k < insn_table_size; k++) {
        const struct insn_def *d = &insn_table[k];
        const char *why = qgen_exclusion(d);
        if (why) {
            /* Once per mnemonic (the catch-all rows come in runs). */
            unsigned same = 1;
            while (k + same < insn_table_size &&
                   !strcmp(insn_table[k + same].mnemonic, d->mnemonic))
                same++;
            if (same > 1)
                tap_diag("not generated: %s, %u rows (%s)", d->mnemonic, same, why);
            else
                tap_diag("not generated: %s (%s)", d->mnemonic, why);
            k += same - 1;
            continue;
        }
        if (!row_eligible(r, d))
            continue;
        eligible++;
        if (!qgen_has_roles(d))
            tap_diag("%s: operand roles guessed from its form (add it to qgen.c)", d->mnemonic);
        if (!r->rows[k].cases && miss++ < 40) {
            size_t len = strlen(missing);
            snprintf(missing + len, sizeof missing - len, " %s", d->mnemonic);
        }
    }
    if (r->o.only_case < 0)
        ok(miss == 0, "coverage: %u of %u eligible rows executed%s%s", eligible - miss, eligible,
           miss ? "; never:" : "", missing);
}

int main(int argc, char **argv)
{
    struct run r;
    memset(&r, 0, sizeof r);
    parse_options(argc, argv, &r.o);
    if (r.o.skip) {
        printf("1..0 # SKIP %s\n", r.o.skip);
        return 0;
    }
    decode_init();
    load_cases(&r);
    r.qres = calloc(r.n, sizeof *r.qres);
    r.pres = calloc(r.n, sizeof *r.pres);
    r.rows = calloc(insn_table_size, sizeof *r.rows);
    if (!r.qres || !r.pres || !r.rows || !qp_init(&r.m))
        tap_bail("out of memory");

    if (!qemu_run_cases(&r.o.q, r.cases, r.n, r.qres))
        tap_bail("%s could not run %s", r.o.q.qemu, r.o.q.runner);
    ok(true, "qemu-ppc64le ran %u cases (%u QEMU aborts)", r.n, r.o.q.deaths);
    check_round_trip(&r);
    check_repeatable(&r);
    run_ppcrr_all(&r);
    if (r.nfails && !bisect(&r))
        tap_bail("QEMU stopped working while bisecting the mismatches");
    classify(&r);
    report_rows(&r);
    report_harness(&r);
    check_coverage(&r);
    if (r.o.only_case >= 0 && r.nfails == 0)
        report_case(&r.o.q, &r.cases[0], -1, &r.qres[0], &r.pres[0], NULL, NULL);

    unsigned todo = 0;
    uint64_t executed = 0;
    for (unsigned f = 0; f < r.nfails; f++)
        todo += r.fails[f].todo != NULL;
    for (unsigned k = 0; k < insn_table_size; k++)
        executed += r.rows[k].execs;
    tap_diag("%u cases, %" PRIu64 " instructions executed, %u cases differ (%u as documented); "
             "QEMU started %u times", r.n, executed, r.nfails, todo, r.o.q.runs);
    qp_destroy(&r.m);
    free(r.cases);
    free(r.qres);
    free(r.pres);
    free(r.rows);
    free(r.fails);
    test_scratch_cleanup();
    return tap_done();
}
