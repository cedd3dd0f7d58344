/*
 * The hcall metadata table: in strict opcode order (lookups binary-search
 * it), names unique, print letters valid and within the register counts,
 * function sets well formed, and a sample of numbers and sets as PAPR,
 * Linux (asm/hvcall.h, pseries/firmware.c) and QEMU (spapr_dt_rtas) give
 * them (PAPR-NOTES §5.2).
 */
#include <string.h>

#include "hcall/hcall.h"
#include "hcall/hcall_meta.h"
#include "tests/tap.h"

int main(void)
{
    size_t unordered = 0, dup_names = 0, bad_letters = 0, not_found = 0, bad_counts = 0,
           bad_sets = 0;
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
        if ((m->nargs > HCALL_MAX_ARGS || m->nouts > HCALL_MAX_RETS ||
             strlen(m->args) > m->nargs || strlen(m->outputs) > m->nouts) && ++bad_counts)
            tap_diag("%s: %u args \"%s\", %u outputs \"%s\"", m->name, m->nargs, m->args,
                     m->nouts, m->outputs);
        if (m->set[0] && strncmp(m->set, "hcall-", 6) != 0 && ++bad_sets)
            tap_diag("%s: function set \"%s\"", m->name, m->set);
        bad_sets += m->opcode < HCALL_KVMPPC_BASE && m->opcode % 4 != 0;
    }
    is_u64(unordered, 0, "opcodes strictly increase");
    is_u64(dup_names, 0, "names are unique");
    is_u64(bad_letters, 0, "print letters are x/d/u/b, b only last");
    is_u64(not_found, 0, "every row is found by its opcode");
    is_u64(bad_counts, 0, "register counts fit r4..r12 and cover the print letters");
    is_u64(bad_sets, 0, "function sets are \"\" or hcall-*, PAPR opcodes multiples of 4");
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

    /* Register counts from Linux's callers (plpar_wrappers.h, hvconsole.c)
     * and sets from firmware.c / QEMU's ibm,hypertas-functions. */
    static const struct {
        uint32_t opcode;
        unsigned nargs, nouts;
        const char *set;
    } rows[] = {
        { H_ENTER, 4, 1, "hcall-pft" }, { H_REMOVE, 3, 2, "hcall-pft" },
        { H_READ, 2, 8, "hcall-pft" }, { H_PROTECT, 3, 0, "hcall-pft" },
        { H_BULK_REMOVE, 8, 8, "hcall-bulk" }, { H_GET_TERM_CHAR, 1, 3, "hcall-term" },
        { H_PUT_TERM_CHAR, 4, 0, "hcall-term" }, { H_SET_MODE, 4, 0, "hcall-set-mode" },
        { H_SET_SPRG0, 1, 0, "hcall-sprg0" }, { H_SET_DABR, 1, 0, "hcall-dabr" },
        { H_SET_XDABR, 2, 0, "hcall-xdabr" }, { H_PAGE_INIT, 3, 0, "hcall-copy" },
        { H_LOGICAL_CI_LOAD, 2, 1, "hcall-debug" }, { H_LOGICAL_CI_STORE, 3, 0, "hcall-debug" },
        { H_XIRR, 1, 1, "hcall-interrupt" }, { H_CEDE, 0, 0, "hcall-splpar" },
        { H_REGISTER_VPA, 3, 0, "hcall-splpar" }, { H_PUT_TCE, 3, 0, "hcall-tce" },
        { H_STUFF_TCE, 4, 0, "hcall-multi-tce" }, { H_HOME_NODE_ASSOCIATIVITY, 2, 6, "hcall-vphn" },
        { H_GET_CPU_CHARACTERISTICS, 0, 2, "" }, { KVMPPC_H_RTAS, 1, 0, "" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct hcall_meta *m = hcall_meta_find(rows[i].opcode);
        if (!ok(m != NULL, "0x%x has a row", rows[i].opcode))
            continue;
        ok(m->nargs == rows[i].nargs && m->nouts == rows[i].nouts,
           "%s reads %u and writes %u registers", m->name, rows[i].nargs, rows[i].nouts);
        is_str(m->set, rows[i].set, "%s is in set \"%s\"", m->name, rows[i].set);
    }

    static const struct { int64_t value; const char *name; } codes[] = {
        { 0, "H_SUCCESS" }, { 1, "H_BUSY" }, { -1, "H_HARDWARE" }, { -2, "H_FUNCTION" },
        { -3, "H_PRIVILEGE" }, { -4, "H_PARAMETER" }, { -6, "H_PTEG_FULL" },
        { -7, "H_NOT_FOUND" }, { 9900, "H_LONG_BUSY_ORDER_1_MSEC" }, { -55, "H_P2" },
        { -256, "H_UNSUPPORTED_FLAG" },
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
