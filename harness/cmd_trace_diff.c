/*
 * `ppcrr trace diff A B`: argument parsing; the alignment and listing are
 * replay/trace_diff.c's (shared with `ppcrr replay --tolerant`).
 */
#include <getopt.h>
#include <stdio.h>

#include "harness/cli.h"
#include "replay/trace_diff.h"

const char cmd_trace_diff_usage[] =
    "usage: ppcrr trace diff [--context N] [--max-edits N] A B\n"
    "\n"
    "Compares the events of two traces (two recordings, or a recording and a\n"
    "later build's): aligns them on what each event is (the call and its\n"
    "arguments) so that one changed result shows as one changed event, then\n"
    "lists every difference unified-diff style: '~' an event in both with\n"
    "other results (with the difference in words on a '#' line), '-' only in A,\n"
    "'+' only in B, and N events of context. Host times are never compared.\n"
    "\n"
    "Options:\n"
    "  --context N     equal events shown around each difference (default 3)\n"
    "  --max-edits N   stop aligning after N differences (default 100000)\n"
    "  -h, --help      show this text\n"
    "\n"
    "Exit status: 0 the same events; 1 they differ; 2 a trace cannot be read,\n"
    "or usage error.\n";

int cmd_trace_diff(const struct cli_command *self, int argc, char **argv)
{
    enum { OPT_CONTEXT = 256, OPT_MAX };
    static const struct option options[] = {
        { "context", required_argument, NULL, OPT_CONTEXT },
        { "max-edits", required_argument, NULL, OPT_MAX },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    struct trace_diff_options opt = { 3, 100000, "A", "B", 0 };
    uint64_t v;
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (ch == 'h') {
            fputs(self->usage, stdout);
            return 0;
        }
        if (ch != OPT_CONTEXT && ch != OPT_MAX)
            return cli_bad_option("trace diff", self->usage, ch, argv);
        if (!cli_parse_u64(optarg, &v) || (ch == OPT_CONTEXT && v > 1000))
            return cli_usage_error("trace diff", self->usage, "%s: '%s' is not a count%s",
                                   ch == OPT_CONTEXT ? "--context" : "--max-edits", optarg,
                                   ch == OPT_CONTEXT ? " up to 1000" : "");
        if (ch == OPT_CONTEXT)
            opt.context = (unsigned)v;
        else
            opt.max_edits = v;
    }
    if (argc - optind != 2)
        return cli_usage_error("trace diff", self->usage, "needs two traces, A and B");
    return trace_diff(argv[optind], argv[optind + 1], &opt, stdout, stderr);
}
