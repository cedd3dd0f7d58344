/*
 * The machine description (DESIGN.md §5): a device tree that names the
 * devices (by `compatible`), places their MMIO regions (`reg`), wires their
 * IRQ lines by name (`ppcrr,irq-connect`) and gives short names
 * (`/aliases`). The shipped pSeries description (emu/machines/pseries.dts)
 * is compiled with dtc at build time and embedded; -machine takes a .dts
 * (compiled with dtc at run time) or a .dtb.
 *
 * Everything wrong with a description is found here, before the guest
 * starts, and reported naming the node and property: a bad file, bad
 * cells, overlapping regions, an unknown compatible, a dangling line name.
 */
#ifndef PPCRR_EMU_DESC_H
#define PPCRR_EMU_DESC_H

#include <stddef.h>

struct machine;

/* Loads FILE (NULL: the shipped pSeries description) into m->desc (a
 * malloc'ed copy) and checks its structure (cells, aliases, overlapping
 * `reg` ranges, MMIO over RAM as m->cfg.ram_size gives it, and no /cpus,
 * /memory, /chosen or /rtas: those are generated per run). */
int desc_load(struct machine *m, const char *file, char *err, size_t errlen);

/* Binds every node below the root with a `compatible` to its registered
 * device type and realizes the devices (parents first), then connects
 * each IRQ output line to the input its `ppcrr,irq-connect` names. On an
 * error the devices made so far stay in m->devices (machine_destroy frees
 * them). */
int desc_bind_devices(struct machine *m, char *err, size_t errlen);

/* The shipped description, compiled at build time. */
extern const unsigned char desc_pseries_dtb[];
extern const unsigned desc_pseries_dtb_size;

#endif
