/*
 * The guest physical address space: RAM (one block from physical 0, the
 * pSeries layout) plus named MMIO regions with read/write callbacks.
 * An access that hits neither is reported to the caller, which turns it
 * into a machine check for the guest; it never touches host memory.
 *
 * RAM is one host mapping, so the CPU's fast path is a bounds check and a
 * pointer add. Each RAM page has a byte of watch bits: "holds decoded
 * code" (set by the CPU's decode cache; a store there drops the decoded
 * instructions it touched) and "holds a reservation" (set by larx; a store
 * there may cancel other vCPUs' reservations, Book II 4.4.2) and, while
 * checkpoints are taken, "clean since the last checkpoint" (the first
 * store clears it, emu/checkpoint.h). All share the one test on the store
 * path, so a store to an unwatched page costs what it always did.
 */
#ifndef PPCRR_EMU_MEMORY_H
#define PPCRR_EMU_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SHIFT 12
#define GUEST_PAGE_SIZE (1ull << GUEST_PAGE_SHIFT)

/* Watch bits of a RAM page (guest_memory.watched[]). */
#define MEMORY_WATCH_CODE 0x1u        /* decoded instructions live there */
#define MEMORY_WATCH_RESERVE 0x2u     /* some vCPU may hold a reservation there */
#define MEMORY_WATCH_CLEAN 0x4u       /* unchanged since the last checkpoint (its
                                       * digest is current); the first store clears it */

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
    uint8_t *watched;                /* one byte of MEMORY_WATCH_* bits per RAM page */
    struct mmio_region *regions;     /* sorted by base, non-overlapping */
    size_t n_regions;
    /* Called when a store of LEN bytes at PA touches a page with
     * MEMORY_WATCH_CODE set. */
    void (*code_written)(void *opaque, uint64_t pa, uint64_t len);
    void *code_written_opaque;
    /* Called when a store touches a page with MEMORY_WATCH_RESERVE set.
     * BY_HOST: the store came from memory_write() (a device, an hcall),
     * not from the vCPU running now, so no vCPU's reservation survives
     * it. The watcher clears MEMORY_WATCH_RESERVE from pages left without
     * a reservation. The default (no vCPU to tell) just clears the bits. */
    void (*reserve_written)(void *opaque, uint64_t pa, uint64_t len, bool by_host);
    void *reserve_written_opaque;
    bool host_store;                 /* inside memory_write() */
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

/* The slow half of memory_note_store: some page of the store is watched. */
void memory_store_watched(struct guest_memory *m, uint64_t pa, uint64_t len);

/* Tells the watchers (code, reservations) about a store of LEN bytes at
 * PA (RAM). One predictable branch for the usual unwatched page. */
static inline void memory_note_store(struct guest_memory *m, uint64_t pa, uint64_t len)
{
    uint64_t first = pa >> GUEST_PAGE_SHIFT, last = (pa + len - 1) >> GUEST_PAGE_SHIFT;
    if (__builtin_expect(m->watched[first] | m->watched[last], 0)) {
        /* Code only (data next to code: common) goes straight to it. */
        if ((m->watched[first] | m->watched[last]) == MEMORY_WATCH_CODE && last - first < 2)
            m->code_written(m->code_written_opaque, pa, len);
        else
            memory_store_watched(m, pa, len);
    } else
        for (uint64_t p = first + 1; p < last; p++)      /* only for stores over 2 pages */
            if (m->watched[p]) {
                memory_store_watched(m, pa, len);
                break;
            }
}

/* Copies between host buffers and guest physical RAM (for loaders, hcalls
 * and tests); false if any byte is outside RAM. Stores notify the
 * watchers, as stores by "another mechanism" (every vCPU's reservation on
 * the bytes is lost). */
bool memory_read(const struct guest_memory *m, uint64_t pa, void *buf, uint64_t len);
bool memory_write(struct guest_memory *m, uint64_t pa, const void *buf, uint64_t len);

#endif
