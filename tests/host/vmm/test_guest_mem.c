/* Guest-physical ranges: every address and length is checked. */
#include "guest_mem.h"
#include "unit.h"

UNIT_TEST(guest_mem_inside_is_reachable)
{
    static uint8_t ram[4096 * 4];
    struct guest_mem g = { ram, sizeof ram };
    EXPECT(gm_ptr(&g, 0, 1) == ram);
    EXPECT(gm_ptr(&g, 4096, 4096) == ram + 4096);
    EXPECT(gm_ptr(&g, sizeof ram - 8, 8) == ram + sizeof ram - 8);
}

UNIT_TEST(guest_mem_outside_or_wrapping_is_refused)
{
    static uint8_t ram[4096];
    struct guest_mem g = { ram, sizeof ram };
    EXPECT(gm_ptr(&g, sizeof ram, 1) == 0);
    EXPECT(gm_ptr(&g, sizeof ram - 4, 8) == 0);
    EXPECT(gm_ptr(&g, UINT64_MAX, 2) == 0);
    EXPECT(gm_ptr(&g, 8, UINT64_MAX) == 0);
    EXPECT(gm_ptr(&g, 0, 0) == 0);
}
