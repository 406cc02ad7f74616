#include "unit.h"

extern const struct unit_test __start_unit_tests[], __stop_unit_tests[];
int unit_failures;

int main(void)
{
    unsigned passed = 0, failed = 0, n = 0;
    for (const struct unit_test *t = __start_unit_tests; t < __stop_unit_tests; t++) {
        int before = unit_failures;
        t->fn();
        int ok = unit_failures == before;
        printf("%s %u - %s\n", ok ? "ok" : "not ok", ++n, t->name);
        ok ? passed++ : failed++;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed != 0;
}
