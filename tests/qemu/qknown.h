/*
 * Documented differences between ppcrr and QEMU user mode (qknown.c): the
 * cases where QEMU is not what a POWER8 does (or the ISA leaves the result
 * undefined), each with the Power ISA 2.07 section that decides it. A
 * mismatch whose culprit instruction matches an entry is reported as a TAP
 * TODO instead of a failure.
 */
#ifndef PPCRR_TESTS_QEMU_QKNOWN_H
#define PPCRR_TESTS_QEMU_QKNOWN_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/cpu/cpu.h"
#include "emu/cpu/insn.h"
#include "tests/qemu/qcase.h"

/* What a predicate sees: the instruction, the state it starts from, and
 * flags earlier instructions of the same run left (a difference can be
 * made by one instruction and show up in a later one). */
struct qknown_ctx {
    const struct cpu *c;
    uint32_t word;
    unsigned sticky;        /* QKNOWN_* flags, zero at the start of a run */
    struct qc_regs before;  /* for `explains`: the state the culprit started from */
};

#define QKNOWN_XER_RESERVED 0x1u   /* mtspr XER wrote reserved bits */
#define QKNOWN_VRSAVE_HIGH 0x2u    /* mtspr VRSAVE wrote bits 0:31 */
#define QKNOWN_VSX_CMP_FPSCR 0x4u  /* an xvcmp* with a NaN element ran (may set VXSNAN, VXVC) */

struct qknown {
    const char *mnemonic;   /* NULL: any row (the predicate decides) */
    const char *what;       /* how the two differ */
    const char *isa;        /* the Power ISA 2.07 section that decides it */
    bool (*applies)(struct qknown_ctx *x);   /* NULL: always */
    /* NULL, or a check of the two states right after the instruction: true
     * if everything that differs is this difference (X->before holds the
     * state the instruction started from). */
    bool (*explains)(const struct qknown_ctx *x, const struct qc_result *qemu,
                     const struct qc_result *ppcrr);
};

#define QKNOWN_MAX 96       /* room the comparator keeps per row */

extern const struct qknown qknown_table[];
extern const unsigned qknown_count;

/* Call for every instruction of a run, in order: the entries that apply to
 * X->word (decoded as row D), in table order, into OUT (up to QKNOWN_MAX);
 * returns how many. */
unsigned qknown_match(const struct insn_def *d, struct qknown_ctx *x,
                      const struct qknown **out);

/* Adjustments: results the ISA leaves undefined where QEMU's choice is
 * always the same, and QEMU deficiencies simple enough to imitate exactly.
 * Right after such an instruction completes on ppcrr, the harness rewrites
 * ppcrr's state the way QEMU leaves it, so that the difference neither
 * fails the case nor spreads into later instructions; how often that
 * changed something is reported per row as a TAP TODO. What is adjusted
 * away is not checked against QEMU at all: the unit tests must cover it. */
struct qadjust {
    const char *what;       /* the field, and what QEMU does with it */
    const char *isa;        /* the Power ISA 2.07 text that decides it */
    /* Rewrites C after row D ran WORD from FPSCR_BEFORE; true if changed. */
    bool (*adjust)(struct cpu *c, const struct insn_def *d, uint32_t word, uint64_t fpscr_before);
};

#define QADJUST_MAX 16

extern const struct qadjust qadjust_table[];
extern const unsigned qadjust_count;

/* Applies every entry; returns a mask of those that changed C. */
unsigned qknown_adjust(struct cpu *c, const struct insn_def *d, uint32_t word,
                       uint64_t fpscr_before);

#endif
