/*
 * Handlers for insn_vsx_perm.def: the VSX loads and stores (Power ISA 2.07
 * Book I 7.6.1.1-7.6.1.2), permutes and selects (7.6.1.10-11) and logical
 * instructions (7.6.1.9). All need MSR[VSX], whichever VSRs they name
 * (7.2.1); none touches the FPSCR.
 *
 * Byte order. Each access of the pseudocode, MEM(EA, n), is n bytes in the
 * current byte order (MSR[LE]), and the element order is the ISA's: lxvd2x
 * puts the doubleword at EA in doubleword 0 and the one at EA+8 in
 * doubleword 1, each byte-reversed on its own in little-endian mode, and
 * lxvw4x does the same per word. So in little-endian mode lxvd2x is not the
 * 16-byte reversal lvx does (vec_load_quad): the two doublewords keep
 * their order. Every access is read before anything is written, so a fault
 * leaves the target alone.
 *
 * Scalar loads (lxsdx, lxsiwax, lxsiwzx, lxsspx) write doubleword 0; the
 * ISA leaves doubleword 1 undefined. ppcrr leaves it unchanged, as QEMU
 * 7.2 does (POWER9's ISA 3.0 still calls it undefined).
 *
 * Alignment: like the FP loads and stores, unaligned accesses are
 * performed (cpu_load/cpu_store split them as needed).
 */
#include "emu/cpu/fp_common.h"
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* ---- loads and stores ---- */

/* How each load builds doubleword 0 from its word (the scalar loads). */
enum vsx_scalar { SCALAR_DWORD, SCALAR_WORD_SIGNED, SCALAR_WORD_ZERO, SCALAR_SINGLE };

static uint64_t ea_x(const struct cpu *c, uint32_t insn)
{
    return ea_ra0(c, insn, c->gpr[f_rb(insn)]);
}

ALWAYS_INLINE void load_scalar(struct cpu *c, uint32_t insn, enum vsx_scalar kind)
{
    if (!vsx_enabled(c))
        return;
    uint64_t v;
    if (!cpu_load(c, ea_x(c, insn), kind == SCALAR_DWORD ? 8 : 4, false, &v))
        return;
    switch (kind) {
    case SCALAR_DWORD: break;
    case SCALAR_WORD_SIGNED: v = (uint64_t)(int64_t)(int32_t)v; break;
    case SCALAR_WORD_ZERO: break;
    case SCALAR_SINGLE: v = fp_double_of_single((uint32_t)v); break;
    }
    c->vsr[2 * f_xt(insn)] = v;   /* doubleword 0; doubleword 1 kept */
}

ALWAYS_INLINE void store_scalar(struct cpu *c, uint32_t insn, enum vsx_scalar kind)
{
    if (!vsx_enabled(c))
        return;
    uint64_t v = c->vsr[2 * f_xt(insn)];
    switch (kind) {
    case SCALAR_DWORD: break;
    case SCALAR_WORD_SIGNED:                        /* not a store kind */
    case SCALAR_WORD_ZERO: v = (uint32_t)v; break;  /* stxsiwx: word 1 */
    case SCALAR_SINGLE: v = fp_single_of_double(v); break;
    }
    cpu_store(c, ea_x(c, insn), kind == SCALAR_DWORD ? 8 : 4, false, v);
}

void insn_lxsdx(struct cpu *c, uint32_t insn) { load_scalar(c, insn, SCALAR_DWORD); }
void insn_lxsiwax(struct cpu *c, uint32_t insn) { load_scalar(c, insn, SCALAR_WORD_SIGNED); }
void insn_lxsiwzx(struct cpu *c, uint32_t insn) { load_scalar(c, insn, SCALAR_WORD_ZERO); }
void insn_lxsspx(struct cpu *c, uint32_t insn) { load_scalar(c, insn, SCALAR_SINGLE); }
void insn_stxsdx(struct cpu *c, uint32_t insn) { store_scalar(c, insn, SCALAR_DWORD); }
void insn_stxsiwx(struct cpu *c, uint32_t insn) { store_scalar(c, insn, SCALAR_WORD_ZERO); }
void insn_stxsspx(struct cpu *c, uint32_t insn) { store_scalar(c, insn, SCALAR_SINGLE); }

/* N elements of SIZE bytes (8 or 4), element i at EA + i*SIZE. */
static bool load_elements(struct cpu *c, uint64_t ea, unsigned size, vreg *v)
{
    vreg t;
    for (unsigned i = 0; i < 16 / size; i++) {
        uint64_t e;
        if (!cpu_load(c, ea_mode(c, ea + i * size), size, false, &e))
            return false;
        if (size == 8)
            VD(t, i) = e;
        else
            VW(t, i) = (uint32_t)e;
    }
    *v = t;
    return true;
}

static void store_elements(struct cpu *c, uint64_t ea, unsigned size, vreg v)
{
    for (unsigned i = 0; i < 16 / size; i++)
        if (!cpu_store(c, ea_mode(c, ea + i * size), size, false, size == 8 ? VD(v, i) : VW(v, i)))
            return;
}

ALWAYS_INLINE void load_vector(struct cpu *c, uint32_t insn, unsigned size)
{
    vreg v;
    if (vsx_enabled(c) && load_elements(c, ea_x(c, insn), size, &v))
        vsr_set(c, f_xt(insn), v);
}

ALWAYS_INLINE void store_vector(struct cpu *c, uint32_t insn, unsigned size)
{
    if (vsx_enabled(c))
        store_elements(c, ea_x(c, insn), size, vsr_get(c, f_xt(insn)));
}

void insn_lxvd2x(struct cpu *c, uint32_t insn) { load_vector(c, insn, 8); }
void insn_lxvw4x(struct cpu *c, uint32_t insn) { load_vector(c, insn, 4); }
void insn_stxvd2x(struct cpu *c, uint32_t insn) { store_vector(c, insn, 8); }
void insn_stxvw4x(struct cpu *c, uint32_t insn) { store_vector(c, insn, 4); }

/* lxvdsx: the doubleword at EA in both halves. */
void insn_lxvdsx(struct cpu *c, uint32_t insn)
{
    uint64_t d;
    if (!vsx_enabled(c) || !cpu_load(c, ea_x(c, insn), 8, false, &d))
        return;
    unsigned xt = f_xt(insn);
    c->vsr[2 * xt] = d;
    c->vsr[2 * xt + 1] = d;
}

/* ---- permutes and selects ---- */

/* xxpermdi: DM bit 0 (ISA 22) picks XA's doubleword for doubleword 0, DM
 * bit 1 (23) XB's for doubleword 1. */
void insn_xxpermdi(struct cpu *c, uint32_t insn)
{
    if (!vsx_enabled(c))
        return;
    vreg a = vsr_get(c, f_xa(insn)), b = vsr_get(c, f_xb(insn)), t;
    unsigned dm = f_dm(insn);
    VD(t, 0) = VD(a, dm >> 1);
    VD(t, 1) = VD(b, dm & 1);
    vsr_set(c, f_xt(insn), t);
}

/* xxsldwi: words SHW..SHW+3 of the 8-word XA || XB. */
void insn_xxsldwi(struct cpu *c, uint32_t insn)
{
    if (!vsx_enabled(c))
        return;
    vreg a = vsr_get(c, f_xa(insn)), b = vsr_get(c, f_xb(insn)), t;
    unsigned shw = f_dm(insn);
    for (unsigned i = 0; i < 4; i++) {
        unsigned k = shw + i;
        VW(t, i) = k < 4 ? VW(a, k) : VW(b, k - 4);
    }
    vsr_set(c, f_xt(insn), t);
}

/* xxsel: each bit from XB where XC has a 1, from XA where it has a 0. */
void insn_xxsel(struct cpu *c, uint32_t insn)
{
    if (!vsx_enabled(c))
        return;
    vreg a = vsr_get(c, f_xa(insn)), b = vsr_get(c, f_xb(insn)), m = vsr_get(c, f_xc(insn)), t;
    t.q = (a.q & ~m.q) | (b.q & m.q);
    vsr_set(c, f_xt(insn), t);
}

/* xxmrghw (HALF 0) and xxmrglw (HALF 2): words HALF and HALF+1 of XA and
 * XB, interleaved A, B, A, B. */
ALWAYS_INLINE void merge_words(struct cpu *c, uint32_t insn, unsigned half)
{
    if (!vsx_enabled(c))
        return;
    vreg a = vsr_get(c, f_xa(insn)), b = vsr_get(c, f_xb(insn)), t;
    VW(t, 0) = VW(a, half);
    VW(t, 1) = VW(b, half);
    VW(t, 2) = VW(a, half + 1);
    VW(t, 3) = VW(b, half + 1);
    vsr_set(c, f_xt(insn), t);
}

void insn_xxmrghw(struct cpu *c, uint32_t insn) { merge_words(c, insn, 0); }
void insn_xxmrglw(struct cpu *c, uint32_t insn) { merge_words(c, insn, 2); }

/* xxspltw: word UIM (ISA 14:15) of XB in all four words. */
void insn_xxspltw(struct cpu *c, uint32_t insn)
{
    if (!vsx_enabled(c))
        return;
    vreg b = vsr_get(c, f_xb(insn)), t;
    uint32_t w = VW(b, (insn >> 16) & 3);
    for (unsigned i = 0; i < 4; i++)
        VW(t, i) = w;
    vsr_set(c, f_xt(insn), t);
}

/* ---- logical (7.6.1.9) ---- */

#define LOGICAL(name, expr)                                                  \
    void insn_##name(struct cpu *c, uint32_t insn)                           \
    {                                                                        \
        if (!vsx_enabled(c))                                                 \
            return;                                                          \
        vreg a = vsr_get(c, f_xa(insn)), b = vsr_get(c, f_xb(insn)), t;      \
        t.q = (expr);                                                        \
        vsr_set(c, f_xt(insn), t);                                           \
    }

LOGICAL(xxland,  a.q & b.q)
LOGICAL(xxlandc, a.q & ~b.q)
LOGICAL(xxlor,   a.q | b.q)
LOGICAL(xxlxor,  a.q ^ b.q)
LOGICAL(xxlnor,  ~(a.q | b.q))
LOGICAL(xxlorc,  a.q | ~b.q)
LOGICAL(xxlnand, ~(a.q & b.q))
LOGICAL(xxleqv,  ~(a.q ^ b.q))
