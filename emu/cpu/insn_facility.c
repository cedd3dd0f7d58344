/*
 * Facility-unavailable handlers for the floating-point, VMX and VSX
 * instructions (insn_facility.def): with the facility off in the MSR the
 * guest gets its unavailable interrupt (Book III-S 6.5.10, 6.5.15, 6.5.16:
 * SRR0 = the instruction, no SRR1 cause bits); with it on, an illegal
 * instruction interrupt, since ppcrr does not execute these yet.
 */
#include "emu/cpu/insn_handlers.h"

static void facility(struct cpu *c, uint32_t insn, uint64_t msr_bit, enum cpu_vector vector)
{
    if (c->msr[0] & msr_bit)
        insn_illegal(c, insn);
    else
        cpu_interrupt(c, vector, 0, false);
}

void insn_fp_facility(struct cpu *c, uint32_t insn)
{
    facility(c, insn, MSR_FP, VEC_FP_UNAVAILABLE);
}

void insn_vmx_facility(struct cpu *c, uint32_t insn)
{
    facility(c, insn, MSR_VEC, VEC_VMX_UNAVAILABLE);
}

void insn_vsx_facility(struct cpu *c, uint32_t insn)
{
    facility(c, insn, MSR_VSX, VEC_VSX_UNAVAILABLE);
}
