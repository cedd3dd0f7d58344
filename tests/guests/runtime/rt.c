/*
 * Boot and shutdown of the guest runtime: rt_start() is what start.S calls
 * once the CPU is little-endian with a stack (BSS, the boot record, the
 * console, then main), rt_exit() prints the TAP plan and powers off
 * through RTAS. Also the hypercall wrapper everything else uses.
 */
#include "runtime.h"

struct boot_info boot;

extern char __bss_start[], __bss_end[];

void rt_start(const void *fdt, uint64_t r4, uint64_t entry_msr, long set_mode_rc);

void rt_start(const void *fdt, uint64_t r4, uint64_t entry_msr, long set_mode_rc)
{
    /* QEMU's -bios loads the flat file only: BSS is ours to clear. */
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
    boot.fdt = fdt;
    boot.r4 = r4;
    boot.entry_msr = entry_msr;
    boot.set_mode_rc = set_mode_rc;
    console_init();
    main();
    rt_exit();
}

void rt_exit(void)
{
    /* RTAS needs the device tree, which only real mode reaches. */
    mmu_real_mode();
    tap_done();
    static const uint32_t args[2] = {0, 0};   /* power-on masks: none */
    uint32_t rets[1] = {0};
    int status = rtas_call_named("power-off", 2, 1, args, rets);
    /* QEMU stops the CPU inside the call; ppcrr after the hcall. Either
     * way nothing should run past here. */
    for (unsigned i = 0; i < 1000000; i++)
        __asm__ volatile("" ::: "memory");
    printf("Bail out! RTAS power-off returned %d and the machine is still running\r\n", status);
    for (;;)
        ;
}

void rt_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("Bail out! %s\r\n", buf);
    rt_exit();
}

long hcall(unsigned long opcode, unsigned long *ret, unsigned long a0, unsigned long a1,
           unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5,
           unsigned long a6, unsigned long a7)
{
    register unsigned long r3 __asm__("r3") = opcode;
    register unsigned long r4 __asm__("r4") = a0;
    register unsigned long r5 __asm__("r5") = a1;
    register unsigned long r6 __asm__("r6") = a2;
    register unsigned long r7 __asm__("r7") = a3;
    register unsigned long r8 __asm__("r8") = a4;
    register unsigned long r9 __asm__("r9") = a5;
    register unsigned long r10 __asm__("r10") = a6;
    register unsigned long r11 __asm__("r11") = a7;
    register unsigned long r12 __asm__("r12");
    /* The hypervisor may change the volatile registers (PAPR); the
     * results come back in r4-r12. */
    __asm__ volatile("sc 1"
                     : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8), "+r"(r9),
                       "+r"(r10), "+r"(r11), "=r"(r12)
                     :
                     : "r0", "ctr", "xer", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
    if (ret) {
        ret[0] = r4;
        ret[1] = r5;
        ret[2] = r6;
        ret[3] = r7;
        ret[4] = r8;
        ret[5] = r9;
        ret[6] = r10;
        ret[7] = r11;
        ret[8] = r12;
    }
    return (long)r3;
}

uint64_t timebase_freq(void)
{
    const void *fdt = boot.fdt;
    int cpus = fdt_path(fdt, "/cpus");
    for (int n = cpus >= 0 ? fdt_first_child(fdt, cpus) : -1; n >= 0;
         n = fdt_next_sibling(fdt, n)) {
        int len;
        const char *type = fdt_prop(fdt, n, "device_type", &len);
        uint64_t f;
        if (type && strcmp(type, "cpu") == 0 && fdt_prop_u64(fdt, n, "timebase-frequency", &f))
            return f;
    }
    return 512000000;
}
