/*
 * Trace reader: streams the events of a trace in order, seeks to an icount
 * through the index (or by scanning when a killed writer left no index), and
 * checks everything it hands out: a consumer never sees an event whose kind
 * is unset, whose names point outside the string table, or whose icount
 * goes backwards.
 *
 * Bad input never crashes it: a file that is not a trace, a corrupt frame
 * or a newer format is an error naming the file and byte offset. A file cut
 * short (a killed recorder) reads up to its last complete chunk and then
 * reports, through trace_reader_warning(), where and why it ended early.
 */
#ifndef PPCRR_TRACES_TRACE_READER_H
#define PPCRR_TRACES_TRACE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trace_file.h"

struct trace_event {
    uint64_t index;            /* position in the whole trace, from 0 */
    uint64_t icount;           /* absolute */
    uint64_t frame_offset;     /* file offset of the frame holding it */
    const Ppcrr__Event *ev;    /* valid until the next call on the reader */
};

struct trace_reader_stats {
    uint64_t data_frames;         /* chunk frames read so far */
    uint64_t chunks;
    uint64_t compressed_bytes;    /* of the data frames read */
    uint64_t uncompressed_bytes;
};

struct trace_reader;

struct trace_reader *trace_reader_open(const char *path, struct trace_error *err);

/* Reads a trace held in memory; NAME is used in messages. DATA must stay
 * valid until the reader is closed. */
struct trace_reader *trace_reader_open_mem(const void *data, size_t size, const char *name,
                                           struct trace_error *err);

void trace_reader_close(struct trace_reader *r);

/* 1: *OUT holds the next event; 0: end of trace; -1: error in ERR. */
int trace_reader_next(struct trace_reader *r, struct trace_event *out, struct trace_error *err);

/* Positions the reader so that the next event is the first one whose icount
 * is >= ICOUNT (or the end). Uses the index when there is one. */
int trace_reader_seek(struct trace_reader *r, uint64_t icount, struct trace_error *err);

const Ppcrr__Header *trace_reader_header(const struct trace_reader *r);
const char *trace_reader_name(const struct trace_reader *r);
uint64_t trace_reader_file_size(const struct trace_reader *r);

/* The string table as known so far (all of it when the file has an index). */
uint32_t trace_reader_string_count(const struct trace_reader *r);
const char *trace_reader_string(const struct trace_reader *r, uint32_t index);

/* The trace's own description of hcalls and return codes (NULL if absent). */
const Ppcrr__HcallInfo *trace_reader_hcall_info(const struct trace_reader *r, uint32_t opcode);
const char *trace_reader_return_name(const struct trace_reader *r, int64_t value);

/* The index, if the file has a valid one; NULL otherwise. */
const Ppcrr__Index *trace_reader_index(const struct trace_reader *r);

const struct trace_reader_stats *trace_reader_stats(const struct trace_reader *r);

/* Why the trace ended early or what was ignored, or NULL when it is whole. */
const char *trace_reader_warning(const struct trace_reader *r);

#endif
