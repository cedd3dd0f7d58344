/*
 * TAP from inside the guest, on the console: "ok N - what" and
 * "not ok N - what" with the values on '#' lines, then the plan "1..N".
 * The host runner (tests/guests/run_guest.sh) passes these lines to meson
 * and adds its own checks (exit status, the plan) after them. A line's
 * text must not depend on the emulator: the same guest on QEMU and on
 * ppcrr prints the same test lines, so values that may differ go on '#'
 * lines.
 */
#include "runtime.h"

static int count, failed;
static bool done;
static const char *skipping;   /* inside tap_skip_begin/end: the reason */

static bool line(bool pass, const char *fmt, va_list ap)
{
    char buf[200];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    if (skipping) {               /* reported, but neither pass nor fail */
        printf("ok %d - %s # SKIP %s\r\n", ++count, buf, skipping);
        return true;
    }
    printf("%s %d - %s\r\n", pass ? "ok" : "not ok", ++count, buf);
    if (!pass)
        failed++;
    return pass;
}

void tap_skip_begin(const char *why)
{
    skipping = why;
}

void tap_skip_end(void)
{
    skipping = NULL;
}

bool tap_ok(bool pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line(pass, fmt, ap);
    va_end(ap);
    return pass;
}

bool tap_is(int64_t got, int64_t want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool pass = line(got == want, fmt, ap);
    va_end(ap);
    if (!pass && !skipping) {
        printf("#        got: %ld (0x%lx)\r\n", (long)got, (unsigned long)got);
        printf("#   expected: %ld (0x%lx)\r\n", (long)want, (unsigned long)want);
    }
    return pass;
}

void tap_skip(const char *why, const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("ok %d - %s # SKIP %s\r\n", ++count, buf, why);
}

void tap_diag(const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("# %s\r\n", buf);
}

void tap_done(void)
{
    if (done)
        return;
    done = true;
    printf("1..%d\r\n", count);
    if (failed)
        printf("# failed %d of %d\r\n", failed, count);
}

int tap_failures(void)
{
    return failed;
}
