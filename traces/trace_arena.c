/* Per-frame bump allocator for protobuf-c (see trace_arena.h). */
#include "traces/trace_arena.h"

#include <stdint.h>
#include <stdlib.h>

struct trace_arena_block {
    struct trace_arena_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
};

enum { ARENA_ALIGN = _Alignof(max_align_t), ARENA_MIN_BLOCK = 64 << 10 };

static struct trace_arena_block *block_new(size_t cap, struct trace_arena_block *next)
{
    struct trace_arena_block *b = malloc(sizeof *b + cap);
    if (b) {
        b->next = next;
        b->used = 0;
        b->cap = cap;
    }
    return b;
}

static void *arena_alloc(void *data, size_t size)
{
    struct trace_arena *a = data;
    if (size > a->limit - a->total) {
        a->exhausted = true;                  /* over budget (also catches huge sizes) */
        return NULL;
    }
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct trace_arena_block *b = a->blocks;
    if (!b || b->cap - b->used < size) {
        size_t cap = b ? b->cap * 2 : ARENA_MIN_BLOCK;
        while (cap < size)
            cap *= 2;                         /* size <= limit, so this stays small */
        if (!(b = block_new(cap, a->blocks))) {
            a->exhausted = true;
            return NULL;
        }
        a->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    a->total += size;
    return p;
}

static void arena_free(void *data, void *p)
{
    (void)data;     /* released all at once by trace_arena_reset */
    (void)p;
}

void trace_arena_init(struct trace_arena *a)
{
    a->allocator = (ProtobufCAllocator){ arena_alloc, arena_free, a };
    a->blocks = NULL;
    a->total = 0;
    a->limit = 0;
}

void trace_arena_reset(struct trace_arena *a, size_t limit)
{
    if (a->blocks && a->blocks->next) {
        /* The frame needed several blocks: replace them by one big enough. */
        size_t need = a->total;
        trace_arena_destroy(a);
        a->blocks = block_new(need, NULL);
    }
    if (a->blocks)
        a->blocks->used = 0;
    a->total = 0;
    a->limit = limit;
    a->exhausted = false;
}

void trace_arena_destroy(struct trace_arena *a)
{
    while (a->blocks) {
        struct trace_arena_block *next = a->blocks->next;
        free(a->blocks);
        a->blocks = next;
    }
    a->total = 0;
}
