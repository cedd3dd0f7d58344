/*
 * `ppcrr harness snapshot-diff A B`: what differs between two snapshots of
 * the same machine, part by part and field by field, then RAM pages and
 * page-table entries. A checkpoint divergence says only which digest part
 * differs (device state, RAM...); restoring an earlier snapshot, running
 * to a later stored one's icount and diffing the two names the device and
 * the field (tests/migration/test_migration.sh does that).
 *
 * Fields are matched as the restore matches them (snapshot_restore.c):
 * by name for id 0, else by id and occurrence. Between two versions of a
 * part, a field only one has that holds its default (zero) is a field
 * added by the newer layout (emu/state.h, state_field_added): noted, not a
 * difference, as the restore would give it that value. Fields keyed by id carry no
 * name in the file, so they are shown by id: the device's state walk
 * (its STATE_FIELD lines) says which it is.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/hash64.h"
#include "emu/state.h"
#include "harness/cli.h"
#include "harness/harness.h"
#include "snapshot/snapshot_file.h"

#define MAX_SHOWN 20                /* RAM pages or page-table entries listed */

const char harness_snapshot_diff_usage[] =
    "usage: ppcrr harness snapshot-diff A.snap B.snap\n"
    "\n"
    "Prints what differs between two snapshots of the same machine: each state\n"
    "part (dev:PATH for a device) and field whose bytes differ or that only one\n"
    "has, then the RAM pages and page-table entries that differ.\n"
    "\n"
    "Exit status: 0 the same state; 1 they differ; 2 unreadable snapshot or\n"
    "usage error.\n";

/* Per-unit hashes of RAM pages or page-table entries, for the whole size. */
struct units {
    uint64_t *hash;
    uint64_t n, unit;
};

static bool units_init(struct units *u, uint64_t n, uint64_t unit)
{
    u->n = n;
    u->unit = unit;
    u->hash = calloc(n ? n : 1, sizeof *u->hash);
    if (!u->hash)
        return false;
    uint8_t *zero = calloc(1, unit);
    if (!zero)
        return false;
    uint64_t h = hash64(zero, unit, 0);
    free(zero);
    for (uint64_t i = 0; i < n; i++)
        u->hash[i] = h;
    return true;
}

static void units_add(struct units *u, uint64_t first, const uint8_t *data, size_t len)
{
    for (uint64_t i = 0; (i + 1) * u->unit <= len && first + i < u->n; i++)
        u->hash[first + i] = hash64(data + i * u->unit, u->unit, 0);
}

/* Reads the RAM and page-table frames of R into RAM and HPT. */
static int read_memory(struct snapshot_reader *r, const Ppcrr__SnapshotHeader *h, struct units *ram,
                       struct units *hpt, struct trace_error *err)
{
    uint64_t page = h->page_size ? h->page_size : 4096;
    uint64_t hpt_entries = h->hpt_shift ? (1ull << h->hpt_shift) / 16 : 0;
    if (!units_init(ram, h->ram_size / page, page) || !units_init(hpt, hpt_entries, 16)) {
        trace_error_set(err, "out of memory");
        return -1;
    }
    const Ppcrr__Snapshot *f = snapshot_reader_first(r);
    uint64_t offset;
    int rc = 1;
    while (rc == 1) {
        for (size_t i = 0; i < f->n_ram; i++)
            units_add(ram, f->ram[i]->first_page, f->ram[i]->data.data, f->ram[i]->data.len);
        for (size_t i = 0; i < f->n_hpt; i++)
            units_add(hpt, f->hpt[i]->first, f->hpt[i]->data.data, f->hpt[i]->data.len);
        rc = snapshot_reader_next(r, &f, &offset, err);
    }
    return rc;
}

/* Each field's occurrence of its id in P (parts with arrays, such as
 * XICS's sources, repeat ids thousands of times). NULL if out of memory. */
static unsigned *occurrences(const Ppcrr__SnapshotPart *p)
{
    unsigned *occ = calloc(p->n_field + 1, sizeof *occ);
    for (size_t i = 0; occ && i < p->n_field; i++) {
        uint32_t id = p->field[i]->id;
        size_t k = i;
        while (k-- > 0)
            if (p->field[k]->id == id) {
                occ[i] = occ[k] + 1;
                break;
            }
    }
    return occ;
}

static bool same_field(const Ppcrr__SnapshotField *g, unsigned g_occ, const Ppcrr__SnapshotField *f, unsigned occ)
{
    return g->id == f->id && (f->id == STATE_ID_BY_NAME ? strcmp(g->name, f->name) == 0 : g_occ == occ);
}

/* F (occurrence OCC) in part P, whose occurrences are P_OCC; HINT is
 * where it most likely is (walks are ordered alike). */
static const Ppcrr__SnapshotField *find_field(const Ppcrr__SnapshotPart *p, const unsigned *p_occ,
                                              const Ppcrr__SnapshotField *f, unsigned occ, size_t hint)
{
    if (hint < p->n_field && same_field(p->field[hint], p_occ[hint], f, occ))
        return p->field[hint];
    for (size_t i = 0; i < p->n_field; i++)
        if (same_field(p->field[i], p_occ[i], f, occ))
            return p->field[i];
    return NULL;
}

static void field_label(const Ppcrr__SnapshotField *f, unsigned occ, char *out, size_t len)
{
    if (f->id == STATE_ID_BY_NAME)
        snprintf(out, len, "%s", f->name);
    else
        snprintf(out, len, "id %u #%u", f->id, occ);
}

static bool all_zero(const ProtobufCBinaryData *d)
{
    for (size_t i = 0; i < d->len; i++)
        if (d->data[i])
            return false;
    return true;
}

/* A field only in part P of snapshot WHICH: a difference (counted in *N),
 * unless the parts' versions differ and it holds its default. */
static void only_in(const char *which, const Ppcrr__SnapshotPart *p, const char *label,
                    const ProtobufCBinaryData *data, bool versions_differ, unsigned *n)
{
    if (versions_differ && all_zero(data)) {
        printf("# part %s: field %s: only in %s, at its default (a field the other version lacks)\n", p->name,
               label, which);
        return;
    }
    printf("part %s: field %s: only in %s\n", p->name, label, which);
    (*n)++;
}

static const Ppcrr__SnapshotPart *find_part(const Ppcrr__Snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->n_part; i++)
        if (strcmp(s->part[i]->name, name) == 0)
            return s->part[i];
    return NULL;
}

/* The parts' differences, printed; how many. */
static unsigned diff_parts(const Ppcrr__Snapshot *a, const Ppcrr__Snapshot *b)
{
    unsigned n = 0;
    char label[160];
    for (size_t i = 0; i < a->n_part; i++) {
        const Ppcrr__SnapshotPart *pa = a->part[i], *pb = find_part(b, pa->name);
        if (!pb) {
            printf("part %s: only in A\n", pa->name);
            n++;
            continue;
        }
        unsigned *occ_a = occurrences(pa), *occ_b = occurrences(pb);
        if (!occ_a || !occ_b) {
            free(occ_a);
            free(occ_b);
            printf("part %s: out of memory comparing it\n", pa->name);
            n++;
            continue;
        }
        bool versions_differ = pa->version != pb->version;
        if (versions_differ)
            printf("# part %s: version %u in A, %u in B\n", pa->name, pa->version, pb->version);
        for (size_t k = 0; k < pa->n_field; k++) {
            const Ppcrr__SnapshotField *fa = pa->field[k];
            unsigned occ = occ_a[k];
            const Ppcrr__SnapshotField *fb = find_field(pb, occ_b, fa, occ, k);
            field_label(fa, occ, label, sizeof label);
            if (!fb) {
                only_in("A", pa, label, &fa->data, versions_differ, &n);
            } else if (fa->data.len != fb->data.len) {
                printf("part %s: field %s: %zu bytes in A, %zu in B\n", pa->name, label, fa->data.len, fb->data.len);
                n++;
            } else if (fa->data.len && memcmp(fa->data.data, fb->data.data, fa->data.len) != 0) {
                size_t at = 0;
                while (fa->data.data[at] == fb->data.data[at])
                    at++;
                printf("part %s: field %s: differs from byte %zu of %zu (A 0x%02x, B 0x%02x)\n", pa->name, label, at,
                       fa->data.len, fa->data.data[at], fb->data.data[at]);
                n++;
            }
        }
        for (size_t k = 0; k < pb->n_field; k++) {
            unsigned occ = occ_b[k];
            if (!find_field(pa, occ_a, pb->field[k], occ, k)) {
                field_label(pb->field[k], occ, label, sizeof label);
                only_in("B", pb, label, &pb->field[k]->data, versions_differ, &n);
            }
        }
        free(occ_a);
        free(occ_b);
    }
    for (size_t i = 0; i < b->n_part; i++)
        if (!find_part(a, b->part[i]->name)) {
            printf("part %s: only in B\n", b->part[i]->name);
            n++;
        }
    return n;
}

static unsigned diff_units(const char *what, const struct units *a, const struct units *b)
{
    unsigned n = 0;
    for (uint64_t i = 0; i < a->n && i < b->n; i++)
        if (a->hash[i] != b->hash[i] && ++n <= MAX_SHOWN)
            printf("%s %" PRIu64 " differs\n", what, i);
    if (n > MAX_SHOWN)
        printf("... %u %ss differ in all\n", n, what);
    return n;
}

int harness_snapshot_diff(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(harness_snapshot_diff_usage, stdout);
        return 0;
    }
    if (argc != 3)
        return cli_usage_error("harness snapshot-diff", harness_snapshot_diff_usage, "needs two snapshots");
    struct trace_error err;
    struct snapshot_reader *ra = snapshot_reader_open(argv[1], &err), *rb = NULL;
    if (ra)
        rb = snapshot_reader_open(argv[2], &err);
    if (!ra || !rb) {
        fprintf(stderr, "ppcrr: %s\n", err.msg);
        snapshot_reader_close(ra);
        return CLI_EXIT_USAGE;
    }
    const Ppcrr__Snapshot *a = snapshot_reader_first(ra), *b = snapshot_reader_first(rb);
    int rc = 0;
    if (!a->header || !b->header || a->header->vcpus != b->header->vcpus ||
        a->header->ram_size != b->header->ram_size) {
        fprintf(stderr, "ppcrr: %s and %s are not snapshots of the same machine (vCPUs, RAM)\n", argv[1], argv[2]);
        rc = CLI_EXIT_USAGE;
    }
    struct units ram_a = { 0 }, ram_b = { 0 }, hpt_a = { 0 }, hpt_b = { 0 };
    if (rc == 0) {
        if (a->header->icount != b->header->icount)
            printf("# A is at icount %" PRIu64 ", B at %" PRIu64 "\n", a->header->icount, b->header->icount);
        unsigned n = diff_parts(a, b);
        if (read_memory(ra, a->header, &ram_a, &hpt_a, &err) < 0 || read_memory(rb, b->header, &ram_b, &hpt_b, &err) < 0) {
            fprintf(stderr, "ppcrr: %s\n", err.msg);
            rc = CLI_EXIT_USAGE;
        } else {
            n += diff_units("RAM page", &ram_a, &ram_b);
            n += diff_units("page-table entry", &hpt_a, &hpt_b);
            printf("%s\n", n ? "the states differ" : "the same state");
            rc = n ? 1 : 0;
        }
    }
    free(ram_a.hash);
    free(ram_b.hash);
    free(hpt_a.hash);
    free(hpt_b.hash);
    snapshot_reader_close(ra);
    snapshot_reader_close(rb);
    return rc;
}
