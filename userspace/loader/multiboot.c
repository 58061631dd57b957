// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot (version 1, spec 0.6.96) loader: ELF32 kernels by their
 * program headers, anything else through the header's a.out kludge.  The
 * initrd becomes module 0.  The info structure and its tables live in the
 * BOOT_INFO_GPA page, the command line at BOOT_CMDLINE_GPA (loader.h).
 */
#include <elf.h>
#include <stddef.h>
#include <string.h>
#include "loader_internal.h"

#define MB_HEADER_MAGIC		0x1BADB002
#define MB_SEARCH_LIMIT		8192
#define MB_HDR_MIN_SIZE		12	/* magic, flags, checksum */
#define MB_HDR_FLAGS		4
#define MB_HDR_CHECKSUM		8
#define MB_HDR_HEADER_ADDR	12	/* a.out kludge fields, valid with flag 16 */
#define MB_HDR_LOAD_ADDR	16
#define MB_HDR_LOAD_END_ADDR	20
#define MB_HDR_BSS_END_ADDR	24
#define MB_HDR_ENTRY_ADDR	28
#define MB_HDR_AOUT_SIZE	32

#define MB_FLAG_PAGE_ALIGN	(1u << 0)
#define MB_FLAG_MEMORY_INFO	(1u << 1)
#define MB_FLAG_VIDEO_MODE	(1u << 2)
#define MB_FLAG_AOUT_KLUDGE	(1u << 16)
/* Bits 0-15 are requirements: refuse the ones we do not meet. */
#define MB_FLAGS_REQUIRED	0xffffu
/*
 * Modules are always page aligned and memory info is always given; a
 * video mode request is tolerated by not claiming one in the info flags
 * (there is no framebuffer to describe).
 */
#define MB_FLAGS_HONOURED	(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | \
				 MB_FLAG_VIDEO_MODE)

/* multiboot_info fields and flags */
#define MBI_FLAGS		0
#define MBI_MEM_LOWER		4
#define MBI_MEM_UPPER		8
#define MBI_CMDLINE		16
#define MBI_MODS_COUNT		20
#define MBI_MODS_ADDR		24
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MBI_BOOT_LOADER_NAME	64
#define MBI_HAS_MEMORY		(1u << 0)
#define MBI_HAS_CMDLINE		(1u << 2)
#define MBI_HAS_MODS		(1u << 3)
#define MBI_HAS_MMAP		(1u << 6)
#define MBI_HAS_LOADER_NAME	(1u << 9)

/* Where the tables go, as offsets in the BOOT_INFO_GPA page */
#define MBI_PAGE_SIZE		4096
#define MBI_MMAP_OFF		0x100
#define MBI_MMAP_ENTRY_SIZE	24	/* the size field (20) counts the rest */
#define MBI_MODS_OFF		0x200
#define MBI_MOD_ENTRY_SIZE	16	/* mod_start, mod_end, string, reserved */
#define MBI_LOADER_NAME_OFF	0x300
#define MBI_MOD_STRING_OFF	0x340

#define MB_LOADER_NAME		"vmlab"
#define MB_INITRD_STRING	"initrd"
#define MB_MAX_SEGMENTS		16
#define ELF32_PHDR_SIZE		32

struct mb_segment {
	uint64_t paddr, vaddr;	/* where it goes; where the kernel links it */
	uint64_t offset, filesz, memsz;
};

/* A validated kernel: what to copy where, and where to jump. */
struct mb_kernel {
	const uint8_t *bytes;
	size_t size;
	size_t header_off;
	uint32_t flags;
	struct mb_segment seg[MB_MAX_SEGMENTS];
	unsigned int nseg;
	uint64_t entry;		/* physical */
	uint64_t end;		/* end of the highest segment */
	uint64_t module_gpa;
	size_t module_size;
	size_t cmdline_len;
};

enum mb_search multiboot_find_header(const uint8_t *image, size_t size,
				     size_t *offset)
{
	size_t limit = size < MB_SEARCH_LIMIT ? size : MB_SEARCH_LIMIT;
	enum mb_search result = MB_NOT_FOUND;

	for (size_t off = 0; off + MB_HDR_MIN_SIZE <= limit; off += 4) {
		const uint8_t *h = image + off;
		uint32_t sum;

		if (get_le32(h) != MB_HEADER_MAGIC)
			continue;
		sum = MB_HEADER_MAGIC + get_le32(h + MB_HDR_FLAGS) +
		      get_le32(h + MB_HDR_CHECKSUM);
		if (sum == 0) {
			*offset = off;
			return MB_FOUND;
		}
		if (result == MB_NOT_FOUND) {
			*offset = off;
			result = MB_BAD_CHECKSUM;
		}
	}
	return result;
}

static int mb_parse_header(struct mb_kernel *k, char *err, size_t errlen)
{
	uint32_t unmet;

	switch (multiboot_find_header(k->bytes, k->size, &k->header_off)) {
	case MB_FOUND:
		break;
	case MB_BAD_CHECKSUM:
		return loader_err(err, errlen,
				  "multiboot: header at 0x%zx has a bad checksum",
				  k->header_off);
	default:
		return loader_err(err, errlen,
				  "multiboot: no header in the first %d bytes",
				  MB_SEARCH_LIMIT);
	}
	k->flags = get_le32(k->bytes + k->header_off + MB_HDR_FLAGS);
	unmet = k->flags & MB_FLAGS_REQUIRED & ~MB_FLAGS_HONOURED;
	if (unmet)
		return loader_err(err, errlen,
				  "multiboot: header requires unsupported features (flags 0x%x)",
				  unmet);
	return 0;
}

/*
 * The a.out kludge: header_addr is where the header itself lands, which
 * ties file offsets to addresses; load_end_addr 0 means "to the end of
 * the file", bss_end_addr 0 means no bss.
 */
static int mb_parse_aout(struct mb_kernel *k, char *err, size_t errlen)
{
	const uint8_t *h = k->bytes + k->header_off;
	uint64_t header_addr, load_addr, load_end, bss_end, head, file_bytes;
	struct mb_segment *s = &k->seg[0];

	if (!image_range_ok(k->size, k->header_off, MB_HDR_AOUT_SIZE))
		return loader_err(err, errlen,
				  "multiboot: truncated a.out header (need %zu bytes, file has %zu)",
				  k->header_off + MB_HDR_AOUT_SIZE, k->size);
	header_addr = get_le32(h + MB_HDR_HEADER_ADDR);
	load_addr = get_le32(h + MB_HDR_LOAD_ADDR);
	load_end = get_le32(h + MB_HDR_LOAD_END_ADDR);
	bss_end = get_le32(h + MB_HDR_BSS_END_ADDR);

	/* Bytes of the image before the header that are loaded too. */
	if (load_addr > header_addr || header_addr - load_addr > k->header_off)
		return loader_err(err, errlen,
				  "multiboot: a.out load_addr 0x%llx does not fit header_addr 0x%llx at file offset 0x%zx",
				  (unsigned long long)load_addr,
				  (unsigned long long)header_addr, k->header_off);
	head = header_addr - load_addr;
	s->offset = k->header_off - head;
	file_bytes = k->size - s->offset;
	if (load_end == 0)
		load_end = load_addr + file_bytes;
	if (load_end < load_addr)
		return loader_err(err, errlen,
				  "multiboot: a.out load_end_addr 0x%llx is below load_addr 0x%llx",
				  (unsigned long long)load_end,
				  (unsigned long long)load_addr);
	if (load_end - load_addr > file_bytes)
		return loader_err(err, errlen,
				  "multiboot: truncated image (a.out load range needs %llu bytes from offset 0x%llx, file has %zu)",
				  (unsigned long long)(load_end - load_addr),
				  (unsigned long long)s->offset, k->size);
	if (bss_end == 0)
		bss_end = load_end;
	if (bss_end < load_end)
		return loader_err(err, errlen,
				  "multiboot: a.out bss_end_addr 0x%llx is below load_end_addr 0x%llx",
				  (unsigned long long)bss_end,
				  (unsigned long long)load_end);
	s->paddr = s->vaddr = load_addr;
	s->filesz = load_end - load_addr;
	s->memsz = bss_end - load_addr;
	k->nseg = 1;
	k->entry = get_le32(h + MB_HDR_ENTRY_ADDR);
	return 0;
}

static int mb_check_elf_header(const struct mb_kernel *k, char *err, size_t errlen)
{
	const uint8_t *e = k->bytes;
	uint16_t type, machine, phentsize;

	if (k->size < sizeof(Elf32_Ehdr))
		return loader_err(err, errlen,
				  "multiboot: truncated ELF header (need %zu bytes, file has %zu)",
				  sizeof(Elf32_Ehdr), k->size);
	if (e[EI_CLASS] != ELFCLASS32)
		return loader_err(err, errlen,
				  "multiboot: ELF class %u is not ELF32 (other kernels need the a.out kludge)",
				  e[EI_CLASS]);
	if (e[EI_DATA] != ELFDATA2LSB)
		return loader_err(err, errlen, "multiboot: ELF is not little endian");
	type = get_le16(e + offsetof(Elf32_Ehdr, e_type));
	machine = get_le16(e + offsetof(Elf32_Ehdr, e_machine));
	phentsize = get_le16(e + offsetof(Elf32_Ehdr, e_phentsize));
	if (machine != EM_386)
		return loader_err(err, errlen,
				  "multiboot: ELF machine %u is not x86 (EM_386)", machine);
	if (type != ET_EXEC)
		return loader_err(err, errlen,
				  "multiboot: ELF type %u is not an executable", type);
	if (phentsize != ELF32_PHDR_SIZE)
		return loader_err(err, errlen,
				  "multiboot: ELF program header size %u, expected %d",
				  phentsize, ELF32_PHDR_SIZE);
	return 0;
}

/* One PT_LOAD program header into @s; its file bytes must be in the image. */
static int mb_read_phdr(const struct mb_kernel *k, const uint8_t *ph,
			unsigned int index, struct mb_segment *s,
			char *err, size_t errlen)
{
	s->offset = get_le32(ph + offsetof(Elf32_Phdr, p_offset));
	s->vaddr = get_le32(ph + offsetof(Elf32_Phdr, p_vaddr));
	s->paddr = get_le32(ph + offsetof(Elf32_Phdr, p_paddr));
	s->filesz = get_le32(ph + offsetof(Elf32_Phdr, p_filesz));
	s->memsz = get_le32(ph + offsetof(Elf32_Phdr, p_memsz));
	if (s->filesz > s->memsz)
		return loader_err(err, errlen,
				  "multiboot: ELF segment %u has p_filesz 0x%llx > p_memsz 0x%llx",
				  index, (unsigned long long)s->filesz,
				  (unsigned long long)s->memsz);
	if (!image_range_ok(k->size, s->offset, s->filesz))
		return loader_err(err, errlen,
				  "multiboot: ELF segment %u bytes 0x%llx-0x%llx are beyond the file (%zu bytes)",
				  index, (unsigned long long)s->offset,
				  (unsigned long long)(s->offset + s->filesz), k->size);
	return 0;
}

static int mb_parse_elf(struct mb_kernel *k, char *err, size_t errlen)
{
	const uint8_t *e = k->bytes;
	uint32_t phoff;
	uint16_t phnum;

	if (mb_check_elf_header(k, err, errlen))
		return -1;
	phoff = get_le32(e + offsetof(Elf32_Ehdr, e_phoff));
	phnum = get_le16(e + offsetof(Elf32_Ehdr, e_phnum));
	if (!image_range_ok(k->size, phoff, (uint64_t)phnum * ELF32_PHDR_SIZE))
		return loader_err(err, errlen,
				  "multiboot: truncated ELF program headers (need %llu bytes, file has %zu)",
				  (unsigned long long)phoff + (uint64_t)phnum * ELF32_PHDR_SIZE,
				  k->size);
	k->nseg = 0;
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = e + phoff + (size_t)i * ELF32_PHDR_SIZE;

		if (get_le32(ph + offsetof(Elf32_Phdr, p_type)) != PT_LOAD ||
		    get_le32(ph + offsetof(Elf32_Phdr, p_memsz)) == 0)
			continue;
		if (k->nseg == MB_MAX_SEGMENTS)
			return loader_err(err, errlen,
					  "multiboot: more than %d PT_LOAD segments",
					  MB_MAX_SEGMENTS);
		if (mb_read_phdr(k, ph, i, &k->seg[k->nseg], err, errlen))
			return -1;
		k->nseg++;
	}
	if (!k->nseg)
		return loader_err(err, errlen, "multiboot: ELF has no PT_LOAD segment");
	/* virtual until mb_resolve_entry() */
	k->entry = get_le32(e + offsetof(Elf32_Ehdr, e_entry));
	return 0;
}

static bool segments_overlap(const struct mb_segment *a, const struct mb_segment *b)
{
	return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

/*
 * Every segment in RAM at or above 1 MiB (below is ours: GDT, stack,
 * info, command line), and no two overlapping (the result would depend
 * on copy order).
 */
static int mb_check_segments(struct mb_kernel *k, const struct guest_ram *ram,
			     char *err, size_t errlen)
{
	k->end = 0;
	for (unsigned int i = 0; i < k->nseg; i++) {
		const struct mb_segment *s = &k->seg[i];

		if (s->paddr < BOOT_KERNEL_GPA)
			return loader_err(err, errlen,
					  "multiboot: segment at 0x%llx is below 1 MiB (reserved for boot data)",
					  (unsigned long long)s->paddr);
		if (!guest_range_ok(ram, s->paddr, s->memsz))
			return loader_err(err, errlen,
					  "multiboot: segment 0x%llx-0x%llx is beyond guest RAM (%llu MiB)",
					  (unsigned long long)s->paddr,
					  (unsigned long long)(s->paddr + s->memsz),
					  (unsigned long long)(ram->size / MiB));
		for (unsigned int j = 0; j < i; j++)
			if (segments_overlap(s, &k->seg[j]))
				return loader_err(err, errlen,
						  "multiboot: segments at 0x%llx and 0x%llx overlap",
						  (unsigned long long)k->seg[j].paddr,
						  (unsigned long long)s->paddr);
		if (s->paddr + s->memsz > k->end)
			k->end = s->paddr + s->memsz;
	}
	return 0;
}

/*
 * The entry point must be loaded code.  ELF entries are virtual (higher-
 * half kernels): translate through the segment that holds them, as GRUB
 * does.  For the a.out kludge vaddr == paddr.
 */
static int mb_resolve_entry(struct mb_kernel *k, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < k->nseg; i++) {
		const struct mb_segment *s = &k->seg[i];

		if (k->entry >= s->vaddr && k->entry - s->vaddr < s->filesz) {
			k->entry = s->paddr + (k->entry - s->vaddr);
			return 0;
		}
	}
	return loader_err(err, errlen,
			  "multiboot: entry point 0x%llx is not in a loaded segment",
			  (unsigned long long)k->entry);
}

/* Module 0 on the first page boundary after the kernel. */
static int mb_place_module(struct mb_kernel *k, const struct guest_ram *ram,
			   const struct boot_options *opts, char *err, size_t errlen)
{
	uint64_t size = opts ? opts->initrd_size : 0;

	k->module_gpa = 0;
	k->module_size = 0;
	if (!size)
		return 0;
	if (!opts->initrd)
		return loader_err(err, errlen, "multiboot: initrd of %llu bytes has no data",
				  (unsigned long long)size);
	k->module_gpa = align_up(k->end, PAGE_SIZE_4K);
	if (!guest_range_ok(ram, k->module_gpa, size))
		return loader_err(err, errlen,
				  "multiboot: image needs %llu MiB (kernel ends at 0x%llx, initrd %llu MiB), guest has %llu MiB",
				  to_mib(k->module_gpa + size),
				  (unsigned long long)k->end, to_mib(size),
				  (unsigned long long)(ram->size / MiB));
	k->module_size = (size_t)size;
	return 0;
}

static int mb_check_cmdline(struct mb_kernel *k, const struct boot_options *opts,
			    char *err, size_t errlen)
{
	const char *cmdline = opts && opts->cmdline ? opts->cmdline : "";

	k->cmdline_len = strnlen(cmdline, BOOT_CMDLINE_MAX);
	if (k->cmdline_len >= BOOT_CMDLINE_MAX)
		return loader_err(err, errlen,
				  "multiboot: command line longer than %d bytes",
				  BOOT_CMDLINE_MAX - 1);
	return 0;
}

static void mb_fill_mmap(uint8_t *page, const struct guest_ram *ram)
{
	struct mem_region map[GUEST_MEM_REGIONS];

	loader_memory_map(ram, map);
	for (unsigned int i = 0; i < GUEST_MEM_REGIONS; i++) {
		uint8_t *e = page + MBI_MMAP_OFF + i * MBI_MMAP_ENTRY_SIZE;

		put_le32(e, MBI_MMAP_ENTRY_SIZE - 4);
		put_le64(e + 4, map[i].addr);
		put_le64(e + 12, map[i].size);
		put_le32(e + 20, map[i].type);
	}
	put_le32(page + MBI_MMAP_LENGTH, GUEST_MEM_REGIONS * MBI_MMAP_ENTRY_SIZE);
	put_le32(page + MBI_MMAP_ADDR, BOOT_INFO_GPA + MBI_MMAP_OFF);
}

/* The info page: multiboot_info at its start, its tables after it. */
static void mb_fill_info(uint8_t *page, const struct mb_kernel *k,
			 const struct guest_ram *ram)
{
	memset(page, 0, MBI_PAGE_SIZE);
	put_le32(page + MBI_FLAGS, MBI_HAS_MEMORY | MBI_HAS_CMDLINE | MBI_HAS_MODS |
				   MBI_HAS_MMAP | MBI_HAS_LOADER_NAME);
	put_le32(page + MBI_MEM_LOWER, BOOT_EBDA_GPA / KiB);
	put_le32(page + MBI_MEM_UPPER, (uint32_t)((ram->size - BOOT_KERNEL_GPA) / KiB));
	put_le32(page + MBI_CMDLINE, BOOT_CMDLINE_GPA);
	mb_fill_mmap(page, ram);
	memcpy(page + MBI_LOADER_NAME_OFF, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
	put_le32(page + MBI_BOOT_LOADER_NAME, BOOT_INFO_GPA + MBI_LOADER_NAME_OFF);
	put_le32(page + MBI_MODS_ADDR, BOOT_INFO_GPA + MBI_MODS_OFF);
	if (k->module_size) {
		uint8_t *mod = page + MBI_MODS_OFF;

		put_le32(page + MBI_MODS_COUNT, 1);
		put_le32(mod, (uint32_t)k->module_gpa);
		put_le32(mod + 4, (uint32_t)(k->module_gpa + k->module_size));
		put_le32(mod + 8, BOOT_INFO_GPA + MBI_MOD_STRING_OFF);
		memcpy(page + MBI_MOD_STRING_OFF, MB_INITRD_STRING,
		       sizeof(MB_INITRD_STRING));
	}
}

/* Only called once everything is checked, so a refused image leaves RAM alone. */
static void mb_write(struct guest_ram *ram, const struct mb_kernel *k,
		     const struct boot_options *opts)
{
	const char *cmdline = opts && opts->cmdline ? opts->cmdline : "";

	for (unsigned int i = 0; i < k->nseg; i++) {
		const struct mb_segment *s = &k->seg[i];

		memcpy(ram->base + s->paddr, k->bytes + s->offset, s->filesz);
		memset(ram->base + s->paddr + s->filesz, 0, s->memsz - s->filesz);
	}
	mb_fill_info(ram->base + BOOT_INFO_GPA, k, ram);
	memcpy(ram->base + BOOT_CMDLINE_GPA, cmdline, k->cmdline_len);
	ram->base[BOOT_CMDLINE_GPA + k->cmdline_len] = '\0';
	if (k->module_size)
		memcpy(ram->base + k->module_gpa, opts->initrd, k->module_size);
}

static bool is_elf(const uint8_t *image, size_t size)
{
	return size >= SELFMAG && !memcmp(image, ELFMAG, SELFMAG);
}

int load_multiboot(struct guest_ram *ram, const void *image, size_t size,
		   const struct boot_options *opts, struct boot_state *out,
		   char *err, size_t errlen)
{
	struct mb_kernel k = { .bytes = image, .size = image ? size : 0 };
	int r;

	if (mb_parse_header(&k, err, errlen))
		return -1;
	if (k.flags & MB_FLAG_AOUT_KLUDGE)
		r = mb_parse_aout(&k, err, errlen);
	else if (is_elf(k.bytes, k.size))
		r = mb_parse_elf(&k, err, errlen);
	else
		r = loader_err(err, errlen,
			       "multiboot: image is not ELF and its header has no a.out kludge (flag 16)");
	if (r || mb_resolve_entry(&k, err, errlen) ||
	    loader_check_ram(ram, "multiboot", err, errlen) ||
	    mb_check_segments(&k, ram, err, errlen) ||
	    mb_place_module(&k, ram, opts, err, errlen) ||
	    mb_check_cmdline(&k, opts, err, errlen))
		return -1;

	mb_write(ram, &k, opts);
	*out = (struct boot_state){
		.mode = BOOT_PROTECTED32,
		.cs = MULTIBOOT_BOOT_CS,
		.ds = MULTIBOOT_BOOT_DS,
		.rip = k.entry,
		.rsp = BOOT_STACK_TOP,	/* the spec leaves ESP undefined */
		.rax = MULTIBOOT_BOOTLOADER_MAGIC,
		.rbx = BOOT_INFO_GPA,
		.gdt_gpa = BOOT_GDT_GPA,
	};
	return 0;
}
