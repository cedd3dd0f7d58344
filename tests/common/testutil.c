/* Test helpers (see testutil.h). */
#include "tests/common/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[512];

const char *test_scratch_dir(void)
{
    if (!scratch[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch, sizeof scratch, "%s/ppcrr-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(scratch)) {
            perror("mkdtemp");
            exit(1);
        }
    }
    return scratch;
}

void test_scratch_cleanup(void)
{
    if (!scratch[0])
        return;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", scratch);
    scratch[0] = 0;
}

const char *test_path(const char *name)
{
    static char bufs[4][600];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", test_scratch_dir(), name);
    return b;
}

uint8_t *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

bool test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool good = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && good;
}

static uint8_t *pack_without_delta(const Ppcrr__Event *e, size_t *len)
{
    Ppcrr__Event copy = *e;
    copy.icount_delta = 0;
    *len = ppcrr__event__get_packed_size(&copy);
    uint8_t *buf = malloc(*len + 1);
    if (buf)
        ppcrr__event__pack(&copy, buf);
    return buf;
}

bool test_same_event(const Ppcrr__Event *a, const Ppcrr__Event *b)
{
    size_t la, lb;
    uint8_t *pa = pack_without_delta(a, &la), *pb = pack_without_delta(b, &lb);
    bool same = pa && pb && la == lb && memcmp(pa, pb, la) == 0;
    free(pa);
    free(pb);
    return same;
}
