/*
 * smc: self-modifying and cross-modifying code with translation on. One
 * physical code page is mapped three times: W (read/write, no-execute:
 * the "data" view), X (read-only, executable) and S (read/write and
 * executable). Instructions are stored, then run, then changed and run
 * again; the new ones must run:
 *   - stored through W, run through X and S, after the sequence Book II
 *     1.8 asks for (dcbst, sync, icbi, isync);
 *   - stored through S and run through S (the same mapping);
 *   - changed after the old code ran 1000 times, and in the middle of a
 *     block that already ran;
 *   - code that patches its own next instructions (stw, dcbst, sync,
 *     icbi, isync, then the patched instruction);
 *   - with only what Linux does on POWER8, whose i-cache is coherent with
 *     stores: sync; icbi of an unrelated address; sync; isync
 *     (flush_coherent_icache) -- several lines changed, one icbi;
 *   - with no icbi nor isync at all: the ISA leaves it open whether the
 *     old or the new code runs; either passes, and which is on a '#' line;
 *   - run in real mode from the physical page, changed through W;
 *   - X mapped to another physical page (H_REMOVE, H_ENTER): that page's
 *     code runs; and back;
 *   - the page rewritten by the hypervisor (H_PAGE_INIT copy with
 *     H_ICACHE_SYNCHRONIZE);
 *   - code that takes away its own page's execute permission (H_PROTECT
 *     N) or its translation (H_REMOVE) with an hcall: the instruction
 *     after the sc takes an ISI, it does not run from a stale copy;
 *   - W is no-execute: a branch to it takes an ISI.
 * Without the hash MMU (H_ENTER answers H_FUNCTION) every check is
 * reported skipped.
 */
#include "runtime/runtime.h"

#define PA_C 0x01200000ul          /* the code page */
#define PA_C2 0x01201000ul         /* another code page */
#define PA_SRC 0x01202000ul        /* H_PAGE_INIT's source */

#define EA_SEG 0x40000000ul
#define VSID_SEG 0x5c5c1ul
#define W (EA_SEG + 0x10000)       /* PA_C, read/write, N = 1 */
#define X (EA_SEG + 0x20000)       /* PA_C, read-only, executable */
#define S (EA_SEG + 0x30000)       /* PA_C, read/write, executable */

/* Instruction words. */
#define LI_R3(n) (0x38600000u | (uint16_t)(n))
#define ADDI_R3(n) (0x38630000u | (uint16_t)(n))
#define BLR 0x4e800020u
#define NOP 0x60000000u
#define B(off) (0x48000000u | ((uint32_t)(off) & 0x03fffffcu))

/* v_call: run code at ea (r3 = arg); v_call_r4: the same with r3 = ea's
 * own address and r4 kept (for the self-patching code). */
long v_call(long ea, long arg);
long v_call_r4(long ea, long r4);
/* v_jump_hcall: jump to ea with r3-r6 = args[0..3] (an hcall for the
 * code there to make). */
long v_jump_hcall(long ea, long args);
__asm__(".text\n"
        "v_call: mtctr 3\n mr 12, 3\n mr 3, 4\n bctr\n"
        "v_call_r4: mtctr 3\n mr 12, 3\n bctr\n"
        "v_jump_hcall: mtctr 3\n mr 12, 3\n ld 3, 0(4)\n ld 5, 16(4)\n ld 6, 24(4)\n ld 4, 8(4)\n"
        " bctr\n");

static bool live;

static long vcall(uint64_t ea) { return virt_call(v_call, (long)ea, 0); }

/* Stores with translation on: N words from words[] at ea. */
static const uint32_t *put_words;
static long store_words(long ea, long n)
{
    for (long i = 0; i < n; i++)
        ((volatile uint32_t *)ea)[i] = put_words[i];
    return 0;
}

/* The Book II sequence over [ea, ea + len), through ea's mapping. */
static long sync_isa(long ea, long len)
{
    mmu_sync_icache((uint64_t)ea, (size_t)len);
    return 0;
}

/* Linux's flush_coherent_icache(): one icbi of an address unrelated to
 * the code (Linux uses PAGE_OFFSET; here the start of the image). */
static long sync_coherent(long unused_a, long unused_b)
{
    (void)unused_a;
    (void)unused_b;
    __asm__ volatile("sync; icbi 0, %0; sync; isync" : : "r"(0x1000ul) : "memory");
    return 0;
}

/* Stores WORDS at ea (translation on) and syncs with the ISA sequence
 * through the same address. */
static void put(uint64_t ea, const uint32_t *words, long n)
{
    put_words = words;
    virt_call(store_words, (long)ea, n);
    virt_call(sync_isa, (long)ea, n * 4);
}

/* Calls ea 1000 times with translation on; the sum of the results. */
static long call_many(long ea, long n)
{
    long sum = 0;
    for (long i = 0; i < n; i++)
        sum += ((long (*)(long))ea)(0);
    return sum;
}

static void return_to_lr(struct exc_frame *f)
{
    f->srr0 = f->lr;
}

int main(void)
{
    const char *why = mmu_missing();
    live = !why;
    exc_set_stray(mmu_stray);
    tap_skip_begin(why);
    struct mmu_map mw, mx, ms, mx2;
    memset((void *)PA_C, 0, 4096);
    if (live)
        mmu_slb_set(1, EA_SEG, VSID_SEG, 0);
    long rc1 = mmu_map(&mw, VSID_SEG, W, PA_C, 12, HPTE_R_PP_RW | HPTE_R_N);
    long rc2 = mmu_map(&mx, VSID_SEG, X, PA_C, 12, HPTE_R_PP_RO);
    long rc3 = mmu_map(&ms, VSID_SEG, S, PA_C, 12, HPTE_R_PP_RW);
    tap_ok(rc1 == H_SUCCESS && rc2 == H_SUCCESS && rc3 == H_SUCCESS,
           "H_ENTER of one page as W (no-execute), X (read-only) and S (read/write/execute)");

    /* Through W, run through X and S. */
    const uint32_t one[2] = {LI_R3(1), BLR}, two[2] = {LI_R3(2), BLR};
    put(W, one, 2);
    virt_call(sync_isa, (long)X, 8);
    tap_ok(vcall(X) == 1 && vcall(S) == 1, "code stored through W runs through X and S");
    put(W, two, 1);
    virt_call(sync_isa, (long)X, 8);
    tap_ok(vcall(X) == 2 && vcall(S) == 2, "changed through W: the new code runs through X and S");

    /* Through S, run through S. */
    const uint32_t three[2] = {LI_R3(3), BLR}, four[1] = {LI_R3(4)};
    put(S + 0x40, three, 2);
    tap_is(vcall(S + 0x40), 3, "code stored through S runs through S");
    put(S + 0x40, four, 1);
    tap_is(vcall(S + 0x40), 4, "changed through S: the new code runs through S");

    /* After running hot. */
    const uint32_t five[2] = {LI_R3(5), BLR}, six[1] = {LI_R3(6)};
    put(W + 0x80, five, 2);
    virt_call(sync_isa, (long)X + 0x80, 8);
    tap_is(virt_call(call_many, (long)X + 0x80, 1000), 5000, "code run 1000 times through X");
    put(W + 0x80, six, 1);
    virt_call(sync_isa, (long)X + 0x80, 8);
    tap_is(vcall(X + 0x80), 6, "... changed: the new code runs");

    /* The middle of a block that ran: li 0; 14 x addi 1; blr. */
    uint32_t block[16];
    block[0] = LI_R3(0);
    for (unsigned i = 1; i < 15; i++)
        block[i] = ADDI_R3(1);
    block[15] = BLR;
    put(W + 0x100, block, 16);
    virt_call(sync_isa, (long)X + 0x100, 64);
    tap_is(vcall(X + 0x100), 14, "a block of 16 instructions runs");
    const uint32_t hundred[1] = {ADDI_R3(100)};
    put(W + 0x100 + 7 * 4, hundred, 1);
    virt_call(sync_isa, (long)X + 0x100 + 7 * 4, 4);
    tap_is(vcall(X + 0x100), 113, "... its 8th instruction changed: the new one runs");

    /* Code that patches itself ahead of execution, through S. */
    const uint32_t selfmod[8] = {
        0x38ac0018u,    /* addi  r5, r12, 24 */
        0x90850000u,    /* stw   r4, 0(r5) */
        0x7c00286cu,    /* dcbst 0, r5 */
        0x7c0004acu,    /* sync */
        0x7c002facu,    /* icbi  0, r5 */
        0x4c00012cu,    /* isync */
        LI_R3(7),       /* patched */
        BLR,
    };
    put(S + 0x200, selfmod, 8);
    tap_is(virt_call(v_call_r4, (long)S + 0x200, LI_R3(7)), 7,
           "self-patching code runs (same instruction)");
    tap_is(virt_call(v_call_r4, (long)S + 0x200, LI_R3(8)), 8,
           "... and, patching its next instruction, runs the new one");

    /* Linux's POWER8 sequence: two lines changed, one unrelated icbi.
     * At 0x400: li r3, 10; b 0x480. At 0x480 (the next 128-byte line):
     * addi r3, r3, 1; blr. */
    uint32_t lines[34];
    for (unsigned i = 0; i < 34; i++)
        lines[i] = NOP;
    lines[0] = LI_R3(10);
    lines[1] = B(0x7c);
    lines[32] = ADDI_R3(1);
    lines[33] = BLR;
    put(W + 0x400, lines, 34);
    virt_call(sync_isa, (long)X + 0x400, 34 * 4);
    tap_is(vcall(X + 0x400), 11, "code over two cache lines runs");
    const uint32_t new0[1] = {LI_R3(20)}, new32[1] = {ADDI_R3(2)};
    put_words = new0;
    virt_call(store_words, (long)W + 0x400, 1);
    put_words = new32;
    virt_call(store_words, (long)W + 0x480, 1);
    virt_call(sync_coherent, 0, 0);
    tap_is(vcall(X + 0x400), 22,
           "both lines changed, then sync; icbi elsewhere; sync; isync (Linux on POWER8): "
           "the new code runs");

    /* No icbi, no isync: either is allowed. */
    const uint32_t a30[1] = {LI_R3(30)};
    put_words = a30;
    virt_call(store_words, (long)W + 0x400, 1);
    long r = vcall(X + 0x400);
    if (live)
        tap_diag("without icbi and isync the %s code ran (%ld)", r == 32 ? "new" : "old", r);
    tap_ok(r == 32 || r == 22,
           "without icbi or isync: the old or the new code runs (the ISA leaves it open)");

    /* Real mode: run the physical page; change it through W; run again. */
    const uint32_t forty[2] = {LI_R3(40), BLR}, fortyone[1] = {LI_R3(41)};
    put(W + 0x600, forty, 2);
    long real1 = live ? ((long (*)(long))(PA_C + 0x600))(0) : 0;
    put(W + 0x600, fortyone, 1);
    if (live)
        mmu_sync_icache(PA_C + 0x600, 4);
    long real2 = live ? ((long (*)(long))(PA_C + 0x600))(0) : 0;
    tap_ok(real1 == 40 && real2 == 41,
           "code run in real mode, changed through W: the new code runs in real mode");

    /* X to another physical page, then back. */
    *(volatile uint32_t *)(PA_C2 + 0x80) = LI_R3(77);
    *(volatile uint32_t *)(PA_C2 + 0x84) = BLR;
    if (live)
        mmu_sync_icache(PA_C2 + 0x80, 8);
    long before = vcall(X + 0x80);
    long rcr = mmu_remove(&mx);
    long rce = mmu_map(&mx2, VSID_SEG, X, PA_C2, 12, HPTE_R_PP_RO);
    tap_ok(before == 6 && rcr == H_SUCCESS && rce == H_SUCCESS && vcall(X + 0x80) == 77,
           "X mapped to another physical page: that page's code runs at the same address");
    mmu_remove(&mx2);
    mmu_map(&mx, VSID_SEG, X, PA_C, 12, HPTE_R_PP_RO);
    tap_is(vcall(X + 0x80), 6, "... mapped back: the first page's code runs again");

    /* The hypervisor rewrites the page. */
    memcpy((void *)PA_SRC, (const void *)PA_C, 4096);
    *(volatile uint32_t *)(PA_SRC + 0x80) = LI_R3(55);
    long rcp = hcall3(H_PAGE_INIT, H_COPY_PAGE | H_ICACHE_SYNCHRONIZE, PA_C, PA_SRC);
    tap_ok(rcp == H_SUCCESS && vcall(X + 0x80) == 55,
           "H_PAGE_INIT copies other code over the page: the new code runs through X");

    bool t;
    /* Code that changes its own page's translation: sc 1 (the hcall in
     * r3-r6), then li r3, 1; blr. The li must not run. */
    exc_set_handler(0x400, return_to_lr);
    const uint32_t selfhcall[3] = {0x44000022u /* sc 1 */, LI_R3(1), BLR};
    put(W + 0x700, selfhcall, 3);
    uint64_t prot[4] = {H_PROTECT, H_AVPN | HPTE_R_N | HPTE_R_PP_RW, ms.ptex, ms.v & ~0x7ful};
    exc_expect(0x400);
    long rc = virt_call(v_jump_hcall, (long)S + 0x700, (long)prot);
    t = exc_taken();
    tap_ok(t && rc == H_SUCCESS && exc_last.srr0 == S + 0x704 &&
           (exc_last.srr1 & SRR1_ISI_BITS) == SRR1_ISI_NOEXEC,
           "code that sets N on its own page (H_PROTECT): ISI at the instruction after the sc");
    hcall(H_PROTECT, 0, H_AVPN | HPTE_R_PP_RW, ms.ptex, ms.v & ~0x7ful, 0, 0, 0, 0, 0);
    uint64_t rem[4] = {H_REMOVE, H_AVPN, ms.ptex, ms.v & ~0x7ful};
    exc_expect(0x400);
    rc = virt_call(v_jump_hcall, (long)S + 0x700, (long)rem);
    t = exc_taken();
    tap_ok(t && rc == H_SUCCESS && exc_last.srr0 == S + 0x704 &&
           (exc_last.srr1 & SRR1_ISI_BITS) == SRR1_ISI_NOPTE,
           "code that removes its own page's entry (H_REMOVE): ISI at the instruction after the sc");
    exc_set_handler(0x400, 0);
    mmu_map(&ms, VSID_SEG, S, PA_C, 12, HPTE_R_PP_RW);

    /* W cannot be executed. */
    exc_set_handler(0x400, return_to_lr);
    exc_expect(0x400);
    vcall(W + 0x80);
    t = exc_taken();
    exc_set_handler(0x400, 0);
    tap_ok(t && exc_last.srr0 == W + 0x80 && (exc_last.srr1 & SRR1_ISI_BITS) == SRR1_ISI_NOEXEC,
           "a branch to W (N = 1): ISI, SRR1 bit 35");

    bool clean = live && mmu_remove(&mw) == H_SUCCESS && mmu_remove(&mx) == H_SUCCESS &&
                 mmu_remove(&ms) == H_SUCCESS;
    tap_ok(clean, "H_REMOVE of the three");
    tap_is(mmu_strays(), 0, "no unexpected storage interrupt");
    tap_skip_end();
    return 0;
}
