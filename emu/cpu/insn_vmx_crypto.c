/*
 * Handlers for the Power ISA 2.07 additions in insn_vmx_int.def: count
 * leading zeros and population count (vclz*, vpopcnt*), gather bits by
 * bytes (vgbbd), bit permute (vbpermq), and the exclusive-OR-based
 * instructions: polynomial multiply-sum (vpmsum*), the AES assists
 * (vcipher, vcipherlast, vncipher, vncipherlast, vsbox) and the SHA-2
 * sigma functions (vshasigmaw, vshasigmad). All need MSR[VEC].
 *
 * AES works on the 16-byte state of FIPS-197 with the ISA's byte order:
 * ISA byte 4c + r of the register is state row r, column c (the FIPS-197
 * input order), so ShiftRows and MixColumns below index the register with
 * VB (vec.h).
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"

/* ---- count leading zeros, population count ---- */

/* Leading zeros of the low BITS bits of X (BITS when X is 0). */
static inline unsigned clz_bits(uint64_t x, unsigned bits)
{
    return x ? (unsigned)__builtin_clzll(x) - (64 - bits) : bits;
}

#define VEC_UNARY(name, field, expr)                                   \
    void insn_##name(struct cpu *c, uint32_t insn)                           \
    {                                                                        \
        if (!vmx_enabled(c))                                                 \
            return;                                                          \
        vreg b = vr_get(c, f_vrb(insn)), t;                                  \
        for (unsigned i = 0; i < sizeof t.field / sizeof t.field[0]; i++) {  \
            uint64_t x = b.field[i];                                         \
            t.field[i] = (__typeof__(t.field[0]))(expr);                     \
        }                                                                    \
        vr_set(c, f_vrt(insn), t);                                           \
    }

VEC_UNARY(vclzb, b, clz_bits(x, 8))
VEC_UNARY(vclzh, h, clz_bits(x, 16))
VEC_UNARY(vclzw, w, clz_bits(x, 32))
VEC_UNARY(vclzd, d, clz_bits(x, 64))
VEC_UNARY(vpopcntb, b, __builtin_popcountll(x))
VEC_UNARY(vpopcnth, h, __builtin_popcountll(x))
VEC_UNARY(vpopcntw, w, __builtin_popcountll(x))
VEC_UNARY(vpopcntd, d, __builtin_popcountll(x))

/* Gather bits by bytes by doubleword: each doubleword is an 8x8 bit
 * matrix, byte k bit j (ISA numbering, bit 0 the most significant) goes to
 * byte j bit k -- a transpose. */
void insn_vgbbd(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg b = vr_get(c, f_vrb(insn)), t = { .q = 0 };
    for (unsigned d = 0; d < 2; d++)
        for (unsigned k = 0; k < 8; k++)
            for (unsigned j = 0; j < 8; j++)
                if (VB(b, 8 * d + k) & (0x80 >> j))
                    VB(t, 8 * d + j) |= (uint8_t)(0x80 >> k);
    vr_set(c, f_vrt(insn), t);
}

/* Bit permute quadword: for each byte i of VRB, a bit index into VRA
 * (bit 0 the most significant); indexes of 128 and up give 0. The 16 bits
 * go to bits 48:63 of doubleword 0, in byte order; the rest is 0. */
void insn_vbpermq(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t = { .q = 0 };
    unsigned perm = 0;
    for (unsigned i = 0; i < 16; i++) {
        unsigned index = VB(b, i);
        if (index < 128 && (a.q >> (127 - index) & 1))
            perm |= 0x8000u >> i;
    }
    VH(t, 3) = (uint16_t)perm;
    vr_set(c, f_vrt(insn), t);
}

/* ---- polynomial multiply-sum ---- */

/* The carry-less product of two BITS-bit polynomials. */
static vec_u128 clmul(uint64_t x, uint64_t y, unsigned bits)
{
    vec_u128 r = 0;
    for (unsigned i = 0; i < bits; i++)
        if (y >> i & 1)
            r ^= (vec_u128)x << i;
    return r;
}

/* Each double-width element i of VRT <- the XOR of the carry-less
 * products of elements 2i and 2i+1 of VRA and VRB. */
#define VEC_PMSUM(name, SRC, DST, bits)                                         \
    void insn_##name(struct cpu *c, uint32_t insn)                              \
    {                                                                           \
        if (!vmx_enabled(c))                                                    \
            return;                                                             \
        vreg a = vr_get(c, f_vra(insn)), b = vr_get(c, f_vrb(insn)), t;         \
        for (unsigned i = 0; i < 64 / (bits); i++)                              \
            DST(t, i) = (__typeof__(DST(t, i)))(clmul(SRC(a, 2 * i), SRC(b, 2 * i), bits) ^ \
                                              clmul(SRC(a, 2 * i + 1), SRC(b, 2 * i + 1), bits)); \
        vr_set(c, f_vrt(insn), t);                                              \
    }

#define VQ(v, i) ((v).q)
VEC_PMSUM(vpmsumb, VB, VH, 8)
VEC_PMSUM(vpmsumh, VH, VW, 16)
VEC_PMSUM(vpmsumw, VW, VD, 32)
VEC_PMSUM(vpmsumd, VD, VQ, 64)

/* ---- AES (FIPS-197) ---- */

/* FIPS-197 5.1.1 S-box and 5.3.2 inverse: the multiplicative inverse in
 * GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (0 to 0) followed by the affine
 * map b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63; generated
 * from that definition (and equal to FIPS-197 Figures 7 and 14). */
static const uint8_t aes_sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

static const uint8_t aes_inv_sbox[256] = {
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e, 0x81, 0xf3, 0xd7, 0xfb,
    0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87, 0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb,
    0x54, 0x7b, 0x94, 0x32, 0xa6, 0xc2, 0x23, 0x3d, 0xee, 0x4c, 0x95, 0x0b, 0x42, 0xfa, 0xc3, 0x4e,
    0x08, 0x2e, 0xa1, 0x66, 0x28, 0xd9, 0x24, 0xb2, 0x76, 0x5b, 0xa2, 0x49, 0x6d, 0x8b, 0xd1, 0x25,
    0x72, 0xf8, 0xf6, 0x64, 0x86, 0x68, 0x98, 0x16, 0xd4, 0xa4, 0x5c, 0xcc, 0x5d, 0x65, 0xb6, 0x92,
    0x6c, 0x70, 0x48, 0x50, 0xfd, 0xed, 0xb9, 0xda, 0x5e, 0x15, 0x46, 0x57, 0xa7, 0x8d, 0x9d, 0x84,
    0x90, 0xd8, 0xab, 0x00, 0x8c, 0xbc, 0xd3, 0x0a, 0xf7, 0xe4, 0x58, 0x05, 0xb8, 0xb3, 0x45, 0x06,
    0xd0, 0x2c, 0x1e, 0x8f, 0xca, 0x3f, 0x0f, 0x02, 0xc1, 0xaf, 0xbd, 0x03, 0x01, 0x13, 0x8a, 0x6b,
    0x3a, 0x91, 0x11, 0x41, 0x4f, 0x67, 0xdc, 0xea, 0x97, 0xf2, 0xcf, 0xce, 0xf0, 0xb4, 0xe6, 0x73,
    0x96, 0xac, 0x74, 0x22, 0xe7, 0xad, 0x35, 0x85, 0xe2, 0xf9, 0x37, 0xe8, 0x1c, 0x75, 0xdf, 0x6e,
    0x47, 0xf1, 0x1a, 0x71, 0x1d, 0x29, 0xc5, 0x89, 0x6f, 0xb7, 0x62, 0x0e, 0xaa, 0x18, 0xbe, 0x1b,
    0xfc, 0x56, 0x3e, 0x4b, 0xc6, 0xd2, 0x79, 0x20, 0x9a, 0xdb, 0xc0, 0xfe, 0x78, 0xcd, 0x5a, 0xf4,
    0x1f, 0xdd, 0xa8, 0x33, 0x88, 0x07, 0xc7, 0x31, 0xb1, 0x12, 0x10, 0x59, 0x27, 0x80, 0xec, 0x5f,
    0x60, 0x51, 0x7f, 0xa9, 0x19, 0xb5, 0x4a, 0x0d, 0x2d, 0xe5, 0x7a, 0x9f, 0x93, 0xc9, 0x9c, 0xef,
    0xa0, 0xe0, 0x3b, 0x4d, 0xae, 0x2a, 0xf5, 0xb0, 0xc8, 0xeb, 0xbb, 0x3c, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2b, 0x04, 0x7e, 0xba, 0x77, 0xd6, 0x26, 0xe1, 0x69, 0x14, 0x63, 0x55, 0x21, 0x0c, 0x7d,
};

/* Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
static uint8_t gf_mul(uint8_t x, uint8_t y)
{
    unsigned r = 0, a = x;
    for (; y; y >>= 1) {
        if (y & 1)
            r ^= a;
        a <<= 1;
        if (a & 0x100)
            a ^= 0x11b;
    }
    return (uint8_t)r;
}

static vreg sub_bytes(vreg s, const uint8_t *box)
{
    for (unsigned i = 0; i < 16; i++)
        s.b[i] = box[s.b[i]];
    return s;
}

/* Row r rotates left by r columns (SHIFT = 1) or right (SHIFT = 3). */
static vreg shift_rows(vreg s, unsigned shift)
{
    vreg t;
    for (unsigned col = 0; col < 4; col++)
        for (unsigned row = 0; row < 4; row++)
            VB(t, 4 * col + row) = VB(s, 4 * ((col + shift * row) % 4) + row);
    return t;
}

/* Each column times the circulant matrix of M (MixColumns: 2 3 1 1;
 * InvMixColumns: 14 11 13 9). */
static vreg mix_columns(vreg s, const uint8_t m[4])
{
    vreg t;
    for (unsigned col = 0; col < 4; col++)
        for (unsigned row = 0; row < 4; row++) {
            uint8_t v = 0;
            for (unsigned k = 0; k < 4; k++)
                v ^= gf_mul(m[(k + 4 - row) % 4], VB(s, 4 * col + k));
            VB(t, 4 * col + row) = v;
        }
    return t;
}

static const uint8_t mix[4] = { 2, 3, 1, 1 }, inv_mix[4] = { 14, 11, 13, 9 };

enum aes_op { CIPHER, CIPHER_LAST, NCIPHER, NCIPHER_LAST };

/* VRA is the state, VRB the round key. vcipher: SubBytes, ShiftRows,
 * MixColumns, then the key; vncipher: InvShiftRows, InvSubBytes, the key,
 * then InvMixColumns (the ISA's order, which keeps the round key in the
 * equivalent-inverse-cipher form). The "last" forms skip the mix. */
static void aes_round(struct cpu *c, uint32_t insn, enum aes_op op)
{
    if (!vmx_enabled(c))
        return;
    vreg s = vr_get(c, f_vra(insn)), key = vr_get(c, f_vrb(insn));
    if (op == CIPHER || op == CIPHER_LAST) {
        s = shift_rows(sub_bytes(s, aes_sbox), 1);
        if (op == CIPHER)
            s = mix_columns(s, mix);
        s.q ^= key.q;
    } else {
        s = sub_bytes(shift_rows(s, 3), aes_inv_sbox);
        s.q ^= key.q;
        if (op == NCIPHER)
            s = mix_columns(s, inv_mix);
    }
    vr_set(c, f_vrt(insn), s);
}

void insn_vcipher(struct cpu *c, uint32_t insn) { aes_round(c, insn, CIPHER); }
void insn_vcipherlast(struct cpu *c, uint32_t insn) { aes_round(c, insn, CIPHER_LAST); }
void insn_vncipher(struct cpu *c, uint32_t insn) { aes_round(c, insn, NCIPHER); }
void insn_vncipherlast(struct cpu *c, uint32_t insn) { aes_round(c, insn, NCIPHER_LAST); }

void insn_vsbox(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vr_set(c, f_vrt(insn), sub_bytes(vr_get(c, f_vra(insn)), aes_sbox));
}

/* ---- SHA-2 sigma functions (FIPS 180-4 4.1.2 and 4.1.3) ----
 * ST (bit 16) picks the lower-case sigma (0, message schedule) or the
 * upper-case Sigma (1, compression); bit i of SIX (bits 17:20, bit 0 the
 * most significant) picks function 0 or 1 for word i -- for doubleword i,
 * bit 2i. Each function is ROTR a ^ ROTR b ^ (SHR or ROTR) c. */

static inline uint32_t rotr32(uint32_t x, unsigned n) { return x >> n | x << (32 - n); }
static inline uint64_t rotr64(uint64_t x, unsigned n) { return x >> n | x << (64 - n); }

static inline unsigned sha_st(uint32_t insn) { return (insn >> 15) & 1; }
static inline unsigned sha_six(uint32_t insn) { return (insn >> 11) & 15; }

void insn_vshasigmaw(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg a = vr_get(c, f_vra(insn)), t;
    unsigned st = sha_st(insn), six = sha_six(insn);
    for (unsigned i = 0; i < 4; i++) {
        uint32_t x = VW(a, i);
        bool one = six & (8u >> i);
        if (!st)
            VW(t, i) = one ? rotr32(x, 17) ^ rotr32(x, 19) ^ x >> 10 : rotr32(x, 7) ^ rotr32(x, 18) ^ x >> 3;
        else
            VW(t, i) = one ? rotr32(x, 6) ^ rotr32(x, 11) ^ rotr32(x, 25) : rotr32(x, 2) ^ rotr32(x, 13) ^ rotr32(x, 22);
    }
    vr_set(c, f_vrt(insn), t);
}

void insn_vshasigmad(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg a = vr_get(c, f_vra(insn)), t;
    unsigned st = sha_st(insn), six = sha_six(insn);
    for (unsigned i = 0; i < 2; i++) {
        uint64_t x = VD(a, i);
        bool one = six & (8u >> (2 * i));
        if (!st)
            VD(t, i) = one ? rotr64(x, 19) ^ rotr64(x, 61) ^ x >> 6 : rotr64(x, 1) ^ rotr64(x, 8) ^ x >> 7;
        else
            VD(t, i) = one ? rotr64(x, 14) ^ rotr64(x, 18) ^ rotr64(x, 41) : rotr64(x, 28) ^ rotr64(x, 34) ^ rotr64(x, 39);
    }
    vr_set(c, f_vrt(insn), t);
}
