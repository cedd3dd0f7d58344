/*
 * The VIO bus and the vty (vio/vio.c, vio/vty.c), and the paravirtual
 * power device (emu/devices/power.c), on machines built from small
 * descriptions the way `ppcrr run` builds them (machine_create, hcall_init,
 * vio_init, machine_realize).
 *
 * vty: H_PUT_TERM_CHAR packing as PAPR and QEMU's spapr_vty define it (the
 * first byte in the most significant byte of char0_7), lengths 1, 8, 9,
 * 16 and 17, routing by unit address, the reg == 0 convention, unknown
 * units; H_GET_TERM_CHAR on an empty and a filled buffer, the PowerVM
 * "\r\0" quirk, the backlog beyond QEMU's 16-byte FIFO; input arriving as
 * an input event and an IRQ edge; the guest-tree properties; description
 * errors. Power device: the register layout in power.h, refused accesses,
 * and the three commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "emu/devices/power.h"
#include "emu/machine.h"
#include "hcall/hcall.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "vio/vio.h"

#define VTY_A 0x71000000u            /* file backend, xics.4096 */
#define VTY_LOW 0x30000000u          /* file backend, lowest unit address, no interrupt */
#define VTY_IN 0x71000002u           /* stdio backend (stdin a pipe), xics.4098 */
#define POWER_BASE 0xf00000000000ull

static const char dts_template[] =
    "/dts-v1/;\n"
    "/ {\n"
    "  #address-cells = <2>; #size-cells = <2>;\n"
    "  aliases { vtya = \"/vdevice/vty@71000000\"; vtyin = \"/vdevice/vty@71000002\"; };\n"
    "  vdevice {\n"
    "    compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>;\n"
    "    vty@71000000 { compatible = \"hvterm1\"; reg = <0x71000000>;\n"
    "      ppcrr,chardev = \"file:%s\"; ppcrr,irq-connect = \"xics.4096\"; };\n"
    "    vty@30000000 { compatible = \"hvterm1\"; reg = <0x30000000>;\n"
    "      ppcrr,chardev = \"file:%s\"; };\n"
    "    vty@71000002 { compatible = \"hvterm1\"; reg = <0x71000002>;\n"
    "      ppcrr,chardev = \"serial\"; ppcrr,irq-connect = \"xics.4098\"; };\n"
    "  };\n"
    "  power@f00000000000 { compatible = \"ppcrr,power\"; reg = <0xf000 0x0 0x0 0x100>; };\n"
    "};\n";

/* ---- what the machine reports ---- */

static int xics_levels[8][16];          /* per source 4096 + i: levels seen */
static unsigned xics_count[8];
static unsigned irq_events, input_events;
static char last_irq_line[64];
static uint8_t last_input[64];
static size_t last_input_len;

static void xics_input(void *opaque, int level)
{
    unsigned src = (unsigned)(uintptr_t)opaque;
    if (xics_count[src] < 16)
        xics_levels[src][xics_count[src]] = level;
    xics_count[src]++;
}

static char kinds[64];                 /* event kinds in order: I input, 1/0 IRQ level */
static size_t n_kinds;

static void observe(void *opaque, const struct event *e)
{
    (void)opaque;
    if (n_kinds + 1 < sizeof kinds && (e->kind == EVENT_INPUT || e->kind == EVENT_IRQ)) {
        kinds[n_kinds++] = e->kind == EVENT_INPUT ? 'I' : e->u.irq.level ? '1' : '0';
        kinds[n_kinds] = 0;
    }
    if (e->kind == EVENT_IRQ) {
        irq_events++;
        snprintf(last_irq_line, sizeof last_irq_line, "%s", e->u.irq.line);
    } else if (e->kind == EVENT_INPUT && strcmp(e->u.input.source, "console") == 0) {
        input_events++;
        last_input_len = e->u.input.len < sizeof last_input ? e->u.input.len : sizeof last_input;
        memcpy(last_input, e->u.input.data, last_input_len);
    }
}

/* ---- building machines ---- */

/* A machine from DTS (text), through the whole realize path. Returns 0,
 * or -1 with ERR. */
static int build(struct machine *m, const char *dts, const char *serial, char *err, size_t errlen)
{
    static unsigned seq;
    char name[64];
    snprintf(name, sizeof name, "machine%u.dts", seq++);
    const char *path = test_path(name);
    if (!test_write_file(path, dts, strlen(dts)))
        tap_bail("cannot write %s", path);
    struct machine_config cfg = { .ram_size = 32ull << 20, .smp = 1, .machine_file = path,
                                  .serial = serial };
    if (machine_create(m, &cfg, err, errlen) < 0 || hcall_init(m, err, errlen) < 0 ||
        vio_init(m, err, errlen) < 0)
        return -1;
    power_device_register_type();
    /* Stand-ins for XICS sources 4096.. (unless the hcall layer's XICS
     * already provides them): they record the levels they are driven to. */
    for (unsigned i = 0; i < 8; i++) {
        char input[32];
        snprintf(input, sizeof input, "xics.%u", 4096 + i);
        machine_irq_input(m, input, xics_input, (void *)(uintptr_t)i);
    }
    event_observe(&m->events, observe, NULL);
    return machine_realize(m, err, errlen);
}

static int64_t hcall(struct machine *m, uint64_t opcode, uint64_t a0, uint64_t a1, uint64_t a2,
                     uint64_t a3, uint64_t rets[3])
{
    struct cpu *c = &m->cpus[0];
    c->gpr[3] = opcode;
    c->gpr[4] = a0;
    c->gpr[5] = a1;
    c->gpr[6] = a2;
    c->gpr[7] = a3;
    hcall_dispatch(m, c);
    if (rets) {
        rets[0] = c->gpr[4];
        rets[1] = c->gpr[5];
        rets[2] = c->gpr[6];
    }
    return (int64_t)c->gpr[3];
}

static uint64_t pack(const char *s, size_t off)
{
    uint64_t v = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (off + i < n ? (uint8_t)s[off + i] : 0);
    return v;
}

/* The whole file, as a C string (static buffer). */
static const char *file_text(const char *path)
{
    static char text[512];
    size_t len = 0;
    uint8_t *data = test_read_file(path, &len);
    if (len >= sizeof text)
        len = sizeof text - 1;
    if (data)
        memcpy(text, data, len);
    text[data ? len : 0] = 0;
    free(data);
    return text;
}

/* ---- H_PUT_TERM_CHAR ---- */

static void test_put(struct machine *m, const char *file_a, const char *file_low)
{
    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_A, 1, pack("A", 0), 0, NULL), H_SUCCESS, "put 1 byte");
    is_str(file_text(file_a), "A", "  the first byte is char0_7's most significant");

    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_A, 8, pack("BCDEFGHI", 0), 0, NULL), H_SUCCESS,
           "put 8 bytes");
    is_str(file_text(file_a), "ABCDEFGHI", "  in order, from char0_7 alone");

    /* Junk in the unused bytes of char8_15 must not be written. */
    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_A, 9, pack("JKLMNOPQ", 0), pack("Rxyzxyzx", 0), NULL),
           H_SUCCESS, "put 9 bytes");
    is_str(file_text(file_a), "ABCDEFGHIJKLMNOPQR", "  the 9th is char8_15's most significant");

    const char *sixteen = "0123456789abcdef";
    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_A, 16, pack(sixteen, 0), pack(sixteen, 8), NULL), H_SUCCESS,
           "put 16 bytes");
    is_str(file_text(file_a), "ABCDEFGHIJKLMNOPQR0123456789abcdef", "  all 16");

    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_A, 17, pack(sixteen, 0), pack(sixteen, 8), NULL),
           H_PARAMETER, "put 17 bytes: H_PARAMETER");
    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_A, (uint64_t)-1, 0, 0, NULL), H_PARAMETER,
           "put a negative length: H_PARAMETER");
    is_str(file_text(file_a), "ABCDEFGHIJKLMNOPQR0123456789abcdef", "  nothing written");
    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_A, 0, pack("Z", 0), 0, NULL), H_SUCCESS, "put 0 bytes");

    is_str(file_text(file_low), "", "lowest-unit vty untouched so far");
    is_i64(hcall(m, H_PUT_TERM_CHAR, 0, 2, pack("lo", 0), 0, NULL), H_SUCCESS,
           "put to reg 0 (early console)");
    is_str(file_text(file_low), "lo", "  goes to the vty with the lowest unit address");
    is_i64(hcall(m, H_PUT_TERM_CHAR, VTY_LOW, 1, pack("w", 0), 0, NULL), H_SUCCESS,
           "put to that vty by its own address");
    is_str(file_text(file_low), "low", "  same backend");

    is_i64(hcall(m, H_PUT_TERM_CHAR, 0x12345678, 1, pack("?", 0), 0, NULL), H_PARAMETER,
           "put to an unknown unit: H_PARAMETER");
    is_i64(hcall(m, H_PUT_TERM_CHAR, 0x100000000ull, 1, pack("?", 0), 0, NULL), H_PARAMETER,
           "reg with only high bits set is not the reg 0 convention");
    is_i64(hcall(m, H_PUT_TERM_CHAR, 0x100000000ull | VTY_A, 1, pack("!", 0), 0, NULL), H_SUCCESS,
           "unit addresses compare on 32 bits, as QEMU's lookup does");
    is_str(file_text(file_a), "ABCDEFGHIJKLMNOPQR0123456789abcdef!", "  reached the vty");
    is_str(file_text(file_low), "low", "  and no other");
}

/* ---- H_GET_TERM_CHAR and input ---- */

static void type_bytes(struct machine *m, int pipe_w, const char *s, size_t len)
{
    unsigned before = input_events;
    if (write(pipe_w, s, len) != (ssize_t)len)
        tap_bail("write to stdin pipe: %s", strerror(errno));
    for (int i = 0; i < 2000 && input_events == before; i++) {
        event_base_loop(m->evbase, EVLOOP_NONBLOCK);
        if (input_events == before)
            usleep(1000);
    }
}

static uint64_t get(struct machine *m, uint64_t reg, uint64_t rets[3])
{
    return (uint64_t)hcall(m, H_GET_TERM_CHAR, reg, 0, 0, 0, rets);
}

static void test_get(struct machine *m, int pipe_w)
{
    uint64_t r[3];
    const unsigned in = 2;               /* xics.4098 */

    is_i64(get(m, VTY_IN, r), H_SUCCESS, "get with nothing typed");
    ok(r[0] == 0 && r[1] == 0 && r[2] == 0, "  len 0, both words 0");
    is_i64(get(m, 0x12345678, r), H_PARAMETER, "get from an unknown unit: H_PARAMETER");
    is_u64(xics_count[in], 0, "no edge yet");

    irq_events = 0;
    n_kinds = 0;
    type_bytes(m, pipe_w, "hello", 5);
    is_str(kinds, "I10", "input event first, then the rising and falling edge");
    is_u64(input_events, 1, "typed bytes are an input event");
    is_mem(last_input, "hello", last_input_len < 5 ? last_input_len : 5, "  holding them");
    is_u64(xics_count[in], 2, "input into an empty buffer pulses the line");
    ok(xics_levels[in][0] == 1 && xics_levels[in][1] == 0, "  1 then 0 at the XICS source");
    is_u64(irq_events, 2, "  both edges are IRQ events");
    is_str(last_irq_line, "vtyin.irq", "  on the line named after the device's alias");

    type_bytes(m, pipe_w, "!", 1);
    is_u64(xics_count[in], 2, "more input into a non-empty buffer: no new edge");
    is_i64(get(m, VTY_IN, r), H_SUCCESS, "get");
    is_u64(r[0], 6, "  len 6");
    is_u64(r[1], pack("hello!", 0), "  bytes big-endian from char0_7's top, zero-filled");
    is_u64(r[2], 0, "  char8_15 zero");
    is_i64(get(m, VTY_IN, r), H_SUCCESS, "get again");
    is_u64(r[0], 0, "  empty");

    /* QEMU 7.2 passes \r unchanged (no PowerVM \0 after it), but ends a
     * call before a real \0 that follows a \r, which a guest would delete. */
    type_bytes(m, pipe_w, "a\rb", 3);
    get(m, VTY_IN, r);
    is_u64(r[0], 3, "a CR b arrives as typed: no NUL added");
    is_u64(r[1], pack("a\rb", 0), "  a CR b");

    type_bytes(m, pipe_w, "x\r\0y", 4);
    get(m, VTY_IN, r);
    is_u64(r[0], 2, "a real NUL after a CR is not in the same call");
    is_u64(r[1], pack("x\r", 0), "  x CR");
    get(m, VTY_IN, r);
    is_u64(r[0], 2, "  it starts the next one");
    is_u64(r[1], (uint64_t)'y' << 48, "  NUL y");

    type_bytes(m, pipe_w, "xxxxxxxxxxxxxxx\ry", 17);
    get(m, VTY_IN, r);
    is_u64(r[0], 16, "a CR in the 16th place fits");
    is_u64(r[2], pack("xxxxxxx\r", 0), "  bytes 9..16 in char8_15");
    get(m, VTY_IN, r);
    is_u64(r[0], 1, "  next get: y");
    is_u64(r[1], (uint64_t)'y' << 56, "  packed");

    /* 40 bytes: QEMU's FIFO takes 16, holds 24 back, and refills (and
     * pulses) each time a get empties it. */
    unsigned edges = xics_count[in];
    type_bytes(m, pipe_w, "0123456789abcdefghijklmnopqrstuvwxyzABCD", 40);
    is_u64(xics_count[in] - edges, 2, "40 bytes typed: one pulse");
    get(m, VTY_IN, r);
    ok(r[0] == 16 && r[1] == pack("01234567", 0) && r[2] == pack("89abcdef", 0), "  get 16");
    is_u64(xics_count[in] - edges, 4, "  emptied FIFO refilled from the backlog: another pulse");
    get(m, VTY_IN, r);
    ok(r[0] == 16 && r[1] == pack("ghijklmn", 0) && r[2] == pack("opqrstuv", 0), "  get 16 more");
    is_u64(xics_count[in] - edges, 6, "  and another pulse");
    get(m, VTY_IN, r);
    ok(r[0] == 8 && r[1] == pack("wxyzABCD", 0) && r[2] == 0, "  get the last 8");
    is_u64(xics_count[in] - edges, 6, "  nothing left: no pulse");

    is_i64(get(m, 0, r), H_SUCCESS, "get from reg 0 reaches the lowest-unit vty");
    is_u64(r[0], 0, "  which has no input");
}

/* ---- typed bytes dropped (state walk version 2) ---- */

struct field_probe {
    struct state_visitor v;
    uint32_t id;
    bool seen;
    uint64_t value;
};

static void probe_field(struct state_visitor *v, uint32_t id, const char *name, void *data, size_t len)
{
    struct field_probe *p = (struct field_probe *)v;
    (void)name;
    if (id == p->id && len == sizeof p->value) {
        p->seen = true;
        memcpy(&p->value, data, len);
    }
}

/* Field ID of the vty with unit address REG, as a snapshot (SKIP false)
 * or the checkpoint digest (SKIP true) walks it. */
static struct field_probe probe_vty(struct machine *m, uint32_t reg, uint32_t id, bool skip)
{
    struct field_probe p = { { probe_field, skip }, id, false, 0 };
    char path[64];
    snprintf(path, sizeof path, "/vdevice/vty@%x", reg);
    for (size_t i = 0; i < m->ndevices; i++)
        if (strcmp(m->devices[i]->path, path) == 0)
            m->devices[i]->type->state(m->devices[i], &p.v);
    return p;
}

static void test_dropped(struct machine *m, int pipe_w)
{
    struct field_probe p = probe_vty(m, VTY_IN, 4, false);
    ok(p.seen && p.value == 0, "rx_dropped (field 4) is saved, 0 while nothing was dropped");
    p = probe_vty(m, VTY_IN, 4, true);
    ok(!p.seen, "  and the checkpoint digest passes over it at its default (older traces still match)");

    static char chunk[1000];
    memset(chunk, 'z', sizeof chunk);
    for (int i = 0; i < 5; i++)
        type_bytes(m, pipe_w, chunk, sizeof chunk);
    p = probe_vty(m, VTY_IN, 4, false);
    is_u64(p.value, 5000 - 4096, "5000 bytes typed into a 4096-byte backlog: 904 dropped, counted");
    p = probe_vty(m, VTY_IN, 4, true);
    ok(p.seen && p.value == 904, "  a count the digest includes once it is not the default");
    ok(!probe_vty(m, VTY_A, 4, true).seen, "  (another vty's is still passed over)");

    uint64_t r[3], got = 0;
    while (get(m, VTY_IN, r) == H_SUCCESS && r[0])
        got += r[0];
    is_u64(got, 4096, "the guest reads the 4096 bytes kept");
}

/* ---- the guest's tree ---- */

static void test_fdt(struct machine *m)
{
    size_t cap = fdt_totalsize(m->desc) + 4096;
    void *fdt = malloc(cap);
    if (!fdt || fdt_open_into(m->desc, fdt, (int)cap) != 0)
        tap_bail("cannot copy the description");
    struct device *bus = machine_find_device(m, "/vdevice");
    struct device *vty = machine_find_device(m, "vtya");
    struct device *low = machine_find_device(m, "/vdevice/vty@30000000");
    ok(bus && vty && low, "bus and vtys are devices");
    if (!bus || !vty || !low)
        return;
    int bus_node = fdt_path_offset(fdt, "/vdevice");
    int vty_node = fdt_path_offset(fdt, "/vdevice/vty@71000000");
    int low_node = fdt_path_offset(fdt, "/vdevice/vty@30000000");
    is_i64(bus->type->fdt_fixup(bus, fdt, bus_node), 0, "bus fdt_fixup");
    vty_node = fdt_path_offset(fdt, "/vdevice/vty@71000000");
    is_i64(vty->type->fdt_fixup(vty, fdt, vty_node), 0, "vty fdt_fixup");
    low_node = fdt_path_offset(fdt, "/vdevice/vty@30000000");
    is_i64(low->type->fdt_fixup(low, fdt, low_node), 0, "vty fdt_fixup (no interrupt)");
    bus_node = fdt_path_offset(fdt, "/vdevice");
    vty_node = fdt_path_offset(fdt, "/vdevice/vty@71000000");
    low_node = fdt_path_offset(fdt, "/vdevice/vty@30000000");

    int len;
    const char *s = fdt_getprop(fdt, bus_node, "device_type", &len);
    is_str(s, "vdevice", "/vdevice device_type");
    is_str(fdt_getprop(fdt, bus_node, "compatible", NULL), "IBM,vdevice", "/vdevice compatible");
    const fdt32_t *c = fdt_getprop(fdt, bus_node, "#address-cells", &len);
    ok(c && len == 4 && fdt32_to_cpu(*c) == 1, "/vdevice #address-cells 1");
    c = fdt_getprop(fdt, bus_node, "#size-cells", &len);
    ok(c && len == 4 && fdt32_to_cpu(*c) == 0, "/vdevice #size-cells 0");
    c = fdt_getprop(fdt, bus_node, "#interrupt-cells", &len);
    ok(c && len == 4 && fdt32_to_cpu(*c) == 2, "/vdevice #interrupt-cells 2");
    ok(fdt_getprop(fdt, bus_node, "interrupt-controller", &len) && len == 0,
       "/vdevice interrupt-controller (empty)");

    c = fdt_getprop(fdt, vty_node, "reg", &len);
    ok(c && len == 4 && fdt32_to_cpu(*c) == VTY_A, "vty reg: one cell, the unit address");
    is_str(fdt_getprop(fdt, vty_node, "device_type", NULL), "serial", "vty device_type serial");
    is_str(fdt_getprop(fdt, vty_node, "compatible", NULL), "hvterm1", "vty compatible hvterm1");
    is_str(fdt_getprop(fdt, vty_node, "name", NULL), "vty", "vty name");
    c = fdt_getprop(fdt, vty_node, "interrupts", &len);
    ok(c && len == 8 && fdt32_to_cpu(c[0]) == 4096 && fdt32_to_cpu(c[1]) == 0,
       "vty interrupts = <4096 0> from ppcrr,irq-connect xics.4096");
    ok(!fdt_getprop(fdt, low_node, "interrupts", NULL), "unconnected vty: no interrupts");
    free(fdt);

    /* The same through the real builder: host-only properties gone. */
    char err[512];
    if (!ok(machine_build_fdt(m, err, sizeof err) == 0, "machine_build_fdt"))
        tap_diag("%s", err);
    int node = fdt_path_offset(m->guest_fdt, "/vdevice/vty@71000000");
    c = fdt_getprop(m->guest_fdt, node, "interrupts", &len);
    ok(c && len == 8 && fdt32_to_cpu(c[0]) == 4096, "guest tree: vty interrupts");
    ok(!fdt_getprop(m->guest_fdt, node, "ppcrr,chardev", NULL) &&
       !fdt_getprop(m->guest_fdt, node, "ppcrr,irq-connect", NULL), "guest tree: no ppcrr,* properties");
    node = fdt_path_offset(m->guest_fdt, "/vdevice");
    ok(fdt_getprop(m->guest_fdt, node, "interrupt-controller", NULL) != NULL,
       "guest tree: /vdevice is the VIO interrupt parent");
}

/* ---- description errors ---- */

static void expect_error(const char *what, const char *dts, const char *needle)
{
    struct machine m;
    char err[512] = "";
    int rc = build(&m, dts, "null", err, sizeof err);
    ok(rc < 0, "%s: refused", what);
    has_substr(err, needle, "  message");
    hcall_destroy(&m);
    machine_destroy(&m);
}

#define VDEV_HEAD                                                                        \
    "/dts-v1/;\n/ {\n #address-cells = <2>; #size-cells = <2>;\n"                        \
    " vdevice { compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>;\n"

static void test_errors(void)
{
    expect_error("two vtys with one unit address",
                 VDEV_HEAD "  vty@1 { compatible = \"hvterm1\"; reg = <1>; ppcrr,chardev = \"null\"; };\n"
                 "  vty@1a { compatible = \"hvterm1\"; reg = <1>; ppcrr,chardev = \"null\"; };\n };\n};\n",
                 "already used");
    expect_error("vty without ppcrr,chardev",
                 VDEV_HEAD "  vty@1 { compatible = \"hvterm1\"; reg = <1>; };\n };\n};\n",
                 "property ppcrr,chardev: missing");
    expect_error("vty with a bad backend",
                 VDEV_HEAD "  vty@1 { compatible = \"hvterm1\"; reg = <1>; ppcrr,chardev = \"tcp:1\"; };\n"
                 " };\n};\n",
                 "tcp:1");
    expect_error("vty wired to a non-XICS input",
                 VDEV_HEAD "  vty@1 { compatible = \"hvterm1\"; reg = <1>; ppcrr,chardev = \"null\";\n"
                 "    ppcrr,irq-connect = \"pic.3\"; };\n };\n};\n",
                 "xics.N");
    expect_error("vty with a node name Linux does not recognise",
                 VDEV_HEAD "  console@1 { compatible = \"hvterm1\"; reg = <1>; ppcrr,chardev = \"null\"; };\n"
                 " };\n};\n",
                 "must start with \"vty\"");
    expect_error("VIO bus elsewhere than /vdevice",
                 "/dts-v1/;\n/ {\n #address-cells = <2>; #size-cells = <2>;\n"
                 " vio { compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>; };\n};\n",
                 "/vdevice");
    expect_error("vty outside the VIO bus",
                 "/dts-v1/;\n/ {\n #address-cells = <1>; #size-cells = <0>;\n"
                 " vty@1 { compatible = \"hvterm1\"; reg = <1>; ppcrr,chardev = \"null\"; };\n};\n",
                 "child of the VIO bus");
    expect_error("power device too small",
                 "/dts-v1/;\n/ {\n #address-cells = <2>; #size-cells = <2>;\n"
                 " power@f00000000000 { compatible = \"ppcrr,power\"; reg = <0xf000 0x0 0x0 0x10>; };\n};\n",
                 "too small");
}

/* ---- the power device ---- */

static bool mmio(struct machine *m, bool write, uint64_t offset, unsigned size, uint64_t *value)
{
    const struct mmio_region *r = memory_find_mmio(&m->mem, POWER_BASE + offset);
    if (!r)
        return false;
    uint64_t off = POWER_BASE + offset - r->base;
    return write ? r->ops->write(r->opaque, off, size, *value) : r->ops->read(r->opaque, off, size, value);
}

static void test_power(struct machine *m)
{
    uint64_t v = 0;
    ok(mmio(m, false, POWER_REG_ID, 8, &v) && v == POWER_ID, "power: ID reads \"PPCRPOWR\"");
    ok(mmio(m, false, POWER_REG_ID, 4, &v) && v == 0x50504352, "  4-byte read at +0: upper half");
    ok(mmio(m, false, POWER_REG_ID + 4, 4, &v) && v == 0x504f5752, "  4-byte read at +4: lower half");
    ok(mmio(m, false, POWER_REG_VERSION, 8, &v) && v == POWER_VERSION, "  VERSION");
    ok(mmio(m, false, POWER_REG_CODE, 8, &v) && v == 0, "  CODE is 0 after reset");
    ok(mmio(m, false, POWER_REG_COMMAND, 8, &v) && v == 0, "  COMMAND reads 0");

    v = 0x1122334455667788ull;
    ok(mmio(m, true, POWER_REG_CODE, 8, &v), "  CODE written");
    ok(mmio(m, false, POWER_REG_CODE, 8, &v) && v == 0x1122334455667788ull, "  and read back");
    v = 0xaabbccdd;
    ok(mmio(m, true, POWER_REG_CODE + 4, 4, &v), "  4-byte write at CODE+4");
    ok(mmio(m, false, POWER_REG_CODE, 8, &v) && v == 0x11223344aabbccddull, "  replaced the lower half");
    v = 0;
    ok(mmio(m, true, POWER_REG_CODE, 4, &v), "  4-byte write at CODE+0");
    ok(mmio(m, false, POWER_REG_CODE, 8, &v) && v == 0xaabbccddull, "  replaced the upper half");

    v = 0;
    ok(!mmio(m, false, POWER_REG_ID, 1, &v), "  1-byte read refused");
    ok(!mmio(m, false, POWER_REG_ID, 2, &v), "  2-byte read refused");
    ok(!mmio(m, false, POWER_REG_ID + 4, 8, &v), "  misaligned 8-byte read refused");
    ok(!mmio(m, false, POWER_REG_ID + 2, 4, &v), "  misaligned 4-byte read refused");
    ok(!mmio(m, false, POWER_REGS_SIZE, 8, &v), "  read past the registers refused");
    v = 1;
    ok(!mmio(m, true, POWER_REG_ID, 8, &v), "  write to ID refused");
    ok(!mmio(m, true, POWER_REG_VERSION, 8, &v), "  write to VERSION refused");
    v = 99;
    ok(!mmio(m, true, POWER_REG_COMMAND, 8, &v), "  unknown command refused");
    v = 1;
    ok(!mmio(m, true, POWER_REG_COMMAND, 4, &v), "  4-byte command in the upper half refused");
    v = POWER_CMD_NOP;
    ok(mmio(m, true, POWER_REG_COMMAND, 8, &v) && m->exit_reason == EXIT_NONE, "  nop does nothing");

    static const struct {
        uint64_t command;
        enum exit_reason reason;
        const char *name;
    } cmds[] = { { POWER_CMD_POWER_OFF, EXIT_POWER_OFF, "power off" },
                 { POWER_CMD_REBOOT, EXIT_REBOOT, "reboot" },
                 { POWER_CMD_PANIC, EXIT_GUEST_CRASH, "panic" } };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        m->exit_reason = EXIT_NONE;
        v = 40 + i;
        mmio(m, true, POWER_REG_CODE + 4, 4, &v);
        v = 0;
        mmio(m, true, POWER_REG_CODE, 4, &v);
        v = cmds[i].command;
        ok(mmio(m, true, POWER_REG_COMMAND + 4, 4, &v), "  %s (4-byte write at COMMAND+4)", cmds[i].name);
        ok(m->exit_reason == cmds[i].reason && m->exit_code == (int64_t)(40 + i),
           "  ends the run with its reason and CODE");
    }
    m->exit_reason = EXIT_NONE;
}

int main(void)
{
    char file_a[600], file_low[600], dts[4096], err[512];
    snprintf(file_a, sizeof file_a, "%s", test_path("vty_a.log"));
    snprintf(file_low, sizeof file_low, "%s", test_path("vty_low.log"));
    snprintf(dts, sizeof dts, dts_template, file_a, file_low);

    /* vty@71000002's "serial" backend is stdio; its stdin is a pipe we
     * type into. Output is not sent to it, so stdout stays TAP's. */
    int p[2];
    if (pipe(p) < 0)
        tap_bail("pipe: %s", strerror(errno));
    int saved_stdin = dup(STDIN_FILENO);
    dup2(p[0], STDIN_FILENO);
    close(p[0]);

    struct machine m;
    if (!ok(build(&m, dts, "stdio", err, sizeof err) == 0, "machine with three vtys and a power device"))
        tap_bail("%s", err);
    test_put(&m, file_a, file_low);
    test_get(&m, p[1]);
    test_dropped(&m, p[1]);
    test_fdt(&m);
    test_power(&m);
    hcall_destroy(&m);
    machine_destroy(&m);
    dup2(saved_stdin, STDIN_FILENO);
    close(saved_stdin);
    close(p[1]);

    test_errors();
    test_scratch_cleanup();
    return tap_done();
}
