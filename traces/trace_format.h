/*
 * Turning trace events into words: one line of text a human reads
 * (`1234 0 0x1a2c H_PUT_TERM_CHAR(0x0, 1, 'h') = H_SUCCESS`) or one JSON
 * object a script reads. Names come from the trace itself (string table,
 * hcall descriptions in the header), so any trace prints without this
 * build knowing its hcalls. Used by `ppcrr trace dump` and by the replay
 * divergence reports; the escaping helpers at the end serve every trace
 * tool, so that they all show the same bytes the same way.
 */
#ifndef PPCRR_TRACES_TRACE_FORMAT_H
#define PPCRR_TRACES_TRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>
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

/* The same for an event whose names (string-table indexes) resolve
 * through STRING(CTX, index) rather than R's table -- an event the replay
 * produced. R still describes hcalls and return codes. */
typedef const char *(*trace_string_fn)(const void *ctx, uint32_t index);
void trace_format_body_names(FILE *out, const struct trace_reader *r, const Ppcrr__Event *e,
                             trace_string_fn string, const void *ctx);

/* Prints a name or other text from a trace so that it cannot break the
 * line or control the terminal: printable ASCII as is, anything else as
 * \xNN (and a backslash as \\). */
void trace_print_text(FILE *out, const char *s);

/* One byte of data as `ppcrr trace dump` shows it inside text quoted with
 * QUOTE: \n, \r and \t by name, a backslash before '\\' and QUOTE,
 * printable ASCII as is, anything else as \xNN. Writes the 1 to 4
 * characters to OUT (no terminating NUL) and returns how many. */
size_t trace_escape_byte(uint8_t c, char quote, char out[4]);

/* Digests and hashes: two lowercase hex digits a byte. */
void trace_print_hex(FILE *out, const uint8_t *p, size_t n);

/* Unpacks up to CAP of the COUNT bytes packed big-endian into the NV
 * 64-bit register values at V (how PAPR passes console text) into BUF;
 * returns how many it unpacked. */
size_t trace_unpack_be_bytes(const uint64_t *v, size_t nv, uint64_t count, uint8_t *buf, size_t cap);

/* A whole line: icount, cpu, pc, body, newline. */
void trace_format_text(FILE *out, const struct trace_reader *r, const struct trace_event *e);

/* One JSON object and a newline. */
void trace_format_json(FILE *out, const struct trace_reader *r, const struct trace_event *e);

/* ---- JSON strings, for every tool that writes JSON ---- */

/* What a JSON string does with bytes >= 0x80. Quotes and backslashes are
 * escaped with a backslash, and control characters and DEL as \u00NN, in
 * every mode, so the output is valid JSON whatever the input. */
enum trace_json_mode {
    /* Text from a trace or a file: names in a trace are UTF-8 (the writer
     * makes them so) and pass through; a string that is not valid UTF-8
     * (an ELF symbol or a path is just bytes) has each such byte mapped
     * to the code point of the same value, \u00NN. */
    TRACE_JSON_TEXT,
    /* Text the caller has already made valid UTF-8: passes through
     * without being checked again. */
    TRACE_JSON_UTF8,
    /* Raw bytes (input data): every one >= 0x80 is \u00NN, the code
     * point of the same value, so that none is lost. */
    TRACE_JSON_BYTES,
};

/* Where escaped characters go: N bytes at P (N > 0) to CTX. */
typedef void trace_json_put(void *ctx, const char *p, size_t n);

/* The N bytes at S as the characters of a JSON string (no quotes), as
 * MODE says, handed to PUT in runs. The one JSON escaper: the FILE forms
 * below and `trace export`'s in-memory buffers both go through it. */
void trace_json_escape(const char *s, size_t n, enum trace_json_mode mode, trace_json_put *put,
                       void *ctx);

/* S as the characters of a JSON string (TRACE_JSON_TEXT), no quotes. */
void trace_json_chars(FILE *out, const char *s);

/* S as a quoted JSON string (TRACE_JSON_TEXT). */
void trace_json_string(FILE *out, const char *s);

#endif
