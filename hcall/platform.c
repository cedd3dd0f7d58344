/*
 * Platform hypercalls: the ones that act on the vCPUs and on guest memory
 * rather than on a device -- H_SET_MODE (interrupt endianness and location),
 * H_SET_SPRG0, H_SET_DABR/H_SET_XDABR, H_PAGE_INIT and the "debugger"
 * logical load/store calls that firmware such as SLOF uses.
 *
 * Return codes follow what QEMU 7.2's pseries machine (TCG, -cpu POWER8)
 * returns, observed with a probe guest, except where a comment says why
 * not. Values are PAPR's (hcall_codes.def).
 */
#include <string.h>

#include "hcall/hcall.h"

/* H_SET_MODE resources (PAPR; Linux asm/hvcall.h H_SET_MODE_RESOURCE_*). */
enum {
    SET_MODE_CIABR = 1,
    SET_MODE_DAWR0 = 2,
    SET_MODE_ADDR_TRANS_MODE = 3,
    SET_MODE_LE = 4,
    SET_MODE_DAWR1 = 5,
};

/* H_PAGE_INIT flags (Linux asm/hvcall.h; PAPR numbers bits from the MSB). */
#define H_ICACHE_INVALIDATE (1ull << (63 - 40))
#define H_ICACHE_SYNCHRONIZE (1ull << (63 - 41))
#define H_ZERO_PAGE (1ull << (63 - 48))
#define H_COPY_PAGE (1ull << (63 - 49))

/* DABRX bits (H_SET_XDABR's second argument) and the DABR/DAWRX bits the
 * DABR is translated into (Power ISA 2.07 Book III 9.4; Linux reg.h). */
#define DABRX_USER 0x1ull
#define DABRX_KERNEL 0x2ull
#define DABRX_HYP 0x4ull
#define DABRX_BTI 0x8ull
#define DABR_DATA_READ 0x1ull
#define DABR_DATA_WRITE 0x2ull
#define DABR_TRANSLATION 0x4ull
#define DAWRX_WT 0x10ull
#define DAWRX_DR 0x20ull
#define DAWRX_DW 0x40ull

/* LPCR[FIELD] := VALUE on every vCPU: PAPR makes these partition-wide. */
static void set_all_lpcrs(struct machine *m, uint64_t value, uint64_t mask)
{
    for (unsigned i = 0; i < m->ncpus; i++)
        m->cpus[i].lpcr[0] = (m->cpus[i].lpcr[0] & ~mask) | (value & mask);
}

/* Resource 4: the endianness interrupts are taken in. Little-endian Linux
 * kernels loop on this until it succeeds, else panic. */
static int64_t set_mode_le(struct machine *m, uint64_t mflags, uint64_t value1, uint64_t value2)
{
    if (value1)
        return H_P3;
    if (value2)
        return H_P4;
    if (mflags > 1)
        return H_UNSUPPORTED_FLAG;
    set_all_lpcrs(m, mflags ? LPCR_ILE : 0, LPCR_ILE);
    return H_SUCCESS;
}

/* Resource 3: the alternate interrupt location. AIL 1 is reserved on
 * POWER8 (QEMU 7.2 answers H_UNSUPPORTED_FLAG); QEMU 7.2 accepts mflags > 3
 * by masking them to nothing, which newer QEMU refuses, as here. */
static int64_t set_mode_ail(struct machine *m, uint64_t mflags, uint64_t value1, uint64_t value2)
{
    if (value1)
        return H_P3;
    if (value2)
        return H_P4;
    if (mflags != 0 && mflags != 2 && mflags != 3)
        return H_UNSUPPORTED_FLAG;
    set_all_lpcrs(m, mflags << LPCR_AIL_SHIFT, LPCR_AIL_MASK);
    return H_SUCCESS;
}

/* CIABR and DAWR resources get H_P2 like every unknown resource, as on
 * QEMU's pseries (it implements only LE and ADDR_TRANS_MODE). */
static const struct {
    uint64_t resource;
    int64_t (*fn)(struct machine *m, uint64_t mflags, uint64_t value1, uint64_t value2);
} set_mode_resources[] = {
    { SET_MODE_ADDR_TRANS_MODE, set_mode_ail },
    { SET_MODE_LE, set_mode_le },
};

static int64_t h_set_mode(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t mflags = args[0], resource = args[1], value1 = args[2], value2 = args[3];
    (void)rets;
    for (size_t i = 0; i < sizeof set_mode_resources / sizeof set_mode_resources[0]; i++)
        if (set_mode_resources[i].resource == resource)
            return set_mode_resources[i].fn(ctx->machine, mflags, value1, value2);
    return H_P2;
}

static int64_t h_set_sprg0(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)rets;
    ctx->cpu->sprg[0] = args[0];
    return H_SUCCESS;
}

/* POWER8 has no DABR: like KVM-HV on POWER8 (book3s_hv_rmhandlers.S,
 * "emulate H_SET_DABR/X on P8"), the DABR is translated into the DAWR:
 * address bits to DAWR, read/write/translation bits to DAWRX's DR/DW/WT
 * next to the privilege bits. QEMU 7.2's POWER8 model returns H_HARDWARE
 * for both calls instead (it has no DABR SPR), a known difference. */
static void set_dawr_from_dabr(struct cpu *c, uint64_t dabr, uint64_t dabrx)
{
    uint64_t dawrx = dabrx;
    if (dabr & DABR_DATA_READ)
        dawrx |= DAWRX_DR;
    if (dabr & DABR_DATA_WRITE)
        dawrx |= DAWRX_DW;
    if (dabr & DABR_TRANSLATION)
        dawrx |= DAWRX_WT;
    c->dawr[0] = dabr & ~7ull;
    c->dawrx[0] = dawrx;
}

static int64_t h_set_dabr(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)rets;
    /* Both privilege states, as QEMU sets DABRX for this call. */
    set_dawr_from_dabr(ctx->cpu, args[0], DABRX_USER | DABRX_KERNEL);
    return H_SUCCESS;
}

static int64_t h_set_xdabr(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t dabr = args[0], dabrx = args[1];
    (void)rets;
    /* QEMU's (and KVM's) checks: only USER, KERNEL and BTI, at least one
     * of the first two, never the hypervisor bit. */
    if ((dabrx & ~0xfull) || (dabrx & DABRX_HYP) || !(dabrx & (DABRX_USER | DABRX_KERNEL)))
        return H_PARAMETER;
    set_dawr_from_dabr(ctx->cpu, dabr, dabrx);
    return H_SUCCESS;
}

static bool page_in_ram(const struct machine *m, uint64_t addr)
{
    return (addr & (GUEST_PAGE_SIZE - 1)) == 0 && memory_ram_ptr(&m->mem, addr, GUEST_PAGE_SIZE);
}

/* Copying or zeroing may hit pages the CPU has decoded code from:
 * memory_write() tells the code watcher, so H_ICACHE_* need nothing more. */
static int64_t h_page_init(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    static const uint8_t zero[GUEST_PAGE_SIZE];
    uint64_t flags = args[0], dst = args[1], src = args[2];
    struct machine *m = ctx->machine;
    (void)rets;
    if (flags & ~(H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_ZERO_PAGE | H_COPY_PAGE))
        return H_PARAMETER;
    if (!page_in_ram(m, dst))
        return H_PARAMETER;
    if (flags & H_COPY_PAGE) {          /* copy wins over zero, as on QEMU */
        uint8_t page[GUEST_PAGE_SIZE];
        if (!page_in_ram(m, src))
            return H_PARAMETER;
        memory_read(&m->mem, src, page, sizeof page);
        memory_write(&m->mem, dst, page, sizeof page);
    } else if (flags & H_ZERO_PAGE) {
        memory_write(&m->mem, dst, zero, sizeof zero);
    }
    return H_SUCCESS;
}

static uint64_t get_be(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v = v << 8 | p[i];
    return v;
}

static void put_be(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = size; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

/* The device region holding all SIZE bytes at ADDR, or NULL. */
static const struct mmio_region *mmio_at(const struct machine *m, uint64_t addr, unsigned size)
{
    const struct mmio_region *r = memory_find_mmio(&m->mem, addr);
    return r && size <= r->size && addr - r->base <= r->size - size ? r : NULL;
}

static bool valid_size(uint64_t size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* H_LOGICAL_CI_LOAD/CACHE_LOAD: a big-endian access to guest physical
 * memory (RAM or a device; device regions emit their MMIO events). QEMU
 * neither checks alignment nor fails on an address that hits nothing (it
 * reads 0, stores go nowhere): both kept. A device refusing the access has
 * no QEMU counterpart: H_HARDWARE. */
static int64_t h_logical_load(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t size = args[0], addr = args[1];
    struct machine *m = ctx->machine;
    if (!valid_size(size))
        return H_PARAMETER;
    const uint8_t *p = memory_ram_ptr(&m->mem, addr, size);
    const struct mmio_region *r = p ? NULL : mmio_at(m, addr, (unsigned)size);
    uint64_t v = 0;
    if (p)
        v = get_be(p, (unsigned)size);
    else if (r && !r->ops->read(r->opaque, addr - r->base, (unsigned)size, &v))
        return H_HARDWARE;
    rets[0] = v;
    return H_SUCCESS;
}

static int64_t h_logical_store(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t size = args[0], addr = args[1], value = args[2];
    struct machine *m = ctx->machine;
    (void)rets;
    if (!valid_size(size))
        return H_PARAMETER;
    if (size < 8)
        value &= (1ull << (8 * size)) - 1;
    if (memory_ram_ptr(&m->mem, addr, size)) {
        uint8_t b[8];
        put_be(b, (unsigned)size, value);
        memory_write(&m->mem, addr, b, size);
        return H_SUCCESS;
    }
    const struct mmio_region *r = mmio_at(m, addr, (unsigned)size);
    if (r && !r->ops->write(r->opaque, addr - r->base, (unsigned)size, value))
        return H_HARDWARE;
    return H_SUCCESS;
}

/* Caches are not modelled and stores already drop decoded code. */
static int64_t h_logical_nop(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    (void)ctx;
    (void)args;
    (void)rets;
    return H_SUCCESS;
}

static const struct {
    uint32_t opcode;
    hcall_fn fn;
} platform_hcalls[] = {
    { H_SET_SPRG0, h_set_sprg0 },
    { H_SET_DABR, h_set_dabr },
    { H_PAGE_INIT, h_page_init },
    { H_LOGICAL_CI_LOAD, h_logical_load },
    { H_LOGICAL_CI_STORE, h_logical_store },
    { H_LOGICAL_CACHE_LOAD, h_logical_load },
    { H_LOGICAL_CACHE_STORE, h_logical_store },
    { H_LOGICAL_ICBI, h_logical_nop },
    { H_LOGICAL_DCBF, h_logical_nop },
    { H_SET_XDABR, h_set_xdabr },
    { H_SET_MODE, h_set_mode },
};

void platform_hcalls_register(struct machine *m)
{
    for (size_t i = 0; i < sizeof platform_hcalls / sizeof platform_hcalls[0]; i++)
        hcall_register(m, platform_hcalls[i].opcode, platform_hcalls[i].fn, NULL);
}
