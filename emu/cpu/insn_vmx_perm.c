/*
 * Handlers for insn_vmx_perm.def: VMX permutes, loads, stores and VSCR moves (Power ISA 2.07 Book I 6.7-6.8, 6.11 pack/unpack, merge, splat, permute, select, shift-by-octet), lvsl/lvsr, mfvscr/mtvscr.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"
