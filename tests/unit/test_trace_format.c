/*
 * How events print. The hcall arguments follow PAPR's register conventions:
 * H_PUT_TERM_CHAR(termno, len, char0_7, char8_15) packs the text big-endian,
 * first character in the most significant byte of r6; H_GET_TERM_CHAR
 * returns (len, char0_7, char8_15) the same way.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/common/synth.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "traces/trace_format.h"

static struct trace_reader *reader;

static struct trace_reader *open_named_trace(void)
{
    struct trace_error err = { "" };
    const char *path = test_path("names.trace");
    struct trace_writer *w = trace_writer_create(path, NULL, &err);
    trace_writer_intern(w, "power");       /* 0 */
    trace_writer_intern(w, "vty0.irq");    /* 1 */
    trace_writer_intern(w, "get-time-of-day");  /* 2 */
    trace_writer_intern(w, "console");     /* 3 */
    trace_writer_intern(w, "uart\n42 0 0x0 FORGED\x1b[31m\\");  /* 4: hostile */
    trace_writer_intern(w, "caf\xc3\xa9");  /* 5: UTF-8 */
    trace_writer_intern(w, "caf\xe9");      /* 6: not UTF-8 */
    Ppcrr__Header *h = synth_header_new(1);
    trace_writer_start(w, h, &err);
    synth_header_free(h);
    if (trace_writer_close(w, &err) < 0)
        tap_bail("%s", err.msg);
    struct trace_reader *r = trace_reader_open(path, &err);
    if (!r)
        tap_bail("%s", err.msg);
    return r;
}

static char *body_of(const Ppcrr__Event *e, bool json)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct trace_event te = { .index = 7, .icount = 1234, .ev = e };
    if (json)
        trace_format_json(f, reader, &te);
    else
        trace_format_body(f, reader, e);
    fclose(f);
    return text;
}

static void check_body(const Ppcrr__Event *e, const char *want, const char *what)
{
    char *got = body_of(e, false);
    is_str(got, want, "%s", what);
    free(got);
}

static Ppcrr__Event hcall_event(Ppcrr__Hcall *h, uint32_t opcode, const uint64_t *args, size_t n,
                                int64_t ret)
{
    ppcrr__hcall__init(h);
    h->opcode = opcode;
    h->arg = (uint64_t *)args;
    h->n_arg = n;
    h->ret = ret;
    Ppcrr__Event e = PPCRR__EVENT__INIT;
    e.kind_case = PPCRR__EVENT__KIND_HCALL;
    e.hcall = h;
    return e;
}

static void test_hcalls(void)
{
    Ppcrr__Hcall h;
    static const uint64_t one_char[] = { 0, 1, 0x6800000000000000ull, 0 };
    Ppcrr__Event e = hcall_event(&h, 0x58, one_char, 4, 0);
    check_body(&e, "H_PUT_TERM_CHAR(0x0, 1, 'h') = H_SUCCESS", "one console byte");

    static const uint64_t hello[] = { 0, 10, 0x48656c6c6f2c2022ull, 0x5c0a000000000000ull };
    e = hcall_event(&h, 0x58, hello, 4, 0);
    check_body(&e, "H_PUT_TERM_CHAR(0x0, 10, \"Hello, \\\"\\\\\\n\") = H_SUCCESS",
               "ten bytes across both registers, escaped");

    static const uint64_t overlong[] = { 0x30000000, 200, 0x4142434445464748ull, 0x494a4b4c4d4e4f50ull };
    e = hcall_event(&h, 0x58, overlong, 4, -4);
    check_body(&e, "H_PUT_TERM_CHAR(0x30000000, 200, \"ABCDEFGHIJKLMNOP\") = H_PARAMETER",
               "a length past the registers prints what the registers hold");

    static const uint64_t vterm[] = { 0 };
    static const uint64_t got[] = { 2, 0x0d0a000000000000ull, 0 };
    e = hcall_event(&h, 0x54, vterm, 1, 0);
    h.output = (uint64_t *)got;
    h.n_output = 3;
    check_body(&e, "H_GET_TERM_CHAR(0x0) = H_SUCCESS [2, \"\\r\\n\"]", "console input in the outputs");

    static const uint64_t enter[] = { 0, 0x1f8, 0x4000000000000001ull, 0x190 };
    static const uint64_t slot[] = { 0x1fa };
    e = hcall_event(&h, 0x08, enter, 4, -6);
    h.output = (uint64_t *)slot;
    h.n_output = 1;
    check_body(&e, "H_ENTER(0x0, 0x1f8, 0x4000000000000001, 0x190) = H_PTEG_FULL [0x1fa]", "H_ENTER");

    e = hcall_event(&h, 0xe0, NULL, 0, 0);
    check_body(&e, "H_CEDE() = H_SUCCESS", "no arguments");

    static const uint64_t some[] = { 1, 2 };
    e = hcall_event(&h, 0x9998, some, 2, 12345);
    check_body(&e, "hcall_0x9998(0x1, 0x2) = 12345", "an hcall and return code the trace does not name");

    char *line = body_of(&e, true);
    is_str(line, "{\"index\":7,\"icount\":1234,\"cpu\":0,\"pc\":\"0x0\",\"kind\":\"hcall\",\"opcode\":39320,"
                 "\"args\":[\"0x1\",\"0x2\"],\"ret\":12345,\"outputs\":[],\"host_ns\":0}\n",
           "JSON for an unnamed hcall");
    free(line);
}

static void test_other_kinds(void)
{
    Ppcrr__Event e = PPCRR__EVENT__INIT;
    Ppcrr__Rtas rtas = PPCRR__RTAS__INIT;
    static uint32_t rets[] = { 0, 2026, 11 };
    rtas.token_name = 2;
    rtas.ret = rets;
    rtas.n_ret = 3;
    e.kind_case = PPCRR__EVENT__KIND_RTAS;
    e.rtas = &rtas;
    check_body(&e, "rtas get-time-of-day() = [0, 2026, 11]", "RTAS by token name");

    Ppcrr__Mmio mmio = PPCRR__MMIO__INIT;
    mmio.region = 0;
    mmio.addr = 0xf0000010;
    mmio.size = 4;
    mmio.write = true;
    mmio.value = 1;
    e.kind_case = PPCRR__EVENT__KIND_MMIO;
    e.mmio = &mmio;
    check_body(&e, "mmio write power 0xf0000010/4 <- 0x1", "MMIO write");
    mmio.write = false;
    check_body(&e, "mmio read power 0xf0000010/4 -> 0x1", "MMIO read");

    Ppcrr__Irq irq = PPCRR__IRQ__INIT;
    irq.line = 1;
    irq.level = 1;
    e.kind_case = PPCRR__EVENT__KIND_IRQ;
    e.irq = &irq;
    check_body(&e, "irq vty0.irq 1", "IRQ edge by line name");
    irq.line = 40;
    check_body(&e, "irq ? 1", "a name outside the table prints as ?");

    Ppcrr__Interrupt in = PPCRR__INTERRUPT__INIT;
    in.vector = 0x900;
    e.kind_case = PPCRR__EVENT__KIND_INTERRUPT;
    e.interrupt = &in;
    check_body(&e, "interrupt 0x900 (decrementer)", "decrementer interrupt");
    in.vector = 0x500;
    check_body(&e, "interrupt 0x500 (external)", "external interrupt");

    Ppcrr__Input input = PPCRR__INPUT__INIT;
    input.source = 3;
    input.data.data = (uint8_t *)"ls\n\x01";
    input.data.len = 4;
    e.kind_case = PPCRR__EVENT__KIND_INPUT;
    e.input = &input;
    check_body(&e, "input console \"ls\\n\\x01\"", "console input bytes");
    char *json = body_of(&e, true);
    has_substr(json, "\"data\":\"ls\\u000a\\u0001\"", "JSON escapes input bytes");
    free(json);

    Ppcrr__Checkpoint cp = PPCRR__CHECKPOINT__INIT;
    cp.digest.data = (uint8_t *)"\x01\xab\xff";
    cp.digest.len = 3;
    e.kind_case = PPCRR__EVENT__KIND_CHECKPOINT;
    e.checkpoint = &cp;
    check_body(&e, "checkpoint 01abff", "checkpoint digest in hex");

    Ppcrr__Exit ex = PPCRR__EXIT__INIT;
    ex.reason = PPCRR__EXIT__REASON__OS_TERM;
    ex.code = -1;
    ex.message = (char *)"Kernel panic";
    e.kind_case = PPCRR__EVENT__KIND_EXIT;
    e.exit = &ex;
    check_body(&e, "exit os-term -1 \"Kernel panic\"", "exit with reason and message");
}

/* Names come from the file: they must not be able to forge lines or send
 * terminal escapes, and text that was not UTF-8 arrives escaped. */
static void test_hostile_names(void)
{
    Ppcrr__Event e = PPCRR__EVENT__INIT;
    Ppcrr__Irq irq = PPCRR__IRQ__INIT;
    irq.line = 4;
    e.kind_case = PPCRR__EVENT__KIND_IRQ;
    e.irq = &irq;
    check_body(&e, "irq uart\\x0a42 0 0x0 FORGED\\x1b[31m\\\\ 0",
               "a name with a newline, an escape and a backslash prints on one line");
    char *json = body_of(&e, true);
    has_substr(json, "\"line\":\"uart\\u000a42 0 0x0 FORGED\\u001b[31m\\\\\"", "and is escaped in JSON");
    free(json);
    irq.line = 5;
    json = body_of(&e, true);
    has_substr(json, "\"line\":\"caf\xc3\xa9\"", "UTF-8 names pass through JSON unchanged");
    free(json);
    is_str(trace_reader_string(reader, 6), "caf\\xe9", "a name that was not UTF-8 was stored escaped");
}

static void test_line(void)
{
    Ppcrr__Hcall h;
    static const uint64_t one_char[] = { 0, 1, 0x6800000000000000ull, 0 };
    Ppcrr__Event e = hcall_event(&h, 0x58, one_char, 4, 0);
    e.pc = 0x1a2c;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct trace_event te = { .index = 0, .icount = 1234, .ev = &e };
    trace_format_text(f, reader, &te);
    fclose(f);
    is_str(text, "1234 0 0x1a2c H_PUT_TERM_CHAR(0x0, 1, 'h') = H_SUCCESS\n", "a whole dump line");
    free(text);
}

int main(void)
{
    reader = open_named_trace();
    test_hcalls();
    test_other_kinds();
    test_hostile_names();
    test_line();
    trace_reader_close(reader);
    test_scratch_cleanup();
    return tap_done();
}
