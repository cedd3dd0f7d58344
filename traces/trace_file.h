/*
 * The on-disk layout of a ppcrr trace file, shared by the writer and the
 * reader (DESIGN.md §4):
 *
 *   offset 0   skippable frame, magic TRACE_SIG_MAGIC: "PPCRRTRC"
 *              (identifies the file; `zstd -dc` skips it)
 *   then       zstd frame: Trace{header, string...}
 *   then       zstd frames: Trace{string..., chunk{first_icount, event...}}
 *   last       skippable frame, magic TRACE_INDEX_MAGIC: an `Index` message
 *              followed by a 24-byte footer: u32 LE CRC-32 of the message,
 *              u32 0, u64 LE offset of this frame, "PPCRRIDX" -- so a reader
 *              finds the index from the end of the file and trusts it only
 *              if it is intact.
 *
 * Data frames carry zstd's content size and checksum, so a torn or flipped
 * frame is caught by zstd before protobuf ever sees it.
 */
#ifndef PPCRR_TRACES_TRACE_FILE_H
#define PPCRR_TRACES_TRACE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "traces/trace.pb-c.h"

/* The format this build writes, and the oldest it can still read. */
#define TRACE_FORMAT_VERSION 1u
#define TRACE_READER_VERSION 1u

/* zstd's skippable frames: magic 0x184D2A50..5F, u32 LE size, payload. */
#define TRACE_SKIPPABLE_MASK 0xFFFFFFF0u
#define TRACE_SKIPPABLE_BASE 0x184D2A50u
#define TRACE_SIG_MAGIC (TRACE_SKIPPABLE_BASE + 0x0)
#define TRACE_INDEX_MAGIC (TRACE_SKIPPABLE_BASE + 0x1)
#define TRACE_ZSTD_MAGIC 0xFD2FB528u

#define TRACE_SIGNATURE "PPCRRTRC"
#define TRACE_SIGNATURE_LEN 8
#define TRACE_FOOTER_TAG "PPCRRIDX"
#define TRACE_FOOTER_LEN 24

/* A reader refuses frames claiming more than this: a corrupt size field
 * must not make it allocate gigabytes. Writers stay far below it. */
#define TRACE_MAX_FRAME_CONTENT (64u << 20)

/* Errors carry a full sentence naming the file and, where it applies, the
 * byte offset. Every trace API that can fail fills one. */
struct trace_error {
    char msg[512];
};

/* CRC-32 as in IEEE 802.3 / zlib, for the index. */
uint32_t trace_crc32(const void *data, size_t len);

void trace_error_set(struct trace_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline uint32_t trace_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t trace_get_le64(const uint8_t *p)
{
    return (uint64_t)trace_get_le32(p) | (uint64_t)trace_get_le32(p + 4) << 32;
}

static inline void trace_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void trace_put_le64(uint8_t *p, uint64_t v)
{
    trace_put_le32(p, (uint32_t)v);
    trace_put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
