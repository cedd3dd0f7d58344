/*
 * Just enough hash MMU for problem state. Setting MSR[PR] also sets IR and
 * DR (Power ISA 2.07 Book III, "Machine State Register"), so a test that
 * drops to problem state needs translation: one SLB entry for the first
 * 256 MiB segment and 4 KiB page-table entries, entered through H_ENTER
 * (PAPR: the guest does not own the hashed page table), mapping the
 * guest's image and stacks one to one. Supervisor code keeps running in
 * real mode; interrupts switch translation off.
 *
 * The entry layout (ISA 2.07 5.7.7.1): dword 0 = AVA (VA >> 23) << 7 |
 * V; dword 1 = RPN | WIMG = M (what PAPR hypervisors require for RAM) |
 * PP = 0b10 (read/write with either key).
 */
#include "runtime.h"

#define VSID 0x123456ul        /* any: the only segment in use */
#define SLB_V 0x8000000ul      /* SLB ESID word: valid */
#define SLB_VSID_SHIFT 12
#define HPTE_V_VALID 1ul
#define HPTE_V_AVPN_SHIFT 7
#define HPTE_R_M 0x10ul
#define HPTE_R_PP_RW 0x2ul
#define H_ENTER 0x08

extern char __exc_stack_top[];

static bool mapped;

/* log2 of the hashed page table's size, from the CPU node's ibm,pft-size. */
static unsigned htab_shift(void)
{
    const void *fdt = boot.fdt;
    int cpus = fdt_path(fdt, "/cpus");
    for (int n = cpus >= 0 ? fdt_first_child(fdt, cpus) : -1; n >= 0;
         n = fdt_next_sibling(fdt, n)) {
        int len;
        const uint8_t *p = fdt_prop(fdt, n, "ibm,pft-size", &len);
        if (p && len >= 8)
            return be32(p + 4);
    }
    return 18;   /* the architected minimum, 256 KiB */
}

static long map_page(uint64_t ea, unsigned shift)
{
    uint64_t va = VSID << 28 | (ea & 0xfffffff);
    uint64_t hash = (VSID & 0x7fffffffffull) ^ ((ea & 0xfffffff) >> 12);
    uint64_t group = hash & ((1ull << (shift - 7)) - 1);   /* 128-byte groups */
    uint64_t pteh = (va >> 23) << HPTE_V_AVPN_SHIFT | HPTE_V_VALID;
    uint64_t ptel = (ea & ~0xfffull) | HPTE_R_M | HPTE_R_PP_RW;
    unsigned long ret[9];
    return hcall(H_ENTER, ret, 0, group * 8, pteh, ptel, 0, 0, 0, 0);
}

/* Maps [0, the end of the exception stack) one to one; 0 on success or
 * the first failing H_ENTER's return code. */
long mmu_map_identity(void)
{
    if (mapped)
        return H_SUCCESS;
    unsigned shift = htab_shift();
    for (uint64_t ea = 0; ea < (uintptr_t)__exc_stack_top; ea += 4096) {
        long rc = map_page(ea, shift);
        if (rc != H_SUCCESS)
            return rc;
    }
    /* slbmte: RS = VSID | keys 0, RB = ESID 0 | V | entry 0. */
    __asm__ volatile("slbmte %0, %1; isync" : : "r"(VSID << SLB_VSID_SHIFT), "r"(SLB_V) : "memory");
    mapped = true;
    return H_SUCCESS;
}
