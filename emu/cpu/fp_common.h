/*
 * What the floating-point instructions of the FP facility (insn_fp.c) and
 * of VSX (insn_vsx_*.c) share: the FPSCR bookkeeping of Power ISA 2.07
 * 4.2.2 and the exact single <-> double format conversions of 4.6.2 and
 * 4.6.3 (DOUBLE and SINGLE). All of it works on bit patterns, never on
 * host floating point (DESIGN.md section 2).
 *
 * FPSCR rules: FEX and VX are summaries, recomputed after every change and
 * never set or cleared directly. FX is set when an instruction changes an
 * exception bit from 0 to 1 (mtfsf and mtfsfi set it only explicitly).
 */
#ifndef PPCRR_EMU_CPU_FP_COMMON_H
#define PPCRR_EMU_CPU_FP_COMMON_H

#include "emu/cpu/fpu.h"
#include "emu/cpu/vec.h"

/* The exception bits: those whose 0 -> 1 change sets FX. */
#define FPSCR_EXCEPTIONS (FPSCR_OX | FPSCR_UX | FPSCR_ZX | FPSCR_XX | FPSCR_VX_ALL)

/* Double-precision bit patterns. */
#define DP_SIGN (1ull << 63)
#define DP_EXP_SHIFT 52
#define DP_FRAC ((1ull << 52) - 1)
#define DP_QUIET (1ull << 51)

/* NaN classes of a double bit pattern (for the compares, max/min and the
 * sign moves, which look at operands without the fpu.c core). */
static inline bool dp_is_nan(uint64_t d)
{
    return (d & ~DP_SIGN) > (0x7ffull << DP_EXP_SHIFT);
}

static inline bool dp_is_snan(uint64_t d)
{
    return dp_is_nan(d) && !(d & DP_QUIET);
}

/* VX and FEX from the other bits. VX, OX, UX, ZX, XX sit 22 bits above
 * their enables VE, OE, UE, ZE, XE. */
static inline uint64_t fpscr_summarise(uint64_t f)
{
    f &= ~(FPSCR_FEX | FPSCR_VX);
    if (f & FPSCR_VX_ALL)
        f |= FPSCR_VX;
    if ((f >> 22) & f & 0xf8)
        f |= FPSCR_FEX;
    return f;
}

/* Sets FPSCR bits RAISED (exception bits) as an instruction does: FX for
 * any that goes from 0 to 1, then the summaries. */
static inline void fpscr_raise(struct cpu *c, uint64_t raised)
{
    uint64_t f = c->fpscr[0];
    if (raised & ~f & FPSCR_EXCEPTIONS)
        f |= FPSCR_FX;
    c->fpscr[0] = fpscr_summarise(f | raised);
}

/* CR1 <- FX FEX VX OX, for the Rc=1 forms. */
static inline void set_cr1(struct cpu *c)
{
    cr_set_field(c, 1, (unsigned)(c->fpscr[0] >> 28) & 0xf);
}

/* The floating-point enabled exception program interrupt (Book III-S
 * 6.5.9), for the move-to-FPSCR instructions: taken when FEX is 1 after
 * the move -- an exception bit and its enable both 1 -- and MSR[FE0 FE1]
 * asks for it. */
static inline void fp_enabled_exception(struct cpu *c)
{
    if ((c->fpscr[0] & FPSCR_FEX) && (c->msr[0] & (MSR_FE0 | MSR_FE1)))
        cpu_program_interrupt(c, SRR1_PROGRAM_FP);
}

/* The same interrupt for every other instruction: taken when the
 * instruction itself caused an exception whose enable bit is 1 (RAISED:
 * the exception bits it caused, already set or not, with FI standing for
 * XX), not merely because FEX is still 1 from an earlier instruction.
 * Book I 4.4 and III-S 6.5.9 tie the interrupt to the instruction that
 * causes the enabled exception; QEMU does the same. */
static inline void fp_enabled_exception_caused(struct cpu *c, uint64_t raised)
{
    if (raised & FPSCR_VX_ALL)
        raised |= FPSCR_VX;
    if (raised & FPSCR_FI)
        raised |= FPSCR_XX;
    /* VX, OX, UX, ZX, XX sit 22 bits above their enables VE, OE, UE, ZE, XE. */
    if (((raised >> 22) & c->fpscr[0] & 0xf8) && (c->msr[0] & (MSR_FE0 | MSR_FE1)))
        cpu_program_interrupt(c, SRR1_PROGRAM_FP);
}

/* ---- single <-> double (4.6.2 DOUBLE, 4.6.3 SINGLE) ---- */

/* DOUBLE(WORD): exact. Normal numbers re-bias the exponent; zeros,
 * infinities and NaNs (signalling ones stay signalling) keep their bits;
 * single denormals are normalised. */
static inline uint64_t fp_double_of_single(uint32_t w)
{
    uint64_t sign = (uint64_t)(w >> 31) << 63;
    unsigned exp = (w >> 23) & 0xff;
    uint64_t frac = w & 0x7fffff;
    if (exp == 0 && frac != 0) {
        int e = -126;
        while (!(frac & 0x800000)) {
            frac <<= 1;
            e--;
        }
        return sign | (uint64_t)(e + 1023) << DP_EXP_SHIFT | (frac & 0x7fffff) << 29;
    }
    /* WORD0:1 || (3 copies of the inverse of WORD1, or of WORD1 for zero,
     * infinity and NaN) || WORD2:31 || 29 zeros. */
    uint64_t w1 = (w >> 30) & 1;
    uint64_t fill = exp == 0 || exp == 0xff ? w1 : !w1;
    return (uint64_t)(w >> 30) << 62 | fill * (7ull << 59) | (uint64_t)(w & 0x3fffffff) << 29;
}

/* SINGLE(FRS): no rounding. Values with a single-range exponent (and
 * infinities, NaNs, zeros) drop the low fraction bits; tiny ones become a
 * truncated single denormal. Below the denormal range the ISA leaves the
 * word undefined; ppcrr stores a zero of the same sign, as QEMU does. Too
 * large a value is not saturated: its bits are taken as they are. */
static inline uint32_t fp_single_of_double(uint64_t d)
{
    unsigned exp = (unsigned)(d >> DP_EXP_SHIFT) & 0x7ff;
    if (exp > 896 || (d & ~DP_SIGN) == 0)
        return (uint32_t)(d >> 62) << 30 | (uint32_t)((d >> 29) & 0x3fffffff);
    uint32_t w = (uint32_t)(d >> 63) << 31;
    if (exp >= 874)
        w |= (uint32_t)(((1ull << 52) | (d & DP_FRAC)) >> (896 + 30 - exp));
    return w;
}


#endif
