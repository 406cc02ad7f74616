/*
 * kvm-hypercalls: the guest-side check of the VMM's KVM hypercalls
 * (reference 001: VMMCALL, number in RAX, arguments in RBX, RCX, RDX, RSI,
 * result in RAX, no other register clobbered). It is /bin/kvm-hypercalls in
 * the initramfs; /init does not run it: type it at the guest's shell.
 *
 * A program runs in user mode (CPL 3), and KVM answers every hypercall
 * from CPL > 0 with -KVM_EPERM, before looking at the number; the VMM does
 * the same (apps/vmm/intercepts.c). So each call here must return
 * -KVM_EPERM and have no effect: CLOCK_PAIRING must not write its buffer,
 * and RBX, RCX, RDX and RSI must come back unchanged. What the calls do
 * from CPL 0 is the guest kernel's business (kvm-clock, and PV features
 * the VMM may advertise).
 *
 * It prints "hypercall <NAME> (<nr>): ok ..." or "... FAIL ..." per call and
 * "hypercalls: N passed, M failed" at the end; the exit status is 0 when
 * none failed. Run as the guest's PID 1 (rdinit=/bin/kvm-hypercalls) it
 * powers the guest off instead of exiting.
 *
 * Freestanding and static (tools/guest/fetch.sh builds it with the host's
 * gcc: -static -nostdlib -ffreestanding): raw Linux system calls, no libc.
 */

typedef unsigned long u64;
typedef long s64;

#define SYS_write 1
#define SYS_getpid 39
#define SYS_sync 162
#define SYS_reboot 169
#define SYS_exit_group 231
#define LINUX_REBOOT_MAGIC1 0xfee1deadUL
#define LINUX_REBOOT_MAGIC2 672274793UL
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcUL

#define KVM_EPERM 1

static s64 syscall4(s64 n, s64 a, s64 b, s64 c, s64 d)
{
    s64 ret;
    register s64 r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return ret;
}

/* Output is collected per line and written with one write(2). */
static char line[256];
static u64 line_len;

static void put(const char *s)
{
    while (*s && line_len < sizeof line)
        line[line_len++] = *s++;
}

static void put_dec(s64 v)
{
    char buf[24];
    int i = sizeof buf;
    u64 u = v < 0 ? -(u64)v : (u64)v;
    buf[--i] = 0;
    do
        buf[--i] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        buf[--i] = '-';
    put(buf + i);
}

static void put_hex(u64 v)
{
    char buf[19];
    int i = sizeof buf;
    buf[--i] = 0;
    do
        buf[--i] = "0123456789abcdef"[v & 15];
    while (v >>= 4);
    buf[--i] = 'x';
    buf[--i] = '0';
    put(buf + i);
}

static void end_line(void)
{
    put("\n");
    syscall4(SYS_write, 1, (s64)line, (s64)line_len, 0);
    line_len = 0;
}

/* The registers of one call: in before, out after. */
struct regs {
    u64 rax, rbx, rcx, rdx, rsi;
};

static struct regs vmmcall(struct regs in)
{
    struct regs r = in;
    __asm__ volatile("vmmcall" : "+a"(r.rax), "+b"(r.rbx), "+c"(r.rcx), "+d"(r.rdx), "+S"(r.rsi) : : "memory");
    return r;
}

/* struct kvm_clock_pairing (reference 001, KVM_HC_CLOCK_PAIRING) */
struct clock_pairing {
    s64 sec, nsec;
    u64 tsc;
    unsigned flags, pad[9];
};

static unsigned passed, failed;

static void check(const char *name, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, const unsigned char *buf, u64 buf_len)
{
    struct regs in = { nr, a0, a1, a2, a3 };
    unsigned char before[sizeof(struct clock_pairing)];
    for (u64 i = 0; i < buf_len; i++)
        before[i] = buf[i];
    struct regs out = vmmcall(in);
    const char *why = 0;
    if ((s64)out.rax != -KVM_EPERM)
        why = "want -1 (-KVM_EPERM: hypercalls from user mode are refused)";
    else if (out.rbx != in.rbx || out.rcx != in.rcx || out.rdx != in.rdx || out.rsi != in.rsi)
        why = "RBX, RCX, RDX or RSI changed";
    for (u64 i = 0; i < buf_len && !why; i++)
        if (buf[i] != before[i])
            why = "the refused call wrote its buffer";
    put("hypercall ");
    put(name);
    put(" (");
    put_dec((s64)nr);
    put("): ");
    if (why) {
        put("FAIL: got ");
        put_dec((s64)out.rax);
        put(" (");
        put_hex(out.rax);
        put("), ");
        put(why);
        failed++;
    } else {
        put("ok, -KVM_EPERM from user mode, registers kept");
        passed++;
    }
    end_line();
}

/* CPUID 0x40000000: "KVMKVMKVM\0\0\0" in EBX, ECX, EDX, or no KVM interface
 * (then VMMCALL would be #UD: nothing is called). */
static int kvm_present(void)
{
    unsigned a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x40000000u), "c"(0u));
    return b == 0x4b4d564bu && c == 0x564b4d56u && d == 0x4du;
}

static int run(void)
{
    if (!kvm_present()) {
        put("kvm-hypercalls: no KVM signature at CPUID 0x40000000; no hypercall made");
        end_line();
        put("hypercalls: 0 passed, 1 failed");
        end_line();
        return 1;
    }
    static struct clock_pairing pairing;
    unsigned char *p = (unsigned char *)&pairing;
    for (u64 i = 0; i < sizeof pairing; i++)
        p[i] = 0x5a;
    check("VAPIC_POLL_IRQ", 1, 0, 0, 0, 0, 0, 0);
    check("KICK_CPU", 5, 0, 0, 0, 0, 0, 0);   /* flags 0, APIC ID 0 */
    /* the buffer's address as the kernel would pass it (its virtual
     * address here: the call must not get as far as using it) */
    check("CLOCK_PAIRING", 9, (u64)&pairing, 0, 0, 0, p, sizeof pairing);
    check("SEND_IPI", 10, 0, 0, 0, 0xff, 0, 0);   /* empty bitmap, vector 0xff */
    check("SCHED_YIELD", 11, 0, 0, 0, 0, 0, 0);
    check("unknown", 0x7fff, 0, 0, 0, 0, 0, 0);   /* from CPL 0: -KVM_ENOSYS */
    put("hypercalls: ");
    put_dec(passed);
    put(" passed, ");
    put_dec(failed);
    put(" failed");
    end_line();
    return failed != 0;
}

void _start_c(void) __attribute__((noreturn, used));
void _start_c(void)
{
    int status = run();
    if (syscall4(SYS_getpid, 0, 0, 0, 0) == 1) {   /* init: exiting would panic the guest */
        syscall4(SYS_sync, 0, 0, 0, 0);
        syscall4(SYS_reboot, (s64)LINUX_REBOOT_MAGIC1, (s64)LINUX_REBOOT_MAGIC2, (s64)LINUX_REBOOT_CMD_POWER_OFF, 0);
    }
    syscall4(SYS_exit_group, status, 0, 0, 0);
    for (;;)
        ;
}

/* The kernel enters with RSP 16-byte aligned; a call makes it what C expects. */
__asm__(".globl _start\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    and $-16, %rsp\n"
        "    call _start_c\n"
        "    hlt\n");
