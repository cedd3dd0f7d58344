/*
 * Guest suite: runs the cpubench guest (tests/guests/cpubench.c, built with
 * the powerpc64le cross compiler) on ppcrr's CPU and compares its answer
 * with the same C code compiled for the host -- a whole program as the
 * oracle for every instruction the compiler chose.
 *   check_cpubench GUEST.bin ROUNDS
 */
#include <stdlib.h>

#include "tests/common/guest_asm.h"
#include "tests/tap.h"

uint64_t cpubench(unsigned rounds);

int main(int argc, char **argv)
{
    if (argc != 3)
        tap_bail("usage: check_cpubench GUEST.bin ROUNDS");
    unsigned rounds = (unsigned)atoi(argv[2]);
    struct test_guest g;
    tg_init(&g, 64ull << 20, true);
    if (!tg_load_flat(&g, argv[1], 0x10000))
        tap_bail("cannot load %s", argv[1]);
    enum cpu_stop why = tg_run(&g, 2000000000ull);
    is_i64(why, CPU_STOP_ATTN, "the guest runs to its attn");
    uint64_t want = cpubench(rounds), got = 0;
    uint8_t raw[8];
    if (memory_read(&g.mem, 0x8000, raw, 8))
        for (int i = 7; i >= 0; i--)
            got = got << 8 | raw[i];
    is_u64(got, want, "sieve + CRC-32 result equals the host's (%u rounds)", rounds);
    is_u64(g.cpu.gpr[3], want & 0x7fffffff, "main's return value reaches r3");
    tap_diag("%llu guest instructions", (unsigned long long)g.cpu.icount[0]);
    tg_destroy(&g);
    return tap_done();
}
