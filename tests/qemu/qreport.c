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
    };
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
        uint64_t init = s[k].init & s[k].mask, qv = s[k].q & s[k].mask, pv = s[k].p & s[k].mask;
        if (qv != init || pv != init)
            tap_diag("   %c %-3s qemu %016" PRIx64 "  ppcrr %016" PRIx64, qv != pv ? '!' : ' ',
                     s[k].name, qv, pv);
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
    print_finals(c, qemu, ppcrr);
    tap_diag("  differences at the end of the case:");
    qc_print_differences(stdout, "#  ", c, qemu, ppcrr);
    if (at_culprit_qemu && at_culprit_ppcrr && culprit + 1 != (int)c->stop) {
        tap_diag("  differences right after word %d:", culprit);
        qc_print_differences(stdout, "#  ", c, at_culprit_qemu, at_culprit_ppcrr);
    }
}
