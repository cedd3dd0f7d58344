/*
 * The device tree the guest sees (machine_build_fdt): the machine
 * description without its host-only `ppcrr,*` properties, plus what varies
 * per run -- /cpus (one POWER8 node per vCPU), /memory (-m: the RMA, then
 * the rest), /chosen (-append, -initrd, the console) -- then each device's
 * fdt_fixup and each registered tree part (/rtas from hcall/, ...), in
 * order.
 *
 * The CPU properties are what QEMU's pseries machine gives a POWER8 guest
 * under TCG (hw/ppc/spapr.c spapr_dt_cpu, target/ppc), and what Linux reads
 * from them (arch/powerpc/mm/book3s64/hash_utils.c, kernel/prom.c): a
 * guest built for QEMU must find the same machine here.
 *
 * The copy is written with libfdt's sequential functions, so the host-only
 * property names leave no trace even in the strings block, and the
 * generated nodes come out with their properties in the order written;
 * devices and parts then edit it with the read-write functions.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/machine.h"

#define FDT_MAX_BYTES (64u << 20)     /* give up growing the buffer past this */

/* Stops a builder at the first libfdt error (its negative code). */
#define TRY(call)                                                                                  \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ < 0)                                                                               \
            return rc_;                                                                            \
    } while (0)

/* ---- the POWER8 CPU node, as data ---- */

/* Cell-valued properties every CPU node carries (QEMU's values for a TCG
 * POWER8: 32 KiB L1 caches with 128-byte lines, a 1 GHz clock, 32 SLB
 * entries; ibm,vmx 2 = VMX and VSX; ibm,purr/spurr 1 = the registers
 * exist). The timebase is ppcrr's own (CPU_TB_FREQ, timebase.c). */
static const struct {
    const char *name;
    uint32_t value;
} cpu_cells[] = {
    { "cpu-version", PVR_POWER8 },
    { "d-cache-block-size", 128 },
    { "d-cache-line-size", 128 },
    { "i-cache-block-size", 128 },
    { "i-cache-line-size", 128 },
    { "d-cache-size", 0x8000 },
    { "i-cache-size", 0x8000 },
    { "timebase-frequency", (uint32_t)CPU_TB_FREQ },
    { "clock-frequency", 1000000000 },
    { "slb-size", 32 },
    { "ibm,slb-size", 32 },
    { "ibm,purr", 1 },
    { "ibm,spurr", 1 },
    { "ibm,vmx", 2 },
    { "ibm,dfp", 1 },
    { "ibm,chip-id", 0 },
};

/* Segment sizes as log2: 256 MiB and 1 TiB, then -1 fill (as QEMU). Linux
 * turns on 1T segments when it finds 40 here. */
static const uint32_t segment_sizes[] = { 28, 40, 0xffffffff, 0xffffffff };

/* ibm,segment-page-sizes is written from hpt_page_sizes[] (emu/hpt.c),
 * the table the MMU and H_ENTER use: for each base page size of a
 * segment, its SLB L||LP encoding (the SLB VSID-word bits, which Linux
 * uses as is for `sllp`), then the number of actual page sizes allowed in
 * it and, for each, its log2 and its HPTE LP encoding -- the POWER7/8 rows
 * QEMU's hash MMU knows (target/ppc/mmu-hash64.c), up to 16M pages. */
#define SEGMENT_PAGE_SIZES_MAX (5 * HPT_N_PAGE_SIZES)   /* each row its own base at worst */

static size_t segment_page_sizes(uint32_t *cells)
{
    size_t n = 0;
    for (unsigned i = 0; i < hpt_n_page_sizes;) {
        const struct hpt_page_size *base = &hpt_page_sizes[i];
        cells[n++] = base->base_shift;
        cells[n++] = base->slb_enc;
        size_t count_at = n++;
        uint32_t count = 0;
        for (; i < hpt_n_page_sizes && hpt_page_sizes[i].base_shift == base->base_shift; i++) {
            cells[n++] = hpt_page_sizes[i].actual_shift;
            cells[n++] = hpt_page_sizes[i].pte_enc;
            count++;
        }
        cells[count_at] = count;
    }
    return n;
}

/* ibm,pa-features: QEMU's ISA 2.07 value (2 header bytes: length 24,
 * type 0), with byte 1 bit 2 (CI large pages) on as QEMU turns it on when
 * 64K pages are allowed, and no transactional memory (byte 22), as with
 * QEMU's TCG default cap-htm=off. Bits by byte: 0 MMU FPU SLB RUN DABR
 * NX; 1 fri[nzpm] DABRX SPRG3 SLB0 PP110, CI-LP; 2 VPM DS205 PPR DS202
 * DS206; 3 LSD URG; 5 LE CFAR EB LSQ; 6 DS207; 16 vector; 18 VSX; 20
 * vector crypto-ish ops (QEMU sets it for 2.07). */
static const uint8_t pa_features[] = {
    24, 0,
    0xf6, 0x3f, 0xc7, 0xc0, 0x80, 0xf0,
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00,
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
};

static int property_cells(void *fdt, const char *name, const uint32_t *cells, size_t n)
{
    fdt32_t be[16];
    for (size_t i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    return fdt_property(fdt, name, be, (int)(n * sizeof *be));
}

static int property_big(void *fdt, const char *name, const uint32_t *cells, size_t n)
{
    fdt32_t *be = malloc(n * sizeof *be);
    if (!be)
        return -FDT_ERR_NOSPACE;
    for (size_t i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    int rc = fdt_property(fdt, name, be, (int)(n * sizeof *be));
    free(be);
    return rc;
}

static uint64_t ram_size(const struct machine *m)
{
    return m->mem.ram_size ? m->mem.ram_size : m->cfg.ram_size;
}

/* log2 of the hash page table the guest is told to use: the machine's own
 * table (emu/hpt.h); a machine assembled without one (unit tests) gets
 * the size such a table would have. */
static uint32_t pft_shift(const struct machine *m)
{
    return m->hpt.hpte ? m->hpt.shift : hpt_shift_for_ram(ram_size(m));
}

static int write_cpu(void *fdt, const struct machine *m, unsigned index)
{
    char name[32];
    snprintf(name, sizeof name, "PowerPC,POWER8@%x", index);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "device_type", "cpu"));
    TRY(fdt_property_u32(fdt, "reg", index));
    for (size_t i = 0; i < sizeof cpu_cells / sizeof *cpu_cells; i++)
        TRY(fdt_property_u32(fdt, cpu_cells[i].name, cpu_cells[i].value));
    TRY(fdt_property_string(fdt, "status", "okay"));
    TRY(fdt_property(fdt, "64-bit", NULL, 0));
    TRY(property_cells(fdt, "ibm,processor-segment-sizes", segment_sizes,
                       sizeof segment_sizes / sizeof *segment_sizes));
    uint32_t sps[SEGMENT_PAGE_SIZES_MAX];
    TRY(property_big(fdt, "ibm,segment-page-sizes", sps, segment_page_sizes(sps)));
    TRY(fdt_property(fdt, "ibm,pa-features", pa_features, sizeof pa_features));
    const uint32_t pft[] = { 0, pft_shift(m) };
    TRY(property_cells(fdt, "ibm,pft-size", pft, 2));
    /* One thread per core: the core's interrupt server is the vCPU; the
     * "gserver" pairs send group interrupts to server 0, as QEMU does. */
    TRY(fdt_property_u32(fdt, "ibm,ppc-interrupt-server#s", index));
    const uint32_t gserver[] = { index, 0 };
    TRY(property_cells(fdt, "ibm,ppc-interrupt-gserver#s", gserver, 2));
    return fdt_end_node(fdt);
}

static int write_cpus(void *fdt, const struct machine *m)
{
    TRY(fdt_begin_node(fdt, "cpus"));
    TRY(fdt_property_u32(fdt, "#address-cells", 1));
    TRY(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned i = 0; i < m->ncpus; i++)
        TRY(write_cpu(fdt, m, i));
    return fdt_end_node(fdt);
}

/* One /memory node: `reg` = BASE, SIZE in the root's cells (2 and 2 on
 * pSeries). */
static int write_memory_node(void *fdt, uint64_t base, uint64_t size, unsigned ac, unsigned sc)
{
    /* RAM needs at least one cell of address and of size in the root. */
    if (ac == 0 || sc == 0 || (sc < 2 && size >> 32) || (ac < 2 && base >> 32))
        return -FDT_ERR_BADNCELLS;
    uint32_t reg[4];
    unsigned n = 0;
    if (ac == 2)
        reg[n++] = (uint32_t)(base >> 32);
    reg[n++] = (uint32_t)base;
    if (sc == 2)
        reg[n++] = (uint32_t)(size >> 32);
    reg[n++] = (uint32_t)size;
    char name[32];
    snprintf(name, sizeof name, "memory@%llx", (unsigned long long)base);
    TRY(fdt_begin_node(fdt, name));
    TRY(fdt_property_string(fdt, "device_type", "memory"));
    TRY(property_cells(fdt, "reg", reg, n));
    return fdt_end_node(fdt);
}

/* RAM as QEMU's pseries describes it (spapr_dt_memory): /memory@0 is the
 * RMA -- Linux takes the first memory block as what it may touch in real
 * mode (ppc64_rma_size) -- and the rest follows in naturally aligned
 * power-of-two nodes, each as large as its base's alignment and what is
 * left allow. Linux needs that: without ibm,dynamic-reconfiguration-memory
 * it takes the size of the node at /memory@<RMA size> as its memory block
 * size, and panics at boot unless that is a power of two. */
static int write_memory(void *fdt, const struct machine *m, unsigned ac, unsigned sc)
{
    uint64_t size = ram_size(m);
    uint64_t base = size < MACHINE_RMA_MAX ? size : MACHINE_RMA_MAX;
    TRY(write_memory_node(fdt, 0, base, ac, sc));
    while (base < size) {
        uint64_t chunk = 1ull << (63 - __builtin_clzll(size - base));   /* largest power of two that fits */
        uint64_t align = base & -base;                                   /* base's alignment */
        if (align < chunk)
            chunk = align;
        TRY(write_memory_node(fdt, base, chunk, ac, sc));
        base += chunk;
    }
    return 0;
}

/* The console the -serial backend feeds: the first node whose
 * `ppcrr,chardev` is "serial". NULL if there is none. */
static const char *console_path(const void *desc, char *buf, int len)
{
    for (int node = 0; node >= 0; node = fdt_next_node(desc, node, NULL)) {
        int plen;
        const char *v = fdt_getprop(desc, node, "ppcrr,chardev", &plen);
        if (v && plen == sizeof "serial" && memcmp(v, "serial", sizeof "serial") == 0)
            return fdt_get_path(desc, node, buf, len) == 0 ? buf : NULL;
    }
    return NULL;
}

/* Linux reads the initrd cells with however many cells are there; QEMU
 * writes one, which cannot say an address past 4 GiB, so two then. */
static int property_addr(void *fdt, const char *name, uint64_t v)
{
    if (v >> 32) {
        const uint32_t cells[] = { (uint32_t)(v >> 32), (uint32_t)v };
        return property_cells(fdt, name, cells, 2);
    }
    return fdt_property_u32(fdt, name, (uint32_t)v);
}

static int write_chosen(void *fdt, const struct machine *m)
{
    TRY(fdt_begin_node(fdt, "chosen"));
    if (m->cfg.append && m->cfg.append[0])
        TRY(fdt_property_string(fdt, "bootargs", m->cfg.append));
    if (m->initrd_size) {
        TRY(property_addr(fdt, "linux,initrd-start", m->initrd_base));
        TRY(property_addr(fdt, "linux,initrd-end", m->initrd_base + m->initrd_size));
    }
    char path[256];
    if (console_path(m->desc, path, sizeof path)) {
        TRY(fdt_property_string(fdt, "linux,stdout-path", path));
        TRY(fdt_property_string(fdt, "stdout-path", path));
    }
    return fdt_end_node(fdt);
}

/* ---- the copy of the description ---- */

static int copy_properties(void *fdt, const void *desc, int node)
{
    int prop;
    fdt_for_each_property_offset(prop, desc, node) {
        const char *name;
        int len;
        const void *value = fdt_getprop_by_offset(desc, prop, &name, &len);
        if (!value || !name)
            return -FDT_ERR_BADSTRUCTURE;
        if (strncmp(name, "ppcrr,", 6) == 0)
            continue;           /* host-only (DESIGN.md §5) */
        TRY(fdt_property(fdt, name, value, len));
    }
    return 0;
}

/* The root's #address-cells/#size-cells, which /memory@0 is written in
 * (desc_load checked them). */
static void root_cells(const void *desc, unsigned *ac, unsigned *sc)
{
    char err[8];
    if (device_node_cells(desc, 0, ac, sc, err, sizeof err) < 0)
        *ac = *sc = 2;
}

/* The description without `ppcrr,*`, with the generated nodes as the
 * root's last children, as a finished sequential-write tree. */
static int write_tree(void *fdt, int size, const struct machine *m)
{
    const void *desc = m->desc;
    TRY(fdt_create(fdt, size));
    for (int i = 0, n = fdt_num_mem_rsv(desc); i < n; i++) {
        uint64_t addr, len;
        TRY(fdt_get_mem_rsv(desc, i, &addr, &len));
        TRY(fdt_add_reservemap_entry(fdt, addr, len));
    }
    TRY(fdt_finish_reservemap(fdt));
    unsigned ac, sc;
    root_cells(desc, &ac, &sc);
    int depth = 0, open = 0;
    for (int node = 0;; node = fdt_next_node(desc, node, &depth)) {
        if (depth < 0)
            node = -FDT_ERR_NOTFOUND;       /* past the root's end (fdt_next_node's way) */
        int end = node < 0 ? 0 : depth;     /* after the last node, close everything */
        for (; open > end; open--) {
            if (open == 1) {                /* closing the root: the generated nodes first */
                TRY(write_cpus(fdt, m));
                TRY(write_memory(fdt, m, ac, sc));
                TRY(write_chosen(fdt, m));
            }
            TRY(fdt_end_node(fdt));
        }
        if (node < 0)
            break;
        const char *name = fdt_get_name(desc, node, NULL);
        TRY(fdt_begin_node(fdt, name ? name : ""));
        TRY(copy_properties(fdt, desc, node));
        open++;
    }
    return fdt_finish(fdt);
}

/* ---- devices' and subsystems' additions ---- */

static int run_fixups(struct machine *m, void *fdt, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *dev = m->devices[i];
        if (!dev->type->fdt_fixup)
            continue;
        int node = fdt_path_offset(fdt, dev->path);
        int rc = node < 0 ? node : dev->type->fdt_fixup(dev, fdt, node);
        if (rc < 0) {
            snprintf(err, errlen, "node %s: device type \"%s\" could not edit the guest's tree (%s)",
                     dev->path, dev->type->compatible, fdt_strerror(rc));
            return rc;
        }
    }
    for (unsigned i = 0; i < m->n_fdt_parts; i++) {
        int rc = m->fdt_parts[i].fn(m, fdt, m->fdt_parts[i].opaque);
        if (rc < 0) {
            snprintf(err, errlen, "guest device tree part %u could not be added (%s)", i,
                     fdt_strerror(rc));
            return rc;
        }
    }
    return 0;
}

/* One attempt in a buffer of SIZE bytes: a negative libfdt code on
 * failure (-FDT_ERR_NOSPACE: try again bigger). */
static int build(struct machine *m, void *fdt, int size, char *err, size_t errlen)
{
    int rc = write_tree(fdt, size, m);
    if (rc == -FDT_ERR_BADNCELLS) {
        snprintf(err, errlen, "%llu MiB of RAM does not fit the root's #size-cells",
                 (unsigned long long)(ram_size(m) >> 20));
        return rc;
    }
    if (rc < 0) {
        snprintf(err, errlen, "cannot write the guest device tree (%s)", fdt_strerror(rc));
        return rc;
    }
    TRY(fdt_open_into(fdt, fdt, size));
    rc = run_fixups(m, fdt, err, errlen);
    if (rc < 0)
        return rc;
    rc = fdt_pack(fdt);
    if (rc < 0)
        snprintf(err, errlen, "cannot pack the guest device tree (%s)", fdt_strerror(rc));
    return rc;
}

int machine_build_fdt(struct machine *m, char *err, size_t errlen)
{
    if (!m->desc) {
        snprintf(err, errlen, "no machine description loaded");
        return -1;
    }
    size_t size = fdt_totalsize(m->desc) + (64u << 10) + (size_t)m->ncpus * 1024 +
                  (m->cfg.append ? strlen(m->cfg.append) : 0);
    for (;;) {
        void *fdt = malloc(size);
        if (!fdt) {
            snprintf(err, errlen, "out of memory for the guest device tree");
            return -1;
        }
        int rc = build(m, fdt, (int)size, err, errlen);
        if (rc == 0) {
            void *packed = realloc(fdt, fdt_totalsize(fdt));
            free(m->guest_fdt);
            m->guest_fdt = packed ? packed : fdt;
            m->guest_fdt_size = fdt_totalsize(m->guest_fdt);
            return 0;
        }
        free(fdt);
        if (rc != -FDT_ERR_NOSPACE)
            return -1;
        if (size * 2 > FDT_MAX_BYTES) {
            snprintf(err, errlen, "the guest device tree outgrew %u MiB", FDT_MAX_BYTES >> 20);
            return -1;
        }
        size *= 2;
    }
}
