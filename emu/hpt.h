/*
 * The hashed page table of an LPAR (Power ISA 2.07 Book III-S 5.7.7): owned
 * by the machine (the hypervisor's memory, not guest RAM), sized from the
 * RAM size and advertised in `ibm,pft-size`, read by every vCPU's MMU and
 * written only by the page-table hypercalls (hcall/hpt_hcalls.c).
 *
 * An HPTE is two doublewords as the ISA lays them out: v (dword 0: B,
 * AVPN, SW, L, H, V) and r (dword 1: PP0, TS, key, RPN/LP, R, C, WIMG, N,
 * PP). Page sizes follow what the guest tree advertises in
 * `ibm,segment-page-sizes` (emu/guest_fdt.c): 4K, 64K and 16M pages, with
 * 64K and 16M pages allowed in 4K-base segments and 16M in 64K-base ones;
 * hpt_page_sizes[] is that table, used by the MMU and the hypercalls alike.
 *
 * Anything that changes or removes a valid HPTE must call
 * machine_tlb_flush() (emu/machine.h) before returning to the guest, so
 * that no vCPU keeps a stale translation.
 */
#ifndef PPCRR_EMU_HPT_H
#define PPCRR_EMU_HPT_H

#include <stdbool.h>
#include <stdint.h>

#define HPTES_PER_GROUP 8
#define HPT_MIN_SHIFT 18        /* 256 KiB: the smallest table PAPR allows */
#define HPT_MAX_SHIFT 46

/* HPTE dword 0 (v) and 1 (r) bits, ISA 2.07 (host bit numbers). */
#define HPTE_V_SSIZE_SHIFT 62   /* B: 0 = 256M segment, 1 = 1T */
#define HPTE_V_AVPN_SHIFT 7
#define HPTE_V_AVPN 0x3fffffffffffff80ull
#define HPTE_V_BOLTED 0x10ull   /* software bit PAPR uses for "bolted" */
#define HPTE_V_LARGE 0x4ull     /* L */
#define HPTE_V_SECONDARY 0x2ull /* H */
#define HPTE_V_VALID 0x1ull     /* V */
#define HPTE_R_PP0 0x8000000000000000ull
#define HPTE_R_TS 0x4000000000000000ull
#define HPTE_R_KEY_HI 0x3000000000000000ull
#define HPTE_R_RPN 0x0ffffffffffff000ull
#define HPTE_R_R 0x100ull
#define HPTE_R_C 0x80ull
#define HPTE_R_WIMG 0x78ull
#define HPTE_R_G 0x8ull
#define HPTE_R_N 0x4ull
#define HPTE_R_PP 0x3ull
#define HPTE_R_KEY_LO 0xe00ull

struct hpt {
    uint64_t (*hpte)[2];    /* n_hptes entries: [i][0] = v, [i][1] = r */
    uint64_t n_hptes;
    uint64_t n_groups;
    unsigned shift;         /* log2 of the table's size in bytes (ibm,pft-size) */
};

/* One base/actual page size pair a segment may use. */
struct hpt_page_size {
    unsigned base_shift;    /* the segment's base page size (from SLB L||LP) */
    uint32_t slb_enc;       /* SLB L||LP bits for that base, as in ibm,segment-page-sizes */
    unsigned actual_shift;  /* the page's size */
    uint32_t pte_enc;       /* the LP encoding in the HPTE (L=1), or 0 with L=0 */
};
#define HPT_N_PAGE_SIZES 3
extern const struct hpt_page_size hpt_page_sizes[HPT_N_PAGE_SIZES];
extern const unsigned hpt_n_page_sizes;

/* The table size for RAM_SIZE bytes of guest RAM: 1/128 of it, as a
 * power of two, at least HPT_MIN_SHIFT (what QEMU's pseries does). */
unsigned hpt_shift_for_ram(uint64_t ram_size);

int hpt_init(struct hpt *h, unsigned shift);
void hpt_destroy(struct hpt *h);

/* The page size an HPTE maps: its actual size from L and the LP bits, or
 * false if the encoding is not one hpt_page_sizes[] allows for a segment of
 * BASE_SHIFT (pass 0 to accept any base, as H_ENTER must). */
bool hpt_hpte_page_size(uint64_t v, uint64_t r, unsigned base_shift, unsigned *actual_shift);

/* The primary hash (ISA 5.7.7.3) of a virtual address in a segment of
 * SSIZE_1T (false: 256M) with VSID, for a page of PAGE_SHIFT at effective
 * address EA; the secondary hash is its complement. */
uint64_t hpt_hash(uint64_t vsid, uint64_t ea, unsigned page_shift, bool ssize_1t);

#endif
