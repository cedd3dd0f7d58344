/* Instruction encoders and the test machine (guest_asm.h). */
#include "tests/common/guest_asm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OP(op) ((uint32_t)(op) << 26)
#define F5(v, shift) (((uint32_t)(v) & 31) << (shift))

uint32_t asm_i(int32_t li, unsigned aa, unsigned lk)
{
    return OP(18) | ((uint32_t)li & 0x03fffffc) | (aa & 1) << 1 | (lk & 1);
}

uint32_t asm_b(unsigned bo, unsigned bi, int32_t bd, unsigned aa, unsigned lk)
{
    return OP(16) | F5(bo, 21) | F5(bi, 16) | ((uint32_t)bd & 0xfffc) | (aa & 1) << 1 | (lk & 1);
}

uint32_t asm_sc(unsigned lev) { return OP(17) | (lev & 0x7f) << 5 | 2; }

uint32_t asm_d(unsigned op, unsigned rt, unsigned ra, uint32_t imm16)
{
    return OP(op) | F5(rt, 21) | F5(ra, 16) | (imm16 & 0xffff);
}

uint32_t asm_ds(unsigned op, unsigned rt, unsigned ra, int32_t ds, unsigned xo)
{
    return OP(op) | F5(rt, 21) | F5(ra, 16) | ((uint32_t)ds & 0xfffc) | (xo & 3);
}

uint32_t asm_x(unsigned op, unsigned rt, unsigned ra, unsigned rb, unsigned xo, unsigned rc)
{
    return OP(op) | F5(rt, 21) | F5(ra, 16) | F5(rb, 11) | (xo & 0x3ff) << 1 | (rc & 1);
}

uint32_t asm_xl(unsigned op, unsigned bt, unsigned ba, unsigned bb, unsigned xo, unsigned lk)
{
    return asm_x(op, bt, ba, bb, xo, lk);
}

uint32_t asm_xfx_spr(unsigned op, unsigned rt, unsigned spr, unsigned xo)
{
    return OP(op) | F5(rt, 21) | F5(spr & 31, 16) | F5(spr >> 5, 11) | (xo & 0x3ff) << 1;
}

uint32_t asm_xo(unsigned op, unsigned rt, unsigned ra, unsigned rb, unsigned oe, unsigned xo, unsigned rc)
{
    return OP(op) | F5(rt, 21) | F5(ra, 16) | F5(rb, 11) | (oe & 1) << 10 | (xo & 0x1ff) << 1 | (rc & 1);
}

uint32_t asm_xs(unsigned op, unsigned rs, unsigned ra, unsigned sh6, unsigned xo, unsigned rc)
{
    return OP(op) | F5(rs, 21) | F5(ra, 16) | F5(sh6, 11) | (xo & 0x1ff) << 2 | ((sh6 >> 5) & 1) << 1 | (rc & 1);
}

uint32_t asm_a(unsigned op, unsigned rt, unsigned ra, unsigned rb, unsigned bc, unsigned xo, unsigned rc)
{
    return OP(op) | F5(rt, 21) | F5(ra, 16) | F5(rb, 11) | F5(bc, 6) | (xo & 31) << 1 | (rc & 1);
}

uint32_t asm_m(unsigned op, unsigned rs, unsigned ra, unsigned sh, unsigned mb, unsigned me, unsigned rc)
{
    return OP(op) | F5(rs, 21) | F5(ra, 16) | F5(sh, 11) | F5(mb, 6) | F5(me, 1) | (rc & 1);
}

/* MD/MDS put bit 5 of mb (and of sh) after the low five bits. */
uint32_t asm_md(unsigned op, unsigned rs, unsigned ra, unsigned sh6, unsigned mb6, unsigned xo, unsigned rc)
{
    return OP(op) | F5(rs, 21) | F5(ra, 16) | F5(sh6, 11) | F5(mb6, 6) | (mb6 & 32) | (xo & 7) << 2 |
           ((sh6 >> 5) & 1) << 1 | (rc & 1);
}

uint32_t asm_mds(unsigned op, unsigned rs, unsigned ra, unsigned rb, unsigned mb6, unsigned xo, unsigned rc)
{
    return OP(op) | F5(rs, 21) | F5(ra, 16) | F5(rb, 11) | F5(mb6, 6) | (mb6 & 32) | (xo & 15) << 1 | (rc & 1);
}

uint32_t asm_li(unsigned rt, int16_t v) { return asm_d(14, rt, 0, (uint16_t)v); }
uint32_t asm_mtspr(unsigned spr, unsigned rs) { return asm_xfx_spr(31, rs, spr, 467); }
uint32_t asm_mfspr(unsigned rt, unsigned spr) { return asm_xfx_spr(31, rt, spr, 339); }
uint32_t asm_attn(void) { return OP(0) | 256 << 1; }

void tg_init(struct test_guest *g, uint64_t ram_size, bool little_endian)
{
    memset(g, 0, sizeof *g);
    if (memory_init(&g->mem, ram_size) < 0)
        abort();
    cpu_init(&g->cpu, &g->mem, 0);
    g->cpu.nip[0] = TG_CODE;
    g->little_endian = little_endian;
    if (little_endian)
        g->cpu.msr[0] |= MSR_LE;
    g->emit_at = TG_CODE;
}

void tg_destroy(struct test_guest *g)
{
    cpu_destroy(&g->cpu);
    memory_destroy(&g->mem);
}

void tg_emit(struct test_guest *g, uint32_t word)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(word >> (g->little_endian ? 8 * i : 24 - 8 * i));
    memory_write(&g->mem, g->emit_at, b, 4);
    g->emit_at += 4;
}

void tg_load_imm64(struct test_guest *g, unsigned rt, uint64_t v)
{
    tg_emit(g, asm_d(15, rt, 0, (uint32_t)(v >> 48)));          /* lis rt,v[0:15] */
    tg_emit(g, asm_d(24, rt, rt, (uint32_t)(v >> 32)));         /* ori rt,rt,v[16:31] */
    tg_emit(g, asm_md(30, rt, rt, 32, 31, 1, 0));               /* rldicr rt,rt,32,31 */
    tg_emit(g, asm_d(25, rt, rt, (uint32_t)(v >> 16)));         /* oris rt,rt,v[32:47] */
    tg_emit(g, asm_d(24, rt, rt, (uint32_t)v));                 /* ori rt,rt,v[48:63] */
}

enum cpu_stop tg_run(struct test_guest *g, uint64_t max)
{
    return cpu_run(&g->cpu, max);
}

bool tg_load_flat(struct test_guest *g, const char *path, uint64_t addr)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    uint8_t buf[65536];
    size_t n, at = 0;
    bool fits = true;
    while (fits && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        fits = memory_write(&g->mem, addr + at, buf, n);
        at += n;
    }
    fclose(f);
    g->cpu.nip[0] = addr;
    g->cpu.gpr[12] = addr;
    return fits && at > 0;
}
