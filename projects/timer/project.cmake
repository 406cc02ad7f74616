# timer: the timer service (apps/timer) and a client checking it (apps/timer_test).
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready"
    "timer: ready"
    "^ok 1 - "
    "timer_test: [0-9]+ passed, 0 failed")
set(NOVUM_BOOT_FORBID "^not ok" "crashed" "FAILED")
