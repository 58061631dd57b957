/* SPDX-License-Identifier: GPL-2.0 */
/* Internal declarations of the SVM backend. */
#ifndef _VMLAB_SVM_H
#define _VMLAB_SVM_H

#include <asm/svm.h>
#include <uapi/vmlab_svm_exits.h>
#include "vmlab.h"

/* Per-vCPU SVM state: the VMCB and what VMRUN does not keep for us. */
struct svm_vcpu {
	struct vmcb *vmcb;
	phys_addr_t vmcb_pa;
	u32 asid;
	u32 asid_gen;
	int asid_cpu;
	bool flush_tlb;		/* flush this ASID at the next VMRUN */
	bool nmi_masked;	/* an injected NMI's handler has not IRETed */
	bool iret_seen;		/* ...and the IRET exit came: unmask after it */
	u64 tsc_aux;
};

static inline struct svm_vcpu *to_svm(struct vmlab_vcpu *vcpu)
{
	return vcpu->arch;
}

/* The per-CPU area: host save area for VMRUN, then the host VMSAVE area. */
static inline phys_addr_t svm_host_save_pa(int cpu)
{
	return __pa(vmlab_cpu_area(cpu)) + PAGE_SIZE;
}

/* svm.c */
extern phys_addr_t svm_iopm_pa, svm_msrpm_pa;
extern bool svm_has_nrips, svm_has_decode_assists, svm_has_flush_asid;
void svm_assign_asid(struct svm_vcpu *svm, int cpu);

/* vmcb.c */
int svm_vcpu_create(struct vmlab_vcpu *vcpu);
void svm_vcpu_free(struct vmlab_vcpu *vcpu);
void svm_vcpu_load(struct vmlab_vcpu *vcpu, int cpu);
void svm_vcpu_put(struct vmlab_vcpu *vcpu);
void svm_cache_regs(struct vmlab_vcpu *vcpu);
void svm_get_sregs(struct vmlab_vcpu *vcpu, struct vmlab_sregs *sregs);
int svm_set_sregs(struct vmlab_vcpu *vcpu, const struct vmlab_sregs *sregs);
void svm_get_segment(struct vmlab_vcpu *vcpu, enum vmlab_seg seg,
		     struct vmlab_segment *out);
int svm_get_cpl(struct vmlab_vcpu *vcpu);
u64 svm_get_cr4(struct vmlab_vcpu *vcpu);
u64 svm_get_cr8(struct vmlab_vcpu *vcpu);
int svm_get_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value);
int svm_set_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value);
bool svm_interrupt_allowed(struct vmlab_vcpu *vcpu);
bool svm_nmi_allowed(struct vmlab_vcpu *vcpu);
void svm_inject_irq(struct vmlab_vcpu *vcpu, u8 vector);
void svm_inject_nmi(struct vmlab_vcpu *vcpu);
void svm_inject_exception(struct vmlab_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error, u64 cr2);
void svm_enable_irq_window(struct vmlab_vcpu *vcpu, bool enable);
void svm_flush_tlb(struct vmlab_vcpu *vcpu);
void svm_clear_interrupt_shadow(struct vmlab_vcpu *vcpu);
void svm_nmi_iret(struct vmlab_vcpu *vcpu);

/* run.c */
void svm_run(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit);

/* vmenter.S */
void vmlab_svm_enter(u64 *regs, u64 vmcb_pa, u64 host_save_pa);

#endif
