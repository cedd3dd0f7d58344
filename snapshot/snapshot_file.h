/*
 * Snapshot files (snapshot.proto): saving a machine's state and restoring
 * it into a machine freshly built from the same command line.
 *
 * This folder sits beside record/ and replay/: it needs the machine
 * (emu/snapshot.h gives the state as a walk of parts, RAM and the page
 * table) and the trace container's pieces (traces/: zstd frame scanning,
 * error sentences, sha256), and neither emu/ (which includes nothing from
 * other folders) nor traces/ (which knows no machine) could hold it.
 *
 * Bad input -- a truncated, corrupted or foreign file, a snapshot of
 * another machine -- is refused with a sentence naming the file and, where
 * it applies, the byte offset, the part and the field; never a crash (the
 * reader is fuzzed: tests/fuzz/fuzz_snapshot_reader.c).
 */
#ifndef PPCRR_SNAPSHOT_SNAPSHOT_FILE_H
#define PPCRR_SNAPSHOT_SNAPSHOT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot/snapshot.pb-c.h"
#include "traces/trace_file.h"

#define SNAPSHOT_FORMAT_VERSION 1u
#define SNAPSHOT_MIN_READER_VERSION 1u
#define SNAPSHOT_READER_VERSION 1u
#define SNAPSHOT_SIG_MAGIC (TRACE_SKIPPABLE_BASE + 0x2)
#define SNAPSHOT_SIGNATURE "PPCRRSNP"
#define SNAPSHOT_SIGNATURE_LEN 8
/* A data frame's content at most (writers keep RAM and page-table frames
 * to a quarter of it), so a hostile file cannot make the reader allocate
 * without bound. */
#define SNAPSHOT_MAX_FRAME_CONTENT (32u << 20)

struct machine;

/* What the header says beyond what the machine knows. */
struct snapshot_info {
    const char *emulator_version;
    const char *build_id;
    int argc;                   /* the command line that built the machine */
    char **argv;
};

/* Writes M's state now (at a round boundary) to PATH, through a temporary
 * file renamed into place, so a killed writer leaves no half snapshot. */
int snapshot_save(struct machine *m, const char *path, const struct snapshot_info *info,
                  struct trace_error *err);

/* Checks that the snapshot at PATH is of M's machine (vCPUs, RAM, page
 * table size, device tree, images by sha256), then loads its state over M.
 * When BUILD_ID is the saving build's, the state digest is taken again and
 * must be the one saved (across builds it cannot be compared: it hashes
 * the vCPU state as this build lays it out). On failure M is half loaded
 * and must not run. */
int snapshot_restore(struct machine *m, const char *path, const char *build_id, struct trace_error *err);

/* ---- reading without a machine (restore, tools, the fuzzer) ---------- */

struct snapshot_reader;

/* Reads the whole file (or DATA, which must outlive the reader) and
 * decodes its first frame: header and parts. NULL with ERR on failure. */
struct snapshot_reader *snapshot_reader_open(const char *path, struct trace_error *err);
struct snapshot_reader *snapshot_reader_open_mem(const void *data, size_t size, const char *name,
                                                 struct trace_error *err);
void snapshot_reader_close(struct snapshot_reader *r);

/* The first frame (header, parts, and whatever else it holds). */
const Ppcrr__Snapshot *snapshot_reader_first(const struct snapshot_reader *r);
const char *snapshot_reader_name(const struct snapshot_reader *r);

/* The next data frame after the first, checked: 1 and *FRAME (valid until
 * the next call) and *OFFSET, or 0 at a well-formed end, or -1. */
int snapshot_reader_next(struct snapshot_reader *r, const Ppcrr__Snapshot **frame, uint64_t *offset,
                         struct trace_error *err);

#endif
