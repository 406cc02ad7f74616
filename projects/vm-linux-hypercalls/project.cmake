# vm-linux-hypercalls: Linux boots with /bin/kvm-hypercalls as init
# (tools/guest/kvm_hypercalls.c): every KVM hypercall from user mode gets
# -KVM_EPERM and changes nothing, then the guest powers off.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_MEMORY 1G)
set(NOVUM_BOOT_EXPECT
    "vmm: kernel .* KiB at 0x1000000, initrd .* 256 MiB RAM, 1 vCPU"
    "hypercall VAPIC_POLL_IRQ \\(1\\): ok"
    "hypercall KICK_CPU \\(5\\): ok"
    "hypercall CLOCK_PAIRING \\(9\\): ok"
    "hypercall SEND_IPI \\(10\\): ok"
    "hypercall SCHED_YIELD \\(11\\): ok"
    "hypercall unknown \\(32767\\): ok"
    "hypercalls: 6 passed, 0 failed"
    "vmm: the guest powered off")
set(NOVUM_BOOT_FORBID "FAIL" "Kernel panic")
set(NOVUM_BOOT_EXPECT_qemu64
    "vmm: this machine cannot run the VM: its CPUs have no SVM with nested paging"
    "rootserver: 2 of 2 components started")
