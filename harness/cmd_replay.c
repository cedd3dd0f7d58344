/*
 * `ppcrr replay TRACE`: re-runs the guest a trace was recorded from, from
 * the trace alone (plus the images its header names, each verified by
 * sha256), feeding back every recorded input and checking every event the
 * guest produces against the trace (replay/replayer.h).
 *
 * The machine is rebuilt from the header's command line (parsed as `ppcrr
 * record` parsed it), with what only the host had replaced: the console
 * goes where -serial says (default nowhere) and types nothing, the NVRAM
 * file's recorded contents go into a temporary file, the clock and random
 * numbers come from the trace.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli.h"
#include "harness/replay_keyframes.h"
#include "harness/run_session.h"
#include "harness/version.h"
#include "hcall/hcall.h"
#include "record/recorder.h"
#include "replay/trace_diff.h"
#include "replay/replayer.h"
#include "traces/sha256.h"
#include "traces/trace_symbols.h"

#define REPLAY_EXIT_CANNOT 2
#define BISECT_SKIP 125             /* `git bisect run`: this revision cannot be tested */

const char cmd_replay_usage[] =
    "usage: ppcrr replay [options] TRACE\n"
    "\n"
    "Re-runs the guest recorded in TRACE (`ppcrr record`), feeding back every\n"
    "recorded input (console bytes, clock, random numbers, NVRAM contents) and\n"
    "checking that every hcall, RTAS call, MMIO access, IRQ edge, interrupt and\n"
    "checkpoint digest is the one the trace holds. The images the trace names\n"
    "(kernel, initrd, bios, machine) are read from their recorded paths and\n"
    "must have the recorded sha256.\n"
    "\n"
    "Options:\n"
    "  --until ICOUNT        stop (successfully) at this machine-wide icount\n"
    "  --image ROLE=PATH     take the image the trace calls ROLE (kernel, initrd,\n"
    "                        bios, machine) from PATH instead (still verified)\n"
    "  --symbols ELF         name PCs in reports as function+offset\n"
    "  --context N           recorded events shown before a divergence (default 8)\n"
    "  --tolerant            go on past differences: record what the guest does\n"
    "                        and list every difference against the trace, as\n"
    "                        `ppcrr trace diff` does (aligned, so one changed\n"
    "                        result is one difference)\n"
    "  --check               exit 0 same, 1 diverged, 125 could not replay: the\n"
    "                        codes `git bisect run` expects\n"
    "  -serial SPEC          where the guest's console output goes (default null);\n"
    "                        console input always comes from the trace\n"
    "  -d exec [-D FILE]     log every instruction (with --log-from/--log-to:\n"
    "  --log-from ICOUNT     only in that window of machine-wide icounts)\n"
    "  --log-to ICOUNT\n"
    "  -dump-state FILE      write every vCPU's registers and RAM/page-table\n"
    "                        digests at the end\n"
    RUN_SNAPSHOT_USAGE
    "                      (in a replay the machine is the trace's, and --restore\n"
    "                      starts the replay at the trace's keyframe for the\n"
    "                      snapshot: same icount, same state digest; events\n"
    "                      before it are taken as done; not with --tolerant)\n"
    "  --inject-hcall NAME:N:RET\n"
    "                        make the Nth call of hcall NAME return RET without\n"
    "                        running it: a divergence at a known event (tests;\n"
    "                        N counts from the boot, with --keyframes too)\n"
    "  --keyframes K         check the trace as segments between its keyframes\n"
    "                        (recorded with --snapshot-every/--snapshot-at), each\n"
    "                        from its snapshot to the next keyframe's state digest\n"
    "                        (the first from the boot, the last to the trace's\n"
    "                        end), in K worker processes at once\n"
    "  --shard I/N           with --keyframes: only this shard's segments (a\n"
    "                        segment's shard is the hash of its name, as for the\n"
    "                        harness's cases; CI variables are read as there)\n"
    "  --snapshot-dir DIR    with --keyframes: the snapshots are in DIR (by file\n"
    "                        name) rather than where the keyframes say, taken\n"
    "                        relative to the trace's directory, then to this one\n"
    "  -h, --help            show this text\n"
    "\n"
    "A divergence is reported in words: the event index, icount, vCPU and PC, the\n"
    "recorded and the produced event, the events before it, and the window since\n"
    "the last checkpoint that matched.\n"
    "Exit status: 0 replayed with no divergence; 1 diverged; 2 could not replay\n"
    "(unreadable trace, missing image, sha256 mismatch, bad command line).\n";

struct replay_args {
    const char *trace;
    uint64_t until, log_from, log_to;
    const char *symbols, *serial, *log_file, *dump_state, *inject;
    const char *shard, *snapshot_dir;
    unsigned keyframes;                 /* --keyframes K: workers, 0 = a plain replay */
    bool to_keyframe;                   /* a segment: ends at the keyframe at this icount */
    bool images_verified;               /* a segment: the parent checked the sha256s */
    uint64_t keyframe_icount;
    bool log_exec, check, tolerant;
    unsigned context;
    const char *image_override[4];
    struct run_snapshots snap;
};

static const char *const image_roles[] = { "kernel", "initrd", "bios", "machine" };
#define N_ROLES (sizeof image_roles / sizeof image_roles[0])

static int role_index(const char *role, size_t len)
{
    for (size_t i = 0; i < N_ROLES; i++)
        if (strlen(image_roles[i]) == len && strncmp(role, image_roles[i], len) == 0)
            return (int)i;
    return -1;
}

/* One option with its value; 0, or the usage status. */
static int take_replay_option(struct replay_args *a, const char *opt, const char *val)
{
    struct { const char *name; const char **dest; } paths[] = {
        { "-symbols", &a->symbols }, { "-serial", &a->serial }, { "-D", &a->log_file },
        { "-dump-state", &a->dump_state }, { "-inject-hcall", &a->inject },
        { "-shard", &a->shard }, { "-snapshot-dir", &a->snapshot_dir },
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (strcmp(opt, paths[i].name) == 0) {
            *paths[i].dest = val;
            return 0;
        }
    struct { const char *name; uint64_t *dest; } counts[] = {
        { "-until", &a->until }, { "-log-from", &a->log_from }, { "-log-to", &a->log_to },
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (strcmp(opt, counts[i].name) == 0) {
            if (!cli_parse_u64(val, counts[i].dest))
                return cli_usage_error("replay", cmd_replay_usage, "-%s: '%s' is not an icount", opt, val);
            return 0;
        }
    int rc = run_snapshot_option(&a->snap, opt, val, "replay", cmd_replay_usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (strcmp(opt, "-context") == 0) {
        uint64_t n;
        if (!cli_parse_u64(val, &n) || n > 64)
            return cli_usage_error("replay", cmd_replay_usage, "--context: '%s' is not 0 to 64", val);
        a->context = (unsigned)n;
    } else if (strcmp(opt, "-keyframes") == 0) {
        uint64_t n;
        if (!cli_parse_u64(val, &n) || n < 1 || n > KEYFRAME_MAX_WORKERS)
            return cli_usage_error("replay", cmd_replay_usage, "--keyframes: '%s' is not 1 to %d workers", val,
                                   KEYFRAME_MAX_WORKERS);
        a->keyframes = (unsigned)n;
    } else if (strcmp(opt, "-d") == 0) {
        if (strcmp(val, "exec") != 0)
            return cli_usage_error("replay", cmd_replay_usage, "-d: unknown log item '%s' (known: exec)", val);
        a->log_exec = true;
    } else if (strcmp(opt, "-image") == 0) {
        const char *eq = strchr(val, '=');
        int role = eq ? role_index(val, (size_t)(eq - val)) : -1;
        if (role < 0 || !eq[1])
            return cli_usage_error("replay", cmd_replay_usage,
                                   "--image: '%s' is not ROLE=PATH with ROLE kernel, initrd, bios or machine", val);
        a->image_override[role] = eq + 1;
    } else {
        return cli_usage_error("replay", cmd_replay_usage, "unknown option '%s'", opt);
    }
    return 0;
}

static int parse_replay_args(int argc, char **argv, struct replay_args *a)
{
    a->context = 8;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0) {
            fputs(cmd_replay_usage, stdout);
            return -1;
        }
        if (strcmp(opt, "--check") == 0 || strcmp(opt, "--tolerant") == 0) {
            *(opt[2] == 'c' ? &a->check : &a->tolerant) = true;
            continue;
        }
        if (opt[0] != '-') {
            if (a->trace)
                return cli_usage_error("replay", cmd_replay_usage, "unexpected argument '%s'", opt);
            a->trace = opt;
            continue;
        }
        if (opt[1] == '-')
            opt++;                  /* --until and -until alike */
        if (i + 1 >= argc)
            return cli_usage_error("replay", cmd_replay_usage, "option '%s' needs a value", argv[i]);
        int rc = take_replay_option(a, opt, argv[++i]);
        if (rc)
            return rc;
    }
    if (!a->trace)
        return cli_usage_error("replay", cmd_replay_usage, "missing TRACE");
    if ((a->log_file || a->log_from || a->log_to) && !a->log_exec)
        return cli_usage_error("replay", cmd_replay_usage, "-D, --log-from and --log-to need -d exec");
    if (a->log_to && a->log_to <= a->log_from)
        return cli_usage_error("replay", cmd_replay_usage, "--log-to must be after --log-from");
    if (a->tolerant && a->snap.restore)
        return cli_usage_error("replay", cmd_replay_usage, "--tolerant cannot start from a snapshot (--restore)");
    if (!a->keyframes && (a->shard || a->snapshot_dir))
        return cli_usage_error("replay", cmd_replay_usage, "--shard and --snapshot-dir go with --keyframes");
    /* Segments run side by side from the trace's own snapshots: what one
     * replay would write or start from is not theirs to share. */
    if (a->keyframes && (a->tolerant || a->until || a->snap.restore || a->snap.n_at || a->snap.every ||
                         a->log_exec || a->dump_state || a->serial))
        return cli_usage_error("replay", cmd_replay_usage, "--keyframes does not go with --tolerant, --until, "
                               "--restore, --snapshot-at/-every, -d, -dump-state or -serial");
    return 0;
}

/* The machine's options as `ppcrr record` parsed them from the header's
 * command line; 0, or a message in ERR. */
static int options_from_header(const Ppcrr__Header *h, struct run_options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->mode = MODE_RECORD;
    o->usage = "";
    o->cmd_name = "record";
    if (h->n_command_line < 1 || strcmp(h->command_line[0], "record") != 0) {
        snprintf(err, errlen, "the trace's command line is not a `ppcrr record` one");
        return -1;
    }
    /* The parser says what it does not know on stderr itself. */
    if (run_options_parse((int)h->n_command_line, h->command_line, o) != 0) {
        snprintf(err, errlen, "the trace's command line cannot be parsed by this ppcrr");
        return -1;
    }
    return 0;
}

/* The image field of the options for ROLE. */
static const char **image_slot(struct run_options *o, int role)
{
    const char **slots[] = { &o->cfg.kernel, &o->cfg.initrd, &o->cfg.bios, &o->cfg.machine_file };
    return slots[role];
}

/* Every image the recorded command line uses must be named once in the
 * header, be where the replay takes it from, and have the recorded
 * sha256: a trace decides nothing about which host files are read. */
static int check_images(const Ppcrr__Header *h, const struct replay_args *a, struct run_options *o, char *err,
                        size_t errlen)
{
    bool seen[N_ROLES] = { false };
    for (size_t i = 0; i < h->n_image; i++) {
        const Ppcrr__Image *im = h->image[i];
        int role = role_index(im->name, strlen(im->name));
        if (role < 0 || seen[role] || !*image_slot(o, role)) {
            snprintf(err, errlen, "the trace's image '%s' is %s", im->name,
                     role < 0 ? "of no kind this ppcrr knows" : seen[role] ? "named twice"
                                                               : "not used by its command line");
            return -1;
        }
        seen[role] = true;
        const char *path = a->image_override[role] ? a->image_override[role] : im->path;
        *image_slot(o, role) = path;
        /* Segments of one trace share its images: hashed once, before the
         * workers start (a Linux kernel is tens of megabytes). */
        if (a->images_verified)
            continue;
        uint8_t digest[SHA256_DIGEST_SIZE];
        if (sha256_file(path, digest) < 0) {
            snprintf(err, errlen, "the %s image %s is missing: %s (give it with --image %s=PATH)", im->name, path,
                     strerror(errno), im->name);
            return -1;
        }
        if (im->sha256.len != SHA256_DIGEST_SIZE || memcmp(digest, im->sha256.data, SHA256_DIGEST_SIZE) != 0) {
            char have[2 * SHA256_DIGEST_SIZE + 1], want[2 * SHA256_DIGEST_SIZE + 1] = "?";
            sha256_hex(digest, have);
            if (im->sha256.len == SHA256_DIGEST_SIZE)
                sha256_hex(im->sha256.data, want);
            snprintf(err, errlen, "the %s image %s has sha256 %s, but the trace was recorded with %s", im->name,
                     path, have, want);
            return -1;
        }
    }
    for (size_t role = 0; role < N_ROLES; role++) {
        if (*image_slot(o, (int)role) && !seen[role]) {
            snprintf(err, errlen, "the trace's command line loads a %s image the header does not describe",
                     image_roles[role]);
            return -1;
        }
        if (a->image_override[role] && !seen[role]) {
            snprintf(err, errlen, "--image %s=...: the trace has no %s image", image_roles[role], image_roles[role]);
            return -1;
        }
    }
    return 0;
}

/* The recorded NVRAM contents into a temporary file for the NVRAM device
 * to open, as it opened the -nvram file when recording. */
static int nvram_from_trace(struct replayer *r, char *path, size_t len, char *err, size_t errlen)
{
    const ProtobufCBinaryData *data = replayer_initial_input(r, "nvram");
    if (!data) {
        snprintf(err, errlen, "the trace was recorded with -nvram but holds no NVRAM contents");
        return -1;
    }
    snprintf(path, len, "%s/ppcrr-replay-nvram-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    bool ok = fd >= 0 && write(fd, data->data, data->len) == (ssize_t)data->len;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "cannot write a temporary NVRAM file %s: %s", path, strerror(errno));
        if (fd >= 0)
            unlink(path);
        path[0] = 0;
        return -1;
    }
    return 0;
}

/* A file name for the tolerant replay's own trace. */
static int tolerant_trace_path(char *path, size_t len)
{
    snprintf(path, len, "%s/ppcrr-replay-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        path[0] = 0;
        return -1;
    }
    close(fd);
    return 0;
}

struct replay_session {
    struct replayer *r;
    const char *inject;
    const char *trace;
    uint64_t until;
    /* --tolerant: what the guest produces, recorded to diff afterwards. */
    struct recorder *rec;
    char produced[4096];
};

static int replay_attach(void *ctx, struct machine *m, char *err, size_t errlen)
{
    struct replay_session *rs = ctx;
    if (rs->produced[0]) {
        struct recorder_options ro = { .path = rs->produced, .no_host_time = true };
        if (!(rs->rec = recorder_attach(m, &ro, err, errlen)))
            return -1;
    }
    return replayer_attach(rs->r, m, err, errlen);
}

static int replay_start(void *ctx, struct machine *m, char *err, size_t errlen)
{
    struct replay_session *rs = ctx;
    if (rs->inject && hcall_inject(m, rs->inject, err, errlen) < 0)
        return -1;
    if (rs->rec) {
        const Ppcrr__Header *h = replayer_header(rs->r);
        struct recorder_info info = { ppcrr_version(), ppcrr_build_id(), (int)h->n_command_line,
                                      h->command_line, NULL };
        if (recorder_start(rs->rec, &info, err, errlen) < 0)
            return -1;
    }
    return replayer_start(rs->r, m, err, errlen);
}

/* The guest's own exit status does not matter here: only whether the
 * replay matched. */
static int replay_finish(void *ctx, struct machine *m, int status)
{
    struct replay_session *rs = ctx;
    (void)status;
    if (!rs->rec)
        return replayer_finish(rs->r, m);
    char err[768];
    struct recorder *rec = rs->rec;
    rs->rec = NULL;
    if (recorder_finish(rec, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: %s\n", err);
        return REPLAY_EXIT_CANNOT;
    }
    struct trace_diff_options d = { 3, 100000, "the trace", "this replay", rs->until };
    int rc = trace_diff(rs->trace, rs->produced, &d, stderr, stderr);
    return rc == 2 ? REPLAY_EXIT_CANNOT : rc;
}

static void replay_abandon(void *ctx)
{
    struct replay_session *rs = ctx;
    if (rs->rec)
        recorder_abandon(rs->rec);
    rs->rec = NULL;
}

/* Everything before the guest runs; returns the exit status, or -1 to go on. */
static int replay_prepare(const struct replay_args *a, struct replayer *r, struct run_options *o,
                          char *nvram_path, size_t nvram_len)
{
    char err[768];
    const Ppcrr__Header *h = replayer_header(r);
    if (options_from_header(h, o, err, sizeof err) < 0 || check_images(h, a, o, err, sizeof err) < 0 ||
        (o->cfg.nvram && nvram_from_trace(r, nvram_path, nvram_len, err, sizeof err) < 0)) {
        fprintf(stderr, "ppcrr: %s: %s\n", a->trace, err);
        return REPLAY_EXIT_CANNOT;
    }
    if (h->restored_from && h->restored_from[0] && !a->snap.restore) {
        fprintf(stderr, "ppcrr: %s: the trace was recorded from the snapshot %s: replay it with --restore %s\n",
                a->trace, h->restored_from, h->restored_from);
        return REPLAY_EXIT_CANNOT;
    }
    if (o->cfg.nvram)
        o->cfg.nvram = nvram_path;
    /* The recorded command line's own snapshot options are the recording's
     * business: this replay saves and restores what it is told to. */
    o->snap = a->snap;
    o->argc = (int)h->n_command_line;
    o->argv = h->command_line;
    o->mode = MODE_RUN;
    o->trace = NULL;
    o->cfg.serial = a->serial ? a->serial : "null";
    o->cfg.checkpoint_interval = h->checkpoint_interval;
    o->cfg.rtc_fixed = false;          /* the clock comes from the trace */
    o->log_exec = a->log_exec;
    o->log_file = a->log_file;
    o->cfg.exec_log_from = a->log_from;
    o->cfg.exec_log_to = a->log_to;
    o->dump_state = a->dump_state;
    o->dumpdtb = NULL;
    if (a->until && (!o->cfg.max_insns || a->until < o->cfg.max_insns))
        o->cfg.max_insns = a->until;
    return -1;
}

/* One replay of A's trace (or of one segment of it): the exit status. */
static int replay_trace(const struct replay_args *ap)
{
    struct replay_args a = *ap;
    int rc;
    struct trace_error terr;
    struct trace_symbols *syms = NULL;
    if (a.symbols && !(syms = trace_symbols_load(a.symbols, &terr))) {
        fprintf(stderr, "ppcrr: %s\n", terr.msg);
        return a.check ? BISECT_SKIP : REPLAY_EXIT_CANNOT;
    }
    struct replayer_options ro = { .until = a.until, .context = a.context, .symbols = syms, .report = stderr,
                                   .tolerant = a.tolerant, .to_keyframe = a.to_keyframe,
                                   .keyframe_icount = a.keyframe_icount };
    struct replayer *r = replayer_open(a.trace, &ro, &terr);
    if (!r) {
        fprintf(stderr, "ppcrr: %s\n", terr.msg);
        trace_symbols_free(syms);
        return a.check ? BISECT_SKIP : REPLAY_EXIT_CANNOT;
    }
    struct run_options o;
    char nvram_path[4096] = "";
    rc = replay_prepare(&a, r, &o, nvram_path, sizeof nvram_path);
    if (rc < 0) {
        static struct replay_session rs;
        rs = (struct replay_session){ .r = r, .inject = a.inject, .trace = a.trace, .until = a.until };
        if (a.tolerant && tolerant_trace_path(rs.produced, sizeof rs.produced) < 0) {
            fprintf(stderr, "ppcrr: cannot make a temporary trace: %s\n", strerror(errno));
            rc = REPLAY_EXIT_CANNOT;
        } else {
            const struct run_hooks hooks = { replay_attach, replay_start, replay_finish, replay_abandon, &rs };
            rc = run_session(&o, &hooks);
        }
        if (rs.produced[0])
            unlink(rs.produced);
    }
    if (nvram_path[0])
        unlink(nvram_path);
    replayer_close(r);
    trace_symbols_free(syms);
    if (a.check && rc == REPLAY_EXIT_CANNOT)
        rc = BISECT_SKIP;
    return rc;
}

/* The images A's trace names are there and have their recorded sha256:
 * 0, or the status to exit with (message printed). */
static int verify_images(const struct replay_args *a)
{
    struct trace_error terr;
    struct trace_reader *t = trace_reader_open(a->trace, &terr);
    if (!t) {
        fprintf(stderr, "ppcrr: %s\n", terr.msg);
        return REPLAY_EXIT_CANNOT;
    }
    struct run_options o;
    char err[768];
    int rc = 0;
    const Ppcrr__Header *h = trace_reader_header(t);
    if (options_from_header(h, &o, err, sizeof err) < 0 || check_images(h, a, &o, err, sizeof err) < 0) {
        fprintf(stderr, "ppcrr: %s: %s\n", a->trace, err);
        rc = REPLAY_EXIT_CANNOT;
    }
    trace_reader_close(t);
    return rc;
}

/* In a worker process: SEG of the trace, from its snapshot (or the boot)
 * to its end keyframe (or the trace's end), with its share of
 * --inject-hcall. */
static int replay_segment(void *ctx, const struct keyframe_segment *seg)
{
    struct replay_args a = *(const struct replay_args *)ctx;
    a.keyframes = 0;
    a.check = false;                    /* the pool maps the statuses */
    a.snap.restore = seg->snapshot;
    a.to_keyframe = seg->has_end;
    a.keyframe_icount = seg->end;
    a.inject = seg->inject;
    return replay_trace(&a);
}

int cmd_replay(const struct cli_command *self, int argc, char **argv)
{
    (void)self;
    struct replay_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_replay_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!a.keyframes)
        return replay_trace(&a);
    if ((rc = verify_images(&a)) != 0)
        return a.check ? BISECT_SKIP : rc;
    a.images_verified = true;
    struct keyframe_replay k = { a.trace, a.snapshot_dir, a.inject, a.shard, a.keyframes, replay_segment, &a };
    rc = replay_keyframes(&k);
    if (a.check && rc == REPLAY_EXIT_CANNOT)
        rc = BISECT_SKIP;
    return rc;
}
