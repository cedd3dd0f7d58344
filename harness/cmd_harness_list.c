/*
 * `ppcrr harness list`: the cases of a matrix that this shard and group
 * would run, one name per line in matrix order, so that a CI script can
 * see (and a test can check) how the matrix splits before anything runs.
 * The shard is chosen exactly as `harness run` chooses it (shard.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/harness.h"
#include "harness/matrix.h"
#include "harness/shard.h"

const char harness_list_usage[] =
    "usage: ppcrr harness list [--shard K/N] [--shards N] [--group G] [--verbose] MATRIX\n"
    "\n"
    "Prints the cases of MATRIX (see tests/matrix/) that this shard would run,\n"
    "one name per line, in matrix order. Each case belongs to shard\n"
    "(FNV-1a 64 of its name) mod N, so shards 1..N together list every case once.\n"
    "\n"
    "Options:\n"
    "  --shard K/N      only shard K of N (1 <= K <= N <= 10000)\n"
    "  --shards N       the number of shards of a Kubernetes indexed job, whose\n"
    "                   JOB_COMPLETION_INDEX (0-based) gives the shard\n"
    "  --group G        only the cases in group G (\"all\", the default: every case)\n"
    "  --verbose        under each name: the `ppcrr run` arguments, groups, timeout,\n"
    "                   expectations, config hash and where the case is defined;\n"
    "                   then a '#' line with the counts and the shard\n"
    "  -h, --help       show this text\n"
    "\n"
    "Without --shard, the shard comes from the environment: Bazel's\n"
    "TEST_SHARD_INDEX (0-based) and TEST_TOTAL_SHARDS (TEST_SHARD_STATUS_FILE is\n"
    "then touched), GitLab's CI_NODE_INDEX (1-based) and CI_NODE_TOTAL, or\n"
    "JOB_COMPLETION_INDEX with --shards N, in that order; with none of them,\n"
    "every case is listed.\n"
    "\n"
    "Exit status: 0 the list was printed (a shard may hold no case); 2 usage\n"
    "error, a bad shard setting or environment, a group no case is in, or a\n"
    "matrix that cannot be read or is wrong (the message names file:line).\n";

#define CMD "harness list"

struct list_options {
    const char *shard;
    unsigned shards;
    const char *group;
    bool verbose;
    const char *matrix;
};

/* Returns -1 when the options are good, else the exit status (--help: 0). */
static int parse_options(int argc, char **argv, struct list_options *o)
{
    enum { OPT_SHARD = 256, OPT_SHARDS, OPT_GROUP, OPT_VERBOSE };
    static const struct option options[] = {
        { "shard", required_argument, NULL, OPT_SHARD },
        { "shards", required_argument, NULL, OPT_SHARDS },
        { "group", required_argument, NULL, OPT_GROUP },
        { "verbose", no_argument, NULL, OPT_VERBOSE },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    struct shard probe;
    uint64_t n;
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(harness_list_usage, stdout);
            return 0;
        case OPT_SHARD:
            if (!shard_parse(optarg, &probe))
                return cli_usage_error(CMD, harness_list_usage,
                                       "--shard: '%s' is not K/N with 1 <= K <= N <= %d", optarg,
                                       SHARD_MAX);
            o->shard = optarg;
            break;
        case OPT_SHARDS:
            if (!cli_parse_u64(optarg, &n) || n < 1 || n > SHARD_MAX)
                return cli_usage_error(CMD, harness_list_usage,
                                       "--shards: '%s' is not a shard count from 1 to %d", optarg,
                                       SHARD_MAX);
            o->shards = (unsigned)n;
            break;
        case OPT_GROUP:
            o->group = optarg;
            break;
        case OPT_VERBOSE:
            o->verbose = true;
            break;
        default:
            return cli_bad_option(CMD, harness_list_usage, ch, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD, harness_list_usage, "missing MATRIX");
    if (optind + 1 < argc)
        return cli_usage_error(CMD, harness_list_usage, "unexpected argument '%s'", argv[optind + 1]);
    o->matrix = argv[optind];
    return -1;
}

/* WORD as the shell would need it: as is if it is plain, else in single quotes. */
static void print_shell_word(const char *word, FILE *out)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                "_./=:,+@%-";
    if (*word && strspn(word, plain) == strlen(word)) {
        fputs(word, out);
        return;
    }
    fputc('\'', out);
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", out);       /* end the quote, a quoted ', reopen */
        else
            fputc(*p, out);
    }
    fputc('\'', out);
}

static void print_case_details(const struct matrix_case *c, FILE *out)
{
    char hash[17];
    char **args = matrix_case_run_args(c, NULL);
    fputs("  run: ppcrr run", out);
    for (char **a = args; a && *a; a++) {
        fputc(' ', out);
        print_shell_word(*a, out);
    }
    free(args);
    fputs("\n  groups:", out);
    for (size_t i = 0; i < c->n_groups; i++)
        fprintf(out, " %s", c->groups[i]);
    if (!c->n_groups)
        fputs(" (none)", out);
    fprintf(out, "\n  timeout: %g\n", c->timeout);
    if (c->expect)
        fprintf(out, "  expect: %s\n", c->expect);
    fprintf(out, "  exit: %d\n", c->exit_status);
    if (c->stdin_text)
        fprintf(out, "  stdin: %s\n", c->stdin_text);
    matrix_case_config_hash(c, hash);
    fprintf(out, "  config: %s\n  defined: %s:%u\n", hash, c->file, c->line);
}

static bool group_exists(const struct matrix *m, const char *group)
{
    for (size_t i = 0; i < m->n; i++)
        if (matrix_case_in_group(&m->cases[i], group))
            return true;
    return false;
}

static int list_cases(const struct list_options *o, const struct matrix *m, const struct shard *s)
{
    const char *group = o->group ? o->group : "all";
    size_t listed = 0;
    if (!group_exists(m, group)) {
        fprintf(stderr, "ppcrr " CMD ": no case of %s is in group '%s'\n", o->matrix, group);
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < m->n; i++) {
        const struct matrix_case *c = &m->cases[i];
        if (!matrix_case_in_group(c, group) || shard_of(c->name, s->total) != s->index)
            continue;
        puts(c->name);
        if (o->verbose)
            print_case_details(c, stdout);
        listed++;
    }
    if (o->verbose)
        printf("# %zu of %zu cases: group %s, shard %u/%u (%s)\n", listed, m->n, group, s->index + 1,
               s->total, s->source);
    return 0;
}

int harness_list(int argc, char **argv)
{
    struct list_options o = { 0 };
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char err[1024];
    struct shard s;
    if (shard_select(o.shard, o.shards, &s, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr " CMD ": %s\n", err);
        return CLI_EXIT_USAGE;
    }
    struct matrix m;
    if (matrix_load(o.matrix, &m, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr " CMD ": %s\n", err);
        return CLI_EXIT_USAGE;
    }
    rc = list_cases(&o, &m, &s);
    matrix_free(&m);
    return rc;
}
