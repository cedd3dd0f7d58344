/*
 * Constants shared by the runtime's assembly (start.S) and its C code:
 * SPR numbers, MSR bits, hcall numbers the entry code needs, and the
 * layout of the interrupt frame (struct exc_frame in runtime.h checks
 * itself against these offsets).
 */
#ifndef GUEST_RUNTIME_ASM_H
#define GUEST_RUNTIME_ASM_H

#define SPRN_XER 1
#define SPRN_DSISR 18
#define SPRN_DAR 19
#define SPRN_DEC 22
#define SPRN_SRR0 26
#define SPRN_SRR1 27
#define SPRN_SPRG0 272
#define SPRN_SPRG1 273
#define SPRN_SPRG2 274
#define SPRN_SPRG3 275
#define SPRN_PVR 287

/* MSR bits (IBM bit n is 1 << (63 - n)). */
#define MSR_SF_BIT 63
#define MSR_EE 0x8000
#define MSR_PR 0x4000
#define MSR_FP 0x2000
#define MSR_ME 0x1000
#define MSR_IR 0x20
#define MSR_DR 0x10
#define MSR_RI 0x2
#define MSR_LE 0x1

#define H_SET_MODE 0x31c

/* ELFv2: back chain, CR save, LR save, TOC save. */
#define STACK_FRAME_MIN 32

/* struct exc_frame, placed after a minimal frame for the C call. */
#define EF_BASE STACK_FRAME_MIN
#define EF_GPR(n) (EF_BASE + 8 * (n))
#define EF_CR (EF_BASE + 256)
#define EF_LR (EF_BASE + 264)
#define EF_CTR (EF_BASE + 272)
#define EF_XER (EF_BASE + 280)
#define EF_SRR0 (EF_BASE + 288)
#define EF_SRR1 (EF_BASE + 296)
#define EF_DAR (EF_BASE + 304)
#define EF_DSISR (EF_BASE + 312)
#define EF_VECTOR (EF_BASE + 320)
#define EXC_FRAME_SIZE 336
#define EXC_STACK_FRAME (STACK_FRAME_MIN + EXC_FRAME_SIZE)

/* user_call's save area: LR, r1, r2, CR, r14-r31, the MSR. */
#define USER_CTX_MSR 176
#define USER_CTX_SIZE 184

/* Secondary CPUs' stacks (start.S): RT_MAX_CPUS of 16 KiB. */
#define RT_MAX_CPUS 8
#define RT_CPU_STACK_SHIFT 14

#ifdef __ASSEMBLER__
/* An absolute address below 2 GiB (the guests are linked at 0); works
 * for r0 too, unlike an addis/addi pair. */
#define LOAD_ADDR(r, sym) lis r, (sym)@h; ori r, r, (sym)@l
#endif

#endif
