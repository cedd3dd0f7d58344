/*
 * `ppcrr trace export`: turns a trace into a timeline that the Perfetto UI
 * (ui.perfetto.dev) or chrome://tracing opens, so that a boot can be looked
 * at rather than read.
 *
 * The time axis is the guest's instruction count: 1 ns on the timeline is
 * 1 guest instruction (an event's icount is its timestamp). Each vCPU gets
 * a track inside a process "ppcrr guest"; hcalls and RTAS calls are slices
 * on it (named H_ENTER, get-time-of-day, ...; their arguments, results and
 * host cost as annotations), MMIO accesses, interrupts, inputs, checkpoints
 * and exits are instants on it; every IRQ line gets a track of its own for
 * its edges; a counter track gives the hcall rate per
 * TRACE_EXPORT_COUNTER_WINDOW instructions.
 *
 * An hcall takes no guest instructions, so its slice is given its host cost
 * (host_ns) as its length -- clamped so that it ends before the next event
 * of its vCPU, and at least 1 long. An RTAS call (recorded just before the
 * KVMPPC_H_RTAS hcall that carried it, at the same icount) is drawn inside
 * that hcall's slice.
 *
 * Perfetto output is a `perfetto.protos.Trace` (traces/perfetto_trace.proto)
 * written packet by packet, so a trace of any length exports in constant
 * memory. Chrome output is the Chrome JSON trace format ("traceEvents"),
 * fine for small traces. The same trace always gives the same bytes.
 */
#ifndef PPCRR_TRACES_TRACE_EXPORT_H
#define PPCRR_TRACES_TRACE_EXPORT_H

#include <stdio.h>

enum trace_export_format {
    TRACE_EXPORT_PERFETTO,
    TRACE_EXPORT_CHROME,
};

struct trace_export_options {
    enum trace_export_format format;
    /* The file to write, or "-" for standard output. A regular file is
     * written under a temporary name and renamed into place only when the
     * export succeeded, so a failed export leaves no partial file. */
    const char *output;
};

/* Instructions per sample of the hcall-rate counter. */
#define TRACE_EXPORT_COUNTER_WINDOW 1000000u

/* The counter track's name. */
#define TRACE_EXPORT_COUNTER_NAME "hcalls per 1M instructions"

/* vCPU numbers must stay below this (one track each). */
#define TRACE_EXPORT_MAX_VCPUS 65536u

/* Exports the trace at PATH as OPT says; problems go to ERR. Returns the
 * exit status: 0 done (a trace cut short exports what it holds, with a
 * warning), 1 the trace cannot be read or the output cannot be written. */
int trace_tool_export(const char *path, const struct trace_export_options *opt, FILE *err);

#endif
