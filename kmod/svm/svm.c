// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM backend: detection and switching SVM on and off per CPU.
 */
#include <linux/errno.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/svm.h>
#include "vmlab.h"

/* CPUID 0x80000001 ECX and 0x8000000A EDX bits (AMD APM vol. 3, E.4). */
#define SVM_CPUID_SVM		BIT(2)
#define SVM_CPUID_NP		BIT(0)
#define SVM_CPUID_NRIPS		BIT(3)
#define SVM_CPUID_VMCB_CLEAN	BIT(5)
#define SVM_CPUID_FLUSH_ASID	BIT(6)
#define SVM_CPUID_DECODE	BIT(7)
#define AMD_CPUID_PAGE1GB	BIT(26)	/* 0x80000001 EDX */

static bool svm_cpu_has_svm(void)
{
	if (boot_cpu_data.x86_vendor != X86_VENDOR_AMD &&
	    boot_cpu_data.x86_vendor != X86_VENDOR_HYGON)
		return false;
	if (boot_cpu_data.extended_cpuid_level < 0x8000000a)
		return false;
	return cpuid_ecx(0x80000001) & SVM_CPUID_SVM;
}

static u64 svm_features(u32 edx)
{
	u64 f = VMLAB_FEAT_NESTED_PAGING | VMLAB_FEAT_UNRESTRICTED_GUEST |
		VMLAB_FEAT_TAGGED_TLB | VMLAB_FEAT_EPT_HUGE_2M;

	if (edx & SVM_CPUID_NRIPS)
		f |= VMLAB_FEAT_NRIP_SAVE;
	if (edx & SVM_CPUID_DECODE)
		f |= VMLAB_FEAT_DECODE_ASSISTS;
	if (edx & SVM_CPUID_VMCB_CLEAN)
		f |= VMLAB_FEAT_VMCB_CLEAN;
	if (edx & SVM_CPUID_FLUSH_ASID)
		f |= VMLAB_FEAT_FLUSH_BY_ASID;
	if (cpuid_edx(0x80000001) & AMD_CPUID_PAGE1GB)
		f |= VMLAB_FEAT_EPT_HUGE_1G;
	if (pgtable_l5_enabled())
		f |= VMLAB_FEAT_HOST_LA57;
	return f;
}

static int svm_probe(struct vmlab_caps *caps, const char **why)
{
	u32 edx;
	u64 vm_cr;

	if (!svm_cpu_has_svm())
		return -ENODEV;
	if (rdmsrl_safe(MSR_VM_CR, &vm_cr)) {
		*why = "VM_CR MSR unreadable";
		return -EIO;
	}
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		*why = "SVM disabled by firmware (VM_CR.SVMDIS)";
		return -EPERM;
	}
	edx = cpuid_edx(0x8000000a);
	if (!(edx & SVM_CPUID_NP)) {
		*why = "nested paging (NPT) is required and absent";
		return -EOPNOTSUPP;
	}
	caps->backend = VMLAB_BACKEND_SVM;
	caps->features = svm_features(edx);
	/* The nested walk uses the host's paging mode. */
	caps->paging_levels = pgtable_l5_enabled() ? 5 : 4;
	caps->paging_levels_mask = BIT(caps->paging_levels);
	/* ASID 0 belongs to the host. */
	caps->tlb_tags = cpuid_ebx(0x8000000a) - 1;
	caps->phys_bits = boot_cpu_data.x86_phys_bits;
	caps->raw[VMLAB_CAPS_RAW_SVM_CPUID_EDX] = edx;
	caps->raw[VMLAB_CAPS_RAW_SVM_CPUID_EAX] = cpuid_eax(0x8000000a);
	return 0;
}

static int svm_enable_cpu(phys_addr_t hsave_pa)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, hsave_pa);
	return 0;
}

static void svm_disable_cpu(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

const struct vmlab_backend_ops vmlab_svm_ops = {
	.name		= "svm",
	.probe		= svm_probe,
	.enable_cpu	= svm_enable_cpu,
	.disable_cpu	= svm_disable_cpu,
};
