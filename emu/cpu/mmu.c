/*
 * Address translation for an LPAR guest (Power ISA 2.07 Book III-S ch. 5,
 * mmu.h): the SLB search, the hashed page table search, the PP/key
 * protection check, R and C updates, the interrupts each failure raises,
 * the real-mode offset limit, and the soft TLB's fill and flushes.
 *
 * Real mode (MSR[IR] or MSR[DR] off for the access): EA bits 0:3 are
 * ignored and the rest is the real address. Below the RMA (c->rma_size:
 * the first 256 MiB, or all of RAM if smaller) that is guest RAM. RAM
 * above it is out of reach as in an LPAR using the RMOR/RMLS real-mode
 * area (LPCR[VPM0] = 0), where an access at or beyond the RMLS limit is a
 * storage interrupt to the guest with the protection cause: a DSI with
 * DSISR bit 36 (and 38 for a store) and DAR = EA, or an ISI with SRR1 bit
 * 36 (Book III-S 5.7.3; QEMU target/ppc/mmu-hash64.c raises the same
 * interrupts in this mode). Addresses that are not RAM are handed back
 * unchanged: a device region is reached (ppcrr's power device is read this
 * way in real mode, as QEMU's pseries allows) and nothing at all is the
 * machine check the caller raises.
 */
#include "emu/cpu/mmu.h"

#include <stdlib.h>

#include "emu/cpu/mem_access.h"
#include "emu/hpt.h"

int mmu_init(struct cpu *c)
{
    c->tlb = malloc(sizeof *c->tlb);
    if (!c->tlb)
        return -1;
    c->tlb->used = true;
    mmu_flush_all(c);
    return 0;
}

void mmu_destroy(struct cpu *c)
{
    free(c->tlb);
    c->tlb = NULL;
}

/* ---- flushes ---- */

void mmu_flush_all(struct cpu *c)
{
    /* A translation may have changed under the code being run too: make
     * the run loop translate its page again. */
    c->leave_run = true;
    if (!c->tlb || !c->tlb->used)
        return;
    for (unsigned k = 0; k < MMU_KINDS; k++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++)
            c->tlb->e[k][i].tag = TLB_INVALID;
    c->tlb->used = false;
}

void mmu_flush_segment(struct cpu *c, uint64_t ea, unsigned shift)
{
    c->leave_run = true;
    if (!c->tlb || !c->tlb->used)
        return;
    uint64_t base = ea >> shift;
    for (unsigned k = 0; k < MMU_KINDS; k++)
        for (unsigned i = 0; i < TLB_ENTRIES; i++) {
            struct tlb_entry *e = &c->tlb->e[k][i];
            if (e->tag != TLB_INVALID && e->tag >> shift == base)
                e->tag = TLB_INVALID;
        }
}

/* ---- the SLB ---- */

int mmu_slb_find(const struct cpu *c, uint64_t ea)
{
    for (int i = 0; i < SLB_ENTRIES; i++) {
        uint64_t esid = c->slb_esid[i];
        if (!(esid & SLB_ESID_V))
            continue;
        uint64_t mask = (c->slb_vsid[i] & SLB_VSID_B) == SLB_VSID_B_1T ? SLB_ESID_1T : SLB_ESID_256M;
        if (((esid ^ ea) & mask) == 0)
            return i;
    }
    return -1;
}

/* The segment's base page size from its L||LP, or 0 if hpt_page_sizes[]
 * has no such encoding (slbmte refuses those; a test may still write one). */
static unsigned slb_base_shift(uint64_t slbv)
{
    for (unsigned i = 0; i < hpt_n_page_sizes; i++)
        if (hpt_page_sizes[i].slb_enc == (slbv & SLB_VSID_LLP))
            return hpt_page_sizes[i].base_shift;
    return 0;
}

/* ---- interrupts ---- */

enum mmu_fault { FAULT_NO_PTE, FAULT_PROTECTION, FAULT_NOEXEC };

/* What each cause sets (Book III-S 6.5.3, 6.5.5): DSISR for data, SRR1
 * for a fetch. */
static const struct {
    uint32_t dsisr;
    uint64_t srr1;
} fault_bits[] = {
    [FAULT_NO_PTE] = { DSISR_NO_TRANSLATION, SRR1_ISI_NO_TRANSLATION },
    [FAULT_PROTECTION] = { DSISR_PROTECTION, SRR1_ISI_PROTECTION },
    [FAULT_NOEXEC] = { 0, SRR1_ISI_NOEXEC_GUARD },     /* fetches only */
};

static bool storage_fault(struct cpu *c, uint64_t ea, enum mmu_access kind, enum mmu_fault f)
{
    if (kind == MMU_FETCH)
        cpu_interrupt(c, VEC_ISI, fault_bits[f].srr1, false);
    else
        cpu_dsi(c, ea, fault_bits[f].dsisr | (kind == MMU_STORE ? DSISR_STORE : 0));
    return false;
}

/* No SLB entry: a segment interrupt. A data segment interrupt sets DAR
 * and leaves DSISR alone; neither sets SRR1 cause bits (6.5.4, 6.5.6). */
static bool segment_fault(struct cpu *c, uint64_t ea, enum mmu_access kind)
{
    if (kind == MMU_FETCH) {
        cpu_interrupt(c, VEC_ISEG, 0, false);
    } else {
        c->dar[0] = ea;
        cpu_interrupt(c, VEC_DSEG, 0, false);
    }
    return false;
}

/* ---- the page table ---- */

struct pte_hit {
    uint64_t index;     /* the HPTE's slot in the table */
    uint64_t r;         /* its second doubleword */
    unsigned shift;     /* its actual page size */
};

/* Searches the primary then the secondary group of the segment SLBV for
 * the page holding EA (5.7.7.2): hashed with the segment's base page size,
 * an entry matches on V, B, H and the AVA (VA 0:54, less the bits inside
 * a base page above 8 MiB), and its L/LP must encode a size that base
 * allows. */
static bool hpt_search(const struct hpt *h, uint64_t slbv, uint64_t ea, struct pte_hit *hit)
{
    unsigned base = slb_base_shift(slbv);
    if (!base || !h->n_groups)
        return false;
    bool t1 = (slbv & SLB_VSID_B) == SLB_VSID_B_1T;
    uint64_t offset_mask = t1 ? (1ull << 40) - 1 : (1ull << 28) - 1;
    uint64_t vsid_field = slbv & (t1 ? SLB_VSID_VSID_1T : SLB_VSID_VSID);
    uint64_t vsid = vsid_field >> (t1 ? SLB_VSID_SHIFT_1T : SLB_VSID_SHIFT);
    /* (VA >> 23) << 7 is the VSID where the SLB keeps it, then the
     * segment offset's bits from 2^23 up. */
    uint64_t want = (slbv & SLB_VSID_B) | vsid_field |
                    (((ea & offset_mask) >> 16) & HPTE_V_AVPN) | HPTE_V_VALID;
    uint64_t compare = SLB_VSID_B | HPTE_V_AVPN | HPTE_V_SECONDARY | HPTE_V_VALID;
    if (base > 23)
        compare &= ~(((1ull << (base - 23)) - 1) << HPTE_V_AVPN_SHIFT);
    uint64_t hash = hpt_hash(vsid, ea, base, t1);
    for (unsigned secondary = 0; secondary < 2; secondary++) {
        uint64_t group = (secondary ? ~hash : hash) & (h->n_groups - 1);
        uint64_t key = want | (secondary ? HPTE_V_SECONDARY : 0);
        for (unsigned i = 0; i < HPTES_PER_GROUP; i++) {
            uint64_t index = group * HPTES_PER_GROUP + i;
            uint64_t v = h->hpte[index][0], r = h->hpte[index][1];
            if (((v ^ key) & compare) == 0 && hpt_hpte_page_size(v, r, base, &hit->shift)) {
                hit->index = index;
                hit->r = r;
                return true;
            }
        }
    }
    return false;
}

/* ---- protection ---- */

#define ACCESS_R 1u
#define ACCESS_W 2u

/* The access PP0||PP allows with key 0 or 1 (5.7.9.2, "PP bits"); the
 * combinations the ISA reserves allow nothing. */
static const uint8_t pp_access[2][8] = {
    { ACCESS_R | ACCESS_W, ACCESS_R | ACCESS_W, ACCESS_R | ACCESS_W, ACCESS_R, 0, 0, ACCESS_R, 0 },
    { 0, ACCESS_R, ACCESS_R | ACCESS_W, ACCESS_R, 0, 0, 0, 0 },
};

/* Whether the page allows KIND: the key is Kp in problem state and Ks in
 * supervisor state; a fetch needs read access, and an N or G page is
 * never executed. */
static bool access_allowed(const struct cpu *c, uint64_t slbv, uint64_t r, enum mmu_access kind,
                           enum mmu_fault *why)
{
    if (kind == MMU_FETCH && (r & (HPTE_R_N | HPTE_R_G))) {
        *why = FAULT_NOEXEC;
        return false;
    }
    unsigned key = (c->msr[0] & MSR_PR) ? !!(slbv & SLB_VSID_KP) : !!(slbv & SLB_VSID_KS);
    unsigned pp = (unsigned)((r & HPTE_R_PP0) >> 61 | (r & HPTE_R_PP));
    unsigned need = kind == MMU_STORE ? ACCESS_W : ACCESS_R;
    *why = FAULT_PROTECTION;
    return (pp_access[key][pp] & need) != 0;
}

/* ---- the soft TLB ---- */

/* Caches a translation that has been made (and its R/C set): RAM pages
 * only, so MMIO always takes the slow path. A store also fills the load
 * entry, since any page that allows writing allows reading; a load never
 * fills the store entry, so the first store walks the table and sets C. */
static void tlb_fill(struct cpu *c, enum mmu_access kind, uint64_t ea, uint64_t ra)
{
    uint8_t *host = memory_ram_ptr(c->mem, ra & ~(GUEST_PAGE_SIZE - 1), GUEST_PAGE_SIZE);
    if (!host)
        return;
    unsigned i = (unsigned)(ea >> GUEST_PAGE_SHIFT) & (TLB_ENTRIES - 1);
    struct tlb_entry e = { tlb_tag(c, ea), host };
    c->tlb->e[kind][i] = e;
    if (kind == MMU_STORE)
        c->tlb->e[MMU_LOAD][i] = e;
    c->tlb->used = true;
}

/* ---- translation ---- */

static bool real_mode(struct cpu *c, uint64_t ea, enum mmu_access kind, uint64_t *ra)
{
    uint64_t a = ea & REAL_MODE_MASK;
    if (a >= c->rma_size && a < c->mem->ram_size)
        return storage_fault(c, ea, kind, FAULT_PROTECTION);
    *ra = a;
    return true;
}

bool mmu_translate(struct cpu *c, uint64_t ea, enum mmu_access kind, uint64_t *ra)
{
    if (!(c->msr[0] & (kind == MMU_FETCH ? MSR_IR : MSR_DR)))
        return real_mode(c, ea, kind, ra);
    int slot = mmu_slb_find(c, ea);
    if (slot < 0)
        return segment_fault(c, ea, kind);
    uint64_t slbv = c->slb_vsid[slot];
    if (kind == MMU_FETCH && (slbv & SLB_VSID_N))
        return storage_fault(c, ea, kind, FAULT_NOEXEC);
    struct pte_hit hit;
    if (!c->hpt || !hpt_search(c->hpt, slbv, ea, &hit))
        return storage_fault(c, ea, kind, FAULT_NO_PTE);
    enum mmu_fault why;
    if (!access_allowed(c, slbv, hit.r, kind, &why))
        return storage_fault(c, ea, kind, why);
    /* Reference and change recorded in the table, as the hypercalls and
     * the guest (H_READ, H_CLEAR_REF/MOD) see them. */
    uint64_t r = hit.r | HPTE_R_R | (kind == MMU_STORE ? HPTE_R_C : 0);
    if (r != hit.r)
        c->hpt->hpte[hit.index][1] = r;
    uint64_t page_mask = (1ull << hit.shift) - 1;
    *ra = ((r & HPTE_R_RPN) & ~page_mask) | (ea & page_mask);
    tlb_fill(c, kind, ea, *ra);
    return true;
}
