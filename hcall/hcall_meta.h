/*
 * What ppcrr knows about each PAPR hypercall independent of any handler:
 * its name, opcode and how its arguments print, plus the return codes.
 * One table (hcall_meta.def, hcall_codes.def) feeds the H_* constants, the
 * lookups, and (through record/) the self-description in every trace header.
 */
#ifndef PPCRR_HCALL_HCALL_META_H
#define PPCRR_HCALL_HCALL_META_H

#include <stddef.h>
#include <stdint.h>

enum hcall_opcode {
#define HCALL(name, opcode, args, outputs) name = opcode,
#include "hcall/hcall_meta.def"
#undef HCALL
};

enum hcall_code {
#define HCODE(name, value) name = value,
#include "hcall/hcall_codes.def"
#undef HCODE
};

struct hcall_meta {
    uint32_t opcode;
    const char *name;
    const char *args;      /* print letters, see hcall_meta.def */
    const char *outputs;
};

struct hcall_code_name {
    int64_t value;
    const char *name;
};

extern const struct hcall_meta hcall_meta_table[];
extern const size_t hcall_meta_count;
extern const struct hcall_code_name hcall_code_table[];
extern const size_t hcall_code_count;

/* NULL for an opcode ppcrr has no name for. */
const struct hcall_meta *hcall_meta_find(uint32_t opcode);
const char *hcall_code_name(int64_t value);

#endif
