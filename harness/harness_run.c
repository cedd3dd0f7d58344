/*
 * `ppcrr harness run MATRIX`: runs the cases of a test matrix (matrix.h)
 * in parallel child processes supervised with libevent, in one of three
 * modes:
 *   run     boot each case (`ppcrr run`) and check its expectation: the
 *           exit status the case gives and, with `expect`, a console
 *           pattern;
 *   record  the same under `ppcrr record`, keeping a golden trace per case
 *           in --golden DIR, named after the case and a hash of its
 *           configuration and images (a changed image or option is a new
 *           golden, never a stale one);
 *   check   replay each case's golden trace with this build: a divergence
 *           fails the case, with the replay's report attached;
 *   migrate restore each of the case's golden snapshots (saved beside its
 *           golden trace when recorded with --snapshot-every) with this
 *           build and replay the rest of the trace from it: a snapshot
 *           this build cannot load (the report names the part and field)
 *           or a divergence fails the case; a case without golden
 *           snapshots is skipped, saying so.
 *
 * Each case is its own process (this same ppcrr binary, in its own
 * process group), so a case that crashes or hangs fails alone: a timeout
 * sends SIGTERM (ppcrr ends the guest cleanly and closes its trace), then
 * SIGKILL after a grace period. Output (console and stderr) is captured per
 * case. Ctrl-C stops launching, ends the running cases and still writes
 * the results gathered so far. Results go out as TAP on stdout, and as
 * JUnit and JSON files on request (results.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "harness/cli.h"
#include "harness/harness.h"
#include "harness/matrix.h"
#include "harness/results.h"
#include "harness/shard.h"
#include "harness/version.h"
#include "traces/sha256.h"

#define OUTPUT_MAX (1u << 20)           /* captured per case; the oldest half goes beyond */
#define KILL_GRACE_S 5                  /* SIGTERM to SIGKILL */

enum harness_mode { MODE_H_RUN, MODE_H_RECORD, MODE_H_CHECK, MODE_H_MIGRATE };

static const char *const mode_names[] = { "run", "record", "check", "migrate" };
#define N_MODES (sizeof mode_names / sizeof mode_names[0])

/* Replays of the golden trace: check (from the boot) and migrate (from
 * each golden snapshot). */
#define REPLAYS(mode) ((mode) == MODE_H_CHECK || (mode) == MODE_H_MIGRATE)

const char harness_run_usage[] =
    "usage: ppcrr harness run [options] MATRIX\n"
    "\n"
    "Runs every case of MATRIX (an INI test matrix, see tests/matrix/) in\n"
    "parallel worker processes and reports each as a TAP test point on stdout.\n"
    "\n"
    "Options:\n"
    "  --mode run|record|check|migrate\n"
    "                           run: boot and check the case's expectation\n"
    "                           (default); record: the same, keeping a golden\n"
    "                           trace per case in --golden DIR; check: replay each\n"
    "                           golden trace with this build (a divergence fails);\n"
    "                           migrate: restore each golden snapshot of the case\n"
    "                           with this build and replay the rest of its golden\n"
    "                           trace (a snapshot not loaded or a divergence fails)\n"
    "  --golden DIR             where golden traces and snapshots are (record,\n"
    "                           check, migrate)\n"
    "  --snapshot-every N       record: also keep a golden snapshot every N\n"
    "                           instructions (DIR/NAME-KEY-at-ICOUNT.snap), for\n"
    "                           migrate\n"
    "  -j, --jobs N             cases at once (default: the number of CPUs)\n"
    "  --shard K/N              only the cases of shard K of N (see below)\n"
    "  --shards N               the shard count for Kubernetes indexed jobs\n"
    "                           (JOB_COMPLETION_INDEX gives the index)\n"
    "  --group G                only cases in group G\n"
    "  --junit FILE             also write JUnit XML\n"
    "  --json FILE              also write JSON results (what `harness merge` reads)\n"
    "  --output-dir DIR         keep each case's full output in DIR/NAME.log\n"
    "  --inject-hcall NAME:N:RET  check and migrate: replay with this fault injected, as a\n"
    "                           changed device model would (to test the harness)\n"
    "  -h, --help               show this text\n"
    "\n"
    "Sharding: a case belongs to one shard by a stable hash of its name, so N\n"
    "machines run every case exactly once. Without --shard, Bazel's\n"
    "TEST_SHARD_INDEX/TEST_TOTAL_SHARDS, GitLab's CI_NODE_INDEX/CI_NODE_TOTAL and\n"
    "Kubernetes' JOB_COMPLETION_INDEX (with --shards) are honoured.\n"
    "A case that exceeds its timeout is ended (SIGTERM, then SIGKILL); a case\n"
    "whose process crashes fails alone. Ctrl-C ends the running cases and still\n"
    "writes the results so far.\n"
    "\n"
    "Exit status: 0 every case passed; 1 some case failed (or the run was\n"
    "interrupted); 2 usage error or bad matrix.\n";

struct hopts {
    enum harness_mode mode;
    const char *golden, *junit, *json, *output_dir, *group, *shard, *matrix, *inject;
    uint64_t snapshot_every;        /* record: 0, none */
    unsigned jobs, shards;
};

struct runner;

struct job {
    struct runner *r;
    const struct matrix_case *c;
    struct case_result *result;
    pid_t pid;
    int out_fd;
    struct event *out_ev, *timer;
    char *out;
    size_t out_len;
    struct timespec started;
    bool timed_out, killed_hard, exited, drained;
    int wait_status;
};

struct runner {
    struct hopts o;
    struct event_base *base;
    struct event *sigchld, *sigint, *sigterm, *progress;
    const struct matrix_case **todo;
    size_t n_todo, next, done, failed;
    struct job *jobs;               /* one per case, in todo order */
    unsigned running;
    bool interrupted, tty;
    char self[PATH_MAX];
    struct timespec started;
};

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* ---- golden traces ---- */

/* DIR/NAME-KEY.trace, KEY hashing the case's configuration and the bytes
 * of its images. False if an image cannot be read. */
static bool golden_path(const struct hopts *o, const struct matrix_case *c, char *out, size_t len)
{
    struct sha256 h;
    char config[17];
    matrix_case_config_hash(c, config);
    sha256_init(&h);
    sha256_update(&h, config, strlen(config));
    const char *images[] = { c->kernel, c->initrd, c->bios, c->machine };
    for (size_t i = 0; i < sizeof images / sizeof images[0]; i++) {
        uint8_t d[SHA256_DIGEST_SIZE];
        if (!images[i])
            continue;
        if (sha256_file(images[i], d) < 0)
            return false;
        sha256_update(&h, d, sizeof d);
    }
    uint8_t key[SHA256_DIGEST_SIZE];
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    sha256_final(&h, key);
    sha256_hex(key, hex);
    int n = snprintf(out, len, "%s/%s-%.16s.trace", o->golden, c->name, hex);
    return n > 0 && (size_t)n < len;
}

/* The golden snapshots saved with golden trace TRACE (DIR/NAME-KEY.trace):
 * DIR/NAME-KEY-at-ICOUNT.snap, in glob order. 0, or -1 if none. */
static int golden_snapshots(const char *trace, glob_t *g)
{
    char pattern[PATH_MAX + 32];
    size_t stem = strlen(trace) - strlen(".trace");
    snprintf(pattern, sizeof pattern, "%.*s-at-*.snap", (int)stem, trace);
    memset(g, 0, sizeof *g);
    return glob(pattern, 0, NULL, g) == 0 && g->gl_pathc > 0 ? 0 : -1;
}

/* Removes TRACE's golden snapshots: before recording it again (a stale
 * one would not belong to the new trace) and after a failed recording. */
static void golden_snapshots_remove(const char *trace)
{
    glob_t g;
    if (golden_snapshots(trace, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++)
            unlink(g.gl_pathv[i]);
    globfree(&g);
}

/* ---- one case's process ---- */

/* The child's argument vector (static storage for the words we add). */
static char **job_argv(const struct runner *r, const struct matrix_case *c, const char *trace,
                       const glob_t *snaps, char *snapshot_opt)
{
    size_t n_args;
    char **args = matrix_case_run_args(c, &n_args);
    char **argv = calloc(n_args + 12 + (snaps ? snaps->gl_pathc : 0), sizeof *argv);
    if (!args || !argv) {
        free(args);
        free(argv);
        return NULL;
    }
    size_t k = 0;
    argv[k++] = (char *)r->self;
    if (r->o.mode == MODE_H_MIGRATE) {
        argv[k++] = "harness";
        argv[k++] = "replay-snapshots";
        if (r->o.inject) {
            argv[k++] = "--inject-hcall";
            argv[k++] = (char *)r->o.inject;
        }
        argv[k++] = (char *)trace;
        for (size_t i = 0; i < snaps->gl_pathc; i++)
            argv[k++] = snaps->gl_pathv[i];
    } else if (r->o.mode == MODE_H_CHECK) {
        argv[k++] = "replay";
        if (r->o.inject) {
            argv[k++] = "--inject-hcall";
            argv[k++] = (char *)r->o.inject;
        }
        argv[k++] = (char *)trace;
    } else {
        argv[k++] = r->o.mode == MODE_H_RECORD ? "record" : "run";
        if (r->o.mode == MODE_H_RECORD) {
            argv[k++] = "-o";
            argv[k++] = (char *)trace;
            argv[k++] = "--no-host-time";
            if (snapshot_opt) {
                argv[k++] = "--snapshot-every";
                argv[k++] = snapshot_opt;
            }
        }
        for (size_t i = 0; i < n_args; i++)
            argv[k++] = args[i];
        argv[k++] = "-serial";
        argv[k++] = "stdio";
    }
    free(args);
    return argv;
}

/* In the child: own process group (a timeout kills the whole case), the
 * case's input on stdin, stdout and stderr into the pipe. */
static void child_exec(char **argv, int out_fd, int in_fd)
{
    setpgid(0, 0);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
        _exit(127);
    execv(argv[0], argv);
    _exit(127);
}

/* Input for the case: a pipe holding its stdin text, or /dev/null. */
static int job_input(const struct matrix_case *c)
{
    if (!c->stdin_text)
        return open("/dev/null", O_RDONLY | O_CLOEXEC);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    size_t len = strlen(c->stdin_text);
    if (len > 60000 || write(p[1], c->stdin_text, len) != (ssize_t)len) {    /* within a pipe's buffer */
        close(p[0]);
        close(p[1]);
        return -1;
    }
    close(p[1]);
    return p[0];
}

static void start_next(struct runner *r);

static char *textf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A formatted, allocated string (NULL if out of memory). */
static char *textf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* Output is kept as text: a NUL byte a guest printed becomes "\0", so
 * that the expect/fail patterns and the reports see what follows it. */
static void job_append(struct job *j, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (j->out_len + 2 > OUTPUT_MAX) {
            /* Keep the newest half: the end of a log says how it ended. */
            size_t keep = OUTPUT_MAX / 2;
            memmove(j->out, j->out + j->out_len - keep, keep);
            j->out_len = keep;
        }
        if (data[i]) {
            j->out[j->out_len++] = data[i];
        } else {
            j->out[j->out_len++] = '\\';
            j->out[j->out_len++] = '0';
        }
    }
    j->out[j->out_len] = 0;
}

/* Whether the case passed: its exit status and, if it has one, its
 * console pattern (run and record); an exact replay (check). */
static enum case_status job_verdict(const struct runner *r, struct job *j, char **why)
{
    const struct matrix_case *c = j->c;
    int st = j->wait_status;
    if (r->interrupted) {
        *why = textf("ended by the interrupted harness");
        return CASE_ERROR;
    }
    if (j->timed_out) {
        *why = textf("timed out after %.1f s", c->timeout);
        return CASE_TIMEOUT;
    }
    if (WIFSIGNALED(st)) {
        *why = textf("the case's process died of signal %d", WTERMSIG(st));
        return CASE_CRASH;
    }
    int code = WEXITSTATUS(st);
    if (r->o.mode == MODE_H_MIGRATE) {
        if (code == 0)
            return CASE_PASS;
        *why = textf("%s", code == 1 ? "a replay from a golden snapshot diverged from the golden trace"
                                     : "a golden snapshot could not be restored or replayed from");
        return CASE_FAIL;
    }
    if (r->o.mode == MODE_H_CHECK) {
        if (code == 0)
            return CASE_PASS;
        *why = textf("%s", code == 1 ? "the replay diverged from the golden trace" : "the golden trace could not be replayed");
        return code == 1 ? CASE_FAIL : CASE_ERROR;
    }
    if (code != c->exit_status) {
        *why = textf("exit status %d, expected %d", code, c->exit_status);
        return CASE_FAIL;
    }
    if (c->fail) {
        regex_t re;
        regmatch_t at;
        if (regcomp(&re, c->fail, REG_EXTENDED | REG_NEWLINE) == 0) {
            bool failed = regexec(&re, j->out ? j->out : "", 1, &at, 0) == 0;
            regfree(&re);
            if (failed) {
                *why = textf("the console shows a failure (/%s/): %.*s", c->fail,
                             (int)strcspn(j->out + at.rm_so, "\r\n"), j->out + at.rm_so);
                return CASE_FAIL;
            }
        }
    }
    if (c->expect) {
        regex_t re;
        bool matched = false;
        if (regcomp(&re, c->expect, REG_EXTENDED | REG_NEWLINE | REG_NOSUB) == 0) {
            matched = regexec(&re, j->out ? j->out : "", 0, NULL, 0) == 0;
            regfree(&re);
        }
        if (!matched) {
            *why = textf("the console never matched /%s/", c->expect);
            return CASE_FAIL;
        }
    }
    return CASE_PASS;
}

static void print_progress(struct runner *r, const struct job *j)
{
    if (r->tty) {
        double elapsed = seconds_since(&r->started);
        double eta = r->done ? elapsed / (double)r->done * (double)(r->n_todo - r->done) : 0;
        fprintf(stderr, "\r\033[K[%zu/%zu] %zu failed, %u running, ETA %.0f s", r->done, r->n_todo, r->failed,
                r->running, eta);
        if (r->done == r->n_todo)
            fputc('\n', stderr);
    } else if (j) {
        fprintf(stderr, "harness: [%zu/%zu] %s %s (%.1f s)\n", r->done, r->n_todo, j->c->name,
                case_status_name(j->result->status), j->result->duration);
    }
    fflush(stderr);
}

/* The case's process has exited and its output is drained: judge it. */
static void job_finish(struct runner *r, struct job *j)
{
    struct case_result *res = j->result;
    char *why = NULL;
    res->duration = seconds_since(&j->started);
    res->status = job_verdict(r, j, &why);
    res->exit_code = WIFEXITED(j->wait_status) ? WEXITSTATUS(j->wait_status) : -1;
    res->signal = WIFSIGNALED(j->wait_status) ? WTERMSIG(j->wait_status) : 0;
    res->output = j->out;
    j->out = NULL;
    /* The replay's own report is the reason in check and migrate mode. */
    res->report = REPLAYS(r->o.mode) && res->status != CASE_PASS && res->output
                      ? textf("%s\n%s", why ? why : "", res->output) : why;
    if (res->report != why)
        free(why);
    if (r->o.mode == MODE_H_RECORD && res->trace) {
        /* A golden trace is only kept from a passing run. */
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s.partial", res->trace);
        if (res->status == CASE_PASS && rename(tmp, res->trace) == 0) {
        } else {
            unlink(tmp);
            golden_snapshots_remove(res->trace);
        }
    }
    if (r->o.output_dir && res->output) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s.log", r->o.output_dir, j->c->name);
        FILE *f = fopen(path, "w");
        if (f) {
            fputs(res->output, f);
            fclose(f);
        }
    }
    event_free(j->out_ev);
    event_free(j->timer);
    j->out_ev = j->timer = NULL;
    r->running--;
    r->done++;
    r->failed += res->status != CASE_PASS && res->status != CASE_SKIP;
    print_progress(r, j);
    start_next(r);
    if (r->running == 0 && (r->next == r->n_todo || r->interrupted))
        event_base_loopbreak(r->base);
}

/* Done when the process has exited and its pipe has run dry. */
static void job_maybe_done(struct job *j)
{
    if (j->exited && j->drained && j->out_ev)
        job_finish(j->r, j);
}

static void on_output(evutil_socket_t fd, short what, void *arg)
{
    struct job *j = arg;
    (void)what;
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
        job_append(j, buf, (size_t)n);
        return;
    }
    if (n < 0 && errno == EINTR)
        return;
    event_del(j->out_ev);
    close(j->out_fd);
    j->out_fd = -1;
    j->drained = true;
    job_maybe_done(j);
}

/* SIGTERM at the timeout (ppcrr ends the guest cleanly), SIGKILL if it
 * is still there after the grace period. */
static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct job *j = arg;
    (void)fd;
    (void)what;
    if (j->exited)
        return;
    if (!j->timed_out) {
        j->timed_out = true;
        kill(-j->pid, SIGTERM);
        struct timeval grace = { KILL_GRACE_S, 0 };
        evtimer_add(j->timer, &grace);
    } else {
        j->killed_hard = true;
        kill(-j->pid, SIGKILL);
    }
}

static void on_sigchld(evutil_socket_t fd, short what, void *arg)
{
    struct runner *r = arg;
    (void)fd;
    (void)what;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (size_t i = 0; i < r->n_todo; i++) {
            struct job *j = &r->jobs[i];
            if (j->pid == pid && !j->exited) {
                j->exited = true;
                j->wait_status = status;
                /* Anything left in the case's process group goes too. */
                kill(-pid, SIGKILL);
                job_maybe_done(j);
                break;
            }
        }
}

/* Ctrl-C: no new cases; the running ones are ended as at a timeout. */
static void on_interrupt(evutil_socket_t fd, short what, void *arg)
{
    struct runner *r = arg;
    (void)fd;
    (void)what;
    if (r->interrupted)
        return;
    r->interrupted = true;
    fprintf(stderr, "%sharness: interrupted: ending the running cases\n", r->tty ? "\n" : "");
    for (size_t i = 0; i < r->n_todo; i++) {
        struct job *j = &r->jobs[i];
        if (j->pid > 0 && !j->exited)
            kill(-j->pid, SIGTERM);
    }
    if (r->running == 0)
        event_base_loopbreak(r->base);
}

/* Launches case J: its process, output pipe, timeout. False: the case is
 * an error (recorded in its result) and the caller moves on. */
static bool job_start(struct runner *r, struct job *j)
{
    struct case_result *res = j->result;
    char trace[PATH_MAX] = "", partial[PATH_MAX + 16] = "";
    if (r->o.mode != MODE_H_RUN) {
        if (!golden_path(&r->o, j->c, trace, sizeof trace)) {
            res->status = CASE_ERROR;
            res->report = textf("cannot read an image of the case to key its golden trace");
            return false;
        }
        res->trace = strdup(trace);
        if (REPLAYS(r->o.mode) && access(trace, R_OK) != 0) {
            res->status = CASE_ERROR;
            res->report = textf("no golden trace %s for this configuration and these images (record it with "
                                "--mode record)", trace);
            return false;
        }
        snprintf(partial, sizeof partial, "%s.partial", trace);
    }
    glob_t snaps = { 0 };
    char snapshot_opt[PATH_MAX + 64];
    bool with_snaps = false;
    if (r->o.mode == MODE_H_MIGRATE) {
        if (golden_snapshots(trace, &snaps) < 0) {
            globfree(&snaps);
            res->status = CASE_SKIP;
            res->report = textf("no golden snapshots beside %s (record them with --mode record "
                                "--snapshot-every N)", trace);
            return false;
        }
        with_snaps = true;
    }
    if (r->o.mode == MODE_H_RECORD) {
        golden_snapshots_remove(trace);
        snprintf(snapshot_opt, sizeof snapshot_opt, "%" PRIu64 ":%.*s-at-{icount}.snap", r->o.snapshot_every,
                 (int)(strlen(trace) - strlen(".trace")), trace);
    }
    char **argv = job_argv(r, j->c, r->o.mode == MODE_H_RECORD ? partial : trace, with_snaps ? &snaps : NULL,
                           r->o.mode == MODE_H_RECORD && r->o.snapshot_every ? snapshot_opt : NULL);
    int p[2] = { -1, -1 }, in = job_input(j->c);
    j->out = malloc(OUTPUT_MAX + 1);
    if (!argv || in < 0 || !j->out || pipe2(p, O_CLOEXEC) < 0) {
        res->status = CASE_ERROR;
        res->report = textf("cannot start the case: %s", strerror(errno));
        free(argv);
        globfree(&snaps);
        if (in >= 0)
            close(in);
        return false;
    }
    j->out[0] = 0;
    clock_gettime(CLOCK_MONOTONIC, &j->started);
    j->pid = fork();
    if (j->pid == 0)
        child_exec(argv, p[1], in);
    free(argv);
    globfree(&snaps);
    close(p[1]);
    close(in);
    if (j->pid < 0) {
        close(p[0]);
        res->status = CASE_ERROR;
        res->report = textf("cannot fork: %s", strerror(errno));
        return false;
    }
    setpgid(j->pid, j->pid);        /* also here: no race with an early kill */
    j->out_fd = p[0];
    j->out_ev = event_new(r->base, p[0], EV_READ | EV_PERSIST, on_output, j);
    j->timer = evtimer_new(r->base, on_timeout, j);
    struct timeval tv = { (time_t)j->c->timeout, (suseconds_t)((j->c->timeout - (double)(time_t)j->c->timeout) * 1e6) };
    event_add(j->out_ev, NULL);
    evtimer_add(j->timer, &tv);
    r->running++;
    return true;
}

static void start_next(struct runner *r)
{
    while (!r->interrupted && r->running < r->o.jobs && r->next < r->n_todo) {
        struct job *j = &r->jobs[r->next++];
        if (!job_start(r, j)) {
            r->done++;
            r->failed += j->result->status != CASE_SKIP;
            print_progress(r, j);
        }
    }
}

static int parse_hopts(int argc, char **argv, struct hopts *o)
{
    enum { OPT_MODE = 256, OPT_GOLDEN, OPT_SHARD, OPT_SHARDS, OPT_GROUP, OPT_JUNIT, OPT_JSON, OPT_OUTDIR,
           OPT_INJECT, OPT_SNAPSHOT_EVERY };
    static const struct option options[] = {
        { "mode", required_argument, NULL, OPT_MODE }, { "golden", required_argument, NULL, OPT_GOLDEN },
        { "jobs", required_argument, NULL, 'j' }, { "shard", required_argument, NULL, OPT_SHARD },
        { "shards", required_argument, NULL, OPT_SHARDS }, { "group", required_argument, NULL, OPT_GROUP },
        { "junit", required_argument, NULL, OPT_JUNIT }, { "json", required_argument, NULL, OPT_JSON },
        { "output-dir", required_argument, NULL, OPT_OUTDIR }, { "help", no_argument, NULL, 'h' },
        { "inject-hcall", required_argument, NULL, OPT_INJECT },
        { "snapshot-every", required_argument, NULL, OPT_SNAPSHOT_EVERY },
        { 0 },
    };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus > 0 ? (unsigned)cpus : 1;
    uint64_t v;
    int ch;
    optind = 0;
    while ((ch = getopt_long(argc, argv, ":hj:", options, NULL)) != -1) {
        switch (ch) {
        case 'h':
            fputs(harness_run_usage, stdout);
            return -1;
        case OPT_MODE: {
            size_t m = 0;
            while (m < N_MODES && strcmp(optarg, mode_names[m]) != 0)
                m++;
            if (m == N_MODES)
                return cli_usage_error("harness run", harness_run_usage,
                                       "--mode: '%s' is not run, record, check or migrate", optarg);
            o->mode = (enum harness_mode)m;
            break;
        }
        case 'j':
        case OPT_SHARDS:
            if (!cli_parse_u64(optarg, &v) || v < 1 || v > 1024)
                return cli_usage_error("harness run", harness_run_usage, "%s: '%s' is not a count from 1 to 1024",
                                       ch == 'j' ? "-j" : "--shards", optarg);
            *(ch == 'j' ? &o->jobs : &o->shards) = (unsigned)v;
            break;
        case OPT_GOLDEN: o->golden = optarg; break;
        case OPT_SHARD: o->shard = optarg; break;
        case OPT_GROUP: o->group = optarg; break;
        case OPT_JUNIT: o->junit = optarg; break;
        case OPT_JSON: o->json = optarg; break;
        case OPT_OUTDIR: o->output_dir = optarg; break;
        case OPT_INJECT: o->inject = optarg; break;
        case OPT_SNAPSHOT_EVERY:
            if (!cli_parse_u64(optarg, &o->snapshot_every) || o->snapshot_every == 0)
                return cli_usage_error("harness run", harness_run_usage,
                                       "--snapshot-every: '%s' is not an instruction count", optarg);
            break;
        default:
            return cli_bad_option("harness run", harness_run_usage, ch, argv);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("harness run", harness_run_usage, optind >= argc ? "missing MATRIX"
                                                                               : "one MATRIX only");
    o->matrix = argv[optind];
    if (o->mode != MODE_H_RUN && !o->golden)
        return cli_usage_error("harness run", harness_run_usage, "--mode %s needs --golden DIR", mode_names[o->mode]);
    if (o->snapshot_every && o->mode != MODE_H_RECORD)
        return cli_usage_error("harness run", harness_run_usage, "--snapshot-every is for --mode record");
    return 0;
}

/* The results, whatever happened: TAP on stdout, JUnit and JSON files. */
static int report(struct runner *r, const struct matrix *m, const struct shard *sh)
{
    struct run_results rr = { 0 };
    rr.matrix = (char *)r->o.matrix;
    rr.mode = (char *)mode_names[r->o.mode];
    rr.build_id = (char *)ppcrr_build_id();
    rr.ppcrr_version = (char *)ppcrr_version();
    rr.shard_index = sh->index;
    rr.shard_total = sh->total;
    char **names = calloc(m->n ? m->n : 1, sizeof *names);
    struct case_result *cases = calloc(r->n_todo ? r->n_todo : 1, sizeof *cases);
    if (!names || !cases) {
        free(names);
        free(cases);
        fprintf(stderr, "ppcrr: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < m->n; i++)
        names[i] = m->cases[i].name;
    rr.matrix_cases = names;
    rr.n_matrix_cases = m->n;
    for (size_t i = 0; i < r->n_todo; i++)
        cases[i] = *r->jobs[i].result;
    rr.cases = cases;
    rr.n_cases = r->n_todo;
    results_write_tap(stdout, &rr);
    fflush(stdout);
    char err[512];
    int rc = r->failed || r->interrupted ? 1 : 0;
    if (r->o.junit && results_write_junit(r->o.junit, &rr, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: %s\n", err);
        rc = 1;
    }
    if (r->o.json && results_write_json(r->o.json, &rr, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: %s\n", err);
        rc = 1;
    }
    free(names);
    free(cases);
    return rc;
}

static void runner_free(struct runner *r)
{
    for (size_t i = 0; i < r->n_todo; i++) {
        struct case_result *res = r->jobs[i].result;
        free(r->jobs[i].out);
        if (res) {
            free(res->trace);
            free(res->report);
            free(res->output);
            free(res);
        }
    }
    free(r->jobs);
    free(r->todo);
    if (r->sigchld)
        event_free(r->sigchld);
    if (r->sigint)
        event_free(r->sigint);
    if (r->sigterm)
        event_free(r->sigterm);
    if (r->base)
        event_base_free(r->base);
}

/* The cases this process runs: its shard, its group. */
static bool select_cases(struct runner *r, const struct matrix *m, const struct shard *sh)
{
    r->todo = calloc(m->n ? m->n : 1, sizeof *r->todo);
    r->jobs = calloc(m->n ? m->n : 1, sizeof *r->jobs);
    if (!r->todo || !r->jobs)
        return false;
    for (size_t i = 0; i < m->n; i++) {
        const struct matrix_case *c = &m->cases[i];
        if (shard_of(c->name, sh->total) != sh->index || (r->o.group && !matrix_case_in_group(c, r->o.group)))
            continue;
        struct job *j = &r->jobs[r->n_todo];
        j->r = r;
        j->c = c;
        j->out_fd = -1;
        if (!(j->result = calloc(1, sizeof *j->result)) || !(j->result->name = c->name))
            return false;
        j->result->status = CASE_SKIP;
        r->todo[r->n_todo++] = c;
    }
    return true;
}

int harness_run(int argc, char **argv)
{
    struct runner r;
    memset(&r, 0, sizeof r);
    int rc = parse_hopts(argc, argv, &r.o);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct matrix m = { 0 };
    struct shard sh;
    char err[1024];
    if (matrix_load(r.o.matrix, &m, err, sizeof err) < 0 ||
        shard_select(r.o.shard, r.o.shards, &sh, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: %s\n", err);
        matrix_free(&m);
        return CLI_EXIT_USAGE;
    }
    ssize_t n = readlink("/proc/self/exe", r.self, sizeof r.self - 1);
    bool dirs = (!r.o.golden || r.o.mode != MODE_H_RECORD || mkdir(r.o.golden, 0755) == 0 || errno == EEXIST) &&
                (!r.o.output_dir || mkdir(r.o.output_dir, 0755) == 0 || errno == EEXIST);
    if (n <= 0 || !dirs || !select_cases(&r, &m, &sh) || !(r.base = event_base_new())) {
        fprintf(stderr, "ppcrr: harness: cannot start: %s\n", strerror(errno));
        runner_free(&r);
        matrix_free(&m);
        return CLI_EXIT_USAGE;
    }
    r.self[n] = 0;
    r.tty = isatty(2);
    clock_gettime(CLOCK_MONOTONIC, &r.started);
    r.sigchld = evsignal_new(r.base, SIGCHLD, on_sigchld, &r);
    r.sigint = evsignal_new(r.base, SIGINT, on_interrupt, &r);
    r.sigterm = evsignal_new(r.base, SIGTERM, on_interrupt, &r);
    event_add(r.sigchld, NULL);
    event_add(r.sigint, NULL);
    event_add(r.sigterm, NULL);
    start_next(&r);
    if (r.running)
        event_base_dispatch(r.base);
    for (size_t i = 0; i < r.n_todo; i++)
        if (r.jobs[i].result->status == CASE_SKIP && !r.jobs[i].result->report)
            r.jobs[i].result->report = textf("not run: the harness was interrupted");
    if (r.tty && r.done < r.n_todo)
        fputc('\n', stderr);
    rc = report(&r, &m, &sh);
    runner_free(&r);
    matrix_free(&m);
    return rc;
}

/* ---- what migrate mode runs per case ---- */

const char harness_replay_snapshots_usage[] =
    "usage: ppcrr harness replay-snapshots [--inject-hcall NAME:N:RET] TRACE SNAPSHOT...\n"
    "\n"
    "Replays TRACE from each SNAPSHOT in turn (`ppcrr replay --restore SNAPSHOT\n"
    "TRACE`), printing a line before each: what `harness run --mode migrate` runs\n"
    "for a case. Every snapshot is tried, whatever the others did.\n"
    "\n"
    "Exit status: 0 every replay was exact; 1 some replay diverged; 2 a snapshot\n"
    "could not be restored (or another error; this wins over 1).\n";

int harness_replay_snapshots(int argc, char **argv)
{
    int first = 1;
    const char *inject = NULL;
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(harness_replay_snapshots_usage, stdout);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "--inject-hcall") == 0) {
        inject = argv[2];
        first = 3;
    }
    if (argc - first < 2)
        return cli_usage_error("harness replay-snapshots", harness_replay_snapshots_usage,
                               "needs TRACE and at least one SNAPSHOT");
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fprintf(stderr, "ppcrr: harness replay-snapshots: cannot find this program: %s\n", strerror(errno));
        return CLI_EXIT_USAGE;
    }
    self[n] = 0;
    const char *trace = argv[first];
    int worst = 0;
    for (int i = first + 1; i < argc; i++) {
        printf("== replay of %s from the snapshot %s\n", trace, argv[i]);
        fflush(stdout);
        fflush(stderr);
        char *child[] = { self, "replay", "--restore", argv[i], "-serial", "null", NULL, NULL, NULL, NULL };
        size_t k = 6;
        if (inject) {
            child[k++] = "--inject-hcall";
            child[k++] = (char *)inject;
        }
        child[k] = (char *)trace;
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_RDONLY);
            if (null >= 0)
                dup2(null, 0);
            execv(self, child);
            _exit(127);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) < 0) {
            fprintf(stderr, "ppcrr: harness replay-snapshots: cannot run a replay: %s\n", strerror(errno));
            return CLI_EXIT_USAGE;
        }
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : 2;
        if (code != 0 && (worst == 0 || code != 1))
            worst = code == 1 ? 1 : 2;
    }
    return worst;
}
