/*
 * `ppcrr trace stats`, the hypercall profiler: which hcalls and RTAS calls
 * a guest made, how often, how far apart in guest instructions, what each
 * cost in host time, and from where (the guest PCs that made them,
 * optionally as function+offset from the guest's ELF symbols).
 *
 * Names come from the trace itself -- hcall and return-code names from its
 * header, RTAS token names from its string table -- so any trace profiles
 * without this build knowing its hcalls. Like the other trace tools this
 * writes the report to OUT and problems to ERR and returns the exit
 * status; argument parsing is in harness/cmd_trace_stats.c.
 */
#ifndef PPCRR_TRACES_TRACE_STATS_H
#define PPCRR_TRACES_TRACE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_STATS_DEFAULT_TOP 5

struct trace_stats_options {
    bool json;              /* one JSON object instead of the text report */
    const char *symbols;    /* ELF file naming call sites, or NULL */
    uint32_t top;           /* call sites listed per call and overall */
};

/* Profiles the trace at PATH (OPT NULL: text, no symbols, the default
 * top). Returns 0 when the trace was read to its end -- a trace cut short
 * is profiled up to its last complete chunk, with the reader's warning on
 * ERR -- and 1 when the trace or the symbol file cannot be read (a
 * trace damaged part way is profiled up to the damage, then the error goes
 * to ERR) or OUT cannot be written. */
int trace_tool_stats(const char *path, const struct trace_stats_options *opt, FILE *out,
                     FILE *err);

/* The nearest-rank PERCENT-th percentile of the N (> 0) ascending values
 * in SORTED: the smallest value with at least PERCENT% of them at or below
 * it (so 1..100 has p50 = 50 and p99 = 99). 0 when N is 0. */
uint64_t trace_stats_percentile(const uint64_t *sorted, size_t n, unsigned percent);

#endif
