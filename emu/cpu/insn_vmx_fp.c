/*
 * The VMX floating-point instructions (Power ISA 2.07 Book I 6.14):
 * arithmetic, multiply-add, maximum/minimum, round to integer, the
 * fixed-point conversions, the compares and the four estimates, each on
 * the four single-precision words of a vector register.
 *
 * The rules of 6.3 that set VMX apart from the FP facility: every result
 * is rounded to nearest (ties to even), nothing reads or writes the FPSCR,
 * no exception is ever taken, and an invalid operation gives the default
 * NaN 0x7fc00000. A NaN operand gives that NaN made quiet, the first NaN
 * in the order VRA, VRB, VRC. VSCR[NJ] = 1 (non-Java mode) replaces a
 * denormal operand by a zero of the same sign before the operation and a
 * result that underflows (tiny before rounding, as the FP facility
 * detects tininess) by a zero of the result's sign; with NJ = 0 denormals
 * are IEEE denormals.
 *
 * The arithmetic runs on fpu.h's correctly rounded core, never on host
 * floating point: each word goes through DOUBLE() (exact), the core rounds
 * the exact result once, directly to single precision, under a private
 * fpu_status (round to nearest, no enables), and SINGLE() takes the
 * already single-precision value back to a word without a second
 * rounding. The core's UX flag (tiny, inexact, UE = 0) or a denormal
 * result tells that the result underflowed, so NJ flushing needs no other
 * test. The conversions and round-to-integer work on the word's bits.
 *
 * The estimates have only an accuracy bound in the ISA (vrefp, vrsqrtefp:
 * relative error at most 1/4096; vexptefp: 1/16; vlogefp: absolute error
 * at most 1/32). ppcrr computes, deterministically:
 *   vrefp      1 / x correctly rounded (QEMU 7.2 does the same);
 *   vrsqrtefp  1 / s with s = sqrt(x) rounded to single, both rounded to
 *              nearest (QEMU's two steps too): within 1.5 ulp;
 *   vexptefp   2^x from the binary expansion of x's fraction, a product of
 *              2^(2^-k) constants in 62-bit fixed point, then rounded to
 *              nearest single: within 2^-54 before the final rounding,
 *              so within about half an ulp. QEMU 7.2 sums 15 terms of
 *              the Taylor series of e^(x ln 2) with no range reduction:
 *              equal to this for |x| < 1, a few ulps off up to |x| ~ 6,
 *              and beyond the ISA's bound (even -inf) past that;
 *   vlogefp    log2 x by repeated squaring of the significand in 62-bit
 *              fixed point (55 bits of fraction, within 2^-55), rounded
 *              to nearest single.
 */
#include "emu/cpu/fp_common.h"
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"

__extension__ typedef __int128 vec_s128;

#define SP_SIGN 0x80000000u
#define SP_EXP 0x7f800000u
#define SP_FRAC 0x007fffffu
#define SP_QUIET 0x00400000u
#define SP_ONE 0x3f800000u
#define SP_INF 0x7f800000u
#define SP_DEFAULT_NAN 0x7fc00000u
#define DP_ONE 0x3ff0000000000000ull

/* What one instruction's words share: VSCR[NJ], UIM, and whether a
 * conversion saturated. */
struct vfp {
    bool nj;
    unsigned uim;
    bool sat;
};

static bool sp_is_nan(uint32_t w) { return (w & SP_EXP) == SP_EXP && (w & SP_FRAC); }
static bool sp_is_denormal(uint32_t w) { return (w & SP_EXP) == 0 && (w & SP_FRAC); }

/* An operand as the operation sees it: with NJ, a denormal is a zero of
 * its sign. */
static uint32_t operand(const struct vfp *x, uint32_t w)
{
    return x->nj && sp_is_denormal(w) ? w & SP_SIGN : w;
}

/* The private context of every arithmetic step: round to nearest, no
 * enables (so nothing is scaled or suppressed). */
static struct fpu_status vmx_status(void)
{
    return (struct fpu_status){ .ctl = FPU_RN_NEAREST, .flags = 0 };
}

/* The word for a result D that the core rounded to single precision; with
 * NJ an underflowed result (UX, or a denormal that came out exact) is a
 * zero of its sign. */
static uint32_t result(const struct vfp *x, const struct fpu_status *st, uint64_t d)
{
    uint32_t w = fp_single_of_double(d);
    if (x->nj && ((st->flags & FPSCR_UX) || sp_is_denormal(w)))
        w &= SP_SIGN;
    return w;
}

/* Rounds SIG * 2^Q (SIG nonzero) to the nearest single, ties to even,
 * with denormals, overflow to infinity, and NJ's flush of a tiny result. */
static uint32_t round_single(const struct vfp *x, bool neg, uint64_t sig, int q)
{
    uint32_t s = neg ? SP_SIGN : 0;
    int e = q + 63 - __builtin_clzll(sig);     /* exponent of the leading bit */
    if (e < -126 && x->nj)
        return s;
    int lsb = (e < -126 ? -126 : e) - 23;      /* exponent of the result's last bit */
    int drop = lsb - q;
    uint64_t kept;
    if (drop <= 0) {
        kept = sig << -drop;
    } else if (drop > 64) {
        kept = 0;                              /* below half the smallest denormal */
    } else {
        vec_u128 v = sig;
        kept = (uint64_t)(v >> drop);
        vec_u128 rem = v & (((vec_u128)1 << drop) - 1), half = (vec_u128)1 << (drop - 1);
        if (rem > half || (rem == half && (kept & 1)))
            kept++;
    }
    /* KEPT is 2^23..2^24 for a normal result, below 2^23 for a denormal
     * one (LSB = -149): the sum carries into the exponent when rounding
     * reached the next power of two. */
    uint64_t bits = ((uint64_t)(lsb + 149) << 23) + kept;
    return s | (bits >= SP_INF ? SP_INF : (uint32_t)bits);
}

/* Orders two non-NaN words: -1, 0, 1 (+0 and -0 are equal); 2 if either
 * is a NaN. */
static int sp_compare(uint32_t a, uint32_t b)
{
    if (sp_is_nan(a) || sp_is_nan(b))
        return 2;
    int64_t ka = (a & SP_SIGN) ? -(int64_t)(a & ~SP_SIGN) : (int64_t)a;
    int64_t kb = (b & SP_SIGN) ? -(int64_t)(b & ~SP_SIGN) : (int64_t)b;
    return ka < kb ? -1 : ka > kb;
}

/* ---- running an operation on the four words ---- */

typedef uint32_t (*word_op)(struct vfp *x, uint32_t a, uint32_t b, uint32_t c);

/* VRT word i = OP(VRA word i, VRB word i, VRC word i); for the forms with
 * UIM in the VRA field, X->uim holds it. Returns false (having written
 * nothing) when MSR[VEC] is off. */
static bool each_word(struct cpu *c, uint32_t insn, word_op op, vreg *out)
{
    if (!vmx_enabled(c))
        return false;
    struct vfp x = { (c->vscr[0] & VSCR_NJ) != 0, f_vra(insn), false };
    vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), m = vr_get(c, f_vrc(insn)), t;
    for (unsigned i = 0; i < 4; i++)
        VW(t, i) = op(&x, VW(a, i), VW(b, i), VW(m, i));
    vr_set(c, f_vrt(insn), t);
    if (x.sat)
        c->vscr[0] |= VSCR_SAT;
    *out = t;
    return true;
}

#define VMX_FP(name, op)                                                  \
    void insn_##name(struct cpu *c, uint32_t insn)                        \
    {                                                                     \
        vreg t;                                                           \
        each_word(c, insn, op, &t);                                       \
    }

/* ---- arithmetic (6.14.1) ---- */

static uint32_t op_add(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    struct fpu_status st = vmx_status();
    uint64_t d = fpu_add(&st, FPU_SINGLE, fp_double_of_single(operand(x, a)), fp_double_of_single(operand(x, b)));
    return result(x, &st, d);
}

static uint32_t op_sub(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    struct fpu_status st = vmx_status();
    uint64_t d = fpu_sub(&st, FPU_SINGLE, fp_double_of_single(operand(x, a)), fp_double_of_single(operand(x, b)));
    return result(x, &st, d);
}

/* vmaddfp: (A * C) + B with one rounding; vnmsubfp: -((A * C) - B), the
 * negation after rounding and not applied to a NaN. */
static uint32_t madd(struct vfp *x, enum fpu_madd_kind kind, uint32_t a, uint32_t b, uint32_t c)
{
    struct fpu_status st = vmx_status();
    uint64_t d = fpu_madd(&st, FPU_SINGLE, kind, fp_double_of_single(operand(x, a)),
                          fp_double_of_single(operand(x, c)), fp_double_of_single(operand(x, b)));
    return result(x, &st, d);
}

static uint32_t op_madd(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { return madd(x, FPU_MADD, a, b, c); }
static uint32_t op_nmsub(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { return madd(x, FPU_NMSUB, a, b, c); }

VMX_FP(vaddfp, op_add)
VMX_FP(vsubfp, op_sub)
VMX_FP(vmaddfp, op_madd)
VMX_FP(vnmsubfp, op_nmsub)

/* ---- maximum and minimum (6.14.2): +0 is greater than -0 ---- */

static bool pick_nan(uint32_t a, uint32_t b, uint32_t *out)
{
    if (sp_is_nan(a) || sp_is_nan(b)) {
        *out = (sp_is_nan(a) ? a : b) | SP_QUIET;
        return true;
    }
    return false;
}

static uint32_t op_max(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    uint32_t r;
    a = operand(x, a);
    b = operand(x, b);
    if (pick_nan(a, b, &r))
        return r;
    int k = sp_compare(a, b);
    return k > 0 ? a : k < 0 ? b : a & b;   /* equal: +0 if either is +0 */
}

static uint32_t op_min(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    uint32_t r;
    a = operand(x, a);
    b = operand(x, b);
    if (pick_nan(a, b, &r))
        return r;
    int k = sp_compare(a, b);
    return k < 0 ? a : k > 0 ? b : a | b;   /* equal: -0 if either is -0 */
}

VMX_FP(vmaxfp, op_max)
VMX_FP(vminfp, op_min)

/* ---- round to integer (6.14.3) ---- */

enum round_mode { ROUND_NEAREST_EVEN, ROUND_ZERO, ROUND_UP, ROUND_DOWN };

/* The integral value of B in MODE, as a single; a zero result keeps B's
 * sign (vrfip of -0.5 is -0). Exact: no rounding of the result. */
static uint32_t round_int(const struct vfp *x, uint32_t b, enum round_mode mode)
{
    b = operand(x, b);
    unsigned exp = (b >> 23) & 0xff;
    if (sp_is_nan(b))
        return b | SP_QUIET;
    if (exp >= 150 || (b & ~SP_SIGN) == 0)   /* integral already, infinite, or zero */
        return b;
    bool neg = (b & SP_SIGN) != 0;
    uint64_t mant = exp ? (b & SP_FRAC) | 0x800000 : b & SP_FRAC;
    unsigned frac_bits = 150 - (exp ? exp : 1);   /* 1..149 */
    uint64_t ipart = 0;
    bool above_half = false, half = false, inexact = true;
    if (frac_bits <= 24) {
        uint64_t rem = mant & ((1ull << frac_bits) - 1), h = 1ull << (frac_bits - 1);
        ipart = mant >> frac_bits;
        above_half = rem > h;
        half = rem == h;
        inexact = rem != 0;
    }   /* else |B| < 1/2: ipart 0, below half, inexact */
    bool up;
    switch (mode) {
    case ROUND_NEAREST_EVEN: up = above_half || (half && (ipart & 1)); break;
    case ROUND_ZERO: up = false; break;
    case ROUND_UP: up = inexact && !neg; break;
    default: up = inexact && neg; break;
    }
    ipart += up;
    if (ipart == 0)
        return b & SP_SIGN;
    int e = 63 - __builtin_clzll(ipart);   /* ipart <= 2^23 */
    return (b & SP_SIGN) | (uint32_t)(e + 127) << 23 | (uint32_t)((ipart << (23 - e)) & SP_FRAC);
}

static uint32_t op_rfin(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return round_int(x, b, ROUND_NEAREST_EVEN); }
static uint32_t op_rfiz(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return round_int(x, b, ROUND_ZERO); }
static uint32_t op_rfip(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return round_int(x, b, ROUND_UP); }
static uint32_t op_rfim(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return round_int(x, b, ROUND_DOWN); }

VMX_FP(vrfin, op_rfin)
VMX_FP(vrfiz, op_rfiz)
VMX_FP(vrfip, op_rfip)
VMX_FP(vrfim, op_rfim)

/* ---- fixed-point conversions (6.14.3) ---- */

/* vcfsx/vcfux: the word as an integer, rounded to single, divided by
 * 2^UIM. The division is exact (the smallest nonzero result is 2^-31),
 * so the one rounding is the conversion's. */
static uint32_t convert_from(const struct vfp *x, uint32_t b, bool is_unsigned)
{
    struct fpu_status st = vmx_status();
    uint64_t v = is_unsigned ? b : (uint64_t)(int64_t)(int32_t)b;
    uint64_t d = fpu_fcfid(&st, FPU_SINGLE, is_unsigned, v);
    if (d & ~DP_SIGN)
        d -= (uint64_t)x->uim << DP_EXP_SHIFT;
    return fp_single_of_double(d);
}

static uint32_t op_cfsx(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return convert_from(x, b, false); }
static uint32_t op_cfux(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return convert_from(x, b, true); }

/* vctsxs/vctuxs: B * 2^UIM truncated toward zero, saturated to the
 * 32-bit range, VSCR[SAT] set when it saturates. A NaN gives 0 without
 * setting SAT (it is not a saturation; QEMU 7.2 agrees). A negative value
 * that truncates to 0 is 0 for vctuxs without saturation. */
static uint32_t convert_to(struct vfp *x, uint32_t b, bool is_unsigned)
{
    b = operand(x, b);
    if (sp_is_nan(b))
        return 0;
    bool neg = (b & SP_SIGN) != 0;
    unsigned exp = (b >> 23) & 0xff;
    uint64_t mant = exp ? (b & SP_FRAC) | 0x800000 : b & SP_FRAC;
    int sh = (int)(exp ? exp : 1) - 150 + (int)x->uim;   /* value = mant * 2^sh */
    bool huge = exp == 0xff || sh >= 40;                 /* >= 2^40 (or infinite) */
    uint64_t mag = huge ? 0 : sh >= 0 ? mant << sh : sh > -64 ? mant >> -sh : 0;
    uint64_t limit = is_unsigned ? (neg ? 0 : 0xffffffffull) : (neg ? 0x80000000ull : 0x7fffffffull);
    if (huge || mag > limit) {
        x->sat = true;
        mag = limit;
    }
    return (uint32_t)(neg ? -mag : mag);
}

static uint32_t op_ctsxs(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return convert_to(x, b, false); }
static uint32_t op_ctuxs(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)c; return convert_to(x, b, true); }

VMX_FP(vcfsx, op_cfsx)
VMX_FP(vcfux, op_cfux)
VMX_FP(vctsxs, op_ctsxs)
VMX_FP(vctuxs, op_ctuxs)

/* ---- compares (6.14.4) ---- */

static uint32_t op_cmpeq(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)c; return sp_compare(operand(x, a), operand(x, b)) == 0 ? ~0u : 0; }
static uint32_t op_cmpge(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    int k = sp_compare(operand(x, a), operand(x, b));
    return k == 0 || k == 1 ? ~0u : 0;
}
static uint32_t op_cmpgt(struct vfp *x, uint32_t a, uint32_t b, uint32_t c) { (void)c; return sp_compare(operand(x, a), operand(x, b)) == 1 ? ~0u : 0; }

/* vcmpbfp: bit 0 set unless A <= B, bit 1 set unless A >= -B; a NaN
 * sets both. */
static uint32_t op_cmpb(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)c;
    a = operand(x, a);
    b = operand(x, b);
    int le = sp_compare(a, b), ge = sp_compare(a, b ^ SP_SIGN);
    return (le == 0 || le == -1 ? 0 : SP_SIGN) | (ge == 0 || ge == 1 ? 0 : SP_SIGN >> 1);
}

/* With Rc (bit 21): CR6 = all true || 0 || all false || 0. */
static void compare(struct cpu *c, uint32_t insn, word_op op)
{
    vreg t;
    if (!each_word(c, insn, op, &t) || !f_vrc_rc(insn))
        return;
    bool all = t.q == ~(vec_u128)0, none = t.q == 0;
    cr_set_field(c, 6, (all ? CR_LT : 0) | (none ? CR_EQ : 0));
}

void insn_vcmpeqfp(struct cpu *c, uint32_t insn) { compare(c, insn, op_cmpeq); }
void insn_vcmpgefp(struct cpu *c, uint32_t insn) { compare(c, insn, op_cmpge); }
void insn_vcmpgtfp(struct cpu *c, uint32_t insn) { compare(c, insn, op_cmpgt); }

/* vcmpbfp.: CR6 = 0 || 0 || all within bounds || 0. */
void insn_vcmpbfp(struct cpu *c, uint32_t insn)
{
    vreg t;
    if (each_word(c, insn, op_cmpb, &t) && f_vrc_rc(insn))
        cr_set_field(c, 6, t.q == 0 ? CR_EQ : 0);
}

/* ---- estimates (6.14.5) ---- */

static uint32_t op_re(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)a;
    (void)c;
    struct fpu_status st = vmx_status();
    uint64_t d = fpu_div(&st, FPU_SINGLE, DP_ONE, fp_double_of_single(operand(x, b)));
    return result(x, &st, d);
}

static uint32_t op_rsqrte(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)a;
    (void)c;
    struct fpu_status st = vmx_status();
    uint64_t s = fpu_sqrt(&st, FPU_SINGLE, fp_double_of_single(operand(x, b)));
    uint64_t d = fpu_div(&st, FPU_SINGLE, DP_ONE, s);
    return result(x, &st, d);
}

/* 2^(2^-k) for k = 1..62, rounded, as 2.62 fixed point. */
static const uint64_t exp2_steps[62] = {
    0x5a827999fcef3242ull, 0x4c1bf828c6dc54b8ull, 0x45cae0f1f545eb73ull, 0x42d561b3e6243d8aull,
    0x4166c34c5615d0ecull, 0x40b268f9de0183baull, 0x4058f6a7ecccd5b6ull, 0x402c6be96af2fb58ull,
    0x4016321b687027a8ull, 0x400b18178ba33b14ull, 0x40058bce410147e8ull, 0x4002c5d7bff71dafull,
    0x400162e807ee7e5bull, 0x4000b1730df6a524ull, 0x400058b9497b8152ull, 0x40002c5c955dd701ull,
    0x4000162e46d6f26cull, 0x40000b1722757b1bull, 0x4000058b90fd3e0cull, 0x400002c5c86f3f26ull,
    0x40000162e433c79bull, 0x400000b17218edd0ull, 0x40000058b90c3968ull, 0x4000002c5c860d54ull,
    0x400000162e4302d2ull, 0x4000000b17218073ull, 0x400000058b90bffcull, 0x40000002c5c85fefull,
    0x4000000162e42ff3ull, 0x40000000b17217f9ull, 0x4000000058b90bfcull, 0x400000002c5c85feull,
    0x40000000162e42ffull, 0x400000000b17217full, 0x40000000058b90c0ull, 0x4000000002c5c860ull,
    0x400000000162e430ull, 0x4000000000b17218ull, 0x400000000058b90cull, 0x40000000002c5c86ull,
    0x4000000000162e43ull, 0x40000000000b1721ull, 0x4000000000058b91ull, 0x400000000002c5c8ull,
    0x40000000000162e4ull, 0x400000000000b172ull, 0x40000000000058b9ull, 0x4000000000002c5dull,
    0x400000000000162eull, 0x4000000000000b17ull, 0x400000000000058cull, 0x40000000000002c6ull,
    0x4000000000000163ull, 0x40000000000000b1ull, 0x4000000000000059ull, 0x400000000000002cull,
    0x4000000000000016ull, 0x400000000000000bull, 0x4000000000000006ull, 0x4000000000000003ull,
    0x4000000000000001ull, 0x4000000000000001ull,
};

/* vexptefp: 2^B. B = n + f with n an integer and 0 <= f < 1 (64 fraction
 * bits, truncated); 2^f is the product of 2^(2^-k) over f's set bits
 * (62 truncated products: error below 2^-54), rounded to single at the
 * end. */
static uint32_t op_expte(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)a;
    (void)c;
    b = operand(x, b);
    bool neg = (b & SP_SIGN) != 0;
    unsigned exp = (b >> 23) & 0xff;
    if (sp_is_nan(b))
        return b | SP_QUIET;
    if ((b & ~SP_SIGN) == 0)
        return SP_ONE;
    if (exp >= 135)                      /* |B| >= 256, or infinite */
        return neg ? 0 : SP_INF;
    uint64_t mant = exp ? (b & SP_FRAC) | 0x800000 : b & SP_FRAC;
    int sh = (int)(exp ? exp : 1) - 150 + 64;        /* B * 2^64 = mant * 2^sh */
    vec_s128 fixed = sh >= 0 ? (vec_s128)mant << sh : sh > -64 ? (vec_s128)(mant >> -sh) : 0;
    if (neg)
        fixed = -fixed;
    int n = (int)(fixed >> 64);          /* floor */
    uint64_t f = (uint64_t)fixed;
    uint64_t r = 1ull << 62;
    for (unsigned k = 1; k <= 62; k++)
        if ((f >> (64 - k)) & 1)
            r = (uint64_t)(((vec_u128)r * exp2_steps[k - 1]) >> 62);
    return round_single(x, false, r, n - 62);
}

/* vlogefp: log2 B. For B = m * 2^E with 1 <= m < 2, each squaring of m
 * gives the next bit of log2 m (m^2 >= 2: the bit is 1 and m halves).
 * m is kept in 2.62 fixed point, each square truncated; an error in m
 * after k squarings weighs 2^-k in the result, so the 55 fraction bits
 * are off by less than 2^-55 in total before the final rounding. */
#define LOG_BITS 55
static uint32_t op_loge(struct vfp *x, uint32_t a, uint32_t b, uint32_t c)
{
    (void)a;
    (void)c;
    b = operand(x, b);
    if (sp_is_nan(b))
        return b | SP_QUIET;
    if ((b & ~SP_SIGN) == 0)
        return SP_SIGN | SP_INF;         /* log2(+-0) = -infinity */
    if (b & SP_SIGN)
        return SP_DEFAULT_NAN;
    if (b == SP_INF)
        return SP_INF;
    unsigned exp = (b >> 23) & 0xff;
    uint64_t m = b & SP_FRAC;
    int e = (int)exp - 127;
    if (exp) {
        m |= 0x800000;
    } else {                              /* denormal: normalise */
        e = -126;
        while (!(m & 0x800000)) {
            m <<= 1;
            e--;
        }
    }
    m <<= 62 - 23;
    int64_t z = (int64_t)e * ((int64_t)1 << LOG_BITS);   /* |z| < 150 * 2^55 < 2^63 */
    for (int bit = LOG_BITS - 1; bit >= 0; bit--) {
        m = (uint64_t)(((vec_u128)m * m) >> 62);
        if (m >> 63) {
            m >>= 1;
            z += (int64_t)1 << bit;
        }
    }
    if (z == 0)
        return 0;
    return round_single(x, z < 0, (uint64_t)(z < 0 ? -z : z), -LOG_BITS);
}

VMX_FP(vrefp, op_re)
VMX_FP(vrsqrtefp, op_rsqrte)
VMX_FP(vexptefp, op_expte)
VMX_FP(vlogefp, op_loge)
