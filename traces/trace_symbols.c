/*
 * ELF64 symbol lookup (see trace_symbols.h).
 *
 * The file is mapped whole (a vmlinux is tens of megabytes, and only its
 * section headers, one symbol table and its string table are touched).
 * Every multi-byte field is read through elf_get() in the file's own byte
 * order, after elf_in_file() has checked that the bytes exist, so a
 * hostile or truncated file can only ever produce an error message. The
 * string table is copied, so nothing refers to the file once loaded.
 */
#include "traces/trace_symbols.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct trace_symbol {
    uint64_t start;
    uint64_t end;              /* exclusive; == start when it covers nothing */
    uint64_t size;             /* st_size */
    uint64_t section_end;      /* end of its section, UINT64_MAX if unknown */
    const char *name;          /* into trace_symbols.names */
    uint8_t rank;              /* lower wins among symbols at one address */
};

struct trace_symbols {
    struct trace_symbol *sym;  /* sorted by start, one per address */
    size_t n;
    char *names;               /* copy of the string table, NUL-terminated */
};

/* The file being parsed. */
struct elf_file {
    const uint8_t *p;
    uint64_t size;
    bool big;
    const char *name;
};

struct elf_section {
    uint32_t type;
    uint32_t link;
    uint64_t flags, addr, offset, size, entsize;
};

/* Which symbols name code, and which one wins when several share an
 * address: a function over a data object over a bare label, and a global
 * name over a weak or local alias. 0 = not kept. */
static const uint8_t type_rank[16] = { [STT_FUNC] = 1, [STT_OBJECT] = 2, [STT_NOTYPE] = 3 };
static const uint8_t bind_rank[] = { [STB_GLOBAL] = 0, [STB_WEAK] = 1, [STB_LOCAL] = 2 };
#define BIND_RANK(b) ((b) < sizeof bind_rank ? bind_rank[(b)] : 3)

/* True if [OFF, OFF + LEN) lies inside the file, without overflowing. */
static bool elf_in_file(const struct elf_file *f, uint64_t off, uint64_t len)
{
    return off <= f->size && len <= f->size - off;
}

/* A WIDTH-byte field at OFF in the file's byte order; the caller has
 * checked the range with elf_in_file(). */
static uint64_t elf_get(const struct elf_file *f, uint64_t off, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++)
        v = v << 8 | f->p[off + (f->big ? i : width - 1 - i)];
    return v;
}

#define ELF_FIELD(f, base, type, member) \
    elf_get((f), (base) + offsetof(type, member), sizeof(((type *)0)->member))

/* e_ident: magic, class, byte order. */
static int elf_check_ident(struct elf_file *f, struct trace_error *err)
{
    if (f->size < SELFMAG || memcmp(f->p, ELFMAG, SELFMAG) != 0) {
        trace_error_set(err, "%s: not an ELF file", f->name);
        return -1;
    }
    if (f->size < EI_NIDENT) {
        trace_error_set(err, "%s: truncated ELF header (%llu bytes)", f->name,
                        (unsigned long long)f->size);
        return -1;
    }
    uint8_t cls = f->p[EI_CLASS], data = f->p[EI_DATA];
    if (cls == ELFCLASS32) {
        trace_error_set(err, "%s: a 32-bit ELF file (ELFCLASS32); only 64-bit ELF (ELFCLASS64) is supported",
                        f->name);
        return -1;
    }
    if (cls != ELFCLASS64) {
        trace_error_set(err, "%s: unknown ELF class %u; only 64-bit ELF (ELFCLASS64) is supported",
                        f->name, cls);
        return -1;
    }
    if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
        trace_error_set(err, "%s: unknown ELF byte order %u", f->name, data);
        return -1;
    }
    f->big = data == ELFDATA2MSB;
    return 0;
}

/* Where the section header table is and how many entries it has. Section
 * counts of 0xff00 and up live in section 0's sh_size (gABI). */
static int elf_section_table(const struct elf_file *f, uint64_t *shoff, uint64_t *shentsize,
                             uint64_t *shnum, struct trace_error *err)
{
    if (f->size < sizeof(Elf64_Ehdr)) {
        trace_error_set(err, "%s: truncated ELF header (%llu of %zu bytes)", f->name,
                        (unsigned long long)f->size, sizeof(Elf64_Ehdr));
        return -1;
    }
    *shoff = ELF_FIELD(f, 0, Elf64_Ehdr, e_shoff);
    *shentsize = ELF_FIELD(f, 0, Elf64_Ehdr, e_shentsize);
    *shnum = ELF_FIELD(f, 0, Elf64_Ehdr, e_shnum);
    if (*shoff == 0) {
        trace_error_set(err, "%s: no section headers, so no symbol table", f->name);
        return -1;
    }
    if (*shentsize < sizeof(Elf64_Shdr)) {
        trace_error_set(err, "%s: section header size %llu is smaller than ELF64's %zu bytes",
                        f->name, (unsigned long long)*shentsize, sizeof(Elf64_Shdr));
        return -1;
    }
    if (!elf_in_file(f, *shoff, *shentsize)) {
        trace_error_set(err, "%s: section header table at byte %llu is past the end of the file (%llu bytes)",
                        f->name, (unsigned long long)*shoff, (unsigned long long)f->size);
        return -1;
    }
    if (*shnum == 0)
        *shnum = ELF_FIELD(f, *shoff, Elf64_Shdr, sh_size);
    if (*shnum == 0 || *shnum > (f->size - *shoff) / *shentsize) {
        trace_error_set(err, "%s: %llu section headers of %llu bytes at byte %llu do not fit in the file (%llu bytes)",
                        f->name, (unsigned long long)*shnum, (unsigned long long)*shentsize,
                        (unsigned long long)*shoff, (unsigned long long)f->size);
        return -1;
    }
    return 0;
}

static struct elf_section *elf_read_sections(const struct elf_file *f, uint64_t *count,
                                             struct trace_error *err)
{
    uint64_t shoff, shentsize, shnum;
    if (elf_section_table(f, &shoff, &shentsize, &shnum, err) < 0)
        return NULL;
    struct elf_section *sec = calloc(shnum, sizeof *sec);
    if (!sec) {
        trace_error_set(err, "%s: out of memory", f->name);
        return NULL;
    }
    for (uint64_t i = 0; i < shnum; i++) {
        uint64_t at = shoff + i * shentsize;     /* in the file: checked above */
        sec[i].type = (uint32_t)ELF_FIELD(f, at, Elf64_Shdr, sh_type);
        sec[i].link = (uint32_t)ELF_FIELD(f, at, Elf64_Shdr, sh_link);
        sec[i].flags = ELF_FIELD(f, at, Elf64_Shdr, sh_flags);
        sec[i].addr = ELF_FIELD(f, at, Elf64_Shdr, sh_addr);
        sec[i].offset = ELF_FIELD(f, at, Elf64_Shdr, sh_offset);
        sec[i].size = ELF_FIELD(f, at, Elf64_Shdr, sh_size);
        sec[i].entsize = ELF_FIELD(f, at, Elf64_Shdr, sh_entsize);
    }
    *count = shnum;
    return sec;
}

static int elf_check_contents(const struct elf_file *f, const struct elf_section *s, uint64_t i,
                              const char *what, struct trace_error *err)
{
    if (s->type == SHT_NOBITS || !elf_in_file(f, s->offset, s->size)) {
        trace_error_set(err, "%s: %s (section %llu) at byte %llu, %llu bytes, is not inside the file (%llu bytes)",
                        f->name, what, (unsigned long long)i, (unsigned long long)s->offset,
                        (unsigned long long)s->size, (unsigned long long)f->size);
        return -1;
    }
    return 0;
}

/* The symbol table to read: .symtab, else .dynsym (a stripped binary
 * still has that); *STRTAB gets its string table. Both are checked to lie
 * inside the file with sane entry sizes. */
static int elf_pick_symtab(const struct elf_file *f, const struct elf_section *sec, uint64_t n,
                           uint64_t *symtab, uint64_t *strtab, struct trace_error *err)
{
    static const uint32_t wanted[] = { SHT_SYMTAB, SHT_DYNSYM };
    uint64_t i = n;
    for (size_t w = 0; w < sizeof wanted / sizeof wanted[0] && i == n; w++)
        for (i = 0; i < n && sec[i].type != wanted[w]; i++)
            ;
    if (i == n) {
        trace_error_set(err, "%s: no symbol table (.symtab or .dynsym)", f->name);
        return -1;
    }
    const struct elf_section *s = &sec[i];
    if (s->entsize != sizeof(Elf64_Sym) || s->size % sizeof(Elf64_Sym) != 0) {
        trace_error_set(err, "%s: symbol table (section %llu) has %llu bytes of %llu-byte entries; ELF64 symbols are %zu bytes",
                        f->name, (unsigned long long)i, (unsigned long long)s->size,
                        (unsigned long long)s->entsize, sizeof(Elf64_Sym));
        return -1;
    }
    if (elf_check_contents(f, s, i, "the symbol table", err) < 0)
        return -1;
    if (s->link == 0 || s->link >= n || sec[s->link].type != SHT_STRTAB) {
        trace_error_set(err, "%s: the symbol table's string table (section %u) is not a string table",
                        f->name, s->link);
        return -1;
    }
    if (elf_check_contents(f, &sec[s->link], s->link, "the symbol string table", err) < 0)
        return -1;
    *symtab = i;
    *strtab = s->link;
    return 0;
}

/* The end of the section holding a symbol, which bounds a symbol without
 * a size (an assembler label at the end of .text must not swallow every
 * address after it). */
static uint64_t elf_section_end(const struct elf_section *sec, uint64_t n, uint64_t shndx,
                                uint64_t value)
{
    if (shndx >= n || !(sec[shndx].flags & SHF_ALLOC))
        return UINT64_MAX;
    const struct elf_section *s = &sec[shndx];
    uint64_t end = s->size > UINT64_MAX - s->addr ? UINT64_MAX : s->addr + s->size;
    return value >= s->addr && value <= end ? end : UINT64_MAX;
}

/* Checks the name of symbol I and returns its offset in the string table:
 * a name must start inside the table and end (NUL) inside it. */
static int elf_symbol_name(const struct elf_file *f, const struct elf_section *str, uint64_t i,
                           uint64_t name, struct trace_error *err)
{
    if (name == 0)
        return 0;
    if (name >= str->size) {
        trace_error_set(err, "%s: symbol %llu: name at offset %llu is past the end of its string table (%llu bytes)",
                        f->name, (unsigned long long)i, (unsigned long long)name,
                        (unsigned long long)str->size);
        return -1;
    }
    if (!memchr(f->p + str->offset + name, 0, str->size - name)) {
        trace_error_set(err, "%s: symbol %llu: name at offset %llu runs off the end of its string table",
                        f->name, (unsigned long long)i, (unsigned long long)name);
        return -1;
    }
    return 0;
}

/* Reads every entry of the symbol table, checking each name, and keeps the
 * defined ones with an address that may name code. */
static int elf_read_symbols(const struct elf_file *f, const struct elf_section *sec, uint64_t n,
                            uint64_t symtab, uint64_t strtab, struct trace_symbols *out,
                            struct trace_error *err)
{
    const struct elf_section *st = &sec[symtab], *str = &sec[strtab];
    uint64_t count = st->size / sizeof(Elf64_Sym);
    out->names = malloc(str->size + 1);
    out->sym = calloc(count ? count : 1, sizeof *out->sym);
    if (!out->names || !out->sym) {
        trace_error_set(err, "%s: out of memory", f->name);
        return -1;
    }
    memcpy(out->names, f->p + str->offset, str->size);
    out->names[str->size] = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = st->offset + i * sizeof(Elf64_Sym);    /* checked with the table */
        uint64_t name = ELF_FIELD(f, at, Elf64_Sym, st_name);
        if (elf_symbol_name(f, str, i, name, err) < 0)
            return -1;
        uint8_t info = (uint8_t)ELF_FIELD(f, at, Elf64_Sym, st_info);
        uint64_t shndx = ELF_FIELD(f, at, Elf64_Sym, st_shndx);
        uint64_t value = ELF_FIELD(f, at, Elf64_Sym, st_value);
        uint64_t size = ELF_FIELD(f, at, Elf64_Sym, st_size);
        uint8_t rank = type_rank[ELF64_ST_TYPE(info)];
        bool defined = shndx != SHN_UNDEF && (shndx < SHN_LORESERVE || shndx == SHN_XINDEX);
        /* A function may sit at 0 (a guest linked there); a bare label or
         * object at 0 is more often a marker than code. */
        bool placed = value != 0 || ELF64_ST_TYPE(info) == STT_FUNC;
        if (!rank || !defined || !placed || out->names[name] == 0)
            continue;                   /* undefined, absolute, section/file, or nameless */
        struct trace_symbol *s = &out->sym[out->n++];
        s->start = value;
        s->size = size;
        s->name = out->names + name;
        s->rank = (uint8_t)(rank * 8 + (size ? 0 : 4) + BIND_RANK(ELF64_ST_BIND(info)));
        s->section_end = elf_section_end(sec, n, shndx, value);
    }
    return 0;
}

static int symbol_compare(const void *a, const void *b)
{
    const struct trace_symbol *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Sorts, keeps the best-ranked symbol at each address, and sets where
 * each one ends: its size when it has one, else the next symbol or the end
 * of its section, whichever comes first. */
static void symbols_finish(struct trace_symbols *s)
{
    qsort(s->sym, s->n, sizeof *s->sym, symbol_compare);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (k == 0 || s->sym[k - 1].start != s->sym[i].start)
            s->sym[k++] = s->sym[i];
    s->n = k;
    for (size_t i = 0; i < k; i++) {
        struct trace_symbol *y = &s->sym[i];
        if (y->size) {
            y->end = y->size > UINT64_MAX - y->start ? UINT64_MAX : y->start + y->size;
        } else {
            uint64_t next = i + 1 < k ? s->sym[i + 1].start : UINT64_MAX;
            y->end = next < y->section_end ? next : y->section_end;
        }
    }
}

struct trace_symbols *trace_symbols_load_mem(const void *data, size_t size, const char *name,
                                             struct trace_error *err)
{
    struct elf_file f = { .p = data, .size = size, .name = name };
    if (elf_check_ident(&f, err) < 0)
        return NULL;
    uint64_t nsec, symtab, strtab;
    struct elf_section *sec = elf_read_sections(&f, &nsec, err);
    if (!sec)
        return NULL;
    struct trace_symbols *s = calloc(1, sizeof *s);
    int rc = s ? elf_pick_symtab(&f, sec, nsec, &symtab, &strtab, err) : -1;
    if (!s)
        trace_error_set(err, "%s: out of memory", name);
    if (rc == 0)
        rc = elf_read_symbols(&f, sec, nsec, symtab, strtab, s, err);
    free(sec);
    if (rc < 0) {
        trace_symbols_free(s);
        return NULL;
    }
    symbols_finish(s);
    return s;
}

/* The whole of a file that cannot be mapped (a pipe, /dev/stdin). */
static uint8_t *read_all(int fd, size_t *size)
{
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            uint8_t *bigger = cap < (SIZE_MAX >> 1) ? realloc(buf, cap * 2) : NULL;
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            if (got == 0) {
                *size = n;
                return buf;
            }
            break;
        }
        n += (size_t)got;
    }
    free(buf);
    return NULL;
}

struct trace_symbols *trace_symbols_load(const char *path, struct trace_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        trace_error_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    struct trace_symbols *s = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if (st.st_size == 0) {
            trace_error_set(err, "%s: empty file, not an ELF file", path);
        } else {
            void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (map == MAP_FAILED) {
                trace_error_set(err, "%s: cannot map: %s", path, strerror(errno));
            } else {
                s = trace_symbols_load_mem(map, (size_t)st.st_size, path, err);
                munmap(map, (size_t)st.st_size);
            }
        }
    } else {
        size_t size;
        uint8_t *buf = read_all(fd, &size);
        if (!buf)
            trace_error_set(err, "%s: cannot read: %s", path, strerror(errno ? errno : ENOMEM));
        else
            s = trace_symbols_load_mem(buf, size, path, err);
        free(buf);
    }
    close(fd);
    return s;
}

void trace_symbols_free(struct trace_symbols *s)
{
    if (!s)
        return;
    free(s->sym);
    free(s->names);
    free(s);
}

size_t trace_symbols_count(const struct trace_symbols *s)
{
    return s->n;
}

/* How far back a lookup looks for a symbol that encloses ADDR when the
 * nearest one below it ends first: a data object or label sized inside a
 * larger function. A few steps cover real nesting and keep lookups
 * O(log n). */
#define SYMBOL_NESTING 8

bool trace_symbols_lookup(const struct trace_symbols *s, uint64_t addr, const char **name,
                          uint64_t *offset)
{
    size_t lo = 0, hi = s->n;        /* first symbol starting after ADDR */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->sym[mid].start <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo, steps = 0; i > 0 && steps < SYMBOL_NESTING; i--, steps++) {
        const struct trace_symbol *y = &s->sym[i - 1];
        if (addr < y->end) {
            *name = y->name;
            *offset = addr - y->start;
            return true;
        }
    }
    return false;
}
