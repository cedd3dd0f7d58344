/*
 * XICS as PAPR defines it for an LPAR (hcall/xics.h), bound to the
 * description's "IBM,ppc-xicp" node as on QEMU's pseries machine.
 *
 * Two halves. The source controller (ICS) owns the input lines
 * "xics.4096" .. "xics.5119"; each source has a server (vCPU), a priority
 * (0xff = masked), the priority ibm,int-off saved, and a type: message
 * (MSI, edge: a rising level fires once; QEMU's type for VIO devices, so a
 * vty's pulse is one interrupt) or level (LSI: presented while asserted,
 * presented again after EOI if still asserted). The presentation
 * controllers (ICP), one per vCPU with server number = vCPU index, hold
 * XIRR = CPPR(8) || XISR(24), the MFRR (IPI priority) and the priority of
 * the interrupt in XISR. An interrupt is presented when its priority is
 * below (more favoured than) CPPR; one that loses to a better one, or to a
 * CPPR change, goes back to its source ("reject") and is offered again on
 * the next EOI or CPPR raise ("resend"). The rules, including which
 * corner cases drop or keep an interrupt, are QEMU's hw/intc/xics.c and
 * xics_spapr.c (and KVM's book3s_xics.c, which agrees), so a guest sees
 * what it sees there: e.g. H_XIRR with nothing pending sets CPPR to 0xff,
 * a message source rejected while masked is dropped, a second ibm,int-off
 * forgets the saved priority.
 *
 * A vCPU's external-interrupt input (c->external_pending) is "XISR is not
 * 0", recomputed after every change; a change sets c->leave_run so the
 * interpreter looks at it before its next instruction. Nothing here reads
 * host state: H_XIRR_X's time is the guest timebase (QEMU gives host
 * ticks), so replays agree.
 */
#include "hcall/xics.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcall/hcall.h"

#define XISR_MASK 0x00ffffffu
#define CPPR_SHIFT 24

/* Source status bits, with QEMU's meanings. */
#define SRC_ASSERTED 0x1u         /* LSI: the input line is high */
#define SRC_SENT 0x2u             /* LSI: presented, not yet EOI'd */
#define SRC_REJECTED 0x4u         /* MSI: bounced by its ICP, to be resent */
#define SRC_MASKED_PENDING 0x8u   /* MSI: fired while masked, fires on unmask */

/* Guest-visible state of one source. */
struct xics_source {
    uint32_t server;
    uint8_t priority;
    uint8_t saved_priority;       /* what ibm,int-on restores */
    uint8_t status;               /* SRC_* */
    uint8_t lsi;                  /* 1: level, 0: message */
};

/* Guest-visible state of one vCPU's presentation controller. */
struct xics_icp {
    uint32_t xirr;                /* CPPR << 24 | XISR */
    uint8_t mfrr;
    uint8_t pending_priority;     /* of the interrupt in XISR; 0xff if none */
};

struct xics_state;

/* What an input line's callback needs (host bookkeeping, not state). */
struct xics_input {
    struct xics_state *x;
    uint32_t srcno;
};

struct xics_state {
    /* Guest-visible state: a snapshot field list covers exactly these
     * (the vCPUs' external_pending is derived from icp[].xirr). */
    struct xics_source src[XICS_NR_IRQS];
    struct xics_icp *icp;         /* [nservers] */

    /* Host bookkeeping. */
    unsigned nservers;
    struct machine *machine;
    struct xics_input inputs[XICS_NR_IRQS];
    /* Each ICP's output to its vCPU, a named line ("<xics>.cpu0") so that
     * the edge is an IRQ event in traces like any device's. */
    struct irq_line **cpu_lines;  /* [nservers] */
};

static const uint32_t xics_hcalls[] = { H_EOI, H_CPPR, H_IPI, H_IPOLL, H_XIRR, H_XIRR_X };

static uint32_t xisr(const struct xics_icp *icp)
{
    return icp->xirr & XISR_MASK;
}

static uint8_t cppr(const struct xics_icp *icp)
{
    return (uint8_t)(icp->xirr >> CPPR_SHIFT);
}

static bool is_source(uint32_t nr)
{
    return nr >= XICS_IRQ_BASE && nr - XICS_IRQ_BASE < XICS_NR_IRQS;
}

/* The vCPU's input follows XISR; the line reports only changes. */
static void icp_update_output(struct xics_state *x, uint32_t server)
{
    irq_set(x->cpu_lines[server], xisr(&x->icp[server]) != 0);
}

/* The far end of an ICP's line: the vCPU's external-interrupt input. */
static void cpu_external_input(void *opaque, int level)
{
    struct cpu *c = opaque;
    c->external_pending = level != 0;
    c->leave_run = true;
}

/* ---- source side -------------------------------------------------------- */

static void icp_irq(struct xics_state *x, uint32_t server, uint32_t nr, uint8_t priority);

/* The ICP gave NR back. An IPI (or anything not ours) has nothing to
 * remember: its MFRR stays set and icp_resend looks at it again. */
static void ics_reject(struct xics_state *x, uint32_t nr)
{
    if (!is_source(nr))
        return;
    struct xics_source *s = &x->src[nr - XICS_IRQ_BASE];
    if (s->lsi)
        s->status &= (uint8_t)~SRC_SENT;
    else
        s->status |= SRC_REJECTED;
}

static void ics_resend_lsi(struct xics_state *x, uint32_t srcno)
{
    struct xics_source *s = &x->src[srcno];
    if (s->priority != XICS_PRIO_LEAST && (s->status & SRC_ASSERTED) && !(s->status & SRC_SENT)) {
        s->status |= SRC_SENT;
        icp_irq(x, s->server, XICS_IRQ_BASE + srcno, s->priority);
    }
}

static void ics_resend_msi(struct xics_state *x, uint32_t srcno)
{
    struct xics_source *s = &x->src[srcno];
    if (!(s->status & SRC_REJECTED))
        return;
    s->status &= (uint8_t)~SRC_REJECTED;
    if (s->priority != XICS_PRIO_LEAST)
        icp_irq(x, s->server, XICS_IRQ_BASE + srcno, s->priority);
}

/* Offers every source that is waiting again, whatever its server (as
 * QEMU: one controller, no per-server filter). */
static void ics_resend(struct xics_state *x)
{
    for (uint32_t i = 0; i < XICS_NR_IRQS; i++) {
        if (x->src[i].lsi)
            ics_resend_lsi(x, i);
        else
            ics_resend_msi(x, i);
    }
}

static void ics_eoi(struct xics_state *x, uint32_t nr)
{
    if (is_source(nr) && x->src[nr - XICS_IRQ_BASE].lsi)
        x->src[nr - XICS_IRQ_BASE].status &= (uint8_t)~SRC_SENT;
}

/* An input line changed. A message source fires on the rising level only
 * (a pulse is one interrupt); masked, it remembers it fired. */
static void ics_set_irq(void *opaque, int level)
{
    struct xics_input *in = opaque;
    struct xics_state *x = in->x;
    struct xics_source *s = &x->src[in->srcno];
    if (s->lsi) {
        if (level)
            s->status |= SRC_ASSERTED;
        else
            s->status &= (uint8_t)~SRC_ASSERTED;
        ics_resend_lsi(x, in->srcno);
    } else if (level) {
        if (s->priority == XICS_PRIO_LEAST)
            s->status |= SRC_MASKED_PENDING;
        else
            icp_irq(x, s->server, XICS_IRQ_BASE + in->srcno, s->priority);
    }
}

static void ics_write_xive(struct xics_state *x, uint32_t srcno, uint32_t server,
                           uint8_t priority, uint8_t saved_priority)
{
    struct xics_source *s = &x->src[srcno];
    s->server = server;
    s->priority = priority;
    s->saved_priority = saved_priority;
    if (s->lsi) {
        ics_resend_lsi(x, srcno);
    } else if ((s->status & SRC_MASKED_PENDING) && priority != XICS_PRIO_LEAST) {
        s->status &= (uint8_t)~SRC_MASKED_PENDING;
        icp_irq(x, server, XICS_IRQ_BASE + srcno, priority);
    }
}

/* ---- presentation side -------------------------------------------------- */

/* Source NR at PRIORITY for SERVER: presented if it beats both CPPR and
 * what is pending (which then goes back), else it goes back itself. */
static void icp_irq(struct xics_state *x, uint32_t server, uint32_t nr, uint8_t priority)
{
    struct xics_icp *icp = &x->icp[server];
    if (priority >= cppr(icp) || (xisr(icp) && icp->pending_priority <= priority)) {
        ics_reject(x, nr);
        return;
    }
    if (xisr(icp))
        ics_reject(x, xisr(icp));
    icp->xirr = (icp->xirr & ~XISR_MASK) | (nr & XISR_MASK);
    icp->pending_priority = priority;
    icp_update_output(x, server);
}

/* Called when MFRR < CPPR: the IPI replaces a less favoured pending one. */
static void icp_check_ipi(struct xics_state *x, uint32_t server)
{
    struct xics_icp *icp = &x->icp[server];
    if (xisr(icp) && icp->pending_priority <= icp->mfrr)
        return;
    if (xisr(icp))
        ics_reject(x, xisr(icp));
    icp->xirr = (icp->xirr & ~XISR_MASK) | XICS_IPI;
    icp->pending_priority = icp->mfrr;
    icp_update_output(x, server);
}

static void icp_resend(struct xics_state *x, uint32_t server)
{
    struct xics_icp *icp = &x->icp[server];
    if (icp->mfrr < cppr(icp))
        icp_check_ipi(x, server);
    ics_resend(x);
}

/* A more favoured CPPR can mask what is pending: it goes back. A less
 * favoured one can let waiting interrupts in. */
static void icp_set_cppr(struct xics_state *x, uint32_t server, uint8_t new_cppr)
{
    struct xics_icp *icp = &x->icp[server];
    uint8_t old_cppr = cppr(icp);
    icp->xirr = (icp->xirr & XISR_MASK) | (uint32_t)new_cppr << CPPR_SHIFT;
    if (new_cppr < old_cppr) {
        if (xisr(icp) && new_cppr <= icp->pending_priority) {
            uint32_t old_xisr = xisr(icp);
            icp->xirr &= ~XISR_MASK;
            icp->pending_priority = XICS_PRIO_LEAST;
            icp_update_output(x, server);
            ics_reject(x, old_xisr);
        }
    } else if (!xisr(icp)) {
        icp_resend(x, server);
    }
}

static void icp_set_mfrr(struct xics_state *x, uint32_t server, uint8_t mfrr)
{
    x->icp[server].mfrr = mfrr;
    if (mfrr < cppr(&x->icp[server]))
        icp_check_ipi(x, server);
}

/* H_XIRR: hand over what is pending and raise CPPR to its priority. */
static uint32_t icp_accept(struct xics_state *x, uint32_t server)
{
    struct xics_icp *icp = &x->icp[server];
    uint32_t old = icp->xirr;
    icp->xirr = (uint32_t)icp->pending_priority << CPPR_SHIFT;
    icp->pending_priority = XICS_PRIO_LEAST;
    icp_update_output(x, server);
    return old;
}

static void icp_eoi(struct xics_state *x, uint32_t server, uint32_t xirr)
{
    struct xics_icp *icp = &x->icp[server];
    icp->xirr = (icp->xirr & XISR_MASK) | (xirr & ~XISR_MASK);
    ics_eoi(x, xirr & XISR_MASK);
    if (!xisr(icp))
        icp_resend(x, server);
}

/* ---- the hcalls --------------------------------------------------------- */

/* The calling vCPU's server number: its index. A caller that is not one
 * of the machine's vCPUs (hcall_invoke from host code) has no ICP. */
static bool server_of(struct hcall_ctx *ctx, uint32_t *server)
{
    const struct xics_state *x = ctx->opaque;
    if (ctx->cpu < ctx->machine->cpus || ctx->cpu >= ctx->machine->cpus + x->nservers)
        return false;
    *server = (uint32_t)(ctx->cpu - ctx->machine->cpus);
    return true;
}

static int64_t h_cppr(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint32_t server;
    (void)rets;
    if (!server_of(ctx, &server))
        return H_HARDWARE;
    icp_set_cppr(ctx->opaque, server, (uint8_t)args[0]);
    return H_SUCCESS;
}

static int64_t h_ipi(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    struct xics_state *x = ctx->opaque;
    uint64_t server = args[0];
    uint8_t mfrr = (uint8_t)args[1];
    (void)rets;
    if (server >= x->nservers)
        return H_PARAMETER;
    icp_set_mfrr(x, (uint32_t)server, mfrr);
    return H_SUCCESS;
}

/* r4 on entry is Linux's CPPR (icp-hv.c); PAPR hypervisors ignore it. */
static int64_t h_xirr(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint32_t server;
    (void)args;
    if (!server_of(ctx, &server))
        return H_HARDWARE;
    rets[0] = icp_accept(ctx->opaque, server);
    return H_SUCCESS;
}

static int64_t h_xirr_x(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint32_t server;
    (void)args;
    if (!server_of(ctx, &server))
        return H_HARDWARE;
    rets[0] = icp_accept(ctx->opaque, server);
    rets[1] = cpu_tb(ctx->cpu);
    return H_SUCCESS;
}

static int64_t h_eoi(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint32_t server;
    (void)rets;
    if (!server_of(ctx, &server))
        return H_HARDWARE;
    icp_eoi(ctx->opaque, server, (uint32_t)args[0]);
    return H_SUCCESS;
}

static int64_t h_ipoll(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    struct xics_state *x = ctx->opaque;
    uint64_t server = args[0];
    if (server >= x->nservers)
        return H_PARAMETER;
    rets[0] = x->icp[server].xirr;
    rets[1] = x->icp[server].mfrr;
    return H_SUCCESS;
}

/* ---- RTAS --------------------------------------------------------------- */

/* The XICS of the calling machine; NULL (status -1, QEMU's answer when it
 * has no ICS) if the description has none. */
static struct xics_state *xics_of(struct machine *m)
{
    return hcall_opaque(m, H_CPPR);
}

/* The checks every xive call starts with, in QEMU's order: counts, then
 * a controller, then the source number. Returns the source index, or -1
 * with the status set. */
static int64_t rtas_xive_source(struct rtas_call_ctx *ctx, uint32_t nargs, uint32_t nret,
                                struct xics_state **xp)
{
    if (ctx->nargs != nargs || ctx->nret != nret) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return -1;
    }
    *xp = xics_of(ctx->machine);
    if (!*xp) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
        return -1;
    }
    if (!is_source(ctx->args[0])) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return -1;
    }
    return ctx->args[0] - XICS_IRQ_BASE;
}

void rtas_ibm_set_xive(struct rtas_call_ctx *ctx)
{
    struct xics_state *x;
    int64_t srcno = rtas_xive_source(ctx, 3, 1, &x);
    if (srcno < 0)
        return;
    uint32_t server = ctx->args[1], priority = ctx->args[2];
    if (server >= x->nservers || priority > XICS_PRIO_LEAST) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    ics_write_xive(x, (uint32_t)srcno, server, (uint8_t)priority, (uint8_t)priority);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

void rtas_ibm_get_xive(struct rtas_call_ctx *ctx)
{
    struct xics_state *x;
    int64_t srcno = rtas_xive_source(ctx, 1, 3, &x);
    if (srcno < 0)
        return;
    ctx->rets[0] = RTAS_OUT_SUCCESS;
    ctx->rets[1] = x->src[srcno].server;
    ctx->rets[2] = x->src[srcno].priority;
}

void rtas_ibm_int_off(struct rtas_call_ctx *ctx)
{
    struct xics_state *x;
    int64_t srcno = rtas_xive_source(ctx, 1, 1, &x);
    if (srcno < 0)
        return;
    const struct xics_source *s = &x->src[srcno];
    ics_write_xive(x, (uint32_t)srcno, s->server, XICS_PRIO_LEAST, s->priority);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

void rtas_ibm_int_on(struct rtas_call_ctx *ctx)
{
    struct xics_state *x;
    int64_t srcno = rtas_xive_source(ctx, 1, 1, &x);
    if (srcno < 0)
        return;
    const struct xics_source *s = &x->src[srcno];
    ics_write_xive(x, (uint32_t)srcno, s->server, s->saved_priority, s->saved_priority);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

/* ---- host-side interface ------------------------------------------------ */

bool xics_set_source_lsi(struct machine *m, uint32_t irq, bool lsi)
{
    struct xics_state *x = xics_of(m);
    if (!x || !is_source(irq))
        return false;
    x->src[irq - XICS_IRQ_BASE].lsi = lsi;
    return true;
}

bool xics_icp_peek(struct machine *m, unsigned server, uint32_t *xirr, uint8_t *mfrr,
                   uint8_t *pending_priority)
{
    struct xics_state *x = xics_of(m);
    if (!x || server >= x->nservers)
        return false;
    *xirr = x->icp[server].xirr;
    *mfrr = x->icp[server].mfrr;
    *pending_priority = x->icp[server].pending_priority;
    return true;
}

/* ---- the device --------------------------------------------------------- */

/* `ppcrr,lsi-sources = <4097 4100>`: level-triggered sources (the rest
 * are message sources, as QEMU's VIO devices). */
static int xics_read_lsi_sources(struct device *dev, struct xics_state *x, char *err,
                                 size_t errlen)
{
    int len = 0;
    const fdt32_t *cells = fdt_getprop(dev->machine->desc, dev->node, "ppcrr,lsi-sources", &len);
    if (!cells)
        return 0;
    if (len % 4 != 0) {
        snprintf(err, errlen, "node %s: property ppcrr,lsi-sources: not a list of cells",
                 dev->path);
        return -1;
    }
    for (int i = 0; i < len / 4; i++) {
        uint32_t nr = fdt32_to_cpu(cells[i]);
        if (!is_source(nr)) {
            snprintf(err, errlen, "node %s: property ppcrr,lsi-sources: %u is not a source "
                     "(%u..%u)", dev->path, nr, XICS_IRQ_BASE, XICS_IRQ_BASE + XICS_NR_IRQS - 1);
            return -1;
        }
        x->src[nr - XICS_IRQ_BASE].lsi = 1;
    }
    return 0;
}

static int xics_realize(struct device *dev, char *err, size_t errlen)
{
    struct xics_state *x = dev->state;
    struct machine *m = dev->machine;
    if (!hcall_opaque(m, KVMPPC_H_RTAS)) {
        snprintf(err, errlen, "node %s: XICS needs the hypercall layer (hcall_init first)",
                 dev->path);
        return -1;
    }
    if (xics_of(m)) {
        snprintf(err, errlen, "node %s: a second XICS controller (one per machine)", dev->path);
        return -1;
    }
    x->machine = m;
    x->nservers = m->ncpus;
    x->icp = calloc(x->nservers ? x->nservers : 1, sizeof *x->icp);
    if (!x->icp) {
        snprintf(err, errlen, "node %s: out of memory", dev->path);
        return -1;
    }
    x->cpu_lines = calloc(x->nservers ? x->nservers : 1, sizeof *x->cpu_lines);
    if (!x->cpu_lines) {
        snprintf(err, errlen, "node %s: out of memory", dev->path);
        return -1;
    }
    for (unsigned i = 0; i < x->nservers; i++) {
        char line[16];
        snprintf(line, sizeof line, "cpu%u", i);
        if (!(x->cpu_lines[i] = device_irq_output(dev, line, err, errlen)))
            return -1;
        x->cpu_lines[i]->input = cpu_external_input;
        x->cpu_lines[i]->input_opaque = &m->cpus[i];
    }
    if (xics_read_lsi_sources(dev, x, err, errlen) < 0)
        return -1;
    for (uint32_t i = 0; i < XICS_NR_IRQS; i++) {
        char name[16];
        x->inputs[i] = (struct xics_input){ .x = x, .srcno = i };
        snprintf(name, sizeof name, "xics.%u", XICS_IRQ_BASE + i);
        if (machine_irq_input(m, name, ics_set_irq, &x->inputs[i]) < 0) {
            snprintf(err, errlen, "node %s: interrupt line name %s is taken already", dev->path,
                     name);
            return -1;
        }
    }
    static const hcall_fn fns[] = { h_eoi, h_cppr, h_ipi, h_ipoll, h_xirr, h_xirr_x };
    for (size_t i = 0; i < sizeof xics_hcalls / sizeof xics_hcalls[0]; i++)
        hcall_register(m, xics_hcalls[i], fns[i], x);
    return 0;
}

/* PAPR's reset state: CPPR 0 (nothing presented until the OS opens it),
 * no IPI, every source masked on server 0. A level source's wire stays as
 * it is (ASSERTED mirrors the line, which the reset does not move) and so
 * does its type (the wiring's, not the guest's). */
static void xics_reset(struct device *dev)
{
    struct xics_state *x = dev->state;
    for (uint32_t i = 0; i < XICS_NR_IRQS; i++) {
        struct xics_source *s = &x->src[i];
        *s = (struct xics_source){ .priority = XICS_PRIO_LEAST,
                                   .saved_priority = XICS_PRIO_LEAST,
                                   .status = (uint8_t)(s->status & SRC_ASSERTED),
                                   .lsi = s->lsi };
    }
    for (uint32_t i = 0; i < x->nservers; i++) {
        x->icp[i] = (struct xics_icp){ .xirr = 0, .mfrr = XICS_PRIO_LEAST,
                                       .pending_priority = XICS_PRIO_LEAST };
        icp_update_output(x, i);
    }
}

static void xics_destroy(struct device *dev)
{
    struct xics_state *x = dev->state;
    if (x->machine && xics_of(x->machine) == x)
        for (size_t i = 0; i < sizeof xics_hcalls / sizeof xics_hcalls[0]; i++)
            hcall_unregister(x->machine, xics_hcalls[i]);
    free(x->icp);
    x->icp = NULL;
    free(x->cpu_lines);           /* the lines themselves are the machine's */
    x->cpu_lines = NULL;
}

/* What QEMU's spapr_dt_xics writes, each only when the description has
 * not said it: Linux's icp-hv.c finds the node by compatible or
 * device_type; the server ranges must cover every vCPU's server number
 * (= its index here); the phandle is QEMU's. The source controller has no
 * node of its own under PAPR: Linux's ics-rtas.c uses it when /rtas has
 * the ibm,get-xive and ibm,set-xive tokens, which the RTAS table gives. */
static int xics_fdt_fixup(struct device *dev, void *fdt, int node)
{
    uint32_t servers[2] = { cpu_to_fdt32(0), cpu_to_fdt32(dev->machine->ncpus) };
    int err = fdt_setprop(fdt, node, "ibm,interrupt-server-ranges", servers, sizeof servers);
    if (!err && !fdt_getprop(fdt, node, "device_type", NULL))
        err = fdt_setprop_string(fdt, node, "device_type",
                                 "PowerPC-External-Interrupt-Presentation");
    if (!err && !fdt_getprop(fdt, node, "interrupt-controller", NULL))
        err = fdt_setprop_empty(fdt, node, "interrupt-controller");
    if (!err && !fdt_getprop(fdt, node, "#interrupt-cells", NULL))
        err = fdt_setprop_u32(fdt, node, "#interrupt-cells", 2);
    if (!err && !fdt_getprop(fdt, node, "phandle", NULL) &&
        !fdt_getprop(fdt, node, "linux,phandle", NULL) &&
        fdt_node_offset_by_phandle(fdt, XICS_PHANDLE) < 0) {
        err = fdt_setprop_u32(fdt, node, "linux,phandle", XICS_PHANDLE);
        if (!err)
            err = fdt_setprop_u32(fdt, node, "phandle", XICS_PHANDLE);
    }
    return err;
}

/* Sources and presentation controllers, field by field: the layout of the
 * structs is not a format. A vCPU's external_pending follows from the
 * ICPs (and is digested with the vCPU). */
static void xics_state_walk(struct device *dev, struct state_visitor *v)
{
    struct xics_state *x = dev->state;
    for (uint32_t i = 0; i < XICS_NR_IRQS; i++) {
        struct xics_source *s = &x->src[i];
        STATE_FIELD(v, 1, s->server);
        STATE_FIELD(v, 2, s->priority);
        STATE_FIELD(v, 3, s->saved_priority);
        STATE_FIELD(v, 4, s->status);
        STATE_FIELD(v, 5, s->lsi);
    }
    for (unsigned i = 0; i < x->nservers; i++) {
        struct xics_icp *icp = &x->icp[i];
        STATE_FIELD(v, 6, icp->xirr);
        STATE_FIELD(v, 7, icp->mfrr);
        STATE_FIELD(v, 8, icp->pending_priority);
    }
}

/* Values a crafted snapshot could hold that would index out of range: a
 * source's server, what an ICP's XISR names (an IPI, a source, nothing). */
static int xics_state_check(struct device *dev, char *err, size_t errlen)
{
    struct xics_state *x = dev->state;
    for (uint32_t i = 0; i < XICS_NR_IRQS; i++)
        if (x->src[i].server >= x->nservers) {
            snprintf(err, errlen, "source %u: field server is %u, of %u servers", XICS_IRQ_BASE + i,
                     x->src[i].server, x->nservers);
            return -1;
        }
    for (unsigned i = 0; i < x->nservers; i++) {
        uint32_t nr = xisr(&x->icp[i]);
        if (nr && nr != XICS_IPI && !is_source(nr)) {
            snprintf(err, errlen, "server %u: field xirr names interrupt %u, neither a source nor the IPI", i, nr);
            return -1;
        }
    }
    return 0;
}

static const struct device_type xics_type = {
    .compatible = "IBM,ppc-xicp",
    .summary = "XICS interrupt controller (PAPR hcalls and RTAS; sources 4096..5119)",
    .state_size = sizeof(struct xics_state),
    .realize = xics_realize,
    .reset = xics_reset,
    .fdt_fixup = xics_fdt_fixup,
    .destroy = xics_destroy,
    .state = xics_state_walk,
    .state_check = xics_state_check,
};

/* The registry is per process and refuses a second registration; every
 * machine's hcall_init lands here. */
void xics_register_type(void)
{
    if (device_type_find(xics_type.compatible) != &xics_type)
        device_type_register(&xics_type);
}
