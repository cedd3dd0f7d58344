/*
 * The machine description, the device registry and the guest's device
 * tree (emu/desc.c, emu/device.c, emu/guest_fdt.c), tested directly on a
 * hand-built struct machine with fake device types standing in for the
 * real vio/, hcall/ and power devices.
 *
 * Each malformed description must be refused with a message that names
 * the node and the property at fault (or the file, when the file itself
 * is bad); the guest's tree must lose every `ppcrr,*` property and gain
 * /cpus, /memory@0 and /chosen as QEMU's pseries would write them.
 */
#include <libfdt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu/desc.h"
#include "emu/machine.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

/* ---- fake device types ---- */

static int input_level = -1;

static void fake_input(void *opaque, int level)
{
    (void)opaque;
    input_level = level;
}

static int xics_realize(struct device *dev, char *err, size_t errlen)
{
    /* The real XICS names its inputs after its device: "xics.4096"... */
    char name[64];
    for (int i = 4096; i < 4096 + 1024; i++) {
        snprintf(name, sizeof name, "%s.%d", dev->name, i);
        if (machine_irq_input(dev->machine, name, fake_input, dev) < 0) {
            snprintf(err, errlen, "input %s taken", name);
            return -1;
        }
    }
    return 0;
}

static int vty_realize(struct device *dev, char *err, size_t errlen)
{
    return device_irq_output(dev, "irq", err, errlen) ? 0 : -1;
}

static int fixups_seen;

static int vty_fixup(struct device *dev, void *fdt, int node)
{
    (void)dev;
    fixups_seen++;
    return fdt_setprop_string(fdt, node, "test,fixed-up", "yes");
}

struct regs {
    uint64_t last_write;
};

static bool regs_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)opaque;
    (void)size;
    *value = 0x1000 + offset;
    return offset < 0x10;
}

static bool regs_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    (void)offset;
    (void)size;
    ((struct regs *)opaque)->last_write = value;
    return true;
}

static const struct mmio_ops regs_ops = { regs_read, regs_write };

static int power_realize(struct device *dev, char *err, size_t errlen)
{
    uint64_t base, size;
    if (device_get_reg(dev, 0, &base, &size, err, errlen) < 0)
        return -1;
    return device_add_mmio(dev, base, size, &regs_ops, dev->state, err, errlen);
}

static int failing_realize(struct device *dev, char *err, size_t errlen)
{
    snprintf(err, errlen, "node %s: property test,knob: refused", dev->path);
    return -1;
}

static const struct device_type fake_types[] = {
    { .compatible = "IBM,ppc-xicp", .realize = xics_realize },
    { .compatible = "IBM,vdevice" },
    { .compatible = "hvterm1", .realize = vty_realize, .fdt_fixup = vty_fixup },
    { .compatible = "qemu,spapr-nvram" },
    { .compatible = "ppcrr,power", .realize = power_realize, .state_size = sizeof(struct regs) },
    { .compatible = "test,plain" },
    { .compatible = "test,failing", .realize = failing_realize },
};

/* ---- a machine by hand ---- */

static struct machine m;

static void machine_setup(uint64_t ram, unsigned ncpus)
{
    memset(&m, 0, sizeof m);
    m.cfg.ram_size = ram;
    m.cfg.smp = ncpus;
    if (memory_init(&m.mem, ram) < 0)
        tap_bail("memory_init");
    m.ncpus = ncpus;
    m.cpus = calloc(ncpus, sizeof *m.cpus);     /* zeroed: machine_event_origin reads them */
}

static void machine_teardown(void)
{
    free(m.cpus);           /* never cpu_init'ed: nothing for cpu_destroy */
    m.cpus = NULL;
    m.ncpus = 0;
    machine_destroy(&m);
}

static char err[1024];

/* Loads SRC (dts text) from a scratch .dts file through dtc. */
static int load_dts(const char *src)
{
    static int n;
    char name[64];
    snprintf(name, sizeof name, "desc%d.dts", n++);
    const char *path = test_path(name);
    if (!test_write_file(path, src, strlen(src)))
        tap_bail("cannot write %s", path);
    err[0] = '\0';
    return desc_load(&m, path, err, sizeof err);
}

/* A description that should load but not bind: the bind error. */
static int load_and_bind(const char *src)
{
    if (load_dts(src) < 0)
        return -2;
    return desc_bind_devices(&m, err, sizeof err);
}

#define ROOT "/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>; compatible = \"ppcrr,test\";\n"

/* ---- tests ---- */

static void test_default_binds(void)
{
    machine_setup(512ull << 20, 1);
    ok(desc_load(&m, NULL, err, sizeof err) == 0, "the shipped description loads: %s", err);
    is_str(fdt_getprop(m.desc, 0, "model", NULL), "IBM pSeries (emulated by ppcrr)", "its model");
    ok(desc_bind_devices(&m, err, sizeof err) == 0, "and binds to the fake types: %s", err);
    is_u64(m.ndevices, 5, "five devices");
    static const char *const want[][2] = {
        { "/interrupt-controller", "xics" },
        { "/vdevice", "vdevice" },
        { "/vdevice/vty@71000000", "vty0" },
        { "/vdevice/nvram@71000001", "nvram" },
        { "/power@f00000000000", "power" },
    };
    for (size_t i = 0; i < 5 && i < m.ndevices; i++) {
        is_str(m.devices[i]->path, want[i][0], "device %zu in tree order (parents first)", i);
        is_str(m.devices[i]->name, want[i][1], "named after its alias");
    }
    struct device *vty = machine_find_device(&m, "vty0");
    ok(vty && vty->parent == machine_find_device(&m, "vdevice"), "the vty's parent is the bus");
    ok(m.devices[0]->parent == NULL, "a root child has no parent device");
    is_u64(m.n_irq_outputs, 1, "one output line");
    if (m.n_irq_outputs == 1) {
        struct irq_line *l = m.irq_outputs[0];
        is_str(l->name, "vty0.irq", "named <device>.<line>");
        is_str(l->input_name, "xics.4352", "wired as ppcrr,irq-connect says");
        ok(l->input == fake_input && l->input_opaque == m.devices[0], "connected to the input");
        irq_set(l, 1);
        is_i64(input_level, 1, "a level change reaches the controller");
    }
    machine_teardown();
}

struct seen_events {
    struct event ev[4];
    char region[4][32];
    unsigned n;
};

static void record_event(void *opaque, const struct event *e)
{
    struct seen_events *s = opaque;
    if (e->kind != EVENT_MMIO || s->n == 4)
        return;
    s->ev[s->n] = *e;
    snprintf(s->region[s->n], sizeof s->region[0], "%s", e->u.mmio.region);
    s->n++;
}

static void test_mmio_events(void)
{
    machine_setup(512ull << 20, 1);
    m.cpus[0].icount[0] = 77;
    m.cpus[0].cia = 0x1234;
    struct seen_events seen = { .n = 0 };
    event_observe(&m.events, record_event, &seen);
    if (desc_load(&m, NULL, err, sizeof err) < 0 || desc_bind_devices(&m, err, sizeof err) < 0)
        tap_bail("default machine: %s", err);
    const struct mmio_region *r = memory_find_mmio(&m.mem, 0xf00000000008ull);
    ok(r && r->base == 0xf00000000000ull && r->size == 0x100, "the power device's region");
    is_str(r ? r->name : NULL, "power", "named after the device");
    if (!r)
        return;
    uint64_t v = 0;
    ok(r->ops->write(r->opaque, 8, 4, 0xabcd), "a write goes through");
    is_u64(((struct regs *)machine_find_device(&m, "power")->state)->last_write, 0xabcd,
           "to the device's ops, with its opaque");
    ok(r->ops->read(r->opaque, 4, 8, &v) && v == 0x1004, "a read returns the device's value");
    ok(!r->ops->read(r->opaque, 0x20, 4, &v), "a refused read stays refused");
    is_u64(seen.n, 3, "three MMIO events");
    static const struct { uint64_t addr; unsigned size; int write; uint64_t value; } want[] = {
        { 0xf00000000008ull, 4, 1, 0xabcd },
        { 0xf00000000004ull, 8, 0, 0x1004 },
        { 0xf00000000020ull, 4, 0, 0 },
    };
    for (unsigned i = 0; i < 3 && i < seen.n; i++) {
        const struct event *e = &seen.ev[i];
        ok(e->u.mmio.addr == want[i].addr && e->u.mmio.size == want[i].size &&
           e->u.mmio.write == want[i].write && e->u.mmio.value == want[i].value &&
           strcmp(seen.region[i], "power") == 0, "event %u: region, address, size, direction, value", i);
        ok(e->icount == 77 && e->pc == 0x1234 && e->cpu == 0, "event %u: its origin", i);
    }
    machine_teardown();
}

/* One malformed description: the error names the node (or file) and the
 * property. */
struct bad_case {
    const char *what;
    const char *src;
    bool at_bind;            /* refused by desc_bind_devices, not desc_load */
    const char *needles[3];
};

static const struct bad_case bad_cases[] = {
    { "unknown compatible", ROOT "  acme@100000000 { compatible = \"acme,widget\", \"acme,gadget\";"
      " reg = <0x1 0x0 0x0 0x100>; };\n};\n",
      true, { "node /acme@100000000", "property compatible", "\"acme,widget\", \"acme,gadget\"" } },
    { "overlapping reg", ROOT "  a@100000000 { compatible = \"test,plain\"; reg = <0x1 0x0 0x0 0x1000>; };\n"
      "  b@100000800 { compatible = \"test,plain\"; reg = <0x1 0x800 0x0 0x10>; };\n};\n",
      false, { "node /b@100000800", "property reg", "overlaps node /a@100000000" } },
    { "reg overlapping RAM", ROOT "  low@10000000 { compatible = \"test,plain\"; reg = <0x0 0x10000000 0x0 0x100>; };\n};\n",
      false, { "node /low@10000000", "property reg", "overlaps RAM" } },
    { "bad #address-cells", ROOT "  bus { #address-cells = <3>; #size-cells = <0>; };\n};\n",
      false, { "node /bus", "property #address-cells", "out of range" } },
    { "#size-cells not one cell", ROOT "  bus { #address-cells = <1>; #size-cells = [00]; };\n};\n",
      false, { "node /bus", "property #size-cells", "length 1" } },
    { "reg length not a multiple", ROOT "  a@100000000 { compatible = \"test,plain\"; reg = <0x1 0x0 0x0>; };\n};\n",
      false, { "node /a@100000000", "property reg", "not a whole number" } },
    { "reg wrapping the address space", ROOT "  top@ffffffffffffff00 { compatible = \"test,plain\";"
      " reg = <0xffffffff 0xffffff00 0x0 0x200>; };\n};\n",
      false, { "node /top@ffffffffffffff00", "property reg", "past the end" } },
    { "dangling irq-connect", ROOT "  xics { compatible = \"IBM,ppc-xicp\"; };\n"
      "  vdevice { compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>;\n"
      "    vty@30000000 { compatible = \"hvterm1\"; reg = <0x30000000>; ppcrr,irq-connect = \"xics.9999\"; };\n  };\n};\n",
      true, { "node /vdevice/vty@30000000", "property ppcrr,irq-connect", "\"xics.9999\"" } },
    { "irq-connect on a device without a line", ROOT "  p@100000000 { compatible = \"test,plain\";"
      " reg = <0x1 0x0 0x0 0x100>; ppcrr,irq-connect = \"xics.4096\"; };\n};\n",
      true, { "node /p@100000000", "property ppcrr,irq-connect", "no interrupt output" } },
    { "irq-connect not a string", ROOT "  p@100000000 { compatible = \"test,plain\";"
      " reg = <0x1 0x0 0x0 0x100>; ppcrr,irq-connect = <4096>; };\n};\n",
      false, { "node /p@100000000", "property ppcrr,irq-connect", "not a list of strings" } },
    { "alias to nowhere", ROOT "  aliases { con = \"/nowhere@0\"; };\n};\n",
      false, { "node /aliases", "property con", "\"/nowhere@0\" names no node" } },
    { "alias loop (relative aliases)", ROOT "  aliases { a = \"b\"; b = \"a\"; };\n};\n",
      false, { "node /aliases", "property a", "names no node" } },
    { "a described /chosen", ROOT "  chosen { bootargs = \"x\"; };\n};\n",
      false, { "node /chosen", "generated", "" } },
    { "a described /memory", ROOT "  memory@0 { device_type = \"memory\"; reg = <0 0 0 0x1000>; };\n};\n",
      false, { "node /memory@0", "generated", "" } },
    { "realize failure", ROOT "  f@100000000 { compatible = \"test,failing\"; reg = <0x1 0x0 0x0 0x10>; };\n};\n",
      true, { "node /f@100000000", "property test,knob", "refused" } },
};

static void test_bad_descriptions(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const struct bad_case *c = &bad_cases[i];
        machine_setup(512ull << 20, 1);
        int rc = load_and_bind(c->src);
        ok(rc == (c->at_bind ? -1 : -2), "%s: refused by %s", c->what,
           c->at_bind ? "desc_bind_devices" : "desc_load");
        tap_diag("%s", err);
        for (int k = 0; k < 3 && c->needles[k]; k++)
            if (c->needles[k][0])
                has_substr(err, c->needles[k], "%s: the message says %s", c->what, c->needles[k]);
        machine_teardown();
    }
}

static void test_good_descriptions(void)
{
    machine_setup(512ull << 20, 1);
    /* Unit addresses on a bus without sizes are not MMIO: 0x1000 is in
     * RAM's range but is not checked against it. The first registered
     * compatible in a list wins. Two nodes named alike get distinct names. */
    int rc = load_and_bind(ROOT
        "  vdevice { compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>;\n"
        "    x@1000 { compatible = \"acme,unknown\", \"test,plain\"; reg = <0x1000>; };\n  };\n"
        "  bus { #address-cells = <2>; #size-cells = <2>; ranges;\n"
        "    x@1000 { compatible = \"test,plain\"; reg = <0x2 0x0 0x0 0x10>; };\n  };\n};\n");
    ok(rc == 0, "unit addresses, identity-mapped buses, fallback compatibles: %s", err);
    struct device *a = machine_find_device(&m, "/vdevice/x@1000");
    struct device *b = machine_find_device(&m, "/bus/x@1000");
    ok(a && strcmp(a->type->compatible, "test,plain") == 0, "the second compatible bound");
    ok(a && b && strcmp(a->name, "x@1000") == 0 && strcmp(b->name, "/bus/x@1000") == 0,
       "a name already taken falls back to the path (%s, %s)", a ? a->name : "-", b ? b->name : "-");
    ok(b && b->parent == NULL, "a node under an unbound bus has no parent device");
    machine_teardown();

    machine_setup(512ull << 20, 1);
    rc = load_and_bind(ROOT "  bus { #address-cells = <2>; #size-cells = <2>; ranges;\n"
                       "    y@1000 { compatible = \"test,plain\"; reg = <0x0 0x1000 0x0 0x10>; };\n  };\n};\n");
    ok(rc == -2 && strstr(err, "node /bus/y@1000") && strstr(err, "overlaps RAM"),
       "an identity-mapped bus's children are checked against RAM: %s", err);
    machine_teardown();

    /* A .dtb file is read as is. */
    machine_setup(512ull << 20, 1);
    const char *path = test_path("pseries.dtb");
    test_write_file(path, desc_pseries_dtb, desc_pseries_dtb_size);
    ok(desc_load(&m, path, err, sizeof err) == 0, "a .dtb file loads: %s", err);
    machine_teardown();
}

static void test_bad_files(void)
{
    machine_setup(512ull << 20, 1);
    ok(load_dts("/dts-v1/;\n/ { x = <1>\n};\n") < 0, "a .dts with a syntax error is refused");
    tap_diag("%s", err);
    has_substr(err, "desc", "the message names the file");
    has_substr(err, "dtc could not compile it", "and says dtc failed");
    has_substr(err, "syntax error", "with dtc's own words");

    const char *path = test_path("notadtb.dtb");
    test_write_file(path, "hello, world\n", 13);
    ok(desc_load(&m, path, err, sizeof err) < 0, "a file that is not a dtb is refused");
    has_substr(err, "notadtb.dtb", "the message names the file");
    has_substr(err, "not a valid device tree blob", "and says what is wrong");

    path = test_path("short.dtb");
    test_write_file(path, "\xd0\x0d", 2);
    ok(desc_load(&m, path, err, sizeof err) < 0, "a two-byte file is refused: %s", err);

    path = test_path("truncated.dtb");
    test_write_file(path, desc_pseries_dtb, desc_pseries_dtb_size / 2);
    ok(desc_load(&m, path, err, sizeof err) < 0, "a truncated dtb is refused: %s", err);

    /* Every byte of the struct block flipped in turn: refused or loaded,
     * never a crash (ASan builds see any stray read). */
    uint8_t *copy = malloc(desc_pseries_dtb_size);
    unsigned refused = 0;
    for (unsigned at = 0; copy && at < desc_pseries_dtb_size; at++) {
        memcpy(copy, desc_pseries_dtb, desc_pseries_dtb_size);
        copy[at] ^= 0xff;
        path = test_path("flipped.dtb");
        test_write_file(path, copy, desc_pseries_dtb_size);
        refused += desc_load(&m, path, err, sizeof err) < 0;
    }
    free(copy);
    ok(refused > 0, "byte flips: %u of %u refused, none crashed", refused, desc_pseries_dtb_size);

    ok(desc_load(&m, "/nonexistent/x.dtb", err, sizeof err) < 0 &&
       strstr(err, "/nonexistent/x.dtb"), "a missing file: %s", err);
    machine_teardown();
}

static void test_node_helpers(void)
{
    machine_setup(512ull << 20, 1);
    int rc = load_and_bind(ROOT "  n@100000000 { compatible = \"test,plain\";\n"
                           "    reg = <0x1 0x0 0x0 0x100 0x1 0x1000 0x0 0x20>;\n"
                           "    ok32 = <7>; two = <1 2>; str = \"s\"; unterminated = [41 42]; };\n};\n");
    if (rc < 0)
        tap_bail("helper description: %s", err);
    struct device *d = machine_find_device(&m, "n@100000000");
    uint64_t addr, size;
    uint32_t v;
    ok(device_get_reg(d, 1, &addr, &size, err, sizeof err) == 0 && addr == 0x100001000ull &&
       size == 0x20, "reg entry 1 with the parent's 2+2 cells");
    ok(device_get_reg(d, 2, &addr, &size, err, sizeof err) < 0, "reg entry 2 does not exist");
    has_substr(err, "node /n@100000000: property reg: has 2 entries, no entry 2", "and says so");
    ok(device_get_u32(d, "ok32", &v, err, sizeof err) == 0 && v == 7, "a 32-bit cell");
    ok(device_get_u32(d, "two", &v, err, sizeof err) < 0, "two cells are not one");
    has_substr(err, "node /n@100000000: property two: length 8", "and says so");
    ok(device_get_u32(d, "none", &v, err, sizeof err) < 0, "a missing property");
    has_substr(err, "property none: missing", "and says so");
    is_str(device_get_string(d, "str"), "s", "a string");
    ok(device_get_string(d, "unterminated") == NULL, "an unterminated string is not one");
    ok(device_get_string(d, "none") == NULL, "nor a missing one");
    ok(device_add_mmio(d, 0x100000080ull, 0x100, &regs_ops, NULL, err, sizeof err) == 0,
       "an MMIO region");
    ok(device_add_mmio(d, 0x100000100ull, 0x100, &regs_ops, NULL, err, sizeof err) < 0,
       "an overlapping one is refused");
    has_substr(err, "node /n@100000000: property reg", "naming the node and reg");
    ok(device_add_mmio(d, 0x1000, 0x100, &regs_ops, NULL, err, sizeof err) < 0,
       "one in RAM is refused");
    ok(device_irq_output(d, "a", err, sizeof err) && !device_irq_output(d, "a", err, sizeof err),
       "a line name made twice is refused");
    machine_teardown();
}

static void test_registry(void)
{
    ok(device_type_find("hvterm1") == &fake_types[2], "types are found by compatible");
    ok(device_type_find("nothing") == NULL, "unknown compatibles are not");
    device_type_register(&fake_types[2]);
    ok(device_type_find("hvterm1") == &fake_types[2], "registering the same type again is harmless");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        static const struct device_type dup = { .compatible = "hvterm1" };
        freopen("/dev/null", "w", stderr);
        device_type_register(&dup);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
       "a second type claiming a compatible aborts");
}

/* ---- the guest's tree ---- */

static int parts_order[4], nparts;

static int part_a(struct machine *mm, void *fdt, void *opaque)
{
    (void)mm;
    parts_order[nparts++] = (int)(intptr_t)opaque;
    int node = fdt_add_subnode(fdt, 0, "rtas");
    return node < 0 ? node : fdt_setprop_u32(fdt, node, "test,part", 1);
}

static int part_b(struct machine *mm, void *fdt, void *opaque)
{
    (void)mm;
    (void)fdt;
    parts_order[nparts++] = (int)(intptr_t)opaque;
    return fdt_path_offset(fdt, "/rtas") < 0 ? -FDT_ERR_NOTFOUND : 0;
}

static bool has_host_props(const void *fdt)
{
    for (int node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        int prop;
        fdt_for_each_property_offset(prop, fdt, node) {
            const char *name;
            fdt_getprop_by_offset(fdt, prop, &name, NULL);
            if (name && strncmp(name, "ppcrr,", 6) == 0)
                return true;
        }
    }
    return false;
}

static uint32_t cell(const void *fdt, const char *path, const char *prop, int index, int *len)
{
    int node = fdt_path_offset(fdt, path);
    const fdt32_t *p = node < 0 ? NULL : fdt_getprop(fdt, node, prop, len);
    if (!p) {
        *len = -1;
        return 0xdeadbeef;
    }
    return index * 4 < *len ? fdt32_to_cpu(p[index]) : 0xdeadbeef;
}

static void test_guest_tree(void)
{
    machine_setup(1ull << 30, 2);
    m.cfg.append = "console=hvc0 quiet";
    m.initrd_base = 0x2000000;
    m.initrd_size = 0x123456;
    machine_add_fdt_part(&m, part_a, (void *)1);
    machine_add_fdt_part(&m, part_b, (void *)2);
    fixups_seen = 0;
    if (desc_load(&m, NULL, err, sizeof err) < 0 || desc_bind_devices(&m, err, sizeof err) < 0)
        tap_bail("default machine: %s", err);
    ok(machine_build_fdt(&m, err, sizeof err) == 0, "the guest tree builds: %s", err);
    const void *fdt = m.guest_fdt;
    ok(fdt && fdt_check_full(fdt, m.guest_fdt_size) == 0, "a valid blob");
    ok(fdt && m.guest_fdt_size == fdt_totalsize(fdt), "of the size recorded");
    if (!fdt)
        return;
    ok(!has_host_props(fdt), "no ppcrr,* property is left");
    ok(!memmem(fdt, m.guest_fdt_size, "ppcrr,irq-connect", 17) &&
       !memmem(fdt, m.guest_fdt_size, "ppcrr,chardev", 13), "not even in the strings block");
    ok(has_host_props(m.desc), "the description keeps them");
    is_str(fdt_getprop(fdt, 0, "device_type", NULL), "chrp", "the root is copied");

    int len;
    is_u64(cell(fdt, "/cpus", "#address-cells", 0, &len), 1, "/cpus #address-cells");
    for (int i = 0; i < 2; i++) {
        char path[64];
        snprintf(path, sizeof path, "/cpus/PowerPC,POWER8@%x", i);
        is_u64(cell(fdt, path, "reg", 0, &len), (uint64_t)i, "%s reg", path);
        is_u64(cell(fdt, path, "ibm,ppc-interrupt-server#s", 0, &len), (uint64_t)i, "its server");
    }
    const char *cpu0 = "/cpus/PowerPC,POWER8@0";
    is_u64(cell(fdt, cpu0, "cpu-version", 0, &len), 0x004d0200, "PVR POWER8");
    is_u64(cell(fdt, cpu0, "timebase-frequency", 0, &len), 512000000, "timebase 512 MHz");
    is_u64(cell(fdt, cpu0, "ibm,pft-size", 1, &len), 23, "1 GiB: a 8 MiB hash table (2^23)");
    is_u64(cell(fdt, cpu0, "ibm,pft-size", 0, &len), 0, "ibm,pft-size <0 N>");
    is_u64(cell(fdt, cpu0, "ibm,processor-segment-sizes", 1, &len), 40, "1T segments");
    is_u64(cell(fdt, cpu0, "ibm,segment-page-sizes", 6, &len), 0x110, "the 64K segment's SLB encoding");
    is_i64(len, 4 * 15, "three segment sizes, one page size each (as QEMU's pseries)");
    is_u64(cell(fdt, cpu0, "ibm,slb-size", 0, &len), 32, "32 SLB entries");
    is_u64(cell(fdt, cpu0, "ibm,vmx", 0, &len), 2, "VSX");
    int node = fdt_path_offset(fdt, cpu0);
    const uint8_t *pa = fdt_getprop(fdt, node, "ibm,pa-features", &len);
    ok(pa && len == 26 && pa[0] == 24 && pa[2] == 0xf6, "ibm,pa-features: 24 bytes of ISA 2.07");
    is_str(fdt_getprop(fdt, node, "status", NULL), "okay", "status okay");
    ok(fdt_getprop(fdt, node, "64-bit", &len) && len == 0, "64-bit");

    is_str(fdt_getprop(fdt, fdt_path_offset(fdt, "/memory@0"), "device_type", NULL), "memory",
           "/memory@0");
    ok(cell(fdt, "/memory@0", "reg", 2, &len) == 0 && cell(fdt, "/memory@0", "reg", 3, &len) ==
       0x10000000 && len == 16, "reg <0 0 0 256 MiB>: the RMA first, as QEMU splits it");
    ok(cell(fdt, "/memory@10000000", "reg", 1, &len) == 0x10000000 &&
       cell(fdt, "/memory@10000000", "reg", 3, &len) == 0x10000000 && len == 16,
       "/memory@10000000: the next 256 MiB (aligned power-of-two nodes, as QEMU writes them)");
    ok(cell(fdt, "/memory@20000000", "reg", 1, &len) == 0x20000000 &&
       cell(fdt, "/memory@20000000", "reg", 3, &len) == 0x20000000 && len == 16,
       "/memory@20000000: the last 512 MiB");
    int chosen = fdt_path_offset(fdt, "/chosen");
    is_str(fdt_getprop(fdt, chosen, "bootargs", NULL), "console=hvc0 quiet", "bootargs");
    is_u64(cell(fdt, "/chosen", "linux,initrd-start", 0, &len), 0x2000000, "initrd start");
    is_u64(cell(fdt, "/chosen", "linux,initrd-end", 0, &len), 0x2123456, "initrd end");
    is_str(fdt_getprop(fdt, chosen, "linux,stdout-path", NULL), "/vdevice/vty@71000000",
           "linux,stdout-path: the -serial console");
    is_str(fdt_getprop(fdt, chosen, "stdout-path", NULL), "/vdevice/vty@71000000", "stdout-path");

    is_u64(fixups_seen, 1, "the vty's fixup ran once");
    is_str(fdt_getprop(fdt, fdt_path_offset(fdt, "/vdevice/vty@71000000"), "test,fixed-up", NULL),
           "yes", "on its own node");
    ok(nparts == 2 && parts_order[0] == 1 && parts_order[1] == 2, "the parts ran in order");
    is_u64(cell(fdt, "/rtas", "test,part", 0, &len), 1, "and their nodes are there");

    /* Built again: replaced, not leaked; initrd above 4 GiB needs two cells. */
    m.initrd_base = 0x100000000ull;
    ok(machine_build_fdt(&m, err, sizeof err) == 0, "rebuilt");
    cell(m.guest_fdt, "/chosen", "linux,initrd-start", 0, &len);
    is_i64(len, 8, "an initrd above 4 GiB gets two cells");
    machine_teardown();

    static const struct { uint64_t ram; uint32_t shift; } pft[] = {
        { 16ull << 20, 18 }, { 512ull << 20, 22 }, { (512ull << 20) + 4096, 23 }, { 4ull << 30, 25 },
    };
    for (size_t i = 0; i < sizeof pft / sizeof *pft; i++) {
        machine_setup(pft[i].ram, 1);
        desc_load(&m, NULL, err, sizeof err);
        machine_build_fdt(&m, err, sizeof err);
        is_u64(cell(m.guest_fdt, "/cpus/PowerPC,POWER8@0", "ibm,pft-size", 1, &len), pft[i].shift,
               "ibm,pft-size for %llu MiB", (unsigned long long)(pft[i].ram >> 20));
        machine_teardown();
    }
}

int main(void)
{
    for (size_t i = 0; i < sizeof fake_types / sizeof *fake_types; i++)
        device_type_register(&fake_types[i]);
    test_scratch_dir();
    test_registry();
    test_default_binds();
    test_mmio_events();
    test_bad_descriptions();
    test_good_descriptions();
    test_bad_files();
    test_node_helpers();
    test_guest_tree();
    test_scratch_cleanup();
    return tap_done();
}
