/*
 * The slow half of data accesses (mem_access.h): translation through the
 * MMU (emu/cpu/mmu.c), accesses that cross a page boundary, devices, and
 * the faults. An access that crosses into another page translates both
 * pages before it touches either, so a fault on the second page leaves
 * memory as it was; with translation on, the two pages may be anywhere in
 * real memory.
 */
#include "emu/cpu/mem_access.h"

bool cpu_translate_data(struct cpu *c, uint64_t ea, bool store, uint64_t *ra)
{
    return mmu_translate(c, ea, store ? MMU_STORE : MMU_LOAD, ra);
}

/* The real addresses of an access of SIZE bytes at EA: RA[0] for its first
 * byte and, if it goes on in a page that is not the next real page, RA[1]
 * for the rest, which starts at byte *SPLIT (*SPLIT = SIZE: one piece). */
static bool translate_access(struct cpu *c, uint64_t ea, unsigned size, enum mmu_access kind,
                             uint64_t ra[2], unsigned *split)
{
    *split = size;
    if (!mmu_translate(c, ea, kind, &ra[0]))
        return false;
    unsigned in_page = (unsigned)(GUEST_PAGE_SIZE - (ea & (GUEST_PAGE_SIZE - 1)));
    if (in_page >= size)
        return true;
    if (!mmu_translate(c, ea_mode(c, ea + in_page), kind, &ra[1]))
        return false;
    if (ra[1] != ra[0] + in_page)
        *split = in_page;
    return true;
}

/* A device access of SIZE bytes at RA, or a machine check. */
static bool mmio_access(struct cpu *c, uint64_t ra, unsigned size, bool write, uint64_t *val)
{
    const struct mmio_region *r = memory_find_mmio(c->mem, ra);
    if (r && size <= r->size && ra - r->base <= r->size - size) {
        bool done = write ? r->ops->write(r->opaque, ra - r->base, size, *val)
                          : r->ops->read(r->opaque, ra - r->base, size, val);
        if (done)
            return true;
    }
    cpu_machine_check(c, ra);
    return false;
}

/* Host addresses of the pieces of a split access; both must be RAM (a
 * device register does not straddle pages), else a machine check. */
static bool split_pieces(struct cpu *c, const uint64_t ra[2], unsigned size, unsigned split,
                         uint8_t *p[2])
{
    p[0] = memory_ram_ptr(c->mem, ra[0], split);
    p[1] = memory_ram_ptr(c->mem, ra[1], size - split);
    if (p[0] && p[1])
        return true;
    cpu_machine_check(c, p[0] ? ra[1] : ra[0]);
    return false;
}

bool cpu_load_slow(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t *val)
{
    uint64_t ra[2], v = 0;
    unsigned split;
    if (!translate_access(c, ea, size, MMU_LOAD, ra, &split))
        return false;
    if (split < size) {
        uint8_t *p[2];
        if (!split_pieces(c, ra, size, split, p))
            return false;
        memcpy(&v, p[0], split);
        memcpy((uint8_t *)&v + split, p[1], size - split);
    } else {
        const uint8_t *p = memory_ram_ptr(c->mem, ra[0], size);
        if (!p) {
            if (!mmio_access(c, ra[0], size, false, &v))
                return false;
            *val = access_big_endian(c, rev) ? v : byteswap(v, size);
            return true;
        }
        v = mem_get_le(p, size);
    }
    *val = access_big_endian(c, rev) ? byteswap(v, size) : v;
    return true;
}

bool cpu_store_slow(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t val)
{
    uint64_t ra[2];
    unsigned split;
    if (!translate_access(c, ea, size, MMU_STORE, ra, &split))
        return false;
    uint64_t le = access_big_endian(c, rev) ? byteswap(val, size) : val;
    if (split < size) {
        uint8_t *p[2];
        if (!split_pieces(c, ra, size, split, p))
            return false;
        memcpy(p[0], &le, split);
        memcpy(p[1], (const uint8_t *)&le + split, size - split);
        memory_note_store(c->mem, ra[0], split);
        memory_note_store(c->mem, ra[1], size - split);
        return true;
    }
    uint8_t *p = memory_ram_ptr(c->mem, ra[0], size);
    if (p) {
        mem_put_le(p, size, le);
        memory_note_store(c->mem, ra[0], size);
        return true;
    }
    uint64_t v = access_big_endian(c, rev) ? val : byteswap(val, size);
    return mmio_access(c, ra[0], size, true, &v);
}
