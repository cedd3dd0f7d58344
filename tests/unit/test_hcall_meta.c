/*
 * The hcall metadata table: in strict opcode order (lookups binary-search
 * it), names unique, print letters valid, and a sample of numbers as PAPR
 * gives them (PAPR-NOTES §5.2, Linux asm/hvcall.h).
 */
#include <string.h>

#include "hcall/hcall_meta.h"
#include "tests/tap.h"

int main(void)
{
    size_t unordered = 0, dup_names = 0, bad_letters = 0, not_found = 0;
    for (size_t i = 0; i < hcall_meta_count; i++) {
        const struct hcall_meta *m = &hcall_meta_table[i];
        if (i && hcall_meta_table[i - 1].opcode >= m->opcode && ++unordered)
            tap_diag("%s (0x%x) is out of order", m->name, m->opcode);
        for (size_t j = 0; j < i; j++)
            dup_names += strcmp(hcall_meta_table[j].name, m->name) == 0;
        const char *sets[] = { m->args, m->outputs };
        for (int s = 0; s < 2; s++)
            for (const char *p = sets[s]; *p; p++)
                bad_letters += !strchr("xdub", *p) || (*p == 'b' && p[1]);
        not_found += hcall_meta_find(m->opcode) != m;
    }
    is_u64(unordered, 0, "opcodes strictly increase");
    is_u64(dup_names, 0, "names are unique");
    is_u64(bad_letters, 0, "print letters are x/d/u/b, b only last");
    is_u64(not_found, 0, "every row is found by its opcode");
    ok(hcall_meta_find(0x5a) == NULL, "an opcode between rows is not found");
    ok(hcall_meta_find(0) == NULL, "opcode 0 is not an hcall");

    static const struct { const char *name; uint32_t opcode; } papr[] = {
        { "H_REMOVE", 0x04 }, { "H_ENTER", 0x08 }, { "H_READ", 0x0c }, { "H_PROTECT", 0x18 },
        { "H_GET_TERM_CHAR", 0x54 }, { "H_PUT_TERM_CHAR", 0x58 }, { "H_EOI", 0x64 },
        { "H_XIRR", 0x74 }, { "H_REGISTER_VPA", 0xdc }, { "H_CEDE", 0xe0 },
        { "H_BULK_REMOVE", 0x124 }, { "H_GET_CPU_CHARACTERISTICS", 0x1c8 },
        { "H_XIRR_X", 0x2fc }, { "H_RANDOM", 0x300 }, { "H_SET_MODE", 0x31c },
        { "KVMPPC_H_RTAS", 0xf000 },
    };
    for (size_t i = 0; i < sizeof papr / sizeof papr[0]; i++) {
        const struct hcall_meta *m = hcall_meta_find(papr[i].opcode);
        is_str(m ? m->name : NULL, papr[i].name, "0x%x is %s", papr[i].opcode, papr[i].name);
    }
    is_i64(H_PUT_TERM_CHAR, 0x58, "the enum follows the table");

    static const struct { int64_t value; const char *name; } codes[] = {
        { 0, "H_SUCCESS" }, { 1, "H_BUSY" }, { -1, "H_HARDWARE" }, { -2, "H_FUNCTION" },
        { -3, "H_PRIVILEGE" }, { -4, "H_PARAMETER" }, { -6, "H_PTEG_FULL" },
        { -7, "H_NOT_FOUND" }, { 9900, "H_LONG_BUSY_ORDER_1_MSEC" },
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        is_str(hcall_code_name(codes[i].value), codes[i].name, "return %lld is %s",
               (long long)codes[i].value, codes[i].name);
    size_t dup_codes = 0;
    for (size_t i = 0; i < hcall_code_count; i++)
        for (size_t j = 0; j < i; j++)
            dup_codes += hcall_code_table[i].value == hcall_code_table[j].value;
    is_u64(dup_codes, 0, "return codes are unique");
    return tap_done();
}
