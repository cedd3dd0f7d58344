/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), guarding the trace
 * index: data frames have zstd's checksum, the index frame is a skippable
 * frame zstd never looks inside, so it carries its own. Bitwise, without a
 * table: the index is small, and there is no shared state to race on.
 */
#include "traces/trace_file.h"

uint32_t trace_crc32(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return crc ^ 0xFFFFFFFFu;
}
