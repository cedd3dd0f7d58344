/*
 * `ppcrr run` and `ppcrr record`: boot a guest and run it until it powers
 * off; `record` also writes every event into a trace (record/recorder.h).
 * The two take the same options, so a recorded run is the run. Options follow
 * QEMU's spelling (-kernel, -initrd, -append, -m, -smp, -bios, -machine,
 * -serial, -nographic, -rtc, -d exec) so that users' habits carry over;
 * ppcrr's own are -dumpdtb FILE, -max-insns N and -nvram FILE (on QEMU a
 * -drive given to the spapr-nvram device).
 *
 * Exit status: the guest's power-off code (RTAS power-off: 0; the power
 * device: the code it was given), 0 on reboot or Ctrl-A x, 1 when the guest
 * terminated abnormally (os-term, panic, attn, an emulator error), 124 when
 * -max-insns ran out, 2 when the command line or the machine is wrong.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/devices/power.h"
#include "emu/input.h"
#include "emu/machine.h"
#include "harness/cli.h"
#include "harness/version.h"
#include "hcall/hcall.h"
#include "record/recorder.h"
#include "vio/vio.h"

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
    "  -max-insns N        stop after N instructions (exit status 124)\n"
    "  -no-reboot          accepted: a guest reboot always ends the run\n"
    "  -h, --help          show this text\n"
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
    "Run options: see `ppcrr run --help` (all of them but -dumpdtb).\n"
    "\n"
    "The trace is written in chunks as it fills: if ppcrr is killed, it reads\n"
    "back to its last complete chunk. SIGINT/SIGTERM end the run and close the\n"
    "trace properly.\n"
    "Exit status: as `ppcrr run`; 1 also when the trace could not be written.\n";

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

/* "512M", "1G", "2048" (MiB), "64K". */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return false;
    unsigned shift = 20;
    if (*end) {
        static const char units[] = "KMGT";
        const char *u = strchr(units, *end & ~0x20);
        if (!u || end[1])
            return false;
        shift = 10 + 10 * (unsigned)(u - units);
    }
    if (v == 0 || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

/* One option and its value; returns 0, or the usage status. */
static int take_option(struct run_options *o, const char *opt, const char *val)
{
    struct machine_config *c = &o->cfg;
    const char *const path_opts[] = { "-kernel", "-initrd", "-append", "-bios", "-serial", "-nvram", "-dumpdtb",
                                      "-dump-state", "-D" };
    const char **const path_dest[] = { &c->kernel, &c->initrd, &c->append, &c->bios, &c->serial,
                                       &c->nvram, &o->dumpdtb, &o->dump_state, &o->log_file };
    for (size_t i = 0; i < sizeof path_opts / sizeof path_opts[0]; i++)
        if (strcmp(opt, path_opts[i]) == 0) {
            *path_dest[i] = val;
            return 0;
        }
    if (strcmp(opt, "-machine") == 0 || strcmp(opt, "-M") == 0) {
        c->machine_file = strcmp(val, "pseries") == 0 ? NULL : val;
    } else if (strcmp(opt, "-m") == 0) {
        if (!parse_size(val, &c->ram_size) || c->ram_size < (64ull << 20))
            return cli_usage_error(o->cmd_name, o->usage, "-m: '%s' is not a RAM size of at least 64M", val);
    } else if (strcmp(opt, "-smp") == 0) {
        uint64_t n;
        if (!cli_parse_u64(val, &n) || n < 1 || n > 64)
            return cli_usage_error(o->cmd_name, o->usage, "-smp: '%s' is not a vCPU count from 1 to 64", val);
        c->smp = (unsigned)n;
    } else if (strcmp(opt, "-rtc") == 0) {
        bool utc = strcmp(val, "base=utc") == 0;
        if (!utc && (strncmp(val, "base=", 5) != 0 || !input_parse_utc(val + 5, &c->rtc_base)))
            return cli_usage_error(o->cmd_name, o->usage,
                                   "-rtc: '%s' is not base=utc or base=YYYY-MM-DDTHH:MM:SS", val);
        c->rtc_fixed = !utc;
    } else if (strcmp(opt, "-d") == 0) {
        if (strcmp(val, "exec") != 0)
            return cli_usage_error(o->cmd_name, o->usage, "-d: unknown log item '%s' (known: exec)", val);
        o->log_exec = true;
    } else if (o->mode == MODE_RECORD && (strcmp(opt, "-o") == 0 || strcmp(opt, "-output") == 0)) {
        o->trace = val;
    } else if (o->mode == MODE_RECORD && strcmp(opt, "-checkpoint-every") == 0) {
        if (!cli_parse_u64(val, &c->checkpoint_interval))
            return cli_usage_error(o->cmd_name, o->usage, "--checkpoint-every: '%s' is not a count", val);
    } else if (strcmp(opt, "-max-insns") == 0) {
        if (!cli_parse_u64(val, &c->max_insns) || c->max_insns == 0)
            return cli_usage_error(o->cmd_name, o->usage, "-max-insns: '%s' is not a positive count", val);
    } else {
        return cli_usage_error(o->cmd_name, o->usage, "unknown option '%s'", opt);
    }
    return 0;
}

static int parse_run_options(int argc, char **argv, struct run_options *o)
{
    static const char *const flags[] = { "-nographic", "-no-reboot" };
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0 || strcmp(opt, "-help") == 0) {
            fputs(o->usage, stdout);
            return -1;
        }
        if (o->mode == MODE_RECORD && strcmp(opt, "--no-host-time") == 0) {
            o->no_host_time = true;
            continue;
        }
        bool flag = false;
        for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
            flag |= strcmp(opt, flags[f]) == 0;
        if (flag)
            continue;
        if (opt[0] != '-')
            return cli_usage_error(o->cmd_name, o->usage, "unexpected argument '%s'", opt);
        if (opt[1] == '-')
            opt++;                  /* --kernel works too */
        if (i + 1 >= argc)
            return cli_usage_error(o->cmd_name, o->usage, "option '%s' needs a value", argv[i]);
        int rc = take_option(o, opt, argv[++i]);
        if (rc)
            return rc;
    }
    if (o->log_file && !o->log_exec)
        return cli_usage_error(o->cmd_name, o->usage, "-D FILE needs something to log (-d exec)");
    if (o->mode == MODE_RECORD && o->dumpdtb)
        return cli_usage_error(o->cmd_name, o->usage, "-dumpdtb does not record; use `ppcrr run -dumpdtb`");
    if (!o->cfg.kernel && !o->cfg.bios && !o->dumpdtb)
        return cli_usage_error(o->cmd_name, o->usage, "missing -kernel FILE or -bios FILE");
    if (o->mode == MODE_RECORD && !o->trace)
        return cli_usage_error(o->cmd_name, o->usage, "missing -o TRACE");
    return 0;
}

static int write_dtb(const struct machine *m, const char *path)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(m->guest_fdt, 1, m->guest_fdt_size, f) == m->guest_fdt_size;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "ppcrr: %s: cannot write: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

/* FNV-1a over LEN bytes, continuing from H. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* The guest-visible state at the end of a run, as text two runs can be
 * compared with (`cmp`): each vCPU's field list, then digests of RAM and
 * of the hashed page table. Determinism tests use it (DESIGN.md §2). */
static int write_state(const struct machine *m, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "ppcrr: %s: cannot create: %s\n", path, strerror(errno));
        return 1;
    }
    for (unsigned i = 0; i < m->ncpus; i++) {
        fprintf(f, "vcpu %u%s\n", i, m->cpus[i].stopped ? " (stopped)" : "");
        cpu_dump(&m->cpus[i], f);
    }
    uint64_t ram = fnv1a(0xcbf29ce484222325ull, m->mem.ram, m->mem.ram_size);
    uint64_t hpt = m->hpt.hpte ? fnv1a(0xcbf29ce484222325ull, m->hpt.hpte,
                                       m->hpt.n_hptes * sizeof m->hpt.hpte[0]) : 0;
    fprintf(f, "ram fnv1a-64 %016llx (%llu bytes)\nhpt fnv1a-64 %016llx\n", (unsigned long long)ram,
            (unsigned long long)m->mem.ram_size, (unsigned long long)hpt);
    if (fclose(f) != 0) {
        fprintf(stderr, "ppcrr: %s: cannot write: %s\n", path, strerror(errno));
        return 1;
    }
    return 0;
}

/* The process exit status for how the run ended (see the top of the file). */
static int exit_status(const struct machine *m)
{
    static const char *const what[] = {
        [EXIT_OS_TERM] = "the guest terminated (ibm,os-term)",
        [EXIT_GUEST_CRASH] = "the guest crashed",
        [EXIT_ERROR] = "the run stopped on an error",
        [EXIT_LIMIT] = "the instruction limit was reached",
    };
    switch (m->exit_reason) {
    case EXIT_POWER_OFF:
        /* A code the shell cannot show (256, -1...) must not read as 0. */
        return m->exit_code >= 0 && m->exit_code < 256 ? (int)m->exit_code : 1;
    case EXIT_REBOOT:
    case EXIT_USER:
    case EXIT_NONE:
        return 0;
    default:
        fprintf(stderr, "ppcrr: %s%s%s\n",
                (size_t)m->exit_reason < sizeof what / sizeof what[0] && what[m->exit_reason]
                    ? what[m->exit_reason] : "stopped",
                m->exit_message[0] ? ": " : "", m->exit_message);
        if (m->exit_reason == EXIT_LIMIT)
            return 124;
        return m->exit_reason == EXIT_GUEST_CRASH && m->exit_code > 0 && m->exit_code < 256
                   ? (int)m->exit_code : 1;
    }
}

static struct machine *running;

/* SIGINT/SIGTERM end the run cleanly (terminal restored, logs closed):
 * the main loop sees the flag between vCPU turns. */
static void stop_on_signal(int sig)
{
    (void)sig;
    if (running)
        running->host_stop = 1;
}

/* Builds the machine (with the recorder attached first when recording,
 * so inputs read while devices realize are in the trace), runs it, and
 * gives the exit status. */
static int run_guest(struct run_options *o, struct machine *m, int argc, char **argv)
{
    char err[768] = "";
    struct recorder *rec = NULL;
    bool only_dtb = o->dumpdtb && !o->cfg.kernel && !o->cfg.bios;
    int rc = 0;
    bool built = machine_create(m, &o->cfg, err, sizeof err) == 0;
    if (built && o->mode == MODE_RECORD) {
        struct recorder_options ro = { .path = o->trace, .no_host_time = o->no_host_time };
        rec = recorder_attach(m, &ro, err, sizeof err);
        built = rec != NULL;
    }
    built = built && hcall_init(m, err, sizeof err) == 0 && vio_init(m, err, sizeof err) == 0 &&
            machine_realize(m, err, sizeof err) == 0 &&
            (only_dtb ? machine_build_fdt(m, err, sizeof err) : machine_load(m, err, sizeof err)) == 0;
    if (built && rec) {
        struct recorder_info info = { ppcrr_version(), ppcrr_build_id(), argc, argv };
        built = recorder_start(rec, &info, err, sizeof err) == 0;
    }
    /* Every failure before the guest runs is the machine's, an image's or
     * the trace file's fault: a message and status 2. */
    if (!built) {
        fprintf(stderr, "ppcrr: %s\n", err);
        if (rec) {
            recorder_abandon(rec);
            remove(o->trace);       /* nothing was recorded: leave no trace file behind */
        }
        return CLI_EXIT_USAGE;
    }
    if (o->dumpdtb)
        return write_dtb(m, o->dumpdtb);
    machine_run(m);
    rc = exit_status(m);
    if (o->dump_state && write_state(m, o->dump_state) != 0 && rc == 0)
        rc = 1;
    if (rec && recorder_finish(rec, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: %s\n", err);
        if (rc == 0)
            rc = 1;
    }
    return rc;
}

static int run_command(struct run_options *o, int argc, char **argv)
{
    int rc = parse_run_options(argc, argv, o);
    if (rc)
        return rc < 0 ? 0 : rc;
    FILE *log = NULL;
    if (o->log_exec) {
        log = o->log_file ? fopen(o->log_file, "w") : stderr;
        if (!log) {
            fprintf(stderr, "ppcrr: %s: cannot create: %s\n", o->log_file, strerror(errno));
            return CLI_EXIT_USAGE;
        }
        o->cfg.exec_log = log;
    }

    static struct machine m;
    running = &m;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    power_device_register_type();

    rc = run_guest(o, &m, argc, argv);
    hcall_destroy(&m);
    machine_destroy(&m);
    running = NULL;
    if (log && log != stderr)
        fclose(log);
    return rc;
}

/* `run` and `record` differ only in these. */
static int run_mode(enum run_mode mode, const char *usage, const char *name, int argc, char **argv)
{
    struct run_options o;
    memset(&o, 0, sizeof o);
    o.mode = mode;
    o.usage = usage;
    o.cmd_name = name;
    if (mode == MODE_RECORD)
        o.cfg.checkpoint_interval = RECORD_DEFAULT_CHECKPOINT_EVERY;
    return run_command(&o, argc, argv);
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
