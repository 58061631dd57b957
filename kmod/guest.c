// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-virtual memory access for the paths that emulate an instruction
 * (MMIO decoding, string I/O).  Addresses go through the guest's own page
 * tables (gwalk.c), then through the memory slots; a translation fault
 * becomes the #PF the guest would have taken.
 */
#include <linux/mm.h>
#include "gwalk.h"
#include "vmlab.h"
#include <asm/trapnr.h>

bool vmlab_in_long_mode(struct vmlab_vcpu *vcpu)
{
	struct vmlab_segment cs;

	vmlab_ops->get_segment(vcpu, VMLAB_SEG_CS, &cs);
	return cs.l;
}

/* The base the CPU adds for @seg: none but FS and GS in 64-bit mode. */
u64 vmlab_seg_base(struct vmlab_vcpu *vcpu, enum vmlab_seg seg)
{
	struct vmlab_segment s;

	if (seg != VMLAB_SEG_FS && seg != VMLAB_SEG_GS && vmlab_in_long_mode(vcpu))
		return 0;
	vmlab_ops->get_segment(vcpu, seg, &s);
	return s.base;
}

int vmlab_internal_error(struct vmlab_vcpu *vcpu, u32 suberror, u64 d0, u64 d1)
{
	struct vmlab_run *run = vcpu->run;

	run->exit_reason = VMLAB_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 3;
	run->internal.data[0] = d0;
	run->internal.data[1] = d1;
	run->internal.data[2] = vmlab_reg(vcpu, VMLAB_RIP);
	return 0;
}

static int gwalk_read(void *opaque, __u64 gpa, __u64 *val, unsigned int size)
{
	*val = 0;
	return vmlab_read_guest(opaque, gpa, val, size);
}

/*
 * Translates @gva; 0 with *@gpa set, VMLAB_GVA_FAULTED after queueing the
 * guest's exception, -EFAULT when the page tables are not in guest RAM.
 */
static int gva_to_gpa(struct vmlab_vcpu *vcpu, u64 gva, u32 access, u64 *gpa)
{
	struct vmlab_gwalk_mem mem = { .read = gwalk_read, .opaque = vcpu->vm };
	struct vmlab_gwalk_result res;
	struct vmlab_gwalk_regs regs;
	struct vmlab_sregs sregs;
	int r;

	vmlab_ops->get_sregs(vcpu, &sregs);
	regs.cr0 = sregs.cr0;
	regs.cr3 = sregs.cr3;
	regs.cr4 = sregs.cr4;
	regs.efer = sregs.efer;
	if (vmlab_ops->get_cpl(vcpu) == 3)
		access |= VMLAB_GWALK_USER;
	r = vmlab_gwalk(&regs, &mem, gva, access, &res);
	switch (r) {
	case 0:
		*gpa = res.gpa;
		return 0;
	case VMLAB_GWALK_PF:
		vmlab_ops->inject_exception(vcpu, X86_TRAP_PF, true, res.pf_error, gva);
		return VMLAB_GVA_FAULTED;
	case VMLAB_GWALK_NONCANONICAL:
		vmlab_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0, 0);
		return VMLAB_GVA_FAULTED;
	default:
		return -EFAULT;
	}
}

/* Calls @fn for each page-contained piece of [gva, gva + len). */
static int copy_pieces(struct vmlab_vcpu *vcpu, u64 gva, void *buf,
		       unsigned int len, u32 access,
		       int (*fn)(struct vmlab_vm *vm, u64 gpa, void *buf,
				 unsigned long n))
{
	while (len) {
		unsigned int n = min_t(u64, len, PAGE_SIZE - offset_in_page(gva));
		u64 gpa;
		int r = gva_to_gpa(vcpu, gva, access, &gpa);

		if (!r && fn)
			r = fn(vcpu->vm, gpa, buf, n);
		if (r)
			return r;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int piece_read(struct vmlab_vm *vm, u64 gpa, void *buf, unsigned long n)
{
	return vmlab_read_guest(vm, gpa, buf, n);
}

static int piece_write(struct vmlab_vm *vm, u64 gpa, void *buf, unsigned long n)
{
	return vmlab_write_guest(vm, gpa, buf, n);
}

int vmlab_read_guest_virt(struct vmlab_vcpu *vcpu, u64 gva, void *buf,
			  unsigned int len, u32 access)
{
	return copy_pieces(vcpu, gva, buf, len, access, piece_read);
}

int vmlab_write_guest_virt(struct vmlab_vcpu *vcpu, u64 gva, const void *buf,
			   unsigned int len)
{
	return copy_pieces(vcpu, gva, (void *)buf, len, VMLAB_ACCESS_WRITE,
			      piece_write);
}

/* Translation only: would an access of @len bytes at @gva succeed? */
int vmlab_check_guest_virt(struct vmlab_vcpu *vcpu, u64 gva, unsigned int len,
			   u32 access)
{
	return copy_pieces(vcpu, gva, NULL, len, access, NULL);
}

/* The segment a prefix byte selects, or -1 if it is not an override. */
static int seg_override(u8 b)
{
	switch (b) {
	case 0x26:
		return VMLAB_SEG_ES;
	case 0x2e:
		return VMLAB_SEG_CS;
	case 0x36:
		return VMLAB_SEG_SS;
	case 0x3e:
		return VMLAB_SEG_DS;
	case 0x64:
		return VMLAB_SEG_FS;
	case 0x65:
		return VMLAB_SEG_GS;
	default:
		return -1;
	}
}

static bool is_other_prefix(u8 b, bool long_mode)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 ||
	       (long_mode && (b & 0xf0) == 0x40);
}

/*
 * Counts the legacy and REX prefixes at the start of @bytes; reports the
 * last segment override in *@seg (VMLAB_SEG_*) when @seg is not NULL.
 */
unsigned int vmlab_skip_prefixes(const u8 *bytes, unsigned int n, bool long_mode,
				 int *seg)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		int s = seg_override(bytes[i]);

		if (s >= 0) {
			if (seg)
				*seg = s;
			continue;
		}
		if (!is_other_prefix(bytes[i], long_mode))
			break;
	}
	return i;
}
