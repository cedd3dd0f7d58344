/*
 * RTAS calls the way QEMU's pseries machine and ppcrr take them: the
 * KVMPPC_H_RTAS hypercall (0xf000) with r4 = the real address of a
 * big-endian block { token, nargs, nret, args[nargs], rets[nret] }.
 * (Firmware normally hides this behind a 20-byte shim at linux,rtas-entry;
 * a guest without firmware makes the hypercall itself.) Tokens are read
 * from the properties of /rtas, never assumed.
 */
#include "runtime.h"

#define RTAS_MAX_WORDS 16

static uint32_t rtas_block[3 + RTAS_MAX_WORDS] __attribute__((aligned(8)));

uint32_t rtas_token(const char *name)
{
    int node = fdt_path(boot.fdt, "/rtas");
    uint32_t token;
    return node >= 0 && fdt_prop_u32(boot.fdt, node, name, &token) ? token : 0;
}

long rtas_call(uint32_t token, int nargs, int nret, const uint32_t *args, uint32_t *rets)
{
    if (nargs < 0 || nret < 0 || nargs + nret > RTAS_MAX_WORDS)
        rt_panic("rtas_call: %d args and %d rets do not fit", nargs, nret);
    rtas_block[0] = __builtin_bswap32(token);
    rtas_block[1] = __builtin_bswap32((uint32_t)nargs);
    rtas_block[2] = __builtin_bswap32((uint32_t)nret);
    for (int i = 0; i < nargs; i++)
        rtas_block[3 + i] = __builtin_bswap32(args[i]);
    /* Poison the results so that a call that writes none shows. */
    for (int i = 0; i < nret; i++)
        rtas_block[3 + nargs + i] = 0xdeadbeefu;
    long rc = hcall1(KVMPPC_H_RTAS, (uintptr_t)rtas_block);
    for (int i = 0; i < nret; i++)
        rets[i] = __builtin_bswap32(rtas_block[3 + nargs + i]);
    return rc;
}

int rtas_call_named(const char *name, int nargs, int nret, const uint32_t *args, uint32_t *rets)
{
    uint32_t token = rtas_token(name);
    if (!token)
        return -100;
    rtas_call(token, nargs, nret, args, rets);
    return nret ? (int)rets[0] : 0;
}
