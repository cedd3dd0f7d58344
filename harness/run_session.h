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

#define RUN_MAX_SNAPSHOTS 32

/* Snapshots a run saves (--snapshot-at, --snapshot-every) and the one it
 * starts from (--restore): see run_snapshot_option(). */
struct run_snapshots {
    struct {
        uint64_t icount;
        const char *file;
        bool done;
    } at[RUN_MAX_SNAPSHOTS];
    unsigned n_at;
    uint64_t every;                 /* 0: none */
    const char *pattern;            /* with "{icount}" in it */
    uint64_t next_every;
    const char *restore;
};

/* The snapshot options every guest command takes, OPT without its first
 * dash ("-snapshot-at"): 1 taken, 0 not one of them, or the usage status
 * (message printed, as from COMMAND with USAGE). */
int run_snapshot_option(struct run_snapshots *s, const char *opt, const char *val, const char *command,
                        const char *usage);

/* The options' text for --help. */
#define RUN_SNAPSHOT_USAGE \
    "  --snapshot-at ICOUNT:FILE  save the machine's state to FILE at the first round\n" \
    "                      boundary at or after machine-wide ICOUNT (repeatable)\n" \
    "  --snapshot-every N:PATTERN  save a snapshot every N instructions, to PATTERN\n" \
    "                      with {icount} replaced by the snapshot's icount\n" \
    "  --restore FILE      continue from the snapshot FILE instead of booting: the\n" \
    "                      machine is built from this command line, which must give\n" \
    "                      the snapshot's machine (vCPUs, RAM, images, device tree)\n"

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
    struct run_snapshots snap;
    int argc;                       /* the command line, for snapshots' headers */
    char **argv;
};

/* ARGV[1..] into O (whose mode, usage and cmd_name are set). Returns 0;
 * -1 when help was printed; or the usage-error status (message printed). */
int run_options_parse(int argc, char **argv, struct run_options *o);

/* What the command adds to a run. Every hook may be NULL. */
struct run_hooks {
    /* Right after machine_create, before devices realize: attach observers. */
    int (*attach)(void *ctx, struct machine *m, char *err, size_t errlen);
    /* After machine_load: the guest is built (its tree too), not yet run
     * (with --restore, the snapshot is loaded right after this). */
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
