/*
 * Handlers for insn_vsx_fp.def: VSX floating-point instructions (Power ISA 2.07 Book I 7.6): scalar double and single (xs*) and vector (xv*) arithmetic, multiply-add, conversions, compares, rounding, estimates and tests.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"
