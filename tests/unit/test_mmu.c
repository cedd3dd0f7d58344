/*
 * The hash MMU (emu/hpt.c, emu/cpu/mmu.c, emu/cpu/insn_mmu.c) against
 * Power ISA 2.07 Book III-S ch. 5 and what Linux and QEMU write into a
 * page table:
 *   - the hash of 256M and 1T segments (Linux hpt_hash) as known answers,
 *     the HPTE page-size encodings (the POWER7/8 LP values QEMU and Linux
 *     use, the ISA's "rrrr zzzz" LP widths), the table size rule, and the
 *     machine's table as the guest's tree advertises it;
 *   - translation in virtual mode through entries written straight into a
 *     table the way Linux's hpte_encode_v/r write them: 4K, 64K and 16M
 *     pages, 64K pages in a 4K segment, 1T segments, the secondary group,
 *     the AVA bit a 16M base ignores;
 *   - every fault with its DAR/DSISR or SRR1: no translation, protection,
 *     store to read-only, no-execute and guarded fetch, segment misses;
 *   - R and C in the HPTE, including C on the first store after loads;
 *   - no stale translation: HPTE changes with machine_tlb_flush, slbie,
 *     slbmte over a live entry, slbia, MSR[PR] changes;
 *   - the SLB instructions, and real mode below and above the RMA.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emu/cpu/mem_access.h"
#include "emu/cpu/mmu.h"
#include "emu/hpt.h"
#include "emu/machine.h"
#include "tests/common/guest_asm.h"
#include "tests/tap.h"

#define MB (1ull << 20)
#define CIA 0x4444ull          /* where direct accesses pretend to be */
#define SENTINEL 0x5e471ae1ull

/* ---- hash and encodings ---- */

static void test_hash(void)
{
    /* Linux's hpt_hash: 256M: VSID ^ page index in the segment; 1T: VSID ^
     * VSID << 25 ^ page index; 39 bits. Computed by hand from it. */
    is_u64(hpt_hash(0x123456, 0x0ff00000, 12, false), 0x12cb56, "256M, 4K: VSID ^ (EA offset >> 12)");
    is_u64(hpt_hash(0x3ffffffffffffull, 0x0ffff000, 12, false), 0x7fffff0000ull,
           "256M: a 50-bit VSID, the hash is 39 bits");
    is_u64(hpt_hash(1, 0xabcd1234, 16, false), 0xbcc, "256M, 64K: EA bits above the segment are not hashed");
    is_u64(hpt_hash(0xabcdef, 0x7000123, 24, false), 0xabcde8, "256M, 16M pages");
    is_u64(hpt_hash(0x1234567, 0xfffffff000ull, 12, true), 0xac0dcba98ull, "1T, 4K: VSID ^ VSID<<25 ^ page");
    is_u64(hpt_hash(0x3fffffffffull, 0x1234560000ull, 16, true), 0x4001edcba9ull, "1T, 64K");
    is_u64(hpt_hash(1, 0xc000000005000000ull, 24, true), 0x2000004, "1T, 16M, EA bits 0:23 ignored");
}

static void test_page_sizes(void)
{
    unsigned s = 0;
    ok(hpt_hpte_page_size(HPTE_V_VALID, 0x1234000, 12, &s) && s == 12, "L=0: a 4K page in a 4K segment");
    ok(!hpt_hpte_page_size(HPTE_V_VALID, 0x1234000, 16, &s), "L=0 is not a page of a 64K segment");
    /* Mixed page sizes in a segment are not offered (emu/hpt.c), so these
     * POWER8 encodings name no page the guest may use. */
    ok(!hpt_hpte_page_size(HPTE_V_LARGE, 0x7000, 12, &s), "4K segment, LP 0x7 (a 64K page): not offered");
    ok(!hpt_hpte_page_size(HPTE_V_LARGE, 0x38000, 12, &s), "4K segment, LP 0x38 (a 16M page): not offered");
    ok(hpt_hpte_page_size(HPTE_V_LARGE, 0x12341000, 16, &s) && s == 16,
       "64K segment, LP 0x1 with real address bits in rrrr: 64K page");
    ok(!hpt_hpte_page_size(HPTE_V_LARGE, 0x1000, 12, &s), "LP 0x1 means nothing in a 4K segment");
    ok(!hpt_hpte_page_size(HPTE_V_LARGE, 0x8000, 16, &s), "64K segment, LP 0x8 (a 16M page): not offered");
    ok(hpt_hpte_page_size(HPTE_V_LARGE, 0x5000000, 24, &s) && s == 24, "16M segment, LP 0: 16M page");
    ok(hpt_hpte_page_size(HPTE_V_LARGE, 0x5f00000, 24, &s) && s == 24,
       "16M page: only 8 LP bits (zzzz zzzz), page-offset bits above them ignored");
    ok(!hpt_hpte_page_size(HPTE_V_LARGE, 0x3000, 0, &s), "LP 0x3: no size at all");
    ok(hpt_hpte_page_size(HPTE_V_LARGE, 0x1000, 0, &s) && s == 16, "any base (H_ENTER): LP 0x1 is 64K");
    ok(hpt_hpte_page_size(0, 0, 0, &s) && s == 12, "any base: L=0 is 4K");

    is_u64(hpt_shift_for_ram(16 * MB), 18, "16 MiB of RAM: the 256 KiB minimum");
    is_u64(hpt_shift_for_ram(512 * MB), 22, "512 MiB: 4 MiB (1/128)");
    is_u64(hpt_shift_for_ram(512 * MB + 4096), 23, "rounded up to a power of two");
    is_u64(hpt_shift_for_ram(4096 * MB), 25, "4 GiB: 32 MiB");

    struct hpt h;
    ok(hpt_init(&h, 18) == 0 && h.n_hptes == 16384 && h.n_groups == 2048 && h.shift == 18,
       "a 256 KiB table: 16384 HPTEs in 2048 groups");
    bool zero = true;
    for (uint64_t i = 0; i < h.n_hptes; i++)
        zero &= h.hpte[i][0] == 0 && h.hpte[i][1] == 0;
    ok(zero, "and empty");
    hpt_destroy(&h);
    ok(!h.hpte && hpt_init(&h, 17) < 0, "smaller than PAPR's minimum: refused");
}

/* ---- a bare vCPU with a hand-made table ---- */

static struct test_guest g;
static struct hpt table;

/* Vectors hold attn (big-endian, LPCR[ILE] = 0) so a run stops in the
 * handler; data accesses run straight through mem_access.h. */
static void fresh(void)
{
    tg_init(&g, 16 * MB, false);
    if (hpt_init(&table, 18) < 0)
        tap_bail("hpt_init");
    g.cpu.hpt = &table;
    uint32_t stop = asm_attn();
    uint8_t w[4] = { (uint8_t)(stop >> 24), (uint8_t)(stop >> 16), (uint8_t)(stop >> 8), (uint8_t)stop };
    for (uint64_t v = 0x100; v < 0x1000; v += 0x20)
        memory_write(&g.mem, v, w, 4);
    g.cpu.cia = CIA;
}

static void done(void)
{
    tg_destroy(&g);
    hpt_destroy(&table);
}

/* Back to supervisor state with MSR | EXTRA after an interrupt. */
static void resume(uint64_t extra)
{
    g.cpu.msr[0] = MSR_SF | MSR_ME | extra;
    g.cpu.nip[0] = TG_CODE;
    g.cpu.cia = CIA;
    g.cpu.dar[0] = SENTINEL;
    g.cpu.dsisr[0] = (uint32_t)SENTINEL;
}

/* SLB entry I for the segment holding EA: VSID with FLAGS (Ks, Kp, N,
 * L||LP) in a 256M or (T1) 1T segment. */
static void slb_set(unsigned i, uint64_t ea, uint64_t vsid, bool t1, uint64_t flags)
{
    g.cpu.slb_esid[i] = (ea & (t1 ? SLB_ESID_1T : SLB_ESID_256M)) | SLB_ESID_V;
    g.cpu.slb_vsid[i] = (t1 ? SLB_VSID_B_1T | vsid << SLB_VSID_SHIFT_1T : vsid << SLB_VSID_SHIFT) | flags;
}

struct map {
    uint64_t vsid;
    bool t1;
    unsigned base, actual;   /* page shifts: the segment's base, the page's own */
    uint32_t lp;             /* HPTE LP for (base, actual) when actual > 12 */
    uint64_t ea, ra;
    uint64_t rflags;         /* PP, N, G, ... */
    bool secondary;
    unsigned slot;
};

/* Writes M's HPTE the way Linux does (hpte_encode_avpn/v/r, hpt_hash):
 * AVA = VA >> 23 less the bits inside a base page above 8M, placed in
 * the primary or secondary group. Returns its index. */
static uint64_t hpte_put(struct hpt *h, const struct map *m)
{
    unsigned seg = m->t1 ? 40 : 28;
    uint64_t off = m->ea & ((1ull << seg) - 1);
    uint64_t avpn = m->vsid << (seg - 23) | off >> 23;
    if (m->base > 23)
        avpn &= ~((1ull << (m->base - 23)) - 1);
    uint64_t v = avpn << HPTE_V_AVPN_SHIFT | (uint64_t)m->t1 << HPTE_V_SSIZE_SHIFT |
                 (m->actual > 12 ? HPTE_V_LARGE : 0) | (m->secondary ? HPTE_V_SECONDARY : 0) |
                 HPTE_V_VALID;
    uint64_t r = (m->ra & ~((1ull << m->actual) - 1) & HPTE_R_RPN) | (uint64_t)m->lp << 12 | m->rflags;
    uint64_t hash = hpt_hash(m->vsid, m->ea, m->base, m->t1);
    uint64_t group = (m->secondary ? ~hash : hash) & (h->n_groups - 1);
    uint64_t index = group * HPTES_PER_GROUP + m->slot;
    h->hpte[index][0] = v;
    h->hpte[index][1] = r;
    return index;
}

static void put32(uint64_t ra, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    memory_write(&g.mem, ra, b, 4);
}

static uint32_t get32(uint64_t ra)
{
    uint8_t b[4];
    memory_read(&g.mem, ra, b, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* A big-endian word load at EA through the fast and slow paths. */
static bool load32(uint64_t ea, uint64_t *v)
{
    return cpu_load(&g.cpu, ea, 4, false, v);
}

static void expect_dsi(const char *what, uint64_t ea, uint32_t dsisr)
{
    is_u64(g.cpu.nip[0], VEC_DSI, "%s: DSI", what);
    is_u64(g.cpu.dar[0], ea, "%s: DAR = the EA", what);
    is_u64(g.cpu.dsisr[0], dsisr, "%s: DSISR 0x%08x", what, dsisr);
    is_u64(g.cpu.srr0[0], CIA, "%s: SRR0 = the instruction", what);
}

#define PP_RW 0x2ull           /* read/write with either key */
#define WIMG_M 0x10ull         /* memory coherence, as PAPR wants for RAM */
#define PP_RO 0x3ull           /* read-only with either key */

static void test_translate_4k(void)
{
    fresh();
    const uint64_t ea = 0x10002345, ra = 0x123000;
    slb_set(3, ea, 0x7654321, false, 0);
    struct map m = { .vsid = 0x7654321, .base = 12, .actual = 12, .ea = ea, .ra = ra,
                     .rflags = WIMG_M | PP_RW, .slot = 5 };
    uint64_t i = hpte_put(&table, &m);
    put32(ra + 0x345, 0x11223344);
    resume(MSR_DR);
    uint64_t v = 0;
    ok(load32(ea, &v) && v == 0x11223344, "a load through a 4K HPTE reads its real page");
    ok((table.hpte[i][1] & (HPTE_R_R | HPTE_R_C)) == HPTE_R_R, "R set, C not (a load)");
    ok(load32(ea + 4, &v) && v == 0, "again, through the TLB");
    ok(cpu_store(&g.cpu, ea, 4, false, 0xcafef00d), "the first store after loads");
    ok(table.hpte[i][1] & HPTE_R_C, "sets C: the load-filled TLB entry did not carry the store");
    is_u64(get32(ra + 0x345), 0xcafef00d, "the store reached the real page");
    table.hpte[i][1] &= ~(HPTE_R_R | HPTE_R_C);      /* H_CLEAR_REF/MOD would flush */
    cpu_tlb_flush(&g.cpu);
    ok(cpu_store(&g.cpu, ea, 4, false, 1) && (table.hpte[i][1] & (HPTE_R_R | HPTE_R_C)) ==
       (HPTE_R_R | HPTE_R_C), "after R/C are cleared and the TLB flushed, a store sets both again");

    /* larx/stcx. reserve the real address; dcbz translates as a store. */
    resume(MSR_DR);
    g.cpu.gpr[4] = ea & ~0xfffull;
    g.emit_at = TG_CODE;
    tg_emit(&g, asm_x(31, 3, 0, 4, 20, 0));            /* lwarx r3,0,r4 */
    tg_emit(&g, asm_x(31, 3, 0, 4, 150, 1));           /* stwcx. r3,0,r4 */
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    ok(g.cpu.reserve_addr[0] == 0 && cr_field(&g.cpu, 0) == CR_EQ,
       "lwarx/stwcx. through a mapping: the reservation holds (it is on the real address)");
    table.hpte[i][1] &= ~HPTE_R_C;
    cpu_tlb_flush(&g.cpu);
    put32(ra + 0x80, 0xffffffff);
    resume(MSR_DR);
    g.emit_at = TG_CODE;
    tg_emit(&g, asm_x(31, 0, 4, 5, 1014, 0));          /* dcbz r4,r5 */
    tg_emit(&g, asm_attn());
    g.cpu.gpr[4] = ea & ~0xfffull;
    g.cpu.gpr[5] = 0x80;
    tg_run(&g, 10);
    ok(get32(ra + 0x80) == 0 && (table.hpte[i][1] & HPTE_R_C), "dcbz zeroes the real block and sets C");

    /* 32-bit mode: EA bits 0:31 are 0, so segment 0 of the low 4G. */
    slb_set(4, 0x20000000, 0x99, false, 0);
    struct map m32 = { .vsid = 0x99, .base = 12, .actual = 12, .ea = 0x20000000, .ra = 0x200000,
                       .rflags = PP_RW };
    hpte_put(&table, &m32);
    put32(0x200010, 0xabcd0123);
    g.cpu.msr[0] &= ~MSR_SF;
    uint64_t ea32 = ea_mode(&g.cpu, 0xffffffff20000010ull);
    ok(load32(ea32, &v) && v == 0xabcd0123, "32-bit mode: the truncated EA is translated");
    done();
}

/* 64K, 16M and MPSS pages, 1T segments, the secondary group. */
static void test_translate_sizes(void)
{
    fresh();
    uint64_t v = 0;
    const struct {
        const char *what;
        struct map m;
        uint64_t slb_flags;
        uint64_t probe;        /* offset into the page to read */
    } cases[] = {
        { "64K page in a 64K segment", { 0x4242, false, 16, 16, 0x1, 0x13000000, 0x410000, PP_RW, false,
          0 }, 0x110, 0xfffc },
        { "16M page in a 16M segment", { 0x4343, false, 24, 24, 0x0, 0x24000000, 0x0, PP_RW, false, 1 },
          0x100, 0x456780 },
        { "4K page in a 1T segment", { 0x123456, true, 12, 12, 0, 0x250000005000ull, 0x460000, PP_RW,
          false, 4 }, 0x000, 0x10 },
        { "64K page in a 1T segment", { 0x3fffff, true, 16, 16, 0x1, 0x31234560000ull, 0x480000, PP_RW,
          false, 5 }, 0x110, 0x20 },
        { "a 4K page in the secondary group", { 0x5151, false, 12, 12, 0, 0x77002000, 0x490000, PP_RW,
          true, 7 }, 0x000, 0x30 },
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        /* The hash and AVA use the segment's base page size, so a page
         * larger than its base needs an HPTE for each base-size piece used
         * (as Linux enters them): the one for the word probed here. */
        struct map m = cases[k].m;
        uint64_t page = (m.ea & ~((1ull << m.actual) - 1)) + cases[k].probe;
        uint64_t real = (m.ra & ~((1ull << m.actual) - 1)) + cases[k].probe;
        m.ea = page;
        slb_set(k, m.ea, m.vsid, m.t1, cases[k].slb_flags);
        hpte_put(&table, &m);
        put32(real, 0x5a000000 + k);
        resume(MSR_DR);
        ok(load32(page, &v) && v == 0x5a000000 + k, "%s: EA 0x%llx -> RA 0x%llx", cases[k].what,
           (unsigned long long)page, (unsigned long long)real);
    }
    /* An entry for a mixed-size page (64K in a 4K segment) is never
     * matched, since that size is not offered: no translation. */
    struct map mixed = { 0x4444, false, 12, 16, 0x7, 0x35018000, 0x430000, PP_RW, false, 2 };
    slb_set(2, mixed.ea, mixed.vsid, false, 0x000);
    hpte_put(&table, &mixed);
    resume(MSR_DR);
    ok(!load32(mixed.ea + 0x888, &v) && g.cpu.nip[0] == VEC_DSI,
       "a 64K-page entry in a 4K segment does not translate (DSI)");

    /* H must match: an entry in the secondary group without H is not it. */
    struct map wrong = { 0x5252, false, 12, 12, 0, 0x88003000, 0x4a0000, PP_RW, true, 0 };
    slb_set(10, wrong.ea, wrong.vsid, false, 0);
    uint64_t i = hpte_put(&table, &wrong);
    table.hpte[i][0] &= ~HPTE_V_SECONDARY;
    resume(MSR_DR);
    ok(!load32(wrong.ea, &v), "an entry in the secondary group with H = 0 does not match");
    expect_dsi("H = 0 in the secondary group", wrong.ea, DSISR_NO_TRANSLATION);

    /* The AVA's last bit is inside a 16M base page: ignored there ... */
    struct map big = { 0x6161, false, 24, 24, 0, 0x99000000, 0x0, PP_RW, false, 2 };
    slb_set(11, big.ea, big.vsid, false, 0x100);
    i = hpte_put(&table, &big);
    table.hpte[i][0] |= 1ull << HPTE_V_AVPN_SHIFT;
    resume(MSR_DR);
    ok(load32(big.ea + 0x800000, &v), "16M base: the AVA bit for VA bit 54 is not compared");
    /* ... but compared for a 4K base page. */
    struct map small = { 0x6262, false, 12, 12, 0, 0xaa000000, 0x4b0000, PP_RW, false, 3 };
    slb_set(12, small.ea, small.vsid, false, 0);
    i = hpte_put(&table, &small);
    table.hpte[i][0] |= 1ull << HPTE_V_AVPN_SHIFT;
    resume(MSR_DR);
    ok(!load32(small.ea, &v), "4K base: every AVA bit is compared");
    /* B must match: a 1T entry does not serve a 256M segment. */
    struct map seg = { 0x6363, false, 12, 12, 0, 0xbb000000, 0x4c0000, PP_RW, false, 4 };
    slb_set(13, seg.ea, seg.vsid, false, 0);
    i = hpte_put(&table, &seg);
    table.hpte[i][0] |= 1ull << HPTE_V_SSIZE_SHIFT;
    resume(MSR_DR);
    ok(!load32(seg.ea, &v), "an HPTE with B = 1T does not match a 256M segment");
    /* An HPTE whose LP is not a size of the segment's base does not match. */
    struct map lp = { 0x6464, false, 16, 16, 0x7, 0xcc000000, 0x4d0000, PP_RW, false, 5 };
    slb_set(14, lp.ea, lp.vsid, false, 0x110);
    hpte_put(&table, &lp);
    resume(MSR_DR);
    ok(!load32(lp.ea, &v), "LP 0x7 (a 4K-base encoding) in a 64K segment: no match");
    done();
}

/* Each fault: vector, DAR/DSISR or SRR0/SRR1, as Book III-S 6.5 says. */
static void test_data_faults(void)
{
    fresh();
    uint64_t v;
    const uint64_t ea = 0x20005000;
    slb_set(0, ea, 0x100, false, 0);

    resume(MSR_DR);
    ok(!load32(ea, &v), "a load with no HPTE fails");
    expect_dsi("load, no HPTE", ea, DSISR_NO_TRANSLATION);
    ok(!(g.cpu.msr[0] & MSR_DR), "the handler runs with relocation off");
    is_u64(g.cpu.srr1[0] & ~0x783f0000ull, MSR_SF | MSR_ME | MSR_DR, "SRR1 holds the MSR");

    resume(MSR_DR);
    ok(!cpu_store(&g.cpu, ea + 8, 4, false, 1), "a store with no HPTE fails");
    expect_dsi("store, no HPTE", ea + 8, DSISR_NO_TRANSLATION | DSISR_STORE);

    struct map ro = { 0x100, false, 12, 12, 0, ea, 0x300000, PP_RO, false, 0 };
    uint64_t i = hpte_put(&table, &ro);
    resume(MSR_DR);
    ok(load32(ea, &v), "PP 0b011: loads allowed");
    ok(!cpu_store(&g.cpu, ea + 4, 4, false, 1), "stores are not");
    expect_dsi("store to a read-only page", ea + 4, DSISR_PROTECTION | DSISR_STORE);
    ok(!(table.hpte[i][1] & HPTE_R_C), "and C stays clear");

    /* Keys: Ks for supervisor, Kp for problem state. PP 0b000 is no access
     * with key 1, read/write with key 0. */
    const uint64_t ea2 = 0x30006000;
    slb_set(1, ea2, 0x200, false, SLB_VSID_KS);
    struct map none = { 0x200, false, 12, 12, 0, ea2, 0x310000, 0x0, false, 0 };
    hpte_put(&table, &none);
    resume(MSR_DR);
    ok(!load32(ea2, &v), "PP 0 with Ks = 1, supervisor load: refused");
    expect_dsi("load, no access", ea2, DSISR_PROTECTION);
    g.cpu.slb_vsid[1] = 0x200ull << SLB_VSID_SHIFT | SLB_VSID_KP;
    cpu_tlb_flush(&g.cpu);
    resume(MSR_DR);
    ok(load32(ea2, &v) && cpu_store(&g.cpu, ea2, 4, false, 2), "Ks = 0: supervisor reads and writes");
    resume(MSR_DR | MSR_PR);
    ok(!load32(ea2, &v), "the same page from problem state (Kp = 1): refused, not served from the TLB");
    expect_dsi("problem-state load, Kp = 1", ea2, DSISR_PROTECTION);

    /* PP 0b001 with key 1 is read-only; 0b110 read-only with key 0. */
    struct map pp1 = { 0x200, false, 12, 12, 0, ea2 + 0x1000, 0x320000, 0x1, false, 1 };
    hpte_put(&table, &pp1);
    resume(MSR_DR | MSR_PR);
    ok(load32(ea2 + 0x1000, &v), "PP 0b001, key 1: loads");
    ok(!cpu_store(&g.cpu, ea2 + 0x1000, 4, false, 1), "but no stores");
    expect_dsi("store, PP 0b001 key 1", ea2 + 0x1000, DSISR_PROTECTION | DSISR_STORE);
    struct map pp6 = { 0x200, false, 12, 12, 0, ea2 + 0x2000, 0x330000, HPTE_R_PP0 | 0x2, false, 2 };
    hpte_put(&table, &pp6);
    resume(MSR_DR);
    ok(load32(ea2 + 0x2000, &v), "PP 0b110, key 0: loads");
    ok(!cpu_store(&g.cpu, ea2 + 0x2000, 4, false, 1), "but no stores");

    /* No SLB entry: a data segment interrupt, DAR set, DSISR untouched. */
    resume(MSR_DR);
    ok(!load32(0x7000000000ull, &v), "no SLB entry");
    is_u64(g.cpu.nip[0], VEC_DSEG, "data segment interrupt at 0x380");
    is_u64(g.cpu.dar[0], 0x7000000000ull, "DAR = the EA");
    is_u64(g.cpu.dsisr[0], (uint32_t)SENTINEL, "DSISR unchanged");
    is_u64(g.cpu.srr1[0] & 0x783f0000ull, 0, "no SRR1 cause bits");

    /* A bare vCPU without a table: no translation anywhere. */
    g.cpu.hpt = NULL;
    cpu_tlb_flush(&g.cpu);
    resume(MSR_DR);
    ok(!load32(ea, &v), "no page table at all");
    expect_dsi("no table", ea, DSISR_NO_TRANSLATION);
    g.cpu.hpt = &table;

    /* An access crossing into an unmapped page translates both first. */
    const uint64_t ea3 = 0x40007000;
    slb_set(2, ea3, 0x300, false, 0);
    struct map first = { 0x300, false, 12, 12, 0, ea3, 0x340000, PP_RW, false, 0 };
    hpte_put(&table, &first);
    put32(0x340ffc, 0x01020304);
    resume(MSR_DR);
    ok(!cpu_store(&g.cpu, ea3 + 0xffe, 4, false, 0xaabbccdd), "a store across into an unmapped page");
    expect_dsi("the page-crossing store", ea3 + 0x1000, DSISR_NO_TRANSLATION | DSISR_STORE);
    is_u64(get32(0x340ffc), 0x01020304, "and the first page is left as it was");
    struct map second = { 0x300, false, 12, 12, 0, ea3 + 0x1000, 0x350000, PP_RW, false, 1 };
    hpte_put(&table, &second);
    put32(0x350000, 0x05060708);
    resume(MSR_DR);
    ok(load32(ea3 + 0xffe, &v) && v == 0x03040506,
       "a load across two pages mapped to scattered real pages reads both");
    done();
}

/* Instruction fetch in virtual mode: runs, faults, R. */
static void test_fetch(void)
{
    fresh();
    const uint64_t code = 0x50000000, real = 0x140000;
    slb_set(0, code, 0x400, false, 0);
    struct map m = { 0x400, false, 12, 12, 0, code, real, PP_RW, false, 0 };
    uint64_t i = hpte_put(&table, &m);
    g.emit_at = real;
    tg_emit(&g, asm_li(3, 77));
    tg_emit(&g, asm_attn());
    resume(MSR_IR);
    g.cpu.nip[0] = code;
    ok(tg_run(&g, 10) == CPU_STOP_ATTN && g.cpu.gpr[3] == 77, "code runs through an instruction mapping");
    is_u64(g.cpu.cia, code + 4, "at its effective addresses");
    ok(table.hpte[i][1] & HPTE_R_R, "R set by the fetch");

    const struct {
        const char *what;
        uint64_t rflags, slb_flags;
        uint64_t srr1;
    } faults[] = {
        { "N page", PP_RW | HPTE_R_N, 0, SRR1_ISI_NOEXEC_GUARD },
        { "G page", PP_RW | HPTE_R_G, 0, SRR1_ISI_NOEXEC_GUARD },
        { "N segment", PP_RW, SLB_VSID_N, SRR1_ISI_NOEXEC_GUARD },
        { "PP 0 with Ks = 1", 0x0, SLB_VSID_KS, SRR1_ISI_PROTECTION },
    };
    for (unsigned k = 0; k < sizeof faults / sizeof faults[0]; k++) {
        table.hpte[i][1] = (real & HPTE_R_RPN) | faults[k].rflags;
        g.cpu.slb_vsid[0] = 0x400ull << SLB_VSID_SHIFT | faults[k].slb_flags;
        cpu_tlb_flush(&g.cpu);
        resume(MSR_IR);
        g.cpu.nip[0] = code;
        tg_run(&g, 3);
        is_u64(g.cpu.nip[0], VEC_ISI + 4, "fetch from a %s: ISI (then the attn there)", faults[k].what);
        is_u64(g.cpu.srr0[0], code, "%s: SRR0 = the address fetched", faults[k].what);
        is_u64(g.cpu.srr1[0] & 0x783f0000ull, faults[k].srr1, "%s: SRR1 cause 0x%llx", faults[k].what,
               (unsigned long long)faults[k].srr1);
    }
    g.cpu.slb_vsid[0] = 0x400ull << SLB_VSID_SHIFT;
    resume(MSR_IR);
    g.cpu.nip[0] = code + 0x1000;
    tg_run(&g, 3);
    is_u64(g.cpu.nip[0], VEC_ISI + 4, "fetch from an unmapped page: ISI");
    is_u64(g.cpu.srr1[0] & 0x783f0000ull, SRR1_ISI_NO_TRANSLATION, "SRR1 bit 33: no translation");
    resume(MSR_IR);
    g.cpu.nip[0] = 0x60000000;
    tg_run(&g, 3);
    is_u64(g.cpu.nip[0], VEC_ISEG + 4, "fetch outside every segment: instruction segment interrupt");
    is_u64(g.cpu.srr0[0], 0x60000000, "SRR0 = the address fetched");
    is_u64(g.cpu.srr1[0] & 0x783f0000ull, 0, "no SRR1 cause bits");
    done();
}

/* Remapping and flushing: the TLB never answers with what changed. */
static void test_flushes(void)
{
    fresh();
    uint64_t v;
    const uint64_t ea = 0x70008000;
    slb_set(6, ea, 0x700, false, 0);
    struct map m = { 0x700, false, 12, 12, 0, ea, 0x500000, PP_RW, false, 0 };
    uint64_t i = hpte_put(&table, &m);
    put32(0x500000, 0xaaaa);
    put32(0x510000, 0xbbbb);
    resume(MSR_DR);
    ok(load32(ea, &v) && v == 0xaaaa, "mapped to the first page");
    table.hpte[i][1] = 0x510000 | PP_RW;               /* as H_REMOVE + H_ENTER would */
    cpu_tlb_flush(&g.cpu);
    ok(load32(ea, &v) && v == 0xbbbb, "remapped and flushed: the new page");
    table.hpte[i][0] = 0;
    cpu_tlb_flush(&g.cpu);
    ok(!load32(ea, &v), "removed and flushed: no translation");

    /* slbie drops the segment's entry and its cached translations. */
    table.hpte[i][0] = 0;
    hpte_put(&table, &m);
    resume(MSR_DR);
    ok(load32(ea, &v) && v == 0xaaaa, "mapped again");
    g.cpu.gpr[5] = ea & SLB_ESID_256M;                 /* B = 0: 256M */
    g.emit_at = TG_CODE;
    tg_emit(&g, asm_x(31, 0, 0, 5, 434, 0));           /* slbie r5 */
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    ok(!(g.cpu.slb_esid[6] & SLB_ESID_V), "slbie invalidates the matching entry");
    resume(MSR_DR);
    ok(!load32(ea, &v) && g.cpu.nip[0] == VEC_DSEG, "and the next access misses the segment");

    /* slbmte over a live entry: the old segment's translations go. */
    slb_set(6, ea, 0x700, false, 0);
    resume(MSR_DR);
    ok(load32(ea, &v) && v == 0xaaaa, "the segment is back");
    struct map other = { 0x701, false, 12, 12, 0, ea, 0x510000, PP_RW, false, 1 };
    hpte_put(&table, &other);
    g.cpu.gpr[6] = 0x701ull << SLB_VSID_SHIFT;
    g.cpu.gpr[7] = (ea & SLB_ESID_256M) | SLB_ESID_V | 6;
    g.emit_at = TG_CODE;
    tg_emit(&g, asm_x(31, 6, 0, 7, 402, 0));           /* slbmte r6,r7 */
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    resume(MSR_DR);
    ok(load32(ea, &v) && v == 0xbbbb, "slbmte with a new VSID over the live entry: the new mapping");

    /* slbia: all but entry 0, and everything cached. */
    slb_set(0, 0x80000000, 0x800, false, 0);
    struct map zero = { 0x800, false, 12, 12, 0, 0x80000000, 0x520000, PP_RW, false, 0 };
    hpte_put(&table, &zero);
    resume(MSR_DR);
    ok(load32(0x80000000, &v), "entry 0 maps its segment");
    g.emit_at = TG_CODE;
    tg_emit(&g, asm_x(31, 0, 0, 0, 498, 0));           /* slbia */
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    unsigned valid = 0;
    for (unsigned k = 0; k < SLB_ENTRIES; k++)
        valid += (g.cpu.slb_esid[k] & SLB_ESID_V) != 0;
    ok(valid == 1 && (g.cpu.slb_esid[0] & SLB_ESID_V), "slbia leaves only entry 0");
    resume(MSR_DR);
    ok(load32(0x80000000, &v), "which still translates");
    ok(!load32(ea, &v) && g.cpu.nip[0] == VEC_DSEG, "while entry 6's segment is gone");

    /* A fetch mapping changed under running code: the next fetch of the
     * page translates again (the decoded code stays per real page). */
    const uint64_t code = 0x90000000;
    slb_set(1, code, 0x900, false, 0);
    struct map c1 = { 0x900, false, 12, 12, 0, code, 0x600000, PP_RW, false, 0 };
    uint64_t ci = hpte_put(&table, &c1);
    g.emit_at = 0x600000;
    tg_emit(&g, asm_li(3, 1));
    tg_emit(&g, asm_attn());
    g.emit_at = 0x610000;
    tg_emit(&g, asm_li(3, 2));
    tg_emit(&g, asm_attn());
    resume(MSR_IR);
    g.cpu.nip[0] = code;
    tg_run(&g, 10);
    is_u64(g.cpu.gpr[3], 1, "code page one runs");
    table.hpte[ci][1] = 0x610000 | PP_RW;
    cpu_tlb_flush(&g.cpu);
    resume(MSR_IR);
    g.cpu.nip[0] = code;
    tg_run(&g, 10);
    is_u64(g.cpu.gpr[3], 2, "remapped and flushed: the same EA runs the other real page");

    /* Code stored to through another mapping of its real page is decoded
     * again: the decoded cache is per real page. */
    slb_set(2, 0xa0000000, 0xa00, false, 0);
    struct map alias = { 0xa00, false, 12, 12, 0, 0xa0000000, 0x610000, PP_RW, false, 0 };
    hpte_put(&table, &alias);
    uint32_t li5 = asm_li(3, 5);
    resume(MSR_DR);
    ok(cpu_store(&g.cpu, 0xa0000000, 4, false, li5), "li r3,5 stored through a data alias");
    resume(MSR_IR);
    g.cpu.nip[0] = code;
    tg_run(&g, 10);
    is_u64(g.cpu.gpr[3], 5, "and the code mapping runs the new instruction");
    done();
}

/* ---- the SLB instructions ---- */

static void slb_run(uint32_t insn, uint64_t msr)
{
    resume(msr);
    g.emit_at = TG_CODE;
    tg_emit(&g, insn);
    tg_emit(&g, asm_attn());
    tg_run(&g, 2);
}

static void test_slb_insns(void)
{
    fresh();
    g.cpu.gpr[4] = 0xc000000000000000ull | SLB_ESID_V | 0x77 << 16 | 5;    /* junk in 37:51 */
    g.cpu.gpr[3] = SLB_VSID_B_1T | 0x1234ull << SLB_VSID_SHIFT_1T | SLB_VSID_KP | SLB_VSID_C |
                   0x110 | 0x4f;                                           /* reserved 57, 60:63 */
    slb_run(asm_x(31, 3, 0, 4, 402, 0), 0);                               /* slbmte r3,r4 */
    is_u64(g.cpu.slb_esid[5], 0xc000000000000000ull | SLB_ESID_V, "slbmte keeps ESID and V");
    is_u64(g.cpu.slb_vsid[5], SLB_VSID_B_1T | 0x1234ull << SLB_VSID_SHIFT_1T | SLB_VSID_KP | SLB_VSID_C | 0x110,
           "and B, VSID, Ks, Kp, N, L, C, LP without the reserved bits");
    g.cpu.gpr[6] = 5;
    slb_run(asm_x(31, 7, 0, 6, 915, 0), 0);                               /* slbmfee r7,r6 */
    is_u64(g.cpu.gpr[7], g.cpu.slb_esid[5], "slbmfee reads the ESID doubleword back");
    slb_run(asm_x(31, 8, 0, 6, 851, 0), 0);                               /* slbmfev r8,r6 */
    is_u64(g.cpu.gpr[8], g.cpu.slb_vsid[5], "slbmfev the VSID doubleword");

    g.cpu.gpr[9] = 0xc000001234567890ull;                                 /* in the 1T segment */
    slb_run(asm_x(31, 10, 0, 9, 979, 1), 0);                              /* slbfee. r10,r9 */
    ok(g.cpu.gpr[10] == g.cpu.slb_vsid[5] && cr_field(&g.cpu, 0) == CR_EQ,
       "slbfee. finds the 1T entry: RT = its VSID doubleword, CR0 = EQ");
    g.cpu.gpr[9] = 0xd000000000000000ull;
    g.cpu.xer[0] = XER_SO;
    slb_run(asm_x(31, 10, 0, 9, 979, 1), 0);
    ok(g.cpu.gpr[10] == 0 && cr_field(&g.cpu, 0) == CR_SO, "no entry: RT = 0, CR0 = SO only");
    g.cpu.xer[0] = 0;

    g.cpu.gpr[5] = 0xc000000000000000ull;                                  /* B = 0: no match */
    slb_run(asm_x(31, 0, 0, 5, 434, 0), 0);
    ok(g.cpu.slb_esid[5] & SLB_ESID_V, "slbie with B = 256M leaves the 1T entry");
    g.cpu.gpr[5] = 0xc000000000000000ull | 1ull << SLBIE_B_SHIFT;
    slb_run(asm_x(31, 0, 0, 5, 434, 0), 0);
    ok(!(g.cpu.slb_esid[5] & SLB_ESID_V), "slbie with B = 1T invalidates it");

    g.cpu.gpr[3] = 0x120;                                                  /* L||LP 0x120: none */
    g.cpu.gpr[4] = SLB_ESID_V | 2;
    slb_run(asm_x(31, 3, 0, 4, 402, 0), 0);
    is_u64(g.cpu.nip[0], VEC_PROGRAM + 4, "slbmte with an unknown L||LP: program interrupt");
    is_u64(g.cpu.srr1[0] & 0x1f0000, SRR1_PROGRAM_ILLEGAL, "illegal instruction");
    g.cpu.gpr[3] = 2ull << SLB_VSID_B_SHIFT;
    slb_run(asm_x(31, 3, 0, 4, 402, 0), 0);
    is_u64(g.cpu.srr1[0] & 0x1f0000, SRR1_PROGRAM_ILLEGAL, "slbmte with B = 0b10: illegal");
    g.cpu.gpr[3] = 0;
    g.cpu.gpr[4] = SLB_ESID_V | 32;
    slb_run(asm_x(31, 3, 0, 4, 402, 0), 0);
    is_u64(g.cpu.srr1[0] & 0x1f0000, SRR1_PROGRAM_ILLEGAL, "slbmte to entry 32: illegal");
    g.cpu.gpr[6] = 40;
    slb_run(asm_x(31, 7, 0, 6, 915, 0), 0);
    is_u64(g.cpu.srr1[0] & 0x1f0000, SRR1_PROGRAM_ILLEGAL, "slbmfee of entry 40: illegal");

    /* Privileged: from problem state (which needs IR, DR: the code is
     * mapped one to one). */
    slb_set(0, 0, 0x11, false, 0);
    slb_set(3, 0x30000000, 0x33, false, 0);
    struct map code = { 0x11, false, 12, 12, 0, TG_CODE, TG_CODE, PP_RW, false, 0 };
    hpte_put(&table, &code);
    const struct { const char *name; uint32_t insn; } priv[] = {
        { "slbmte", asm_x(31, 3, 0, 4, 402, 0) }, { "slbmfee", asm_x(31, 7, 0, 6, 915, 0) },
        { "slbmfev", asm_x(31, 7, 0, 6, 851, 0) }, { "slbfee.", asm_x(31, 7, 0, 6, 979, 1) },
        { "slbie", asm_x(31, 0, 0, 5, 434, 0) }, { "slbia", asm_x(31, 0, 0, 0, 498, 0) },
    };
    for (unsigned k = 0; k < sizeof priv / sizeof priv[0]; k++) {
        slb_run(priv[k].insn, MSR_PR | MSR_IR | MSR_DR | MSR_EE);
        ok(g.cpu.nip[0] == VEC_PROGRAM + 4 && (g.cpu.srr1[0] & 0x1f0000) == SRR1_PROGRAM_PRIV,
           "%s in problem state: privileged instruction", priv[k].name);
    }
    ok(g.cpu.slb_esid[3] & SLB_ESID_V, "and slbia from problem state changed nothing");
    done();
}

/* ---- a whole machine: its table, its tree, real mode ---- */

static void test_machine(void)
{
    struct machine_config cfg = { .ram_size = 512 * MB, .smp = 2, .serial = "null" };
    static struct machine m;
    char err[512] = "";
    if (!ok(machine_create(&m, &cfg, err, sizeof err) == 0, "a 512 MiB, 2-vCPU machine (%s)", err))
        return;
    ok(m.hpt.hpte && m.hpt.shift == 22 && m.hpt.n_groups == 1u << 15, "its table: 4 MiB, 32768 groups");
    ok(m.cpus[0].hpt == &m.hpt && m.cpus[1].hpt == &m.hpt, "shared by every vCPU");
    ok(m.cpus[0].rma_size == MACHINE_RMA_MAX && m.cpus[1].rma_size == MACHINE_RMA_MAX,
       "the RMA: the first 256 MiB");
    ok((uint8_t *)m.hpt.hpte < m.mem.ram || (uint8_t *)m.hpt.hpte >= m.mem.ram + m.mem.ram_size,
       "the table is not in guest RAM");

    if (ok(machine_build_fdt(&m, err, sizeof err) == 0, "the tree builds (%s)", err)) {
        const void *fdt = m.guest_fdt;
        int cpu = fdt_path_offset(fdt, "/cpus/PowerPC,POWER8@0"), len = 0;
        const fdt32_t *pft = fdt_getprop(fdt, cpu, "ibm,pft-size", &len);
        ok(pft && len == 8 && fdt32_to_cpu(pft[1]) == m.hpt.shift, "ibm,pft-size is the table's size");
        const fdt32_t *sps = fdt_getprop(fdt, cpu, "ibm,segment-page-sizes", &len);
        unsigned n = sps ? (unsigned)len / 4 : 0, at = 0, rows = 0;
        bool same = sps != NULL;
        while (same && at + 3 <= n) {
            uint32_t base = fdt32_to_cpu(sps[at]), slb = fdt32_to_cpu(sps[at + 1]);
            uint32_t count = fdt32_to_cpu(sps[at + 2]);
            at += 3;
            for (uint32_t k = 0; k < count && same; k++, at += 2, rows++) {
                const struct hpt_page_size *p = rows < hpt_n_page_sizes ? &hpt_page_sizes[rows] : NULL;
                same = p && at + 2 <= n && p->base_shift == base && p->slb_enc == slb &&
                       p->actual_shift == fdt32_to_cpu(sps[at]) && p->pte_enc == fdt32_to_cpu(sps[at + 1]);
            }
        }
        ok(same && at == n && rows == hpt_n_page_sizes,
           "ibm,segment-page-sizes is hpt_page_sizes[], row for row");
        const fdt32_t *mem0 = fdt_getprop(fdt, fdt_path_offset(fdt, "/memory@0"), "reg", &len);
        ok(mem0 && len == 16 && fdt32_to_cpu(mem0[3]) == MACHINE_RMA_MAX, "/memory@0 is the RMA");
        const fdt32_t *mem1 = fdt_getprop(fdt, fdt_path_offset(fdt, "/memory@10000000"), "reg", &len);
        ok(mem1 && len == 16 && fdt32_to_cpu(mem1[1]) == MACHINE_RMA_MAX &&
           fdt32_to_cpu(mem1[3]) == 256 * MB, "/memory@10000000 the rest");
    }

    /* machine_tlb_flush reaches every vCPU. */
    for (unsigned k = 0; k < 2; k++) {
        struct cpu *c = &m.cpus[k];
        c->tlb->e[MMU_LOAD][3].tag = 0x3000;
        c->tlb->used = true;
        c->leave_run = false;
    }
    machine_tlb_flush(&m);
    ok(m.cpus[0].tlb->e[MMU_LOAD][3].tag == TLB_INVALID && m.cpus[1].tlb->e[MMU_LOAD][3].tag == TLB_INVALID,
       "machine_tlb_flush empties every vCPU's TLB");
    ok(m.cpus[0].leave_run && m.cpus[1].leave_run, "and sends each back to translate its code");

    /* Real mode: EA bits 0:3 ignored, RAM below the RMA, a protection
     * storage interrupt above it, a machine check beyond RAM. */
    struct cpu *c = &m.cpus[0];
    uint8_t b[4] = { 1, 2, 3, 4 };
    memory_write(&m.mem, 0x1000, b, 4);
    memory_write(&m.mem, MACHINE_RMA_MAX - 4, b, 4);
    uint64_t v = 0;
    c->msr[0] = MSR_SF | MSR_ME;
    ok(cpu_load(c, 0xc000000000001000ull, 4, false, &v) && v == 0x01020304,
       "real mode: EA 0xc000000000001000 is RA 0x1000");
    ok(cpu_load(c, MACHINE_RMA_MAX - 4, 4, false, &v) && v == 0x01020304, "the RMA's last word");
    c->cia = CIA;
    ok(!cpu_load(c, MACHINE_RMA_MAX, 4, false, &v), "RAM above the RMA: refused");
    ok(c->nip[0] == VEC_DSI && c->dar[0] == MACHINE_RMA_MAX && c->dsisr[0] == DSISR_PROTECTION,
       "DSI, DAR = EA, DSISR bit 36 (protection), as RMLS mode gives");
    c->msr[0] = MSR_SF | MSR_ME;
    ok(!cpu_store(c, MACHINE_RMA_MAX - 2, 4, false, 0), "a store straddling the RMA's end: refused");
    ok(c->dar[0] == MACHINE_RMA_MAX && c->dsisr[0] == (DSISR_PROTECTION | DSISR_STORE),
       "DAR = the first byte beyond, DSISR protection | store");
    uint8_t after[4];
    memory_read(&m.mem, MACHINE_RMA_MAX - 4, after, 4);
    is_mem(after, b, 4, "nothing was stored");
    uint64_t ra = 0;
    c->msr[0] = MSR_SF | MSR_ME;
    ok(!cpu_translate_data(c, MACHINE_RMA_MAX + 0x80, true, &ra) && c->nip[0] == VEC_DSI,
       "dcbz-style translation above the RMA: DSI too");
    c->msr[0] = MSR_SF | MSR_ME;
    ok(!cpu_load(c, 512 * MB, 4, false, &v) && c->nip[0] == VEC_MACHINE_CHECK,
       "beyond RAM: still a machine check");
    c->msr[0] = MSR_SF | MSR_ME;
    c->nip[0] = MACHINE_RMA_MAX + 0x100;
    c->stopped = false;
    cpu_run(c, 1);
    ok(c->srr0[0] == MACHINE_RMA_MAX + 0x100 && (c->srr1[0] & 0x783f0000ull) == SRR1_ISI_PROTECTION,
       "a fetch above the RMA: ISI, SRR1 bit 36");
    machine_destroy(&m);
}

int main(void)
{
    test_hash();
    test_page_sizes();
    test_translate_4k();
    test_translate_sizes();
    test_data_faults();
    test_fetch();
    test_flushes();
    test_slb_insns();
    test_machine();
    return tap_done();
}
