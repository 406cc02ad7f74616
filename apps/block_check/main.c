/*
 * block_check: a client of the block service (include/nova/block.h). It
 * shares a 1 MiB buffer with the driver, reads the disk's first sectors and
 * compares them with the pattern tools/disk/mkpattern.py writes, then
 * writes extents of pseudo-random bytes at pseudo-random places of the
 * disk's second half (one of them the last sector, one the largest
 * request), reads each back and compares checksums, reads all of them
 * again at the end, and checks that requests out of range and outside the
 * buffer are refused. One line per check, then "block_check: PASS" or
 * "block_check: FAIL (n checks failed)".
 *
 * system.toml: uses = ["block", "console"] (the block portal at
 * NOVA_COMPONENT_SEL_USE(0)); it must run on the driver's CPU.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <nova/block.h>
#include <nova/component.h>
#include <virtio/disk_pattern.h>

#define BUF_SIZE (1u << 20)
#define EXTENTS  16u

static uint8_t buf[BUF_SIZE] __attribute__((aligned(BUF_SIZE)));
static unsigned failures;

static void check(int ok, const char *what, enum block_status st)
{
    if (!ok)
        failures++;
    printf("block_check: %s: %s", ok ? "ok" : "FAILED", what);
    if (st != BLOCK_OK)
        printf(" (%s)", block_strerror(st));
    printf("\n");
}

static uint64_t rng = 0x853c49e6748fea9bull;
static uint64_t next_rand(void) { return pattern_rand(&rng); }


struct extent {
    uint64_t sector;
    uint32_t count;
    uint64_t sum;
};

int main(void)
{
    struct block_client c;
    enum block_status st = block_connect(&c, NOVA_COMPONENT_SEL_USE(0), buf, sizeof buf);
    check(st == BLOCK_OK, "connect with a 1 MiB buffer", st);
    if (st != BLOCK_OK) {
        printf("block_check: FAIL (no connection)\n");
        return 1;
    }
    printf("block_check: disk of %llu sectors of %u bytes, up to %u sectors a request%s\n",
           (unsigned long long)c.capacity, c.sector_size, c.max_sectors,
           c.flags & BLOCK_FLAG_READ_ONLY ? ", read-only" : "");

    /* the image's pattern in the first 64 sectors */
    st = block_read(&c, 0, 64, 0);
    unsigned bad = 0;
    for (uint64_t i = 0; i < 64 * 64; i++)
        bad += ((const uint64_t *)buf)[i] != pattern_word(i);
    check(st == BLOCK_OK && !bad, "the first 64 sectors hold the image's pattern", st);

    /* extents in the second half: the last sector, the largest request, random ones */
    uint64_t half = c.capacity / 2;
    uint32_t most = c.max_sectors;   /* the driver's limit, or the buffer's */
    struct extent ext[EXTENTS];
    unsigned matched = 0, written = 0;
    for (unsigned e = 0; e < EXTENTS; e++) {
        uint64_t sector;
        uint32_t count;
        if (e == 0) {
            sector = c.capacity - 1, count = 1;
        } else if (e == 1) {
            sector = c.capacity - most, count = most;
        } else {
            sector = half + next_rand() % (c.capacity - half);
            uint64_t room = c.capacity - sector < most ? c.capacity - sector : most;
            count = 1 + (uint32_t)(next_rand() % room);
        }
        size_t len = (size_t)count * c.sector_size;
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)next_rand();
        ext[e] = (struct extent){ sector, count, pattern_checksum(buf, len) };
        st = block_write(&c, sector, count, 0);
        if (st != BLOCK_OK) {
            check(0, "write", st);
            continue;
        }
        written++;
        memset(buf, 0, len);
        st = block_read(&c, sector, count, 0);
        if (st == BLOCK_OK && pattern_checksum(buf, len) == ext[e].sum)
            matched++;
        else
            check(0, "read back", st);
    }
    printf("block_check: %u extents written (last sector, %u sectors at once, %u at random), %u read back with "
           "matching checksums\n",
           written, most, EXTENTS - 2, matched);
    check(written == EXTENTS && matched == EXTENTS, "every extent written and read back", BLOCK_OK);

    /* later extents overwrite earlier ones: read each again and compare with
     * the newest data that covers it, extent by extent, from the last */
    unsigned again = 0;
    for (unsigned e = EXTENTS; e-- > 0;) {
        bool overlapped = false;
        for (unsigned l = e + 1; l < EXTENTS; l++)
            if (ext[l].sector < ext[e].sector + ext[e].count && ext[e].sector < ext[l].sector + ext[l].count)
                overlapped = true;
        if (overlapped)
            continue;
        st = block_read(&c, ext[e].sector, ext[e].count, 0);
        again += st == BLOCK_OK && pattern_checksum(buf, (size_t)ext[e].count * c.sector_size) == ext[e].sum;
        if (st != BLOCK_OK || pattern_checksum(buf, (size_t)ext[e].count * c.sector_size) != ext[e].sum)
            check(0, "extent read again", st);
    }
    printf("block_check: %u extents not overwritten later read again with matching checksums\n", again);
    check(block_flush(&c) == BLOCK_OK, "flush", BLOCK_OK);

    /* refused: beyond the disk, too many at once, outside the buffer, a forged session */
    check(block_read(&c, c.capacity, 1, 0) == BLOCK_ERR_RANGE, "a read beyond the disk is refused", BLOCK_OK);
    check(block_write(&c, c.capacity - 1, 2, 0) == BLOCK_ERR_RANGE, "a write across the disk's end is refused",
          BLOCK_OK);
    check(block_read(&c, 0, c.max_sectors + 1, 0) == BLOCK_ERR_RANGE, "a request above the limit is refused",
          BLOCK_OK);
    check(block_read(&c, 0, 2, BUF_SIZE - c.sector_size) == BLOCK_ERR_BUF, "a read past the buffer is refused",
          BLOCK_OK);
    struct block_client forged = c;
    forged.session ^= 1ull << 40;
    check(block_read(&forged, 0, 1, 0) == BLOCK_ERR_SESSION, "a forged session is refused", BLOCK_OK);
    check(block_disconnect(&c) == BLOCK_OK, "disconnect", BLOCK_OK);
    check(block_read(&c, 0, 1, 0) == BLOCK_ERR_SESSION, "no reads after disconnect", BLOCK_OK);

    if (failures)
        printf("block_check: FAIL (%u checks failed)\n", failures);
    else
        printf("block_check: PASS\n");
    return failures ? 1 : 0;
}
