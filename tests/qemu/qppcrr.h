/*
 * The ppcrr side of the differential test (qppcrr.c): runs a case
 * (qcase.h) on a ppcrr vCPU the way qrunner runs it under QEMU, producing
 * the same kind of result, and compares two results.
 */
#ifndef PPCRR_TESTS_QEMU_QPPCRR_H
#define PPCRR_TESTS_QEMU_QPPCRR_H

#include <stdbool.h>
#include <stdio.h>

#include "emu/cpu/cpu.h"
#include "tests/qemu/qcase.h"

/* RAM from 0 up to the end of the data area: a lazily backed mapping,
 * reused for every case. */
struct qp_machine {
    struct guest_memory mem;
    struct cpu cpu;
    bool cpu_live;
};

bool qp_init(struct qp_machine *m);
void qp_destroy(struct qp_machine *m);

/* Called before each instruction with the state it will see; INDEX is its
 * word index in the case (or -1 outside the sequence). */
typedef void (*qp_before_fn)(void *opaque, const struct cpu *c, int index, uint32_t word);

/* Runs C and fills R. Problem state, 64-bit, little-endian, relocation off
 * (ppcrr has no MMU yet; problem-state instructions do not care), FSCR[TAR]
 * on as Linux sets it for a process. Execution stops when the next
 * instruction is the stop word, or at the first interrupt, whose vector is
 * turned into the signal Linux would deliver. */
void qp_run(struct qp_machine *m, const struct qc_case *c, struct qc_result *r,
            qp_before_fn before, void *opaque);

/* XER bits compared: SO, OV, CA, OV32, CA32 and the byte count. */
#define QC_XER_COMPARED 0xe00c007full

/* FPSCR V as text: "RN=1 FX XX ..." (the bits set, by name). */
void qc_fpscr_text(char *buf, size_t len, uint64_t v);

/* True if A and B agree on everything compared: also all 64 VSRs, the
 * FPSCR, VSCR's NJ and SAT, and VRSAVE's 32 bits. */
bool qc_same(const struct qc_result *a, const struct qc_result *b);

/* One line per difference, each starting with PREFIX; returns how many. */
unsigned qc_print_differences(FILE *out, const char *prefix, const struct qc_case *c,
                              const struct qc_result *qemu, const struct qc_result *ppcrr);

/* "SIGILL", "none", ... */
const char *qc_signal_name(int signo);

#endif
