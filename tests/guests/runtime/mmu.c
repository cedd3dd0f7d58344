/*
 * The hash MMU from the guest's side, as a PAPR LPAR sees it: the guest
 * does not own the hashed page table, it asks the hypervisor to change it
 * (H_ENTER, H_REMOVE, H_PROTECT, H_READ, ...), and it owns its SLB, which
 * it loads with slbmte. This file has
 *
 *   - the identity mapping problem state needs: setting MSR[PR] also sets
 *     IR and DR (Power ISA 2.07 Book III, "Machine State Register"), so a
 *     test that drops to problem state needs translation: one SLB entry
 *     (entry 0) for the first 256 MiB segment and 4 KiB page-table entries
 *     mapping the guest's image and stacks one to one. The same mapping
 *     lets supervisor code run with translation on (virt_call);
 *     interrupts switch translation off, and the vectors run in real mode;
 *   - what the MMU guests (mmu.c, aliasing.c, smc.c, mmubench.c) build
 *     their own mappings with: page-size encodings from the device tree,
 *     the hash, HPTE images, H_ENTER with the secondary-group fallback,
 *     SLB entries, and a way to run a function with translation on.
 *
 * The entry layout (ISA 2.07 5.7.7.1): dword 0 = AVA (VA >> 23) << 7 | L |
 * H | V; dword 1 = RPN (with the large-page size encoding LP in its low
 * bits) | R | C | WIMG = M (what PAPR hypervisors require for RAM) | N |
 * PP. The hash uses the segment's base page size (ISA 5.7.7.3); these
 * guests only use pages whose size is the segment's base size, so the
 * hash and the AVPN never depend on multiple-page-size rules.
 */
#include "runtime.h"

#define VSID_IDENTITY 0x123456ul   /* any: the segment of the image */

extern char __exc_stack_top[];

static bool mapped;
static long map_rc = 1;            /* 1 = not tried yet */
/* What mmu_slb_set loaded where (rather than slbmfee: fewer instructions
 * the emulator must have). */
static bool slb_used[64];
static uint64_t slb_rb[64];        /* slbie's operand for the entry */

unsigned mmu_htab_shift(void)
{
    static unsigned shift;
    if (shift)
        return shift;
    const void *fdt = boot.fdt;
    int cpus = fdt_path(fdt, "/cpus");
    for (int n = cpus >= 0 ? fdt_first_child(fdt, cpus) : -1; n >= 0;
         n = fdt_next_sibling(fdt, n)) {
        int len;
        const uint8_t *p = fdt_prop(fdt, n, "ibm,pft-size", &len);
        if (p && len >= 8) {
            shift = be32(p + 4);
            return shift;
        }
    }
    shift = 18;   /* the architected minimum, 256 KiB */
    return shift;
}

/* ibm,segment-page-sizes, read once: the (base, actual) size pairs and
 * their SLB and HPTE encodings. */
static struct { unsigned base, actual; uint32_t slb, pte; } sizes[16];
static int n_sizes = -1;

static void read_page_sizes(void)
{
    /* For each base size: base shift, SLB L||LP, count, then count pairs
     * (actual shift, HPTE LP encoding). */
    const void *fdt = boot.fdt;
    int cpus = fdt_path(fdt, "/cpus");
    n_sizes = 0;
    for (int n = cpus >= 0 ? fdt_first_child(fdt, cpus) : -1; n >= 0;
         n = fdt_next_sibling(fdt, n)) {
        int len;
        const uint8_t *p = fdt_prop(fdt, n, "ibm,segment-page-sizes", &len);
        if (!p)
            continue;
        int cells = len / 4, i = 0;
        while (i + 3 <= cells) {
            uint32_t base = be32(p + 4 * i), slb = be32(p + 4 * i + 4), count = be32(p + 4 * i + 8);
            i += 3;
            for (uint32_t k = 0; k < count && i + 2 <= cells; k++, i += 2) {
                if (n_sizes == (int)(sizeof(sizes) / sizeof(sizes[0])))
                    return;
                sizes[n_sizes].base = base;
                sizes[n_sizes].actual = be32(p + 4 * i);
                sizes[n_sizes].slb = slb;
                sizes[n_sizes].pte = be32(p + 4 * i + 4);
                n_sizes++;
            }
        }
        return;
    }
    /* No property: 4 KiB pages, which every hash MMU has. */
    sizes[0].base = sizes[0].actual = 12;
    sizes[0].slb = sizes[0].pte = 0;
    n_sizes = 1;
}

bool mmu_page_size(unsigned shift, uint64_t *slb_enc, uint64_t *pte_enc)
{
    if (n_sizes < 0)
        read_page_sizes();
    for (int i = 0; i < n_sizes; i++)
        if (sizes[i].base == shift && sizes[i].actual == shift) {
            if (slb_enc)
                *slb_enc = sizes[i].slb;
            if (pte_enc)
                *pte_enc = sizes[i].pte;
            return true;
        }
    return false;
}

uint64_t mmu_ram_size(void)
{
    const void *fdt = boot.fdt;
    for (int n = fdt_first_child(fdt, fdt_path(fdt, "/")); n >= 0; n = fdt_next_sibling(fdt, n)) {
        int len;
        const char *name = fdt_name(fdt, n);
        const uint8_t *reg = fdt_prop(fdt, n, "reg", &len);
        /* #address-cells = #size-cells = 2 on both machines; the node at 0
         * holds the memory these guests use. */
        if (name && strncmp(name, "memory", 6) == 0 && reg && len >= 16 && be64(reg) == 0)
            return be64(reg + 8);
    }
    return 0;
}

uint64_t mmu_group(uint64_t vsid, uint64_t ea, unsigned shift)
{
    /* 256 MiB segments: VSID[38:76] xor EA[36:63-p], i.e. the low 39 bits
     * of the VSID xor the page number within the segment. */
    uint64_t hash = (vsid & 0x7fffffffffull) ^ ((ea & 0xfffffffull) >> shift);
    return hash & ((1ull << (mmu_htab_shift() - 7)) - 1);   /* 128-byte groups */
}

uint64_t mmu_group_1t(uint64_t vsid, uint64_t ea, unsigned shift)
{
    /* 1 TiB segments: VSID xor VSID << 25 xor the page number within the
     * segment (ISA 5.7.7.3; Linux's hpt_hash). */
    uint64_t hash = vsid ^ (vsid << 25) ^ ((ea & 0xffffffffffull) >> shift);
    return hash & 0x7fffffffffull & ((1ull << (mmu_htab_shift() - 7)) - 1);
}

static bool hpte(struct mmu_map *m, uint64_t vsid, uint64_t ea, uint64_t pa, unsigned shift,
                 uint64_t rbits, bool seg_1t)
{
    uint64_t pte_enc = 0;
    memset(m, 0, sizeof(*m));
    if (!mmu_page_size(shift, 0, &pte_enc))
        return false;
    uint64_t mask = (1ull << shift) - 1;
    m->ea = ea & ~mask;
    m->vsid = vsid;
    m->pa = pa & ~mask;
    m->shift = shift;
    m->seg_1t = seg_1t;
    /* AVA = VA >> 23 with VA = VSID || the segment offset (28 or 40
     * bits): up to 78 bits, so built from the parts rather than from a
     * 64-bit VA. B (dword 0 bits 0:1) = 1 for a 1 TiB segment. */
    uint64_t ava = seg_1t ? vsid << 17 | (ea & 0xffffffffffull) >> 23
                          : vsid << 5 | (ea & 0xfffffffull) >> 23;
    m->v = ava << HPTE_V_AVPN_SHIFT | (seg_1t ? HPTE_V_1T : 0) |
           (shift > 12 ? HPTE_V_LARGE : 0) | HPTE_V_VALID;
    m->r = m->pa | (shift > 12 ? pte_enc << 12 : 0) | HPTE_R_M | rbits;
    m->group = seg_1t ? mmu_group_1t(vsid, ea, shift) : mmu_group(vsid, ea, shift);
    return true;
}

bool mmu_hpte(struct mmu_map *m, uint64_t vsid, uint64_t ea, uint64_t pa, unsigned shift,
              uint64_t rbits)
{
    return hpte(m, vsid, ea, pa, shift, rbits, false);
}

bool mmu_hpte_1t(struct mmu_map *m, uint64_t vsid, uint64_t ea, uint64_t pa, unsigned shift,
                 uint64_t rbits)
{
    return hpte(m, vsid, ea, pa, shift, rbits, true);
}

long mmu_enter(struct mmu_map *m)
{
    unsigned long ret[9];
    long rc = hcall(H_ENTER, ret, 0, m->group * 8, m->v, m->r, 0, 0, 0, 0);
    if (rc == H_PTEG_FULL) {
        /* The secondary group: the complemented hash, and H set. */
        uint64_t groups = 1ull << (mmu_htab_shift() - 7);
        m->v |= HPTE_V_SECONDARY;
        rc = hcall(H_ENTER, ret, 0, (~m->group & (groups - 1)) * 8, m->v, m->r, 0, 0, 0, 0);
        if (rc != H_SUCCESS)
            m->v &= ~HPTE_V_SECONDARY;
    }
    if (rc == H_SUCCESS)
        m->ptex = ret[0];
    return rc;
}

long mmu_map(struct mmu_map *m, uint64_t vsid, uint64_t ea, uint64_t pa, unsigned shift,
             uint64_t rbits)
{
    if (!mmu_hpte(m, vsid, ea, pa, shift, rbits))
        return H_PARAMETER;
    return mmu_enter(m);
}

long mmu_remove(struct mmu_map *m)
{
    unsigned long ret[9];
    return hcall(H_REMOVE, ret, H_AVPN, m->ptex, m->v & ~0x7ful, 0, 0, 0, 0, 0);
}

long mmu_read(unsigned long ptex, uint64_t *v, uint64_t *r)
{
    unsigned long ret[9] = {0};
    long rc = hcall(H_READ, ret, 0, ptex, 0, 0, 0, 0, 0, 0);
    *v = ret[0];
    *r = ret[1];
    return rc;
}

static void slb_set(unsigned index, uint64_t rs, uint64_t esid, uint64_t slbie_b)
{
    /* An entry being replaced goes first, with its translations (slbie),
     * and so does any other entry for the new ESID: the ISA does not allow
     * two entries for one ESID, and an emulator's TLB may hold the old
     * segment's translations until slbie. */
    index &= 63;
    if (slb_used[index])
        __asm__ volatile("slbie %0" : : "r"(slb_rb[index]) : "memory");
    __asm__ volatile("slbie %0" : : "r"(esid | slbie_b) : "memory");
    slb_used[index] = true;
    slb_rb[index] = esid | slbie_b;
    __asm__ volatile("slbmte %0, %1; isync" : : "r"(rs), "r"(esid | SLB_ESID_V | index) : "memory");
}

void mmu_slb_set(unsigned index, uint64_t ea, uint64_t vsid, uint64_t flags)
{
    slb_set(index, vsid << SLB_VSID_SHIFT | flags, ea & ~0xffffffful, 0);
}

void mmu_slb_set_1t(unsigned index, uint64_t ea, uint64_t vsid, uint64_t flags)
{
    /* RS: B = 01 (bits 0:1), the VSID from bit 24 (host numbering). */
    slb_set(index, SLB_VSID_B_1T | vsid << SLB_VSID_SHIFT_1T | flags, ea & ~0xffffffffffull,
            SLBIE_B_1T);
}

void mmu_slb_clear(uint64_t ea)
{
    __asm__ volatile("slbie %0; isync" : : "r"(ea & ~0xffffffful) : "memory");
}

void mmu_slb_clear_1t(uint64_t ea)
{
    __asm__ volatile("slbie %0; isync" : : "r"((ea & ~0xffffffffffull) | SLBIE_B_1T) : "memory");
}

void mmu_sync_icache(uint64_t addr, size_t len)
{
    /* Book II 1.8: dcbst each block, sync, icbi each block, isync. */
    uint64_t end = addr + len, a;
    for (a = addr & ~127ul; a < end; a += 128)
        __asm__ volatile("dcbst 0, %0" : : "r"(a) : "memory");
    __asm__ volatile("sync" ::: "memory");
    for (a = addr & ~127ul; a < end; a += 128)
        __asm__ volatile("icbi 0, %0" : : "r"(a) : "memory");
    __asm__ volatile("isync" ::: "memory");
}

/* Maps [0, the end of the exception stack) one to one; 0 on success or
 * the first failing H_ENTER's return code. */
long mmu_map_identity(void)
{
    if (mapped)
        return H_SUCCESS;
    if (map_rc != 1)
        return map_rc;      /* failed before: do not fill the table twice */
    for (uint64_t ea = 0; ea < (uintptr_t)__exc_stack_top; ea += 4096) {
        struct mmu_map m;
        mmu_hpte(&m, VSID_IDENTITY, ea, ea, 12, HPTE_R_PP_RW);
        long rc = mmu_enter(&m);
        if (rc != H_SUCCESS) {
            map_rc = rc;
            return rc;
        }
    }
    /* slbmte: RS = VSID | keys 0, RB = ESID 0 | V | entry 0. */
    __asm__ volatile("slbmte %0, %1; isync" : : "r"(VSID_IDENTITY << SLB_VSID_SHIFT), "r"(SLB_ESID_V)
                     : "memory");
    mapped = true;
    map_rc = H_SUCCESS;
    return H_SUCCESS;
}

const char *mmu_missing(void)
{
    long rc = mmu_map_identity();
    /* Only "not implemented" is a reason to skip; any other error is a
     * failure the tests will show. */
    return rc == H_FUNCTION ? "the hash MMU (H_ENTER) is not in this emulator yet" : NULL;
}

/* Translation on and off for supervisor code, by rfid to the caller (a
 * context-synchronizing change, as the ISA wants for IR/DR). Code, data
 * and stack are mapped one to one, so nothing moves. */
void mmu_virt_on(void);
void mmu_virt_off(void);
__asm__(".text\n"
        ".globl mmu_virt_on\n"
        "mmu_virt_on:\n"
        " mflr 0\n mfmsr 3\n ori 3, 3, 0x30\n mtsrr0 0\n mtsrr1 3\n rfid\n"
        ".globl mmu_virt_off\n"
        "mmu_virt_off:\n"
        " mflr 0\n mfmsr 3\n li 4, 0x30\n andc 3, 3, 4\n mtsrr0 0\n mtsrr1 3\n rfid\n");

long virt_call(long (*fn)(long, long), long a, long b)
{
    long rc = mmu_map_identity();
    if (rc != H_SUCCESS)
        return USER_NO_MMU;
    mmu_virt_on();
    long r = fn(a, b);
    mmu_virt_off();
    return r;
}

void mmu_real_mode(void)
{
    uint64_t msr = mfmsr();
    if ((msr & (MSR_IR | MSR_DR)) && !(msr & MSR_PR))
        mmu_virt_off();
}

static unsigned strays;

bool mmu_stray(struct exc_frame *f)
{
    bool data = f->vector == 0x300 || f->vector == 0x380;
    /* A fetch fault in code the guest placed outside its image: that code
     * is a leaf reached by a call or tail call, so LR goes back. */
    bool fetch = (f->vector == 0x400 || f->vector == 0x480) &&
                 f->srr0 >= (uintptr_t)__exc_stack_top;
    if ((!data && !fetch) || (f->srr1 & MSR_PR))
        return false;
    strays++;
    tap_diag("unexpected interrupt 0x%lx at SRR0 0x%lx, SRR1 0x%lx, DAR 0x%lx, DSISR 0x%lx: %s",
             (unsigned long)f->vector, (unsigned long)f->srr0, (unsigned long)f->srr1,
             (unsigned long)f->dar, (unsigned long)f->dsisr,
             data ? "stepped over" : "back to LR");
    f->srr0 = data ? f->srr0 + 4 : f->lr;
    return true;
}

unsigned mmu_strays(void)
{
    return strays;
}
