// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits.  IN/OUT go to userspace with their data in the run
 * page.  String forms (INS/OUTS, with or without REP) move up to a run
 * page's worth of elements per exit between guest memory and the page;
 * when a REP count is larger the guest's rCX/rSI/rDI are advanced and
 * the instruction is left to run again, exactly as the CPU would resume
 * it after an interrupt.
 */
#include <linux/mm.h>
#include "vmlab.h"

static u64 addr_mask(u8 addr_size)
{
	return addr_size == 8 ? ~0ULL : BIT_ULL(addr_size * 8) - 1;
}

/* Writes @value into the low @addr_size bytes the way a MOV would. */
static void set_counter_reg(struct vmlab_vcpu *vcpu, enum vmlab_reg r,
			    u64 value, u8 addr_size)
{
	u64 old = vmlab_reg(vcpu, r);

	if (addr_size == 2)
		value = (old & ~0xffffULL) | (value & 0xffff);
	else if (addr_size == 4)
		value = (u32)value;	/* 32-bit writes clear the upper half */
	vmlab_set_reg(vcpu, r, value);
}

static u8 *run_data(struct vmlab_vcpu *vcpu)
{
	return (u8 *)vcpu->run + VMLAB_RUN_DATA_OFFSET;
}

static int exit_io(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit, u32 count)
{
	struct vmlab_run *run = vcpu->run;

	run->exit_reason = VMLAB_EXIT_IO;
	run->io.direction = exit->io.in ? VMLAB_IO_IN : VMLAB_IO_OUT;
	run->io.size = exit->io.size;
	run->io.port = exit->io.port;
	run->io.count = count;
	run->io.data_offset = VMLAB_RUN_DATA_OFFSET;
	return 0;
}

/* Moves the string registers past @n elements; true when the REP is done. */
static bool advance_string(struct vmlab_vcpu *vcpu, enum vmlab_reg index,
			   u32 n, u8 size, u8 addr_size, bool rep)
{
	s64 step = (vmlab_reg(vcpu, VMLAB_RFLAGS) & X86_EFLAGS_DF) ? -size : size;
	u64 mask = addr_mask(addr_size);
	u64 left;

	set_counter_reg(vcpu, index, vmlab_reg(vcpu, index) + step * n, addr_size);
	if (!rep)
		return true;
	left = (vmlab_reg(vcpu, VMLAB_RCX) & mask) - n;
	set_counter_reg(vcpu, VMLAB_RCX, left, addr_size);
	return left == 0;
}

/* The guest-linear address of element @i of a string operand. */
static u64 string_elem(struct vmlab_vcpu *vcpu, u64 base, enum vmlab_reg index,
		       u32 i, u8 size, u8 addr_size)
{
	s64 step = (vmlab_reg(vcpu, VMLAB_RFLAGS) & X86_EFLAGS_DF) ? -size : size;

	return base + ((vmlab_reg(vcpu, index) + step * i) & addr_mask(addr_size));
}

static u32 string_count(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u64 count = 1;

	if (exit->io.rep)
		count = vmlab_reg(vcpu, VMLAB_RCX) & addr_mask(exit->io.addr_size);
	return min_t(u64, count, VMLAB_RUN_DATA_SIZE / exit->io.size);
}

/* The segment of OUTS: DS unless a prefix overrides it. */
static int outs_segment(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u64 ip = vmlab_seg_base(vcpu, VMLAB_SEG_CS) + vmlab_reg(vcpu, VMLAB_RIP);
	u8 bytes[VMLAB_INSN_MAX_LEN];
	int seg = VMLAB_SEG_DS;

	if (exit->io.seg != VMLAB_SEG_UNKNOWN)
		return exit->io.seg;
	if (exit->insn_len > sizeof(bytes) ||
	    vmlab_read_guest_virt(vcpu, ip, bytes, exit->insn_len, VMLAB_ACCESS_FETCH))
		return -EFAULT;
	vmlab_skip_prefixes(bytes, exit->insn_len, vmlab_in_long_mode(vcpu), &seg);
	return seg;
}

static int handle_outs(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit, u32 n)
{
	int seg = outs_segment(vcpu, exit);
	u64 base;
	u8 size = exit->io.size;
	u32 i;
	int r;

	if (seg < 0)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY,
					    vmlab_reg(vcpu, VMLAB_RIP), 0);
	base = vmlab_seg_base(vcpu, seg);
	for (i = 0; i < n; i++) {
		u64 gva = string_elem(vcpu, base, VMLAB_RSI, i, size, exit->io.addr_size);

		r = vmlab_read_guest_virt(vcpu, gva, run_data(vcpu) + i * size, size, 0);
		if (r == VMLAB_GVA_FAULTED)
			return 1;
		if (r)
			return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY, gva, 0);
	}
	if (advance_string(vcpu, VMLAB_RSI, n, size, exit->io.addr_size, exit->io.rep))
		vmlab_skip_insn(vcpu, exit->insn_len);
	return exit_io(vcpu, exit, n);
}

/* INS: check the destination is writable before the device is read. */
static int handle_ins(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit, u32 n)
{
	u64 base = vmlab_seg_base(vcpu, VMLAB_SEG_ES);
	u8 size = exit->io.size;
	u32 i;
	int r;

	for (i = 0; i < n; i++) {
		u64 gva = string_elem(vcpu, base, VMLAB_RDI, i, size, exit->io.addr_size);

		r = vmlab_check_guest_virt(vcpu, gva, size, VMLAB_ACCESS_WRITE);
		if (r == VMLAB_GVA_FAULTED)
			return 1;
		if (r)
			return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY, gva, 0);
	}
	vcpu->pending = VMLAB_PENDING_PIO_IN;
	vcpu->io.string = true;
	vcpu->io.rep = exit->io.rep;
	vcpu->io.size = size;
	vcpu->io.addr_size = exit->io.addr_size;
	vcpu->io.count = n;
	vcpu->io.next_rip = vmlab_reg(vcpu, VMLAB_RIP) + exit->insn_len;
	return exit_io(vcpu, exit, n);
}

/*
 * The address size of INS/OUTS when the exit does not report it (QEMU's
 * SVM leaves EXITINFO1.A16/A32/A64 clear): the code segment's default,
 * changed by an 0x67 prefix.  Returns 0, VMLAB_GVA_FAULTED or -EFAULT.
 */
static int string_addr_size(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u64 ip = vmlab_seg_base(vcpu, VMLAB_SEG_CS) + vmlab_reg(vcpu, VMLAB_RIP);
	u8 bytes[VMLAB_INSN_MAX_LEN];
	struct vmlab_segment cs;
	unsigned int i, n;
	u8 size;
	int r;

	if (!exit->insn_len || exit->insn_len > sizeof(bytes))
		return -EFAULT;
	r = vmlab_read_guest_virt(vcpu, ip, bytes, exit->insn_len, VMLAB_ACCESS_FETCH);
	if (r)
		return r;
	vmlab_ops->get_segment(vcpu, VMLAB_SEG_CS, &cs);
	size = cs.l ? 8 : cs.db ? 4 : 2;
	n = vmlab_skip_prefixes(bytes, exit->insn_len, cs.l, NULL);
	for (i = 0; i < n; i++)
		if (bytes[i] == 0x67) {
			size = size == 4 ? 2 : 4;	/* 64 -> 32, 32 <-> 16 */
			break;
		}
	exit->io.addr_size = size;
	return 0;
}

int vmlab_handle_io(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u32 n;
	int r;

	/* Hardware says 1, 2 or 4; a buggy emulated CPU must not reach a division. */
	if (exit->io.size != 1 && exit->io.size != 2 && exit->io.size != 4)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION,
					    vmlab_reg(vcpu, VMLAB_RIP), exit->io.size);
	if (exit->io.string) {
		if (!exit->io.addr_size) {
			r = string_addr_size(vcpu, exit);
			if (r == VMLAB_GVA_FAULTED)
				return 1;
			if (r)
				return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY,
							    vmlab_reg(vcpu, VMLAB_RIP), 0);
		}
		n = string_count(vcpu, exit);
		if (!n) {
			vmlab_skip_insn(vcpu, exit->insn_len);
			return 1;
		}
		return exit->io.in ? handle_ins(vcpu, exit, n) : handle_outs(vcpu, exit, n);
	}
	if (exit->io.in) {
		vcpu->pending = VMLAB_PENDING_PIO_IN;
		vcpu->io.string = false;
		vcpu->io.size = exit->io.size;
		vcpu->io.next_rip = vmlab_reg(vcpu, VMLAB_RIP) + exit->insn_len;
	} else {
		u64 rax = vmlab_reg(vcpu, VMLAB_RAX);

		memcpy(run_data(vcpu), &rax, exit->io.size);
		vmlab_skip_insn(vcpu, exit->insn_len);
	}
	return exit_io(vcpu, exit, 1);
}

static int complete_ins(struct vmlab_vcpu *vcpu)
{
	struct vmlab_pending_io *io = &vcpu->io;
	u64 base = vmlab_seg_base(vcpu, VMLAB_SEG_ES);
	u32 i;
	int r;

	for (i = 0; i < io->count; i++) {
		u64 gva = string_elem(vcpu, base, VMLAB_RDI, i, io->size, io->addr_size);

		r = vmlab_write_guest_virt(vcpu, gva, run_data(vcpu) + i * io->size,
					   io->size);
		if (r == VMLAB_GVA_FAULTED)
			return 1;
		if (r)
			return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY, gva, 0);
	}
	if (advance_string(vcpu, VMLAB_RDI, io->count, io->size, io->addr_size, io->rep))
		vmlab_finish_insn_at(vcpu, io->next_rip);
	return 1;
}

/* IN: AL/AX keep the register's other bits; EAX clears the upper half. */
static void complete_in(struct vmlab_vcpu *vcpu)
{
	u64 rax = vmlab_reg(vcpu, VMLAB_RAX);
	u32 data = 0;

	memcpy(&data, run_data(vcpu), vcpu->io.size);
	if (vcpu->io.size == 1)
		rax = (rax & ~0xffULL) | (u8)data;
	else if (vcpu->io.size == 2)
		rax = (rax & ~0xffffULL) | (u16)data;
	else
		rax = data;
	vmlab_set_reg(vcpu, VMLAB_RAX, rax);
	vmlab_finish_insn_at(vcpu, vcpu->io.next_rip);
}

int vmlab_complete_io(struct vmlab_vcpu *vcpu)
{
	vcpu->pending = VMLAB_PENDING_NONE;
	if (vcpu->io.string)
		return complete_ins(vcpu);
	complete_in(vcpu);
	return 1;
}
