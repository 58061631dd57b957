// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Linux bzImage loader: synthetic images built here
 * with chosen setup headers, and the distribution kernel in /boot.
 */
#include <glob.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "loader/loader.h"

#define MiB		(1024ULL * 1024)
#define RAM_SIZE	(32 * MiB)

/* Setup header and boot_params offsets (Documentation/arch/x86/boot.rst) */
#define SETUP_SECTS	0x1f1
#define SYSSIZE		0x1f4
#define VID_MODE	0x1fa
#define BOOT_FLAG	0x1fe
#define JUMP		0x200
#define VERSION		0x206
#define TYPE_OF_LOADER	0x210
#define LOADFLAGS	0x211
#define CODE32_START	0x214
#define RAMDISK_IMAGE	0x218
#define RAMDISK_SIZE	0x21c
#define HEAP_END_PTR	0x224
#define EXT_LOADER_VER	0x226
#define EXT_LOADER_TYPE	0x227
#define CMD_LINE_PTR	0x228
#define INITRD_ADDR_MAX	0x22c
#define KERNEL_ALIGN	0x230
#define RELOCATABLE	0x234
#define CMDLINE_SIZE	0x238
#define HW_SUBARCH	0x23c
#define HW_SUBARCH_DATA	0x240
#define SETUP_DATA	0x250
#define PREF_ADDRESS	0x258
#define INIT_SIZE	0x260
#define E820_ENTRIES	0x1e8
#define E820_TABLE	0x2d0

/* A synthetic kernel; defaults from default_bz(). */
struct fake_bz {
	uint16_t version;
	uint8_t setup_sects;	/* raw field: 0 means 4 */
	uint8_t loadflags;
	uint8_t relocatable;
	uint8_t jump_offset;	/* header ends at 0x202 + this */
	uint32_t kernel_alignment, initrd_addr_max, cmdline_size, init_size;
	uint64_t pref_address;
	size_t pm_size;
	uint8_t fill;		/* every setup byte the header does not define */
};

static struct fake_bz default_bz(void)
{
	return (struct fake_bz){
		.version = 0x020f,
		.setup_sects = 1,
		.loadflags = 0x01,
		.relocatable = 1,
		.jump_offset = 0x6a,	/* header to 0x26c, as Linux 6.x */
		.kernel_alignment = 0x200000,
		.initrd_addr_max = 0x7fffffff,
		.cmdline_size = 255,
		.init_size = 0x300000,
		.pref_address = 0x400000,	/* runs at 4 MiB, reserved to 7 MiB */
		.pm_size = 512,
		.fill = 0x5a,
	};
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)v);
	wr16(p + 2, (uint16_t)(v >> 16));
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static size_t setup_bytes(const struct fake_bz *f)
{
	return ((f->setup_sects ? f->setup_sects : 4) + 1) * 512u;
}

/*
 * Setup sectors full of f->fill, then the header fields, then pm_size
 * bytes of pattern.  Fields a boot loader owns get junk, so the tests see
 * the loader overwrite them.
 */
static uint8_t *make_bzimage(const struct fake_bz *f, size_t *size)
{
	size_t setup = setup_bytes(f);
	uint8_t *img;

	*size = setup + f->pm_size;
	img = malloc(*size);
	memset(img, f->fill, setup);
	for (size_t i = 0; i < f->pm_size; i++)
		img[setup + i] = (uint8_t)(i * 7 + 3);
	img[SETUP_SECTS] = f->setup_sects;
	wr32(img + SYSSIZE, (uint32_t)(f->pm_size / 16));
	wr16(img + BOOT_FLAG, 0xaa55);
	img[JUMP] = 0xeb;
	img[JUMP + 1] = f->jump_offset;
	memcpy(img + 0x202, "HdrS", 4);
	wr16(img + VERSION, f->version);
	img[LOADFLAGS] = f->loadflags;
	wr32(img + CODE32_START, 0x100000);
	wr32(img + INITRD_ADDR_MAX, f->initrd_addr_max);
	wr32(img + KERNEL_ALIGN, f->kernel_alignment);
	img[RELOCATABLE] = f->relocatable;
	wr32(img + CMDLINE_SIZE, f->cmdline_size);
	wr32(img + HW_SUBARCH, 0);
	if (f->version >= 0x020a) {
		wr64(img + PREF_ADDRESS, f->pref_address);
		wr32(img + INIT_SIZE, f->init_size);
	}
	return img;
}

static struct guest_ram new_ram(uint64_t size)
{
	return (struct guest_ram){ .base = calloc(1, size), .size = size };
}

static uint8_t *pattern(size_t size, unsigned int seed)
{
	uint8_t *p = malloc(size ? size : 1);

	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(i * 13 + seed);
	return p;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Loads a fake kernel built from @f into @ram; returns load_bzimage's result. */
static int load_fake(const struct fake_bz *f, struct guest_ram *ram,
		     const struct boot_options *opts, struct boot_state *st,
		     char *err, size_t errlen)
{
	size_t size;
	uint8_t *img = make_bzimage(f, &size);
	int r = load_bzimage(ram, img, size, opts, st, err, errlen);

	free(img);
	return r;
}

/* Fields the loader writes itself: everything else is the image's. */
static bool loader_owned(size_t off)
{
	static const struct { size_t off, len; } owned[] = {
		{ VID_MODE, 2 }, { TYPE_OF_LOADER, 1 }, { LOADFLAGS, 1 },
		{ CODE32_START, 4 }, { RAMDISK_IMAGE, 8 }, { HEAP_END_PTR, 2 },
		{ EXT_LOADER_VER, 2 }, { CMD_LINE_PTR, 4 }, { HW_SUBARCH, 12 },
		{ SETUP_DATA, 8 },
	};

	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (off >= owned[i].off && off < owned[i].off + owned[i].len)
			return true;
	return false;
}

static void check_e820(const uint8_t *bp, uint64_t ram_size)
{
	static const uint64_t want[3][3] = {
		{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x60400, 2 }, { 0x100000, 0, 1 },
	};

	CHECK_EQ(bp[E820_ENTRIES], 3);
	for (int i = 0; i < 3; i++) {
		const uint8_t *e = bp + E820_TABLE + i * 20;
		uint64_t size = i == 2 ? ram_size - 0x100000 : want[i][1];

		CHECK_EQ(rd64(e), want[i][0]);
		CHECK_EQ(rd64(e + 8), size);
		CHECK_EQ(rd32(e + 16), want[i][2]);
	}
	CHECK(all_zero(bp + E820_TABLE + 3 * 20, 4096 - E820_TABLE - 3 * 20),
	      "nothing after the e820 table");
}

static void check_linux_state(const struct boot_state *st)
{
	CHECK_EQ(st->mode, BOOT_PROTECTED32);
	CHECK_EQ(st->cs, 0x10);
	CHECK_EQ(st->ds, 0x18);
	CHECK_EQ(st->rip, 0x100000);
	CHECK_EQ(st->rsi, BOOT_INFO_GPA);
	CHECK_EQ(st->rbx, 0);
	CHECK_EQ(st->rax, 0);
	CHECK_EQ(st->rsp, BOOT_STACK_TOP);
	CHECK_EQ(st->gdt_gpa, BOOT_GDT_GPA);
}

static void detects_synthetic_bzimage(void)
{
	struct fake_bz f = default_bz();
	size_t size;
	uint8_t *img = make_bzimage(&f, &size);

	CHECK_EQ(detect_image_format(img, size), IMAGE_BZIMAGE);
	img[0x203] = 'x';
	CHECK_EQ(detect_image_format(img, size), IMAGE_UNKNOWN);
	free(img);
}

static void loads_synthetic_kernel_field_by_field(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	uint8_t *initrd = pattern(100000, 1);
	struct boot_options opts = {
		.cmdline = "console=ttyS0 quiet",
		.initrd = initrd,
		.initrd_size = 100000,
	};
	struct boot_state st = { .rbx = 77 };
	char err[256] = "";
	size_t size;
	uint8_t *img = make_bzimage(&f, &size);
	const uint8_t *bp = ram.base + BOOT_INFO_GPA;
	uint64_t initrd_gpa = (RAM_SIZE - 100000) & ~0xfffULL;

	CHECK_EQ(load_bzimage(&ram, img, size, &opts, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	check_linux_state(&st);

	/* the protected-mode part, at 1 MiB, and nothing after it */
	CHECK(!memcmp(ram.base + 0x100000, img + 1024, 512));
	CHECK(all_zero(ram.base + 0x100000 + 512, 4096));

	/* boot_params: zero, then the image's header, then our fields */
	CHECK(all_zero(bp, E820_ENTRIES), "before e820_entries");
	CHECK(all_zero(bp + E820_ENTRIES + 1, 0x1f1 - E820_ENTRIES - 1), "to the header");
	for (size_t off = 0x1f1; off < 0x26c; off++)
		if (!loader_owned(off))
			CHECK_EQ(bp[off], img[off]);
	CHECK(all_zero(bp + 0x26c, E820_TABLE - 0x26c), "after the header");
	CHECK_EQ(rd16(bp + VERSION), 0x020f);
	CHECK_EQ(rd16(bp + VID_MODE), 0xffff);
	CHECK_EQ(bp[TYPE_OF_LOADER], 0xff);
	CHECK_EQ(bp[LOADFLAGS], 0x81);		/* LOADED_HIGH | CAN_USE_HEAP */
	CHECK_EQ(rd32(bp + CODE32_START), 0x100000);
	CHECK_EQ(rd16(bp + HEAP_END_PTR), 0xfe00);
	CHECK_EQ(bp[EXT_LOADER_VER], 0);
	CHECK_EQ(bp[EXT_LOADER_TYPE], 0);
	CHECK_EQ(rd32(bp + HW_SUBARCH), 0);
	CHECK_EQ(rd64(bp + HW_SUBARCH_DATA), 0);
	CHECK_EQ(rd64(bp + SETUP_DATA), 0);
	CHECK_EQ(rd32(bp + CMD_LINE_PTR), BOOT_CMDLINE_GPA);
	CHECK(!strcmp((char *)ram.base + BOOT_CMDLINE_GPA, "console=ttyS0 quiet"));
	CHECK_EQ(rd32(bp + RAMDISK_IMAGE), initrd_gpa);
	CHECK_EQ(rd32(bp + RAMDISK_SIZE), 100000);
	CHECK(!memcmp(ram.base + initrd_gpa, initrd, 100000));
	CHECK(all_zero(ram.base + initrd_gpa + 100000, RAM_SIZE - initrd_gpa - 100000));
	check_e820(bp, RAM_SIZE);

	/* nothing was put where the runner's GDT and stack go */
	CHECK(all_zero(ram.base, BOOT_INFO_GPA), "below boot_params");
	free(img);
	free(initrd);
	free(ram.base);
}

static void setup_sects_zero_means_four(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";
	size_t size;
	uint8_t *img;

	f.setup_sects = 0;
	img = make_bzimage(&f, &size);
	CHECK_EQ(size, 5 * 512 + 512);
	CHECK_EQ(load_bzimage(&ram, img, size, NULL, &st, err, sizeof(err)), 0);
	CHECK(!memcmp(ram.base + 0x100000, img + 5 * 512, 512));
	CHECK_EQ(ram.base[BOOT_INFO_GPA + SETUP_SECTS], 0);
	/* no options: empty command line, no initrd */
	CHECK_EQ(ram.base[BOOT_CMDLINE_GPA], 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + CMD_LINE_PTR), BOOT_CMDLINE_GPA);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_IMAGE), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_SIZE), 0);
	free(img);
	free(ram.base);
}

static void protocol_2_05_refused(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	f.version = 0x0205;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: boot protocol 2.05 is too old (need 2.06 or later)"),
	      "%s", err);
	CHECK(all_zero(ram.base, 2 * MiB));
	free(ram.base);
}

/* 2.06 has no init_size: only the image itself is reserved. */
static void protocol_2_06_loads(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(4 * MiB);
	uint8_t *initrd = pattern(2 * MiB, 4);
	struct boot_options opts = { .initrd = initrd, .initrd_size = 2 * MiB };
	struct boot_state st;
	char err[256] = "";

	f.version = 0x0206;
	f.jump_offset = 0x3a;	/* header to 0x23c: through cmdline_size */
	f.relocatable = 0;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_IMAGE), 2 * MiB);
	CHECK(all_zero(ram.base + BOOT_INFO_GPA + 0x23c, E820_TABLE - 0x23c),
	      "setup bytes past the header not copied");
	free(initrd);
	free(ram.base);
}

static void header_too_short_for_its_version_refused(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	f.jump_offset = 0x3a;	/* 2.15 needs the header to reach init_size */
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: setup header ends at 0x23c, protocol 2.15 needs it to reach 0x264"),
	      "%s", err);
	free(ram.base);
}

static void zimage_refused(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	f.loadflags = 0x80;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "LOADED_HIGH"), "%s", err);
	free(ram.base);
}

/*
 * Every prefix of a valid image, each in an allocation of exactly its
 * size so ASan catches a read past the end: a clean one-line error, and
 * RAM untouched.
 */
static void every_truncation_refused_cleanly(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	size_t size;
	uint8_t *img = make_bzimage(&f, &size);
	uint8_t *initrd = pattern(4096, 2);
	struct boot_options opts = { .cmdline = "x", .initrd = initrd, .initrd_size = 4096 };

	for (size_t len = 0; len < size; len++) {
		uint8_t *cut = malloc(len ? len : 1);
		char err[256] = "";

		memcpy(cut, img, len);
		CHECK_EQ(load_bzimage(&ram, cut, len, &opts, &st, err, sizeof(err)), -1);
		CHECK(err[0] && !strchr(err, '\n'), "len %zu: '%s'", len, err);
		CHECK(!strncmp(err, "bzImage: ", 9), "len %zu: '%s'", len, err);
		free(cut);
	}
	CHECK(all_zero(ram.base, RAM_SIZE), "refused images wrote to RAM");
	{
		char err[256] = "";

		CHECK_EQ(load_bzimage(&ram, img, 512, &opts, &st, err, sizeof(err)), -1);
		CHECK(!strcmp(err, "bzImage: truncated setup header (need 518 bytes, file has 512)"),
		      "%s", err);
		CHECK_EQ(load_bzimage(&ram, img, 1024, &opts, &st, err, sizeof(err)), -1);
		CHECK(strstr(err, "no protected-mode kernel"), "%s", err);
		CHECK_EQ(load_bzimage(&ram, img, size - 1, &opts, &st, err, sizeof(err)), -1);
		CHECK(strstr(err, "truncated kernel (syssize says 512 bytes after the setup, file has 511)"),
		      "%s", err);
		CHECK_EQ(load_bzimage(&ram, NULL, size, &opts, &st, err, sizeof(err)), -1);
		CHECK_EQ(load_bzimage(&ram, img, size, &opts, &st, err, sizeof(err)), 0);
	}
	free(initrd);
	free(img);
	free(ram.base);
}

static void kernel_larger_than_ram_refused(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	f.init_size = 64 * MiB;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "bzImage: image needs 68 MiB"), "%s", err);
	CHECK(strstr(err, "guest has 32 MiB"), "%s", err);
	/* a pref_address near 2^64 must not wrap into "fits" */
	f = default_bz();
	f.pref_address = 0xfffffffffff00000ULL;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "image needs"), "%s", err);
	f.relocatable = 0;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "image needs"), "%s", err);
	/* a big protected-mode part */
	f = default_bz();
	f.pm_size = 31 * MiB + 16;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "image needs 33 MiB"), "%s", err);
	CHECK(all_zero(ram.base, RAM_SIZE));
	free(ram.base);
}

static void kernel_alignment_must_be_a_power_of_two(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	f.kernel_alignment = 0x300000;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: kernel_alignment 0x300000 is not a power of two"), "%s", err);
	f.kernel_alignment = 0;
	CHECK_EQ(load_fake(&f, &ram, NULL, &st, err, sizeof(err)), -1);
	free(ram.base);
}

static void cmdline_limited_by_cmdline_size(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_options opts = { 0 };
	struct boot_state st;
	char err[256] = "";
	char *line = malloc(BOOT_CMDLINE_MAX + 1);

	f.cmdline_size = 16;
	memset(line, 'a', 16);
	line[16] = '\0';
	opts.cmdline = line;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), 0);
	CHECK(!strcmp((char *)ram.base + BOOT_CMDLINE_GPA, line));
	memset(ram.base, 0, RAM_SIZE);
	line[16] = 'b';
	line[17] = '\0';
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: command line is 17 bytes, the kernel takes at most 16"),
	      "%s", err);
	/* whatever cmdline_size claims, our buffer is the limit */
	f.cmdline_size = 0xffffffff;
	memset(line, 'c', BOOT_CMDLINE_MAX);
	line[BOOT_CMDLINE_MAX] = '\0';
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: command line longer than 65535 bytes"), "%s", err);
	line[BOOT_CMDLINE_MAX - 1] = '\0';
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), 0);
	CHECK_EQ(strlen((char *)ram.base + BOOT_CMDLINE_GPA), BOOT_CMDLINE_MAX - 1);
	free(line);
	free(ram.base);
}

static void initrd_too_big_for_ram_refused(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	uint8_t dummy = 0;
	struct boot_options opts = { .initrd = &dummy, .initrd_size = 40 * MiB };
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: initrd of 40 MiB does not fit between the kernel (ends at 0x700000) and 0x2000000 (end of RAM)"),
	      "%s", err);
	opts.initrd = NULL;
	opts.initrd_size = 10;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: initrd of 10 bytes has no data"), "%s", err);
	CHECK(all_zero(ram.base, RAM_SIZE));
	free(ram.base);
}

/*
 * The kernel (relocatable, runs at pref_address 4 MiB, init_size 3 MiB)
 * owns 1-7 MiB: an initrd that would dip below 7 MiB is refused, one that
 * ends exactly there fits.
 */
static void initrd_never_overlaps_the_kernel(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	uint8_t *initrd = pattern(27 * MiB, 6);
	struct boot_options opts = { .initrd = initrd, .initrd_size = 25 * MiB + 1 };
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "ends at 0x700000"), "%s", err);
	opts.initrd_size = 25 * MiB;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_IMAGE), 7 * MiB);
	CHECK(!memcmp(ram.base + 7 * MiB, initrd, 25 * MiB));

	/* not relocatable: it moves to pref_address 8 MiB and uses 3 MiB there */
	memset(ram.base, 0, RAM_SIZE);
	f.relocatable = 0;
	f.pref_address = 8 * MiB;
	opts.initrd_size = 21 * MiB;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_IMAGE), 11 * MiB);
	opts.initrd_size = 21 * MiB + 1;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "ends at 0xb00000"), "%s", err);

	/* relocatable, pref_address below 1 MiB: 1 MiB rounded up to 2 MiB */
	f = default_bz();
	f.pref_address = 0;
	opts.initrd_size = 27 * MiB;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_IMAGE), 5 * MiB);
	free(initrd);
	free(ram.base);
}

static void initrd_below_initrd_addr_max(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	uint8_t *initrd = pattern(MiB + 5, 8);
	struct boot_options opts = { .initrd = initrd, .initrd_size = MiB + 5 };
	struct boot_state st;
	char err[256] = "";

	f.initrd_addr_max = 16 * MiB - 1;
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), 0);
	/* 16 MiB - (1 MiB + 5), rounded down to a page */
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_IMAGE), 15 * MiB - 4096);
	CHECK(!memcmp(ram.base + 15 * MiB - 4096, initrd, MiB + 5));
	f.initrd_addr_max = 6 * MiB - 1;	/* below the kernel's 7 MiB */
	CHECK_EQ(load_fake(&f, &ram, &opts, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "and 0x600000 (initrd_addr_max)"), "%s", err);
	free(initrd);
	free(ram.base);
}

static void ram_size_limits(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram small = new_ram(MiB), none = { 0 };
	/* refused before any access, so a small buffer stands in for 4 GiB */
	struct guest_ram huge = { .base = small.base, .size = 4096 * MiB };
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_fake(&f, &small, NULL, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: guest has 1024 KiB of RAM, need at least 2048 KiB"), "%s", err);
	CHECK_EQ(load_fake(&f, &huge, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "bzImage: guest has 4096 MiB of RAM, at most 3072 MiB supported"), "%s", err);
	CHECK_EQ(load_fake(&f, &none, NULL, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "bzImage: no guest RAM"), "%s", err);
	free(small.base);
}

/*
 * A header that claims to run to 0x301 must not spill over the e820
 * table, and pointers it carries must not reach the kernel.
 */
static void lying_header_is_contained(void)
{
	struct fake_bz f = default_bz();
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";
	size_t size;
	uint8_t *img;

	f.jump_offset = 0xff;
	f.fill = 0xee;
	img = make_bzimage(&f, &size);
	wr64(img + SETUP_DATA, 0x12345678);
	wr64(img + HW_SUBARCH_DATA, 0x9abcdef0);
	wr32(img + HW_SUBARCH, 2);
	wr32(img + RAMDISK_IMAGE, 0x1000);
	wr32(img + RAMDISK_SIZE, 0x1000);
	wr32(img + CODE32_START, 0x4000000);
	CHECK_EQ(load_bzimage(&ram, img, size, NULL, &st, err, sizeof(err)), 0);
	CHECK_EQ(ram.base[BOOT_INFO_GPA + 0x28f], 0xee);	/* the header area is copied */
	CHECK(all_zero(ram.base + BOOT_INFO_GPA + 0x290, E820_TABLE - 0x290),
	      "bytes past the header area");
	check_e820(ram.base + BOOT_INFO_GPA, RAM_SIZE);
	CHECK_EQ(rd64(ram.base + BOOT_INFO_GPA + SETUP_DATA), 0);
	CHECK_EQ(rd64(ram.base + BOOT_INFO_GPA + HW_SUBARCH_DATA), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + HW_SUBARCH), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_IMAGE), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + RAMDISK_SIZE), 0);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA + CODE32_START), 0x100000);
	CHECK_EQ(st.rip, 0x100000);
	free(img);
	free(ram.base);
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len);
		if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)len;
	}
	fclose(f);
	return buf;
}

/* The distribution kernel of this machine (and of CI), into 256 MiB. */
static void loads_the_installed_kernel(void)
{
	const uint64_t ram_size = 256 * MiB;
	const char *cmdline = "console=ttyS0 earlyprintk=serial root=/dev/vda rw";
	glob_t g;
	size_t size = 0, initrd_size = 3 * MiB + 123;
	uint8_t *img, *initrd, *bp;
	struct guest_ram ram;
	struct boot_options opts = { .cmdline = cmdline, .initrd_size = initrd_size };
	struct boot_state st;
	char err[256] = "";
	unsigned int setup_sects;
	uint64_t limit, kernel_end, initrd_gpa;

	if (glob("/boot/vmlinuz-*", 0, NULL, &g) != 0) {
		check_skip("no /boot/vmlinuz-*");
		return;
	}
	img = read_file(g.gl_pathv[g.gl_pathc - 1], &size);
	if (!img) {
		check_skip("cannot read /boot/vmlinuz-*");
		globfree(&g);
		return;
	}
	ram = new_ram(ram_size);
	initrd = pattern(initrd_size, 11);
	opts.initrd = initrd;

	CHECK_EQ(detect_image_format(img, size), IMAGE_BZIMAGE);
	CHECK_EQ(load_bzimage(&ram, img, size, &opts, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s: %s", g.gl_pathv[g.gl_pathc - 1], err);
	check_linux_state(&st);
	bp = ram.base + BOOT_INFO_GPA;

	setup_sects = img[SETUP_SECTS] ? img[SETUP_SECTS] : 4;
	CHECK(!memcmp(ram.base + 0x100000, img + (setup_sects + 1) * 512,
		      size - (setup_sects + 1) * 512), "protected-mode kernel at 1 MiB");
	CHECK(rd16(bp + VERSION) >= 0x020a, "version %#x", rd16(bp + VERSION));
	CHECK(!memcmp(bp + 0x202, "HdrS", 4));
	CHECK_EQ(bp[LOADFLAGS] & 0x81, 0x81);
	CHECK_EQ(bp[TYPE_OF_LOADER], 0xff);
	CHECK_EQ(rd16(bp + VID_MODE), 0xffff);
	CHECK_EQ(rd32(bp + CODE32_START), 0x100000);
	CHECK_EQ(rd32(bp + CMDLINE_SIZE), rd32(img + CMDLINE_SIZE));
	CHECK_EQ(rd32(bp + INIT_SIZE), rd32(img + INIT_SIZE));
	CHECK_EQ(rd32(bp + CMD_LINE_PTR), BOOT_CMDLINE_GPA);
	CHECK(!strcmp((char *)ram.base + BOOT_CMDLINE_GPA, cmdline));

	limit = (uint64_t)rd32(img + INITRD_ADDR_MAX) + 1;
	if (limit > ram_size)
		limit = ram_size;
	initrd_gpa = (limit - initrd_size) & ~0xfffULL;
	kernel_end = rd64(img + PREF_ADDRESS) + rd32(img + INIT_SIZE);
	CHECK_EQ(rd32(bp + RAMDISK_IMAGE), initrd_gpa);
	CHECK_EQ(rd32(bp + RAMDISK_SIZE), initrd_size);
	CHECK(initrd_gpa >= kernel_end, "initrd %#llx inside the kernel (to %#llx)",
	      (unsigned long long)initrd_gpa, (unsigned long long)kernel_end);
	CHECK(!memcmp(ram.base + initrd_gpa, initrd, initrd_size));
	check_e820(bp, ram_size);

	/* a Linux bzImage carries no multiboot header */
	CHECK_EQ(load_multiboot(&ram, img, size, &opts, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "multiboot: no header"), "%s", err);

	free(initrd);
	free(img);
	free(ram.base);
	globfree(&g);
}

int main(void)
{
	check_prog = "loader_bzimage";
	RUN(detects_synthetic_bzimage);
	RUN(loads_synthetic_kernel_field_by_field);
	RUN(setup_sects_zero_means_four);
	RUN(protocol_2_05_refused);
	RUN(protocol_2_06_loads);
	RUN(header_too_short_for_its_version_refused);
	RUN(zimage_refused);
	RUN(every_truncation_refused_cleanly);
	RUN(kernel_larger_than_ram_refused);
	RUN(kernel_alignment_must_be_a_power_of_two);
	RUN(cmdline_limited_by_cmdline_size);
	RUN(initrd_too_big_for_ram_refused);
	RUN(initrd_never_overlaps_the_kernel);
	RUN(initrd_below_initrd_addr_max);
	RUN(ram_size_limits);
	RUN(lying_header_is_contained);
	RUN(loads_the_installed_kernel);
	return check_done();
}
