/*
 * mmu: the hash MMU of a PAPR LPAR, through the page-table hypercalls and
 * with translation on (MSR[IR|DR] set by rfid, segments loaded with
 * slbmte), checked against the Power ISA 2.07 (Book III-S 5.7, 6.5) and
 * QEMU 7.2's pseries machine:
 *   mappings  H_ENTER of 4 KiB, 64 KiB and (if advertised and in RAM)
 *            16 MiB pages, each in a segment of its own base size; H_READ
 *            gives the entry back; loads, stores and code through each
 *   segments 1 TiB segments where Linux puts its kernel (EA
 *            0xc000000000000000): 4 KiB pages at offsets past 4 GiB, and a
 *            16 MiB-page "linear mapping" of the image (EA = 0xc... + PA)
 *   modes    interrupts (decrementer, sc, DSI) taken with translation on:
 *            SRR1 has IR and DR, the handler runs untranslated, rfid goes
 *            back; data translation only (DR) and instruction translation
 *            only (IR); fetch running off the end of a page
 *   faults   DSI for no translation, for a store to a read-only page and
 *            for key-based protection (problem state, Kp = 1), with DAR
 *            and DSISR as the ISA gives them; ISI for no translation, a
 *            no-execute page (N), a no-execute segment and key-based
 *            protection, with SRR1 bits 33/35/36; data and instruction
 *            segment interrupts (0x380, 0x480) outside every SLB entry and
 *            after slbie and slbia
 *   hcalls   H_PROTECT (to read-only and back, N, the AVPN check),
 *            H_REMOVE (old entry returned, AVPN check, the translation
 *            goes away at once, a remapped page translates anew), R and C
 *            set by a load, a store and an instruction fetch (H_READ),
 *            H_CLEAR_MOD/H_CLEAR_REF, H_ENTER with H_EXACT, a full PTEG
 *            and the secondary group, H_ENTER's WIMG and size checks,
 *            H_READ with H_READ_4, H_BULK_REMOVE (absolute, AVPN,
 *            ANDCOND, END, errors), H_REMOVE with H_ANDCOND sparing a
 *            bolted entry (as Linux evicts)
 *   storage  dcbz and lwarx/stwcx. through mappings and their DSIs; icbi
 *            and dcbst of an unmapped page (DSI as a load), dcbt (none)
 * H_CLEAR_MOD/H_CLEAR_REF are not in QEMU 7.2 (H_FUNCTION): those checks
 * are skipped there, with that reason. QEMU 7.2 also returns H_BULK_REMOVE's
 * R and C at bits 12:13 of the response instead of PAPR's 4:5; either
 * passes, and the raw responses are on a '#' line.
 * Without the hash MMU (H_ENTER answers H_FUNCTION) every check is
 * reported skipped.
 */
#include "runtime/runtime.h"

/* Physical pages: above the image, far below the device tree either
 * machine puts near the top of the first 512 MiB. */
#define PA_64K 0x01000000ul                  /* one 64 KiB page */
#define PA_4K(n) (0x01010000ul + (n) * 0x1000ul)
#define PA_16M 0x02000000ul                  /* one 16 MiB page */

/* Segments (256 MiB): effective address, VSID, SLB entry. */
#define EA_4K 0x40000000ul      /* 4 KiB pages; Ks = 0, Kp = 1 */
#define VSID_4K 0x4a4a4ul
#define EA_64K 0x50000000ul     /* 64 KiB base pages */
#define VSID_64K 0x5b5b5ul
#define EA_16M 0x60000000ul     /* 16 MiB base pages */
#define VSID_16M 0x6c6c6ul
#define EA_NX 0x70000000ul      /* a no-execute segment */
#define VSID_NX 0x7d7d7ul
#define EA_NOSEG 0x90000000ul   /* no SLB entry */
/* 1 TiB segments (B = 1), where Linux's kernel lives: 16 MiB base pages
 * (the linear mapping), 4 KiB base pages, then none. */
#define EA_1T_LIN 0xc000000000000000ul
#define VSID_1T_LIN 0x1a2b3cul
#define EA_1T_4K 0xc000010000000000ul
#define VSID_1T_4K 0x1b2c3dul
#define EA_1T_NONE 0xc000020000000000ul
/* 4.8 GiB into the segment: offset bits above 2^28 reach the hash (as
 * page-number bits 16 and up), which tells the 1 TiB hash from the 256 MiB
 * one in a table of 2^17 groups or more (RAM >= 2 GiB: the mmu-2g test). */
#define OFF_1T 0x134567000ul
/* Nine segments whose VSIDs differ only above the hash's reach (bits 34
 * and up: the same PTEG for the same page, whatever the table size up to
 * 2^41 bytes), for a full group. */
#define EA_GRP(k) ((0x10ul + (k)) << 28)
#define VSID_GRP(k) (0x3e3e3ul | (uint64_t)((k) + 1) << 34)
#define NGRP 9

/* Functions that run with translation on (virt_call): v_load and v_store
 * fault at their first instruction; v_call jumps to code at an address
 * (tail call: LR is the caller's, which the ISI handler returns to);
 * v_msr reads the MSR. u_load/u_store are for problem state. */
long v_load(long ea, long unused);
long v_store(long ea, long value);
long v_call(long ea, long arg);
long v_msr(long a, long b);
long v_sc(long a, long b);
long v_dcbz(long ea, long unused);
long v_icbi(long ea, long unused);
long v_dcbst(long ea, long unused);
long v_dcbt(long ea, long unused);
long v_atomic_inc(long ea, long unused);
long v_larx_stcx(long ea, long unused);
extern char v_larx_stcx_st[];
long u_load(long ea);
long u_store(long ea);
/* dr_only_load: a load with MSR[DR] = 1 from code fetched with IR = 0;
 * ir_only_call: code at ea run with IR = 1 and DR = 0. */
long dr_only_load(long ea);
long ir_only_call(long ea, long arg);
__asm__(".text\n"
        "v_load: ld 3, 0(3)\n blr\n"
        "v_store: std 4, 0(3)\n li 3, 0\n blr\n"
        "v_call: mtctr 3\n mr 12, 3\n mr 3, 4\n bctr\n"
        "v_msr: mfmsr 3\n blr\n"
        "v_sc: sc 0\n blr\n"
        "v_dcbz: dcbz 0, 3\n blr\n"
        "v_icbi: icbi 0, 3\n blr\n"
        "v_dcbst: dcbst 0, 3\n blr\n"
        "v_dcbt: dcbt 0, 3\n blr\n"
        "v_atomic_inc: lwarx 5, 0, 3\n addi 5, 5, 1\n stwcx. 5, 0, 3\n bne- v_atomic_inc\n"
        " mr 3, 5\n blr\n"
        "v_larx_stcx: lwarx 5, 0, 3\n"
        "v_larx_stcx_st: stwcx. 5, 0, 3\n li 3, 0\n blr\n"
        "u_load: ld 3, 0(3)\n blr\n"
        "u_store: std 3, 0(3)\n blr\n"
        "dr_only_load: mfmsr 5\n ori 6, 5, 0x10\n mtmsrd 6\n isync\n"
        " ld 3, 0(3)\n mtmsrd 5\n isync\n blr\n"
        "ir_only_call: mflr 0\n std 0, 16(1)\n stdu 1, -32(1)\n"
        " mfmsr 5\n ori 5, 5, 0x20\n lis 6, ir_only_on@h\n ori 6, 6, ir_only_on@l\n"
        " mtsrr0 6\n mtsrr1 5\n rfid\n"
        "ir_only_on: mtctr 3\n mr 12, 3\n mr 3, 4\n bctrl\n"
        " mfmsr 5\n li 6, 0x30\n andc 5, 5, 6\n lis 6, ir_only_off@h\n ori 6, 6, ir_only_off@l\n"
        " mtsrr0 6\n mtsrr1 5\n rfid\n"
        "ir_only_off: addi 1, 1, 32\n ld 0, 16(1)\n mtlr 0\n blr\n");

static bool live;                  /* H_ENTER works: the checks run */
static unsigned long ret[9];

static uint64_t rd64(uint64_t pa) { return *(volatile uint64_t *)pa; }
static void wr64(uint64_t pa, uint64_t v) { *(volatile uint64_t *)pa = v; }

/* `addi r3, r3, ADD; blr` at PA (real mode), made visible to fetches. */
static void put_code(uint64_t pa, int add)
{
    *(volatile uint32_t *)pa = 0x38630000u | (uint16_t)add;
    *(volatile uint32_t *)(pa + 4) = 0x4e800020u;
    mmu_sync_icache(pa, 8);
}

static long vload(uint64_t ea) { return virt_call(v_load, (long)ea, 0); }
static long vstore(uint64_t ea, uint64_t v) { return virt_call(v_store, (long)ea, (long)v); }
static long vcall(uint64_t ea, long arg) { return virt_call(v_call, (long)ea, arg); }

static void return_to_lr(struct exc_frame *f)
{
    f->srr0 = f->lr;
}

/* The interrupt just taken, for the log. */
static void show(void)
{
    if (live)
        tap_diag("vector 0x%lx SRR0 0x%lx SRR1 0x%lx DAR 0x%lx DSISR 0x%lx",
                 (unsigned long)exc_last.vector, (unsigned long)exc_last.srr0,
                 (unsigned long)exc_last.srr1, (unsigned long)exc_last.dar,
                 (unsigned long)exc_last.dsisr);
}

/* Runs fn(a, b) with translation on and expects interrupt VECTOR. An ISI
 * or instruction segment interrupt returns to the caller (LR). */
static bool fault(unsigned vector, long (*fn)(long, long), uint64_t a, uint64_t b)
{
    bool fetch = vector == 0x400 || vector == 0x480;
    if (fetch)
        exc_set_handler(vector, return_to_lr);
    exc_expect(vector);
    virt_call(fn, (long)a, (long)b);
    bool taken = exc_taken();
    if (fetch)
        exc_set_handler(vector, 0);
    show();
    return taken;
}

/* The same from problem state (user_call returns USER_FAULTED). */
static bool user_fault(unsigned vector, long (*fn)(long), uint64_t a)
{
    exc_expect(vector);
    long r = live ? user_call(fn, (long)a) : USER_NO_MMU;
    bool taken = exc_taken() && r == USER_FAULTED;
    show();
    return taken;
}

static void check_dsi(bool taken, uint64_t srr0, uint64_t dar, uint64_t dsisr, const char *what)
{
    tap_ok(taken && exc_last.vector == 0x300 && exc_last.srr0 == srr0,
           "%s: DSI, SRR0 = the access", what);
    tap_is(exc_last.dar, dar, "... DAR = its address");
    tap_is(exc_last.dsisr, dsisr, "... DSISR = 0x%lx", (unsigned long)dsisr);
}

static void check_isi(bool taken, uint64_t ea, uint64_t bits, const char *what)
{
    tap_ok(taken && exc_last.vector == 0x400 && exc_last.srr0 == ea, "%s: ISI, SRR0 = the target",
           what);
    tap_is(exc_last.srr1 & SRR1_ISI_BITS, bits, "... SRR1 bits 33:36 = 0x%lx", (unsigned long)bits);
}

/* R and C of entry PTEX as H_READ gives them (-1 if it failed). */
static long rc_bits(unsigned long ptex)
{
    uint64_t v, r;
    if (mmu_read(ptex, &v, &r) != H_SUCCESS)
        return -1;
    return (long)(r & (HPTE_R_R | HPTE_R_C));
}

static bool same_hpte(uint64_t v, uint64_t r, const struct mmu_map *m)
{
    bool same = (v & ~HPTE_V_SW) == m->v && (r & ~(HPTE_R_R | HPTE_R_C)) == m->r;
    if (!same && live)
        tap_diag("HPTE 0x%lx 0x%lx, expected 0x%lx 0x%lx", (unsigned long)v, (unsigned long)r,
                 (unsigned long)m->v, (unsigned long)m->r);
    return same;
}

static void setup_segments(void)
{
    uint64_t slb64 = 0, slb16 = 0;
    mmu_slb_set(1, EA_4K, VSID_4K, SLB_VSID_KP);
    if (mmu_page_size(16, &slb64, 0))
        mmu_slb_set(2, EA_64K, VSID_64K, SLB_VSID_KP | slb64);
    if (mmu_page_size(24, &slb16, 0))
        mmu_slb_set(3, EA_16M, VSID_16M, SLB_VSID_KP | slb16);
    mmu_slb_set(4, EA_NX, VSID_NX, SLB_VSID_N);
    for (unsigned k = 0; k < NGRP; k++)
        mmu_slb_set(5 + k, EA_GRP(k), VSID_GRP(k), 0);
}

static void test_basic(void)
{
    struct mmu_map m;
    uint64_t v = 0, r = 0;
    long rc = mmu_map(&m, VSID_4K, EA_4K + 0x1000, PA_4K(1), 12, HPTE_R_PP_RW);
    tap_is(rc, H_SUCCESS, "H_ENTER of a 4 KiB page -> H_SUCCESS");
    tap_ok(m.ptex / 8 == m.group && !(m.v & HPTE_V_SECONDARY),
           "... the slot it returns is in the primary group it was given");
    if (live)
        tap_diag("group 0x%lx ptex 0x%lx", (unsigned long)m.group, m.ptex);
    tap_is(mmu_read(m.ptex, &v, &r), H_SUCCESS, "H_READ of it -> H_SUCCESS");
    tap_ok(same_hpte(v, r, &m), "... gives back the entry (software bits aside)");
    tap_is((long)(r & (HPTE_R_R | HPTE_R_C)), 0, "... R and C clear before any access");

    tap_ok(virt_call(v_msr, 0, 0) & MSR_IR && virt_call(v_msr, 0, 0) & MSR_DR,
           "rfid turns translation on (MSR[IR] and MSR[DR]) for the image mapped one to one");
    wr64(PA_4K(1) + 0x18, 0x1122334455667788ul);
    tap_is(vload(EA_4K + 0x1018), 0x1122334455667788l,
           "a load through the mapping reads the physical page");
    wr64(PA_4K(1) + 0x20, 0);
    vstore(EA_4K + 0x1020, 0x0badcafe0badcafeul);
    tap_is((long)rd64(PA_4K(1) + 0x20), 0x0badcafe0badcafel,
           "a store through the mapping writes the physical page");

    struct mmu_map c;
    put_code(PA_4K(2), 5);
    mmu_map(&c, VSID_4K, EA_4K + 0x2000, PA_4K(2), 12, HPTE_R_PP_RW);
    tap_is(vcall(EA_4K + 0x2000, 10), 15, "code runs through a 4 KiB mapping");
}

static void test_no_translation(void)
{
    bool t = fault(0x300, v_load, EA_4K + 0x30008, 0);
    check_dsi(t, (uintptr_t)v_load, EA_4K + 0x30008, DSISR_NOPTE, "a load from an unmapped page");
    tap_is(exc_last.srr1 & (MSR_IR | MSR_DR | MSR_PR), MSR_IR | MSR_DR,
           "... SRR1 has IR and DR (the MSR of the translated code)");
    t = fault(0x300, v_store, EA_4K + 0x30010, 1);
    check_dsi(t, (uintptr_t)v_store, EA_4K + 0x30010, DSISR_NOPTE | DSISR_STORE,
              "a store to an unmapped page");
    t = fault(0x400, v_call, EA_4K + 0x30000, 0);
    check_isi(t, EA_4K + 0x30000, SRR1_ISI_NOPTE, "a branch to an unmapped page");
}

static void test_segments(void)
{
    bool t = fault(0x380, v_load, EA_NOSEG + 0x108, 0);
    tap_ok(t && exc_last.srr0 == (uintptr_t)v_load,
           "a load outside every segment: data segment interrupt, SRR0 = the load");
    tap_is(exc_last.dar, EA_NOSEG + 0x108, "... DAR = its address");
    t = fault(0x380, v_store, EA_NOSEG + 0x110, 1);
    tap_ok(t && exc_last.srr0 == (uintptr_t)v_store,
           "a store outside every segment: data segment interrupt, SRR0 = the store");
    tap_is(exc_last.dar, EA_NOSEG + 0x110, "... DAR = its address");
    t = fault(0x480, v_call, EA_NOSEG + 0x2000, 0);
    tap_ok(t && exc_last.srr0 == EA_NOSEG + 0x2000,
           "a branch outside every segment: instruction segment interrupt, SRR0 = the target");
    tap_is(exc_last.srr1 & 0x783f0000ul, 0, "... SRR1 bits 33:36 and 42:47 clear");

    /* slbie takes the segment away at once (the page stays mapped). */
    if (live)
        mmu_slb_clear(EA_4K);
    t = fault(0x380, v_load, EA_4K + 0x1018, 0);
    tap_ok(t && exc_last.dar == EA_4K + 0x1018,
           "after slbie, a load from a mapped page of that segment: data segment interrupt");
    if (live)
        mmu_slb_set(1, EA_4K, VSID_4K, SLB_VSID_KP);
    tap_is(vload(EA_4K + 0x1018), 0x1122334455667788l, "slbmte brings the segment back");

    /* slbia: every entry but entry 0 (the image's) goes. */
    if (live)
        __asm__ volatile("slbia; isync" ::: "memory");
    t = fault(0x380, v_load, EA_4K + 0x1018, 0);
    tap_ok(t && exc_last.dar == EA_4K + 0x1018, "after slbia: data segment interrupt");
    tap_ok(live && (virt_call(v_msr, 0, 0) & MSR_IR), "... while entry 0 still translates the image");
    if (live)
        setup_segments();
    tap_is(vload(EA_4K + 0x1018), 0x1122334455667788l, "slbmte brings them back");
}

static void test_protection(void)
{
    struct mmu_map ro, none, rok1, nx, nxseg;
    /* PP = 3: read-only whatever the key. */
    wr64(PA_4K(6) + 8, 0x6666);
    mmu_map(&ro, VSID_4K, EA_4K + 0x6000, PA_4K(6), 12, HPTE_R_PP_RO);
    tap_is(vload(EA_4K + 0x6008), 0x6666, "a read-only page (PP = 3) can be read");
    bool t = fault(0x300, v_store, EA_4K + 0x6008, 0x1234);
    check_dsi(t, (uintptr_t)v_store, EA_4K + 0x6008, DSISR_PROT | DSISR_STORE,
              "a store to a read-only page");
    tap_is((long)rd64(PA_4K(6) + 8), 0x6666, "... and the page is unchanged");

    /* Keys: the segment has Ks = 0, Kp = 1. PP = 0: no access with key 1. */
    put_code(PA_4K(4), 1);
    wr64(PA_4K(4) + 0x40, 0x4444);
    mmu_map(&none, VSID_4K, EA_4K + 0x4000, PA_4K(4), 12, HPTE_R_PP_NONE_K1);
    tap_is(vload(EA_4K + 0x4040), 0x4444, "PP = 0, key 0 (supervisor, Ks = 0): a load works");
    vstore(EA_4K + 0x4048, 0x4848);
    tap_is((long)rd64(PA_4K(4) + 0x48), 0x4848, "... and so does a store");
    t = user_fault(0x300, u_load, EA_4K + 0x4040);
    check_dsi(t, (uintptr_t)u_load, EA_4K + 0x4040, DSISR_PROT,
              "PP = 0, key 1 (problem state, Kp = 1): a load");
    t = user_fault(0x400, (long (*)(long))(EA_4K + 0x4000), 0);
    tap_ok(t && exc_last.srr0 == EA_4K + 0x4000,
           "PP = 0, key 1: a branch to it in problem state: ISI, SRR0 = the target");
    tap_is(exc_last.srr1 & SRR1_ISI_BITS, SRR1_ISI_PROT, "... SRR1 bit 36 (protection)");

    /* PP = 1: read-only with key 1. */
    wr64(PA_4K(5) + 0x50, 0x5555);
    mmu_map(&rok1, VSID_4K, EA_4K + 0x5000, PA_4K(5), 12, HPTE_R_PP_RO_K1);
    tap_is(live ? user_call(u_load, (long)(EA_4K + 0x5050)) : 0, 0x5555,
           "PP = 1, key 1: a load in problem state works");
    t = user_fault(0x300, u_store, EA_4K + 0x5058);
    check_dsi(t, (uintptr_t)u_store, EA_4K + 0x5058, DSISR_PROT | DSISR_STORE,
              "PP = 1, key 1: a store in problem state");
    vstore(EA_4K + 0x5058, 0x5858);
    tap_is((long)rd64(PA_4K(5) + 0x58), 0x5858, "PP = 1, key 0: a store works");
    put_code(PA_4K(5) + 0x200, 5);
    tap_is(live ? user_call((long (*)(long))(EA_4K + 0x5200), 1) : 0, 6,
           "PP = 1, key 1: code runs from it in problem state (read access allows fetch)");

    /* No-execute: N in the entry, N in the segment. */
    put_code(PA_4K(3), 3);
    wr64(PA_4K(3) + 0x80, 0x3333);
    mmu_map(&nx, VSID_4K, EA_4K + 0x3000, PA_4K(3), 12, HPTE_R_PP_RW | HPTE_R_N);
    t = fault(0x400, v_call, EA_4K + 0x3000, 0);
    check_isi(t, EA_4K + 0x3000, SRR1_ISI_NOEXEC, "a branch to a no-execute page (N = 1)");
    tap_is(vload(EA_4K + 0x3080), 0x3333, "... which can still be read");
    mmu_map(&nxseg, VSID_NX, EA_NX + 0x3000, PA_4K(3), 12, HPTE_R_PP_RW);
    t = fault(0x400, v_call, EA_NX + 0x3000, 0);
    check_isi(t, EA_NX + 0x3000, SRR1_ISI_NOEXEC, "a branch into a no-execute segment (SLB N = 1)");
    tap_is(vload(EA_NX + 0x3080), 0x3333, "... whose pages can still be read");
}

static void test_protect_remove(void)
{
    struct mmu_map m, m2;
    uint64_t v = 0, r = 0;
    mmu_map(&m, VSID_4K, EA_4K + 0x7000, PA_4K(7), 12, HPTE_R_PP_RW);
    wr64(PA_4K(7) + 8, 0);
    vstore(EA_4K + 0x7008, 0x77);
    tap_is((long)rd64(PA_4K(7) + 8), 0x77, "a read/write page takes a store");

    long rc = hcall(H_PROTECT, ret, H_AVPN | HPTE_R_PP_RO, m.ptex, m.v & ~0x7ful, 0, 0, 0, 0, 0);
    tap_is(rc, H_SUCCESS, "H_PROTECT to read-only (PP = 3) -> H_SUCCESS");
    bool t = fault(0x300, v_store, EA_4K + 0x7008, 0x99);
    check_dsi(t, (uintptr_t)v_store, EA_4K + 0x7008, DSISR_PROT | DSISR_STORE,
              "then a store (the old translation is gone)");
    tap_is(vload(EA_4K + 0x7008), 0x77, "... a load still works and sees the old value");
    mmu_read(m.ptex, &v, &r);
    tap_is((long)(r & (HPTE_R_PP | HPTE_R_N)), HPTE_R_PP_RO, "H_READ shows PP = 3");
    tap_is((long)(r & (HPTE_R_R | HPTE_R_C)), HPTE_R_R | HPTE_R_C, "... R and C kept from before");

    rc = hcall(H_PROTECT, ret, H_AVPN | HPTE_R_PP_RW, m.ptex, (m.v & ~0x7ful) ^ 0x80, 0, 0, 0, 0,
               0);
    tap_is(rc, H_NOT_FOUND, "H_PROTECT with a wrong AVPN -> H_NOT_FOUND");
    rc = hcall(H_PROTECT, ret, HPTE_R_PP_RW, m.ptex ^ 7, 0, 0, 0, 0, 0, 0);
    tap_is(rc, H_NOT_FOUND, "H_PROTECT of an empty slot -> H_NOT_FOUND");
    rc = hcall(H_PROTECT, ret, H_AVPN | HPTE_R_PP_RW, m.ptex, m.v & ~0x7ful, 0, 0, 0, 0, 0);
    tap_is(rc, H_SUCCESS, "H_PROTECT back to read/write -> H_SUCCESS");
    vstore(EA_4K + 0x7008, 0x78);
    tap_is((long)rd64(PA_4K(7) + 8), 0x78, "... and a store works again");

    /* N through H_PROTECT, on the code page of test_basic. */
    struct mmu_map c;
    mmu_hpte(&c, VSID_4K, EA_4K + 0x2000, PA_4K(2), 12, HPTE_R_PP_RW);
    unsigned long cptex = 0;
    for (unsigned s = 0; s < 8; s++)       /* where H_ENTER put it */
        if (live && mmu_read(c.group * 8 + s, &v, &r) == H_SUCCESS && (v & ~HPTE_V_SW) == c.v)
            cptex = c.group * 8 + s;
    rc = hcall(H_PROTECT, ret, H_AVPN | HPTE_R_N | HPTE_R_PP_RW, cptex, c.v & ~0x7ful, 0, 0, 0, 0,
               0);
    tap_is(rc, H_SUCCESS, "H_PROTECT setting N on a code page -> H_SUCCESS");
    t = fault(0x400, v_call, EA_4K + 0x2000, 0);
    check_isi(t, EA_4K + 0x2000, SRR1_ISI_NOEXEC, "then a branch to it");
    hcall(H_PROTECT, ret, H_AVPN | HPTE_R_PP_RW, cptex, c.v & ~0x7ful, 0, 0, 0, 0, 0);
    tap_is(vcall(EA_4K + 0x2000, 20), 25, "H_PROTECT clearing N: the code runs again");

    /* H_REMOVE. */
    rc = hcall(H_REMOVE, ret, H_AVPN, m.ptex, (m.v & ~0x7ful) ^ 0x80, 0, 0, 0, 0, 0);
    tap_is(rc, H_NOT_FOUND, "H_REMOVE with a wrong AVPN -> H_NOT_FOUND");
    tap_is(vload(EA_4K + 0x7008), 0x78, "... and the page is still mapped");
    rc = hcall(H_REMOVE, ret, H_AVPN, m.ptex, m.v & ~0x7ful, 0, 0, 0, 0, 0);
    tap_is(rc, H_SUCCESS, "H_REMOVE -> H_SUCCESS");
    tap_ok(same_hpte(ret[0], ret[1], &m), "... returns the old entry in r4, r5");
    tap_is((long)(ret[1] & (HPTE_R_R | HPTE_R_C)), HPTE_R_R | HPTE_R_C, "... with its R and C");
    t = fault(0x300, v_load, EA_4K + 0x7008, 0);
    check_dsi(t, (uintptr_t)v_load, EA_4K + 0x7008, DSISR_NOPTE,
              "a load from the removed page (translation used just before)");
    t = fault(0x300, v_store, EA_4K + 0x7010, 2);
    check_dsi(t, (uintptr_t)v_store, EA_4K + 0x7010, DSISR_NOPTE | DSISR_STORE,
              "a store to the removed page");
    rc = hcall(H_REMOVE, ret, 0, m.ptex, 0, 0, 0, 0, 0, 0);
    tap_is(rc, H_NOT_FOUND, "H_REMOVE of it again -> H_NOT_FOUND");
    rc = hcall(H_REMOVE, ret, 0, 1ul << (mmu_htab_shift() - 4), 0, 0, 0, 0, 0, 0);
    tap_is(rc, H_PARAMETER, "H_REMOVE of a slot past the table -> H_PARAMETER");

    /* The same page number, another physical page. */
    wr64(PA_4K(10) + 8, 0x1010);
    mmu_map(&m2, VSID_4K, EA_4K + 0x7000, PA_4K(10), 12, HPTE_R_PP_RW);
    tap_is(vload(EA_4K + 0x7008), 0x1010, "mapped again to another page: loads read the new one");
    mmu_remove(&m2);

    /* H_ENTER's own checks. */
    struct mmu_map bad;
    mmu_hpte(&bad, VSID_4K, EA_4K + 0xb000, PA_4K(11), 12, HPTE_R_PP_RW);
    rc = hcall(H_ENTER, ret, 0, bad.group * 8, bad.v, bad.r & ~HPTE_R_M, 0, 0, 0, 0);
    tap_is(rc, H_PARAMETER, "H_ENTER of RAM without M (WIMG = 0) -> H_PARAMETER");
    rc = hcall(H_ENTER, ret, 0, bad.group * 8, bad.v | HPTE_V_LARGE, bad.r | 0xff000ul, 0, 0, 0, 0);
    tap_is(rc, H_PARAMETER, "H_ENTER of a large page with an unknown size encoding -> H_PARAMETER");
    rc = hcall(H_ENTER, ret, 0, 1ul << (mmu_htab_shift() - 4), bad.v, bad.r, 0, 0, 0, 0);
    tap_is(rc, H_PARAMETER, "H_ENTER into a group past the table -> H_PARAMETER");
    rc = hcall(H_ENTER, ret, 0, bad.group * 8, bad.v, bad.r | 0x20 /* I */, 0, 0, 0, 0);
    tap_is(rc, H_PARAMETER, "H_ENTER of RAM cache-inhibited (WIMG = I|M) -> H_PARAMETER");
    rc = hcall(H_ENTER, ret, 0, bad.group * 8, bad.v, (bad.r & 0xfff) | 0x3ff00000000ul, 0, 0, 0, 0);
    /* QEMU's rule (hw/ppc/spapr_softmmu.c): outside RAM, I must be set.
     * KVM would take it as emulated MMIO. */
    tap_is(rc, H_PARAMETER, "H_ENTER of an address outside RAM as memory (WIMG = M) -> H_PARAMETER");
}

static void test_ref_change(void)
{
    struct mmu_map m, c;
    mmu_map(&m, VSID_4K, EA_4K + 0x8000, PA_4K(8), 12, HPTE_R_PP_RW);
    tap_is(rc_bits(m.ptex), 0, "R and C: clear after H_ENTER");
    vload(EA_4K + 0x8008);
    tap_is(rc_bits(m.ptex), HPTE_R_R, "a load sets R, not C");
    vstore(EA_4K + 0x8008, 8);
    tap_is(rc_bits(m.ptex), HPTE_R_R | HPTE_R_C, "a store sets C");

    long rc = hcall(H_CLEAR_MOD, ret, 0, m.ptex, 0, 0, 0, 0, 0, 0);
    tap_skip_begin(!live ? mmu_missing()
                   : rc == H_FUNCTION ? "H_CLEAR_MOD is not implemented by this hypervisor" : NULL);
    tap_is(rc, H_SUCCESS, "H_CLEAR_MOD -> H_SUCCESS");
    tap_is((long)(ret[0] & (HPTE_R_R | HPTE_R_C)), HPTE_R_R | HPTE_R_C,
           "... r4 = the old dword 1, C still set");
    tap_is(rc_bits(m.ptex), HPTE_R_R, "... C is clear, R is not");
    if (rc == H_SUCCESS)
        vstore(EA_4K + 0x8008, 9);
    tap_is(rc_bits(m.ptex), HPTE_R_R | HPTE_R_C, "a store after H_CLEAR_MOD sets C again");
    tap_skip_end();
    tap_skip_begin(mmu_missing());

    rc = hcall(H_CLEAR_REF, ret, 0, m.ptex, 0, 0, 0, 0, 0, 0);
    tap_skip_begin(!live ? mmu_missing()
                   : rc == H_FUNCTION ? "H_CLEAR_REF is not implemented by this hypervisor" : NULL);
    tap_is(rc, H_SUCCESS, "H_CLEAR_REF -> H_SUCCESS");
    tap_is((long)(ret[0] & HPTE_R_R), HPTE_R_R, "... r4 = the old dword 1, R still set");
    tap_is(rc_bits(m.ptex), HPTE_R_C, "... R is clear, C is not");
    tap_skip_end();
    tap_skip_begin(mmu_missing());
    rc = hcall(H_CLEAR_REF, ret, 0, m.ptex ^ 7, 0, 0, 0, 0, 0, 0);
    long rc2 = hcall(H_CLEAR_MOD, ret, 0, m.ptex ^ 7, 0, 0, 0, 0, 0, 0);
    tap_skip_begin(!live ? mmu_missing()
                   : rc == H_FUNCTION || rc2 == H_FUNCTION
                       ? "H_CLEAR_REF/H_CLEAR_MOD are not implemented by this hypervisor" : NULL);
    tap_ok(rc == H_NOT_FOUND && rc2 == H_NOT_FOUND,
           "H_CLEAR_REF and H_CLEAR_MOD of an empty slot -> H_NOT_FOUND");
    if (live && (rc != H_NOT_FOUND || rc2 != H_NOT_FOUND))
        tap_diag("H_CLEAR_REF %ld, H_CLEAR_MOD %ld", rc, rc2);
    tap_skip_end();
    tap_skip_begin(mmu_missing());
    mmu_remove(&m);

    put_code(PA_4K(9), 9);
    mmu_map(&c, VSID_4K, EA_4K + 0x9000, PA_4K(9), 12, HPTE_R_PP_RW);
    tap_is(vcall(EA_4K + 0x9000, 1), 10, "code runs from a fresh page");
    tap_is(rc_bits(c.ptex), HPTE_R_R, "... an instruction fetch sets R, not C");
    mmu_remove(&c);
}

/* 1 TiB segments, as Linux uses them on POWER8. */
static void test_1t(void)
{
    struct mmu_map m, lin;
    uint64_t v = 0, r = 0;
    if (live)
        mmu_slb_set_1t(14, EA_1T_4K, VSID_1T_4K, 0);
    wr64(PA_4K(17) + 8, 0x1717);
    put_code(PA_4K(17) + 0x100, 17);
    long rc = live ? (mmu_hpte_1t(&m, VSID_1T_4K, EA_1T_4K + OFF_1T, PA_4K(17), 12, HPTE_R_PP_RW),
                      mmu_enter(&m))
                   : H_FUNCTION;
    tap_is(rc, H_SUCCESS, "H_ENTER of a 4 KiB page 4.8 GiB into a 1 TiB segment");
    if (live)
        mmu_read(m.ptex, &v, &r);
    tap_ok(live && same_hpte(v, r, &m) && v >> 62 == 1, "... H_READ gives it back, with B = 1");
    uint64_t ea = EA_1T_4K + OFF_1T;
    tap_is(vload(ea + 8), 0x1717, "a load through it reads the page");
    vstore(ea + 0x10, 0x1818);
    tap_is((long)rd64(PA_4K(17) + 0x10), 0x1818, "a store through it writes the page");
    tap_is(vcall(ea + 0x100, 1), 18, "code runs from it");
    bool t = fault(0x300, v_load, ea + (1ul << 28) + 8, 0);
    tap_ok(t && exc_last.dar == ea + (1ul << 28) + 8 && exc_last.dsisr == DSISR_NOPTE,
           "256 MiB further in the same segment: DSI, no translation (not a segment interrupt)");
    t = fault(0x380, v_load, EA_1T_NONE + OFF_1T, 0);
    tap_ok(t && exc_last.dar == EA_1T_NONE + OFF_1T, "the next 1 TiB: data segment interrupt, DAR");
    if (live)
        mmu_slb_clear_1t(EA_1T_4K);
    t = fault(0x380, v_load, ea + 8, 0);
    tap_ok(t && exc_last.dar == ea + 8, "after slbie (B = 1) of the segment: data segment interrupt");
    if (live)
        mmu_slb_set_1t(14, EA_1T_4K, VSID_1T_4K, 0);
    tap_is(vload(ea + 8), 0x1717, "slbmte brings it back");
    if (live)
        mmu_remove(&m);

    /* Linux's linear mapping: EA 0xc000000000000000 + x -> x, 16 MiB pages. */
    uint64_t slb16 = 0;
    const char *no16 = !live ? mmu_missing()
                       : !mmu_page_size(24, &slb16, 0)
                           ? "16 MiB pages are not in ibm,segment-page-sizes"
                       : NULL;
    tap_skip_begin(no16);
    bool on = live && !no16;
    static volatile uint64_t probe = 0x11aa22bb33cc44ddul, probe2;
    if (on)
        mmu_slb_set_1t(15, EA_1T_LIN, VSID_1T_LIN, slb16);
    rc = on ? (mmu_hpte_1t(&lin, VSID_1T_LIN, EA_1T_LIN, 0, 24, HPTE_R_PP_RW), mmu_enter(&lin))
            : H_FUNCTION;
    tap_is(rc, H_SUCCESS, "H_ENTER of a 16 MiB page at 0xc000000000000000 for physical 0 (B = 1)");
    tap_is(on ? vload(EA_1T_LIN + (uintptr_t)&probe) : 0, 0x11aa22bb33cc44ddl,
           "a load at 0xc000000000000000 + &x reads x (a linear mapping, as Linux's)");
    if (on)
        vstore(EA_1T_LIN + (uintptr_t)&probe2, 0x2bad);
    tap_is((long)probe2, 0x2bad, "a store there writes x");
    long msr = on ? vcall(EA_1T_LIN + (uintptr_t)v_msr, 0) : 0;
    tap_ok((msr & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR), "code runs from there");
    rc = on ? mmu_remove(&lin) : H_FUNCTION;
    tap_is(rc, H_SUCCESS, "H_REMOVE of it");
    tap_skip_end();
    tap_skip_begin(mmu_missing());
}

/* Interrupts taken with translation on, and half-translated modes. */
static volatile unsigned dec_hits;
static uint64_t dec_srr1, dec_msr;

static void on_dec(struct exc_frame *f)
{
    dec_hits++;
    dec_srr1 = f->srr1;
    dec_msr = mfmsr();
    mtspr(SPRN_DEC, 0x7fffffff);
    f->srr1 &= ~(uint64_t)MSR_EE;
}

static long wait_dec(long ticks, long unused)
{
    (void)unused;
    uint64_t start = mftb();
    mtspr(SPRN_DEC, 1000);
    __asm__ volatile("mtmsrd %0, 1" : : "r"((uint64_t)MSR_EE | MSR_RI) : "memory");
    while (!dec_hits && mftb() - start < (uint64_t)ticks)
        ;
    return (long)mfmsr();
}

static void test_modes(void)
{
    exc_set_handler(0x900, on_dec);
    long msr = virt_call(wait_dec, (long)(timebase_freq() / 10), 0);
    exc_set_handler(0x900, 0);
    mtspr(SPRN_DEC, 0x7fffffff);
    tap_is(dec_hits, live ? 1 : 0, "a decrementer interrupt taken with translation on");
    tap_is(dec_srr1 & (MSR_IR | MSR_DR), MSR_IR | MSR_DR, "... SRR1 has IR and DR");
    tap_ok(live && !(dec_msr & (MSR_IR | MSR_DR)), "... its handler runs with translation off");
    tap_is(msr & (MSR_IR | MSR_DR | MSR_EE), MSR_IR | MSR_DR,
           "... and rfid returns to the translated code");

    exc_expect(0xc00);
    virt_call(v_sc, 0, 0);
    bool t = exc_taken();
    tap_ok(t && exc_last.srr0 == (uintptr_t)v_sc + 4 &&
           (exc_last.srr1 & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR),
           "sc 0 with translation on: SRR0 = the next instruction, SRR1 has IR and DR");

    tap_is(live ? dr_only_load((long)(EA_4K + 0x1018)) : 0, 0x1122334455667788l,
           "MSR[DR] = 1, IR = 0: a load is translated, the code is fetched untranslated");
    struct mmu_map m;
    *(volatile uint32_t *)PA_4K(15) = 0xe8630000u;     /* ld r3, 0(r3) */
    *(volatile uint32_t *)(PA_4K(15) + 4) = 0x4e800020u;
    mmu_sync_icache(PA_4K(15), 8);
    wr64(PA_4K(15) + 0x800, 0x1515151515ul);
    mmu_map(&m, VSID_4K, EA_4K + 0xe000, PA_4K(15), 12, HPTE_R_PP_RW);
    tap_is(live ? ir_only_call((long)(EA_4K + 0xe000), (long)(PA_4K(15) + 0x800)) : 0,
           0x1515151515l, "MSR[IR] = 1, DR = 0: code is fetched translated, its load is not");
    mmu_remove(&m);

    /* Two instructions at the end of a page, the next page unmapped. */
    struct mmu_map a, b;
    *(volatile uint32_t *)(PA_4K(12) + 0xff8) = 0x38630001u;   /* addi r3, r3, 1 */
    *(volatile uint32_t *)(PA_4K(12) + 0xffc) = 0x38630001u;
    mmu_sync_icache(PA_4K(12) + 0xff8, 8);
    mmu_map(&a, VSID_4K, EA_4K + 0xc000, PA_4K(12), 12, HPTE_R_PP_RW);
    t = fault(0x400, v_call, EA_4K + 0xcff8, 40);
    check_isi(t, EA_4K + 0xd000, SRR1_ISI_NOPTE,
              "fetch running off the end of a page into an unmapped one");
    tap_is(exc_last.gpr[3], 42, "... after the page's last two instructions ran");
    put_code(PA_4K(13), 1);
    mmu_map(&b, VSID_4K, EA_4K + 0xd000, PA_4K(13), 12, HPTE_R_PP_RW);
    tap_is(vcall(EA_4K + 0xcff8, 40), 43, "the next page mapped: execution flows across");
    mmu_remove(&a);
    mmu_remove(&b);
}

/* dcbz and lwarx/stwcx. through mappings. */
static void test_storage_ops(void)
{
    struct mmu_map m;
    memset((void *)PA_4K(16), 0xff, 4096);
    mmu_map(&m, VSID_4K, EA_4K + 0xf000, PA_4K(16), 12, HPTE_R_PP_RW);
    virt_call(v_dcbz, (long)(EA_4K + 0xf080), 0);
    bool zero = live;
    for (unsigned i = 0x80; i < 0x100; i += 8)
        zero = zero && rd64(PA_4K(16) + i) == 0;
    tap_ok(zero && rd64(PA_4K(16) + 0x78) == ~0ul && rd64(PA_4K(16) + 0x100) == ~0ul,
           "dcbz through a mapping zeroes its 128-byte block, nothing else");
    bool t = fault(0x300, v_dcbz, EA_4K + 0x6080, 0);
    check_dsi(t, (uintptr_t)v_dcbz, EA_4K + 0x6080, DSISR_PROT | DSISR_STORE,
              "dcbz on a read-only page");
    t = fault(0x300, v_dcbz, EA_4K + 0x30080, 0);
    tap_ok(t && exc_last.dar == EA_4K + 0x30080 && exc_last.dsisr == (DSISR_NOPTE | DSISR_STORE),
           "dcbz on an unmapped page: DSI, no translation, store");

    t = fault(0x300, v_icbi, EA_4K + 0x30100, 0);
    tap_ok(t && exc_last.srr0 == (uintptr_t)v_icbi && exc_last.dar == EA_4K + 0x30100 &&
           exc_last.dsisr == DSISR_NOPTE, "icbi of an unmapped page: DSI as for a load");
    t = fault(0x300, v_dcbst, EA_4K + 0x30180, 0);
    tap_ok(t && exc_last.srr0 == (uintptr_t)v_dcbst && exc_last.dar == EA_4K + 0x30180 &&
           exc_last.dsisr == DSISR_NOPTE, "dcbst of an unmapped page: DSI as for a load");
    unsigned before = exc_count;
    virt_call(v_dcbt, (long)(EA_4K + 0x30200), 0);
    virt_call(v_dcbt, (long)(EA_NOSEG + 0x200), 0);
    tap_is(exc_count, before, "dcbt of an unmapped page or segment: no interrupt (a hint)");

    *(volatile uint32_t *)(PA_4K(16) + 0x200) = 41;
    tap_is(virt_call(v_atomic_inc, (long)(EA_4K + 0xf200), 0), 42,
           "lwarx/stwcx. through a mapping: an atomic increment");
    tap_is(*(volatile uint32_t *)(PA_4K(16) + 0x200), 42, "... lands in the page");
    t = fault(0x300, v_larx_stcx, EA_4K + 0x6010, 0);
    check_dsi(t, (uintptr_t)v_larx_stcx_st, EA_4K + 0x6010, DSISR_PROT | DSISR_STORE,
              "lwarx then stwcx. on a read-only page: the stwcx.");
    mmu_remove(&m);
}

/* H_REMOVE with H_ANDCOND as Linux evicts: not if the bolted bit is set. */
static void test_andcond(void)
{
    struct mmu_map bolted, plain;
    uint64_t v = 0, r = 0;
    mmu_hpte(&bolted, VSID_4K, EA_4K + 0x10000, PA_4K(18), 12, HPTE_R_PP_RW);
    bolted.v |= HPTE_V_BOLTED;
    wr64(PA_4K(18) + 8, 0x1818);
    long rc = mmu_enter(&bolted);
    if (live)
        mmu_read(bolted.ptex, &v, &r);
    tap_ok(rc == H_SUCCESS && (v & HPTE_V_BOLTED), "H_ENTER keeps the bolted bit (H_READ shows it)");
    unsigned long ret2[9];
    rc = hcall(H_REMOVE, ret2, H_ANDCOND, bolted.ptex, HPTE_V_BOLTED, 0, 0, 0, 0, 0);
    tap_is(rc, H_NOT_FOUND, "H_REMOVE with H_ANDCOND of the bolted bit spares a bolted entry");
    tap_is(vload(EA_4K + 0x10008), 0x1818, "... which still translates");
    mmu_map(&plain, VSID_4K, EA_4K + 0x11000, PA_4K(19), 12, HPTE_R_PP_RW);
    rc = hcall(H_REMOVE, ret2, H_ANDCOND, plain.ptex, HPTE_V_BOLTED, 0, 0, 0, 0, 0);
    tap_is(rc, H_SUCCESS, "... and removes one without it");
    rc = hcall(H_REMOVE, ret2, 0, bolted.ptex, 0, 0, 0, 0, 0, 0);
    tap_is(rc, H_SUCCESS, "H_REMOVE without flags removes the bolted one");
}

/* A page size other than 4 KiB, in a segment of that base size. */
static void test_large(unsigned shift, uint64_t ea, uint64_t vsid, uint64_t pa, const char *name,
                       const char *absent)
{
    uint64_t size = 1ul << shift;
    const uint64_t off[3] = {0, size / 2 + 0x3458 % size, size - 8};
    tap_skip_begin(!live ? mmu_missing() : absent);
    bool on = live && !absent;
    struct mmu_map m;
    uint64_t v = 0, r = 0;
    for (unsigned i = 0; i < 3; i++)
        if (on)
            wr64(pa + off[i], 0xa0 + i);
    if (on)
        put_code(pa + size / 4, 7);
    long rc = on ? mmu_map(&m, vsid, ea, pa, shift, HPTE_R_PP_RW) : H_FUNCTION;
    tap_is(rc, H_SUCCESS, "H_ENTER of a %s page -> H_SUCCESS", name);
    if (on)
        mmu_read(m.ptex, &v, &r);
    tap_ok(on && same_hpte(v, r, &m) && (v & HPTE_V_LARGE), "... H_READ gives it back, with L");
    bool all = on;
    for (unsigned i = 0; i < 3 && on; i++)
        all = all && vload(ea + off[i]) == (long)(0xa0 + i);
    tap_ok(all, "loads at its start, middle and end read the one %s physical page", name);
    if (on) {
        wr64(pa + size / 2 + 0x100, 0);
        vstore(ea + size / 2 + 0x100, 0x5151);
    }
    tap_is(on ? (long)rd64(pa + size / 2 + 0x100) : 0, 0x5151, "a store lands in it");
    tap_is(on ? vcall(ea + size / 4, 1) : 0, 8, "code runs from it");
    bool t = on && fault(0x300, v_load, ea + size + 8, 0);
    tap_ok(t && exc_last.dar == ea + size + 8 && exc_last.dsisr == DSISR_NOPTE,
           "a load from the next %s page: DSI, no translation", name);
    rc = on ? mmu_remove(&m) : H_FUNCTION;
    tap_is(rc, H_SUCCESS, "H_REMOVE of it -> H_SUCCESS");
    t = on && fault(0x300, v_load, ea + off[1], 0);
    tap_ok(t && exc_last.dar == ea + off[1] && exc_last.dsisr == DSISR_NOPTE,
           "then a load from its middle: DSI, no translation");
    tap_skip_end();
    tap_skip_begin(mmu_missing());
}

static void test_page_sizes(void)
{
    test_large(16, EA_64K + 0x10000, VSID_64K, PA_64K, "64 KiB",
               mmu_page_size(16, 0, 0) ? NULL : "64 KiB pages are not in ibm,segment-page-sizes");
    const char *no16 = !mmu_page_size(24, 0, 0) ? "16 MiB pages are not in ibm,segment-page-sizes"
                       : mmu_ram_size() < PA_16M + (16ul << 20) ? "not enough RAM for a 16 MiB page"
                       : NULL;
    test_large(24, EA_16M + 0x1000000, VSID_16M, PA_16M, "16 MiB", no16);
}

/* One PTEG filled with H_EXACT, a ninth page in the secondary group,
 * H_READ_4, then H_BULK_REMOVE. */
static void test_group(void)
{
    struct mmu_map m[NGRP];
    const uint64_t page = 0x7000;
    for (unsigned k = 0; k < NGRP; k++) {
        mmu_hpte(&m[k], VSID_GRP(k), EA_GRP(k) + page, PA_4K(32 + k), 12, HPTE_R_PP_RW);
        wr64(PA_4K(32 + k) + 8, 0x3200 + k);
    }
    uint64_t g = m[0].group;
    for (unsigned k = 1; k < NGRP; k++)
        if (m[k].group != g)
            rt_panic("test setup: group 0x%lx != 0x%lx", (unsigned long)m[k].group, (unsigned long)g);
    /* The group must be empty to start with (nothing else hashes there). */
    unsigned used = 0;
    for (unsigned s = 0; live && s < 8; s += 4)
        if (hcall(H_READ, ret, H_READ_4, g * 8 + s, 0, 0, 0, 0, 0, 0) == H_SUCCESS)
            for (unsigned i = 0; i < 4; i++)
                used += ret[2 * i] & HPTE_V_VALID;
    if (live)
        tap_diag("PTEG 0x%lx, %u slots in use before", (unsigned long)g, used);

    bool exact = live;
    for (unsigned k = 0; k < 8; k++) {
        long rc = hcall(H_ENTER, ret, H_EXACT, g * 8 + k, m[k].v, m[k].r, 0, 0, 0, 0);
        m[k].ptex = ret[0];
        exact = exact && rc == H_SUCCESS && ret[0] == g * 8 + k;
    }
    tap_ok(exact, "H_ENTER with H_EXACT fills slots 0-7 of one PTEG, each where it was asked");
    long rc = hcall(H_ENTER, ret, H_EXACT, g * 8 + 3, m[8].v, m[8].r, 0, 0, 0, 0);
    tap_is(rc, H_PTEG_FULL, "H_ENTER with H_EXACT on a used slot -> H_PTEG_FULL");
    rc = hcall(H_ENTER, ret, 0, g * 8, m[8].v, m[8].r, 0, 0, 0, 0);
    tap_is(rc, H_PTEG_FULL, "H_ENTER into the full group -> H_PTEG_FULL");
    rc = live ? mmu_enter(&m[8]) : H_FUNCTION;
    uint64_t mask = (1ul << (mmu_htab_shift() - 7)) - 1;
    tap_ok(rc == H_SUCCESS && m[8].ptex / 8 == (~g & mask) && (m[8].v & HPTE_V_SECONDARY),
           "the secondary group (H = 1) takes a ninth page");

    bool all = live;
    for (unsigned k = 0; k < 8; k++)
        all = all && vload(EA_GRP(k) + page + 8) == (long)(0x3200 + k);
    tap_ok(all, "eight pages whose VSIDs differ only above the hash translate, each to its own page");
    tap_is(vload(EA_GRP(8) + page + 8), 0x3208, "the ninth translates through the secondary group");

    rc = hcall(H_READ, ret, H_READ_4, g * 8 + 5, 0, 0, 0, 0, 0, 0);
    tap_is(rc, H_SUCCESS, "H_READ with H_READ_4 -> H_SUCCESS");
    bool four = true;
    for (unsigned i = 0; i < 4; i++)
        four = same_hpte(ret[2 * i], ret[2 * i + 1], &m[4 + i]) && four;
    tap_ok(four, "... r4-r11 = slots 4-7 (ptex rounded down to a multiple of 4)");
    rc = hcall(H_READ, ret, 0, g * 8 + 2, 0, 0, 0, 0, 0, 0);
    tap_ok(rc == H_SUCCESS && same_hpte(ret[0], ret[1], &m[2]), "H_READ of one slot reads that one");

    /* R and C for the removal responses: 0 loaded, 1 stored, 2 untouched
     * since H_ENTER... but every page was read above; store to 1. */
    vstore(EA_GRP(1) + page + 0x10, 1);

    /* H_BULK_REMOVE: absolute; AVPN matching; AVPN not matching;
     * ANDCOND (removed if dword 0 & mask == 0: mask = H, a primary entry). */
    rc = hcall(H_BULK_REMOVE, ret,
               HBR_REQUEST | (g * 8 + 0), 0,
               HBR_REQUEST | HBR_AVPN | (g * 8 + 1), m[1].v & ~0x7ful,
               HBR_REQUEST | HBR_AVPN | (g * 8 + 2), m[3].v & ~0x7ful,
               HBR_REQUEST | HBR_ANDCOND | (g * 8 + 3), HPTE_V_SECONDARY);
    tap_is(rc, H_SUCCESS, "H_BULK_REMOVE of four -> H_SUCCESS");
    if (live)
        tap_diag("responses 0x%lx 0x%lx 0x%lx 0x%lx", ret[0], ret[2], ret[4], ret[6]);
    const uint64_t code[4] = {0, 0, HBR_NOT_FOUND, 0};
    const uint64_t flags[4] = {0, HBR_AVPN, HBR_AVPN, HBR_ANDCOND};
    bool resp = true;
    for (unsigned i = 0; i < 4; i++)
        resp = resp && (ret[2 * i] & (HBR_TYPE | HBR_CODE)) == (HBR_RESPONSE | code[i]) &&
               (ret[2 * i] & 0xffffffffffull) == g * 8 + i &&
               (ret[2 * i] & 0x0300000000000000ul) == flags[i];
    tap_ok(resp, "... responses: removed, removed (AVPN), not found (AVPN), removed (ANDCOND)");
    /* R and C: PAPR bits 4:5 (where KVM puts them); QEMU 7.2 shifts them
     * to bits 12:13 (r << 43 instead of << 51). */
    unsigned long rc0 = ret[0] >> 58 & 3, rc1 = ret[2] >> 58 & 3;
    unsigned long q0 = ret[0] >> 50 & 3, q1 = ret[2] >> 50 & 3;
    tap_ok((rc0 == 2 && rc1 == 3) || (rc0 == 0 && rc1 == 0 && q0 == 2 && q1 == 3),
           "... with R (loaded) and R|C (stored) of the removed entries (bits 4:5; QEMU 7.2: 12:13)");
    bool gone = live;
    const unsigned gone_k[3] = {0, 1, 3};
    for (unsigned i = 0; i < 3; i++)
        gone = gone && fault(0x300, v_load, EA_GRP(gone_k[i]) + page + 8, 0) &&
               exc_last.dsisr == DSISR_NOPTE;
    tap_ok(gone, "the removed pages no longer translate");
    tap_is(vload(EA_GRP(2) + page + 8), 0x3202, "the one whose AVPN did not match still does");

    rc = hcall(H_BULK_REMOVE, ret, HBR_REQUEST | (g * 8 + 4), 0, HBR_REQUEST | (g * 8 + 5), 0,
               HBR_END, 0, HBR_REQUEST | (g * 8 + 6), 0);
    tap_is(rc, H_SUCCESS, "H_BULK_REMOVE of two, then END -> H_SUCCESS");
    tap_ok((ret[0] & (HBR_TYPE | HBR_CODE)) == HBR_RESPONSE &&
           (ret[2] & (HBR_TYPE | HBR_CODE)) == HBR_RESPONSE, "... both removed");
    tap_is(vload(EA_GRP(6) + page + 8), 0x3206, "... and the request after END was not");
    rc = hcall(H_BULK_REMOVE, ret, HBR_REQUEST | (g * 8 + 0), 0, HBR_END, 0, 0, 0, 0, 0);
    tap_ok(rc == H_SUCCESS && (ret[0] & (HBR_TYPE | HBR_CODE)) == (HBR_RESPONSE | HBR_NOT_FOUND),
           "H_BULK_REMOVE of an empty slot -> H_SUCCESS, response: not found");
    rc = hcall(H_BULK_REMOVE, ret, g * 8 + 6, 0, HBR_END, 0, 0, 0, 0, 0);
    tap_is(rc, H_PARAMETER, "H_BULK_REMOVE with a specifier that is not a request -> H_PARAMETER");
    rc = hcall(H_BULK_REMOVE, ret, HBR_REQUEST | HBR_AVPN | HBR_ANDCOND | (g * 8 + 6), 0, HBR_END, 0,
               0, 0, 0, 0);
    tap_is(rc, H_PARAMETER, "H_BULK_REMOVE with both AVPN and ANDCOND -> H_PARAMETER");
    tap_is(vload(EA_GRP(6) + page + 8), 0x3206, "... and nothing was removed");
    rc = hcall(H_BULK_REMOVE, ret, HBR_REQUEST | (1ul << (mmu_htab_shift() - 4)), 0, HBR_END, 0, 0, 0,
               0, 0);
    tap_ok(rc == H_PARAMETER &&
           (ret[0] & (HBR_TYPE | HBR_CODE)) == (HBR_RESPONSE | 0x2000000000000000ul),
           "H_BULK_REMOVE of a slot past the table -> H_PARAMETER, response: parameter");
    if (live && rc != H_PARAMETER)
        tap_diag("rc %ld, response 0x%lx", rc, ret[0]);

    /* The group has slots 0, 1, 3, 4 and 5 free again. */
    struct mmu_map again;
    mmu_hpte(&again, VSID_GRP(0), EA_GRP(0) + page, PA_4K(32), 12, HPTE_R_PP_RW);
    rc = hcall(H_ENTER, ret, 0, g * 8, again.v, again.r, 0, 0, 0, 0);
    unsigned long slot = ret[0] - g * 8;
    tap_ok(rc == H_SUCCESS && slot < 8 && slot != 2 && slot != 6 && slot != 7,
           "H_ENTER into the group again takes one of the freed slots");
    if (live)
        tap_diag("slot %lu", slot);
    again.ptex = ret[0];
    tap_is(vload(EA_GRP(0) + page + 8), 0x3200, "... and the page translates again");
    mmu_remove(&again);

    bool clean = live;
    const unsigned left[4] = {2, 6, 7, 8};
    for (unsigned i = 0; i < 4; i++)
        clean = clean && mmu_remove(&m[left[i]]) == H_SUCCESS;
    tap_ok(clean, "H_REMOVE of the four left -> H_SUCCESS");
}

int main(void)
{
    const char *why = mmu_missing();
    live = !why;
    exc_set_stray(mmu_stray);
    tap_diag("hashed page table 2^%u bytes, RAM 0x%lx, device tree at %p", mmu_htab_shift(),
             (unsigned long)mmu_ram_size(), boot.fdt);
    tap_skip_begin(why);
    if (live)
        setup_segments();
    test_basic();
    test_no_translation();
    test_segments();
    test_protection();
    test_protect_remove();
    test_ref_change();
    test_page_sizes();
    test_1t();
    test_modes();
    test_storage_ops();
    test_andcond();
    test_group();
    tap_is(mmu_strays(), 0, "no unexpected storage interrupt");
    tap_skip_end();
    return 0;
}
