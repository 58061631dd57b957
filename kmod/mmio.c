// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO: a nested page fault on an address no slot backs (or a write to a
 * read-only slot) is an access to a device.  The instruction is decoded
 * (decode.c) from the bytes the hardware supplies (decode assists) or
 * fetched through the guest's page tables, the access goes to userspace
 * as an MMIO exit, and the instruction is completed here: registers,
 * flags, string pointers and RIP, as the CPU would have left them.
 */
#include <linux/mm.h>
#include <asm/trapnr.h>
#include "vmlab.h"

static u64 addr_mask(u8 addr_size)
{
	return addr_size == 8 ? ~0ULL : BIT_ULL(addr_size * 8) - 1;
}

static enum vmlab_insn_mode insn_mode(struct vmlab_vcpu *vcpu)
{
	struct vmlab_segment cs;

	vmlab_ops->get_segment(vcpu, VMLAB_SEG_CS, &cs);
	if (cs.l)
		return VMLAB_MODE_64;
	return cs.db ? VMLAB_MODE_32 : VMLAB_MODE_16;
}

/* Reads up to 15 instruction bytes at CS:RIP; returns how many, or <0. */
static int fetch_insn(struct vmlab_vcpu *vcpu, u8 *bytes)
{
	u64 ip = vmlab_seg_base(vcpu, VMLAB_SEG_CS) + vmlab_reg(vcpu, VMLAB_RIP);
	unsigned int first = min_t(u64, VMLAB_INSN_MAX_LEN, PAGE_SIZE - offset_in_page(ip));
	int r;

	r = vmlab_read_guest_virt(vcpu, ip, bytes, first, VMLAB_ACCESS_FETCH);
	if (r)
		return r == VMLAB_GVA_FAULTED ? -EAGAIN : r;
	/* The rest may be on a page that is not mapped: decode what we have. */
	if (first < VMLAB_INSN_MAX_LEN &&
	    !vmlab_read_guest_virt(vcpu, ip + first, bytes + first,
				   VMLAB_INSN_MAX_LEN - first, VMLAB_ACCESS_FETCH))
		return VMLAB_INSN_MAX_LEN;
	return first;
}

static int mmio_exit(struct vmlab_vcpu *vcpu, u64 gpa, u8 len, bool write, u64 value)
{
	struct vmlab_run *run = vcpu->run;

	run->exit_reason = VMLAB_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = len;
	run->mmio.is_write = write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (write)
		memcpy(run->mmio.data, &value, len);
	return 0;
}

static u64 operand(struct vmlab_vcpu *vcpu, const struct vmlab_mmio_insn *insn)
{
	return vmlab_mmio_store_value(insn, insn->has_imm ? 0 : vmlab_reg(vcpu, insn->reg));
}

/* Steps rSI/rDI of a string instruction; true when a REP is finished. */
static bool string_step(struct vmlab_vcpu *vcpu, const struct vmlab_mmio_insn *insn,
			bool si, bool di)
{
	s64 step = (vmlab_reg(vcpu, VMLAB_RFLAGS) & X86_EFLAGS_DF) ? -insn->size : insn->size;
	u64 mask = addr_mask(insn->addr_size);
	u64 rcx;

	if (si)
		vmlab_set_reg(vcpu, VMLAB_RSI, (vmlab_reg(vcpu, VMLAB_RSI) & ~mask) |
			      ((vmlab_reg(vcpu, VMLAB_RSI) + step) & mask));
	if (di)
		vmlab_set_reg(vcpu, VMLAB_RDI, (vmlab_reg(vcpu, VMLAB_RDI) & ~mask) |
			      ((vmlab_reg(vcpu, VMLAB_RDI) + step) & mask));
	if (!insn->rep)
		return true;
	rcx = (vmlab_reg(vcpu, VMLAB_RCX) - 1) & mask;
	vmlab_set_reg(vcpu, VMLAB_RCX, (vmlab_reg(vcpu, VMLAB_RCX) & ~mask) | rcx);
	return rcx == 0;
}

static u64 string_addr(struct vmlab_vcpu *vcpu, const struct vmlab_mmio_insn *insn,
		       enum vmlab_reg r, enum vmlab_seg seg)
{
	return vmlab_seg_base(vcpu, seg) +
	       (vmlab_reg(vcpu, r) & addr_mask(insn->addr_size));
}

/* The source segment of MOVS/LODS: DS unless overridden. */
static enum vmlab_seg source_seg(const struct vmlab_mmio_insn *insn)
{
	return insn->seg == VMLAB_SEGOVR_NONE ? VMLAB_SEG_DS :
	       (enum vmlab_seg)(insn->seg - VMLAB_SEGOVR_ES);
}

static void finish_insn(struct vmlab_vcpu *vcpu, bool done)
{
	if (done)
		vmlab_finish_insn_at(vcpu, vcpu->mmio.next_rip);
}

/* MOVS with its source in RAM and its destination the device. */
static int movs_to_device(struct vmlab_vcpu *vcpu, const struct vmlab_mmio_insn *insn, u64 gpa)
{
	u64 src = string_addr(vcpu, insn, VMLAB_RSI, source_seg(insn)), value = 0;
	int r = vmlab_read_guest_virt(vcpu, src, &value, insn->size, 0);

	if (r == VMLAB_GVA_FAULTED)
		return 1;
	if (r)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION, gpa, src);
	finish_insn(vcpu, string_step(vcpu, insn, true, true));
	return mmio_exit(vcpu, gpa, insn->size, true, value);
}

static int start_read(struct vmlab_vcpu *vcpu, u64 gpa, u8 size)
{
	vcpu->pending = VMLAB_PENDING_MMIO_READ;
	return mmio_exit(vcpu, gpa, size, false, 0);
}

static int emulate(struct vmlab_vcpu *vcpu, const struct vmlab_mmio_insn *insn,
		   u64 gpa, bool fault_write)
{
	switch (insn->op) {
	case VMLAB_MMIO_OP_STORE:
		if (insn->string) {
			u64 value = vmlab_mmio_store_value(insn, vmlab_reg(vcpu, VMLAB_RAX));

			finish_insn(vcpu, string_step(vcpu, insn, false, true));
			return mmio_exit(vcpu, gpa, insn->size, true, value);
		}
		finish_insn(vcpu, true);
		return mmio_exit(vcpu, gpa, insn->size, true, operand(vcpu, insn));
	case VMLAB_MMIO_OP_MOVS:
		if (fault_write)
			return movs_to_device(vcpu, insn, gpa);
		return start_read(vcpu, gpa, insn->size);
	case VMLAB_MMIO_OP_LOAD:
	case VMLAB_MMIO_OP_TEST:
	case VMLAB_MMIO_OP_XCHG:
	case VMLAB_MMIO_OP_RMW:
		return start_read(vcpu, gpa, insn->size);
	default:
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION, gpa, insn->op);
	}
}

/*
 * A fault on RAM: a mapping changed under the guest; retry it.  Once per
 * change: a second fault with no mapping gone away since means the
 * nested tables are wrong, and retrying would loop for ever.
 */
static int ram_fault(struct vmlab_vcpu *vcpu, u64 gpa)
{
	int gen = atomic_read(&vcpu->vm->tlb_gen);

	if (vcpu->npf_retried && vcpu->npf_gen == gen)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_NESTED_FAULT, gpa, 0);
	vcpu->npf_retried = true;
	vcpu->npf_gen = gen;
	return 1;
}

int vmlab_handle_npf(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	struct vmlab_mmio_insn *insn = &vcpu->mmio.insn;
	u64 gpa = exit->npf.gpa;
	struct vmlab_slot *slot;
	bool readonly;
	u8 bytes[VMLAB_INSN_MAX_LEN];
	int n, r;

	down_read(&vcpu->vm->mem_lock);
	slot = vmlab_find_slot(vcpu->vm, gpa);
	readonly = slot && (slot->flags & VMLAB_MEM_READONLY);
	up_read(&vcpu->vm->mem_lock);
	if (slot && !(readonly && exit->npf.write))
		return ram_fault(vcpu, gpa);
	vcpu->npf_retried = false;
	/*
	 * Only an instruction's own data access can be emulated as MMIO; the
	 * instruction at RIP did not make a page-walk or IDT/stack access
	 * of an event's delivery.
	 */
	if (exit->npf.vectoring)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EVENT_DELIVERY, gpa, 0);
	if (exit->npf.walk)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY, gpa, 0);
	if (exit->npf.fetch)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION, gpa, 0);

	if (exit->npf.insn_count) {
		n = exit->npf.insn_count;
		memcpy(bytes, exit->npf.insn_bytes, n);
	} else {
		n = fetch_insn(vcpu, bytes);
		if (n == -EAGAIN)
			return 1;	/* the guest took a #PF on its own code */
		if (n < 0)
			return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY, gpa, 0);
	}
	r = vmlab_decode_mmio(bytes, n, insn_mode(vcpu), insn);
	if (r) {
		u64 head = 0;

		memcpy(&head, bytes, min(n, 8));
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION, gpa, head);
	}
	vcpu->mmio.gpa = gpa;
	vcpu->mmio.next_rip = vmlab_reg(vcpu, VMLAB_RIP) + insn->len;
	return emulate(vcpu, insn, gpa, exit->npf.write);
}

static void set_flags(struct vmlab_vcpu *vcpu, u64 rflags)
{
	vmlab_set_reg(vcpu, VMLAB_RFLAGS, rflags);
}

/* MOVS from the device: the data goes to ES:rDI in RAM. */
static int complete_movs(struct vmlab_vcpu *vcpu, const struct vmlab_mmio_insn *insn, u64 data)
{
	u64 dst = string_addr(vcpu, insn, VMLAB_RDI, VMLAB_SEG_ES);
	int r = vmlab_write_guest_virt(vcpu, dst, &data, insn->size);

	if (r == VMLAB_GVA_FAULTED)
		return 1;
	if (r)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION, vcpu->mmio.gpa, dst);
	finish_insn(vcpu, string_step(vcpu, insn, true, true));
	return 1;
}

/* Applies the data of an MMIO read; may start the write half of XCHG/RMW. */
int vmlab_complete_mmio(struct vmlab_vcpu *vcpu)
{
	const struct vmlab_mmio_insn *insn = &vcpu->mmio.insn;
	u64 data = 0, rflags, value;

	vcpu->pending = VMLAB_PENDING_NONE;
	memcpy(&data, vcpu->run->mmio.data, insn->size);
	switch (insn->op) {
	case VMLAB_MMIO_OP_LOAD:
		vmlab_set_reg(vcpu, insn->reg,
			      vmlab_mmio_load_result(insn, vmlab_reg(vcpu, insn->reg), data));
		finish_insn(vcpu, insn->string ? string_step(vcpu, insn, true, false) : true);
		return 1;
	case VMLAB_MMIO_OP_TEST:
		set_flags(vcpu, vmlab_flags_after_test(data, operand(vcpu, insn), insn->size,
						       vmlab_reg(vcpu, VMLAB_RFLAGS)));
		finish_insn(vcpu, true);
		return 1;
	case VMLAB_MMIO_OP_XCHG:
		value = operand(vcpu, insn);
		vmlab_set_reg(vcpu, insn->reg,
			      vmlab_mmio_load_result(insn, vmlab_reg(vcpu, insn->reg), data));
		finish_insn(vcpu, true);
		return mmio_exit(vcpu, vcpu->mmio.gpa, insn->size, true, value);
	case VMLAB_MMIO_OP_RMW:
		rflags = vmlab_reg(vcpu, VMLAB_RFLAGS);
		value = vmlab_rmw_apply(insn, data, operand(vcpu, insn), &rflags);
		set_flags(vcpu, rflags);
		finish_insn(vcpu, true);
		return mmio_exit(vcpu, vcpu->mmio.gpa, insn->size, true, value);
	case VMLAB_MMIO_OP_MOVS:
		return complete_movs(vcpu, insn, data);
	default:
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION, vcpu->mmio.gpa, 0);
	}
}
