/*
 * Building small guest programs inside C tests: instruction encoders by
 * form (field order as the ISA writes the operands) and a test machine
 * (RAM + one vCPU) that runs code placed at a known address until `attn`.
 *
 * Encoders take operands as the assembler does: asm_d(14, 3, 0, 5) is
 * `addi r3,0,5`. tests/unit/test_cpu_decode.c checks a sample of them
 * against the cross assembler's encodings.
 */
#ifndef PPCRR_TESTS_GUEST_ASM_H
#define PPCRR_TESTS_GUEST_ASM_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/cpu/cpu.h"

uint32_t asm_i(int32_t li, unsigned aa, unsigned lk);                       /* b */
uint32_t asm_b(unsigned bo, unsigned bi, int32_t bd, unsigned aa, unsigned lk); /* bc */
uint32_t asm_sc(unsigned lev);
uint32_t asm_d(unsigned op, unsigned rt, unsigned ra, uint32_t imm16);
uint32_t asm_ds(unsigned op, unsigned rt, unsigned ra, int32_t ds, unsigned xo);
uint32_t asm_x(unsigned op, unsigned rt, unsigned ra, unsigned rb, unsigned xo, unsigned rc);
uint32_t asm_xl(unsigned op, unsigned bt, unsigned ba, unsigned bb, unsigned xo, unsigned lk);
uint32_t asm_xfx_spr(unsigned op, unsigned rt, unsigned spr, unsigned xo);
uint32_t asm_xo(unsigned op, unsigned rt, unsigned ra, unsigned rb, unsigned oe, unsigned xo, unsigned rc);
uint32_t asm_xs(unsigned op, unsigned rs, unsigned ra, unsigned sh6, unsigned xo, unsigned rc);
uint32_t asm_a(unsigned op, unsigned rt, unsigned ra, unsigned rb, unsigned bc, unsigned xo, unsigned rc);
uint32_t asm_m(unsigned op, unsigned rs, unsigned ra, unsigned sh, unsigned mb, unsigned me, unsigned rc);
uint32_t asm_md(unsigned op, unsigned rs, unsigned ra, unsigned sh6, unsigned mb6, unsigned xo, unsigned rc);
uint32_t asm_mds(unsigned op, unsigned rs, unsigned ra, unsigned rb, unsigned mb6, unsigned xo, unsigned rc);

/* A few common instructions by name. */
uint32_t asm_li(unsigned rt, int16_t v);             /* addi rt,0,v */
uint32_t asm_mtspr(unsigned spr, unsigned rs);
uint32_t asm_mfspr(unsigned rt, unsigned spr);
uint32_t asm_attn(void);

/* A machine for tests: RAM from 0, one vCPU, code at TG_CODE. */
#define TG_CODE 0x10000ull
#define TG_DATA 0x80000ull

struct test_guest {
    struct guest_memory mem;
    struct cpu cpu;
    uint64_t emit_at;      /* where tg_emit puts the next word */
    bool little_endian;    /* byte order code is emitted (and run) in */
};

/* RAM_SIZE bytes of RAM; the CPU is reset at TG_CODE in 64-bit real mode,
 * supervisor state, big-endian unless LITTLE_ENDIAN. */
void tg_init(struct test_guest *g, uint64_t ram_size, bool little_endian);
void tg_destroy(struct test_guest *g);
void tg_emit(struct test_guest *g, uint32_t word);
/* Emits code that loads any 64-bit constant into RT (5 instructions). */
void tg_load_imm64(struct test_guest *g, unsigned rt, uint64_t value);
/* Loads a flat binary (objcopy -O binary) at ADDR and points the CPU at it
 * with r12 = ADDR, as the ELFv2 global entry convention expects. */
bool tg_load_flat(struct test_guest *g, const char *path, uint64_t addr);
/* Runs until attn or MAX instructions; returns why it stopped. */
enum cpu_stop tg_run(struct test_guest *g, uint64_t max);

#endif
