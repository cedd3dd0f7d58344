/*
 * Interpreter benchmark (not a test): runs the cpubench guest (sieve +
 * CRC-32, tests/guests/cpubench.c) and prints guest MIPS. The result is
 * checked against the host-compiled reference so a fast wrong answer
 * does not count.
 *   cpu_bench GUEST.bin ROUNDS [REPEATS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tests/common/guest_asm.h"

uint64_t cpubench(unsigned rounds);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cpu_bench GUEST.bin ROUNDS [REPEATS]\n");
        return 2;
    }
    unsigned rounds = (unsigned)atoi(argv[2]);
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    uint64_t want = cpubench(rounds);
    double best = 0;
    uint64_t insns = 0;
    for (int r = 0; r < repeats; r++) {
        struct test_guest g;
        tg_init(&g, 64ull << 20, true);
        if (!tg_load_flat(&g, argv[1], 0x10000)) {
            fprintf(stderr, "cpu_bench: cannot load %s\n", argv[1]);
            return 1;
        }
        double t0 = now();
        enum cpu_stop why = tg_run(&g, UINT64_MAX);
        double t = now() - t0;
        uint64_t got = 0;
        uint8_t raw[8];
        if (memory_read(&g.mem, 0x8000, raw, 8))
            for (int i = 7; i >= 0; i--)
                got = got << 8 | raw[i];
        if (why != CPU_STOP_ATTN || got != want) {
            fprintf(stderr, "cpu_bench: wrong result 0x%llx, expected 0x%llx\n",
                    (unsigned long long)got, (unsigned long long)want);
            return 1;
        }
        insns = g.cpu.icount[0];
        double mips = (double)insns / t / 1e6;
        if (mips > best)
            best = mips;
        tg_destroy(&g);
    }
    printf("cpubench: %llu guest instructions, best of %d: %.0f MIPS\n", (unsigned long long)insns,
           repeats, best);
    return 0;
}
