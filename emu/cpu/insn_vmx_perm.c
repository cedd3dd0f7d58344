/*
 * Handlers for insn_vmx_perm.def: the VMX loads and stores, lvsl/lvsr,
 * permute, select, shift-by-octet, splat, merge, pack and unpack, and the
 * VSCR moves (Power ISA 2.07 Book I 6.7, 6.8, 6.13). Every one needs
 * MSR[VEC] (vmx_enabled raises the unavailable interrupt otherwise).
 *
 * Handlers are written with the ISA's element numbers (VB/VH/VW/VD of
 * vec.h, element 0 = most significant); only the loads and stores see the
 * byte order. Each computes its result in a local vreg and writes VRT
 * last, so VRT may name a source.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"

/* ---- loads and stores (6.7.2, 6.7.3) ---- */

/* (RA|0) + (RB), aligned down to SIZE bytes as each instruction's
 * pseudocode does (lvx/stvx: 16, lvehx: 2, lvewx: 4, lvebx: 1). */
static uint64_t vec_ea(const struct cpu *c, uint32_t insn, unsigned size)
{
    return ea_ra0(c, insn, c->gpr[f_rb(insn)]) & ~(uint64_t)(size - 1);
}

static void vec_load(struct cpu *c, uint32_t insn)
{
    vreg v;
    if (!vmx_enabled(c) || !vec_load_quad(c, vec_ea(c, insn, 16), &v))
        return;
    vr_set(c, f_vrt(insn), v);
}

static void vec_store(struct cpu *c, uint32_t insn)
{
    if (vmx_enabled(c))
        vec_store_quad(c, vec_ea(c, insn, 16), vr_get(c, f_vrt(insn)));
}

/* lvxl/stvxl differ only in a cache hint ("least recently used"). */
void insn_lvx(struct cpu *c, uint32_t insn) { vec_load(c, insn); }
void insn_lvxl(struct cpu *c, uint32_t insn) { vec_load(c, insn); }
void insn_stvx(struct cpu *c, uint32_t insn) { vec_store(c, insn); }
void insn_stvxl(struct cpu *c, uint32_t insn) { vec_store(c, insn); }

/*
 * The element loads and stores. With eb = EA[60:63] (EA aligned to the
 * element size), big-endian mode puts MEM(EA, size) at register bytes
 * eb .. eb+size-1; little-endian mode puts it, loaded little-endian, at
 * bytes 16-eb-size .. 15-eb (the lvebx/lvehx/lvewx pseudocode: VRT bits
 * 120-8*eb:127-8*eb and so on). Either way the element is the one lvx of
 * the aligned quadword would have put there. The other elements of VRT
 * are undefined in the ISA; ppcrr leaves them as they were (as QEMU does).
 */
static unsigned element_of(const struct cpu *c, uint64_t ea, unsigned size)
{
    unsigned eb = (unsigned)ea & 15;
    return (c->msr[0] & MSR_LE) ? (15 - eb) / size : eb / size;
}

static void vec_load_element(struct cpu *c, uint32_t insn, unsigned size)
{
    uint64_t ea = vec_ea(c, insn, size), val;
    if (!vmx_enabled(c) || !cpu_load(c, ea, size, false, &val))
        return;
    vreg v = vr_get(c, f_vrt(insn));
    unsigned e = element_of(c, ea, size);
    switch (size) {
    case 1: VB(v, e) = (uint8_t)val; break;
    case 2: VH(v, e) = (uint16_t)val; break;
    default: VW(v, e) = (uint32_t)val; break;
    }
    vr_set(c, f_vrt(insn), v);
}

static void vec_store_element(struct cpu *c, uint32_t insn, unsigned size)
{
    if (!vmx_enabled(c))
        return;
    uint64_t ea = vec_ea(c, insn, size);
    vreg v = vr_get(c, f_vrt(insn));
    unsigned e = element_of(c, ea, size);
    uint64_t val = size == 1 ? VB(v, e) : size == 2 ? VH(v, e) : VW(v, e);
    cpu_store(c, ea, size, false, val);
}

void insn_lvebx(struct cpu *c, uint32_t insn) { vec_load_element(c, insn, 1); }
void insn_lvehx(struct cpu *c, uint32_t insn) { vec_load_element(c, insn, 2); }
void insn_lvewx(struct cpu *c, uint32_t insn) { vec_load_element(c, insn, 4); }
void insn_stvebx(struct cpu *c, uint32_t insn) { vec_store_element(c, insn, 1); }
void insn_stvehx(struct cpu *c, uint32_t insn) { vec_store_element(c, insn, 2); }
void insn_stvewx(struct cpu *c, uint32_t insn) { vec_store_element(c, insn, 4); }

/*
 * lvsl/lvsr (6.7.4): the permute control vector for an unaligned access,
 * bytes sh .. sh+15 (lvsl) or 16-sh .. 31-sh (lvsr), sh = EA[60:63]. The
 * ISA's table does not depend on MSR[LE] (little-endian code uses lvsr
 * with swapped vperm operands instead); no memory is accessed.
 */
static void load_shift(struct cpu *c, uint32_t insn, bool right)
{
    if (!vmx_enabled(c))
        return;
    unsigned sh = (unsigned)ea_ra0(c, insn, c->gpr[f_rb(insn)]) & 15;
    unsigned first = right ? 16 - sh : sh;
    vreg v;
    for (unsigned i = 0; i < 16; i++)
        VB(v, i) = (uint8_t)(first + i);
    vr_set(c, f_vrt(insn), v);
}

void insn_lvsl(struct cpu *c, uint32_t insn) { load_shift(c, insn, false); }
void insn_lvsr(struct cpu *c, uint32_t insn) { load_shift(c, insn, true); }

/* ---- permute, select, shift by octet (6.8.5-6.8.7) ---- */

/* Byte I of the 32-byte VRA || VRB. */
static uint8_t byte_of_pair(const vreg *a, const vreg *b, unsigned i)
{
    return i < 16 ? VB(*a, i) : VB(*b, i - 16);
}

#define VMX_OPERANDS                         \
    if (!vmx_enabled(c))                     \
        return;                              \
    vreg a = vr_get(c, f_vra(insn));         \
    vreg b = vr_get(c, f_vrb(insn));         \
    vreg t;                                  \
    (void)a;

void insn_vperm(struct cpu *c, uint32_t insn)
{
    VMX_OPERANDS
    vreg ctl = vr_get(c, f_vrc(insn));
    for (unsigned i = 0; i < 16; i++)
        VB(t, i) = byte_of_pair(&a, &b, VB(ctl, i) & 31);
    vr_set(c, f_vrt(insn), t);
}

/* vpermxor (2.07): byte i = VRA byte (high nibble of VRC byte i) XOR VRB
 * byte (low nibble). */
void insn_vpermxor(struct cpu *c, uint32_t insn)
{
    VMX_OPERANDS
    vreg ctl = vr_get(c, f_vrc(insn));
    for (unsigned i = 0; i < 16; i++)
        VB(t, i) = VB(a, VB(ctl, i) >> 4) ^ VB(b, VB(ctl, i) & 15);
    vr_set(c, f_vrt(insn), t);
}

/* Each bit from VRB where VRC has a 1, else from VRA. */
void insn_vsel(struct cpu *c, uint32_t insn)
{
    VMX_OPERANDS
    vreg ctl = vr_get(c, f_vrc(insn));
    t.q = (a.q & ~ctl.q) | (b.q & ctl.q);
    vr_set(c, f_vrt(insn), t);
}

/* Bytes SHB .. SHB+15 of VRA || VRB; SHB is bits 22:25. */
void insn_vsldoi(struct cpu *c, uint32_t insn)
{
    VMX_OPERANDS
    unsigned shb = (insn >> 6) & 15;
    for (unsigned i = 0; i < 16; i++)
        VB(t, i) = byte_of_pair(&a, &b, shb + i);
    vr_set(c, f_vrt(insn), t);
}

/* ---- splat (6.8.4) ---- */

/* UIM sits in bits 12:15, 13:15 or 14:15 (the rest of 11:15 reserved). */
static unsigned f_uim(uint32_t insn, unsigned elements) { return (insn >> 16) & (elements - 1); }
/* SIM, bits 11:15, sign-extended. */
static int32_t f_sim(uint32_t insn) { return (int32_t)((insn >> 16) & 31) - (int32_t)((insn >> 16) & 16) * 2; }

#define SPLAT(name, E, n)                                   \
    void insn_##name(struct cpu *c, uint32_t insn)          \
    {                                                       \
        VMX_OPERANDS                                        \
        unsigned u = f_uim(insn, n);                        \
        for (unsigned i = 0; i < n; i++)                    \
            E(t, i) = E(b, u);                              \
        vr_set(c, f_vrt(insn), t);                          \
    }
SPLAT(vspltb, VB, 16)
SPLAT(vsplth, VH, 8)
SPLAT(vspltw, VW, 4)

#define SPLAT_IMMEDIATE(name, E, n, type)                   \
    void insn_##name(struct cpu *c, uint32_t insn)          \
    {                                                       \
        if (!vmx_enabled(c))                                \
            return;                                         \
        vreg t;                                             \
        for (unsigned i = 0; i < n; i++)                    \
            E(t, i) = (type)f_sim(insn);                    \
        vr_set(c, f_vrt(insn), t);                          \
    }
SPLAT_IMMEDIATE(vspltisb, VB, 16, uint8_t)
SPLAT_IMMEDIATE(vspltish, VH, 8, uint16_t)
SPLAT_IMMEDIATE(vspltisw, VW, 4, uint32_t)

/* ---- merge (6.8.3) ---- */

/* Interleaves N/2 elements of VRA and VRB starting at element FIRST:
 * high (FIRST = 0) or low (FIRST = N/2) halves. */
#define MERGE(name, E, n, first)                            \
    void insn_##name(struct cpu *c, uint32_t insn)          \
    {                                                       \
        VMX_OPERANDS                                        \
        for (unsigned i = 0; i < n / 2; i++) {              \
            E(t, 2 * i) = E(a, (first) + i);                \
            E(t, 2 * i + 1) = E(b, (first) + i);            \
        }                                                   \
        vr_set(c, f_vrt(insn), t);                          \
    }
MERGE(vmrghb, VB, 16, 0)
MERGE(vmrghh, VH, 8, 0)
MERGE(vmrghw, VW, 4, 0)
MERGE(vmrglb, VB, 16, 8)
MERGE(vmrglh, VH, 8, 4)
MERGE(vmrglw, VW, 4, 2)

/* vmrgew/vmrgow (2.07): the even (0, 2) or odd (1, 3) words of VRA and
 * VRB, alternately. */
#define MERGE_WORDS(name, first)                            \
    void insn_##name(struct cpu *c, uint32_t insn)          \
    {                                                       \
        VMX_OPERANDS                                        \
        VW(t, 0) = VW(a, first);                            \
        VW(t, 1) = VW(b, first);                            \
        VW(t, 2) = VW(a, (first) + 2);                      \
        VW(t, 3) = VW(b, (first) + 2);                      \
        vr_set(c, f_vrt(insn), t);                          \
    }
MERGE_WORDS(vmrgew, 0)
MERGE_WORDS(vmrgow, 1)

/* ---- pack (6.8.1) ---- */

/* Clamps V to [LO, HI], noting in *SAT when it had to. */
static int64_t clamp(int64_t v, int64_t lo, int64_t hi, bool *sat)
{
    if (v < lo || v > hi) {
        *sat = true;
        return v < lo ? lo : hi;
    }
    return v;
}

static uint64_t clamp_unsigned(uint64_t v, uint64_t hi, bool *sat)
{
    if (v > hi) {
        *sat = true;
        return hi;
    }
    return v;
}

/*
 * The N source elements of VRA then VRB (read with SRC) become the 2N
 * half-size elements of VRT (written with DST), through HOW: modulo
 * (truncate), or saturated into the target's range, which sets
 * VSCR[SAT] if any element did not fit.
 */
#define MOD(x) (x)
#define PACK(name, SRC, DST, n, type, get, how)                          \
    void insn_##name(struct cpu *c, uint32_t insn)                       \
    {                                                                    \
        VMX_OPERANDS                                                     \
        bool sat = false;                                                \
        for (unsigned i = 0; i < n; i++) {                               \
            DST(t, i) = (type)how(get(SRC(a, i)));                       \
            DST(t, i + n) = (type)how(get(SRC(b, i)));                   \
        }                                                                \
        (void)sat;                                                       \
        vr_set(c, f_vrt(insn), t);                                       \
        if (sat)                                                         \
            c->vscr[0] |= VSCR_SAT;                                      \
    }
#define U(x) ((uint64_t)(x))
#define S(x) ((int64_t)(x))
#define TO_U8(x) clamp_unsigned(x, 0xff, &sat)
#define TO_U16(x) clamp_unsigned(x, 0xffff, &sat)
#define TO_U32(x) clamp_unsigned(x, 0xffffffffull, &sat)
#define S_TO_U8(x) clamp(x, 0, 0xff, &sat)
#define S_TO_U16(x) clamp(x, 0, 0xffff, &sat)
#define S_TO_U32(x) clamp(x, 0, 0xffffffffll, &sat)
#define S_TO_S8(x) clamp(x, INT8_MIN, INT8_MAX, &sat)
#define S_TO_S16(x) clamp(x, INT16_MIN, INT16_MAX, &sat)
#define S_TO_S32(x) clamp(x, INT32_MIN, INT32_MAX, &sat)

PACK(vpkuhum, VH, VB, 8, uint8_t, U, MOD)
PACK(vpkuwum, VW, VH, 4, uint16_t, U, MOD)
PACK(vpkudum, VD, VW, 2, uint32_t, U, MOD)
PACK(vpkuhus, VH, VB, 8, uint8_t, U, TO_U8)
PACK(vpkuwus, VW, VH, 4, uint16_t, U, TO_U16)
PACK(vpkudus, VD, VW, 2, uint32_t, U, TO_U32)
PACK(vpkshus, VSH, VB, 8, uint8_t, S, S_TO_U8)
PACK(vpkswus, VSW, VH, 4, uint16_t, S, S_TO_U16)
PACK(vpksdus, VSD, VW, 2, uint32_t, S, S_TO_U32)
PACK(vpkshss, VSH, VB, 8, uint8_t, S, S_TO_S8)
PACK(vpkswss, VSW, VH, 4, uint16_t, S, S_TO_S16)
PACK(vpksdss, VSD, VW, 2, uint32_t, S, S_TO_S32)

/* vpkpx: a 32-bit 8:8:8:8 pixel to 1:5:5:5: word bit 7, then the high
 * five bits of each of the three colour bytes (ISA bits 8:12, 16:20,
 * 24:28). */
static uint16_t pixel_pack(uint32_t w)
{
    return (uint16_t)(((w >> 24) & 1) << 15 | ((w >> 19) & 31) << 10 | ((w >> 11) & 31) << 5 | ((w >> 3) & 31));
}
#define PIXEL(x) pixel_pack(x)
PACK(vpkpx, VW, VH, 4, uint16_t, U, PIXEL)

/* ---- unpack (6.8.2) ---- */

/* Elements FIRST .. FIRST+N-1 of VRB, sign-extended to double size. */
#define UNPACK(name, SRC, DST, n, first, how)                            \
    void insn_##name(struct cpu *c, uint32_t insn)                       \
    {                                                                    \
        VMX_OPERANDS                                                     \
        for (unsigned i = 0; i < n; i++)                                 \
            DST(t, i) = how(SRC(b, (first) + i));                        \
        vr_set(c, f_vrt(insn), t);                                       \
    }
#define SEXT(x) (x)
UNPACK(vupkhsb, VSB, VSH, 8, 0, SEXT)
UNPACK(vupklsb, VSB, VSH, 8, 8, SEXT)
UNPACK(vupkhsh, VSH, VSW, 4, 0, SEXT)
UNPACK(vupklsh, VSH, VSW, 4, 4, SEXT)
UNPACK(vupkhsw, VSW, VSD, 2, 0, SEXT)
UNPACK(vupklsw, VSW, VSD, 2, 2, SEXT)

/* 1:5:5:5 pixel to 8:8:8:8: the one bit sign-extended to a byte, each
 * five-bit colour zero-extended to a byte. */
static uint32_t pixel_unpack(uint16_t h)
{
    return (h & 0x8000 ? 0xff000000u : 0) | (uint32_t)((h >> 10) & 31) << 16 | (uint32_t)((h >> 5) & 31) << 8 | (h & 31u);
}
UNPACK(vupkhpx, VH, VW, 4, 0, pixel_unpack)
UNPACK(vupklpx, VH, VW, 4, 4, pixel_unpack)

/* ---- VSCR moves (6.13) ---- */

/* VSCR is the last word of VRT, the rest zeros. */
void insn_mfvscr(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg t = { .q = 0 };
    VW(t, 3) = (uint32_t)c->vscr[0];
    vr_set(c, f_vrt(insn), t);
}

/* VSCR <- VRB[96:127], all 32 bits. Only NJ and SAT mean anything; the
 * others are reserved, and Book I 1.3.3 lets a reserved register bit
 * written as 1 read back as 0 or 1, so ppcrr keeps what was written (as
 * QEMU does, which keeps the differential test quiet). */
void insn_mtvscr(struct cpu *c, uint32_t insn)
{
    if (!vmx_enabled(c))
        return;
    vreg b = vr_get(c, f_vrb(insn));
    c->vscr[0] = VW(b, 3);
}

/* dst, dstt, dstst, dststt, dss, dssall: hints about data streams, which
 * touch no architected state, so no-ops -- with no facility check, as in
 * QEMU. A touch names its stream's start in (RA), and RA = 0 is an invalid
 * form there (QEMU raises an illegal instruction for it, checked by the
 * differential test). */
void insn_vmx_stream_touch(struct cpu *c, uint32_t insn)
{
    if (f_ra(insn) == 0)
        insn_illegal(c, insn);
}

void insn_vmx_stream_stop(struct cpu *c, uint32_t insn)
{
    (void)c;
    (void)insn;
}
