/*
 * Character backends (emu/chardev.c): spec parsing and its errors, file
 * and null output, and stdio -- output to fd 1, input from a pipe (escape
 * keys, input events, end of file), and on a pseudo-terminal: raw mode on
 * open, restored on close, at exit and on a fatal signal; Ctrl-A x asks
 * the machine to exit.
 *
 * fd 0 and fd 1 are swapped for pipes, files and pty slaves around each
 * stdio test and put back afterwards; the TAP output on stdout is flushed
 * first so it never goes astray.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "emu/chardev.h"
#include "emu/machine.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

/* A machine with just what the backends use: the event loop and hook,
 * and the exit request fields. No vCPU: events carry icount 0. */
static void machine_init_bare(struct machine *m)
{
    memset(m, 0, sizeof *m);
    m->evbase = event_base_new();
    if (!m->evbase)
        tap_bail("event_base_new failed");
}

static void machine_fini_bare(struct machine *m)
{
    event_base_free(m->evbase);
}

/* What a receiver got, and the input events seen. */
static uint8_t got[256];
static size_t got_len;
static unsigned input_events;
static char input_source[32];

static void receive(void *opaque, const uint8_t *data, size_t len)
{
    (void)opaque;
    if (got_len + len <= sizeof got) {
        memcpy(got + got_len, data, len);
        got_len += len;
    }
}

static void observe(void *opaque, const struct event *e)
{
    (void)opaque;
    if (e->kind == EVENT_INPUT) {
        input_events++;
        snprintf(input_source, sizeof input_source, "%s", e->u.input.source);
    }
}

/* Runs the loop until COND holds or about two seconds pass (a pty hands
 * bytes over asynchronously). */
#define LOOP_UNTIL(m, cond)                                                   \
    do {                                                                      \
        for (int tries_ = 0; tries_ < 2000 && !(cond); tries_++) {            \
            event_base_loop((m)->evbase, EVLOOP_NONBLOCK);                    \
            if (!(cond))                                                      \
                usleep(1000);                                                 \
        }                                                                     \
    } while (0)

static void test_specs(void)
{
    struct machine m;
    char err[256];
    machine_init_bare(&m);

    err[0] = 0;
    ok(chardev_open(&m, "", err, sizeof err) == NULL, "empty spec refused");
    has_substr(err, "expected stdio, file:PATH or null", "  message lists the backends");

    err[0] = 0;
    ok(chardev_open(&m, "telnet:1234", err, sizeof err) == NULL, "unknown backend refused");
    has_substr(err, "telnet:1234", "  message names the spec");

    err[0] = 0;
    ok(chardev_open(&m, "file:", err, sizeof err) == NULL, "file: without a name refused");
    has_substr(err, "no file name", "  message says what is missing");

    err[0] = 0;
    ok(chardev_open(&m, "file:/nonexistent-dir/x/console.log", err, sizeof err) == NULL,
       "unopenable file refused");
    has_substr(err, "/nonexistent-dir/x/console.log", "  message names the file");
    has_substr(err, "No such file", "  message says why");

    struct chardev *cd = chardev_open(&m, "null", err, sizeof err);
    ok(cd != NULL, "null opens");
    chardev_write(cd, (const uint8_t *)"dropped", 7);
    chardev_set_receiver(cd, receive, NULL);
    chardev_close(cd);
    ok(1, "null discards output and closes");
    chardev_close(NULL);
    chardev_write(NULL, (const uint8_t *)"x", 1);
    ok(1, "NULL backend is a no-op");
    machine_fini_bare(&m);
}

static void test_file(void)
{
    struct machine m;
    char err[256], spec[700];
    machine_init_bare(&m);
    const char *path = test_path("console.log");
    snprintf(spec, sizeof spec, "file:%s", path);
    test_write_file(path, "stale contents from a previous run\n", 35);

    struct chardev *cd = chardev_open(&m, spec, err, sizeof err);
    if (!ok(cd != NULL, "file backend opens"))
        tap_diag("%s", err);
    chardev_write(cd, (const uint8_t *)"hello, ", 7);
    chardev_write(cd, (const uint8_t *)"world\n", 6);
    chardev_write(cd, (const uint8_t *)"", 0);
    chardev_close(cd);
    size_t len = 0;
    uint8_t *data = test_read_file(path, &len);
    is_u64(len, 13, "file holds exactly what was written (truncated on open)");
    if (data)
        is_mem(data, "hello, world\n", len < 13 ? len : 13, "  contents");
    free(data);
    machine_fini_bare(&m);
}

/* fd juggling around the stdio tests. */
static int saved_stdin = -1, saved_stdout = -1;

static void swap_fd(int *saved, int target, int replacement)
{
    fflush(stdout);
    *saved = dup(target);
    dup2(replacement, target);
}

static void restore_fd(int *saved, int target)
{
    fflush(stdout);
    dup2(*saved, target);
    close(*saved);
    *saved = -1;
}

static void test_stdio_output(void)
{
    struct machine m;
    char err[256];
    machine_init_bare(&m);
    const char *path = test_path("stdout.txt");
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int devnull = open("/dev/null", O_RDONLY);
    swap_fd(&saved_stdout, STDOUT_FILENO, out);
    swap_fd(&saved_stdin, STDIN_FILENO, devnull);
    struct chardev *cd = chardev_open(&m, "stdio", err, sizeof err);
    char err2[256] = "";
    struct chardev *second = chardev_open(&m, "stdio", err2, sizeof err2);
    chardev_write(cd, (const uint8_t *)"to stdout\n", 10);
    event_base_loop(m.evbase, EVLOOP_NONBLOCK);
    chardev_close(second);
    chardev_close(cd);
    struct chardev *mon = chardev_open(&m, "mon:stdio", err, sizeof err);
    chardev_close(mon);
    restore_fd(&saved_stdin, STDIN_FILENO);
    restore_fd(&saved_stdout, STDOUT_FILENO);
    close(out);
    close(devnull);

    ok(cd != NULL, "stdio opens with /dev/null on stdin (not pollable: no input, no error)");
    ok(second == NULL, "a second stdio backend is refused");
    ok(mon != NULL, "mon:stdio is accepted as stdio once the first is closed");
    has_substr(err2, "already used", "  message says why");
    size_t len = 0;
    uint8_t *data = test_read_file(path, &len);
    is_u64(len, 10, "output reached fd 1");
    if (data)
        is_mem(data, "to stdout\n", len < 10 ? len : 10, "  contents");
    free(data);
    machine_fini_bare(&m);
}

/* stdin a pipe: bytes become input events for the receiver, Ctrl-A
 * escapes are handled, end of file stops input without failing. */
static void test_stdio_pipe_input(void)
{
    struct machine m;
    char err[256];
    machine_init_bare(&m);
    event_observe(&m.events, observe, NULL);
    int p[2];
    if (pipe(p) < 0)
        tap_bail("pipe: %s", strerror(errno));
    swap_fd(&saved_stdin, STDIN_FILENO, p[0]);
    close(p[0]);
    struct chardev *cd = chardev_open(&m, "stdio", err, sizeof err);
    ok(cd != NULL, "stdio opens with a pipe on stdin");
    chardev_set_receiver(cd, receive, NULL);

    got_len = 0;
    input_events = 0;
    /* a b C-a C-a c C-a z d: the doubled Ctrl-A is one literal, C-a z is swallowed */
    static const uint8_t typed[] = { 'a', 'b', 0x01, 0x01, 'c', 0x01, 'z', 'd', '\r' };
    if (write(p[1], typed, sizeof typed) != (ssize_t)sizeof typed)
        tap_bail("write to pipe failed");
    LOOP_UNTIL(&m, got_len >= 6);
    static const uint8_t want[] = { 'a', 'b', 0x01, 'c', 'd', '\r' };
    is_u64(got_len, sizeof want, "receiver got the typed bytes minus escapes");
    is_mem(got, want, got_len < sizeof want ? got_len : sizeof want, "  C-a C-a → C-a, C-a z dropped");
    ok(input_events >= 1, "the bytes came as input events");
    is_str(input_source, "console", "  from source \"console\"");

    /* An escape split across two reads still works. */
    got_len = 0;
    if (write(p[1], "\x01", 1) != 1)
        tap_bail("write to pipe failed");
    for (int i = 0; i < 5; i++)
        event_base_loop(m.evbase, EVLOOP_NONBLOCK);
    if (write(p[1], "\x01q", 2) != 2)
        tap_bail("write to pipe failed");
    LOOP_UNTIL(&m, got_len >= 2);
    is_u64(got_len, 2, "C-a split over two reads");
    is_mem(got, "\x01q", 2, "  still one literal C-a");

    close(p[1]);                        /* end of file */
    for (int i = 0; i < 20; i++)
        event_base_loop(m.evbase, EVLOOP_NONBLOCK);
    is_u64(m.exit_reason, EXIT_NONE, "end of stdin does not end the run");
    chardev_write(cd, (const uint8_t *)"", 0);
    chardev_close(cd);
    restore_fd(&saved_stdin, STDIN_FILENO);
    machine_fini_bare(&m);
}

/* ---- pseudo-terminal ---- */

struct pty {
    int master;
    char slave_name[128];
};

static bool pty_open(struct pty *t)
{
    t->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (t->master < 0 || grantpt(t->master) < 0 || unlockpt(t->master) < 0)
        return false;
    const char *name = ptsname(t->master);
    if (!name)
        return false;
    snprintf(t->slave_name, sizeof t->slave_name, "%s", name);
    return true;
}

/* The slave's settings, as a fresh open of it sees them. */
static bool pty_attrs(const struct pty *t, struct termios *tio)
{
    int fd = open(t->slave_name, O_RDWR | O_NOCTTY);
    if (fd < 0)
        return false;
    bool good = tcgetattr(fd, tio) == 0;
    close(fd);
    return good;
}

static bool cooked(const struct termios *tio)
{
    return (tio->c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) && (tio->c_iflag & ICRNL);
}

static bool raw(const struct termios *tio)
{
    return !(tio->c_lflag & (ICANON | ECHO | ISIG | IEXTEN)) && !(tio->c_iflag & (ICRNL | IXON)) &&
           tio->c_cc[VMIN] == 1;
}

static void test_pty_raw_and_escape(const struct pty *t, int slave)
{
    struct machine m;
    char err[256];
    struct termios tio;
    machine_init_bare(&m);
    swap_fd(&saved_stdin, STDIN_FILENO, slave);
    struct chardev *cd = chardev_open(&m, "stdio", err, sizeof err);
    ok(cd != NULL, "stdio opens on a terminal");
    chardev_set_receiver(cd, receive, NULL);
    ok(tcgetattr(STDIN_FILENO, &tio) == 0 && raw(&tio), "terminal is in raw mode while open");
    ok(tio.c_oflag & OPOST, "  output processing kept (host turns \\n into a new line)");

    got_len = 0;
    if (write(t->master, "a\rb\x03", 4) != 4)
        tap_bail("write to pty master failed");
    LOOP_UNTIL(&m, got_len >= 4);
    is_u64(got_len, 4, "typed bytes arrive one by one, unchanged");
    is_mem(got, "a\rb\x03", 4, "  \\r stays \\r, Ctrl-C reaches the guest");

    if (write(t->master, "\x01x", 2) != 2)
        tap_bail("write to pty master failed");
    LOOP_UNTIL(&m, m.exit_reason != EXIT_NONE);
    is_u64(m.exit_reason, EXIT_USER, "Ctrl-A x requests an exit");
    is_str(m.exit_message, "Ctrl-A x", "  with its message");

    chardev_close(cd);
    ok(tcgetattr(STDIN_FILENO, &tio) == 0 && cooked(&tio), "terminal restored on close");
    restore_fd(&saved_stdin, STDIN_FILENO);
    machine_fini_bare(&m);
}

/* In a child with the pty as stdin: open stdio, then end by HOW
 * ("exit": exit(0) without closing; "signal": SIGTERM). */
static pid_t child_leaves_raw(int slave, const char *how)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    struct machine m;
    char err[256];
    signal(SIGTERM, SIG_DFL);
    dup2(slave, STDIN_FILENO);
    machine_init_bare(&m);
    struct chardev *cd = chardev_open(&m, "stdio", err, sizeof err);
    struct termios tio;
    if (!cd || tcgetattr(STDIN_FILENO, &tio) < 0 || !raw(&tio))
        _exit(3);
    if (strcmp(how, "signal") == 0)
        raise(SIGTERM);
    exit(0);
}

static void test_pty_restore_on_exit(const struct pty *t, int slave)
{
    struct termios tio;
    int status;
    pid_t pid = child_leaves_raw(slave, "exit");
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child went raw and exited");
    ok(pty_attrs(t, &tio) && cooked(&tio), "terminal restored at exit (atexit)");

    pid = child_leaves_raw(slave, "signal");
    waitpid(pid, &status, 0);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "child went raw and died of SIGTERM");
    ok(pty_attrs(t, &tio) && cooked(&tio), "terminal restored on SIGTERM");
}

static void test_pty(void)
{
    struct pty t;
    if (!pty_open(&t)) {
        ok(1, "pseudo-terminal tests # SKIP no pseudo-terminal here (%s)", strerror(errno));
        return;
    }
    int slave = open(t.slave_name, O_RDWR | O_NOCTTY);
    struct termios tio;
    if (slave < 0 || tcgetattr(slave, &tio) < 0)
        tap_bail("cannot open pty slave %s: %s", t.slave_name, strerror(errno));
    /* A known cooked starting point, as a shell leaves a terminal. */
    tio.c_lflag |= ICANON | ECHO | ISIG | IEXTEN;
    tio.c_iflag |= ICRNL;
    tcsetattr(slave, TCSANOW, &tio);
    ok(cooked(&tio), "pty slave starts cooked");

    test_pty_raw_and_escape(&t, slave);
    test_pty_restore_on_exit(&t, slave);
    close(slave);
    close(t.master);
}

int main(void)
{
    test_specs();
    test_file();
    test_stdio_output();
    test_stdio_pipe_input();
    test_pty();
    test_scratch_cleanup();
    return tap_done();
}
