// SPDX-License-Identifier: GPL-2.0
/*
 * SVM vCPU state: the VMCB set-up, the architectural state the core reads
 * and writes through it, and event injection.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/trapnr.h>
#include <asm/io.h>
#include "svm.h"

#define SEG_TYPE	0x00f
#define SEG_S		BIT(4)
#define SEG_DPL_SHIFT	5
#define SEG_P		BIT(7)
#define SEG_AVL		BIT(8)
#define SEG_L		BIT(9)
#define SEG_DB		BIT(10)
#define SEG_G		BIT(11)

#define GUEST_PAT_DEFAULT	0x0007040600070406ULL
#define EFER_GUEST_BITS		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | \
				 EFER_FFXSR)

static void set_intercept(struct vmcb *vmcb, unsigned int bit)
{
	vmcb->control.intercepts[bit / 32] |= BIT(bit % 32);
}

static void clear_intercept(struct vmcb *vmcb, unsigned int bit)
{
	vmcb->control.intercepts[bit / 32] &= ~BIT(bit % 32);
}

/*
 * What a guest does that the hypervisor must see.  No CR or DR accesses:
 * with nested paging the guest owns its control registers, and VMRUN
 * swaps DR6/DR7.  SVM instructions are intercepted (VMRUN must be) and
 * become #UD, as on a CPU without SVM, which is what CPUID shows.  #AC
 * and #DB are intercepted and given back to the guest: a guest whose #AC
 * or #DB delivery raises the same exception again would otherwise keep
 * the CPU in microcode for good, deaf to host interrupts (CVE-2015-5307,
 * CVE-2015-8104).  RDPMC would read the host's performance counters.
 */
static const u16 svm_intercepts[] = {
	INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_DB,
	INTERCEPT_EXCEPTION_OFFSET + X86_TRAP_AC, INTERCEPT_RDPMC,
	INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_INIT,
	INTERCEPT_CPUID, INTERCEPT_HLT, INTERCEPT_INVLPGA, INTERCEPT_IOIO_PROT,
	INTERCEPT_MSR_PROT, INTERCEPT_TASK_SWITCH, INTERCEPT_FERR_FREEZE,
	INTERCEPT_SHUTDOWN, INTERCEPT_INVD, INTERCEPT_RSM,
	INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
	INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT, INTERCEPT_WBINVD,
	INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_XSETBV, INTERCEPT_RDPRU,
};

static void set_seg(struct vmcb_seg *s, u16 sel, u64 base, u32 limit, u16 attrib)
{
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->attrib = attrib;
}

/* The state of a CPU after RESET (APM vol. 2, 14.1.3). */
static void svm_reset(struct vmlab_vcpu *vcpu)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;
	unsigned int r;

	set_seg(&save->cs, 0xf000, 0xffff0000, 0xffff, 0x9b);
	set_seg(&save->ds, 0, 0, 0xffff, 0x93);
	set_seg(&save->es, 0, 0, 0xffff, 0x93);
	set_seg(&save->ss, 0, 0, 0xffff, 0x93);
	set_seg(&save->fs, 0, 0, 0xffff, 0x93);
	set_seg(&save->gs, 0, 0, 0xffff, 0x93);
	set_seg(&save->gdtr, 0, 0, 0xffff, 0);
	set_seg(&save->idtr, 0, 0, 0xffff, 0);
	set_seg(&save->ldtr, 0, 0, 0xffff, 0x82);
	set_seg(&save->tr, 0, 0, 0xffff, 0x8b);
	save->cr0 = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;
	save->cr3 = 0;
	save->cr4 = 0;
	save->efer = EFER_SVME;	/* required by VMRUN; hidden from the guest */
	save->dr6 = 0xffff0ff0;
	save->dr7 = 0x400;
	save->g_pat = GUEST_PAT_DEFAULT;

	for (r = 0; r < VMLAB_NR_REGS; r++)
		vcpu->regs[r] = 0;
	vcpu->regs[VMLAB_RDX] = cpuid_eax(1);	/* the CPU signature */
	vcpu->regs[VMLAB_RIP] = 0xfff0;
	vcpu->regs[VMLAB_RFLAGS] = X86_EFLAGS_FIXED;
	vcpu->regs_avail = BIT(VMLAB_NR_REGS) - 1;
	vcpu->regs_dirty = vcpu->regs_avail;
}

static void svm_init_control(struct svm_vcpu *svm, struct vmlab_vcpu *vcpu)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(svm_intercepts); i++)
		set_intercept(svm->vmcb, svm_intercepts[i]);
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = page_to_phys(vcpu->vm->npt.root);
	c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
}

int svm_vcpu_create(struct vmlab_vcpu *vcpu)
{
	struct svm_vcpu *svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	struct page *page;

	if (!svm)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->asid_cpu = -1;
	vcpu->arch = svm;
	svm_init_control(svm, vcpu);
	svm_reset(vcpu);
	return 0;
}

void svm_vcpu_free(struct vmlab_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	free_page((unsigned long)svm->vmcb);
	kfree(svm);
	vcpu->arch = NULL;
}

/* Nothing is tied to the CPU between runs: ASIDs are checked at entry. */
void svm_vcpu_load(struct vmlab_vcpu *vcpu, int cpu)
{
}

void svm_vcpu_put(struct vmlab_vcpu *vcpu)
{
}

void svm_cache_regs(struct vmlab_vcpu *vcpu)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	vcpu->regs[VMLAB_RAX] = save->rax;
	vcpu->regs[VMLAB_RSP] = save->rsp;
	vcpu->regs[VMLAB_RIP] = save->rip;
	vcpu->regs[VMLAB_RFLAGS] = save->rflags;
	vcpu->regs_avail = BIT(VMLAB_NR_REGS) - 1;
}

static void seg_to_user(const struct vmcb_seg *s, struct vmlab_segment *u)
{
	u->base = s->base;
	u->limit = s->limit;
	u->selector = s->selector;
	u->type = s->attrib & SEG_TYPE;
	u->s = !!(s->attrib & SEG_S);
	u->dpl = (s->attrib >> SEG_DPL_SHIFT) & 3;
	u->present = !!(s->attrib & SEG_P);
	u->avl = !!(s->attrib & SEG_AVL);
	u->l = !!(s->attrib & SEG_L);
	u->db = !!(s->attrib & SEG_DB);
	u->g = !!(s->attrib & SEG_G);
	u->unusable = !u->present;
	u->pad = 0;
}

static void seg_from_user(struct vmcb_seg *s, const struct vmlab_segment *u)
{
	s->base = u->base;
	s->limit = u->limit;
	s->selector = u->selector;
	s->attrib = 0;
	if (u->unusable || !u->present)
		return;
	s->attrib = (u->type & SEG_TYPE) | (u->s ? SEG_S : 0) |
		    ((u->dpl & 3) << SEG_DPL_SHIFT) | SEG_P |
		    (u->avl ? SEG_AVL : 0) | (u->l ? SEG_L : 0) |
		    (u->db ? SEG_DB : 0) | (u->g ? SEG_G : 0);
}

static struct vmcb_seg *svm_seg(struct vmcb_save_area *save, enum vmlab_seg seg)
{
	switch (seg) {
	case VMLAB_SEG_ES: return &save->es;
	case VMLAB_SEG_CS: return &save->cs;
	case VMLAB_SEG_SS: return &save->ss;
	case VMLAB_SEG_DS: return &save->ds;
	case VMLAB_SEG_FS: return &save->fs;
	case VMLAB_SEG_GS: return &save->gs;
	case VMLAB_SEG_TR: return &save->tr;
	default: return &save->ldtr;
	}
}

void svm_get_segment(struct vmlab_vcpu *vcpu, enum vmlab_seg seg,
		     struct vmlab_segment *out)
{
	seg_to_user(svm_seg(&to_svm(vcpu)->vmcb->save, seg), out);
}

void svm_get_sregs(struct vmlab_vcpu *vcpu, struct vmlab_sregs *sregs)
{
	struct vmcb_save_area *save = &to_svm(vcpu)->vmcb->save;

	seg_to_user(&save->cs, &sregs->cs);
	seg_to_user(&save->ds, &sregs->ds);
	seg_to_user(&save->es, &sregs->es);
	seg_to_user(&save->fs, &sregs->fs);
	seg_to_user(&save->gs, &sregs->gs);
	seg_to_user(&save->ss, &sregs->ss);
	seg_to_user(&save->tr, &sregs->tr);
	seg_to_user(&save->ldtr, &sregs->ldt);
	sregs->gdt.base = save->gdtr.base;
	sregs->gdt.limit = save->gdtr.limit;
	sregs->idt.base = save->idtr.base;
	sregs->idt.limit = save->idtr.limit;
	sregs->cr0 = save->cr0;
	sregs->cr2 = save->cr2;
	sregs->cr3 = save->cr3;
	sregs->cr4 = save->cr4;
	sregs->cr8 = svm_get_cr8(vcpu);
	sregs->efer = save->efer & ~EFER_SVME;
}

/*
 * Stores what the caller asks for.  Only EFER.SVME is ours; every other
 * combination reaches VMRUN, whose consistency checks turn an invalid one
 * into VMLAB_EXIT_FAIL_ENTRY - that is the hardware's verdict to report.
 */
int svm_set_sregs(struct vmlab_vcpu *vcpu, const struct vmlab_sregs *sregs)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *save = &svm->vmcb->save;

	if (sregs->efer & EFER_SVME)
		return -EINVAL;
	seg_from_user(&save->cs, &sregs->cs);
	seg_from_user(&save->ds, &sregs->ds);
	seg_from_user(&save->es, &sregs->es);
	seg_from_user(&save->fs, &sregs->fs);
	seg_from_user(&save->gs, &sregs->gs);
	seg_from_user(&save->ss, &sregs->ss);
	seg_from_user(&save->tr, &sregs->tr);
	seg_from_user(&save->ldtr, &sregs->ldt);
	/* SVM keeps the CPL apart; architecturally it is SS.DPL. */
	save->cpl = (sregs->cr0 & X86_CR0_PE) ? sregs->ss.dpl & 3 : 0;
	save->gdtr.base = sregs->gdt.base;
	save->gdtr.limit = sregs->gdt.limit;
	save->idtr.base = sregs->idt.base;
	save->idtr.limit = sregs->idt.limit;
	save->cr0 = sregs->cr0;
	save->cr2 = sregs->cr2;
	save->cr3 = sregs->cr3;
	save->cr4 = sregs->cr4;
	save->efer = sregs->efer | EFER_SVME;
	svm->vmcb->control.int_ctl = (svm->vmcb->control.int_ctl & ~V_TPR_MASK) |
				     (sregs->cr8 & V_TPR_MASK);
	svm->flush_tlb = true;
	return 0;
}

int svm_get_cpl(struct vmlab_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cpl;
}

/* With V_INTR_MASKING, the guest's CR8 accesses go to V_TPR. */
u64 svm_get_cr8(struct vmlab_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.int_ctl & V_TPR_MASK;
}

u64 svm_get_cr4(struct vmlab_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cr4;
}

/* MSRs kept in the VMCB, plus TSC and TSC_AUX, which need the hardware. */
int svm_get_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *save = &svm->vmcb->save;

	switch (index) {
	case MSR_EFER:
		*value = save->efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*value = save->g_pat;
		return 0;
	case MSR_IA32_TSC:
		*value = rdtsc() + svm->vmcb->control.tsc_offset;
		return 0;
	case MSR_TSC_AUX:
		*value = svm->tsc_aux;
		return 0;
	case MSR_STAR:
		*value = save->star;
		return 0;
	case MSR_LSTAR:
		*value = save->lstar;
		return 0;
	case MSR_CSTAR:
		*value = save->cstar;
		return 0;
	case MSR_SYSCALL_MASK:
		*value = save->sfmask;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*value = save->kernel_gs_base;
		return 0;
	case MSR_FS_BASE:
		*value = save->fs.base;
		return 0;
	case MSR_GS_BASE:
		*value = save->gs.base;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*value = save->sysenter_cs;
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*value = save->sysenter_esp;
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*value = save->sysenter_eip;
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		*value = save->dbgctl;
		return 0;
	default:
		return -ENOENT;
	}
}

static bool efer_valid(u64 efer)
{
	return !(efer & ~EFER_GUEST_BITS);
}

int svm_set_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *save = &svm->vmcb->save;

	switch (index) {
	case MSR_EFER:
		if (!efer_valid(value))
			return -EINVAL;
		/* LMA is the CPU's to set: a WRMSR does not change it. */
		save->efer = (value & ~EFER_LMA) | (save->efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		save->g_pat = value;
		return 0;
	case MSR_IA32_TSC:
		svm->vmcb->control.tsc_offset = value - rdtsc();
		return 0;
	case MSR_TSC_AUX:
		svm->tsc_aux = value;
		return 0;
	case MSR_STAR:
		save->star = value;
		return 0;
	case MSR_LSTAR:
		save->lstar = value;
		return 0;
	case MSR_CSTAR:
		save->cstar = value;
		return 0;
	case MSR_SYSCALL_MASK:
		save->sfmask = value;
		return 0;
	case MSR_KERNEL_GS_BASE:
		save->kernel_gs_base = value;
		return 0;
	case MSR_FS_BASE:
		save->fs.base = value;
		return 0;
	case MSR_GS_BASE:
		save->gs.base = value;
		return 0;
	case MSR_IA32_SYSENTER_CS:
		save->sysenter_cs = value;
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		save->sysenter_esp = value;
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		save->sysenter_eip = value;
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		/* No LBR virtualization: accept only "off". */
		return value ? -EINVAL : 0;
	default:
		return -ENOENT;
	}
}

static bool event_pending(struct svm_vcpu *svm)
{
	return svm->vmcb->control.event_inj & SVM_EVTINJ_VALID;
}

/*
 * STI and MOV SS hold off interrupts for one instruction.  When the core
 * has moved RIP past the instruction that exited (a skipped HLT after
 * STI, say), that instruction is done and the shadow is over; the next
 * entry clears it in the VMCB (sync_dirty_regs()).
 */
static bool svm_in_interrupt_shadow(struct vmlab_vcpu *vcpu)
{
	return (to_svm(vcpu)->vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK) &&
	       !(vcpu->regs_dirty & BIT(VMLAB_RIP));
}

bool svm_interrupt_allowed(struct vmlab_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return (vmlab_reg(vcpu, VMLAB_RFLAGS) & X86_EFLAGS_IF) &&
	       !svm_in_interrupt_shadow(vcpu) && !event_pending(svm);
}

bool svm_nmi_allowed(struct vmlab_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	return !svm->nmi_masked && !svm_in_interrupt_shadow(vcpu) &&
	       !event_pending(svm);
}

void svm_inject_irq(struct vmlab_vcpu *vcpu, u8 vector)
{
	to_svm(vcpu)->vmcb->control.event_inj = vector | SVM_EVTINJ_TYPE_INTR |
						SVM_EVTINJ_VALID;
}

/* NMIs stay blocked until the handler's IRET, which we then watch for. */
void svm_inject_nmi(struct vmlab_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm->vmcb->control.event_inj = X86_TRAP_NMI | SVM_EVTINJ_TYPE_NMI |
				       SVM_EVTINJ_VALID;
	svm->nmi_masked = true;
	svm->iret_seen = false;
	set_intercept(svm->vmcb, INTERCEPT_IRET);
}

void svm_inject_exception(struct vmlab_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error, u64 cr2)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	if (vector == X86_TRAP_PF)
		to_svm(vcpu)->vmcb->save.cr2 = cr2;
	/* Real mode pushes no error code; VMRUN refuses one. */
	if (!(to_svm(vcpu)->vmcb->save.cr0 & X86_CR0_PE))
		has_error = false;
	c->event_inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = error;
}

/*
 * A virtual interrupt with TPR ignored makes the CPU exit (VINTR) exactly
 * when the guest could take an interrupt.
 */
void svm_enable_irq_window(struct vmlab_vcpu *vcpu, bool enable)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	if (enable) {
		vmcb->control.int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK |
					 (0xf << V_INTR_PRIO_SHIFT);
		set_intercept(vmcb, INTERCEPT_VINTR);
	} else {
		vmcb->control.int_ctl &= ~V_IRQ_INJECTION_BITS_MASK;
		clear_intercept(vmcb, INTERCEPT_VINTR);
	}
}

void svm_clear_interrupt_shadow(struct vmlab_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

void svm_flush_tlb(struct vmlab_vcpu *vcpu)
{
	to_svm(vcpu)->flush_tlb = true;
}

/* The IRET of an NMI handler was seen: NMIs unblock after the next exit. */
void svm_nmi_iret(struct vmlab_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	svm->iret_seen = true;
	clear_intercept(svm->vmcb, INTERCEPT_IRET);
}
