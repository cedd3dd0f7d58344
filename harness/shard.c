/*
 * Shards (shard.h): the stable name hash that puts each case in one slice
 * of the matrix, and which slice this process runs, from --shard or from
 * the environment a CI system sets up. The CI conventions are rows of one
 * table; each says which variables carry the index and the count and
 * whether the index counts from 0 or 1.
 */
#include "harness/shard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned shard_of(const char *name, unsigned total)
{
    uint64_t h = 0xcbf29ce484222325ull;                 /* FNV-1a 64 */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ull;
    return total ? (unsigned)(h % total) : 0;
}

/* A plain decimal number (digits only, no sign or blanks), at most MAX. */
static bool parse_number(const char *text, unsigned max, unsigned *out)
{
    unsigned long v = 0;
    if (!*text)
        return false;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned long)(*p - '0');
        if (v > max)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

bool shard_parse(const char *text, struct shard *s)
{
    const char *slash = strchr(text, '/');
    char k_text[16];
    unsigned k, n;
    if (!slash || (size_t)(slash - text) >= sizeof k_text)
        return false;
    memcpy(k_text, text, (size_t)(slash - text));
    k_text[slash - text] = 0;
    if (!parse_number(k_text, SHARD_MAX, &k) || !parse_number(slash + 1, SHARD_MAX, &n) || k < 1 ||
        k > n)
        return false;
    *s = (struct shard){ k - 1, n, "--shard" };
    return true;
}

/* getenv, with the empty string as unset (`VAR= cmd` and CI templates
 * that always export a variable). */
static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

struct convention {
    const char *source;
    const char *index_var;
    const char *total_var;      /* NULL: --shards gives the count */
    unsigned base;              /* what the first shard's index is */
    bool total_selects;         /* the count variable alone selects it too */
};

/* In precedence order. GitLab's CI_NODE_TOTAL does not select GitLab on
 * its own: GitLab sets it to 1 on every job without `parallel`. */
static const struct convention conventions[] = {
    { "bazel", "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", 0, true },
    { "gitlab", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1, false },
    { "kubernetes", "JOB_COMPLETION_INDEX", NULL, 0, false },
};

static bool applies(const struct convention *cv)
{
    return env(cv->index_var) || (cv->total_selects && env(cv->total_var));
}

/* Bazel's test runner protocol: touching the status file says "this test
 * shards"; without it Bazel assumes every shard ran everything. */
static int touch_status_file(char *err, size_t errlen)
{
    const char *path = env("TEST_SHARD_STATUS_FILE");
    if (!path)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0666);
    if (fd < 0 || futimens(fd, NULL) < 0) {
        snprintf(err, errlen, "TEST_SHARD_STATUS_FILE: cannot touch '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* The count for CV: its variable, or --shards. */
static int convention_total(const struct convention *cv, unsigned shards_flag, unsigned *total,
                            char *err, size_t errlen)
{
    if (!cv->total_var) {
        if (!shards_flag) {
            snprintf(err, errlen, "%s is set: give the number of shards with --shards N", cv->index_var);
            return -1;
        }
        *total = shards_flag;
        return 0;
    }
    const char *text = env(cv->total_var);
    if (!text) {
        snprintf(err, errlen, "%s is set but %s is not", cv->index_var, cv->total_var);
        return -1;
    }
    if (!parse_number(text, SHARD_MAX, total) || *total < 1) {
        snprintf(err, errlen, "%s: '%s' is not a shard count from 1 to %d", cv->total_var, text,
                 SHARD_MAX);
        return -1;
    }
    return 0;
}

static int from_convention(const struct convention *cv, unsigned shards_flag, struct shard *s,
                           char *err, size_t errlen)
{
    const char *text = env(cv->index_var);
    unsigned total, index;
    if (!text) {
        snprintf(err, errlen, "%s is set but %s is not", cv->total_var, cv->index_var);
        return -1;
    }
    if (convention_total(cv, shards_flag, &total, err, errlen) < 0)
        return -1;
    if (!parse_number(text, SHARD_MAX + cv->base, &index) || index < cv->base ||
        index >= total + cv->base) {
        snprintf(err, errlen, "%s: '%s' is not a shard index from %u to %u (%u shards)", cv->index_var,
                 text, cv->base, total - 1 + cv->base, total);
        return -1;
    }
    *s = (struct shard){ index - cv->base, total, cv->source };
    return strcmp(cv->source, "bazel") == 0 ? touch_status_file(err, errlen) : 0;
}

int shard_select(const char *flag, unsigned shards_flag, struct shard *s, char *err, size_t errlen)
{
    if (shards_flag > SHARD_MAX) {
        snprintf(err, errlen, "--shards: %u is not a shard count from 1 to %d", shards_flag, SHARD_MAX);
        return -1;
    }
    if (flag && shards_flag) {
        snprintf(err, errlen, "--shard K/N and --shards N do not go together (--shards is for "
                 "JOB_COMPLETION_INDEX)");
        return -1;
    }
    if (shards_flag && !env("JOB_COMPLETION_INDEX")) {
        snprintf(err, errlen, "--shards N is for Kubernetes indexed jobs, but JOB_COMPLETION_INDEX "
                 "is not set (use --shard K/N)");
        return -1;
    }
    if (flag) {
        if (shard_parse(flag, s))
            return 0;
        snprintf(err, errlen, "--shard: '%s' is not K/N with 1 <= K <= N <= %d", flag, SHARD_MAX);
        return -1;
    }
    for (size_t i = 0; i < sizeof conventions / sizeof conventions[0]; i++)
        if (applies(&conventions[i]))
            return from_convention(&conventions[i], shards_flag, s, err, errlen);
    *s = (struct shard){ 0, 1, "none" };
    return 0;
}
