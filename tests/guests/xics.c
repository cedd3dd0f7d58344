/*
 * xics: the interrupt controller as a PAPR guest sees it, on 4 vCPUs.
 *   H_IPOLL   the boot CPU's ICP at rest (XIRR 0xff000000, MFRR 0xff); an
 *             IPI pending under MSR[EE] = 0 shows as XISR 2 with its MFRR;
 *             an unknown server -> H_PARAMETER
 *   0x500     that IPI is taken as an external interrupt once EE is set:
 *             H_XIRR gives CPPR 0xff | XISR 2 and raises the CPPR to the
 *             IPI's priority; H_IPI(0xff) and H_EOI end it
 *   H_CPPR    masking: an IPI less favoured than the CPPR is not presented
 *             (not taken, H_IPOLL's XISR 0); raising the CPPR delivers it
 *   nesting   accepted at priority 6, then a more favoured IPI (3) is
 *             presented and accepted (its XIRR carries CPPR 6); EOI of the
 *             inner restores CPPR 6, EOI of the outer 0xff; an IPI at 7
 *             stays masked under CPPR 6
 *   H_XIRR_X  the same XIRR as H_XIRR
 *   IPIs between vCPUs: a ring boot -> 1 -> 2 -> 3 -> boot, each taken at
 *             0x500 on its target vCPU (H_XIRR, H_IPI(0xff), H_EOI)
 *   H_IPI     of an unknown server -> H_PARAMETER
 *   RTAS      the vty's source (its `interrupts` property): ibm,get-xive
 *             of the reset state, ibm,set-xive then get-xive, ibm,int-off
 *             (priority 0xff) and ibm,int-on (the priority back); errors:
 *             an unknown source (100, below 4096, or 0x10000: outside
 *             both emulators; 7000 is a source on QEMU 7.2, which has
 *             4096 of them, and not on ppcrr, which has 1024), an unknown
 *             server, priority 0x100, the wrong number of arguments -> -3
 */
#include "runtime/runtime.h"

#define H_EOI 0x64
#define H_CPPR 0x68
#define H_IPI 0x6c
#define H_IPOLL 0x70
#define H_XIRR 0x74
#define H_XIRR_X 0x2fc
#define NCPUS 4
#define WAIT 50000000ul

static uint32_t ids[8];
static int boot_idx, n;
static volatile uint32_t ready, release, stopped_ok;
static volatile uint32_t got[NCPUS], got_xirr[NCPUS], handler_rc[NCPUS];
static volatile uint32_t ring_err;

static unsigned my_index(void)
{
    return (unsigned)mfspr(SPRN_SPRG0);
}

static void dec_handler(struct exc_frame *f)
{
    (void)f;
    mtspr(SPRN_DEC, 0x7fffffff);
}

/* Next in the ring after index i (skipping nothing: the ring is 0..n-1
 * rotated to start at the boot CPU). */
static int ring_next(int i)
{
    return (i + 1) % n;
}

static void ext_handler(struct exc_frame *f)
{
    (void)f;
    unsigned me = my_index();
    unsigned long r[9];
    long rc = hcall(H_XIRR, r, 0, 0, 0, 0, 0, 0, 0, 0);
    uint32_t xirr = (uint32_t)r[0];
    got_xirr[me] = xirr;
    long rc2 = hcall2(H_IPI, ids[me], 0xff);
    long rc3 = hcall1(H_EOI, xirr);
    handler_rc[me] = rc == 0 && rc2 == 0 && rc3 == 0;
    smp_mb();
    atomic_add(&got[me], 1);
    /* Pass the ring on, unless it came back to the boot CPU. */
    if ((xirr & 0xffffff) == 2 && (int)me != boot_idx) {
        int next = ring_next((int)me);
        if (hcall2(H_IPI, ids[next], 5) != 0)
            ring_err = 1;
    }
}

static void ee_on(void)
{
    mtmsrd(mfmsr() | MSR_EE);
}

static void ee_off(void)
{
    mtmsrd(mfmsr() & ~(uint64_t)MSR_EE);
}

static void secondary(unsigned long arg)
{
    mtspr(SPRN_SPRG0, arg & 0xff);
    mtspr(SPRN_DEC, 0x7fffffff);
    hcall1(H_CPPR, 0xff);
    ee_on();
    atomic_add(&ready, 1);
    while (!release)
        ;
    ee_off();
    hcall1(H_CPPR, 0);
}

static bool wait_for(volatile uint32_t *p, uint32_t want)
{
    for (unsigned long i = 0; i < WAIT; i++)
        if (*p >= want)
            return true;
    return false;
}

static long ipoll(uint32_t server, uint32_t *xirr, uint32_t *mfrr)
{
    unsigned long r[9] = {0};
    long rc = hcall(H_IPOLL, r, server, 0, 0, 0, 0, 0, 0, 0);
    *xirr = (uint32_t)r[0];
    *mfrr = (uint32_t)r[1];
    return rc;
}

static void test_local(void)
{
    uint32_t me = ids[boot_idx], xirr, mfrr;
    tap_is(hcall1(H_CPPR, 0xff), H_SUCCESS, "H_CPPR(0xff) on the boot CPU");
    long rc = ipoll(me, &xirr, &mfrr);
    tap_ok(rc == H_SUCCESS && xirr == 0xff000000u && mfrr == 0xff,
           "H_IPOLL at rest: XIRR 0xff000000, MFRR 0xff");
    tap_diag("H_IPOLL: rc %ld xirr 0x%x mfrr 0x%x", rc, xirr, mfrr);
    tap_is(ipoll(0xdead, &xirr, &mfrr), H_PARAMETER, "H_IPOLL of an unknown server -> H_PARAMETER");
    tap_is(hcall2(H_IPI, 0xdead, 5), H_PARAMETER, "H_IPI to an unknown server -> H_PARAMETER");

    /* An IPI to ourselves while EE = 0: pending, visible to H_IPOLL. */
    tap_is(hcall2(H_IPI, me, 5), H_SUCCESS, "H_IPI(self, 5) succeeds");
    ipoll(me, &xirr, &mfrr);
    tap_ok(xirr == 0xff000002u && mfrr == 5, "H_IPOLL: XISR 2 pending under CPPR 0xff, MFRR 5");
    tap_diag("H_IPOLL: xirr 0x%x mfrr 0x%x", xirr, mfrr);
    unsigned before = got[boot_idx];
    ee_on();
    __asm__ volatile("nop; nop; nop" ::: "memory");
    ee_off();
    tap_is(got[boot_idx] - before, 1, "MSR[EE] = 1: taken as an external interrupt (0x500)");
    tap_is(got_xirr[boot_idx], 0xff000002, "... H_XIRR in the handler: CPPR 0xff, XISR 2");
    tap_ok(handler_rc[boot_idx], "... H_XIRR, H_IPI(self, 0xff) and H_EOI succeed");
    ipoll(me, &xirr, &mfrr);
    tap_ok(xirr == 0xff000000u && mfrr == 0xff, "... afterwards nothing pending, CPPR 0xff again");

    /* Masking: CPPR 4, IPI at 6. */
    tap_is(hcall1(H_CPPR, 4), H_SUCCESS, "H_CPPR(4)");
    hcall2(H_IPI, me, 6);
    before = got[boot_idx];
    ee_on();
    for (volatile int i = 0; i < 1000; i++)
        ;
    ee_off();
    tap_is(got[boot_idx] - before, 0, "an IPI at priority 6 is masked under CPPR 4");
    ipoll(me, &xirr, &mfrr);
    tap_ok(xirr == 0x04000000u && mfrr == 6, "... H_IPOLL: CPPR 4, nothing presented, MFRR 6");
    tap_diag("H_IPOLL: xirr 0x%x mfrr 0x%x", xirr, mfrr);
    hcall1(H_CPPR, 7);
    ee_on();
    __asm__ volatile("nop; nop; nop" ::: "memory");
    ee_off();
    tap_is(got[boot_idx] - before, 1, "raising the CPPR to 7 delivers it");
    tap_is(got_xirr[boot_idx], 0x07000002, "... H_XIRR: CPPR 7, XISR 2");
    hcall1(H_CPPR, 0xff);

    /* Nesting, by polling with EE = 0. */
    unsigned long r[9];
    hcall2(H_IPI, me, 6);
    hcall(H_XIRR, r, 0, 0, 0, 0, 0, 0, 0, 0);
    uint32_t outer = (uint32_t)r[0];
    tap_is(outer, 0xff000002, "nesting: H_XIRR accepts the IPI at 6 (CPPR was 0xff)");
    hcall2(H_IPI, me, 0xff);
    ipoll(me, &xirr, &mfrr);
    tap_is(xirr, 0x06000000, "... the CPPR is now 6");
    hcall2(H_IPI, me, 7);
    ipoll(me, &xirr, &mfrr);
    tap_is(xirr, 0x06000000, "... an IPI at 7 is not presented under CPPR 6");
    hcall2(H_IPI, me, 3);
    ipoll(me, &xirr, &mfrr);
    tap_ok(xirr == 0x06000002u && mfrr == 3, "... one at 3 is (XISR 2, MFRR 3)");
    hcall(H_XIRR_X, r, 0, 0, 0, 0, 0, 0, 0, 0);
    uint32_t inner = (uint32_t)r[0];
    tap_is(inner, 0x06000002, "... H_XIRR_X accepts it: XIRR carries the outer CPPR 6");
    tap_diag("H_XIRR_X timebase 0x%lx", r[1]);
    ipoll(me, &xirr, &mfrr);
    tap_is(xirr >> 24, 3, "... the CPPR is now 3");
    hcall2(H_IPI, me, 0xff);
    tap_is(hcall1(H_EOI, inner), H_SUCCESS, "... H_EOI of the inner one");
    ipoll(me, &xirr, &mfrr);
    tap_is(xirr, 0x06000000, "... restores CPPR 6");
    tap_is(hcall1(H_EOI, outer), H_SUCCESS, "... H_EOI of the outer one");
    ipoll(me, &xirr, &mfrr);
    tap_ok(xirr == 0xff000000u && mfrr == 0xff, "... restores CPPR 0xff, nothing pending");
}

static void test_ring(void)
{
    rt_secondary_fn = secondary;
    smp_mb();
    bool started = true;
    for (int i = 0; i < n; i++)
        if (i != boot_idx)
            started &= smp_start_cpu(ids[i], (unsigned long)i) == 0;
    tap_ok(started && wait_for(&ready, NCPUS - 1), "three secondaries started, CPPR 0xff, EE on");
    unsigned before = got[boot_idx];
    ee_on();
    tap_is(hcall2(H_IPI, ids[ring_next(boot_idx)], 5), H_SUCCESS, "H_IPI to the next vCPU");
    bool back = wait_for(&got[boot_idx], before + 1);
    ee_off();
    tap_ok(back, "the IPI ring comes back to the boot CPU");
    bool each = true, hrc = true;
    for (int i = 0; i < n; i++) {
        if (i == boot_idx)
            continue;
        each &= got[i] == 1 && got_xirr[i] == 0xff000002u;
        hrc &= handler_rc[i] != 0;
        tap_diag("cpu %d: %u IPIs, xirr 0x%x", i, got[i], got_xirr[i]);
    }
    tap_ok(each, "each secondary took exactly one IPI at 0x500 (XIRR 0xff000002)");
    tap_ok(hrc && !ring_err, "... and its H_XIRR, H_IPI and H_EOI succeeded");
    tap_is(got_xirr[boot_idx], 0xff000002, "the boot CPU's XIRR: XISR 2");
    release = 1;
    smp_mb();
}

static int xive(const char *name, int nargs, int nret, uint32_t a0, uint32_t a1, uint32_t a2,
                uint32_t *rets)
{
    uint32_t args[3] = {a0, a1, a2};
    return rtas_call_named(name, nargs, nret, args, rets);
}

static void test_xive(void)
{
    int vty = -1, vdev = fdt_path(boot.fdt, "/vdevice");
    for (int c = vdev >= 0 ? fdt_first_child(boot.fdt, vdev) : -1; c >= 0;
         c = fdt_next_sibling(boot.fdt, c))
        if (fdt_is_compatible(boot.fdt, c, "hvterm1")) {
            vty = c;
            break;
        }
    int len = 0;
    const void *p = vty >= 0 ? fdt_prop(boot.fdt, vty, "interrupts", &len) : 0;
    tap_ok(p && len >= 4, "the vty has an interrupts property");
    uint32_t irq = p ? be32(p) : 0;
    tap_diag("vty source %u", irq);
    uint32_t me = ids[boot_idx], other = ids[ring_next(boot_idx)];
    uint32_t r[3] = {0, 0, 0};
    tap_is(xive("ibm,get-xive", 1, 3, irq, 0, 0, r), 0, "ibm,get-xive of the vty's source");
    tap_ok(r[1] == me && r[2] == 0xff, "... at reset: server 0, priority 0xff (masked)");
    tap_diag("get-xive: server %u priority 0x%x", r[1], r[2]);
    tap_is(xive("ibm,set-xive", 3, 1, irq, other, 5, r), 0, "ibm,set-xive(server %u, priority 5)",
           other);
    xive("ibm,get-xive", 1, 3, irq, 0, 0, r);
    tap_ok(r[0] == 0 && r[1] == other && r[2] == 5, "... ibm,get-xive reads them back");
    tap_is(xive("ibm,int-off", 1, 1, irq, 0, 0, r), 0, "ibm,int-off");
    xive("ibm,get-xive", 1, 3, irq, 0, 0, r);
    tap_ok(r[0] == 0 && r[1] == other && r[2] == 0xff, "... priority 0xff, the server kept");
    tap_is(xive("ibm,int-on", 1, 1, irq, 0, 0, r), 0, "ibm,int-on");
    xive("ibm,get-xive", 1, 3, irq, 0, 0, r);
    tap_ok(r[0] == 0 && r[1] == other && r[2] == 5, "... priority 5 again");

    tap_is(xive("ibm,set-xive", 3, 1, 0x10000, me, 5, r), RTAS_OUT_PARAM_ERROR,
           "ibm,set-xive of an unknown source -> -3");
    tap_is(xive("ibm,set-xive", 3, 1, irq, 0xdead, 5, r), RTAS_OUT_PARAM_ERROR,
           "ibm,set-xive to an unknown server -> -3");
    tap_is(xive("ibm,set-xive", 3, 1, irq, me, 0x100, r), RTAS_OUT_PARAM_ERROR,
           "ibm,set-xive with priority 0x100 -> -3");
    tap_is(xive("ibm,set-xive", 2, 1, irq, me, 0, r), RTAS_OUT_PARAM_ERROR,
           "ibm,set-xive with 2 arguments -> -3");
    tap_is(xive("ibm,get-xive", 1, 3, 100, 0, 0, r), RTAS_OUT_PARAM_ERROR,
           "ibm,get-xive of an unknown source -> -3");
    tap_is(xive("ibm,get-xive", 1, 2, irq, 0, 0, r), RTAS_OUT_PARAM_ERROR,
           "ibm,get-xive with 2 results -> -3");
    tap_is(xive("ibm,int-off", 1, 1, 0x10000, 0, 0, r), RTAS_OUT_PARAM_ERROR,
           "ibm,int-off of an unknown source -> -3");
    tap_is(xive("ibm,int-on", 1, 1, 100, 0, 0, r), RTAS_OUT_PARAM_ERROR,
           "ibm,int-on of an unknown source -> -3");
    xive("ibm,set-xive", 3, 1, irq, me, 0xff, r);
    xive("ibm,get-xive", 1, 3, irq, 0, 0, r);
    tap_ok(r[0] == 0 && r[1] == me && r[2] == 0xff, "set back to server %u, priority 0xff", me);
}

int main(void)
{
    n = smp_cpus(ids, 8);
    tap_is(n, NCPUS, "/cpus lists %d CPUs", NCPUS);
    if (n != NCPUS)
        rt_panic("run this guest with 4 vCPUs");
    boot_idx = 0;
    for (int i = 0; i < n; i++)
        if (ids[i] == smp_boot_id())
            boot_idx = i;
    mtspr(SPRN_SPRG0, boot_idx);
    mtspr(SPRN_DEC, 0x7fffffff);
    exc_set_handler(0x900, dec_handler);
    exc_set_handler(0x500, ext_handler);
    test_local();
    test_ring();
    test_xive();
    return 0;
}
