// SPDX-License-Identifier: GPL-2.0
/*
 * Linux x86 bzImage loader, 32-bit boot protocol (Documentation/arch/x86/
 * boot.rst and zero-page.rst).  The real-mode setup code is not run: the
 * protected-mode kernel goes to 1 MiB, a boot_params page is built from
 * the image's setup header, and the CPU starts at code32_start with ESI
 * pointing at boot_params, as the protocol's "32-bit boot" section says.
 */
#include <string.h>
#include "loader_internal.h"

/* boot_params ("zero page") layout */
#define BP_SIZE			4096
#define BP_E820_ENTRIES		0x1e8
#define BP_HDR			0x1f1
#define BP_HDR_MAX_END		0x290	/* edd_mbr_sig_buffer: the header never reaches it */
#define BP_E820_TABLE		0x2d0
#define BP_E820_ENTRY_SIZE	20

/* Setup header fields, at their offsets in both the image and boot_params */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_SYSSIZE		0x1f4
#define HDR_VID_MODE		0x1fa
#define HDR_JUMP_OFFSET		0x201	/* header ends at 0x202 + this byte */
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_EXT_LOADER_VER	0x226
#define HDR_EXT_LOADER_TYPE	0x227
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_CMDLINE_SIZE	0x238
#define HDR_HARDWARE_SUBARCH	0x23c
#define HDR_HW_SUBARCH_DATA	0x240
#define HDR_SETUP_DATA		0x250
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260

/* Where the header must reach for the fields each protocol version has */
#define HDR_END_2_06		0x23c	/* through cmdline_size */
#define HDR_END_2_10		0x264	/* through init_size (and pref_address) */

#define BZ_MIN_VERSION		0x0206
#define BZ_INIT_SIZE_VERSION	0x020a
#define LOADED_HIGH		0x01
#define CAN_USE_HEAP		0x80
#define VID_MODE_NORMAL		0xffff
#define LOADER_TYPE_UNDEFINED	0xff
/* Conventional value (GRUB, QEMU); only the unused real-mode setup reads it. */
#define HEAP_END_PTR		0xfe00
/* What initrd_addr_max meant before protocol 2.03 defined the field. */
#define DEFAULT_INITRD_ADDR_MAX	0x37ffffff

/* What the loader needs from a validated image. */
struct bz_image {
	const uint8_t *bytes;
	size_t size;
	uint16_t version;
	size_t hdr_end;		/* setup header bytes [0x1f1, hdr_end) to copy */
	size_t pm_offset;	/* protected-mode kernel: after the setup sectors */
	size_t pm_size;
	bool relocatable;
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;
	uint64_t pref_address;	/* 0 before protocol 2.10 */
	uint32_t init_size;	/* 0 before protocol 2.10 */
};

/* Where everything goes in the guest. */
struct bz_layout {
	uint64_t kernel_end;	/* end of what the kernel may use while booting */
	uint64_t initrd_gpa;
	size_t initrd_size;
	size_t cmdline_len;	/* without NUL */
};

bool bzimage_has_magic(const uint8_t *image, size_t size)
{
	return image_range_ok(size, HDR_MAGIC, 4) &&
	       !memcmp(image + HDR_MAGIC, "HdrS", 4);
}

static int bz_truncated(size_t need, size_t have, const char *what,
			char *err, size_t errlen)
{
	return loader_err(err, errlen,
			  "bzImage: truncated %s (need %zu bytes, file has %zu)",
			  what, need, have);
}

/* Magic, protocol version and header extent; fills bz->version, hdr_end. */
static int bz_parse_header(struct bz_image *bz, char *err, size_t errlen)
{
	const uint8_t *img = bz->bytes;
	size_t declared_end, need;

	if (bz->size < HDR_MAGIC + 4)
		return bz_truncated(HDR_MAGIC + 4, bz->size, "setup header",
				    err, errlen);
	if (!bzimage_has_magic(img, bz->size))
		return loader_err(err, errlen,
				  "bzImage: no \"HdrS\" magic at 0x202 (not a Linux kernel)");
	if (bz->size < HDR_VERSION + 2)
		return bz_truncated(HDR_VERSION + 2, bz->size, "setup header",
				    err, errlen);
	bz->version = get_le16(img + HDR_VERSION);
	if (bz->version < BZ_MIN_VERSION)
		return loader_err(err, errlen,
				  "bzImage: boot protocol %u.%02u is too old (need 2.06 or later)",
				  bz->version >> 8, bz->version & 0xff);

	need = bz->version >= BZ_INIT_SIZE_VERSION ? HDR_END_2_10 : HDR_END_2_06;
	declared_end = 0x202 + (size_t)img[HDR_JUMP_OFFSET];
	if (declared_end < need)
		return loader_err(err, errlen,
				  "bzImage: setup header ends at 0x%zx, protocol %u.%02u needs it to reach 0x%zx",
				  declared_end, bz->version >> 8,
				  bz->version & 0xff, need);
	if (bz->size < declared_end)
		return bz_truncated(declared_end, bz->size, "setup header",
				    err, errlen);
	/* Bytes past our boot_params' header area are not ours to copy. */
	bz->hdr_end = declared_end < BP_HDR_MAX_END ? declared_end : BP_HDR_MAX_END;
	return 0;
}

/* The setup sectors, the protected-mode part and the fields we use. */
static int bz_parse_kernel(struct bz_image *bz, char *err, size_t errlen)
{
	const uint8_t *img = bz->bytes;
	unsigned int setup_sects = img[HDR_SETUP_SECTS];
	uint64_t syssize_bytes;

	if (!(img[HDR_LOADFLAGS] & LOADED_HIGH))
		return loader_err(err, errlen,
				  "bzImage: loadflags has no LOADED_HIGH (a zImage loaded low: unsupported)");
	if (setup_sects == 0)
		setup_sects = 4;	/* the protocol's compatibility rule */
	bz->pm_offset = (setup_sects + 1) * 512;
	if (bz->size <= bz->pm_offset)
		return loader_err(err, errlen,
				  "bzImage: truncated image (%u setup sectors end at %zu bytes, file has %zu: no protected-mode kernel)",
				  setup_sects, bz->pm_offset, bz->size);
	bz->pm_size = bz->size - bz->pm_offset;
	/* syssize (16-byte units) catches a kernel cut short, e.g. a partial copy. */
	syssize_bytes = (uint64_t)get_le32(img + HDR_SYSSIZE) * 16;
	if (syssize_bytes > bz->pm_size)
		return loader_err(err, errlen,
				  "bzImage: truncated kernel (syssize says %llu bytes after the setup, file has %zu)",
				  (unsigned long long)syssize_bytes, bz->pm_size);

	bz->relocatable = img[HDR_RELOCATABLE] != 0;
	bz->kernel_alignment = get_le32(img + HDR_KERNEL_ALIGNMENT);
	bz->initrd_addr_max = get_le32(img + HDR_INITRD_ADDR_MAX);
	if (bz->initrd_addr_max == 0)
		bz->initrd_addr_max = DEFAULT_INITRD_ADDR_MAX;
	bz->cmdline_size = get_le32(img + HDR_CMDLINE_SIZE);
	if (bz->version >= BZ_INIT_SIZE_VERSION) {
		bz->pref_address = get_le64(img + HDR_PREF_ADDRESS);
		bz->init_size = get_le32(img + HDR_INIT_SIZE);
	}
	if (bz->relocatable && !is_pow2(bz->kernel_alignment))
		return loader_err(err, errlen,
				  "bzImage: kernel_alignment 0x%x is not a power of two",
				  bz->kernel_alignment);
	return 0;
}

/*
 * End of the memory the kernel uses until it has parsed the memory map:
 * it is loaded at 1 MiB, then decompresses into init_size bytes at its
 * run address.  A relocatable kernel runs at 1 MiB rounded up to
 * kernel_alignment but never below pref_address (LOAD_PHYSICAL_ADDR);
 * a non-relocatable one moves to pref_address.  Everything from 1 MiB to
 * the end of that is reserved, which keeps the initrd out of its way.
 * Before protocol 2.10 neither field exists, and only the image is known.
 */
static int bz_kernel_end(const struct bz_image *bz, const struct guest_ram *ram,
			 uint64_t *end, char *err, size_t errlen)
{
	uint64_t run = BOOT_KERNEL_GPA;
	uint64_t load_end = BOOT_KERNEL_GPA + (uint64_t)bz->pm_size;
	uint64_t run_end;

	if (bz->relocatable) {
		run = align_up(run, bz->kernel_alignment);
		if (run < bz->pref_address)
			run = bz->pref_address;
	} else if (bz->pref_address) {
		run = bz->pref_address;
	}
	/* pref_address is the image's word: keep the sum from wrapping. */
	if (run > ram->size)
		run_end = run;
	else
		run_end = run + bz->init_size;
	*end = load_end > run_end ? load_end : run_end;
	if (*end > ram->size)
		return loader_err(err, errlen,
				  "bzImage: image needs %llu MiB (kernel at 0x%x, runs at 0x%llx, init_size %u), guest has %llu MiB",
				  to_mib(*end), BOOT_KERNEL_GPA,
				  (unsigned long long)run, bz->init_size,
				  (unsigned long long)(ram->size / MiB));
	return 0;
}

/* As high as possible below min(initrd_addr_max + 1, RAM end), page aligned. */
static int bz_place_initrd(const struct bz_image *bz, const struct guest_ram *ram,
			   const struct boot_options *opts, struct bz_layout *lay,
			   char *err, size_t errlen)
{
	uint64_t limit = (uint64_t)bz->initrd_addr_max + 1;
	uint64_t size = opts ? opts->initrd_size : 0;

	lay->initrd_gpa = 0;
	lay->initrd_size = 0;
	if (!size)
		return 0;
	if (!opts->initrd)
		return loader_err(err, errlen, "bzImage: initrd of %llu bytes has no data",
				  (unsigned long long)size);
	if (limit > ram->size)
		limit = ram->size;
	if (size > limit || align_down(limit - size, PAGE_SIZE_4K) < lay->kernel_end)
		return loader_err(err, errlen,
				  "bzImage: initrd of %llu MiB does not fit between the kernel (ends at 0x%llx) and 0x%llx (%s)",
				  to_mib(size), (unsigned long long)lay->kernel_end,
				  (unsigned long long)limit,
				  limit == ram->size ? "end of RAM" : "initrd_addr_max");
	lay->initrd_gpa = align_down(limit - size, PAGE_SIZE_4K);
	lay->initrd_size = (size_t)size;
	return 0;
}

/* The kernel's cmdline_size excludes the NUL; our buffer includes it. */
static int bz_check_cmdline(const struct bz_image *bz,
			    const struct boot_options *opts,
			    struct bz_layout *lay, char *err, size_t errlen)
{
	const char *cmdline = opts && opts->cmdline ? opts->cmdline : "";
	size_t len = strnlen(cmdline, BOOT_CMDLINE_MAX);

	if (len >= BOOT_CMDLINE_MAX)
		return loader_err(err, errlen,
				  "bzImage: command line longer than %u bytes",
				  BOOT_CMDLINE_MAX - 1);
	if (len > bz->cmdline_size)
		return loader_err(err, errlen,
				  "bzImage: command line is %zu bytes, the kernel takes at most %u",
				  len, bz->cmdline_size);
	lay->cmdline_len = len;
	return 0;
}

static void bz_fill_e820(uint8_t *bp, const struct guest_ram *ram)
{
	struct mem_region map[GUEST_MEM_REGIONS];

	loader_memory_map(ram, map);
	for (unsigned int i = 0; i < GUEST_MEM_REGIONS; i++) {
		uint8_t *e = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

		put_le64(e, map[i].addr);
		put_le64(e + 8, map[i].size);
		put_le32(e + 16, map[i].type);
	}
	bp[BP_E820_ENTRIES] = GUEST_MEM_REGIONS;
}

/*
 * A zeroed page with the image's setup header, then the fields a boot
 * loader owns.  Pointers the image may carry (setup_data,
 * hardware_subarch_data) are cleared: the kernel would follow them.
 */
static void bz_fill_boot_params(uint8_t *bp, const struct bz_image *bz,
				const struct guest_ram *ram,
				const struct bz_layout *lay)
{
	memset(bp, 0, BP_SIZE);
	memcpy(bp + BP_HDR, bz->bytes + BP_HDR, bz->hdr_end - BP_HDR);

	put_le16(bp + HDR_VID_MODE, VID_MODE_NORMAL);
	bp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
	bp[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	put_le32(bp + HDR_CODE32_START, BOOT_KERNEL_GPA);
	put_le32(bp + HDR_RAMDISK_IMAGE, (uint32_t)lay->initrd_gpa);
	put_le32(bp + HDR_RAMDISK_SIZE, (uint32_t)lay->initrd_size);
	put_le16(bp + HDR_HEAP_END_PTR, HEAP_END_PTR);
	bp[HDR_EXT_LOADER_VER] = 0;
	bp[HDR_EXT_LOADER_TYPE] = 0;
	put_le32(bp + HDR_CMD_LINE_PTR, BOOT_CMDLINE_GPA);
	put_le32(bp + HDR_HARDWARE_SUBARCH, 0);	/* default x86 PC */
	put_le64(bp + HDR_HW_SUBARCH_DATA, 0);
	put_le64(bp + HDR_SETUP_DATA, 0);
	bz_fill_e820(bp, ram);
}

/* Only called once everything is checked, so a refused image leaves RAM alone. */
static void bz_write(struct guest_ram *ram, const struct bz_image *bz,
		     const struct boot_options *opts, const struct bz_layout *lay)
{
	const char *cmdline = opts && opts->cmdline ? opts->cmdline : "";
	uint8_t *bp = ram->base + BOOT_INFO_GPA;

	memcpy(ram->base + BOOT_KERNEL_GPA, bz->bytes + bz->pm_offset, bz->pm_size);
	bz_fill_boot_params(bp, bz, ram, lay);
	memcpy(ram->base + BOOT_CMDLINE_GPA, cmdline, lay->cmdline_len);
	ram->base[BOOT_CMDLINE_GPA + lay->cmdline_len] = '\0';
	if (lay->initrd_size)
		memcpy(ram->base + lay->initrd_gpa, opts->initrd, lay->initrd_size);
}

int load_bzimage(struct guest_ram *ram, const void *image, size_t size,
		 const struct boot_options *opts, struct boot_state *out,
		 char *err, size_t errlen)
{
	struct bz_image bz = { .bytes = image, .size = image ? size : 0 };
	struct bz_layout lay = { 0 };

	if (bz_parse_header(&bz, err, errlen) ||
	    bz_parse_kernel(&bz, err, errlen) ||
	    loader_check_ram(ram, "bzImage", err, errlen) ||
	    bz_kernel_end(&bz, ram, &lay.kernel_end, err, errlen) ||
	    bz_place_initrd(&bz, ram, opts, &lay, err, errlen) ||
	    bz_check_cmdline(&bz, opts, &lay, err, errlen))
		return -1;

	bz_write(ram, &bz, opts, &lay);
	*out = (struct boot_state){
		.mode = BOOT_PROTECTED32,
		.cs = LINUX_BOOT_CS,
		.ds = LINUX_BOOT_DS,
		.rip = BOOT_KERNEL_GPA,		/* code32_start, as written above */
		.rsp = BOOT_STACK_TOP,
		.rsi = BOOT_INFO_GPA,		/* EBX, EBP, EDI must be 0 */
		.gdt_gpa = BOOT_GDT_GPA,
	};
	return 0;
}
