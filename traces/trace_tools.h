/*
 * The trace tools behind `ppcrr trace ...`: each takes parsed options,
 * writes its report to OUT and problems to ERR, and returns the process
 * exit status (0 ok, 1 the trace is bad). Argument parsing lives in
 * harness/; these know nothing of the command line.
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

#endif
