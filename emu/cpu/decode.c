/*
 * The decoder, built from the instruction tables (insn.h): each row gets a
 * mask/match pair from its form; decode_word finds the row whose pattern a
 * word matches, looking only at the rows of the word's primary opcode.
 * Decoding happens once per instruction word (interp.c caches the result),
 * so this is simple rather than clever.
 */
#include "emu/cpu/insn_handlers.h"

#define PRIMARY_MASK 0xfc000000u

struct insn_def insn_table[] = {
#define INSN(mnemonic, form, primary, xo, reserved, flags, fn) \
    { mnemonic, FORM_##form, primary, xo, reserved, flags, fn, 0, 0 },
#include "emu/cpu/insn_all.def"
#undef INSN
};
const unsigned insn_table_size = sizeof insn_table / sizeof insn_table[0];
_Static_assert(sizeof insn_table / sizeof insn_table[0] <= 2048, "decode_init sizes its index for 2048 rows");

/* Where each form keeps its extended opcode: mask and shift of the field. */
static const struct {
    uint32_t xo_mask;
    unsigned xo_shift;
    bool bit31_is_field;   /* bit 31 belongs to an operand (AA/LK, DS, ...) */
} form_layout[] = {
    [FORM_I] = { 0, 0, true },          [FORM_B] = { 0, 0, true },
    [FORM_SC] = { 0x2, 1, true },       [FORM_D] = { 0, 0, true },
    [FORM_DS] = { 0x3, 0, true },       [FORM_DQ] = { 0, 0, true },
    [FORM_X] = { 0x7fe, 1, false },     [FORM_XL] = { 0x7fe, 1, false },
    [FORM_XFX] = { 0x7fe, 1, false },   [FORM_XO] = { 0x3fe, 1, false },
    [FORM_XS] = { 0x7fc, 2, false },    [FORM_A] = { 0x3e, 1, false },
    [FORM_M] = { 0, 0, true },          [FORM_MD] = { 0x1c, 2, false },
    [FORM_MDS] = { 0x1e, 1, false },
    [FORM_VA] = { 0x3f, 0, true },      [FORM_VX] = { 0x7ff, 0, true },
    [FORM_VC] = { 0x3ff, 0, true },     [FORM_XX2] = { 0x7fc, 2, true },
    [FORM_XX3] = { 0x7f8, 3, true },    [FORM_XX3R] = { 0x3f8, 3, true },
    [FORM_XX3I] = { 0x4f8, 3, true },   [FORM_XX4] = { 0x30, 4, true },
};

/* Row indexes sorted by primary opcode: rows of primary p are
 * order[start[p]] .. order[start[p + 1] - 1]. */
static uint16_t *order;
static unsigned start[65];

void decode_init(void)
{
    if (order)
        return;
    unsigned count[64] = { 0 };
    for (unsigned r = 0; r < insn_table_size; r++) {
        struct insn_def *d = &insn_table[r];
        d->mask = PRIMARY_MASK | form_layout[d->form].xo_mask;
        d->match = (uint32_t)d->primary << 26 | (uint32_t)d->xo << form_layout[d->form].xo_shift;
        if (d->flags & INSN_RC1) {
            d->mask |= 1;
            d->match |= 1;
        } else if (!(d->flags & (INSN_RC | INSN_BIT31)) && !form_layout[d->form].bit31_is_field) {
            d->reserved |= 1;          /* no Rc: bit 31 must be 0 */
        }
        if (d->form == FORM_XO && !(d->flags & INSN_OE))
            d->reserved |= 1u << 10;   /* no OE: bit 21 must be 0 */
        count[d->primary]++;
    }
    static uint16_t storage[2048];
    order = storage;
    for (unsigned p = 0; p < 64; p++)
        start[p + 1] = start[p] + count[p];
    unsigned fill[64];
    for (unsigned p = 0; p < 64; p++)
        fill[p] = start[p];
    for (unsigned r = 0; r < insn_table_size; r++)
        order[fill[insn_table[r].primary]++] = (uint16_t)r;
}

const struct insn_def *decode_word(uint32_t word)
{
    unsigned p = word >> 26;
    for (unsigned k = start[p]; k < start[p + 1]; k++) {
        const struct insn_def *d = &insn_table[order[k]];
        if ((word & d->mask) == d->match)
            return d;
    }
    return NULL;
}
