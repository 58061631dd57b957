/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MMIO test (tests/guest/mmio.c and tests/host/guest_mmio.c).  The
 * host's device is plain memory behind MMIO exits: GUEST_MMIO_SIZE bytes
 * at GUEST_MMIO_BASE (long and 32-bit mode) and at GUEST_MMIO_LOW (real
 * mode), starting out as guest_pattern(offset, seed); writes change it.
 * The read-only slot at GUEST_ROM_ADDR holds guest_pattern(offset,
 * MMIO_ROM_SEED) and never changes: writes to it reach the host as MMIO.
 */
#ifndef VMLAB_GUEST_MMIO_H
#define VMLAB_GUEST_MMIO_H

#define MMIO_HIGH_SEED		40	/* the device at GUEST_MMIO_BASE */
#define MMIO_LOW_SEED		41	/* the device at GUEST_MMIO_LOW */
#define MMIO_ROM_SEED		42

#endif
