/* The Hypervisor Information Page (spec 6.2) as the root task receives it. */
#include "self_delegate.h"
#include "test.h"

static const uint8_t *hip_bytes(void) { return (const uint8_t *)nova_boot_hip; }

NOVA_TEST(hip_signature_and_checksum)
{
    const struct nova_hip *hip = nova_boot_hip;
    CHECK_EQ(hip->signature, NOVA_HIP_SIGNATURE);
    uint16_t sum = 0;
    for (unsigned i = 0; i + 1 < hip->length; i += 2)
        sum += *(const uint16_t *)(hip_bytes() + i);
    CHECK_EQ(sum, 0);
}

NOVA_TEST(hip_descriptor_arrays_are_consistent)
{
    const struct nova_hip *hip = nova_boot_hip;
    CHECK_EQ(hip->cpu_size, sizeof(struct nova_hip_cpu));
    CHECK_EQ(hip->mem_size, sizeof(struct nova_hip_mem));
    CHECK(hip->cpu_offs >= sizeof(struct nova_hip));
    CHECK(hip->cpu_offs < hip->mem_offs && hip->mem_offs <= hip->length);
    CHECK_EQ((hip->mem_offs - hip->cpu_offs) % hip->cpu_size, 0);
    CHECK_EQ((hip->length - hip->mem_offs) % hip->mem_size, 0);
    CHECK(hip->length <= NOVA_UTCB_SIZE);
}

NOVA_TEST(hip_boot_cpu_is_enabled)
{
    REQUIRE(nova_boot_cpu < nova_hip_cpu_count(nova_boot_hip));
    CHECK(nova_hip_cpu_desc(nova_boot_hip, nova_boot_cpu)->flags & NOVA_HIP_CPU_FLAGS_ENABLED);
}

static unsigned count_mem(int32_t type)
{
    const struct nova_hip *hip = nova_boot_hip;
    unsigned n = 0;
    for (unsigned off = hip->mem_offs; off + hip->mem_size <= hip->length; off += hip->mem_size) {
        const struct nova_hip_mem *m = (const void *)(hip_bytes() + off);
        if (m->type == type && m->size) {
            n++;
            if (type == NOVA_HIP_MEM_MODULE)
                CHECK(m->aux != 0);
        }
    }
    return n;
}

NOVA_TEST(hip_memory_descriptors)
{
    CHECK(count_mem(NOVA_HIP_MEM_AVAILABLE) >= 1);
    CHECK(count_mem(NOVA_HIP_MEM_HYPERVISOR) >= 1);
    CHECK(count_mem(NOVA_HIP_MEM_MODULE) >= 1);   /* this root task itself */
}

NOVA_TEST(hip_implementation_parameters)
{
    const struct nova_hip *hip = nova_boot_hip;
    CHECK_EQ(hip->exc, NOVA_EXC_SELECTORS);
    CHECK_EQ(hip->sel, NOVA_SEL_COUNT);
    CHECK_EQ(hip->api_version, NOVA_API_VERSION);
    CHECK_EQ(hip->utcb_sizes, NOVA_UTCB_SIZES);   /* whole masks: no size more or less */
    CHECK_EQ(hip->page_sizes, NOVA_PAGE_SIZES);
    CHECK(hip->tsc_freq_khz != 0);
    CHECK(hip->gsi != 0);
}

#define HIP_ALIAS_PAGE 0x3400000ull   /* an unused, 2 MiB aligned page number */
#define PAGES_2M       512u

/* The first page of the highest 2 MiB aligned block of available RAM (the
 * kernel carves its pool from the bottom up); 0 if there is none. */
static uint64_t top_available_2m_block(void)
{
    uint64_t best = 0;
    for (unsigned i = 0; i < nova_hip_mem_count(nova_boot_hip); i++) {
        const struct nova_hip_mem *m = nova_hip_mem_desc(nova_boot_hip, i);
        uint64_t first = ((m->address + m->size) >> 21 << 9) - PAGES_2M;
        if (m->type == NOVA_HIP_MEM_AVAILABLE && m->size >= (4ull << 20) && first > best)
            best = first;
    }
    return best;
}

/* A bit in the mask promises mappings of that size. Memory capabilities
 * exist per 4 KiB page, so a 2 MiB delegation arrives as 4 KiB capabilities
 * (lookup reports order 0), and 4 KiB must be the only size announced. */
NOVA_TEST(hip_page_sizes_are_the_sizes_delegation_maps)
{
    uint64_t src = top_available_2m_block(), order = 9, crd = nova_crd_null();
    REQUIRE(src != 0);
    REQUIRE_EQ(delegate_to_self(nova_crd_mem(src, order, NOVA_PERM_MEM_R), HIP_ALIAS_PAGE, true,
                                nova_crd_mem(HIP_ALIAS_PAGE, order, NOVA_PERM_MEM_ALL)), NOVA_SUCCESS);
    uint64_t page = HIP_ALIAS_PAGE;
    for (; page < HIP_ALIAS_PAGE + PAGES_2M; page++) {   /* the kernel keeps its own pages back */
        crd = nova_crd_mem(page, 0, 0);
        REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
        if (crd != nova_crd_null())
            break;
    }
    CHECK_EQ(crd, nova_crd_mem(page, 0, NOVA_PERM_MEM_R));   /* a 4 KiB page, not part of a 2 MiB one */
    CHECK_EQ(nova_boot_hip->page_sizes, 1u << 12);
    CHECK_EQ(nova_revoke(nova_crd_mem(HIP_ALIAS_PAGE, order, NOVA_PERM_MEM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}

NOVA_TEST(hip_is_read_only)
{
    /* the HIP page must be mapped but not writable: lookup its memory cap */
    uint64_t crd = nova_crd_mem((uintptr_t)nova_boot_hip >> 12, 0, 0);
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK_EQ(nova_crd_type(crd), NOVA_CRD_TYPE_MEM);
    CHECK(nova_crd_mask(crd) & NOVA_PERM_MEM_R);
    CHECK(!(nova_crd_mask(crd) & NOVA_PERM_MEM_W));
}

NOVA_TEST(utcb_lies_below_the_hip_and_is_writable)
{
    struct nova_utcb *u = nova_root_utcb();
    u->head.tls = 0x1234567887654321ull;
    CHECK_EQ(u->head.tls, 0x1234567887654321ull);
    uint64_t crd = nova_crd_mem((uintptr_t)u >> 12, 0, 0);
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK(nova_crd_mask(crd) & NOVA_PERM_MEM_W);
}
