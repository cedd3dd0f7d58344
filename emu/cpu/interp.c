/*
 * The interpreter: a cache of decoded instructions per guest RAM page, and
 * the run loop.
 *
 * Each slot of a page's cache holds the handler and the instruction word,
 * so the hot loop is "call d->fn(c, d->word), next slot" with no decoding
 * and no switch. A slot starts out (and goes back to) the decode stub,
 * which decodes the word from RAM the first time it runs and then runs
 * it. A store into a page with decoded code sends only the slots it
 * touched back to the stub, so data sharing a page with code costs a
 * little, not a re-decode of the page; a change of byte order resets the
 * whole page.
 *
 * Decoded pages are keyed by real address. With MSR[IR] on, the page to
 * run is found by translating NIP (the MMU's fetch TLB, emu/cpu/mmu.h), so
 * a remapped EA finds the other real page's code and code stored through
 * any mapping is re-decoded; anything that may change a translation makes
 * the loop translate again (c->leave_run).
 *
 * The loop runs until the budget or the next timer event, whichever is
 * first, so a decrementer interrupt is taken at an exact icount. Anything
 * that changes what is pending (mtmsr, mtspr DEC, rfid) sets c->leave_run
 * so the loop looks again.
 */
#include <stdlib.h>
#include <string.h>

#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/interp.h"
#include "emu/cpu/mem_access.h"

/* An invalid form (a reserved bit set) or an unknown word. */
static void insn_invalid_form(struct cpu *c, uint32_t insn)
{
    insn_illegal(c, insn);
}

static insn_fn handler_for(uint32_t word)
{
    const struct insn_def *d = decode_word(word);
    return !d ? insn_illegal : (word & d->reserved) ? insn_invalid_form : d->fn;
}

/* The slot's word, read from guest RAM in the page's byte order. */
static uint32_t slot_word(const struct cpu *c, unsigned k)
{
    uint32_t w;
    memcpy(&w, c->mem->ram + c->run_page_ra + 4 * k, 4);
    return c->run_page->little_endian ? w : __builtin_bswap32(w);
}

/* First execution of a slot (or the first since its word was stored to):
 * decode it, remember the result, run it. */
static void insn_decode_stub(struct cpu *c, uint32_t unused)
{
    (void)unused;
    unsigned k = (unsigned)(c->cia >> 2) & (INSNS_PER_PAGE - 1);
    struct decoded_insn *d = &c->run_page->insn[k];
    d->word = slot_word(c, k);
    d->fn = handler_for(d->word);
    d->fn(c, d->word);
}

void interp_resolve(struct cpu *c, struct decoded_insn *d)
{
    if (d->fn != insn_decode_stub)
        return;
    d->word = slot_word(c, (unsigned)(d - c->run_page->insn));
    d->fn = handler_for(d->word);
}

static void page_reset(struct decoded_page *p, bool le)
{
    for (unsigned k = 0; k < INSNS_PER_PAGE; k++)
        p->insn[k] = (struct decoded_insn){ insn_decode_stub, 0 };
    p->little_endian = le;
}

void cpu_code_written(struct cpu *c, uint64_t pa, uint64_t len)
{
    for (uint64_t a = pa & ~3ull; a < pa + len; a += 4) {
        struct decoded_page *p = c->decoded[a >> GUEST_PAGE_SHIFT];
        if (p)
            p->insn[(a >> 2) & (INSNS_PER_PAGE - 1)] = (struct decoded_insn){ insn_decode_stub, 0 };
    }
}

static void code_written_one(void *opaque, uint64_t pa, uint64_t len)
{
    cpu_code_written(opaque, pa, len);
}

void cpu_flush_decoded(struct cpu *c)
{
    uint64_t pages = c->mem->ram_size >> GUEST_PAGE_SHIFT;
    for (uint64_t p = 0; p < pages; p++)
        if (c->decoded[p])
            page_reset(c->decoded[p], c->decoded[p]->little_endian);
}

int interp_init(struct cpu *c)
{
    decode_init();
    c->decoded = calloc(c->mem->ram_size >> GUEST_PAGE_SHIFT, sizeof *c->decoded);
    if (!c->decoded)
        return -1;
    /* A lone vCPU watches memory itself; a machine with several installs
     * one watcher that tells them all (machine.c). */
    c->mem->code_written = code_written_one;
    c->mem->code_written_opaque = c;
    return 0;
}

void interp_destroy(struct cpu *c)
{
    if (!c->decoded)
        return;
    uint64_t pages = c->mem->ram_size >> GUEST_PAGE_SHIFT;
    for (uint64_t p = 0; p < pages; p++)
        free(c->decoded[p]);
    free(c->decoded);
    c->decoded = NULL;
}

/* The real address of the instruction at EA (NIP), or false after raising
 * the interrupt fetching it causes: through the TLB or the MMU with
 * MSR[IR] on; in real mode directly below the RMA, through the MMU's
 * real-mode check above it. What is not RAM is a machine check. */
static bool fetch_address(struct cpu *c, uint64_t ea, uint64_t *ra)
{
    if (c->msr[0] & MSR_IR) {
        const uint8_t *host = tlb_lookup(c, MMU_FETCH, ea, 4);
        if (host) {
            *ra = (uint64_t)(host - c->mem->ram);
            return true;
        }
    } else {
        *ra = ea & REAL_MODE_MASK;
        if (*ra < c->rma_size)
            return true;
    }
    c->cia = ea;
    if (!mmu_translate(c, ea, MMU_FETCH, ra))
        return false;
    if (!memory_ram_ptr(c->mem, *ra & ~(GUEST_PAGE_SIZE - 1), GUEST_PAGE_SIZE)) {
        cpu_machine_check(c, *ra);
        return false;
    }
    return true;
}

/* The decoded page holding NIP, or NULL after raising the interrupt that
 * fetching from there causes. Decoded code is kept per real page, so a
 * remapped EA or code stored through another mapping is never run stale. */
static struct decoded_page *fetch_page(struct cpu *c)
{
    if (!cpu_64bit(c))
        c->nip[0] = (uint32_t)c->nip[0];
    uint64_t ra;
    if (!fetch_address(c, c->nip[0], &ra))
        return NULL;
    uint64_t page = ra >> GUEST_PAGE_SHIFT;
    struct decoded_page *p = c->decoded[page];
    bool le = c->msr[0] & MSR_LE;
    if (!p) {
        if (!(p = malloc(sizeof *p)))
            abort();    /* out of host memory: nothing sensible to do */
        c->decoded[page] = p;
        c->mem->watched[page] |= MEMORY_WATCH_CODE;
        page_reset(p, le);
    } else if (p->little_endian != le) {
        page_reset(p, le);
    }
    c->run_page = p;
    c->run_page_ra = page << GUEST_PAGE_SHIFT;
    return p;
}

/* The icount at which the next timer exception becomes pending. */
static uint64_t next_timer_icount(const struct cpu *c)
{
    uint64_t dec = cpu_read_dec(c);
    uint64_t sign = 1ull << (c->dec_bits - 1);
    if (dec & sign)
        return c->icount[0];                     /* pending now */
    uint64_t ticks = dec + 1;                    /* until the sign bit sets */
    uint64_t insns = (ticks + c->tb_per_insn - 1) / c->tb_per_insn;
    return c->icount[0] + insns;
}

/* Takes the highest-priority pending interrupt, if it is enabled. A
 * system reset (H_SIGNAL_SYS_RESET) is not maskable: it comes first and
 * whatever MSR[EE] says (Book III-S 6.5.1). */
static void take_pending(struct cpu *c)
{
    c->cia = c->nip[0];
    if (__builtin_expect(c->sreset_pending[0] != 0, 0)) {
        c->sreset_pending[0] = 0;
        cpu_interrupt(c, VEC_SYSTEM_RESET, 0, false);
        return;
    }
    if (!(c->msr[0] & MSR_EE))
        return;
    if (c->external_pending)
        cpu_interrupt(c, VEC_EXTERNAL, 0, false);
    else if (cpu_dec_pending(c))
        cpu_interrupt(c, VEC_DECREMENTER, 0, false);
}

/* The hot loop: runs up to N instructions as long as they stay in page P.
 * Sequential flow walks the slots; a branch within the page jumps to its
 * slot without leaving; leaving the page, an interrupt or any state change
 * (c->leave_run) returns to cpu_run. icount advances after each
 * instruction, so one that reads the timebase sees the time it started. */
__attribute__((noinline))   /* its own registers: inlined, the loop spilled */
static void run_page(struct cpu *c, struct decoded_page *p, uint64_t n)
{
    const uint64_t page_mask = ~(GUEST_PAGE_SIZE - 1);
    struct decoded_insn *d = &p->insn[(c->nip[0] >> 2) & (INSNS_PER_PAGE - 1)];
    while (n--) {
        uint64_t pc = c->nip[0];
        c->cia = pc;
        c->nip[0] = pc + 4;
        d->fn(c, d->word);
        c->icount[0]++;
        uint64_t next = c->nip[0];
        if (__builtin_expect(c->leave_run, 0))
            break;
        if (next == pc + 4 && (next & ~page_mask) != 0) {
            d++;
        } else if (((next ^ pc) & page_mask) == 0) {
            d = &p->insn[(next >> 2) & (INSNS_PER_PAGE - 1)];
        } else {
            break;                          /* into another page */
        }
    }
}

enum cpu_stop cpu_run(struct cpu *c, uint64_t budget)
{
    uint64_t end = budget > UINT64_MAX - c->icount[0] ? UINT64_MAX : c->icount[0] + budget;
    c->stop = CPU_STOP_BUDGET;
    while (c->icount[0] < end) {
        take_pending(c);
        uint64_t limit = end;
        uint64_t timer = next_timer_icount(c);
        if (timer > c->icount[0] && timer < limit)
            limit = timer;

        struct decoded_page *p = fetch_page(c);
        if (!p) {
            c->icount[0]++;     /* the failed fetch counts as an instruction */
            continue;
        }
        uint64_t n = limit - c->icount[0];
        c->leave_run = false;
        if (__builtin_expect(c->exec_log != NULL, 0))
            exec_log_run(c, p, n);
        else
            run_page(c, p, n);
        if (c->stop != CPU_STOP_BUDGET)
            return c->stop;
    }
    return CPU_STOP_BUDGET;
}

void cpu_request_stop(struct cpu *c, enum cpu_stop why)
{
    c->stop = why;
    c->leave_run = true;
}
