/*
 * The device registry and the helpers a device's realize() uses
 * (device.h): the table of device types by `compatible`, reading the
 * device's own description node (`reg` decoded with the parent's cells,
 * 32-bit cells, strings), MMIO regions whose accesses become MMIO events,
 * and named IRQ output lines.
 *
 * Description nodes may come from a user's file, so every read here goes
 * through libfdt's checked accessors and checks the length it gets back:
 * a malformed property is an error naming the node and property, never a
 * read past its end.
 */
#include "emu/device.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/event.h"
#include "emu/machine.h"

/* ---- the registry ---- */

#define DEVICE_MAX_TYPES 128

static const struct device_type *registry[DEVICE_MAX_TYPES];
static size_t registry_count;

void device_type_register(const struct device_type *type)
{
    for (size_t i = 0; i < registry_count; i++) {
        if (registry[i] == type)
            return;     /* the same type again (a second machine in one process): harmless */
        if (strcmp(registry[i]->compatible, type->compatible) == 0) {
            fprintf(stderr, "ppcrr: two device types claim compatible \"%s\"\n", type->compatible);
            abort();
        }
    }
    if (registry_count == DEVICE_MAX_TYPES) {
        fprintf(stderr, "ppcrr: more than %d device types\n", DEVICE_MAX_TYPES);
        abort();
    }
    registry[registry_count++] = type;
}

const struct device_type *device_type_find(const char *compatible)
{
    for (size_t i = 0; i < registry_count; i++)
        if (strcmp(registry[i]->compatible, compatible) == 0)
            return registry[i];
    return NULL;
}

/* ---- devices ---- */

/* An MMIO region as registered with the address space: the device's ops
 * wrapped so every access is reported first. */
struct device_mmio {
    struct device *dev;
    uint64_t base;
    const struct mmio_ops *ops;
    void *opaque;
};

/* The device and its bookkeeping in one block (the device first), so the
 * machine's free(dev) releases all of it. */
struct device_block {
    struct device dev;
    struct device_mmio mmio[DEVICE_MAX_MMIO];
    unsigned n_mmio;
};

struct device *device_create(struct machine *m, const struct device_type *type, int node,
                             const char *path, const char *name)
{
    struct device_block *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    struct device *dev = &b->dev;
    dev->type = type;
    dev->machine = m;
    dev->node = node;
    dev->path = strdup(path);
    dev->name = strdup(name);
    dev->state = type->state_size ? calloc(1, type->state_size) : NULL;
    if (!dev->path || !dev->name || (type->state_size && !dev->state)) {
        free(dev->path);
        free(dev->name);
        free(dev->state);
        free(b);
        return NULL;
    }
    return dev;
}

/* ---- tree helpers ---- */

const char *device_node_path(const void *fdt, int node, char *buf, size_t len)
{
    if (fdt_get_path(fdt, node, buf, (int)len) < 0)
        snprintf(buf, len, "(node at offset %d)", node);
    return buf;
}

/* One cells property of NODE: absent gives DEFAULT; otherwise exactly one
 * cell, at most 2 (ppcrr addresses are 64-bit). */
static int node_cells_prop(const void *fdt, int node, const char *prop, unsigned dflt,
                           unsigned *value, char *err, size_t errlen)
{
    int len;
    const void *p = fdt_getprop(fdt, node, prop, &len);
    char path[256];
    if (!p) {
        if (len != -FDT_ERR_NOTFOUND) {
            snprintf(err, errlen, "node %s: property %s: unreadable (%s)",
                     device_node_path(fdt, node, path, sizeof path), prop, fdt_strerror(len));
            return -1;
        }
        *value = dflt;
        return 0;
    }
    if (len != 4) {
        snprintf(err, errlen, "node %s: property %s: length %d, expected 4 (one 32-bit cell)",
                 device_node_path(fdt, node, path, sizeof path), prop, len);
        return -1;
    }
    uint32_t v = fdt32_ld(p);
    if (v > 2) {
        snprintf(err, errlen, "node %s: property %s: %u is out of range (0, 1 or 2: addresses "
                 "and sizes are at most 64 bits)",
                 device_node_path(fdt, node, path, sizeof path), prop, v);
        return -1;
    }
    *value = v;
    return 0;
}

int device_node_cells(const void *fdt, int node, unsigned *address_cells, unsigned *size_cells,
                      char *err, size_t errlen)
{
    if (node_cells_prop(fdt, node, "#address-cells", 2, address_cells, err, errlen) < 0)
        return -1;
    return node_cells_prop(fdt, node, "#size-cells", 1, size_cells, err, errlen);
}

static uint64_t read_cells(const uint8_t *p, unsigned cells)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < cells; i++)
        v = (v << 32) | fdt32_ld((const fdt32_t *)(p + 4 * i));
    return v;
}

int device_node_reg(const void *fdt, int node, unsigned address_cells, unsigned size_cells,
                    unsigned index, uint64_t *addr, uint64_t *size, char *err, size_t errlen)
{
    char path[256];
    int len;
    const uint8_t *p = fdt_getprop(fdt, node, "reg", &len);
    unsigned entry = 4 * (address_cells + size_cells);
    if (!p) {
        snprintf(err, errlen, "node %s: property reg: %s",
                 device_node_path(fdt, node, path, sizeof path),
                 len == -FDT_ERR_NOTFOUND ? "missing" : fdt_strerror(len));
        return -1;
    }
    if (address_cells == 0) {
        snprintf(err, errlen, "node %s: property reg: the parent's #address-cells is 0, so its "
                 "children have no addresses", device_node_path(fdt, node, path, sizeof path));
        return -1;
    }
    if (len == 0 || len % entry != 0) {
        snprintf(err, errlen, "node %s: property reg: %d bytes is not a whole number of "
                 "entries of %u address and %u size cells (%u bytes each)",
                 device_node_path(fdt, node, path, sizeof path), len, address_cells, size_cells,
                 entry);
        return -1;
    }
    unsigned count = (unsigned)len / entry;
    if (index >= count) {
        snprintf(err, errlen, "node %s: property reg: has %u entr%s, no entry %u",
                 device_node_path(fdt, node, path, sizeof path), count, count == 1 ? "y" : "ies",
                 index);
        return -1;
    }
    p += (size_t)index * entry;
    *addr = read_cells(p, address_cells);
    *size = read_cells(p + 4 * address_cells, size_cells);
    return (int)count;
}

/* ---- helpers for realize() ---- */

int device_get_reg(struct device *dev, unsigned index, uint64_t *addr, uint64_t *size, char *err,
                   size_t errlen)
{
    const void *fdt = dev->machine->desc;
    int parent = fdt_parent_offset(fdt, dev->node);
    unsigned ac, sc;
    if (parent < 0) {
        snprintf(err, errlen, "node %s: property reg: the root node has no address", dev->path);
        return -1;
    }
    if (device_node_cells(fdt, parent, &ac, &sc, err, errlen) < 0)
        return -1;
    return device_node_reg(fdt, dev->node, ac, sc, index, addr, size, err, errlen) < 0 ? -1 : 0;
}

int device_get_u32(struct device *dev, const char *prop, uint32_t *value, char *err, size_t errlen)
{
    int len;
    const void *p = fdt_getprop(dev->machine->desc, dev->node, prop, &len);
    if (!p) {
        snprintf(err, errlen, "node %s: property %s: missing", dev->path, prop);
        return -1;
    }
    if (len != 4) {
        snprintf(err, errlen, "node %s: property %s: length %d, expected 4 (one 32-bit cell)",
                 dev->path, prop, len);
        return -1;
    }
    *value = fdt32_ld(p);
    return 0;
}

/* PROP of NODE if it is one NUL-terminated string (nothing after the NUL):
 * the check that keeps a hostile description's unterminated bytes from
 * being read as a C string. */
static const char *node_string(const void *fdt, int node, const char *prop, bool *malformed)
{
    int len;
    const char *p = fdt_getprop(fdt, node, prop, &len);
    *malformed = false;
    if (!p)
        return NULL;
    if (len <= 0 || memchr(p, '\0', (size_t)len) != p + len - 1) {
        *malformed = true;
        return NULL;
    }
    return p;
}

const char *device_get_string(struct device *dev, const char *prop)
{
    bool malformed;
    return node_string(dev->machine->desc, dev->node, prop, &malformed);
}

/* ---- MMIO ---- */

/* Every access is an event (DESIGN.md §3). A write is reported before the
 * device acts on it, so what it causes (an IRQ edge, an exit) follows it
 * in the trace; a read after, since only then is its value known. Refused
 * accesses are reported too: the machine check that follows needs them. */
static void mmio_report(const struct device_mmio *w, uint64_t offset, unsigned size, int write,
                        uint64_t value)
{
    struct machine *m = w->dev->machine;
    if (!event_wanted(&m->events))
        return;
    struct event e = { .kind = EVENT_MMIO };
    machine_event_origin(m, &e);
    e.u.mmio.region = w->dev->name;
    e.u.mmio.addr = w->base + offset;
    e.u.mmio.size = size;
    e.u.mmio.write = write;
    e.u.mmio.value = value;
    event_emit(&m->events, &e);
}

static bool mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    const struct device_mmio *w = opaque;
    bool ok = w->ops->read && w->ops->read(w->opaque, offset, size, value);
    if (!ok)
        *value = 0;
    mmio_report(w, offset, size, 0, *value);
    return ok;
}

static bool mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    const struct device_mmio *w = opaque;
    mmio_report(w, offset, size, 1, value);
    return w->ops->write && w->ops->write(w->opaque, offset, size, value);
}

static const struct mmio_ops mmio_wrapper_ops = { mmio_read, mmio_write };

int device_add_mmio(struct device *dev, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                    void *opaque, char *err, size_t errlen)
{
    struct device_block *b = (struct device_block *)dev;
    struct machine *m = dev->machine;
    if (b->n_mmio == DEVICE_MAX_MMIO) {
        snprintf(err, errlen, "node %s: property reg: more than %d MMIO regions", dev->path,
                 DEVICE_MAX_MMIO);
        return -1;
    }
    struct device_mmio *w = &b->mmio[b->n_mmio];
    *w = (struct device_mmio){ dev, base, ops, opaque };
    if (size == 0 || base + size < base ||
        memory_add_mmio(&m->mem, dev->name, base, size, &mmio_wrapper_ops, w) < 0) {
        snprintf(err, errlen, "node %s: property reg: MMIO range 0x%llx, size 0x%llx, is empty, "
                 "wraps, or overlaps RAM or another region", dev->path, (unsigned long long)base,
                 (unsigned long long)size);
        return -1;
    }
    b->n_mmio++;
    return 0;
}

/* ---- IRQ lines ---- */

struct irq_line *device_irq_output(struct device *dev, const char *line, char *err, size_t errlen)
{
    struct machine *m = dev->machine;
    bool malformed;
    const char *target = node_string(m->desc, dev->node, "ppcrr,irq-connect", &malformed);
    if (malformed) {
        snprintf(err, errlen, "node %s: property ppcrr,irq-connect: not a string", dev->path);
        return NULL;
    }
    size_t n = strlen(dev->name) + 1 + strlen(line) + 1;
    char *name = malloc(n);
    if (!name) {
        snprintf(err, errlen, "node %s: out of memory", dev->path);
        return NULL;
    }
    snprintf(name, n, "%s.%s", dev->name, line);
    for (size_t i = 0; i < m->n_irq_outputs; i++)
        if (strcmp(m->irq_outputs[i]->name, name) == 0) {
            snprintf(err, errlen, "node %s: interrupt line %s made twice", dev->path, name);
            free(name);
            return NULL;
        }
    struct irq_line *l = calloc(1, sizeof *l);
    struct irq_line **list = realloc(m->irq_outputs, (m->n_irq_outputs + 1) * sizeof *list);
    char *input_name = target ? strdup(target) : NULL;
    if (list)
        m->irq_outputs = list;
    if (!l || !list || (target && !input_name)) {
        free(l);
        free(name);
        free(input_name);
        snprintf(err, errlen, "node %s: out of memory", dev->path);
        return NULL;
    }
    l->name = name;
    l->machine = m;
    l->input_name = input_name;
    m->irq_outputs[m->n_irq_outputs++] = l;
    return l;
}
