/*
 * Handlers for insn_vsx_perm.def: VSX loads and stores, permutes, selects and logical instructions (Power ISA 2.07 Book I 7.6), and the VMX floating-point instructions (6.14) that ride on the same single-precision helpers.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"
