/*
 * Sharding the matrix across processes and machines: a case belongs to
 * shard (stable hash of its name) mod N, so N machines given shards 1..N
 * run every case exactly once, whatever order the matrix lists them in.
 *
 * Where the shard comes from, in this order:
 *   --shard K/N                  K from 1 to N
 *   Bazel: TEST_SHARD_INDEX (0-based) and TEST_TOTAL_SHARDS; the harness
 *          touches TEST_SHARD_STATUS_FILE to say it shards
 *   GitLab: CI_NODE_INDEX (1-based) and CI_NODE_TOTAL (`parallel: N`)
 *   Kubernetes indexed jobs: JOB_COMPLETION_INDEX (0-based) with --shards N
 *   none of these: one shard, everything
 */
#ifndef PPCRR_HARNESS_SHARD_H
#define PPCRR_HARNESS_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct shard {
    unsigned index;     /* 0-based */
    unsigned total;     /* >= 1 */
    const char *source; /* "--shard", "bazel", "gitlab", "kubernetes", "none" */
};

/* "K/N" (1 <= K <= N <= 10000) into S. */
bool shard_parse(const char *text, struct shard *s);

/* The shard for this process: FLAG ("K/N" or NULL), SHARDS_FLAG (--shards
 * N for Kubernetes, 0 if not given) and the environment (getenv). Returns
 * -1 with a message for a malformed or inconsistent setting. Touches
 * TEST_SHARD_STATUS_FILE when Bazel's variables are used. */
int shard_select(const char *flag, unsigned shards_flag, struct shard *s, char *err, size_t errlen);

/* The shard (0-based) NAME belongs to among TOTAL. */
unsigned shard_of(const char *name, unsigned total);

#endif
