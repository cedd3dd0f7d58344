/*
 * Tests of the VSX floating-point instructions (emu/cpu/insn_vsx_fp.c,
 * Power ISA 2.07 Book I 7.6) and of the FP facility's ftdiv, ftsqrt,
 * fmrgew and fmrgow: what the ISA fixes exactly and QEMU user mode cannot
 * show or settle -- every binutils encoding decoding to its row, the
 * VSX unavailable interrupt with MSR[VSX]=0 (Book III-S 6.5.16), the
 * FPSCR bookkeeping of a vector instruction (exceptions of every element
 * accumulate; one enabled exception in any element leaves the whole
 * target alone: the ex_flag of the 7.6 pseudocode), xsmaxdp/xsmindp on
 * signed zeros and NaNs, an integer conversion's saturation and -0,
 * doubleword 1 of a scalar result, the word layout of the conversions,
 * and the vector compares' CR6.
 */
#include "tests/tap.h"

#include <string.h>

#include "emu/cpu/fpu.h"
#include "emu/cpu/insn.h"
#include "tests/common/guest_asm.h"

#define RAM_SIZE 0x100000ull

static struct test_guest g;

/* ---- encoders (checked against binutils in test_decode) ---- */

static uint32_t xx3(unsigned xo, unsigned t, unsigned a, unsigned b)
{
    return 60u << 26 | (t & 31) << 21 | (a & 31) << 16 | (b & 31) << 11 | xo << 3 | (a >> 5) << 2 |
           (b >> 5) << 1 | t >> 5;
}
static uint32_t xx2(unsigned xo, unsigned t, unsigned b)
{
    return 60u << 26 | (t & 31) << 21 | (b & 31) << 11 | xo << 2 | (b >> 5) << 1 | t >> 5;
}
static uint32_t xx3r(unsigned xo, unsigned rc, unsigned t, unsigned a, unsigned b)
{
    return xx3(xo, t, a, b) | rc << 10;
}

static uint32_t xsadddp(unsigned t, unsigned a, unsigned b) { return xx3(32, t, a, b); }
static uint32_t xsmulsp(unsigned t, unsigned a, unsigned b) { return xx3(16, t, a, b); }
static uint32_t xsmaxdp(unsigned t, unsigned a, unsigned b) { return xx3(160, t, a, b); }
static uint32_t xsmindp(unsigned t, unsigned a, unsigned b) { return xx3(168, t, a, b); }
static uint32_t xvadddp(unsigned t, unsigned a, unsigned b) { return xx3(96, t, a, b); }
static uint32_t xvaddsp(unsigned t, unsigned a, unsigned b) { return xx3(64, t, a, b); }
static uint32_t xvmaxsp(unsigned t, unsigned a, unsigned b) { return xx3(192, t, a, b); }
static uint32_t xvminsp(unsigned t, unsigned a, unsigned b) { return xx3(200, t, a, b); }
static uint32_t xvredp(unsigned t, unsigned b) { return xx2(218, t, b); }
static uint32_t xvresp(unsigned t, unsigned b) { return xx2(154, t, b); }
static uint32_t xvrsqrtesp(unsigned t, unsigned b) { return xx2(138, t, b); }
static uint32_t xscvdpsxws(unsigned t, unsigned b) { return xx2(88, t, b); }
static uint32_t xscvdpuxds(unsigned t, unsigned b) { return xx2(328, t, b); }
static uint32_t xvcvdpsxds(unsigned t, unsigned b) { return xx2(472, t, b); }
static uint32_t xvcvspuxws(unsigned t, unsigned b) { return xx2(136, t, b); }
static uint32_t xscvdpsp(unsigned t, unsigned b) { return xx2(265, t, b); }
static uint32_t xvcvdpsp(unsigned t, unsigned b) { return xx2(393, t, b); }
static uint32_t xvcmpeqdp(unsigned rc, unsigned t, unsigned a, unsigned b) { return xx3r(99, rc, t, a, b); }
static uint32_t xvcmpgtsp(unsigned rc, unsigned t, unsigned a, unsigned b) { return xx3r(75, rc, t, a, b); }
static uint32_t xvcmpgedp(unsigned rc, unsigned t, unsigned a, unsigned b) { return xx3r(115, rc, t, a, b); }
static uint32_t xstdivdp(unsigned bf, unsigned a, unsigned b) { return xx3(61, bf << 2, a, b); }
static uint32_t xvtsqrtsp(unsigned bf, unsigned b) { return xx2(170, bf << 2, b); }

/* ---- the test machine ---- */

#define ONE 0x3ff0000000000000ull
#define TWO 0x4000000000000000ull
#define INF 0x7ff0000000000000ull
#define NEG (1ull << 63)
#define QNAN 0x7ff8000000000000ull
#define SNAN 0x7ff4000000000000ull     /* signalling, payload bit 50 */
#define BIG 0x7fe0000000000000ull      /* 2^1023 */

/* A fresh little-endian machine with MSR[FP] and MSR[VSX] on (MSR[FE0
 * FE1] off: an enabled exception only sets FEX). */
static void fresh(void)
{
    tg_init(&g, RAM_SIZE, true);
    g.cpu.msr[0] |= MSR_FP | MSR_VSX;
}

static void step(uint32_t insn)
{
    tg_emit(&g, insn);
    tg_run(&g, 1);
}

static void set_vsr(unsigned x, uint64_t dw0, uint64_t dw1)
{
    g.cpu.vsr[2 * x] = dw0;
    g.cpu.vsr[2 * x + 1] = dw1;
}

static uint64_t dw(unsigned x, unsigned i) { return g.cpu.vsr[2 * x + i]; }

static unsigned cr_fld(unsigned bf) { return (unsigned)(g.cpu.cr[0] >> (28 - 4 * bf)) & 0xf; }

/* ---- decoding ---- */

static void test_decode(void)
{
    /* binutils 2.40, powerpc64le-linux-gnu-as -mpower8: "m 1,2,3" for the
     * XX3 and XX3R forms (and "m. 1,2,3"), "m 1,2,3" with BF = cr1 for
     * xstdivdp & co, "m 1,3" for XX2 (BF = cr1 for xstsqrtdp & co). */
    static const struct { uint32_t word; const char *text; } binutils[] = {
        { 0xf0221900, "xsadddp" },
        { 0xf0221940, "xssubdp" },
        { 0xf0221980, "xsmuldp" },
        { 0xf02219c0, "xsdivdp" },
        { 0xf0221908, "xsmaddadp" },
        { 0xf0221948, "xsmaddmdp" },
        { 0xf0221988, "xsmsubadp" },
        { 0xf02219c8, "xsmsubmdp" },
        { 0xf0221d08, "xsnmaddadp" },
        { 0xf0221d48, "xsnmaddmdp" },
        { 0xf0221d88, "xsnmsubadp" },
        { 0xf0221dc8, "xsnmsubmdp" },
        { 0xf0221d00, "xsmaxdp" },
        { 0xf0221d40, "xsmindp" },
        { 0xf0221d80, "xscpsgndp" },
        { 0xf0221800, "xsaddsp" },
        { 0xf0221840, "xssubsp" },
        { 0xf0221880, "xsmulsp" },
        { 0xf02218c0, "xsdivsp" },
        { 0xf0221808, "xsmaddasp" },
        { 0xf0221848, "xsmaddmsp" },
        { 0xf0221888, "xsmsubasp" },
        { 0xf02218c8, "xsmsubmsp" },
        { 0xf0221c08, "xsnmaddasp" },
        { 0xf0221c48, "xsnmaddmsp" },
        { 0xf0221c88, "xsnmsubasp" },
        { 0xf0221cc8, "xsnmsubmsp" },
        { 0xf0221b00, "xvadddp" },
        { 0xf0221b40, "xvsubdp" },
        { 0xf0221b80, "xvmuldp" },
        { 0xf0221bc0, "xvdivdp" },
        { 0xf0221a00, "xvaddsp" },
        { 0xf0221a40, "xvsubsp" },
        { 0xf0221a80, "xvmulsp" },
        { 0xf0221ac0, "xvdivsp" },
        { 0xf0221b08, "xvmaddadp" },
        { 0xf0221b48, "xvmaddmdp" },
        { 0xf0221b88, "xvmsubadp" },
        { 0xf0221bc8, "xvmsubmdp" },
        { 0xf0221f08, "xvnmaddadp" },
        { 0xf0221f48, "xvnmaddmdp" },
        { 0xf0221f88, "xvnmsubadp" },
        { 0xf0221fc8, "xvnmsubmdp" },
        { 0xf0221a08, "xvmaddasp" },
        { 0xf0221a48, "xvmaddmsp" },
        { 0xf0221a88, "xvmsubasp" },
        { 0xf0221ac8, "xvmsubmsp" },
        { 0xf0221e08, "xvnmaddasp" },
        { 0xf0221e48, "xvnmaddmsp" },
        { 0xf0221e88, "xvnmsubasp" },
        { 0xf0221ec8, "xvnmsubmsp" },
        { 0xf0221f00, "xvmaxdp" },
        { 0xf0221e00, "xvmaxsp" },
        { 0xf0221f40, "xvmindp" },
        { 0xf0221e40, "xvminsp" },
        { 0xf0221f80, "xvcpsgndp" },
        { 0xf0221e80, "xvcpsgnsp" },
        { 0xf08219e8, "xstdivdp" },
        { 0xf0821918, "xscmpudp" },
        { 0xf0821958, "xscmpodp" },
        { 0xf0821be8, "xvtdivdp" },
        { 0xf0821ae8, "xvtdivsp" },
        { 0xf08019a8, "xstsqrtdp" },
        { 0xf0801ba8, "xvtsqrtdp" },
        { 0xf0801aa8, "xvtsqrtsp" },
        { 0xf0221b18, "xvcmpeqdp" },
        { 0xf0221f18, "xvcmpeqdp." },
        { 0xf0221b98, "xvcmpgedp" },
        { 0xf0221f98, "xvcmpgedp." },
        { 0xf0221b58, "xvcmpgtdp" },
        { 0xf0221f58, "xvcmpgtdp." },
        { 0xf0221a18, "xvcmpeqsp" },
        { 0xf0221e18, "xvcmpeqsp." },
        { 0xf0221a98, "xvcmpgesp" },
        { 0xf0221e98, "xvcmpgesp." },
        { 0xf0221a58, "xvcmpgtsp" },
        { 0xf0221e58, "xvcmpgtsp." },
        { 0xf020192c, "xssqrtdp" },
        { 0xf0201968, "xsredp" },
        { 0xf0201928, "xsrsqrtedp" },
        { 0xf0201d64, "xsabsdp" },
        { 0xf0201da4, "xsnabsdp" },
        { 0xf0201de4, "xsnegdp" },
        { 0xf0201924, "xsrdpi" },
        { 0xf02019ac, "xsrdpic" },
        { 0xf02019e4, "xsrdpim" },
        { 0xf02019a4, "xsrdpip" },
        { 0xf0201964, "xsrdpiz" },
        { 0xf020182c, "xssqrtsp" },
        { 0xf0201868, "xsresp" },
        { 0xf0201828, "xsrsqrtesp" },
        { 0xf0201c64, "xsrsp" },
        { 0xf0201c24, "xscvdpsp" },
        { 0xf0201c2c, "xscvdpspn" },
        { 0xf0201d24, "xscvspdp" },
        { 0xf0201d2c, "xscvspdpn" },
        { 0xf0201d60, "xscvdpsxds" },
        { 0xf0201960, "xscvdpsxws" },
        { 0xf0201d20, "xscvdpuxds" },
        { 0xf0201920, "xscvdpuxws" },
        { 0xf0201de0, "xscvsxddp" },
        { 0xf0201da0, "xscvuxddp" },
        { 0xf0201ce0, "xscvsxdsp" },
        { 0xf0201ca0, "xscvuxdsp" },
        { 0xf0201b2c, "xvsqrtdp" },
        { 0xf0201a2c, "xvsqrtsp" },
        { 0xf0201b68, "xvredp" },
        { 0xf0201a68, "xvresp" },
        { 0xf0201b28, "xvrsqrtedp" },
        { 0xf0201a28, "xvrsqrtesp" },
        { 0xf0201f64, "xvabsdp" },
        { 0xf0201e64, "xvabssp" },
        { 0xf0201fa4, "xvnabsdp" },
        { 0xf0201ea4, "xvnabssp" },
        { 0xf0201fe4, "xvnegdp" },
        { 0xf0201ee4, "xvnegsp" },
        { 0xf0201e24, "xvcvdpsp" },
        { 0xf0201f24, "xvcvspdp" },
        { 0xf0201f60, "xvcvdpsxds" },
        { 0xf0201b60, "xvcvdpsxws" },
        { 0xf0201f20, "xvcvdpuxds" },
        { 0xf0201b20, "xvcvdpuxws" },
        { 0xf0201e60, "xvcvspsxds" },
        { 0xf0201a60, "xvcvspsxws" },
        { 0xf0201e20, "xvcvspuxds" },
        { 0xf0201a20, "xvcvspuxws" },
        { 0xf0201fe0, "xvcvsxddp" },
        { 0xf0201ee0, "xvcvsxdsp" },
        { 0xf0201be0, "xvcvsxwdp" },
        { 0xf0201ae0, "xvcvsxwsp" },
        { 0xf0201fa0, "xvcvuxddp" },
        { 0xf0201ea0, "xvcvuxdsp" },
        { 0xf0201ba0, "xvcvuxwdp" },
        { 0xf0201aa0, "xvcvuxwsp" },
        { 0xf0201b24, "xvrdpi" },
        { 0xf0201bac, "xvrdpic" },
        { 0xf0201be4, "xvrdpim" },
        { 0xf0201ba4, "xvrdpip" },
        { 0xf0201b64, "xvrdpiz" },
        { 0xf0201a24, "xvrspi" },
        { 0xf0201aac, "xvrspic" },
        { 0xf0201ae4, "xvrspim" },
        { 0xf0201aa4, "xvrspip" },
        { 0xf0201a64, "xvrspiz" },
    };
    const size_t n = sizeof binutils / sizeof binutils[0];
    unsigned wrong = 0;
    for (size_t i = 0; i < n; i++) {
        char row[32];
        strncpy(row, binutils[i].text, sizeof row - 1);
        row[sizeof row - 1] = 0;
        size_t len = strlen(row);
        if (len && row[len - 1] == '.')
            row[len - 1] = 0;
        const struct insn_def *d = decode_word(binutils[i].word);
        if (!d || strcmp(d->mnemonic, row) || (binutils[i].word & d->reserved)) {
            if (wrong++ < 10)
                tap_diag("%s = %08x decodes as %s", binutils[i].text, binutils[i].word, d ? d->mnemonic : "nothing");
        }
    }
    is_u64(wrong, 0, "%zu binutils encodings decode to their rows", n);
    is_u64(xsadddp(1, 2, 3), 0xf0221900, "encoder xsadddp");
    is_u64(xvcmpeqdp(1, 1, 2, 3), 0xf0221f18, "encoder xvcmpeqdp.");
    is_u64(xstdivdp(1, 2, 3), 0xf08219e8, "encoder xstdivdp");
    is_u64(xvtsqrtsp(1, 3), 0xf0801aa8, "encoder xvtsqrtsp");
    is_u64(xscvdpsxws(1, 3), 0xf0201960, "encoder xscvdpsxws");
    /* The 6-bit register fields: xsadddp vs33,vs34,vs35 (binutils). */
    is_u64(xsadddp(33, 34, 35), 0xf0221907, "encoder xsadddp vs33,vs34,vs35");
    /* Reserved bits: BF forms' bit 31 and 9:10, XX2's 11:15. */
    const struct insn_def *d = decode_word(0xf0201960 | 1u << 16);
    ok(d && (0xf0211960 & d->reserved), "xscvdpsxws with bits 11:15 set is an invalid form");
    d = decode_word(0xf08219e8 | 1);
    ok(d && (d->reserved & 1), "xstdivdp with bit 31 set is an invalid form");
    /* ftdiv, ftsqrt, fmrgew, fmrgow (binutils). */
    static const struct { uint32_t word; const char *row; } fp[] = {
        { 0xfc821900, "ftdiv" }, { 0xfc801940, "ftsqrt" }, { 0xfc221f8c, "fmrgew" }, { 0xfc221e8c, "fmrgow" },
    };
    for (size_t i = 0; i < 4; i++) {
        d = decode_word(fp[i].word);
        ok(d && !strcmp(d->mnemonic, fp[i].row) && !(fp[i].word & d->reserved), "%s decodes", fp[i].row);
    }
}

/* ---- MSR[VSX] = 0 ---- */

/* Book III-S 6.5.16: the VSX unavailable interrupt at 0xf40, SRR0 at the
 * instruction, no SRR1 cause bits; nothing written. */
static void test_unavailable(void)
{
    static const struct { uint32_t insn; const char *what; } cases[] = {
        { 0xf0221900, "xsadddp" }, { 0xf0221b00, "xvadddp" }, { 0xf0221f18, "xvcmpeqdp." },
        { 0xf0201960, "xscvdpsxws" }, { 0xf08219e8, "xstdivdp" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tg_init(&g, RAM_SIZE, true);
        g.cpu.msr[0] |= MSR_FP | MSR_VEC;           /* FP and VMX on do not help */
        uint64_t msr = g.cpu.msr[0];
        set_vsr(1, 0x1111, 0x2222);
        set_vsr(2, ONE, ONE);
        set_vsr(3, ONE, ONE);
        step(cases[i].insn);
        is_u64(g.cpu.nip[0], 0xf40, "%s with MSR[VSX]=0: VSX unavailable at 0xf40", cases[i].what);
        is_u64(g.cpu.srr0[0], TG_CODE, "%s: SRR0 is the instruction", cases[i].what);
        is_u64(g.cpu.srr1[0], msr, "%s: SRR1 is the MSR, no cause bits", cases[i].what);
        ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222 && g.cpu.fpscr[0] == 0 && g.cpu.cr[0] == 0,
           "%s: nothing written", cases[i].what);
        tg_destroy(&g);
    }
}

/* ---- vector FPSCR bookkeeping ---- */

static void test_vector_exceptions(void)
{
    /* xvadddp: element 0 is 1 + 1, element 1 is inf + -inf (VXISI). */
    fresh();
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, ONE, INF);
    set_vsr(3, ONE, INF | NEG);
    step(xvadddp(1, 2, 3));
    is_u64(dw(1, 0), TWO, "xvadddp VE=0: element 0 = 2.0");
    is_u64(dw(1, 1), QNAN, "xvadddp VE=0: element 1 = default QNaN (inf - inf)");
    is_u64(g.cpu.fpscr[0], FPSCR_FX | FPSCR_VX | FPSCR_VXISI, "xvadddp VE=0: FX VX VXISI, FPRF/FR/FI untouched");
    tg_destroy(&g);

    /* The same with VE=1: the target keeps its old value although element
     * 0 raised nothing; FEX is set; FPRF is never touched by a vector op. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_VE | (FPRF_POS_NORMAL << FPSCR_FPRF_SHIFT) | FPSCR_FR;
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, ONE, INF);
    set_vsr(3, ONE, INF | NEG);
    step(xvadddp(1, 2, 3));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xvadddp VE=1, invalid in element 1: target unchanged");
    is_u64(g.cpu.fpscr[0], FPSCR_VE | (FPRF_POS_NORMAL << FPSCR_FPRF_SHIFT) | FPSCR_FR | FPSCR_FX | FPSCR_FEX |
           FPSCR_VX | FPSCR_VXISI, "xvadddp VE=1: FX FEX VX VXISI; FPRF and FR kept");
    ok(g.cpu.nip[0] == TG_CODE + 4, "xvadddp VE=1 with MSR[FE0 FE1]=0: no interrupt");
    tg_destroy(&g);

    /* Overflow in element 0 only, OE=1: vector instructions give no scaled
     * result (7.4.3): target unchanged, OX and (inexact) XX set. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_OE;
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, BIG, ONE);
    set_vsr(3, BIG, ONE);
    step(xvadddp(1, 2, 3));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xvadddp OE=1, overflow in element 0: target unchanged");
    is_u64(g.cpu.fpscr[0], FPSCR_OE | FPSCR_FX | FPSCR_FEX | FPSCR_OX, "xvadddp OE=1: FX FEX OX");
    tg_destroy(&g);

    /* The same with OE=0: infinity, OX XX, FR FI untouched (vector). */
    fresh();
    set_vsr(2, BIG, ONE);
    set_vsr(3, BIG, ONE);
    step(xvadddp(1, 2, 3));
    ok(dw(1, 0) == INF && dw(1, 1) == TWO, "xvadddp OE=0: inf and 2.0");
    is_u64(g.cpu.fpscr[0], FPSCR_FX | FPSCR_OX | FPSCR_XX, "xvadddp OE=0: FX OX XX, not FR/FI");
    tg_destroy(&g);

    /* xvaddsp on single-format words: 1+1, 2^127+2^127 (overflow), an SNaN
     * in element 2 (quieted, VXSNAN), -0 + -0. */
    fresh();
    set_vsr(2, 0x3f8000007f000000ull, 0x7fa00000ull << 32 | 0x80000000u);
    set_vsr(3, 0x3f8000007f000000ull, 0x3f80000080000000ull);
    step(xvaddsp(1, 2, 3));
    is_u64(dw(1, 0), 0x400000007f800000ull, "xvaddsp: 2.0 and +inf (words 0, 1)");
    is_u64(dw(1, 1), 0x7fe0000080000000ull, "xvaddsp: quieted SNaN and -0 (words 2, 3)");
    is_u64(g.cpu.fpscr[0], FPSCR_FX | FPSCR_VX | FPSCR_VXSNAN | FPSCR_OX | FPSCR_XX, "xvaddsp: FX VX VXSNAN OX XX");
    tg_destroy(&g);

    /* XE=1: an inexact element suppresses the target too. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_XE;
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, ONE, ONE);
    set_vsr(3, ONE, 0x3ca0000000000000ull);   /* 2^-53: 1 + 2^-53 is inexact */
    step(xvadddp(1, 2, 3));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xvadddp XE=1, inexact element 1: target unchanged");
    is_u64(g.cpu.fpscr[0], FPSCR_XE | FPSCR_FX | FPSCR_FEX | FPSCR_XX, "xvadddp XE=1: FX FEX XX");
    tg_destroy(&g);
}

/* ---- scalars: doubleword 1, enabled exceptions ---- */

static void test_scalar(void)
{
    fresh();
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, ONE, 0x3333);
    set_vsr(3, ONE, 0x4444);
    step(xsadddp(1, 2, 3));
    ok(dw(1, 0) == TWO && dw(1, 1) == 0, "xsadddp: 2.0 in doubleword 0, doubleword 1 zeroed (QEMU)");
    is_u64(g.cpu.fpscr[0], FPRF_POS_NORMAL << FPSCR_FPRF_SHIFT, "xsadddp: FPRF +normal");
    tg_destroy(&g);

    /* Scalar VE=1 invalid: target and FPRF unchanged, FR FI cleared. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_VE | FPSCR_FR | FPSCR_FI | (FPRF_POS_ZERO << FPSCR_FPRF_SHIFT);
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, INF, 0);
    set_vsr(3, INF | NEG, 0);
    step(xsadddp(1, 2, 3));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xsadddp VE=1 inf-inf: target unchanged");
    is_u64(g.cpu.fpscr[0], FPSCR_VE | (FPRF_POS_ZERO << FPSCR_FPRF_SHIFT) | FPSCR_FX | FPSCR_FEX | FPSCR_VX |
           FPSCR_VXISI, "xsadddp VE=1: FPRF kept, FR FI cleared");
    tg_destroy(&g);

    /* xscvdpsp: the single in words 0 and 1 (QEMU), FPRF as a single. */
    fresh();
    set_vsr(2, 0x3ff8000000000000ull, 5);
    step(xscvdpsp(1, 2));
    ok(dw(1, 0) == 0x3fc000003fc00000ull && dw(1, 1) == 0, "xscvdpsp 1.5: 0x3fc00000 twice, doubleword 1 zero");
    tg_destroy(&g);

    /* Sign moves leave the FPSCR alone: no FP-enabled interrupt even with
     * FEX already set and MSR[FE0 FE1] on (as fmr & co). */
    fresh();
    g.cpu.msr[0] |= MSR_FE0 | MSR_FE1;
    g.cpu.fpscr[0] = FPSCR_FX | FPSCR_FEX | FPSCR_XX | FPSCR_XE;
    set_vsr(2, ONE | NEG, 7);
    step(xx2(345, 1, 2));   /* xsabsdp vs1,vs2 */
    ok(dw(1, 0) == ONE && dw(1, 1) == 0 && g.cpu.nip[0] == TG_CODE + 4, "xsabsdp with FEX set: done, no interrupt");
    is_u64(g.cpu.fpscr[0], FPSCR_FX | FPSCR_FEX | FPSCR_XX | FPSCR_XE, "xsabsdp: FPSCR unchanged");
    tg_destroy(&g);

    /* xvcvdpsp: word 2i (and 2i+1) from doubleword i. */
    fresh();
    set_vsr(2, ONE, TWO | NEG);
    step(xvcvdpsp(1, 2));
    ok(dw(1, 0) == 0x3f8000003f800000ull && dw(1, 1) == 0xc0000000c0000000ull, "xvcvdpsp: words 0/1 and 2/3");
    tg_destroy(&g);
}

/* ---- xsmaxdp / xsmindp ---- */

static void test_max_min(void)
{
    static const struct { uint64_t a, b, max, min; bool vxsnan; const char *what; } cases[] = {
        { 0, NEG, 0, NEG, false, "+0, -0" },
        { NEG, 0, 0, NEG, false, "-0, +0" },
        { NEG, NEG, NEG, NEG, false, "-0, -0" },
        { QNAN | 1, ONE, ONE, ONE, false, "QNaN, 1" },
        { ONE, QNAN | 1, ONE, ONE, false, "1, QNaN" },
        { QNAN | 1, QNAN | 2, QNAN | 1, QNAN | 1, false, "QNaN1, QNaN2: the first" },
        { SNAN, ONE, SNAN | 1ull << 51, SNAN | 1ull << 51, true, "SNaN, 1: the SNaN quieted" },
        { ONE, SNAN, SNAN | 1ull << 51, SNAN | 1ull << 51, true, "1, SNaN: the SNaN quieted" },
        { QNAN | 1, SNAN, SNAN | 1ull << 51, SNAN | 1ull << 51, true, "QNaN, SNaN: the SNaN quieted (ISA)" },
        { ONE | NEG, TWO, TWO, ONE | NEG, false, "-1, 2" },
        { INF | NEG, TWO | NEG, TWO | NEG, INF | NEG, false, "-inf, -2" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int is_max = 1; is_max >= 0; is_max--) {
            fresh();
            g.cpu.fpscr[0] = FPRF_POS_INF << FPSCR_FPRF_SHIFT;
            set_vsr(2, cases[i].a, 0);
            set_vsr(3, cases[i].b, 0);
            step(is_max ? xsmaxdp(1, 2, 3) : xsmindp(1, 2, 3));
            is_u64(dw(1, 0), is_max ? cases[i].max : cases[i].min, "%s %s", is_max ? "xsmaxdp" : "xsmindp",
                   cases[i].what);
            is_u64(g.cpu.fpscr[0], (FPRF_POS_INF << FPSCR_FPRF_SHIFT) |
                   (cases[i].vxsnan ? FPSCR_FX | FPSCR_VX | FPSCR_VXSNAN : 0),
                   "%s %s: FPSCR (FPRF untouched)", is_max ? "xsmaxdp" : "xsmindp", cases[i].what);
            tg_destroy(&g);
        }
    }
    /* An SNaN with VE=1: the target is left alone. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_VE;
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, SNAN, 0);
    set_vsr(3, ONE, 0);
    step(xsmaxdp(1, 2, 3));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xsmaxdp VE=1 SNaN: target unchanged");
    tg_destroy(&g);
    /* xvmaxsp on words: +0/-0, QNaN/number, SNaN quieted in single format. */
    fresh();
    set_vsr(2, 0x80000000ull << 32 | 0x7fc00001u, 0x7f800001ull << 32 | 0xbf800000u);
    set_vsr(3, 0x00000000ull << 32 | 0x3f800000u, 0x3f800000ull << 32 | 0xc0000000u);
    step(xvmaxsp(1, 2, 3));
    ok(dw(1, 0) == (0x00000000ull << 32 | 0x3f800000u) && dw(1, 1) == (0x7fc00001ull << 32 | 0xbf800000u),
       "xvmaxsp: +0, 1.0, quieted SNaN, -1.0");
    tg_destroy(&g);
}

/* ---- conversions: saturation and -0 ---- */

static void test_conversions(void)
{
    static const struct { uint32_t insn; uint64_t b, want, fpscr; const char *what; } cases[] = {
        /* 1e10 does not fit a signed word: 0x7fffffff, VXCVI; the word is
         * in words 0 and 1 (QEMU), doubleword 1 zero. */
        { 0, 0x4202a05f20000000ull, 0x7fffffff7fffffffull, FPSCR_FX | FPSCR_VX | FPSCR_VXCVI, "xscvdpsxws 1e10" },
        { 0, 0xc202a05f20000000ull, 0x8000000080000000ull, FPSCR_FX | FPSCR_VX | FPSCR_VXCVI, "xscvdpsxws -1e10" },
        { 0, QNAN, 0x8000000080000000ull, FPSCR_FX | FPSCR_VX | FPSCR_VXCVI, "xscvdpsxws NaN" },
        { 0, NEG, 0, 0, "xscvdpsxws -0: 0, no exception" },
        { 1, NEG, 0, 0, "xscvdpuxds -0: 0, no exception" },
        { 1, 0xbfe0000000000000ull, 0, FPSCR_FX | FPSCR_XX | FPSCR_FI, "xscvdpuxds -0.5: 0, inexact only" },
        { 1, ONE | NEG, 0, FPSCR_FX | FPSCR_VX | FPSCR_VXCVI, "xscvdpuxds -1: saturates to 0, VXCVI" },
        { 1, 0x43f0000000000000ull, ~0ull, FPSCR_FX | FPSCR_VX | FPSCR_VXCVI, "xscvdpuxds 2^64: saturates" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fresh();
        set_vsr(1, 0x1111, 0x2222);
        set_vsr(2, cases[i].b, 0x3333);
        step(cases[i].insn ? xscvdpuxds(1, 2) : xscvdpsxws(1, 2));
        ok(dw(1, 0) == cases[i].want && dw(1, 1) == 0, "%s: %016llx", cases[i].what, (unsigned long long)dw(1, 0));
        is_u64(g.cpu.fpscr[0], cases[i].fpscr, "%s: FPSCR", cases[i].what);
        tg_destroy(&g);
    }
    /* Vector: -0 and -2^63 - 2048 (rounds to -2^63... is -2^63 exactly
     * representable? the next double below is out of range). */
    fresh();
    set_vsr(2, NEG, 0xc3e0000000000001ull);
    step(xvcvdpsxds(1, 2));
    ok(dw(1, 0) == 0 && dw(1, 1) == 1ull << 63, "xvcvdpsxds: -0 -> 0, below -2^63 -> saturated");
    is_u64(g.cpu.fpscr[0], FPSCR_FX | FPSCR_VX | FPSCR_VXCVI, "xvcvdpsxds: VXCVI from element 1, FR/FI untouched");
    tg_destroy(&g);
    /* xvcvspuxws on words: -0.0, 3.75, -1.0 (saturates), NaN. */
    fresh();
    set_vsr(2, 0x80000000ull << 32 | 0x40700000u, 0xbf800000ull << 32 | 0x7fc00000u);
    step(xvcvspuxws(1, 2));
    ok(dw(1, 0) == 3 && dw(1, 1) == 0, "xvcvspuxws: 0, 3, 0 (saturated), 0 (NaN)");
    is_u64(g.cpu.fpscr[0], FPSCR_FX | FPSCR_VX | FPSCR_VXCVI | FPSCR_XX, "xvcvspuxws: VXCVI XX");
    tg_destroy(&g);
}

/* ---- compares and CR6 ---- */

static void test_compares(void)
{
    static const struct { uint64_t a0, a1, b0, b1; unsigned cr6; uint64_t r0, r1; const char *what; } eq[] = {
        { ONE, TWO, ONE, TWO, 8, ~0ull, ~0ull, "all equal" },
        { ONE, TWO, TWO, ONE, 2, 0, 0, "none equal" },
        { ONE, TWO, ONE, ONE, 0, ~0ull, 0, "one equal" },
        { 0, QNAN, NEG, QNAN, 0, ~0ull, 0, "+0 = -0, NaN unequal" },
    };
    for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
        fresh();
        g.cpu.cr[0] = 0x55555555;
        set_vsr(2, eq[i].a0, eq[i].a1);
        set_vsr(3, eq[i].b0, eq[i].b1);
        step(xvcmpeqdp(1, 1, 2, 3));
        ok(dw(1, 0) == eq[i].r0 && dw(1, 1) == eq[i].r1, "xvcmpeqdp. %s: masks", eq[i].what);
        is_u64(g.cpu.cr[0], 0x55555505 | eq[i].cr6 << 4, "xvcmpeqdp. %s: CR6 = %u, the rest kept", eq[i].what,
               eq[i].cr6);
        is_u64(g.cpu.fpscr[0], 0, "xvcmpeqdp. %s: no exception for a QNaN", eq[i].what);
        tg_destroy(&g);
    }
    /* Rc = 0 leaves CR alone. */
    fresh();
    g.cpu.cr[0] = 0x55555555;
    set_vsr(2, ONE, ONE);
    set_vsr(3, ONE, ONE);
    step(xvcmpeqdp(0, 1, 2, 3));
    is_u64(g.cpu.cr[0], 0x55555555, "xvcmpeqdp (Rc=0): CR unchanged");
    tg_destroy(&g);
    /* xvcmpgtsp. on words: 2>1, 1>2 no, -0>+0 no, 3>1. */
    fresh();
    set_vsr(2, 0x40000000ull << 32 | 0x3f800000u, 0x80000000ull << 32 | 0x40400000u);
    set_vsr(3, 0x3f800000ull << 32 | 0x40000000u, 0x00000000ull << 32 | 0x3f800000u);
    step(xvcmpgtsp(1, 1, 2, 3));
    ok(dw(1, 0) == 0xffffffff00000000ull && dw(1, 1) == 0x00000000ffffffffull, "xvcmpgtsp.: word masks");
    is_u64(cr_fld(6), 0, "xvcmpgtsp.: mixed, CR6 = 0");
    tg_destroy(&g);
    /* xvcmpgedp. with a QNaN: VXVC; with VE=1 the target stays but CR6 is
     * still set (all false). */
    fresh();
    g.cpu.fpscr[0] = FPSCR_VE;
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, QNAN, ONE);
    set_vsr(3, ONE, TWO);
    step(xvcmpgedp(1, 1, 2, 3));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xvcmpgedp. VE=1 QNaN: target unchanged");
    is_u64(cr_fld(6), 2, "xvcmpgedp. VE=1 QNaN: CR6 all false");
    is_u64(g.cpu.fpscr[0], FPSCR_VE | FPSCR_FX | FPSCR_FEX | FPSCR_VX | FPSCR_VXVC, "xvcmpgedp. VE=1: VXVC, FEX");
    tg_destroy(&g);
    /* SNaN with VE=1: VXSNAN only (as fcmpo). */
    fresh();
    g.cpu.fpscr[0] = FPSCR_VE;
    set_vsr(2, SNAN, ONE);
    set_vsr(3, ONE, ONE);
    step(xvcmpgedp(0, 1, 2, 3));
    is_u64(g.cpu.fpscr[0], FPSCR_VE | FPSCR_FX | FPSCR_FEX | FPSCR_VX | FPSCR_VXSNAN, "xvcmpgedp VE=1 SNaN: VXSNAN only");
    tg_destroy(&g);
}

/* ---- the test instructions ---- */

static void test_tests(void)
{
    static const struct { uint64_t a, b; unsigned cr; const char *what; } div[] = {
        { ONE, TWO, 8, "1/2: no flags" },
        { ONE, 0, 0xe, "1/0: fg fe" },
        { INF, ONE, 0xe, "inf/1: fg fe" },
        { QNAN, ONE, 0xa, "NaN/1: fe" },
        { ONE, 1, 0xe, "1/denormal: fg fe" },
        { 0x7fe0000000000000ull, ONE, 0xa, "2^1023/1: fe (e_a - e_b >= 1023)" },
        { 0x7fd0000000000000ull, ONE, 8, "2^1022/1: nothing" },
        { ONE, 0x7fc0000000000000ull, 0xa, "1/2^1021: fe (e_b >= 1021)" },
        { 0, 0x7fb0000000000000ull, 8, "0/2^1020: nothing" },
    };
    for (size_t i = 0; i < sizeof div / sizeof div[0]; i++) {
        fresh();
        set_vsr(2, div[i].a, 0);
        set_vsr(3, div[i].b, 0);
        step(xstdivdp(1, 2, 3));
        is_u64(cr_fld(1), div[i].cr, "xstdivdp %s", div[i].what);
        tg_destroy(&g);
    }
    /* xvtsqrtsp: the flags of all four words ORed: 4.0, 1.0, -1.0 (fe), 2^-110 (fe). */
    fresh();
    set_vsr(2, 0x408000003f800000ull, 0xbf80000008800000ull);
    step(xvtsqrtsp(2, 2));
    is_u64(cr_fld(2), 0xa, "xvtsqrtsp: fe from elements 2 and 3");
    tg_destroy(&g);
}

/* ---- round to integer: FR and FI (7.6 xsrdpi & co) ---- */

static void test_round(void)
{
    /* xsrdpi 2.5 -> 3.0: FR and FI cleared whatever they were, XX not set
     * (the rounding is not an inexact result here), FPRF +normal. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_FR | FPSCR_FI;
    set_vsr(2, 0x4004000000000000ull, 0);
    step(xx2(73, 1, 2));
    is_u64(dw(1, 0), 0x4008000000000000ull, "xsrdpi 2.5 = 3.0 (ties away)");
    is_u64(g.cpu.fpscr[0], FPRF_POS_NORMAL << FPSCR_FPRF_SHIFT, "xsrdpi: FR FI cleared, no XX");
    tg_destroy(&g);
    /* xsrdpic 2.5 in RN = nearest even: 2.0, inexact: XX FI, FR 0. */
    fresh();
    set_vsr(2, 0x4004000000000000ull, 0);
    step(xx2(107, 1, 2));
    is_u64(dw(1, 0), TWO, "xsrdpic 2.5 (RN even) = 2.0");
    is_u64(g.cpu.fpscr[0], FPSCR_FX | FPSCR_XX | FPSCR_FI | (FPRF_POS_NORMAL << FPSCR_FPRF_SHIFT),
           "xsrdpic: FX XX FI");
    tg_destroy(&g);
    /* xvrspic on words in RN = +inf: 1.25 -> 2.0, -1.25 -> -1.0; XX, and
     * FR/FI untouched (vector). */
    fresh();
    g.cpu.fpscr[0] = FPU_RN_PLUS_INF;
    set_vsr(2, 0x3fa00000bfa00000ull, 0x4040000000000000ull);
    step(xx2(171, 1, 2));
    ok(dw(1, 0) == 0x40000000bf800000ull && dw(1, 1) == 0x4040000000000000ull, "xvrspic RN=+inf: 2, -1, 3, 0");
    is_u64(g.cpu.fpscr[0], FPU_RN_PLUS_INF | FPSCR_FX | FPSCR_XX, "xvrspic: FX XX only");
    tg_destroy(&g);
    /* xvcvdpsxds: an element after a NaN element converts normally (QEMU
     * 7.2 gives it the NaN result too). */
    fresh();
    set_vsr(2, QNAN, 0xc040200000000000ull);   /* NaN, -32.25 */
    step(xvcvdpsxds(1, 2));
    ok(dw(1, 0) == 1ull << 63 && dw(1, 1) == (uint64_t)-32, "xvcvdpsxds NaN, -32.25: 0x8000..., -32");
    tg_destroy(&g);
}

/* ---- ftdiv, ftsqrt, fmrgew, fmrgow ---- */

static void test_fp_additions(void)
{
    fresh();
    set_vsr(2, 0x0123456789abcdefull, 7);
    set_vsr(3, 0xfedcba9876543210ull, 9);
    step(0xfc221f8c);   /* fmrgew f1,f2,f3 */
    is_u64(dw(1, 0), 0x01234567fedcba98ull, "fmrgew: the even words");
    tg_destroy(&g);
    fresh();
    set_vsr(2, 0x0123456789abcdefull, 7);
    set_vsr(3, 0xfedcba9876543210ull, 9);
    step(0xfc221e8c);   /* fmrgow f1,f2,f3 */
    is_u64(dw(1, 0), 0x89abcdef76543210ull, "fmrgow: the odd words");
    tg_destroy(&g);
    fresh();
    set_vsr(2, ONE, 0);
    set_vsr(3, 0, 0);
    step(0xfc821900);   /* ftdiv cr1,f2,f3 */
    is_u64(cr_fld(1), 0xe, "ftdiv 1/0: fg fe");
    tg_destroy(&g);
    fresh();
    set_vsr(3, ONE | NEG, 0);
    step(0xfc801940);   /* ftsqrt cr1,f3 */
    is_u64(cr_fld(1), 0xa, "ftsqrt -1: fe");
    tg_destroy(&g);
    /* MSR[FP]=0: FP unavailable (0x800). */
    tg_init(&g, RAM_SIZE, true);
    g.cpu.msr[0] |= MSR_VSX;
    step(0xfc221f8c);
    is_u64(g.cpu.nip[0], 0x800, "fmrgew with MSR[FP]=0: FP unavailable");
    tg_destroy(&g);
}

/* ---- where QEMU 7.2 differs (tests/qemu/qknown.c): the ISA's answer ---- */

static void test_qemu_differences(void)
{
    /* xvmaxsp/xvminsp with UE=1 and a denormal result: the result is the
     * operand and max/min alter FX and VXSNAN only -- no underflow (QEMU
     * re-biases the element and signals UX). Seed 1, cases 16678, 10620. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_UE | FPSCR_OE | FPSCR_XE;
    set_vsr(2, 0x40133432b3a379b1ull, 0x8008ef6e31557dd9ull);
    set_vsr(3, 0xc100000000000800ull, 0x7ff9bac05ac1c8adull);
    step(xvmaxsp(1, 2, 3));
    is_u64(dw(1, 0), 0x4013343200000800ull, "xvmaxsp UE=1: +denormal element as it is");
    is_u64(dw(1, 1), 0x8008ef6e5ac1c8adull, "xvmaxsp UE=1: -denormal element (other a QNaN) as it is");
    is_u64(g.cpu.fpscr[0], FPSCR_UE | FPSCR_OE | FPSCR_XE, "xvmaxsp UE=1, denormal results: FPSCR unchanged");
    step(xvminsp(4, 2, 3));
    is_u64(dw(4, 0), 0xc1000000b3a379b1ull, "xvminsp UE=1: the smaller elements");
    is_u64(g.cpu.fpscr[0], FPSCR_UE | FPSCR_OE | FPSCR_XE, "xvminsp UE=1: FPSCR unchanged");
    tg_destroy(&g);

    /* xvredp of +0 (and of 2.0) with OE=XE=1, ZE=0: +infinity and ZX; XX
     * is not an estimate's (7.6), so no enabled exception (QEMU: no ZX, an
     * inexact interrupt). Seed 1, case 7994. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_OE | FPSCR_XE;
    set_vsr(2, 0, TWO);
    step(xvredp(1, 2));
    is_u64(dw(1, 0), INF, "xvredp of +0: +infinity");
    ok((dw(1, 1) >> 52) == 0x3fe, "xvredp of 2.0: about 0.5");
    is_u64(g.cpu.fpscr[0], FPSCR_OE | FPSCR_XE | FPSCR_FX | FPSCR_ZX, "xvredp of +0, ZE=0: FX ZX only");
    tg_destroy(&g);

    /* xvresp with one element overflowing (1/denormal) and another
     * underflowing (1/-2.2e38): OX and UX both (QEMU: OX only). Seed 1,
     * case 1985. */
    fresh();
    g.cpu.fpscr[0] = 1;   /* RN = toward zero */
    set_vsr(2, 0x4f3dfab200000001ull, 0x41d2ceb7ff26bcceull);
    step(xvresp(1, 2));
    ok((uint32_t)dw(1, 0) == 0x7f7fffffu, "xvresp RN=1 of a denormal: the largest single");
    ok(((uint32_t)dw(1, 1) & 0x7f800000u) == 0 && (uint32_t)dw(1, 1) >> 31,
       "xvresp of -2.2e38: a negative single denormal");
    ok((g.cpu.fpscr[0] & (FPSCR_OX | FPSCR_UX)) == (FPSCR_OX | FPSCR_UX), "xvresp: OX and UX");
    tg_destroy(&g);

    /* xvrsqrtesp of zeros with ZE=1 and ZX already 1: the enabled zero
     * divide still suppresses the target (QEMU writes infinities). Seed
     * 3, case 1269. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_ZE | FPSCR_ZX | FPSCR_FX;
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, 0, 0);
    step(xvrsqrtesp(1, 2));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xvrsqrtesp of zeros, ZE=1, ZX already 1: target unchanged");
    ok(g.cpu.fpscr[0] & FPSCR_FEX, "xvrsqrtesp of zeros, ZE=1: FEX");
    tg_destroy(&g);

    /* xvaddsp: the exact sum of two single denormals with UE=1 (UX already
     * 1) is an enabled underflow: target unchanged (QEMU: none). Seed 4,
     * case 2620. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_UE | FPSCR_UX | FPSCR_FX;
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, 0x0002e10e3f800000ull, 0x3f8000003f800000ull);
    set_vsr(3, 0x800e9dc83f800000ull, 0x3f8000003f800000ull);
    step(xvaddsp(1, 2, 3));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xvaddsp exact tiny, UE=1: target unchanged");
    ok(g.cpu.fpscr[0] & FPSCR_FEX, "xvaddsp exact tiny, UE=1: FEX");
    tg_destroy(&g);

    /* xvcvdpsp with one element overflowing and one underflowing, UE=1:
     * OX, UX and the enabled underflow (QEMU: OX only, no interrupt).
     * Seed 5, case 7335. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_UE | 3;   /* RN = toward -infinity */
    set_vsr(1, 0x1111, 0x2222);
    set_vsr(2, 0x3652f86131a6449cull, 0x6a475d428c4ef062ull);
    step(xvcvdpsp(1, 2));
    ok(dw(1, 0) == 0x1111 && dw(1, 1) == 0x2222, "xvcvdpsp overflow + underflow, UE=1: target unchanged");
    ok((g.cpu.fpscr[0] & (FPSCR_OX | FPSCR_UX | FPSCR_FEX)) == (FPSCR_OX | FPSCR_UX | FPSCR_FEX),
       "xvcvdpsp overflow + underflow, UE=1: OX UX FEX");
    tg_destroy(&g);

    /* xsmulsp of two tiny doubles (product about 2^-1245) with UE=1: an
     * enabled underflow (UX, FEX; the interrupt when FE0/FE1 allow), never
     * an overflow, although the exponent is still below range after the
     * 192 adjustment (QEMU 7.2: OX and FLT_MAX, no interrupt). Seed 23,
     * case 17606. */
    fresh();
    g.cpu.fpscr[0] = FPSCR_UE | FPSCR_ZE | 3;   /* RN = toward -infinity */
    set_vsr(2, 0x8f1f09d4612eea12ull, 0);
    set_vsr(3, 0xa30b4d0743d9318bull, 0);
    step(xsmulsp(1, 2, 3));
    ok((g.cpu.fpscr[0] & (FPSCR_UX | FPSCR_FEX | FPSCR_OX)) == (FPSCR_UX | FPSCR_FEX),
       "xsmulsp far below range, UE=1: UX FEX, no OX");
    ok((dw(1, 0) & 0xfff0000000000000ull) == 0 && dw(1, 1) == 0,
       "xsmulsp far below range, UE=1: a positive value below the double normal range");
    tg_destroy(&g);
}

int main(void)
{
    decode_init();
    test_decode();
    test_unavailable();
    test_vector_exceptions();
    test_scalar();
    test_max_min();
    test_conversions();
    test_compares();
    test_tests();
    test_round();
    test_fp_additions();
    test_qemu_differences();
    return tap_done();
}
