# devices: the root server grants a driver component (apps/devtest) QEMU's
# edu device behind a VT-d unit, with DMA memory and an MSI GSI; the driver
# checks config space, BAR0, DMA and the interrupt from inside; the kernel
# reports its blocked write to memory not given with the D bit.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_QEMU_ARGS -device intel-iommu,intremap=off -device edu)
set(NOVUM_BOOT_EXPECT
    "devtest: ok device page with one function"
    "devtest: ok its configuration space names edu"
    "devtest: ok BAR0: 1 MiB of memory"
    "devtest: ok edu's ID register in BAR0 reads 0x010000ed"
    "devtest: ok edu DMA from and into its DMA memory"
    "novum: DMA fault: device [0-9a-f:.]+ write at 0x[0-9a-f]+"
    "devtest: ok edu DMA into memory without the D bit is blocked"
    "devtest: ok edu's MSI ups its semaphore"
    "devtest: all checks passed")
set(NOVUM_BOOT_FORBID "FAIL" "crashed")
