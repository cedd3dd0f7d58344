/* The slow half of data accesses: relocation, devices, faults (mem_access.h). */
#include "emu/cpu/mem_access.h"

bool cpu_translate_data(struct cpu *c, uint64_t ea, bool store, uint64_t *ra)
{
    if (c->msr[0] & MSR_DR) {
        /* No MMU yet: nothing is mapped. */
        cpu_dsi(c, ea, DSISR_NO_TRANSLATION | (store ? DSISR_STORE : 0));
        return false;
    }
    *ra = ea & REAL_MODE_MASK;
    return true;
}

/* A device access of SIZE bytes at RA, or a machine check. */
static bool mmio_access(struct cpu *c, uint64_t ra, unsigned size, bool write, uint64_t *val)
{
    const struct mmio_region *r = memory_find_mmio(c->mem, ra);
    if (r && ra - r->base <= r->size - size) {
        bool done = write ? r->ops->write(r->opaque, ra - r->base, size, *val)
                          : r->ops->read(r->opaque, ra - r->base, size, val);
        if (done)
            return true;
    }
    cpu_machine_check(c, ra);
    return false;
}

bool cpu_load_slow(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t *val)
{
    uint64_t ra;
    if (!cpu_translate_data(c, ea, false, &ra))
        return false;
    const uint8_t *p = memory_ram_ptr(c->mem, ra, size);
    if (p) {
        uint64_t v = mem_get_le(p, size);
        *val = access_big_endian(c, rev) ? byteswap(v, size) : v;
        return true;
    }
    uint64_t v = 0;
    if (!mmio_access(c, ra, size, false, &v))
        return false;
    *val = access_big_endian(c, rev) ? v : byteswap(v, size);
    return true;
}

bool cpu_store_slow(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t val)
{
    uint64_t ra;
    if (!cpu_translate_data(c, ea, true, &ra))
        return false;
    uint8_t *p = memory_ram_ptr(c->mem, ra, size);
    if (p) {
        mem_put_le(p, size, access_big_endian(c, rev) ? byteswap(val, size) : val);
        memory_note_store(c->mem, ra, size);
        return true;
    }
    uint64_t v = access_big_endian(c, rev) ? val : byteswap(val, size);
    return mmio_access(c, ra, size, true, &v);
}
