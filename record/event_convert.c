/*
 * One emu event (emu/event.h) as a trace Event (traces/trace.proto). The
 * recorder writes what this gives; the replayer converts what the guest
 * does now the same way and compares it with what the trace holds, so the
 * two can never disagree about how an event is represented.
 *
 * Arrays are handed to protobuf-c in place: the Event is valid while the
 * emu event and the storage are.
 */
#include "record/event_convert.h"

struct convert {
    record_intern_fn intern;
    void *ctx;
};

static uint32_t name_index(const struct convert *r, const char *name)
{
    return r->intern(r->ctx, name ? name : "");
}

static void convert_hcall(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                          struct record_event_storage *s)
{
    (void)r;
    ppcrr__hcall__init(&s->hcall);
    s->hcall.opcode = e->u.hcall.opcode;
    s->hcall.n_arg = e->u.hcall.nargs;
    s->hcall.arg = (uint64_t *)e->u.hcall.args;
    s->hcall.ret = e->u.hcall.ret;
    s->hcall.n_output = e->u.hcall.nrets;
    s->hcall.output = (uint64_t *)e->u.hcall.rets;
    s->hcall.host_ns = e->u.hcall.host_ns;
    s->hcall.caller = e->u.hcall.caller;
    ev->kind_case = PPCRR__EVENT__KIND_HCALL;
    ev->hcall = &s->hcall;
}

static void convert_rtas(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                         struct record_event_storage *s)
{
    ppcrr__rtas__init(&s->rtas);
    s->rtas.token_name = name_index(r, e->u.rtas.token_name);
    s->rtas.token = e->u.rtas.token;
    s->rtas.n_arg = e->u.rtas.nargs;
    s->rtas.arg = (uint32_t *)e->u.rtas.args;
    s->rtas.n_ret = e->u.rtas.nrets;
    s->rtas.ret = (uint32_t *)e->u.rtas.rets;
    ev->kind_case = PPCRR__EVENT__KIND_RTAS;
    ev->rtas = &s->rtas;
}

static void convert_mmio(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                         struct record_event_storage *s)
{
    ppcrr__mmio__init(&s->mmio);
    s->mmio.region = name_index(r, e->u.mmio.region);
    s->mmio.addr = e->u.mmio.addr;
    s->mmio.size = e->u.mmio.size;
    s->mmio.write = e->u.mmio.write != 0;
    s->mmio.value = e->u.mmio.value;
    ev->kind_case = PPCRR__EVENT__KIND_MMIO;
    ev->mmio = &s->mmio;
}

static void convert_irq(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                         struct record_event_storage *s)
{
    ppcrr__irq__init(&s->irq);
    s->irq.line = name_index(r, e->u.irq.line);
    s->irq.level = (uint32_t)e->u.irq.level;
    ev->kind_case = PPCRR__EVENT__KIND_IRQ;
    ev->irq = &s->irq;
}

static void convert_interrupt(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                              struct record_event_storage *s)
{
    (void)r;
    ppcrr__interrupt__init(&s->interrupt);
    s->interrupt.vector = e->u.interrupt.vector;
    ev->kind_case = PPCRR__EVENT__KIND_INTERRUPT;
    ev->interrupt = &s->interrupt;
}

static void convert_input(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                         struct record_event_storage *s)
{
    ppcrr__input__init(&s->input);
    s->input.source = name_index(r, e->u.input.source);
    s->input.data.data = (uint8_t *)e->u.input.data;
    s->input.data.len = e->u.input.len;
    ev->kind_case = PPCRR__EVENT__KIND_INPUT;
    ev->input = &s->input;
}

static void convert_checkpoint(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                               struct record_event_storage *s)
{
    (void)r;
    ppcrr__checkpoint__init(&s->checkpoint);
    s->checkpoint.digest.data = (uint8_t *)e->u.checkpoint.digest;
    s->checkpoint.digest.len = e->u.checkpoint.len;
    ev->kind_case = PPCRR__EVENT__KIND_CHECKPOINT;
    ev->checkpoint = &s->checkpoint;
}

static void convert_exit(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                         struct record_event_storage *s)
{
    (void)r;
    ppcrr__exit__init(&s->exit);
    /* emu's exit_reason and Exit.Reason share their numbers. */
    s->exit.reason = (Ppcrr__Exit__Reason)e->u.exit.reason;
    s->exit.code = e->u.exit.code;
    s->exit.message = (char *)(e->u.exit.message ? e->u.exit.message : "");
    ev->kind_case = PPCRR__EVENT__KIND_EXIT;
    ev->exit = &s->exit;
}

static void convert_keyframe(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                             struct record_event_storage *s)
{
    (void)r;
    ppcrr__keyframe__init(&s->keyframe);
    s->keyframe.digest.data = (uint8_t *)e->u.keyframe.digest;
    s->keyframe.digest.len = e->u.keyframe.digest ? e->u.keyframe.len : 0;
    s->keyframe.restored = e->u.keyframe.restored != 0;
    s->keyframe.snapshot = (char *)(e->u.keyframe.file ? e->u.keyframe.file : "");
    ev->kind_case = PPCRR__EVENT__KIND_KEYFRAME;
    ev->keyframe = &s->keyframe;
}

typedef void (*convert_fn)(const struct convert *r, const struct event *e, Ppcrr__Event *ev,
                           struct record_event_storage *s);

static const convert_fn converters[] = {
    [EVENT_HCALL] = convert_hcall,
    [EVENT_RTAS] = convert_rtas,
    [EVENT_MMIO] = convert_mmio,
    [EVENT_IRQ] = convert_irq,
    [EVENT_INTERRUPT] = convert_interrupt,
    [EVENT_INPUT] = convert_input,
    [EVENT_CHECKPOINT] = convert_checkpoint,
    [EVENT_EXIT] = convert_exit,
    [EVENT_KEYFRAME] = convert_keyframe,
};

bool record_event_convert(const struct event *e, Ppcrr__Event *ev, struct record_event_storage *storage,
                          record_intern_fn intern, void *ctx)
{
    if ((size_t)e->kind >= sizeof converters / sizeof converters[0] || !converters[e->kind])
        return false;
    struct convert c = { intern, ctx };
    ppcrr__event__init(ev);
    ev->cpu = e->cpu;
    ev->pc = e->pc;
    converters[e->kind](&c, e, ev, storage);
    return true;
}
