/*
 * Runs the snapshot reader's fuzz target over every file in a directory
 * (seeds and inputs that once broke it), one TAP point each.
 *   fuzz_snapshot_replay DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/testutil.h"
#include "tests/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc != 2)
        tap_bail("usage: fuzz_snapshot_replay DIR");
    DIR *d = opendir(argv[1]);
    if (!d)
        tap_bail("cannot open %s", argv[1]);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        size_t len;
        uint8_t *data = test_read_file(path, &len);
        if (!ok(data != NULL, "read %s", e->d_name))
            continue;
        LLVMFuzzerTestOneInput(data, len);
        ok(1, "reader survives %s (%zu bytes)", e->d_name, len);
        free(data);
    }
    closedir(d);
    return tap_done();
}
