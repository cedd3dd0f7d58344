/* Placeholder for `ppcrr trace export`: being written. */
#include <stdio.h>

#include "harness/cli.h"

const char cmd_trace_export_usage[] = "usage: ppcrr trace export FILE\n";

int cmd_trace_export(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    (void)argc;
    (void)argv;
    fputs("ppcrr trace export: not built yet\n", stderr);
    return 1;
}
