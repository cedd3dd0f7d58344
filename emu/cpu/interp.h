/* The interpreter's decoded-instruction cache, shared by interp.c and the
 * execution log. Internal to emu/cpu. */
#ifndef PPCRR_EMU_CPU_INTERP_H
#define PPCRR_EMU_CPU_INTERP_H

#include "emu/cpu/insn.h"

#define INSNS_PER_PAGE (GUEST_PAGE_SIZE / 4)

struct decoded_insn {
    insn_fn fn;
    uint32_t word;
};

struct decoded_page {
    bool stale;
    bool little_endian;
    struct decoded_insn insn[INSNS_PER_PAGE];
};

int interp_init(struct cpu *c);
void interp_destroy(struct cpu *c);

/* Runs up to N instructions from D like the hot loop (counting each in
 * icount), logging each one and the registers it changed to c->exec_log.
 * Returns how many ran. */
uint64_t exec_log_run(struct cpu *c, const struct decoded_insn *d, uint64_t n);

#endif
