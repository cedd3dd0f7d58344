/*
 * Guest time (DESIGN.md §2 rule 1): the timebase is a function of the
 * instruction count, TB = icount * tb_per_insn + tb_offset, at a nominal
 * 512 MHz. One tick per instruction makes the guest see a 512-MIPS CPU,
 * close to what QEMU's TCG gives this kernel, so its timer behaviour is
 * comparable.
 *
 * DEC is kept as the TB value at which it reads 0 (dec_expiry), so it costs
 * nothing while it counts. Its exception is level-like on POWER8: pending
 * while DEC is negative, until a non-negative value is written. DEC is 32
 * bits unless LPCR[LD] selects the large decrementer of dec_bits bits (an
 * ISA 3.0 feature, advertised to the guest by `ibm,dec-bits`).
 *
 * With several vCPUs, each has its own icount, and tb_offset is what keeps
 * their timebases one clock: a vCPU that does not execute for a while
 * (stopped, ceded, or yielding the rest of its turn) has its tb_offset
 * advanced by the ticks the others ran meanwhile (cpu_tb_advance; the
 * machine's run loop says exactly when, machine.c). DEC is kept as a TB
 * value, so it keeps counting down for such a vCPU too.
 */
#include "emu/cpu/insn.h"

uint64_t cpu_tb(const struct cpu *c)
{
    return c->icount[0] * c->tb_per_insn + c->tb_offset[0];
}

static unsigned dec_width(const struct cpu *c)
{
    return (c->lpcr[0] & LPCR_LD) && c->dec_bits > 32 ? c->dec_bits : 32;
}

uint64_t cpu_read_dec(const struct cpu *c)
{
    uint64_t v = c->dec_expiry[0] - cpu_tb(c);
    unsigned w = dec_width(c);
    if (w == 32)
        return (uint32_t)v;                     /* mfspr zero-extends DEC */
    unsigned shift = 64 - w;
    return (uint64_t)((int64_t)(v << shift) >> shift);  /* large: sign-extended */
}

void cpu_write_dec(struct cpu *c, uint64_t value)
{
    c->dec_expiry[0] = cpu_tb(c) + value;
    c->leave_run = true;
}

bool cpu_dec_pending(const struct cpu *c)
{
    return (cpu_read_dec(c) >> (dec_width(c) - 1)) & 1;
}

uint64_t cpu_ticks_to_dec(const struct cpu *c)
{
    if (cpu_dec_pending(c))
        return 0;
    /* DEC goes negative one tick after it reads 0 (and the 32-bit DEC
     * reads at most 0x7fffffff here, else it would be pending). */
    return cpu_read_dec(c) + 1;
}

void cpu_tb_advance(struct cpu *c, uint64_t ticks)
{
    c->tb_offset[0] += ticks;
}
