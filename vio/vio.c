/*
 * The VIO bus (vio.h): the /vdevice node of a pSeries partition, under
 * which the hypervisor's virtual devices sit, each addressed by a 32-bit
 * unit address in `reg` (the vty's "termno", a vscsi's CRQ handle...).
 *
 * The bus itself is a device type bound to compatible "IBM,vdevice". Its
 * realize() checks what the guest relies on: the node is /vdevice (Linux's
 * vio_register_device_node() recognises VIO devices by that parent path),
 * children use one-cell unit addresses, and no two children share one
 * (hcalls address a device by it). Its fdt_fixup() writes the properties
 * QEMU's spapr_dt_vdevice() gives the node: device_type "vdevice",
 * compatible "IBM,vdevice", #address-cells 1, #size-cells 0, and
 * #interrupt-cells 2 with an empty interrupt-controller -- VIO devices'
 * `interrupts` are resolved against this node, and Linux's XICS irq domain
 * accepts any such parent, so <source sense> reaches XICS unchanged.
 *
 * The devices on the bus are their own types (vty.c); this file only
 * registers them.
 */
#include "vio/vio.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#define VIO_BUS_COMPATIBLE "IBM,vdevice"
#define VIO_BUS_PATH "/vdevice"

/* Defined in vty.c. Declared here because vio.h (not owned by this file)
 * has no private section yet; it belongs in a vio-internal header. */
void vty_register_type(void);
void nvram_register_type(void);     /* nvram.c */

static int bus_check_cells(struct device *dev, char *err, size_t errlen)
{
    static const struct {
        const char *prop;
        uint32_t want;
    } cells[] = { { "#address-cells", 1 }, { "#size-cells", 0 } };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        uint32_t v;
        if (device_get_u32(dev, cells[i].prop, &v, err, errlen) < 0)
            return -1;
        if (v != cells[i].want) {
            snprintf(err, errlen, "node %s: property %s: is %u, must be %u (a VIO unit address is one "
                     "cell, with no size)", dev->path, cells[i].prop, v, cells[i].want);
            return -1;
        }
    }
    return 0;
}

/* Every child has a one-cell `reg`, and no two the same. */
static int bus_check_children(struct device *dev, char *err, size_t errlen)
{
    const void *desc = dev->machine->desc;
    int child;
    fdt_for_each_subnode(child, desc, dev->node) {
        int len;
        const fdt32_t *reg = fdt_getprop(desc, child, "reg", &len);
        const char *name = fdt_get_name(desc, child, NULL);
        if (!reg || len != 4) {
            snprintf(err, errlen, "node %s/%s: property reg: must be one cell (the VIO unit address)",
                     dev->path, name);
            return -1;
        }
        int other;
        fdt_for_each_subnode(other, desc, dev->node) {
            if (other == child)
                break;
            const fdt32_t *oreg = fdt_getprop(desc, other, "reg", &len);
            if (oreg && len == 4 && fdt32_to_cpu(*oreg) == fdt32_to_cpu(*reg)) {
                snprintf(err, errlen, "node %s/%s: property reg: unit address 0x%x is already used by %s/%s",
                         dev->path, name,
                         fdt32_to_cpu(*reg), dev->path, fdt_get_name(desc, other, NULL));
                return -1;
            }
        }
    }
    return 0;
}

static int bus_realize(struct device *dev, char *err, size_t errlen)
{
    const void *desc = dev->machine->desc;
    if (strcmp(dev->path, VIO_BUS_PATH) != 0) {
        snprintf(err, errlen, "node %s: property compatible: the VIO bus must be the node %s (guests "
                 "find it by that path)", dev->path, VIO_BUS_PATH);
        return -1;
    }
    /* One bus per machine: unit addresses and the hcalls that use them
     * are partition-wide. */
    int first = fdt_node_offset_by_compatible(desc, -1, VIO_BUS_COMPATIBLE);
    int second = first < 0 ? first : fdt_node_offset_by_compatible(desc, first, VIO_BUS_COMPATIBLE);
    if (second >= 0) {
        char path[256];
        if (fdt_get_path(desc, second, path, sizeof path) < 0)
            snprintf(path, sizeof path, "another node");
        snprintf(err, errlen, "node %s: property compatible: a second VIO bus (\"%s\"); a partition "
                 "has one", path, VIO_BUS_COMPATIBLE);
        return -1;
    }
    if (bus_check_cells(dev, err, errlen) < 0)
        return -1;
    return bus_check_children(dev, err, errlen);
}

static int bus_fdt_fixup(struct device *dev, void *fdt, int node)
{
    (void)dev;
    int rc;
    if ((rc = fdt_setprop_string(fdt, node, "device_type", "vdevice")) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "compatible", VIO_BUS_COMPATIBLE)) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "#address-cells", 1)) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "#size-cells", 0)) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "#interrupt-cells", 2)) < 0 ||
        (rc = fdt_setprop_empty(fdt, node, "interrupt-controller")) < 0)
        return rc;
    return 0;
}

static const struct device_type vio_bus_type = {
    .compatible = VIO_BUS_COMPATIBLE,
    .summary = "the PAPR VIO bus (/vdevice): unit addresses of the virtual devices",
    .realize = bus_realize,
    .fdt_fixup = bus_fdt_fixup,
};

int vio_init(struct machine *m, char *err, size_t errlen)
{
    /* Types are process-wide and registering one twice aborts; machines
     * (tests make several) share them. */
    static bool registered;
    (void)m;
    (void)err;
    (void)errlen;
    if (!registered) {
        registered = true;
        device_type_register(&vio_bus_type);
        vty_register_type();
        nvram_register_type();
    }
    return 0;
}
