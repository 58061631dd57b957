/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the image loaders.  Images are untrusted: every read
 * goes through a bounds check against the image size, and every guest
 * write through one against the RAM size.  Values are little endian in
 * both the images and the guest, whatever the host.
 */
#ifndef VMLAB_LOADER_INTERNAL_H
#define VMLAB_LOADER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "loader.h"

#define KiB	1024ULL
#define MiB	(1024ULL * 1024)
#define GiB	(1024ULL * 1024 * 1024)
#define PAGE_SIZE_4K	4096ULL

/* e820 / multiboot memory map types */
#define E820_RAM	1
#define E820_RESERVED	2

/* One region of the guest memory map. */
struct mem_region {
	uint64_t addr, size;
	uint32_t type;
};
#define GUEST_MEM_REGIONS	3

/* Formats @fmt into @err (if any room), one line, no newline; returns -1. */
int loader_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Refuses RAM the memory map cannot describe (see LOADER_MAX_RAM) or too
 * small for the low boot structures plus a kernel at 1 MiB.
 */
int loader_check_ram(const struct guest_ram *ram, const char *who,
		     char *err, size_t errlen);

/* The three regions every protected-mode guest is told about. */
void loader_memory_map(const struct guest_ram *ram,
		       struct mem_region map[GUEST_MEM_REGIONS]);

/* Whether [gpa, gpa + len) lies inside guest RAM (overflow safe). */
static inline bool guest_range_ok(const struct guest_ram *ram, uint64_t gpa,
				  uint64_t len)
{
	return gpa <= ram->size && len <= ram->size - gpa;
}

/* Whether [off, off + len) lies inside an image of @size bytes. */
static inline bool image_range_ok(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static inline uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static inline uint64_t align_down(uint64_t v, uint64_t align)
{
	return v & ~(align - 1);
}

static inline bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Rounded up, for "needs N MiB" messages. */
static inline unsigned long long to_mib(uint64_t bytes)
{
	return (unsigned long long)((bytes + MiB - 1) / MiB);
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* bzImage: whether "HdrS" sits at 0x202 (the only thing detection needs). */
bool bzimage_has_magic(const uint8_t *image, size_t size);

/* Result of the multiboot header search. */
enum mb_search {
	MB_FOUND,
	MB_NOT_FOUND,
	MB_BAD_CHECKSUM,	/* magic seen, but no valid checksum anywhere */
};

/*
 * Looks for the multiboot header in the first 8192 bytes, 4-byte aligned;
 * on MB_FOUND, *@offset is its offset.  On MB_BAD_CHECKSUM, *@offset is
 * the first magic with a bad checksum.
 */
enum mb_search multiboot_find_header(const uint8_t *image, size_t size,
				     size_t *offset);

#endif
