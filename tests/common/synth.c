/* Synthetic trace events (see synth.h). */
#include "tests/common/synth.h"

#include <stdlib.h>
#include <string.h>

#include "hcall/hcall_meta.h"

static uint64_t rnd(struct synth *s)
{
    uint64_t x = s->rng;            /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    return x * 0x2545F4914F6CDD1Dull;
}

void synth_init(struct synth *s, uint64_t seed, bool hcalls_only)
{
    memset(s, 0, sizeof *s);
    s->rng = seed ? seed : 1;
    s->hcalls_only = hcalls_only;
    s->icount = 1000;
    /* The indexes a fresh writer gives SYNTH_NAMES, so a synth that never
     * saw the writer regenerates the same events. */
    s->region = 0;
    s->line = 1;
    s->token = 2;
    s->source = 3;
}

void synth_intern(struct synth *s, struct trace_writer *w)
{
    static const char *const names[] = SYNTH_NAMES;
    uint32_t *slots[] = { &s->region, &s->line, &s->token, &s->source };
    for (int i = 0; i < 4; i++)
        *slots[i] = trace_writer_intern(w, names[i]);
}

static void make_hcall(struct synth *s, uint64_t r)
{
    ppcrr__hcall__init(&s->hcall);
    s->hcall.arg = s->args;
    s->hcall.output = s->outputs;
    switch (r % 10) {
    case 0: {                                   /* console output: 1..16 bytes */
        static const char text[] = "Linux version 6.1.0-ppc64le boot\n";
        uint64_t n = 1 + (r >> 8) % 16, at = (r >> 16) % (sizeof text - 17);
        s->hcall.opcode = H_PUT_TERM_CHAR;
        s->args[0] = 0;
        s->args[1] = n;
        s->args[2] = s->args[3] = 0;
        for (uint64_t i = 0; i < n; i++)
            s->args[2 + i / 8] |= (uint64_t)(uint8_t)text[at + i] << (56 - 8 * (i % 8));
        s->hcall.n_arg = 4;
        break;
    }
    case 1: case 2: case 3: case 4: case 5:     /* H_ENTER, the hot path */
        s->hcall.opcode = H_ENTER;
        s->args[0] = 0;
        s->args[1] = (r >> 4) & 0xfffff8;
        s->args[2] = 0x4000000000000001ull | ((r >> 12) & 0xffffffffff80ull);
        s->args[3] = ((r >> 20) & 0x3ffffff) << 16 | 0x190;
        s->hcall.n_arg = 4;
        s->outputs[0] = s->args[1] + (r & 7);
        s->hcall.n_output = 1;
        s->hcall.ret = (r >> 60) == 0 ? H_PTEG_FULL : H_SUCCESS;
        break;
    default:
        s->hcall.opcode = H_REMOVE;
        s->args[0] = 0x100;
        s->args[1] = (r >> 4) & 0xffffff;
        s->args[2] = (r >> 24) & 0xffffffffff;
        s->hcall.n_arg = 3;
        s->outputs[0] = s->args[2] << 7 | 1;
        s->outputs[1] = (r >> 8) & 0xfffff000;
        s->hcall.n_output = 2;
        s->hcall.ret = (r >> 61) == 0 ? H_NOT_FOUND : H_SUCCESS;
        break;
    }
    s->hcall.host_ns = 80 + (r >> 40) % 400;
    s->ev.kind_case = PPCRR__EVENT__KIND_HCALL;
    s->ev.hcall = &s->hcall;
}

static void make_other(struct synth *s, uint64_t r)
{
    switch (r % 7) {
    case 0:
        ppcrr__rtas__init(&s->rtas);
        s->rtas.token_name = s->token;
        s->rtas.token = 0x2001;
        s->rtas.n_arg = 0;
        s->rtas.ret = s->rtas_rets;
        s->rtas.n_ret = 4;
        for (int i = 0; i < 4; i++)
            s->rtas_rets[i] = (uint32_t)(r >> (8 * i)) & 0xff;
        s->ev.kind_case = PPCRR__EVENT__KIND_RTAS;
        s->ev.rtas = &s->rtas;
        break;
    case 1:
        ppcrr__mmio__init(&s->mmio);
        s->mmio.region = s->region;
        s->mmio.addr = 0xf0000000 + (r & 0xf8);
        s->mmio.size = 1u << ((r >> 8) % 4);
        s->mmio.write = (r >> 12) & 1;
        s->mmio.value = r >> 32;
        s->ev.kind_case = PPCRR__EVENT__KIND_MMIO;
        s->ev.mmio = &s->mmio;
        break;
    case 2:
        ppcrr__irq__init(&s->irq);
        s->irq.line = s->line;
        s->irq.level = (r >> 8) & 1;
        s->ev.kind_case = PPCRR__EVENT__KIND_IRQ;
        s->ev.irq = &s->irq;
        break;
    case 3:
        ppcrr__interrupt__init(&s->interrupt);
        s->interrupt.vector = (r >> 8) & 1 ? 0x900 : 0x500;
        s->ev.kind_case = PPCRR__EVENT__KIND_INTERRUPT;
        s->ev.interrupt = &s->interrupt;
        break;
    case 4:
        ppcrr__input__init(&s->input);
        s->input.source = s->source;
        s->bytes[0] = (uint8_t)(r >> 8);
        s->bytes[1] = '\n';
        s->input.data.data = s->bytes;
        s->input.data.len = 1 + (r >> 16) % 2;
        s->ev.kind_case = PPCRR__EVENT__KIND_INPUT;
        s->ev.input = &s->input;
        break;
    case 6:
        ppcrr__exit__init(&s->exit);
        s->exit.reason = PPCRR__EXIT__REASON__POWER_OFF;
        s->exit.code = (int64_t)(r >> 8) % 3 - 1;
        s->exit.message = (char *)"synthetic \"exit\"";
        s->ev.kind_case = PPCRR__EVENT__KIND_EXIT;
        s->ev.exit = &s->exit;
        break;
    default:
        ppcrr__checkpoint__init(&s->checkpoint);
        for (int i = 0; i < 32; i++)
            s->bytes[i] = (uint8_t)(r >> (i % 8 * 8)) ^ (uint8_t)i;
        s->checkpoint.digest.data = s->bytes;
        s->checkpoint.digest.len = 32;
        s->ev.kind_case = PPCRR__EVENT__KIND_CHECKPOINT;
        s->ev.checkpoint = &s->checkpoint;
        break;
    }
}

Ppcrr__Event *synth_next(struct synth *s, uint64_t *icount)
{
    uint64_t r = rnd(s);
    ppcrr__event__init(&s->ev);
    memset(s->args, 0, sizeof s->args);
    memset(s->outputs, 0, sizeof s->outputs);
    s->icount += 1 + (r >> 48) % 3000;       /* a few thousand instructions apart */
    s->ev.cpu = (uint32_t)(r >> 62) & 1;
    s->ev.pc = 0xc000000000010000ull + ((r >> 20) & 0xfffc);
    if (s->hcalls_only || r % 16 != 0)
        make_hcall(s, rnd(s));
    else
        make_other(s, rnd(s));
    s->produced++;
    *icount = s->icount;
    return &s->ev;
}

Ppcrr__Header *synth_header_new(uint32_t vcpus)
{
    Ppcrr__Header *h = calloc(1, sizeof *h);
    ppcrr__header__init(h);
    h->emulator_version = (char *)"synthetic";
    h->build_id = (char *)"0000";
    h->timebase_frequency = 512000000;
    h->vcpus = vcpus;
    h->n_hcall_info = hcall_meta_count;
    h->hcall_info = calloc(hcall_meta_count, sizeof *h->hcall_info);
    for (size_t i = 0; i < hcall_meta_count; i++) {
        Ppcrr__HcallInfo *info = calloc(1, sizeof *info);
        ppcrr__hcall_info__init(info);
        info->opcode = hcall_meta_table[i].opcode;
        info->name = (char *)hcall_meta_table[i].name;
        info->args = (char *)hcall_meta_table[i].args;
        info->outputs = (char *)hcall_meta_table[i].outputs;
        h->hcall_info[i] = info;
    }
    h->n_hcall_return = hcall_code_count;
    h->hcall_return = calloc(hcall_code_count, sizeof *h->hcall_return);
    for (size_t i = 0; i < hcall_code_count; i++) {
        Ppcrr__NamedValue *nv = calloc(1, sizeof *nv);
        ppcrr__named_value__init(nv);
        nv->value = hcall_code_table[i].value;
        nv->name = (char *)hcall_code_table[i].name;
        h->hcall_return[i] = nv;
    }
    return h;
}

void synth_header_free(Ppcrr__Header *h)
{
    for (size_t i = 0; i < h->n_hcall_info; i++)
        free(h->hcall_info[i]);
    for (size_t i = 0; i < h->n_hcall_return; i++)
        free(h->hcall_return[i]);
    free(h->hcall_info);
    free(h->hcall_return);
    free(h);
}

int synth_write_file(const char *path, uint64_t seed, uint64_t count,
                     const struct trace_writer_options *options, bool abandon,
                     struct trace_error *err)
{
    return synth_write_file_argv(path, seed, count, options, abandon, 0, NULL, err);
}

int synth_write_file_argv(const char *path, uint64_t seed, uint64_t count,
                          const struct trace_writer_options *options, bool abandon, int argc,
                          char **argv, struct trace_error *err)
{
    struct trace_writer *w = trace_writer_create(path, options, err);
    if (!w)
        return -1;
    struct synth s;
    synth_init(&s, seed, false);
    synth_intern(&s, w);
    Ppcrr__Header *h = synth_header_new(2);
    h->n_command_line = (size_t)argc;
    h->command_line = argv;
    int rc = trace_writer_start(w, h, err);
    synth_header_free(h);
    for (uint64_t i = 0; rc == 0 && i < count; i++) {
        uint64_t icount;
        Ppcrr__Event *e = synth_next(&s, &icount);
        rc = trace_writer_append(w, icount, e, err);
    }
    if (abandon) {
        if (rc == 0)
            rc = trace_writer_flush(w, err);
        trace_writer_abandon(w);
        return rc;
    }
    if (rc < 0) {
        trace_writer_abandon(w);
        return -1;
    }
    return trace_writer_close(w, err);
}
