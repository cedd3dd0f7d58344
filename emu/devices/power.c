/*
 * The paravirtual power device (DESIGN.md §5): power-off, reboot and
 * panic for guests without RTAS -- bare-metal test programs above all,
 * which end their run by a store here with a pass/fail code. The register
 * layout is documented in power.h, where guest programs can include it.
 *
 * It is strict on purpose: any access outside the layout is refused, so a
 * guest bug (wrong offset, byte store, a 32-bit write to the upper half)
 * is a machine check at the faulting instruction rather than a silent
 * no-op that lets a test run on to its timeout.
 */
#include "emu/devices/power.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/device.h"
#include "emu/machine.h"

struct power {
    struct device *dev;
    /* Guest-visible state (snapshot, digest). */
    uint64_t code;
};

static const struct {
    uint64_t command;
    enum exit_reason reason;
    const char *message;
} power_commands[] = {
    { POWER_CMD_POWER_OFF, EXIT_POWER_OFF, "power-off by the power device" },
    { POWER_CMD_REBOOT, EXIT_REBOOT, "reboot by the power device" },
    { POWER_CMD_PANIC, EXIT_GUEST_CRASH, "panic reported to the power device" },
};

/* Which register an access hits and, for a 4-byte access, the shift of
 * its half (bus order: the lower address is the upper half). False for
 * anything the layout does not allow. */
static bool decode_access(uint64_t offset, unsigned size, uint64_t *reg, unsigned *shift)
{
    if ((size != 4 && size != 8) || offset % size != 0 || offset >= POWER_REGS_SIZE)
        return false;
    *reg = offset & ~7ull;
    *shift = size == 8 ? 0 : (offset & 4) ? 0 : 32;
    return true;
}

static bool power_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    struct power *p = opaque;
    uint64_t reg, full;
    unsigned shift;
    if (!decode_access(offset, size, &reg, &shift))
        return false;
    switch (reg) {
    case POWER_REG_ID:
        full = POWER_ID;
        break;
    case POWER_REG_VERSION:
        full = POWER_VERSION;
        break;
    case POWER_REG_CODE:
        full = p->code;
        break;
    default:                              /* COMMAND is write-only: reads 0 */
        full = 0;
        break;
    }
    *value = size == 8 ? full : (full >> shift) & 0xffffffffu;
    return true;
}

static bool power_command(struct power *p, uint64_t command)
{
    if (command == POWER_CMD_NOP)
        return true;
    for (size_t i = 0; i < sizeof power_commands / sizeof power_commands[0]; i++)
        if (power_commands[i].command == command) {
            machine_request_exit(p->dev->machine, power_commands[i].reason, (int64_t)p->code,
                                 power_commands[i].message);
            return true;
        }
    return false;
}

static bool power_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    struct power *p = opaque;
    uint64_t reg;
    unsigned shift;
    if (!decode_access(offset, size, &reg, &shift))
        return false;
    uint64_t half_mask = size == 8 ? ~0ull : 0xffffffffull << shift;
    switch (reg) {
    case POWER_REG_CODE:
        p->code = (p->code & ~half_mask) | ((value << shift) & half_mask);
        return true;
    case POWER_REG_COMMAND:
        return power_command(p, (value << shift) & half_mask);
    default:                              /* ID, VERSION: read-only */
        return false;
    }
}

static const struct mmio_ops power_ops = {
    .read = power_read,
    .write = power_write,
};

static int power_realize(struct device *dev, char *err, size_t errlen)
{
    struct power *p = dev->state;
    uint64_t base, size;
    p->dev = dev;
    if (device_get_reg(dev, 0, &base, &size, err, errlen) < 0)
        return -1;
    if (size < POWER_REGS_SIZE) {
        snprintf(err, errlen, "node %s: property reg: size 0x%llx is too small; the power device's "
                 "registers take 0x%x bytes", dev->path, (unsigned long long)size, POWER_REGS_SIZE);
        return -1;
    }
    return device_add_mmio(dev, base, size, &power_ops, p, err, errlen);
}

static void power_reset(struct device *dev)
{
    struct power *p = dev->state;
    p->code = 0;
}

static void power_state(struct device *dev, struct state_visitor *v)
{
    struct power *p = dev->state;
    STATE_FIELD(v, 1, p->code);
}

static const struct device_type power_type = {
    .compatible = POWER_COMPATIBLE,
    .summary = "paravirtual power device: power-off, reboot, panic (MMIO)",
    .state_size = sizeof(struct power),
    .realize = power_realize,
    .reset = power_reset,
    .state = power_state,
};

void power_device_register_type(void)
{
    static bool registered;
    if (!registered) {
        registered = true;
        device_type_register(&power_type);
    }
}
