/*
 * SMP helpers of the guest runtime: the vCPUs from the device tree, RTAS
 * start-cpu / query-cpu-stopped-state / stop-self, the secondaries' C entry
 * (start.S's rt_secondary_start calls rt_secondary_c), and lwarx/stwcx.
 * atomics. The RTAS calls of the boot CPU go through rtas_call(); stop-self
 * uses a block on the caller's stack, so any CPU may call it at any time.
 */
#include "runtime.h"

void (*volatile rt_secondary_fn)(unsigned long arg);

void rt_secondary_c(unsigned long arg);

int smp_cpus(uint32_t *ids, int max)
{
    const void *fdt = boot.fdt;
    int cpus = fdt_path(fdt, "/cpus"), n = 0;
    for (int c = cpus >= 0 ? fdt_first_child(fdt, cpus) : -1; c >= 0; c = fdt_next_sibling(fdt, c)) {
        int len;
        const char *type = fdt_prop(fdt, c, "device_type", &len);
        uint32_t reg;
        if (type && strcmp(type, "cpu") == 0 && fdt_prop_u32(fdt, c, "reg", &reg)) {
            if (n < max)
                ids[n] = reg;
            n++;
        }
    }
    return n;
}

uint32_t smp_boot_id(void)
{
    return be32((const uint8_t *)boot.fdt + 28);
}

int smp_start_cpu(uint32_t id, unsigned long arg)
{
    uint32_t args[3] = {id, (uint32_t)(uintptr_t)rt_secondary_start, (uint32_t)arg}, rets[1];
    return rtas_call_named("start-cpu", 3, 1, args, rets);
}

int smp_query_cpu(uint32_t id, uint32_t *state)
{
    uint32_t args[1] = {id}, rets[2] = {0, 0};
    int st = rtas_call_named("query-cpu-stopped-state", 1, 2, args, rets);
    *state = rets[1];
    return st;
}

void smp_stop_self(void)
{
    uint32_t block[4] __attribute__((aligned(8)));
    block[0] = __builtin_bswap32(rtas_token("stop-self"));
    block[1] = 0;
    block[2] = __builtin_bswap32(1u);
    block[3] = 0xdeadbeefu;
    smp_mb();
    hcall1(KVMPPC_H_RTAS, (uintptr_t)block);
    for (;;)     /* stop-self does not return */
        ;
}

void rt_secondary_c(unsigned long arg)
{
    if (rt_secondary_fn)
        rt_secondary_fn(arg);
    smp_stop_self();
}

uint32_t atomic_add(volatile uint32_t *p, uint32_t v)
{
    uint32_t t;
    __asm__ volatile("1: lwarx %0, 0, %2\n"
                     "   add %0, %0, %3\n"
                     "   stwcx. %0, 0, %2\n"
                     "   bne- 1b\n"
                     : "=&r"(t), "+m"(*p)
                     : "r"(p), "r"(v)
                     : "cr0", "memory");
    return t;
}

uint32_t atomic_cmpxchg(volatile uint32_t *p, uint32_t old, uint32_t new_)
{
    uint32_t prev;
    __asm__ volatile("1: lwarx %0, 0, %2\n"
                     "   cmpw %0, %3\n"
                     "   bne- 2f\n"
                     "   stwcx. %4, 0, %2\n"
                     "   bne- 1b\n"
                     "2:\n"
                     : "=&r"(prev), "+m"(*p)
                     : "r"(p), "r"(old), "r"(new_)
                     : "cr0", "memory");
    return prev;
}

void spin_lock(volatile uint32_t *l)
{
    while (atomic_cmpxchg(l, 0, 1) != 0)
        ;
    __asm__ volatile("isync" ::: "memory");
}

void spin_unlock(volatile uint32_t *l)
{
    __asm__ volatile("lwsync" ::: "memory");
    *l = 0;
}

bool smp_wait_stopped(uint32_t id)
{
    for (unsigned long i = 0; i < 100000; i++) {
        uint32_t state;
        if (smp_query_cpu(id, &state) == 0 && state == 0)
            return true;
    }
    return false;
}
