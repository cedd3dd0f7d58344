/*
 * Shared pieces of the `ppcrr` command line: the command table type, usage
 * errors (one line saying what is wrong, then the usage, exit status 2) and
 * strict number parsing. Every subcommand parses its own options with
 * getopt_long and reports through these, so all of them fail the same way.
 */
#ifndef PPCRR_HARNESS_CLI_H
#define PPCRR_HARNESS_CLI_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_EXIT_USAGE 2

struct cli_command {
    const char *name;
    const char *summary;
    const char *usage;      /* full usage text, ends with a newline */
    int (*run)(const struct cli_command *self, int argc, char **argv);
};

/* Prints "ppcrr CMD: MESSAGE", a blank line and CMD's usage to stderr;
 * returns CLI_EXIT_USAGE. CMD_PATH is e.g. "trace dump". */
int cli_usage_error(const char *cmd_path, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The message for getopt_long's '?' or ':' after parsing ARGV. */
int cli_bad_option(const char *cmd_path, const char *usage, int ch, char **argv);

/* Decimal, or hex after 0x: the whole string, digits only, no overflow. */
bool cli_parse_u64(const char *s, uint64_t *out);

/* True if ARGV[1] is -h or --help (for commands with subcommands). */
bool cli_wants_help(int argc, char **argv);

/* Dispatches ARGV[1] to one of COMMANDS (NULL-name terminated). */
int cli_dispatch(const char *cmd_path, const char *usage, const struct cli_command *commands,
                 int argc, char **argv);

/* Subcommands. */
int cmd_trace(const struct cli_command *self, int argc, char **argv);
extern const char cmd_trace_usage[];
int cmd_run(const struct cli_command *self, int argc, char **argv);
extern const char cmd_run_usage[];
int cmd_harness(const struct cli_command *self, int argc, char **argv);
extern const char cmd_harness_usage[];
int cmd_bisect(const struct cli_command *self, int argc, char **argv);
extern const char cmd_bisect_usage[];
int cmd_replay(const struct cli_command *self, int argc, char **argv);
extern const char cmd_replay_usage[];
int cmd_record(const struct cli_command *self, int argc, char **argv);
extern const char cmd_record_usage[];
int cmd_trace_stats(const struct cli_command *self, int argc, char **argv);
extern const char cmd_trace_stats_usage[];
int cmd_trace_export(const struct cli_command *self, int argc, char **argv);
int cmd_trace_diff(const struct cli_command *self, int argc, char **argv);
extern const char cmd_trace_diff_usage[];
extern const char cmd_trace_export_usage[];

#endif
