/*
 * The hypercall layer (hcall.h): registration, the one dispatch point that
 * every `sc 1` goes through, and the /rtas ibm,hypertas-functions property.
 *
 * Handlers are kept per row of the metadata table (hcall_meta.def), so only
 * opcodes ppcrr has a name, a register count and a function set for can be
 * registered; dispatch finds the row by binary search. hcall_dispatch()
 * copies r4..r12 in, runs the handler, copies r3 and r4..r12 back and, when
 * something observes the machine, emits one EVENT_HCALL with the entry
 * arguments, the return code, the outputs (as many as the table says) and
 * the host time spent (profiling only, never compared on replay).
 */
#include "hcall/hcall.h"

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hcall/rtas.h"

/* Distinct unknown opcodes reported on stderr; past this many a guest is
 * probing the opcode space and one last line says reports stop. */
#define HCALL_MAX_REPORTED 64

struct hcall_entry {
    hcall_fn fn;
    void *opaque;
};

struct hcall_layer {
    struct hcall_entry *entries;          /* one per hcall_meta_table row */
    uint64_t reported[HCALL_MAX_REPORTED];
    unsigned n_reported;
    /* A fault to inject (hcall_inject): the NTH call of OPCODE returns RET
     * without its handler running. */
    struct {
        bool armed;
        uint32_t opcode;
        uint64_t nth, seen;
        int64_t ret;
    } inject;
};

static void hcall_hook(struct machine *m, struct cpu *c, void *opaque)
{
    (void)opaque;
    hcall_dispatch(m, c);
}

/* The layer installed in M, or NULL before hcall_init / after hcall_destroy. */
static struct hcall_layer *layer_of(const struct machine *m)
{
    return m->hypervisor == hcall_hook ? m->hypervisor_opaque : NULL;
}

static struct hcall_layer *layer_or_die(const struct machine *m, const char *who)
{
    struct hcall_layer *l = layer_of(m);
    if (!l) {
        fprintf(stderr, "ppcrr: %s: hcall_init() has not been called on this machine\n", who);
        abort();
    }
    return l;
}

static size_t meta_index(const struct hcall_meta *meta)
{
    return (size_t)(meta - hcall_meta_table);
}

void hcall_register(struct machine *m, uint32_t opcode, hcall_fn fn, void *opaque)
{
    struct hcall_layer *l = layer_or_die(m, "hcall_register");
    /* The 4-byte rule first: such an opcode is also unknown to the table,
     * but this message says what is actually wrong with it. */
    if (opcode < HCALL_KVMPPC_BASE && opcode % 4 != 0) {
        fprintf(stderr, "ppcrr: hcall_register: PAPR opcode 0x%x is not a multiple of 4\n", opcode);
        abort();
    }
    const struct hcall_meta *meta = hcall_meta_find(opcode);
    if (!meta) {
        fprintf(stderr, "ppcrr: hcall_register: opcode 0x%x is not in hcall/hcall_meta.def "
                "(add a row with its name, register counts and function set)\n", opcode);
        abort();
    }
    if (!fn) {
        fprintf(stderr, "ppcrr: hcall_register: %s registered without a handler\n", meta->name);
        abort();
    }
    struct hcall_entry *e = &l->entries[meta_index(meta)];
    if (e->fn) {
        fprintf(stderr, "ppcrr: hcall_register: %s (0x%x) is registered twice\n", meta->name,
                opcode);
        abort();
    }
    e->fn = fn;
    e->opaque = opaque;
}

void hcall_unregister(struct machine *m, uint32_t opcode)
{
    struct hcall_layer *l = layer_of(m);
    const struct hcall_meta *meta = hcall_meta_find(opcode);
    if (!l || !meta)        /* after hcall_destroy, or never registrable */
        return;
    l->entries[meta_index(meta)] = (struct hcall_entry){ NULL, NULL };
}

void *hcall_opaque(struct machine *m, uint32_t opcode)
{
    struct hcall_layer *l = layer_of(m);
    const struct hcall_meta *meta = hcall_meta_find(opcode);
    return l && meta ? l->entries[meta_index(meta)].opaque : NULL;
}

int64_t hcall_invoke(struct machine *m, struct cpu *c, uint32_t opcode, const uint64_t *args,
                     uint64_t *rets)
{
    struct hcall_layer *l = layer_of(m);
    const struct hcall_meta *meta = hcall_meta_find(opcode);
    const struct hcall_entry *e = l && meta ? &l->entries[meta_index(meta)] : NULL;
    if (!e || !e->fn)
        return H_FUNCTION;
    struct hcall_ctx ctx = { .machine = m, .cpu = c, .opaque = e->opaque };
    return e->fn(&ctx, args, rets);
}

/* Once per opcode: a guest that polls an unimplemented call in a loop
 * must not flood the console. */
static void report_unknown(struct hcall_layer *l, uint64_t opcode, const struct hcall_meta *meta)
{
    for (unsigned i = 0; i < l->n_reported; i++)
        if (l->reported[i] == opcode)
            return;
    if (l->n_reported == HCALL_MAX_REPORTED)
        return;
    l->reported[l->n_reported++] = opcode;
    if (meta)
        fprintf(stderr, "ppcrr: unimplemented hcall %s (0x%llx): returning H_FUNCTION\n",
                meta->name, (unsigned long long)opcode);
    else
        fprintf(stderr, "ppcrr: unknown hcall 0x%llx: returning H_FUNCTION\n",
                (unsigned long long)opcode);
    if (l->n_reported == HCALL_MAX_REPORTED)
        fprintf(stderr, "ppcrr: %d unknown hcalls reported; not reporting more\n",
                HCALL_MAX_REPORTED);
}

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void emit_hcall_event(struct machine *m, uint64_t opcode, const struct hcall_meta *meta,
                             const uint64_t *args, int64_t ret, const uint64_t *rets,
                             uint64_t ns, uint64_t caller)
{
    struct event e = { .kind = EVENT_HCALL };
    machine_event_origin(m, &e);
    e.u.hcall.opcode = (uint32_t)opcode;
    e.u.hcall.args = args;
    /* An opcode without a row: record every argument register, it is
     * what a reader of the trace wants to see about an unknown call. */
    e.u.hcall.nargs = meta ? meta->nargs : HCALL_MAX_ARGS;
    e.u.hcall.ret = ret;
    e.u.hcall.rets = rets;
    e.u.hcall.nrets = meta ? meta->nouts : 0;
    e.u.hcall.host_ns = ns;
    e.u.hcall.caller = caller;
    event_emit(&m->events, &e);
}

void hcall_dispatch(struct machine *m, struct cpu *c)
{
    struct hcall_layer *l = layer_or_die(m, "hcall_dispatch");
    uint64_t opcode = c->gpr[3];
    uint64_t args[HCALL_MAX_ARGS], rets[HCALL_MAX_RETS];
    memcpy(args, &c->gpr[4], sizeof args);
    /* Registers a handler does not write keep their values, as on QEMU
     * (whose handlers update r4.. in place) and PowerVM. */
    memcpy(rets, args, sizeof rets);

    const struct hcall_meta *meta = opcode <= UINT32_MAX ? hcall_meta_find((uint32_t)opcode) : NULL;
    const struct hcall_entry *entry = meta ? &l->entries[meta_index(meta)] : NULL;
    bool observed = event_wanted(&m->events);
    uint64_t t0 = observed ? host_ns() : 0;
    uint64_t caller = c->lr[0];
    int64_t ret;
    if (c->msr[0] & MSR_PR) {
        /* sc 1 from problem state: PAPR's answer (QEMU does the same). */
        ret = H_PRIVILEGE;
    } else if (l->inject.armed && opcode == l->inject.opcode && ++l->inject.seen == l->inject.nth) {
        ret = l->inject.ret;
    } else if (entry && entry->fn) {
        struct hcall_ctx ctx = { .machine = m, .cpu = c, .opaque = entry->opaque };
        ret = entry->fn(&ctx, args, rets);
    } else {
        report_unknown(l, opcode, meta);
        ret = H_FUNCTION;
    }
    uint64_t spent = observed ? host_ns() - t0 : 0;

    c->gpr[3] = (uint64_t)ret;
    memcpy(&c->gpr[4], rets, sizeof rets);
    if (observed)
        emit_hcall_event(m, opcode, meta, args, ret, rets, spent, caller);
}

bool hcall_read_be32(struct machine *m, uint64_t addr, uint32_t *value)
{
    uint8_t b[4];
    if (!memory_read(&m->mem, addr, b, sizeof b))
        return false;
    *value = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return true;
}

bool hcall_write_be32(struct machine *m, uint64_t addr, uint32_t value)
{
    uint8_t b[4] = { (uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                     (uint8_t)value };
    return memory_write(&m->mem, addr, b, sizeof b);
}

int hcall_fdt_rtas_node(void *fdt)
{
    int node = fdt_path_offset(fdt, "/rtas");
    return node >= 0 ? node : fdt_add_subnode(fdt, 0, "rtas");
}

/* ibm,hypertas-functions: the function set of every registered hcall, each
 * once, in the metadata table's (opcode) order so the property does not
 * depend on the order devices registered in. */
static int hcall_fdt_part(struct machine *m, void *fdt, void *opaque)
{
    struct hcall_layer *l = opaque;
    (void)m;
    char buf[1024];
    size_t len = 0;
    for (size_t i = 0; i < hcall_meta_count; i++) {
        const char *set = hcall_meta_table[i].set;
        if (!l->entries[i].fn || !set[0])
            continue;
        bool seen = false;
        for (size_t at = 0; at < len && !seen; at += strlen(buf + at) + 1)
            seen = strcmp(buf + at, set) == 0;
        size_t n = strlen(set) + 1;
        if (seen)
            continue;
        if (len + n > sizeof buf)
            return -FDT_ERR_NOSPACE;
        memcpy(buf + len, set, n);
        len += n;
    }
    int node = hcall_fdt_rtas_node(fdt);
    if (node < 0)
        return node;
    return fdt_setprop(fdt, node, "ibm,hypertas-functions", buf, (int)len);
}

int hcall_init(struct machine *m, char *err, size_t errlen)
{
    if (layer_of(m)) {
        snprintf(err, errlen, "hcall_init: the hypercall layer is installed already");
        return -1;
    }
    /* Three tree parts (RTAS's, SPLPAR's random node and ours): check
     * there is room for all first, since a part cannot be taken back. */
    if (m->n_fdt_parts + 3 > MACHINE_MAX_FDT_PARTS) {
        snprintf(err, errlen, "hcall_init: no room for 3 more device-tree parts (%u of %u used)",
                 m->n_fdt_parts, MACHINE_MAX_FDT_PARTS);
        return -1;
    }
    struct hcall_layer *l = calloc(1, sizeof *l);
    struct hcall_entry *entries = calloc(hcall_meta_count, sizeof *entries);
    if (!l || !entries) {
        free(l);
        free(entries);
        snprintf(err, errlen, "hcall_init: out of memory");
        return -1;
    }
    l->entries = entries;
    m->hypervisor = hcall_hook;
    m->hypervisor_opaque = l;
    platform_hcalls_register(m);
    hpt_hcalls_register(m);
    if (splpar_register(m, err, errlen) < 0) {
        hcall_destroy(m);
        return -1;
    }
    xics_register_type();
    if (rtas_init(m, err, errlen) < 0) {
        hcall_destroy(m);
        return -1;
    }
    if (machine_add_fdt_part(m, hcall_fdt_part, l) < 0) {
        snprintf(err, errlen, "hcall_init: no room for another device-tree part");
        return -1;     /* cannot happen after the check above; the layer stays usable */
    }
    return 0;
}

void hcall_destroy(struct machine *m)
{
    struct hcall_layer *l = layer_of(m);
    if (!l)
        return;
    rtas_destroy(m);
    free(l->entries);
    free(l);
    m->hypervisor = NULL;
    m->hypervisor_opaque = NULL;
}

int hcall_inject(struct machine *m, const char *spec, char *err, size_t errlen)
{
    struct hcall_layer *l = layer_or_die(m, "hcall_inject");
    char name[64], ret_text[64];
    unsigned long long nth;
    int used = 0;
    if (sscanf(spec, "%63[^:]:%llu:%63s%n", name, &nth, ret_text, &used) != 3 || spec[used] || nth == 0) {
        snprintf(err, errlen, "'%s' is not NAME:N:RET (the Nth call of hcall NAME returns RET)", spec);
        return -1;
    }
    /* RET by name (H_BUSY) or number. */
    long long ret = 0;
    bool known = false;
    for (size_t i = 0; i < hcall_code_count && !known; i++)
        if (strcmp(hcall_code_table[i].name, ret_text) == 0) {
            ret = hcall_code_table[i].value;
            known = true;
        }
    char *end;
    if (!known && ((ret = strtoll(ret_text, &end, 0)), *end || end == ret_text)) {
        snprintf(err, errlen, "'%s': %s is not a return code (H_BUSY, -2...)", spec, ret_text);
        return -1;
    }
    const struct hcall_meta *meta = NULL;
    for (size_t i = 0; i < hcall_meta_count && !meta; i++)
        if (strcmp(hcall_meta_table[i].name, name) == 0)
            meta = &hcall_meta_table[i];
    if (!meta) {
        snprintf(err, errlen, "'%s': no hcall is named %s", spec, name);
        return -1;
    }
    l->inject.armed = true;
    l->inject.opcode = meta->opcode;
    l->inject.nth = nth;
    l->inject.seen = 0;
    l->inject.ret = ret;
    return 0;
}
