/*
 * The Power ISA 2.07 floating-point facility (Book I chapter 4) as a
 * software IEEE 754 core: correctly rounded binary64/binary32 arithmetic,
 * fused multiply-add, conversions, round-to-integer, compares and the
 * estimates, computed with integer arithmetic only so that a result never
 * depends on the host's floating-point environment (DESIGN.md §2).
 *
 * Operands and results are raw IEEE double bit patterns, as the FPRs hold
 * them; single-precision results are returned in double format, as the ISA
 * keeps them. Each operation reads the rounding mode and the exception
 * enables from a copy of the FPSCR (struct fpu_status.ctl) and reports what
 * it raised (exception bits, FR, FI) in fpu_status.flags, using the FPSCR's
 * own bit positions; fpu_fpscr_update() folds that into the FPSCR.
 *
 * What the caller does: it writes the result to FRT unless
 * fpu_suppressed() says an enabled invalid-operation or zero-divide
 * exception forbids it (the ISA leaves FRT and FPRF unchanged then), sets
 * FPRF from fpu_fprf() for the instructions that define it, and raises the
 * program interrupt when the FPSCR's FEX comes out set (MSR[FE0|FE1]).
 *
 * Enabled overflow and underflow (OE=1, UE=1) give the ISA's scaled result
 * (exponent adjusted by 1536 for double, 192 for single). FPSCR[NI]
 * (non-IEEE mode) is ignored: results are always the IEEE ones, which the
 * ISA allows.
 */
#ifndef PPCRR_EMU_CPU_FPU_H
#define PPCRR_EMU_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* FPSCR bits, in host numbering of the low word (ISA bit n is 63 - n). */
#define FPSCR_FX (1ull << 31)      /* 32: exception summary (sticky) */
#define FPSCR_FEX (1ull << 30)     /* 33: enabled exception summary */
#define FPSCR_VX (1ull << 29)      /* 34: invalid operation summary */
#define FPSCR_OX (1ull << 28)      /* 35: overflow */
#define FPSCR_UX (1ull << 27)      /* 36: underflow */
#define FPSCR_ZX (1ull << 26)      /* 37: zero divide */
#define FPSCR_XX (1ull << 25)      /* 38: inexact */
#define FPSCR_VXSNAN (1ull << 24)  /* 39: signalling NaN operand */
#define FPSCR_VXISI (1ull << 23)   /* 40: inf - inf */
#define FPSCR_VXIDI (1ull << 22)   /* 41: inf / inf */
#define FPSCR_VXZDZ (1ull << 21)   /* 42: 0 / 0 */
#define FPSCR_VXIMZ (1ull << 20)   /* 43: inf * 0 */
#define FPSCR_VXVC (1ull << 19)    /* 44: invalid compare */
#define FPSCR_FR (1ull << 18)      /* 45: fraction rounded (incremented) */
#define FPSCR_FI (1ull << 17)      /* 46: fraction inexact */
#define FPSCR_FPRF_SHIFT 12      /* 47:51: result class (C, FL, FG, FE, FU) */
#define FPSCR_FPRF (0x1full << FPSCR_FPRF_SHIFT)
#define FPSCR_FPCC (0xfull << FPSCR_FPRF_SHIFT)
#define FPSCR_VXSOFT (1ull << 10)  /* 53: software request (never set here) */
#define FPSCR_VXSQRT (1ull << 9)   /* 54: sqrt of a negative number */
#define FPSCR_VXCVI (1ull << 8)    /* 55: invalid integer convert */
#define FPSCR_VE (1ull << 7)       /* 56: enables ... */
#define FPSCR_OE (1ull << 6)
#define FPSCR_UE (1ull << 5)
#define FPSCR_ZE (1ull << 4)
#define FPSCR_XE (1ull << 3)
#define FPSCR_NI (1ull << 2)       /* 61: non-IEEE mode (ignored) */
#define FPSCR_RN 3ull             /* 62:63: rounding mode */

/* All the invalid-operation causes, whose OR is FPSCR[VX]. */
#define FPSCR_VX_ALL (FPSCR_VXSNAN | FPSCR_VXISI | FPSCR_VXIDI | FPSCR_VXZDZ | FPSCR_VXIMZ | \
                      FPSCR_VXVC | FPSCR_VXSOFT | FPSCR_VXSQRT | FPSCR_VXCVI)

/* FPSCR[RN] values. */
enum fpu_rn { FPU_RN_NEAREST = 0, FPU_RN_ZERO = 1, FPU_RN_PLUS_INF = 2, FPU_RN_MINUS_INF = 3 };

/* FPRF codes (C || FPCC) and the compare results (FPCC alone). */
#define FPU_FL 8u
#define FPU_FG 4u
#define FPU_FE 2u
#define FPU_FU 1u
#define FPRF_QNAN 0x11u
#define FPRF_NEG_INF 0x09u
#define FPRF_NEG_NORMAL 0x08u
#define FPRF_NEG_DENORMAL 0x18u
#define FPRF_NEG_ZERO 0x12u
#define FPRF_POS_ZERO 0x02u
#define FPRF_POS_DENORMAL 0x14u
#define FPRF_POS_NORMAL 0x04u
#define FPRF_POS_INF 0x05u

#define FPU_DEFAULT_QNAN 0x7ff8000000000000ull

/* One operation's context: CTL is the FPSCR as the instruction found it
 * (RN, VE/OE/UE/ZE/XE are read); FLAGS is written by every operation, from
 * scratch, with the FPSCR exception bits it raised plus FR and FI. */
struct fpu_status {
    uint32_t ctl;
    uint32_t flags;
};

/* Whether the result is rounded to double or to single precision. */
enum fpu_prec { FPU_DOUBLE, FPU_SINGLE };

/* The multiply-add family: FRT = [-](FRA * FRC +/- FRB). */
enum fpu_madd_kind { FPU_MADD, FPU_MSUB, FPU_NMADD, FPU_NMSUB };

/* Integer conversion targets (fcti*): signedness and width. */
enum fpu_int_kind { FPU_INT64, FPU_UINT64, FPU_INT32, FPU_UINT32 };

/* Round-to-integer instructions. */
enum fpu_rint { FPU_FRIN, FPU_FRIZ, FPU_FRIP, FPU_FRIM };

/* Arithmetic: fadd[s], fsub[s], fmul[s], fdiv[s], fsqrt[s]. */
uint64_t fpu_add(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t b);
uint64_t fpu_sub(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t b);
uint64_t fpu_mul(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t c);
uint64_t fpu_div(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t b);
uint64_t fpu_sqrt(struct fpu_status *st, enum fpu_prec p, uint64_t b);

/* fmadd[s], fmsub[s], fnmadd[s], fnmsub[s]: one rounding; the fnm* forms
 * negate after rounding (and do not negate a NaN result). Operands in
 * assembler order: FRA, FRC, FRB. */
uint64_t fpu_madd(struct fpu_status *st, enum fpu_prec p, enum fpu_madd_kind kind,
                  uint64_t a, uint64_t c, uint64_t b);

/* frsp. */
uint64_t fpu_frsp(struct fpu_status *st, uint64_t b);

/* fctid, fctidz, fctidu, fctiduz, fctiw, fctiwz, fctiwu, fctiwuz: TOWARD_ZERO
 * picks the z forms. NaN gives 0x8000000000000000 (signed forms; 0x80000000
 * for fctiw) or 0 (unsigned), out-of-range inputs saturate; both set VXCVI.
 * The 32-bit forms put the result in the low word; the ISA leaves the high
 * word undefined: here it is the sign extension of the result for fctiw[z]
 * and zero for fctiwu[z]. */
uint64_t fpu_fcti(struct fpu_status *st, enum fpu_int_kind kind, bool toward_zero, uint64_t b);

/* fcfid, fcfids, fcfidu, fcfidus: B holds the 64-bit integer. */
uint64_t fpu_fcfid(struct fpu_status *st, enum fpu_prec p, bool is_unsigned, uint64_t b);

/* frin (nearest, ties away from zero), friz, frip, frim. They raise only
 * VXSNAN; FR and FI come out 0 and XX is never set. */
uint64_t fpu_round_int(struct fpu_status *st, enum fpu_rint mode, uint64_t b);

/* fcmpu (ORDERED false) and fcmpo: returns the FL/FG/FE/FU code. */
unsigned fpu_compare(struct fpu_status *st, bool ordered, uint64_t a, uint64_t b);

/* fre[s] and frsqrte[s]. The ISA asks for a relative error within 2^-14;
 * these return the correctly rounded reciprocal (fre) and the reciprocal of
 * the correctly rounded square root, rounded (frsqrte, error < 2^-51), so
 * they are far inside the bound but not bit-equal to POWER8's tables. They
 * set FR = FI = 0 and leave XX alone (the ISA says undefined). */
uint64_t fpu_fre(struct fpu_status *st, enum fpu_prec p, uint64_t b);
uint64_t fpu_frsqrte(struct fpu_status *st, enum fpu_prec p, uint64_t b);

/* The 5-bit FPRF code of RESULT (C, FL, FG, FE, FU). For single-precision
 * results "denormal" means below single's normal range. */
unsigned fpu_fprf(uint64_t result, enum fpu_prec p);

/* True when an enabled invalid-operation or zero-divide exception means
 * FRT (and FPRF) must be left unchanged. */
bool fpu_suppressed(const struct fpu_status *st);

/* Folds ST->flags into FPSCR: sticky exception bits (and FX when one goes
 * from 0 to 1), XX from FI, FR and FI themselves when SET_FRFI, FPRF when
 * FPRF is not negative, and the VX and FEX summaries. */
uint32_t fpu_fpscr_update(uint32_t fpscr, const struct fpu_status *st, bool set_frfi, int fprf);

/* ---- additions for VSX (insn_vsx_fp.c) and ftdiv/ftsqrt ---- */

/* xsrdpic/xvrdpic: round to an integer in FPSCR[RN]; VXSNAN as frin, and
 * XX and FI when the result differs from B (FR when its magnitude was
 * rounded up). */
uint64_t fpu_round_int_rn(struct fpu_status *st, uint64_t b);

/* ftdiv/xstdivdp/xvtdiv[ds]p and ftsqrt/xstsqrtdp/xvtsqrt[ds]p (Book I
 * 4.6.7.2, 7.6): FPU_FG | FPU_FE as the fg_flag and fe_flag of the ISA,
 * for operands in double format (single ones converted exactly) with the
 * thresholds of precision P. No FPSCR effect. */
unsigned fpu_test_div(enum fpu_prec p, uint64_t a, uint64_t b);
unsigned fpu_test_sqrt(enum fpu_prec p, uint64_t b);

#endif
