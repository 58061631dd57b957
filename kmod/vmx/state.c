// SPDX-License-Identifier: GPL-2.0
/*
 * VMX guest state: the architectural registers as the VMCS holds them,
 * the guest's view of CR0/CR4 (VMX pins some bits; the read shadows show
 * the guest what it wrote), MSRs in the VMCS, and event injection.
 * Callers hold the vCPU loaded on this CPU (vcpu_load), so the VMCS is
 * current.
 */
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/trapnr.h>
#include "vmx.h"

#define VMCS_AR_TYPE		0x000f
#define VMCS_AR_S		BIT(4)
#define VMCS_AR_DPL_SHIFT	5
#define VMCS_AR_P		BIT(7)
#define VMCS_AR_AVL		BIT(12)
#define VMCS_AR_L		BIT(13)
#define VMCS_AR_DB		BIT(14)
#define VMCS_AR_G		BIT(15)
#define VMCS_AR_UNUSABLE	BIT(16)

#define GUEST_PAT_DEFAULT	0x0007040600070406ULL
#define EFER_GUEST_BITS		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX)

/* VMCS segment fields come in ES, CS, SS, DS, FS, GS, LDTR, TR order. */
static unsigned int seg_index(enum vmlab_seg seg)
{
	switch (seg) {
	case VMLAB_SEG_TR:
		return 7;
	case VMLAB_SEG_LDTR:
		return 6;
	default:
		return seg;
	}
}

static void seg_read(enum vmlab_seg seg, struct vmlab_segment *u)
{
	unsigned int i = seg_index(seg);
	u32 ar = vmcs_read(GUEST_ES_AR_BYTES + 2 * i);

	u->selector = vmcs_read(GUEST_ES_SELECTOR + 2 * i);
	u->base = vmcs_read(GUEST_ES_BASE + 2 * i);
	u->limit = vmcs_read(GUEST_ES_LIMIT + 2 * i);
	u->type = ar & VMCS_AR_TYPE;
	u->s = !!(ar & VMCS_AR_S);
	u->dpl = (ar >> VMCS_AR_DPL_SHIFT) & 3;
	u->present = !!(ar & VMCS_AR_P);
	u->avl = !!(ar & VMCS_AR_AVL);
	u->l = !!(ar & VMCS_AR_L);
	u->db = !!(ar & VMCS_AR_DB);
	u->g = !!(ar & VMCS_AR_G);
	u->unusable = !!(ar & VMCS_AR_UNUSABLE);
	u->pad = 0;
}

static void seg_write(enum vmlab_seg seg, const struct vmlab_segment *u)
{
	unsigned int i = seg_index(seg);
	u32 ar = (u->type & VMCS_AR_TYPE) | (u->s ? VMCS_AR_S : 0) |
		 ((u->dpl & 3) << VMCS_AR_DPL_SHIFT) | (u->present ? VMCS_AR_P : 0) |
		 (u->avl ? VMCS_AR_AVL : 0) | (u->l ? VMCS_AR_L : 0) |
		 (u->db ? VMCS_AR_DB : 0) | (u->g ? VMCS_AR_G : 0) |
		 (u->unusable ? VMCS_AR_UNUSABLE : 0);

	vmcs_write(GUEST_ES_SELECTOR + 2 * i, u->selector);
	vmcs_write(GUEST_ES_BASE + 2 * i, u->base);
	vmcs_write(GUEST_ES_LIMIT + 2 * i, u->limit);
	vmcs_write(GUEST_ES_AR_BYTES + 2 * i, ar);
}

void vmx_get_segment(struct vmlab_vcpu *vcpu, enum vmlab_seg seg,
		     struct vmlab_segment *out)
{
	seg_read(seg, out);
}

static void set_seg(enum vmlab_seg seg, u16 sel, u64 base, u32 limit, u32 ar)
{
	unsigned int i = seg_index(seg);

	vmcs_write(GUEST_ES_SELECTOR + 2 * i, sel);
	vmcs_write(GUEST_ES_BASE + 2 * i, base);
	vmcs_write(GUEST_ES_LIMIT + 2 * i, limit);
	vmcs_write(GUEST_ES_AR_BYTES + 2 * i, ar);
}

/*
 * The guest's view of CR0 or CR4: the bits it owns (outside the
 * guest/host mask) change without an exit, so only the hardware field has
 * them; the read shadow has the rest.
 */
static u64 guest_view(u32 hw_field, u32 shadow_field, u32 mask_field)
{
	u64 mask = vmcs_read(mask_field);

	return (vmcs_read(hw_field) & ~mask) | (vmcs_read(shadow_field) & mask);
}

u64 vmx_guest_cr0(void)
{
	return guest_view(GUEST_CR0, CR0_READ_SHADOW, CR0_GUEST_HOST_MASK);
}

static u64 vmx_guest_cr4(void)
{
	return guest_view(GUEST_CR4, CR4_READ_SHADOW, CR4_GUEST_HOST_MASK);
}

/*
 * The CR0 bits VMX makes the CPU run with set: PE and PG too, unless the
 * guest is unrestricted.  The guest/host mask covers them all, so that the
 * guest reads (and vmlab judges) the CR0 it wrote, not the forced one.
 */
u64 vmx_cr0_pinned(void)
{
	u64 fixed0 = vmx_cr0_fixed0;

	if (vmx_ctls.proc2 & VMX_PROC2_UNRESTRICTED)
		fixed0 &= ~(X86_CR0_PE | X86_CR0_PG);
	return fixed0;
}

/* The value the CPU runs with: the guest's, with VMX's fixed bits forced. */
static u64 cr0_for_hw(u64 cr0)
{
	return (cr0 | vmx_cr0_pinned()) & vmx_cr0_fixed1;
}

static u64 cr4_for_hw(u64 cr4)
{
	return (cr4 | vmx_cr4_fixed0) & vmx_cr4_fixed1;
}

static void update_ia32e(u64 efer)
{
	u32 entry = vmcs_read(VM_ENTRY_CONTROLS);

	if (efer & EFER_LMA)
		entry |= VMX_ENTRY_IA32E;
	else
		entry &= ~VMX_ENTRY_IA32E;
	vmcs_write(VM_ENTRY_CONTROLS, entry);
}

static void set_efer(u64 efer)
{
	vmcs_write(GUEST_IA32_EFER, efer);
	update_ia32e(efer);
}

/*
 * A CR0 write that exited (it touched a bit VMX pins).  Emulates what the
 * CPU does, including entering and leaving long mode.  False: #GP.
 */
bool vmx_write_cr0(struct vmlab_vcpu *vcpu, u64 value)
{
	u64 old = vmx_guest_cr0();
	u64 efer = vmcs_read(GUEST_IA32_EFER);

	if ((value >> 32) || ((value & X86_CR0_NW) && !(value & X86_CR0_CD)) ||
	    ((value & X86_CR0_PG) && !(value & X86_CR0_PE)))
		return false;
	if (!(old & X86_CR0_PG) && (value & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(vmx_guest_cr4() & X86_CR4_PAE))
			return false;
		set_efer(efer | EFER_LMA);
	} else if ((old & X86_CR0_PG) && !(value & X86_CR0_PG) && (efer & EFER_LMA)) {
		set_efer(efer & ~EFER_LMA);
	}
	vmcs_write(CR0_READ_SHADOW, value);
	vmcs_write(GUEST_CR0, cr0_for_hw(value));
	return true;
}

/* A CR4 write that touched a pinned bit: only VMXE can, and VMX is hidden. */
bool vmx_write_cr4(struct vmlab_vcpu *vcpu, u64 value)
{
	if (value & (X86_CR4_VMXE | ~(vmx_cr4_fixed1 | X86_CR4_VMXE)))
		return false;
	vmcs_write(CR4_READ_SHADOW, value);
	vmcs_write(GUEST_CR4, cr4_for_hw(value));
	return true;
}

/* The state after RESET, as on SVM (SDM vol. 3, 9.1.1). */
void vmx_reset_guest_state(struct vmlab_vcpu *vcpu)
{
	u64 cr0 = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;
	unsigned int r;

	set_seg(VMLAB_SEG_CS, 0xf000, 0xffff0000, 0xffff, 0x9b);
	set_seg(VMLAB_SEG_DS, 0, 0, 0xffff, 0x93);
	set_seg(VMLAB_SEG_ES, 0, 0, 0xffff, 0x93);
	set_seg(VMLAB_SEG_SS, 0, 0, 0xffff, 0x93);
	set_seg(VMLAB_SEG_FS, 0, 0, 0xffff, 0x93);
	set_seg(VMLAB_SEG_GS, 0, 0, 0xffff, 0x93);
	set_seg(VMLAB_SEG_LDTR, 0, 0, 0xffff, 0x82);
	set_seg(VMLAB_SEG_TR, 0, 0, 0xffff, 0x8b);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, cr0_for_hw(cr0));
	vmcs_write(CR4_READ_SHADOW, 0);
	vmcs_write(GUEST_CR4, cr4_for_hw(0));
	vmcs_write(GUEST_CR3, 0);
	set_efer(0);
	vmcs_write(GUEST_IA32_PAT, GUEST_PAT_DEFAULT);
	vmcs_write(GUEST_DR7, 0x400);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	to_vmx(vcpu)->cr2 = 0;

	for (r = 0; r < VMLAB_NR_REGS; r++)
		vcpu->regs[r] = 0;
	vcpu->regs[VMLAB_RDX] = cpuid_eax(1);	/* the CPU signature */
	vcpu->regs[VMLAB_RIP] = 0xfff0;
	vcpu->regs[VMLAB_RFLAGS] = X86_EFLAGS_FIXED;
	vcpu->regs_avail = BIT(VMLAB_NR_REGS) - 1;
	vcpu->regs_dirty = vcpu->regs_avail;
}

void vmx_cache_regs(struct vmlab_vcpu *vcpu)
{
	vcpu->regs[VMLAB_RSP] = vmcs_read(GUEST_RSP);
	vcpu->regs[VMLAB_RIP] = vmcs_read(GUEST_RIP);
	vcpu->regs[VMLAB_RFLAGS] = vmcs_read(GUEST_RFLAGS);
	vcpu->regs_avail = BIT(VMLAB_NR_REGS) - 1;
}

void vmx_get_sregs(struct vmlab_vcpu *vcpu, struct vmlab_sregs *sregs)
{
	seg_read(VMLAB_SEG_CS, &sregs->cs);
	seg_read(VMLAB_SEG_DS, &sregs->ds);
	seg_read(VMLAB_SEG_ES, &sregs->es);
	seg_read(VMLAB_SEG_FS, &sregs->fs);
	seg_read(VMLAB_SEG_GS, &sregs->gs);
	seg_read(VMLAB_SEG_SS, &sregs->ss);
	seg_read(VMLAB_SEG_TR, &sregs->tr);
	seg_read(VMLAB_SEG_LDTR, &sregs->ldt);
	sregs->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	sregs->gdt.limit = vmcs_read(GUEST_GDTR_LIMIT);
	sregs->idt.base = vmcs_read(GUEST_IDTR_BASE);
	sregs->idt.limit = vmcs_read(GUEST_IDTR_LIMIT);
	sregs->cr0 = vmx_guest_cr0();
	sregs->cr4 = vmx_guest_cr4();
	sregs->cr2 = to_vmx(vcpu)->cr2;
	sregs->cr3 = vmcs_read(GUEST_CR3);
	sregs->cr8 = to_vmx(vcpu)->cr8;
	sregs->efer = vmcs_read(GUEST_IA32_EFER);
}

/*
 * Stores the state as given; the CPU's VM-entry checks judge it, and an
 * invalid one makes the next RUN end with VMLAB_EXIT_FAIL_ENTRY.
 */
int vmx_set_sregs(struct vmlab_vcpu *vcpu, const struct vmlab_sregs *sregs)
{
	if (sregs->efer & ~EFER_GUEST_BITS)
		return -EINVAL;
	seg_write(VMLAB_SEG_CS, &sregs->cs);
	seg_write(VMLAB_SEG_DS, &sregs->ds);
	seg_write(VMLAB_SEG_ES, &sregs->es);
	seg_write(VMLAB_SEG_FS, &sregs->fs);
	seg_write(VMLAB_SEG_GS, &sregs->gs);
	seg_write(VMLAB_SEG_SS, &sregs->ss);
	seg_write(VMLAB_SEG_TR, &sregs->tr);
	seg_write(VMLAB_SEG_LDTR, &sregs->ldt);
	vmcs_write(GUEST_GDTR_BASE, sregs->gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, sregs->gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, sregs->idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, sregs->idt.limit);
	vmcs_write(CR0_READ_SHADOW, sregs->cr0);
	vmcs_write(GUEST_CR0, cr0_for_hw(sregs->cr0));
	vmcs_write(CR4_READ_SHADOW, sregs->cr4);
	vmcs_write(GUEST_CR4, cr4_for_hw(sregs->cr4));
	vmcs_write(GUEST_CR3, sregs->cr3);
	to_vmx(vcpu)->cr2 = sregs->cr2;
	to_vmx(vcpu)->cr8 = sregs->cr8 & 0xf;
	set_efer(sregs->efer);
	vmx_flush_tlb(vcpu);
	return 0;
}

int vmx_get_cpl(struct vmlab_vcpu *vcpu)
{
	if (!(vmcs_read(GUEST_CR0) & X86_CR0_PE))
		return 0;
	return (vmcs_read(GUEST_SS_AR_BYTES) >> VMCS_AR_DPL_SHIFT) & 3;
}

u64 vmx_get_cr8(struct vmlab_vcpu *vcpu)
{
	return to_vmx(vcpu)->cr8;
}

u64 vmx_get_cr4(struct vmlab_vcpu *vcpu)
{
	return vmx_guest_cr4();
}

int vmx_get_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value)
{
	switch (index) {
	case MSR_EFER:
		*value = vmcs_read(GUEST_IA32_EFER);
		return 0;
	case MSR_IA32_CR_PAT:
		*value = vmcs_read(GUEST_IA32_PAT);
		return 0;
	case MSR_IA32_TSC:
		*value = rdtsc() + vmcs_read(TSC_OFFSET);
		return 0;
	case MSR_FS_BASE:
		*value = vmcs_read(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*value = vmcs_read(GUEST_GS_BASE);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*value = vmcs_read(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*value = vmcs_read(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*value = vmcs_read(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		*value = vmcs_read(GUEST_IA32_DEBUGCTL);
		return 0;
	default:
		return vmx_get_lazy_msr(vcpu, index, value);
	}
}

int vmx_set_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value)
{
	switch (index) {
	case MSR_EFER:
		if (value & ~EFER_GUEST_BITS)
			return -EINVAL;
		/* LMA is the CPU's to set: a WRMSR does not change it. */
		value = (value & ~EFER_LMA) | (vmcs_read(GUEST_IA32_EFER) & EFER_LMA);
		set_efer(value);
		return 0;
	case MSR_IA32_CR_PAT:
		vmcs_write(GUEST_IA32_PAT, value);
		return 0;
	case MSR_IA32_TSC:
		vmcs_write(TSC_OFFSET, value - rdtsc());
		return 0;
	case MSR_FS_BASE:
		vmcs_write(GUEST_FS_BASE, value);
		return 0;
	case MSR_GS_BASE:
		vmcs_write(GUEST_GS_BASE, value);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(GUEST_SYSENTER_CS, value);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_write(GUEST_SYSENTER_ESP, value);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_write(GUEST_SYSENTER_EIP, value);
		return 0;
	case MSR_IA32_DEBUGCTLMSR:
		return value ? -EINVAL : 0;
	default:
		return vmx_set_lazy_msr(vcpu, index, value);
	}
}

static bool injection_pending(void)
{
	return vmcs_read(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID_MASK;
}

bool vmx_interrupt_allowed(struct vmlab_vcpu *vcpu)
{
	return (vmlab_reg(vcpu, VMLAB_RFLAGS) & X86_EFLAGS_IF) &&
	       !(vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) &&
	       !injection_pending();
}

bool vmx_nmi_allowed(struct vmlab_vcpu *vcpu)
{
	return !(vmcs_read(GUEST_INTERRUPTIBILITY_INFO) &
		 (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS |
		  GUEST_INTR_STATE_NMI)) &&
	       !injection_pending();
}

void vmx_inject_irq(struct vmlab_vcpu *vcpu, u8 vector)
{
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD,
		   vector | INTR_TYPE_EXT_INTR | INTR_INFO_VALID_MASK);
}

void vmx_inject_nmi(struct vmlab_vcpu *vcpu)
{
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD,
		   X86_TRAP_NMI | INTR_TYPE_NMI_INTR | INTR_INFO_VALID_MASK);
}

void vmx_inject_exception(struct vmlab_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error, u64 cr2)
{
	u32 info = vector | INTR_TYPE_HARD_EXCEPTION | INTR_INFO_VALID_MASK;

	if (vector == X86_TRAP_PF)
		to_vmx(vcpu)->cr2 = cr2;
	/* Real mode pushes no error code; VM entry refuses one. */
	if (!(vmx_guest_cr0() & X86_CR0_PE))
		has_error = false;
	if (has_error) {
		info |= INTR_INFO_DELIVER_CODE_MASK;
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info);
}

void vmx_enable_irq_window(struct vmlab_vcpu *vcpu, bool enable)
{
	u32 proc = vmcs_read(CPU_BASED_VM_EXEC_CONTROL);

	if (enable)
		proc |= VMX_PROC_INTR_WINDOW;
	else
		proc &= ~VMX_PROC_INTR_WINDOW;
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, proc);
}

void vmx_clear_interrupt_shadow(struct vmlab_vcpu *vcpu)
{
	u32 state = vmcs_read(GUEST_INTERRUPTIBILITY_INFO);

	if (state & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   state & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

static void invvpid_single(u16 vpid)
{
	struct {
		u64 vpid;
		u64 gva;
	} desc = { vpid, 0 };

	/* The fixup: VMX already off (reboot, CPU going down) is a no-op. */
	asm volatile("1: invvpid %0, %1\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : "m" (desc), "r" (vmx_invvpid_type) : "cc", "memory");
}

static void invept_single(u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved;
	} desc = { eptp, 0 };

	asm volatile("1: invept %0, %1\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : "m" (desc), "r" (vmx_invept_type) : "cc", "memory");
}

/* Drops guest translations: EPT-derived ones and VPID-tagged linear ones. */
void vmx_flush_tlb(struct vmlab_vcpu *vcpu)
{
	invept_single(vmcs_read(EPT_POINTER));
	if (to_vmx(vcpu)->vpid)
		invvpid_single(to_vmx(vcpu)->vpid);
}
