/*
 * The Floating-Point Facility (insn_fp.def): Power ISA 2.07 Book I
 * 4.6.2-4.6.5 (loads and stores), 4.6.6 (moves), 4.6.7 (arithmetic,
 * rounding and conversion, computed by the software core of fpu.h), 4.6.8
 * (fsel; the compares of 4.6.8 too), 4.6.10 (FPSCR instructions), and the
 * VSX moves between GPRs and VSRs of 7.6.1.7.
 *
 * Everything here works on bit patterns, never on host floating point: the
 * load and store conversions between single and double are the ISA's
 * DOUBLE() and SINGLE() (4.6.2, 4.6.3), which keep a signalling NaN
 * signalling and truncate a store's denormal, and the compares order the
 * patterns themselves. So results do not depend on the host's FPU, its
 * rounding mode or its NaN conventions (DESIGN.md §2).
 *
 * Registers: FPR n is doubleword 0 of VSR n, c->vsr[2 * n] (cpu_fields.def).
 * FPSCR bits below are the host's numbering of the 64-bit register, ISA bit
 * in the comment.
 *
 * FPSCR rules (4.2.2): FEX and VX are summaries, recomputed after every
 * change and never set or cleared directly. FX is set when an instruction
 * changes an exception bit from 0 to 1 -- except mtfsf and mtfsfi, which
 * set FX only explicitly (from their operand, when field 0 is written).
 * An enabled exception (FEX = 1 after a compare that raised an enabled
 * invalid operation, or after mtfsf, mtfsfi, mtfsb1) takes the
 * floating-point enabled program interrupt when MSR[FE0 FE1] != 0, with
 * the instruction completed and SRR0 pointing at it (the precise modes;
 * ppcrr treats the imprecise modes as precise, which the ISA allows).
 */
#include "emu/cpu/fp_common.h"
#include "emu/cpu/insn_handlers.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* FPSCR bits: fpu.h's (64-bit constants, host numbering), and these. */
#define FPSCR_FPCC_SHIFT FPSCR_FPRF_SHIFT   /* 48:51: FL FG FE FU */
/* What the move-to instructions can write: ISA 29:63 (DRN and the
 * classic FPSCR) but not the summaries or the reserved bit 52. */
#define FPSCR_WRITABLE (0x7ffffffffull & ~(FPSCR_FEX | FPSCR_VX | (1ull << 11)))

static inline uint64_t *fpr(struct cpu *c, unsigned n)
{
    return &c->vsr[2 * n];
}

/* ---- facilities and the FPSCR ---- */

static void record(struct cpu *c, uint32_t insn)
{
    if (f_rc(insn))
        set_cr1(c);
}

/* ---- loads and stores ---- */

enum {
    FP_UPDATE = 1,     /* RA <- EA afterwards */
};

/* How the bytes and the register relate. */
enum fp_kind {
    FP_DOUBLE,         /* 8 bytes as they are */
    FP_SINGLE,         /* 4 bytes through DOUBLE() / SINGLE() */
    FP_WORD_SIGNED,    /* lfiwax */
    FP_WORD_ZERO,      /* lfiwzx; stfiwx stores the low word */
};

#define DISP_D ((uint64_t)f_si(insn))
#define DISP_X (c->gpr[f_rb(insn)])

ALWAYS_INLINE void fp_load(struct cpu *c, uint32_t insn, uint64_t disp, enum fp_kind kind, unsigned how)
{
    unsigned ra = f_ra(insn);
    if ((how & FP_UPDATE) && __builtin_expect(ra == 0, 0)) {   /* 4.6.2: invalid */
        insn_illegal(c, insn);
        return;
    }
    if (!fp_enabled(c))
        return;
    uint64_t ea = ea_ra0(c, insn, disp), v;
    if (!cpu_load(c, ea, kind == FP_DOUBLE ? 8 : 4, false, &v))
        return;
    switch (kind) {
    case FP_DOUBLE: break;
    case FP_SINGLE: v = fp_double_of_single((uint32_t)v); break;
    case FP_WORD_SIGNED: v = (uint64_t)(int64_t)(int32_t)v; break;
    case FP_WORD_ZERO: break;
    }
    *fpr(c, f_rt(insn)) = v;
    if (how & FP_UPDATE)
        c->gpr[ra] = ea;
}

ALWAYS_INLINE void fp_store(struct cpu *c, uint32_t insn, uint64_t disp, enum fp_kind kind, unsigned how)
{
    unsigned ra = f_ra(insn);
    if ((how & FP_UPDATE) && __builtin_expect(ra == 0, 0)) {   /* 4.6.3: invalid */
        insn_illegal(c, insn);
        return;
    }
    if (!fp_enabled(c))
        return;
    uint64_t ea = ea_ra0(c, insn, disp), v = *fpr(c, f_rs(insn));
    if (kind == FP_SINGLE)
        v = fp_single_of_double(v);
    if (!cpu_store(c, ea, kind == FP_DOUBLE ? 8 : 4, false, v))
        return;
    if (how & FP_UPDATE)
        c->gpr[ra] = ea;
}

#define LOAD(name, form, kind, how) \
    void insn_##name(struct cpu *c, uint32_t insn) { fp_load(c, insn, DISP_##form, kind, how); }
#define STORE(name, form, kind, how) \
    void insn_##name(struct cpu *c, uint32_t insn) { fp_store(c, insn, DISP_##form, kind, how); }

LOAD(lfs,     D, FP_SINGLE,      0)
LOAD(lfsu,    D, FP_SINGLE,      FP_UPDATE)
LOAD(lfsx,    X, FP_SINGLE,      0)
LOAD(lfsux,   X, FP_SINGLE,      FP_UPDATE)
LOAD(lfd,     D, FP_DOUBLE,      0)
LOAD(lfdu,    D, FP_DOUBLE,      FP_UPDATE)
LOAD(lfdx,    X, FP_DOUBLE,      0)
LOAD(lfdux,   X, FP_DOUBLE,      FP_UPDATE)
LOAD(lfiwax,  X, FP_WORD_SIGNED, 0)
LOAD(lfiwzx,  X, FP_WORD_ZERO,   0)

STORE(stfs,   D, FP_SINGLE,      0)
STORE(stfsu,  D, FP_SINGLE,      FP_UPDATE)
STORE(stfsx,  X, FP_SINGLE,      0)
STORE(stfsux, X, FP_SINGLE,      FP_UPDATE)
STORE(stfd,   D, FP_DOUBLE,      0)
STORE(stfdu,  D, FP_DOUBLE,      FP_UPDATE)
STORE(stfdx,  X, FP_DOUBLE,      0)
STORE(stfdux, X, FP_DOUBLE,      FP_UPDATE)
STORE(stfiwx, X, FP_WORD_ZERO,   0)

/* Double pair (4.6.5): FRTp even, or the form is invalid. The even
 * register is the doubleword at EA and the odd one that at EA+8, each in
 * the current byte order -- in little-endian mode the two doublewords are
 * reversed separately, not as one 16-byte unit (the pseudocode's two
 * MEM(EA, 8) accesses; Linux's alignment handler emulates it that way).
 * QEMU 7.2 instead swaps the two halves in little-endian mode. Both
 * loads happen before either register is written. Unaligned pairs are
 * performed, as the other floating-point accesses are. */
static void fp_load_pair(struct cpu *c, uint32_t insn, uint64_t disp)
{
    unsigned frtp = f_rt(insn);
    if (frtp & 1) {
        insn_illegal(c, insn);
        return;
    }
    if (!fp_enabled(c))
        return;
    uint64_t ea = ea_ra0(c, insn, disp), hi, lo;
    if (!cpu_load(c, ea, 8, false, &hi) || !cpu_load(c, ea_mode(c, ea + 8), 8, false, &lo))
        return;
    *fpr(c, frtp) = hi;
    *fpr(c, frtp + 1) = lo;
}

static void fp_store_pair(struct cpu *c, uint32_t insn, uint64_t disp)
{
    unsigned frsp = f_rs(insn);
    if (frsp & 1) {
        insn_illegal(c, insn);
        return;
    }
    if (!fp_enabled(c))
        return;
    uint64_t ea = ea_ra0(c, insn, disp);
    if (cpu_store(c, ea, 8, false, *fpr(c, frsp)))
        cpu_store(c, ea_mode(c, ea + 8), 8, false, *fpr(c, frsp + 1));
}

void insn_lfdp(struct cpu *c, uint32_t insn) { fp_load_pair(c, insn, (uint64_t)f_ds(insn)); }
void insn_lfdpx(struct cpu *c, uint32_t insn) { fp_load_pair(c, insn, DISP_X); }
void insn_stfdp(struct cpu *c, uint32_t insn) { fp_store_pair(c, insn, (uint64_t)f_ds(insn)); }
void insn_stfdpx(struct cpu *c, uint32_t insn) { fp_store_pair(c, insn, DISP_X); }

/* ---- moves (4.6.6): sign bit only, FPSCR untouched ---- */

ALWAYS_INLINE void fp_move(struct cpu *c, uint32_t insn, uint64_t clear, uint64_t flip)
{
    if (!fp_enabled(c))
        return;
    *fpr(c, f_rt(insn)) = (*fpr(c, f_rb(insn)) & ~clear) ^ flip;
    record(c, insn);
}

void insn_fmr(struct cpu *c, uint32_t insn) { fp_move(c, insn, 0, 0); }
void insn_fneg(struct cpu *c, uint32_t insn) { fp_move(c, insn, 0, DP_SIGN); }
void insn_fabs(struct cpu *c, uint32_t insn) { fp_move(c, insn, DP_SIGN, 0); }
void insn_fnabs(struct cpu *c, uint32_t insn) { fp_move(c, insn, DP_SIGN, DP_SIGN); }

void insn_fcpsgn(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    *fpr(c, f_rt(insn)) = (*fpr(c, f_ra(insn)) & DP_SIGN) | (*fpr(c, f_rb(insn)) & ~DP_SIGN);
    record(c, insn);
}

/* ---- fsel and the compares (4.6.8) ---- */

/* CR_LT, CR_GT, CR_EQ or CR_SO (unordered) for A against B. Sign and
 * magnitude order the patterns, with +0 = -0. */
static unsigned dp_compare(uint64_t a, uint64_t b)
{
    if (dp_is_nan(a) || dp_is_nan(b))
        return CR_SO;
    uint64_t ma = a & ~DP_SIGN, mb = b & ~DP_SIGN;
    if (ma == 0 && mb == 0)
        return CR_EQ;
    /* A monotonic key: negatives below positives, larger magnitudes
     * further from zero. */
    uint64_t ka = a & DP_SIGN ? ~a : a | DP_SIGN;
    uint64_t kb = b & DP_SIGN ? ~b : b | DP_SIGN;
    return ka < kb ? CR_LT : ka > kb ? CR_GT : CR_EQ;
}

/* fsel FRT,FRA,FRC,FRB: FRC if FRA >= 0 (-0 included, NaN not), else FRB. */
void insn_fsel(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    uint64_t a = *fpr(c, f_ra(insn));
    bool ge0 = !dp_is_nan(a) && (!(a & DP_SIGN) || (a & ~DP_SIGN) == 0);
    *fpr(c, f_rt(insn)) = *fpr(c, ge0 ? f_rc_reg(insn) : f_rb(insn));
    record(c, insn);
}

/* fcmpu / fcmpo BF,FRA,FRB: CR field BF and FPCC get the result. A
 * signalling NaN is an invalid operation (VXSNAN); fcmpo also calls any
 * NaN an invalid compare (VXVC), except that with VE = 1 a signalling NaN
 * sets only VXSNAN. */
static void fp_compare(struct cpu *c, uint32_t insn, bool ordered)
{
    if (!fp_enabled(c))
        return;
    uint64_t a = *fpr(c, f_ra(insn)), b = *fpr(c, f_rb(insn));
    unsigned r = dp_compare(a, b);
    c->fpscr[0] = (c->fpscr[0] & ~FPSCR_FPCC) | (uint64_t)r << FPSCR_FPCC_SHIFT;
    cr_set_field(c, f_bf(insn), r);
    uint64_t raised = 0;
    if (dp_is_snan(a) || dp_is_snan(b)) {
        raised = FPSCR_VXSNAN;
        if (ordered && !(c->fpscr[0] & FPSCR_VE))
            raised |= FPSCR_VXVC;
    } else if (ordered && r == CR_SO) {
        raised = FPSCR_VXVC;
    }
    if (raised) {
        fpscr_raise(c, raised);
        fp_enabled_exception_caused(c, raised);
    }
}

void insn_fcmpu(struct cpu *c, uint32_t insn) { fp_compare(c, insn, false); }
void insn_fcmpo(struct cpu *c, uint32_t insn) { fp_compare(c, insn, true); }

/* ---- FPSCR instructions (4.6.10) ---- */

/* The host shift of FPSCR field K (0..15, 4-bit fields from ISA bit 0). */
static unsigned fpscr_field_shift(unsigned k)
{
    return 60 - 4 * k;
}

void insn_mffs(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    *fpr(c, f_rt(insn)) = c->fpscr[0];
    record(c, insn);
}

/* mcrfs BF,BFA: CR field BF <- FPSCR field BFA (of bits 32:63); the
 * exception bits copied, FX included, are cleared. FEX and VX are copied
 * but follow the other bits afterwards. */
void insn_mcrfs(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    unsigned shift = fpscr_field_shift(8 + f_bfa(insn));
    cr_set_field(c, f_bf(insn), (unsigned)(c->fpscr[0] >> shift) & 0xf);
    uint64_t clear = (0xfull << shift) & (FPSCR_FX | FPSCR_EXCEPTIONS);
    c->fpscr[0] = fpscr_summarise(c->fpscr[0] & ~clear);
}

/* Writes the bits MASK of the FPSCR from VALUE as mtfsf and mtfsfi do: FX
 * only as written, the summaries recomputed. */
static void fpscr_move_to(struct cpu *c, uint32_t insn, uint64_t value, uint64_t mask)
{
    mask &= FPSCR_WRITABLE;
    c->fpscr[0] = fpscr_summarise((c->fpscr[0] & ~mask) | (value & mask));
    record(c, insn);
    fp_enabled_exception(c);
}

/* mtfsf FLM,FRB,L,W: L = 1 writes the whole FPSCR; otherwise FLM bit i
 * selects field i + 8 * (1 - W). */
void insn_mtfsf(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    unsigned l = (insn >> 25) & 1, flm = (insn >> 17) & 0xff, w = (insn >> 16) & 1;
    uint64_t mask = 0;
    if (l) {
        mask = ~0ull;
    } else {
        for (unsigned i = 0; i < 8; i++)
            if (flm & (0x80u >> i))
                mask |= 0xfull << fpscr_field_shift(i + 8 * (1 - w));
    }
    fpscr_move_to(c, insn, *fpr(c, f_rb(insn)), mask);
}

/* mtfsfi BF,U,W: FPSCR field BF + 8 * (1 - W) <- U. */
void insn_mtfsfi(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    unsigned u = (insn >> 12) & 0xf, w = (insn >> 16) & 1;
    unsigned shift = fpscr_field_shift(f_bf(insn) + 8 * (1 - w));
    fpscr_move_to(c, insn, (uint64_t)u << shift, 0xfull << shift);
}

/* mtfsb0 / mtfsb1 BT: FPSCR bit BT + 32. FEX and VX (BT = 1, 2) cannot
 * be set or cleared this way; setting an exception bit sets FX as any
 * exception does. */
void insn_mtfsb0(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    uint64_t bit = (1ull << (31 - f_bt(insn))) & FPSCR_WRITABLE;
    c->fpscr[0] = fpscr_summarise(c->fpscr[0] & ~bit);
    record(c, insn);
}

void insn_mtfsb1(struct cpu *c, uint32_t insn)
{
    if (!fp_enabled(c))
        return;
    fpscr_raise(c, (1ull << (31 - f_bt(insn))) & FPSCR_WRITABLE);
    record(c, insn);
    fp_enabled_exception(c);
}

/* ---- VSX moves (7.6.1.7) ----
 *
 * XS/XT is the 5-bit field plus bit 31 as its high bit. VSRs 0-31 (the
 * FPRs) need MSR[FP], VSRs 32-63 (the VRs) MSR[VEC]; MSR[VSX] is not
 * looked at. The moves to a VSR write doubleword 0; the ISA leaves
 * doubleword 1 undefined and ppcrr leaves it unchanged, as QEMU does. */

static bool vsr_enabled(struct cpu *c, unsigned x)
{
    return x < 32 ? fp_enabled(c) : vmx_enabled(c);
}

ALWAYS_INLINE void vsx_from_vsr(struct cpu *c, uint32_t insn, uint64_t mask)
{
    unsigned xs = f_xt(insn);
    if (vsr_enabled(c, xs))
        c->gpr[f_ra(insn)] = c->vsr[2 * xs] & mask;
}

ALWAYS_INLINE void vsx_to_vsr(struct cpu *c, uint32_t insn, uint64_t value)
{
    unsigned xt = f_xt(insn);
    if (vsr_enabled(c, xt))
        c->vsr[2 * xt] = value;
}

void insn_mfvsrd(struct cpu *c, uint32_t insn) { vsx_from_vsr(c, insn, ~0ull); }
void insn_mfvsrwz(struct cpu *c, uint32_t insn) { vsx_from_vsr(c, insn, 0xffffffffull); }
void insn_mtvsrd(struct cpu *c, uint32_t insn) { vsx_to_vsr(c, insn, c->gpr[f_ra(insn)]); }
void insn_mtvsrwa(struct cpu *c, uint32_t insn)
{
    vsx_to_vsr(c, insn, (uint64_t)(int64_t)(int32_t)c->gpr[f_ra(insn)]);
}
void insn_mtvsrwz(struct cpu *c, uint32_t insn) { vsx_to_vsr(c, insn, (uint32_t)c->gpr[f_ra(insn)]); }

/* ---- arithmetic, rounding and conversion (4.6.7) ----
 *
 * fpu.c computes the result and the exception bits from the FPSCR's low
 * word (RN and the enables); fpu_fpscr_update() folds them in (sticky bits,
 * FX on a 0 -> 1 change, XX from FI, FR, FI, FPRF, the VX and FEX
 * summaries). An enabled invalid operation or zero divide leaves FRT and
 * FPRF unchanged (fpu_suppressed). CR1 for Rc = 1 and the enabled program
 * interrupt follow the FPSCR afterwards, as for the compares. */

/* What FPRF becomes: the class of the result at precision P, or left
 * alone (the fcti* conversions, where the ISA leaves it undefined). */
enum fp_fprf { FPRF_DOUBLE, FPRF_SINGLE, FPRF_KEEP };

static void fp_arith_done(struct cpu *c, uint32_t insn, const struct fpu_status *st, uint64_t r,
                          enum fp_fprf how)
{
    int fprf = -1;
    if (!fpu_suppressed(st)) {
        *fpr(c, f_rt(insn)) = r;
        if (how != FPRF_KEEP)
            fprf = (int)fpu_fprf(r, how == FPRF_SINGLE ? FPU_SINGLE : FPU_DOUBLE);
    }
    uint32_t low = fpu_fpscr_update((uint32_t)c->fpscr[0], st, true, fprf);
    c->fpscr[0] = (c->fpscr[0] & ~0xffffffffull) | low;
    record(c, insn);
    fp_enabled_exception_caused(c, st->flags);
}

ALWAYS_INLINE struct fpu_status fp_status(struct cpu *c)
{
    return (struct fpu_status){ .ctl = (uint32_t)c->fpscr[0], .flags = 0 };
}

#define FPRF_OF(p) ((p) == FPU_SINGLE ? FPRF_SINGLE : FPRF_DOUBLE)

/* FRT <- FRA op FRB (fadd, fsub, fdiv) or FRA op FRC (fmul). */
#define FP_BINARY(name, op, p, second)                                                  \
    void insn_##name(struct cpu *c, uint32_t insn)                                      \
    {                                                                                   \
        if (!fp_enabled(c))                                                             \
            return;                                                                     \
        struct fpu_status st = fp_status(c);                                            \
        uint64_t r = op(&st, p, *fpr(c, f_ra(insn)), *fpr(c, second(insn)));            \
        fp_arith_done(c, insn, &st, r, FPRF_OF(p));                                     \
    }

/* FRT <- op(FRB). */
#define FP_UNARY(name, expr, fprf)                                                      \
    void insn_##name(struct cpu *c, uint32_t insn)                                      \
    {                                                                                   \
        if (!fp_enabled(c))                                                             \
            return;                                                                     \
        struct fpu_status st = fp_status(c);                                            \
        uint64_t b = *fpr(c, f_rb(insn));                                               \
        uint64_t r = expr;                                                              \
        fp_arith_done(c, insn, &st, r, fprf);                                           \
    }

/* FRT <- [-](FRA * FRC +/- FRB). */
#define FP_MADD(name, kind, p)                                                          \
    void insn_##name(struct cpu *c, uint32_t insn)                                      \
    {                                                                                   \
        if (!fp_enabled(c))                                                             \
            return;                                                                     \
        struct fpu_status st = fp_status(c);                                            \
        uint64_t r = fpu_madd(&st, p, kind, *fpr(c, f_ra(insn)), *fpr(c, f_rc_reg(insn)), \
                              *fpr(c, f_rb(insn)));                                     \
        fp_arith_done(c, insn, &st, r, FPRF_OF(p));                                     \
    }

FP_BINARY(fadd,  fpu_add, FPU_DOUBLE, f_rb)
FP_BINARY(fsub,  fpu_sub, FPU_DOUBLE, f_rb)
FP_BINARY(fmul,  fpu_mul, FPU_DOUBLE, f_rc_reg)
FP_BINARY(fdiv,  fpu_div, FPU_DOUBLE, f_rb)
FP_BINARY(fadds, fpu_add, FPU_SINGLE, f_rb)
FP_BINARY(fsubs, fpu_sub, FPU_SINGLE, f_rb)
FP_BINARY(fmuls, fpu_mul, FPU_SINGLE, f_rc_reg)
FP_BINARY(fdivs, fpu_div, FPU_SINGLE, f_rb)

FP_MADD(fmadd,   FPU_MADD,  FPU_DOUBLE)
FP_MADD(fmsub,   FPU_MSUB,  FPU_DOUBLE)
FP_MADD(fnmadd,  FPU_NMADD, FPU_DOUBLE)
FP_MADD(fnmsub,  FPU_NMSUB, FPU_DOUBLE)
FP_MADD(fmadds,  FPU_MADD,  FPU_SINGLE)
FP_MADD(fmsubs,  FPU_MSUB,  FPU_SINGLE)
FP_MADD(fnmadds, FPU_NMADD, FPU_SINGLE)
FP_MADD(fnmsubs, FPU_NMSUB, FPU_SINGLE)

FP_UNARY(fsqrt,    fpu_sqrt(&st, FPU_DOUBLE, b),             FPRF_DOUBLE)
FP_UNARY(fsqrts,   fpu_sqrt(&st, FPU_SINGLE, b),             FPRF_SINGLE)
FP_UNARY(fre,      fpu_fre(&st, FPU_DOUBLE, b),              FPRF_DOUBLE)
FP_UNARY(fres,     fpu_fre(&st, FPU_SINGLE, b),              FPRF_SINGLE)
FP_UNARY(frsqrte,  fpu_frsqrte(&st, FPU_DOUBLE, b),          FPRF_DOUBLE)
FP_UNARY(frsqrtes, fpu_frsqrte(&st, FPU_SINGLE, b),          FPRF_SINGLE)
FP_UNARY(frsp,     fpu_frsp(&st, b),                         FPRF_SINGLE)
FP_UNARY(fctiw,    fpu_fcti(&st, FPU_INT32, false, b),       FPRF_KEEP)
FP_UNARY(fctiwz,   fpu_fcti(&st, FPU_INT32, true, b),        FPRF_KEEP)
FP_UNARY(fctiwu,   fpu_fcti(&st, FPU_UINT32, false, b),      FPRF_KEEP)
FP_UNARY(fctiwuz,  fpu_fcti(&st, FPU_UINT32, true, b),       FPRF_KEEP)
FP_UNARY(fctid,    fpu_fcti(&st, FPU_INT64, false, b),       FPRF_KEEP)
FP_UNARY(fctidz,   fpu_fcti(&st, FPU_INT64, true, b),        FPRF_KEEP)
FP_UNARY(fctidu,   fpu_fcti(&st, FPU_UINT64, false, b),      FPRF_KEEP)
FP_UNARY(fctiduz,  fpu_fcti(&st, FPU_UINT64, true, b),       FPRF_KEEP)
FP_UNARY(fcfid,    fpu_fcfid(&st, FPU_DOUBLE, false, b),     FPRF_DOUBLE)
FP_UNARY(fcfidu,   fpu_fcfid(&st, FPU_DOUBLE, true, b),      FPRF_DOUBLE)
FP_UNARY(fcfids,   fpu_fcfid(&st, FPU_SINGLE, false, b),     FPRF_SINGLE)
FP_UNARY(fcfidus,  fpu_fcfid(&st, FPU_SINGLE, true, b),      FPRF_SINGLE)
FP_UNARY(frin,     fpu_round_int(&st, FPU_FRIN, b),          FPRF_DOUBLE)
FP_UNARY(friz,     fpu_round_int(&st, FPU_FRIZ, b),          FPRF_DOUBLE)
FP_UNARY(frip,     fpu_round_int(&st, FPU_FRIP, b),          FPRF_DOUBLE)
FP_UNARY(frim,     fpu_round_int(&st, FPU_FRIM, b),          FPRF_DOUBLE)

/* ---- ftdiv, ftsqrt (4.6.7.2) and fmrgew, fmrgow (4.6.6, 2.07) ---- */

/* ftdiv BF,FRA,FRB / ftsqrt BF,FRB: CR field BF <- 0b1 || fg_flag ||
 * fe_flag || 0b0, the software division and square root tests; no FPSCR
 * effect. */
void insn_ftdiv(struct cpu *c, uint32_t insn)
{
    if (fp_enabled(c))
        cr_set_field(c, f_bf(insn), CR_LT | fpu_test_div(FPU_DOUBLE, *fpr(c, f_ra(insn)), *fpr(c, f_rb(insn))));
}

void insn_ftsqrt(struct cpu *c, uint32_t insn)
{
    if (fp_enabled(c))
        cr_set_field(c, f_bf(insn), CR_LT | fpu_test_sqrt(FPU_DOUBLE, *fpr(c, f_rb(insn))));
}

/* fmrgew FRT,FRA,FRB: FRT <- FRA[0:31] || FRB[0:31]; fmrgow: the odd
 * (low) words, FRA[32:63] || FRB[32:63]. Bit moves, FPSCR untouched. */
void insn_fmrgew(struct cpu *c, uint32_t insn)
{
    if (fp_enabled(c))
        *fpr(c, f_rt(insn)) = (*fpr(c, f_ra(insn)) & 0xffffffff00000000ull) | *fpr(c, f_rb(insn)) >> 32;
}

void insn_fmrgow(struct cpu *c, uint32_t insn)
{
    if (fp_enabled(c))
        *fpr(c, f_rt(insn)) = *fpr(c, f_ra(insn)) << 32 | (*fpr(c, f_rb(insn)) & 0xffffffffull);
}
