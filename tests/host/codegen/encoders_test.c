/*
 * Host test of the generated headers. Expected values are worked out by hand
 * from the figures of the NOVA interface spec, not taken from the generator.
 * Prints "LAYOUT struct.field offset size" lines that the Python test compares
 * with the spec/ TOML files, and "FAIL ..." for every failed check. Exit status 0 on success.
 */
#define NOVA_WANT_NAMES
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "nova/spec.h"
#include "nova/hypercalls.h"
#include "nova/spec_tables.h"
#include "hypercall_decode.h"
#include "spec_objects.h"

static int failures;

#define CHECK_EQ(expr, want)                                                          \
    do {                                                                              \
        unsigned long long got_ = (unsigned long long)(expr);                         \
        unsigned long long want_ = (unsigned long long)(want);                        \
        if (got_ != want_) {                                                          \
            printf("FAIL %s:%d: %s = %#llx, want %#llx\n", __FILE__, __LINE__, #expr, \
                   got_, want_);                                                      \
            failures++;                                                               \
        }                                                                             \
    } while (0)

#define LAYOUT(s, f) \
    printf("LAYOUT %s.%s %zu %zu\n", #s, #f, offsetof(struct nova_##s, f), sizeof(((struct nova_##s *)0)->f))
#define SIZE(s) printf("SIZE %s %zu\n", #s, sizeof(struct nova_##s))

/* ---- Handlers for the dispatch table: each records which one ran and,
 * as handlers never return, jumps back to dispatch(). ---- */
static const char *ran;
static jmp_buf handled;
#define HANDLER(name) \
    _Noreturn void sys_##name(struct sys_regs *r) { ran = #name; (void)r; longjmp(handled, 1); }
HANDLER(call)
HANDLER(reply)
HANDLER(create_pd)
HANDLER(create_ec)
HANDLER(create_sc)
HANDLER(create_pt)
HANDLER(create_sm)
HANDLER(revoke)
HANDLER(lookup)
HANDLER(ec_ctrl)
HANDLER(sc_ctrl)
HANDLER(pt_ctrl)
HANDLER(sm_ctrl)
HANDLER(assign_pci)
HANDLER(assign_gsi)
HANDLER(bad_hyp)
#ifdef NOVA_EXT_DEBUG
HANDLER(debug)
#endif
#ifdef NOVA_EXT_TLS
HANDLER(tls)
#endif

static void check_encoders(void)
{
    /* CRD (4.3): type 1:0, mask 6:2, order 11:7, base 63:12. */
    CHECK_EQ(nova_crd_null(), 0);
    CHECK_EQ(nova_crd_obj(0x20, 0, 0x1f), 0x2007f);          /* 0x20000 | 0x1f<<2 | 3 */
    CHECK_EQ(nova_crd_mem(0x12345, 4, 0x7), 0x1234521d);     /* 0x12345000 | 4<<7 | 7<<2 | 1 */
    CHECK_EQ(nova_crd_pio(0x3f8, 3, 1), 0x3f8186);           /* 0x3f8000 | 3<<7 | 1<<2 | 2 */
    CHECK_EQ(nova_crd_obj(0x20, 0, 0xff), 0x2007f);          /* mask is cut to 5 bits */
    CHECK_EQ(nova_crd_obj(0, 32, 0), 0x3);                   /* order is cut to 5 bits */
    CHECK_EQ(nova_crd_type(0x1234521d), NOVA_CRD_TYPE_MEM);
    CHECK_EQ(nova_crd_mask(0x1234521d), 0x7);
    CHECK_EQ(nova_crd_order(0x1234521d), 4);
    CHECK_EQ(nova_crd_base(0x1234521d), 0x12345);
    CHECK_EQ(NOVA_CRD_TYPE_NULL, 0);
    CHECK_EQ(NOVA_CRD_TYPE_MEM, 1);
    CHECK_EQ(NOVA_CRD_TYPE_PIO, 2);
    CHECK_EQ(NOVA_CRD_TYPE_OBJ, 3);
    CHECK_EQ(NOVA_CRD_BASE_MASK, 0xfffffffffffff000ull);

    /* QPD (4.5): priority 7:0, quantum 63:12. */
    CHECK_EQ(nova_qpd(10000, 1), 0x2710001);
    CHECK_EQ(nova_qpd(1, 0x1ff), 0x10ff);                    /* priority is cut to 8 bits */
    CHECK_EQ(nova_qpd_quantum(0x2710001), 10000);
    CHECK_EQ(nova_qpd_priority(0x2710001), 1);

    /* Hypercall identifier (8.5): number 3:0, flags 7:4, selector 63:8. */
    CHECK_EQ(nova_hc_id(NOVA_HC_CREATE_EC, 1, 0x40), 0x4013);
    CHECK_EQ(nova_hc_id(0x13, 0x1f, 1), 0x1f3);              /* number and flags cut to 4 bits */
    CHECK_EQ(nova_hc_id_sel(0x4013), 0x40);
    CHECK_EQ(nova_hc_id_flags(0x4013), 1);
    CHECK_EQ(nova_hc_id_number(0x4013), 3);

    /* Typed item word (figure 4.6): kind 0, D 9, G 10, H 11, hotspot 63:12. */
    CHECK_EQ(nova_item_delegate(5, 1, 0, 1), 0x5a01);        /* 0x5000 | H 0x800 | D 0x200 | 1 */
    CHECK_EQ(nova_item_delegate(0, 0, 1, 0), 0x401);
    CHECK_EQ(nova_item_translate(), 0);
    CHECK_EQ(nova_item_hotspot(0x5a01), 5);
    CHECK_EQ(nova_item_kind(0x5a01), NOVA_ITEM_KIND_DELEGATE);
    CHECK_EQ(nova_item_h(0x5a01), 1);
    CHECK_EQ(nova_item_g(0x5a01), 0);
    CHECK_EQ(nova_item_d(0x5a01), 1);

    /* UTCB item counts (4.6.1): U 15:0, T 31:16. */
    CHECK_EQ(nova_utcb_items(3, 2), 0x20003);
    CHECK_EQ(nova_utcb_items_t(0x20003), 2);

    /* MTD (figure 8.2). */
    CHECK_EQ(NOVA_MTD_ACDB, 0x1);
    CHECK_EQ(NOVA_MTD_EIP | NOVA_MTD_ACDB, 0x9);
    CHECK_EQ(NOVA_MTD_CS_SS, 0x80);
    CHECK_EQ(NOVA_MTD_QUAL, 0x8000);
    CHECK_EQ(NOVA_MTD_PTMR, 0x200000);
    CHECK_EQ(nova_mtd(1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0), 0x801f);
    CHECK_EQ(NOVA_MTD_R8_R15, 0x400000);   /* Novum interpretation: first reserved bit */

    /* Injection information (8.3): vector 7:0, type 10:8, E 11, I 12, N 13, V 31. */
    CHECK_EQ(nova_inj_info(14, NOVA_INJ_INFO_TYPE_HW_EXC, 1, 0, 0, 1), 0x80000b0e);
    CHECK_EQ(NOVA_INJ_INFO_N, 0x2000);

    /* Segment access rights (8.3): flat 64-bit ring-0 code segment is 0x29b. */
    CHECK_EQ(nova_seg_ar(0xb, 1, 0, 1, 0, 1, 0, 0, 0), 0x29b);
    CHECK_EQ(nova_seg_ar_dpl(0x60), 3);
    CHECK_EQ(NOVA_SEG_AR_U, 0x1000);

    /* HIP flags (6.2). */
    CHECK_EQ(NOVA_HIP_CPU_FLAGS_ENABLED, 0x1);
    CHECK_EQ(NOVA_HIP_FEATURES_VMX, 0x2);
    CHECK_EQ(NOVA_HIP_FEATURES_SVM, 0x4);

    /* Status byte (figure 8.4). */
    CHECK_EQ(nova_status_reg_status(0xabcd05), NOVA_BAD_PAR);
}

static void check_constants(void)
{
    CHECK_EQ(NOVA_SUCCESS, 0);
    CHECK_EQ(NOVA_COM_TIM, 1);
    CHECK_EQ(NOVA_BAD_HYP, 3);
    CHECK_EQ(NOVA_BAD_CAP, 4);
    CHECK_EQ(NOVA_BAD_DEV, 8);
    CHECK_EQ(NOVA_STATUS_COUNT, 9);

    CHECK_EQ(NOVA_HC_CALL, 0x0);
    CHECK_EQ(NOVA_HC_REPLY, 0x1);
    CHECK_EQ(NOVA_HC_CREATE_PD, 0x2);
    CHECK_EQ(NOVA_HC_LOOKUP, 0x8);
    CHECK_EQ(NOVA_HC_SM_CTRL, 0xc);
    CHECK_EQ(NOVA_HC_ASSIGN_GSI, 0xe);
    CHECK_EQ(NOVA_HC_COUNT, 16);

    CHECK_EQ(NOVA_FLAG_CALL_DB, 0x1);
    CHECK_EQ(NOVA_FLAG_CALL_DD, 0x2);
    CHECK_EQ(NOVA_FLAG_CREATE_EC_G, 0x1);
    CHECK_EQ(NOVA_FLAG_REVOKE_SR, 0x1);
    CHECK_EQ(NOVA_FLAG_SM_CTRL_DN, 0x1);
    CHECK_EQ(NOVA_FLAG_SM_CTRL_ZC, 0x2);

    CHECK_EQ(NOVA_PERM_MEM_R, 0x1);
    CHECK_EQ(NOVA_PERM_MEM_W, 0x2);
    CHECK_EQ(NOVA_PERM_MEM_X, 0x4);
    CHECK_EQ(NOVA_PERM_PIO_A, 0x1);
    CHECK_EQ(NOVA_PERM_PD_PD, 0x1);
    CHECK_EQ(NOVA_PERM_PD_EC, 0x2);
    CHECK_EQ(NOVA_PERM_PD_SM, 0x10);
    CHECK_EQ(NOVA_PERM_EC_CT, 0x1);
    CHECK_EQ(NOVA_PERM_EC_SC, 0x4);
    CHECK_EQ(NOVA_PERM_EC_PT, 0x8);
    CHECK_EQ(NOVA_PERM_SC_CT, 0x1);
    CHECK_EQ(NOVA_PERM_PT_CT, 0x1);
    CHECK_EQ(NOVA_PERM_PT_CALL, 0x2);
    CHECK_EQ(NOVA_PERM_SM_UP, 0x1);
    CHECK_EQ(NOVA_PERM_SM_DN, 0x2);
    CHECK_EQ(NOVA_PERM_MEM_ALL, 0x7);                       /* every bit 4.1 gives the type */
    CHECK_EQ(NOVA_PERM_PIO_ALL, 0x1);
    CHECK_EQ(NOVA_PERM_PD_ALL, 0x1f);
    CHECK_EQ(NOVA_PERM_EC_ALL, 0xd);                        /* bit 1 is unused */
    CHECK_EQ(NOVA_PERM_SC_ALL, 0x1);
    CHECK_EQ(NOVA_PERM_PT_ALL, 0x3);
    CHECK_EQ(NOVA_PERM_SM_ALL, 0x3);
    CHECK_EQ(NOVA_CRD_MASK_MAX, 0x1f);                      /* field maxima: all ones of the width */
    CHECK_EQ(NOVA_QPD_PRIORITY_MAX, 0xff);
    CHECK_EQ(NOVA_UTCB_ITEMS_U_MAX, 0xffff);
    CHECK_EQ(NOVA_CRD_BASE_MAX, (UINT64_C(1) << 52) - 1);

    CHECK_EQ(NOVA_EXC_DE, 0x0);
    CHECK_EQ(NOVA_EXC_BP, 0x3);
    CHECK_EQ(NOVA_EXC_TS, 0xa);
    CHECK_EQ(NOVA_EXC_PF, 0xe);
    CHECK_EQ(NOVA_EXC_MF, 0x10);
    CHECK_EQ(NOVA_EXC_XM, 0x13);
    CHECK_EQ(NOVA_EVT_STARTUP, 0x1e);
    CHECK_EQ(NOVA_EVT_RECALL, 0x1f);
    CHECK_EQ(NOVA_VMX_EXIT_CPUID, 0xa);
    CHECK_EQ(NOVA_VMX_EXIT_EPT_VIOLATION, 0x30);
    CHECK_EQ(NOVA_VMX_EXIT_RECALL, 0xff);
    CHECK_EQ(NOVA_SVM_EXIT_CR_READ_FIRST, 0x0);
    CHECK_EQ(NOVA_SVM_EXIT_CR_READ_LAST, 0xf);
    CHECK_EQ(NOVA_SVM_EXIT_EXCEPTION_LAST, 0x5f);
    CHECK_EQ(NOVA_SVM_EXIT_NPT_FAULT, 0xfc);
    CHECK_EQ(NOVA_SVM_EXIT_STARTUP, 0xfe);

    CHECK_EQ(NOVA_HIP_SIGNATURE, 0x41564f4e);
    CHECK_EQ(NOVA_HIP_MEM_AVAILABLE, 1);
    CHECK_EQ(NOVA_HIP_MEM_ACPI_NVS, 4);
    CHECK_EQ(NOVA_HIP_MEM_HYPERVISOR + 2, 1);               /* -1 */
    CHECK_EQ(NOVA_HIP_MEM_MODULE + 3, 1);                   /* -2 */

    CHECK_EQ(NOVA_EXC_SELECTORS, 32);
    CHECK_EQ(NOVA_SEL_COUNT, 1u << 20);
    CHECK_EQ(NOVA_API_VERSION, 1);
    CHECK_EQ(NOVA_UTCB_SIZES, 1u << 12);
    CHECK_EQ(NOVA_PAGE_SIZES, 1u << 12);                     /* 4 KiB pages only */
    CHECK_EQ(NOVA_UTCB_SIZE, 4096);
    CHECK_EQ(NOVA_UTCB_DATA_WORDS, 508);                    /* (4096 - 32) / 8 */
    CHECK_EQ(NOVA_UTCB_TYPED_ITEM_WORD(0), 507);
    CHECK_EQ(NOVA_UTCB_TYPED_CRD_WORD(1), 504);

    CHECK_EQ(strcmp(nova_status_name[NOVA_BAD_CPU], "BAD_CPU"), 0);
    CHECK_EQ(strcmp(nova_exception_name[NOVA_EXC_GP], "GP"), 0);
    CHECK_EQ(strcmp(nova_exception_name[0x1e], "STARTUP"), 0);
    CHECK_EQ(strcmp(nova_exception_name[0x2], "reserved"), 0);
    CHECK_EQ(strcmp(nova_hypercall_name[NOVA_HC_ASSIGN_GSI], "assign_gsi"), 0);
}

/* Kernel object types: the five object capabilities of 4.1.4, from 1; spaces
 * numbered as the CRD types of 4.3. */
static void check_kernel_objects(void)
{
    CHECK_EQ(KOBJ_PD, 1);
    CHECK_EQ(KOBJ_EC, 2);
    CHECK_EQ(KOBJ_SC, 3);
    CHECK_EQ(KOBJ_PT, 4);
    CHECK_EQ(KOBJ_SM, 5);
    CHECK_EQ(SPACE_MEM, 1);
    CHECK_EQ(SPACE_PIO, 2);
    CHECK_EQ(SPACE_OBJ, 3);
    CHECK_EQ(CAP_SPACE_SLOTS, 4);
}

static void check_hip(void)
{
    union {
        struct nova_hip hip;
        uint8_t bytes[0x38 + 2 * 8 + 24];
    } u;
    memset(&u, 0, sizeof u);
    u.hip.signature = NOVA_HIP_SIGNATURE;
    u.hip.length = sizeof u.bytes;
    u.hip.cpu_offs = 0x38;
    u.hip.cpu_size = sizeof(struct nova_hip_cpu);
    u.hip.mem_offs = 0x38 + 2 * 8;
    u.hip.mem_size = sizeof(struct nova_hip_mem);
    u.hip.sel = NOVA_SEL_COUNT;
    u.bytes[0x38] = NOVA_HIP_CPU_FLAGS_ENABLED;
    u.hip.checksum = (uint16_t)(0u - nova_hip_sum16(&u, sizeof u.bytes));
    CHECK_EQ(nova_hip_valid(&u.hip), 1);
    CHECK_EQ(nova_hip_cpu_count(&u.hip), 2);
    CHECK_EQ(nova_hip_mem_count(&u.hip), 1);
    CHECK_EQ(nova_hip_cpu_desc(&u.hip, 0)->flags, 1);
    u.bytes[0x40] ^= 1;
    CHECK_EQ(nova_hip_valid(&u.hip), 0);
}

static void check_decode(void)
{
    struct sys_regs r;
    memset(&r, 0, sizeof r);

    r.rdi = nova_hc_id(NOVA_HC_CREATE_EC, NOVA_FLAG_CREATE_EC_G, 0x40);
    r.rsi = 0x21;
    r.rdx = 0x7fff1000 | 3;
    r.rax = 0x8000;
    r.r8 = 0x100;
    CHECK_EQ(hc_number(&r), NOVA_HC_CREATE_EC);
    struct hc_create_ec ec = hc_create_ec_decode(&r);
    CHECK_EQ(ec.sel_obj0, 0x40);
    CHECK_EQ(ec.sel_pd, 0x21);
    CHECK_EQ(ec.cpu, 3);
    CHECK_EQ(ec.utcb, 0x7fff1000);
    CHECK_EQ(ec.sp, 0x8000);
    CHECK_EQ(ec.sel_evt, 0x100);
    CHECK_EQ(hc_create_ec_g(&ec), 1);

    r.rdi = nova_hc_id(NOVA_HC_CALL, NOVA_FLAG_CALL_DD, 0xfffff);
    struct hc_call c = hc_call_decode(&r);
    CHECK_EQ(c.sel_pt, 0xfffff);
    CHECK_EQ(hc_call_db(&c), 0);
    CHECK_EQ(hc_call_dd(&c), 1);
    hc_return_status(&r, NOVA_SUCCESS);
    CHECK_EQ(r.rdi, 0);                                      /* no flag bits survive */

    r.rdi = nova_hc_id(NOVA_HC_SM_CTRL, NOVA_FLAG_SM_CTRL_DN | NOVA_FLAG_SM_CTRL_ZC, 7);
    struct hc_sm_ctrl sm = hc_sm_ctrl_decode(&r);
    CHECK_EQ(sm.sel_sm, 7);
    CHECK_EQ(hc_sm_ctrl_dn(&sm), 1);
    CHECK_EQ(hc_sm_ctrl_zc(&sm), 1);

    r.rdi = nova_hc_id(NOVA_HC_REVOKE, NOVA_FLAG_REVOKE_SR, 0);
    r.rsi = nova_crd_mem(0x100, 2, 7);
    struct hc_revoke rv = hc_revoke_decode(&r);
    CHECK_EQ(rv.crd, 0x100000 + 0x100 + 0x1c + 1);  /* 0x100<<12 | 2<<7 | 7<<2 | 1 */
    CHECK_EQ(hc_revoke_sr(&rv), 1);

    r.rdi = nova_hc_id(NOVA_HC_PT_CTRL, 0, 0x33);
    r.rsi = 0xdeadbeef;
    struct hc_pt_ctrl pt = hc_pt_ctrl_decode(&r);
    CHECK_EQ(pt.sel_pt, 0x33);
    CHECK_EQ(pt.pid, 0xdeadbeef);

    hc_sc_ctrl_return(&r, 0x123456789abcdef0ull);
    CHECK_EQ(r.rsi, 0x12345678);
    CHECK_EQ(r.rdx, 0x9abcdef0);
    hc_lookup_return(&r, 0x2007f);
    CHECK_EQ(r.rsi, 0x2007f);
    hc_assign_gsi_return(&r, 0xfee00000, 0x4041);
    CHECK_EQ(r.rsi, 0xfee00000);
    CHECK_EQ(r.rdx, 0x4041);
#ifdef NOVA_EXT_DEBUG
    r.rdi = nova_hc_id(NOVA_HC_DEBUG, 0, 0x1234);
    CHECK_EQ(hc_debug_pd_charge_decode(&r).sel_pd, 0x1234);
    hc_debug_pd_charge_return(&r, 0xfedcba9876543210ull);
    CHECK_EQ(r.rdx, 0xfedcba9876543210ull);
#endif
    hc_reply_entry(&r, 0x77);
    CHECK_EQ(r.rdi, 0x77);
    hc_root_entry(&r, 1, 0x7fffffffe000);   /* RDI = boot CPU, RSP = HIP (8.1) */
    CHECK_EQ(r.rdi, 1);
    CHECK_EQ(r.rsp, 0x7fffffffe000);
#ifdef NOVA_EXT_DEBUG
    r.rdi = nova_hc_id(NOVA_HC_DEBUG, 0, 0);
    r.rsi = NOVA_DEBUG_OP_CONSOLE_WRITE;
    r.rdx = 0x1000;
    r.rax = 12;
    CHECK_EQ(hc_debug_decode(&r).op, NOVA_DEBUG_OP_CONSOLE_WRITE);
    CHECK_EQ(hc_debug_console_write_decode(&r).buf, 0x1000);
    CHECK_EQ(hc_debug_console_write_decode(&r).len, 12);
    CHECK_EQ(NOVA_DEBUG_CONSOLE_WRITE_LEN_MAX, 4096);
#endif
#ifdef NOVA_EXT_TLS
    CHECK_EQ(NOVA_HC_TLS, 0xf);
    CHECK_EQ(NOVA_TLS_OP_SET, 0x10);
    r.rdi = nova_hc_id(NOVA_HC_TLS, 0, 0);
    r.rsi = NOVA_TLS_OP_SET;
    r.rdx = 0x00007fffffffe000ull;
    CHECK_EQ(hc_tls_decode(&r).op, 0x10);
    CHECK_EQ(hc_tls_set_decode(&r).base, 0x00007fffffffe000ull);
#endif
}

/* Runs the table's handler for `r`, and checks that hc_info_of names the
 * hypercall that ran (none for bad_hyp). */
static void dispatch(struct sys_regs *r)
{
    ran = NULL;
    if (!setjmp(handled))
        hypercall_table[hc_number(r)](r);
    const struct nova_hc_info *info = hc_info_of(r);
    const char *named = info ? info->name : "bad_hyp";
    if (ran && strcmp(ran, named) != 0) {
        printf("FAIL hc_info_of(rdi %#llx, rsi %#llx) names %s, but sys_%s ran\n",
               (unsigned long long)r->rdi, (unsigned long long)r->rsi, named, ran);
        failures++;
    }
}

#if defined(NOVA_EXT_DEBUG) && defined(NOVA_EXT_TLS)
/* Both extensions share number 0xf: the sub-operation picks the handler. */
static void check_shared_slot(void)
{
    static const struct { uint64_t op; const char *want; } cases[] = {
        { 0, "bad_hyp" }, { 1, "debug" }, { 2, "debug" }, { 3, "debug" }, { 4, "bad_hyp" }, { 0xf, "bad_hyp" },
        { 0x10, "tls" }, { 0x11, "bad_hyp" }, { ~0ull, "bad_hyp" },
    };
    struct sys_regs r;
    memset(&r, 0, sizeof r);
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r.rdi = nova_hc_id(0xf, 0, 0);
        r.rsi = cases[i].op;
        dispatch(&r);
        if (!ran || strcmp(ran, cases[i].want) != 0) {
            printf("FAIL shared slot 0xf, sub-operation %#llx ran %s, want sys_%s\n",
                   (unsigned long long)cases[i].op, ran ? ran : "nothing", cases[i].want);
            failures++;
        }
    }
}
#endif

static void check_dispatch(void)
{
    static const char *const want[16] = {
        "call", "reply", "create_pd", "create_ec", "create_sc", "create_pt", "create_sm", "revoke",
        "lookup", "ec_ctrl", "sc_ctrl", "pt_ctrl", "sm_ctrl", "assign_pci", "assign_gsi",
#if defined(NOVA_EXT_DEBUG) && defined(NOVA_EXT_TLS)
        "bad_hyp", /* RSI 0 below: no extension owns sub-operation 0 */
#elif defined(NOVA_EXT_DEBUG)
        "debug",   /* its handler alone answers every sub-operation */
#elif defined(NOVA_EXT_TLS)
        "tls",     /* its handler alone answers every sub-operation */
#else
        "bad_hyp",
#endif
    };
    struct sys_regs r;
    memset(&r, 0, sizeof r);
    for (unsigned n = 0; n < NOVA_HC_COUNT; n++) {
        r.rdi = nova_hc_id(n, 0xf, 0x1234);
        dispatch(&r);
        if (!ran || strcmp(ran, want[n]) != 0) {
            printf("FAIL dispatch slot %u ran %s, want sys_%s\n", n, ran ? ran : "nothing", want[n]);
            failures++;
        }
    }
#if defined(NOVA_EXT_DEBUG) && defined(NOVA_EXT_TLS)
    check_shared_slot();
#endif
    for (unsigned i = 0; i < NOVA_HC_TABLE_SIZE; i++)
        printf("TABLE %s %u %#x %#x\n", nova_hc_table[i].name, nova_hc_table[i].number,
               nova_hc_table[i].status_mask, nova_hc_table[i].spec_status_mask);
}

static void print_layouts(void)
{
    SIZE(hip);
    LAYOUT(hip, signature); LAYOUT(hip, checksum); LAYOUT(hip, length);
    LAYOUT(hip, cpu_offs); LAYOUT(hip, cpu_size); LAYOUT(hip, mem_offs); LAYOUT(hip, mem_size);
    LAYOUT(hip, flags); LAYOUT(hip, api_version); LAYOUT(hip, sel); LAYOUT(hip, exc);
    LAYOUT(hip, vmi); LAYOUT(hip, gsi); LAYOUT(hip, page_sizes); LAYOUT(hip, utcb_sizes);
    LAYOUT(hip, tsc_freq_khz); LAYOUT(hip, bus_freq_khz);
    SIZE(hip_cpu);
    LAYOUT(hip_cpu, flags); LAYOUT(hip_cpu, thread); LAYOUT(hip_cpu, core);
    LAYOUT(hip_cpu, package); LAYOUT(hip_cpu, reserved);
    SIZE(hip_mem);
    LAYOUT(hip_mem, address); LAYOUT(hip_mem, size); LAYOUT(hip_mem, type); LAYOUT(hip_mem, aux);
    SIZE(utcb_head);
    LAYOUT(utcb_head, items); LAYOUT(utcb_head, xlt); LAYOUT(utcb_head, del); LAYOUT(utcb_head, tls);
    SIZE(utcb_typed_item);
    LAYOUT(utcb_typed_item, crd); LAYOUT(utcb_typed_item, item);
    SIZE(utcb_seg);
    LAYOUT(utcb_seg, sel); LAYOUT(utcb_seg, ar); LAYOUT(utcb_seg, limit); LAYOUT(utcb_seg, base);
    SIZE(utcb_desc);
    LAYOUT(utcb_desc, reserved); LAYOUT(utcb_desc, limit); LAYOUT(utcb_desc, base);
    SIZE(utcb_arch);
    LAYOUT(utcb_arch, mtd); LAYOUT(utcb_arch, inst_len); LAYOUT(utcb_arch, rip);
    LAYOUT(utcb_arch, rflags); LAYOUT(utcb_arch, intr_state); LAYOUT(utcb_arch, actv_state);
    LAYOUT(utcb_arch, inj_info); LAYOUT(utcb_arch, inj_error);
    LAYOUT(utcb_arch, rax); LAYOUT(utcb_arch, rcx); LAYOUT(utcb_arch, rdx); LAYOUT(utcb_arch, rbx);
    LAYOUT(utcb_arch, rsp); LAYOUT(utcb_arch, rbp); LAYOUT(utcb_arch, rsi); LAYOUT(utcb_arch, rdi);
    LAYOUT(utcb_arch, r8); LAYOUT(utcb_arch, r9); LAYOUT(utcb_arch, r10); LAYOUT(utcb_arch, r11);
    LAYOUT(utcb_arch, r12); LAYOUT(utcb_arch, r13); LAYOUT(utcb_arch, r14); LAYOUT(utcb_arch, r15);
    LAYOUT(utcb_arch, qual); LAYOUT(utcb_arch, ctrl); LAYOUT(utcb_arch, ptmr);
    LAYOUT(utcb_arch, cr0); LAYOUT(utcb_arch, cr2); LAYOUT(utcb_arch, cr3); LAYOUT(utcb_arch, cr4);
    LAYOUT(utcb_arch, cr8); LAYOUT(utcb_arch, efer); LAYOUT(utcb_arch, dr7);
    LAYOUT(utcb_arch, sysenter_cs); LAYOUT(utcb_arch, sysenter_rsp); LAYOUT(utcb_arch, sysenter_rip);
    LAYOUT(utcb_arch, es); LAYOUT(utcb_arch, cs); LAYOUT(utcb_arch, ss); LAYOUT(utcb_arch, ds);
    LAYOUT(utcb_arch, fs); LAYOUT(utcb_arch, gs); LAYOUT(utcb_arch, ldtr); LAYOUT(utcb_arch, tr);
    LAYOUT(utcb_arch, gdtr); LAYOUT(utcb_arch, idtr); LAYOUT(utcb_arch, tsc_val); LAYOUT(utcb_arch, tsc_off);

    /* Hand-checked against figure 8.3 (offsets relative to the data area). */
    CHECK_EQ(offsetof(struct nova_utcb_arch, intr_state), 0x20);
    CHECK_EQ(offsetof(struct nova_utcb_arch, qual[1]), 0xb8);
    CHECK_EQ(offsetof(struct nova_utcb_arch, ctrl[1]), 0xc4);
    CHECK_EQ(offsetof(struct nova_utcb_arch, tr.base), 0x198);
    CHECK_EQ(offsetof(struct nova_utcb_arch, idtr.limit), 0x1b4);
    CHECK_EQ(offsetof(struct nova_utcb_arch, tsc_off), 0x1c8);
    CHECK_EQ(offsetof(struct nova_utcb, data.arch.rip), 0x30);
    CHECK_EQ(offsetof(struct nova_utcb, head.del), 0x10);
    CHECK_EQ(sizeof(struct nova_utcb), 4096);
    CHECK_EQ(offsetof(struct nova_hip, tsc_freq_khz), 0x30);
    CHECK_EQ(offsetof(struct nova_hip_mem, aux), 0x14);
}

int main(void)
{
    check_encoders();
    check_constants();
    check_kernel_objects();
    check_hip();
    check_decode();
    check_dispatch();
    print_layouts();
    printf("%s: %d failure(s)\n", failures ? "FAILED" : "OK", failures);
    return failures ? 1 : 0;
}
