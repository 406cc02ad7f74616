/* The guest's CPUID against a host that claims every feature. */
#include "cpuid.h"
#include "unit.h"
#include <string.h>

struct fake { uint32_t basic_max, ext_max; };

/* Every bit set, except the range leaves. */
static void all_ones(void *ctx, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    const struct fake *f = ctx;
    (void)sub;
    for (int i = 0; i < 4; i++)
        out[i] = 0xffffffffu;
    if (leaf == 0)
        out[0] = f->basic_max;
    if (leaf == 0x80000000u)
        out[0] = f->ext_max;
}

static struct fake big = { 0x20, 0x80000021 };
static const struct cpuid_host host = { all_ones, &big, 2600000, 2600000 };

static void q(unsigned vcpu, unsigned vcpus, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    cpuid_guest(&host, vcpu, vcpus, leaf, sub, out);
}

#define HAS(r, b) (((r) >> (b)) & 1u)

UNIT_TEST(cpuid_ranges)
{
    uint32_t r[4];
    q(0, 1, 0, 0, r);
    EXPECT(r[0] == 0x1f && r[1] == 0xffffffffu);  /* vendor passes through */
    q(0, 1, 0x80000000u, 0, r);
    EXPECT(r[0] == 0x80000008u);
    q(0, 1, 0x8000000au, 0, r);                    /* SVM leaf hidden */
    EXPECT(!r[0] && !r[1] && !r[2] && !r[3]);
    q(0, 1, 0x8000001fu, 0, r);                    /* SEV/SME hidden */
    EXPECT(!r[0] && !r[1] && !r[2] && !r[3]);
    q(0, 1, 0xd, 0, r);                            /* XSAVE leaf hidden */
    EXPECT(!r[0] && !r[1] && !r[2] && !r[3]);
    q(0, 1, 0x20, 0, r);
    EXPECT(!r[0]);
}

UNIT_TEST(cpuid_leaf1_features)
{
    uint32_t r[4];
    q(3, 4, 1, 0, r);
    EXPECT(r[0] == 0xffffffffu);
    EXPECT((r[1] >> 24) == 3 && ((r[1] >> 16) & 0xff) == 4 && (r[1] & 0xffff) == 0xffff);
    EXPECT(HAS(r[2], 21) && HAS(r[2], 24) && HAS(r[2], 31));  /* x2APIC, deadline, hv */
    EXPECT(!HAS(r[2], 5) && !HAS(r[2], 3));                   /* VMX, MONITOR */
    EXPECT(!HAS(r[2], 26) && !HAS(r[2], 27) && !HAS(r[2], 28)); /* XSAVE, OSXSAVE, AVX */
    EXPECT(!HAS(r[2], 17) && !HAS(r[2], 12));                 /* PCID, FMA */
    EXPECT(HAS(r[2], 20) && HAS(r[2], 0));                    /* SSE4.2, SSE3 */
    EXPECT(HAS(r[3], 9) && HAS(r[3], 4) && HAS(r[3], 28));    /* APIC, TSC, HTT */
    EXPECT(!HAS(r[3], 7) && !HAS(r[3], 14));                  /* MCE, MCA */
    q(0, 1, 1, 0, r);
    EXPECT(!HAS(r[3], 28) && (r[1] >> 24) == 0);
}

UNIT_TEST(cpuid_leaf7_hides_state_and_paging_extensions)
{
    uint32_t r[4];
    q(0, 1, 7, 0, r);
    EXPECT(r[0] == 0);
    EXPECT(!HAS(r[1], 5) && !HAS(r[1], 10) && !HAS(r[1], 16));  /* AVX2 INVPCID AVX512F */
    EXPECT(!HAS(r[1], 1));                                      /* TSC_ADJUST */
    EXPECT(HAS(r[1], 0) && HAS(r[1], 7) && HAS(r[1], 20));      /* FSGSBASE SMEP SMAP */
    EXPECT(!HAS(r[2], 3) && !HAS(r[2], 16) && !HAS(r[2], 22));  /* PKU LA57 RDPID */
    EXPECT(!HAS(r[3], 26) && !HAS(r[3], 29) && !HAS(r[3], 31)); /* IBRS ARCH_CAP SSBD */
    q(0, 1, 7, 1, r);
    EXPECT(!r[0] && !r[1] && !r[2] && !r[3]);
}

UNIT_TEST(cpuid_extended_features)
{
    uint32_t r[4];
    q(0, 2, 0x80000001u, 0, r);
    EXPECT(!HAS(r[2], 2) && !HAS(r[2], 3) && !HAS(r[2], 9));    /* SVM ExtApic OSVW */
    EXPECT(!HAS(r[2], 22) && !HAS(r[2], 23) && !HAS(r[2], 29)); /* TOPOEXT PerfCtr MWAITX */
    EXPECT(HAS(r[2], 0) && HAS(r[2], 1));                       /* LAHF CmpLegacy */
    EXPECT(HAS(r[3], 29) && HAS(r[3], 20) && HAS(r[3], 11));    /* LM NX SYSCALL */
    EXPECT(!HAS(r[3], 27));                                     /* RDTSCP */
    q(0, 1, 0x80000007u, 0, r);
    EXPECT(r[3] == (1u << 8) && !r[0]);
    q(0, 5, 0x80000008u, 0, r);
    EXPECT(r[0] == 0xffffffffu);
    EXPECT((r[2] & 0xff) == 4 && ((r[2] >> 12) & 0xf) == 3);
    EXPECT(!HAS(r[1], 12) && !HAS(r[1], 14) && !HAS(r[1], 1));  /* IBPB IBRS IRPERF */
}

UNIT_TEST(cpuid_topology_leaves)
{
    uint32_t r[4];
    q(5, 6, 0xb, 0, r);
    EXPECT(r[0] == 0 && r[1] == 1 && r[2] == 0x100 && r[3] == 5);
    q(5, 6, 0xb, 1, r);
    EXPECT(r[0] == 3 && r[1] == 6 && r[2] == 0x201 && r[3] == 5);
    q(5, 6, 0x1f, 2, r);
    EXPECT(r[0] == 0 && r[1] == 0 && r[2] == 2 && r[3] == 5);
    q(0, 1, 6, 0, r);
    EXPECT(r[0] == (1u << 2) && !r[2]);                         /* ARAT only */
}

UNIT_TEST(cpuid_kvm_leaves)
{
    uint32_t r[4];
    q(0, 1, 0x40000000u, 0, r);
    EXPECT(r[0] == 0x40000010u);
    EXPECT(!memcmp(&r[1], "KVMKVMKVM\0\0\0", 12));
    q(0, 1, 0x40000001u, 0, r);
    EXPECT(r[0] == ((1u << 0) | (1u << 1) | (1u << 3) | (1u << 24)));
    EXPECT(r[3] == 0);
    q(0, 1, 0x40000010u, 0, r);
    EXPECT(r[0] == 2600000 && r[1] == 2600000);
    q(0, 1, 0x40000100u, 0, r);
    EXPECT(!r[0] && !r[1]);
}

UNIT_TEST(cpuid_small_host_ranges)
{
    static struct fake small = { 0x7, 0x80000004 };
    const struct cpuid_host h = { all_ones, &small, 1000000, 1000000 };
    uint32_t r[4];
    cpuid_guest(&h, 0, 1, 0, 0, r);
    EXPECT(r[0] == 0xb);                 /* raised so topology is reachable */
    cpuid_guest(&h, 0, 1, 0xb, 0, r);
    EXPECT(r[1] == 1);
    cpuid_guest(&h, 0, 1, 0x80000008u, 0, r);
    EXPECT(r[0] == 0);                   /* beyond the host's range: not junk */
    cpuid_guest(&h, 0, 1, 0x80000007u, 0, r);
    EXPECT(r[3] == (1u << 8));
}
