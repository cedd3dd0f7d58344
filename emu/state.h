/*
 * Guest-visible state as data (DESIGN.md §2 rule 5): each device, and each
 * subsystem outside the device registry (XICS, RTAS), describes its state
 * once, as a walk over numbered fields handed to a visitor. The checkpoint
 * digest hashes what the walk shows; snapshots will save and restore the
 * same walk, so a field added to the walk is digested, saved and loaded
 * alike, and none can be forgotten by one of them.
 *
 * Field ids are per part and never reused (a snapshot's compatibility will
 * rest on them). DATA points at the live field: a visitor that saves reads
 * it, one that restores writes it, so a walk must name the storage itself
 * and never a copy.
 */
#ifndef PPCRR_EMU_STATE_H
#define PPCRR_EMU_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state_visitor {
    void (*field)(struct state_visitor *v, uint32_t id, const char *name, void *data, size_t len);
    /* Set by the checkpoint digest: state_field_added passes over a field
     * that holds its default. */
    bool skip_added_defaults;
};

static inline void state_field(struct state_visitor *v, uint32_t id, const char *name, void *data,
                               size_t len)
{
    v->field(v, id, name, data, len);
}

#define STATE_FIELD(v, id, member) state_field((v), (id), #member, &(member), sizeof(member))

/*
 * A field added to a walk after its first version (the walk's version was
 * raised with it). Its default is all zero bytes: the value a reset device
 * has, and what the older builds implied -- a snapshot from one of them
 * lacks the field, and the loader leaves the fresh device's zero. Snapshots
 * save and load it like any field; the checkpoint digest passes over it
 * while it is zero, so that the digests in traces recorded by older builds
 * still match a run that never moves it off its default.
 */
static inline void state_field_added(struct state_visitor *v, uint32_t id, const char *name, void *data,
                                     size_t len)
{
    if (v->skip_added_defaults) {
        const unsigned char *p = data;
        size_t i = 0;
        while (i < len && p[i] == 0)
            i++;
        if (i == len)
            return;
    }
    v->field(v, id, name, data, len);
}

#define STATE_FIELD_ADDED(v, id, member) state_field_added((v), (id), #member, &(member), sizeof(member))

struct machine;
typedef void (*state_part_fn)(struct machine *m, struct state_visitor *v, void *opaque);

/*
 * Id 0 is special: the field is keyed by NAME instead (the vCPU field
 * list, IRQ lines by their names), so a field inserted into such a list
 * never shifts the others. Every other field is keyed by its id and by how
 * many fields of that id the walk showed before it (a walk over an array
 * repeats ids).
 */
#define STATE_ID_BY_NAME 0u

#endif
