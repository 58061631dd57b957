// SPDX-License-Identifier: GPL-2.0
/*
 * Guest MSR accesses.  MSRs that live in the VMCB/VMCS (EFER, PAT, the
 * SYSCALL and segment-base MSRs, TSC) belong to the backend; the core
 * emulates the few others a guest kernel touches.  Anything else is
 * refused, and the exit path turns that into #GP for the guest - what a
 * CPU without the MSR does.
 */
#include <asm/msr-index.h>
#include "vmlab.h"

#define MSR_MTRR_DEF_TYPE_MASK	0xcffULL	/* E, FE, type */
#define MISC_ENABLE_FAST_STRING	BIT_ULL(0)

/* MSRs that read as zero and ignore writes: no such machinery here. */
static bool msr_is_inert(u32 index)
{
	switch (index) {
	case MSR_IA32_PLATFORM_ID:
	case MSR_IA32_UCODE_REV:
	case MSR_IA32_MCG_CAP:
	case MSR_IA32_MCG_STATUS:
	case MSR_IA32_PERF_CAPABILITIES:
	case MSR_K7_HWCR:
	case MSR_AMD64_SYSCFG:
	case MSR_AMD64_DE_CFG:
	case MSR_AMD64_OSVW_ID_LENGTH:
	case MSR_AMD64_OSVW_STATUS:
	case MSR_IA32_XSS:
	case MSR_MTRRcap:
		return true;
	default:
		return false;
	}
}

/* Each PAT entry must name a memory type that exists (not 2, 3, or > 7). */
static bool pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

int vmlab_get_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value)
{
	int r = vmlab_ops->get_msr(vcpu, index, value);

	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_IA32_APICBASE:
		*value = vcpu->apic_base;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*value = vcpu->msr_misc_enable | MISC_ENABLE_FAST_STRING;
		return 0;
	case MSR_MTRRdefType:
		*value = vcpu->msr_mtrr_def_type;
		return 0;
	case MSR_IA32_SPEC_CTRL:
		*value = vcpu->msr_spec_ctrl;
		return 0;
	}
	if (msr_is_inert(index)) {
		*value = 0;
		return 0;
	}
	return -EINVAL;
}

/*
 * Values a CPU refuses (#GP) whichever backend keeps the MSR.  TSC_AUX
 * exists only with RDTSCP or RDPID: the backends swap it with the host's.
 */
static bool msr_value_valid(u32 index, u64 value)
{
	switch (index) {
	case MSR_IA32_CR_PAT:
		return pat_valid(value);
	case MSR_TSC_AUX:
		return !(value >> 32) &&
		       (boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID));
	case MSR_SYSCALL_MASK:
		return !(value >> 32);
	default:
		return true;
	}
}

int vmlab_set_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value)
{
	int r;

	if (!msr_value_valid(index, value))
		return -EINVAL;
	r = vmlab_ops->set_msr(vcpu, index, value);
	if (r != -ENOENT)
		return r;
	switch (index) {
	case MSR_IA32_APICBASE:
		/* Only the address and the enable/x2APIC/BSP bits exist. */
		if (value & ~(GENMASK_ULL(51, 12) | BIT(11) | BIT(10) | BIT(8)))
			return -EINVAL;
		vcpu->apic_base = value;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		vcpu->msr_misc_enable = value;
		return 0;
	case MSR_MTRRdefType:
		if (value & ~MSR_MTRR_DEF_TYPE_MASK)
			return -EINVAL;
		vcpu->msr_mtrr_def_type = value;
		return 0;
	case MSR_IA32_SPEC_CTRL:
		/* Kept for the guest to read back; the host's controls stay. */
		vcpu->msr_spec_ctrl = value;
		return 0;
	case MSR_IA32_PRED_CMD:
	case MSR_IA32_FLUSH_CMD:
		return 0;
	}
	return msr_is_inert(index) ? 0 : -EINVAL;
}
