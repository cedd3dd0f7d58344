/*
 * The file format the differential test's three programs share: the
 * generator (qgen) writes test cases, the runner (qrunner, a static
 * ppc64le program run under qemu-ppc64le) executes them and writes one
 * result per case, and the comparator (qdiff) runs the same cases on
 * ppcrr and compares. This header is compiled by the host compiler and by
 * the powerpc64le cross compiler, so it holds only fixed-width data and
 * static inline helpers; both sides are little-endian and lay the structs
 * out identically (the static asserts below check the sizes).
 *
 * A case is a short instruction sequence placed at `code_addr`, an initial
 * register state and a data area at QC_DATA_ADDR filled from `data_seed`.
 * Execution stops when it reaches word `stop` (the runner puts a trap
 * there; ppcrr simply stops when its next instruction address gets there)
 * or when an instruction faults.
 */
#ifndef PPCRR_TESTS_QEMU_QCASE_H
#define PPCRR_TESTS_QEMU_QCASE_H

#include <stdint.h>

/* Fixed guest addresses. They must be free in qemu-ppc64le's guest address
 * space (the static runner itself is linked at 0x10000000) and low enough
 * that `ba` can reach the code (LI is a 26-bit signed absolute address)
 * and that ppcrr's RAM, which starts at physical 0, stays small. */
#define QC_CODE_BASE 0x01000000ull   /* code slots, QC_CODE_SLOT bytes apart */
#define QC_CODE_SLOTS 256u           /* each case uses slot (id % QC_CODE_SLOTS) */
#define QC_CODE_SLOT 0x400ull
#define QC_CODE_SIZE (QC_CODE_SLOTS * QC_CODE_SLOT)
#define QC_DATA_ADDR 0x01200000ull
#define QC_DATA_SIZE 4096u
#define QC_MAX_WORDS 96u             /* instruction words per case, the stop word included */

/* The word the runner places at the stop position: `tw 31,0,0`, the
 * unconditional trap. The generator never emits it (traps are excluded). */
#define QC_TRAP_WORD 0x7fe00008u

#define QC_MAGIC_CASES 0x5341435152524350ull    /* "PCRRQCAS" */
#define QC_MAGIC_RESULTS 0x5345525152524350ull  /* "PCRRQRES" */

struct qc_header {
    uint64_t magic;
    uint32_t count;
    uint32_t record_size;     /* sizeof the records that follow: a cheap version check */
};

/* The architected user state both sides load and compare. The 64 VSRs use
 * ppcrr's layout (emu/cpu/cpu_fields.def): VSR i is vsr[2i], ISA doubleword
 * 0 (the most significant half; FPR i for i < 32), then vsr[2i+1],
 * doubleword 1. VR n is VSR 32+n. VSCR keeps its architected bits where
 * mfvscr puts them in the low word (NJ 0x10000, SAT 0x1); VRSAVE is 32 bits. */
struct qc_regs {
    uint64_t gpr[32];
    uint64_t cr, xer, lr, ctr, tar;
    uint64_t fpscr, vscr, vrsave;
    uint64_t vsr[128];
};

struct qc_case {
    uint32_t id;
    uint32_t nwords;          /* instruction words in the sequence */
    uint32_t stop;            /* word index where execution stops (<= nwords) */
    uint32_t flags;           /* QC_F_* (generator bookkeeping, ignored by the runner) */
    uint64_t code_addr;
    uint64_t data_seed;
    struct qc_regs regs;
    uint32_t words[QC_MAX_WORDS];
    uint32_t setup[QC_MAX_WORDS / 32]; /* bit i: word i only prepares the next
                                        * instruction (loads LR for bclr, ...) */
    uint32_t pad;
};

/* Case flags. */
#define QC_F_VARIANT 0x1u     /* an attribution variant (stop moved earlier) */

/* Signal numbers as Linux on powerpc numbers them (also the host's on
 * x86-64 and arm64, but the comparator uses these names, not <signal.h>). */
#define QC_SIGILL 4
#define QC_SIGTRAP 5
#define QC_SIGBUS 7
#define QC_SIGFPE 8
#define QC_SIGSEGV 11
#define QC_SIGALRM 14
#define QC_QEMU_DIED (-1)     /* qemu-ppc64le itself aborted on this case */

struct qc_result {
    uint32_t id;
    int32_t signo;            /* 0: reached the stop word; else the signal raised */
    uint64_t nip;             /* where it stopped: the stop word or the faulting instruction */
    struct qc_regs regs;
    uint8_t data[QC_DATA_SIZE];
};

#define QC_REGS_SIZE ((37 + 3 + 128) * 8)
_Static_assert(sizeof(struct qc_regs) == QC_REGS_SIZE, "qc_regs layout");
_Static_assert(sizeof(struct qc_case) == 32 + QC_REGS_SIZE + 4 * QC_MAX_WORDS + QC_MAX_WORDS / 8 + 4,
               "qc_case layout");
_Static_assert(sizeof(struct qc_result) == 16 + QC_REGS_SIZE + QC_DATA_SIZE, "qc_result layout");

/* VSCR bits both sides keep (Power ISA 2.07 Book I, Vector Status and Control
 * Register: NJ and SAT; the rest are reserved). */
#define QC_VSCR_NJ 0x10000u
#define QC_VSCR_SAT 0x1u
#define QC_VSCR_BITS (QC_VSCR_NJ | QC_VSCR_SAT)

static inline uint64_t qc_code_addr(uint32_t slot)
{
    return QC_CODE_BASE + (uint64_t)(slot % QC_CODE_SLOTS) * QC_CODE_SLOT;
}

/* splitmix64: the data area's initial bytes, identical on both sides. */
static inline uint64_t qc_mix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void qc_fill_data(uint8_t *data, uint64_t seed)
{
    uint64_t s = seed;
    for (unsigned i = 0; i < QC_DATA_SIZE; i += 8) {
        uint64_t v = qc_mix(&s);
        for (unsigned b = 0; b < 8; b++)
            data[i + b] = (uint8_t)(v >> (8 * b));
    }
}

#endif
