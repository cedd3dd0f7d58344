/*
 * Character backends (chardev.h): where a guest console's bytes go and
 * where the bytes typed for it come from, on the machine's libevent loop.
 *
 *   stdio      output to fd 1, input from fd 0. A terminal on fd 0 is put
 *              in raw mode (no echo, no line editing, no signals: Ctrl-C
 *              goes to the guest, as with QEMU's -nographic) and restored
 *              on chardev_close, at exit, and on the signals that end or
 *              stop the process. Ctrl-A is the escape key: Ctrl-A x quits
 *              (EXIT_USER), Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h prints
 *              the keys; any other key after Ctrl-A is swallowed. `mon:stdio`
 *              is accepted as a synonym (there is no monitor).
 *   file:PATH  output only, to PATH, created or truncated (QEMU's file
 *              backend truncates too, so a rerun does not leave the last
 *              run's tail behind).
 *   null       output discarded, no input.
 *
 * Output is unbuffered: each guest write is written out in full before the
 * hcall returns (short writes and EAGAIN are waited out with poll), so
 * what the guest printed before a crash is on the terminal. This blocks
 * the guest while the terminal is stalled (Ctrl-S), as QEMU's spapr_vty
 * does; output is not guest-visible, so determinism does not care.
 *
 * Input enters the guest only through input_console() (DESIGN.md §2 rule
 * 2): it becomes an input event, which record/ logs with its icount.
 * Escape keys are the host's business and never reach the guest or the
 * trace. Only a terminal, pipe or socket on fd 0 is polled: epoll cannot
 * watch a regular file or /dev/null, which is what CI gives us, and an end
 * of file just stops the polling. A run in the background of a shell
 * leaves its terminal alone (no input, no raw mode).
 */
#include "emu/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "emu/machine.h"

#define CTRL_A 0x01

enum chardev_kind { CHARDEV_NULL, CHARDEV_FILE, CHARDEV_STDIO };

struct chardev {
    struct machine *machine;
    enum chardev_kind kind;
    char *spec;
    int out_fd;                  /* -1: discard */
    bool out_failed;             /* a write failed: reported once, then discard */
    struct event *in_event;      /* stdio input on fd 0, or NULL */
    bool escape;                 /* the last byte typed was Ctrl-A */
    input_receive_fn receive;
    void *receive_opaque;
};

/* ---- the terminal: raw mode and its reliable restoration ----
 *
 * Process-wide because the terminal is: at most one stdio backend is open
 * at a time. The signal handlers only touch these and call
 * async-signal-safe functions (tcsetattr, sigaction, sigprocmask, raise). */

static struct termios tty_saved, tty_raw;
static volatile sig_atomic_t tty_is_raw;
static bool tty_atexit_registered;
static bool stdio_in_use;

/* Every signal whose default action ends the process and that a run can
 * plausibly get: from kill and the shell, a closed output pipe, resource
 * limits, crashes and assertions. SIGKILL cannot be caught (`stty sane`). */
static const int tty_fatal_signals[] = { SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,   SIGPIPE, SIGALRM,
                                         SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,   SIGVTALRM,
                                         SIGABRT, SIGSEGV, SIGBUS,  SIGFPE,    SIGILL,  SIGSYS };

static void tty_restore_now(void)
{
    if (tty_is_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &tty_saved);
}

static void tty_atexit(void)
{
    tty_restore_now();
    tty_is_raw = 0;
}

/* A signal that ends the process: give the terminal back, then let the
 * default action happen (SA_RESETHAND has reinstated it; the signal is
 * blocked in here, so raise() delivers it on return). */
static void tty_on_fatal(int sig)
{
    int saved_errno = errno;
    tty_restore_now();
    tty_is_raw = 0;
    raise(sig);
    errno = saved_errno;
}

static void tty_on_cont(int sig);

/* kill -TSTP: stop with the terminal as the shell wants it, and come back
 * raw (SIGSTOP cannot be caught; tty_on_cont covers it). */
static void tty_on_tstp(int sig)
{
    int saved_errno = errno;
    tty_restore_now();
    struct sigaction dfl = { .sa_handler = SIG_DFL }, ours = { .sa_handler = tty_on_tstp };
    sigemptyset(&dfl.sa_mask);
    sigemptyset(&ours.sa_mask);
    ours.sa_flags = SA_RESTART;
    sigaction(sig, &dfl, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);                        /* stops here until SIGCONT */
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigaction(sig, &ours, NULL);
    tty_on_cont(SIGCONT);
    errno = saved_errno;
}

static void tty_on_cont(int sig)
{
    (void)sig;
    int saved_errno = errno;
    if (tty_is_raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &tty_raw);
    errno = saved_errno;
}

/* Installs a handler only where the disposition is still the default: a
 * handler the harness set (say, SIGINT → a clean EXIT_USER, which closes
 * this backend and so restores the terminal) is left alone. */
static void tty_hook_signal(int sig, void (*fn)(int), int flags)
{
    struct sigaction old;
    if (sigaction(sig, NULL, &old) < 0 || (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
        return;
    struct sigaction sa = { .sa_handler = fn };
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

/* On every switch to raw mode: the signal hooks are installed again
 * wherever someone reset a disposition to the default since. */
static void tty_install_hooks(void)
{
    if (!tty_atexit_registered) {
        tty_atexit_registered = true;
        atexit(tty_atexit);
    }
    for (size_t i = 0; i < sizeof tty_fatal_signals / sizeof tty_fatal_signals[0]; i++)
        tty_hook_signal(tty_fatal_signals[i], tty_on_fatal, SA_RESETHAND);
    tty_hook_signal(SIGTSTP, tty_on_tstp, SA_RESTART);
    tty_hook_signal(SIGCONT, tty_on_cont, SA_RESTART);
}

/* Raw as QEMU's stdio backend makes it, with ISIG off as under
 * -nographic: bytes arrive one by one and unchanged, nothing is echoed,
 * Ctrl-C and Ctrl-Z go to the guest. OPOST stays on so the host terminal
 * still turns a guest's bare "\n" into a new line. */
static void tty_enter_raw(void)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty_saved) < 0)
        return;
    tty_raw = tty_saved;
    tty_raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty_raw.c_oflag |= OPOST;
    tty_raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
    tty_raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    tty_raw.c_cflag |= CS8;
    tty_raw.c_cc[VMIN] = 1;
    tty_raw.c_cc[VTIME] = 0;
    tty_install_hooks();
    tty_is_raw = 1;                    /* before the switch: a signal now restores */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &tty_raw) < 0)
        tty_is_raw = 0;
}

static void tty_leave_raw(void)
{
    if (!tty_is_raw)
        return;
    /* TCSADRAIN: the guest's last words reach the screen in the raw
     * settings they were written under. */
    tcsetattr(STDIN_FILENO, TCSADRAIN, &tty_saved);
    tty_is_raw = 0;
}

/* ---- output ---- */

static void write_all(struct chardev *cd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(cd->out_fd, data, len);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            /* Someone made the descriptor non-blocking (it is shared with
             * the shell): wait until it drains rather than lose output. */
            struct pollfd p = { .fd = cd->out_fd, .events = POLLOUT };
            poll(&p, 1, -1);
            continue;
        }
        if (!cd->out_failed)
            fprintf(stderr, "ppcrr: -serial %s: write failed: %s; console output is discarded from now on\n",
                    cd->spec, n < 0 ? strerror(errno) : "no progress");
        cd->out_failed = true;
        return;
    }
}

void chardev_write(struct chardev *cd, const uint8_t *data, size_t len)
{
    if (!cd || cd->out_fd < 0 || cd->out_failed || len == 0)
        return;
    if (cd->kind == CHARDEV_STDIO)
        fflush(stdout);                /* keep order with the harness's own printf output */
    write_all(cd, data, len);
}

/* ---- input ---- */

static void print_escape_help(void)
{
    /* Plain \n: raw mode keeps output processing, so the terminal still
     * returns the carriage. */
    static const char help[] = "\nC-a h    print this help\n"
                               "C-a x    exit the emulator\n"
                               "C-a C-a  send C-a to the guest\n";
    fputs(help, stderr);
}

/* Handles the Ctrl-A escapes in IN[0..LEN), compacting what goes to the
 * guest to the front of IN; returns its length. Stops at Ctrl-A x. */
static size_t filter_escapes(struct chardev *cd, uint8_t *in, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t ch = in[i];
        if (!cd->escape) {
            if (ch == CTRL_A)
                cd->escape = true;
            else
                in[out++] = ch;
            continue;
        }
        cd->escape = false;
        switch (ch) {
        case CTRL_A:
            in[out++] = ch;
            break;
        case 'x':
            machine_request_exit(cd->machine, EXIT_USER, 0, "Ctrl-A x");
            return out;
        case 'h':
        case '?':
            print_escape_help();
            break;
        default:                       /* unknown escape: swallowed, as QEMU's mux does */
            break;
        }
    }
    return out;
}

static void stop_input(struct chardev *cd)
{
    if (cd->in_event) {
        event_free(cd->in_event);
        cd->in_event = NULL;
    }
}

static void on_stdin(evutil_socket_t fd, short what, void *opaque)
{
    struct chardev *cd = opaque;
    uint8_t buf[256];
    (void)what;
    ssize_t n = read((int)fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        /* End of input (a pipe closed, a terminal hung up): the guest just
         * gets no more bytes; the run goes on. */
        if (n < 0)
            fprintf(stderr, "ppcrr: -serial %s: reading stdin: %s; no more console input\n", cd->spec,
                    strerror(errno));
        stop_input(cd);
        return;
    }
    size_t len = filter_escapes(cd, buf, (size_t)n);
    /* With no receiver (no device took this backend) typed bytes are
     * dropped before they become input events: nothing saw them. */
    if (len > 0 && cd->receive)
        input_console(cd->machine, buf, len, cd->receive, cd->receive_opaque);
}

/* Only descriptors epoll can watch: terminals, pipes, sockets. And not
 * our controlling terminal while we run in the background (`ppcrr ... &`):
 * reading it or switching it to raw mode would stop the process with
 * SIGTTIN/SIGTTOU, so a background run simply has no console input. */
static bool stdin_pollable(void)
{
    struct stat st;
    if (fstat(STDIN_FILENO, &st) < 0)
        return false;
    if (isatty(STDIN_FILENO)) {
        pid_t fg = tcgetpgrp(STDIN_FILENO);      /* -1: not our controlling terminal */
        return fg < 0 || fg == getpgrp();
    }
    return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

static int open_stdio(struct chardev *cd, char *err, size_t errlen)
{
    if (stdio_in_use) {
        snprintf(err, errlen, "-serial %s: stdio is already used by another console", cd->spec);
        return -1;
    }
    stdio_in_use = true;
    cd->out_fd = STDOUT_FILENO;
    if (!stdin_pollable() || !cd->machine->evbase)
        return 0;
    cd->in_event = event_new(cd->machine->evbase, STDIN_FILENO, EV_READ | EV_PERSIST, on_stdin, cd);
    if (!cd->in_event || event_add(cd->in_event, NULL) < 0) {
        stop_input(cd);
        return 0;                      /* output still works */
    }
    tty_enter_raw();
    return 0;
}

/* ---- open and close ---- */

struct chardev *chardev_open(struct machine *m, const char *spec, char *err, size_t errlen)
{
    if (!spec || !*spec) {
        snprintf(err, errlen, "-serial: empty backend (expected stdio, file:PATH or null)");
        return NULL;
    }
    struct chardev *cd = calloc(1, sizeof *cd);
    if (!cd || !(cd->spec = strdup(spec))) {
        free(cd);
        snprintf(err, errlen, "-serial %s: out of memory", spec);
        return NULL;
    }
    cd->machine = m;
    cd->out_fd = -1;
    if (strcmp(spec, "null") == 0) {
        cd->kind = CHARDEV_NULL;
    } else if (strcmp(spec, "stdio") == 0 || strcmp(spec, "mon:stdio") == 0) {
        cd->kind = CHARDEV_STDIO;
        if (open_stdio(cd, err, errlen) < 0)
            goto fail;
    } else if (strncmp(spec, "file:", 5) == 0) {
        cd->kind = CHARDEV_FILE;
        const char *path = spec + 5;
        if (!*path) {
            snprintf(err, errlen, "-serial %s: no file name after file:", spec);
            goto fail;
        }
        cd->out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (cd->out_fd < 0) {
            snprintf(err, errlen, "-serial %s: cannot open %s: %s", spec, path, strerror(errno));
            goto fail;
        }
    } else {
        snprintf(err, errlen, "-serial %s: unknown backend (expected stdio, file:PATH or null)", spec);
        goto fail;
    }
    return cd;
fail:
    free(cd->spec);
    free(cd);
    return NULL;
}

void chardev_set_receiver(struct chardev *cd, input_receive_fn fn, void *opaque)
{
    if (!cd)
        return;
    cd->receive = fn;
    cd->receive_opaque = opaque;
}

void chardev_close(struct chardev *cd)
{
    if (!cd)
        return;
    stop_input(cd);
    if (cd->kind == CHARDEV_STDIO) {
        tty_leave_raw();
        stdio_in_use = false;
    } else if (cd->out_fd >= 0) {
        close(cd->out_fd);
    }
    free(cd->spec);
    free(cd);
}
