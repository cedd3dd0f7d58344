/*
 * Entry and interrupt vectors of the guest runtime (tests/guests/runtime).
 *
 * One image serves both boot paths: QEMU's pseries `-bios` (the flat file
 * loaded at physical 0, started at 0x100) and ppcrr's `-kernel` (the ELF
 * loaded at its addresses, started at e_entry = 0x100). Either way the CPU
 * starts big-endian in real mode with r3 = the device tree. QEMU 7.2 starts
 * with MSR = 0 (32-bit mode as the PowerPC binding to IEEE 1275 has it, and
 * not even ME; seen with -d cpu), ppcrr with MSR = SF|ME, so the first
 * instructions must work in both.
 *
 * The guests are little-endian code, so the first instructions are written
 * as big-endian words (BE_INSN) and switch the CPU to little-endian 64-bit
 * mode by rfid -- the trick Linux's FIXUP_ENDIAN uses: `tdi 0,0,0x48` is a
 * no-op when read little-endian and `b .+8` when read big-endian, so an
 * entry that is already little-endian skips the switch.
 *
 * Then, little-endian: TOC, stack, H_SET_MODE(LE) so that interrupts are
 * delivered little-endian too (the PAPR way: the hypervisor sets LPCR[ILE],
 * as Linux's pseries_little_endian_exceptions() asks), and rt_start() in C.
 *
 * The vectors: a stub every 0x20 bytes from 0x200 to 0xfe0 saves r13 in
 * SPRG2, puts its own address (the vector) in r13 and branches to
 * exc_common, which saves the whole state in a struct exc_frame and calls
 * exc_dispatch() (exception.c); the handler may change SRR0/SRR1 and the
 * saved registers, which are restored before rfid. SPRG0 is left alone
 * (the hcall guest owns it through H_SET_SPRG0); SPRG1-3 are scratch.
 */

#include "asm.h"

/* A big-endian instruction word in this little-endian object. */
.macro BE_INSN w
    .byte ((\w) >> 24) & 0xff, ((\w) >> 16) & 0xff, ((\w) >> 8) & 0xff, (\w) & 0xff
.endm

    /* Name the file symbol ourselves: otherwise it is the compiler's
     * random temporary object name, and the guest ELF (whose sha256
     * traces and snapshots record) would differ between builds. */
    .file "start.S"
    .section .head, "ax"
    .globl __head_start
__head_start:

    . = 0x100
    .globl _start
_start:
    tdi     0, 0, 0x48          /* big-endian: b .+8; little-endian: no-op */
    b       1f
    BE_INSN 0x7d8000a6          /* mfmsr   r12           (entry MSR, for rt_start) */
    BE_INSN 0x39600001          /* li      r11,1 */
    BE_INSN 0x796bf806          /* sldi    r11,r11,63    (MSR[SF]) */
    BE_INSN 0x616b1001          /* ori     r11,r11,0x1001 (MSR[ME] | MSR[LE]) */
    BE_INSN 0x429f0005          /* bcl     20,31,$+4 */
    BE_INSN 0x7d4802a6          /* mflr    r10 */
    BE_INSN 0x394a0014          /* addi    r10,r10,20    (the instruction after rfid) */
    BE_INSN 0x7d5a03a6          /* mtsrr0  r10 */
    BE_INSN 0x7d7b03a6          /* mtsrr1  r11 */
    BE_INSN 0x4c000024          /* rfid */
    b       2f
1:  /* Entered little-endian: make sure of 64-bit mode all the same. */
    mfmsr   12
    li      11, 1
    sldi    11, 11, 63
    or      11, 11, 12
    mtmsrd  11
2:  b       rt_entry_le

/* Interrupt vectors: every 0x20 bytes, the vector number is the address. */
.macro VECTOR addr
    . = \addr
    mtspr   SPRN_SPRG2, 13
    li      13, \addr
    b       exc_common
.endm

    .irp v, 0x200, 0x220, 0x240, 0x260, 0x280, 0x2a0, 0x2c0, 0x2e0, \
            0x300, 0x320, 0x340, 0x360, 0x380, 0x3a0, 0x3c0, 0x3e0, \
            0x400, 0x420, 0x440, 0x460, 0x480, 0x4a0, 0x4c0, 0x4e0, \
            0x500, 0x520, 0x540, 0x560, 0x580, 0x5a0, 0x5c0, 0x5e0, \
            0x600, 0x620, 0x640, 0x660, 0x680, 0x6a0, 0x6c0, 0x6e0, \
            0x700, 0x720, 0x740, 0x760, 0x780, 0x7a0, 0x7c0, 0x7e0, \
            0x800, 0x820, 0x840, 0x860, 0x880, 0x8a0, 0x8c0, 0x8e0, \
            0x900, 0x920, 0x940, 0x960, 0x980, 0x9a0, 0x9c0, 0x9e0, \
            0xa00, 0xa20, 0xa40, 0xa60, 0xa80, 0xaa0, 0xac0, 0xae0, \
            0xb00, 0xb20, 0xb40, 0xb60, 0xb80, 0xba0, 0xbc0, 0xbe0, \
            0xc00, 0xc20, 0xc40, 0xc60, 0xc80, 0xca0, 0xcc0, 0xce0, \
            0xd00, 0xd20, 0xd40, 0xd60, 0xd80, 0xda0, 0xdc0, 0xde0, \
            0xe00, 0xe20, 0xe40, 0xe60, 0xe80, 0xea0, 0xec0, 0xee0, \
            0xf00, 0xf20, 0xf40, 0xf60, 0xf80, 0xfa0, 0xfc0, 0xfe0
    VECTOR \v
    .endr
    . = 0x1000

    .text

/* Little-endian, 64-bit, real mode. r3 = FDT, r4/r5 as the loader gave
 * them, r12 = the MSR at entry if we came in big-endian. */
rt_entry_le:
    mr      31, 3               /* FDT */
    mr      30, 4               /* kernel base (ppcrr -kernel), 0 on QEMU -bios */
    mr      29, 12              /* entry MSR */
    LOAD_ADDR(2, .TOC.)
    LOAD_ADDR(1, __stack_top)
    li      0, 0
    stdu    0, -STACK_FRAME_MIN(1)
    /* H_SET_MODE(mflags = 1 little-endian, resource = 4 LE, 0, 0). */
    li      3, H_SET_MODE
    li      4, 1
    li      5, 4
    li      6, 0
    li      7, 0
    sc      1
    mr      6, 3                /* its return code */
    mr      3, 31
    mr      4, 30
    mr      5, 29
    bl      rt_start            /* does not return */
    nop
    b       .

/*
 * Secondary CPUs (RTAS start-cpu with start = rt_secondary_start, r3 = the
 * argument): they enter big-endian in real mode like the boot CPU, switch
 * to little-endian the same way, take a stack of their own (slot r3 & 0xff
 * of rt_cpu_stacks) and call rt_secondary_c(r3) (rt.c), which runs the
 * guest's rt_secondary_fn and stops the CPU with RTAS stop-self.
 */
    .balign 4
    .globl rt_secondary_start
rt_secondary_start:
    tdi     0, 0, 0x48
    b       1f
    BE_INSN 0x39600001          /* li      r11,1 */
    BE_INSN 0x796bf806          /* sldi    r11,r11,63 */
    BE_INSN 0x616b1001          /* ori     r11,r11,0x1001 */
    BE_INSN 0x429f0005          /* bcl     20,31,$+4 */
    BE_INSN 0x7d4802a6          /* mflr    r10 */
    BE_INSN 0x394a0014          /* addi    r10,r10,20 */
    BE_INSN 0x7d5a03a6          /* mtsrr0  r10 */
    BE_INSN 0x7d7b03a6          /* mtsrr1  r11 */
    BE_INSN 0x4c000024          /* rfid */
    b       2f
1:  mfmsr   12
    li      11, 1
    sldi    11, 11, 63
    or      11, 11, 12
    mtmsrd  11
2:  LOAD_ADDR(2, .TOC.)
    LOAD_ADDR(1, rt_cpu_stacks)
    andi.   11, 3, 0xff
    addi    11, 11, 1
    sldi    11, 11, RT_CPU_STACK_SHIFT
    add     1, 1, 11
    li      0, 0
    stdu    0, -STACK_FRAME_MIN(1)
    bl      rt_secondary_c      /* does not return */
    nop
    b       .

    .section .bss
    .balign 16
    .globl rt_cpu_stacks
rt_cpu_stacks:
    .space (RT_MAX_CPUS << RT_CPU_STACK_SHIFT)
    .text

/*
 * Common interrupt entry: r13 = vector, SPRG2 = the interrupted r13.
 * Supervisor state keeps its stack (below the ABI's 288-byte red zone);
 * problem state gets the exception stack, since its r1 is not ours to
 * trust.
 */
    .globl exc_common
exc_common:
    mtspr   SPRN_SPRG3, 12
    mfcr    12
    mtspr   SPRN_SPRG1, 1
    mfspr   1, SPRN_SRR1
    andi.   1, 1, MSR_PR
    mfspr   1, SPRN_SPRG1
    beq     1f
    LOAD_ADDR(1, __exc_stack_top)
1:  addi    1, 1, -(288 + EXC_STACK_FRAME)
    std     0, EF_GPR(0)(1)
    std     2, EF_GPR(2)(1)
    std     3, EF_GPR(3)(1)
    std     4, EF_GPR(4)(1)
    std     5, EF_GPR(5)(1)
    std     6, EF_GPR(6)(1)
    std     7, EF_GPR(7)(1)
    std     8, EF_GPR(8)(1)
    std     9, EF_GPR(9)(1)
    std     10, EF_GPR(10)(1)
    std     11, EF_GPR(11)(1)
    std     14, EF_GPR(14)(1)
    std     15, EF_GPR(15)(1)
    std     16, EF_GPR(16)(1)
    std     17, EF_GPR(17)(1)
    std     18, EF_GPR(18)(1)
    std     19, EF_GPR(19)(1)
    std     20, EF_GPR(20)(1)
    std     21, EF_GPR(21)(1)
    std     22, EF_GPR(22)(1)
    std     23, EF_GPR(23)(1)
    std     24, EF_GPR(24)(1)
    std     25, EF_GPR(25)(1)
    std     26, EF_GPR(26)(1)
    std     27, EF_GPR(27)(1)
    std     28, EF_GPR(28)(1)
    std     29, EF_GPR(29)(1)
    std     30, EF_GPR(30)(1)
    std     31, EF_GPR(31)(1)
    mfspr   0, SPRN_SPRG3
    std     0, EF_GPR(12)(1)
    mfspr   0, SPRN_SPRG2
    std     0, EF_GPR(13)(1)
    mfspr   0, SPRN_SPRG1
    std     0, EF_GPR(1)(1)
    std     0, 0(1)             /* back chain, for debuggers */
    std     12, EF_CR(1)
    mflr    0
    std     0, EF_LR(1)
    mfctr   0
    std     0, EF_CTR(1)
    mfxer   0
    std     0, EF_XER(1)
    mfspr   0, SPRN_SRR0
    std     0, EF_SRR0(1)
    mfspr   0, SPRN_SRR1
    std     0, EF_SRR1(1)
    mfspr   0, SPRN_DAR
    std     0, EF_DAR(1)
    mfspr   0, SPRN_DSISR
    std     0, EF_DSISR(1)
    std     13, EF_VECTOR(1)
    LOAD_ADDR(2, .TOC.)
    addi    3, 1, EF_BASE
    bl      exc_dispatch
    nop
    ld      0, EF_SRR0(1)
    mtspr   SPRN_SRR0, 0
    ld      0, EF_SRR1(1)
    mtspr   SPRN_SRR1, 0
    ld      0, EF_CR(1)
    mtcr    0
    ld      0, EF_LR(1)
    mtlr    0
    ld      0, EF_CTR(1)
    mtctr   0
    ld      0, EF_XER(1)
    mtxer   0
    ld      0, EF_GPR(0)(1)
    ld      2, EF_GPR(2)(1)
    ld      3, EF_GPR(3)(1)
    ld      4, EF_GPR(4)(1)
    ld      5, EF_GPR(5)(1)
    ld      6, EF_GPR(6)(1)
    ld      7, EF_GPR(7)(1)
    ld      8, EF_GPR(8)(1)
    ld      9, EF_GPR(9)(1)
    ld      10, EF_GPR(10)(1)
    ld      11, EF_GPR(11)(1)
    ld      12, EF_GPR(12)(1)
    ld      13, EF_GPR(13)(1)
    ld      14, EF_GPR(14)(1)
    ld      15, EF_GPR(15)(1)
    ld      16, EF_GPR(16)(1)
    ld      17, EF_GPR(17)(1)
    ld      18, EF_GPR(18)(1)
    ld      19, EF_GPR(19)(1)
    ld      20, EF_GPR(20)(1)
    ld      21, EF_GPR(21)(1)
    ld      22, EF_GPR(22)(1)
    ld      23, EF_GPR(23)(1)
    ld      24, EF_GPR(24)(1)
    ld      25, EF_GPR(25)(1)
    ld      26, EF_GPR(26)(1)
    ld      27, EF_GPR(27)(1)
    ld      28, EF_GPR(28)(1)
    ld      29, EF_GPR(29)(1)
    ld      30, EF_GPR(30)(1)
    ld      31, EF_GPR(31)(1)
    ld      1, EF_GPR(1)(1)
    rfid

/*
 * long user_call_asm(long (*fn)(long), long arg): runs fn(arg) in problem
 * state on the current stack and returns its result (user_call() in
 * exception.c maps the memory first: problem state implies MSR[IR|DR|EE]). fn returns through user_exit_sc, a `sc 0` that exc_dispatch
 * recognises; an interrupt taken in problem state that a test expects
 * comes back through user_resume with the value the handler chose.
 * Non-volatile registers, r1, r2 and LR are kept in user_ctx meanwhile.
 */
    .globl user_call_asm
user_call_asm:
    mflr    0
    LOAD_ADDR(11, user_ctx)
    std     0, 0(11)
    std     1, 8(11)
    std     2, 16(11)
    mfcr    0
    std     0, 24(11)
    std     14, 32(11)
    std     15, 40(11)
    std     16, 48(11)
    std     17, 56(11)
    std     18, 64(11)
    std     19, 72(11)
    std     20, 80(11)
    std     21, 88(11)
    std     22, 96(11)
    std     23, 104(11)
    std     24, 112(11)
    std     25, 120(11)
    std     26, 128(11)
    std     27, 136(11)
    std     28, 144(11)
    std     29, 152(11)
    std     30, 160(11)
    std     31, 168(11)
    mfmsr   0
    std     0, USER_CTX_MSR(11)  /* the MSR to come back to */
    ori     0, 0, MSR_PR
    mtspr   SPRN_SRR1, 0
    mtspr   SPRN_SRR0, 3
    mr      12, 3               /* ELFv2: r12 = the global entry address */
    mr      3, 4
    LOAD_ADDR(0, user_exit_sc)
    mtlr    0
    addi    1, 1, -(288 + 32)   /* below our frame and its red zone */
    rfid

    .globl user_exit_sc
user_exit_sc:
    sc      0
    b       .

/* Reached by rfid from exc_dispatch, in supervisor state, r3 = result. */
    .globl user_resume
user_resume:
    LOAD_ADDR(11, user_ctx)
    ld      0, 0(11)
    mtlr    0
    ld      1, 8(11)
    ld      2, 16(11)
    ld      0, 24(11)
    mtcr    0
    ld      14, 32(11)
    ld      15, 40(11)
    ld      16, 48(11)
    ld      17, 56(11)
    ld      18, 64(11)
    ld      19, 72(11)
    ld      20, 80(11)
    ld      21, 88(11)
    ld      22, 96(11)
    ld      23, 104(11)
    ld      24, 112(11)
    ld      25, 120(11)
    ld      26, 128(11)
    ld      27, 136(11)
    ld      28, 144(11)
    ld      29, 152(11)
    ld      30, 160(11)
    ld      31, 168(11)
    blr

    .section .bss
    .balign 8
    .globl user_ctx
user_ctx:
    .space USER_CTX_SIZE
