/*
 * The few pieces of protobuf wire encoding the writer produces by hand:
 * the framing around fields whose length is only known once they are
 * complete (a chunk, a frame's new strings). Everything inside an event is
 * packed by protobuf-c.
 */
#ifndef PPCRR_TRACES_TRACE_WIRE_H
#define PPCRR_TRACES_TRACE_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum { WIRE_VARINT = 0, WIRE_LEN = 2, WIRE_VARINT_MAX = 10 };

static inline uint8_t *wire_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static inline uint8_t *wire_put_tag(uint8_t *p, uint32_t field, unsigned wire_type)
{
    return wire_put_varint(p, (uint64_t)field << 3 | wire_type);
}

/* Tag and length of a length-delimited field whose LEN bytes follow. */
static inline uint8_t *wire_put_tag_len(uint8_t *p, uint32_t field, size_t len)
{
    return wire_put_varint(wire_put_tag(p, field, WIRE_LEN), len);
}

#endif
