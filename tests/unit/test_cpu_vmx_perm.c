/*
 * Tests of the VMX permute/load/store family (emu/cpu/insn_vmx_perm.c):
 * decoding of every row from binutils encodings and the reserved fields;
 * the element order of every load and store form in both byte orders (a
 * known byte pattern in memory -> exact register contents and back), with
 * the alignment each applies; lvsl/lvsr for all 16 alignments; the
 * unaligned-load idiom (lvx, lvx, lvsl/lvsr, vperm) in both byte orders;
 * permute, select, shift, splat, merge, pack (with VSCR[SAT]) and unpack
 * on hand-computed cases; the VSCR moves; and the VMX unavailable
 * interrupt (0xf20) with MSR[VEC] = 0.
 *
 * Expected values come from the Power ISA 2.07 Book I ch. 6 pseudocode,
 * worked by hand; register values are written ISA-style (doubleword 0,
 * the most significant, first). The element loads and stores, lvsl and
 * lvsr were also run under QEMU 7.2 (-cpu power8; qemu-ppc64le for
 * little-endian, qemu-ppc64 for big-endian, small programs not in the
 * repo) at every offset: the same register and memory contents.
 */
#include "tests/tap.h"

#include <string.h>

#include "emu/cpu/insn.h"
#include "tests/common/guest_asm.h"

#define RAM_SIZE 0x100000ull
#define DATA TG_DATA
#define OUT (TG_DATA + 0x100)

static struct test_guest g;
static const char *order_name[2] = { "BE", "LE" };

/* ---- encoders ---- */

static uint32_t x31(unsigned xo, unsigned vrt, unsigned ra, unsigned rb) { return asm_x(31, vrt, ra, rb, xo, 0); }
/* Macros, so that the case tables below can use them as constants. */
#define vx(xo, t, a, b) ((uint32_t)(4u << 26 | (t) << 21 | (a) << 16 | (b) << 11 | (xo)))
#define va(xo, t, a, b, c) ((uint32_t)(4u << 26 | (t) << 21 | (a) << 16 | (b) << 11 | (c) << 6 | (xo)))

enum { LVEBX = 7, LVEHX = 39, LVEWX = 71, LVX = 103, LVXL = 359, STVEBX = 135, STVEHX = 167,
       STVEWX = 199, STVX = 231, STVXL = 487, LVSL = 6, LVSR = 38 };

/* ---- the test machine ---- */

static uint64_t msr_of(int le) { return MSR_SF | MSR_ME | (le ? MSR_LE : 0); }

/* Memory byte k of DATA: a pattern where every byte says where it is. */
static uint8_t mem_byte(unsigned k) { return (uint8_t)(0xa0 + k); }

/* A fresh machine in byte order LE with MSR[VEC] on, r4 = DATA, 64 bytes
 * of pattern at DATA, 0xee at OUT, every VR 0x55. */
static void fresh(int le)
{
    tg_init(&g, RAM_SIZE, le != 0);
    g.cpu.msr[0] |= MSR_VEC;
    g.cpu.gpr[4] = DATA;
    uint8_t b[64];
    for (unsigned k = 0; k < sizeof b; k++)
        b[k] = mem_byte(k);
    memory_write(&g.mem, DATA, b, sizeof b);
    memset(b, 0xee, sizeof b);
    memory_write(&g.mem, OUT, b, sizeof b);
    for (unsigned n = 64; n < 128; n++)
        g.cpu.vsr[n] = 0x5555555555555555ull;
}

static bool run(void)
{
    tg_emit(&g, asm_attn());
    return tg_run(&g, 1000) == CPU_STOP_ATTN;
}

static void step(uint32_t insn)
{
    tg_emit(&g, insn);
    tg_run(&g, 1);
}

static uint64_t vr_hi(unsigned n) { return g.cpu.vsr[2 * (32 + n)]; }
static uint64_t vr_lo(unsigned n) { return g.cpu.vsr[2 * (32 + n) + 1]; }
static void set_vr(unsigned n, uint64_t hi, uint64_t lo)
{
    g.cpu.vsr[2 * (32 + n)] = hi;
    g.cpu.vsr[2 * (32 + n) + 1] = lo;
}

/* ISA byte I of VR N. */
static uint8_t vr_byte(unsigned n, unsigned i)
{
    uint64_t d = i < 8 ? vr_hi(n) : vr_lo(n);
    return (uint8_t)(d >> (56 - 8 * (i & 7)));
}

static void check_vr(unsigned n, uint64_t hi, uint64_t lo, const char *what, int le)
{
    is_u64(vr_hi(n), hi, "%s %s: doubleword 0", order_name[le], what);
    is_u64(vr_lo(n), lo, "%s %s: doubleword 1", order_name[le], what);
}

static void read_out(uint8_t *b, unsigned len)
{
    if (!memory_read(&g.mem, OUT, b, len))
        tap_bail("memory_read");
}

/* ---- decoding ---- */

/* binutils 2.40 (powerpc64le-linux-gnu-as -mpower8), operands 1,2,3(,4)
 * or as written. */
static const struct {
    uint32_t word;
    const char *row;
} binutils[] = {
    { 0x7c2218ce, "lvx" },      { 0x7c221ace, "lvxl" },     { 0x7c22180e, "lvebx" },
    { 0x7c22184e, "lvehx" },    { 0x7c22188e, "lvewx" },    { 0x7c2219ce, "stvx" },
    { 0x7c221bce, "stvxl" },    { 0x7c22190e, "stvebx" },   { 0x7c22194e, "stvehx" },
    { 0x7c22198e, "stvewx" },   { 0x7c22180c, "lvsl" },     { 0x7c22184c, "lvsr" },
    { 0x1022192b, "vperm" },    { 0x1022192a, "vsel" },     { 0x1022196c, "vsldoi" },  /* sh 5 */
    { 0x1023120c, "vspltb" },   { 0x1023124c, "vsplth" },   { 0x1023128c, "vspltw" },  /* v1,v2,3 */
    { 0x103d030c, "vspltisb" }, { 0x103d034c, "vspltish" }, { 0x103d038c, "vspltisw" }, /* v1,-3 */
    { 0x1022180c, "vmrghb" },   { 0x1022184c, "vmrghh" },   { 0x1022188c, "vmrghw" },
    { 0x1022190c, "vmrglb" },   { 0x1022194c, "vmrglh" },   { 0x1022198c, "vmrglw" },
    { 0x10200604, "mfvscr" },   { 0x10001644, "mtvscr" },   { 0x10221f8c, "vmrgew" },
    { 0x10221e8c, "vmrgow" },   { 0x1022180e, "vpkuhum" },  { 0x1022184e, "vpkuwum" },
    { 0x10221c4e, "vpkudum" },  { 0x1022188e, "vpkuhus" },  { 0x102218ce, "vpkuwus" },
    { 0x10221cce, "vpkudus" },  { 0x1022190e, "vpkshus" },  { 0x1022194e, "vpkswus" },
    { 0x10221d4e, "vpksdus" },  { 0x1022198e, "vpkshss" },  { 0x102219ce, "vpkswss" },
    { 0x10221dce, "vpksdss" },  { 0x10221b0e, "vpkpx" },    { 0x10201a0e, "vupkhsb" }, /* v1,v3 */
    { 0x10201a4e, "vupkhsh" },  { 0x10201e4e, "vupkhsw" },  { 0x10201a8e, "vupklsb" },
    { 0x10201ace, "vupklsh" },  { 0x10201ece, "vupklsw" },  { 0x10201b4e, "vupkhpx" },
    { 0x10201bce, "vupklpx" },  { 0x1022192d, "vpermxor" },
};
#define N_BINUTILS (sizeof binutils / sizeof binutils[0])

static void test_decode(void)
{
    unsigned bad = 0;
    for (size_t i = 0; i < N_BINUTILS; i++) {
        const struct insn_def *d = decode_word(binutils[i].word);
        if (!d || strcmp(d->mnemonic, binutils[i].row) != 0 || (binutils[i].word & d->reserved)) {
            tap_diag("%08x (%s) decodes as %s", binutils[i].word, binutils[i].row, d ? d->mnemonic : "nothing");
            bad++;
        }
    }
    is_u64(bad, 0, "%u binutils encodings decode to their rows, reserved bits clear", (unsigned)N_BINUTILS);
    is_u64(vx(780, 1, 29, 0), 0x103d030c, "encoder vx matches binutils (vspltisb v1,-3)");
    is_u64(va(44, 1, 2, 3, 5), 0x1022196c, "encoder va matches binutils (vsldoi v1,v2,v3,5)");
    is_u64(x31(LVX, 1, 2, 3), 0x7c2218ce, "encoder x31 matches binutils (lvx v1,r2,r3)");

    /* Reserved fields: a word with one set is an invalid form. */
    const struct { uint32_t word; const char *what; } reserved[] = {
        { 0x1023120c | 1u << 20, "vspltb with bit 11 set" },
        { 0x1023124c | 1u << 19, "vsplth with bit 12 set" },
        { 0x1023128c | 1u << 18, "vspltw with bit 13 set" },
        { 0x103d030c | 1u << 11, "vspltisb with VRB" },
        { 0x103d038c | 1u << 15, "vspltisw with VRB" },
        { 0x10201a0e | 2u << 16, "vupkhsb with VRA" },
        { 0x10201bce | 1u << 20, "vupklpx with VRA" },
        { 0x1022196c | 1u << 10, "vsldoi with bit 21 set" },
        { 0x10200604 | 1u << 16, "mfvscr with VRA" },
        { 0x10200604 | 1u << 11, "mfvscr with VRB" },
        { 0x10001644 | 1u << 21, "mtvscr with VRT" },
        { 0x10001644 | 1u << 16, "mtvscr with VRA" },
        { 0x7c2218ce | 1u, "lvx with bit 31 set" },
        { 0x7c2219ce | 1u, "stvx with bit 31 set" },
    };
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        const struct insn_def *d = decode_word(reserved[i].word);
        ok(d && (reserved[i].word & d->reserved), "%s: invalid form", reserved[i].what);
    }
    /* And as run: an illegal instruction program interrupt. */
    fresh(1);
    step(0x10201a0e | 2u << 16);
    is_u64(g.cpu.nip[0], 0x700, "vupkhsb with VRA runs as an illegal instruction");
    tg_destroy(&g);
}

/* ---- loads and stores ---- */

/* ISA byte of the quadword lvx sees that memory byte K (0..15 from the
 * aligned address) lands in: K big-endian, 15-K little-endian (6.7.2). */
static unsigned isa_pos(unsigned k, int le) { return le ? 15 - k : k; }

static void test_lvx_stvx(void)
{
    static const struct { uint64_t hi, lo; } want[2] = {
        { 0xa0a1a2a3a4a5a6a7ull, 0xa8a9aaabacadaeafull },   /* BE: the byte at EA is byte 0 */
        { 0xafaeadacabaaa9a8ull, 0xa7a6a5a4a3a2a1a0ull },   /* LE: the byte at EA+15 is byte 0 */
    };
    for (int le = 0; le < 2; le++) {
        for (unsigned xo = 0; xo < 2; xo++) {
            const char *name = xo ? "lvxl" : "lvx";
            for (unsigned off = 0; off < 16; off += 5) {
                fresh(le);
                g.cpu.gpr[5] = off;                 /* aligned down to DATA */
                tg_emit(&g, x31(xo ? LVXL : LVX, 7, 4, 5));
                ok(run(), "%s %s offset %u runs", order_name[le], name, off);
                char what[64];
                snprintf(what, sizeof what, "%s at DATA+%u", name, off);
                check_vr(7, want[le].hi, want[le].lo, what, le);
                tg_destroy(&g);
            }
            /* And back: stvx(l) writes the same 16 bytes, aligned down. */
            fresh(le);
            set_vr(9, want[le].hi, want[le].lo);
            g.cpu.gpr[4] = OUT;
            g.cpu.gpr[5] = 0x1b;                    /* OUT+0x1b -> OUT+0x10 */
            tg_emit(&g, x31(xo ? STVXL : STVX, 9, 4, 5));
            ok(run(), "%s st%s runs", order_name[le], name + 1);
            uint8_t out[48], expect[48];
            read_out(out, sizeof out);
            memset(expect, 0xee, sizeof expect);
            for (unsigned k = 0; k < 16; k++)
                expect[16 + k] = mem_byte(k);
            is_mem(out, expect, sizeof out, "%s st%s: memory as lvx read it, at the aligned address", order_name[le], name + 1);
            tg_destroy(&g);
        }
    }
}

/* Literal cases for the element loads (VRT 0x55 before). */
static void test_element_literals(void)
{
    static const struct {
        int le;
        unsigned xo, off;
        uint64_t hi, lo;
        const char *what;
    } cases[] = {
        { 0, LVEBX, 1, 0x55a1555555555555ull, 0x5555555555555555ull, "lvebx DATA+1" },
        { 1, LVEBX, 1, 0x5555555555555555ull, 0x555555555555a155ull, "lvebx DATA+1" },
        { 0, LVEHX, 3, 0x5555a2a355555555ull, 0x5555555555555555ull, "lvehx DATA+3 (aligned to +2)" },
        { 1, LVEHX, 3, 0x5555555555555555ull, 0x55555555a3a25555ull, "lvehx DATA+3 (aligned to +2)" },
        { 0, LVEWX, 6, 0x55555555a4a5a6a7ull, 0x5555555555555555ull, "lvewx DATA+6 (aligned to +4)" },
        { 1, LVEWX, 6, 0x5555555555555555ull, 0xa7a6a5a455555555ull, "lvewx DATA+6 (aligned to +4)" },
        { 0, LVEWX, 12, 0x5555555555555555ull, 0x55555555acadaeafull, "lvewx DATA+12" },
        { 1, LVEWX, 12, 0xafaeadac55555555ull, 0x5555555555555555ull, "lvewx DATA+12" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fresh(cases[i].le);
        g.cpu.gpr[5] = cases[i].off;
        tg_emit(&g, x31(cases[i].xo, 3, 4, 5));
        ok(run(), "%s %s runs", order_name[cases[i].le], cases[i].what);
        check_vr(3, cases[i].hi, cases[i].lo, cases[i].what, cases[i].le);
        tg_destroy(&g);
    }
}

/* Every element load and store at every offset: only the addressed
 * element moves, to or from the ISA byte positions of lvx's view. */
static void test_element_all(void)
{
    static const struct { unsigned load, store, size; const char *name; } forms[] = {
        { LVEBX, STVEBX, 1, "b" }, { LVEHX, STVEHX, 2, "h" }, { LVEWX, STVEWX, 4, "w" },
    };
    for (int le = 0; le < 2; le++) {
        for (size_t f = 0; f < 3; f++) {
            unsigned size = forms[f].size, bad_load = 0, bad_store = 0;
            for (unsigned off = 0; off < 16; off++) {
                unsigned ea = off & ~(size - 1);
                /* Load: VR3 was 0x55 everywhere. */
                fresh(le);
                g.cpu.gpr[5] = off;
                tg_emit(&g, x31(forms[f].load, 3, 4, 5));
                run();
                uint8_t want[16];
                memset(want, 0x55, sizeof want);
                for (unsigned k = ea; k < ea + size; k++)
                    want[isa_pos(k, le)] = mem_byte(k);
                for (unsigned i = 0; i < 16; i++)
                    bad_load += vr_byte(3, i) != want[i];
                tg_destroy(&g);
                /* Store: VR8 bytes 0x10..0x1f (ISA order) to OUT+off. */
                fresh(le);
                set_vr(8, 0x1011121314151617ull, 0x18191a1b1c1d1e1full);
                g.cpu.gpr[4] = OUT;
                g.cpu.gpr[5] = off;
                tg_emit(&g, x31(forms[f].store, 8, 4, 5));
                run();
                uint8_t out[16], expect[16];
                read_out(out, 16);
                memset(expect, 0xee, sizeof expect);
                for (unsigned k = ea; k < ea + size; k++)
                    expect[k] = (uint8_t)(0x10 + isa_pos(k, le));
                bad_store += memcmp(out, expect, 16) != 0;
                tg_destroy(&g);
            }
            is_u64(bad_load, 0, "%s lve%sx: 16 offsets, only the element at lvx's position", order_name[le], forms[f].name);
            is_u64(bad_store, 0, "%s stve%sx: 16 offsets, only the element from lvx's position", order_name[le], forms[f].name);
        }
    }
    /* A literal store each way: stvewx of VR8 at OUT+8. */
    for (int le = 0; le < 2; le++) {
        fresh(le);
        set_vr(8, 0x1011121314151617ull, 0x18191a1b1c1d1e1full);
        g.cpu.gpr[4] = OUT;
        g.cpu.gpr[5] = 9;
        tg_emit(&g, x31(STVEWX, 8, 4, 5));
        run();
        uint8_t out[16];
        read_out(out, 16);
        static const uint8_t be[4] = { 0x18, 0x19, 0x1a, 0x1b }, lew[4] = { 0x17, 0x16, 0x15, 0x14 };
        is_mem(out + 8, le ? lew : be, 4, "%s stvewx at OUT+9 writes word %u at OUT+8", order_name[le], le ? 1 : 2);
        tg_destroy(&g);
    }
}

/* ---- lvsl, lvsr, and the unaligned-load idiom ---- */

static void test_lvsl_lvsr(void)
{
    for (int le = 0; le < 2; le++) {
        unsigned bad_l = 0, bad_r = 0;
        for (unsigned sh = 0; sh < 16; sh++) {
            fresh(le);
            g.cpu.gpr[5] = 0x30 + sh;
            tg_emit(&g, x31(LVSL, 1, 4, 5));
            tg_emit(&g, x31(LVSR, 2, 4, 5));
            run();
            for (unsigned i = 0; i < 16; i++) {
                bad_l += vr_byte(1, i) != sh + i;
                bad_r += vr_byte(2, i) != 16 - sh + i;
            }
            tg_destroy(&g);
        }
        is_u64(bad_l, 0, "%s lvsl: bytes sh..sh+15 for all 16 alignments, whatever MSR[LE]", order_name[le]);
        is_u64(bad_r, 0, "%s lvsr: bytes 16-sh..31-sh for all 16 alignments, whatever MSR[LE]", order_name[le]);
        fresh(le);
        g.cpu.gpr[5] = 3;
        tg_emit(&g, x31(LVSL, 1, 4, 5));
        tg_emit(&g, x31(LVSR, 2, 0, 5));   /* RA = 0: EA = (RB) */
        run();
        check_vr(1, 0x030405060708090aull, 0x0b0c0d0e0f101112ull, "lvsl sh=3", le);
        check_vr(2, 0x0d0e0f1011121314ull, 0x15161718191a1b1cull, "lvsr sh=3 (RA=0)", le);
        tg_destroy(&g);
    }
}

/* The classic unaligned load: two aligned lvx and a vperm. Big-endian
 * code permutes (low, high) with lvsl; little-endian code permutes
 * (high, low) with lvsr. Either way the result is the 16 bytes at the
 * unaligned address as an (impossible) unaligned lvx would see them. */
static void test_unaligned_idiom(void)
{
    for (int le = 0; le < 2; le++) {
        unsigned bad = 0;
        for (unsigned sh = 0; sh < 16; sh++) {
            fresh(le);
            g.cpu.gpr[5] = sh;
            g.cpu.gpr[6] = sh + 16;
            tg_emit(&g, x31(LVX, 1, 4, 5));
            tg_emit(&g, x31(LVX, 2, 4, 6));
            tg_emit(&g, x31(le ? LVSR : LVSL, 3, 4, 5));
            tg_emit(&g, le ? va(43, 4, 2, 1, 3) : va(43, 4, 1, 2, 3));
            run();
            for (unsigned i = 0; i < 16; i++)
                bad += vr_byte(4, i) != mem_byte(sh + isa_pos(i, le));
            tg_destroy(&g);
        }
        is_u64(bad, 0, "%s lvx+lvx+%s+vperm loads 16 unaligned bytes, 16 offsets", order_name[le], le ? "lvsr" : "lvsl");
    }
}

/* ---- register-only instructions ---- */

struct reg_case {
    uint32_t insn;
    uint64_t a_hi, a_lo, b_hi, b_lo, c_hi, c_lo;   /* VR1, VR2, VR3 */
    uint64_t t_hi, t_lo;                           /* VR4 after */
    int sat;                                       /* VSCR[SAT] after, from 0 */
    const char *what;
};

#define A1 0x0001020304050607ull, 0x08090a0b0c0d0e0full
#define B2 0x1011121314151617ull, 0x18191a1b1c1d1e1full
#define NOC 0, 0

static const struct reg_case reg_cases[] = {
    /* vperm: control bytes pick from VRA||VRB; only the low 5 bits count. */
    { va(43, 4, 1, 2, 3), A1, B2, 0x1f00e1023f201001ull, 0x0f11aabbccdd0e1eull,
      0x1f0001021f001001ull, 0x0f110a1b0c1d0e1eull, 0, "vperm" },
    /* vpermxor: high nibble indexes VRA, low nibble VRB. */
    { va(45, 4, 1, 2, 3), A1, B2, 0x000f0f00123456ffull, 0x00000000000000f1ull,
      0x101f1f1013171310ull, 0x101010101010101eull, 0, "vpermxor" },
    /* vsel: bits of VRB where VRC is 1. */
    { va(42, 4, 1, 2, 3), 0xffffffff00000000ull, 0xaaaaaaaaaaaaaaaaull, 0x00000000ffffffffull, 0x5555555555555555ull,
      0xffff0000ffff0000ull, 0x0f0f0f0f0f0f0f0full, 0x0000ffffffff0000ull, 0xa5a5a5a5a5a5a5a5ull, 0, "vsel" },
    { va(44, 4, 1, 2, 0) | 5u << 6, A1, B2, NOC, 0x05060708090a0b0cull, 0x0d0e0f1011121314ull, 0, "vsldoi 5" },
    { va(44, 4, 1, 2, 0), A1, B2, NOC, 0x0001020304050607ull, 0x08090a0b0c0d0e0full, 0, "vsldoi 0" },
    { va(44, 4, 1, 2, 0) | 15u << 6, A1, B2, NOC, 0x0f10111213141516ull, 0x1718191a1b1c1d1eull, 0, "vsldoi 15" },
    /* Splats: UIM in bits 12:15, 13:15, 14:15 (here in VRA's field). */
    { vx(524, 4, 13, 2), A1, B2, NOC, 0x1d1d1d1d1d1d1d1dull, 0x1d1d1d1d1d1d1d1dull, 0, "vspltb 13" },
    { vx(588, 4, 6, 2), A1, B2, NOC, 0x1c1d1c1d1c1d1c1dull, 0x1c1d1c1d1c1d1c1dull, 0, "vsplth 6" },
    { vx(652, 4, 1, 2), A1, B2, NOC, 0x1415161714151617ull, 0x1415161714151617ull, 0, "vspltw 1" },
    { vx(780, 4, 29, 0), NOC, NOC, NOC, 0xfdfdfdfdfdfdfdfdull, 0xfdfdfdfdfdfdfdfdull, 0, "vspltisb -3" },
    { vx(844, 4, 15, 0), NOC, NOC, NOC, 0x000f000f000f000full, 0x000f000f000f000full, 0, "vspltish 15" },
    { vx(908, 4, 16, 0), NOC, NOC, NOC, 0xfffffff0fffffff0ull, 0xfffffff0fffffff0ull, 0, "vspltisw -16" },
    /* Merges. */
    { vx(12, 4, 1, 2), A1, B2, NOC, 0x0010011102120313ull, 0x0414051506160717ull, 0, "vmrghb" },
    { vx(76, 4, 1, 2), A1, B2, NOC, 0x0001101102031213ull, 0x0405141506071617ull, 0, "vmrghh" },
    { vx(140, 4, 1, 2), A1, B2, NOC, 0x0001020310111213ull, 0x0405060714151617ull, 0, "vmrghw" },
    { vx(268, 4, 1, 2), A1, B2, NOC, 0x081809190a1a0b1bull, 0x0c1c0d1d0e1e0f1full, 0, "vmrglb" },
    { vx(332, 4, 1, 2), A1, B2, NOC, 0x080918190a0b1a1bull, 0x0c0d1c1d0e0f1e1full, 0, "vmrglh" },
    { vx(396, 4, 1, 2), A1, B2, NOC, 0x08090a0b18191a1bull, 0x0c0d0e0f1c1d1e1full, 0, "vmrglw" },
    { vx(1932, 4, 1, 2), A1, B2, NOC, 0x0001020310111213ull, 0x08090a0b18191a1bull, 0, "vmrgew" },
    { vx(1676, 4, 1, 2), A1, B2, NOC, 0x0405060714151617ull, 0x0c0d0e0f1c1d1e1full, 0, "vmrgow" },
    /* Modulo packs. */
    { vx(14, 4, 1, 2), A1, B2, NOC, 0x01030507090b0d0full, 0x11131517191b1d1full, 0, "vpkuhum" },
    { vx(78, 4, 1, 2), A1, B2, NOC, 0x020306070a0b0e0full, 0x121316171a1b1e1full, 0, "vpkuwum" },
    { vx(1102, 4, 1, 2), A1, B2, NOC, 0x040506070c0d0e0full, 0x141516171c1d1e1full, 0, "vpkudum" },
    /* Saturating packs: in range, then out of range (SAT set). */
    { vx(142, 4, 1, 2), 0x000100ff00000080ull, 0x007f000200030004ull, 0x0005000600070008ull, 0x0009000a000b000cull, NOC,
      0x01ff00807f020304ull, 0x05060708090a0b0cull, 0, "vpkuhus in range" },
    { vx(142, 4, 1, 2), 0x0100ffff00ff8000ull, 0, 0, 0x0000000000000101ull, NOC,
      0xffffffff00000000ull, 0x00000000000000ffull, 1, "vpkuhus saturating" },
    { vx(270, 4, 1, 2), 0x7fff800000800100ull, 0xff7f00ff00000001ull, 0, 0xffffffff00000000ull, NOC,
      0xff0080ff00ff0001ull, 0x0000000000000000ull, 1, "vpkshus" },
    { vx(398, 4, 1, 2), 0x7fff80000080ff7full, 0x007fff8000000001ull, 0, 0xffffffff00000000ull, NOC,
      0x7f807f807f800001ull, 0x00000000ffff0000ull, 1, "vpkshss" },
    { vx(398, 4, 1, 2), 0x007fff80ffff0001ull, 0, 0, 0, NOC,
      0x7f80ff0100000000ull, 0, 0, "vpkshss in range" },
    { vx(206, 4, 1, 2), 0x0000ffff00010000ull, 0xffffffff00000001ull, 0, 0x8000000000001234ull, NOC,
      0xffffffffffff0001ull, 0x00000000ffff1234ull, 1, "vpkuwus" },
    { vx(334, 4, 1, 2), 0x7fffffff80000000ull, 0x0000ffff00010000ull, 0xffffffff00000005ull, 0, NOC,
      0xffff0000ffffffffull, 0x0000000500000000ull, 1, "vpkswus" },
    { vx(462, 4, 1, 2), 0x7fffffff80000000ull, 0x00007fffffff8000ull, 0x00008000ffff7fffull, 0xfffffffe00000003ull, NOC,
      0x7fff80007fff8000ull, 0x7fff8000fffe0003ull, 1, "vpkswss" },
    { vx(1230, 4, 1, 2), 0x00000000ffffffffull, 0x0000000100000000ull, 0x8000000000000000ull, 0x0000000000000007ull, NOC,
      0xffffffffffffffffull, 0xffffffff00000007ull, 1, "vpkudus" },
    { vx(1358, 4, 1, 2), 0x7fffffffffffffffull, 0x8000000000000000ull, 0x00000000ffffffffull, 0xffffffffffffffffull, NOC,
      0xffffffff00000000ull, 0xffffffff00000000ull, 1, "vpksdus" },
    { vx(1486, 4, 1, 2), 0x0000000080000000ull, 0xffffffff7fffffffull, 0x000000007fffffffull, 0xffffffff80000000ull, NOC,
      0x7fffffff80000000ull, 0x7fffffff80000000ull, 1, "vpksdss" },
    { vx(1486, 4, 1, 2), 0x000000007fffffffull, 0xffffffff80000000ull, 0x0000000000000001ull, 0xffffffffffffffffull, NOC,
      0x7fffffff80000000ull, 0x00000001ffffffffull, 0, "vpksdss in range" },
    /* Pixel pack: bit 7, then bits 8:12, 16:20, 24:28 of each word. */
    { vx(782, 4, 1, 2), 0x01ffffff00f80808ull, 0xfe07f7ff01000000ull, 0x0080402000000000ull, 0x0100000800000001ull, NOC,
      0xffff7c2103df8000ull, 0x4104000080010000ull, 0, "vpkpx" },
    /* Unpacks (sign-extending). */
    { vx(526, 4, 0, 2), NOC, 0x7f80017ffe00ff81ull, 0, NOC, 0x007fff800001007full, 0xfffe0000ffffff81ull, 0, "vupkhsb" },
    { vx(654, 4, 0, 2), NOC, 0, 0x7f80017ffe00ff81ull, NOC, 0x007fff800001007full, 0xfffe0000ffffff81ull, 0, "vupklsb" },
    { vx(590, 4, 0, 2), NOC, 0x7fff80000001ffffull, 0, NOC, 0x00007fffffff8000ull, 0x00000001ffffffffull, 0, "vupkhsh" },
    { vx(718, 4, 0, 2), NOC, 0, 0x7fff80000001ffffull, NOC, 0x00007fffffff8000ull, 0x00000001ffffffffull, 0, "vupklsh" },
    { vx(1614, 4, 0, 2), NOC, 0x7fffffff80000000ull, 0, NOC, 0x000000007fffffffull, 0xffffffff80000000ull, 0, "vupkhsw" },
    { vx(1742, 4, 0, 2), NOC, 0, 0x7fffffff80000000ull, NOC, 0x000000007fffffffull, 0xffffffff80000000ull, 0, "vupklsw" },
    /* Pixel unpack: the top bit to a byte of ones, the three fields zero-extended. */
    { vx(846, 4, 0, 2), NOC, 0xffff7c2103ff8000ull, 0, NOC, 0xff1f1f1f001f0101ull, 0x00001f1fff000000ull, 0, "vupkhpx" },
    { vx(974, 4, 0, 2), NOC, 0, 0xffff7c2103ff8000ull, NOC, 0xff1f1f1f001f0101ull, 0x00001f1fff000000ull, 0, "vupklpx" },
};

static void test_registers(void)
{
    for (size_t i = 0; i < sizeof reg_cases / sizeof reg_cases[0]; i++) {
        const struct reg_case *r = &reg_cases[i];
        fresh(1);
        set_vr(1, r->a_hi, r->a_lo);
        set_vr(2, r->b_hi, r->b_lo);
        set_vr(3, r->c_hi, r->c_lo);
        tg_emit(&g, r->insn);
        ok(run(), "%s runs", r->what);
        is_u64(vr_hi(4), r->t_hi, "%s: doubleword 0", r->what);
        is_u64(vr_lo(4), r->t_lo, "%s: doubleword 1", r->what);
        is_u64(g.cpu.vscr[0], r->sat ? 1u : 0u, "%s: VSCR[SAT] %s", r->what, r->sat ? "set" : "clear");
        tg_destroy(&g);
    }
    /* SAT is sticky: an in-range pack leaves it set; VRT may be a source. */
    fresh(0);
    g.cpu.vscr[0] = 1;
    set_vr(1, 0x0001000200030004ull, 0x0005000600070008ull);
    tg_emit(&g, vx(142, 1, 1, 1));
    ok(run(), "vpkuhus v1,v1,v1 runs");
    check_vr(1, 0x0102030405060708ull, 0x0102030405060708ull, "vpkuhus v1,v1,v1", 0);
    is_u64(g.cpu.vscr[0], 1, "SAT stays set after an in-range pack");
    tg_destroy(&g);
}

/* mtvscr takes the last word of VRB; mfvscr gives it back, zero-extended.
 * Reserved VSCR bits written as 1 read back as written (an implementation
 * choice the ISA allows; QEMU does the same). */
static void test_vscr(void)
{
    fresh(1);
    set_vr(1, ~0ull, ~0ull);
    set_vr(2, 0, 0x0000000000010000ull);
    tg_emit(&g, vx(1604, 0, 0, 1));     /* mtvscr v1 */
    tg_emit(&g, vx(1540, 3, 0, 0));     /* mfvscr v3 */
    tg_emit(&g, vx(1604, 0, 0, 2));     /* mtvscr v2: NJ only */
    tg_emit(&g, vx(1540, 4, 0, 0));
    ok(run(), "mtvscr/mfvscr run");
    check_vr(3, 0, 0x00000000ffffffffull, "mfvscr after mtvscr of all ones: the word as written (reserved bits kept, Book I 1.3.3)", 1);
    check_vr(4, 0, 0x0000000000010000ull, "mfvscr after mtvscr of NJ", 1);
    is_u64(g.cpu.vscr[0], 0x10000, "VSCR = NJ");
    tg_destroy(&g);
}

/* ---- MSR[VEC] = 0 ---- */

/* The VMX unavailable interrupt (Book III-S 6.5.15) for every row: SRR0
 * the instruction, SRR1 the MSR, no register or memory written. */
static void test_unavailable(void)
{
    unsigned bad = 0;
    for (size_t i = 0; i < N_BINUTILS; i++) {
        fresh(1);
        g.cpu.msr[0] = msr_of(1);
        g.cpu.gpr[2] = OUT;
        g.cpu.gpr[3] = 0;
        uint64_t before[128];
        memcpy(before, g.cpu.vsr, sizeof before);
        step(binutils[i].word);
        uint8_t out[16], ee[16];
        read_out(out, 16);
        memset(ee, 0xee, 16);
        if (g.cpu.nip[0] != 0xf20 || g.cpu.srr0[0] != TG_CODE || g.cpu.srr1[0] != msr_of(1) ||
            memcmp(before, g.cpu.vsr, sizeof before) != 0 || memcmp(out, ee, 16) != 0 || g.cpu.vscr[0] != 0) {
            tap_diag("%s: nip %llx srr1 %llx", binutils[i].row, (unsigned long long)g.cpu.nip[0],
                     (unsigned long long)g.cpu.srr1[0]);
            bad++;
        }
        tg_destroy(&g);
    }
    is_u64(bad, 0, "MSR[VEC]=0: all %u rows raise 0xf20 (SRR0, SRR1 = MSR), write nothing", (unsigned)N_BINUTILS);
}

int main(void)
{
    decode_init();
    test_decode();
    test_lvx_stvx();
    test_element_literals();
    test_element_all();
    test_lvsl_lvsr();
    test_unaligned_idiom();
    test_registers();
    test_vscr();
    test_unavailable();
    return tap_done();
}
