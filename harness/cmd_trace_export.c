/*
 * `ppcrr trace export`: the command-line face of traces/trace_export.c.
 * This file only parses arguments; the timeline is made there.
 */
#include <getopt.h>
#include <stdio.h>

#include "harness/cli.h"
#include "traces/trace_export.h"

const char cmd_trace_export_usage[] =
    "usage: ppcrr trace export [--perfetto | --chrome] -o OUT FILE\n"
    "\n"
    "Writes the trace as a timeline to open in the Perfetto UI\n"
    "(ui.perfetto.dev) or chrome://tracing. The time axis is the guest's\n"
    "instruction count: 1 ns on the timeline = 1 guest instruction.\n"
    "\n"
    "Each vCPU is a track of the process \"ppcrr guest\". Hcalls and RTAS calls\n"
    "are slices on it, named by the call (H_ENTER, get-time-of-day, ...), with\n"
    "registers, return code and host cost as arguments. An hcall takes no guest\n"
    "instructions, so its slice is as long as its host nanoseconds, cut short\n"
    "at the vCPU's next event (and at least 1). MMIO accesses, interrupts,\n"
    "inputs, checkpoints and exits are instants on the vCPU's track; each IRQ\n"
    "line has a track of its own for its edges; the counter\n"
    "\"hcalls per 1M instructions\" shows the hcall rate.\n"
    "\n"
    "Options:\n"
    "  --perfetto       a Perfetto protobuf trace (the default); streams, so\n"
    "                   any size of trace works\n"
    "  --chrome         the Chrome JSON trace format instead, meant for small\n"
    "                   traces (the file is large and viewers load it whole)\n"
    "  -o, --output OUT the file to write (\"-\" for standard output); it\n"
    "                   appears only once the export has succeeded\n"
    "  -h, --help       show this text\n"
    "\n"
    "Exit status: 0 ok (a trace cut short, e.g. by a killed recorder, exports\n"
    "up to its last complete chunk, with a warning); 1 the trace is unreadable\n"
    "or corrupt, or OUT cannot be written (no OUT is left behind); 2 usage\n"
    "error.\n";

int cmd_trace_export(const struct cli_command *self, int argc, char **argv)
{
    enum { OPT_PERFETTO = 256, OPT_CHROME };
    static const struct option options[] = {
        { "perfetto", no_argument, NULL, OPT_PERFETTO },
        { "chrome", no_argument, NULL, OPT_CHROME },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    static const char cmd[] = "trace export";
    struct trace_export_options opt = { .format = TRACE_EXPORT_PERFETTO, .output = NULL };
    bool perfetto = false, chrome = false;
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(self->usage, stdout);
            return 0;
        case OPT_PERFETTO:
            perfetto = true;
            break;
        case OPT_CHROME:
            chrome = true;
            break;
        case 'o':
            if (!optarg[0])
                return cli_usage_error(cmd, self->usage, "-o: empty file name");
            opt.output = optarg;
            break;
        default:
            return cli_bad_option(cmd, self->usage, ch, argv);
        }
    }
    if (perfetto && chrome)
        return cli_usage_error(cmd, self->usage, "--perfetto and --chrome exclude each other");
    if (chrome)
        opt.format = TRACE_EXPORT_CHROME;
    if (optind >= argc)
        return cli_usage_error(cmd, self->usage, "missing FILE");
    if (optind + 1 < argc)
        return cli_usage_error(cmd, self->usage, "unexpected argument '%s'", argv[optind + 1]);
    if (!opt.output)
        return cli_usage_error(cmd, self->usage, "missing -o OUT");
    return trace_tool_export(argv[optind], &opt, stderr);
}
