/*
 * Load and store handlers (insn_loadstore.def): Power ISA 2.07 Book I
 * 3.3.2-3.3.7 (fixed-point loads and stores, byte-reversed, multiple,
 * string, quadword) and Book II 4.3-4.4 (cache management, load and
 * reserve / store conditional).
 *
 * The ordinary loads and stores are two inline helpers, specialised by
 * size and by flags (sign extension, update, byte reversal); each handler
 * is one line, and the lists of them below read like a table. The other
 * groups share a helper per kind (quadword, reservation, multiple, string).
 *
 * Memory goes only through mem_access.h, which applies MSR[LE] (and the
 * byte reversal), and raises DSI or machine check. A handler whose access
 * failed returns at once without writing any register, so the interrupt
 * sees the registers as they were before the instruction; staged results
 * (lmw, lsw*, lq) are written only after every access has succeeded.
 *
 * Unaligned ordinary accesses are performed, as POWER8 does in real mode
 * for cacheable storage. Alignment interrupts come only from what needs
 * them architecturally: larx/stcx. and the quadword instructions when not
 * naturally aligned, and the multiple and string instructions in
 * little-endian mode.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/mem_access.h"

#define CACHE_BLOCK 128u     /* POWER8's data and instruction cache block */

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* What varies between the forms of one ordinary access. */
enum {
    LS_SIGNED = 1,   /* sign-extend the loaded value (lha, lwa) */
    LS_UPDATE = 2,   /* RA <- EA afterwards (the "u" forms) */
    LS_REV = 4,      /* byte-reversed (lhbrx and family) */
};

/* The displacement each form adds to (RA|0). */
#define DISP_D ((uint64_t)f_si(insn))
#define DISP_DS ((uint64_t)f_ds(insn))
#define DISP_X (c->gpr[f_rb(insn)])

static inline uint64_t ea_x(const struct cpu *c, uint32_t insn)
{
    return ea_ra0(c, insn, DISP_X);
}

/* ---- ordinary loads and stores ---- */

ALWAYS_INLINE void do_load(struct cpu *c, uint32_t insn, uint64_t disp, unsigned size, unsigned how)
{
    unsigned rt = f_rt(insn), ra = f_ra(insn);
    /* Book I 3.3.2: a load with update and RA=0 or RA=RT is invalid. */
    if ((how & LS_UPDATE) && __builtin_expect(ra == 0 || ra == rt, 0)) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_ra0(c, insn, disp), v;
    if (!cpu_load(c, ea, size, how & LS_REV, &v))
        return;
    if (how & LS_SIGNED)
        v = size == 2 ? (uint64_t)(int16_t)v : (uint64_t)(int32_t)v;
    c->gpr[rt] = v;
    if (how & LS_UPDATE)
        c->gpr[ra] = ea;
}

ALWAYS_INLINE void do_store(struct cpu *c, uint32_t insn, uint64_t disp, unsigned size, unsigned how)
{
    unsigned ra = f_ra(insn);
    /* Book I 3.3.3: a store with update and RA=0 is invalid (RA=RS is
     * fine: the old value is stored). */
    if ((how & LS_UPDATE) && __builtin_expect(ra == 0, 0)) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_ra0(c, insn, disp);
    if (!cpu_store(c, ea, size, how & LS_REV, c->gpr[f_rs(insn)]))
        return;
    if (how & LS_UPDATE)
        c->gpr[ra] = ea;
}

#define LOAD(name, form, size, how) \
    void insn_##name(struct cpu *c, uint32_t insn) { do_load(c, insn, DISP_##form, size, how); }
#define STORE(name, form, size, how) \
    void insn_##name(struct cpu *c, uint32_t insn) { do_store(c, insn, DISP_##form, size, how); }

LOAD(lbz,    D,  1, 0)
LOAD(lbzu,   D,  1, LS_UPDATE)
LOAD(lbzx,   X,  1, 0)
LOAD(lbzux,  X,  1, LS_UPDATE)
LOAD(lhz,    D,  2, 0)
LOAD(lhzu,   D,  2, LS_UPDATE)
LOAD(lhzx,   X,  2, 0)
LOAD(lhzux,  X,  2, LS_UPDATE)
LOAD(lha,    D,  2, LS_SIGNED)
LOAD(lhau,   D,  2, LS_SIGNED | LS_UPDATE)
LOAD(lhax,   X,  2, LS_SIGNED)
LOAD(lhaux,  X,  2, LS_SIGNED | LS_UPDATE)
LOAD(lwz,    D,  4, 0)
LOAD(lwzu,   D,  4, LS_UPDATE)
LOAD(lwzx,   X,  4, 0)
LOAD(lwzux,  X,  4, LS_UPDATE)
LOAD(lwa,    DS, 4, LS_SIGNED)
LOAD(lwax,   X,  4, LS_SIGNED)
LOAD(lwaux,  X,  4, LS_SIGNED | LS_UPDATE)
LOAD(ld,     DS, 8, 0)
LOAD(ldu,    DS, 8, LS_UPDATE)
LOAD(ldx,    X,  8, 0)
LOAD(ldux,   X,  8, LS_UPDATE)
LOAD(lhbrx,  X,  2, LS_REV)
LOAD(lwbrx,  X,  4, LS_REV)
LOAD(ldbrx,  X,  8, LS_REV)

STORE(stb,    D,  1, 0)
STORE(stbu,   D,  1, LS_UPDATE)
STORE(stbx,   X,  1, 0)
STORE(stbux,  X,  1, LS_UPDATE)
STORE(sth,    D,  2, 0)
STORE(sthu,   D,  2, LS_UPDATE)
STORE(sthx,   X,  2, 0)
STORE(sthux,  X,  2, LS_UPDATE)
STORE(stw,    D,  4, 0)
STORE(stwu,   D,  4, LS_UPDATE)
STORE(stwx,   X,  4, 0)
STORE(stwux,  X,  4, LS_UPDATE)
STORE(std,    DS, 8, 0)
STORE(stdu,   DS, 8, LS_UPDATE)
STORE(stdx,   X,  8, 0)
STORE(stdux,  X,  8, LS_UPDATE)
STORE(sthbrx, X,  2, LS_REV)
STORE(stwbrx, X,  4, LS_REV)
STORE(stdbrx, X,  8, LS_REV)

/* ---- quadword (Book I 3.3.4) ---- */

/* A quadword is one 16-byte integer in the current byte order; the even
 * register of the pair holds its high doubleword, which is at EA in
 * big-endian mode and at EA+8 in little-endian mode. The two halves are
 * accessed in address order, so a fault names EA first. EA is 16-aligned,
 * so both halves are in one page and EA+8 cannot wrap in 32-bit mode. */
static bool load_quad(struct cpu *c, uint64_t ea, uint64_t *hi, uint64_t *lo)
{
    uint64_t first, second;
    if (!cpu_load(c, ea, 8, false, &first) || !cpu_load(c, ea + 8, 8, false, &second))
        return false;
    bool le = c->msr[0] & MSR_LE;
    *hi = le ? second : first;
    *lo = le ? first : second;
    return true;
}

/* A device could refuse the second half after taking the first; RAM
 * cannot, as both halves are in one page. */
static bool store_quad(struct cpu *c, uint64_t ea, uint64_t hi, uint64_t lo)
{
    bool le = c->msr[0] & MSR_LE;
    return cpu_store(c, ea, 8, false, le ? lo : hi) && cpu_store(c, ea + 8, 8, false, le ? hi : lo);
}

/* The quadword instructions take an alignment interrupt unless EA is a
 * multiple of 16 (Book III-S 6.5.8). */
static bool quad_aligned(struct cpu *c, uint64_t ea)
{
    if (__builtin_expect(ea & 15, 0)) {
        cpu_alignment_interrupt(c, ea);
        return false;
    }
    return true;
}

void insn_lq(struct cpu *c, uint32_t insn)
{
    unsigned rtp = f_rt(insn);
    if ((rtp & 1) || rtp == f_ra(insn)) {      /* invalid forms */
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_ra0(c, insn, (uint64_t)(int16_t)(insn & 0xfff0)), hi, lo;   /* DQ || 0b0000 */
    if (!quad_aligned(c, ea) || !load_quad(c, ea, &hi, &lo))
        return;
    c->gpr[rtp] = hi;
    c->gpr[rtp + 1] = lo;
}

void insn_stq(struct cpu *c, uint32_t insn)
{
    unsigned rsp = f_rs(insn);
    if (rsp & 1) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_ra0(c, insn, DISP_DS);
    if (quad_aligned(c, ea))
        store_quad(c, ea, c->gpr[rsp], c->gpr[rsp + 1]);
}

/* ---- load and reserve, store conditional (Book II 4.4.2) ----
 *
 * The reservation is the real address and length of the larx (len 0: none).
 * A stcx. succeeds only if its own real address and length match exactly,
 * which is QEMU's rule; a reservation for another address or size, or none,
 * fails. Either way the stcx. clears the reservation. Both need natural
 * alignment, and take the alignment interrupt before any translation. */

static bool reserve_aligned(struct cpu *c, uint64_t ea, unsigned size)
{
    if (__builtin_expect(ea & (size - 1), 0)) {
        cpu_alignment_interrupt(c, ea);
        return false;
    }
    return true;
}

/* A new reservation marks its page, so that a store there by another
 * vCPU or a device finds it (memory.h, the machine's reservation watcher):
 * the reservation is lost when another processor or mechanism stores into
 * its granule. */
static void reserve_set(struct cpu *c, uint64_t ra, unsigned size)
{
    c->reserve_addr[0] = ra;
    c->reserve_len[0] = size;
    if (size && ra < c->mem->ram_size)
        c->mem->watched[ra >> GUEST_PAGE_SHIFT] |= MEMORY_WATCH_RESERVE;
}

/* Translates a stcx. (DSI as a store, even when it will fail) and consumes
 * the reservation; true if it covers exactly this access. */
static bool reserve_take(struct cpu *c, uint64_t ea, unsigned size, bool *ok)
{
    uint64_t ra;
    if (!reserve_aligned(c, ea, size) || !cpu_translate_data(c, ea, true, &ra))
        return false;
    *ok = c->reserve_len[0] == size && c->reserve_addr[0] == ra;
    reserve_set(c, 0, 0);
    return true;
}

/* CR0 = 0b00 || stored || XER[SO]. */
static void stcx_result(struct cpu *c, bool stored)
{
    cr_set_field(c, 0, (stored ? CR_EQ : 0) | xer_so(c));
}

ALWAYS_INLINE void do_larx(struct cpu *c, uint32_t insn, unsigned size)
{
    uint64_t ea = ea_x(c, insn), ra, v;
    if (!reserve_aligned(c, ea, size) || !cpu_translate_data(c, ea, false, &ra) ||
        !cpu_load(c, ea, size, false, &v))
        return;
    c->gpr[f_rt(insn)] = v;
    reserve_set(c, ra, size);
}

ALWAYS_INLINE void do_stcx(struct cpu *c, uint32_t insn, unsigned size)
{
    uint64_t ea = ea_x(c, insn);
    bool ok;
    if (!reserve_take(c, ea, size, &ok))
        return;
    if (ok && !cpu_store(c, ea, size, false, c->gpr[f_rs(insn)]))
        return;
    stcx_result(c, ok);
}

void insn_lbarx(struct cpu *c, uint32_t insn) { do_larx(c, insn, 1); }
void insn_lharx(struct cpu *c, uint32_t insn) { do_larx(c, insn, 2); }
void insn_lwarx(struct cpu *c, uint32_t insn) { do_larx(c, insn, 4); }
void insn_ldarx(struct cpu *c, uint32_t insn) { do_larx(c, insn, 8); }
void insn_stbcx(struct cpu *c, uint32_t insn) { do_stcx(c, insn, 1); }
void insn_sthcx(struct cpu *c, uint32_t insn) { do_stcx(c, insn, 2); }
void insn_stwcx(struct cpu *c, uint32_t insn) { do_stcx(c, insn, 4); }
void insn_stdcx(struct cpu *c, uint32_t insn) { do_stcx(c, insn, 8); }

void insn_lqarx(struct cpu *c, uint32_t insn)
{
    unsigned rtp = f_rt(insn);
    if ((rtp & 1) || rtp == f_ra(insn) || rtp == f_rb(insn)) {   /* invalid forms */
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_x(c, insn), ra, hi, lo;
    if (!reserve_aligned(c, ea, 16) || !cpu_translate_data(c, ea, false, &ra) ||
        !load_quad(c, ea, &hi, &lo))
        return;
    c->gpr[rtp] = hi;
    c->gpr[rtp + 1] = lo;
    reserve_set(c, ra, 16);
}

void insn_stqcx(struct cpu *c, uint32_t insn)
{
    unsigned rsp = f_rs(insn);
    if (rsp & 1) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_x(c, insn);
    bool ok;
    if (!reserve_take(c, ea, 16, &ok))
        return;
    if (ok && !store_quad(c, ea, c->gpr[rsp], c->gpr[rsp + 1]))
        return;
    stcx_result(c, ok);
}

/* ---- multiple and string (Book I 3.3.6, 3.3.7) ----
 *
 * These exist for big-endian code only: in little-endian mode POWER8 takes
 * an alignment interrupt (DAR = EA) so that the OS can emulate them.
 * Invalid forms are checked first, as an illegal instruction outranks a
 * storage interrupt. An unaligned lmw/stmw is performed (the ISA allows
 * that or an alignment interrupt; QEMU performs it too). Loads stage their
 * results and write the registers only if every access succeeded; stores
 * that fault part way leave the earlier bytes stored, as the ISA allows. */

static bool big_endian_only(struct cpu *c, uint64_t ea)
{
    if (__builtin_expect(c->msr[0] & MSR_LE, 0)) {
        cpu_alignment_interrupt(c, ea);
        return false;
    }
    return true;
}

void insn_lmw(struct cpu *c, uint32_t insn)
{
    unsigned rt = f_rt(insn);
    /* RA in RT..31 is invalid, including RA=0 when r0 is loaded. */
    if (f_ra(insn) >= rt) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_ra0(c, insn, DISP_D), w[32];
    if (!big_endian_only(c, ea))
        return;
    for (unsigned r = rt; r < 32; r++)
        if (!cpu_load(c, ea_mode(c, ea + 4 * (r - rt)), 4, false, &w[r]))
            return;
    for (unsigned r = rt; r < 32; r++)
        c->gpr[r] = w[r];           /* the words are zero-extended */
}

void insn_stmw(struct cpu *c, uint32_t insn)
{
    unsigned rs = f_rs(insn);
    uint64_t ea = ea_ra0(c, insn, DISP_D);
    if (!big_endian_only(c, ea))
        return;
    for (unsigned r = rs; r < 32; r++)
        if (!cpu_store(c, ea_mode(c, ea + 4 * (r - rs)), 4, false, (uint32_t)c->gpr[r]))
            return;
}

/* Whether register R is among the NR registers from RT up, wrapping from
 * r31 to r0 as the string instructions do. */
static bool in_string_range(unsigned r, unsigned rt, unsigned nr)
{
    return ((r - rt) & 31) < nr;
}

/* N bytes from EA into the low words of the registers from RT up, four to
 * a register from the left; the rest of each register is zero. */
static void load_string(struct cpu *c, unsigned rt, uint64_t ea, unsigned n)
{
    uint32_t words[32] = { 0 };          /* n <= 127: at most 32 registers */
    for (unsigned i = 0; i < n; i++) {
        uint64_t b;
        if (!cpu_load(c, ea_mode(c, ea + i), 1, false, &b))
            return;
        words[i / 4] |= (uint32_t)b << (24 - 8 * (i % 4));
    }
    for (unsigned k = 0; k < (n + 3) / 4; k++)
        c->gpr[(rt + k) & 31] = words[k];
}

static void store_string(struct cpu *c, unsigned rs, uint64_t ea, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t b = (c->gpr[(rs + i / 4) & 31] >> (24 - 8 * (i % 4))) & 0xff;
        if (!cpu_store(c, ea_mode(c, ea + i), 1, false, b))
            return;
    }
}

/* lswi: NB bytes, 0 meaning 32. RA among the registers loaded is invalid,
 * including RA=0 when r0 is one of them. */
void insn_lswi(struct cpu *c, uint32_t insn)
{
    unsigned rt = f_rt(insn), n = f_nb(insn) ? f_nb(insn) : 32;
    if (in_string_range(f_ra(insn), rt, (n + 3) / 4)) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_ra0(c, insn, 0);
    if (big_endian_only(c, ea))
        load_string(c, rt, ea, n);
}

/* lswx: XER[57:63] bytes. RA or RB among the registers loaded is invalid
 * (RA=0 included), and so is RT=RA or RT=RB, which also covers a count of
 * 0 -- then RT is left as it was (the ISA says undefined; QEMU leaves it). */
void insn_lswx(struct cpu *c, uint32_t insn)
{
    unsigned rt = f_rt(insn), n = (unsigned)(c->xer[0] & XER_BC_MASK);
    unsigned nr = n ? (n + 3) / 4 : 1;
    if (in_string_range(f_ra(insn), rt, nr) || in_string_range(f_rb(insn), rt, nr)) {
        insn_illegal(c, insn);
        return;
    }
    uint64_t ea = ea_x(c, insn);
    if (big_endian_only(c, ea))
        load_string(c, rt, ea, n);
}

void insn_stswi(struct cpu *c, uint32_t insn)
{
    uint64_t ea = ea_ra0(c, insn, 0);
    if (big_endian_only(c, ea))
        store_string(c, f_rs(insn), ea, f_nb(insn) ? f_nb(insn) : 32);
}

void insn_stswx(struct cpu *c, uint32_t insn)
{
    uint64_t ea = ea_x(c, insn);
    if (big_endian_only(c, ea))
        store_string(c, f_rs(insn), ea, (unsigned)(c->xer[0] & XER_BC_MASK));
}

/* ---- cache management (Book II 4.3) ---- */

/* dcbz zeroes the 128-byte block holding EA. It translates as a store
 * (DSI with DAR = the EA the instruction computed); a block that is not
 * RAM is a machine check, as a store there would be. Blocks are aligned
 * and RAM is whole pages, so a block is all RAM or none of it. */
void insn_dcbz(struct cpu *c, uint32_t insn)
{
    uint64_t ea = ea_x(c, insn), ra;
    if (!cpu_translate_data(c, ea, true, &ra))
        return;
    ra &= ~(uint64_t)(CACHE_BLOCK - 1);
    uint8_t *p = memory_ram_ptr(c->mem, ra, CACHE_BLOCK);
    if (!p) {
        cpu_machine_check(c, ra);
        return;
    }
    memset(p, 0, CACHE_BLOCK);
    memory_note_store(c->mem, ra, CACHE_BLOCK);
}

/* dcbst, dcbf: there is no cache to write back, but they translate as a
 * load does, so a fault raises the DSI the guest would see. */
void insn_cache_flush(struct cpu *c, uint32_t insn)
{
    uint64_t ra;
    (void)cpu_translate_data(c, ea_x(c, insn), false, &ra);
}

/* dcbt, dcbtst, icbt are hints: no effect and, architecturally, never an
 * interrupt, even when the address does not translate. */
void insn_cache_touch(struct cpu *c, uint32_t insn)
{
    (void)c;
    (void)insn;
}

/* icbi translates as a load (DSI on a fault), then marks decoded code in
 * the block stale. A store to code already does that through the memory
 * layer's code watcher, so for most guests this is redundant; icbi does it
 * anyway, through the same watcher (memory_note_store), so that code put
 * in RAM by any path the watcher did not see is still re-decoded after the
 * architected dcbst; sync; icbi; isync sequence. A block outside RAM has
 * no decoded code and nothing to do. */
void insn_icbi(struct cpu *c, uint32_t insn)
{
    uint64_t ra;
    if (!cpu_translate_data(c, ea_x(c, insn), false, &ra))
        return;
    ra &= ~(uint64_t)(CACHE_BLOCK - 1);
    if (memory_ram_ptr(c->mem, ra, CACHE_BLOCK))
        memory_note_store(c->mem, ra, CACHE_BLOCK);
}
