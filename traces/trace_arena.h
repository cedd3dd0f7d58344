/*
 * A bump allocator for protobuf-c's unpack: every message of one frame is
 * allocated from it and the whole frame is released at once with
 * trace_arena_reset(), instead of one malloc and one free per message.
 * After a reset the arena keeps one block as large as the last frame
 * needed, so steady-state reading allocates nothing. A budget set at each
 * reset bounds what one frame may take: past it allocation fails, and so
 * does protobuf-c's unpack, cleanly.
 */
#ifndef PPCRR_TRACES_TRACE_ARENA_H
#define PPCRR_TRACES_TRACE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

struct trace_arena_block;

struct trace_arena {
    ProtobufCAllocator allocator;    /* hand &arena->allocator to unpack */
    struct trace_arena_block *blocks; /* newest first */
    size_t total;                    /* bytes handed out since the reset */
    size_t limit;                    /* budget until the next reset */
    bool exhausted;                  /* an allocation was refused since the reset */
};

void trace_arena_init(struct trace_arena *a);
/* Releases everything and sets the budget for what comes next. */
void trace_arena_reset(struct trace_arena *a, size_t limit);
void trace_arena_destroy(struct trace_arena *a);

#endif
