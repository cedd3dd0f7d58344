/*
 * Guest image loading (loader.h). ELF files are checked before anything is
 * copied: the header, every program header and every segment must lie
 * inside the file, and every PT_LOAD inside guest RAM. Kernel virtual
 * addresses (0xc000...) fold to physical by dropping the top four bits,
 * as real mode does, which is how a pSeries kernel linked at 0xc000...0
 * with physical address 0 comes to run at 0.
 */
#include "emu/loader.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PHYS_MASK 0x0fffffffffffffffull

/* The whole file in memory, or NULL with a message. Nothing larger than
 * LIMIT is read: an image bigger than guest RAM cannot fit anyway, and a
 * device such as /dev/zero must not exhaust the host. */
static uint8_t *read_file(const char *path, uint64_t limit, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit) {
        snprintf(err, errlen, "%s: %llu bytes do not fit in %llu MiB of RAM", path,
                 (unsigned long long)st.st_size, (unsigned long long)(limit >> 20));
        fclose(f);
        return NULL;
    }
    size_t cap = 1 << 20, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && n <= limit && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    bool failed = ferror(f);
    fclose(f);
    if (!buf || failed || n > limit) {
        if (n > limit)
            snprintf(err, errlen, "%s: more than %llu MiB: does not fit in RAM", path,
                     (unsigned long long)(limit >> 20));
        else
            snprintf(err, errlen, "%s: cannot read%s", path, buf ? "" : " (out of memory)");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static uint64_t get(const uint8_t *p, unsigned size, bool le)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (le ? 8 * i : 8 * (size - 1 - i));
    return v;
}

static bool fits_ram(const struct guest_memory *mem, uint64_t base, uint64_t size)
{
    return base < mem->ram_size && size <= mem->ram_size - base;
}

/* Where an ELF address lands: real mode's view (top four bits dropped),
 * or relocated under BASE for firmware to start. */
static uint64_t elf_phys(uint64_t addr, uint64_t base, bool relocate)
{
    return relocate ? (addr & 0x0fffffffull) + base : addr & PHYS_MASK;
}

static int load_elf(struct guest_memory *mem, const char *path, const uint8_t *f, size_t len,
                    uint64_t base, bool relocate, struct loaded_image *out, char *err, size_t errlen)
{
    if (len < sizeof(Elf64_Ehdr) || f[EI_CLASS] != ELFCLASS64 ||
        (f[EI_DATA] != ELFDATA2LSB && f[EI_DATA] != ELFDATA2MSB)) {
        snprintf(err, errlen, "%s: not a 64-bit ELF file", path);
        return -1;
    }
    bool le = f[EI_DATA] == ELFDATA2LSB;
    if (get(f + 18, 2, le) != EM_PPC64) {
        snprintf(err, errlen, "%s: an ELF file for machine %llu, not 64-bit PowerPC", path,
                 (unsigned long long)get(f + 18, 2, le));
        return -1;
    }
    uint64_t phoff = get(f + 32, 8, le), phentsize = get(f + 54, 2, le), phnum = get(f + 56, 2, le);
    if (phentsize < sizeof(Elf64_Phdr) || phoff > len || phnum > (len - phoff) / phentsize) {
        snprintf(err, errlen, "%s: program headers lie outside the file", path);
        return -1;
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int pass = 0; pass < 2; pass++) {       /* check everything, then copy */
        for (uint64_t i = 0; i < phnum; i++) {
            const uint8_t *ph = f + phoff + i * phentsize;
            if (get(ph, 4, le) != PT_LOAD)
                continue;
            uint64_t off = get(ph + 8, 8, le), vaddr = get(ph + 16, 8, le), paddr = get(ph + 24, 8, le);
            uint64_t filesz = get(ph + 32, 8, le), memsz = get(ph + 40, 8, le);
            uint64_t phys = elf_phys(paddr ? paddr : vaddr, base, relocate);
            if (pass == 0) {
                if (off > len || filesz > len - off || filesz > memsz) {
                    snprintf(err, errlen, "%s: segment %llu lies outside the file", path,
                             (unsigned long long)i);
                    return -1;
                }
                if (!fits_ram(mem, phys, memsz)) {
                    snprintf(err, errlen, "%s: segment %llu (0x%llx, %llu bytes) does not fit in %llu MiB of RAM",
                             path, (unsigned long long)i, (unsigned long long)phys,
                             (unsigned long long)memsz, (unsigned long long)(mem->ram_size >> 20));
                    return -1;
                }
                if (memsz) {
                    lo = phys < lo ? phys : lo;
                    hi = phys + memsz > hi ? phys + memsz : hi;
                }
                continue;
            }
            memory_write(mem, phys, f + off, filesz);
            if (memsz > filesz) {
                uint8_t *z = memory_ram_ptr(mem, phys + filesz, memsz - filesz);
                memset(z, 0, memsz - filesz);
                memory_note_store(mem, phys + filesz, memsz - filesz);
            }
        }
        if (pass == 0 && hi == 0) {
            snprintf(err, errlen, "%s: no loadable segment", path);
            return -1;
        }
        uint64_t entry = elf_phys(get(f + 24, 8, le), base, relocate);
        if (pass == 0 && (entry < lo || entry >= hi)) {
            snprintf(err, errlen, "%s: the entry point 0x%llx is outside what the file loads (0x%llx-0x%llx)",
                     path, (unsigned long long)entry, (unsigned long long)lo, (unsigned long long)(hi - 1));
            return -1;
        }
    }
    *out = (struct loaded_image){ .path = path, .base = lo, .size = hi - lo,
                                  .entry = elf_phys(get(f + 24, 8, le), base, relocate),
                                  .little_endian = le,
                                  .elf = true };
    return 0;
}

int loader_load_raw(struct guest_memory *mem, const char *path, uint64_t base,
                    struct loaded_image *out, char *err, size_t errlen)
{
    size_t len;
    uint8_t *f = read_file(path, mem->ram_size, &len, err, errlen);
    if (!f)
        return -1;
    int rc = 0;
    if (len == 0) {
        snprintf(err, errlen, "%s: empty file", path);
        rc = -1;
    } else if (!fits_ram(mem, base, len)) {
        snprintf(err, errlen, "%s: %zu bytes at 0x%llx do not fit in %llu MiB of RAM", path, len,
                 (unsigned long long)base, (unsigned long long)(mem->ram_size >> 20));
        rc = -1;
    } else {
        memory_write(mem, base, f, len);
        *out = (struct loaded_image){ .path = path, .base = base, .size = len, .entry = base };
    }
    free(f);
    return rc;
}

int loader_load_kernel(struct guest_memory *mem, const char *path, uint64_t base, bool relocate,
                       struct loaded_image *out, char *err, size_t errlen)
{
    size_t len;
    uint8_t *f = read_file(path, mem->ram_size, &len, err, errlen);
    if (!f)
        return -1;
    int rc;
    if (len >= 4 && memcmp(f, ELFMAG, SELFMAG) == 0)
        rc = load_elf(mem, path, f, len, base, relocate, out, err, errlen);
    else
        rc = -2;
    free(f);
    return rc == -2 ? loader_load_raw(mem, path, base, out, err, errlen) : rc;
}

int loader_check_overlap(const struct loaded_image *a, const struct loaded_image *b, char *err,
                         size_t errlen)
{
    if (a->base < b->base + b->size && b->base < a->base + a->size) {
        snprintf(err, errlen, "%s (0x%llx-0x%llx) and %s (0x%llx-0x%llx) overlap", a->path,
                 (unsigned long long)a->base, (unsigned long long)(a->base + a->size - 1), b->path,
                 (unsigned long long)b->base, (unsigned long long)(b->base + b->size - 1));
        return -1;
    }
    return 0;
}
