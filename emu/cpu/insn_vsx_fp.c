/*
 * Handlers for insn_vsx_fp.def: the VSX floating-point instructions of
 * Power ISA 2.07 Book I 7.6 -- scalar double and single (xs*) and vector
 * (xv*) arithmetic, multiply-add, conversions, compares, rounding,
 * estimates and tests. All need MSR[VSX] (vsx_enabled), whatever VSRs
 * they name. The arithmetic goes through the software IEEE core of fpu.h,
 * never host floating point (DESIGN.md section 2).
 *
 * Scalar instructions (xs*) read doubleword 0 of their sources and follow
 * the FP facility's rules (7.4, as for fadd & co): FR, FI and FPRF are set,
 * an enabled invalid operation or zero divide leaves the target and FPRF
 * alone, enabled overflow and underflow give the scaled result. The ISA
 * leaves doubleword 1 of the target undefined; ppcrr writes 0 there, as
 * QEMU 7.2 does. Instructions producing a word result (xscvdpsp,
 * xscvdpspn, xscvdpsxws, xscvdpuxws) put it in words 0 and 1 (QEMU's
 * "hardware replicates" choice; the ISA leaves word 1 undefined).
 *
 * Vector instructions (xv*) work element by element, in the ISA's element
 * numbers (vec.h): doublewords for *dp, words in single format for *sp.
 * The exceptions of all elements accumulate in the FPSCR; FR, FI and FPRF
 * are not touched; if any element raised an enabled exception (VE with
 * any invalid operation, OE with OX, UE with UX, ZE with ZX, XE with XX)
 * the target is not written at all (the ex_flag of the 7.6 pseudocode).
 * The conversions between doublewords and words use words 0 and 2 for the
 * doubleword elements 0 and 1 and write a word result into both words of
 * its doubleword (as QEMU does; the ISA leaves words 1 and 3 undefined).
 *
 * A single-precision element is taken to double format exactly
 * (fp_double_of_single, the ISA's DOUBLE) so that fpu.c computes on it,
 * rounds to single precision there, and goes back with
 * fp_single_of_double, which is exact for a value that is a single.
 */
#include "emu/cpu/fp_common.h"
#include "emu/cpu/insn_handlers.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define FPSCR_ENABLES (FPSCR_VE | FPSCR_OE | FPSCR_UE | FPSCR_ZE | FPSCR_XE)

ALWAYS_INLINE struct fpu_status vsx_status(const struct cpu *c)
{
    return (struct fpu_status){ .ctl = (uint32_t)c->fpscr[0], .flags = 0 };
}

/* Folds ST into the FPSCR's low word (fpu_fpscr_update) and takes the
 * enabled-exception program interrupt if the instruction caused an
 * enabled exception. */
static void vsx_fpscr_fold(struct cpu *c, const struct fpu_status *st, bool set_frfi, int fprf)
{
    uint32_t low = fpu_fpscr_update((uint32_t)c->fpscr[0], st, set_frfi, fprf);
    c->fpscr[0] = (c->fpscr[0] & ~0xffffffffull) | low;
    fp_enabled_exception_caused(c, st->flags);
}

/* ---- scalar ---- */

/* What a scalar instruction does with FPRF: the class of the result as a
 * double or a single, or nothing. */
#define KEEP (-1)
#define FPRF_D ((int)fpu_fprf(r, FPU_DOUBLE))
#define FPRF_S ((int)fpu_fprf(r, FPU_SINGLE))

/* Writes OUT to doubleword 0 of XT (doubleword 1 <- 0) unless an enabled
 * invalid operation or zero divide forbids it; FPRF likewise. */
static void scalar_done(struct cpu *c, uint32_t insn, const struct fpu_status *st, uint64_t out,
                        int fprf, bool set_frfi)
{
    unsigned xt = f_xt(insn);
    if (fpu_suppressed(st)) {
        fprf = KEEP;
    } else {
        c->vsr[2 * xt] = out;
        c->vsr[2 * xt + 1] = 0;
    }
    /* The sign moves, format moves and a quiet max/min leave the FPSCR
     * alone, and so take no enabled-exception interrupt either. */
    if (set_frfi || fprf != KEEP || st->flags)
        vsx_fpscr_fold(c, st, set_frfi, fprf);
}

/* A scalar instruction: R <- EXPR from doubleword 0 of XA, XB and XT (a,
 * b, t); doubleword 0 of XT <- OUT (usually r); FPRF from FPRF; FR and FI
 * set when FRFI. */
#define XS(name, expr, out, fprf, frfi)                                                 \
    void insn_##name(struct cpu *c, uint32_t insn)                                      \
    {                                                                                   \
        if (!vsx_enabled(c))                                                            \
            return;                                                                     \
        struct fpu_status st = vsx_status(c);                                           \
        uint64_t a = c->vsr[2 * f_xa(insn)], b = c->vsr[2 * f_xb(insn)];                \
        uint64_t t = c->vsr[2 * f_xt(insn)];                                            \
        (void)a;                                                                        \
        (void)t;                                                                        \
        uint64_t r = expr;                                                              \
        scalar_done(c, insn, &st, out, fprf, frfi);                                     \
    }

/* A word in both halves of a doubleword (words 0 and 1 of a scalar
 * result). */
static uint64_t word_twice(uint64_t w)
{
    return (w & 0xffffffffu) << 32 | (w & 0xffffffffu);
}

/* Single precision to double, signalling: an SNaN raises VXSNAN and comes
 * out quiet (xscvspdp, xvcvspdp). D is already DOUBLE(word). */
static uint64_t sp_to_dp(struct fpu_status *st, uint64_t d)
{
    st->flags = 0;
    if (dp_is_snan(d)) {
        st->flags = FPSCR_VXSNAN;
        return d | DP_QUIET;
    }
    return d;
}

/* xsmaxdp/xsmindp and the vector forms (7.6, "xsmaxdp"): the larger
 * (smaller) of A and B; max(+0, -0) = +0, min(+0, -0) = -0; a QNaN loses
 * to a number (two QNaNs give A); an SNaN raises VXSNAN and wins, quieted
 * (A's first). Compared as bit patterns. */
static uint64_t max_min(struct fpu_status *st, uint64_t a, uint64_t b, bool max)
{
    st->flags = 0;
    if (dp_is_snan(a) || dp_is_snan(b)) {
        st->flags = FPSCR_VXSNAN;
        return (dp_is_snan(a) ? a : b) | DP_QUIET;
    }
    if (dp_is_nan(a))
        return dp_is_nan(b) ? a : b;
    if (dp_is_nan(b))
        return a;
    if (((a | b) & ~DP_SIGN) == 0)         /* two zeros */
        return max ? a & b : a | b;
    /* A monotonic key: negatives below positives. */
    uint64_t ka = a & DP_SIGN ? ~a : a | DP_SIGN;
    uint64_t kb = b & DP_SIGN ? ~b : b | DP_SIGN;
    return (ka > kb) == max ? a : b;
}

static uint64_t xs_cvt_int(struct fpu_status *st, enum fpu_int_kind kind, uint64_t b)
{
    return fpu_fcti(st, kind, true, b);
}

#define SIGN_WORD(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))
#define ZERO_WORD(x) ((uint64_t)(uint32_t)(x))

/* Arithmetic: XA op XB; the multiply-adds: a-type XA * XB + XT, m-type
 * XA * XT + XB (fpu_madd takes multiplicand, multiplier, addend). */
XS(xsadddp,    fpu_add(&st, FPU_DOUBLE, a, b),                     r, FPRF_D, true)
XS(xssubdp,    fpu_sub(&st, FPU_DOUBLE, a, b),                     r, FPRF_D, true)
XS(xsmuldp,    fpu_mul(&st, FPU_DOUBLE, a, b),                     r, FPRF_D, true)
XS(xsdivdp,    fpu_div(&st, FPU_DOUBLE, a, b),                     r, FPRF_D, true)
XS(xssqrtdp,   fpu_sqrt(&st, FPU_DOUBLE, b),                       r, FPRF_D, true)
XS(xsmaddadp,  fpu_madd(&st, FPU_DOUBLE, FPU_MADD, a, b, t),       r, FPRF_D, true)
XS(xsmaddmdp,  fpu_madd(&st, FPU_DOUBLE, FPU_MADD, a, t, b),       r, FPRF_D, true)
XS(xsmsubadp,  fpu_madd(&st, FPU_DOUBLE, FPU_MSUB, a, b, t),       r, FPRF_D, true)
XS(xsmsubmdp,  fpu_madd(&st, FPU_DOUBLE, FPU_MSUB, a, t, b),       r, FPRF_D, true)
XS(xsnmaddadp, fpu_madd(&st, FPU_DOUBLE, FPU_NMADD, a, b, t),      r, FPRF_D, true)
XS(xsnmaddmdp, fpu_madd(&st, FPU_DOUBLE, FPU_NMADD, a, t, b),      r, FPRF_D, true)
XS(xsnmsubadp, fpu_madd(&st, FPU_DOUBLE, FPU_NMSUB, a, b, t),      r, FPRF_D, true)
XS(xsnmsubmdp, fpu_madd(&st, FPU_DOUBLE, FPU_NMSUB, a, t, b),      r, FPRF_D, true)
XS(xsredp,     fpu_fre(&st, FPU_DOUBLE, b),                        r, FPRF_D, true)
XS(xsrsqrtedp, fpu_frsqrte(&st, FPU_DOUBLE, b),                    r, FPRF_D, true)

XS(xsaddsp,    fpu_add(&st, FPU_SINGLE, a, b),                     r, FPRF_S, true)
XS(xssubsp,    fpu_sub(&st, FPU_SINGLE, a, b),                     r, FPRF_S, true)
XS(xsmulsp,    fpu_mul(&st, FPU_SINGLE, a, b),                     r, FPRF_S, true)
XS(xsdivsp,    fpu_div(&st, FPU_SINGLE, a, b),                     r, FPRF_S, true)
XS(xssqrtsp,   fpu_sqrt(&st, FPU_SINGLE, b),                       r, FPRF_S, true)
XS(xsmaddasp,  fpu_madd(&st, FPU_SINGLE, FPU_MADD, a, b, t),       r, FPRF_S, true)
XS(xsmaddmsp,  fpu_madd(&st, FPU_SINGLE, FPU_MADD, a, t, b),       r, FPRF_S, true)
XS(xsmsubasp,  fpu_madd(&st, FPU_SINGLE, FPU_MSUB, a, b, t),       r, FPRF_S, true)
XS(xsmsubmsp,  fpu_madd(&st, FPU_SINGLE, FPU_MSUB, a, t, b),       r, FPRF_S, true)
XS(xsnmaddasp, fpu_madd(&st, FPU_SINGLE, FPU_NMADD, a, b, t),      r, FPRF_S, true)
XS(xsnmaddmsp, fpu_madd(&st, FPU_SINGLE, FPU_NMADD, a, t, b),      r, FPRF_S, true)
XS(xsnmsubasp, fpu_madd(&st, FPU_SINGLE, FPU_NMSUB, a, b, t),      r, FPRF_S, true)
XS(xsnmsubmsp, fpu_madd(&st, FPU_SINGLE, FPU_NMSUB, a, t, b),      r, FPRF_S, true)
XS(xsresp,     fpu_fre(&st, FPU_SINGLE, b),                        r, FPRF_S, true)
XS(xsrsqrtesp, fpu_frsqrte(&st, FPU_SINGLE, b),                    r, FPRF_S, true)
XS(xsrsp,      fpu_frsp(&st, b),                                   r, FPRF_S, true)

/* Maximum/minimum: VXSNAN only; FPRF, FR, FI untouched. Sign moves: no
 * FPSCR effect at all (st stays empty, the fold changes nothing). */
XS(xsmaxdp,    max_min(&st, a, b, true),                           r, KEEP, false)
XS(xsmindp,    max_min(&st, a, b, false),                          r, KEEP, false)
XS(xsabsdp,    b & ~DP_SIGN,                                       r, KEEP, false)
XS(xsnabsdp,   b | DP_SIGN,                                        r, KEEP, false)
XS(xsnegdp,    b ^ DP_SIGN,                                        r, KEEP, false)
XS(xscpsgndp,  (a & DP_SIGN) | (b & ~DP_SIGN),                     r, KEEP, false)

/* Round to integer: FPRF set, FR and FI cleared (7.6 xsrdpi: FR <- 0,
 * FI <- 0), except that xsrdpic, an exact-style rounding in FPSCR[RN],
 * sets XX, FI and FR as an arithmetic instruction does. */
XS(xsrdpi,     fpu_round_int(&st, FPU_FRIN, b),                    r, FPRF_D, true)
XS(xsrdpic,    fpu_round_int_rn(&st, b),                           r, FPRF_D, true)
XS(xsrdpim,    fpu_round_int(&st, FPU_FRIM, b),                    r, FPRF_D, true)
XS(xsrdpip,    fpu_round_int(&st, FPU_FRIP, b),                    r, FPRF_D, true)
XS(xsrdpiz,    fpu_round_int(&st, FPU_FRIZ, b),                    r, FPRF_D, true)

/* Conversions. xscvdpsp rounds (as frsp), xscvdpspn and xscvspdpn only
 * change the format (the ISA's SINGLE and DOUBLE, no FPSCR effect);
 * xscvspdp quiets an SNaN. The integer conversions truncate, saturate
 * with VXCVI and leave FPRF alone (undefined in the ISA). Word sources
 * (single precision) are word 0 of XB. */
XS(xscvdpsp,   fpu_frsp(&st, b),           word_twice(fp_single_of_double(r)), FPRF_S, true)
XS(xscvdpspn,  fp_single_of_double(b),     word_twice(r),                      KEEP, false)
XS(xscvspdp,   sp_to_dp(&st, fp_double_of_single((uint32_t)(b >> 32))), r,     FPRF_D, true)
XS(xscvspdpn,  fp_double_of_single((uint32_t)(b >> 32)),              r,     KEEP, false)
XS(xscvdpsxds, xs_cvt_int(&st, FPU_INT64, b),   r,                             KEEP, true)
XS(xscvdpsxws, xs_cvt_int(&st, FPU_INT32, b),   word_twice(r),                 KEEP, true)
XS(xscvdpuxds, xs_cvt_int(&st, FPU_UINT64, b),  r,                             KEEP, true)
XS(xscvdpuxws, xs_cvt_int(&st, FPU_UINT32, b),  word_twice(r),                 KEEP, true)
XS(xscvsxddp,  fpu_fcfid(&st, FPU_DOUBLE, false, b), r,                        FPRF_D, true)
XS(xscvuxddp,  fpu_fcfid(&st, FPU_DOUBLE, true, b),  r,                        FPRF_D, true)
XS(xscvsxdsp,  fpu_fcfid(&st, FPU_SINGLE, false, b), r,                        FPRF_S, true)
XS(xscvuxdsp,  fpu_fcfid(&st, FPU_SINGLE, true, b),  r,                        FPRF_S, true)

/* xscmpudp / xscmpodp BF,XA,XB: as fcmpu / fcmpo (4.6.8): CR field BF and
 * FPCC get the result; VXSNAN for a signalling NaN, VXVC (ordered) for
 * any NaN unless VE = 1 and the NaN signals. */
static void xs_compare(struct cpu *c, uint32_t insn, bool ordered)
{
    if (!vsx_enabled(c))
        return;
    struct fpu_status st = vsx_status(c);
    unsigned r = fpu_compare(&st, ordered, c->vsr[2 * f_xa(insn)], c->vsr[2 * f_xb(insn)]);
    cr_set_field(c, f_bf(insn), r);
    c->fpscr[0] = (c->fpscr[0] & ~FPSCR_FPCC) | (uint64_t)r << FPSCR_FPRF_SHIFT;
    if (st.flags)
        vsx_fpscr_fold(c, &st, false, KEEP);
}

void insn_xscmpudp(struct cpu *c, uint32_t insn) { xs_compare(c, insn, false); }
void insn_xscmpodp(struct cpu *c, uint32_t insn) { xs_compare(c, insn, true); }

/* xstdivdp / xstsqrtdp BF: CR field BF <- 0b1 || fg_flag || fe_flag || 0b0. */
void insn_xstdivdp(struct cpu *c, uint32_t insn)
{
    if (vsx_enabled(c))
        cr_set_field(c, f_bf(insn), CR_LT | fpu_test_div(FPU_DOUBLE, c->vsr[2 * f_xa(insn)],
                                                         c->vsr[2 * f_xb(insn)]));
}

void insn_xstsqrtdp(struct cpu *c, uint32_t insn)
{
    if (vsx_enabled(c))
        cr_set_field(c, f_bf(insn), CR_LT | fpu_test_sqrt(FPU_DOUBLE, c->vsr[2 * f_xb(insn)]));
}

/* ---- vector ---- */

/* Where a vector instruction's elements sit and in what format. */
enum lane {
    L_DP,      /* doubleword i, double format (or a 64-bit integer) */
    L_SP,      /* word i, single format, handled as DOUBLE(word) */
    L_SP2,     /* word 2i, single format (results: words 2i and 2i+1) */
    L_W,       /* word i, a 32-bit integer */
    L_W2,      /* word 2i, a 32-bit integer (results: words 2i and 2i+1) */
};

static const unsigned lane_count[] = { [L_DP] = 2, [L_SP] = 4, [L_SP2] = 2, [L_W] = 4, [L_W2] = 2 };

ALWAYS_INLINE uint64_t lane_get(const vreg *v, enum lane l, unsigned i)
{
    switch (l) {
    case L_DP: return VD(*v, i);
    case L_SP: return fp_double_of_single(VW(*v, i));
    case L_SP2: return fp_double_of_single(VW(*v, 2 * i));
    case L_W: return VW(*v, i);
    case L_W2: return VW(*v, 2 * i);
    }
    return 0;
}

ALWAYS_INLINE void lane_set(vreg *v, enum lane l, unsigned i, uint64_t r)
{
    switch (l) {
    case L_DP: VD(*v, i) = r; break;
    case L_SP: VW(*v, i) = fp_single_of_double(r); break;
    case L_SP2: VW(*v, 2 * i) = VW(*v, 2 * i + 1) = fp_single_of_double(r); break;
    case L_W: VW(*v, i) = (uint32_t)r; break;
    case L_W2: VW(*v, 2 * i) = VW(*v, 2 * i + 1) = (uint32_t)r; break;
    }
}

/* What the elements raised, and whether one of them was enabled. */
struct vec_acc {
    uint32_t flags;
    bool enabled;
};

/* One element's exceptions: FI counts as XX (FR and FI themselves are not
 * set by vector instructions); each exception bit sits 22 bits above its
 * enable (VX: any invalid operation). */
static void vec_note(struct vec_acc *acc, const struct fpu_status *st)
{
    uint32_t f = st->flags;
    if (f & FPSCR_FI)
        f |= FPSCR_XX;
    f &= ~(uint32_t)(FPSCR_FR | FPSCR_FI);
    uint32_t summary = f & (FPSCR_OX | FPSCR_UX | FPSCR_ZX | FPSCR_XX);
    if (f & FPSCR_VX_ALL)
        summary |= FPSCR_VX;
    acc->flags |= f;
    acc->enabled |= ((summary >> 22) & st->ctl & FPSCR_ENABLES) != 0;
}

static void vec_done(struct cpu *c, unsigned xt, const struct vec_acc *acc, vreg r)
{
    if (!acc->enabled)
        vsr_set(c, xt, r);
    struct fpu_status st = { .ctl = (uint32_t)c->fpscr[0], .flags = acc->flags };
    vsx_fpscr_fold(c, &st, false, KEEP);
}

/* A vector instruction: element i of the result (lane OUT) <- EXPR of
 * element i of XA, XB, XT (a, b, t, lane IN). */
#define XV(name, in, out, expr)                                                         \
    void insn_##name(struct cpu *c, uint32_t insn)                                      \
    {                                                                                   \
        if (!vsx_enabled(c))                                                            \
            return;                                                                     \
        vreg va = vsr_get(c, f_xa(insn)), vb = vsr_get(c, f_xb(insn));                  \
        vreg vt = vsr_get(c, f_xt(insn)), vr = { .q = 0 };                              \
        struct vec_acc acc = { 0, false };                                              \
        for (unsigned i = 0; i < lane_count[in]; i++) {                                 \
            struct fpu_status st = vsx_status(c);                                       \
            uint64_t a = lane_get(&va, in, i), b = lane_get(&vb, in, i);                \
            uint64_t t = lane_get(&vt, in, i);                                          \
            (void)a;                                                                    \
            (void)t;                                                                    \
            lane_set(&vr, out, i, expr);                                                \
            vec_note(&acc, &st);                                                        \
        }                                                                               \
        vec_done(c, f_xt(insn), &acc, vr);                                              \
    }

XV(xvadddp,    L_DP, L_DP, fpu_add(&st, FPU_DOUBLE, a, b))
XV(xvsubdp,    L_DP, L_DP, fpu_sub(&st, FPU_DOUBLE, a, b))
XV(xvmuldp,    L_DP, L_DP, fpu_mul(&st, FPU_DOUBLE, a, b))
XV(xvdivdp,    L_DP, L_DP, fpu_div(&st, FPU_DOUBLE, a, b))
XV(xvsqrtdp,   L_DP, L_DP, fpu_sqrt(&st, FPU_DOUBLE, b))
XV(xvaddsp,    L_SP, L_SP, fpu_add(&st, FPU_SINGLE, a, b))
XV(xvsubsp,    L_SP, L_SP, fpu_sub(&st, FPU_SINGLE, a, b))
XV(xvmulsp,    L_SP, L_SP, fpu_mul(&st, FPU_SINGLE, a, b))
XV(xvdivsp,    L_SP, L_SP, fpu_div(&st, FPU_SINGLE, a, b))
XV(xvsqrtsp,   L_SP, L_SP, fpu_sqrt(&st, FPU_SINGLE, b))

XV(xvmaddadp,  L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, a, b, t))
XV(xvmaddmdp,  L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, a, t, b))
XV(xvmsubadp,  L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_MSUB, a, b, t))
XV(xvmsubmdp,  L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_MSUB, a, t, b))
XV(xvnmaddadp, L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_NMADD, a, b, t))
XV(xvnmaddmdp, L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_NMADD, a, t, b))
XV(xvnmsubadp, L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_NMSUB, a, b, t))
XV(xvnmsubmdp, L_DP, L_DP, fpu_madd(&st, FPU_DOUBLE, FPU_NMSUB, a, t, b))
XV(xvmaddasp,  L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_MADD, a, b, t))
XV(xvmaddmsp,  L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_MADD, a, t, b))
XV(xvmsubasp,  L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_MSUB, a, b, t))
XV(xvmsubmsp,  L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_MSUB, a, t, b))
XV(xvnmaddasp, L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_NMADD, a, b, t))
XV(xvnmaddmsp, L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_NMADD, a, t, b))
XV(xvnmsubasp, L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_NMSUB, a, b, t))
XV(xvnmsubmsp, L_SP, L_SP, fpu_madd(&st, FPU_SINGLE, FPU_NMSUB, a, t, b))

XV(xvredp,     L_DP, L_DP, fpu_fre(&st, FPU_DOUBLE, b))
XV(xvresp,     L_SP, L_SP, fpu_fre(&st, FPU_SINGLE, b))
XV(xvrsqrtedp, L_DP, L_DP, fpu_frsqrte(&st, FPU_DOUBLE, b))
XV(xvrsqrtesp, L_SP, L_SP, fpu_frsqrte(&st, FPU_SINGLE, b))

XV(xvmaxdp,    L_DP, L_DP, max_min(&st, a, b, true))
XV(xvmindp,    L_DP, L_DP, max_min(&st, a, b, false))
XV(xvmaxsp,    L_SP, L_SP, max_min(&st, a, b, true))
XV(xvminsp,    L_SP, L_SP, max_min(&st, a, b, false))

XV(xvcvdpsp,   L_DP,  L_SP2, fpu_frsp(&st, b))
XV(xvcvspdp,   L_SP2, L_DP,  sp_to_dp(&st, b))
XV(xvcvdpsxds, L_DP,  L_DP,  xs_cvt_int(&st, FPU_INT64, b))
XV(xvcvdpsxws, L_DP,  L_W2,  xs_cvt_int(&st, FPU_INT32, b))
XV(xvcvdpuxds, L_DP,  L_DP,  xs_cvt_int(&st, FPU_UINT64, b))
XV(xvcvdpuxws, L_DP,  L_W2,  xs_cvt_int(&st, FPU_UINT32, b))
XV(xvcvspsxds, L_SP2, L_DP,  xs_cvt_int(&st, FPU_INT64, b))
XV(xvcvspsxws, L_SP,  L_W,   xs_cvt_int(&st, FPU_INT32, b))
XV(xvcvspuxds, L_SP2, L_DP,  xs_cvt_int(&st, FPU_UINT64, b))
XV(xvcvspuxws, L_SP,  L_W,   xs_cvt_int(&st, FPU_UINT32, b))
XV(xvcvsxddp,  L_DP,  L_DP,  fpu_fcfid(&st, FPU_DOUBLE, false, b))
XV(xvcvsxdsp,  L_DP,  L_SP2, fpu_fcfid(&st, FPU_SINGLE, false, b))
XV(xvcvsxwdp,  L_W2,  L_DP,  fpu_fcfid(&st, FPU_DOUBLE, false, SIGN_WORD(b)))
XV(xvcvsxwsp,  L_W,   L_SP,  fpu_fcfid(&st, FPU_SINGLE, false, SIGN_WORD(b)))
XV(xvcvuxddp,  L_DP,  L_DP,  fpu_fcfid(&st, FPU_DOUBLE, true, b))
XV(xvcvuxdsp,  L_DP,  L_SP2, fpu_fcfid(&st, FPU_SINGLE, true, b))
XV(xvcvuxwdp,  L_W2,  L_DP,  fpu_fcfid(&st, FPU_DOUBLE, true, ZERO_WORD(b)))
XV(xvcvuxwsp,  L_W,   L_SP,  fpu_fcfid(&st, FPU_SINGLE, true, ZERO_WORD(b)))

/* Round to integer: a single is an integer once its double is, so the
 * single forms round the exact double image. */
XV(xvrdpi,     L_DP, L_DP, fpu_round_int(&st, FPU_FRIN, b))
XV(xvrdpic,    L_DP, L_DP, fpu_round_int_rn(&st, b))
XV(xvrdpim,    L_DP, L_DP, fpu_round_int(&st, FPU_FRIM, b))
XV(xvrdpip,    L_DP, L_DP, fpu_round_int(&st, FPU_FRIP, b))
XV(xvrdpiz,    L_DP, L_DP, fpu_round_int(&st, FPU_FRIZ, b))
XV(xvrspi,     L_SP, L_SP, fpu_round_int(&st, FPU_FRIN, b))
XV(xvrspic,    L_SP, L_SP, fpu_round_int_rn(&st, b))
XV(xvrspim,    L_SP, L_SP, fpu_round_int(&st, FPU_FRIM, b))
XV(xvrspip,    L_SP, L_SP, fpu_round_int(&st, FPU_FRIP, b))
XV(xvrspiz,    L_SP, L_SP, fpu_round_int(&st, FPU_FRIZ, b))

/* Sign moves on every element: bit operations with the elements' sign
 * bits, no FPSCR effect. */
static const vec_u128 sign_dp = (vec_u128)DP_SIGN << 64 | DP_SIGN;
static const vec_u128 sign_sp = ((vec_u128)0x8000000080000000ull << 64) | 0x8000000080000000ull;

#define XV_SIGN(name, mask, expr)                                                       \
    void insn_##name(struct cpu *c, uint32_t insn)                                      \
    {                                                                                   \
        if (!vsx_enabled(c))                                                            \
            return;                                                                     \
        vec_u128 a = vsr_get(c, f_xa(insn)).q, b = vsr_get(c, f_xb(insn)).q, m = mask;  \
        (void)a;                                                                        \
        vsr_set(c, f_xt(insn), (vreg){ .q = expr });                                    \
    }

XV_SIGN(xvabsdp,   sign_dp, b & ~m)
XV_SIGN(xvabssp,   sign_sp, b & ~m)
XV_SIGN(xvnabsdp,  sign_dp, b | m)
XV_SIGN(xvnabssp,  sign_sp, b | m)
XV_SIGN(xvnegdp,   sign_dp, b ^ m)
XV_SIGN(xvnegsp,   sign_sp, b ^ m)
XV_SIGN(xvcpsgndp, sign_dp, (a & m) | (b & ~m))
XV_SIGN(xvcpsgnsp, sign_sp, (a & m) | (b & ~m))

/* xvtdiv[ds]p / xvtsqrt[ds]p BF: the flags of all elements ORed. */
static void xv_test(struct cpu *c, uint32_t insn, enum lane in, bool sqrt)
{
    if (!vsx_enabled(c))
        return;
    vreg va = vsr_get(c, f_xa(insn)), vb = vsr_get(c, f_xb(insn));
    enum fpu_prec p = in == L_DP ? FPU_DOUBLE : FPU_SINGLE;
    unsigned flags = 0;
    for (unsigned i = 0; i < lane_count[in]; i++)
        flags |= sqrt ? fpu_test_sqrt(p, lane_get(&vb, in, i))
                      : fpu_test_div(p, lane_get(&va, in, i), lane_get(&vb, in, i));
    cr_set_field(c, f_bf(insn), CR_LT | flags);
}

void insn_xvtdivdp(struct cpu *c, uint32_t insn) { xv_test(c, insn, L_DP, false); }
void insn_xvtdivsp(struct cpu *c, uint32_t insn) { xv_test(c, insn, L_SP, false); }
void insn_xvtsqrtdp(struct cpu *c, uint32_t insn) { xv_test(c, insn, L_DP, true); }
void insn_xvtsqrtsp(struct cpu *c, uint32_t insn) { xv_test(c, insn, L_SP, true); }

/* xvcmp{eq,ge,gt}{dp,sp}[.]: each element all ones when the relation
 * holds, else zeros; eq is an unordered compare (VXSNAN only), ge and gt
 * ordered ones (VXVC as fcmpo). Rc (bit 21) sets CR6 to all_true || 0 ||
 * all_false || 0, whether or not an enabled exception kept the target. */
static void xv_compare(struct cpu *c, uint32_t insn, enum lane in, unsigned accept, bool ordered)
{
    if (!vsx_enabled(c))
        return;
    vreg va = vsr_get(c, f_xa(insn)), vb = vsr_get(c, f_xb(insn)), vr = { .q = 0 };
    struct vec_acc acc = { 0, false };
    bool all_true = true, all_false = true;
    for (unsigned i = 0; i < lane_count[in]; i++) {
        struct fpu_status st = vsx_status(c);
        bool yes = (fpu_compare(&st, ordered, lane_get(&va, in, i), lane_get(&vb, in, i)) & accept) != 0;
        if (in == L_DP)
            VD(vr, i) = yes ? ~0ull : 0;
        else
            VW(vr, i) = yes ? ~0u : 0;
        all_true &= yes;
        all_false &= !yes;
        vec_note(&acc, &st);
    }
    if (f_vrc_rc(insn))
        cr_set_field(c, 6, (all_true ? CR_LT : 0) | (all_false ? CR_EQ : 0));
    vec_done(c, f_xt(insn), &acc, vr);
}

void insn_xvcmpeqdp(struct cpu *c, uint32_t insn) { xv_compare(c, insn, L_DP, FPU_FE, false); }
void insn_xvcmpgedp(struct cpu *c, uint32_t insn) { xv_compare(c, insn, L_DP, FPU_FE | FPU_FG, true); }
void insn_xvcmpgtdp(struct cpu *c, uint32_t insn) { xv_compare(c, insn, L_DP, FPU_FG, true); }
void insn_xvcmpeqsp(struct cpu *c, uint32_t insn) { xv_compare(c, insn, L_SP, FPU_FE, false); }
void insn_xvcmpgesp(struct cpu *c, uint32_t insn) { xv_compare(c, insn, L_SP, FPU_FE | FPU_FG, true); }
void insn_xvcmpgtsp(struct cpu *c, uint32_t insn) { xv_compare(c, insn, L_SP, FPU_FG, true); }
