/*
 * RTAS, reached through the KVMPPC_H_RTAS hypercall (0xf000) from a
 * 20-byte shim the machine places in guest memory (mr r4,r3; r3 = 0xf000;
 * sc 1; blr), as on QEMU's pseries machine. r4 points at a big-endian
 * block: token, nargs, nret, args[nargs], rets[nret].
 *
 * One table (rtas.def) feeds both the dispatcher and the device tree
 * (/rtas gets one property per call, named as the call, holding its
 * token). Tokens are 0x2000 + the call's index in the table, as QEMU
 * numbers them. Each call's arguments and results are an RTAS event.
 */
#ifndef PPCRR_HCALL_RTAS_H
#define PPCRR_HCALL_RTAS_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/machine.h"

#define RTAS_TOKEN_BASE 0x2000u

/* Some Linux early-debug code calls display-character with the token it
 * has on some real machines without reading the tree; QEMU honours it. */
#define RTAS_TOKEN_LEGACY_DISPLAY_CHARACTER 0xau

/* Where the shim lives: 1 MiB below the top of the RMA (the first 256 MiB,
 * or all RAM when smaller), above the device tree (MACHINE_FDT_BELOW_TOP)
 * and out of the way of kernels and initrds loaded from the bottom. The
 * area is rtas_size() bytes: the shim, then room for the FWNMI error log
 * and per-CPU save areas, sized as QEMU's pseries sizes it. */
#define RTAS_BELOW_TOP 0x100000ull
#define RTAS_SHIM_SIZE 20u
#define RTAS_ERROR_LOG_MAX 2048u
#define RTAS_EVENT_SCAN_RATE 1u

/* nargs and nret of one call are each at most this (Linux's rtas_args
 * holds 16 words for both together). A block claiming more is refused. */
#define RTAS_MAX_ARGS 16u

/* RTAS status codes (PAPR). */
#define RTAS_OUT_SUCCESS 0
#define RTAS_OUT_NO_SUCH_INDICATOR (-3)
#define RTAS_OUT_HW_ERROR (-1)
#define RTAS_OUT_BUSY (-2)
#define RTAS_OUT_PARAM_ERROR (-3)
#define RTAS_OUT_NOT_SUPPORTED (-3)
#define RTAS_OUT_NOT_AUTHORIZED (-9002)
#define RTAS_OUT_NO_ERRORS_FOUND 1          /* event-scan, check-exception: no event */
#define RTAS_OUT_SYSPARM_PARAM_ERROR (-9999) /* ibm,get-system-parameter: buffer too small */

struct rtas_call_ctx {
    struct machine *machine;
    struct cpu *cpu;
    uint32_t token;
    uint32_t nargs, nret;
    const uint32_t *args;
    uint32_t *rets;               /* rets[0] is the status */
};

typedef void (*rtas_fn)(struct rtas_call_ctx *ctx);

/* A call's first check: exactly NARGS arguments and NRET results, else the
 * parameter-error status (-3), as PAPR and QEMU answer; false then. */
static inline bool rtas_shape_ok(struct rtas_call_ctx *ctx, uint32_t nargs, uint32_t nret)
{
    if (ctx->nargs == nargs && ctx->nret == nret)
        return true;
    ctx->rets[0] = (uint32_t)RTAS_OUT_PARAM_ERROR;   /* copied back only if nret >= 1 */
    return false;
}

/* The RTAS table (rtas.def): row i is token RTAS_TOKEN_BASE + i; FN is
 * NULL for a call not implemented yet. */
struct rtas_call_info {
    uint32_t index;
    const char *name;
    rtas_fn fn;
};
extern const struct rtas_call_info rtas_table[];
extern const size_t rtas_table_count;

/* The 20-byte shim, big-endian instructions (QEMU's spapr-rtas.S, later
 * embedded in SLOF and VOF): mr r4,r3; lis r3,0; ori r3,r3,0xf000; sc 1; blr. */
extern const uint8_t rtas_shim[RTAS_SHIM_SIZE];

/* Places the shim, registers KVMPPC_H_RTAS and the /rtas tree part. */
int rtas_init(struct machine *m, char *err, size_t errlen);

/* Frees what rtas_init allocated (hcall_destroy calls it). */
void rtas_destroy(struct machine *m);

/* Where the shim is (the /rtas linux,rtas-base / linux,rtas-entry). */
uint64_t rtas_base(const struct machine *m);

/* The size of the RTAS area (/rtas rtas-size, reserved in the tree). */
uint32_t rtas_size(const struct machine *m);

/* The token of the table row NAME, 0 if there is none; the name of TOKEN,
 * NULL if it is not in the table. */
uint32_t rtas_token(const char *name);
const char *rtas_token_name(uint32_t token);

/* The partition's NVRAM, which a device (vio/nvram.c) attaches: nvram-fetch
 * and nvram-store copy between BUF (SIZE bytes, owned by the device) and
 * guest memory; after a store, STORED (if set) is told the range so the
 * device can write it through to its file, and a false return makes the
 * store's status a hardware error. One per partition: a second attach, or
 * one before rtas_init, fails. Without one the two calls are not in /rtas. */
struct rtas_nvram {
    uint8_t *buf;
    uint32_t size;
    bool (*stored)(void *opaque, uint32_t offset, uint32_t len);
    void *opaque;
};
int rtas_attach_nvram(struct machine *m, const struct rtas_nvram *nvram);

#endif
