# timer: the timer service (apps/timer) on the HPET's interrupt and a client
# checking it (apps/timer_test). projects/timer-poll: the same without the HPET.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready"
    "timer: HPET timer [0-9]+, .* on GSI 23"
    "timer: ready"
    "^ok 1 - "
    "timer_test: wakeup lateness"
    "timer_test: [0-9]+ passed, 0 failed")
set(NOVUM_BOOT_FORBID "^not ok" "crashed" "FAILED")
