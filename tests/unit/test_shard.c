/*
 * Sharding (harness/shard.h): the name hash against values computed
 * independently, shards of a 200-name set that are disjoint, cover
 * everything and are roughly even for N = 1..5, "K/N" parsing, and
 * shard_select under --shard and each CI convention (Bazel, GitLab,
 * Kubernetes), which must all name the same 0-based shard, with Bazel's
 * status file touched, precedence between them, and every error naming
 * the variable or option at fault.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness/shard.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

static const char *const all_vars[] = {
    "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", "TEST_SHARD_STATUS_FILE", "CI_NODE_INDEX",
    "CI_NODE_TOTAL", "JOB_COMPLETION_INDEX",
};

/* Clears every variable shard_select looks at, then sets NAME=VALUE pairs
 * from a NULL-terminated list. */
static void env_set(const char *first, ...)
{
    for (size_t i = 0; i < sizeof all_vars / sizeof all_vars[0]; i++)
        unsetenv(all_vars[i]);
    va_list ap;
    va_start(ap, first);
    for (const char *name = first; name; name = va_arg(ap, const char *))
        setenv(name, va_arg(ap, const char *), 1);
    va_end(ap);
}

static char err[1024];

/* shard_select gives INDEX/TOTAL from SOURCE. */
static void check_select(const char *desc, const char *flag, unsigned shards, unsigned index,
                         unsigned total, const char *source)
{
    struct shard s = { 99, 99, "unset" };
    err[0] = 0;
    if (!ok(shard_select(flag, shards, &s, err, sizeof err) == 0, "%s: selects", desc)) {
        tap_diag("%s", err);
        return;
    }
    is_u64(s.index, index, "%s: index", desc);
    is_u64(s.total, total, "%s: total", desc);
    is_str(s.source, source, "%s: source", desc);
}

/* shard_select fails with a message holding WHAT. */
static void check_refused(const char *desc, const char *flag, unsigned shards, const char *what)
{
    struct shard s;
    err[0] = 0;
    ok(shard_select(flag, shards, &s, err, sizeof err) == -1, "%s: refused", desc);
    has_substr(err, what, "%s: message", desc);
}

static void test_hash(void)
{
    /* Python: h = 0xcbf29ce484222325; for b in name: h = ((h ^ b) *
     * 0x100000001b3) % 2**64; then h % N.
     *   ""           0xcbf29ce484222325  %3=2 %7=2 %10000=6037
     *   "a"          0xaf63dc4c8601ec8c  %3=1 %7=5 %10000=1996
     *   "hello"      0xa430d84680aabd0b  %3=0 %7=5 %10000=6491
     *   "smp-2"      0xfc54d87297b6b334  %3=0 %7=1 %10000=9380
     *   "linux-boot" 0x991de11d3a403398  %3=2 %7=6 %10000=456 */
    static const struct { const char *name; unsigned mod3, mod7, mod10000; } want[] = {
        { "", 2, 2, 6037 },      { "a", 1, 5, 1996 },         { "hello", 0, 5, 6491 },
        { "smp-2", 0, 1, 9380 }, { "linux-boot", 2, 6, 456 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        is_u64(shard_of(want[i].name, 3), want[i].mod3, "'%s' of 3", want[i].name);
        is_u64(shard_of(want[i].name, 7), want[i].mod7, "'%s' of 7", want[i].name);
        is_u64(shard_of(want[i].name, 10000), want[i].mod10000, "'%s' of 10000", want[i].name);
        is_u64(shard_of(want[i].name, 1), 0, "'%s' of 1", want[i].name);
    }
    is_u64(shard_of("hello", 0), 0, "total 0 does not divide by zero");
}

static void test_partition(void)
{
    char names[200][16];
    for (int i = 0; i < 200; i++)
        snprintf(names[i], sizeof names[i], "case-%03d", i);
    for (unsigned n = 1; n <= 5; n++) {
        unsigned count[5] = { 0 }, seen[200] = { 0 };
        bool in_range = true;
        /* As `harness list --shard K/N` does: each shard picks its names. */
        for (unsigned k = 0; k < n; k++)
            for (int i = 0; i < 200; i++)
                if (shard_of(names[i], n) == k) {
                    seen[i]++;
                    count[k]++;
                }
        bool once = true;
        for (int i = 0; i < 200; i++) {
            once &= seen[i] == 1;
            in_range &= shard_of(names[i], n) < n;
        }
        ok(once && in_range, "N=%u: every name in exactly one shard", n);
        unsigned sum = 0, min = 200, max = 0;
        for (unsigned k = 0; k < n; k++) {
            sum += count[k];
            min = count[k] < min ? count[k] : min;
            max = count[k] > max ? count[k] : max;
        }
        is_u64(sum, 200, "N=%u: the shards hold 200 names in all", n);
        /* Mean 200/N; a binomial spread is ~sqrt(200/N): +-50% is
         * many deviations, so only a broken hash fails this. */
        ok(min * 2 * n >= 200 && max * 2 * n <= 3 * 200, "N=%u: balanced (smallest %u, largest %u)", n,
           min, max);
    }
}

static void test_parse(void)
{
    struct shard s;
    ok(shard_parse("1/1", &s) && s.index == 0 && s.total == 1, "1/1");
    ok(shard_parse("3/5", &s) && s.index == 2 && s.total == 5 && strcmp(s.source, "--shard") == 0,
       "3/5 is index 2 of 5");
    ok(shard_parse("10000/10000", &s) && s.index == 9999, "10000/10000");
    static const char *const bad[] = { "0/3", "4/3", "1/0", "0/0", "1/10001", "a/b", "1/", "/3", "1/3x",
                                       "+1/3", " 1/3", "1/ 3", "1//3", "1", "", "-1/3", "1/3/5",
                                       "99999999999999999999/3", "0x1/3" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ok(!shard_parse(bad[i], &s), "'%s' refused", bad[i]);
}

static void test_conventions(void)
{
    env_set(NULL);
    check_select("nothing set", NULL, 0, 0, 1, "none");
    /* Each convention names the same 0-based shard for the same slice. */
    for (unsigned k = 0; k < 3; k++) {
        char flag[16], zero[16], one[16], desc[64];
        snprintf(flag, sizeof flag, "%u/3", k + 1);
        snprintf(zero, sizeof zero, "%u", k);
        snprintf(one, sizeof one, "%u", k + 1);
        env_set(NULL);
        snprintf(desc, sizeof desc, "--shard %s", flag);
        check_select(desc, flag, 0, k, 3, "--shard");
        env_set("TEST_TOTAL_SHARDS", "3", "TEST_SHARD_INDEX", zero, NULL);
        snprintf(desc, sizeof desc, "Bazel index %u", k);
        check_select(desc, NULL, 0, k, 3, "bazel");
        env_set("CI_NODE_TOTAL", "3", "CI_NODE_INDEX", one, NULL);
        snprintf(desc, sizeof desc, "GitLab node %u", k + 1);
        check_select(desc, NULL, 0, k, 3, "gitlab");
        env_set("JOB_COMPLETION_INDEX", zero, NULL);
        snprintf(desc, sizeof desc, "Kubernetes index %u", k);
        check_select(desc, NULL, 3, k, 3, "kubernetes");
    }
    env_set("CI_NODE_TOTAL", "1", NULL);
    check_select("GitLab without parallel (CI_NODE_TOTAL=1 only)", NULL, 0, 0, 1, "none");
    env_set("CI_NODE_INDEX", "", "CI_NODE_TOTAL", "", "TEST_TOTAL_SHARDS", "", NULL);
    check_select("empty variables count as unset", NULL, 0, 0, 1, "none");
    env_set("CI_NODE_INDEX", "007", "CI_NODE_TOTAL", "10", NULL);
    check_select("leading zeros", NULL, 0, 6, 10, "gitlab");

    /* Precedence: --shard, Bazel, GitLab, Kubernetes. */
    env_set("TEST_TOTAL_SHARDS", "4", "TEST_SHARD_INDEX", "3", "CI_NODE_TOTAL", "5", "CI_NODE_INDEX",
            "1", "JOB_COMPLETION_INDEX", "0", NULL);
    check_select("--shard beats everything", "2/2", 0, 1, 2, "--shard");
    check_select("Bazel beats GitLab and Kubernetes", NULL, 0, 3, 4, "bazel");
    unsetenv("TEST_TOTAL_SHARDS");
    unsetenv("TEST_SHARD_INDEX");
    check_select("GitLab beats Kubernetes", NULL, 7, 0, 5, "gitlab");
}

static long mtime_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_mtime : -1;
}

static void test_status_file(void)
{
    const char *status = test_path("shard-status");
    unlink(status);
    env_set("TEST_TOTAL_SHARDS", "2", "TEST_SHARD_INDEX", "1", "TEST_SHARD_STATUS_FILE", status, NULL);
    check_select("Bazel with a status file", NULL, 0, 1, 2, "bazel");
    ok(access(status, F_OK) == 0, "the status file is created");
    struct timeval old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    if (utimes(status, old) != 0)
        tap_bail("utimes");
    check_select("again", NULL, 0, 1, 2, "bazel");
    ok(mtime_of(status) > 1000000000, "an existing status file is touched (mtime %ld)", mtime_of(status));

    if (utimes(status, old) != 0)
        tap_bail("utimes");
    env_set("CI_NODE_TOTAL", "2", "CI_NODE_INDEX", "1", "TEST_SHARD_STATUS_FILE", status, NULL);
    check_select("GitLab", NULL, 0, 0, 2, "gitlab");
    is_i64(mtime_of(status), 1000000000, "only Bazel's convention touches it");
    env_set("TEST_TOTAL_SHARDS", "2", "TEST_SHARD_INDEX", "1", "TEST_SHARD_STATUS_FILE", status, NULL);
    check_select("--shard", "1/2", 0, 0, 2, "--shard");
    is_i64(mtime_of(status), 1000000000, "not when --shard wins");

    env_set("TEST_TOTAL_SHARDS", "2", "TEST_SHARD_INDEX", "0", "TEST_SHARD_STATUS_FILE",
            test_path("no/such/dir/status"), NULL);
    check_refused("a status file that cannot be made", NULL, 0, "TEST_SHARD_STATUS_FILE: cannot touch");
}

static void test_errors(void)
{
    env_set(NULL);
    check_refused("a bad --shard", "0/3", 0, "--shard: '0/3' is not K/N");
    check_refused("--shard and --shards", "1/3", 3, "--shard K/N and --shards N");
    check_refused("--shards without JOB_COMPLETION_INDEX", NULL, 3, "JOB_COMPLETION_INDEX is not set");
    env_set("TEST_TOTAL_SHARDS", "4", NULL);
    check_refused("--shards with Bazel's variables but no JOB_COMPLETION_INDEX", NULL, 4,
                  "JOB_COMPLETION_INDEX is not set");
    env_set("JOB_COMPLETION_INDEX", "1", NULL);
    check_refused("--shards too large", NULL, 10001, "--shards: 10001 is not a shard count");

    static const struct {
        const char *desc, *vars[6];
        unsigned shards;
        const char *what;
    } cases[] = {
        { "Bazel count not a number", { "TEST_TOTAL_SHARDS", "x", "TEST_SHARD_INDEX", "0" }, 0,
          "TEST_TOTAL_SHARDS: 'x' is not a shard count" },
        { "Bazel count 0", { "TEST_TOTAL_SHARDS", "0", "TEST_SHARD_INDEX", "0" }, 0,
          "TEST_TOTAL_SHARDS: '0' is not a shard count from 1 to 10000" },
        { "Bazel count huge", { "TEST_TOTAL_SHARDS", "99999999999999999999999", "TEST_SHARD_INDEX", "0" },
          0, "TEST_TOTAL_SHARDS: '99999999999999999999999'" },
        { "Bazel index = count", { "TEST_TOTAL_SHARDS", "4", "TEST_SHARD_INDEX", "4" }, 0,
          "TEST_SHARD_INDEX: '4' is not a shard index from 0 to 3" },
        { "Bazel index negative", { "TEST_TOTAL_SHARDS", "4", "TEST_SHARD_INDEX", "-1" }, 0,
          "TEST_SHARD_INDEX: '-1'" },
        { "Bazel count without index", { "TEST_TOTAL_SHARDS", "4" }, 0,
          "TEST_TOTAL_SHARDS is set but TEST_SHARD_INDEX is not" },
        { "Bazel index without count", { "TEST_SHARD_INDEX", "1" }, 0,
          "TEST_SHARD_INDEX is set but TEST_TOTAL_SHARDS is not" },
        { "GitLab index 0 (it is 1-based)", { "CI_NODE_TOTAL", "4", "CI_NODE_INDEX", "0" }, 0,
          "CI_NODE_INDEX: '0' is not a shard index from 1 to 4" },
        { "GitLab index above count", { "CI_NODE_TOTAL", "4", "CI_NODE_INDEX", "5" }, 0,
          "CI_NODE_INDEX: '5'" },
        { "GitLab index with blanks", { "CI_NODE_TOTAL", "4", "CI_NODE_INDEX", " 1" }, 0,
          "CI_NODE_INDEX: ' 1'" },
        { "GitLab count not a number", { "CI_NODE_TOTAL", "four", "CI_NODE_INDEX", "1" }, 0,
          "CI_NODE_TOTAL: 'four' is not a shard count" },
        { "GitLab index without count", { "CI_NODE_INDEX", "1" }, 0,
          "CI_NODE_INDEX is set but CI_NODE_TOTAL is not" },
        { "JOB_COMPLETION_INDEX without --shards", { "JOB_COMPLETION_INDEX", "0" }, 0,
          "JOB_COMPLETION_INDEX is set: give the number of shards with --shards N" },
        { "JOB_COMPLETION_INDEX = --shards", { "JOB_COMPLETION_INDEX", "4" }, 4,
          "JOB_COMPLETION_INDEX: '4' is not a shard index from 0 to 3" },
        { "JOB_COMPLETION_INDEX not a number", { "JOB_COMPLETION_INDEX", "1.0" }, 4,
          "JOB_COMPLETION_INDEX: '1.0'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *v = cases[i].vars;
        env_set(v[0], v[1], v[2], v[3], NULL);
        check_refused(cases[i].desc, NULL, cases[i].shards, cases[i].what);
    }
}

int main(void)
{
    test_hash();
    test_partition();
    test_parse();
    test_conventions();
    test_status_file();
    test_errors();
    env_set(NULL);
    test_scratch_cleanup();
    return tap_done();
}
