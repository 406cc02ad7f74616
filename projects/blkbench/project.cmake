# blkbench: figures of the virtio-blk driver core as the root task (ninja
# bench-blk runs it under -icount with the pattern disk behind VT-d).
set(NOVUM_ROOT_TASK blkbench)
