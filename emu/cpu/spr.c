/*
 * mfspr and mtspr, driven by the SPR table (spr.def): each SPR number maps
 * to a state field, who may read and write it, and optional hooks for the
 * registers whose value is computed (TB, DEC) or partly writable (XER,
 * AMR from problem state, the 32-bit halves).
 */
#include <stddef.h>

#include "emu/cpu/insn_handlers.h"

enum spr_access { NONE = 0, USER, PRIV };

typedef uint64_t (*spr_read_fn)(struct cpu *c, uint64_t *field);
typedef void (*spr_write_fn)(struct cpu *c, uint64_t *field, uint64_t value);

struct spr_info {
    const char *name;
    size_t offset;
    uint8_t read, write;
    spr_read_fn read_hook;
    spr_write_fn write_hook;
};

/* XER's defined bits: OV32 and CA32 exist only from ISA 3.0 on; on POWER8
 * they are reserved and read as 0 (found by the QEMU differential suite). */
static void spr_write_xer(struct cpu *c, uint64_t *f, uint64_t v)
{
    uint64_t defined = XER_SO | XER_OV | XER_CA | XER_BC_MASK;
    if (c->isa300)
        defined |= XER_OV32 | XER_CA32;
    *f = v & defined;
}
static void spr_write_low32(struct cpu *c, uint64_t *f, uint64_t v) { (void)c; *f = (uint32_t)v; }
static uint64_t spr_read_high32(struct cpu *c, uint64_t *f) { (void)c; return *f >> 32; }
static void spr_write_high32(struct cpu *c, uint64_t *f, uint64_t v)
{
    (void)c;
    *f = (*f & 0xffffffffull) | v << 32;
}
static uint64_t spr_read_zero(struct cpu *c, uint64_t *f) { (void)c; (void)f; return 0; }
static uint64_t spr_read_tb(struct cpu *c, uint64_t *f) { (void)f; return cpu_tb(c); }
static uint64_t spr_read_tbu(struct cpu *c, uint64_t *f) { (void)f; return cpu_tb(c) >> 32; }
static uint64_t spr_read_dec(struct cpu *c, uint64_t *f) { (void)f; return cpu_read_dec(c); }
static void spr_write_dec(struct cpu *c, uint64_t *f, uint64_t v) { (void)f; cpu_write_dec(c, v); }

/* One thread owns the core: it gets every cycle, so PURR runs with TB. */
static uint64_t spr_read_purr(struct cpu *c, uint64_t *f) { return cpu_tb(c) + *f; }

/* From problem state only the AMR bits UAMOR allows change. */
static void spr_write_amr_user(struct cpu *c, uint64_t *f, uint64_t v)
{
    uint64_t allowed = (c->msr[0] & MSR_PR) ? c->uamor[0] : ~0ull;
    *f = (*f & ~allowed) | (v & allowed);
}

/* CTRL: only the run latch (bit 63) is writable. */
static void spr_write_ctrl(struct cpu *c, uint64_t *f, uint64_t v) { (void)c; *f = v & 1; }

static const struct spr_info spr_table[1024] = {
#define SPR(num, name_, field, r, w, rh, wh) \
    [num] = { name_, offsetof(struct cpu, field), r, w, rh, wh },
#include "emu/cpu/spr.def"
#undef SPR
};

/* False after raising the interrupt the access deserves. */
static bool spr_allowed(struct cpu *c, uint32_t insn, unsigned spr, uint8_t access)
{
    bool problem = c->msr[0] & MSR_PR;
    if (access == USER || (access == PRIV && !problem))
        return true;
    if (problem && (spr & 0x10))
        cpu_program_interrupt(c, SRR1_PROGRAM_PRIV);
    else
        insn_illegal(c, insn);
    return false;
}

static uint64_t *spr_field(struct cpu *c, const struct spr_info *s)
{
    return (uint64_t *)((char *)c + s->offset);
}

void insn_mfspr(struct cpu *c, uint32_t insn)
{
    unsigned n = f_spr(insn);
    const struct spr_info *s = &spr_table[n];
    if (!spr_allowed(c, insn, n, s->read))
        return;
    uint64_t *f = spr_field(c, s);
    c->gpr[f_rt(insn)] = s->read_hook ? s->read_hook(c, f) : *f;
}

void insn_mtspr(struct cpu *c, uint32_t insn)
{
    unsigned n = f_spr(insn);
    const struct spr_info *s = &spr_table[n];
    if (!spr_allowed(c, insn, n, s->write))
        return;
    uint64_t *f = spr_field(c, s);
    uint64_t v = c->gpr[f_rs(insn)];
    if (s->write_hook)
        s->write_hook(c, f, v);
    else
        *f = v;
}

const char *cpu_spr_name(unsigned spr)
{
    return spr < 1024 ? spr_table[spr].name : NULL;
}
