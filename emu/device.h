/*
 * The device registry (DESIGN.md §5): a device type is data -- the
 * `compatible` string it binds to -- and a few callbacks. The machine
 * builder walks the machine description and, for every node with a
 * `compatible`, creates a device of the registered type, which reads its
 * own node in realize(): `reg` for MMIO, `ppcrr,*` host-only properties,
 * `ppcrr,irq-connect` for its interrupt line. An unknown compatible, a bad
 * `reg`, a dangling line name... is an error naming the node and property,
 * reported before the guest starts.
 */
#ifndef PPCRR_EMU_DEVICE_H
#define PPCRR_EMU_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/irq.h"
#include "emu/memory.h"

struct machine;
struct device;
struct state_visitor;

struct device_type {
    const char *compatible;     /* binds nodes whose compatible list contains it */
    const char *summary;
    size_t state_size;          /* device->state is this many zeroed bytes */
    /* Reads the node, registers MMIO regions, IRQ lines, hcalls. On error
     * writes a message naming the node and property and returns -1. */
    int (*realize)(struct device *dev, char *err, size_t errlen);
    void (*reset)(struct device *dev);
    /* Edits the device's node in the guest's tree (optional): NODE is its
     * offset there. */
    int (*fdt_fixup)(struct device *dev, void *fdt, int node);
    void (*destroy)(struct device *dev);
    /* Walks the device's guest-visible state (emu/state.h), for the
     * checkpoint digest and snapshots; NULL: the device has none. */
    void (*state)(struct device *dev, struct state_visitor *v);
    /* After a snapshot was loaded through the walk: -1, with a message
     * naming the field, if the values cannot be this device's (an index
     * out of range...), so a crafted file is refused rather than trusted.
     * NULL: any value is one the device copes with. */
    int (*state_check)(struct device *dev, char *err, size_t errlen);
    /* The walk's version (0 means 1): raised when a field's meaning
     * changes, so that a snapshot saved by another build is refused
     * rather than misread (field ids themselves are never reused). */
    uint32_t state_version;
    /* The oldest version of the walk this build still loads (0: only
     * state_version). Versions from it on differ only by fields added
     * with state_field_added (emu/state.h): a snapshot of an older version
     * lacks them, and they keep their default. */
    uint32_t state_min_version;
};

struct device {
    const struct device_type *type;
    struct machine *machine;
    struct device *parent;      /* the device of the nearest bound ancestor, or NULL */
    bool direct_child;          /* its node is a child of PARENT's node (not deeper):
                                 * known at bind time, as libfdt finds parents slowly */
    char *path;                 /* node path in the description */
    char *name;                 /* its /aliases name if it has one, else the node name */
    int node;                   /* offset in machine->desc */
    void *state;
};

/* Global registry, filled at start-up by each subsystem. A second type
 * claiming a registered compatible aborts (a programming error); the same
 * type registered again is ignored (several machines in one process). */
void device_type_register(const struct device_type *type);
const struct device_type *device_type_find(const char *compatible);

/* Node helpers for realize(). Each returns -1 with a message naming the
 * node and property when the property is missing or malformed. */
int device_get_reg(struct device *dev, unsigned index, uint64_t *addr, uint64_t *size, char *err,
                   size_t errlen);
int device_get_u32(struct device *dev, const char *prop, uint32_t *value, char *err, size_t errlen);
/* PROP as a C string; NULL if absent or not one NUL-terminated string. */
const char *device_get_string(struct device *dev, const char *prop);

/* An MMIO region named after the device; accesses are MMIO events (a
 * write reported before the device sees it, a read after, with its
 * guest physical address). At most DEVICE_MAX_MMIO per device. */
int device_add_mmio(struct device *dev, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                    void *opaque, char *err, size_t errlen);

/* The device's output line LINE ("irq"), named "<device name>.<line>" and
 * connected as the node's `ppcrr,irq-connect` says (unconnected if the
 * node has none). The connection itself is made by desc_bind_devices()
 * once every device has realized (the controller may come later in the
 * tree); until then the line drives nothing. */
struct irq_line *device_irq_output(struct device *dev, const char *line, char *err, size_t errlen);

/* How many MMIO regions one device may add. */
#define DEVICE_MAX_MMIO 8

/* For the binder (desc.c): a device of TYPE for the description node NODE,
 * not yet realized. One allocation holds the device and its MMIO
 * bookkeeping, so the machine frees it with type->destroy(), then
 * free(state), free(path), free(name), free(dev). NULL if out of memory. */
struct device *device_create(struct machine *m, const struct device_type *type, int node,
                             const char *path, const char *name);

/* Tree helpers shared by the binder, the node helpers above and the guest
 * tree builder; they work on any flattened tree, checked lengths only.
 * The cells NODE gives its children's `reg` (#address-cells, default 2;
 * #size-cells, default 1, as the devicetree specification says); each
 * must be 0, 1 or 2 (64-bit addresses). */
int device_node_cells(const void *fdt, int node, unsigned *address_cells, unsigned *size_cells,
                      char *err, size_t errlen);
/* Entry INDEX of NODE's `reg`, decoded with the cells its parent gives
 * (ADDRESS_CELLS, SIZE_CELLS from device_node_cells). Returns the number
 * of entries, or -1 with a message naming the node and `reg` (missing,
 * empty, not a whole number of entries, INDEX past the end). */
int device_node_reg(const void *fdt, int node, unsigned address_cells, unsigned size_cells,
                    unsigned index, uint64_t *addr, uint64_t *size, char *err, size_t errlen);
/* NODE's path into BUF (a placeholder if it does not fit), for messages. */
const char *device_node_path(const void *fdt, int node, char *buf, size_t len);

#endif
