/*
 * Turning trace events into words: one line of text a human reads
 * (`1234 0 0x1a2c H_PUT_TERM_CHAR(0x0, 1, 'h') = H_SUCCESS`) or one JSON
 * object a script reads. Names come from the trace itself (string table,
 * hcall descriptions in the header), so any trace prints without this
 * build knowing its hcalls. Used by `ppcrr trace dump` and by the replay
 * divergence reports.
 */
#ifndef PPCRR_TRACES_TRACE_FORMAT_H
#define PPCRR_TRACES_TRACE_FORMAT_H

#include <stdio.h>

#include "traces/trace_reader.h"

/* "hcall", "rtas", ... */
const char *trace_kind_name(Ppcrr__Event__KindCase kind);

/* "power-off", "reboot", ... */
const char *trace_exit_reason_name(Ppcrr__Exit__Reason reason);

/* "decrementer" for 0x900; NULL for a vector with no name. */
const char *trace_vector_name(uint32_t vector);

/* The event's body without icount/cpu/pc, e.g. `H_CEDE() = H_SUCCESS`. */
void trace_format_body(FILE *out, const struct trace_reader *r, const Ppcrr__Event *e);

/* Prints a name or other text from a trace so that it cannot break the
 * line or control the terminal: printable ASCII as is, anything else as
 * \xNN (and a backslash as \\). */
void trace_print_text(FILE *out, const char *s);

/* A whole line: icount, cpu, pc, body, newline. */
void trace_format_text(FILE *out, const struct trace_reader *r, const struct trace_event *e);

/* One JSON object and a newline. */
void trace_format_json(FILE *out, const struct trace_reader *r, const struct trace_event *e);

#endif
