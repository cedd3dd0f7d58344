/*
 * RTAS (rtas.h): the shim in guest memory, the KVMPPC_H_RTAS hcall that
 * unpacks a call's argument block and runs the call from the table in
 * rtas.def, the /rtas tree part (one property per implemented call, the
 * shim's place and size), and the calls themselves: console output, the
 * time of day, power-off, reboot, ibm,os-term, and what a Linux guest
 * asks during boot and shutdown -- event scans, system parameters, FWNMI
 * registration, indicators and sensors, and the NVRAM a device attaches.
 *
 * A block the guest gets wrong never reaches host memory: every word goes
 * through the bounds-checked guest memory accessors. Status codes and
 * argument-count checks follow QEMU 7.2's pseries machine (hw/ppc/
 * spapr_rtas.c, spapr_rtc.c), observed with a probe guest.
 */
#include "hcall/rtas.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "emu/input.h"
#include "hcall/hcall.h"
#include "hcall/xics.h"      /* the ibm,*-xive and ibm,int-* rows */

/* QEMU's ppc64_phys_to_real(): the block address is a real address, the
 * top 4 bits (an 0xc... kernel address passed by mistake) are dropped. */
#define RTAS_REAL_MASK 0x0fffffffffffffffull

/* Longest ibm,os-term message kept (the machine's exit message size). */
#define RTAS_OS_TERM_MAX (sizeof ((struct machine *)0)->exit_message - 1)

/* ibm,nmi-register: PAPR wants both handlers in the first 32 MiB (and in
 * the RMA), QEMU checks the same. */
#define RTAS_FWNMI_LIMIT (32ull << 20)
#define RTAS_FWNMI_UNSET UINT64_MAX

struct rtas_state {
    /* Guest-visible state. */
    int64_t tod_offset;          /* set-time-of-day: seconds ahead of the RTC input */
    uint64_t fwnmi_sreset;       /* ibm,nmi-register: system-reset handler, or UNSET */
    uint64_t fwnmi_mce;          /* ibm,nmi-register: machine-check handler, or UNSET */
    /* Host side: the NVRAM device's buffer (rtas_attach_nvram). */
    bool has_nvram;
    struct rtas_nvram nvram;
};

const uint8_t rtas_shim[RTAS_SHIM_SIZE] = {
    0x7c, 0x64, 0x1b, 0x78,      /* mr   r4,r3 */
    0x3c, 0x60, 0x00, 0x00,      /* lis  r3,KVMPPC_H_RTAS@h */
    0x60, 0x63, 0xf0, 0x00,      /* ori  r3,r3,KVMPPC_H_RTAS@l */
    0x44, 0x00, 0x00, 0x22,      /* sc   1 */
    0x4e, 0x80, 0x00, 0x20,      /* blr */
};

static struct rtas_state *rtas_state_of(struct machine *m)
{
    return hcall_opaque(m, KVMPPC_H_RTAS);
}

/* ---- the calls ---------------------------------------------------------- */

/* To the console, as QEMU does: through the vty's H_PUT_TERM_CHAR with
 * unit address 0, which names the first vty (vio/vty.c). No vty: status -1,
 * QEMU's answer too. */
static void rtas_display_character(struct rtas_call_ctx *ctx)
{
    /* QEMU reads args[0] whatever nargs says; without one there is no
     * character, so this is a parameter error here. */
    if (ctx->nargs < 1) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    uint64_t args[HCALL_MAX_ARGS] = { 0, 1, (uint64_t)(ctx->args[0] & 0xff) << 56 };
    uint64_t rets[HCALL_MAX_RETS] = { 0 };
    int64_t rc = hcall_invoke(ctx->machine, ctx->cpu, H_PUT_TERM_CHAR, args, rets);
    ctx->rets[0] = rc == H_SUCCESS ? RTAS_OUT_SUCCESS : (uint32_t)RTAS_OUT_HW_ERROR;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 of a proleptic Gregorian date. MONTH may be out of
 * 1..12 and carries into the year, as QEMU's mktimegm() lets it. */
static int64_t days_from_civil(int64_t year, int64_t month, int64_t day)
{
    year += floor_div(month - 1, 12);
    month -= 12 * floor_div(month - 1, 12);
    year -= month <= 2;                          /* years start in March */
    int64_t era = floor_div(year, 400);
    int64_t yoe = year - era * 400;
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t days, int64_t *year, uint32_t *month, uint32_t *day)
{
    days += 719468;
    int64_t era = floor_div(days, 146097);
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (uint32_t)(doy - (153 * mp + 2) / 5 + 1);
    *month = (uint32_t)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/* PAPR's 8 results: status, year, month (1-12), day (1-31), hour, minute,
 * second, nanoseconds. The clock is an input source (DESIGN.md §2 rule 2)
 * with whole seconds, so nanoseconds are 0. (QEMU returns its nanosecond
 * counter truncated to 32 bits there, not a fraction of the second.) */
static void rtas_get_time_of_day(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 0, 8))
        return;
    int64_t now = input_rtc_seconds(ctx->machine) + rtas_state_of(ctx->machine)->tod_offset;
    int64_t days = floor_div(now, 86400), secs = now - days * 86400, year;
    uint32_t month, day;
    civil_from_days(days, &year, &month, &day);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
    ctx->rets[1] = (uint32_t)year;
    ctx->rets[2] = month;
    ctx->rets[3] = day;
    ctx->rets[4] = (uint32_t)(secs / 3600);
    ctx->rets[5] = (uint32_t)(secs / 60 % 60);
    ctx->rets[6] = (uint32_t)(secs % 60);
    ctx->rets[7] = 0;
}

/* The guest's clock moves; the RTC input does not (the host's clock is not
 * the guest's to set): keep the difference. Out-of-range fields carry as
 * in QEMU (month 13 of 2001 is January 2002); nanoseconds are ignored. */
static void rtas_set_time_of_day(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 7, 1))
        return;
    const uint32_t *a = ctx->args;
    int64_t t = days_from_civil(a[0], a[1], a[2]) * 86400 + (int64_t)a[3] * 3600 +
                (int64_t)a[4] * 60 + a[5];
    rtas_state_of(ctx->machine)->tod_offset = t - input_rtc_seconds(ctx->machine);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_power_off(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 2, 1))
        return;
    machine_request_exit(ctx->machine, EXIT_POWER_OFF, 0, "power-off (RTAS)");
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_system_reboot(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 0, 1))
        return;
    machine_request_exit(ctx->machine, EXIT_REBOOT, 0, "system-reboot (RTAS)");
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

/* ---- SMP: start-cpu, stop-self, query-cpu-stopped-state ----
 * As QEMU's hw/ppc/spapr_rtas.c: an unknown cpu (server number) or wrong
 * nargs/nret is a parameter error (-3), starting one that runs is a
 * hardware error (-1). The started vCPU inherits the caller's LPCR[ILE]
 * and LPCR[AIL]. */

static void rtas_start_cpu(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 3, 1))
        return;
    struct cpu *t = machine_cpu_by_server(ctx->machine, ctx->args[0]);
    if (!t) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    if (!t->stopped) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
        return;
    }
    const uint64_t inherit = LPCR_ILE | LPCR_AIL_MASK;
    t->lpcr[0] = (t->lpcr[0] & ~inherit) | (ctx->cpu->lpcr[0] & inherit);
    machine_cpu_start(ctx->machine, t, ctx->args[1], ctx->args[2]);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

/* The caller stops; it never returns from the call, so (as QEMU) no
 * status is written. The last vCPU to stop ends the run. */
static void rtas_stop_self(struct rtas_call_ctx *ctx)
{
    machine_cpu_stop(ctx->machine, ctx->cpu);
}

/* rets[1]: 0 stopped, 2 running (PAPR; 1, "stop in progress", never
 * happens here). A ceded or joined vCPU counts as running, as PAPR says;
 * QEMU reports it stopped (it tests `halted`, which cede sets too). */
static void rtas_query_cpu_stopped_state(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 1, 2))
        return;
    struct cpu *t = machine_cpu_by_server(ctx->machine, ctx->args[0]);
    if (!t) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    ctx->rets[1] = t->stopped ? 0 : 2;
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

/* The guest's last words (Linux: the panic message), read as a string from
 * guest memory: up to the NUL, the end of RAM or RTAS_OS_TERM_MAX bytes. */
static void rtas_ibm_os_term(struct rtas_call_ctx *ctx)
{
    if (ctx->nargs < 1) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    char msg[RTAS_OS_TERM_MAX + 1];
    size_t n = 0;
    uint64_t at = ctx->args[0];
    while (n < RTAS_OS_TERM_MAX) {
        const uint8_t *p = memory_ram_ptr(&ctx->machine->mem, at + n, 1);
        if (!p || *p == 0)
            break;
        /* Control bytes would garble the one-line report. */
        msg[n++] = *p >= 0x20 && *p < 0x7f ? (char)*p : ' ';
    }
    while (n > 0 && msg[n - 1] == ' ')      /* Linux ends its message with a newline */
        n--;
    msg[n] = 0;
    machine_request_exit(ctx->machine, EXIT_OS_TERM, 0, msg);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

/* ---- event-scan, check-exception ----
 * No event source here (no EPOW, hotplug or error injection) ever queues
 * an event, so both answer 1, "no errors found" -- QEMU's answer
 * (spapr_events.c) when its queue holds nothing for the mask -- once the
 * counts are right: event-scan (mask, critical, buffer, length) exactly 4
 * arguments, check-exception (vector, info, mask, critical, buffer,
 * length[, extended info]) 6 or 7; one result. Linux's rtasd calls
 * event-scan at the rtas-event-scan-rate; check-exception only comes from
 * /event-sources interrupts, which this machine does not describe. */
static void rtas_event_scan(struct rtas_call_ctx *ctx)
{
    bool ok = ctx->nargs == 4 && ctx->nret == 1;
    ctx->rets[0] = ok ? RTAS_OUT_NO_ERRORS_FOUND : (uint32_t)RTAS_OUT_PARAM_ERROR;
}

static void rtas_check_exception(struct rtas_call_ctx *ctx)
{
    bool ok = ctx->nargs >= 6 && ctx->nargs <= 7 && ctx->nret == 1;
    ctx->rets[0] = ok ? RTAS_OUT_NO_ERRORS_FOUND : (uint32_t)RTAS_OUT_PARAM_ERROR;
}

/* ---- ibm,get-system-parameter, ibm,set-system-parameter ----
 * (parameter, buffer, length). The buffer gets a big-endian 16-bit value
 * length, then as much of the value as fits in length - 2 bytes; a buffer
 * shorter than the length word is status -9999 (QEMU's sysparm_st). The
 * parameters QEMU answers are the rows below; any other (Linux 6.1 asks
 * 44, CMO, in pSeries_cmo_feature_init and 50, TLB block invalidate, at
 * boot; 43 and 55 from lparcfg) is -3, "not supported", as on QEMU, which
 * makes Linux carry on without the feature. */
#define RTAS_SYSPARM_SPLPAR_CHARACTERISTICS 20
#define RTAS_SYSPARM_DIAGNOSTICS_RUN_MODE 42
#define RTAS_SYSPARM_UUID 48

/* Writes the value into LEN bytes; returns its length, or -1 if it does
 * not fit (the call then says not supported: it never happens). */
typedef int (*sysparm_fn)(struct machine *m, char *out, size_t len);

/* lparcfg's shared-processor string, QEMU's fields and values (no hotplug,
 * so the maximum CPU count is -smp). QEMU 7.2 also adds HostThrs=N (seen under TCG
 * too, HostThrs=8); ppcrr leaves it out: it would describe the host, which
 * DESIGN.md §2 keeps out of the guest. */
static int sysparm_splpar(struct machine *m, char *out, size_t len)
{
    int n = snprintf(out, len, "MaxEntCap=%u,DesMem=%llu,DesProcs=%u,MaxPlatProcs=%u", m->ncpus,
                     (unsigned long long)(m->mem.ram_size >> 20), m->ncpus, m->ncpus);
    return n < 0 || (size_t)n >= len ? -1 : n + 1;       /* with its NUL, as QEMU */
}

/* One byte: 0, diagnostics disabled (QEMU's DIAGNOSTICS_RUN_MODE_DISABLED). */
static int sysparm_diag_run_mode(struct machine *m, char *out, size_t len)
{
    (void)m;
    (void)len;
    out[0] = 0;
    return 1;
}

/* QEMU returns the VM's UUID if one was given, else nothing (length 0);
 * ppcrr has no UUID (the root has no vm,uuid). */
static int sysparm_uuid(struct machine *m, char *out, size_t len)
{
    (void)m;
    (void)out;
    (void)len;
    return 0;
}

static const struct {
    uint32_t parameter;
    sysparm_fn get;
} sysparm_table[] = {
    { RTAS_SYSPARM_SPLPAR_CHARACTERISTICS, sysparm_splpar },
    { RTAS_SYSPARM_DIAGNOSTICS_RUN_MODE, sysparm_diag_run_mode },
    { RTAS_SYSPARM_UUID, sysparm_uuid },
};

static sysparm_fn sysparm_find(uint32_t parameter)
{
    for (size_t i = 0; i < sizeof sysparm_table / sizeof sysparm_table[0]; i++)
        if (sysparm_table[i].parameter == parameter)
            return sysparm_table[i].get;
    return NULL;
}

/* QEMU reads its three arguments whatever nargs says; here a wrong count
 * is a parameter error, and so is a buffer that is not all in RAM (QEMU
 * drops stores outside RAM silently). */
static void rtas_ibm_get_system_parameter(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 3, 1))
        return;
    uint32_t parameter = ctx->args[0], buffer = ctx->args[1], length = ctx->args[2];
    sysparm_fn get = sysparm_find(parameter);
    char value[256];
    int vlen = get ? get(ctx->machine, value, sizeof value) : -1;
    if (vlen < 0) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_NOT_SUPPORTED;
        return;
    }
    if (length < 2) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_SYSPARM_PARAM_ERROR;
        return;
    }
    uint32_t n = length - 2 < (uint32_t)vlen ? length - 2 : (uint32_t)vlen;
    struct guest_memory *mem = &ctx->machine->mem;
    if (!memory_ram_ptr(mem, buffer, 2ull + n)) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    uint8_t len_be[2] = { (uint8_t)(vlen >> 8), (uint8_t)vlen };
    memory_write(mem, buffer, len_be, 2);
    if (n)
        memory_write(mem, buffer + 2, value, n);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

/* (parameter, buffer). Nothing is settable: the parameters get answers
 * are -9002, "not authorized", the rest -3 (QEMU's answers). */
static void rtas_ibm_set_system_parameter(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 2, 1))
        return;
    ctx->rets[0] = sysparm_find(ctx->args[0]) ? (uint32_t)RTAS_OUT_NOT_AUTHORIZED
                                              : (uint32_t)RTAS_OUT_NOT_SUPPORTED;
}

/* ---- ibm,nmi-register, ibm,nmi-interlock (FWNMI) ----
 * Linux's fwnmi_init registers its system-reset and machine-check
 * handlers' real addresses at boot; without success it runs its own
 * vectors and prints nothing worse. The addresses are kept (guest-visible
 * state) but nothing delivers a machine check yet. Handlers at or above
 * 32 MiB or outside the RMA: -3, as QEMU (PAPR's limit). QEMU reads the two
 * arguments without checking the counts; here a wrong count is -3. */
static void rtas_ibm_nmi_register(struct rtas_call_ctx *ctx)
{
    if (!rtas_shape_ok(ctx, 2, 1))
        return;
    uint64_t rma = ctx->machine->mem.ram_size < MACHINE_RMA_MAX ? ctx->machine->mem.ram_size
                                                                 : MACHINE_RMA_MAX;
    uint64_t limit = rma < RTAS_FWNMI_LIMIT ? rma : RTAS_FWNMI_LIMIT;
    uint32_t sreset = ctx->args[0], mce = ctx->args[1];
    if (sreset >= limit || mce >= limit) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return;
    }
    struct rtas_state *s = rtas_state_of(ctx->machine);
    s->fwnmi_sreset = sreset;
    s->fwnmi_mce = mce;
    ctx->rets[0] = RTAS_OUT_SUCCESS;
}

/* Called at the end of an FWNMI handler. Before ibm,nmi-register: -3, as
 * QEMU. After it: success -- QEMU answers success whenever the caller is
 * not a vCPU holding the machine-check interlock (Linux calls this after
 * system resets too, which are never interlocked), and no vCPU here ever
 * holds it, as no machine check is delivered. */
static void rtas_ibm_nmi_interlock(struct rtas_call_ctx *ctx)
{
    bool registered = rtas_state_of(ctx->machine)->fwnmi_mce != RTAS_FWNMI_UNSET;
    ctx->rets[0] = registered ? RTAS_OUT_SUCCESS : (uint32_t)RTAS_OUT_PARAM_ERROR;
}

/* ---- set-indicator, get-sensor-state ----
 * The only indicators and sensors QEMU implements are the dynamic-
 * reconfiguration ones of its DR connectors: indicators 9001 (isolation),
 * 9002 (DR) and 9003 (allocation), sensor 9003 (entity sense), each
 * addressed by a DRC index from ibm,drc-indexes. This machine has no DR
 * connectors (no hotplug) and so no DRC index, and Linux -- which asks
 * about connectors only when the tree lists some, and the EPOW sensor (9)
 * only on an /event-sources interrupt -- gets -3 for any of them, "no
 * such indicator" (QEMU: -3 for an unknown DRC index or an unimplemented
 * type alike). get-sensor-state's state result is 0 then, as QEMU. */
static void rtas_set_indicator(struct rtas_call_ctx *ctx)
{
    /* (type, index, new state) → status; every path is -3 today, but a
     * wrong count is a parameter error, not a missing indicator. */
    bool counts_ok = ctx->nargs == 3 && ctx->nret == 1;
    ctx->rets[0] = counts_ok ? (uint32_t)RTAS_OUT_NO_SUCH_INDICATOR : (uint32_t)RTAS_OUT_PARAM_ERROR;
}

static void rtas_get_sensor_state(struct rtas_call_ctx *ctx)
{
    /* (type, index) → status, state. */
    if (!rtas_shape_ok(ctx, 2, 2))
        return;
    ctx->rets[0] = (uint32_t)RTAS_OUT_NO_SUCH_INDICATOR;
    ctx->rets[1] = 0;
}

/* ---- nvram-fetch, nvram-store ----
 * (offset, buffer, length) → status, bytes moved, as QEMU's spapr_nvram.c:
 * counts other than 3 and 2 are -3; no NVRAM device -1 (QEMU's answer
 * when its device is missing); a range past the end of the NVRAM -3 with
 * 0 moved. A guest buffer not all in RAM is -3 with 0 moved too (QEMU
 * would copy into whatever it could map): nothing outside the NVRAM or
 * RAM is ever touched. The range is checked in 64 bits, so offset +
 * length cannot wrap. */
static bool nvram_args(struct rtas_call_ctx *ctx, struct rtas_nvram **nv, uint64_t *offset,
                       uint64_t *buffer, uint64_t *len)
{
    if (ctx->nargs != 3 || ctx->nret != 2) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return false;
    }
    struct rtas_state *s = rtas_state_of(ctx->machine);
    ctx->rets[1] = 0;
    if (!s->has_nvram) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_HW_ERROR;
        return false;
    }
    *nv = &s->nvram;
    *offset = ctx->args[0];
    *buffer = ctx->args[1];
    *len = ctx->args[2];
    if (*offset + *len > s->nvram.size || !memory_ram_ptr(&ctx->machine->mem, *buffer, *len)) {
        ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        return false;
    }
    return true;
}

static void rtas_nvram_fetch(struct rtas_call_ctx *ctx)
{
    struct rtas_nvram *nv;
    uint64_t offset, buffer, len;
    if (!nvram_args(ctx, &nv, &offset, &buffer, &len))
        return;
    if (len)
        memory_write(&ctx->machine->mem, buffer, nv->buf + offset, len);
    ctx->rets[0] = RTAS_OUT_SUCCESS;
    ctx->rets[1] = (uint32_t)len;
}

/* A store the device cannot write through to its file is -1 with 0 bytes
 * stored (QEMU: -1 and what its block layer wrote); the NVRAM itself
 * still holds the new bytes, as in QEMU. */
static void rtas_nvram_store(struct rtas_call_ctx *ctx)
{
    struct rtas_nvram *nv;
    uint64_t offset, buffer, len;
    if (!nvram_args(ctx, &nv, &offset, &buffer, &len))
        return;
    if (len)
        memory_read(&ctx->machine->mem, buffer, nv->buf + offset, len);
    bool written = !nv->stored || len == 0 || nv->stored(nv->opaque, (uint32_t)offset, (uint32_t)len);
    ctx->rets[0] = written ? RTAS_OUT_SUCCESS : (uint32_t)RTAS_OUT_HW_ERROR;
    ctx->rets[1] = written ? (uint32_t)len : 0;
}

/* ---- the table ---------------------------------------------------------- */

const struct rtas_call_info rtas_table[] = {
#define RTAS(index_, name_, fn_) { .index = index_, .name = name_, .fn = fn_ },
#include "hcall/rtas.def"
#undef RTAS
};
const size_t rtas_table_count = sizeof rtas_table / sizeof rtas_table[0];

static const struct rtas_call_info *rtas_find(uint32_t token)
{
    if (token == RTAS_TOKEN_LEGACY_DISPLAY_CHARACTER)
        token = RTAS_TOKEN_BASE + 0x00;
    if (token < RTAS_TOKEN_BASE || token - RTAS_TOKEN_BASE >= rtas_table_count)
        return NULL;
    return &rtas_table[token - RTAS_TOKEN_BASE];
}

uint32_t rtas_token(const char *name)
{
    for (size_t i = 0; i < rtas_table_count; i++)
        if (strcmp(rtas_table[i].name, name) == 0)
            return RTAS_TOKEN_BASE + (uint32_t)i;
    return 0;
}

const char *rtas_token_name(uint32_t token)
{
    const struct rtas_call_info *call = rtas_find(token);
    return call ? call->name : NULL;
}

/* ---- dispatch ----------------------------------------------------------- */

static void emit_rtas_event(struct machine *m, const char *name, uint32_t token,
                            const uint32_t *args, uint32_t nargs, const uint32_t *rets,
                            uint32_t nret)
{
    if (!event_wanted(&m->events))
        return;
    struct event e = { .kind = EVENT_RTAS };
    machine_event_origin(m, &e);
    e.u.rtas.token_name = name;
    e.u.rtas.token = token;
    e.u.rtas.args = args;
    e.u.rtas.nargs = nargs;
    e.u.rtas.rets = rets;
    e.u.rtas.nrets = nret;
    event_emit(&m->events, &e);
}

/* KVMPPC_H_RTAS: r4 = the real address of the block (token, nargs, nret,
 * args[nargs], rets[nret], all big-endian 32-bit). A known token returns
 * H_SUCCESS whatever the call's status; an unknown one gets status -3 and
 * H_PARAMETER (both as QEMU). A block that is not all in RAM or claims more
 * than RTAS_MAX_ARGS words gets H_PARAMETER, and status -3 if its status
 * word is in RAM. */
static int64_t h_rtas(struct hcall_ctx *ctx, const uint64_t *hargs, uint64_t *hrets)
{
    struct machine *m = ctx->machine;
    uint64_t blk = hargs[0] & RTAS_REAL_MASK;
    uint32_t token, nargs, nret;
    (void)hrets;
    if (!hcall_read_be32(m, blk, &token) || !hcall_read_be32(m, blk + 4, &nargs) ||
        !hcall_read_be32(m, blk + 8, &nret))
        return H_PARAMETER;
    uint64_t args_at = blk + 12, rets_at = args_at + 4ull * nargs;
    if (nargs > RTAS_MAX_ARGS || nret > RTAS_MAX_ARGS ||
        !memory_ram_ptr(&m->mem, args_at, 4ull * (nargs + nret))) {
        if (nret > 0)
            hcall_write_be32(m, rets_at, (uint32_t)RTAS_OUT_PARAM_ERROR);
        return H_PARAMETER;
    }
    /* Results a call does not set keep what the guest left there (QEMU
     * writes only the words it sets). */
    uint32_t args[RTAS_MAX_ARGS], rets[RTAS_MAX_ARGS] = { 0 };
    for (uint32_t i = 0; i < nargs; i++)
        hcall_read_be32(m, args_at + 4ull * i, &args[i]);
    for (uint32_t i = 0; i < nret; i++)
        hcall_read_be32(m, rets_at + 4ull * i, &rets[i]);

    const struct rtas_call_info *call = rtas_find(token);
    int64_t ret = H_SUCCESS;
    if (call && call->fn) {
        struct rtas_call_ctx rc = { .machine = m, .cpu = ctx->cpu, .token = token,
                                    .nargs = nargs, .nret = nret, .args = args, .rets = rets };
        call->fn(&rc);
    } else {
        rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;
        ret = H_PARAMETER;
    }
    for (uint32_t i = 0; i < nret; i++)
        hcall_write_be32(m, rets_at + 4ull * i, rets[i]);
    emit_rtas_event(m, call ? call->name : "(unknown)", token, args, nargs, rets, nret);
    return ret;
}

/* ---- placement and the tree --------------------------------------------- */

uint64_t rtas_base(const struct machine *m)
{
    uint64_t top = m->mem.ram_size < MACHINE_RMA_MAX ? m->mem.ram_size : MACHINE_RMA_MAX;
    return top - RTAS_BELOW_TOP;
}

/* QEMU's formula (spapr_dt_rtas): the shim, the FWNMI machine-check error
 * log, 16 bytes per CPU for the system-reset save areas, and 8 bytes
 * because Linux's error-log check is off by one. */
uint32_t rtas_size(const struct machine *m)
{
    return RTAS_SHIM_SIZE + RTAS_ERROR_LOG_MAX + m->ncpus * 16u + 8u;
}

/* Row I goes into /rtas: implemented, and for the NVRAM calls only with
 * an NVRAM attached -- QEMU registers them from its NVRAM device, and
 * Linux's pseries nvram code needs both tokens and the nvram node. */
static bool rtas_published(const struct rtas_state *s, size_t i)
{
    rtas_fn fn = rtas_table[i].fn;
    if (fn == rtas_nvram_fetch || fn == rtas_nvram_store)
        return s->has_nvram;
    return fn != NULL;
}

static int rtas_fdt_part(struct machine *m, void *fdt, void *opaque)
{
    uint64_t base = rtas_base(m);
    uint8_t now[RTAS_SHIM_SIZE];
    /* The tree is built after the images are loaded: one that landed on
     * the shim would make the guest's first RTAS call jump into it. */
    if (!memory_read(&m->mem, base, now, sizeof now) || memcmp(now, rtas_shim, sizeof now)) {
        fprintf(stderr, "ppcrr: a loaded image overwrites the RTAS area at 0x%llx\n",
                (unsigned long long)base);
        return -FDT_ERR_BADSTATE;
    }
    int node = hcall_fdt_rtas_node(fdt), err = node < 0 ? node : 0;
    for (size_t i = 0; i < rtas_table_count && !err; i++)
        if (rtas_published(opaque, i))
            err = fdt_setprop_u32(fdt, node, rtas_table[i].name, RTAS_TOKEN_BASE + (uint32_t)i);
    const struct {
        const char *name;
        uint32_t value;
    } cells[] = {
        { "linux,rtas-base", (uint32_t)base },
        { "linux,rtas-entry", (uint32_t)base },
        { "rtas-size", rtas_size(m) },
        { "rtas-error-log-max", RTAS_ERROR_LOG_MAX },
        { "rtas-event-scan-rate", RTAS_EVENT_SCAN_RATE },
    };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0] && !err; i++)
        err = fdt_setprop_u32(fdt, node, cells[i].name, cells[i].value);
    /* Linux calls ibm,os-term from panic only when this says the call
     * returns (rtas_os_term()); ours does. */
    if (!err)
        err = fdt_setprop_empty(fdt, node, "ibm,extended-os-term");
    if (!err)
        err = fdt_add_mem_rsv(fdt, base, rtas_size(m));
    return err;
}

static void rtas_state_walk(struct machine *m, struct state_visitor *v, void *opaque)
{
    struct rtas_state *s = opaque;
    (void)m;
    STATE_FIELD(v, 1, s->tod_offset);
    STATE_FIELD(v, 2, s->fwnmi_sreset);
    STATE_FIELD(v, 3, s->fwnmi_mce);
}

int rtas_init(struct machine *m, char *err, size_t errlen)
{
    uint64_t top = m->mem.ram_size < MACHINE_RMA_MAX ? m->mem.ram_size : MACHINE_RMA_MAX;
    if (top < 2 * RTAS_BELOW_TOP) {
        snprintf(err, errlen, "rtas: %llu bytes of RAM is too small for the RTAS area "
                 "(1 MiB below the top of RAM; at least 2 MiB needed)",
                 (unsigned long long)m->mem.ram_size);
        return -1;
    }
    struct rtas_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "rtas: out of memory");
        return -1;
    }
    s->fwnmi_sreset = s->fwnmi_mce = RTAS_FWNMI_UNSET;
    memory_write(&m->mem, rtas_base(m), rtas_shim, sizeof rtas_shim);
    hcall_register(m, KVMPPC_H_RTAS, h_rtas, s);
    if (machine_add_fdt_part(m, rtas_fdt_part, s) < 0 ||
        machine_add_state_part(m, "rtas", rtas_state_walk, s) < 0) {
        hcall_unregister(m, KVMPPC_H_RTAS);
        free(s);
        snprintf(err, errlen, "rtas: no room for another device-tree part");
        return -1;
    }
    return 0;
}

void rtas_destroy(struct machine *m)
{
    struct rtas_state *s = rtas_state_of(m);
    hcall_unregister(m, KVMPPC_H_RTAS);
    free(s);
}

int rtas_attach_nvram(struct machine *m, const struct rtas_nvram *nvram)
{
    struct rtas_state *s = rtas_state_of(m);
    if (!s || s->has_nvram || !nvram->buf)
        return -1;
    s->nvram = *nvram;
    s->has_nvram = true;
    return 0;
}
