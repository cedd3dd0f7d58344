/*
 * Trace container benchmark (not a test): writes N synthetic hcall-like
 * events (default 10 million), reads them back, and prints events/s for
 * each direction and bytes/event on disk.
 *
 *   trace_bench [--events N] [--level L] [--chunk BYTES] [--out FILE] [--keep]
 *
 * The events come from tests/common/synth.c (H_ENTER/H_REMOVE with
 * page-table-like arguments and H_PUT_TERM_CHAR text), generated before the
 * clock starts so only the trace code is timed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tests/common/synth.h"
#include "traces/trace_reader.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    uint64_t events = 10000000;
    struct trace_writer_options opt = { 0 };
    const char *out = NULL;
    int keep = 0;
    static const struct option options[] = {
        { "events", required_argument, NULL, 'n' }, { "level", required_argument, NULL, 'l' },
        { "chunk", required_argument, NULL, 'c' },  { "out", required_argument, NULL, 'o' },
        { "keep", no_argument, NULL, 'k' },         { 0 },
    };
    for (int ch; (ch = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (ch) {
        case 'n': events = strtoull(optarg, NULL, 0); break;
        case 'l': opt.zstd_level = atoi(optarg); break;
        case 'c': opt.chunk_bytes = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'o': out = optarg; break;
        case 'k': keep = 1; break;
        default:
            fprintf(stderr, "usage: trace_bench [--events N] [--level L] [--chunk BYTES] [--out FILE] [--keep]\n");
            return 2;
        }
    }
    char path[256];
    if (!out) {
        snprintf(path, sizeof path, "%s/ppcrr-bench-%d.trace", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", getpid());
        out = path;
    }

    /* Pre-generate one million events and cycle through them. */
    enum { POOL = 1 << 20 };
    struct synth *s = malloc(sizeof *s);
    synth_init(s, 42, true);
    Ppcrr__Event *pool = calloc(POOL, sizeof *pool);
    Ppcrr__Hcall *calls = calloc(POOL, sizeof *calls);
    uint64_t *args = calloc((size_t)POOL * 16, sizeof *args);
    uint64_t *deltas = calloc(POOL, sizeof *deltas);
    uint64_t prev = 0;
    for (size_t i = 0; i < POOL; i++) {
        uint64_t ic;
        Ppcrr__Event *e = synth_next(s, &ic);
        pool[i] = *e;
        calls[i] = *e->hcall;
        for (size_t a = 0; a < calls[i].n_arg; a++)
            args[i * 16 + a] = calls[i].arg[a];
        for (size_t a = 0; a < calls[i].n_output; a++)
            args[i * 16 + 8 + a] = calls[i].output[a];
        calls[i].arg = &args[i * 16];
        calls[i].output = &args[i * 16 + 8];
        pool[i].hcall = &calls[i];
        deltas[i] = ic - prev;
        prev = ic;
    }

    struct trace_error err;
    double t0 = now();
    struct trace_writer *w = trace_writer_create(out, &opt, &err);
    Ppcrr__Header *h = synth_header_new(2);   /* synth uses vCPUs 0 and 1 */
    if (!w || trace_writer_start(w, h, &err) < 0) {
        fprintf(stderr, "trace_bench: %s\n", err.msg);
        return 1;
    }
    uint64_t icount = 0;
    for (uint64_t i = 0; i < events; i++) {
        icount += deltas[i % POOL] ? deltas[i % POOL] : 1;
        if (trace_writer_append(w, icount, &pool[i % POOL], &err) < 0) {
            fprintf(stderr, "trace_bench: %s\n", err.msg);
            return 1;
        }
    }
    struct trace_writer_stats ws = *trace_writer_stats(w);
    if (trace_writer_close(w, &err) < 0) {
        fprintf(stderr, "trace_bench: %s\n", err.msg);
        return 1;
    }
    double t1 = now();

    struct trace_reader *r = trace_reader_open(out, &err);
    uint64_t n = 0, sum = 0;
    struct trace_event e;
    int rc;
    while (r && (rc = trace_reader_next(r, &e, &err)) == 1) {
        n++;
        sum += e.ev->hcall->opcode;
    }
    double t2 = now();
    if (!r || rc < 0 || n != events) {
        fprintf(stderr, "trace_bench: read back %llu of %llu events: %s\n", (unsigned long long)n,
                (unsigned long long)events, err.msg);
        return 1;
    }
    uint64_t file_size = trace_reader_file_size(r);
    trace_reader_close(r);

    printf("events:          %llu (hcall-like, zstd level %d, %u-byte chunks)\n",
           (unsigned long long)events, opt.zstd_level ? opt.zstd_level : TRACE_WRITER_DEFAULT_LEVEL,
           opt.chunk_bytes ? opt.chunk_bytes : TRACE_WRITER_DEFAULT_CHUNK_BYTES);
    printf("write:           %.2f s, %.2f M events/s\n", t1 - t0, (double)events / (t1 - t0) / 1e6);
    printf("read:            %.2f s, %.2f M events/s\n", t2 - t1, (double)events / (t2 - t1) / 1e6);
    printf("file:            %llu bytes, %.2f bytes/event on disk (%.2f before compression)\n",
           (unsigned long long)file_size, (double)file_size / (double)events,
           (double)ws.uncompressed_bytes / (double)events);
    printf("chunks:          %llu (checksum %llu)\n", (unsigned long long)ws.chunks, (unsigned long long)sum);
    if (!keep)
        unlink(out);
    synth_header_free(h);
    free(pool);
    free(calls);
    free(args);
    free(deltas);
    free(s);
    return 0;
}
