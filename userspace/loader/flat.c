// SPDX-License-Identifier: GPL-2.0
/* Flat binaries: raw bytes at FLAT_LOAD_ADDR, started in real mode. */
#include <string.h>
#include "loader_internal.h"

int load_flat(struct guest_ram *ram, const void *image, size_t size,
	      struct boot_state *out, char *err, size_t errlen)
{
	/* The stack (SS:SP = FLAT_CS:FLAT_SP) must be in RAM too. */
	uint64_t need = FLAT_LOAD_ADDR + (size > FLAT_SP ? size : FLAT_SP);

	if (!ram || !ram->base)
		return loader_err(err, errlen, "flat: no guest RAM");
	if (!image || size == 0)
		return loader_err(err, errlen, "flat: empty image");
	if (size > FLAT_MAX_SIZE)
		return loader_err(err, errlen,
				  "flat: image is %zu bytes, at most %u fit between 0x%x and the EBDA",
				  size, (unsigned int)FLAT_MAX_SIZE,
				  (unsigned int)FLAT_LOAD_ADDR);
	if (!guest_range_ok(ram, 0, need))
		return loader_err(err, errlen,
				  "flat: image needs %llu KiB of RAM, guest has %llu KiB",
				  (unsigned long long)((need + KiB - 1) / KiB),
				  (unsigned long long)(ram->size / KiB));

	memcpy(ram->base + FLAT_LOAD_ADDR, image, size);
	*out = (struct boot_state){
		.mode = BOOT_REAL16,
		.cs = FLAT_CS,
		.ds = FLAT_CS,	/* the runner also sets SS, ES, FS, GS to it */
		.rip = 0,
		.rsp = FLAT_SP,
		.gdt_gpa = BOOT_GDT_GPA,
	};
	return 0;
}
