/*
 * The comparator's parts (qdiff.c drives them): running qrunner under
 * qemu-ppc64le (qqemu.c) and printing a failing case (qreport.c).
 */
#ifndef PPCRR_TESTS_QEMU_QDIFF_H
#define PPCRR_TESTS_QEMU_QDIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "tests/qemu/qcase.h"
#include "tests/qemu/qppcrr.h"

struct qemu_setup {
    const char *qemu;         /* qemu-ppc64le */
    const char *runner;       /* qrunner, the static ppc64le program */
    const char *objdump;      /* powerpc64le objdump for reports, or NULL */
    unsigned runs;            /* how many times QEMU was started */
    unsigned deaths;          /* cases on which QEMU itself died */
};

/* Runs CASES[0..n-1] under QEMU into RESULTS. A case that kills QEMU gets
 * signo QC_QEMU_DIED and the run goes on from the next one. False (with a
 * TAP diagnostic) if QEMU cannot run the runner at all. */
bool qemu_run_cases(struct qemu_setup *q, const struct qc_case *cases, unsigned n,
                    struct qc_result *results);

/* Prints case C as TAP diagnostics: its words (disassembled when objdump
 * is there), the initial state, and both final states. CULPRIT is the word
 * attributed, or -1; AT_CULPRIT_* are the results of the run that stopped
 * right after it (may be NULL). */
void report_case(const struct qemu_setup *q, const struct qc_case *c, int culprit,
                 const struct qc_result *qemu, const struct qc_result *ppcrr,
                 const struct qc_result *at_culprit_qemu, const struct qc_result *at_culprit_ppcrr);

#endif
