/*
 * power: ppcrr's paravirtual power device (emu/devices/power.h), found by
 * its compatible "ppcrr,power" in the device tree. Reads the ID and
 * VERSION registers (directly, in real mode, and through
 * H_LOGICAL_CI_LOAD, the PAPR way to reach I/O from real mode), sets CODE
 * to 3 and writes the power-off command: ppcrr must end the run with exit
 * status 3, which the runner checks (--exit 3). The plan is printed
 * before the command, since nothing runs after it.
 *
 * QEMU has no such device: the test is skipped there and the runtime
 * powers off through RTAS as usual (exit status 0).
 */
#include "runtime/runtime.h"

#include "emu/devices/power.h"

#define EXIT_CODE 3

/* Device registers are big-endian (bus order): byte-reversed accesses. */
static uint64_t reg_read(uint64_t addr)
{
    uint64_t v;
    __asm__ volatile("ldbrx %0, 0, %1" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static void reg_write(uint64_t addr, uint64_t v)
{
    __asm__ volatile("stdbrx %0, 0, %1; sync" : : "r"(v), "r"(addr) : "memory");
}

int main(void)
{
    int node = fdt_find_compatible(boot.fdt, -1, POWER_COMPATIBLE);
    if (node < 0) {
        tap_skip("no ppcrr,power device (not ppcrr)", "the power device ends the run with code %d",
                 EXIT_CODE);
        return 0;
    }
    int len;
    const uint8_t *reg = fdt_prop(boot.fdt, node, "reg", &len);
    if (!tap_ok(reg && len >= 16, "the power device has a reg (2 address and 2 size cells)"))
        return 0;
    uint64_t base = be64(reg), size = be64(reg + 8);
    tap_diag("power device at 0x%lx, 0x%lx bytes", (unsigned long)base, (unsigned long)size);
    tap_ok(size >= POWER_REGS_SIZE, "its reg covers the registers");

    tap_is((int64_t)reg_read(base + POWER_REG_ID), (int64_t)POWER_ID, "ID reads \"PPCRPOWR\"");
    tap_is((int64_t)reg_read(base + POWER_REG_VERSION), POWER_VERSION, "VERSION reads 1");
    unsigned long ret[9];
    long rc = hcall(H_LOGICAL_CI_LOAD, ret, 8, base + POWER_REG_ID, 0, 0, 0, 0, 0, 0);
    tap_ok(rc == H_SUCCESS && ret[0] == POWER_ID, "H_LOGICAL_CI_LOAD of ID reads \"PPCRPOWR\" too");
    if (rc != H_SUCCESS || ret[0] != POWER_ID)
        tap_diag("rc %ld, value 0x%lx", rc, ret[0]);

    reg_write(base + POWER_REG_CODE, EXIT_CODE);
    tap_is((int64_t)reg_read(base + POWER_REG_CODE), EXIT_CODE, "CODE reads back what was written");
    tap_ok(true, "writing the power-off command now: ppcrr must exit with status %d", EXIT_CODE);
    tap_done();
    reg_write(base + POWER_REG_COMMAND, POWER_CMD_POWER_OFF);
    for (unsigned i = 0; i < 1000000; i++)
        __asm__ volatile("" ::: "memory");
    rt_panic("the power device's power-off command did not end the run");
}
