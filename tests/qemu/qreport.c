/*
 * Printing a failing differential-test case as TAP diagnostics
 * (qdiff.h): enough to understand it without rerunning anything -- the
 * instruction words (disassembled by the cross objdump when it is there,
 * else ppcrr's mnemonic), the initial state, the two final states, and the
 * differences right after the instruction the mismatch was attributed to.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emu/cpu/insn.h"
#include "tests/common/testutil.h"
#include "tests/qemu/qdiff.h"
#include "tests/tap.h"

/* objdump's text for each word ("add     r3,r4,r5"), or false. */
static bool disassemble(const struct qemu_setup *q, const struct qc_case *c,
                        char text[][64])
{
    if (!q->objdump)
        return false;
    const char *bin = test_path("report.bin");
    if (!test_write_file(bin, c->words, 4ull * c->nwords))
        return false;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "'%s' -D -b binary -m powerpc:common64 -M power8 -EL "
             "--adjust-vma=0x%" PRIx64 " '%s' 2>/dev/null", q->objdump, c->code_addr, bin);
    FILE *p = popen(cmd, "r");
    if (!p)
        return false;
    char line[256];
    unsigned found = 0;
    while (fgets(line, sizeof line, p)) {
        uint64_t addr;
        char *tab = strchr(line, '\t');
        if (sscanf(line, " %" SCNx64 ":", &addr) != 1 || !tab || !(tab = strchr(tab + 1, '\t')))
            continue;
        uint64_t index = (addr - c->code_addr) / 4;
        if (addr < c->code_addr || index >= c->nwords)
            continue;
        tab[strcspn(tab, "\n")] = 0;
        snprintf(text[index], 64, "%s", tab + 1);
        found++;
    }
    pclose(p);
    return found == c->nwords;
}

static void print_words(const struct qemu_setup *q, const struct qc_case *c, int culprit)
{
    static char text[QC_MAX_WORDS][64];
    memset(text, 0, sizeof text);
    bool objdump = disassemble(q, c, text);
    for (unsigned i = 0; i < c->nwords; i++) {
        const struct insn_def *d = decode_word(c->words[i]);
        const char *mnemonic = d ? d->mnemonic : "(no row)";
        bool setup = (c->setup[i / 32] >> (i % 32)) & 1;
        tap_diag("  %s %2u  0x%08" PRIx64 "  %08x  %-8s %-28s%s", (int)i == culprit ? "=>" : "  ", i,
                 c->code_addr + 4 * i, c->words[i], mnemonic, objdump ? text[i] : "",
                 setup ? " (setup)" : "");
    }
    tap_diag("     %2u  0x%08" PRIx64 "  stop", c->stop, c->code_addr + 4 * (uint64_t)c->stop);
}

/* The VSRs word W may name: every register field read as the kind of
 * register its row uses (immediates in those fields mark a register too,
 * which only prints a line more). */
static void mark_vsrs(uint32_t w, bool used[64])
{
    const struct insn_def *d = decode_word(w);
    if (!d)
        return;
    const char *m = d->mnemonic;
    unsigned p = d->primary;
    if (p == 60 || !strncmp(m, "lx", 2) || !strncmp(m, "stx", 3) || !strncmp(m, "mfvsr", 5) ||
        !strncmp(m, "mtvsr", 5)) {
        used[f_xt(w)] = used[f_xa(w)] = used[f_xb(w)] = used[f_xc(w)] = true;
    } else if (p == 4 || !strncmp(m, "lv", 2) || !strncmp(m, "stv", 3)) {
        used[32 + f_vrt(w)] = used[32 + f_vra(w)] = used[32 + f_vrb(w)] = used[32 + f_vrc(w)] = true;
    } else if (p == 59 || p == 63 || !strncmp(m, "lf", 2) || !strncmp(m, "stf", 3)) {
        used[f_rt(w)] = used[f_ra(w)] = used[f_rb(w)] = used[f_rc_reg(w)] = true;
        if (!strncmp(m, "lfdp", 4) || !strncmp(m, "stfdp", 5))
            used[(f_rt(w) + 1) % 32] = true;
    }
}

static void print_vector_regs(const struct qc_case *c, const struct qc_regs *r)
{
    bool used[64] = { false };
    for (unsigned i = 0; i < c->nwords; i++)
        mark_vsrs(c->words[i], used);
    char line[200];
    size_t n = 0;
    for (unsigned i = 0; i < 64; i++) {
        if (!used[i])
            continue;
        n += (size_t)snprintf(line + n, sizeof line - n, "  vs%-2u %016" PRIx64 " %016" PRIx64, i,
                              r->vsr[2 * i], r->vsr[2 * i + 1]);
        if (n > 80) {
            tap_diag("  %s", line);
            n = 0;
        }
    }
    if (n)
        tap_diag("  %s", line);
    char f[200];
    qc_fpscr_text(f, sizeof f, r->fpscr);
    tap_diag("    fpscr %08" PRIx64 " [%s]  vscr %05" PRIx64 "  vrsave %08" PRIx64, r->fpscr, f,
             r->vscr, r->vrsave);
}

static void print_regs(const char *title, const struct qc_regs *r)
{
    tap_diag("  %s", title);
    for (unsigned i = 0; i < 32; i += 4)
        tap_diag("    r%-2u %016" PRIx64 "  r%-2u %016" PRIx64 "  r%-2u %016" PRIx64
                 "  r%-2u %016" PRIx64, i, r->gpr[i], i + 1, r->gpr[i + 1], i + 2, r->gpr[i + 2],
                 i + 3, r->gpr[i + 3]);
    tap_diag("    cr %08" PRIx64 "  xer %016" PRIx64 "  lr %016" PRIx64 "  ctr %016" PRIx64
             "  tar %016" PRIx64, r->cr & 0xffffffff, r->xer, r->lr, r->ctr, r->tar);
}

/* Final states side by side, only the registers that are not what they
 * started as or that differ ('!'). */
static void print_finals(const struct qc_case *c, const struct qc_result *q, const struct qc_result *p)
{
    tap_diag("  final state: qemu %s at 0x%" PRIx64 ", ppcrr %s at 0x%" PRIx64,
             qc_signal_name(q->signo), q->nip, qc_signal_name(p->signo), p->nip);
    const struct qc_regs *i0 = &c->regs, *a = &q->regs, *b = &p->regs;
    for (unsigned r = 0; r < 32; r++)
        if (a->gpr[r] != i0->gpr[r] || b->gpr[r] != i0->gpr[r])
            tap_diag("   %c r%-2u qemu %016" PRIx64 "  ppcrr %016" PRIx64, a->gpr[r] != b->gpr[r] ? '!' : ' ',
                     r, a->gpr[r], b->gpr[r]);
    const struct {
        const char *name;
        uint64_t init, q, p, mask;
    } s[] = {
        { "cr", i0->cr, a->cr, b->cr, 0xffffffff }, { "xer", i0->xer, a->xer, b->xer, QC_XER_COMPARED },
        { "lr", i0->lr, a->lr, b->lr, ~0ull }, { "ctr", i0->ctr, a->ctr, b->ctr, ~0ull },
        { "tar", i0->tar, a->tar, b->tar, ~0ull },
        { "fpscr", i0->fpscr, a->fpscr, b->fpscr, ~0ull },
        { "vscr", i0->vscr, a->vscr, b->vscr, QC_VSCR_BITS },
        { "vrsave", i0->vrsave, a->vrsave, b->vrsave, 0xffffffffull },
    };
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
        uint64_t init = s[k].init & s[k].mask, qv = s[k].q & s[k].mask, pv = s[k].p & s[k].mask;
        if (qv != init || pv != init)
            tap_diag("   %c %-6s qemu %016" PRIx64 "  ppcrr %016" PRIx64, qv != pv ? '!' : ' ',
                     s[k].name, qv, pv);
    }
    for (unsigned r = 0; r < 64; r++) {
        const uint64_t *x = &i0->vsr[2 * r], *y = &a->vsr[2 * r], *z = &b->vsr[2 * r];
        bool qd = y[0] != x[0] || y[1] != x[1], pd = z[0] != x[0] || z[1] != x[1];
        if (qd || pd)
            tap_diag("   %c vs%-2u qemu %016" PRIx64 " %016" PRIx64 "  ppcrr %016" PRIx64
                     " %016" PRIx64, y[0] != z[0] || y[1] != z[1] ? '!' : ' ', r, y[0], y[1],
                     z[0], z[1]);
    }
}

void report_case(const struct qemu_setup *q, const struct qc_case *c, int culprit,
                 const struct qc_result *qemu, const struct qc_result *ppcrr,
                 const struct qc_result *at_culprit_qemu, const struct qc_result *at_culprit_ppcrr)
{
    tap_diag("case %u (code at 0x%" PRIx64 ", data seed 0x%016" PRIx64 ")%s", c->id, c->code_addr,
             c->data_seed, culprit >= 0 ? ", first difference after word marked =>" : "");
    print_words(q, c, culprit);
    print_regs("initial state:", &c->regs);
    print_vector_regs(c, &c->regs);
    print_finals(c, qemu, ppcrr);
    tap_diag("  differences at the end of the case:");
    qc_print_differences(stdout, "#  ", c, qemu, ppcrr);
    if (at_culprit_qemu && at_culprit_ppcrr && culprit + 1 != (int)c->stop) {
        tap_diag("  differences right after word %d:", culprit);
        qc_print_differences(stdout, "#  ", c, at_culprit_qemu, at_culprit_ppcrr);
    }
}
