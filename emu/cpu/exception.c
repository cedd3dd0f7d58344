/*
 * Interrupt delivery for an LPAR guest (Book III-S, 6.5 "Interrupt
 * Definitions"): SRR0 gets the address the guest resumes at, SRR1 the MSR
 * with the interrupt-specific bits (ISA 33:36 and 42:47) replaced by the
 * cause, and the new MSR is 64-bit with relocation, external interrupts and
 * problem state off, MSR[LE] from LPCR[ILE] (which H_SET_MODE sets), ME and
 * HV kept. With LPCR[AIL] = 2 or 3 and relocation on at the time, the
 * interrupt is taken with relocation on at the alternate location, as Linux
 * asks for through H_SET_MODE(ADDR_TRANS_MODE).
 */
#include "emu/cpu/insn.h"

#define SRR1_INTERRUPT_BITS 0x783f0000ull   /* ISA bits 33:36 and 42:47 */
#define AIL_3_BASE 0xc000000000004000ull
#define AIL_2_BASE 0x18000ull

void cpu_interrupt(struct cpu *c, enum cpu_vector vector, uint64_t srr1_bits, bool after)
{
    uint64_t msr = c->msr[0];
    c->srr0[0] = after ? c->nip[0] : c->cia;
    c->srr1[0] = (msr & ~SRR1_INTERRUPT_BITS) | (srr1_bits & SRR1_INTERRUPT_BITS);

    uint64_t new_msr = MSR_SF | (msr & (MSR_HV | MSR_ME));
    if (vector == VEC_MACHINE_CHECK)
        new_msr &= ~MSR_ME;
    if (c->lpcr[0] & LPCR_ILE)
        new_msr |= MSR_LE;

    uint64_t target = vector;
    unsigned ail = (unsigned)((c->lpcr[0] & LPCR_AIL_MASK) >> LPCR_AIL_SHIFT);
    bool relocated = (msr & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR);
    if (relocated && ail >= 2 && vector != VEC_SYSTEM_RESET && vector != VEC_MACHINE_CHECK) {
        target += ail == 3 ? AIL_3_BASE : AIL_2_BASE;
        new_msr |= MSR_IR | MSR_DR;
    }
    c->msr[0] = new_msr;
    c->nip[0] = target;
    c->leave_run = true;
    if (c->hooks.interrupt)
        c->hooks.interrupt(c, vector, c->hooks.opaque);
}

void cpu_program_interrupt(struct cpu *c, uint64_t reason)
{
    cpu_interrupt(c, VEC_PROGRAM, reason, false);
}

void cpu_dsi(struct cpu *c, uint64_t ea, uint32_t dsisr)
{
    c->dar[0] = ea;
    c->dsisr[0] = dsisr;
    cpu_interrupt(c, VEC_DSI, 0, false);
}

void cpu_alignment_interrupt(struct cpu *c, uint64_t ea)
{
    /* POWER8 leaves DSISR undefined for alignment interrupts; Linux reads
     * the instruction instead. ppcrr writes 0 so the state is defined. */
    c->dar[0] = ea;
    c->dsisr[0] = 0;
    cpu_interrupt(c, VEC_ALIGNMENT, 0, false);
}

void cpu_machine_check(struct cpu *c, uint64_t address)
{
    /* An access to a physical address that is neither RAM nor a device.
     * The SRR1 cause bits of a machine check are implementation-specific;
     * ppcrr reports the address in DAR and no cause bits. */
    c->dar[0] = address;
    cpu_interrupt(c, VEC_MACHINE_CHECK, 0, false);
}

/* No row matches the word, or it is an invalid form. In an LPAR this is a
 * hypervisor emulation assistance interrupt that the hypervisor reflects to
 * the guest as an illegal instruction program interrupt. */
void insn_illegal(struct cpu *c, uint32_t insn)
{
    (void)insn;
    cpu_program_interrupt(c, SRR1_PROGRAM_ILLEGAL);
}
