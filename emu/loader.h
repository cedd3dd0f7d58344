/*
 * Loading guest images into RAM (DESIGN.md §6): 64-bit ELF of either byte
 * order (PT_LOAD segments at their physical addresses, kernel virtual
 * addresses 0xc000... folded to physical as pSeries kernels expect) or a
 * raw image; the initrd; firmware for -bios. Every failure -- a missing or
 * unreadable file, an image that does not fit in RAM, two images that
 * overlap -- is a message naming the file.
 */
#ifndef PPCRR_EMU_LOADER_H
#define PPCRR_EMU_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/memory.h"

struct loaded_image {
    const char *path;
    uint64_t base, size;      /* the physical range it occupies */
    uint64_t entry;           /* physical entry point */
    bool little_endian;       /* ELF data encoding (raw images: false) */
    bool elf;
};

/* Loads PATH: an ELF64 PowerPC image, or raw bytes at BASE. An ELF goes
 * to its own (physical) addresses, or with RELOCATE to (address &
 * 0x0fffffff) + BASE -- where QEMU's pseries puts a kernel that firmware
 * (-bios) will start. */
int loader_load_kernel(struct guest_memory *mem, const char *path, uint64_t base, bool relocate,
                       struct loaded_image *out, char *err, size_t errlen);

/* Loads PATH's bytes at BASE. */
int loader_load_raw(struct guest_memory *mem, const char *path, uint64_t base,
                    struct loaded_image *out, char *err, size_t errlen);

/* An error naming both images if A and B overlap. */
int loader_check_overlap(const struct loaded_image *a, const struct loaded_image *b, char *err,
                         size_t errlen);

#endif
