/* Version string and build id (see version.h). */
#include "harness/version.h"

#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "harness/version_data.h"

const char *ppcrr_version(void)
{
    /* "0.1.0 (git 1a2b3c4)" from a checkout, "0.1.0" from a tarball. */
    static const char from_git[] = PPCRR_BASE_VERSION " (git " PPCRR_GIT_DESCRIBE ")";
    bool no_git = PPCRR_GIT_DESCRIBE[0] == 0 || strcmp(PPCRR_GIT_DESCRIBE, PPCRR_BASE_VERSION) == 0;
    return no_git ? PPCRR_BASE_VERSION : from_git;
}

static char build_id[2 * 64 + 1];

/* Finds the NT_GNU_BUILD_ID note in the main program's PT_NOTE segments. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
        const char *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
            const char *name = p + sizeof *n;
            const unsigned char *desc =
                (const unsigned char *)name + ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
                memcmp(name, "GNU", 4) == 0 && n->n_descsz <= 64) {
                for (unsigned j = 0; j < n->n_descsz; j++)
                    snprintf(build_id + 2 * j, 3, "%02x", desc[j]);
                return 1;
            }
            p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
        }
    }
    return 1;   /* only the first object, the program itself */
}

const char *ppcrr_build_id(void)
{
    if (!build_id[0]) {
        dl_iterate_phdr(find_build_id, NULL);
        if (!build_id[0])
            strcpy(build_id, "unknown");
    }
    return build_id;
}
