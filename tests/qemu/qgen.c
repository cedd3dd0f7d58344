/*
 * The differential test's case generator (qgen.h): random sequences of
 * problem-state instructions, each with a random initial register state,
 * that run the same way on a real POWER8 user process (QEMU) and on ppcrr.
 *
 * Words are built from ppcrr's table: a row's match bits plus random bits
 * wherever the row has neither opcode nor reserved bits -- so Rc, OE, L,
 * hint fields and every operand get random values -- and then a few fields
 * are overwritten according to the mnemonic's operand roles (the table
 * below), so that the sequence stays inside what both sides can run:
 *
 *  - r3, r4, r5 hold pointers into the data area and r6, r7 small index
 *    values; no instruction ever names them as a destination, so every
 *    memory access can be checked against the data area here. Update forms
 *    do move their base; the generator tracks the offsets each base may
 *    have (a range, since a branch may skip the update) and the alignment
 *    it keeps, and picks displacements that stay inside the area.
 *  - larx/stcx. and lq/stq get naturally aligned addresses: QEMU 7.2 user
 *    mode aborts (instead of raising SIGBUS) on an alignment interrupt.
 *  - stcx. is paired with a larx of the same address right before it
 *    whenever a reservation might exist, since a stcx. to a different
 *    address than the reservation's is undefined (Book II 1.7.3).
 *  - branches only go forward, to the start of a later instruction group
 *    or to the stop word; bclr/bcctr/bctar get LR/CTR/TAR loaded with
 *    such a target by setup words right before them.
 *  - mfspr/mtspr use a list of SPRs whose value is deterministic.
 */
#include "tests/qemu/qgen.h"

#include <stdlib.h>
#include <string.h>

#include "tests/common/guest_asm.h"

/* ---- random numbers: splitmix64, the same on every host ---- */

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r) { return qc_mix(&r->s); }
static unsigned below(struct rng *r, unsigned n) { return (unsigned)(rnd(r) % n); }
static bool chance(struct rng *r, unsigned percent) { return below(r, 100) < percent; }

/* ---- what is never generated, and why ---- */

static const struct {
    const char *mnemonic, *why;
} exclusions[] = {
    { "sc", "system call: QEMU would make a Linux system call" },
    { "attn", "ppcrr's test-stop word, not a problem-state instruction" },
    /* The runner would record the SIGTRAP, but the stop word is itself a
     * trap and traps are tested by the unit suite. */
    { "tw", "trap" }, { "twi", "trap" }, { "td", "trap" }, { "tdi", "trap" },
    { "mftb", "the timebase differs between any two runs" },
    { "wait", "waits for an interrupt that never comes in user mode" },
    /* Power ISA 2.07 Book I 3.3.7/3.3.8: in little-endian mode these take
     * the alignment interrupt, which QEMU 7.2 linux-user does not turn into
     * SIGBUS: it aborts ("Unknown exception 0x5"). */
    { "lmw", "LE alignment interrupt aborts QEMU 7.2" },
    { "stmw", "LE alignment interrupt aborts QEMU 7.2" },
    { "lswi", "LE alignment interrupt aborts QEMU 7.2" },
    { "lswx", "LE alignment interrupt aborts QEMU 7.2" },
    { "stswi", "LE alignment interrupt aborts QEMU 7.2" },
    { "stswx", "LE alignment interrupt aborts QEMU 7.2" },
};

bool qgen_same_mnemonic(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '.')
        la--;
    if (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && memcmp(a, b, la) == 0;
}

/* The catch-all rows of primaries 59 and 63 (insn_facility.def): opcodes
 * ppcrr does not execute (decimal floating point, the ISA 2.07 additions
 * still missing, reserved ones), an illegal instruction in ppcrr, where QEMU
 * runs many of them. */
static bool fp_catch_all(const char *m)
{
    return !strcmp(m, "fp-double") || !strcmp(m, "fp-single");
}

const char *qgen_exclusion(const struct insn_def *d)
{
    if (d->flags & INSN_PRIV)
        return "privileged";
    if (fp_catch_all(d->mnemonic))
        return "an FP opcode ppcrr does not implement (DFP, reserved): illegal in ppcrr";
    for (size_t i = 0; i < sizeof exclusions / sizeof exclusions[0]; i++)
        if (qgen_same_mnemonic(d->mnemonic, exclusions[i].mnemonic))
            return exclusions[i].why;
    return NULL;
}

/* ---- operand roles ---- */

enum role_kind {
    K_PLAIN,     /* registers only */
    K_MEM,       /* a load, store or cache-block operation on the data area */
    K_B, K_BC, K_BCLR, K_BCCTR, K_BCTAR,
    K_MFSPR, K_MTSPR,
    K_FXM,       /* mfcr/mtcrf family: with ISA bit 11 set, FXM must be one-hot */
};

#define DST_RT 0x001u   /* bits 6:10 name a GPR the instruction writes */
#define DST_RA 0x002u   /* bits 11:15 */
#define DST_RB 0x004u   /* bits 16:20 */
#define LOAD 0x008u     /* K_MEM: RT is loaded (else RS is stored) */
#define PAIR 0x010u     /* K_MEM: RT/RS is an even-odd register pair */
#define UPD 0x020u      /* K_MEM: update form, RA gets the EA */
#define LARX 0x040u
#define STCX 0x080u
#define BLOCK 0x100u    /* K_MEM: works on the aligned 128-byte block */
#define CACHE 0x200u    /* K_MEM: a cache-block operation; bits 6:10 are not a register */
#define VREG 0x400u     /* K_MEM: bits 6:10 (and bit 31 for VSX) name an FPR, VR or VSR */

struct role {
    const char *mnemonic;
    uint8_t kind;
    uint8_t size;       /* K_MEM: bytes accessed */
    uint16_t flags;
};

static const struct role roles[] = {
    /* Fixed-point arithmetic, logical, rotate and shift (Book I 3.3.8-3.3.14). */
#define RT_(m) { m, K_PLAIN, 0, DST_RT }
#define RA_(m) { m, K_PLAIN, 0, DST_RA }
    RT_("addi"), RT_("addis"), RT_("addic"), RT_("addic."), RT_("subfic"), RT_("mulli"),
    RT_("add"), RT_("addc"), RT_("adde"), RT_("addme"), RT_("addze"), RT_("subf"),
    RT_("subfc"), RT_("subfe"), RT_("subfme"), RT_("subfze"), RT_("neg"), RT_("mullw"),
    RT_("mulhw"), RT_("mulhwu"), RT_("mulld"), RT_("mulhd"), RT_("mulhdu"), RT_("divw"),
    RT_("divwu"), RT_("divd"), RT_("divdu"), RT_("divwe"), RT_("divweu"), RT_("divde"),
    RT_("divdeu"), RT_("isel"), RT_("addg6s"),
    RA_("andi."), RA_("andis."), RA_("ori"), RA_("oris"), RA_("xori"), RA_("xoris"),
    RA_("and"), RA_("or"), RA_("xor"), RA_("nand"), RA_("nor"), RA_("eqv"), RA_("andc"),
    RA_("orc"), RA_("extsb"), RA_("extsh"), RA_("extsw"), RA_("cntlzw"), RA_("cntlzd"),
    RA_("popcntb"), RA_("popcntw"), RA_("popcntd"), RA_("prtyw"), RA_("prtyd"),
    RA_("bpermd"), RA_("cmpb"), RA_("slw"), RA_("srw"), RA_("sraw"), RA_("srawi"),
    RA_("sld"), RA_("srd"), RA_("srad"), RA_("sradi"), RA_("rlwinm"), RA_("rlwnm"),
    RA_("rlwimi"), RA_("rldicl"), RA_("rldicr"), RA_("rldic"), RA_("rldimi"),
    RA_("rldcl"), RA_("rldcr"), RA_("cdtbcd"), RA_("cbcdtd"),
    RA_("cnttzw"), RA_("cnttzd"),     /* ISA 3.0: illegal on POWER8, on both sides */
#undef RT_
#undef RA_
    /* No GPR written. */
    { "cmpi", K_PLAIN, 0, 0 }, { "cmpli", K_PLAIN, 0, 0 }, { "cmp", K_PLAIN, 0, 0 },
    { "cmpl", K_PLAIN, 0, 0 }, { "mcrf", K_PLAIN, 0, 0 }, { "crand", K_PLAIN, 0, 0 },
    { "crnand", K_PLAIN, 0, 0 }, { "cror", K_PLAIN, 0, 0 }, { "crxor", K_PLAIN, 0, 0 },
    { "crnor", K_PLAIN, 0, 0 }, { "creqv", K_PLAIN, 0, 0 }, { "crandc", K_PLAIN, 0, 0 },
    { "crorc", K_PLAIN, 0, 0 }, { "isync", K_PLAIN, 0, 0 }, { "sync", K_PLAIN, 0, 0 },
    { "eieio", K_PLAIN, 0, 0 }, { "mcrxr", K_PLAIN, 0, 0 },
    /* CR moves (Book I 3.3.15). */
    { "mfcr", K_FXM, 0, DST_RT }, { "mfocrf", K_FXM, 0, DST_RT },
    { "mtcrf", K_FXM, 0, 0 }, { "mtocrf", K_FXM, 0, 0 },
    { "mfspr", K_MFSPR, 0, DST_RT }, { "mtspr", K_MTSPR, 0, 0 },
    /* Branches (Book I 2.4). */
    { "b", K_B, 0, 0 }, { "bc", K_BC, 0, 0 }, { "bclr", K_BCLR, 0, 0 },
    { "bcctr", K_BCCTR, 0, 0 }, { "bctar", K_BCTAR, 0, 0 },
    /* Loads and stores (Book I 3.3.2-3.3.6). */
#define L_(m, n) { m, K_MEM, n, LOAD }
#define LU_(m, n) { m, K_MEM, n, LOAD | UPD }
#define S_(m, n) { m, K_MEM, n, 0 }
#define SU_(m, n) { m, K_MEM, n, UPD }
    L_("lbz", 1), LU_("lbzu", 1), L_("lhz", 2), LU_("lhzu", 2), L_("lha", 2), LU_("lhau", 2),
    L_("lwz", 4), LU_("lwzu", 4), L_("lwa", 4), L_("ld", 8), LU_("ldu", 8),
    L_("lbzx", 1), LU_("lbzux", 1), L_("lhzx", 2), LU_("lhzux", 2), L_("lhax", 2),
    LU_("lhaux", 2), L_("lwzx", 4), LU_("lwzux", 4), L_("lwax", 4), LU_("lwaux", 4),
    L_("ldx", 8), LU_("ldux", 8), L_("lhbrx", 2), L_("lwbrx", 4), L_("ldbrx", 8),
    S_("stb", 1), SU_("stbu", 1), S_("sth", 2), SU_("sthu", 2), S_("stw", 4), SU_("stwu", 4),
    S_("std", 8), SU_("stdu", 8), S_("stbx", 1), SU_("stbux", 1), S_("sthx", 2),
    SU_("sthux", 2), S_("stwx", 4), SU_("stwux", 4), S_("stdx", 8), SU_("stdux", 8),
    S_("sthbrx", 2), S_("stwbrx", 4), S_("stdbrx", 8),
#undef L_
#undef LU_
#undef S_
#undef SU_
    { "lq", K_MEM, 16, LOAD | PAIR }, { "stq", K_MEM, 16, PAIR },
    /* Book II 4.4: load and reserve, store conditional. */
    { "lbarx", K_MEM, 1, LOAD | LARX }, { "lharx", K_MEM, 2, LOAD | LARX },
    { "lwarx", K_MEM, 4, LOAD | LARX }, { "ldarx", K_MEM, 8, LOAD | LARX },
    { "lqarx", K_MEM, 16, LOAD | LARX | PAIR },
    { "stbcx.", K_MEM, 1, STCX }, { "sthcx.", K_MEM, 2, STCX }, { "stwcx.", K_MEM, 4, STCX },
    { "stdcx.", K_MEM, 8, STCX }, { "stqcx.", K_MEM, 16, STCX | PAIR },
    /* Book II 4.3: cache management. dcbz writes the block; the others
     * must still name an address that is mapped (QEMU probes it). */
    { "dcbz", K_MEM, 128, BLOCK | CACHE }, { "dcbt", K_MEM, 1, CACHE },
    { "dcbtst", K_MEM, 1, CACHE }, { "dcbf", K_MEM, 1, CACHE }, { "dcbst", K_MEM, 1, CACHE },
    { "icbi", K_MEM, 1, CACHE }, { "icbt", K_MEM, 1, CACHE },
    /* Floating-point loads and stores (Book I 4.6.2-4.6.5); lfdp/stfdp take
     * an even FRTp and, like lq, a quadword-aligned address. */
#define FL_(m, n) { m, K_MEM, n, LOAD | VREG }
#define FLU_(m, n) { m, K_MEM, n, LOAD | VREG | UPD }
#define FS_(m, n) { m, K_MEM, n, VREG }
#define FSU_(m, n) { m, K_MEM, n, VREG | UPD }
    FL_("lfs", 4), FLU_("lfsu", 4), FL_("lfsx", 4), FLU_("lfsux", 4), FL_("lfd", 8),
    FLU_("lfdu", 8), FL_("lfdx", 8), FLU_("lfdux", 8), FL_("lfiwax", 4), FL_("lfiwzx", 4),
    FS_("stfs", 4), FSU_("stfsu", 4), FS_("stfsx", 4), FSU_("stfsux", 4), FS_("stfd", 8),
    FSU_("stfdu", 8), FS_("stfdx", 8), FSU_("stfdux", 8), FS_("stfiwx", 4),
    { "lfdp", K_MEM, 16, LOAD | VREG | PAIR }, { "lfdpx", K_MEM, 16, LOAD | VREG | PAIR },
    { "stfdp", K_MEM, 16, VREG | PAIR }, { "stfdpx", K_MEM, 16, VREG | PAIR },
    /* VMX loads and stores (Book I 6.7): the EA is aligned down to the
     * element, so any EA whose element lies in the area will do; lvsl/lvsr
     * only compute the EA. */
    FL_("lvx", 16), FL_("lvxl", 16), FL_("lvebx", 1), FL_("lvehx", 2), FL_("lvewx", 4),
    FL_("lvsl", 1), FL_("lvsr", 1),
    FS_("stvx", 16), FS_("stvxl", 16), FS_("stvebx", 1), FS_("stvehx", 2), FS_("stvewx", 4),
    /* VSX loads and stores (Book I 7.6.1.1-2): TX/SX is bit 31. */
    FL_("lxsdx", 8), FL_("lxsiwax", 4), FL_("lxsiwzx", 4), FL_("lxsspx", 4), FL_("lxvd2x", 16),
    FL_("lxvdsx", 8), FL_("lxvw4x", 16),
    FS_("stxsdx", 8), FS_("stxsiwx", 4), FS_("stxsspx", 4), FS_("stxvd2x", 16),
    FS_("stxvw4x", 16),
#undef FL_
#undef FLU_
#undef FS_
#undef FSU_
    /* Moves between GPRs and VSRs (Book I 7.6.1.7): mfvsr* write RA. */
    { "mfvsrd", K_PLAIN, 0, DST_RA }, { "mfvsrwz", K_PLAIN, 0, DST_RA },
    { "mtvsrd", K_PLAIN, 0, 0 }, { "mtvsrwa", K_PLAIN, 0, 0 }, { "mtvsrwz", K_PLAIN, 0, 0 },
};

/* Every other row of the FP, VMX and VSX primaries (59, 63; 4; 60) names
 * only FPRs, VRs, VSRs, CR fields and immediates in its fields (the VA, VX,
 * VC, XX1-XX4, A and X forms alike), never a GPR: any random field value
 * is runnable, immediates included (SIM, UIM, SHB, DM, SHW, FLM, U, W, ...),
 * and the bits that must be 0 are left 0 by random_word. */
static const struct role vector_role = { "(FP/VMX/VSX register form)", K_PLAIN, 0, 0 };

static bool vector_primary(const struct insn_def *d)
{
    return d->primary == 4 || d->primary == 59 || d->primary == 60 || d->primary == 63;
}

/* Rows the table does not know are treated as register-only with all three
 * register fields possibly written. */
static const struct role default_role = { NULL, K_PLAIN, 0, DST_RT | DST_RA | DST_RB };

static const struct role *role_of(const struct insn_def *d)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (qgen_same_mnemonic(d->mnemonic, roles[i].mnemonic))
            return &roles[i];
    return vector_primary(d) ? &vector_role : NULL;
}

bool qgen_has_roles(const struct insn_def *d) { return role_of(d) != NULL; }

/* SPRs for mfspr/mtspr. Weight 0 for a direction means "never". The SPRs
 * marked `fault` raise SIGILL under QEMU (not implemented there for user
 * mode, privileged, read-only or nonexistent), which ends the case, so the
 * generator puts them last. Left out on purpose: TB/TBU/VTB/PURR/SPURR
 * (time), the PMU registers (QEMU counts instructions when they run). */
static const struct spr_choice {
    unsigned spr;
    uint8_t read_weight, write_weight;
    bool fault;
} sprs[] = {
    { 1, 10, 4, false },      /* XER */
    { 8, 10, 10, false },     /* LR */
    { 9, 10, 10, false },     /* CTR */
    { 256, 4, 4, false },     /* VRSAVE */
    { 815, 6, 6, false },     /* TAR */
    { 896, 3, 3, false },     /* PPR */
    { 136, 2, 1, true },      /* CTRL: read-only for the user (write faults) */
    { 3, 1, 1, true },        /* DSCR, problem-state SPR 3 (QEMU: SIGILL) */
    { 13, 1, 1, true },       /* AMR, problem-state SPR 13 (QEMU: SIGILL) */
    { 898, 1, 1, true },      /* PPR32 (QEMU: SIGILL) */
    { 26, 1, 1, true },       /* SRR0: privileged, so SIGILL from problem state */
    { 0, 1, 1, true },        /* no such SPR */
};

/* ---- the generator's state for one case ---- */

#define SH_RT 21
#define SH_RA 16
#define SH_RB 11
#define IDX_ALIGNED 6         /* index register holding a multiple of 16 */
#define IDX_ANY 7             /* index register holding any small value */
#define MAX_GROUPS 24
#define GROUP_WORDS 4

static const unsigned base_regs[] = { 3, 4, 5 };
#define N_BASES (sizeof base_regs / sizeof base_regs[0])

static bool is_protected(unsigned r) { return r >= 3 && r <= 7; }

enum fix { FIX_NONE, FIX_LI, FIX_BD, FIX_ADDR };

/* An instruction with the setup words it needs; branches target groups. */
struct group {
    uint32_t words[GROUP_WORDS];
    unsigned n;
    bool last;               /* faults under QEMU: put at the end of the case */
    enum fix fix;
    unsigned fix_at;         /* the branch word, or the first of the address load */
    unsigned fix_reg;        /* FIX_ADDR: the scratch register */
    uint32_t low_bits;       /* FIX_ADDR: low target bits the branch ignores */
};

struct gen {
    struct rng rng;
    int lo[32], hi[32];      /* offsets into the data area a base register may hold */
    unsigned align[32];      /* alignment every such offset keeps */
    int64_t index_value[32];
    bool maybe_reserved;     /* some larx may have left a reservation */
};

/* ---- values ---- */

static uint64_t interesting(struct rng *r)
{
    static const uint64_t fixed[] = {
        0, 1, 2, ~0ull, 0x7fffffff, 0xffffffff80000000ull, 0x80000000, 0xffffffff,
        0x8000000000000000ull, 0x7fffffffffffffffull, 0x100000000ull, 0xffffffff7fffffffull,
    };
    switch (below(r, 8)) {
    case 0: case 1:
        return fixed[below(r, sizeof fixed / sizeof fixed[0])];
    case 2:
        return below(r, 70);                              /* shift counts, small numbers */
    case 3:
        return (uint64_t)-(int64_t)below(r, 70);
    case 4:
        return 1ull << below(r, 64);
    case 5:
        return (uint64_t)(int64_t)(int32_t)rnd(r);        /* a sign-extended word */
    case 6:                                               /* garbage high word */
        return (rnd(r) & 0xffffffff00000000ull) | (uint32_t)fixed[below(r, 8)];
    default:
        return rnd(r);
    }
}

/* ---- floating-point and vector values: the hard cases first ---- */

/* A double: signed zeros, infinities, quiet and signalling NaNs with
 * payloads, denormals, the extreme normals, 1.0, values whose low mantissa
 * bits sit on a rounding boundary (for double results, and for rounding to
 * single precision: bits 29-63 of the fraction), singles in double format
 * (the operands of the single-precision instructions), single denormals
 * and numbers out of single range, plain random numbers of moderate
 * exponent (so arithmetic on two of them is mostly exact-ish and
 * sometimes not), and random bits. */
static uint64_t fp_double(struct rng *r)
{
    uint64_t sign = chance(r, 50) ? 1ull << 63 : 0;
    uint64_t frac = rnd(r) & 0xfffffffffffffull;
    uint64_t exp;
    switch (below(r, 20)) {
    case 0: return sign;                                          /* ±0 */
    case 1: return sign | 0x7ff0000000000000ull;                  /* ±inf */
    case 2: return sign | 0x7ff8000000000000ull | (chance(r, 50) ? frac : 0);   /* qNaN */
    case 3: return sign | 0x7ff0000000000000ull | ((frac & 0x7ffffffffffffull) | 1);  /* sNaN */
    case 4: return sign | (chance(r, 30) ? 1 : frac);             /* double denormal */
    case 5: {
        static const uint64_t fixed[] = {
            0x0010000000000000ull, 0x7fefffffffffffffull, 0x3ff0000000000000ull,
            0x000fffffffffffffull, 0x4330000000000000ull, 0x43e0000000000000ull,
            0x41e0000000000000ull, 0x41dfffffffc00000ull, 0x3fe0000000000000ull,
            0x47efffffe0000000ull, 0x3810000000000000ull, 0x36a0000000000000ull,
            0x47f0000000000000ull, 0x3800000000000000ull,
        };
        return sign | fixed[below(r, sizeof fixed / sizeof fixed[0])];
    }
    case 6: case 7: {                                             /* rounding boundaries */
        static const uint64_t low[] = {
            0x0000000000000000ull, 0x0000000000000001ull, 0x000000000fffffffull,
            0x0000000010000000ull, 0x0000000010000001ull, 0x000000001fffffffull,
            0x0000000020000000ull, 0x0000000030000000ull, 0x000fffffffffffffull,
            0x000fffffe0000000ull, 0x0000000000000800ull, 0x00000000000007ffull,
        };
        exp = 1023 - 40 + below(r, 80);
        uint64_t l = low[below(r, sizeof low / sizeof low[0])];
        uint64_t keep = chance(r, 50) ? frac & ~0x3fffffffull : 0;
        return sign | exp << 52 | ((keep | l) & 0xfffffffffffffull);
    }
    case 8: case 9:                                               /* a single, as a double */
        exp = 1023 - 30 + below(r, 60);
        return sign | exp << 52 | (frac & ~0x1fffffffull);
    case 10:                                                      /* single denormal range */
        exp = 1023 - 150 + below(r, 24);
        return sign | exp << 52 | (chance(r, 50) ? frac & ~0x1fffffffull : frac);
    case 11:                                                      /* beyond single range */
        exp = chance(r, 50) ? 1023 + 126 + below(r, 4) : 1023 - 152 - below(r, 4);
        return sign | exp << 52 | frac;
    case 12:                                                      /* integers, for fcfid/fcti* */
        exp = 1023 + below(r, 66);
        return sign | exp << 52 | (frac & ~(0xfffffffffffffull >> (exp - 1023 < 52 ? exp - 1023 : 52)));
    case 13:                                                      /* anywhere */
        exp = below(r, 2047);
        return sign | exp << 52 | frac;
    case 14:
        return rnd(r);
    default:                                                      /* moderate numbers */
        exp = 1023 - 20 + below(r, 40);
        return sign | exp << 52 | frac;
    }
}

/* A single-precision word, by the same plan. */
static uint32_t fp_single(struct rng *r)
{
    uint32_t sign = chance(r, 50) ? 1u << 31 : 0;
    uint32_t frac = (uint32_t)rnd(r) & 0x7fffff, exp;
    switch (below(r, 16)) {
    case 0: return sign;
    case 1: return sign | 0x7f800000;
    case 2: return sign | 0x7fc00000 | (chance(r, 50) ? frac : 0);
    case 3: return sign | 0x7f800000 | ((frac & 0x3fffff) | 1);
    case 4: return sign | (chance(r, 30) ? 1 : frac);
    case 5: {
        static const uint32_t fixed[] = {
            0x00800000, 0x7f7fffff, 0x3f800000, 0x007fffff, 0x4b000000, 0x4f000000,
            0x4effffff, 0x3f000000, 0x5f000000, 0x46fffe00, 0x477fff00, 0x4f800000,
        };
        return sign | fixed[below(r, sizeof fixed / sizeof fixed[0])];
    }
    case 6: {
        static const uint32_t low[] = { 0, 1, 0x7fffff, 0x400000, 0x3fffff, 0x400001, 0x7ffffe };
        exp = 127 - 20 + below(r, 40);
        return sign | exp << 23 | low[below(r, sizeof low / sizeof low[0])];
    }
    case 7:                                                       /* integers, for vcts*, vcfsx */
        exp = 127 + below(r, 34);
        return sign | exp << 23 | (frac & ~(0x7fffffu >> (exp - 127 < 23 ? exp - 127 : 23)));
    case 8:
        exp = below(r, 255);
        return sign | exp << 23 | frac;
    case 9:
        return (uint32_t)rnd(r);
    default:
        exp = 127 - 10 + below(r, 20);
        return sign | exp << 23 | frac;
    }
}

/* An integer element of WIDTH bits: the saturation boundaries (0, 1, -1,
 * the extremes and their neighbours), small numbers, random bits. */
static uint64_t int_element(struct rng *r, unsigned width)
{
    uint64_t top = 1ull << (width - 1), all = width == 64 ? ~0ull : (1ull << width) - 1;
    switch (below(r, 8)) {
    case 0: {
        const uint64_t fixed[] = { 0, 1, all, top, top - 1, top + 1, all - 1, 2, top >> 1,
                                   (top >> 1) - 1 };
        return fixed[below(r, sizeof fixed / sizeof fixed[0])] & all;
    }
    case 1:
        return below(r, 70) & all;
    case 2:
        return (uint64_t)-(int64_t)below(r, 70) & all;
    case 3:
        return (1ull << below(r, width)) & all;
    default:
        return rnd(r) & all;
    }
}

/* A 128-bit register value as two ISA doublewords (HI = doubleword 0): one
 * element type for the whole register, mostly. */
static void vector_value(struct rng *r, uint64_t *hi, uint64_t *lo)
{
    uint64_t d[2] = { 0, 0 };
    unsigned kind = below(r, 16);
    for (unsigned half = 0; half < 2; half++) {
        uint64_t v = 0;
        switch (kind) {
        case 0: case 1: case 2:
            v = fp_double(r);
            break;
        case 3: case 4: case 5: case 6:
            v = (uint64_t)fp_single(r) << 32 | fp_single(r);
            break;
        case 7: case 8:
            v = int_element(r, 32) << 32 | int_element(r, 32);
            break;
        case 9: case 10:
            for (unsigned k = 0; k < 4; k++)
                v = v << 16 | int_element(r, 16);
            break;
        case 11: case 12:
            for (unsigned k = 0; k < 8; k++)
                v = v << 8 | int_element(r, 8);
            break;
        case 13:
            v = int_element(r, 64);
            break;
        default:
            v = rnd(r);
            break;
        }
        d[half] = v;
    }
    *hi = d[0];
    *lo = d[1];
}

/* FPSCR: a random rounding mode, sometimes sticky exception bits, rarely an
 * enable, random result-class bits; NI stays 0 (non-IEEE mode results are
 * implementation-defined), and the summaries VX and FEX are made
 * consistent with the rest, as the hardware keeps them. */
static uint64_t initial_fpscr(struct rng *r)
{
    const uint64_t exceptions = 0x1ff80700ull & ~(1ull << 29);   /* OX..VXVC, VXSOFT..VXCVI */
    uint64_t f = below(r, 4);
    if (chance(r, 30))
        f |= rnd(r) & exceptions & (chance(r, 50) ? rnd(r) : ~0ull);
    if (chance(r, 30))
        f |= 1ull << 31;                                          /* FX */
    if (chance(r, 12))
        f |= rnd(r) & 0xf8;                                       /* VE OE UE ZE XE */
    if (chance(r, 50))
        f |= rnd(r) & 0x0007f000;                                 /* FR FI FPRF */
    if (f & 0x01f80700ull)
        f |= 1ull << 29;                                          /* VX */
    if ((f >> 25) & (f >> 3) & 0x1f)
        f |= 1ull << 30;                                          /* FEX */
    return f;
}

static void init_vector_state(struct gen *g, struct qc_case *c)
{
    for (unsigned i = 0; i < 64; i++) {
        uint64_t *v = &c->regs.vsr[2 * i];
        if (i < 32 && chance(&g->rng, 70)) {   /* an FPR: a double, the rest anything */
            v[0] = fp_double(&g->rng);
            v[1] = chance(&g->rng, 50) ? fp_double(&g->rng) : rnd(&g->rng);
        } else {
            vector_value(&g->rng, &v[0], &v[1]);
        }
    }
    c->regs.fpscr = initial_fpscr(&g->rng);
    c->regs.vscr = (chance(&g->rng, 50) ? QC_VSCR_NJ : 0) | (chance(&g->rng, 25) ? QC_VSCR_SAT : 0);
    c->regs.vrsave = (uint32_t)interesting(&g->rng);
}

static uint32_t set_field(uint32_t w, unsigned shift, unsigned width, uint32_t v)
{
    uint32_t m = ((1u << width) - 1) << shift;
    return (w & ~m) | ((v << shift) & m);
}

static uint32_t random_word(struct gen *g, const struct insn_def *d)
{
    return d->match | ((uint32_t)rnd(&g->rng) & ~(d->mask | d->reserved));
}

static unsigned pick_dest(struct gen *g)
{
    unsigned r;
    do
        r = below(&g->rng, 32);
    while (is_protected(r));
    return r;
}

/* An even register whose pair is free to be written (r2:r3 and r4:r5 and
 * r6:r7 hold protected registers). */
static unsigned pick_pair_dest(struct gen *g)
{
    unsigned r;
    do
        r = 2 * below(&g->rng, 16);
    while (is_protected(r) || is_protected(r + 1));
    return r;
}

static const struct insn_def *find_row(const char *mnemonic)
{
    for (unsigned r = 0; r < insn_table_size; r++)
        if (qgen_same_mnemonic(insn_table[r].mnemonic, mnemonic))
            return &insn_table[r];
    return NULL;
}

/* ---- memory operands ---- */

/* True if base B plus D addresses SIZE bytes inside the data area for
 * every offset B may hold, with the required alignment. */
static bool fits(const struct gen *g, unsigned b, int64_t d, unsigned size, unsigned align,
                 bool block)
{
    int64_t lo = g->lo[b] + d, hi = g->hi[b] + d;
    if (lo < 0)
        return false;
    if (block ? hi > (int64_t)QC_DATA_SIZE - 1 : hi + size > QC_DATA_SIZE)
        return false;
    if (align > 1 && (g->align[b] < align || d % (int64_t)align != 0))
        return false;
    return true;
}

static void note_update(struct gen *g, unsigned b, int64_t d)
{
    /* The update may be skipped by a branch: both offsets stay possible. */
    if (g->lo[b] + d < g->lo[b])
        g->lo[b] += (int)d;
    if (g->hi[b] + d > g->hi[b])
        g->hi[b] += (int)d;
    while (d % (int64_t)g->align[b] != 0)
        g->align[b] /= 2;
}

/* Displacement for a D/DS/DQ form: a random small value, moved into the
 * range this base allows and onto the encoding's and access's alignment. */
static bool choose_disp(struct gen *g, unsigned step, unsigned size, unsigned align, bool block,
                        unsigned *base, int64_t *disp)
{
    unsigned first = below(&g->rng, N_BASES);
    for (unsigned k = 0; k < N_BASES; k++) {
        unsigned b = base_regs[(first + k) % N_BASES];
        int64_t dmin = -g->lo[b];
        int64_t dmax = (block ? (int64_t)QC_DATA_SIZE - 1 : (int64_t)QC_DATA_SIZE - size) - g->hi[b];
        int64_t d;
        unsigned pick = below(&g->rng, 10);
        if (pick < 5)
            d = (int64_t)below(&g->rng, 129) - 64;
        else if (pick < 8)
            d = (int64_t)below(&g->rng, 1025) - 512;
        else
            d = dmax >= dmin ? dmin + (int64_t)(rnd(&g->rng) % (uint64_t)(dmax - dmin + 1)) : 0;
        d = d < dmin ? dmin : d > dmax ? dmax : d;
        if (step < align)
            step = align;
        d -= ((d % step) + step) % step;       /* round down onto the step */
        if (d < dmin)
            d += step;
        if (fits(g, b, d, size, align, block)) {
            *base = b;
            *disp = d;
            return true;
        }
    }
    return false;
}

/* RA and RB of an X-form access: base + index, 0 + base, or index + base. */
static bool choose_indexed(struct gen *g, unsigned size, unsigned align, bool block, bool update,
                           unsigned *ra, unsigned *rb, unsigned *base, int64_t *disp)
{
    unsigned first_mode = update ? 0 : below(&g->rng, 3), first_base = below(&g->rng, N_BASES);
    for (unsigned m = 0; m < (update ? 1u : 3u); m++) {
        unsigned mode = (first_mode + m) % 3;
        unsigned idx = align > 1 || chance(&g->rng, 50) ? IDX_ALIGNED : IDX_ANY;
        int64_t d = mode == 1 ? 0 : g->index_value[idx];
        for (unsigned k = 0; k < N_BASES; k++) {
            unsigned b = base_regs[(first_base + k) % N_BASES];
            if (!fits(g, b, d, size, align, block))
                continue;
            *ra = mode == 0 ? b : mode == 1 ? 0 : idx;
            *rb = mode == 0 ? idx : b;
            *base = b;
            *disp = d;
            return true;
        }
    }
    return false;
}

/* Addressing fields of a memory access; returns false if no base fits. */
static bool place_access(struct gen *g, const struct insn_def *d, const struct role *r,
                         uint32_t *w, unsigned *ra_out, unsigned *rb_out)
{
    bool atomic = r->flags & (LARX | STCX | PAIR);
    unsigned align = atomic ? r->size : 1, base;
    bool block = r->flags & BLOCK, update = r->flags & UPD;
    int64_t disp;
    if (d->form == FORM_X) {
        unsigned ra, rb;
        if (!choose_indexed(g, r->size, align, block, update, &ra, &rb, &base, &disp))
            return false;
        *w = set_field(set_field(*w, SH_RA, 5, ra), SH_RB, 5, rb);
        *ra_out = ra;
        *rb_out = rb;
    } else {
        unsigned step = d->form == FORM_DS ? 4 : d->form == FORM_DQ ? 16 : 1;
        if (!choose_disp(g, step, r->size, align, block, &base, &disp))
            return false;
        uint32_t field = d->form == FORM_DS ? 0xfffc : d->form == FORM_DQ ? 0xfff0 : 0xffff;
        *w = (set_field(*w, SH_RA, 5, base) & ~field) | ((uint32_t)disp & field);
        *ra_out = base;
        *rb_out = 0;
    }
    if (update)
        note_update(g, base, disp);
    return true;
}

static const char *larx_for_size(unsigned size)
{
    switch (size) {
    case 1: return "lbarx";
    case 2: return "lharx";
    case 4: return "lwarx";
    case 8: return "ldarx";
    default: return "lqarx";
    }
}

static bool build_mem(struct gen *g, const struct insn_def *d, const struct role *r,
                      struct group *grp)
{
    uint32_t w = random_word(g, d);
    if (r->flags & VREG)     /* not a GPR: any register, an even one for a pair */
        w = set_field(w, SH_RT, 5, r->flags & PAIR ? 2 * below(&g->rng, 16) : below(&g->rng, 32));
    else if (r->flags & LOAD)
        w = set_field(w, SH_RT, 5, r->flags & PAIR ? pick_pair_dest(g) : pick_dest(g));
    else if (!(r->flags & CACHE))   /* a store: any register, an even one for a pair */
        w = set_field(w, SH_RT, 5, r->flags & PAIR ? 2 * below(&g->rng, 16) : below(&g->rng, 32));
    unsigned ra, rb;
    if (!place_access(g, d, r, &w, &ra, &rb))
        return false;

    if (r->flags & LARX)
        g->maybe_reserved = true;
    /* QEMU 7.2 fails every stqcx. (qknown.c), so its success path cannot be
     * checked here: pair it rarely, so that the cases go on being compared. */
    if ((r->flags & STCX) && r->size == 16 && g->maybe_reserved)
        return false;
    unsigned pair_percent = r->size == 16 ? 10 : 70;
    bool pair = (r->flags & STCX) && (g->maybe_reserved || chance(&g->rng, pair_percent));
    const struct insn_def *larx = pair ? find_row(larx_for_size(r->size)) : NULL;
    if (pair && (!larx || qgen_exclusion(larx))) {
        if (g->maybe_reserved)
            return false;    /* unpaired, it would meet a reservation elsewhere */
        pair = false;
    }
    if (pair) {
        /* The larx establishes the reservation the stcx. uses. */
        uint32_t lw = random_word(g, larx);
        lw = set_field(lw, SH_RT, 5, r->flags & PAIR ? pick_pair_dest(g) : pick_dest(g));
        lw = set_field(set_field(lw, SH_RA, 5, ra), SH_RB, 5, rb);
        grp->words[grp->n++] = lw;
    }
    grp->words[grp->n++] = w;
    return true;
}

/* ---- branches and SPR moves ---- */

#define BO_NO_CTR (0x04u << SH_RT)   /* BO bit 2: CTR is not decremented */

static bool build_branch(struct gen *g, const struct insn_def *d, const struct role *r,
                         struct group *grp)
{
    uint32_t w = random_word(g, d);
    static const unsigned target_spr[] = { [K_BCLR] = 8, [K_BCCTR] = 9, [K_BCTAR] = 815 };
    switch (r->kind) {
    case K_B:
        grp->fix = FIX_LI;
        break;
    case K_BC:
        if (w & 2) {
            /* bca/bcla: an absolute 16-bit target is outside user space,
             * so make it never taken: clear CR bit BI, branch if it is set. */
            unsigned bi = f_bi(w);
            grp->words[grp->n++] = asm_xl(19, bi, bi, bi, 193, 0);   /* crxor bi,bi,bi */
            w = set_field(w, SH_RT, 5, 0x0c | below(&g->rng, 4));
        } else {
            grp->fix = FIX_BD;
        }
        break;
    default:
        if (r->kind == K_BCCTR)
            w |= BO_NO_CTR;   /* decrementing CTR in bcctr is an invalid form */
        grp->fix = FIX_ADDR;
        grp->fix_reg = pick_dest(g);
        grp->low_bits = below(&g->rng, 4);
        grp->words[grp->n++] = 0;   /* addis, ori: filled in when laid out */
        grp->words[grp->n++] = 0;
        grp->words[grp->n++] = asm_mtspr(target_spr[r->kind], grp->fix_reg);
        break;
    }
    grp->fix_at = grp->n;
    grp->words[grp->n++] = w;
    return true;
}

static const struct spr_choice *pick_spr(struct gen *g, bool write)
{
    unsigned total = 0;
    for (size_t i = 0; i < sizeof sprs / sizeof sprs[0]; i++)
        total += write ? sprs[i].write_weight : sprs[i].read_weight;
    unsigned x = below(&g->rng, total);
    for (size_t i = 0;; i++) {
        unsigned wgt = write ? sprs[i].write_weight : sprs[i].read_weight;
        if (x < wgt)
            return &sprs[i];
        x -= wgt;
    }
}

static bool build_spr(struct gen *g, const struct insn_def *d, const struct role *r,
                      struct group *grp)
{
    uint32_t w = random_word(g, d);
    const struct spr_choice *s = pick_spr(g, r->kind == K_MTSPR);
    w = set_field(w, SH_RT, 5, r->kind == K_MFSPR ? pick_dest(g) : below(&g->rng, 32));
    w = set_field(set_field(w, 16, 5, s->spr & 31), 11, 5, s->spr >> 5);
    grp->last = s->fault;
    grp->words[grp->n++] = w;
    return true;
}

static bool build_plain(struct gen *g, const struct insn_def *d, const struct role *r,
                        struct group *grp)
{
    uint32_t w = random_word(g, d);
    if (r->flags & DST_RT)
        w = set_field(w, SH_RT, 5, pick_dest(g));
    if (r->flags & DST_RA)
        w = set_field(w, SH_RA, 5, pick_dest(g));
    if (r->flags & DST_RB)
        w = set_field(w, SH_RB, 5, pick_dest(g));
    /* mfocrf/mtocrf (ISA bit 11 set): any FXM but a single bit leaves the
     * result undefined (Book I 3.3.15). */
    if (r->kind == K_FXM && (w & (1u << 20)))
        w = set_field(w, 12, 8, 1u << below(&g->rng, 8));
    grp->words[grp->n++] = w;
    return true;
}

/* Field values the ISA reserves, which the random bits may produce. */
static uint32_t avoid_reserved_values(struct gen *g, const struct insn_def *d, uint32_t w)
{
    /* dcbf L=2 is reserved (Book II 4.3.2); 0, 1 and 3 are defined. */
    if (qgen_same_mnemonic(d->mnemonic, "dcbf") && ((w >> 21) & 3) == 2) {
        static const unsigned l[] = { 0, 1, 3 };
        w = set_field(w, 21, 2, l[below(&g->rng, 3)]);
    }
    /* sync L=3 is reserved (Book II 4.4.3). */
    if (qgen_same_mnemonic(d->mnemonic, "sync") && ((w >> 21) & 3) == 3)
        w = set_field(w, 21, 2, below(&g->rng, 3));
    return w;
}

/* Power ISA 3.0 instructions: illegal on POWER8, so they end the case on
 * both sides (which is worth checking) and go last. */
static const char *const isa300_only[] = {
    "cnttzw", "cnttzd", "darn", "modsw", "moduw", "modsd", "modud", "maddhd", "maddhdu",
    "maddld", "cmprb", "cmpeqb", "setb", "extswsli", "addpcis", "mcrxrx", "copy", "paste",
    "ldat", "lwat", "stdat", "stwat",
};

static bool is_isa300(const struct insn_def *d)
{
    for (size_t i = 0; i < sizeof isa300_only / sizeof isa300_only[0]; i++)
        if (qgen_same_mnemonic(d->mnemonic, isa300_only[i]))
            return true;
    return false;
}

/* Encodings QEMU 7.2 answers with SIGILL although POWER8 runs them (the
 * documented differences in qknown.c): they end the case there, so they go
 * last, where they cost no other instruction its comparison. */
static bool qemu_lacks(const struct insn_def *d, uint32_t w)
{
    return qgen_same_mnemonic(d->mnemonic, "icbt") ||
           (qgen_same_mnemonic(d->mnemonic, "dcbf") && ((w >> 21) & 3) == 3);
}

static bool build_group(struct gen *g, const struct insn_def *d, struct group *grp)
{
    const struct role *r = role_of(d);
    if (!r)
        r = &default_role;
    memset(grp, 0, sizeof *grp);
    bool built;
    switch (r->kind) {
    case K_MEM:
        built = build_mem(g, d, r, grp);
        break;
    case K_B: case K_BC: case K_BCLR: case K_BCCTR: case K_BCTAR:
        built = build_branch(g, d, r, grp);
        break;
    case K_MFSPR: case K_MTSPR:
        built = build_spr(g, d, r, grp);
        break;
    default:
        built = build_plain(g, d, r, grp);
        break;
    }
    if (built) {    /* the drawn instruction is the group's last word */
        uint32_t *w = &grp->words[grp->n - 1];
        *w = avoid_reserved_values(g, d, *w);
        grp->last |= qemu_lacks(d, *w) || is_isa300(d);
    }
    return built;
}

/* ---- cases ---- */

struct deck {
    unsigned *rows;
    unsigned n, next;
};

static unsigned deck_draw(struct gen *g, struct deck *k)
{
    if (k->next == k->n) {
        for (unsigned i = k->n; i > 1; i--) {
            unsigned j = below(&g->rng, i), t = k->rows[i - 1];
            k->rows[i - 1] = k->rows[j];
            k->rows[j] = t;
        }
        k->next = 0;
    }
    return k->rows[k->next++];
}

static void init_state(struct gen *g, struct qc_case *c)
{
    for (unsigned r = 0; r < 32; r++)
        c->regs.gpr[r] = interesting(&g->rng);
    for (size_t k = 0; k < N_BASES; k++) {
        unsigned b = base_regs[k];
        int off = 0x600 + 16 * (int)below(&g->rng, 64);
        g->lo[b] = g->hi[b] = off;
        g->align[b] = 16;
        c->regs.gpr[b] = QC_DATA_ADDR + (uint64_t)off;
    }
    g->index_value[IDX_ALIGNED] = 16 * ((int64_t)below(&g->rng, 33) - 16);
    g->index_value[IDX_ANY] = (int64_t)below(&g->rng, 513) - 256;
    c->regs.gpr[IDX_ALIGNED] = (uint64_t)g->index_value[IDX_ALIGNED];
    c->regs.gpr[IDX_ANY] = (uint64_t)g->index_value[IDX_ANY];
    c->regs.cr = (uint32_t)rnd(&g->rng);
    /* Only XER's defined bits: QEMU keeps whatever is written to the
     * reserved ones, a real POWER8 does not. */
    c->regs.xer = (rnd(&g->rng) & (XER_SO | XER_OV | XER_CA)) | below(&g->rng, 128);
    c->regs.lr = interesting(&g->rng);
    c->regs.ctr = chance(&g->rng, 30) ? below(&g->rng, 4) : interesting(&g->rng);
    c->regs.tar = interesting(&g->rng);
    init_vector_state(g, c);
    g->maybe_reserved = false;
}

/* Places the groups one after the other, chooses each branch's forward
 * target and fills in displacements and address loads. */
static void lay_out(struct gen *g, struct qc_case *c, struct group *groups, unsigned ngroups)
{
    unsigned pos[MAX_GROUPS + 1], n = 0;
    for (unsigned k = 0; k < ngroups; k++) {
        pos[k] = n;
        for (unsigned i = 0; i < groups[k].n; i++) {
            c->words[n] = groups[k].words[i];
            if (i + 1 < groups[k].n)
                c->setup[n / 32] |= 1u << (n % 32);
            n++;
        }
    }
    pos[ngroups] = n;
    c->nwords = c->stop = n;
    for (unsigned k = 0; k < ngroups; k++) {
        const struct group *grp = &groups[k];
        if (grp->fix == FIX_NONE)
            continue;
        unsigned t = k + 1;
        while (t < ngroups && chance(&g->rng, 40))
            t++;
        uint64_t target = c->code_addr + 4ull * pos[t];
        unsigned at = pos[k] + grp->fix_at;
        uint32_t *w = &c->words[at];
        uint32_t rel = 4u * (pos[t] - at);
        if (grp->fix == FIX_LI) {
            uint32_t li = (*w & 2) ? (uint32_t)target : rel;
            *w = (*w & ~0x03fffffcu) | (li & 0x03fffffcu);
        } else if (grp->fix == FIX_BD) {
            *w = (*w & ~0xfffcu) | (rel & 0xfffcu);
        } else {
            uint64_t v = target | grp->low_bits;
            c->words[pos[k]] = asm_d(15, grp->fix_reg, 0, (uint32_t)(v >> 16));       /* lis */
            c->words[pos[k] + 1] = asm_d(24, grp->fix_reg, grp->fix_reg, (uint32_t)v); /* ori */
        }
    }
}

static void gen_case(struct gen *g, struct deck *deck, const struct qgen_options *o,
                     struct qc_case *c, unsigned id)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    c->code_addr = qc_code_addr(id);
    c->data_seed = rnd(&g->rng);
    init_state(g, c);

    struct group groups[MAX_GROUPS];
    unsigned ngroups = 0;
    int last_row = -1;
    unsigned len = o->min_len + below(&g->rng, o->max_len - o->min_len + 1);
    for (unsigned k = 0; k < len && ngroups < MAX_GROUPS - 1; k++) {
        unsigned row = deck_draw(g, deck);
        if (!build_group(g, &insn_table[row], &groups[ngroups]))
            continue;    /* no room for its operands now; the row comes round again */
        if (!groups[ngroups].last)
            ngroups++;
        else if (last_row < 0)
            last_row = (int)row;
    }
    /* A group that must come last is built again at the end, so that its
     * operands fit the base registers as they are by then. */
    if (last_row >= 0 && build_group(g, &insn_table[last_row], &groups[ngroups]))
        ngroups++;
    lay_out(g, c, groups, ngroups);
}

bool qgen_generate(const struct qgen_options *o, struct qc_case *cases, unsigned *generated,
                   FILE *log)
{
    decode_init();
    struct deck deck = { calloc(insn_table_size, sizeof(unsigned)), 0, 0 };
    if (!deck.rows)
        return false;
    for (unsigned r = 0; r < insn_table_size; r++) {
        const struct insn_def *d = &insn_table[r];
        if (qgen_exclusion(d) || (o->only && !qgen_same_mnemonic(d->mnemonic, o->only)))
            continue;
        deck.rows[deck.n++] = r;
        if (!qgen_has_roles(d) && log)
            fprintf(log, "qgen: no operand roles for '%s'; treating every register field as "
                         "a destination (add it to tests/qemu/qgen.c)\n", d->mnemonic);
    }
    if (deck.n == 0) {
        if (log)
            fprintf(log, "qgen: no eligible instruction row%s%s\n", o->only ? " named " : "",
                    o->only ? o->only : "");
        free(deck.rows);
        return false;
    }
    deck.next = deck.n;      /* shuffle before the first draw */
    struct gen g;
    memset(&g, 0, sizeof g);
    g.rng.s = o->seed;
    for (unsigned i = 0; i < o->count; i++) {
        gen_case(&g, &deck, o, &cases[i], i);
        for (unsigned w = 0; generated && w < cases[i].nwords; w++) {
            const struct insn_def *d = decode_word(cases[i].words[w]);
            if (d)
                generated[d - insn_table]++;
        }
    }
    free(deck.rows);
    return true;
}

bool qgen_write_cases(const char *path, const struct qc_case *cases, unsigned count)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    struct qc_header h = { QC_MAGIC_CASES, count, sizeof(struct qc_case) };
    bool good = fwrite(&h, sizeof h, 1, f) == 1 &&
                fwrite(cases, sizeof *cases, count, f) == count;
    return fclose(f) == 0 && good;
}

struct qc_case *qgen_read_cases(const char *path, unsigned *count)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct qc_header h;
    struct qc_case *cases = NULL;
    if (fread(&h, sizeof h, 1, f) == 1 && h.magic == QC_MAGIC_CASES &&
        h.record_size == sizeof(struct qc_case) && h.count > 0 &&
        (cases = malloc((size_t)h.count * sizeof *cases)) != NULL &&
        fread(cases, sizeof *cases, h.count, f) != h.count) {
        free(cases);
        cases = NULL;
    }
    fclose(f);
    if (cases)
        *count = h.count;
    return cases;
}
