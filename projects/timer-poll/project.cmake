# timer-poll: the timer service without the HPET (apps/timer's polling
# clock) and the same client as projects/timer (apps/timer_test).
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready"
    "timer: no HPET granted"
    "timer: ready"
    "^ok 1 - "
    "timer_test: wakeup lateness"
    "timer_test: [0-9]+ passed, 0 failed")
set(NOVUM_BOOT_FORBID "^not ok" "crashed" "FAILED")
