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

#include <stdint.h>

#include "emu/machine.h"

#define RTAS_TOKEN_BASE 0x2000u

/* RTAS status codes (PAPR). */
#define RTAS_OUT_SUCCESS 0
#define RTAS_OUT_NO_SUCH_INDICATOR (-3)
#define RTAS_OUT_HW_ERROR (-1)
#define RTAS_OUT_BUSY (-2)
#define RTAS_OUT_PARAM_ERROR (-3)
#define RTAS_OUT_NOT_SUPPORTED (-3)
#define RTAS_OUT_NOT_AUTHORIZED (-9002)

struct rtas_call_ctx {
    struct machine *machine;
    struct cpu *cpu;
    uint32_t token;
    uint32_t nargs, nret;
    const uint32_t *args;
    uint32_t *rets;               /* rets[0] is the status */
};

typedef void (*rtas_fn)(struct rtas_call_ctx *ctx);

/* Places the shim, registers KVMPPC_H_RTAS and the /rtas tree part. */
int rtas_init(struct machine *m, char *err, size_t errlen);

/* Where the shim is (the /rtas linux,rtas-base / linux,rtas-entry). */
uint64_t rtas_base(const struct machine *m);

#endif
