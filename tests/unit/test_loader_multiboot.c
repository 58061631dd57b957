// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the multiboot loader, with ELF32 and a.out-kludge
 * kernels built here in memory.
 */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "loader/loader.h"

#define MiB		(1024ULL * 1024)
#define RAM_SIZE	(16 * MiB)
#define RAM_FILL	0xaa	/* RAM starts dirty, to see what the loader zeroes */

#define MB_MAGIC	0x1BADB002
#define MB_PAGE_ALIGN	(1u << 0)
#define MB_MEMORY_INFO	(1u << 1)
#define MB_VIDEO_MODE	(1u << 2)
#define MB_AOUT		(1u << 16)

/*
 * The ELF kernel: text (holding the multiboot header) and data + bss, a
 * PT_NOTE in between that the loader must skip.
 */
#define PHDR_OFF	52
#define PH_TEXT		0
#define PH_NOTE		1
#define PH_DATA		2
#define TEXT_OFF	0x1000
#define TEXT_PADDR	0x100000
#define TEXT_SIZE	0x1000
#define DATA_OFF	0x2000
#define DATA_PADDR	0x200000
#define DATA_FILESZ	0x800
#define DATA_MEMSZ	0x2345	/* ends mid-page: the module goes to 0x203000 */
#define ELF_SIZE	(DATA_OFF + DATA_FILESZ)
#define ELF_ENTRY	(TEXT_PADDR + 0x40)
#define MODULE_GPA	0x203000

/* The a.out kernel: header at AOUT_HDR_OFF of a file loaded at AOUT_LOAD. */
#define AOUT_SIZE	0x1000
#define AOUT_HDR_OFF	0x40
#define AOUT_LOAD	0x100000
#define AOUT_LOAD_END	(AOUT_LOAD + 0xc00)
#define AOUT_BSS_END	(AOUT_LOAD + 0x2000)
#define AOUT_ENTRY	(AOUT_LOAD + 0x80)

/* multiboot_info offsets */
#define MBI_FLAGS	0
#define MBI_MEM_LOWER	4
#define MBI_MEM_UPPER	8
#define MBI_CMDLINE	16
#define MBI_MODS_COUNT	20
#define MBI_MODS_ADDR	24
#define MBI_MMAP_LENGTH	44
#define MBI_MMAP_ADDR	48
#define MBI_LOADER_NAME	64

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
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

/* A multiboot header with @flags and a matching checksum at @h. */
static void put_mb_header(uint8_t *h, uint32_t flags)
{
	wr32(h, MB_MAGIC);
	wr32(h + 4, flags);
	wr32(h + 8, -(MB_MAGIC + flags));
}

static void pattern_fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 29 + seed);
}

static uint8_t *pattern(size_t size, unsigned int seed)
{
	uint8_t *p = malloc(size ? size : 1);

	pattern_fill(p, size, seed);
	return p;
}

/* Field @field (an Elf32_Phdr member offset) of program header @i. */
static uint8_t *phdr(uint8_t *img, unsigned int i, size_t field)
{
	return img + PHDR_OFF + i * sizeof(Elf32_Phdr) + field;
}

static void set_phdr(uint8_t *img, unsigned int i, uint32_t type, uint32_t off,
		     uint32_t vaddr, uint32_t paddr, uint32_t filesz, uint32_t memsz)
{
	wr32(phdr(img, i, offsetof(Elf32_Phdr, p_type)), type);
	wr32(phdr(img, i, offsetof(Elf32_Phdr, p_offset)), off);
	wr32(phdr(img, i, offsetof(Elf32_Phdr, p_vaddr)), vaddr);
	wr32(phdr(img, i, offsetof(Elf32_Phdr, p_paddr)), paddr);
	wr32(phdr(img, i, offsetof(Elf32_Phdr, p_filesz)), filesz);
	wr32(phdr(img, i, offsetof(Elf32_Phdr, p_memsz)), memsz);
}

/* ELF_SIZE bytes; @vbase is added to the virtual addresses (higher half). */
static uint8_t *make_elf(uint32_t vbase)
{
	uint8_t *img = calloc(1, ELF_SIZE);

	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS32;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	wr16(img + offsetof(Elf32_Ehdr, e_type), ET_EXEC);
	wr16(img + offsetof(Elf32_Ehdr, e_machine), EM_386);
	wr32(img + offsetof(Elf32_Ehdr, e_version), EV_CURRENT);
	wr32(img + offsetof(Elf32_Ehdr, e_entry), vbase + ELF_ENTRY);
	wr32(img + offsetof(Elf32_Ehdr, e_phoff), PHDR_OFF);
	wr16(img + offsetof(Elf32_Ehdr, e_ehsize), sizeof(Elf32_Ehdr));
	wr16(img + offsetof(Elf32_Ehdr, e_phentsize), sizeof(Elf32_Phdr));
	wr16(img + offsetof(Elf32_Ehdr, e_phnum), 3);
	set_phdr(img, PH_TEXT, PT_LOAD, TEXT_OFF, vbase + TEXT_PADDR, TEXT_PADDR,
		 TEXT_SIZE, TEXT_SIZE);
	set_phdr(img, PH_NOTE, PT_NOTE, 0x200, 0, 0, 0x20, 0x20);
	set_phdr(img, PH_DATA, PT_LOAD, DATA_OFF, vbase + DATA_PADDR, DATA_PADDR,
		 DATA_FILESZ, DATA_MEMSZ);
	pattern_fill(img + TEXT_OFF, TEXT_SIZE, 1);
	pattern_fill(img + DATA_OFF, DATA_FILESZ, 2);
	put_mb_header(img + TEXT_OFF, MB_PAGE_ALIGN | MB_MEMORY_INFO);
	return img;
}

/* AOUT_SIZE bytes with the a.out kludge header at AOUT_HDR_OFF. */
static uint8_t *make_aout(uint32_t load_end, uint32_t bss_end)
{
	uint8_t *img = pattern(AOUT_SIZE, 3);
	uint8_t *h = img + AOUT_HDR_OFF;

	put_mb_header(h, MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_AOUT);
	wr32(h + 12, AOUT_LOAD + AOUT_HDR_OFF);	/* header_addr */
	wr32(h + 16, AOUT_LOAD);
	wr32(h + 20, load_end);
	wr32(h + 24, bss_end);
	wr32(h + 28, AOUT_ENTRY);
	return img;
}

static struct guest_ram new_ram(uint64_t size)
{
	struct guest_ram ram = { .base = malloc(size), .size = size };

	memset(ram.base, RAM_FILL, size);
	return ram;
}

static bool all_fill(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != RAM_FILL)
			return false;
	return true;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* Loads @img, expecting a refusal whose message contains @want. */
static void expect_refusal(const uint8_t *img, size_t size, const char *want)
{
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_multiboot(&ram, img, size, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, want), "got '%s', want '%s'", err, want);
	CHECK(!strchr(err, '\n'), "%s", err);
	CHECK(all_fill(ram.base, RAM_SIZE), "refused image wrote to RAM");
	free(ram.base);
}

static void check_state(const struct boot_state *st, uint64_t entry)
{
	CHECK_EQ(st->mode, BOOT_PROTECTED32);
	CHECK_EQ(st->cs, 0x08);
	CHECK_EQ(st->ds, 0x10);
	CHECK_EQ(st->rip, entry);
	CHECK_EQ(st->rax, 0x2BADB002);
	CHECK_EQ(st->rbx, BOOT_INFO_GPA);
	CHECK_EQ(st->rsp, BOOT_STACK_TOP);
	CHECK_EQ(st->gdt_gpa, BOOT_GDT_GPA);
}

/* Everything in the info structure, for a guest of @ram_size bytes. */
static void check_info(const uint8_t *ram, uint64_t ram_size, const char *cmdline,
		       uint64_t mod_start, const uint8_t *mod, size_t mod_size)
{
	const uint8_t *mbi = ram + BOOT_INFO_GPA;
	const uint8_t *e;
	static const uint64_t map[3][3] = {
		{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x60400, 2 }, { 0x100000, 0, 1 },
	};

	CHECK_EQ(rd32(mbi + MBI_FLAGS), 0x24d);	/* MEM CMDLINE MODS MMAP NAME */
	CHECK_EQ(rd32(mbi + MBI_MEM_LOWER), 639);
	CHECK_EQ(rd32(mbi + MBI_MEM_UPPER), (ram_size - MiB) / 1024);
	CHECK(all_zero(mbi + 12, 4), "boot_device");
	CHECK(all_zero(mbi + 28, 16), "syms");
	CHECK(all_zero(mbi + 52, 12), "drives, config_table");
	CHECK(all_zero(mbi + 68, 0x100 - 68), "apm, vbe, framebuffer");
	CHECK_EQ(rd32(mbi + MBI_CMDLINE), BOOT_CMDLINE_GPA);
	CHECK(!strcmp((const char *)ram + BOOT_CMDLINE_GPA, cmdline));
	CHECK(!strcmp((const char *)ram + rd32(mbi + MBI_LOADER_NAME), "vmlab"));

	CHECK_EQ(rd32(mbi + MBI_MMAP_LENGTH), 3 * 24);
	e = ram + rd32(mbi + MBI_MMAP_ADDR);
	CHECK_EQ(rd32(mbi + MBI_MMAP_ADDR), BOOT_INFO_GPA + 0x100);
	for (int i = 0; i < 3; i++, e += 24) {
		CHECK_EQ(rd32(e), 20);
		CHECK_EQ(rd64(e + 4), map[i][0]);
		CHECK_EQ(rd64(e + 12), i == 2 ? ram_size - MiB : map[i][1]);
		CHECK_EQ(rd32(e + 20), map[i][2]);
	}

	CHECK_EQ(rd32(mbi + MBI_MODS_COUNT), mod ? 1 : 0);
	CHECK(rd32(mbi + MBI_MODS_ADDR) >= BOOT_INFO_GPA &&
	      rd32(mbi + MBI_MODS_ADDR) < BOOT_INFO_GPA + 4096);
	if (mod) {
		e = ram + rd32(mbi + MBI_MODS_ADDR);
		CHECK_EQ(rd32(e), mod_start);
		CHECK_EQ(rd32(e) % 4096, 0);
		CHECK_EQ(rd32(e + 4), mod_start + mod_size);
		CHECK(!strcmp((const char *)ram + rd32(e + 8), "initrd"));
		CHECK_EQ(rd32(e + 12), 0);
		CHECK(!memcmp(ram + mod_start, mod, mod_size));
	}
}

static void detects_multiboot_kernels(void)
{
	uint8_t *elf = make_elf(0), *aout = make_aout(0, 0);

	CHECK_EQ(detect_image_format(elf, ELF_SIZE), IMAGE_MULTIBOOT);
	CHECK_EQ(detect_image_format(aout, AOUT_SIZE), IMAGE_MULTIBOOT);
	/* a bad checksum is no header */
	aout[AOUT_HDR_OFF + 8] ^= 1;
	CHECK_EQ(detect_image_format(aout, AOUT_SIZE), IMAGE_UNKNOWN);
	/* HdrS wins: checked first */
	memcpy(elf + 0x202, "HdrS", 4);
	CHECK_EQ(detect_image_format(elf, ELF_SIZE), IMAGE_BZIMAGE);
	free(elf);
	free(aout);
}

static void loads_elf_kernel_field_by_field(void)
{
	uint8_t *img = make_elf(0), *initrd = pattern(10000, 4);
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_options opts = {
		.cmdline = "kernel --verbose", .initrd = initrd, .initrd_size = 10000,
	};
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, &opts, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	check_state(&st, ELF_ENTRY);
	CHECK(!memcmp(ram.base + TEXT_PADDR, img + TEXT_OFF, TEXT_SIZE), "text");
	CHECK(all_fill(ram.base + TEXT_PADDR + TEXT_SIZE, 0x100), "after text");
	CHECK(!memcmp(ram.base + DATA_PADDR, img + DATA_OFF, DATA_FILESZ), "data");
	CHECK(all_zero(ram.base + DATA_PADDR + DATA_FILESZ, DATA_MEMSZ - DATA_FILESZ), "bss");
	CHECK_EQ(ram.base[DATA_PADDR + DATA_MEMSZ], RAM_FILL);
	CHECK(all_fill(ram.base + DATA_PADDR - 0x100, 0x100), "before data");
	CHECK(all_fill(ram.base + 0x200, 0x100), "PT_NOTE not loaded");
	check_info(ram.base, RAM_SIZE, "kernel --verbose", MODULE_GPA, initrd, 10000);
	CHECK(all_fill(ram.base + MODULE_GPA + 10000, 0x1000), "after the module");
	CHECK(all_fill(ram.base + BOOT_GDT_GPA, BOOT_INFO_GPA - BOOT_GDT_GPA),
	      "GDT and stack area untouched");
	free(img);
	free(initrd);
	free(ram.base);
}

static void higher_half_entry_is_translated(void)
{
	uint8_t *img = make_elf(0xc0000000);
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, NULL, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	check_state(&st, ELF_ENTRY);
	CHECK(!memcmp(ram.base + DATA_PADDR, img + DATA_OFF, DATA_FILESZ), "data at p_paddr");
	check_info(ram.base, RAM_SIZE, "", 0, NULL, 0);
	free(img);
	free(ram.base);
}

static void loads_aout_kludge_kernel(void)
{
	uint8_t *img = make_aout(AOUT_LOAD_END, AOUT_BSS_END), *initrd = pattern(5, 6);
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_options opts = { .cmdline = "a.out", .initrd = initrd, .initrd_size = 5 };
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_multiboot(&ram, img, AOUT_SIZE, &opts, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	check_state(&st, AOUT_ENTRY);
	CHECK(!memcmp(ram.base + AOUT_LOAD, img, AOUT_LOAD_END - AOUT_LOAD));
	CHECK(all_zero(ram.base + AOUT_LOAD_END, AOUT_BSS_END - AOUT_LOAD_END), "bss");
	/* the module follows right at the (page-aligned) end of the bss */
	check_info(ram.base, RAM_SIZE, "a.out", AOUT_BSS_END, initrd, 5);
	free(img);

	/* load_end_addr 0: the whole file; bss_end_addr 0: no bss */
	memset(ram.base, RAM_FILL, RAM_SIZE);
	img = make_aout(0, 0);
	CHECK_EQ(load_multiboot(&ram, img, AOUT_SIZE, &opts, &st, err, sizeof(err)), 0);
	CHECK(!memcmp(ram.base + AOUT_LOAD, img, AOUT_SIZE));
	check_info(ram.base, RAM_SIZE, "a.out", AOUT_LOAD + AOUT_SIZE, initrd, 5);
	CHECK_EQ(ram.base[AOUT_LOAD + AOUT_SIZE + 5], RAM_FILL);
	free(img);

	/* a 64-bit ELF kernel may boot through the kludge */
	img = make_aout(0, 0);
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	CHECK_EQ(load_multiboot(&ram, img, AOUT_SIZE, NULL, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	free(img);
	free(initrd);
	free(ram.base);
}

static void header_search_rules(void)
{
	uint8_t *img = make_aout(0, 0);
	size_t size = 0x3000;
	uint8_t *big = calloc(1, size);
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	/* at 8180 the 12 bytes end at 8192: found */
	memcpy(big + 8180, img + AOUT_HDR_OFF, 32);
	wr32(big + 8180 + 12, AOUT_LOAD + 8180);
	CHECK_EQ(detect_image_format(big, size), IMAGE_MULTIBOOT);
	CHECK_EQ(load_multiboot(&ram, big, size, NULL, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	memset(big, 0, size);
	/* at 8184 it would end past 8192: not searched */
	memcpy(big + 8184, img + AOUT_HDR_OFF, 32);
	CHECK_EQ(detect_image_format(big, size), IMAGE_UNKNOWN);
	expect_refusal(big, size, "multiboot: no header in the first 8192 bytes");
	memset(big, 0, size);
	/* not 4-byte aligned: not a header */
	memcpy(big + 0x42, img + AOUT_HDR_OFF, 32);
	expect_refusal(big, size, "no header");
	free(big);
	free(img);
	free(ram.base);
}

static void bad_checksum_refused(void)
{
	uint8_t *img = make_elf(0);

	img[TEXT_OFF + 8] ^= 0x10;
	expect_refusal(img, ELF_SIZE, "multiboot: header at 0x1000 has a bad checksum");
	free(img);
}

static void required_flags(void)
{
	uint8_t *img = make_elf(0);
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;
	char err[256] = "";

	put_mb_header(img + TEXT_OFF, MB_PAGE_ALIGN | (1u << 3) | (1u << 15));
	expect_refusal(img, ELF_SIZE,
		       "multiboot: header requires unsupported features (flags 0x8008)");
	/* video requested: booted, but no video info claimed */
	put_mb_header(img + TEXT_OFF, MB_VIDEO_MODE | (1u << 20));
	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, NULL, &st, err, sizeof(err)), 0);
	CHECK(!err[0], "%s", err);
	CHECK_EQ(rd32(ram.base + BOOT_INFO_GPA) & (3u << 11), 0);
	free(img);
	free(ram.base);
}

static void elf_must_be_32_bit_x86_executable(void)
{
	uint8_t *img = make_elf(0);

	img[EI_CLASS] = ELFCLASS64;
	expect_refusal(img, ELF_SIZE, "multiboot: ELF class 2 is not ELF32");
	img[EI_CLASS] = ELFCLASS32;
	wr16(img + offsetof(Elf32_Ehdr, e_machine), EM_X86_64);
	expect_refusal(img, ELF_SIZE, "multiboot: ELF machine 62 is not x86 (EM_386)");
	wr16(img + offsetof(Elf32_Ehdr, e_machine), EM_386);
	img[EI_DATA] = ELFDATA2MSB;
	expect_refusal(img, ELF_SIZE, "not little endian");
	img[EI_DATA] = ELFDATA2LSB;
	wr16(img + offsetof(Elf32_Ehdr, e_type), ET_DYN);
	expect_refusal(img, ELF_SIZE, "ELF type 3 is not an executable");
	wr16(img + offsetof(Elf32_Ehdr, e_type), ET_EXEC);
	wr16(img + offsetof(Elf32_Ehdr, e_phentsize), 56);
	expect_refusal(img, ELF_SIZE, "program header size 56");
	wr16(img + offsetof(Elf32_Ehdr, e_phentsize), sizeof(Elf32_Phdr));
	img[0] = 0;
	expect_refusal(img, ELF_SIZE, "not ELF and its header has no a.out kludge");
	free(img);
}

static void program_headers_are_checked(void)
{
	uint8_t *img = make_elf(0);

	wr16(img + offsetof(Elf32_Ehdr, e_phnum), 0xffff);
	expect_refusal(img, ELF_SIZE, "truncated ELF program headers");
	wr16(img + offsetof(Elf32_Ehdr, e_phnum), 3);
	wr32(img + offsetof(Elf32_Ehdr, e_phoff), 0xfffffff0);
	expect_refusal(img, ELF_SIZE, "truncated ELF program headers");
	wr32(img + offsetof(Elf32_Ehdr, e_phoff), PHDR_OFF);
	wr32(phdr(img, PH_TEXT, offsetof(Elf32_Phdr, p_type)), PT_NULL);
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_memsz)), 0);
	expect_refusal(img, ELF_SIZE, "multiboot: ELF has no PT_LOAD segment");
	free(img);
}

static void segment_file_bytes_must_be_in_the_file(void)
{
	uint8_t *img = make_elf(0);

	/* p_offset + p_filesz one past the end */
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_offset)), DATA_OFF + 1);
	expect_refusal(img, ELF_SIZE,
		       "multiboot: ELF segment 2 bytes 0x2001-0x2801 are beyond the file (10240 bytes)");
	/* and wrapping around 2^32 */
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_offset)), 0xfffff000);
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_filesz)), 0x2000);
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_memsz)), 0x3000);
	expect_refusal(img, ELF_SIZE, "beyond the file");
	free(img);
	img = make_elf(0);
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_filesz)), DATA_MEMSZ + 1);
	expect_refusal(img, ELF_SIZE, "p_filesz 0x2346 > p_memsz 0x2345");
	free(img);
}

static void segments_must_fit_in_ram_above_1mib(void)
{
	uint8_t *img = make_elf(0);

	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_paddr)), RAM_SIZE - 0x2000);
	expect_refusal(img, ELF_SIZE, "multiboot: segment 0xffe000-0x1000345 is beyond guest RAM (16 MiB)");
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_paddr)), 0xffffff00);
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_memsz)), 0xffffffff);
	expect_refusal(img, ELF_SIZE, "beyond guest RAM");
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_paddr)), 0x8000);
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_memsz)), DATA_MEMSZ);
	expect_refusal(img, ELF_SIZE, "multiboot: segment at 0x8000 is below 1 MiB");
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_paddr)), TEXT_PADDR + TEXT_SIZE - 1);
	expect_refusal(img, ELF_SIZE, "multiboot: segments at 0x100000 and 0x100fff overlap");
	wr32(phdr(img, PH_DATA, offsetof(Elf32_Phdr, p_paddr)), TEXT_PADDR + TEXT_SIZE);
	{
		struct guest_ram ram = new_ram(RAM_SIZE);
		struct boot_state st;
		char err[256] = "";

		CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, NULL, &st, err, sizeof(err)), 0);
		CHECK(!err[0], "adjacent segments: %s", err);
		free(ram.base);
	}
	free(img);
}

static void entry_must_be_loaded_code(void)
{
	uint8_t *img = make_elf(0);

	wr32(img + offsetof(Elf32_Ehdr, e_entry), DATA_PADDR + DATA_FILESZ);
	expect_refusal(img, ELF_SIZE, "multiboot: entry point 0x200800 is not in a loaded segment");
	free(img);
	img = make_aout(0, 0);
	wr32(img + AOUT_HDR_OFF + 28, AOUT_LOAD + AOUT_SIZE);
	expect_refusal(img, AOUT_SIZE, "not in a loaded segment");
	free(img);
}

static void aout_fields_are_checked(void)
{
	uint8_t *img = make_aout(0, 0);
	uint8_t *h = img + AOUT_HDR_OFF;

	wr32(h + 16, AOUT_LOAD + AOUT_HDR_OFF + 4);	/* load_addr > header_addr */
	expect_refusal(img, AOUT_SIZE, "does not fit header_addr");
	wr32(h + 16, AOUT_LOAD - 4);			/* header would be past offset 0x40 */
	expect_refusal(img, AOUT_SIZE, "does not fit header_addr");
	wr32(h + 16, AOUT_LOAD);
	wr32(h + 20, AOUT_LOAD - 1);
	expect_refusal(img, AOUT_SIZE, "load_end_addr 0xfffff is below load_addr");
	wr32(h + 20, AOUT_LOAD + AOUT_SIZE + 1);
	expect_refusal(img, AOUT_SIZE,
		       "multiboot: truncated image (a.out load range needs 4097 bytes from offset 0x0, file has 4096)");
	wr32(h + 20, AOUT_LOAD_END);
	wr32(h + 24, AOUT_LOAD_END - 1);
	expect_refusal(img, AOUT_SIZE, "bss_end_addr 0x100bff is below load_end_addr");
	wr32(h + 24, RAM_SIZE + 1);
	expect_refusal(img, AOUT_SIZE, "beyond guest RAM");
	free(img);
}

/*
 * Every prefix, each in an allocation of exactly its size (ASan sees any
 * read past it): refused with one line, RAM untouched.
 */
static void every_truncation_refused_cleanly(void)
{
	uint8_t *elf = make_elf(0), *aout = make_aout(AOUT_LOAD + AOUT_SIZE, 0);
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_state st;

	for (size_t len = 0; len < ELF_SIZE + AOUT_SIZE; len++) {
		bool is_elf = len < ELF_SIZE;
		size_t n = is_elf ? len : len - ELF_SIZE;
		uint8_t *cut = malloc(n ? n : 1);
		char err[256] = "";

		memcpy(cut, is_elf ? elf : aout, n);
		CHECK_EQ(load_multiboot(&ram, cut, n, NULL, &st, err, sizeof(err)), -1);
		CHECK(!strncmp(err, "multiboot: ", 11) && !strchr(err, '\n'),
		      "%s %zu: '%s'", is_elf ? "elf" : "a.out", n, err);
		free(cut);
	}
	CHECK(all_fill(ram.base, RAM_SIZE), "refused images wrote to RAM");
	{
		char err[256] = "";

		CHECK_EQ(load_multiboot(&ram, NULL, 100, NULL, &st, err, sizeof(err)), -1);
		CHECK(err[0]);
		/* header right at the end of the file, a.out fields cut off */
		memmove(aout, aout + AOUT_HDR_OFF, 12);
		CHECK_EQ(load_multiboot(&ram, aout, 12, NULL, &st, err, sizeof(err)), -1);
		CHECK(!strcmp(err, "multiboot: truncated a.out header (need 32 bytes, file has 12)"),
		      "%s", err);
	}
	free(elf);
	free(aout);
	free(ram.base);
}

static void initrd_must_fit_above_the_kernel(void)
{
	uint8_t *img = make_elf(0), *initrd = pattern(RAM_SIZE - MODULE_GPA + 1, 9);
	struct guest_ram ram = new_ram(RAM_SIZE);
	struct boot_options opts = { .initrd = initrd, .initrd_size = RAM_SIZE - MODULE_GPA + 1 };
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, &opts, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "multiboot: image needs 17 MiB (kernel ends at 0x202345, initrd 14 MiB), guest has 16 MiB"),
	      "%s", err);
	CHECK(all_fill(ram.base, RAM_SIZE));
	opts.initrd_size--;
	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, &opts, &st, err, sizeof(err)), 0);
	check_info(ram.base, RAM_SIZE, "", MODULE_GPA, initrd, opts.initrd_size);
	opts.initrd = NULL;
	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, &opts, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "has no data"), "%s", err);
	free(img);
	free(initrd);
	free(ram.base);
}

static void cmdline_and_ram_limits(void)
{
	uint8_t *img = make_elf(0);
	struct guest_ram ram = new_ram(RAM_SIZE), small = new_ram(MiB);
	struct guest_ram huge = { .base = small.base, .size = 4096 * MiB };
	char *line = malloc(BOOT_CMDLINE_MAX + 1);
	struct boot_options opts = { .cmdline = line };
	struct boot_state st;
	char err[256] = "";

	memset(line, 'm', BOOT_CMDLINE_MAX);
	line[BOOT_CMDLINE_MAX] = '\0';
	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, &opts, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "multiboot: command line longer than 65535 bytes"), "%s", err);
	CHECK(all_fill(ram.base, RAM_SIZE));
	line[BOOT_CMDLINE_MAX - 1] = '\0';
	CHECK_EQ(load_multiboot(&ram, img, ELF_SIZE, &opts, &st, err, sizeof(err)), 0);
	CHECK(!strcmp((char *)ram.base + BOOT_CMDLINE_GPA, line));
	CHECK_EQ(load_multiboot(&small, img, ELF_SIZE, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "need at least 2048 KiB"), "%s", err);
	CHECK_EQ(load_multiboot(&huge, img, ELF_SIZE, NULL, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "at most 3072 MiB"), "%s", err);
	free(line);
	free(img);
	free(small.base);
	free(ram.base);
}

int main(void)
{
	check_prog = "loader_multiboot";
	RUN(detects_multiboot_kernels);
	RUN(loads_elf_kernel_field_by_field);
	RUN(higher_half_entry_is_translated);
	RUN(loads_aout_kludge_kernel);
	RUN(header_search_rules);
	RUN(bad_checksum_refused);
	RUN(required_flags);
	RUN(elf_must_be_32_bit_x86_executable);
	RUN(program_headers_are_checked);
	RUN(segment_file_bytes_must_be_in_the_file);
	RUN(segments_must_fit_in_ram_above_1mib);
	RUN(entry_must_be_loaded_code);
	RUN(aout_fields_are_checked);
	RUN(every_truncation_refused_cleanly);
	RUN(initrd_must_fit_above_the_kernel);
	RUN(cmdline_and_ram_limits);
	return check_done();
}
