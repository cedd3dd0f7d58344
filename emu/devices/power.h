/*
 * The paravirtual power device (power.c): how a guest without RTAS powers
 * the machine off, reboots it or reports a panic -- one MMIO block, placed
 * by the `reg` of a node with compatible "ppcrr,power" in the machine
 * description. The layout is below so that guest programs can include
 * this header (it needs nothing but the preprocessor).
 *
 * Registers are 64 bits wide, in bus order (big-endian: the byte at the
 * lowest address is the most significant, whatever the guest's endianness;
 * a little-endian guest's ld/std see the values byte-swapped by the CPU
 * like any pSeries device register). 8-byte accesses at 8-byte aligned
 * offsets, or 4-byte accesses at 4-byte aligned offsets, where +0 is the
 * upper half of the register and +4 the lower half. Any other size, a
 * misaligned access, an offset at or beyond POWER_REGS_SIZE, a write to a
 * read-only register or an unknown command is refused: a machine check.
 *
 *   0x00 ID       R   POWER_ID, the ASCII bytes "PPCRPOWR"
 *   0x08 VERSION  R   POWER_VERSION (1)
 *   0x10 CODE     RW  the code the next command reports (0 after reset)
 *   0x18 COMMAND  W   writing a command acts at once; reads as 0.
 *                     A 4-byte write at 0x1c is the same as an 8-byte
 *                     write of the value (so 32-bit code writes 0x1c);
 *                     one at 0x18 is an 8-byte write of value << 32.
 *        0 nop, 1 power off, 2 reboot, 3 panic
 *
 * The command ends the run after the storing instruction, with exit
 * reason power-off, reboot or guest-crash and CODE as the exit code.
 */
#ifndef PPCRR_EMU_DEVICES_POWER_H
#define PPCRR_EMU_DEVICES_POWER_H

#define POWER_COMPATIBLE "ppcrr,power"

#define POWER_REG_ID 0x00
#define POWER_REG_VERSION 0x08
#define POWER_REG_CODE 0x10
#define POWER_REG_COMMAND 0x18
#define POWER_REGS_SIZE 0x20      /* `reg` must cover at least this */

#define POWER_ID 0x50504352504f5752ull   /* "PPCRPOWR" */
#define POWER_VERSION 1

#define POWER_CMD_NOP 0
#define POWER_CMD_POWER_OFF 1
#define POWER_CMD_REBOOT 2
#define POWER_CMD_PANIC 3

#ifndef __ASSEMBLER__
/* Registers the device type with the registry (once; later calls do
 * nothing). Call before machine_realize. */
void power_device_register_type(void);
#endif

#endif
