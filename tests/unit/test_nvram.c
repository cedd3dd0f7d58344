/*
 * The NVRAM (vio/nvram.c) through RTAS nvram-fetch/nvram-store on
 * machines built the way `ppcrr run` builds them: the node and tokens the
 * guest sees, the partition layout a fresh NVRAM gets (checked with
 * Linux's own checksum and walk, arch/powerpc/kernel/nvram_64.c), the
 * statuses (QEMU's hw/nvram/spapr_nvram.c: -3 for counts and ranges),
 * persistence across two machines on one -nvram file, bad files, and
 * out-of-range accesses that must touch neither RAM nor the NVRAM (run
 * under ASan too).
 */
#include <fcntl.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/machine.h"
#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"
#include "vio/vio.h"

#define RAM (64ull << 20)
#define BLK 0x100000ull              /* argument blocks */
#define BUF 0x200000ull              /* data buffers */
#define NV_PATH "/vdevice/nvram@71000001"

static const char dts_one[] =
    "/dts-v1/;\n"
    "/ {\n"
    "  #address-cells = <2>; #size-cells = <2>;\n"
    "  vdevice {\n"
    "    compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>;\n"
    "    nvram@71000001 { compatible = \"qemu,spapr-nvram\"; reg = <0x71000001>; };\n"
    "  };\n"
    "};\n";

static const char dts_two[] =
    "/dts-v1/;\n"
    "/ {\n"
    "  #address-cells = <2>; #size-cells = <2>;\n"
    "  vdevice {\n"
    "    compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>;\n"
    "    nvram@71000001 { compatible = \"qemu,spapr-nvram\"; reg = <0x71000001>; };\n"
    "    nvram@71000002 { compatible = \"qemu,spapr-nvram\"; reg = <0x71000002>; };\n"
    "  };\n"
    "};\n";

static const char dts_none[] =
    "/dts-v1/;\n"
    "/ {\n"
    "  #address-cells = <2>; #size-cells = <2>;\n"
    "  vdevice { compatible = \"IBM,vdevice\"; #address-cells = <1>; #size-cells = <0>; };\n"
    "};\n";

static int build(struct machine *m, const char *dts, const char *nvram, char *err, size_t errlen)
{
    static unsigned seq;
    char name[64];
    snprintf(name, sizeof name, "machine%u.dts", seq++);
    const char *path = test_path(name);
    if (!test_write_file(path, dts, strlen(dts)))
        tap_bail("cannot write %s", path);
    struct machine_config cfg = { .ram_size = RAM, .smp = 1, .machine_file = path, .nvram = nvram };
    memset(m, 0, sizeof *m);
    if (machine_create(m, &cfg, err, errlen) < 0 || hcall_init(m, err, errlen) < 0 ||
        vio_init(m, err, errlen) < 0)
        return -1;
    return machine_realize(m, err, errlen);
}

static void teardown(struct machine *m)
{
    hcall_destroy(m);
    machine_destroy(m);
}

/* Makes the call with a block at BLK; returns status, *done = rets[1]. */
static int32_t call(struct machine *m, const char *name, uint32_t nargs, uint32_t nret,
                    const uint32_t *args, uint32_t *done)
{
    hcall_write_be32(m, BLK, rtas_token(name));
    hcall_write_be32(m, BLK + 4, nargs);
    hcall_write_be32(m, BLK + 8, nret);
    for (uint32_t i = 0; i < nargs; i++)
        hcall_write_be32(m, BLK + 12 + 4 * i, args[i]);
    for (uint32_t i = 0; i < nret; i++)
        hcall_write_be32(m, BLK + 12 + 4 * (nargs + i), 0xdeadbeef);
    struct cpu *c = &m->cpus[0];
    c->gpr[3] = KVMPPC_H_RTAS;
    c->gpr[4] = BLK;
    hcall_dispatch(m, c);
    uint32_t st = 0, d = 0;
    hcall_read_be32(m, BLK + 12 + 4 * nargs, &st);
    if (nret > 1)
        hcall_read_be32(m, BLK + 16 + 4 * nargs, &d);
    if (done)
        *done = d;
    return (int32_t)st;
}

static int32_t fetch(struct machine *m, uint32_t off, uint32_t buf, uint32_t len, uint32_t *done)
{
    uint32_t a[3] = { off, buf, len };
    return call(m, "nvram-fetch", 3, 2, a, done);
}

static int32_t store(struct machine *m, uint32_t off, uint32_t buf, uint32_t len, uint32_t *done)
{
    uint32_t a[3] = { off, buf, len };
    return call(m, "nvram-store", 3, 2, a, done);
}

/* Linux's nvram_checksum (nvram_64.c), on a big-endian header. */
static uint8_t linux_checksum(const uint8_t *h)
{
    unsigned c_sum = h[0] + (unsigned)(h[2] << 8 | h[3]);
    for (int i = 0; i < 6; i++)
        c_sum += (unsigned)(h[4 + 2 * i] << 8 | h[5 + 2 * i]);
    c_sum = ((c_sum & 0xffff) + (c_sum >> 16)) & 0xffff;
    unsigned c_sum2 = (c_sum >> 8) + (c_sum << 8);
    return (uint8_t)(((c_sum + c_sum2) >> 8) & 0xff);
}

static uint32_t tree_u32(struct machine *m, const char *path, const char *prop, bool *found)
{
    int node = fdt_path_offset(m->guest_fdt, path), len = 0;
    const fdt32_t *p = node < 0 ? NULL : fdt_getprop(m->guest_fdt, node, prop, &len);
    *found = p && len == 4;
    return *found ? fdt32_to_cpu(*p) : 0;
}

static void test_tree_and_format(void)
{
    struct machine m;
    char err[512];
    if (build(&m, dts_one, NULL, err, sizeof err) < 0)
        tap_bail("build: %s", err);
    if (machine_build_fdt(&m, err, sizeof err) < 0)
        tap_bail("tree: %s", err);
    bool found;
    is_u64(tree_u32(&m, NV_PATH, "#bytes", &found), 65536, "no -nvram: 64 KiB (#bytes)");
    ok(found, "#bytes is one cell (Linux's pSeries_nvram_init wants that)");
    is_u64(tree_u32(&m, NV_PATH, "reg", &found), 0x71000001, "reg: the unit address");
    int node = fdt_path_offset(m.guest_fdt, NV_PATH);
    const char *s = fdt_getprop(m.guest_fdt, node, "device_type", NULL);
    is_str(s ? s : "", "nvram", "device_type \"nvram\" (of_find_node_by_type)");
    s = fdt_getprop(m.guest_fdt, node, "compatible", NULL);
    is_str(s ? s : "", "qemu,spapr-nvram", "compatible as QEMU");
    is_u64(tree_u32(&m, "/rtas", "nvram-fetch", &found), 0x2012, "nvram-fetch token published");
    is_u64(tree_u32(&m, "/rtas", "nvram-store", &found), 0x2013, "nvram-store token published");

    /* The whole NVRAM through nvram-fetch, 32 bytes a call as Linux does. */
    static uint8_t nv[65536];
    size_t bad = 0;
    for (uint32_t off = 0; off < sizeof nv; off += 32) {
        uint32_t done;
        bad += fetch(&m, off, (uint32_t)BUF + off, 32, &done) != 0 || done != 32;
    }
    memory_read(&m.mem, BUF, nv, sizeof nv);
    is_u64(bad, 0, "2048 fetches of 32 bytes: status 0, 32 done");
    is_u64(nv[0], 0x70, "partition 0: signature 0x70 (system)");
    is_str((const char *)nv + 4, "system", "named \"system\"");
    is_u64((unsigned)(nv[2] << 8 | nv[3]) * 16, 2048, "2 KiB (QEMU's -prom-env layout)");
    is_u64(nv[2048], 0x7f, "partition 1: signature 0x7f (free)");
    is_str((const char *)nv + 2048 + 4, "free", "named \"free\"");
    /* Linux's nvram_scan_partitions: good checksums, ending at the end. */
    uint32_t at = 0, parts = 0, sums = 0;
    while (at < sizeof nv && parts < 16) {
        uint32_t len = (uint32_t)(nv[at + 2] << 8 | nv[at + 3]) * 16;
        sums += linux_checksum(nv + at) == nv[at + 1];
        parts++;
        if (len == 0)
            break;
        at += len;
    }
    ok(parts == 2 && sums == 2 && at == sizeof nv, "two partitions, Linux's checksums agree, cover 64 KiB");
    teardown(&m);
}

static void test_statuses(void)
{
    struct machine m;
    char err[512];
    if (build(&m, dts_one, NULL, err, sizeof err) < 0)
        tap_bail("build: %s", err);
    uint32_t done;
    memory_write(&m.mem, BUF, "hello, nvram", 12);
    is_i64(store(&m, 4096, (uint32_t)BUF, 12, &done), 0, "store 12 bytes: 0");
    is_u64(done, 12, "12 stored");
    memory_write(&m.mem, BUF, "xxxxxxxxxxxx", 12);
    is_i64(fetch(&m, 4096, (uint32_t)BUF + 100, 12, &done), 0, "fetch them back: 0");
    is_mem(m.mem.ram + BUF + 100, "hello, nvram", 12, "the bytes come back");
    is_i64(fetch(&m, 65536, (uint32_t)BUF, 0, &done), 0, "0 bytes at the very end: 0");
    is_u64(done, 0, "0 done");
    is_i64(store(&m, 65535, (uint32_t)BUF, 1, &done), 0, "the last byte: 0");

    /* Ranges past the NVRAM: -3, 0 done, nothing touched. */
    static const struct {
        uint32_t off, len;
        const char *what;
    } ranges[] = {
        { 65536, 1, "one byte past the end" },
        { 65520, 32, "running over the end" },
        { 0, 65537, "longer than the NVRAM" },
        { 0xffffffffu, 2, "offset + length wraps 32 bits" },
        { 16, 0xfffffff8u, "huge length" },
    };
    uint8_t before[64];
    memcpy(before, m.mem.ram + BUF, sizeof before);
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        is_i64(fetch(&m, ranges[i].off, (uint32_t)BUF, ranges[i].len, &done), -3, "fetch, %s: -3",
               ranges[i].what);
        is_u64(done, 0, "0 fetched");
        is_i64(store(&m, ranges[i].off, (uint32_t)BUF, ranges[i].len, &done), -3, "store, %s: -3",
               ranges[i].what);
        is_u64(done, 0, "0 stored");
    }
    ok(memcmp(before, m.mem.ram + BUF, sizeof before) == 0, "guest memory untouched by refused fetches");

    /* Guest buffers outside RAM: -3, 0 done (no host memory past RAM). */
    is_i64(fetch(&m, 0, (uint32_t)RAM, 16, &done), -3, "fetch into a buffer past RAM: -3");
    is_u64(done, 0, "0 fetched");
    is_i64(fetch(&m, 0, (uint32_t)RAM - 8, 16, &done), -3, "fetch into a buffer running off RAM: -3");
    static const uint8_t zeros[8];
    is_mem(m.mem.ram + RAM - 8, zeros, 8, "its 8 bytes in RAM untouched too");
    is_i64(store(&m, 4096, 0xfffffff0u, 32, &done), -3, "store from past RAM: -3");
    is_i64(fetch(&m, 4096, (uint32_t)BUF, 12, &done), 0, "and the NVRAM still holds");
    is_mem(m.mem.ram + BUF, "hello, nvram", 12, "what was stored before");

    /* Argument counts. */
    uint32_t a[4] = { 0, (uint32_t)BUF, 4, 0 };
    is_i64(call(&m, "nvram-fetch", 2, 2, a, NULL), -3, "fetch with 2 arguments: -3");
    is_i64(call(&m, "nvram-fetch", 4, 2, a, NULL), -3, "fetch with 4 arguments: -3");
    is_i64(call(&m, "nvram-store", 3, 1, a, NULL), -3, "store with 1 result: -3");
    is_i64(call(&m, "nvram-store", 3, 3, a, NULL), -3, "store with 3 results: -3");
    teardown(&m);
}

static void test_persistence(void)
{
    const char *path = test_path("nvram.bin");
    unlink(path);
    struct machine m;
    char err[512];
    if (build(&m, dts_one, path, err, sizeof err) < 0)
        tap_bail("build: %s", err);
    size_t len = 0;
    uint8_t *file = test_read_file(path, &len);
    is_u64(len, 65536, "a new -nvram file is made 64 KiB");
    ok(file && file[0] == 0x70 && file[2048] == 0x7f, "and formatted at once");
    free(file);
    uint32_t done;
    memory_write(&m.mem, BUF, "persist me", 10);
    is_i64(store(&m, 8192, (uint32_t)BUF, 10, &done), 0, "store on machine 1");
    /* Written through at the store: no exit needed. */
    file = test_read_file(path, &len);
    ok(file && len == 65536 && memcmp(file + 8192, "persist me", 10) == 0,
       "the file holds the store before machine 1 ends");
    free(file);
    teardown(&m);

    if (build(&m, dts_one, path, err, sizeof err) < 0)
        tap_bail("build 2: %s", err);
    is_i64(fetch(&m, 8192, (uint32_t)BUF, 10, &done), 0, "fetch on machine 2");
    is_mem(m.mem.ram + BUF, "persist me", 10, "machine 2 sees machine 1's store");
    is_i64(fetch(&m, 0, (uint32_t)BUF, 16, &done), 0, "and the header");
    is_u64(m.mem.ram[BUF], 0x70, "not reformatted");
    teardown(&m);

    /* An existing file of another size keeps its size; all 0xff (blank
     * flash) is not a partition chain, so it is formatted. */
    static uint8_t blank[16384];
    memset(blank, 0xff, sizeof blank);
    const char *p16 = test_path("nvram16.bin");
    test_write_file(p16, blank, sizeof blank);
    if (build(&m, dts_one, p16, err, sizeof err) < 0)
        tap_bail("build 16K: %s", err);
    if (machine_build_fdt(&m, err, sizeof err) < 0)
        tap_bail("tree: %s", err);
    bool found;
    is_u64(tree_u32(&m, NV_PATH, "#bytes", &found), 16384, "a 16 KiB file: #bytes 16384");
    is_i64(fetch(&m, 16383, (uint32_t)BUF, 1, &done), 0, "its last byte reads");
    is_i64(fetch(&m, 16384, (uint32_t)BUF, 1, &done), -3, "one past it: -3");
    teardown(&m);
    file = test_read_file(p16, &len);
    ok(file && len == 16384 && file[0] == 0x70 && file[2048] == 0x7f &&
       (unsigned)(file[2050] << 8 | file[2051]) * 16 == 16384 - 2048,
       "the 0xff file was formatted: free partition to its end");
    free(file);
}

static void test_bad_configs(void)
{
    struct machine m;
    char err[512] = "";
    const char *tiny = test_path("tiny.bin");
    test_write_file(tiny, "0123456789", 10);
    ok(build(&m, dts_one, tiny, err, sizeof err) < 0, "a 10-byte -nvram file is refused");
    has_substr(err, "8192", "the message gives the limits (%s)", err);
    teardown(&m);
    err[0] = 0;
    static uint8_t ragged[8200];
    const char *pr = test_path("ragged.bin");
    test_write_file(pr, ragged, sizeof ragged);
    ok(build(&m, dts_one, pr, err, sizeof err) < 0, "an 8200-byte file (not 16-byte blocks) is refused");
    has_substr(err, "multiple of 16", "(%s)", err);
    teardown(&m);
    err[0] = 0;
    ok(build(&m, dts_one, "/nonexistent-dir/nvram.bin", err, sizeof err) < 0,
       "an -nvram file that cannot be made is refused");
    has_substr(err, "-nvram", "naming the option (%s)", err);
    teardown(&m);
    err[0] = 0;
    ok(build(&m, dts_two, NULL, err, sizeof err) < 0, "two NVRAMs are refused");
    has_substr(err, "second NVRAM", "(%s)", err);
    teardown(&m);

    /* No NVRAM device: the tokens are not published, a call anyway is -1
     * (QEMU's answer without its device). */
    if (build(&m, dts_none, NULL, err, sizeof err) < 0 || machine_build_fdt(&m, err, sizeof err) < 0)
        tap_bail("build none: %s", err);
    bool found;
    tree_u32(&m, "/rtas", "nvram-fetch", &found);
    ok(!found, "no NVRAM: no nvram-fetch in /rtas");
    tree_u32(&m, "/rtas", "nvram-store", &found);
    ok(!found, "nor nvram-store");
    uint32_t done = 7;
    is_i64(fetch(&m, 0, (uint32_t)BUF, 4, &done), -1, "nvram-fetch without an NVRAM: -1");
    is_u64(done, 0, "0 fetched");
    teardown(&m);
}

int main(void)
{
    test_tree_and_format();
    test_statuses();
    test_persistence();
    test_bad_configs();
    test_scratch_cleanup();
    return tap_done();
}
