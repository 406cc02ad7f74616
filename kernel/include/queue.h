/* An intrusive FIFO queue. The queued object embeds a queue_link, one for
 * each list it can be on at the same time, so queueing never allocates:
 * an EC waits at a semaphore through ec->sm_link, at a busy callee through
 * ec->send_link, and for its memory to be freed through ec->zombie_link. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct queue_link {
    struct queue_link *next;
};

struct queue {
    struct queue_link *head, *tail;
};

/* The object that embeds `link` as its `member`. */
#define queue_entry(link, type, member) ((type *)(void *)((char *)(link) - offsetof(type, member)))

static inline bool queue_empty(const struct queue *q) { return !q->head; }

static inline void queue_push(struct queue *q, struct queue_link *l)
{
    l->next = 0;
    if (q->tail)
        q->tail->next = l;
    else
        q->head = l;
    q->tail = l;
}

/* The oldest entry, taken off; 0 if the queue is empty. */
static inline struct queue_link *queue_pop(struct queue *q)
{
    struct queue_link *l = q->head;
    if (!l)
        return 0;
    q->head = l->next;
    if (!q->head)
        q->tail = 0;
    l->next = 0;
    return l;
}

/* Take `l` out wherever it is; nothing happens if it is not queued on `q`. */
static inline void queue_remove(struct queue *q, struct queue_link *l)
{
    struct queue_link **p = &q->head, *prev = 0;
    for (; *p && *p != l; prev = *p, p = &(*p)->next)
        ;
    if (!*p)
        return;
    *p = l->next;
    if (q->tail == l)
        q->tail = prev;
    l->next = 0;
}
