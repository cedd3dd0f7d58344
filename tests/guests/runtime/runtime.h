/*
 * The guest runtime: what every test guest under tests/guests links with.
 * A guest is one .c file with `int main(void)`; the runtime boots it (see
 * start.S: big-endian entry, switch to little-endian, H_SET_MODE(LE)),
 * finds the console and RTAS in the device tree, runs main, prints the
 * TAP plan and powers the machine off through RTAS. Everything is
 * freestanding, integer-only, real mode, one CPU.
 *
 *   hcall      sc 1 with up to 8 arguments and 9 results
 *   console    H_PUT_TERM_CHAR/H_GET_TERM_CHAR on the first vty
 *   fdt        a minimal flattened-device-tree reader
 *   rtas       calls through KVMPPC_H_RTAS, tokens from /rtas
 *   exceptions a C handler for every vector; tests arm expectations
 *   tap        "ok N - ..." lines, the plan, Bail out!
 *   libc-lite  mem*, str*, a small printf
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm.h"

/* ---- boot ---- */

struct boot_info {
    const void *fdt;          /* r3 at entry */
    uint64_t r4;              /* ppcrr -kernel: the kernel base; QEMU -bios: 0 */
    uint64_t entry_msr;       /* the MSR at entry (0 if entered little-endian) */
    long set_mode_rc;         /* what H_SET_MODE(LE) returned at boot */
};
extern struct boot_info boot;

int main(void);

/* Powers off through RTAS (after printing the TAP plan if the guest has
 * not); never returns. */
__attribute__((noreturn)) void rt_exit(void);
/* Stops everything: prints "Bail out! ..." and powers off. */
__attribute__((noreturn, format(printf, 1, 2))) void rt_panic(const char *fmt, ...);

/* ---- hypercalls (PAPR numbers and return codes) ---- */

#define H_SUCCESS 0
#define H_BUSY 1
#define H_HARDWARE (-1)
#define H_FUNCTION (-2)
#define H_PRIVILEGE (-3)
#define H_PARAMETER (-4)
#define H_P2 (-55)
#define H_P3 (-56)
#define H_P4 (-57)
#define H_UNSUPPORTED_FLAG (-256)

#define H_SET_SPRG0 0x24
#define H_PAGE_INIT 0x2c
#define H_LOGICAL_CI_LOAD 0x3c
#define H_LOGICAL_CI_STORE 0x40
#define H_GET_TERM_CHAR 0x54
#define H_PUT_TERM_CHAR 0x58
#define H_CEDE 0xe0
#define KVMPPC_H_RTAS 0xf000

#define H_SET_MODE_RESOURCE_LE 4

/* H_PAGE_INIT flags. */
#define H_ICACHE_INVALIDATE (1ul << (63 - 40))
#define H_ICACHE_SYNCHRONIZE (1ul << (63 - 41))
#define H_COPY_PAGE 0x4000ul
#define H_ZERO_PAGE 0x8000ul

/* r3 = opcode, r4..r11 = a[0..7]; returns r3, ret[0..8] = r4..r12 if ret. */
long hcall(unsigned long opcode, unsigned long *ret, unsigned long a0, unsigned long a1,
           unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5,
           unsigned long a6, unsigned long a7);
#define hcall0(op) hcall((op), 0, 0, 0, 0, 0, 0, 0, 0, 0)
#define hcall1(op, a) hcall((op), 0, (a), 0, 0, 0, 0, 0, 0, 0)
#define hcall2(op, a, b) hcall((op), 0, (a), (b), 0, 0, 0, 0, 0, 0)
#define hcall3(op, a, b, c) hcall((op), 0, (a), (b), (c), 0, 0, 0, 0, 0)
#define hcall4(op, a, b, c, d) hcall((op), 0, (a), (b), (c), (d), 0, 0, 0, 0)

/* ---- console ---- */

extern unsigned long console_reg;      /* the vty's unit address */
void console_init(void);
void console_write(const char *s, size_t len);
void console_puts(const char *s);      /* no newline added */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ---- device tree (offsets as libfdt's: a node is the offset of its
 * FDT_BEGIN_NODE in the structure block; negative = not found) ---- */

bool fdt_valid(const void *fdt);
uint32_t fdt_totalsize(const void *fdt);
int fdt_path(const void *fdt, const char *path);
int fdt_first_child(const void *fdt, int node);
int fdt_next_sibling(const void *fdt, int node);
/* The next node after START (depth-first, -1 = from the root) whose
 * compatible list holds COMPAT. */
int fdt_find_compatible(const void *fdt, int start, const char *compat);
const char *fdt_name(const void *fdt, int node);
const void *fdt_prop(const void *fdt, int node, const char *name, int *len);
bool fdt_prop_u32(const void *fdt, int node, const char *name, uint32_t *out);
bool fdt_prop_u64(const void *fdt, int node, const char *name, uint64_t *out);
bool fdt_is_compatible(const void *fdt, int node, const char *compat);
static inline uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
static inline uint64_t be64(const void *p)
{
    return (uint64_t)be32(p) << 32 | be32((const uint8_t *)p + 4);
}

/* ---- RTAS ---- */

#define RTAS_OUT_SUCCESS 0
#define RTAS_OUT_HW_ERROR (-1)
#define RTAS_OUT_PARAM_ERROR (-3)

/* The token of /rtas property NAME, or 0 (RTAS tokens are never 0 on
 * either machine). */
uint32_t rtas_token(const char *name);
/* One call: args and rets are host-order words (the block in memory is
 * big-endian). Returns the hcall's return code; rets[0] is the status. */
long rtas_call(uint32_t token, int nargs, int nret, const uint32_t *args, uint32_t *rets);
/* By name; the status (rets[0]) or -100 if the token is missing. */
int rtas_call_named(const char *name, int nargs, int nret, const uint32_t *args, uint32_t *rets);

/* ---- SMP (runtime/smp.c) ---- */

/* The vCPUs of /cpus: their ids (the `reg` RTAS start-cpu takes), in
 * device-tree order, and the boot CPU's (the FDT header's
 * boot_cpuid_phys). smp_cpus() fills ids (up to max) and returns the count. */
int smp_cpus(uint32_t *ids, int max);
uint32_t smp_boot_id(void);
/* Where RTAS start-cpu sends a secondary: it runs rt_secondary_fn(r3) on
 * stack slot r3 & 0xff (< RT_MAX_CPUS - 1), then RTAS stop-self. */
extern void rt_secondary_start(void);
extern void (*volatile rt_secondary_fn)(unsigned long arg);
/* start-cpu of ID at rt_secondary_start with r3 = ARG: the RTAS status. */
int smp_start_cpu(uint32_t id, unsigned long arg);
/* query-cpu-stopped-state: the status; *state = rets[1]. */
int smp_query_cpu(uint32_t id, uint32_t *state);
/* Polls query-cpu-stopped-state until vCPU ID reports stopped (a bounded
 * number of times); false if it never does. */
bool smp_wait_stopped(uint32_t id);
/* RTAS stop-self on a private argument block (safe on any CPU). */
void smp_stop_self(void);
/* Atomics (lwarx/stwcx.): returns the new value / the old value. */
uint32_t atomic_add(volatile uint32_t *p, uint32_t v);
uint32_t atomic_cmpxchg(volatile uint32_t *p, uint32_t old, uint32_t new_);
void spin_lock(volatile uint32_t *l);
void spin_unlock(volatile uint32_t *l);
static inline void smp_mb(void) { __asm__ volatile("sync" ::: "memory"); }

/* ---- interrupts ---- */

struct exc_frame {
    uint64_t gpr[32];
    uint64_t cr, lr, ctr, xer;
    uint64_t srr0, srr1, dar, dsisr;
    uint64_t vector;
    uint64_t pad;
};

/* A handler for one vector; it may change f (srr0 to skip, srr1, gprs). */
typedef void (*exc_handler_fn)(struct exc_frame *f);
void exc_set_handler(unsigned vector, exc_handler_fn fn);

/*
 * Expectations, for tests that provoke one interrupt: exc_expect(v) arms,
 * the next interrupt at v is recorded in exc_last (a copy of the frame as
 * taken) and resumed at SRR0 + 4 (skip the instruction) unless the vector
 * reports the next instruction itself (system call, decrementer, external:
 * resumed at SRR0). One taken in problem state ends the user_call instead,
 * which returns USER_FAULTED. exc_taken() says whether it happened and
 * disarms.
 */
void exc_expect(unsigned vector);
bool exc_taken(void);
/* For interrupts nothing expects or handles: FN may deal with one (and
 * return true) instead of the Bail out!. */
void exc_set_stray(bool (*fn)(struct exc_frame *f));
/* A stray handler for the MMU guests: a DSI or data segment interrupt in
 * supervisor state is counted, shown on a '#' line and stepped over (the
 * access's result is then wrong, which its check reports), an ISI or
 * instruction segment interrupt outside the image returns to LR;
 * everything else still bails out. mmu_strays() is the count, for a
 * final check. */
bool mmu_stray(struct exc_frame *f);
unsigned mmu_strays(void);
extern struct exc_frame exc_last;
extern unsigned exc_count;             /* interrupts taken so far, all vectors */

/* ---- hash MMU (runtime/mmu.c) ---- */

#define H_REMOVE 0x04
#define H_ENTER 0x08
#define H_READ 0x0c
#define H_CLEAR_MOD 0x10
#define H_CLEAR_REF 0x14
#define H_PROTECT 0x18
#define H_BULK_REMOVE 0x124
#define H_NOT_FOUND (-7)
#define H_PTEG_FULL (-6)

/* Page-table hcall flags (PAPR bit n = 1 << (63 - n), as Linux's hvcall.h). */
#define H_EXACT (1ul << (63 - 24))      /* H_ENTER: this slot or H_PTEG_FULL */
#define H_READ_4 (1ul << (63 - 26))     /* H_READ: four entries from ptex & ~3 */
#define H_AVPN (1ul << (63 - 32))       /* H_REMOVE/H_PROTECT: dword 0 must match */
#define H_ANDCOND (1ul << (63 - 33))    /* H_REMOVE: (dword 0 & avpn) must be 0 */
/* H_PROTECT's flags carry the new N and PP where the HPTE has them. */

/* H_BULK_REMOVE translation specifiers (high word; the low one is the AVPN). */
#define HBR_TYPE 0xc000000000000000ul
#define HBR_REQUEST 0x4000000000000000ul
#define HBR_RESPONSE 0x8000000000000000ul
#define HBR_END 0xc000000000000000ul
#define HBR_CODE 0x3000000000000000ul     /* 0 done, 1 not found, 2 parameter, 3 hardware */
#define HBR_NOT_FOUND 0x1000000000000000ul
#define HBR_RC 0x0c00000000000000ul       /* R, C of the removed entry */
#define HBR_AVPN 0x0200000000000000ul
#define HBR_ANDCOND 0x0100000000000000ul
#define HBR_PTEX 0x00fffffffffffffful

/* HPTE dword 0 and dword 1 (ISA 2.07 5.7.7.1). */
#define HPTE_V_1T (1ul << 62)       /* B = 01: a 1 TiB segment's entry */
#define HPTE_V_AVPN_SHIFT 7
#define HPTE_V_BOLTED 0x10ul        /* a software bit PAPR gives the OS */
#define HPTE_V_SW 0x78ul            /* software bits: hypervisors keep marks there */
#define HPTE_V_LARGE 0x4ul
#define HPTE_V_SECONDARY 0x2ul
#define HPTE_V_VALID 0x1ul
#define HPTE_R_R 0x100ul
#define HPTE_R_C 0x80ul
#define HPTE_R_M 0x10ul
#define HPTE_R_G 0x8ul
#define HPTE_R_N 0x4ul
#define HPTE_R_PP 0x3ul
/* PP (PP0 = 0) and the access it gives with key 0 / key 1 (ISA 5.7.8.2). */
#define HPTE_R_PP_NONE_K1 0x0ul     /* key 0 read/write, key 1 no access */
#define HPTE_R_PP_RO_K1 0x1ul       /* key 0 read/write, key 1 read-only */
#define HPTE_R_PP_RW 0x2ul          /* read/write for both */
#define HPTE_R_PP_RO 0x3ul          /* read-only for both */

/* SLB (slbmte RS and RB; slbie RB). */
#define SLB_ESID_V 0x8000000ul
#define SLB_VSID_SHIFT 12
#define SLB_VSID_SHIFT_1T 24
#define SLB_VSID_B_1T (1ul << 62)
#define SLBIE_B_1T (1ul << 25)      /* slbie RB bits 37:38 = B */
#define SLB_VSID_KS 0x800ul
#define SLB_VSID_KP 0x400ul
#define SLB_VSID_N 0x200ul

/* DSISR and SRR1 bits of storage interrupts (ISA 2.07 6.5.3, 6.5.4). */
#define DSISR_NOPTE 0x40000000ul        /* bit 33: no translation */
#define DSISR_PROT 0x08000000ul         /* bit 36: protection */
#define DSISR_STORE 0x02000000ul        /* bit 38: a store */
#define SRR1_ISI_NOPTE 0x40000000ul     /* bit 33 */
#define SRR1_ISI_NOEXEC 0x10000000ul    /* bit 35: N, G or a no-execute segment */
#define SRR1_ISI_PROT 0x08000000ul      /* bit 36 */
#define SRR1_ISI_BITS 0x58000000ul

/* One page mapping: the HPTE as built and where H_ENTER put it. */
struct mmu_map {
    uint64_t ea, vsid, pa;
    unsigned shift;           /* 12, 16, 24: the page and segment base size */
    bool seg_1t;              /* in a 1 TiB segment (else 256 MiB) */
    uint64_t v, r;            /* the HPTE given to H_ENTER */
    uint64_t group;           /* the primary PTEG */
    unsigned long ptex;       /* the slot H_ENTER returned */
};

unsigned mmu_htab_shift(void);
/* The SLB and HPTE encodings of SHIFT-sized pages in SHIFT-based segments,
 * if ibm,segment-page-sizes advertises them. */
bool mmu_page_size(unsigned shift, uint64_t *slb_enc, uint64_t *pte_enc);
uint64_t mmu_ram_size(void);                  /* /memory@0's size, 0 if none */
uint64_t mmu_group(uint64_t vsid, uint64_t ea, unsigned shift);
uint64_t mmu_group_1t(uint64_t vsid, uint64_t ea, unsigned shift);
/* Builds the HPTE (M is added to RBITS) for a page in a 256 MiB segment
 * (mmu_hpte) or a 1 TiB one (mmu_hpte_1t); false if the size is not
 * advertised. */
bool mmu_hpte(struct mmu_map *m, uint64_t vsid, uint64_t ea, uint64_t pa, unsigned shift,
              uint64_t rbits);
bool mmu_hpte_1t(struct mmu_map *m, uint64_t vsid, uint64_t ea, uint64_t pa, unsigned shift,
                 uint64_t rbits);
/* H_ENTER into the primary group, then the secondary one if full. */
long mmu_enter(struct mmu_map *m);
long mmu_map(struct mmu_map *m, uint64_t vsid, uint64_t ea, uint64_t pa, unsigned shift,
             uint64_t rbits);
long mmu_remove(struct mmu_map *m);           /* H_REMOVE with H_AVPN */
long mmu_read(unsigned long ptex, uint64_t *v, uint64_t *r);
/* slbmte of a 256 MiB segment (flags: Ks, Kp, N, L||LP) into INDEX (> 0:
 * entry 0 is the image's), after slbie of what it replaces. */
void mmu_slb_set(unsigned index, uint64_t ea, uint64_t vsid, uint64_t flags);
void mmu_slb_set_1t(unsigned index, uint64_t ea, uint64_t vsid, uint64_t flags);
void mmu_slb_clear(uint64_t ea);              /* slbie; isync */
void mmu_slb_clear_1t(uint64_t ea);
/* dcbst, sync, icbi, isync over [addr, addr + len). */
void mmu_sync_icache(uint64_t addr, size_t len);
/* Why the MMU checks cannot run (H_ENTER is not implemented), or NULL. */
const char *mmu_missing(void);
/* Runs fn(a, b) in supervisor state with MSR[IR|DR] = 1 (the image mapped
 * one to one) and returns its result, or USER_NO_MMU. */
long virt_call(long (*fn)(long, long), long a, long b);
void mmu_real_mode(void);                     /* IR = DR = 0 if supervisor */

/* Runs fn(arg) in problem state (with the identity mapping below and the
 * decrementer pushed far away, since problem state has MSR[EE] = 1) and
 * returns its result, USER_FAULTED (see exc_expect) or USER_NO_MMU (the
 * memory could not be mapped: H_ENTER failed). */
#define USER_FAULTED (-4242l)
#define USER_NO_MMU (-4343l)
long user_call(long (*fn)(long), long arg);
long user_call_asm(long (*fn)(long), long arg);
/* One SLB entry and H_ENTERed 4 KiB pages: the image and the stacks mapped
 * one to one, for problem state. H_SUCCESS or H_ENTER's error. */
long mmu_map_identity(void);
extern void user_exit_sc(void);
extern void user_resume(void);
extern uint64_t user_ctx[USER_CTX_SIZE / 8];

/* ---- SPRs and MSR ---- */

#define mfspr(n) ({ uint64_t v_; __asm__ volatile("mfspr %0, %1" : "=r"(v_) : "i"(n)); v_; })
#define mtspr(n, v) __asm__ volatile("mtspr %0, %1" : : "i"(n), "r"((uint64_t)(v)) : "memory")
static inline uint64_t mfmsr(void)
{
    uint64_t v;
    __asm__ volatile("mfmsr %0" : "=r"(v));
    return v;
}
static inline void mtmsrd(uint64_t v)
{
    __asm__ volatile("mtmsrd %0" : : "r"(v) : "memory");
}
static inline uint64_t mftb(void)
{
    uint64_t v;
    __asm__ volatile("mftb %0" : "=r"(v));
    return v;
}
/* The timebase frequency from /cpus/<cpu>, 512 MHz if absent. */
uint64_t timebase_freq(void);

/* ---- TAP ---- */

bool tap_ok(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Checks got == want; on failure prints both (signed decimal and hex). */
bool tap_is(int64_t got, int64_t want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tap_skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Between these, every check is reported as skipped with WHY: for checks
 * that need something the emulator under test does not have (yet), which
 * must not pass silently nor fail the guest. */
void tap_skip_begin(const char *why);
void tap_skip_end(void);
/* Why problem-state checks cannot run, or NULL when they can: the identity
 * mapping for problem state needs H_ENTER (the hash MMU). */
const char *user_mode_missing(void);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan; rt_exit calls it if the guest did not. */
void tap_done(void);
int tap_failures(void);

/* ---- libc-lite ---- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif
