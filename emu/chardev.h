/*
 * Character backends for consoles (libevent): where a guest console's
 * output goes and its input comes from. `-serial` spells them as QEMU
 * does: `stdio` (raw terminal, restored on exit; Ctrl-A x quits, Ctrl-A
 * Ctrl-A sends a Ctrl-A), `file:PATH` (output only), `null`,
 * `unix:PATH,server[,nowait]` and `tcp:HOST:PORT,server[,nowait]` (one
 * client at a time, loopback addresses only), and `script:FILE` (expect
 * and send lines, for tests; see chardev.c).
 * Input reaches the guest through the console input source (input.h).
 */
#ifndef PPCRR_EMU_CHARDEV_H
#define PPCRR_EMU_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

#include "emu/input.h"

struct machine;
struct chardev;

/* SPEC as after -serial. Returns NULL with a message on a bad spec or an
 * unopenable file. */
struct chardev *chardev_open(struct machine *m, const char *spec, char *err, size_t errlen);
void chardev_write(struct chardev *cd, const uint8_t *data, size_t len);
/* Who gets the bytes the host types (through input_console). */
void chardev_set_receiver(struct chardev *cd, input_receive_fn fn, void *opaque);
void chardev_close(struct chardev *cd);

#endif
