/*
 * run_session.h: the options every guest run takes and the run itself.
 *
 * Exit status: the guest's power-off code (RTAS power-off: 0; the power
 * device: the code it was given), 0 on reboot or Ctrl-A x, 1 when the guest
 * terminated abnormally (os-term, panic, attn, an emulator error), 124 when
 * -max-insns ran out, 2 when the command line or the machine is wrong.
 */
#include "harness/run_session.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/devices/power.h"
#include "emu/input.h"
#include "emu/snapshot.h"
#include "harness/cli.h"
#include "harness/version.h"
#include "snapshot/snapshot_file.h"
#include "hcall/hcall.h"
#include "vio/vio.h"

/* The most RAM a guest gets: its per-page bookkeeping (watch bits,
 * checkpoint hashes) must stay small next to the host's memory. */
#define RUN_MAX_RAM (64ull << 30)

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
    int rc;
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
        if (!parse_size(val, &c->ram_size) || c->ram_size < (64ull << 20) || c->ram_size > RUN_MAX_RAM)
            return cli_usage_error(o->cmd_name, o->usage, "-m: '%s' is not a RAM size from 64M to 64G", val);
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
        if (c->checkpoint_interval == 0)
            c->checkpoint_interval = UINT64_MAX;    /* none on the way, one at the end */
    } else if ((rc = run_snapshot_option(&o->snap, opt, val, o->cmd_name, o->usage)) != 0) {
        return rc == 1 ? 0 : rc;
    } else if (strcmp(opt, "-max-insns") == 0) {
        if (!cli_parse_u64(val, &c->max_insns) || c->max_insns == 0)
            return cli_usage_error(o->cmd_name, o->usage, "-max-insns: '%s' is not a positive count", val);
    } else {
        return cli_usage_error(o->cmd_name, o->usage, "unknown option '%s'", opt);
    }
    return 0;
}

int run_snapshot_option(struct run_snapshots *s, const char *opt, const char *val, const char *command,
                        const char *usage)
{
    if (strcmp(opt, "-restore") == 0) {
        s->restore = val;
        return 1;
    }
    bool at = strcmp(opt, "-snapshot-at") == 0;
    if (!at && strcmp(opt, "-snapshot-every") != 0)
        return 0;
    const char *colon = strchr(val, ':');
    char number[32];
    uint64_t n = 0;
    size_t len = colon ? (size_t)(colon - val) : 0;
    if (colon && len < sizeof number) {
        memcpy(number, val, len);
        number[len] = 0;
    }
    if (!colon || len >= sizeof number || !cli_parse_u64(number, &n) || !colon[1] || (!at && n == 0))
        return cli_usage_error(command, usage, "-%s: '%s' is not %s:FILE", opt, val, at ? "ICOUNT" : "N (> 0)");
    if (at) {
        if (s->n_at == RUN_MAX_SNAPSHOTS)
            return cli_usage_error(command, usage, "--snapshot-at: at most %d snapshots", RUN_MAX_SNAPSHOTS);
        s->at[s->n_at].icount = n;
        s->at[s->n_at].file = colon + 1;
        s->n_at++;
    } else {
        if (!strstr(colon + 1, "{icount}"))
            return cli_usage_error(command, usage, "--snapshot-every: the file pattern '%s' has no {icount}",
                                   colon + 1);
        s->every = s->next_every = n;
        s->pattern = colon + 1;
    }
    return 1;
}

int run_options_parse(int argc, char **argv, struct run_options *o)
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

/* PATTERN with each {icount} replaced by ICOUNT, malloc'ed. */
static char *snapshot_file_name(const char *pattern, uint64_t icount)
{
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)icount);
    size_t n = 0;
    for (const char *p = strstr(pattern, "{icount}"); p; p = strstr(p + 8, "{icount}"))
        n++;
    char *out = malloc(strlen(pattern) + n * strlen(num) + 1), *o = out;
    for (const char *p = pattern; out && *p;) {
        if (strncmp(p, "{icount}", 8) == 0) {
            o += sprintf(o, "%s", num);
            p += 8;
        } else {
            *o++ = *p++;
        }
    }
    if (out)
        *o = 0;
    return out;
}

static void snapshot_save_now(struct machine *m, struct run_options *o, const char *file)
{
    struct snapshot_info info = { ppcrr_version(), ppcrr_build_id(), o->argc, o->argv };
    struct trace_error err;
    if (snapshot_save(m, file, &info, &err) < 0) {
        char msg[sizeof err.msg + 16];
        snprintf(msg, sizeof msg, "snapshot: %s", err.msg);
        machine_request_exit(m, EXIT_ERROR, 1, msg);
        return;
    }
    machine_keyframe_emit(m, false, file);
}

/* At each round boundary: the snapshots now due. */
static void snapshot_round_end(struct machine *m, void *opaque)
{
    struct run_options *o = opaque;
    struct run_snapshots *s = &o->snap;
    uint64_t now = machine_icount(m);
    for (unsigned i = 0; i < s->n_at && m->exit_reason == EXIT_NONE; i++)
        if (!s->at[i].done && s->at[i].icount <= now) {
            s->at[i].done = true;
            snapshot_save_now(m, o, s->at[i].file);
        }
    if (s->every && now >= s->next_every && m->exit_reason == EXIT_NONE) {
        s->next_every = (now / s->every + 1) * s->every;
        char *file = snapshot_file_name(s->pattern, now);
        if (!file) {
            machine_request_exit(m, EXIT_ERROR, 1, "snapshot: out of memory");
            return;
        }
        snapshot_save_now(m, o, file);
        free(file);
    }
}

/* --restore: the snapshot over the machine just built; the schedule of
 * further snapshots goes on from its icount. */
static int restore_snapshot(struct run_options *o, struct machine *m, char *err, size_t errlen)
{
    struct trace_error terr;
    if (snapshot_restore(m, o->snap.restore, ppcrr_build_id(), &terr) < 0) {
        snprintf(err, errlen, "cannot restore: %s", terr.msg);
        return -1;
    }
    uint64_t now = machine_icount(m);
    for (unsigned i = 0; i < o->snap.n_at; i++)
        o->snap.at[i].done |= o->snap.at[i].icount <= now;
    if (o->snap.every)
        o->snap.next_every = (now / o->snap.every + 1) * o->snap.every;
    machine_keyframe_emit(m, true, o->snap.restore);
    return 0;
}

/* Builds the machine (the hooks' observers attached before devices
 * realize, so inputs read then are seen), runs it, gives the exit status. */
static int run_guest(struct run_options *o, struct machine *m, const struct run_hooks *h)
{
    char err[768] = "";
    bool only_dtb = o->dumpdtb && !o->cfg.kernel && !o->cfg.bios;
    bool built = machine_create(m, &o->cfg, err, sizeof err) == 0;
    bool attached = built && (!h->attach || h->attach(h->ctx, m, err, sizeof err) == 0);
    built = attached && hcall_init(m, err, sizeof err) == 0 && vio_init(m, err, sizeof err) == 0 &&
            machine_realize(m, err, sizeof err) == 0 &&
            (only_dtb ? machine_build_fdt(m, err, sizeof err) : machine_load(m, err, sizeof err)) == 0 &&
            (!h->start || h->start(h->ctx, m, err, sizeof err) == 0) &&
            (!o->snap.restore || only_dtb || restore_snapshot(o, m, err, sizeof err) == 0);
    /* Every failure before the guest runs is the machine's, an image's or
     * an output file's fault: a message and status 2. */
    if (!built) {
        fprintf(stderr, "ppcrr: %s\n", err);
        if (attached && h->abandon)
            h->abandon(h->ctx);
        return CLI_EXIT_USAGE;
    }
    if (o->dumpdtb)
        return write_dtb(m, o->dumpdtb);
    if (o->snap.n_at || o->snap.every) {
        m->round_end = snapshot_round_end;
        m->round_end_opaque = o;
    }
    machine_run(m);
    int rc = exit_status(m);
    if (o->dump_state && write_state(m, o->dump_state) != 0 && rc == 0)
        rc = 1;
    return h->finish ? h->finish(h->ctx, m, rc) : rc;
}

int run_session(struct run_options *o, const struct run_hooks *hooks)
{
    static const struct run_hooks none;
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

    int rc = run_guest(o, &m, hooks ? hooks : &none);
    hcall_destroy(&m);
    machine_destroy(&m);
    running = NULL;
    if (log && log != stderr)
        fclose(log);
    return rc;
}
