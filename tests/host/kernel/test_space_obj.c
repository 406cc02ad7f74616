/* The object space radix tree: insert, lookup, wrap-around at SEL. */
#include <nova/spec.h>
#include "space_obj.h"
#include "unit.h"

UNIT_TEST(space_obj_insert_and_lookup)
{
    struct space_obj s = { 0 };
    struct kobj a = { KOBJ_PD, 0 }, b = { KOBJ_SM, 0 };
    EXPECT(space_obj_lookup(&s, 5).obj == NULL);
    EXPECT(space_obj_insert(&s, 5, &a, 0x1f));
    EXPECT(space_obj_insert(&s, NOVA_SEL_COUNT - 1, &b, 3));
    EXPECT(space_obj_lookup(&s, 5).obj == &a && space_obj_lookup(&s, 5).perms == 0x1f);
    EXPECT(space_obj_lookup(&s, NOVA_SEL_COUNT - 1).obj == &b);
    EXPECT(space_obj_lookup(&s, 6).obj == NULL);
    EXPECT(a.refs == 1 && b.refs == 1);
    space_obj_destroy(&s);
}

UNIT_TEST(space_obj_refuses_occupied_slots_and_aliases)
{
    struct space_obj s = { 0 };
    struct kobj a = { KOBJ_PD, 0 }, b = { KOBJ_EC, 0 };
    EXPECT(space_obj_insert(&s, 0x123, &a, 1));
    EXPECT(!space_obj_insert(&s, 0x123, &b, 1));
    EXPECT(!space_obj_insert(&s, 0x123 + NOVA_SEL_COUNT, &b, 1));
    EXPECT(space_obj_lookup(&s, 0x123 + 7 * (uint64_t)NOVA_SEL_COUNT).obj == &a);
    EXPECT(b.refs == 0);
    space_obj_destroy(&s);
}
