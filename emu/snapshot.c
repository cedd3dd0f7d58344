/*
 * The machine's state as snapshot parts (snapshot.h). Field ids are per
 * part and never reused; id 0 means "keyed by name" (emu/state.h).
 */
#include "emu/snapshot.h"

#include <stdio.h>
#include <string.h>

#include "emu/checkpoint.h"
#include "emu/machine.h"

static void part(struct snapshot_walker *w, const char *name, uint32_t version, uint32_t min_version)
{
    w->min_version = min_version && min_version < version ? min_version : version;
    w->part(w, name, version);
}

/* Where the run stands: the machine-wide icount and the round-robin
 * position (which vCPU is current and where its count stood when its turn
 * began: machine_icount() is made of these), and the checkpoint schedule. */
static void machine_part(struct machine *m, struct state_visitor *v)
{
    STATE_FIELD(v, 1, m->icount_retired);
    STATE_FIELD(v, 2, m->turn_start_icount);
    STATE_FIELD(v, 3, m->current);
    STATE_FIELD(v, 4, m->next_checkpoint);
    STATE_FIELD(v, 5, m->last_checkpoint);
}

/* The field list by name, then what struct cpu keeps outside it that a
 * run can see: STOPPED and EXTERNAL_PENDING (the ICP's line into the
 * vCPU; XICS keeps its own side, and the digest hashes both), and CIA,
 * the PC that events between rounds (checkpoints, console input, the
 * exit) carry. Everything else in struct cpu is wiring, configuration or
 * cache. */
static void cpu_part(struct cpu *c, struct state_visitor *v)
{
    for (unsigned i = 0; i < cpu_field_count; i++) {
        const struct cpu_field_info *f = &cpu_field_list[i];
        state_field(v, STATE_ID_BY_NAME, f->name, (char *)c + f->offset, f->count * sizeof(uint64_t));
    }
    STATE_FIELD(v, 1, c->stopped);
    STATE_FIELD(v, 2, c->external_pending);
    STATE_FIELD(v, 3, c->cia);
}

static void irq_lines_part(struct machine *m, struct state_visitor *v)
{
    for (size_t i = 0; i < m->n_irq_outputs; i++) {
        struct irq_line *l = m->irq_outputs[i];
        state_field(v, STATE_ID_BY_NAME, l->name, &l->level, sizeof l->level);
    }
}

void machine_snapshot_walk(struct machine *m, struct snapshot_walker *w)
{
    part(w, "machine", 1, 1);
    machine_part(m, &w->v);
    for (unsigned i = 0; i < m->ncpus; i++) {
        char name[16];
        snprintf(name, sizeof name, "cpu%u", i);
        part(w, name, 1, 1);
        cpu_part(&m->cpus[i], &w->v);
    }
    part(w, "irq-lines", 1, 1);
    irq_lines_part(m, &w->v);
    for (unsigned i = 0; i < m->n_state_parts; i++) {
        part(w, m->state_parts[i].name, m->state_parts[i].version, m->state_parts[i].version);
        m->state_parts[i].fn(m, &w->v, m->state_parts[i].opaque);
    }
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *d = m->devices[i];
        if (!d->type->state)
            continue;
        char name[512];
        snprintf(name, sizeof name, "dev:%s", d->path);
        part(w, name, d->type->state_version ? d->type->state_version : 1, d->type->state_min_version);
        d->type->state(d, &w->v);
    }
}

/* A bool's byte as loaded (reading it as bool would be undefined if bad). */
static bool bool_ok(const bool *b)
{
    uint8_t v;
    memcpy(&v, b, 1);
    return v <= 1;
}

int machine_snapshot_check(struct machine *m, char *err, size_t errlen)
{
    if (m->current >= m->ncpus) {
        snprintf(err, errlen, "part machine: field current is %u, of %u vCPUs", m->current, m->ncpus);
        return -1;
    }
    for (unsigned i = 0; i < m->ncpus; i++) {
        const struct cpu *c = &m->cpus[i];
        const char *bad = !bool_ok(&c->stopped) ? "stopped" : !bool_ok(&c->external_pending) ? "external_pending"
                          : c->idle[0] > CPU_IDLE_JOINED ? "idle" : NULL;
        if (bad) {
            snprintf(err, errlen, "part cpu%u: field %s has an impossible value", i, bad);
            return -1;
        }
    }
    for (size_t i = 0; i < m->n_irq_outputs; i++)
        if (m->irq_outputs[i]->level != 0 && m->irq_outputs[i]->level != 1) {
            snprintf(err, errlen, "part irq-lines: field %s is %d, not a level", m->irq_outputs[i]->name,
                     m->irq_outputs[i]->level);
            return -1;
        }
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *d = m->devices[i];
        char why[256] = "";
        if (d->type->state_check && d->type->state_check(d, why, sizeof why) < 0) {
            snprintf(err, errlen, "part dev:%s: %s", d->path, why);
            return -1;
        }
    }
    return 0;
}

void machine_snapshot_restored(struct machine *m)
{
    uint64_t npages = m->mem.ram_size >> GUEST_PAGE_SHIFT;
    /* Watch bits are caches of "someone may care about stores here".
     * RESERVE is set again for each reservation the snapshot holds (else
     * another vCPU's store there would not break it); CLEAN goes, so the
     * next digest rehashes every page. CODE stays: the decoded pages are
     * reset below, and a page that is decoded again relies on its bit
     * (a stale bit costs one needless callback, nothing more). */
    for (uint64_t p = 0; p < npages; p++)
        m->mem.watched[p] &= (uint8_t)~(MEMORY_WATCH_RESERVE | MEMORY_WATCH_CLEAN);
    for (unsigned i = 0; i < m->ncpus; i++) {
        struct cpu *c = &m->cpus[i];
        cpu_tlb_flush(c);
        cpu_flush_decoded(c);
        if (c->reserve_len[0] && c->reserve_addr[0] < m->mem.ram_size)
            m->mem.watched[c->reserve_addr[0] >> GUEST_PAGE_SHIFT] |= MEMORY_WATCH_RESERVE;
        c->stop = CPU_STOP_BUDGET;
        c->leave_run = true;
        c->yield = false;
    }
}

void machine_keyframe_emit(struct machine *m, bool restored, const char *file)
{
    if (!event_wanted(&m->events))
        return;
    uint8_t digest[CHECKPOINT_DIGEST_SIZE];
    struct event e = { .kind = EVENT_KEYFRAME };
    machine_event_origin(m, &e);
    if (m->ram_digest.page_hash) {
        checkpoint_digest(m, digest);
        e.u.keyframe.digest = digest;
        e.u.keyframe.len = sizeof digest;
    }
    e.u.keyframe.restored = restored;
    e.u.keyframe.file = file;
    event_emit(&m->events, &e);
}
