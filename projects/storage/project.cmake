# storage: the block service (apps/virtio_blk) on a virtio-blk disk behind a
# VT-d unit, and a client that checks it (apps/block_check). The disk is
# NOVUM_VIRTIO_DISK (8 MiB of tools/disk/mkpattern.py's pattern), opened with
# snapshot=on: the client's writes never reach the file.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_QEMU_ARGS -device intel-iommu,intremap=off
    -drive file=${NOVUM_VIRTIO_DISK},if=none,id=d0,format=raw,snapshot=on
    -device virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready"
    "virtio_blk: ready: 16384 sectors of 512 bytes, MSI-X"
    "block_check: ok: connect with a 1 MiB buffer"
    "block_check: ok: the first 64 sectors hold the image's pattern"
    "block_check: 16 extents written .*, 16 read back with matching checksums"
    "block_check: ok: a forged session is refused"
    "block_check: PASS")
set(NOVUM_BOOT_FORBID "FAILED" "block_check: FAIL" "crashed" "virtio_blk: no device")
