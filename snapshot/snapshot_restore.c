/*
 * Restoring a snapshot (snapshot_file.h) into a machine freshly built
 * from the same command line.
 *
 * First the machine description: vCPUs, RAM, the page table's size, each
 * image by sha256 and the guest's device tree must be the snapshot's, and
 * the first that is not is named. Then every part of the machine's walk
 * (emu/snapshot.h) takes its fields from the snapshot's part of the same
 * name and a version it reads (its own, or for a device one down to its
 * state_min_version: an older layout, lacking fields added since): by
 * name for id 0, else by id and occurrence. A field
 * the snapshot lacks keeps the fresh machine's value (a newer build added
 * it, and its reset value must be what older builds implied); a field or
 * part the snapshot has and this machine does not is refused, since its
 * state would be lost; so is a length that differs. Then RAM and the page
 * table, zero except for the runs saved. Last, when the same build saved
 * it, the state digest is taken again and compared with the one saved: a
 * walk that saves something it does not restore shows there.
 */
#include "snapshot/snapshot_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/machine.h"
#include "emu/snapshot.h"
#include "snapshot/snapshot_images.h"

#define MAX_FIELD_ID 256u           /* ids per part are small: a table counts them */

struct loader {
    struct snapshot_walker w;
    const Ppcrr__Snapshot *s;
    const char *file;
    struct trace_error *err;
    bool failed;
    bool *part_used;                /* per snapshot part */
    const Ppcrr__SnapshotPart *part; /* the snapshot's part being loaded, or NULL */
    bool *field_used;               /* per field of it */
    uint32_t *field_occ;            /* each field's occurrence of its id */
    size_t cursor;
    uint32_t occ[MAX_FIELD_ID];     /* occurrences seen so far in the live walk */
};

static void fail(struct loader *l, const char *fmt, const char *a, const char *b, unsigned long long x,
                 unsigned long long y)
{
    if (l->failed)
        return;
    char what[480];
    snprintf(what, sizeof what, fmt, a, b, x, y);
    trace_error_set(l->err, "%s: %s", l->file, what);
    l->failed = true;
}

/* The part just loaded must have no field left over. */
static void end_part(struct loader *l)
{
    const Ppcrr__SnapshotPart *p = l->part;
    for (size_t i = 0; p && i < p->n_field && !l->failed; i++)
        if (!l->field_used[i]) {
            char what[160];
            if (p->field[i]->id == STATE_ID_BY_NAME)
                snprintf(what, sizeof what, "%s", p->field[i]->name);
            else
                snprintf(what, sizeof what, "id %u #%u", p->field[i]->id, l->field_occ[i]);
            fail(l, "part %s: field %s is not known to this ppcrr (its state would be lost)", p->name, what, 0, 0);
        }
    free(l->field_used);
    free(l->field_occ);
    l->field_used = NULL;
    l->field_occ = NULL;
    l->part = NULL;
}

static void load_part(struct snapshot_walker *w, const char *name, uint32_t version)
{
    struct loader *l = (struct loader *)w;
    end_part(l);
    if (l->failed)
        return;
    const Ppcrr__SnapshotPart *p = NULL;
    for (size_t i = 0; i < l->s->n_part && !p; i++)
        if (!l->part_used[i] && strcmp(l->s->part[i]->name, name) == 0) {
            p = l->s->part[i];
            l->part_used[i] = true;
        }
    if (!p) {
        fail(l, "the snapshot has no part %s%s (this machine has it)", name, "", 0, 0);
        return;
    }
    if (p->version > version || p->version < w->min_version) {
        /* A device reads a range of versions (emu/device.h). */
        char what[480];
        if (w->min_version < version)
            snprintf(what, sizeof what, "part %s is version %llu in the snapshot; this ppcrr reads versions %u to %u",
                     name, (unsigned long long)p->version, w->min_version, version);
        else
            snprintf(what, sizeof what, "part %s is version %llu in the snapshot; this ppcrr reads version %u", name,
                     (unsigned long long)p->version, version);
        fail(l, "%s%s", what, "", 0, 0);
        return;
    }
    l->part = p;
    l->cursor = 0;
    memset(l->occ, 0, sizeof l->occ);
    l->field_used = calloc(p->n_field + 1, sizeof *l->field_used);
    l->field_occ = calloc(p->n_field + 1, sizeof *l->field_occ);
    if (!l->field_used || !l->field_occ) {
        fail(l, "out of memory%s%s", "", "", 0, 0);
        return;
    }
    uint32_t seen[MAX_FIELD_ID] = { 0 };
    for (size_t i = 0; i < p->n_field; i++) {
        uint32_t id = p->field[i]->id;
        if (id >= MAX_FIELD_ID) {
            fail(l, "part %s%s: field id %llu is out of range (corrupted)", name, "", id, 0);
            return;
        }
        l->field_occ[i] = seen[id]++;
    }
}

static bool field_matches(const struct loader *l, size_t i, uint32_t id, const char *name, uint32_t occ)
{
    const Ppcrr__SnapshotField *f = l->part->field[i];
    return !l->field_used[i] && f->id == id &&
           (id == STATE_ID_BY_NAME ? strcmp(f->name, name) == 0 : l->field_occ[i] == occ);
}

static void load_field(struct state_visitor *v, uint32_t id, const char *name, void *data, size_t len)
{
    struct loader *l = (struct loader *)v;
    if (l->failed || !l->part || id >= MAX_FIELD_ID)
        return;
    uint32_t occ = l->occ[id]++;
    const Ppcrr__SnapshotPart *p = l->part;
    size_t found = p->n_field;
    /* Walks are ordered: the next field is almost always the one. */
    if (l->cursor < p->n_field && field_matches(l, l->cursor, id, name, occ))
        found = l->cursor;
    for (size_t i = 0; found == p->n_field && i < p->n_field; i++)
        if (field_matches(l, i, id, name, occ))
            found = i;
    if (found == p->n_field)
        return;                     /* not in the snapshot: keeps the fresh machine's value */
    const Ppcrr__SnapshotField *f = p->field[found];
    if (f->data.len != len) {
        char what[160];
        snprintf(what, sizeof what, "%s (id %u, #%u)", name, id, occ);
        fail(l, "part %s: field %s has %llu bytes in the snapshot, %llu here", p->name, what, f->data.len, len);
        return;
    }
    if (len)
        memcpy(data, f->data.data, len);
    l->field_used[found] = true;
    l->cursor = found + 1;
}

/* ---- the machine description ------------------------------------------- */

static int check_images(struct machine *m, const Ppcrr__SnapshotHeader *h, const char *file,
                        struct trace_error *err)
{
    struct snapshot_images im;
    if (snapshot_images_collect(m, &im, err) < 0)
        return -1;
    static const char *const roles[] = { "kernel", "initrd", "bios", "machine" };
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        const Ppcrr__SnapshotImage *saved = NULL, *here = NULL;
        for (size_t i = 0; i < h->n_image; i++)
            if (strcmp(h->image[i]->name, roles[r]) == 0)
                saved = h->image[i];
        for (size_t i = 0; i < im.n; i++)
            if (strcmp(im.ptr[i]->name, roles[r]) == 0)
                here = im.ptr[i];
        if (!saved && !here)
            continue;
        char want[2 * SHA256_DIGEST_SIZE + 1] = "?", have[2 * SHA256_DIGEST_SIZE + 1] = "";
        if (saved && saved->sha256.len == SHA256_DIGEST_SIZE)
            sha256_hex(saved->sha256.data, want);
        if (here)
            sha256_hex(here->sha256.data, have);
        if (!saved || !here || strcmp(want, have) != 0) {
            trace_error_set(err, "%s: the %s image differs: the snapshot was taken with %s%s%s%s, this machine "
                            "loads %s%s%s%s", file, roles[r],
                            saved ? saved->path : "none", saved ? " (sha256 " : "", saved ? want : "",
                            saved ? ")" : "", here ? here->path : "none", here ? " (sha256 " : "",
                            here ? have : "", here ? ")" : "");
            return -1;
        }
    }
    return 0;
}

static int check_machine(struct machine *m, const Ppcrr__SnapshotHeader *h, const char *file,
                         struct trace_error *err)
{
    if (h->vcpus != m->ncpus) {
        trace_error_set(err, "%s: the snapshot is of a machine with %u vCPUs, this one has %u (-smp)", file,
                        h->vcpus, m->ncpus);
        return -1;
    }
    if (h->ram_size != m->mem.ram_size) {
        trace_error_set(err, "%s: the snapshot is of a machine with %llu MiB of RAM, this one has %llu MiB (-m)",
                        file, (unsigned long long)(h->ram_size >> 20), (unsigned long long)(m->mem.ram_size >> 20));
        return -1;
    }
    if (h->hpt_shift != m->hpt.shift || h->timebase_frequency != CPU_TB_FREQ || h->page_size != GUEST_PAGE_SIZE) {
        trace_error_set(err, "%s: the snapshot's page table (2^%u bytes), timebase (%llu Hz) or page size (%u) "
                        "is not this machine's (2^%u, %llu, %llu)", file, h->hpt_shift,
                        (unsigned long long)h->timebase_frequency, h->page_size, m->hpt.shift,
                        (unsigned long long)CPU_TB_FREQ, (unsigned long long)GUEST_PAGE_SIZE);
        return -1;
    }
    if (check_images(m, h, file, err) < 0)
        return -1;
    if (h->device_tree.len != m->guest_fdt_size ||
        (m->guest_fdt_size && memcmp(h->device_tree.data, m->guest_fdt, m->guest_fdt_size) != 0)) {
        size_t at = 0, n = h->device_tree.len < m->guest_fdt_size ? h->device_tree.len : m->guest_fdt_size;
        while (at < n && h->device_tree.data[at] == ((const uint8_t *)m->guest_fdt)[at])
            at++;
        trace_error_set(err, "%s: the guest's device tree differs from the snapshot's (%llu bytes here, %zu in the "
                        "snapshot, first difference at byte %zu): compare `ppcrr run -dumpdtb` (other -append, "
                        "-machine, -initrd?)", file, (unsigned long long)m->guest_fdt_size, h->device_tree.len, at);
        return -1;
    }
    return 0;
}

/* ---- RAM and the page table ---------------------------------------------- */

static void apply_runs(struct machine *m, const Ppcrr__Snapshot *s)
{
    for (size_t i = 0; i < s->n_ram; i++)
        memcpy(m->mem.ram + (s->ram[i]->first_page << GUEST_PAGE_SHIFT), s->ram[i]->data.data, s->ram[i]->data.len);
    for (size_t i = 0; i < s->n_hpt; i++)
        memcpy(&m->hpt.hpte[s->hpt[i]->first], s->hpt[i]->data.data, s->hpt[i]->data.len);
}

/* Zero what the fresh machine wrote (images, tree), page by page: reading
 * a page never touched costs nothing, clearing all of RAM would touch it all. */
static void clear_memory(struct machine *m)
{
    static const uint8_t zero[GUEST_PAGE_SIZE];
    uint64_t pages = m->mem.ram_size >> GUEST_PAGE_SHIFT;
    for (uint64_t p = 0; p < pages; p++) {
        uint8_t *page = m->mem.ram + (p << GUEST_PAGE_SHIFT);
        if (memcmp(page, zero, GUEST_PAGE_SIZE) != 0)
            memset(page, 0, GUEST_PAGE_SIZE);
    }
    if (m->hpt.hpte)
        memset(m->hpt.hpte, 0, m->hpt.n_hptes * sizeof m->hpt.hpte[0]);
}

static int load_state(struct machine *m, struct snapshot_reader *r, struct trace_error *err)
{
    const Ppcrr__Snapshot *s = snapshot_reader_first(r);
    const char *file = snapshot_reader_name(r);
    struct loader l = { { { load_field, false }, load_part, 0 }, s, file, err, false, calloc(s->n_part + 1, sizeof(bool)),
                        NULL, NULL, NULL, 0, { 0 } };
    if (!l.part_used) {
        trace_error_set(err, "%s: out of memory", file);
        return -1;
    }
    machine_snapshot_walk(m, &l.w);
    end_part(&l);
    for (size_t i = 0; i < s->n_part && !l.failed; i++)
        if (!l.part_used[i])
            fail(&l, "the snapshot has part %s%s, which this machine does not have", s->part[i]->name, "", 0, 0);
    free(l.part_used);
    char why[300];
    if (!l.failed && machine_snapshot_check(m, why, sizeof why) < 0)
        fail(&l, "%s%s (corrupted)", why, "", 0, 0);
    return l.failed ? -1 : 0;
}

int snapshot_restore(struct machine *m, const char *path, const char *build_id, struct trace_error *err)
{
    struct snapshot_reader *r = snapshot_reader_open(path, err);
    if (!r)
        return -1;
    const Ppcrr__SnapshotHeader *h = snapshot_reader_first(r)->header;
    int rc = -1;
    if (check_machine(m, h, path, err) < 0 || load_state(m, r, err) < 0)
        goto out;
    clear_memory(m);
    apply_runs(m, snapshot_reader_first(r));
    const Ppcrr__Snapshot *frame;
    uint64_t off;
    while ((rc = snapshot_reader_next(r, &frame, &off, err)) == 1)
        apply_runs(m, frame);
    if (rc < 0)
        goto out;
    /* The checkpoint schedule belongs to the run's options: restored into
     * a run with another interval, it starts over from here. */
    if (h->checkpoint_interval != m->cfg.checkpoint_interval) {
        uint64_t n = m->cfg.checkpoint_interval, now = machine_icount(m);
        m->next_checkpoint = n ? (now / n + 1) * n : 0;
        m->last_checkpoint = UINT64_MAX;
    }
    machine_snapshot_restored(m);
    if (m->ram_digest.page_hash && h->digest.len == CHECKPOINT_DIGEST_SIZE && build_id &&
        strcmp(build_id, h->build_id) == 0) {
        uint8_t digest[CHECKPOINT_DIGEST_SIZE];
        checkpoint_digest(m, digest);
        for (unsigned p = 0; p < CHECKPOINT_PARTS; p++)
            if (memcmp(digest + 8 * p, h->digest.data + 8 * p, 8) != 0) {
                trace_error_set(err, "%s: restored, the %s differs from its digest when saved (a state walk "
                                "that does not restore what it saves?)", path, checkpoint_part_names[p]);
                rc = -1;
                goto out;
            }
    }
    rc = 0;
out:
    snapshot_reader_close(r);
    return rc;
}
