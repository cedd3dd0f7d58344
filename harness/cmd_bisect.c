/*
 * `ppcrr bisect --trace T --good REV --bad REV [--repo DIR]`: finds the
 * first revision of ppcrr whose replay of T diverges. Each candidate is
 * exported (git archive) into its own source directory and built in its
 * own build directory under a cache, both kept and reused by later
 * bisects; `git bisect run` drives the search in a worktree of its own, so
 * the user's checkout is never touched. The step git runs is this same
 * program (`ppcrr bisect --step`), which builds the revision and replays T
 * with `replay --check`: 0 same, 1 diverged, 125 (skip) when the revision
 * does not build or cannot replay -- `git bisect run`'s conventions.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/cli.h"

#define BISECT_SKIP 125

const char cmd_bisect_usage[] =
    "usage: ppcrr bisect --trace T --good REV --bad REV [--repo DIR] [--cache DIR]\n"
    "\n"
    "Finds the first commit of ppcrr whose replay of trace T diverges (a device\n"
    "model changed what the guest sees). Each revision git bisect picks is built\n"
    "in its own directory under the cache (source from `git archive`, then meson\n"
    "and ninja; builds are reused), and replays T with `ppcrr replay --check`.\n"
    "Revisions that do not build are skipped, as `git bisect run` does with 125.\n"
    "The search runs in a temporary worktree: your checkout is left alone.\n"
    "\n"
    "Options:\n"
    "  --trace T      the trace (recorded by a good revision)\n"
    "  --good REV     a revision that replays T without divergence\n"
    "  --bad REV      a later revision whose replay diverges\n"
    "  --repo DIR     the ppcrr git repository (default: the current directory)\n"
    "  --cache DIR    where builds are kept (default: $XDG_CACHE_HOME/ppcrr/bisect,\n"
    "                 or ~/.cache/ppcrr/bisect)\n"
    "\n"
    "Prints the first bad commit and its divergence report.\n"
    "Exit status: 0 a culprit was found; 1 git bisect found none; 2 usage error\n"
    "or the search could not run.\n";

struct bisect_args {
    const char *trace, *good, *bad, *repo, *cache, *cwd;
    bool step;
};

static bool fmt(char *buf, size_t len, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* snprintf that says whether it all fit (paths here can be long). */
static bool fmt(char *buf, size_t len, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(buf, len, format, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < len;
}

/* Runs ARGV in DIR with stdout and stderr into LOG (NULL: inherited);
 * returns the exit status, or -1 if it could not run. */
static int run_in(const char *dir, const char *log, char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (dir && chdir(dir) < 0)
            _exit(127);
        if (log) {
            int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
                _exit(127);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first line a command prints on stdout, or false. */
static bool capture_line(const char *dir, const char *cmd, char *out, size_t len)
{
    char line[3 * PATH_MAX];
    if (!fmt(line, sizeof line, "cd '%s' && %s", dir, cmd))
        return false;
    FILE *p = popen(line, "r");
    if (!p)
        return false;
    bool ok = fgets(out, (int)len, p) != NULL;
    if (pclose(p) != 0)
        ok = false;
    if (ok)
        out[strcspn(out, "\n")] = 0;
    return ok && out[0];
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* Builds revision REV of the repository at REPO under CACHE (reusing an
 * earlier build) and leaves its ppcrr's path in EXE. */
static bool build_revision(const char *repo, const char *cache, const char *rev, char *exe, size_t len)
{
    char src[PATH_MAX], build[PATH_MAX], log[PATH_MAX], cmd[8 * PATH_MAX], tmp[PATH_MAX];
    if (!fmt(src, sizeof src, "%s/src-%s", cache, rev) || !fmt(build, sizeof build, "%s/build-%s", cache, rev) ||
        !fmt(log, sizeof log, "%s/build-%s.log", cache, rev) || !fmt(exe, len, "%s/ppcrr", build) ||
        !fmt(tmp, sizeof tmp, "%s.partial", src))
        return false;
    if (access(exe, X_OK) == 0)
        return true;
    if (!is_dir(src)) {
        if (!fmt(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && git -C '%s' archive --format=tar '%s' | "
                 "tar -x -C '%s' && mv '%s' '%s'", tmp, tmp, repo, rev, tmp, tmp, src))
            return false;
        char *sh[] = { "sh", "-c", cmd, NULL };
        if (run_in(NULL, log, sh) != 0)
            return false;
    }
    /* A build directory a failed setup left behind is started afresh. */
    char ninja_file[PATH_MAX];
    bool configured = fmt(ninja_file, sizeof ninja_file, "%s/build.ninja", build) && access(ninja_file, R_OK) == 0;
    char *wipe[] = { "rm", "-rf", build, NULL };
    if (!configured && is_dir(build) && run_in(NULL, log, wipe) != 0)
        return false;
    char *setup[] = { "meson", "setup", "--reconfigure", build, src, NULL };
    char *fresh[] = { "meson", "setup", build, src, NULL };
    char *ninja[] = { "ninja", "-C", build, "ppcrr", NULL };
    int rc = run_in(NULL, log, configured ? setup : fresh);
    return rc == 0 && run_in(NULL, log, ninja) == 0 && access(exe, X_OK) == 0;
}

/* `git bisect run`'s step: the revision checked out in the current
 * directory, built and made to replay the trace. */
static int bisect_step(const struct bisect_args *a)
{
    char rev[128], exe[PATH_MAX];
    if (!capture_line(".", "git rev-parse HEAD", rev, sizeof rev))
        return BISECT_SKIP;
    char here[PATH_MAX];
    if (!getcwd(here, sizeof here) || !build_revision(here, a->cache, rev, exe, sizeof exe)) {
        fprintf(stderr, "ppcrr bisect: %s does not build: skipped\n", rev);
        return BISECT_SKIP;
    }
    char *replay[] = { exe, "replay", "--check", (char *)a->trace, NULL };
    int rc = run_in(a->cwd, "/dev/null", replay);
    fprintf(stderr, "ppcrr bisect: %s %s\n", rev, rc == 0 ? "replays the trace" : rc == 1 ? "diverges" : "skipped");
    return rc == 0 || rc == 1 ? rc : BISECT_SKIP;
}

/* Absolute form of PATH (which must exist). */
static bool absolute(const char *path, char *out)
{
    return realpath(path, out) != NULL;
}

static void default_cache(char *out, size_t len)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(out, len, "%s/ppcrr/bisect", xdg);
    else
        snprintf(out, len, "%s/.cache/ppcrr/bisect", home && *home ? home : "/tmp");
}

/* The search itself, in worktree WT; prints the culprit. */
static int bisect_search(const struct bisect_args *a, const char *repo, const char *wt, const char *good,
                         const char *bad)
{
    char self[PATH_MAX], log[PATH_MAX], culprit[256] = "";
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return CLI_EXIT_USAGE;
    self[n] = 0;
    if (!fmt(log, sizeof log, "%s.log", wt))
        return CLI_EXIT_USAGE;
    char *start[] = { "git", "bisect", "start", (char *)bad, (char *)good, NULL };
    char *run[] = { "git", "bisect", "run", self, "bisect", "--step", "--trace", (char *)a->trace, "--cache",
                    (char *)a->cache, "--cwd", (char *)a->cwd, NULL };
    if (run_in(wt, log, start) != 0 || run_in(wt, log, run) != 0) {
        fprintf(stderr, "ppcrr bisect: git bisect failed; its log is %s\n", log);
        return CLI_EXIT_USAGE;
    }
    char cmd[2 * PATH_MAX];
    if (!fmt(cmd, sizeof cmd, "grep -o '^[0-9a-f]\\{40\\} is the first bad commit' '%s' | cut -d' ' -f1", log) ||
        !capture_line(wt, cmd, culprit, sizeof culprit)) {
        fprintf(stderr, "ppcrr bisect: git bisect named no first bad commit; its log is %s\n", log);
        return 1;
    }
    printf("first bad commit: %s\n", culprit);
    fflush(stdout);
    char *show[] = { "git", "-C", (char *)repo, "log", "-1", "--format=%h %an %ad%n    %s", culprit, NULL };
    run_in(NULL, NULL, show);
    char exe[PATH_MAX];
    if (build_revision(repo, a->cache, culprit, exe, sizeof exe)) {
        printf("its replay of %s:\n", a->trace);
        fflush(stdout);
        char *replay[] = { exe, "replay", (char *)a->trace, NULL };
        int fd = dup(2);
        dup2(1, 2);         /* the report, on stdout with the rest */
        run_in(a->cwd, NULL, replay);
        dup2(fd, 2);
        close(fd);
    }
    return 0;
}

static int parse_bisect_args(int argc, char **argv, struct bisect_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            fputs(cmd_bisect_usage, stdout);
            return -1;
        }
        if (strcmp(opt, "--step") == 0) {
            a->step = true;
            continue;
        }
        const char *names[] = { "--trace", "--good", "--bad", "--repo", "--cache", "--cwd" };
        const char **dests[] = { &a->trace, &a->good, &a->bad, &a->repo, &a->cache, &a->cwd };
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] && strcmp(opt, names[k]) != 0)
            k++;
        if (k == sizeof names / sizeof names[0])
            return cli_usage_error("bisect", cmd_bisect_usage, "unknown option '%s'", opt);
        if (i + 1 >= argc)
            return cli_usage_error("bisect", cmd_bisect_usage, "option '%s' needs a value", opt);
        *dests[k] = argv[++i];
    }
    if (!a->trace || (!a->step && (!a->good || !a->bad)))
        return cli_usage_error("bisect", cmd_bisect_usage, "needs --trace, --good and --bad");
    return 0;
}

int cmd_bisect(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    struct bisect_args a = { 0 };
    int rc = parse_bisect_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (a.step)
        return a.cache && a.cwd ? bisect_step(&a) : BISECT_SKIP;

    char trace[PATH_MAX], repo[PATH_MAX], cwd[PATH_MAX], cache[PATH_MAX], good[128], bad[128], cmd[512];
    default_cache(cache, sizeof cache);
    if (!absolute(a.trace, trace) || !absolute(a.repo ? a.repo : ".", repo) || !getcwd(cwd, sizeof cwd) ||
        mkdir_p(a.cache ? a.cache : cache) < 0 || !absolute(a.cache ? a.cache : cache, cache)) {
        fprintf(stderr, "ppcrr bisect: %s\n", strerror(errno));
        return CLI_EXIT_USAGE;
    }
    if (strchr(repo, '\'') || strchr(cache, '\'') || strchr(a.good, '\'') || strchr(a.bad, '\'')) {
        fprintf(stderr, "ppcrr bisect: paths and revisions with a quote (') are not supported\n");
        return CLI_EXIT_USAGE;
    }
    bool ok = fmt(cmd, sizeof cmd, "git rev-parse --verify -q '%s^{commit}'", a.good) &&
              capture_line(repo, cmd, good, sizeof good) &&
              fmt(cmd, sizeof cmd, "git rev-parse --verify -q '%s^{commit}'", a.bad) &&
              capture_line(repo, cmd, bad, sizeof bad);
    if (!ok) {
        fprintf(stderr, "ppcrr bisect: %s: --good %s and --bad %s must be commits of this repository\n", repo,
                a.good, a.bad);
        return CLI_EXIT_USAGE;
    }
    struct bisect_args full = { trace, good, bad, repo, cache, cwd, false };
    char wt[PATH_MAX];
    if (!fmt(wt, sizeof wt, "%s/search-%ld", cache, (long)getpid())) {
        fprintf(stderr, "ppcrr bisect: the cache path is too long\n");
        return CLI_EXIT_USAGE;
    }
    char *add[] = { "git", "-C", repo, "worktree", "add", "--detach", wt, bad, NULL };
    if (run_in(NULL, "/dev/null", add) != 0) {
        fprintf(stderr, "ppcrr bisect: cannot make a worktree %s of %s\n", wt, repo);
        return CLI_EXIT_USAGE;
    }
    rc = bisect_search(&full, repo, wt, good, bad);
    char *reset[] = { "git", "bisect", "reset", NULL };
    char *remove_wt[] = { "git", "-C", repo, "worktree", "remove", "--force", wt, NULL };
    run_in(wt, "/dev/null", reset);
    run_in(NULL, "/dev/null", remove_wt);
    return rc;
}
