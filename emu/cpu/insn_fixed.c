/*
 * Fixed-point facility handlers (insn_fixed.def).
 */
#include "emu/cpu/insn_handlers.h"

void insn_addi(struct cpu *c, uint32_t insn)
{
    unsigned ra = f_ra(insn);
    c->gpr[f_rt(insn)] = (ra ? c->gpr[ra] : 0) + (uint64_t)f_si(insn);
}

void insn_addis(struct cpu *c, uint32_t insn)
{
    unsigned ra = f_ra(insn);
    c->gpr[f_rt(insn)] = (ra ? c->gpr[ra] : 0) + ((uint64_t)f_si(insn) << 16);
}

void insn_add(struct cpu *c, uint32_t insn)
{
    uint64_t a = c->gpr[f_ra(insn)], b = c->gpr[f_rb(insn)], r = a + b;
    if (f_oe(insn)) {
        unsigned ov = (int64_t)((a ^ r) & (b ^ r)) < 0;
        unsigned ov32 = (int32_t)(((uint32_t)a ^ (uint32_t)r) & ((uint32_t)b ^ (uint32_t)r)) < 0;
        set_ov(c, cpu_64bit(c) ? ov : ov32, ov32);
    }
    c->gpr[f_rt(insn)] = r;
    if (f_rc(insn))
        set_cr0(c, r);
}

void insn_or(struct cpu *c, uint32_t insn)
{
    uint64_t r = c->gpr[f_rs(insn)] | c->gpr[f_rb(insn)];
    c->gpr[f_ra(insn)] = r;
    if (f_rc(insn))
        set_cr0(c, r);
}

void insn_ori(struct cpu *c, uint32_t insn)
{
    c->gpr[f_ra(insn)] = c->gpr[f_rs(insn)] | f_ui(insn);
}

static void compare_signed(struct cpu *c, unsigned bf, int64_t a, int64_t b)
{
    cr_set_field(c, bf, (a < b ? CR_LT : a > b ? CR_GT : CR_EQ) | xer_so(c));
}

void insn_cmpi(struct cpu *c, uint32_t insn)
{
    int64_t a = f_l(insn) ? (int64_t)c->gpr[f_ra(insn)] : (int32_t)c->gpr[f_ra(insn)];
    compare_signed(c, f_bf(insn), a, f_si(insn));
}

void insn_cmp(struct cpu *c, uint32_t insn)
{
    uint64_t x = c->gpr[f_ra(insn)], y = c->gpr[f_rb(insn)];
    if (f_l(insn))
        compare_signed(c, f_bf(insn), (int64_t)x, (int64_t)y);
    else
        compare_signed(c, f_bf(insn), (int32_t)x, (int32_t)y);
}
