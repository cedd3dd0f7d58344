/*
 * Runs the fuzz target over saved inputs, one TAP point each: freshly
 * written synthetic traces (whole, without index, cut, with a byte flipped)
 * and every file in the regressions directory, where inputs that once broke
 * the reader are kept. A crash or sanitizer report fails the test.
 *   fuzz_replay REGRESSIONS_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/synth.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_file(const char *path)
{
    size_t len;
    uint8_t *data = test_read_file(path, &len);
    if (!ok(data != NULL, "read %s", path))
        return;
    LLVMFuzzerTestOneInput(data, len);
    ok(1, "reader survives %s (%zu bytes)", path, len);
    free(data);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        tap_bail("usage: fuzz_replay REGRESSIONS_DIR");

    struct trace_writer_options small = { .chunk_bytes = 512 };
    struct trace_error err;
    const char *whole = test_path("seed.trace"), *noindex = test_path("noindex.trace");
    if (synth_write_file(whole, 3, 300, &small, false, &err) < 0 ||
        synth_write_file(noindex, 4, 300, &small, true, &err) < 0)
        tap_bail("%s", err.msg);
    run_file(whole);
    run_file(noindex);
    size_t len;
    uint8_t *data = test_read_file(whole, &len);
    for (size_t cut = len / 3; data && cut < len; cut += len / 3) {
        uint8_t *copy = malloc(cut + 1);
        memcpy(copy, data, cut);
        LLVMFuzzerTestOneInput(copy, cut);
        free(copy);
        ok(1, "reader survives the seed cut at byte %zu", cut);
    }
    free(data);

    DIR *dir = opendir(argv[1]);
    if (!dir)
        tap_bail("cannot open %s", argv[1]);
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *d; (d = readdir(dir));)
        if (d->d_name[0] != '.') {
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(d->d_name);
        }
    closedir(dir);
    qsort(names, n, sizeof *names, compare_names);   /* a stable order */
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
        run_file(path);
        free(names[i]);
    }
    free(names);
    test_scratch_cleanup();
    return tap_done();
}
