/*
 * The recorder (recorder.h): turns each event of the hook into a trace
 * Event (event_convert.h) and appends it. Names (MMIO regions, IRQ lines,
 * RTAS tokens, input sources) become string-table indexes; arrays are
 * handed to protobuf-c in place, so an event costs one pack into the chunk
 * buffer and no copy.
 */
#include "record/recorder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/machine.h"
#include "record/event_convert.h"
#include "hcall/hcall_meta.h"
#include "traces/sha256.h"

struct recorder {
    struct machine *m;
    struct trace_writer *w;
    bool no_host_time;
    bool failed;
    struct trace_error error;
};

/* The first write error ends the run: a trace with a hole in it would
 * replay as a divergence that never happened. */
static void recorder_failed(struct recorder *r, const struct trace_error *err)
{
    if (r->failed)
        return;
    r->failed = true;
    r->error = *err;
    char msg[sizeof r->error.msg + 32];
    snprintf(msg, sizeof msg, "recording failed: %s", err->msg);
    machine_request_exit(r->m, EXIT_ERROR, 1, msg);
}

static uint32_t writer_intern(void *ctx, const char *name)
{
    return trace_writer_intern(ctx, name);
}

static void recorder_observe(void *opaque, const struct event *e)
{
    struct recorder *r = opaque;
    Ppcrr__Event ev;
    struct record_event_storage storage;
    if (r->failed || !record_event_convert(e, &ev, &storage, writer_intern, r->w))
        return;
    if (r->no_host_time && ev.kind_case == PPCRR__EVENT__KIND_HCALL)
        storage.hcall.host_ns = 0;
    struct trace_error err;
    if (trace_writer_append(r->w, e->icount, &ev, &err) < 0)
        recorder_failed(r, &err);
}

struct recorder *recorder_attach(struct machine *m, const struct recorder_options *options, char *err,
                                 size_t errlen)
{
    struct recorder *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    struct trace_error terr;
    r->m = m;
    r->no_host_time = options->no_host_time;
    r->w = trace_writer_create(options->path, &options->writer, &terr);
    if (!r->w) {
        snprintf(err, errlen, "%s", terr.msg);
        free(r);
        return NULL;
    }
    if (event_observe(&m->events, recorder_observe, r) < 0) {
        snprintf(err, errlen, "too many observers on the event hook");
        trace_writer_abandon(r->w);
        free(r);
        return NULL;
    }
    return r;
}

/* -kernel, -initrd, -bios and -machine FILE, in that order, as given. */
static size_t collect_images(const struct machine *m, Ppcrr__Image *images, Ppcrr__Image **ptrs,
                             uint8_t digests[][SHA256_DIGEST_SIZE], char *err, size_t errlen)
{
    const struct {
        const char *role;
        const char *path;
    } given[] = {
        { "kernel", m->cfg.kernel },
        { "initrd", m->cfg.initrd },
        { "bios", m->cfg.bios },
        { "machine", m->cfg.machine_file },
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
        if (!given[i].path)
            continue;
        FILE *f = fopen(given[i].path, "rb");
        long size = -1;
        if (f && fseek(f, 0, SEEK_END) == 0)
            size = ftell(f);
        if (f)
            fclose(f);
        if (size < 0 || sha256_file(given[i].path, digests[n]) < 0) {
            snprintf(err, errlen, "%s: cannot read the %s image to hash it: %s", given[i].path, given[i].role,
                     strerror(errno));
            return SIZE_MAX;
        }
        Ppcrr__Image *img = &images[n];
        ppcrr__image__init(img);
        img->name = (char *)given[i].role;
        img->path = (char *)given[i].path;
        img->size = (uint64_t)size;
        img->sha256.data = digests[n];
        img->sha256.len = SHA256_DIGEST_SIZE;
        ptrs[n] = img;
        n++;
    }
    return n;
}

/* The hcall and return-code names, so tools need no PAPR knowledge. */
static bool describe_hcalls(Ppcrr__Header *h)
{
    Ppcrr__HcallInfo *info = calloc(hcall_meta_count, sizeof *info);
    Ppcrr__NamedValue *codes = calloc(hcall_code_count, sizeof *codes);
    h->hcall_info = calloc(hcall_meta_count, sizeof *h->hcall_info);
    h->hcall_return = calloc(hcall_code_count, sizeof *h->hcall_return);
    if (!info || !codes || !h->hcall_info || !h->hcall_return) {
        free(info);
        free(codes);
        return false;
    }
    for (size_t i = 0; i < hcall_meta_count; i++) {
        ppcrr__hcall_info__init(&info[i]);
        info[i].opcode = hcall_meta_table[i].opcode;
        info[i].name = (char *)hcall_meta_table[i].name;
        info[i].args = (char *)hcall_meta_table[i].args;
        info[i].outputs = (char *)hcall_meta_table[i].outputs;
        h->hcall_info[i] = &info[i];
    }
    for (size_t i = 0; i < hcall_code_count; i++) {
        ppcrr__named_value__init(&codes[i]);
        codes[i].value = hcall_code_table[i].value;
        codes[i].name = (char *)hcall_code_table[i].name;
        h->hcall_return[i] = &codes[i];
    }
    h->n_hcall_info = hcall_meta_count;
    h->n_hcall_return = hcall_code_count;
    return true;
}

static void free_hcall_description(Ppcrr__Header *h)
{
    if (h->hcall_info)
        free(h->hcall_info[0]);
    if (h->hcall_return)
        free(h->hcall_return[0]);
    free(h->hcall_info);
    free(h->hcall_return);
}

int recorder_start(struct recorder *r, const struct recorder_info *info, char *err, size_t errlen)
{
    const struct machine *m = r->m;
    Ppcrr__Header h = PPCRR__HEADER__INIT;
    h.emulator_version = (char *)info->emulator_version;
    h.build_id = (char *)info->build_id;
    h.device_tree.data = m->guest_fdt;
    h.device_tree.len = m->guest_fdt_size;
    h.n_command_line = (size_t)info->argc;
    h.command_line = info->argv;
    h.timebase_frequency = CPU_TB_FREQ;
    h.vcpus = m->ncpus;
    h.checkpoint_interval = m->cfg.checkpoint_interval;
    h.restored_from = (char *)(info->restored_from ? info->restored_from : "");

    Ppcrr__Image images[4], *image_ptrs[4];
    uint8_t digests[4][SHA256_DIGEST_SIZE];
    size_t n = collect_images(m, images, image_ptrs, digests, err, errlen);
    if (n == SIZE_MAX)
        return -1;
    h.n_image = n;
    h.image = image_ptrs;
    if (!describe_hcalls(&h)) {
        free_hcall_description(&h);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct trace_error terr;
    int rc = trace_writer_start(r->w, &h, &terr);
    free_hcall_description(&h);
    if (rc < 0)
        snprintf(err, errlen, "%s", terr.msg);
    return rc;
}

int recorder_finish(struct recorder *r, char *err, size_t errlen)
{
    event_unobserve(&r->m->events, recorder_observe, r);
    struct trace_error terr;
    int rc = trace_writer_close(r->w, &terr);
    if (r->failed) {
        snprintf(err, errlen, "%s", r->error.msg);
        rc = -1;
    } else if (rc < 0) {
        snprintf(err, errlen, "%s", terr.msg);
    }
    free(r);
    return rc;
}

void recorder_abandon(struct recorder *r)
{
    event_unobserve(&r->m->events, recorder_observe, r);
    trace_writer_abandon(r->w);
    free(r);
}

const struct trace_writer_stats *recorder_stats(const struct recorder *r)
{
    return trace_writer_stats(r->w);
}
