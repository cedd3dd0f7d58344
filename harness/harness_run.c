/* Placeholder: `ppcrr harness run`, being written. */
#include <stdio.h>

#include "harness/harness.h"

const char harness_run_usage[] = "usage: ppcrr harness run MATRIX\n";

int harness_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
