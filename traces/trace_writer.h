/*
 * Trace writer: buffers events into chunks and writes each chunk as one
 * complete zstd frame as soon as it is full, so that a recorder killed at any
 * moment leaves a file readable up to its last complete chunk.
 *
 * Usage:
 *   w = trace_writer_create(path, NULL, &err);
 *   idx = trace_writer_intern(w, "vty0.irq");   // names used by events
 *   trace_writer_start(w, &header, &err);       // signature + header frame
 *   trace_writer_append(w, icount, &event, &err) ...
 *   trace_writer_close(w, &err);                // last chunk + index
 *
 * A chunk is closed when its encoded size reaches `chunk_bytes` or when it
 * spans more than `chunk_icount` guest instructions. Both limits are
 * deterministic, so the same events always give the same file. `chunk_ms`
 * adds a host-time age limit for interactive runs; it bounds how much a
 * killed recorder loses at the price of byte-identical files (the events are
 * still the same). The age is looked at when an event arrives; a recorder
 * whose guest idles calls trace_writer_flush() from its event loop.
 */
#ifndef PPCRR_TRACES_TRACE_WRITER_H
#define PPCRR_TRACES_TRACE_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "traces/trace_file.h"

struct trace_writer_options {
    uint32_t chunk_bytes;   /* encoded events per chunk, default 256 KiB */
    uint64_t chunk_icount;  /* instructions a chunk may span, 0 = no limit */
    uint32_t chunk_ms;      /* host-time age limit, 0 = off (default) */
    int zstd_level;         /* default 3 */
};

#define TRACE_WRITER_DEFAULT_CHUNK_BYTES (256u << 10)
#define TRACE_WRITER_DEFAULT_CHUNK_ICOUNT 100000000ull
#define TRACE_WRITER_DEFAULT_LEVEL 3

struct trace_writer_stats {
    uint64_t events;
    uint64_t chunks;
    uint64_t file_bytes;          /* written so far */
    uint64_t uncompressed_bytes;  /* of all data frames */
};

struct trace_writer;

/* Creates (truncates) PATH. OPTIONS may be NULL for the defaults. */
struct trace_writer *trace_writer_create(const char *path,
                                         const struct trace_writer_options *options,
                                         struct trace_error *err);

/* Returns the string-table index of S, adding it if new. Indexes are given
 * in first-use order, so they are deterministic. Names interned before
 * trace_writer_start() go into the header frame; later ones into the next
 * chunk frame. Returns UINT32_MAX only if memory runs out. */
uint32_t trace_writer_intern(struct trace_writer *w, const char *s);

/* Writes the signature and the header frame. The writer sets the format
 * versions itself; everything else in HEADER is the caller's. */
int trace_writer_start(struct trace_writer *w, const Ppcrr__Header *header,
                       struct trace_error *err);

/* Appends EVENT at ICOUNT (which must not go backwards). Events may be
 * appended before trace_writer_start(): they are held (no chunk is written
 * before the header) and go into the first chunk. The writer fills in
 * event->icount_delta; the rest is copied into the chunk, so EVENT may be
 * reused by the caller at once. */
int trace_writer_append(struct trace_writer *w, uint64_t icount,
                        Ppcrr__Event *event, struct trace_error *err);

/* Writes the current chunk now, even if not full (after the start). */
int trace_writer_flush(struct trace_writer *w, struct trace_error *err);

/* Flushes, writes the index, closes the file and frees W (even on error). */
int trace_writer_close(struct trace_writer *w, struct trace_error *err);

/* Frees W without writing an index, as a killed recorder would leave it. */
void trace_writer_abandon(struct trace_writer *w);

const struct trace_writer_stats *trace_writer_stats(const struct trace_writer *w);

#endif
