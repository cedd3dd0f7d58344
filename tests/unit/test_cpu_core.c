/*
 * The interpreter and Book III-S behaviour of the CPU: exact instruction
 * counts, both byte orders, interrupts with SRR0/SRR1 as Power ISA 2.07
 * Book III-S ch. 6 gives them (program: illegal/privileged/trap reason
 * bits; system call; decrementer at an exact icount; machine check for an
 * access to nothing), LPCR[ILE] and AIL, rfid and mtmsrd rules, the SPR
 * privilege rules, 32-bit mode, self-modifying code, MMIO byte order, the
 * hypercall hook, and the execution log.
 */
#include <stdlib.h>
#include <string.h>

#include "emu/cpu/insn.h"
#include "emu/cpu/mmu.h"
#include "tests/common/guest_asm.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

#define MB (1ull << 20)

/* SRR1 with the interrupt-specific bits masked off: the old MSR. */
#define SRR1_MSR_PART(v) ((v) & ~0x783f0000ull)

static uint32_t bdnz(int32_t disp) { return asm_b(16, 0, disp, 0, 0); }
static uint32_t mtctr(unsigned rs) { return asm_mtspr(9, rs); }
static uint32_t addi(unsigned rt, unsigned ra, int16_t v) { return asm_d(14, rt, ra, (uint16_t)v); }
static uint32_t branch_self(void) { return asm_i(0, 0, 0); }

static void test_counted_loop(bool le)
{
    const char *order = le ? "LE" : "BE";
    struct test_guest g;
    tg_init(&g, 16 * MB, le);
    tg_emit(&g, asm_li(3, 0));
    tg_emit(&g, asm_li(4, 100));
    tg_emit(&g, mtctr(4));
    tg_emit(&g, addi(3, 3, 2));
    tg_emit(&g, bdnz(-4));
    tg_emit(&g, asm_attn());
    enum cpu_stop why = tg_run(&g, 10000);
    is_i64(why, CPU_STOP_ATTN, "%s: loop stops at attn", order);
    is_u64(g.cpu.gpr[3], 200, "%s: bdnz loop ran 100 times", order);
    is_u64(g.cpu.ctr[0], 0, "%s: CTR counted down to 0", order);
    is_u64(g.cpu.icount[0], 3 + 200 + 1, "%s: exactly 204 instructions counted", order);
    is_u64(g.cpu.cfar[0], TG_CODE + 16, "%s: CFAR holds the last taken branch", order);
    tg_destroy(&g);
}

/* A run cut into pieces must end exactly where one long run does. */
static void test_budget_split(void)
{
    struct test_guest a, b;
    tg_init(&a, 16 * MB, true);
    tg_init(&b, 16 * MB, true);
    struct test_guest *gs[] = { &a, &b };
    for (int i = 0; i < 2; i++) {
        tg_emit(gs[i], asm_li(3, 0));
        tg_emit(gs[i], asm_li(4, 1000));
        tg_emit(gs[i], mtctr(4));
        tg_emit(gs[i], addi(3, 3, 3));
        tg_emit(gs[i], bdnz(-4));
        tg_emit(gs[i], asm_attn());
    }
    is_i64(tg_run(&a, 1000000), CPU_STOP_ATTN, "one long run reaches attn");
    uint64_t runs = 0;
    enum cpu_stop why;
    while ((why = tg_run(&b, 7)) == CPU_STOP_BUDGET && runs < 10000)
        runs++;
    is_u64(runs, (2004 - 1) / 7, "a 7-instruction budget stops exactly every 7 instructions");
    is_u64(cpu_compare(&a.cpu, &b.cpu, stdout), 0, "runs of 7 end in the same state as one run");
    tg_destroy(&a);
    tg_destroy(&b);
}

static void expect_program(struct test_guest *g, uint64_t at, uint64_t reason, const char *what)
{
    is_u64(g->cpu.nip[0], 0x700 + 4, "%s: program interrupt at 0x700", what);
    is_u64(g->cpu.srr0[0], at, "%s: SRR0 is the instruction", what);
    is_u64(g->cpu.srr1[0] & 0x783f0000ull, reason, "%s: SRR1 reason bits", what);
}

static void run_one(struct test_guest *g, uint32_t insn, uint64_t msr_extra)
{
    g->cpu.msr[0] |= msr_extra;
    tg_emit(g, insn);
    /* The interrupt vectors hold attn, so the run stops inside the handler.
     * Handlers run in the byte order LPCR[ILE] gives, not the guest's. */
    bool ile = g->cpu.lpcr[0] & LPCR_ILE;
    uint32_t stop = asm_attn();
    uint8_t w[4];
    for (int i = 0; i < 4; i++)
        w[i] = (uint8_t)(stop >> (ile ? 8 * i : 24 - 8 * i));
    for (uint64_t v = 0x100; v < 0x1000; v += 0x20)
        memory_write(&g->mem, v, w, 4);
    tg_run(g, 1000);
}

static void test_program_interrupts(void)
{
    struct test_guest g;

    tg_init(&g, 16 * MB, false);
    run_one(&g, 0x00000000, 0);
    expect_program(&g, TG_CODE, 1ull << 19, "word 0");
    is_u64(SRR1_MSR_PART(g.cpu.srr1[0]), MSR_SF | MSR_ME, "SRR1 keeps the old MSR");
    is_u64(g.cpu.msr[0], MSR_SF | MSR_ME, "new MSR: 64-bit, ME kept, big-endian (LPCR[ILE]=0)");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.lpcr[0] |= LPCR_ILE;
    run_one(&g, asm_x(31, 0, 0, 0, 1023, 0), 0);      /* no such instruction */
    expect_program(&g, TG_CODE, 1ull << 19, "unknown X-form");
    is_u64(g.cpu.msr[0], MSR_SF | MSR_ME | MSR_LE, "LPCR[ILE] makes the interrupt little-endian");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    run_one(&g, asm_x(31, 3, 0, 0, 83, 0) | 1u << 11, 0);   /* mfmsr with a reserved bit set */
    expect_program(&g, TG_CODE, 1ull << 19, "invalid form (reserved bit set)");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    run_one(&g, asm_x(31, 3, 0, 0, 83, 0), MSR_PR);          /* mfmsr from problem state */
    expect_program(&g, TG_CODE, 1ull << 18, "mfmsr in problem state");
    ok(g.cpu.srr1[0] & MSR_PR, "SRR1 shows the problem state it came from");
    ok(!(g.cpu.msr[0] & MSR_PR), "the handler runs in supervisor state");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    run_one(&g, asm_mtspr(26, 3), MSR_PR);                   /* mtspr SRR0 from problem state */
    expect_program(&g, TG_CODE, 1ull << 18, "mtspr SRR0 in problem state");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    run_one(&g, asm_mfspr(3, 100), 0);                       /* undefined user-range SPR */
    expect_program(&g, TG_CODE, 1ull << 19, "mfspr of an undefined SPR");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    run_one(&g, asm_mtspr(318, 3), 0);                       /* LPCR is the hypervisor's */
    expect_program(&g, TG_CODE, 1ull << 19, "mtspr LPCR from an LPAR guest");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    run_one(&g, asm_x(31, 31, 0, 0, 4, 0), 0);               /* tw 31,0,0: trap always */
    expect_program(&g, TG_CODE, 1ull << 17, "tw 31 (unconditional trap)");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[3] = (uint64_t)-5;
    tg_emit(&g, asm_d(3, 0x10, 3, (uint16_t)-4));            /* twi lt: -5 < -4 traps */
    run_one(&g, asm_attn(), 0);
    expect_program(&g, TG_CODE, 1ull << 17, "twi signed less-than");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[3] = (uint64_t)-5;
    tg_emit(&g, asm_d(3, 0x02, 3, (uint16_t)-4));            /* twi ltu: 0xff..fb < 0xff..fc traps */
    tg_emit(&g, asm_d(3, 0x01, 3, (uint16_t)-4));            /* twi gtu: does not */
    run_one(&g, asm_attn(), 0);
    expect_program(&g, TG_CODE, 1ull << 17, "twi unsigned less-than compares the sign-extended word");
    tg_destroy(&g);
}

static void hcall_add(struct cpu *c, void *opaque)
{
    (*(int *)opaque)++;
    c->gpr[3] = 0;
    c->gpr[4] = c->gpr[4] + c->gpr[5];
}

static void test_system_calls(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    run_one(&g, asm_sc(0), 0);
    is_u64(g.cpu.nip[0], 0xc00 + 4, "sc 0: system call interrupt at 0xc00");
    is_u64(g.cpu.srr0[0], TG_CODE + 4, "sc 0: SRR0 is the next instruction");
    is_u64(g.cpu.srr1[0] & 0x783f0000ull, 0, "sc 0: no reason bits");
    tg_destroy(&g);

    int calls = 0;
    tg_init(&g, 16 * MB, true);
    g.cpu.hooks.hcall = hcall_add;
    g.cpu.hooks.opaque = &calls;
    g.cpu.gpr[3] = 0x58;
    g.cpu.gpr[4] = 40;
    g.cpu.gpr[5] = 2;
    tg_emit(&g, asm_sc(1));
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_i64(calls, 1, "sc 1 calls the hypervisor hook once");
    is_u64(g.cpu.gpr[4], 42, "the hook's outputs land in the registers");
    is_u64(g.cpu.nip[0], TG_CODE + 8, "and the guest continues after sc");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.hooks.hcall = hcall_add;
    g.cpu.hooks.opaque = &calls;
    g.cpu.msr[0] |= MSR_PR;
    tg_emit(&g, asm_sc(1));
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_i64(calls, 1, "sc 1 from problem state does not reach the hypervisor");
    is_i64((int64_t)g.cpu.gpr[3], -3, "it returns H_PRIVILEGE");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    tg_emit(&g, asm_sc(1));
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_i64((int64_t)g.cpu.gpr[3], -2, "sc 1 with no hypervisor returns H_FUNCTION");
    tg_destroy(&g);
}

/* DEC = 100 at instruction I: negative after 101 ticks, taken exactly then. */
static void test_decrementer(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    g.cpu.msr[0] |= MSR_EE;
    g.cpu.gpr[3] = 100;
    tg_emit(&g, asm_mtspr(22, 3));       /* at icount 0 */
    tg_emit(&g, branch_self());
    run_one(&g, asm_attn(), 0);
    is_u64(g.cpu.nip[0], 0x900 + 4, "decrementer interrupt taken");
    is_u64(g.cpu.srr0[0], TG_CODE + 4, "SRR0 is the interrupted instruction");
    is_u64(g.cpu.icount[0], 101 + 1, "taken exactly 101 ticks after DEC was written (then attn)");
    ok(g.cpu.srr1[0] & MSR_EE, "SRR1 has EE set as it was");
    ok(!(g.cpu.msr[0] & MSR_EE), "the handler runs with EE off");
    ok(cpu_dec_pending(&g.cpu), "DEC stays negative: the exception is still pending (level)");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[3] = 10;
    g.cpu.gpr[4] = MSR_EE;
    tg_emit(&g, asm_mtspr(22, 3));
    for (int i = 0; i < 30; i++)
        tg_emit(&g, asm_x(24, 0, 0, 0, 0, 0));  /* ori 0,0,0: nop */
    tg_emit(&g, asm_x(31, 4, 0, 0, 178, 0) | 1u << 16);   /* mtmsrd r4,1: EE on */
    tg_emit(&g, branch_self());
    run_one(&g, asm_attn(), 0);
    is_u64(g.cpu.nip[0], 0x900 + 4, "a DEC that expired with EE off is taken once EE is on");
    is_u64(g.cpu.srr0[0], TG_CODE + 4 * 32, "right after the mtmsrd that enabled it");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[3] = 5;
    g.cpu.gpr[5] = 0x7fffffff;
    g.cpu.gpr[4] = MSR_EE;
    tg_emit(&g, asm_mtspr(22, 3));
    for (int i = 0; i < 10; i++)
        tg_emit(&g, asm_x(24, 0, 0, 0, 0, 0));
    tg_emit(&g, asm_mtspr(22, 5));                        /* a positive value clears it */
    tg_emit(&g, asm_x(31, 4, 0, 0, 178, 0) | 1u << 16);
    tg_emit(&g, asm_mfspr(6, 22));
    tg_emit(&g, asm_mfspr(7, 268));
    run_one(&g, asm_attn(), 0);
    is_u64(g.cpu.nip[0], TG_CODE + 4 * 16, "writing a positive DEC withdraws the exception");
    is_u64(g.cpu.gpr[6], 0x7fffffff - 2, "DEC counts down one per instruction");
    is_u64(g.cpu.gpr[7], 14, "mftb reads the instruction's own start time");
    tg_destroy(&g);
}

static void test_rfid_and_msr(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, false);
    uint64_t target = TG_CODE + 0x100;
    g.cpu.gpr[3] = target;
    g.cpu.gpr[4] = MSR_SF | MSR_LE | MSR_HV;   /* asks for LE, HV, and drops ME */
    tg_emit(&g, asm_mtspr(26, 3));
    tg_emit(&g, asm_mtspr(27, 4));
    tg_emit(&g, asm_xl(19, 0, 0, 0, 18, 0));             /* rfid */
    g.emit_at = target;
    g.little_endian = true;                               /* the target runs little-endian */
    tg_emit(&g, asm_li(5, 77));
    tg_emit(&g, asm_attn());
    is_i64(tg_run(&g, 100), CPU_STOP_ATTN, "rfid to little-endian code runs it");
    is_u64(g.cpu.gpr[5], 77, "the code after rfid ran in the new byte order");
    is_u64(g.cpu.msr[0], MSR_SF | MSR_LE | MSR_ME, "rfid cannot set HV or clear ME in a guest");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[3] = MSR_SF | MSR_HV | MSR_EE | MSR_LE;   /* no ME */
    tg_emit(&g, asm_x(31, 3, 0, 0, 178, 0));            /* mtmsrd r3 */
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_u64(g.cpu.msr[0], MSR_SF | MSR_ME | MSR_EE | MSR_LE, "mtmsrd keeps HV and ME");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.msr[0] |= MSR_EE | MSR_RI;
    g.cpu.gpr[3] = MSR_PR;                              /* L=1 only looks at EE and RI */
    tg_emit(&g, asm_x(31, 3, 0, 0, 178, 0) | 1u << 16);
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_u64(g.cpu.msr[0], MSR_SF | MSR_ME | MSR_LE, "mtmsrd L=1 changes only EE and RI");
    tg_destroy(&g);
}

static void test_ail(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    g.cpu.msr[0] |= MSR_IR | MSR_DR;
    g.cpu.lpcr[0] = 3ull << LPCR_AIL_SHIFT;
    g.cpu.cia = 0x1234;
    cpu_interrupt(&g.cpu, VEC_SYSCALL, 0, true);
    is_u64(g.cpu.nip[0], 0xc000000000004c00ull, "AIL=3 with relocation on: 0xc000000000004000 + vector");
    ok((g.cpu.msr[0] & (MSR_IR | MSR_DR)) == (MSR_IR | MSR_DR), "and relocation stays on");

    g.cpu.msr[0] |= MSR_IR | MSR_DR;
    cpu_interrupt(&g.cpu, VEC_MACHINE_CHECK, 0, false);
    is_u64(g.cpu.nip[0], 0x200, "a machine check ignores AIL");
    ok(!(g.cpu.msr[0] & MSR_ME), "and clears ME");

    g.cpu.msr[0] = MSR_SF | MSR_ME;                     /* relocation off */
    cpu_interrupt(&g.cpu, VEC_SYSCALL, 0, true);
    is_u64(g.cpu.nip[0], 0xc00, "with relocation off AIL does not apply");
    tg_destroy(&g);
}

static void test_sprs(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[3] = ~0ull;
    g.cpu.gpr[4] = 0x1122334455667788ull;
    tg_emit(&g, asm_mtspr(1, 3));         /* XER keeps only its defined bits */
    tg_emit(&g, asm_mfspr(5, 1));
    tg_emit(&g, asm_mtspr(272, 4));       /* SPRG0 */
    tg_emit(&g, asm_mfspr(6, 272));
    tg_emit(&g, asm_mfspr(7, 287));       /* PVR */
    tg_emit(&g, asm_mtspr(275, 4));       /* SPRG3, readable from problem state through 259 */
    tg_emit(&g, asm_mfspr(8, 259));
    tg_emit(&g, asm_mtspr(898, 3));       /* PPR32: the upper word of PPR */
    tg_emit(&g, asm_mfspr(9, 896));
    tg_emit(&g, asm_attn());
    tg_run(&g, 100);
    is_u64(g.cpu.gpr[5], 0xe000007full, "XER keeps SO, OV, CA and the byte count (POWER8: no OV32/CA32)");
    is_u64(g.cpu.gpr[6], 0x1122334455667788ull, "SPRG0 round trip");
    is_u64(g.cpu.gpr[7], 0x004d0200, "PVR is POWER8");
    is_u64(g.cpu.gpr[8], 0x1122334455667788ull, "SPRG3 through its user alias");
    is_u64(g.cpu.gpr[9], 0xffffffff00000000ull, "PPR32 writes the upper word of PPR");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.isa300 = true;
    g.cpu.gpr[3] = ~0ull;
    tg_emit(&g, asm_mtspr(1, 3));
    tg_emit(&g, asm_mfspr(5, 1));
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_u64(g.cpu.gpr[5], 0xe00c007full, "with ISA 3.0, XER also keeps OV32 and CA32");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.uamor[0] = 0xff00000000000000ull;
    g.cpu.amr[0] = 0x0000000000000055ull;
    g.cpu.msr[0] |= MSR_PR;
    g.cpu.gpr[3] = ~0ull;
    tg_emit(&g, asm_mtspr(13, 3));        /* AMR from problem state */
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_u64(g.cpu.amr[0], 0xff00000000000055ull, "problem state changes only the AMR bits UAMOR allows");
    tg_destroy(&g);
}

static void test_32bit_mode(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    g.cpu.msr[0] &= ~MSR_SF;
    uint8_t word[4] = { 0x78, 0x56, 0x34, 0x12 };
    memory_write(&g.mem, TG_DATA, word, 4);
    g.cpu.gpr[4] = 0xffffffff00000000ull | TG_DATA;
    tg_emit(&g, asm_d(32, 3, 4, 0));       /* lwz r3,0(r4): EA is the low word */
    tg_emit(&g, asm_i(8, 0, 1));           /* bl .+8 */
    tg_emit(&g, asm_attn());
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    is_u64(g.cpu.gpr[3], 0x12345678, "32-bit mode truncates the effective address");
    is_u64(g.cpu.lr[0], TG_CODE + 8, "bl in 32-bit mode");
    tg_destroy(&g);
}

static void test_self_modifying(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    uint64_t patched = TG_CODE + 4 * 4;
    g.cpu.gpr[5] = asm_li(3, 2);
    g.cpu.gpr[6] = patched;
    tg_emit(&g, asm_li(3, 0));
    tg_emit(&g, asm_d(36, 5, 6, 0));       /* stw r5,0(r6): overwrite the li below */
    tg_emit(&g, asm_xl(19, 0, 0, 0, 150, 0)); /* isync */
    tg_emit(&g, asm_x(24, 0, 0, 0, 0, 0));
    tg_emit(&g, asm_li(3, 1));             /* replaced by li r3,2 before it runs */
    tg_emit(&g, asm_attn());
    tg_run(&g, 100);
    is_u64(g.cpu.gpr[3], 2, "a store to decoded code is seen when it runs");
    tg_destroy(&g);
}

static uint64_t mmio_written;

static bool mmio_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    (void)opaque;
    *value = size == 4 && offset == 0 ? 0x11223344 : 0;
    return size == 4;
}

static bool mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    (void)opaque;
    (void)offset;
    mmio_written = size == 4 ? value : ~0ull;
    return true;
}

static void test_memory_faults_and_mmio(void)
{
    static const struct mmio_ops ops = { mmio_read, mmio_write };
    for (int le = 0; le < 2; le++) {
        struct test_guest g;
        tg_init(&g, 16 * MB, le);
        ok(memory_add_mmio(&g.mem, "dev", 0x20000000, 0x1000, &ops, NULL) == 0, "add an MMIO region");
        ok(memory_add_mmio(&g.mem, "clash", 0x20000800, 0x1000, &ops, NULL) < 0, "an overlapping region is refused");
        g.cpu.gpr[4] = 0x20000000;
        g.cpu.gpr[5] = 0xaabbccdd;
        tg_emit(&g, asm_d(32, 3, 4, 0));     /* lwz r3,0(r4) */
        tg_emit(&g, asm_d(36, 5, 4, 0));     /* stw r5,0(r4) */
        tg_emit(&g, asm_attn());
        tg_run(&g, 10);
        is_u64(g.cpu.gpr[3], le ? 0x44332211 : 0x11223344,
               "%s load from a device: bus order, swapped for little-endian", le ? "LE" : "BE");
        is_u64(mmio_written, le ? 0xddccbbaa : 0xaabbccdd, "%s store to a device", le ? "LE" : "BE");
        tg_destroy(&g);
    }

    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[4] = 0x40000000;               /* neither RAM nor a device */
    run_one(&g, asm_d(32, 3, 4, 0), 0);
    is_u64(g.cpu.nip[0], 0x200 + 4, "a load from nothing: machine check");
    is_u64(g.cpu.srr0[0], TG_CODE, "SRR0 is the load");
    is_u64(g.cpu.dar[0], 0x40000000, "DAR has the address");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[4] = 16 * MB - 2;              /* straddles the end of RAM */
    run_one(&g, asm_d(32, 3, 4, 0), 0);
    is_u64(g.cpu.nip[0], 0x200 + 4, "a load straddling the end of RAM: machine check");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.gpr[4] = 0x7000000;
    tg_emit(&g, mtctr(4));
    run_one(&g, asm_xl(19, 20, 0, 0, 528, 0), 0);   /* bctr to beyond RAM */
    is_u64(g.cpu.nip[0], 0x200 + 4, "fetching from nothing: machine check");
    is_u64(g.cpu.srr0[0], 0x7000000, "SRR0 is where the fetch went");
    tg_destroy(&g);
}

/* Every FP, VMX and VSX row, with its facility bits off, must take an
 * unavailable interrupt before touching anything: Linux restores a task's
 * FP/vector registers lazily, on those interrupts, so a row that ran
 * without its check would compute on another task's registers. Rows that
 * are hints (no registers) are exempt. The facility is the row's: VSX rows
 * (primary 60, lxv/stxv/lxs/stxs) 0xf40, VMX 0xf20, FP 0x800; the GPR<->VSR
 * moves take FP's or VMX's by register number. */
static void test_every_vector_row_checks_its_facility(void)
{
    static const char *const hints[] = { "dst", "dstst", "dss" };
    unsigned rows = 0, wrong = 0;
    for (unsigned r = 0; r < insn_table_size; r++) {
        const struct insn_def *d = &insn_table[r];
        bool vsx_mem = d->primary == 31 && (!strncmp(d->mnemonic, "lx", 2) || !strncmp(d->mnemonic, "stx", 3));
        bool vmx_mem = d->primary == 31 && (!strncmp(d->mnemonic, "lv", 2) || !strncmp(d->mnemonic, "stv", 3));
        bool fp = d->primary == 59 || d->primary == 63 || (d->primary >= 48 && d->primary <= 55) ||
                  d->primary == 57 || d->primary == 61 ||
                  (d->primary == 31 && (!strncmp(d->mnemonic, "lf", 2) || !strncmp(d->mnemonic, "stf", 3)));
        bool moves = d->primary == 31 && (!strncmp(d->mnemonic, "mfvsr", 5) || !strncmp(d->mnemonic, "mtvsr", 5));
        bool hint = false;
        for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
            hint |= !strcmp(d->mnemonic, hints[i]);
        uint64_t vector;
        if (d->primary == 60 || vsx_mem)
            vector = 0xf40;
        else if (d->primary == 4 || vmx_mem)
            vector = 0xf20;
        else if (fp || moves)
            vector = 0x800;          /* the moves: register 2 is an FPR */
        else
            continue;
        if (hint)
            continue;
        /* Registers 2, 2, 3, 4 (VSR/FPR/VR numbers -- even, for the FP
         * pairs -- or RA/RB = r2/r3). */
        uint32_t word = d->match | ((2u << 21 | 2u << 16 | 3u << 11 | 4u << 6) & ~d->mask & ~d->reserved);
        if ((word & 0xfc000000u) == 0 || (d->primary == 31 && (word & 1) && !(d->flags & INSN_BIT31)))
            continue;
        struct test_guest g;
        tg_init(&g, 16 * MB, true);
        g.cpu.lpcr[0] |= LPCR_ILE;
        g.cpu.gpr[2] = TG_DATA;
        g.cpu.gpr[3] = 0x40;
        for (unsigned i = 0; i < 128; i++)
            g.cpu.vsr[i] = 0x1111111111111111ull * (i % 15 + 1);
        uint64_t before[128];
        memcpy(before, g.cpu.vsr, sizeof before);
        run_one(&g, word, 0);
        rows++;
        bool right = g.cpu.nip[0] == vector + 4 && g.cpu.srr0[0] == TG_CODE &&
                     !memcmp(before, g.cpu.vsr, sizeof before);
        if (!right && wrong++ < 10)
            tap_diag("%s (%08x) with MSR[FP|VEC|VSX] = 0: ended at %llx, SRR0 %llx%s", d->mnemonic, word,
                     (unsigned long long)g.cpu.nip[0], (unsigned long long)g.cpu.srr0[0],
                     memcmp(before, g.cpu.vsr, sizeof before) ? ", registers changed" : "");
        tg_destroy(&g);
    }
    ok(rows > 650, "%u FP/VMX/VSX rows tried", rows);
    is_u64(wrong, 0, "each takes its facility's unavailable interrupt and changes nothing");
}

/* The facility bits: an FP, VMX or VSX instruction with its MSR bit off
 * takes the unavailable interrupt (Book III-S 6.5.10/15/16, SRR0 = the
 * instruction) and executes with it on; decimal FP (not implemented) is
 * illegal with MSR[FP] on; reserved opcodes of the VMX and VSX primaries
 * are illegal whatever the MSR says. */
static void test_facility_unavailable(void)
{
    static const struct {
        const char *what;
        uint32_t insn;
        uint64_t msr_bit;
        uint64_t vector;      /* with the bit off */
        bool executes;        /* with the bit on: runs (else illegal) */
    } cases[] = {
        { "ftdiv", 0xfc821900, MSR_FP, 0x800, true },          /* ftdiv cr1,f2,f3 */
        { "fmrgew", 0xfc221f8c, MSR_FP, 0x800, true },         /* fmrgew f1,f2,f3 */
        { "dadd", 0xec221804, MSR_FP, 0x800, false },          /* dadd f1,f2,f3 */
        { "vaddubm", 0x10221800, MSR_VEC, 0xf20, true },       /* vaddubm v1,v2,v3 */
        { "lvx", 0x7c0320ce, MSR_VEC, 0xf20, true },           /* lvx v0,r3,r4 */
        { "lxvd2x", 0x7c032698, MSR_VSX, 0xf40, true },        /* lxvd2x vs0,r3,r4 */
        { "xsadddp", 0xf0221900, MSR_VSX, 0xf40, true },       /* xsadddp vs1,vs2,vs3 */
        { "lxsdx", 0x7c032498, MSR_VSX, 0xf40, true },         /* lxsdx vs0,r3,r4 */
        { "VMX reserved opcode", 0x10000005, MSR_VEC, 0, false },
        { "VSX reserved opcode", 0xf00000d8, MSR_VSX, 0, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct test_guest g;
        tg_init(&g, 16 * MB, true);
        g.cpu.lpcr[0] |= LPCR_ILE;
        g.cpu.gpr[3] = TG_DATA;
        run_one(&g, cases[i].insn, 0);
        if (cases[i].vector) {
            is_u64(g.cpu.nip[0], cases[i].vector + 4, "%s with the facility off: unavailable interrupt",
                   cases[i].what);
            is_u64(g.cpu.srr0[0], TG_CODE, "%s: SRR0 is the instruction", cases[i].what);
        } else {
            expect_program(&g, TG_CODE, 1ull << 19, cases[i].what);
        }
        tg_destroy(&g);

        tg_init(&g, 16 * MB, true);
        g.cpu.lpcr[0] |= LPCR_ILE;
        g.cpu.gpr[3] = TG_DATA;
        run_one(&g, cases[i].insn, cases[i].msr_bit);
        if (cases[i].executes)   /* then the zero word after it is illegal */
            is_u64(g.cpu.srr0[0], TG_CODE + 4, "%s with the facility on: executes", cases[i].what);
        else
            expect_program(&g, TG_CODE, 1ull << 19, cases[i].what);
        tg_destroy(&g);
    }
}

/* Relocation on with a segment but no page table (a bare vCPU has none):
 * nothing is translated. (tests/unit/test_mmu.c covers the MMU itself.) */
static void test_relocation_faults(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    g.cpu.lpcr[0] |= LPCR_ILE;
    g.cpu.slb_esid[0] = SLB_ESID_V;                   /* segment 0, VSID 0 */
    g.cpu.gpr[4] = 0x1000;
    run_one(&g, asm_d(36, 3, 4, 8), MSR_DR);          /* stw r3,8(r4) */
    is_u64(g.cpu.nip[0], 0x300 + 4, "a store with MSR[DR]=1: DSI");
    is_u64(g.cpu.dar[0], 0x1008, "DAR is the effective address");
    is_u64(g.cpu.dsisr[0], (1u << 30) | (1u << 25), "DSISR: no translation, store");
    tg_destroy(&g);

    tg_init(&g, 16 * MB, true);
    g.cpu.lpcr[0] |= LPCR_ILE;
    g.cpu.slb_esid[0] = SLB_ESID_V;
    run_one(&g, asm_li(3, 1), MSR_IR);
    is_u64(g.cpu.nip[0], 0x400 + 4, "a fetch with MSR[IR]=1: ISI");
    is_u64(g.cpu.srr0[0], TG_CODE, "SRR0 is the instruction that could not be fetched");
    is_u64(g.cpu.srr1[0] & 0x783f0000ull, 1ull << 30, "SRR1 bit 33: no translation");
    tg_destroy(&g);
}

static void test_exec_log(void)
{
    struct test_guest g;
    tg_init(&g, 16 * MB, true);
    char *text = NULL;
    size_t len = 0;
    g.cpu.exec_log = open_memstream(&text, &len);
    tg_emit(&g, asm_li(3, 5));
    tg_emit(&g, asm_attn());
    tg_run(&g, 10);
    fclose(g.cpu.exec_log);
    g.cpu.exec_log = NULL;
    char want[128];
    snprintf(want, sizeof want, "0 0x%llx 38600005 addi r3=0x5\n", (unsigned long long)TG_CODE);
    has_substr(text, want, "the exec log shows the instruction and what it changed");
    is_u64(g.cpu.icount[0], 2, "logging counts instructions the same");
    free(text);
    tg_destroy(&g);
}

int main(void)
{
    test_counted_loop(false);
    test_counted_loop(true);
    test_budget_split();
    test_program_interrupts();
    test_system_calls();
    test_decrementer();
    test_rfid_and_msr();
    test_ail();
    test_sprs();
    test_32bit_mode();
    test_self_modifying();
    test_memory_faults_and_mmio();
    test_facility_unavailable();
    test_every_vector_row_checks_its_facility();
    test_relocation_faults();
    test_exec_log();
    return tap_done();
}
