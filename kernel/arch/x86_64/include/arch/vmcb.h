/* The AMD SVM virtual machine control block (AMD64 APM vol. 2, appendix B):
 * a control area the kernel owns (intercepts, exit information, event
 * injection, nested paging) and the guest's state save area. The layout is
 * AMD's, not NOVA's, so it is written here rather than generated. */
#pragma once
#include <stdint.h>

struct vmcb_seg {
    uint16_t sel;
    uint16_t attrib;   /* descriptor bits 40-47 and 52-55, packed: the NOVA AR layout (8.3) */
    uint32_t limit;
    uint64_t base;
};

struct vmcb {
    /* control area */
    uint32_t intercept_cr;          /* 0x000: reads 0-15, writes 16-31 */
    uint32_t intercept_dr;          /* 0x004 */
    uint32_t intercept_exc;         /* 0x008: exception vectors 0-31 */
    uint32_t intercept_ctrl1;       /* 0x00c: exits 0x60-0x7f, bit n = exit 0x60 + n */
    uint32_t intercept_ctrl2;       /* 0x010: exits 0x80-0x9f, bit n = exit 0x80 + n */
    uint32_t intercept_ctrl3;       /* 0x014 */
    uint8_t reserved0[0x3c - 0x18];
    uint16_t pause_threshold;       /* 0x03c */
    uint16_t pause_count;           /* 0x03e */
    uint64_t iopm_pa;               /* 0x040 */
    uint64_t msrpm_pa;              /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t asid;                  /* 0x058 */
    uint8_t tlb_control;            /* 0x05c */
    uint8_t reserved1[3];
    uint64_t vintr;                 /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_IGN_TPR, V_INTR_MASKING */
    uint64_t int_state;             /* 0x068: bit 0 interrupt shadow */
    uint64_t exitcode;              /* 0x070 */
    uint64_t exitinfo1;             /* 0x078 */
    uint64_t exitinfo2;             /* 0x080 */
    uint64_t exitintinfo;           /* 0x088 */
    uint64_t np_enable;             /* 0x090: bit 0 nested paging */
    uint8_t reserved2[0xa8 - 0x98];
    uint64_t eventinj;              /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8 */
    uint32_t clean;                 /* 0x0c0 */
    uint32_t reserved3;
    uint64_t next_rip;              /* 0x0c8 */
    uint8_t reserved4[0x400 - 0xd0];
    /* state save area */
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;   /* 0x400 */
    uint8_t reserved5[0x4cb - 0x4a0];
    uint8_t cpl;                    /* 0x4cb */
    uint32_t reserved6;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t reserved7[0x548 - 0x4d8];
    uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip;   /* 0x548 */
    uint8_t reserved8[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint8_t reserved9[0x5f8 - 0x5e0];
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;   /* 0x600 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;      /* 0x628 */
    uint64_t cr2;                   /* 0x640 */
    uint8_t reserved10[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint8_t reserved11[0x1000 - 0x670];
};
_Static_assert(__builtin_offsetof(struct vmcb, iopm_pa) == 0x40, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, vintr) == 0x60, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, eventinj) == 0xa8, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, next_rip) == 0xc8, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, es) == 0x400, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, tr) == 0x490, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, efer) == 0x4d0, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, cr4) == 0x548, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, rip) == 0x578, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, rsp) == 0x5d8, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, rax) == 0x5f8, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, cr2) == 0x640, "VMCB layout");
_Static_assert(__builtin_offsetof(struct vmcb, g_pat) == 0x668, "VMCB layout");
_Static_assert(sizeof(struct vmcb) == 0x1000, "a VMCB is one page");

/* SVM exit codes the kernel itself looks at (the rest are NOVA's table). */
#define SVM_EXIT_INTR          0x60u
#define SVM_EXIT_NMI           0x61u
#define SVM_EXIT_VINTR         0x64u
#define SVM_EXIT_XSETBV        0x8du
#define SVM_EXIT_NPF           0x400u
#define SVM_EXIT_INVALID       0xffffffffu   /* QEMU stores -1 as 32 bits: compare the low half */

/* intercept_ctrl1 bits (exit 0x60 + n) */
#define SVM_CTRL1_INTR         (1u << 0)
#define SVM_CTRL1_NMI          (1u << 1)
#define SVM_CTRL1_SMI          (1u << 2)
#define SVM_CTRL1_INIT         (1u << 3)
#define SVM_CTRL1_VINTR        (1u << 4)
#define SVM_CTRL1_INVD         (1u << 22)
#define SVM_CTRL1_HLT          (1u << 24)
#define SVM_CTRL1_IOIO         (1u << 27)
#define SVM_CTRL1_MSR          (1u << 28)
#define SVM_CTRL1_SHUTDOWN     (1u << 31)
/* intercept_ctrl2 bits (exit 0x80 + n) */
#define SVM_CTRL2_VMRUN        (1u << 0)
#define SVM_CTRL2_VMMCALL      (1u << 1)
#define SVM_CTRL2_VMLOAD       (1u << 2)
#define SVM_CTRL2_VMSAVE       (1u << 3)
#define SVM_CTRL2_STGI         (1u << 4)
#define SVM_CTRL2_CLGI         (1u << 5)
#define SVM_CTRL2_SKINIT       (1u << 6)
#define SVM_CTRL2_XSETBV       (1u << 13)

#define VINTR_TPR_MASK         0xffull
#define VINTR_IRQ              (1ull << 8)
#define VINTR_PRIO_SHIFT       16
#define VINTR_IGN_TPR          (1ull << 20)
#define VINTR_MASKING          (1ull << 24)

#define EVENTINJ_VALID         (1ull << 31)
#define EVENTINJ_ERR_VALID     (1ull << 11)
#define EVENTINJ_TYPE_SHIFT    8
#define EVENTINJ_TYPE_INTR     0ull
#define EVENTINJ_TYPE_NMI      2ull
#define EVENTINJ_TYPE_EXC      3ull
#define EVENTINJ_TYPE_SOFT     4ull

#define TLB_CONTROL_NONE       0u
#define TLB_CONTROL_FLUSH_ALL  1u

#define MSR_VM_CR              0xc0010114u
#define MSR_VM_HSAVE_PA        0xc0010117u
#define VM_CR_SVMDIS           (1u << 4)
#define EFER_SVME              (1u << 12)
