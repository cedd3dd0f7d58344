/*
 * SHA-256 (traces/sha256.c), which names guest images in trace headers and
 * checks them again on replay, so a wrong digest would either let a replay
 * run on the wrong image or refuse the right one. Checked against the
 * example messages of FIPS 180-4 / NIST (including one million 'a'), against
 * coreutils' sha256sum as an independent oracle for lengths either side of
 * the padding boundaries and for a multi-megabyte file read in several
 * chunks, for streaming in pieces of every awkward size agreeing with one
 * call, for sha256_file on a slow FIFO whose reads come back short or with
 * EINTR, and for sha256_file's errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "traces/sha256.h"

#define HEX_SIZE (2 * SHA256_DIGEST_SIZE + 1)

static const char empty_hex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/* Deterministic bytes for the tests (xorshift64*), so a failure reproduces. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
    rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
}

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint8_t *random_bytes(size_t len, uint64_t seed)
{
    uint8_t *p = malloc(len ? len : 1);
    if (!p)
        tap_bail("out of memory for %zu bytes", len);
    rng_seed(seed);
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(rng_next() >> 56);
    return p;
}

static void hex_of_buffer(const void *data, size_t len, char hex[HEX_SIZE])
{
    uint8_t d[SHA256_DIGEST_SIZE] = { 0 };
    sha256_buffer(data, len, d);
    sha256_hex(d, hex);
}

/* What `sha256sum` says about the file at PATH; "" if it said nothing usable.
 * The path travels in the environment, so no quoting can go wrong. */
static void oracle_hex(const char *path, char hex[HEX_SIZE])
{
    hex[0] = '\0';
    if (setenv("PPCRR_SHA256_ORACLE", path, 1) != 0)
        return;
    FILE *p = popen("sha256sum < \"$PPCRR_SHA256_ORACLE\"", "r");
    if (!p)
        return;
    char line[256];
    bool got = fgets(line, sizeof line, p) != NULL;
    if (pclose(p) != 0 || !got || strspn(line, "0123456789abcdef") != HEX_SIZE - 1 ||
        line[HEX_SIZE - 1] != ' ')
        return;
    memcpy(hex, line, HEX_SIZE - 1);
    hex[HEX_SIZE - 1] = '\0';
}

/* ---- the FIPS 180-4 / NIST examples ---------------------------------------- */

static void test_vectors(void)
{
    static const struct {
        const char *name, *msg, *hex;
    } v[] = {
        { "empty string", "",
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "\"abc\" (one block)", "abc",
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "448-bit message (two blocks)",
          "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "896-bit message",
          "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
          "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
    };
    char hex[HEX_SIZE];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hex_of_buffer(v[i].msg, strlen(v[i].msg), hex);
        is_str(hex, v[i].hex, "sha256_buffer: %s", v[i].name);
    }

    /* A NULL pointer with no bytes is the empty message too. */
    hex_of_buffer(NULL, 0, hex);
    is_str(hex, empty_hex, "sha256_buffer(NULL, 0) is the empty message");
}

static void test_million_a(void)
{
    static const char want[] =
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    enum { N = 1000000 };
    char *a = malloc(N);
    if (!a)
        tap_bail("out of memory");
    memset(a, 'a', N);
    char hex[HEX_SIZE];
    uint8_t d[SHA256_DIGEST_SIZE] = { 0 };

    hex_of_buffer(a, N, hex);
    is_str(hex, want, "one million 'a', in one call");

    struct sha256 s;
    sha256_init(&s);
    for (int i = 0; i < 1000; i++)
        sha256_update(&s, a + i * 1000, 1000);
    sha256_final(&s, d);
    sha256_hex(d, hex);
    is_str(hex, want, "one million 'a', 1000 updates of 1000 bytes");

    sha256_init(&s);
    for (int i = 0; i < N; i++)
        sha256_update(&s, "a", 1);
    sha256_final(&s, d);
    sha256_hex(d, hex);
    is_str(hex, want, "one million 'a', one byte at a time");
    free(a);
}

static void test_hex(void)
{
    uint8_t d[SHA256_DIGEST_SIZE] = { 0 };
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        d[i] = (uint8_t)(i * 0x11 + (i >> 4) * 0x0f);
    char hex[HEX_SIZE + 1];
    memset(hex, 'X', sizeof hex);
    sha256_hex(d, hex);
    is_str(hex, "00112233445566778899aabbccddeeff1f30415263748596a7b8c9daebfc0d1e",
           "sha256_hex: lowercase, two digits a byte, high nibble first, NUL-terminated");
    ok(hex[HEX_SIZE] == 'X', "sha256_hex writes nothing past the NUL");
}

/* ---- streaming ------------------------------------------------------------- */

/* Feeds DATA in pieces of PIECE bytes (the last one shorter). */
static void digest_in_pieces(const uint8_t *data, size_t len, size_t piece,
                             uint8_t out[SHA256_DIGEST_SIZE])
{
    struct sha256 s;
    sha256_init(&s);
    for (size_t at = 0; at < len; at += piece)
        sha256_update(&s, data + at, len - at < piece ? len - at : piece);
    sha256_final(&s, out);
}

static void test_streaming(void)
{
    enum { LEN = 10007 };             /* prime: no piece size divides it */
    uint8_t *data = random_bytes(LEN, 1);
    uint8_t whole[SHA256_DIGEST_SIZE], d[SHA256_DIGEST_SIZE];
    sha256_buffer(data, LEN, whole);

    static const size_t pieces[] = { 1, 2, 3, 7, 55, 56, 63, 64, 65, 127, 128, 129, 4096 };
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        digest_in_pieces(data, LEN, pieces[i], d);
        is_mem(d, whole, sizeof d, "%zu-byte pieces equal one call", pieces[i]);
    }

    /* Random splits, with empty updates among them: the whole buffer, then
     * random lengths, so final sees the buffer left at many fill levels. */
    for (uint64_t seed = 1; seed <= 40; seed++) {
        rng_seed(seed + 1000);
        size_t len = seed <= 20 ? LEN : (size_t)(rng_next() % LEN);
        struct sha256 s;
        sha256_init(&s);
        size_t at = 0, calls = 0;
        while (at < len) {
            size_t max = rng_next() % 4 == 0 ? 300 : 70;
            size_t n = (size_t)(rng_next() % (max + 1));
            if (n > len - at)
                n = len - at;
            sha256_update(&s, data + at, n);
            at += n;
            calls++;
        }
        sha256_final(&s, d);
        uint8_t want[SHA256_DIGEST_SIZE];
        sha256_buffer(data, len, want);
        is_mem(d, want, sizeof d, "random split %" PRIu64 ": %zu bytes in %zu updates", seed,
               len, calls);
    }

    /* A context initialised again after final starts afresh. */
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, "something else", 14);
    sha256_final(&s, d);
    sha256_init(&s);
    sha256_update(&s, data, LEN);
    sha256_final(&s, d);
    is_mem(d, whole, sizeof d, "a context reused after sha256_init gives the same digest");
    free(data);
}

/* ---- against sha256sum ----------------------------------------------------- */

static void test_oracle_lengths(void)
{
    /* Around 55/56 (the last length whose padding fits in its block / the
     * first that needs another), 63/64/65 and the same a block later. */
    static const size_t lens[] = { 0,  1,   55,  56,  57,  63,  64,  65,
                                   111, 119, 120, 121, 127, 128, 129, 1000 };
    uint8_t *data = random_bytes(1000, 2);
    const char *path = test_path("boundary.bin");
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t len = lens[i];
        if (!test_write_file(path, data, len))
            tap_bail("cannot write %s", path);
        char want[HEX_SIZE], got[HEX_SIZE];
        oracle_hex(path, want);
        if (!ok(want[0] != '\0', "sha256sum hashes %zu bytes", len))
            continue;
        hex_of_buffer(data, len, got);
        is_str(got, want, "%zu bytes: sha256_buffer agrees with sha256sum", len);
        uint8_t d[SHA256_DIGEST_SIZE] = { 0 };
        int rc = sha256_file(path, d);
        sha256_hex(d, got);
        is_str(rc == 0 ? got : "(failed)", want, "%zu bytes: sha256_file agrees with sha256sum",
               len);
    }
    free(data);
}

static void test_big_file(void)
{
    /* Several 1 MiB reads and a ragged tail. */
    const size_t len = (5u << 20) + 4099;
    uint8_t *data = random_bytes(len, 3);
    const char *path = test_path("big.bin");
    if (!test_write_file(path, data, len))
        tap_bail("cannot write %s", path);
    char want[HEX_SIZE], got[HEX_SIZE];
    oracle_hex(path, want);
    ok(want[0] != '\0', "sha256sum hashes the %zu-byte file", len);

    uint8_t d[SHA256_DIGEST_SIZE] = { 0 };
    int rc = sha256_file(path, d);
    is_i64(rc, 0, "sha256_file reads the %zu-byte file", len);
    sha256_hex(d, got);
    is_str(rc == 0 ? got : "(failed)", want, "sha256_file agrees with sha256sum on %zu bytes",
           len);
    hex_of_buffer(data, len, got);
    is_str(got, want, "sha256_buffer agrees with sha256sum on %zu bytes", len);
    free(data);
}

/* ---- short reads and EINTR ------------------------------------------------- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* A child opens a FIFO late and writes into it in small pieces with pauses,
 * so every read comes back short, while a 300 us timer whose handler is
 * installed without SA_RESTART interrupts the blocked open and reads with
 * EINTR. */
static void test_file_interrupted(void)
{
    enum { LEN = 300000 };
    uint8_t *data = random_bytes(LEN, 4);
    uint8_t want[SHA256_DIGEST_SIZE], d[SHA256_DIGEST_SIZE];
    sha256_buffer(data, LEN, want);
    const char *fifo = test_path("slow.fifo");
    if (mkfifo(fifo, 0600) != 0)
        tap_bail("cannot make FIFO %s", fifo);

    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        tap_bail("fork failed");
    if (pid == 0) {
        /* Late, so the reader's open blocks and is interrupted too; and
         * without blocking, so a reader that gave up cannot hang us. */
        int fd = -1;
        for (int tries = 0; fd < 0 && tries < 2000; tries++) {
            usleep(1000);
            fd = open(fifo, O_WRONLY | O_NONBLOCK);
        }
        if (fd < 0 || fcntl(fd, F_SETFL, 0) != 0)
            _exit(1);
        rng_seed(5);
        for (size_t at = 0; at < LEN;) {
            size_t n = 1 + (size_t)(rng_next() % 5000);
            ssize_t w = write(fd, data + at, n < LEN - at ? n : LEN - at);
            if (w < 0 && errno != EINTR)
                _exit(1);
            at += w > 0 ? (size_t)w : 0;
            usleep(200);
        }
        _exit(close(fd) == 0 ? 0 : 1);
    }

    struct sigaction sa = { .sa_handler = on_alarm }, old;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, &old);
    struct itimerval every = { .it_interval = { 0, 300 }, .it_value = { 0, 300 } }, off = { 0 };
    setitimer(ITIMER_REAL, &every, NULL);
    errno = 0;
    int rc = sha256_file(fifo, d);
    int err = errno;
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the FIFO writer wrote all %d bytes", LEN);
    ok(alarms > 0, "SIGALRM arrived during sha256_file (%d times)", (int)alarms);
    is_i64(rc, 0, "sha256_file reads through short reads and EINTR (errno %d)", rc ? err : 0);
    is_mem(d, want, sizeof d, "... and gets the digest of all %d bytes", LEN);
    free(data);
}

/* ---- sha256_file's errors and the empty file ------------------------------- */

static void test_file_errors(void)
{
    uint8_t d[SHA256_DIGEST_SIZE] = { 0 };
    char hex[HEX_SIZE];

    const char *empty = test_path("empty.bin");
    if (!test_write_file(empty, "", 0))
        tap_bail("cannot write %s", empty);
    is_i64(sha256_file(empty, d), 0, "sha256_file on an empty file succeeds");
    sha256_hex(d, hex);
    is_str(hex, empty_hex, "an empty file hashes as the empty message");

    errno = 0;
    is_i64(sha256_file(test_path("no-such-file"), d), -1, "sha256_file on a missing path fails");
    is_i64(errno, ENOENT, "... with errno ENOENT");

    const char *dir = test_path("a-directory");
    if (mkdir(dir, 0700) != 0)
        tap_bail("cannot make %s", dir);
    errno = 0;
    is_i64(sha256_file(dir, d), -1, "sha256_file on a directory fails");
    is_i64(errno, EISDIR, "... with errno EISDIR");
}

int main(void)
{
    test_vectors();
    test_million_a();
    test_hex();
    test_streaming();
    test_oracle_lengths();
    test_big_file();
    test_file_interrupted();
    test_file_errors();
    test_scratch_cleanup();
    return tap_done();
}
