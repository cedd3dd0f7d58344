/*
 * The handler of the floating-point opcodes ppcrr does not execute
 * (insn_facility.def: decimal floating point and the reserved extended
 * opcodes of primaries 59 and 63): with MSR[FP] off the guest gets the
 * floating-point unavailable interrupt (Book III-S 6.5.10: SRR0 = the
 * instruction, no SRR1 cause bits), as a real POWER8 would before it
 * looked further; with it on, an illegal instruction interrupt.
 */
#include "emu/cpu/insn_handlers.h"

void insn_fp_facility(struct cpu *c, uint32_t insn)
{
    if (c->msr[0] & MSR_FP)
        insn_illegal(c, insn);
    else
        cpu_interrupt(c, VEC_FP_UNAVAILABLE, 0, false);
}
