# vm-linux: a VMM component boots Debian's Linux kernel in a VM (system.toml).
# The guest images come from Debian's packages at build time (tools/guest/).
# QEMU needs RAM for the kernel's pool (a quarter of RAM), the guest's
# 256 MiB block and the root server's pool: 1 GiB leaves room for all.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_MEMORY 1G)
# vCPU 1 runs on host CPU 1: QEMU gets two CPUs at least (NOVUM_QEMU_SMP=1
# would leave the VMM refused by the root server)
set(NOVUM_PROJECT_CPUS 2)
# The guest boots to its shell, which takes commands typed on the serial
# console, and powers off; the VMM reports the end with its figures. A CPU
# without SVM and nested paging (qemu64) gets the VMM's report instead, and
# the console runs on.
set(NOVUM_BOOT_EXPECT
    "vmm: kernel .* KiB at 0x1000000, initrd .* 256 MiB RAM, 2 vCPU"
    "novum-guest: init running, Linux 6.1.*, 2 CPUs"
    SEND_AFTER "guest# " "uname -r\n"
    "^6\\.1\\.0-.*-cloud-amd64"
    SEND_AFTER "guest# " "grep -c ^processor /proc/cpuinfo\n"
    "^2"
    SEND_AFTER "guest# " "dmesg | grep -i kvm-clock\n"
    "clocksource: Switched to clocksource kvm-clock|kvm-clock: using sched offset"
    SEND_AFTER "guest# " "poweroff -f\n"
    "vmm: the guest powered off"
    "vmm: [0-9]+ VM exits in [0-9]+ ms")
set(NOVUM_BOOT_EXPECT_qemu64
    "vmm: this machine cannot run the VM: its CPUs have no SVM with nested paging"
    "rootserver: 2 of 2 components started")
