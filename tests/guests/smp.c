/*
 * smp: four vCPUs (run with -smp 4 on both emulators) started through RTAS.
 *   - /cpus lists 4 CPUs, the boot CPU among them
 *   - query-cpu-stopped-state: each secondary is stopped (0) at first
 *   - start-cpu of each at rt_secondary_start (own stack, big-endian entry
 *     switched to little-endian by the runtime) with r3 = its index: each
 *     reports in through shared memory (lwarx/stwcx. counter, its slot)
 *     and then waits for the boot CPU's release
 *   - while they wait: query says running (2); start-cpu of a running vCPU
 *     -> -1 (hardware error, QEMU 7.2's answer); start-cpu and query of an
 *     id no CPU has -> -3
 *   - all four add to one counter with lwarx/stwcx. at once: no update lost
 *   - released, each stops itself (stop-self): query says stopped again
 *   - a stopped vCPU can be started again
 */
#include "runtime/runtime.h"

#define NCPUS 4
#define ADDS 20000u
#define WAIT 100000000ul

static volatile uint32_t arrived, counter, release, go, done_count;
static volatile uint32_t slot_seen[NCPUS], slot_r1_ok[NCPUS];
static uint32_t ids[8];

static void add_many(void)
{
    for (unsigned i = 0; i < ADDS; i++)
        atomic_add(&counter, 1);
}

static void secondary(unsigned long arg)
{
    unsigned idx = (unsigned)(arg & 0xff);
    uint64_t sp;
    __asm__ volatile("mr %0, 1" : "=r"(sp));
    extern char rt_cpu_stacks[];
    uint64_t lo = (uintptr_t)rt_cpu_stacks + ((uint64_t)idx << RT_CPU_STACK_SHIFT);
    slot_r1_ok[idx] = sp > lo && sp <= lo + (1u << RT_CPU_STACK_SHIFT);
    slot_seen[idx] = (uint32_t)(arg >> 8);
    smp_mb();
    atomic_add(&arrived, 1);
    while (!go)
        ;
    smp_mb();
    add_many();
    atomic_add(&done_count, 1);
    while (!release)
        ;
}

static bool wait_for(volatile uint32_t *p, uint32_t want)
{
    for (unsigned long i = 0; i < WAIT; i++)
        if (*p == want)
            return true;
    return false;
}

int main(void)
{
    int n = smp_cpus(ids, 8);
    uint32_t boot_id = smp_boot_id();
    tap_is(n, NCPUS, "/cpus lists %d CPUs", NCPUS);
    if (n != NCPUS)
        rt_panic("run this guest with 4 vCPUs");
    int boot_idx = -1;
    for (int i = 0; i < n; i++) {
        tap_diag("cpu %d: id %u%s", i, ids[i], ids[i] == boot_id ? " (boot)" : "");
        if (ids[i] == boot_id)
            boot_idx = i;
    }
    tap_ok(boot_idx >= 0, "the boot CPU (boot_cpuid_phys) is one of them");
    tap_ok(rtas_token("start-cpu") && rtas_token("stop-self") && rtas_token("query-cpu-stopped-state"),
           "/rtas has start-cpu, stop-self and query-cpu-stopped-state");

    bool all_stopped = true;
    for (int i = 0; i < n; i++) {
        if (i == boot_idx)
            continue;
        uint32_t state = 99;
        int st = smp_query_cpu(ids[i], &state);
        all_stopped &= st == 0 && state == 0;
    }
    tap_ok(all_stopped, "query-cpu-stopped-state: every secondary is stopped (0) at boot");
    uint32_t state = 99;
    int st = smp_query_cpu(boot_id, &state);
    tap_ok(st == 0 && state == 2, "query-cpu-stopped-state: the boot CPU is running (2)");

    rt_secondary_fn = secondary;
    smp_mb();
    bool started = true;
    for (int i = 0; i < n; i++)
        if (i != boot_idx)
            started &= smp_start_cpu(ids[i], (unsigned long)i | (0x100ul * (0x50 + (unsigned)i))) == 0;
    tap_ok(started, "start-cpu of each secondary: status 0");
    tap_ok(wait_for(&arrived, NCPUS - 1), "all %d secondaries report in", NCPUS - 1);
    bool seen = true, r1 = true;
    for (int i = 0; i < n; i++)
        if (i != boot_idx) {
            seen &= slot_seen[i] == 0x50u + (unsigned)i;
            r1 &= slot_r1_ok[i] != 0;
        }
    tap_ok(seen, "each got its r3 from start-cpu");
    tap_ok(r1, "each runs on its own stack");

    bool running = true;
    for (int i = 0; i < n; i++)
        if (i != boot_idx) {
            state = 99;
            running &= smp_query_cpu(ids[i], &state) == 0 && state == 2;
        }
    tap_ok(running, "query-cpu-stopped-state: the started secondaries are running (2)");
    int other = boot_idx == 0 ? 1 : 0;
    tap_is(smp_start_cpu(ids[other], 0x7f), RTAS_OUT_HW_ERROR, "start-cpu of a running vCPU -> -1");
    tap_is(smp_start_cpu(0xdead, 0x7f), RTAS_OUT_PARAM_ERROR, "start-cpu of an unknown id -> -3");
    tap_is(smp_query_cpu(0xdead, &state), RTAS_OUT_PARAM_ERROR,
           "query-cpu-stopped-state of an unknown id -> -3");
    uint32_t bad[2] = {ids[other], 0};
    uint32_t rets[1] = {0};
    tap_is(rtas_call_named("start-cpu", 2, 1, bad, rets), RTAS_OUT_PARAM_ERROR,
           "start-cpu with 2 arguments -> -3");

    smp_mb();
    go = 1;
    add_many();
    tap_ok(wait_for(&done_count, NCPUS - 1), "all secondaries finish their additions");
    smp_mb();
    tap_is(counter, NCPUS * ADDS, "lwarx/stwcx. on 4 vCPUs: %u additions, none lost", NCPUS * ADDS);

    release = 1;
    smp_mb();
    bool stopped = true;
    for (int i = 0; i < n; i++)
        if (i != boot_idx)
            stopped &= smp_wait_stopped(ids[i]);
    tap_ok(stopped, "after stop-self every secondary is stopped (0) again");

    /* Once more, one of them. */
    arrived = 0;
    go = 0;
    release = 0;
    slot_seen[other] = 0;
    counter = 0;
    done_count = 0;
    smp_mb();
    tap_is(smp_start_cpu(ids[other], (unsigned)other | 0x6100ul), 0, "a stopped vCPU starts again");
    tap_ok(wait_for(&arrived, 1) && slot_seen[other] == 0x61, "... and reports in with its new r3");
    go = 1;
    release = 1;
    smp_mb();
    tap_ok(wait_for(&done_count, 1) && smp_wait_stopped(ids[other]), "... and stops itself again");
    tap_is(counter, ADDS, "... after its %u additions", ADDS);
    return 0;
}
