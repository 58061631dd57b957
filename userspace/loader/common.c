// SPDX-License-Identifier: GPL-2.0
/* Error reporting, RAM checks and the guest memory map shared by the loaders. */
#include <stdarg.h>
#include <stdio.h>
#include "loader_internal.h"

int loader_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int loader_check_ram(const struct guest_ram *ram, const char *who,
		     char *err, size_t errlen)
{
	if (!ram || !ram->base)
		return loader_err(err, errlen, "%s: no guest RAM", who);
	if (ram->size < LOADER_MIN_RAM)
		return loader_err(err, errlen,
				  "%s: guest has %llu KiB of RAM, need at least %llu KiB",
				  who, (unsigned long long)(ram->size / KiB),
				  LOADER_MIN_RAM / KiB);
	/* No MMIO hole in our memory map yet: it would be claimed as RAM. */
	if (ram->size > LOADER_MAX_RAM)
		return loader_err(err, errlen,
				  "%s: guest has %llu MiB of RAM, at most %llu MiB supported (no hole below 4 GiB yet)",
				  who, (unsigned long long)(ram->size / MiB),
				  LOADER_MAX_RAM / MiB);
	return 0;
}

void loader_memory_map(const struct guest_ram *ram,
		       struct mem_region map[GUEST_MEM_REGIONS])
{
	map[0] = (struct mem_region){ 0, BOOT_EBDA_GPA, E820_RAM };
	map[1] = (struct mem_region){ BOOT_EBDA_GPA, BOOT_KERNEL_GPA - BOOT_EBDA_GPA,
				      E820_RESERVED };
	map[2] = (struct mem_region){ BOOT_KERNEL_GPA, ram->size - BOOT_KERNEL_GPA,
				      E820_RAM };
}
