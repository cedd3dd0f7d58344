/*
 * aliasing: one physical page mapped at several virtual addresses with
 * different permissions, checked with translation on:
 *   - a read-only mapping (PP = 3) and a read/write one (PP = 2), in two
 *     segments with different VSIDs, and a third, read/write, in the
 *     read-only one's segment: a store through one is read through the
 *     others and in real mode, also after the read-only one was used
 *     many times (no stale copy of the data behind a translation), for
 *     byte, halfword, word and doubleword accesses;
 *   - a store through the read-only mapping takes a DSI (DSISR
 *     protection | store, DAR = its address) and changes nothing;
 *   - R and C are per entry: the read-only one gets R only;
 *   - a doubleword load that straddles the read-only alias's page and the
 *     next page (mapped elsewhere) reads both physical pages, and a store
 *     that straddles two read/write pages writes both;
 *   - a 4 KiB mapping of a page inside a 64 KiB page: both see the same
 *     bytes;
 *   - H_PROTECT on one alias changes that alias only, H_REMOVE of one
 *     leaves the others.
 * Without the hash MMU (H_ENTER answers H_FUNCTION) every check is
 * reported skipped.
 */
#include "runtime/runtime.h"

#define PA_P 0x01100000ul          /* the aliased page */
#define PA_Q 0x01101000ul          /* its neighbour, for the straddling load */
#define PA_64K 0x01110000ul        /* a 64 KiB page */

#define EA_A 0x40000000ul          /* segment A */
#define VSID_A 0xa11a5ul
#define EA_B 0x50000000ul          /* segment B */
#define VSID_B 0xb22b6ul
#define EA_64 0x60000000ul         /* a 64 KiB-page segment */
#define VSID_64 0xc33c7ul

#define RO (EA_A + 0x3000)         /* P, read-only */
#define RW (EA_B + 0x9000)         /* P, read/write, other segment */
#define RW2 (EA_A + 0x5000)        /* P, read/write, same segment as RO */
#define NEXT (EA_A + 0x4000)       /* Q, right after RO */
#define BIG (EA_64 + 0x20000)      /* the 64 KiB page */
#define SMALL (EA_A + 0x7000)      /* PA_64K + 0x3000, 4 KiB */

long v_ld(long ea, long unused);
long v_lwz(long ea, long unused);
long v_lhz(long ea, long unused);
long v_lbz(long ea, long unused);
long v_std(long ea, long value);
long v_stw(long ea, long value);
long v_sth(long ea, long value);
long v_stb(long ea, long value);
__asm__(".text\n"
        "v_ld: ld 3, 0(3)\n blr\n"
        "v_lwz: lwz 3, 0(3)\n blr\n"
        "v_lhz: lhz 3, 0(3)\n blr\n"
        "v_lbz: lbz 3, 0(3)\n blr\n"
        "v_std: std 4, 0(3)\n blr\n"
        "v_stw: stw 4, 0(3)\n blr\n"
        "v_sth: sth 4, 0(3)\n blr\n"
        "v_stb: stb 4, 0(3)\n blr\n");

static bool live;
static unsigned long ret[9];

static uint64_t rd64(uint64_t pa) { return *(volatile uint64_t *)pa; }
static void wr64(uint64_t pa, uint64_t v) { *(volatile uint64_t *)pa = v; }
static long vld(uint64_t ea) { return virt_call(v_ld, (long)ea, 0); }
static long vstd(uint64_t ea, uint64_t v) { return virt_call(v_std, (long)ea, (long)v); }

/* With translation on: N loads through A, a store through B, one more
 * load through A. Returns that last load (a = A, b = B, value fixed). */
static uint64_t warm_a, warm_b;
static long warm_then_store(long n, long value)
{
    uint64_t sum = 0;
    for (long i = 0; i < n; i++)
        sum += *(volatile uint64_t *)warm_a;
    *(volatile uint64_t *)warm_b = (uint64_t)value;
    __asm__ volatile("" : : "r"(sum));
    return (long)*(volatile uint64_t *)warm_a;
}

static bool store_faults(uint64_t ea, uint64_t v)
{
    exc_expect(0x300);
    virt_call(v_std, (long)ea, (long)v);
    bool t = exc_taken();
    if (live)
        tap_diag("vector 0x%lx SRR0 0x%lx DAR 0x%lx DSISR 0x%lx", (unsigned long)exc_last.vector,
                 (unsigned long)exc_last.srr0, (unsigned long)exc_last.dar,
                 (unsigned long)exc_last.dsisr);
    return t && exc_last.srr0 == (uintptr_t)v_std && exc_last.dar == ea;
}

static long rc_of(const struct mmu_map *m)
{
    uint64_t v, r;
    if (mmu_read(m->ptex, &v, &r) != H_SUCCESS)
        return -1;
    return (long)(r & (HPTE_R_R | HPTE_R_C));
}

static long protect(const struct mmu_map *m, uint64_t pp)
{
    return hcall(H_PROTECT, ret, H_AVPN | pp, m->ptex, m->v & ~0x7ful, 0, 0, 0, 0, 0);
}

int main(void)
{
    const char *why = mmu_missing();
    live = !why;
    exc_set_stray(mmu_stray);
    tap_skip_begin(why);
    struct mmu_map ro, rw, rw2, next, big, small;

    memset((void *)PA_P, 0, 4096);
    memset((void *)PA_Q, 0, 4096);
    if (live) {
        uint64_t slb64 = 0;
        mmu_slb_set(1, EA_A, VSID_A, SLB_VSID_KP);
        mmu_slb_set(2, EA_B, VSID_B, SLB_VSID_KP);
        if (mmu_page_size(16, &slb64, 0))
            mmu_slb_set(3, EA_64, VSID_64, slb64);
    }
    long rc1 = mmu_map(&ro, VSID_A, RO, PA_P, 12, HPTE_R_PP_RO);
    long rc2 = mmu_map(&rw, VSID_B, RW, PA_P, 12, HPTE_R_PP_RW);
    tap_ok(rc1 == H_SUCCESS && rc2 == H_SUCCESS,
           "H_ENTER of one page twice: read-only (segment A) and read/write (segment B)");

    vstd(RW + 0x10, 0x0123456789abcdeful);
    tap_is(vld(RO + 0x10), 0x0123456789abcdefl,
           "a store through the read/write alias is read through the read-only one");
    tap_is((long)rd64(PA_P + 0x10), 0x0123456789abcdefl, "... and in real mode");
    wr64(PA_P + 0x18, 0x5a5a5a5a00000001ul);
    tap_ok(vld(RO + 0x18) == 0x5a5a5a5a00000001l && vld(RW + 0x18) == 0x5a5a5a5a00000001l,
           "a real-mode store is seen through both");

    warm_a = RO + 0x20;
    warm_b = RW + 0x20;
    wr64(PA_P + 0x20, 1);
    tap_is(virt_call(warm_then_store, 1000, 0x2222), 0x2222,
           "after 1000 loads through the read-only alias, a store through the other is seen there");

    /* Sizes and byte order: little-endian through both. */
    virt_call(v_stb, (long)(RW + 0x101), 0xb1);
    virt_call(v_sth, (long)(RW + 0x102), 0xd2c2);
    virt_call(v_stw, (long)(RW + 0x104), 0x44332211);
    virt_call(v_stb, (long)(RW + 0x100), 0xa0);
    tap_is(vld(RO + 0x100), 0x44332211d2c2b1a0l,
           "byte, halfword and word stores through one alias: the doubleword through the other");
    tap_ok(virt_call(v_lbz, (long)(RO + 0x105), 0) == 0x22 &&
           virt_call(v_lhz, (long)(RO + 0x106), 0) == 0x4433 &&
           virt_call(v_lwz, (long)(RO + 0x100), 0) == (long)0xd2c2b1a0ul,
           "... and its bytes, halfwords and words");

    tap_ok(store_faults(RO + 0x10, 0xdead),
           "a store through the read-only alias: DSI, SRR0 = the store, DAR = its address");
    tap_is(exc_last.dsisr, DSISR_PROT | DSISR_STORE, "... DSISR = protection, store");
    tap_ok(vld(RW + 0x10) == 0x0123456789abcdefl && rd64(PA_P + 0x10) == 0x0123456789abcdeful,
           "... and the page is unchanged");

    tap_is(rc_of(&ro), HPTE_R_R, "R and C are per entry: the read-only alias has R only");
    tap_is(rc_of(&rw), HPTE_R_R | HPTE_R_C, "... the read/write one R and C");

    long rc3 = mmu_map(&rw2, VSID_A, RW2, PA_P, 12, HPTE_R_PP_RW);
    tap_is(rc3, H_SUCCESS, "H_ENTER of a third alias, read/write, in the read-only one's segment");
    vstd(RW2 + 0x30, 0x3333);
    tap_ok(vld(RO + 0x30) == 0x3333 && vld(RW + 0x30) == 0x3333,
           "a store through it is seen through the other two");

    /* A load across the page boundary: P's last bytes, then Q's first. */
    *(volatile uint32_t *)(PA_P + 0xffc) = 0x44332211;
    *(volatile uint32_t *)(PA_Q) = 0x88776655;
    mmu_map(&next, VSID_A, NEXT, PA_Q, 12, HPTE_R_PP_RW);
    exc_expect(0x600);
    long straddle = vld(RO + 0xffc);
    if (exc_taken())
        tap_diag("alignment interrupt, SRR0 0x%lx DAR 0x%lx", (unsigned long)exc_last.srr0,
                 (unsigned long)exc_last.dar);
    tap_is(straddle, (long)0x8877665544332211ul,
           "a doubleword load straddling the read-only alias's page and the next reads both pages");

    /* A store across a page boundary: Q's last bytes, then P's first
     * (EA_A + 0x8000 -> Q, EA_A + 0x9000 -> P). */
    struct mmu_map q2, p2;
    mmu_map(&q2, VSID_A, EA_A + 0x8000, PA_Q, 12, HPTE_R_PP_RW);
    mmu_map(&p2, VSID_A, EA_A + 0x9000, PA_P, 12, HPTE_R_PP_RW);
    *(volatile uint64_t *)(PA_Q + 0xff8) = 0;
    *(volatile uint64_t *)(PA_P) = 0;
    exc_expect(0x600);
    vstd(EA_A + 0x8ffc, 0x8877665544332211ul);
    if (exc_taken())
        tap_diag("alignment interrupt, SRR0 0x%lx DAR 0x%lx", (unsigned long)exc_last.srr0,
                 (unsigned long)exc_last.dar);
    tap_ok(*(volatile uint32_t *)(PA_Q + 0xffc) == 0x44332211 &&
           *(volatile uint32_t *)(PA_P) == 0x88776655,
           "a doubleword store straddling two read/write pages writes both physical pages");
    mmu_remove(&q2);
    mmu_remove(&p2);

    /* A 4 KiB alias of a page inside a 64 KiB page. */
    const char *no64 = !live ? why : mmu_page_size(16, 0, 0) ? NULL : "no 64 KiB pages";
    tap_skip_begin(no64);
    bool on64 = live && !no64;
    long rcb = on64 ? mmu_map(&big, VSID_64, BIG, PA_64K, 16, HPTE_R_PP_RW) : H_FUNCTION;
    long rcs = on64 ? mmu_map(&small, VSID_A, SMALL, PA_64K + 0x3000, 12, HPTE_R_PP_RW) : H_FUNCTION;
    tap_ok(rcb == H_SUCCESS && rcs == H_SUCCESS,
           "H_ENTER of a 64 KiB page and of a 4 KiB page inside it");
    if (on64) {
        vstd(SMALL + 0x40, 0x6464);
        vstd(BIG + 0x3048, 0x4848);
    }
    tap_ok(on64 && vld(BIG + 0x3040) == 0x6464 && vld(SMALL + 0x48) == 0x4848,
           "stores through either are read through the other");
    tap_skip_end();
    tap_skip_begin(why);

    /* Permissions change per alias. */
    tap_is(protect(&ro, HPTE_R_PP_RW), H_SUCCESS, "H_PROTECT makes the read-only alias read/write");
    vstd(RO + 0x50, 0x5050);
    tap_is(vld(RW + 0x50), 0x5050, "... a store through it now works and is seen through the other");
    tap_is(protect(&rw, HPTE_R_PP_RO), H_SUCCESS, "H_PROTECT makes the other alias read-only");
    tap_ok(store_faults(RW + 0x58, 0x58), "... a store through it takes a DSI");
    vstd(RO + 0x58, 0x5858);
    tap_is(vld(RW + 0x58), 0x5858, "... while the first alias still takes stores");

    tap_is(mmu_remove(&rw), H_SUCCESS, "H_REMOVE of one alias");
    exc_expect(0x300);
    vld(RW + 0x58);
    tap_ok(exc_taken() && exc_last.dsisr == DSISR_NOPTE, "... it no longer translates");
    tap_ok(vld(RO + 0x58) == 0x5858 && vld(RW2 + 0x58) == 0x5858, "... the others still do");

    bool clean = live && mmu_remove(&ro) == H_SUCCESS && mmu_remove(&rw2) == H_SUCCESS &&
                 mmu_remove(&next) == H_SUCCESS;
    tap_ok(clean, "H_REMOVE of the rest");
    tap_is(mmu_strays(), 0, "no unexpected storage interrupt");
    tap_skip_end();
    return 0;
}
