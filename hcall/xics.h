/*
 * XICS as PAPR defines it for an LPAR (hcall/xics.c): one presentation
 * controller (ICP) per vCPU, reached through H_CPPR, H_IPI, H_XIRR,
 * H_XIRR_X, H_EOI and H_IPOLL, and one source controller (ICS) with the
 * sources 4096..5119, configured through RTAS ibm,set-xive, ibm,get-xive,
 * ibm,int-off and ibm,int-on. Devices reach a source through the named
 * input lines "xics.<number>" (emu/irq.h); the controller drives each
 * vCPU's c->external_pending.
 *
 * This header is what the rest of hcall/ (the RTAS table) and tests need;
 * devices never call it: they only drive their lines.
 */
#ifndef PPCRR_HCALL_XICS_H
#define PPCRR_HCALL_XICS_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/machine.h"
#include "hcall/rtas.h"

/* PAPR's first external source number (QEMU's XICS_IRQ_BASE), how many
 * sources this controller has, and the XISR of an inter-processor
 * interrupt (PAPR: the IPI "source" of every ICP is number 2). */
#define XICS_IRQ_BASE 4096u
#define XICS_NR_IRQS 1024u
#define XICS_IPI 2u

/* Least favoured priority: as a source priority it means masked, as a
 * CPPR "everything may interrupt", as an MFRR "no IPI". */
#define XICS_PRIO_LEAST 0xffu

/* QEMU's phandle for the XICS node (PHANDLE_INTC), given when the
 * description has none. */
#define XICS_PHANDLE 0x1111u

/* RTAS handlers (rows of hcall/rtas.def). */
void rtas_ibm_set_xive(struct rtas_call_ctx *ctx);
void rtas_ibm_get_xive(struct rtas_call_ctx *ctx);
void rtas_ibm_int_off(struct rtas_call_ctx *ctx);
void rtas_ibm_int_on(struct rtas_call_ctx *ctx);

/* Makes source IRQ (4096..) level-triggered (LSI) or message/edge (MSI,
 * the default: what QEMU gives VIO devices). The description can say the
 * same with the controller node's host-only `ppcrr,lsi-sources` list.
 * False if M has no XICS or IRQ is not one of its sources. */
bool xics_set_source_lsi(struct machine *m, uint32_t irq, bool lsi);

/* The presentation state of SERVER (the vCPU index), for tests and
 * tools: XIRR = CPPR << 24 | XISR, the MFRR, and the priority of the
 * interrupt in XISR (0xff when none). False if there is no such ICP. */
bool xics_icp_peek(struct machine *m, unsigned server, uint32_t *xirr, uint8_t *mfrr,
                   uint8_t *pending_priority);

#endif
