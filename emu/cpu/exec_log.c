/*
 * The execution log (`-d exec`): one line per executed instruction with the
 * registers it changed, e.g.
 *   1042 0x100010 7c632214 add r3=0x5 cr=0x20000000
 * It runs a copy of the hot loop that snapshots the state around each
 * instruction, chosen once per run so the normal loop pays nothing.
 */
#include <inttypes.h>
#include <string.h>

#include "emu/cpu/interp.h"

static void log_changes(FILE *out, const struct cpu *before, const struct cpu *after)
{
    for (unsigned f = 0; f < cpu_field_count; f++) {
        const struct cpu_field_info *fi = &cpu_field_list[f];
        if (strcmp(fi->name, "icount") == 0 || strcmp(fi->name, "nip") == 0)
            continue;
        const uint64_t *a = (const uint64_t *)((const char *)before + fi->offset);
        const uint64_t *b = (const uint64_t *)((const char *)after + fi->offset);
        for (unsigned i = 0; i < fi->count; i++) {
            if (a[i] == b[i])
                continue;
            if (fi->count > 1 && strcmp(fi->name, "gpr") == 0)
                fprintf(out, " r%u=0x%" PRIx64, i, b[i]);
            else if (fi->count > 1)
                fprintf(out, " %s%u=0x%" PRIx64, fi->name, i, b[i]);
            else
                fprintf(out, " %s=0x%" PRIx64, fi->name, b[i]);
        }
    }
}

uint64_t exec_log_run(struct cpu *c, struct decoded_page *p, uint64_t n)
{
    struct cpu before;
    uint64_t done = 0;
    struct decoded_insn *d = &p->insn[(c->nip[0] >> 2) & (INSNS_PER_PAGE - 1)];
    while (done < n) {
        uint64_t pc = c->nip[0];
        interp_resolve(c, d);
        const struct insn_def *def = decode_word(d->word);
        before = *c;
        c->cia = pc;
        c->nip[0] = pc + 4;
        d->fn(c, d->word);
        done++;
        fprintf(c->exec_log, "%" PRIu64 " 0x%" PRIx64 " %08" PRIx32 " %s", c->icount[0] + c->log_icount_base, pc,
                d->word, def ? def->mnemonic : "(illegal)");
        c->icount[0]++;
        log_changes(c->exec_log, &before, c);
        if (c->nip[0] != pc + 4)
            fprintf(c->exec_log, " -> 0x%" PRIx64, c->nip[0]);
        fputc('\n', c->exec_log);
        /* Slower than the hot loop, and simpler: any change of flow
         * returns to cpu_run, which looks everything up again. */
        if (c->nip[0] != pc + 4 || c->leave_run || (c->nip[0] & (GUEST_PAGE_SIZE - 1)) == 0)
            break;
        d++;
    }
    return done;
}
