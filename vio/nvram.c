/*
 * The NVRAM: a VIO device (compatible "qemu,spapr-nvram", as QEMU's
 * spapr-nvram) whose bytes the guest reads and writes with the RTAS calls
 * nvram-fetch and nvram-store (hcall/rtas.c, which this device attaches
 * its buffer to). Linux's pseries nvram code finds it by device_type
 * "nvram" and its size in "#bytes", and keeps its oops/panic log
 * (lnx,oops-log) and RTAS error log (ibm,rtas-log) there, in partitions it
 * carves from the free partition.
 *
 * Backing: the -nvram FILE, whose size is the NVRAM's size (8 KiB to
 * 0xffff0 bytes, QEMU's limits, in whole 16-byte blocks); a missing or empty file is created with
 * 64 KiB. Without -nvram the NVRAM is 64 KiB in memory, lost at exit.
 *
 * Stores are written through to the file at once (pwrite of the stored
 * range, as QEMU's blk_pwrite per store) rather than at exit: Linux writes
 * the NVRAM when it is dying -- an oops or panic record -- and that is
 * exactly when the run may end by a crash, an emulator error, a signal or
 * -max-insns, so the file must not depend on a clean exit. Stores are rare
 * and small (Linux moves at most 32 bytes per call), so the cost is nil.
 *
 * Format: an NVRAM that is not a chain of valid CHRP partitions covering
 * it exactly (a new file, zeros, 0xff, garbage) is formatted the way QEMU
 * formats one for -prom-env: a 2 KiB "system" partition (signature 0x70,
 * no variables) and a "free" partition (0x7f) over the rest. On QEMU, SLOF
 * does this at boot; ppcrr starts the kernel without firmware, and a Linux
 * that finds no free partition keeps no oops log.
 *
 * Determinism (DESIGN.md §2): the file's initial contents are guest-
 * visible input; they are not recorded in traces yet, so a replay needs
 * the same file (or none).
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/input.h"
#include "hcall/rtas.h"
#include "vio/vio.h"

#define NVRAM_COMPATIBLE "qemu,spapr-nvram"
#define VIO_BUS_COMPATIBLE "IBM,vdevice"
#define NVRAM_DEFAULT_SIZE (64u * 1024)      /* QEMU's DEFAULT_NVRAM_SIZE */
#define NVRAM_MIN_SIZE (8u * 1024)           /* QEMU's MIN_NVRAM_SIZE */
#define NVRAM_MAX_SIZE (0xffffu * 16)        /* a partition length is 16-bit, in 16-byte units */

/* CHRP partition header: signature, checksum, length in 16-byte units
 * (big-endian), 12-byte name. */
#define NVRAM_HDR_SIZE 16u
#define NVRAM_SIG_SYSTEM 0x70
#define NVRAM_SIG_FREE 0x7f
#define NVRAM_SYSTEM_SIZE (NVRAM_MIN_SIZE / 4)  /* QEMU's -prom-env system partition */

struct nvram {
    struct device *dev;
    uint32_t reg;
    uint32_t size;
    uint8_t *buf;                /* guest-visible state: the NVRAM's bytes */
    int fd;                      /* the -nvram file, when has_fd */
    bool has_fd;                 /* (a device never realized has fd 0: not ours) */
    const char *file;
};

/* The header checksum: the bytes other than the checksum itself, added
 * with end-around carry (CHRP; Linux's nvram_checksum agrees). */
static uint8_t nvram_checksum(const uint8_t *hdr)
{
    unsigned sum = hdr[0];
    for (unsigned i = 2; i < NVRAM_HDR_SIZE; i++) {
        sum += hdr[i];
        sum = (sum + (sum >> 8)) & 0xff;
    }
    return (uint8_t)sum;
}

static void nvram_partition(uint8_t *at, uint8_t sig, const char *name, uint32_t len)
{
    memset(at, 0, NVRAM_HDR_SIZE);
    at[0] = sig;
    at[2] = (uint8_t)(len >> 12);
    at[3] = (uint8_t)(len >> 4);
    memcpy(at + 4, name, strlen(name));
    at[1] = nvram_checksum(at);
}

/* A chain of partitions, each with a good checksum and a length, ending
 * exactly at the end: what Linux's nvram_scan_partitions walks. */
static bool nvram_formatted(const uint8_t *buf, uint32_t size)
{
    uint32_t at = 0;
    while (at < size) {
        const uint8_t *h = buf + at;
        uint32_t len = (uint32_t)(h[2] << 8 | h[3]) * 16;
        if (size - at < NVRAM_HDR_SIZE || len == 0 || len > size - at || nvram_checksum(h) != h[1])
            return false;
        at += len;
    }
    return true;
}

static void nvram_format(uint8_t *buf, uint32_t size)
{
    memset(buf, 0, size);
    nvram_partition(buf, NVRAM_SIG_SYSTEM, "system", NVRAM_SYSTEM_SIZE);
    nvram_partition(buf + NVRAM_SYSTEM_SIZE, NVRAM_SIG_FREE, "free", size - NVRAM_SYSTEM_SIZE);
}

static bool write_all(int fd, const uint8_t *p, size_t len, off_t at)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n, at += n;
    }
    return true;
}

static bool read_all(int fd, uint8_t *p, size_t len)
{
    off_t at = 0;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n, at += n;
    }
    return true;
}

/* rtas.c's hook after nvram-store: the range goes to the file now. */
static bool nvram_stored(void *opaque, uint32_t offset, uint32_t len)
{
    struct nvram *nv = opaque;
    if (!nv->has_fd)
        return true;
    if (write_all(nv->fd, nv->buf + offset, len, offset))
        return true;
    fprintf(stderr, "ppcrr: %s: nvram-store of %u bytes at %u: %s\n", nv->file, len, offset,
            strerror(errno));
    return false;
}

/* Opens (creating if need be) the -nvram file and reads it in; sets size. */
static int nvram_open_file(struct nvram *nv, char *err, size_t errlen)
{
    nv->fd = open(nv->file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    nv->has_fd = nv->fd >= 0;
    struct stat st;
    if (!nv->has_fd || fstat(nv->fd, &st) < 0) {
        snprintf(err, errlen, "-nvram %s: %s", nv->file, strerror(errno));
        return -1;
    }
    if (st.st_size == 0) {
        nv->size = NVRAM_DEFAULT_SIZE;
    } else if (st.st_size < NVRAM_MIN_SIZE || st.st_size > NVRAM_MAX_SIZE || st.st_size % 16) {
        /* Whole 16-byte blocks (QEMU does not insist): partitions are made
         * of them, and a ragged tail would never pass the format check,
         * so every run would format the NVRAM again. */
        snprintf(err, errlen, "-nvram %s: %lld bytes; an NVRAM is %u to %u bytes, a multiple of 16 "
                 "(or an empty file, made %u)", nv->file, (long long)st.st_size, NVRAM_MIN_SIZE, NVRAM_MAX_SIZE,
                 NVRAM_DEFAULT_SIZE);
        return -1;
    } else {
        nv->size = (uint32_t)st.st_size;
    }
    if (!(nv->buf = calloc(1, nv->size))) {
        snprintf(err, errlen, "-nvram %s: out of memory", nv->file);
        return -1;
    }
    if (st.st_size > 0 && !read_all(nv->fd, nv->buf, nv->size)) {
        snprintf(err, errlen, "-nvram %s: cannot read: %s", nv->file, errno ? strerror(errno) : "short read");
        return -1;
    }
    /* The file's contents come from the host, as console input does. */
    input_host_bytes(nv->dev->machine, "nvram", nv->buf, nv->size);
    return 0;
}

static int nvram_realize(struct device *dev, char *err, size_t errlen)
{
    struct nvram *nv = dev->state;
    struct machine *m = dev->machine;
    nv->dev = dev;
    /* Linux looks for VIO devices only among /vdevice's children. */
    if (!dev->direct_child || strcmp(dev->parent->type->compatible, VIO_BUS_COMPATIBLE) != 0) {
        snprintf(err, errlen, "node %s: property compatible: an NVRAM must be a child of the VIO bus "
                 "node (compatible \"%s\")", dev->path, VIO_BUS_COMPATIBLE);
        return -1;
    }
    if (device_get_u32(dev, "reg", &nv->reg, err, errlen) < 0)
        return -1;
    nv->file = m->cfg.nvram;
    if (nv->file) {
        if (nvram_open_file(nv, err, errlen) < 0)
            return -1;
    } else {
        nv->size = NVRAM_DEFAULT_SIZE;
        if (!(nv->buf = calloc(1, nv->size))) {
            snprintf(err, errlen, "node %s: out of memory", dev->path);
            return -1;
        }
    }
    if (!nvram_formatted(nv->buf, nv->size)) {
        nvram_format(nv->buf, nv->size);
        if (nv->has_fd && !write_all(nv->fd, nv->buf, nv->size, 0)) {
            snprintf(err, errlen, "-nvram %s: cannot write: %s", nv->file, strerror(errno));
            return -1;
        }
    }
    struct rtas_nvram attach = { .buf = nv->buf, .size = nv->size, .stored = nvram_stored, .opaque = nv };
    if (rtas_attach_nvram(m, &attach) < 0) {
        snprintf(err, errlen, "node %s: property compatible: a second NVRAM, or no RTAS (a partition "
                 "has one NVRAM, reached through RTAS)", dev->path);
        return -1;
    }
    return 0;
}

/* What QEMU's vio_make_devnode and spapr_nvram_devnode write, plus `name`
 * for guests that read the blob directly (as the vty). No `interrupts`:
 * the NVRAM raises none. */
static int nvram_fdt_fixup(struct device *dev, void *fdt, int node)
{
    struct nvram *nv = dev->state;
    int rc;
    if ((rc = fdt_setprop_u32(fdt, node, "reg", nv->reg)) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "device_type", "nvram")) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "compatible", NVRAM_COMPATIBLE)) < 0 ||
        (rc = fdt_setprop_string(fdt, node, "name", "nvram")) < 0 ||
        (rc = fdt_setprop_u32(fdt, node, "#bytes", nv->size)) < 0)
        return rc;
    return 0;
}

static void nvram_destroy(struct device *dev)
{
    struct nvram *nv = dev->state;
    if (nv->has_fd)
        close(nv->fd);
    nv->has_fd = false;
    free(nv->buf);
    nv->buf = NULL;
}

static void nvram_state(struct device *dev, struct state_visitor *v)
{
    struct nvram *nv = dev->state;
    state_field(v, 1, "contents", nv->buf, nv->size);
}

static const struct device_type nvram_type = {
    .compatible = NVRAM_COMPATIBLE,
    .summary = "PAPR NVRAM (RTAS nvram-fetch/nvram-store), backed by -nvram FILE",
    .state_size = sizeof(struct nvram),
    .realize = nvram_realize,
    .fdt_fixup = nvram_fdt_fixup,
    .destroy = nvram_destroy,
    .state = nvram_state,
};

/* Called by vio_init (vio.c). */
void nvram_register_type(void);
void nvram_register_type(void)
{
    device_type_register(&nvram_type);
}
