/*
 * Reading the shape of zstd frames without decoding them, for the reader.
 *
 * zstd itself can only say "this frame needs more bytes", which is the
 * same answer for a file cut short by a killed recorder and for a block
 * header whose size field was damaged. Walking the headers (RFC 8878,
 * "Zstandard Compression and the application/zstd Media Type", 3.1) tells
 * them apart: a damaged header is implausible (reserved bits, a block
 * larger than the 128 KiB maximum), a cut-short file is not.
 */
#include "traces/trace_file.h"

#define ZSTD_BLOCK_SIZE_MAX (128u << 10)

enum zstd_frame_shape trace_zstd_frame_scan(const uint8_t *p, uint64_t remain, uint64_t *size,
                                            bool *has_checksum)
{
    if (remain < 5)
        return ZSTD_FRAME_TRUNCATED;
    uint8_t fhd = p[4];
    unsigned fcs_flag = fhd >> 6, single_segment = (fhd >> 5) & 1, did_flag = fhd & 3;
    if (fhd & 0x08)                               /* reserved bit */
        return ZSTD_FRAME_CORRUPT;
    *has_checksum = (fhd >> 2) & 1;
    static const unsigned did_bytes[4] = { 0, 1, 2, 4 };
    static const unsigned fcs_bytes[4] = { 0, 2, 4, 8 };
    uint64_t pos = 5 + !single_segment + did_bytes[did_flag] +
                   (fcs_flag == 0 && single_segment ? 1 : fcs_bytes[fcs_flag]);
    for (;;) {
        if (remain < pos + 3)
            return ZSTD_FRAME_TRUNCATED;
        uint32_t bh = p[pos] | (uint32_t)p[pos + 1] << 8 | (uint32_t)p[pos + 2] << 16;
        unsigned last = bh & 1, type = (bh >> 1) & 3;
        uint32_t block_size = bh >> 3;
        if (type == 3 || block_size > ZSTD_BLOCK_SIZE_MAX)
            return ZSTD_FRAME_CORRUPT;
        pos += 3 + (type == 1 ? 1 : block_size);   /* an RLE block stores one byte */
        if (last)
            break;
    }
    pos += *has_checksum ? 4 : 0;
    if (remain < pos)
        return ZSTD_FRAME_TRUNCATED;
    *size = pos;
    return ZSTD_FRAME_COMPLETE;
}
