/* Placeholder for `ppcrr trace stats`: being written. */
#include <stdio.h>

#include "harness/cli.h"

const char cmd_trace_stats_usage[] = "usage: ppcrr trace stats FILE\n";

int cmd_trace_stats(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    (void)argc;
    (void)argv;
    fputs("ppcrr trace stats: not built yet\n", stderr);
    return 1;
}
