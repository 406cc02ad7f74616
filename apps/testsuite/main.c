/* The test driver: run every registered test, report TAP, exit QEMU. */
#include "test.h"

extern const struct test __start_novum_tests[], __stop_novum_tests[];

static bool current_failed;
static const char *current_skip;

void test_fail(const char *file, int line, const char *what, uint64_t a, uint64_t b)
{
    current_failed = true;
    nova_printf("# %s:%d: check failed: %s", file, line, what);
    if (a != b)
        nova_printf(" (0x%lx != 0x%lx)", a, b);
    nova_printf("\n");
}

bool test_failed(void) { return current_failed; }

void test_skip(const char *reason) { current_skip = reason; }

unsigned test_other_cpu(void)
{
    for (unsigned i = 0; i < nova_hip_cpu_count(nova_boot_hip); i++)
        if (i != nova_boot_cpu && (nova_hip_cpu_desc(nova_boot_hip, i)->flags & NOVA_HIP_CPU_FLAGS_ENABLED))
            return i;
    return ~0u;
}

int main(const struct nova_hip *hip, unsigned cpu)
{
    (void)hip;
    (void)cpu;
    unsigned n = (unsigned)(__stop_novum_tests - __start_novum_tests), passed = 0, failed = 0, skipped = 0;
    nova_printf("1..%u\n", n);
    for (unsigned i = 0; i < n; i++) {
        const struct test *t = &__start_novum_tests[i];
        current_failed = false;
        current_skip = 0;
        t->fn();
        if (current_skip && !current_failed) {
            nova_printf("ok %u - %s # SKIP %s\n", i + 1, t->name, current_skip);
            skipped++;
        } else
            nova_printf("%s %u - %s\n", current_failed ? "not ok" : "ok", i + 1, t->name);
        current_failed ? failed++ : passed++;
    }
    if (skipped)
        nova_printf("# %u of the passed skipped\n", skipped);
    nova_printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
