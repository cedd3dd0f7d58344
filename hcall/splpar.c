/*
 * The shared-processor LPAR hypercalls (PAPR "hcall-splpar", "hcall-join")
 * and the two small ones a pSeries Linux boot asks of every hypervisor:
 *   H_REGISTER_VPA   the per-vCPU VPA, SLB shadow and dispatch trace log
 *   H_CEDE           idle until an interrupt (or H_PROD) is for this vCPU
 *   H_PROD           wake a ceded vCPU
 *   H_CONFER         give the rest of this turn to others
 *   H_JOIN           stop until H_PROD, unless this is the last vCPU
 *   H_SIGNAL_SYS_RESET  a system reset interrupt for other vCPUs (NMI IPI)
 *   H_GET_CPU_CHARACTERISTICS, H_RANDOM (with the ibm,random-v1 node)
 * Scheduling itself (what idle means for time, when a ceded vCPU wakes)
 * is the machine's (emu/machine.h); these handlers only ask for it.
 *
 * Return codes follow QEMU's hw/ppc/spapr_hcall.c (h_register_vpa and its
 * helpers, h_cede, h_prod, h_confer, h_join, h_get_cpu_characteristics)
 * and spapr_rng.c, except where a comment says why not.
 */
#include <libfdt.h>

#include "emu/input.h"
#include "hcall/hcall.h"

/* H_REGISTER_VPA sub-functions: flags bits 16:18 (PAPR 14.11.3.2; QEMU's
 * FLAGS_*, Linux's vpa_call users in plpar_wrappers.h). */
#define VPA_FLAGS_MASK 0x0000e00000000000ull
#define FLAGS_REGISTER_VPA 0x0000200000000000ull
#define FLAGS_REGISTER_DTL 0x0000400000000000ull
#define FLAGS_REGISTER_SLBSHADOW 0x0000600000000000ull
#define FLAGS_DEREGISTER_VPA 0x0000a00000000000ull
#define FLAGS_DEREGISTER_DTL 0x0000c00000000000ull
#define FLAGS_DEREGISTER_SLBSHADOW 0x0000e00000000000ull

/* VPA layout bits the hypervisor reads or writes (Linux lppaca). */
#define VPA_MIN_SIZE 640u
#define VPA_SIZE_OFFSET 0x4u             /* u16 size of the VPA, set by the guest */
#define VPA_SHARED_PROC_OFFSET 0x9u
#define VPA_SHARED_PROC_VAL 0x2u         /* "shared processor": we time-share vCPUs */
#define VPA_DISPATCH_COUNTER 0x100u      /* u32 yield_count: odd while not dispatched */
#define POWER8_DCACHE_LINE 128u
#define DTL_MIN_SIZE 48u

/* PAPR bits, numbered from the MSB (QEMU spapr.h, Linux hvcall.h). */
#define PPC_BIT(n) (1ull << (63 - (n)))
#define H_CPU_CHAR_HON_BRANCH_HINTS PPC_BIT(5)
#define H_CPU_BEHAV_FAVOUR_SECURITY PPC_BIT(0)
#define H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY PPC_BIT(7)
#define H_CPU_BEHAV_NO_L1D_FLUSH_UACCESS PPC_BIT(8)

static uint32_t page_of(uint64_t a)
{
    return (uint32_t)(a / 4096);
}

static bool read_be16(struct machine *m, uint64_t addr, uint16_t *v)
{
    uint8_t b[2];
    if (!memory_read(&m->mem, addr, b, 2))
        return false;
    *v = (uint16_t)(b[0] << 8 | b[1]);
    return true;
}

static int64_t register_vpa(struct machine *m, struct cpu *t, uint64_t vpa)
{
    uint16_t size;
    uint8_t shared;
    if (vpa == 0)
        return H_HARDWARE;               /* QEMU: "can't cope with a VPA at 0" */
    if (vpa % POWER8_DCACHE_LINE)
        return H_PARAMETER;
    if (!read_be16(m, vpa + VPA_SIZE_OFFSET, &size) || size < VPA_MIN_SIZE)
        return H_PARAMETER;
    if (page_of(vpa) != page_of(vpa + size - 1))
        return H_PARAMETER;              /* may not cross a 4K page */
    if (!memory_read(&m->mem, vpa + VPA_SHARED_PROC_OFFSET, &shared, 1))
        return H_PARAMETER;
    shared |= VPA_SHARED_PROC_VAL;
    memory_write(&m->mem, vpa + VPA_SHARED_PROC_OFFSET, &shared, 1);
    t->vpa_addr[0] = vpa;
    return H_SUCCESS;
}

static int64_t register_slb_shadow(struct machine *m, struct cpu *t, uint64_t addr)
{
    uint32_t size;
    if (addr == 0)
        return H_HARDWARE;
    if (!hcall_read_be32(m, addr + 4, &size) || size < 8)
        return H_PARAMETER;
    if (page_of(addr) != page_of(addr + size - 1))
        return H_PARAMETER;
    if (!t->vpa_addr[0])
        return H_RESOURCE;               /* needs a VPA first */
    t->slb_shadow_addr[0] = addr;
    t->slb_shadow_size[0] = size;
    return H_SUCCESS;
}

static int64_t register_dtl(struct machine *m, struct cpu *t, uint64_t addr)
{
    uint32_t size;
    if (addr == 0)
        return H_HARDWARE;
    if (!hcall_read_be32(m, addr + 4, &size) || size < DTL_MIN_SIZE)
        return H_PARAMETER;
    if (!t->vpa_addr[0])
        return H_RESOURCE;
    t->dtl_addr[0] = addr;
    t->dtl_size[0] = size;
    return H_SUCCESS;
}

static int64_t h_register_vpa(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t flags = args[0], procno = args[1], addr = args[2];
    (void)rets;
    struct cpu *t = machine_cpu_by_server(ctx->machine, procno);
    if (!t)
        return H_PARAMETER;
    switch (flags) {
    case FLAGS_REGISTER_VPA:
        return register_vpa(ctx->machine, t, addr);
    case FLAGS_DEREGISTER_VPA:
        if (t->slb_shadow_addr[0] || t->dtl_addr[0])
            return H_RESOURCE;           /* the others hang off the VPA */
        t->vpa_addr[0] = 0;
        return H_SUCCESS;
    case FLAGS_REGISTER_SLBSHADOW:
        return register_slb_shadow(ctx->machine, t, addr);
    case FLAGS_DEREGISTER_SLBSHADOW:
        t->slb_shadow_addr[0] = t->slb_shadow_size[0] = 0;
        return H_SUCCESS;
    case FLAGS_REGISTER_DTL:
        return register_dtl(ctx->machine, t, addr);
    case FLAGS_DEREGISTER_DTL:
        t->dtl_addr[0] = t->dtl_size[0] = 0;
        return H_SUCCESS;
    default:
        return H_PARAMETER;              /* any other flags value, as QEMU */
    }
}

/* The machine tells us a vCPU went idle or woke: its VPA dispatch counter
 * goes odd while it is not dispatched and even again when it is, which is
 * what Linux's vcpu_is_preempted() and H_CONFER's dispatch check read. */
static void dispatch_changed(struct machine *m, struct cpu *c, void *opaque)
{
    (void)opaque;
    uint32_t n;
    if (c->vpa_addr[0] && hcall_read_be32(m, c->vpa_addr[0] + VPA_DISPATCH_COUNTER, &n))
        hcall_write_be32(m, c->vpa_addr[0] + VPA_DISPATCH_COUNTER, n + 1);
}

/* PAPR: H_CEDE sets MSR[EE] and sleeps until an interrupt is pending for
 * the caller; an H_PROD that came first makes it return at once (QEMU's
 * h_cede: prod flag, then cpu_has_work). */
static int64_t h_cede(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)args;
    (void)rets;
    struct cpu *c = ctx->cpu;
    c->msr[0] |= MSR_EE;
    c->leave_run = true;                 /* what is pending has changed */
    if (c->prod[0]) {
        c->prod[0] = false;
        return H_SUCCESS;
    }
    if (!c->external_pending && !cpu_dec_pending(c) && !c->sreset_pending[0])
        machine_cpu_idle(ctx->machine, c, CPU_IDLE_CEDED);
    return H_SUCCESS;
}

/* Wakes a ceded or joined vCPU. One that is not idle keeps the prod for
 * its next H_CEDE (PAPR). QEMU also sets the flag when it wakes one, so
 * there the next H_CEDE returns at once; here the prod is used up by the
 * wake. A vCPU stopped by RTAS is not started by H_PROD (QEMU's clearing
 * `halted` would start it -- not what PAPR describes). */
static int64_t h_prod(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)rets;
    struct cpu *t = machine_cpu_by_server(ctx->machine, args[0]);
    if (!t)
        return H_PARAMETER;
    if (t->stopped)
        return H_SUCCESS;
    if (t->idle[0] != CPU_IDLE_NONE)
        machine_cpu_wake(ctx->machine, t);
    else
        t->prod[0] = true;
    return H_SUCCESS;
}

/* H_SIGNAL_SYS_RESET targets (Linux asm/hvcall.h, QEMU spapr.h). */
#define SYS_RESET_ALL (-1)
#define SYS_RESET_ALL_OTHERS (-2)

static void signal_sys_reset(struct machine *m, struct cpu *t)
{
    if (t->stopped)
        return;
    t->sreset_pending[0] = 1;
    t->leave_run = true;
    if (t->idle[0] != CPU_IDLE_NONE)
        machine_cpu_wake(m, t);
}

/* A system reset interrupt (0x100) for one vCPU (the target is its server
 * number), for every vCPU (-1) or every other one (-2); other negative
 * targets are H_PARAMETER, an unknown vCPU too (QEMU's
 * h_signal_sys_reset). Linux uses it as its NMI IPI: crash dumps, xmon,
 * and the panic path that stops the other CPUs. The reset is taken at the
 * target's next instruction boundary -- the caller's right after the hcall
 * returns -- whatever its MSR[EE], and it wakes a ceded or joined vCPU.
 * vCPUs stopped through RTAS are left stopped (QEMU would start one at
 * 0x100 in whatever state it was left). */
static int64_t h_signal_sys_reset(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)rets;
    struct machine *m = ctx->machine;
    int64_t target = (int64_t)args[0];
    if (target >= 0) {
        struct cpu *t = machine_cpu_by_server(m, (uint64_t)target);
        if (!t)
            return H_PARAMETER;
        signal_sys_reset(m, t);
        return H_SUCCESS;
    }
    if (target != SYS_RESET_ALL && target != SYS_RESET_ALL_OTHERS)
        return H_PARAMETER;
    for (unsigned i = 0; i < m->ncpus; i++)
        if (target == SYS_RESET_ALL || &m->cpus[i] != ctx->cpu)
            signal_sys_reset(m, &m->cpus[i]);
    return H_SUCCESS;
}

/* Target -1: confer to all; a vCPU: confer to it, but only if its
 * dispatch counter (when the caller passes an odd one) still matches.
 * Either way the caller gives up the rest of its turn. */
static int64_t h_confer(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    int64_t target = (int64_t)args[0];
    uint32_t dispatch = (uint32_t)args[1];
    (void)rets;
    struct cpu *c = ctx->cpu;
    if (target < 0) {
        if (target != -1)
            return H_PARAMETER;
    } else {
        struct cpu *t = machine_cpu_by_server(ctx->machine, (uint64_t)target);
        uint32_t n;
        if (!t)
            return H_PARAMETER;
        if (t == c || !t->vpa_addr[0] || !(dispatch & 1))
            return H_SUCCESS;
        if (!hcall_read_be32(ctx->machine, t->vpa_addr[0] + VPA_DISPATCH_COUNTER, &n) || n != dispatch)
            return H_SUCCESS;            /* it has run since: nothing to give */
    }
    c->yield = true;
    cpu_request_stop(c, CPU_STOP_REQUEST);
    return H_SUCCESS;
}

/* QEMU's h_join: H_BAD_MODE with MSR[EE] on; H_CONTINUE for the last vCPU
 * not stopped or joined (it must not stop); else the caller waits for an
 * H_PROD. */
static int64_t h_join(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)args;
    (void)rets;
    struct machine *m = ctx->machine;
    struct cpu *c = ctx->cpu;
    if (c->msr[0] & MSR_EE)
        return H_BAD_MODE;
    bool last = true;
    for (unsigned i = 0; i < m->ncpus; i++) {
        const struct cpu *o = &m->cpus[i];
        if (o != c && !o->stopped && o->idle[0] != CPU_IDLE_JOINED)
            last = false;
    }
    if (last)
        return H_CONTINUE;
    machine_cpu_idle(m, c, CPU_IDLE_JOINED);
    return H_SUCCESS;
}

/* What QEMU answers with cap-cfpc=fixed, cap-sbbc=fixed, cap-ibs=fixed-na:
 * an interpreter does not speculate, so no flush or barrier is needed, and
 * telling Linux so spares it the L1-D displacement flush fallback on
 * every return to user space (QEMU's TCG default, "workaround", would ask
 * for ori 30,30,0 and an mtspr to TRIG2 there instead). */
static int64_t h_get_cpu_characteristics(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)ctx;
    (void)args;
    rets[0] = H_CPU_CHAR_HON_BRANCH_HINTS;
    rets[1] = H_CPU_BEHAV_FAVOUR_SECURITY | H_CPU_BEHAV_NO_L1D_FLUSH_ENTRY |
              H_CPU_BEHAV_NO_L1D_FLUSH_UACCESS;
    return H_SUCCESS;
}

/* 64 bits from the "random" input source (DESIGN.md §2 rule 2). */
static int64_t h_random(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)args;
    rets[0] = input_random(ctx->machine);
    return H_SUCCESS;
}

/* What Linux's pseries rng.c looks for (of_find_compatible_node
 * "ibm,random-v1"); placed at the root as QEMU's spapr_rng.c does. */
static int rng_fdt_part(struct machine *m, void *fdt, void *opaque)
{
    (void)m;
    (void)opaque;
    int node = fdt_add_subnode(fdt, 0, "ibm,random-v1");
    if (node < 0)
        return node;
    int err = fdt_setprop_string(fdt, node, "device_type", "ibm,random-v1");
    return err ? err : fdt_setprop_string(fdt, node, "compatible", "ibm,random-v1");
}

int splpar_register(struct machine *m, char *err, size_t errlen)
{
    if (machine_add_fdt_part(m, rng_fdt_part, NULL) < 0) {
        snprintf(err, errlen, "splpar: no room for the ibm,random-v1 device-tree part");
        return -1;
    }
    hcall_register(m, H_REGISTER_VPA, h_register_vpa, NULL);
    hcall_register(m, H_CEDE, h_cede, NULL);
    hcall_register(m, H_PROD, h_prod, NULL);
    hcall_register(m, H_CONFER, h_confer, NULL);
    hcall_register(m, H_JOIN, h_join, NULL);
    hcall_register(m, H_SIGNAL_SYS_RESET, h_signal_sys_reset, NULL);
    hcall_register(m, H_GET_CPU_CHARACTERISTICS, h_get_cpu_characteristics, NULL);
    hcall_register(m, H_RANDOM, h_random, NULL);
    m->dispatch_changed = dispatch_changed;
    m->dispatch_opaque = NULL;
    return 0;
}
