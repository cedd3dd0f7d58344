/* vCPU life cycle and the field list as data: dump and compare (cpu.h). */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "emu/cpu/interp.h"
#include "emu/cpu/mmu.h"

const struct cpu_field_info cpu_field_list[] = {
#define CPU_FIELD(member, count) { #member, offsetof(struct cpu, member), count },
#include "emu/cpu/cpu_fields.def"
#undef CPU_FIELD
};
const unsigned cpu_field_count = sizeof cpu_field_list / sizeof cpu_field_list[0];

void cpu_init(struct cpu *c, struct guest_memory *mem, uint32_t pir)
{
    memset(c, 0, sizeof *c);
    c->mem = mem;
    c->msr[0] = MSR_SF | MSR_ME;
    c->pvr[0] = PVR_POWER8;
    c->pir[0] = pir;
    c->tb_per_insn = 1;
    c->dec_bits = 32;
    c->dec_expiry[0] = 0x7fffffff;     /* DEC starts at its largest positive value */
    c->stop = CPU_STOP_BUDGET;
    c->rma_size = mem->ram_size;
    if (mmu_init(c) < 0 || interp_init(c) < 0) {
        mmu_destroy(c);
        c->mem = NULL;                 /* cpu_run will not be called on a failed init */
    }
}

void cpu_destroy(struct cpu *c)
{
    if (c->mem)
        interp_destroy(c);
    mmu_destroy(c);
}

void cpu_tlb_flush(struct cpu *c)
{
    mmu_flush_all(c);
}

static const uint64_t *field_values(const struct cpu *c, const struct cpu_field_info *f)
{
    return (const uint64_t *)((const char *)c + f->offset);
}

void cpu_dump(const struct cpu *c, FILE *out)
{
    for (unsigned f = 0; f < cpu_field_count; f++) {
        const struct cpu_field_info *fi = &cpu_field_list[f];
        const uint64_t *v = field_values(c, fi);
        for (unsigned i = 0; i < fi->count; i++) {
            if (fi->count > 1)
                fprintf(out, "%s[%u] = 0x%016" PRIx64 "\n", fi->name, i, v[i]);
            else
                fprintf(out, "%s = 0x%016" PRIx64 "\n", fi->name, v[i]);
        }
    }
}

unsigned cpu_compare(const struct cpu *a, const struct cpu *b, FILE *out)
{
    unsigned diffs = 0;
    for (unsigned f = 0; f < cpu_field_count; f++) {
        const struct cpu_field_info *fi = &cpu_field_list[f];
        const uint64_t *x = field_values(a, fi), *y = field_values(b, fi);
        for (unsigned i = 0; i < fi->count; i++) {
            if (x[i] == y[i])
                continue;
            diffs++;
            if (!out)
                continue;
            if (fi->count > 1)
                fprintf(out, "%s[%u]: 0x%" PRIx64 " vs 0x%" PRIx64 "\n", fi->name, i, x[i], y[i]);
            else
                fprintf(out, "%s: 0x%" PRIx64 " vs 0x%" PRIx64 "\n", fi->name, x[i], y[i]);
        }
    }
    return diffs;
}
