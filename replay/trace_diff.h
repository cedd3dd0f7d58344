/*
 * Comparing two event streams as a diff (`ppcrr trace diff A B`, and
 * `ppcrr replay --tolerant`, which records what the replay produces and
 * diffs it against the trace): the streams are aligned on what each
 * event *is* (event_identity: the call and its arguments), so one changed
 * return value shows as one changed event and not as everything after it
 * differing; then every difference is listed, unified-diff style:
 *
 *   @@ events 120..131 of A, 120..131 of B @@
 *     177705 0 0x1708 H_PUT_TERM_CHAR(...) = H_SUCCESS
 *   ~ 177854 0 0x1708 H_PUT_TERM_CHAR(...) = H_SUCCESS
 *   ~>177854 0 0x1708 H_PUT_TERM_CHAR(...) = H_BUSY
 *   #   H_PUT_TERM_CHAR returned H_BUSY, trace has H_SUCCESS
 *   - 180157 0 0x1708 ...          (only in A)
 *   + 180160 0 0x1708 ...          (only in B)
 */
#ifndef PPCRR_REPLAY_TRACE_DIFF_H
#define PPCRR_REPLAY_TRACE_DIFF_H

#include <stdint.h>
#include <stdio.h>

struct trace_diff_options {
    unsigned context;       /* equal events shown around a difference (default 3) */
    uint64_t max_edits;     /* give up aligning beyond this many (default 100000) */
    const char *label_a, *label_b;   /* names in the report ("trace", "replay") */
    uint64_t until;         /* compare only events before this icount, 0 = all */
};

/* 0 the streams are the same, 1 they differ (listed on OUT), 2 a trace
 * could not be read or the alignment gave up (message on ERR). */
int trace_diff(const char *path_a, const char *path_b, const struct trace_diff_options *opt, FILE *out,
               FILE *err);

#endif
