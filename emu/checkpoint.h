/*
 * Checkpoints (DESIGN.md §3): every N guest instructions the machine
 * reports a digest of its whole guest-visible state -- every vCPU's field
 * list, RAM, the hashed page table, and each device's and subsystem's
 * state walk (emu/state.h) -- as a checkpoint event. Replay compares the
 * digests, so a divergence that shows in no event is still caught, and
 * narrowed to the window between two checkpoints.
 *
 * RAM is digested page by page: a page's hash is recomputed only if the
 * page was stored to since the last checkpoint (the MEMORY_WATCH_CLEAN bit
 * the store path already tests, emu/memory.h), so a checkpoint costs in
 * proportion to what the guest dirtied, not to the RAM size.
 *
 * The digest is four 64-bit hashes, big-endian, in this order, so that a
 * report can say which part differs:
 *   bytes  0..7   vCPUs     8..15  RAM     16..23  page table     24..31  devices
 */
#ifndef PPCRR_EMU_CHECKPOINT_H
#define PPCRR_EMU_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#define CHECKPOINT_DIGEST_SIZE 32

enum checkpoint_part { CHECKPOINT_CPUS, CHECKPOINT_RAM, CHECKPOINT_HPT, CHECKPOINT_DEVICES,
                       CHECKPOINT_PARTS };

extern const char *const checkpoint_part_names[CHECKPOINT_PARTS];

struct machine;

struct ram_digest {
    uint64_t *page_hash;        /* per RAM page, valid for pages marked clean */
    uint64_t npages;
    uint64_t zero_page_hash;
};

/* Starts tracking RAM for digests: RAM must still be all zero (machine_create
 * calls it before anything is loaded). Returns -1 if out of memory. */
int checkpoint_start(struct machine *m);
void checkpoint_stop(struct machine *m);

/* The digest of M's state now (tracking must have been started). */
void checkpoint_digest(struct machine *m, uint8_t out[CHECKPOINT_DIGEST_SIZE]);

/* Emits a checkpoint event now (machine.c calls it every
 * cfg.checkpoint_interval instructions and once before the exit event). */
void checkpoint_emit(struct machine *m);

#endif
