/*
 * SHA-256 (FIPS 180-4, section 6.2), written here from the standard because
 * the project takes no crypto library. A trace header names each guest image
 * by its digest, and replay hashes the images again to refuse a trace made
 * with different ones; images run to tens of megabytes and are hashed at every
 * record/replay start, so the compression loop is unrolled and files are read
 * in large blocks.
 *
 * Streaming: sha256_init, any number of sha256_update (any lengths, including
 * 0), then sha256_final, after which the context must be initialised again
 * before reuse. Contexts share no state, so separate ones may be used from
 * separate threads.
 */
#ifndef PPCRR_TRACES_SHA256_H
#define PPCRR_TRACES_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256 {
    uint32_t h[8];                   /* the hash value H(i) so far */
    uint64_t bytes;                  /* message bytes taken in so far */
    uint8_t buf[SHA256_BLOCK_SIZE];  /* a block not yet complete */
    size_t fill;                     /* bytes in buf, always < SHA256_BLOCK_SIZE */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_SIZE]);

/* The digest of one buffer, in one call. */
void sha256_buffer(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/* Hashes the file at PATH; returns 0, or -1 with errno set (file unreadable). */
int sha256_file(const char *path, uint8_t out[SHA256_DIGEST_SIZE]);

/* The digest as 64 lowercase hex digits and a NUL, as sha256sum prints it. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char hex[2 * SHA256_DIGEST_SIZE + 1]);

#endif
