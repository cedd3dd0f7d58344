/*
 * Snapshots, the machine's half (DESIGN.md §2 rule 5): the whole
 * guest-visible state as a sequence of named parts, each a walk of fields
 * (emu/state.h), plus RAM and the hashed page table, which the file code
 * reads and writes in place (m->mem.ram, m->hpt.hpte). emu/ knows no file
 * format: snapshot/ turns the walk into a file and back.
 *
 * The parts, in walk order:
 *   "machine"      machine-wide: icount, the round-robin position, the
 *                  checkpoint schedule
 *   "cpu0" ...     each vCPU: its field list (cpu_fields.def) keyed by
 *                  name, then what the machine keeps beside it -- held
 *                  stopped, the interrupt controller's line to it, the
 *                  address of the last instruction (the PC of events
 *                  emitted between rounds)
 *   "irq-lines"    every output line's level, keyed by line name: a line
 *                  reports only changes, so a restored machine must know
 *                  where each one stands
 *   state parts    (machine_add_state_part: RTAS...) under their names
 *   "dev:PATH"     each device with a state walk, by description path
 *
 * Restoring loads the fields through the same walk, over a machine freshly
 * built from the same command line (so configuration -- wiring, RAM size,
 * images -- is the fresh machine's, and checked against the snapshot by
 * the loader). Nothing is derived from other state while loading: every
 * value that matters is a field. machine_snapshot_restored() then drops
 * what is only a cache of the state (soft TLBs, decoded pages, page
 * digests) and sets again the RAM watch bits that restored reservations
 * need.
 */
#ifndef PPCRR_EMU_SNAPSHOT_H
#define PPCRR_EMU_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/state.h"

struct machine;

struct snapshot_walker {
    struct state_visitor v;     /* the fields of the part begun last */
    /* A part begins: its name and its walk's version. */
    void (*part)(struct snapshot_walker *w, const char *name, uint32_t version);
    /* Set before each part begins: the oldest version of that part this
     * build loads (a device's state_min_version; the version itself for
     * the others). */
    uint32_t min_version;
};

/* Walks every part of M (see above). A walker that restores writes the
 * fields; it must then call machine_snapshot_restored(). */
void machine_snapshot_walk(struct machine *m, struct snapshot_walker *w);

/* After the fields were loaded: -1 with a message naming the part and
 * field if a value is one the machine cannot run with (an index out of
 * range, a bool that is neither 0 nor 1, a device's own check). */
int machine_snapshot_check(struct machine *m, char *err, size_t errlen);

/* After fields, RAM and the page table were loaded: drops caches, marks
 * every RAM page changed for the checkpoint digest, re-arms reservation
 * watches, and makes each vCPU look at its new state before it runs. */
void machine_snapshot_restored(struct machine *m);

/* Emits a keyframe event with the state digest now (when checkpoint
 * tracking is on; without it the event has no digest): RESTORED says the
 * run was restored from FILE here, otherwise FILE was saved here. */
void machine_keyframe_emit(struct machine *m, bool restored, const char *file);

#endif
