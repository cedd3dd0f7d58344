/*
 * A minimal XICS interrupt controller (compatible "IBM,ppc-xicp", as on
 * QEMU's pseries): it owns the input lines "xics.4096" .. "xics.5119" that
 * devices' output lines connect to by name, and it completes its tree node
 * with what Linux's icp-hv.c and the PAPR interrupt binding look for.
 *
 * For now it only records each source's level. Presentation to the vCPUs
 * (the XIRR/CPPR/MFRR state, H_XIRR, H_EOI, H_CPPR, H_IPI, and the RTAS
 * ibm,set-xive / ibm,int-on family) comes with a later issue; so does
 * adding the controller's levels to the snapshot field lists.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "hcall/hcall.h"

/* PAPR's first external interrupt source number (QEMU's XICS_IRQ_BASE)
 * and how many sources this controller has. */
#define XICS_IRQ_BASE 4096u
#define XICS_NR_IRQS 1024u

struct xics_source {
    int level;
};

struct xics_state {
    struct xics_source src[XICS_NR_IRQS];
};

static void xics_set_irq(void *opaque, int level)
{
    struct xics_source *s = opaque;
    s->level = level;
}

static int xics_realize(struct device *dev, char *err, size_t errlen)
{
    struct xics_state *x = dev->state;
    for (unsigned i = 0; i < XICS_NR_IRQS; i++) {
        char name[16];
        snprintf(name, sizeof name, "xics.%u", XICS_IRQ_BASE + i);
        if (machine_irq_input(dev->machine, name, xics_set_irq, &x->src[i]) < 0) {
            snprintf(err, errlen, "node %s: interrupt line name %s is taken already", dev->path,
                     name);
            return -1;
        }
    }
    return 0;
}

static void xics_reset(struct device *dev)
{
    struct xics_state *x = dev->state;
    memset(x->src, 0, sizeof x->src);
}

/* The properties the description may leave out, added only when absent:
 * the description's own values win. */
static int xics_fdt_fixup(struct device *dev, void *fdt, int node)
{
    uint32_t servers[2] = { cpu_to_fdt32(0), cpu_to_fdt32(dev->machine->ncpus) };
    int err = fdt_setprop(fdt, node, "ibm,interrupt-server-ranges", servers, sizeof servers);
    if (!err && !fdt_getprop(fdt, node, "device_type", NULL))
        err = fdt_setprop_string(fdt, node, "device_type",
                                 "PowerPC-External-Interrupt-Presentation");
    if (!err && !fdt_getprop(fdt, node, "interrupt-controller", NULL))
        err = fdt_setprop_empty(fdt, node, "interrupt-controller");
    if (!err && !fdt_getprop(fdt, node, "#interrupt-cells", NULL))
        err = fdt_setprop_u32(fdt, node, "#interrupt-cells", 2);
    return err;
}

static const struct device_type xics_type = {
    .compatible = "IBM,ppc-xicp",
    .summary = "XICS interrupt controller (sources 4096..5119; levels only for now)",
    .state_size = sizeof(struct xics_state),
    .realize = xics_realize,
    .reset = xics_reset,
    .fdt_fixup = xics_fdt_fixup,
};

/* The registry is per process and refuses a second registration; every
 * machine's hcall_init lands here. */
void xics_register_type(void)
{
    if (device_type_find(xics_type.compatible) != &xics_type)
        device_type_register(&xics_type);
}
