/*
 * The trace tools behind `ppcrr trace ...`: each takes parsed options,
 * writes its report to OUT and problems to ERR, and returns the process
 * exit status (0 ok, 1 the trace is bad). Argument parsing lives in
 * harness/; these know nothing of the command line. The helpers at the
 * end keep the tools' common steps -- opening the trace, reporting how
 * reading it ended, checking the output -- worded alike.
 */
#ifndef PPCRR_TRACES_TRACE_TOOLS_H
#define PPCRR_TRACES_TRACE_TOOLS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

int trace_tool_info(const char *path, FILE *out, FILE *err);

struct trace_dump_options {
    bool json;
    uint64_t from_icount;   /* first icount shown */
    uint64_t to_icount;     /* last icount shown (inclusive) */
};

int trace_tool_dump(const char *path, const struct trace_dump_options *opt, FILE *out, FILE *err);

/* ---- shared by the tools (info, dump, stats, export) ---- */

struct trace_error;
struct trace_reader;

/* Opens the trace at PATH; when it cannot be read, says why on ERROUT
 * (from ERR) and returns NULL, and the tool exits 1. */
struct trace_reader *trace_tool_open(const char *path, struct trace_error *err, FILE *errout);

/* How reading R ended, on ERR: ERROR (a damaged trace; NULL if none) and
 * status 1, else the reader's warning about a trace cut short, if any,
 * and status 0. */
int trace_tool_verdict(FILE *err, const struct trace_reader *r, const char *error);

/* STATUS, or 1 when OUT could not be written (a full disk, a closed pipe),
 * which is then said on ERR: a report is only useful if it was written. */
int trace_tool_finish_output(FILE *out, FILE *err, int status);

#endif
