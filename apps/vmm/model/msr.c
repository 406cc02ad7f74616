#include "msr.h"
#include <string.h>

enum {
    TSC = 0x10, PLATFORM_ID = 0x17, APIC_BASE = 0x1b, FEATURE_CONTROL = 0x3a,
    BIOS_SIGN_ID = 0x8b, MTRRCAP = 0xfe, MCG_CAP = 0x179, MCG_STATUS = 0x17a,
    MISC_ENABLE = 0x1a0, DEBUGCTL = 0x1d9, MTRR_VAR = 0x200, MTRR_DEF = 0x2ff,
    SYSCFG = 0xc0010010, HWCR = 0xc0010015, DE_CFG = 0xc0011029,
};

#define APIC_BASE_VALUE 0xfee00c00ull  /* base, EN (bit 11), EXTD (bit 10) */
#define APIC_BSP (1ull << 8)
#define MTRRCAP_VALUE 0x508ull         /* 8 variable ranges, fixed, WC */
#define MTRR_DEF_WB 0xc06ull           /* enabled, fixed enabled, WB */
#define MTRR_FIXED_WB 0x0606060606060606ull
#define MISC_ENABLE_DEFAULT ((1ull << 0) | (1ull << 11) | (1ull << 12))
#define HWCR_TSC_P0 (1ull << 24)
#define DE_CFG_LFENCE (1ull << 1)

static const uint32_t fixed_mtrr[11] = {
    0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f,
};

enum { MTRR_IDX_DEF = 0, MTRR_IDX_FIXED = 1, MTRR_IDX_VAR = 12, MTRR_COUNT = 28 };

void msr_init(struct msr_vcpu *m, unsigned vcpu)
{
    memset(m, 0, sizeof *m);
    m->vcpu = vcpu;
    m->misc_enable = MISC_ENABLE_DEFAULT;
    m->hwcr = HWCR_TSC_P0;
    m->mtrr[MTRR_IDX_DEF] = MTRR_DEF_WB;
    for (unsigned i = 0; i < 11; i++)
        m->mtrr[MTRR_IDX_FIXED + i] = MTRR_FIXED_WB;
}

static uint64_t apic_base(const struct msr_vcpu *m)
{
    return APIC_BASE_VALUE | (m->vcpu == 0 ? APIC_BSP : 0);
}

/* Where an MTRR is kept in msr_vcpu.mtrr, or -1 if msr is none. */
static int mtrr_index(uint32_t msr)
{
    if (msr == MTRR_DEF)
        return MTRR_IDX_DEF;
    if (msr >= MTRR_VAR && msr < MTRR_VAR + 16)
        return MTRR_IDX_VAR + (int)(msr - MTRR_VAR);
    for (int i = 0; i < 11; i++)
        if (fixed_mtrr[i] == msr)
            return MTRR_IDX_FIXED + i;
    return -1;
}

bool msr_read(const struct msr_vcpu *m, uint32_t msr, uint64_t now, uint64_t *val)
{
    int mtrr = mtrr_index(msr);
    if (mtrr >= 0) {
        *val = m->mtrr[mtrr];
        return true;
    }
    switch (msr) {
    case TSC: *val = now; return true;
    case APIC_BASE: *val = apic_base(m); return true;
    case FEATURE_CONTROL: *val = 1; return true;
    case MTRRCAP: *val = MTRRCAP_VALUE; return true;
    case MISC_ENABLE: *val = m->misc_enable; return true;
    case HWCR: *val = m->hwcr; return true;
    case DE_CFG: *val = DE_CFG_LFENCE; return true;
    case PLATFORM_ID: case BIOS_SIGN_ID: case MCG_CAP: case MCG_STATUS:
    case DEBUGCTL: case SYSCFG:
        *val = 0;
        return true;
    default: return false;
    }
}

bool msr_write(struct msr_vcpu *m, uint32_t msr, uint64_t val)
{
    int mtrr = mtrr_index(msr);
    if (mtrr >= 0) {
        m->mtrr[mtrr] = val;  /* the guest's caching wishes; nested paging keeps WB */
        return true;
    }
    switch (msr) {
    case APIC_BASE: return (val & ~APIC_BSP) == (apic_base(m) & ~APIC_BSP);
    case MISC_ENABLE: m->misc_enable = val; return true;
    case HWCR: m->hwcr = val; return true;
    case BIOS_SIGN_ID: case DE_CFG: return true;
    case DEBUGCTL: return val == 0;
    default: return false;
    }
}
