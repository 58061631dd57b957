// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM backend: detection, switching SVM on and off per CPU, the
 * permission maps every VMCB shares, ASIDs, and the ops table.
 */
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/io.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include "svm.h"

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

bool svm_has_nrips, svm_has_decode_assists, svm_has_flush_asid;
static u32 svm_max_asid;

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
	if (cpuid_ebx(0x8000000a) < 2) {
		*why = "no ASID for guests (CPUID 0x8000000a EBX < 2)";
		return -EOPNOTSUPP;
	}
	caps->tlb_tags = cpuid_ebx(0x8000000a) - 1;
	caps->phys_bits = boot_cpu_data.x86_phys_bits;
	caps->raw[VMLAB_CAPS_RAW_SVM_CPUID_EDX] = edx;
	caps->raw[VMLAB_CAPS_RAW_SVM_CPUID_EAX] = cpuid_eax(0x8000000a);
	svm_has_nrips = edx & SVM_CPUID_NRIPS;
	svm_has_decode_assists = edx & SVM_CPUID_DECODE;
	svm_has_flush_asid = edx & SVM_CPUID_FLUSH_ASID;
	svm_max_asid = caps->tlb_tags;
	return 0;
}

/*
 * ASIDs are handed out per CPU; when a CPU runs out it starts a new
 * generation and flushes everything, and every vCPU then takes a fresh
 * ASID the next time it runs there.  ASID 0 is the host's.  A CPU whose
 * SVM was just switched on starts out "run out": its TLB may hold guest
 * translations tagged by an earlier vmlab (before a reload or hotplug) or
 * by another hypervisor, so its first ASID comes with a flush of them all.
 */
struct svm_asid_space {
	u32 next;
	u32 gen;
};

static DEFINE_PER_CPU(struct svm_asid_space, svm_asids) = { .next = 1, .gen = 1 };

static int svm_enable_cpu(void *area, phys_addr_t hsave_pa)
{
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, hsave_pa);
	this_cpu_ptr(&svm_asids)->next = svm_max_asid + 1;
	return 0;
}

static void svm_disable_cpu(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

/*
 * The I/O and MSR permission maps, shared by every VMCB: every port
 * exits; every MSR exits but those VMLOAD/VMSAVE swap anyway.
 */
#define IOPM_ORDER	2	/* 12 KiB used */
#define MSRPM_ORDER	1	/* 8 KiB */

phys_addr_t svm_iopm_pa, svm_msrpm_pa;
static struct page *svm_iopm, *svm_msrpm;

static const u32 svm_passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* Clears both intercept bits of @msr (APM vol. 2, 15.11). */
static void msrpm_allow(u8 *msrpm, u32 msr)
{
	u32 base, bit;

	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000 < 0x2000)
		base = 0x800;
	else if (msr - 0xc0010000 < 0x2000)
		base = 0x1000;
	else
		return;
	bit = (msr & 0x1fff) * 2;
	msrpm[base + bit / 8] &= ~(3u << (bit % 8));
}

static int svm_setup(void)
{
	unsigned int i;

	svm_iopm = alloc_pages(GFP_KERNEL, IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm) {
		if (svm_iopm)
			__free_pages(svm_iopm, IOPM_ORDER);
		if (svm_msrpm)
			__free_pages(svm_msrpm, MSRPM_ORDER);
		return -ENOMEM;
	}
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << IOPM_ORDER);
	memset(page_address(svm_msrpm), 0xff, PAGE_SIZE << MSRPM_ORDER);
	for (i = 0; i < ARRAY_SIZE(svm_passthrough_msrs); i++)
		msrpm_allow(page_address(svm_msrpm), svm_passthrough_msrs[i]);
	svm_iopm_pa = page_to_phys(svm_iopm);
	svm_msrpm_pa = page_to_phys(svm_msrpm);
	return 0;
}

static void svm_teardown(void)
{
	__free_pages(svm_iopm, IOPM_ORDER);
	__free_pages(svm_msrpm, MSRPM_ORDER);
}

void svm_assign_asid(struct svm_vcpu *svm, int cpu)
{
	struct svm_asid_space *space = this_cpu_ptr(&svm_asids);

	if (svm->asid_cpu == cpu && svm->asid_gen == space->gen)
		return;
	if (space->next > svm_max_asid) {
		space->gen++;
		space->next = 1;
		svm->vmcb->control.tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	svm->asid = space->next++;
	svm->asid_gen = space->gen;
	svm->asid_cpu = cpu;
	svm->vmcb->control.asid = svm->asid;
}

/* NPT entries are ordinary x86 page-table entries; guest accesses count as user. */
static u64 svm_npt_table(phys_addr_t table)
{
	return table | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
}

static u64 svm_npt_leaf(phys_addr_t page, bool writable)
{
	return page | _PAGE_PRESENT | _PAGE_USER | (writable ? _PAGE_RW : 0);
}

const struct vmlab_backend_ops vmlab_svm_ops = {
	.name			= "svm",
	.probe			= svm_probe,
	.cpu_area_order		= 1,
	.enable_cpu		= svm_enable_cpu,
	.disable_cpu		= svm_disable_cpu,
	.setup			= svm_setup,
	.teardown		= svm_teardown,
	.npt_table		= svm_npt_table,
	.npt_leaf		= svm_npt_leaf,
	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.vcpu_load		= svm_vcpu_load,
	.vcpu_put		= svm_vcpu_put,
	.run			= svm_run,
	.cache_regs		= svm_cache_regs,
	.get_sregs		= svm_get_sregs,
	.set_sregs		= svm_set_sregs,
	.get_segment		= svm_get_segment,
	.get_cpl		= svm_get_cpl,
	.get_cr4		= svm_get_cr4,
	.get_cr8		= svm_get_cr8,
	.get_msr		= svm_get_msr,
	.set_msr		= svm_set_msr,
	.interrupt_allowed	= svm_interrupt_allowed,
	.nmi_allowed		= svm_nmi_allowed,
	.inject_irq		= svm_inject_irq,
	.inject_nmi		= svm_inject_nmi,
	.inject_exception	= svm_inject_exception,
	.enable_irq_window	= svm_enable_irq_window,
	.clear_interrupt_shadow	= svm_clear_interrupt_shadow,
	.flush_tlb		= svm_flush_tlb,
};
