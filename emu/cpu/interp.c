/*
 * The interpreter: a cache of decoded instructions per guest RAM page, and
 * the run loop.
 *
 * A page is decoded whole the first time code runs from it (for the byte
 * order it runs in); each entry holds the handler and the instruction word,
 * so the hot loop is "call d->fn(c, d->word), next entry" with no decoding
 * and no switch. A store to a page with decoded code marks it stale (the
 * memory layer tells us), and so do icbi and a byte-order change; a stale
 * page is decoded again when next entered.
 *
 * The loop runs until the budget or the next timer event, whichever is
 * first, so a decrementer interrupt is taken at an exact icount. Anything
 * that changes what is pending (mtmsr, mtspr DEC, rfid, a store to code)
 * sets c->leave_run so the loop looks again.
 */
#include <stdlib.h>
#include <string.h>

#include "emu/cpu/insn_handlers.h"
#include "emu/cpu/interp.h"

/* An invalid form (a reserved bit set) or an unknown word. */
static void insn_invalid_form(struct cpu *c, uint32_t insn)
{
    insn_illegal(c, insn);
}

static void decode_page(struct decoded_page *p, const uint8_t *ram, bool le)
{
    for (unsigned k = 0; k < INSNS_PER_PAGE; k++) {
        uint32_t w;
        memcpy(&w, ram + 4 * k, 4);
        if (!le)
            w = __builtin_bswap32(w);
        const struct insn_def *d = decode_word(w);
        p->insn[k].word = w;
        p->insn[k].fn = !d ? insn_illegal : (w & d->reserved) ? insn_invalid_form : d->fn;
    }
    p->stale = false;
    p->little_endian = le;
}

static void code_written(void *opaque, uint64_t page)
{
    struct cpu *c = opaque;
    if (c->decoded[page]) {
        c->decoded[page]->stale = true;
        c->leave_run = true;
    }
}

void cpu_flush_decoded(struct cpu *c)
{
    uint64_t pages = c->mem->ram_size >> GUEST_PAGE_SHIFT;
    for (uint64_t p = 0; p < pages; p++)
        if (c->decoded[p])
            c->decoded[p]->stale = true;
    c->leave_run = true;
}

int interp_init(struct cpu *c)
{
    decode_init();
    c->decoded = calloc(c->mem->ram_size >> GUEST_PAGE_SHIFT, sizeof *c->decoded);
    if (!c->decoded)
        return -1;
    c->mem->code_written = code_written;
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

/* The decoded page holding NIP, or NULL after raising the interrupt that
 * fetching from there causes. */
static struct decoded_page *fetch_page(struct cpu *c)
{
    if (!cpu_64bit(c))
        c->nip[0] = (uint32_t)c->nip[0];
    uint64_t ea = c->nip[0];
    if (c->msr[0] & MSR_IR) {
        /* Translation arrives with the MMU; until then nothing is mapped. */
        c->cia = ea;
        cpu_interrupt(c, VEC_ISI, 1ull << (63 - 33), false);
        return NULL;
    }
    uint64_t ra = ea & 0x0fffffffffffffffull;   /* real mode ignores EA bits 0:3 */
    const uint8_t *host = memory_ram_ptr(c->mem, ra & ~(GUEST_PAGE_SIZE - 1), GUEST_PAGE_SIZE);
    if (!host) {
        c->cia = ea;
        cpu_machine_check(c, ra);
        return NULL;
    }
    uint64_t page = ra >> GUEST_PAGE_SHIFT;
    struct decoded_page *p = c->decoded[page];
    bool le = c->msr[0] & MSR_LE;
    if (!p) {
        if (!(p = malloc(sizeof *p)))
            abort();    /* out of host memory: nothing sensible to do */
        c->decoded[page] = p;
        c->mem->code_pages[page] = 1;
        decode_page(p, host, le);
    } else if (p->stale || p->little_endian != le) {
        decode_page(p, host, le);
    }
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

/* Takes the highest-priority pending interrupt, if it is enabled. */
static void take_pending(struct cpu *c)
{
    if (!(c->msr[0] & MSR_EE))
        return;
    c->cia = c->nip[0];
    if (c->external_pending)
        cpu_interrupt(c, VEC_EXTERNAL, 0, false);
    else if (cpu_dec_pending(c))
        cpu_interrupt(c, VEC_DECREMENTER, 0, false);
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
        unsigned k = (unsigned)(c->nip[0] >> 2) & (INSNS_PER_PAGE - 1);
        uint64_t n = INSNS_PER_PAGE - k;
        if (n > limit - c->icount[0])
            n = limit - c->icount[0];
        const struct decoded_insn *d = &p->insn[k];
        c->leave_run = false;
        if (__builtin_expect(c->exec_log != NULL, 0)) {
            exec_log_run(c, d, n);
        } else {
            /* icount advances after each instruction, so an instruction
             * that reads the timebase sees the time it started at. */
            while (n--) {
                uint64_t pc = c->nip[0];
                c->cia = pc;
                c->nip[0] = pc + 4;
                d->fn(c, d->word);
                c->icount[0]++;
                if (c->nip[0] != pc + 4 || c->leave_run)
                    break;
                d++;
            }
        }
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
