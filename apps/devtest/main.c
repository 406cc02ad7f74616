/* devtest: a driver component granted QEMU's edu device (1234:11e8, QEMU's
 * docs/specs/edu.rst) by system.toml (projects/devices). It checks from
 * inside that the root server granted what the device page says: the
 * function's configuration page, BAR0 (edu's ID register), DMA into its
 * dma_memory (and none into its other memory), and an MSI on the semaphore
 * of its MSI GSI. One line "devtest: ok|FAIL <check>" per check. */
#include <stdbool.h>
#include <stdio.h>
#include <nova/component.h>

#define EDU_ID      0x010000edu
#define EDU_BUF     0x40000u     /* the device's 4 KiB buffer */
#define EDU_TO_RAM  2u           /* DMA command: device -> RAM */
#define DMA_LEN     64u

static unsigned failures;
static volatile uint64_t *edu;   /* BAR0 */
static uint8_t own_page[4096] __attribute__((aligned(4096)));   /* not DMA memory */

static bool check(bool ok, const char *what)
{
    printf("devtest: %s %s\n", ok ? "ok" : "FAIL", what);
    failures += !ok;
    return ok;
}

static bool edu_dma(uint64_t src, uint64_t dst, uint64_t cmd)
{
    edu[0x80 / 8] = src;
    edu[0x88 / 8] = dst;
    edu[0x90 / 8] = DMA_LEN;
    edu[0x98 / 8] = 1 | cmd;
    for (unsigned i = 0; i < 100000000u; i++)
        if (!(edu[0x98 / 8] & 1))
            return true;
    return false;
}

static bool all_bytes(const volatile uint8_t *p, uint8_t v)
{
    for (unsigned i = 0; i < DMA_LEN; i++)
        if (p[i] != v)
            return false;
    return true;
}

static void wait_ms(uint64_t ms)
{
    uint64_t end = __builtin_ia32_rdtsc() + ms * nova_component.tsc_khz;
    while (__builtin_ia32_rdtsc() < end)
        ;
}

/* DMA into the D memory works; into its own other memory it does not */
static void check_dma(const struct nova_devices *d)
{
    volatile uint8_t *m = (volatile uint8_t *)(uintptr_t)d->dma;
    check(d->dma == NOVA_COMPONENT_DMA && d->dma_size == (1u << 20) && d->iommu && d->dma_device == d->dma,
          "DMA memory: 1 MiB at NOVA_COMPONENT_DMA, behind the IOMMU");
    check(all_bytes(m, 0) && all_bytes(m + d->dma_size - DMA_LEN, 0), "DMA memory arrives zeroed");
    for (unsigned i = 0; i < DMA_LEN; i++)
        m[i] = 0xa5;
    bool done = edu_dma(d->dma_device, EDU_BUF, 0) && edu_dma(EDU_BUF, d->dma_device + 2048, EDU_TO_RAM);
    check(done && all_bytes(m + 2048, 0xa5), "edu DMA from and into its DMA memory");
    volatile uint8_t *own = own_page;
    for (unsigned i = 0; i < DMA_LEN; i++)
        own[i] = 0x5a;
    done = edu_dma(EDU_BUF, (uintptr_t)own_page, EDU_TO_RAM);
    wait_ms(100);   /* the kernel reports the blocked write on a timer tick: let it print before we do */
    check(done && all_bytes(own, 0x5a), "edu DMA into memory without the D bit is blocked");
}

/* offset of the MSI capability (ID 5), 0 if none */
static unsigned msi_cap(volatile uint32_t *c)
{
    if (!(c[1] >> 16 & 0x10))
        return 0;
    for (unsigned p = c[0x34 / 4] & 0xfc, n = 0; p && n < 48; n++) {
        if ((c[p / 4] & 0xff) == 5)
            return p;
        p = (c[p / 4] >> 8) & 0xfc;
    }
    return 0;
}

static void check_msi(const struct nova_device_fn *f, volatile uint32_t *c)
{
    unsigned cap = msi_cap(c);
    uint64_t ma = 0, md = 0;
    if (!check(f->msi_sm == NOVA_COMPONENT_SEL_MSI(0) && cap && (c[cap / 4] >> 16 & 0x80),
               "an MSI GSI semaphore and a 64-bit MSI capability"))
        return;
    enum nova_status s = nova_assign_gsi(f->msi_sm, f->config / 4096, nova_component.cpu, &ma, &md);
    if (!check(s == NOVA_SUCCESS, "assign_gsi with its configuration page"))
        return;
    c[cap / 4 + 1] = (uint32_t)ma;
    c[cap / 4 + 2] = (uint32_t)(ma >> 32);
    c[cap / 4 + 3] = (uint32_t)md;
    c[cap / 4] |= 1u << 16;                 /* MSI enable */
    volatile uint32_t *r = (volatile uint32_t *)edu;
    r[0x60 / 4] = 1;                        /* raise */
    s = nova_sm_ctrl(f->msi_sm, NOVA_FLAG_SM_CTRL_DN);
    check(s == NOVA_SUCCESS && (r[0x24 / 4] & 1), "edu's MSI ups its semaphore");
    r[0x64 / 4] = 1;                        /* acknowledge */
}

int main(void)
{
    const struct nova_devices *d = nova_devices();
    if (!check(d->magic == NOVA_DEVICES_MAGIC && d->version == NOVA_DEVICES_VERSION && d->fn_count == 1,
               "device page with one function"))
        return 1;
    const struct nova_device_fn *f = &d->fn[0];
    volatile uint32_t *c = (volatile uint32_t *)(uintptr_t)f->config;
    printf("devtest: function %02x:%02x.%u %04x:%04x, BAR0 %#lx bytes at %#lx, MSI GSI %u\n", f->bus, f->dev, f->fn,
           f->vendor, f->device, (unsigned long)f->bar[0].size, (unsigned long)f->bar[0].phys, f->msi_gsi);
    check(f->vendor == 0x1234 && f->device == 0x11e8 && c[0] == 0x11e81234u,
          "its configuration space names edu (1234:11e8)");
    check(f->bar[0].kind == NOVA_BAR_MEM32 && f->bar[0].size == (1u << 20) &&
          f->bar[0].address == NOVA_COMPONENT_MMIO + f->bar[0].phys, "BAR0: 1 MiB of memory");
    c[1] |= 0x6;                            /* memory decoding, bus master */
    edu = (volatile uint64_t *)(uintptr_t)f->bar[0].address;
    if (!check(*(volatile uint32_t *)edu == EDU_ID, "edu's ID register in BAR0 reads 0x010000ed"))
        return 1;
    check_dma(d);
    check_msi(f, c);
    c[1] &= ~0x4u;
    if (failures)
        printf("devtest: %u checks FAILED\n", failures);
    else
        printf("devtest: all checks passed\n");
    return 0;
}
