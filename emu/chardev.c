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
 *   unix:PATH,server[,nowait]  tcp:HOST:PORT,server[,nowait]
 *              a listening socket, one client at a time (see "sockets").
 *   script:FILE expect/send lines typed into the guest, output copied to
 *              stdout (see "script").
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

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "emu/machine.h"

#define CTRL_A 0x01

enum chardev_kind { CHARDEV_NULL, CHARDEV_FILE, CHARDEV_STDIO, CHARDEV_SOCKET, CHARDEV_SCRIPT };

struct script;

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
    /* socket: the listening socket, and at most one client */
    int listen_fd, client_fd;
    struct event *listen_event;
    char *unix_path;             /* unlinked on close */
    /* script */
    struct script *script;
};

static void socket_write(struct chardev *cd, const uint8_t *data, size_t len);
static void script_write(struct chardev *cd, const uint8_t *data, size_t len);

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
    if (!cd || len == 0)
        return;
    if (cd->kind == CHARDEV_SOCKET) {
        socket_write(cd, data, len);
        return;
    }
    if (cd->kind == CHARDEV_STDIO || cd->kind == CHARDEV_SCRIPT)
        fflush(stdout);                /* keep order with the harness's own printf output */
    if (cd->kind == CHARDEV_SCRIPT)
        script_write(cd, data, len);   /* matches even if the copy to stdout failed */
    else if (cd->out_fd >= 0 && !cd->out_failed)
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
            input_host_stop(cd->machine, "Ctrl-A x");
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

/* ---- sockets: unix:PATH,server[,nowait] and tcp:HOST:PORT,server[,nowait] ----
 *
 * Server mode only, one client at a time, as QEMU's socket chardev: while a
 * client is connected the listening socket is not polled, so a second
 * client waits in the backlog until the first leaves. Bytes from the
 * client are console input (input_console, so input events); with no
 * client, guest output is dropped (QEMU's tcp_chr_write returns the
 * length unwritten when not connected) and the guest's console lives on
 * for the next client. Writes go out with MSG_NOSIGNAL: a client that
 * vanished mid-write is a disconnect, not a SIGPIPE. */

static void socket_drop_client(struct chardev *cd)
{
    stop_input(cd);
    if (cd->client_fd >= 0)
        close(cd->client_fd);
    cd->client_fd = -1;
    if (cd->listen_event)
        event_add(cd->listen_event, NULL);
}

static void on_client(evutil_socket_t fd, short what, void *opaque)
{
    struct chardev *cd = opaque;
    uint8_t buf[256];
    (void)what;
    ssize_t n = recv((int)fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        socket_drop_client(cd);
        return;
    }
    if (cd->receive)
        input_console(cd->machine, buf, (size_t)n, cd->receive, cd->receive_opaque);
}

static void socket_take_client(struct chardev *cd, int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    cd->client_fd = fd;
    cd->in_event = event_new(cd->machine->evbase, fd, EV_READ | EV_PERSIST, on_client, cd);
    if (!cd->in_event || event_add(cd->in_event, NULL) < 0) {
        socket_drop_client(cd);
        return;
    }
    event_del(cd->listen_event);       /* one client at a time */
}

static void on_accept(evutil_socket_t fd, short what, void *opaque)
{
    struct chardev *cd = opaque;
    (void)what;
    int client = accept((int)fd, NULL, NULL);
    if (client >= 0)
        socket_take_client(cd, client);
}

static void socket_write(struct chardev *cd, const uint8_t *data, size_t len)
{
    while (len > 0 && cd->client_fd >= 0) {
        ssize_t n = send(cd->client_fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            /* A slow client holds the guest up, as a stalled terminal does;
             * a signal that ends the run (host_stop) lets go of it. */
            struct pollfd p = { .fd = cd->client_fd, .events = POLLOUT };
            if (poll(&p, 1, -1) < 0 && errno == EINTR && cd->machine->host_stop)
                return;
            if (p.revents & (POLLERR | POLLHUP))
                socket_drop_client(cd);
        } else {
            socket_drop_client(cd);     /* gone: the rest is dropped */
        }
    }
}

/* Loopback only: a console is a root shell on the guest, and this tool
 * has no authentication, so it never listens on a reachable interface.
 * Empty and "localhost" mean 127.0.0.1 (no name lookup: a resolver could
 * map "localhost" anywhere). */
static int tcp_address(const char *spec, const char *host, const char *port_text,
                       struct sockaddr_storage *ss, socklen_t *sslen, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    unsigned long port = strtoul(port_text, &end, 10);
    if (!*port_text || *end || errno || port == 0 || port > 65535 || !isdigit((unsigned char)*port_text)) {
        snprintf(err, errlen, "-serial %s: bad port \"%s\" (expected 1 to 65535)", spec, port_text);
        return -1;
    }
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (!*host || strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1 && (ntohl(in4->sin_addr.s_addr) >> 24) == 127) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *sslen = sizeof *in4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 && IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *sslen = sizeof *in6;
        return 0;
    }
    snprintf(err, errlen, "-serial %s: refusing to listen on \"%s\": ppcrr listens only on a loopback "
             "address (127.x.x.x, ::1, localhost, or empty for 127.0.0.1)", spec, host);
    return -1;
}

/* ADDR (the text between "tcp:" and the options) to a loopback address:
 * HOST:PORT, :PORT, or [IPV6]:PORT. */
static int tcp_parse(const char *spec, const char *addr, struct sockaddr_storage *ss, socklen_t *sslen,
                     char *err, size_t errlen)
{
    char host[128];
    const char *colon = strrchr(addr, ':');
    if (!colon) {
        snprintf(err, errlen, "-serial %s: expected tcp:HOST:PORT,server", spec);
        return -1;
    }
    size_t hl = (size_t)(colon - addr);
    if (hl >= 2 && addr[0] == '[' && addr[hl - 1] == ']') {
        addr++;
        hl -= 2;
    }
    if (hl >= sizeof host) {
        snprintf(err, errlen, "-serial %s: host name too long", spec);
        return -1;
    }
    memcpy(host, addr, hl);
    host[hl] = 0;
    return tcp_address(spec, host, colon + 1, ss, sslen, err, errlen);
}

static int unix_parse(struct chardev *cd, const char *path, struct sockaddr_storage *ss, socklen_t *sslen,
                      char *err, size_t errlen)
{
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    memset(ss, 0, sizeof *ss);
    if (!*path) {
        snprintf(err, errlen, "-serial %s: no socket path after unix:", cd->spec);
        return -1;
    }
    if (strlen(path) >= sizeof un->sun_path) {
        snprintf(err, errlen, "-serial %s: socket path too long (%zu bytes; at most %zu)", cd->spec,
                 strlen(path), sizeof un->sun_path - 1);
        return -1;
    }
    /* A socket left behind by a killed run is removed, as QEMU does;
     * anything else at that path is not ours to delete. */
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "-serial %s: %s exists and is not a socket", cd->spec, path);
            return -1;
        }
        unlink(path);
    }
    un->sun_family = AF_UNIX;
    memcpy(un->sun_path, path, strlen(path) + 1);
    *sslen = sizeof *un;
    return 0;
}

/* OPTS: the comma-separated list after the address. QEMU's old (server,
 * nowait) and new (server=on, wait=off) spellings are both taken. */
static int socket_options(const char *spec, char *opts, bool *wait, char *err, size_t errlen)
{
    bool server = false;
    *wait = true;
    for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (strcmp(o, "server") == 0 || strcmp(o, "server=on") == 0)
            server = true;
        else if (strcmp(o, "nowait") == 0 || strcmp(o, "wait=off") == 0)
            *wait = false;
        else if (strcmp(o, "wait=on") == 0)
            *wait = true;
        else {
            snprintf(err, errlen, "-serial %s: unknown option \"%s\" (expected server, nowait)", spec, o);
            return -1;
        }
    }
    if (!server) {
        snprintf(err, errlen, "-serial %s: only server sockets are supported: add \",server\"", spec);
        return -1;
    }
    return 0;
}

/* Without nowait the run blocks here, before the guest starts, until the
 * first client connects (QEMU's default), so that client sees everything
 * from the first byte. SIGINT/SIGTERM (host_stop) give up. */
static int socket_wait_client(struct chardev *cd, char *err, size_t errlen)
{
    fprintf(stderr, "ppcrr: -serial %s: waiting for a connection\n", cd->spec);
    for (;;) {
        struct pollfd p = { .fd = cd->listen_fd, .events = POLLIN };
        if (poll(&p, 1, 200) < 0 && errno != EINTR)
            break;
        if (cd->machine->host_stop) {
            snprintf(err, errlen, "-serial %s: interrupted while waiting for a connection", cd->spec);
            return -1;
        }
        int client = accept(cd->listen_fd, NULL, NULL);
        if (client >= 0) {
            socket_take_client(cd, client);
            return 0;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            break;
    }
    snprintf(err, errlen, "-serial %s: waiting for a connection: %s", cd->spec, strerror(errno));
    return -1;
}

static int open_socket(struct chardev *cd, bool is_unix, char *err, size_t errlen)
{
    char *rest = strdup(cd->spec + (is_unix ? 5 : 4));
    if (!rest) {
        snprintf(err, errlen, "-serial %s: out of memory", cd->spec);
        return -1;
    }
    char *comma = strchr(rest, ',');
    char empty[] = "";
    if (comma)
        *comma = 0;
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    bool wait;
    int rc = socket_options(cd->spec, comma ? comma + 1 : empty, &wait, err, errlen);
    if (rc == 0 && !cd->machine->evbase) {
        snprintf(err, errlen, "-serial %s: no event loop to serve a socket on", cd->spec);
        rc = -1;
    }
    if (rc == 0)
        rc = is_unix ? unix_parse(cd, rest, &ss, &sslen, err, errlen)
                     : tcp_parse(cd->spec, rest, &ss, &sslen, err, errlen);
    if (rc < 0) {
        free(rest);
        return -1;
    }
    int one = 1;
    cd->listen_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (cd->listen_fd < 0 ||
        (!is_unix && setsockopt(cd->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) ||
        bind(cd->listen_fd, (struct sockaddr *)&ss, sslen) < 0 || listen(cd->listen_fd, 1) < 0) {
        snprintf(err, errlen, "-serial %s: cannot listen: %s", cd->spec, strerror(errno));
        free(rest);
        return -1;
    }
    if (is_unix)
        cd->unix_path = rest;           /* ours now: removed on close */
    else
        free(rest);
    cd->listen_event = event_new(cd->machine->evbase, cd->listen_fd, EV_READ | EV_PERSIST, on_accept, cd);
    if (!cd->listen_event || event_add(cd->listen_event, NULL) < 0) {
        snprintf(err, errlen, "-serial %s: cannot watch the socket", cd->spec);
        return -1;
    }
    return wait ? socket_wait_client(cd, err, errlen) : 0;
}

static void close_socket(struct chardev *cd)
{
    stop_input(cd);
    if (cd->client_fd >= 0)
        close(cd->client_fd);
    if (cd->listen_event)
        event_free(cd->listen_event);
    if (cd->listen_fd >= 0)
        close(cd->listen_fd);
    if (cd->unix_path)
        unlink(cd->unix_path);
    free(cd->unix_path);
}

/* ---- script:FILE, a console driven by a file (for tests) ----
 *
 * FILE holds one directive a line (blank lines and lines starting with
 * '#' are skipped):
 *   expect REGEX   wait until the guest's output since the last match
 *                  matches REGEX (POSIX extended, REG_NEWLINE: ^ and $
 *                  match at line ends, '.' stops at a newline)
 *   send TEXT      type TEXT (escapes \n \r \t \e \\ \xHH)
 *   wait-exit      the script is done; the guest runs until it ends itself
 * Reaching the end of the file without wait-exit ends the run (EXIT_USER,
 * status 0) once the last line is done: a script ending in `expect
 * login:` stops a boot at its prompt. Output is copied to stdout.
 *
 * An expect still unmatched when the backend closes (the guest powered
 * off, the limit or a signal ended the run) is reported on stderr with
 * the tail of the unmatched output. The exit status stays the guest's:
 * the backend closes after the run's status is settled (machine_destroy),
 * and the exit event -- which a trace records and replay compares -- must
 * say how the guest ended, not how a host-side script fared. Tests check
 * stderr (tests/cli/test_consoles.sh does).
 *
 * Determinism (DESIGN.md §2): matching happens inside the guest's
 * H_PUT_TERM_CHAR, but the typing is deferred to the event loop, which the
 * machine runs between vCPU turns of a fixed instruction quantum. So the
 * input arrives at the end of the turn in which the matching output was
 * written: an icount that depends only on the guest's output, never on
 * host timing, and a scripted run repeats exactly. */

#define SCRIPT_SEEN_MAX 65536           /* unmatched output kept; the oldest half goes beyond */

enum script_op { SCRIPT_EXPECT, SCRIPT_SEND, SCRIPT_WAIT_EXIT };

struct script_line {
    enum script_op op;
    unsigned lineno;
    char *text;                         /* expect: the regex source; send: the bytes */
    size_t len;
    regex_t re;
};

struct script {
    char *file;
    struct script_line *lines;
    size_t nlines, pc;                  /* pc: the line in effect */
    bool done;                          /* past wait-exit or the last line */
    bool end_run;                       /* the file ended without wait-exit */
    char seen[SCRIPT_SEEN_MAX + 1];     /* output since the last match, NUL-free */
    size_t seen_len;
    uint8_t *pending;                   /* typed, waiting for the event loop */
    size_t pending_len;
    struct event *deliver;
};

/* TEXT with its escapes decoded in place; false on a bad escape. */
static bool script_unescape(char *text, size_t *len)
{
    size_t o = 0;
    for (size_t i = 0; text[i]; i++) {
        if (text[i] != '\\') {
            text[o++] = text[i];
            continue;
        }
        char c = text[++i];
        if (c == 'n')
            text[o++] = '\n';
        else if (c == 'r')
            text[o++] = '\r';
        else if (c == 't')
            text[o++] = '\t';
        else if (c == 'e')
            text[o++] = 0x1b;
        else if (c == '\\')
            text[o++] = '\\';
        else if (c == 'x' && isxdigit((unsigned char)text[i + 1]) && isxdigit((unsigned char)text[i + 2])) {
            char hex[3] = { text[i + 1], text[i + 2], 0 };
            text[o++] = (char)strtoul(hex, NULL, 16);
            i += 2;
        } else
            return false;
    }
    *len = o;
    return true;
}

/* One line of the file into L; a message naming FILE:LINENO on error. */
static int script_parse_line(struct chardev *cd, char *line, struct script_line *l, char *err, size_t errlen)
{
    const char *file = cd->spec + 7;
    char *arg = strchr(line, ' ');
    if (arg)
        *arg++ = 0;
    if (strcmp(line, "wait-exit") == 0 && !arg) {
        l->op = SCRIPT_WAIT_EXIT;
        return 0;
    }
    if (!arg || !*arg || (strcmp(line, "expect") != 0 && strcmp(line, "send") != 0)) {
        snprintf(err, errlen, "-serial %s: %s:%u: expected \"expect REGEX\", \"send TEXT\" or \"wait-exit\"",
                 cd->spec, file, l->lineno);
        return -1;
    }
    if (!(l->text = strdup(arg))) {
        snprintf(err, errlen, "-serial %s: out of memory", cd->spec);
        return -1;
    }
    if (strcmp(line, "send") == 0) {
        l->op = SCRIPT_SEND;
        if (!script_unescape(l->text, &l->len)) {
            snprintf(err, errlen, "-serial %s: %s:%u: bad escape (known: \\n \\r \\t \\e \\\\ \\xHH)",
                     cd->spec, file, l->lineno);
            return -1;
        }
        return 0;
    }
    l->op = SCRIPT_EXPECT;
    int rc = regcomp(&l->re, l->text, REG_EXTENDED | REG_NEWLINE);
    if (rc != 0) {
        char why[128];
        regerror(rc, &l->re, why, sizeof why);
        snprintf(err, errlen, "-serial %s: %s:%u: bad regular expression \"%s\": %s", cd->spec, file,
                 l->lineno, l->text, why);
        free(l->text);
        l->text = NULL;
        return -1;
    }
    return 0;
}

static void script_free(struct script *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nlines; i++) {
        if (s->lines[i].op == SCRIPT_EXPECT && s->lines[i].text)
            regfree(&s->lines[i].re);
        free(s->lines[i].text);
    }
    if (s->deliver)
        event_free(s->deliver);
    free(s->lines);
    free(s->pending);
    free(s);
}

static int script_read(struct chardev *cd, FILE *f, char *err, size_t errlen)
{
    struct script *s = cd->script;
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        size_t skip = strspn(line, " \t");
        if (!line[skip] || line[skip] == '#')
            continue;
        if (s->nlines > 0 && s->lines[s->nlines - 1].op == SCRIPT_WAIT_EXIT) {
            snprintf(err, errlen, "-serial %s: %s:%u: nothing may follow wait-exit", cd->spec, cd->spec + 7,
                     lineno);
            rc = -1;
            break;
        }
        struct script_line *grown = realloc(s->lines, (s->nlines + 1) * sizeof *grown);
        if (!grown) {
            snprintf(err, errlen, "-serial %s: out of memory", cd->spec);
            rc = -1;
            break;
        }
        s->lines = grown;
        struct script_line *l = &s->lines[s->nlines];
        memset(l, 0, sizeof *l);
        l->lineno = lineno;
        rc = script_parse_line(cd, line + skip, l, err, errlen);
        if (rc == 0 || l->text)
            s->nlines++;                /* kept, so script_free frees it */
    }
    free(line);
    return rc;
}

/* Runs the script from the line in effect as far as the output seen
 * allows, queueing what it types. */
static void script_advance(struct chardev *cd)
{
    struct script *s = cd->script;
    while (!s->done) {
        if (s->pc == s->nlines) {
            s->done = s->end_run = true;
            break;
        }
        struct script_line *l = &s->lines[s->pc];
        if (l->op == SCRIPT_WAIT_EXIT) {
            s->done = true;
        } else if (l->op == SCRIPT_SEND) {
            uint8_t *grown = realloc(s->pending, s->pending_len + l->len);
            if (grown) {
                memcpy(grown + s->pending_len, l->text, l->len);
                s->pending = grown;
                s->pending_len += l->len;
            }
        } else {
            regmatch_t match;
            s->seen[s->seen_len] = 0;
            if (regexec(&l->re, s->seen, 1, &match, 0) != 0)
                break;
            /* The next expect looks only past this match. */
            size_t end = (size_t)match.rm_eo;
            memmove(s->seen, s->seen + end, s->seen_len - end);
            s->seen_len -= end;
        }
        s->pc++;
    }
    if (s->pending_len > 0 || s->end_run)
        event_active(s->deliver, EV_TIMEOUT, 0);
}

/* On the event loop, between vCPU turns (see the top of this section). */
static void script_deliver(evutil_socket_t fd, short what, void *opaque)
{
    struct chardev *cd = opaque;
    struct script *s = cd->script;
    (void)fd;
    (void)what;
    if (s->pending_len > 0 && cd->receive)
        input_console(cd->machine, s->pending, s->pending_len, cd->receive, cd->receive_opaque);
    s->pending_len = 0;
    if (s->end_run) {
        char msg[200];
        snprintf(msg, sizeof msg, "script %s finished", cd->spec + 7);
        input_host_stop(cd->machine, msg);
        s->end_run = false;
    }
}

static void script_write(struct chardev *cd, const uint8_t *data, size_t len)
{
    struct script *s = cd->script;
    if (!cd->out_failed)
        write_all(cd, data, len);
    if (s->done)
        return;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == 0)
            continue;                   /* regexec stops at a NUL */
        if (s->seen_len == SCRIPT_SEEN_MAX) {
            memmove(s->seen, s->seen + SCRIPT_SEEN_MAX / 2, SCRIPT_SEEN_MAX / 2);
            s->seen_len = SCRIPT_SEEN_MAX / 2;
        }
        s->seen[s->seen_len++] = (char)data[i];
    }
    script_advance(cd);
}

static int open_script(struct chardev *cd, char *err, size_t errlen)
{
    const char *file = cd->spec + 7;
    if (!*file) {
        snprintf(err, errlen, "-serial %s: no file name after script:", cd->spec);
        return -1;
    }
    if (!cd->machine->evbase) {
        snprintf(err, errlen, "-serial %s: no event loop to type on", cd->spec);
        return -1;
    }
    FILE *f = fopen(file, "r");
    if (!f) {
        snprintf(err, errlen, "-serial %s: cannot open %s: %s", cd->spec, file, strerror(errno));
        return -1;
    }
    cd->script = calloc(1, sizeof *cd->script);
    int rc = cd->script ? script_read(cd, f, err, errlen) : -1;
    fclose(f);
    if (!cd->script)
        snprintf(err, errlen, "-serial %s: out of memory", cd->spec);
    if (rc == 0 && !(cd->script->deliver = event_new(cd->machine->evbase, -1, 0, script_deliver, cd))) {
        snprintf(err, errlen, "-serial %s: cannot create an event", cd->spec);
        rc = -1;
    }
    if (rc < 0) {
        script_free(cd->script);
        cd->script = NULL;
        return -1;
    }
    cd->out_fd = STDOUT_FILENO;
    script_advance(cd);                 /* sends before any expect: typed at the first turn's end */
    return 0;
}

/* An expect left unmatched is the script's failure: say which, and what
 * the guest printed instead (its tail, escaped). */
static void close_script(struct chardev *cd)
{
    struct script *s = cd->script;
    if (s && !s->done && s->pc < s->nlines && s->lines[s->pc].op == SCRIPT_EXPECT) {
        const struct script_line *l = &s->lines[s->pc];
        size_t from = s->seen_len > 160 ? s->seen_len - 160 : 0;
        fprintf(stderr, "ppcrr: -serial %s: line %u: expect %s: never matched; the output since the "
                "last match ends with \"", cd->spec, l->lineno, l->text);
        for (size_t i = from; i < s->seen_len; i++) {
            unsigned char c = (unsigned char)s->seen[i];
            if (c == '\n')
                fputs("\\n", stderr);
            else if (c == '\r')
                fputs("\\r", stderr);
            else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
                fprintf(stderr, "\\x%02x", c);
            else
                fputc(c, stderr);
        }
        fputs("\"\n", stderr);
    }
    script_free(s);
    cd->script = NULL;
}

/* ---- open and close ---- */

#define BACKENDS                                                                                  \
    "stdio, file:PATH, null, unix:PATH,server[,nowait], tcp:HOST:PORT,server[,nowait] or script:FILE"

struct chardev *chardev_open(struct machine *m, const char *spec, char *err, size_t errlen)
{
    if (!spec || !*spec) {
        snprintf(err, errlen, "-serial: empty backend (expected %s)", BACKENDS);
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
    cd->listen_fd = cd->client_fd = -1;
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
    } else if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "tcp:", 4) == 0) {
        cd->kind = CHARDEV_SOCKET;
        if (open_socket(cd, spec[0] == 'u', err, errlen) < 0) {
            close_socket(cd);
            goto fail;
        }
    } else if (strncmp(spec, "script:", 7) == 0) {
        cd->kind = CHARDEV_SCRIPT;
        if (open_script(cd, err, errlen) < 0)
            goto fail;
    } else {
        snprintf(err, errlen, "-serial %s: unknown backend (expected %s)", spec, BACKENDS);
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
    input_console_attach(cd->machine, fn, opaque);
}

void chardev_close(struct chardev *cd)
{
    if (!cd)
        return;
    stop_input(cd);
    if (cd->kind == CHARDEV_STDIO) {
        tty_leave_raw();
        stdio_in_use = false;
    } else if (cd->kind == CHARDEV_SOCKET) {
        close_socket(cd);
    } else if (cd->kind == CHARDEV_SCRIPT) {
        close_script(cd);              /* out_fd is stdout: not ours to close */
    } else if (cd->out_fd >= 0) {
        close(cd->out_fd);
    }
    free(cd->spec);
    free(cd);
}
