/* The H bit (4.6.2.2, 6.1.1): only the root PD takes resources from the
 * hypervisor; for other PDs the bit is treated as clear. And what the root
 * gets when it asks the hypervisor for the HIP's and the hypervisor's own
 * frames. */
#include "xpd.h"

#define PORT      0x80u
#define FREE_PORT 0x3e8u   /* COM3: nobody takes it */

NOVA_TEST(xpd_h_bit_from_a_child_is_clear_for_memory)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(c && p);
    p[0] = 0xc0de;
    /* memory the child does not hold: physical page 0x100 if H counted */
    uint64_t dst = xpd_root_pages(0);
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(0x100, 0, 0)), nova_crd_null());
    uint64_t got = xpd_take(c, nova_item_delegate(dst, 1, 0, 0), nova_crd_mem(0x100, 0, 7), nova_crd_mem(dst, 0, 7),
                            nova_crd_null());
    CHECK(got != XPD_NONE);
    CHECK_EQ(xpd_rlookup(nova_crd_mem(dst, 0, 0)), nova_crd_null());
    /* memory it holds: its own page (the root's p), not physical page w */
    uint64_t w = XPD_PROBE_PAGE + 0x11;
    xpd_grant(c, nova_crd_mem(xpd_pageno(p), 0, NOVA_PERM_MEM_R), w, nova_crd_mem(w, 0, 7));
    uint64_t dst2 = xpd_root_pages(0);
    got = xpd_take(c, nova_item_delegate(dst2, 1, 0, 0), nova_crd_mem(w, 0, 7), nova_crd_mem(dst2, 0, 7),
                   nova_crd_null());
    CHECK_EQ(xpd_rlookup(nova_crd_mem(dst2, 0, 0)), nova_crd_mem(dst2, 0, NOVA_PERM_MEM_R));
    if (nova_crd_type(xpd_rlookup(nova_crd_mem(dst2, 0, 0))) == NOVA_CRD_TYPE_MEM)
        CHECK_EQ(*(volatile uint64_t *)(dst2 << 12), 0xc0de);
    CHECK_EQ(nova_revoke(nova_crd_mem(dst2, 0, 7), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}

NOVA_TEST(xpd_h_bit_from_a_child_is_clear_for_ports)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    REQUIRE_EQ(xpd_rlookup(nova_crd_pio(FREE_PORT, 0, 0)), nova_crd_null());
    xpd_take(a, nova_item_delegate(FREE_PORT, 1, 0, 0), nova_crd_pio(FREE_PORT, 0, 1), nova_crd_pio(0, 16, 1),
             nova_crd_null());
    CHECK_EQ(xpd_rlookup(nova_crd_pio(FREE_PORT, 0, 0)), nova_crd_null());
    /* nor to a sibling */
    REQUIRE(xpd_link(a, b, XPD_LINK));
    xpd_pass(a, b, XPD_LINK, nova_item_delegate(FREE_PORT, 1, 0, 0), nova_crd_pio(FREE_PORT, 0, 1),
             nova_crd_pio(0, 16, 1), nova_crd_null());
    CHECK_EQ(xpd_lookup(b, nova_crd_pio(FREE_PORT, 0, 0)), nova_crd_null());
    uint64_t v;
    CHECK(xpd_in(b, FREE_PORT, &v));
    /* a port A holds goes to B with H set: A's own */
    REQUIRE(xpd_take_ports(PORT, 0));
    xpd_grant(a, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_pio(PORT, 0, 1));
    xpd_pass(a, b, XPD_LINK, nova_item_delegate(PORT, 1, 0, 0), nova_crd_pio(PORT, 0, 1), nova_crd_pio(0, 16, 1),
             nova_crd_null());
    CHECK_EQ(xpd_lookup(b, nova_crd_pio(PORT, 0, 0)), nova_crd_pio(PORT, 0, 1));
    CHECK(!xpd_in(b, PORT, &v));
    /* it is derived from A's: A's revoke takes it away */
    CHECK_EQ(xpd_op(a, XPD_REVOKE, nova_crd_pio(PORT, 0, 1), 0, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(b, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
}

NOVA_TEST(xpd_h_bit_from_a_child_is_clear_for_objects)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    /* the hypervisor's selector 0 is the idle SC of CPU 0 (6.1.1); the child's is empty */
    uint64_t dst = xpd_sel(1);
    xpd_take(c, nova_item_delegate(dst, 1, 0, 0), nova_crd_obj(0, 0, PERM_ANY), nova_crd_obj(dst, 0, PERM_ANY),
             nova_crd_null());
    CHECK_EQ(xpd_rlookup(nova_crd_obj(dst, 0, 0)), nova_crd_null());
    /* the child's selector 0xe (its #PF portal) with H: the child's own */
    uint64_t dst2 = xpd_sel(1);
    xpd_take(c, nova_item_delegate(dst2, 1, 0, 0), nova_crd_obj(NOVA_EXC_PF, 0, PERM_ANY),
             nova_crd_obj(dst2, 0, PERM_ANY), nova_crd_null());
    CHECK_EQ(xpd_nomask(xpd_rlookup(nova_crd_obj(dst2, 0, 0))), nova_crd_obj(dst2, 0, 0));
    /* translate of it names the root's event portal */
    uint64_t back = xpd_take(c, nova_item_translate(), nova_crd_obj(NOVA_EXC_PF, 0, 0), nova_crd_null(),
                             nova_crd_obj(0, 20, PERM_ANY));
    CHECK_EQ(xpd_nomask(back), nova_crd_obj(c->evt + NOVA_EXC_PF, 0, 0));
}

/* The root asks the hypervisor (H) for every frame of the type -1 (hypervisor)
 * regions, into fresh pages of its own; returns how many pages arrived and
 * the last one's root page and CRD. */
static unsigned take_hypervisor_frames(uint64_t *last_page, uint64_t *last_crd, unsigned *regions)
{
    const struct nova_hip *hip = nova_boot_hip;
    unsigned n = (hip->length - hip->mem_offs) / hip->mem_size, got = 0;
    *regions = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct nova_hip_mem *m = (const struct nova_hip_mem *)((uintptr_t)hip + hip->mem_offs + i * hip->mem_size);
        if ((int32_t)m->type != NOVA_HIP_MEM_HYPERVISOR || !m->size)
            continue;
        ++*regions;
        uint64_t first = m->address >> 12, end = (m->address + m->size + 0xfff) >> 12;
        for (uint64_t pg = first; pg < end;) {
            unsigned order = 0;
            while (order < 12 && !(pg & ((1ull << (order + 1)) - 1)) && pg + (2ull << order) <= end)
                order++;
            uint64_t dst = xpd_root_pages(order);
            xpd_self(nova_item_delegate(dst, 1, 0, 0), nova_crd_mem(pg, order, 7), nova_crd_mem(dst, order, 7),
                     nova_crd_null());
            for (uint64_t k = 0; k < (1ull << order); k++) {
                uint64_t crd = xpd_rlookup(nova_crd_mem(dst + k, 0, 0));
                if (nova_crd_type(crd) != NOVA_CRD_TYPE_NULL) {
                    got++;
                    *last_page = dst + k;
                    *last_crd = crd;
                }
            }
            pg += 1ull << order;
        }
    }
    return got;
}

static bool is_hip(uint64_t page)
{
    const volatile uint32_t *a = (const volatile uint32_t *)(page << 12), *b = (const uint32_t *)nova_boot_hip;
    for (unsigned i = 0; i < nova_boot_hip->length / 4; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

NOVA_TEST(xpd_h_bit_gives_nothing_of_the_hypervisor_s_memory_but_the_hip)
{
    uint64_t page = 0, crd = 0;
    unsigned regions;
    unsigned got = take_hypervisor_frames(&page, &crd, &regions);
    CHECK(regions > 0);
    CHECK(got <= 1);
    if (got == 1) {   /* the only frame is the HIP, read-only */
        CHECK_EQ(crd, nova_crd_mem(page, 0, NOVA_PERM_MEM_R));
        CHECK(is_hip(page));
        CHECK_EQ(nova_revoke(nova_crd_mem(page, 0, 7), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    }
}

NOVA_TEST(xpd_h_bit_gives_the_hip_frame_read_only)
{
    /* the HIP's physical frame is not in the HIP; it is allocated from the
     * hypervisor's memory, so look for it there */
    uint64_t page = 0, crd = 0;
    unsigned regions;
    if (take_hypervisor_frames(&page, &crd, &regions) != 1) {
        nova_printf("# skipped: the HIP frame is not inside a type -1 region\n");
        return;
    }
    CHECK_EQ(crd, nova_crd_mem(page, 0, NOVA_PERM_MEM_R));
    CHECK(is_hip(page));
    /* onward delegation with a full mask cannot add w */
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    uint64_t w = XPD_PROBE_PAGE + 0x21;
    xpd_grant(c, nova_crd_mem(page, 0, 7), w, nova_crd_mem(w, 0, 7));
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w, 0, 0)), nova_crd_mem(w, 0, NOVA_PERM_MEM_R));
    uint64_t v = 0;
    CHECK(!xpd_read(c, w << 12, &v));
    CHECK_EQ((uint32_t)v, NOVA_HIP_SIGNATURE);
    CHECK(xpd_write(c, (w << 12) + 0x100, 0));
    CHECK_EQ(nova_revoke(nova_crd_mem(page, 0, 7), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w, 0, 0)), nova_crd_null());
}

NOVA_TEST(xpd_root_s_own_hip_mapping_passes_on_read_only)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    uint64_t hip = (uintptr_t)nova_boot_hip >> 12, w = XPD_PROBE_PAGE + 0x22;
    xpd_grant(c, nova_crd_mem(hip, 0, 7), w, nova_crd_mem(w, 0, 7));
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w, 0, 0)), nova_crd_mem(w, 0, NOVA_PERM_MEM_R));
    uint64_t v = 0;
    CHECK(!xpd_read(c, w << 12, &v));
    CHECK_EQ((uint32_t)v, NOVA_HIP_SIGNATURE);
    CHECK(xpd_write(c, (w << 12) + 8, 0));
    /* and the child's copy translates back to the root's HIP page */
    CHECK_EQ(xpd_take(c, nova_item_translate(), nova_crd_mem(w, 0, 0), nova_crd_null(),
                      nova_crd_mem(hip & ~((1ull << 31) - 1), 31, 7)),
             nova_crd_mem(hip, 0, NOVA_PERM_MEM_R));
}
