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

/*
 * Guest-physical memory map of the loaders.  Everything a loader writes
 * besides the kernel lives below the EBDA, and kernels load at or above
 * 1 MiB, so the pieces cannot overlap whatever the image says.
 *
 *   0x00000-0x00fff  real-mode IVT and BDA: left alone
 *   0x01000-0x01fff  BOOT_GDT_GPA: the runner's GDT (boot_state.gdt_gpa)
 *   0x02000-0x06fff  boot stack, ESP = BOOT_STACK_TOP
 *   0x07000-0x07fff  BOOT_INFO_GPA: Linux boot_params (zero page), or the
 *                    multiboot info with its memory map (+0x100), module
 *                    list (+0x200), loader name (+0x300), module string
 *                    (+0x340)
 *   0x10000-0x7ffff  flat binaries (FLAT_LOAD_ADDR)
 *   0x20000-0x2ffff  BOOT_CMDLINE_GPA: kernel command line, NUL included
 *   0x9fc00-0xfffff  reserved in the memory map (EBDA, VGA, BIOS)
 *   0x100000-        kernel (BOOT_KERNEL_GPA); initrd above the kernel
 *
 * The memory map given to the guest is RAM [0, 0x9fc00), reserved
 * [0x9fc00, 1 MiB), RAM [1 MiB, end of RAM): no MMIO hole, which is why
 * guests above LOADER_MAX_RAM are refused (the hole below 4 GiB would be
 * claimed as RAM).  RAM is expected zeroed (fresh mmap); loaders zero the
 * structures and bss they define.
 */
#define BOOT_GDT_GPA		0x1000
#define BOOT_STACK_TOP		0x7000
#define BOOT_INFO_GPA		0x7000
#define BOOT_CMDLINE_GPA	0x20000
#define BOOT_CMDLINE_MAX	0x10000		/* bytes, NUL included */
#define BOOT_EBDA_GPA		0x9fc00
#define BOOT_KERNEL_GPA		0x100000
#define LOADER_MIN_RAM		0x200000ULL	/* low structures + 1 MiB of kernel */
#define LOADER_MAX_RAM		(3ULL << 30)

/* Linux 32-bit boot protocol selectors (__BOOT_CS, __BOOT_DS). */
#define LINUX_BOOT_CS		0x10
#define LINUX_BOOT_DS		0x18
/* Multiboot: flat selectors in the runner's GDT; EAX magic at entry. */
#define MULTIBOOT_BOOT_CS	0x08
#define MULTIBOOT_BOOT_DS	0x10
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002

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
/*
 * Initial SP, with SS = DS = FLAT_CS (kvmtool uses 0x8000): the top of the
 * 64 KiB segment, so images up to 64 KiB - 16 keep their bytes intact;
 * larger ones must set up their own stack first.
 */
#define FLAT_SP		0xfff0
#define FLAT_MAX_SIZE	(0x80000 - FLAT_LOAD_ADDR)
int load_flat(struct guest_ram *ram, const void *image, size_t size,
	      struct boot_state *out, char *err, size_t errlen);

#endif
