#include "cpuid.h"
#include <string.h>

enum { EAX, EBX, ECX, EDX };

#define BIT(n) (1u << (n))
#define BASIC_MAX 0x1fu
#define EXT_MAX 0x80000008u
#define HV_MAX 0x40000010u

/* Leaf 1 ECX: SSE3, PCLMULQDQ, SSSE3, CX16, SSE4.1, SSE4.2, MOVBE, POPCNT,
 * AES, RDRAND. */
#define L1_ECX_ALLOW (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) | BIT(20) | BIT(22) | \
                      BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_SET (BIT(21) | BIT(24) | BIT(31))  /* x2APIC, TSC-deadline, hypervisor */
/* Leaf 1 EDX: FPU VME DE PSE TSC MSR PAE CX8 APIC SEP MTRR PGE CMOV PAT
 * PSE36 CLFLUSH MMX FXSR SSE SSE2. No MCE/MCA, PSN, DS, ACPI, TM, PBE. */
#define L1_EDX_ALLOW (0x3fu | BIT(6) | BIT(8) | BIT(9) | BIT(11) | BIT(12) | BIT(13) | \
                      BIT(15) | BIT(16) | BIT(17) | BIT(19) | BIT(23) | BIT(24) | BIT(25) | \
                      BIT(26))
#define L1_EDX_SET (BIT(9) | BIT(12))  /* APIC (x2APIC), MTRR (emulated in msr.c) */
#define L1_EDX_HTT BIT(28)
/* Leaf 7.0 EBX: FSGSBASE BMI1 SMEP BMI2 ERMS RDSEED ADX SMAP CLFLUSHOPT CLWB
 * SHA; ECX: UMIP; EDX: FSRM. */
#define L7_EBX_ALLOW (BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(18) | BIT(19) | \
                      BIT(20) | BIT(23) | BIT(24) | BIT(29))
#define L7_ECX_ALLOW BIT(2)
#define L7_EDX_ALLOW BIT(4)
#define ARAT BIT(2)
/* 0x80000001 ECX: LAHF, ABM, SSE4A, MisAlignSSE, 3DNowPrefetch. */
#define E1_ECX_ALLOW (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8))
#define E1_ECX_CMP_LEGACY BIT(1)
/* 0x80000001 EDX: the leaf 1 subset AMD mirrors, SYSCALL, NX, MmxExt, FFXSR,
 * 1G pages, LM, 3DNow!; no RDTSCP, MCE/MCA. */
#define E1_EDX_ALLOW (0x3fu | BIT(6) | BIT(8) | BIT(9) | BIT(11) | BIT(12) | BIT(13) | \
                      BIT(15) | BIT(16) | BIT(17) | BIT(20) | BIT(22) | BIT(23) | BIT(24) | \
                      BIT(25) | BIT(26) | BIT(29) | BIT(30) | BIT(31))
#define INVARIANT_TSC BIT(8)
/* 0x80000008 EBX: CLZERO, XSAVEERPTR (FXSAVE saves error pointers), WBNOINVD. */
#define E8_EBX_ALLOW (BIT(0) | BIT(2) | BIT(9))

static unsigned order(unsigned n)  /* bits needed for IDs 0..n-1 */
{
    unsigned b = 0;
    while ((1u << b) < n)
        b++;
    return b;
}

/* The host's leaf, or zeros where the host's range ends (Intel would
 * answer with its highest basic leaf instead). */
static void host_leaf(const struct cpuid_host *h, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    uint32_t range[4];
    h->query(h->ctx, leaf & 0x80000000u, 0, range);
    if (leaf <= range[EAX])
        h->query(h->ctx, leaf, sub, out);
    else
        memset(out, 0, 4 * sizeof out[0]);
}

static void basic_leaf0(const struct cpuid_host *h, uint32_t out[4])
{
    h->query(h->ctx, 0, 0, out);
    uint32_t max = out[EAX] > BASIC_MAX ? BASIC_MAX : out[EAX];
    out[EAX] = max < 0xb ? 0xb : max;  /* our topology leaf must be reachable */
}

static void leaf1(const struct cpuid_host *h, unsigned vcpu, unsigned vcpus, uint32_t out[4])
{
    host_leaf(h, 1, 0, out);
    out[EBX] = (out[EBX] & 0xffffu) | ((vcpus & 0xffu) << 16) | ((vcpu & 0xffu) << 24);
    out[ECX] = (out[ECX] & L1_ECX_ALLOW) | L1_ECX_SET;
    out[EDX] = (out[EDX] & L1_EDX_ALLOW) | L1_EDX_SET | (vcpus > 1 ? L1_EDX_HTT : 0);
}

/* Intel's cache leaf also carries core counts: make them ours. */
static void leaf4(const struct cpuid_host *h, unsigned vcpus, uint32_t sub, uint32_t out[4])
{
    host_leaf(h, 4, sub, out);
    if (out[EAX] & 0x1f) {
        unsigned cores = vcpus > 64 ? 64 : vcpus;
        out[EAX] = (out[EAX] & 0x3fffu) | ((cores - 1) << 26);
    }
}

static void leaf7(const struct cpuid_host *h, uint32_t sub, uint32_t out[4])
{
    if (sub != 0)
        return;
    host_leaf(h, 7, 0, out);
    out[EAX] = 0;  /* only subleaf 0 */
    out[EBX] &= L7_EBX_ALLOW;
    out[ECX] &= L7_ECX_ALLOW;
    out[EDX] &= L7_EDX_ALLOW;
}

/* Leaves 0xb and 0x1f: level 0 SMT (1 thread), level 1 core (vcpus). */
static void topology(unsigned vcpu, unsigned vcpus, uint32_t sub, uint32_t out[4])
{
    out[ECX] = sub & 0xff;
    out[EDX] = vcpu;
    if (sub == 0) {
        out[EAX] = 0;
        out[EBX] = 1;
        out[ECX] |= 1u << 8;
    } else if (sub == 1) {
        out[EAX] = order(vcpus);
        out[EBX] = vcpus;
        out[ECX] |= 2u << 8;
    }
}

static void basic(const struct cpuid_host *h, unsigned vcpu, unsigned vcpus, uint32_t leaf,
                  uint32_t sub, uint32_t out[4])
{
    switch (leaf) {
    case 0: basic_leaf0(h, out); break;
    case 1: leaf1(h, vcpu, vcpus, out); break;
    case 2: host_leaf(h, 2, 0, out); break;
    case 4: leaf4(h, vcpus, sub, out); break;
    case 6: out[EAX] = ARAT; break;  /* APIC timer runs in every C-state */
    case 7: leaf7(h, sub, out); break;
    case 0xb: case 0x1f: topology(vcpu, vcpus, sub, out); break;
    default: break;
    }
}

static void extended(const struct cpuid_host *h, unsigned vcpus, uint32_t leaf, uint32_t out[4])
{
    switch (leaf) {
    case 0x80000000:
        h->query(h->ctx, leaf, 0, out);
        out[EAX] = EXT_MAX;
        break;
    case 0x80000001:
        host_leaf(h, leaf, 0, out);
        out[ECX] = (out[ECX] & E1_ECX_ALLOW) | (vcpus > 1 ? E1_ECX_CMP_LEGACY : 0);
        out[EDX] &= E1_EDX_ALLOW;
        break;
    case 0x80000002: case 0x80000003: case 0x80000004:  /* brand string */
    case 0x80000005: case 0x80000006:                   /* caches */
        host_leaf(h, leaf, 0, out);
        break;
    case 0x80000007: out[EDX] = INVARIANT_TSC; break;
    case 0x80000008:
        host_leaf(h, leaf, 0, out);
        out[EBX] &= E8_EBX_ALLOW;
        out[ECX] = (vcpus ? vcpus - 1 : 0) | (order(vcpus) << 12);
        out[EDX] = 0;
        break;
    default: break;
    }
}

static void hypervisor(const struct cpuid_host *h, uint32_t leaf, uint32_t out[4])
{
    if (leaf == 0x40000000) {
        out[EAX] = HV_MAX;
        memcpy(&out[EBX], "KVMKVMKVM\0\0\0", 12);
    } else if (leaf == 0x40000001) {
        out[EAX] = KVM_FEATURE_CLOCKSOURCE | KVM_FEATURE_NOP_IO_DELAY |
                   KVM_FEATURE_CLOCKSOURCE2 | KVM_FEATURE_CLOCKSOURCE_STABLE_BIT;
        /* EDX (hints) stays 0: "realtime" would make the guest poll */
    } else if (leaf == 0x40000010) {
        out[EAX] = h->tsc_khz;
        out[EBX] = h->bus_khz;
    }
}

void cpuid_guest(const struct cpuid_host *host, unsigned vcpu, unsigned vcpus, uint32_t leaf,
                 uint32_t sub, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof out[0]);
    if (vcpus == 0)
        vcpus = 1;
    if (leaf <= BASIC_MAX) {
        uint32_t max[4];
        basic_leaf0(host, max);
        if (leaf <= max[EAX])
            basic(host, vcpu, vcpus, leaf, sub, out);
    } else if (leaf >= 0x80000000u && leaf <= EXT_MAX) {
        extended(host, vcpus, leaf, out);
    } else if (leaf >= 0x40000000u && leaf <= HV_MAX) {
        hypervisor(host, leaf, out);
    }
}
