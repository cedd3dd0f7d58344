/*
 * Trace writer (see trace_writer.h for the contract, trace_file.h for the
 * layout).
 *
 * Events are packed by protobuf-c straight into the chunk buffer as
 * `Chunk.event` fields, so building a chunk costs one pack per event and no
 * message tree. At flush the frame's own framing (the new strings and the
 * `Trace.chunk` tag and length, known only then) is compressed first and
 * the chunk body after it, in one zstd frame, without copying the body.
 */
#include "traces/trace_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>

#include "traces/trace_wire.h"

struct chunk_entry {
    uint64_t offset, compressed_size, uncompressed_size;
    uint64_t first_icount, last_icount, event_count;
    uint32_t first_string, string_count;
};

struct trace_writer {
    int fd;
    char *path;
    bool started;
    bool failed;
    char first_error[sizeof(struct trace_error)];   /* reported again by later calls */
    struct trace_writer_options opt;
    struct trace_writer_stats stats;

    ZSTD_CCtx *cctx;
    uint8_t *out;          /* compressed frame */
    size_t out_cap;

    /* The chunk being built: Chunk fields, without the Trace.chunk tag. */
    uint8_t *body;
    size_t body_len, body_cap;
    uint64_t chunk_first_icount, chunk_last_icount, chunk_events;
    struct timespec chunk_started;
    uint64_t last_icount;

    /* String table, and an open-addressing map from text to index. */
    char **strings;
    uint32_t string_count, strings_cap, strings_written, header_strings;
    uint32_t *map;         /* index + 1, 0 = empty */
    uint32_t map_cap;

    struct chunk_entry *index;
    size_t index_len, index_cap;
};

static const struct trace_writer_options default_options = {
    .chunk_bytes = TRACE_WRITER_DEFAULT_CHUNK_BYTES,
    .chunk_icount = TRACE_WRITER_DEFAULT_CHUNK_ICOUNT,
    .chunk_ms = 0,
    .zstd_level = TRACE_WRITER_DEFAULT_LEVEL,
};

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static int fail(struct trace_writer *w, struct trace_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct trace_writer *w, struct trace_error *err, const char *fmt, ...)
{
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (w->failed) {
        /* Report the error that broke the writer, not a consequence of it. */
        trace_error_set(err, "%s", w->first_error);
        return -1;
    }
    snprintf(w->first_error, sizeof w->first_error, "%s: %s", w->path, detail);
    trace_error_set(err, "%s", w->first_error);
    w->failed = true;
    return -1;
}

static int write_all(struct trace_writer *w, const void *data, size_t len,
                     struct trace_error *err)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return fail(w, err, "write failed at byte %llu: %s",
                        (unsigned long long)w->stats.file_bytes,
                        n < 0 ? strerror(errno) : "no progress");
        p += n;
        len -= (size_t)n;
        w->stats.file_bytes += (uint64_t)n;
    }
    return 0;
}

static int write_skippable(struct trace_writer *w, uint32_t magic, const void *payload,
                           size_t len, struct trace_error *err)
{
    uint8_t hdr[8];
    trace_put_le32(hdr, magic);
    trace_put_le32(hdr + 4, (uint32_t)len);
    if (write_all(w, hdr, sizeof hdr, err) < 0)
        return -1;
    return write_all(w, payload, len, err);
}

/* Compresses PREFIX then BODY as one frame and writes it. */
static int write_frame(struct trace_writer *w, const uint8_t *prefix, size_t prefix_len,
                       const uint8_t *body, size_t body_len, struct trace_error *err)
{
    size_t total = prefix_len + body_len;
    if (total > TRACE_MAX_FRAME_CONTENT)
        return fail(w, err, "frame of %zu bytes exceeds the format's limit", total);
    if (!grow((void **)&w->out, &w->out_cap, ZSTD_compressBound(total), 1))
        return fail(w, err, "out of memory");

    ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
    ZSTD_CCtx_setPledgedSrcSize(w->cctx, total);
    ZSTD_outBuffer out = { w->out, w->out_cap, 0 };
    ZSTD_inBuffer in = { prefix, prefix_len, 0 };
    size_t rc = ZSTD_compressStream2(w->cctx, &out, &in, ZSTD_e_continue);
    if (!ZSTD_isError(rc)) {
        in = (ZSTD_inBuffer){ body, body_len, 0 };
        do
            rc = ZSTD_compressStream2(w->cctx, &out, &in, ZSTD_e_end);
        while (!ZSTD_isError(rc) && rc != 0 && out.pos < out.size);
    }
    if (ZSTD_isError(rc) || rc != 0)
        return fail(w, err, "zstd compression failed: %s",
                    ZSTD_isError(rc) ? ZSTD_getErrorName(rc) : "output buffer too small");
    w->stats.uncompressed_bytes += total;
    return write_all(w, w->out, out.pos, err);
}

struct trace_writer *trace_writer_create(const char *path,
                                         const struct trace_writer_options *options,
                                         struct trace_error *err)
{
    struct trace_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(path))) {
        free(w);
        trace_error_set(err, "%s: out of memory", path);
        return NULL;
    }
    w->opt = options ? *options : default_options;
    if (w->opt.chunk_bytes == 0)
        w->opt.chunk_bytes = default_options.chunk_bytes;
    if (w->opt.chunk_bytes > TRACE_MAX_CHUNK_BYTES) {
        trace_error_set(err, "%s: chunks of %u bytes exceed the format's limit of %u", path,
                        w->opt.chunk_bytes, TRACE_MAX_CHUNK_BYTES);
        free(w->path);
        free(w);
        return NULL;
    }
    if (w->opt.zstd_level == 0)
        w->opt.zstd_level = default_options.zstd_level;

    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        trace_error_set(err, "%s: cannot create: %s", path, strerror(errno));
        free(w->path);
        free(w);
        return NULL;
    }
    w->cctx = ZSTD_createCCtx();
    if (!w->cctx ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->opt.zstd_level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1))) {
        trace_error_set(err, "%s: cannot set up zstd (level %d)", path, w->opt.zstd_level);
        trace_writer_abandon(w);
        return NULL;
    }
    return w;
}

static uint32_t intern_utf8(struct trace_writer *w, const char *s);

static uint32_t string_hash(const char *s)
{
    uint32_t h = 2166136261u;               /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static bool map_rehash(struct trace_writer *w)
{
    uint32_t cap = w->map_cap ? w->map_cap * 2 : 64;
    uint32_t *map = calloc(cap, sizeof *map);
    if (!map)
        return false;
    for (uint32_t i = 0; i < w->string_count; i++) {
        uint32_t slot = string_hash(w->strings[i]) & (cap - 1);
        while (map[slot])
            slot = (slot + 1) & (cap - 1);
        map[slot] = i + 1;
    }
    free(w->map);
    w->map = map;
    w->map_cap = cap;
    return true;
}

uint32_t trace_writer_intern(struct trace_writer *w, const char *text)
{
    char *clean = trace_utf8_sanitize(text);   /* NULL when already UTF-8 */
    uint32_t idx = intern_utf8(w, clean ? clean : text);
    free(clean);
    return idx;
}

static uint32_t intern_utf8(struct trace_writer *w, const char *s)
{
    if (w->map_cap) {
        uint32_t slot = string_hash(s) & (w->map_cap - 1);
        for (; w->map[slot]; slot = (slot + 1) & (w->map_cap - 1))
            if (strcmp(w->strings[w->map[slot] - 1], s) == 0)
                return w->map[slot] - 1;
    }
    size_t cap = w->strings_cap;
    char *copy = strdup(s);
    if (!copy || !grow((void **)&w->strings, &cap, (size_t)w->string_count + 1, sizeof(char *))) {
        free(copy);
        return UINT32_MAX;
    }
    w->strings_cap = (uint32_t)cap;
    w->strings[w->string_count++] = copy;
    if ((uint64_t)w->string_count * 2 > w->map_cap && !map_rehash(w)) {
        free(w->strings[--w->string_count]);
        return UINT32_MAX;
    }
    uint32_t slot = string_hash(s) & (w->map_cap - 1);
    while (w->map[slot] && w->map[slot] != w->string_count)
        slot = (slot + 1) & (w->map_cap - 1);
    w->map[slot] = w->string_count;
    return w->string_count - 1;
}

int trace_writer_start(struct trace_writer *w, const Ppcrr__Header *header,
                       struct trace_error *err)
{
    if (w->failed || w->started)
        return fail(w, err, "trace_writer_start called twice or after an error");

    uint8_t sig[TRACE_SIGNATURE_LEN];
    memcpy(sig, TRACE_SIGNATURE, TRACE_SIGNATURE_LEN);
    if (write_skippable(w, TRACE_SIG_MAGIC, sig, sizeof sig, err) < 0)
        return -1;

    /* Text that is not UTF-8 is escaped in a private copy of the header. */
    Ppcrr__Header *clean = NULL;
    if (!trace_message_utf8_valid(&header->base)) {
        size_t hlen = ppcrr__header__get_packed_size(header);
        uint8_t *hbuf = malloc(hlen ? hlen : 1);
        if (hbuf) {
            ppcrr__header__pack(header, hbuf);
            clean = ppcrr__header__unpack(NULL, hlen, hbuf);
            free(hbuf);
        }
        if (!clean || !trace_message_sanitize(&clean->base)) {
            if (clean)
                ppcrr__header__free_unpacked(clean, NULL);
            return fail(w, err, "out of memory preparing the header");
        }
        header = clean;
    }
    Ppcrr__Header h = *header;
    h.format_version = TRACE_FORMAT_VERSION;
    h.min_reader_version = TRACE_MIN_READER_VERSION;
    Ppcrr__Trace t = PPCRR__TRACE__INIT;
    t.header = &h;
    t.n_string = w->string_count;
    t.string = w->strings;
    size_t len = ppcrr__trace__get_packed_size(&t);
    uint8_t *buf = malloc(len ? len : 1);
    if (buf)
        ppcrr__trace__pack(&t, buf);
    if (clean)
        ppcrr__header__free_unpacked(clean, NULL);
    if (!buf)
        return fail(w, err, "out of memory packing the header");
    int rc = write_frame(w, buf, len, NULL, 0, err);
    free(buf);
    w->strings_written = w->header_strings = w->string_count;
    w->started = true;
    /* Events appended before the start (a device's input while the machine
     * was built) make the first chunk; it goes out once it is full. */
    if (rc == 0 && w->body_len >= w->opt.chunk_bytes)
        rc = trace_writer_flush(w, err);
    return rc;
}

/* The frame prefix: strings added since the last frame, then the tag and
 * length of Trace.chunk (if there is a chunk). */
static uint8_t *build_prefix(struct trace_writer *w, bool with_chunk, size_t *len_out)
{
    size_t need = 16;
    for (uint32_t i = w->strings_written; i < w->string_count; i++)
        need += 16 + strlen(w->strings[i]);
    uint8_t *p = malloc(need), *q = p;
    if (!p)
        return NULL;
    for (uint32_t i = w->strings_written; i < w->string_count; i++) {
        size_t n = strlen(w->strings[i]);
        q = wire_put_tag_len(q, 2, n);
        memcpy(q, w->strings[i], n);
        q += n;
    }
    if (with_chunk)
        q = wire_put_tag_len(q, 3, w->body_len);
    *len_out = (size_t)(q - p);
    return p;
}

int trace_writer_flush(struct trace_writer *w, struct trace_error *err)
{
    if (w->failed)
        return fail(w, err, "writer is in an error state");
    if (!w->started) {
        /* A misuse, not a broken file: the writer stays usable. */
        trace_error_set(err, "%s: flush before trace_writer_start: no header written", w->path);
        return -1;
    }
    bool with_chunk = w->chunk_events > 0;
    if (!with_chunk && w->strings_written == w->string_count)
        return 0;

    size_t prefix_len;
    uint8_t *prefix = build_prefix(w, with_chunk, &prefix_len);
    if (!prefix)
        return fail(w, err, "out of memory");
    uint64_t offset = w->stats.file_bytes;
    uint64_t before = w->stats.uncompressed_bytes;
    int rc = write_frame(w, prefix, prefix_len, w->body, with_chunk ? w->body_len : 0, err);
    free(prefix);
    if (rc < 0)
        return -1;

    if (with_chunk) {
        if (!grow((void **)&w->index, &w->index_cap, w->index_len + 1, sizeof *w->index))
            return fail(w, err, "out of memory");
        w->index[w->index_len++] = (struct chunk_entry){
            .offset = offset,
            .compressed_size = w->stats.file_bytes - offset,
            .uncompressed_size = w->stats.uncompressed_bytes - before,
            .first_icount = w->chunk_first_icount,
            .last_icount = w->chunk_last_icount,
            .event_count = w->chunk_events,
            .first_string = w->strings_written,
            .string_count = w->string_count - w->strings_written,
        };
        w->stats.chunks++;
    }
    w->strings_written = w->string_count;
    w->body_len = 0;
    w->chunk_events = 0;
    return 0;
}

static bool chunk_too_old(struct trace_writer *w)
{
    if (!w->opt.chunk_ms || !w->chunk_events)
        return false;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    int64_t ms = (int64_t)(now.tv_sec - w->chunk_started.tv_sec) * 1000 +
                 (now.tv_nsec - w->chunk_started.tv_nsec) / 1000000;
    return ms >= (int64_t)w->opt.chunk_ms;
}

int trace_writer_append(struct trace_writer *w, uint64_t icount, Ppcrr__Event *event,
                        struct trace_error *err)
{
    if (w->failed)
        return fail(w, err, "append after an error");
    if (icount < w->last_icount)
        return fail(w, err, "event icount %llu is before the previous event's %llu",
                    (unsigned long long)icount, (unsigned long long)w->last_icount);
    if (event->kind_case == PPCRR__EVENT__KIND__NOT_SET)
        return fail(w, err, "event at icount %llu has no kind", (unsigned long long)icount);

    /* A chunk that would span too many instructions, or that has waited
     * too long, goes out before this event, which starts the next one. */
    bool too_long = w->chunk_events && w->opt.chunk_icount &&
                    icount - w->chunk_first_icount > w->opt.chunk_icount;
    if (w->started && (too_long || chunk_too_old(w)) && trace_writer_flush(w, err) < 0)
        return -1;

    if (w->chunk_events == 0) {
        w->chunk_first_icount = icount;
        w->chunk_last_icount = icount;
        if (w->opt.chunk_ms)
            clock_gettime(CLOCK_MONOTONIC_COARSE, &w->chunk_started);
        if (!grow((void **)&w->body, &w->body_cap, WIRE_VARINT_MAX + 1, 1))
            return fail(w, err, "out of memory");
        w->body_len = (size_t)(wire_put_varint(wire_put_tag(w->body, 1, WIRE_VARINT),
                                               icount) - w->body);
    }
    /* The strings an event carries are a guest's message and a snapshot's
     * file name: escape them. */
    Ppcrr__Exit clean_exit;
    Ppcrr__Keyframe clean_keyframe;
    Ppcrr__Event clean_event;
    char *message = NULL;
    if (event->kind_case == PPCRR__EVENT__KIND_EXIT && event->exit->message &&
        (message = trace_utf8_sanitize(event->exit->message))) {
        clean_exit = *event->exit;
        clean_exit.message = message;
        clean_event = *event;
        clean_event.exit = &clean_exit;
        event = &clean_event;
    } else if (event->kind_case == PPCRR__EVENT__KIND_KEYFRAME && event->keyframe->snapshot &&
               (message = trace_utf8_sanitize(event->keyframe->snapshot))) {
        clean_keyframe = *event->keyframe;
        clean_keyframe.snapshot = message;
        clean_event = *event;
        clean_event.keyframe = &clean_keyframe;
        event = &clean_event;
    }
    event->icount_delta = icount - w->chunk_last_icount;
    size_t len = ppcrr__event__get_packed_size(event);
    if (!grow((void **)&w->body, &w->body_cap, w->body_len + len + 2 * WIRE_VARINT_MAX, 1)) {
        free(message);
        return fail(w, err, "out of memory");
    }
    uint8_t *p = wire_put_tag_len(w->body + w->body_len, 2, len);
    ppcrr__event__pack(event, p);
    w->body_len = (size_t)(p + len - w->body);
    free(message);

    w->chunk_last_icount = w->last_icount = icount;
    w->chunk_events++;
    w->stats.events++;
    if (w->started && w->body_len >= w->opt.chunk_bytes)
        return trace_writer_flush(w, err);
    return 0;
}

static int write_index(struct trace_writer *w, struct trace_error *err)
{
    Ppcrr__Index idx = PPCRR__INDEX__INIT;
    Ppcrr__ChunkIndex *entries = calloc(w->index_len + 1, sizeof *entries);
    Ppcrr__ChunkIndex **ptrs = calloc(w->index_len + 1, sizeof *ptrs);
    if (!entries || !ptrs) {
        free(entries);
        free(ptrs);
        return fail(w, err, "out of memory");
    }
    for (size_t i = 0; i < w->index_len; i++) {
        const struct chunk_entry *c = &w->index[i];
        Ppcrr__ChunkIndex *e = &entries[i];
        ppcrr__chunk_index__init(e);
        e->offset = c->offset;
        e->compressed_size = c->compressed_size;
        e->uncompressed_size = c->uncompressed_size;
        e->first_icount = c->first_icount;
        e->last_icount = c->last_icount;
        e->event_count = c->event_count;
        e->first_string = c->first_string;
        e->string_count = c->string_count;
        ptrs[i] = e;
    }
    idx.n_chunk = w->index_len;
    idx.chunk = ptrs;
    idx.n_late_string = w->string_count - w->header_strings;
    idx.late_string = idx.n_late_string ? w->strings + w->header_strings : NULL;
    idx.event_count = w->stats.events;
    idx.uncompressed_bytes = w->stats.uncompressed_bytes;

    size_t len = ppcrr__index__get_packed_size(&idx);
    uint8_t *payload = malloc(len + TRACE_FOOTER_LEN);
    int rc = -1;
    if (payload) {
        ppcrr__index__pack(&idx, payload);
        trace_put_le32(payload + len, trace_crc32(payload, len));
        trace_put_le32(payload + len + 4, 0);
        trace_put_le64(payload + len + 8, w->stats.file_bytes);
        memcpy(payload + len + 16, TRACE_FOOTER_TAG, 8);
        rc = write_skippable(w, TRACE_INDEX_MAGIC, payload, len + TRACE_FOOTER_LEN, err);
    } else {
        fail(w, err, "out of memory");
    }
    free(payload);
    free(entries);
    free(ptrs);
    return rc;
}

int trace_writer_close(struct trace_writer *w, struct trace_error *err)
{
    int rc = 0;
    if (!w->started)
        rc = fail(w, err, "closed before trace_writer_start: no header written");
    if (rc == 0)
        rc = trace_writer_flush(w, err);
    if (rc == 0)
        rc = write_index(w, err);
    if (close(w->fd) < 0 && rc == 0)
        rc = fail(w, err, "close failed: %s", strerror(errno));
    w->fd = -1;
    trace_writer_abandon(w);
    return rc;
}

void trace_writer_abandon(struct trace_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    for (uint32_t i = 0; i < w->string_count; i++)
        free(w->strings[i]);
    free(w->strings);
    free(w->map);
    free(w->index);
    free(w->body);
    free(w->out);
    ZSTD_freeCCtx(w->cctx);
    free(w->path);
    free(w);
}

const struct trace_writer_stats *trace_writer_stats(const struct trace_writer *w)
{
    return &w->stats;
}
