/*
 * The vCPU's MMU (Power ISA 2.07 Book III-S ch. 5) as an LPAR guest sees
 * it: the SLB (cpu_fields.def: slb_esid[], slb_vsid[]), translation through
 * the machine's hashed page table (emu/hpt.h), the real-mode offset
 * limit, and a soft TLB that makes a repeated access one lookup.
 *
 * The soft TLB is direct-mapped, one array per access kind (load, store,
 * fetch), indexed by the EA's 4 KiB page. An entry's tag is the EA page
 * with MSR[PR] in bit 0 -- protection depends on PR through the SLB's
 * Ks/Kp, so the two states never share an entry and an MSR change needs
 * no flush; IR and DR only decide whether the arrays are looked at. An
 * entry holds the host address of the RAM page. Only accesses that
 * succeeded and touched RAM are cached (never a fault, never MMIO), and
 * only once their R bit (and for a store their C bit) is set in the HPTE:
 * a store entry is filled only by a store, so the first store after loads
 * still walks the table and sets C. Flushed when a translation may change:
 * slbmte over a valid entry and slbie (that segment), slbia (all), and any
 * HPTE change or removal (machine_tlb_flush, from the hypercalls).
 *
 * Storage keys are not advertised to the guest (no
 * ibm,processor-storage-keys), so the HPTE KEY / AMR / IAMR check is off.
 */
#ifndef PPCRR_EMU_CPU_MMU_H
#define PPCRR_EMU_CPU_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/cpu/cpu.h"

/* SLB ESID doubleword (slbmte RB), ISA bits in the comments. */
#define SLB_ESID_V (1ull << 27)                 /* 36: valid */
#define SLB_ESID_256M 0xfffffffff0000000ull     /* 0:35 */
#define SLB_ESID_1T 0xffffff0000000000ull       /* 0:23 */
#define SLB_ESID_STORED (SLB_ESID_256M | SLB_ESID_V)
#define SLB_INDEX_MASK 0xfffull                 /* 52:63: the entry slbmte writes */

/* SLB VSID doubleword (slbmte RS). */
#define SLB_VSID_B_SHIFT 62                     /* 0:1: 00 256M, 01 1T */
#define SLB_VSID_B (3ull << 62)
#define SLB_VSID_B_1T (1ull << 62)
#define SLB_VSID_SHIFT 12                       /* VSID in 2:51 (256M) */
#define SLB_VSID_SHIFT_1T 24                    /* VSID in 2:39 (1T) */
#define SLB_VSID_VSID 0x3ffffffffffff000ull
#define SLB_VSID_VSID_1T 0x3fffffffff000000ull
#define SLB_VSID_KS 0x800ull                    /* 52 */
#define SLB_VSID_KP 0x400ull                    /* 53 */
#define SLB_VSID_N 0x200ull                     /* 54: no-execute segment */
#define SLB_VSID_L 0x100ull                     /* 55 */
#define SLB_VSID_C 0x80ull                      /* 56: class */
#define SLB_VSID_LP 0x30ull                     /* 58:59 */
#define SLB_VSID_LLP (SLB_VSID_L | SLB_VSID_LP)
#define SLB_VSID_STORED 0xffffffffffffffb0ull   /* all but the reserved 57, 60:63 */

#define SLB_ENTRIES 32

/* slbie RB: B in ISA bits 37:38. */
#define SLBIE_B_SHIFT 25

/* SRR1 bits of an instruction storage interrupt (ISA bits). */
#define SRR1_ISI_NO_TRANSLATION (1ull << 30)  /* 33 */
#define SRR1_ISI_NOEXEC_GUARD (1ull << 28)    /* 35: N or G page, or N segment */
#define SRR1_ISI_PROTECTION (1ull << 27)      /* 36 */

enum mmu_access { MMU_LOAD, MMU_STORE, MMU_FETCH, MMU_KINDS };

#define TLB_BITS 10
#define TLB_ENTRIES (1u << TLB_BITS)
#define TLB_INVALID UINT64_MAX      /* no EA page | PR tag has all of 1:11 set */

struct tlb_entry {
    uint64_t tag;       /* EA & ~0xfff | MSR[PR] */
    uint8_t *host;      /* the RAM page's host address */
};

struct tlb {
    struct tlb_entry e[MMU_KINDS][TLB_ENTRIES];
    bool used;          /* anything filled since the last flush */
};

int mmu_init(struct cpu *c);
void mmu_destroy(struct cpu *c);

/* The tag an access at EA looks for. */
static inline uint64_t tlb_tag(const struct cpu *c, uint64_t ea)
{
    return (ea & ~(GUEST_PAGE_SIZE - 1)) | ((c->msr[0] & MSR_PR) ? 1 : 0);
}

/* Host address of SIZE bytes at EA if the TLB has the page for KIND and
 * the access stays in it; NULL otherwise (then take the slow path). */
static inline uint8_t *tlb_lookup(const struct cpu *c, enum mmu_access kind, uint64_t ea,
                                  unsigned size)
{
    const struct tlb_entry *e = &c->tlb->e[kind][(ea >> GUEST_PAGE_SHIFT) & (TLB_ENTRIES - 1)];
    uint64_t off = ea & (GUEST_PAGE_SIZE - 1);
    if (__builtin_expect(e->tag == tlb_tag(c, ea) && off + size <= GUEST_PAGE_SIZE, 1))
        return e->host + off;
    return NULL;
}

/* The real address of an access of KIND at EA, translating when MSR[DR]
 * (data) or MSR[IR] (fetch) is on and checking the real-mode limit when
 * off. False after raising the interrupt the access causes (DSI, data
 * segment, ISI, instruction segment); for a fetch c->cia must already be
 * EA. An address that is not RAM is returned as it is: the caller reaches
 * a device or raises the machine check. */
bool mmu_translate(struct cpu *c, uint64_t ea, enum mmu_access kind, uint64_t *ra);

/* Drops the cached translations of the segment holding EA (of 2^SHIFT
 * bytes: 28 or 40), or all of them. */
void mmu_flush_segment(struct cpu *c, uint64_t ea, unsigned shift);
void mmu_flush_all(struct cpu *c);

/* The SLB entry translating EA, or -1. */
int mmu_slb_find(const struct cpu *c, uint64_t ea);

#endif
