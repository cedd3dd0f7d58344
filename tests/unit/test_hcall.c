/*
 * The hypercall layer on a hand-made machine (RAM, two vCPUs, nothing
 * else): registration rules (the abort cases in a forked child), dispatch
 * of unknown opcodes, the platform hcalls and their error codes, the hcall
 * event, and ibm,hypertas-functions.
 *
 * Expected return codes come from QEMU 7.2's pseries machine (TCG, -cpu
 * POWER8), observed by a probe guest making the same calls, unless a
 * comment says otherwise: H_SET_DABR/H_SET_XDABR follow KVM-HV on POWER8
 * (QEMU 7.2 answers H_HARDWARE to both), and H_SET_MODE refuses AIL > 3
 * like newer QEMU (7.2 masks it to 0 and succeeds).
 */
#include <fcntl.h>
#include <libfdt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "tests/common/guest_asm.h"
#include "tests/tap.h"

#define RAM_SIZE (64ull << 20)
#define NCPUS 2

static struct machine mach;
static struct cpu cpus[NCPUS];

static void cpu_hook(struct cpu *c, void *opaque)
{
    struct machine *m = opaque;
    m->hypervisor(m, c, m->hypervisor_opaque);
}

static void machine_setup(struct machine *m, struct cpu *cs, unsigned n, uint64_t ram)
{
    memset(m, 0, sizeof *m);
    if (memory_init(&m->mem, ram) < 0)
        tap_bail("memory_init");
    for (unsigned i = 0; i < n; i++) {
        cpu_init(&cs[i], &m->mem, i);
        cs[i].hooks.hcall = cpu_hook;
        cs[i].hooks.opaque = m;
    }
    m->cpus = cs;
    m->ncpus = n;
    m->cfg.ram_size = ram;
    m->cfg.smp = n;
    char err[256];
    if (hcall_init(m, err, sizeof err) < 0)
        tap_bail("hcall_init: %s", err);
}

static void machine_teardown(struct machine *m)
{
    hcall_destroy(m);
    for (unsigned i = 0; i < m->ncpus; i++)
        cpu_destroy(&m->cpus[i]);
    memory_destroy(&m->mem);
}

static int64_t hcall(struct cpu *c, uint64_t opcode, uint64_t a0, uint64_t a1, uint64_t a2,
                     uint64_t a3)
{
    c->gpr[3] = opcode;
    c->gpr[4] = a0;
    c->gpr[5] = a1;
    c->gpr[6] = a2;
    c->gpr[7] = a3;
    hcall_dispatch(&mach, c);
    return (int64_t)c->gpr[3];
}

/* ---- registration ------------------------------------------------------- */

static int64_t dummy_handler(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)ctx;
    rets[0] = args[0] + 1;
    return H_SUCCESS;
}

/* Runs FN in a child; true if it died of SIGABRT with a message on stderr
 * containing NEEDLE. */
static bool aborts_with(void (*fn)(void), const char *needle)
{
    int fds[2];
    if (pipe(fds) < 0)
        return false;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        fn();
        _exit(0);
    }
    close(fds[1]);
    char msg[1024] = "";
    size_t len = 0;
    ssize_t n;
    while (len < sizeof msg - 1 && (n = read(fds[0], msg + len, sizeof msg - 1 - len)) > 0)
        len += (size_t)n;
    msg[len] = 0;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    if (!aborted || !strstr(msg, needle))
        tap_diag("child status 0x%x, stderr: %s", status, msg);
    return aborted && strstr(msg, needle);
}

static void register_twice(void) { hcall_register(&mach, H_SET_MODE, dummy_handler, NULL); }
static void register_unknown(void) { hcall_register(&mach, 0x5c, dummy_handler, NULL); }
static void register_unaligned(void) { hcall_register(&mach, 0x5a, dummy_handler, NULL); }
static void register_kvm_unknown(void) { hcall_register(&mach, 0xf001, dummy_handler, NULL); }
static void register_null(void) { hcall_register(&mach, H_ENTER, NULL, NULL); }
static void register_uninstalled(void)
{
    struct machine bare;
    memset(&bare, 0, sizeof bare);
    hcall_register(&bare, H_ENTER, dummy_handler, NULL);
}

static void test_registration(void)
{
    ok(aborts_with(register_twice, "registered twice"), "registering H_SET_MODE twice aborts");
    ok(aborts_with(register_unknown, "not in hcall/hcall_meta.def"),
       "an opcode the metadata table does not know aborts");
    ok(aborts_with(register_unaligned, "not a multiple of 4"),
       "a PAPR opcode that is not a multiple of 4 aborts");
    ok(aborts_with(register_kvm_unknown, "not in hcall/hcall_meta.def"),
       "an unknown opcode in the KVMPPC range aborts");
    ok(aborts_with(register_null, "without a handler"), "a NULL handler aborts");
    ok(aborts_with(register_uninstalled, "hcall_init() has not been called"),
       "registering before hcall_init aborts");

    int token = 7;
    hcall_register(&mach, H_ENTER, dummy_handler, &token);
    ok(hcall_opaque(&mach, H_ENTER) == &token, "hcall_opaque gives back the registered opaque");
    is_i64(hcall(&cpus[0], H_ENTER, 41, 0, 0, 0), H_SUCCESS, "a registered handler runs");
    is_u64(cpus[0].gpr[4], 42, "its output lands in r4");
    hcall_unregister(&mach, H_ENTER);
    ok(hcall_opaque(&mach, H_ENTER) == NULL, "unregistered: no opaque");
    is_i64(hcall(&cpus[0], H_ENTER, 41, 0, 0, 0), H_FUNCTION, "unregistered: H_FUNCTION");
    hcall_register(&mach, H_ENTER, dummy_handler, NULL);
    is_i64(hcall(&cpus[0], H_ENTER, 1, 0, 0, 0), H_SUCCESS, "an opcode can be registered again");
    hcall_unregister(&mach, H_ENTER);

    char err[256] = "";
    is_i64(hcall_init(&mach, err, sizeof err), -1, "hcall_init twice fails");
    has_substr(err, "installed already", "and says why");
}

/* ---- dispatch ----------------------------------------------------------- */

/* Runs FN with stderr going to a temporary file; returns what it wrote. */
static char *capture_stderr(void (*fn)(void))
{
    static char buf[4096];
    FILE *tmp = tmpfile();
    int saved = dup(2);
    fflush(stderr);
    dup2(fileno(tmp), 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(buf, 1, sizeof buf - 1, tmp);
    buf[n] = 0;
    fclose(tmp);
    return buf;
}

static int64_t unknown_rets[3];
static void call_unknown_thrice(void)
{
    unknown_rets[0] = hcall(&cpus[0], 0x1000, 0, 0, 0, 0);
    unknown_rets[1] = hcall(&cpus[0], 0x1000, 0, 0, 0, 0);
    unknown_rets[2] = hcall(&cpus[0], 0xf0f0, 0, 0, 0, 0);
}

static void test_unknown(void)
{
    /* QEMU 7.2: 0x5a, 0x1000 and 0xf0f0 all answer H_FUNCTION. */
    struct cpu *c = &cpus[0];
    for (unsigned i = 4; i <= 12; i++)
        c->gpr[i] = 0x100 + i;
    c->gpr[3] = 0x5a;
    hcall_dispatch(&mach, c);
    is_i64((int64_t)c->gpr[3], H_FUNCTION, "opcode 0x5a: H_FUNCTION");
    bool kept = true;
    for (unsigned i = 4; i <= 12; i++)
        kept &= c->gpr[i] == 0x100 + i;
    ok(kept, "r4..r12 keep their values when nothing writes them");

    char *out = capture_stderr(call_unknown_thrice);
    is_i64(unknown_rets[0], H_FUNCTION, "opcode 0x1000: H_FUNCTION");
    is_i64(unknown_rets[2], H_FUNCTION, "opcode 0xf0f0: H_FUNCTION");
    const char *first = strstr(out, "0x1000");
    ok(first && !strstr(first + 1, "0x1000"), "an unknown opcode is reported once");
    has_substr(out, "0xf0f0", "each unknown opcode is reported");
    is_i64(hcall(c, H_HOME_NODE_ASSOCIATIVITY, 0, 0, 0, 0), H_FUNCTION,
           "a named but unregistered hcall: H_FUNCTION");
    is_i64(hcall(c, (1ull << 32) | H_SET_SPRG0, 0, 0, 0, 0), H_FUNCTION,
           "an opcode above 32 bits is not truncated into a known one");

    c->msr[0] |= MSR_PR;
    is_i64(hcall(c, H_SET_SPRG0, 5, 0, 0, 0), H_PRIVILEGE, "from problem state: H_PRIVILEGE");
    c->msr[0] &= ~MSR_PR;

    /* What the CPU calls: the machine's hypervisor hook. */
    c->gpr[3] = H_SET_SPRG0;
    c->gpr[4] = 0xabc;
    mach.hypervisor(&mach, c, mach.hypervisor_opaque);
    ok(c->gpr[3] == H_SUCCESS && c->sprg[0] == 0xabc, "m->hypervisor dispatches");
}

/* ---- platform hcalls ---------------------------------------------------- */

static void test_set_mode(void)
{
    struct cpu *c = &cpus[0];
    is_i64(hcall(c, H_SET_MODE, 1, 4, 0, 0), H_SUCCESS, "H_SET_MODE LE little");
    ok((cpus[0].lpcr[0] & LPCR_ILE) && (cpus[1].lpcr[0] & LPCR_ILE), "LPCR[ILE] set on every CPU");
    is_i64(hcall(c, H_SET_MODE, 2, 4, 0, 0), H_UNSUPPORTED_FLAG, "LE mflags 2: H_UNSUPPORTED_FLAG");
    ok(cpus[1].lpcr[0] & LPCR_ILE, "a refused call changes nothing");
    is_i64(hcall(c, H_SET_MODE, 0, 4, 1, 0), H_P3, "LE value1 != 0: H_P3");
    is_i64(hcall(c, H_SET_MODE, 0, 4, 0, 1), H_P4, "LE value2 != 0: H_P4");
    is_i64(hcall(c, H_SET_MODE, 5, 4, 1, 1), H_P3, "value1 is checked before value2 and mflags");
    is_i64(hcall(c, H_SET_MODE, 0, 4, 0, 0), H_SUCCESS, "H_SET_MODE LE big");
    ok(!(cpus[0].lpcr[0] & LPCR_ILE) && !(cpus[1].lpcr[0] & LPCR_ILE),
       "LPCR[ILE] cleared on every CPU");

    is_i64(hcall(c, H_SET_MODE, 3, 3, 0, 0), H_SUCCESS, "AIL 3");
    ok(((cpus[0].lpcr[0] & LPCR_AIL_MASK) >> LPCR_AIL_SHIFT) == 3 &&
       ((cpus[1].lpcr[0] & LPCR_AIL_MASK) >> LPCR_AIL_SHIFT) == 3, "LPCR[AIL] = 3 on every CPU");
    is_i64(hcall(c, H_SET_MODE, 2, 3, 0, 0), H_SUCCESS, "AIL 2 (accepted on POWER8)");
    is_u64((cpus[1].lpcr[0] & LPCR_AIL_MASK) >> LPCR_AIL_SHIFT, 2, "LPCR[AIL] = 2");
    is_i64(hcall(c, H_SET_MODE, 1, 3, 0, 0), H_UNSUPPORTED_FLAG, "AIL 1 is reserved");
    is_i64(hcall(c, H_SET_MODE, 4, 3, 0, 0), H_UNSUPPORTED_FLAG, "AIL 4 does not exist");
    is_i64(hcall(c, H_SET_MODE, 0, 3, 1, 0), H_P3, "AIL value1 != 0: H_P3");
    is_i64(hcall(c, H_SET_MODE, 0, 3, 0, 2), H_P4, "AIL value2 != 0: H_P4");
    is_i64(hcall(c, H_SET_MODE, 0, 3, 0, 0), H_SUCCESS, "AIL 0");
    is_u64(cpus[0].lpcr[0] & LPCR_AIL_MASK, 0, "LPCR[AIL] = 0");
    static const uint64_t other[] = { 0, 1, 2, 5, 99 };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        is_i64(hcall(c, H_SET_MODE, 0, other[i], 0, 0), H_P2, "resource %llu: H_P2",
               (unsigned long long)other[i]);
}

static void test_sprg_dabr(void)
{
    struct cpu *c = &cpus[1];
    is_i64(hcall(c, H_SET_SPRG0, 0x1234, 0, 0, 0), H_SUCCESS, "H_SET_SPRG0");
    is_u64(c->sprg[0], 0x1234, "SPRG0 of the calling CPU");
    is_u64(cpus[0].sprg[0] == 0x1234, 0, "not of another CPU");

    /* KVM-HV on POWER8: DAWR = DABR & ~7; DAWRX = DABRX | read->DR (0x20),
     * write->DW (0x40), translation->WT (0x10). */
    is_i64(hcall(c, H_SET_DABR, 0x1007, 0, 0, 0), H_SUCCESS, "H_SET_DABR");
    is_u64(c->dawr[0], 0x1000, "DAWR from the DABR address");
    is_u64(c->dawrx[0], 0x73, "DAWRX: user+kernel, DR, DW, WT");
    is_i64(hcall(c, H_SET_XDABR, 0x2002, 0x1, 0, 0), H_SUCCESS, "H_SET_XDABR user only");
    is_u64(c->dawr[0], 0x2000, "DAWR");
    is_u64(c->dawrx[0], 0x41, "DAWRX: user, DW");
    is_i64(hcall(c, H_SET_XDABR, 0x3001, 0xa, 0, 0), H_SUCCESS, "H_SET_XDABR kernel + BTI");
    is_u64(c->dawrx[0], 0x2a, "DAWRX: kernel, WTI, DR");
    static const uint64_t bad[] = { 0x0, 0x4, 0x5, 0x8, 0x10, 0x13 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        is_i64(hcall(c, H_SET_XDABR, 0x4000, bad[i], 0, 0), H_PARAMETER,
               "H_SET_XDABR dabrx 0x%llx: H_PARAMETER", (unsigned long long)bad[i]);
    is_u64(c->dawr[0], 0x3000, "refused calls leave the DAWR alone");
}

#define H_ZERO_PAGE (1ull << (63 - 48))
#define H_COPY_PAGE (1ull << (63 - 49))
#define H_ICACHE_BOTH ((1ull << (63 - 40)) | (1ull << (63 - 41)))

static void test_page_init(void)
{
    struct cpu *c = &cpus[0];
    struct guest_memory *mem = &mach.mem;
    uint8_t src[4096], dst[4096], got[4096];
    for (int i = 0; i < 4096; i++) {
        src[i] = (uint8_t)i;
        dst[i] = 0x55;
    }
    memory_write(mem, 0x200000, src, sizeof src);
    memory_write(mem, 0x201000, dst, sizeof dst);

    is_i64(hcall(c, H_PAGE_INIT, H_COPY_PAGE, 0x201000, 0x200000, 0), H_SUCCESS, "copy page");
    memory_read(mem, 0x201000, got, sizeof got);
    is_mem(got, src, sizeof src, "the page is copied");
    is_i64(hcall(c, H_PAGE_INIT, H_ZERO_PAGE, 0x201000, 0, 0), H_SUCCESS, "zero page");
    memset(dst, 0, sizeof dst);
    memory_read(mem, 0x201000, got, sizeof got);
    is_mem(got, dst, sizeof dst, "the page is zeroed");
    is_i64(hcall(c, H_PAGE_INIT, H_ZERO_PAGE | H_COPY_PAGE, 0x201000, 0x200000, 0), H_SUCCESS,
           "zero and copy");
    memory_read(mem, 0x201000, got, sizeof got);
    is_mem(got, src, sizeof src, "copy wins over zero");
    is_i64(hcall(c, H_PAGE_INIT, 0, 0x201000, 0, 0), H_SUCCESS, "no flags: nothing to do");
    is_i64(hcall(c, H_PAGE_INIT, H_ICACHE_BOTH, 0x201000, 0, 0), H_SUCCESS, "icache flags only");
    is_i64(hcall(c, H_PAGE_INIT, H_ZERO_PAGE, RAM_SIZE - 4096, 0, 0), H_SUCCESS, "the last page");

    static const struct {
        uint64_t flags, dst, src;
        const char *what;
    } bad[] = {
        { 1, 0x201000, 0, "an unknown flag" },
        { H_ZERO_PAGE, 0x201010, 0, "an unaligned destination" },
        { H_ZERO_PAGE, RAM_SIZE, 0, "a destination past RAM" },
        { H_ZERO_PAGE, ~0xfffull, 0, "a destination at the top of the address space" },
        { 0, RAM_SIZE + 0x10000, 0, "no flags but a destination past RAM" },
        { H_COPY_PAGE, 0x201000, 0x200008, "an unaligned source" },
        { H_COPY_PAGE, 0x201000, RAM_SIZE, "a source past RAM" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        is_i64(hcall(c, H_PAGE_INIT, bad[i].flags, bad[i].dst, bad[i].src, 0), H_PARAMETER,
               "H_PAGE_INIT with %s: H_PARAMETER", bad[i].what);
}

/* Code the CPU has run and decoded, overwritten by H_PAGE_INIT: the next
 * run must see the new instructions. (On the last CPU initialised: guest
 * memory has one code watcher, the CPU whose cpu_init ran last.) */
static void test_page_init_code(void)
{
    struct machine *m = &mach;
    struct cpu *c = &cpus[NCPUS - 1];
    static const uint64_t page_a = 0x20000, page_b = 0x21000;
    uint32_t code_a[2] = { asm_li(3, 1), asm_attn() }, code_b[2] = { asm_li(3, 2), asm_attn() };
    for (int i = 0; i < 2; i++) {
        hcall_write_be32(m, page_a + 4 * i, code_a[i]);
        hcall_write_be32(m, page_b + 4 * i, code_b[i]);
    }
    c->nip[0] = page_a;
    c->gpr[3] = 0;
    ok(cpu_run(c, 100) == CPU_STOP_ATTN && c->gpr[3] == 1, "the old code runs (r3 = 1)");
    uint64_t saved_r3;
    c->gpr[3] = H_PAGE_INIT;
    c->gpr[4] = H_COPY_PAGE;
    c->gpr[5] = page_a;
    c->gpr[6] = page_b;
    hcall_dispatch(m, c);
    saved_r3 = c->gpr[3];
    is_i64((int64_t)saved_r3, H_SUCCESS, "H_PAGE_INIT copies over the code page");
    c->nip[0] = page_a;
    c->gpr[3] = 0;
    ok(cpu_run(c, 100) == CPU_STOP_ATTN && c->gpr[3] == 2, "the new code runs (r3 = 2)");
}

/* A device for H_LOGICAL_CI_*: registers read back as 0xd0 + offset,
 * writes remembered; offset 0x80 refuses. */
struct test_dev {
    uint64_t offset, value;
    unsigned size, reads, writes;
};

static bool dev_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct test_dev *d = opaque;
    d->reads++;
    d->offset = offset;
    d->size = size;
    *value = 0xd0 + offset;
    return offset != 0x80;
}

static bool dev_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct test_dev *d = opaque;
    d->writes++;
    d->offset = offset;
    d->size = size;
    d->value = value;
    return offset != 0x80;
}

static void test_logical_ci(void)
{
    static const struct mmio_ops ops = { dev_read, dev_write };
    static struct test_dev dev;
    struct cpu *c = &cpus[0];
    const uint64_t mmio = 0x200000000ull;
    if (memory_add_mmio(&mach.mem, "testdev", mmio, 0x1000, &ops, &dev) < 0)
        tap_bail("memory_add_mmio");
    uint8_t bytes[16];
    for (int i = 0; i < 16; i++)
        bytes[i] = (uint8_t)i;
    memory_write(&mach.mem, 0x300000, bytes, sizeof bytes);

    static const struct {
        uint64_t size, addr, value;
    } loads[] = {
        { 1, 0x300005, 0x05 }, { 2, 0x300006, 0x0607 }, { 4, 0x300004, 0x04050607 },
        { 8, 0x300008, 0x08090a0b0c0d0e0full }, { 4, 0x300001, 0x01020304 },
    };
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        int64_t rc = hcall(c, H_LOGICAL_CI_LOAD, loads[i].size, loads[i].addr, 0, 0);
        ok(rc == H_SUCCESS && c->gpr[4] == loads[i].value,
           "H_LOGICAL_CI_LOAD size %llu at 0x%llx reads big-endian 0x%llx",
           (unsigned long long)loads[i].size, (unsigned long long)loads[i].addr,
           (unsigned long long)loads[i].value);
    }
    is_i64(hcall(c, H_LOGICAL_CI_LOAD, 3, 0x300000, 0, 0), H_PARAMETER, "size 3: H_PARAMETER");
    is_i64(hcall(c, H_LOGICAL_CI_LOAD, 16, 0x300000, 0, 0), H_PARAMETER, "size 16: H_PARAMETER");
    ok(hcall(c, H_LOGICAL_CI_LOAD, 4, 0x50000000, 0, 0) == H_SUCCESS && c->gpr[4] == 0,
       "an address hitting nothing reads 0 with H_SUCCESS (as QEMU)");
    ok(hcall(c, H_LOGICAL_CACHE_LOAD, 2, 0x300006, 0, 0) == H_SUCCESS && c->gpr[4] == 0x0607,
       "H_LOGICAL_CACHE_LOAD reads the same");

    is_i64(hcall(c, H_LOGICAL_CI_STORE, 8, 0x300100, 0x1122334455667788ull, 0), H_SUCCESS,
           "H_LOGICAL_CI_STORE size 8");
    uint8_t got[8], want8[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    memory_read(&mach.mem, 0x300100, got, 8);
    is_mem(got, want8, 8, "stored big-endian");
    is_i64(hcall(c, H_LOGICAL_CI_STORE, 2, 0x300200, 0xffffabcd, 0), H_SUCCESS, "size 2");
    memory_read(&mach.mem, 0x300200, got, 3);
    ok(got[0] == 0xab && got[1] == 0xcd && got[2] == 0, "only the low 2 bytes are stored");
    is_i64(hcall(c, H_LOGICAL_CI_STORE, 3, 0x300200, 0, 0), H_PARAMETER, "store size 3");
    is_i64(hcall(c, H_LOGICAL_CI_STORE, 4, 0x50000000, 1, 0), H_SUCCESS,
           "a store hitting nothing: H_SUCCESS (as QEMU)");
    is_i64(hcall(c, H_LOGICAL_CACHE_STORE, 1, 0x300300, 0x5a, 0), H_SUCCESS,
           "H_LOGICAL_CACHE_STORE");
    is_i64(hcall(c, H_LOGICAL_ICBI, 0x300000, 0, 0, 0), H_SUCCESS, "H_LOGICAL_ICBI");
    is_i64(hcall(c, H_LOGICAL_DCBF, 0x300000, 0, 0, 0), H_SUCCESS, "H_LOGICAL_DCBF");

    ok(hcall(c, H_LOGICAL_CI_LOAD, 4, mmio + 0x10, 0, 0) == H_SUCCESS && c->gpr[4] == 0xe0 &&
       dev.offset == 0x10 && dev.size == 4, "a load from a device goes through its ops");
    ok(hcall(c, H_LOGICAL_CI_STORE, 2, mmio + 0x20, 0x1234, 0) == H_SUCCESS && dev.writes == 1 &&
       dev.offset == 0x20 && dev.size == 2 && dev.value == 0x1234, "a store to a device too");
    is_i64(hcall(c, H_LOGICAL_CI_LOAD, 4, mmio + 0x80, 0, 0), H_HARDWARE,
           "a device refusing the load: H_HARDWARE");
    is_i64(hcall(c, H_LOGICAL_CI_STORE, 4, mmio + 0x80, 0, 0), H_HARDWARE,
           "a device refusing the store: H_HARDWARE");
    unsigned reads = dev.reads;
    ok(hcall(c, H_LOGICAL_CI_LOAD, 8, mmio + 0xffc, 0, 0) == H_SUCCESS && dev.reads == reads,
       "an access running off the device's end does not reach it");
}

/* ---- events ------------------------------------------------------------- */

struct seen_hcall {
    unsigned count;
    uint32_t opcode;
    unsigned nargs, nrets;
    uint64_t args[HCALL_MAX_ARGS], rets[HCALL_MAX_RETS];
    int64_t ret;
};

static void observe(void *opaque, const struct event *e)
{
    struct seen_hcall *s = opaque;
    if (e->kind != EVENT_HCALL)
        return;
    s->count++;
    s->opcode = e->u.hcall.opcode;
    s->nargs = e->u.hcall.nargs;
    s->nrets = e->u.hcall.nrets;
    s->ret = e->u.hcall.ret;
    memcpy(s->args, e->u.hcall.args, s->nargs * sizeof s->args[0]);
    memcpy(s->rets, e->u.hcall.rets, s->nrets * sizeof s->rets[0]);
}

static void test_events(void)
{
    static struct seen_hcall seen;
    struct cpu *c = &cpus[0];
    if (event_observe(&mach.events, observe, &seen) < 0)
        tap_bail("event_observe");
    hcall_write_be32(&mach, 0x300000, 0xcafef00d);
    hcall(c, H_LOGICAL_CI_LOAD, 4, 0x300000, 0x77, 0x88);
    is_u64(seen.count, 1, "one event per hcall");
    is_u64(seen.opcode, H_LOGICAL_CI_LOAD, "opcode");
    is_u64(seen.nargs, 2, "as many arguments as the table says");
    ok(seen.args[0] == 4 && seen.args[1] == 0x300000, "the arguments on entry");
    is_i64(seen.ret, H_SUCCESS, "the return code");
    is_u64(seen.nrets, 1, "as many outputs as the table says");
    is_u64(seen.rets[0], 0xcafef00d, "the output");

    hcall(c, H_SET_MODE, 7, 4, 0, 0);
    ok(seen.count == 2 && seen.nargs == 4 && seen.args[0] == 7 && seen.args[1] == 4 &&
       seen.ret == H_UNSUPPORTED_FLAG && seen.nrets == 0, "a failing call is an event too");
    c->gpr[12] = 0x1212;
    hcall(c, 0x1000, 1, 2, 3, 4);
    ok(seen.count == 3 && seen.opcode == 0x1000 && seen.ret == H_FUNCTION &&
       seen.nargs == HCALL_MAX_ARGS && seen.args[8] == 0x1212 && seen.nrets == 0,
       "an unknown opcode: all of r4..r12 recorded, no outputs");
    mach.events.count = 0;          /* detach: later tests count nothing */
}

/* ---- ibm,hypertas-functions --------------------------------------------- */

static void *build_tree(struct machine *m)
{
    static uint8_t fdt[1 << 16];
    if (fdt_create_empty_tree(fdt, sizeof fdt) != 0)
        tap_bail("fdt_create_empty_tree");
    for (unsigned i = 0; i < m->n_fdt_parts; i++) {
        int rc = m->fdt_parts[i].fn(m, fdt, m->fdt_parts[i].opaque);
        if (rc != 0)
            tap_diag("tree part %u: %s", i, fdt_strerror(rc));
    }
    return fdt;
}

static void test_hypertas(void)
{
    static const char platform_sets[] =
        "hcall-sprg0\0hcall-dabr\0hcall-copy\0hcall-debug\0hcall-splpar\0hcall-xdabr\0hcall-join\0"
        "hcall-set-mode";
    void *fdt = build_tree(&mach);
    int node = fdt_path_offset(fdt, "/rtas"), len = -1;
    const char *prop = fdt_getprop(fdt, node, "ibm,hypertas-functions", &len);
    ok(prop && len == (int)sizeof platform_sets && memcmp(prop, platform_sets, (size_t)len) == 0,
       "ibm,hypertas-functions: each registered set once, in opcode order");

    hcall_register(&mach, H_REMOVE, dummy_handler, NULL);
    hcall_register(&mach, H_ENTER, dummy_handler, NULL);
    fdt = build_tree(&mach);
    node = fdt_path_offset(fdt, "/rtas");
    prop = fdt_getprop(fdt, node, "ibm,hypertas-functions", &len);
    ok(prop && len == (int)(sizeof "hcall-pft" + sizeof platform_sets) &&
       strcmp(prop, "hcall-pft") == 0 &&
       memcmp(prop + sizeof "hcall-pft", platform_sets, sizeof platform_sets) == 0,
       "two hcalls of one set add it once");
    ok(fdt_getprop(fdt, node, "qemu,hypertas-functions", NULL) == NULL,
       "no qemu,hypertas-functions (KVMPPC_H_LOGICAL_MEMOP is not implemented)");
    hcall_unregister(&mach, H_REMOVE);
    hcall_unregister(&mach, H_ENTER);
}

static void test_destroy(void)
{
    struct machine m;
    struct cpu c[1];
    machine_setup(&m, c, 1, 16ull << 20);
    hcall_destroy(&m);
    ok(m.hypervisor == NULL && m.hypervisor_opaque == NULL, "hcall_destroy uninstalls the layer");
    hcall_unregister(&m, H_SET_MODE);
    ok(1, "hcall_unregister after hcall_destroy is harmless");
    hcall_destroy(&m);
    ok(1, "hcall_destroy twice is harmless");
    for (unsigned i = 0; i < m.ncpus; i++)
        cpu_destroy(&m.cpus[i]);
    memory_destroy(&m.mem);
}

/* ---- XICS, through the whole machine builder ----------------------------- */

static void test_xics(void)
{
    static const char dts[] =
        "/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n"
        "\tinterrupt-controller {\n\t\tcompatible = \"IBM,ppc-xicp\";\n\t};\n};\n";
    char path[] = "/tmp/ppcrr-test-xics-XXXXXX.dts";
    int fd = mkstemps(path, 4);
    if (fd < 0 || write(fd, dts, sizeof dts - 1) != (ssize_t)(sizeof dts - 1))
        tap_bail("cannot write %s", path);
    close(fd);
    struct machine_config cfg = { .ram_size = 64ull << 20, .smp = 3, .machine_file = path,
                                  .serial = "null" };
    static struct machine m;
    char err[512] = "";
    bool built = machine_create(&m, &cfg, err, sizeof err) == 0 &&
                 hcall_init(&m, err, sizeof err) == 0 && machine_realize(&m, err, sizeof err) == 0;
    unlink(path);
    if (!ok(built, "a machine with an IBM,ppc-xicp node builds (%s)", err)) {
        machine_destroy(&m);
        return;
    }
    size_t xics_inputs = 0, first = m.n_irq_inputs, last = 0;
    for (size_t i = 0; i < m.n_irq_inputs; i++) {
        unsigned n;
        char extra;
        if (sscanf(m.irq_inputs[i].name, "xics.%u%c", &n, &extra) != 1)
            continue;
        xics_inputs++;
        if (n == 4096)
            first = i;
        if (n == 5119)
            last = i;
    }
    is_u64(xics_inputs, 1024, "1024 input lines named xics.N");
    ok(first < m.n_irq_inputs && last, "from xics.4096 to xics.5119");
    if (first < m.n_irq_inputs) {
        struct irq_input *in = &m.irq_inputs[first];
        in->fn(in->opaque, 1);
        ok(1, "xics.4096 takes a level");
    }
    if (machine_build_fdt(&m, err, sizeof err) == 0) {
        int node = fdt_path_offset(m.guest_fdt, "/interrupt-controller"), len = 0;
        const fdt32_t *r = fdt_getprop(m.guest_fdt, node, "ibm,interrupt-server-ranges", &len);
        ok(r && len == 8 && fdt32_to_cpu(r[0]) == 0 && fdt32_to_cpu(r[1]) == 3,
           "ibm,interrupt-server-ranges = <0 3> for 3 vCPUs");
        const char *dt = fdt_getprop(m.guest_fdt, node, "device_type", NULL);
        is_str(dt, "PowerPC-External-Interrupt-Presentation", "device_type filled in");
        ok(fdt_getprop(m.guest_fdt, node, "interrupt-controller", NULL) != NULL,
           "interrupt-controller filled in");
        r = fdt_getprop(m.guest_fdt, node, "#interrupt-cells", &len);
        ok(r && len == 4 && fdt32_to_cpu(r[0]) == 2, "#interrupt-cells = 2");
        ok(fdt_getprop(m.guest_fdt, fdt_path_offset(m.guest_fdt, "/rtas"),
                       "ibm,hypertas-functions", NULL) != NULL,
           "the built tree has /rtas ibm,hypertas-functions");
    } else {
        ok(0, "machine_build_fdt: %s", err);
    }
    hcall_destroy(&m);
    machine_destroy(&m);
}

int main(void)
{
    machine_setup(&mach, cpus, NCPUS, RAM_SIZE);
    test_registration();
    test_unknown();
    test_set_mode();
    test_sprg_dabr();
    test_page_init();
    test_page_init_code();
    test_logical_ci();
    test_events();
    test_hypertas();
    test_destroy();
    machine_teardown(&mach);
    test_xics();
    return tap_done();
}
