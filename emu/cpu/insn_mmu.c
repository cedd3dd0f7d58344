/*
 * The SLB instructions (insn_mmu.def; Power ISA 2.07 Book III-S 5.9.3.2):
 * slbmte writes an entry, slbmfee/slbmfev read one back, slbfee. searches
 * by effective address, slbie and slbia invalidate. The SLB is 32 entries
 * of the vCPU's field list (slb_esid[], slb_vsid[]) holding the bits the
 * ISA keeps, so slbmfe* return exactly what it defines.
 *
 * The soft TLB (emu/cpu/mmu.h) caches translations made through SLB
 * entries, so every instruction here that can end an entry's life drops
 * what the TLB holds for its segment, and all of them make the run loop
 * translate the running code's page again.
 */
#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/mmu.h"
#include "emu/hpt.h"

static bool privileged(struct cpu *c)
{
    if (!(c->msr[0] & MSR_PR))
        return true;
    cpu_program_interrupt(c, SRR1_PROGRAM_PRIV);
    return false;
}

static unsigned segment_shift(uint64_t slbv)
{
    return (slbv & SLB_VSID_B) == SLB_VSID_B_1T ? 40 : 28;
}

/* The entry RB's index field names, or -1 after an illegal instruction
 * interrupt for one beyond the 32 entries (undefined in the ISA; QEMU
 * raises the same). */
static int slb_index(struct cpu *c, uint32_t insn, uint64_t rb)
{
    uint64_t i = rb & SLB_INDEX_MASK;
    if (i < SLB_ENTRIES)
        return (int)i;
    insn_illegal(c, insn);
    return -1;
}

/* Whether RS's segment size and L||LP are ones this CPU has (1T and the
 * rows of hpt_page_sizes[], the ibm,segment-page-sizes the guest read). */
static bool slb_vsid_valid(uint64_t rs)
{
    if ((rs & SLB_VSID_B) > SLB_VSID_B_1T)
        return false;
    for (unsigned i = 0; i < hpt_n_page_sizes; i++)
        if (hpt_page_sizes[i].slb_enc == (rs & SLB_VSID_LLP))
            return true;
    return false;
}

/* slbmte RS,RB: entry RB[52:63] = ESID||V from RB, the rest from RS. An
 * unknown segment size or page-size encoding is an illegal instruction
 * (undefined in the ISA; QEMU's choice). Overwriting a valid entry without
 * slbie first is allowed, so its segment's cached translations go. */
void insn_slbmte(struct cpu *c, uint32_t insn)
{
    if (!privileged(c))
        return;
    uint64_t rs = c->gpr[f_rs(insn)], rb = c->gpr[f_rb(insn)];
    int i = slb_index(c, insn, rb);
    if (i < 0)
        return;
    if (!slb_vsid_valid(rs)) {
        insn_illegal(c, insn);
        return;
    }
    if (c->slb_esid[i] & SLB_ESID_V)
        mmu_flush_segment(c, c->slb_esid[i], segment_shift(c->slb_vsid[i]));
    c->slb_esid[i] = rb & SLB_ESID_STORED;
    c->slb_vsid[i] = rs & SLB_VSID_STORED;
    c->leave_run = true;
}

void insn_slbmfee(struct cpu *c, uint32_t insn)
{
    if (!privileged(c))
        return;
    int i = slb_index(c, insn, c->gpr[f_rb(insn)]);
    if (i >= 0)
        c->gpr[f_rt(insn)] = c->slb_esid[i];
}

void insn_slbmfev(struct cpu *c, uint32_t insn)
{
    if (!privileged(c))
        return;
    int i = slb_index(c, insn, c->gpr[f_rb(insn)]);
    if (i >= 0)
        c->gpr[f_rt(insn)] = c->slb_vsid[i];
}

/* slbfee. RT,RB: the VSID doubleword of the entry translating EA RB, with
 * CR0[EQ] set; none: RT = 0 and EQ clear (as QEMU). */
void insn_slbfee(struct cpu *c, uint32_t insn)
{
    if (!privileged(c))
        return;
    int i = mmu_slb_find(c, ea_mode(c, c->gpr[f_rb(insn)]));
    c->gpr[f_rt(insn)] = i < 0 ? 0 : c->slb_vsid[i];
    cr_set_field(c, 0, (i < 0 ? 0 : CR_EQ) | xer_so(c));
}

/* slbie RB: invalidates the entry for ESID RB[0:35] of segment size
 * RB[37:38], if there is one; the TLB forgets that segment either way. */
void insn_slbie(struct cpu *c, uint32_t insn)
{
    if (!privileged(c))
        return;
    uint64_t rb = c->gpr[f_rb(insn)];
    uint64_t b = (rb >> SLBIE_B_SHIFT) & 3;
    uint64_t mask = b == 1 ? SLB_ESID_1T : SLB_ESID_256M;
    for (int i = 0; i < SLB_ENTRIES; i++)
        if ((c->slb_esid[i] & SLB_ESID_V) && (c->slb_vsid[i] >> SLB_VSID_B_SHIFT) == b &&
            ((c->slb_esid[i] ^ rb) & mask) == 0)
            c->slb_esid[i] &= ~SLB_ESID_V;
    mmu_flush_segment(c, rb, b == 1 ? 40 : 28);
}

/* slbia IH: the IH values ISA 2.07 defines (0, 1, 2, 6) all invalidate
 * every entry but entry 0 and differ only in which lookaside information
 * goes -- here all of it does; the reserved values are treated alike
 * (QEMU does the same for POWER8). */
void insn_slbia(struct cpu *c, uint32_t insn)
{
    (void)insn;
    if (!privileged(c))
        return;
    for (int i = 1; i < SLB_ENTRIES; i++)
        c->slb_esid[i] &= ~SLB_ESID_V;
    mmu_flush_all(c);
}
