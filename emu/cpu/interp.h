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
    bool little_endian;
    struct decoded_insn insn[INSNS_PER_PAGE];
};

int interp_init(struct cpu *c);

/* Decodes slot D of the page being run if it has not been yet (for the
 * execution log, which prints the instruction before running it). */
void interp_resolve(struct cpu *c, struct decoded_insn *d);
void interp_destroy(struct cpu *c);

/* Runs up to N instructions of page P from c->nip like the hot loop
 * (counting each in icount), logging each one and the registers it changed
 * to c->exec_log. Returns how many ran. */
uint64_t exec_log_run(struct cpu *c, struct decoded_page *p, uint64_t n);

#endif
