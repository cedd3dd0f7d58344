/*
 * A bump allocator for protobuf-c's unpack: every message of one frame is
 * allocated from it and the whole frame is released at once with
 * trace_arena_reset(), instead of one malloc and one free per message.
 * After a reset the arena keeps one block as large as the last frame
 * needed, so steady-state reading allocates nothing.
 */
#ifndef PPCRR_TRACES_TRACE_ARENA_H
#define PPCRR_TRACES_TRACE_ARENA_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

struct trace_arena_block;

struct trace_arena {
    ProtobufCAllocator allocator;    /* hand &arena->allocator to unpack */
    struct trace_arena_block *blocks; /* newest first */
    size_t total;                    /* bytes handed out since the reset */
};

void trace_arena_init(struct trace_arena *a);
void trace_arena_reset(struct trace_arena *a);
void trace_arena_destroy(struct trace_arena *a);

#endif
