/*
 * event_diff.h: the comparison, one function per event kind, each naming
 * the first field that differs the way a person would say it.
 */
#include "replay/event_diff.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "emu/checkpoint.h"
#include "emu/hash64.h"
#include "traces/trace_format.h"

static const char *reader_string(const void *ctx, uint32_t index)
{
    return trace_reader_string(ctx, index);
}

struct event_names event_names_of_reader(const struct trace_reader *r)
{
    return (struct event_names){ reader_string, r, r };
}

static const char *name_of(const struct event_names *n, uint32_t index)
{
    const char *s = n->string(n->ctx, index);
    return s ? s : "?";
}

static bool say(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes the sentence; returns false (the events differ). */
static bool say(char *why, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return false;
}

static const char *hcall_name(const struct event_names *n, uint32_t opcode, char *buf, size_t len)
{
    const Ppcrr__HcallInfo *info = n->reader ? trace_reader_hcall_info(n->reader, opcode) : NULL;
    if (info && info->name[0])
        return info->name;
    snprintf(buf, len, "hcall 0x%" PRIx32, opcode);
    return buf;
}

static const char *ret_name(const struct event_names *n, int64_t value, char *buf, size_t len)
{
    const char *s = n->reader ? trace_reader_return_name(n->reader, value) : NULL;
    if (s)
        return s;
    snprintf(buf, len, "%" PRId64, value);
    return buf;
}

/* The first index where two u64 lists differ, or -1 (lengths first). */
static long first_u64_diff(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return (long)i;
    return na == nb ? -1 : (long)n;
}

static long first_u32_diff(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return (long)i;
    return na == nb ? -1 : (long)n;
}

static bool hcall_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const Ppcrr__Hcall *x = a->ev->hcall, *y = b->ev->hcall;
    if (x->opcode == y->opcode && x->ret == y->ret && x->caller == y->caller &&
        first_u64_diff(x->arg, x->n_arg, y->arg, y->n_arg) < 0 &&
        first_u64_diff(x->output, x->n_output, y->output, y->n_output) < 0)
        return true;                    /* the usual case: no names looked up */
    char nb1[32], nb2[32], rb1[32], rb2[32];
    const char *name = hcall_name(b->names, y->opcode, nb1, sizeof nb1);
    if (x->opcode != y->opcode)
        return say(why, len, "the guest called %s, trace has %s", name,
                   hcall_name(a->names, x->opcode, nb2, sizeof nb2));
    long i = first_u64_diff(x->arg, x->n_arg, y->arg, y->n_arg);
    if (i >= 0)
        return say(why, len, "%s argument r%ld is 0x%" PRIx64 ", trace has 0x%" PRIx64, name, i + 4,
                   (size_t)i < y->n_arg ? y->arg[i] : 0, (size_t)i < x->n_arg ? x->arg[i] : 0);
    if (x->ret != y->ret)
        return say(why, len, "%s returned %s, trace has %s", name, ret_name(b->names, y->ret, rb1, sizeof rb1),
                   ret_name(a->names, x->ret, rb2, sizeof rb2));
    i = first_u64_diff(x->output, x->n_output, y->output, y->n_output);
    if (i >= 0)
        return say(why, len, "%s output r%ld is 0x%" PRIx64 ", trace has 0x%" PRIx64, name, i + 4,
                   (size_t)i < y->n_output ? y->output[i] : 0, (size_t)i < x->n_output ? x->output[i] : 0);
    if (x->caller != y->caller)
        return say(why, len, "%s called from 0x%" PRIx64 ", trace has 0x%" PRIx64, name, y->caller, x->caller);
    return true;
}

static bool rtas_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const Ppcrr__Rtas *x = a->ev->rtas, *y = b->ev->rtas;
    const char *name = name_of(b->names, y->token_name);
    if (strcmp(name, name_of(a->names, x->token_name)) != 0 || x->token != y->token)
        return say(why, len, "the guest called RTAS %s, trace has %s", name, name_of(a->names, x->token_name));
    long i = first_u32_diff(x->arg, x->n_arg, y->arg, y->n_arg);
    if (i >= 0)
        return say(why, len, "RTAS %s argument %ld is %" PRIu32 ", trace has %" PRIu32, name, i,
                   (size_t)i < y->n_arg ? y->arg[i] : 0, (size_t)i < x->n_arg ? x->arg[i] : 0);
    i = first_u32_diff(x->ret, x->n_ret, y->ret, y->n_ret);
    if (i >= 0)
        return say(why, len, "RTAS %s returned %" PRId32 " in result %ld, trace has %" PRId32, name,
                   (int32_t)((size_t)i < y->n_ret ? y->ret[i] : 0), i,
                   (int32_t)((size_t)i < x->n_ret ? x->ret[i] : 0));
    return true;
}

static bool mmio_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const Ppcrr__Mmio *x = a->ev->mmio, *y = b->ev->mmio;
    const char *region = name_of(b->names, y->region);
    if (strcmp(region, name_of(a->names, x->region)) != 0 || x->addr != y->addr || x->size != y->size ||
        x->write != y->write)
        return say(why, len, "MMIO %s of %s at 0x%" PRIx64 "/%" PRIu32 ", trace has a %s of %s at 0x%" PRIx64
                   "/%" PRIu32, y->write ? "write" : "read", region, y->addr, y->size,
                   x->write ? "write" : "read", name_of(a->names, x->region), x->addr, x->size);
    if (x->value != y->value)
        return say(why, len, "MMIO %s of %s at 0x%" PRIx64 " %s 0x%" PRIx64 ", trace has 0x%" PRIx64,
                   y->write ? "write" : "read", region, y->addr, y->write ? "wrote" : "read", y->value, x->value);
    return true;
}

static bool irq_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const Ppcrr__Irq *x = a->ev->irq, *y = b->ev->irq;
    const char *line = name_of(b->names, y->line);
    if (strcmp(line, name_of(a->names, x->line)) != 0 || x->level != y->level)
        return say(why, len, "IRQ line %s went to %" PRIu32 ", trace has %s going to %" PRIu32, line, y->level,
                   name_of(a->names, x->line), x->level);
    return true;
}

static bool interrupt_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    uint32_t x = a->ev->interrupt->vector, y = b->ev->interrupt->vector;
    if (x != y)
        return say(why, len, "interrupt 0x%" PRIx32 " delivered, trace has 0x%" PRIx32, y, x);
    return true;
}

static bool input_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const Ppcrr__Input *x = a->ev->input, *y = b->ev->input;
    const char *source = name_of(b->names, y->source);
    if (strcmp(source, name_of(a->names, x->source)) != 0)
        return say(why, len, "input from %s, trace has input from %s", source, name_of(a->names, x->source));
    if (x->data.len != y->data.len || (x->data.len && memcmp(x->data.data, y->data.data, x->data.len) != 0))
        return say(why, len, "input from %s carries other bytes (%zu, trace has %zu)", source, y->data.len,
                   x->data.len);
    return true;
}

static bool checkpoint_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const ProtobufCBinaryData *x = &a->ev->checkpoint->digest, *y = &b->ev->checkpoint->digest;
    if (x->len == y->len && memcmp(x->data, y->data, x->len) == 0)
        return true;
    if (x->len != CHECKPOINT_DIGEST_SIZE || y->len != CHECKPOINT_DIGEST_SIZE)
        return say(why, len, "the state digest differs (%zu bytes, trace has %zu)", y->len, x->len);
    char parts[128] = "";
    for (unsigned i = 0; i < CHECKPOINT_PARTS; i++)
        if (memcmp(x->data + 8 * i, y->data + 8 * i, 8) != 0)
            snprintf(parts + strlen(parts), sizeof parts - strlen(parts), "%s%s", parts[0] ? ", " : "",
                     checkpoint_part_names[i]);
    return say(why, len, "the machine state differs from the recorded one in: %s", parts);
}

static bool exit_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const Ppcrr__Exit *x = a->ev->exit, *y = b->ev->exit;
    if (x->reason != y->reason || x->code != y->code)
        return say(why, len, "the run ended with %s %" PRId64 ", trace has %s %" PRId64,
                   trace_exit_reason_name(y->reason), y->code, trace_exit_reason_name(x->reason), x->code);
    return true;
}

/* Where snapshots were saved is not guest behaviour; the digest is. */
static bool keyframe_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const ProtobufCBinaryData *x = &a->ev->keyframe->digest, *y = &b->ev->keyframe->digest;
    if (x->len && y->len && (x->len != y->len || memcmp(x->data, y->data, x->len) != 0))
        return say(why, len, "the state digest at this keyframe differs from the recorded one");
    return true;
}

typedef bool (*same_fn)(const struct event_side *a, const struct event_side *b, char *why, size_t len);

static const same_fn same_by_kind[] = {
    [PPCRR__EVENT__KIND_HCALL] = hcall_same,
    [PPCRR__EVENT__KIND_RTAS] = rtas_same,
    [PPCRR__EVENT__KIND_MMIO] = mmio_same,
    [PPCRR__EVENT__KIND_IRQ] = irq_same,
    [PPCRR__EVENT__KIND_INTERRUPT] = interrupt_same,
    [PPCRR__EVENT__KIND_INPUT] = input_same,
    [PPCRR__EVENT__KIND_CHECKPOINT] = checkpoint_same,
    [PPCRR__EVENT__KIND_EXIT] = exit_same,
    [PPCRR__EVENT__KIND_KEYFRAME] = keyframe_same,
};

bool event_same(const struct event_side *a, const struct event_side *b, char *why, size_t len)
{
    const Ppcrr__Event *x = a->ev, *y = b->ev;
    if (x->kind_case != y->kind_case)
        return say(why, len, "%s event, trace has %s event", trace_kind_name(y->kind_case),
                   trace_kind_name(x->kind_case));
    size_t k = (size_t)x->kind_case;
    if (k < sizeof same_by_kind / sizeof same_by_kind[0] && same_by_kind[k] && !same_by_kind[k](a, b, why, len))
        return false;
    if (a->icount != b->icount)
        return say(why, len, "the same %s event at icount %" PRIu64 ", trace has it at %" PRIu64,
                   trace_kind_name(y->kind_case), b->icount, a->icount);
    if (x->cpu != y->cpu)
        return say(why, len, "the same %s event on vCPU %" PRIu32 ", trace has vCPU %" PRIu32,
                   trace_kind_name(y->kind_case), y->cpu, x->cpu);
    if (x->pc != y->pc)
        return say(why, len, "the same %s event at pc 0x%" PRIx64 ", trace has 0x%" PRIx64,
                   trace_kind_name(y->kind_case), y->pc, x->pc);
    return true;
}

static uint64_t fold_str(uint64_t h, const char *s)
{
    return hash64_fold(h, hash64(s, strlen(s), 0));
}

static uint64_t fold_u64s(uint64_t h, const uint64_t *v, size_t n)
{
    return hash64_fold(h, hash64(v, n * sizeof *v, n));
}

static uint64_t fold_u32s(uint64_t h, const uint32_t *v, size_t n)
{
    return hash64_fold(h, hash64(v, n * sizeof *v, n));
}

uint64_t event_identity(const Ppcrr__Event *e, const struct event_names *n)
{
    uint64_t h = hash64_fold((uint64_t)e->kind_case, e->cpu);
    switch (e->kind_case) {
    case PPCRR__EVENT__KIND_HCALL:
        return fold_u64s(hash64_fold(h, e->hcall->opcode), e->hcall->arg, e->hcall->n_arg);
    case PPCRR__EVENT__KIND_RTAS:
        return fold_u32s(fold_str(h, name_of(n, e->rtas->token_name)), e->rtas->arg, e->rtas->n_arg);
    case PPCRR__EVENT__KIND_MMIO:
        return hash64_fold(hash64_fold(fold_str(h, name_of(n, e->mmio->region)), e->mmio->addr),
                           (uint64_t)e->mmio->write << 8 | e->mmio->size);
    case PPCRR__EVENT__KIND_IRQ:
        return fold_str(h, name_of(n, e->irq->line));
    case PPCRR__EVENT__KIND_INTERRUPT:
        return hash64_fold(h, e->interrupt->vector);
    case PPCRR__EVENT__KIND_INPUT:
        return fold_str(h, name_of(n, e->input->source));
    default:
        return h;       /* checkpoints and the exit: one of a kind per place */
    }
}

uint64_t event_digest(const Ppcrr__Event *e, const struct event_names *n)
{
    uint64_t h = hash64_fold(event_identity(e, n), e->pc);
    switch (e->kind_case) {
    case PPCRR__EVENT__KIND_HCALL:
        return hash64_fold(fold_u64s(hash64_fold(h, (uint64_t)e->hcall->ret), e->hcall->output,
                                     e->hcall->n_output), e->hcall->caller);
    case PPCRR__EVENT__KIND_RTAS:
        return fold_u32s(h, e->rtas->ret, e->rtas->n_ret);
    case PPCRR__EVENT__KIND_MMIO:
        return hash64_fold(h, e->mmio->value);
    case PPCRR__EVENT__KIND_IRQ:
        return hash64_fold(h, e->irq->level);
    case PPCRR__EVENT__KIND_INPUT:
        return hash64_fold(h, hash64(e->input->data.data, e->input->data.len, 0));
    case PPCRR__EVENT__KIND_CHECKPOINT:
        return hash64_fold(h, hash64(e->checkpoint->digest.data, e->checkpoint->digest.len, 0));
    case PPCRR__EVENT__KIND_EXIT:
        return hash64_fold(hash64_fold(h, (uint64_t)e->exit->reason), (uint64_t)e->exit->code);
    case PPCRR__EVENT__KIND_KEYFRAME:
        return hash64_fold(h, hash64(e->keyframe->digest.data, e->keyframe->digest.len, 0));
    default:
        return h;
    }
}
