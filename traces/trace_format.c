/*
 * Event formatting (see trace_format.h).
 *
 * Hcall arguments print as the trace's HcallInfo letters say: x hex,
 * d signed, u unsigned, b "a byte count, then the bytes big-endian in the
 * following arguments" (how H_PUT_TERM_CHAR and H_GET_TERM_CHAR pass
 * console text). Arguments without a letter print in hex.
 *
 * Text and bytes are escaped in one place each -- trace_escape_byte for
 * what `dump` shows, trace_json_escape for every JSON string any tool
 * writes -- so the tools cannot drift apart in how they show the same
 * bytes.
 */
#include "traces/trace_format.h"

#include <inttypes.h>
#include <string.h>

static const char *const kind_names[] = {
    [PPCRR__EVENT__KIND_HCALL] = "hcall",         [PPCRR__EVENT__KIND_RTAS] = "rtas",
    [PPCRR__EVENT__KIND_MMIO] = "mmio",           [PPCRR__EVENT__KIND_IRQ] = "irq",
    [PPCRR__EVENT__KIND_INTERRUPT] = "interrupt", [PPCRR__EVENT__KIND_INPUT] = "input",
    [PPCRR__EVENT__KIND_CHECKPOINT] = "checkpoint", [PPCRR__EVENT__KIND_EXIT] = "exit",
    [PPCRR__EVENT__KIND_KEYFRAME] = "keyframe",
};

const char *trace_kind_name(Ppcrr__Event__KindCase kind)
{
    if ((size_t)kind < sizeof kind_names / sizeof kind_names[0] && kind_names[kind])
        return kind_names[kind];
    return "unknown";
}

static const char *const exit_names[] = {
    [PPCRR__EXIT__REASON__UNKNOWN] = "unknown",     [PPCRR__EXIT__REASON__POWER_OFF] = "power-off",
    [PPCRR__EXIT__REASON__REBOOT] = "reboot",       [PPCRR__EXIT__REASON__OS_TERM] = "os-term",
    [PPCRR__EXIT__REASON__GUEST_CRASH] = "guest-crash", [PPCRR__EXIT__REASON__ERROR] = "error",
    [PPCRR__EXIT__REASON__LIMIT] = "limit",         [PPCRR__EXIT__REASON__USER] = "user",
};

const char *trace_exit_reason_name(Ppcrr__Exit__Reason reason)
{
    if ((size_t)reason < sizeof exit_names / sizeof exit_names[0] && exit_names[reason])
        return exit_names[reason];
    return "unknown";
}

/* Book III-S interrupt vectors (Power ISA 2.07, 6.5). */
static const struct {
    uint32_t vector;
    const char *name;
} vector_names[] = {
    { 0x100, "system-reset" },        { 0x200, "machine-check" },
    { 0x300, "data-storage" },        { 0x380, "data-segment" },
    { 0x400, "instruction-storage" }, { 0x480, "instruction-segment" },
    { 0x500, "external" },            { 0x600, "alignment" },
    { 0x700, "program" },             { 0x800, "fp-unavailable" },
    { 0x900, "decrementer" },         { 0x980, "hv-decrementer" },
    { 0xa00, "doorbell" },            { 0xc00, "system-call" },
    { 0xd00, "trace" },               { 0xe00, "hv-data-storage" },
    { 0xe20, "hv-instruction-storage" }, { 0xe40, "hv-emulation-assist" },
    { 0xe60, "hv-maintenance" },      { 0xe80, "hv-doorbell" },
    { 0xea0, "hv-virtualization" },   { 0xf00, "performance-monitor" },
    { 0xf20, "vmx-unavailable" },     { 0xf40, "vsx-unavailable" },
    { 0xf60, "facility-unavailable" }, { 0xf80, "hv-facility-unavailable" },
};

const char *trace_vector_name(uint32_t vector)
{
    for (size_t i = 0; i < sizeof vector_names / sizeof vector_names[0]; i++)
        if (vector_names[i].vector == vector)
            return vector_names[i].name;
    return NULL;
}

/* ---- text ---- */

size_t trace_escape_byte(uint8_t c, char quote, char out[4])
{
    static const char named[] = { ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't' };
    static const char hex[] = "0123456789abcdef";
    if (c < sizeof named && named[c]) {
        out[0] = '\\';
        out[1] = named[c];
        return 2;
    }
    if (c == '\\' || c == (uint8_t)quote) {
        out[0] = '\\';
        out[1] = (char)c;
        return 2;
    }
    if (c >= 0x20 && c < 0x7f) {
        out[0] = (char)c;
        return 1;
    }
    out[0] = '\\';
    out[1] = 'x';
    out[2] = hex[c >> 4];
    out[3] = hex[c & 0xf];
    return 4;
}

static void print_escaped(FILE *out, const uint8_t *p, size_t n, char quote)
{
    fputc(quote, out);
    for (size_t i = 0; i < n; i++) {
        char esc[4];
        fwrite(esc, 1, trace_escape_byte(p[i], quote, esc), out);
    }
    fputc(quote, out);
}

void trace_print_hex(FILE *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%02x", p[i]);
}

/* Bytes packed big-endian into 64-bit register values, as PAPR passes text. */
size_t trace_unpack_be_bytes(const uint64_t *v, size_t nv, uint64_t count, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < nv && n < count && n < cap; i++)
        for (int b = 7; b >= 0 && n < count && n < cap; b--)
            buf[n++] = (uint8_t)(v[i] >> (8 * b));
    return n;
}

void trace_print_text(FILE *out, const char *s)
{
    for (const uint8_t *p = (const uint8_t *)s; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", out);
        else if (*p >= 0x20 && *p < 0x7f)
            fputc(*p, out);
        else
            fprintf(out, "\\x%02x", *p);
    }
}

static void print_values(FILE *out, const char *letters, const uint64_t *v, size_t n)
{
    size_t nl = letters ? strlen(letters) : 0;
    for (size_t i = 0; i < n; i++) {
        char letter = i < nl ? letters[i] : 'x';
        if (i)
            fputs(", ", out);
        if (letter == 'b') {
            uint8_t buf[256];
            size_t len = trace_unpack_be_bytes(v + i + 1, n - i - 1, v[i], buf, sizeof buf);
            fprintf(out, "%" PRIu64 ", ", v[i]);
            print_escaped(out, buf, len, len == 1 ? '\'' : '"');
            return;
        }
        if (letter == 'd')
            fprintf(out, "%" PRId64, (int64_t)v[i]);
        else if (letter == 'u')
            fprintf(out, "%" PRIu64, v[i]);
        else
            fprintf(out, "0x%" PRIx64, v[i]);
    }
}

static void print_u32_list(FILE *out, const uint32_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, i ? ", %" PRIu32 : "%" PRIu32, v[i]);
}

static const char *string_or(const struct trace_reader *r, uint32_t idx)
{
    const char *s = trace_reader_string(r, idx);
    return s ? s : "?";
}

static const char *name_or(trace_string_fn string, const void *ctx, uint32_t idx)
{
    const char *s = string(ctx, idx);
    return s ? s : "?";
}

static void format_hcall(FILE *out, const struct trace_reader *r, const Ppcrr__Hcall *h)
{
    const Ppcrr__HcallInfo *info = trace_reader_hcall_info(r, h->opcode);
    if (info)
        trace_print_text(out, info->name);
    else
        fprintf(out, "hcall_0x%" PRIx32, h->opcode);
    fputc('(', out);
    print_values(out, info ? info->args : NULL, h->arg, h->n_arg);
    const char *ret = trace_reader_return_name(r, h->ret);
    fputs(") = ", out);
    if (ret)
        trace_print_text(out, ret);
    else
        fprintf(out, "%" PRId64, h->ret);
    if (h->n_output) {
        fputs(" [", out);
        print_values(out, info ? info->outputs : NULL, h->output, h->n_output);
        fputc(']', out);
    }
}

void trace_format_body_names(FILE *out, const struct trace_reader *r, const Ppcrr__Event *e,
                             trace_string_fn string, const void *ctx)
{
    switch (e->kind_case) {
    case PPCRR__EVENT__KIND_HCALL:
        format_hcall(out, r, e->hcall);
        break;
    case PPCRR__EVENT__KIND_RTAS:
        fputs("rtas ", out);
        trace_print_text(out, name_or(string, ctx, e->rtas->token_name));
        fputc('(', out);
        print_u32_list(out, e->rtas->arg, e->rtas->n_arg);
        fputs(") = [", out);
        print_u32_list(out, e->rtas->ret, e->rtas->n_ret);
        fputc(']', out);
        break;
    case PPCRR__EVENT__KIND_MMIO:
        fprintf(out, "mmio %s ", e->mmio->write ? "write" : "read");
        trace_print_text(out, name_or(string, ctx, e->mmio->region));
        fprintf(out, " 0x%" PRIx64 "/%" PRIu32 " %s 0x%" PRIx64, e->mmio->addr, e->mmio->size,
                e->mmio->write ? "<-" : "->", e->mmio->value);
        break;
    case PPCRR__EVENT__KIND_IRQ:
        fputs("irq ", out);
        trace_print_text(out, name_or(string, ctx, e->irq->line));
        fprintf(out, " %" PRIu32, e->irq->level);
        break;
    case PPCRR__EVENT__KIND_INTERRUPT: {
        const char *name = trace_vector_name(e->interrupt->vector);
        fprintf(out, "interrupt 0x%" PRIx32 " (%s)", e->interrupt->vector, name ? name : "?");
        break;
    }
    case PPCRR__EVENT__KIND_INPUT:
        fputs("input ", out);
        trace_print_text(out, name_or(string, ctx, e->input->source));
        fputc(' ', out);
        print_escaped(out, e->input->data.data, e->input->data.len, '"');
        break;
    case PPCRR__EVENT__KIND_CHECKPOINT:
        fputs("checkpoint ", out);
        trace_print_hex(out, e->checkpoint->digest.data, e->checkpoint->digest.len);
        break;
    case PPCRR__EVENT__KIND_KEYFRAME:
        fprintf(out, "keyframe %s ", e->keyframe->restored ? "restored from" : "saved to");
        print_escaped(out, (const uint8_t *)e->keyframe->snapshot, strlen(e->keyframe->snapshot), '"');
        if (e->keyframe->digest.len) {
            fputc(' ', out);
            trace_print_hex(out, e->keyframe->digest.data, e->keyframe->digest.len);
        }
        break;
    case PPCRR__EVENT__KIND_EXIT:
        fprintf(out, "exit %s %" PRId64, trace_exit_reason_name(e->exit->reason), e->exit->code);
        if (e->exit->message && e->exit->message[0]) {
            fputc(' ', out);
            print_escaped(out, (const uint8_t *)e->exit->message, strlen(e->exit->message), '"');
        }
        break;
    default:
        fputs("unknown event", out);
        break;
    }
}

static const char *reader_string(const void *ctx, uint32_t idx)
{
    return trace_reader_string(ctx, idx);
}

void trace_format_body(FILE *out, const struct trace_reader *r, const Ppcrr__Event *e)
{
    trace_format_body_names(out, r, e, reader_string, r);
}

void trace_format_text(FILE *out, const struct trace_reader *r, const struct trace_event *e)
{
    fprintf(out, "%" PRIu64 " %" PRIu32 " 0x%" PRIx64 " ", e->icount, e->ev->cpu, e->ev->pc);
    trace_format_body(out, r, e->ev);
    fputc('\n', out);
}

/* ---- JSON ---- */

/* One escape: a backslash before a quote or backslash, \u00NN for a
 * control character, DEL, or a byte >= 0x80 that may not pass. */
static size_t json_escape_byte(uint8_t c, char out[6])
{
    static const char hex[] = "0123456789abcdef";
    out[0] = '\\';
    if (c == '"' || c == '\\') {
        out[1] = (char)c;
        return 2;
    }
    memcpy(out + 1, "u00", 3);
    out[4] = hex[c >> 4];
    out[5] = hex[c & 0xf];
    return 6;
}

/* Bytes that pass as they are go to PUT a run at a time, not one by one. */
void trace_json_escape(const char *s, size_t n, enum trace_json_mode mode, trace_json_put *put,
                       void *ctx)
{
    bool high = mode == TRACE_JSON_UTF8 || (mode == TRACE_JSON_TEXT && trace_utf8_valid(s, n));
    size_t run = 0;     /* where the bytes that pass as they are began */
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c != '"' && c != '\\' && ((c >= 0x20 && c < 0x7f) || (c >= 0x80 && high)))
            continue;
        char esc[6];
        if (i > run)
            put(ctx, s + run, i - run);
        put(ctx, esc, json_escape_byte(c, esc));
        run = i + 1;
    }
    if (n > run)
        put(ctx, s + run, n - run);
}

static void json_put_file(void *out, const char *p, size_t n)
{
    fwrite(p, 1, n, out);
}

static void json_quoted(FILE *out, const char *s, size_t n, enum trace_json_mode mode)
{
    fputc('"', out);
    trace_json_escape(s, n, mode, json_put_file, out);
    fputc('"', out);
}

void trace_json_chars(FILE *out, const char *s)
{
    trace_json_escape(s, strlen(s), TRACE_JSON_TEXT, json_put_file, out);
}

void trace_json_string(FILE *out, const char *s)
{
    json_quoted(out, s, strlen(s), TRACE_JSON_TEXT);
}

static void json_str(FILE *out, const char *key, const char *s)
{
    fprintf(out, ",\"%s\":", key);
    trace_json_string(out, s);
}

static void json_hex_list(FILE *out, const char *key, const uint64_t *v, size_t n)
{
    fprintf(out, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++)
        fprintf(out, i ? ",\"0x%" PRIx64 "\"" : "\"0x%" PRIx64 "\"", v[i]);
    fputc(']', out);
}

static void json_u32_list(FILE *out, const char *key, const uint32_t *v, size_t n)
{
    fprintf(out, ",\"%s\":[", key);
    print_u32_list(out, v, n);
    fputc(']', out);
}

static void json_hcall(FILE *out, const struct trace_reader *r, const Ppcrr__Hcall *h)
{
    const Ppcrr__HcallInfo *info = trace_reader_hcall_info(r, h->opcode);
    const char *ret = trace_reader_return_name(r, h->ret);
    fprintf(out, ",\"opcode\":%" PRIu32, h->opcode);
    if (info)
        json_str(out, "name", info->name);
    json_hex_list(out, "args", h->arg, h->n_arg);
    fprintf(out, ",\"ret\":%" PRId64, h->ret);
    if (ret)
        json_str(out, "ret_name", ret);
    json_hex_list(out, "outputs", h->output, h->n_output);
    fprintf(out, ",\"host_ns\":%" PRIu64, h->host_ns);
    if (h->caller)
        fprintf(out, ",\"caller\":\"0x%" PRIx64 "\"", h->caller);
}

void trace_format_json(FILE *out, const struct trace_reader *r, const struct trace_event *ev)
{
    const Ppcrr__Event *e = ev->ev;
    fprintf(out, "{\"index\":%" PRIu64 ",\"icount\":%" PRIu64 ",\"cpu\":%" PRIu32
                 ",\"pc\":\"0x%" PRIx64 "\",\"kind\":\"%s\"",
            ev->index, ev->icount, e->cpu, e->pc, trace_kind_name(e->kind_case));
    switch (e->kind_case) {
    case PPCRR__EVENT__KIND_HCALL:
        json_hcall(out, r, e->hcall);
        break;
    case PPCRR__EVENT__KIND_RTAS:
        json_str(out, "token_name", string_or(r, e->rtas->token_name));
        fprintf(out, ",\"token\":%" PRIu32, e->rtas->token);
        json_u32_list(out, "args", e->rtas->arg, e->rtas->n_arg);
        json_u32_list(out, "rets", e->rtas->ret, e->rtas->n_ret);
        break;
    case PPCRR__EVENT__KIND_MMIO:
        json_str(out, "region", string_or(r, e->mmio->region));
        fprintf(out, ",\"addr\":\"0x%" PRIx64 "\",\"size\":%" PRIu32 ",\"write\":%s,\"value\":\"0x%" PRIx64 "\"",
                e->mmio->addr, e->mmio->size, e->mmio->write ? "true" : "false", e->mmio->value);
        break;
    case PPCRR__EVENT__KIND_IRQ:
        json_str(out, "line", string_or(r, e->irq->line));
        fprintf(out, ",\"level\":%" PRIu32, e->irq->level);
        break;
    case PPCRR__EVENT__KIND_INTERRUPT: {
        const char *name = trace_vector_name(e->interrupt->vector);
        fprintf(out, ",\"vector\":\"0x%" PRIx32 "\"", e->interrupt->vector);
        if (name)
            json_str(out, "vector_name", name);
        break;
    }
    case PPCRR__EVENT__KIND_INPUT:
        json_str(out, "source", string_or(r, e->input->source));
        fputs(",\"data\":", out);
        json_quoted(out, (const char *)e->input->data.data, e->input->data.len, TRACE_JSON_BYTES);
        break;
    case PPCRR__EVENT__KIND_CHECKPOINT:
        fputs(",\"digest\":\"", out);
        trace_print_hex(out, e->checkpoint->digest.data, e->checkpoint->digest.len);
        fputc('"', out);
        break;
    case PPCRR__EVENT__KIND_KEYFRAME:
        fprintf(out, ",\"restored\":%s", e->keyframe->restored ? "true" : "false");
        json_str(out, "snapshot", e->keyframe->snapshot);
        fputs(",\"digest\":\"", out);
        trace_print_hex(out, e->keyframe->digest.data, e->keyframe->digest.len);
        fputc('"', out);
        break;
    case PPCRR__EVENT__KIND_EXIT:
        json_str(out, "reason", trace_exit_reason_name(e->exit->reason));
        fprintf(out, ",\"code\":%" PRId64, e->exit->code);
        if (e->exit->message)
            json_str(out, "message", e->exit->message);
        break;
    default:
        break;
    }
    fputs("}\n", out);
}
