/*
 * The snapshot file (snapshot/snapshot_file.h): a machine saved and
 * restored into a fresh one has the same state (digest, every vCPU field,
 * RAM, page table); the header says what the file holds; every strict
 * prefix of a file is refused, and so is every flipped byte, without a
 * crash; a field this build does not know is refused by name; one the
 * snapshot lacks keeps the fresh machine's value; a part of another
 * version is refused.
 */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "emu/devices/power.h"
#include "emu/snapshot.h"
#include "hcall/hcall.h"
#include "snapshot/snapshot_file.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "vio/vio.h"

#define RAM_SIZE (64ull << 20)
#define BUILD "test-build"

static void machine_up(struct machine *m, unsigned smp)
{
    struct machine_config cfg = { .ram_size = RAM_SIZE, .smp = smp, .serial = "null",
                                  .checkpoint_interval = 1000 };
    char err[512] = "";
    power_device_register_type();
    if (machine_create(m, &cfg, err, sizeof err) < 0 || hcall_init(m, err, sizeof err) < 0 ||
        vio_init(m, err, sizeof err) < 0 || machine_realize(m, err, sizeof err) < 0)
        tap_bail("machine: %s", err);
}

static void machine_down(struct machine *m)
{
    hcall_destroy(m);
    machine_destroy(m);
}

/* State worth saving: RAM here and there, registers, the page table, a
 * reservation, a stopped secondary and its line. */
static void make_state(struct machine *m)
{
    for (uint64_t p = 3; p < RAM_SIZE >> GUEST_PAGE_SHIFT; p += 777) {
        uint8_t page[GUEST_PAGE_SIZE];
        for (size_t i = 0; i < sizeof page; i++)
            page[i] = (uint8_t)(p * 31 + i);
        memory_write(&m->mem, p << GUEST_PAGE_SHIFT, page, sizeof page);
    }
    for (unsigned c = 0; c < m->ncpus; c++) {
        for (unsigned i = 0; i < 32; i++)
            m->cpus[c].gpr[i] = 0x1000u * c + i;
        m->cpus[c].ppr[0] = 0x0c00000000000000ull;
        m->cpus[c].cia = 0x4440 + c;
    }
    m->cpus[1].stopped = false;
    m->cpus[1].external_pending = true;
    m->cpus[0].reserve_addr[0] = 3ull << GUEST_PAGE_SHIFT;
    m->cpus[0].reserve_len[0] = 8;
    m->hpt.hpte[5][0] = 0x123456789ull;
    m->hpt.hpte[5][1] = 0xabcdefull;
    m->icount_retired = 123456;
    m->current = 1;
}

static const char *save(struct machine *m, const char *name)
{
    const char *path = test_path(name);
    struct snapshot_info info = { "test", BUILD, 0, NULL };
    struct trace_error err;
    if (snapshot_save(m, path, &info, &err) < 0)
        tap_bail("save: %s", err.msg);
    return path;
}

/* Opens DATA and reads every frame: 0 when all of it is well formed. */
static int read_all(const uint8_t *data, size_t len, struct trace_error *err)
{
    struct snapshot_reader *r = snapshot_reader_open_mem(data, len, "snap", err);
    if (!r)
        return -1;
    const Ppcrr__Snapshot *f;
    uint64_t off;
    int rc;
    while ((rc = snapshot_reader_next(r, &f, &off, err)) == 1)
        ;
    snapshot_reader_close(r);
    return rc;
}

static void test_roundtrip(void)
{
    static struct machine a, b;
    machine_up(&a, 2);
    make_state(&a);
    uint8_t da[CHECKPOINT_DIGEST_SIZE], db[CHECKPOINT_DIGEST_SIZE];
    checkpoint_digest(&a, da);
    const char *path = save(&a, "a.snap");

    struct trace_error err;
    struct snapshot_reader *r = snapshot_reader_open(path, &err);
    ok(r != NULL, "the file reads back");
    if (r) {
        const Ppcrr__SnapshotHeader *h = snapshot_reader_first(r)->header;
        is_u64(h->vcpus, 2, "header: vCPUs");
        is_u64(h->ram_size, RAM_SIZE, "header: RAM size");
        is_u64(h->icount, machine_icount(&a), "header: icount");
        ok(h->digest.len == sizeof da && memcmp(h->digest.data, da, sizeof da) == 0, "header: the digest");
        is_str(h->build_id, BUILD, "header: the build id");
        bool cpu1 = false, rtas = false;
        for (size_t i = 0; i < snapshot_reader_first(r)->n_part; i++) {
            cpu1 |= strcmp(snapshot_reader_first(r)->part[i]->name, "cpu1") == 0;
            rtas |= strcmp(snapshot_reader_first(r)->part[i]->name, "rtas") == 0;
        }
        ok(cpu1 && rtas, "parts cpu1 and rtas are there");
        snapshot_reader_close(r);
    }

    machine_up(&b, 2);
    ok(snapshot_restore(&b, path, BUILD, &err) == 0, "restores into a fresh machine");
    if (err.msg[0] && snapshot_restore(&b, path, BUILD, &err) < 0)
        tap_diag("%s", err.msg);
    checkpoint_digest(&b, db);
    ok(memcmp(da, db, sizeof da) == 0, "the same digest");
    is_u64(cpu_compare(&a.cpus[0], &b.cpus[0], stderr) + cpu_compare(&a.cpus[1], &b.cpus[1], stderr), 0,
           "every vCPU field");
    ok(b.cpus[1].external_pending && !b.cpus[1].stopped && b.cpus[1].cia == 0x4441, "stopped, external_pending, cia");
    ok(memcmp(a.mem.ram, b.mem.ram, RAM_SIZE) == 0, "RAM");
    ok(memcmp(a.hpt.hpte, b.hpt.hpte, a.hpt.n_hptes * sizeof a.hpt.hpte[0]) == 0, "the page table");
    is_u64(machine_icount(&b), machine_icount(&a), "the machine-wide icount");
    ok(b.mem.watched[3] & MEMORY_WATCH_RESERVE, "the reservation's page is watched again");
    machine_down(&b);

    /* Another machine: refused, saying what differs. */
    machine_up(&b, 1);
    ok(snapshot_restore(&b, path, BUILD, &err) < 0 && strstr(err.msg, "2 vCPUs, this one has 1"),
       "another -smp is refused by name");
    machine_down(&b);
    machine_down(&a);
}

/* DATA's zstd content (every data frame, the skippable ones passed over). */
static uint8_t *content_of(const uint8_t *data, size_t len, size_t *out_len)
{
    size_t cap = 256u << 20;
    uint8_t *out = malloc(cap);
    size_t n = out ? ZSTD_decompress(out, cap, data + 20, len - 20) : 0;
    if (!out || ZSTD_isError(n)) {
        free(out);
        return NULL;
    }
    *out_len = n;
    return out;
}

static void test_damage(void)
{
    size_t len;
    uint8_t *data = test_read_file(test_path("a.snap"), &len);
    if (!data)
        tap_bail("cannot read a.snap back");
    struct trace_error err;
    ok(read_all(data, len, &err) == 0, "the whole file is well formed");
    unsigned accepted = 0, tried = 0;
    for (size_t cut = 0; cut < len; cut += cut < 64 || len - cut < 64 ? 1 : 997) {
        tried++;
        accepted += read_all(data, cut, &err) == 0;
    }
    is_u64(accepted, 0, "every strict prefix is refused");
    tap_diag("%u prefixes tried", tried);
    /* zstd may decode a frame whose header or entropy tables took a hit to
     * the very same bytes (its checksum then agrees): that flip is harmless
     * and may be accepted. Any other must be refused. */
    size_t want_len, got_len;
    uint8_t *want = content_of(data, len, &want_len);
    accepted = tried = 0;
    unsigned harmless = 0;
    for (size_t at = 0; want && at < len; at += at < 64 || len - at < 64 ? 1 : 101) {
        data[at] ^= 0x5a;
        tried++;
        if (read_all(data, len, &err) == 0) {
            uint8_t *got = content_of(data, len, &got_len);
            if (at >= 20 && got && got_len == want_len && memcmp(got, want, want_len) == 0) {
                harmless++;
            } else {
                accepted++;
                tap_diag("byte %zu flipped: accepted", at);
            }
            free(got);
        }
        data[at] ^= 0x5a;
    }
    ok(want != NULL, "the file's content decodes with zstd alone");
    is_u64(accepted, 0, "every flipped byte that changes the content is refused");
    tap_diag("%u flips tried, %u decoded to the same content", tried, harmless);
    free(want);
    free(data);
}

/* Writes a file: the signature, FIRST (modified) as the first frame, then
 * the rest of the original file from REST on. */
static const char *rewrite(const char *name, const Ppcrr__Snapshot *first, const uint8_t *orig, size_t orig_len,
                           size_t rest)
{
    size_t plen = ppcrr__snapshot__get_packed_size(first);
    uint8_t *raw = malloc(plen + 1), *z = malloc(ZSTD_compressBound(plen) + 20 + orig_len);
    ppcrr__snapshot__pack(first, raw);
    memcpy(z, orig, 20);                       /* the signature frame */
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    size_t zl = ZSTD_compress2(c, z + 20, ZSTD_compressBound(plen), raw, plen);
    ZSTD_freeCCtx(c);
    memcpy(z + 20 + zl, orig + rest, orig_len - rest);
    const char *path = test_path(name);
    test_write_file(path, z, 20 + zl + orig_len - rest);
    free(raw);
    free(z);
    return path;
}

static void test_fields(void)
{
    static struct machine a, b;
    machine_up(&a, 2);
    make_state(&a);
    const char *path = save(&a, "f.snap");
    size_t len;
    uint8_t *orig = test_read_file(path, &len);
    struct trace_error err;
    struct snapshot_reader *r = snapshot_reader_open(path, &err);
    const Ppcrr__Snapshot *f;
    uint64_t rest;
    if (!orig || !r || snapshot_reader_next(r, &f, &rest, &err) != 1)
        tap_bail("f.snap: %s", err.msg);
    Ppcrr__Snapshot *first = (Ppcrr__Snapshot *)snapshot_reader_first(r);
    Ppcrr__SnapshotPart *rtas = NULL, *cpu0 = NULL;
    for (size_t i = 0; i < first->n_part; i++) {
        if (strcmp(first->part[i]->name, "rtas") == 0)
            rtas = first->part[i];
        if (strcmp(first->part[i]->name, "cpu0") == 0)
            cpu0 = first->part[i];
    }
    if (!rtas || !cpu0)
        tap_bail("no rtas or cpu0 part");

    /* A field from a newer build. */
    Ppcrr__SnapshotField extra = PPCRR__SNAPSHOT_FIELD__INIT, **fields = rtas->field;
    Ppcrr__SnapshotField **more = malloc((rtas->n_field + 1) * sizeof *more);
    memcpy(more, rtas->field, rtas->n_field * sizeof *more);
    extra.id = 99;
    more[rtas->n_field] = &extra;
    rtas->field = more;
    rtas->n_field++;
    const char *p = rewrite("extra.snap", first, orig, len, rest);
    machine_up(&b, 2);
    ok(snapshot_restore(&b, p, BUILD, &err) < 0 && strstr(err.msg, "part rtas: field id 99 #0 is not known"),
       "a field this build does not know is refused by name");
    tap_diag("%s", err.msg);
    machine_down(&b);
    rtas->n_field--;
    rtas->field = fields;
    free(more);

    /* A part of another version. */
    rtas->version = 7;
    p = rewrite("version.snap", first, orig, len, rest);
    machine_up(&b, 2);
    ok(snapshot_restore(&b, p, BUILD, &err) < 0 && strstr(err.msg, "part rtas is version 7"),
       "a part of another version is refused");
    machine_down(&b);
    rtas->version = 1;

    /* An older build's vCPU without "ppr": the fresh value stays, and the
     * digest (of another build) is not compared. */
    size_t ppr = cpu0->n_field;
    for (size_t i = 0; i < cpu0->n_field; i++)
        if (strcmp(cpu0->field[i]->name, "ppr") == 0)
            ppr = i;
    Ppcrr__SnapshotField *saved = cpu0->field[ppr];
    memmove(&cpu0->field[ppr], &cpu0->field[ppr + 1], (cpu0->n_field - ppr - 1) * sizeof *cpu0->field);
    cpu0->n_field--;
    p = rewrite("missing.snap", first, orig, len, rest);
    machine_up(&b, 2);
    ok(snapshot_restore(&b, p, BUILD, &err) < 0 && strstr(err.msg, "vCPU state differs from its digest"),
       "same build: a field missing shows in the digest check");
    machine_down(&b);
    machine_up(&b, 2);
    uint64_t fresh = b.cpus[0].ppr[0];
    ok(snapshot_restore(&b, p, "another-build", &err) == 0, "another build: a field missing is no error");
    is_u64(b.cpus[0].ppr[0], fresh, "and keeps the fresh machine's value");
    is_u64(b.cpus[0].gpr[7], 7, "while the fields around it load");
    machine_down(&b);
    cpu0->n_field++;
    memmove(&cpu0->field[ppr + 1], &cpu0->field[ppr], (cpu0->n_field - ppr - 1) * sizeof *cpu0->field);
    cpu0->field[ppr] = saved;

    /* Values no machine could have: an XICS source's server out of range,
     * a vCPU's stopped neither 0 nor 1. */
    Ppcrr__SnapshotPart *xics = NULL;
    for (size_t i = 0; i < first->n_part; i++)
        if (strstr(first->part[i]->name, "interrupt-controller"))
            xics = first->part[i];
    ok(xics && xics->n_field && xics->field[0]->id == 1 && xics->field[0]->data.len == 4, "the XICS part");
    if (xics) {
        uint8_t *server = xics->field[0]->data.data, keep = server[0];
        server[0] = 0x40;
        p = rewrite("server.snap", first, orig, len, rest);
        machine_up(&b, 2);
        ok(snapshot_restore(&b, p, "another-build", &err) < 0 && strstr(err.msg, "field server is 64, of 2 servers"),
           "an XICS source on a server that does not exist is refused");
        tap_diag("%s", err.msg);
        machine_down(&b);
        server[0] = keep;
    }
    for (size_t i = 0; i < cpu0->n_field; i++)
        if (cpu0->field[i]->id == 1 && cpu0->field[i]->data.len == 1) {
            cpu0->field[i]->data.data[0] = 2;
            p = rewrite("stopped.snap", first, orig, len, rest);
            machine_up(&b, 2);
            ok(snapshot_restore(&b, p, "another-build", &err) < 0 && strstr(err.msg, "cpu0: field stopped"),
               "a vCPU's stopped of 2 is refused");
            machine_down(&b);
            cpu0->field[i]->data.data[0] = 0;
        }

    snapshot_reader_close(r);
    free(orig);
    machine_down(&a);
}

int main(void)
{
    test_roundtrip();
    test_damage();
    test_fields();
    test_scratch_cleanup();
    return tap_done();
}
