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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trace.pb-c.h"

/* Versions (DESIGN.md §4):
 *   TRACE_FORMAT_VERSION      the format this build writes;
 *   TRACE_MIN_READER_VERSION  stamped into what it writes: the oldest reader
 *                             format that can read those files;
 *   TRACE_READER_VERSION      the newest format this reader understands: it
 *                             refuses files whose min_reader_version is newer;
 *   TRACE_OLDEST_READABLE     the oldest format_version it still accepts. */
#define TRACE_FORMAT_VERSION 1u
#define TRACE_MIN_READER_VERSION 1u
#define TRACE_READER_VERSION 1u
#define TRACE_OLDEST_READABLE 1u

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

/* Limits that keep a hostile file from making the reader allocate without
 * bound: a frame's content, the memory its decoded messages may take
 * (a multiple of the content: real events expand about 4-8x), and the
 * string table. Writers stay far below all of them. */
#define TRACE_MAX_FRAME_CONTENT (8u << 20)
#define TRACE_MAX_CHUNK_BYTES (TRACE_MAX_FRAME_CONTENT / 2)
#define TRACE_DECODE_EXPANSION 32u
#define TRACE_MAX_STRINGS (1u << 20)
#define TRACE_MAX_STRING_BYTES (64u << 20)

/* Errors carry a full sentence naming the file and, where it applies, the
 * byte offset. Every trace API that can fail fills one. */
struct trace_error {
    char msg[512];
};

/* CRC-32 as in IEEE 802.3 / zlib, for the index. */
uint32_t trace_crc32(const void *data, size_t len);

/* How a zstd frame at P (with REMAIN bytes to the end of the data) is laid
 * out, read from its frame and block headers (RFC 8878) without decoding
 * it. TRUNCATED means every header read is plausible but the data ends
 * first -- what a killed writer leaves; CORRUPT means a header is
 * impossible. */
enum zstd_frame_shape { ZSTD_FRAME_COMPLETE, ZSTD_FRAME_TRUNCATED, ZSTD_FRAME_CORRUPT };
enum zstd_frame_shape trace_zstd_frame_scan(const uint8_t *p, uint64_t remain, uint64_t *size,
                                            bool *has_checksum);

/* Text in traces (trace_text.c). protobuf `string` fields must hold UTF-8,
 * but command lines, paths and guest messages are bytes: the writer turns
 * each invalid byte into the four characters \xNN. */
bool trace_utf8_valid(const char *s, size_t n);
/* A malloc'ed copy of S with invalid bytes escaped, or NULL if S is valid. */
char *trace_utf8_sanitize(const char *s);
/* Applies trace_utf8_sanitize to every string field of M, recursively,
 * replacing (and freeing) the ones that change; M must have been unpacked
 * with the default allocator. Returns false if memory ran out. */
bool trace_message_sanitize(ProtobufCMessage *m);
/* True if every string field of M, recursively, is valid UTF-8. */
bool trace_message_utf8_valid(const ProtobufCMessage *m);

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
