# restart: a kv server that crashes on request is restarted by the root
# server with the same grants; its client's call in flight gets COM_ABT and
# its calls after the restart work, twice after a crash, once after exit().
# kv_limited is restarted once only and then stays dead.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(leak "")
set(leak1 "")
if(NOVUM_EXT_DEBUG)   # the root's kernel memory is read with the debug extension
    set(leak1 ". root kernel memory after the teardown: [0-9]+ bytes")
    set(leak ". root kernel memory after the teardown: [0-9]+ bytes, as after the last one: nothing leaked")
endif()
set(NOVUM_BOOT_EXPECT
    "kv_client: kv round 1: put and get ok before the crash"
    "rootserver: component kv crashed: #UD at rip=0x[0-9a-f]+ \\(error code 0x0\\); restarting it \\(restart 1 of 3\\)"
    "rootserver: 4 of 4 components started"
    "rootserver: component kv restarted \\(restart 1 of 3\\)${leak1}"
    "kv_client: kv round 1: the call in flight when it crashed returned COM_ABT"
    "kv_client: kv round 1: back after [0-9]+ failed calls"
    "kv_client: kv round 1: put and get ok after the restart"
    "rootserver: component kv crashed: #UD .*restarting it \\(restart 2 of 3\\)"
    "rootserver: component kv restarted \\(restart 2 of 3\\)${leak}"
    "kv_client: kv round 2: the call in flight when it crashed returned COM_ABT"
    "kv_client: kv round 2: back after [0-9]+ failed calls"
    "kv_client: kv round 2: put and get ok after the restart"
    "kv_client: kv round 3: put and get ok before the exit"
    "rootserver: component kv exited with code 7. restarting it \\(restart 3 of 3\\)"
    "rootserver: component kv restarted \\(restart 3 of 3\\)${leak}"
    "kv_client: kv round 3: the call in flight when it exited returned COM_ABT"
    "kv_client: kv round 3: back after [0-9]+ failed calls"
    "rootserver: component kv_limited crashed: #UD .*restarting it \\(restart 1 of 1\\)"
    "rootserver: component kv_limited restarted \\(restart 1 of 1\\)${leak1}"
    "kv_client: kv_limited: back after"
    "rootserver: component kv_limited crashed: #UD .*. restarted 1 times, its limit: it stays dead"
    "kv_client: kv_limited: stays dead after its restart limit"
    "kv_client: kv: put and get ok at the end"
    "kv_client: all checks passed")
set(NOVUM_BOOT_FORBID "FAILED" "LEAKED" "cannot build it again")
