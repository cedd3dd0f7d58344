/*
 * Guest symbols for the trace tools: a small ELF64 reader that turns a
 * guest PC into "function+0xoffset" (for `ppcrr trace stats --symbols
 * vmlinux`).
 *
 * It reads the symbol table (.symtab, or .dynsym when the file has none)
 * of a 64-bit ELF of either byte order and keeps the symbols that name
 * code: STT_FUNC first, STT_OBJECT and STT_NOTYPE labels too when they
 * have an address. A symbol covers [st_value, st_value + st_size); one
 * with no size runs to the next symbol or to the end of its section.
 * On PPC64 ELFv2 (Debian's ppc64el vmlinux) st_value is the global entry
 * point and guest PCs are the kernel's virtual addresses (0xc000...), so
 * they compare directly. ELFv1 function descriptors (.opd) are not
 * followed.
 *
 * The file is untrusted input: every offset and size is checked against
 * the file before it is used, and anything malformed is an error naming
 * the file, never a crash.
 */
#ifndef PPCRR_TRACES_TRACE_SYMBOLS_H
#define PPCRR_TRACES_TRACE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trace_file.h"

struct trace_symbols;

/* Loads the symbols of the ELF file at PATH. NULL with ERR filled on any
 * problem (cannot open, not ELF64, malformed, no symbol table). */
struct trace_symbols *trace_symbols_load(const char *path, struct trace_error *err);

/* The same for an ELF image held in memory; NAME is used in messages.
 * Nothing points into DATA afterwards. */
struct trace_symbols *trace_symbols_load_mem(const void *data, size_t size, const char *name,
                                             struct trace_error *err);

void trace_symbols_free(struct trace_symbols *s);

/* Symbols kept (after dropping undefined ones and merging aliases). */
size_t trace_symbols_count(const struct trace_symbols *s);

/* The symbol covering ADDR: true with *NAME (valid while S lives) and
 * *OFFSET = ADDR - its start; false when no symbol covers ADDR. */
bool trace_symbols_lookup(const struct trace_symbols *s, uint64_t addr, const char **name,
                          uint64_t *offset);

#endif
