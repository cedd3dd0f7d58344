/*
 * Harness results (harness/results.c): the exact TAP for a set of awkward
 * cases (quotes, newlines, control bytes, invalid UTF-8, "not ok" lines in
 * output, a long output cut to its tail), the TAP's structure for random
 * bytes, JSON written and read back field for field, JUnit checked by
 * substring and for well-formedness at the byte level, hostile JSON
 * rejected with the right byte offset, random mutations of a valid file
 * (never a crash: run this under ASan), and merging shards with
 * duplicated and missing cases and with inputs that disagree.
 */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "traces/trace_file.h"

#define S(x) ((char *)(x))

static char *tap_of(const struct run_results *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        tap_bail("open_memstream failed");
    results_write_tap(f, r);
    fclose(f);
    return buf;
}

static char *file_text(const char *path)
{
    size_t len;
    uint8_t *data = test_read_file(path, &len);
    if (!data)
        return NULL;
    char *s = realloc(data, len + 1);
    if (!s) {
        free(data);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

/* ---- the awkward set ---- */

static char long_output[1024];

static void fill_long_output(void)
{
    size_t n = 0;
    for (int i = 1; i <= 45; i++)
        n += (size_t)snprintf(long_output + n, sizeof long_output - n, "line %d\n", i);
}

static struct case_result awkward_cases[] = {
    { S("hello"), CASE_PASS, 1.5, 0, 0, NULL, NULL, S("booted\n") },
    { S("we#ird\\na\nme"), CASE_FAIL, 2.25, 3, 0, S("t\"q\".trace"),
      S("expected \"1..3\"\nnot ok 1 - inner\n\n  indented\x01\n...more"),
      S("ok 1 - fake\nnot ok 2 - fake\n\xff\xfe bad\xe2\x80\xa8" "sep\r\na<b>&'c'\n") },
    { S("boom"), CASE_CRASH, 0, -1, 11, NULL, NULL, NULL },
    { S("nokvm"), CASE_SKIP, 0, 0, 0, NULL, S("\n  needs KVM # really\nsecond line"), NULL },
    { S("slow"), CASE_TIMEOUT, 60, -1, 9, NULL, S("timed out after 60 s"), long_output },
    { S("err"), CASE_ERROR, 0.0004, 125, 0, NULL, S(""), S("") },
};

static struct run_results awkward = {
    .matrix = S("tests/matrix/guests.v2.cfg"), .mode = S("check"), .build_id = S("b1"),
    .ppcrr_version = S("0.1.0-7-gabc"), .shard_index = 1, .shard_total = 3,
    .matrix_cases = (char *[]){ S("hello"), S("we#ird\\na\nme"), S("boom"), S("nokvm"), S("slow"), S("err") },
    .n_matrix_cases = 6,
    .cases = awkward_cases,
    .n_cases = 6,
};

static const char awkward_tap[] =
    "TAP version 13\n"
    "1..6\n"
    "ok 1 - hello\n"
    "not ok 2 - we\\x23ird\\na\\x0ame\n"
    "  ---\n"
    "  status: fail\n"
    "  duration: 2.250\n"
    "  exit_code: 3\n"
    "  trace: \"t\\\"q\\\".trace\"\n"
    "  report: |\n"
    "      expected \"1..3\"\n"
    "      not ok 1 - inner\n"
    "        indented\\x01\n"
    "      \\x2e..more\n"
    "  output: |\n"
    "      ok 1 - fake\n"
    "      not ok 2 - fake\n"
    "      \\xff\\xfe bad\\u2028sep\\x0d\n"
    "      a<b>&'c'\n"
    "  ...\n"
    "not ok 3 - boom\n"
    "  ---\n"
    "  status: crash\n"
    "  duration: 0.000\n"
    "  signal: 11\n"
    "  ...\n"
    "ok 4 - nokvm # SKIP needs KVM # really\n"
    "  ---\n"
    "  status: skip\n"
    "  duration: 0.000\n"
    "  exit_code: 0\n"
    "  report: |\n"
    "      \\x20 needs KVM # really\n"
    "      second line\n"
    "  ...\n"
    "not ok 5 - slow\n"
    "  ---\n"
    "  status: timeout\n"
    "  duration: 60.000\n"
    "  signal: 9\n"
    "  report: |\n"
    "      timed out after 60 s\n"
    "  output_lines_omitted: 5\n"
    "  output: |\n"
    "      line 6\n      line 7\n      line 8\n      line 9\n      line 10\n"
    "      line 11\n      line 12\n      line 13\n      line 14\n      line 15\n"
    "      line 16\n      line 17\n      line 18\n      line 19\n      line 20\n"
    "      line 21\n      line 22\n      line 23\n      line 24\n      line 25\n"
    "      line 26\n      line 27\n      line 28\n      line 29\n      line 30\n"
    "      line 31\n      line 32\n      line 33\n      line 34\n      line 35\n"
    "      line 36\n      line 37\n      line 38\n      line 39\n      line 40\n"
    "      line 41\n      line 42\n      line 43\n      line 44\n      line 45\n"
    "  ...\n"
    "not ok 6 - err\n"
    "  ---\n"
    "  status: error\n"
    "  duration: 0.000\n"
    "  exit_code: 125\n"
    "  report: \"\"\n"
    "  output: \"\"\n"
    "  ...\n";

static void test_status_names(void)
{
    static const char *const names[] = { "pass", "fail", "timeout", "crash", "error", "skip" };
    for (int s = CASE_PASS; s <= CASE_SKIP; s++) {
        enum case_status back = CASE_PASS;
        is_str(case_status_name((enum case_status)s), names[s], "status %d is called %s", s, names[s]);
        ok(case_status_parse(names[s], &back) && back == (enum case_status)s, "'%s' parses back", names[s]);
    }
    enum case_status st;
    ok(!case_status_parse("PASS", &st) && !case_status_parse("", &st) && !case_status_parse("passed", &st),
       "status names are exact");
    is_str(case_status_name((enum case_status)42), "unknown", "a status outside the enum");
}

/* A line-by-line diff would be nicer; the first differing byte is enough
 * to find the fault. */
static void test_tap_exact(void)
{
    char *tap = tap_of(&awkward);
    size_t got = strlen(tap), want = strlen(awkward_tap), n = got < want ? got : want;
    is_u64(got, want, "TAP has the expected length");
    is_mem(tap, awkward_tap, n, "TAP is exactly as expected");
    if (strcmp(tap, awkward_tap) != 0)
        printf("# got:\n%s", tap);
    free(tap);

    struct run_results none = { .matrix = S("m.cfg"), .mode = S("run"), .shard_total = 1 };
    tap = tap_of(&none);
    is_str(tap, "TAP version 13\n1..0\n", "no cases: an empty plan");
    free(tap);
}

/* The TAP invariants any input must keep: a version line, a plan, test
 * points numbered 1..N with nothing but indented lines (never empty, never
 * "  ..." inside a block) between them, all valid UTF-8. Returns the
 * number of test points or -1 with a message. */
static int tap_structure(const char *tap, char *why, size_t whylen)
{
    if (!trace_utf8_valid(tap, strlen(tap))) {
        snprintf(why, whylen, "not valid UTF-8");
        return -1;
    }
    int points = 0, line_no = 0;
    bool in_yaml = false;
    for (const char *l = tap; *l;) {
        const char *nl = strchr(l, '\n');
        size_t n = nl ? (size_t)(nl - l) : strlen(l);
        char line[8192];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), l);
        line_no++;
        char want[64];
        snprintf(want, sizeof want, "%d - ", points + 1);
        if (line_no == 1 && strcmp(line, "TAP version 13") != 0) {
            snprintf(why, whylen, "line 1 is '%.200s'", line);
            return -1;
        } else if (line_no == 2 && strncmp(line, "1..", 3) != 0) {
            snprintf(why, whylen, "line 2 is not a plan");
            return -1;
        } else if (line_no > 2 && in_yaml) {
            if (strcmp(line, "  ...") == 0)
                in_yaml = false;
            else if (strncmp(line, "  ", 2) != 0 || strspn(line, " \t") == n ||
                     strncmp(line + strspn(line, " \t"), "...", 3) == 0) {
                snprintf(why, whylen, "line %d in a YAML block: '%.200s'", line_no, line);
                return -1;
            }
        } else if (line_no > 2) {
            const char *rest = strncmp(line, "ok ", 3) == 0 ? line + 3
                             : strncmp(line, "not ok ", 7) == 0 ? line + 7 : NULL;
            if (strcmp(line, "  ---") == 0 && points > 0)
                in_yaml = true;
            else if (!rest || strncmp(rest, want, strlen(want)) != 0) {
                snprintf(why, whylen, "line %d is not test point %d: '%.200s'", line_no, points + 1, line);
                return -1;
            } else
                points++;
        }
        l += n + (nl != NULL);
    }
    if (in_yaml) {
        snprintf(why, whylen, "YAML block not closed");
        return -1;
    }
    return points;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

/* N random bytes, biased towards what breaks formats: newlines, dots,
 * blanks, '#', quotes, UTF-8 lead and continuation bytes. */
static char *random_text(size_t max)
{
    static const char special[] = "\n\n\n...  \t#\\\"'<>&\r\x01\x7f\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80\xff\x85";
    size_t n = rng() % (max + 1);
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = rng() % 4;
        char c = k == 0 ? (char)(rng() % 255 + 1) : k == 1 ? special[rng() % (sizeof special - 1)]
                                                            : (char)(' ' + rng() % 95);
        s[i] = c;
    }
    s[n] = '\0';
    return s;
}

static void test_tap_random(void)
{
    enum { CASES = 300 };
    struct case_result *cases = calloc(CASES, sizeof *cases);
    for (size_t i = 0; i < CASES; i++)
        cases[i] = (struct case_result){ random_text(12), (enum case_status)(rng() % 6), rng() % 1000 / 7.0,
                                         (int)(rng() % 256), (int)(rng() % 3), random_text(20), random_text(300),
                                         random_text(600) };
    struct run_results r = { .matrix = S("m.cfg"), .mode = S("check"), .shard_total = 1, .cases = cases,
                             .n_cases = CASES };
    char *tap = tap_of(&r), why[512] = "";
    int points = tap_structure(tap, why, sizeof why);
    if (points < 0)
        tap_diag("%s", why);
    is_i64(points, CASES, "TAP of %d random cases keeps its structure", CASES);
    free(tap);
    r.cases = NULL;
    r.n_cases = 0;
    for (size_t i = 0; i < CASES; i++) {
        free(cases[i].name);
        free(cases[i].trace);
        free(cases[i].report);
        free(cases[i].output);
    }
    free(cases);
}

/* ---- JSON ---- */

static bool same_str(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Every field of A and B; says which differs. */
static bool same_results(const struct run_results *a, const struct run_results *b, const char *what)
{
    bool ok = same_str(a->matrix, b->matrix) && same_str(a->mode, b->mode) && same_str(a->build_id, b->build_id) &&
              same_str(a->ppcrr_version, b->ppcrr_version) && a->shard_index == b->shard_index &&
              a->shard_total == b->shard_total && a->n_matrix_cases == b->n_matrix_cases && a->n_cases == b->n_cases;
    if (!ok) {
        tap_diag("%s: header differs", what);
        return false;
    }
    for (size_t i = 0; i < a->n_matrix_cases; i++)
        if (!same_str(a->matrix_cases[i], b->matrix_cases[i])) {
            tap_diag("%s: matrix case %zu differs", what, i);
            return false;
        }
    for (size_t i = 0; i < a->n_cases; i++) {
        const struct case_result *x = &a->cases[i], *y = &b->cases[i];
        if (!same_str(x->name, y->name) || x->status != y->status || x->duration != y->duration ||
            x->exit_code != y->exit_code || x->signal != y->signal || !same_str(x->trace, y->trace) ||
            !same_str(x->report, y->report) || !same_str(x->output, y->output)) {
            tap_diag("%s: case %zu (%s) differs", what, i, x->name);
            return false;
        }
    }
    return true;
}

static struct case_result utf8_cases[] = {
    { S("quote\"back\\slash"), CASE_PASS, 0.1, 0, 0, S("golden/a b.trace"), NULL, S("") },
    { S("caf\xc3\xa9-\xf0\x9f\x98\x80"), CASE_FAIL, 1e-9, 1, 0, NULL,
      S("line\nnext\ttab\x01\x1f\x7f \xe2\x80\xa8 end\n"), S("not ok 1 - fake\n  ---\n  ...\nok 2\n") },
    { S("sig"), CASE_CRASH, 12345.678, -1, 9, NULL, S("{\"json\": [1, 2]}"), NULL },
    { S("skip"), CASE_SKIP, 0, 0, 0, S(""), S("no kvm"), NULL },
    { S("t/o"), CASE_TIMEOUT, 120.000001, -2147483647 - 1, 2147483647, NULL, NULL, S("x") },
    { S("e"), CASE_ERROR, 3, 127, 0, NULL, NULL, NULL },
};

static struct run_results utf8_results = {
    .matrix = S("tests/matrix/guests.cfg"), .mode = S("record"), .build_id = NULL, .ppcrr_version = S("v\"1\""),
    .shard_index = 2, .shard_total = 5,
    .matrix_cases = (char *[]){ S("quote\"back\\slash"), S("caf\xc3\xa9-\xf0\x9f\x98\x80"), S("sig"), S("skip"),
                                S("t/o"), S("e"), S("elsewhere") },
    .n_matrix_cases = 7,
    .cases = utf8_cases,
    .n_cases = 6,
};

static void test_json_roundtrip(void)
{
    char err[512] = "";
    const char *path = test_path("roundtrip.json");
    struct run_results back;
    ok(results_write_json(path, &utf8_results, err, sizeof err) == 0, "JSON written (%s)", err);
    ok(results_read_json(path, &back, err, sizeof err) == 0, "JSON read back (%s)", err);
    ok(same_results(&utf8_results, &back, "round trip"), "every field read back as written");
    results_free(&back);
    ok(back.cases == NULL && back.n_cases == 0 && back.matrix == NULL, "results_free empties");
    results_free(&back);

    struct run_results empty = { .matrix = S("m.cfg"), .mode = S("run"), .shard_total = 1 };
    ok(results_write_json(path, &empty, err, sizeof err) == 0 && results_read_json(path, &back, err, sizeof err) == 0,
       "empty results round trip (%s)", err);
    ok(same_results(&empty, &back, "empty"), "empty results read back as written");
    results_free(&back);

    /* Invalid UTF-8 is written byte by byte as \u00NN, the whole string
     * as Latin-1: it reads back as the UTF-8 of those characters. */
    struct case_result latin = { S("bad\xff\xc3\xa9"), CASE_PASS, 0, 0, 0, NULL, S("\x80"), NULL };
    struct run_results l1 = { .matrix = S("m.cfg"), .mode = S("run"), .shard_total = 1,
                              .matrix_cases = (char *[]){ S("bad\xff\xc3\xa9") }, .n_matrix_cases = 1,
                              .cases = &latin, .n_cases = 1 };
    ok(results_write_json(path, &l1, err, sizeof err) == 0 && results_read_json(path, &back, err, sizeof err) == 0,
       "invalid UTF-8 written and read (%s)", err);
    is_str(back.n_cases ? back.cases[0].name : NULL, "bad\xc3\xbf\xc3\x83\xc2\xa9", "invalid UTF-8 reads back as Latin-1");
    is_str(back.n_cases ? back.cases[0].report : NULL, "\xc2\x80", "a lone continuation byte too");
    results_free(&back);

    struct run_results no_mode = { .matrix = S("m.cfg"), .shard_total = 1 };
    const char *never = test_path("never.json");
    ok(results_write_json(never, &no_mode, err, sizeof err) == -1, "results without a mode are refused");
    has_substr(err, "never.json: the results have no matrix or no mode", "and the message says why");
    ok(!test_read_file(never, &(size_t){ 0 }), "and no file is left");

    /* Whatever the writer accepts, the reader reads: a NaN or negative
     * duration is written as 0, a case listed twice or a negative signal
     * is refused. */
    struct case_result odd[] = { { S("n"), CASE_PASS, NAN, 0, 0, NULL, NULL, NULL },
                                 { S("m"), CASE_PASS, -3, 0, 0, NULL, NULL, NULL } };
    struct run_results odd_r = { .matrix = S("m.cfg"), .mode = S("run"), .shard_total = 1,
                                 .matrix_cases = (char *[]){ S("n"), S("m") }, .n_matrix_cases = 2,
                                 .cases = odd, .n_cases = 2 };
    ok(results_write_json(path, &odd_r, err, sizeof err) == 0 && results_read_json(path, &back, err, sizeof err) == 0,
       "NaN and negative durations are written (%s)", err);
    ok(back.n_cases == 2 && back.cases[0].duration == 0 && back.cases[1].duration == 0, "as 0");
    results_free(&back);
    odd[1].signal = -1;
    ok(results_write_json(never, &odd_r, err, sizeof err) == -1, "a negative signal is refused");
    has_substr(err, "impossible status or signal", "with a message");
    odd[1].signal = 0;
    odd_r.matrix_cases = (char *[]){ S("n"), S("n") };
    ok(results_write_json(never, &odd_r, err, sizeof err) == -1, "a matrix case listed twice is refused");
    has_substr(err, "a matrix case listed twice", "with a message");
    odd_r.matrix_cases = (char *[]){ S("n"), S("m") };
    odd_r.shard_index = 1;
    ok(results_write_json(never, &odd_r, err, sizeof err) == -1, "shard 2 of 1 is refused");
    has_substr(err, "an impossible shard", "with a message");
    ok(!test_read_file(never, &(size_t){ 0 }), "and no file is left");
}

static void test_json_accepts(void)
{
    static const char text[] =
        "\r\n\t {\"future\": {\"deep\": [1, -2.5e-3, true, false, null, {\"x\": \"\\u00e9\\ud83d\\ude00\\/\"}]},"
        "\"format\": \"ppcrr-harness-results\", \"version\": 1, \"matrix\": \"m.cfg\", \"mode\": \"check\","
        "\"shard\": {\"index\": 0, \"total\": 1, \"extra\": 0},"
        "\"matrix_cases\": [\"a\\u00e9\\ud83d\\ude00\"], \"cases\": [{\"name\": \"a\\u00e9\\ud83d\\ude00\","
        "\"status\": \"skip\", \"duration\": 0.5E1, \"exit_code\": -0, \"signal\": 0, \"note\": [],"
        "\"output\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}]} \n";
    struct run_results r;
    char err[512] = "";
    ok(results_parse_json("ok.json", text, sizeof text - 1, &r, err, sizeof err) == 0,
       "unknown keys, escapes, blanks and optional fields are accepted (%s)", err);
    is_str(r.n_cases ? r.cases[0].name : NULL, "a\xc3\xa9\xf0\x9f\x98\x80", "\\u escapes and surrogate pairs decode");
    is_str(r.n_cases ? r.cases[0].output : NULL, "\"\\/\b\f\n\r\t", "every simple escape decodes");
    ok(r.n_cases && r.cases[0].duration == 5.0 && r.cases[0].status == CASE_SKIP && !r.cases[0].trace &&
           !r.cases[0].report && !r.build_id,
       "numbers, status and absent optional fields");
    results_free(&r);
}

struct hostile {
    const char *text;
    size_t len;                 /* 0: strlen */
    const char *at;             /* the error is at the first occurrence of this in TEXT ("" for the end) */
    const char *message;
};

#define HDR "{\"format\":\"ppcrr-harness-results\",\"version\":1,\"matrix\":\"m.cfg\",\"mode\":\"check\","
#define SHARD1 "\"shard\":{\"index\":0,\"total\":1},"
#define CASE_OK "\"status\":\"pass\",\"duration\":1,\"exit_code\":0,\"signal\":0"

static const struct hostile hostile[] = {
    { "", 0, "", "expected a JSON value, found the end of the file" },
    { "   ", 0, "", "expected a JSON value, found the end of the file" },
    { "{", 0, "", "expected a string (a key), found the end of the file" },
    { "[1,]", 0, "]", "expected a JSON value, found ']'" },
    { "{\"a\":1,}", 0, "}", "expected a string (a key), found '}'" },
    { "{\"a\" 1}", 0, "1", "expected ':', found '1'" },
    { "{\"a\":1 \"b\":2}", 0, "\"b", "expected ',' or '}', found '\"'" },
    { "[1 2]", 0, "2", "expected ',' or ']', found '2'" },
    { "{'a':1}", 0, "'", "expected a string (a key), found '''" },
    { "\"abc", 0, "\"", "string never ends" },
    { "\"abc\\\"", 0, "\"", "string never ends" },
    { "\"a\\qb\"", 0, "\\", "invalid escape in string" },
    { "\"\\u12G4\"", 0, "12G4", "\\u needs four hex digits" },
    { "\"\\u12\"", 0, "12", "\\u needs four hex digits" },
    { "\"x\\ud800\"", 0, "\\", "\\ud800 is a high surrogate without a low one" },
    { "\"x\\ud800\\u0041\"", 0, "\\", "\\ud800 is a high surrogate without a low one" },
    { "\"x\\udc00\\ud800\"", 0, "\\", "\\udc00 is a low surrogate without a high one" },
    { "\"x\\u0000\"", 0, "\\", "\\u0000 is not supported" },
    { "\"a\x01z\"", 0, "\x01", "control character 0x01 in string" },
    { "\"a\nz\"", 0, "\n", "control character 0x0a in string" },
    { "\"a\xffz\"", 0, "\xff", "invalid UTF-8 in string" },
    { "\"a\xc0\x80z\"", 0, "\xc0", "invalid UTF-8 in string" },
    { "\"a\xed\xa0\x80z\"", 0, "\xed", "invalid UTF-8 in string" },
    { "\"a\xf4\x90\x80\x80z\"", 0, "\xf4", "invalid UTF-8 in string" },
    { "\"a\xe2\x82\"", 0, "\xe2", "invalid UTF-8 in string" },
    { "01", 0, "1", "unexpected data after the JSON value" },
    { "-", 0, "-", "invalid number" },
    { "-a", 0, "-", "invalid number" },
    { "1.", 0, "1", "invalid number: no digit after '.'" },
    { ".5", 0, ".", "expected a JSON value, found '.'" },
    { "1e+", 0, "1", "invalid number: no digit in the exponent" },
    { "1e999", 0, "1", "number out of range" },
    { "-1e999", 0, "-", "number out of range" },
    { "+1", 0, "+", "expected a JSON value, found '+'" },
    { "0x10", 0, "x", "unexpected data after the JSON value" },
    { "NaN", 0, "N", "expected a JSON value, found 'N'" },
    { "nul", 0, "n", "expected a JSON value, found 'n'" },
    { "truex", 0, "x", "unexpected data after the JSON value" },
    { "[1] x", 0, "x", "unexpected data after the JSON value" },
    { "{} // comment", 0, "/", "unexpected data after the JSON value" },
    { "\xef\xbb\xbf{}", 0, "\xef", "expected a JSON value, found byte 0xef" },
    { "{}\0", 3, "", "unexpected data after the JSON value" },     /* "at" fixed up below: byte 2 */
    { "[\"a\",\f1]", 0, "\f", "expected a JSON value, found byte 0x0c" },
    /* well-formed JSON, but not results */
    { "[]", 0, "[", "the results must be an object, not an array" },
    { "{}", 0, "{", "no \"format\" in the results" },
    { "{\"format\":\"other\"}", 0, "\"other", "\"format\" is not \"ppcrr-harness-results\"" },
    { "{\"format\":\"ppcrr-harness-results\",\"version\":2}", 0, "{", "version 2 is not supported" },
    { "{\"format\":\"ppcrr-harness-results\",\"version\":1.0}", 0, "1.0", "\"version\" must be an integer" },
    { "{\"format\":\"ppcrr-harness-results\",\"version\":\"1\"}", 0, "\"1", "\"version\" must be an integer, not a string" },
    { HDR "\"mode\":\"run\"}", 0, "\"run", "\"mode\" given twice" },
    { HDR "\"shard\":{\"index\":3,\"total\":3}}", 0, "3,", "\"index\" is 3, outside 0..2" },
    { HDR "\"shard\":{\"index\":0,\"total\":0}}", 0, "0}", "\"total\" is 0, outside 1..10000" },
    { HDR "\"shard\":{\"total\":2}}", 0, "{\"total", "no \"index\" in \"shard\"" },
    { HDR "\"shard\":[0,1]}", 0, "[0", "\"shard\" must be an object, not an array" },
    { HDR SHARD1 "\"cases\":[]}", 0, "{", "no \"matrix_cases\" in the results" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\",\"b\",\"a\"],\"cases\":[]}", 0, "\"a\"]", "\"matrix_cases\" lists a case twice" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\",\"\"],\"cases\":[]}", 0, "\"\"]", "\"matrix_cases\" must hold case names" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\",1],\"cases\":[]}", 0, "1]", "\"matrix_cases\" must hold case names" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":{}}", 0, "{}", "\"cases\" must be an array, not an object" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[7]}", 0, "7]", "a case must be an object, not a number" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\",\"duration\":1}]}", 0, "{\"name",
      "no \"status\" in a case" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\",\"status\":\"PASS\"}]}", 0, "\"PASS",
      "unknown status (pass, fail, timeout, crash, error or skip)" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"\"," CASE_OK "}]}", 0, "\"\",",
      "\"name\" must not be empty" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\",\"status\":\"pass\",\"duration\":-1}]}", 0,
      "-1", "\"duration\" must not be negative" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\",\"status\":\"pass\",\"duration\":1,"
                 "\"exit_code\":\"0\",\"signal\":0}]}", 0, "\"0\"", "\"exit_code\" must be an integer, not a string" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\",\"status\":\"pass\",\"duration\":1,"
                 "\"exit_code\":1e2,\"signal\":0}]}", 0, "1e2", "\"exit_code\" must be an integer" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\",\"status\":\"pass\",\"duration\":1,"
                 "\"exit_code\":99999999999,\"signal\":0}]}", 0, "99999999999", "\"exit_code\" is 99999999999, outside" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\",\"status\":\"pass\",\"duration\":1,"
                 "\"exit_code\":0,\"signal\":-1}]}", 0, "-1}", "\"signal\" is -1, outside 0..2147483647" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\"," CASE_OK ",\"report\":5}]}", 0, "5}",
      "\"report\" must be a string or null, not a number" },
    { HDR SHARD1 "\"matrix_cases\":[\"a\"],\"cases\":[{\"name\":\"a\"," CASE_OK ",\"name\":\"b\"}]}", 0, "\"b\"}",
      "\"name\" given twice" },
    { HDR SHARD1 "\"build_id\":true,\"matrix_cases\":[],\"cases\":[]}", 0, "true",
      "\"build_id\" must be a string or null, not a boolean" },
};

static void test_json_hostile(void)
{
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const struct hostile *h = &hostile[i];
        size_t len = h->len ? h->len : strlen(h->text);
        const char *at = h->at[0] ? strstr(h->text, h->at) : NULL;
        size_t offset = h->at[0] ? (size_t)(at - h->text) : len;
        if (h->len == 3 && !h->at[0])
            offset = 2;     /* the NUL after "{}" */
        char want[512], err[512] = "";
        struct run_results r;
        snprintf(want, sizeof want, "bad.json: byte %zu: %s", offset, h->message);
        int rc = results_parse_json("bad.json", h->text, len, &r, err, sizeof err);
        ok(rc == -1 && strncmp(err, want, strlen(want)) == 0, "hostile input %zu rejected at byte %zu", i, offset);
        if (rc != -1 || strncmp(err, want, strlen(want)) != 0)
            tap_diag("got: %s\n#   expected: %s...", rc == 0 ? "(accepted)" : err, want);
        ok(r.cases == NULL && r.matrix == NULL && r.n_cases == 0, "and the results are left empty");
        results_free(&r);
    }

    /* Nesting: one level too deep, counted from the outermost bracket. */
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    char err[512] = "";
    struct run_results r;
    ok(results_parse_json("deep.json", deep, sizeof deep, &r, err, sizeof err) == -1, "deep nesting is refused");
    is_str(err, "deep.json: byte 64: nested deeper than 64", "at the 65th bracket");
    ok(results_parse_json("deep.json", deep + 36, 128, &r, err, sizeof err) == -1, "64 levels parse");
    has_substr(err, "the results must be an object", "(and are then refused as results)");

    ok(results_read_json(test_path("absent.json"), &r, err, sizeof err) == -1, "an absent file is refused");
    has_substr(err, "absent.json: No such file or directory", "with the file and the reason");
    ok(results_read_json(test_scratch_dir(), &r, err, sizeof err) == -1, "a directory is refused");
    has_substr(err, "Is a directory", "with the reason");
}

/* Random mutations of a valid file: each must be read or refused with a
 * message, never crash (ASan watches) or leak. */
static void test_json_fuzz(void)
{
    const char *path = test_path("fuzz-seed.json");
    char err[512];
    if (results_write_json(path, &utf8_results, err, sizeof err) != 0)
        tap_bail("%s", err);
    size_t seed_len;
    uint8_t *seed = test_read_file(path, &seed_len);
    static const char tokens[] = "{}[],:\"\\u0\\ud800e-.1 \n\x80\xff\x00tfn";
    unsigned accepted = 0, refused = 0, bad_messages = 0;
    uint8_t *buf = malloc(seed_len * 2 + 64);
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = seed_len;
        memcpy(buf, seed, seed_len);
        for (int k = 1 + (int)(rng() % 4); k > 0 && len > 0; k--) {
            size_t at = rng() % len;
            switch (rng() % 5) {
            case 0: buf[at] ^= (uint8_t)(1u << (rng() % 8)); break;
            case 1: buf[at] = (uint8_t)tokens[rng() % (sizeof tokens - 1)]; break;
            case 2: memmove(buf + at, buf + at + 1, len - at - 1); len--; break;
            case 3: memmove(buf + at + 1, buf + at, len - at); buf[at] = (uint8_t)tokens[rng() % (sizeof tokens - 1)]; len++; break;
            default: len = at; break;
            }
        }
        struct run_results r;
        err[0] = '\0';
        if (results_parse_json("fuzz.json", buf, len, &r, err, sizeof err) == 0) {
            accepted++;
            results_free(&r);
        } else {
            refused++;
            bad_messages += strncmp(err, "fuzz.json: byte ", 16) != 0;
        }
    }
    tap_diag("fuzz: %u mutations accepted, %u refused", accepted, refused);
    is_u64(bad_messages, 0, "every refusal names the input and a byte offset");
    ok(refused > 10000 && accepted > 0, "most mutations are refused, some read");
    free(buf);
    free(seed);
}

/* ---- JUnit ---- */

static void test_junit(void)
{
    char err[512] = "";
    const char *path = test_path("junit.xml");
    ok(results_write_junit(path, &awkward, err, sizeof err) == 0, "JUnit written (%s)", err);
    char *x = file_text(path);
    if (!x)
        tap_bail("cannot read %s", path);
    size_t len = strlen(x);
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ppcrr harness\" tests=\"6\"";
    ok(strncmp(x, head, sizeof head - 1) == 0, "an XML declaration, then the suites");
    has_substr(x, "<testsuite name=\"ppcrr harness check\" tests=\"6\" failures=\"3\" errors=\"1\" skipped=\"1\" "
                  "time=\"63.750\">", "suite counts: fail, crash, timeout are failures");
    has_substr(x, "<property name=\"shard\" value=\"2/3\"/>", "the shard, as --shard names it");
    has_substr(x, "<testcase classname=\"ppcrr.guests_v2\" name=\"hello\" time=\"1.500\">",
               "classname from the matrix file name");
    has_substr(x, "name=\"we#ird\\na&#10;me\" time=\"2.250\">", "a newline in an attribute is a reference");
    has_substr(x, "<failure message=\"fail: expected &quot;1..3&quot;\" type=\"fail\">expected &quot;1..3&quot;\n"
                  "not ok 1 - inner\n\n  indented\\x01\n...more</failure>",
               "failure: message from the report's first line, the report, a control byte replaced");
    has_substr(x, "<system-out>ok 1 - fake\nnot ok 2 - fake\n\\xff\\xfe bad\xe2\x80\xa8sep&#13;\n"
                  "a&lt;b&gt;&amp;&apos;c&apos;\n</system-out>",
               "output: invalid UTF-8 replaced, markup escaped, CR as a reference");
    has_substr(x, "<failure message=\"crash: killed by signal 11\" type=\"crash\"/>", "a crash without a report");
    has_substr(x, "<skipped message=\"needs KVM # really\"/>", "a skip's reason");
    has_substr(x, "<failure message=\"timeout: timed out after 60 s\" type=\"timeout\">", "a timeout is a failure");
    has_substr(x, "<error message=\"error: exit code 125\" type=\"error\"/>", "an error");
    has_substr(x, "line 1\nline 2\n", "system-out holds the whole output, not its tail");
    ok(trace_utf8_valid(x, len), "the XML is valid UTF-8");
    size_t bad = 0;
    for (size_t i = 0; i < len; i++)
        bad += (unsigned char)x[i] < 0x20 && x[i] != '\n';
    is_u64(bad, 0, "no control character but newline in the XML");
    free(x);

    DIR *d = opendir(test_scratch_dir());
    size_t temps = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        temps += strstr(e->d_name, ".tmp-") != NULL;
    if (d)
        closedir(d);
    is_u64(temps, 0, "no temporary file left behind");

    ok(results_write_junit(test_path("no/such/dir/j.xml"), &awkward, err, sizeof err) == -1,
       "an unwritable path fails");
    has_substr(err, "no/such/dir/j.xml: No such file or directory", "with the path and the reason");
}

/* ---- merge ---- */

static char *mcases[] = { S("a"), S("b"), S("c"), S("d"), S("e") };
static char *mcases_shuffled[] = { S("e"), S("c"), S("a"), S("d"), S("b") };

static struct case_result p0_cases[] = {
    { S("c"), CASE_PASS, 1, 0, 0, NULL, NULL, S("from p0") },
    { S("a"), CASE_FAIL, 2, 1, 0, S("a.trace"), S("bad"), NULL },
};
static struct case_result p1_cases[] = {
    { S("b"), CASE_PASS, 3, 0, 0, NULL, NULL, NULL },
    { S("c"), CASE_SKIP, 0, 0, 0, NULL, S("from p1"), NULL },
};

static struct run_results merge_part(unsigned index, unsigned total, struct case_result *cases, size_t n)
{
    return (struct run_results){ .matrix = S("m.cfg"), .mode = S("check"), .build_id = S("b"),
                                 .ppcrr_version = S("v"), .shard_index = index, .shard_total = total,
                                 .matrix_cases = index ? mcases_shuffled : mcases, .n_matrix_cases = 5,
                                 .cases = cases, .n_cases = n };
}

static void test_merge(void)
{
    struct run_results parts[2] = { merge_part(0, 3, p0_cases, 2), merge_part(2, 3, p1_cases, 2) }, m;
    char **dups, **missing, err[512] = "";
    size_t n_dups, n_missing;
    ok(results_merge(parts, 2, &m, &dups, &n_dups, &missing, &n_missing, err, sizeof err) == 0, "merge (%s)", err);
    is_u64(m.n_cases, 4, "every case of every part");
    const char *order = m.n_cases == 4 ? m.cases[0].name : "";
    ok(m.n_cases == 4 && !strcmp(order, "a") && !strcmp(m.cases[1].name, "b") && !strcmp(m.cases[2].name, "c") &&
           !strcmp(m.cases[3].name, "c"),
       "sorted by name");
    ok(m.n_cases == 4 && same_str(m.cases[2].output, "from p0") && same_str(m.cases[3].report, "from p1"),
       "a duplicate's results in input order");
    ok(m.n_cases == 4 && m.cases[0].status == CASE_FAIL && same_str(m.cases[0].trace, "a.trace") &&
           m.cases[0].duration == 2 && m.cases[0].exit_code == 1 && m.cases[0].name != p0_cases[1].name,
       "cases are copied whole");
    ok(m.shard_index == 0 && m.shard_total == 1 && same_str(m.matrix, "m.cfg") && same_str(m.mode, "check") &&
           same_str(m.build_id, "b") && same_str(m.ppcrr_version, "v") && m.matrix != parts[0].matrix,
       "header from the first part, shard 1 of 1");
    ok(m.n_matrix_cases == 5 && !strcmp(m.matrix_cases[0], "a") && !strcmp(m.matrix_cases[4], "e"),
       "matrix cases sorted");
    ok(n_dups == 1 && !strcmp(dups[0], "c"), "duplicates: c");
    ok(n_missing == 2 && !strcmp(missing[0], "d") && !strcmp(missing[1], "e"), "missing: d, e");

    /* What merge writes, merge reads again. */
    const char *path = test_path("merged.json");
    struct run_results back;
    ok(results_write_json(path, &m, err, sizeof err) == 0 && results_read_json(path, &back, err, sizeof err) == 0,
       "merged results round trip (%s)", err);
    ok(same_results(&m, &back, "merged"), "merged results read back as written");
    results_free(&back);
    results_free(&m);
    results_free_names(dups, n_dups);
    results_free_names(missing, n_missing);

    ok(results_merge(parts, 1, &m, &dups, &n_dups, &missing, &n_missing, err, sizeof err) == 0 && n_dups == 0 &&
           n_missing == 3 && m.n_cases == 2,
       "one part: no duplicates, three missing");
    results_free(&m);
    results_free_names(dups, n_dups);
    results_free_names(missing, n_missing);
}

struct disagreement {
    const char *what;
    void (*spoil)(struct run_results *second);
    const char *message;
};

static char *fewer[] = { S("a"), S("b"), S("c"), S("d") };
static char *more[] = { S("a"), S("b"), S("c"), S("d"), S("e"), S("f") };
static char *twice[] = { S("a"), S("b"), S("c"), S("d"), S("a") };
static struct case_result stranger[] = { { S("zz"), CASE_PASS, 0, 0, 0, NULL, NULL, NULL } };

static void spoil_matrix(struct run_results *r) { r->matrix = S("other.cfg"); }
static void spoil_mode(struct run_results *r) { r->mode = S("record"); }
static void spoil_total(struct run_results *r) { r->shard_index = 0; r->shard_total = 4; }
static void spoil_fewer(struct run_results *r) { r->matrix_cases = fewer; r->n_matrix_cases = 4; }
static void spoil_more(struct run_results *r) { r->matrix_cases = more; r->n_matrix_cases = 6; }
static void spoil_twice(struct run_results *r) { r->matrix_cases = twice; r->n_matrix_cases = 5; }
static void spoil_case(struct run_results *r) { r->cases = stranger; r->n_cases = 1; }

static const struct disagreement disagreements[] = {
    { "matrix", spoil_matrix, "input 2: matrix 'other.cfg' in mode 'check', but input 1 ran matrix 'm.cfg' in mode 'check'" },
    { "mode", spoil_mode, "input 2: matrix 'm.cfg' in mode 'record', but input 1 ran matrix 'm.cfg' in mode 'check'" },
    { "shard total", spoil_total, "input 2: shard 1/4, but input 1 is one of 3 shards" },
    { "fewer cases", spoil_fewer, "input 2: its matrix lacks case 'e' that input 1's has" },
    { "more cases", spoil_more, "input 2: its matrix has case 'f' that input 1's lacks" },
    { "a case twice", spoil_twice, "input 2: its matrix lists 'a' twice" },
    { "a case not in the matrix", spoil_case, "input 2: case 'zz' is not in the matrix" },
};

static void test_merge_disagree(void)
{
    for (size_t i = 0; i < sizeof disagreements / sizeof disagreements[0]; i++) {
        struct run_results parts[2] = { merge_part(0, 3, p0_cases, 2), merge_part(1, 3, p1_cases, 2) }, m;
        char **dups, **missing, err[512] = "";
        size_t n_dups, n_missing;
        disagreements[i].spoil(&parts[1]);
        int rc = results_merge(parts, 2, &m, &dups, &n_dups, &missing, &n_missing, err, sizeof err);
        ok(rc == -1, "parts that disagree on the %s are refused", disagreements[i].what);
        is_str(err, disagreements[i].message, "and the message says how");
        ok(m.n_cases == 0 && !m.cases && !dups && !missing && !n_dups && !n_missing, "leaving nothing to free");
    }
    struct run_results m;
    char **dups, **missing, err[512] = "";
    size_t n_dups, n_missing;
    ok(results_merge(NULL, 0, &m, &dups, &n_dups, &missing, &n_missing, err, sizeof err) == -1,
       "nothing to merge is refused");
    is_str(err, "no results to merge", "with a message");
}

int main(void)
{
    fill_long_output();
    test_status_names();
    test_tap_exact();
    test_tap_random();
    test_json_roundtrip();
    test_json_accepts();
    test_json_hostile();
    test_json_fuzz();
    test_junit();
    test_merge();
    test_merge_disagree();
    test_scratch_cleanup();
    return tap_done();
}
