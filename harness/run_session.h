/*
 * A guest run, shared by `ppcrr run`, `record` and `replay`: the QEMU-style
 * options (run_options_parse), and run_session(), which builds the machine,
 * lets the caller attach its observer (the recorder, the replayer) at the
 * right moments, runs the guest and turns how it ended into an exit status.
 */
#ifndef PPCRR_HARNESS_RUN_SESSION_H
#define PPCRR_HARNESS_RUN_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "emu/machine.h"

enum run_mode { MODE_RUN, MODE_RECORD };

struct run_options {
    enum run_mode mode;
    const char *usage;
    const char *cmd_name;
    const char *trace;              /* record: -o */
    bool no_host_time;              /* record: --no-host-time */
    struct machine_config cfg;
    const char *dumpdtb;
    const char *dump_state;
    const char *log_file;
    bool log_exec;
};

/* ARGV[1..] into O (whose mode, usage and cmd_name are set). Returns 0;
 * -1 when help was printed; or the usage-error status (message printed). */
int run_options_parse(int argc, char **argv, struct run_options *o);

/* What the command adds to a run. Every hook may be NULL. */
struct run_hooks {
    /* Right after machine_create, before devices realize: attach observers. */
    int (*attach)(void *ctx, struct machine *m, char *err, size_t errlen);
    /* After machine_load: the guest is built (its tree too), not yet run. */
    int (*start)(void *ctx, struct machine *m, char *err, size_t errlen);
    /* After the run, with the exit status so far; returns the final one. */
    int (*finish)(void *ctx, struct machine *m, int status);
    /* The machine could not be built: undo attach. */
    void (*abandon)(void *ctx);
    void *ctx;
};

/* Builds the machine O describes, runs it and returns the exit status
 * (see `ppcrr run --help`); 2 when the machine or an image is wrong. */
int run_session(struct run_options *o, const struct run_hooks *hooks);

#endif
