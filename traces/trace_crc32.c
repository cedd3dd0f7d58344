/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), guarding the trace
 * index: data frames have zstd's checksum, the index frame is a skippable
 * frame zstd never looks inside, so it carries its own.
 */
#include "traces/trace_file.h"

uint32_t trace_crc32(const void *data, size_t len)
{
    static uint32_t table[256];
    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    const uint8_t *p = data;
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}
