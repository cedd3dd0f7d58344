/*
 * Handlers for insn_vmx_int.def, the element-wise VMX integer families
 * (Power ISA 2.07 Book I 6.9.1-6.9.4): add/subtract (modulo, carry out,
 * saturating, quadword), multiply, multiply-add/-sum, sums across,
 * average, max/min, compares, logical, rotates and shifts, and the
 * whole-register shifts vsl/vsr/vslo/vsro (6.8.6). The 2.07 bit, AES and
 * SHA instructions are in insn_vmx_crypto.c.
 *
 * Most families are one macro per shape: an element-wise operation does
 * not care about element order, so those loops walk the host arrays of
 * the vreg view; where order matters (even/odd multiplies, sums, the
 * multiply-sums) the loops use the ISA's element numbers through
 * VB/VH/VW/VD (vec.h). Saturation clamps to the element's range and sets
 * VSCR[SAT], which is sticky: nothing here clears it.
 *
 * Every instruction needs MSR[VEC]; without it the vector unavailable
 * interrupt is taken (vmx_enabled) and nothing is written.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"

#define LANES(v, field) (sizeof (v).field / sizeof (v).field[0])

/* ---- saturation ---- */

static inline int64_t sat_signed(int64_t v, unsigned bits, bool *sat)
{
    int64_t max = (int64_t)((1ull << (bits - 1)) - 1), min = -max - 1;
    if (v > max) {
        *sat = true;
        return max;
    }
    if (v < min) {
        *sat = true;
        return min;
    }
    return v;
}

static inline uint64_t sat_unsigned(int64_t v, unsigned bits, bool *sat)
{
    uint64_t max = (1ull << bits) - 1;
    if (v < 0) {
        *sat = true;
        return 0;
    }
    if ((uint64_t)v > max) {
        *sat = true;
        return max;
    }
    return (uint64_t)v;
}

/* VRT <- T, and VSCR[SAT] <- 1 if any element saturated. */
static inline void finish(struct cpu *c, uint32_t insn, vreg t, bool sat)
{
    vr_set(c, f_vrt(insn), t);
    if (sat)
        c->vscr[0] |= VSCR_SAT;
}

/* ---- element-wise binary operations ----
 * FIELD is the vreg view (b, h, w, d unsigned; sb, sh, sw, sd signed);
 * EXPR computes element i from x = VRA's and y = VRB's, and may set `sat`. */

#define VEC_BINARY(name, field, expr)                                        \
    void insn_##name(struct cpu *c, uint32_t insn)                           \
    {                                                                        \
        if (!vmx_enabled(c))                                                 \
            return;                                                          \
        vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t;      \
        bool sat = false;                                                    \
        for (unsigned i = 0; i < LANES(t, field); i++) {                     \
            __typeof__(a.field[0]) x = a.field[i], y = b.field[i];          \
            t.field[i] = (__typeof__(t.field[0]))(expr);                     \
        }                                                                    \
        finish(c, insn, t, sat);                                             \
    }

/* One row per element width: unsigned view, signed view, bits. */
#define EACH_WIDTH(M, ...)            \
    M(b, b, sb, 8, __VA_ARGS__)        \
    M(h, h, sh, 16, __VA_ARGS__)       \
    M(w, w, sw, 32, __VA_ARGS__)

/* Modulo add and subtract: every width including doubleword. */
VEC_BINARY(vaddubm, b, x + y)
VEC_BINARY(vadduhm, h, x + y)
VEC_BINARY(vadduwm, w, x + y)
VEC_BINARY(vaddudm, d, x + y)
VEC_BINARY(vsububm, b, x - y)
VEC_BINARY(vsubuhm, h, x - y)
VEC_BINARY(vsubuwm, w, x - y)
VEC_BINARY(vsubudm, d, x - y)

/* Carry out of each word: of x + y, and of x + ~y + 1 (1 when x >= y). */
VEC_BINARY(vaddcuw, w, ((uint64_t)x + y) >> 32)
VEC_BINARY(vsubcuw, w, x >= y)

/* Saturating add and subtract, in 64 bits then clamped. */
#define SATURATING(sfx, uf, sf, bits, _)                                                      \
    VEC_BINARY(vaddu##sfx##s, uf, sat_unsigned((int64_t)x + (int64_t)y, bits, &sat))       \
    VEC_BINARY(vsubu##sfx##s, uf, sat_unsigned((int64_t)x - (int64_t)y, bits, &sat))       \
    VEC_BINARY(vadds##sfx##s, sf, sat_signed((int64_t)x + (int64_t)y, bits, &sat))         \
    VEC_BINARY(vsubs##sfx##s, sf, sat_signed((int64_t)x - (int64_t)y, bits, &sat))
EACH_WIDTH(SATURATING, 0)

/* Average, rounding up: (x + y + 1) >> 1 in extended precision. */
#define AVERAGE(sfx, uf, sf, bits, _)                                           \
    VEC_BINARY(vavgu##sfx, uf, ((uint64_t)x + y + 1) >> 1)                   \
    VEC_BINARY(vavgs##sfx, sf, ((int64_t)x + y + 1) >> 1)
EACH_WIDTH(AVERAGE, 0)

#define MAX_MIN(sfx, uf, sf, bits, _)                    \
    VEC_BINARY(vmaxu##sfx, uf, x > y ? x : y)          \
    VEC_BINARY(vmaxs##sfx, sf, x > y ? x : y)          \
    VEC_BINARY(vminu##sfx, uf, x < y ? x : y)          \
    VEC_BINARY(vmins##sfx, sf, x < y ? x : y)
EACH_WIDTH(MAX_MIN, 0)
MAX_MIN(d, d, sd, 64, 0)

/* Logical, on doublewords. */
VEC_BINARY(vand, d, x & y)
VEC_BINARY(vandc, d, x & ~y)
VEC_BINARY(vor, d, x | y)
VEC_BINARY(vnor, d, ~(x | y))
VEC_BINARY(vxor, d, x ^ y)
VEC_BINARY(veqv, d, ~(x ^ y))
VEC_BINARY(vnand, d, ~(x & y))
VEC_BINARY(vorc, d, x | ~y)

/* Rotates and shifts: the count is the low log2(bits) bits of VRB's
 * element. The arithmetic shifts use the signed view (>> on a negative
 * value is arithmetic in GCC and Clang, which this code assumes). */
static inline uint64_t rotl(uint64_t x, unsigned n, unsigned bits)
{
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    n &= bits - 1;
    return n ? ((x << n) | (x >> (bits - n))) & mask : x;
}

#define SHIFTS(sfx, uf, sf, bits, _)                                         \
    VEC_BINARY(vrl##sfx, uf, rotl(x, (unsigned)y, bits))                     \
    VEC_BINARY(vsl##sfx, uf, (uint64_t)x << (y & (bits - 1)))              \
    VEC_BINARY(vsr##sfx, uf, x >> (y & (bits - 1)))                        \
    VEC_BINARY(vsra##sfx, sf, x >> (y & (bits - 1)))
EACH_WIDTH(SHIFTS, 0)
SHIFTS(d, d, sd, 64, 0)

/* ---- compares: all-ones where true; Rc sets CR6 (6.9.2) to 0b1000 when
 * every element compared true, 0b0010 when none did, else 0 ---- */

#define VEC_COMPARE(name, field, op)                                        \
    void insn_##name(struct cpu *c, uint32_t insn)                          \
    {                                                                       \
        if (!vmx_enabled(c))                                                \
            return;                                                         \
        vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t;     \
        unsigned trues = 0;                                                 \
        for (unsigned i = 0; i < LANES(t, field); i++) {                    \
            bool r = a.field[i] op b.field[i];                              \
            t.field[i] = r ? (__typeof__(t.field[0]))-1 : 0;                \
            trues += r;                                                     \
        }                                                                   \
        vr_set(c, f_vrt(insn), t);                                          \
        if (f_vrc_rc(insn))                                                 \
            cr_set_field(c, 6, trues == LANES(t, field) ? 8 : trues == 0 ? 2 : 0); \
    }

#define COMPARES(sfx, uf, sf, bits, _)            \
    VEC_COMPARE(vcmpequ##sfx, uf, ==)             \
    VEC_COMPARE(vcmpgtu##sfx, uf, >)              \
    VEC_COMPARE(vcmpgts##sfx, sf, >)
EACH_WIDTH(COMPARES, 0)
COMPARES(d, d, sd, 64, 0)

/* ---- quadword add and subtract (6.9.1): VRB is added as is or as ~VRB + 1;
 * the extended forms take the carry in from bit 127 of VRC and the carry
 * forms write the carry out to bit 127 of VRT ---- */

enum quad_op {
    QUAD_SUM = 0,     /* VRT <- the 128-bit sum */
    QUAD_CARRY = 1,   /* VRT <- its carry out */
    QUAD_SUB = 2,     /* VRA + ~VRB + carry in */
    QUAD_EXT = 4,     /* carry in = VRC bit 127, else 0 (add) or 1 (subtract) */
};

static void quad_add(struct cpu *c, uint32_t insn, unsigned op)
{
    if (!vmx_enabled(c))
        return;
    vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t;
    unsigned carry_in = op & QUAD_EXT ? (unsigned)(vr_get(c, f_vrc(insn)).q & 1) : (op & QUAD_SUB) != 0;
    vec_u128 y = op & QUAD_SUB ? ~b.q : b.q;
    vec_u128 sum = a.q + y;
    unsigned carry = sum < a.q;
    sum += carry_in;
    carry |= carry_in && sum == 0;
    t.q = op & QUAD_CARRY ? carry : sum;
    vr_set(c, f_vrt(insn), t);
}

#define QUAD(name, op) \
    void insn_##name(struct cpu *c, uint32_t insn) { quad_add(c, insn, op); }
QUAD(vadduqm, QUAD_SUM)
QUAD(vaddcuq, QUAD_CARRY)
QUAD(vaddeuqm, QUAD_SUM | QUAD_EXT)
QUAD(vaddecuq, QUAD_CARRY | QUAD_EXT)
QUAD(vsubuqm, QUAD_SUB | QUAD_SUM)
QUAD(vsubcuq, QUAD_SUB | QUAD_CARRY)
QUAD(vsubeuqm, QUAD_SUB | QUAD_SUM | QUAD_EXT)
QUAD(vsubecuq, QUAD_SUB | QUAD_CARRY | QUAD_EXT)

/* ---- multiply ---- */

/* Even (ODD = 0) or odd (ODD = 1) elements of width SRC to products of
 * width DST: element i of VRT = element 2i + ODD of VRA times VRB's. */
#define VEC_MUL_EVEN_ODD(name, DST, SRC, odd, wide)                        \
    void insn_##name(struct cpu *c, uint32_t insn)                         \
    {                                                                      \
        if (!vmx_enabled(c))                                               \
            return;                                                        \
        vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t;    \
        for (unsigned i = 0; i < 16 / sizeof DST(t, 0); i++)              \
            DST(t, i) = (wide)SRC(a, 2 * i + odd) * (wide)SRC(b, 2 * i + odd); \
        vr_set(c, f_vrt(insn), t);                                         \
    }

VEC_MUL_EVEN_ODD(vmuleub, VH, VB, 0, uint32_t)
VEC_MUL_EVEN_ODD(vmuloub, VH, VB, 1, uint32_t)
VEC_MUL_EVEN_ODD(vmulesb, VSH, VSB, 0, int32_t)
VEC_MUL_EVEN_ODD(vmulosb, VSH, VSB, 1, int32_t)
VEC_MUL_EVEN_ODD(vmuleuh, VW, VH, 0, uint32_t)
VEC_MUL_EVEN_ODD(vmulouh, VW, VH, 1, uint32_t)
VEC_MUL_EVEN_ODD(vmulesh, VSW, VSH, 0, int32_t)
VEC_MUL_EVEN_ODD(vmulosh, VSW, VSH, 1, int32_t)
VEC_MUL_EVEN_ODD(vmuleuw, VD, VW, 0, uint64_t)
VEC_MUL_EVEN_ODD(vmulouw, VD, VW, 1, uint64_t)
VEC_MUL_EVEN_ODD(vmulesw, VSD, VSW, 0, int64_t)
VEC_MUL_EVEN_ODD(vmulosw, VSD, VSW, 1, int64_t)

VEC_BINARY(vmuluwm, w, (uint64_t)x * y)

/* ---- VA-form multiply-add and multiply-sum: x, y, z are element i of
 * VRA, VRB, VRC ---- */

#define VEC_TERNARY(name, field, expr)                                         \
    void insn_##name(struct cpu *c, uint32_t insn)                             \
    {                                                                          \
        if (!vmx_enabled(c))                                                   \
            return;                                                            \
        vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn));           \
        vreg z_ = vr_get(c, f_vrc(insn)), t;                                   \
        bool sat = false;                                                      \
        for (unsigned i = 0; i < LANES(t, field); i++) {                       \
            int64_t x = a.field[i], y = b.field[i], z = z_.field[i];           \
            t.field[i] = (__typeof__(t.field[0]))(expr);                       \
        }                                                                      \
        finish(c, insn, t, sat);                                               \
    }

/* High half (product >> 15, keeping the sign) plus VRC, saturated; the
 * rounding form adds 0x4000 to the product first. */
VEC_TERNARY(vmhaddshs, sh, sat_signed(((x * y) >> 15) + z, 16, &sat))
VEC_TERNARY(vmhraddshs, sh, sat_signed(((x * y + 0x4000) >> 15) + z, 16, &sat))
VEC_TERNARY(vmladduhm, h, x * y + z)

/* Word i of VRT <- VRC's word i plus the products of the N narrower
 * elements of VRA and VRB in that word; FA and FB are the element views of
 * VRA and VRB (vmsummbm multiplies signed bytes by unsigned ones); FINAL
 * turns the 64-bit sum into the word (modulo or saturated). */
#define VEC_MSUM(name, n, FA, FB, zfield, final)                                 \
    void insn_##name(struct cpu *c, uint32_t insn)                               \
    {                                                                            \
        if (!vmx_enabled(c))                                                     \
            return;                                                              \
        vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn));             \
        vreg z = vr_get(c, f_vrc(insn)), t;                                      \
        bool sat = false;                                                        \
        for (unsigned i = 0; i < 4; i++) {                                       \
            int64_t s = zfield(z, i);                                            \
            for (unsigned j = 0; j < n; j++)                                     \
                s += (int64_t)FA(a, n * i + j) * (int64_t)FB(b, n * i + j);      \
            VW(t, i) = (uint32_t)(final);                                        \
        }                                                                        \
        finish(c, insn, t, sat);                                                 \
    }

VEC_MSUM(vmsumubm, 4, VB, VB, VW, s)
VEC_MSUM(vmsummbm, 4, VSB, VB, VSW, s)
VEC_MSUM(vmsumuhm, 2, VH, VH, VW, s)
VEC_MSUM(vmsumuhs, 2, VH, VH, VW, sat_unsigned(s, 32, &sat))
VEC_MSUM(vmsumshm, 2, VSH, VSH, VSW, s)
VEC_MSUM(vmsumshs, 2, VSH, VSH, VSW, sat_signed(s, 32, &sat))

/* ---- sums across (6.9.1) ---- */

/* Word i of VRT <- the N elements of VRA in word i plus VRB's word i
 * (vsum4*), saturated. */
#define VEC_SUM4(name, n, FA, FB, final)                                 \
    void insn_##name(struct cpu *c, uint32_t insn)                       \
    {                                                                    \
        if (!vmx_enabled(c))                                             \
            return;                                                      \
        vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t;  \
        bool sat = false;                                                \
        for (unsigned i = 0; i < 4; i++) {                               \
            int64_t s = FB(b, i);                                        \
            for (unsigned j = 0; j < n; j++)                             \
                s += FA(a, n * i + j);                                   \
            VW(t, i) = (uint32_t)(final);                                \
        }                                                                \
        finish(c, insn, t, sat);                                         \
    }

VEC_SUM4(vsum4ubs, 4, VB, VW, sat_unsigned(s, 32, &sat))
VEC_SUM4(vsum4sbs, 4, VSB, VSW, sat_signed(s, 32, &sat))
VEC_SUM4(vsum4shs, 2, VSH, VSW, sat_signed(s, 32, &sat))

/* Words 1 and 3 <- the signed words 0+1 and 2+3 of VRA plus VRB's word 1
 * and 3, saturated; words 0 and 2 <- 0. */
void insn_vsum2sws(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t = { .q = 0 };
    bool sat = false;
    for (unsigned i = 0; i < 4; i += 2)
        VSW(t, i + 1) = (int32_t)sat_signed((int64_t)VSW(a, i) + VSW(a, i + 1) + VSW(b, i + 1), 32, &sat);
    finish(c, insn, t, sat);
}

/* Word 3 <- the four signed words of VRA plus VRB's word 3, saturated;
 * words 0-2 <- 0. */
void insn_vsumsws(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t = { .q = 0 };
    bool sat = false;
    int64_t s = VSW(b, 3);
    for (unsigned i = 0; i < 4; i++)
        s += VSW(a, i);
    VSW(t, 3) = (int32_t)sat_signed(s, 32, &sat);
    finish(c, insn, t, sat);
}

/* ---- whole-register shifts (6.8.6) ----
 * vsl/vsr shift VRA by 0-7 bits, the count in bits 125:127 of VRB (the ISA
 * requires every byte of VRB to hold the same count and leaves other
 * values undefined; the last byte's is used, as QEMU 7.2 does).
 * vslo/vsro shift by whole octets, the count in bits 121:124. */

static void whole_shift(struct cpu *c, uint32_t insn, bool left, bool octets)
{
    if (!vmx_enabled(c))
        return;
    vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t;
    unsigned n = octets ? (VB(b, 15) >> 3 & 15) * 8 : VB(b, 15) & 7;
    t.q = n == 0 ? a.q : left ? a.q << n : a.q >> n;
    vr_set(c, f_vrt(insn), t);
}

void insn_vsl(struct cpu *c, uint32_t insn) { whole_shift(c, insn, true, false); }
void insn_vsr(struct cpu *c, uint32_t insn) { whole_shift(c, insn, false, false); }
void insn_vslo(struct cpu *c, uint32_t insn) { whole_shift(c, insn, true, true); }
void insn_vsro(struct cpu *c, uint32_t insn) { whole_shift(c, insn, false, true); }
