/*
 * The `ppcrr` program: one binary, one subcommand per job. This file holds
 * the command table and the top-level flags; each command parses the rest.
 */
#include <stdio.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/version.h"
#include "traces/trace_file.h"

static const char usage[] =
    "usage: ppcrr [--help] [--version] <command> [<args>]\n"
    "\n"
    "ppcrr is a 64-bit PowerPC pSeries (PAPR) emulator built as a test harness:\n"
    "it records every hypercall, MMIO access and interrupt edge of a guest into a\n"
    "trace that replays deterministically.\n"
    "\n"
    "Commands:\n"
    "  run        boot a guest and run it until it powers off\n"
    "  record     run a guest and record every event into a trace\n"
    "  replay     re-run a recorded guest and check it against its trace\n"
    "  bisect     find the commit whose replay of a trace diverges\n"
    "  harness    run a test matrix of guests (run, record, check, migrate), sharded\n"
    "  trace      inspect trace files (info, dump, stats, export)\n"
    "\n"
    "Run 'ppcrr <command> --help' for a command's options.\n";

static const struct cli_command commands[] = {
    { "run", "boot a guest", cmd_run_usage, cmd_run },
    { "record", "record a guest run", cmd_record_usage, cmd_record },
    { "replay", "replay a trace", cmd_replay_usage, cmd_replay },
    { "bisect", "bisect a divergence", cmd_bisect_usage, cmd_bisect },
    { "harness", "run a test matrix", cmd_harness_usage, cmd_harness },
    { "trace", "inspect trace files", cmd_trace_usage, cmd_trace },
    { 0 },
};

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        if (argc > 2)
            return cli_usage_error("", usage, "--version takes no arguments");
        printf("ppcrr %s\nbuild id %s\ntrace format %u (reads formats %u to %u)\n",
               ppcrr_version(), ppcrr_build_id(), TRACE_FORMAT_VERSION, TRACE_OLDEST_READABLE,
               TRACE_READER_VERSION);
        return 0;
    }
    return cli_dispatch("", usage, commands, argc, argv);
}
