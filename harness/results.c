/*
 * Harness results (results.h): the three ways a run's results leave the
 * process -- TAP on stdout for people and meson, JUnit XML for CI
 * dashboards, JSON for `ppcrr harness merge` -- the strict JSON reader that
 * brings a shard's results back, and the merge of shards.
 *
 * Every string here may be arbitrary bytes: case output is whatever the
 * guest printed. Each format has characters it cannot carry (YAML: control
 * characters and line breaks; XML 1.0: most control characters; a TAP
 * description: '#'), and one invalid UTF-8 byte makes a whole document
 * unreadable to a strict parser. So the TAP and XML writers pass text
 * through one UTF-8 walk (text_write) that asks a per-format function
 * what, if anything, replaces each character; the JSON writer reuses
 * trace_json_escape so that every ppcrr tool escapes JSON the same way.
 */
#include "harness/results.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "traces/trace_format.h"

static const char *const status_names[] = {
    [CASE_PASS] = "pass", [CASE_FAIL] = "fail",   [CASE_TIMEOUT] = "timeout",
    [CASE_CRASH] = "crash", [CASE_ERROR] = "error", [CASE_SKIP] = "skip",
};
#define N_STATUS (sizeof status_names / sizeof status_names[0])

const char *case_status_name(enum case_status s)
{
    return (unsigned)s < N_STATUS ? status_names[s] : "unknown";
}

bool case_status_parse(const char *name, enum case_status *s)
{
    for (size_t i = 0; i < N_STATUS; i++)
        if (strcmp(name, status_names[i]) == 0) {
            *s = (enum case_status)i;
            return true;
        }
    return false;
}

/* A fail, timeout or crash: what JUnit calls a failure. */
static bool status_is_failure(enum case_status s)
{
    return s == CASE_FAIL || s == CASE_TIMEOUT || s == CASE_CRASH;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Durations are printed, not trusted: a NaN would make invalid JSON and
 * nonsense XML, and the reader refuses a negative one (a clock that went
 * backwards). */
static double duration_value(double d)
{
    return isfinite(d) && d > 0 ? d : 0.0;
}

/* ---- UTF-8 and per-format character replacement ---- */

/* The code point of the UTF-8 sequence at P (N > 0 bytes left) in *CP and
 * the sequence's length, or 0 if it is not the shortest encoding of a
 * Unicode scalar value (overlong forms, surrogates and values above
 * U+10FFFF are invalid). */
static size_t utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    static const uint32_t min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    unsigned char c = p[0];
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = len == 1 ? c : c & (0x7fu >> len);
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[k] & 0x3f);
    }
    if (v < min_for_len[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

#define REPL_MAX 12

/* What replaces character CP (or, if INVALID, the byte CP that starts no
 * valid UTF-8 sequence) in OUT: its length, 0 to let it pass as it is. */
typedef size_t text_repl_fn(uint32_t cp, bool invalid, char out[REPL_MAX]);

static size_t repl_byte(uint32_t b, char out[REPL_MAX])
{
    return (size_t)snprintf(out, REPL_MAX, "\\x%02x", (unsigned)b & 0xff);
}

static size_t repl_code_point(uint32_t cp, char out[REPL_MAX])
{
    return (size_t)snprintf(out, REPL_MAX, "\\u%04x", (unsigned)cp);
}

/* Code points YAML does not allow in a document (C1 controls, U+FFFE,
 * U+FFFF), takes for line breaks (YAML 1.1: NEL, LS, PS) or may take for
 * a byte order mark. */
static bool yaml_unsafe(uint32_t cp)
{
    return (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
           cp == 0xffff;
}

/* A SKIP reason: one line. */
static size_t repl_tap_line(uint32_t cp, bool invalid, char out[REPL_MAX])
{
    if (invalid || cp < 0x20 || cp == 0x7f)
        return repl_byte(cp, out);
    return yaml_unsafe(cp) ? repl_code_point(cp, out) : 0;
}

/* A test point's description: one line without '#', which would start a
 * directive ("# SKIP"). TAP 14 escapes it as \#, but meson's TAP parser
 * does not know that escape and would still see the directive. */
static size_t repl_tap_description(uint32_t cp, bool invalid, char out[REPL_MAX])
{
    if (cp == '#' && !invalid)
        return repl_byte(cp, out);
    return repl_tap_line(cp, invalid, out);
}

/* A line of a YAML literal block: anything printable, tabs included. */
static size_t repl_yaml_block(uint32_t cp, bool invalid, char out[REPL_MAX])
{
    if (cp == '\t' && !invalid)
        return 0;
    if (invalid || cp < 0x20 || cp == 0x7f)
        return repl_byte(cp, out);
    return yaml_unsafe(cp) ? repl_code_point(cp, out) : 0;
}

/* Inside a YAML double-quoted scalar, where \xNN, \uNNNN and \t are
 * escapes (so an invalid byte reads back as the Latin-1 character of its
 * value). */
static size_t repl_yaml_quoted(uint32_t cp, bool invalid, char out[REPL_MAX])
{
    if (!invalid && (cp == '"' || cp == '\\' || cp == '\t')) {
        out[0] = '\\';
        out[1] = cp == '\t' ? 't' : (char)cp;
        return 2;
    }
    return repl_yaml_block(cp, invalid, out);
}

/* What XML 1.0 cannot hold at all: replaced by text. */
static size_t repl_xml_forbidden(uint32_t cp, bool invalid, char out[REPL_MAX])
{
    if (invalid || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r'))
        return repl_byte(cp, out);
    if (cp == 0xfffe || cp == 0xffff)
        return repl_code_point(cp, out);
    return 0;
}

/* The five markup characters as entities (all five, so the same function
 * serves attributes in either quote). */
static size_t repl_xml_markup(uint32_t cp, char out[REPL_MAX])
{
    static const char *const entity[] = { ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
                                          ['"'] = "&quot;", ['\''] = "&apos;" };
    if (cp >= sizeof entity / sizeof entity[0] || !entity[cp])
        return 0;
    return (size_t)snprintf(out, REPL_MAX, "%s", entity[cp]);
}

/* Element content: a carriage return as a reference, since parsers turn
 * a literal one into a newline. */
static size_t repl_xml_text(uint32_t cp, bool invalid, char out[REPL_MAX])
{
    size_t n = repl_xml_forbidden(cp, invalid, out);
    if (n || invalid)
        return n;
    if (cp == '\r')
        return (size_t)snprintf(out, REPL_MAX, "&#13;");
    return repl_xml_markup(cp, out);
}

/* An attribute value: tab, newline and carriage return as references,
 * since attribute normalisation turns literal ones into spaces. */
static size_t repl_xml_attr(uint32_t cp, bool invalid, char out[REPL_MAX])
{
    if (!invalid && (cp == '\t' || cp == '\n' || cp == '\r'))
        return (size_t)snprintf(out, REPL_MAX, "&#%u;", (unsigned)cp);
    return repl_xml_text(cp, invalid, out);
}

/* The N bytes at S to OUT, each character replaced as REPL says; the
 * characters that pass go out a run at a time. */
static void text_write(FILE *out, const char *s, size_t n, text_repl_fn *repl)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_next(p + i, n - i, &cp);
        bool invalid = len == 0;
        if (invalid) {
            cp = p[i];
            len = 1;
        }
        char r[REPL_MAX];
        size_t rn = repl(cp, invalid, r);
        if (rn) {
            fwrite(s + run, 1, i - run, out);
            fwrite(r, 1, rn, out);
            run = i + len;
        }
        i += len;
    }
    fwrite(s + run, 1, n - run, out);
}

static void text_puts(FILE *out, const char *s, text_repl_fn *repl)
{
    text_write(out, s, strlen(s), repl);
}

/* White space that Python's str.rstrip() removes and that the writers let
 * pass as it is (the rest of it they escape): a line of nothing else looks
 * empty to a TAP reader. */
static bool unicode_blank(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
           cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* How many bytes of blanks the N bytes at S start with. */
static size_t leading_blanks(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, len;
    uint32_t cp;
    while (i < n && (len = utf8_next(p + i, n - i, &cp)) && unicode_blank(cp))
        i += len;
    return i;
}

/* The first line of S that holds more than blanks, without its leading
 * blanks, for one-line summaries (a SKIP reason, a JUnit message); NULL
 * if there is none. Its length in *LEN. */
static const char *summary_line(const char *s, size_t *len)
{
    while (s && *s) {
        size_t n = strcspn(s, "\n"), lead = leading_blanks(s, n);
        if (lead < n) {
            *len = n - lead;
            return s + lead;
        }
        s += n + (s[n] == '\n');
    }
    *len = 0;
    return NULL;
}

/* ---- TAP ---- */

/* One line of a block, after its indentation. FIRST: the block's first
 * line, from whose indentation YAML learns the block's (an indentation
 * indicator, "|4", would do, but the YAMLish reader of Perl's prove does
 * not know it), so a blank starting it is written as an escape. A line
 * that begins (after blanks) with "..." would end the YAML block for
 * meson's TAP parser, so its first dot is escaped. */
static void tap_block_line(FILE *out, const char *s, size_t n, bool first)
{
    size_t lead = leading_blanks(s, n);
    fputs("      ", out);
    if (first && (s[0] == ' ' || s[0] == '\t')) {
        fputs(s[0] == ' ' ? "\\x20" : "\\x09", out);
        s++;
        n--;
        lead--;
    }
    if (n - lead >= 3 && memcmp(s + lead, "...", 3) == 0) {
        text_write(out, s, lead, repl_yaml_block);
        fputs("\\x2e", out);
        lead++;
        s += lead;
        n -= lead;
    }
    text_write(out, s, n, repl_yaml_block);
    fputc('\n', out);
}

/* TEXT (LEN bytes) as a YAML literal block scalar under KEY, blank lines
 * left out (see results.h). */
static void tap_block(FILE *out, const char *key, const char *text, size_t len)
{
    const char *end = text + len;
    bool first = true;
    for (const char *l = text; l < end;) {
        const char *nl = memchr(l, '\n', (size_t)(end - l));
        size_t n = nl ? (size_t)(nl - l) : (size_t)(end - l);
        if (leading_blanks(l, n) < n) {
            if (first)
                fprintf(out, "  %s: |\n", key);
            tap_block_line(out, l, n, first);
            first = false;
        }
        l = nl ? nl + 1 : end;
    }
    if (first)
        fprintf(out, "  %s: \"\"\n", key);
}

/* Where the last KEEP lines of the LEN bytes at S begin (a final newline
 * ends the last line rather than starting another), and in *OMITTED how
 * many lines come before. */
static size_t tail_start(const char *s, size_t len, size_t keep, size_t *omitted)
{
    size_t lines = 0, start = len, end = len;
    if (end > 0 && s[end - 1] == '\n')
        end--;
    *omitted = 0;
    if (len == 0)
        return 0;
    for (size_t i = end; i > 0; i--)
        if (s[i - 1] == '\n' && ++lines == keep) {
            start = i;
            break;
        }
    if (lines < keep)
        return 0;
    for (size_t i = 0; i < start; i++)
        *omitted += s[i] == '\n';
    return start;
}

static void tap_yaml(FILE *out, const struct case_result *c)
{
    fputs("  ---\n", out);
    fprintf(out, "  status: %s\n", case_status_name(c->status));
    fprintf(out, "  duration: %.3f\n", duration_value(c->duration));
    if (c->signal)
        fprintf(out, "  signal: %d\n", c->signal);
    else
        fprintf(out, "  exit_code: %d\n", c->exit_code);
    if (c->trace) {
        fputs("  trace: \"", out);
        text_puts(out, c->trace, repl_yaml_quoted);
        fputs("\"\n", out);
    }
    if (c->report)
        tap_block(out, "report", c->report, strlen(c->report));
    if (c->output) {
        size_t len = strlen(c->output), omitted;
        size_t start = tail_start(c->output, len, RESULTS_TAP_OUTPUT_LINES, &omitted);
        if (omitted)
            fprintf(out, "  output_lines_omitted: %zu\n", omitted);
        tap_block(out, "output", c->output + start, len - start);
    }
    fputs("  ...\n", out);
}

static void tap_point(FILE *out, size_t k, const struct case_result *c)
{
    bool ok = c->status == CASE_PASS || c->status == CASE_SKIP;
    fprintf(out, "%s %zu - ", ok ? "ok" : "not ok", k);
    text_puts(out, c->name ? c->name : "", repl_tap_description);
    if (c->status == CASE_SKIP) {
        size_t len;
        const char *reason = summary_line(c->report, &len);
        fputs(" # SKIP", out);
        if (reason) {
            fputc(' ', out);
            text_write(out, reason, len, repl_tap_line);
        }
    }
    fputc('\n', out);
    if (c->status != CASE_PASS)
        tap_yaml(out, c);
}

void results_write_tap(FILE *out, const struct run_results *r)
{
    fputs("TAP version 13\n", out);
    fprintf(out, "1..%zu\n", r->n_cases);
    for (size_t i = 0; i < r->n_cases; i++)
        tap_point(out, i + 1, &r->cases[i]);
    fflush(out);
}

/* ---- writing files atomically ---- */

typedef void results_emit_fn(FILE *out, const struct run_results *r);

/* Opens a fresh temporary file beside PATH (same directory, so rename is
 * atomic); its name goes to *TMP. Mode 0666 less the umask, like any file
 * the user creates, not mkstemp's 0600. */
static FILE *open_temp(const char *path, char **tmp)
{
    static unsigned counter;
    size_t cap = strlen(path) + 48;
    *tmp = malloc(cap);
    if (!*tmp)
        return NULL;
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(*tmp, cap, "%s.tmp-%ld-%u", path, (long)getpid(), counter++);
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "w");
            if (!f) {
                int e = errno;
                close(fd);
                unlink(*tmp);
                errno = e;
            }
            return f;
        }
        if (errno != EEXIST)
            break;
    }
    return NULL;
}

/* EMIT writes R into a temporary file that then replaces PATH. */
static int write_atomic(const char *path, const char *what, results_emit_fn *emit, const struct run_results *r,
                        char *err, size_t errlen)
{
    char *tmp = NULL;
    FILE *f = open_temp(path, &tmp);
    if (!f) {
        set_err(err, errlen, "cannot write %s %s: %s", what, path, strerror(errno));
        free(tmp);
        return -1;
    }
    emit(f, r);
    bool bad = fflush(f) != 0 || ferror(f);
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = true;
        e = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = true;
        e = errno;
    }
    if (bad) {
        unlink(tmp);
        set_err(err, errlen, "cannot write %s %s: %s", what, path, strerror(e ? e : EIO));
    }
    free(tmp);
    return bad ? -1 : 0;
}

/* ---- JUnit XML ---- */

static void xml_text(FILE *out, const char *s)
{
    text_puts(out, s, repl_xml_text);
}

static void xml_attr(FILE *out, const char *name, const char *s, size_t n)
{
    fprintf(out, " %s=\"", name);
    text_write(out, s, n, repl_xml_attr);
    fputc('"', out);
}

static void xml_attr_str(FILE *out, const char *name, const char *s)
{
    xml_attr(out, name, s, strlen(s));
}

/* "ppcrr." and the matrix file's name without directory and extension,
 * other dots as '_'; malloc'ed. */
static char *junit_classname(const char *matrix)
{
    const char *base = matrix ? strrchr(matrix, '/') : NULL;
    base = base ? base + 1 : matrix ? matrix : "matrix";
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *name = malloc(n + 7);
    if (!name)
        return NULL;
    memcpy(name, "ppcrr.", 6);
    for (size_t i = 0; i < n; i++)
        name[6 + i] = base[i] == '.' ? '_' : base[i];
    name[6 + n] = '\0';
    return name;
}

/* The failure message when there is no report to quote. */
static void junit_exit_message(FILE *out, const struct case_result *c)
{
    if (c->signal)
        fprintf(out, "killed by signal %d", c->signal);
    else
        fprintf(out, "exit code %d", c->exit_code);
}

/* <failure> or <error>: message "STATUS: first line of report". */
static void junit_problem(FILE *out, const char *element, const struct case_result *c)
{
    const char *status = case_status_name(c->status);
    size_t len;
    const char *line = summary_line(c->report, &len);
    fprintf(out, "      <%s message=\"%s: ", element, status);
    if (line)
        text_write(out, line, len, repl_xml_attr);
    else
        junit_exit_message(out, c);
    fprintf(out, "\" type=\"%s\"", status);
    if (!c->report || !c->report[0]) {
        fputs("/>\n", out);
        return;
    }
    fputc('>', out);
    xml_text(out, c->report);
    fprintf(out, "</%s>\n", element);
}

static void junit_case(FILE *out, const char *classname, const struct case_result *c)
{
    fputs("    <testcase", out);
    xml_attr_str(out, "classname", classname);
    xml_attr_str(out, "name", c->name ? c->name : "");
    fprintf(out, " time=\"%.3f\"", duration_value(c->duration));
    if (c->status == CASE_PASS && !c->output) {
        fputs("/>\n", out);
        return;
    }
    fputs(">\n", out);
    if (status_is_failure(c->status))
        junit_problem(out, "failure", c);
    else if (c->status == CASE_ERROR)
        junit_problem(out, "error", c);
    else if (c->status == CASE_SKIP) {
        size_t len;
        const char *reason = summary_line(c->report, &len);
        fputs("      <skipped", out);
        if (reason)
            xml_attr(out, "message", reason, len);
        fputs("/>\n", out);
    }
    if (c->output) {
        fputs("      <system-out>", out);
        xml_text(out, c->output);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

static void junit_property(FILE *out, const char *name, const char *value)
{
    if (!value)
        return;
    fputs("      <property", out);
    xml_attr_str(out, "name", name);
    xml_attr_str(out, "value", value);
    fputs("/>\n", out);
}

/* tests=, failures=, errors=, skipped=, time= for both elements. */
static void junit_counts(FILE *out, const struct run_results *r)
{
    size_t failures = 0, errors = 0, skipped = 0;
    double time = 0;
    for (size_t i = 0; i < r->n_cases; i++) {
        failures += status_is_failure(r->cases[i].status);
        errors += r->cases[i].status == CASE_ERROR;
        skipped += r->cases[i].status == CASE_SKIP;
        time += duration_value(r->cases[i].duration);
    }
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"", r->n_cases,
            failures, errors, skipped, time);
}

static void junit_emit(FILE *out, const struct run_results *r)
{
    const char *mode = r->mode ? r->mode : "";
    char *suite = malloc(strlen(mode) + 16);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ppcrr harness\"", out);
    junit_counts(out, r);
    fputs(">\n  <testsuite", out);
    if (suite) {
        snprintf(suite, strlen(mode) + 16, "ppcrr harness %s", mode);
        xml_attr_str(out, "name", suite);
        free(suite);
    }
    junit_counts(out, r);
    fputs(">\n    <properties>\n", out);
    char shard[32];
    snprintf(shard, sizeof shard, "%u/%u", r->shard_index + 1, r->shard_total);
    junit_property(out, "matrix", r->matrix);
    junit_property(out, "mode", r->mode);
    junit_property(out, "shard", shard);
    junit_property(out, "build_id", r->build_id);
    junit_property(out, "ppcrr_version", r->ppcrr_version);
    fputs("    </properties>\n", out);
    char *classname = junit_classname(r->matrix);
    for (size_t i = 0; i < r->n_cases; i++)
        junit_case(out, classname ? classname : "ppcrr", &r->cases[i]);
    free(classname);
    fputs("  </testsuite>\n</testsuites>\n", out);
}

int results_write_junit(const char *path, const struct run_results *r, char *err, size_t errlen)
{
    return write_atomic(path, "JUnit XML", junit_emit, r, err, errlen);
}

/* ---- JSON writer ---- */

static void json_key_string(FILE *out, const char *key, const char *s)
{
    fprintf(out, "\"%s\": ", key);
    if (s)
        trace_json_string(out, s);
    else
        fputs("null", out);
}

/* The shortest decimal that reads back as exactly D, so that a duration
 * survives write and read unchanged without printing 17 digits for 0.5. */
static void json_double(FILE *out, double d)
{
    char buf[40];
    d = duration_value(d);
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    fputs(buf, out);
}

static void json_write_case(FILE *out, const struct case_result *c)
{
    fputs("    {", out);
    json_key_string(out, "name", c->name);
    fputs(", ", out);
    json_key_string(out, "status", case_status_name(c->status));
    fputs(", \"duration\": ", out);
    json_double(out, c->duration);
    fprintf(out, ", \"exit_code\": %d, \"signal\": %d, ", c->exit_code, c->signal);
    json_key_string(out, "trace", c->trace);
    fputs(", ", out);
    json_key_string(out, "report", c->report);
    fputs(", ", out);
    json_key_string(out, "output", c->output);
    fputc('}', out);
}

static void json_emit(FILE *out, const struct run_results *r)
{
    fprintf(out, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  ", RESULTS_FORMAT, RESULTS_VERSION);
    json_key_string(out, "matrix", r->matrix);
    fputs(",\n  ", out);
    json_key_string(out, "mode", r->mode);
    fprintf(out, ",\n  \"shard\": {\"index\": %u, \"total\": %u},\n  ", r->shard_index, r->shard_total);
    json_key_string(out, "build_id", r->build_id);
    fputs(",\n  ", out);
    json_key_string(out, "ppcrr_version", r->ppcrr_version);
    fputs(",\n  \"matrix_cases\": [", out);
    for (size_t i = 0; i < r->n_matrix_cases; i++) {
        fputs(i ? ", " : "", out);
        trace_json_string(out, r->matrix_cases[i]);
    }
    fputs("],\n  \"cases\": [", out);
    for (size_t i = 0; i < r->n_cases; i++) {
        fputs(i ? ",\n" : "\n", out);
        json_write_case(out, &r->cases[i]);
    }
    fputs(r->n_cases ? "\n  ]\n}\n" : "]\n}\n", out);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the N names hold one twice (NULL or empty ones are caught
 * before). */
static bool has_duplicate(char *const *names, size_t n, bool *oom)
{
    if (n < 2)
        return false;
    char **sorted = malloc(n * sizeof *sorted);
    bool dup = false;
    if (!sorted) {
        *oom = true;
        return false;
    }
    memcpy(sorted, names, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_str_ptr);
    for (size_t i = 1; i < n && !dup; i++)
        dup = strcmp(sorted[i - 1], sorted[i]) == 0;
    free(sorted);
    return dup;
}

/* What the reader would refuse, refused before anything is written, so
 * that results_read_json reads whatever results_write_json wrote. */
static const char *json_unwritable(const struct run_results *r, bool *oom)
{
    if (!r->matrix || !r->mode || !r->matrix[0] || !r->mode[0])
        return "no matrix or no mode";
    if (r->shard_total == 0 || r->shard_total > RESULTS_MAX_SHARDS || r->shard_index >= r->shard_total)
        return "an impossible shard";
    for (size_t i = 0; i < r->n_matrix_cases; i++)
        if (!r->matrix_cases[i] || !r->matrix_cases[i][0])
            return "a matrix case without a name";
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct case_result *c = &r->cases[i];
        if (!c->name || !c->name[0])
            return "a case without a name";
        if ((unsigned)c->status >= N_STATUS || c->signal < 0)
            return "a case with an impossible status or signal";
    }
    if (has_duplicate(r->matrix_cases, r->n_matrix_cases, oom))
        return "a matrix case listed twice";
    return *oom ? "no memory left to check them" : NULL;
}

static int json_check_writable(const char *path, const struct run_results *r, char *err, size_t errlen)
{
    bool oom = false;
    const char *why = json_unwritable(r, &oom);
    if (!why)
        return 0;
    set_err(err, errlen, "cannot write JSON %s: the results have %s", path, why);
    return -1;
}

int results_write_json(const char *path, const struct run_results *r, char *err, size_t errlen)
{
    if (json_check_writable(path, r, err, errlen))
        return -1;
    return write_atomic(path, "JSON", json_emit, r, err, errlen);
}

/* ---- JSON reader: a strict parser into a small tree ----
 *
 * The file is parsed whole into a tree first and mapped onto struct
 * run_results second, so that the grammar and the format are checked
 * apart, every message can give the byte offset of the value it is about,
 * and a key given twice is noticed when it is looked up. A shard file
 * comes from another machine and may be cut short or damaged in transit:
 * depth, number size, value count and file size are bounded, and nothing
 * in the input is trusted to be UTF-8, terminated or sane.
 */

#define JSON_MAX_FILE (256u << 20)      /* bytes */
#define JSON_MAX_DEPTH 64
#define JSON_MAX_VALUES 4000000u
#define JSON_MAX_NUMBER 512             /* characters of one number */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

static const char *const json_type_names[] = {
    [JSON_NULL] = "null",     [JSON_BOOL] = "a boolean", [JSON_NUMBER] = "a number",
    [JSON_STRING] = "a string", [JSON_ARRAY] = "an array", [JSON_OBJECT] = "an object",
};

struct json_member;

struct json_value {
    enum json_type type;
    size_t offset;                  /* of its first byte, for messages */
    union {
        bool boolean;
        struct {
            double value;
            bool integral;          /* written without fraction or exponent, and fits in integer */
            long long integer;
        } number;
        struct {
            char *chars;            /* NUL-terminated; \u0000 is refused, so it holds no NUL */
            size_t len;
        } string;
        struct {
            struct json_value *items;
            size_t n;
        } array;
        struct {
            struct json_member *members;
            size_t n;
        } object;
    } u;
};

struct json_member {
    char *key;
    struct json_value value;
};

struct json_parser {
    const char *path;               /* for messages */
    const unsigned char *p;
    size_t len, pos;
    unsigned depth;
    size_t values;
    char *err;
    size_t errlen;
};

static int json_fail(struct json_parser *ps, size_t offset, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int json_fail(struct json_parser *ps, size_t offset, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    set_err(ps->err, ps->errlen, "%s: byte %zu: %s", ps->path, offset, msg);
    return -1;
}

static void json_free(struct json_value *v)
{
    if (v->type == JSON_STRING)
        free(v->u.string.chars);
    else if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->u.array.n; i++)
            json_free(&v->u.array.items[i]);
        free(v->u.array.items);
    } else if (v->type == JSON_OBJECT) {
        for (size_t i = 0; i < v->u.object.n; i++) {
            free(v->u.object.members[i].key);
            json_free(&v->u.object.members[i].value);
        }
        free(v->u.object.members);
    }
    v->type = JSON_NULL;
}

/* The character at the current position, described for a message. */
static int json_unexpected(struct json_parser *ps, const char *wanted)
{
    if (ps->pos >= ps->len)
        return json_fail(ps, ps->pos, "expected %s, found the end of the file", wanted);
    unsigned char c = ps->p[ps->pos];
    if (c >= 0x20 && c < 0x7f)
        return json_fail(ps, ps->pos, "expected %s, found '%c'", wanted, c);
    return json_fail(ps, ps->pos, "expected %s, found byte 0x%02x", wanted, c);
}

static void json_skip_ws(struct json_parser *ps)
{
    while (ps->pos < ps->len && (ps->p[ps->pos] == ' ' || ps->p[ps->pos] == '\t' || ps->p[ps->pos] == '\n' ||
                                 ps->p[ps->pos] == '\r'))
        ps->pos++;
}

/* Grows *ITEMS (of SIZE bytes each) so that index N fits. */
static bool json_grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*items, ncap * size);
    if (!p)
        return false;
    *items = p;
    *cap = ncap;
    return true;
}

static int json_parse_value(struct json_parser *ps, struct json_value *v);

static int json_hex4(struct json_parser *ps, size_t at, size_t end, uint32_t *out)
{
    uint32_t v = 0;
    if (end - at < 4)
        return json_fail(ps, at, "\\u needs four hex digits");
    for (size_t i = at; i < at + 4; i++) {
        unsigned char c = ps->p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return json_fail(ps, at, "\\u needs four hex digits");
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static size_t utf8_put(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A \u escape at I (the backslash), before END (the closing quote): the
 * code point, a surrogate pair taken together. Sets *NEXT past it. */
static int json_unicode_escape(struct json_parser *ps, size_t i, size_t end, uint32_t *cp, size_t *next)
{
    if (json_hex4(ps, i + 2, end, cp))
        return -1;
    *next = i + 6;
    if (*cp >= 0xdc00 && *cp <= 0xdfff)
        return json_fail(ps, i, "\\u%04x is a low surrogate without a high one", (unsigned)*cp);
    if (*cp >= 0xd800 && *cp <= 0xdbff) {
        uint32_t lo;
        if (end - *next < 6 || ps->p[*next] != '\\' || ps->p[*next + 1] != 'u')
            return json_fail(ps, i, "\\u%04x is a high surrogate without a low one", (unsigned)*cp);
        if (json_hex4(ps, *next + 2, end, &lo))
            return -1;
        if (lo < 0xdc00 || lo > 0xdfff)
            return json_fail(ps, i, "\\u%04x is a high surrogate without a low one", (unsigned)*cp);
        *cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
        *next += 6;
    }
    if (*cp == 0)
        return json_fail(ps, i, "\\u0000 is not supported");
    return 0;
}

/* The escape at I (a backslash) into OUT; its length in *N, the position
 * after it in *NEXT. */
static int json_escape(struct json_parser *ps, size_t i, size_t end, char *out, size_t *n, size_t *next)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    unsigned char c = i + 1 < end ? ps->p[i + 1] : 0;
    const char *hit = c ? strchr(from, c) : NULL;
    if (hit) {
        *out = to[hit - from];
        *n = 1;
        *next = i + 2;
        return 0;
    }
    if (c != 'u')
        return json_fail(ps, i, "invalid escape in string");
    uint32_t cp;
    if (json_unicode_escape(ps, i, end, &cp, next))
        return -1;
    *n = utf8_put(out, cp);
    return 0;
}

/* The string whose opening quote is at the current position. Decoding
 * never makes a string longer than its escaped form, so the buffer is the
 * size of the raw text. */
static int json_string(struct json_parser *ps, char **out, size_t *out_len)
{
    size_t start = ps->pos, end = start + 1;
    while (end < ps->len && ps->p[end] != '"')
        end += ps->p[end] == '\\' ? 2 : 1;
    if (end >= ps->len)
        return json_fail(ps, start, "string never ends");
    char *s = malloc(end - start);
    if (!s)
        return json_fail(ps, start, "out of memory");
    size_t n = 0;
    for (size_t i = start + 1; i < end;) {
        unsigned char c = ps->p[i];
        size_t len = 0;
        uint32_t cp;
        if (c == '\\') {
            if (json_escape(ps, i, end, s + n, &len, &i))
                goto fail;
            n += len;
            continue;
        }
        if (c < 0x20) {
            json_fail(ps, i, "control character 0x%02x in string (must be escaped)", c);
            goto fail;
        }
        if (!(len = utf8_next(ps->p + i, end - i, &cp))) {
            json_fail(ps, i, "invalid UTF-8 in string");
            goto fail;
        }
        memcpy(s + n, ps->p + i, len);
        n += len;
        i += len;
    }
    s[n] = '\0';
    ps->pos = end + 1;
    *out = s;
    *out_len = n;
    return 0;
fail:
    free(s);
    return -1;
}

static bool is_digit(const struct json_parser *ps, size_t pos)
{
    return pos < ps->len && ps->p[pos] >= '0' && ps->p[pos] <= '9';
}

/* A number, as RFC 8259's grammar has it: no '+', no leading zeros, no
 * bare '.', no hex, no NaN or Infinity. */
static int json_number(struct json_parser *ps, struct json_value *v)
{
    size_t start = ps->pos, i = start;
    bool integral = true;
    i += ps->p[i] == '-';
    if (!is_digit(ps, i))
        return json_fail(ps, start, "invalid number");
    if (ps->p[i] == '0')
        i++;
    else
        while (is_digit(ps, i))
            i++;
    if (i < ps->len && ps->p[i] == '.') {
        integral = false;
        if (!is_digit(ps, ++i))
            return json_fail(ps, start, "invalid number: no digit after '.'");
        while (is_digit(ps, i))
            i++;
    }
    if (i < ps->len && (ps->p[i] == 'e' || ps->p[i] == 'E')) {
        integral = false;
        i++;
        if (i < ps->len && (ps->p[i] == '+' || ps->p[i] == '-'))
            i++;
        if (!is_digit(ps, i))
            return json_fail(ps, start, "invalid number: no digit in the exponent");
        while (is_digit(ps, i))
            i++;
    }
    if (i - start > JSON_MAX_NUMBER)
        return json_fail(ps, start, "number longer than %d characters", JSON_MAX_NUMBER);
    char buf[JSON_MAX_NUMBER + 1];
    memcpy(buf, ps->p + start, i - start);
    buf[i - start] = '\0';
    v->type = JSON_NUMBER;
    v->u.number.value = strtod(buf, NULL);
    if (!isfinite(v->u.number.value))
        return json_fail(ps, start, "number out of range");
    errno = 0;
    v->u.number.integer = integral ? strtoll(buf, NULL, 10) : 0;
    v->u.number.integral = integral && errno == 0;
    ps->pos = i;
    return 0;
}

static int json_literal(struct json_parser *ps, struct json_value *v)
{
    static const struct {
        const char *text;
        enum json_type type;
        bool boolean;
    } literals[] = { { "true", JSON_BOOL, true }, { "false", JSON_BOOL, false }, { "null", JSON_NULL, false } };
    for (size_t k = 0; k < sizeof literals / sizeof literals[0]; k++) {
        size_t n = strlen(literals[k].text);
        if (ps->len - ps->pos >= n && memcmp(ps->p + ps->pos, literals[k].text, n) == 0) {
            v->type = literals[k].type;
            v->u.boolean = literals[k].boolean;
            ps->pos += n;
            return 0;
        }
    }
    return json_unexpected(ps, "a JSON value");
}

/* The array whose '[' is at the current position. */
static int json_array(struct json_parser *ps, struct json_value *v)
{
    size_t cap = 0;
    v->type = JSON_ARRAY;
    v->u.array.items = NULL;
    v->u.array.n = 0;
    ps->pos++;
    json_skip_ws(ps);
    if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
        ps->pos++;
        return 0;
    }
    for (;;) {
        if (!json_grow((void **)&v->u.array.items, &cap, v->u.array.n, sizeof *v->u.array.items))
            return json_fail(ps, ps->pos, "out of memory");
        /* counted first, so that json_free frees a half-parsed item */
        if (json_parse_value(ps, &v->u.array.items[v->u.array.n++]))
            return -1;
        json_skip_ws(ps);
        if (ps->pos < ps->len && ps->p[ps->pos] == ',') {
            ps->pos++;
            continue;
        }
        if (ps->pos < ps->len && ps->p[ps->pos] == ']') {
            ps->pos++;
            return 0;
        }
        return json_unexpected(ps, "',' or ']'");
    }
}

/* The object whose '{' is at the current position. Keys given twice are
 * found when a key is looked up (json_get), not here. */
static int json_object(struct json_parser *ps, struct json_value *v)
{
    size_t cap = 0;
    v->type = JSON_OBJECT;
    v->u.object.members = NULL;
    v->u.object.n = 0;
    ps->pos++;
    json_skip_ws(ps);
    if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
        ps->pos++;
        return 0;
    }
    for (;;) {
        json_skip_ws(ps);
        if (ps->pos >= ps->len || ps->p[ps->pos] != '"')
            return json_unexpected(ps, "a string (a key)");
        if (!json_grow((void **)&v->u.object.members, &cap, v->u.object.n, sizeof *v->u.object.members))
            return json_fail(ps, ps->pos, "out of memory");
        struct json_member *m = &v->u.object.members[v->u.object.n];
        size_t key_len;
        m->value.type = JSON_NULL;
        if (json_string(ps, &m->key, &key_len))
            return -1;
        v->u.object.n++;    /* from here json_free frees the key */
        json_skip_ws(ps);
        if (ps->pos >= ps->len || ps->p[ps->pos] != ':')
            return json_unexpected(ps, "':'");
        ps->pos++;
        if (json_parse_value(ps, &m->value))
            return -1;
        json_skip_ws(ps);
        if (ps->pos < ps->len && ps->p[ps->pos] == ',') {
            ps->pos++;
            continue;
        }
        if (ps->pos < ps->len && ps->p[ps->pos] == '}') {
            ps->pos++;
            return 0;
        }
        return json_unexpected(ps, "',' or '}'");
    }
}

/* Any value at the current position (after blanks) into V, which the
 * caller frees (json_free) whether or not this succeeds. */
static int json_parse_value(struct json_parser *ps, struct json_value *v)
{
    *v = (struct json_value){ .type = JSON_NULL };
    json_skip_ws(ps);
    v->offset = ps->pos;
    if (++ps->values > JSON_MAX_VALUES)
        return json_fail(ps, ps->pos, "more than %u values", JSON_MAX_VALUES);
    if (ps->pos >= ps->len)
        return json_unexpected(ps, "a JSON value");
    unsigned char c = ps->p[ps->pos];
    if (c == '"') {
        char *s;
        size_t n;
        if (json_string(ps, &s, &n))
            return -1;
        v->type = JSON_STRING;
        v->u.string.chars = s;
        v->u.string.len = n;
        return 0;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return json_number(ps, v);
    if (c != '[' && c != '{')
        return json_literal(ps, v);
    if (ps->depth >= JSON_MAX_DEPTH)
        return json_fail(ps, ps->pos, "nested deeper than %d", JSON_MAX_DEPTH);
    ps->depth++;
    int rc = c == '[' ? json_array(ps, v) : json_object(ps, v);
    ps->depth--;
    return rc;
}

/* The whole document: one value and nothing after it but blanks. */
static int json_parse(struct json_parser *ps, struct json_value *root)
{
    if (json_parse_value(ps, root))
        return -1;
    json_skip_ws(ps);
    if (ps->pos != ps->len)
        return json_fail(ps, ps->pos, "unexpected data after the JSON value");
    return 0;
}

/* ---- JSON reader: from the tree into struct run_results ---- */

/* The value of KEY in OBJ, NULL if absent; -1 if KEY is there twice,
 * since which one counts would be a guess. */
static int json_get(struct json_parser *ps, struct json_value *obj, const char *key, struct json_value **out)
{
    *out = NULL;
    for (size_t i = 0; i < obj->u.object.n; i++) {
        struct json_member *m = &obj->u.object.members[i];
        if (strcmp(m->key, key) != 0)
            continue;
        if (*out)
            return json_fail(ps, m->value.offset, "\"%s\" given twice", key);
        *out = &m->value;
    }
    return 0;
}

static int json_wrong_type(struct json_parser *ps, const struct json_value *v, const char *key, const char *want)
{
    return json_fail(ps, v->offset, "\"%s\" must be %s, not %s", key, want, json_type_names[v->type]);
}

/* KEY of OBJ (WHAT names OBJ in messages) that must be there. */
static int json_require(struct json_parser *ps, struct json_value *obj, const char *what, const char *key,
                        struct json_value **out)
{
    if (json_get(ps, obj, key, out))
        return -1;
    if (!*out)
        return json_fail(ps, obj->offset, "no \"%s\" in %s", key, what);
    return 0;
}

/* A string field, taken out of the tree (no copy). NULLABLE: it may be
 * null or absent, either read as NULL; otherwise it must be a non-empty
 * string. */
static int json_take_string(struct json_parser *ps, struct json_value *obj, const char *what, const char *key,
                            bool nullable, char **out)
{
    struct json_value *v;
    if (nullable ? json_get(ps, obj, key, &v) : json_require(ps, obj, what, key, &v))
        return -1;
    if (!v || (nullable && v->type == JSON_NULL))
        return 0;
    if (v->type != JSON_STRING)
        return json_wrong_type(ps, v, key, nullable ? "a string or null" : "a string");
    if (!nullable && v->u.string.len == 0)
        return json_fail(ps, v->offset, "\"%s\" must not be empty", key);
    *out = v->u.string.chars;
    v->u.string.chars = NULL;
    v->type = JSON_NULL;
    return 0;
}

/* A required integer field in [MIN, MAX]. */
static int json_int(struct json_parser *ps, struct json_value *obj, const char *what, const char *key,
                    long long min, long long max, long long *out)
{
    struct json_value *v;
    if (json_require(ps, obj, what, key, &v))
        return -1;
    if (v->type != JSON_NUMBER)
        return json_wrong_type(ps, v, key, "an integer");
    if (!v->u.number.integral)
        return json_fail(ps, v->offset, "\"%s\" must be an integer (no fraction or exponent, 64 bits at most)", key);
    if (v->u.number.integer < min || v->u.number.integer > max)
        return json_fail(ps, v->offset, "\"%s\" is %lld, outside %lld..%lld", key, v->u.number.integer, min, max);
    *out = v->u.number.integer;
    return 0;
}

static int json_case_status(struct json_parser *ps, struct json_value *obj, enum case_status *status)
{
    struct json_value *v;
    if (json_require(ps, obj, "a case", "status", &v))
        return -1;
    if (v->type != JSON_STRING)
        return json_wrong_type(ps, v, "status", "a string");
    if (!case_status_parse(v->u.string.chars, status))
        return json_fail(ps, v->offset, "unknown status (pass, fail, timeout, crash, error or skip)");
    return 0;
}

static int json_case(struct json_parser *ps, struct json_value *obj, struct case_result *c)
{
    struct json_value *d;
    long long exit_code, signal;
    if (obj->type != JSON_OBJECT)
        return json_fail(ps, obj->offset, "a case must be an object, not %s", json_type_names[obj->type]);
    if (json_take_string(ps, obj, "a case", "name", false, &c->name) || json_case_status(ps, obj, &c->status))
        return -1;
    if (json_require(ps, obj, "a case", "duration", &d))
        return -1;
    if (d->type != JSON_NUMBER)
        return json_wrong_type(ps, d, "duration", "a number");
    if (d->u.number.value < 0)
        return json_fail(ps, d->offset, "\"duration\" must not be negative");
    c->duration = d->u.number.value;
    if (json_int(ps, obj, "a case", "exit_code", INT32_MIN, INT32_MAX, &exit_code) ||
        json_int(ps, obj, "a case", "signal", 0, INT32_MAX, &signal))
        return -1;
    c->exit_code = (int)exit_code;
    c->signal = (int)signal;
    return json_take_string(ps, obj, "a case", "trace", true, &c->trace) ||
                   json_take_string(ps, obj, "a case", "report", true, &c->report) ||
                   json_take_string(ps, obj, "a case", "output", true, &c->output)
               ? -1
               : 0;
}

/* An array field that must be there. */
static int json_array_field(struct json_parser *ps, struct json_value *obj, const char *key, struct json_value **out)
{
    if (json_require(ps, obj, "the results", key, out))
        return -1;
    if ((*out)->type != JSON_ARRAY)
        return json_wrong_type(ps, *out, key, "an array");
    return 0;
}

struct name_at {
    const char *name;
    size_t offset;
};

static int cmp_name_at(const void *a, const void *b)
{
    const struct name_at *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* matrix_cases: non-empty strings, each once. */
static int json_matrix_cases(struct json_parser *ps, struct json_value *obj, struct run_results *r)
{
    struct json_value *a;
    if (json_array_field(ps, obj, "matrix_cases", &a))
        return -1;
    size_t n = a->u.array.n;
    struct name_at *sorted = malloc((n ? n : 1) * sizeof *sorted);
    r->matrix_cases = calloc(n ? n : 1, sizeof *r->matrix_cases);
    if (!sorted || !r->matrix_cases) {
        free(sorted);
        return json_fail(ps, a->offset, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        struct json_value *v = &a->u.array.items[i];
        if (v->type != JSON_STRING || v->u.string.len == 0) {
            free(sorted);
            return json_fail(ps, v->offset, "\"matrix_cases\" must hold case names (non-empty strings)");
        }
        sorted[i] = (struct name_at){ v->u.string.chars, v->offset };
    }
    qsort(sorted, n, sizeof *sorted, cmp_name_at);
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i - 1].name, sorted[i].name) == 0) {
            size_t at = sorted[i].offset;
            free(sorted);
            return json_fail(ps, at, "\"matrix_cases\" lists a case twice");
        }
    free(sorted);
    for (size_t i = 0; i < n; i++) {
        r->matrix_cases[i] = a->u.array.items[i].u.string.chars;
        a->u.array.items[i].u.string.chars = NULL;
        a->u.array.items[i].type = JSON_NULL;
        r->n_matrix_cases++;
    }
    return 0;
}

static int json_cases(struct json_parser *ps, struct json_value *obj, struct run_results *r)
{
    struct json_value *a;
    if (json_array_field(ps, obj, "cases", &a))
        return -1;
    r->cases = calloc(a->u.array.n ? a->u.array.n : 1, sizeof *r->cases);
    if (!r->cases)
        return json_fail(ps, a->offset, "out of memory");
    for (size_t i = 0; i < a->u.array.n; i++) {
        r->n_cases++;       /* counted first so results_free frees a half-read case */
        if (json_case(ps, &a->u.array.items[i], &r->cases[i]))
            return -1;
    }
    return 0;
}

static int json_header(struct json_parser *ps, struct json_value *root)
{
    struct json_value *f;
    long long version;
    if (json_require(ps, root, "the results", "format", &f))
        return -1;
    if (f->type != JSON_STRING || strcmp(f->u.string.chars, RESULTS_FORMAT) != 0)
        return json_fail(ps, f->offset, "\"format\" is not \"%s\": not harness results", RESULTS_FORMAT);
    if (json_int(ps, root, "the results", "version", 0, INT32_MAX, &version))
        return -1;
    if (version != RESULTS_VERSION)
        return json_fail(ps, root->offset, "version %lld is not supported (this build reads version %d)", version,
                         RESULTS_VERSION);
    return 0;
}

static int json_shard(struct json_parser *ps, struct json_value *root, struct run_results *r)
{
    struct json_value *s;
    long long index, total;
    if (json_require(ps, root, "the results", "shard", &s))
        return -1;
    if (s->type != JSON_OBJECT)
        return json_wrong_type(ps, s, "shard", "an object");
    if (json_int(ps, s, "\"shard\"", "total", 1, RESULTS_MAX_SHARDS, &total) ||
        json_int(ps, s, "\"shard\"", "index", 0, total - 1, &index))
        return -1;
    r->shard_index = (unsigned)index;
    r->shard_total = (unsigned)total;
    return 0;
}

static int json_results(struct json_parser *ps, struct json_value *root, struct run_results *r)
{
    if (root->type != JSON_OBJECT)
        return json_fail(ps, root->offset, "the results must be an object, not %s", json_type_names[root->type]);
    if (json_header(ps, root) || json_take_string(ps, root, "the results", "matrix", false, &r->matrix) ||
        json_take_string(ps, root, "the results", "mode", false, &r->mode) || json_shard(ps, root, r) ||
        json_take_string(ps, root, "the results", "build_id", true, &r->build_id) ||
        json_take_string(ps, root, "the results", "ppcrr_version", true, &r->ppcrr_version))
        return -1;
    return json_matrix_cases(ps, root, r) || json_cases(ps, root, r) ? -1 : 0;
}

/* The whole of PATH, at most JSON_MAX_FILE bytes. */
static unsigned char *read_whole(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            unsigned char *nb = cap < JSON_MAX_FILE ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                set_err(err, errlen, "%s: %s", path,
                        cap < JSON_MAX_FILE ? "out of memory" : "larger than the 256 MiB a results file may be");
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0 && ferror(f)) {
            set_err(err, errlen, "%s: %s", path, strerror(errno));
            break;
        }
        if (got == 0) {
            fclose(f);
            *len = n;
            return buf;
        }
    }
    if (!buf)
        set_err(err, errlen, "%s: out of memory", path);
    free(buf);
    fclose(f);
    return NULL;
}

int results_parse_json(const char *name, const void *data, size_t len, struct run_results *r, char *err,
                       size_t errlen)
{
    struct json_parser ps = { .path = name, .p = data, .len = len, .err = err, .errlen = errlen };
    struct json_value root;
    *r = (struct run_results){ 0 };
    int rc = json_parse(&ps, &root);
    if (rc == 0)
        rc = json_results(&ps, &root, r);
    json_free(&root);
    if (rc)
        results_free(r);
    return rc;
}

int results_read_json(const char *path, struct run_results *r, char *err, size_t errlen)
{
    size_t len;
    *r = (struct run_results){ 0 };
    unsigned char *data = read_whole(path, &len, err, errlen);
    if (!data)
        return -1;
    int rc = results_parse_json(path, data, len, r, err, errlen);
    free(data);
    return rc;
}

/* ---- freeing ---- */

static void case_free(struct case_result *c)
{
    free(c->name);
    free(c->trace);
    free(c->report);
    free(c->output);
}

void results_free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

void results_free(struct run_results *r)
{
    free(r->matrix);
    free(r->mode);
    free(r->build_id);
    free(r->ppcrr_version);
    results_free_names(r->matrix_cases, r->n_matrix_cases);
    for (size_t i = 0; r->cases && i < r->n_cases; i++)
        case_free(&r->cases[i]);
    free(r->cases);
    *r = (struct run_results){ 0 };
}

/* ---- merge ---- */

/* A sorted copy of R's matrix_cases (the pointers, not the names); NULL
 * with a message if R lists a case twice or not at all. */
static const char **sorted_matrix(const struct run_results *r, size_t k, char *err, size_t errlen)
{
    const char **s = malloc((r->n_matrix_cases ? r->n_matrix_cases : 1) * sizeof *s);
    if (!s) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < r->n_matrix_cases; i++)
        if (!(s[i] = r->matrix_cases[i])) {
            set_err(err, errlen, "input %zu: a matrix case has no name", k + 1);
            free(s);
            return NULL;
        }
    qsort(s, r->n_matrix_cases, sizeof *s, cmp_str_ptr);
    for (size_t i = 1; i < r->n_matrix_cases; i++)
        if (strcmp(s[i - 1], s[i]) == 0) {
            set_err(err, errlen, "input %zu: its matrix lists '%s' twice", k + 1, s[i]);
            free(s);
            return NULL;
        }
    return s;
}

/* Compares sorted case lists A (input 1's) and B (input K's); the first
 * name in only one of them goes into the message. */
static int same_cases(const char **a, size_t na, const char **b, size_t nb, size_t k, char *err, size_t errlen)
{
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
        if (c == 0) {
            i++;
            j++;
            continue;
        }
        set_err(err, errlen, "input %zu: its matrix %s case '%s' that input 1's %s", k + 1, c < 0 ? "lacks" : "has",
                c < 0 ? a[i] : b[j], c < 0 ? "has" : "lacks");
        return -1;
    }
    return 0;
}

static bool in_sorted(const char **set, size_t n, const char *name)
{
    return name && bsearch(&name, set, n, sizeof *set, cmp_str_ptr) != NULL;
}

/* Part K against part 0 (whose sorted matrix is BASE). */
static int check_part(const struct run_results *parts, size_t k, const char **base, char *err, size_t errlen)
{
    const struct run_results *p = &parts[k], *p0 = &parts[0];
    if (!p->matrix || !p->mode || strcmp(p->matrix, p0->matrix) != 0 || strcmp(p->mode, p0->mode) != 0) {
        set_err(err, errlen, "input %zu: matrix '%s' in mode '%s', but input 1 ran matrix '%s' in mode '%s'", k + 1,
                p->matrix ? p->matrix : "(none)", p->mode ? p->mode : "(none)", p0->matrix, p0->mode);
        return -1;
    }
    if (p->shard_total != p0->shard_total) {
        set_err(err, errlen, "input %zu: shard %u/%u, but input 1 is one of %u shards", k + 1, p->shard_index + 1,
                p->shard_total, p0->shard_total);
        return -1;
    }
    const char **mine = k ? sorted_matrix(p, k, err, errlen) : base;
    if (!mine)
        return -1;
    int rc = same_cases(base, p0->n_matrix_cases, mine, p->n_matrix_cases, k, err, errlen);
    for (size_t i = 0; rc == 0 && i < p->n_cases; i++)
        if (!in_sorted(base, p0->n_matrix_cases, p->cases[i].name)) {
            set_err(err, errlen, "input %zu: case '%s' is not in the matrix", k + 1,
                    p->cases[i].name ? p->cases[i].name : "(no name)");
            rc = -1;
        }
    if (k)
        free(mine);
    return rc;
}

struct case_ref {
    const struct case_result *c;
    size_t part, index;
};

/* By name, then input order, so that a duplicate's results come in the
 * order the parts were given whatever qsort does. */
static int cmp_case_ref(const void *a, const void *b)
{
    const struct case_ref *x = a, *y = b;
    int c = strcmp(x->c->name, y->c->name);
    if (c)
        return c;
    if (x->part != y->part)
        return x->part < y->part ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static char *dup_or_null(const char *s, bool *oom)
{
    char *d = s ? strdup(s) : NULL;
    if (s && !d)
        *oom = true;
    return d;
}

static void copy_case(struct case_result *d, const struct case_result *s, bool *oom)
{
    *d = *s;
    d->name = dup_or_null(s->name, oom);
    d->trace = dup_or_null(s->trace, oom);
    d->report = dup_or_null(s->report, oom);
    d->output = dup_or_null(s->output, oom);
}

/* MERGED's cases: every part's, sorted. */
static bool merge_cases(const struct run_results *parts, size_t n, struct run_results *m)
{
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += parts[k].n_cases;
    struct case_ref *refs = malloc((total ? total : 1) * sizeof *refs);
    m->cases = calloc(total ? total : 1, sizeof *m->cases);
    if (!refs || !m->cases) {
        free(refs);
        return false;
    }
    size_t j = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < parts[k].n_cases; i++)
            refs[j++] = (struct case_ref){ &parts[k].cases[i], k, i };
    qsort(refs, total, sizeof *refs, cmp_case_ref);
    bool oom = false;
    for (size_t i = 0; i < total; i++) {
        copy_case(&m->cases[i], refs[i].c, &oom);
        m->n_cases++;
    }
    free(refs);
    return !oom;
}

/* Appends a copy of NAME to the list. */
static bool push_name(char ***list, size_t *n, const char *name)
{
    char **l = realloc(*list, (*n + 1) * sizeof **list);
    if (!l)
        return false;
    *list = l;
    if (!(l[*n] = strdup(name)))
        return false;
    (*n)++;
    return true;
}

/* The names with more than one case, and the matrix cases with none:
 * one walk over both sorted lists. */
static bool merge_lists(const struct run_results *m, char ***dups, size_t *n_dups, char ***missing, size_t *n_missing)
{
    bool ok = true;
    for (size_t i = 1; ok && i < m->n_cases; i++)
        if (strcmp(m->cases[i - 1].name, m->cases[i].name) == 0 &&
            (*n_dups == 0 || strcmp((*dups)[*n_dups - 1], m->cases[i].name) != 0))
            ok = push_name(dups, n_dups, m->cases[i].name);
    size_t j = 0;
    for (size_t i = 0; ok && i < m->n_matrix_cases; i++) {
        while (j < m->n_cases && strcmp(m->cases[j].name, m->matrix_cases[i]) < 0)
            j++;
        if (j == m->n_cases || strcmp(m->cases[j].name, m->matrix_cases[i]) != 0)
            ok = push_name(missing, n_missing, m->matrix_cases[i]);
    }
    return ok;
}

/* MERGED's header and matrix_cases, from part 0 (whose sorted matrix is BASE). */
static bool merge_header(const struct run_results *p0, const char **base, struct run_results *m)
{
    bool oom = false;
    m->matrix = dup_or_null(p0->matrix, &oom);
    m->mode = dup_or_null(p0->mode, &oom);
    m->build_id = dup_or_null(p0->build_id, &oom);
    m->ppcrr_version = dup_or_null(p0->ppcrr_version, &oom);
    m->shard_index = 0;
    m->shard_total = 1;
    m->matrix_cases = calloc(p0->n_matrix_cases ? p0->n_matrix_cases : 1, sizeof *m->matrix_cases);
    if (!m->matrix_cases)
        return false;
    for (size_t i = 0; i < p0->n_matrix_cases; i++) {
        m->matrix_cases[i] = dup_or_null(base[i], &oom);
        m->n_matrix_cases++;
    }
    return !oom;
}

int results_merge(const struct run_results *parts, size_t n, struct run_results *merged, char ***duplicates,
                  size_t *n_duplicates, char ***missing, size_t *n_missing, char *err, size_t errlen)
{
    *merged = (struct run_results){ 0 };
    *duplicates = *missing = NULL;
    *n_duplicates = *n_missing = 0;
    if (n == 0) {
        set_err(err, errlen, "no results to merge");
        return -1;
    }
    if (!parts[0].matrix || !parts[0].mode) {
        set_err(err, errlen, "input 1: no matrix or mode");
        return -1;
    }
    const char **base = sorted_matrix(&parts[0], 0, err, errlen);
    int rc = base ? 0 : -1;
    for (size_t k = 0; rc == 0 && k < n; k++)
        rc = check_part(parts, k, base, err, errlen);
    if (rc == 0 && !(merge_header(&parts[0], base, merged) && merge_cases(parts, n, merged) &&
                     merge_lists(merged, duplicates, n_duplicates, missing, n_missing))) {
        set_err(err, errlen, "out of memory");
        rc = -1;
    }
    free(base);
    if (rc) {
        results_free(merged);
        results_free_names(*duplicates, *n_duplicates);
        results_free_names(*missing, *n_missing);
        *duplicates = *missing = NULL;
        *n_duplicates = *n_missing = 0;
    }
    return rc;
}
