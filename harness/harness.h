/*
 * `ppcrr harness`: the test-matrix runner. Subcommands, each in its own
 * file: run (harness_run.c), list (cmd_harness_list.c), merge
 * (cmd_harness_merge.c); cmd_harness.c dispatches. Each takes its
 * subcommand's argv (argv[0] is the subcommand) and returns the exit status.
 */
#ifndef PPCRR_HARNESS_HARNESS_H
#define PPCRR_HARNESS_HARNESS_H

int harness_run(int argc, char **argv);
/* The per-case child of `harness run --mode migrate` (harness_run.c). */
int harness_replay_snapshots(int argc, char **argv);
/* Two snapshots compared part by part and field by field (cmd_harness_snapshot_diff.c). */
int harness_snapshot_diff(int argc, char **argv);
int harness_list(int argc, char **argv);
int harness_merge(int argc, char **argv);

extern const char harness_run_usage[];
extern const char harness_replay_snapshots_usage[];
extern const char harness_snapshot_diff_usage[];
extern const char harness_list_usage[];
extern const char harness_merge_usage[];

#endif
