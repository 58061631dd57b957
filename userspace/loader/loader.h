/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest image loaders: they write an image into guest RAM and describe
 * the CPU state it must start in.  Host independent (no ioctls), so unit
 * tests drive them with synthetic images.
 */
#ifndef VMLAB_LOADER_H
#define VMLAB_LOADER_H

#include <stddef.h>
#include <stdint.h>

/* Guest RAM: one contiguous block at guest-physical 0. */
struct guest_ram {
	uint8_t *base;
	uint64_t size;
};

enum boot_mode {
	BOOT_REAL16,		/* CS:IP, real mode (flat binaries) */
	BOOT_PROTECTED32,	/* flat 4 GiB segments, paging off */
};

/*
 * How to start the CPU.  For BOOT_PROTECTED32 the runner loads a GDT
 * with flat code at selector @cs (0x10 for Linux, 0x08 otherwise) and
 * data at @ds, and interrupts are off.
 */
struct boot_state {
	enum boot_mode mode;
	uint16_t cs, ds;	/* selectors */
	uint64_t rip;
	uint64_t rsp;
	uint64_t rax, rbx, rsi;	/* multiboot: EAX magic, EBX info; Linux: ESI boot_params */
	uint64_t gdt_gpa;	/* where the runner may put its GDT (loader reserves it) */
};

enum image_format {
	IMAGE_UNKNOWN,
	IMAGE_BZIMAGE,
	IMAGE_MULTIBOOT,
};

struct boot_options {
	const char *cmdline;		/* may be NULL */
	const void *initrd;		/* may be NULL */
	size_t initrd_size;
	unsigned int cpus;		/* for fw tables, if any */
};

/* Which loader understands @image. */
enum image_format detect_image_format(const void *image, size_t size);

/*
 * Each returns 0, or -1 with a one-line reason in @err (no newline).
 * Nothing is written outside @ram; truncated or oversized images are
 * refused, never read past their end.
 */
int load_bzimage(struct guest_ram *ram, const void *image, size_t size,
		 const struct boot_options *opts, struct boot_state *out,
		 char *err, size_t errlen);
int load_multiboot(struct guest_ram *ram, const void *image, size_t size,
		   const struct boot_options *opts, struct boot_state *out,
		   char *err, size_t errlen);
/*
 * A flat binary is loaded at guest-physical FLAT_LOAD_ADDR and started in
 * real mode at FLAT_CS:0000 (as kvmtool does, so the same binaries run
 * under both); at most 0x80000 - FLAT_LOAD_ADDR bytes, below the EBDA.
 */
#define FLAT_LOAD_ADDR	0x10000
#define FLAT_CS		0x1000
int load_flat(struct guest_ram *ram, const void *image, size_t size,
	      struct boot_state *out, char *err, size_t errlen);

#endif
