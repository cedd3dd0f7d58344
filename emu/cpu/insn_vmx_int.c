/*
 * Handlers for insn_vmx_int.def: VMX integer instructions (Power ISA 2.07 Book I 6.9-6.13, 6.15-6.16 integer parts): add/subtract (modulo, saturating, carry, quadword), multiply, multiply-sum, average, max/min, compares (Rc sets CR6), logical, shifts and rotates, sums, and the 2.07 additions: count leading zeros, population count, gather bits, bit permute, polynomial multiply-sum, AES and SHA-2 assists.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/vec.h"
