/*
 * The VIO bus (PAPR "virtual I/O"): the /vdevice node and the devices
 * under it, each of which registers its own hcalls next to its code (the
 * vty: H_PUT_TERM_CHAR, H_GET_TERM_CHAR). Devices are described in the
 * machine description under /vdevice with their `reg` (unit address);
 * the bus checks the addresses are unique and writes the properties every
 * VIO node needs into the guest's tree.
 *
 * vio_init() registers the bus and device types with emu's registry (call
 * it before machine_realize).
 */
#ifndef PPCRR_VIO_VIO_H
#define PPCRR_VIO_VIO_H

#include "emu/machine.h"

int vio_init(struct machine *m, char *err, size_t errlen);

#endif
