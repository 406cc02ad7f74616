/* The intrusive FIFO queue (kernel/include/queue.h) behind semaphore
 * waiters, the callers queued at a busy EC and the ECs waiting to be freed:
 * a queue that empties, by pop or by removing its tail, must forget its tail,
 * or the next push links behind an entry that left and is lost. */
#include "queue.h"
#include "unit.h"

struct item {
    int id;
    struct queue_link link;
};

static int pop_id(struct queue *q)
{
    struct queue_link *l = queue_pop(q);
    return l ? queue_entry(l, struct item, link)->id : -1;
}

UNIT_TEST(queue_is_fifo_and_takes_new_entries_after_draining)
{
    struct queue q = { 0 };
    struct item it[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };
    for (int round = 0; round < 3; round++) {
        EXPECT(queue_empty(&q));
        EXPECT(pop_id(&q) == -1);
        for (int i = 0; i < 4; i++)
            queue_push(&q, &it[i].link);
        for (int i = 0; i < 4; i++)
            EXPECT(pop_id(&q) == i);
        EXPECT(q.head == 0 && q.tail == 0);
    }
    queue_push(&q, &it[2].link);   /* one entry in, one out, then another */
    EXPECT(pop_id(&q) == 2);
    queue_push(&q, &it[3].link);
    EXPECT(pop_id(&q) == 3);
    EXPECT(queue_empty(&q));
}

UNIT_TEST(queue_remove_keeps_head_and_tail_right)
{
    struct queue q = { 0 };
    struct item it[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };
    for (int i = 0; i < 3; i++)
        queue_push(&q, &it[i].link);
    queue_remove(&q, &it[2].link);   /* the tail */
    EXPECT(q.tail == &it[1].link);
    queue_push(&q, &it[3].link);     /* behind 1, where 2 was */
    queue_remove(&q, &it[0].link);   /* the head */
    EXPECT(q.head == &it[1].link);
    queue_remove(&q, &it[2].link);   /* not queued: nothing happens */
    EXPECT(pop_id(&q) == 1);
    EXPECT(pop_id(&q) == 3);
    EXPECT(queue_empty(&q) && q.tail == 0);
    queue_push(&q, &it[0].link);     /* the only entry removed: empty, no tail */
    queue_remove(&q, &it[0].link);
    EXPECT(queue_empty(&q) && q.tail == 0);
    queue_push(&q, &it[1].link);
    EXPECT(pop_id(&q) == 1);
}
