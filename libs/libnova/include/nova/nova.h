/* libnova: the generated interface (constants, layouts, hypercall stubs)
 * plus the few helpers every component uses. */
#pragma once
#include <stdarg.h>
#include <stdint.h>
#include <nova/spec.h>
#include <nova/hypercalls.h>

extern const struct nova_hip *nova_boot_hip;
extern unsigned nova_boot_cpu;

/* The root EC's UTCB lies just below the HIP (spec 6.1.2.1). */
static inline struct nova_utcb *nova_root_utcb(void)
{
    return (struct nova_utcb *)((uintptr_t)nova_boot_hip - NOVA_UTCB_SIZE);
}

void nova_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nova_vprintf(const char *fmt, va_list ap);
_Noreturn void nova_exit(int code);
