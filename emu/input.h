/*
 * Input sources (DESIGN.md §2 rule 2): every value from the host that the
 * guest can see enters here -- console bytes, the time of day, later
 * random numbers and disk data. Each value is an input event on the hook
 * (which record/ logs with its icount); replay will feed logged values
 * back through the same functions.
 */
#ifndef PPCRR_EMU_INPUT_H
#define PPCRR_EMU_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* Seconds since the epoch (UTC) that the guest's clock reads now: with
 * -rtc base=utc the host's clock, with a fixed base that base plus the
 * guest time elapsed (which is deterministic). */
int64_t input_rtc_seconds(struct machine *m);

/* "YYYY-MM-DDTHH:MM:SS" (UTC, years 1..9999) to seconds since the epoch
 * (negative before 1970); false if it is not such a time. */
bool input_parse_utc(const char *text, int64_t *seconds);

/* Bytes the host typed: reported as an input event from source "console",
 * then handed to RECEIVE. While a feeder is installed (replay), bytes from
 * the host are dropped: the console's input comes from the trace. */
typedef void (*input_receive_fn)(void *opaque, const uint8_t *data, size_t len);
void input_console(struct machine *m, const uint8_t *data, size_t len, input_receive_fn receive,
                   void *opaque);

/* The console device's receiver (the character backend registers it with
 * its receiver), so that a feeder can type into it. One console: the last
 * one attached. */
void input_console_attach(struct machine *m, input_receive_fn receive, void *opaque);

/*
 * Replay (DESIGN.md §2 rule 2): a feeder hands back recorded values in
 * place of the host's. take() fills BUF with the LEN bytes the trace holds
 * for the next input from SOURCE here, or returns false (the trace has no
 * such input here: a divergence, which the feeder reports; the caller
 * then uses zeros). poll() runs between rounds, where console bytes
 * arrived when recording, and types what the trace holds for this point
 * through input_console_feed().
 */
struct input_feeder {
    bool (*take)(void *opaque, const char *source, uint8_t *buf, size_t len);
    void (*poll)(void *opaque);
    void *opaque;
};

void input_set_feeder(struct machine *m, const struct input_feeder *feeder);

/* The host ends the run (Ctrl-A x, a signal, a console script's end):
 * that is an input too -- the trace must say where it happened, for
 * replay to stop there -- an input event from source "stop" (WHY as its
 * bytes), then EXIT_USER. Nothing if an exit is already requested. */
void input_host_stop(struct machine *m, const char *why);

/* Types DATA into the attached console as input (an input event). */
void input_console_feed(struct machine *m, const uint8_t *data, size_t len);

/* 64 random bits from the host (getrandom), reported as an input event
 * from source "random" (8 bytes, big-endian) before the guest sees them:
 * H_RANDOM's values. */
uint64_t input_random(struct machine *m);

/* LEN bytes a device read from a host file before the guest started (the
 * NVRAM's -nvram file): reported as an input event from SOURCE, so that a
 * trace carries everything the guest can see that its images do not. */
void input_host_bytes(struct machine *m, const char *source, uint8_t *data, size_t len);

#endif
