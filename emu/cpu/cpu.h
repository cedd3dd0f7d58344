/*
 * A POWER8 (Power ISA 2.07) vCPU running as an LPAR guest (MSR[HV] = 0):
 * its state (one field list, cpu_fields.def), the interpreter entry points,
 * and the interfaces the machine wires in -- guest physical memory, the
 * hypervisor hook that `sc 1` calls, and an optional execution log.
 *
 * Bit numbers in this code are the host's (0 = least significant); the ISA
 * numbers bits from the most significant end, so ISA bit n of a 64-bit
 * register is 63 - n here. Constants say which numbering their comment uses.
 */
#ifndef PPCRR_EMU_CPU_CPU_H
#define PPCRR_EMU_CPU_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/memory.h"

/* MSR bits (ISA bit in the comment). */
#define MSR_SF (1ull << 63)   /* 0: 64-bit mode */
#define MSR_HV (1ull << 60)   /* 3: hypervisor state */
#define MSR_TS_MASK (3ull << 33) /* 29:30 transaction state */
#define MSR_TM (1ull << 32)   /* 31 */
#define MSR_VEC (1ull << 25)  /* 38: VMX available */
#define MSR_VSX (1ull << 23)  /* 40 */
#define MSR_EE (1ull << 15)   /* 48: external interrupts enabled */
#define MSR_PR (1ull << 14)   /* 49: problem state */
#define MSR_FP (1ull << 13)   /* 50 */
#define MSR_ME (1ull << 12)   /* 51: machine check enabled */
#define MSR_FE0 (1ull << 11)  /* 52 */
#define MSR_SE (1ull << 10)   /* 53: single step */
#define MSR_BE (1ull << 9)    /* 54: branch trace */
#define MSR_FE1 (1ull << 8)   /* 55 */
#define MSR_IR (1ull << 5)    /* 58: instruction relocation */
#define MSR_DR (1ull << 4)    /* 59: data relocation */
#define MSR_PMM (1ull << 2)   /* 61 */
#define MSR_RI (1ull << 1)    /* 62: recoverable interrupt */
#define MSR_LE (1ull << 0)    /* 63: little-endian */

/* XER bits. */
#define XER_SO (1ull << 31)
#define XER_OV (1ull << 30)
#define XER_CA (1ull << 29)
#define XER_OV32 (1ull << 19)
#define XER_CA32 (1ull << 18)
#define XER_BC_MASK 0x7full

/* LPCR bits this guest's behaviour depends on. */
#define LPCR_ILE (1ull << 25)          /* 38: interrupts little-endian */
#define LPCR_AIL_SHIFT 23              /* 39:40: alternate interrupt location */
#define LPCR_AIL_MASK (3ull << LPCR_AIL_SHIFT)
#define LPCR_LD (1ull << 17)           /* 46: large decrementer */

#define PVR_POWER8 0x004d0200u         /* POWER8 (Murano-class "8E/8" family 0x4d), DD2.0 */
#define CPU_TB_FREQ 512000000ull       /* timebase ticks per second (timebase.c) */

/* Interrupt vectors (Book III-S 6.5). */
enum cpu_vector {
    VEC_SYSTEM_RESET = 0x100,
    VEC_MACHINE_CHECK = 0x200,
    VEC_DSI = 0x300,
    VEC_DSEG = 0x380,
    VEC_ISI = 0x400,
    VEC_ISEG = 0x480,
    VEC_EXTERNAL = 0x500,
    VEC_ALIGNMENT = 0x600,
    VEC_PROGRAM = 0x700,
    VEC_FP_UNAVAILABLE = 0x800,
    VEC_DECREMENTER = 0x900,
    VEC_SYSCALL = 0xc00,
    VEC_TRACE = 0xd00,
    VEC_PERF_MONITOR = 0xf00,
    VEC_VMX_UNAVAILABLE = 0xf20,
    VEC_VSX_UNAVAILABLE = 0xf40,
    VEC_FAC_UNAVAILABLE = 0xf60,
};

/* SRR1 reason bits of a program interrupt (ISA bits 43..47). */
#define SRR1_PROGRAM_FP (1ull << 20)       /* 43: floating-point enabled exception */
#define SRR1_PROGRAM_ILLEGAL (1ull << 19)  /* 44 */
#define SRR1_PROGRAM_PRIV (1ull << 18)     /* 45 */
#define SRR1_PROGRAM_TRAP (1ull << 17)     /* 46 */
#define SRR1_PROGRAM_NOT_SRR0 (1ull << 16) /* 47: SRR0 holds the next instruction */

/* DSISR bits (ISA bits of the 32-bit DSISR). */
#define DSISR_NO_TRANSLATION (1u << 30)    /* 33 */
#define DSISR_PROTECTION (1u << 27)        /* 36 */
#define DSISR_STORE (1u << 25)             /* 38 */
#define DSISR_KEY (1u << 21)               /* 42 */

struct cpu;
struct decoded_page;
struct hpt;
struct tlb;

/* What the machine lends the CPU. */
struct cpu_hooks {
    /* `sc 1` from supervisor state: r3 is the hcall number, r4.. the
     * arguments; the hook writes r3 (and r4.. outputs). */
    void (*hcall)(struct cpu *c, void *opaque);
    /* Told of every interrupt delivered (for the event hook), or NULL. */
    void (*interrupt)(struct cpu *c, enum cpu_vector vector, void *opaque);
    void *opaque;
};

/* Whether a vCPU waits for something before it runs on (machine.c). */
enum cpu_idle {
    CPU_IDLE_NONE,      /* runs */
    CPU_IDLE_CEDED,     /* H_CEDE: until an interrupt is pending (external, DEC) or H_PROD */
    CPU_IDLE_JOINED,    /* H_JOIN: until H_PROD */
};

/* Why cpu_run returned. */
enum cpu_stop {
    CPU_STOP_BUDGET,    /* ran the instructions it was given */
    CPU_STOP_REQUEST,   /* cpu_request_stop(): a hook wants the machine back */
    CPU_STOP_ATTN,      /* attn executed (test guests use it to stop) */
};

struct cpu {
#define CPU_FIELD(member, count) uint64_t member[count];
#include "emu/cpu/cpu_fields.def"
#undef CPU_FIELD

    /* Not guest state: the machine's wiring and the interpreter's caches. */
    struct guest_memory *mem;
    struct hpt *hpt;             /* the machine's hashed page table, or NULL: nothing maps */
    uint64_t rma_size;           /* real mode reaches RAM below this (the RMA) */
    struct tlb *tlb;             /* the MMU's soft TLB (mmu.h) */
    struct cpu_hooks hooks;
    uint64_t cia;                /* address of the instruction executing */
    uint64_t tb_per_insn;        /* timebase ticks per instruction */
    uint32_t dec_bits;           /* 32, or the large decrementer's width */
    bool stopped;                /* held stopped (secondary vCPUs until start-cpu, stop-self) */
    bool isa300;                 /* ISA 3.0 additions (CA32/OV32 results, cnttz*, ...):
                                  * off for POWER8, whose ISA 2.07 has none of them */
    bool external_pending;       /* the interrupt controller's line to us */
    enum cpu_stop stop;          /* why cpu_run should return (BUDGET: it should not) */
    bool leave_run;              /* state changed: recompute the next event */
    struct decoded_page **decoded; /* per RAM page, NULL until executed */
    struct decoded_page *run_page; /* the page being run, and its real address */
    uint64_t run_page_ra;
    FILE *exec_log;              /* -d exec: one line per instruction, or NULL */
    uint64_t log_icount_base;    /* added to icount in exec-log lines: the machine sets it
                                  * so lines show the machine-wide icount (0: the vCPU's own) */

    /* Last, away from the interpreter's hot fields above. */
    /* Transient: gave up the rest of its turn (H_CONFER); machine.c
     * clears it when the turn ends. The lasting SMP state (idle, prod,
     * the VPA registrations) is in the field list. */
    bool yield;
};

/* Resets C to the state a pSeries vCPU has when the machine starts it:
 * MSR = SF|ME (64-bit, real mode, big-endian), PVR POWER8, everything else
 * 0 (the SLB empty). A bare vCPU has no page table (c->hpt NULL) and an
 * RMA of all of RAM; the machine sets both. */
void cpu_init(struct cpu *c, struct guest_memory *mem, uint32_t pir);
void cpu_destroy(struct cpu *c);

/* Runs at most BUDGET instructions (fewer if cut short by a stop). Pending
 * interrupts are taken between instructions, exactly at the icount where
 * they become pending. */
enum cpu_stop cpu_run(struct cpu *c, uint64_t budget);

/* From a hook or handler: return WHY from cpu_run after this instruction. */
void cpu_request_stop(struct cpu *c, enum cpu_stop why);

/* The timebase, DEC, and when the next timer exception is due. */
uint64_t cpu_tb(const struct cpu *c);
uint64_t cpu_read_dec(const struct cpu *c);
void cpu_write_dec(struct cpu *c, uint64_t value);
bool cpu_dec_pending(const struct cpu *c);
/* Timebase ticks until DEC becomes pending (0: pending now). */
uint64_t cpu_ticks_to_dec(const struct cpu *c);
/* Moves C's timebase (and so its DEC) forward by TICKS without executing:
 * time passing for a vCPU that is stopped, ceded or skipped (machine.c). */
void cpu_tb_advance(struct cpu *c, uint64_t ticks);

/* Interrupt delivery (exception.c): sets SRR0/SRR1 and the new MSR and
 * continues at the vector. SRR1_BITS go into SRR1's interrupt-specific
 * bits; SRR0 is C->cia, or the next instruction when AFTER is true. */
void cpu_interrupt(struct cpu *c, enum cpu_vector vector, uint64_t srr1_bits, bool after);
void cpu_program_interrupt(struct cpu *c, uint64_t reason);
void cpu_dsi(struct cpu *c, uint64_t ea, uint32_t dsisr);
void cpu_alignment_interrupt(struct cpu *c, uint64_t ea);
void cpu_machine_check(struct cpu *c, uint64_t address);

/* The name of SPR number SPR as the guest can reach it, or NULL. */
const char *cpu_spr_name(unsigned spr);

/* Forgets the decoded instructions in [PA, PA+LEN): code was stored to. */
void cpu_code_written(struct cpu *c, uint64_t pa, uint64_t len);

/* Drops every cached translation (the soft TLB): after anything changes
 * the SLB or the page table behind the MMU's back (a snapshot restore, a
 * test). Changes made through instructions and hypercalls flush already. */
void cpu_tlb_flush(struct cpu *c);

/* Drops every decoded instruction (after a change the decode cache keys
 * cannot see). */
void cpu_flush_decoded(struct cpu *c);

/* The field list as data: name, offset, count. */
struct cpu_field_info {
    const char *name;
    size_t offset;
    unsigned count;
};
extern const struct cpu_field_info cpu_field_list[];
extern const unsigned cpu_field_count;

/* One "name = value" line per field (array fields as name[i]). */
void cpu_dump(const struct cpu *c, FILE *out);

/* Prints each field that differs ("gpr[3]: 0x1 vs 0x2"); returns how many. */
unsigned cpu_compare(const struct cpu *a, const struct cpu *b, FILE *out);

#endif
