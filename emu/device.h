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

#include <stddef.h>
#include <stdint.h>

#include "emu/irq.h"
#include "emu/memory.h"

struct machine;
struct device;

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
};

struct device {
    const struct device_type *type;
    struct machine *machine;
    struct device *parent;      /* the device of the nearest bound ancestor, or NULL */
    char *path;                 /* node path in the description */
    char *name;                 /* its /aliases name if it has one, else the node name */
    int node;                   /* offset in machine->desc */
    void *state;
};

/* Global registry, filled at start-up by each subsystem. Registering a
 * compatible twice aborts (a programming error). */
void device_type_register(const struct device_type *type);
const struct device_type *device_type_find(const char *compatible);

/* Node helpers for realize(). Each returns -1 with a message naming the
 * node and property when the property is missing or malformed. */
int device_get_reg(struct device *dev, unsigned index, uint64_t *addr, uint64_t *size, char *err,
                   size_t errlen);
int device_get_u32(struct device *dev, const char *prop, uint32_t *value, char *err, size_t errlen);
const char *device_get_string(struct device *dev, const char *prop);   /* NULL if absent */

/* An MMIO region named after the device; accesses are MMIO events. */
int device_add_mmio(struct device *dev, uint64_t base, uint64_t size, const struct mmio_ops *ops,
                    void *opaque, char *err, size_t errlen);

/* The device's output line LINE ("irq"), named "<device name>.<line>" and
 * connected as the node's `ppcrr,irq-connect` says (unconnected if the
 * node has none). */
struct irq_line *device_irq_output(struct device *dev, const char *line, char *err, size_t errlen);

#endif
