/*
 * The images a machine was built from (-kernel, -initrd, -bios, -machine
 * FILE), with size and sha256: what a snapshot's header records and what
 * a restore compares, the same way a trace's header does.
 */
#ifndef PPCRR_SNAPSHOT_SNAPSHOT_IMAGES_H
#define PPCRR_SNAPSHOT_SNAPSHOT_IMAGES_H

#include "snapshot/snapshot_file.h"
#include "traces/sha256.h"

#define SNAPSHOT_MAX_IMAGES 4

struct snapshot_images {
    Ppcrr__SnapshotImage image[SNAPSHOT_MAX_IMAGES];
    Ppcrr__SnapshotImage *ptr[SNAPSHOT_MAX_IMAGES];
    uint8_t sha256[SNAPSHOT_MAX_IMAGES][SHA256_DIGEST_SIZE];
    size_t n;
};

/* Fills IM from M's configuration (pointers into it: valid while M is). */
int snapshot_images_collect(const struct machine *m, struct snapshot_images *im, struct trace_error *err);

#endif
