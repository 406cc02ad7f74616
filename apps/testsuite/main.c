/* The test driver: run every registered test, report TAP, exit QEMU. */
#include "test.h"

extern const struct test __start_novum_tests[], __stop_novum_tests[];

static bool current_failed;

void test_fail(const char *file, int line, const char *what, uint64_t a, uint64_t b)
{
    current_failed = true;
    nova_printf("# %s:%d: check failed: %s", file, line, what);
    if (a != b)
        nova_printf(" (0x%lx != 0x%lx)", a, b);
    nova_printf("\n");
}

bool test_failed(void) { return current_failed; }

int main(const struct nova_hip *hip, unsigned cpu)
{
    (void)hip;
    (void)cpu;
    unsigned n = (unsigned)(__stop_novum_tests - __start_novum_tests), passed = 0, failed = 0;
    nova_printf("1..%u\n", n);
    for (unsigned i = 0; i < n; i++) {
        const struct test *t = &__start_novum_tests[i];
        current_failed = false;
        t->fn();
        nova_printf("%s %u - %s\n", current_failed ? "not ok" : "ok", i + 1, t->name);
        current_failed ? failed++ : passed++;
    }
    nova_printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
