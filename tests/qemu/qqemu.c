/*
 * Running cases under qemu-ppc64le (qdiff.h): write them to a scratch
 * case file, start `qemu-ppc64le -cpu power8 qrunner CASES RESULTS FIRST`,
 * read the results back. QEMU 7.2 aborts on some guest events it cannot
 * turn into a signal (an alignment interrupt, for one); the runner flushes
 * each result, so after an abort the results before the culprit survive,
 * the culprit is marked QC_QEMU_DIED and QEMU starts again after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/testutil.h"
#include "tests/qemu/qdiff.h"
#include "tests/qemu/qgen.h"
#include "tests/tap.h"

/* Starts QEMU on cases FIRST.. of CASES_PATH; returns its wait status, or
 * -1 if it could not be started. Its stderr goes to LOG_PATH. */
static int spawn_runner(const struct qemu_setup *q, const char *cases_path,
                        const char *results_path, unsigned first, const char *log_path)
{
    char first_arg[16];
    snprintf(first_arg, sizeof first_arg, "%u", first);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 2);
            dup2(fd, 1);
            close(fd);
        }
        execlp(q->qemu, q->qemu, "-cpu", "power8", q->runner, cases_path, results_path,
              first_arg, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

/* Reads up to MAX results; returns how many (0 if the file is unusable). */
static unsigned read_results(const char *path, struct qc_result *out, unsigned max)
{
    size_t len;
    uint8_t *buf = test_read_file(path, &len);
    struct qc_header h;
    unsigned n = 0;
    if (buf && len >= sizeof h) {
        memcpy(&h, buf, sizeof h);
        if (h.magic == QC_MAGIC_RESULTS && h.record_size == sizeof *out) {
            n = (unsigned)((len - sizeof h) / sizeof *out);
            n = n > max ? max : n;
            memcpy(out, buf + sizeof h, (size_t)n * sizeof *out);
        }
    }
    free(buf);
    return n;
}

/* The first line of QEMU's complaint, for the TAP log. */
static void note_death(const char *log_path, unsigned index, int status)
{
    char line[200] = "";
    FILE *f = fopen(log_path, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = 0;
        fclose(f);
    }
    line[strcspn(line, "\n")] = 0;
    tap_diag("QEMU died on case index %u (%s %d): %s", index,
             WIFSIGNALED(status) ? "signal" : "exit status",
             WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), line);
}

bool qemu_run_cases(struct qemu_setup *q, const struct qc_case *cases, unsigned n,
                    struct qc_result *results)
{
    const char *cases_path = test_path("cases.bin");
    const char *results_path = test_path("results.bin");
    const char *log_path = test_path("qemu.log");
    if (!qgen_write_cases(cases_path, cases, n)) {
        tap_diag("cannot write %s", cases_path);
        return false;
    }
    unsigned first = 0;
    while (first < n) {
        int status = spawn_runner(q, cases_path, results_path, first, log_path);
        q->runs++;
        if (status < 0 || (WIFEXITED(status) && WEXITSTATUS(status) >= 2 &&
                           WEXITSTATUS(status) != 134)) {
            /* The runner refused (bad file, cannot map) or QEMU is unusable:
             * not a case's fault. */
            note_death(log_path, first, status < 0 ? 0 : status);
            return false;
        }
        unsigned got = read_results(results_path, results + first, n - first);
        first += got;
        if (first == n)
            break;
        note_death(log_path, first, status);
        memset(&results[first], 0, sizeof results[first]);
        results[first].id = cases[first].id;
        results[first].signo = QC_QEMU_DIED;
        q->deaths++;
        first++;
    }
    return true;
}
