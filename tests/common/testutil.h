/* Small helpers for C tests: scratch directories, whole files, event compare. */
#ifndef PPCRR_TESTS_TESTUTIL_H
#define PPCRR_TESTS_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trace.pb-c.h"

/* A fresh directory under $TMPDIR (or /tmp), removed by test_scratch_cleanup. */
const char *test_scratch_dir(void);
void test_scratch_cleanup(void);

/* "<scratch>/NAME" in a static rotating buffer. */
const char *test_path(const char *name);

/* The whole file, malloc'ed; NULL on error. */
uint8_t *test_read_file(const char *path, size_t *len);
bool test_write_file(const char *path, const void *data, size_t len);

/* True if A and B hold the same event apart from icount_delta (which only
 * means something relative to its neighbours). */
bool test_same_event(const Ppcrr__Event *a, const Ppcrr__Event *b);

#endif
