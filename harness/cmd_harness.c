/*
 * `ppcrr harness run|list|merge`: dispatch to the subcommands (harness.h).
 */
#include <stdio.h>

#include "harness/cli.h"
#include "harness/harness.h"

const char cmd_harness_usage[] =
    "usage: ppcrr harness <command> [options]\n"
    "\n"
    "Runs a matrix of guest boots (tests/matrix/*.cfg): boot and check each, record\n"
    "golden traces, or replay them with this build; in parallel worker processes,\n"
    "sharded across machines.\n"
    "\n"
    "Commands:\n"
    "  run MATRIX            run the cases (--mode run|record|check|migrate, -j N, --shard K/N, ...)\n"
    "  list MATRIX           print the cases (--shard K/N)\n"
    "  merge FILE.json...    combine shard results into one report\n"
    "  replay-snapshots TRACE SNAPSHOT...  replay TRACE from each snapshot (--mode migrate's per-case run)\n"
    "  snapshot-diff A B     what differs between two snapshots, by part and field\n"
    "\n"
    "Run 'ppcrr harness <command> --help' for its options.\n";

static int run_sub(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return harness_run(argc, argv);
}

static int list_sub(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return harness_list(argc, argv);
}

static int merge_sub(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return harness_merge(argc, argv);
}

static int replay_snapshots_sub(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return harness_replay_snapshots(argc, argv);
}

static int snapshot_diff_sub(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return harness_snapshot_diff(argc, argv);
}

static const struct cli_command harness_commands[] = {
    { "run", "run the matrix", harness_run_usage, run_sub },
    { "list", "list the cases", harness_list_usage, list_sub },
    { "merge", "merge shard results", harness_merge_usage, merge_sub },
    { "replay-snapshots", "replay a trace from each snapshot (what --mode migrate runs per case)",
      harness_replay_snapshots_usage, replay_snapshots_sub },
    { "snapshot-diff", "what differs between two snapshots, by part and field", harness_snapshot_diff_usage,
      snapshot_diff_sub },
    { 0 },
};

int cmd_harness(const struct cli_command *self, int argc, char **argv)
{
    return cli_dispatch("harness", self->usage, harness_commands, argc, argv);
}
