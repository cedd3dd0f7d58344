/*
 * Trace container round trips: what the writer is given is exactly what the
 * reader hands back (every field of every event kind, the header, names
 * interned before and after the header), files are byte-identical run to
 * run, chunk limits hold, and seeking lands on the first event at or after
 * the target, with the index and by scanning without one.
 */
#include <string.h>
#include <time.h>

#include "tests/common/synth.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "traces/trace_reader.h"

#define SEED 0x5eed

/* Reads PATH back and checks it holds the first COUNT events of SEED. */
static void check_against_synth(const char *path, uint64_t count, const char *what)
{
    struct trace_error err = { "" };
    struct trace_reader *r = trace_reader_open(path, &err);
    if (!ok(r != NULL, "%s: opens", what)) {
        tap_diag("%s", err.msg);
        return;
    }
    struct synth s;
    synth_init(&s, SEED, false);
    struct trace_event e;
    uint64_t n = 0, bad_icount = 0, bad_event = 0, bad_index = 0;
    int rc;
    while ((rc = trace_reader_next(r, &e, &err)) == 1) {
        uint64_t icount;
        const Ppcrr__Event *want = synth_next(&s, &icount);
        if (e.icount != icount && !bad_icount++)
            tap_diag("event %llu: icount %llu, expected %llu", (unsigned long long)n,
                     (unsigned long long)e.icount, (unsigned long long)icount);
        if (!test_same_event(e.ev, want) && !bad_event++)
            tap_diag("event %llu differs", (unsigned long long)n);
        bad_index += e.index != n;
        n++;
    }
    is_i64(rc, 0, "%s: reads to the end without error", what);
    is_u64(n, count, "%s: event count", what);
    is_u64(bad_icount, 0, "%s: every icount as written", what);
    is_u64(bad_event, 0, "%s: every event field as written", what);
    is_u64(bad_index, 0, "%s: event indexes count from 0", what);
    trace_reader_close(r);
}

static void test_many_chunks(void)
{
    struct trace_writer_options opt = { .chunk_bytes = 4096 };
    struct trace_error err = { "" };
    const char *path = test_path("many.trace");
    ok(synth_write_file(path, SEED, 20000, &opt, false, &err) == 0, "write 20000 events in 4 KiB chunks");
    check_against_synth(path, 20000, "4 KiB chunks");

    struct trace_reader *r = trace_reader_open(path, &err);
    const Ppcrr__Index *idx = r ? trace_reader_index(r) : NULL;
    ok(idx != NULL, "the index is present");
    ok(idx && idx->n_chunk > 50, "many chunks (%zu)", idx ? idx->n_chunk : 0);
    is_u64(idx ? idx->event_count : 0, 20000, "index counts every event");
    ok(trace_reader_warning(r) == NULL, "a complete trace has no warning");
    is_str(trace_reader_string(r, 1), "vty0.irq", "names resolve through the string table");
    ok(trace_reader_string(r, 99) == NULL, "an index past the table resolves to nothing");
    trace_reader_close(r);

    check_against_synth(path, 20000, "second read of the same file");
}

static void test_default_options_and_determinism(void)
{
    struct trace_error err = { "" };
    const char *a = test_path("a.trace"), *b = test_path("b.trace");
    ok(synth_write_file(a, SEED, 5000, NULL, false, &err) == 0, "write with defaults");
    ok(synth_write_file(b, SEED, 5000, NULL, false, &err) == 0, "write again");
    check_against_synth(a, 5000, "defaults");
    size_t la, lb;
    uint8_t *da = test_read_file(a, &la), *db = test_read_file(b, &lb);
    is_u64(la, lb, "same events give the same file size");
    ok(da && db && la == lb && memcmp(da, db, la) == 0, "same events give byte-identical files");
    free(da);
    free(db);
}

static void test_header_round_trip(void)
{
    struct trace_error err = { "" };
    const char *path = test_path("header.trace");
    struct trace_writer *w = trace_writer_create(path, NULL, &err);
    Ppcrr__Header *h = synth_header_new(4);
    static uint8_t dtb[] = { 0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x28, 1, 2, 3 };
    static uint8_t sha[32] = { 0xab, 0xcd };
    Ppcrr__Image image = PPCRR__IMAGE__INIT, *images[] = { &image };
    image.name = (char *)"kernel";
    image.path = (char *)"tests/guests/hello.elf";
    image.size = 12345;
    image.sha256.data = sha;
    image.sha256.len = sizeof sha;
    char *cmdline[] = { (char *)"ppcrr", (char *)"record", (char *)"-kernel", (char *)"hello.elf" };
    h->device_tree.data = dtb;
    h->device_tree.len = sizeof dtb;
    h->n_image = 1;
    h->image = images;
    h->n_command_line = 4;
    h->command_line = cmdline;
    h->checkpoint_interval = 1000000;
    h->format_version = 77;   /* the writer must set these itself */
    ok(w && trace_writer_start(w, h, &err) == 0, "start with a full header");
    ok(trace_writer_close(w, &err) == 0, "close an empty trace");

    struct trace_reader *r = trace_reader_open(path, &err);
    if (!ok(r != NULL, "empty trace opens")) {
        synth_header_free(h);
        return;
    }
    const Ppcrr__Header *g = trace_reader_header(r);
    is_u64(g->format_version, TRACE_FORMAT_VERSION, "writer sets the format version");
    is_u64(g->vcpus, 4, "vcpus");
    is_u64(g->timebase_frequency, 512000000, "timebase frequency");
    is_u64(g->checkpoint_interval, 1000000, "checkpoint interval");
    ok(g->device_tree.len == sizeof dtb && memcmp(g->device_tree.data, dtb, sizeof dtb) == 0,
       "device tree bytes");
    ok(g->n_image == 1 && strcmp(g->image[0]->name, "kernel") == 0 && g->image[0]->size == 12345 &&
           g->image[0]->sha256.len == 32 && memcmp(g->image[0]->sha256.data, sha, 32) == 0,
       "image name, size and sha256");
    ok(g->n_command_line == 4 && strcmp(g->command_line[3], "hello.elf") == 0, "command line");
    const Ppcrr__HcallInfo *info = trace_reader_hcall_info(r, 0x58);
    is_str(info ? info->name : NULL, "H_PUT_TERM_CHAR", "hcall 0x58 is described");
    is_str(trace_reader_return_name(r, -4), "H_PARAMETER", "return code -4 is described");
    struct trace_event e;
    is_i64(trace_reader_next(r, &e, &err), 0, "no events");
    ok(trace_reader_warning(r) == NULL, "no warning");
    trace_reader_close(r);
    synth_header_free(h);
}

/* protobuf strings must be UTF-8: bytes that are not (a Latin-1 path, a
 * guest's message) are kept as \xNN text, everywhere the writer takes text. */
static void test_text_that_is_not_utf8(void)
{
    struct trace_error err = { "" };
    const char *path = test_path("latin1.trace");
    struct trace_writer *w = trace_writer_create(path, NULL, &err);
    Ppcrr__Header *h = synth_header_new(1);
    Ppcrr__Image image = PPCRR__IMAGE__INIT, *images[] = { &image };
    image.name = (char *)"kernel";
    image.path = (char *)"/home/jos\xe9/vmlinux";
    h->n_image = 1;
    h->image = images;
    ok(trace_writer_start(w, h, &err) == 0, "start with a non-UTF-8 image path");
    Ppcrr__Exit ex = PPCRR__EXIT__INIT;
    ex.reason = PPCRR__EXIT__REASON__GUEST_CRASH;
    ex.message = (char *)"panic: \xff\xfe";
    Ppcrr__Event ev = PPCRR__EVENT__INIT;
    ev.kind_case = PPCRR__EVENT__KIND_EXIT;
    ev.exit = &ex;
    ok(trace_writer_append(w, 10, &ev, &err) == 0, "append an exit whose message is not UTF-8");
    is_str(ex.message, "panic: \xff\xfe", "the caller's event is left as it was");
    ok(trace_writer_close(w, &err) == 0, "close");
    synth_header_free(h);

    struct trace_reader *r = trace_reader_open(path, &err);
    struct trace_event e;
    is_str(r ? trace_reader_header(r)->image[0]->path : NULL, "/home/jos\\xe9/vmlinux",
           "the path reads back with the byte escaped");
    ok(r && trace_reader_next(r, &e, &err) == 1, "the exit event reads back");
    is_str(r ? e.ev->exit->message : NULL, "panic: \\xff\\xfe", "its message escaped");
    trace_reader_close(r);
}

/* Names interned after the header travel in chunk frames and the index. */
static void test_late_strings(void)
{
    struct trace_writer_options opt = { .chunk_bytes = 64 };
    struct trace_error err = { "" };
    const char *path = test_path("late.trace");
    struct trace_writer *w = trace_writer_create(path, &opt, &err);
    uint32_t early = trace_writer_intern(w, "early");
    Ppcrr__Header *h = synth_header_new(1);
    trace_writer_start(w, h, &err);
    synth_header_free(h);
    Ppcrr__Irq irq = PPCRR__IRQ__INIT;
    Ppcrr__Event ev = PPCRR__EVENT__INIT;
    ev.kind_case = PPCRR__EVENT__KIND_IRQ;
    ev.irq = &irq;
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "late%d", i);
        irq.line = i % 2 ? early : trace_writer_intern(w, name);
        irq.level = (uint32_t)i & 1;
        trace_writer_append(w, 100u * (uint64_t)i, &ev, &err);
    }
    is_u64(trace_writer_intern(w, "late4"), early + 3, "interning again gives the first index");
    ok(trace_writer_close(w, &err) == 0, "close");

    for (int pass = 0; pass < 2; pass++) {
        struct trace_reader *r = trace_reader_open(path, &err);
        if (!r)
            break;
        if (pass)
            trace_reader_seek(r, 3000, &err);
        struct trace_event e;
        int good = 0, seen = 0;
        while (trace_reader_next(r, &e, &err) == 1) {
            int i = (int)(e.icount / 100);
            snprintf(name, sizeof name, "late%d", i);
            const char *got = trace_reader_string(r, e.ev->irq->line);
            good += got && strcmp(got, i % 2 ? "early" : name) == 0;
            seen++;
        }
        is_i64(good, seen, "%s: every late name resolves", pass ? "after a seek" : "streaming");
        is_i64(seen, pass ? 10 : 40, "%s: event count", pass ? "after a seek" : "streaming");
        trace_reader_close(r);
    }
}

static void test_chunk_icount_limit(void)
{
    struct trace_writer_options opt = { .chunk_icount = 10000 };
    struct trace_error err = { "" };
    const char *path = test_path("span.trace");
    ok(synth_write_file(path, SEED, 3000, &opt, false, &err) == 0, "write with a 10000-instruction chunk span");
    struct trace_reader *r = trace_reader_open(path, &err);
    const Ppcrr__Index *idx = r ? trace_reader_index(r) : NULL;
    uint64_t too_long = 0;
    for (size_t i = 0; idx && i < idx->n_chunk; i++)
        too_long += idx->chunk[i]->last_icount - idx->chunk[i]->first_icount > 10000;
    ok(idx && idx->n_chunk > 100, "the span limit cut many chunks (%zu)", idx ? idx->n_chunk : 0);
    is_u64(too_long, 0, "no chunk spans more than the limit");
    trace_reader_close(r);
    check_against_synth(path, 3000, "icount-limited chunks");
}

/* The host-time age limit closes a chunk that has waited too long even
 * when it is small; an explicit flush closes one at once. */
static void test_chunk_age_and_flush(void)
{
    struct trace_writer_options opt = { .chunk_ms = 20 };
    struct trace_error err = { "" };
    const char *path = test_path("age.trace");
    struct trace_writer *w = trace_writer_create(path, &opt, &err);
    Ppcrr__Header *h = synth_header_new(2);
    trace_writer_start(w, h, &err);
    synth_header_free(h);
    struct synth s;
    synth_init(&s, SEED, false);
    struct timespec pause = { 0, 30 * 1000000 };
    for (int i = 0; i < 6; i++) {
        uint64_t icount;
        Ppcrr__Event *e = synth_next(&s, &icount);
        trace_writer_append(w, icount, e, &err);
        if (i < 3)
            nanosleep(&pause, NULL);    /* older than 20 ms at the next append */
    }
    is_u64(trace_writer_stats(w)->chunks, 3, "three chunks aged out before the fast appends");
    ok(trace_writer_flush(w, &err) == 0, "an explicit flush");
    is_u64(trace_writer_stats(w)->chunks, 4, "writes the pending chunk at once");
    ok(trace_writer_flush(w, &err) == 0, "a flush with nothing pending");
    is_u64(trace_writer_stats(w)->chunks, 4, "writes nothing");
    ok(trace_writer_close(w, &err) == 0, "close");
    check_against_synth(path, 6, "aged chunks");
}

/* Every seek must land on the first event whose icount is >= the target. */
static void check_seeks(const char *path, const char *what, int tries)
{
    enum { N = 6000 };
    static uint64_t icounts[N];
    struct synth s;
    synth_init(&s, SEED, false);
    for (int i = 0; i < N; i++)
        synth_next(&s, &icounts[i]);

    struct trace_error err = { "" };
    struct trace_reader *r = trace_reader_open(path, &err);
    if (!r)
        return;
    uint64_t wrong = 0, rng = 7;
    for (int t = 0; t < tries; t++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t target;
        if (t == 0)
            target = 0;
        else if (t == 1)
            target = icounts[N - 1] + 1;      /* past the end */
        else if (t % 3 == 0)
            target = icounts[(rng >> 33) % N];  /* exactly an event */
        else
            target = (rng >> 20) % (icounts[N - 1] + 10);
        int want = 0;
        while (want < N && icounts[want] < target)
            want++;
        struct trace_event e;
        int rc = trace_reader_seek(r, target, &err);
        int got = rc == 0 ? trace_reader_next(r, &e, &err) : -1;
        bool right = want == N ? got == 0 : got == 1 && e.index == (uint64_t)want && e.icount == icounts[want];
        if (!right && !wrong++)
            tap_diag("seek to %llu: got rc %d index %llu, expected index %d",
                     (unsigned long long)target, got, got == 1 ? (unsigned long long)e.index : 0ull, want);
    }
    is_u64(wrong, 0, "%s: %d seeks land on the first event at or after the target", what, tries);
    trace_reader_close(r);
}

static void test_seek(void)
{
    struct trace_writer_options opt = { .chunk_bytes = 2048 };
    struct trace_error err = { "" };
    const char *indexed = test_path("seek.trace"), *scanned = test_path("seek-noindex.trace");
    ok(synth_write_file(indexed, SEED, 6000, &opt, false, &err) == 0, "write for seeking");
    ok(synth_write_file(scanned, SEED, 6000, &opt, true, &err) == 0, "write without an index");
    check_seeks(indexed, "with index", 400);
    check_seeks(scanned, "without index", 60);

    struct trace_reader *r = trace_reader_open(scanned, &err);
    ok(r && trace_reader_index(r) == NULL, "abandoned writer leaves no index");
    struct trace_event e;
    while (r && trace_reader_next(r, &e, &err) == 1)
        ;
    has_substr(r ? trace_reader_warning(r) : NULL, "no index", "reading it warns that the index is missing");
    trace_reader_close(r);
    check_against_synth(scanned, 6000, "no index");
}

static void test_writer_refuses(void)
{
    struct trace_error err = { "" };
    struct trace_writer *w = trace_writer_create(test_path("refuse.trace"), NULL, &err);
    Ppcrr__Header *h = synth_header_new(1);
    Ppcrr__Interrupt irq = PPCRR__INTERRUPT__INIT;
    Ppcrr__Event ev = PPCRR__EVENT__INIT;
    ev.kind_case = PPCRR__EVENT__KIND_INTERRUPT;
    ev.interrupt = &irq;
    /* Events before the start are held for the first chunk, even past a
     * chunk's size: nothing may precede the header in the file. */
    struct trace_writer_options tiny = { .chunk_bytes = 16 };
    trace_writer_abandon(w);
    w = trace_writer_create(test_path("early.trace"), &tiny, &err);
    for (uint64_t i = 0; i < 10; i++)
        ok(trace_writer_append(w, 5 + i, &ev, &err) == 0, "append %llu before the start is held",
           (unsigned long long)i);
    is_u64(trace_writer_stats(w)->file_bytes, 0, "nothing written before the start");
    ok(trace_writer_flush(w, &err) < 0, "flush before the start is refused");
    ok(trace_writer_start(w, h, &err) == 0, "start after early events");
    ok(trace_writer_append(w, 40, &ev, &err) == 0, "append after the start");
    ok(trace_writer_close(w, &err) == 0, "close");
    struct trace_reader *r = trace_reader_open(test_path("early.trace"), &err);
    struct trace_event e;
    uint64_t n = 0, last = 0;
    while (r && trace_reader_next(r, &e, &err) == 1) {
        n++;
        last = e.icount;
    }
    is_u64(n, 11, "early events read back with the later one");
    is_u64(last, 40, "in order");
    trace_reader_close(r);

    w = trace_writer_create(test_path("refuse2.trace"), NULL, &err);
    trace_writer_start(w, h, &err);
    ok(trace_writer_append(w, 500, &ev, &err) == 0, "append at 500");
    ok(trace_writer_append(w, 499, &ev, &err) < 0, "append at 499 after 500 is refused");
    has_substr(err.msg, "before the previous event", "and says why");
    trace_writer_abandon(w);

    ok(trace_writer_create("/nonexistent-dir/x.trace", NULL, &err) == NULL, "cannot create in a missing directory");
    has_substr(err.msg, "/nonexistent-dir/x.trace", "the error names the file");
    synth_header_free(h);
}

int main(void)
{
    test_many_chunks();
    test_default_options_and_determinism();
    test_header_round_trip();
    test_late_strings();
    test_text_that_is_not_utf8();
    test_chunk_icount_limit();
    test_chunk_age_and_flush();
    test_seek();
    test_writer_refuses();
    test_scratch_cleanup();
    return tap_done();
}
