/* The one place the driver learns what the root server granted it (the
 * device page of nova/component.h): everything else sees a struct
 * virtio_hw. */
#pragma once
#include <stdbool.h>
#include <virtio/hw.h>

/* Fill hw with the granted virtio-blk function (configuration page, BARs,
 * DMA memory, MSI); false, with *why, if there is none to drive */
bool vblk_grant(struct virtio_hw *hw, const char **why);
