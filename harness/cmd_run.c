/*
 * `ppcrr run` and `ppcrr record`: boot a guest and run it until it powers
 * off; `record` also writes every event into a trace (record/recorder.h).
 * The two take the same options (harness/run_session.c), so a recorded run
 * is the run. Options follow
 * QEMU's spelling (-kernel, -initrd, -append, -m, -smp, -bios, -machine,
 * -serial, -nographic, -rtc, -d exec) so that users' habits carry over;
 * ppcrr's own are -dumpdtb FILE, -max-insns N and -nvram FILE (on QEMU a
 * -drive given to the spapr-nvram device).
 * Exit status: see run_session.c.
 */
#include <stdio.h>
#include <string.h>

#include "harness/cli.h"
#include "harness/run_session.h"
#include "harness/version.h"
#include "record/recorder.h"

/* Instructions between checkpoints when recording, unless
 * --checkpoint-every says otherwise: a few per second of emulation, which
 * costs little (only pages dirtied since the last one are rehashed). */
#define RECORD_DEFAULT_CHECKPOINT_EVERY 100000000ull

const char cmd_run_usage[] =
    "usage: ppcrr run [options] -kernel FILE | -bios FILE\n"
    "\n"
    "Boots a pSeries guest and runs it until it powers off.\n"
    "\n"
    "Options (QEMU's spelling):\n"
    "  -kernel FILE        64-bit ELF (either byte order) or raw image\n"
    "  -initrd FILE        initial ramdisk (linux,initrd-start/-end in /chosen)\n"
    "  -append STRING      kernel command line (/chosen bootargs)\n"
    "  -bios FILE          firmware loaded at 0 and started at 0x100, as QEMU's\n"
    "                      pseries does; -kernel then goes to 0x400000\n"
    "  -m SIZE             RAM: 512M (default), 1G, or MiB as a plain number\n"
    "  -smp N              vCPUs (secondaries start held, until RTAS start-cpu)\n"
    "  -machine FILE       a machine description (.dts or .dtb) instead of the\n"
    "                      shipped pSeries one (\"pseries\" names the shipped one)\n"
    "  -serial SPEC        the console: stdio (default), file:PATH, null,\n"
    "                      unix:PATH,server[,nowait], tcp:[127.0.0.1]:PORT,server[,nowait]\n"
    "                      (loopback only), script:FILE (expect/send lines, for tests)\n"
    "  -nographic          console on stdio (the default; accepted for QEMU users)\n"
    "  -nvram FILE         the NVRAM's backing file (its size, 8K to 1M-16; a new\n"
    "                      or empty one is made 64K and formatted), written on\n"
    "                      every store; without it 64K in memory\n"
    "  -rtc base=WHEN      the guest's clock: utc (host time, default) or a fixed\n"
    "                      YYYY-MM-DDTHH:MM:SS (deterministic)\n"
    "  -d exec             log every instruction and the registers it changed\n"
    "  -D FILE             where -d logs go (default stderr)\n"
    "  -dumpdtb FILE       write the guest's device tree to FILE and exit\n"
    "  -dump-state FILE    at the end, write every vCPU's registers and digests\n"
    "                      of RAM and the hashed page table to FILE\n"
    "  -max-insns N        stop after N instructions (exit status 124), counted\n"
    "                      machine-wide from the boot (also after --restore)\n"
    "  -no-reboot          accepted: a guest reboot always ends the run\n"
    "  -h, --help          show this text\n"
    "\n"
    "Snapshots (a zstd-compressed protobuf file: `zstd -dc F | protoc\n"
    "--decode=ppcrr.Snapshot snapshot.proto`):\n"
    RUN_SNAPSHOT_USAGE
    "\n"
    "On the stdio console, Ctrl-A x quits.\n"
    "Exit status: the guest's power-off code; 1 if it ended abnormally;\n"
    "124 at -max-insns; 2 for a bad command line, machine or image.\n";

const char cmd_record_usage[] =
    "usage: ppcrr record -o TRACE [record options] [run options] -kernel FILE | -bios FILE\n"
    "\n"
    "Runs a guest exactly as `ppcrr run` does, and writes every hypercall, RTAS\n"
    "call, MMIO access, IRQ edge, interrupt, host input and checkpoint into TRACE\n"
    "(a zstd-compressed protobuf trace; see `ppcrr trace info|dump|stats|export`).\n"
    "\n"
    "Record options:\n"
    "  -o, --output TRACE       the trace file to write (required)\n"
    "  --checkpoint-every N     a digest of the whole machine state every N guest\n"
    "                           instructions (default 100000000; 0: only at the end)\n"
    "  --no-host-time           write 0 for each hcall's host nanoseconds, so that\n"
    "                           two recordings of the same run are identical files\n"
    "\n"
    "Run options: see `ppcrr run --help` (all of them but -dumpdtb), snapshots\n"
    "too: each snapshot saved is a keyframe event in TRACE (its icount and state\n"
    "digest), and with --restore the trace starts with one, so that `ppcrr replay\n"
    "--restore FILE TRACE` can start from it.\n"
    "\n"
    "The trace is written in chunks as it fills: if ppcrr is killed, it reads\n"
    "back to its last complete chunk. SIGINT/SIGTERM end the run and close the\n"
    "trace properly.\n"
    "Exit status: as `ppcrr run`; 1 also when the trace could not be written.\n";

struct record_session {
    struct run_options *o;
    int argc;
    char **argv;
    struct recorder *rec;
};

static int record_attach(void *ctx, struct machine *m, char *err, size_t errlen)
{
    struct record_session *r = ctx;
    struct recorder_options ro = { .path = r->o->trace, .no_host_time = r->o->no_host_time };
    r->rec = recorder_attach(m, &ro, err, errlen);
    return r->rec ? 0 : -1;
}

static int record_start(void *ctx, struct machine *m, char *err, size_t errlen)
{
    struct record_session *r = ctx;
    (void)m;
    struct recorder_info info = { ppcrr_version(), ppcrr_build_id(), r->argc, r->argv, r->o->snap.restore };
    return recorder_start(r->rec, &info, err, errlen);
}

static int record_finish(void *ctx, struct machine *m, int status)
{
    struct record_session *r = ctx;
    char err[768];
    (void)m;
    if (recorder_finish(r->rec, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: %s\n", err);
        if (status == 0)
            status = 1;
    }
    return status;
}

static void record_abandon(void *ctx)
{
    struct record_session *r = ctx;
    recorder_abandon(r->rec);
    remove(r->o->trace);        /* nothing was recorded: leave no trace file behind */
}

/* `run` and `record` differ only in these. */
static int run_mode(enum run_mode mode, const char *usage, const char *name, int argc, char **argv)
{
    struct run_options o;
    memset(&o, 0, sizeof o);
    o.mode = mode;
    o.usage = usage;
    o.cmd_name = name;
    o.argc = argc;
    o.argv = argv;
    if (mode == MODE_RECORD)
        o.cfg.checkpoint_interval = RECORD_DEFAULT_CHECKPOINT_EVERY;
    int rc = run_options_parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct record_session rs = { &o, argc, argv, NULL };
    const struct run_hooks record_hooks = { record_attach, record_start, record_finish, record_abandon, &rs };
    return run_session(&o, mode == MODE_RECORD ? &record_hooks : NULL);
}

int cmd_run(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return run_mode(MODE_RUN, cmd_run_usage, "run", argc, argv);
}

int cmd_record(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    return run_mode(MODE_RECORD, cmd_record_usage, "record", argc, argv);
}
