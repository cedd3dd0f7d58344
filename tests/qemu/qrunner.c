/*
 * The QEMU side of the differential test: a static ppc64le Linux program,
 * run as `qemu-ppc64le -cpu power8 qrunner CASES RESULTS [FIRST]`. For
 * each case from index FIRST on (default 0)
 * (qcase.h) it places the instruction words in the case's code slot (with
 * the trap word at the stop position), fills the data area, loads the whole
 * initial register state, runs the words, and writes the final state and
 * the data area.
 *
 * Loading and capturing registers goes through signal contexts rather than
 * hand-written prologue code: the runner executes a trap, and the SIGTRAP
 * handler swaps the interrupted context for the case's state (all 32 GPRs,
 * CR, XER, LR, CTR, next instruction = the code) and returns. The case ends
 * with another signal -- the trap at the stop word, or whatever the
 * sequence itself raised (SIGILL, SIGSEGV, SIGBUS, SIGTRAP) -- and the
 * handler copies the context out and puts the runner's own saved registers
 * back, resuming after the first trap. So generated code may write every
 * register, r1, r2 and r13 included. The handler runs on an alternate stack
 * and touches no thread-local storage (r13 is the guest's then), and the
 * runner is built without the stack protector, which reads through r13.
 * TAR is not in a signal context, so it is set before the first trap and
 * read inside the second handler.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "qcase.h"

/* Indexes into mcontext gp_regs: <signal.h> brings the kernel's PT_*
 * names for the struct pt_regs order. */
_Static_assert(PT_NIP == 32 && PT_CTR == 35 && PT_LNK == 36 && PT_XER == 37 && PT_CCR == 38,
               "pt_regs layout");

enum phase { PHASE_IDLE, PHASE_ENTER, PHASE_RUNNING };

static volatile int phase;
static const struct qc_case *current;
static struct qc_result *result;
static unsigned long saved[PT_CCR + 1];     /* the runner's context at its own trap */
static uint8_t alt_stack[1 << 16];

static void die(const char *msg)
{
    /* write(2) only: we may be in a signal handler with guest r13. */
    size_t n = strlen(msg);
    if (write(2, msg, n) < 0 || write(2, "\n", 1) < 0)
        _exit(3);
    _exit(2);
}

static void enter_case(unsigned long *gp)
{
    memcpy(saved, gp, sizeof saved);
    const struct qc_regs *r = &current->regs;
    for (int i = 0; i < 32; i++)
        gp[i] = r->gpr[i];
    gp[PT_CCR] = r->cr;
    gp[PT_XER] = r->xer;
    gp[PT_LNK] = r->lr;
    gp[PT_CTR] = r->ctr;
    gp[PT_NIP] = current->code_addr;
    phase = PHASE_RUNNING;
}

static void leave_case(unsigned long *gp, int signo)
{
    struct qc_regs *r = &result->regs;
    uint64_t nip = gp[PT_NIP];
    uint64_t stop_at = current->code_addr + 4ull * current->stop;
    result->id = current->id;
    result->signo = (signo == SIGTRAP && nip == stop_at) ? 0 : signo;
    result->nip = nip;
    for (int i = 0; i < 32; i++)
        r->gpr[i] = gp[i];
    r->cr = gp[PT_CCR];
    r->xer = gp[PT_XER];
    r->lr = gp[PT_LNK];
    r->ctr = gp[PT_CTR];
    unsigned long tar;
    __asm__ volatile("mfspr %0,815" : "=r"(tar));
    r->tar = tar;
    memcpy(gp, saved, sizeof saved);
    gp[PT_NIP] += 4;                          /* past the runner's trap */
    phase = PHASE_IDLE;
}

static void on_signal(int signo, siginfo_t *info, void *ctx)
{
    (void)info;
    unsigned long *gp = ((ucontext_t *)ctx)->uc_mcontext.gp_regs;
    if (phase == PHASE_ENTER && signo == SIGTRAP)
        enter_case(gp);
    else if (phase == PHASE_RUNNING)
        leave_case(gp, signo);
    else if (signo == SIGALRM)
        die("qrunner: timed out outside a test case");
    else
        die("qrunner: unexpected signal in the runner itself");
}

/* A case that loops (it cannot, with forward-only branches, unless the
 * generator is wrong) is stopped by the alarm and recorded as SIGALRM. */
static void install_handlers(void)
{
    stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
    if (sigaltstack(&ss, NULL) < 0)
        die("qrunner: sigaltstack failed");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    const int sigs[] = { SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV, SIGALRM };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) < 0)
            die("qrunner: sigaction failed");
}

static void map_fixed(uint64_t addr, uint64_t size, int prot)
{
    void *p = mmap((void *)addr, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED || (uint64_t)p != addr)
        die("qrunner: cannot map the code or data area at its fixed address");
}

static void run_case(const struct qc_case *c, struct qc_result *r)
{
    uint32_t *code = (uint32_t *)c->code_addr;
    for (unsigned i = 0; i < QC_MAX_WORDS; i++)
        code[i] = QC_TRAP_WORD;
    for (unsigned i = 0; i < c->stop && i < c->nwords; i++)
        code[i] = c->words[i];
    __builtin___clear_cache((char *)code, (char *)(code + QC_MAX_WORDS));
    qc_fill_data((uint8_t *)QC_DATA_ADDR, c->data_seed);

    current = c;
    result = r;
    memset(r, 0, sizeof *r);
    unsigned long tar = c->regs.tar, scratch = 0;
    /* State that is not in a signal context would otherwise carry over
     * from the previous case: TAR is set from the case, VRSAVE and PPR
     * (which cases may write) to 0, as ppcrr starts them. No reservation
     * may survive either: a stwcx. drops it whether or not it stores. */
    __asm__ volatile("mtspr 815,%0\n\t"
                     "mtspr 256,%1\n\t"
                     "mtspr 896,%1\n\t"
                     "stwcx. %1,0,%2"
                     : : "r"(tar), "r"(0ul), "r"(&scratch) : "cr0", "memory");
    alarm(5);
    phase = PHASE_ENTER;
    __asm__ volatile("tw 31,0,0" : : : "memory");
    alarm(0);
    if (phase != PHASE_IDLE)
        die("qrunner: the case did not come back through the signal handler");
    memcpy(r->data, (const void *)QC_DATA_ADDR, QC_DATA_SIZE);
}

static void *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: qemu-ppc64le -cpu power8 %s CASES RESULTS [FIRST]\n", argv[0]);
        return 2;
    }
    /* FIRST lets the comparator carry on after a case that made QEMU
     * itself abort (it does on some interrupts linux-user cannot map). */
    uint32_t first = argc == 4 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0;
    size_t len;
    uint8_t *buf = read_all(argv[1], &len);
    const struct qc_header *h = (const void *)buf;
    if (!buf || len < sizeof *h || h->magic != QC_MAGIC_CASES ||
        h->record_size != sizeof(struct qc_case) ||
        len != sizeof *h + (size_t)h->count * sizeof(struct qc_case)) {
        fprintf(stderr, "qrunner: %s is not a case file of this version\n", argv[1]);
        return 2;
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        perror(argv[2]);
        return 2;
    }
    map_fixed(QC_CODE_BASE, QC_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
    map_fixed(QC_DATA_ADDR, QC_DATA_SIZE, PROT_READ | PROT_WRITE);
    install_handlers();

    uint32_t n = first < h->count ? h->count - first : 0;
    struct qc_header rh = { QC_MAGIC_RESULTS, n, sizeof(struct qc_result) };
    fwrite(&rh, sizeof rh, 1, out);
    const struct qc_case *cases = (const void *)(buf + sizeof *h);
    static struct qc_result r;
    for (uint32_t i = first; i < h->count; i++) {
        run_case(&cases[i], &r);
        /* Flushed per case, so the results before a QEMU abort survive. */
        if (fwrite(&r, sizeof r, 1, out) != 1 || fflush(out) != 0) {
            perror(argv[2]);
            return 2;
        }
    }
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 2;
    }
    free(buf);
    return 0;
}
