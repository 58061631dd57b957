/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Software walk of the guest's page tables, for the emulation paths that
 * must reach guest memory through the guest's own linear addresses:
 * fetching a faulting instruction and the operands of INS/OUTS.
 *
 * Builds both in the kernel and in userspace, where the unit tests run it.
 */
#ifndef _VMLAB_GWALK_H
#define _VMLAB_GWALK_H

#include <linux/types.h>

/* The guest registers that decide how a linear address is translated. */
struct vmlab_gwalk_regs {
	__u64 cr0;
	__u64 cr3;
	__u64 cr4;
	__u64 efer;
};

/*
 * Access flags.  They sit where the #PF error code reports them, so a
 * fault's error code is built from them without translation.
 */
#define VMLAB_GWALK_WRITE	0x02u
#define VMLAB_GWALK_USER	0x04u	/* CPL 3, not an implicit access */
#define VMLAB_GWALK_FETCH	0x10u

/* The #PF error code bits that are not access flags. */
#define VMLAB_GWALK_PF_PRESENT	0x01u	/* protection, not absence */
#define VMLAB_GWALK_PF_RSVD	0x08u

/*
 * @read loads the little-endian page-table entry of @size bytes (4 or 8,
 * always naturally aligned) at guest-physical @gpa into *@val, zero
 * extended.  Nonzero when @gpa is not guest RAM.
 */
struct vmlab_gwalk_mem {
	int (*read)(void *opaque, __u64 gpa, __u64 *val, unsigned int size);
	void *opaque;
};

/*
 * @gpa:	the translation, valid when vmlab_gwalk() returns 0.
 * @page_size:	bytes mapped by the leaf; the translation holds up to the
 *		next multiple of it.  4 GiB with paging off.
 * @pf_error:	the #PF error code for VMLAB_GWALK_PF, otherwise 0.
 * @level:	level of the leaf: 1 for 4 KiB, 2 for 2 or 4 MiB, 3 for 1 GiB
 *		pages, 0 with paging off.
 */
struct vmlab_gwalk_result {
	__u64 gpa;
	__u64 page_size;
	__u32 pf_error;
	__u8 level;
};

/* Return values of vmlab_gwalk() besides 0 (translated). */
#define VMLAB_GWALK_PF			1	/* inject #PF, CR2 = gva */
#define VMLAB_GWALK_NONCANONICAL	2	/* the caller's #GP or #SS */
#define VMLAB_GWALK_BAD_TABLE		(-1)	/* a table is not in RAM */

/*
 * Translates the linear address @gva for an access described by @access
 * (VMLAB_GWALK_* flags; none for a supervisor read) in the paging mode
 * that @regs select.
 */
int vmlab_gwalk(const struct vmlab_gwalk_regs *regs,
		const struct vmlab_gwalk_mem *mem, __u64 gva, __u32 access,
		struct vmlab_gwalk_result *res);

#endif
