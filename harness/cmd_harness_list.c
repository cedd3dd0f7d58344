/* Placeholder: `ppcrr harness list`, being written. */
#include <stdio.h>

#include "harness/harness.h"

const char harness_list_usage[] = "usage: ppcrr harness list MATRIX\n";

int harness_list(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("ppcrr harness list: not built yet\n", stderr);
    return 1;
}
