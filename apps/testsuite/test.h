/* On-target test framework in the style of sel4test: NOVA_TEST(name) defines
 * a test and registers it in the `novum_tests` section; the driver (main.c)
 * runs each, prints one TAP line per test and a final "N passed, M failed".
 * CHECK* record a failure with file and line and go on; REQUIRE* stop the
 * test. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <nova/nova.h>

struct test {
    const char *name;
    void (*fn)(void);
};

#define NOVA_TEST(name_)                                                                   \
    static void test_##name_(void);                                                        \
    static const struct test test_desc_##name_                                             \
        __attribute__((used, section("novum_tests"), aligned(8))) = { #name_, test_##name_ }; \
    static void test_##name_(void)

void test_fail(const char *file, int line, const char *what, uint64_t a, uint64_t b);
bool test_failed(void);
/* The current test does not apply to this machine: the driver reports it as
 * "ok N - name # SKIP reason" (TAP). Checks that failed before still count. */
void test_skip(const char *reason);

/* An enabled CPU other than the boot CPU, ~0u if the HIP lists none. */
unsigned test_other_cpu(void);

#define CHECK(cond) \
    ((cond) ? (void)0 : test_fail(__FILE__, __LINE__, #cond, 0, 0))
#define CHECK_EQ(a, b)                                                                          \
    do {                                                                                        \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                        \
        if (a_ != b_)                                                                           \
            test_fail(__FILE__, __LINE__, #a " == " #b, a_, b_);                                \
    } while (0)
#define REQUIRE(cond)            \
    do {                         \
        CHECK(cond);             \
        if (test_failed())       \
            return;              \
    } while (0)
#define REQUIRE_EQ(a, b)         \
    do {                         \
        CHECK_EQ(a, b);          \
        if (test_failed())       \
            return;              \
    } while (0)
#define SKIP(reason)             \
    do {                         \
        test_skip(reason);       \
        return;                  \
    } while (0)
/* Declares `var` = a second enabled CPU, or skips the test when the machine
 * has one CPU (NOVUM_QEMU_SMP=1). */
#define REQUIRE_OTHER_CPU(var)                                  \
    unsigned var = test_other_cpu();                            \
    do {                                                        \
        if (var == ~0u)                                         \
            SKIP("one CPU: the test needs a second");           \
    } while (0)

/* the root task's well-known selectors (spec 6.1.2.3) */
/* Every bit a CRD's permission mask holds, meaning "whatever the capability
 * has": for CRDs over ranges or receive windows whose selectors hold objects
 * of different types. A CRD naming one object of a known type uses that
 * type's NOVA_PERM_<type>_ALL instead. */
#define PERM_ANY NOVA_CRD_MASK_MAX

#define SEL_ROOT_PD (NOVA_EXC_SELECTORS + 0)
#define SEL_ROOT_EC (NOVA_EXC_SELECTORS + 1)
#define SEL_ROOT_SC (NOVA_EXC_SELECTORS + 2)
