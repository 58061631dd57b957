// SPDX-License-Identifier: GPL-2.0
/*
 * Entering a VMX guest and turning the VM exit into a struct vmlab_exit.
 * Runs with interrupts off and the VMCS current; everything the core
 * needs later is read from the VMCS here, so the core may be preempted
 * before it handles the exit.
 */
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/debugreg.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trapnr.h>
#include "vmx.h"

/* Exit reason bit 31: the VM entry itself failed (SDM vol. 3, 26.8). */
#define EXIT_REASON_ENTRY_FAILED	BIT(31)

/* IO qualification fields (SDM vol. 3, table 27-5). */
#define IO_SIZE(q)	(((q) & 7) + 1)
#define IO_IN		BIT(3)
#define IO_STRING	BIT(4)
#define IO_REP		BIT(5)

/* CR access qualification fields (table 27-3). */
#define CR_NUM(q)	((q) & 15)
#define CR_TYPE(q)	(((q) >> 4) & 3)
#define CR_GPR(q)	(((q) >> 8) & 15)

/* The host CR3 and CR4 can change (PCID, CR4 bits) between entries. */
static void refresh_host_crs(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();

	if (unlikely(cr3 != vmx->host_cr3)) {
		vmcs_write(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vmx->host_cr4)) {
		vmcs_write(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
}

static void sync_dirty_regs(struct vmlab_vcpu *vcpu)
{
	u32 dirty = vcpu->regs_dirty;

	if (dirty & BIT(VMLAB_RSP))
		vmcs_write(GUEST_RSP, vcpu->regs[VMLAB_RSP]);
	if (dirty & BIT(VMLAB_RIP))
		vmcs_write(GUEST_RIP, vcpu->regs[VMLAB_RIP]);
	if (dirty & BIT(VMLAB_RFLAGS))
		vmcs_write(GUEST_RFLAGS, vcpu->regs[VMLAB_RFLAGS]);
	vcpu->regs_dirty = 0;
}

static void decode_io(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit, u64 q)
{
	exit->kind = VMLAB_EK_IO;
	exit->io.port = q >> 16;
	exit->io.size = IO_SIZE(q);
	exit->io.in = q & IO_IN;
	exit->io.string = q & IO_STRING;
	exit->io.rep = q & IO_REP;
	exit->io.seg = VMLAB_SEG_UNKNOWN;
	exit->io.addr_size = 8;
	if (exit->io.string && vmx_has_ins_outs_info) {
		u32 info = vmcs_read(VMX_INSTRUCTION_INFO);

		exit->io.addr_size = 2 << ((info >> 7) & 7);
		exit->io.seg = (info >> 15) & 7;
	} else if (exit->io.string) {
		/* No instruction info: the address size follows the code. */
		u32 cs_ar = vmcs_read(GUEST_CS_AR_BYTES);

		exit->io.addr_size = (cs_ar & BIT(13)) ? 8 : (cs_ar & BIT(14)) ? 4 : 2;
	}
}

static void decode_ept_violation(struct vmlab_exit *exit, u64 q)
{
	exit->kind = VMLAB_EK_NPF;
	exit->npf.gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	exit->npf.write = q & EPT_VIOLATION_ACC_WRITE;
	exit->npf.fetch = q & EPT_VIOLATION_ACC_INSTR;
	exit->npf.present = q & EPT_VIOLATION_RWX_MASK;
	/* Bit 7: a linear address was translated; bit 8: the access was to it. */
	exit->npf.walk = (q & (BIT(7) | BIT(8))) != (BIT(7) | BIT(8));
	exit->npf.vectoring = vmcs_read(IDT_VECTORING_INFO_FIELD) & VECTORING_INFO_VALID_MASK;
	exit->npf.insn_count = 0;
	/* An EPT violation during an NMI handler's IRET unblocked NMIs. */
	if (q & INTR_INFO_UNBLOCK_NMI)
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   vmcs_read(GUEST_INTERRUPTIBILITY_INFO) | GUEST_INTR_STATE_NMI);
}

/*
 * CR8 is the guest's own TPR, kept here: with no TPR shadow, a MOV to CR8
 * that did not exit would write the host's local APIC and could mask the
 * host CPU's interrupts.  The guest has no local APIC that it could gate.
 */
static bool access_cr8(struct vmlab_vcpu *vcpu, u64 q, u64 value)
{
	if (CR_TYPE(q) == 1) {
		vmlab_set_reg(vcpu, CR_GPR(q), to_vmx(vcpu)->cr8);
		return true;
	}
	if (value & ~0xfULL)
		return false;
	to_vmx(vcpu)->cr8 = value;
	return true;
}

/*
 * MOV to CR0/CR4 on a pinned bit and MOV to/from CR8: emulated here;
 * anything else is unhandled.
 */
static void decode_cr_access(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit, u64 q)
{
	u64 value = vmlab_reg(vcpu, CR_GPR(q));
	bool ok;

	if (CR_NUM(q) == 8 && CR_TYPE(q) <= 1) {
		ok = access_cr8(vcpu, q, value);
	} else if (CR_TYPE(q) == 0 && CR_NUM(q) == 0) {
		ok = vmx_write_cr0(vcpu, value);
	} else if (CR_TYPE(q) == 0 && CR_NUM(q) == 4) {
		ok = vmx_write_cr4(vcpu, value);
	} else {
		exit->kind = VMLAB_EK_UNHANDLED;
		return;
	}
	if (ok)
		vmlab_skip_insn(vcpu, exit->insn_len);
	else
		vmx_inject_exception(vcpu, X86_TRAP_GP, true, 0, 0);
	exit->kind = VMLAB_EK_NONE;
}

/* VMX instructions: #UD, since the guest sees no VMX. */
static bool is_vmx_insn(u32 reason)
{
	switch (reason) {
	case VMLAB_VMX_EXIT_VMCLEAR: case VMLAB_VMX_EXIT_VMLAUNCH:
	case VMLAB_VMX_EXIT_VMPTRLD: case VMLAB_VMX_EXIT_VMPTRST:
	case VMLAB_VMX_EXIT_VMREAD: case VMLAB_VMX_EXIT_VMRESUME:
	case VMLAB_VMX_EXIT_VMWRITE: case VMLAB_VMX_EXIT_VMXOFF:
	case VMLAB_VMX_EXIT_VMXON: case VMLAB_VMX_EXIT_INVEPT:
	case VMLAB_VMX_EXIT_INVVPID: case VMLAB_VMX_EXIT_VMFUNC:
		return true;
	default:
		return false;
	}
}

/* An NMI that hit the guest was meant for the host: raise it again. */
static void forward_host_nmi(u32 intr_info)
{
	if ((intr_info & (INTR_INFO_VALID_MASK | INTR_INFO_INTR_TYPE_MASK)) ==
	    (INTR_INFO_VALID_MASK | INTR_TYPE_NMI_INTR))
		apic->send_IPI(smp_processor_id(), NMI_VECTOR);
}

static void decode_reason(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit,
			  u32 reason, u64 q)
{
	switch (reason) {
	case VMLAB_VMX_EXIT_EXTERNAL_INTERRUPT:
	case VMLAB_VMX_EXIT_PREEMPTION_TIMER:
		exit->kind = VMLAB_EK_EXTINT;
		break;
	case VMLAB_VMX_EXIT_EXCEPTION_NMI:
		exit->kind = VMLAB_EK_UNHANDLED;
		if ((exit->raw_info[2] & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR) {
			forward_host_nmi(exit->raw_info[2]);
			exit->kind = VMLAB_EK_EXTINT;
		} else if ((exit->raw_info[2] & INTR_INFO_VECTOR_MASK) == X86_TRAP_AC) {
			vmx_inject_exception(vcpu, X86_TRAP_AC, true,
					     vmcs_read(VM_EXIT_INTR_ERROR_CODE), 0);
			exit->kind = VMLAB_EK_NONE;
		}
		break;
	case VMLAB_VMX_EXIT_INTERRUPT_WINDOW:
		exit->kind = VMLAB_EK_IRQ_WINDOW;
		break;
	case VMLAB_VMX_EXIT_TRIPLE_FAULT:
		exit->kind = VMLAB_EK_SHUTDOWN;
		break;
	case VMLAB_VMX_EXIT_CPUID:
		exit->kind = VMLAB_EK_CPUID;
		break;
	case VMLAB_VMX_EXIT_HLT:
		exit->kind = VMLAB_EK_HLT;
		break;
	case VMLAB_VMX_EXIT_INVD:
	case VMLAB_VMX_EXIT_WBINVD:
		exit->kind = VMLAB_EK_SKIP;
		break;
	case VMLAB_VMX_EXIT_IO_INSTRUCTION:
		decode_io(vcpu, exit, q);
		break;
	case VMLAB_VMX_EXIT_MSR_READ:
	case VMLAB_VMX_EXIT_MSR_WRITE:
		exit->kind = reason == VMLAB_VMX_EXIT_MSR_READ ?
			     VMLAB_EK_MSR_READ : VMLAB_EK_MSR_WRITE;
		exit->msr.index = vcpu->regs[VMLAB_RCX];
		exit->msr.value = (u32)vcpu->regs[VMLAB_RAX] |
				  (vcpu->regs[VMLAB_RDX] << 32);
		break;
	case VMLAB_VMX_EXIT_XSETBV:
		exit->kind = VMLAB_EK_XSETBV;
		break;
	case VMLAB_VMX_EXIT_CR_ACCESS:
		decode_cr_access(vcpu, exit, q);
		break;
	case VMLAB_VMX_EXIT_EPT_VIOLATION:
		decode_ept_violation(exit, q);
		break;
	default:
		if (is_vmx_insn(reason)) {
			vmx_inject_exception(vcpu, X86_TRAP_UD, false, 0, 0);
			exit->kind = VMLAB_EK_NONE;
		} else {
			exit->kind = VMLAB_EK_UNHANDLED;
		}
		break;
	}
}

/*
 * An exit in the middle of delivering an event (EPT violation on the IDT,
 * a host interrupt) loses that event unless we deliver it again.
 */
static void requeue_interrupted_event(struct vmlab_vcpu *vcpu)
{
	u32 info = vmcs_read(IDT_VECTORING_INFO_FIELD);

	if (!(info & VECTORING_INFO_VALID_MASK))
		return;
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
	if (info & VECTORING_INFO_DELIVER_CODE_MASK)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE,
			   vmcs_read(IDT_VECTORING_ERROR_CODE));
	vmcs_write(VM_ENTRY_INSTRUCTION_LEN, vmcs_read(VM_EXIT_INSTRUCTION_LEN));
}

static void decode_exit(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u32 reason = vmcs_read(VM_EXIT_REASON);
	u64 q = vmcs_read(EXIT_QUALIFICATION);

	exit->raw_code = reason;
	exit->raw_info[0] = q;
	exit->raw_info[1] = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	exit->insn_len = vmcs_read(VM_EXIT_INSTRUCTION_LEN);
	exit->raw_info[2] = vmcs_read(VM_EXIT_INTR_INFO) | (u64)exit->insn_len << 32;
	exit->raw_info[3] = vmcs_read(GUEST_RIP);
	exit->opcode_len = 0;

	if (reason & EXIT_REASON_ENTRY_FAILED) {
		/* The VMCS was never launched: the next entry is a VMLAUNCH. */
		to_vmx(vcpu)->launched = false;
		exit->kind = VMLAB_EK_FAIL_ENTRY;
		exit->hw_reason = reason | (q << 32);
		return;
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	requeue_interrupted_event(vcpu);
	decode_reason(vcpu, exit, reason & 0xffff, q);
}

static void fail_entry(struct vmlab_exit *exit, u64 reason)
{
	exit->kind = VMLAB_EK_FAIL_ENTRY;
	exit->raw_code = 0;
	exit->opcode_len = 0;
	exit->insn_len = 0;
	exit->hw_reason = reason;
}

/*
 * Without unrestricted guest, VMX cannot run real mode (vmlab does not
 * emulate it): say so instead of letting the entry fail obscurely.
 */
static bool can_run_mode(void)
{
	return (vmx_ctls.proc2 & VMX_PROC2_UNRESTRICTED) ||
	       (vmx_guest_cr0() & (X86_CR0_PE | X86_CR0_PG)) == (X86_CR0_PE | X86_CR0_PG);
}

/*
 * A guest exits at least every millisecond when the CPU offers the VMX
 * preemption timer, so the vCPU thread sees signals and reschedule
 * requests even where host interrupts fail to make the guest exit (Bochs
 * delivers none to a VMX guest).
 */
static void arm_preemption_timer(void)
{
	if (vmx_ctls.pin & VMX_PIN_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, vmx_preemption_ticks);
}

void vmx_run(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int failed;

	if (!can_run_mode()) {
		fail_entry(exit, VMLAB_FAIL_ENTRY_NEEDS_UNRESTRICTED_GUEST);
		return;
	}
	if (vmx->flush_pending) {
		vmx_flush_tlb(vcpu);
		vmx->flush_pending = false;
	}
	vmx_load_guest_msrs(vmx);
	refresh_host_crs(vmx);
	arm_preemption_timer();
	sync_dirty_regs(vcpu);
	if (native_read_cr2() != vmx->cr2)
		native_write_cr2(vmx->cr2);

	failed = vmlab_vmx_enter(vcpu->regs, vmx->launched);

	vmx->cr2 = native_read_cr2();
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	vmx_cache_regs(vcpu);
	vcpu->regs_dirty = 0;
	if (failed) {
		fail_entry(exit, VMLAB_FAIL_ENTRY_VMFAIL | vmcs_read(VM_INSTRUCTION_ERROR));
		return;
	}
	vmx->launched = true;	/* decode_exit() undoes it for an entry failure */
	decode_exit(vcpu, exit);
}
