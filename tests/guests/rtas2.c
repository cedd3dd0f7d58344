/*
 * rtas2: the RTAS calls Linux makes at boot beyond rtas's, with their
 * success and error statuses, on ppcrr and QEMU alike:
 *   - event-scan (4 args, 1 result) and check-exception (6 or 7 args):
 *     1, "no errors found", with nothing queued; other counts -> -3
 *   - ibm,get-system-parameter: 20 (SPLPAR characteristics: a big-endian
 *     length word, then the string with its NUL; a short buffer gets the
 *     full length and as much as fits; QEMU 7.2 appends ",HostThrs=8"
 *     under TCG too, so the exact string is checked on ppcrr only), 42 (one byte, 0), 48 (no UUID:
 *     length 0); another parameter -> -3; a buffer under 2 bytes -> -9999
 *   - ibm,set-system-parameter: 20, 42, 48 -> -9002; another -> -3
 *   - ibm,nmi-interlock before ibm,nmi-register -> -3; nmi-register with a
 *     handler at or above 32 MiB -> -3; then a valid one -> 0, and
 *     nmi-interlock -> 0 (QEMU 7.2 under TCG answers -3 to every
 *     nmi-register: those two are skipped there, values on '#' lines)
 *   - set-indicator and get-sensor-state on an index no DR connector has
 *     -> -3 (and the state 0); wrong counts -> -3
 * QEMU reads ibm,get-system-parameter's, ibm,set-system-parameter's and
 * ibm,nmi-register's arguments whatever nargs says: the wrong-count checks
 * of those are ppcrr's own and skipped on QEMU.
 */
#include "runtime/runtime.h"

#define RTAS_OUT_NO_ERRORS_FOUND 1
#define RTAS_OUT_NOT_AUTHORIZED (-9002)
#define RTAS_OUT_SYSPARM_PARAM_ERROR (-9999)

static const char *const calls[] = {"event-scan", "check-exception", "ibm,get-system-parameter",
                                    "ibm,set-system-parameter", "ibm,nmi-register",
                                    "ibm,nmi-interlock", "set-indicator", "get-sensor-state"};

static uint8_t buf[1024] __attribute__((aligned(16)));

static bool on_ppcrr(void)
{
    int root = fdt_path(boot.fdt, "/");
    return root >= 0 && fdt_is_compatible(boot.fdt, root, "ppcrr,pseries");
}

/* Status of a one-result call. */
static int32_t call1(const char *name, int nargs, const uint32_t *args)
{
    uint32_t rets[1];
    rtas_call(rtas_token(name), nargs, 1, args, rets);
    return (int32_t)rets[0];
}

static void test_tokens(void)
{
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        tap_ok(rtas_token(calls[i]) != 0, "/rtas has a token for %s", calls[i]);
}

static void test_events(void)
{
    uint32_t a[7] = {0xffffffffu, 0, (uint32_t)(uintptr_t)buf, sizeof(buf)};
    tap_is(call1("event-scan", 4, a), RTAS_OUT_NO_ERRORS_FOUND, "event-scan -> 1 (no errors found)");
    tap_is(call1("event-scan", 3, a), RTAS_OUT_PARAM_ERROR, "event-scan with 3 arguments -> -3");

    /* vector, info, mask, critical, buffer, length[, extended info] */
    uint32_t c[7] = {0x500, 0, 0xffffffffu, 0, (uint32_t)(uintptr_t)buf, sizeof(buf), 0};
    tap_is(call1("check-exception", 6, c), RTAS_OUT_NO_ERRORS_FOUND,
           "check-exception with 6 arguments -> 1 (no errors found)");
    tap_is(call1("check-exception", 7, c), RTAS_OUT_NO_ERRORS_FOUND,
           "check-exception with 7 arguments -> 1 (no errors found)");
    tap_is(call1("check-exception", 5, c), RTAS_OUT_PARAM_ERROR, "check-exception with 5 arguments -> -3");
}

/* ibm,get-system-parameter(parameter, buf, length) after filling buf with 0xaa. */
static int32_t get_sysparm(uint32_t parameter, uint32_t length)
{
    memset(buf, 0xaa, sizeof(buf));
    uint32_t a[3] = {parameter, (uint32_t)(uintptr_t)buf, length};
    return call1("ibm,get-system-parameter", 3, a);
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void test_get_sysparm(void)
{
    /* 20: the string lparcfg parses; -m 512 and one vCPU on both. */
    static const char want[] = "MaxEntCap=1,DesMem=512,DesProcs=1,MaxPlatProcs=1";
    tap_is(get_sysparm(20, sizeof(buf)), RTAS_OUT_SUCCESS, "get-system-parameter 20 -> 0");
    unsigned len = be16(buf);
    char text[128];
    unsigned n = len < sizeof(text) - 1 ? len : sizeof(text) - 1;
    memcpy(text, buf + 2, n);
    text[n] = 0;
    tap_diag("parameter 20: length %u, \"%s\"", len, text);
    tap_ok(len >= 2 && len <= sizeof(text) - 1 && text[len - 1] == 0 && strlen(text) == len - 1,
           "parameter 20's length counts the string and its NUL");
    tap_ok(strncmp(text, want, sizeof(want) - 1) == 0 && (text[sizeof(want) - 1] == 0 || text[sizeof(want) - 1] == ','),
           "parameter 20 starts \"%s\"", want);
    /* QEMU 7.2 appends ",HostThrs=8" under TCG too (POWER8's n_host_threads). */
    if (!on_ppcrr())
        tap_skip_begin("QEMU 7.2 appends HostThrs (the value is on the '#' line above)");
    tap_ok(strcmp(text, want) == 0, "parameter 20 is exactly \"%s\" (no HostThrs)", want);
    if (!on_ppcrr())
        tap_skip_end();

    /* A buffer of 10 bytes: the whole length, then 8 bytes of the value. */
    tap_is(get_sysparm(20, 10), RTAS_OUT_SUCCESS, "get-system-parameter 20 into 10 bytes -> 0");
    tap_ok(be16(buf) == len && memcmp(buf + 2, want, 8) == 0 && buf[10] == 0xaa,
           "a 10-byte buffer gets the full length and the first 8 bytes, nothing past it");

    tap_is(get_sysparm(20, 2), RTAS_OUT_SUCCESS, "get-system-parameter 20 into 2 bytes -> 0");
    tap_ok(be16(buf) == len && buf[2] == 0xaa, "a 2-byte buffer gets the length only");

    tap_is(get_sysparm(20, 1), RTAS_OUT_SYSPARM_PARAM_ERROR,
           "get-system-parameter 20 into 1 byte -> -9999");
    tap_ok(buf[0] == 0xaa, "and writes nothing");
    tap_is(get_sysparm(20, 0), RTAS_OUT_SYSPARM_PARAM_ERROR,
           "get-system-parameter 20 into 0 bytes -> -9999");

    tap_is(get_sysparm(42, sizeof(buf)), RTAS_OUT_SUCCESS, "get-system-parameter 42 -> 0");
    tap_ok(be16(buf) == 1 && buf[2] == 0, "parameter 42 (diagnostics run mode) is one byte, 0");
    if (!(be16(buf) == 1 && buf[2] == 0))
        tap_diag("parameter 42: length %u, first byte 0x%x", be16(buf), buf[2]);

    tap_is(get_sysparm(48, sizeof(buf)), RTAS_OUT_SUCCESS, "get-system-parameter 48 -> 0");
    tap_is(be16(buf), 0, "parameter 48 (UUID) is empty without a UUID");

    tap_is(get_sysparm(44, sizeof(buf)), RTAS_OUT_PARAM_ERROR, "get-system-parameter 44 -> -3");
    tap_is(get_sysparm(50, sizeof(buf)), RTAS_OUT_PARAM_ERROR, "get-system-parameter 50 -> -3");
    tap_is(get_sysparm(44, 1), RTAS_OUT_PARAM_ERROR,
           "get-system-parameter 44 into 1 byte -> -3 (unknown before short)");

    const char *qemu_reads = on_ppcrr() ? NULL : "QEMU reads the arguments whatever nargs says";
    if (qemu_reads)
        tap_skip_begin(qemu_reads);
    uint32_t a[3] = {20, (uint32_t)(uintptr_t)buf, sizeof(buf)};
    int32_t st = call1("ibm,get-system-parameter", 2, a);
    tap_diag("get-system-parameter with 2 arguments: %d", st);
    tap_is(st, RTAS_OUT_PARAM_ERROR, "get-system-parameter with 2 arguments -> -3");
    if (qemu_reads)
        tap_skip_end();
}

static void test_set_sysparm(void)
{
    static const uint32_t known[] = {20, 42, 48};
    for (unsigned i = 0; i < 3; i++) {
        uint32_t a[2] = {known[i], (uint32_t)(uintptr_t)buf};
        tap_is(call1("ibm,set-system-parameter", 2, a), RTAS_OUT_NOT_AUTHORIZED,
               "set-system-parameter %u -> -9002", known[i]);
    }
    uint32_t a[2] = {44, (uint32_t)(uintptr_t)buf};
    tap_is(call1("ibm,set-system-parameter", 2, a), RTAS_OUT_PARAM_ERROR, "set-system-parameter 44 -> -3");

    const char *qemu_reads = on_ppcrr() ? NULL : "QEMU reads the arguments whatever nargs says";
    if (qemu_reads)
        tap_skip_begin(qemu_reads);
    uint32_t b[2] = {20, (uint32_t)(uintptr_t)buf};
    int32_t st = call1("ibm,set-system-parameter", 1, b);
    tap_diag("set-system-parameter with 1 argument: %d", st);
    tap_is(st, RTAS_OUT_PARAM_ERROR, "set-system-parameter with 1 argument -> -3");
    if (qemu_reads)
        tap_skip_end();
}

static void test_nmi(void)
{
    tap_is(call1("ibm,nmi-interlock", 0, 0), RTAS_OUT_PARAM_ERROR,
           "nmi-interlock before nmi-register -> -3");
    uint32_t high[2] = {0x1000, 32u << 20};
    tap_is(call1("ibm,nmi-register", 2, high), RTAS_OUT_PARAM_ERROR,
           "nmi-register with a handler at 32 MiB -> -3");
    uint32_t high2[2] = {32u << 20, 0x1000};
    tap_is(call1("ibm,nmi-register", 2, high2), RTAS_OUT_PARAM_ERROR,
           "nmi-register with a system-reset handler at 32 MiB -> -3");
    tap_is(call1("ibm,nmi-interlock", 0, 0), RTAS_OUT_PARAM_ERROR,
           "nmi-interlock after a failed nmi-register -> -3");

    const char *qemu_reads = on_ppcrr() ? NULL : "QEMU reads the arguments whatever nargs says";
    if (qemu_reads)
        tap_skip_begin(qemu_reads);
    uint32_t one[2] = {0x1000, 0x2000};
    int32_t st = call1("ibm,nmi-register", 1, one);
    tap_diag("nmi-register with 1 argument: %d", st);
    tap_is(st, RTAS_OUT_PARAM_ERROR, "nmi-register with 1 argument -> -3");
    if (qemu_reads)
        tap_skip_end();

    uint32_t ok[2] = {0x1000, 0x2000};
    st = call1("ibm,nmi-register", 2, ok);
    int32_t lock = call1("ibm,nmi-interlock", 0, 0);
    tap_diag("nmi-register(0x1000, 0x2000): %d, then nmi-interlock: %d", st, lock);
    /* QEMU 7.2 under TCG answers -3 here (its values are on the '#' line). */
    if (!on_ppcrr())
        tap_skip_begin("QEMU 7.2 (TCG) refuses nmi-register with -3");
    tap_is(st, RTAS_OUT_SUCCESS, "nmi-register with handlers in the RMA -> 0");
    tap_is(lock, RTAS_OUT_SUCCESS, "nmi-interlock after nmi-register -> 0");
    if (!on_ppcrr())
        tap_skip_end();
}

static void test_indicators(void)
{
    /* 0xdead0000: DRC type 0xd, which no connector has. */
    uint32_t a[3] = {9001, 0xdead0000u, 0};
    tap_is(call1("set-indicator", 3, a), RTAS_OUT_PARAM_ERROR, "set-indicator 9001 (isolation) -> -3");
    a[0] = 9;
    tap_is(call1("set-indicator", 3, a), RTAS_OUT_PARAM_ERROR, "set-indicator 9 -> -3");
    tap_is(call1("set-indicator", 2, a), RTAS_OUT_PARAM_ERROR, "set-indicator with 2 arguments -> -3");

    uint32_t s[2] = {9003, 0xdead0000u}, rets[2];
    rtas_call(rtas_token("get-sensor-state"), 2, 2, s, rets);
    tap_is((int32_t)rets[0], RTAS_OUT_PARAM_ERROR, "get-sensor-state 9003 (entity sense) -> -3");
    tap_diag("get-sensor-state 9003: state %d", (int32_t)rets[1]);
    s[0] = 9;
    rtas_call(rtas_token("get-sensor-state"), 2, 2, s, rets);
    tap_is((int32_t)rets[0], RTAS_OUT_PARAM_ERROR, "get-sensor-state 9 (EPOW) -> -3");
    tap_diag("get-sensor-state 9: state %d", (int32_t)rets[1]);
    rtas_call(rtas_token("get-sensor-state"), 2, 1, s, rets);
    tap_is((int32_t)rets[0], RTAS_OUT_PARAM_ERROR, "get-sensor-state with 1 result -> -3");
}

int main(void)
{
    tap_diag("running on %s", on_ppcrr() ? "ppcrr" : "QEMU");
    test_tokens();
    test_events();
    test_get_sysparm();
    test_set_sysparm();
    test_nmi();
    test_indicators();
    return 0;
}
