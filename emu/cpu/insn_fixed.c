/*
 * Fixed-point facility handlers (insn_fixed.def): the integer arithmetic,
 * compare, logical, rotate and shift instructions of Power ISA 2.07 Book I
 * ch. 3.3, isel, and the CR moves.
 *
 * Results are always computed on the full 64-bit registers; the mode only
 * changes what is recorded. In 32-bit mode (MSR[SF] = 0) XER[CA] is the
 * carry out of bit 32 rather than bit 0, XER[OV] the overflow of the low
 * word, and CR0 compares the low word (set_cr0). ISA 3.0 adds CA32 and OV32
 * (the 32-bit carry and overflow, whatever the mode); a POWER8 has no such
 * bits, so with c->isa300 clear the handlers leave them as they are.
 *
 * Where the ISA leaves a result undefined (divide by zero, a quotient that
 * does not fit, the high word of mulhw) the handlers give what QEMU's TCG
 * gives, so differential runs against qemu-ppc64le agree; each place says
 * which value that is.
 */
#include "emu/cpu/insn_handlers.h"

/* ---- XER and CR0 ---- */

/* CA (and CA32 on ISA 3.0) from the 64-bit and 32-bit carries. */
static inline void fixed_set_ca(struct cpu *c, unsigned ca64, unsigned ca32)
{
    unsigned keep32 = (c->xer[0] & XER_CA32) != 0;
    set_ca(c, cpu_64bit(c) ? ca64 : ca32, c->isa300 ? ca32 : keep32);
}

/* OV and SO (and OV32 on ISA 3.0) from the 64-bit and 32-bit overflows. */
static inline void fixed_set_ov(struct cpu *c, unsigned ov64, unsigned ov32)
{
    unsigned keep32 = (c->xer[0] & XER_OV32) != 0;
    set_ov(c, cpu_64bit(c) ? ov64 : ov32, c->isa300 ? ov32 : keep32);
}

/* OV for the multiplies and divides, whose overflow does not depend on the
 * mode; ISA 3.0 sets OV32 to the same value. */
static inline void fixed_set_ov_same(struct cpu *c, unsigned ov)
{
    unsigned keep32 = (c->xer[0] & XER_OV32) != 0;
    set_ov(c, ov, c->isa300 ? ov : keep32);
}

/* The last step of every X/XO-form handler: write the target, record CR0
 * when Rc is set. */
static inline void fixed_write(struct cpu *c, uint32_t insn, unsigned target, uint64_t r)
{
    c->gpr[target] = r;
    if (f_rc(insn))
        set_cr0(c, r);
}

/* ---- add and subtract ---- */

/* What an addition records, beyond its result. */
#define ADD_CA 1u    /* XER[CA]: the carrying forms */
#define ADD_OV 2u    /* XER[OV]: OE = 1 */
#define ADD_CR0 4u   /* CR0: Rc = 1 */

/* Every add and subtract is a + b + cin (subtraction adds ~RA and 1, as the
 * ISA writes it). Carry out of a bit is (a & b) | ((a | b) & ~r) there;
 * signed overflow of the top bit is (a ^ r) & (b ^ r): both hold with a
 * carry in, so one formula serves adde, subfme and the rest. */
static inline uint64_t arith_add(struct cpu *c, uint64_t a, uint64_t b, uint64_t cin, unsigned what)
{
    uint64_t r = a + b + cin;
    if (what & ADD_CA) {
        uint64_t carries = (a & b) | ((a | b) & ~r);
        fixed_set_ca(c, (unsigned)(carries >> 63), (unsigned)(carries >> 31) & 1);
    }
    if (what & ADD_OV) {
        uint64_t ovf = (a ^ r) & (b ^ r);
        fixed_set_ov(c, (unsigned)(ovf >> 63), (unsigned)(ovf >> 31) & 1);
    }
    if (what & ADD_CR0)
        set_cr0(c, r);
    return r;
}

/* The XO forms: RT = a + b + cin, OE and Rc from the instruction. */
static inline void arith_xo(struct cpu *c, uint32_t insn, uint64_t a, uint64_t b, uint64_t cin,
                            unsigned carrying)
{
    unsigned what = carrying | (f_oe(insn) ? ADD_OV : 0) | (f_rc(insn) ? ADD_CR0 : 0);
    c->gpr[f_rt(insn)] = arith_add(c, a, b, cin, what);
}

static inline uint64_t ra_of(const struct cpu *c, uint32_t insn) { return c->gpr[f_ra(insn)]; }
static inline uint64_t rb_of(const struct cpu *c, uint32_t insn) { return c->gpr[f_rb(insn)]; }
static inline uint64_t rs_of(const struct cpu *c, uint32_t insn) { return c->gpr[f_rs(insn)]; }

void insn_addi(struct cpu *c, uint32_t insn)
{
    unsigned ra = f_ra(insn);
    c->gpr[f_rt(insn)] = (ra ? c->gpr[ra] : 0) + (uint64_t)f_si(insn);
}

void insn_addis(struct cpu *c, uint32_t insn)
{
    unsigned ra = f_ra(insn);
    c->gpr[f_rt(insn)] = (ra ? c->gpr[ra] : 0) + ((uint64_t)f_si(insn) << 16);
}

void insn_addic(struct cpu *c, uint32_t insn)
{
    c->gpr[f_rt(insn)] = arith_add(c, ra_of(c, insn), (uint64_t)f_si(insn), 0, ADD_CA);
}

void insn_addic_rc(struct cpu *c, uint32_t insn)
{
    c->gpr[f_rt(insn)] = arith_add(c, ra_of(c, insn), (uint64_t)f_si(insn), 0, ADD_CA | ADD_CR0);
}

void insn_subfic(struct cpu *c, uint32_t insn)
{
    c->gpr[f_rt(insn)] = arith_add(c, ~ra_of(c, insn), (uint64_t)f_si(insn), 1, ADD_CA);
}

/* The XO-form adds and subtracts as a table: RT = a + b + carry in, where
 * ra and rb are the registers' values. addme, addze, subfme, subfze and neg
 * have no RB (the field is reserved), so rb goes unused there. */
#define ARITH_XO(name, a, b, cin, carrying)                           \
    void insn_##name(struct cpu *c, uint32_t insn)                    \
    {                                                                 \
        uint64_t ra = ra_of(c, insn), rb = rb_of(c, insn);            \
        (void)rb;                                                     \
        arith_xo(c, insn, a, b, cin, carrying);                       \
    }
/*       name     a    b      carry in   sets CA */
ARITH_XO(add,    ra,  rb,    0,         0)
ARITH_XO(subf,   ~ra, rb,    1,         0)
ARITH_XO(addc,   ra,  rb,    0,         ADD_CA)
ARITH_XO(subfc,  ~ra, rb,    1,         ADD_CA)
ARITH_XO(adde,   ra,  rb,    xer_ca(c), ADD_CA)
ARITH_XO(subfe,  ~ra, rb,    xer_ca(c), ADD_CA)
ARITH_XO(addme,  ra,  ~0ull, xer_ca(c), ADD_CA)
ARITH_XO(subfme, ~ra, ~0ull, xer_ca(c), ADD_CA)
ARITH_XO(addze,  ra,  0,     xer_ca(c), ADD_CA)
ARITH_XO(subfze, ~ra, 0,     xer_ca(c), ADD_CA)
ARITH_XO(neg,    ~ra, 0,     1,         0)
#undef ARITH_XO

/* ---- multiply ---- */

__extension__ typedef __int128 fixed_i128;
__extension__ typedef unsigned __int128 fixed_u128;

void insn_mulli(struct cpu *c, uint32_t insn)
{
    c->gpr[f_rt(insn)] = ra_of(c, insn) * (uint64_t)f_si(insn);
}

/* The full 64-bit product of the low words; OV when it does not fit 32 bits. */
void insn_mullw(struct cpu *c, uint32_t insn)
{
    int64_t p = (int64_t)(int32_t)ra_of(c, insn) * (int32_t)rb_of(c, insn);
    if (f_oe(insn))
        fixed_set_ov_same(c, p != (int32_t)p);
    fixed_write(c, insn, f_rt(insn), (uint64_t)p);
}

void insn_mulld(struct cpu *c, uint32_t insn)
{
    int64_t p;
    bool ov = __builtin_mul_overflow((int64_t)ra_of(c, insn), (int64_t)rb_of(c, insn), &p);
    if (f_oe(insn))
        fixed_set_ov_same(c, ov);
    fixed_write(c, insn, f_rt(insn), (uint64_t)p);
}

/* The high word of RT is undefined for mulhw and mulhwu: QEMU zeroes it,
 * and CR0 then looks at the zero-extended value in 64-bit mode. */
void insn_mulhw(struct cpu *c, uint32_t insn)
{
    int64_t p = (int64_t)(int32_t)ra_of(c, insn) * (int32_t)rb_of(c, insn);
    fixed_write(c, insn, f_rt(insn), (uint64_t)p >> 32);
}

void insn_mulhwu(struct cpu *c, uint32_t insn)
{
    uint64_t p = (uint64_t)(uint32_t)ra_of(c, insn) * (uint32_t)rb_of(c, insn);
    fixed_write(c, insn, f_rt(insn), p >> 32);
}

void insn_mulhd(struct cpu *c, uint32_t insn)
{
    fixed_i128 p = (fixed_i128)(int64_t)ra_of(c, insn) * (int64_t)rb_of(c, insn);
    fixed_write(c, insn, f_rt(insn), (uint64_t)((fixed_u128)p >> 64));
}

void insn_mulhdu(struct cpu *c, uint32_t insn)
{
    fixed_u128 p = (fixed_u128)ra_of(c, insn) * rb_of(c, insn);
    fixed_write(c, insn, f_rt(insn), (uint64_t)(p >> 64));
}

/* ---- divide ---- */

/* Every divide ends alike: OV when the quotient is undefined (OE = 1),
 * then RT and CR0. */
static inline void div_finish(struct cpu *c, uint32_t insn, uint64_t q, bool overflow)
{
    if (f_oe(insn))
        fixed_set_ov_same(c, overflow);
    fixed_write(c, insn, f_rt(insn), q);
}

/* For the undefined word quotients (divisor 0, INT_MIN / -1) QEMU divides
 * by 1 instead, so RT gets the dividend's low word; the quotient is always
 * zero-extended (RT's high word is undefined too). */
void insn_divw(struct cpu *c, uint32_t insn)
{
    int32_t a = (int32_t)ra_of(c, insn), b = (int32_t)rb_of(c, insn);
    bool overflow = b == 0 || (a == INT32_MIN && b == -1);
    div_finish(c, insn, (uint32_t)(overflow ? a : a / b), overflow);
}

void insn_divwu(struct cpu *c, uint32_t insn)
{
    uint32_t a = (uint32_t)ra_of(c, insn), b = (uint32_t)rb_of(c, insn);
    div_finish(c, insn, b ? a / b : a, b == 0);
}

/* Likewise for doublewords: the undefined quotient is the dividend. */
void insn_divd(struct cpu *c, uint32_t insn)
{
    int64_t a = (int64_t)ra_of(c, insn), b = (int64_t)rb_of(c, insn);
    bool overflow = b == 0 || (a == INT64_MIN && b == -1);
    div_finish(c, insn, (uint64_t)(overflow ? a : a / b), overflow);
}

void insn_divdu(struct cpu *c, uint32_t insn)
{
    uint64_t a = ra_of(c, insn), b = rb_of(c, insn);
    div_finish(c, insn, b ? a / b : a, b == 0);
}

/* The extended divides take RA's low word (or all of RA) as the high half
 * of the dividend, whose low half is zero. When the quotient does not fit
 * (or the divisor is 0) QEMU returns 0. divwe's quotient is sign-extended,
 * divweu's zero-extended, as QEMU does. */
void insn_divwe(struct cpu *c, uint32_t insn)
{
    int64_t a = (int64_t)((uint64_t)(uint32_t)ra_of(c, insn) << 32);
    int64_t b = (int32_t)rb_of(c, insn), q = 0;
    bool overflow = b == 0 || (a == INT64_MIN && b == -1);
    if (!overflow) {
        q = a / b;
        overflow = q != (int32_t)q;
    }
    div_finish(c, insn, overflow ? 0 : (uint64_t)q, overflow);
}

void insn_divweu(struct cpu *c, uint32_t insn)
{
    uint64_t a = (uint64_t)(uint32_t)ra_of(c, insn) << 32;
    uint32_t b = (uint32_t)rb_of(c, insn);
    bool overflow = (a >> 32) >= b;           /* the quotient needs 33 bits or more */
    div_finish(c, insn, overflow ? 0 : a / b, overflow);
}

/* The quotient fits 64 signed bits or OV is set (ISA). QEMU 7.2 only checks
 * |RA| >= |RB|, which misses the quotients that overflow although
 * |RA| < |RB| (2^31 * 2^64 / (2^32 - 1), say): it returns their low 64 bits
 * with OV clear. ppcrr follows the ISA there and returns 0, as QEMU does
 * for the overflows it sees (cases_divde_isa in the test). */
void insn_divde(struct cpu *c, uint32_t insn)
{
    int64_t a = (int64_t)ra_of(c, insn), b = (int64_t)rb_of(c, insn);
    uint64_t q = 0;
    bool overflow;
    if (b == 0 || b == -1) {
        overflow = b == 0 || a != 0;          /* -(a * 2^64) fits only for a = 0 */
    } else {
        fixed_i128 wide = (fixed_i128)a * ((fixed_i128)1 << 64) / b;
        overflow = wide != (int64_t)wide;
        q = overflow ? 0 : (uint64_t)wide;
    }
    div_finish(c, insn, q, overflow);
}

void insn_divdeu(struct cpu *c, uint32_t insn)
{
    uint64_t a = ra_of(c, insn), b = rb_of(c, insn);
    bool overflow = a >= b;                   /* the quotient needs 65 bits or more */
    div_finish(c, insn, overflow ? 0 : (uint64_t)(((fixed_u128)a << 64) / b), overflow);
}

/* ---- compare ---- */

static inline void compare_signed(struct cpu *c, unsigned bf, int64_t a, int64_t b)
{
    cr_set_field(c, bf, (a < b ? CR_LT : a > b ? CR_GT : CR_EQ) | xer_so(c));
}

static inline void compare_unsigned(struct cpu *c, unsigned bf, uint64_t a, uint64_t b)
{
    cr_set_field(c, bf, (a < b ? CR_LT : a > b ? CR_GT : CR_EQ) | xer_so(c));
}

/* L = 0 compares the low words, whatever the mode. */
void insn_cmpi(struct cpu *c, uint32_t insn)
{
    uint64_t x = ra_of(c, insn);
    compare_signed(c, f_bf(insn), f_l(insn) ? (int64_t)x : (int32_t)x, f_si(insn));
}

void insn_cmp(struct cpu *c, uint32_t insn)
{
    uint64_t x = ra_of(c, insn), y = rb_of(c, insn);
    if (f_l(insn))
        compare_signed(c, f_bf(insn), (int64_t)x, (int64_t)y);
    else
        compare_signed(c, f_bf(insn), (int32_t)x, (int32_t)y);
}

void insn_cmpli(struct cpu *c, uint32_t insn)
{
    uint64_t x = ra_of(c, insn);
    compare_unsigned(c, f_bf(insn), f_l(insn) ? x : (uint32_t)x, f_ui(insn));
}

void insn_cmpl(struct cpu *c, uint32_t insn)
{
    uint64_t x = ra_of(c, insn), y = rb_of(c, insn);
    if (f_l(insn))
        compare_unsigned(c, f_bf(insn), x, y);
    else
        compare_unsigned(c, f_bf(insn), (uint32_t)x, (uint32_t)y);
}

#define BYTES_7F 0x7f7f7f7f7f7f7f7full
#define BYTES_80 0x8080808080808080ull
#define BYTES_01 0x0101010101010101ull

/* Each byte of RA is 0xff where the bytes of RS and RB are equal. A byte of
 * x has its top bit set in ((x & 7f..) + 7f..) | x exactly when it is not
 * zero, with no carry into the next byte. */
void insn_cmpb(struct cpu *c, uint32_t insn)
{
    uint64_t x = rs_of(c, insn) ^ rb_of(c, insn);
    uint64_t nonzero = (((x & BYTES_7F) + BYTES_7F) | x) & BYTES_80;
    c->gpr[f_ra(insn)] = ~((nonzero >> 7) * 0xff);
}

/* ---- logical ---- */

void insn_andi_rc(struct cpu *c, uint32_t insn)
{
    uint64_t r = rs_of(c, insn) & f_ui(insn);
    c->gpr[f_ra(insn)] = r;
    set_cr0(c, r);
}

void insn_andis_rc(struct cpu *c, uint32_t insn)
{
    uint64_t r = rs_of(c, insn) & (f_ui(insn) << 16);
    c->gpr[f_ra(insn)] = r;
    set_cr0(c, r);
}

void insn_ori(struct cpu *c, uint32_t insn)
{
    c->gpr[f_ra(insn)] = rs_of(c, insn) | f_ui(insn);
}

void insn_oris(struct cpu *c, uint32_t insn)
{
    c->gpr[f_ra(insn)] = rs_of(c, insn) | f_ui(insn) << 16;
}

void insn_xori(struct cpu *c, uint32_t insn)
{
    c->gpr[f_ra(insn)] = rs_of(c, insn) ^ f_ui(insn);
}

void insn_xoris(struct cpu *c, uint32_t insn)
{
    c->gpr[f_ra(insn)] = rs_of(c, insn) ^ f_ui(insn) << 16;
}

/* RA = f(RS, RB), CR0 when Rc: the X-form logical operations and the sign
 * extensions (which have no RB), as a table. */
#define LOGICAL_X(name, expr)                                         \
    void insn_##name(struct cpu *c, uint32_t insn)                    \
    {                                                                 \
        uint64_t s = rs_of(c, insn), b = rb_of(c, insn);              \
        (void)b;                                                      \
        fixed_write(c, insn, f_ra(insn), expr);                       \
    }
LOGICAL_X(and, s & b)
LOGICAL_X(andc, s & ~b)
LOGICAL_X(or, s | b)
LOGICAL_X(orc, s | ~b)
LOGICAL_X(xor, s ^ b)
LOGICAL_X(nand, ~(s & b))
LOGICAL_X(nor, ~(s | b))
LOGICAL_X(eqv, ~(s ^ b))
LOGICAL_X(extsb, (uint64_t)(int8_t)s)
LOGICAL_X(extsh, (uint64_t)(int16_t)s)
LOGICAL_X(extsw, (uint64_t)(int32_t)s)
#undef LOGICAL_X

void insn_cntlzw(struct cpu *c, uint32_t insn)
{
    uint32_t x = (uint32_t)rs_of(c, insn);
    fixed_write(c, insn, f_ra(insn), x ? (uint64_t)__builtin_clz(x) : 32);
}

void insn_cntlzd(struct cpu *c, uint32_t insn)
{
    uint64_t x = rs_of(c, insn);
    fixed_write(c, insn, f_ra(insn), x ? (uint64_t)__builtin_clzll(x) : 64);
}

/* ISA 3.0: a POWER8 does not have them. */
void insn_cnttzw(struct cpu *c, uint32_t insn)
{
    if (!c->isa300) {
        insn_illegal(c, insn);
        return;
    }
    uint32_t x = (uint32_t)rs_of(c, insn);
    fixed_write(c, insn, f_ra(insn), x ? (uint64_t)__builtin_ctz(x) : 32);
}

void insn_cnttzd(struct cpu *c, uint32_t insn)
{
    if (!c->isa300) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t x = rs_of(c, insn);
    fixed_write(c, insn, f_ra(insn), x ? (uint64_t)__builtin_ctzll(x) : 64);
}

/* Population counts per byte, per word, per doubleword: the usual halving
 * sums, stopped at the element size. */
static inline uint64_t popcount_bytes(uint64_t x)
{
    x = (x & 0x5555555555555555ull) + ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    return (x & 0x0f0f0f0f0f0f0f0full) + ((x >> 4) & 0x0f0f0f0f0f0f0f0full);
}

void insn_popcntb(struct cpu *c, uint32_t insn)
{
    c->gpr[f_ra(insn)] = popcount_bytes(rs_of(c, insn));
}

void insn_popcntw(struct cpu *c, uint32_t insn)
{
    uint64_t x = popcount_bytes(rs_of(c, insn));
    x = (x & 0x00ff00ff00ff00ffull) + ((x >> 8) & 0x00ff00ff00ff00ffull);
    c->gpr[f_ra(insn)] = (x & 0x0000ffff0000ffffull) + ((x >> 16) & 0x0000ffff0000ffffull);
}

void insn_popcntd(struct cpu *c, uint32_t insn)
{
    c->gpr[f_ra(insn)] = (uint64_t)__builtin_popcountll(rs_of(c, insn));
}

/* Parity of the least significant bit of each byte, per word / doubleword. */
void insn_prtyw(struct cpu *c, uint32_t insn)
{
    uint64_t x = rs_of(c, insn) & BYTES_01;
    x ^= x >> 16;
    x ^= x >> 8;
    c->gpr[f_ra(insn)] = x & 0x0000000100000001ull;
}

void insn_prtyd(struct cpu *c, uint32_t insn)
{
    uint64_t x = rs_of(c, insn) & BYTES_01;
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    c->gpr[f_ra(insn)] = x & 1;
}

/* Byte i of RS (from the left) picks bit RS[i] of RB (ISA numbering), or 0
 * for an index past 63; the eight bits land in RA's low byte, byte 0's
 * leftmost. */
void insn_bpermd(struct cpu *c, uint32_t insn)
{
    uint64_t s = rs_of(c, insn), b = rb_of(c, insn), r = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned index = (unsigned)(s >> (56 - 8 * i)) & 0xff;
        if (index < 64)
            r |= ((b >> (63 - index)) & 1) << (7 - i);
    }
    c->gpr[f_ra(insn)] = r;
}

/* ---- rotate ---- */

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
    n &= 63;
    return (x << n) | (x >> ((64 - n) & 63));
}

/* ROTL32 of the ISA rotates the low word copied into both halves, so the
 * wrap-around masks of rlw* (mb > me) let the copy through into RA's high
 * word. */
static inline uint64_t rotl32(uint64_t x, unsigned n)
{
    uint64_t w = (uint32_t)x;
    return rotl64(w | w << 32, n);
}

/* MASK(mb, me), ISA bit numbering (0 = most significant): ones from mb to
 * me, wrapping around when mb > me. */
static inline uint64_t rotate_mask(unsigned mb, unsigned me)
{
    uint64_t from = ~0ull >> mb, to = ~0ull << (63 - me);
    return mb <= me ? from & to : from | to;
}

static inline uint64_t rlw_mask(uint32_t insn)
{
    return rotate_mask(f_mb(insn) + 32, f_me(insn) + 32);
}

void insn_rlwinm(struct cpu *c, uint32_t insn)
{
    fixed_write(c, insn, f_ra(insn), rotl32(rs_of(c, insn), f_sh(insn)) & rlw_mask(insn));
}

void insn_rlwnm(struct cpu *c, uint32_t insn)
{
    uint64_t r = rotl32(rs_of(c, insn), (unsigned)rb_of(c, insn) & 31);
    fixed_write(c, insn, f_ra(insn), r & rlw_mask(insn));
}

void insn_rlwimi(struct cpu *c, uint32_t insn)
{
    uint64_t m = rlw_mask(insn), r = rotl32(rs_of(c, insn), f_sh(insn));
    fixed_write(c, insn, f_ra(insn), (r & m) | (ra_of(c, insn) & ~m));
}

/* MD/MDS forms: 6-bit sh and mb (or me, in the same place) fields. */
void insn_rldicl(struct cpu *c, uint32_t insn)
{
    uint64_t r = rotl64(rs_of(c, insn), f_sh6(insn));
    fixed_write(c, insn, f_ra(insn), r & (~0ull >> f_mb6(insn)));
}

void insn_rldicr(struct cpu *c, uint32_t insn)
{
    uint64_t r = rotl64(rs_of(c, insn), f_sh6(insn));
    fixed_write(c, insn, f_ra(insn), r & (~0ull << (63 - f_mb6(insn))));
}

void insn_rldic(struct cpu *c, uint32_t insn)
{
    unsigned sh = f_sh6(insn);
    uint64_t r = rotl64(rs_of(c, insn), sh);
    fixed_write(c, insn, f_ra(insn), r & rotate_mask(f_mb6(insn), 63 - sh));
}

void insn_rldimi(struct cpu *c, uint32_t insn)
{
    unsigned sh = f_sh6(insn);
    uint64_t m = rotate_mask(f_mb6(insn), 63 - sh);
    fixed_write(c, insn, f_ra(insn), (rotl64(rs_of(c, insn), sh) & m) | (ra_of(c, insn) & ~m));
}

void insn_rldcl(struct cpu *c, uint32_t insn)
{
    uint64_t r = rotl64(rs_of(c, insn), (unsigned)rb_of(c, insn));
    fixed_write(c, insn, f_ra(insn), r & (~0ull >> f_mb6(insn)));
}

void insn_rldcr(struct cpu *c, uint32_t insn)
{
    uint64_t r = rotl64(rs_of(c, insn), (unsigned)rb_of(c, insn));
    fixed_write(c, insn, f_ra(insn), r & (~0ull << (63 - f_mb6(insn))));
}

/* ---- shift ---- */

/* Word shifts take the count from RB's low six bits; a count of 32 to 63
 * shifts everything out. The result is the low word, zero-extended. */
void insn_slw(struct cpu *c, uint32_t insn)
{
    unsigned n = (unsigned)rb_of(c, insn) & 63;
    uint64_t r = n < 32 ? (uint32_t)(rs_of(c, insn) << n) : 0;
    fixed_write(c, insn, f_ra(insn), r);
}

void insn_srw(struct cpu *c, uint32_t insn)
{
    unsigned n = (unsigned)rb_of(c, insn) & 63;
    uint64_t r = n < 32 ? (uint32_t)rs_of(c, insn) >> n : 0;
    fixed_write(c, insn, f_ra(insn), r);
}

/* Algebraic shifts: the result is sign-extended to 64 bits; CA (and CA32)
 * is set when the value is negative and a 1 bit was shifted out. Shifting
 * the sign-extended word as a doubleword gives both for every count up to
 * 63, so sraw's "count of 32 or more" needs no case of its own. */
static inline void shift_algebraic(struct cpu *c, uint32_t insn, int64_t v, unsigned n)
{
    unsigned ca = v < 0 && ((uint64_t)v & ((1ull << n) - 1)) != 0;
    fixed_set_ca(c, ca, ca);
    fixed_write(c, insn, f_ra(insn), (uint64_t)(v >> n));
}

void insn_sraw(struct cpu *c, uint32_t insn)
{
    shift_algebraic(c, insn, (int32_t)rs_of(c, insn), (unsigned)rb_of(c, insn) & 63);
}

void insn_srawi(struct cpu *c, uint32_t insn)
{
    shift_algebraic(c, insn, (int32_t)rs_of(c, insn), f_sh(insn));
}

/* Doubleword shifts take seven bits of RB; 64 to 127 shifts everything out. */
void insn_sld(struct cpu *c, uint32_t insn)
{
    unsigned n = (unsigned)rb_of(c, insn) & 127;
    fixed_write(c, insn, f_ra(insn), n < 64 ? rs_of(c, insn) << n : 0);
}

void insn_srd(struct cpu *c, uint32_t insn)
{
    unsigned n = (unsigned)rb_of(c, insn) & 127;
    fixed_write(c, insn, f_ra(insn), n < 64 ? rs_of(c, insn) >> n : 0);
}

void insn_srad(struct cpu *c, uint32_t insn)
{
    int64_t v = (int64_t)rs_of(c, insn);
    unsigned n = (unsigned)rb_of(c, insn) & 127;
    if (n < 64) {
        shift_algebraic(c, insn, v, n);
    } else {                                  /* every bit shifted out */
        fixed_set_ca(c, v < 0, v < 0);
        fixed_write(c, insn, f_ra(insn), (uint64_t)(v >> 63));
    }
}

void insn_sradi(struct cpu *c, uint32_t insn)
{
    shift_algebraic(c, insn, (int64_t)rs_of(c, insn), f_sh6(insn));
}

/* ---- select and CR moves ---- */

void insn_isel(struct cpu *c, uint32_t insn)
{
    unsigned ra = f_ra(insn);
    uint64_t a = ra ? c->gpr[ra] : 0;
    c->gpr[f_rt(insn)] = cr_bit(c, f_rc_reg(insn)) ? a : rb_of(c, insn);
}

#define FXM_ONE_FIELD (1u << 20)   /* ISA bit 11: mfocrf / mtocrf */

static inline unsigned f_fxm(uint32_t insn) { return (insn >> 12) & 0xff; }   /* 12:19 */

/* FXM bit k (host order; bit 7 is CR0) widened to a mask of CR nibble k. */
static const uint16_t fxm_nibbles[16] = {
    0x0000, 0x000f, 0x00f0, 0x00ff, 0x0f00, 0x0f0f, 0x0ff0, 0x0fff,
    0xf000, 0xf00f, 0xf0f0, 0xf0ff, 0xff00, 0xff0f, 0xfff0, 0xffff,
};

static inline uint32_t fxm_mask(unsigned fxm)
{
    return (uint32_t)fxm_nibbles[fxm >> 4] << 16 | fxm_nibbles[fxm & 15];
}

/* mfocrf names one field; the rest of RT is zero (undefined in ISA 2.07;
 * zero in ISA 3.0 and QEMU). With any other FXM the result is undefined:
 * QEMU leaves RT alone, and so do we. mfcr ignores the FXM bits, as QEMU
 * does. */
void insn_mfcr(struct cpu *c, uint32_t insn)
{
    uint32_t cr = (uint32_t)c->cr[0];
    if (insn & FXM_ONE_FIELD) {
        unsigned fxm = f_fxm(insn);
        if (fxm == 0 || (fxm & (fxm - 1)))
            return;
        cr &= fxm_mask(fxm);
    }
    c->gpr[f_rt(insn)] = cr;
}

/* mtocrf with other than exactly one FXM bit leaves CR undefined: QEMU
 * leaves it unchanged, and so do we. */
void insn_mtcrf(struct cpu *c, uint32_t insn)
{
    unsigned fxm = f_fxm(insn);
    if ((insn & FXM_ONE_FIELD) && (fxm == 0 || (fxm & (fxm - 1))))
        return;
    uint64_t m = fxm_mask(fxm);
    c->cr[0] = (c->cr[0] & ~m) | (rs_of(c, insn) & m);
}
