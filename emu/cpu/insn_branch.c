/*
 * Branch facility handlers (insn_branch.def).
 *
 * Conditional branches follow the ISA's pseudocode: BO bit 2 off decrements
 * CTR and tests it (its low word only in 32-bit mode), BO bit 0 off tests
 * CR bit BI against BO bit 1. The LK bit sets LR to the next instruction
 * after the target was taken from the old LR. A taken branch records its
 * own address in CFAR, as POWER8 does.
 */
#include "emu/cpu/insn_handlers.h"

#define BO_NO_COND 0x10u     /* BO bit 0: ignore the CR bit */
#define BO_COND_TRUE 0x08u   /* BO bit 1: branch if the CR bit is 1 */
#define BO_NO_CTR 0x04u      /* BO bit 2: leave CTR alone */
#define BO_CTR_ZERO 0x02u    /* BO bit 3: branch if CTR reaches 0 */

#define FSCR_TAR (1ull << 8)             /* FSCR bit 55: TAR facility enabled */
#define FSCR_IC_SHIFT 56                 /* interruption cause, FSCR bits 0:7 */
#define FSCR_IC_TAR 8ull

static void branch_to(struct cpu *c, uint64_t target, uint32_t insn)
{
    if (insn & 1)                            /* LK */
        c->lr[0] = ea_mode(c, c->cia + 4);
    c->cfar[0] = c->cia;
    c->nip[0] = ea_mode(c, target);
}

/* The BO/BI test, with the CTR decrement it implies. */
static bool branch_condition(struct cpu *c, uint32_t insn)
{
    unsigned bo = f_bo(insn);
    bool ctr_ok = true, cond_ok = true;
    if (!(bo & BO_NO_CTR)) {
        c->ctr[0]--;
        uint64_t ctr = cpu_64bit(c) ? c->ctr[0] : (uint32_t)c->ctr[0];
        ctr_ok = (ctr != 0) != ((bo & BO_CTR_ZERO) != 0);
    }
    if (!(bo & BO_NO_COND))
        cond_ok = cr_bit(c, f_bi(insn)) == ((bo & BO_COND_TRUE) != 0);
    return ctr_ok && cond_ok;
}

void insn_b(struct cpu *c, uint32_t insn)
{
    int64_t li = (int32_t)(insn << 6) >> 6 & ~3;   /* bits 6:29, sign-extended */
    branch_to(c, (insn & 2) ? (uint64_t)li : c->cia + (uint64_t)li, insn);
}

/* The common tail of the conditional branches: test, then branch to
 * TARGET (computed before LK changes LR) or just record the link. */
static void branch_conditional(struct cpu *c, uint32_t insn, uint64_t target)
{
    if (branch_condition(c, insn))
        branch_to(c, target, insn);
    else if (insn & 1)
        c->lr[0] = ea_mode(c, c->cia + 4);
}

void insn_bc(struct cpu *c, uint32_t insn)
{
    int64_t bd = (int16_t)(insn & 0xfffc);
    branch_conditional(c, insn, (insn & 2) ? (uint64_t)bd : c->cia + (uint64_t)bd);
}

void insn_bclr(struct cpu *c, uint32_t insn)
{
    branch_conditional(c, insn, c->lr[0] & ~3ull);
}

void insn_bcctr(struct cpu *c, uint32_t insn)
{
    if (!(f_bo(insn) & BO_NO_CTR)) {       /* decrementing CTR: invalid form */
        insn_illegal(c, insn);
        return;
    }
    branch_conditional(c, insn, c->ctr[0] & ~3ull);
}

void insn_bctar(struct cpu *c, uint32_t insn)
{
    if ((c->msr[0] & MSR_PR) && !(c->fscr[0] & FSCR_TAR)) {
        c->fscr[0] = (c->fscr[0] & ((1ull << FSCR_IC_SHIFT) - 1)) | FSCR_IC_TAR << FSCR_IC_SHIFT;
        cpu_interrupt(c, VEC_FAC_UNAVAILABLE, 0, false);
        return;
    }
    branch_conditional(c, insn, c->tar[0] & ~3ull);
}

void insn_mcrf(struct cpu *c, uint32_t insn)
{
    cr_set_field(c, f_bf(insn), cr_field(c, f_bfa(insn)));
}

/* The eight CR logical operations differ only in their truth table, which
 * bits 22:25 of the extended opcode give directly: bit (a << 1 | b) of the
 * 4-bit table is the result for inputs a and b. */
void insn_crlogical(struct cpu *c, uint32_t insn)
{
    unsigned table = (insn >> 6) & 0xf;
    /* xo bits 22:25 in ISA order map to inputs (1,1),(1,0),(0,1),(0,0). */
    unsigned a = cr_bit(c, f_ba(insn)), b = cr_bit(c, f_bb(insn));
    unsigned result = (table >> (a << 1 | b)) & 1;
    cr_set_bit(c, f_bt(insn), result);
}

void insn_isync(struct cpu *c, uint32_t insn)
{
    (void)insn;
    /* Instructions are re-decoded as soon as code is stored to, so there is
     * nothing to discard; leave the run so pending state is looked at. */
    c->leave_run = true;
}

void insn_rfid(struct cpu *c, uint32_t insn)
{
    (void)insn;
    if (c->msr[0] & MSR_PR) {
        cpu_program_interrupt(c, SRR1_PROGRAM_PRIV);
        return;
    }
    /* Book III-S rfid: MSR from SRR1, except that HV can only be cleared,
     * ME changes only in hypervisor state, problem state forces EE, IR and
     * DR on, and SRR1's interrupt-cause bits (33:36, 42:47) are not MSR. */
    uint64_t old = c->msr[0], srr1 = c->srr1[0];
    uint64_t msr = srr1 & ~0x783f0000ull;
    msr = (msr & ~MSR_HV) | (old & srr1 & MSR_HV);
    if (!(old & MSR_HV))
        msr = (msr & ~MSR_ME) | (old & MSR_ME);
    if (msr & MSR_PR)
        msr |= MSR_EE | MSR_IR | MSR_DR;
    c->msr[0] = msr;
    c->nip[0] = ea_mode(c, c->srr0[0] & ~3ull);
    c->cfar[0] = c->cia;
    c->leave_run = true;
}
