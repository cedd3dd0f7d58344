/*
 * SHA-256 as FIPS 180-4 defines it (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3 and
 * 6.2.2), for the image digests in trace headers (see sha256.h). Portable C:
 * words are assembled from bytes big-endian, so the host's byte order never
 * matters. The 64 rounds are unrolled eight at a time with the eight working
 * variables renamed instead of shifted, which is what makes the loop fast;
 * the message schedule is expanded in full before the rounds.
 */
#include "traces/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* sha256_file reads this much at a time (into the heap, not the stack): large
 * enough that system calls cost next to nothing beside the hashing. */
#define SHA256_FILE_CHUNK (1u << 20)

/* Section 4.2.2: the first 32 bits of the fractional parts of the cube roots
 * of the first 64 primes. */
static const uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
    0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
    0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
    0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

/* Section 5.3.3: the first 32 bits of the fractional parts of the square
 * roots of the first 8 primes. */
static const uint32_t sha256_h0[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

/* Section 4.1.2. Ch and Maj are written in equivalent forms with one
 * operation fewer: Ch(x,y,z) = (x & y) ^ (~x & z) = ((y ^ z) & x) ^ z, and
 * Maj(x,y,z) = (x & y) ^ (x & z) ^ (y & z) = (x & y) | (z & (x | y)). */
static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z)
{
    return ((y ^ z) & x) ^ z;
}

static inline uint32_t maj(uint32_t x, uint32_t y, uint32_t z)
{
    return (x & y) | (z & (x | y));
}

static inline uint32_t bsig0(uint32_t x)
{
    return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}

static inline uint32_t bsig1(uint32_t x)
{
    return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}

static inline uint32_t ssig0(uint32_t x)
{
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}

static inline uint32_t ssig1(uint32_t x)
{
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One round of section 6.2.2 step 3. Instead of moving every working
 * variable down one place, the caller passes them rotated: the new `e` is
 * d + T1 (stored in d), the new `a` is T1 + T2 (stored in h). */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, t)                                   \
    do {                                                                          \
        uint32_t t1_ = (h) + bsig1(e) + ch(e, f, g) + sha256_k[t] + w[t];          \
        (d) += t1_;                                                               \
        (h) = t1_ + bsig0(a) + maj(a, b, c);                                      \
    } while (0)

/* Section 6.2.2 for NBLOCKS consecutive 64-byte blocks at P. */
static void sha256_compress(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
    uint32_t w[64];

    for (; nblocks > 0; nblocks--, p += SHA256_BLOCK_SIZE) {
        for (int t = 0; t < 16; t++)
            w[t] = load_be32(p + 4 * t);
        for (int t = 16; t < 64; t++)
            w[t] = ssig1(w[t - 2]) + w[t - 7] + ssig0(w[t - 15]) + w[t - 16];

        uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
        for (int t = 0; t < 64; t += 8) {
            SHA256_ROUND(a, b, c, d, e, f, g, h, t + 0);
            SHA256_ROUND(h, a, b, c, d, e, f, g, t + 1);
            SHA256_ROUND(g, h, a, b, c, d, e, f, t + 2);
            SHA256_ROUND(f, g, h, a, b, c, d, e, t + 3);
            SHA256_ROUND(e, f, g, h, a, b, c, d, t + 4);
            SHA256_ROUND(d, e, f, g, h, a, b, c, t + 5);
            SHA256_ROUND(c, d, e, f, g, h, a, b, t + 6);
            SHA256_ROUND(b, c, d, e, f, g, h, a, t + 7);
        }
        st[0] += a;
        st[1] += b;
        st[2] += c;
        st[3] += d;
        st[4] += e;
        st[5] += f;
        st[6] += g;
        st[7] += h;
    }
}

void sha256_init(struct sha256 *s)
{
    memcpy(s->h, sha256_h0, sizeof s->h);
    s->bytes = 0;
    s->fill = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;

    /* Also keeps a NULL `data` with no bytes away from memcpy. */
    if (len == 0)
        return;
    s->bytes += len;

    if (s->fill > 0) {
        size_t take = SHA256_BLOCK_SIZE - s->fill;
        if (take > len)
            take = len;
        memcpy(s->buf + s->fill, p, take);
        s->fill += take;
        p += take;
        len -= take;
        if (s->fill < SHA256_BLOCK_SIZE)
            return;
        sha256_compress(s->h, s->buf, 1);
        s->fill = 0;
    }

    /* Whole blocks straight from the caller's memory, without a copy. */
    size_t nblocks = len / SHA256_BLOCK_SIZE;
    if (nblocks > 0) {
        sha256_compress(s->h, p, nblocks);
        p += nblocks * SHA256_BLOCK_SIZE;
        len -= nblocks * SHA256_BLOCK_SIZE;
    }

    if (len > 0) {
        memcpy(s->buf, p, len);
        s->fill = len;
    }
}

/* Section 5.1.1: a 1 bit, zeros up to 56 bytes into the last block, then the
 * message length in bits as a big-endian 64-bit number. If the 1 bit leaves
 * no room for the length, the padding spills into one more block. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_SIZE])
{
    /* The standard limits messages to under 2^64 bits, which is 2^61 bytes. */
    uint64_t bits = s->bytes << 3;

    s->buf[s->fill++] = 0x80;
    if (s->fill > SHA256_BLOCK_SIZE - 8) {
        memset(s->buf + s->fill, 0, SHA256_BLOCK_SIZE - s->fill);
        sha256_compress(s->h, s->buf, 1);
        s->fill = 0;
    }
    memset(s->buf + s->fill, 0, SHA256_BLOCK_SIZE - 8 - s->fill);
    store_be32(s->buf + 56, (uint32_t)(bits >> 32));
    store_be32(s->buf + 60, (uint32_t)bits);
    sha256_compress(s->h, s->buf, 1);

    for (int i = 0; i < 8; i++)
        store_be32(out + 4 * i, s->h[i]);
    s->fill = 0;
}

void sha256_buffer(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, data, len);
    sha256_final(&s, out);
}

/* Fills BUF from FD as far as it will go: read(2) may return less than asked
 * (pipes, signals, network file systems), and a full chunk keeps every
 * update but the last on whole blocks. Returns the bytes read, 0 at end of
 * file, -1 with errno set on error. */
static ssize_t sha256_read_chunk(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n > 0) {
            got += (size_t)n;
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return (ssize_t)got;
}

int sha256_file(const char *path, uint8_t out[SHA256_DIGEST_SIZE])
{
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return -1;
    /* A hint only: whether the kernel reads ahead harder is no error of ours. */
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

    uint8_t *buf = malloc(SHA256_FILE_CHUNK);
    if (!buf) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }

    struct sha256 s;
    sha256_init(&s);
    ssize_t n;
    while ((n = sha256_read_chunk(fd, buf, SHA256_FILE_CHUNK)) > 0)
        sha256_update(&s, buf, (size_t)n);
    int saved = errno;
    free(buf);
    close(fd);
    if (n < 0) {
        errno = saved;
        return -1;
    }
    sha256_final(&s, out);
    return 0;
}

void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[2 * SHA256_DIGEST_SIZE + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0xf];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}
