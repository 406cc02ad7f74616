# vm-hypercall-probe: the KVM hypercalls from guest CPL 0 (system.toml):
# each answers as apps/vmm/intercepts.c says, CLOCK_PAIRING writes a TSC,
# and the guest powers off.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "hypercall-probe: VAPIC_POLL_IRQ: ok"
    "hypercall-probe: KICK_CPU: ok"
    "hypercall-probe: CLOCK_PAIRING: ok"
    "hypercall-probe: CLOCK_PAIRING type 1: ok"
    "hypercall-probe: CLOCK_PAIRING outside RAM: ok"
    "hypercall-probe: SEND_IPI: ok"
    "hypercall-probe: SCHED_YIELD: ok"
    "hypercall-probe: unknown: ok"
    "hypercall-probe: 8 passed at CPL 0"
    "vmm: the guest powered off")
set(NOVUM_BOOT_FORBID "FAIL")
set(NOVUM_BOOT_EXPECT_qemu64
    "vmm: this machine cannot run the VM: its CPUs have no SVM with nested paging"
    "rootserver: 2 of 2 components started")
