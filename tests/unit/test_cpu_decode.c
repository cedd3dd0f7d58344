/*
 * The instruction table as data: no two rows may match the same word, each
 * row's own pattern decodes to itself, and real encodings (produced by the
 * binutils cross assembler, the oracle) decode to the row of the same
 * mnemonic. Also checks the test encoders in tests/common/guest_asm.c
 * against the same assembler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/cpu/insn.h"
#include "tests/common/guest_asm.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

static void test_no_overlap(void)
{
    unsigned overlaps = 0;
    for (unsigned a = 0; a < insn_table_size; a++)
        for (unsigned b = a + 1; b < insn_table_size; b++) {
            const struct insn_def *x = &insn_table[a], *y = &insn_table[b];
            /* Some word matches both iff they agree wherever both care. */
            if (((x->match ^ y->match) & x->mask & y->mask) == 0) {
                if (overlaps++ < 10)
                    tap_diag("rows %s and %s overlap", x->mnemonic, y->mnemonic);
            }
        }
    is_u64(overlaps, 0, "no two of the %u rows match the same word", insn_table_size);

    unsigned self = 0, reserved_clash = 0;
    for (unsigned r = 0; r < insn_table_size; r++) {
        const struct insn_def *d = &insn_table[r];
        self += decode_word(d->match) == d;
        reserved_clash += (d->reserved & d->mask) != 0;
    }
    is_u64(self, insn_table_size, "every row's own pattern decodes to that row");
    is_u64(reserved_clash, 0, "no reserved bit is part of an opcode");
}

/* Assembles LINES with the cross assembler; returns the words (LE) or NULL
 * when no assembler is installed. */
static uint32_t *assemble(const char *const *lines, size_t n)
{
    if (system("command -v powerpc64le-linux-gnu-as >/dev/null 2>&1 && "
               "command -v powerpc64le-linux-gnu-objcopy >/dev/null 2>&1") != 0)
        return NULL;
    const char *src = test_path("insns.s"), *obj = test_path("insns.o"), *bin = test_path("insns.bin");
    FILE *f = fopen(src, "w");
    fputs(".machine power8\n.text\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
    fclose(f);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "powerpc64le-linux-gnu-as -mpower8 -mlittle -o '%s' '%s' && "
             "powerpc64le-linux-gnu-objcopy -O binary -j .text '%s' '%s'", obj, src, obj, bin);
    if (system(cmd) != 0)
        tap_bail("the cross assembler rejected the test's instructions");
    size_t len;
    uint8_t *data = test_read_file(bin, &len);
    if (!data || len != 4 * n)
        tap_bail("expected %zu instructions, got %zu bytes", n, data ? len : 0);
    return (uint32_t *)data;   /* host and guest are both little-endian here */
}

/* Assembly, then the mnemonic ppcrr's table must decode it as. Extended
 * mnemonics are listed with the base instruction they assemble to. */
static const struct {
    const char *line, *mnemonic;
} samples[] = {
    { "b .+8", "b" }, { "bl .+8", "b" }, { "bdnz .+8", "bc" }, { "beq 7,.+8", "bc" },
    { "blr", "bclr" }, { "bctrl", "bcctr" }, { "bctar 20,0,0", "bctar" }, { "mcrf 2,5", "mcrf" },
    { "crxor 4,5,6", "crxor" }, { "crand 1,2,3", "crand" }, { "cror 31,30,29", "cror" },
    { "crnor 0,1,2", "crnor" }, { "crandc 3,4,5", "crandc" }, { "crnand 6,7,8", "crnand" },
    { "creqv 9,10,11", "creqv" }, { "crorc 12,13,14", "crorc" }, { "isync", "isync" },
    { "rfid", "rfid" }, { "sc", "sc" }, { "sc 1", "sc" }, { "tw 4,3,5", "tw" }, { "td 31,0,0", "td" },
    { "twi 8,3,100", "twi" }, { "tdi 16,4,-1", "tdi" }, { "mfmsr 3", "mfmsr" },
    { "mtmsr 3", "mtmsr" }, { "mtmsrd 4,1", "mtmsrd" }, { "mflr 0", "mfspr" },
    { "mtctr 9", "mtspr" }, { "mfspr 5,287", "mfspr" }, { "mftb 3", "mfspr" } /* POWER8 assemblers emit mfspr 268 */,
    { ".long 0x7c6c42e6", "mftb" } /* the older mftb encoding, xo 371 */, { "sync", "sync" },
    { "lwsync", "sync" }, { "ptesync", "sync" }, { "eieio", "eieio" }, { "attn", "attn" },
    { "addi 3,4,-5", "addi" }, { "lis 3,0x1234", "addis" }, { "add. 3,4,5", "add" },
    { "addo 3,4,5", "add" }, { "mr 3,4", "or" }, { "ori 0,0,0", "ori" }, { "cmpdi 7,3,0", "cmpi" },
    { "cmpw 3,4", "cmp" }, { "lwz 3,8(4)", "lwz" }, { "stw 3,-8(1)", "stw" }, { "ld 3,16(4)", "ld" },
    { "std 0,16(1)", "std" }, { "lfd 1,8(3)", "lfd" }, { "fadd 1,2,3", "fadd" },
    { "fadds 1,2,3", "fadds" }, { "ftdiv 1,2,3", "ftdiv" }, { "dadd 1,2,3", "fp-single" }, { "vaddubm 1,2,3", "vaddubm" }, { "lvx 0,3,4", "lvx" },
    { "lxvd2x 0,3,4", "lxvd2x" }, { "lxvd2x 40,3,4", "lxvd2x" }, { "xsadddp 1,2,3", "xsadddp" },
    { "mtvsrd 0,3", "mtvsrd" }, { "mfvsrd 3,33", "mfvsrd" }, { "stfiwx 1,3,4", "stfiwx" },
    { "lwarx 3,0,4,1", "lwarx" }, { "dssall", "dss" }, { "dss 1", "dss" }, { "dstt 3,4,2", "dst" },
    { "dststt 3,4,2", "dstst" },
};

static void test_against_assembler(void)
{
    const size_t n = sizeof samples / sizeof samples[0];
    const char *lines[sizeof samples / sizeof samples[0]];
    for (size_t i = 0; i < n; i++)
        lines[i] = samples[i].line;
    uint32_t *words = assemble(lines, n);
    if (!words) {
        ok(1, "# SKIP powerpc64le-linux-gnu-as not installed");
        return;
    }
    unsigned wrong = 0;
    for (size_t i = 0; i < n; i++) {
        const struct insn_def *d = decode_word(words[i]);
        bool right = d && strcmp(d->mnemonic, samples[i].mnemonic) == 0 && !(words[i] & d->reserved);
        if (!right && wrong++ < 10)
            tap_diag("'%s' = %08x decodes as %s%s", samples[i].line, words[i], d ? d->mnemonic : "nothing",
                     d && (words[i] & d->reserved) ? " (with reserved bits set)" : "");
    }
    is_u64(wrong, 0, "%zu assembler encodings decode to the right rows", n);
    free(words);
}

/* Disassembler names that are another spelling of a row's mnemonic:
 * objdump prefers the extended mnemonic when one fits the operands. */
static const struct {
    const char *row, *alias;
} disasm_aliases[] = {
    { "xxpermdi", "xxmrghd" }, { "xxpermdi", "xxmrgld" }, { "xxpermdi", "xxswapd" },
    { "xxpermdi", "xxspltd" }, { "mfvsrd", "mffprd" }, { "mfvsrd", "mfvrd" },
    { "mtvsrd", "mtfprd" }, { "mtvsrd", "mtvrd" }, { "mfvsrwz", "mffprwz" },
    { "mfvsrwz", "mfvrwz" }, { "mtvsrwa", "mtfprwa" }, { "mtvsrwa", "mtvrwa" },
    { "mtvsrwz", "mtfprwz" }, { "mtvsrwz", "mtvrwz" }, { "dst", "dstt" }, { "dstst", "dststt" },
    { "dss", "dssall" },
};

static bool disasm_names_row(const char *row, const char *name)
{
    if (!strcmp(row, name))
        return true;
    for (size_t i = 0; i < sizeof disasm_aliases / sizeof disasm_aliases[0]; i++)
        if (!strcmp(disasm_aliases[i].row, row) && !strcmp(disasm_aliases[i].alias, name))
            return true;
    return false;
}

/* A VMX or VSX row: primaries 4 and 60, and their loads, stores and moves
 * in primary 31. */
static bool vector_row(const struct insn_def *d)
{
    static const char *const prefixes[] = { "lv", "stv", "lx", "stx", "mfvsr", "mtvsr", "ds" };
    if (d->primary == 4 || d->primary == 60)
        return true;
    if (d->primary != 31)
        return false;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(d->mnemonic, prefixes[i], strlen(prefixes[i])))
            return true;
    return false;
}

/* Every vector row's own word, with distinct register numbers in the
 * operand fields it leaves free, must disassemble (binutils objdump, the
 * oracle) to the row's mnemonic: this checks each extended opcode of the
 * VMX/VSX tables, not just a sample. */
static void test_vector_rows_disassemble(void)
{
    if (system("command -v powerpc64le-linux-gnu-objdump >/dev/null 2>&1") != 0) {
        ok(1, "# SKIP powerpc64le-linux-gnu-objdump not installed");
        return;
    }
    const uint32_t fields = 1u << 21 | 2u << 16 | 3u << 11 | 4u << 6;
    unsigned rows[2048], n = 0;
    uint32_t words[2048];
    for (unsigned r = 0; r < insn_table_size; r++) {
        const struct insn_def *d = &insn_table[r];
        if (!vector_row(d))
            continue;
        rows[n] = r;
        words[n++] = d->match | (fields & ~d->mask & ~d->reserved);
    }
    if (n == 0) {
        ok(1, "# SKIP no vector rows in the table");
        return;
    }
    const char *bin = test_path("vector-rows.bin"), *lst = test_path("vector-rows.txt");
    FILE *f = fopen(bin, "wb");
    if (!f || fwrite(words, 4, n, f) != n || fclose(f) != 0)
        tap_bail("cannot write %s", bin);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "powerpc64le-linux-gnu-objdump -D -b binary -m powerpc:common64 -M power8 -EL '%s' > '%s'",
             bin, lst);
    if (system(cmd) != 0)
        tap_bail("objdump failed on %s", bin);
    FILE *in = fopen(lst, "r");
    if (!in)
        tap_bail("cannot read %s", lst);
    char line[512];
    unsigned seen = 0, wrong = 0;
    while (fgets(line, sizeof line, in)) {
        unsigned long offset;
        char name[64];
        /* "   4:\t84 04 22 10 \tvor     v1,v2,v3" */
        char *tab = strrchr(line, '\t');
        if (sscanf(line, " %lx:", &offset) != 1 || !tab || sscanf(tab + 1, "%63s", name) != 1 ||
            offset % 4 || offset / 4 >= n)
            continue;
        seen++;
        const struct insn_def *d = &insn_table[rows[offset / 4]];
        if (!disasm_names_row(d->mnemonic, name) && wrong++ < 20)
            tap_diag("row %s (word %08x) disassembles as '%s'", d->mnemonic, words[offset / 4], name);
    }
    fclose(in);
    is_u64(seen, n, "objdump lists all %u vector rows", n);
    is_u64(wrong, 0, "every vector row's word disassembles to its own mnemonic");
}

static void test_encoders(void)
{
    static const char *const lines[] = {
        "addi 3,4,-5", "add. 3,4,5", "addo 7,8,9", "bc 16,0,.+64", "b .-16", "mtspr 9,3",
        "mfspr 3,8", "rlwinm. 3,4,5,6,7", "rldicr 3,3,32,31", "rldic 5,6,40,10", "sradi 3,4,33",
        "isel 3,4,5,6", "rldcl 3,4,5,40", "ld 3,-16(4)", "sc 1", "attn",
    };
    uint32_t ours[] = {
        asm_d(14, 3, 4, (uint16_t)-5), asm_xo(31, 3, 4, 5, 0, 266, 1), asm_xo(31, 7, 8, 9, 1, 266, 0),
        asm_b(16, 0, 64, 0, 0), asm_i(-16, 0, 0), asm_mtspr(9, 3), asm_mfspr(3, 8),
        asm_m(21, 4, 3, 5, 6, 7, 1), asm_md(30, 3, 3, 32, 31, 1, 0), asm_md(30, 6, 5, 40, 10, 2, 0),
        asm_xs(31, 4, 3, 33, 413, 0), asm_a(31, 3, 4, 5, 6, 15, 0), asm_mds(30, 4, 3, 5, 40, 8, 0),
        asm_ds(58, 3, 4, -16, 0), asm_sc(1), asm_attn(),
    };
    const size_t n = sizeof lines / sizeof lines[0];
    uint32_t *words = assemble(lines, n);
    if (!words) {
        ok(1, "# SKIP powerpc64le-linux-gnu-as not installed");
        return;
    }
    unsigned wrong = 0;
    for (size_t i = 0; i < n; i++)
        if (ours[i] != words[i] && wrong++ < 10)
            tap_diag("'%s': encoder gives %08x, assembler %08x", lines[i], ours[i], words[i]);
    is_u64(wrong, 0, "the test encoders agree with the assembler on %zu instructions", n);
    free(words);
}

int main(void)
{
    decode_init();
    test_no_overlap();
    test_against_assembler();
    test_vector_rows_disassemble();
    test_encoders();
    test_scratch_cleanup();
    return tap_done();
}
