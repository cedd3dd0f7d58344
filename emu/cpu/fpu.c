/*
 * The floating-point core behind fpu.h: every operation takes its operands
 * apart into sign, exponent and integer significand, computes the exact
 * result (or the exact result truncated with a sticky bit far below the
 * rounding point, which rounds the same), and hands it to one rounding
 * routine, round_pack(), which applies the target precision and exponent
 * range, the FPSCR rounding mode and the ISA's overflow/underflow rules.
 * Only integer arithmetic is used (unsigned __int128 for the wide parts):
 * the host's FP environment can never leak into a guest result.
 *
 * ISA points this follows (Book I chapter 4):
 * - NaN operands: the result is the first NaN in the order FRA, FRB, FRC,
 *   quieted; an invalid operation without a NaN operand gives the default
 *   QNaN. A single-precision result keeps only the fraction bits a single
 *   can hold (FRB[0:34] || 29 zeros, as frsp spells it).
 * - Tininess is detected before rounding. With UE=0 underflow (UX) needs
 *   tiny and inexact; with UE=1 every tiny result sets UX and the result's
 *   exponent is raised by 1536 (192 for single). With OE=1 an overflowing
 *   result's exponent is lowered by the same amount.
 * - FR says the significand was incremented in magnitude, FI that the
 *   result is inexact or a disabled overflow happened. For a disabled
 *   overflow the result is infinity (FR=1) or the largest finite number
 *   (FR=0), by rounding mode.
 * - fmadd with inf * 0 sets VXIMZ even when FRB is a QNaN (the NaN is still
 *   the result): the ISA lists inf * 0 as an invalid operation without an
 *   exception for a NaN addend (IEEE 754 leaves this case to the
 *   implementation; QEMU's ppc target reads the ISA the same way).
 */
#include "emu/cpu/fpu.h"

typedef unsigned __int128 u128;

/* A target format: precision, normal exponent range, and the exponent
 * adjustment of the enabled overflow/underflow result. */
struct fpu_format {
    int prec;
    int emin;
    int emax;
    int adjust;
    uint64_t max_finite;   /* largest finite value, in double format */
};

static const struct fpu_format formats[] = {
    [FPU_DOUBLE] = {53, -1022, 1023, 1536, 0x7fefffffffffffffull},
    [FPU_SINGLE] = {24, -126, 127, 192, 0x47efffffe0000000ull},
};

/* Rounding directions: the four FPSCR[RN] values, plus frin's. */
enum { RND_NEAREST, RND_ZERO, RND_UP, RND_DOWN, RND_TIES_AWAY };

#define SIGN_BIT (1ull << 63)
#define EXP_MASK 0x7ff0000000000000ull
#define FRAC_MASK 0x000fffffffffffffull
#define QUIET_BIT (1ull << 51)
#define INF_BITS 0x7ff0000000000000ull

enum fpu_cls { CLS_ZERO, CLS_FINITE, CLS_INF, CLS_QNAN, CLS_SNAN };

/* An unpacked operand: value = sig * 2^(exp - 52), sig normalised so that
 * bit 52 is set (denormals included) for CLS_FINITE. */
struct fpu_num {
    enum fpu_cls cls;
    bool neg;
    int exp;
    uint64_t sig;
};

static int clz64(uint64_t x)
{
    return __builtin_clzll(x);
}

static int msb128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? 127 - clz64(hi) : 63 - clz64((uint64_t)x);
}

static struct fpu_num unpack(uint64_t bits)
{
    struct fpu_num n = {.neg = (bits & SIGN_BIT) != 0};
    int e = (int)((bits & EXP_MASK) >> 52);
    uint64_t f = bits & FRAC_MASK;
    if (e == 0x7ff) {
        n.cls = f == 0 ? CLS_INF : (f & QUIET_BIT) ? CLS_QNAN : CLS_SNAN;
    } else if (e == 0 && f == 0) {
        n.cls = CLS_ZERO;
    } else if (e == 0) {
        int shift = clz64(f) - 11;          /* bring the leading 1 to bit 52 */
        n.cls = CLS_FINITE;
        n.sig = f << shift;
        n.exp = -1022 - shift;
    } else {
        n.cls = CLS_FINITE;
        n.sig = f | (1ull << 52);
        n.exp = e - 1023;
    }
    return n;
}

static bool is_nan(uint64_t bits)
{
    return (bits & EXP_MASK) == EXP_MASK && (bits & FRAC_MASK) != 0;
}

static bool is_snan(uint64_t bits)
{
    return is_nan(bits) && !(bits & QUIET_BIT);
}

static uint64_t signed_zero(bool neg)
{
    return neg ? SIGN_BIT : 0;
}

static uint64_t signed_inf(bool neg)
{
    return signed_zero(neg) | INF_BITS;
}

/* A NaN result in the target precision: quiet, and for single only the
 * fraction bits a single holds. */
static uint64_t nan_result(enum fpu_prec p, uint64_t bits)
{
    bits |= QUIET_BIT;
    return p == FPU_SINGLE ? bits & ~((1ull << 29) - 1) : bits;
}

/* The ISA's NaN operand rule: VXSNAN if any operand is a signalling NaN,
 * and the result is the first NaN in operand order. Returns false when
 * there is no NaN operand. */
static bool pick_nan(struct fpu_status *st, enum fpu_prec p, const uint64_t *ops, int n,
                     uint64_t *out)
{
    bool found = false;
    for (int i = n - 1; i >= 0; i--) {
        if (is_snan(ops[i]))
            st->flags |= FPSCR_VXSNAN;
        if (is_nan(ops[i])) {
            *out = nan_result(p, ops[i]);
            found = true;
        }
    }
    return found;
}

static uint64_t invalid(struct fpu_status *st, uint32_t cause)
{
    st->flags |= cause;
    return FPU_DEFAULT_QNAN;
}

/* Rounds SIG to drop its low DROP bits (DROP may exceed 127: then all of
 * SIG is below half a unit). Returns the kept bits; sets *INEXACT and
 * *INCREMENTED. */
static u128 shift_round(u128 sig, int drop, bool neg, int rnd, bool *inexact, bool *incremented)
{
    u128 kept;
    int cmp;        /* the dropped part against half a unit: -1, 0, +1 */
    if (drop <= 0) {
        *inexact = *incremented = false;
        return sig << -drop;
    }
    if (drop >= 128) {
        kept = 0;
        cmp = sig ? -1 : -2;
    } else {
        u128 rem = sig & (((u128)1 << drop) - 1);
        u128 half = (u128)1 << (drop - 1);
        kept = sig >> drop;
        cmp = rem == 0 ? -2 : rem < half ? -1 : rem == half ? 0 : 1;
    }
    *inexact = cmp != -2;
    bool inc = false;
    if (*inexact) {
        switch (rnd) {
        case RND_NEAREST: inc = cmp > 0 || (cmp == 0 && (kept & 1)); break;
        case RND_TIES_AWAY: inc = cmp >= 0; break;
        case RND_UP: inc = !neg; break;
        case RND_DOWN: inc = neg; break;
        default: break;
        }
    }
    *incremented = inc;
    return kept + inc;
}

/* Packs KEPT * 2^LSB_EXP (exact, within double's range) as a double. */
static uint64_t pack_double(bool neg, uint64_t kept, int lsb_exp)
{
    if (kept == 0)
        return signed_zero(neg);
    int shift = clz64(kept) - 11;
    kept <<= shift;
    int e = lsb_exp - shift + 52;          /* exponent of the leading bit */
    /* A double denormal: exact for every result of double-format
     * rounding. The one inexact case is an enabled-underflow single result
     * of double operands (xsmulsp & co) still below 2^-1022 after the 192
     * adjustment: the ISA's adjusted result has no double-format encoding
     * there, and ppcrr truncates it to this denormal (UX, FEX and the
     * interrupt are what the ISA fixes). */
    if (e < -1022)
        return signed_zero(neg) | (-1022 - e < 64 ? kept >> (-1022 - e) : 0);
    if (e > 1023)                          /* only a misused scaled result */
        return signed_inf(neg);
    return signed_zero(neg) | (((uint64_t)(e + 1022) << 52) + kept);
}

static uint64_t overflow_default(const struct fpu_format *f, bool neg, int rnd,
                                 struct fpu_status *st)
{
    bool to_inf = rnd == RND_NEAREST || (rnd == RND_UP && !neg) || (rnd == RND_DOWN && neg);
    st->flags |= FPSCR_OX | FPSCR_XX | FPSCR_FI | (to_inf ? FPSCR_FR : 0);
    return to_inf ? signed_inf(neg) : signed_zero(neg) | f->max_finite;
}

/* The one rounding step: SIG * 2^Q (SIG nonzero) to format P under the
 * FPSCR's mode and exception enables. */
static uint64_t round_pack(struct fpu_status *st, enum fpu_prec p, bool neg, int q, u128 sig)
{
    const struct fpu_format *f = &formats[p];
    int rnd = (int)(st->ctl & FPSCR_RN);
    int e = q + msb128(sig);               /* exponent of the exact value */
    bool tiny = e < f->emin;
    bool ue = (st->ctl & FPSCR_UE) != 0;
    int lsb_exp = (tiny && !ue ? f->emin : e) - (f->prec - 1);
    bool inexact, inc;
    uint64_t kept = (uint64_t)shift_round(sig, lsb_exp - q, neg, rnd, &inexact, &inc);
    if (kept >> f->prec) {                 /* rounded up to the next power of two */
        kept >>= 1;
        lsb_exp++;
    }
    if (tiny && ue) {
        st->flags |= FPSCR_UX;
        lsb_exp += f->adjust;
    } else if (tiny && inexact) {
        st->flags |= FPSCR_UX;
    } else if (lsb_exp + f->prec - 1 > f->emax) {
        if (!(st->ctl & FPSCR_OE))
            return overflow_default(f, neg, rnd, st);
        st->flags |= FPSCR_OX;
        lsb_exp -= f->adjust;
    }
    if (inexact)
        st->flags |= FPSCR_XX | FPSCR_FI;
    if (inc)
        st->flags |= FPSCR_FR;
    return pack_double(neg, kept, lsb_exp);
}

/* The sign of an exact zero sum of operands of different signs. */
static uint64_t zero_sum(const struct fpu_status *st)
{
    return signed_zero((st->ctl & FPSCR_RN) == FPU_RN_MINUS_INF);
}

/* Adds X * 2^XQ and Y * 2^YQ (each below 2^125, signed by XNEG/YNEG) and
 * rounds. The smaller exponent's operand is shifted with its lost bits
 * jammed into bit 0: they lie far below any rounding point. */
static uint64_t add_exact(struct fpu_status *st, enum fpu_prec p, bool xneg, int xq, u128 x,
                          bool yneg, int yq, u128 y)
{
    if (xq < yq) {
        bool tn = xneg; xneg = yneg; yneg = tn;
        int tq = xq; xq = yq; yq = tq;
        u128 tv = x; x = y; y = tv;
    }
    int d = xq - yq;
    if (d >= 128) {
        y = y != 0;
    } else if (d > 0) {
        u128 lost = y & (((u128)1 << d) - 1);
        y = (y >> d) | (lost != 0);
    }
    if (xneg == yneg)
        return round_pack(st, p, xneg, xq, x + y);
    if (x == y)
        return zero_sum(st);
    if (x > y)
        return round_pack(st, p, xneg, xq, x - y);
    return round_pack(st, p, yneg, xq, y - x);
}

static uint64_t add_common(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t b,
                           bool negate_b)
{
    uint64_t ops[2] = {a, b}, r;
    st->flags = 0;
    if (pick_nan(st, p, ops, 2, &r))
        return r;
    struct fpu_num x = unpack(a), y = unpack(b);
    y.neg ^= negate_b;
    if (x.cls == CLS_INF && y.cls == CLS_INF && x.neg != y.neg)
        return invalid(st, FPSCR_VXISI);
    if (x.cls == CLS_INF || y.cls == CLS_INF)
        return signed_inf(x.cls == CLS_INF ? x.neg : y.neg);
    if (x.cls == CLS_ZERO && y.cls == CLS_ZERO)
        return x.neg == y.neg ? signed_zero(x.neg) : zero_sum(st);
    if (y.cls == CLS_ZERO)
        return round_pack(st, p, x.neg, x.exp - 52, x.sig);
    if (x.cls == CLS_ZERO)
        return round_pack(st, p, y.neg, y.exp - 52, y.sig);
    return add_exact(st, p, x.neg, x.exp - 52 - 72, (u128)x.sig << 72,
                     y.neg, y.exp - 52 - 72, (u128)y.sig << 72);
}

uint64_t fpu_add(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t b)
{
    return add_common(st, p, a, b, false);
}

uint64_t fpu_sub(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t b)
{
    return add_common(st, p, a, b, true);
}

uint64_t fpu_mul(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t c)
{
    uint64_t ops[2] = {a, c}, r;
    st->flags = 0;
    if (pick_nan(st, p, ops, 2, &r))
        return r;
    struct fpu_num x = unpack(a), y = unpack(c);
    bool neg = x.neg != y.neg;
    if ((x.cls == CLS_INF && y.cls == CLS_ZERO) || (x.cls == CLS_ZERO && y.cls == CLS_INF))
        return invalid(st, FPSCR_VXIMZ);
    if (x.cls == CLS_INF || y.cls == CLS_INF)
        return signed_inf(neg);
    if (x.cls == CLS_ZERO || y.cls == CLS_ZERO)
        return signed_zero(neg);
    return round_pack(st, p, neg, x.exp + y.exp - 104, (u128)x.sig * y.sig);
}

uint64_t fpu_div(struct fpu_status *st, enum fpu_prec p, uint64_t a, uint64_t b)
{
    uint64_t ops[2] = {a, b}, r;
    st->flags = 0;
    if (pick_nan(st, p, ops, 2, &r))
        return r;
    struct fpu_num x = unpack(a), y = unpack(b);
    bool neg = x.neg != y.neg;
    if (x.cls == CLS_INF && y.cls == CLS_INF)
        return invalid(st, FPSCR_VXIDI);
    if (x.cls == CLS_ZERO && y.cls == CLS_ZERO)
        return invalid(st, FPSCR_VXZDZ);
    if (x.cls == CLS_INF)
        return signed_inf(neg);
    if (y.cls == CLS_ZERO) {
        st->flags |= FPSCR_ZX;
        return signed_inf(neg);
    }
    if (x.cls == CLS_ZERO || y.cls == CLS_INF)
        return signed_zero(neg);
    /* A 74-bit-or-longer quotient; a nonzero remainder becomes a sticky
     * bit 20 or more places below the rounding point. */
    u128 n = (u128)x.sig << 74;
    u128 quo = n / y.sig;
    bool rem = n % y.sig != 0;
    return round_pack(st, p, neg, x.exp - y.exp - 74, quo | rem);
}

/* floor(sqrt(N)), bit by bit; *EXACT says whether the root was exact. */
static uint64_t isqrt128(u128 n, bool *exact)
{
    u128 rem = n, root = 0, bit = (u128)1 << 126;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (rem >= root + bit) {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    *exact = rem == 0;
    return (uint64_t)root;
}

uint64_t fpu_sqrt(struct fpu_status *st, enum fpu_prec p, uint64_t b)
{
    uint64_t r;
    st->flags = 0;
    if (pick_nan(st, p, &b, 1, &r))
        return r;
    struct fpu_num x = unpack(b);
    if (x.cls == CLS_ZERO)
        return b;
    if (x.neg)
        return invalid(st, FPSCR_VXSQRT);
    if (x.cls == CLS_INF)
        return b;
    /* value = sig * 2^e with e even; scaling sig by 2^72 leaves a 63- or
     * 64-bit root, ten bits more than any rounding needs. */
    int e = x.exp - 52;
    uint64_t sig = x.sig;
    if (e & 1) {
        sig <<= 1;
        e--;
    }
    bool exact;
    uint64_t root = isqrt128((u128)sig << 72, &exact);
    return round_pack(st, p, false, (e - 72) / 2, (u128)root | !exact);
}

/* fmadd's operand rows: negate FRB first, negate the rounded result. */
static const struct {
    bool negate_b;
    bool negate_result;
} madd_kinds[] = {
    [FPU_MADD] = {false, false},
    [FPU_MSUB] = {true, false},
    [FPU_NMADD] = {false, true},
    [FPU_NMSUB] = {true, true},
};

/* The special cases of A * C + B with the sign of B already applied:
 * returns true with *OUT set when the result does not need rounding. */
static bool madd_special(struct fpu_status *st, struct fpu_num x, struct fpu_num y,
                         struct fpu_num z, uint64_t *out)
{
    bool pneg = x.neg != y.neg;
    bool pinf = x.cls == CLS_INF || y.cls == CLS_INF;
    bool pzero = x.cls == CLS_ZERO || y.cls == CLS_ZERO;
    if (pinf && pzero) {
        *out = invalid(st, FPSCR_VXIMZ);
    } else if (pinf && z.cls == CLS_INF && pneg != z.neg) {
        *out = invalid(st, FPSCR_VXISI);
    } else if (pinf) {
        *out = signed_inf(pneg);
    } else if (z.cls == CLS_INF) {
        *out = signed_inf(z.neg);
    } else if (pzero && z.cls == CLS_ZERO) {
        *out = pneg == z.neg ? signed_zero(pneg) : zero_sum(st);
    } else {
        return false;
    }
    return true;
}

uint64_t fpu_madd(struct fpu_status *st, enum fpu_prec p, enum fpu_madd_kind kind,
                  uint64_t a, uint64_t c, uint64_t b)
{
    uint64_t ops[3] = {a, b, c}, r;
    st->flags = 0;
    struct fpu_num x = unpack(a), y = unpack(c), z = unpack(b);
    if (pick_nan(st, p, ops, 3, &r)) {
        /* inf * 0 is an invalid operation even beside a NaN addend. */
        if ((x.cls == CLS_INF && y.cls == CLS_ZERO) || (x.cls == CLS_ZERO && y.cls == CLS_INF))
            st->flags |= FPSCR_VXIMZ;
        return r;
    }
    z.neg ^= madd_kinds[kind].negate_b;
    bool pneg = x.neg != y.neg;
    if (!madd_special(st, x, y, z, &r)) {
        if (x.cls == CLS_ZERO || y.cls == CLS_ZERO)
            r = round_pack(st, p, z.neg, z.exp - 52, z.sig);
        else if (z.cls == CLS_ZERO)
            r = round_pack(st, p, pneg, x.exp + y.exp - 104, (u128)x.sig * y.sig);
        else    /* product (105-106 bits) and addend both led to bit 123-124 */
            r = add_exact(st, p, pneg, x.exp + y.exp - 104 - 19, ((u128)x.sig * y.sig) << 19,
                          z.neg, z.exp - 52 - 72, (u128)z.sig << 72);
    }
    if (madd_kinds[kind].negate_result && !is_nan(r))
        r ^= SIGN_BIT;
    return r;
}

uint64_t fpu_frsp(struct fpu_status *st, uint64_t b)
{
    uint64_t r;
    st->flags = 0;
    if (pick_nan(st, FPU_SINGLE, &b, 1, &r))
        return r;
    struct fpu_num x = unpack(b);
    if (x.cls != CLS_FINITE)
        return b;
    return round_pack(st, FPU_SINGLE, x.neg, x.exp - 52, x.sig);
}

/* The integer conversion targets: the largest magnitudes each sign can
 * reach, and the saturated results. */
static const struct {
    uint64_t max_pos, max_neg;     /* magnitudes */
    uint64_t sat_pos, sat_neg, nan;
    bool sign_extend32;
    bool narrow;
} int_kinds[] = {
    [FPU_INT64] = {INT64_MAX, 1ull << 63, INT64_MAX, 1ull << 63, 1ull << 63, false, false},
    [FPU_UINT64] = {UINT64_MAX, 0, UINT64_MAX, 0, 0, false, false},
    [FPU_INT32] = {INT32_MAX, 1ull << 31, INT32_MAX, 0x80000000u, 0x80000000u, true, true},
    [FPU_UINT32] = {UINT32_MAX, 0, UINT32_MAX, 0, 0, false, true},
};

/* The 64-bit FPR image of a 32-bit or 64-bit conversion result. */
static uint64_t int_result(enum fpu_int_kind kind, uint64_t v)
{
    if (!int_kinds[kind].narrow)
        return v;
    v &= 0xffffffffu;
    return int_kinds[kind].sign_extend32 ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

/* Rounds finite X to an integer magnitude in mode RND; *BIG when it is
 * 2^64 or more. */
static uint64_t round_to_int(struct fpu_num x, int rnd, bool *inexact, bool *inc, bool *big)
{
    *big = false;
    if (x.cls == CLS_ZERO) {
        *inexact = *inc = false;
        return 0;
    }
    if (x.exp >= 64) {
        *big = true;
        *inexact = *inc = false;
        return 0;
    }
    u128 m = shift_round(x.sig, 52 - x.exp, x.neg, rnd, inexact, inc);
    *big = (m >> 64) != 0;
    return (uint64_t)m;
}

uint64_t fpu_fcti(struct fpu_status *st, enum fpu_int_kind kind, bool toward_zero, uint64_t b)
{
    st->flags = 0;
    if (is_nan(b)) {
        st->flags |= FPSCR_VXCVI | (is_snan(b) ? FPSCR_VXSNAN : 0);
        return int_result(kind, int_kinds[kind].nan);
    }
    struct fpu_num x = unpack(b);
    int rnd = toward_zero ? RND_ZERO : (int)(st->ctl & FPSCR_RN);
    bool inexact = false, inc = false, big = x.cls == CLS_INF;
    uint64_t mag = big ? 0 : round_to_int(x, rnd, &inexact, &inc, &big);
    uint64_t limit = x.neg ? int_kinds[kind].max_neg : int_kinds[kind].max_pos;
    if (big || mag > limit) {
        st->flags |= FPSCR_VXCVI;
        return int_result(kind, x.neg ? int_kinds[kind].sat_neg : int_kinds[kind].sat_pos);
    }
    if (inexact)
        st->flags |= FPSCR_XX | FPSCR_FI;
    if (inc)
        st->flags |= FPSCR_FR;
    return int_result(kind, x.neg ? 0 - mag : mag);
}

uint64_t fpu_fcfid(struct fpu_status *st, enum fpu_prec p, bool is_unsigned, uint64_t b)
{
    st->flags = 0;
    bool neg = !is_unsigned && (b & SIGN_BIT);
    uint64_t mag = neg ? 0 - b : b;
    if (mag == 0)
        return 0;
    return round_pack(st, p, neg, 0, mag);
}

static const int rint_modes[] = {
    [FPU_FRIN] = RND_TIES_AWAY,
    [FPU_FRIZ] = RND_ZERO,
    [FPU_FRIP] = RND_UP,
    [FPU_FRIM] = RND_DOWN,
};

uint64_t fpu_round_int(struct fpu_status *st, enum fpu_rint mode, uint64_t b)
{
    uint64_t r;
    st->flags = 0;
    if (pick_nan(st, FPU_DOUBLE, &b, 1, &r))
        return r;
    struct fpu_num x = unpack(b);
    if (x.cls != CLS_FINITE || x.exp >= 52)
        return b;                          /* already an integer */
    bool inexact, inc, big;
    uint64_t mag = round_to_int(x, rint_modes[mode], &inexact, &inc, &big);
    return pack_double(x.neg, mag, 0);
}

unsigned fpu_compare(struct fpu_status *st, bool ordered, uint64_t a, uint64_t b)
{
    st->flags = 0;
    if (is_nan(a) || is_nan(b)) {
        if (is_snan(a) || is_snan(b)) {
            st->flags |= FPSCR_VXSNAN;
            if (ordered && !(st->ctl & FPSCR_VE))
                st->flags |= FPSCR_VXVC;
        } else if (ordered) {
            st->flags |= FPSCR_VXVC;
        }
        return FPU_FU;
    }
    bool an = (a & SIGN_BIT) != 0, bn = (b & SIGN_BIT) != 0;
    uint64_t am = a & ~SIGN_BIT, bm = b & ~SIGN_BIT;
    if ((am == 0 && bm == 0) || a == b)
        return FPU_FE;
    /* Sign-magnitude order: flip the comparison for two negatives. */
    bool less = an != bn ? an : (am < bm) != an;
    return less ? FPU_FL : FPU_FG;
}

/* Estimates drop the rounding flags the ISA leaves undefined. */
static uint64_t estimate_done(struct fpu_status *st, uint64_t r)
{
    st->flags &= ~(FPSCR_XX | FPSCR_FR | FPSCR_FI);
    return r;
}

uint64_t fpu_fre(struct fpu_status *st, enum fpu_prec p, uint64_t b)
{
    return estimate_done(st, fpu_div(st, p, 0x3ff0000000000000ull, b));
}

uint64_t fpu_frsqrte(struct fpu_status *st, enum fpu_prec p, uint64_t b)
{
    uint64_t r;
    st->flags = 0;
    if (pick_nan(st, p, &b, 1, &r))
        return r;
    struct fpu_num x = unpack(b);
    if (x.cls == CLS_ZERO) {
        st->flags |= FPSCR_ZX;
        return signed_inf(x.neg);
    }
    if (x.neg)
        return invalid(st, FPSCR_VXSQRT);
    if (x.cls == CLS_INF)
        return 0;
    uint32_t ctl = st->ctl;
    st->ctl &= ~(FPSCR_RN | FPSCR_OE | FPSCR_UE);   /* an intermediate, never scaled */
    uint64_t root = fpu_sqrt(st, FPU_DOUBLE, b);
    st->ctl = ctl;
    return estimate_done(st, fpu_div(st, p, 0x3ff0000000000000ull, root));
}

unsigned fpu_fprf(uint64_t result, enum fpu_prec p)
{
    struct fpu_num x = unpack(result);
    static const unsigned by_class[][2] = {
        [CLS_ZERO] = {FPRF_POS_ZERO, FPRF_NEG_ZERO},
        [CLS_FINITE] = {FPRF_POS_NORMAL, FPRF_NEG_NORMAL},
        [CLS_INF] = {FPRF_POS_INF, FPRF_NEG_INF},
        [CLS_QNAN] = {FPRF_QNAN, FPRF_QNAN},
        [CLS_SNAN] = {FPRF_QNAN, FPRF_QNAN},
    };
    if (x.cls == CLS_FINITE && x.exp < formats[p].emin)
        return x.neg ? FPRF_NEG_DENORMAL : FPRF_POS_DENORMAL;
    return by_class[x.cls][x.neg];
}

bool fpu_suppressed(const struct fpu_status *st)
{
    return ((st->flags & FPSCR_VX_ALL) && (st->ctl & FPSCR_VE)) ||
           ((st->flags & FPSCR_ZX) && (st->ctl & FPSCR_ZE));
}

uint32_t fpu_fpscr_update(uint32_t fpscr, const struct fpu_status *st, bool set_frfi, int fprf)
{
    const uint32_t sticky = FPSCR_OX | FPSCR_UX | FPSCR_ZX | FPSCR_XX | FPSCR_VX_ALL;
    uint32_t raised = st->flags & sticky;
    if (st->flags & FPSCR_FI)
        raised |= FPSCR_XX;
    if (raised & ~fpscr)
        fpscr |= FPSCR_FX;
    fpscr |= raised;
    if (set_frfi)
        fpscr = (fpscr & ~(FPSCR_FR | FPSCR_FI)) | (st->flags & (FPSCR_FR | FPSCR_FI));
    if (fprf >= 0)
        fpscr = (fpscr & ~FPSCR_FPRF) | ((uint32_t)fprf << FPSCR_FPRF_SHIFT);
    fpscr &= ~(FPSCR_VX | FPSCR_FEX);
    if (fpscr & FPSCR_VX_ALL)
        fpscr |= FPSCR_VX;
    /* Each enable sits 22 bits below its exception bit (VX..XX vs VE..XE). */
    if ((fpscr >> 22) & fpscr & (FPSCR_VE | FPSCR_OE | FPSCR_UE | FPSCR_ZE | FPSCR_XE))
        fpscr |= FPSCR_FEX;
    return fpscr;
}

/* ---- additions for VSX (insn_vsx_fp.c) and ftdiv/ftsqrt ---- */

uint64_t fpu_round_int_rn(struct fpu_status *st, uint64_t b)
{
    uint64_t r;
    st->flags = 0;
    if (pick_nan(st, FPU_DOUBLE, &b, 1, &r))
        return r;
    struct fpu_num x = unpack(b);
    if (x.cls != CLS_FINITE || x.exp >= 52)
        return b;
    bool inexact, inc, big;
    uint64_t mag = round_to_int(x, (int)(st->ctl & FPSCR_RN), &inexact, &inc, &big);
    if (inexact)
        st->flags |= FPSCR_XX | FPSCR_FI;
    if (inc)
        st->flags |= FPSCR_FR;
    return pack_double(x.neg, mag, 0);
}

/* The unbiased exponent the test instructions look at; a denormal counts
 * as its normalised exponent (only "at most the minimum" is asked of it). */
static int test_exp(struct fpu_num x)
{
    return x.exp;
}

/* Thresholds of ftdiv/ftsqrt (double) and xvtdivsp/xvtsqrtsp (single):
 * emin, emax - 2 for the divisor, the exponent-difference bounds, and the
 * smallest dividend/radicand exponent emin + prec - 1. */
unsigned fpu_test_div(enum fpu_prec p, uint64_t a, uint64_t b)
{
    const struct fpu_format *f = &formats[p];
    struct fpu_num x = unpack(a), y = unpack(b);
    bool a_nan = x.cls == CLS_QNAN || x.cls == CLS_SNAN, b_nan = y.cls == CLS_QNAN || y.cls == CLS_SNAN;
    bool fe = false, fg = false;
    bool b_den = y.cls == CLS_FINITE && test_exp(y) < f->emin;
    fg = x.cls == CLS_INF || y.cls == CLS_INF || y.cls == CLS_ZERO || b_den;
    if (fg || a_nan || b_nan) {
        fe = true;
    } else {
        int eb = test_exp(y);
        if (eb <= f->emin || eb >= f->emax - 2)
            fe = true;
        else if (x.cls != CLS_ZERO) {
            int ea = test_exp(x);
            if (ea - eb >= f->emax || ea - eb <= f->emin + 1 || ea <= f->emin + f->prec - 1)
                fe = true;
        }
    }
    return (fg ? FPU_FG : 0) | (fe ? FPU_FE : 0);
}

unsigned fpu_test_sqrt(enum fpu_prec p, uint64_t b)
{
    const struct fpu_format *f = &formats[p];
    struct fpu_num y = unpack(b);
    bool fe = false, fg = false;
    fg = y.cls == CLS_INF || y.cls == CLS_ZERO || (y.cls == CLS_FINITE && test_exp(y) < f->emin);
    if (fg || y.cls == CLS_QNAN || y.cls == CLS_SNAN || y.neg || test_exp(y) <= f->emin + f->prec - 1)
        fe = true;
    return (fg ? FPU_FG : 0) | (fe ? FPU_FE : 0);
}
