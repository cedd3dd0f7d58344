/*
 * Damaged and foreign trace files. The reader must never crash or loop, must
 * name the file and byte offset when it gives up, must read a cut-short file
 * (a killed recorder) up to its last complete chunk, and must never hand out
 * an event that differs from what was written.
 */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <zstd.h>

#include "tests/common/synth.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "traces/trace_reader.h"

#define SEED 0xdead

struct outcome {
    bool opened;
    int rc;                /* of the last trace_reader_next */
    uint64_t events;       /* handed out */
    uint64_t wrong;        /* handed out but not as written */
    char error[512];
    char warning[512];
};

/* Reads a (possibly damaged) trace held in memory to its end. */
static struct outcome read_all(const uint8_t *data, size_t len, const char *name)
{
    struct outcome o = { 0 };
    struct trace_error err = { "" };
    struct trace_reader *r = trace_reader_open_mem(data, len, name, &err);
    if (!r) {
        snprintf(o.error, sizeof o.error, "%s", err.msg);
        return o;
    }
    o.opened = true;
    struct synth s;
    synth_init(&s, SEED, false);
    struct trace_event e;
    while ((o.rc = trace_reader_next(r, &e, &err)) == 1) {
        uint64_t icount;
        const Ppcrr__Event *want = synth_next(&s, &icount);
        o.wrong += e.icount != icount || !test_same_event(e.ev, want);
        o.events++;
    }
    if (o.rc < 0)
        snprintf(o.error, sizeof o.error, "%s", err.msg);
    if (trace_reader_warning(r))
        snprintf(o.warning, sizeof o.warning, "%s", trace_reader_warning(r));
    trace_reader_close(r);
    return o;
}

static uint8_t *write_sample(const char *name, uint64_t events, size_t *len,
                             const Ppcrr__Index **index_out, struct trace_reader **keep)
{
    struct trace_writer_options opt = { .chunk_bytes = 2048 };
    struct trace_error err = { "" };
    const char *path = test_path(name);
    if (synth_write_file(path, SEED, events, &opt, false, &err) < 0)
        tap_bail("cannot write %s: %s", path, err.msg);
    *keep = trace_reader_open(path, &err);
    if (!*keep || !(*index_out = trace_reader_index(*keep)))
        tap_bail("cannot read back %s: %s", path, err.msg);
    return test_read_file(path, len);
}

static void test_foreign_files(void)
{
    static const struct {
        const char *what, *data;
        size_t len;
        const char *expect;
    } cases[] = {
        { "empty file", "", 0, "not a ppcrr trace" },
        { "text file", "hello, world\n", 13, "not a ppcrr trace" },
        { "ELF file", "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\25\0", 20, "not a ppcrr trace" },
        { "signature cut short", "\x50\x2a\x4d\x18\x08\0\0\0PPCR", 12, "too short" },
        { "signature only", "\x50\x2a\x4d\x18\x08\0\0\0PPCRRTRC", 16, "header" },
        { "wrong signature", "\x50\x2a\x4d\x18\x08\0\0\0PPCRRXXX", 16, "no ppcrr signature" },
        { "signature then garbage", "\x50\x2a\x4d\x18\x08\0\0\0PPCRRTRCgarbage!", 23, "byte 16" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct outcome o = read_all((const uint8_t *)cases[i].data, cases[i].len, "foreign.bin");
        ok(!o.opened, "%s: refused", cases[i].what);
        has_substr(o.error, "foreign.bin", "%s: the error names the file", cases[i].what);
        has_substr(o.error, cases[i].expect, "%s: the error says why", cases[i].what);
    }

    uint8_t frame[64];
    size_t n = ZSTD_compress(frame, sizeof frame, "hello", 5, 1);
    struct outcome o = read_all(frame, n, "plain.zst");
    ok(!o.opened, "a plain zstd file is refused");
    has_substr(o.error, "a zstd file but not a ppcrr trace", "and called what it is");

    struct trace_error err = { "" };
    ok(trace_reader_open(test_scratch_dir(), &err) == NULL, "a directory is refused");
    has_substr(err.msg, "is a directory", "and called one");
    ok(trace_reader_open(test_path("missing.trace"), &err) == NULL, "a missing file is refused");
    has_substr(err.msg, "No such file", "with the system's reason");
}

/* A file whose header says it needs a newer reader, built by hand. */
static size_t build_versioned(uint8_t *out, size_t cap, uint32_t format, uint32_t min_reader)
{
    Ppcrr__Header h = PPCRR__HEADER__INIT;
    h.format_version = format;
    h.min_reader_version = min_reader;
    h.emulator_version = (char *)"9.9.9";
    Ppcrr__Trace t = PPCRR__TRACE__INIT;
    t.header = &h;
    uint8_t packed[256];
    size_t plen = ppcrr__trace__pack(&t, packed);
    memcpy(out, "\x50\x2a\x4d\x18\x08\0\0\0PPCRRTRC", 16);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);   /* as ppcrr writes */
    size_t n = ZSTD_compress2(cctx, out + 16, cap - 16, packed, plen);
    ZSTD_freeCCtx(cctx);
    return 16 + n;
}

static void test_versions(void)
{
    uint8_t buf[512];
    size_t n = build_versioned(buf, sizeof buf, 9, 9);
    struct outcome o = read_all(buf, n, "future.trace");
    ok(!o.opened, "a trace needing a newer reader is refused");
    has_substr(o.error, "needs a reader of format 9", "with the version it needs");
    has_substr(o.error, "9.9.9", "and the ppcrr that wrote it");

    n = build_versioned(buf, sizeof buf, 9, 1);
    o = read_all(buf, n, "compatible.trace");
    ok(o.opened && o.rc == 0, "a newer format that old readers may read opens");

    uint8_t plain[512];
    memcpy(plain, buf, 16);
    Ppcrr__Header h = PPCRR__HEADER__INIT;
    h.format_version = 1;
    Ppcrr__Trace t = PPCRR__TRACE__INIT;
    t.header = &h;
    uint8_t packed[64];
    size_t plen = ppcrr__trace__pack(&t, packed);
    n = 16 + ZSTD_compress(plain + 16, sizeof plain - 16, packed, plen, 1);
    o = read_all(plain, n, "nochecksum.trace");
    ok(!o.opened, "a frame without zstd's checksum is refused");
    has_substr(o.error, "no checksum", "saying so");

    n = build_versioned(buf, sizeof buf, 0, 0);
    o = read_all(buf, n, "nover.trace");
    ok(!o.opened, "a header without a format version is refused");
    has_substr(o.error, "no trace header", "as not a header");
}

static uint64_t events_before(const Ppcrr__Index *idx, uint64_t cut)
{
    uint64_t n = 0;
    for (size_t i = 0; i < idx->n_chunk; i++)
        if (idx->chunk[i]->offset + idx->chunk[i]->compressed_size <= cut)
            n += idx->chunk[i]->event_count;
    return n;
}

static void test_truncation(void)
{
    size_t len;
    const Ppcrr__Index *idx;
    struct trace_reader *keep;
    uint8_t *data = write_sample("whole.trace", 1500, &len, &idx, &keep);
    uint64_t header_end = idx->chunk[0]->offset;
    uint64_t index_at = idx->chunk[idx->n_chunk - 1]->offset + idx->chunk[idx->n_chunk - 1]->compressed_size;

    uint64_t cuts = 0, refused_well = 0, bad_prefix = 0, bad_count = 0, unwarned = 0;
    for (uint64_t cut = 0; cut < len; cut += cut < header_end + 64 || cut > len - 64 ? 1 : 37) {
        uint8_t *copy = malloc(cut + 1);   /* exact size, so ASan sees any overread */
        memcpy(copy, data, cut);
        struct outcome o = read_all(copy, cut, "cut.trace");
        free(copy);
        cuts++;
        if (cut < header_end) {
            refused_well += !o.opened && strstr(o.error, "cut.trace") && strstr(o.error, "byte");
            continue;
        }
        bad_prefix += o.wrong != 0 || o.rc != 0;
        uint64_t want = cut >= index_at ? 1500 : events_before(idx, cut);
        if (o.events != want && !bad_count++)
            tap_diag("cut at %llu: %llu events, expected %llu", (unsigned long long)cut,
                     (unsigned long long)o.events, (unsigned long long)want);
        unwarned += !strstr(o.warning, "cut.trace");
    }
    tap_diag("%llu cut points in a %zu-byte trace of %zu chunks", (unsigned long long)cuts, len, idx->n_chunk);
    is_u64(refused_well, header_end, "cut inside the header: refused, naming file and byte");
    is_u64(bad_prefix, 0, "cut after the header: reads without error, every event as written");
    is_u64(bad_count, 0, "cut after the header: exactly the events of the complete chunks");
    is_u64(unwarned, 0, "cut after the header: a warning names the file");

    uint64_t mid = idx->chunk[idx->n_chunk / 2]->offset + 5;
    struct outcome o = read_all(data, mid, "cut.trace");
    char where[64];
    snprintf(where, sizeof where, "truncated at byte %llu", (unsigned long long)(mid - 5));
    has_substr(o.warning, where, "a cut inside a chunk is reported at that chunk's offset");
    free(data);
    trace_reader_close(keep);
}

/* A recorder killed by SIGKILL while writing, at a random moment. */
static void test_killed_writer(void)
{
    const char *path = test_path("killed.trace");
    pid_t pid = fork();
    if (pid == 0) {
        struct trace_writer_options opt = { .chunk_bytes = 1024 };
        struct trace_error err;
        synth_write_file(path, SEED, UINT64_MAX / 2, &opt, false, &err);
        _exit(1);
    }
    struct stat st;
    for (int i = 0; i < 20000 && (stat(path, &st) != 0 || st.st_size < 300000); i++)
        usleep(500);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the writer was killed mid-run");

    size_t len;
    uint8_t *data = test_read_file(path, &len);
    struct outcome o = read_all(data, len, path);
    ok(o.opened && o.rc == 0, "the killed writer's trace opens and reads without error");
    ok(o.events > 1000, "it holds the events of its complete chunks (%llu)", (unsigned long long)o.events);
    is_u64(o.wrong, 0, "every one as written");
    ok(o.warning[0] != 0, "and a warning says it ended early");
    free(data);
}

/* One byte changed anywhere: an error naming the file (and byte), or a
 * complete read of exactly what was written -- some compressed bits are
 * never used by zstd's decoder, so flipping them changes nothing. Never a
 * wrong event, never a silent loss. */
static void test_corruption(void)
{
    size_t len;
    const Ppcrr__Index *idx;
    struct trace_reader *keep;
    uint8_t *data = write_sample("flip.trace", 1500, &len, &idx, &keep);
    uint64_t first_chunk = idx->chunk[0]->offset;
    uint64_t index_at = idx->chunk[idx->n_chunk - 1]->offset + idx->chunk[idx->n_chunk - 1]->compressed_size;
    uint8_t *copy = malloc(len);

    uint64_t flips = 0, wrong = 0, header_ok = 0, header_flips = 0, harmless = 0;
    uint64_t chunk_flips = 0, chunk_caught = 0, tail_flips = 0, tail_whole = 0;
    static const uint8_t patterns[] = { 0x01, 0x80, 0xff };
    for (uint64_t at = 0; at < len; at += at < first_chunk || at >= index_at ? 1 : 5) {
        memcpy(copy, data, len);
        copy[at] ^= patterns[at % 3];
        struct outcome o = read_all(copy, len, "flip.trace");
        bool intact = o.opened && o.rc == 0 && o.events == 1500 && o.wrong == 0;
        flips++;
        wrong += o.wrong;
        harmless += intact;
        if (at < first_chunk) {
            header_flips++;
            header_ok += intact || (!o.opened && strstr(o.error, "flip.trace") != NULL);
        } else if (at < index_at) {
            chunk_flips++;
            chunk_caught += intact || (o.opened && o.rc < 0 && strstr(o.error, "flip.trace: byte "));
        } else {
            tail_flips++;   /* index: ignored, then the file is scanned */
            tail_whole += o.opened && o.events == 1500 && (o.rc == 0 || strstr(o.error, "byte "));
        }
    }
    tap_diag("%llu single-byte flips over %zu bytes, %llu of them in bits zstd never reads",
             (unsigned long long)flips, len, (unsigned long long)harmless);
    is_u64(wrong, 0, "no flip ever yields an event that was not written");
    is_u64(header_ok, header_flips, "flips in the signature or header: refused naming the file, or harmless");
    is_u64(chunk_caught, chunk_flips, "flips in event chunks: an error naming the file and byte, or harmless");
    is_u64(tail_whole, tail_flips, "flips in the index: every event still read (index ignored)");
    free(copy);
    free(data);
    trace_reader_close(keep);
}

/* A trace whose one data frame holds CONTENT (LEN bytes), built by hand. */
static uint8_t *frame_trace(const uint8_t *content, size_t len, size_t *out_len)
{
    uint8_t header[512];
    size_t hlen = build_versioned(header, sizeof header, 1, 1);
    size_t cap = hlen + ZSTD_compressBound(len);
    uint8_t *out = malloc(cap);
    memcpy(out, header, hlen);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    *out_len = hlen + ZSTD_compress2(cctx, out + hlen, cap - hlen, content, len);
    ZSTD_freeCCtx(cctx);
    return out;
}

/* A few kilobytes that decode to millions of tiny messages must be refused
 * within a bounded budget, not allocate gigabytes. */
static void test_decode_bombs(void)
{
    size_t n = 8u << 20, len;
    uint8_t *content = malloc(n);
    /* Trace.chunk { event {} event {} ... }: 2-byte empty events. */
    content[0] = 0x1a;
    size_t body = n - 5, at = 1;
    for (size_t v = body; ; v >>= 7) {
        content[at++] = (uint8_t)(v & 0x7f) | (v >= 0x80 ? 0x80 : 0);
        if (v < 0x80)
            break;
    }
    for (size_t i = at; i + 1 < n; i += 2) {
        content[i] = 0x12;
        content[i + 1] = 0;
    }
    body = n - at;
    size_t fixed = 1;                      /* rewrite the length for what follows */
    for (size_t v = body & ~(size_t)1; ; v >>= 7) {
        content[fixed++] = (uint8_t)(v & 0x7f) | (v >= 0x80 ? 0x80 : 0);
        if (v < 0x80)
            break;
    }
    uint8_t *file = frame_trace(content, at + (body & ~(size_t)1), &len);
    struct outcome o = read_all(file, len, "events-bomb.trace");
    ok(len < 64 << 10, "a %zu-byte file", len);
    ok(o.opened && o.rc < 0, "holding 4 million empty events is refused");
    has_substr(o.error, "far more messages than its size allows", "as a decoding bomb");
    free(file);

    for (size_t i = 0; i + 1 < n; i += 2) {   /* Trace.string "" x 4 million */
        content[i] = 0x12;
        content[i + 1] = 0;
    }
    file = frame_trace(content, n, &len);
    o = read_all(file, len, "strings-bomb.trace");
    ok(o.opened && o.rc < 0, "4 million strings are refused");
    ok(strstr(o.error, "string table too large") || strstr(o.error, "far more messages"),
       "by the string-table cap or the decoding budget, whichever trips first");
    free(file);
    free(content);
}

/* The index with one entry changed and its CRC made right again. */
static uint8_t *tamper_index(const uint8_t *data, size_t len, void (*change)(Ppcrr__Index *),
                             size_t *out_len)
{
    uint64_t off = trace_get_le64(data + len - 16);
    size_t plen = len - off - 8 - TRACE_FOOTER_LEN;
    Ppcrr__Index *idx = ppcrr__index__unpack(NULL, plen, data + off + 8);
    change(idx);
    size_t nlen = ppcrr__index__get_packed_size(idx);
    uint8_t *out = malloc(off + 8 + nlen + TRACE_FOOTER_LEN);
    memcpy(out, data, off);
    trace_put_le32(out + off, TRACE_INDEX_MAGIC);
    trace_put_le32(out + off + 4, (uint32_t)(nlen + TRACE_FOOTER_LEN));
    ppcrr__index__pack(idx, out + off + 8);
    uint8_t *footer = out + off + 8 + nlen;
    trace_put_le32(footer, trace_crc32(out + off + 8, nlen));
    trace_put_le32(footer + 4, 0);
    trace_put_le64(footer + 8, off);
    memcpy(footer + 16, TRACE_FOOTER_TAG, 8);
    ppcrr__index__free_unpacked(idx, NULL);
    *out_len = off + 8 + nlen + TRACE_FOOTER_LEN;
    return out;
}

static void offset_past_index(Ppcrr__Index *idx) { idx->chunk[idx->n_chunk - 1]->offset = 18446744073709551000ull; }
static void shrink_first_chunk(Ppcrr__Index *idx) { idx->chunk[0]->last_icount = idx->chunk[0]->first_icount; }
static void miscount_events(Ppcrr__Index *idx) { idx->chunk[1]->event_count++; idx->event_count++; }

static void test_tampered_index(void)
{
    size_t len, tlen;
    const Ppcrr__Index *idx;
    struct trace_reader *keep;
    uint8_t *data = write_sample("tamper.trace", 1500, &len, &idx, &keep);
    uint64_t target = idx->chunk[0]->first_icount + (idx->chunk[0]->last_icount - idx->chunk[0]->first_icount) / 2;
    struct trace_error err = { "" };

    uint8_t *bad = tamper_index(data, len, offset_past_index, &tlen);
    struct outcome o = read_all(bad, tlen, "tampered.trace");
    ok(o.opened && o.rc == 0 && o.events == 1500 && o.wrong == 0,
       "an index pointing past itself is ignored and the file scanned");
    has_substr(o.warning, "index at end of file ignored", "with a warning saying so");
    free(bad);

    bad = tamper_index(data, len, shrink_first_chunk, &tlen);
    struct trace_reader *r = trace_reader_open_mem(bad, tlen, "lying.trace", &err);
    struct trace_event e;
    int rc = r ? trace_reader_seek(r, target, &err) : -1;
    if (rc == 0)
        rc = trace_reader_next(r, &e, &err);
    ok(rc < 0, "a seek through an index that lies about a chunk's icounts fails");
    has_substr(err.msg, "not what the index says", "saying the index disagrees with the chunk");
    trace_reader_close(r);
    o = read_all(bad, tlen, "lying.trace");
    ok(o.rc < 0 && o.wrong == 0, "and so does reading it from the start, before any wrong event");
    free(bad);

    bad = tamper_index(data, len, miscount_events, &tlen);
    o = read_all(bad, tlen, "miscount.trace");
    ok(o.rc < 0 && strstr(o.error, "not what the index says"), "an index that miscounts a chunk's events is caught");
    free(bad);
    free(data);
    trace_reader_close(keep);
}

/* Without an index a damaged block header must still be an error, not be
 * mistaken for the end of a killed recording -- except in the last frame,
 * where the two cannot be told apart and a warning says where it ended. */
static void test_corruption_without_index(void)
{
    size_t len, nlen;
    const Ppcrr__Index *idx;
    struct trace_reader *keep;
    uint8_t *indexed = write_sample("twin.trace", 1500, &len, &idx, &keep);
    struct trace_writer_options opt = { .chunk_bytes = 2048 };
    struct trace_error err = { "" };
    const char *path = test_path("noindex.trace");
    synth_write_file(path, SEED, 1500, &opt, true, &err);
    uint8_t *data = test_read_file(path, &nlen);
    uint64_t first = idx->chunk[0]->offset, last = idx->chunk[idx->n_chunk - 1]->offset;
    uint8_t *copy = malloc(nlen);
    uint64_t silent_loss = 0, wrong = 0, flips = 0;
    for (uint64_t at = first; at < nlen; at += 3) {
        memcpy(copy, data, nlen);
        copy[at] ^= 0xff;
        struct outcome o = read_all(copy, nlen, "noindex.trace");
        flips++;
        wrong += o.wrong;
        bool lost = o.rc == 0 && o.events < 1500;
        bool explained = at >= last && strstr(o.warning, "truncated at byte");
        silent_loss += lost && !explained;
    }
    tap_diag("%llu flips in a trace without index", (unsigned long long)flips);
    is_u64(wrong, 0, "no wrong event");
    is_u64(silent_loss, 0, "events are lost without an error only in the last frame, with a warning");
    free(copy);
    free(data);
    free(indexed);
    trace_reader_close(keep);
}

int main(void)
{
    test_foreign_files();
    test_versions();
    test_truncation();
    test_killed_writer();
    test_corruption();
    test_decode_bombs();
    test_tampered_index();
    test_corruption_without_index();
    test_scratch_cleanup();
    return tap_done();
}
