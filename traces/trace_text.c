/*
 * Text in traces. Protobuf `string` fields must be UTF-8 -- `protoc
 * --decode` refuses a trace that breaks this -- but what ppcrr records as
 * text is often just bytes: a Linux path, a command-line argument, a
 * message the guest wrote. The writer escapes each invalid byte as the
 * four characters \xNN, which keeps the information and the trace
 * readable by standard tools.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trace_file.h"

/* Length of the valid UTF-8 sequence at P (at most N bytes), or 0. */
static size_t utf8_sequence(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t cp = len == 1 ? c : c & (0x7fu >> len);
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[k] & 0x3f);
    }
    static const uint32_t min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;                               /* overlong, too large, surrogate */
    return len;
}

bool trace_utf8_valid(const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    for (size_t i = 0, len; i < n; i += len)
        if (!(len = utf8_sequence(p + i, n - i)))
            return false;
    return true;
}

char *trace_utf8_sanitize(const char *s)
{
    size_t n = strlen(s);
    if (trace_utf8_valid(s, n))
        return NULL;
    char *out = malloc(4 * n + 1), *q = out;
    if (!out)
        return NULL;
    const uint8_t *p = (const uint8_t *)s;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence(p + i, n - i);
        if (len) {
            memcpy(q, p + i, len);
            q += len;
            i += len;
        } else {
            q += sprintf(q, "\\x%02x", p[i++]);
        }
    }
    *q = 0;
    return out;
}

/* Calls VISIT on every string slot of M, recursively. */
static bool walk_strings(const ProtobufCMessage *m, bool (*visit)(char **slot, void *ctx), void *ctx)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned f = 0; f < d->n_fields; f++) {
        const ProtobufCFieldDescriptor *fd = &d->fields[f];
        if (fd->type != PROTOBUF_C_TYPE_STRING && fd->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)((const char *)m + fd->quantifier_offset) != fd->id)
            continue;                           /* not the oneof member that is set */
        char *base = (char *)m + fd->offset;
        size_t count = 1;
        void **items = (void **)base;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            count = *(size_t *)((char *)m + fd->quantifier_offset);
            items = *(void ***)base;
        }
        for (size_t i = 0; i < count; i++) {
            if (fd->type == PROTOBUF_C_TYPE_STRING) {
                if (items[i] && !visit((char **)&items[i], ctx))
                    return false;
            } else if (items[i] && !walk_strings(items[i], visit, ctx)) {
                return false;
            }
        }
    }
    return true;
}

static bool visit_check(char **slot, void *ctx)
{
    (void)ctx;
    return trace_utf8_valid(*slot, strlen(*slot));
}

static bool visit_sanitize(char **slot, void *ctx)
{
    (void)ctx;
    if (trace_utf8_valid(*slot, strlen(*slot)))
        return true;
    char *clean = trace_utf8_sanitize(*slot);
    if (!clean)
        return false;
    free(*slot);
    *slot = clean;
    return true;
}

bool trace_message_utf8_valid(const ProtobufCMessage *m)
{
    return walk_strings(m, visit_check, NULL);
}

bool trace_message_sanitize(ProtobufCMessage *m)
{
    return walk_strings(m, visit_sanitize, NULL);
}
