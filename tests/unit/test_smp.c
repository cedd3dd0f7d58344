/*
 * SMP (emu/machine.c rounds, timebases, reservations) and the SPLPAR
 * hypercalls (hcall/splpar.c) and RTAS start-cpu / stop-self /
 * query-cpu-stopped-state, on a 4-vCPU machine built here from
 * machine_create() + hcall_init(), running tiny guest programs.
 *
 * Expected values: RTAS statuses and the H_REGISTER_VPA checks are QEMU's
 * (hw/ppc/spapr_rtas.c, spapr_hcall.c); time follows emu/machine.h's
 * definition (all timebases equal at every round boundary; an all-idle
 * machine skips to the first tick at which a DEC is negative).
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "tests/common/guest_asm.h"
#include "tests/tap.h"

#define RAM_SIZE (64ull << 20)
#define BLK 0x70000ull           /* RTAS argument block */
#define CODE 0x10000ull          /* the guest programs */
#define COUNTER 0x80000ull       /* shared counter (lis r20,8) */
#define VPA 0x90000ull
#define Q MACHINE_QUANTUM

#define H_VPA_REG 0x0000200000000000ull
#define H_VPA_REG_DTL 0x0000400000000000ull
#define H_VPA_REG_SLB 0x0000600000000000ull
#define H_VPA_DEREG 0x0000a00000000000ull
#define H_VPA_DEREG_DTL 0x0000c00000000000ull

static void machine_up(struct machine *m, unsigned smp)
{
    struct machine_config cfg = { .ram_size = RAM_SIZE, .smp = smp, .serial = "null" };
    char err[512] = "";
    if (machine_create(m, &cfg, err, sizeof err) < 0)
        tap_bail("machine_create: %s", err);
    if (hcall_init(m, err, sizeof err) < 0)
        tap_bail("hcall_init: %s", err);
}

static void machine_down(struct machine *m)
{
    hcall_destroy(m);
    machine_destroy(m);
}

static int64_t hcall_on(struct machine *m, unsigned cpu, uint64_t op, uint64_t a0, uint64_t a1,
                        uint64_t a2)
{
    struct cpu *c = &m->cpus[cpu];
    m->current = cpu;
    c->gpr[3] = op;
    c->gpr[4] = a0;
    c->gpr[5] = a1;
    c->gpr[6] = a2;
    hcall_dispatch(m, c);
    return (int64_t)c->gpr[3];
}

static void put32(struct machine *m, uint64_t a, uint32_t v)
{
    hcall_write_be32(m, a, v);
}

static uint32_t get32(struct machine *m, uint64_t a)
{
    uint32_t v = 0;
    hcall_read_be32(m, a, &v);
    return v;
}

/* RTAS NAME from vCPU CPU: returns the status; rets[1] in *ret1. */
static int32_t rtas_on(struct machine *m, unsigned cpu, const char *name, uint32_t nargs,
                       uint32_t nret, const uint32_t *args, uint32_t *ret1)
{
    put32(m, BLK, rtas_token(name));
    put32(m, BLK + 4, nargs);
    put32(m, BLK + 8, nret);
    for (uint32_t i = 0; i < nargs; i++)
        put32(m, BLK + 12 + 4 * i, args[i]);
    for (uint32_t i = 0; i < nret; i++)
        put32(m, BLK + 12 + 4 * (nargs + i), 0xdeadbeef);
    hcall_on(m, cpu, KVMPPC_H_RTAS, BLK, 0, 0);
    if (ret1)
        *ret1 = get32(m, BLK + 12 + 4 * (nargs + 1));
    return (int32_t)get32(m, BLK + 12 + 4 * nargs);
}

static uint32_t query(struct machine *m, uint32_t id)
{
    uint32_t state = 99;
    int32_t st = rtas_on(m, 0, "query-cpu-stopped-state", 1, 2, &id, &state);
    return st == 0 ? state : 100 + (uint32_t)-st;
}

static int32_t start_cpu(struct machine *m, uint32_t id, uint32_t nip, uint32_t r3)
{
    const uint32_t a[3] = { id, nip, r3 };
    return rtas_on(m, 0, "start-cpu", 3, 1, a, NULL);
}

/* Guest code, big-endian, from AT. */
static uint64_t emit_at;
static void emit(struct machine *m, uint32_t w)
{
    put32(m, emit_at, w);
    emit_at += 4;
}

static uint32_t mftb(unsigned rt) { return asm_mfspr(rt, 268); }
static uint32_t lwarx(unsigned rt, unsigned rb) { return asm_x(31, rt, 0, rb, 20, 0); }
static uint32_t stwcx(unsigned rs, unsigned rb) { return asm_x(31, rs, 0, rb, 150, 1); }
static uint32_t bne(int32_t bytes) { return asm_b(4, 2, bytes, 0, 0); }

/* ---- RTAS start-cpu, query-cpu-stopped-state, stop-self -------------- */

static void test_rtas_smp(void)
{
    struct machine m;
    machine_up(&m, 4);
    emit_at = CODE;
    emit(&m, asm_i(0, 0, 0));                    /* b . */
    is_u64(query(&m, 0), 2, "query: vCPU 0 runs (2)");
    is_u64(query(&m, 1), 0, "query: vCPU 1 is stopped (0)");
    is_u64(query(&m, 4), 103, "query: no vCPU 4: -3");
    uint32_t id = 1;
    is_i64(rtas_on(&m, 0, "query-cpu-stopped-state", 1, 1, &id, NULL), -3, "query with nret 1: -3");

    const uint32_t two[2] = { 1, CODE };
    is_i64(rtas_on(&m, 0, "start-cpu", 2, 1, two, NULL), -3, "start-cpu with 2 args: -3");
    is_i64(start_cpu(&m, 9, CODE, 0), -3, "start-cpu of no such vCPU: -3");
    is_i64(start_cpu(&m, 0, CODE, 0), -1, "start-cpu of a running vCPU: -1 (QEMU)");
    m.cpus[0].lpcr[0] |= LPCR_ILE;
    m.cpus[1].msr[0] = MSR_LE | MSR_EE | MSR_IR;
    is_i64(start_cpu(&m, 1, CODE, 0x1234), 0, "start-cpu 1: success");
    struct cpu *c1 = &m.cpus[1];
    ok(!c1->stopped && c1->nip[0] == CODE && c1->gpr[3] == 0x1234 && c1->msr[0] == (MSR_SF | MSR_ME),
       "started at NIP with r3, MSR = SF|ME (64-bit BE real mode)");
    ok(c1->lpcr[0] & LPCR_ILE, "LPCR[ILE] inherited from the caller");
    is_u64(query(&m, 1), 2, "query: vCPU 1 now runs");
    is_i64(start_cpu(&m, 1, CODE, 0), -1, "start-cpu again: -1");

    /* stop-self from vCPU 1 */
    rtas_on(&m, 1, "stop-self", 0, 1, NULL, NULL);
    ok(c1->stopped, "stop-self: the caller stops");
    is_u64(query(&m, 1), 0, "query: vCPU 1 stopped again");
    is_i64(start_cpu(&m, 1, CODE, 7), 0, "and can be started again");

    /* The last vCPU stopping ends the run. */
    rtas_on(&m, 1, "stop-self", 0, 1, NULL, NULL);
    rtas_on(&m, 0, "stop-self", 0, 1, NULL, NULL);
    machine_round(&m);
    is_u64(m.exit_reason, EXIT_ERROR, "every vCPU stopped: the run ends");
    machine_down(&m);
}

/* ---- timebases in step ----------------------------------------------- */

static void test_tb_sync(void)
{
    struct machine m;
    machine_up(&m, 4);
    emit_at = CODE;
    emit(&m, mftb(5));
    emit(&m, asm_d(14, 6, 6, 1));                /* addi r6,r6,1 */
    emit(&m, asm_i(-8, 0, 0));
    m.cpus[0].nip[0] = CODE;
    is_i64(start_cpu(&m, 1, CODE, 0), 0, "vCPU 1 started");
    bool same = true;
    for (unsigned r = 1; r <= 3; r++) {
        machine_round(&m);
        for (unsigned i = 0; i < 4; i++)
            same &= cpu_tb(&m.cpus[i]) == r * Q * m.cpus[i].tb_per_insn;
    }
    ok(same, "after each round every TB (running and stopped) = rounds * quantum");
    is_u64(m.cpus[0].icount[0], 3 * Q, "vCPU 0 executed 3 quanta");
    uint64_t t0 = m.cpus[0].gpr[5], t1 = m.cpus[1].gpr[5], now = cpu_tb(&m.cpus[0]);
    ok(now - t0 <= 3 && now - t1 <= 3, "TB read by each guest: 0x%llx, 0x%llx (round end 0x%llx)",
       (unsigned long long)t0, (unsigned long long)t1, (unsigned long long)now);
    is_i64(start_cpu(&m, 2, CODE, 0), 0, "vCPU 2 started late");
    machine_round(&m);
    ok(m.cpus[2].gpr[5] == m.cpus[1].gpr[5] && cpu_tb(&m.cpus[2]) == cpu_tb(&m.cpus[0]),
       "its TB kept pace while stopped: it reads what vCPU 1 reads");
    machine_down(&m);
}

/* ---- reservations ----------------------------------------------------- */

static void test_reservations(void)
{
    struct machine m;
    machine_up(&m, 2);
    struct cpu *c0 = &m.cpus[0], *c1 = &m.cpus[1];
    c1->stopped = false;
    emit_at = CODE;
    emit(&m, lwarx(5, 20));                      /* CODE+0 */
    emit(&m, stwcx(6, 20));                      /* CODE+4 */
    emit(&m, asm_d(36, 7, 21, 0));               /* CODE+8: stw r7,0(r21) */
    const struct { uint64_t store_at; bool kills; const char *what; } cases[] = {
        { COUNTER + 8, true, "a store by another vCPU into the granule" },
        { COUNTER + 128, false, "a store by another vCPU to the next granule" },
        { COUNTER + 4096, false, "a store to another page" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        c0->gpr[20] = COUNTER;
        c0->gpr[6] = 0x55;
        c0->nip[0] = CODE;
        m.current = 0;
        cpu_run(c0, 1);
        ok(c0->reserve_len[0] == 4 && (m.mem.watched[COUNTER >> 12] & MEMORY_WATCH_RESERVE),
           "%s: lwarx reserved, page watched", cases[k].what);
        c1->gpr[21] = cases[k].store_at;
        c1->nip[0] = CODE + 8;
        m.current = 1;
        cpu_run(c1, 1);
        m.current = 0;
        cpu_run(c0, 1);
        bool stored = (c0->cr[0] >> 29) & 1;
        ok(stored == !cases[k].kills, "%s: stwcx. %s", cases[k].what,
           cases[k].kills ? "fails" : "succeeds");
    }
    ok(!(m.mem.watched[COUNTER >> 12] & MEMORY_WATCH_RESERVE), "no reservation left: page unwatched");

    /* The vCPU's own store keeps its reservation; a device's does not. */
    c0->gpr[21] = COUNTER + 8;
    c0->nip[0] = CODE;
    m.current = 0;
    cpu_run(c0, 1);
    c0->nip[0] = CODE + 8;
    cpu_run(c0, 1);
    ok(c0->reserve_len[0] == 4, "own store into the granule: reservation kept");
    uint32_t v = 1;
    memory_write(&m.mem, COUNTER + 64, &v, 4);
    ok(c0->reserve_len[0] == 0, "memory_write (a device, an hcall) into the granule: reservation lost");
    machine_down(&m);
}

/* ---- H_CEDE, H_PROD, idle skip --------------------------------------- */

/* vCPUs run: li r3,H_CEDE; sc 1; then loop (addi r6; b .-4). DEC handler
 * at 0x900: loop too (the tests look at where they are). */
static void cede_program(struct machine *m)
{
    emit_at = CODE;
    emit(m, asm_li(3, H_CEDE));
    emit(m, asm_sc(1));
    emit(m, asm_d(14, 6, 6, 1));
    emit(m, asm_i(-4, 0, 0));
    emit_at = 0x900;
    emit(m, asm_d(14, 7, 7, 1));
    emit(m, asm_i(-4, 0, 0));
}

static void test_cede(void)
{
    struct machine m;
    machine_up(&m, 4);
    cede_program(&m);
    emit_at = 0x20000;
    emit(&m, asm_i(0, 0, 0));                    /* vCPU 0 spins */
    m.cpus[0].nip[0] = 0x20000;
    is_i64(start_cpu(&m, 1, CODE, 0), 0, "vCPU 1 started");
    struct cpu *c1 = &m.cpus[1];
    cpu_write_dec(c1, 1000);
    machine_round(&m);
    ok(c1->idle[0] == CPU_IDLE_CEDED && (c1->msr[0] & MSR_EE), "H_CEDE: ceded, MSR[EE] set");
    is_u64(c1->icount[0], 2, "it ran 2 instructions");
    machine_round(&m);
    ok(c1->idle[0] == CPU_IDLE_NONE && c1->gpr[7] > 0 && c1->srr0[0] == CODE + 8,
       "woken by its DEC at the next round, decrementer interrupt taken after the sc");

    /* H_PROD */
    is_i64(start_cpu(&m, 2, CODE, 0), 0, "vCPU 2 started");
    struct cpu *c2 = &m.cpus[2];
    machine_round(&m);
    ok(c2->idle[0] == CPU_IDLE_CEDED, "vCPU 2 ceded");
    is_i64(hcall_on(&m, 0, H_PROD, 9, 0, 0), H_PARAMETER, "H_PROD of no such vCPU: H_PARAMETER");
    is_i64(hcall_on(&m, 0, H_PROD, 2, 0, 0), H_SUCCESS, "H_PROD 2: H_SUCCESS");
    ok(c2->idle[0] == CPU_IDLE_NONE && !c2->prod[0], "H_PROD woke it");
    is_i64(hcall_on(&m, 0, H_PROD, 2, 0, 0), H_SUCCESS, "H_PROD of a running vCPU");
    ok(c2->prod[0], "is remembered");
    is_i64(hcall_on(&m, 2, H_CEDE, 0, 0, 0), H_SUCCESS, "and its next H_CEDE");
    ok(c2->idle[0] == CPU_IDLE_NONE && !c2->prod[0], "returns at once");

    /* H_CONFER / H_JOIN */
    is_i64(hcall_on(&m, 2, H_CONFER, (uint64_t)-1, 0, 0), H_SUCCESS, "H_CONFER -1: H_SUCCESS");
    is_i64(hcall_on(&m, 2, H_CONFER, (uint64_t)-2, 0, 0), H_PARAMETER, "H_CONFER -2: H_PARAMETER");
    is_i64(hcall_on(&m, 2, H_CONFER, 9, 0, 0), H_PARAMETER, "H_CONFER to no such vCPU: H_PARAMETER");
    c2->msr[0] |= MSR_EE;
    is_i64(hcall_on(&m, 2, H_JOIN, 0, 0, 0), H_BAD_MODE, "H_JOIN with MSR[EE]: H_BAD_MODE");
    c2->msr[0] &= ~MSR_EE;
    is_i64(hcall_on(&m, 2, H_JOIN, 0, 0, 0), H_SUCCESS, "H_JOIN with others running: joined");
    ok(c2->idle[0] == CPU_IDLE_JOINED, "vCPU 2 joined");
    cpu_write_dec(c2, 0);
    machine_round(&m);
    ok(c2->idle[0] == CPU_IDLE_JOINED, "a joined vCPU ignores its DEC");
    hcall_on(&m, 0, H_PROD, 2, 0, 0);
    ok(c2->idle[0] == CPU_IDLE_NONE, "H_PROD ends H_JOIN");
    machine_down(&m);

    machine_up(&m, 2);
    m.cpus[0].msr[0] &= ~MSR_EE;
    is_i64(hcall_on(&m, 0, H_JOIN, 0, 0, 0), H_CONTINUE, "H_JOIN by the last vCPU: H_CONTINUE");
    machine_down(&m);
}

/* H_SIGNAL_SYS_RESET: a system reset interrupt at 0x100 for the targets,
 * taken at their next instruction whatever MSR[EE], waking ceded ones. */
static void test_signal_sys_reset(void)
{
    struct machine m;
    machine_up(&m, 3);
    cede_program(&m);
    emit_at = 0x100;
    emit(&m, asm_d(14, 8, 8, 1));                /* the reset handler counts in r8 and spins */
    emit(&m, asm_i(0, 0, 0));
    emit_at = 0x20000;
    emit(&m, asm_i(0, 0, 0));
    m.cpus[0].nip[0] = 0x20000;
    is_i64(start_cpu(&m, 1, CODE, 0), 0, "vCPU 1 started");
    struct cpu *c0 = &m.cpus[0], *c1 = &m.cpus[1], *c2 = &m.cpus[2];
    machine_round(&m);
    ok(c1->idle[0] == CPU_IDLE_CEDED, "vCPU 1 ceded");

    is_i64(hcall_on(&m, 0, H_SIGNAL_SYS_RESET, (uint64_t)-3, 0, 0), H_PARAMETER, "target -3: H_PARAMETER");
    is_i64(hcall_on(&m, 0, H_SIGNAL_SYS_RESET, 7, 0, 0), H_PARAMETER, "no such vCPU: H_PARAMETER");
    c0->msr[0] &= ~MSR_EE;
    is_i64(hcall_on(&m, 0, H_SIGNAL_SYS_RESET, (uint64_t)-2, 0, 0), H_SUCCESS, "all others: H_SUCCESS");
    ok(c1->idle[0] == CPU_IDLE_NONE, "the ceded vCPU is woken");
    ok(!c2->sreset_pending[0], "a stopped vCPU is left alone");
    ok(!c0->sreset_pending[0], "the caller is not a target of -2");
    machine_round(&m);
    is_u64(c1->gpr[8], 1, "vCPU 1 took the system reset");
    is_u64(c1->srr0[0], CODE + 8, "SRR0: where it would have resumed");
    is_u64(c0->gpr[8], 0, "vCPU 0 did not");

    is_i64(hcall_on(&m, 0, H_SIGNAL_SYS_RESET, (uint64_t)-1, 0, 0), H_SUCCESS, "all: H_SUCCESS");
    machine_round(&m);
    is_u64(c0->gpr[8], 1, "the caller took it too, with MSR[EE] off");
    is_u64(c1->gpr[8], 2, "and vCPU 1 again");
    is_i64(hcall_on(&m, 0, H_SIGNAL_SYS_RESET, 1, 0, 0), H_SUCCESS, "one vCPU by number");
    machine_round(&m);
    is_u64(c1->gpr[8], 3, "vCPU 1 took it");
    is_u64(c0->gpr[8], 1, "vCPU 0 did not");
    machine_down(&m);
}

static void test_idle_skip(void)
{
    struct machine m;
    machine_up(&m, 4);
    cede_program(&m);
    m.cpus[0].nip[0] = CODE;
    is_i64(start_cpu(&m, 1, CODE, 0), 0, "vCPU 1 started");
    cpu_write_dec(&m.cpus[0], 5000000);
    cpu_write_dec(&m.cpus[1], 3000000);
    uint64_t expiry = m.cpus[1].dec_expiry[0];
    machine_round(&m);
    ok(m.cpus[0].idle[0] == CPU_IDLE_CEDED && m.cpus[1].idle[0] == CPU_IDLE_CEDED, "both running vCPUs ceded");
    uint64_t tb = cpu_tb(&m.cpus[0]);
    is_u64(tb, Q * m.cpus[0].tb_per_insn, "one round passed");
    machine_round(&m);
    uint64_t ic0 = m.cpus[0].icount[0];
    bool same = true;
    for (unsigned i = 1; i < 4; i++)
        same &= cpu_tb(&m.cpus[i]) == cpu_tb(&m.cpus[0]);
    ok(same, "the skip moved every TB together");
    ok(m.cpus[1].idle[0] == CPU_IDLE_NONE && m.cpus[0].idle[0] == CPU_IDLE_CEDED,
       "the first DEC to expire woke its vCPU only");
    ok(m.cpus[1].srr0[0] == CODE + 8 && m.cpus[1].gpr[7] > 0, "which took its decrementer interrupt");
    /* The round after the skip ran vCPU 1 from the expiry on. */
    uint64_t ran = m.cpus[1].icount[0] - 2;
    is_u64(cpu_tb(&m.cpus[1]) - Q * m.cpus[1].tb_per_insn, expiry + 1,
           "TB after the skip = DEC expiry + 1 (first tick DEC is negative); ran %llu",
           (unsigned long long)ran);
    is_u64(ic0, 2, "the ceded vCPU executed nothing during the skip");
    machine_down(&m);
}

/* ---- determinism: the same 4-vCPU run twice ------------------------- */

/* Each vCPU: a lwarx/stwcx. increment loop on a shared counter, counting
 * its own successes in r7; every 65536 (longer than a turn, so turns end
 * anywhere, between lwarx and stwcx. too), DEC := 2000 + id and H_CEDE,
 * then H_PROD the next vCPU. The DEC handler pushes DEC far out and
 * returns. */
static void contention_program(struct machine *m)
{
    emit_at = CODE;
    emit(m, asm_x(31, 3, 13, 3, 444, 0));        /* mr r13,r3 */
    emit(m, asm_d(15, 20, 0, COUNTER >> 16));    /* lis r20 */
    emit(m, asm_li(7, 0));
    uint64_t loop = emit_at;
    emit(m, lwarx(5, 20));
    emit(m, asm_d(14, 5, 5, 1));
    emit(m, stwcx(5, 20));
    emit(m, bne((int32_t)(loop - emit_at)));
    emit(m, asm_d(14, 7, 7, 1));
    emit(m, asm_d(28, 7, 8, 0xffff));            /* andi. r8,r7,0xffff */
    emit(m, bne((int32_t)(loop - emit_at)));
    emit(m, asm_d(14, 9, 13, 2000));             /* addi r9,r13,2000 */
    emit(m, asm_mtspr(22, 9));
    emit(m, asm_li(3, H_CEDE));
    emit(m, asm_sc(1));
    emit(m, asm_d(14, 4, 13, 1));
    emit(m, asm_d(28, 4, 4, 3));                 /* andi. r4,r4,3 */
    emit(m, asm_li(3, H_PROD));
    emit(m, asm_sc(1));
    emit(m, asm_i((int32_t)(loop - emit_at), 0, 0));
    emit_at = 0x900;
    emit(m, asm_d(15, 9, 0, 0x7fff));
    emit(m, asm_mtspr(22, 9));
    emit(m, asm_xl(19, 0, 0, 0, 18, 0));          /* rfid */
}

static void contention_run(struct machine *m, unsigned rounds, bool *tb_same)
{
    machine_up(m, 4);
    contention_program(m);
    m->cpus[0].nip[0] = CODE;
    m->cpus[0].gpr[3] = 0;
    for (uint32_t i = 1; i < 4; i++)
        start_cpu(m, i, CODE, i);
    *tb_same = true;
    for (unsigned r = 0; r < rounds && m->exit_reason == EXIT_NONE; r++) {
        machine_round(m);
        for (unsigned i = 1; i < 4; i++)
            *tb_same &= cpu_tb(&m->cpus[i]) == cpu_tb(&m->cpus[0]);
    }
}

static void test_determinism(void)
{
    static struct machine a, b;
    bool same_a, same_b;
    contention_run(&a, 40, &same_a);
    contention_run(&b, 40, &same_b);
    is_u64(a.exit_reason, EXIT_NONE, "the run goes on");
    ok(same_a && same_b, "every TB equal at every round boundary");
    uint64_t sum = 0, cedes = 0;
    for (unsigned i = 0; i < 4; i++) {
        sum += (uint32_t)a.cpus[i].gpr[7];
        cedes += a.cpus[i].gpr[7] >> 16;
    }
    is_u64(get32(&a, COUNTER), sum, "counter = sum of the vCPUs' successful stwcx. (no lost update)");
    ok(cedes > 4, "the vCPUs ceded and were woken (%llu times)", (unsigned long long)cedes);
    unsigned diffs = 0;
    for (unsigned i = 0; i < 4; i++)
        diffs += cpu_compare(&a.cpus[i], &b.cpus[i], stderr) + (a.cpus[i].stopped != b.cpus[i].stopped);
    is_u64(diffs, 0, "two runs: every vCPU's state identical (cpu_compare, idle/prod/VPA included)");
    ok(memcmp(a.mem.ram, b.mem.ram, 1 << 20) == 0, "and RAM");
    machine_down(&a);
    machine_down(&b);
}

/* ---- H_REGISTER_VPA and the small ones ------------------------------ */

static void test_vpa(void)
{
    struct machine m;
    machine_up(&m, 4);
    hcall_write_be32(&m, VPA + 4, 640u << 16);   /* u16 size at +4 */
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG, 9, VPA), H_PARAMETER, "no such vCPU: H_PARAMETER");
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, 0x1ull << 40, 0, VPA), H_PARAMETER, "unknown flags: H_PARAMETER");
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG, 0, 0), H_HARDWARE, "VPA at 0: H_HARDWARE (QEMU)");
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG, 0, VPA + 8), H_PARAMETER,
           "not cache-line aligned: H_PARAMETER");
    hcall_write_be32(&m, VPA + 4, 639u << 16);
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG, 0, VPA), H_PARAMETER, "size < 640: H_PARAMETER");
    hcall_write_be32(&m, VPA + 0xe00 + 4, 640u << 16);
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG, 0, VPA + 0xe00), H_PARAMETER,
           "crossing a page: H_PARAMETER");
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG_SLB, 0, VPA + 0x400), H_PARAMETER,
           "SLB shadow size < 8: H_PARAMETER");
    hcall_write_be32(&m, VPA + 0x404, 0x100);
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG_SLB, 0, VPA + 0x400), H_RESOURCE,
           "SLB shadow before a VPA: H_RESOURCE");
    hcall_write_be32(&m, VPA + 4, 640u << 16);
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG, 0, VPA), H_SUCCESS, "register the VPA");
    uint8_t shared = 0;
    memory_read(&m.mem, VPA + 9, &shared, 1);
    ok(shared & 2, "shared-processor bit set in the VPA");
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG_SLB, 0, VPA + 0x400), H_SUCCESS, "SLB shadow");
    hcall_write_be32(&m, VPA + 0x804, 47);
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG_DTL, 0, VPA + 0x800), H_PARAMETER,
           "DTL size < 48: H_PARAMETER");
    hcall_write_be32(&m, VPA + 0x804, 48);
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_REG_DTL, 0, VPA + 0x800), H_SUCCESS, "DTL");
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_DEREG, 0, 0), H_RESOURCE,
           "deregister the VPA with a DTL/SLB shadow: H_RESOURCE");
    is_i64(hcall_on(&m, 0, H_REGISTER_VPA, H_VPA_DEREG_DTL, 0, 0), H_SUCCESS, "deregister the DTL");

    /* dispatch counter: odd while ceded, even once woken */
    emit_at = 0x20000;
    emit(&m, asm_i(0, 0, 0));
    m.cpus[1].nip[0] = 0x20000;
    m.cpus[1].stopped = false;
    uint32_t before = get32(&m, VPA + 0x100);
    hcall_on(&m, 0, H_CEDE, 0, 0, 0);
    uint32_t during = get32(&m, VPA + 0x100);
    hcall_on(&m, 1, H_PROD, 0, 0, 0);
    is_u64(during, before + 1, "dispatch counter +1 (odd) on cede");
    is_u64(get32(&m, VPA + 0x100), before + 2, "and +1 (even) on wake");

    struct cpu *c = &m.cpus[0];
    is_i64(hcall_on(&m, 0, H_GET_CPU_CHARACTERISTICS, 0, 0, 0), H_SUCCESS, "H_GET_CPU_CHARACTERISTICS");
    ok(c->gpr[4] == (1ull << 58) && c->gpr[5] == ((1ull << 63) | (1ull << 56) | (1ull << 55)),
       "branch hints honoured; favour security, no L1-D flush needed");
    is_i64(hcall_on(&m, 0, H_RANDOM, 0, 0, 0), H_SUCCESS, "H_RANDOM");
    uint64_t r1 = c->gpr[4];
    hcall_on(&m, 0, H_RANDOM, 0, 0, 0);
    ok(r1 != c->gpr[4], "two H_RANDOM values differ");
    char err[256];
    ok(machine_build_fdt(&m, err, sizeof err) == 0 &&
       fdt_node_offset_by_compatible(m.guest_fdt, -1, "ibm,random-v1") >= 0,
       "the tree has the ibm,random-v1 node Linux's pseries rng looks for");
    machine_down(&m);
}

int main(void)
{
    test_rtas_smp();
    test_tb_sync();
    test_reservations();
    test_cede();
    test_signal_sys_reset();
    test_idle_skip();
    test_determinism();
    test_vpa();
    return tap_done();
}
