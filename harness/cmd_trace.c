/*
 * `ppcrr trace ...`: the command-line face of the trace tools in traces/.
 * This file only parses arguments; the work is in traces/trace_tools.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "harness/cli.h"
#include "traces/trace_tools.h"

const char cmd_trace_usage[] =
    "usage: ppcrr trace <command> [options] FILE\n"
    "\n"
    "Inspect trace files written by `ppcrr record`.\n"
    "\n"
    "Commands:\n"
    "  info FILE     header, chunk and event counts, icount range, sizes\n"
    "  dump FILE     every event, one per line (--json, --from, --to)\n"
    "  stats FILE    per hcall and RTAS call: counts, cost, call sites\n"
    "  export FILE   a Perfetto (or Chrome JSON) timeline of the trace\n"
    "  diff A B      the differences between two traces' events\n"
    "\n"
    "Run 'ppcrr trace <command> --help' for its options.\n";

static const char info_usage[] =
    "usage: ppcrr trace info FILE\n"
    "\n"
    "Prints what a trace holds: its header (format, the writing ppcrr's version\n"
    "and build id, command line, vCPUs, timebase frequency, device tree size,\n"
    "images with sha256), whether it has an index, chunk and event counts (per\n"
    "event kind), the icount range, file size, compressed and uncompressed event\n"
    "bytes, the compression ratio and bytes per event.\n"
    "\n"
    "Exit status: 0 the trace reads to its end (a trace cut short, e.g. by a\n"
    "killed recorder, is read to its last complete chunk with a warning);\n"
    "1 the trace cannot be read; 2 usage error.\n";

static const char dump_usage[] =
    "usage: ppcrr trace dump [--json] [--from ICOUNT] [--to ICOUNT] FILE\n"
    "\n"
    "Prints every event of a trace, one per line: icount, vCPU, PC and the event\n"
    "in words, e.g.\n"
    "  1234 0 0x1a2c H_PUT_TERM_CHAR(0x0, 1, 'h') = H_SUCCESS\n"
    "\n"
    "Options:\n"
    "  --json           one JSON object per line instead\n"
    "  --from ICOUNT    start at the first event at or after ICOUNT (seeks\n"
    "                   through the index when the trace has one)\n"
    "  --to ICOUNT      stop after the last event at or before ICOUNT\n"
    "  -h, --help       show this text\n"
    "ICOUNT is decimal or 0x-prefixed hex.\n"
    "\n"
    "Exit status: 0 ok, 1 the trace is unreadable or corrupt (events before the\n"
    "damage are printed first), 2 usage error.\n";

/* The one FILE operand every trace tool takes, after its options. */
static int single_file(const char *cmd_path, const char *usage, int argc, char **argv,
                       const char **file)
{
    if (optind >= argc)
        return cli_usage_error(cmd_path, usage, "missing FILE");
    if (optind + 1 < argc)
        return cli_usage_error(cmd_path, usage, "unexpected argument '%s'", argv[optind + 1]);
    *file = argv[optind];
    return 0;
}

static int run_info(const struct cli_command *self, int argc, char **argv)
{
    static const struct option options[] = {
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (ch == 'h') {
            fputs(self->usage, stdout);
            return 0;
        }
        return cli_bad_option("trace info", self->usage, ch, argv);
    }
    const char *file;
    int rc = single_file("trace info", self->usage, argc, argv, &file);
    return rc ? rc : trace_tool_info(file, stdout, stderr);
}

static int run_dump(const struct cli_command *self, int argc, char **argv)
{
    enum { OPT_JSON = 256, OPT_FROM, OPT_TO };
    static const struct option options[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "from", required_argument, NULL, OPT_FROM },
        { "to", required_argument, NULL, OPT_TO },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    struct trace_dump_options opt = { .json = false, .from_icount = 0, .to_icount = UINT64_MAX };
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(self->usage, stdout);
            return 0;
        case OPT_JSON:
            opt.json = true;
            break;
        case OPT_FROM:
        case OPT_TO:
            if (!cli_parse_u64(optarg, ch == OPT_FROM ? &opt.from_icount : &opt.to_icount))
                return cli_usage_error("trace dump", self->usage, "%s: '%s' is not an icount",
                                       ch == OPT_FROM ? "--from" : "--to", optarg);
            break;
        default:
            return cli_bad_option("trace dump", self->usage, ch, argv);
        }
    }
    if (opt.from_icount > opt.to_icount)
        return cli_usage_error("trace dump", self->usage, "--from is after --to");
    const char *file;
    int rc = single_file("trace dump", self->usage, argc, argv, &file);
    return rc ? rc : trace_tool_dump(file, &opt, stdout, stderr);
}

static const struct cli_command trace_commands[] = {
    { "info", "summarise a trace", info_usage, run_info },
    { "dump", "print every event", dump_usage, run_dump },
    { "stats", "profile hcalls and RTAS calls", cmd_trace_stats_usage, cmd_trace_stats },
    { "export", "write a Perfetto or Chrome timeline", cmd_trace_export_usage, cmd_trace_export },
    { "diff", "compare two traces", cmd_trace_diff_usage, cmd_trace_diff },
    { 0 },
};

int cmd_trace(const struct cli_command *self, int argc, char **argv)
{
    return cli_dispatch("trace", self->usage, trace_commands, argc, argv);
}
