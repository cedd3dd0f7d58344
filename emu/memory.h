/*
 * The guest physical address space: RAM (one block from physical 0, the
 * pSeries layout) plus named MMIO regions with read/write callbacks.
 * An access that hits neither is reported to the caller, which turns it
 * into a machine check for the guest; it never touches host memory.
 *
 * RAM is one host mapping, so the CPU's fast path is a bounds check and a
 * pointer add. Each RAM page has a "holds decoded code" bit that the CPU's
 * decode cache sets; a store to such a page calls back into the CPU so its
 * decoded instructions are dropped.
 */
#ifndef PPCRR_EMU_MEMORY_H
#define PPCRR_EMU_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SHIFT 12
#define GUEST_PAGE_SIZE (1ull << GUEST_PAGE_SHIFT)

struct mmio_ops {
    /* SIZE is 1, 2, 4 or 8. Values are in bus order: the byte at the
     * lowest address is the most significant, as pSeries devices define
     * their registers; the CPU swaps for a little-endian access. Return
     * false to refuse the access (a machine check for the guest). */
    bool (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
    bool (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
};

struct mmio_region {
    const char *name;
    uint64_t base, size;
    const struct mmio_ops *ops;
    void *opaque;
};

struct guest_memory {
    uint8_t *ram;
    uint64_t ram_size;
    uint8_t *code_pages;             /* one byte per RAM page: decoded code lives there */
    struct mmio_region *regions;     /* sorted by base, non-overlapping */
    size_t n_regions;
    /* Called when a store of LEN bytes at PA touches a page with
     * code_pages[] set. */
    void (*code_written)(void *opaque, uint64_t pa, uint64_t len);
    void *code_written_opaque;
};

/* RAM_SIZE is rounded up to whole pages; memory is zero and lazily backed. */
int memory_init(struct guest_memory *m, uint64_t ram_size);
void memory_destroy(struct guest_memory *m);

/* Fails (returns -1) on overlap with RAM or another region. */
int memory_add_mmio(struct guest_memory *m, const char *name, uint64_t base, uint64_t size,
                    const struct mmio_ops *ops, void *opaque);

const struct mmio_region *memory_find_mmio(const struct guest_memory *m, uint64_t pa);

/* Host pointer for LEN bytes of RAM at PA, or NULL if not all RAM. */
static inline uint8_t *memory_ram_ptr(const struct guest_memory *m, uint64_t pa, uint64_t len)
{
    return pa < m->ram_size && len <= m->ram_size - pa ? m->ram + pa : NULL;
}

/* Tells the code watcher about a store of LEN bytes at PA (RAM). */
static inline void memory_note_store(struct guest_memory *m, uint64_t pa, uint64_t len)
{
    uint64_t first = pa >> GUEST_PAGE_SHIFT, last = (pa + len - 1) >> GUEST_PAGE_SHIFT;
    if (__builtin_expect(m->code_pages[first] | m->code_pages[last], 0))
        m->code_written(m->code_written_opaque, pa, len);
    else
        for (uint64_t p = first + 1; p < last; p++)      /* only for stores over 2 pages */
            if (m->code_pages[p]) {
                m->code_written(m->code_written_opaque, pa, len);
                break;
            }
}

/* Copies between host buffers and guest physical RAM (for loaders, hcalls
 * and tests); false if any byte is outside RAM. Stores notify the code
 * watcher. */
bool memory_read(const struct guest_memory *m, uint64_t pa, void *buf, uint64_t len);
bool memory_write(struct guest_memory *m, uint64_t pa, const void *buf, uint64_t len);

#endif
