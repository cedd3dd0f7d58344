/*
 * RTAS on a hand-made machine (RAM and one vCPU): the table and its tokens,
 * the shim (run on the CPU), the /rtas tree part, the calls, malformed
 * argument blocks, and the RTAS event.
 *
 * Expected values: tokens, rtas-size and the other /rtas numbers are what
 * `qemu-system-ppc64 -M pseries,dumpdtb=...` (QEMU 7.2) writes; statuses
 * and hcall returns are what a probe guest saw on QEMU 7.2's pseries
 * (-cpu POWER8, -rtc base=2026-11-21T08:00:00): get-time-of-day gave
 * 2026/11/21 08:00:00, nret 7 or nargs 1 gave status -3, an unknown token
 * status -3 with H_PARAMETER, token 0xa printed the character, power-off
 * with nargs 0 and system-reboot with nargs 1 gave -3, set-time-of-day of
 * 2001-02-03 04:05:06 read back as such and month 13 of 2001 as
 * 2002-01-03, and a block outside RAM H_PARAMETER.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "tests/common/guest_asm.h"
#include "emu/input.h"
#include "tests/tap.h"

#define RAM_SIZE (512ull << 20)
#define BLK 0x100000ull             /* where tests put argument blocks */

static void cpu_hook(struct cpu *c, void *opaque)
{
    struct machine *m = opaque;
    m->hypervisor(m, c, m->hypervisor_opaque);
}

static void machine_setup(struct machine *m, struct cpu *c, uint64_t ram, const char *rtc)
{
    memset(m, 0, sizeof *m);
    if (memory_init(&m->mem, ram) < 0)
        tap_bail("memory_init");
    cpu_init(c, &m->mem, 0);
    c->hooks.hcall = cpu_hook;
    c->hooks.opaque = m;
    m->cpus = c;
    m->ncpus = 1;
    m->cfg.ram_size = ram;
    m->cfg.smp = 1;
    m->cfg.rtc_fixed = rtc != NULL;
    if (rtc && !input_parse_utc(rtc, &m->cfg.rtc_base))
        tap_bail("bad -rtc base %s", rtc);
    char err[256];
    if (hcall_init(m, err, sizeof err) < 0)
        tap_bail("hcall_init: %s", err);
}

static void machine_teardown(struct machine *m)
{
    hcall_destroy(m);
    cpu_destroy(m->cpus);
    memory_destroy(&m->mem);
}

/* Writes a block at ADDR and makes the call; returns the hcall's r3. */
static int64_t rtas_call(struct machine *m, uint64_t addr, uint32_t token, uint32_t nargs,
                         uint32_t nret, const uint32_t *args)
{
    hcall_write_be32(m, addr, token);
    hcall_write_be32(m, addr + 4, nargs);
    hcall_write_be32(m, addr + 8, nret);
    for (uint32_t i = 0; i < nargs; i++)
        hcall_write_be32(m, addr + 12 + 4 * i, args[i]);
    for (uint32_t i = 0; i < nret; i++)
        hcall_write_be32(m, addr + 12 + 4 * (nargs + i), 0xdeadbeef);
    struct cpu *c = m->cpus;
    c->gpr[3] = KVMPPC_H_RTAS;
    c->gpr[4] = addr;
    hcall_dispatch(m, c);
    return (int64_t)c->gpr[3];
}

static uint32_t ret_word(struct machine *m, uint64_t addr, uint32_t nargs, uint32_t i)
{
    uint32_t v = 0;
    hcall_read_be32(m, addr + 12 + 4 * (nargs + i), &v);
    return v;
}

/* ---- the table ---------------------------------------------------------- */

static void test_table(void)
{
    size_t bad_index = 0, dup = 0;
    for (size_t i = 0; i < rtas_table_count; i++) {
        bad_index += rtas_table[i].index != i;
        for (size_t j = 0; j < i; j++)
            dup += strcmp(rtas_table[i].name, rtas_table[j].name) == 0;
    }
    is_u64(bad_index, 0, "rtas.def indexes run 0, 1, 2... (token = 0x2000 + index)");
    is_u64(dup, 0, "call names are unique");
    /* QEMU 7.2 -dumpdtb /rtas */
    static const struct {
        const char *name;
        uint32_t token;
    } qemu[] = {
        { "display-character", 0x2000 }, { "get-time-of-day", 0x2001 },
        { "set-time-of-day", 0x2002 }, { "power-off", 0x2003 }, { "system-reboot", 0x2004 },
        { "start-cpu", 0x2006 }, { "ibm,set-xive", 0x200a }, { "event-scan", 0x200f },
        { "ibm,read-pci-config", 0x2016 }, { "ibm,os-term", 0x201f },
        { "ibm,nmi-interlock", 0x202c },
    };
    for (size_t i = 0; i < sizeof qemu / sizeof qemu[0]; i++)
        is_u64(rtas_token(qemu[i].name), qemu[i].token, "%s is token 0x%x as on QEMU",
               qemu[i].name, qemu[i].token);
    is_u64(rtas_token("no-such-call"), 0, "an unknown name has no token");
    is_str(rtas_token_name(0x201f), "ibm,os-term", "the name of 0x201f");
    is_str(rtas_token_name(0xa), "display-character", "0xa is display-character (Linux quirk)");
    ok(rtas_token_name(0x2000 + (uint32_t)rtas_table_count) == NULL, "past the table: no name");
    ok(rtas_token_name(0x1fff) == NULL, "below the base: no name");
}

/* ---- the shim ----------------------------------------------------------- */

static void test_shim(void)
{
    struct machine m;
    struct cpu c;
    machine_setup(&m, &c, 64ull << 20, "2026-11-21T08:00:00");
    is_u64(rtas_base(&m), (64ull << 20) - 0x100000, "64 MiB of RAM: the shim 1 MiB below its top");
    static const uint8_t qemu_shim[20] = { 0x7c, 0x64, 0x1b, 0x78, 0x3c, 0x60, 0x00, 0x00,
                                           0x60, 0x63, 0xf0, 0x00, 0x44, 0x00, 0x00, 0x22,
                                           0x4e, 0x80, 0x00, 0x20 };
    uint8_t got[20];
    memory_read(&m.mem, rtas_base(&m), got, sizeof got);
    is_mem(got, qemu_shim, sizeof got, "the shim is QEMU's spapr-rtas.S, big-endian");

    /* Call get-time-of-day the way Linux does: r3 = block, bl to the entry. */
    hcall_write_be32(&m, BLK, rtas_token("get-time-of-day"));
    hcall_write_be32(&m, BLK + 4, 0);
    hcall_write_be32(&m, BLK + 8, 8);
    hcall_write_be32(&m, TG_CODE, asm_attn());
    c.gpr[3] = BLK;
    c.lr[0] = TG_CODE;
    c.nip[0] = rtas_base(&m);
    ok(cpu_run(&c, 100) == CPU_STOP_ATTN, "the shim returns to the caller's LR (attn there)");
    is_u64(c.gpr[3], H_SUCCESS, "r3 = H_SUCCESS");
    is_u64(c.gpr[4], BLK, "r4 = the block (mr r4,r3)");
    is_u64(ret_word(&m, BLK, 0, 0), 0, "status 0");
    is_u64(ret_word(&m, BLK, 0, 1), 2026, "year 2026");
    machine_teardown(&m);

    machine_setup(&m, &c, 1ull << 30, NULL);
    is_u64(rtas_base(&m), 0x10000000 - 0x100000, "1 GiB of RAM: 1 MiB below the 256 MiB RMA");
    machine_teardown(&m);

    memset(&m, 0, sizeof m);
    memory_init(&m.mem, 1ull << 20);
    char err[256] = "";
    is_i64(hcall_init(&m, err, sizeof err), -1, "1 MiB of RAM is too small");
    has_substr(err, "too small", "and the message says so");
    ok(m.hypervisor == NULL, "a failed hcall_init leaves nothing installed");
    memory_destroy(&m.mem);
}

/* ---- the tree ----------------------------------------------------------- */

static int build_tree(struct machine *m, void *fdt, size_t size)
{
    if (fdt_create_empty_tree(fdt, (int)size) != 0)
        tap_bail("fdt_create_empty_tree");
    for (unsigned i = 0; i < m->n_fdt_parts; i++) {
        int rc = m->fdt_parts[i].fn(m, fdt, m->fdt_parts[i].opaque);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static uint32_t prop_u32(const void *fdt, int node, const char *name, bool *found)
{
    int len = 0;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    *found = p && len == 4;
    return *found ? fdt32_to_cpu(*p) : 0;
}

static void test_tree(struct machine *m)
{
    static uint8_t fdt[1 << 16];
    is_i64(build_tree(m, fdt, sizeof fdt), 0, "the tree parts succeed");
    int node = fdt_path_offset(fdt, "/rtas");
    ok(node >= 0, "/rtas exists");
    size_t wrong = 0, present = 0;
    for (size_t i = 0; i < rtas_table_count; i++) {
        bool found;
        uint32_t v = prop_u32(fdt, node, rtas_table[i].name, &found);
        /* nvram-fetch/store need an NVRAM device; this machine has none. */
        bool nvram = strncmp(rtas_table[i].name, "nvram-", 6) == 0;
        wrong += rtas_table[i].fn && !nvram ? !found || v != RTAS_TOKEN_BASE + i : found;
        present += found;
    }
    is_u64(wrong, 0, "every implemented call has its token property, no other call does");
    is_u64(present, 21, "21 calls published (with XICS's four, SMP's three; no NVRAM here)");
    bool found;
    uint32_t base = prop_u32(fdt, node, "linux,rtas-base", &found);
    ok(found && base == rtas_base(m), "linux,rtas-base = 0x%x", base);
    ok(prop_u32(fdt, node, "linux,rtas-entry", &found) == base && found, "linux,rtas-entry");
    /* QEMU 7.2, 1 CPU: rtas-size = 0x82c = 20 + 2048 + 16 + 8. */
    ok(prop_u32(fdt, node, "rtas-size", &found) == 0x82c && found, "rtas-size 0x82c");
    ok(prop_u32(fdt, node, "rtas-error-log-max", &found) == 2048 && found, "rtas-error-log-max");
    ok(prop_u32(fdt, node, "rtas-event-scan-rate", &found) == 1 && found, "rtas-event-scan-rate");
    ok(fdt_getprop(fdt, node, "ibm,extended-os-term", NULL) != NULL, "ibm,extended-os-term");
    ok(fdt_getprop(fdt, node, "ibm,hypertas-functions", NULL) != NULL,
       "ibm,hypertas-functions (hcall.c's part) in the same node");
    bool reserved = false;
    for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
        uint64_t a, s;
        fdt_get_mem_rsv(fdt, i, &a, &s);
        reserved |= a == base && s == 0x82c;
    }
    ok(reserved, "the RTAS area is in the memory reserve map");

    uint8_t saved[4], junk[4] = { 0, 0, 0, 0 };
    memory_read(&m->mem, rtas_base(m), saved, 4);
    memory_write(&m->mem, rtas_base(m), junk, 4);
    ok(build_tree(m, fdt, sizeof fdt) != 0, "an image over the shim fails the tree build");
    memory_write(&m->mem, rtas_base(m), saved, 4);
}

/* ---- the calls ---------------------------------------------------------- */

static void test_time(struct machine *m)
{
    const uint32_t tod = rtas_token("get-time-of-day"), set = rtas_token("set-time-of-day");
    is_i64(rtas_call(m, BLK, tod, 0, 8, NULL), H_SUCCESS, "get-time-of-day");
    static const uint32_t want[8] = { 0, 2026, 11, 21, 8, 0, 0, 0 };
    static const char *const field[8] = { "status", "year", "month", "day", "hour", "minute",
                                          "second", "nanoseconds" };
    for (uint32_t i = 0; i < 8; i++)
        is_u64(ret_word(m, BLK, 0, i), want[i], "-rtc base=2026-11-21T08:00:00: %s", field[i]);

    is_i64(rtas_call(m, BLK, tod, 0, 7, NULL), H_SUCCESS, "nret 7: the hcall succeeds");
    is_u64(ret_word(m, BLK, 0, 0), (uint32_t)-3, "nret 7: status -3");
    is_u64(ret_word(m, BLK, 0, 1), 0xdeadbeef, "and nothing else is written");
    uint32_t one = 0;
    rtas_call(m, BLK, tod, 1, 8, &one);
    is_u64(ret_word(m, BLK, 1, 0), (uint32_t)-3, "nargs 1: status -3");

    const uint32_t t2001[7] = { 2001, 2, 3, 4, 5, 6, 0 };
    is_i64(rtas_call(m, BLK, set, 7, 1, t2001), H_SUCCESS, "set-time-of-day");
    is_u64(ret_word(m, BLK, 7, 0), 0, "status 0");
    rtas_call(m, BLK, tod, 0, 8, NULL);
    ok(ret_word(m, BLK, 0, 1) == 2001 && ret_word(m, BLK, 0, 2) == 2 &&
       ret_word(m, BLK, 0, 3) == 3 && ret_word(m, BLK, 0, 4) == 4 &&
       ret_word(m, BLK, 0, 5) == 5 && ret_word(m, BLK, 0, 6) == 6,
       "get-time-of-day reads 2001-02-03 04:05:06 back");
    const uint32_t m13[7] = { 2001, 13, 3, 4, 5, 6, 0 };
    rtas_call(m, BLK, set, 7, 1, m13);
    rtas_call(m, BLK, tod, 0, 8, NULL);
    ok(ret_word(m, BLK, 0, 1) == 2002 && ret_word(m, BLK, 0, 2) == 1 &&
       ret_word(m, BLK, 0, 3) == 3, "month 13 of 2001 carries into January 2002, as QEMU");
    const uint32_t leap[7] = { 2024, 2, 29, 23, 59, 59, 0 };
    rtas_call(m, BLK, set, 7, 1, leap);
    rtas_call(m, BLK, tod, 0, 8, NULL);
    ok(ret_word(m, BLK, 0, 1) == 2024 && ret_word(m, BLK, 0, 2) == 2 &&
       ret_word(m, BLK, 0, 3) == 29 && ret_word(m, BLK, 0, 6) == 59, "2024-02-29 23:59:59");
    rtas_call(m, BLK, set, 6, 1, t2001);
    is_u64(ret_word(m, BLK, 6, 0), (uint32_t)-3, "set-time-of-day with 6 arguments: -3");
    const uint32_t back[7] = { 2026, 11, 21, 8, 0, 0, 0 };
    rtas_call(m, BLK, set, 7, 1, back);
}

/* A console for display-character: what H_PUT_TERM_CHAR was given. */
static char console[16];
static size_t console_len;
static uint64_t console_reg = ~0ull;

static int64_t fake_put_term_char(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)ctx;
    (void)rets;
    console_reg = args[0];
    for (uint64_t i = 0; i < args[1] && console_len < sizeof console - 1; i++)
        console[console_len++] = (char)(args[2 + i / 8] >> (56 - 8 * (i % 8)));
    return H_SUCCESS;
}

static void test_display(struct machine *m)
{
    const uint32_t x = 'X', y = 'y';
    is_i64(rtas_call(m, BLK, rtas_token("display-character"), 1, 1, &x), H_SUCCESS,
           "display-character without a console: the hcall succeeds");
    is_u64(ret_word(m, BLK, 1, 0), (uint32_t)-1, "status -1 (hardware error), as QEMU without a vty");

    hcall_register(m, H_PUT_TERM_CHAR, fake_put_term_char, NULL);
    rtas_call(m, BLK, rtas_token("display-character"), 1, 1, &x);
    is_u64(ret_word(m, BLK, 1, 0), 0, "with a console: status 0");
    rtas_call(m, BLK, RTAS_TOKEN_LEGACY_DISPLAY_CHARACTER, 1, 1, &y);
    is_u64(ret_word(m, BLK, 1, 0), 0, "token 0xa: status 0");
    console[console_len] = 0;
    is_str(console, "Xy", "the bytes go to the console's H_PUT_TERM_CHAR");
    is_u64(console_reg, 0, "with unit address 0 (the first vty)");
    rtas_call(m, BLK, rtas_token("display-character"), 0, 1, NULL);
    is_u64(ret_word(m, BLK, 0, 0), (uint32_t)-3, "without an argument: -3");
    is_u64(console_len, 2, "and nothing printed");
    hcall_unregister(m, H_PUT_TERM_CHAR);
}

static void test_unknown_and_bad(struct machine *m)
{
    static const uint32_t tokens[] = { 0x3000, 0, 0x2014 /* read-pci-config: not implemented */ };
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++) {
        is_i64(rtas_call(m, BLK, tokens[i], 0, 1, NULL), H_PARAMETER,
               "token 0x%x: H_PARAMETER", tokens[i]);
        is_u64(ret_word(m, BLK, 0, 0), (uint32_t)-3, "token 0x%x: status -3", tokens[i]);
    }
    struct cpu *c = m->cpus;
    const uint64_t ram = m->mem.ram_size;
    c->gpr[3] = KVMPPC_H_RTAS;
    c->gpr[4] = ram + 0x1000;
    hcall_dispatch(m, c);
    is_i64((int64_t)c->gpr[3], H_PARAMETER, "a block past RAM: H_PARAMETER");
    c->gpr[3] = KVMPPC_H_RTAS;
    c->gpr[4] = ram - 8;
    hcall_dispatch(m, c);
    is_i64((int64_t)c->gpr[3], H_PARAMETER, "a header running off the end of RAM: H_PARAMETER");
    c->gpr[3] = KVMPPC_H_RTAS;
    c->gpr[4] = ~0ull;
    hcall_dispatch(m, c);
    is_i64((int64_t)c->gpr[3], H_PARAMETER, "block address ~0: H_PARAMETER");

    uint32_t many[17] = { 0 };
    is_i64(rtas_call(m, BLK, rtas_token("power-off"), 17, 1, many), H_PARAMETER,
           "17 arguments: H_PARAMETER");
    is_u64(ret_word(m, BLK, 17, 0), (uint32_t)-3, "and status -3 where rets[0] is");
    is_i64(rtas_call(m, BLK, rtas_token("get-time-of-day"), 0, 17, NULL), H_PARAMETER,
           "17 results: H_PARAMETER");
    is_u64(ret_word(m, BLK, 0, 0), (uint32_t)-3, "status -3");
    hcall_write_be32(m, BLK, rtas_token("get-time-of-day"));
    hcall_write_be32(m, BLK + 4, 0xffffffffu);
    hcall_write_be32(m, BLK + 8, 0xffffffffu);
    c->gpr[3] = KVMPPC_H_RTAS;
    c->gpr[4] = BLK;
    hcall_dispatch(m, c);
    is_i64((int64_t)c->gpr[3], H_PARAMETER, "nargs and nret 0xffffffff: H_PARAMETER, no crash");
    /* Results running off the end of RAM: refused before any call runs. */
    const uint64_t last = ram - 16;
    is_i64(rtas_call(m, last, rtas_token("get-time-of-day"), 0, 8, NULL), H_PARAMETER,
           "results past the end of RAM: H_PARAMETER");
    is_u64(ret_word(m, last, 0, 0), (uint32_t)-3, "status -3 (it is still in RAM)");
    rtas_call(m, BLK, rtas_token("get-time-of-day"), 0, 8, NULL);
    hcall_write_be32(m, BLK + 16, 0);
    c->gpr[3] = KVMPPC_H_RTAS;
    c->gpr[4] = 0xc000000000000000ull | BLK;
    hcall_dispatch(m, c);
    is_i64((int64_t)c->gpr[3], H_SUCCESS,
           "a 0xc... block address is taken as real (top 4 bits dropped, as QEMU)");
    is_u64(ret_word(m, BLK, 0, 1), 2026, "and the call ran");
}

/* ---- the boot-time calls: expected statuses are QEMU 7.2's (spapr_rtas.c,
 * spapr_events.c, spapr_drc.c), except where rtas.c says it differs. ---- */

static uint32_t call_status(struct machine *m, const char *name, uint32_t nargs, uint32_t nret,
                            const uint32_t *args)
{
    rtas_call(m, BLK, rtas_token(name), nargs, nret, args);
    return ret_word(m, BLK, nargs, 0);
}

static void test_events_scan(struct machine *m)
{
    uint32_t a[8] = { 0xffffffff, 0, 0x200000, 2048, 0x200000, 2048, 0, 0 };
    is_u64(call_status(m, "event-scan", 4, 1, a), 1, "event-scan: 1, no errors found");
    is_u64(call_status(m, "event-scan", 3, 1, a), (uint32_t)-3, "event-scan with 3 arguments: -3");
    is_u64(call_status(m, "event-scan", 4, 2, a), (uint32_t)-3, "event-scan with 2 results: -3");
    is_u64(call_status(m, "check-exception", 6, 1, a), 1, "check-exception (6 arguments): 1");
    is_u64(call_status(m, "check-exception", 7, 1, a), 1, "check-exception (7 arguments): 1");
    is_u64(call_status(m, "check-exception", 5, 1, a), (uint32_t)-3, "check-exception, 5: -3");
    is_u64(call_status(m, "check-exception", 8, 1, a), (uint32_t)-3, "check-exception, 8: -3");
    hcall_write_be32(m, BLK + 12 + 4 * 6, 0xdeadbeef);
    is_u64(call_status(m, "check-exception", 6, 0, a), 0xdeadbeef, "no result word: nothing written");
}

static void test_sysparm(struct machine *m)
{
    const uint64_t buf = 0x200000;
    uint8_t out[128];
    uint32_t a[3] = { 20, (uint32_t)buf, sizeof out };
    memset(m->mem.ram + buf, 0xee, sizeof out);
    is_u64(call_status(m, "ibm,get-system-parameter", 3, 1, a), 0, "SPLPAR characteristics (20): 0");
    memory_read(&m->mem, buf, out, sizeof out);
    const char *want = "MaxEntCap=1,DesMem=512,DesProcs=1,MaxPlatProcs=1";
    is_u64((unsigned)(out[0] << 8 | out[1]), strlen(want) + 1, "its length word counts the NUL");
    is_str((const char *)out + 2, want, "QEMU's string for 512 MiB, 1 vCPU");
    a[2] = 12;
    memset(m->mem.ram + buf, 0xee, sizeof out);
    is_u64(call_status(m, "ibm,get-system-parameter", 3, 1, a), 0, "a 12-byte buffer: 0");
    memory_read(&m->mem, buf, out, sizeof out);
    ok((unsigned)(out[0] << 8 | out[1]) == strlen(want) + 1 && memcmp(out + 2, want, 10) == 0 &&
       out[12] == 0xee, "full length, 10 bytes of the value, nothing past the buffer");
    a[2] = 1;
    is_u64(call_status(m, "ibm,get-system-parameter", 3, 1, a), (uint32_t)-9999,
           "a buffer shorter than the length word: -9999");
    a[0] = 42, a[2] = sizeof out;
    is_u64(call_status(m, "ibm,get-system-parameter", 3, 1, a), 0, "diagnostics run mode (42): 0");
    memory_read(&m->mem, buf, out, 3);
    ok(out[0] == 0 && out[1] == 1 && out[2] == 0, "one byte, 0 (disabled)");
    a[0] = 48;
    is_u64(call_status(m, "ibm,get-system-parameter", 3, 1, a), 0, "UUID (48): 0");
    memory_read(&m->mem, buf, out, 2);
    ok(out[0] == 0 && out[1] == 0, "of length 0 (no UUID)");
    static const uint32_t unsupported[] = { 43, 44, 50, 55, 0, 0xffffffff };
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++) {
        a[0] = unsupported[i];
        is_u64(call_status(m, "ibm,get-system-parameter", 3, 1, a), (uint32_t)-3,
               "parameter %u (CMO is 44): -3, not supported", unsupported[i]);
    }
    a[0] = 20;
    a[1] = (uint32_t)m->mem.ram_size - 4;
    is_u64(call_status(m, "ibm,get-system-parameter", 3, 1, a), (uint32_t)-3,
           "a buffer running off RAM: -3");
    a[1] = (uint32_t)buf;
    is_u64(call_status(m, "ibm,get-system-parameter", 2, 1, a), (uint32_t)-3, "2 arguments: -3");
    is_u64(call_status(m, "ibm,get-system-parameter", 3, 2, a), (uint32_t)-3, "2 results: -3");
    uint32_t set[2] = { 20, (uint32_t)buf };
    is_u64(call_status(m, "ibm,set-system-parameter", 2, 1, set), (uint32_t)-9002,
           "set-system-parameter 20: -9002, not authorized");
    set[0] = 44;
    is_u64(call_status(m, "ibm,set-system-parameter", 2, 1, set), (uint32_t)-3, "set 44: -3");
    is_u64(call_status(m, "ibm,set-system-parameter", 3, 1, a), (uint32_t)-3, "set, 3 arguments: -3");
}

static void test_fwnmi(struct machine *m)
{
    uint32_t a[2] = { 0x7000, 0x7400 };
    is_u64(call_status(m, "ibm,nmi-interlock", 0, 1, NULL), (uint32_t)-3,
           "nmi-interlock before nmi-register: -3");
    is_u64(call_status(m, "ibm,nmi-register", 1, 1, a), (uint32_t)-3, "nmi-register, 1 argument: -3");
    a[1] = 32u << 20;
    is_u64(call_status(m, "ibm,nmi-register", 2, 1, a), (uint32_t)-3,
           "a machine-check handler at 32 MiB: -3");
    a[0] = 0xffffffff, a[1] = 0x7400;
    is_u64(call_status(m, "ibm,nmi-register", 2, 1, a), (uint32_t)-3, "a reset handler at ~0: -3");
    is_u64(call_status(m, "ibm,nmi-interlock", 0, 1, NULL), (uint32_t)-3, "failed registers don't count");
    a[0] = 0x7000;
    is_u64(call_status(m, "ibm,nmi-register", 2, 1, a), 0, "nmi-register (0x7000, 0x7400): 0");
    is_u64(call_status(m, "ibm,nmi-interlock", 0, 1, NULL), 0, "then nmi-interlock: 0");
}

static void test_fwnmi_small_rma(void)
{
    struct machine m;
    struct cpu c;
    machine_setup(&m, &c, 16ull << 20, NULL);
    uint32_t a[2] = { 0x7000, (16u << 20) + 0x100 };
    is_u64(call_status(&m, "ibm,nmi-register", 2, 1, a), (uint32_t)-3,
           "16 MiB of RAM: a handler past the RMA is -3 though under 32 MiB");
    machine_teardown(&m);
}

static void test_indicators(struct machine *m)
{
    static const uint32_t types[] = { 9, 9000, 9001, 9002, 9003, 9005, 0 };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        uint32_t a[3] = { types[i], 0, 1 };
        is_u64(call_status(m, "set-indicator", 3, 1, a), (uint32_t)-3,
               "set-indicator type %u: -3, no such indicator", types[i]);
        rtas_call(m, BLK, rtas_token("get-sensor-state"), 2, 2, a);
        ok(ret_word(m, BLK, 2, 0) == (uint32_t)-3 && ret_word(m, BLK, 2, 1) == 0,
           "get-sensor-state type %u: -3, state 0", types[i]);
    }
    uint32_t a[3] = { 9001, 0, 0 };
    is_u64(call_status(m, "set-indicator", 2, 1, a), (uint32_t)-3, "set-indicator, 2 arguments: -3");
    is_u64(call_status(m, "get-sensor-state", 2, 1, a), (uint32_t)-3, "get-sensor-state, 1 result: -3");
    rtas_call(m, BLK, rtas_token("nvram-fetch"), 3, 2, (uint32_t[3]){ 0, 0x200000, 4 });
    ok(ret_word(m, BLK, 3, 0) == (uint32_t)-1 && ret_word(m, BLK, 3, 1) == 0,
       "nvram-fetch with no NVRAM device: -1, 0 bytes (as QEMU)");
}

static void test_exits(void)
{
    struct machine m;
    struct cpu c;
    machine_setup(&m, &c, 64ull << 20, "2026-11-21T08:00:00");
    uint32_t a2[2] = { 0, 0 };
    rtas_call(&m, BLK, rtas_token("power-off"), 0, 1, NULL);
    is_u64(ret_word(&m, BLK, 0, 0), (uint32_t)-3, "power-off with 0 arguments: -3");
    rtas_call(&m, BLK, rtas_token("system-reboot"), 1, 1, a2);
    is_u64(ret_word(&m, BLK, 1, 0), (uint32_t)-3, "system-reboot with 1 argument: -3");
    is_u64(m.exit_reason, EXIT_NONE, "neither asks for an exit");
    is_i64(rtas_call(&m, BLK, rtas_token("power-off"), 2, 1, a2), H_SUCCESS, "power-off");
    is_u64(ret_word(&m, BLK, 2, 0), 0, "status 0");
    is_u64(m.exit_reason, EXIT_POWER_OFF, "the machine is asked to power off");
    machine_teardown(&m);

    machine_setup(&m, &c, 64ull << 20, "2026-11-21T08:00:00");
    rtas_call(&m, BLK, rtas_token("system-reboot"), 0, 1, NULL);
    is_u64(m.exit_reason, EXIT_REBOOT, "system-reboot asks for a reboot");
    machine_teardown(&m);

    machine_setup(&m, &c, 64ull << 20, "2026-11-21T08:00:00");
    static const char panic[] = "Kernel panic - not syncing: test\n";
    memory_write(&m.mem, 0x200000, panic, sizeof panic);
    const uint32_t addr = 0x200000;
    is_i64(rtas_call(&m, BLK, rtas_token("ibm,os-term"), 1, 1, &addr), H_SUCCESS, "ibm,os-term");
    is_u64(m.exit_reason, EXIT_OS_TERM, "the machine is asked to stop with os-term");
    is_str(m.exit_message, "Kernel panic - not syncing: test",
           "the exit carries the message (its newline dropped)");
    machine_teardown(&m);

    machine_setup(&m, &c, 64ull << 20, "2026-11-21T08:00:00");
    char longmsg[400];
    memset(longmsg, 'a', sizeof longmsg);
    memory_write(&m.mem, (64ull << 20) - sizeof longmsg, longmsg, sizeof longmsg);
    const uint32_t at_end = (uint32_t)((64ull << 20) - 10);
    rtas_call(&m, BLK, rtas_token("ibm,os-term"), 1, 1, &at_end);
    is_str(m.exit_message, "aaaaaaaaaa", "a message without NUL stops at the end of RAM");
    machine_teardown(&m);

    machine_setup(&m, &c, 64ull << 20, "2026-11-21T08:00:00");
    memory_write(&m.mem, 0x200000, longmsg, sizeof longmsg);
    rtas_call(&m, BLK, rtas_token("ibm,os-term"), 1, 1, &addr);
    is_u64(strlen(m.exit_message), sizeof m.exit_message - 1, "a long message is cut to fit");
    machine_teardown(&m);
}

/* ---- events ------------------------------------------------------------- */

struct seen {
    unsigned n;
    enum event_kind kinds[8];
    char name[64];
    uint32_t token, nargs, nrets, rets[8];
};

static void observe(void *opaque, const struct event *e)
{
    struct seen *s = opaque;
    if (e->kind == EVENT_INPUT)         /* get-time-of-day reads the RTC input */
        return;
    if (s->n < 8)
        s->kinds[s->n] = e->kind;
    s->n++;
    if (e->kind != EVENT_RTAS)
        return;
    snprintf(s->name, sizeof s->name, "%s", e->u.rtas.token_name);
    s->token = e->u.rtas.token;
    s->nargs = e->u.rtas.nargs;
    s->nrets = e->u.rtas.nrets;
    memcpy(s->rets, e->u.rtas.rets, (s->nrets < 8 ? s->nrets : 8) * sizeof s->rets[0]);
}

static void test_events(struct machine *m)
{
    static struct seen seen;
    if (event_observe(&m->events, observe, &seen) < 0)
        tap_bail("event_observe");
    rtas_call(m, BLK, rtas_token("get-time-of-day"), 0, 8, NULL);
    ok(seen.n == 2 && seen.kinds[0] == EVENT_RTAS && seen.kinds[1] == EVENT_HCALL,
       "an RTAS event, then the KVMPPC_H_RTAS hcall event");
    is_str(seen.name, "get-time-of-day", "token name");
    is_u64(seen.token, 0x2001, "token");
    ok(seen.nargs == 0 && seen.nrets == 8, "0 arguments, 8 results");
    ok(seen.rets[0] == 0 && seen.rets[1] == 2026 && seen.rets[4] == 8, "the results");
    memset(&seen, 0, sizeof seen);
    rtas_call(m, BLK, 0x3000, 0, 1, NULL);
    ok(seen.n == 2 && seen.token == 0x3000 && seen.rets[0] == (uint32_t)-3,
       "an unknown token is an event too (%s)", seen.name);
    m->events.count = 0;
}

int main(void)
{
    test_table();
    test_shim();
    struct machine m;
    struct cpu c;
    machine_setup(&m, &c, RAM_SIZE, "2026-11-21T08:00:00");
    test_tree(&m);
    test_time(&m);
    test_display(&m);
    test_unknown_and_bad(&m);
    test_events(&m);
    test_events_scan(&m);
    test_sysparm(&m);
    test_fwnmi(&m);
    test_indicators(&m);
    machine_teardown(&m);
    test_fwnmi_small_rma();
    test_exits();
    return tap_done();
}
