/*
 * A CPU-bound guest for the interpreter benchmark and the guest suite: a
 * sieve of Eratosthenes and a table-driven CRC-32 over a generated buffer,
 * integer only. The same file compiled for the host gives the expected
 * result (CPUBENCH_HOST), so a wrong instruction anywhere shows up as a
 * wrong answer.
 *
 * ROUNDS is set at compile time: small for the test, large for timing.
 */
#include <stdint.h>

#ifndef ROUNDS
#define ROUNDS 1
#endif

#define SIEVE_SIZE 8192
#define BUF_SIZE 4096

static uint8_t composite[SIEVE_SIZE];
static uint8_t buffer[BUF_SIZE];
static uint32_t crc_table[256];

static unsigned count_primes(void)
{
    for (unsigned i = 0; i < SIEVE_SIZE; i++)
        composite[i] = 0;
    unsigned count = 0;
    for (unsigned i = 2; i < SIEVE_SIZE; i++) {
        if (composite[i])
            continue;
        count++;
        for (unsigned j = i * 2; j < SIEVE_SIZE; j += i)
            composite[j] = 1;
    }
    return count;
}

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, unsigned len)
{
    uint32_t c = 0xFFFFFFFFu;
    while (len--)
        c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

uint64_t cpubench(unsigned rounds);

uint64_t cpubench(unsigned rounds)
{
    uint64_t acc = 0;
    crc_init();
    for (unsigned r = 0; r < rounds; r++) {
        for (unsigned i = 0; i < BUF_SIZE; i++)
            buffer[i] = (uint8_t)(i * 31 + r * 7 + (i >> 5));
        acc = acc * 1000003u + count_primes();
        acc ^= (uint64_t)crc32(buffer, BUF_SIZE) << (r % 32);
        /* A signed divide whose divisor is odd (never 0) and whose
         * dividend is halved (never INT32_MIN): defined in C and the ISA. */
        acc += (int64_t)((int32_t)(acc >> 17) >> 1) / (((int32_t)r - 9) | 1);
    }
    return acc;
}

#ifndef CPUBENCH_HOST
int main(void);

int main(void)
{
    uint64_t result = cpubench(ROUNDS);
    /* Report through r3 (returned by main) and at a fixed address. */
    *(volatile uint64_t *)0x8000 = result;
    return (int)(result & 0x7fffffff);
}
#endif
