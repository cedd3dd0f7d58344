/*
 * A small TAP producer for ppcrr's C tests (meson runs them with
 * protocol: 'tap'). A failed check prints both values and file:line:
 *
 *   not ok 7 - icount after seek
 *   #   at tests/unit/test_trace_roundtrip.c:120
 *   #        got: 41
 *   #   expected: 42
 *
 * Checks: ok, is_u64, is_i64, is_str, is_mem, has_substr. End with
 * `return tap_done();`, which prints the plan and gives the exit status.
 */
#ifndef PPCRR_TESTS_TAP_H
#define PPCRR_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count_, tap_failed_;

static void tap_vline_(bool pass, const char *fmt, va_list ap)
{
    printf("%s %d - ", pass ? "ok" : "not ok", ++tap_count_);
    vprintf(fmt, ap);
    putchar('\n');
    if (!pass)
        tap_failed_++;
}

__attribute__((format(printf, 4, 5), unused))
static bool tap_ok_(bool pass, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vline_(pass, fmt, ap);
    va_end(ap);
    if (!pass)
        printf("#   at %s:%d\n", file, line);
    fflush(stdout);
    return pass;
}

#define TAP_CHECK_(pass, file, line, fmt, got_fmt, ...)                          \
    do {                                                                          \
        va_list ap;                                                               \
        va_start(ap, fmt);                                                        \
        tap_vline_(pass, fmt, ap);                                                \
        va_end(ap);                                                               \
        if (!(pass)) {                                                            \
            printf("#   at %s:%d\n", file, line);                                 \
            printf(got_fmt, __VA_ARGS__);                                         \
        }                                                                         \
        fflush(stdout);                                                           \
    } while (0)

__attribute__((format(printf, 5, 6), unused))
static bool tap_is_u64_(uint64_t got, uint64_t want, const char *file, int line,
                        const char *fmt, ...)
{
    bool pass = got == want;
    TAP_CHECK_(pass, file, line, fmt, "#        got: %" PRIu64 " (0x%" PRIx64 ")\n"
               "#   expected: %" PRIu64 " (0x%" PRIx64 ")\n", got, got, want, want);
    return pass;
}

__attribute__((format(printf, 5, 6), unused))
static bool tap_is_i64_(int64_t got, int64_t want, const char *file, int line,
                        const char *fmt, ...)
{
    bool pass = got == want;
    TAP_CHECK_(pass, file, line, fmt, "#        got: %" PRId64 "\n#   expected: %" PRId64 "\n",
               got, want);
    return pass;
}

__attribute__((format(printf, 5, 6), unused))
static bool tap_is_str_(const char *got, const char *want, const char *file, int line,
                        const char *fmt, ...)
{
    bool pass = got && want ? strcmp(got, want) == 0 : got == want;
    TAP_CHECK_(pass, file, line, fmt, "#        got: \"%s\"\n#   expected: \"%s\"\n",
               got ? got : "(null)", want ? want : "(null)");
    return pass;
}

__attribute__((format(printf, 5, 6), unused))
static bool tap_has_substr_(const char *got, const char *needle, const char *file, int line,
                            const char *fmt, ...)
{
    bool pass = got && strstr(got, needle);
    TAP_CHECK_(pass, file, line, fmt, "#        got: \"%s\"\n#   expected to contain: \"%s\"\n",
               got ? got : "(null)", needle);
    return pass;
}

__attribute__((format(printf, 6, 7), unused))
static bool tap_is_mem_(const void *got, const void *want, size_t len, const char *file,
                        int line, const char *fmt, ...)
{
    size_t at = 0;
    const uint8_t *g = got, *w = want;
    while (at < len && g[at] == w[at])
        at++;
    bool pass = at == len;
    TAP_CHECK_(pass, file, line, fmt,
               "#   first difference at byte %zu of %zu: got 0x%02x, expected 0x%02x\n", at, len,
               pass ? 0 : g[at], pass ? 0 : w[at]);
    return pass;
}

#define ok(cond, ...) tap_ok_((cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_u64(got, want, ...) tap_is_u64_((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_i64(got, want, ...) tap_is_i64_((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str_((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define has_substr(got, needle, ...) tap_has_substr_((got), (needle), __FILE__, __LINE__, __VA_ARGS__)
#define is_mem(got, want, len, ...) tap_is_mem_((got), (want), (len), __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 1, 2), unused))
static void tap_diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("# ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

/* Bails out of the whole test program: something it needs is broken. */
__attribute__((format(printf, 1, 2), noreturn, unused))
static void tap_bail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("Bail out! ", stdout);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    exit(1);
}

__attribute__((unused))
static int tap_done(void)
{
    printf("1..%d\n", tap_count_);
    if (tap_failed_)
        printf("# failed %d of %d\n", tap_failed_, tap_count_);
    return tap_failed_ ? 1 : 0;
}

#endif
