#!/bin/sh
# The socket and script console backends (emu/chardev.c), end to end:
# the vtyecho guest (echoes what it is typed up to a 'q', then powers off)
# served on a unix socket and on a loopback TCP port -- greeting, echo,
# exit status, a client that leaves and another that takes over mid-run --
# and driven by a script:FILE, twice, with identical output.
#
#   test_consoles.sh PPCRR VTYECHO_ELF
#
# Clients are python3's socket module. Every wait is bounded (timeout(1)
# around ppcrr, socket timeouts in the client), so a failure cannot hang.
set -u
. "$(dirname "$0")/tap.sh"
ppcrr=$1 elf=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/consoles.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# client.py unix|tcp ADDR ACTION...: connects (retrying while the server
# is not up yet), then per action: send:TEXT, expect:TEXT (read until
# TEXT has arrived), eof (read until the server closes). Everything
# received goes to stdout; a timeout or a refused connection exits 1.
cat > "$tmp/client.py" <<'PY'
import socket, sys, time
kind, addr = sys.argv[1], sys.argv[2]
deadline = time.time() + 20
while True:
    try:
        if kind == "unix":
            s = socket.socket(socket.AF_UNIX)
            s.connect(addr)
        else:
            host, port = addr.rsplit(":", 1)
            s = socket.create_connection((host, int(port)))
        break
    except OSError as e:
        if time.time() > deadline:
            sys.exit("client: cannot connect to %s: %s" % (addr, e))
        time.sleep(0.05)
s.settimeout(60)
got = b""
def read_until(done):
    global got
    while not done():
        data = s.recv(4096)
        if not data:
            return False
        got += data
    return True
status = 0
try:
    for action in sys.argv[3:]:
        verb, _, arg = action.partition(":")
        if verb == "send":
            s.sendall(arg.encode())
        elif verb == "expect" and not read_until(lambda: arg.encode() in got):
            sys.stderr.write("client: connection closed before %r\n" % arg)
            status = 1
            break
        elif verb == "eof":
            read_until(lambda: False)
except socket.timeout:
    sys.stderr.write("client: timed out\n")
    status = 1
sys.stdout.write(got.decode("latin-1"))
s.close()
sys.exit(status)
PY
client() { python3 "$tmp/client.py" "$@"; }

# start_ppcrr SERIAL: ppcrr in the background on vtyecho, bounded.
start_ppcrr() {
    timeout -k 5 120 "$ppcrr" run -kernel "$elf" -serial "$1" > "$tmp/out" 2> "$tmp/err" &
    pid=$!
}
finish_ppcrr() { wait "$pid"; status=$?; }

# --- unix socket, waiting for the first client (the default) ---
sock=$tmp/console.sock
start_ppcrr "unix:$sock,server"
client unix "$sock" 'expect:# echo: ' 'send:hello q' eof > "$tmp/c1" 2> "$tmp/c1.err"
check "unix: the client talked to the guest" test $? -eq 0
finish_ppcrr
got=$(tr -d '\r' < "$tmp/c1")
check "unix: the client saw the greeting (the guest waited for it)" contains "$got" "# echo: "
check "unix: the guest echoed what the client typed" contains "$got" "# echo: hello q"
check "unix: the guest saw the 'q'" contains "$got" "ok 2 - the input ends with 'q'"
check "unix: ppcrr exited with status 0" test "$status" -eq 0
check "unix: ppcrr said it was waiting" contains "$(cat "$tmp/err")" "waiting for a connection"
check "unix: the socket is removed at exit" test ! -e "$sock"

# --- unix socket, nowait: a client leaves mid-run, another continues ---
start_ppcrr "unix:$sock,server,nowait"
client unix "$sock" 'send:hel' 'expect:hel' > "$tmp/c1" 2> "$tmp/c1.err"
check "reconnect: the first client got its echo" test $? -eq 0
client unix "$sock" 'send:lo q' eof > "$tmp/c2" 2> "$tmp/c2.err"
check "reconnect: a second client connected after the first left" test $? -eq 0
finish_ppcrr
got=$(tr -d '\r' < "$tmp/c2")
check "reconnect: the guest's console survived the disconnect" contains "$got" "lo q"
check "reconnect: the guest got all the input" contains "$got" "ok 2 - the input ends with 'q'"
check "reconnect: ppcrr exited with status 0" test "$status" -eq 0
check "reconnect: nothing went to stdout" test ! -s "$tmp/out"

# --- tcp on a free loopback port ---
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_ppcrr "tcp:127.0.0.1:$port,server"
client tcp "127.0.0.1:$port" 'expect:# echo: ' 'send:hello q' eof > "$tmp/c1" 2> "$tmp/c1.err"
check "tcp: the client talked to the guest" test $? -eq 0
finish_ppcrr
got=$(tr -d '\r' < "$tmp/c1")
check "tcp: the guest echoed what the client typed" contains "$got" "# echo: hello q"
check "tcp: the guest saw the 'q'" contains "$got" "ok 2 - the input ends with 'q'"
check "tcp: ppcrr exited with status 0" test "$status" -eq 0

# --- refused specs, through the command line ---
timeout 20 "$ppcrr" run -kernel "$elf" -serial "tcp:0.0.0.0:$port,server,nowait" > /dev/null 2> "$tmp/err"
status=$?
check "tcp on 0.0.0.0 is refused (status 2)" test "$status" -eq 2
check "  the message says loopback only" contains "$(cat "$tmp/err")" "loopback"
timeout 20 "$ppcrr" run -kernel "$elf" -serial "tcp:127.0.0.1:$port" > /dev/null 2> "$tmp/err"
check "a client-mode socket is refused" contains "$(cat "$tmp/err")" "add \",server\""

# --- script: vtyecho to completion, twice, identical ---
printf '%s\n' '# vtyecho: type after the greeting, then let it finish' 'expect ^# echo: $' \
    'send hello\tq\r' 'expect ok 2 ' 'wait-exit' > "$tmp/echo.script"
# The second run logs every instruction (-d exec), which slows the host
# side down a lot: the guest must not notice.
for run in 1 2; do
    [ $run = 1 ] && set -- || set -- -d exec -D /dev/null
    timeout -k 5 120 "$ppcrr" run -kernel "$elf" -serial "script:$tmp/echo.script" "$@" \
        > "$tmp/script$run" 2> "$tmp/script$run.err"
    echo $? > "$tmp/script$run.status"
done
got=$(tr -d '\r' < "$tmp/script1")
check "script: the guest echoed the typed text" contains "$got" "$(printf '# echo: hello\tq')"
check "script: the guest ran to completion" contains "$got" "ok 2 - the input ends with 'q'"
check "script: ppcrr exited with status 0" test "$(cat "$tmp/script1.status")" -eq 0
check "script: no complaint on stderr" test ! -s "$tmp/script1.err"
# The input arrives at an icount fixed by the guest's output, so even the
# guest's count of H_GET_TERM_CHAR calls ("# N bytes in M calls") repeats.
check "script: a second, slower run prints exactly the same" cmp -s "$tmp/script1" "$tmp/script2"
check "  and exits the same" test "$(cat "$tmp/script1.status")" = "$(cat "$tmp/script2.status")"

# An expect never matched: reported on stderr; the status is the guest's.
printf '%s\n' 'send hello q' 'expect never printed' > "$tmp/miss.script"
timeout -k 5 120 "$ppcrr" run -kernel "$elf" -serial "script:$tmp/miss.script" > "$tmp/out" 2> "$tmp/err"
status=$?
check "unmatched script: the guest still finished (status 0)" test "$status" -eq 0
check "unmatched script: reported on stderr with its line" contains "$(cat "$tmp/err")" \
    "line 2: expect never printed: never matched"

# Without wait-exit the run ends when the script does.
printf '%s\n' 'expect echo: ' > "$tmp/stop.script"
timeout -k 5 120 "$ppcrr" run -kernel "$elf" -serial "script:$tmp/stop.script" > "$tmp/out" 2> "$tmp/err"
status=$?
check "script without wait-exit: the run ends at its last line (status 0)" test "$status" -eq 0
check "  before the guest finished" test "$(grep -c '^ok' "$tmp/out")" -eq 0

timeout 20 "$ppcrr" run -kernel "$elf" -serial "script:$tmp/nonexistent" > /dev/null 2> "$tmp/err"
check "a missing script is refused (status 2)" test $? -eq 2
tap_finish
