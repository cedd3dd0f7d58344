/*
 * The machine: guest memory, vCPUs, the devices bound from the machine
 * description, named IRQ lines, the event hook, the host side (libevent
 * loop, input sources) and the guest's device tree.
 *
 * Life cycle (what `ppcrr run` does):
 *   machine_create()           RAM, vCPUs, the description parsed and checked
 *   hcall_init(), vio_init()   subsystems install themselves (hypervisor,
 *                              device types, device-tree contributors)
 *   machine_realize()          every described device bound and realized
 *   machine_load()             images loaded, guest tree built, entry state
 *   machine_run()              until the guest powers off (or an error)
 *   machine_destroy()
 * emu/ includes nothing from hcall/, vio/...: they plug into the hooks here.
 */
#ifndef PPCRR_EMU_MACHINE_H
#define PPCRR_EMU_MACHINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/checkpoint.h"
#include "emu/cpu/cpu.h"
#include "emu/device.h"
#include "emu/event.h"
#include "emu/hpt.h"
#include "emu/input.h"
#include "emu/irq.h"
#include "emu/memory.h"
#include "emu/state.h"

struct event_base;
struct chardev;

struct machine_config {
    uint64_t ram_size;           /* -m, default 512 MiB */
    unsigned smp;                /* -smp, default 1 */
    const char *kernel;          /* -kernel */
    const char *initrd;          /* -initrd */
    const char *append;          /* -append */
    const char *bios;            /* -bios */
    const char *machine_file;    /* -machine FILE (.dts or .dtb), NULL: the shipped pSeries */
    const char *serial;          /* -serial stdio|file:PATH|null, default stdio */
    const char *nvram;           /* -nvram FILE, NULL: 64 KiB in memory (vio/nvram.c) */
    bool rtc_fixed;              /* -rtc base=YYYY-MM-DDTHH:MM:SS (else base=utc) */
    int64_t rtc_base;            /* with rtc_fixed: that time, seconds since the epoch */
    uint64_t max_insns;          /* stop (EXIT_LIMIT) after this many instructions
                                  * (machine-wide, all vCPUs together), 0 = none */
    uint64_t checkpoint_interval; /* a checkpoint event every this many instructions
                                  * (machine-wide), 0 = none (emu/checkpoint.h) */
    FILE *exec_log;              /* -d exec */
    uint64_t exec_log_from;      /* log only from this machine icount... */
    uint64_t exec_log_to;        /* ...up to (not including) this one, 0 = no end */
};

/* Where machine_load puts things: the first 256 MiB is what a guest can
 * reach in real mode on pSeries (the RMA: each vCPU's rma_size, and the
 * first /memory node of the guest's tree); the tree sits near its top,
 * below the RTAS area (hcall/rtas.c) and above the kernel and initrd. */
#define MACHINE_RMA_MAX 0x10000000ull
#define MACHINE_FDT_BELOW_TOP 0x400000ull     /* FDT at rma_top - 4 MiB */
#define MACHINE_FDT_MAX 0x100000ull
#define MACHINE_BIOS_ENTRY 0x100ull           /* -bios: firmware at 0, started at 0x100 */
#define MACHINE_BIOS_KERNEL 0x400000ull       /* -bios: where -kernel goes (as QEMU) */
#define MACHINE_QUANTUM 100000ull             /* instructions per vCPU turn (DESIGN.md §2 rule 3) */

/*
 * Time with several vCPUs (DESIGN.md §2 rules 1 and 3). The machine runs
 * in rounds. A round is one span of MACHINE_QUANTUM instructions' worth of
 * virtual time (MACHINE_QUANTUM * tb_per_insn ticks), which every vCPU
 * lives through "in parallel": each runnable vCPU in turn, in index order,
 * executes up to MACHINE_QUANTUM instructions, its timebase starting at the
 * round's start time T and advancing one tb_per_insn per instruction. A
 * vCPU that executes fewer (stopped, ceded, joined, yielding, or going idle
 * part way) has the rest added to its tb_offset after its turn, so at the
 * end of every round every vCPU's timebase reads T + MACHINE_QUANTUM *
 * tb_per_insn: one clock, whose value at a round boundary is "machine
 * time", and DEC of every vCPU expires at the same machine time. A vCPU's
 * icount counts only what it executed, so it is that vCPU's own progress,
 * not machine time.
 *
 * A ceded vCPU is woken at the start of its first turn at which it has an
 * interrupt pending (so a DEC that expires mid-round is taken at the next
 * round's start, at most one quantum late; an IPI sent earlier in the
 * round by a lower-numbered vCPU, in this round), or at once by H_PROD. When no
 * vCPU can run and some are ceded, the round first moves every timebase
 * forward together to the earliest DEC expiry among the ceded vCPUs (the
 * first tick at which that DEC is negative): idle time is skipped, not
 * spent, and where it ends depends on guest state only.
 */

struct irq_input {
    char *name;                  /* "xics.4096" */
    irq_input_fn fn;
    void *opaque;
};

typedef int (*fdt_part_fn)(struct machine *m, void *fdt, void *opaque);

#define MACHINE_MAX_FDT_PARTS 16
#define MACHINE_MAX_STATE_PARTS 16

struct machine {
    struct machine_config cfg;
    struct guest_memory mem;
    struct cpu *cpus;
    unsigned ncpus;
    struct hpt hpt;              /* the LPAR's hashed page table (hypervisor memory) */

    void *desc;                  /* the machine description, flattened */
    struct device **devices;
    size_t ndevices;
    struct irq_line **irq_outputs;
    size_t n_irq_outputs;
    struct irq_input *irq_inputs;
    size_t n_irq_inputs;

    struct event_hook events;
    /* Input sources (emu/input.h): where replay takes values from, and
     * the console's receiver. */
    const struct input_feeder *feeder;
    input_receive_fn console_receive;
    void *console_opaque;
    struct event_base *evbase;   /* host I/O: character backends */

    /* `sc 1`: hcall/ installs itself here; emu/ only calls it. */
    void (*hypervisor)(struct machine *m, struct cpu *c, void *opaque);
    void *hypervisor_opaque;

    /* Whoever adds to the guest's tree beyond the description (hcall/
     * adds /rtas, vio/ its bus...) registers a part; they run in order. */
    struct {
        fdt_part_fn fn;
        void *opaque;
    } fdt_parts[MACHINE_MAX_FDT_PARTS];
    unsigned n_fdt_parts;

    /* The guest's tree and where it was placed in guest memory. */
    void *guest_fdt;
    uint64_t guest_fdt_addr, guest_fdt_size;

    /* What was loaded (machine_load). */
    uint64_t kernel_base, kernel_size, kernel_entry;
    uint64_t initrd_base, initrd_size;
    bool kernel_little_endian;

    unsigned current;            /* index of the vCPU executing now */
    /* Machine-wide icount (machine_icount): what every vCPU executed in
     * the turns before this one, and where the current vCPU's own count
     * stood when its turn began. */
    uint64_t icount_retired;
    uint64_t turn_start_icount;
    uint64_t next_checkpoint;    /* machine icount of the next checkpoint event */
    uint64_t last_checkpoint;    /* and of the last one, UINT64_MAX: none yet */
    struct ram_digest ram_digest;

    /* State that lives outside the device registry (XICS, RTAS): walked
     * for digests and snapshots before the devices, in registration order. */
    struct {
        const char *name;
        state_part_fn fn;
        void *opaque;
        uint32_t version;        /* of the walk, for snapshots (1 unless raised) */
    } state_parts[MACHINE_MAX_STATE_PARTS];
    unsigned n_state_parts;

    /* Told when a vCPU goes idle (H_CEDE, H_JOIN) and when it is woken:
     * hcall/ keeps the VPA's dispatch counter with it. NULL: nobody. */
    void (*dispatch_changed)(struct machine *m, struct cpu *c, void *opaque);
    void *dispatch_opaque;
    /* Called at each round boundary while the run goes on, after that
     * round's checkpoint and the host input that arrived there, just
     * before the next round: where snapshots are taken (emu/snapshot.h),
     * so that a run restored from one starts with that next round.
     * NULL: nobody. */
    void (*round_end)(struct machine *m, void *opaque);
    void *round_end_opaque;
    volatile sig_atomic_t host_stop; /* set from a signal handler: end the run */

    /* Why and how the run ended. */
    enum exit_reason exit_reason;
    int64_t exit_code;
    char exit_message[256];
};

int machine_create(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen);
int machine_realize(struct machine *m, char *err, size_t errlen);
int machine_load(struct machine *m, char *err, size_t errlen);
/* Runs until an exit is requested; returns the exit reason. */
enum exit_reason machine_run(struct machine *m);

/* One round (see "Time with several vCPUs" above): wakes the vCPUs that
 * have something pending, skips idle time if nobody can run, runs each
 * runnable vCPU for its turn and keeps every timebase in step. machine_run
 * is this in a loop (with host input polled between rounds). */
void machine_round(struct machine *m);

/* The vCPU whose interrupt server number (device-tree `reg`) is ID, or
 * NULL: server numbers are the vCPU indexes. */
struct cpu *machine_cpu_by_server(struct machine *m, uint64_t id);

/* SMP control for hcall/ (RTAS start-cpu/stop-self, H_CEDE, H_PROD...).
 * Idle and stop end C's turn after the current instruction. */
void machine_cpu_idle(struct machine *m, struct cpu *c, enum cpu_idle how);
void machine_cpu_wake(struct machine *m, struct cpu *c);
void machine_cpu_stop(struct machine *m, struct cpu *c);
/* A stopped vCPU starts at NIP with R3 in 64-bit big-endian real mode. */
void machine_cpu_start(struct machine *m, struct cpu *c, uint64_t nip, uint64_t r3);
void machine_destroy(struct machine *m);

/* Ends the run after the current instruction. The first request wins. */
void machine_request_exit(struct machine *m, enum exit_reason reason, int64_t code, const char *message);

int machine_add_fdt_part(struct machine *m, fdt_part_fn fn, void *opaque);

/* State outside any device (emu/state.h): NAME (static storage) is walked
 * by FN for checkpoints and snapshots. -1 when the table is full. */
int machine_add_state_part(struct machine *m, const char *name, state_part_fn fn, void *opaque);

/* Instructions executed by all vCPUs together so far: the icount of
 * events (emu/event.h), -max-insns and checkpoints. Deterministic: the
 * round-robin order is fixed. */
uint64_t machine_icount(const struct machine *m);

/* A controller's input line NAME; -1 if the name is taken. */
int machine_irq_input(struct machine *m, const char *name, irq_input_fn fn, void *opaque);

/* The device bound to the description node at PATH or with alias NAME. */
struct device *machine_find_device(struct machine *m, const char *path_or_alias);

/* Fills the cpu/icount/pc part of an event from the vCPU running now. */
void machine_event_origin(struct machine *m, struct event *e);

/* The vCPU whose instruction is executing (for hcall and MMIO handlers). */
struct cpu *machine_current_cpu(struct machine *m);

/* Drops every vCPU's cached translations: whoever changes or removes a
 * valid HPTE (the page-table hypercalls) calls it before the guest runs
 * again (emu/hpt.h). */
void machine_tlb_flush(struct machine *m);

/* Builds the guest's tree (machine_load calls it; `-dumpdtb` writes it). */
int machine_build_fdt(struct machine *m, char *err, size_t errlen);

#endif
