/*
 * mmubench: a benchmark of the hash MMU path, not a test. It maps 4096
 * pages of 4 KiB (16 MiB) with H_ENTER and times, with the timebase
 * (timebase-frequency from the device tree):
 *   - the 4096 H_ENTERs themselves;
 *   - loads and stores with translation on, each to a different page in
 *     turn (4096 pages, far more than any TLB an emulator keeps);
 *   - the same loop kept within one page (translation cached; run 16
 *     times as often), with translation on and in real mode;
 *   - H_ENTER/H_REMOVE pairs (the HPTE images are built beforehand, so the
 *     loop is the two hcalls).
 * Each timed part is announced ("# bench-begin WHAT") and reported
 * ("# mmubench: WHAT: ... per second", then "# bench-end WHAT COUNT
 * UNIT"), so that run_guest.sh --stamp can time it with the host's clock
 * too: ppcrr's timebase counts instructions (one tick each, a nominal 512
 * MHz), so on ppcrr the timebase figures are guest time and only the host
 * clock tells the emulator's speed; QEMU's timebase follows the host.
 * The test lines only say that the work was done right (checksums, hcall
 * results), so any two emulators print the same ones. Run it with
 * `build/ppcrr run -kernel build/tests/guests/mmubench.elf -nographic`, or
 * `meson test --benchmark --suite guest-bench` (ppcrr and QEMU, with the
 * host clock; the figures are the '#' lines in meson-logs/testlog.txt).
 * Without the hash MMU (H_ENTER answers H_FUNCTION) it reports its checks
 * skipped.
 */
#include "runtime/runtime.h"

#define NPAGES 4096
#define PA_BASE 0x04000000ul        /* 64 MiB: 16 MiB of pages from here */
#define EA_BASE 0x40000000ul
#define VSID_BENCH 0xbe4c4ul
#define EA_PAIRS 0x50000000ul       /* the H_ENTER/H_REMOVE pairs' segment */
#define VSID_PAIRS 0xbe5c5ul
#define CELLS 64                    /* doublewords per page used: offsets 0, 64, ... */
#define REPEAT 16                   /* times the loop over the pages runs */
#define REPEAT_ONE 256              /* times the (faster) one-page loops run */
#define PAIRS 100000

static uint64_t freq;
static struct mmu_map maps[NPAGES];
static struct mmu_map pair_maps[256];

/* ROUNDS passes of NPAGES steps from BASE, STRIDE bytes apart (4096: a
 * new page each step; 0: the same page): each step reads a doubleword and
 * writes it back plus one (two accesses); pass r uses cell r % CELLS of
 * the page. The same instructions either way, so that on ppcrr, whose
 * timebase counts instructions, the two give the same guest time. Returns
 * the sum of what was read. */
static long stride_arg;
static long walk(long base, long rounds)
{
    uint64_t sum = 0;
    long stride = stride_arg;
    for (long r = 0; r < rounds; r++) {
        uint64_t off = (uint64_t)(r % CELLS) * 64;
        for (long i = 0; i < NPAGES; i++) {
            volatile uint64_t *p = (volatile uint64_t *)(base + i * stride + off);
            uint64_t v = *p;
            *p = v + 1;
            sum += v;
        }
    }
    return (long)sum;
}

/* Cell j of page i starts as i + j. */
static void fill(uint64_t pa, long pages)
{
    for (long i = 0; i < pages; i++)
        for (long j = 0; j < CELLS; j++)
            *(volatile uint64_t *)(pa + i * 4096 + j * 64) = (uint64_t)(i + j);
}

/* What walk #K (from 0) over PAGES pages, visiting each cell VISITS times,
 * returns after fill(): a cell is read as its start value plus every
 * earlier visit. */
static uint64_t expected(uint64_t pages, uint64_t visits, uint64_t k)
{
    uint64_t start = CELLS * pages * (pages - 1) / 2 + pages * CELLS * (CELLS - 1) / 2;
    return visits * start + CELLS * pages * (k * visits * visits + visits * (visits - 1) / 2);
}

static void begin(const char *what)
{
    printf("# bench-begin %s\r\n", what);
}

static void report(const char *what, uint64_t count, uint64_t ticks, const char *unit)
{
    uint64_t per_sec = ticks ? count * freq / ticks : 0;
    printf("# bench-end %s %lu %s\r\n", what, (unsigned long)count, unit);
    printf("# mmubench: %s: %lu %s in %lu ticks (%lu us): %lu per second\r\n", what,
           (unsigned long)count, unit, (unsigned long)ticks,
           (unsigned long)(ticks * 1000000 / freq), (unsigned long)per_sec);
}

int main(void)
{
    const char *why = mmu_missing();
    bool live = !why;
    freq = timebase_freq();
    tap_diag("timebase %lu Hz, %d pages, %d cells each, %d/%d times, %d H_ENTER/H_REMOVE pairs",
             (unsigned long)freq, NPAGES, CELLS, REPEAT, REPEAT_ONE, PAIRS);
    tap_skip_begin(why);

    /* 4096 H_ENTERs. */
    long failed = 0;
    for (long i = 0; i < NPAGES; i++)
        mmu_hpte(&maps[i], VSID_BENCH, EA_BASE + i * 4096, PA_BASE + i * 4096, 12, HPTE_R_PP_RW);
    if (live)
        begin("H_ENTER");
    uint64_t t0 = mftb();
    for (long i = 0; live && i < NPAGES; i++)
        if (mmu_enter(&maps[i]) != H_SUCCESS)
            failed++;
    uint64_t t1 = mftb();
    tap_ok(live && failed == 0, "H_ENTER of %d pages", NPAGES);
    if (live) {
        report("H_ENTER", NPAGES, t1 - t0, "calls");
        mmu_slb_set(1, EA_BASE, VSID_BENCH, 0);
        mmu_slb_set(2, EA_PAIRS, VSID_PAIRS, 0);
    }

    /* Across the pages with translation on: one pass per cell, so each
     * access is to the next page. */
    bool sums = live;
    fill(PA_BASE, NPAGES);
    stride_arg = 4096;
    if (live)
        begin("translated accesses, a new page each");
    t0 = mftb();
    for (int k = 0; live && k < REPEAT; k++)
        sums = virt_call(walk, (long)EA_BASE, CELLS) == (long)expected(NPAGES, 1, k) && sums;
    t1 = mftb();
    tap_ok(sums, "loads and stores over %d pages with translation on", NPAGES);
    bool stored = live;
    for (long i = 0; live && i < NPAGES; i += 97)
        stored = stored &&
                 *(volatile uint64_t *)(PA_BASE + i * 4096 + 64) == (uint64_t)(i + 1 + REPEAT);
    tap_ok(stored, "... the stores reached the physical pages");
    if (live)
        report("translated accesses, a new page each", 2ul * NPAGES * CELLS * REPEAT, t1 - t0,
               "accesses");

    /* Accesses within one page (stride 0), translation on, then off: the
     * same loop, REPEAT_ONE times (faster where translations are cached:
     * more of them for the same precision). */
    stride_arg = 0;
    for (int real = 0; real < 2; real++) {
        const char *what = real ? "real-mode accesses, one page" : "translated accesses, one page";
        sums = live;
        fill(PA_BASE, 1);
        if (live)
            begin(what);
        t0 = mftb();
        for (int k = 0; live && k < REPEAT_ONE; k++) {
            long s = real ? walk((long)PA_BASE, CELLS) : virt_call(walk, (long)EA_BASE, CELLS);
            sums = s == (long)expected(1, NPAGES, k) && sums;
        }
        t1 = mftb();
        tap_ok(sums, "loads and stores within one page, %s",
               real ? "in real mode" : "translation on");
        if (live)
            report(what, 2ul * NPAGES * CELLS * REPEAT_ONE, t1 - t0, "accesses");
    }

    /* H_ENTER/H_REMOVE pairs over 256 page numbers (256 groups). */
    for (long n = 0; n < 256; n++)
        mmu_hpte(&pair_maps[n], VSID_PAIRS, EA_PAIRS + n * 4096, PA_BASE, 12, HPTE_R_PP_RW);
    long bad = 0;
    unsigned long ret[9];
    if (live)
        begin("H_ENTER/H_REMOVE");
    t0 = mftb();
    for (long n = 0; live && n < PAIRS; n++) {
        struct mmu_map *m = &pair_maps[n & 255];
        if (hcall(H_ENTER, ret, 0, m->group * 8, m->v, m->r, 0, 0, 0, 0) != H_SUCCESS ||
            hcall(H_REMOVE, ret, H_AVPN, ret[0], m->v & ~0x7ful, 0, 0, 0, 0, 0) != H_SUCCESS)
            bad++;
    }
    t1 = mftb();
    tap_ok(live && bad == 0, "%d H_ENTER/H_REMOVE pairs", PAIRS);
    if (live)
        report("H_ENTER/H_REMOVE", PAIRS, t1 - t0, "pairs");
    tap_skip_end();
    return 0;
}
