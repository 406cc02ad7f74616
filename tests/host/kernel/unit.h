/* A minimal host test framework: UNIT_TEST registers, main runs them all. */
#pragma once
#include <stdio.h>
#include <stdint.h>

struct unit_test { const char *name; void (*fn)(void); };

#define UNIT_TEST(name_)                                                                     \
    static void name_(void);                                                                 \
    static const struct unit_test unit_##name_                                               \
        __attribute__((used, section("unit_tests"), aligned(8))) = { #name_, name_ };        \
    static void name_(void)

extern int unit_failures;
#define EXPECT(cond)                                                                 \
    do {                                                                             \
        if (!(cond)) {                                                               \
            printf("#   %s:%d: expected %s\n", __FILE__, __LINE__, #cond);           \
            unit_failures++;                                                         \
        }                                                                            \
    } while (0)
