/*
 * The table of documented ppcrr/QEMU differences (qknown.h).
 *
 * An entry belongs here only when the deciding document says ppcrr's
 * behaviour is right (or that both are allowed); anything else is a ppcrr
 * bug and must stay a failure. Predicates look at the state the culprit
 * instruction started from, so an entry covers exactly the operand values
 * that make the difference and no more.
 */
#include "tests/qemu/qknown.h"

#include <stdint.h>
#include <string.h>

#include "emu/cpu/insn.h"
#include "tests/qemu/qgen.h"

static bool is_amr(struct qknown_ctx *x) { return f_spr(x->word) == 13; }
static bool is_dscr(struct qknown_ctx *x) { return f_spr(x->word) == 3; }
static bool is_ppr32(struct qknown_ctx *x) { return f_spr(x->word) == 898; }

/* mtspr XER of a value with reserved bits set: QEMU keeps them (all of
 * XER 0:31 and 35:56), so a later mfspr XER gives them back. The compared
 * XER bits are unaffected; the difference appears in mfspr's target. */
static bool xer_reserved_written(struct qknown_ctx *x)
{
    const uint64_t defined = XER_SO | XER_OV | XER_CA | XER_OV32 | XER_CA32 | XER_BC_MASK;
    if (f_spr(x->word) == 1 && (x->c->gpr[f_rs(x->word)] & ~defined))
        x->sticky |= QKNOWN_XER_RESERVED;
    return false;
}

static bool xer_reserved_read(struct qknown_ctx *x)
{
    return f_spr(x->word) == 1 && (x->sticky & QKNOWN_XER_RESERVED);
}

/* mtspr VRSAVE of a value with its high word set: VRSAVE is a 32-bit SPR,
 * so ppcrr drops the high word and mfspr reads it as 0; QEMU keeps all 64
 * bits. Found with seed 2. */
static bool vrsave_high_written(struct qknown_ctx *x)
{
    if (f_spr(x->word) == 256 && (x->c->gpr[f_rs(x->word)] >> 32))
        x->sticky |= QKNOWN_VRSAVE_HIGH;
    return false;
}

static bool vrsave_high_read(struct qknown_ctx *x)
{
    return f_spr(x->word) == 256 && (x->sticky & QKNOWN_VRSAVE_HIGH);
}

/* divde: the quotient of (RA || 64 zeros) / RB does not fit a signed
 * doubleword (or RB is 0). */
static bool divde_overflows(struct qknown_ctx *x)
{
    int64_t a = (int64_t)x->c->gpr[f_ra(x->word)], b = (int64_t)x->c->gpr[f_rb(x->word)];
    if (b == 0)
        return true;
    if (b == -1)
        return a != 0;             /* -(a * 2^64) fits only when a is 0 */
    __int128 q = ((__int128)a * ((__int128)1 << 64)) / b;
    return q > INT64_MAX || q < INT64_MIN;
}

/* stqcx. while ppcrr holds a reservation (so it stores and reports
 * success). */
static bool reserved(struct qknown_ctx *x) { return x->c->reserve_len[0] != 0; }

/* dcbf with L = 3 (dcbflp). */
static bool dcbflp(struct qknown_ctx *x) { return ((x->word >> 21) & 3) == 3; }

const struct qknown qknown_table[] = {
    { "stqcx.", "QEMU 7.2 (LE) fails stqcx. even right after a matching lqarx with no store "
      "in between; POWER8 stores and sets CR0[EQ]",
      "Book II 4.4.2 Load and Reserve and Store Conditional Instructions", reserved },
    { "divde", "overflow: RT is undefined, and QEMU 7.2 misses the overflow (OV, SO, CR0) "
      "when the quotient is in [2^63, 2^64)",
      "Book I 3.3.9 Fixed-Point Arithmetic Instructions (divde: 'if the quotient cannot be "
      "represented in 64 bits' -- as a signed doubleword)", divde_overflows },
    { "icbt", "QEMU 7.2 has no icbt for Server CPUs: SIGILL",
      "Book II 4.3.1 Instruction Cache Instructions (icbt)", NULL },
    { "dcbf", "QEMU 7.2 accepts only L=0 and 1: SIGILL for dcbflp (L=3)",
      "Book II 4.3.2 Data Cache Instructions (dcbf L=3 is dcbflp)", dcbflp },
    { "mfspr", "QEMU 7.2 linux-user raises SIGILL for the problem-state AMR (SPR 13)",
      "Book III-S ch. 5, Virtual Page Class Key Protection: AMR is readable and (through "
      "UAMOR) writable in problem state as SPR 13", is_amr },
    { "mtspr", "QEMU 7.2 linux-user raises SIGILL for the problem-state AMR (SPR 13)",
      "Book III-S ch. 5, Virtual Page Class Key Protection: AMR is readable and (through "
      "UAMOR) writable in problem state as SPR 13", is_amr },
    { "mfspr", "QEMU 7.2 linux-user raises SIGILL for the problem-state DSCR (SPR 3)",
      "Book II ch. 4, Data Stream Control Register: SPR 3 is the problem-state DSCR", is_dscr },
    { "mtspr", "QEMU 7.2 linux-user raises SIGILL for the problem-state DSCR (SPR 3)",
      "Book II ch. 4, Data Stream Control Register: SPR 3 is the problem-state DSCR", is_dscr },
    { "mfspr", "QEMU 7.2 does not implement PPR32 (SPR 898): SIGILL",
      "Book II ch. 3, Program Priority Register: PPR32 (SPR 898) is bits 0:31 of PPR", is_ppr32 },
    { "mtspr", "QEMU 7.2 does not implement PPR32 (SPR 898): SIGILL",
      "Book II ch. 3, Program Priority Register: PPR32 (SPR 898) is bits 0:31 of PPR", is_ppr32 },
    { "mtspr", "(marks XER reserved bits written; never itself the difference)", "",
      xer_reserved_written },
    { "mfspr", "QEMU keeps the reserved XER bits an mtspr wrote and mfspr returns them",
      "Book I 3.2.2 (XER bits 0:31 and 35:56 are reserved) with Book I 1.3.3 (reserved "
      "fields)", xer_reserved_read },
    { "mtspr", "(marks VRSAVE's high word written; never itself the difference)", "",
      vrsave_high_written },
    { "mfspr", "QEMU keeps 64 bits in VRSAVE; it is a 32-bit register, read as 32 zeros || VRSAVE",
      "Book I, Vector Facility, VR Save Register (a 32-bit register) with the mfspr "
      "description (a 32-bit SPR reads into RT 32:63, RT 0:31 = 0)", vrsave_high_read },
};
const unsigned qknown_count = sizeof qknown_table / sizeof qknown_table[0];
_Static_assert(sizeof qknown_table / sizeof qknown_table[0] <= QKNOWN_MAX, "raise QKNOWN_MAX");

const struct qknown *qknown_find(const char *mnemonic, struct qknown_ctx *x)
{
    for (unsigned i = 0; i < qknown_count; i++) {
        const struct qknown *q = &qknown_table[i];
        if (qgen_same_mnemonic(q->mnemonic, mnemonic) && (!q->applies || q->applies(x)))
            return q;
    }
    return NULL;
}

/* ---- undefined results adopted from QEMU ---- */

/* The non-VSX floating-point instructions that write FPR FRT (FRTp and
 * FRTp+1 for lfdp/lfdpx): everything of primaries 59 and 63 but the
 * compares, the FPSCR moves into CR/FPSCR and the test instructions, and
 * the FP loads. */
static unsigned fp_targets(const struct insn_def *d)
{
    static const char *const no_target[] = {
        "fcmpu", "fcmpo", "mcrfs", "mtfsb0", "mtfsb1", "mtfsfi", "mtfsf", "ftdiv", "ftsqrt",
    };
    const char *m = d->mnemonic;
    if (d->primary == 59 || d->primary == 63) {
        for (size_t i = 0; i < sizeof no_target / sizeof no_target[0]; i++)
            if (qgen_same_mnemonic(m, no_target[i]))
                return 0;
        return 1;
    }
    if (!strncmp(m, "lfdp", 4))
        return 2;
    return !strncmp(m, "lf", 2) ? 1 : 0;
}

const struct qundefined qundefined_table[] = {
    { "doubleword 1 of VSR[FRT] after a non-VSX floating-point instruction (arithmetic, "
      "moves, conversions, mffs, FP loads) writes FPR FRT: QEMU 7.2 sets it to 0",
      "Book I 7.2.1 (the FPRs are doubleword 0 of VSRs 0-31; a floating-point instruction "
      "that writes an FPR leaves doubleword 1 of that VSR undefined)" },
};
const unsigned qundefined_count = sizeof qundefined_table / sizeof qundefined_table[0];

void qknown_adopt_undefined(struct cpu *c, const struct insn_def *d, uint32_t word)
{
    unsigned n = fp_targets(d);
    for (unsigned k = 0; k < n; k++)
        c->vsr[2 * ((f_rt(word) + k) % 32) + 1] = 0;
}
