/*
 * The PAPR page-table hypercalls (hcall/hpt_hcalls.c) on a machine from
 * machine_create() (72 MiB of RAM -- not a multiple of 16 MiB, so a 16M
 * page can straddle its end -- and the hashed page table sized from it),
 * driven through hcall_dispatch() with the registers a guest would load.
 *
 * Expected results are QEMU 7.2's (hw/ppc/spapr_softmmu.c, TCG), observed
 * with a probe guest built on the tests/guests runtime and run under
 * `qemu-system-ppc64 -M pseries -cpu POWER8 -m 512 -bios`: the slot
 * choice and r4 of H_ENTER, H_PTEG_FULL for a taken H_EXACT slot and a
 * full group, H_PARAMETER for an index past the table, an unknown LP and
 * each WIMG case below, unknown H_ENTER flags ignored, dword-0 bits 0x60
 * dropped, H_REMOVE's H_AVPN/H_ANDCOND tests and outputs, H_READ(_4),
 * H_PROTECT's bit placement, and every H_BULK_REMOVE response and return
 * code below. QEMU also keeps a dirty bit (0x40) of its own in dword 0,
 * which its H_READ shows; not modelled. Deliberate differences, each
 * marked where tested: H_ZERO_PAGE and the I-cache flags are honoured
 * (QEMU ignores them), R/C in H_BULK_REMOVE responses sit in bits 4:5 as
 * PAPR and KVM-HV put them (QEMU 7.2 puts them 8 bits lower, inside the
 * PTEX), H_CLEAR_REF/H_CLEAR_MOD work as on KVM-HV (QEMU: H_FUNCTION),
 * and a RAM page must end inside RAM (QEMU checks its start only; its
 * RAM sizes are multiples of 256 MiB, so this cannot be observed there).
 *
 * Every refused call is also checked to leave the whole table unchanged,
 * and calls with indexes and real addresses far outside the table and RAM
 * run here so that the sanitizer build catches any stray host access.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emu/cpu/mmu.h"
#include "hcall/hcall.h"
#include "tests/common/guest_asm.h"
#include "tests/tap.h"

#define RAM_SIZE (72ull << 20)

/* Flags and bits as PAPR / Linux asm/hvcall.h spell them. */
#define H_EXACT (1ull << (63 - 24))
#define H_R_XLATE (1ull << (63 - 25))
#define H_READ_4 (1ull << (63 - 26))
#define H_AVPN (1ull << (63 - 32))
#define H_ANDCOND (1ull << (63 - 33))
#define H_ICACHE_INVALIDATE (1ull << (63 - 40))
#define H_ICACHE_SYNCHRONIZE (1ull << (63 - 41))
#define H_ZERO_PAGE (1ull << (63 - 48))

#define WIMG_M 0x10ull
#define WIMG_I 0x20ull
#define WIMG_W 0x40ull
#define WIMG_G 0x08ull

#define HBR_REQUEST 0x4000000000000000ull
#define HBR_RESPONSE 0x8000000000000000ull
#define HBR_END 0xc000000000000000ull
#define HBR_ANDCOND 0x0100000000000000ull
#define HBR_AVPN 0x0200000000000000ull
#define HBR_NOT_FOUND 0x1000000000000000ull
#define HBR_PARM 0x2000000000000000ull
#define HBR_R 0x0800000000000000ull
#define HBR_C 0x0400000000000000ull

static struct machine mach;
static struct cpu *cpu;

/* sc 1 with r4..r11 = a[0..7]; the return code (r3). */
static int64_t hcall8(uint64_t opcode, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                      uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7)
{
    const uint64_t a[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
    cpu->gpr[3] = opcode;
    memcpy(&cpu->gpr[4], a, sizeof a);
    hcall_dispatch(&mach, cpu);
    return (int64_t)cpu->gpr[3];
}

static int64_t hcall4(uint64_t opcode, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return hcall8(opcode, a0, a1, a2, a3, 0, 0, 0, 0);
}

static int64_t enter(uint64_t flags, uint64_t ptex, uint64_t pteh, uint64_t ptel)
{
    return hcall4(H_ENTER, flags, ptex, pteh, ptel);
}

/* Entries: a valid 4K (or 16M) entry with an AVPN made from KEY; dword 1
 * of a RAM page at PA, coherent (WIMG 0010), read/write (pp 10). */
#define V4K(key) (((0x1000ull + (key)) << HPTE_V_AVPN_SHIFT) | HPTE_V_VALID)
#define V16M(key) (V4K(key) | HPTE_V_LARGE)
#define R_RAM(pa) ((pa) | WIMG_M | 0x2)

static uint64_t *hpte(uint64_t ptex)
{
    return mach.hpt.hpte[ptex];
}

static void hpt_clear(void)
{
    memset(mach.hpt.hpte, 0, mach.hpt.n_hptes * sizeof mach.hpt.hpte[0]);
}

/* A copy of the whole table, to show that a refused call changed nothing. */
static uint64_t (*saved)[2];

static void hpt_save(void)
{
    memcpy(saved, mach.hpt.hpte, mach.hpt.n_hptes * sizeof saved[0]);
}

static bool hpt_unchanged(void)
{
    return memcmp(saved, mach.hpt.hpte, mach.hpt.n_hptes * sizeof saved[0]) == 0;
}

/* Every vCPU's soft TLB (emu/cpu/mmu.h) is given a translation; after a
 * call, tlb_flushed() says whether machine_tlb_flush() dropped them all. */
static void tlb_plant(void)
{
    for (unsigned i = 0; i < mach.ncpus; i++) {
        struct tlb *t = mach.cpus[i].tlb;
        t->e[MMU_LOAD][5].tag = 0x5000;
        t->e[MMU_STORE][5].tag = 0x5000;
        t->used = true;
    }
}

static bool tlb_flushed(void)
{
    bool all = true;
    for (unsigned i = 0; i < mach.ncpus; i++) {
        const struct tlb *t = mach.cpus[i].tlb;
        all &= !t->used && t->e[MMU_LOAD][5].tag == TLB_INVALID &&
               t->e[MMU_STORE][5].tag == TLB_INVALID;
    }
    machine_tlb_flush(&mach);      /* nothing planted survives into other tests */
    return all;
}

/* ---- set-up ---------------------------------------------------------------- */

static void machine_up(void)
{
    struct machine_config cfg = { .ram_size = RAM_SIZE, .smp = 2, .serial = "null" };
    char err[512] = "";
    if (machine_create(&mach, &cfg, err, sizeof err) < 0)
        tap_bail("machine_create: %s", err);
    if (hcall_init(&mach, err, sizeof err) < 0)
        tap_bail("hcall_init: %s", err);
    if (!mach.hpt.hpte || mach.hpt.n_hptes < 2 * HPTES_PER_GROUP)
        tap_bail("machine_create made no hashed page table");
    saved = malloc(mach.hpt.n_hptes * sizeof saved[0]);
    if (!saved)
        tap_bail("out of memory");
    cpu = &mach.cpus[0];
}

static void test_table(void)
{
    is_u64(mach.hpt.n_hptes, (1ull << mach.hpt.shift) / 16, "the table holds 2^shift / 16 entries");
    is_u64(mach.hpt.shift, hpt_shift_for_ram(RAM_SIZE), "sized from the RAM size");
    const struct hcall_meta *read = hcall_meta_find(H_READ);
    const struct hcall_meta *bulk = hcall_meta_find(H_BULK_REMOVE);
    ok(read && read->nargs == 2 && read->nouts == 8 && strcmp(read->set, "hcall-pft") == 0,
       "H_READ's row: 2 arguments, 8 outputs (H_READ_4), hcall-pft");
    ok(bulk && bulk->nargs == 8 && bulk->nouts == 8 && strcmp(bulk->set, "hcall-bulk") == 0,
       "H_BULK_REMOVE's row: 8 in, 8 out, hcall-bulk");
    static const uint32_t pft[] = { H_REMOVE, H_ENTER, H_READ, H_CLEAR_MOD, H_CLEAR_REF,
                                    H_PROTECT };
    bool all = true;
    for (size_t i = 0; i < sizeof pft / sizeof pft[0]; i++) {
        const struct hcall_meta *m = hcall_meta_find(pft[i]);
        all &= m && strcmp(m->set, "hcall-pft") == 0;
    }
    ok(all, "every page-table call is in hcall-pft");
}

/* ---- H_ENTER ---------------------------------------------------------------- */

static void test_enter_slots(void)
{
    hpt_clear();
    uint64_t g = 8 * 17;     /* group 17 */
    /* Without H_EXACT the search starts at slot 0 of the group, whatever
     * slot the index names (QEMU, KVM). */
    is_i64(enter(0, g + 5, V4K(1), R_RAM(0x100000)), H_SUCCESS, "H_ENTER into an empty group");
    is_u64(cpu->gpr[4], g, "r4 = the index used: the group's first slot");
    is_u64(hpte(g)[0], V4K(1), "dword 0 stored as given");
    is_u64(hpte(g)[1], R_RAM(0x100000), "dword 1 stored as given");
    is_i64(enter(0, g, V4K(2), R_RAM(0x101000)), H_SUCCESS, "a second entry in the group");
    is_u64(cpu->gpr[4], g + 1, "takes the next free slot");

    is_i64(enter(H_EXACT, g + 5, V4K(3), R_RAM(0x102000)), H_SUCCESS, "H_EXACT on a free slot");
    is_u64(cpu->gpr[4], g + 5, "r4 = exactly that slot");
    hpt_save();
    is_i64(enter(H_EXACT, g + 1, V4K(4), R_RAM(0x103000)), H_PTEG_FULL,
           "H_EXACT on a taken slot: H_PTEG_FULL");
    ok(hpt_unchanged(), "and the taken slot keeps its entry");

    /* An entry entered with V = 0 is stored but occupies nothing (QEMU
     * stores what it is given; KVM would set V). */
    is_i64(enter(0, g, V4K(5) & ~HPTE_V_VALID, R_RAM(0x104000)), H_SUCCESS, "an entry with V = 0");
    is_u64(cpu->gpr[4], g + 2, "goes to the first free slot");
    is_i64(enter(0, g, V4K(6), R_RAM(0x105000)), H_SUCCESS, "the next entry");
    is_u64(cpu->gpr[4], g + 2, "reuses that slot: it was never valid");

    /* Fill the group: slots 3, 4, 6, 7 are left. */
    for (int i = 0; i < 4; i++)
        enter(0, g, V4K(7 + (uint64_t)i), R_RAM(0x106000 + 0x1000 * (uint64_t)i));
    hpt_save();
    is_i64(enter(0, g + 3, V4K(20), R_RAM(0x200000)), H_PTEG_FULL, "a full group: H_PTEG_FULL");
    is_i64(enter(H_EXACT, g + 7, V4K(20), R_RAM(0x200000)), H_PTEG_FULL,
           "a full group with H_EXACT: H_PTEG_FULL");
    ok(hpt_unchanged(), "a full group is left alone");
    is_i64(enter(0, g + 8, V4K(20), R_RAM(0x200000)), H_SUCCESS, "the next group is not full");
    is_u64(cpu->gpr[4], g + 8, "its first slot");

    uint64_t last = mach.hpt.n_hptes - 1;
    is_i64(enter(H_EXACT, last, V4K(21), R_RAM(0x201000)), H_SUCCESS, "the table's last entry");
    is_u64(cpu->gpr[4], last, "r4 = the last index");
}

static void test_enter_bits(void)
{
    hpt_clear();
    /* Dword-0 bits 57:58 are the hypervisor's (QEMU masks 0x60): dropped;
     * the bolted bit (0x10) and B (1T segment) are the guest's: kept. */
    uint64_t v = V4K(1) | HPTE_V_BOLTED | 0x60 | 1ull << HPTE_V_SSIZE_SHIFT;
    uint64_t r = R_RAM(0x300000) | HPTE_R_R | HPTE_R_C | HPTE_R_N | HPTE_R_KEY_LO;
    is_i64(enter(H_EXACT, 40, v, r), H_SUCCESS, "H_ENTER with bolted, B = 1T, bits 0x60, R, C");
    is_u64(hpte(40)[0], v & ~0x60ull, "dword 0 without the hypervisor's bits 0x60");
    is_u64(hpte(40)[1], r, "dword 1 as given");

    /* The page sizes of ibm,segment-page-sizes (emu/hpt.c; L = 1, LP in
     * the RPN). QEMU 7.2's pseries accepts fewer: LP 0001 only by default
     * (cap-hpt-max-page-size=64K), the 16M ones too with 16M allowed, and
     * never 64K pages in 4K segments (its spapr_pagesize_cb filter). */
    is_i64(enter(0, 48, V4K(2) | HPTE_V_LARGE, 0x410000 | 0x1000 | WIMG_M), H_SUCCESS,
           "a 64K page (LP 0001)");
    is_i64(enter(0, 48, V4K(3) | HPTE_V_LARGE, 0x420000 | 0x7000 | WIMG_M), H_PARAMETER,
           "a 64K page in a 4K segment (LP 0111): mixed sizes are not offered, as on QEMU");
    is_i64(enter(0, 48, (0x1000ull << 7) | HPTE_V_LARGE | HPTE_V_VALID, 0x1000000 | WIMG_M),
           H_SUCCESS, "a 16M page (LP 0)");
    is_i64(enter(0, 48, (0x1002ull << 7) | HPTE_V_LARGE | HPTE_V_VALID,
                 0x3000000 | 0x38000 | WIMG_M), H_PARAMETER,
           "a 16M page in a 4K segment (LP 0x38): refused likewise");
    /* An I/O page: above RAM, cache-inhibited (Linux's ioremap: I|G). */
    is_i64(enter(0, 56, V4K(4), 0x200000000000ull | WIMG_I | WIMG_G | 0x2), H_SUCCESS,
           "an I/O page above RAM, WIMG 0101");
    is_i64(enter(0, 56, V4K(5), 0x200000001000ull | WIMG_I | WIMG_M), H_SUCCESS,
           "an I/O page, WIMG 0110");
    is_i64(enter(0, 56, V4K(6), 0x0ffffffffffff000ull | WIMG_I), H_SUCCESS,
           "an I/O page at the highest RPN, WIMG 0100");
    is_i64(enter(0, 56, V4K(7), (RAM_SIZE - 0x1000) | WIMG_M), H_SUCCESS, "RAM's last 4K page");
    is_i64(enter(1 | H_R_XLATE | (1ull << 63), 64, V4K(8), R_RAM(0x5000)), H_SUCCESS,
           "flags H_ENTER does not know are ignored (QEMU)");
}

/* Stands for "the table's size" in the table below. */
#define PTEX_TABLE_SIZE (UINT64_MAX - 1)

static void test_enter_errors(void)
{
    static const struct {
        uint64_t flags, ptex, pteh, ptel;
        const char *what;
    } bad[] = {
        /* Entry index: H_PARAMETER past the table (QEMU's valid_ptex). */
        { 0, PTEX_TABLE_SIZE, V4K(1), R_RAM(0x500000), "index = the table's size" },
        { H_EXACT, PTEX_TABLE_SIZE, V4K(1), R_RAM(0x500000), "H_EXACT, index = the table's size" },
        { 0, 1ull << 40, V4K(1), R_RAM(0x500000), "index 2^40" },
        { H_EXACT, ~0ull, V4K(1), R_RAM(0x500000), "H_EXACT, index 2^64-1" },
        /* Page size: L = 1 with an LP encoding that no row has. */
        { 0, 64, V4K(1) | HPTE_V_LARGE, 0x500000 | 0x3000 | WIMG_M, "L = 1, LP 0011" },
        { 0, 64, V4K(1) | HPTE_V_LARGE, 0x500000 | 0xf000 | WIMG_M, "L = 1, LP 1111" },
        /* RAM must be WIMG 0010. */
        { 0, 64, V4K(1), 0x500000, "RAM with WIMG 0000" },
        { 0, 64, V4K(1), 0x500000 | WIMG_I | WIMG_M, "RAM cache-inhibited (0110)" },
        { 0, 64, V4K(1), 0x500000 | WIMG_I | WIMG_G, "RAM mapped like I/O (0101)" },
        { 0, 64, V4K(1), 0x500000 | WIMG_M | WIMG_G, "RAM guarded (0011)" },
        { 0, 64, V4K(1), 0x500000 | WIMG_W | WIMG_M, "RAM write-through (1010)" },
        { 0, 64, V4K(1), 0x500000 | WIMG_I, "RAM cache-inhibited, not coherent (0100)" },
        /* Past RAM, only WIM 010 and 011. */
        { 0, 64, V4K(1), RAM_SIZE | WIMG_M, "the first page past RAM as memory (0010)" },
        { 0, 64, V4K(1), 0x200000000000ull | WIMG_W | WIMG_I, "I/O write-through (1100)" },
        { 0, 64, V4K(1), 0x200000000000ull | WIMG_G, "I/O guarded only (0001)" },
        /* A 16M page starting in RAM (at 64M) but ending past it (72M). */
        { 0, 64, V16M(1), (64ull << 20) | WIMG_M, "a 16M page straddling the end of RAM" },
    };
    hpt_clear();
    enter(0, 0, V4K(99), R_RAM(0x1000));      /* something to preserve */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ptex = bad[i].ptex == PTEX_TABLE_SIZE ? mach.hpt.n_hptes : bad[i].ptex;
        hpt_save();
        /* With H_ZERO_PAGE: a bad entry must not reach memory either. */
        is_i64(enter(bad[i].flags | H_ZERO_PAGE, ptex, bad[i].pteh, bad[i].ptel), H_PARAMETER,
               "H_ENTER with %s: H_PARAMETER", bad[i].what);
        ok(hpt_unchanged(), "  and the table is unchanged");
    }
}

/* H_ZERO_PAGE: the page the entry maps reads as zeros afterwards, the
 * bytes around it do not change, and a refused call zeroes nothing. QEMU
 * ignores the flag (the page keeps its bytes there); PAPR asks for it. */
static void test_zero_page(void)
{
    struct guest_memory *mem = &mach.mem;
    uint8_t *ram = mem->ram;
    hpt_clear();
    memset(ram + 0x500000 - 0x1000, 0xaa, 0x3000);
    is_i64(enter(0, 0, V4K(1), R_RAM(0x500000)), H_SUCCESS, "H_ENTER without H_ZERO_PAGE");
    ok(ram[0x500000] == 0xaa && ram[0x500fff] == 0xaa, "leaves the page alone");
    is_i64(enter(H_ZERO_PAGE, 0, V4K(2), R_RAM(0x500000)), H_SUCCESS, "H_ENTER with H_ZERO_PAGE");
    static const uint8_t zeros[0x10000];
    is_mem(ram + 0x500000, zeros, 0x1000, "the 4K page reads as zeros");
    ok(ram[0x4fffff] == 0xaa && ram[0x501000] == 0xaa, "the bytes on both sides are untouched");

    memset(ram + 0x600000, 0xbb, 0x10000);
    is_i64(enter(H_ZERO_PAGE, 8, V4K(3) | HPTE_V_LARGE, 0x600000 | 0x1000 | WIMG_M), H_SUCCESS,
           "a 64K page with H_ZERO_PAGE");
    is_mem(ram + 0x600000, zeros, 0x10000, "all 64K are zeros");

    /* A refused call must not zero: full group, then bad WIMG. */
    memset(ram + 0x700000, 0xcc, 0x1000);
    for (int i = 0; i < HPTES_PER_GROUP; i++)
        enter(0, 16, V4K(10 + (uint64_t)i), R_RAM(0x710000));
    is_i64(enter(H_ZERO_PAGE, 16, V4K(20), R_RAM(0x700000)), H_PTEG_FULL, "full group");
    is_i64(enter(H_ZERO_PAGE, 24, V4K(20), 0x700000 | WIMG_I), H_PARAMETER, "bad WIMG");
    ok(ram[0x700000] == 0xcc && ram[0x700fff] == 0xcc, "a refused H_ENTER zeroes nothing");

    /* An I/O page: PAPR says the flag is ignored there; nothing is
     * touched (the address is far from any host memory). */
    is_i64(enter(H_ZERO_PAGE | H_ICACHE_INVALIDATE, 32, V4K(21), 0x7ff000000000ull | WIMG_I | WIMG_G),
           H_SUCCESS, "H_ZERO_PAGE on an I/O page is ignored");
    is_i64(enter(H_ZERO_PAGE, 40, V4K(22), (RAM_SIZE - 0x1000) | WIMG_M), H_SUCCESS,
           "H_ZERO_PAGE on RAM's last page");
    is_mem(ram + RAM_SIZE - 0x1000, zeros, 0x1000, "zeroed");
}

/* H_ICACHE_INVALIDATE / H_ICACHE_SYNCHRONIZE: code the CPU has decoded
 * from the page, changed behind its back (as a DMA would), runs anew. */
static void test_icache(void)
{
    static const struct {
        uint64_t flag;
        const char *name;
    } flags[] = {
        { H_ICACHE_INVALIDATE, "H_ICACHE_INVALIDATE" },
        { H_ICACHE_SYNCHRONIZE, "H_ICACHE_SYNCHRONIZE" },
    };
    for (size_t i = 0; i < 2; i++) {
        uint64_t page = 0x800000 + 0x1000 * i;
        uint32_t code[2] = { asm_li(3, 1), asm_attn() };
        for (int k = 0; k < 2; k++)
            hcall_write_be32(&mach, page + 4 * (uint64_t)k, code[k]);
        cpu->nip[0] = page;
        ok(cpu_run(cpu, 100) == CPU_STOP_ATTN && cpu->gpr[3] == 1, "the old code runs (r3 = 1)");
        /* li r3,2 stored into RAM directly: nobody is told. */
        uint32_t li2 = asm_li(3, 2);
        for (int b = 0; b < 4; b++)
            mach.mem.ram[page + (uint64_t)b] = (uint8_t)(li2 >> (24 - 8 * b));
        cpu->nip[0] = page;
        ok(cpu_run(cpu, 100) == CPU_STOP_ATTN && cpu->gpr[3] == 1,
           "still the old code: it is decoded");
        hpt_clear();
        is_i64(enter(flags[i].flag, 0, V4K(i), R_RAM(page)), H_SUCCESS, "H_ENTER with %s",
               flags[i].name);
        cpu->nip[0] = page;
        ok(cpu_run(cpu, 100) == CPU_STOP_ATTN && cpu->gpr[3] == 2, "the new code runs (r3 = 2)");
    }
}

/* ---- H_REMOVE, H_READ -------------------------------------------------------- */

static void test_remove(void)
{
    hpt_clear();
    uint64_t v = V4K(1) | HPTE_V_SECONDARY, r = R_RAM(0x900000) | HPTE_R_R;
    enter(H_EXACT, 10, v, r);
    cpu->gpr[6] = 0x6666;
    is_i64(hcall4(H_REMOVE, 0, 10, 0, 0), H_SUCCESS, "H_REMOVE, no flags");
    ok(cpu->gpr[4] == v && cpu->gpr[5] == r, "r4, r5 = the old entry");
    ok(hpte(10)[0] == 0 && hpte(10)[1] == 0, "the entry is gone");
    is_i64(hcall4(H_REMOVE, 0, 10, 0, 0), H_NOT_FOUND, "H_REMOVE of an invalid entry: H_NOT_FOUND");

    /* H_AVPN compares B and the AVPN (v & ~0x7f), not the SW/L/H/V bits. */
    v = V4K(2) | HPTE_V_BOLTED | 1ull << HPTE_V_SSIZE_SHIFT;
    enter(H_EXACT, 11, v, r);
    hpt_save();
    is_i64(hcall4(H_REMOVE, H_AVPN, 11, (V4K(3) & ~0x7full) | 1ull << HPTE_V_SSIZE_SHIFT, 0),
           H_NOT_FOUND, "H_AVPN, another AVPN: H_NOT_FOUND");
    is_i64(hcall4(H_REMOVE, H_AVPN, 11, v & ~0x7full & ~(3ull << HPTE_V_SSIZE_SHIFT), 0),
           H_NOT_FOUND, "H_AVPN, same AVPN but another segment size: H_NOT_FOUND");
    is_i64(hcall4(H_REMOVE, H_AVPN, 11, v, 0), H_NOT_FOUND,
           "H_AVPN with the low 7 bits set in the argument: H_NOT_FOUND");
    ok(hpt_unchanged(), "nothing removed");
    is_i64(hcall4(H_REMOVE, H_AVPN, 11, v & ~0x7full, 0), H_SUCCESS, "H_AVPN matching");
    is_u64(cpu->gpr[4], v, "r4 = the old dword 0");

    /* H_ANDCOND: removed only if (v & mask) == 0 -- Linux's eviction
     * passes the bolted bit so bolted entries stay. */
    enter(H_EXACT, 12, V4K(4) | HPTE_V_BOLTED, r);
    enter(H_EXACT, 13, V4K(5), r);
    hpt_save();
    is_i64(hcall4(H_REMOVE, H_ANDCOND, 12, HPTE_V_BOLTED, 0), H_NOT_FOUND,
           "H_ANDCOND on a bolted entry: H_NOT_FOUND");
    ok(hpt_unchanged(), "the bolted entry stays");
    is_i64(hcall4(H_REMOVE, H_ANDCOND, 13, HPTE_V_BOLTED, 0), H_SUCCESS,
           "H_ANDCOND on an unbolted entry");
    enter(H_EXACT, 13, V4K(5), r);
    is_i64(hcall4(H_REMOVE, H_AVPN | H_ANDCOND, 13, V4K(5) & ~0x7full, 0), H_NOT_FOUND,
           "both flags: both tests apply (the AVPN shares bits with itself)");

    hpt_save();
    is_i64(hcall4(H_REMOVE, 0, mach.hpt.n_hptes, 0, 0), H_PARAMETER, "index = table size: H_PARAMETER");
    is_i64(hcall4(H_REMOVE, 0, ~0ull, 0, 0), H_PARAMETER, "index 2^64-1: H_PARAMETER");
    ok(hpt_unchanged(), "refused: the table is unchanged");
}

static void test_read(void)
{
    hpt_clear();
    for (uint64_t i = 0; i < 8; i++)
        if (i != 5)
            enter(H_EXACT, 64 + i, V4K(i), R_RAM(0xa00000 + 0x1000 * i));
    is_i64(hcall8(H_READ, 0, 66, 0xdead0006, 7, 8, 9, 10, 0xdead000b), H_SUCCESS, "H_READ");
    ok(cpu->gpr[4] == V4K(2) && cpu->gpr[5] == R_RAM(0xa02000), "r4, r5 = the entry");
    ok(cpu->gpr[6] == 0xdead0006 && cpu->gpr[11] == 0xdead000b, "r6..r11 keep their values");
    is_i64(hcall4(H_READ, 0, 69, 0, 0), H_SUCCESS, "H_READ of an invalid entry");
    ok(cpu->gpr[4] == 0 && cpu->gpr[5] == 0, "its raw words");
    is_i64(hcall4(H_READ, H_R_XLATE, 66, 0, 0), H_SUCCESS, "H_R_XLATE is accepted");
    is_u64(cpu->gpr[5], R_RAM(0xa02000), "the RPN is logical already");

    is_i64(hcall4(H_READ, H_READ_4, 70, 0, 0), H_SUCCESS, "H_READ_4 at index 70");
    bool all = true;
    for (uint64_t i = 0; i < 4; i++) {
        uint64_t want_v = 68 + i == 69 ? 0 : V4K(4 + i);
        uint64_t want_r = 68 + i == 69 ? 0 : R_RAM(0xa04000 + 0x1000 * i);
        all &= cpu->gpr[4 + 2 * i] == want_v && cpu->gpr[5 + 2 * i] == want_r;
    }
    ok(all, "r4..r11 = entries 68..71 (index rounded down to 4)");

    uint64_t last = mach.hpt.n_hptes - 1;
    enter(H_EXACT, last, V4K(50), R_RAM(0xb00000));
    is_i64(hcall4(H_READ, H_READ_4, last, 0, 0), H_SUCCESS, "H_READ_4 at the last index");
    ok(cpu->gpr[10] == V4K(50) && cpu->gpr[11] == R_RAM(0xb00000), "the last entry in r10, r11");
    is_i64(hcall4(H_READ, 0, mach.hpt.n_hptes, 0, 0), H_PARAMETER, "H_READ past the table");
    is_i64(hcall4(H_READ, H_READ_4, mach.hpt.n_hptes + 1, 0, 0), H_PARAMETER,
           "H_READ_4 past the table (checked before rounding)");
    is_i64(hcall4(H_READ, H_READ_4, ~0ull, 0, 0), H_PARAMETER, "H_READ_4 at 2^64-1");
}

/* ---- H_PROTECT ----------------------------------------------------------------- */

static void test_protect(void)
{
    hpt_clear();
    uint64_t v = V4K(1), r = R_RAM(0xc00000) | HPTE_R_R | HPTE_R_C;
    enter(H_EXACT, 20, v, r);
    /* New bits: pp 11, n, key2:4 = 101 (0xa00), key0:1 = 10 (flags 0x2000
     * -> HPTE bit 61), pp0 (flags 0x100 -> bit 63). */
    uint64_t flags = H_AVPN | 0x3 | 0x4 | 0xa00 | 0x2000 | 0x100;
    is_i64(hcall4(H_PROTECT, flags, 20, v & ~0x7full, 0), H_SUCCESS, "H_PROTECT with H_AVPN");
    uint64_t want = (0xc00000 | WIMG_M | HPTE_R_R | HPTE_R_C) | 0x3 | HPTE_R_N | 0xa00 |
                    0x2000000000000000ull | HPTE_R_PP0;
    is_u64(hpte(20)[1], want, "pp, n, key and pp0 from the flags; RPN, WIMG, R, C kept");
    is_u64(hpte(20)[0], v, "dword 0 unchanged");
    is_i64(hcall4(H_PROTECT, 0x1, 20, 0, 0), H_SUCCESS, "H_PROTECT without H_AVPN, pp 01");
    is_u64(hpte(20)[1], (0xc00000 | WIMG_M | HPTE_R_R | HPTE_R_C) | 0x1,
           "the old protection bits are all replaced");
    is_i64(hcall4(H_PROTECT, H_ANDCOND | 0x2, 20, ~0ull, 0), H_SUCCESS,
           "H_ANDCOND is not an H_PROTECT flag (ignored, as QEMU and KVM)");

    hpt_save();
    is_i64(hcall4(H_PROTECT, H_AVPN | 0x3, 20, V4K(2) & ~0x7full, 0), H_NOT_FOUND,
           "another AVPN: H_NOT_FOUND");
    is_i64(hcall4(H_PROTECT, 0x3, 21, 0, 0), H_NOT_FOUND, "an invalid entry: H_NOT_FOUND");
    is_i64(hcall4(H_PROTECT, 0x3, mach.hpt.n_hptes, 0, 0), H_PARAMETER, "past the table: H_PARAMETER");
    is_i64(hcall4(H_PROTECT, 0x3, ~0ull, 0, 0), H_PARAMETER, "index 2^64-1: H_PARAMETER");
    ok(hpt_unchanged(), "refused calls change nothing");
}

/* ---- H_CLEAR_REF, H_CLEAR_MOD (KVM-HV's behaviour; QEMU has neither) ------ */

static void test_clear_rc(void)
{
    hpt_clear();
    uint64_t v = V4K(1), r = R_RAM(0xd00000) | HPTE_R_R | HPTE_R_C;
    enter(H_EXACT, 30, v, r);
    is_i64(hcall4(H_CLEAR_REF, 0, 30, 0, 0), H_SUCCESS, "H_CLEAR_REF");
    is_u64(cpu->gpr[4], r, "r4 = dword 1 before: R set");
    is_u64(hpte(30)[1], r & ~HPTE_R_R, "R cleared, C kept");
    is_i64(hcall4(H_CLEAR_REF, 0, 30, 0, 0), H_SUCCESS, "H_CLEAR_REF again");
    is_u64(cpu->gpr[4], r & ~HPTE_R_R, "r4 = dword 1, R now clear");
    is_i64(hcall4(H_CLEAR_MOD, 0, 30, 0, 0), H_SUCCESS, "H_CLEAR_MOD");
    is_u64(cpu->gpr[4], r & ~HPTE_R_R, "r4 = dword 1 before: C set");
    is_u64(hpte(30)[1], r & ~(HPTE_R_R | HPTE_R_C), "C cleared");
    is_u64(hpte(30)[0], v, "dword 0 unchanged");

    hpt_save();
    is_i64(hcall4(H_CLEAR_REF, 0, 31, 0, 0), H_NOT_FOUND, "H_CLEAR_REF of an invalid entry");
    is_i64(hcall4(H_CLEAR_MOD, 0, 31, 0, 0), H_NOT_FOUND, "H_CLEAR_MOD of an invalid entry");
    is_i64(hcall4(H_CLEAR_REF, 0, mach.hpt.n_hptes, 0, 0), H_PARAMETER, "H_CLEAR_REF past the table");
    is_i64(hcall4(H_CLEAR_MOD, 0, ~0ull, 0, 0), H_PARAMETER, "H_CLEAR_MOD at 2^64-1");
    ok(hpt_unchanged(), "refused calls change nothing");
}

/* ---- H_BULK_REMOVE ------------------------------------------------------------- */

static void bulk_setup(void)
{
    hpt_clear();
    enter(H_EXACT, 80, V4K(0), R_RAM(0xe00000) | HPTE_R_R | HPTE_R_C);
    enter(H_EXACT, 81, V4K(1), R_RAM(0xe01000) | HPTE_R_C);
    enter(H_EXACT, 82, V4K(2) | HPTE_V_BOLTED, R_RAM(0xe02000));
    enter(H_EXACT, 83, V4K(3), R_RAM(0xe03000) | HPTE_R_R);
}

static void test_bulk_mixed(void)
{
    bulk_setup();
    /* absolute (R|C returned), AVPN matching (C), ANDCOND on a bolted
     * entry (not found), AVPN not matching (not found). */
    int64_t rc = hcall8(H_BULK_REMOVE, HBR_REQUEST | 80, 0x1234,
                        HBR_REQUEST | HBR_AVPN | 81, V4K(1) & ~0x7full,
                        HBR_REQUEST | HBR_ANDCOND | 82, HPTE_V_BOLTED,
                        HBR_REQUEST | HBR_AVPN | 83, V4K(9) & ~0x7full);
    is_i64(rc, H_SUCCESS, "H_BULK_REMOVE with four requests");
    is_u64(cpu->gpr[4], HBR_RESPONSE | HBR_R | HBR_C | 80,
           "1: response, success, R and C in bits 4:5, PTEX");
    is_u64(cpu->gpr[5], 0x1234, "1: tsl untouched");
    is_u64(cpu->gpr[6], HBR_RESPONSE | HBR_C | HBR_AVPN | 81, "2: success, C, flags AVPN kept");
    is_u64(cpu->gpr[8], HBR_RESPONSE | HBR_NOT_FOUND | HBR_ANDCOND | 82, "3: not found");
    is_u64(cpu->gpr[10], HBR_RESPONSE | HBR_NOT_FOUND | HBR_AVPN | 83, "4: not found");
    ok(!(hpte(80)[0] & HPTE_V_VALID) && !(hpte(81)[0] & HPTE_V_VALID), "1 and 2 removed");
    ok((hpte(82)[0] & HPTE_V_VALID) && (hpte(83)[0] & HPTE_V_VALID), "3 and 4 stay");

    /* An end marker stops the list; what follows is not looked at. */
    bulk_setup();
    rc = hcall8(H_BULK_REMOVE, HBR_REQUEST | 83, 0, HBR_END, 0, HBR_REQUEST | 82, 0,
                HBR_REQUEST | 81, 0);
    is_i64(rc, H_SUCCESS, "request, end, requests");
    is_u64(cpu->gpr[4], HBR_RESPONSE | HBR_R | 83, "the first is done");
    ok(cpu->gpr[6] == HBR_END && cpu->gpr[8] == (HBR_REQUEST | 82), "the rest untouched");
    ok((hpte(82)[0] & HPTE_V_VALID) && (hpte(81)[0] & HPTE_V_VALID), "and not removed");
    is_i64(hcall8(H_BULK_REMOVE, HBR_END, 0, 0, 0, 0, 0, 0, 0), H_SUCCESS, "only an end marker");

    /* A request in the response's bits: they are ignored and rewritten. */
    bulk_setup();
    rc = hcall8(H_BULK_REMOVE, HBR_REQUEST | HBR_PARM | HBR_R | 80, 0, HBR_END, 0, 0, 0, 0, 0);
    ok(rc == H_SUCCESS && cpu->gpr[4] == (HBR_RESPONSE | HBR_R | HBR_C | 80),
       "code and R/C bits in a request are ignored");
}

static void test_bulk_errors(void)
{
    static const struct {
        uint64_t tsh;
        uint64_t response;      /* what tsh becomes; 0 = left as it was */
        const char *what;
    } bad[] = {
        { 0x0000000000000000ull | 81, 0, "type 00 (unused)" },
        { HBR_RESPONSE | 81, 0, "type 10 (a response)" },
        { HBR_REQUEST | HBR_AVPN | HBR_ANDCOND | 81, HBR_RESPONSE | HBR_PARM | HBR_AVPN | HBR_ANDCOND | 81,
          "flags 11 (reserved)" },
        { HBR_REQUEST | 0x00ffffffffffffffull, HBR_RESPONSE | HBR_PARM | 0x00ffffffffffffffull,
          "PTEX 2^56-1" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bulk_setup();
        /* One good request first: done; the bad one second; a good one
         * after it: never looked at. */
        int64_t rc = hcall8(H_BULK_REMOVE, HBR_REQUEST | 80, 0, bad[i].tsh, 0, HBR_REQUEST | 83, 0,
                            HBR_END, 0);
        is_i64(rc, H_PARAMETER, "H_BULK_REMOVE with %s second: H_PARAMETER", bad[i].what);
        ok(cpu->gpr[4] == (HBR_RESPONSE | HBR_R | HBR_C | 80) && !(hpte(80)[0] & HPTE_V_VALID),
           "  the request before it is done");
        is_u64(cpu->gpr[6], bad[i].response ? bad[i].response : bad[i].tsh,
               bad[i].response ? "  its response: code 10 (parameter)" : "  its word untouched");
        ok(cpu->gpr[8] == (HBR_REQUEST | 83) && (hpte(83)[0] & HPTE_V_VALID) &&
           (hpte(81)[0] & HPTE_V_VALID), "  the request after it is not done");
    }
    bulk_setup();
    hpt_save();
    is_i64(hcall8(H_BULK_REMOVE, HBR_REQUEST | mach.hpt.n_hptes, 0, 0, 0, 0, 0, 0, 0),
           H_PARAMETER, "PTEX = table size: H_PARAMETER");
    is_u64(cpu->gpr[4], HBR_RESPONSE | HBR_PARM | mach.hpt.n_hptes, "with a parameter response");
    ok(hpt_unchanged(), "the table is unchanged");
}

/* ---- TLB flushes ------------------------------------------------------------ */

/* Each call that changes or removes a valid entry drops every vCPU's
 * cached translations before returning, on its error paths too. */
static void test_tlb_flush(void)
{
    hpt_clear();
    enter(H_EXACT, 90, V4K(1), R_RAM(0xf00000) | HPTE_R_R | HPTE_R_C);
    tlb_plant();
    is_i64(hcall4(H_PROTECT, 0x3, 90, 0, 0), H_SUCCESS, "H_PROTECT");
    ok(tlb_flushed(), "  flushed every vCPU's TLB");
    tlb_plant();
    is_i64(hcall4(H_CLEAR_REF, 0, 90, 0, 0), H_SUCCESS, "H_CLEAR_REF of a referenced entry");
    ok(tlb_flushed(), "  flushed");
    tlb_plant();
    is_i64(hcall4(H_CLEAR_MOD, 0, 90, 0, 0), H_SUCCESS, "H_CLEAR_MOD of a changed entry");
    ok(tlb_flushed(), "  flushed");
    tlb_plant();
    is_i64(hcall4(H_REMOVE, 0, 90, 0, 0), H_SUCCESS, "H_REMOVE");
    ok(tlb_flushed(), "  flushed");
    enter(H_EXACT, 91, V4K(2), R_RAM(0xf01000));
    enter(H_EXACT, 92, V4K(3), R_RAM(0xf02000));
    tlb_plant();
    is_i64(hcall8(H_BULK_REMOVE, HBR_REQUEST | 91, 0, HBR_REQUEST | HBR_AVPN | HBR_ANDCOND | 92, 0,
                  HBR_END, 0, 0, 0), H_PARAMETER, "H_BULK_REMOVE removing one, then a bad request");
    ok(tlb_flushed(), "  flushed although the call failed");
}

/* The same, seen by the MMU (emu/cpu/mmu.c): a vCPU with data relocation
 * on loads and stores through an entry, which then changes under it. A
 * translation the TLB kept would show the old page or allow the store. */
#define MMU_EA 0x40000000ull        /* segment 4 */
#define MMU_VSID 0x777ull
#define MMU_CODE 0x20000ull         /* ld r3,0(r4); attn; std r5,0(r4); li r3,0; attn */
#define MMU_PTEH ((MMU_VSID << SLB_VSID_SHIFT) | HPTE_V_VALID)   /* AVPN of EA 0x40000000 */

/* Runs the load (or the store) at MMU_EA: r3 = the value loaded (0 after
 * a store), or -1 when the access took a DSI (the vector's li r3,-1). */
static uint64_t mmu_run(bool store, uint64_t value)
{
    cpu->msr[0] = MSR_SF | MSR_ME | MSR_DR;
    cpu->nip[0] = MMU_CODE + (store ? 8 : 0);
    cpu->gpr[3] = 0x5a5a;
    cpu->gpr[4] = MMU_EA;
    cpu->gpr[5] = value;
    if (cpu_run(cpu, 100) != CPU_STOP_ATTN)
        return 0xbad;
    return cpu->gpr[3];
}

static void put_be64(uint64_t pa, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        mach.mem.ram[pa + (uint64_t)i] = (uint8_t)(v >> (56 - 8 * i));
}

static void test_mmu_sees_changes(void)
{
    const uint32_t code[] = { asm_ds(58, 3, 4, 0, 0), asm_attn(), asm_ds(62, 5, 4, 0, 0),
                              asm_li(3, 0), asm_attn() };
    const uint32_t dsi[] = { asm_li(3, -1), asm_attn() };
    for (size_t i = 0; i < 5; i++)
        hcall_write_be32(&mach, MMU_CODE + 4 * i, code[i]);
    for (size_t i = 0; i < 2; i++)
        hcall_write_be32(&mach, VEC_DSI + 4 * i, dsi[i]);
    cpu->slb_esid[0] = MMU_EA | SLB_ESID_V;
    cpu->slb_vsid[0] = MMU_VSID << SLB_VSID_SHIFT;          /* 256M, 4K pages, keys 0 */
    put_be64(0x1000000, 0x1111111111111111ull);
    put_be64(0x1001000, 0x2222222222222222ull);
    hpt_clear();
    uint64_t group = MMU_VSID & (mach.hpt.n_groups - 1);   /* the hash of EA offset 0 */
    uint64_t avpn = MMU_PTEH & ~0x7full;

    is_i64(enter(0, group * 8, MMU_PTEH, R_RAM(0x1000000)), H_SUCCESS, "H_ENTER EA 0x40000000 -> 16M");
    uint64_t slot = cpu->gpr[4];
    is_u64(mmu_run(false, 0), 0x1111111111111111ull, "a relocated load reads the page");
    is_i64(hcall4(H_REMOVE, H_AVPN, slot, avpn, 0), H_SUCCESS, "H_REMOVE it");
    is_u64(mmu_run(false, 0), (uint64_t)-1, "the same load now takes a DSI");
    is_i64(enter(0, group * 8, MMU_PTEH, R_RAM(0x1001000)), H_SUCCESS, "H_ENTER it -> 16M + 4K");
    slot = cpu->gpr[4];
    is_u64(mmu_run(false, 0), 0x2222222222222222ull, "the load reads the new page");
    is_u64(mmu_run(true, 0x3333), 0, "a store to it (pp 10) succeeds");
    is_i64(hcall4(H_PROTECT, H_AVPN | 0x3, slot, avpn, 0), H_SUCCESS, "H_PROTECT it read-only (pp 11)");
    is_u64(mmu_run(true, 0x4444), (uint64_t)-1, "the store now takes a DSI");
    is_u64(mmu_run(false, 0), 0x3333, "a load still works, and sees the first store");
    is_i64(hcall8(H_BULK_REMOVE, HBR_REQUEST | HBR_AVPN | slot, avpn, HBR_END, 0, 0, 0, 0, 0),
           H_SUCCESS, "H_BULK_REMOVE it");
    is_u64(mmu_run(false, 0), (uint64_t)-1, "the load takes a DSI again");
    cpu->slb_esid[0] = 0;
    cpu->msr[0] = MSR_SF | MSR_ME;
    machine_tlb_flush(&mach);
}

/* ---- the machine's tree and machines without a table ------------------------ */

static void test_hypertas(void)
{
    static uint8_t fdt[1 << 16];
    if (fdt_create_empty_tree(fdt, sizeof fdt) != 0)
        tap_bail("fdt_create_empty_tree");
    for (unsigned i = 0; i < mach.n_fdt_parts; i++)
        mach.fdt_parts[i].fn(&mach, fdt, mach.fdt_parts[i].opaque);
    int len = 0;
    const char *p = fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"), "ibm,hypertas-functions", &len);
    bool pft = false, bulk = false;
    for (int at = 0; p && at < len; at += (int)strlen(p + at) + 1) {
        pft |= strcmp(p + at, "hcall-pft") == 0;
        bulk |= strcmp(p + at, "hcall-bulk") == 0;
    }
    ok(pft && bulk, "ibm,hypertas-functions lists hcall-pft and hcall-bulk");
    ok(p && strcmp(p, "hcall-pft") == 0, "hcall-pft first (H_REMOVE has the lowest opcode)");
}

static void test_no_table(void)
{
    /* A hand-made machine without a table (like test_hcall's): the
     * opcodes stay unregistered, so tests may register their own. */
    static struct machine bare;
    static struct cpu c;
    memset(&bare, 0, sizeof bare);
    if (memory_init(&bare.mem, 16ull << 20) < 0)
        tap_bail("memory_init");
    cpu_init(&c, &bare.mem, 0);
    bare.cpus = &c;
    bare.ncpus = 1;
    bare.cfg.ram_size = 16ull << 20;
    bare.cfg.smp = 1;
    char err[256];
    if (hcall_init(&bare, err, sizeof err) < 0)
        tap_bail("hcall_init: %s", err);
    c.gpr[3] = H_ENTER;
    hcall_dispatch(&bare, &c);
    is_i64((int64_t)c.gpr[3], H_FUNCTION, "no hashed page table: H_ENTER is H_FUNCTION");
    c.gpr[3] = H_BULK_REMOVE;
    hcall_dispatch(&bare, &c);
    is_i64((int64_t)c.gpr[3], H_FUNCTION, "and H_BULK_REMOVE too");
    cpu_destroy(&c);
    hcall_destroy(&bare);
    memory_destroy(&bare.mem);
}

int main(void)
{
    machine_up();
    test_table();
    test_enter_slots();
    test_enter_bits();
    test_enter_errors();
    test_zero_page();
    test_icache();
    test_remove();
    test_read();
    test_protect();
    test_clear_rc();
    test_bulk_mixed();
    test_bulk_errors();
    test_tlb_flush();
    test_mmu_sees_changes();
    test_hypertas();
    free(saved);
    hcall_destroy(&mach);
    machine_destroy(&mach);
    test_no_table();
    return tap_done();
}
