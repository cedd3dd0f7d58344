/*
 * Writing snapshot files (snapshot_file.h, snapshot.proto): a signature
 * frame, a frame with the header and every state part, then the page
 * table's and RAM's non-zero runs in frames of at most a quarter of
 * SNAPSHOT_MAX_FRAME_CONTENT, then the end record. Field and page data
 * are handed to protobuf-c in place: nothing is copied but the packed
 * frame.
 */
#include "snapshot/snapshot_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "emu/machine.h"
#include "emu/snapshot.h"
#include "snapshot/snapshot_images.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "snapshot fields and page-table entries are stored as a little-endian host holds them"
#endif

#define RUN_BYTES_MAX (SNAPSHOT_MAX_FRAME_CONTENT / 4)
#define ZSTD_LEVEL 1            /* RAM is most of it: fast beats small here */

int snapshot_images_collect(const struct machine *m, struct snapshot_images *im, struct trace_error *err)
{
    const struct { const char *role, *path; } given[SNAPSHOT_MAX_IMAGES] = {
        { "kernel", m->cfg.kernel }, { "initrd", m->cfg.initrd },
        { "bios", m->cfg.bios }, { "machine", m->cfg.machine_file },
    };
    im->n = 0;
    for (size_t i = 0; i < SNAPSHOT_MAX_IMAGES; i++) {
        if (!given[i].path)
            continue;
        FILE *f = fopen(given[i].path, "rb");
        long size = -1;
        if (f && fseek(f, 0, SEEK_END) == 0)
            size = ftell(f);
        if (f)
            fclose(f);
        if (size < 0 || sha256_file(given[i].path, im->sha256[im->n]) < 0) {
            trace_error_set(err, "%s: cannot read the %s image to hash it: %s", given[i].path, given[i].role,
                            strerror(errno));
            return -1;
        }
        Ppcrr__SnapshotImage *img = &im->image[im->n];
        ppcrr__snapshot_image__init(img);
        img->name = (char *)given[i].role;
        img->path = (char *)given[i].path;
        img->size = (uint64_t)size;
        img->sha256.data = im->sha256[im->n];
        img->sha256.len = SHA256_DIGEST_SIZE;
        im->ptr[im->n] = img;
        im->n++;
    }
    return 0;
}

/* ---- collecting the parts ------------------------------------------------ */

struct collect {
    struct snapshot_walker w;
    Ppcrr__SnapshotPart **parts;
    size_t nparts;
    bool failed;
};

static Ppcrr__SnapshotPart *current_part(struct collect *c)
{
    return c->nparts ? c->parts[c->nparts - 1] : NULL;
}

static void collect_part(struct snapshot_walker *w, const char *name, uint32_t version)
{
    struct collect *c = (struct collect *)w;
    Ppcrr__SnapshotPart **more = realloc(c->parts, (c->nparts + 1) * sizeof *more);
    Ppcrr__SnapshotPart *p = calloc(1, sizeof *p);
    char *copy = strdup(name);
    if (!more || !p || !copy) {
        free(p);
        free(copy);
        if (more)
            c->parts = more;
        c->failed = true;
        return;
    }
    ppcrr__snapshot_part__init(p);
    p->name = copy;
    p->version = version;
    c->parts = more;
    c->parts[c->nparts++] = p;
}

static void collect_field(struct state_visitor *v, uint32_t id, const char *name, void *data, size_t len)
{
    struct collect *c = (struct collect *)v;
    Ppcrr__SnapshotPart *p = current_part(c);
    if (!p || c->failed)
        return;
    Ppcrr__SnapshotField **more = realloc(p->field, (p->n_field + 1) * sizeof *more);
    Ppcrr__SnapshotField *f = calloc(1, sizeof *f);
    if (!more || !f) {
        free(f);
        if (more)
            p->field = more;
        c->failed = true;
        return;
    }
    ppcrr__snapshot_field__init(f);
    f->id = id;
    f->name = id == STATE_ID_BY_NAME ? (char *)name : (char *)"";   /* ids need no name */
    f->data.data = data;
    f->data.len = len;
    p->field = more;
    p->field[p->n_field++] = f;
}

static void free_parts(struct collect *c)
{
    for (size_t i = 0; i < c->nparts; i++) {
        for (size_t j = 0; j < c->parts[i]->n_field; j++)
            free(c->parts[i]->field[j]);
        free(c->parts[i]->field);
        free(c->parts[i]->name);
        free(c->parts[i]);
    }
    free(c->parts);
}

/* ---- frames ------------------------------------------------------------------ */

struct writer {
    FILE *f;
    const char *path;
    unsigned frames;
    struct trace_error *err;
    bool failed;
};

static void write_frame(struct writer *w, const Ppcrr__Snapshot *s)
{
    if (w->failed)
        return;
    size_t len = ppcrr__snapshot__get_packed_size(s);
    size_t cap = ZSTD_compressBound(len);
    uint8_t *raw = malloc(len ? len : 1), *z = malloc(cap);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    size_t zlen = 0;
    if (raw && z && cctx) {
        ppcrr__snapshot__pack(s, raw);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
        zlen = ZSTD_compress2(cctx, z, cap, raw, len);
    }
    if (!raw || !z || !cctx || ZSTD_isError(zlen)) {
        trace_error_set(w->err, "%s: cannot compress a frame: %s", w->path,
                        cctx && raw && z ? ZSTD_getErrorName(zlen) : "out of memory");
        w->failed = true;
    } else if (len > SNAPSHOT_MAX_FRAME_CONTENT || fwrite(z, 1, zlen, w->f) != zlen) {
        trace_error_set(w->err, "%s: cannot write: %s", w->path,
                        len > SNAPSHOT_MAX_FRAME_CONTENT ? "a frame too large (a state part is too big)"
                                                         : strerror(errno));
        w->failed = true;
    }
    w->frames++;
    ZSTD_freeCCtx(cctx);
    free(raw);
    free(z);
}

static bool all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i])
            return false;
    return true;
}

/* Runs of non-zero UNIT-byte items of BASE[0..COUNT), packed into frames
 * of RamPages (ram) or HptEntries (!ram). Returns the items written. */
/* Runs of non-zero UNIT-byte items of BASE[0..COUNT), packed into frames
 * of RamPages (RAM) or HptEntries (the page table). Returns the items
 * written. */
enum { MAX_RUNS = 4096 };           /* per frame */

struct runs {
    Ppcrr__RamPages ram[MAX_RUNS], *ram_ptr[MAX_RUNS];
    Ppcrr__HptEntries hpt[MAX_RUNS], *hpt_ptr[MAX_RUNS];
};

static void add_run(struct runs *r, size_t n, bool ram, uint64_t first, ProtobufCBinaryData d)
{
    if (ram) {
        ppcrr__ram_pages__init(&r->ram[n]);
        r->ram[n].first_page = first;
        r->ram[n].data = d;
        r->ram_ptr[n] = &r->ram[n];
    } else {
        ppcrr__hpt_entries__init(&r->hpt[n]);
        r->hpt[n].first = first;
        r->hpt[n].data = d;
        r->hpt_ptr[n] = &r->hpt[n];
    }
}

static uint64_t write_runs(struct writer *w, uint8_t *base, uint64_t count, size_t unit, bool ram)
{
    uint64_t per_frame_items = RUN_BYTES_MAX / unit, written = 0, i = 0;
    struct runs *r = malloc(sizeof *r);
    if (!r && count) {
        trace_error_set(w->err, "%s: out of memory", w->path);
        w->failed = true;
    }
    while (r && i < count && !w->failed) {
        size_t nruns = 0;
        uint64_t in_frame = 0;
        while (i < count && nruns < MAX_RUNS && in_frame < per_frame_items) {
            if (all_zero(base + i * unit, unit)) {
                i++;
                continue;
            }
            uint64_t first = i;
            while (i < count && in_frame < per_frame_items && !all_zero(base + i * unit, unit)) {
                i++;
                in_frame++;
            }
            add_run(r, nruns++, ram, first, (ProtobufCBinaryData){ (size_t)((i - first) * unit), base + first * unit });
        }
        if (!nruns)
            break;
        Ppcrr__Snapshot s = PPCRR__SNAPSHOT__INIT;
        if (ram) {
            s.n_ram = nruns;
            s.ram = r->ram_ptr;
        } else {
            s.n_hpt = nruns;
            s.hpt = r->hpt_ptr;
        }
        write_frame(w, &s);
        written += in_frame;
    }
    free(r);
    return written;
}

static void write_signature(struct writer *w)
{
    uint8_t sig[8 + SNAPSHOT_SIGNATURE_LEN + 4];
    trace_put_le32(sig, SNAPSHOT_SIG_MAGIC);
    trace_put_le32(sig + 4, SNAPSHOT_SIGNATURE_LEN + 4);
    memcpy(sig + 8, SNAPSHOT_SIGNATURE, SNAPSHOT_SIGNATURE_LEN);
    trace_put_le32(sig + 8 + SNAPSHOT_SIGNATURE_LEN, SNAPSHOT_FORMAT_VERSION);
    if (fwrite(sig, 1, sizeof sig, w->f) != sizeof sig) {
        trace_error_set(w->err, "%s: cannot write: %s", w->path, strerror(errno));
        w->failed = true;
    }
}

static void write_state(struct writer *w, struct machine *m, const struct snapshot_info *info,
                        const struct snapshot_images *im, struct collect *c)
{
    Ppcrr__SnapshotHeader h = PPCRR__SNAPSHOT_HEADER__INIT;
    uint8_t digest[CHECKPOINT_DIGEST_SIZE];
    h.format_version = SNAPSHOT_FORMAT_VERSION;
    h.min_reader_version = SNAPSHOT_MIN_READER_VERSION;
    h.emulator_version = (char *)info->emulator_version;
    h.build_id = (char *)info->build_id;
    h.device_tree.data = m->guest_fdt;
    h.device_tree.len = m->guest_fdt_size;
    h.n_image = im->n;
    h.image = (Ppcrr__SnapshotImage **)im->ptr;
    h.n_command_line = (size_t)info->argc;
    h.command_line = info->argv;
    h.vcpus = m->ncpus;
    h.ram_size = m->mem.ram_size;
    h.timebase_frequency = CPU_TB_FREQ;
    h.icount = machine_icount(m);
    if (m->ram_digest.page_hash) {
        checkpoint_digest(m, digest);
        h.digest.data = digest;
        h.digest.len = sizeof digest;
    }
    h.page_size = GUEST_PAGE_SIZE;
    h.checkpoint_interval = m->cfg.checkpoint_interval;
    h.hpt_shift = m->hpt.shift;

    Ppcrr__Snapshot s = PPCRR__SNAPSHOT__INIT;
    s.header = &h;
    s.n_part = c->nparts;
    s.part = c->parts;
    write_frame(w, &s);
}

int snapshot_save(struct machine *m, const char *path, const struct snapshot_info *info,
                  struct trace_error *err)
{
    struct snapshot_images im;
    if (snapshot_images_collect(m, &im, err) < 0)
        return -1;
    struct collect c = { { { collect_field, false }, collect_part, 0 }, NULL, 0, false };
    machine_snapshot_walk(m, &c.w);
    if (c.failed) {
        free_parts(&c);
        trace_error_set(err, "%s: out of memory", path);
        return -1;
    }
    size_t tlen = strlen(path) + 8;
    char *tmp = malloc(tlen);
    struct writer w = { NULL, path, 0, err, false };
    if (tmp) {
        snprintf(tmp, tlen, "%s.part", path);
        w.f = fopen(tmp, "wb");
    }
    if (!w.f) {
        trace_error_set(err, "%s: cannot create: %s", tmp ? tmp : path, strerror(errno));
        free(tmp);
        free_parts(&c);
        return -1;
    }
    write_signature(&w);
    write_state(&w, m, info, &im, &c);
    free_parts(&c);
    Ppcrr__SnapshotEnd end = PPCRR__SNAPSHOT_END__INIT;
    if (m->hpt.hpte)
        end.hpt_entries = write_runs(&w, (uint8_t *)m->hpt.hpte, m->hpt.n_hptes, sizeof m->hpt.hpte[0], false);
    end.ram_pages = write_runs(&w, m->mem.ram, m->mem.ram_size >> GUEST_PAGE_SHIFT, GUEST_PAGE_SIZE, true);
    end.frames = w.frames;
    Ppcrr__Snapshot last = PPCRR__SNAPSHOT__INIT;
    last.end = &end;
    write_frame(&w, &last);
    if (fclose(w.f) != 0 && !w.failed) {
        trace_error_set(err, "%s: cannot write: %s", path, strerror(errno));
        w.failed = true;
    }
    if (!w.failed && rename(tmp, path) != 0) {
        trace_error_set(err, "%s: cannot rename %s into place: %s", path, tmp, strerror(errno));
        w.failed = true;
    }
    if (w.failed)
        remove(tmp);
    free(tmp);
    return w.failed ? -1 : 0;
}
