/*
 * System instruction handlers (insn_system.def): system calls and
 * hypercalls, MSR moves, traps, mftb, barriers, attn.
 */
#include "emu/cpu/insn_handlers.h"

#define H_FUNCTION ((uint64_t)-2)    /* PAPR: function not supported */
#define H_PRIVILEGE ((uint64_t)-3)   /* PAPR: caller not privileged */

/* `sc LEV`: LEV 1 is a hypercall, which an LPAR's hypervisor answers; from
 * problem state it fails with H_PRIVILEGE, as PAPR specifies. Any other
 * level is a system call interrupt to the guest's own kernel. */
void insn_sc(struct cpu *c, uint32_t insn)
{
    unsigned lev = (insn >> 5) & 0x7f;
    if (lev != 1) {
        cpu_interrupt(c, VEC_SYSCALL, 0, true);
        return;
    }
    if (c->msr[0] & MSR_PR)
        c->gpr[3] = H_PRIVILEGE;
    else if (c->hooks.hcall)
        c->hooks.hcall(c, c->hooks.opaque);
    else
        c->gpr[3] = H_FUNCTION;
    c->leave_run = true;     /* the hypervisor may have changed what is pending */
}

/* Test guests end with attn; the machine decides what that means. */
void insn_attn(struct cpu *c, uint32_t insn)
{
    (void)insn;
    cpu_request_stop(c, CPU_STOP_ATTN);
}

/* The TO field's five conditions (ISA bits 6:10 of the instruction). */
static bool trap_condition(unsigned to, int64_t a, int64_t b)
{
    return ((to & 0x10) && a < b) || ((to & 0x08) && a > b) || ((to & 0x04) && a == b) ||
           ((to & 0x02) && (uint64_t)a < (uint64_t)b) || ((to & 0x01) && (uint64_t)a > (uint64_t)b);
}

static void trap_if(struct cpu *c, bool cond)
{
    if (cond)
        cpu_program_interrupt(c, SRR1_PROGRAM_TRAP);
}

/* Word traps compare the low words, sign-extended for the signed tests and
 * zero-extended for the unsigned ones; sign extension keeps both orders. */
void insn_twi(struct cpu *c, uint32_t insn)
{
    trap_if(c, trap_condition(f_to(insn), (int32_t)c->gpr[f_ra(insn)], (int32_t)f_si(insn)));
}

void insn_tdi(struct cpu *c, uint32_t insn)
{
    trap_if(c, trap_condition(f_to(insn), (int64_t)c->gpr[f_ra(insn)], f_si(insn)));
}

void insn_tw(struct cpu *c, uint32_t insn)
{
    trap_if(c, trap_condition(f_to(insn), (int32_t)c->gpr[f_ra(insn)], (int32_t)c->gpr[f_rb(insn)]));
}

void insn_td(struct cpu *c, uint32_t insn)
{
    trap_if(c, trap_condition(f_to(insn), (int64_t)c->gpr[f_ra(insn)], (int64_t)c->gpr[f_rb(insn)]));
}

static bool require_privilege(struct cpu *c)
{
    if (!(c->msr[0] & MSR_PR))
        return true;
    cpu_program_interrupt(c, SRR1_PROGRAM_PRIV);
    return false;
}

void insn_mfmsr(struct cpu *c, uint32_t insn)
{
    if (require_privilege(c))
        c->gpr[f_rt(insn)] = c->msr[0];
}

/* Problem state implies relocation and external interrupts (mtmsr[d] and
 * rfid all apply this). */
static uint64_t msr_pr_implies(uint64_t msr)
{
    return (msr & MSR_PR) ? msr | MSR_EE | MSR_IR | MSR_DR : msr;
}

#define MSR_L1_BITS (MSR_EE | MSR_RI)   /* what mtmsr[d] with L=1 changes */
#define MSR_RESERVED_IN_GUEST (MSR_HV | MSR_ME | 0x783f0000ull)

/* mtmsrd: L=0 sets the whole MSR except HV, ME and the reserved bits;
 * L=1 only EE and RI. A change of IR, DR or PR needs no TLB flush: the
 * soft TLB is keyed by PR and only looked at with relocation on (mmu.h);
 * leaving the run makes the loop translate its code page again. */
void insn_mtmsrd(struct cpu *c, uint32_t insn)
{
    if (!require_privilege(c))
        return;
    uint64_t rs = c->gpr[f_rs(insn)], msr = c->msr[0];
    if (insn & (1u << 16))
        msr = (msr & ~MSR_L1_BITS) | (rs & MSR_L1_BITS);
    else
        msr = msr_pr_implies((msr & MSR_RESERVED_IN_GUEST) | (rs & ~MSR_RESERVED_IN_GUEST));
    c->msr[0] = msr;
    c->leave_run = true;
}

/* mtmsr: the same, limited to MSR bits 32:63. */
void insn_mtmsr(struct cpu *c, uint32_t insn)
{
    if (!require_privilege(c))
        return;
    uint64_t rs = c->gpr[f_rs(insn)], msr = c->msr[0];
    if (insn & (1u << 16)) {
        msr = (msr & ~MSR_L1_BITS) | (rs & MSR_L1_BITS);
    } else {
        uint64_t keep = 0xffffffff00000000ull | MSR_RESERVED_IN_GUEST;
        msr = msr_pr_implies((msr & keep) | (rs & ~keep));
    }
    c->msr[0] = msr;
    c->leave_run = true;
}

void insn_mftb(struct cpu *c, uint32_t insn)
{
    unsigned tbr = f_spr(insn);
    if (tbr == 268)
        c->gpr[f_rt(insn)] = cpu_tb(c);
    else if (tbr == 269)
        c->gpr[f_rt(insn)] = cpu_tb(c) >> 32;
    else
        insn_illegal(c, insn);
}

/* One thread and strongly ordered host accesses: sync, lwsync, ptesync
 * and eieio have nothing to order. */
void insn_barrier(struct cpu *c, uint32_t insn)
{
    (void)c;
    (void)insn;
}
