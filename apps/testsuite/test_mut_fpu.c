/* Exceptions the other tests leave unchecked (an x87 error, INT 4), found
 * by mutation testing (docs/mutation.md): each test names the mutant it
 * kills. */
#include "support.h"

/* x87 1/0 with the zero-divide exception unmasked; the error is raised at
 * the next waiting instruction (mut_mf_wait) */
void mut_x87_divide(void);
extern const char mut_mf_wait[], mut_mf_after[];
__asm__(".text\n"
        ".globl mut_x87_divide\n .globl mut_mf_wait\n .globl mut_mf_after\n"
        "mut_x87_divide:\n"
        "    fninit\n"
        "    sub $8, %rsp\n"
        "    movw $0x037b, (%rsp)\n"     /* default control word, ZM clear */
        "    fldcw (%rsp)\n"
        "    add $8, %rsp\n"
        "    fldz\n"
        "    fld1\n"
        "    fdiv %st(1), %st\n"         /* st0 = 1 / 0 */
        "mut_mf_wait:\n"
        "    fwait\n"
        "mut_mf_after:\n"
        "    fnclex\n"
        "    fninit\n"
        "    ret\n");

static volatile uint64_t mf_count, mf_pid, mf_rip;

static void mf_handler(uint64_t pid, struct ectx *c)
{
    struct nova_utcb_arch *a = &c->utcb->data.arch;
    mf_count++;
    mf_pid = pid;
    mf_rip = a->rip;
    a->mtd = NOVA_MTD_EIP;
    a->rip = (uintptr_t)mut_mf_after;   /* go on past the error */
}

static void mf_victim(struct ectx *c)
{
    (void)c;
    mut_x87_divide();
}

/* cpu_setup.c, fpu_enable: `write_cr0(... | CR0_MP | CR0_NE)` removed:
 * without CR0.NE an unmasked x87 error is signalled the legacy way (FERR#,
 * IRQ 13) instead of as #MF to the EC's portal. */
NOVA_TEST(mut_fpu_x87_error_is_an_mf_exception)
{
    mf_count = mf_pid = mf_rip = 0;
    struct ectx *h, *v;
    REQUIRE_OK(local_ec(&h, mf_handler, SEL_EMPTY_EVT));
    REQUIRE_OK(global_ec(&v, mf_victim, true));
    REQUIRE_OK(portal_at(v->evt + NOVA_EXC_MF, h, NOVA_MTD_EIP, 0x100 + NOVA_EXC_MF));
    REQUIRE_OK(ectx_start(v, 2, 10000));
    CHECK_EQ(v->done, 1);
    CHECK_EQ(mf_count, 1);
    CHECK_EQ(mf_pid, 0x100 + NOVA_EXC_MF);
    CHECK_EQ(mf_rip, (uintptr_t)mut_mf_wait);
}

/* INT 4 from user mode: the gate of vector 4 (#OF) has DPL 3 */
void mut_int4(void);
extern const char mut_int4_insn[], mut_int4_after[];
__asm__(".text\n"
        ".globl mut_int4\n .globl mut_int4_insn\n .globl mut_int4_after\n"
        "mut_int4:\n"
        "mut_int4_insn:\n"
        "    int $4\n"
        "mut_int4_after:\n"
        "    ret\n");

static volatile uint64_t of_count, of_pid, of_rip;

static void of_handler(uint64_t pid, struct ectx *c)
{
    struct nova_utcb_arch *a = &c->utcb->data.arch;
    of_count++;
    of_pid = pid;
    of_rip = a->rip;
    a->mtd = NOVA_MTD_EIP;
    a->rip = (uintptr_t)mut_int4_after;
}

static void of_victim(struct ectx *c)
{
    (void)c;
    mut_int4();
}

/* cpu_setup.c, idt_init: `dpl = (v == 3 || v == 4) ? 3 : 0` with `v == 4`
 * made `v == 3`: INT 4 from user mode would raise #GP instead of #OF.
 * (#GP has no portal here, so the EC would be shut down.) */
NOVA_TEST(mut_fpu_int4_from_user_mode_is_an_of_exception)
{
    of_count = of_pid = of_rip = 0;
    struct ectx *h, *v;
    REQUIRE_OK(local_ec(&h, of_handler, SEL_EMPTY_EVT));
    REQUIRE_OK(global_ec(&v, of_victim, true));
    REQUIRE_OK(portal_at(v->evt + NOVA_EXC_OF, h, NOVA_MTD_EIP, 0x100 + NOVA_EXC_OF));
    REQUIRE_OK(ectx_start(v, 2, 10000));
    CHECK_EQ(v->done, 1);
    CHECK_EQ(of_count, 1);
    CHECK_EQ(of_pid, 0x100 + NOVA_EXC_OF);
}
