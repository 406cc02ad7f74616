/* What the block tests share: the pattern of the test disk
 * (tools/disk/mkpattern.py writes word i of the image as pattern_word(i)),
 * the pseudo-random numbers they place requests with, and the checksum
 * they compare data by. Header only, for root tasks and components alike. */
#pragma once
#include <stddef.h>
#include <stdint.h>

static inline uint64_t pattern_word(uint64_t i) { return (i + 1) * 0x9e3779b97f4a7c15ull; }

/* xorshift64: *state must not be 0 */
static inline uint64_t pattern_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* FNV-1a over n bytes */
static inline uint64_t pattern_checksum(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}
