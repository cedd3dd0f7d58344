/*
 * Sharded replay (replay_keyframes.h): one pass over the trace cuts it
 * into segments at its saved keyframes and counts, per segment, the calls
 * of the hcall --inject-hcall names (so that N keeps counting from the
 * boot); the snapshots are found before anything runs, so a missing one
 * is one clear error rather than a failed worker; then a pool of at most
 * K forked workers replays this shard's segments, each worker's report
 * caught in a temporary file and printed whole when it ends, so that
 * reports of segments running side by side never interleave.
 */
#include "harness/replay_keyframes.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/shard.h"
#include "traces/trace_reader.h"

#define EXIT_DIVERGED 1
#define EXIT_CANNOT 2

struct segments {
    struct keyframe_segment *seg;
    uint64_t *calls;            /* the injected hcall's calls in each */
    unsigned n;
};

static void segments_free(struct segments *s)
{
    for (unsigned i = 0; i < s->n; i++) {
        free(s->seg[i].snapshot);
        free(s->seg[i].inject);
    }
    free(s->seg);
    free(s->calls);
}

/* A new segment from START, restoring SNAPSHOT (NULL: the boot). */
static int segment_add(struct segments *s, uint64_t start, const char *snapshot)
{
    struct keyframe_segment *seg = realloc(s->seg, (s->n + 1) * sizeof *seg);
    if (seg)
        s->seg = seg;
    uint64_t *calls = realloc(s->calls, (s->n + 1) * sizeof *calls);
    if (calls)
        s->calls = calls;
    if (!seg || !calls)
        return -1;
    seg += s->n;
    *seg = (struct keyframe_segment){ .number = s->n + 1, .start = start };
    snprintf(seg->name, sizeof seg->name, "segment@%" PRIu64, start);
    if (snapshot && !(seg->snapshot = strdup(snapshot)))
        return -1;
    s->calls[s->n++] = 0;
    return 0;
}

/* The hcall name of --inject-hcall NAME:N:RET into NAME, N into NTH. */
static bool parse_inject(const char *spec, char *name, size_t len, uint64_t *nth)
{
    const char *colon = spec ? strchr(spec, ':') : NULL;
    if (!colon || (size_t)(colon - spec) >= len)
        return false;
    memcpy(name, spec, (size_t)(colon - spec));
    name[colon - spec] = 0;
    char *end;
    errno = 0;
    *nth = strtoull(colon + 1, &end, 10);
    return errno == 0 && *end == ':' && *nth > 0;
}

/* One pass over the trace: a segment per saved keyframe (two at one
 * icount are one: --snapshot-at and --snapshot-every may meet), the first
 * from the boot or from the snapshot the trace was recorded from. */
static int scan_trace(const struct keyframe_replay *k, struct segments *s, const char *inject_name)
{
    struct trace_error err = { 0 };
    struct trace_reader *r = trace_reader_open(k->trace, &err);
    if (!r) {
        fprintf(stderr, "ppcrr: %s\n", err.msg);
        return -1;
    }
    const Ppcrr__Header *h = trace_reader_header(r);
    const char *from = h->restored_from && h->restored_from[0] ? h->restored_from : NULL;
    int rc = segment_add(s, 0, from);
    struct trace_event e;
    while (rc == 0 && (rc = trace_reader_next(r, &e, &err)) == 1) {
        rc = 0;
        struct keyframe_segment *cur = &s->seg[s->n - 1];
        if (e.ev->kind_case == PPCRR__EVENT__KIND_KEYFRAME) {
            /* A trace recorded from a snapshot starts with a restored
             * keyframe at the snapshot's icount: the first segment's start. */
            if (e.ev->keyframe->restored) {
                if (s->n == 1 && e.index == 0) {
                    cur->start = e.icount;
                    snprintf(cur->name, sizeof cur->name, "segment@%" PRIu64, e.icount);
                }
                continue;
            }
            if (e.icount == cur->start)
                continue;
            if (!e.ev->keyframe->snapshot[0]) {
                snprintf(err.msg, sizeof err.msg, "%.300s: the keyframe at icount %" PRIu64 " names no snapshot file",
                         k->trace, e.icount);
                rc = -1;
                break;
            }
            cur->end = e.icount;
            cur->has_end = true;
            if (segment_add(s, e.icount, e.ev->keyframe->snapshot) < 0)
                rc = -1;
        }
        if (inject_name && e.ev->kind_case == PPCRR__EVENT__KIND_HCALL) {
            const Ppcrr__HcallInfo *info = trace_reader_hcall_info(r, e.ev->hcall->opcode);
            if (info && info->name && strcmp(info->name, inject_name) == 0)
                s->calls[s->n - 1]++;
        }
    }
    if (rc < 0)
        fprintf(stderr, "ppcrr: %s\n", err.msg[0] ? err.msg : "out of memory");
    trace_reader_close(r);
    return rc < 0 ? -1 : 0;
}

/* --inject-hcall NAME:N:RET goes to the segment holding NAME's Nth call,
 * renumbered from that segment's start (a restored machine counts calls
 * from there); one past the trace's calls goes to the last segment, where
 * it fires, as in a whole replay, only if the guest calls more. */
static int share_inject(struct segments *s, const char *spec, const char *name, uint64_t nth)
{
    uint64_t before = 0;
    unsigned i = 0;
    while (i + 1 < s->n && before + s->calls[i] < nth)
        before += s->calls[i++];
    const char *ret = strchr(strchr(spec, ':') + 1, ':') + 1;
    size_t len = strlen(name) + strlen(ret) + 24;
    if (!(s->seg[i].inject = malloc(len)))
        return -1;
    snprintf(s->seg[i].inject, len, "%s:%" PRIu64 ":%s", name, nth - before, ret);
    return 0;
}

/* Where a keyframe's snapshot is: with --snapshot-dir, there by file name;
 * else the recorded path if absolute, or taken relative to the trace's
 * directory (a recording made there), or to this one. NULL when none
 * exists; TRIED then lists the paths looked at. */
static char *locate_snapshot(const struct keyframe_replay *k, const char *recorded, char *tried, size_t len)
{
    const char *base = strrchr(recorded, '/') ? strrchr(recorded, '/') + 1 : recorded;
    const char *slash = strrchr(k->trace, '/');
    int dirlen = slash ? (int)(slash - k->trace) : 1;
    const char *dir = slash ? k->trace : ".";
    char cand[3][4096];
    unsigned n = 0;
    if (k->snapshot_dir) {
        snprintf(cand[n++], sizeof cand[0], "%s/%s", k->snapshot_dir, base);
    } else if (recorded[0] == '/') {
        snprintf(cand[n++], sizeof cand[0], "%s", recorded);
    } else {
        snprintf(cand[n++], sizeof cand[0], "%.*s/%s", dirlen, dir, recorded);
        if (base != recorded)
            snprintf(cand[n++], sizeof cand[0], "%.*s/%s", dirlen, dir, base);
        snprintf(cand[n++], sizeof cand[0], "%s", recorded);
    }
    tried[0] = 0;
    for (unsigned i = 0; i < n; i++) {
        if (access(cand[i], R_OK) == 0)
            return strdup(cand[i]);
        size_t used = strlen(tried);
        snprintf(tried + used, len - used, "%s%.4000s", i ? ", " : "", cand[i]);
    }
    return NULL;
}

/* ---- the worker pool ---------------------------------------------------- */

struct worker {
    pid_t pid;
    const struct keyframe_segment *seg;
    FILE *out;
    struct timespec began;
};

static double since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static int worker_start(const struct keyframe_replay *k, struct worker *w, const struct keyframe_segment *seg)
{
    if (!(w->out = tmpfile())) {
        fprintf(stderr, "ppcrr: cannot make a temporary file for a worker's report: %s\n", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    clock_gettime(CLOCK_MONOTONIC, &w->began);
    w->seg = seg;
    w->pid = fork();
    if (w->pid < 0) {
        fprintf(stderr, "ppcrr: cannot start a worker: %s\n", strerror(errno));
        fclose(w->out);
        return -1;
    }
    if (w->pid == 0) {
        dup2(fileno(w->out), STDOUT_FILENO);
        dup2(fileno(w->out), STDERR_FILENO);
        int rc = k->run(k->ctx, seg);
        fflush(NULL);
        _exit(rc);
    }
    return 0;
}

static const char *const outcome[] = { [0] = "clean", [EXIT_DIVERGED] = "DIVERGED", [EXIT_CANNOT] = "could not replay" };

/* A worker ended with wait STATUS: its line (the replay's own summary for
 * a clean segment), its whole report otherwise. Returns 0, 1 or 2. */
static int worker_report(const struct keyframe_replay *k, struct worker *w, int status, unsigned total)
{
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_CANNOT;
    if (rc != 0 && rc != EXIT_DIVERGED)
        rc = EXIT_CANNOT;
    char line[1024], last[1024] = "";
    const struct keyframe_segment *seg = w->seg;
    char range[64];
    if (seg->has_end)
        snprintf(range, sizeof range, "icount %" PRIu64 "..%" PRIu64, seg->start, seg->end);
    else
        snprintf(range, sizeof range, "icount %" PRIu64 "..end", seg->start);
    rewind(w->out);
    while (fgets(line, sizeof line, w->out))
        memcpy(last, line, sizeof line);
    last[strcspn(last, "\n")] = 0;
    fprintf(stderr, "ppcrr: segment %u/%u %s (%s, from %s): %s in %.1fs%s%s\n", seg->number, total, seg->name, range,
            seg->snapshot ? seg->snapshot : "the boot", outcome[rc], since(&w->began), rc ? "" : ": ",
            rc ? "" : (strncmp(last, "ppcrr: ", 7) == 0 ? last + 7 : last));
    if (rc) {
        if (WIFSIGNALED(status))
            fprintf(stderr, "  the worker was killed by signal %d\n", WTERMSIG(status));
        rewind(w->out);
        while (fgets(line, sizeof line, w->out))
            fprintf(stderr, "  %s", line);
        if (rc == EXIT_DIVERGED)
            fprintf(stderr, "  (in segment %u, %s: replay it alone with `ppcrr replay%s%s --until %" PRIu64 " %s`)\n",
                    seg->number, seg->name, seg->snapshot ? " --restore " : "", seg->snapshot ? seg->snapshot : "",
                    seg->has_end ? seg->end : 0, k->trace);
    }
    fclose(w->out);
    return rc;
}

/* Runs the segments SEL[0..N) in at most K workers at once; counts the
 * outcomes into COUNT (indexed by exit status). */
static void run_pool(const struct keyframe_replay *k, struct keyframe_segment **sel, unsigned n, unsigned total,
                     unsigned count[3])
{
    unsigned nw = k->workers < n ? k->workers : n, next = 0, running = 0;
    struct worker *w = calloc(nw ? nw : 1, sizeof *w);
    if (!w) {
        count[EXIT_CANNOT] += n;
        return;
    }
    while (next < n || running) {
        for (unsigned i = 0; i < nw && next < n; i++) {
            if (w[i].pid)
                continue;
            if (worker_start(k, &w[i], sel[next]) < 0) {
                w[i].pid = 0;
                count[EXIT_CANNOT]++;
            } else {
                running++;
            }
            next++;
        }
        if (!running)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (unsigned i = 0; i < nw; i++)
            if (w[i].pid == pid) {
                count[worker_report(k, &w[i], status, total)]++;
                w[i].pid = 0;
                running--;
            }
    }
    free(w);
}

int replay_keyframes(const struct keyframe_replay *k)
{
    struct shard shard;
    char err[512], name[64];
    uint64_t nth = 0;
    if (shard_select(k->shard, 0, &shard, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: replay: %s\n", err);
        return EXIT_CANNOT;
    }
    if (k->inject && !parse_inject(k->inject, name, sizeof name, &nth)) {
        fprintf(stderr, "ppcrr: replay: --inject-hcall: '%s' is not NAME:N:RET\n", k->inject);
        return EXIT_CANNOT;
    }
    struct segments s = { 0 };
    if (scan_trace(k, &s, k->inject ? name : NULL) < 0 ||
        (k->inject && share_inject(&s, k->inject, name, nth) < 0)) {
        segments_free(&s);
        return EXIT_CANNOT;
    }
    struct keyframe_segment **sel = calloc(s.n, sizeof *sel);
    unsigned n = 0, count[3] = { 0 };
    int rc = sel ? 0 : EXIT_CANNOT;
    for (unsigned i = 0; i < s.n && rc == 0; i++) {
        struct keyframe_segment *seg = &s.seg[i];
        if (shard_of(seg->name, shard.total) != shard.index)
            continue;
        char tried[8192];
        if (seg->snapshot) {
            char *found = locate_snapshot(k, seg->snapshot, tried, sizeof tried);
            if (!found) {
                fprintf(stderr, "ppcrr: %s: segment %u (%s) starts from the snapshot %s, which is not there "
                        "(looked at %s; give the snapshots' directory with --snapshot-dir DIR)\n", k->trace,
                        seg->number, seg->name, seg->snapshot, tried);
                rc = EXIT_CANNOT;
                break;
            }
            free(seg->snapshot);
            seg->snapshot = found;
        }
        sel[n++] = seg;
    }
    if (rc == 0) {
        if (s.n == 1)
            fprintf(stderr, "ppcrr: warning: %s has no keyframes: one segment, the whole trace\n", k->trace);
        struct timespec began;
        clock_gettime(CLOCK_MONOTONIC, &began);
        run_pool(k, sel, n, s.n, count);
        char which[64] = "";
        if (shard.total > 1)
            snprintf(which, sizeof which, " (shard %u/%u, %s)", shard.index + 1, shard.total, shard.source);
        fprintf(stderr, "ppcrr: keyframes: %u of the trace's %u segments checked%s in %.1fs with %u workers: "
                "%u clean, %u diverged, %u could not be replayed\n", n, s.n, which, since(&began), k->workers,
                count[0], count[EXIT_DIVERGED], count[EXIT_CANNOT]);
        rc = count[EXIT_DIVERGED] ? EXIT_DIVERGED : count[EXIT_CANNOT] ? EXIT_CANNOT : 0;
    }
    free(sel);
    segments_free(&s);
    return rc;
}
