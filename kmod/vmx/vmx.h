/* SPDX-License-Identifier: GPL-2.0 */
/* Internal declarations of the VMX backend. */
#ifndef _VMLAB_VMX_H
#define _VMLAB_VMX_H

#include <linux/list.h>
#include <asm/asm.h>
#include <asm/vmx.h>
#include <uapi/vmlab_vmx_exits.h>
#include "controls.h"
#include "vmlab.h"

/* MSRs VMX does not switch: vmlab swaps them lazily (vmcs.c). */
enum vmx_lazy_msr {
	VMX_MSR_STAR, VMX_MSR_LSTAR, VMX_MSR_CSTAR, VMX_MSR_SFMASK,
	VMX_MSR_KERNEL_GS_BASE, VMX_MSR_TSC_AUX,
	VMX_NR_LAZY_MSRS
};

struct vmx_vcpu {
	void *vmcs;
	phys_addr_t vmcs_pa;
	int cpu;			/* where the VMCS is loaded, or -1 */
	bool launched;			/* VMRESUME, not VMLAUNCH, next */
	bool flush_pending;		/* INVEPT/INVVPID before the next entry */
	struct list_head loaded_link;	/* on that CPU's list */
	u16 vpid;
	u64 cr2;
	u64 cr8;			/* the guest's TPR: CR8 accesses exit */
	unsigned long host_cr3, host_cr4;

	u64 guest_msrs[VMX_NR_LAZY_MSRS];
	u64 host_msrs[VMX_NR_LAZY_MSRS];
	bool guest_msrs_loaded;
};

static inline struct vmx_vcpu *to_vmx(struct vmlab_vcpu *vcpu)
{
	return vcpu->arch;
}

/*
 * VMREAD/VMWRITE fault only when VMX was switched off under a vCPU (CPU
 * going offline, reboot); the fixup makes that a read of 0 or a lost
 * write instead of an oops, and the run loop does not enter there.
 */
static inline u64 vmcs_read(unsigned long field)
{
	u64 value;

	asm volatile("1: vmread %1, %0\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "=r" (value) : "r" (field), "0" (0UL) : "cc");
	return value;
}

static inline void vmcs_write(unsigned long field, u64 value)
{
	asm volatile("1: vmwrite %1, %0\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : "r" (field), "rm" (value) : "cc", "memory");
}

/* vmx.c */
extern struct vmx_controls vmx_ctls;
extern u32 vmx_revision;
extern bool vmx_has_ins_outs_info;
extern u64 vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;
extern void *vmx_msr_bitmap;
extern unsigned long vmx_invept_type, vmx_invvpid_type;
extern u32 vmx_preemption_ticks;

/* vmcs.c */
int vmx_vcpu_create(struct vmlab_vcpu *vcpu);
void vmx_vcpu_free(struct vmlab_vcpu *vcpu);
void vmx_vcpu_load(struct vmlab_vcpu *vcpu, int cpu);
void vmx_vcpu_put(struct vmlab_vcpu *vcpu);
void vmx_clear_cpu_vmcss(void);
void vmx_percpu_init(void);
void vmx_load_guest_msrs(struct vmx_vcpu *vmx);
int vmx_get_lazy_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value);
int vmx_set_lazy_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value);

/* state.c */
void vmx_cache_regs(struct vmlab_vcpu *vcpu);
void vmx_get_sregs(struct vmlab_vcpu *vcpu, struct vmlab_sregs *sregs);
int vmx_set_sregs(struct vmlab_vcpu *vcpu, const struct vmlab_sregs *sregs);
void vmx_get_segment(struct vmlab_vcpu *vcpu, enum vmlab_seg seg,
		     struct vmlab_segment *out);
int vmx_get_cpl(struct vmlab_vcpu *vcpu);
u64 vmx_get_cr4(struct vmlab_vcpu *vcpu);
u64 vmx_get_cr8(struct vmlab_vcpu *vcpu);
u64 vmx_guest_cr0(void);
u64 vmx_cr0_pinned(void);
int vmx_get_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value);
int vmx_set_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value);
bool vmx_interrupt_allowed(struct vmlab_vcpu *vcpu);
bool vmx_nmi_allowed(struct vmlab_vcpu *vcpu);
void vmx_inject_irq(struct vmlab_vcpu *vcpu, u8 vector);
void vmx_inject_nmi(struct vmlab_vcpu *vcpu);
void vmx_inject_exception(struct vmlab_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error, u64 cr2);
void vmx_enable_irq_window(struct vmlab_vcpu *vcpu, bool enable);
void vmx_flush_tlb(struct vmlab_vcpu *vcpu);
void vmx_clear_interrupt_shadow(struct vmlab_vcpu *vcpu);
void vmx_reset_guest_state(struct vmlab_vcpu *vcpu);
bool vmx_write_cr0(struct vmlab_vcpu *vcpu, u64 value);
bool vmx_write_cr4(struct vmlab_vcpu *vcpu, u64 value);

/* run.c */
void vmx_run(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit);

/* vmenter.S: 0 after a VM exit, 1 when VMLAUNCH/VMRESUME failed. */
int vmlab_vmx_enter(u64 *regs, bool launched);
void vmlab_vmx_exit(void);

#endif
