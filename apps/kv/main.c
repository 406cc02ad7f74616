/*
 * kv: a tiny key-value store served on the portal "kv", standing in for a
 * driver that can crash (projects/restart). Its state lives in its own
 * memory only, so a restarted kv starts empty. Requests: w0 = operation,
 *   KV_PUT  w1 = key, w2 = value       -> w0 = KV_OK, or KV_FULL
 *   KV_GET  w1 = key                   -> w0 = KV_OK, w1 = value; or KV_NOENT
 *   KV_CRASH                           -> none: the handler executes ud2
 *   KV_EXIT  w1 = code                 -> none: the handler calls exit(code)
 * anything else (or no w0) -> w0 = KV_BADOP. The protocol is in
 * apps/kv/kv.h, shared with kv_client. It has a worker EC of its own
 * (component_ec_create) that does nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <nova/component.h>
#include "kv.h"

#define SLOTS 16

static struct { uint64_t key, value; bool used; } store[SLOTS];

static uint64_t kv_call(uint64_t pid, struct nova_utcb *u)
{
    (void)pid;
    uint64_t n = nova_utcb_items_u(u->head.items);
    uint64_t op = n >= 1 ? u->data.words[0] : 0, key = n >= 2 ? u->data.words[1] : 0,
             value = n >= 3 ? u->data.words[2] : 0;
    switch (op) {
    case KV_PUT:
        for (unsigned s = 0; s < SLOTS; s++)
            if (!store[s].used || store[s].key == key) {
                store[s].key = key, store[s].value = value, store[s].used = true;
                u->data.words[0] = KV_OK;
                return 1;
            }
        u->data.words[0] = KV_FULL;
        return 1;
    case KV_GET:
        for (unsigned s = 0; s < SLOTS; s++)
            if (store[s].used && store[s].key == key) {
                u->data.words[0] = KV_OK;
                u->data.words[1] = store[s].value;
                return 2;
            }
        u->data.words[0] = KV_NOENT;
        return 1;
    case KV_CRASH:
        __builtin_trap();   /* ud2: the root server sees #UD in the middle of the call */
    case KV_EXIT:
        exit((int)key);   /* the root server reports the exit and handles it as a crash */
    default:
        u->data.words[0] = KV_BADOP;
        return 1;
    }
}

/* An EC of its own, as a driver's interrupt thread would be: it returns at
 * once and then waits for calls that never come. A restart must take it
 * along (the root server's object service makes it). */
static uint8_t worker_stack[4096] __attribute__((aligned(16)));
static void worker(void *arg) { (void)arg; }

int main(void)
{
    enum nova_status st = component_ec_create(0x80, 0x81, 0, worker_stack, sizeof worker_stack, worker, 0,
                                              nova_qpd(10000, 15));
    if (st != NOVA_SUCCESS)
        printf("kv: FAILED to create its worker EC: status %d\n", st);
    printf("kv: component %u ready\n", nova_component.index);
    component_serve(kv_call);
}
