// SPDX-License-Identifier: GPL-2.0
/*
 * The core's exit handlers: what to do with each kind of exit a backend
 * reports.  Exits finished here re-enter the guest at once (return 1);
 * the others fill the run page and return 0 so that VMLAB_RUN returns to
 * userspace.
 */
#include <linux/mm.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/trapnr.h>
#include "vmlab.h"

/*
 * Without next-RIP from the hardware, the length of the instruction that
 * exited is read from guest memory: any prefixes, then the opcode the
 * exit implies.  Returns 0 after setting exit->insn_len, or an exit to
 * userspace (internal error) when the bytes are not what they must be.
 */
static int resolve_insn_len(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u64 ip = vmlab_seg_base(vcpu, VMLAB_SEG_CS) + vmlab_reg(vcpu, VMLAB_RIP);
	u8 bytes[VMLAB_INSN_MAX_LEN];
	unsigned int i = 0, n = exit->opcode_len;
	int r;

	r = vmlab_read_guest_virt(vcpu, ip, bytes, sizeof(bytes), VMLAB_ACCESS_FETCH);
	if (r == VMLAB_GVA_FAULTED)
		return 1;
	if (r)
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_GUEST_MEMORY, ip, 0);
	i = vmlab_skip_prefixes(bytes, sizeof(bytes), vmlab_in_long_mode(vcpu), NULL);
	if (i + n > sizeof(bytes) || memcmp(bytes + i, exit->opcode, n))
		return vmlab_internal_error(vcpu, VMLAB_INTERNAL_EMULATION, ip,
					    exit->raw_code);
	exit->insn_len = i + n;
	return 0;
}

static int exit_to_user(struct vmlab_vcpu *vcpu, u32 reason)
{
	vcpu->run->exit_reason = reason;
	return 0;
}

static int handle_cpuid(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	vmlab_emulate_cpuid(vcpu);
	vmlab_skip_insn(vcpu, exit->insn_len);
	return 1;
}

static int handle_hlt(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	vmlab_skip_insn(vcpu, exit->insn_len);
	return exit_to_user(vcpu, VMLAB_EXIT_HLT);
}

static void inject_gp(struct vmlab_vcpu *vcpu)
{
	vmlab_ops->inject_exception(vcpu, X86_TRAP_GP, true, 0, 0);
}

static int handle_rdmsr(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u64 value;

	if (vmlab_get_msr(vcpu, exit->msr.index, &value)) {
		inject_gp(vcpu);
		return 1;
	}
	vmlab_set_reg(vcpu, VMLAB_RAX, (u32)value);
	vmlab_set_reg(vcpu, VMLAB_RDX, value >> 32);
	vmlab_skip_insn(vcpu, exit->insn_len);
	return 1;
}

static int handle_wrmsr(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	if (vmlab_set_msr(vcpu, exit->msr.index, exit->msr.value)) {
		inject_gp(vcpu);
		return 1;
	}
	vmlab_skip_insn(vcpu, exit->insn_len);
	return 1;
}

/* XSETBV: the SDM's #GP conditions, then the value takes effect at entry. */
static int handle_xsetbv(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u32 index = vmlab_reg(vcpu, VMLAB_RCX);
	u64 value = (u32)vmlab_reg(vcpu, VMLAB_RAX) |
		    vmlab_reg(vcpu, VMLAB_RDX) << 32;
	u64 avx512 = XFEATURE_MASK_AVX512;

	if (index != XCR_XFEATURE_ENABLED_MASK || vmlab_ops->get_cpl(vcpu) ||
	    !(value & XFEATURE_MASK_FP) ||
	    (value & ~vmlab_guest_supported_xcr0()) ||
	    ((value & XFEATURE_MASK_YMM) && !(value & XFEATURE_MASK_SSE)) ||
	    ((value & avx512) && (value & avx512) != avx512) ||
	    ((value & avx512) && !(value & XFEATURE_MASK_YMM))) {
		inject_gp(vcpu);
		return 1;
	}
	vcpu->xcr0 = value;
	vmlab_skip_insn(vcpu, exit->insn_len);
	return 1;
}

static int handle_irq_window(struct vmlab_vcpu *vcpu)
{
	vmlab_ops->enable_irq_window(vcpu, false);
	if (vcpu->run->request_interrupt_window && !vcpu->irq_pending)
		return exit_to_user(vcpu, VMLAB_EXIT_IRQ_WINDOW_OPEN);
	return 1;
}

static int handle_fail_entry(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	vcpu->run->fail_entry.hardware_entry_failure_reason = exit->hw_reason;
	vcpu->run->fail_entry.cpu = vcpu->last_cpu;
	return exit_to_user(vcpu, VMLAB_EXIT_FAIL_ENTRY);
}

static int handle_unhandled(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	struct vmlab_run *run = vcpu->run;

	run->unhandled.exit_code = exit->raw_code;
	memcpy(run->unhandled.info, exit->raw_info, sizeof(run->unhandled.info));
	run->unhandled.backend = vmlab_caps.backend;
	return exit_to_user(vcpu, VMLAB_EXIT_UNHANDLED);
}

int vmlab_handle_exit(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	int r;

	if (exit->opcode_len && !exit->insn_len) {
		r = resolve_insn_len(vcpu, exit);
		if (r)
			return r > 0 ? 1 : 0;
	}
	switch (exit->kind) {
	case VMLAB_EK_NONE:
	case VMLAB_EK_EXTINT:
		return 1;
	case VMLAB_EK_CPUID:
		return handle_cpuid(vcpu, exit);
	case VMLAB_EK_HLT:
		return handle_hlt(vcpu, exit);
	case VMLAB_EK_IO:
		return vmlab_handle_io(vcpu, exit);
	case VMLAB_EK_NPF:
		return vmlab_handle_npf(vcpu, exit);
	case VMLAB_EK_MSR_READ:
		return handle_rdmsr(vcpu, exit);
	case VMLAB_EK_MSR_WRITE:
		return handle_wrmsr(vcpu, exit);
	case VMLAB_EK_XSETBV:
		return handle_xsetbv(vcpu, exit);
	case VMLAB_EK_SKIP:
		vmlab_skip_insn(vcpu, exit->insn_len);
		return 1;
	case VMLAB_EK_SHUTDOWN:
		return exit_to_user(vcpu, VMLAB_EXIT_SHUTDOWN);
	case VMLAB_EK_IRQ_WINDOW:
		return handle_irq_window(vcpu);
	case VMLAB_EK_FAIL_ENTRY:
		return handle_fail_entry(vcpu, exit);
	case VMLAB_EK_UNHANDLED:
	default:
		return handle_unhandled(vcpu, exit);
	}
}

/* Finishes an IN or MMIO read with the data userspace left in the run page. */
int vmlab_complete_userspace_io(struct vmlab_vcpu *vcpu)
{
	switch (vcpu->pending) {
	case VMLAB_PENDING_PIO_IN:
		return vmlab_complete_io(vcpu);
	case VMLAB_PENDING_MMIO_READ:
		return vmlab_complete_mmio(vcpu);
	default:
		return 1;
	}
}
