/* Prototypes of every handler named in the insn_*.def tables. */
#ifndef PPCRR_EMU_CPU_INSN_HANDLERS_H
#define PPCRR_EMU_CPU_INSN_HANDLERS_H

#include "emu/cpu/insn.h"

#define INSN(mnemonic, form, primary, xo, reserved, flags, fn) void fn(struct cpu *c, uint32_t insn);
#include "emu/cpu/insn_all.def"
#undef INSN

#endif
