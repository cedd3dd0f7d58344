/*
 * Character backends (emu/chardev.c): spec parsing and its errors, file
 * and null output, and stdio -- output to fd 1, input from a pipe (escape
 * keys, input events, end of file), and on a pseudo-terminal: raw mode on
 * open, restored on close, at exit and on a fatal signal; Ctrl-A x asks
 * the machine to exit. Sockets: spec errors, loopback-only refusal, an
 * address in use, one client at a time with output dropped while none is
 * connected; script: parse errors, expect/send, the end of a script, and
 * an unmatched expect reported at close.
 *
 * fd 0 and fd 1 are swapped for pipes, files and pty slaves around each
 * stdio test and put back afterwards; the TAP output on stdout is flushed
 * first so it never goes astray.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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
    has_substr(err, "expected stdio, file:PATH, null, unix:PATH,server", "  message lists the backends");

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

/* ---- sockets ---- */

/* Opens SPEC expecting a refusal whose message holds WHAT. */
static void refused(struct machine *m, const char *spec, const char *what, const char *desc)
{
    char err[512] = "";
    struct chardev *cd = chardev_open(m, spec, err, sizeof err);
    ok(cd == NULL, "%s", desc);
    chardev_close(cd);
    has_substr(err, what, "  message says \"%s\"", what);
    has_substr(err, spec, "  and names the spec");
}

static void test_socket_specs(void)
{
    struct machine m;
    machine_init_bare(&m);
    char spec[700], longpath[200];
    refused(&m, "unix:/tmp/x.sock", "add \",server\"", "unix: without server refused (no client mode)");
    refused(&m, "unix:/tmp/x.sock,server,telnet", "unknown option \"telnet\"", "unix: unknown option refused");
    refused(&m, "unix:,server", "no socket path", "unix: empty path refused");
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = 0;
    snprintf(spec, sizeof spec, "unix:/tmp/%s,server,nowait", longpath);
    refused(&m, spec, "path too long", "unix: a path longer than sun_path refused");
    const char *plain = test_path("not-a-socket");
    test_write_file(plain, "x", 1);
    snprintf(spec, sizeof spec, "unix:%s,server,nowait", plain);
    refused(&m, spec, "is not a socket", "unix: an existing regular file is left alone");

    refused(&m, "tcp:0.0.0.0:4444,server,nowait", "loopback", "tcp: 0.0.0.0 refused");
    refused(&m, "tcp:10.1.2.3:4444,server,nowait", "refusing to listen on \"10.1.2.3\"",
            "tcp: a LAN address refused");
    refused(&m, "tcp:example.com:4444,server,nowait", "loopback", "tcp: a host name refused (no lookup)");
    refused(&m, "tcp:[::]:4444,server,nowait", "loopback", "tcp: :: refused");
    refused(&m, "tcp:127.0.0.1:0,server,nowait", "bad port \"0\"", "tcp: port 0 refused");
    refused(&m, "tcp:127.0.0.1:65536,server,nowait", "bad port", "tcp: port 65536 refused");
    refused(&m, "tcp:127.0.0.1:http,server,nowait", "bad port", "tcp: a service name refused");
    refused(&m, "tcp:4444,server,nowait", "expected tcp:HOST:PORT", "tcp: HOST:PORT needs the colon");
    refused(&m, "tcp:127.0.0.1,server", "expected tcp:HOST:PORT", "tcp: no port refused");

    /* A port someone else listens on. */
    int busy = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t alen = sizeof a;
    if (busy < 0 || bind(busy, (struct sockaddr *)&a, sizeof a) < 0 || listen(busy, 1) < 0 ||
        getsockname(busy, (struct sockaddr *)&a, &alen) < 0)
        tap_bail("cannot listen on a loopback port: %s", strerror(errno));
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%u,server,nowait", ntohs(a.sin_port));
    refused(&m, spec, "Address already in use", "tcp: a port in use refused");
    close(busy);
    machine_fini_bare(&m);
}

static int connect_unix(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        tap_bail("connect %s: %s", path, strerror(errno));
    return fd;
}

/* Reads what is there within about a second. */
static size_t read_some(int fd, char *buf, size_t cap)
{
    struct timeval tv = { .tv_sec = 1 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = recv(fd, buf, cap - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    return n > 0 ? (size_t)n : 0;
}

static void test_socket_clients(void)
{
    struct machine m;
    char err[512] = "", spec[700], buf[64];
    machine_init_bare(&m);
    event_observe(&m.events, observe, NULL);
    const char *path = test_path("console.sock");
    snprintf(spec, sizeof spec, "unix:%s,server,nowait", path);
    struct chardev *cd = chardev_open(&m, spec, err, sizeof err);
    if (!ok(cd != NULL, "unix:PATH,server,nowait opens at once"))
        tap_bail("%s", err);
    chardev_set_receiver(cd, receive, NULL);
    chardev_write(cd, (const uint8_t *)"before", 6);
    ok(1, "output with no client is dropped, not an error");

    int c1 = connect_unix(path);
    LOOP_UNTIL(&m, false);              /* ~2 s is plenty to accept */
    int c2 = connect_unix(path);        /* waits in the backlog */
    chardev_write(cd, (const uint8_t *)"one", 3);
    read_some(c1, buf, sizeof buf);
    is_str(buf, "one", "the client gets output from when it connected");
    got_len = 0;
    input_events = 0;
    if (write(c1, "typed", 5) != 5)
        tap_bail("write to socket failed");
    LOOP_UNTIL(&m, got_len >= 5);
    is_mem(got, "typed", got_len < 5 ? got_len : 5, "the client's bytes reach the receiver");
    ok(input_events >= 1 && strcmp(input_source, "console") == 0, "  as console input events");
    is_u64(read_some(c2, buf, sizeof buf), 0, "a second client gets nothing while the first is on");

    close(c1);
    LOOP_UNTIL(&m, false);
    chardev_write(cd, (const uint8_t *)"two", 3);
    read_some(c2, buf, sizeof buf);
    is_str(buf, "two", "after the first leaves, the next client takes over");
    is_u64(m.exit_reason, EXIT_NONE, "  and the run goes on");
    close(c2);
    LOOP_UNTIL(&m, false);
    chardev_write(cd, (const uint8_t *)"gone", 4);  /* no SIGPIPE, no error */
    chardev_close(cd);
    ok(access(path, F_OK) != 0, "the socket file is removed on close");
    machine_fini_bare(&m);
}

/* ---- script ---- */

static void test_script_errors(void)
{
    struct machine m;
    machine_init_bare(&m);
    char spec[700];
    static const struct {
        const char *text, *what, *desc;
    } bad[] = {
        { "expect a\nfrob x\n", ":2: expected \"expect REGEX\"",
          "unknown directive refused, with its line" },
        { "send\n", ":1: expected", "send without text refused" },
        { "send a\\qb\n", ":1: bad escape", "unknown escape refused" },
        { "expect (a\n", ":1: bad regular expression \"(a\"", "bad regex refused" },
        { "wait-exit\nsend x\n", ":2: nothing may follow wait-exit", "a line after wait-exit refused" },
    };
    const char *path = test_path("bad.script");
    snprintf(spec, sizeof spec, "script:%s", path);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_write_file(path, bad[i].text, strlen(bad[i].text));
        refused(&m, spec, bad[i].what, bad[i].desc);
    }
    refused(&m, "script:/nonexistent-dir/s", "cannot open /nonexistent-dir/s", "missing script refused");
    refused(&m, "script:", "no file name", "script: without a name refused");
    machine_fini_bare(&m);
}

/* The copy to stdout and the report on stderr go to files here. */
static void test_script_run(void)
{
    struct machine m;
    char err[512] = "", spec[700];
    machine_init_bare(&m);
    const char *path = test_path("run.script");
    static const char text[] = "# a comment\n\nsend a\\x41\\t\nexpect ^lo+gin: $\nsend root\\r\n"
                               "expect never\n";
    test_write_file(path, text, strlen(text));
    snprintf(spec, sizeof spec, "script:%s", path);
    const char *out_path = test_path("script.out"), *err_path = test_path("script.err");
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int errf = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int saved_stderr = -1;
    swap_fd(&saved_stdout, STDOUT_FILENO, out);
    swap_fd(&saved_stderr, STDERR_FILENO, errf);

    struct chardev *cd = chardev_open(&m, spec, err, sizeof err);
    chardev_set_receiver(cd, receive, NULL);
    got_len = 0;
    LOOP_UNTIL(&m, got_len >= 3);
    size_t first = got_len;
    chardev_write(cd, (const uint8_t *)"boot\nxlogin: \nlooogin: ", 24);
    size_t before_loop = got_len;
    LOOP_UNTIL(&m, got_len >= first + 5);
    size_t second = got_len;
    chardev_write(cd, (const uint8_t *)"$ ", 2);
    chardev_close(cd);

    restore_fd(&saved_stderr, STDERR_FILENO);
    restore_fd(&saved_stdout, STDOUT_FILENO);
    close(out);
    close(errf);
    if (!ok(cd != NULL, "script opens"))
        tap_diag("%s", err);
    is_u64(first, 3, "leading sends are typed on the first loop turn");
    is_u64(before_loop, first, "  what a match types waits for the event loop (not inside the write)");
    is_u64(second, 8, "the expect matched (^ and $ at line ends) and its send was typed");
    is_mem(got, "aA\troot\r", got_len < 8 ? got_len : 8, "  escapes decoded");
    is_u64(m.exit_reason, EXIT_NONE, "an unmatched expect does not end the run");
    size_t len = 0;
    char *o = (char *)test_read_file(out_path, &len);
    is_u64(len, 26, "output copied to stdout");
    free(o);
    char *e = (char *)test_read_file(err_path, &len);
    has_substr(e ? e : "", "line 6: expect never: never matched", "unmatched expect reported at close");
    has_substr(e ? e : "", "ends with \"$ \"", "  with the output since the last match");
    free(e);

    /* Without wait-exit, the end of the script ends the run. */
    test_write_file(path, "expect ready\n", 13);
    out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    swap_fd(&saved_stdout, STDOUT_FILENO, out);
    cd = chardev_open(&m, spec, err, sizeof err);
    chardev_write(cd, (const uint8_t *)"ready", 5);
    LOOP_UNTIL(&m, m.exit_reason != EXIT_NONE);
    chardev_close(cd);
    restore_fd(&saved_stdout, STDOUT_FILENO);
    close(out);
    is_u64(m.exit_reason, EXIT_USER, "a script ending without wait-exit ends the run");
    has_substr(m.exit_message, "finished", "  saying the script finished");
    machine_fini_bare(&m);
}

int main(void)
{
    test_socket_specs();
    test_socket_clients();
    test_script_errors();
    test_script_run();
    test_specs();
    test_file();
    test_stdio_output();
    test_stdio_pipe_input();
    test_pty();
    test_scratch_cleanup();
    return tap_done();
}
