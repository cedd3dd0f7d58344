/*
 * The PAPR page-table hypercalls (function sets "hcall-pft" and
 * "hcall-bulk"): an LPAR guest does not own its hashed page table -- it
 * lives in hypervisor memory (emu/hpt.h) -- so every change goes through
 * H_ENTER, H_REMOVE, H_PROTECT, H_CLEAR_REF, H_CLEAR_MOD and
 * H_BULK_REMOVE, and the guest reads entries back with H_READ. Every
 * guest argument is checked against the table and guest RAM before
 * anything is touched, and every change to or removal of a valid entry
 * flushes all vCPUs' TLBs (machine_tlb_flush) before the call returns.
 *
 * Semantics and return codes are QEMU's TCG ones (hw/ppc/spapr_softmmu.c;
 * QEMU 7.2's answers observed with a probe guest, listed in
 * tests/unit/test_hpt_hcalls.c), cross-checked with KVM-HV
 * (arch/powerpc/kvm/book3s_hv_rm_mmu.c), which follows PAPR closely and
 * is the reference for H_CLEAR_REF/H_CLEAR_MOD (QEMU has neither). Where
 * they disagree, or PAPR asks for more than QEMU does (H_ZERO_PAGE, the
 * I-cache flags), a comment says which is followed. Linux's callers are
 * arch/powerpc/platforms/pseries/lpar.c.
 */
#include <string.h>

#include "hcall/hcall.h"

/* Flags (PAPR numbers bits from the MSB; Linux asm/hvcall.h). Others are
 * ignored, as on QEMU and KVM: H_R_XLATE (our RPNs are logical already),
 * CMO's H_COALESCE_CAND (never advertised), the CEC cookie. */
#define H_EXACT (1ull << (63 - 24))
#define H_READ_4 (1ull << (63 - 26))
#define H_AVPN (1ull << (63 - 32))
#define H_ANDCOND (1ull << (63 - 33))
#define H_ICACHE_INVALIDATE (1ull << (63 - 40))
#define H_ICACHE_SYNCHRONIZE (1ull << (63 - 41))
#define H_ZERO_PAGE (1ull << (63 - 48))

/* Dword-0 software bits 57:58 belong to the hypervisor (QEMU keeps its
 * migration-dirty bit there, KVM its lock and "absent" bits); H_ENTER
 * drops them from the guest's entry. Bits 59:60 (bolted, ...) are the
 * guest's and kept. */
#define HPTE_V_HV_RESERVED 0x60ull
/* What H_AVPN compares: B and the AVPN, not the software, L, H, V bits. */
#define HPTE_V_COMPARE ~0x7full

#define HPTE_R_W 0x40ull
#define HPTE_R_I 0x20ull
#define HPTE_R_M 0x10ull

/* H_PROTECT's flags carry the new protection in its low word: pp0 at
 * PAPR bit 55, key0:1 at 50:51 (moved to the HPTE's bits 2:3), and key2:4,
 * n, pp1:2 where the HPTE has them (Linux pSeries_lpar_hpte_updatepp). */
#define PROTECT_PP0_SHIFT 55
#define PROTECT_KEY_HI_SHIFT 48
#define HPTE_R_PROTECTION (HPTE_R_PP0 | HPTE_R_KEY_HI | HPTE_R_KEY_LO | HPTE_R_N | HPTE_R_PP)

/* H_BULK_REMOVE translation specifier high (tsh), PAPR bits: 0:1 type,
 * 2:3 response code, 4:5 R and C of the removed entry, 6:7 flags, 8:63
 * PTEX. The low word (tsl) is the AVPN or ANDCOND mask. */
#define BULK_MAX 4
#define BULK_TYPE 0xc000000000000000ull
#define BULK_REQUEST 0x4000000000000000ull
#define BULK_RESPONSE 0x8000000000000000ull
#define BULK_END 0xc000000000000000ull
#define BULK_CODE_SHIFT 60
#define BULK_RC_SHIFT 51          /* HPTE R (0x100) -> bit 4, C (0x80) -> bit 5 */
#define BULK_FLAGS 0x0300000000000000ull
#define BULK_ANDCOND 0x0100000000000000ull
#define BULK_AVPN 0x0200000000000000ull
#define BULK_PTEX 0x00ffffffffffffffull

enum bulk_code {
    BULK_SUCCESS = 0,
    BULK_NOT_FOUND = 1,
    BULK_PARM = 2,
};

/* ---- shared checks ------------------------------------------------------- */

/* Entry PTEX, which a call needs valid: H_PARAMETER past the table,
 * H_NOT_FOUND if invalid or not passing the H_AVPN / H_ANDCOND tests in
 * FLAGS against AVPN (the order and comparisons of QEMU's remove_hpte and
 * KVM's kvmppc_do_h_remove). */
static int64_t find_hpte(struct hpt *h, uint64_t ptex, uint64_t flags, uint64_t avpn,
                         uint64_t **hpte)
{
    if (ptex >= h->n_hptes)
        return H_PARAMETER;
    uint64_t v = h->hpte[ptex][0];
    if (!(v & HPTE_V_VALID))
        return H_NOT_FOUND;
    if ((flags & H_AVPN) && (v & HPTE_V_COMPARE) != avpn)
        return H_NOT_FOUND;
    if ((flags & H_ANDCOND) && (v & avpn) != 0)
        return H_NOT_FOUND;
    *hpte = h->hpte[ptex];
    return H_SUCCESS;
}

/* Invalidates entry PTEX if find_hpte() allows, returning its old words.
 * The caller flushes the TLBs (once, for H_BULK_REMOVE). The entry is
 * cleared to zero; QEMU leaves its dirty bit (0x40) in dword 0, which only
 * H_READ could see. */
static int64_t remove_hpte(struct hpt *h, uint64_t ptex, uint64_t flags, uint64_t avpn,
                           uint64_t *v, uint64_t *r)
{
    uint64_t *hpte;
    int64_t rc = find_hpte(h, ptex, flags, avpn, &hpte);
    if (rc != H_SUCCESS)
        return rc;
    *v = hpte[0];
    *r = hpte[1];
    hpte[0] = 0;
    hpte[1] = 0;
    return H_SUCCESS;
}

/* ---- H_ENTER -------------------------------------------------------------- */

struct hpte_page {
    uint64_t addr, size;
    bool ram;
};

/*
 * The page an H_ENTER entry maps, and whether PAPR lets the guest map it:
 * - a page size hpt_page_sizes[] knows for some base size (QEMU:
 *   ppc_hash64_hpte_page_shift_noslb), else H_PARAMETER;
 * - a page starting in RAM must lie wholly in RAM (QEMU checks only the
 *   start, KVM the whole page against its memslot: KVM followed, so no
 *   entry maps past the end of RAM) and be WIMG = 0010, coherent memory,
 *   as QEMU demands and Linux always gives for RAM;
 * - anything above RAM is an I/O page: WIM = 010 or 011 (G free), the
 *   cache-inhibited modes QEMU accepts and Linux's ioremap uses. Like QEMU
 *   the address is not checked against the devices: an access through
 *   such an entry that hits nothing is a machine check (emu/memory.h), and
 *   H_ENTER itself never touches an I/O page.
 * Every failure is H_PARAMETER, QEMU's and KVM's code for all of these.
 * PAPR's H_Bad_Mode is "illegal MSR value", not a WIMG complaint, and no
 * implementation returns it here.
 */
static int64_t check_page(const struct machine *m, uint64_t v, uint64_t r, struct hpte_page *pg)
{
    unsigned shift;
    if (!hpt_hpte_page_size(v, r, 0, &shift))
        return H_PARAMETER;
    pg->size = 1ull << shift;
    pg->addr = (r & HPTE_R_RPN) & ~(pg->size - 1);
    pg->ram = pg->addr < m->mem.ram_size;
    if (pg->ram) {
        if (pg->size > m->mem.ram_size - pg->addr)
            return H_PARAMETER;
        return (r & HPTE_R_WIMG) == HPTE_R_M ? H_SUCCESS : H_PARAMETER;
    }
    uint64_t wim = r & (HPTE_R_W | HPTE_R_I | HPTE_R_M);
    return wim == HPTE_R_I || wim == (HPTE_R_I | HPTE_R_M) ? H_SUCCESS : H_PARAMETER;
}

/* With H_EXACT the slot PTEX names, else the first free slot of its
 * group (from slot 0, as QEMU and KVM search); H_PTEG_FULL if taken. */
static int64_t pick_slot(const struct hpt *h, uint64_t ptex, bool exact, uint64_t *slot)
{
    if (exact) {
        *slot = ptex;
        return h->hpte[ptex][0] & HPTE_V_VALID ? H_PTEG_FULL : H_SUCCESS;
    }
    uint64_t group = ptex & ~(uint64_t)(HPTES_PER_GROUP - 1);
    for (unsigned i = 0; i < HPTES_PER_GROUP; i++)
        if (!(h->hpte[group + i][0] & HPTE_V_VALID)) {
            *slot = group + i;
            return H_SUCCESS;
        }
    return H_PTEG_FULL;
}

/* H_ZERO_PAGE and the I-cache flags, for RAM pages only (PAPR's flag
 * list, as Linux's early hvcall.h quoted it: "ignored for IO pages").
 * QEMU ignores all three; PAPR asks for them, so a page
 * entered with H_ZERO_PAGE reads as zeros here and not on QEMU. Dropping
 * the decoded code of the page is what "invalidate the I-cache" means for
 * this CPU; zeroing drops it too. */
static void prepare_page(struct machine *m, const struct hpte_page *pg, uint64_t flags)
{
    if (!pg->ram || !(flags & (H_ZERO_PAGE | H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE)))
        return;
    if (flags & H_ZERO_PAGE) {
        uint8_t *p = memory_ram_ptr(&m->mem, pg->addr, pg->size);
        if (p)                  /* always: check_page() kept the page in RAM */
            memset(p, 0, pg->size);
    }
    memory_note_store(&m->mem, pg->addr, pg->size);
}

/* H_ENTER(flags, ptex, pteh, ptel) -> r4 = the index used. The checks run
 * in QEMU's order: page size and mode, PTEX, then the slot. The entry is
 * stored as the guest gave it, V included (an entry entered invalid
 * occupies nothing, as on QEMU; KVM sets V itself), minus the hypervisor's
 * bits. Filling a free slot changes no valid entry, so no TLB flush. */
static int64_t h_enter(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t flags = args[0], ptex = args[1], pteh = args[2], ptel = args[3];
    struct machine *m = ctx->machine;
    struct hpt *h = &m->hpt;
    struct hpte_page pg;
    int64_t rc = check_page(m, pteh, ptel, &pg);
    if (rc != H_SUCCESS)
        return rc;
    if (ptex >= h->n_hptes)
        return H_PARAMETER;
    uint64_t slot;
    rc = pick_slot(h, ptex, flags & H_EXACT, &slot);
    if (rc != H_SUCCESS)
        return rc;
    prepare_page(m, &pg, flags);
    h->hpte[slot][0] = pteh & ~HPTE_V_HV_RESERVED;
    h->hpte[slot][1] = ptel;
    rets[0] = slot;
    return H_SUCCESS;
}

/* ---- H_REMOVE, H_READ, H_PROTECT ----------------------------------------- */

/* H_REMOVE(flags, ptex, avpn) -> r4, r5 = the old entry. Linux evicts
 * with H_ANDCOND and the bolted bit as mask, invalidates with H_AVPN. */
static int64_t h_remove(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t flags = args[0], ptex = args[1], avpn = args[2];
    uint64_t v, r;
    int64_t rc = remove_hpte(&ctx->machine->hpt, ptex, flags, avpn, &v, &r);
    if (rc != H_SUCCESS)
        return rc;
    machine_tlb_flush(ctx->machine);
    rets[0] = v;
    rets[1] = r;
    return H_SUCCESS;
}

/* H_READ(flags, ptex) -> r4, r5 = the entry; with H_READ_4, r4..r11 = the
 * four entries from PTEX rounded down to a multiple of 4. PTEX is checked
 * before rounding (QEMU, KVM); the table holds whole groups of 8, so the
 * four are inside it. Raw words, valid or not (Linux scans groups with
 * H_READ_4 and tests V itself). */
static int64_t h_read(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t flags = args[0], ptex = args[1];
    const struct hpt *h = &ctx->machine->hpt;
    if (ptex >= h->n_hptes)
        return H_PARAMETER;
    unsigned n = 1;
    if (flags & H_READ_4) {
        ptex &= ~3ull;
        n = 4;
    }
    for (unsigned i = 0; i < n; i++) {
        rets[2 * i] = h->hpte[ptex + i][0];
        rets[2 * i + 1] = h->hpte[ptex + i][1];
    }
    return H_SUCCESS;
}

/* H_PROTECT(flags, ptex, avpn): new pp0, key, n and pp bits from FLAGS;
 * R, C, the RPN and WIMG stay. Only H_AVPN is honoured (H_ANDCOND is not
 * an H_PROTECT flag; QEMU and KVM ignore it too). */
static int64_t h_protect(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    uint64_t flags = args[0], ptex = args[1], avpn = args[2];
    uint64_t *hpte;
    (void)rets;
    int64_t rc = find_hpte(&ctx->machine->hpt, ptex, flags & H_AVPN, avpn, &hpte);
    if (rc != H_SUCCESS)
        return rc;
    uint64_t r = hpte[1] & ~HPTE_R_PROTECTION;
    r |= (flags << PROTECT_PP0_SHIFT) & HPTE_R_PP0;
    r |= (flags << PROTECT_KEY_HI_SHIFT) & HPTE_R_KEY_HI;
    r |= flags & (HPTE_R_KEY_LO | HPTE_R_N | HPTE_R_PP);
    /* Unchanged: no translation to drop (KVM also skips the tlbie). */
    if (r != hpte[1]) {
        hpte[1] = r;
        machine_tlb_flush(ctx->machine);
    }
    return H_SUCCESS;
}

/* ---- H_CLEAR_REF, H_CLEAR_MOD --------------------------------------------- */

/* H_CLEAR_REF/H_CLEAR_MOD(flags, ptex) -> r4 = dword 1 before the bit
 * was cleared. QEMU does not implement them (H_FUNCTION); this is KVM-HV's
 * behaviour: flags ignored, H_PARAMETER past the table, H_NOT_FOUND for an
 * invalid entry. The TLBs are flushed when the bit was set, so the MMU
 * sets it again on the next reference or change. */
static int64_t clear_rc_bit(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets,
                            uint64_t bit)
{
    uint64_t ptex = args[1];
    uint64_t *hpte;
    int64_t rc = find_hpte(&ctx->machine->hpt, ptex, 0, 0, &hpte);
    if (rc != H_SUCCESS)
        return rc;
    rets[0] = hpte[1];
    if (hpte[1] & bit) {
        hpte[1] &= ~bit;
        machine_tlb_flush(ctx->machine);
    }
    return H_SUCCESS;
}

static int64_t h_clear_ref(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    return clear_rc_bit(ctx, args, rets, HPTE_R_R);
}

static int64_t h_clear_mod(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    return clear_rc_bit(ctx, args, rets, HPTE_R_C);
}

/* ---- H_BULK_REMOVE -------------------------------------------------------- */

/* One request: the response word that replaces its tsh. */
static uint64_t bulk_remove_one(struct hpt *h, uint64_t tsh, uint64_t tsl, bool *removed)
{
    uint64_t resp = (tsh & (BULK_PTEX | BULK_FLAGS)) | BULK_RESPONSE;
    uint64_t bflags = tsh & BULK_FLAGS;
    if (bflags == (BULK_AVPN | BULK_ANDCOND))       /* flags 11: reserved */
        return resp | (uint64_t)BULK_PARM << BULK_CODE_SHIFT;
    uint64_t flags = (bflags & BULK_AVPN ? H_AVPN : 0) | (bflags & BULK_ANDCOND ? H_ANDCOND : 0);
    uint64_t v, r;
    switch (remove_hpte(h, tsh & BULK_PTEX, flags, tsl, &v, &r)) {
    case H_SUCCESS:
        *removed = true;
        return resp | (uint64_t)BULK_SUCCESS << BULK_CODE_SHIFT |
               (r & (HPTE_R_R | HPTE_R_C)) << BULK_RC_SHIFT;
    case H_NOT_FOUND:
        return resp | (uint64_t)BULK_NOT_FOUND << BULK_CODE_SHIFT;
    default:
        return resp | (uint64_t)BULK_PARM << BULK_CODE_SHIFT;
    }
}

/*
 * H_BULK_REMOVE(tsh0, tsl0, ... tsh3, tsl3): up to four H_REMOVEs; each
 * processed request's tsh is replaced by its response (type 10, code, R/C,
 * flags, PTEX), tsl left alone. As QEMU:
 * - type 11 (end) stops the list; H_SUCCESS;
 * - a type other than request (00, 10) stops with H_PARAMETER, its word
 *   untouched (KVM writes a parameter-error response there instead);
 * - reserved flags 11 or a PTEX past the table: response code 10 and
 *   H_PARAMETER, stopping there;
 * - not found (invalid, or the AVPN/ANDCOND test fails): code 01, and the
 *   list goes on -- not an error of the call.
 * Requests before a failing one stay done (their responses say so) and
 * later ones are not looked at; the call never answers H_PARTIAL (neither
 * QEMU nor KVM does, and Linux BUG()s on anything but H_SUCCESS).
 * R and C go to bits 4:5 as PAPR places them and KVM does; QEMU 7.2
 * shifts them 8 bits too far (into the PTEX field).
 */
static int64_t h_bulk_remove(struct hcall_ctx *ctx, const uint64_t *args, uint64_t *rets)
{
    struct hpt *h = &ctx->machine->hpt;
    bool removed = false;
    int64_t rc = H_SUCCESS;
    for (unsigned i = 0; i < BULK_MAX; i++) {
        uint64_t tsh = args[2 * i], tsl = args[2 * i + 1];
        if ((tsh & BULK_TYPE) == BULK_END)
            break;
        if ((tsh & BULK_TYPE) != BULK_REQUEST) {
            rc = H_PARAMETER;
            break;
        }
        rets[2 * i] = bulk_remove_one(h, tsh, tsl, &removed);
        if ((rets[2 * i] >> BULK_CODE_SHIFT & 3) == BULK_PARM) {
            rc = H_PARAMETER;
            break;
        }
    }
    if (removed)
        machine_tlb_flush(ctx->machine);
    return rc;
}

/* ---- registration ---------------------------------------------------------- */

static const struct {
    uint32_t opcode;
    hcall_fn fn;
} hpt_hcalls[] = {
    { H_REMOVE, h_remove },
    { H_ENTER, h_enter },
    { H_READ, h_read },
    { H_CLEAR_MOD, h_clear_mod },
    { H_CLEAR_REF, h_clear_ref },
    { H_PROTECT, h_protect },
    { H_BULK_REMOVE, h_bulk_remove },
};

/* Only a machine with a hashed page table offers them (and so advertises
 * hcall-pft and hcall-bulk): hand-built test machines without one keep
 * the opcodes free, and a radix-only machine would not have one. */
void hpt_hcalls_register(struct machine *m)
{
    if (!m->hpt.hpte)
        return;
    for (size_t i = 0; i < sizeof hpt_hcalls / sizeof hpt_hcalls[0]; i++)
        hcall_register(m, hpt_hcalls[i].opcode, hpt_hcalls[i].fn, NULL);
}
