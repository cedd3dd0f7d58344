/*
 * Checkpoint digests (checkpoint.h).
 *
 * Each part is hashed on its own: the vCPUs (each one's field list as it
 * lies in struct cpu, plus the two machine-held flags that are guest
 * visible, stopped and the external interrupt line), RAM (a hash over the
 * per-page hashes, so a page's position counts), the page table, and the
 * devices (each device's or subsystem's state walk, field ids, lengths and
 * bytes, under its name, in registration order, which is deterministic).
 */
#include "emu/checkpoint.h"

#include <stdlib.h>
#include <string.h>

#include "emu/hash64.h"
#include "emu/machine.h"
#include "emu/state.h"

const char *const checkpoint_part_names[CHECKPOINT_PARTS] = {
    [CHECKPOINT_CPUS] = "vCPU state",
    [CHECKPOINT_RAM] = "RAM",
    [CHECKPOINT_HPT] = "hashed page table",
    [CHECKPOINT_DEVICES] = "device state",
};

int checkpoint_start(struct machine *m)
{
    struct ram_digest *r = &m->ram_digest;
    r->npages = m->mem.ram_size >> GUEST_PAGE_SHIFT;
    r->page_hash = malloc(r->npages * sizeof *r->page_hash);
    if (!r->page_hash)
        return -1;
    static const uint8_t zero[GUEST_PAGE_SIZE];
    r->zero_page_hash = hash64(zero, sizeof zero, 0);
    for (uint64_t p = 0; p < r->npages; p++) {
        r->page_hash[p] = r->zero_page_hash;
        m->mem.watched[p] |= MEMORY_WATCH_CLEAN;
    }
    return 0;
}

void checkpoint_stop(struct machine *m)
{
    free(m->ram_digest.page_hash);
    m->ram_digest.page_hash = NULL;
}

/* Rehashes the pages stored to since the last digest, marks them clean
 * again, and hashes the page-hash array. */
static uint64_t ram_hash(struct machine *m)
{
    struct ram_digest *r = &m->ram_digest;
    uint8_t *watched = m->mem.watched;
    for (uint64_t p = 0; p < r->npages; p++) {
        if (watched[p] & MEMORY_WATCH_CLEAN)
            continue;
        r->page_hash[p] = hash64(m->mem.ram + (p << GUEST_PAGE_SHIFT), GUEST_PAGE_SIZE, 0);
        watched[p] |= MEMORY_WATCH_CLEAN;
    }
    return hash64(r->page_hash, r->npages * sizeof *r->page_hash, r->npages);
}

static uint64_t cpus_hash(const struct machine *m)
{
    const struct cpu_field_info *last = &cpu_field_list[cpu_field_count - 1];
    size_t fields_bytes = last->offset + last->count * sizeof(uint64_t);
    uint64_t h = m->ncpus;
    for (unsigned i = 0; i < m->ncpus; i++) {
        const struct cpu *c = &m->cpus[i];
        h = hash64_fold(h, hash64(c, fields_bytes, i));
        h = hash64_fold(h, (uint64_t)c->stopped | (uint64_t)c->external_pending << 1);
    }
    return h;
}

struct digest_visitor {
    struct state_visitor v;
    uint64_t h;
};

static void digest_field(struct state_visitor *v, uint32_t id, const char *name, void *data, size_t len)
{
    struct digest_visitor *d = (struct digest_visitor *)v;
    (void)name;
    d->h = hash64_fold(d->h, (uint64_t)id << 32 ^ len);
    d->h = hash64_fold(d->h, hash64(data, len, id));
}

static uint64_t devices_hash(struct machine *m)
{
    struct digest_visitor d = { { digest_field, true }, 0 };
    for (unsigned i = 0; i < m->n_state_parts; i++) {
        const char *name = m->state_parts[i].name;
        d.h = hash64_fold(d.h, hash64(name, strlen(name), i));
        m->state_parts[i].fn(m, &d.v, m->state_parts[i].opaque);
    }
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *dev = m->devices[i];
        if (!dev->type->state)
            continue;
        d.h = hash64_fold(d.h, hash64(dev->path, strlen(dev->path), i));
        dev->type->state(dev, &d.v);
    }
    return d.h;
}

void checkpoint_digest(struct machine *m, uint8_t out[CHECKPOINT_DIGEST_SIZE])
{
    uint64_t part[CHECKPOINT_PARTS];
    part[CHECKPOINT_CPUS] = cpus_hash(m);
    part[CHECKPOINT_RAM] = ram_hash(m);
    part[CHECKPOINT_HPT] = m->hpt.hpte ? hash64(m->hpt.hpte, m->hpt.n_hptes * sizeof m->hpt.hpte[0],
                                                m->hpt.n_hptes) : 0;
    part[CHECKPOINT_DEVICES] = devices_hash(m);
    for (unsigned i = 0; i < CHECKPOINT_PARTS; i++)
        for (unsigned b = 0; b < 8; b++)
            out[8 * i + b] = (uint8_t)(part[i] >> (56 - 8 * b));
}

void checkpoint_emit(struct machine *m)
{
    m->last_checkpoint = machine_icount(m);
    if (!event_wanted(&m->events))
        return;
    uint8_t digest[CHECKPOINT_DIGEST_SIZE];
    checkpoint_digest(m, digest);
    struct event e = { .kind = EVENT_CHECKPOINT };
    machine_event_origin(m, &e);
    e.u.checkpoint.digest = digest;
    e.u.checkpoint.len = sizeof digest;
    event_emit(&m->events, &e);
}
