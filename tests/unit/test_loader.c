/*
 * Image loading: ELF64 of both byte orders at their physical addresses
 * (kernel virtual addresses folded), raw images, the -bios relocation of a
 * kernel to 0x400000, and every refusal -- missing file, not ELF, wrong
 * machine, segments outside the file or outside RAM, overlapping images --
 * with a message naming the file. A real cross-compiled ELF is checked
 * against what binutils' objcopy extracts from it (the oracle).
 *   test_loader [GUEST.elf GUEST.bin LINK_ADDRESS]
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "emu/loader.h"
#include "tests/common/testutil.h"
#include "tests/tap.h"

#define RAM (16ull << 20)

struct seg {
    uint64_t vaddr, paddr, filesz, memsz;
    uint8_t fill;
};

static void put(uint8_t *p, uint64_t v, unsigned size, bool le)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (le ? 8 * i : 8 * (size - 1 - i)));
}

/* An ELF64 file with the given PT_LOAD segments, written to NAME. */
static const char *make_elf(const char *name, bool le, unsigned machine, uint64_t entry,
                            const struct seg *segs, unsigned n)
{
    size_t data_at = 64 + 56 * n, size = data_at;
    for (unsigned i = 0; i < n; i++)
        size += segs[i].filesz;
    uint8_t *f = calloc(1, size);
    memcpy(f, ELFMAG, SELFMAG);
    f[EI_CLASS] = ELFCLASS64;
    f[EI_DATA] = le ? ELFDATA2LSB : ELFDATA2MSB;
    f[EI_VERSION] = EV_CURRENT;
    put(f + 16, ET_EXEC, 2, le);
    put(f + 18, machine, 2, le);
    put(f + 20, EV_CURRENT, 4, le);
    put(f + 24, entry, 8, le);
    put(f + 32, 64, 8, le);                 /* e_phoff */
    put(f + 52, 64, 2, le);                 /* e_ehsize */
    put(f + 54, 56, 2, le);                 /* e_phentsize */
    put(f + 56, n, 2, le);
    size_t off = data_at;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *ph = f + 64 + 56 * i;
        put(ph, PT_LOAD, 4, le);
        put(ph + 8, off, 8, le);
        put(ph + 16, segs[i].vaddr, 8, le);
        put(ph + 24, segs[i].paddr, 8, le);
        put(ph + 32, segs[i].filesz, 8, le);
        put(ph + 40, segs[i].memsz, 8, le);
        memset(f + off, segs[i].fill, segs[i].filesz);
        off += segs[i].filesz;
    }
    const char *path = test_path(name);
    test_write_file(path, f, size);
    free(f);
    return path;
}

static void test_elf_loading(void)
{
    for (int le = 0; le < 2; le++) {
        struct guest_memory mem;
        memory_init(&mem, RAM);
        memset(memory_ram_ptr(&mem, 0x3000, 16), 0xee, 16);   /* BSS must be cleared */
        const struct seg segs[] = {
            { 0xc000000000001000ull, 0, 0x100, 0x100, 0x11 },  /* paddr 0: fold the vaddr */
            { 0xc000000000002000ull, 0x2000, 0x10, 0x2000, 0x22 },
        };
        const char *path = make_elf(le ? "le.elf" : "be.elf", le, EM_PPC64, 0xc000000000001000ull, segs, 2);
        struct loaded_image img;
        char err[256] = "";
        int rc = loader_load_kernel(&mem, path, 0x400000, false, &img, err, sizeof err);
        ok(rc == 0, "%s ELF loads (%s)", le ? "little-endian" : "big-endian", err);
        is_u64(img.base, 0x1000, "its lowest segment is at physical 0x1000");
        is_u64(img.size, 0x3000, "and it spans to the end of the BSS");
        is_u64(img.entry, 0x1000, "the entry folds to physical 0x1000");
        ok(img.little_endian == (bool)le, "byte order is reported");
        uint8_t b[4];
        memory_read(&mem, 0x1000, b, 1);
        memory_read(&mem, 0x2000, b + 1, 1);
        memory_read(&mem, 0x3000, b + 2, 1);
        ok(b[0] == 0x11 && b[1] == 0x22 && b[2] == 0, "segments copied and BSS zeroed");
        memory_destroy(&mem);
    }

    struct guest_memory mem;
    memory_init(&mem, RAM);
    const struct seg seg = { 0x10000, 0x10000, 0x200, 0x200, 0x33 };
    const char *path = make_elf("reloc.elf", true, EM_PPC64, 0x10100, &seg, 1);
    struct loaded_image img;
    char err[256];
    ok(loader_load_kernel(&mem, path, 0x400000, true, &img, err, sizeof err) == 0, "relocated for firmware");
    is_u64(img.base, 0x410000, "(address & 0x0fffffff) + 0x400000, as QEMU's pseries");
    is_u64(img.entry, 0x410100, "entry relocated likewise");
    memory_destroy(&mem);
}

static void expect_refusal(const char *path, uint64_t base, const char *needle, const char *what)
{
    struct guest_memory mem;
    memory_init(&mem, RAM);
    struct loaded_image img;
    char err[512] = "";
    ok(loader_load_kernel(&mem, path, base, false, &img, err, sizeof err) < 0, "%s: refused", what);
    has_substr(err, path, "%s: the message names the file", what);
    has_substr(err, needle, "%s: and says why", what);
    memory_destroy(&mem);
}

static void test_refusals(void)
{
    expect_refusal(test_path("missing.elf"), 0, "cannot open", "a missing file");
    const struct seg big = { 0, 0x800000, 0x10, 0x1000000, 0 };
    expect_refusal(make_elf("big.elf", true, EM_PPC64, 0, &big, 1), 0, "does not fit", "a segment past RAM");
    const struct seg ok_seg = { 0, 0x1000, 0x10, 0x10, 0 };
    expect_refusal(make_elf("x86.elf", true, EM_X86_64, 0, &ok_seg, 1), 0, "not 64-bit PowerPC", "another machine");
    expect_refusal(make_elf("empty.elf", true, EM_PPC64, 0, NULL, 0), 0, "no loadable segment", "no PT_LOAD");
    expect_refusal(make_elf("noentry.elf", true, EM_PPC64, 0x7fff00000000ull, &ok_seg, 1), 0,
                   "entry point 0x7fff00000000 is outside", "an entry point outside the segments");
    expect_refusal("/dev/zero", 0, "does not fit", "an endless file (/dev/zero)");

    /* A program header pointing past the end of the file. */
    const char *path = make_elf("cut.elf", true, EM_PPC64, 0, &ok_seg, 1);
    size_t len;
    uint8_t *f = test_read_file(path, &len);
    put(f + 64 + 8, 1 << 20, 8, true);
    test_write_file(path, f, len);
    free(f);
    expect_refusal(path, 0, "outside the file", "a segment outside the file");

    path = test_path("truncated.elf");
    test_write_file(path, "\177ELF\2\1", 6);
    expect_refusal(path, 0, "not a 64-bit ELF", "a truncated ELF header");

    path = test_path("raw.bin");
    test_write_file(path, "raw bytes", 9);
    expect_refusal(path, RAM - 4, "do not fit", "a raw image past the end of RAM");
    path = test_path("empty.bin");
    test_write_file(path, "", 0);
    expect_refusal(path, 0, "empty", "an empty file");

    struct loaded_image a = { "a.img", 0x1000, 0x2000, 0, false, false };
    struct loaded_image b = { "b.img", 0x2fff, 0x10, 0, false, false };
    struct loaded_image c = { "c.img", 0x3000, 0x10, 0, false, false };
    char err[256];
    ok(loader_check_overlap(&a, &b, err, sizeof err) < 0, "overlapping images are refused");
    ok(strstr(err, "a.img") && strstr(err, "b.img"), "naming both");
    ok(loader_check_overlap(&a, &c, err, sizeof err) == 0, "adjacent images are fine");
}

/* A real ELF from the cross toolchain: what lands in RAM must be what
 * objcopy -O binary extracts. */
static void test_real_elf(const char *elf, const char *bin, uint64_t link)
{
    struct guest_memory mem;
    memory_init(&mem, 64ull << 20);
    struct loaded_image img;
    char err[256] = "";
    ok(loader_load_kernel(&mem, elf, 0, false, &img, err, sizeof err) == 0, "cross-compiled ELF loads (%s)", err);
    size_t len;
    uint8_t *want = test_read_file(bin, &len);
    uint8_t *got = memory_ram_ptr(&mem, link, len);
    ok(want && got && memcmp(got, want, len) == 0, "RAM holds exactly objcopy's %zu bytes at 0x%llx", len,
       (unsigned long long)link);
    is_u64(img.entry, link, "entry is the link address");
    free(want);
    memory_destroy(&mem);
}

int main(int argc, char **argv)
{
    test_elf_loading();
    test_refusals();
    if (argc == 4)
        test_real_elf(argv[1], argv[2], strtoull(argv[3], NULL, 0));
    test_scratch_cleanup();
    return tap_done();
}
