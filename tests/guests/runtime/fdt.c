/*
 * A minimal reader of the flattened device tree the machine passes in r3
 * (no libfdt in the guests). Node handles are offsets into the structure
 * block, as libfdt's are, so a node's handle points at its FDT_BEGIN_NODE
 * tag. Paths match a component either exactly or, when the component has
 * no '@', by the name before the unit address ("vty" finds "vty@71000000").
 */
#include "runtime.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

static const uint8_t *structs(const void *fdt)
{
    return (const uint8_t *)fdt + be32((const uint8_t *)fdt + 8);
}

static const char *strings(const void *fdt)
{
    return (const char *)fdt + be32((const uint8_t *)fdt + 12);
}

bool fdt_valid(const void *fdt)
{
    /* Real mode: any address reads, but a tree only lives in RAM well
     * above the guest image and 4-byte aligned. */
    if (!fdt || ((uintptr_t)fdt & 3))
        return false;
    const uint8_t *h = fdt;
    return be32(h) == FDT_MAGIC && be32(h + 20) >= 16 && be32(h + 24) <= 17;
}

uint32_t fdt_totalsize(const void *fdt)
{
    return be32((const uint8_t *)fdt + 4);
}

/* The tag at OFF; *next = the offset of the tag after it. */
static uint32_t next_tag(const void *fdt, int off, int *next)
{
    const uint8_t *s = structs(fdt);
    uint32_t tag = be32(s + off);
    int p = off + 4;
    if (tag == FDT_BEGIN_NODE)
        p += (int)strlen((const char *)s + p) + 1;
    else if (tag == FDT_PROP)
        p += 8 + (int)be32(s + p);
    *next = (p + 3) & ~3;
    return tag;
}

/* The first tag at or after OFF that is not a NOP. */
static int skip_nops(const void *fdt, int off)
{
    int next;
    while (next_tag(fdt, off, &next) == FDT_NOP)
        off = next;
    return off;
}

/* The offset after NODE's own properties (its first child or its end). */
static int after_props(const void *fdt, int node)
{
    int off;
    next_tag(fdt, node, &off);
    for (;;) {
        int next;
        uint32_t tag = next_tag(fdt, off, &next);
        if (tag != FDT_PROP && tag != FDT_NOP)
            return off;
        off = next;
    }
}

/* The offset after NODE's FDT_END_NODE. */
static int after_subtree(const void *fdt, int node)
{
    int depth = 0, off = node;
    for (;;) {
        int next;
        uint32_t tag = next_tag(fdt, off, &next);
        if (tag == FDT_BEGIN_NODE)
            depth++;
        else if (tag == FDT_END_NODE && --depth == 0)
            return next;
        else if (tag == FDT_END)
            return off;
        off = next;
    }
}

const char *fdt_name(const void *fdt, int node)
{
    return (const char *)structs(fdt) + node + 4;
}

int fdt_first_child(const void *fdt, int node)
{
    int off = skip_nops(fdt, after_props(fdt, node)), next;
    return next_tag(fdt, off, &next) == FDT_BEGIN_NODE ? off : -1;
}

int fdt_next_sibling(const void *fdt, int node)
{
    int off = skip_nops(fdt, after_subtree(fdt, node)), next;
    return next_tag(fdt, off, &next) == FDT_BEGIN_NODE ? off : -1;
}

static bool name_matches(const char *name, const char *comp, size_t len)
{
    if (strncmp(name, comp, len) != 0)
        return false;
    if (name[len] == 0)
        return true;
    /* "vty" matches "vty@71000000" unless the component gave an address. */
    for (size_t i = 0; i < len; i++)
        if (comp[i] == '@')
            return false;
    return name[len] == '@';
}

int fdt_path(const void *fdt, const char *path)
{
    if (!fdt_valid(fdt) || *path != '/')
        return -1;
    int node = skip_nops(fdt, 0);
    while (*path) {
        while (*path == '/')
            path++;
        if (!*path)
            break;
        size_t len = 0;
        while (path[len] && path[len] != '/')
            len++;
        int child = fdt_first_child(fdt, node);
        while (child >= 0 && !name_matches(fdt_name(fdt, child), path, len))
            child = fdt_next_sibling(fdt, child);
        if (child < 0)
            return -1;
        node = child;
        path += len;
    }
    return node;
}

const void *fdt_prop(const void *fdt, int node, const char *name, int *len)
{
    const uint8_t *s = structs(fdt);
    int off;
    next_tag(fdt, node, &off);
    for (;;) {
        int next;
        uint32_t tag = next_tag(fdt, off, &next);
        if (tag == FDT_PROP) {
            if (strcmp(strings(fdt) + be32(s + off + 8), name) == 0) {
                if (len)
                    *len = (int)be32(s + off + 4);
                return s + off + 12;
            }
        } else if (tag != FDT_NOP) {
            return 0;
        }
        off = next;
    }
}

bool fdt_prop_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
    int len;
    const void *p = fdt_prop(fdt, node, name, &len);
    if (!p || len < 4)
        return false;
    *out = be32(p);
    return true;
}

/* One cell or two (a 64-bit value), as the property's length says. */
bool fdt_prop_u64(const void *fdt, int node, const char *name, uint64_t *out)
{
    int len;
    const void *p = fdt_prop(fdt, node, name, &len);
    if (!p || len < 4)
        return false;
    *out = len >= 8 ? be64(p) : be32(p);
    return true;
}

bool fdt_is_compatible(const void *fdt, int node, const char *compat)
{
    int len;
    const char *p = fdt_prop(fdt, node, "compatible", &len);
    if (!p)
        return false;
    /* A list of NUL-terminated strings. */
    for (int at = 0; at < len;) {
        if (strcmp(p + at, compat) == 0)
            return true;
        at += (int)strlen(p + at) + 1;
    }
    return false;
}

int fdt_find_compatible(const void *fdt, int start, const char *compat)
{
    if (!fdt_valid(fdt))
        return -1;
    int off = start < 0 ? skip_nops(fdt, 0) : after_props(fdt, start);
    for (;;) {
        int next;
        uint32_t tag = next_tag(fdt, off, &next);
        if (tag == FDT_END)
            return -1;
        if (tag == FDT_BEGIN_NODE && (start < 0 || off != start) &&
            fdt_is_compatible(fdt, off, compat))
            return off;
        off = next;
    }
}
