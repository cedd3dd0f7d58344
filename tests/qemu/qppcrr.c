/*
 * Running differential-test cases on ppcrr (qppcrr.h), and comparing the
 * result with QEMU's.
 *
 * The vCPU is stepped one instruction at a time so that the comparator can
 * look at the state each instruction starts from (for the documented
 * differences, which depend on operand values) and so that the run stops
 * exactly where the QEMU runner's trap stops it, without executing a stop
 * instruction of its own. An interrupt shows up as MSR[PR] dropping to 0;
 * SRR0 then holds the faulting instruction, as the signal context's NIP
 * does under QEMU.
 */
#include "tests/qemu/qppcrr.h"

#include "tests/qemu/qknown.h"

#include <inttypes.h>
#include <string.h>

#define FSCR_TAR (1ull << 8)              /* FSCR bit 55: Linux enables TAR for processes */
#define RAM_SIZE (QC_DATA_ADDR + QC_DATA_SIZE)
#define MAX_STEPS (4 * QC_MAX_WORDS)      /* forward branches only: more means a runaway */

bool qp_init(struct qp_machine *m)
{
    memset(m, 0, sizeof *m);
    return memory_init(&m->mem, RAM_SIZE) == 0;
}

void qp_destroy(struct qp_machine *m)
{
    if (m->cpu_live)
        cpu_destroy(&m->cpu);
    memory_destroy(&m->mem);
}

/* The signal Linux delivers for an interrupt from problem state. Machine
 * checks only come from accesses outside RAM here, which in the QEMU
 * process are accesses to unmapped memory: SIGSEGV. */
static int signal_for(uint64_t vector, uint64_t srr1)
{
    switch (vector) {
    case VEC_PROGRAM:
        if (srr1 & SRR1_PROGRAM_TRAP)
            return QC_SIGTRAP;
        return (srr1 & SRR1_PROGRAM_FP) ? QC_SIGFPE : QC_SIGILL;
    case VEC_DSI: case VEC_DSEG: case VEC_ISI: case VEC_ISEG: case VEC_MACHINE_CHECK:
        return QC_SIGSEGV;
    case VEC_ALIGNMENT:
        return QC_SIGBUS;
    case VEC_TRACE:
        return QC_SIGTRAP;
    case VEC_FP_UNAVAILABLE: case VEC_VMX_UNAVAILABLE: case VEC_VSX_UNAVAILABLE:
    case VEC_FAC_UNAVAILABLE:
        return QC_SIGILL;
    default:
        return 1000 + (int)vector;        /* printed as "vector 0x..." */
    }
}

const char *qc_signal_name(int signo)
{
    static char buf[32];
    switch (signo) {
    case 0: return "none";
    case QC_SIGILL: return "SIGILL";
    case QC_SIGTRAP: return "SIGTRAP";
    case QC_SIGBUS: return "SIGBUS";
    case QC_SIGFPE: return "SIGFPE";
    case QC_SIGSEGV: return "SIGSEGV";
    case QC_SIGALRM: return "timeout";
    case QC_QEMU_DIED: return "QEMU aborted";
    default:
        if (signo >= 1000)
            snprintf(buf, sizeof buf, "interrupt 0x%x", signo - 1000);
        else
            snprintf(buf, sizeof buf, "signal %d", signo);
        return buf;
    }
}

static void load_case(struct qp_machine *m, const struct qc_case *c)
{
    uint32_t code[QC_MAX_WORDS];
    for (unsigned i = 0; i < QC_MAX_WORDS; i++)
        code[i] = i < c->stop && i < c->nwords ? c->words[i] : QC_TRAP_WORD;
    memory_write(&m->mem, c->code_addr, code, sizeof code);   /* host and guest are LE */
    uint8_t data[QC_DATA_SIZE];
    qc_fill_data(data, c->data_seed);
    memory_write(&m->mem, QC_DATA_ADDR, data, sizeof data);

    if (m->cpu_live)
        cpu_destroy(&m->cpu);
    struct cpu *cpu = &m->cpu;
    cpu_init(cpu, &m->mem, 0);
    m->cpu_live = true;
    /* FP, VMX and VSX on, as Linux turns them on at a process's first use
     * (MSR[FE0|FE1] stay 0: enabled FP exceptions only set FEX). */
    cpu->msr[0] = MSR_SF | MSR_LE | MSR_PR | MSR_ME | MSR_FP | MSR_VEC | MSR_VSX;
    cpu->fscr[0] = FSCR_TAR;
    memcpy(cpu->gpr, c->regs.gpr, sizeof cpu->gpr);
    cpu->cr[0] = c->regs.cr;
    cpu->xer[0] = c->regs.xer;
    cpu->lr[0] = c->regs.lr;
    cpu->ctr[0] = c->regs.ctr;
    cpu->tar[0] = c->regs.tar;
    _Static_assert(sizeof cpu->vsr == sizeof c->regs.vsr, "qc_regs.vsr is cpu->vsr's layout");
    memcpy(cpu->vsr, c->regs.vsr, sizeof cpu->vsr);
    cpu->fpscr[0] = c->regs.fpscr;
    cpu->vscr[0] = c->regs.vscr;
    cpu->vrsave[0] = c->regs.vrsave;
    cpu->nip[0] = c->code_addr;
}

void qp_run(struct qp_machine *m, const struct qc_case *c, struct qc_result *r,
            qp_before_fn before, void *opaque)
{
    load_case(m, c);
    struct cpu *cpu = &m->cpu;
    uint64_t stop = c->code_addr + 4ull * c->stop;
    memset(r, 0, sizeof *r);
    r->id = c->id;
    r->signo = QC_SIGALRM;
    for (unsigned step = 0; step < MAX_STEPS; step++) {
        uint64_t nip = cpu->nip[0];
        if (nip == stop) {
            r->signo = 0;
            break;
        }
        if (before) {
            uint32_t word = 0;
            memory_read(&m->mem, nip, &word, 4);
            uint64_t index = (nip - c->code_addr) / 4;
            bool inside = nip >= c->code_addr && index < c->stop && !(nip & 3);
            before(opaque, cpu, inside ? (int)index : -1, word);
        }
        uint32_t word = 0;
        memory_read(&m->mem, nip, &word, 4);
        cpu_run(cpu, 1);
        if (!(cpu->msr[0] & MSR_PR)) {     /* an interrupt was taken */
            r->signo = signal_for(cpu->nip[0], cpu->srr1[0]);
            cpu->nip[0] = cpu->srr0[0];
            break;
        }
        const struct insn_def *d = decode_word(word);
        if (d)
            qknown_adopt_undefined(cpu, d, word);
    }
    r->nip = cpu->nip[0];
    memcpy(r->regs.gpr, cpu->gpr, sizeof r->regs.gpr);
    r->regs.cr = cpu->cr[0];
    r->regs.xer = cpu->xer[0];
    r->regs.lr = cpu->lr[0];
    r->regs.ctr = cpu->ctr[0];
    r->regs.tar = cpu->tar[0];
    memcpy(r->regs.vsr, cpu->vsr, sizeof r->regs.vsr);
    r->regs.fpscr = cpu->fpscr[0];
    r->regs.vscr = cpu->vscr[0];
    r->regs.vrsave = cpu->vrsave[0];
    memory_read(&m->mem, QC_DATA_ADDR, r->data, QC_DATA_SIZE);
}

bool qc_same(const struct qc_result *a, const struct qc_result *b)
{
    const struct qc_regs *x = &a->regs, *y = &b->regs;
    return a->signo == b->signo && a->nip == b->nip &&
           !memcmp(x->gpr, y->gpr, sizeof x->gpr) && (uint32_t)x->cr == (uint32_t)y->cr &&
           (x->xer & QC_XER_COMPARED) == (y->xer & QC_XER_COMPARED) && x->lr == y->lr &&
           x->ctr == y->ctr && x->tar == y->tar && !memcmp(a->data, b->data, QC_DATA_SIZE) &&
           !memcmp(x->vsr, y->vsr, sizeof x->vsr) && x->fpscr == y->fpscr &&
           ((x->vscr ^ y->vscr) & QC_VSCR_BITS) == 0 && (uint32_t)x->vrsave == (uint32_t)y->vrsave;
}

/* The FPSCR's fields by name (Power ISA 2.07 Book I 4.2.2), most significant
 * first; RN and DRN are printed as numbers. */
static const struct {
    const char *name;
    uint64_t bit;
} fpscr_bits[] = {
    { "FX", 1ull << 31 }, { "FEX", 1ull << 30 }, { "VX", 1ull << 29 }, { "OX", 1ull << 28 },
    { "UX", 1ull << 27 }, { "ZX", 1ull << 26 }, { "XX", 1ull << 25 }, { "VXSNAN", 1ull << 24 },
    { "VXISI", 1ull << 23 }, { "VXIDI", 1ull << 22 }, { "VXZDZ", 1ull << 21 },
    { "VXIMZ", 1ull << 20 }, { "VXVC", 1ull << 19 }, { "FR", 1ull << 18 }, { "FI", 1ull << 17 },
    { "C", 1ull << 16 }, { "FL", 1ull << 15 }, { "FG", 1ull << 14 }, { "FE", 1ull << 13 },
    { "FU", 1ull << 12 }, { "bit52", 1ull << 11 }, { "VXSOFT", 1ull << 10 },
    { "VXSQRT", 1ull << 9 }, { "VXCVI", 1ull << 8 }, { "VE", 1ull << 7 }, { "OE", 1ull << 6 },
    { "UE", 1ull << 5 }, { "ZE", 1ull << 4 }, { "XE", 1ull << 3 }, { "NI", 1ull << 2 },
};

void qc_fpscr_text(char *buf, size_t len, uint64_t v)
{
    size_t n = (size_t)snprintf(buf, len, "RN=%u", (unsigned)(v & 3));
    if (v >> 32)
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, " DRN=%u high=0x%" PRIx64,
                              (unsigned)((v >> 32) & 7), v >> 35);
    for (size_t i = 0; i < sizeof fpscr_bits / sizeof fpscr_bits[0]; i++)
        if ((v & fpscr_bits[i].bit) && n < len)
            n += (size_t)snprintf(buf + n, len - n, " %s", fpscr_bits[i].name);
}

/* "vs5 (f5)" or "vs37 (v5)". */
static const char *vsr_name(unsigned i)
{
    static char buf[24];
    snprintf(buf, sizeof buf, "vs%u (%c%u)", i, i < 32 ? 'f' : 'v', i % 32);
    return buf;
}

static unsigned print_vector_differences(FILE *out, const char *prefix, const struct qc_regs *q,
                                         const struct qc_regs *p)
{
    unsigned n = 0;
    for (unsigned i = 0; i < 64; i++)
        if (q->vsr[2 * i] != p->vsr[2 * i] || q->vsr[2 * i + 1] != p->vsr[2 * i + 1]) {
            fprintf(out, "%s  %-10s qemu %016" PRIx64 " %016" PRIx64 "  ppcrr %016" PRIx64
                    " %016" PRIx64 "%s\n", prefix, vsr_name(i), q->vsr[2 * i], q->vsr[2 * i + 1],
                    p->vsr[2 * i], p->vsr[2 * i + 1],
                    q->vsr[2 * i] == p->vsr[2 * i] ? "  (doubleword 1 only)" :
                    q->vsr[2 * i + 1] == p->vsr[2 * i + 1] ? "  (doubleword 0 only)" : "");
            n++;
        }
    if (q->fpscr != p->fpscr) {
        char qt[200], pt[200];
        qc_fpscr_text(qt, sizeof qt, q->fpscr);
        qc_fpscr_text(pt, sizeof pt, p->fpscr);
        fprintf(out, "%s  fpscr: qemu 0x%08" PRIx64 " [%s]\n%s         ppcrr 0x%08" PRIx64 " [%s]\n",
                prefix, q->fpscr, qt, prefix, p->fpscr, pt);
        uint64_t only_q = q->fpscr & ~p->fpscr, only_p = p->fpscr & ~q->fpscr;
        char oq[200] = "", op[200] = "";
        if (only_q)
            qc_fpscr_text(oq, sizeof oq, only_q);
        if (only_p)
            qc_fpscr_text(op, sizeof op, only_p);
        fprintf(out, "%s         set only by qemu: [%s]  only by ppcrr: [%s]\n", prefix,
                only_q ? strchr(oq, ' ') ? strchr(oq, ' ') + 1 : oq : "",
                only_p ? strchr(op, ' ') ? strchr(op, ' ') + 1 : op : "");
        n++;
    }
    if ((q->vscr ^ p->vscr) & QC_VSCR_BITS) {
        fprintf(out, "%s  vscr: qemu NJ=%u SAT=%u  ppcrr NJ=%u SAT=%u\n", prefix,
                !!(q->vscr & QC_VSCR_NJ), !!(q->vscr & QC_VSCR_SAT), !!(p->vscr & QC_VSCR_NJ),
                !!(p->vscr & QC_VSCR_SAT));
        n++;
    }
    if ((uint32_t)q->vrsave != (uint32_t)p->vrsave) {
        fprintf(out, "%s  vrsave: qemu 0x%08x  ppcrr 0x%08x\n", prefix, (uint32_t)q->vrsave,
                (uint32_t)p->vrsave);
        n++;
    }
    return n;
}

/* Where execution stopped, as "word 5" or an address. */
static void describe_stop(char *buf, size_t len, const struct qc_case *c, uint64_t nip)
{
    uint64_t index = (nip - c->code_addr) / 4;
    if (nip >= c->code_addr && !(nip & 3) && index <= QC_MAX_WORDS)
        snprintf(buf, len, "word %" PRIu64, index);
    else
        snprintf(buf, len, "0x%" PRIx64, nip);
}

static unsigned print_data_differences(FILE *out, const char *prefix,
                                       const struct qc_result *q, const struct qc_result *p)
{
    unsigned lines = 0;
    for (unsigned at = 0; at < QC_DATA_SIZE; at += 8) {
        if (!memcmp(q->data + at, p->data + at, 8))
            continue;
        if (lines++ == 8) {
            fprintf(out, "%s  (more data differences)\n", prefix);
            break;
        }
        uint64_t qv, pv;
        memcpy(&qv, q->data + at, 8);
        memcpy(&pv, p->data + at, 8);
        fprintf(out, "%s  data+0x%03x: qemu %016" PRIx64 "  ppcrr %016" PRIx64 "  (LE doublewords)\n",
                prefix, at, qv, pv);
    }
    return lines;
}

unsigned qc_print_differences(FILE *out, const char *prefix, const struct qc_case *c,
                              const struct qc_result *q, const struct qc_result *p)
{
    unsigned n = 0;
    char qs[40], ps[40];
    describe_stop(qs, sizeof qs, c, q->nip);
    describe_stop(ps, sizeof ps, c, p->nip);
    if (q->signo != p->signo || q->nip != p->nip) {
        fprintf(out, "%s  stop: qemu %s at %s, ppcrr %s at %s\n", prefix,
                qc_signal_name(q->signo), qs, qc_signal_name(p->signo), ps);
        n++;
    }
    for (unsigned i = 0; i < 32; i++)
        if (q->regs.gpr[i] != p->regs.gpr[i]) {
            fprintf(out, "%s  r%-2u:  qemu 0x%016" PRIx64 "  ppcrr 0x%016" PRIx64 "\n", prefix, i,
                    q->regs.gpr[i], p->regs.gpr[i]);
            n++;
        }
    const struct {
        const char *name;
        uint64_t q, p, mask;
    } sprs[] = {
        { "cr", q->regs.cr, p->regs.cr, 0xffffffffull },
        { "xer", q->regs.xer, p->regs.xer, QC_XER_COMPARED },
        { "lr", q->regs.lr, p->regs.lr, ~0ull },
        { "ctr", q->regs.ctr, p->regs.ctr, ~0ull },
        { "tar", q->regs.tar, p->regs.tar, ~0ull },
    };
    for (size_t i = 0; i < sizeof sprs / sizeof sprs[0]; i++)
        if ((sprs[i].q ^ sprs[i].p) & sprs[i].mask) {
            fprintf(out, "%s  %-4s: qemu 0x%016" PRIx64 "  ppcrr 0x%016" PRIx64 "\n", prefix,
                    sprs[i].name, sprs[i].q & sprs[i].mask, sprs[i].p & sprs[i].mask);
            n++;
        }
    n += print_vector_differences(out, prefix, &q->regs, &p->regs);
    return n + print_data_differences(out, prefix, q, p);
}
