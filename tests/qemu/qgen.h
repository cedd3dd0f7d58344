/*
 * The differential test's case generator (qgen.c), shared by the qgen
 * command and the comparator (qdiff) (which generates in-process when given
 * --seed/--count instead of a case file, and builds attribution variants).
 *
 * It draws rows from ppcrr's own instruction table (insn_table after
 * decode_init), so every row the table holds is exercised unless it is
 * privileged or on the commented exclusion list in qgen.c, and rows added
 * later are picked up without a change here.
 */
#ifndef PPCRR_TESTS_QEMU_QGEN_H
#define PPCRR_TESTS_QEMU_QGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/cpu/insn.h"
#include "tests/qemu/qcase.h"

struct qgen_options {
    uint64_t seed;
    unsigned count;
    const char *only;        /* generate only this mnemonic (plus setup), or NULL */
    unsigned min_len, max_len;   /* instructions drawn per case (setup not counted) */
};

/* Why row D is never generated, or NULL if it is. */
const char *qgen_exclusion(const struct insn_def *d);

/* True if the generator knows D's operand roles (rather than guessing
 * them from its form, which qgen_generate reports on LOG). */
bool qgen_has_roles(const struct insn_def *d);

/* Mnemonic equality that ignores a trailing '.' ("stwcx." and "stwcx"). */
bool qgen_same_mnemonic(const char *a, const char *b);

/* Fills CASES[0..o->count-1]. GENERATED, if not NULL, has insn_table_size
 * counters and gets how often each row was emitted (setup included).
 * Returns false, with a message on LOG, if --only names no eligible row. */
bool qgen_generate(const struct qgen_options *o, struct qc_case *cases, unsigned *generated,
                   FILE *log);

/* Writes/reads a case file (qcase.h). Read returns a malloc'ed array. */
bool qgen_write_cases(const char *path, const struct qc_case *cases, unsigned count);
struct qc_case *qgen_read_cases(const char *path, unsigned *count);

#endif
