/*
 * The recorder (DESIGN.md §1): an observer on the machine's event hook that
 * writes every event into a trace (traces/trace_writer.h). emu/ knows
 * nothing of it; `ppcrr record` attaches it.
 *
 *   r = recorder_attach(m, &options, err, len);   // right after machine_create
 *   ... hcall_init, vio_init, machine_realize, machine_load ...
 *   recorder_start(r, &info, err, len);           // header: needs the guest's tree
 *   machine_run(m);
 *   recorder_finish(r, err, len);                 // last chunk + index
 *
 * It attaches before the machine is built so that inputs read while
 * devices realize (the NVRAM file) are recorded; they are held until the
 * header is out. A write error (disk full...) ends the run with
 * EXIT_ERROR, naming the trace, rather than recording on with holes.
 */
#ifndef PPCRR_RECORD_RECORDER_H
#define PPCRR_RECORD_RECORDER_H

#include <stdbool.h>
#include <stddef.h>

#include "traces/trace_writer.h"

struct machine;

struct recorder_options {
    const char *path;
    struct trace_writer_options writer;   /* zero fields: the writer's defaults */
    bool no_host_time;     /* hcall host_ns written as 0: identical runs give identical files */
};

/* What the header says about the run beyond what the machine knows. */
struct recorder_info {
    const char *emulator_version;
    const char *build_id;
    int argc;                   /* the command line, as typed */
    char **argv;
    const char *restored_from;  /* --restore FILE, or NULL */
};

struct recorder;

struct recorder *recorder_attach(struct machine *m, const struct recorder_options *options, char *err,
                                 size_t errlen);

/* Writes the header: format, versions, the guest's device tree, each image
 * (-kernel, -initrd, -bios, -machine) with size and sha256, the command
 * line, timebase frequency, vCPUs, checkpoint interval, and the hcall and
 * return-code names. Call after machine_load. */
int recorder_start(struct recorder *r, const struct recorder_info *info, char *err, size_t errlen);

/* Writes the last chunk and the index, closes the file and frees R.
 * Returns -1 (with ERR) if anything failed during the recording. */
int recorder_finish(struct recorder *r, char *err, size_t errlen);

/* Frees R, leaving the file as a killed recorder would (no index). */
void recorder_abandon(struct recorder *r);

const struct trace_writer_stats *recorder_stats(const struct recorder *r);

#endif
