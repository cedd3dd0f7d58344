/*
 * Trace reader (see trace_reader.h for the contract, trace_file.h for the
 * layout).
 *
 * The file is mapped (or, for pipes, read) whole, so every frame is a byte
 * range and nothing here does partial reads. Each frame is checked by zstd
 * (content size, checksum) and then by protobuf-c, and each chunk's events
 * are validated before the first of them is handed out. The string table
 * grows as frames add to it; with an index it is known whole from the start
 * so that a seek needs no earlier frame.
 */
#include "traces/trace_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>
#include <zstd_errors.h>

#include "traces/trace_arena.h"

struct trace_reader {
    char *name;
    const uint8_t *data;
    size_t size;
    void *map;                 /* mmap'ed file, or NULL */
    uint8_t *owned;            /* read()'s buffer for non-regular files */

    ZSTD_DCtx *dctx;
    struct trace_arena arena;  /* holds the unpacked chunk frame */
    uint8_t *frame_buf;
    size_t frame_cap;

    Ppcrr__Trace *header_frame;
    char **strings;            /* owned copies */
    uint32_t string_count, strings_cap, header_strings;
    size_t string_bytes;
    const Ppcrr__HcallInfo **hcalls;   /* sorted by opcode */
    size_t n_hcalls;

    Ppcrr__Index *index;       /* NULL when absent or invalid */
    uint64_t *index_events_before;
    uint64_t first_data;       /* offset of the first chunk frame */
    size_t index_cursor;       /* the index entry the next chunk frame must match */
    uint64_t data_end;         /* where chunk frames stop: the index or EOF */

    /* Iteration state. */
    uint64_t pos;              /* offset of the next frame to load */
    uint32_t string_cursor;    /* strings accounted for by frames read */
    Ppcrr__Trace *cur;
    uint64_t cur_offset;
    size_t chunk_i, event_i;
    uint64_t icount;           /* icount of the last event handed out */
    uint64_t ordinal;          /* index of the next event */
    bool pending;              /* re-deliver the current event (after seek) */
    struct trace_event last;
    bool at_end;

    struct trace_reader_stats stats;
    char warning[512];
};

/* ---- frames ---- */

enum frame_status { FRAME_OK, FRAME_SKIP, FRAME_TRUNCATED, FRAME_ERROR };

/* Loads the frame at OFF. FRAME_OK: *OUT is the unpacked Trace (in ARENA
 * when given, else malloc'ed). FRAME_SKIP: a skippable frame to pass over.
 * Either way *NEXT is the following offset. */
static enum frame_status load_frame(struct trace_reader *r, uint64_t off, uint64_t end,
                                    struct trace_arena *arena, Ppcrr__Trace **out,
                                    uint64_t *next, struct trace_error *err)
{
    const uint8_t *p = r->data + off;
    uint64_t remain = end - off;
    *out = NULL;
    if (remain < 8)
        return FRAME_TRUNCATED;
    uint32_t magic = trace_get_le32(p);
    if ((magic & TRACE_SKIPPABLE_MASK) == TRACE_SKIPPABLE_BASE) {
        uint64_t len = trace_get_le32(p + 4);
        if (len > remain - 8)
            return FRAME_TRUNCATED;
        *next = off + 8 + len;
        return FRAME_SKIP;
    }
    if (magic != TRACE_ZSTD_MAGIC) {
        trace_error_set(err, "%s: byte %llu: not a zstd frame (magic 0x%08x): the file is corrupt",
                        r->name, (unsigned long long)off, magic);
        return FRAME_ERROR;
    }
    uint64_t csize = 0;
    bool checksum = false;
    switch (trace_zstd_frame_scan(p, remain, &csize, &checksum)) {
    case ZSTD_FRAME_TRUNCATED: return FRAME_TRUNCATED;
    case ZSTD_FRAME_CORRUPT:
        trace_error_set(err, "%s: byte %llu: corrupt zstd frame (impossible frame or block header)",
                        r->name, (unsigned long long)off);
        return FRAME_ERROR;
    case ZSTD_FRAME_COMPLETE: break;
    }
    unsigned long long content = ZSTD_getFrameContentSize(p, csize);
    const char *bad = !checksum ? "has no checksum (ppcrr writes one in every frame)"
                    : content == ZSTD_CONTENTSIZE_UNKNOWN || content == ZSTD_CONTENTSIZE_ERROR
                        ? "has no or a bad content size"
                    : content > TRACE_MAX_FRAME_CONTENT ? "claims an impossibly large content size"
                    : NULL;
    if (bad) {
        trace_error_set(err, "%s: byte %llu: zstd frame %s", r->name, (unsigned long long)off, bad);
        return FRAME_ERROR;
    }
    if (content > r->frame_cap) {
        uint8_t *b = realloc(r->frame_buf, content ? content : 1);
        if (!b) {
            trace_error_set(err, "%s: out of memory", r->name);
            return FRAME_ERROR;
        }
        r->frame_buf = b;
        r->frame_cap = content;
    }
    size_t got = ZSTD_decompressDCtx(r->dctx, r->frame_buf, r->frame_cap, p, csize);
    if (ZSTD_isError(got) || got != content) {
        trace_error_set(err, "%s: byte %llu: corrupt zstd frame: %s", r->name,
                        (unsigned long long)off,
                        ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short content");
        return FRAME_ERROR;
    }
    if (arena)
        trace_arena_reset(arena, (size_t)content * TRACE_DECODE_EXPANSION + (1u << 20));
    *out = ppcrr__trace__unpack(arena ? &arena->allocator : NULL, got, r->frame_buf);
    if (!*out) {
        bool too_big = arena && arena->exhausted;
        trace_error_set(err, "%s: byte %llu: frame %s", r->name, (unsigned long long)off,
                        too_big ? "decodes to far more messages than its size allows (hostile file?)"
                                : "does not decode as a ppcrr.Trace message");
        return FRAME_ERROR;
    }
    r->stats.compressed_bytes += csize;
    r->stats.uncompressed_bytes += got;
    *next = off + csize;
    return FRAME_OK;
}

/* ---- strings ---- */

static int add_string(struct trace_reader *r, const char *s)
{
    size_t len = strlen(s);
    if (r->string_count >= TRACE_MAX_STRINGS || len > TRACE_MAX_STRING_BYTES - r->string_bytes)
        return -1;
    if (r->string_count == r->strings_cap) {
        uint32_t cap = r->strings_cap ? r->strings_cap * 2 : 64;
        char **n = realloc(r->strings, cap * sizeof *n);
        if (!n)
            return -1;
        r->strings = n;
        r->strings_cap = cap;
    }
    if (!(r->strings[r->string_count] = strdup(s)))
        return -1;
    r->string_count++;
    r->string_bytes += len;
    return 0;
}

/* A frame's strings extend the table at the cursor; where the table already
 * holds them (from the index, or a second pass after a seek) they must be
 * the same strings. */
static int apply_frame_strings(struct trace_reader *r, const Ppcrr__Trace *t, uint64_t off,
                               struct trace_error *err)
{
    for (size_t i = 0; i < t->n_string; i++, r->string_cursor++) {
        if (r->string_cursor < r->string_count) {
            if (strcmp(r->strings[r->string_cursor], t->string[i]) != 0) {
                trace_error_set(err, "%s: byte %llu: string %u differs from the one the index "
                                "(or an earlier frame) gave it", r->name, (unsigned long long)off,
                                r->string_cursor);
                return -1;
            }
        } else if (add_string(r, t->string[i]) < 0) {
            trace_error_set(err, "%s: byte %llu: string table too large (over %u strings or %u bytes)",
                            r->name, (unsigned long long)off, TRACE_MAX_STRINGS, TRACE_MAX_STRING_BYTES);
            return -1;
        }
    }
    return 0;
}

/* ---- validation ---- */

static uint32_t event_name_index(const Ppcrr__Event *e, const char **what)
{
    switch (e->kind_case) {
    case PPCRR__EVENT__KIND_RTAS: *what = "RTAS token name"; return e->rtas->token_name;
    case PPCRR__EVENT__KIND_MMIO: *what = "MMIO region"; return e->mmio->region;
    case PPCRR__EVENT__KIND_IRQ: *what = "IRQ line"; return e->irq->line;
    case PPCRR__EVENT__KIND_INPUT: *what = "input source"; return e->input->source;
    default: *what = NULL; return 0;
    }
}

static int validate_frame(struct trace_reader *r, const Ppcrr__Trace *t, uint64_t off,
                          struct trace_error *err)
{
    if (t->header) {
        trace_error_set(err, "%s: byte %llu: a second header in the middle of the trace",
                        r->name, (unsigned long long)off);
        return -1;
    }
    uint64_t icount = r->icount;
    uint32_t vcpus = r->header_frame->header->vcpus;
    for (size_t c = 0; c < t->n_chunk; c++) {
        const Ppcrr__Chunk *ch = t->chunk[c];
        if (ch->first_icount < icount) {
            trace_error_set(err, "%s: byte %llu: chunk starts at icount %llu, before the previous event's %llu",
                            r->name, (unsigned long long)off, (unsigned long long)ch->first_icount,
                            (unsigned long long)icount);
            return -1;
        }
        icount = ch->first_icount;
        for (size_t i = 0; i < ch->n_event; i++) {
            const Ppcrr__Event *e = ch->event[i];
            const char *what;
            uint32_t name = event_name_index(e, &what);
            const char *problem = NULL;
            char buf[128];
            if (icount + e->icount_delta < icount)
                problem = "icount overflows";
            else if (e->kind_case == PPCRR__EVENT__KIND__NOT_SET)
                problem = "event has no kind (written by a newer ppcrr?)";
            else if (what && name >= r->string_count) {
                snprintf(buf, sizeof buf, "%s is string %u but the table has %u", what, name,
                         r->string_count);
                problem = buf;
            } else if (vcpus && e->cpu >= vcpus) {
                snprintf(buf, sizeof buf, "vCPU %u but the trace has %u", e->cpu, vcpus);
                problem = buf;
            }
            if (problem) {
                trace_error_set(err, "%s: byte %llu: chunk %zu event %zu: %s", r->name,
                                (unsigned long long)off, c, i, problem);
                return -1;
            }
            icount += e->icount_delta;
        }
    }
    return 0;
}

/* ---- open ---- */

static int compare_hcall(const void *a, const void *b)
{
    uint32_t x = (*(const Ppcrr__HcallInfo *const *)a)->opcode;
    uint32_t y = (*(const Ppcrr__HcallInfo *const *)b)->opcode;
    return x < y ? -1 : x > y;
}

static int read_signature(struct trace_reader *r, struct trace_error *err)
{
    const uint8_t *p = r->data;
    if (r->size >= 4 && trace_get_le32(p) == TRACE_ZSTD_MAGIC) {
        trace_error_set(err, "%s: a zstd file but not a ppcrr trace (no signature at byte 0)", r->name);
        return -1;
    }
    if (r->size < 8 + TRACE_SIGNATURE_LEN || trace_get_le32(p) != TRACE_SIG_MAGIC ||
        trace_get_le32(p + 4) != TRACE_SIGNATURE_LEN ||
        memcmp(p + 8, TRACE_SIGNATURE, TRACE_SIGNATURE_LEN) != 0) {
        trace_error_set(err, "%s: not a ppcrr trace (%s at byte 0)", r->name,
                        r->size < 8 + TRACE_SIGNATURE_LEN ? "file too short for the signature"
                                                          : "no ppcrr signature");
        return -1;
    }
    return 0;
}

static int read_header(struct trace_reader *r, struct trace_error *err)
{
    uint64_t off = 8 + TRACE_SIGNATURE_LEN, next = 0;
    Ppcrr__Trace *t;
    switch (load_frame(r, off, r->size, NULL, &t, &next, err)) {
    case FRAME_OK: break;
    case FRAME_ERROR: return -1;
    case FRAME_SKIP:
    case FRAME_TRUNCATED:
        trace_error_set(err, "%s: byte %llu: truncated or missing header frame", r->name,
                        (unsigned long long)off);
        return -1;
    }
    r->header_frame = t;
    const Ppcrr__Header *h = t->header;
    if (!h || h->format_version == 0) {
        trace_error_set(err, "%s: byte %llu: first frame holds no trace header", r->name,
                        (unsigned long long)off);
        return -1;
    }
    if (h->format_version < TRACE_OLDEST_READABLE) {
        trace_error_set(err, "%s: trace format %u is older than this ppcrr reads (%u and newer)",
                        r->name, h->format_version, TRACE_OLDEST_READABLE);
        return -1;
    }
    if (h->min_reader_version > TRACE_READER_VERSION) {
        trace_error_set(err, "%s: written in trace format %u by ppcrr %s, which needs a reader of format %u or newer; this ppcrr reads format %u",
                        r->name, h->format_version, h->emulator_version, h->min_reader_version,
                        TRACE_READER_VERSION);
        return -1;
    }
    if (t->n_chunk) {
        trace_error_set(err, "%s: byte %llu: header frame also holds events", r->name,
                        (unsigned long long)off);
        return -1;
    }
    r->string_cursor = 0;
    if (apply_frame_strings(r, t, off, err) < 0)
        return -1;
    r->header_strings = r->string_count;

    r->hcalls = calloc(h->n_hcall_info + 1, sizeof *r->hcalls);
    if (!r->hcalls) {
        trace_error_set(err, "%s: out of memory", r->name);
        return -1;
    }
    for (size_t i = 0; i < h->n_hcall_info; i++)
        r->hcalls[i] = h->hcall_info[i];
    r->n_hcalls = h->n_hcall_info;
    qsort(r->hcalls, r->n_hcalls, sizeof *r->hcalls, compare_hcall);
    r->first_data = r->pos = next;
    return 0;
}

/* Why the index cannot be used, or NULL when it is consistent with itself
 * and the file (what it says about each chunk's events is checked again
 * when a seek loads that chunk). */
static const char *check_index(const struct trace_reader *r, const Ppcrr__Index *idx,
                               uint64_t index_offset)
{
    uint64_t prev_end = r->first_data, prev_icount = 0, strings = r->header_strings, events = 0;
    uint64_t all_strings = (uint64_t)r->header_strings + idx->n_late_string;
    for (size_t i = 0; i < idx->n_chunk; i++) {
        const Ppcrr__ChunkIndex *c = idx->chunk[i];
        if (c->offset < prev_end || c->offset >= index_offset || c->compressed_size == 0 ||
            c->compressed_size > index_offset - c->offset)
            return "a chunk lies outside the file";
        if (c->first_icount < prev_icount || c->last_icount < c->first_icount)
            return "chunk icounts go backwards";
        if (c->event_count == 0 || c->event_count > idx->event_count - events)
            return "chunk event counts do not add up";
        if (c->first_string < strings || c->string_count > all_strings ||
            c->first_string > all_strings - c->string_count)
            return "chunk string ranges do not match the string table";
        prev_end = c->offset + c->compressed_size;
        prev_icount = c->last_icount;
        strings = (uint64_t)c->first_string + c->string_count;
        events += c->event_count;
    }
    return events == idx->event_count ? NULL : "chunk event counts do not add up";
}

static void read_index(struct trace_reader *r)
{
    uint64_t min = r->first_data + 8 + TRACE_FOOTER_LEN;
    if (r->size < min || memcmp(r->data + r->size - 8, TRACE_FOOTER_TAG, 8) != 0)
        return;
    const uint8_t *footer = r->data + r->size - TRACE_FOOTER_LEN;
    uint64_t off = trace_get_le64(footer + 8);
    const char *why = NULL;
    Ppcrr__Index *idx = NULL;
    bool framed = off >= r->first_data && off <= r->size - 8 - TRACE_FOOTER_LEN &&
                  trace_get_le32(r->data + off) == TRACE_INDEX_MAGIC &&
                  trace_get_le32(r->data + off + 4) == r->size - off - 8;
    size_t len = framed ? r->size - off - 8 - TRACE_FOOTER_LEN : 0;
    if (!framed)
        why = "its footer points to no index frame";
    else if (trace_crc32(r->data + off + 8, len) != trace_get_le32(footer))
        why = "its checksum does not match";
    else if (!(idx = ppcrr__index__unpack(NULL, len, r->data + off + 8)))
        why = "it does not decode";
    else
        why = check_index(r, idx, off);
    if (!why) {
        r->index_events_before = calloc(idx->n_chunk + 1, sizeof *r->index_events_before);
        for (size_t i = 0; r->index_events_before && i < idx->n_chunk; i++)
            r->index_events_before[i + 1] = r->index_events_before[i] + idx->chunk[i]->event_count;
        for (size_t i = 0; r->index_events_before && i < idx->n_late_string; i++)
            if (add_string(r, idx->late_string[i]) < 0)
                why = "out of memory";
        if (!r->index_events_before)
            why = "out of memory";
    }
    if (why) {
        snprintf(r->warning, sizeof r->warning,
                 "%s: index at end of file ignored (%s); the trace is read by scanning",
                 r->name, why);
        if (idx)
            ppcrr__index__free_unpacked(idx, NULL);
        free(r->index_events_before);
        r->index_events_before = NULL;
        while (r->string_count > r->header_strings)   /* drop late strings added */
            free(r->strings[--r->string_count]);
        return;
    }
    r->index = idx;
    r->data_end = off;
}

static struct trace_reader *reader_init(const char *name, struct trace_error *err)
{
    struct trace_reader *r = calloc(1, sizeof *r);
    if (r)
        trace_arena_init(&r->arena);
    if (!r || !(r->name = strdup(name)) || !(r->dctx = ZSTD_createDCtx())) {
        trace_error_set(err, "%s: out of memory", name);
        if (r)
            free(r->name);
        free(r);
        return NULL;
    }
    return r;
}

static struct trace_reader *reader_finish_open(struct trace_reader *r, struct trace_error *err)
{
    r->data_end = r->size;
    if (read_signature(r, err) < 0 || read_header(r, err) < 0) {
        trace_reader_close(r);
        return NULL;
    }
    read_index(r);
    r->string_cursor = r->header_strings;
    return r;
}

struct trace_reader *trace_reader_open_mem(const void *data, size_t size, const char *name,
                                           struct trace_error *err)
{
    struct trace_reader *r = reader_init(name, err);
    if (!r)
        return NULL;
    r->data = data;
    r->size = size;
    return reader_finish_open(r, err);
}

static int read_whole_fd(struct trace_reader *r, int fd, struct trace_error *err)
{
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            trace_error_set(err, "%s: out of memory", r->name);
            return -1;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            trace_error_set(err, "%s: read failed at byte %zu: %s", r->name, len, strerror(errno));
            free(buf);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    r->owned = buf;
    r->data = buf;
    r->size = len;
    return 0;
}

struct trace_reader *trace_reader_open(const char *path, struct trace_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        trace_error_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct trace_reader *r = reader_init(path, err);
    struct stat st;
    int rc = -1;
    if (r && fstat(fd, &st) < 0)
        trace_error_set(err, "%s: cannot stat: %s", path, strerror(errno));
    else if (r && S_ISDIR(st.st_mode))
        trace_error_set(err, "%s: is a directory, not a trace", path);
    else if (r && S_ISREG(st.st_mode) && st.st_size > 0) {
        r->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (r->map == MAP_FAILED) {
            r->map = NULL;
            trace_error_set(err, "%s: cannot map: %s", path, strerror(errno));
        } else {
            r->data = r->map;
            r->size = (size_t)st.st_size;
            rc = 0;
        }
    } else if (r)
        rc = read_whole_fd(r, fd, err);
    close(fd);
    if (rc < 0) {
        trace_reader_close(r);
        return NULL;
    }
    return reader_finish_open(r, err);
}

void trace_reader_close(struct trace_reader *r)
{
    if (!r)
        return;
    trace_arena_destroy(&r->arena);
    if (r->header_frame)
        ppcrr__trace__free_unpacked(r->header_frame, NULL);
    if (r->index)
        ppcrr__index__free_unpacked(r->index, NULL);
    for (uint32_t i = 0; i < r->string_count; i++)
        free(r->strings[i]);
    free(r->strings);
    free(r->hcalls);
    free(r->index_events_before);
    free(r->frame_buf);
    ZSTD_freeDCtx(r->dctx);
    if (r->map)
        munmap(r->map, r->size);
    free(r->owned);
    free(r->name);
    free(r);
}

/* ---- iteration ---- */

static void drop_frame(struct trace_reader *r)
{
    r->cur = NULL;      /* its memory is the arena's, reset before the next load */
    r->chunk_i = r->event_i = 0;
}

static void note_truncated(struct trace_reader *r, uint64_t off)
{
    snprintf(r->warning, sizeof r->warning,
             "%s: truncated at byte %llu: %llu trailing bytes are not a complete frame "
             "(was the recorder killed?); events up to the last complete chunk were read",
             r->name, (unsigned long long)off, (unsigned long long)(r->data_end - off));
}

/* Does the frame hold what its index entry says: icount range and count? */
static bool frame_matches_index(const Ppcrr__Trace *t, const Ppcrr__ChunkIndex *c)
{
    uint64_t events = 0, icount = 0;
    for (size_t k = 0; k < t->n_chunk; k++) {
        icount = t->chunk[k]->first_icount;
        if (k == 0 && icount != c->first_icount)
            return false;
        for (size_t i = 0; i < t->chunk[k]->n_event; i++)
            icount += t->chunk[k]->event[i]->icount_delta;
        events += t->chunk[k]->n_event;
    }
    return events == c->event_count && icount == c->last_icount;
}

/* The offset of a zstd frame magic after the frame at OFF, or 0. */
static uint64_t later_frame(const struct trace_reader *r, uint64_t off)
{
    static const uint8_t magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
    if (r->data_end - off <= 4)
        return 0;
    const uint8_t *hit = memmem(r->data + off + 4, r->data_end - off - 4, magic, sizeof magic);
    return hit ? (uint64_t)(hit - r->data) : 0;
}

/* Loads the next frame holding chunks. 1 loaded, 0 end, -1 error. */
static int advance_frame(struct trace_reader *r, struct trace_error *err)
{
    drop_frame(r);
    while (r->pos < r->data_end) {
        uint64_t off = r->pos, next = off;
        Ppcrr__Trace *t;
        switch (load_frame(r, off, r->data_end, &r->arena, &t, &next, err)) {
        case FRAME_ERROR: return -1;
        case FRAME_TRUNCATED:
            if (r->index) {     /* an intact index says where frames end */
                trace_error_set(err, "%s: byte %llu: corrupt frame: it runs past the index at byte %llu",
                                r->name, (unsigned long long)off, (unsigned long long)r->data_end);
                return -1;
            }
            if (later_frame(r, off)) {   /* a killed writer's last frame ends the file */
                trace_error_set(err, "%s: byte %llu: corrupt zstd frame (it runs into the frame at byte %llu)",
                                r->name, (unsigned long long)off, (unsigned long long)later_frame(r, off));
                return -1;
            }
            note_truncated(r, off);
            r->pos = r->data_end;
            return 0;
        case FRAME_SKIP:
            r->pos = next;
            continue;
        case FRAME_OK:
            break;
        }
        if (apply_frame_strings(r, t, off, err) < 0 || validate_frame(r, t, off, err) < 0)
            return -1;
        r->pos = next;
        r->stats.data_frames++;
        r->stats.chunks += t->n_chunk;
        if (t->n_chunk == 0)
            continue;
        /* Every chunk frame is checked against its index entry, so a seek
         * through a damaged index cannot skip events silently. */
        if (r->index) {
            const Ppcrr__ChunkIndex *c = r->index_cursor < r->index->n_chunk
                                             ? r->index->chunk[r->index_cursor] : NULL;
            if (!c || c->offset != off || !frame_matches_index(t, c)) {
                trace_error_set(err, "%s: byte %llu: the chunk there is not what the index says",
                                r->name, (unsigned long long)off);
                return -1;
            }
            r->index_cursor++;
        }
        r->cur = t;
        r->cur_offset = off;
        return 1;
    }
    if (r->index && r->index_cursor != r->index->n_chunk) {
        trace_error_set(err, "%s: the index lists %zu chunks but the file holds %zu",
                        r->name, r->index->n_chunk, r->index_cursor);
        return -1;
    }
    if (!r->index && !r->warning[0])
        snprintf(r->warning, sizeof r->warning,
                 "%s: no index at the end (the recorder did not finish); read by scanning to byte %llu",
                 r->name, (unsigned long long)r->data_end);
    return 0;
}

int trace_reader_next(struct trace_reader *r, struct trace_event *out, struct trace_error *err)
{
    if (r->pending) {
        r->pending = false;
        *out = r->last;
        return 1;
    }
    for (;;) {
        if (r->at_end)
            return 0;
        if (r->cur && r->chunk_i < r->cur->n_chunk) {
            const Ppcrr__Chunk *ch = r->cur->chunk[r->chunk_i];
            if (r->event_i == 0)
                r->icount = ch->first_icount;
            if (r->event_i < ch->n_event) {
                const Ppcrr__Event *e = ch->event[r->event_i++];
                r->icount += e->icount_delta;
                r->last = (struct trace_event){ .index = r->ordinal++, .icount = r->icount,
                                                .frame_offset = r->cur_offset, .ev = e };
                *out = r->last;
                return 1;
            }
            r->chunk_i++;
            r->event_i = 0;
            continue;
        }
        int rc = advance_frame(r, err);
        if (rc <= 0) {
            r->at_end = rc == 0;
            return rc;
        }
    }
}

static void rewind_to(struct trace_reader *r, uint64_t pos, uint32_t string_cursor,
                      uint64_t ordinal, uint64_t icount, size_t index_cursor)
{
    drop_frame(r);
    r->index_cursor = index_cursor;
    r->pos = pos;
    r->string_cursor = string_cursor;
    r->ordinal = ordinal;
    r->icount = icount;
    r->pending = false;
    r->at_end = false;
}

int trace_reader_seek(struct trace_reader *r, uint64_t icount, struct trace_error *err)
{
    if (r->index) {
        size_t lo = 0, hi = r->index->n_chunk;   /* first chunk with last >= icount */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (r->index->chunk[mid]->last_icount < icount)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* Start one chunk early: reading it proves (through the index
         * checks in advance_frame) that it really ends before ICOUNT. */
        size_t from = lo ? lo - 1 : 0;
        if (lo == r->index->n_chunk && lo == 0) {
            rewind_to(r, r->data_end, r->string_count, 0, 0, 0);
            r->at_end = true;
            return 0;
        }
        const Ppcrr__ChunkIndex *c = r->index->chunk[from];
        rewind_to(r, c->offset, c->first_string, r->index_events_before[from],
                  from ? r->index->chunk[from - 1]->last_icount : 0, from);
    } else {
        rewind_to(r, r->first_data, r->header_strings, 0, 0, 0);
    }
    struct trace_event e;
    int rc;
    while ((rc = trace_reader_next(r, &e, err)) == 1) {
        if (e.icount >= icount) {
            r->pending = true;
            return 0;
        }
    }
    return rc;
}

/* ---- accessors ---- */

const Ppcrr__Header *trace_reader_header(const struct trace_reader *r)
{
    return r->header_frame->header;
}

const char *trace_reader_name(const struct trace_reader *r) { return r->name; }
uint64_t trace_reader_file_size(const struct trace_reader *r) { return r->size; }
uint32_t trace_reader_string_count(const struct trace_reader *r) { return r->string_count; }

const char *trace_reader_string(const struct trace_reader *r, uint32_t index)
{
    return index < r->string_count ? r->strings[index] : NULL;
}

const Ppcrr__HcallInfo *trace_reader_hcall_info(const struct trace_reader *r, uint32_t opcode)
{
    size_t lo = 0, hi = r->n_hcalls;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->hcalls[mid]->opcode == opcode)
            return r->hcalls[mid];
        if (r->hcalls[mid]->opcode < opcode)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *trace_reader_return_name(const struct trace_reader *r, int64_t value)
{
    const Ppcrr__Header *h = r->header_frame->header;
    for (size_t i = 0; i < h->n_hcall_return; i++)
        if (h->hcall_return[i]->value == value)
            return h->hcall_return[i]->name;
    return NULL;
}

const Ppcrr__Index *trace_reader_index(const struct trace_reader *r) { return r->index; }
const struct trace_reader_stats *trace_reader_stats(const struct trace_reader *r) { return &r->stats; }

const char *trace_reader_warning(const struct trace_reader *r)
{
    return r->warning[0] ? r->warning : NULL;
}
