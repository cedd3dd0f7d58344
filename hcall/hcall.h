/*
 * The hypercall address space (DESIGN.md §1, §8): a second I/O space of
 * the CPU, next to MMIO. Handlers register per opcode; `sc 1` from the
 * guest lands in hcall_dispatch(), the one place where each call's entry
 * and exit go to the event hook (record/replay attach there).
 *
 * Handlers share one signature: they unpack args[] (r4..r12) into named
 * locals, write outputs to rets[] (r4..r12 on return) and return an H_*
 * code (hcall_meta.h), which lands in r3.
 *
 * hcall_init() installs the layer into a machine: the dispatcher as the
 * machine's hypervisor, the platform hcalls (H_SET_MODE, H_SET_DABR, ...),
 * RTAS (rtas.h), and a device-tree part that writes /rtas with
 * `ibm,hypertas-functions` (from the hcalls actually registered) and one
 * property per RTAS token.
 */
#ifndef PPCRR_HCALL_HCALL_H
#define PPCRR_HCALL_HCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/machine.h"
#include "hcall/hcall_meta.h"

#define HCALL_MAX_ARGS 9
#define HCALL_MAX_RETS 9

struct hcall_ctx {
    struct machine *machine;
    struct cpu *cpu;
    void *opaque;                 /* as given to hcall_register */
};

typedef int64_t (*hcall_fn)(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets);

struct hcall_layer;

/* Installs the layer into M (before machine_realize, so devices can
 * register their hcalls). -1 with a message on failure. */
int hcall_init(struct machine *m, char *err, size_t errlen);

/* Frees the layer and RTAS state (emu/ cannot: it does not know hcall/).
 * Call it before machine_destroy(); hcall_unregister() from a device's
 * destroy() after it is harmless. */
void hcall_destroy(struct machine *m);

/* Fault injection for tests of replay (a divergence at a known event):
 * SPEC "NAME:N:RET" makes the Nth call of hcall NAME return RET without
 * running its handler. -1 with a message for a bad SPEC. */
int hcall_inject(struct machine *m, const char *spec, char *err, size_t errlen);

/* Registering an opcode twice, an opcode the metadata table does not know,
 * or a PAPR opcode that is not a multiple of 4 is a programming error:
 * it aborts with a message at start-up. */
void hcall_register(struct machine *m, uint32_t opcode, hcall_fn fn, void *opaque);
void hcall_unregister(struct machine *m, uint32_t opcode);

/* The opaque OPCODE was registered with; NULL if it is not registered. */
void *hcall_opaque(struct machine *m, uint32_t opcode);

/* Runs the handler registered for OPCODE from inside hypervisor code (RTAS
 * display-character writes through the console's H_PUT_TERM_CHAR). ARGS
 * and RETS hold HCALL_MAX_ARGS words. No event: the guest's own call is
 * the event. H_FUNCTION if nothing is registered. */
int64_t hcall_invoke(struct machine *m, struct cpu *c, uint32_t opcode, const uint64_t *args,
                     uint64_t *rets);

/* `sc 1`: r3 = opcode. Unknown opcodes return H_FUNCTION and are reported
 * on stderr once per opcode. */
void hcall_dispatch(struct machine *m, struct cpu *c);

/* Guest memory helpers for handlers: big-endian accessors on guest real
 * addresses; false if outside RAM (the handler returns H_PARAMETER or the
 * call's own error). */
bool hcall_read_be32(struct machine *m, uint64_t addr, uint32_t *value);
bool hcall_write_be32(struct machine *m, uint64_t addr, uint32_t value);

/* Inside hcall/: the pieces hcall_init() installs. */
void platform_hcalls_register(struct machine *m);   /* platform.c */
void hpt_hcalls_register(struct machine *m);        /* hpt_hcalls.c: if m->hpt exists */
int splpar_register(struct machine *m, char *err, size_t errlen); /* splpar.c: VPA, H_CEDE, H_PROD... */
void xics_register_type(void);                      /* xics.c, once per process */
int hcall_fdt_rtas_node(void *fdt);                 /* /rtas's offset, created if absent */

#endif
