/*
 * What ppcrr knows about each PAPR hypercall independent of any handler:
 * its name, opcode, how many registers it reads and writes, the PAPR
 * function set it belongs to and how its arguments print, plus the return
 * codes.
 * One table (hcall_meta.def, hcall_codes.def) feeds the H_* constants, the
 * lookups, and (through record/) the self-description in every trace header.
 */
#ifndef PPCRR_HCALL_HCALL_META_H
#define PPCRR_HCALL_HCALL_META_H

#include <stddef.h>
#include <stdint.h>

enum hcall_opcode {
#define HCALL(name, opcode, nargs, nouts, set, args, outputs) name = opcode,
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
    uint8_t nargs;         /* r4.. read on entry */
    uint8_t nouts;         /* r4.. written on return */
    const char *set;       /* "hcall-pft"..., "" if none */
    const char *args;      /* print letters, see hcall_meta.def */
    const char *outputs;
};

/* The QEMU/KVM private hcall range (KVMPPC_H_RTAS is its first); PAPR's own
 * opcodes lie below it and are multiples of 4. */
#define HCALL_KVMPPC_BASE 0xf000u

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
