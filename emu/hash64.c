/*
 * hash64 (hash64.h). Four independent lanes each take every fourth 64-bit
 * word -- multiply, rotate, multiply -- so the multiplications of one
 * 32-byte block run in parallel; the lanes, the tail and the length are
 * then folded together and the result finished with a full avalanche
 * (the splitmix64 finaliser). Words are read little-endian whatever the
 * host, so a digest means the same on every machine.
 */
#include "emu/hash64.h"

#include <string.h>

#define K1 0x9e3779b97f4a7c15ull   /* 2^64 / golden ratio, odd */
#define K2 0xbf58476d1ce4e5b9ull
#define K3 0x94d049bb133111ebull

static inline uint64_t rotl(uint64_t v, unsigned r)
{
    return (v << r) | (v >> (64 - r));
}

static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint64_t lane(uint64_t acc, uint64_t word)
{
    return rotl(acc + word * K2, 31) * K1;
}

static inline uint64_t avalanche(uint64_t v)
{
    v = (v ^ (v >> 30)) * K2;
    v = (v ^ (v >> 27)) * K3;
    return v ^ (v >> 31);
}

uint64_t hash64_fold(uint64_t h, uint64_t v)
{
    return avalanche(h ^ lane(K3, v));
}

uint64_t hash64(const void *data, size_t len, uint64_t seed)
{
    const uint8_t *p = data;
    uint64_t a = seed + K1, b = seed + K2, c = seed ^ K3, d = seed - K1;
    size_t n = len;
    for (; n >= 32; n -= 32, p += 32) {
        a = lane(a, load_le64(p));
        b = lane(b, load_le64(p + 8));
        c = lane(c, load_le64(p + 16));
        d = lane(d, load_le64(p + 24));
    }
    uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
    for (; n >= 8; n -= 8, p += 8)
        h = lane(h, load_le64(p)) + K3;
    if (n) {
        uint8_t tail[8] = { 0 };
        memcpy(tail, p, n);
        h = lane(h ^ n, load_le64(tail));
    }
    return avalanche(h ^ (uint64_t)len * K1);
}
