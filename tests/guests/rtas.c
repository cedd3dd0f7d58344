/*
 * rtas: RTAS through KVMPPC_H_RTAS, tokens from the /rtas node.
 *   - the tokens of the calls used here exist (and are distinct)
 *   - get-time-of-day: status 0 and plausible fields (nanoseconds aside:
 *     QEMU's are not within a second); a second call does
 *     not go back in time; the wrong number of results -> -3
 *   - display-character prints on the console (status 0; the runner
 *     checks the console shows "# display-character: RTAS")
 *   - power-off with the wrong number of arguments -> -3 and no power-off
 *   - a token nobody defined: status -3 and the hcall returns H_PARAMETER
 *     (QEMU 7.2's answer)
 * The runtime's final power-off is the last check: the runner wants exit
 * status 0.
 */
#include "runtime/runtime.h"

static const char *const calls[] = {"display-character", "get-time-of-day", "set-time-of-day",
                                    "power-off", "system-reboot"};

struct tod {
    uint32_t status, year, month, day, hour, min, sec, ns;
};

static void get_tod(struct tod *t, long *rc)
{
    uint32_t rets[8];
    *rc = rtas_call(rtas_token("get-time-of-day"), 0, 8, 0, rets);
    memcpy(t, rets, sizeof(rets));
}

static bool tod_before_or_same(const struct tod *a, const struct tod *b)
{
    const uint32_t *x = &a->year, *y = &b->year;
    for (int i = 0; i < 7; i++)
        if (x[i] != y[i])
            return x[i] < y[i];
    return true;
}

static void test_tokens(void)
{
    int node = fdt_path(boot.fdt, "/rtas");
    tap_ok(node >= 0, "the device tree has /rtas");
    uint32_t tokens[sizeof(calls) / sizeof(calls[0])];
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        tokens[i] = rtas_token(calls[i]);
        tap_ok(tokens[i] != 0, "/rtas has a token for %s", calls[i]);
        tap_diag("%s = 0x%x", calls[i], tokens[i]);
    }
    bool distinct = true;
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        for (unsigned j = 0; j < i; j++)
            distinct &= tokens[i] != tokens[j];
    tap_ok(distinct, "the tokens are distinct");
}

static void test_time(void)
{
    struct tod a, b;
    long rc;
    get_tod(&a, &rc);
    tap_ok(rc == H_SUCCESS && a.status == RTAS_OUT_SUCCESS, "get-time-of-day succeeds");
    tap_diag("time of day %u-%02u-%02u %02u:%02u:%02u.%09u", a.year, a.month, a.day, a.hour, a.min,
             a.sec, a.ns);
    tap_ok(a.year >= 2000 && a.year < 2200, "its year is plausible");
    tap_ok(a.month >= 1 && a.month <= 12 && a.day >= 1 && a.day <= 31, "its month and day are valid");
    /* Not the nanoseconds: QEMU 7.2 returns the low 32 bits of its whole
     * nanosecond clock there (spapr_rtc_read), not the part of a second
     * PAPR asks for. */
    tap_ok(a.hour < 24 && a.min < 60 && a.sec < 61, "its hour, minute and second are valid");
    get_tod(&b, &rc);
    tap_ok(rc == H_SUCCESS && b.status == RTAS_OUT_SUCCESS && tod_before_or_same(&a, &b),
           "a second get-time-of-day is not earlier");

    uint32_t rets[1];
    rtas_call(rtas_token("get-time-of-day"), 0, 1, 0, rets);
    tap_is((int32_t)rets[0], RTAS_OUT_PARAM_ERROR, "get-time-of-day with 1 result -> -3");
}

static void test_display(void)
{
    /* The line ends through the console, so that a display-character
     * that prints nothing cannot swallow the next TAP line; the runner
     * checks the console shows the line (--expect). */
    console_puts("# display-character: ");
    const char *text = "RTAS";
    bool all_ok = true;
    for (const char *p = text; *p; p++) {
        uint32_t args[1] = {(uint8_t)*p}, rets[1];
        long rc = rtas_call(rtas_token("display-character"), 1, 1, args, rets);
        all_ok &= rc == H_SUCCESS && rets[0] == RTAS_OUT_SUCCESS;
    }
    console_puts("\r\n");
    tap_ok(all_ok, "display-character prints (the line above ends in RTAS)");
}

static void test_errors(void)
{
    uint32_t args[2] = {0, 0}, rets[1];
    long rc = rtas_call(rtas_token("power-off"), 1, 1, args, rets);
    tap_ok(rc == H_SUCCESS && (int32_t)rets[0] == RTAS_OUT_PARAM_ERROR,
           "power-off with 1 argument -> -3 (and the machine keeps running)");
    if (!(rc == H_SUCCESS && (int32_t)rets[0] == RTAS_OUT_PARAM_ERROR))
        tap_diag("hcall %ld, status %d", rc, (int32_t)rets[0]);

    rets[0] = 0;
    rc = rtas_call(0x1234, 0, 1, 0, rets);
    tap_is((int32_t)rets[0], RTAS_OUT_PARAM_ERROR, "an unknown token -> status -3");
    tap_is(rc, H_PARAMETER, "an unknown token -> KVMPPC_H_RTAS returns H_PARAMETER");
}

int main(void)
{
    test_tokens();
    test_time();
    test_display();
    test_errors();
    return 0;
}
