/*
 * Entry of ppcrr's bare-metal test guests (64-bit, little-endian ELFv2,
 * real mode, no firmware): set up the TOC from r12 (the entry address, as
 * the ELFv2 global entry convention has it), a stack, call main, and stop
 * the machine with attn, main's return value in r3.
 */
    /* Name the file symbol ourselves: otherwise it is the compiler's
     * random temporary object name, and the guest ELF (whose sha256
     * traces and snapshots record) would differ between builds. */
    .file "start.S"
    .section .text.start, "ax"
    .globl _start
_start:
    addis   2, 12, .TOC.-_start@ha
    addi    2, 2, .TOC.-_start@l
    lis     1, guest_stack_top@ha
    addi    1, 1, guest_stack_top@l
    li      0, 0
    stdu    0, -32(1)
    bl      main
    nop
    .long   0x00000200          /* attn */
    b       .
