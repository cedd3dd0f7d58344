/*
 * What the VMX (Power ISA 2.07 Book I ch. 6) and VSX (ch. 7) handlers
 * share: a 128-bit register value with the ISA's element numbering, the
 * facility checks, and 16-byte memory accesses.
 *
 * Element numbering. The ISA numbers a register's bytes, halfwords, words
 * and doublewords from the most significant end: byte 0 is bits 0:7. ppcrr
 * keeps VSR x as two doublewords, c->vsr[2x] (ISA doubleword 0, the most
 * significant) and c->vsr[2x+1] (cpu_fields.def). A `vreg` holds the same
 * 128 bits as one little-endian host integer (the host is little-endian,
 * meson.build checks), so ISA element i of an N-element view is host array
 * index N-1-i; the VB/VH/VW/VD macros do that flip so handlers can be
 * written with the ISA's numbers. This numbering does not depend on
 * MSR[LE]: only the loads and stores see the byte order (vec_load_quad).
 *
 * Registers: VSR 0-31 overlay the FPRs (FPR n = doubleword 0 of VSR n),
 * VSR 32-63 are VR 0-31.
 */
#ifndef PPCRR_EMU_CPU_VEC_H
#define PPCRR_EMU_CPU_VEC_H

#include "emu/cpu/insn.h"
#include "emu/cpu/mem_access.h"

__extension__ typedef unsigned __int128 vec_u128;

typedef union vreg {
    uint8_t b[16];
    uint16_t h[8];
    uint32_t w[4];
    uint64_t d[2];
    int8_t sb[16];
    int16_t sh[8];
    int32_t sw[4];
    int64_t sd[2];
    vec_u128 q;
} vreg;

/* ISA element I of V, as an lvalue: bytes 0-15, halfwords 0-7, words 0-3,
 * doublewords 0-1 (0 = most significant). The S forms are signed. */
#define VB(v, i) ((v).b[15 - (i)])
#define VH(v, i) ((v).h[7 - (i)])
#define VW(v, i) ((v).w[3 - (i)])
#define VD(v, i) ((v).d[1 - (i)])
#define VSB(v, i) ((v).sb[15 - (i)])
#define VSH(v, i) ((v).sh[7 - (i)])
#define VSW(v, i) ((v).sw[3 - (i)])
#define VSD(v, i) ((v).sd[1 - (i)])

static inline vreg vsr_get(const struct cpu *c, unsigned x)
{
    vreg v;
    v.d[1] = c->vsr[2 * x];
    v.d[0] = c->vsr[2 * x + 1];
    return v;
}

static inline void vsr_set(struct cpu *c, unsigned x, vreg v)
{
    c->vsr[2 * x] = v.d[1];
    c->vsr[2 * x + 1] = v.d[0];
}

/* VR n is VSR 32 + n. */
static inline vreg vr_get(const struct cpu *c, unsigned n) { return vsr_get(c, 32 + n); }
static inline void vr_set(struct cpu *c, unsigned n, vreg v) { vsr_set(c, 32 + n, v); }

/* VSCR (in the low word of c->vscr): ISA bits 111 (NJ) and 127 (SAT) of
 * the 128-bit register mfvscr produces, i.e. bits 16 and 0 of its last word. */
#define VSCR_NJ (1u << 16)
#define VSCR_SAT 1u

/* ---- facility checks: false after raising the unavailable interrupt ---- */

static inline bool facility_on(struct cpu *c, uint64_t msr_bit, enum cpu_vector vector)
{
    if (__builtin_expect((c->msr[0] & msr_bit) != 0, 1))
        return true;
    cpu_interrupt(c, vector, 0, false);   /* SRR0 = the instruction (III-S 6.5.10, 6.5.15-16) */
    return false;
}

static inline bool vmx_enabled(struct cpu *c) { return facility_on(c, MSR_VEC, VEC_VMX_UNAVAILABLE); }
static inline bool vsx_enabled(struct cpu *c) { return facility_on(c, MSR_VSX, VEC_VSX_UNAVAILABLE); }
static inline bool fp_enabled(struct cpu *c) { return facility_on(c, MSR_FP, VEC_FP_UNAVAILABLE); }

/* ---- 16-byte accesses ---- */

/* The 16 bytes at EA as one quadword in the current byte order, as lvx
 * sees them: in big-endian mode the byte at EA is ISA byte 0, in
 * little-endian mode the byte at EA+15 is. EA is used as given (the
 * caller aligns it for lvx/stvx). Both halves are read before V is
 * written, so a fault leaves V alone. */
static inline bool vec_load_quad(struct cpu *c, uint64_t ea, vreg *v)
{
    uint64_t first, second;
    if (!cpu_load(c, ea, 8, false, &first) || !cpu_load(c, ea_mode(c, ea + 8), 8, false, &second))
        return false;
    bool le = (c->msr[0] & MSR_LE) != 0;
    v->d[le ? 0 : 1] = first;
    v->d[le ? 1 : 0] = second;
    return true;
}

static inline bool vec_store_quad(struct cpu *c, uint64_t ea, vreg v)
{
    bool le = (c->msr[0] & MSR_LE) != 0;
    return cpu_store(c, ea, 8, false, v.d[le ? 0 : 1]) &&
           cpu_store(c, ea_mode(c, ea + 8), 8, false, v.d[le ? 1 : 0]);
}

#endif
