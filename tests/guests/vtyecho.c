/*
 * vtyecho: console input. Reads the vty with H_GET_TERM_CHAR (up to 16
 * bytes a call, in r5 and r6 first byte most significant) and echoes every
 * byte with H_PUT_TERM_CHAR until a 'q', on one line starting "# echo: ".
 * The host runner feeds "hello q" on the emulator's stdin and checks the
 * console shows "# echo: hello q". Gives up after 20 s of timebase.
 */
#include "runtime/runtime.h"

int main(void)
{
    uint64_t limit = 20 * timebase_freq(), start = mftb();
    bool saw_q = false, calls_ok = true;
    unsigned total = 0, calls = 0;
    console_puts("# echo: ");
    while (!saw_q && mftb() - start < limit) {
        unsigned long ret[9];
        long rc = hcall(H_GET_TERM_CHAR, ret, console_reg, 0, 0, 0, 0, 0, 0, 0);
        calls++;
        if (rc != H_SUCCESS || ret[0] > 16) {
            calls_ok = false;
            tap_diag("H_GET_TERM_CHAR returned %ld, length %lu", rc, ret[0]);
            break;
        }
        char buf[16];
        for (unsigned i = 0; i < ret[0]; i++)
            buf[i] = (char)(ret[1 + i / 8] >> (56 - 8 * (i % 8)));
        unsigned n = 0;
        while (n < ret[0] && !saw_q)
            saw_q = buf[n++] == 'q';
        console_write(buf, n);
        total += (unsigned)ret[0];
    }
    console_puts("\r\n");
    tap_ok(calls_ok, "H_GET_TERM_CHAR returns H_SUCCESS and at most 16 bytes");
    tap_ok(saw_q, "the input ends with 'q' (echoed on the line above)");
    tap_diag("%u bytes in %u calls", total, calls);
    return 0;
}
