// SPDX-License-Identifier: GPL-2.0
/* Image format detection. */
#include "loader_internal.h"

enum image_format detect_image_format(const void *image, size_t size)
{
	size_t offset;

	if (!image)
		return IMAGE_UNKNOWN;
	/*
	 * bzImage first: its magic is at a fixed offset, while a multiboot
	 * header could in principle turn up anywhere in the first 8 KiB of
	 * a kernel's setup code.
	 */
	if (bzimage_has_magic(image, size))
		return IMAGE_BZIMAGE;
	if (multiboot_find_header(image, size, &offset) == MB_FOUND)
		return IMAGE_MULTIBOOT;
	return IMAGE_UNKNOWN;
}
