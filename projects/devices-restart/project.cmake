# devices-restart: the devices system with the edu driver restartable once:
# its exit after its checks restarts it, the root server grants it the
# same device again (assigned to the new PD, the same DMA memory and MSI
# GSI), and its checks pass a second time; its second exit leaves it dead.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_QEMU_ARGS -device intel-iommu,intremap=off -device edu)
set(NOVUM_BOOT_EXPECT
    "devtest: ok edu DMA from and into its DMA memory"
    "devtest: ok edu's MSI ups its semaphore"
    "devtest: all checks passed"
    "rootserver: component edu exited with code 0. restarting it \\(restart 1 of 1\\)"
    "rootserver: component edu restarted \\(restart 1 of 1\\)"
    "devtest: ok edu DMA from and into its DMA memory"
    "devtest: ok edu's MSI ups its semaphore"
    "devtest: all checks passed"
    "rootserver: component edu exited with code 0. restarted 1 times, its limit: it stays dead")
set(NOVUM_BOOT_FORBID "FAIL" "crashed" "LEAKED")
