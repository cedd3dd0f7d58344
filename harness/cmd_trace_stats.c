/*
 * `ppcrr trace stats`: the command-line face of the hypercall profiler.
 * This file only parses arguments; the work is in traces/trace_stats.c.
 */
#include <getopt.h>
#include <stdio.h>

#include "harness/cli.h"
#include "traces/trace_stats.h"

const char cmd_trace_stats_usage[] =
    "usage: ppcrr trace stats [--json] [--symbols ELF] [--top N] FILE\n"
    "\n"
    "Profiles the hypercalls and RTAS calls in a trace. A summary (events,\n"
    "hcalls, RTAS calls, icount span, vCPUs, host time) is followed by a table\n"
    "of the hcalls, most called first: calls, share of all hcalls, mean and\n"
    "smallest number of guest instructions between two successive calls of\n"
    "the same hcall, host nanoseconds per call (mean, p50, p99, max; p50 and\n"
    "p99 are exact nearest-rank percentiles) and share of all host time. Then,\n"
    "per hcall, its return codes and the guest PCs that called it most; the\n"
    "hottest call sites over all hcalls; and the same counts, gaps and call\n"
    "sites for each RTAS call (RTAS calls carry no host time). Names of\n"
    "hcalls, return codes and RTAS calls come from the trace itself; an hcall\n"
    "it does not describe shows as its opcode, e.g. 'hcall 0x1234'.\n"
    "\n"
    "Options:\n"
    "  --json           one JSON object instead: the same numbers, shares in\n"
    "                   percent, PCs as \"0x...\" strings, null for a gap or\n"
    "                   name that does not exist\n"
    "  --symbols ELF    show call sites as function+offset using the symbol\n"
    "                   table of ELF (64-bit, either byte order), e.g. the\n"
    "                   guest's vmlinux\n"
    "  --top N          call sites listed per call and overall (default 5;\n"
    "                   0 lists none)\n"
    "  -h, --help       show this text\n"
    "\n"
    "Exit status: 0 the trace reads to its end (a trace cut short, e.g. by a\n"
    "killed recorder, is profiled up to its last complete chunk with a\n"
    "warning); 1 the trace or the ELF file cannot be read (a trace damaged part\n"
    "way is profiled up to the damage first); 2 usage error.\n";

int cmd_trace_stats(const struct cli_command *self, int argc, char **argv)
{
    enum { OPT_JSON = 256, OPT_SYMBOLS, OPT_TOP };
    static const struct option options[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "symbols", required_argument, NULL, OPT_SYMBOLS },
        { "top", required_argument, NULL, OPT_TOP },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    struct trace_stats_options opt = { .json = false, .symbols = NULL,
                                       .top = TRACE_STATS_DEFAULT_TOP };
    uint64_t top;
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
        case OPT_SYMBOLS:
            opt.symbols = optarg;
            break;
        case OPT_TOP:
            if (!cli_parse_u64(optarg, &top) || top > UINT32_MAX)
                return cli_usage_error("trace stats", self->usage,
                                       "--top: '%s' is not a count", optarg);
            opt.top = (uint32_t)top;
            break;
        default:
            return cli_bad_option("trace stats", self->usage, ch, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("trace stats", self->usage, "missing FILE");
    if (optind + 1 < argc)
        return cli_usage_error("trace stats", self->usage, "unexpected argument '%s'",
                               argv[optind + 1]);
    return trace_tool_stats(argv[optind], &opt, stdout, stderr);
}
