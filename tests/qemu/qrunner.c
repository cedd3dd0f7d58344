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
 * CR, XER, LR, CTR, next instruction = the code, and the FP/VMX/VSX state
 * below) and returns. The case ends with another signal -- the trap at the
 * stop word, or whatever the sequence itself raised (SIGILL, SIGSEGV,
 * SIGBUS, SIGTRAP) -- and the handler copies the context out and puts the
 * runner's own saved registers back, resuming after the first trap. So
 * generated code may write every register, r1, r2 and r13 included. The
 * handler runs on an alternate stack and touches no thread-local storage
 * (r13 is the guest's then), and the runner is built without the stack
 * protector, which reads through r13. TAR is not in a signal context, so it
 * is set before the first trap and read inside the second handler.
 *
 * The vector and floating-point state, in the ppc64 Linux signal context
 * (asm/sigcontext.h): fp_regs[0..31] are the FPRs (doubleword 0 of VSR
 * 0-31) and fp_regs[32] is the FPSCR; v_regs points to 34 quadwords, VR
 * 0-31 as 16-byte little-endian images (the low doubleword first), VSCR in
 * quadword 32 and VRSAVE in the first word of quadword 33; right after them
 * come 32 doublewords, doubleword 1 of VSR 0-31. The kernel restores the
 * VMX and VSX parts only when the saved MSR has VEC and VSX set, so the
 * handler sets FP, VEC and VSX there; QEMU 7.2 linux-user restores them
 * whatever the MSR says, but it neither saves nor restores VSCR (its
 * linux-user/ppc/signal.c has no VSCR) and leaves it alone across signal
 * delivery, so the runner sets VSCR with mtvscr before the first trap and
 * reads it with mfvscr in the second handler, as it does TAR (it also
 * writes it to the frame, where the kernel would look). This layout was
 * checked under qemu-ppc64le with mfvsrd/xxpermdi/mfvscr/mffs/mfspr
 * reading back a known state. The handler leaves FPSCR 0 while it runs (QEMU clears it for
 * the handler) and uses no floating point.
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
#define MSR_FP_BIT (1ul << 13)
#define MSR_VEC_BIT (1ul << 25)
#define MSR_VSX_BIT (1ul << 23)
_Static_assert(PT_NIP == 32 && PT_MSR == 33 && PT_CTR == 35 && PT_LNK == 36 && PT_XER == 37 && PT_CCR == 38,
               "pt_regs layout");

enum phase { PHASE_IDLE, PHASE_ENTER, PHASE_RUNNING };

static volatile int phase;
static const struct qc_case *current;
static struct qc_result *result;
static unsigned long saved[PT_CCR + 1];     /* the runner's context at its own trap */
static uint64_t saved_fp[33];                /* ... its FPRs and FPSCR */
static uint64_t saved_vec[34 * 2 + 32];      /* ... its VRs, VSCR, VRSAVE, VSX halves */
static uint32_t vscr_word[4] __attribute__((aligned(16)));
static uint8_t alt_stack[1 << 16];

static void die(const char *msg)
{
    /* write(2) only: we may be in a signal handler with guest r13. */
    size_t n = strlen(msg);
    if (write(2, msg, n) < 0 || write(2, "\n", 1) < 0)
        _exit(3);
    _exit(2);
}

/* The frame's vector area: 34 quadwords (VR 0-31, VSCR, VRSAVE) as pairs of
 * little-endian doublewords, then doubleword 1 of VSR 0-31. */
#define VEC_VSX_LOW (34 * 2)

static uint64_t *vector_area(mcontext_t *mc)
{
    uint64_t *v = (uint64_t *)mc->v_regs;
    if (!v)
        die("qrunner: the signal context has no vector area");
    return v;
}

static void enter_case(mcontext_t *mc)
{
    unsigned long *gp = mc->gp_regs;
    uint64_t *fp = (uint64_t *)mc->fp_regs, *v = vector_area(mc);
    memcpy(saved, gp, sizeof saved);
    memcpy(saved_fp, fp, sizeof saved_fp);
    memcpy(saved_vec, v, sizeof saved_vec);
    const struct qc_regs *r = &current->regs;
    for (int i = 0; i < 32; i++)
        gp[i] = r->gpr[i];
    gp[PT_CCR] = r->cr;
    gp[PT_XER] = r->xer;
    gp[PT_LNK] = r->lr;
    gp[PT_CTR] = r->ctr;
    gp[PT_NIP] = current->code_addr;
    gp[PT_MSR] |= MSR_FP_BIT | MSR_VEC_BIT | MSR_VSX_BIT;
    for (int i = 0; i < 32; i++) {
        fp[i] = r->vsr[2 * i];                  /* FPR i: doubleword 0 of VSR i */
        v[VEC_VSX_LOW + i] = r->vsr[2 * i + 1];
        v[2 * i] = r->vsr[2 * (32 + i) + 1];    /* VR i: low doubleword first */
        v[2 * i + 1] = r->vsr[2 * (32 + i)];
    }
    fp[32] = r->fpscr;
    v[2 * 32] = r->vscr;                         /* what the kernel would read */
    v[2 * 32 + 1] = 0;
    v[2 * 33] = (uint32_t)r->vrsave;
    v[2 * 33 + 1] = 0;
    phase = PHASE_RUNNING;
}

static void leave_case(mcontext_t *mc, int signo)
{
    unsigned long *gp = mc->gp_regs;
    uint64_t *fp = (uint64_t *)mc->fp_regs, *v = vector_area(mc);
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
    for (int i = 0; i < 32; i++) {
        r->vsr[2 * i] = fp[i];
        r->vsr[2 * i + 1] = v[VEC_VSX_LOW + i];
        r->vsr[2 * (32 + i) + 1] = v[2 * i];
        r->vsr[2 * (32 + i)] = v[2 * i + 1];
    }
    r->fpscr = fp[32];
    r->vrsave = (uint32_t)v[2 * 33];
    unsigned long tar;
    __asm__ volatile("mfspr %0,815" : "=r"(tar));
    r->tar = tar;
    /* mfvscr puts VSCR in word 3, which stvx stores first in LE mode; the
     * other words are 0, so OR them rather than pick one. */
    __asm__ volatile("mfvscr 0\n\tstvx 0,0,%0" : : "r"(vscr_word) : "v0", "memory");
    r->vscr = vscr_word[0] | vscr_word[1] | vscr_word[2] | vscr_word[3];
    memcpy(gp, saved, sizeof saved);
    memcpy(fp, saved_fp, sizeof saved_fp);
    memcpy(v, saved_vec, sizeof saved_vec);
    gp[PT_NIP] += 4;                          /* past the runner's trap */
    phase = PHASE_IDLE;
}

static void on_signal(int signo, siginfo_t *info, void *ctx)
{
    (void)info;
    mcontext_t *mc = &((ucontext_t *)ctx)->uc_mcontext;
    if (phase == PHASE_ENTER && signo == SIGTRAP)
        enter_case(mc);
    else if (phase == PHASE_RUNNING)
        leave_case(mc, signo);
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

/* QEMU 7.2 restores the FPSCR from the frame as a plain value: its
 * softfloat rounding mode stays whatever the last FPSCR instruction set.
 * So the case's RN is set with mtfsfi before the first trap (the field
 * also holds NI, which cases leave 0); only mtfsfi, since an mtfsf of the
 * whole FPSCR could raise an enabled exception in the runner. */
static void set_rounding_mode(unsigned rn)
{
    switch (rn) {
    case 0: __asm__ volatile("mtfsfi 7,0"); break;
    case 1: __asm__ volatile("mtfsfi 7,1"); break;
    case 2: __asm__ volatile("mtfsfi 7,2"); break;
    default: __asm__ volatile("mtfsfi 7,3"); break;
    }
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
     * from the previous case: TAR is set from the case, PPR (which cases
     * may write) to 0, as ppcrr starts it; VRSAVE comes from the frame, but
     * the frame's copy is 32 bits and QEMU keeps 64, so clear it first. No reservation
     * may survive either: a stwcx. drops it whether or not it stores. */
    __asm__ volatile("mtspr 815,%0\n\t"
                     "mtspr 256,%1\n\t"
                     "mtspr 896,%1\n\t"
                     "stwcx. %1,0,%2"
                     : : "r"(tar), "r"(0ul), "r"(&scratch) : "cr0", "memory");
    /* VSCR does not travel in the signal frame (see the top): set it here;
     * nothing between here and the case touches it. */
    for (int i = 0; i < 4; i++)
        vscr_word[i] = (uint32_t)c->regs.vscr;
    __asm__ volatile("lvx 0,0,%0\n\tmtvscr 0" : : "r"(vscr_word) : "v0", "memory");
    set_rounding_mode((unsigned)c->regs.fpscr & 3);
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
