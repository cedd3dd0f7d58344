/*
 * Tests of the load/store family (emu/cpu/insn_loadstore.c): every
 * ordinary load and store in both byte orders, update forms, sign
 * extension, byte reversal, multiple and string (big-endian results and
 * the little-endian alignment interrupt), quadword ordering, larx/stcx.,
 * the cache instructions, invalid forms, 32-bit mode addressing and
 * accesses beyond RAM. Each case runs a small guest program built with
 * guest_asm.h on a fresh test machine.
 *
 * Values marked "QEMU" were observed with QEMU 7.2 user mode, -cpu power8:
 * a small freestanding program (not in the repo) built with
 * powerpc64le-linux-gnu-gcc -static -nostdlib, once -mlittle-endian and run
 * by qemu-ppc64le, once -mbig-endian and run by qemu-ppc64, executed the
 * same instruction on the same 16-byte pattern with the same registers
 * (r4 = base, r5 = 5, r3 = 0x8091a2b3c4d5e6f7 for stores) and printed the
 * results pasted here. Privileged or interrupt behaviour, which user mode
 * cannot show, is reasoned from the ISA section named at the case.
 */
#include "tests/tap.h"

#include "emu/cpu/insn.h"
#include "emu/cpu/mmu.h"
#include "tests/common/guest_asm.h"

#define RAM_SIZE 0x100000ull
#define DATA TG_DATA

/* The 16 bytes every load reads (as in the QEMU program). */
static const uint8_t pattern[16] = {
    0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7,
    0x08, 0x19, 0x2a, 0x3b, 0x4c, 0x5d, 0x6e, 0x7f,
};

static struct test_guest g;
static const char *order_name[2] = { "BE", "LE" };

/* A fresh machine in byte order LE, the pattern at DATA, r4 = DATA, r5 = 5. */
static void fresh(int le)
{
    tg_init(&g, RAM_SIZE, le != 0);
    memory_write(&g.mem, DATA, pattern, sizeof pattern);
    g.cpu.gpr[4] = DATA;
    g.cpu.gpr[5] = 5;
}

static void fill(uint64_t pa, uint8_t byte, size_t n)
{
    uint8_t b[1024];
    memset(b, byte, n);
    memory_write(&g.mem, pa, b, n);
}

static void get(uint64_t pa, void *buf, size_t n)
{
    if (!memory_read(&g.mem, pa, buf, n))
        tap_bail("memory_read at 0x%llx", (unsigned long long)pa);
}

static void unhex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* Runs the program emitted so far, ended with attn. */
static bool run(void)
{
    tg_emit(&g, asm_attn());
    return tg_run(&g, 100000) == CPU_STOP_ATTN;
}

/* Runs exactly one instruction, so that after an interrupt NIP is the vector. */
static void step(uint32_t insn)
{
    tg_emit(&g, insn);
    tg_run(&g, 1);
}

/* After one instruction at TG_CODE that should have raised VECTOR with
 * SRR1's cause bits CAUSE (SRR1 = MSR before | cause). */
static void check_interrupt(const char *what, uint64_t vector, uint64_t msr_before, uint64_t cause)
{
    is_u64(g.cpu.nip[0], vector, "%s: at vector 0x%llx", what, (unsigned long long)vector);
    is_u64(g.cpu.srr0[0], TG_CODE, "%s: SRR0 is the instruction", what);
    is_u64(g.cpu.srr1[0], msr_before | cause, "%s: SRR1", what);
}

static uint64_t msr_of(int le) { return MSR_SF | MSR_ME | (le ? MSR_LE : 0); }

/* The case tables' encodings, as constants: D forms are op r3,3(r4), DS
 * forms op r3,4(r4), X forms op r3,r4,r5 (checked against guest_asm.h
 * in test_loads). */
#define D(op) ((uint32_t)(op) << 26 | 3u << 21 | 4u << 16 | 3u)
#define DS(op, xo) ((uint32_t)(op) << 26 | 3u << 21 | 4u << 16 | 4u | (uint32_t)(xo))
#define X(xo) (31u << 26 | 3u << 21 | 4u << 16 | 5u << 11 | (uint32_t)(xo) << 1)

struct load_case {
    const char *name;
    uint32_t insn;
    uint64_t be, le;     /* r3 afterwards */
    int64_t ra_delta;    /* r4 - DATA afterwards (update forms) */
};

struct store_case {
    const char *name;
    uint32_t insn;
    const char *be, *le; /* the 16 bytes at DATA afterwards, from all 0xee */
    int64_t ra_delta;
};

/* QEMU (both byte orders): D forms at displacement 3, DS forms at 4, X
 * forms with r5 = 5 -- most of them unaligned, which POWER8 performs. */
static const struct load_case loads[] = {
    { "lbz 3,3(4)",  D(34),     0x00000000000000b3ull, 0x00000000000000b3ull, 0 },
    { "lbzu 3,3(4)", D(35),     0x00000000000000b3ull, 0x00000000000000b3ull, 3 },
    { "lbzx 3,4,5",  X(87),     0x00000000000000d5ull, 0x00000000000000d5ull, 0 },
    { "lbzux 3,4,5", X(119),    0x00000000000000d5ull, 0x00000000000000d5ull, 5 },
    { "lhz 3,3(4)",  D(40),     0x000000000000b3c4ull, 0x000000000000c4b3ull, 0 },
    { "lhzu 3,3(4)", D(41),     0x000000000000b3c4ull, 0x000000000000c4b3ull, 3 },
    { "lhzx 3,4,5",  X(279),    0x000000000000d5e6ull, 0x000000000000e6d5ull, 0 },
    { "lhzux 3,4,5", X(311),    0x000000000000d5e6ull, 0x000000000000e6d5ull, 5 },
    { "lha 3,3(4)",  D(42),     0xffffffffffffb3c4ull, 0xffffffffffffc4b3ull, 0 },
    { "lhau 3,3(4)", D(43),     0xffffffffffffb3c4ull, 0xffffffffffffc4b3ull, 3 },
    { "lhax 3,4,5",  X(343),    0xffffffffffffd5e6ull, 0xffffffffffffe6d5ull, 0 },
    { "lhaux 3,4,5", X(375),    0xffffffffffffd5e6ull, 0xffffffffffffe6d5ull, 5 },
    { "lwz 3,3(4)",  D(32),     0x00000000b3c4d5e6ull, 0x00000000e6d5c4b3ull, 0 },
    { "lwzu 3,3(4)", D(33),     0x00000000b3c4d5e6ull, 0x00000000e6d5c4b3ull, 3 },
    { "lwzx 3,4,5",  X(23),     0x00000000d5e6f708ull, 0x0000000008f7e6d5ull, 0 },
    { "lwzux 3,4,5", X(55),     0x00000000d5e6f708ull, 0x0000000008f7e6d5ull, 5 },
    { "lwa 3,4(4)",  DS(58, 2), 0xffffffffc4d5e6f7ull, 0xfffffffff7e6d5c4ull, 0 },
    { "lwax 3,4,5",  X(341),    0xffffffffd5e6f708ull, 0x0000000008f7e6d5ull, 0 },
    { "lwaux 3,4,5", X(373),    0xffffffffd5e6f708ull, 0x0000000008f7e6d5ull, 5 },
    { "ld 3,4(4)",   DS(58, 0), 0xc4d5e6f708192a3bull, 0x3b2a1908f7e6d5c4ull, 0 },
    { "ldu 3,4(4)",  DS(58, 1), 0xc4d5e6f708192a3bull, 0x3b2a1908f7e6d5c4ull, 4 },
    { "ldx 3,4,5",   X(21),     0xd5e6f708192a3b4cull, 0x4c3b2a1908f7e6d5ull, 0 },
    { "ldux 3,4,5",  X(53),     0xd5e6f708192a3b4cull, 0x4c3b2a1908f7e6d5ull, 5 },
    { "lhbrx 3,4,5", X(790),    0x000000000000e6d5ull, 0x000000000000d5e6ull, 0 },
    { "lwbrx 3,4,5", X(534),    0x0000000008f7e6d5ull, 0x00000000d5e6f708ull, 0 },
    { "ldbrx 3,4,5", X(532),    0x4c3b2a1908f7e6d5ull, 0xd5e6f708192a3b4cull, 0 },
};

static const struct store_case stores[] = {
    { "stb 3,3(4)",   D(38),     "eeeeeef7eeeeeeeeeeeeeeeeeeeeeeee", "eeeeeef7eeeeeeeeeeeeeeeeeeeeeeee", 0 },
    { "stbu 3,3(4)",  D(39),     "eeeeeef7eeeeeeeeeeeeeeeeeeeeeeee", "eeeeeef7eeeeeeeeeeeeeeeeeeeeeeee", 3 },
    { "stbx 3,4,5",   X(215),    "eeeeeeeeeef7eeeeeeeeeeeeeeeeeeee", "eeeeeeeeeef7eeeeeeeeeeeeeeeeeeee", 0 },
    { "stbux 3,4,5",  X(247),    "eeeeeeeeeef7eeeeeeeeeeeeeeeeeeee", "eeeeeeeeeef7eeeeeeeeeeeeeeeeeeee", 5 },
    { "sth 3,3(4)",   D(44),     "eeeeeee6f7eeeeeeeeeeeeeeeeeeeeee", "eeeeeef7e6eeeeeeeeeeeeeeeeeeeeee", 0 },
    { "sthu 3,3(4)",  D(45),     "eeeeeee6f7eeeeeeeeeeeeeeeeeeeeee", "eeeeeef7e6eeeeeeeeeeeeeeeeeeeeee", 3 },
    { "sthx 3,4,5",   X(407),    "eeeeeeeeeee6f7eeeeeeeeeeeeeeeeee", "eeeeeeeeeef7e6eeeeeeeeeeeeeeeeee", 0 },
    { "sthux 3,4,5",  X(439),    "eeeeeeeeeee6f7eeeeeeeeeeeeeeeeee", "eeeeeeeeeef7e6eeeeeeeeeeeeeeeeee", 5 },
    { "stw 3,3(4)",   D(36),     "eeeeeec4d5e6f7eeeeeeeeeeeeeeeeee", "eeeeeef7e6d5c4eeeeeeeeeeeeeeeeee", 0 },
    { "stwu 3,3(4)",  D(37),     "eeeeeec4d5e6f7eeeeeeeeeeeeeeeeee", "eeeeeef7e6d5c4eeeeeeeeeeeeeeeeee", 3 },
    { "stwx 3,4,5",   X(151),    "eeeeeeeeeec4d5e6f7eeeeeeeeeeeeee", "eeeeeeeeeef7e6d5c4eeeeeeeeeeeeee", 0 },
    { "stwux 3,4,5",  X(183),    "eeeeeeeeeec4d5e6f7eeeeeeeeeeeeee", "eeeeeeeeeef7e6d5c4eeeeeeeeeeeeee", 5 },
    { "std 3,4(4)",   DS(62, 0), "eeeeeeee8091a2b3c4d5e6f7eeeeeeee", "eeeeeeeef7e6d5c4b3a29180eeeeeeee", 0 },
    { "stdu 3,4(4)",  DS(62, 1), "eeeeeeee8091a2b3c4d5e6f7eeeeeeee", "eeeeeeeef7e6d5c4b3a29180eeeeeeee", 4 },
    { "stdx 3,4,5",   X(149),    "eeeeeeeeee8091a2b3c4d5e6f7eeeeee", "eeeeeeeeeef7e6d5c4b3a29180eeeeee", 0 },
    { "stdux 3,4,5",  X(181),    "eeeeeeeeee8091a2b3c4d5e6f7eeeeee", "eeeeeeeeeef7e6d5c4b3a29180eeeeee", 5 },
    { "sthbrx 3,4,5", X(918),    "eeeeeeeeeef7e6eeeeeeeeeeeeeeeeee", "eeeeeeeeeee6f7eeeeeeeeeeeeeeeeee", 0 },
    { "stwbrx 3,4,5", X(662),    "eeeeeeeeeef7e6d5c4eeeeeeeeeeeeee", "eeeeeeeeeec4d5e6f7eeeeeeeeeeeeee", 0 },
    { "stdbrx 3,4,5", X(660),    "eeeeeeeeeef7e6d5c4b3a29180eeeeee", "eeeeeeeeee8091a2b3c4d5e6f7eeeeee", 0 },
};

/* ---- the table ---- */

static const char *const family[] = {
#define INSN(mnemonic, form, primary, xo, reserved, flags, fn) mnemonic,
#include "emu/cpu/insn_loadstore.def"
#undef INSN
};

/* binutils 2.40 (powerpc64le-linux-gnu-as -mpower8 -mbig): one of each
 * instruction, and the row it must decode to. */
static const struct { uint32_t word; const char *row, *text; } binutils[] = {
    { 0x80640008, "lwz", "lwz r3,8(r4)" },
    { 0x84640008, "lwzu", "lwzu r3,8(r4)" },
    { 0x88640008, "lbz", "lbz r3,8(r4)" },
    { 0x8c640008, "lbzu", "lbzu r3,8(r4)" },
    { 0x90640008, "stw", "stw r3,8(r4)" },
    { 0x94640008, "stwu", "stwu r3,8(r4)" },
    { 0x98640008, "stb", "stb r3,8(r4)" },
    { 0x9c640008, "stbu", "stbu r3,8(r4)" },
    { 0xa0640008, "lhz", "lhz r3,8(r4)" },
    { 0xa4640008, "lhzu", "lhzu r3,8(r4)" },
    { 0xa8640008, "lha", "lha r3,8(r4)" },
    { 0xac640008, "lhau", "lhau r3,8(r4)" },
    { 0xb0640008, "sth", "sth r3,8(r4)" },
    { 0xb4640008, "sthu", "sthu r3,8(r4)" },
    { 0xb8a40008, "lmw", "lmw r5,8(r4)" },
    { 0xbc640008, "stmw", "stmw r3,8(r4)" },
    { 0xe8640008, "ld", "ld r3,8(r4)" },
    { 0xe8640009, "ldu", "ldu r3,8(r4)" },
    { 0xe864000a, "lwa", "lwa r3,8(r4)" },
    { 0xf8640008, "std", "std r3,8(r4)" },
    { 0xf8640009, "stdu", "stdu r3,8(r4)" },
    { 0xf8850012, "stq", "stq r4,16(r5)" },
    { 0xe0850010, "lq", "lq r4,16(r5)" },
    { 0x7c6428ae, "lbzx", "lbzx r3,r4,r5" },
    { 0x7c6428ee, "lbzux", "lbzux r3,r4,r5" },
    { 0x7c642a2e, "lhzx", "lhzx r3,r4,r5" },
    { 0x7c642a6e, "lhzux", "lhzux r3,r4,r5" },
    { 0x7c642aae, "lhax", "lhax r3,r4,r5" },
    { 0x7c642aee, "lhaux", "lhaux r3,r4,r5" },
    { 0x7c64282e, "lwzx", "lwzx r3,r4,r5" },
    { 0x7c64286e, "lwzux", "lwzux r3,r4,r5" },
    { 0x7c642aaa, "lwax", "lwax r3,r4,r5" },
    { 0x7c642aea, "lwaux", "lwaux r3,r4,r5" },
    { 0x7c64282a, "ldx", "ldx r3,r4,r5" },
    { 0x7c64286a, "ldux", "ldux r3,r4,r5" },
    { 0x7c6429ae, "stbx", "stbx r3,r4,r5" },
    { 0x7c6429ee, "stbux", "stbux r3,r4,r5" },
    { 0x7c642b2e, "sthx", "sthx r3,r4,r5" },
    { 0x7c642b6e, "sthux", "sthux r3,r4,r5" },
    { 0x7c64292e, "stwx", "stwx r3,r4,r5" },
    { 0x7c64296e, "stwux", "stwux r3,r4,r5" },
    { 0x7c64292a, "stdx", "stdx r3,r4,r5" },
    { 0x7c64296a, "stdux", "stdux r3,r4,r5" },
    { 0x7c642e2c, "lhbrx", "lhbrx r3,r4,r5" },
    { 0x7c642c2c, "lwbrx", "lwbrx r3,r4,r5" },
    { 0x7c642c28, "ldbrx", "ldbrx r3,r4,r5" },
    { 0x7c642f2c, "sthbrx", "sthbrx r3,r4,r5" },
    { 0x7c642d2c, "stwbrx", "stwbrx r3,r4,r5" },
    { 0x7c642d28, "stdbrx", "stdbrx r3,r4,r5" },
    { 0x7ca444aa, "lswi", "lswi r5,r4,8" },
    { 0x7c642c2a, "lswx", "lswx r3,r4,r5" },
    { 0x7c6445aa, "stswi", "stswi r3,r4,8" },
    { 0x7c642d2a, "stswx", "stswx r3,r4,r5" },
    { 0x7c642868, "lbarx", "lbarx r3,r4,r5" },
    { 0x7c6428e8, "lharx", "lharx r3,r4,r5" },
    { 0x7c642828, "lwarx", "lwarx r3,r4,r5" },
    { 0x7c6428a8, "ldarx", "ldarx r3,r4,r5" },
    { 0x7cc42a28, "lqarx", "lqarx r6,r4,r5" },
    { 0x7c642869, "lbarx", "lbarx r3,r4,r5,1" },
    { 0x7c642d6d, "stbcx.", "stbcx. r3,r4,r5" },
    { 0x7c642dad, "sthcx.", "sthcx. r3,r4,r5" },
    { 0x7c64292d, "stwcx.", "stwcx. r3,r4,r5" },
    { 0x7c6429ad, "stdcx.", "stdcx. r3,r4,r5" },
    { 0x7cc4296d, "stqcx.", "stqcx. r6,r4,r5" },
    { 0x7c042fec, "dcbz", "dcbz r4,r5" },
    { 0x7c04286c, "dcbst", "dcbst r4,r5" },
    { 0x7c0428ac, "dcbf", "dcbf r4,r5" },
    { 0x7c2428ac, "dcbf", "dcbfl r4,r5" },
    { 0x7c6428ac, "dcbf", "dcbflp r4,r5" },
    { 0x7c042a2c, "dcbt", "dcbtct r4,r5" },
    { 0x7e042a2c, "dcbt", "dcbtt r4,r5" },
    { 0x7c0429ec, "dcbtst", "dcbtstct r4,r5" },
    { 0x7c042fac, "icbi", "icbi r4,r5" },
    { 0x7c64282c, "icbt", "icbt 3,r4,r5" },
};

static const struct insn_def *row_named(const char *name)
{
    for (unsigned r = 0; r < insn_table_size; r++)
        if (strcmp(insn_table[r].mnemonic, name) == 0)
            return &insn_table[r];
    return NULL;
}

/* Every row of this family is in the table, its own pattern decodes to
 * it, and no other row of any family can match the same word. */
static void test_table(void)
{
    decode_init();
    unsigned n = sizeof family / sizeof family[0], overlaps = 0, missing = 0, wrong = 0;
    for (unsigned k = 0; k < n; k++) {
        const struct insn_def *d = row_named(family[k]);
        if (!d) {
            missing++;
            continue;
        }
        if (decode_word(d->match) != d)
            wrong++;
        for (unsigned r = 0; r < insn_table_size; r++) {
            const struct insn_def *o = &insn_table[r];
            if (o != d && ((d->match ^ o->match) & d->mask & o->mask) == 0) {
                tap_diag("%s overlaps %s", d->mnemonic, o->mnemonic);
                overlaps++;
            }
        }
    }
    is_u64(missing, 0, "all %u load/store rows are in the decode table", n);
    is_u64(wrong, 0, "each row's own pattern decodes to it");
    is_u64(overlaps, 0, "no load/store row overlaps another row");

    unsigned bad = 0;
    for (unsigned k = 0; k < sizeof binutils / sizeof binutils[0]; k++) {
        const struct insn_def *d = decode_word(binutils[k].word);
        if (!d || strcmp(d->mnemonic, binutils[k].row) != 0 || (binutils[k].word & d->reserved)) {
            tap_diag("%s (0x%08x) decodes to %s", binutils[k].text, binutils[k].word, d ? d->mnemonic : "nothing");
            bad++;
        }
    }
    is_u64(bad, 0, "binutils' encoding of each instruction decodes to its row, as a valid form");

    /* Reserved and hint bits, one by one (encodings from binutils). */
    static const struct { uint32_t word; const char *name; bool invalid; } words[] = {
        { 0x7c642828, "lwarx", false },       /* lwarx r3,r4,r5 */
        { 0x7c642869, "lbarx", false },       /* lbarx r3,r4,r5,1: EH is not Rc */
        { 0x7cc42a28, "lqarx", false },       /* lqarx r6,r4,r5 */
        { 0x7c64292d, "stwcx.", false },      /* stwcx. r3,r4,r5 */
        { 0x7c6429ad, "stdcx.", false },      /* stdcx. r3,r4,r5 */
        { 0x7c042fec, "dcbz", false },        /* dcbz r4,r5 */
        { 0x7c242fec, "dcbz", true },         /* bit 10 set: dcbzl on the 970, reserved in 2.07 */
        { 0x7c0428ac, "dcbf", false },        /* dcbf r4,r5 */
        { 0x7c6428ac, "dcbf", false },        /* dcbflp r4,r5 (L=3) */
        { 0x7c8428ac, "dcbf", true },         /* bits 6:8 reserved */
        { 0x7e042a2c, "dcbt", false },        /* dcbtt r4,r5: TH=16 is an operand */
        { 0x7c64282c, "icbt", false },        /* icbt 3,r4,r5 */
        { 0x7e64282c, "icbt", true },         /* bit 6 reserved */
        { 0xe0850010, "lq", false },          /* lq r4,16(r5) */
        { 0xe0850011, "lq", true },           /* DQ-form bits 28:31 reserved */
        { 0xf8850012, "stq", false },         /* stq r4,16(r5) */
        { 0x7c64282f, "lwzx", true },         /* bit 31 is reserved where there is no Rc */
    };
    for (unsigned k = 0; k < sizeof words / sizeof words[0]; k++) {
        const struct insn_def *d = decode_word(words[k].word);
        is_str(d ? d->mnemonic : NULL, words[k].name, "0x%08x decodes to %s", words[k].word, words[k].name);
        ok(d && ((words[k].word & d->reserved) != 0) == words[k].invalid, "0x%08x is %s", words[k].word,
           words[k].invalid ? "an invalid form (reserved bit set)" : "a valid form");
    }
    ok(decode_word(0x7c64292c) == NULL, "stwcx. with bit 31 = 0 matches no row");
    ok(decode_word(0x7c6405ec) == NULL, "dcba (31/758) is not a 2.07 server instruction (QEMU -cpu power8: SIGILL)");
}

/* ---- ordinary loads and stores ---- */

static void test_loads(void)
{
    ok(D(34) == asm_d(34, 3, 4, 3) && DS(58, 2) == asm_ds(58, 3, 4, 4, 2) &&
       X(87) == asm_x(31, 3, 4, 5, 87, 0), "the case encodings agree with guest_asm.h");
    for (int le = 0; le < 2; le++)
        for (unsigned k = 0; k < sizeof loads / sizeof loads[0]; k++) {
            const struct load_case *t = &loads[k];
            fresh(le);
            g.cpu.gpr[3] = 0x5555;
            tg_emit(&g, t->insn);
            ok(run(), "%s %s: runs to attn", order_name[le], t->name);
            is_u64(g.cpu.gpr[3], le ? t->le : t->be, "%s %s: RT (QEMU)", order_name[le], t->name);
            is_i64((int64_t)(g.cpu.gpr[4] - DATA), t->ra_delta, "%s %s: RA", order_name[le], t->name);
            tg_destroy(&g);
        }
}

static void test_stores(void)
{
    for (int le = 0; le < 2; le++)
        for (unsigned k = 0; k < sizeof stores / sizeof stores[0]; k++) {
            const struct store_case *t = &stores[k];
            uint8_t want[16], got[16];
            fresh(le);
            fill(DATA, 0xee, 16);
            g.cpu.gpr[3] = 0x8091a2b3c4d5e6f7ull;
            tg_emit(&g, t->insn);
            ok(run(), "%s %s: runs to attn", order_name[le], t->name);
            unhex(le ? t->le : t->be, want, 16);
            get(DATA, got, 16);
            is_mem(got, want, 16, "%s %s: memory (QEMU)", order_name[le], t->name);
            is_i64((int64_t)(g.cpu.gpr[4] - DATA), t->ra_delta, "%s %s: RA", order_name[le], t->name);
            tg_destroy(&g);
        }
}

/* Book I 3.3.2/3.3.3: update forms with RA=0, and loads with RA=RT, are
 * invalid; ppcrr raises the illegal-instruction program interrupt
 * (QEMU -cpu power8: SIGILL for lwzu r4,4(r4) and lwzu r3,4(0)). Nothing is
 * loaded, stored or updated. */
static void test_update_invalid(void)
{
    const struct { const char *name; uint32_t insn; } cases[] = {
        { "lwzu r4,4(r4)", 0x84840004 },
        { "lwzu r3,4(0)", 0x84600004 },
        { "lbzux r4,r4,r5", asm_x(31, 4, 4, 5, 119, 0) },
        { "ldu r4,4(r4)", asm_ds(58, 4, 4, 4, 1) },
        { "lwaux r3,0,r5", asm_x(31, 3, 0, 5, 373, 0) },
        { "stwu r3,4(0)", asm_d(37, 3, 0, 4) },
        { "stdux r3,0,r5", asm_x(31, 3, 0, 5, 181, 0) },
        { "sthu r3,4(0)", asm_d(45, 3, 0, 4) },
    };
    for (int le = 0; le < 2; le++)
        for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            uint8_t got[16];
            fresh(le);
            g.cpu.gpr[3] = 0x3333;
            step(cases[k].insn);
            char what[64];
            snprintf(what, sizeof what, "%s %s", order_name[le], cases[k].name);
            check_interrupt(what, VEC_PROGRAM, msr_of(le), SRR1_PROGRAM_ILLEGAL);
            ok(g.cpu.gpr[3] == 0x3333 && g.cpu.gpr[4] == DATA && g.cpu.gpr[5] == 5,
               "%s: registers unchanged", what);
            get(DATA, got, 16);
            is_mem(got, pattern, 16, "%s: memory unchanged", what);
            tg_destroy(&g);
        }

    /* Book I 3.3.3: a store with update may have RA=RS; RS is read first. */
    fresh(0);
    tg_emit(&g, asm_d(37, 4, 4, 8));          /* stwu r4,8(r4) */
    ok(run(), "stwu r4,8(r4) is valid");
    uint8_t want[4] = { 0x00, 0x08, 0x00, 0x00 }, got[4];  /* (uint32_t)DATA, BE */
    get(DATA + 8, got, 4);
    is_mem(got, want, 4, "stwu r4,8(r4): stores the old r4");
    is_u64(g.cpu.gpr[4], DATA + 8, "stwu r4,8(r4): r4 = EA");
    tg_destroy(&g);
}

/* Book I 1.10.3/3.3.2: in 32-bit mode (MSR[SF]=0) the high 32 bits of the
 * sum are dropped, wrapping at 4 GiB, and RA gets the 32-bit EA. */
static void test_32bit_mode(void)
{
    fresh(0);
    g.cpu.msr[0] &= ~MSR_SF;
    g.cpu.gpr[4] = 0xdeadbeef00000000ull | (DATA - 0x10);
    tg_emit(&g, asm_d(32, 3, 4, 0x10));               /* lwz r3,0x10(r4) */
    g.cpu.gpr[6] = 0xfffffff0ull;
    g.cpu.gpr[7] = DATA + 0x10;
    tg_emit(&g, asm_x(31, 8, 6, 7, 21, 0));           /* ldx r8,r6,r7: wraps */
    g.cpu.gpr[9] = 0xffffffff00000000ull | DATA;
    tg_emit(&g, asm_d(35, 10, 9, 3));                 /* lbzu r10,3(r9) */
    ok(run(), "32-bit mode program runs");
    is_u64(g.cpu.gpr[3], 0x8091a2b3, "32-bit: lwz ignores the high word of RA");
    is_u64(g.cpu.gpr[8], 0x8091a2b3c4d5e6f7ull, "32-bit: ldx wraps at 4 GiB");
    is_u64(g.cpu.gpr[10], 0xb3, "32-bit: lbzu loads");
    is_u64(g.cpu.gpr[9], DATA + 3, "32-bit: lbzu sets RA to the 32-bit EA");
    tg_destroy(&g);
}

/* ---- multiple and string ---- */

static void test_multiple(void)
{
    /* QEMU (BE): lmw 28,4(4) over the pattern followed by 0xee bytes. */
    fresh(0);
    fill(DATA + 16, 0xee, 16);
    g.cpu.gpr[28] = ~0ull;
    tg_emit(&g, asm_d(46, 28, 4, 4));
    ok(run(), "BE lmw runs");
    is_u64(g.cpu.gpr[28], 0xc4d5e6f7, "BE lmw 28,4(4): r28, high word zeroed (QEMU)");
    is_u64(g.cpu.gpr[29], 0x08192a3b, "BE lmw: r29 (QEMU)");
    is_u64(g.cpu.gpr[30], 0x4c5d6e7f, "BE lmw: r30 (QEMU)");
    is_u64(g.cpu.gpr[31], 0xeeeeeeee, "BE lmw: r31 (QEMU)");
    tg_destroy(&g);

    /* QEMU (BE): stmw 29,3(4) stores the low words, unaligned. */
    fresh(0);
    fill(DATA, 0xee, 16);
    g.cpu.gpr[29] = ~1ull;
    g.cpu.gpr[30] = 0x123456780000ull;
    g.cpu.gpr[31] = 0x7abc;
    tg_emit(&g, asm_d(47, 29, 4, 3));
    ok(run(), "BE stmw runs");
    uint8_t want[16], got[16];
    unhex("eeeeeefffffffe5678000000007abcee", want, 16);
    get(DATA, got, 16);
    is_mem(got, want, 16, "BE stmw 29,3(4) (QEMU)");
    tg_destroy(&g);

    /* Book I 3.3.6: RA in the range loaded is invalid, RA=0 included. */
    static const struct { const char *name; unsigned rt, ra; } bad[] = {
        { "lmw r4,0(r4)", 4, 4 }, { "lmw r3,0(r31)", 3, 31 }, { "lmw r0,0(0)", 0, 0 },
    };
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        fresh(0);
        g.cpu.gpr[31] = DATA;
        step(asm_d(46, bad[k].rt, bad[k].ra, 0));
        check_interrupt(bad[k].name, VEC_PROGRAM, msr_of(0), SRR1_PROGRAM_ILLEGAL);
        is_u64(g.cpu.gpr[5], 5, "%s: nothing loaded", bad[k].name);
        tg_destroy(&g);
    }
    fresh(0);
    memory_write(&g.mem, 0x100, pattern, 8);
    step(asm_d(46, 30, 0, 0x100));                   /* lmw r30,0x100(0): RA=0, r0 not loaded */
    is_u64(g.cpu.nip[0], TG_CODE + 4, "lmw r30,0x100(0) is valid");
    ok(g.cpu.gpr[30] == 0x8091a2b3 && g.cpu.gpr[31] == 0xc4d5e6f7, "lmw r30,0x100(0) loads r30, r31");
    tg_destroy(&g);

    /* A fault part way (the last words beyond RAM) is a machine check
     * that leaves every target register as it was. */
    fresh(0);
    g.cpu.gpr[4] = RAM_SIZE - 8;
    for (unsigned r = 28; r < 32; r++)
        g.cpu.gpr[r] = r;
    step(asm_d(46, 28, 4, 0));
    check_interrupt("lmw across the end of RAM", VEC_MACHINE_CHECK, msr_of(0), 0);
    is_u64(g.cpu.dar[0], RAM_SIZE, "lmw across the end of RAM: DAR is the first word outside");
    ok(g.cpu.gpr[28] == 28 && g.cpu.gpr[29] == 29 && g.cpu.gpr[30] == 30 && g.cpu.gpr[31] == 31,
       "lmw across the end of RAM: no register written");
    tg_destroy(&g);
}

static void test_string(void)
{
    uint8_t want[16], got[16];

    /* QEMU (BE): lswi 30,4,11 at DATA+1 loads r30, r31 and wraps to r0. */
    fresh(0);
    g.cpu.gpr[4] = DATA + 1;
    g.cpu.gpr[0] = ~0ull;
    tg_emit(&g, asm_x(31, 30, 4, 11, 597, 0));
    ok(run(), "BE lswi runs");
    is_u64(g.cpu.gpr[30], 0x91a2b3c4, "BE lswi 30,4,11: r30 (QEMU)");
    is_u64(g.cpu.gpr[31], 0xd5e6f708, "BE lswi 30,4,11: r31 (QEMU)");
    is_u64(g.cpu.gpr[0], 0x192a3b00, "BE lswi 30,4,11: wraps to r0, zero-filled (QEMU)");
    tg_destroy(&g);

    /* QEMU (BE): lswx 10,4,5 with r5=2 and a count of 6; the other XER
     * bits do not count. */
    fresh(0);
    g.cpu.gpr[5] = 2;
    g.cpu.gpr[11] = ~0ull;
    g.cpu.xer[0] = XER_SO | XER_CA | 6;
    tg_emit(&g, asm_x(31, 10, 4, 5, 533, 0));
    ok(run(), "BE lswx runs");
    is_u64(g.cpu.gpr[10], 0xa2b3c4d5, "BE lswx count 6: r10 (QEMU)");
    is_u64(g.cpu.gpr[11], 0xe6f70000, "BE lswx count 6: r11 (QEMU)");
    tg_destroy(&g);

    /* Count 0: RT is undefined in the ISA; ppcrr, like QEMU, leaves it. */
    fresh(0);
    g.cpu.gpr[10] = 0x1010;
    g.cpu.xer[0] = 0;
    tg_emit(&g, asm_x(31, 10, 4, 5, 533, 0));
    ok(run(), "BE lswx count 0 runs");
    is_u64(g.cpu.gpr[10], 0x1010, "BE lswx count 0: RT unchanged");
    tg_destroy(&g);

    /* QEMU (BE): stswi 30,4,10 from r30, r31, r0. */
    fresh(0);
    fill(DATA, 0xee, 16);
    g.cpu.gpr[30] = ~0ull;
    g.cpu.gpr[31] = 0x1234;
    g.cpu.gpr[0] = 0x5566;
    tg_emit(&g, asm_x(31, 30, 4, 10, 725, 0));
    ok(run(), "BE stswi runs");
    unhex("ffffffff000012340000eeeeeeeeeeee", want, 16);
    get(DATA, got, 16);
    is_mem(got, want, 16, "BE stswi 30,4,10 (QEMU)");
    tg_destroy(&g);

    /* QEMU (BE): stswx 10,4,5 with r5=1 and a count of 5. */
    fresh(0);
    fill(DATA, 0xee, 16);
    g.cpu.gpr[5] = 1;
    g.cpu.gpr[10] = 0x0000010200000304ull;
    g.cpu.gpr[11] = 0x506;
    g.cpu.xer[0] = 5;
    tg_emit(&g, asm_x(31, 10, 4, 5, 661, 0));
    ok(run(), "BE stswx runs");
    unhex("ee0000030400eeeeeeeeeeeeeeeeeeee", want, 16);
    get(DATA, got, 16);
    is_mem(got, want, 16, "BE stswx count 5 (QEMU)");
    tg_destroy(&g);

    /* Book I 3.3.7 invalid forms (binutils refuses lswi r3,r4,8 too). */
    const struct { const char *name; uint32_t insn; unsigned count; } bad[] = {
        { "lswi r3,r4,8 (RA loaded)", asm_x(31, 3, 4, 8, 597, 0), 0 },
        { "lswi r31,0,8 (RA=0, r0 loaded)", asm_x(31, 31, 0, 8, 597, 0), 0 },
        { "lswx r3,r4,r5 count 8 (RA loaded)", asm_x(31, 3, 4, 5, 533, 0), 8 },
        { "lswx r3,r6,r4 count 8 (RB loaded)", asm_x(31, 3, 6, 4, 533, 0), 8 },
        { "lswx r31,0,r5 count 5 (RA=0, r0 loaded)", asm_x(31, 31, 0, 5, 533, 0), 5 },
        { "lswx r3,r3,r5 count 0 (RT=RA)", asm_x(31, 3, 3, 5, 533, 0), 0 },
    };
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        fresh(0);
        g.cpu.xer[0] = bad[k].count;
        g.cpu.gpr[3] = 0x3333;
        step(bad[k].insn);
        check_interrupt(bad[k].name, VEC_PROGRAM, msr_of(0), SRR1_PROGRAM_ILLEGAL);
        is_u64(g.cpu.gpr[3], 0x3333, "%s: nothing loaded", bad[k].name);
        tg_destroy(&g);
    }
    fresh(0);
    g.cpu.xer[0] = 4;
    step(asm_x(31, 31, 4, 5, 533, 0));     /* lswx r31,r4,r5: one register, r31 */
    is_u64(g.cpu.nip[0], TG_CODE + 4, "lswx r31,r4,r5 count 4 is valid");
    tg_destroy(&g);
}

/* Book I 3.3.6/3.3.7: not supported in little-endian mode; POWER8 takes
 * an alignment interrupt (QEMU -cpu power8 raises its alignment exception
 * for lmw and lswi in LE, which its user mode cannot deliver). DAR = EA;
 * nothing is loaded or stored. */
static void test_multiple_le(void)
{
    const struct { const char *name; uint32_t insn; uint64_t ea; } cases[] = {
        { "lmw r28,4(r4)", asm_d(46, 28, 4, 4), DATA + 4 },
        { "stmw r28,4(r4)", asm_d(47, 28, 4, 4), DATA + 4 },
        { "lswi r10,r4,8", asm_x(31, 10, 4, 8, 597, 0), DATA },
        { "lswx r10,r4,r5", asm_x(31, 10, 4, 5, 533, 0), DATA + 5 },
        { "stswi r10,r4,8", asm_x(31, 10, 4, 8, 725, 0), DATA },
        { "stswx r10,r4,r5", asm_x(31, 10, 4, 5, 661, 0), DATA + 5 },
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint8_t got[16];
        char what[64];
        snprintf(what, sizeof what, "LE %s", cases[k].name);
        fresh(1);
        g.cpu.xer[0] = 8;
        g.cpu.gpr[10] = 0x1010;
        g.cpu.gpr[28] = 0x2828;
        step(cases[k].insn);
        check_interrupt(what, VEC_ALIGNMENT, msr_of(1), 0);
        is_u64(g.cpu.dar[0], cases[k].ea, "%s: DAR = EA", what);
        ok(g.cpu.gpr[10] == 0x1010 && g.cpu.gpr[28] == 0x2828, "%s: no register written", what);
        get(DATA, got, 16);
        is_mem(got, pattern, 16, "%s: memory unchanged", what);
        tg_destroy(&g);
    }
}

/* ---- quadword ---- */

/* Writes V in the guest byte order LE at PA. */
static void put(uint64_t pa, uint64_t v, unsigned size, int le)
{
    uint8_t b[8];
    for (unsigned i = 0; i < size; i++)
        b[i] = (uint8_t)(v >> (le ? 8 * i : 8 * (size - 1 - i)));
    memory_write(&g.mem, pa, b, size);
}

static void test_quad(void)
{
    /* QEMU: the even register gets the high doubleword, from EA in BE and
     * from EA+8 in LE (the quadword is one 16-byte LE integer there). */
    static const uint64_t even[2] = { 0x8091a2b3c4d5e6f7ull, 0x7f6e5d4c3b2a1908ull };
    static const uint64_t odd[2] = { 0x08192a3b4c5d6e7full, 0xf7e6d5c4b3a29180ull };
    static const char *const stq_bytes[2] = {
        "01020304050607081112131415161718", "18171615141312110807060504030201",
    };
    for (int le = 0; le < 2; le++) {
        const char *o = order_name[le];
        uint8_t want[16], got[16];
        fresh(le);
        g.cpu.gpr[5] = 0;
        tg_emit(&g, asm_d(56, 10, 4, 0));                 /* lq r10,0(r4) */
        tg_emit(&g, asm_x(31, 12, 4, 5, 276, 0));         /* lqarx r12,r4,r5 */
        g.cpu.gpr[20] = 0x0102030405060708ull;
        g.cpu.gpr[21] = 0x1112131415161718ull;
        tg_emit(&g, asm_ds(62, 20, 4, 16, 2));            /* stq r20,16(r4) */
        ok(run(), "%s quadword program runs", o);
        is_u64(g.cpu.gpr[10], even[le], "%s lq: even register (QEMU)", o);
        is_u64(g.cpu.gpr[11], odd[le], "%s lq: odd register (QEMU)", o);
        is_u64(g.cpu.gpr[12], even[le], "%s lqarx: even register (QEMU)", o);
        is_u64(g.cpu.gpr[13], odd[le], "%s lqarx: odd register (QEMU)", o);
        ok(g.cpu.reserve_addr[0] == DATA && g.cpu.reserve_len[0] == 16, "%s lqarx: reserves 16 bytes at EA", o);
        unhex(stq_bytes[le], want, 16);
        get(DATA + 16, got, 16);
        is_mem(got, want, 16, "%s stq: memory (QEMU)", o);
        tg_destroy(&g);

        /* Book III-S 6.5.8: quadword operands must be 16-aligned (QEMU's
         * user mode does not check this). */
        const struct { const char *name; uint32_t insn; uint64_t r4, ea; } align[] = {
            { "lq r10,0(r4) at +8", asm_d(56, 10, 4, 0), DATA + 8, DATA + 8 },
            { "stq r10,4(r4)", asm_ds(62, 10, 4, 4, 2), DATA, DATA + 4 },
            { "lqarx r10,r4,r5 at +5", asm_x(31, 10, 4, 5, 276, 0), DATA, DATA + 5 },
            { "stqcx. r10,r4,r5 at +5", asm_x(31, 10, 4, 5, 182, 1), DATA, DATA + 5 },
        };
        for (unsigned k = 0; k < sizeof align / sizeof align[0]; k++) {
            char what[64];
            snprintf(what, sizeof what, "%s %s", o, align[k].name);
            fresh(le);
            g.cpu.gpr[4] = align[k].r4;
            g.cpu.gpr[10] = 0x1010;
            step(align[k].insn);
            check_interrupt(what, VEC_ALIGNMENT, msr_of(le), 0);
            is_u64(g.cpu.dar[0], align[k].ea, "%s: DAR = EA", what);
            is_u64(g.cpu.gpr[10], 0x1010, "%s: RTp unchanged", what);
            get(DATA, got, 16);
            is_mem(got, pattern, 16, "%s: memory unchanged", what);
            tg_destroy(&g);
        }
    }

    /* Invalid forms (Book I 3.3.4, Book II 4.4.2): odd RTp/RSp, lq with
     * RA=RTp, lqarx with RA or RB = RTp. QEMU -cpu power8: SIGILL for
     * lq r5 and lq r4,16(r4). */
    const struct { const char *name; uint32_t insn; } bad[] = {
        { "lq r5,16(r4)", 0xe0a40010 },
        { "lq r4,16(r4)", 0xe0840010 },
        { "stq r11,0(r4)", asm_ds(62, 11, 4, 0, 2) },
        { "lqarx r11,r4,r5", asm_x(31, 11, 4, 5, 276, 0) },
        { "lqarx r4,r4,r5", asm_x(31, 4, 4, 5, 276, 0) },
        { "lqarx r4,r6,r4", asm_x(31, 4, 6, 4, 276, 0) },
        { "stqcx. r11,r4,r5", asm_x(31, 11, 4, 5, 182, 1) },
    };
    for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        fresh(0);
        step(bad[k].insn);
        check_interrupt(bad[k].name, VEC_PROGRAM, msr_of(0), SRR1_PROGRAM_ILLEGAL);
        is_u64(g.cpu.gpr[4], DATA, "%s: r4 unchanged", bad[k].name);
        tg_destroy(&g);
    }
}

/* ---- reservations ---- */

static void check_cr0(unsigned want, const char *what)
{
    is_u64(cr_field(&g.cpu, 0), want, "%s: CR0", what);
}

static void test_reservation(void)
{
    const uint64_t w = DATA + 64;
    for (int le = 0; le < 2; le++) {
        const char *o = order_name[le];
        char what[80];
        uint8_t got[8], want[8];
        fresh(le);
        put(w, 5, 4, le);
        put(w + 4, 0, 4, le);
        g.cpu.gpr[6] = w;
        g.cpu.gpr[7] = 7;

        /* QEMU: lwarx; stwcx. succeeds (CR0 = 0b0010) and stores. */
        tg_emit(&g, asm_x(31, 3, 0, 6, 20, 0));           /* lwarx r3,0,r6 */
        ok(run(), "%s lwarx runs", o);
        is_u64(g.cpu.gpr[3], 5, "%s lwarx: loads (QEMU)", o);
        ok(g.cpu.reserve_addr[0] == w && g.cpu.reserve_len[0] == 4, "%s lwarx: reserves 4 bytes at EA", o);
        tg_emit(&g, asm_x(31, 7, 0, 6, 150, 1));          /* stwcx. r7,0,r6 */
        ok(run(), "%s stwcx. runs", o);
        snprintf(what, sizeof what, "%s stwcx. with the reservation", o);
        check_cr0(CR_EQ, what);
        put(DATA + 256, 7, 4, le);
        get(DATA + 256, want, 4);
        get(w, got, 4);
        is_mem(got, want, 4, "%s: stored (QEMU)", what);
        is_u64(g.cpu.reserve_len[0], 0, "%s: reservation cleared", what);

        /* QEMU: a second stwcx. has no reservation: fails, CR0 = 0. */
        g.cpu.gpr[7] = 9;
        tg_emit(&g, asm_x(31, 7, 0, 6, 150, 1));
        ok(run(), "%s stwcx. again runs", o);
        snprintf(what, sizeof what, "%s stwcx. without a reservation", o);
        check_cr0(0, what);
        get(w, got, 4);
        is_mem(got, want, 4, "%s: not stored (QEMU)", what);

        /* QEMU: XER[SO] is copied into CR0 either way. */
        g.cpu.xer[0] = XER_SO;
        tg_emit(&g, asm_x(31, 3, 0, 6, 20, 0));
        tg_emit(&g, asm_x(31, 7, 0, 6, 150, 1));
        ok(run(), "%s SO program runs", o);
        check_cr0(CR_EQ | CR_SO, "SO set, stwcx. succeeds (QEMU)");
        tg_emit(&g, asm_x(31, 7, 0, 6, 150, 1));
        ok(run(), "%s SO program 2 runs", o);
        check_cr0(CR_SO, "SO set, stwcx. fails (QEMU)");
        g.cpu.xer[0] = 0;

        /* QEMU: a stwcx. to another word than the one reserved fails (and
         * the reservation is gone). */
        g.cpu.gpr[8] = w + 4;
        tg_emit(&g, asm_x(31, 3, 0, 6, 20, 0));
        tg_emit(&g, asm_x(31, 7, 0, 8, 150, 1));          /* stwcx. r7,0,r8 */
        ok(run(), "%s other-address program runs", o);
        snprintf(what, sizeof what, "%s stwcx. to another word", o);
        check_cr0(0, what);
        get(w + 4, got, 4);
        ok(got[0] == 0 && got[1] == 0 && got[2] == 0 && got[3] == 0, "%s: not stored (QEMU)", what);
        is_u64(g.cpu.reserve_len[0], 0, "%s: reservation cleared", what);

        /* ppcrr's rule (QEMU's since 8.1): the size must match too, so a
         * stbcx. to the first byte of a lwarx's word fails. */
        get(w, want, 4);
        tg_emit(&g, asm_x(31, 3, 0, 6, 20, 0));
        tg_emit(&g, asm_x(31, 7, 0, 6, 694, 1));          /* stbcx. r7,0,r6 */
        ok(run(), "%s size-mismatch program runs", o);
        snprintf(what, sizeof what, "%s stbcx. after lwarx at the same address", o);
        check_cr0(0, what);
        get(w, got, 4);
        is_mem(got, want, 4, "%s: not stored", what);

        /* The EH hint (bit 31) changes nothing. */
        tg_emit(&g, asm_x(31, 3, 0, 6, 20, 1));           /* lwarx r3,0,r6,1 */
        tg_emit(&g, asm_x(31, 7, 0, 6, 150, 1));
        ok(run(), "%s lwarx EH=1 program runs", o);
        check_cr0(CR_EQ, "lwarx with EH=1, then stwcx.");
        tg_destroy(&g);
    }
}

/* The other sizes, success path; values from QEMU (LE). */
static void test_reservation_sizes(void)
{
    for (int le = 0; le < 2; le++) {
        const char *o = order_name[le];
        uint8_t got[16], want[16];
        fresh(le);
        const uint64_t b = DATA + 80, h = DATA + 82, d = DATA + 88, q = DATA + 96;
        put(b, 0x33, 1, le);
        put(h, 0xbeef, 2, le);
        put(d, 0x1122334455667788ull, 8, le);
        g.cpu.gpr[20] = b;
        g.cpu.gpr[21] = h;
        g.cpu.gpr[22] = d;
        g.cpu.gpr[23] = q;
        g.cpu.gpr[7] = 0x1ff;
        g.cpu.gpr[8] = 0x12345;
        g.cpu.gpr[9] = 0xa5a5;
        g.cpu.gpr[10] = 0x55;
        g.cpu.gpr[11] = 0x66;
        tg_emit(&g, asm_x(31, 3, 0, 20, 52, 0));          /* lbarx r3,0,r20 */
        tg_emit(&g, asm_x(31, 7, 0, 20, 694, 1));         /* stbcx. r7,0,r20 */
        ok(run(), "%s lbarx/stbcx. run", o);
        is_u64(g.cpu.gpr[3], 0x33, "%s lbarx (QEMU)", o);
        check_cr0(CR_EQ, "stbcx. (QEMU)");
        tg_emit(&g, asm_x(31, 3, 0, 21, 116, 0));         /* lharx r3,0,r21 */
        tg_emit(&g, asm_x(31, 8, 0, 21, 726, 1));         /* sthcx. r8,0,r21 */
        ok(run(), "%s lharx/sthcx. run", o);
        is_u64(g.cpu.gpr[3], 0xbeef, "%s lharx (QEMU)", o);
        check_cr0(CR_EQ, "sthcx. (QEMU)");
        tg_emit(&g, asm_x(31, 3, 0, 22, 84, 0));          /* ldarx r3,0,r22 */
        tg_emit(&g, asm_x(31, 9, 0, 22, 214, 1));         /* stdcx. r9,0,r22 */
        ok(run(), "%s ldarx/stdcx. run", o);
        is_u64(g.cpu.gpr[3], 0x1122334455667788ull, "%s ldarx (QEMU)", o);
        check_cr0(CR_EQ, "stdcx. (QEMU)");
        /* Book II 4.4.2: lqarx; stqcx. stores the pair like stq. (QEMU 7.2
         * fails this stqcx.: its lqarx forgot to set the reservation, a bug
         * fixed later upstream.) */
        tg_emit(&g, asm_x(31, 12, 0, 23, 276, 0));        /* lqarx r12,0,r23 */
        tg_emit(&g, asm_x(31, 10, 0, 23, 182, 1));        /* stqcx. r10,0,r23 */
        ok(run(), "%s lqarx/stqcx. run", o);
        check_cr0(CR_EQ, "stqcx. after lqarx");
        put(DATA + 256, 0xff, 1, le);
        put(DATA + 258, 0x2345, 2, le);
        put(DATA + 264, 0xa5a5, 8, le);
        put(DATA + 272 + (le ? 8 : 0), 0x55, 8, le);
        put(DATA + 272 + (le ? 0 : 8), 0x66, 8, le);
        get(DATA + 256, want, 16);
        get(b, got, 16);
        is_mem(got, want, 16, "%s stbcx./sthcx./stdcx. stored (QEMU)", o);
        get(DATA + 272, want, 16);
        get(q, got, 16);
        is_mem(got, want, 16, "%s stqcx. stored the pair in stq order", o);
        tg_destroy(&g);

        /* Book II 4.4.2: larx and stcx. need natural alignment (QEMU: lwarx
         * at +2 gives SIGBUS with that address). */
        const struct { const char *name; uint32_t insn; uint64_t ea; } align[] = {
            { "lwarx at +2", asm_x(31, 3, 4, 5, 20, 0), DATA + 2 },
            { "lharx at +1", asm_x(31, 3, 4, 5, 116, 0), DATA + 1 },
            { "ldarx at +4", asm_x(31, 3, 4, 5, 84, 0), DATA + 4 },
            { "stwcx. at +2", asm_x(31, 3, 4, 5, 150, 1), DATA + 2 },
            { "sthcx. at +1", asm_x(31, 3, 4, 5, 726, 1), DATA + 1 },
            { "stdcx. at +4", asm_x(31, 3, 4, 5, 214, 1), DATA + 4 },
        };
        static const uint64_t r5[] = { 2, 1, 4, 2, 1, 4 };
        for (unsigned k = 0; k < sizeof align / sizeof align[0]; k++) {
            char what[64];
            snprintf(what, sizeof what, "%s %s", o, align[k].name);
            fresh(le);
            g.cpu.gpr[5] = r5[k];
            g.cpu.gpr[3] = 0x3333;
            step(align[k].insn);
            check_interrupt(what, VEC_ALIGNMENT, msr_of(le), 0);
            is_u64(g.cpu.dar[0], align[k].ea, "%s: DAR = EA", what);
            is_u64(g.cpu.gpr[3], 0x3333, "%s: RT unchanged", what);
            is_u64(g.cpu.reserve_len[0], 0, "%s: no reservation", what);
            get(DATA, got, 16);
            is_mem(got, pattern, 16, "%s: memory unchanged", what);
            tg_destroy(&g);
        }
    }
}

/* ---- cache management ---- */

static void test_dcbz(void)
{
    for (int le = 0; le < 2; le++) {
        const char *o = order_name[le];
        uint8_t got[512], want[512];
        fresh(le);
        fill(DATA, 0xaa, 512);
        g.cpu.gpr[6] = 128 + 77;
        tg_emit(&g, asm_x(31, 0, 4, 6, 1014, 0));     /* dcbz r4,r6 */
        g.cpu.gpr[7] = RAM_SIZE - 1;
        tg_emit(&g, asm_x(31, 0, 0, 7, 1014, 0));     /* dcbz 0,r7: the last block */
        ok(run(), "%s dcbz program runs", o);
        memset(want, 0xaa, sizeof want);
        memset(want + 128, 0, 128);
        get(DATA, got, 512);
        /* QEMU: dcbz at +205 zeroes bytes 128..255 of a 256-aligned buffer. */
        is_mem(got, want, 512, "%s dcbz: exactly the aligned 128-byte block (QEMU)", o);
        tg_destroy(&g);
    }

    /* Beyond RAM: a machine check, as a store there would be. */
    fresh(0);
    g.cpu.gpr[4] = RAM_SIZE + 0x40;
    step(asm_x(31, 0, 4, 0, 1014, 0));
    check_interrupt("dcbz beyond RAM", VEC_MACHINE_CHECK, msr_of(0), 0);
    is_u64(g.cpu.dar[0], RAM_SIZE, "dcbz beyond RAM: DAR is the block");
    tg_destroy(&g);

    /* Translation fault (MSR[DR]=1, a segment but no page table): a DSI
     * as for a store, DAR = the EA the instruction computed (Book III-S
     * 6.5.3). */
    fresh(0);
    g.cpu.msr[0] |= MSR_DR;
    g.cpu.slb_esid[0] = SLB_ESID_V;
    g.cpu.gpr[6] = 77;
    step(asm_x(31, 0, 4, 6, 1014, 0));
    check_interrupt("dcbz, DR=1", VEC_DSI, msr_of(0) | MSR_DR, 0);
    is_u64(g.cpu.dar[0], DATA + 77, "dcbz, DR=1: DAR = EA");
    is_u64(g.cpu.dsisr[0], DSISR_NO_TRANSLATION | DSISR_STORE, "dcbz, DR=1: DSISR says store");
    tg_destroy(&g);
}

/* dcbf, dcbst and icbi translate like a load (a DSI without the store
 * bit; QEMU: dcbf on an unmapped address gives SIGSEGV); the touch hints
 * never fault (QEMU: dcbt on an unmapped address does nothing). In real
 * mode they all just go on. */
static void test_cache_ops(void)
{
    const struct { const char *name; uint32_t insn; bool faults; } ops[] = {
        { "dcbf", asm_x(31, 0, 4, 5, 86, 0), true },
        { "dcbfl", asm_x(31, 1, 4, 5, 86, 0), true },
        { "dcbst", asm_x(31, 0, 4, 5, 54, 0), true },
        { "icbi", asm_x(31, 0, 4, 5, 982, 0), true },
        { "dcbt", asm_x(31, 0, 4, 5, 278, 0), false },
        { "dcbtst", asm_x(31, 0, 4, 5, 246, 0), false },
        { "icbt", asm_x(31, 2, 4, 5, 22, 0), false },
    };
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        char what[64];
        uint8_t got[16];
        fresh(0);
        step(ops[k].insn);
        is_u64(g.cpu.nip[0], TG_CODE + 4, "%s in real mode: no interrupt", ops[k].name);
        get(DATA, got, 16);
        is_mem(got, pattern, 16, "%s: memory unchanged", ops[k].name);
        tg_destroy(&g);

        snprintf(what, sizeof what, "%s, DR=1", ops[k].name);
        fresh(0);
        g.cpu.msr[0] |= MSR_DR;
        g.cpu.slb_esid[0] = SLB_ESID_V;    /* a segment, no page table */
        step(ops[k].insn);
        if (ops[k].faults) {
            check_interrupt(what, VEC_DSI, msr_of(0) | MSR_DR, 0);
            is_u64(g.cpu.dar[0], DATA + 5, "%s: DAR = EA", what);
            is_u64(g.cpu.dsisr[0], DSISR_NO_TRANSLATION, "%s: DSISR as for a load", what);
        } else {
            is_u64(g.cpu.nip[0], TG_CODE + 4, "%s: a hint never faults", what);
        }
        tg_destroy(&g);
    }
}

/* icbi drops decoded code even when the watcher did not see the store:
 * here the test changes RAM behind the emulator's back, so re-running the
 * code finds the stale decode until an icbi of that block. */
static void test_icbi(void)
{
    fresh(0);
    tg_emit(&g, asm_li(3, 1));
    tg_emit(&g, asm_attn());
    ok(tg_run(&g, 100) == CPU_STOP_ATTN, "icbi: first run");
    is_u64(g.cpu.gpr[3], 1, "icbi: li r3,1 ran");

    uint32_t li2 = asm_li(3, 2);
    uint8_t *host = g.mem.ram + TG_CODE;           /* not memory_write: no watcher */
    for (int i = 0; i < 4; i++)
        host[i] = (uint8_t)(li2 >> (24 - 8 * i));
    g.cpu.nip[0] = TG_CODE;
    ok(tg_run(&g, 100) == CPU_STOP_ATTN, "icbi: second run");
    is_u64(g.cpu.gpr[3], 1, "icbi: without icbi the old decode runs");

    /* icbi r0,r6 from another page, then back to the changed code. */
    uint64_t other = TG_CODE + 2 * GUEST_PAGE_SIZE;
    g.emit_at = other;
    g.cpu.gpr[6] = TG_CODE + 4;                    /* any byte of the block */
    tg_emit(&g, asm_x(31, 0, 0, 6, 982, 0));
    tg_emit(&g, asm_attn());
    g.cpu.nip[0] = other;
    ok(tg_run(&g, 100) == CPU_STOP_ATTN, "icbi: icbi runs");
    g.cpu.nip[0] = TG_CODE;
    ok(tg_run(&g, 100) == CPU_STOP_ATTN, "icbi: third run");
    is_u64(g.cpu.gpr[3], 2, "icbi: after icbi the new instruction runs");

    /* An icbi of a block outside RAM does nothing (and does not touch the
     * code-page map out of bounds). */
    g.emit_at = other;
    g.cpu.gpr[6] = RAM_SIZE + 0x1000;
    tg_emit(&g, asm_x(31, 0, 0, 6, 982, 0));
    tg_emit(&g, asm_attn());
    g.cpu.nip[0] = other;
    ok(tg_run(&g, 100) == CPU_STOP_ATTN, "icbi beyond RAM: no interrupt");
    tg_destroy(&g);
}

/* ---- beyond RAM ---- */

/* Physical addresses that are neither RAM nor a device: a machine check
 * (vector 0x200, SRR0 = the instruction, DAR = the address), nothing
 * loaded, stored or updated, and no host memory touched -- also when the
 * access starts inside RAM and runs past its end. */
static void test_beyond_ram(void)
{
    const struct { const char *name; uint32_t insn; uint64_t r4, dar; } cases[] = {
        { "lwz beyond RAM", asm_d(32, 3, 4, 0), RAM_SIZE, RAM_SIZE },
        { "ld straddling the end", asm_ds(58, 3, 4, 0, 0), RAM_SIZE - 4, RAM_SIZE - 4 },
        { "lwzu beyond RAM", asm_d(33, 3, 4, 0x10), RAM_SIZE, RAM_SIZE + 0x10 },
        { "std straddling the end", asm_ds(62, 3, 4, 0, 0), RAM_SIZE - 4, RAM_SIZE - 4 },
        { "stwbrx beyond RAM", asm_x(31, 3, 4, 0, 662, 0), RAM_SIZE + 0x100, RAM_SIZE + 0x100 },
        { "lq beyond RAM", asm_d(56, 10, 4, 0), RAM_SIZE, RAM_SIZE },
        { "lwarx beyond RAM", asm_x(31, 3, 0, 4, 20, 0), RAM_SIZE, RAM_SIZE },
    };
    for (int le = 0; le < 2; le++)
        for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            char what[64];
            uint8_t tail[4], ff[4] = { 0xff, 0xff, 0xff, 0xff };
            snprintf(what, sizeof what, "%s %s", order_name[le], cases[k].name);
            fresh(le);
            fill(RAM_SIZE - 4, 0xff, 4);
            g.cpu.gpr[4] = cases[k].r4;
            g.cpu.gpr[3] = 0x3333;
            g.cpu.gpr[10] = 0x1010;
            step(cases[k].insn);
            check_interrupt(what, VEC_MACHINE_CHECK, msr_of(le), 0);
            is_u64(g.cpu.dar[0], cases[k].dar, "%s: DAR", what);
            ok(g.cpu.gpr[3] == 0x3333 && g.cpu.gpr[4] == cases[k].r4 && g.cpu.gpr[10] == 0x1010,
               "%s: no register written", what);
            get(RAM_SIZE - 4, tail, 4);
            is_mem(tail, ff, 4, "%s: the last bytes of RAM unchanged", what);
            is_u64(g.cpu.reserve_len[0], 0, "%s: no reservation", what);
            tg_destroy(&g);
        }
}

int main(void)
{
    test_table();
    test_loads();
    test_stores();
    test_update_invalid();
    test_32bit_mode();
    test_multiple();
    test_string();
    test_multiple_le();
    test_quad();
    test_reservation();
    test_reservation_sizes();
    test_dcbz();
    test_cache_ops();
    test_icbi();
    test_beyond_ram();
    return tap_done();
}
