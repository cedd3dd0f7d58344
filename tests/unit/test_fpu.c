/*
 * The software floating-point core (emu/cpu/fpu.c) against oracles nobody
 * here wrote:
 *
 * 1. The host's own IEEE arithmetic (x86-64 SSE/FMA, driven through
 *    inline assembly so that the rounding mode is set and the flags read in
 *    the same instruction sequence as the operation, and libm is not
 *    needed): fadd, fsub, fmul, fdiv, fsqrt and fmadd in double precision,
 *    on random and edge-case operands in all four rounding modes, results
 *    bit for bit (NaNs only as "a NaN": the host's NaN rules are not the
 *    ISA's) and the invalid, zero-divide, overflow, underflow and inexact
 *    flags. x86 detects tininess after rounding, the ISA before, so the
 *    underflow flag is not compared when the result is exactly the smallest
 *    normal magnitude: the one case where the two conventions differ.
 *    The conversions frsp, fcfid[s] and fctid[z] are compared the same way
 *    with cvtsd2ss, cvtsi2sd/ss and cvt(t)sd2si (for out-of-range fctid
 *    inputs only the invalid flag: x86 does not saturate).
 * 2. The same for the single-precision forms with operands that are
 *    exactly floats, against the host's float instructions (so there is no
 *    double rounding on either side); hand-worked vectors cover operands
 *    that are not floats, where one rounding and two differ.
 * 3. Hand-worked vectors, each derived from the Power ISA 2.07 text, for
 *    what no host shares: NaN selection, conversions, round-to-integer,
 *    FR/FI, FPRF, compares, enabled overflow/underflow, the estimates.
 */
#include <string.h>

#include "emu/cpu/fpu.h"
#include "tests/tap.h"

/* --- deterministic operands ------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint64_t specials[] = {
    0x0000000000000000ull, 0x8000000000000000ull,   /* +-0 */
    0x7ff0000000000000ull, 0xfff0000000000000ull,   /* +-inf */
    0x7ff8000000000000ull, 0xfff8000000000123ull,   /* QNaNs */
    0x7ff0000000000001ull, 0xfff4000000000000ull,   /* SNaNs */
    0x0000000000000001ull, 0x800fffffffffffffull,   /* denormal extremes */
    0x0010000000000000ull, 0x8010000000000001ull,   /* smallest normals */
    0x7fefffffffffffffull, 0xffeffffffffffffeull,   /* largest finite */
    0x3ff0000000000000ull, 0xbff0000000000001ull,   /* 1, -(1+ulp) */
    0x3fe0000000000000ull, 0x4000000000000000ull,   /* 0.5, 2 */
    0x3fefffffffffffffull, 0x0008000000000000ull,   /* 1-ulp/2, 2^-1023 */
    0x3690000000000000ull, 0x4330000000000000ull,   /* 2^-150, 2^52 */
};

static uint64_t with_exp(uint64_t sign_frac, unsigned e)
{
    return (sign_frac & 0x800fffffffffffffull) | ((uint64_t)e << 52);
}

/* A double from one of several operand classes, weighted to hit the
 * exponent extremes, denormals, short significands (exact products and
 * ties) and specials. */
static uint64_t gen_double(void)
{
    uint64_t r = rng();
    switch (rng() % 9) {
    case 0: return specials[r % (sizeof specials / sizeof specials[0])];
    case 1: return r;
    case 2: return with_exp(r, (unsigned)(1 + rng() % 60));
    case 3: return with_exp(r, (unsigned)(1986 + rng() % 60));
    case 4: return r & 0x800fffffffffffffull;                          /* denormal */
    case 5: return with_exp(r & 0x800ff00000000000ull, (unsigned)(993 + rng() % 60));
    case 6: return with_exp(r | 0x000ffffffffff000ull, (unsigned)(1023 + rng() % 4));
    default: return with_exp(r, (unsigned)(900 + rng() % 250));
    }
}

#define SIGN_MASK_RANDOM 0x8000000000000000ull

/* A second operand near the first: close exponents give cancellation and
 * results on rounding boundaries. */
static uint64_t gen_near(uint64_t a)
{
    int e = (int)((a >> 52) & 0x7ff);
    if (e == 0x7ff || rng() % 3 == 0)
        return gen_double();
    int ne = e - (int)(rng() % 60) + 2;
    if (ne < 0)
        ne = 0;
    if (ne > 0x7fe)
        ne = 0x7fe;
    uint64_t frac = rng() % 4 ? (a ^ (rng() & 0xff)) : (rng() & 0xfff0000000000000ull);
    return with_exp(frac ^ (rng() & SIGN_MASK_RANDOM), (unsigned)ne);
}

/* --- float <-> double bit conversions (exact; integer only) ---------- */

static uint64_t f2d(uint32_t f)
{
    uint64_t sign = (uint64_t)(f >> 31) << 63;
    unsigned e = (f >> 23) & 0xff;
    uint64_t m = f & 0x7fffff;
    if (e == 0xff)
        return sign | 0x7ff0000000000000ull | (m << 29);
    if (e == 0) {
        if (m == 0)
            return sign;
        int shift = 0;
        while (!(m & 0x800000)) {
            m <<= 1;
            shift++;
        }
        return sign | ((uint64_t)(1023 - 126 - shift) << 52) | ((m & 0x7fffff) << 29);
    }
    return sign | ((uint64_t)(e - 127 + 1023) << 52) | (m << 29);
}

static uint32_t gen_float(void)
{
    static const uint32_t fspecials[] = {
        0, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u,
        1, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0x3f800000u, 0x3f7fffffu,
    };
    uint32_t r = (uint32_t)rng();
    switch (rng() % 7) {
    case 0: return fspecials[r % (sizeof fspecials / sizeof fspecials[0])];
    case 1: return r;
    case 2: return (r & 0x807fffffu) | (uint32_t)(1 + rng() % 20) << 23;
    case 3: return (r & 0x807fffffu) | (uint32_t)(234 + rng() % 20) << 23;
    case 4: return r & 0x807fffffu;
    case 5: return (r & 0x807f0000u) | (uint32_t)(110 + rng() % 40) << 23;
    default: return (r & 0x807fffffu) | (uint32_t)(100 + rng() % 60) << 23;
    }
}

static uint64_t d_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static double bits_d(uint64_t u)
{
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static bool isnan_bits(uint64_t u)
{
    return (u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (u & 0x000fffffffffffffull);
}

/* --- the host oracle (x86-64) ---------------------------------------- */

enum hop { H_ADD, H_SUB, H_MUL, H_DIV, H_SQRT, H_FMA };
static const char *const hop_names[] = {"add", "sub", "mul", "div", "sqrt", "madd"};

#if defined(__x86_64__)
#define HAVE_HOST_ORACLE 1

/* MXCSR rounding control for FPSCR[RN] 0..3 (nearest, zero, +inf, -inf). */
static const uint32_t mxcsr_rc[] = {0u << 13, 3u << 13, 2u << 13, 1u << 13};

/* Sets MXCSR (all exceptions masked, flags clear), runs INSN on R (and the
 * other operands), reads MXCSR back and restores the caller's, in one asm
 * statement so nothing can move between them. */
#define HOST_ASM(insn, ...)                                                       \
    __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[ci]\n\t" insn "\n\t"           \
                     "stmxcsr %[co]\n\tldmxcsr %[sv]"                             \
                     : [r] "+x"(r), [co] "=m"(co), [sv] "=m"(sv)                  \
                     : [ci] "m"(ci), __VA_ARGS__)

static double host_double(enum hop op, double a, double b, double c, unsigned rn, uint32_t *exc)
{
    uint32_t ci = 0x1f80u | mxcsr_rc[rn], co = 0, sv;
    double r = a;
    switch (op) {
    case H_ADD: HOST_ASM("addsd %[b], %[r]", [b] "x"(b)); break;
    case H_SUB: HOST_ASM("subsd %[b], %[r]", [b] "x"(b)); break;
    case H_MUL: HOST_ASM("mulsd %[b], %[r]", [b] "x"(b)); break;
    case H_DIV: HOST_ASM("divsd %[b], %[r]", [b] "x"(b)); break;
    case H_SQRT: HOST_ASM("sqrtsd %[b], %[r]", [b] "x"(b)); break;
    case H_FMA: r = b; HOST_ASM("vfmadd231sd %[c], %[a], %[r]", [a] "x"(a), [c] "x"(c)); break;
    }
    *exc = co & 0x3f;
    return r;
}

static float host_float(enum hop op, float a, float b, float c, unsigned rn, uint32_t *exc)
{
    uint32_t ci = 0x1f80u | mxcsr_rc[rn], co = 0, sv;
    float r = a;
    switch (op) {
    case H_ADD: HOST_ASM("addss %[b], %[r]", [b] "x"(b)); break;
    case H_SUB: HOST_ASM("subss %[b], %[r]", [b] "x"(b)); break;
    case H_MUL: HOST_ASM("mulss %[b], %[r]", [b] "x"(b)); break;
    case H_DIV: HOST_ASM("divss %[b], %[r]", [b] "x"(b)); break;
    case H_SQRT: HOST_ASM("sqrtss %[b], %[r]", [b] "x"(b)); break;
    case H_FMA: r = b; HOST_ASM("vfmadd231ss %[c], %[a], %[r]", [a] "x"(a), [c] "x"(c)); break;
    }
    *exc = co & 0x3f;
    return r;
}

/* Conversions: double to float (frsp), int64 to double/float (fcfid,
 * fcfids), double to int64 in the current mode or truncating (fctid,
 * fctidz). */
static uint32_t host_cvt_d2s(double a, unsigned rn, uint32_t *exc)
{
    uint32_t ci = 0x1f80u | mxcsr_rc[rn], co = 0, sv;
    float r = 0;
    HOST_ASM("cvtsd2ss %[a], %[r]", [a] "x"(a));
    *exc = co & 0x3f;
    uint32_t u;
    memcpy(&u, &r, 4);
    return u;
}

static uint64_t host_cvt_i2d(int64_t a, unsigned rn, uint32_t *exc)
{
    uint32_t ci = 0x1f80u | mxcsr_rc[rn], co = 0, sv;
    double r = 0;
    HOST_ASM("cvtsi2sdq %[a], %[r]", [a] "r"(a));
    *exc = co & 0x3f;
    return d_bits(r);
}

static uint32_t host_cvt_i2s(int64_t a, unsigned rn, uint32_t *exc)
{
    uint32_t ci = 0x1f80u | mxcsr_rc[rn], co = 0, sv;
    float r = 0;
    HOST_ASM("cvtsi2ssq %[a], %[r]", [a] "r"(a));
    *exc = co & 0x3f;
    uint32_t u;
    memcpy(&u, &r, 4);
    return u;
}

static int64_t host_cvt_d2i(double a, unsigned rn, bool trunc, uint32_t *exc)
{
    uint32_t ci = 0x1f80u | mxcsr_rc[rn], co = 0, sv;
    int64_t i;
    double r = a;
    /* "=&r": I is written before the final stores, so it must not share a
     * register with their addresses. */
    if (trunc)
        __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[ci]\n\tcvttsd2si %[r], %[i]\n\t"
                         "stmxcsr %[co]\n\tldmxcsr %[sv]"
                         : [i] "=&r"(i), [co] "=m"(co), [sv] "=m"(sv) : [ci] "m"(ci), [r] "x"(r));
    else
        __asm__ volatile("stmxcsr %[sv]\n\tldmxcsr %[ci]\n\tcvtsd2si %[r], %[i]\n\t"
                         "stmxcsr %[co]\n\tldmxcsr %[sv]"
                         : [i] "=&r"(i), [co] "=m"(co), [sv] "=m"(sv) : [ci] "m"(ci), [r] "x"(r));
    *exc = co & 0x3f;
    return i;
}

/* MXCSR flags (IE, ZE, OE, UE, PE; DE ignored) as FPSCR bits. */
static uint32_t host_flags(uint32_t exc)
{
    uint32_t f = 0;
    f |= (exc & 0x01) ? FPSCR_VX : 0;
    f |= (exc & 0x04) ? FPSCR_ZX : 0;
    f |= (exc & 0x08) ? FPSCR_OX : 0;
    f |= (exc & 0x10) ? FPSCR_UX : 0;
    f |= (exc & 0x20) ? FPSCR_XX : 0;
    return f;
}
#else
#define HAVE_HOST_ORACLE 0
#endif

/* Our flags in the host's terms. */
static uint32_t our_flags(uint32_t flags)
{
    uint32_t f = flags & (FPSCR_ZX | FPSCR_OX | FPSCR_UX | FPSCR_XX);
    return f | ((flags & FPSCR_VX_ALL) ? FPSCR_VX : 0);
}

static uint64_t run_ours(enum hop op, enum fpu_prec p, struct fpu_status *st, uint64_t a,
                         uint64_t b, uint64_t c)
{
    switch (op) {
    case H_ADD: return fpu_add(st, p, a, b);
    case H_SUB: return fpu_sub(st, p, a, b);
    case H_MUL: return fpu_mul(st, p, a, b);
    case H_DIV: return fpu_div(st, p, a, b);
    case H_SQRT: return fpu_sqrt(st, p, b);
    case H_FMA: return fpu_madd(st, p, FPU_MADD, a, c, b);
    }
    return 0;
}

/* Compares one case; prints the first few differences. */
static bool agree(const char *what, enum hop op, unsigned rn, uint64_t a, uint64_t b, uint64_t c,
                  uint64_t got, uint32_t gflags, uint64_t want, uint32_t wflags,
                  uint64_t min_normal, unsigned *shown)
{
    bool same = isnan_bits(want) ? isnan_bits(got) : got == want;
    if ((got & 0x7fffffffffffffffull) == min_normal)
        gflags = (gflags & ~FPSCR_UX) | (wflags & FPSCR_UX);   /* tininess convention */
    if (same && gflags == wflags)
        return true;
    if ((*shown)++ < 8)
        tap_diag("%s %s rn=%u a=%016llx b=%016llx c=%016llx: got %016llx flags %08x, "
                 "host %016llx flags %08x", what, hop_names[op], rn, (unsigned long long)a,
                 (unsigned long long)b, (unsigned long long)c, (unsigned long long)got, gflags,
                 (unsigned long long)want, wflags);
    return false;
}

#if HAVE_HOST_ORACLE
static bool inf_or_zero(uint64_t x, bool inf)
{
    return (x & 0x7fffffffffffffffull) == (inf ? 0x7ff0000000000000ull : 0);
}

/* inf * 0 + QNaN: x86 raises no invalid (IEEE 754 leaves it to the
 * implementation); the ISA lists inf * 0 as invalid whatever the addend,
 * so VXIMZ is expected here (and checked by a hand vector). */
static uint32_t imz_nan(enum hop op, uint64_t a, uint64_t b, uint64_t c)
{
    bool imz = (inf_or_zero(a, true) && inf_or_zero(c, false)) ||
               (inf_or_zero(a, false) && inf_or_zero(c, true));
    return op == H_FMA && imz && isnan_bits(b) ? FPSCR_VX : 0;
}

static void oracle_double(enum hop op, unsigned count)
{
    unsigned bad = 0, shown = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned rn = i & 3;
        uint64_t a = gen_double(), b = gen_near(a), c = gen_double();
        if (op == H_FMA && rng() % 2) {
            /* An addend that cancels most of the product. */
            struct fpu_status t = {0, 0};
            c = b;
            b = fpu_mul(&t, FPU_DOUBLE, a, c) ^ 0x8000000000000000ull ^ (rng() % 16);
        }
        if (op == H_SQRT && rng() % 2)
            b &= 0x7fffffffffffffffull;
        struct fpu_status st = {rn, 0};
        uint64_t got = run_ours(op, FPU_DOUBLE, &st, a, b, c);
        uint32_t exc;
        uint64_t want = d_bits(host_double(op, bits_d(a), bits_d(b), bits_d(c), rn, &exc));
        if (!agree("double", op, rn, a, b, c, got, our_flags(st.flags), want,
                   host_flags(exc) | imz_nan(op, a, b, c),
                   0x0010000000000000ull, &shown))
            bad++;
    }
    ok(bad == 0, "f%s: %u random double cases agree with the host (%u differ)",
       hop_names[op], count, bad);
}

static void oracle_single(enum hop op, unsigned count)
{
    unsigned bad = 0, shown = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned rn = i & 3;
        uint32_t fa = gen_float(), fb = rng() % 3 ? gen_float() : fa ^ (uint32_t)(rng() & 0x8000000fu);
        uint32_t fc = gen_float();
        if (op == H_SQRT && rng() % 2)
            fb &= 0x7fffffffu;
        float xa, xb, xc;
        memcpy(&xa, &fa, 4);
        memcpy(&xb, &fb, 4);
        memcpy(&xc, &fc, 4);
        uint64_t a = f2d(fa), b = f2d(fb), c = f2d(fc);
        struct fpu_status st = {rn, 0};
        uint64_t got = run_ours(op, FPU_SINGLE, &st, a, b, c);
        uint32_t exc, wf;
        float w = host_float(op, xa, xb, xc, rn, &exc);
        memcpy(&wf, &w, 4);
        if (!agree("single", op, rn, a, b, c, got, our_flags(st.flags), f2d(wf),
                   host_flags(exc) | imz_nan(op, a, b, c),
                   0x3810000000000000ull, &shown))
            bad++;
    }
    ok(bad == 0, "f%ss: %u random single cases agree with the host (%u differ)",
       hop_names[op], count, bad);
}
#endif

#if HAVE_HOST_ORACLE
static uint64_t gen_int(void)
{
    uint64_t r = rng();
    switch (rng() % 4) {
    case 0: return r;
    case 1: return r >> (rng() % 64);
    case 2: return (uint64_t)-(int64_t)(r >> (rng() % 64));
    default: return r & ~((1ull << (rng() % 40)) - 1);     /* trailing zeros: exact or ties */
    }
}

static void oracle_conversions(unsigned count)
{
    unsigned bad[4] = {0}, shown = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned rn = i & 3;
        uint32_t exc;
        /* frsp */
        uint64_t b = gen_double();
        struct fpu_status st = {rn, 0};
        uint64_t got = fpu_frsp(&st, b);
        uint64_t want = f2d(host_cvt_d2s(bits_d(b), rn, &exc));
        if (!agree("frsp", H_ADD, rn, 0, b, 0, got, our_flags(st.flags), want, host_flags(exc),
                   0x3810000000000000ull, &shown))
            bad[0]++;
        /* fcfid, fcfids */
        uint64_t n = gen_int();
        got = fpu_fcfid(&st, FPU_DOUBLE, false, n);
        want = host_cvt_i2d((int64_t)n, rn, &exc);
        if (got != want || our_flags(st.flags) != host_flags(exc))
            bad[1]++;
        got = fpu_fcfid(&st, FPU_SINGLE, false, n);
        want = f2d(host_cvt_i2s((int64_t)n, rn, &exc));
        if (got != want || our_flags(st.flags) != host_flags(exc))
            bad[2]++;
        /* fctid, fctidz: x86 gives 0x8000000000000000 and invalid for
         * everything out of range, so only the invalid flag is compared
         * there; in range, the value and the inexact flag. */
        b = rng() % 2 ? gen_double() : with_exp(rng(), (unsigned)(1023 + rng() % 66));
        for (int z = 0; z < 2; z++) {
            got = fpu_fcti(&st, FPU_INT64, z, b);
            want = (uint64_t)host_cvt_d2i(bits_d(b), rn, z, &exc);
            bool cvi = (st.flags & FPSCR_VXCVI) != 0;
            if (cvi != ((exc & 1) != 0) || (!cvi && (got != want || our_flags(st.flags) != host_flags(exc))))
                bad[3]++;
        }
    }
    ok(bad[0] == 0, "frsp: %u random cases agree with the host's cvtsd2ss (%u differ)", count, bad[0]);
    ok(bad[1] == 0, "fcfid: %u random cases agree with the host's cvtsi2sd (%u differ)", count, bad[1]);
    ok(bad[2] == 0, "fcfids: %u random cases agree with the host's cvtsi2ss (%u differ)", count, bad[2]);
    ok(bad[3] == 0, "fctid/fctidz: %u random cases agree with the host's cvt(t)sd2si (%u differ)",
       count, bad[3]);
}
#endif

static void test_host_oracle(void)
{
#if HAVE_HOST_ORACLE
    oracle_conversions(200000);
    bool fma = __builtin_cpu_supports("fma");
    for (enum hop op = H_ADD; op <= H_FMA; op++) {
        if (op == H_FMA && !fma) {
            tap_diag("host has no FMA: fmadd not compared with it");
            continue;
        }
        oracle_double(op, 400000);
        oracle_single(op, 200000);
    }
#else
    tap_diag("not an x86-64 host: the host-arithmetic oracle is skipped");
#endif
}

/* --- hand-worked vectors --------------------------------------------- */

#define ONE 0x3ff0000000000000ull
#define TWO 0x4000000000000000ull
#define HALF 0x3fe0000000000000ull
#define PZERO 0x0000000000000000ull
#define NZERO 0x8000000000000000ull
#define PINF 0x7ff0000000000000ull
#define NINF 0xfff0000000000000ull
#define QNAN_A 0x7ff800000000000aull
#define QNAN_B 0xfff800000000000bull
#define QNAN_C 0x7ff800000000000cull
#define SNAN_B 0x7ff000000000000bull
#define DQNAN FPU_DEFAULT_QNAN

/* 2^e as a double (normal range). */
static uint64_t p2(int e)
{
    return (uint64_t)(e + 1023) << 52;
}

static struct fpu_status st_rn(unsigned ctl)
{
    struct fpu_status st = {ctl, 0xdeadbeef};   /* flags must be rewritten */
    return st;
}

static void check(uint64_t got, uint32_t flags, uint64_t want, uint32_t want_flags,
                  const char *what)
{
    bool pass = got == want && flags == want_flags;
    ok(pass, "%s", what);
    if (!pass)
        tap_diag("   got %016llx flags %08x, want %016llx flags %08x", (unsigned long long)got,
                 flags, (unsigned long long)want, want_flags);
}

#define CHECK(ctl, expr, want, want_flags, what)                                   \
    do {                                                                           \
        struct fpu_status st = st_rn(ctl);                                         \
        uint64_t got_ = (expr);                                                    \
        check(got_, st.flags, (want), (want_flags), what);                         \
    } while (0)

#define XF (FPSCR_XX | FPSCR_FI)
#define XFR (FPSCR_XX | FPSCR_FI | FPSCR_FR)

static void test_nan_rules(void)
{
    CHECK(0, fpu_add(&st, FPU_DOUBLE, QNAN_A, QNAN_B), QNAN_A, 0, "fadd: FRA's NaN first");
    CHECK(0, fpu_add(&st, FPU_DOUBLE, ONE, SNAN_B), SNAN_B | (1ull << 51), FPSCR_VXSNAN,
          "fadd: an SNaN is quieted, VXSNAN");
    CHECK(0, fpu_add(&st, FPU_DOUBLE, QNAN_A, SNAN_B), QNAN_A, FPSCR_VXSNAN,
          "fadd: QNaN in A wins over SNaN in B, still VXSNAN");
    CHECK(0, fpu_sub(&st, FPU_DOUBLE, ONE, QNAN_B), QNAN_B, 0, "fsub: a NaN in B is not negated");
    CHECK(0, fpu_mul(&st, FPU_DOUBLE, ONE, QNAN_C), QNAN_C, 0, "fmul: FRC's NaN");
    CHECK(0, fpu_div(&st, FPU_DOUBLE, QNAN_A, QNAN_B), QNAN_A, 0, "fdiv: FRA's NaN first");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, ONE, QNAN_C, QNAN_B), QNAN_B, 0,
          "fmadd: FRB's NaN before FRC's (order A, B, C)");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, QNAN_A, QNAN_C, QNAN_B), QNAN_A, 0,
          "fmadd: FRA's NaN first");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, ONE, SNAN_B, ONE), SNAN_B | (1ull << 51),
          FPSCR_VXSNAN, "fmadd: FRC's SNaN quieted");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_NMADD, ONE, ONE, QNAN_B), QNAN_B, 0,
          "fnmadd: a NaN result is not negated");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_NMSUB, QNAN_A, ONE, ONE), QNAN_A, 0,
          "fnmsub: a NaN result is not negated");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, PINF, PZERO, QNAN_B), QNAN_B, FPSCR_VXIMZ,
          "fmadd: inf * 0 + QNaN gives the NaN and VXIMZ");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, PINF, PZERO, ONE), DQNAN, FPSCR_VXIMZ,
          "fmadd: inf * 0 + 1 gives the default QNaN");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MSUB, PINF, ONE, PINF), DQNAN, FPSCR_VXISI,
          "fmsub: inf - inf is VXISI");
    CHECK(0, fpu_sub(&st, FPU_DOUBLE, PINF, PINF), DQNAN, FPSCR_VXISI, "fsub: inf - inf");
    CHECK(0, fpu_mul(&st, FPU_DOUBLE, NZERO, NINF), DQNAN, FPSCR_VXIMZ, "fmul: 0 * inf");
    CHECK(0, fpu_div(&st, FPU_DOUBLE, PINF, NINF), DQNAN, FPSCR_VXIDI, "fdiv: inf / inf");
    CHECK(0, fpu_div(&st, FPU_DOUBLE, PZERO, NZERO), DQNAN, FPSCR_VXZDZ, "fdiv: 0 / 0");
    CHECK(0, fpu_div(&st, FPU_DOUBLE, ONE | NZERO, PZERO), NINF, FPSCR_ZX, "fdiv: -1 / 0 is -inf, ZX");
    CHECK(0, fpu_div(&st, FPU_DOUBLE, PINF, PZERO), PINF, 0, "fdiv: inf / 0 is inf, no ZX");
    CHECK(0, fpu_sqrt(&st, FPU_DOUBLE, ONE | NZERO), DQNAN, FPSCR_VXSQRT, "fsqrt: -1");
    CHECK(0, fpu_sqrt(&st, FPU_DOUBLE, NINF), DQNAN, FPSCR_VXSQRT, "fsqrt: -inf");
    CHECK(0, fpu_sqrt(&st, FPU_DOUBLE, NZERO), NZERO, 0, "fsqrt: -0 is -0");
    CHECK(0, fpu_add(&st, FPU_SINGLE, 0x7ff80000ffffffffull, ONE), 0x7ff80000e0000000ull, 0,
          "fadds: a NaN keeps only single's fraction bits");
    CHECK(0, fpu_frsp(&st, 0xfff0000000000001ull), 0xfff8000000000000ull, FPSCR_VXSNAN,
          "frsp: SNaN truncated and quieted (FRB[0:34] || 29 zeros)");
    CHECK(0, fpu_frsp(&st, 0x7ff123456789abcdull), 0x7ff9234560000000ull, FPSCR_VXSNAN,
          "frsp: SNaN payload truncated");
}

static void test_rounding_flags(void)
{
    uint64_t one_ulp = ONE + 1;
    CHECK(0, fpu_add(&st, FPU_DOUBLE, ONE, p2(-53)), ONE, XF, "fadd: a tie rounds to even, FI not FR");
    CHECK(0, fpu_add(&st, FPU_DOUBLE, one_ulp, p2(-53)), ONE + 2, XFR, "fadd: a tie rounds up to even, FR");
    CHECK(0, fpu_add(&st, FPU_DOUBLE, ONE, p2(-53) + 1), one_ulp, XFR, "fadd: above half rounds up");
    CHECK(0, fpu_add(&st, FPU_DOUBLE, ONE, ONE), TWO, 0, "fadd: exact, no FR/FI");
    CHECK(1, fpu_add(&st, FPU_DOUBLE, ONE, p2(-60)), ONE, XF, "fadd RZ: truncates");
    CHECK(2, fpu_add(&st, FPU_DOUBLE, ONE, p2(-60)), one_ulp, XFR, "fadd RP: rounds up");
    CHECK(3, fpu_add(&st, FPU_DOUBLE, ONE | NZERO, p2(-60) | NZERO), one_ulp | NZERO, XFR,
          "fadd RM: negative rounds away");
    CHECK(0, fpu_sub(&st, FPU_DOUBLE, ONE, ONE), PZERO, 0, "fsub: x - x is +0");
    CHECK(3, fpu_sub(&st, FPU_DOUBLE, ONE, ONE), NZERO, 0, "fsub RM: x - x is -0");
    CHECK(0, fpu_add(&st, FPU_DOUBLE, NZERO, NZERO), NZERO, 0, "fadd: -0 + -0 is -0");
    CHECK(0, fpu_add(&st, FPU_DOUBLE, PZERO, NZERO), PZERO, 0, "fadd: +0 + -0 is +0");
    /* Overflow and underflow, disabled. */
    CHECK(0, fpu_mul(&st, FPU_DOUBLE, p2(1000), p2(100)), PINF, FPSCR_OX | XFR, "fmul: overflow to inf");
    CHECK(1, fpu_mul(&st, FPU_DOUBLE, p2(1000), p2(100)), 0x7fefffffffffffffull, FPSCR_OX | XF,
          "fmul RZ: overflow to the largest finite");
    CHECK(2, fpu_mul(&st, FPU_DOUBLE, p2(1000) | NZERO, p2(100)), 0xffefffffffffffffull, FPSCR_OX | XF,
          "fmul RP: negative overflow to -largest");
    CHECK(0, fpu_mul(&st, FPU_DOUBLE, p2(-1000), p2(-74)), 1, 0, "fmul: exact denormal, no UX");
    CHECK(0, fpu_mul(&st, FPU_DOUBLE, p2(-1000), p2(-75)), 0, FPSCR_UX | XF,
          "fmul: half the smallest denormal rounds to even 0, UX");
    CHECK(2, fpu_mul(&st, FPU_DOUBLE, p2(-1000), p2(-100)), 1, FPSCR_UX | XFR,
          "fmul RP: tiny rounds up to the smallest denormal");
    /* Tiny before rounding even though it rounds to the smallest normal. */
    CHECK(2, fpu_mul(&st, FPU_DOUBLE, 0x3fefffffffffffffull, 0x0010000000000001ull),
          0x0010000000000001ull, XFR, "fmul RP: 1-2^-53 times just-above-min-normal is not tiny");
    CHECK(0, fpu_mul(&st, FPU_DOUBLE, 0x3fefffffffffffffull, 0x0010000000000000ull),
          0x0010000000000000ull, FPSCR_UX | XFR,
          "fmul: tiny before rounding, rounds to min normal: UX (ISA detects before rounding)");
    /* Enabled overflow and underflow: scaled results. */
    CHECK(FPSCR_OE, fpu_mul(&st, FPU_DOUBLE, p2(1000), p2(100)), p2(1100 - 1536), FPSCR_OX,
          "fmul OE=1: exponent lowered by 1536");
    CHECK(FPSCR_UE, fpu_mul(&st, FPU_DOUBLE, p2(-1000), p2(-100)), p2(-1100 + 1536), FPSCR_UX,
          "fmul UE=1: exact tiny result still UX, exponent raised by 1536");
    CHECK(FPSCR_UE, fpu_mul(&st, FPU_DOUBLE, p2(-1000), p2(-74)), p2(-1074 + 1536), FPSCR_UX,
          "fmul UE=1: a representable denormal is still scaled");
    CHECK(FPSCR_OE, fpu_frsp(&st, p2(128)), p2(128 - 192), FPSCR_OX, "frsp OE=1: exponent lowered by 192");
    CHECK(FPSCR_UE, fpu_frsp(&st, p2(-130)), p2(-130 + 192), FPSCR_UX, "frsp UE=1: exponent raised by 192");
    /* Single precision: one rounding, not two. */
    CHECK(0, fpu_add(&st, FPU_SINGLE, ONE + (1ull << 28), p2(-80)), ONE + (1ull << 29), XFR,
          "fadds: 1+2^-24 + 2^-80 rounds once, up (twice would give 1)");
    CHECK(0, fpu_madd(&st, FPU_SINGLE, FPU_MADD, ONE + (1ull << 40), ONE + (1ull << 40), PZERO),
          ONE + (1ull << 41), XF, "fmadds: 1+2^-11+2^-24 ties to even");
    CHECK(0, fpu_madd(&st, FPU_SINGLE, FPU_MADD, ONE + (1ull << 40), ONE + (1ull << 40), p2(-60)),
          ONE + (1ull << 41) + (1ull << 29), XFR, "fmadds: just above the tie rounds up");
    CHECK(0, fpu_frsp(&st, ONE + (1ull << 28)), ONE, XF, "frsp: tie to even");
    CHECK(0, fpu_frsp(&st, ONE + (1ull << 28) + 1), ONE + (1ull << 29), XFR, "frsp: above the tie");
    CHECK(0, fpu_frsp(&st, 0x7fefffffffffffffull), PINF, FPSCR_OX | XFR, "frsp: overflow");
    CHECK(1, fpu_frsp(&st, 0x7fefffffffffffffull), 0x47efffffe0000000ull, FPSCR_OX | XF,
          "frsp RZ: overflow to single's largest");
    CHECK(0, fpu_frsp(&st, p2(-150)), PZERO, FPSCR_UX | XF, "frsp: 2^-150 ties to 0");
    CHECK(0, fpu_frsp(&st, p2(-150) + 1), p2(-149), FPSCR_UX | XFR, "frsp: above 2^-150 rounds up");
    CHECK(0, fpu_frsp(&st, p2(-149)), p2(-149), 0, "frsp: single's smallest denormal is exact");
    CHECK(0, fpu_frsp(&st, 1), 0, FPSCR_UX | XF, "frsp: a double denormal underflows to 0");
    CHECK(0, fpu_mul(&st, FPU_SINGLE, p2(100), p2(100)), PINF, FPSCR_OX | XFR, "fmuls: overflow at single's range");
    /* fnm*: the rounding happens before the negation. */
    CHECK(2, fpu_madd(&st, FPU_DOUBLE, FPU_NMADD, ONE, ONE, p2(-60)), (ONE + 1) | NZERO, XFR,
          "fnmadd RP: the sum rounds up, then is negated");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MSUB, ONE, ONE, ONE), PZERO, 0, "fmsub: 1*1-1 is +0");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_NMSUB, ONE, ONE, ONE), NZERO, 0, "fnmsub: -(1*1-1) is -0");
    CHECK(0, fpu_madd(&st, FPU_DOUBLE, FPU_MADD, 1, HALF, PZERO), 0, FPSCR_UX | XF,
          "fmadd: tiny product plus +0 ties to 0");
}

static void test_conversions(void)
{
    const uint64_t min64 = 1ull << 63, max64 = INT64_MAX;
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, QNAN_A), min64, FPSCR_VXCVI, "fctid: NaN");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, SNAN_B), min64, FPSCR_VXCVI | FPSCR_VXSNAN, "fctid: SNaN");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, PINF), max64, FPSCR_VXCVI, "fctid: +inf saturates");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, NINF), min64, FPSCR_VXCVI, "fctid: -inf saturates");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, p2(63)), max64, FPSCR_VXCVI, "fctid: 2^63 saturates");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, p2(63) | NZERO), min64, 0, "fctid: -2^63 fits");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, 0x43dfffffffffffffull), 0x7ffffffffffffc00ull, 0,
          "fctid: the largest double below 2^63");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, NZERO), 0, 0, "fctid: -0 is 0");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, 0x4004000000000000ull), 2, XF, "fctid: 2.5 ties to 2");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, 0x400c000000000000ull), 4, XFR, "fctid: 3.5 ties to 4, FR");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, 0xc004000000000000ull), (uint64_t)-2, XF, "fctid: -2.5 is -2");
    CHECK(2, fpu_fcti(&st, FPU_INT64, false, 0x4000cccccccccccdull), 3, XFR, "fctid RP: 2.1 is 3");
    CHECK(3, fpu_fcti(&st, FPU_INT64, false, 0xc000cccccccccccdull), (uint64_t)-3, XFR, "fctid RM: -2.1 is -3");
    CHECK(0, fpu_fcti(&st, FPU_INT64, true, 0xc005999999999999ull), (uint64_t)-2, XF, "fctidz: -2.7 is -2");
    CHECK(0, fpu_fcti(&st, FPU_INT64, false, 1), 0, XF, "fctid: a denormal is 0, inexact");
    CHECK(2, fpu_fcti(&st, FPU_INT64, false, 1), 1, XFR, "fctid RP: a denormal is 1");
    CHECK(0, fpu_fcti(&st, FPU_UINT64, false, QNAN_A), 0, FPSCR_VXCVI, "fctidu: NaN is 0");
    CHECK(0, fpu_fcti(&st, FPU_UINT64, false, ONE | NZERO), 0, FPSCR_VXCVI, "fctidu: -1 saturates to 0");
    CHECK(0, fpu_fcti(&st, FPU_UINT64, false, 0xbfd3333333333333ull), 0, XF, "fctidu: -0.3 rounds to 0, no VXCVI");
    CHECK(0, fpu_fcti(&st, FPU_UINT64, false, p2(64)), UINT64_MAX, FPSCR_VXCVI, "fctidu: 2^64 saturates");
    CHECK(0, fpu_fcti(&st, FPU_UINT64, false, 0x43efffffffffffffull), 0xfffffffffffff800ull, 0,
          "fctidu: the largest double below 2^64");
    CHECK(0, fpu_fcti(&st, FPU_UINT64, true, 0x4005999999999999ull), 2, XF, "fctiduz: 2.7 is 2");
    CHECK(0, fpu_fcti(&st, FPU_INT32, false, QNAN_A), 0xffffffff80000000ull, FPSCR_VXCVI,
          "fctiw: NaN is 0x80000000 in the low word");
    CHECK(0, fpu_fcti(&st, FPU_INT32, false, 0x41e65a0bc0000000ull), 0x7fffffff, FPSCR_VXCVI,
          "fctiw: 3e9 saturates");
    CHECK(0, fpu_fcti(&st, FPU_INT32, false, 0xc1e65a0bc0000000ull), 0xffffffff80000000ull, FPSCR_VXCVI,
          "fctiw: -3e9 saturates");
    CHECK(0, fpu_fcti(&st, FPU_INT32, false, ONE | NZERO), UINT64_MAX, 0, "fctiw: -1");
    CHECK(0, fpu_fcti(&st, FPU_INT32, false, 0x41dfffffffe00000ull), 0x7fffffff, FPSCR_VXCVI,
          "fctiw: 2147483647.5 rounds to 2^31: saturates");
    CHECK(0, fpu_fcti(&st, FPU_INT32, true, 0x41dfffffffe00000ull), 0x7fffffff, XF,
          "fctiwz: 2147483647.5 truncates, fits");
    CHECK(0, fpu_fcti(&st, FPU_INT32, false, 0xc1e0000000000000ull), 0xffffffff80000000ull, 0,
          "fctiw: -2^31 fits");
    CHECK(0, fpu_fcti(&st, FPU_UINT32, false, 0x41efffffffe00000ull), 0xffffffff, 0,
          "fctiwu: 2^32-1");
    CHECK(0, fpu_fcti(&st, FPU_UINT32, false, p2(32)), 0xffffffff, FPSCR_VXCVI, "fctiwu: 2^32 saturates");
    CHECK(0, fpu_fcti(&st, FPU_UINT32, false, ONE | NZERO), 0, FPSCR_VXCVI, "fctiwu: -1 saturates to 0");
    CHECK(0, fpu_fcti(&st, FPU_UINT32, false, QNAN_A), 0, FPSCR_VXCVI, "fctiwu: NaN is 0");
    CHECK(0, fpu_fcti(&st, FPU_UINT32, true, 0x400c000000000000ull), 3, XF, "fctiwuz: 3.5 is 3");

    CHECK(0, fpu_fcfid(&st, FPU_DOUBLE, false, (1ull << 53) + 1), p2(53), XF, "fcfid: 2^53+1 ties to even");
    CHECK(0, fpu_fcfid(&st, FPU_DOUBLE, false, (1ull << 53) + 3), p2(53) + 2, XFR, "fcfid: 2^53+3 ties up");
    CHECK(0, fpu_fcfid(&st, FPU_DOUBLE, false, UINT64_MAX), ONE | NZERO, 0, "fcfid: -1");
    CHECK(0, fpu_fcfid(&st, FPU_DOUBLE, false, 1ull << 63), p2(63) | NZERO, 0, "fcfid: -2^63");
    CHECK(0, fpu_fcfid(&st, FPU_DOUBLE, false, 0), PZERO, 0, "fcfid: 0 is +0");
    CHECK(0, fpu_fcfid(&st, FPU_DOUBLE, true, UINT64_MAX), p2(64), XFR, "fcfidu: 2^64-1 rounds to 2^64");
    CHECK(1, fpu_fcfid(&st, FPU_DOUBLE, true, UINT64_MAX), 0x43efffffffffffffull, XF, "fcfidu RZ: truncates");
    CHECK(0, fpu_fcfid(&st, FPU_SINGLE, false, 0x1000001), p2(24), XF, "fcfids: 2^24+1 ties to even");
    CHECK(0, fpu_fcfid(&st, FPU_SINGLE, false, 0x1000003), p2(24) + (4ull << 28), XFR, "fcfids: 2^24+3 ties up");
    CHECK(0, fpu_fcfid(&st, FPU_SINGLE, false, (uint64_t)-3), 0xc008000000000000ull, 0, "fcfids: -3");
    CHECK(0, fpu_fcfid(&st, FPU_SINGLE, true, UINT64_MAX), p2(64), XFR, "fcfidus: 2^64-1");
    CHECK(0, fpu_fcfid(&st, FPU_SINGLE, false, 0x20000020000001ull), 0x4340000020000000ull, XFR,
          "fcfids: rounds once to single (2^53+2^29+1 -> above the tie)");
}

static void test_round_int(void)
{
    CHECK(0, fpu_round_int(&st, FPU_FRIN, 0x4004000000000000ull), 0x4008000000000000ull, 0, "frin: 2.5 is 3");
    CHECK(0, fpu_round_int(&st, FPU_FRIN, 0xc004000000000000ull), 0xc008000000000000ull, 0, "frin: -2.5 is -3");
    CHECK(0, fpu_round_int(&st, FPU_FRIN, HALF), ONE, 0, "frin: 0.5 is 1");
    CHECK(0, fpu_round_int(&st, FPU_FRIN, 0x3fdfffffffffffffull), PZERO, 0, "frin: just below 0.5 is 0");
    CHECK(0, fpu_round_int(&st, FPU_FRIN, 0x4330000000000001ull), 0x4330000000000001ull, 0,
          "frin: 2^52+1 is already an integer");
    CHECK(0, fpu_round_int(&st, FPU_FRIZ, 0xbfe6666666666666ull), NZERO, 0, "friz: -0.7 is -0");
    CHECK(0, fpu_round_int(&st, FPU_FRIP, 0xbfe0000000000000ull), NZERO, 0, "frip: -0.5 is -0");
    CHECK(0, fpu_round_int(&st, FPU_FRIP, 0x3fb999999999999aull), ONE, 0, "frip: 0.1 is 1");
    CHECK(0, fpu_round_int(&st, FPU_FRIM, 0xbfb999999999999aull), ONE | NZERO, 0, "frim: -0.1 is -1");
    CHECK(0, fpu_round_int(&st, FPU_FRIM, 0x3fb999999999999aull), PZERO, 0, "frim: 0.1 is +0");
    CHECK(0, fpu_round_int(&st, FPU_FRIM, 1 | NZERO), ONE | NZERO, 0, "frim: -denormal is -1");
    CHECK(0, fpu_round_int(&st, FPU_FRIN, SNAN_B), SNAN_B | (1ull << 51), FPSCR_VXSNAN, "frin: SNaN");
    CHECK(0, fpu_round_int(&st, FPU_FRIZ, NINF), NINF, 0, "friz: -inf");
    CHECK(3, fpu_round_int(&st, FPU_FRIN, 0x3ff8000000000000ull), TWO, 0, "frin: ignores RN (1.5 is 2 under RM)");
}

static void test_compare(void)
{
    static const struct {
        bool ordered;
        uint32_t ctl;
        uint64_t a, b;
        unsigned code;
        uint32_t flags;
        const char *what;
    } cases[] = {
        {false, 0, ONE, TWO, FPU_FL, 0, "fcmpu 1 < 2"},
        {false, 0, TWO, ONE, FPU_FG, 0, "fcmpu 2 > 1"},
        {false, 0, PZERO, NZERO, FPU_FE, 0, "fcmpu +0 = -0"},
        {false, 0, NINF, ONE | NZERO, FPU_FL, 0, "fcmpu -inf < -1"},
        {false, 0, ONE | NZERO, TWO | NZERO, FPU_FG, 0, "fcmpu -1 > -2"},
        {false, 0, ONE | NZERO, ONE, FPU_FL, 0, "fcmpu -1 < 1"},
        {false, 0, 1, PZERO, FPU_FG, 0, "fcmpu denormal > 0"},
        {false, 0, PINF, PINF, FPU_FE, 0, "fcmpu inf = inf"},
        {false, 0, QNAN_A, ONE, FPU_FU, 0, "fcmpu QNaN: unordered, no exception"},
        {false, 0, ONE, SNAN_B, FPU_FU, FPSCR_VXSNAN, "fcmpu SNaN: VXSNAN only"},
        {true, 0, QNAN_A, ONE, FPU_FU, FPSCR_VXVC, "fcmpo QNaN: VXVC"},
        {true, 0, SNAN_B, ONE, FPU_FU, FPSCR_VXSNAN | FPSCR_VXVC, "fcmpo SNaN, VE=0: VXSNAN and VXVC"},
        {true, FPSCR_VE, SNAN_B, ONE, FPU_FU, FPSCR_VXSNAN, "fcmpo SNaN, VE=1: VXSNAN only"},
        {true, 0, ONE, TWO, FPU_FL, 0, "fcmpo 1 < 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fpu_status st = st_rn(cases[i].ctl);
        unsigned code = fpu_compare(&st, cases[i].ordered, cases[i].a, cases[i].b);
        check(code, st.flags, cases[i].code, cases[i].flags, cases[i].what);
    }
}

static void test_fprf(void)
{
    static const struct {
        uint64_t v;
        enum fpu_prec p;
        unsigned code;
    } cases[] = {
        {QNAN_A, FPU_DOUBLE, FPRF_QNAN}, {NINF, FPU_DOUBLE, FPRF_NEG_INF},
        {ONE | NZERO, FPU_DOUBLE, FPRF_NEG_NORMAL}, {1 | NZERO, FPU_DOUBLE, FPRF_NEG_DENORMAL},
        {NZERO, FPU_DOUBLE, FPRF_NEG_ZERO}, {PZERO, FPU_DOUBLE, FPRF_POS_ZERO},
        {0x000fffffffffffffull, FPU_DOUBLE, FPRF_POS_DENORMAL}, {0x0010000000000000ull, FPU_DOUBLE, FPRF_POS_NORMAL},
        {PINF, FPU_DOUBLE, FPRF_POS_INF}, {0x37d0000000000000ull, FPU_DOUBLE, FPRF_POS_NORMAL},
        {0x37d0000000000000ull, FPU_SINGLE, FPRF_POS_DENORMAL}, {0xb7d0000000000000ull, FPU_SINGLE, FPRF_NEG_DENORMAL},
        {0x3810000000000000ull, FPU_SINGLE, FPRF_POS_NORMAL}, {PINF, FPU_SINGLE, FPRF_POS_INF},
    };
    unsigned bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned got = fpu_fprf(cases[i].v, cases[i].p);
        if (got != cases[i].code) {
            bad++;
            tap_diag("fprf(%016llx, %s) = %02x, want %02x", (unsigned long long)cases[i].v,
                     cases[i].p == FPU_SINGLE ? "single" : "double", got, cases[i].code);
        }
    }
    ok(bad == 0, "FPRF codes for every class, double and single");
    is_u64(FPRF_QNAN, 0x11, "FPRF QNaN is C|FU");
    is_u64(FPRF_NEG_DENORMAL, 0x18, "FPRF -denormal is C|FL");
}

/* fre/frsqrte: specials exactly, the rest within the ISA's 2^-14 bound
 * (the test's host division is the reference; it may use host FP). */
static void test_estimates(void)
{
    CHECK(0, fpu_fre(&st, FPU_DOUBLE, TWO), HALF, 0, "fre: 2 gives 0.5");
    CHECK(0, fpu_fre(&st, FPU_DOUBLE, NZERO), NINF, FPSCR_ZX, "fre: -0 gives -inf, ZX");
    CHECK(0, fpu_fre(&st, FPU_DOUBLE, NINF), NZERO, 0, "fre: -inf gives -0");
    CHECK(0, fpu_fre(&st, FPU_DOUBLE, SNAN_B), SNAN_B | (1ull << 51), FPSCR_VXSNAN, "fre: SNaN");
    CHECK(0, fpu_fre(&st, FPU_DOUBLE, 1), PINF, FPSCR_OX, "fre: 1/denormal overflows (XX undefined: left clear)");
    CHECK(0, fpu_fre(&st, FPU_SINGLE, p2(-129)), PINF, FPSCR_OX, "fres: overflows at single's range");
    CHECK(0, fpu_frsqrte(&st, FPU_DOUBLE, 0x4010000000000000ull), HALF, 0, "frsqrte: 4 gives 0.5");
    CHECK(0, fpu_frsqrte(&st, FPU_DOUBLE, ONE | NZERO), DQNAN, FPSCR_VXSQRT, "frsqrte: -1 is VXSQRT");
    CHECK(0, fpu_frsqrte(&st, FPU_DOUBLE, NZERO), NINF, FPSCR_ZX, "frsqrte: -0 gives -inf, ZX");
    CHECK(0, fpu_frsqrte(&st, FPU_DOUBLE, PINF), PZERO, 0, "frsqrte: +inf gives +0");
    CHECK(0, fpu_frsqrte(&st, FPU_SINGLE, QNAN_A), QNAN_A & ~((1ull << 29) - 1), 0, "frsqrtes: QNaN");
    unsigned bad = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t b = with_exp(rng(), (unsigned)(903 + rng() % 240)) & 0x7fffffffffffffffull;
        struct fpu_status st = {0, 0};
        double x = bits_d(b);
        double re = bits_d(fpu_fre(&st, FPU_DOUBLE, b)), want = 1.0 / x;
        double rs = bits_d(fpu_frsqrte(&st, FPU_SINGLE, b)), wants = want;
        /* 1/sqrt(x) by the host's division and one Newton step from our
         * value: only the error bound matters here. */
        wants = rs * (1.5 - 0.5 * x * rs * rs);
        double e1 = (re - want) / want, e2 = (rs - wants) / wants;
        if (e1 > 0x1p-14 || e1 < -0x1p-14 || e2 > 0x1p-14 || e2 < -0x1p-14 || re != re || rs != rs)
            bad++;
    }
    ok(bad == 0, "fre and frsqrtes: 20000 random values within 2^-14 relative (%u outside)", bad);
}

static void test_fpscr(void)
{
    struct fpu_status st = {0, FPSCR_OX | FPSCR_XX | FPSCR_FI | FPSCR_FR};
    uint32_t f = fpu_fpscr_update(0, &st, true, FPRF_POS_INF);
    is_u64(f, FPSCR_FX | FPSCR_OX | FPSCR_XX | FPSCR_FI | FPSCR_FR | (FPRF_POS_INF << FPSCR_FPRF_SHIFT),
           "fpscr: overflow sets FX, OX, XX, FR, FI, FPRF");
    st.flags = FPSCR_XX;
    f = fpu_fpscr_update(FPSCR_XX | FPSCR_FI, &st, true, -1);
    is_u64(f, FPSCR_XX, "fpscr: no new exception, no FX; FI replaced; FPRF kept");
    st.ctl = FPSCR_VE;
    st.flags = FPSCR_VXSNAN;
    f = fpu_fpscr_update(FPSCR_VE, &st, false, -1);
    is_u64(f, FPSCR_VE | FPSCR_FX | FPSCR_FEX | FPSCR_VX | FPSCR_VXSNAN, "fpscr: enabled VX sets VX and FEX");
    ok(fpu_suppressed(&st), "VE=1 and VXSNAN: FRT is left unchanged");
    st.ctl = 0;
    ok(!fpu_suppressed(&st), "VE=0: the default QNaN is written");
    st.ctl = FPSCR_ZE;
    st.flags = FPSCR_ZX;
    ok(fpu_suppressed(&st), "ZE=1 and ZX: FRT is left unchanged");
}

int main(void)
{
    test_nan_rules();
    test_rounding_flags();
    test_conversions();
    test_round_int();
    test_compare();
    test_fprf();
    test_estimates();
    test_fpscr();
    test_host_oracle();
    return tap_done();
}
