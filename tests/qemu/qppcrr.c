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
    cpu->msr[0] = MSR_SF | MSR_LE | MSR_PR | MSR_ME;
    cpu->fscr[0] = FSCR_TAR;
    memcpy(cpu->gpr, c->regs.gpr, sizeof cpu->gpr);
    cpu->cr[0] = c->regs.cr;
    cpu->xer[0] = c->regs.xer;
    cpu->lr[0] = c->regs.lr;
    cpu->ctr[0] = c->regs.ctr;
    cpu->tar[0] = c->regs.tar;
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
        cpu_run(cpu, 1);
        if (!(cpu->msr[0] & MSR_PR)) {     /* an interrupt was taken */
            r->signo = signal_for(cpu->nip[0], cpu->srr1[0]);
            cpu->nip[0] = cpu->srr0[0];
            break;
        }
    }
    r->nip = cpu->nip[0];
    memcpy(r->regs.gpr, cpu->gpr, sizeof r->regs.gpr);
    r->regs.cr = cpu->cr[0];
    r->regs.xer = cpu->xer[0];
    r->regs.lr = cpu->lr[0];
    r->regs.ctr = cpu->ctr[0];
    r->regs.tar = cpu->tar[0];
    memory_read(&m->mem, QC_DATA_ADDR, r->data, QC_DATA_SIZE);
}

bool qc_same(const struct qc_result *a, const struct qc_result *b)
{
    const struct qc_regs *x = &a->regs, *y = &b->regs;
    return a->signo == b->signo && a->nip == b->nip &&
           !memcmp(x->gpr, y->gpr, sizeof x->gpr) && (uint32_t)x->cr == (uint32_t)y->cr &&
           (x->xer & QC_XER_COMPARED) == (y->xer & QC_XER_COMPARED) && x->lr == y->lr &&
           x->ctr == y->ctr && x->tar == y->tar && !memcmp(a->data, b->data, QC_DATA_SIZE);
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
    return n + print_data_differences(out, prefix, q, p);
}
