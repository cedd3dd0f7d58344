/*
 * Load and store handlers (insn_loadstore.def).
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/mem_access.h"

void insn_lwz(struct cpu *c, uint32_t insn)
{
    uint64_t v;
    if (cpu_load(c, ea_ra0(c, insn, (uint64_t)f_si(insn)), 4, false, &v))
        c->gpr[f_rt(insn)] = v;
}

void insn_stw(struct cpu *c, uint32_t insn)
{
    cpu_store(c, ea_ra0(c, insn, (uint64_t)f_si(insn)), 4, false, c->gpr[f_rs(insn)]);
}

void insn_ld(struct cpu *c, uint32_t insn)
{
    uint64_t v;
    if (cpu_load(c, ea_ra0(c, insn, (uint64_t)f_ds(insn)), 8, false, &v))
        c->gpr[f_rt(insn)] = v;
}

void insn_std(struct cpu *c, uint32_t insn)
{
    cpu_store(c, ea_ra0(c, insn, (uint64_t)f_ds(insn)), 8, false, c->gpr[f_rs(insn)]);
}
