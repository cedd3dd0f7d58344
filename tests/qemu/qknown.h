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

/* What a predicate sees: the instruction, the state it starts from, and
 * flags earlier instructions of the same run left (a difference can be
 * made by one instruction and show up in a later one). */
struct qknown_ctx {
    const struct cpu *c;
    uint32_t word;
    unsigned sticky;        /* QKNOWN_* flags, zero at the start of a run */
};

#define QKNOWN_XER_RESERVED 0x1u   /* mtspr XER wrote reserved bits */
#define QKNOWN_VRSAVE_HIGH 0x2u    /* mtspr VRSAVE wrote bits 0:31 */

struct qknown {
    const char *mnemonic;
    const char *what;       /* how the two differ */
    const char *isa;        /* the Power ISA 2.07 section that decides it */
    bool (*applies)(struct qknown_ctx *x);   /* NULL: always */
};

#define QKNOWN_MAX 32       /* room the comparator keeps per row */

extern const struct qknown qknown_table[];
extern const unsigned qknown_count;

/* Call for every instruction of a run, in order: the first entry that
 * applies to X->word (decoded as MNEMONIC), or NULL. */
const struct qknown *qknown_find(const char *mnemonic, struct qknown_ctx *x);

/* Results the ISA leaves undefined where QEMU's choice is always the same:
 * right after such an instruction completes on ppcrr, the harness puts
 * QEMU's choice into ppcrr's state, so that the difference neither fails
 * the case nor spreads into later instructions. */
struct qundefined {
    const char *what;       /* the field, and what QEMU puts there */
    const char *isa;        /* the Power ISA 2.07 text that leaves it undefined */
};

extern const struct qundefined qundefined_table[];
extern const unsigned qundefined_count;

/* Applies the entries to C after instruction WORD (row D) completed. */
void qknown_adopt_undefined(struct cpu *c, const struct insn_def *d, uint32_t word);

#endif
