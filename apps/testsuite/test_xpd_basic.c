/* Cross-PD: lookup (5.3.7) from a child PD, of every capability type and of
 * empty selectors; demand paging by a pager in the root (4.6.2.2). */
#include "xpd.h"

#define PORT 0x80u   /* POST diagnostic port: harmless to read */

NOVA_TEST(xpd_child_lookup_of_an_empty_selector_is_success_and_null)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x500, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x5, 0, PERM_ANY)), nova_crd_null());   /* an event selector without portal */
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(XPD_PROBE_PAGE, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_null()), nova_crd_null());
    CHECK_EQ(c->unresolved, 0);
}

NOVA_TEST(xpd_child_lookup_sees_its_initial_portals_and_its_demand_pages)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    /* create_pd put the root's event block at selector 0: 0xd and 0xe are portals */
    uint64_t pf = xpd_lookup(c, nova_crd_obj(NOVA_EXC_PF, 0, 0));
    CHECK_EQ(xpd_nomask(pf), nova_crd_obj(NOVA_EXC_PF, 0, 0));
    CHECK_EQ(xpd_perms(pf), xpd_perms(xpd_rlookup(nova_crd_obj(c->evt + NOVA_EXC_PF, 0, 0))));
    CHECK_EQ(xpd_nomask(xpd_lookup(c, nova_crd_obj(NOVA_EXC_GP, 0, 0))), nova_crd_obj(NOVA_EXC_GP, 0, 0));
    /* the agent's code page came from the pager: the root's permissions (rwx mask) */
    uint64_t code = xpd_agent_code() >> 12;
    uint64_t mine = xpd_rlookup(nova_crd_mem(code, 0, 0));
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(code, 0, 0)), mine);
    CHECK(c->demand > 0);
    CHECK_EQ(c->unresolved, 0);
}

NOVA_TEST(xpd_child_lookup_of_each_object_type)
{
    struct xpd_child *c = xpd_child(), *d = xpd_child();
    REQUIRE(c && d);
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    uint64_t ec = xpd_sel(1);
    static uint8_t stack[64] __attribute__((aligned(16)));
    REQUIRE_OK(nova_create_ec(ec, SEL_ROOT_PD, nova_boot_cpu, xpd_utcb(), (uintptr_t)&stack[48], 0, 0));
    /* source selector -> child selector */
    uint64_t src[5] = { d->pd, ec, SEL_ROOT_SC, d->pt, sm };
    for (unsigned i = 0; i < 5; i++) {
        uint64_t dst = 0x100 + i;
        uint64_t got = xpd_grant(c, nova_crd_obj(src[i], 0, PERM_ANY), dst, nova_crd_obj(dst, 0, PERM_ANY));
        CHECK_EQ(xpd_nomask(got), nova_crd_obj(dst, 0, 0));
        /* the child sees each with the root's permissions */
        CHECK_EQ(xpd_lookup(c, nova_crd_obj(dst, 0, 0)), nova_crd_obj(dst, 0, xpd_perms(xpd_rlookup(nova_crd_obj(src[i], 0, 0)))));
    }
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x105, 0, 0)), nova_crd_null());
    /* lookup names a capability regardless of the order and mask asked with */
    CHECK_EQ(xpd_nomask(xpd_lookup(c, nova_crd_obj(0x104, 0, PERM_ANY))), nova_crd_obj(0x104, 0, 0));
}

NOVA_TEST(xpd_child_lookup_of_ports_and_memory)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    REQUIRE(xpd_take_ports(PORT, 0));
    uint64_t got = xpd_grant(c, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_pio(PORT, 0, 1));
    CHECK_EQ(xpd_nomask(got), nova_crd_pio(PORT, 0, 0));
    CHECK_EQ(xpd_lookup(c, nova_crd_pio(PORT, 0, 0)), nova_crd_pio(PORT, 0, 1));
    CHECK_EQ(xpd_lookup(c, nova_crd_pio(PORT + 1, 0, 0)), nova_crd_null());
    volatile uint64_t *pg = xpd_page(0);
    REQUIRE(pg);
    uint64_t w = XPD_PROBE_PAGE + 0x10;
    got = xpd_grant(c, nova_crd_mem(xpd_pageno(pg), 0, NOVA_PERM_MEM_R), w, nova_crd_mem(w, 0, 7));
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(w, 0, 0));
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w, 0, 0)), nova_crd_mem(w, 0, NOVA_PERM_MEM_R));
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w + 1, 0, 0)), nova_crd_null());
    CHECK_EQ(c->unresolved, 0);
}

NOVA_TEST(xpd_child_without_capabilities_faults_on_memory_and_ports)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    uint64_t v;
    CHECK(xpd_read(c, XPD_PROBE_VA + 0x1238, &v));
    CHECK_EQ(c->pf_probe, 1);
    CHECK_EQ(c->pf_addr, XPD_PROBE_VA + 0x1238);
    CHECK(xpd_write(c, XPD_PROBE_VA + 0x2000, 1));
    CHECK_EQ(c->pf_probe, 2);
    CHECK(c->pf_err & 2);   /* a write */
    CHECK(xpd_in(c, PORT, &v));
    CHECK(xpd_out(c, PORT, 0));
    CHECK_EQ(c->gp_probe, 2);
    /* the agent survives its faults */
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x100, 0, 0)), nova_crd_null());
    CHECK_EQ(c->unresolved, 0);
}
