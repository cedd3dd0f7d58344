/*
 * hcall: basic hypercalls and their errors, with the return codes QEMU's
 * pseries machine (7.2) gives -- the oracle ppcrr must agree with:
 *   H_PUT_TERM_CHAR: len 17 -> H_PARAMETER, unknown vty -> H_PARAMETER,
 *     len 0 -> H_SUCCESS; H_GET_TERM_CHAR on an unknown vty -> H_PARAMETER
 *   unknown opcodes (unassigned, unaligned, past the table) -> H_FUNCTION
 *   H_SET_MODE: unknown resource -> H_P2; LE with value1 != 0 -> H_P3,
 *     value2 != 0 -> H_P4, bad mflags -> H_UNSUPPORTED_FLAG; LE again -> ok
 *   H_SET_SPRG0 then mfsprg0 reads the value back
 *   H_PAGE_INIT: zero and copy a page; unaligned, outside RAM or bad flags
 *     -> H_PARAMETER (and the destination is left alone)
 *   H_LOGICAL_CI_LOAD/STORE of RAM: the value in big-endian byte order
 *     (the hypervisor's view of memory), sizes 1/2/4/8; size 3 -> H_PARAMETER
 *   an hcall from problem state -> H_PRIVILEGE (QEMU's answer; the
 *     hypervisor refuses rather than reflecting the sc to the OS)
 */
#include "runtime/runtime.h"

#define H_SET_MODE_RESOURCE_BOGUS 99

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t scratch[16] __attribute__((aligned(16)));

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

static void test_term(void)
{
    tap_is(hcall4(H_PUT_TERM_CHAR, console_reg, 17, 0x4142434445464748ul, 0x494a4b4c4d4e4f50ul),
           H_PARAMETER, "H_PUT_TERM_CHAR with 17 bytes -> H_PARAMETER");
    tap_is(hcall4(H_PUT_TERM_CHAR, 0x12345678, 1, 0x5800000000000000ul, 0), H_PARAMETER,
           "H_PUT_TERM_CHAR on a vty that does not exist -> H_PARAMETER");
    tap_is(hcall4(H_PUT_TERM_CHAR, console_reg, 0, 0, 0), H_SUCCESS,
           "H_PUT_TERM_CHAR with 0 bytes -> H_SUCCESS");
    /* 16 bytes in one call: the two registers, first byte most significant. */
    long rc = hcall4(H_PUT_TERM_CHAR, console_reg, 16, 0x2320313620627974ul /* "# 16 byt" */,
                     0x6573206f6b0d0a00ul /* "es ok\r\n\0" */);
    tap_is(rc, H_SUCCESS, "H_PUT_TERM_CHAR with 16 bytes -> H_SUCCESS");
    unsigned long ret[9];
    tap_is(hcall(H_GET_TERM_CHAR, ret, 0x12345678, 0, 0, 0, 0, 0, 0, 0), H_PARAMETER,
           "H_GET_TERM_CHAR on a vty that does not exist -> H_PARAMETER");
    rc = hcall(H_GET_TERM_CHAR, ret, console_reg, 0, 0, 0, 0, 0, 0, 0);
    tap_ok(rc == H_SUCCESS && ret[0] == 0, "H_GET_TERM_CHAR with no input -> H_SUCCESS, 0 bytes");
    if (rc != H_SUCCESS || ret[0])
        tap_diag("rc %ld, len %lu", rc, ret[0]);
}

static void test_unknown(void)
{
    tap_is(hcall0(0x1fc), H_FUNCTION, "unassigned hcall 0x1fc -> H_FUNCTION");
    tap_is(hcall0(0x2), H_FUNCTION, "unaligned hcall 0x2 -> H_FUNCTION");
    tap_is(hcall0(0x1234), H_FUNCTION, "hcall 0x1234 past the table -> H_FUNCTION");
    tap_is(hcall0(0), H_FUNCTION, "hcall 0 -> H_FUNCTION");
}

static void test_set_mode(void)
{
    tap_is(hcall4(H_SET_MODE, 0, H_SET_MODE_RESOURCE_BOGUS, 0, 0), H_P2,
           "H_SET_MODE with an unknown resource -> H_P2");
    tap_is(hcall4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 1, 0), H_P3,
           "H_SET_MODE(LE) with value1 != 0 -> H_P3");
    tap_is(hcall4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 1), H_P4,
           "H_SET_MODE(LE) with value2 != 0 -> H_P4");
    tap_is(hcall4(H_SET_MODE, 7, H_SET_MODE_RESOURCE_LE, 0, 0), H_UNSUPPORTED_FLAG,
           "H_SET_MODE(LE) with mflags 7 -> H_UNSUPPORTED_FLAG");
    tap_is(hcall4(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0), H_SUCCESS,
           "H_SET_MODE(LE) again -> H_SUCCESS");
}

static void test_sprg0(void)
{
    const uint64_t v = 0x0123456789abcdeful;
    tap_is(hcall1(H_SET_SPRG0, v), H_SUCCESS, "H_SET_SPRG0 -> H_SUCCESS");
    tap_is((int64_t)mfspr(SPRN_SPRG0), (int64_t)v, "mfsprg0 reads what H_SET_SPRG0 set");
    mtspr(SPRN_SPRG0, 0x5555);
    tap_is((int64_t)mfspr(SPRN_SPRG0), 0x5555, "mtsprg0 from supervisor state works too");
}

static void test_page_init(void)
{
    uintptr_t a = (uintptr_t)page_a, b = (uintptr_t)page_b;
    memset(page_a, 0xaa, sizeof(page_a));
    tap_is(hcall3(H_PAGE_INIT, H_ZERO_PAGE, a, 0), H_SUCCESS, "H_PAGE_INIT zero -> H_SUCCESS");
    tap_ok(all_bytes(page_a, sizeof(page_a), 0), "H_PAGE_INIT zero cleared the page");

    for (unsigned i = 0; i < sizeof(page_b); i++)
        page_b[i] = (uint8_t)(i * 7 + 3);
    tap_is(hcall3(H_PAGE_INIT, H_COPY_PAGE, a, b), H_SUCCESS, "H_PAGE_INIT copy -> H_SUCCESS");
    tap_ok(memcmp(page_a, page_b, sizeof(page_a)) == 0, "H_PAGE_INIT copy copied the page");

    tap_is(hcall3(H_PAGE_INIT, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE | H_ICACHE_INVALIDATE, a, b),
           H_SUCCESS, "H_PAGE_INIT copy with the icache flags -> H_SUCCESS");
    tap_is(hcall3(H_PAGE_INIT, 0, a, 0), H_SUCCESS, "H_PAGE_INIT with no flags -> H_SUCCESS");

    memset(page_a, 0x55, sizeof(page_a));
    tap_is(hcall3(H_PAGE_INIT, H_ZERO_PAGE, a + 8, 0), H_PARAMETER,
           "H_PAGE_INIT zero of an unaligned destination -> H_PARAMETER");
    tap_is(hcall3(H_PAGE_INIT, H_ZERO_PAGE, 0x4000000000ul, 0), H_PARAMETER,
           "H_PAGE_INIT zero outside RAM -> H_PARAMETER");
    tap_is(hcall3(H_PAGE_INIT, H_COPY_PAGE, a, b + 0x10), H_PARAMETER,
           "H_PAGE_INIT copy from an unaligned source -> H_PARAMETER");
    tap_is(hcall3(H_PAGE_INIT, H_COPY_PAGE, a, 0x4000000000ul), H_PARAMETER,
           "H_PAGE_INIT copy from outside RAM -> H_PARAMETER");
    tap_is(hcall3(H_PAGE_INIT, H_ZERO_PAGE | 1, a, 0), H_PARAMETER,
           "H_PAGE_INIT with an unknown flag -> H_PARAMETER");
    tap_ok(all_bytes(page_a, sizeof(page_a), 0x55), "the failed H_PAGE_INITs left the page alone");
}

static void test_logical_ci(void)
{
    static const uint8_t bytes[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    memcpy(scratch, bytes, 8);
    uintptr_t p = (uintptr_t)scratch;
    unsigned long ret[9];
    static const struct {
        unsigned size;
        uint64_t want;
    } loads[] = {{1, 0x11}, {2, 0x1122}, {4, 0x11223344}, {8, 0x1122334455667788ul}};
    for (unsigned i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        ret[0] = 0xdead;
        long rc = hcall(H_LOGICAL_CI_LOAD, ret, loads[i].size, p, 0, 0, 0, 0, 0, 0);
        tap_ok(rc == H_SUCCESS && ret[0] == loads[i].want,
               "H_LOGICAL_CI_LOAD of %u bytes of RAM reads them big-endian", loads[i].size);
        if (rc != H_SUCCESS || ret[0] != loads[i].want)
            tap_diag("rc %ld, value 0x%lx", rc, ret[0]);
    }
    tap_is(hcall(H_LOGICAL_CI_LOAD, ret, 3, p, 0, 0, 0, 0, 0, 0), H_PARAMETER,
           "H_LOGICAL_CI_LOAD of 3 bytes -> H_PARAMETER");

    memset(scratch, 0, sizeof(scratch));
    tap_is(hcall3(H_LOGICAL_CI_STORE, 4, p + 4, 0xcafef00d), H_SUCCESS,
           "H_LOGICAL_CI_STORE of 4 bytes -> H_SUCCESS");
    static const uint8_t stored[8] = {0, 0, 0, 0, 0xca, 0xfe, 0xf0, 0x0d};
    tap_ok(memcmp(scratch, stored, 8) == 0, "H_LOGICAL_CI_STORE wrote them big-endian");
    tap_is(hcall3(H_LOGICAL_CI_STORE, 5, p, 0), H_PARAMETER,
           "H_LOGICAL_CI_STORE of 5 bytes -> H_PARAMETER");
}

static long hcall_from_user(long arg)
{
    return hcall0((unsigned long)arg);
}

static void test_privilege(void)
{
    tap_skip_begin(user_mode_missing());
    long rc = user_call(hcall_from_user, H_SET_SPRG0);
    tap_is(rc, H_PRIVILEGE, "an hcall from problem state -> H_PRIVILEGE");
    tap_skip_end();
}

int main(void)
{
    test_term();
    test_unknown();
    test_set_mode();
    test_sprg0();
    test_page_init();
    test_logical_ci();
    test_privilege();
    return 0;
}
