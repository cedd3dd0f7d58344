/*
 * Interrupts in C: start.S saves the state in a struct exc_frame and calls
 * exc_dispatch(), which returns from user_call (the problem-state helper),
 * records an interrupt a test armed with exc_expect(), runs a handler set
 * with exc_set_handler(), or stops the guest with a Bail out! naming the
 * vector, SRR0, SRR1, DAR and DSISR -- an unexpected interrupt is a test
 * failure, never something to step over. (A guest may take some of them
 * itself with exc_set_stray(), to report them as failures and go on.)
 */
#include "runtime.h"

#include <stddef.h>

_Static_assert(offsetof(struct exc_frame, cr) == EF_CR - EF_BASE, "frame layout");
_Static_assert(offsetof(struct exc_frame, srr0) == EF_SRR0 - EF_BASE, "frame layout");
_Static_assert(offsetof(struct exc_frame, dsisr) == EF_DSISR - EF_BASE, "frame layout");
_Static_assert(offsetof(struct exc_frame, vector) == EF_VECTOR - EF_BASE, "frame layout");
_Static_assert(sizeof(struct exc_frame) == EXC_FRAME_SIZE, "frame layout");

struct exc_frame exc_last;
unsigned exc_count;

static exc_handler_fn handlers[0x1000 / 0x20];
static bool (*stray)(struct exc_frame *f);
static unsigned expect_vector;
static bool expect_armed, expect_hit;

void exc_dispatch(struct exc_frame *f);

void exc_set_handler(unsigned vector, exc_handler_fn fn)
{
    handlers[(vector & 0xfff) / 0x20] = fn;
}

void exc_set_stray(bool (*fn)(struct exc_frame *f))
{
    stray = fn;
}

void exc_expect(unsigned vector)
{
    memset(&exc_last, 0, sizeof(exc_last));   /* no stale frame if none comes */
    expect_vector = vector;
    expect_armed = true;
    expect_hit = false;
}

bool exc_taken(void)
{
    bool hit = expect_hit;
    expect_armed = expect_hit = false;
    return hit;
}

/* Interrupts whose SRR0 already points past the instruction (or at the
 * next one to run): asynchronous ones, system call, trace. */
static bool srr0_is_next(unsigned vector)
{
    switch (vector) {
    case 0x100: case 0x500: case 0x900: case 0x980: case 0xa00:
    case 0xc00: case 0xd00: case 0xe60: case 0xe80: case 0xea0: case 0xf00:
        return true;
    default:
        return false;
    }
}

/* Back to user_call's caller, in supervisor state, returning VALUE. */
static void resume_kernel(struct exc_frame *f, uint64_t value)
{
    f->srr0 = (uintptr_t)user_resume;
    f->srr1 = user_ctx[USER_CTX_MSR / 8];
    f->gpr[3] = value;
}

void exc_dispatch(struct exc_frame *f)
{
    unsigned v = (unsigned)f->vector;
    bool from_user = f->srr1 & MSR_PR;
    exc_count++;
    if (v == 0xc00 && from_user && f->srr0 == (uintptr_t)user_exit_sc + 4) {
        resume_kernel(f, f->gpr[3]);
        return;
    }
    if (expect_armed && !expect_hit && v == expect_vector) {
        exc_last = *f;
        expect_hit = true;
        if (from_user) {
            resume_kernel(f, (uint64_t)USER_FAULTED);
            return;
        }
        if (handlers[v / 0x20])
            handlers[v / 0x20](f);
        else if (!srr0_is_next(v))
            f->srr0 += 4;
        return;
    }
    if (handlers[v / 0x20]) {
        handlers[v / 0x20](f);
        return;
    }
    if (stray && stray(f))
        return;
    rt_panic("unexpected interrupt 0x%x at SRR0 0x%lx, SRR1 0x%lx, DAR 0x%lx, DSISR 0x%lx, LR 0x%lx",
             v, (unsigned long)f->srr0, (unsigned long)f->srr1, (unsigned long)f->dar,
             (unsigned long)f->dsisr, (unsigned long)f->lr);
}

const char *user_mode_missing(void)
{
    static int state;     /* 0 unknown, 1 available, 2 missing */
    if (!state)
        state = mmu_map_identity() == H_SUCCESS ? 1 : 2;
    return state == 1 ? NULL : "problem state needs the hash MMU (H_ENTER), not in this emulator yet";
}

long user_call(long (*fn)(long), long arg)
{
    long rc = mmu_map_identity();
    if (rc != H_SUCCESS) {
        /* A failed test, not a bail-out: the guest's other checks still run. */
        tap_diag("cannot map memory for problem state: H_ENTER returned %ld", rc);
        return USER_NO_MMU;
    }
    mtspr(SPRN_DEC, 0x7fffffff);
    return user_call_asm(fn, arg);
}
