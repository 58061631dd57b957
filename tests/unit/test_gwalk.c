// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the guest page-table walk (kmod/gwalk.c, built in here).
 *
 * Each case builds page tables in a fake 1 MiB guest RAM and checks the
 * translation or the exact #PF error code the MMU would produce.  The
 * bit values below are spelt out again instead of taken from gwalk.c so
 * that a wrong constant there cannot hide behind the same one here.
 */
#include <stdbool.h>
#include <string.h>
#include "check.h"
#include "../../kmod/gwalk.c"

#define RAM_SIZE	0x100000ULL

#define E_P	(1ULL << 0)
#define E_RW	(1ULL << 1)
#define E_US	(1ULL << 2)
#define E_PS	(1ULL << 7)
#define E_PAT_LARGE	(1ULL << 12)
#define E_XD	(1ULL << 63)
#define E_ALL	(E_P | E_RW | E_US)
#define E_ADDR	0x000ffffffffff000ULL
/* Accessed, dirty, global, PCD, PWT and the software-available bits. */
#define E_NOISE_LOW	0xe78ULL
/* Bits 62:52: ignored or protection keys, never address bits. */
#define E_NOISE_HIGH	0x7ff0000000000000ULL

#define CR0_PE		(1ULL << 0)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define CR4_SMEP	(1ULL << 20)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

#define R	0u
#define W	VMLAB_GWALK_WRITE
#define U	VMLAB_GWALK_USER
#define F	VMLAB_GWALK_FETCH
#define PF_P	VMLAB_GWALK_PF_PRESENT
#define PF_RSVD	VMLAB_GWALK_PF_RSVD

#define KB4	0x1000ULL
#define MB2	0x200000ULL
#define MB4	0x400000ULL
#define GB1	0x40000000ULL

static __u8 ram[RAM_SIZE];
static __u64 next_page;

/* What the walk asked of guest memory. */
static struct {
	unsigned int reads;
	unsigned int bad_reads;		/* unaligned, odd size or wrong opaque */
	unsigned int sizes;		/* OR of every size asked for */
	bool dirty_upper_half;		/* leave junk above 4-byte entries */
} mem_log;

static int ram_read(void *opaque, __u64 gpa, __u64 *val, unsigned int size)
{
	__u64 v = 0;

	mem_log.reads++;
	mem_log.sizes |= size;
	if (opaque != &mem_log || (size != 4 && size != 8) || gpa % size)
		mem_log.bad_reads++;
	if (gpa >= RAM_SIZE || RAM_SIZE - gpa < size)
		return -1;
	for (unsigned int i = 0; i < size; i++)
		v |= (__u64)ram[gpa + i] << (8 * i);
	if (size == 4 && mem_log.dirty_upper_half)
		v |= 0xffffffff00000000ULL;
	*val = v;
	return 0;
}

static const struct vmlab_gwalk_mem mem = { ram_read, &mem_log };

static __u64 rd64(__u64 gpa)
{
	__u64 v = 0;

	for (int i = 0; i < 8; i++)
		v |= (__u64)ram[gpa + i] << (8 * i);
	return v;
}

static void wr64(__u64 gpa, __u64 v)
{
	for (int i = 0; i < 8; i++)
		ram[gpa + i] = (__u8)(v >> (8 * i));
}

static void wr32(__u64 gpa, __u64 v)
{
	for (int i = 0; i < 4; i++)
		ram[gpa + i] = (__u8)(v >> (8 * i));
}

static __u64 rd32(__u64 gpa)
{
	return rd64(gpa) & 0xffffffffULL;
}

static void set64(__u64 gpa, __u64 bits)
{
	wr64(gpa, rd64(gpa) | bits);
}

static void clear64(__u64 gpa, __u64 bits)
{
	wr64(gpa, rd64(gpa) & ~bits);
}

static void reset(void)
{
	memset(ram, 0, sizeof(ram));
	memset(&mem_log, 0, sizeof(mem_log));
	next_page = KB4;	/* page 0 stays empty, like a null table */
}

static __u64 new_table(void)
{
	__u64 t = next_page;

	next_page += KB4;
	if (next_page > RAM_SIZE) {
		CHECK(0, "fake RAM exhausted");
		return 0;
	}
	return t;
}

/* The 8-byte slot for @gva at @level (1 = PTE) of @table. */
static __u64 slot(__u64 table, __u64 gva, int level)
{
	return table + ((gva >> (12 + 9 * (level - 1))) & 511) * 8;
}

/*
 * Maps @gva to @frame with the leaf at @leaf, in 8-byte-entry tables whose
 * top level @top sits at @root, giving every new entry @flags.  Returns
 * the leaf's address.
 */
static __u64 map(__u64 root, int top, __u64 gva, __u64 frame, int leaf,
		 __u64 flags)
{
	__u64 table = root;

	for (int level = top; level > leaf; level--) {
		__u64 e = slot(table, gva, level);

		if (!(rd64(e) & E_P))
			wr64(e, new_table() | flags);
		table = rd64(e) & E_ADDR;
	}
	wr64(slot(table, gva, leaf), frame | flags | (leaf > 1 ? E_PS : 0));
	return slot(table, gva, leaf);
}

/* The entry at @level on @gva's path, to tamper with. */
static __u64 entry_at(__u64 root, int top, __u64 gva, int level)
{
	__u64 table = root;

	for (int l = top; l > level; l--)
		table = rd64(slot(table, gva, l)) & E_ADDR;
	return slot(table, gva, level);
}

/* 32-bit paging: maps the 4 KiB page at @gva, returns the PTE's address. */
static __u64 map32(__u64 pd, __u64 gva, __u64 frame, __u64 flags)
{
	__u64 pde = pd + ((gva >> 22) & 1023) * 4;
	__u64 pte;

	if (!(rd32(pde) & E_P))
		wr32(pde, new_table() | flags);
	pte = (rd32(pde) & 0xfffff000ULL) + ((gva >> 12) & 1023) * 4;
	wr32(pte, frame | flags);
	return pte;
}

static __u64 pde32(__u64 pd, __u64 gva)
{
	return pd + ((gva >> 22) & 1023) * 4;
}

static struct vmlab_gwalk_regs regs32(__u64 cr3, __u64 cr4)
{
	struct vmlab_gwalk_regs r = {
		.cr0 = CR0_PE | CR0_WP | CR0_PG, .cr3 = cr3, .cr4 = cr4,
	};

	return r;
}

static struct vmlab_gwalk_regs regs_pae(__u64 cr3, bool nxe)
{
	struct vmlab_gwalk_regs r = {
		.cr0 = CR0_PE | CR0_WP | CR0_PG,
		.cr3 = cr3,
		.cr4 = CR4_PAE,
		.efer = nxe ? EFER_NXE : 0,
	};

	return r;
}

static struct vmlab_gwalk_regs regs_long(__u64 cr3, bool la57, bool nxe)
{
	struct vmlab_gwalk_regs r = {
		.cr0 = CR0_PE | CR0_WP | CR0_PG,
		.cr3 = cr3,
		.cr4 = CR4_PAE | (la57 ? CR4_LA57 : 0),
		.efer = EFER_LME | EFER_LMA | (nxe ? EFER_NXE : 0),
	};

	return r;
}

static struct vmlab_gwalk_result res;

static int walk(const struct vmlab_gwalk_regs *regs, __u64 gva, __u32 access)
{
	memset(&res, 0xa5, sizeof(res));
	mem_log.reads = 0;
	return vmlab_gwalk(regs, &mem, gva, access, &res);
}

/* Macros, so that a failure names the line of the case. */
#define CHECK_GPA(regs, gva, access, want)				\
	do {								\
		CHECK_EQ(walk(regs, gva, access), 0);			\
		CHECK_EQ(res.gpa, want);				\
		CHECK_EQ(res.pf_error, 0);				\
		CHECK_EQ(mem_log.bad_reads, 0);				\
	} while (0)

#define CHECK_PF(regs, gva, access, want)				\
	do {								\
		CHECK_EQ(walk(regs, gva, access), VMLAB_GWALK_PF);	\
		CHECK_EQ(res.pf_error, want);				\
		CHECK_EQ(mem_log.bad_reads, 0);				\
	} while (0)

#define CHECK_RET(regs, gva, access, want)				\
	do {								\
		CHECK_EQ(walk(regs, gva, access), want);		\
		CHECK_EQ(res.pf_error, 0);				\
		CHECK_EQ(mem_log.bad_reads, 0);				\
	} while (0)

static void paging_off_is_identity_within_4g(void)
{
	struct vmlab_gwalk_regs r = {
		.cr0 = CR0_PE | CR0_WP, .cr3 = 0x1234000,
		.cr4 = CR4_PAE | CR4_PSE, .efer = EFER_NXE,
	};

	reset();
	CHECK_GPA(&r, 0x12345678, R, 0x12345678);
	CHECK_EQ(res.level, 0);
	CHECK_EQ(res.page_size, 0x100000000ULL);
	CHECK_EQ(mem_log.reads, 0);
	CHECK_GPA(&r, 0x12345678, W | U | F, 0x12345678);
	CHECK_GPA(&r, 0xffffffff, R, 0xffffffff);
	CHECK_GPA(&r, 0x100000abcULL, R, 0xabc);
	CHECK_GPA(&r, 0xffffffff00000010ULL, W, 0x10);
}

static void legacy32_4k_pages(void)
{
	__u64 pd, pte, gva = 0x12345678;
	struct vmlab_gwalk_regs r;

	reset();
	pd = new_table();
	pte = map32(pd, gva, 0xabcde000, E_ALL);
	map32(pd, 0xfffff000, 0x1000, E_ALL);
	r = regs32(pd | 0x18, 0);	/* PWT and PCD are no address */

	CHECK_GPA(&r, gva, R, 0xabcde678);
	CHECK_EQ(res.level, 1);
	CHECK_EQ(res.page_size, KB4);
	CHECK_EQ(mem_log.reads, 2);
	CHECK_EQ(mem_log.sizes, 4);
	CHECK_GPA(&r, 0x12345000, W | U | F, 0xabcde000);
	CHECK_GPA(&r, 0x12345fff, R, 0xabcdefff);
	CHECK_GPA(&r, 0xffffffff, R, 0x1fff);

	wr32(pte, rd32(pte) | E_NOISE_LOW);
	CHECK_GPA(&r, gva, W, 0xabcde678);
	CHECK_PF(&r, 0x12346678, R, 0);	/* neighbour PTE is empty */
}

static void legacy32_linear_addresses_wrap_at_4g(void)
{
	__u64 pd;
	struct vmlab_gwalk_regs r;

	reset();
	pd = new_table();
	map32(pd, 0x12345678, 0xabcde000, E_ALL);
	r = regs32(pd, CR4_PSE);
	CHECK_GPA(&r, 0xdead000012345678ULL, R, 0xabcde678);
}

static void legacy32_4m_pages_only_with_pse(void)
{
	__u64 pd, pt, gva = 0x009abcde;
	struct vmlab_gwalk_regs with = regs32(0, CR4_PSE);
	struct vmlab_gwalk_regs without = regs32(0, 0);

	reset();
	pd = new_table();
	pt = new_table();
	with.cr3 = without.cr3 = pd;
	/* The same PDE is a 4 MiB page with PSE, a page table without. */
	wr32(pde32(pd, gva), pt | E_PS | E_ALL);
	wr32(pt + ((gva >> 12) & 1023) * 4, 0x5000 | E_ALL);

	/* The PS bit turns the table address into frame and PSE-36 bits. */
	CHECK_GPA(&with, gva, R, ((pt & 0x1fe000) << 19) | 0x1abcde);
	CHECK_EQ(res.level, 2);
	CHECK_EQ(res.page_size, MB4);
	CHECK_EQ(mem_log.reads, 1);

	CHECK_GPA(&without, gva, R, 0x5cde);
	CHECK_EQ(res.level, 1);
	CHECK_EQ(res.page_size, KB4);
	CHECK_EQ(mem_log.reads, 2);

	wr32(pde32(pd, gva), 0x12c00000 | E_PAT_LARGE | E_PS | E_ALL);
	CHECK_GPA(&with, gva, W, 0x12c00000 + 0x1abcde);
	CHECK_GPA(&with, 0x00bfffff, R, 0x12ffffff);
	CHECK_GPA(&with, 0x00800000, R, 0x12c00000);
}

static void legacy32_pse36_high_bits(void)
{
	__u64 pd, gva = 0x00c12345;
	struct vmlab_gwalk_regs r;

	reset();
	pd = new_table();
	r = regs32(pd, CR4_PSE);

	wr32(pde32(pd, gva), 0xffc00000 | (0xffULL << 13) | E_PS | E_ALL);
	CHECK_GPA(&r, gva, R, 0xffffc12345ULL);
	wr32(pde32(pd, gva), 0x00400000 | (1ULL << 13) | E_PS | E_ALL);
	CHECK_GPA(&r, gva, R, 0x100412345ULL);
	wr32(pde32(pd, gva), 0x00400000 | (1ULL << 20) | E_PS | E_ALL);
	CHECK_GPA(&r, gva, R, 0x8000412345ULL);
	wr32(pde32(pd, gva), 0x00400000 | (0x5aULL << 13) | E_PS | E_ALL);
	CHECK_GPA(&r, gva, R, 0x5a00412345ULL);

	/* Bit 21 lies above the widest PSE-36 address: reserved. */
	wr32(pde32(pd, gva), 0x00400000 | (1ULL << 21) | E_PS | E_ALL);
	CHECK_PF(&r, gva, R, PF_P | PF_RSVD);
	CHECK_PF(&r, gva, W | U, PF_P | PF_RSVD | W | U);
	/* Without PSE it is a table pointer, bit 21 just an address bit. */
	r.cr4 = 0;
	CHECK_RET(&r, gva, R, VMLAB_GWALK_BAD_TABLE);
}

static void legacy32_faults(void)
{
	__u64 pd, pte, gva = 0x00401abc;
	struct vmlab_gwalk_regs r;

	reset();
	pd = new_table();
	pte = map32(pd, gva, 0x7000, E_ALL);
	r = regs32(pd, CR4_PSE);

	CHECK_PF(&r, 0x80000000, R, 0);
	CHECK_PF(&r, 0x80000000, W, W);
	CHECK_PF(&r, 0x80000000, W | U, W | U);
	CHECK_PF(&r, 0x00402000, U, U);

	wr32(pte, rd32(pte) & ~E_US);
	CHECK_PF(&r, gva, U, PF_P | U);
	CHECK_PF(&r, gva, U | W, PF_P | U | W);
	CHECK_GPA(&r, gva, W, 0x7abc);
	wr32(pte, rd32(pte) | E_US);
	wr32(pde32(pd, gva), rd32(pde32(pd, gva)) & ~E_US);
	CHECK_PF(&r, gva, U, PF_P | U);
	wr32(pde32(pd, gva), rd32(pde32(pd, gva)) | E_US);

	wr32(pde32(pd, gva), rd32(pde32(pd, gva)) & ~E_RW);
	CHECK_PF(&r, gva, U | W, PF_P | U | W);
	CHECK_PF(&r, gva, W, PF_P | W);
	CHECK_GPA(&r, gva, U, 0x7abc);
	r.cr0 &= ~CR0_WP;
	CHECK_GPA(&r, gva, W, 0x7abc);
	CHECK_PF(&r, gva, U | W, PF_P | U | W);
}

static void legacy32_has_no_execute_disable(void)
{
	__u64 pd, gva = 0x00401abc;
	struct vmlab_gwalk_regs r;

	reset();
	pd = new_table();
	map32(pd, gva, 0x7000, E_ALL);
	r = regs32(pd, 0);
	r.efer = EFER_NXE;	/* XD needs PAE; I/D too */

	CHECK_GPA(&r, gva, F | U, 0x7abc);
	CHECK_PF(&r, 0x80000000, F, 0);
	CHECK_PF(&r, 0x80000000, F | U, U);
	/* SMEP alone makes I/D appear, as on the hardware. */
	r.cr4 |= CR4_SMEP;
	CHECK_PF(&r, 0x80000000, F, F);
}

static void legacy32_ignores_the_upper_half_of_a_read(void)
{
	__u64 pd, gva = 0x00401abc;
	struct vmlab_gwalk_regs r;

	reset();
	pd = new_table();
	map32(pd, gva, 0x7000, E_ALL);
	wr32(pde32(pd, 0x00c00000), 0x00c00000 | E_PS | E_ALL);
	r = regs32(pd, CR4_PSE);
	r.efer = EFER_NXE;
	mem_log.dirty_upper_half = true;

	CHECK_GPA(&r, gva, F | W | U, 0x7abc);
	CHECK_GPA(&r, 0x00c01234, F, 0x00c01234);
}

static void pae_pages_and_pdpt_alignment(void)
{
	__u64 page, pdpt, pd, gva = 0xc0201abc;
	struct vmlab_gwalk_regs r;

	reset();
	page = new_table();
	pdpt = page + 0x20;	/* 32-byte aligned is enough */
	pd = new_table();
	wr64(pdpt + 3 * 8, pd | E_P);
	map(pd, 2, gva, 0xabcdef0000ULL, 1, E_ALL);
	map(pd, 2, 0xc0412345, 0x123400000ULL, 2, E_ALL | E_PAT_LARGE);
	r = regs_pae(pdpt | 0x18, false);

	CHECK_GPA(&r, gva, R, 0xabcdef0abcULL);
	CHECK_EQ(res.level, 1);
	CHECK_EQ(res.page_size, KB4);
	CHECK_EQ(mem_log.reads, 3);
	CHECK_EQ(mem_log.sizes, 8);
	CHECK_GPA(&r, 0x1c0201abcULL, W | U, 0xabcdef0abcULL);

	CHECK_GPA(&r, 0xc0412345, R, 0x123412345ULL);
	CHECK_EQ(res.level, 2);
	CHECK_EQ(res.page_size, MB2);
	CHECK_GPA(&r, 0xc05fffff, R, 0x1235fffffULL);

	CHECK_PF(&r, 0x40000000, W, W);		/* PDPTE 1 is empty */
	CHECK_PF(&r, 0xc0800000, U, U);		/* PDE is empty */
	CHECK_EQ(mem_log.reads, 2);
}

static void pae_pdpte_holds_no_permissions(void)
{
	__u64 pdpt, pd, pte, gva = 0x00201abc;
	struct vmlab_gwalk_regs r;

	reset();
	pdpt = new_table();
	pd = new_table();
	wr64(pdpt, pd | E_P);	/* RW and US are reserved here: clear */
	pte = map(pd, 2, gva, 0x9000, 1, E_ALL);
	r = regs_pae(pdpt, true);

	CHECK_GPA(&r, gva, U | W | F, 0x9abc);
	clear64(pte, E_RW);
	CHECK_PF(&r, gva, W, PF_P | W);
	CHECK_PF(&r, gva, W | U, PF_P | W | U);
	r.cr0 &= ~CR0_WP;
	CHECK_GPA(&r, gva, W, 0x9abc);
	set64(pte, E_RW);
	clear64(entry_at(pd, 2, gva, 2), E_US);
	CHECK_PF(&r, gva, U, PF_P | U);
	CHECK_GPA(&r, gva, W, 0x9abc);
}

static void pae_execute_disable(void)
{
	__u64 pdpt, pd, gva = 0x00201abc;
	struct vmlab_gwalk_regs nx, no_nx;

	reset();
	pdpt = new_table();
	pd = new_table();
	wr64(pdpt, pd | E_P);
	map(pd, 2, gva, 0x9000, 1, E_ALL);
	nx = regs_pae(pdpt, true);
	no_nx = regs_pae(pdpt, false);

	CHECK_PF(&nx, 0x00400000, F, F);
	CHECK_PF(&no_nx, 0x00400000, F, 0);
	CHECK_GPA(&no_nx, gva, F, 0x9abc);

	for (int level = 2; level >= 1; level--) {
		__u64 e = entry_at(pd, 2, gva, level);

		set64(e, E_XD);
		CHECK_PF(&nx, gva, F, PF_P | F);
		CHECK_PF(&nx, gva, F | U, PF_P | F | U);
		CHECK_GPA(&nx, gva, W | U, 0x9abc);
		CHECK_PF(&no_nx, gva, R, PF_P | PF_RSVD);
		CHECK_PF(&no_nx, gva, F, PF_P | PF_RSVD);
		clear64(e, E_XD);
	}
}

static void pae_large_page_reserved_bits(void)
{
	__u64 pdpt, pd, pde, gva = 0x00212345;
	struct vmlab_gwalk_regs r;

	reset();
	pdpt = new_table();
	pd = new_table();
	wr64(pdpt, pd | E_P);
	pde = map(pd, 2, gva, 0x40000000, 2, E_ALL);
	r = regs_pae(pdpt, true);

	CHECK_GPA(&r, gva, R, 0x40012345);
	set64(pde, 1ULL << 13);
	CHECK_PF(&r, gva, W, PF_P | PF_RSVD | W);
}

/* A 4-level or 5-level hierarchy with one 4 KiB page at long_gva(). */
static __u64 long_gva(bool la57)
{
	return la57 ? 0x00ab7f8040201abcULL : 0x00007f8040201abcULL;
}

static __u64 setup_long(bool la57)
{
	__u64 root;

	reset();
	root = new_table();
	map(root, la57 ? 5 : 4, long_gva(la57), 0x12345678000ULL, 1, E_ALL);
	return root;
}

#define LONG_GPA	0x12345678abcULL

static void long_4k_2m_1g_pages(void)
{
	__u64 root, e;
	struct vmlab_gwalk_regs r;

	reset();
	root = new_table();
	map(root, 4, 0x00007f1234567abcULL, 0x000ffffffffff000ULL, 1, E_ALL);
	map(root, 4, 0x0000400000312345ULL, 0x100200000ULL, 2,
	    E_ALL | E_PAT_LARGE);
	map(root, 4, 0x0000004012345678ULL, 0x8000000000ULL, 3,
	    E_ALL | E_PAT_LARGE);
	r = regs_long(root | 0xfff, false, true);	/* PCID bits */

	CHECK_GPA(&r, 0x00007f1234567abcULL, R, 0x000ffffffffffabcULL);
	CHECK_EQ(res.level, 1);
	CHECK_EQ(res.page_size, KB4);
	CHECK_EQ(mem_log.reads, 4);
	CHECK_EQ(mem_log.sizes, 8);

	CHECK_GPA(&r, 0x0000400000312345ULL, W, 0x100312345ULL);
	CHECK_EQ(res.level, 2);
	CHECK_EQ(res.page_size, MB2);
	CHECK_EQ(mem_log.reads, 3);

	CHECK_GPA(&r, 0x0000004012345678ULL, F | U, 0x8012345678ULL);
	CHECK_EQ(res.level, 3);
	CHECK_EQ(res.page_size, GB1);
	CHECK_EQ(mem_log.reads, 2);
	CHECK_GPA(&r, 0x000000403fffffffULL, R, 0x803fffffffULL);

	/* Flag and ignored bits must not leak into the address. */
	for (int level = 4; level >= 1; level--) {
		e = entry_at(root, 4, 0x00007f1234567abcULL, level);
		set64(e, E_NOISE_LOW | E_NOISE_HIGH);
	}
	set64(entry_at(root, 4, 0x0000400000312345ULL, 2),
	      E_NOISE_LOW | E_NOISE_HIGH);
	CHECK_GPA(&r, 0x00007f1234567abcULL, R, 0x000ffffffffffabcULL);
	CHECK_GPA(&r, 0x0000400000312345ULL, R, 0x100312345ULL);
}

static void long_5level_translation(void)
{
	__u64 root;
	struct vmlab_gwalk_regs r;

	root = setup_long(true);
	/* Differs from the mapped address in bit 48 only: a PML4 index. */
	map(root, 5, 0x00aa7f8040201abcULL, 0x5000, 1, E_ALL);
	map(root, 5, 0xff00000000003000ULL, 0x6000, 1, E_ALL);
	map(root, 5, 0x0000800000002000ULL, 0x7000, 1, E_ALL);
	r = regs_long(root, true, true);

	CHECK_GPA(&r, long_gva(true), R, LONG_GPA);
	CHECK_EQ(mem_log.reads, 5);
	CHECK_GPA(&r, 0x00aa7f8040201abcULL, R, 0x5abc);
	CHECK_GPA(&r, 0xff00000000003123ULL, R, 0x6123);
	CHECK_GPA(&r, 0x0000800000002456ULL, R, 0x7456);
	CHECK_PF(&r, 0x0001000000000000ULL, R, 0);
}

static void canonical_addresses(void)
{
	__u64 root4, root5;
	struct vmlab_gwalk_regs r4, r5;

	reset();
	root4 = new_table();
	root5 = new_table();
	map(root4, 4, 0x00007ffffffff000ULL, 0x1000, 1, E_ALL);
	map(root4, 4, 0xffff800000000000ULL, 0x2000, 1, E_ALL);
	map(root5, 5, 0x0000800000000000ULL, 0x3000, 1, E_ALL);
	map(root5, 5, 0x00fffffffffff000ULL, 0x4000, 1, E_ALL);
	map(root5, 5, 0xff00000000000000ULL, 0x5000, 1, E_ALL);
	r4 = regs_long(root4, false, true);
	r5 = regs_long(root5, true, true);

	CHECK_GPA(&r4, 0x00007fffffffffffULL, R, 0x1fff);
	CHECK_GPA(&r4, 0xffff800000000001ULL, R, 0x2001);
	CHECK_RET(&r4, 0x0000800000000000ULL, R, VMLAB_GWALK_NONCANONICAL);
	CHECK_EQ(mem_log.reads, 0);
	CHECK_RET(&r4, 0xffff7fffffffffffULL, W, VMLAB_GWALK_NONCANONICAL);
	CHECK_RET(&r4, 0x8000000000000000ULL, F, VMLAB_GWALK_NONCANONICAL);
	CHECK_RET(&r4, 0x0001000000000000ULL, U, VMLAB_GWALK_NONCANONICAL);
	CHECK_RET(&r4, 0x00ff800000000000ULL, R, VMLAB_GWALK_NONCANONICAL);

	CHECK_GPA(&r5, 0x0000800000000000ULL, R, 0x3000);
	CHECK_GPA(&r5, 0x00ffffffffffffffULL, R, 0x4fff);
	CHECK_GPA(&r5, 0xff00000000000123ULL, R, 0x5123);
	CHECK_PF(&r5, 0xffff800000000000ULL, R, 0);
	CHECK_RET(&r5, 0x0100000000000000ULL, R, VMLAB_GWALK_NONCANONICAL);
	CHECK_EQ(mem_log.reads, 0);
	CHECK_RET(&r5, 0xfeffffffffffffffULL, W, VMLAB_GWALK_NONCANONICAL);
	CHECK_RET(&r5, 0x8000000000000000ULL, R, VMLAB_GWALK_NONCANONICAL);
}

static void long_not_present_at_every_level(void)
{
	for (int la57 = 0; la57 <= 1; la57++) {
		int top = la57 ? 5 : 4;

		for (int level = top; level >= 1; level--) {
			__u64 root = setup_long(la57);
			__u64 gva = long_gva(la57);
			struct vmlab_gwalk_regs r = regs_long(root, la57, true);

			clear64(entry_at(root, top, gva, level), E_P);
			CHECK_PF(&r, gva, R, 0);
			CHECK_EQ(mem_log.reads, top - level + 1);
			CHECK_PF(&r, gva, W, W);
			CHECK_PF(&r, gva, W | U, W | U);
			CHECK_PF(&r, gva, F, F);
			CHECK_PF(&r, gva, F | U, F | U);
			r.efer &= ~EFER_NXE;
			CHECK_PF(&r, gva, F | U, U);
		}
	}
}

static void long_user_needs_us_at_every_level(void)
{
	for (int la57 = 0; la57 <= 1; la57++) {
		int top = la57 ? 5 : 4;

		for (int level = top; level >= 1; level--) {
			__u64 root = setup_long(la57);
			__u64 gva = long_gva(la57);
			struct vmlab_gwalk_regs r = regs_long(root, la57, true);

			CHECK_GPA(&r, gva, U | W, LONG_GPA);
			clear64(entry_at(root, top, gva, level), E_US);
			CHECK_PF(&r, gva, U, PF_P | U);
			CHECK_PF(&r, gva, U | W, PF_P | U | W);
			CHECK_PF(&r, gva, U | F, PF_P | U | F);
			/* No SMAP or SMEP: the kernel reaches it all. */
			CHECK_GPA(&r, gva, R, LONG_GPA);
			CHECK_GPA(&r, gva, W, LONG_GPA);
			CHECK_GPA(&r, gva, F, LONG_GPA);
		}
	}
}

static void long_write_protect_at_every_level(void)
{
	for (int la57 = 0; la57 <= 1; la57++) {
		int top = la57 ? 5 : 4;

		for (int level = top; level >= 1; level--) {
			__u64 root = setup_long(la57);
			__u64 gva = long_gva(la57);
			struct vmlab_gwalk_regs r = regs_long(root, la57, true);

			clear64(entry_at(root, top, gva, level), E_RW);
			CHECK_PF(&r, gva, U | W, PF_P | U | W);
			CHECK_PF(&r, gva, W, PF_P | W);
			CHECK_GPA(&r, gva, U, LONG_GPA);
			CHECK_GPA(&r, gva, U | F, LONG_GPA);
			r.cr0 &= ~CR0_WP;
			CHECK_GPA(&r, gva, W, LONG_GPA);
			CHECK_PF(&r, gva, U | W, PF_P | U | W);
		}
	}
}

static void long_write_protect_on_large_pages(void)
{
	__u64 root, gva2m = 0x0000400000312345ULL, gva1g = 0x4012345678ULL;
	struct vmlab_gwalk_regs r;

	reset();
	root = new_table();
	map(root, 4, gva2m, 0x100200000ULL, 2, E_P | E_RW);
	map(root, 4, gva1g, 0x8000000000ULL, 3, E_P | E_US);
	r = regs_long(root, false, false);

	CHECK_PF(&r, gva2m, U, PF_P | U);
	CHECK_GPA(&r, gva2m, W, 0x100312345ULL);
	CHECK_PF(&r, gva1g, W, PF_P | W);
	CHECK_PF(&r, gva1g, W | U, PF_P | W | U);
	CHECK_GPA(&r, gva1g, U, 0x8012345678ULL);
}

static void long_execute_disable_at_every_level(void)
{
	for (int la57 = 0; la57 <= 1; la57++) {
		int top = la57 ? 5 : 4;

		for (int level = top; level >= 1; level--) {
			__u64 root = setup_long(la57);
			__u64 gva = long_gva(la57);
			struct vmlab_gwalk_regs nx = regs_long(root, la57, true);
			struct vmlab_gwalk_regs no_nx =
				regs_long(root, la57, false);

			CHECK_GPA(&no_nx, gva, F, LONG_GPA);
			set64(entry_at(root, top, gva, level), E_XD);
			CHECK_PF(&nx, gva, F, PF_P | F);
			CHECK_PF(&nx, gva, F | U, PF_P | F | U);
			CHECK_GPA(&nx, gva, R, LONG_GPA);
			CHECK_GPA(&nx, gva, W | U, LONG_GPA);
			/* Without NXE, XD is a reserved bit. */
			CHECK_PF(&no_nx, gva, R, PF_P | PF_RSVD);
			CHECK_PF(&no_nx, gva, W | U, PF_P | PF_RSVD | W | U);
			CHECK_PF(&no_nx, gva, F, PF_P | PF_RSVD);
			CHECK_EQ(mem_log.reads, top - level + 1);
		}
	}
}

static void long_reserved_bits(void)
{
	__u64 root, e, gva2m = 0x0000400000312345ULL, gva1g = 0x4012345678ULL;
	struct vmlab_gwalk_regs r, r5;

	root = setup_long(false);
	r = regs_long(root, false, true);
	set64(entry_at(root, 4, long_gva(false), 4), E_PS);
	CHECK_PF(&r, long_gva(false), R, PF_P | PF_RSVD);
	CHECK_EQ(mem_log.reads, 1);
	/* Aligned like a 512 GiB page would be: still no such thing. */
	wr64(entry_at(root, 4, long_gva(false), 4), E_PS | E_ALL);
	CHECK_PF(&r, long_gva(false), R, PF_P | PF_RSVD);

	root = setup_long(true);
	r5 = regs_long(root, true, true);
	set64(entry_at(root, 5, long_gva(true), 5), E_PS);
	CHECK_PF(&r5, long_gva(true), W, PF_P | PF_RSVD | W);
	wr64(entry_at(root, 5, long_gva(true), 5), E_PS | E_ALL);
	CHECK_PF(&r5, long_gva(true), R, PF_P | PF_RSVD);
	root = setup_long(true);
	set64(entry_at(root, 5, long_gva(true), 4), E_PS);
	CHECK_PF(&r5, long_gva(true), F, PF_P | PF_RSVD | F);

	reset();
	root = new_table();
	map(root, 4, gva2m, 0x100200000ULL, 2, E_ALL);
	map(root, 4, gva1g, 0x8000000000ULL, 3, E_ALL);
	r = regs_long(root, false, true);

	e = entry_at(root, 4, gva2m, 2);
	for (int bit = 13; bit <= 20; bit++) {
		set64(e, 1ULL << bit);
		CHECK_PF(&r, gva2m, R, PF_P | PF_RSVD);
		clear64(e, 1ULL << bit);
	}
	set64(e, E_PAT_LARGE | (1ULL << 21));
	CHECK_GPA(&r, gva2m, R, 0x100312345ULL);

	e = entry_at(root, 4, gva1g, 3);
	for (int bit = 13; bit <= 29; bit++) {
		set64(e, 1ULL << bit);
		CHECK_PF(&r, gva1g, U, PF_P | PF_RSVD | U);
		clear64(e, 1ULL << bit);
	}
	set64(e, E_PAT_LARGE | (1ULL << 30));
	CHECK_GPA(&r, gva1g, R, 0x8052345678ULL);

	/* A reserved bit outranks a permission fault on the same path. */
	clear64(e, E_US);
	set64(e, 1ULL << 13);
	CHECK_PF(&r, gva1g, U, PF_P | PF_RSVD | U);
}

static void tables_outside_ram(void)
{
	__u64 root, pd, pdpt, gva;
	struct vmlab_gwalk_regs r;

	reset();
	r = regs32(0x40000000, CR4_PSE);
	CHECK_RET(&r, 0x1000, R, VMLAB_GWALK_BAD_TABLE);
	pd = new_table();
	r.cr3 = pd;
	wr32(pd, 0x7ff00000 | E_ALL);
	CHECK_RET(&r, 0x1000, R, VMLAB_GWALK_BAD_TABLE);
	/* The page itself may be anywhere: MMIO is the caller's affair. */
	wr32(pd, 0x7fc00000 | E_PS | E_ALL);
	CHECK_GPA(&r, 0x1000, R, 0x7fc01000);

	reset();
	r = regs_pae(RAM_SIZE, true);
	CHECK_RET(&r, 0xc0001000, R, VMLAB_GWALK_BAD_TABLE);
	pdpt = new_table();
	r.cr3 = pdpt;
	wr64(pdpt, 0x123456000ULL | E_P);
	CHECK_RET(&r, 0x1000, R, VMLAB_GWALK_BAD_TABLE);

	for (int la57 = 0; la57 <= 1; la57++) {
		int top = la57 ? 5 : 4;

		for (int level = top; level >= 2; level--) {
			gva = long_gva(la57);
			root = setup_long(la57);
			r = regs_long(root, la57, true);
			wr64(entry_at(root, top, gva, level),
			     0xfffff000000ULL | E_ALL);
			CHECK_RET(&r, gva, R, VMLAB_GWALK_BAD_TABLE);
			CHECK_EQ(mem_log.reads, top - level + 2);
		}
		root = setup_long(la57);
		r = regs_long(root, la57, true);
		wr64(entry_at(root, top, gva, 1), 0xfffff000000ULL | E_ALL);
		CHECK_GPA(&r, gva, R, 0xfffff000abcULL);
		r.cr3 = 0x100000;
		CHECK_RET(&r, long_gva(la57), R, VMLAB_GWALK_BAD_TABLE);
	}
}

static void reads_are_aligned_and_sized_by_mode(void)
{
	__u64 root, page, pd;
	struct vmlab_gwalk_regs r;

	reset();
	pd = new_table();
	map32(pd, 0x12345678, 0x1000, E_ALL);
	r = regs32(pd | 0xfff, CR4_PSE);
	walk(&r, 0x12345678, R);
	CHECK_EQ(mem_log.sizes, 4);

	reset();
	page = new_table();
	pd = new_table();
	wr64(page + 0x20 + 8, pd | E_P);
	map(pd, 2, 0x40201abc, 0x9000, 1, E_ALL);
	r = regs_pae(page | 0x3f, true);	/* bits 4:0 are no address */
	CHECK_GPA(&r, 0x40201abc, R, 0x9abc);
	CHECK_EQ(mem_log.sizes, 8);

	for (int la57 = 0; la57 <= 1; la57++) {
		root = setup_long(la57);
		r = regs_long(root | 0xfff, la57, true);
		CHECK_GPA(&r, long_gva(la57), R, LONG_GPA);
		CHECK_EQ(mem_log.sizes, 8);
	}
	CHECK_EQ(mem_log.bad_reads, 0);
}

int main(void)
{
	check_prog = "gwalk";
	RUN(paging_off_is_identity_within_4g);
	RUN(legacy32_4k_pages);
	RUN(legacy32_linear_addresses_wrap_at_4g);
	RUN(legacy32_4m_pages_only_with_pse);
	RUN(legacy32_pse36_high_bits);
	RUN(legacy32_faults);
	RUN(legacy32_has_no_execute_disable);
	RUN(legacy32_ignores_the_upper_half_of_a_read);
	RUN(pae_pages_and_pdpt_alignment);
	RUN(pae_pdpte_holds_no_permissions);
	RUN(pae_execute_disable);
	RUN(pae_large_page_reserved_bits);
	RUN(long_4k_2m_1g_pages);
	RUN(long_5level_translation);
	RUN(canonical_addresses);
	RUN(long_not_present_at_every_level);
	RUN(long_user_needs_us_at_every_level);
	RUN(long_write_protect_at_every_level);
	RUN(long_write_protect_on_large_pages);
	RUN(long_execute_disable_at_every_level);
	RUN(long_reserved_bits);
	RUN(tables_outside_ram);
	RUN(reads_are_aligned_and_sized_by_mode);
	return check_done();
}
