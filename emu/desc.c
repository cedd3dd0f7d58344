/*
 * The machine description (desc.h): loading it (the embedded pSeries
 * tree, a user's .dtb, or a user's .dts compiled by running dtc), checking
 * it before anything is built from it, and binding its nodes to device
 * types.
 *
 * A description may be anybody's file, so it is checked whole first --
 * header and structure by libfdt (fdt_check_full), then what ppcrr relies
 * on: cells in range, every `reg` a whole number of entries, MMIO ranges
 * that overlap neither each other nor RAM, aliases that name real nodes,
 * string properties that are terminated strings. Every complaint names
 * the node and the property, so a user can fix the file without reading
 * this code.
 */
#include "emu/desc.h"

#include <errno.h>
#include <libfdt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu/device.h"
#include "emu/machine.h"

extern char **environ;

#ifndef PPCRR_DTC
#define PPCRR_DTC "dtc"
#endif

#define DESC_MAX_BYTES (16u << 20)   /* a description is a few KiB; refuse absurd files */
#define DESC_MAX_DEPTH 32            /* nesting beyond this is not a machine */

/* Nodes every run generates (guest_fdt.c, the /rtas part): a description
 * that also had them would give the guest two of each. */
static const char *const generated_nodes[] = { "cpus", "memory", "chosen", "rtas" };

/* ---- reading the file ---- */

static void *read_stream(FILE *f, size_t *size, const char *file, char *err, size_t errlen)
{
    size_t cap = 64 << 10, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        if (cap >= DESC_MAX_BYTES) {
            snprintf(err, errlen, "%s: larger than %u MiB: not a machine description", file,
                     DESC_MAX_BYTES >> 20);
            free(buf);
            return NULL;
        }
        uint8_t *bigger = realloc(buf, cap * 2);
        if (!bigger)
            free(buf);
        buf = bigger;
        cap *= 2;
    }
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", file);
        return NULL;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", file, strerror(errno));
        free(buf);
        return NULL;
    }
    *size = len;
    return buf;
}

/* dtc's complaint, folded onto one line for the error message. */
static void dtc_message(FILE *errs, char *out, size_t outlen)
{
    char line[512];
    size_t used = 0;
    out[0] = '\0';
    rewind(errs);
    while (fgets(line, sizeof line, errs) && used + 1 < outlen) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0])
            continue;
        used += (size_t)snprintf(out + used, outlen - used, "%s%s", used ? "; " : "", line);
    }
    if (!out[0])
        snprintf(out, outlen, "no message");
}

/* Runs dtc on FILE through a pipe (the build's dtc, PPCRR_DTC). Its
 * messages go to an anonymous temporary file, not a second pipe, so a
 * chatty dtc can never block while we wait on its output. */
static void *compile_dts(const char *file, size_t *size, char *err, size_t errlen)
{
    int out[2];
    FILE *errs = tmpfile();
    if (!errs || pipe(out) < 0) {
        snprintf(err, errlen, "%s: cannot run dtc: %s", file, strerror(errno));
        if (errs)
            fclose(errs);
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fileno(errs), STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, out[1]);
    /* -q: dtc's style warnings are not errors here (desc_load checks what
     * matters); "--": a file named "-x.dts" is still a file. */
    char *argv[] = { PPCRR_DTC, "-q", "-I", "dts", "-O", "dtb", "--", (char *)file, NULL };
    pid_t pid;
    int rc = posix_spawn(&pid, PPCRR_DTC, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot run dtc (%s): %s", file, PPCRR_DTC, strerror(rc));
        close(out[0]);
        fclose(errs);
        return NULL;
    }
    FILE *f = fdopen(out[0], "rb");
    void *buf = f ? read_stream(f, size, file, err, errlen) : NULL;
    if (f)
        fclose(f);      /* a reader that gave up early: dtc gets EPIPE and ends */
    else
        close(out[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (buf && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        char msg[1024];
        dtc_message(errs, msg, sizeof msg);
        snprintf(err, errlen, "%s: dtc could not compile it: %s", file, msg);
        free(buf);
        buf = NULL;
    }
    fclose(errs);
    return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The description's bytes, in a buffer of at least a header's size (so
 * fdt_check_header never reads past the end of a short file). */
static void *load_bytes(const char *file, size_t *size, char *err, size_t errlen)
{
    void *buf;
    if (!file) {
        buf = malloc(desc_pseries_dtb_size);
        if (buf)
            memcpy(buf, desc_pseries_dtb, desc_pseries_dtb_size);
        *size = desc_pseries_dtb_size;
    } else if (ends_with(file, ".dts")) {
        buf = compile_dts(file, size, err, errlen);
        if (!buf)
            return NULL;
    } else {
        FILE *f = fopen(file, "rb");
        if (!f) {
            snprintf(err, errlen, "%s: cannot open: %s", file, strerror(errno));
            return NULL;
        }
        buf = read_stream(f, size, file, err, errlen);
        fclose(f);
        if (!buf)
            return NULL;
    }
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (*size < sizeof(struct fdt_header)) {
        void *bigger = realloc(buf, sizeof(struct fdt_header));
        if (!bigger) {
            free(buf);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        buf = bigger;
        memset((uint8_t *)buf + *size, 0, sizeof(struct fdt_header) - *size);
    }
    return buf;
}

/* ---- checking the tree ---- */

struct mmio_range {
    int node;
    uint64_t base, last;      /* inclusive, so a range may end at 2^64 - 1 */
};

struct check {
    const void *fdt;
    const char *file;
    uint64_t ram_size;
    struct mmio_range *ranges;
    size_t nranges, cap;
    char *err;
    size_t errlen;
};

/* PROP, if present, must be a list of non-empty NUL-terminated strings. */
static int check_stringlist(struct check *c, int node, const char *prop)
{
    int len;
    const char *p = fdt_getprop(c->fdt, node, prop, &len);
    if (!p)
        return 0;
    bool ok = len > 0 && p[len - 1] == '\0' && p[0] != '\0';
    for (int i = 1; ok && i < len; i++)
        ok = !(p[i] == '\0' && p[i - 1] == '\0');
    if (!ok) {
        char path[256];
        snprintf(c->err, c->errlen, "%s: node %s: property %s: not a list of strings", c->file,
                 device_node_path(c->fdt, node, path, sizeof path), prop);
        return -1;
    }
    return 0;
}

static int add_range(struct check *c, int node, uint64_t base, uint64_t size)
{
    char path[256];
    if (size == 0 || base + (size - 1) < base) {
        snprintf(c->err, c->errlen, "%s: node %s: property reg: MMIO range 0x%llx, size 0x%llx, "
                 "is %s", c->file, device_node_path(c->fdt, node, path, sizeof path),
                 (unsigned long long)base, (unsigned long long)size,
                 size ? "past the end of the address space" : "empty");
        return -1;
    }
    if (base < c->ram_size) {
        snprintf(c->err, c->errlen, "%s: node %s: property reg: MMIO range 0x%llx-0x%llx "
                 "overlaps RAM (0-0x%llx)", c->file,
                 device_node_path(c->fdt, node, path, sizeof path), (unsigned long long)base,
                 (unsigned long long)(base + (size - 1)), (unsigned long long)(c->ram_size - 1));
        return -1;
    }
    if (c->nranges == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct mmio_range *r = realloc(c->ranges, cap * sizeof *r);
        if (!r) {
            snprintf(c->err, c->errlen, "out of memory");
            return -1;
        }
        c->ranges = r;
        c->cap = cap;
    }
    c->ranges[c->nranges++] = (struct mmio_range){ node, base, base + (size - 1) };
    return 0;
}

/* NODE's `reg`: whole entries; when NODE sits in the CPU's physical
 * address space, each entry is an MMIO range to check for overlaps. */
static int check_reg(struct check *c, int node, unsigned ac, unsigned sc, bool physical)
{
    if (!fdt_getprop(c->fdt, node, "reg", NULL))
        return 0;
    uint64_t base, size;
    int n = device_node_reg(c->fdt, node, ac, sc, 0, &base, &size, c->err, c->errlen);
    if (n < 0) {
        char msg[512];     /* device_node_reg's message, behind the file name */
        snprintf(msg, sizeof msg, "%s", c->err);
        snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
        return -1;
    }
    for (int i = 0; physical && sc > 0 && i < n; i++) {
        if (i > 0)
            device_node_reg(c->fdt, node, ac, sc, (unsigned)i, &base, &size, c->err, c->errlen);
        if (add_range(c, node, base, size) < 0)
            return -1;
    }
    return 0;
}

static int range_cmp(const void *a, const void *b)
{
    const struct mmio_range *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

static int check_overlaps(struct check *c)
{
    if (c->nranges > 1)
        qsort(c->ranges, c->nranges, sizeof *c->ranges, range_cmp);
    for (size_t i = 1; i < c->nranges; i++) {
        const struct mmio_range *a = &c->ranges[i - 1], *b = &c->ranges[i];
        if (b->base <= a->last) {
            char pa[256], pb[256];
            snprintf(c->err, c->errlen, "%s: node %s: property reg: MMIO range 0x%llx-0x%llx "
                     "overlaps node %s's 0x%llx-0x%llx", c->file,
                     device_node_path(c->fdt, b->node, pb, sizeof pb), (unsigned long long)b->base,
                     (unsigned long long)b->last, device_node_path(c->fdt, a->node, pa, sizeof pa),
                     (unsigned long long)a->base, (unsigned long long)a->last);
            return -1;
        }
    }
    return 0;
}

/* Every alias must be an absolute path to a node. (A relative one would
 * be looked up as another alias by libfdt, and two aliases naming each
 * other would recurse forever.) */
static int check_aliases(struct check *c)
{
    int aliases = fdt_path_offset(c->fdt, "/aliases");
    if (aliases < 0)
        return 0;
    int prop;
    fdt_for_each_property_offset(prop, c->fdt, aliases) {
        const char *name;
        int len;
        const char *value = fdt_getprop_by_offset(c->fdt, prop, &name, &len);
        if (!value || !name)
            continue;
        bool is_string = len > 0 && memchr(value, '\0', (size_t)len) == value + len - 1;
        if (!is_string || value[0] != '/' || fdt_path_offset(c->fdt, value) < 0) {
            snprintf(c->err, c->errlen, "%s: node /aliases: property %s: %s%s%s names no node",
                     c->file, name, is_string ? "\"" : "",
                     is_string ? value : "(not a string)", is_string ? "\"" : "");
            return -1;
        }
    }
    return 0;
}

/* What one node must satisfy, given what its parent gives it. */
static int check_node(struct check *c, int node, int depth, unsigned ac, unsigned sc,
                      bool physical)
{
    char path[256];
    if (depth == 1) {
        const char *name = fdt_get_name(c->fdt, node, NULL);
        size_t base_len = name ? strcspn(name, "@") : 0;
        for (size_t i = 0; name && i < sizeof generated_nodes / sizeof *generated_nodes; i++)
            if (strlen(generated_nodes[i]) == base_len &&
                strncmp(name, generated_nodes[i], base_len) == 0) {
                snprintf(c->err, c->errlen, "%s: node %s: generated for each run (from -m, -smp, "
                         "-append...); a machine description must not contain it", c->file,
                         device_node_path(c->fdt, node, path, sizeof path));
                return -1;
            }
    }
    static const char *const string_props[] = { "compatible", "device_type", "ppcrr,irq-connect",
                                                "ppcrr,chardev" };
    for (size_t i = 0; i < sizeof string_props / sizeof *string_props; i++)
        if (check_stringlist(c, node, string_props[i]) < 0)
            return -1;
    if (depth > 0 && check_reg(c, node, ac, sc, physical) < 0)
        return -1;
    return 0;
}

/* Walks the tree once, keeping per depth the cells and whether children
 * are in the CPU's physical address space: the root's are, and so are a
 * node's when it is and has an empty `ranges` (an identity mapping). Other
 * buses (the VIO bus: unit addresses) are not MMIO. */
static int check_tree(struct check *c)
{
    struct {
        unsigned ac, sc;
        bool physical;
    } level[DESC_MAX_DEPTH + 1];
    char path[256];
    int depth = 0;
    /* (fdt_next_node ends with depth < 0, not always a negative offset) */
    for (int node = 0; node >= 0 && depth >= 0; node = fdt_next_node(c->fdt, node, &depth)) {
        if (depth > DESC_MAX_DEPTH) {
            snprintf(c->err, c->errlen, "%s: node %s: nested deeper than %d levels", c->file,
                     device_node_path(c->fdt, node, path, sizeof path), DESC_MAX_DEPTH);
            return -1;
        }
        const unsigned ac = depth ? level[depth - 1].ac : 0, sc = depth ? level[depth - 1].sc : 0;
        const bool physical = depth ? level[depth - 1].physical : false;
        if (check_node(c, node, depth, ac, sc, physical) < 0)
            return -1;
        char msg[512];
        if (device_node_cells(c->fdt, node, &level[depth].ac, &level[depth].sc, msg,
                              sizeof msg) < 0) {
            snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
            return -1;
        }
        int len;
        const void *ranges = fdt_getprop(c->fdt, node, "ranges", &len);
        level[depth].physical = depth == 0 || (physical && ranges && len == 0);
    }
    return 0;
}

static int check_desc(const void *fdt, size_t size, const char *file, uint64_t ram_size, char *err,
                      size_t errlen)
{
    int rc = fdt_check_header(fdt);
    if (rc == 0 && fdt_totalsize(fdt) > size)
        rc = -FDT_ERR_TRUNCATED;
    if (rc == 0)
        rc = fdt_check_full(fdt, size);
    if (rc != 0) {
        snprintf(err, errlen, "%s: not a valid device tree blob (%s)", file, fdt_strerror(rc));
        return -1;
    }
    struct check c = { .fdt = fdt, .file = file, .err = err, .errlen = errlen,
                       .ram_size = (ram_size + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1) };
    rc = check_tree(&c);
    if (rc == 0)
        rc = check_overlaps(&c);
    if (rc == 0)
        rc = check_aliases(&c);
    free(c.ranges);
    return rc;
}

int desc_load(struct machine *m, const char *file, char *err, size_t errlen)
{
    const char *label = file ? file : "built-in pSeries description";
    size_t size = 0;
    void *fdt = load_bytes(file, &size, err, errlen);
    if (!fdt)
        return -1;
    if (check_desc(fdt, size, label, m->cfg.ram_size, err, errlen) < 0) {
        free(fdt);
        return -1;
    }
    free(m->desc);
    m->desc = fdt;
    return 0;
}

/* ---- binding ---- */

/* The name a device goes by: the first alias naming its node, else the
 * node's own name; the path if another device took that name already
 * (names label events and lines, so they must be unique). */
static const char *device_name(const struct machine *m, int node, const char *path)
{
    const void *fdt = m->desc;
    const char *name = NULL;
    int aliases = fdt_path_offset(fdt, "/aliases"), prop;
    if (aliases >= 0)
        fdt_for_each_property_offset(prop, fdt, aliases) {
            const char *alias;
            const char *value = fdt_getprop_by_offset(fdt, prop, &alias, NULL);
            /* desc_load checked: absolute paths, terminated, resolving */
            if (value && alias && fdt_path_offset(fdt, value) == node) {
                name = alias;
                break;
            }
        }
    if (!name)
        name = fdt_get_name(fdt, node, NULL);
    for (size_t i = 0; name && i < m->ndevices; i++)
        if (strcmp(m->devices[i]->name, name) == 0)
            return path;
    return name ? name : path;
}

/* The registered type for NODE's compatible list: the first string that
 * has one wins. */
static const struct device_type *find_type(const void *fdt, int node, const char *path, char *err,
                                           size_t errlen)
{
    int n = fdt_stringlist_count(fdt, node, "compatible");
    for (int i = 0; i < n; i++) {
        const char *s = fdt_stringlist_get(fdt, node, "compatible", i, NULL);
        const struct device_type *t = s ? device_type_find(s) : NULL;
        if (t)
            return t;
    }
    int len;
    const char *list = fdt_getprop(fdt, node, "compatible", &len);
    char names[256] = "";
    size_t used = 0;
    for (int at = 0; list && at < len && used + 1 < sizeof names; at += (int)strlen(list + at) + 1)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s\"%s\"", used ? ", " : "",
                                 list + at);
    snprintf(err, errlen, "node %s: property compatible: no device type is registered for %s",
             path, names);
    return NULL;
}

static int bind_node(struct machine *m, int node, struct device *parent, struct device **out,
                     char *err, size_t errlen)
{
    char path[1024];
    if (fdt_get_path(m->desc, node, path, sizeof path) < 0) {
        snprintf(err, errlen, "node at offset %d: path longer than %zu bytes", node, sizeof path);
        return -1;
    }
    const struct device_type *type = find_type(m->desc, node, path, err, errlen);
    if (!type)
        return -1;
    struct device **list = realloc(m->devices, (m->ndevices + 1) * sizeof *list);
    if (list)
        m->devices = list;
    struct device *dev = list ? device_create(m, type, node, path, device_name(m, node, path)) : NULL;
    if (!dev) {
        snprintf(err, errlen, "node %s: out of memory", path);
        return -1;
    }
    dev->parent = parent;
    dev->direct_child = parent && fdt_parent_offset(m->desc, node) == parent->node;
    /* Recorded before realize, so a device that fails half-way is still
     * destroyed with the machine. */
    m->devices[m->ndevices++] = dev;
    *out = dev;
    err[0] = '\0';
    if (type->realize && type->realize(dev, err, errlen) < 0) {
        if (!err[0])
            snprintf(err, errlen, "node %s: device type \"%s\" failed to realize", path,
                     type->compatible);
        return -1;
    }
    return 0;
}

/* The device whose node made LINE ("<device name>.<line>"); the longest
 * matching name, since a name may itself contain a dot. */
static struct device *line_owner(const struct machine *m, const struct irq_line *line)
{
    struct device *best = NULL;
    for (size_t i = 0; i < m->ndevices; i++) {
        struct device *d = m->devices[i];
        size_t n = strlen(d->name);
        if (strncmp(line->name, d->name, n) == 0 && line->name[n] == '.' &&
            (!best || n > strlen(best->name)))
            best = d;
    }
    return best;
}

/* Connects every output line to the input its node names. */
static int connect_lines(struct machine *m, char *err, size_t errlen)
{
    for (size_t i = 0; i < m->n_irq_outputs; i++) {
        struct irq_line *l = m->irq_outputs[i];
        if (!l->input_name)
            continue;
        size_t j = 0;
        while (j < m->n_irq_inputs && strcmp(m->irq_inputs[j].name, l->input_name) != 0)
            j++;
        if (j == m->n_irq_inputs) {
            const struct device *d = line_owner(m, l);
            snprintf(err, errlen, "node %s: property ppcrr,irq-connect: no interrupt input is "
                     "named \"%s\" (line %s; %zu inputs are registered)", d ? d->path : "?",
                     l->input_name, l->name, m->n_irq_inputs);
            return -1;
        }
        l->input = m->irq_inputs[j].fn;
        l->input_opaque = m->irq_inputs[j].opaque;
    }
    return 0;
}

/* A `ppcrr,irq-connect` that no line uses is a wiring mistake too (the
 * node is not a device, or its device has no interrupt output). */
static int check_unused_connects(struct machine *m, char *err, size_t errlen)
{
    int node = -1;
    while ((node = fdt_next_node(m->desc, node, NULL)) >= 0) {
        if (!fdt_getprop(m->desc, node, "ppcrr,irq-connect", NULL))
            continue;
        const struct device *dev = NULL;
        for (size_t i = 0; i < m->ndevices && !dev; i++)
            if (m->devices[i]->node == node)
                dev = m->devices[i];
        bool used = false;
        for (size_t i = 0; dev && i < m->n_irq_outputs && !used; i++)
            used = line_owner(m, m->irq_outputs[i]) == dev;
        if (!used) {
            char path[256];
            snprintf(err, errlen, "node %s: property ppcrr,irq-connect: %s",
                     device_node_path(m->desc, node, path, sizeof path),
                     dev ? "the device has no interrupt output to connect"
                         : "the node has no compatible, so no device drives a line");
            return -1;
        }
    }
    return 0;
}

int desc_bind_devices(struct machine *m, char *err, size_t errlen)
{
    if (!m->desc) {
        snprintf(err, errlen, "no machine description loaded");
        return -1;
    }
    /* Depth-first, so parents realize before their children; the stack
     * holds the nearest bound ancestor at each depth. The walk starts
     * below the root: the root's compatible names the platform, not a
     * device. */
    struct device *bound[DESC_MAX_DEPTH + 1] = { NULL };
    int depth = 0;
    for (int node = fdt_next_node(m->desc, 0, &depth); node >= 0 && depth > 0;
         node = fdt_next_node(m->desc, node, &depth)) {
        if (depth > DESC_MAX_DEPTH)
            continue;       /* desc_load refused such a tree */
        struct device *parent = bound[depth - 1];
        bound[depth] = parent;
        if (!fdt_getprop(m->desc, node, "compatible", NULL))
            continue;
        if (bind_node(m, node, parent, &bound[depth], err, errlen) < 0)
            return -1;
    }
    if (connect_lines(m, err, errlen) < 0)
        return -1;
    return check_unused_connects(m, err, errlen);
}
