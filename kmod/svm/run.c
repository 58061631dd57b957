// SPDX-License-Identifier: GPL-2.0
/*
 * Entering an SVM guest and turning the #VMEXIT into a struct vmlab_exit.
 * Runs with interrupts off: only the VMCB is read here; anything that
 * touches guest memory is left to the core, after interrupts are back.
 */
#include <linux/percpu.h>
#include <asm/debugreg.h>
#include <asm/msr.h>
#include <asm/trapnr.h>
#include "svm.h"

static DEFINE_PER_CPU(u64, host_tsc_aux);
static DEFINE_PER_CPU(bool, host_tsc_aux_valid);

static inline void clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static inline void stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

/*
 * The core's copies of RAX/RSP/RIP/RFLAGS go back into the VMCB.  A new
 * RIP means the instruction that exited is done, and so is the interrupt
 * shadow of an STI or MOV SS right before it (svm_in_interrupt_shadow).
 */
static void sync_dirty_regs(struct vmlab_vcpu *vcpu, struct vmcb *vmcb)
{
	struct vmcb_save_area *save = &vmcb->save;
	u32 dirty = vcpu->regs_dirty;

	if (dirty & BIT(VMLAB_RAX))
		save->rax = vcpu->regs[VMLAB_RAX];
	if (dirty & BIT(VMLAB_RSP))
		save->rsp = vcpu->regs[VMLAB_RSP];
	if (dirty & BIT(VMLAB_RIP)) {
		save->rip = vcpu->regs[VMLAB_RIP];
		vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	}
	if (dirty & BIT(VMLAB_RFLAGS))
		save->rflags = vcpu->regs[VMLAB_RFLAGS];
	vcpu->regs_dirty = 0;
}

/* TSC_AUX is not switched by VMRUN; swap it only when the values differ. */
static u64 *host_aux(void)
{
	if (!this_cpu_read(host_tsc_aux_valid)) {
		/* Without RDTSCP/RDPID there is none: 0, like the guest's. */
		if (rdmsrl_safe(MSR_TSC_AUX, this_cpu_ptr(&host_tsc_aux)))
			*this_cpu_ptr(&host_tsc_aux) = 0;
		this_cpu_write(host_tsc_aux_valid, true);
	}
	return this_cpu_ptr(&host_tsc_aux);
}

static void set_len(struct vmlab_exit *exit, struct vmcb *vmcb, const u8 *op, u8 n)
{
	if (svm_has_nrips) {
		exit->insn_len = vmcb->control.next_rip - vmcb->save.rip;
		return;
	}
	exit->insn_len = 0;
	memcpy(exit->opcode, op, n);
	exit->opcode_len = n;
}

static void decode_ioio(struct vmlab_exit *exit, struct vmcb *vmcb)
{
	u64 info = vmcb->control.exit_info_1;

	exit->kind = VMLAB_EK_IO;
	exit->insn_len = vmcb->control.exit_info_2 - vmcb->save.rip;
	exit->io.port = info >> 16;
	exit->io.in = info & SVM_IOIO_TYPE_MASK;
	exit->io.string = info & SVM_IOIO_STR_MASK;
	exit->io.rep = info & SVM_IOIO_REP_MASK;
	/* One-hot fields: SZ8/16/32 read as 1/2/4, A16/32/64 as 1/2/4. */
	exit->io.size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	exit->io.addr_size = ((info & SVM_IOIO_ASIZE_MASK) >> SVM_IOIO_ASIZE_SHIFT) * 2;
	exit->io.seg = svm_has_decode_assists ? (info >> 10) & 7 : VMLAB_SEG_UNKNOWN;
}

static void decode_npf(struct vmlab_exit *exit, struct vmcb *vmcb)
{
	u64 err = vmcb->control.exit_info_1;

	exit->kind = VMLAB_EK_NPF;
	exit->npf.gpa = vmcb->control.exit_info_2;
	exit->npf.present = err & BIT(0);
	exit->npf.write = err & BIT(1);
	exit->npf.fetch = err & BIT(4);
	exit->npf.walk = err & BIT_ULL(33);	/* on a guest page-table access */
	exit->npf.vectoring = vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID;
	exit->npf.insn_count = 0;
	if (svm_has_decode_assists && vmcb->control.insn_len) {
		exit->npf.insn_count = min_t(u8, vmcb->control.insn_len, 15);
		memcpy(exit->npf.insn_bytes, vmcb->control.insn_bytes,
		       exit->npf.insn_count);
	}
}

static void decode_msr(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit, struct vmcb *vmcb)
{
	static const u8 rdmsr[] = { 0x0f, 0x32 }, wrmsr[] = { 0x0f, 0x30 };
	bool write = vmcb->control.exit_info_1;

	exit->kind = write ? VMLAB_EK_MSR_WRITE : VMLAB_EK_MSR_READ;
	exit->msr.index = vcpu->regs[VMLAB_RCX];
	exit->msr.value = (u32)vcpu->regs[VMLAB_RAX] | (vcpu->regs[VMLAB_RDX] << 32);
	set_len(exit, vmcb, write ? wrmsr : rdmsr, 2);
}

/* The instructions of SVM itself: #UD, since the guest has no SVM. */
static bool is_svm_insn(u64 code)
{
	switch (code) {
	case VMLAB_SVM_EXIT_VMRUN: case VMLAB_SVM_EXIT_VMLOAD:
	case VMLAB_SVM_EXIT_VMSAVE: case VMLAB_SVM_EXIT_STGI:
	case VMLAB_SVM_EXIT_CLGI: case VMLAB_SVM_EXIT_SKINIT:
	case VMLAB_SVM_EXIT_INVLPGA:
		return true;
	default:
		return false;
	}
}

static void decode_exit(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit, struct vmcb *vmcb)
{
	static const u8 cpuid[] = { 0x0f, 0xa2 }, hlt[] = { 0xf4 };
	static const u8 xsetbv[] = { 0x0f, 0x01, 0xd1 };
	static const u8 wbinvd[] = { 0x0f, 0x09 }, invd[] = { 0x0f, 0x08 };
	u64 code = vmcb->control.exit_code | ((u64)vmcb->control.exit_code_hi << 32);

	/* VMEXIT_INVALID is -1; QEMU's SVM writes only the low half. */
	if (vmcb->control.exit_code == (u32)VMLAB_SVM_EXIT_INVALID)
		code = VMLAB_SVM_EXIT_INVALID;
	exit->raw_code = code;
	exit->raw_info[0] = vmcb->control.exit_info_1;
	exit->raw_info[1] = vmcb->control.exit_info_2;
	exit->raw_info[2] = vmcb->control.exit_int_info |
			    (u64)vmcb->control.exit_int_info_err << 32;
	exit->raw_info[3] = vmcb->save.rip;
	exit->insn_len = 0;
	exit->opcode_len = 0;

	switch (code) {
	case VMLAB_SVM_EXIT_INTR:
	case VMLAB_SVM_EXIT_NMI:
	case VMLAB_SVM_EXIT_SMI:
	case VMLAB_SVM_EXIT_INIT:
		exit->kind = VMLAB_EK_EXTINT;
		break;
	case VMLAB_SVM_EXIT_VINTR:
		exit->kind = VMLAB_EK_IRQ_WINDOW;
		break;
	case VMLAB_SVM_EXIT_CPUID:
		exit->kind = VMLAB_EK_CPUID;
		set_len(exit, vmcb, cpuid, sizeof(cpuid));
		break;
	case VMLAB_SVM_EXIT_HLT:
		exit->kind = VMLAB_EK_HLT;
		set_len(exit, vmcb, hlt, sizeof(hlt));
		break;
	case VMLAB_SVM_EXIT_IOIO:
		decode_ioio(exit, vmcb);
		break;
	case VMLAB_SVM_EXIT_NPF:
		decode_npf(exit, vmcb);
		break;
	case VMLAB_SVM_EXIT_MSR:
		decode_msr(vcpu, exit, vmcb);
		break;
	case VMLAB_SVM_EXIT_XSETBV:
		exit->kind = VMLAB_EK_XSETBV;
		set_len(exit, vmcb, xsetbv, sizeof(xsetbv));
		break;
	case VMLAB_SVM_EXIT_WBINVD:
	case VMLAB_SVM_EXIT_INVD:
		exit->kind = VMLAB_EK_SKIP;
		set_len(exit, vmcb, code == VMLAB_SVM_EXIT_WBINVD ? wbinvd : invd, 2);
		break;
	case VMLAB_SVM_EXIT_EXCP_DB:	/* DR6 in the VMCB says why: it stays */
		svm_inject_exception(vcpu, X86_TRAP_DB, false, 0, 0);
		exit->kind = VMLAB_EK_NONE;
		break;
	case VMLAB_SVM_EXIT_EXCP_AC:
		svm_inject_exception(vcpu, X86_TRAP_AC, true, 0, 0);
		exit->kind = VMLAB_EK_NONE;
		break;
	case VMLAB_SVM_EXIT_SHUTDOWN:
		exit->kind = VMLAB_EK_SHUTDOWN;
		break;
	case VMLAB_SVM_EXIT_IRET:
		svm_nmi_iret(vcpu);
		exit->kind = VMLAB_EK_NONE;
		break;
	case VMLAB_SVM_EXIT_INVALID:
		exit->kind = VMLAB_EK_FAIL_ENTRY;
		exit->hw_reason = code;
		break;
	default:
		if (is_svm_insn(code)) {
			svm_inject_exception(vcpu, X86_TRAP_UD, false, 0, 0);
			exit->kind = VMLAB_EK_NONE;
		} else {
			exit->kind = VMLAB_EK_UNHANDLED;
		}
		break;
	}
}

/*
 * An exit in the middle of delivering an event (a nested fault on the
 * IDT, a host interrupt) loses that event unless we deliver it again.
 */
static void requeue_interrupted_event(struct svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = c->exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

	if (!(info & SVM_EXITINTINFO_VALID) || (c->event_inj & SVM_EVTINJ_VALID))
		return;
	/*
	 * INTn, INT3 and INTO: RIP is still on the instruction, which runs
	 * again and raises them again.  Injected instead, they would push a
	 * return address taken from NextRIP, which this exit did not set.
	 */
	if (type == SVM_EXITINTINFO_TYPE_SOFT ||
	    (type == SVM_EXITINTINFO_TYPE_EXEPT && (vector == BP_VECTOR || vector == OF_VECTOR)))
		return;
	c->event_inj = info;
	c->event_inj_err = c->exit_int_info_err;
}

/* NMIs unblock once an exit follows the IRET that ended the handler. */
static void track_nmi_unmask(struct svm_vcpu *svm, u64 code)
{
	if (svm->iret_seen && code != VMLAB_SVM_EXIT_IRET) {
		svm->iret_seen = false;
		svm->nmi_masked = false;
	}
}

void svm_run(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	int cpu = smp_processor_id();
	u64 *host_tsc_aux = host_aux();
	bool swap_aux = svm->tsc_aux != *host_tsc_aux;

	svm_assign_asid(svm, cpu);
	if (svm->flush_tlb) {
		if (vmcb->control.tlb_ctl == TLB_CONTROL_DO_NOTHING)
			vmcb->control.tlb_ctl = svm_has_flush_asid ?
				TLB_CONTROL_FLUSH_ASID : TLB_CONTROL_FLUSH_ALL_ASID;
		svm->flush_tlb = false;
	}
	sync_dirty_regs(vcpu, vmcb);
	vmcb->control.clean = 0;
	if (swap_aux)
		wrmsrl(MSR_TSC_AUX, svm->tsc_aux);

	clgi();
	/*
	 * With V_INTR_MASKING, the host's RFLAGS.IF at VMRUN decides whether
	 * a host interrupt makes the guest exit: it must be set, or the CPU
	 * stays in the guest, deaf to timers and IPIs.  GIF is clear, so no
	 * interrupt is taken here; they wait for stgi() and, after that, for
	 * the core's local_irq_enable().
	 */
	local_irq_enable();
	vmlab_svm_enter(vcpu->regs, svm->vmcb_pa, svm_host_save_pa(cpu));
	local_irq_disable();
	if (swap_aux)
		wrmsrl(MSR_TSC_AUX, *host_tsc_aux);
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	stgi();

	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	vmcb->control.event_inj = 0;
	svm_cache_regs(vcpu);
	vcpu->regs_dirty = 0;
	requeue_interrupted_event(svm);
	track_nmi_unmask(svm, vmcb->control.exit_code);
	decode_exit(vcpu, exit, vmcb);
}
