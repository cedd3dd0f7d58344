/*
 * A fast 64-bit hash for state digests (checkpoints, -dump-state): not
 * cryptographic, but every input bit reaches every output bit, so two
 * states that differ anywhere give different digests in practice. It is
 * fast enough (several GB/s) that a checkpoint can afford to rehash every
 * RAM page the guest dirtied since the last one.
 *
 * The value depends only on the bytes, their length and the seed: never
 * on alignment, host byte order or pointer values (DESIGN.md §2 rule 4).
 */
#ifndef PPCRR_EMU_HASH64_H
#define PPCRR_EMU_HASH64_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *data, size_t len, uint64_t seed);

/* Folds V into the running hash H (for combining hashes and small values). */
uint64_t hash64_fold(uint64_t h, uint64_t v);

#endif
