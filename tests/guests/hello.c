/*
 * hello: the first guest. Prints the greeting on the vty, checks what the
 * boot left behind (a device tree at r3, little-endian interrupts granted
 * by H_SET_MODE, the console node) and powers off. The acceptance
 * test is this guest on `ppcrr run -kernel build/tests/guests/hello.elf
 * -nographic`: the greeting on stdout and exit status 0.
 */
#include "runtime/runtime.h"

int main(void)
{
    printf("Hello from a ppcrr guest\r\n");
    tap_ok(true, "hello");
    tap_ok(fdt_valid(boot.fdt), "a device tree at r3");
    tap_is(boot.set_mode_rc, H_SUCCESS, "H_SET_MODE(LE) at boot");
    tap_ok(fdt_path(boot.fdt, "/vdevice") >= 0 && console_reg != 0, "the console is a vty under /vdevice");
    uint64_t msr = mfmsr();
    tap_ok((msr & (MSR_LE | MSR_ME)) == (MSR_LE | MSR_ME) && (msr >> MSR_SF_BIT) == 1,
           "running little-endian, 64-bit, machine checks on");
    tap_diag("entry MSR 0x%lx, r3 (FDT) %p, r4 0x%lx, FDT size %u, vty reg 0x%lx",
             (unsigned long)boot.entry_msr, boot.fdt, (unsigned long)boot.r4,
             fdt_valid(boot.fdt) ? fdt_totalsize(boot.fdt) : 0, console_reg);
    return 0;
}
