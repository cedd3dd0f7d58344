/*
 * `ppcrr harness merge`: puts the results of a sharded run back together.
 * Each machine of a sharded run writes its shard's results as JSON (`ppcrr
 * harness run --shard K/N --json FILE`); this reads them, checks that they
 * come from one run of one matrix, and reports as if one machine had run
 * everything: TAP on stdout, JUnit and JSON on request. What sharding can
 * lose is said on stderr: shards that never reported, cases no shard ran
 * (a shard that died, a matrix edited between shards) and cases run twice
 * (a shard given twice, or two shard settings that overlap). The work is
 * in results.c; this file parses arguments and reports.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/harness.h"
#include "harness/results.h"
#include "traces/trace_format.h"

const char harness_merge_usage[] =
    "usage: ppcrr harness merge [--junit FILE] [--json FILE] [--quiet] SHARD.json...\n"
    "\n"
    "Combines the results of the shards of one sharded run, each written by\n"
    "'ppcrr harness run --shard K/N --json FILE', into one report: the TAP of\n"
    "every case, sorted by name, on stdout. On stderr it says which shards\n"
    "(named K/N, K from 1, as --shard names them) are present and which are\n"
    "absent, which cases of the matrix no shard ran (missing) and which more\n"
    "than one did (duplicated), and counts the results. All files must come\n"
    "from one matrix: the same matrix file, mode, cases and number of shards.\n"
    "\n"
    "Options:\n"
    "  --junit FILE     also write the merged results as JUnit XML to FILE\n"
    "  --json FILE      also write them as JSON to FILE (as the results of\n"
    "                   shard 1/1, which merge reads again)\n"
    "  --quiet          no TAP on stdout\n"
    "  -h, --help       show this text\n"
    "\n"
    "Exit status: 0 every case of the matrix has exactly one result and none\n"
    "failed (skipped cases do not fail); 1 a case failed, timed out, crashed or\n"
    "could not be run, or is missing or duplicated; 2 usage error, a file\n"
    "that cannot be read or is not harness results, files that disagree, or\n"
    "an output file that cannot be written.\n";

#define CMD_PATH "harness merge"

struct merge_options {
    const char *junit, *json;
    bool quiet;
};

/* Options into OPT; -1 to go on, otherwise the exit status. */
static int parse_options(int argc, char **argv, struct merge_options *opt)
{
    enum { OPT_JUNIT = 256, OPT_JSON, OPT_QUIET };
    static const struct option options[] = {
        { "junit", required_argument, NULL, OPT_JUNIT },
        { "json", required_argument, NULL, OPT_JSON },
        { "quiet", no_argument, NULL, OPT_QUIET },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(harness_merge_usage, stdout);
            return 0;
        case OPT_JUNIT:
            opt->junit = optarg;
            break;
        case OPT_JSON:
            opt->json = optarg;
            break;
        case OPT_QUIET:
            opt->quiet = true;
            break;
        default:
            return cli_bad_option(CMD_PATH, harness_merge_usage, ch, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD_PATH, harness_merge_usage, "missing SHARD.json");
    return -1;
}

/* Every file, so that one run names every unreadable one; false if any. */
static bool read_parts(char **files, size_t n, struct run_results *parts)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char err[512];
        if (results_read_json(files[i], &parts[i], err, sizeof err) != 0) {
            fprintf(stderr, "ppcrr %s: %s\n", CMD_PATH, err);
            ok = false;
        }
    }
    return ok;
}

/* results_merge names inputs by number; this says which file each is. */
static void print_inputs(char **files, const struct run_results *parts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "  input %zu: ", i + 1);
        trace_print_text(stderr, files[i]);
        fprintf(stderr, " (shard %u/%u)\n", parts[i].shard_index + 1, parts[i].shard_total);
    }
}

/* "shards present: 1/3 3/3; absent: 2/3", and a shard given more than once. */
static void report_shards(const struct run_results *parts, size_t n)
{
    unsigned total = parts[0].shard_total;
    unsigned *seen = calloc(total, sizeof *seen);
    if (!seen)
        return;
    for (size_t i = 0; i < n; i++)
        seen[parts[i].shard_index]++;
    static const char *const label[] = { "shards present:", "; absent:", "; given more than once:" };
    fprintf(stderr, "ppcrr %s: ", CMD_PATH);
    for (int kind = 0; kind < 3; kind++) {
        bool any = false;
        for (unsigned s = 0; s < total; s++) {
            bool match = kind == 0 ? seen[s] > 0 : kind == 1 ? seen[s] == 0 : seen[s] > 1;
            if (!match)
                continue;
            fprintf(stderr, "%s %u/%u", any ? "" : label[kind], s + 1, total);
            any = true;
        }
        if (!any && kind == 1)
            fputs("; absent: none", stderr);
    }
    fputc('\n', stderr);
    free(seen);
}

static void report_names(const char *what, char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "ppcrr %s: %s: ", CMD_PATH, what);
        trace_print_text(stderr, names[i]);
        fputc('\n', stderr);
    }
}

/* "6 results for 6 cases: 4 pass, 1 fail, 1 skip"; true if none failed. */
static bool report_counts(const struct run_results *m)
{
    static const enum case_status order[] = { CASE_PASS, CASE_FAIL, CASE_TIMEOUT, CASE_CRASH, CASE_ERROR, CASE_SKIP };
    size_t count[sizeof order / sizeof order[0]] = { 0 };
    for (size_t i = 0; i < m->n_cases; i++)
        if ((unsigned)m->cases[i].status < sizeof count / sizeof count[0])
            count[m->cases[i].status]++;
    fprintf(stderr, "ppcrr %s: %zu results for %zu cases:", CMD_PATH, m->n_cases, m->n_matrix_cases);
    const char *sep = " ";
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        if (count[order[k]]) {
            fprintf(stderr, "%s%zu %s", sep, count[order[k]], case_status_name(order[k]));
            sep = ", ";
        }
    fputc('\n', stderr);
    return count[CASE_PASS] + count[CASE_SKIP] == m->n_cases;
}

/* Builds on one machine and another should be the same build: say so if not. */
static void warn_builds(char **files, const struct run_results *parts, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const char *a = parts[0].build_id, *b = parts[i].build_id;
        if ((a || b) && !(a && b && strcmp(a, b) == 0)) {
            fprintf(stderr, "ppcrr %s: warning: ", CMD_PATH);
            trace_print_text(stderr, files[i]);
            fputs(" comes from another build than ", stderr);
            trace_print_text(stderr, files[0]);
            fputc('\n', stderr);
        }
    }
}

static bool write_outputs(const struct merge_options *opt, const struct run_results *m)
{
    char err[512];
    bool ok = true;
    if (opt->junit && results_write_junit(opt->junit, m, err, sizeof err) != 0) {
        fprintf(stderr, "ppcrr %s: %s\n", CMD_PATH, err);
        ok = false;
    }
    if (opt->json && results_write_json(opt->json, m, err, sizeof err) != 0) {
        fprintf(stderr, "ppcrr %s: %s\n", CMD_PATH, err);
        ok = false;
    }
    return ok;
}

/* Merges the N parts read from FILES and reports; the exit status. */
static int merge_and_report(const struct merge_options *opt, char **files, const struct run_results *parts, size_t n)
{
    struct run_results m;
    char **dups, **missing, err[512];
    size_t n_dups, n_missing;
    if (results_merge(parts, n, &m, &dups, &n_dups, &missing, &n_missing, err, sizeof err) != 0) {
        fprintf(stderr, "ppcrr %s: %s\n", CMD_PATH, err);
        print_inputs(files, parts, n);
        return 2;
    }
    if (!opt->quiet)
        results_write_tap(stdout, &m);
    warn_builds(files, parts, n);
    report_shards(parts, n);
    report_names("missing (no shard ran it)", missing, n_missing);
    report_names("duplicated (more than one result)", dups, n_dups);
    bool passed = report_counts(&m);
    bool written = write_outputs(opt, &m);
    results_free(&m);
    results_free_names(dups, n_dups);
    results_free_names(missing, n_missing);
    if (!written)
        return 2;
    return passed && n_dups == 0 && n_missing == 0 ? 0 : 1;
}

int harness_merge(int argc, char **argv)
{
    struct merge_options opt = { 0 };
    int rc = parse_options(argc, argv, &opt);
    if (rc >= 0)
        return rc;
    size_t n = (size_t)(argc - optind);
    char **files = argv + optind;
    struct run_results *parts = calloc(n, sizeof *parts);
    if (!parts) {
        fprintf(stderr, "ppcrr %s: out of memory\n", CMD_PATH);
        return 2;
    }
    rc = read_parts(files, n, parts) ? merge_and_report(&opt, files, parts, n) : 2;
    for (size_t i = 0; i < n; i++)
        results_free(&parts[i]);
    free(parts);
    fflush(stdout);
    return rc;
}
