/*
 * The hashed page table itself (emu/hpt.h): its allocation in host memory,
 * its size rule, the page sizes a segment may hold and how an HPTE encodes
 * them, and the hash that picks a PTE group. The MMU (emu/cpu/mmu.c), the
 * page-table hypercalls (hcall/hpt_hcalls.c) and the guest's device tree
 * (emu/guest_fdt.c) all take these facts from here, so what the guest is
 * told, what H_ENTER accepts and what the MMU matches cannot disagree.
 */
#include "emu/hpt.h"

#include <stdlib.h>

/* The page sizes, as Linux reads them from ibm,segment-page-sizes: per
 * segment base size, its SLB L||LP (Book III-S 5.7.6.1: L = 0x100, LP =
 * 0x30 of the VSID doubleword) and, per actual size, the HPTE's LP value.
 * Rows of one base are adjacent, in the order the tree lists them.
 *
 * Each base size maps pages of its own size only, as QEMU's pseries
 * advertises them (with 16M allowed): the guest sees the same choices as
 * on the reference machine. POWER8 could also mix sizes within a segment
 * (64K or 16M pages in a 4K segment, 16M in 64K); that is left out until
 * a guest needs it, because QEMU refuses those H_ENTERs. */
const struct hpt_page_size hpt_page_sizes[] = {
    { 12, 0x000, 12, 0x00 },
    { 16, 0x110, 16, 0x01 },
    { 24, 0x100, 24, 0x00 },
};
const unsigned hpt_n_page_sizes = sizeof hpt_page_sizes / sizeof hpt_page_sizes[0];

unsigned hpt_shift_for_ram(uint64_t ram_size)
{
    unsigned shift = 0;
    while (shift < 63 && (1ull << shift) < ram_size)
        shift++;
    shift = shift < HPT_MIN_SHIFT + 7 ? HPT_MIN_SHIFT : shift - 7;
    return shift > HPT_MAX_SHIFT ? HPT_MAX_SHIFT : shift;
}

int hpt_init(struct hpt *h, unsigned shift)
{
    h->hpte = NULL;
    h->n_hptes = h->n_groups = 0;
    h->shift = 0;
    if (shift < HPT_MIN_SHIFT || shift > HPT_MAX_SHIFT)
        return -1;
    uint64_t n = (1ull << shift) / sizeof h->hpte[0];
    /* calloc: an empty table is all invalid entries, and large tables come
     * from zero pages the host backs only when written. */
    h->hpte = calloc(n, sizeof h->hpte[0]);
    if (!h->hpte)
        return -1;
    h->n_hptes = n;
    h->n_groups = n / HPTES_PER_GROUP;
    h->shift = shift;
    return 0;
}

void hpt_destroy(struct hpt *h)
{
    free(h->hpte);
    h->hpte = NULL;
    h->n_hptes = h->n_groups = 0;
    h->shift = 0;
}

/* How many low bits of the RPN field carry the LP value for an actual page
 * of 2^SHIFT bytes: the page-offset bits below it, at most 8 (the ISA's
 * "rrrr zzzz" table: 4 for 64K, all 8 from 1M up). */
static unsigned lp_bits(unsigned actual_shift)
{
    unsigned n = actual_shift - 12;
    return n > 8 ? 8 : n;
}

bool hpt_hpte_page_size(uint64_t v, uint64_t r, unsigned base_shift, unsigned *actual_shift)
{
    for (unsigned i = 0; i < hpt_n_page_sizes; i++) {
        const struct hpt_page_size *ps = &hpt_page_sizes[i];
        if (base_shift && ps->base_shift != base_shift)
            continue;
        bool large = ps->actual_shift > 12;
        if (large != !!(v & HPTE_V_LARGE))
            continue;
        if (large) {
            uint64_t mask = ((1ull << lp_bits(ps->actual_shift)) - 1) << 12;
            if ((r & mask) != (uint64_t)ps->pte_enc << 12)
                continue;
        }
        *actual_shift = ps->actual_shift;
        return true;
    }
    return false;
}

/* The ISA's hash is 39 bits wide; the table uses as many low bits as it
 * has groups. */
#define HASH_MASK 0x7fffffffffull

uint64_t hpt_hash(uint64_t vsid, uint64_t ea, unsigned page_shift, bool ssize_1t)
{
    if (ssize_1t) {
        /* 1T: VSID ^ (VSID << 25) ^ the page's index in its segment. */
        uint64_t page = (ea & ((1ull << 40) - 1)) >> page_shift;
        return (vsid ^ (vsid << 25) ^ page) & HASH_MASK;
    }
    uint64_t page = (ea & ((1ull << 28) - 1)) >> page_shift;
    return (vsid ^ page) & HASH_MASK;
}
