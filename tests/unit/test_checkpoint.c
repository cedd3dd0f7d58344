/*
 * Checkpoint digests (emu/checkpoint.h): the digest is a function of the
 * machine's guest-visible state and of nothing else -- not of the order in
 * which RAM was written or of how many checkpoints were taken on the way
 * (the dirty-page tracking must never leave a stale page hash) -- and each
 * of its four parts moves when, and only when, its own state changes.
 * Also: checkpoint events come at round boundaries every N machine-wide
 * instructions and once before the exit, and the machine-wide icount of
 * events never goes backwards with several vCPUs.
 */
#include <stdlib.h>
#include <string.h>

#include "emu/devices/power.h"
#include "hcall/hcall.h"
#include "tests/common/guest_asm.h"
#include "tests/tap.h"
#include "vio/vio.h"

#define RAM_SIZE (64ull << 20)
#define CODE 0x10000ull

static void machine_up(struct machine *m, unsigned smp, uint64_t interval)
{
    struct machine_config cfg = { .ram_size = RAM_SIZE, .smp = smp, .serial = "null",
                                  .checkpoint_interval = interval };
    char err[512] = "";
    power_device_register_type();
    if (machine_create(m, &cfg, err, sizeof err) < 0 || hcall_init(m, err, sizeof err) < 0 ||
        vio_init(m, err, sizeof err) < 0 || machine_realize(m, err, sizeof err) < 0)
        tap_bail("machine: %s", err);
}

static void machine_down(struct machine *m)
{
    hcall_destroy(m);
    machine_destroy(m);
}

struct digest {
    uint8_t b[CHECKPOINT_DIGEST_SIZE];
};

static struct digest digest_of(struct machine *m)
{
    struct digest d;
    checkpoint_digest(m, d.b);
    return d;
}

/* Bit I set: part I differs between A and B. */
static unsigned parts_differing(const struct digest *a, const struct digest *b)
{
    unsigned mask = 0;
    for (unsigned i = 0; i < CHECKPOINT_PARTS; i++)
        if (memcmp(a->b + 8 * i, b->b + 8 * i, 8) != 0)
            mask |= 1u << i;
    return mask;
}

static void test_parts(void)
{
    static struct machine a, b;
    machine_up(&a, 2, 1000);
    machine_up(&b, 2, 1000);
    struct digest da = digest_of(&a), db = digest_of(&b);
    is_u64(parts_differing(&da, &db), 0, "two fresh machines have the same digest");

    uint8_t byte = 0x5a;
    memory_write(&a.mem, 0x123456, &byte, 1);
    struct digest d1 = digest_of(&a);
    is_u64(parts_differing(&da, &d1), 1u << CHECKPOINT_RAM, "a RAM store moves the RAM part only");
    byte = 0;
    memory_write(&a.mem, 0x123456, &byte, 1);
    struct digest d2 = digest_of(&a);
    is_u64(parts_differing(&da, &d2), 0, "storing the old byte back gives the old digest");

    a.cpus[1].gpr[7] = 42;
    struct digest d3 = digest_of(&a);
    is_u64(parts_differing(&da, &d3), 1u << CHECKPOINT_CPUS, "a register of vCPU 1 moves the vCPU part only");
    a.cpus[1].gpr[7] = 0;
    a.cpus[1].stopped = !a.cpus[1].stopped;
    struct digest d4 = digest_of(&a);
    is_u64(parts_differing(&da, &d4), 1u << CHECKPOINT_CPUS, "a vCPU's stopped state is in the vCPU part");
    a.cpus[1].stopped = !a.cpus[1].stopped;

    a.hpt.hpte[5][0] = HPTE_V_VALID;
    struct digest d5 = digest_of(&a);
    is_u64(parts_differing(&da, &d5), 1u << CHECKPOINT_HPT, "an HPTE moves the page-table part only");
    a.hpt.hpte[5][0] = 0;

    const struct mmio_region *power = memory_find_mmio(&a.mem, 0xf00000000000ull + POWER_REG_CODE);
    ok(power != NULL, "the power device is mapped");
    if (power)
        power->ops->write(power->opaque, POWER_REG_CODE, 8, 7);
    struct digest d6 = digest_of(&a);
    is_u64(parts_differing(&da, &d6), 1u << CHECKPOINT_DEVICES, "a device register moves the device part only");
    if (power)
        power->ops->write(power->opaque, POWER_REG_CODE, 8, 0);
    struct digest d7 = digest_of(&a);
    is_u64(parts_differing(&da, &d7), 0, "everything put back: the first digest again");
    machine_down(&a);
    machine_down(&b);
}

/* The same final RAM reached by different histories, with digests taken
 * on the way in one machine only, digests the same. */
static void test_history_free(void)
{
    static struct machine a, b;
    machine_up(&a, 1, 1000);
    machine_up(&b, 1, 1000);
    uint64_t rng = 12345;
    uint8_t *final = malloc(RAM_SIZE);
    memcpy(final, a.mem.ram, RAM_SIZE);        /* the RTAS shim and all */
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 200; i++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t at = (rng >> 16) % (RAM_SIZE - 16);
            uint8_t data[16];
            for (int k = 0; k < 16; k++)
                data[k] = (uint8_t)(rng >> (k * 3));
            memory_write(&a.mem, at, data, sizeof data);
            memcpy(final + at, data, sizeof data);
        }
        digest_of(&a);              /* marks pages clean along the way */
    }
    /* B gets the final image in one pass (page-sized stores crossing
     * what A wrote piecemeal). */
    for (uint64_t at = 0; at < RAM_SIZE; at += GUEST_PAGE_SIZE)
        if (memcmp(final + at, b.mem.ram + at, GUEST_PAGE_SIZE) != 0)
            memory_write(&b.mem, at, final + at, GUEST_PAGE_SIZE);
    struct digest da = digest_of(&a), db = digest_of(&b);
    is_u64(parts_differing(&da, &db), 0, "RAM digest depends on contents, not on the history of stores");

    /* A store by the vCPU itself (the interpreter's store path) is seen. */
    struct cpu *c = &a.cpus[0];
    uint32_t prog[] = { 0x38600077 /* li r3,0x77 */, 0x98640000 /* stb r3,0(r4) */, 0x00000200 /* attn */ };
    for (unsigned i = 0; i < 3; i++)
        hcall_write_be32(&a, CODE + 4 * i, prog[i]);
    digest_of(&a);
    struct digest before = digest_of(&a);
    c->nip[0] = CODE;
    c->gpr[4] = 0x200000;
    cpu_run(c, 10);
    c->gpr[3] = c->gpr[4] = 0;
    c->nip[0] = 0;
    c->icount[0] = 0;
    struct digest after = digest_of(&a);
    unsigned moved = parts_differing(&before, &after);
    ok(moved & (1u << CHECKPOINT_RAM), "a guest store moves the RAM part");
    is_u64(a.mem.ram[0x200000], 0x77, "the store happened");
    free(final);
    machine_down(&a);
    machine_down(&b);
}

struct seen {
    uint64_t last_icount;
    unsigned checkpoints, exits, backwards;
    uint64_t checkpoint_icount[64];
    enum event_kind last_kind;
};

static void observe(void *opaque, const struct event *e)
{
    struct seen *s = opaque;
    if (e->icount < s->last_icount)
        s->backwards++;
    s->last_icount = e->icount;
    if (e->kind == EVENT_CHECKPOINT && s->checkpoints < 64)
        s->checkpoint_icount[s->checkpoints++] = e->icount;
    s->exits += e->kind == EVENT_EXIT;
    s->last_kind = e->kind;
}

/* Two vCPUs spinning (`b .`) for a limited run: checkpoints every 250000
 * machine-wide instructions, at round boundaries (2 vCPUs * 100000). */
static void test_events(void)
{
    static struct machine m;
    machine_up(&m, 2, 250000);
    hcall_write_be32(&m, CODE, 0x48000000);          /* b . */
    m.cfg.max_insns = 1000000;
    for (unsigned i = 0; i < 2; i++) {
        m.cpus[i].stopped = false;
        m.cpus[i].nip[0] = CODE;
    }
    struct seen s = { 0 };
    event_observe(&m.events, observe, &s);
    machine_run(&m);
    is_u64(s.backwards, 0, "event icounts never go backwards");
    is_u64(m.exit_reason, EXIT_LIMIT, "the run ends at -max-insns (machine-wide)");
    is_u64(machine_icount(&m), 1000000, "after exactly 1000000 instructions over both vCPUs");
    is_u64(s.checkpoints, 4, "checkpoints at 400000, 600000, 800000 and the last before the exit");
    static const uint64_t want[] = { 400000, 600000, 800000, 1000000 };
    for (unsigned i = 0; i < 4 && i < s.checkpoints; i++)
        is_u64(s.checkpoint_icount[i], want[i], "checkpoint %u at the first round boundary past its multiple", i);
    is_u64(s.exits, 1, "one exit event");
    is_u64(s.last_kind, EVENT_EXIT, "the exit event comes last");
    machine_down(&m);
}

int main(void)
{
    test_parts();
    test_history_free();
    test_events();
    return tap_done();
}
