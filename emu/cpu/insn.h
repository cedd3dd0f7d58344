/*
 * The instruction set as data, and what every handler needs.
 *
 * Each family of instructions has a table (insn_*.def) of rows
 *   INSN(mnemonic, form, primary, xo, reserved, flags, handler)
 * and a file of handlers (insn_*.c). The decoder (decode.c) builds a
 * mask/match pair per row from its form, primary and extended opcode, so
 * `add`, `add.`, `addo` and `addo.` are one row whose handler looks at the
 * Rc and OE bits. `reserved` lists instruction bits that must be zero: a
 * word with any of them set is an invalid form and raises an illegal
 * instruction program interrupt. A unit test fails if two rows overlap.
 *
 * All handlers share one signature. When a handler runs, c->cia is its own
 * address and c->nip already points at the next instruction; a branch or an
 * interrupt just writes c->nip.
 */
#ifndef PPCRR_EMU_CPU_INSN_H
#define PPCRR_EMU_CPU_INSN_H

#include <stdint.h>

#include "emu/cpu/cpu.h"

typedef void (*insn_fn)(struct cpu *c, uint32_t insn);

/* Instruction formats, by where their extended opcode sits (ISA bits). */
enum insn_form {
    FORM_I,     /* b: no extended opcode */
    FORM_B,     /* bc */
    FORM_SC,    /* sc: ISA bit 30 is 1 */
    FORM_D,
    FORM_DS,    /* xo in bits 30:31 */
    FORM_DQ,    /* lq */
    FORM_X,     /* xo in bits 21:30 */
    FORM_XL,
    FORM_XFX,
    FORM_XO,    /* xo in bits 22:30, OE in bit 21 */
    FORM_XS,    /* xo in bits 21:29 (sradi) */
    FORM_A,     /* xo in bits 26:30 (isel) */
    FORM_M,     /* rlwinm & co: no extended opcode */
    FORM_MD,    /* xo in bits 27:29 */
    FORM_MDS,   /* xo in bits 27:30 */
    /* VMX (primary 4). */
    FORM_VA,    /* xo in bits 26:31 (vmaddfp, vperm, vsldoi) */
    FORM_VX,    /* xo in bits 21:31 */
    FORM_VC,    /* xo in bits 22:31, Rc in bit 21 (vector compares) */
    /* VSX (primary 60). Register numbers are 6 bits: the 5-bit field plus
     * an extension bit in 28:31 (f_xt and friends below). */
    FORM_XX2,   /* xo in bits 21:29 */
    FORM_XX3,   /* xo in bits 21:28 */
    FORM_XX3R,  /* xo in bits 22:28, Rc in bit 21 (vector compares) */
    FORM_XX3I,  /* xo in bits 24:28, bit 21 = 0, an immediate in 22:23 (xxpermdi, xxsldwi) */
    FORM_XX4,   /* xo in bits 26:27 (xxsel) */
};

/* Row flags. */
#define INSN_RC 0x01u      /* bit 31 is Rc (record CR0 or CR1) */
#define INSN_OE 0x02u      /* bit 21 is OE (record XER[OV]) */
#define INSN_RC1 0x04u     /* bit 31 must be 1 (stwcx. and family) */
#define INSN_PRIV 0x08u    /* privileged: MSR[PR]=1 raises a program interrupt */
#define INSN_64 0x10u      /* 64-bit only (informational on a 64-bit CPU) */
#define INSN_BRANCH 0x20u  /* may change the flow (for the exec log) */
#define INSN_BIT31 0x40u   /* bit 31 is an operand (larx EH, VSX TX/SX), not reserved */

struct insn_def {
    const char *mnemonic;
    enum insn_form form;
    uint8_t primary;
    uint16_t xo;
    uint32_t reserved;
    uint32_t flags;
    insn_fn fn;
    uint32_t mask, match;  /* computed by decode_init */
};

/* Every row of every family, in table order (decode.c). */
extern struct insn_def insn_table[];
extern const unsigned insn_table_size;

/* The row for WORD, or NULL if none matches. Reserved bits are not looked
 * at here; the caller checks `def->reserved`. */
const struct insn_def *decode_word(uint32_t word);
void decode_init(void);

/* ---- instruction fields (ISA bit positions in the comments) ---- */

static inline unsigned f_rt(uint32_t i) { return (i >> 21) & 31; }   /* 6:10 */
static inline unsigned f_rs(uint32_t i) { return (i >> 21) & 31; }
static inline unsigned f_ra(uint32_t i) { return (i >> 16) & 31; }   /* 11:15 */
static inline unsigned f_rb(uint32_t i) { return (i >> 11) & 31; }   /* 16:20 */
static inline unsigned f_rc_reg(uint32_t i) { return (i >> 6) & 31; } /* 21:25 (A-form) */
static inline unsigned f_bf(uint32_t i) { return (i >> 23) & 7; }    /* 6:8 */
static inline unsigned f_bfa(uint32_t i) { return (i >> 18) & 7; }   /* 11:13 */
static inline unsigned f_l(uint32_t i) { return (i >> 21) & 1; }     /* 10 (compares) */
static inline unsigned f_to(uint32_t i) { return (i >> 21) & 31; }
static inline unsigned f_bo(uint32_t i) { return (i >> 21) & 31; }
static inline unsigned f_bi(uint32_t i) { return (i >> 16) & 31; }
static inline unsigned f_bt(uint32_t i) { return (i >> 21) & 31; }
static inline unsigned f_ba(uint32_t i) { return (i >> 16) & 31; }
static inline unsigned f_bb(uint32_t i) { return (i >> 11) & 31; }
static inline unsigned f_sh(uint32_t i) { return (i >> 11) & 31; }   /* 16:20 */
static inline unsigned f_mb(uint32_t i) { return (i >> 6) & 31; }    /* 21:25 */
static inline unsigned f_me(uint32_t i) { return (i >> 1) & 31; }    /* 26:30 */
static inline unsigned f_nb(uint32_t i) { return (i >> 11) & 31; }
static inline unsigned f_rc(uint32_t i) { return i & 1; }            /* 31 */
static inline unsigned f_oe(uint32_t i) { return (i >> 10) & 1; }    /* 21 */
static inline int64_t f_si(uint32_t i) { return (int16_t)(i & 0xffff); }
static inline uint64_t f_ui(uint32_t i) { return i & 0xffff; }
static inline int64_t f_ds(uint32_t i) { return (int16_t)(i & 0xfffc); }
/* 64-bit shift of MD/XS forms: sh 16:20 || sh5 30 (MD) or 30 (XS). */
static inline unsigned f_sh6(uint32_t i) { return ((i >> 11) & 31) | ((i << 4) & 32); }
/* 6-bit mask begin/end of MD/MDS forms: mb 21:26 stored as mb5 || mb0:4. */
static inline unsigned f_mb6(uint32_t i) { return ((i >> 6) & 31) | (i & 32); }
/* VMX fields: VRT/VRS 6:10, VRA 11:15, VRB 16:20, VRC 21:25 (VA form),
 * and the compares' Rc in bit 21. */
static inline unsigned f_vrt(uint32_t i) { return (i >> 21) & 31; }
static inline unsigned f_vra(uint32_t i) { return (i >> 16) & 31; }
static inline unsigned f_vrb(uint32_t i) { return (i >> 11) & 31; }
static inline unsigned f_vrc(uint32_t i) { return (i >> 6) & 31; }
static inline unsigned f_vrc_rc(uint32_t i) { return (i >> 10) & 1; }   /* 21 (VC, XX3R forms) */
/* VSX 6-bit register fields: T (6:10) with TX (31), A (11:15) with AX
 * (29), B (16:20) with BX (30), C (21:25) with CX (28). */
static inline unsigned f_xt(uint32_t i) { return ((i >> 21) & 31) | (i & 1) << 5; }
static inline unsigned f_xa(uint32_t i) { return ((i >> 16) & 31) | ((i >> 2) & 1) << 5; }
static inline unsigned f_xb(uint32_t i) { return ((i >> 11) & 31) | ((i >> 1) & 1) << 5; }
static inline unsigned f_xc(uint32_t i) { return ((i >> 6) & 31) | ((i >> 3) & 1) << 5; }
static inline unsigned f_dm(uint32_t i) { return (i >> 8) & 3; }        /* 22:23 (xxpermdi DM, xxsldwi SHW) */

/* SPR number: the two 5-bit halves of bits 11:20 swapped. */
static inline unsigned f_spr(uint32_t i) { return ((i >> 16) & 31) | ((i >> 6) & 0x3e0); }

/* ---- register helpers ---- */

static inline bool cpu_64bit(const struct cpu *c) { return c->msr[0] & MSR_SF; }

/* An effective address as the current mode computes it. */
static inline uint64_t ea_mode(const struct cpu *c, uint64_t ea)
{
    return cpu_64bit(c) ? ea : (uint32_t)ea;
}

/* (RA|0) + disp, the usual EA. */
static inline uint64_t ea_ra0(const struct cpu *c, uint32_t i, uint64_t disp)
{
    unsigned ra = f_ra(i);
    return ea_mode(c, (ra ? c->gpr[ra] : 0) + disp);
}

static inline unsigned cr_field(const struct cpu *c, unsigned bf)
{
    return (unsigned)(c->cr[0] >> (28 - 4 * bf)) & 0xf;
}

static inline void cr_set_field(struct cpu *c, unsigned bf, unsigned value)
{
    unsigned shift = 28 - 4 * bf;
    c->cr[0] = (c->cr[0] & ~(0xfull << shift)) | (uint64_t)(value & 0xf) << shift;
}

static inline unsigned cr_bit(const struct cpu *c, unsigned bit)   /* ISA CR bit 0..31 */
{
    return (unsigned)(c->cr[0] >> (31 - bit)) & 1;
}

static inline void cr_set_bit(struct cpu *c, unsigned bit, unsigned value)
{
    uint64_t m = 1ull << (31 - bit);
    c->cr[0] = value ? c->cr[0] | m : c->cr[0] & ~m;
}

#define CR_LT 8u
#define CR_GT 4u
#define CR_EQ 2u
#define CR_SO 1u

static inline unsigned xer_so(const struct cpu *c) { return (c->xer[0] & XER_SO) != 0; }
static inline unsigned xer_ca(const struct cpu *c) { return (c->xer[0] & XER_CA) != 0; }

/* CR0 from a result: compared as 64-bit signed in 64-bit mode, as the low
 * word sign-extended in 32-bit mode; SO copied from XER. */
static inline void set_cr0(struct cpu *c, uint64_t result)
{
    int64_t v = cpu_64bit(c) ? (int64_t)result : (int32_t)result;
    cr_set_field(c, 0, (v < 0 ? CR_LT : v > 0 ? CR_GT : CR_EQ) | xer_so(c));
}

static inline void set_ca(struct cpu *c, unsigned ca, unsigned ca32)
{
    c->xer[0] = (c->xer[0] & ~(XER_CA | XER_CA32)) | (ca ? XER_CA : 0) | (ca32 ? XER_CA32 : 0);
}

/* OV and OV32 as computed; SO is sticky. */
static inline void set_ov(struct cpu *c, unsigned ov, unsigned ov32)
{
    uint64_t x = c->xer[0] & ~(XER_OV | XER_OV32);
    if (ov)
        x |= XER_OV | XER_SO;
    if (ov32)
        x |= XER_OV32;
    c->xer[0] = x;
}

/* Handlers the families share (exception.c). */
void insn_illegal(struct cpu *c, uint32_t insn);

#endif
