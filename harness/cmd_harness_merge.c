/* Placeholder: `ppcrr harness merge`, being written. */
#include <stdio.h>

#include "harness/harness.h"

const char harness_merge_usage[] = "usage: ppcrr harness merge FILE.json...\n";

int harness_merge(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("ppcrr harness merge: not built yet\n", stderr);
    return 1;
}
