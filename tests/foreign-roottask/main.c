/*
 * Foreign root task: checks the boot-time interface of a NOVA
 * microhypervisor, written against the interface specification alone
 * (x86-64 ABI).  Every constant below is typed in from the spec by hand;
 * the section that defines it is cited next to it.  No header, constant or
 * build flag of the Novum project is used.
 *
 * Result: ud2 with RAX = 0x600d (all 15 checks passed) or 0xbad00 + failed check
 * number, RBX = number of checks completed.
 */

typedef unsigned char      u8;
typedef unsigned short     u16;
typedef unsigned int       u32;
typedef int                s32;
typedef unsigned long long u64;

/* ---- Spec 6.2, Figure 6.1: Hypervisor Information Page ---------------- */
#define HIP_SIGNATURE_VALUE 0x41564f4eu /* 6.2 "Signature" */
#define HIP_SIGNATURE       0x00        /* u32 */
#define HIP_CHECKSUM        0x04        /* u16 */
#define HIP_LENGTH          0x06        /* u16 */
#define HIP_CPU_OFFS        0x08        /* u16, OCPU */
#define HIP_CPU_SIZE        0x0a        /* u16, SCPU */
#define HIP_MEM_OFFS        0x0c        /* u16, OMEM */
#define HIP_MEM_SIZE        0x0e        /* u16, SMEM */
#define HIP_SEL             0x18        /* u32 */
#define HIP_EXC             0x1c        /* u32, EXC */
#define HIP_MIN_LENGTH      0x38        /* fixed part ends after TSC/Bus freq (+0x30) */
#define PAGE_SIZE           4096        /* a HIP is one page (6.2 title) */

/* 6.2 CPU Descriptor: Flags u8 @0, Thread @1, Core @2, Package @3 */
#define CPU_FLAGS           0x00
#define CPU_FLAG_ENABLED    0x01        /* bit 0 "Enabled" */

/* 6.2 MEM Descriptor: Address u64 @0, Size u64 @8, Type s32 @0x10, Aux u32 @0x14 */
#define MEM_ADDR            0x00
#define MEM_SIZE            0x08
#define MEM_TYPE            0x10
#define MEM_AUX             0x14
#define MEM_DESC_MIN_SIZE   0x18
#define MEM_TYPE_AVAILABLE  1           /* "Available Memory" */
#define MEM_TYPE_HYPERVISOR (-1)        /* "Microhypervisor Allocated Physical Memory" */
#define MEM_TYPE_MODULE     (-2)        /* "Multiboot Module"; Aux = cmdline address */

/* ---- Spec 4.6, Figure 4.3: UTCB header (64-bit words) ------------------ */
#define UTCB_TLS            0x18        /* items @0, CRDWINT @8, CRDWIND @0x10, TLS @0x18 */
/* 6.1.2.1: "The UTCB of the root execution context is mapped ... just below the HIP" */

/* ---- Spec 4.3, 4.3.4: Capability Range Descriptor ---------------------- */
#define CRD_TYPE_MASK       0x3ull      /* bits 0-1 */
#define CRD_TYPE_NULL       0x0ull      /* 4.3.1 */
#define CRD_TYPE_OBJ        0x3ull      /* 4.3.4 */
#define CRD_PERM_SHIFT      2           /* Mask: bits 2-6 */
#define CRD_PERM_MASK       0x1full
#define CRD_ORDER_SHIFT     7           /* Order: bits 7-11 */
#define CRD_ORDER_MASK      0x1full
#define CRD_SEL_SHIFT       12          /* SEL: bits 12-63 */
#define PD_PERMS_ALL        0x1full     /* 4.1.4.1: PD capability, 5 permission bits */

/* ---- Spec 5.1, Figures 5.1/5.2; 8.5 calling convention ----------------- */
#define HC_LOOKUP           0x8         /* Figure 5.1 */
#define HC_UNDEFINED        0xf         /* not in Figure 5.1 (0x0-0xe defined) */
#define ST_SUCCESS          0x0         /* Figure 5.2 */
#define ST_BAD_HYP          0x3         /* Figure 5.2 */
#define STATUS_MASK         0xffull     /* Figure 8.4: status in bits 0-7 */

/* ---- Spec 8.1: initial state ------------------------------------------- */
#define INITIAL_RFLAGS      0x202ull

/* ---- Reporting (harness convention, not spec) --------------------------- */
#define RESULT_GOOD         0x600dull
#define RESULT_BAD          0xbad00ull

extern void report(u64 rax, u64 checks_done) __attribute__((noreturn));
extern u64 preserve_probe(u64 crd, u64 out[2]);
extern u8 __bss_start[], __bss_check_end[];

void main(u64 hip, u64 cpu, u64 rflags) __attribute__((noreturn));

/* Initialized data, checked in step 8 (lives in the second PT_LOAD). */
u64 data_pattern[8] = {
    0x0123456789abcdefull, 0xfedcba9876543210ull, 0x1111111111111111ull, 0,
    0xdeadbeefcafebabeull, 0x8000000000000001ull, 0x5555aaaa5555aaaaull, 42,
};
static const u64 data_expected[8] = {
    0x0123456789abcdefull, 0xfedcba9876543210ull, 0x1111111111111111ull, 0,
    0xdeadbeefcafebabeull, 0x8000000000000001ull, 0x5555aaaa5555aaaaull, 42,
};

/* A read-only segment of its own, in the page where .data begins. */
__attribute__((section(".shared"), used)) const u64 shared_pattern[4] = {
    0x5ea9ed0fbeef0001ull, 0x5ea9ed0fbeef0002ull, 0x5ea9ed0fbeef0003ull, 0x5ea9ed0fbeef0004ull,
};

/* At least 64 KiB of BSS (the linker script puts it before the stack). */
u8 big_bss[80 * 1024] __attribute__((aligned(64)));

/* All reads of memory the kernel set up go through volatile pointers so that
 * the compiler cannot assume what is there. */
static inline u8  rd8 (u64 a) { return *(volatile u8  *)a; }
static inline u16 rd16(u64 a) { return *(volatile u16 *)a; }
static inline u32 rd32(u64 a) { return *(volatile u32 *)a; }
static inline u64 rd64(u64 a) { return *(volatile u64 *)a; }

/* Hypercall with the x86-64 convention of 8.5: syscall, identifier in RDI,
 * parameters in RSI, RDX, RAX, R8; RCX and R11 clobbered. */
struct regs { u64 rdi, rsi, rdx, rax, r8; };

static void hypercall(struct regs *r)
{
    register u64 r8 __asm__("r8") = r->r8;
    u64 rdi = r->rdi, rsi = r->rsi, rdx = r->rdx, rax = r->rax;
    __asm__ volatile("syscall"
                     : "+D"(rdi), "+S"(rsi), "+d"(rdx), "+a"(rax), "+r"(r8)
                     :
                     : "rcx", "r11", "memory", "cc");
    r->rdi = rdi; r->rsi = rsi; r->rdx = rdx; r->rax = rax; r->r8 = r8;
}

static u64 obj_crd(u64 sel, u64 order, u64 perms)
{
    return CRD_TYPE_OBJ | (perms << CRD_PERM_SHIFT) | (order << CRD_ORDER_SHIFT) |
           (sel << CRD_SEL_SHIFT);
}

#define crd_type(c)  ((c) & CRD_TYPE_MASK)
#define crd_perms(c) (((c) >> CRD_PERM_SHIFT) & CRD_PERM_MASK)
#define crd_order(c) (((c) >> CRD_ORDER_SHIFT) & CRD_ORDER_MASK)
#define crd_sel(c)   ((c) >> CRD_SEL_SHIFT)

/* lookup of the object capability at sel; 0 if the result is as described */
static int lookup_obj(u64 sel, u64 *status, u64 *crd)
{
    struct regs r = { HC_LOOKUP, obj_crd(sel, 0, 0), 0, 0, 0 };
    hypercall(&r);
    *status = r.rdi & STATUS_MASK;
    *crd = r.rsi;
    return 0;
}

static int check_root_cap(u64 sel, int is_pd)
{
    u64 st, crd;
    lookup_obj(sel, &st, &crd);
    if (st != ST_SUCCESS) return 0;
    if (crd_type(crd) != CRD_TYPE_OBJ) return 0;
    if (crd_sel(crd) != sel) return 0;
    if (crd_order(crd) != 0) return 0;
    if (crd_perms(crd) == 0) return 0;
    if (is_pd && crd_perms(crd) != PD_PERMS_ALL) return 0;
    return 1;
}

/* ---- Spec 5.1, 8.5: the hypercalls of checks 13 and 14 ---------------- */
#define HC_CALL       0x0
#define HC_REPLY      0x1
#define HC_CREATE_PD  0x2
#define HC_CREATE_EC  0x3
#define HC_CREATE_SC  0x4
#define HC_CREATE_PT  0x5
#define HC_REVOKE     0x7
#define HC_PT_CTRL    0xb
#define HC_FLAG_SHIFT 4           /* Figure 8.3: flags in bits 4-7 */
#define HC_SEL_SHIFT  8           /* selector in bits 8-63 */
#define REVOKE_SR     0x1         /* 5.3.6 flag SR */
#define SEL_FREE      0x100       /* selectors we create objects at */

/* 4.6: UTCB header words, data area from 0x20; typed items from the end */
#define UTCB_ITEMS    0x00        /* U bits 0-15, T bits 16-31 */
#define UTCB_WIND     0x10        /* CRDWIND */
#define UTCB_DATA     0x20
#define UTCB_WLAST    (PAGE_SIZE - 8)
#define CRD_TYPE_PIO  0x2ull      /* 4.3.3 */
#define ITEM_DELEGATE 0x1ull      /* Figure 4.6: bit 0 = 1 */
#define ITEM_H        (1ull << 11)
#define ITEM_HOT_SHIFT 12
#define COM1          0x3f8

/* Where the local ECs' UTCBs go: free, page-aligned user addresses. */
#define LOCAL_UTCB(n) (0x20000000ull + (n) * PAGE_SIZE)
u64 boot_cpu;
u64 guest_phys_page;   /* check 15: the page local_handler delegates with H */
extern u8 local_stack_top[];
extern void local_entry(void);

static u64 hc(u64 number, u64 flags, u64 sel, u64 rsi, u64 rdx, u64 rax, u64 r8, u64 *rsi_out)
{
    struct regs r = { number | flags << HC_FLAG_SHIFT | sel << HC_SEL_SHIFT, rsi, rdx, rax, r8 };
    hypercall(&r);
    if (rsi_out)
        *rsi_out = r.rsi;
    return r.rdi & STATUS_MASK;
}

static u64 pio_crd(u64 port, u64 order, u64 perms)
{
    return CRD_TYPE_PIO | (perms << CRD_PERM_SHIFT) | (order << CRD_ORDER_SHIFT) | (port << CRD_SEL_SHIFT);
}

/* Called from local_entry (start.S) on a portal call, PID in pid; the
 * portal ID says what to answer. */
void local_handler(u64 pid);
void local_handler(u64 pid)
{
    u64 u = LOCAL_UTCB(pid);
    if (pid == 0) {   /* check 13: sum and a marker, two untyped words back */
        *(volatile u64 *)(u + UTCB_DATA) = rd64(u + UTCB_DATA) + rd64(u + UTCB_DATA + 8);
        *(volatile u64 *)(u + UTCB_DATA + 8) = 0x600d;
        *(volatile u64 *)(u + UTCB_ITEMS) = 2;
    } else if (pid == 2) {   /* check 15: one page of RAM, rwx (memory CRD, 4.3.2),
                              * H bit, placed at GUEST_VA (0x30000000) */
        *(volatile u64 *)(u + UTCB_WLAST) = ITEM_DELEGATE | ITEM_H | ((0x30000000ull >> 12) << ITEM_HOT_SHIFT);
        *(volatile u64 *)(u + UTCB_WLAST - 8) = 0x1ull | (0x7ull << CRD_PERM_SHIFT) | (guest_phys_page << CRD_SEL_SHIFT);
        *(volatile u64 *)(u + UTCB_ITEMS) = 1ull << 16;
    } else {          /* check 14: one delegate item, COM1's 8 ports, H bit */
        *(volatile u64 *)(u + UTCB_WLAST) = ITEM_DELEGATE | ITEM_H | ((u64)COM1 << ITEM_HOT_SHIFT);
        *(volatile u64 *)(u + UTCB_WLAST - 8) = pio_crd(COM1, 3, 1);
        *(volatile u64 *)(u + UTCB_ITEMS) = 1ull << 16;
    }
}

/* A local EC (create_ec without G) in our PD (EXC+0) with UTCB
 * LOCAL_UTCB(n) and a stack of its own, and a portal to local_entry with
 * PID n, which tells local_entry and local_handler which EC they run on. */
static int make_local(u64 hip, u64 n)
{
    u64 exc = rd32(hip + HIP_EXC), ec = SEL_FREE + 2 * n, pt = ec + 1;
    u64 sp = (u64)local_stack_top - n * 0x2000;
    u32 cpu = (u32)boot_cpu;   /* 8.1: RDI on entry */
    if (hc(HC_CREATE_EC, 0, ec, exc + 0, LOCAL_UTCB(n) | cpu, sp, 0, 0) != ST_SUCCESS ||
        hc(HC_CREATE_PT, 0, pt, exc + 0, ec, 0, (u64)local_entry, 0) != ST_SUCCESS)
        return 0;
    return hc(HC_PT_CTRL, 0, pt, n, 0, 0, 0, 0) == ST_SUCCESS;   /* PID n */
}

static int ipc_round_trip(u64 hip)
{
    u64 u = hip - PAGE_SIZE;   /* 6.1.2.1 */
    if (!make_local(hip, 0))
        return 0;
    *(volatile u64 *)(u + UTCB_DATA) = 40;
    *(volatile u64 *)(u + UTCB_DATA + 8) = 2;
    *(volatile u64 *)(u + UTCB_ITEMS) = 2;
    if (hc(HC_CALL, 0, SEL_FREE + 1, 0, 0, 0, 0, 0) != ST_SUCCESS)
        return 0;
    return rd64(u + UTCB_DATA) == 42 && rd64(u + UTCB_DATA + 8) == 0x600d && (rd64(u + UTCB_ITEMS) & 0xffff) == 2;
}

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline u8 inb(u16 port)
{
    u8 v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static int com1_round_trip(u64 hip)
{
    u64 u = hip - PAGE_SIZE, crd = 0;
    if (!make_local(hip, 1))
        return 0;
    *(volatile u64 *)(u + UTCB_WIND) = pio_crd(COM1, 3, 1);
    *(volatile u64 *)(u + UTCB_ITEMS) = 0;
    /* the second portal's EC answers with the delegate item (its UTCB is
     * LOCAL_UTCB(1), so local_handler is told pid 1 by local_entry) */
    if (hc(HC_CALL, 0, SEL_FREE + 3, 0, 0, 0, 0, 0) != ST_SUCCESS)
        return 0;
    if (hc(HC_LOOKUP, 0, 0, pio_crd(COM1, 0, 0), 0, 0, 0, &crd) != ST_SUCCESS || crd_type(crd) != CRD_TYPE_PIO ||
        crd_perms(crd) != 1)
        return 0;
    for (const char *c = "foreign: hello through COM1\n"; *c; c++) {
        while (!(inb(COM1 + 5) & 0x20))
            ;
        outb(COM1, (u8)*c);
    }
    if (hc(HC_REVOKE, REVOKE_SR, 0, pio_crd(COM1, 3, 1), 0, 0, 0, 0) != ST_SUCCESS)
        return 0;
    return hc(HC_LOOKUP, 0, 0, pio_crd(COM1, 0, 0), 0, 0, 0, &crd) == ST_SUCCESS && crd_type(crd) == CRD_TYPE_NULL;
}

/* ---- Check 15: a vCPU (5.3.2 with UTCB 0) on AMD SVM ------------------ */
#define HIP_FLAGS       0x10        /* 6.2 Figure 6.1: Feature Flags, u32 */
#define HIP_FEATURE_SVM (1u << 2)   /* 6.2 "Feature Flags": bit 2 SVM */
#define ST_BAD_FTR      0x6         /* Figure 5.2 */
#define HC_CREATE_SM    0x6         /* Figure 5.1 */
#define HC_SM_CTRL      0xc
#define SM_DOWN         0x1         /* 5.4.4 flags: OP bit 0 (1 = down) */
#define CRD_TYPE_MEM    0x1ull      /* 4.3.2 */
#define MEM_RWX         0x7ull      /* 4.1.x memory rights R W X: bits 0-2 of the mask */
#define ITEM_G          (1ull << 10) /* Figure 4.6 */
#define QPD(q, p)       ((u64)(q) << 12 | (p))   /* 4.5 Figure 4.2 */

/* 8.2 SVM intercepts */
#define EXIT_HLT        0x78
#define EXIT_VMMCALL    0x81
#define EXIT_STARTUP    0xfe

/* 8.4 Figure 8.2: MTD bits */
#define MTD_ACDB        (1ull << 0)
#define MTD_BSD         (1ull << 1)
#define MTD_EIP         (1ull << 3)
#define MTD_EFL         (1ull << 4)
#define MTD_DS_ES       (1ull << 5)
#define MTD_CS_SS       (1ull << 7)
#define MTD_QUAL        (1ull << 15)
#define MTD_CTRL        (1ull << 16)

/* 8.3: UTCB data area (from UTCB_DATA) of an intercept message */
#define A_MTD           0x00
#define A_INST_LEN      0x08
#define A_RIP           0x10
#define A_RFLAGS        0x18
#define A_RAX           0x30
#define A_RBX           0x48
#define A_CTRL_PRI      0xc0        /* u32 Primary Exit Ctrl */
#define A_CTRL_SEC      0xc4        /* u32 Secondary Exit Ctrl: bit n = exit 0x80 + n */
#define A_PTMR          0xc8
#define A_ES            0x120       /* segments: Sel u16, AR u16, Limit u32, Base u64 */
#define A_CS            0x130
#define A_SS            0x140
#define A_DS            0x150
#define AR_CODE16       0x9b        /* 8.3 access rights: P, S, type execute/read accessed */
#define AR_DATA16       0x93        /* P, S, type read/write accessed */

/* Selectors, guest memory and the exit handler's UTCB */
#define SEL_VM_PROBE    0x110       /* create_ec with UTCB 0 without SVM */
#define SEL_VM_EC       0x111       /* the local EC the exit portals are bound to */
#define SEL_VM_DONE     0x112       /* semaphore: the guest reached its last exit */
#define SEL_VM_NEVER    0x113       /* semaphore nobody ups: the handler parks on it */
#define SEL_VM_PD       0x114
#define SEL_VCPU        0x115
#define SEL_VCPU_SC     0x116
#define SEL_VM_EVT      0x200       /* 256 portals, one per exit number (order 8) */
#define VM_UTCB         LOCAL_UTCB(3)
#define GUEST_VA        0x30000000ull   /* the guest page in our own space */
#define GUEST_GPA       0x1000ull       /* where the guest sees it; code at its start */
#define GUEST_DATA      0x800           /* offset of the words the guest writes */

extern u8 vm_stack_top[];
extern void vm_entry(void);
extern const u8 guest_code[], guest_code_end[];

static volatile u64 vm_startup, vm_last_exit, vm_last_rip;
static volatile u64 vm_call_rax, vm_call_rbx, vm_call_rip, vm_call_len;

static inline void wr16(u64 a, u16 v) { *(volatile u16 *)a = v; }
static inline void wr32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline void wr64(u64 a, u64 v) { *(volatile u64 *)a = v; }

static u64 mem_crd(u64 page, u64 order, u64 perms)
{
    return CRD_TYPE_MEM | (perms << CRD_PERM_SHIFT) | (order << CRD_ORDER_SHIFT) | (page << CRD_SEL_SHIFT);
}

static void real_seg(u64 at, u16 ar)
{
    wr16(at, 0);              /* selector 0, base 0, 64 KiB */
    wr16(at + 2, ar);
    wr32(at + 4, 0xffff);
    wr64(at + 8, 0);
}

/* Called from vm_entry (start.S) on each VM exit, PID = exit number. Returns
 * to reply; the last exit (HLT, or anything unexpected) is not answered. */
void vm_handler(u64 exit);
void vm_handler(u64 exit)
{
    u64 u = VM_UTCB, a = u + UTCB_DATA;
    wr64(u + UTCB_ITEMS, 0);
    if (exit == EXIT_STARTUP) {
        /* real mode at 0:GUEST_GPA, VMMCALL intercepted, and the guest page */
        vm_startup = 1;
        wr64(a + A_MTD, MTD_EIP | MTD_EFL | MTD_CS_SS | MTD_DS_ES | MTD_CTRL);
        wr64(a + A_RIP, GUEST_GPA);
        wr64(a + A_RFLAGS, 2);
        real_seg(a + A_CS, AR_CODE16);
        real_seg(a + A_SS, AR_DATA16);
        real_seg(a + A_DS, AR_DATA16);
        real_seg(a + A_ES, AR_DATA16);
        wr32(a + A_CTRL_PRI, 0);
        wr32(a + A_CTRL_SEC, 1u << (EXIT_VMMCALL - 0x80));
        wr64(a + A_PTMR, 0);
        wr64(u + UTCB_WLAST, ITEM_DELEGATE | ITEM_G | (GUEST_GPA >> 12) << ITEM_HOT_SHIFT);
        wr64(u + UTCB_WLAST - 8, mem_crd(GUEST_VA >> 12, 0, MEM_RWX));
        wr64(u + UTCB_ITEMS, 1ull << 16);
        return;
    }
    if (exit == EXIT_VMMCALL && vm_startup) {
        /* the guest's registers in, AX = 0x4321 back, past the VMMCALL */
        vm_call_rax = rd64(a + A_RAX);
        vm_call_rbx = rd64(a + A_RBX);
        vm_call_rip = rd64(a + A_RIP);
        vm_call_len = rd64(a + A_INST_LEN);
        wr64(a + A_RAX, 0x4321);
        wr64(a + A_RIP, vm_call_rip + vm_call_len);
        wr64(a + A_MTD, MTD_ACDB | MTD_EIP);
        return;
    }
    vm_last_rip = rd64(a + A_RIP);
    vm_last_exit = exit;
    hc(HC_SM_CTRL, 0, SEL_VM_DONE, 0, 0, 0, 0, 0);          /* up */
    for (;;)
        hc(HC_SM_CTRL, SM_DOWN, SEL_VM_NEVER, 0, 0, 0, 0, 0);
}

/* The page 2 MiB below the top of the highest available RAM (6.2 memory
 * descriptors), where neither the microhypervisor nor a module lies in
 * practice. */
static u64 spare_phys_page(u64 hip)
{
    u64 top = 0, mem_offs = rd16(hip + HIP_MEM_OFFS), mem_size = rd16(hip + HIP_MEM_SIZE);
    for (u64 o = mem_offs; o + mem_size <= rd16(hip + HIP_LENGTH); o += mem_size)
        if ((s32)rd32(hip + o + MEM_TYPE) == MEM_TYPE_AVAILABLE && rd64(hip + o + MEM_ADDR) + rd64(hip + o + MEM_SIZE) > top)
            top = rd64(hip + o + MEM_ADDR) + rd64(hip + o + MEM_SIZE);
    return ((top - (2ull << 20)) & ~(u64)(PAGE_SIZE - 1)) >> 12;
}

static int vm_round_trip(u64 hip)
{
    u64 exc = rd32(hip + HIP_EXC), cpu = (u32)boot_cpu, root = hip - PAGE_SIZE, crd = 0;
    if (!(rd32(hip + HIP_FLAGS) & HIP_FEATURE_SVM))
        return hc(HC_CREATE_EC, 0, SEL_VM_PROBE, exc + 0, 0 | cpu, 0, 0, 0) == ST_BAD_FTR;

    /* a page of RAM with rwx from the microhypervisor (H bit) at GUEST_VA:
     * the guest runs code from it, and delegation keeps our rights */
    guest_phys_page = spare_phys_page(hip);
    if (!make_local(hip, 2))
        return 0;
    wr64(root + UTCB_WIND, mem_crd(GUEST_VA >> 12, 0, MEM_RWX));
    wr64(root + UTCB_ITEMS, 0);
    if (hc(HC_CALL, 0, SEL_FREE + 5, 0, 0, 0, 0, 0) != ST_SUCCESS)
        return 0;
    if (hc(HC_LOOKUP, 0, 0, mem_crd(GUEST_VA >> 12, 0, 0), 0, 0, 0, &crd) != ST_SUCCESS ||
        crd_type(crd) != CRD_TYPE_MEM || crd_perms(crd) != MEM_RWX)
        return 0;
    for (u64 i = 0; i < PAGE_SIZE; i += 8)
        wr64(GUEST_VA + i, 0);
    for (u64 i = 0; guest_code + i < guest_code_end; i++)
        *(volatile u8 *)(GUEST_VA + i) = guest_code[i];

    /* the exit handler: a local EC, and portal SELEVT + n (PID n) for every
     * exit n; the new PD gets the block at its selectors 0-255 (create_pd's
     * initial portals), so SELEVT = 0 there */
    if (hc(HC_CREATE_EC, 0, SEL_VM_EC, exc + 0, VM_UTCB | cpu, (u64)vm_stack_top, 0, 0) != ST_SUCCESS)
        return 0;
    for (u64 e = 0; e < 256; e++)
        if (hc(HC_CREATE_PT, 0, SEL_VM_EVT + e, exc + 0, SEL_VM_EC, MTD_ACDB | MTD_BSD | MTD_EIP | MTD_QUAL,
               (u64)vm_entry, 0) != ST_SUCCESS ||
            hc(HC_PT_CTRL, 0, SEL_VM_EVT + e, e, 0, 0, 0, 0) != ST_SUCCESS)
            return 0;
    if (hc(HC_CREATE_SM, 0, SEL_VM_DONE, exc + 0, 0, 0, 0, 0) != ST_SUCCESS ||
        hc(HC_CREATE_SM, 0, SEL_VM_NEVER, exc + 0, 0, 0, 0, 0) != ST_SUCCESS ||
        hc(HC_CREATE_PD, 0, SEL_VM_PD, exc + 0, obj_crd(SEL_VM_EVT, 8, 0x1f), 0, 0, 0) != ST_SUCCESS ||
        hc(HC_CREATE_EC, 0, SEL_VCPU, SEL_VM_PD, 0 | cpu, 0, 0, 0) != ST_SUCCESS ||   /* UTCB 0: vCPU */
        hc(HC_CREATE_SC, 0, SEL_VCPU_SC, exc + 0, SEL_VCPU, QPD(10000, 1), 0, 0) != ST_SUCCESS)
        return 0;
    if (hc(HC_SM_CTRL, SM_DOWN, SEL_VM_DONE, 0, 0, 0, 0, 0) != ST_SUCCESS)
        return 0;

    /* STARTUP, then VMMCALL at GUEST_GPA + 9 with AX/BX as loaded, then HLT
     * at + 0xf; the guest stored AX before and after the VMMCALL */
    return vm_startup && (vm_call_rax & 0xffff) == 0x1234 && (vm_call_rbx & 0xffff) == 0x5678 &&
           vm_call_rip == GUEST_GPA + 9 && vm_call_len == 3 && vm_last_exit == EXIT_HLT &&
           vm_last_rip == GUEST_GPA + 0xf && rd16(GUEST_VA + GUEST_DATA) == 0x1234 &&
           rd16(GUEST_VA + GUEST_DATA + 2) == 0x4321;
}

#define CHECK(n, cond)                                      \
    do {                                                    \
        if (!(cond)) report(RESULT_BAD + (n), (n) - 1);     \
    } while (0)

void main(u64 hip, u64 cpu, u64 rflags)
{
    boot_cpu = cpu;
    /* 1. Signature (6.2) */
    CHECK(1, rd32(hip + HIP_SIGNATURE) == HIP_SIGNATURE_VALUE);

    /* 2. 16-bit-wise sum over Length bytes is 0 (6.2 "Checksum") */
    u64 length = rd16(hip + HIP_LENGTH);
    {
        CHECK(2, length >= HIP_MIN_LENGTH && length <= PAGE_SIZE && (length & 1) == 0);
        u16 sum = 0;
        for (u64 o = 0; o < length; o += 2)
            sum = (u16)(sum + rd16(hip + o));
        CHECK(2, sum == 0);
    }

    /* 3. Layout fields consistent (6.2, equations 6.1 and 6.2) */
    u64 cpu_offs = rd16(hip + HIP_CPU_OFFS), cpu_size = rd16(hip + HIP_CPU_SIZE);
    u64 mem_offs = rd16(hip + HIP_MEM_OFFS), mem_size = rd16(hip + HIP_MEM_SIZE);
    CHECK(3, cpu_offs >= HIP_MIN_LENGTH && cpu_offs < mem_offs && mem_offs <= length &&
             cpu_size != 0 && mem_size >= MEM_DESC_MIN_SIZE &&
             (mem_offs - cpu_offs) % cpu_size == 0 && (length - mem_offs) % mem_size == 0);
    u64 ncpu = (mem_offs - cpu_offs) / cpu_size;
    u64 nmem = (length - mem_offs) / mem_size;

    /* 4. RFLAGS on entry (8.1) */
    CHECK(4, rflags == INITIAL_RFLAGS);

    /* 5. Boot CPU descriptor exists and is enabled (8.1 RDI; 6.2 CPU Descriptor) */
    CHECK(5, cpu < ncpu && (rd8(hip + cpu_offs + cpu * cpu_size + CPU_FLAGS) & CPU_FLAG_ENABLED));

    /* 6. Memory descriptors (6.2 MEM Descriptor) */
    {
        int avail = 0, hyp = 0, module = 0;
        for (u64 i = 0; i < nmem; i++) {
            u64 d = hip + mem_offs + i * mem_size;
            s32 type = (s32)rd32(d + MEM_TYPE);
            if (type == MEM_TYPE_AVAILABLE && rd64(d + MEM_SIZE) != 0) avail++;
            if (type == MEM_TYPE_HYPERVISOR) hyp++;
            if (type == MEM_TYPE_MODULE && rd32(d + MEM_AUX) != 0) module++;
        }
        CHECK(6, avail > 0 && hyp > 0 && module > 0);
    }

    /* 7. UTCB just below the HIP (6.1.2.1) is mapped and writable; its TLS
     *    word (4.6.1) is never written by the hypervisor. */
    {
        volatile u64 *tls = (volatile u64 *)(hip - PAGE_SIZE + UTCB_TLS);
        u64 old = *tls;
        *tls = 0x7e57a11c0ffee123ull;
        u64 back = *tls;
        *tls = ~0x7e57a11c0ffee123ull;
        u64 back2 = *tls;
        *tls = old;
        CHECK(7, back == 0x7e57a11c0ffee123ull && back2 == ~0x7e57a11c0ffee123ull);
    }

    /* 8. Segments loaded per program headers: .data has its values, so has
     * the read-only segment in the same page, BSS is 0 */
    {
        for (int i = 0; i < 8; i++)
            CHECK(8, rd64((u64)&data_pattern[i]) == data_expected[i]);
        for (int i = 0; i < 4; i++)
            CHECK(8, rd64((u64)&shared_pattern[i]) == (0x5ea9ed0fbeef0001ull + (u64)i));
        u64 b = (u64)__bss_start, e = (u64)__bss_check_end;
        CHECK(8, e - b >= sizeof(big_bss) && e - b >= 64 * 1024);
        u64 acc = 0;
        for (u64 a = b; a < e; a += 8)
            acc |= rd64(a);
        CHECK(8, acc == 0);
    }

    /* 9. Root PD/EC/SC at EXC+0/1/2 (6.1.2.3), lookup (5.3.7) */
    u64 exc = rd32(hip + HIP_EXC);
    CHECK(9, check_root_cap(exc + 0, 1));
    CHECK(9, check_root_cap(exc + 1, 0));
    CHECK(9, check_root_cap(exc + 2, 0));

    /* 10. EXC+3 holds a null capability: SUCCESS and a null CRD (5.3.7, 4.3.1) */
    {
        u64 st, crd;
        lookup_obj(exc + 3, &st, &crd);
        CHECK(10, st == ST_SUCCESS && crd_type(crd) == CRD_TYPE_NULL);
    }

    /* 11. Undefined hypercall number answers BAD_HYP (Figure 5.2) */
    {
        struct regs r = { HC_UNDEFINED, 0x5a5a5a5aull, 0, 0, 0 };
        hypercall(&r);
        CHECK(11, (r.rdi & STATUS_MASK) == ST_BAD_HYP);
    }

    /* 12. Registers preserved across a successful lookup (8.5: RDX, RAX,
     *     R8, RSP "≡"; RCX, R11 "∼"), plus the registers 8.5 does not name. */
    {
        u64 out[2];
        u64 changed = preserve_probe(obj_crd(exc + 0, 0, 0), out);
        CHECK(12, changed == 0 && (out[0] & STATUS_MASK) == ST_SUCCESS &&
                  crd_type(out[1]) == CRD_TYPE_OBJ && crd_sel(out[1]) == exc);
    }

    /* 13. A local EC and a portal in the root's own PD answer a call with
     *     untyped items (5.3.2, 5.3.4, 5.2.1, 5.2.2, 4.6.2.1). */
    CHECK(13, ipc_round_trip(hip));

    /* 14. COM1's ports from the microhypervisor with an H-bit delegation to
     *     an EC of our own (6.1.1, 4.6.2.2), printed through, then lost by
     *     revoke with SR (5.3.6). */
    CHECK(14, com1_round_trip(hip));

    /* 15. With SVM in the HIP's feature flags (6.2): a vCPU (5.3.2, UTCB 0)
     *     in a new PD runs real-mode code from a page given with the G bit
     *     (4.6.2.2) in the reply to STARTUP; its VMMCALL (enabled by MTD
     *     CTRL) and HLT exits arrive at SELEVT + exit number (8.2) with the
     *     registers of 8.3, the reply writes AX and RIP back (8.4).  Without
     *     SVM, create_ec with UTCB 0 answers BAD_FTR. */
    CHECK(15, vm_round_trip(hip));

    report(RESULT_GOOD, 15);
}
