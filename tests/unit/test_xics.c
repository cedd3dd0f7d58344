/*
 * XICS (hcall/xics.c) on the shipped pSeries machine with two vCPUs, built
 * as `ppcrr run` builds it (machine_create, hcall_init, vio_init,
 * machine_realize), driven through hcall_dispatch() and RTAS argument
 * blocks the way a guest would, with input lines raised through
 * irq_set()/irq_pulse().
 *
 * Expected values are PAPR's and QEMU's (hw/intc/xics.c, xics_spapr.c;
 * KVM's book3s_xics.c agrees): XIRR = CPPR << 24 | XISR, IPIs have XISR 2,
 * an interrupt is presented only when its priority is below CPPR, a less
 * favoured pending interrupt is rejected back to its source and resent on
 * EOI or a CPPR raise, H_XIRR sets CPPR to the accepted priority (0xff
 * when nothing was pending), H_EOI restores the CPPR it is given, a level
 * source is presented again after EOI while still asserted, a message
 * source fires once per rising edge and remembers an edge while masked,
 * H_IPI/H_IPOLL with a server that does not exist give H_PARAMETER, and
 * every xive RTAS error is status -3. The last part runs a vCPU in a loop
 * with MSR[EE] = 1 and checks it takes the 0x500 interrupt.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emu/devices/power.h"
#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "hcall/xics.h"
#include "tests/common/guest_asm.h"
#include "tests/tap.h"
#include "vio/vio.h"

#define RAM_SIZE (64ull << 20)
#define BLK 0x100000ull             /* RTAS argument blocks */
#define LOOP 0x20000ull             /* the running vCPU's `b .` */

#define SRC_A 4100u                 /* message sources for the tests */
#define SRC_B 4101u
#define SRC_L 4102u                 /* made level-triggered */
#define VTY_SRC 4352u               /* the shipped vty's source */

static struct machine mach;
static struct cpu *cpu0, *cpu1;
static struct irq_line line_a, line_b, line_l;

static int64_t hc(struct cpu *c, uint64_t opcode, uint64_t a0, uint64_t a1, uint64_t *r4,
                  uint64_t *r5)
{
    c->gpr[3] = opcode;
    c->gpr[4] = a0;
    c->gpr[5] = a1;
    hcall_dispatch(&mach, c);
    if (r4)
        *r4 = c->gpr[4];
    if (r5)
        *r5 = c->gpr[5];
    return (int64_t)c->gpr[3];
}

static uint32_t xirr_accept(struct cpu *c)
{
    uint64_t x = 0;
    hc(c, H_XIRR, 0xff, 0, &x, NULL);
    return (uint32_t)x;
}

static void eoi(struct cpu *c, uint32_t xirr)
{
    hc(c, H_EOI, xirr, 0, NULL, NULL);
}

static void set_cppr(struct cpu *c, uint8_t cppr)
{
    hc(c, H_CPPR, cppr, 0, NULL, NULL);
}

/* XIRR of SERVER without accepting (H_IPOLL). */
static uint32_t poll(unsigned server)
{
    uint64_t x = 0;
    hc(cpu0, H_IPOLL, server, 0, &x, NULL);
    return (uint32_t)x;
}

/* An RTAS call; returns the status, results in RETS[1..]. */
static int32_t rtas(const char *name, uint32_t nargs, uint32_t nret, const uint32_t *args,
                    uint32_t *rets)
{
    hcall_write_be32(&mach, BLK, rtas_token(name));
    hcall_write_be32(&mach, BLK + 4, nargs);
    hcall_write_be32(&mach, BLK + 8, nret);
    for (uint32_t i = 0; i < nargs; i++)
        hcall_write_be32(&mach, BLK + 12 + 4 * i, args[i]);
    hc(cpu0, KVMPPC_H_RTAS, BLK, 0, NULL, NULL);
    uint32_t st = 0xdeadbeef;
    for (uint32_t i = 0; i < nret; i++) {
        uint32_t v = 0;
        hcall_read_be32(&mach, BLK + 12 + 4 * (nargs + i), &v);
        if (i == 0)
            st = v;
        if (rets)
            rets[i] = v;
    }
    return (int32_t)st;
}

static int32_t set_xive(uint32_t irq, uint32_t server, uint32_t prio)
{
    const uint32_t a[3] = { irq, server, prio };
    return rtas("ibm,set-xive", 3, 1, a, NULL);
}

/* A test-owned output line connected to the controller input NAME. */
static void connect_line(struct irq_line *l, const char *out, const char *in)
{
    for (size_t i = 0; i < mach.n_irq_inputs; i++)
        if (strcmp(mach.irq_inputs[i].name, in) == 0) {
            *l = (struct irq_line){ .name = (char *)out, .machine = &mach,
                                    .input = mach.irq_inputs[i].fn,
                                    .input_opaque = mach.irq_inputs[i].opaque,
                                    .input_name = (char *)in };
            return;
        }
    tap_bail("no input line %s", in);
}

static void setup(void)
{
    struct machine_config cfg = { .ram_size = RAM_SIZE, .smp = 2, .serial = "null" };
    power_device_register_type();      /* the shipped description has the power device */
    char err[512] = "";
    if (machine_create(&mach, &cfg, err, sizeof err) < 0 || hcall_init(&mach, err, sizeof err) < 0 ||
        vio_init(&mach, err, sizeof err) < 0 || machine_realize(&mach, err, sizeof err) < 0)
        tap_bail("building the machine: %s", err);
    cpu0 = &mach.cpus[0];
    cpu1 = &mach.cpus[1];
    connect_line(&line_a, "test.a", "xics.4100");
    connect_line(&line_b, "test.b", "xics.4101");
    connect_line(&line_l, "test.l", "xics.4102");
    if (!xics_set_source_lsi(&mach, SRC_L, true))
        tap_bail("xics_set_source_lsi");
}

/* ---- tree and reset state ---------------------------------------------- */

static void test_tree_and_reset(void)
{
    char err[256] = "";
    if (!ok(machine_build_fdt(&mach, err, sizeof err) == 0, "the guest tree builds (%s)", err))
        return;
    void *fdt = mach.guest_fdt;
    int node = fdt_path_offset(fdt, "/interrupt-controller"), len = 0;
    ok(node >= 0 && fdt_node_check_compatible(fdt, node, "IBM,ppc-xicp") == 0,
       "/interrupt-controller is IBM,ppc-xicp");
    const fdt32_t *r = fdt_getprop(fdt, node, "ibm,interrupt-server-ranges", &len);
    ok(r && len == 8 && fdt32_to_cpu(r[0]) == 0 && fdt32_to_cpu(r[1]) == 2,
       "ibm,interrupt-server-ranges <0 2> (servers = vCPU indexes)");
    is_str(fdt_getprop(fdt, node, "device_type", NULL), "PowerPC-External-Interrupt-Presentation",
           "device_type");
    ok(fdt_getprop(fdt, node, "interrupt-controller", NULL) != NULL, "interrupt-controller");
    r = fdt_getprop(fdt, node, "#interrupt-cells", &len);
    ok(r && len == 4 && fdt32_to_cpu(*r) == 2, "#interrupt-cells 2");
    is_u64(fdt_get_phandle(fdt, node), XICS_PHANDLE, "phandle 0x1111 as QEMU's");
    int rtas_node = fdt_path_offset(fdt, "/rtas");
    static const char *const calls[] = { "ibm,set-xive", "ibm,get-xive", "ibm,int-off",
                                         "ibm,int-on" };
    for (size_t i = 0; i < 4; i++) {
        r = fdt_getprop(fdt, rtas_node, calls[i], &len);
        ok(r && len == 4 && fdt32_to_cpu(*r) == 0x200a + i, "/rtas %s = 0x%zx (QEMU's token)",
           calls[i], 0x200a + i);
    }
    const char *h = fdt_getprop(fdt, rtas_node, "ibm,hypertas-functions", &len);
    bool found = false;
    for (int at = 0; h && at < len; at += (int)strlen(h + at) + 1)
        found |= strcmp(h + at, "hcall-interrupt") == 0;
    ok(found, "ibm,hypertas-functions has hcall-interrupt");

    uint64_t x = 1, m = 1;
    is_u64(hc(cpu0, H_IPOLL, 1, 0, &x, &m), H_SUCCESS, "H_IPOLL server 1");
    ok(x == 0 && m == 0xff, "after reset: XIRR 0 (CPPR 0, nothing pending), MFRR 0xff");
    is_u64(hc(cpu0, H_IPOLL, 2, 0, NULL, NULL), H_PARAMETER, "H_IPOLL server 2: H_PARAMETER");
    uint32_t rets[3];
    const uint32_t a[1] = { SRC_A };
    ok(rtas("ibm,get-xive", 1, 3, a, rets) == 0 && rets[1] == 0 && rets[2] == 0xff,
       "after reset a source is masked (priority 0xff) on server 0");
    ok(!cpu0->external_pending && !cpu1->external_pending, "no external input raised");
}

/* ---- IPIs --------------------------------------------------------------- */

static void test_ipi(void)
{
    set_cppr(cpu0, 0xff);
    set_cppr(cpu1, 0xff);
    is_u64(hc(cpu0, H_IPI, 1, 5, NULL, NULL), H_SUCCESS, "vCPU 0: H_IPI(1, 5)");
    ok(cpu1->external_pending && !cpu0->external_pending, "vCPU 1's input is raised, not 0's");
    uint64_t x = 0, m = 0;
    hc(cpu0, H_IPOLL, 1, 0, &x, &m);
    ok(x == 0xff000002 && m == 5, "H_IPOLL(1): XIRR 0xff000002, MFRR 5 (not accepted)");
    ok(cpu1->external_pending, "H_IPOLL leaves it pending");
    is_u64(xirr_accept(cpu1), 0xff000002, "vCPU 1: H_XIRR = 0xff000002 (XISR 2: IPI)");
    ok(!cpu1->external_pending, "accepted: input lowered");
    is_u64(poll(1), 0x05000000, "CPPR is now the IPI's priority 5");
    /* Linux clears MFRR before EOI; not doing so brings it back. */
    eoi(cpu1, 0xff000002);
    ok(cpu1->external_pending && poll(1) == 0xff000002, "EOI with MFRR still 5: presented again");
    xirr_accept(cpu1);
    hc(cpu0, H_IPI, 1, 0xff, NULL, NULL);
    eoi(cpu1, 0xff000002);
    ok(!cpu1->external_pending && poll(1) == 0xff000000, "MFRR 0xff then EOI: nothing, CPPR 0xff");
    is_u64(hc(cpu0, H_IPI, 2, 5, NULL, NULL), H_PARAMETER, "H_IPI to server 2: H_PARAMETER");
    is_u64(hc(cpu0, H_IPI, ~0ull, 5, NULL, NULL), H_PARAMETER, "H_IPI to server -1: H_PARAMETER");
    /* An IPI at the CPPR's own priority is not presented. */
    set_cppr(cpu0, 5);
    hc(cpu1, H_IPI, 0, 5, NULL, NULL);
    ok(!cpu0->external_pending, "MFRR 5 with CPPR 5: not presented (needs priority < CPPR)");
    set_cppr(cpu0, 6);
    ok(cpu0->external_pending && poll(0) == 0x06000002, "CPPR 6: the IPI comes in");
    uint64_t tb = 0;
    x = 0;
    hc(cpu0, H_XIRR_X, 0, 0, &x, &tb);
    ok(x == 0x06000002 && tb == cpu_tb(cpu0), "H_XIRR_X: XIRR and the guest timebase");
    hc(cpu1, H_IPI, 0, 0xff, NULL, NULL);
    eoi(cpu0, 0xff000002);
    ok(!cpu0->external_pending && poll(0) == 0xff000000, "vCPU 0 back to idle");
}

/* ---- priorities, EOI order, CPPR ---------------------------------------- */

static void test_priorities(void)
{
    ok(set_xive(SRC_A, 0, 5) == 0 && set_xive(SRC_B, 0, 3) == 0, "set-xive A prio 5, B prio 3");
    irq_set(&line_a, 1);
    ok(cpu0->external_pending && poll(0) == 0xff001004, "A fires: XIRR 0xff001004");
    irq_set(&line_b, 1);
    is_u64(poll(0), 0xff001005, "B (more favoured) replaces A, which goes back to its source");
    is_u64(xirr_accept(cpu0), 0xff001005, "H_XIRR takes B");
    ok(!cpu0->external_pending && poll(0) == 0x03000000, "CPPR 3, A waits (priority 5 >= 3)");
    eoi(cpu0, 0xff001005);
    ok(cpu0->external_pending && poll(0) == 0xff001004, "EOI of B restores CPPR 0xff: A resent");
    is_u64(xirr_accept(cpu0), 0xff001004, "H_XIRR takes A");
    eoi(cpu0, 0xff001004);
    ok(!cpu0->external_pending && poll(0) == 0xff000000, "EOI of A: nothing left");
    irq_set(&line_a, 0);
    irq_set(&line_b, 0);

    /* Nested: a more favoured interrupt while one is being handled. */
    irq_set(&line_a, 1);
    uint32_t xa = xirr_accept(cpu0);
    irq_set(&line_b, 1);
    ok(cpu0->external_pending && poll(0) == 0x05001005, "B (3) interrupts A's handler (CPPR 5)");
    uint32_t xb = xirr_accept(cpu0);
    eoi(cpu0, xb);
    is_u64(poll(0), 0x05000000, "EOI of B restores CPPR 5 (A's)");
    eoi(cpu0, xa);
    is_u64(poll(0), 0xff000000, "EOI of A restores CPPR 0xff");
    irq_set(&line_a, 0);
    irq_set(&line_b, 0);

    /* CPPR changes. */
    irq_set(&line_a, 1);
    ok(poll(0) == 0xff001004, "A pending at CPPR 0xff");
    set_cppr(cpu0, 4);
    ok(!cpu0->external_pending && poll(0) == 0x04000000, "H_CPPR(4) masks A: back to the source");
    set_cppr(cpu0, 5);
    ok(!cpu0->external_pending && poll(0) == 0x05000000, "H_CPPR(5): A (priority 5) still masked");
    set_cppr(cpu0, 0xff);
    ok(cpu0->external_pending && poll(0) == 0xff001004, "H_CPPR(0xff): A presented again");
    eoi(cpu0, xirr_accept(cpu0));
    irq_set(&line_a, 0);
    /* H_XIRR with nothing pending: XISR 0, and CPPR becomes 0xff (QEMU, KVM). */
    set_cppr(cpu0, 7);
    is_u64(xirr_accept(cpu0), 0x07000000, "H_XIRR with nothing pending: XISR 0");
    is_u64(poll(0), 0xff000000, "... and CPPR 0xff afterwards (QEMU's and KVM's behaviour)");
    /* Priority >= CPPR when it fires: rejected, resent on the CPPR raise. */
    set_cppr(cpu0, 2);
    irq_set(&line_b, 1);
    ok(!cpu0->external_pending, "B (3) fires at CPPR 2: not presented");
    set_cppr(cpu0, 0xff);
    ok(poll(0) == 0xff001005, "CPPR 0xff: B comes in");
    eoi(cpu0, xirr_accept(cpu0));
    irq_set(&line_b, 0);
}

/* ---- level and message sources ------------------------------------------ */

static void test_source_types(void)
{
    set_xive(SRC_L, 0, 5);
    irq_set(&line_l, 1);
    ok(poll(0) == 0xff001006, "level source asserted: presented");
    uint32_t x = xirr_accept(cpu0);
    eoi(cpu0, x);
    ok(cpu0->external_pending && poll(0) == 0xff001006, "EOI while still asserted: presented again");
    x = xirr_accept(cpu0);
    irq_set(&line_l, 0);
    eoi(cpu0, x);
    ok(!cpu0->external_pending && poll(0) == 0xff000000, "lowered before EOI: not again");

    /* A level source asserted while masked comes in when unmasked. */
    set_xive(SRC_L, 0, 0xff);
    irq_set(&line_l, 1);
    ok(!cpu0->external_pending, "masked level source asserted: nothing");
    set_xive(SRC_L, 0, 5);
    ok(poll(0) == 0xff001006, "unmasked while asserted: presented");
    irq_set(&line_l, 0);
    x = xirr_accept(cpu0);
    eoi(cpu0, x);
    ok(!cpu0->external_pending, "deasserted, EOI: done");

    /* A message source held high fires once. */
    irq_set(&line_a, 1);
    x = xirr_accept(cpu0);
    eoi(cpu0, x);
    ok(x == 0xff001004 && !cpu0->external_pending, "message source held high: one interrupt");
    irq_set(&line_a, 0);

    /* An edge while masked is remembered and delivered on unmask. */
    set_xive(SRC_A, 0, 0xff);
    irq_set(&line_a, 1);
    irq_set(&line_a, 0);
    ok(!cpu0->external_pending, "edge while masked: nothing yet");
    set_xive(SRC_A, 0, 5);
    ok(poll(0) == 0xff001004, "unmasked: the remembered edge is presented");
    eoi(cpu0, xirr_accept(cpu0));

    /* The vty's line (a pulse per input) on its message source 4352. */
    struct irq_line *vty = NULL;
    for (size_t i = 0; i < mach.n_irq_outputs; i++)
        if (strcmp(mach.irq_outputs[i]->input_name ? mach.irq_outputs[i]->input_name : "",
                   "xics.4352") == 0)
            vty = mach.irq_outputs[i];
    if (!ok(vty != NULL, "the vty's line drives xics.4352"))
        return;
    set_xive(VTY_SRC, 1, 5);
    irq_pulse(vty);
    ok(cpu1->external_pending && !cpu0->external_pending && poll(1) == 0xff001100,
       "a pulse on the vty line: one interrupt on server 1");
    x = xirr_accept(cpu1);
    eoi(cpu1, x);
    ok(!cpu1->external_pending, "after EOI: none again");
}

/* ---- RTAS --------------------------------------------------------------- */

static void test_rtas_calls(void)
{
    uint32_t r[3];
    const uint32_t a[1] = { SRC_B };
    is_u64((uint32_t)set_xive(SRC_B, 1, 7), 0, "set-xive(B, 1, 7)");
    ok(rtas("ibm,get-xive", 1, 3, a, r) == 0 && r[1] == 1 && r[2] == 7, "get-xive: server 1, 7");
    is_u64((uint32_t)rtas("ibm,int-off", 1, 1, a, NULL), 0, "int-off");
    ok(rtas("ibm,get-xive", 1, 3, a, r) == 0 && r[1] == 1 && r[2] == 0xff,
       "get-xive after int-off: priority 0xff, server kept");
    irq_set(&line_b, 1);
    ok(!cpu1->external_pending, "an edge while off: nothing");
    is_u64((uint32_t)rtas("ibm,int-on", 1, 1, a, NULL), 0, "int-on");
    ok(rtas("ibm,get-xive", 1, 3, a, r) == 0 && r[2] == 7, "get-xive after int-on: 7 restored");
    ok(cpu1->external_pending && poll(1) == 0xff001005, "the edge from while off is delivered");
    eoi(cpu1, xirr_accept(cpu1));
    irq_set(&line_b, 0);

    is_u64((uint32_t)set_xive(4095, 0, 5), (uint32_t)-3, "set-xive irq 4095: -3");
    is_u64((uint32_t)set_xive(5120, 0, 5), (uint32_t)-3, "set-xive irq 5120: -3");
    is_u64((uint32_t)set_xive(SRC_B, 2, 5), (uint32_t)-3, "set-xive server 2: -3");
    is_u64((uint32_t)set_xive(SRC_B, 0, 0x100), (uint32_t)-3, "set-xive priority 0x100: -3");
    ok(rtas("ibm,get-xive", 1, 3, a, r) == 0 && r[1] == 1 && r[2] == 7,
       "the refused calls changed nothing");
    const uint32_t a3[3] = { SRC_B, 0, 5 };
    is_u64((uint32_t)rtas("ibm,set-xive", 2, 1, a3, NULL), (uint32_t)-3, "set-xive nargs 2: -3");
    is_u64((uint32_t)rtas("ibm,get-xive", 1, 2, a, NULL), (uint32_t)-3, "get-xive nret 2: -3");
    const uint32_t bad[1] = { 100 };
    is_u64((uint32_t)rtas("ibm,get-xive", 1, 3, bad, NULL), (uint32_t)-3, "get-xive irq 100: -3");
    is_u64((uint32_t)rtas("ibm,int-off", 1, 1, bad, NULL), (uint32_t)-3, "int-off irq 100: -3");
    is_u64((uint32_t)rtas("ibm,int-on", 1, 1, bad, NULL), (uint32_t)-3, "int-on irq 100: -3");
    is_u64((uint32_t)rtas("ibm,int-on", 2, 1, a3, NULL), (uint32_t)-3, "int-on nargs 2: -3");
}

/* ---- a running vCPU takes the interrupt --------------------------------- */

static void test_cpu_takes_interrupt(void)
{
    hcall_write_be32(&mach, LOOP, asm_i(0, 0, 0));            /* b . */
    hcall_write_be32(&mach, VEC_EXTERNAL, asm_attn());
    cpu0->nip[0] = LOOP;
    cpu0->msr[0] = MSR_SF | MSR_ME;                          /* EE = 0 first */
    cpu0->stopped = false;
    set_cppr(cpu0, 0xff);
    hc(cpu1, H_IPI, 0, 4, NULL, NULL);
    ok(cpu0->external_pending, "IPI to vCPU 0: its input is raised");
    ok(cpu_run(cpu0, 1000) == CPU_STOP_BUDGET && cpu0->nip[0] == LOOP,
       "MSR[EE] = 0: it keeps looping");
    cpu0->msr[0] |= MSR_EE;
    ok(cpu_run(cpu0, 1000) == CPU_STOP_ATTN, "MSR[EE] = 1: it takes the interrupt (attn at 0x500)");
    ok(cpu0->srr0[0] == LOOP && (cpu0->srr1[0] & MSR_EE) && !(cpu0->msr[0] & MSR_EE),
       "SRR0 = the loop, SRR1[EE] = 1, MSR[EE] cleared");
    ok(cpu0->external_pending, "still pending until H_XIRR");
    is_u64(xirr_accept(cpu0), 0xff000002, "the handler's H_XIRR: the IPI");
    hc(cpu1, H_IPI, 0, 0xff, NULL, NULL);
    eoi(cpu0, 0xff000002);
    cpu0->nip[0] = LOOP;
    cpu0->msr[0] |= MSR_EE;
    ok(cpu_run(cpu0, 1000) == CPU_STOP_BUDGET && !cpu0->external_pending,
       "after EOI: it loops again");

    /* A device edge while the vCPU runs: irq_set from inside the run is
     * what a device does; here between turns, then the next turn takes it. */
    set_xive(SRC_A, 0, 5);
    irq_set(&line_a, 1);
    ok(cpu0->leave_run, "the change asks the interpreter to look (leave_run)");
    ok(cpu_run(cpu0, 1000) == CPU_STOP_ATTN && poll(0) == 0xff001004,
       "a source interrupt is taken too");
    eoi(cpu0, xirr_accept(cpu0));
    irq_set(&line_a, 0);
}

int main(void)
{
    setup();
    test_tree_and_reset();
    test_ipi();
    test_priorities();
    test_source_types();
    test_rtas_calls();
    test_cpu_takes_interrupt();
    hcall_destroy(&mach);
    machine_destroy(&mach);
    return tap_done();
}
