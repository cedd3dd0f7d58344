/*
 * Tests of emu/cpu/insn_vsx_perm.c and insn_vmx_fp.c: decoding of every
 * row (binutils encodings); the VSX loads and stores in both byte orders
 * (known bytes -> exact register -> the same bytes back, MSR[LE] off and
 * on), the scalar loads' doubleword 1, xxpermdi and xxsldwi with every
 * immediate, xxsel, the merges, xxspltw and the logical instructions; the
 * VMX floating-point instructions on the cases the ISA fixes exactly (NJ
 * flushing, vctsxs/vctuxs saturation and VSCR[SAT], the compares' CR6,
 * vcmpbfp's own CR6 rule, the estimates within their bounds); and the
 * unavailable interrupts (MSR[VSX]=0 -> 0xf40, MSR[VEC]=0 -> 0xf20).
 *
 * Expected values come from the Power ISA 2.07 pseudocode (section named
 * at each test); QEMU is compared separately (tests/qemu, qdiff).
 */
#include "tests/tap.h"

#include <string.h>

#include "emu/cpu/insn.h"
#include "emu/cpu/vec.h"
#include "tests/common/guest_asm.h"

#define RAM_SIZE 0x100000ull
#define DATA TG_DATA

static struct test_guest g;
static const char *order_name[2] = { "BE", "LE" };

/* ---- encoders ---- */

/* XX1 (X form of primary 31, bit 31 = TX/SX). */
static uint32_t xx1(unsigned xo, unsigned xt, unsigned ra, unsigned rb) { return asm_x(31, xt & 31, ra, rb, xo, xt >> 5); }
static uint32_t xx3(unsigned xo, unsigned t, unsigned a, unsigned b)
{
    return 60u << 26 | (t & 31) << 21 | (a & 31) << 16 | (b & 31) << 11 | xo << 3 | (a >> 5) << 2 | (b >> 5) << 1 | t >> 5;
}
static uint32_t xxpermdi(unsigned t, unsigned a, unsigned b, unsigned dm) { return xx3(10, t, a, b) | dm << 8; }
static uint32_t xxsldwi(unsigned t, unsigned a, unsigned b, unsigned shw) { return xx3(2, t, a, b) | shw << 8; }
static uint32_t xxsel(unsigned t, unsigned a, unsigned b, unsigned c) { return xx3(0, t, a, b) | (c & 31) << 6 | (c >> 5) << 3 | 3u << 4; }
static uint32_t xxspltw(unsigned t, unsigned b, unsigned uim)
{
    return 60u << 26 | (t & 31) << 21 | uim << 16 | (b & 31) << 11 | 164u << 2 | (b >> 5) << 1 | t >> 5;
}
static uint32_t vx(unsigned xo, unsigned t, unsigned a, unsigned b) { return 4u << 26 | t << 21 | a << 16 | b << 11 | xo; }
static uint32_t va(unsigned xo, unsigned t, unsigned a, unsigned b, unsigned c) { return 4u << 26 | t << 21 | a << 16 | b << 11 | c << 6 | xo; }
static uint32_t vc(unsigned xo, unsigned t, unsigned a, unsigned b, unsigned rc) { return vx(xo, t, a, b) | rc << 10; }

/* ---- the test machine ---- */

static uint64_t msr_of(int le) { return MSR_SF | MSR_ME | (le ? MSR_LE : 0); }

/* A fresh machine in byte order LE with MSR[FP VEC VSX] on, r4 = DATA,
 * r5 = 16, 64 bytes of 0xee at DATA. */
static void fresh(int le)
{
    tg_init(&g, RAM_SIZE, le != 0);
    g.cpu.msr[0] |= MSR_FP | MSR_VEC | MSR_VSX;
    g.cpu.gpr[4] = DATA;
    g.cpu.gpr[5] = 16;
    uint8_t ee[64];
    memset(ee, 0xee, sizeof ee);
    memory_write(&g.mem, DATA, ee, sizeof ee);
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

/* VSR X as hi:lo (doubleword 0, doubleword 1). */
static void set_vsr(unsigned x, uint64_t hi, uint64_t lo)
{
    g.cpu.vsr[2 * x] = hi;
    g.cpu.vsr[2 * x + 1] = lo;
}
static uint64_t vsr_hi(unsigned x) { return g.cpu.vsr[2 * x]; }
static uint64_t vsr_lo(unsigned x) { return g.cpu.vsr[2 * x + 1]; }

static void set_words(unsigned x, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3)
{
    set_vsr(x, (uint64_t)w0 << 32 | w1, (uint64_t)w2 << 32 | w3);
}
static uint32_t word(unsigned x, unsigned i)
{
    uint64_t d = g.cpu.vsr[2 * x + i / 2];
    return (uint32_t)(i & 1 ? d : d >> 32);
}

/* ---- decoding ---- */

static void test_decode(void)
{
    /* binutils 2.40 (powerpc64le-linux-gnu-as -mpower8). */
    const struct {
        uint32_t word;
        const char *row, *text;
        uint32_t ours;
    } binutils[] = {
        { 0x7c242c99, "lxsdx", "lxsdx vs33,r4,r5", xx1(588, 33, 4, 5) },
        { 0x7c242899, "lxsiwax", "lxsiwax vs33,r4,r5", xx1(76, 33, 4, 5) },
        { 0x7c242819, "lxsiwzx", "lxsiwzx vs33,r4,r5", xx1(12, 33, 4, 5) },
        { 0x7c242c19, "lxsspx", "lxsspx vs33,r4,r5", xx1(524, 33, 4, 5) },
        { 0x7c242e99, "lxvd2x", "lxvd2x vs33,r4,r5", xx1(844, 33, 4, 5) },
        { 0x7c242a99, "lxvdsx", "lxvdsx vs33,r4,r5", xx1(332, 33, 4, 5) },
        { 0x7c242e19, "lxvw4x", "lxvw4x vs33,r4,r5", xx1(780, 33, 4, 5) },
        { 0x7c242d99, "stxsdx", "stxsdx vs33,r4,r5", xx1(716, 33, 4, 5) },
        { 0x7c242919, "stxsiwx", "stxsiwx vs33,r4,r5", xx1(140, 33, 4, 5) },
        { 0x7c242d19, "stxsspx", "stxsspx vs33,r4,r5", xx1(652, 33, 4, 5) },
        { 0x7c242f99, "stxvd2x", "stxvd2x vs33,r4,r5", xx1(972, 33, 4, 5) },
        { 0x7c242f19, "stxvw4x", "stxvw4x vs33,r4,r5", xx1(908, 33, 4, 5) },
        { 0xf0221853, "xxpermdi", "xxpermdi vs33,vs2,vs35,0", xxpermdi(33, 2, 35, 0) },
        { 0xf0221b50, "xxpermdi", "xxpermdi vs1,vs2,vs3,3", xxpermdi(1, 2, 3, 3) },
        { 0xf0221a17, "xxsldwi", "xxsldwi vs33,vs34,vs35,2", xxsldwi(33, 34, 35, 2) },
        { 0xf022193f, "xxsel", "xxsel vs33,vs34,vs35,vs36", xxsel(33, 34, 35, 36) },
        { 0xf0221890, "xxmrghw", "xxmrghw vs1,vs2,vs3", xx3(18, 1, 2, 3) },
        { 0xf0221990, "xxmrglw", "xxmrglw vs1,vs2,vs3", xx3(50, 1, 2, 3) },
        { 0xf0231292, "xxspltw", "xxspltw vs1,vs34,3", xxspltw(1, 34, 3) },
        { 0xf0221c10, "xxland", "xxland vs1,vs2,vs3", xx3(130, 1, 2, 3) },
        { 0xf0221c50, "xxlandc", "xxlandc vs1,vs2,vs3", xx3(138, 1, 2, 3) },
        { 0xf0221c90, "xxlor", "xxlor vs1,vs2,vs3", xx3(146, 1, 2, 3) },
        { 0xf0221d10, "xxlnor", "xxlnor vs1,vs2,vs3", xx3(162, 1, 2, 3) },
        { 0xf0221cd0, "xxlxor", "xxlxor vs1,vs2,vs3", xx3(154, 1, 2, 3) },
        { 0xf0221dd0, "xxleqv", "xxleqv vs1,vs2,vs3", xx3(186, 1, 2, 3) },
        { 0xf0221d90, "xxlnand", "xxlnand vs1,vs2,vs3", xx3(178, 1, 2, 3) },
        { 0xf0221d50, "xxlorc", "xxlorc vs1,vs2,vs3", xx3(170, 1, 2, 3) },
        { 0x1022180a, "vaddfp", "vaddfp v1,v2,v3", vx(10, 1, 2, 3) },
        { 0x1022184a, "vsubfp", "vsubfp v1,v2,v3", vx(74, 1, 2, 3) },
        { 0x102220ee, "vmaddfp", "vmaddfp v1,v2,v3,v4", va(46, 1, 2, 4, 3) },
        { 0x102220ef, "vnmsubfp", "vnmsubfp v1,v2,v3,v4", va(47, 1, 2, 4, 3) },
        { 0x10221c0a, "vmaxfp", "vmaxfp v1,v2,v3", vx(1034, 1, 2, 3) },
        { 0x10221c4a, "vminfp", "vminfp v1,v2,v3", vx(1098, 1, 2, 3) },
        { 0x1020190a, "vrefp", "vrefp v1,v3", vx(266, 1, 0, 3) },
        { 0x1020194a, "vrsqrtefp", "vrsqrtefp v1,v3", vx(330, 1, 0, 3) },
        { 0x1020198a, "vexptefp", "vexptefp v1,v3", vx(394, 1, 0, 3) },
        { 0x102019ca, "vlogefp", "vlogefp v1,v3", vx(458, 1, 0, 3) },
        { 0x10201a0a, "vrfin", "vrfin v1,v3", vx(522, 1, 0, 3) },
        { 0x10201a4a, "vrfiz", "vrfiz v1,v3", vx(586, 1, 0, 3) },
        { 0x10201a8a, "vrfip", "vrfip v1,v3", vx(650, 1, 0, 3) },
        { 0x10201aca, "vrfim", "vrfim v1,v3", vx(714, 1, 0, 3) },
        { 0x10251b4a, "vcfsx", "vcfsx v1,v3,5", vx(842, 1, 5, 3) },
        { 0x10251b0a, "vcfux", "vcfux v1,v3,5", vx(778, 1, 5, 3) },
        { 0x10251bca, "vctsxs", "vctsxs v1,v3,5", vx(970, 1, 5, 3) },
        { 0x10251b8a, "vctuxs", "vctuxs v1,v3,5", vx(906, 1, 5, 3) },
        { 0x102218c6, "vcmpeqfp", "vcmpeqfp v1,v2,v3", vc(198, 1, 2, 3, 0) },
        { 0x102219c6, "vcmpgefp", "vcmpgefp v1,v2,v3", vc(454, 1, 2, 3, 0) },
        { 0x10221ac6, "vcmpgtfp", "vcmpgtfp v1,v2,v3", vc(710, 1, 2, 3, 0) },
        { 0x10221bc6, "vcmpbfp", "vcmpbfp v1,v2,v3", vc(966, 1, 2, 3, 0) },
        { 0x10221fc6, "vcmpbfp", "vcmpbfp. v1,v2,v3", vc(966, 1, 2, 3, 1) },
    };
    const size_t n = sizeof binutils / sizeof binutils[0];
    unsigned wrong = 0, enc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct insn_def *d = decode_word(binutils[i].word);
        if (!d || strcmp(d->mnemonic, binutils[i].row) || (binutils[i].word & d->reserved)) {
            if (wrong++ < 10)
                tap_diag("'%s' = %08x decodes as %s", binutils[i].text, binutils[i].word, d ? d->mnemonic : "nothing");
        }
        if (binutils[i].ours && binutils[i].ours != binutils[i].word && enc++ < 10)
            tap_diag("'%s': encoder gives %08x", binutils[i].text, binutils[i].ours);
    }
    is_u64(wrong, 0, "%zu binutils encodings decode to their rows", n);
    is_u64(enc, 0, "this test's encoders agree with binutils");
    const struct insn_def *d = decode_word(xxspltw(1, 2, 3) | 1u << 18);
    ok(d && (xxspltw(1, 2, 3) | 1u << 18) & d->reserved, "xxspltw with bit 13 set is an invalid form");
    d = decode_word(vx(266, 1, 2, 3));
    ok(d && !strcmp(d->mnemonic, "vrefp") && (vx(266, 1, 2, 3) & d->reserved), "vrefp with VRA != 0 is an invalid form");
}

/* ---- loads and stores (7.6.1.1-2) ---- */

/* 32 known bytes at DATA. */
static const uint8_t bytes[32] = {
    0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7, 0x08, 0x19, 0x2a, 0x3b, 0x4c, 0x5d, 0x6e, 0x7f,
    0x3f, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x00, 0x00, 0x7f, 0x80, 0x00, 0x01,
};

/* The SIZE-byte value at bytes[OFF] in byte order LE. */
static uint64_t mem_value(unsigned off, unsigned size, int le)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)bytes[off + i] << (le ? 8 * i : 8 * (size - 1 - i));
    return v;
}

static void put_bytes(void) { memory_write(&g.mem, DATA, bytes, sizeof bytes); }

static void test_vector_loads(void)
{
    for (int le = 0; le < 2; le++) {
        const char *o = order_name[le];
        /* lxvd2x vs33,r4,r0 then stxvd2x vs33,r4,r5: dw0 = MEM(EA,8),
         * dw1 = MEM(EA+8,8), each in the current byte order. */
        fresh(le);
        put_bytes();
        tg_emit(&g, xx1(844, 33, 4, 0));
        tg_emit(&g, xx1(972, 33, 4, 5));
        ok(run(), "%s lxvd2x/stxvd2x run", o);
        is_u64(vsr_hi(33), mem_value(0, 8, le), "%s lxvd2x: doubleword 0 from EA", o);
        is_u64(vsr_lo(33), mem_value(8, 8, le), "%s lxvd2x: doubleword 1 from EA+8", o);
        uint8_t back[16];
        memory_read(&g.mem, DATA + 16, back, 16);
        is_mem(back, bytes, 16, "%s stxvd2x stores the same bytes back", o);
        tg_destroy(&g);

        /* lxvw4x / stxvw4x: word i = MEM(EA+4i, 4). */
        fresh(le);
        put_bytes();
        tg_emit(&g, xx1(780, 2, 4, 0));
        tg_emit(&g, xx1(908, 2, 4, 5));
        ok(run(), "%s lxvw4x/stxvw4x run", o);
        unsigned bad = 0;
        for (unsigned i = 0; i < 4; i++)
            bad += word(2, i) != mem_value(4 * i, 4, le);
        is_u64(bad, 0, "%s lxvw4x: word i from EA+4i", o);
        if (le)
            is_u64(vsr_hi(2), 0xb3a29180f7e6d5c4ull, "LE lxvw4x: doubleword 0 exactly");
        else
            is_u64(vsr_hi(2), 0x8091a2b3c4d5e6f7ull, "BE lxvw4x: doubleword 0 exactly");
        memory_read(&g.mem, DATA + 16, back, 16);
        is_mem(back, bytes, 16, "%s stxvw4x stores the same bytes back", o);
        tg_destroy(&g);

        /* lxvdsx: the doubleword at EA, twice. */
        fresh(le);
        put_bytes();
        g.cpu.gpr[5] = 8;
        tg_emit(&g, xx1(332, 63, 4, 5));
        ok(run(), "%s lxvdsx runs", o);
        is_u64(vsr_hi(63), mem_value(8, 8, le), "%s lxvdsx: doubleword 0", o);
        is_u64(vsr_lo(63), mem_value(8, 8, le), "%s lxvdsx: doubleword 1", o);
        tg_destroy(&g);

        /* The element order in little-endian mode is not lvx's: exact
         * register for the LE case. */
        if (le) {
            fresh(1);
            put_bytes();
            tg_emit(&g, xx1(844, 0, 4, 0));
            ok(run(), "LE lxvd2x runs");
            is_u64(vsr_hi(0), 0xf7e6d5c4b3a29180ull, "LE lxvd2x: doubleword 0 exactly");
            is_u64(vsr_lo(0), 0x7f6e5d4c3b2a1908ull, "LE lxvd2x: doubleword 1 exactly");
            tg_destroy(&g);
        }
    }
}

static void test_scalar_loads(void)
{
    for (int le = 0; le < 2; le++) {
        const char *o = order_name[le];
        fresh(le);
        put_bytes();
        for (unsigned x = 1; x <= 4; x++)
            set_vsr(x + 30, 0x1111111111111111ull, 0x2222222222222222ull);
        g.cpu.gpr[6] = 24;
        g.cpu.gpr[7] = 28;
        tg_emit(&g, xx1(588, 31, 4, 0));   /* lxsdx vs31,r4,0 */
        tg_emit(&g, xx1(76, 32, 4, 6));    /* lxsiwax vs32 <- 0xc0000000 (BE) */
        tg_emit(&g, xx1(12, 33, 4, 6));    /* lxsiwzx vs33 */
        tg_emit(&g, xx1(524, 34, 4, 5));   /* lxsspx vs34 <- 0x3f800001 (BE) */
        ok(run(), "%s scalar loads run", o);
        is_u64(vsr_hi(31), mem_value(0, 8, le), "%s lxsdx: doubleword 0", o);
        is_u64(vsr_hi(32), (uint64_t)(int64_t)(int32_t)mem_value(24, 4, le), "%s lxsiwax: sign-extended word", o);
        is_u64(vsr_hi(33), mem_value(24, 4, le), "%s lxsiwzx: zero-extended word", o);
        if (le)   /* the word 0x0100803f: a single normal, 2^-125 * 1.00803f */
            is_u64(vsr_hi(34), 0x38201007e0000000ull, "LE lxsspx: DOUBLE(0x0100803f)");
        else
            is_u64(vsr_hi(34), 0x3ff0000020000000ull, "BE lxsspx: DOUBLE(0x3f800001)");
        unsigned kept = 0;
        for (unsigned x = 31; x <= 34; x++)
            kept += vsr_lo(x) == 0x2222222222222222ull;
        is_u64(kept, 4, "%s scalar loads leave doubleword 1 alone (ISA: undefined; QEMU keeps it)", o);
        tg_destroy(&g);
    }

    /* lxsspx of a single denormal and a signalling NaN: DOUBLE() (4.6.2). */
    fresh(0);
    const uint8_t w[8] = { 0x00, 0x00, 0x00, 0x01, 0x7f, 0x80, 0x00, 0x01 };
    memory_write(&g.mem, DATA, w, 8);
    g.cpu.gpr[5] = 4;
    tg_emit(&g, xx1(524, 1, 4, 0));
    tg_emit(&g, xx1(524, 2, 4, 5));
    ok(run(), "lxsspx denormal/SNaN run");
    is_u64(vsr_hi(1), 0x36a0000000000000ull, "lxsspx: smallest single denormal normalised");
    is_u64(vsr_hi(2), 0x7ff0000020000000ull, "lxsspx: SNaN stays signalling");
    tg_destroy(&g);
}

static void test_scalar_stores(void)
{
    for (int le = 0; le < 2; le++) {
        const char *o = order_name[le];
        fresh(le);
        set_vsr(40, 0x0123456789abcdefull, 0xdeadbeefdeadbeefull);
        set_vsr(41, 0x3ff0000020000000ull, 0);   /* 1 + 2^-23 */
        set_vsr(42, 0x36a0000000000000ull, 0);   /* 2^-149 -> single denormal 1 */
        g.cpu.gpr[6] = 8;
        g.cpu.gpr[7] = 12;
        g.cpu.gpr[8] = 16;
        tg_emit(&g, xx1(716, 40, 4, 0));   /* stxsdx */
        tg_emit(&g, xx1(140, 40, 4, 6));   /* stxsiwx: word 1 */
        tg_emit(&g, xx1(652, 41, 4, 7));   /* stxsspx */
        tg_emit(&g, xx1(652, 42, 4, 8));   /* stxsspx denormal */
        ok(run(), "%s scalar stores run", o);
        uint8_t got[20], want[20];
        memory_read(&g.mem, DATA, got, 20);
        const uint64_t vals[4] = { 0x0123456789abcdefull, 0x89abcdef, 0x3f800001, 0x00000001 };
        const unsigned offs[4] = { 0, 8, 12, 16 }, sizes[4] = { 8, 4, 4, 4 };
        for (unsigned k = 0; k < 4; k++)
            for (unsigned i = 0; i < sizes[k]; i++)
                want[offs[k] + i] = (uint8_t)(vals[k] >> (le ? 8 * i : 8 * (sizes[k] - 1 - i)));
        is_mem(got, want, 20, "%s stxsdx, stxsiwx (word 1), stxsspx (SINGLE, denormal too)", o);
        tg_destroy(&g);
    }
}

/* A fault leaves the target alone. */
static void test_load_fault(void)
{
    fresh(0);
    set_vsr(5, 1, 2);
    g.cpu.gpr[4] = RAM_SIZE - 8;   /* the second doubleword is outside RAM */
    g.cpu.gpr[5] = 0;
    tg_emit(&g, xx1(844, 5, 4, 5));
    tg_run(&g, 1);
    ok(g.cpu.nip[0] != TG_CODE + 4, "lxvd2x across the end of RAM interrupts");
    ok(vsr_hi(5) == 1 && vsr_lo(5) == 2, "lxvd2x that faults writes nothing");
    tg_destroy(&g);
}

/* ---- permutes (7.6.1.10-11) and logical (7.6.1.9) ---- */

static void test_permutes(void)
{
    const uint32_t A[4] = { 0xa0a0a0a0, 0xa1a1a1a1, 0xa2a2a2a2, 0xa3a3a3a3 };
    const uint32_t B[4] = { 0xb0b0b0b0, 0xb1b1b1b1, 0xb2b2b2b2, 0xb3b3b3b3 };
    const uint32_t AB[8] = { A[0], A[1], A[2], A[3], B[0], B[1], B[2], B[3] };
    for (unsigned imm = 0; imm < 4; imm++) {
        fresh(1);
        set_words(34, A[0], A[1], A[2], A[3]);
        set_words(3, B[0], B[1], B[2], B[3]);
        tg_emit(&g, xxpermdi(33, 34, 3, imm));
        tg_emit(&g, xxsldwi(1, 34, 3, imm));
        ok(run(), "xxpermdi/xxsldwi %u run", imm);
        uint64_t a_dw = (imm & 2) ? 0xa2a2a2a2a3a3a3a3ull : 0xa0a0a0a0a1a1a1a1ull;
        uint64_t b_dw = (imm & 1) ? 0xb2b2b2b2b3b3b3b3ull : 0xb0b0b0b0b1b1b1b1ull;
        is_u64(vsr_hi(33), a_dw, "xxpermdi DM=%u: doubleword 0", imm);
        is_u64(vsr_lo(33), b_dw, "xxpermdi DM=%u: doubleword 1", imm);
        unsigned bad = 0;
        for (unsigned i = 0; i < 4; i++)
            bad += word(1, i) != AB[imm + i];
        is_u64(bad, 0, "xxsldwi SHW=%u: words %u..%u of A||B", imm, imm, imm + 3);
        tg_destroy(&g);
    }

    fresh(0);
    set_words(34, A[0], A[1], A[2], A[3]);
    set_words(3, B[0], B[1], B[2], B[3]);
    set_vsr(36, 0xff00ff00ff00ff00ull, 0x0f0f0f0ff0f0f0f0ull);
    tg_emit(&g, xxsel(33, 34, 3, 36));
    tg_emit(&g, xx3(18, 10, 34, 3));   /* xxmrghw */
    tg_emit(&g, xx3(50, 11, 34, 3));   /* xxmrglw */
    for (unsigned u = 0; u < 4; u++)
        tg_emit(&g, xxspltw(12 + u, 34, u));
    ok(run(), "xxsel, merges, splats run");
    is_u64(vsr_hi(33), 0xb0a0b0a0b1a1b1a1ull, "xxsel: B where C is 1, A where 0 (dw 0)");
    is_u64(vsr_lo(33), 0xa2a2a2a2b3b3b3b3ull, "xxsel (dw 1)");
    ok(word(10, 0) == A[0] && word(10, 1) == B[0] && word(10, 2) == A[1] && word(10, 3) == B[1], "xxmrghw: A0 B0 A1 B1");
    ok(word(11, 0) == A[2] && word(11, 1) == B[2] && word(11, 2) == A[3] && word(11, 3) == B[3], "xxmrglw: A2 B2 A3 B3");
    for (unsigned u = 0; u < 4; u++)
        ok(word(12 + u, 0) == A[u] && word(12 + u, 1) == A[u] && word(12 + u, 2) == A[u] && word(12 + u, 3) == A[u],
           "xxspltw UIM=%u", u);
    tg_destroy(&g);
}

static void test_logical(void)
{
    const struct { unsigned xo; const char *name; uint64_t want; } ops[] = {
        { 130, "xxland", 0x0c0c0c0c0c0c0c0cull & 0x0a0a0a0a0a0a0a0aull },
        { 138, "xxlandc", 0x0c0c0c0c0c0c0c0cull & ~0x0a0a0a0a0a0a0a0aull },
        { 146, "xxlor", 0x0e0e0e0e0e0e0e0eull },
        { 154, "xxlxor", 0x0606060606060606ull },
        { 162, "xxlnor", ~0x0e0e0e0e0e0e0e0eull },
        { 170, "xxlorc", 0x0c0c0c0c0c0c0c0cull | ~0x0a0a0a0a0a0a0a0aull },
        { 178, "xxlnand", ~(0x0c0c0c0c0c0c0c0cull & 0x0a0a0a0a0a0a0a0aull) },
        { 186, "xxleqv", ~0x0606060606060606ull },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        fresh(0);
        set_vsr(40, 0x0c0c0c0c0c0c0c0cull, 0x0c0c0c0c0c0c0c0cull);
        set_vsr(7, 0x0a0a0a0a0a0a0a0aull, 0x0a0a0a0a0a0a0a0aull);
        tg_emit(&g, xx3(ops[i].xo, 63, 40, 7));
        ok(run(), "%s runs", ops[i].name);
        ok(vsr_hi(63) == ops[i].want && vsr_lo(63) == ops[i].want, "%s: both halves", ops[i].name);
        tg_destroy(&g);
    }
}

/* ---- unavailable (Book III-S 6.5.16 VSX, 6.5.15 vector) ---- */

static void check_unavailable(uint32_t insn, uint64_t msr, uint64_t vector, const char *what)
{
    fresh(1);
    g.cpu.msr[0] = msr;
    set_vsr(1, 0x5555, 0x6666);
    step(insn);
    is_u64(g.cpu.nip[0], vector, "%s: interrupt 0x%llx", what, (unsigned long long)vector);
    is_u64(g.cpu.srr0[0], TG_CODE, "%s: SRR0 is the instruction", what);
    ok(vsr_hi(1) == 0x5555 && vsr_lo(1) == 0x6666, "%s: VSR 1 unchanged", what);
    uint8_t back[16], ee[16];
    memset(ee, 0xee, 16);
    memory_read(&g.mem, DATA, back, 16);
    is_mem(back, ee, 16, "%s: memory unchanged", what);
    tg_destroy(&g);
}

static void test_unavailable(void)
{
    /* VSX instructions need MSR[VSX] even with FP and VEC on, whatever
     * VSR they name. */
    const uint64_t no_vsx = msr_of(1) | MSR_FP | MSR_VEC;
    check_unavailable(xx1(844, 1, 4, 0), no_vsx, 0xf40, "lxvd2x vs1 with MSR[VSX]=0");
    check_unavailable(xx1(588, 1, 4, 0), no_vsx, 0xf40, "lxsdx vs1 with MSR[VSX]=0");
    check_unavailable(xx1(908, 1, 4, 0), no_vsx, 0xf40, "stxvw4x vs1 with MSR[VSX]=0");
    check_unavailable(xx1(716, 1, 4, 0), no_vsx, 0xf40, "stxsdx vs1 with MSR[VSX]=0");
    check_unavailable(xxpermdi(1, 2, 3, 1), no_vsx, 0xf40, "xxpermdi with MSR[VSX]=0");
    check_unavailable(xx3(146, 1, 2, 3), no_vsx, 0xf40, "xxlor with MSR[VSX]=0");
    check_unavailable(xxsel(1, 2, 3, 4), no_vsx, 0xf40, "xxsel with MSR[VSX]=0");
    check_unavailable(xxspltw(1, 2, 0), no_vsx, 0xf40, "xxspltw with MSR[VSX]=0");
    /* VMX floating point needs MSR[VEC] (with VSX on). */
    const uint64_t no_vec = msr_of(1) | MSR_FP | MSR_VSX;
    check_unavailable(vx(10, 1, 2, 3), no_vec, 0xf20, "vaddfp with MSR[VEC]=0");
    check_unavailable(va(46, 1, 2, 3, 4), no_vec, 0xf20, "vmaddfp with MSR[VEC]=0");
    check_unavailable(vc(966, 1, 2, 3, 1), no_vec, 0xf20, "vcmpbfp. with MSR[VEC]=0");
    check_unavailable(vx(970, 1, 2, 3), no_vec, 0xf20, "vctsxs with MSR[VEC]=0");
    check_unavailable(vx(394, 1, 0, 3), no_vec, 0xf20, "vexptefp with MSR[VEC]=0");
}



/* ---- VMX floating point (6.14) ---- */

/* VR n's words. */
static void set_vr(unsigned n, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) { set_words(32 + n, w0, w1, w2, w3); }
static uint32_t vr_word(unsigned n, unsigned i) { return word(32 + n, i); }

/* Runs INSN on VR2 = A, VR3 = B, VR4 = C with VSCR = VSCR0; VR1 is the
 * target. */
static bool vmx_live;   /* the guest of the last run_vmx is still allocated */

static void run_vmx(uint32_t insn, const uint32_t a[4], const uint32_t b[4], const uint32_t c[4], uint32_t vscr0)
{
    if (vmx_live)
        tg_destroy(&g);
    vmx_live = true;
    fresh(0);
    set_vr(2, a[0], a[1], a[2], a[3]);
    set_vr(3, b[0], b[1], b[2], b[3]);
    set_vr(4, c[0], c[1], c[2], c[3]);
    g.cpu.vscr[0] = vscr0;
    tg_emit(&g, insn);
    if (!run())
        tap_diag("instruction %08x did not run to attn", insn);
}

static void check_words(const char *what, const uint32_t want[4])
{
    unsigned bad = 0;
    for (unsigned i = 0; i < 4; i++)
        if (vr_word(1, i) != want[i]) {
            if (bad++ < 4)
                tap_diag("%s: word %u = %08x, want %08x", what, i, vr_word(1, i), want[i]);
        }
    is_u64(bad, 0, "%s", what);
}

#define NJ VSCR_NJ
#define W4(a, b, c, d) ((const uint32_t[4]){ a, b, c, d })

static void test_vmx_arith(void)
{
    static const uint32_t zero[4];
    /* 1 + 2, inf - inf (default NaN), NaN operands (first of A, B; made quiet). */
    run_vmx(vx(10, 1, 2, 3), W4(0x3f800000, 0x7f800000, 0x7f800001, 0x3f800000),
            W4(0x40000000, 0xff800000, 0x7fc00005, 0xffc00007), zero, 0);
    check_words("vaddfp: 1+2, inf-inf, SNaN A first and quieted, NaN B", W4(0x40400000, 0x7fc00000, 0x7fc00001, 0xffc00007));
    run_vmx(vx(74, 1, 2, 3), W4(0x3f800000, 0x00000000, 0x80000000, 0x7f7fffff),
            W4(0x3f800000, 0x00000000, 0x00000000, 0xff7fffff), zero, 0);
    check_words("vsubfp: 1-1 = +0, 0-0 = +0, -0-0 = -0, overflow to +inf", W4(0, 0, 0x80000000, 0x7f800000));
    /* vmaddfp: one rounding: (1+2^-12)^2 - 1 = 2^-11 + 2^-24 exactly
     * (a separately rounded product would give 2^-11); NaN order A, B, C. */
    run_vmx(va(46, 1, 2, 3, 4), W4(0x3f800800, 0x7fc00001, 0x3f800000, 0x3f800000),
            W4(0xbf800000, 0x7fc00002, 0x7fc00002, 0x3f800000), W4(0x3f800800, 0x7fc00003, 0x7fc00003, 0x7fc00003), 0);
    check_words("vmaddfp: fused, NaN order VRA, VRB, VRC", W4(0x3a000400, 0x7fc00001, 0x7fc00002, 0x7fc00003));
    run_vmx(va(47, 1, 2, 3, 4), W4(0x3f800000, 0x40000000, 0x3f800000, 0x7fc00001),
            W4(0x3f800000, 0x3f800000, 0x00000000, 0x3f800000), W4(0x3f800000, 0x40000000, 0x3f800000, 0x3f800000), 0);
    check_words("vnmsubfp: -(1*1-1) = -0, -(2*2-1) = -3, -(1*1-0) = -1, NaN not negated",
                W4(0x80000000, 0xc0400000, 0xbf800000, 0x7fc00001));
    run_vmx(vx(1034, 1, 2, 3), W4(0x00000000, 0x80000000, 0x7fc00001, 0xbf800000),
            W4(0x80000000, 0x00000000, 0x3f800000, 0x7f800001), zero, 0);
    check_words("vmaxfp: +0 > -0 either way, NaN A, SNaN B quieted", W4(0, 0, 0x7fc00001, 0x7fc00001));
    run_vmx(vx(1098, 1, 2, 3), W4(0x00000000, 0x80000000, 0x3f800000, 0xbf800000),
            W4(0x80000000, 0x00000000, 0x40000000, 0xff800000), zero, 0);
    check_words("vminfp: -0 < +0 either way, 1, -inf", W4(0x80000000, 0x80000000, 0x3f800000, 0xff800000));
}

/* VSCR[NJ] = 1: denormal operands are zeros of their sign, underflowed
 * results (tiny before rounding) zeros of theirs (6.3). */
static void test_vmx_nj(void)
{
    static const uint32_t zero[4];
    const uint32_t *a = W4(0x00000001, 0x80000001, 0x00800001, 0x80800001);
    const uint32_t *b = W4(0x00000000, 0x80000000, 0x00800000, 0x80800000);
    run_vmx(vx(10, 1, 2, 3), a, zero, zero, 0);
    check_words("vaddfp NJ=0: denormal operands count", W4(0x00000001, 0x80000001, 0x00800001, 0x80800001));
    run_vmx(vx(10, 1, 2, 3), a, zero, zero, NJ);
    check_words("vaddfp NJ=1: denormal operands are signed zeros", W4(0, 0, 0x00800001, 0x80800001));
    run_vmx(vx(74, 1, 2, 3), a, b, zero, 0);
    check_words("vsubfp NJ=0: exact denormal differences", W4(0x00000001, 0x80000001, 0x00000001, 0x80000001));
    run_vmx(vx(74, 1, 2, 3), a, b, zero, NJ);
    check_words("vsubfp NJ=1: denormal results flushed, sign kept", W4(0, 0, 0, 0x80000000));
    /* 0.5 * (2^-126 - 2^-149) = 2^-127 - 2^-150: tiny, rounds (ties to
     * even) up to 2^-126; flushed with NJ because tininess is before
     * rounding. */
    run_vmx(va(46, 1, 2, 3, 4), W4(0x3f000000, 0xbf000000, 0x3f000000, 0x3f000000),
            W4(0, 0x80000000, 0, 0x00800000), W4(0x00ffffff, 0x00ffffff, 0x00800000, 0x00000002), 0);
    check_words("vmaddfp NJ=0: round up to 2^-126, denormals", W4(0x00800000, 0x80800000, 0x00400000, 0x00800001));
    run_vmx(va(46, 1, 2, 3, 4), W4(0x3f000000, 0xbf000000, 0x3f000000, 0x3f000000),
            W4(0, 0x80000000, 0, 0x00800000), W4(0x00ffffff, 0x00ffffff, 0x00800000, 0x00000002), NJ);
    check_words("vmaddfp NJ=1: tiny before rounding flushed; denormal C is 0", W4(0, 0x80000000, 0, 0x00800000));
    /* Compares and max see flushed operands. */
    run_vmx(vx(198, 1, 2, 3), W4(0x00000001, 0x80000001, 0x00000001, 0x00000003), W4(0, 0, 0x80000000, 0x00000002), zero, NJ);
    check_words("vcmpeqfp NJ=1: denormals equal zero", W4(~0u, ~0u, ~0u, ~0u));
    run_vmx(vx(198, 1, 2, 3), W4(0x00000001, 0x80000001, 0x00000001, 0x00000003), W4(0, 0, 0x80000000, 0x00000002), zero, 0);
    check_words("vcmpeqfp NJ=0: denormals are not zero", W4(0, 0, 0, 0));
    run_vmx(vx(266, 1, 0, 3), zero, W4(0x00000001, 0x80000001, 0x7f7fffff, 0x3f800000), zero, NJ);
    check_words("vrefp NJ=1: 1/denormal = 1/0, 1/max flushed", W4(0x7f800000, 0xff800000, 0, 0x3f800000));
    run_vmx(vx(522, 1, 0, 3), zero, W4(0x00000001, 0x80000001, 0x00000001, 0x3f800000), zero, NJ);
    check_words("vrfin NJ=1: denormal -> signed zero", W4(0, 0x80000000, 0, 0x3f800000));
    run_vmx(vx(650, 1, 0, 3), zero, W4(0x00000001, 0x80000001, 0x00000001, 0x3f800000), zero, 0);
    check_words("vrfip NJ=0: denormal rounds up to 1", W4(0x3f800000, 0x80000000, 0x3f800000, 0x3f800000));
}

static void test_vmx_round_convert(void)
{
    static const uint32_t zero[4];
    /* 2.5, 3.5, -0.5, 1.5 */
    const uint32_t *v = W4(0x40200000, 0x40600000, 0xbf000000, 0x3fc00000);
    run_vmx(vx(522, 1, 0, 3), zero, v, zero, 0);
    check_words("vrfin: ties to even, -0.5 -> -0", W4(0x40000000, 0x40800000, 0x80000000, 0x40000000));
    run_vmx(vx(586, 1, 0, 3), zero, v, zero, 0);
    check_words("vrfiz", W4(0x40000000, 0x40400000, 0x80000000, 0x3f800000));
    run_vmx(vx(650, 1, 0, 3), zero, v, zero, 0);
    check_words("vrfip: -0.5 -> -0", W4(0x40400000, 0x40800000, 0x80000000, 0x40000000));
    run_vmx(vx(714, 1, 0, 3), zero, v, zero, 0);
    check_words("vrfim", W4(0x40000000, 0x40400000, 0xbf800000, 0x3f800000));
    run_vmx(vx(714, 1, 0, 3), zero, W4(0x4b000001, 0x7f800001, 0xff800000, 0xcb7fffff), zero, 0);
    check_words("vrfim: large, SNaN quieted, -inf, -(2^24-1)", W4(0x4b000001, 0x7fc00001, 0xff800000, 0xcb7fffff));

    /* vcfsx/vcfux with UIM: -1/2^1, 2^31-1 rounded, 0xffffffff unsigned. */
    run_vmx(vx(842, 1, 1, 3), zero, W4(0xffffffff, 0x7fffffff, 0x00000003, 0), zero, 0);
    check_words("vcfsx UIM=1", W4(0xbf000000, 0x4e800000, 0x3fc00000, 0));
    run_vmx(vx(778, 1, 31, 3), zero, W4(0xffffffff, 0x00000001, 0x80000000, 0), zero, 0);
    check_words("vcfux UIM=31", W4(0x40000000, 0x30000000, 0x3f800000, 0));

    /* vctsxs: saturation and VSCR[SAT] (sticky, set only on saturation). */
    run_vmx(vx(970, 1, 0, 3), zero, W4(0x4f32d05e, 0xcf32d05e, 0x3fc00000, 0xbfc00000), zero, NJ);
    check_words("vctsxs: 3e9, -3e9 saturate; 1.5 -> 1, -1.5 -> -1", W4(0x7fffffff, 0x80000000, 1, 0xffffffff));
    is_u64(g.cpu.vscr[0], NJ | VSCR_SAT, "vctsxs saturating sets SAT, keeps NJ");
    run_vmx(vx(970, 1, 1, 3), zero, W4(0x3fc00000, 0x4effffff, 0xcf000000, 0x80000001), zero, 0);
    check_words("vctsxs UIM=1: 1.5*2 = 3, (2^31-128)*2 and -2^31*2 saturate, -denormal -> 0", W4(3, 0x7fffffff, 0x80000000, 0));
    is_u64(g.cpu.vscr[0], VSCR_SAT, "vctsxs UIM=1: 2^31-128 times 2 saturates");
    run_vmx(vx(970, 1, 0, 3), zero, W4(0x4effffff, 0xcf000000, 0x80000000, 0x3f7fffff), zero, 0);
    check_words("vctsxs: 2^31-128, -2^31, -0, 0.99 exactly representable", W4(0x7fffff80, 0x80000000, 0, 0));
    is_u64(g.cpu.vscr[0], 0, "vctsxs without saturation leaves SAT 0");
    run_vmx(vx(970, 1, 0, 3), zero, W4(0x7fc00000, 0, 0, 0), zero, 0);
    check_words("vctsxs: NaN -> 0", W4(0, 0, 0, 0));
    is_u64(g.cpu.vscr[0], 0, "vctsxs: NaN does not set SAT (QEMU agrees)");
    run_vmx(vx(906, 1, 0, 3), zero, W4(0xbf000000, 0xbf800000, 0x4f800000, 0x4f7fffff), zero, 0);
    check_words("vctuxs: -0.5 -> 0, -1 -> 0, 2^32 -> max, 2^32-256", W4(0, 0, 0xffffffff, 0xffffff00));
    is_u64(g.cpu.vscr[0], VSCR_SAT, "vctuxs saturating sets SAT");
    run_vmx(vx(906, 1, 0, 3), zero, W4(0xbf000000, 0x80000000, 0x3f800000, 0), zero, 0);
    is_u64(g.cpu.vscr[0], 0, "vctuxs: -0.5 truncates to 0 without saturating");
}

static void test_vmx_compares(void)
{
    static const uint32_t zero[4];
    const uint32_t *a = W4(0x3f800000, 0x40000000, 0x7fc00000, 0x80000000);
    const uint32_t *b = W4(0x3f800000, 0x3f800000, 0x3f800000, 0x00000000);
    run_vmx(vc(198, 1, 2, 3, 1), a, b, zero, 0);
    check_words("vcmpeqfp.", W4(~0u, 0, 0, ~0u));
    is_u64(g.cpu.cr[0] >> 4 & 0xf, 0, "vcmpeqfp. mixed: CR6 = 0000");
    run_vmx(vc(454, 1, 2, 3, 1), a, b, zero, 0);
    check_words("vcmpgefp.", W4(~0u, ~0u, 0, ~0u));
    run_vmx(vc(710, 1, 2, 3, 1), a, b, zero, 0);
    check_words("vcmpgtfp.", W4(0, ~0u, 0, 0));
    run_vmx(vc(454, 1, 2, 3, 1), b, b, zero, 0);
    is_u64(g.cpu.cr[0] >> 4 & 0xf, 8, "vcmpgefp. all true: CR6 = 1000");
    run_vmx(vc(710, 1, 2, 3, 1), b, b, zero, 0);
    is_u64(g.cpu.cr[0] >> 4 & 0xf, 2, "vcmpgtfp. all false: CR6 = 0010");
    tg_destroy(&g);
    vmx_live = false;
    fresh(0);
    g.cpu.cr[0] = 0xffffffff;
    tg_emit(&g, vc(710, 1, 2, 3, 0));
    run();
    is_u64(g.cpu.cr[0], 0xffffffff, "vcmpgtfp without Rc leaves CR alone");
    tg_destroy(&g);

    /* vcmpbfp: bit 0 = not A <= B, bit 1 = not A >= -B; NaN both. */
    run_vmx(vc(966, 1, 2, 3, 1), W4(0x3f800000, 0xc0000000, 0x40400000, 0x7fc00000),
            W4(0x40000000, 0x3f800000, 0x40000000, 0x40000000), zero, 0);
    check_words("vcmpbfp.: in, below, above, NaN", W4(0, 0x40000000, 0x80000000, 0xc0000000));
    is_u64(g.cpu.cr[0] >> 4 & 0xf, 0, "vcmpbfp. some out of bounds: CR6 = 0000");
    run_vmx(vc(966, 1, 2, 3, 1), W4(0x3f800000, 0xbf800000, 0, 0x80000000),
            W4(0x3f800000, 0x3f800000, 0, 0x3f800000), zero, 0);
    check_words("vcmpbfp.: all within bounds (edges included)", W4(0, 0, 0, 0));
    is_u64(g.cpu.cr[0] >> 4 & 0xf, 2, "vcmpbfp. all in bounds: CR6 = 0010");
    run_vmx(vc(966, 1, 2, 3, 1), W4(0x3f800000, 0, 0, 0), W4(0xbf800000, 0xbf800000, 0xbf800000, 0xbf800000), zero, 0);
    check_words("vcmpbfp.: negative B: nothing is within", W4(0x80000000, 0xc0000000, 0xc0000000, 0xc0000000));
    is_u64(g.cpu.cr[0] >> 4 & 0xf, 0, "vcmpbfp. all out: CR6 = 0000 (no all-false bit)");
}

static void test_vmx_estimates(void)
{
    static const uint32_t zero[4];
    run_vmx(vx(266, 1, 0, 3), zero, W4(0x40400000, 0x80000000, 0x7f800000, 0x7fc00001), zero, 0);
    check_words("vrefp: 1/3 correctly rounded, 1/-0, 1/inf, NaN", W4(0x3eaaaaab, 0xff800000, 0, 0x7fc00001));
    run_vmx(vx(330, 1, 0, 3), zero, W4(0x40800000, 0x80000000, 0xbf800000, 0x7f800000), zero, 0);
    check_words("vrsqrtefp: 1/sqrt(4), -0 -> -inf, negative -> NaN, inf -> 0", W4(0x3f000000, 0xff800000, 0x7fc00000, 0));
    run_vmx(vx(394, 1, 0, 3), zero, W4(0x3f800000, 0xbf800000, 0x3f000000, 0xc3150000), zero, 0);
    check_words("vexptefp: 2^1, 2^-1, 2^0.5 (rounded), 2^-149", W4(0x40000000, 0x3f000000, 0x3fb504f3, 0x00000001));
    run_vmx(vx(394, 1, 0, 3), zero, W4(0x43000000, 0xff800000, 0x80000000, 0xc2fe0000), zero, 0);
    check_words("vexptefp: 2^128 = inf, 2^-inf = 0, 2^-0 = 1, 2^-127", W4(0x7f800000, 0, 0x3f800000, 0x00400000));
    run_vmx(vx(394, 1, 0, 3), zero, W4(0xc2fe0000, 0x42fe0000, 0x3e800000, 0x40490fdb), zero, NJ);
    /* 2^0x40490fdb = 8.82497836..., nearer 0x410d331d than 0x410d331c. */
    check_words("vexptefp NJ=1: 2^-127 flushed, 2^127, 2^0.25, 2^pi",
                W4(0, 0x7f000000, 0x3f9837f0, 0x410d331d));
    run_vmx(vx(458, 1, 0, 3), zero, W4(0x41000000, 0x3f000000, 0xbf800000, 0x80000000), zero, 0);
    check_words("vlogefp: log2 8, log2 0.5, log2 -1 = NaN, log2 -0 = -inf", W4(0x40400000, 0xbf800000, 0x7fc00000, 0xff800000));
    run_vmx(vx(458, 1, 0, 3), zero, W4(0x3f800000, 0x7f800000, 0x00000001, 0x40400000), zero, 0);
    check_words("vlogefp: log2 1 = +0, inf, 2^-149, log2 3", W4(0, 0x7f800000, 0xc3150000, 0x3fcae00d));
}

int main(void)
{
    decode_init();
    test_decode();
    test_vector_loads();
    test_scalar_loads();
    test_scalar_stores();
    test_load_fault();
    test_permutes();
    test_logical();
    test_unavailable();
    test_vmx_arith();
    test_vmx_nj();
    test_vmx_round_convert();
    test_vmx_compares();
    test_vmx_estimates();
    if (vmx_live)
        tg_destroy(&g);
    return tap_done();
}
