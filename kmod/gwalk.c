// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walk, following the SDM vol. 3 chapter 4 so that the
 * emulated access reaches the memory, or raises the #PF, that the MMU
 * would have.  Known differences from the hardware:
 *
 * - Accessed and dirty flags are left alone.  For an instruction fetch
 *   the CPU has already set them, but an emulated INS stores to memory
 *   without setting D, so a guest that finds dirty pages through D can
 *   miss that write.
 * - SMEP, SMAP and protection keys are not enforced: SMAP and the keys
 *   depend on EFLAGS.AC and PKRU, which are not part of the walk, and a
 *   fetch that SMEP forbids has already faulted in the guest.  SMEP does
 *   still set I/D in the error code, as it does on the hardware.
 * - PAE PDPTEs are read from memory on every walk, as AMD does under
 *   nested paging; Intel uses the copies loaded by MOV to CR3.
 * - Reserved bits are checked only where every CPU reserves them: the
 *   walk knows neither MAXPHYADDR nor whether 1 GiB pages exist, so it
 *   takes all physical-address bits as valid and allows 1 GiB pages.
 */
#include <linux/const.h>
#include "gwalk.h"

#ifndef __KERNEL__
#include <stdbool.h>
#endif

#define GW_CR0_WP	_BITULL(16)
#define GW_CR0_PG	_BITULL(31)
#define GW_CR4_PSE	_BITULL(4)
#define GW_CR4_PAE	_BITULL(5)
#define GW_CR4_LA57	_BITULL(12)
#define GW_CR4_SMEP	_BITULL(20)
#define GW_EFER_LMA	_BITULL(10)
#define GW_EFER_NXE	_BITULL(11)

#define GW_PTE_P	_BITULL(0)
#define GW_PTE_RW	_BITULL(1)
#define GW_PTE_US	_BITULL(2)
#define GW_PTE_PS	_BITULL(7)
#define GW_PTE_XD	_BITULL(63)
/* Bits 62:52 are ignored or protection keys, so never part of a frame. */
#define GW_PTE_ADDR	0x000ffffffffff000ULL
/* Bit 12 of a large-page entry is PAT; the frame starts at bit 13. */
#define GW_PTE_LARGE_LOW	0x1fffULL

#define GW_PTE32_ADDR	0xfffff000ULL
#define GW_PDE32_4M_LOW	0xffc00000ULL
#define GW_PDE32_4M_HIGH	0x001fe000ULL	/* PSE-36: address bits 39:32 */
#define GW_PDE32_4M_HIGH_SHIFT	19
#define GW_PDE32_4M_RSVD	_BITULL(21)

#define GW_PDPT_ADDR	0xffffffe0ULL
#define GW_4K_SHIFT	12
#define GW_4M_SHIFT	22

struct gwalk {
	const struct vmlab_gwalk_mem *mem;
	struct vmlab_gwalk_result *res;
	__u64 gva;
	__u32 access;
	__u32 pf_access;	/* the part of access that #PF reports */
	bool wp;
	bool nxe;
	__u64 all;		/* RW and US must hold on the whole path */
	__u64 any;		/* XD on any entry forbids fetches */
};

static int gwalk_fault(struct gwalk *w, __u32 why)
{
	w->res->pf_error = w->pf_access | why;
	return VMLAB_GWALK_PF;
}

/* A table outside RAM is the hypervisor's problem, not a guest #PF. */
static int gwalk_read(struct gwalk *w, __u64 gpa, unsigned int size,
		      __u64 *entry)
{
	if (w->mem->read(w->mem->opaque, gpa, entry, size))
		return VMLAB_GWALK_BAD_TABLE;
	if (size == 4)	/* no XD there, whatever the hook left above */
		*entry &= 0xffffffffULL;
	if (!(*entry & GW_PTE_P))
		return gwalk_fault(w, 0);
	return 0;
}

static void gwalk_follow(struct gwalk *w, __u64 entry)
{
	w->all &= entry;
	w->any |= entry;
}

/* SDM vol. 3 section 4.6, less SMEP, SMAP and protection keys. */
static bool gwalk_denied(const struct gwalk *w)
{
	bool user = w->access & VMLAB_GWALK_USER;

	if (user && !(w->all & GW_PTE_US))
		return true;
	if ((w->access & VMLAB_GWALK_WRITE) && !(w->all & GW_PTE_RW) &&
	    (user || w->wp))
		return true;
	return (w->access & VMLAB_GWALK_FETCH) && (w->any & GW_PTE_XD);
}

static int gwalk_leaf(struct gwalk *w, __u64 frame, __u8 level,
		      unsigned int shift)
{
	__u64 size = 1ULL << shift;

	if (gwalk_denied(w))
		return gwalk_fault(w, VMLAB_GWALK_PF_PRESENT);
	w->res->gpa = frame | (w->gva & (size - 1));
	w->res->page_size = size;
	w->res->level = level;
	return 0;
}

static unsigned int gwalk_shift(int level)
{
	return GW_4K_SHIFT + 9 * (level - 1);
}

/*
 * Without NXE the XD bit is reserved rather than ignored; PS is reserved
 * above the PDPTE; and the bits between PAT and a large page's frame
 * would make it unaligned.
 */
static __u64 gwalk_reserved(const struct gwalk *w, __u64 entry, int level)
{
	__u64 rsvd = w->nxe ? 0 : GW_PTE_XD;

	if (level >= 4)
		return rsvd | GW_PTE_PS;
	if (level > 1 && (entry & GW_PTE_PS))
		rsvd |= ((1ULL << gwalk_shift(level)) - 1) & ~GW_PTE_LARGE_LOW;
	return rsvd;
}

/* The 8-byte-entry formats, from @level down to the leaf. */
static int gwalk_levels(struct gwalk *w, __u64 table, int level)
{
	for (;; level--) {
		unsigned int shift = gwalk_shift(level);
		__u64 slot = (w->gva >> shift) & 511;
		__u64 entry;
		int ret;

		ret = gwalk_read(w, table + slot * 8, 8, &entry);
		if (ret)
			return ret;
		if (entry & gwalk_reserved(w, entry, level))
			return gwalk_fault(w, VMLAB_GWALK_PF_PRESENT |
					   VMLAB_GWALK_PF_RSVD);
		gwalk_follow(w, entry);
		if (level == 1 || (entry & GW_PTE_PS))
			return gwalk_leaf(w, entry & GW_PTE_ADDR &
					  ~((1ULL << shift) - 1), level, shift);
		table = entry & GW_PTE_ADDR;
	}
}

static bool gwalk_canonical(__u64 gva, unsigned int va_bits)
{
	__u64 high = gva >> (va_bits - 1);

	return !high || high == ~0ULL >> (va_bits - 1);
}

static int gwalk_long(struct gwalk *w, const struct vmlab_gwalk_regs *regs)
{
	bool la57 = regs->cr4 & GW_CR4_LA57;

	if (!gwalk_canonical(w->gva, la57 ? 57 : 48))
		return VMLAB_GWALK_NONCANONICAL;
	return gwalk_levels(w, regs->cr3 & GW_PTE_ADDR, la57 ? 5 : 4);
}

/* The PDPTE holds no permissions: its bits 2:1 and 63 are reserved. */
static int gwalk_pae(struct gwalk *w, __u64 cr3)
{
	__u64 pdpte;
	int ret;

	ret = gwalk_read(w, (cr3 & GW_PDPT_ADDR) + ((w->gva >> 30) & 3) * 8,
			 8, &pdpte);
	if (ret)
		return ret;
	return gwalk_levels(w, pdpte & GW_PTE_ADDR, 2);
}

/* Without CR4.PSE the PS bit of a PDE is ignored, not reserved. */
static int gwalk_32(struct gwalk *w, __u64 cr3, bool pse)
{
	__u64 pde, pte;
	int ret;

	ret = gwalk_read(w, (cr3 & GW_PTE32_ADDR) +
			 ((w->gva >> GW_4M_SHIFT) & 1023) * 4, 4, &pde);
	if (ret)
		return ret;
	gwalk_follow(w, pde);
	if (pse && (pde & GW_PTE_PS)) {
		if (pde & GW_PDE32_4M_RSVD)
			return gwalk_fault(w, VMLAB_GWALK_PF_PRESENT |
					   VMLAB_GWALK_PF_RSVD);
		return gwalk_leaf(w, (pde & GW_PDE32_4M_LOW) |
				  ((pde & GW_PDE32_4M_HIGH) <<
				   GW_PDE32_4M_HIGH_SHIFT), 2, GW_4M_SHIFT);
	}
	ret = gwalk_read(w, (pde & GW_PTE32_ADDR) +
			 ((w->gva >> GW_4K_SHIFT) & 1023) * 4, 4, &pte);
	if (ret)
		return ret;
	gwalk_follow(w, pte);
	return gwalk_leaf(w, pte & GW_PTE32_ADDR, 1, GW_4K_SHIFT);
}

/* Linear addresses are 32 bits wide outside long mode, so they wrap. */
static int gwalk_unpaged(struct gwalk *w)
{
	return gwalk_leaf(w, 0, 0, 32);
}

int vmlab_gwalk(const struct vmlab_gwalk_regs *regs,
		const struct vmlab_gwalk_mem *mem, __u64 gva, __u32 access,
		struct vmlab_gwalk_result *res)
{
	struct gwalk w = {
		.mem = mem,
		.res = res,
		.gva = gva,
		.access = access,
		.pf_access = access & (VMLAB_GWALK_WRITE | VMLAB_GWALK_USER),
		.wp = regs->cr0 & GW_CR0_WP,
		.nxe = regs->efer & GW_EFER_NXE,
		.all = GW_PTE_RW | GW_PTE_US,
	};

	res->pf_error = 0;
	if (!(regs->cr0 & GW_CR0_PG))
		return gwalk_unpaged(&w);
	/* I/D only when something could forbid a fetch (SDM section 4.7). */
	if ((access & VMLAB_GWALK_FETCH) &&
	    ((w.nxe && (regs->cr4 & GW_CR4_PAE)) || (regs->cr4 & GW_CR4_SMEP)))
		w.pf_access |= VMLAB_GWALK_FETCH;
	if (regs->efer & GW_EFER_LMA)
		return gwalk_long(&w, regs);
	if (regs->cr4 & GW_CR4_PAE)
		return gwalk_pae(&w, regs->cr3);
	return gwalk_32(&w, regs->cr3, regs->cr4 & GW_CR4_PSE);
}
