/*
 * Sharding the matrix across processes and machines: a case belongs to
 * shard (stable hash of its name) mod N, so N machines given shards 1..N
 * run every case exactly once, whatever order the matrix lists them in.
 *
 * The hash is FNV-1a 64 over the name's bytes, taken mod N: it depends on
 * the name alone, so adding a case never moves another one, and any tool
 * can recompute it.
 *
 * Where the shard comes from, the first that applies:
 *   --shard K/N                  K from 1 to N
 *   Bazel: TEST_SHARD_INDEX (0-based) and TEST_TOTAL_SHARDS, used when
 *          either is set; the harness then touches TEST_SHARD_STATUS_FILE
 *          (if set) to tell Bazel it shards
 *   GitLab: CI_NODE_INDEX (1-based) and CI_NODE_TOTAL (`parallel: N`), used
 *          when CI_NODE_INDEX is set (GitLab sets CI_NODE_TOTAL=1 on every
 *          job that does not run in parallel)
 *   Kubernetes indexed jobs: JOB_COMPLETION_INDEX (0-based) with --shards N
 *          (the Job's completions, which Kubernetes does not put in the
 *          environment)
 *   none of these: one shard, everything
 * A variable set to the empty string counts as unset. Errors: a variable
 * that is not a plain decimal number, a count outside 1..SHARD_MAX, an
 * index outside its range, one variable of a pair without the other,
 * JOB_COMPLETION_INDEX without --shards, --shards without
 * JOB_COMPLETION_INDEX, --shard with --shards, and a status file that
 * cannot be touched. The message names the variable or option.
 */
#ifndef PPCRR_HARNESS_SHARD_H
#define PPCRR_HARNESS_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHARD_MAX 10000     /* most shards any convention may ask for */

struct shard {
    unsigned index;     /* 0-based */
    unsigned total;     /* >= 1 */
    const char *source; /* "--shard", "bazel", "gitlab", "kubernetes", "none" */
};

/* "K/N" (decimal, 1 <= K <= N <= SHARD_MAX) into S (source "--shard"). */
bool shard_parse(const char *text, struct shard *s);

/* The shard for this process: FLAG ("K/N" or NULL), SHARDS_FLAG (--shards
 * N for Kubernetes, 0 if not given) and the environment (getenv). Returns
 * 0, or -1 with a message for a malformed or inconsistent setting (see
 * above). Touches TEST_SHARD_STATUS_FILE when Bazel's variables are used. */
int shard_select(const char *flag, unsigned shards_flag, struct shard *s, char *err, size_t errlen);

/* The shard (0-based) NAME belongs to among TOTAL (0 if TOTAL is 0). */
unsigned shard_of(const char *name, unsigned total);

#endif
