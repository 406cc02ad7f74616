/* The virtio-blk driver core (libs/virtio) on QEMU's virtio-blk-pci
 * (disable-legacy=on, iommu_platform=on) behind the emulated VT-d unit. The
 * root holds everything, so it plays the root server's part itself: it
 * finds the function in ECAM, assigns it to itself, gives itself an MSI GSI
 * and memory with the D bit, and hands the driver exactly that.
 *
 * The disk is the image tools/disk/mkpattern.py writes (VBLK_SECTORS
 * sectors; QEMU opens it with snapshot=on, so writes never reach the file):
 * 8-byte word i of the disk holds pattern_word(i). The tests write only in
 * the second half, so the first half always holds the pattern.
 *
 * Without an IOMMU or without the device (every other variant of the suite)
 * the tests skip. */
#include <string.h>
#include <virtio/blk.h>
#include "acpi.h"
#include "self_delegate.h"
#include <virtio/disk_pattern.h>
#include "support.h"

#define VBLK_SECTORS   16384u                  /* 8 MiB: tools/disk/mkpattern.py --size-mib 8 */
#define VBLK_HALF      (VBLK_SECTORS / 2)
/* where the D-delegated memory appears: below 512 GiB, which a 3-level VT-d unit reaches */
#define VBLK_DMA_VA    0x0000005000000000ull
#define VBLK_BACKING   (4u << 20)
#define VBLK_QUEUE     (64u << 10)             /* the driver's own part; data buffers after it */
#define VBLK_DATA_VA   (VBLK_DMA_VA + VBLK_QUEUE)
#define VBLK_DATA      (VBLK_BACKING - VBLK_QUEUE)

static uint8_t backing[VBLK_BACKING] __attribute__((aligned(4096)));   /* the root's memory, also at VBLK_DMA_VA with D */
static uint8_t shadow[VBLK_HALF * 512u];                               /* what the second half should hold */
static uint8_t outside[8192] __attribute__((aligned(4096)));           /* never a DMA window */

static struct {
    bool tried, ok;
    const char *skip;
    uint64_t cfg;          /* page number of the function's configuration page */
    struct virtio_hw hw;
    struct virtio_blk blk;
} v;

/* backing page i at VBLK_DMA_VA + i pages, with D or without */
static enum nova_status give_page(unsigned i, bool dma)
{
    uint64_t perms = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W;
    uint64_t crd = nova_crd_mem(((uintptr_t)backing >> 12) + i, 0, perms);
    uint64_t del = nova_crd_mem((VBLK_DMA_VA >> 12) + i, 0, perms);
    return dma ? delegate_to_self_dma(crd, 0, false, del) : delegate_to_self(crd, 0, false, del);
}
static enum nova_status take_page(unsigned i)
{
    return nova_revoke(nova_crd_mem((VBLK_DMA_VA >> 12) + i, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
}

static void setup(void)
{
    if (v.tried)
        return;
    v.tried = true;
    acpi_probe();
    v.skip = "no ACPI MCFG: no PCI configuration space";
    if (!acpi.ecam_page)
        return;
    unsigned f = ~0u;
    for (unsigned g = 0; g < ECAM_PAGES && f == ~0u; g++)
        if (*(volatile uint32_t *)(uintptr_t)(cfg_sel(g) << 12) ==
            (VIRTIO_PCI_VENDOR | VIRTIO_PCI_MODERN_ID(VIRTIO_ID_BLOCK) << 16))
            f = g;
    v.skip = "no virtio-blk device (QEMU -device virtio-blk-pci,disable-legacy=on)";
    if (f == ~0u)
        return;
    v.skip = "no DMAR table: no IOMMU for the device's DMA";
    if (!acpi.dmar)
        return;
    v.skip = 0;
    v.cfg = take_phys_perms(acpi.ecam_phys + ((uint64_t)f << 12), 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W);
    REQUIRE(v.cfg);
    REQUIRE_OK(nova_assign_pci(SEL_ROOT_PD, v.cfg, 0));

    /* an MSI GSI (the last but one: test_vtd.c's edu takes the last) */
    unsigned cpus = (nova_boot_hip->mem_offs - nova_boot_hip->cpu_offs) / nova_boot_hip->cpu_size;
    uint64_t sm = sel_alloc(1), ma = 0, md = 0;
    REQUIRE_OK(delegate_to_self(nova_crd_obj(cpus + nova_boot_hip->gsi - 2, 0, PERM_ANY), sm, true,
                                nova_crd_obj(sm, 0, PERM_ANY)));
    REQUIRE_OK(nova_assign_gsi(sm, v.cfg, nova_boot_cpu, &ma, &md));

    for (unsigned i = 0; i < VBLK_BACKING / 4096; i++)
        REQUIRE_OK(give_page(i, true));
    v.hw = (struct virtio_hw){
        .cfg = (volatile uint8_t *)(uintptr_t)(v.cfg << 12),
        .map_bar = root_map_bar,
        .dma_va = VBLK_DMA_VA,
        .dma_size = VBLK_QUEUE,
        .irq_sm = sm,
        .msi_addr = ma,
        .msi_data = md,
    };
    REQUIRE_EQ(virtio_blk_init(&v.blk, &v.hw), VIRTIO_BLK_OK);
    REQUIRE_EQ(virtio_blk_add_window(&v.blk, VBLK_DATA_VA, VBLK_DATA), VIRTIO_BLK_OK);
    /* the second half holds the pattern until the tests write it */
    uint64_t *s = (uint64_t *)shadow;
    for (uint64_t i = 0; i < sizeof shadow / 8; i++)
        s[i] = pattern_word(VBLK_HALF * 64ull + i);
    v.ok = true;
}

#define NEED_DEVICE()            \
    do {                         \
        setup();                 \
        if (v.skip)              \
            SKIP(v.skip);        \
        REQUIRE(v.ok);           \
    } while (0)

static uint8_t *data(size_t off) { return (uint8_t *)(uintptr_t)(VBLK_DATA_VA + off); }

NOVA_TEST(virtio_blk_negotiates_and_reports_its_capacity)
{
    NEED_DEVICE();
    struct virtio_blk *b = &v.blk;
    CHECK_EQ(b->capacity, VBLK_SECTORS);
    CHECK(b->features >> VIRTIO_F_VERSION_1 & 1);
    CHECK(b->features >> VIRTIO_F_ACCESS_PLATFORM & 1);
    CHECK_EQ(b->features >> 34, 0);            /* nothing beyond: no packed ring, no in-order */
    CHECK(b->irq);                             /* MSI-X, not polling */
    CHECK(!b->read_only);
    CHECK_EQ(b->max_sectors, VIRTIO_BLK_MAX_SECTORS);
    uint8_t st = virtio_pci_status(&b->pci);
    CHECK_EQ(st & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET |
                   VIRTIO_STATUS_FAILED),
             VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK);
}

NOVA_TEST(virtio_blk_reads_the_pattern_the_image_was_made_with)
{
    NEED_DEVICE();
    for (uint32_t s = 0; s < VBLK_HALF; s += VIRTIO_BLK_MAX_SECTORS) {
        memset(data(0), 0xee, VIRTIO_BLK_MAX_SECTORS * 512u);
        REQUIRE_EQ(virtio_blk_read(&v.blk, s, data(0), VIRTIO_BLK_MAX_SECTORS), VIRTIO_BLK_OK);
        const uint64_t *w = (const uint64_t *)data(0);
        unsigned bad = 0;
        for (uint64_t i = 0; i < VIRTIO_BLK_MAX_SECTORS * 64ull; i++)
            bad += w[i] != pattern_word(s * 64ull + i);
        CHECK_EQ(bad, 0);
    }
    /* Whether the driver waited for an interrupt is not asserted: under TCG
     * a request may complete before the driver looks (then it takes the
     * interrupt's up at its next wait); a driver whose interrupt never came
     * would hang at a wait, which the harness reports. */
}

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next_rand(void) { return pattern_rand(&rng); }

#define GUARD 64u
/* write `count` sectors at `sector` from data offset `woff`, read them back
 * to data offset `roff`: same checksum, and the bytes around the read
 * buffer untouched */
static void write_read(uint64_t sector, uint32_t count, size_t woff, size_t roff)
{
    size_t len = count * 512u;
    uint8_t *w = data(woff), *r = data(roff);
    for (size_t i = 0; i < len; i++)
        w[i] = (uint8_t)next_rand();
    uint64_t sum = pattern_checksum(w, len);
    memcpy(shadow + (sector - VBLK_HALF) * 512u, w, len);
    CHECK_EQ(virtio_blk_write(&v.blk, sector, w, count), VIRTIO_BLK_OK);
    memset(r - GUARD, 0xc3, len + 2 * GUARD);
    CHECK_EQ(virtio_blk_read(&v.blk, sector, r, count), VIRTIO_BLK_OK);
    CHECK_EQ(pattern_checksum(r, len), sum);
    for (unsigned i = 0; i < GUARD; i++)
        if (r[-1 - (int)i] != 0xc3 || r[len + i] != 0xc3) {
            CHECK(!"the device wrote beyond the buffer");
            break;
        }
}

NOVA_TEST(virtio_blk_writes_and_reads_back_at_random_places)
{
    NEED_DEVICE();
    const uint32_t max = v.blk.max_sectors;
    const size_t region = VBLK_DATA / 2;       /* writes from the first half of the data window, reads into the second */
    /* the last sector, the largest request (ending there), one sector past the middle */
    write_read(VBLK_SECTORS - 1, 1, GUARD, region + GUARD);
    write_read(VBLK_SECTORS - max, max, GUARD, region + GUARD);
    write_read(VBLK_HALF, 1, 4096, region + 4096);
    for (unsigned round = 0; round < 24; round++) {
        uint64_t sector = VBLK_HALF + next_rand() % VBLK_HALF;
        uint32_t most = VBLK_SECTORS - sector < max ? (uint32_t)(VBLK_SECTORS - sector) : max;
        uint32_t count = 1 + (uint32_t)(next_rand() % most);
        size_t len = count * 512u;
        /* any byte offset, the buffers not aligned to anything */
        size_t woff = GUARD + next_rand() % (region - len - 2 * GUARD);
        size_t roff = region + GUARD + next_rand() % (region - len - 2 * GUARD);
        write_read(sector, count, woff, roff);
    }
    /* the whole second half, as the writes left it */
    for (uint32_t s = VBLK_HALF; s < VBLK_SECTORS; s += max) {
        REQUIRE_EQ(virtio_blk_read(&v.blk, s, data(0), max), VIRTIO_BLK_OK);
        CHECK(!memcmp(data(0), shadow + (s - VBLK_HALF) * 512u, max * 512u));
    }
    /* and the first half untouched */
    REQUIRE_EQ(virtio_blk_read(&v.blk, VBLK_HALF - 1, data(0), 1), VIRTIO_BLK_OK);
    CHECK_EQ(((uint64_t *)data(0))[63], pattern_word(VBLK_HALF * 64ull - 1));
    CHECK_EQ(virtio_blk_flush(&v.blk), VIRTIO_BLK_OK);
}

NOVA_TEST(virtio_blk_rejects_requests_out_of_range)
{
    NEED_DEVICE();
    struct virtio_blk *b = &v.blk;
    uint64_t requests = b->requests;
    memset(data(0), 0x77, 2 * VIRTIO_BLK_MAX_SECTORS * 512u + 512);
    CHECK_EQ(virtio_blk_read(b, VBLK_SECTORS, data(0), 1), VIRTIO_BLK_ERANGE);
    CHECK_EQ(virtio_blk_read(b, VBLK_SECTORS - 1, data(0), 2), VIRTIO_BLK_ERANGE);
    CHECK_EQ(virtio_blk_write(b, VBLK_SECTORS - 1, data(0), 2), VIRTIO_BLK_ERANGE);
    CHECK_EQ(virtio_blk_read(b, ~0ull, data(0), 1), VIRTIO_BLK_ERANGE);
    CHECK_EQ(virtio_blk_read(b, ~0ull - 1, data(0), 4), VIRTIO_BLK_ERANGE);    /* sector + count wraps */
    CHECK_EQ(virtio_blk_read(b, 0, data(0), 0), VIRTIO_BLK_ERANGE);
    CHECK_EQ(virtio_blk_read(b, 0, data(0), b->max_sectors + 1), VIRTIO_BLK_ERANGE);
    /* buffers outside the windows: memory without D, the queue's own memory, across the window's end */
    CHECK_EQ(virtio_blk_read(b, 0, outside, 1), VIRTIO_BLK_EBUF);
    CHECK_EQ(virtio_blk_read(b, 0, (void *)(uintptr_t)VBLK_DMA_VA, 1), VIRTIO_BLK_EBUF);
    CHECK_EQ(virtio_blk_read(b, 0, data(VBLK_DATA - 511), 1), VIRTIO_BLK_EBUF);
    CHECK_EQ(virtio_blk_read(b, 0, data(0) - 1, 1), VIRTIO_BLK_EBUF);
    CHECK_EQ(virtio_blk_add_window(b, VBLK_DMA_VA + 4096, 4096), VIRTIO_BLK_EBUF);   /* the rings are no window */
    CHECK_EQ(b->requests, requests);
    /* none of it reached the device: the buffer is as it was */
    unsigned changed = 0;
    for (unsigned i = 0; i < 2 * VIRTIO_BLK_MAX_SECTORS * 512u + 512; i++)
        changed += data(0)[i] != 0x77;
    CHECK_EQ(changed, 0);
    /* the device checks too: told the disk is larger, the driver sends the
     * request and the device answers with an I/O error */
    b->capacity += 8;
    CHECK_EQ(virtio_blk_read(b, VBLK_SECTORS, data(0), 1), VIRTIO_BLK_EIO);
    CHECK_EQ(virtio_blk_read(b, VBLK_SECTORS - 1, data(0), 2), VIRTIO_BLK_EIO);
    b->capacity -= 8;
    CHECK_EQ(virtio_blk_read(b, 0, data(0), 1), VIRTIO_BLK_OK);             /* and it goes on working */
    CHECK_EQ(((uint64_t *)data(0))[0], pattern_word(0));
}

NOVA_TEST(virtio_blk_dma_to_memory_without_d_is_blocked)
{
    NEED_DEVICE();
    struct virtio_blk *b = &v.blk;
    /* one page of the data window loses D: the root still sees it at the
     * same address, the device no longer does. The driver thinks the window
     * whole (a driver bug, played here): the IOMMU must stop the device,
     * and the kernel reports each blocked access on the console. QEMU's
     * device does not see the fault: it moves the data through a bounce
     * buffer whose write-back (or fill) the IOMMU refuses, and completes
     * the request as if it had worked; a device that did see it would fail
     * the request or set DEVICE_NEEDS_RESET. Either is accepted: what
     * counts is the memory. */
    const unsigned page = VBLK_QUEUE / 4096 + 5;
    uint8_t *p = (uint8_t *)(uintptr_t)(VBLK_DMA_VA + page * 4096ull);
    REQUIRE_OK(take_page(page));
    CHECK_EQ(lookup_mem((uintptr_t)p >> 12), nova_crd_null());
    REQUIRE_OK(give_page(page, false));
    REQUIRE(nova_crd_type(lookup_mem((uintptr_t)p >> 12)) == NOVA_CRD_TYPE_MEM);
    memset(p, 0x5a, 4096);
    /* the device cannot write there: the page keeps its bytes */
    enum virtio_blk_result r = virtio_blk_read(b, 0, p, 8);
    CHECK(r == VIRTIO_BLK_OK || r == VIRTIO_BLK_EDEVICE);
    unsigned changed = 0;
    for (unsigned i = 0; i < 4096; i++)
        changed += p[i] != 0x5a;
    CHECK_EQ(changed, 0);
    if (b->broken)
        CHECK_EQ(virtio_blk_restart(b), VIRTIO_BLK_OK);
    /* nor read from there: a write of that page does not put its bytes on the disk */
    r = virtio_blk_write(b, VBLK_SECTORS - 8, p, 8);
    CHECK(r == VIRTIO_BLK_OK || r == VIRTIO_BLK_EDEVICE);
    if (b->broken)
        CHECK_EQ(virtio_blk_restart(b), VIRTIO_BLK_OK);
    memset(data(0), 0x5a, 4096);
    CHECK_EQ(virtio_blk_read(b, VBLK_SECTORS - 8, data(0), 8), VIRTIO_BLK_OK);
    unsigned leaked = 0;
    for (unsigned i = 0; i < 4096; i++)
        leaked += data(0)[i] == 0x5a;
    CHECK(leaked < 64);                        /* what the device got instead is QEMU's business, not the page */
    memcpy(shadow + (VBLK_SECTORS - 8 - VBLK_HALF) * 512u, data(0), 4096);   /* whatever it wrote, it is the disk now */
    /* with D again (whatever failed above: the later tests need the page) the
     * device reaches it, and the driver works on */
    CHECK_EQ(take_page(page), NOVA_SUCCESS);
    REQUIRE_OK(give_page(page, true));
    CHECK_EQ(virtio_blk_read(b, 0, p, 1), VIRTIO_BLK_OK);
    CHECK_EQ(((uint64_t *)p)[0], pattern_word(0));
    CHECK_EQ(((uint64_t *)p)[63], pattern_word(63));
    CHECK_EQ(p[512], 0x5a);                                            /* one sector, no more */
}

NOVA_TEST(virtio_blk_restart_after_a_reset_keeps_the_windows)
{
    NEED_DEVICE();
    struct virtio_blk *b = &v.blk;
    /* as after DEVICE_NEEDS_RESET: the driver refuses work until it restarts the device */
    b->broken = true;
    CHECK_EQ(virtio_blk_read(b, 0, data(0), 1), VIRTIO_BLK_EDEVICE);
    REQUIRE_EQ(virtio_blk_restart(b), VIRTIO_BLK_OK);
    memset(data(0), 0, 512);
    CHECK_EQ(virtio_blk_read(b, 1, data(0), 1), VIRTIO_BLK_OK);
    CHECK_EQ(((uint64_t *)data(0))[0], pattern_word(64));
    CHECK(b->irq);
}

NOVA_TEST(virtio_blk_polls_without_an_interrupt)
{
    NEED_DEVICE();
    /* the same device initialised again without a semaphore: no MSI-X, the
     * driver polls the used ring */
    struct virtio_hw hw = v.hw;
    hw.irq_sm = 0;
    REQUIRE_EQ(virtio_blk_init(&v.blk, &hw), VIRTIO_BLK_OK);
    CHECK(!v.blk.irq);
    CHECK_EQ(virtio_blk_add_window(&v.blk, VBLK_DATA_VA, VBLK_DATA), VIRTIO_BLK_OK);
    memset(data(0), 0, 64 * 512);
    CHECK_EQ(virtio_blk_read(&v.blk, 64, data(0), 64), VIRTIO_BLK_OK);
    unsigned bad = 0;
    for (uint64_t i = 0; i < 64 * 64; i++)
        bad += ((uint64_t *)data(0))[i] != pattern_word(64 * 64 + i);
    CHECK_EQ(bad, 0);
    CHECK_EQ(v.blk.waits, 0);
    /* and back to the interrupt, for the other tests */
    REQUIRE_EQ(virtio_blk_init(&v.blk, &v.hw), VIRTIO_BLK_OK);
    CHECK(v.blk.irq);
    REQUIRE_EQ(virtio_blk_add_window(&v.blk, VBLK_DATA_VA, VBLK_DATA), VIRTIO_BLK_OK);
}
