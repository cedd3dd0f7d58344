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
 */
#ifndef PPCRR_HARNESS_RESULTS_H
#define PPCRR_HARNESS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

const char *case_status_name(enum case_status s);

/* TAP version 13: a plan, one test point per case ("ok 3 - hello"), a YAML
 * diagnostic block (status, duration, exit code/signal, trace, report,
 * output tail) under each failure. */
void results_write_tap(FILE *out, const struct run_results *r);
int results_write_junit(const char *path, const struct run_results *r, char *err, size_t errlen);
int results_write_json(const char *path, const struct run_results *r, char *err, size_t errlen);

/* Reads what results_write_json wrote; -1 with a message naming the file
 * (and offset) for anything else. */
int results_read_json(const char *path, struct run_results *r, char *err, size_t errlen);
void results_free(struct run_results *r);

/* Combines shard results: cases concatenated (sorted by name); DUPLICATES
 * and MISSING (matrix cases in no shard) listed for the caller to report.
 * -1 if the inputs disagree on the matrix (a message says how). */
int results_merge(const struct run_results *parts, size_t n, struct run_results *merged, char ***duplicates,
                  size_t *n_duplicates, char ***missing, size_t *n_missing, char *err, size_t errlen);

#endif
