/*
 * Results of a harness run: one record per case, written as TAP (stdout),
 * JUnit XML (--junit FILE) and JSON (--json FILE), and read back from JSON
 * to merge the shards of a sharded run (`ppcrr harness merge`).
 *
 * The JSON (one object):
 *   { "format": "ppcrr-harness-results", "version": 1,
 *     "matrix": "tests/matrix/guests.cfg", "mode": "check",
 *     "shard": { "index": 0, "total": 3 },
 *     "build_id": "...", "ppcrr_version": "...",
 *     "matrix_cases": ["hello", ...],            (every case of the matrix, all shards)
 *     "cases": [ { "name", "status", "duration", "exit_code", "signal",
 *                  "trace", "report", "output" } ... ] }
 * status is one of pass, fail, timeout, crash, error, skip.
 *
 * Required: every key above except build_id and ppcrr_version (top level)
 * and trace, report and output (cases), which may be null or absent (both
 * read as NULL). shard.index is 0-based (shard K/N of --shard is index
 * K-1), 0 <= index < total <= RESULTS_MAX_SHARDS; version is 1; matrix,
 * mode and names are non-empty and matrix_cases holds each name once (a
 * case may appear in cases more than once: merge reports it); duration is
 * seconds >= 0; exit_code and signal are integers, signal >= 0. Keys this
 * build does not know are ignored; a key given twice is an error. The
 * writer refuses (and so never writes) what the reader would refuse, but
 * writes a NaN or negative duration as 0. Strings are written with
 * trace_json_escape (TRACE_JSON_TEXT): a string that is not valid UTF-8
 * has each byte >= 0x80 written as \u00NN and so reads back as the UTF-8
 * of that Latin-1 character -- still all the information, never an
 * unreadable file.
 */
#ifndef PPCRR_HARNESS_RESULTS_H
#define PPCRR_HARNESS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define RESULTS_FORMAT "ppcrr-harness-results"
#define RESULTS_VERSION 1
#define RESULTS_MAX_SHARDS 10000        /* as shard_parse allows */
#define RESULTS_TAP_OUTPUT_LINES 40     /* output lines shown under a failure in the TAP */

enum case_status { CASE_PASS, CASE_FAIL, CASE_TIMEOUT, CASE_CRASH, CASE_ERROR, CASE_SKIP };

struct case_result {
    char *name;
    enum case_status status;
    double duration;            /* seconds */
    int exit_code;              /* -1 if killed by a signal */
    int signal;                 /* 0 if none */
    char *trace;                /* the golden / recorded trace, or NULL */
    char *report;               /* why it failed: divergence report, expectation, ... (NULL: none) */
    char *output;               /* captured console and stderr (may be truncated), or NULL */
};

struct run_results {
    char *matrix, *mode, *build_id, *ppcrr_version;
    unsigned shard_index, shard_total;
    char **matrix_cases;        /* every case name of the matrix */
    size_t n_matrix_cases;
    struct case_result *cases;
    size_t n_cases;
};

/* "pass", "fail", "timeout", "crash", "error", "skip"; "unknown" for a
 * value outside the enum. */
const char *case_status_name(enum case_status s);

/* The status NAME names (exactly as case_status_name spells it). */
bool case_status_parse(const char *name, enum case_status *s);

/* TAP version 13: "TAP version 13", the plan "1..N", then one test point
 * per case in R's order: "ok 3 - hello", "not ok 4 - smp-2", skips as
 * "ok 5 - x # SKIP <first non-blank line of report>". A '#' in a name is
 * written \x23 so that a name cannot fake a directive (TAP 14's \# is not
 * understood by meson's parser). Names and reasons are one line: control
 * characters and invalid UTF-8 in them are escaped as in the blocks below.
 * Under every case that did not pass (skips included), a YAML block
 * indented two spaces, between "  ---" and "  ...":
 *     status: fail
 *     duration: 1.234                      (seconds, 3 decimals)
 *     exit_code: 1          or   signal: 9 (when killed by a signal)
 *     trace: "golden/hello.trace"          (if any; YAML double-quoted)
 *     report: |                            (if any; report: "" if blank)
 *           <each line, indented four more spaces than the key>
 *     output_lines_omitted: 83             (if output has more than 40 lines)
 *     output: |                            (if any: its last 40 lines)
 *           ...
 * A blank starting a block's first line is written \x20 (or \x09), since
 * YAML takes that line's indentation for the block's. Inside blocks: invalid
 * UTF-8, control characters (tab apart) and characters YAML does not allow
 * or takes for line breaks (C1 controls, U+2028, U+2029, U+FEFF, U+FFFE,
 * U+FFFF) appear as the text \xNN / \uNNNN; blank lines are left out and
 * a line beginning with "..." has its first dot written \x2e, because TAP
 * readers (meson's among them) strip trailing blanks and then take an
 * empty or "..." line for the end of the block. Every line of a block
 * starts with at least two spaces, so output such as "not ok 1" can never
 * be taken for a test point. */
void results_write_tap(FILE *out, const struct run_results *r);

/* JUnit XML: <testsuites> holding one <testsuite name="ppcrr harness MODE"
 * tests= failures= errors= skipped= time=> (failures: fail, timeout and
 * crash; errors: error; time: the sum of the durations), its properties
 * (matrix, mode, shard, build_id, ppcrr_version) and one <testcase
 * classname="ppcrr.BASE" name= time=> per case, BASE being the matrix
 * file's name without directory and extension (other dots as '_': JUnit
 * readers split a classname at dots). A fail, timeout or crash holds
 * <failure message="STATUS: first line of report" type="STATUS"> with the
 * report (without a report the message describes the exit), an error the
 * same as <error>, a skip <skipped message=.../>; any case with output
 * has <system-out>. Text is escaped (& < > " '), and what XML 1.0 cannot
 * hold (control characters other than tab, newline and carriage return,
 * U+FFFE, U+FFFF, invalid UTF-8) is replaced by the text \xNN / \uNNNN.
 * Written to a temporary file beside PATH and renamed over it, so PATH is
 * never half written. -1 with a message on error. */
int results_write_junit(const char *path, const struct run_results *r, char *err, size_t errlen);

/* The JSON above, written atomically like the JUnit. -1 with a message on
 * error, also if R lacks a required string (matrix, mode, a name). */
int results_write_json(const char *path, const struct run_results *r, char *err, size_t errlen);

/* Reads what results_write_json wrote, with a strict JSON parser (RFC
 * 8259: no comments, trailing commas, BOM, invalid UTF-8 or \u0000;
 * nesting, file size and value count bounded). -1 with a message naming
 * the file and byte offset ("f.json: byte 17: ...") for anything else;
 * R is then empty. */
int results_read_json(const char *path, struct run_results *r, char *err, size_t errlen);

/* The same for the LEN bytes at DATA, named NAME in messages (what the
 * fuzzer and the tests feed it). */
int results_parse_json(const char *name, const void *data, size_t len, struct run_results *r, char *err,
                       size_t errlen);

/* Frees what R holds and empties it; an empty R is fine. */
void results_free(struct run_results *r);

/* Combines shard results into MERGED (which owns copies of everything):
 * every case of every part, sorted by name (a name in several parts keeps
 * the parts' order), matrix_cases sorted, matrix, mode, build_id and
 * ppcrr_version from the first part, shard 0 of 1. DUPLICATES: the names
 * with more than one result; MISSING: the matrix cases with none; both
 * sorted, malloc'ed, freed with results_free_names. -1 (a message says
 * which input, counted from 1, differs how; nothing to free) if there is
 * no part, or the parts disagree on matrix, mode, matrix_cases (as a set)
 * or shard total, or a part has a case its matrix lacks. */
int results_merge(const struct run_results *parts, size_t n, struct run_results *merged, char ***duplicates,
                  size_t *n_duplicates, char ***missing, size_t *n_missing, char *err, size_t errlen);

/* Frees a name list from results_merge. */
void results_free_names(char **names, size_t n);

#endif
