/* The hcall metadata tables, expanded from the .def files (see hcall_meta.h). */
#include "hcall/hcall_meta.h"

const struct hcall_meta hcall_meta_table[] = {
#define HCALL(name_, opcode_, nargs_, nouts_, set_, args_, outputs_)                         \
    { .opcode = opcode_, .name = #name_, .nargs = nargs_, .nouts = nouts_, .set = set_,    \
      .args = args_, .outputs = outputs_ },
#include "hcall/hcall_meta.def"
#undef HCALL
};
const size_t hcall_meta_count = sizeof hcall_meta_table / sizeof hcall_meta_table[0];

const struct hcall_code_name hcall_code_table[] = {
#define HCODE(name_, value_) { .value = value_, .name = #name_ },
#include "hcall/hcall_codes.def"
#undef HCODE
};
const size_t hcall_code_count = sizeof hcall_code_table / sizeof hcall_code_table[0];

const struct hcall_meta *hcall_meta_find(uint32_t opcode)
{
    size_t lo = 0, hi = hcall_meta_count;     /* the table is in opcode order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (hcall_meta_table[mid].opcode == opcode)
            return &hcall_meta_table[mid];
        if (hcall_meta_table[mid].opcode < opcode)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *hcall_code_name(int64_t value)
{
    for (size_t i = 0; i < hcall_code_count; i++)
        if (hcall_code_table[i].value == value)
            return hcall_code_table[i].name;
    return NULL;
}
