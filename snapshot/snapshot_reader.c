/*
 * Reading snapshot files (snapshot_file.h), frame by frame, every frame
 * checked before anyone uses it: zstd's own checks (each data frame
 * carries its content size and checksum, so a flipped bit is caught before
 * protobuf sees it), then the message's shape -- a header first and only
 * there, RAM and page-table runs inside the machine the header describes,
 * an end record last whose counts agree with what came before. A file
 * without its end record was cut short and is refused: a snapshot missing
 * RAM would restore a different machine.
 */
#include "snapshot/snapshot_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#define SNAPSHOT_PAGE_SIZE 4096u
#define HPTE_BYTES 16u

struct snapshot_reader {
    char *name;
    uint8_t *owned;
    const uint8_t *data;
    size_t size;
    uint64_t pos;               /* the next frame's offset */
    Ppcrr__Snapshot *first;
    Ppcrr__Snapshot *cur;
    uint8_t *buf;
    unsigned frames;            /* data frames read */
    uint64_t ram_pages, hpt_entries;
    uint64_t ram_pages_max, hpt_entries_max;
    bool ended;
};

/* The next data frame from r->pos, decoded into *OUT (the caller frees).
 * 1, 0 at the end of the file, -1. */
static int read_frame(struct snapshot_reader *r, Ppcrr__Snapshot **out, uint64_t *at, struct trace_error *err)
{
    for (;;) {
        uint64_t off = r->pos, remain = r->size - off;
        *at = off;
        if (remain == 0)
            return 0;
        if (remain < 8) {
            trace_error_set(err, "%s: byte %llu: the file ends inside a frame header (truncated)", r->name,
                            (unsigned long long)off);
            return -1;
        }
        const uint8_t *p = r->data + off;
        uint32_t magic = trace_get_le32(p);
        if ((magic & TRACE_SKIPPABLE_MASK) == TRACE_SKIPPABLE_BASE) {
            uint64_t len = trace_get_le32(p + 4);
            if (len > remain - 8) {
                trace_error_set(err, "%s: byte %llu: a skippable frame of %llu bytes runs past the end "
                                "(truncated)", r->name, (unsigned long long)off, (unsigned long long)len);
                return -1;
            }
            r->pos += 8 + len;
            continue;
        }
        if (magic != TRACE_ZSTD_MAGIC) {
            trace_error_set(err, "%s: byte %llu: not a zstd frame (corrupted)", r->name, (unsigned long long)off);
            return -1;
        }
        uint64_t fsize = 0;
        bool checksum = false;
        enum zstd_frame_shape shape = trace_zstd_frame_scan(p, remain, &fsize, &checksum);
        if (shape != ZSTD_FRAME_COMPLETE) {
            trace_error_set(err, "%s: byte %llu: %s", r->name, (unsigned long long)off,
                            shape == ZSTD_FRAME_TRUNCATED ? "the file ends inside this frame (truncated)"
                                                          : "a damaged zstd frame header (corrupted)");
            return -1;
        }
        unsigned long long content = ZSTD_getFrameContentSize(p, fsize);
        if (content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR ||
            content > SNAPSHOT_MAX_FRAME_CONTENT || !checksum) {
            trace_error_set(err, "%s: byte %llu: a frame without %s (not written by ppcrr, or corrupted)",
                            r->name, (unsigned long long)off,
                            !checksum ? "a checksum" : "a plausible content size");
            return -1;
        }
        free(r->buf);
        r->buf = malloc(content ? content : 1);
        if (!r->buf) {
            trace_error_set(err, "%s: out of memory", r->name);
            return -1;
        }
        size_t got = ZSTD_decompress(r->buf, content, p, fsize);
        if (ZSTD_isError(got) || got != content) {
            trace_error_set(err, "%s: byte %llu: the frame does not decompress: %s (corrupted)", r->name,
                            (unsigned long long)off, ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
            return -1;
        }
        *out = ppcrr__snapshot__unpack(NULL, got, r->buf);
        if (!*out) {
            trace_error_set(err, "%s: byte %llu: the frame is not a Snapshot message (corrupted)", r->name,
                            (unsigned long long)off);
            return -1;
        }
        r->pos += fsize;
        r->frames++;
        return 1;
    }
}

/* The RAM and page-table runs of a frame lie inside the machine, and an
 * end record is last and agrees with the counts. */
static int check_frame(struct snapshot_reader *r, const Ppcrr__Snapshot *s, uint64_t off, struct trace_error *err)
{
    if (r->ended) {
        trace_error_set(err, "%s: byte %llu: data after the end record", r->name, (unsigned long long)off);
        return -1;
    }
    for (size_t i = 0; i < s->n_ram; i++) {
        const Ppcrr__RamPages *rp = s->ram[i];
        uint64_t n = rp->data.len / SNAPSHOT_PAGE_SIZE;
        if (rp->data.len == 0 || rp->data.len % SNAPSHOT_PAGE_SIZE || rp->first_page > r->ram_pages_max ||
            n > r->ram_pages_max - rp->first_page) {
            trace_error_set(err, "%s: byte %llu: RAM run %zu (page %llu, %zu bytes) is not whole pages inside "
                            "the %llu pages of RAM", r->name, (unsigned long long)off, i,
                            (unsigned long long)rp->first_page, rp->data.len, (unsigned long long)r->ram_pages_max);
            return -1;
        }
        r->ram_pages += n;
    }
    for (size_t i = 0; i < s->n_hpt; i++) {
        const Ppcrr__HptEntries *h = s->hpt[i];
        uint64_t n = h->data.len / HPTE_BYTES;
        if (h->data.len == 0 || h->data.len % HPTE_BYTES || h->first > r->hpt_entries_max ||
            n > r->hpt_entries_max - h->first) {
            trace_error_set(err, "%s: byte %llu: page-table run %zu (entry %llu, %zu bytes) is not whole entries "
                            "inside the table's %llu", r->name, (unsigned long long)off, i,
                            (unsigned long long)h->first, h->data.len, (unsigned long long)r->hpt_entries_max);
            return -1;
        }
        r->hpt_entries += n;
    }
    if (s->end) {
        r->ended = true;
        if (s->end->ram_pages != r->ram_pages || s->end->hpt_entries != r->hpt_entries ||
            s->end->frames + 1 != r->frames) {
            trace_error_set(err, "%s: byte %llu: the end record counts %llu RAM pages, %llu page-table entries "
                            "and %u frames, the file holds %llu, %llu and %u (frames lost or corrupted)",
                            r->name, (unsigned long long)off, (unsigned long long)s->end->ram_pages,
                            (unsigned long long)s->end->hpt_entries, s->end->frames,
                            (unsigned long long)r->ram_pages, (unsigned long long)r->hpt_entries, r->frames - 1);
            return -1;
        }
    }
    return 0;
}

static int check_header(struct snapshot_reader *r, const Ppcrr__Snapshot *s, uint64_t off, struct trace_error *err)
{
    const Ppcrr__SnapshotHeader *h = s->header;
    if (!h) {
        trace_error_set(err, "%s: byte %llu: the first frame has no header (corrupted)", r->name,
                        (unsigned long long)off);
        return -1;
    }
    if (h->min_reader_version > SNAPSHOT_READER_VERSION || h->format_version == 0) {
        trace_error_set(err, "%s: snapshot format %u needs a reader of format %u; this ppcrr reads format %u",
                        r->name, h->format_version, h->min_reader_version, SNAPSHOT_READER_VERSION);
        return -1;
    }
    if (h->page_size != SNAPSHOT_PAGE_SIZE || h->ram_size == 0 || h->ram_size % SNAPSHOT_PAGE_SIZE ||
        h->hpt_shift < 4 || h->hpt_shift > 46 || h->vcpus == 0) {
        trace_error_set(err, "%s: byte %llu: an impossible header (page size %u, RAM %llu bytes, page table 2^%u "
                        "bytes, %u vCPUs)", r->name, (unsigned long long)off, h->page_size,
                        (unsigned long long)h->ram_size, h->hpt_shift, h->vcpus);
        return -1;
    }
    r->ram_pages_max = h->ram_size / SNAPSHOT_PAGE_SIZE;
    r->hpt_entries_max = (1ull << h->hpt_shift) / HPTE_BYTES;
    return 0;
}

static struct snapshot_reader *open_data(struct snapshot_reader *r, struct trace_error *err)
{
    if (r->size < 8 + SNAPSHOT_SIGNATURE_LEN + 4 || trace_get_le32(r->data) != SNAPSHOT_SIG_MAGIC ||
        trace_get_le32(r->data + 4) != SNAPSHOT_SIGNATURE_LEN + 4 ||
        memcmp(r->data + 8, SNAPSHOT_SIGNATURE, SNAPSHOT_SIGNATURE_LEN) != 0) {
        bool trace = r->size >= 16 && memcmp(r->data + 8, "PPCRRTRC", 8) == 0;
        trace_error_set(err, "%s: byte 0: not a ppcrr snapshot%s", r->name,
                        trace ? " (it is a trace: give it to `ppcrr replay`)" : r->size < 20 ? " (too short)" : "");
        snapshot_reader_close(r);
        return NULL;
    }
    r->pos = 8 + SNAPSHOT_SIGNATURE_LEN + 4;
    uint64_t off;
    int rc = read_frame(r, &r->first, &off, err);
    if (rc == 0)
        trace_error_set(err, "%s: byte %llu: the file ends after its signature (truncated)", r->name,
                        (unsigned long long)off);
    uint32_t sig_version = trace_get_le32(r->data + 8 + SNAPSHOT_SIGNATURE_LEN);
    if (rc > 0 && r->first->header && r->first->header->format_version != sig_version) {
        trace_error_set(err, "%s: byte 16: the signature says format %u, the header %u (corrupted)", r->name,
                        sig_version, r->first->header->format_version);
        rc = -1;
    }
    if (rc <= 0 || check_header(r, r->first, off, err) < 0 || check_frame(r, r->first, off, err) < 0) {
        snapshot_reader_close(r);
        return NULL;
    }
    return r;
}

struct snapshot_reader *snapshot_reader_open_mem(const void *data, size_t size, const char *name,
                                                 struct trace_error *err)
{
    struct snapshot_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(name))) {
        free(r);
        trace_error_set(err, "%s: out of memory", name);
        return NULL;
    }
    r->data = data;
    r->size = size;
    return open_data(r, err);
}

struct snapshot_reader *snapshot_reader_open(const char *path, struct trace_error *err)
{
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    uint8_t *data = size >= 0 ? malloc((size_t)size + 1) : NULL;
    bool ok = data && fseek(f, 0, SEEK_SET) == 0 && fread(data, 1, (size_t)size, f) == (size_t)size;
    int saved = errno;
    if (f)
        fclose(f);
    if (!ok) {
        trace_error_set(err, "%s: cannot read: %s", path, f ? strerror(saved) : strerror(errno));
        free(data);
        return NULL;
    }
    struct snapshot_reader *r = snapshot_reader_open_mem(data, (size_t)size, path, err);
    if (r)
        r->owned = data;
    else
        free(data);
    return r;
}

void snapshot_reader_close(struct snapshot_reader *r)
{
    if (!r)
        return;
    if (r->first)
        ppcrr__snapshot__free_unpacked(r->first, NULL);
    if (r->cur)
        ppcrr__snapshot__free_unpacked(r->cur, NULL);
    free(r->buf);
    free(r->owned);
    free(r->name);
    free(r);
}

const Ppcrr__Snapshot *snapshot_reader_first(const struct snapshot_reader *r)
{
    return r->first;
}

const char *snapshot_reader_name(const struct snapshot_reader *r)
{
    return r->name;
}

int snapshot_reader_next(struct snapshot_reader *r, const Ppcrr__Snapshot **frame, uint64_t *offset,
                         struct trace_error *err)
{
    if (r->cur)
        ppcrr__snapshot__free_unpacked(r->cur, NULL);
    r->cur = NULL;
    int rc = read_frame(r, &r->cur, offset, err);
    if (rc == 0 && !r->ended) {
        trace_error_set(err, "%s: byte %llu: the end record is missing: the file was cut short (truncated)",
                        r->name, (unsigned long long)*offset);
        return -1;
    }
    if (rc <= 0)
        return rc;
    if (r->cur->header || r->cur->n_part) {
        trace_error_set(err, "%s: byte %llu: a header or state part after the first frame (corrupted)", r->name,
                        (unsigned long long)*offset);
        return -1;
    }
    if (check_frame(r, r->cur, *offset, err) < 0)
        return -1;
    *frame = r->cur;
    return 1;
}
