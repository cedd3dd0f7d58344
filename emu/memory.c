/* Guest physical memory (see memory.h). */
#include "emu/memory.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void no_code_watcher(void *opaque, uint64_t pa, uint64_t len)
{
    (void)opaque;
    (void)pa;
    (void)len;
}

/* Nobody holds reservations to cancel: just stop watching. */
static void no_reserve_watcher(void *opaque, uint64_t pa, uint64_t len, bool by_host)
{
    struct guest_memory *m = opaque;
    (void)by_host;
    for (uint64_t p = pa >> GUEST_PAGE_SHIFT; p <= (pa + len - 1) >> GUEST_PAGE_SHIFT; p++)
        m->watched[p] &= (uint8_t)~MEMORY_WATCH_RESERVE;
}

void memory_store_watched(struct guest_memory *m, uint64_t pa, uint64_t len)
{
    uint64_t first = pa >> GUEST_PAGE_SHIFT, last = (pa + len - 1) >> GUEST_PAGE_SHIFT;
    unsigned bits = m->watched[first] | m->watched[last];
    for (uint64_t p = first + 1; p < last; p++)
        bits |= m->watched[p];
    if (bits & MEMORY_WATCH_CLEAN)
        for (uint64_t p = first; p <= last; p++)
            m->watched[p] &= (uint8_t)~MEMORY_WATCH_CLEAN;
    if (bits & MEMORY_WATCH_CODE)
        m->code_written(m->code_written_opaque, pa, len);
    if (bits & MEMORY_WATCH_RESERVE)
        m->reserve_written(m->reserve_written_opaque, pa, len, m->host_store);
}

int memory_init(struct guest_memory *m, uint64_t ram_size)
{
    memset(m, 0, sizeof *m);
    ram_size = (ram_size + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1);
    if (ram_size == 0)
        return -1;
    /* Anonymous and MAP_NORESERVE: untouched guest RAM costs nothing, and
     * reads as zero, as a freshly powered machine's does here. */
    void *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        return -1;
    m->watched = calloc(ram_size >> GUEST_PAGE_SHIFT, 1);
    if (!m->watched) {
        munmap(ram, ram_size);
        return -1;
    }
    m->ram = ram;
    m->ram_size = ram_size;
    m->code_written = no_code_watcher;
    m->reserve_written = no_reserve_watcher;
    m->reserve_written_opaque = m;
    return 0;
}

void memory_destroy(struct guest_memory *m)
{
    if (m->ram)
        munmap(m->ram, m->ram_size);
    free(m->watched);
    free(m->regions);
    memset(m, 0, sizeof *m);
}

int memory_add_mmio(struct guest_memory *m, const char *name, uint64_t base, uint64_t size,
                    const struct mmio_ops *ops, void *opaque)
{
    if (size == 0 || base + size < base || base < m->ram_size)
        return -1;
    size_t at = 0;
    while (at < m->n_regions && m->regions[at].base < base)
        at++;
    if (at > 0 && m->regions[at - 1].base + m->regions[at - 1].size > base)
        return -1;
    if (at < m->n_regions && base + size > m->regions[at].base)
        return -1;
    struct mmio_region *r = realloc(m->regions, (m->n_regions + 1) * sizeof *r);
    if (!r)
        return -1;
    memmove(r + at + 1, r + at, (m->n_regions - at) * sizeof *r);
    r[at] = (struct mmio_region){ name, base, size, ops, opaque };
    m->regions = r;
    m->n_regions++;
    return 0;
}

const struct mmio_region *memory_find_mmio(const struct guest_memory *m, uint64_t pa)
{
    size_t lo = 0, hi = m->n_regions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct mmio_region *r = &m->regions[mid];
        if (pa < r->base)
            hi = mid;
        else if (pa - r->base >= r->size)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

bool memory_read(const struct guest_memory *m, uint64_t pa, void *buf, uint64_t len)
{
    const uint8_t *p = memory_ram_ptr(m, pa, len);
    if (!p)
        return false;
    memcpy(buf, p, len);
    return true;
}

bool memory_write(struct guest_memory *m, uint64_t pa, const void *buf, uint64_t len)
{
    uint8_t *p = memory_ram_ptr(m, pa, len);
    if (!p)
        return false;
    if (len) {
        memcpy(p, buf, len);
        m->host_store = true;
        memory_note_store(m, pa, len);
        m->host_store = false;
    }
    return true;
}
