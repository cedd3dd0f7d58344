/*
 * `ppcrr trace stats` and the ELF symbol reader behind --symbols.
 *
 * A trace with known hcalls, RTAS calls and host times is profiled, and
 * every number in the report is checked against values this test works
 * out on its own from the events it wrote (gaps as a sum of differences,
 * percentiles by counting, not by sorting), plus a few written out by
 * hand. The symbol reader is fed tiny ELF files built here in both byte
 * orders, then every truncation of one and a list of specific breakages,
 * which must all be clean errors (run under ASan, an out-of-bounds read
 * fails the test).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "traces/trace_stats.h"
#include "traces/trace_symbols.h"
#include "traces/trace_writer.h"

/* ---- the known trace ---- */

#define OP_ALPHA 0x10u
#define OP_BETA 0x20u
#define OP_UNNAMED 0x1234u
#define PC(x) (0xc000000000000000ull + (x))
#define PC_A PC(0x1000)
#define PC_B PC(0x2000)
#define PC_C PC(0x3000)
#define PC_D PC(0x0f00)
#define PC_E PC(0x5000)
#define PC_F PC(0x6000)
#define PC_G PC(0x6100)

/* String-table indexes, in the order write_known_trace interns them. */
enum { STR_UART, STR_TIME, STR_INDICATOR };

struct spec {
    Ppcrr__Event__KindCase kind;
    uint64_t icount;
    uint32_t cpu;
    uint64_t pc;
    uint32_t opcode;        /* hcall */
    int64_t ret;            /* hcall */
    uint64_t host_ns;       /* hcall */
    uint32_t name, token;   /* rtas */
};

static struct spec specs[256];
static size_t n_specs;

static void add(struct spec s)
{
    specs[n_specs++] = s;
}

static int spec_compare(const void *a, const void *b)
{
    const struct spec *x = a, *y = b;
    return x->icount < y->icount ? -1 : x->icount > y->icount;
}

/* H_ALPHA: 100 calls, host times a permutation of 1..100, gaps of 100
 * but one of 199 (mean exactly 101), from four PCs 50/30/10/10 times,
 * 10 of them returning -2. H_BETA: 10 calls 200 apart, one PC, return 5
 * (which the header does not name). One call of an opcode the header
 * does not describe. RTAS: get-time-of-day 3 times, set-indicator once.
 * Plus an MMIO access and an exit, which only count as events. */
static void make_specs(void)
{
    static const uint64_t alpha_pc[10] = { PC_A, PC_A, PC_A, PC_A, PC_A,
                                           PC_B, PC_B, PC_B, PC_C, PC_D };
    n_specs = 0;
    for (uint32_t i = 0; i < 100; i++)
        add((struct spec){ .kind = PPCRR__EVENT__KIND_HCALL, .icount = i < 99 ? 1000 + 100 * i : 10999,
                           .cpu = i % 2, .pc = alpha_pc[i % 10], .opcode = OP_ALPHA,
                           .ret = i % 10 == 3 ? -2 : 0, .host_ns = (i * 37) % 100 + 1 });
    for (uint32_t j = 0; j < 10; j++)
        add((struct spec){ .kind = PPCRR__EVENT__KIND_HCALL, .icount = 1050 + 200 * j, .pc = PC_E,
                           .opcode = OP_BETA, .ret = 5, .host_ns = 1000 + j });
    add((struct spec){ .kind = PPCRR__EVENT__KIND_HCALL, .icount = 5005, .pc = PC_A,
                       .opcode = OP_UNNAMED, .host_ns = 7 });
    static const uint64_t rtas_at[3] = { 2001, 2501, 3501 };
    for (int k = 0; k < 3; k++)
        add((struct spec){ .kind = PPCRR__EVENT__KIND_RTAS, .icount = rtas_at[k],
                           .pc = k < 2 ? PC_F : PC_G, .name = STR_TIME, .token = 0x2001 });
    add((struct spec){ .kind = PPCRR__EVENT__KIND_RTAS, .icount = 4001, .pc = PC_F,
                       .name = STR_INDICATOR, .token = 0x2002 });
    add((struct spec){ .kind = PPCRR__EVENT__KIND_MMIO, .icount = 6001, .pc = PC(0x7000) });
    add((struct spec){ .kind = PPCRR__EVENT__KIND_EXIT, .icount = 11000, .pc = PC(0x7100) });
    qsort(specs, n_specs, sizeof specs[0], spec_compare);   /* no two share an icount */
}

static void append_spec(struct trace_writer *w, const struct spec *s)
{
    Ppcrr__Event e = PPCRR__EVENT__INIT;
    Ppcrr__Hcall h = PPCRR__HCALL__INIT;
    Ppcrr__Rtas rt = PPCRR__RTAS__INIT;
    Ppcrr__Mmio m = PPCRR__MMIO__INIT;
    Ppcrr__Exit x = PPCRR__EXIT__INIT;
    struct trace_error err = { "" };
    e.cpu = s->cpu;
    e.pc = s->pc;
    e.kind_case = s->kind;
    h.opcode = s->opcode;
    h.ret = s->ret;
    h.host_ns = s->host_ns;
    rt.token_name = s->name;
    rt.token = s->token;
    m.region = STR_UART;
    m.size = 1;
    e.hcall = &h;                /* the oneof shares one pointer slot */
    if (s->kind == PPCRR__EVENT__KIND_RTAS)
        e.rtas = &rt;
    else if (s->kind == PPCRR__EVENT__KIND_MMIO)
        e.mmio = &m;
    else if (s->kind == PPCRR__EVENT__KIND_EXIT)
        e.exit = &x;
    if (trace_writer_append(w, s->icount, &e, &err) < 0)
        tap_bail("append: %s", err.msg);
}

/* The header names H_ALPHA and H_BETA -- names no PAPR table has, so a
 * report showing them took them from the trace -- and two return codes. */
static void write_known_trace(const char *path)
{
    struct trace_error err = { "" };
    struct trace_writer_options o = { .chunk_bytes = 256 };    /* several chunks */
    struct trace_writer *w = trace_writer_create(path, &o, &err);
    if (!w)
        tap_bail("%s", err.msg);
    trace_writer_intern(w, "uart");
    trace_writer_intern(w, "get-time-of-day");
    trace_writer_intern(w, "set-indicator");
    Ppcrr__HcallInfo alpha = PPCRR__HCALL_INFO__INIT, beta = PPCRR__HCALL_INFO__INIT;
    alpha.opcode = OP_ALPHA;
    alpha.name = (char *)"H_ALPHA";
    beta.opcode = OP_BETA;
    beta.name = (char *)"H_BETA";
    Ppcrr__HcallInfo *infos[] = { &beta, &alpha };
    Ppcrr__NamedValue ok = PPCRR__NAMED_VALUE__INIT, busy = PPCRR__NAMED_VALUE__INIT;
    ok.name = (char *)"H_SUCCESS";
    busy.value = -2;
    busy.name = (char *)"H_BUSY_TEST";
    Ppcrr__NamedValue *rets[] = { &ok, &busy };
    Ppcrr__Header h = PPCRR__HEADER__INIT;
    h.vcpus = 2;
    h.n_hcall_info = 2;
    h.hcall_info = infos;
    h.n_hcall_return = 2;
    h.hcall_return = rets;
    if (trace_writer_start(w, &h, &err) < 0)
        tap_bail("%s", err.msg);
    for (size_t i = 0; i < n_specs; i++)
        append_spec(w, &specs[i]);
    if (trace_writer_close(w, &err) < 0)
        tap_bail("%s", err.msg);
}

/* ---- running the tool ---- */

struct run {
    int rc;
    char *out, *err;
};

static struct run run_stats(const char *path, bool json, const char *symbols, uint32_t top)
{
    struct run r = { 0 };
    size_t lo, le;
    FILE *out = open_memstream(&r.out, &lo), *err = open_memstream(&r.err, &le);
    if (!out || !err)
        tap_bail("open_memstream");
    struct trace_stats_options opt = { .json = json, .symbols = symbols, .top = top };
    r.rc = trace_tool_stats(path, &opt, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

/* The fields after PREFIX on the table row of TEXT that starts with it
 * (PREFIX then a blank, at the start of a line), joined by one blank. */
static char *row_after(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, prefix, n) != 0 || line[n] != ' ')
            continue;
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *row = calloc(len + 1, 1), *q = row;
        for (const char *p = line + n; p < line + len; p++)
            if (*p != ' ' || (q > row && q[-1] != ' '))
                *q++ = *p;
        while (q > row && q[-1] == ' ')
            *--q = 0;
        return row;
    }
    return NULL;
}

/* ---- expectations, worked out independently of trace_stats.c ---- */

/* Nearest rank by counting: the smallest sample with at least P% of all
 * samples at or below it. */
static uint64_t count_percentile(const uint64_t *v, size_t n, unsigned p)
{
    uint64_t best = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t le = 0;
        for (size_t j = 0; j < n; j++)
            le += v[j] <= v[i];
        if (le * 100 >= (size_t)p * n && v[i] < best)
            best = v[i];
    }
    return best;
}

struct expect {
    uint64_t count, gap_min, p50, p99, max, host;
    double gap_mean, ns_mean;
};

/* What the report should say about the calls matching KIND and KEY (an
 * opcode, or an RTAS name index). */
static struct expect expect_for(Ppcrr__Event__KindCase kind, uint32_t key)
{
    struct expect x = { .gap_min = UINT64_MAX };
    uint64_t ns[256], gaps = 0, prev = 0;
    for (size_t i = 0; i < n_specs; i++) {
        const struct spec *s = &specs[i];
        if (s->kind != kind || (kind == PPCRR__EVENT__KIND_HCALL ? s->opcode : s->name) != key)
            continue;
        if (x.count) {
            gaps += s->icount - prev;
            if (s->icount - prev < x.gap_min)
                x.gap_min = s->icount - prev;
        }
        prev = s->icount;
        ns[x.count++] = s->host_ns;
        x.host += s->host_ns;
        if (s->host_ns > x.max)
            x.max = s->host_ns;
    }
    x.gap_mean = x.count > 1 ? (double)gaps / (double)(x.count - 1) : 0;
    x.ns_mean = (double)x.host / (double)x.count;
    x.p50 = count_percentile(ns, x.count, 50);
    x.p99 = count_percentile(ns, x.count, 99);
    return x;
}

static uint64_t total_of(Ppcrr__Event__KindCase kind, uint64_t *host)
{
    uint64_t n = 0;
    *host = 0;
    for (size_t i = 0; i < n_specs; i++)
        if (specs[i].kind == kind) {
            n++;
            *host += specs[i].host_ns;
        }
    return n;
}

static void check_hcall_row(const char *text, const char *label, uint32_t opcode)
{
    uint64_t host_all, all = total_of(PPCRR__EVENT__KIND_HCALL, &host_all);
    struct expect x = expect_for(PPCRR__EVENT__KIND_HCALL, opcode);
    char want[256], gaps[64] = "- -";
    if (x.count > 1)
        snprintf(gaps, sizeof gaps, "%.1f %" PRIu64, x.gap_mean, x.gap_min);
    snprintf(want, sizeof want, "%" PRIu64 " %.1f%% %s %.1f %" PRIu64 " %" PRIu64 " %" PRIu64 " %.1f%%",
             x.count, 100.0 * (double)x.count / (double)all, gaps, x.ns_mean, x.p50, x.p99, x.max,
             100.0 * (double)x.host / (double)host_all);
    char *row = row_after(text, label);
    is_str(row, want, "the %s row: count, share, gaps, host ns mean/p50/p99/max, time share", label);
    free(row);
}

/* Index of NEEDLE in TEXT, or -1. */
static long where(const char *text, const char *needle)
{
    const char *p = text ? strstr(text, needle) : NULL;
    return p ? (long)(p - text) : -1;
}

/* The part of TEXT from the line starting with HEAD to the next blank line. */
static char *block(const char *text, const char *head)
{
    const char *p = strstr(text, head);
    if (!p)
        return strdup("");
    const char *end = strstr(p, "\n\n");
    return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

static void test_text_report(const char *path)
{
    struct run r = run_stats(path, false, NULL, 5);
    is_i64(r.rc, 0, "stats of a whole trace exits 0");
    is_str(r.err, "", "and says nothing on stderr");
    has_substr(r.out, "events:       117, icount 1000 .. 11000 (span 10000)\n", "summary: events and icount span");
    has_substr(r.out, "vCPUs:        2 with events (2 in the header)\n", "summary: vCPUs");
    /* 111 hcalls from icount 1000 to 10999: 9999 / 110 */
    has_substr(r.out, "hcalls:       111, one every 90.9 guest instructions\n", "summary: hcalls and mean gap");
    has_substr(r.out, "RTAS calls:   4\n", "summary: RTAS calls");
    has_substr(r.out, "host time:    15102 ns in hcalls\n", "summary: host time");

    check_hcall_row(r.out, "H_ALPHA", OP_ALPHA);
    check_hcall_row(r.out, "H_BETA", OP_BETA);
    check_hcall_row(r.out, "hcall 0x1234", OP_UNNAMED);
    /* The same three rows written out by hand, in case the helpers above
     * share a mistake with the code under test. */
    char *row = row_after(r.out, "H_ALPHA");
    is_str(row, "100 90.1% 101.0 100 50.5 50 99 100 33.4%", "H_ALPHA by hand: p50 50, p99 99 of 1..100");
    free(row);
    row = row_after(r.out, "H_BETA");
    is_str(row, "10 9.0% 200.0 200 1004.5 1004 1009 1009 66.5%", "H_BETA by hand");
    free(row);
    row = row_after(r.out, "hcall 0x1234");
    is_str(row, "1 0.9% - - 7.0 7 7 7 0.0%", "an undescribed opcode shows as hex, gaps as dashes");
    free(row);
    ok(where(r.out, "\nH_ALPHA ") < where(r.out, "\nH_BETA ") &&
       where(r.out, "\nH_BETA ") < where(r.out, "\nhcall 0x1234 "), "hcall rows sorted by count");

    char *alpha = block(r.out, "H_ALPHA: ");
    has_substr(alpha, "H_ALPHA: 100 calls; returns H_SUCCESS 90 (90.0%), H_BUSY_TEST 10 (10.0%)\n",
               "H_ALPHA's return codes, named from the header");
    long a = where(alpha, "50  50.0%  0xc000000000001000"), b = where(alpha, "30  30.0%  0xc000000000002000");
    long d = where(alpha, "10  10.0%  0xc000000000000f00"), c = where(alpha, "10  10.0%  0xc000000000003000");
    ok(a >= 0 && b > a && d > b && c > d, "H_ALPHA's sites by count, a tie by PC (%ld %ld %ld %ld)", a, b, d, c);
    free(alpha);
    char *beta = block(r.out, "H_BETA: ");
    has_substr(beta, "H_BETA: 10 calls; returns 5 10 (100.0%)\n", "an unnamed return code shows as a number");
    free(beta);

    char *hot = block(r.out, "Hottest hcall sites");
    has_substr(hot, "Hottest hcall sites (5 of 5):", "hot sites: all 5 distinct PCs");
    has_substr(hot, "51  45.9%  0xc000000000001000  H_ALPHA, hcall 0x1234\n",
               "the hottest site counts every hcall made there and names them");
    long hb = where(hot, "0xc000000000002000"), hd = where(hot, "0xc000000000000f00");
    long hc = where(hot, "0xc000000000003000"), he = where(hot, "0xc000000000005000");
    ok(where(hot, "0xc000000000001000") < hb && hb < hd && hd < hc && hc < he,
       "hot sites by count then PC");
    free(hot);

    char *rtas = block(r.out, "RTAS call ");
    row = row_after(rtas, "get-time-of-day");
    is_str(row, "0x2001 3 75.0% 750.0 500", "RTAS row: token, count, share of RTAS calls, gaps");
    free(row);
    row = row_after(rtas, "set-indicator");
    is_str(row, "0x2002 1 25.0% - -", "a single RTAS call has no gap");
    free(row);
    free(rtas);
    char *tod = block(r.out, "get-time-of-day: ");
    ok(where(tod, "2  66.7%  0xc000000000006000") > 0 && where(tod, "1  33.3%  0xc000000000006100") >
       where(tod, "0xc000000000006000"), "RTAS call sites");
    free(tod);
    run_free(&r);

    r = run_stats(path, false, NULL, 3);
    ok(where(r.out, "0xc000000000003000") < 0, "--top 3 leaves out the 4th site everywhere");
    has_substr(r.out, "Hottest hcall sites (3 of 5):", "and lists 3 hot sites");
    run_free(&r);
    r = run_stats(path, false, NULL, 0);
    ok(where(r.out, "0xc0") < 0 && where(r.out, "Hottest") < 0, "--top 0 lists no sites");
    has_substr(r.out, "H_ALPHA: 100 calls; returns", "but still the return codes");
    run_free(&r);
}

/* ---- a JSON well-formedness check (RFC 8259 grammar, no semantics) ---- */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

static const char *json_string_end(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (; *p != '"'; p++) {
        if ((unsigned char)*p < 0x20)
            return NULL;               /* also the end of the text */
        if (*p != '\\')
            continue;
        p++;
        if (*p == 'u') {
            for (int i = 1; i <= 4; i++)
                if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                    return NULL;
            p += 4;
        } else if (!*p || !strchr("\"\\/bfnrt", *p)) {
            return NULL;
        }
    }
    return p + 1;
}

static const char *json_digits(const char *p)
{
    if (*p < '0' || *p > '9')
        return NULL;
    while (*p >= '0' && *p <= '9')
        p++;
    return p;
}

static const char *json_number_end(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (!(p = json_digits(p)))
        return NULL;
    if (*p == '.' && !(p = json_digits(p + 1)))
        return NULL;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        p = json_digits(p);
    }
    return p;
}

/* Members of an object (CLOSE '}') or elements of an array (']'). */
static const char *json_items(const char *p, char close, int depth)
{
    p = json_ws(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (close == '}') {
            if (!(p = json_string_end(json_ws(p))) || *(p = json_ws(p)) != ':')
                return NULL;
            p++;
        }
        if (!(p = json_value(p, depth + 1)))
            return NULL;
        p = json_ws(p);
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *p, int depth)
{
    p = json_ws(p);
    if (depth > 64)
        return NULL;
    if (*p == '{' || *p == '[')
        return json_items(p, *p == '{' ? '}' : ']', depth);
    if (*p == '"')
        return json_string_end(p);
    static const char *const words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++)
        if (strncmp(p, words[i], strlen(words[i])) == 0)
            return p + strlen(words[i]);
    return json_number_end(p);
}

static bool json_valid(const char *text)
{
    const char *end = text ? json_value(text, 0) : NULL;
    return end && *json_ws(end) == 0;
}

static void test_json_checker(void)
{
    ok(json_valid("{\"a\":[1,-2.5e3,true,null,\"x\\u00e9\\n\"],\"b\":{}}"), "json checker accepts JSON");
    ok(!json_valid("{\"a\":1,}") && !json_valid("{\"a\" 1}") && !json_valid("[01]") &&
       !json_valid("\"a\nb\"") && !json_valid("{} x") && !json_valid("[1"),
       "and refuses broken JSON, so it can tell");
}

static void test_json_report(const char *path)
{
    struct run r = run_stats(path, true, NULL, 5);
    is_i64(r.rc, 0, "--json exits 0");
    ok(json_valid(r.out), "--json output is one valid JSON value");
    ok(r.out && r.out[0] == '{', "an object");
    has_substr(r.out, "\"events\": 117,", "json: events");
    has_substr(r.out, "\"icount_span\": 10000,", "json: icount span");
    has_substr(r.out, "\"vcpus_with_events\": 2,", "json: vCPUs");
    has_substr(r.out, "\"hcalls\": 111,", "json: total hcalls");
    has_substr(r.out, "\"hcall_mean_gap\": 90.900,", "json: mean gap between hcalls");
    has_substr(r.out, "\"rtas_calls\": 4,", "json: RTAS calls");
    has_substr(r.out, "\"warning\": null,", "json: no warning");
    has_substr(r.out, "{\"opcode\":16,\"opcode_hex\":\"0x10\",\"name\":\"H_ALPHA\",\"count\":100,"
                      "\"percent\":90.090,\"mean_gap\":101.000,\"min_gap\":100,"
                      "\"host_ns\":{\"total\":5050,\"mean\":50.500,\"p50\":50,\"p99\":99,\"max\":100,"
                      "\"percent\":33.439}",
               "json: H_ALPHA's numbers");
    has_substr(r.out, "\"returns\":[{\"value\":0,\"name\":\"H_SUCCESS\",\"count\":90,\"percent\":90.000},"
                      "{\"value\":-2,\"name\":\"H_BUSY_TEST\",\"count\":10,\"percent\":10.000}]",
               "json: H_ALPHA's return codes");
    has_substr(r.out, "\"sites\":[{\"pc\":\"0xc000000000001000\",\"count\":50,\"percent\":50.000},"
                      "{\"pc\":\"0xc000000000002000\",\"count\":30,\"percent\":30.000},"
                      "{\"pc\":\"0xc000000000000f00\",\"count\":10,\"percent\":10.000},"
                      "{\"pc\":\"0xc000000000003000\",\"count\":10,\"percent\":10.000}]",
               "json: H_ALPHA's sites in order");
    has_substr(r.out, "{\"opcode\":4660,\"opcode_hex\":\"0x1234\",\"name\":null,\"count\":1,"
                      "\"percent\":0.901,\"mean_gap\":null,\"min_gap\":null",
               "json: an undescribed opcode has a null name and null gaps");
    has_substr(r.out, "{\"value\":5,\"name\":null,\"count\":10,", "json: an unnamed return code");
    has_substr(r.out, "{\"pc\":\"0xc000000000001000\",\"count\":51,\"percent\":45.946,\"hcalls\":"
                      "[{\"opcode\":16,\"name\":\"H_ALPHA\",\"count\":50},{\"opcode\":4660,\"name\":null,\"count\":1}]}",
               "json: the hottest site and its hcalls");
    has_substr(r.out, "{\"name\":\"get-time-of-day\",\"token\":8193,\"count\":3,\"percent\":75.000,"
                      "\"mean_gap\":750.000,\"min_gap\":500,\"sites\":[{\"pc\":\"0xc000000000006000\",\"count\":2,",
               "json: RTAS get-time-of-day");
    ok(where(r.out, "\"name\":\"H_ALPHA\"") < where(r.out, "\"name\":\"H_BETA\""), "json: hcalls by count");
    run_free(&r);
}

static void test_percentile(void)
{
    uint64_t v[100];
    for (int i = 0; i < 100; i++)
        v[i] = (uint64_t)i + 1;
    is_u64(trace_stats_percentile(v, 100, 50), 50, "p50 of 1..100 is 50");
    is_u64(trace_stats_percentile(v, 100, 99), 99, "p99 of 1..100 is 99");
    is_u64(trace_stats_percentile(v, 100, 100), 100, "p100 is the max");
    is_u64(trace_stats_percentile(v, 100, 0), 1, "p0 is the min");
    static const uint64_t three[] = { 10, 20, 30 };
    is_u64(trace_stats_percentile(three, 3, 50), 20, "p50 of 3 values is the 2nd (rank ceil(1.5))");
    is_u64(trace_stats_percentile(three, 3, 99), 30, "p99 of 3 values is the 3rd");
    is_u64(trace_stats_percentile(three, 3, 33), 10, "p33 of 3 values is the 1st");
    is_u64(trace_stats_percentile(three, 1, 99), 10, "one value is every percentile");
    is_u64(trace_stats_percentile(three, 0, 50), 0, "no values: 0");
}

/* ---- tiny ELF files ---- */

struct elf_sym_spec {
    const char *name;
    uint8_t info;
    uint16_t shndx;
    uint64_t value, size;
};

#define SYM(bind, type) ELF64_ST_INFO(STB_##bind, STT_##type)

/* .text (section 1) spans PC(0x1000)..PC(0x4000). */
static const struct elf_sym_spec tiny_syms[] = {
    { "", 0, SHN_UNDEF, 0, 0 },
    { "file.c", SYM(LOCAL, FILE), SHN_ABS, 0, 0 },
    { "alias_local", SYM(LOCAL, NOTYPE), 1, PC(0x1000), 0 },   /* loses to alpha_fn */
    { "alpha_fn", SYM(GLOBAL, FUNC), 1, PC(0x1000), 0x100 },
    { "data_obj", SYM(GLOBAL, OBJECT), 1, PC(0x1040), 8 },     /* inside alpha_fn */
    { "beta_fn", SYM(GLOBAL, FUNC), 1, PC(0x2000), 0 },        /* runs to gamma */
    { "gamma", SYM(GLOBAL, NOTYPE), 1, PC(0x2800), 0 },        /* runs to the end of .text */
    { "undef_fn", SYM(GLOBAL, FUNC), SHN_UNDEF, 0, 0 },
    { "abs_sym", SYM(GLOBAL, NOTYPE), SHN_ABS, PC(0x1800), 0 },
    { "zero_fn", SYM(GLOBAL, FUNC), 1, 0, 0x10 },              /* a guest linked at 0 */
    { "zero_label", SYM(GLOBAL, NOTYPE), 1, 0, 0 },            /* a marker: dropped */
};
#define TINY_NSYM (sizeof tiny_syms / sizeof tiny_syms[0])
#define TINY_KEPT 5         /* alpha_fn, data_obj, beta_fn, gamma, zero_fn */

struct tiny_elf {
    uint8_t *data;
    size_t size;
    bool big;
    size_t strtab_off, strtab_size, symtab_off, shoff;
};

static void put(struct tiny_elf *t, size_t off, uint64_t v, int width)
{
    for (int i = 0; i < width; i++)
        t->data[off + (size_t)(t->big ? width - 1 - i : i)] = (uint8_t)(v >> (8 * i));
}

#define PUT(t, base, type, member, v) \
    put((t), (base) + offsetof(type, member), (v), (int)sizeof(((type *)0)->member))

static void tiny_section(struct tiny_elf *t, int i, uint32_t type, uint64_t flags, uint64_t addr,
                         uint64_t off, uint64_t size, uint32_t link, uint64_t entsize)
{
    size_t at = t->shoff + (size_t)i * sizeof(Elf64_Shdr);
    PUT(t, at, Elf64_Shdr, sh_type, type);
    PUT(t, at, Elf64_Shdr, sh_flags, flags);
    PUT(t, at, Elf64_Shdr, sh_addr, addr);
    PUT(t, at, Elf64_Shdr, sh_offset, off);
    PUT(t, at, Elf64_Shdr, sh_size, size);
    PUT(t, at, Elf64_Shdr, sh_link, link);
    PUT(t, at, Elf64_Shdr, sh_entsize, entsize);
}

/* Header, string table, symbol table, then 4 section headers: null,
 * .text (no file bytes), .symtab, .strtab. */
static struct tiny_elf tiny_elf_build(bool big)
{
    struct tiny_elf t = { .big = big, .strtab_off = sizeof(Elf64_Ehdr) };
    char strtab[256] = "";
    uint32_t name_at[TINY_NSYM];
    size_t ss = 1;
    for (size_t i = 0; i < TINY_NSYM; i++) {
        size_t len = strlen(tiny_syms[i].name);
        name_at[i] = len ? (uint32_t)ss : 0;
        memcpy(strtab + ss, tiny_syms[i].name, len + 1);
        ss += len ? len + 1 : 0;
    }
    t.strtab_size = ss;
    t.symtab_off = (t.strtab_off + ss + 7) & ~(size_t)7;
    t.shoff = t.symtab_off + TINY_NSYM * sizeof(Elf64_Sym);
    t.size = t.shoff + 4 * sizeof(Elf64_Shdr);
    t.data = calloc(1, t.size);
    memcpy(t.data, ELFMAG, SELFMAG);
    t.data[EI_CLASS] = ELFCLASS64;
    t.data[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
    t.data[EI_VERSION] = EV_CURRENT;
    PUT(&t, 0, Elf64_Ehdr, e_type, ET_EXEC);
    PUT(&t, 0, Elf64_Ehdr, e_machine, EM_PPC64);
    PUT(&t, 0, Elf64_Ehdr, e_version, EV_CURRENT);
    PUT(&t, 0, Elf64_Ehdr, e_shoff, t.shoff);
    PUT(&t, 0, Elf64_Ehdr, e_flags, 2);                 /* ELFv2 */
    PUT(&t, 0, Elf64_Ehdr, e_ehsize, sizeof(Elf64_Ehdr));
    PUT(&t, 0, Elf64_Ehdr, e_shentsize, sizeof(Elf64_Shdr));
    PUT(&t, 0, Elf64_Ehdr, e_shnum, 4);
    memcpy(t.data + t.strtab_off, strtab, ss);
    for (size_t i = 0; i < TINY_NSYM; i++) {
        size_t at = t.symtab_off + i * sizeof(Elf64_Sym);
        PUT(&t, at, Elf64_Sym, st_name, name_at[i]);
        PUT(&t, at, Elf64_Sym, st_info, tiny_syms[i].info);
        PUT(&t, at, Elf64_Sym, st_shndx, tiny_syms[i].shndx);
        PUT(&t, at, Elf64_Sym, st_value, tiny_syms[i].value);
        PUT(&t, at, Elf64_Sym, st_size, tiny_syms[i].size);
    }
    tiny_section(&t, 1, SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR, PC(0x1000), t.strtab_off, 0x3000, 0, 0);
    tiny_section(&t, 2, SHT_SYMTAB, 0, 0, t.symtab_off, TINY_NSYM * sizeof(Elf64_Sym), 3,
                 sizeof(Elf64_Sym));
    tiny_section(&t, 3, SHT_STRTAB, 0, 0, t.strtab_off, ss, 0, 0);
    return t;
}

/* Loads the first LEN bytes of T from an exact-size copy, so that ASan
 * sees any read past them. */
static struct trace_symbols *load_copy(const struct tiny_elf *t, size_t len, struct trace_error *err)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, t->data, len);
    struct trace_symbols *s = trace_symbols_load_mem(copy, len, "tiny.elf", err);
    free(copy);
    return s;
}

static void check_lookups(const struct trace_symbols *s, const char *what)
{
    static const struct {
        uint64_t addr;
        const char *want;
    } cases[] = {
        { PC(0x1000), "alpha_fn+0x0" },  { PC(0x10fc), "alpha_fn+0xfc" },
        { PC(0x1044), "data_obj+0x4" },  { PC(0x1048), "alpha_fn+0x48" },
        { PC(0x1100), "(none)" },        { PC(0x1800), "(none)" },
        { PC(0x2010), "beta_fn+0x10" },  { PC(0x27fc), "beta_fn+0x7fc" },
        { PC(0x2800), "gamma+0x0" },     { PC(0x3ffc), "gamma+0x17fc" },
        { PC(0x4000), "(none)" },        { PC(0x0fff), "(none)" },
        { 0, "zero_fn+0x0" },            { 0xc, "zero_fn+0xc" },
        { 0x10, "(none)" },              { UINT64_MAX, "(none)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *name;
        uint64_t off;
        char got[128] = "(none)";
        if (trace_symbols_lookup(s, cases[i].addr, &name, &off))
            snprintf(got, sizeof got, "%s+0x%" PRIx64, name, off);
        is_str(got, cases[i].want, "%s: 0x%" PRIx64, what, cases[i].addr);
    }
}

static void test_symbols_lookup(bool big)
{
    const char *what = big ? "big-endian ELF" : "little-endian ELF";
    struct tiny_elf t = tiny_elf_build(big);
    struct trace_error err = { "" };
    struct trace_symbols *s = load_copy(&t, t.size, &err);
    if (!ok(s != NULL, "%s loads", what)) {
        tap_diag("%s", err.msg);
        free(t.data);
        return;
    }
    is_u64(trace_symbols_count(s), TINY_KEPT, "%s: undefined, absolute and file symbols are dropped, aliases merged", what);
    check_lookups(s, what);
    trace_symbols_free(s);

    PUT(&t, t.shoff + 2 * sizeof(Elf64_Shdr), Elf64_Shdr, sh_type, SHT_DYNSYM);
    s = load_copy(&t, t.size, &err);
    ok(s && trace_symbols_count(s) == TINY_KEPT, "%s: .dynsym is read when there is no .symtab", what);
    trace_symbols_free(s);
    free(t.data);
}

enum elf_part { AT_IDENT, AT_EHDR, AT_SYMTAB_SH, AT_STRTAB_SH, AT_SYM3, AT_STRTAB_LAST };

/* One field overwritten, and what the error must say. */
static const struct breakage {
    const char *what;
    enum elf_part at;
    size_t field;
    int width;
    uint64_t value;
    const char *msg;
} breakages[] = {
    { "bad magic", AT_IDENT, 0, 1, 0x7e, "not an ELF file" },
    { "a 32-bit ELF", AT_IDENT, EI_CLASS, 1, ELFCLASS32, "ELFCLASS32" },
    { "an unknown class", AT_IDENT, EI_CLASS, 1, 7, "unknown ELF class 7" },
    { "an unknown byte order", AT_IDENT, EI_DATA, 1, 9, "unknown ELF byte order 9" },
    { "section headers past the end", AT_EHDR, offsetof(Elf64_Ehdr, e_shoff), 8,
      0xffffffffffffff00ull, "section header table at byte" },
    { "no section headers", AT_EHDR, offsetof(Elf64_Ehdr, e_shoff), 8, 0, "no section headers" },
    { "more section headers than fit", AT_EHDR, offsetof(Elf64_Ehdr, e_shnum), 2, 500, "do not fit" },
    { "short section header entries", AT_EHDR, offsetof(Elf64_Ehdr, e_shentsize), 2, 32, "smaller than" },
    { "no symbol table", AT_SYMTAB_SH, offsetof(Elf64_Shdr, sh_type), 4, SHT_PROGBITS, "no symbol table" },
    { "a symbol table past the end", AT_SYMTAB_SH, offsetof(Elf64_Shdr, sh_offset), 8, 1u << 20,
      "not inside the file" },
    { "a symbol table size that overflows", AT_SYMTAB_SH, offsetof(Elf64_Shdr, sh_size), 8,
      0xfffffffffffffff0ull, "not inside the file" },
    { "a symbol table of 25 bytes", AT_SYMTAB_SH, offsetof(Elf64_Shdr, sh_size), 8, 25,
      "ELF64 symbols are 24 bytes" },
    { "16-byte symbols", AT_SYMTAB_SH, offsetof(Elf64_Shdr, sh_entsize), 8, 16,
      "ELF64 symbols are 24 bytes" },
    { "a string table link out of range", AT_SYMTAB_SH, offsetof(Elf64_Shdr, sh_link), 4, 99,
      "is not a string table" },
    { "a string table link to .text", AT_SYMTAB_SH, offsetof(Elf64_Shdr, sh_link), 4, 1,
      "is not a string table" },
    { "a string table past the end", AT_STRTAB_SH, offsetof(Elf64_Shdr, sh_offset), 8,
      0x7fffffffffffffffull, "not inside the file" },
    { "a string table size of 2^64-1", AT_STRTAB_SH, offsetof(Elf64_Shdr, sh_size), 8, UINT64_MAX,
      "not inside the file" },
    { "a name index past the string table", AT_SYM3, offsetof(Elf64_Sym, st_name), 4, 0x7fffffff,
      "symbol 3: name at offset 2147483647 is past the end of its string table" },
    { "an unterminated last name", AT_STRTAB_LAST, 0, 1, 'x', "runs off the end of its string table" },
};

static size_t part_offset(const struct tiny_elf *t, enum elf_part at)
{
    static const size_t shdr = sizeof(Elf64_Shdr);
    switch (at) {
    case AT_SYMTAB_SH: return t->shoff + 2 * shdr;
    case AT_STRTAB_SH: return t->shoff + 3 * shdr;
    case AT_SYM3: return t->symtab_off + 3 * sizeof(Elf64_Sym);
    case AT_STRTAB_LAST: return t->strtab_off + t->strtab_size - 1;
    default: return 0;
    }
}

static void test_symbols_malformed(bool big)
{
    const char *what = big ? "big-endian" : "little-endian";
    struct trace_error err;
    for (size_t i = 0; i < sizeof breakages / sizeof breakages[0]; i++) {
        const struct breakage *b = &breakages[i];
        struct tiny_elf t = tiny_elf_build(big);
        put(&t, part_offset(&t, b->at) + b->field, b->value, b->width);
        err.msg[0] = 0;
        struct trace_symbols *s = load_copy(&t, t.size, &err);
        ok(s == NULL, "%s, %s: refused", what, b->what);
        has_substr(err.msg, b->msg, "%s, %s: says why", what, b->what);
        has_substr(err.msg, "tiny.elf: ", "%s, %s: names the file", what, b->what);
        trace_symbols_free(s);
        free(t.data);
    }

    /* A name index equal to the table size is just past its end. */
    struct tiny_elf t = tiny_elf_build(big);
    PUT(&t, part_offset(&t, AT_SYM3), Elf64_Sym, st_name, t.strtab_size);
    ok(load_copy(&t, t.size, &err) == NULL && strstr(err.msg, "past the end of its string table"),
       "%s: a name index equal to the string table's size is refused", what);

    /* Every truncation: the section headers come last, so each one loses
     * something the reader needs. */
    free(t.data);
    t = tiny_elf_build(big);
    size_t refused = 0;
    for (size_t len = 0; len < t.size; len++) {
        err.msg[0] = 0;
        struct trace_symbols *s = load_copy(&t, len, &err);
        refused += s == NULL && err.msg[0] != 0;
        trace_symbols_free(s);
    }
    is_u64(refused, t.size, "%s: each of the %zu truncations is an error with a message", what, t.size);

    /* Random damage to the header, tables and names: any outcome but a
     * crash or a bad read (which ASan would catch) will do. */
    uint64_t rng = big ? 0x1234567 : 0x7654321, loaded = 0;
    for (int round = 0; round < 4000; round++) {
        struct tiny_elf d = tiny_elf_build(big);
        for (int k = 0; k < 1 + round % 3; k++) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            d.data[rng % d.size] ^= (uint8_t)(1u << (rng >> 32) % 8);
        }
        struct trace_symbols *s = load_copy(&d, d.size, &err);
        if (s) {
            loaded++;
            const char *name;
            uint64_t off;
            for (uint64_t a = PC(0xf00); a < PC(0x4100); a += 0x80)
                if (trace_symbols_lookup(s, a, &name, &off) && strlen(name) == 0)
                    loaded += 1000000;         /* nameless symbols are never kept */
        }
        trace_symbols_free(s);
        free(d.data);
    }
    ok(loaded < 4000, "%s: 4000 randomly damaged files give errors or sane symbols", what);
    free(t.data);
}

static void test_symbol_files(void)
{
    struct tiny_elf t = tiny_elf_build(false);
    struct trace_error err = { "" };
    char *elf = strdup(test_path("tiny.elf"));
    test_write_file(elf, t.data, t.size);
    struct trace_symbols *s = trace_symbols_load(elf, &err);
    ok(s && trace_symbols_count(s) == TINY_KEPT, "an ELF file loads from disk");
    trace_symbols_free(s);
    s = trace_symbols_load(test_path("no-such.elf"), &err);
    ok(!s && strstr(err.msg, "no-such.elf: cannot open"), "a missing file: %s", err.msg);
    test_write_file(test_path("empty.elf"), "", 0);
    s = trace_symbols_load(test_path("empty.elf"), &err);
    ok(!s && strstr(err.msg, "empty file"), "an empty file: %s", err.msg);
    s = trace_symbols_load(test_scratch_dir(), &err);
    ok(!s && err.msg[0], "a directory: %s", err.msg);
    free(elf);
    free(t.data);
}

static void test_stats_with_symbols(const char *trace)
{
    struct tiny_elf t = tiny_elf_build(true);
    char *elf = strdup(test_path("sites.elf"));
    test_write_file(elf, t.data, t.size);
    struct run r = run_stats(trace, false, elf, 5);
    is_i64(r.rc, 0, "stats --symbols exits 0");
    char *alpha = block(r.out, "H_ALPHA: ");
    has_substr(alpha, "calls  share  pc                  function\n", "sites get a function column");
    has_substr(alpha, "50  50.0%  0xc000000000001000  alpha_fn+0x0\n", "a site at a function's start");
    has_substr(alpha, "30  30.0%  0xc000000000002000  beta_fn+0x0\n", "a site in a sizeless function");
    has_substr(alpha, "10  10.0%  0xc000000000003000  gamma+0x800", "a site under a label");
    has_substr(alpha, "10  10.0%  0xc000000000000f00  ?\n", "a site outside every symbol");
    free(alpha);
    has_substr(r.out, "51  45.9%  0xc000000000001000  alpha_fn+0x0  H_ALPHA, hcall 0x1234\n",
               "hot sites get the function too");
    run_free(&r);

    r = run_stats(trace, true, elf, 5);
    ok(json_valid(r.out), "--json --symbols is valid JSON");
    has_substr(r.out, "{\"pc\":\"0xc000000000003000\",\"function\":\"gamma+0x800\",\"count\":10,",
               "json sites carry the function");
    has_substr(r.out, "{\"pc\":\"0xc000000000000f00\",\"count\":10,", "and none where there is no symbol");
    run_free(&r);

    t.data[EI_CLASS] = ELFCLASS32;
    test_write_file(elf, t.data, t.size);
    r = run_stats(trace, false, elf, 5);
    is_i64(r.rc, 1, "a bad --symbols file exits 1");
    has_substr(r.err, "ELFCLASS32", "saying why");
    is_str(r.out, "", "without a report");
    run_free(&r);
    free(elf);
    free(t.data);
}

static void test_damaged(const char *trace)
{
    size_t len;
    uint8_t *data = test_read_file(trace, &len);
    if (!data)
        tap_bail("cannot read back %s", trace);
    char *cut = strdup(test_path("cut.trace"));
    test_write_file(cut, data, len * 3 / 4);
    struct run r = run_stats(cut, false, NULL, 5);
    is_i64(r.rc, 0, "a cut trace still exits 0");
    has_substr(r.err, "ppcrr: warning: ", "with the reader's warning");
    has_substr(r.out, "\nhcall ", "and the hcall table over what was readable");
    ok(where(r.out, "hcalls:       ") >= 0 && where(r.out, "hcalls:       111,") < 0,
       "counting fewer hcalls than the whole trace");
    run_free(&r);
    r = run_stats(cut, true, NULL, 5);
    ok(json_valid(r.out) && where(r.out, "\"warning\": \"") >= 0, "--json of a cut trace carries the warning");
    run_free(&r);

    r = run_stats(test_path("missing.trace"), false, NULL, 5);
    ok(r.rc == 1 && strstr(r.err, "cannot open"), "a missing trace exits 1 with a message");
    run_free(&r);
    test_write_file(cut, "not a trace\n", 12);
    r = run_stats(cut, false, NULL, 5);
    ok(r.rc == 1 && strstr(r.err, "not a ppcrr trace"), "a text file exits 1: %s", r.err);
    is_str(r.out, "", "and prints no report");
    run_free(&r);

    FILE *full = fopen("/dev/full", "w");
    if (full) {
        FILE *errf = fopen("/dev/null", "w");
        struct trace_stats_options opt = { .top = 5 };
        is_i64(trace_tool_stats(trace, &opt, full, errf), 1, "a report that cannot be written exits 1");
        fclose(errf);
        fclose(full);
    }
    free(cut);
    free(data);
}

int main(void)
{
    make_specs();
    char *trace = strdup(test_path("known.trace"));
    write_known_trace(trace);
    test_percentile();
    test_text_report(trace);
    test_json_checker();
    test_json_report(trace);
    test_symbols_lookup(false);
    test_symbols_lookup(true);
    test_symbols_malformed(false);
    test_symbols_malformed(true);
    test_symbol_files();
    test_stats_with_symbols(trace);
    test_damaged(trace);
    free(trace);
    test_scratch_cleanup();
    return tap_done();
}
