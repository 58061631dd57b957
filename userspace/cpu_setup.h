/* SPDX-License-Identifier: GPL-2.0 */
/* Turning a loader's struct boot_state into the vCPU's first registers. */
#ifndef VMLAB_CPU_SETUP_H
#define VMLAB_CPU_SETUP_H

#include <uapi/vmlab.h>
#include "loader/loader.h"

/* Bytes of the GDT boot_cpu_state() writes at boot->gdt_gpa. */
#define BOOT_GDT_SIZE	(8 * 8)

/*
 * Fills @sregs (starting from the vCPU's reset state) and @regs for
 * @boot; for protected mode also writes the flat GDT it needs into @gdt
 * (BOOT_GDT_SIZE bytes, the guest's memory at boot->gdt_gpa).  Returns 0,
 * or -1 when the selectors cannot be honoured.
 */
int boot_cpu_state(const struct boot_state *boot, struct vmlab_sregs *sregs,
		   struct vmlab_regs *regs, uint8_t *gdt);

#endif
