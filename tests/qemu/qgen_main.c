/*
 * qgen: writes a case file for the differential test (qcase.h), the one
 * file that both qemu-ppc64le (through qrunner) and ppcrr (through
 * qdiff) execute. The meson build runs it once with a fixed seed; run
 * it by hand for longer or narrower runs:
 *
 *   qgen --seed 7 --count 100000 [--only MNEMONIC] [--len MIN-MAX] -o cases.bin
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/qemu/qgen.h"

static void usage(void)
{
    fprintf(stderr, "usage: qgen [--seed N] [--count N] [--only MNEMONIC] [--len MIN-MAX] -o FILE\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct qgen_options o = { .seed = 1, .count = 1000, .min_len = 4, .max_len = 16 };
    const char *out = NULL;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!strcmp(a, "--seed"))
            o.seed = strtoull(v, NULL, 0);
        else if (!strcmp(a, "--count"))
            o.count = (unsigned)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--only"))
            o.only = v;
        else if (!strcmp(a, "--len")) {
            if (sscanf(v, "%u-%u", &o.min_len, &o.max_len) != 2)
                usage();
        } else if (!strcmp(a, "-o"))
            out = v;
        else
            usage();
    }
    if (!out || o.count == 0 || o.min_len == 0 || o.min_len > o.max_len || o.max_len > 23)
        usage();
    struct qc_case *cases = calloc(o.count, sizeof *cases);
    if (!cases || !qgen_generate(&o, cases, NULL, stderr))
        return 1;
    if (!qgen_write_cases(out, cases, o.count)) {
        perror(out);
        return 1;
    }
    fprintf(stderr, "qgen: %u cases (seed %" PRIu64 ") written to %s\n", o.count, o.seed, out);
    free(cases);
    return 0;
}
