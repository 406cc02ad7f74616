/* Execution context (spec 2.2): a thread of a PD with its user registers,
 * UTCB and event selector base. */
#pragma once
#include <stdbool.h>
#include <sys_regs.h>
#include <nova/spec.h>
#include "kobj.h"

struct pd;
struct sc;

enum ec_state { EC_READY, EC_BLOCKED, EC_DEAD };

struct ec {
    struct kobj obj;
    /* The CPU aligns the stack to 16 bytes before pushing an interrupt
     * frame, so the end of the frame (TSS.RSP0) must be 16-byte aligned. */
    struct sys_regs regs __attribute__((aligned(16)));
    unsigned id;               /* for console messages */
    struct pd *pd;
    struct nova_utcb *utcb;    /* kernel view of the UTCB */
    uint64_t utcb_va;
    uint64_t sel_evt;
    unsigned cpu;
    enum ec_state state;
    struct sc *sc;             /* bound SC, if any */
};

struct ec *ec_create(struct pd *pd, unsigned cpu, uint64_t utcb_va, uint64_t sp, uint64_t sel_evt);
_Noreturn void ec_resume(struct ec *ec);
_Noreturn void ec_handle_exception(struct ec *ec, unsigned vector);
_Noreturn void ec_shutdown(struct ec *ec, const char *why, unsigned vector);

_Static_assert(SYS_REGS_SIZE % 16 == 0, "the frame ends where it starts, modulo 16");
