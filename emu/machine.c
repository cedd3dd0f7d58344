/*
 * The machine's life cycle and main loop (machine.h).
 *
 * All vCPUs run in this one host thread, round-robin, MACHINE_QUANTUM
 * instructions each (DESIGN.md §2 rule 3), so a multi-CPU run repeats
 * exactly; machine.h says what time is then. Between rounds the libevent
 * loop is polled without blocking for host input (console bytes); what it
 * delivers enters the guest through an input source, as an event with the
 * icount it arrived at.
 */
#include "emu/machine.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "emu/desc.h"
#include "emu/loader.h"

#define H_FUNCTION ((uint64_t)-2)

static void cpu_hcall(struct cpu *c, void *opaque)
{
    struct machine *m = opaque;
    if (m->hypervisor)
        m->hypervisor(m, c, m->hypervisor_opaque);
    else
        c->gpr[3] = H_FUNCTION;       /* no hypervisor installed */
}

static void cpu_interrupted(struct cpu *c, enum cpu_vector vector, void *opaque)
{
    struct machine *m = opaque;
    (void)c;
    if (!event_wanted(&m->events))
        return;
    struct event e = { .kind = EVENT_INTERRUPT };
    machine_event_origin(m, &e);
    e.u.interrupt.vector = vector;
    event_emit(&m->events, &e);
}

/* Guest memory has one code watcher: it must reach every vCPU's decoded
 * instructions, whoever stored (a vCPU, H_PAGE_INIT, a loader). */
static void code_written_all(void *opaque, uint64_t pa, uint64_t len)
{
    struct machine *m = opaque;
    for (unsigned i = 0; i < m->ncpus; i++)
        cpu_code_written(&m->cpus[i], pa, len);
}

/* A store into a page some reservation is in: Book II 4.4.2 -- a
 * reservation is lost when another processor, or another mechanism (a
 * device, the hypervisor: BY_HOST), stores into its granule. A vCPU's own
 * plain stores leave its reservation alone (as on POWER8). Pages left with
 * no reservation stop being watched, so the store path is fast again. */
#define RESERVE_GRANULE 128ull       /* POWER8: the cache block */

static void reserve_written_all(void *opaque, uint64_t pa, uint64_t len, bool by_host)
{
    struct machine *m = opaque;
    uint64_t first = pa >> GUEST_PAGE_SHIFT, last = (pa + len - 1) >> GUEST_PAGE_SHIFT;
    for (uint64_t p = first; p <= last; p++)
        m->mem.watched[p] &= (uint8_t)~MEMORY_WATCH_RESERVE;
    for (unsigned i = 0; i < m->ncpus; i++) {
        struct cpu *c = &m->cpus[i];
        if (!c->reserve_len[0])
            continue;
        uint64_t g = c->reserve_addr[0] & ~(RESERVE_GRANULE - 1);
        if ((by_host || i != m->current) && g < pa + len && pa < g + RESERVE_GRANULE) {
            c->reserve_addr[0] = 0;
            c->reserve_len[0] = 0;
            continue;
        }
        uint64_t page = c->reserve_addr[0] >> GUEST_PAGE_SHIFT;
        if (page >= first && page <= last)
            m->mem.watched[page] |= MEMORY_WATCH_RESERVE;     /* still held there */
    }
}

static uint64_t rma_top(const struct machine *m)
{
    return m->mem.ram_size < MACHINE_RMA_MAX ? m->mem.ram_size : MACHINE_RMA_MAX;
}

int machine_create(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    if (!m->cfg.ram_size)
        m->cfg.ram_size = 512ull << 20;
    if (!m->cfg.smp)
        m->cfg.smp = 1;
    if (!m->cfg.serial)
        m->cfg.serial = "stdio";
    if (memory_init(&m->mem, m->cfg.ram_size) < 0) {
        snprintf(err, errlen, "cannot reserve %llu MiB of guest RAM", (unsigned long long)(m->cfg.ram_size >> 20));
        return -1;
    }
    if (hpt_init(&m->hpt, hpt_shift_for_ram(m->mem.ram_size)) < 0) {
        snprintf(err, errlen, "out of memory for the hashed page table");
        return -1;
    }
    m->ncpus = m->cfg.smp;
    m->cpus = calloc(m->ncpus, sizeof *m->cpus);
    m->evbase = event_base_new();
    if (!m->cpus || !m->evbase) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < m->ncpus; i++) {
        struct cpu *c = &m->cpus[i];
        cpu_init(c, &m->mem, i);
        if (!c->mem) {
            snprintf(err, errlen, "out of memory for vCPU %u", i);
            return -1;
        }
        c->hooks = (struct cpu_hooks){ cpu_hcall, cpu_interrupted, m };
        c->hpt = &m->hpt;
        c->rma_size = rma_top(m);
        c->exec_log = m->cfg.exec_log;
        c->stopped = i > 0;           /* secondaries wait for RTAS start-cpu */
    }
    m->mem.code_written = code_written_all;
    m->mem.code_written_opaque = m;
    m->mem.reserve_written = reserve_written_all;
    m->mem.reserve_written_opaque = m;
    /* RAM is still all zero: the checkpoint digest starts from there. */
    if (m->cfg.checkpoint_interval) {
        if (checkpoint_start(m) < 0) {
            snprintf(err, errlen, "out of memory for RAM digests");
            return -1;
        }
        m->next_checkpoint = m->cfg.checkpoint_interval;
        m->last_checkpoint = UINT64_MAX;
    }
    return desc_load(m, m->cfg.machine_file, err, errlen);
}

int machine_realize(struct machine *m, char *err, size_t errlen)
{
    if (desc_bind_devices(m, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < m->ndevices; i++)
        if (m->devices[i]->type->reset)
            m->devices[i]->type->reset(m->devices[i]);
    return 0;
}

/* Kernel, initrd or firmware, as -kernel/-initrd/-bios say. */
static int load_images(struct machine *m, struct loaded_image *img, unsigned *n, char *err, size_t errlen)
{
    *n = 0;
    if (m->cfg.bios) {
        if (loader_load_raw(&m->mem, m->cfg.bios, 0, &img[(*n)++], err, errlen) < 0)
            return -1;
    }
    if (m->cfg.kernel) {
        /* With -bios the firmware starts the kernel, which QEMU's pseries
         * puts at 0x400000; without, the kernel is entered directly and an
         * ELF goes where its program headers say (raw images at 0x400000). */
        struct loaded_image *k = &img[*n];
        if (loader_load_kernel(&m->mem, m->cfg.kernel, MACHINE_BIOS_KERNEL, m->cfg.bios != NULL, k,
                               err, errlen) < 0)
            return -1;
        (*n)++;
        m->kernel_base = k->base;
        m->kernel_size = k->size;
        m->kernel_entry = k->entry;
        m->kernel_little_endian = k->little_endian;
    }
    if (m->cfg.initrd) {
        /* After the kernel (or firmware), on a 64 KiB boundary, as QEMU does. */
        uint64_t end = *n ? img[*n - 1].base + img[*n - 1].size : 0;
        uint64_t base = (end + 0x1ffff) & ~0xffffull;
        if (loader_load_raw(&m->mem, m->cfg.initrd, base, &img[*n], err, errlen) < 0)
            return -1;
        m->initrd_base = base;
        m->initrd_size = img[*n].size;
        (*n)++;
    }
    for (unsigned i = 0; i < *n; i++)
        for (unsigned j = i + 1; j < *n; j++)
            if (loader_check_overlap(&img[i], &img[j], err, errlen) < 0)
                return -1;
    return 0;
}

/* The tree into guest memory, near the top of the RMA, with the images it
 * must not be overwritten by in the memory-reserve map. */
static int place_fdt(struct machine *m, const struct loaded_image *img, unsigned n, char *err, size_t errlen)
{
    size_t cap = fdt_totalsize(m->guest_fdt) + 1024;
    void *fdt = malloc(cap);
    if (!fdt || fdt_open_into(m->guest_fdt, fdt, (int)cap) != 0) {
        free(fdt);
        snprintf(err, errlen, "cannot extend the guest device tree");
        return -1;
    }
    /* The firmware (image 0 with -bios) is the guest's to overwrite. */
    for (unsigned i = m->cfg.bios ? 1 : 0; i < n; i++)
        fdt_add_mem_rsv(fdt, img[i].base, img[i].size);
    fdt_pack(fdt);
    free(m->guest_fdt);
    m->guest_fdt = fdt;
    m->guest_fdt_size = fdt_totalsize(fdt);
    uint64_t top = rma_top(m);
    if (top < MACHINE_FDT_BELOW_TOP + MACHINE_FDT_MAX || m->guest_fdt_size > MACHINE_FDT_MAX) {
        snprintf(err, errlen, "no room for the device tree in %llu MiB of RAM",
                 (unsigned long long)(m->mem.ram_size >> 20));
        return -1;
    }
    m->guest_fdt_addr = top - MACHINE_FDT_BELOW_TOP;
    struct loaded_image tree = { .path = "the device tree", .base = m->guest_fdt_addr,
                                 .size = m->guest_fdt_size };
    for (unsigned i = 0; i < n; i++)
        if (loader_check_overlap(&img[i], &tree, err, errlen) < 0)
            return -1;
    memory_write(&m->mem, m->guest_fdt_addr, m->guest_fdt, m->guest_fdt_size);
    return 0;
}

int machine_load(struct machine *m, char *err, size_t errlen)
{
    struct loaded_image img[3];
    unsigned n;
    if (!m->cfg.kernel && !m->cfg.bios) {
        snprintf(err, errlen, "nothing to run: give -kernel FILE or -bios FILE");
        return -1;
    }
    if (load_images(m, img, &n, err, errlen) < 0 || machine_build_fdt(m, err, errlen) < 0 ||
        place_fdt(m, img, n, err, errlen) < 0)
        return -1;

    /* Entry (DESIGN.md §6): the Linux flat-tree boot -- r3 = tree, r4 =
     * kernel base, r5 = 0, 64-bit big-endian real mode; or the firmware at
     * 0x100 with r3 = tree. */
    struct cpu *c = &m->cpus[0];
    c->msr[0] = MSR_SF | MSR_ME;
    c->gpr[3] = m->guest_fdt_addr;
    c->gpr[4] = m->cfg.bios ? 0 : m->kernel_base;
    c->gpr[5] = 0;
    c->nip[0] = m->cfg.bios ? MACHINE_BIOS_ENTRY : m->kernel_entry;
    return 0;
}

static bool runnable(const struct cpu *c)
{
    return !c->stopped && c->idle[0] == CPU_IDLE_NONE;
}

static bool any_runnable(const struct machine *m)
{
    for (unsigned i = 0; i < m->ncpus; i++)
        if (runnable(&m->cpus[i]))
            return true;
    return false;
}

/* A ceded vCPU wakes once it has an interrupt pending (H_CEDE set its
 * MSR[EE], so it takes it at once); a joined one waits for H_PROD only.
 * A system reset wakes either. */
static void wake_if_due(struct machine *m, struct cpu *c)
{
    if (c->stopped || c->idle[0] == CPU_IDLE_NONE)
        return;
    if (c->sreset_pending[0] ||
        (c->idle[0] == CPU_IDLE_CEDED && (c->external_pending || cpu_dec_pending(c))))
        machine_cpu_wake(m, c);
}

/* Nobody can run: moves every timebase forward together to the earliest
 * DEC expiry of a ceded vCPU, and wakes it. False if no ceded vCPU has a
 * timer to wait for (every vCPU stopped or joined). */
static bool skip_idle_time(struct machine *m)
{
    uint64_t ticks = UINT64_MAX;
    for (unsigned i = 0; i < m->ncpus; i++) {
        const struct cpu *c = &m->cpus[i];
        if (!c->stopped && c->idle[0] == CPU_IDLE_CEDED) {
            uint64_t t = cpu_ticks_to_dec(c);
            ticks = t < ticks ? t : ticks;
        }
    }
    if (ticks == UINT64_MAX)
        return false;
    for (unsigned i = 0; i < m->ncpus; i++)
        cpu_tb_advance(&m->cpus[i], ticks);
    for (unsigned i = 0; i < m->ncpus; i++)
        wake_if_due(m, &m->cpus[i]);
    return true;
}

/* C's turn: up to BUDGET instructions, fewer if it goes idle, stops,
 * yields or the run ends. A stop request for any other reason (a hook
 * wanting the machine back) does not end the turn. Returns how many
 * instructions it executed. */
static void set_current(struct machine *m, unsigned i);

/* -d exec over a window of machine icounts: C logs only inside it, and a
 * run is cut at the window's edges so that logging starts and stops at
 * exactly those instructions (a cut run goes on at once: nothing the guest
 * sees depends on where cpu_run returns). */
static void exec_log_window(struct machine *m, struct cpu *c, uint64_t *slice)
{
    uint64_t from = m->cfg.exec_log_from, to = m->cfg.exec_log_to;
    if (!m->cfg.exec_log || (!from && !to))
        return;
    uint64_t now = machine_icount(m);
    bool inside = now >= from && (!to || now < to);
    c->exec_log = inside ? m->cfg.exec_log : NULL;
    uint64_t edge = now < from ? from : inside && to ? to : 0;
    if (edge && edge - now < *slice)
        *slice = edge - now;
}

static uint64_t run_turn(struct machine *m, struct cpu *c, uint64_t budget)
{
    uint64_t start = c->icount[0];
    c->yield = false;
    /* -d exec lines count machine-wide, as --log-from/--log-to and events do. */
    c->log_icount_base = m->icount_retired - c->icount[0];
    while (m->exit_reason == EXIT_NONE && runnable(c) && !c->yield && c->icount[0] - start < budget) {
        uint64_t slice = budget - (c->icount[0] - start);
        exec_log_window(m, c, &slice);
        if (cpu_run(c, slice) == CPU_STOP_ATTN) {
            char msg[64];
            snprintf(msg, sizeof msg, "attn at 0x%llx", (unsigned long long)c->cia);
            machine_request_exit(m, EXIT_ERROR, 1, msg);
        }
    }
    c->yield = false;
    m->icount_retired += c->icount[0] - start;
    m->turn_start_icount = c->icount[0];
    return c->icount[0] - start;
}

void machine_round(struct machine *m)
{
    for (unsigned i = 0; i < m->ncpus; i++)
        wake_if_due(m, &m->cpus[i]);
    if (!any_runnable(m) && (!skip_idle_time(m) || !any_runnable(m))) {
        bool all_stopped = true;
        for (unsigned i = 0; i < m->ncpus; i++)
            all_stopped &= m->cpus[i].stopped;
        machine_request_exit(m, EXIT_ERROR, 1,
                             all_stopped ? "every vCPU is stopped"
                                         : "every vCPU is stopped or joined: nothing can wake them");
        return;
    }
    for (unsigned i = 0; i < m->ncpus && m->exit_reason == EXIT_NONE; i++) {
        struct cpu *c = &m->cpus[i];
        set_current(m, i);
        wake_if_due(m, c);          /* an IPI from an earlier turn of this round */
        uint64_t budget = MACHINE_QUANTUM, ran = 0;
        if (runnable(c) && m->cfg.max_insns) {
            uint64_t done = m->icount_retired;
            if (done >= m->cfg.max_insns) {
                machine_request_exit(m, EXIT_LIMIT, 0, "instruction limit reached");
                break;
            }
            if (budget > m->cfg.max_insns - done)
                budget = m->cfg.max_insns - done;
        }
        if (runnable(c))
            ran = run_turn(m, c, budget);
        /* The rest of the round passes for C without it executing. */
        cpu_tb_advance(c, (MACHINE_QUANTUM - ran) * c->tb_per_insn);
    }
    /* Checkpoints fall on round boundaries, where every vCPU's state is
     * settled: the first boundary at or past each multiple of the interval. */
    uint64_t n = m->cfg.checkpoint_interval;
    if (n && m->exit_reason == EXIT_NONE && m->icount_retired >= m->next_checkpoint) {
        checkpoint_emit(m);
        m->next_checkpoint = (m->icount_retired / n + 1) * n;
    }
}

enum exit_reason machine_run(struct machine *m)
{
    while (m->exit_reason == EXIT_NONE) {
        machine_round(m);
        /* Host input only while the run goes on (after an exit request it
         * could not be replayed), and one pass of ready callbacks: a
         * stream that never runs dry must not starve the guest. */
        if (m->exit_reason == EXIT_NONE)
            event_base_loop(m->evbase, EVLOOP_NONBLOCK | EVLOOP_ONCE);
        if (m->feeder && m->exit_reason == EXIT_NONE)
            m->feeder->poll(m->feeder->opaque);
        if (m->host_stop)
            input_host_stop(m, "stopped by a signal");
        /* Last, after the input that arrived at this boundary: a run
         * restored here goes on with the next round, as this one does. */
        if (m->round_end && m->exit_reason == EXIT_NONE)
            m->round_end(m, m->round_end_opaque);
    }
    /* The exit event comes last, after whatever event caused it (an RTAS
     * power-off inside an hcall, ...), and after a last checkpoint, so
     * replay checks the final state too (unless one was just taken at
     * this very icount). */
    if (m->cfg.checkpoint_interval && m->last_checkpoint != machine_icount(m))
        checkpoint_emit(m);
    if (event_wanted(&m->events)) {
        struct event e = { .kind = EVENT_EXIT };
        machine_event_origin(m, &e);
        e.u.exit.reason = m->exit_reason;
        e.u.exit.code = m->exit_code;
        e.u.exit.message = m->exit_message;
        event_emit(&m->events, &e);
    }
    return m->exit_reason;
}

void machine_request_exit(struct machine *m, enum exit_reason reason, int64_t code, const char *message)
{
    if (m->exit_reason != EXIT_NONE)
        return;
    m->exit_reason = reason;
    m->exit_code = code;
    snprintf(m->exit_message, sizeof m->exit_message, "%s", message ? message : "");
    if (m->ncpus)
        cpu_request_stop(&m->cpus[m->current], CPU_STOP_REQUEST);
}

void machine_destroy(struct machine *m)
{
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *d = m->devices[i];
        if (d->type->destroy)
            d->type->destroy(d);
        free(d->state);
        free(d->path);
        free(d->name);
        free(d);
    }
    free(m->devices);
    for (size_t i = 0; i < m->n_irq_outputs; i++) {
        free(m->irq_outputs[i]->name);
        free(m->irq_outputs[i]->input_name);
        free(m->irq_outputs[i]);
    }
    free(m->irq_outputs);
    for (size_t i = 0; i < m->n_irq_inputs; i++)
        free(m->irq_inputs[i].name);
    free(m->irq_inputs);
    for (unsigned i = 0; m->cpus && i < m->ncpus; i++)
        cpu_destroy(&m->cpus[i]);
    free(m->cpus);
    if (m->evbase)
        event_base_free(m->evbase);
    free(m->desc);
    free(m->guest_fdt);
    checkpoint_stop(m);
    hpt_destroy(&m->hpt);
    memory_destroy(&m->mem);
    memset(m, 0, sizeof *m);
}

void machine_tlb_flush(struct machine *m)
{
    for (unsigned i = 0; i < m->ncpus; i++)
        cpu_tlb_flush(&m->cpus[i]);
}

int machine_add_state_part(struct machine *m, const char *name, state_part_fn fn, void *opaque)
{
    if (m->n_state_parts >= MACHINE_MAX_STATE_PARTS)
        return -1;
    m->state_parts[m->n_state_parts].name = name;
    m->state_parts[m->n_state_parts].fn = fn;
    m->state_parts[m->n_state_parts].opaque = opaque;
    m->state_parts[m->n_state_parts].version = 1;
    m->n_state_parts++;
    return 0;
}

int machine_add_fdt_part(struct machine *m, fdt_part_fn fn, void *opaque)
{
    if (m->n_fdt_parts >= MACHINE_MAX_FDT_PARTS)
        return -1;
    m->fdt_parts[m->n_fdt_parts].fn = fn;
    m->fdt_parts[m->n_fdt_parts].opaque = opaque;
    m->n_fdt_parts++;
    return 0;
}

int machine_irq_input(struct machine *m, const char *name, irq_input_fn fn, void *opaque)
{
    for (size_t i = 0; i < m->n_irq_inputs; i++)
        if (strcmp(m->irq_inputs[i].name, name) == 0)
            return -1;
    struct irq_input *in = realloc(m->irq_inputs, (m->n_irq_inputs + 1) * sizeof *in);
    if (!in)
        return -1;
    m->irq_inputs = in;
    in[m->n_irq_inputs] = (struct irq_input){ strdup(name), fn, opaque };
    m->n_irq_inputs++;
    return 0;
}

struct device *machine_find_device(struct machine *m, const char *path_or_alias)
{
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *d = m->devices[i];
        if (strcmp(d->path, path_or_alias) == 0 || strcmp(d->name, path_or_alias) == 0)
            return d;
    }
    return NULL;
}

void machine_event_origin(struct machine *m, struct event *e)
{
    if (!m->ncpus)
        return;
    const struct cpu *c = &m->cpus[m->current];
    e->cpu = m->current;
    e->icount = machine_icount(m);
    e->pc = c->cia;
}

uint64_t machine_icount(const struct machine *m)
{
    if (!m->ncpus)
        return 0;
    return m->icount_retired + (m->cpus[m->current].icount[0] - m->turn_start_icount);
}

/* Makes vCPU I the current one: events from now on are its. */
static void set_current(struct machine *m, unsigned i)
{
    m->current = i;
    m->turn_start_icount = m->cpus[i].icount[0];
}

struct cpu *machine_cpu_by_server(struct machine *m, uint64_t id)
{
    return id < m->ncpus ? &m->cpus[id] : NULL;
}

static void dispatch_changed(struct machine *m, struct cpu *c)
{
    if (m->dispatch_changed)
        m->dispatch_changed(m, c, m->dispatch_opaque);
}

void machine_cpu_idle(struct machine *m, struct cpu *c, enum cpu_idle how)
{
    if (c->idle[0] == how)
        return;
    c->idle[0] = how;
    cpu_request_stop(c, CPU_STOP_REQUEST);
    dispatch_changed(m, c);
}

void machine_cpu_wake(struct machine *m, struct cpu *c)
{
    if (c->idle[0] == CPU_IDLE_NONE)
        return;
    c->idle[0] = CPU_IDLE_NONE;
    dispatch_changed(m, c);
}

void machine_cpu_stop(struct machine *m, struct cpu *c)
{
    (void)m;
    c->stopped = true;
    c->idle[0] = CPU_IDLE_NONE;
    c->prod[0] = false;
    cpu_request_stop(c, CPU_STOP_REQUEST);
}

void machine_cpu_start(struct machine *m, struct cpu *c, uint64_t nip, uint64_t r3)
{
    (void)m;
    /* QEMU's rtas_start_cpu / spapr_cpu_set_entry_state: MSR = SF|ME,
     * r1 = r4 = 0. Its timebase needs nothing: it kept pace while stopped. */
    c->msr[0] = MSR_SF | MSR_ME;
    c->nip[0] = nip;
    c->gpr[1] = 0;
    c->gpr[3] = r3;
    c->gpr[4] = 0;
    c->stopped = false;
    c->idle[0] = CPU_IDLE_NONE;
    c->prod[0] = false;
    c->leave_run = true;
}

struct cpu *machine_current_cpu(struct machine *m)
{
    return m->ncpus ? &m->cpus[m->current] : NULL;
}
