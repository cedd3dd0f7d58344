/*
 * Data accesses from instructions: effective address to real address,
 * then RAM (the inline fast paths) or a device (mem_access.c). Byte order
 * follows MSR[LE], reversed for the byte-reversed instructions (REV). On
 * failure the right interrupt has been raised (DSI, segment, machine
 * check) and the handler must return at once.
 *
 * Two fast paths: real mode (MSR[DR] = 0) below the RMA is a bounds check
 * and a pointer add, as it always was; with relocation on, one soft-TLB
 * lookup (emu/cpu/mmu.h). Everything else -- a TLB miss, a page-crossing
 * access, real mode beyond the RMA, devices, faults -- takes the slow path.
 */
#ifndef PPCRR_EMU_CPU_MEM_ACCESS_H
#define PPCRR_EMU_CPU_MEM_ACCESS_H

#include <string.h>

#include "emu/cpu/insn.h"
#include "emu/cpu/mmu.h"

#define REAL_MODE_MASK 0x0fffffffffffffffull

bool cpu_load_slow(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t *val);
bool cpu_store_slow(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t val);

/* Raw little-endian value of SIZE bytes at P, and back. */
static inline uint64_t mem_get_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, p, size);       /* the host is little-endian (checked in meson.build) */
    return v;
}

static inline void mem_put_le(uint8_t *p, unsigned size, uint64_t v)
{
    memcpy(p, &v, size);
}

static inline uint64_t byteswap(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

/* True if this access reads memory big-endian. */
static inline bool access_big_endian(const struct cpu *c, bool rev)
{
    return !(c->msr[0] & MSR_LE) != rev;
}

/* Inlined into every load and store handler whatever the compiler thinks of
 * their size: the fast paths are the point. */
#define MEM_ACCESS_INLINE static inline __attribute__((always_inline))

MEM_ACCESS_INLINE bool cpu_load(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t *val)
{
    const uint8_t *p;
    if (__builtin_expect(!(c->msr[0] & MSR_DR), 1)) {
        uint64_t ra = ea & REAL_MODE_MASK;
        p = ra < c->rma_size && size <= c->rma_size - ra ? c->mem->ram + ra : NULL;
    } else {
        p = tlb_lookup(c, MMU_LOAD, ea, size);
    }
    if (__builtin_expect(p != NULL, 1)) {
        uint64_t v = mem_get_le(p, size);
        *val = access_big_endian(c, rev) ? byteswap(v, size) : v;
        return true;
    }
    return cpu_load_slow(c, ea, size, rev, val);
}

MEM_ACCESS_INLINE bool cpu_store(struct cpu *c, uint64_t ea, unsigned size, bool rev, uint64_t val)
{
    uint8_t *p;
    uint64_t ra;
    if (__builtin_expect(!(c->msr[0] & MSR_DR), 1)) {
        ra = ea & REAL_MODE_MASK;
        if (__builtin_expect(ra >= c->rma_size || size > c->rma_size - ra, 0))
            return cpu_store_slow(c, ea, size, rev, val);
        p = c->mem->ram + ra;
    } else {
        p = tlb_lookup(c, MMU_STORE, ea, size);
        if (!p)
            return cpu_store_slow(c, ea, size, rev, val);
        ra = (uint64_t)(p - c->mem->ram);
    }
    mem_put_le(p, size, access_big_endian(c, rev) ? byteswap(val, size) : val);
    memory_note_store(c->mem, ra, size);
    return true;
}

/* Real address of a data access at EA, or false after raising the
 * interrupt (for dcbz, larx/stcx. and other whole-block accesses). */
bool cpu_translate_data(struct cpu *c, uint64_t ea, bool store, uint64_t *ra);

#endif
