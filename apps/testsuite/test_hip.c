/* The Hypervisor Information Page (spec 6.2) as the root task receives it. */
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
    const struct nova_hip *hip = nova_boot_hip;
    unsigned ncpu = (hip->mem_offs - hip->cpu_offs) / hip->cpu_size;
    REQUIRE(nova_boot_cpu < ncpu);
    const struct nova_hip_cpu *c = (const void *)(hip_bytes() + hip->cpu_offs + nova_boot_cpu * hip->cpu_size);
    CHECK(c->flags & NOVA_HIP_CPU_FLAGS_ENABLED);
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
    CHECK(hip->utcb_sizes & (1u << 12));
    CHECK(hip->page_sizes & (1u << 12));
    CHECK(hip->tsc_freq_khz != 0);
    CHECK(hip->gsi != 0);
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
