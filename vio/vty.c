/*
 * The vty: PAPR's hypervisor virtual terminal (compatible "hvterm1"), the
 * console of a pSeries partition -- Linux's hvc_vio driver (hvc0) and its
 * early debug console, SLOF, QEMU-made test firmware. Output and input
 * are two hcalls, each moving up to 16 bytes packed big-endian in two
 * registers (the first byte in the most significant byte of the first):
 *
 *   H_PUT_TERM_CHAR(reg, len, char0_7, char8_15)   len > 16 → H_PARAMETER
 *   H_GET_TERM_CHAR(reg) → (len, char0_7, char8_15)
 *
 * `reg` is the vty's unit address on the VIO bus. Several vtys may exist;
 * the first one realized registers the two hcalls and every call is
 * routed by `reg`. reg == 0 names the vty with the lowest unit address:
 * Linux's early debug console (CONFIG_PPC_EARLY_DEBUG_LPAR) always passes
 * 0, PowerVM answers it although no vty has unit address 0, and QEMU
 * copies that; so do we.
 *
 * Input: the node's `ppcrr,chardev` backend hands typed bytes over as
 * console input events (input_console), which land in the receive buffer
 * here; an IRQ pulse on the "irq" line tells the guest, as QEMU's
 * qemu_irq_pulse on the vty's edge-triggered XICS source does.
 *
 * The receive buffer stands in for QEMU's 16-byte FIFO plus its chardev
 * flow control. QEMU never really drops typed bytes: the backend holds
 * back what the FIFO cannot take and offers it again each time the guest
 * reads, and when such a refill lands in an empty FIFO it pulses again.
 * Our backends cannot hold back (a byte is an input event the moment it
 * arrives, which is what record/replay needs), so the device keeps the
 * backlog itself -- VTY_RX_SIZE bytes, dropping beyond that with one
 * warning -- and reproduces the extra pulse: when a read empties what
 * QEMU's FIFO would have held while more is waiting. A guest sees the
 * same bytes, the same per-call lengths and an edge per refill.
 */
#include <ctype.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/chardev.h"
#include "emu/input.h"
#include "hcall/hcall.h"
#include "vio/vio.h"

#define VTY_COMPATIBLE "hvterm1"
#define VIO_BUS_COMPATIBLE "IBM,vdevice"
#define VTY_CHARS_PER_CALL 16           /* PAPR: per H_PUT/GET_TERM_CHAR */
#define VTY_RX_SIZE 4096u               /* backlog of typed bytes; a power of two */

struct vty {
    struct device *dev;
    struct chardev *cd;
    struct irq_line *irq;
    uint32_t reg;                        /* unit address */
    int64_t xics_source;                 /* for `interrupts`; -1: not connected */
    bool realized;
    /* Guest-visible state (snapshot, digest): typed bytes not yet read. */
    uint32_t rx_in, rx_out;              /* free-running; rx_in - rx_out bytes held */
    uint8_t rx[VTY_RX_SIZE];
    /* Typed bytes dropped at a full backlog since the machine started:
     * the warning is printed once, at the first. Saved (walk version 2)
     * so that a run restored after input was lost knows it was. */
    uint64_t rx_dropped;
};

static const struct device_type vty_type;

/* ---- routing by unit address ---- */

/* A direct child of the VIO bus node: Linux looks for VIO devices only
 * there, and the bus checks only its direct children's unit addresses. */
static bool on_vio_bus(const struct device *d)
{
    return d->direct_child && strcmp(d->parent->type->compatible, VIO_BUS_COMPATIBLE) == 0;
}

/* The unit address of any VIO device, from the description (the bus
 * checked every child has a one-cell reg). */
static bool vio_reg(const struct device *d, uint32_t *reg)
{
    if (d->type == &vty_type) {
        *reg = ((const struct vty *)d->state)->reg;
        return ((const struct vty *)d->state)->realized;
    }
    int len;
    const fdt32_t *p = fdt_getprop(d->machine->desc, d->node, "reg", &len);
    if (!p || len != 4)
        return false;
    *reg = fdt32_to_cpu(*p);
    return true;
}

/* QEMU's vty_lookup: the VIO device with unit address REG (compared on
 * its low 32 bits, as QEMU's uint32_t lookup does), which must be a vty;
 * failing that, for REG == 0 exactly, the vty with the lowest address. */
static struct vty *vty_lookup(struct machine *m, uint64_t reg_arg)
{
    uint32_t reg = (uint32_t)reg_arg;
    struct vty *lowest = NULL;
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *d = m->devices[i];
        uint32_t r;
        if (!on_vio_bus(d) || !vio_reg(d, &r))
            continue;
        if (r == reg)
            return d->type == &vty_type ? d->state : NULL;
        if (d->type == &vty_type && (!lowest || r < lowest->reg))
            lowest = d->state;
    }
    return reg_arg == 0 ? lowest : NULL;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* ---- input ---- */

static void vty_receive(void *opaque, const uint8_t *data, size_t len)
{
    struct vty *v = opaque;
    bool was_empty = v->rx_in == v->rx_out;
    for (size_t i = 0; i < len; i++) {
        if (v->rx_in - v->rx_out >= VTY_RX_SIZE) {
            if (v->rx_dropped == 0)
                fprintf(stderr, "ppcrr: %s: console input buffer full (%u bytes the guest has not read); "
                        "%zu typed bytes dropped\n", v->dev->path, VTY_RX_SIZE, len - i);
            v->rx_dropped += len - i;
            break;
        }
        v->rx[v->rx_in++ % VTY_RX_SIZE] = data[i];
    }
    if (was_empty && len > 0 && v->irq)
        irq_pulse(v->irq);
}

/* Up to 16 bytes for H_GET_TERM_CHAR; returns how many.
 *
 * PowerVM once put a \0 after every \r it handed a guest, and guests
 * (hvc_vio) still delete a \0 that follows a \r. QEMU 7.2 does not add the
 * \0 (checked: its vtyecho guest echoes "a\rb" unchanged) but, so that
 * such a guest cannot swallow a real \0 typed right after a \r, it ends the
 * call before that \0, which then arrives at the start of the next call. */
static size_t vty_getchars(struct vty *v, uint8_t buf[VTY_CHARS_PER_CALL])
{
    uint32_t held = v->rx_in - v->rx_out;
    uint32_t fifo = held < VTY_CHARS_PER_CALL ? held : VTY_CHARS_PER_CALL;   /* QEMU's FIFO */
    size_t n = 0;
    while (n < VTY_CHARS_PER_CALL && v->rx_out != v->rx_in) {
        uint8_t ch = v->rx[v->rx_out % VTY_RX_SIZE];
        if (ch == '\0' && n > 0 && buf[n - 1] == '\r')
            break;
        buf[n++] = ch;
        v->rx_out++;
    }
    /* QEMU refills its emptied FIFO from the held-back input after a read
     * and pulses, as the refill lands in an empty FIFO (see the top). */
    if (n == fifo && v->rx_in != v->rx_out && v->irq)
        irq_pulse(v->irq);
    return n;
}

/* ---- the hcalls ---- */

static int64_t h_put_term_char(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t reg = args[0], len = args[1], char0_7 = args[2], char8_15 = args[3];
    (void)rets;
    struct vty *v = vty_lookup(ctx->machine, reg);
    if (!v || len > VTY_CHARS_PER_CALL)
        return H_PARAMETER;
    uint8_t buf[VTY_CHARS_PER_CALL];
    put_be64(buf, char0_7);
    put_be64(buf + 8, char8_15);
    chardev_write(v->cd, buf, (size_t)len);
    return H_SUCCESS;
}

static int64_t h_get_term_char(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t reg = args[0];
    struct vty *v = vty_lookup(ctx->machine, reg);
    if (!v)
        return H_PARAMETER;
    uint8_t buf[VTY_CHARS_PER_CALL] = { 0 };      /* unused bytes read as 0 */
    rets[0] = vty_getchars(v, buf);
    rets[1] = get_be64(buf);
    rets[2] = get_be64(buf + 8);
    return H_SUCCESS;
}

/* ---- the device ---- */

/* `ppcrr,irq-connect` = "xics.N" → N, for the guest's `interrupts`. */
static int parse_irq_connect(struct device *dev, struct vty *v, char *err, size_t errlen)
{
    const char *conn = device_get_string(dev, "ppcrr,irq-connect");
    v->xics_source = -1;
    if (!conn)
        return 0;      /* no interrupt: hvc_vio polls */
    char *end = NULL;
    unsigned long long n = 0;
    if (strncmp(conn, "xics.", 5) == 0 && isdigit((unsigned char)conn[5]))
        n = strtoull(conn + 5, &end, 10);
    if (!end || *end || n > UINT32_MAX) {
        snprintf(err, errlen, "node %s: property ppcrr,irq-connect: \"%s\": a VIO device's line goes "
                 "to a XICS source, \"xics.N\"", dev->path, conn);
        return -1;
    }
    v->xics_source = (int64_t)n;
    return 0;
}

static int open_backend(struct device *dev, struct vty *v, char *err, size_t errlen)
{
    const char *spec = device_get_string(dev, "ppcrr,chardev");
    if (!spec) {
        snprintf(err, errlen, "node %s: property ppcrr,chardev: missing (\"serial\" for the -serial "
                 "backend, or one such as \"file:PATH\" or \"null\")", dev->path);
        return -1;
    }
    if (strcmp(spec, "serial") == 0)
        spec = dev->machine->cfg.serial ? dev->machine->cfg.serial : "stdio";
    char why[256];
    v->cd = chardev_open(dev->machine, spec, why, sizeof why);
    if (!v->cd) {
        snprintf(err, errlen, "node %s: property ppcrr,chardev: %s", dev->path, why);
        return -1;
    }
    return 0;
}

/* The first vty of a machine registers the hcalls (registering twice
 * aborts); later ones are found by vty_lookup. */
static bool vty_hcalls_registered(struct machine *m)
{
    for (size_t i = 0; i < m->ndevices; i++)
        if (m->devices[i]->type == &vty_type && ((struct vty *)m->devices[i]->state)->realized)
            return true;
    return false;
}

static int vty_realize(struct device *dev, char *err, size_t errlen)
{
    struct vty *v = dev->state;
    struct machine *m = dev->machine;
    v->dev = dev;
    if (!on_vio_bus(dev)) {
        snprintf(err, errlen, "node %s: property compatible: a vty must be a child of the VIO bus "
                 "node (compatible \"%s\")", dev->path, VIO_BUS_COMPATIBLE);
        return -1;
    }
    const char *name = fdt_get_name(m->desc, dev->node, NULL);
    if (!name || strncmp(name, "vty", 3) != 0) {
        snprintf(err, errlen, "node %s: the name of a vty node must start with \"vty\" (Linux's "
                 "hvc_vio_init_early looks for it; QEMU names it vty@<reg>)", dev->path);
        return -1;
    }
    if (device_get_u32(dev, "reg", &v->reg, err, errlen) < 0 ||
        parse_irq_connect(dev, v, err, errlen) < 0 ||
        !(v->irq = device_irq_output(dev, "irq", err, errlen)) || open_backend(dev, v, err, errlen) < 0)
        return -1;
    if (!vty_hcalls_registered(m)) {
        hcall_register(m, H_PUT_TERM_CHAR, h_put_term_char, NULL);
        hcall_register(m, H_GET_TERM_CHAR, h_get_term_char, NULL);
    }
    chardev_set_receiver(v->cd, vty_receive, v);
    v->realized = true;
    return 0;
}

/* What QEMU's vio_make_devnode writes for a vty, plus `name`: Linux's
 * unflattening makes one up from the node name when a flat tree has none
 * (hvc_vio_init_early then checks it starts with "vty"), but a guest that
 * reads the blob directly (test firmware) finds it only if it is there. */
static int vty_fdt_fixup(struct device *dev, void *fdt, int node)
{
    struct vty *v = dev->state;
    const char *full = fdt_get_name(fdt, node, NULL);
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(full ? full : "vty", "@"), full ? full : "vty");
    int rc;
    if ((rc = fdt_setprop_u32(fdt, node, "reg", v->reg)) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "device_type", "serial")) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "compatible", VTY_COMPATIBLE)) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "name", name)) < 0)
        return rc;
    if (v->xics_source >= 0) {
        /* <source sense>: sense 0, the edge-triggered (MSI-like) kind
         * QEMU allocates VIO interrupts as. */
        fdt32_t cells[2] = { cpu_to_fdt32((uint32_t)v->xics_source), cpu_to_fdt32(0) };
        if ((rc = fdt_setprop(fdt, node, "interrupts", cells, sizeof cells)) < 0)
            return rc;
    }
    return 0;
}

static void vty_destroy(struct device *dev)
{
    struct vty *v = dev->state;
    chardev_close(v->cd);
    v->cd = NULL;
}

/* The receive buffer is guest-visible: what H_GET_TERM_CHAR returns next.
 *
 * Version 2 added rx_dropped. Before it a snapshot taken after typed input
 * had been dropped lost that fact: the restored run warned again at its
 * next drop as if it were the first, and nothing said the console had
 * lost bytes before the snapshot -- which is exactly what someone replaying
 * a boot whose console input went astray needs to know. Version 1
 * snapshots still load: their rx_dropped is 0, "none known dropped", which
 * is what a version 1 build would have reported after a restore. */
static void vty_state(struct device *dev, struct state_visitor *v)
{
    struct vty *t = dev->state;
    STATE_FIELD(v, 1, t->rx_in);
    STATE_FIELD(v, 2, t->rx_out);
    STATE_FIELD(v, 3, t->rx);
    STATE_FIELD_ADDED(v, 4, t->rx_dropped);
}

static const struct device_type vty_type = {
    .compatible = VTY_COMPATIBLE,
    .summary = "PAPR virtual terminal (H_PUT_TERM_CHAR/H_GET_TERM_CHAR), the console",
    .state_size = sizeof(struct vty),
    .realize = vty_realize,
    .fdt_fixup = vty_fdt_fixup,
    .destroy = vty_destroy,
    .state = vty_state,
    .state_version = 2,                 /* 2: rx_dropped */
    .state_min_version = 1,
};

/* Called by vio_init (vio.c). */
void vty_register_type(void);
void vty_register_type(void)
{
    device_type_register(&vty_type);
}
