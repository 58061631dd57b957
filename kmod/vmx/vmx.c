// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VMX backend: detection and VMXON/VMXOFF per CPU.
 */
#include <linux/moduleparam.h>
#include <linux/errno.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include "vmx.h"

/* IA32_VMX_BASIC fields (SDM vol. 3, A.1) beyond those msr-index.h names. */
#define VMX_BASIC_REVISION(b)	((u32)(b) & 0x7fffffff)
#define VMX_BASIC_REGION_SIZE(b) (((b) >> VMX_BASIC_VMCS_SIZE_SHIFT) & 0x1fff)
#define VMX_BASIC_MEMTYPE(b)	(((b) & VMX_BASIC_MEM_TYPE_MASK) >> \
				 VMX_BASIC_MEM_TYPE_SHIFT)

#define PROCBASED_SECONDARY	BIT(31)
#define VMX_BASIC_INOUT_INFO	BIT_ULL(54)
#define EPT_CAP_INVEPT_SINGLE	BIT_ULL(25)
#define EPT_CAP_INVVPID_SINGLE	BIT_ULL(41)

u32 vmx_revision;
struct vmx_controls vmx_ctls;
bool vmx_has_ins_outs_info;
u64 vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;
unsigned long vmx_invept_type, vmx_invvpid_type;
u32 vmx_preemption_ticks;
void *vmx_msr_bitmap;

static bool vmx_cpu_has_vmx(void)
{
	return boot_cpu_data.cpuid_level >= 1 &&
	       (cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31));
}

/* Allowed-1 settings live in the high half of a capability MSR. */
static u32 vmx_allowed1(u32 msr)
{
	u64 v;

	if (rdmsrl_safe(msr, &v))
		return 0;
	return v >> 32;
}

static u64 vmx_features(u64 basic, u32 ctls2, u64 ept)
{
	u64 f = VMLAB_FEAT_NESTED_PAGING;

	if (vmx_ctls.proc2 & VMX_PROC2_UNRESTRICTED)
		f |= VMLAB_FEAT_UNRESTRICTED_GUEST;
	if (vmx_ctls.proc2 & VMX_PROC2_VPID)
		f |= VMLAB_FEAT_TAGGED_TLB;
	if (ept & VMX_EPT_AD_BIT)
		f |= VMLAB_FEAT_EPT_AD;
	if (ept & VMX_EPT_2MB_PAGE_BIT)
		f |= VMLAB_FEAT_EPT_HUGE_2M;
	if (ept & VMX_EPT_1GB_PAGE_BIT)
		f |= VMLAB_FEAT_EPT_HUGE_1G;
	if (basic & VMX_BASIC_TRUE_CTLS)
		f |= VMLAB_FEAT_TRUE_CTLS;
	if (pgtable_l5_enabled())
		f |= VMLAB_FEAT_HOST_LA57;
	return f;
}

/* Checks that vmlab's minimum (VMXON usable, EPT with WB) is there. */
static int vmx_check_usable(u64 fc, u64 basic, u32 ctls2, u64 ept,
			    const char **why)
{
	if ((fc & FEAT_CTL_LOCKED) && !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		*why = "VMX disabled by firmware (IA32_FEATURE_CONTROL locked)";
		return -EPERM;
	}
	if (VMX_BASIC_REGION_SIZE(basic) > PAGE_SIZE ||
	    (basic & VMX_BASIC_64) ||
	    VMX_BASIC_MEMTYPE(basic) != VMX_BASIC_MEM_TYPE_WB) {
		*why = "unsupported VMCS region layout in IA32_VMX_BASIC";
		return -EOPNOTSUPP;
	}
	if (!(ctls2 & SECONDARY_EXEC_ENABLE_EPT) ||
	    !(ept & VMX_EPT_PAGE_WALK_4_BIT) || !(ept & VMX_EPTP_WB_BIT) ||
	    !(ept & VMX_EPT_INVEPT_BIT)) {
		*why = "EPT (4-level, write-back, INVEPT) is required and absent";
		return -EOPNOTSUPP;
	}
	return 0;
}

/* One millisecond of VMX-preemption timer (TSC >> IA32_VMX_MISC[4:0]). */
static u32 vmx_ms_in_timer_ticks(void)
{
	u64 misc = 0, ticks;

	rdmsrl_safe(MSR_IA32_VMX_MISC, &misc);
	ticks = (u64)(tsc_khz ? tsc_khz : 1000000) >> (misc & 0x1f);
	return clamp_t(u64, ticks, 1, U32_MAX);
}

static u64 vmx_cap(u64 basic, u32 true_msr, u32 msr)
{
	u64 v = 0;

	rdmsrl_safe(basic & VMX_BASIC_TRUE_CTLS ? true_msr : msr, &v);
	return v;
}

/*
 * Lets the tests see what a CPU without unrestricted guest does: a guest
 * in real mode, or protected mode without paging, is refused at RUN.
 */
static bool unrestricted_guest = true;
module_param(unrestricted_guest, bool, 0444);
MODULE_PARM_DESC(unrestricted_guest, "VMX: use unrestricted guest where the CPU has it (default on)");

/* Reads the capability MSRs and picks the controls (controls.c). */
static int vmx_read_controls(u64 basic, const char **why)
{
	struct vmx_ctl_caps c;

	c.pin = vmx_cap(basic, MSR_IA32_VMX_TRUE_PINBASED_CTLS, MSR_IA32_VMX_PINBASED_CTLS);
	c.proc = vmx_cap(basic, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, MSR_IA32_VMX_PROCBASED_CTLS);
	c.exit = vmx_cap(basic, MSR_IA32_VMX_TRUE_EXIT_CTLS, MSR_IA32_VMX_EXIT_CTLS);
	c.entry = vmx_cap(basic, MSR_IA32_VMX_TRUE_ENTRY_CTLS, MSR_IA32_VMX_ENTRY_CTLS);
	c.proc2 = 0;
	rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &c.proc2);
	if (vmx_choose_controls(&c, &vmx_ctls, why))
		return -EOPNOTSUPP;
	if (!unrestricted_guest)
		vmx_ctls.proc2 &= ~VMX_PROC2_UNRESTRICTED;
	return 0;
}

static int vmx_probe(struct vmlab_caps *caps, const char **why)
{
	u64 fc, basic, ept = 0;
	u32 procbased, ctls2 = 0;
	int r;

	if (!vmx_cpu_has_vmx())
		return -ENODEV;
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &fc) ||
	    rdmsrl_safe(MSR_IA32_VMX_BASIC, &basic)) {
		*why = "VMX capability MSRs unreadable";
		return -EIO;
	}
	procbased = vmx_allowed1(basic & VMX_BASIC_TRUE_CTLS ?
				 MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				 MSR_IA32_VMX_PROCBASED_CTLS);
	if (procbased & PROCBASED_SECONDARY) {
		ctls2 = vmx_allowed1(MSR_IA32_VMX_PROCBASED_CTLS2);
		if (ctls2 & SECONDARY_EXEC_ENABLE_EPT)
			rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &ept);
	}
	r = vmx_check_usable(fc, basic, ctls2, ept, why);
	if (r)
		return r;
	r = vmx_read_controls(basic, why);
	if (r)
		return r;
	/* VPID without INVVPID would leave stale translations: do without. */
	if (!(ept & ((u64)VMX_VPID_INVVPID_BIT << 32)))
		vmx_ctls.proc2 &= ~VMX_PROC2_VPID;
	vmx_invept_type = (ept & EPT_CAP_INVEPT_SINGLE) ? 1 : 2;
	vmx_invvpid_type = (ept & EPT_CAP_INVVPID_SINGLE) ? 1 : 2;
	vmx_has_ins_outs_info = basic & VMX_BASIC_INOUT_INFO;
	vmx_preemption_ticks = vmx_ms_in_timer_ticks();
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmx_cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmx_cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmx_cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmx_cr4_fixed1);

	vmx_revision = VMX_BASIC_REVISION(basic);
	caps->backend = VMLAB_BACKEND_VMX;
	caps->features = vmx_features(basic, ctls2, ept);
	caps->paging_levels_mask = BIT(4);
	if (ept & VMX_EPT_PAGE_WALK_5_BIT)
		caps->paging_levels_mask |= BIT(5);
	/* 4-level EPT maps 48 bits of guest-physical space. */
	caps->paging_levels = (ept & VMX_EPT_PAGE_WALK_5_BIT) &&
			      boot_cpu_data.x86_phys_bits > 48 ? 5 : 4;
	caps->tlb_tags = caps->features & VMLAB_FEAT_TAGGED_TLB ? 0xffff : 0;
	caps->phys_bits = boot_cpu_data.x86_phys_bits;
	caps->raw[VMLAB_CAPS_RAW_VMX_BASIC] = basic;
	if (procbased & PROCBASED_SECONDARY)
		rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2,
			    &caps->raw[VMLAB_CAPS_RAW_VMX_PROCBASED2]);
	caps->raw[VMLAB_CAPS_RAW_VMX_EPT_VPID] = ept;
	rdmsrl_safe(MSR_IA32_VMX_MISC, &caps->raw[VMLAB_CAPS_RAW_VMX_MISC]);
	caps->raw[VMLAB_CAPS_RAW_VMX_PIN_PROC] = vmx_ctls.pin | (u64)vmx_ctls.proc << 32;
	caps->raw[VMLAB_CAPS_RAW_VMX_PROC2] = vmx_ctls.proc2;
	caps->raw[VMLAB_CAPS_RAW_VMX_EXIT_ENTRY] = vmx_ctls.exit | (u64)vmx_ctls.entry << 32;
	return 0;
}

static void vmx_init_cpu_area(void *vmxon_region)
{
	*(u32 *)vmxon_region = vmx_revision;
}

/* A control register value must have every fixed-0 bit and no bit outside fixed-1. */
static bool vmx_cr_fits(unsigned long cr, u32 fixed0_msr, u32 fixed1_msr)
{
	u64 fixed0, fixed1;

	rdmsrl(fixed0_msr, fixed0);
	rdmsrl(fixed1_msr, fixed1);
	return (cr & fixed0) == fixed0 && !(cr & ~fixed1);
}

/* Makes sure VMXON outside SMX is allowed, locking the MSR if firmware did not. */
static int vmx_unlock_vmxon(void)
{
	u64 fc;

	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &fc))
		return -EIO;
	if (!(fc & FEAT_CTL_LOCKED)) {
		fc |= FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
		if (wrmsrl_safe(MSR_IA32_FEAT_CTL, fc))
			return -EIO;
	}
	return fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX ? 0 : -EPERM;
}

static int vmx_enable_cpu(void *area, phys_addr_t vmxon_pa)
{
	u8 fail = 1;
	int r;

	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;
	r = vmx_unlock_vmxon();
	if (r)
		return r;
	if (!vmx_cr_fits(read_cr0(), MSR_IA32_VMX_CR0_FIXED0,
			 MSR_IA32_VMX_CR0_FIXED1) ||
	    !vmx_cr_fits(__read_cr4() | X86_CR4_VMXE, MSR_IA32_VMX_CR4_FIXED0,
			 MSR_IA32_VMX_CR4_FIXED1))
		return -EIO;

	cr4_set_bits(X86_CR4_VMXE);
	/* VMfail sets CF or ZF; a fault (#UD, #GP) skips setna. */
	asm volatile("1: vmxon %[pa]\n\t"
		     "setna %[fail]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [fail] "+qm" (fail) : [pa] "m" (vmxon_pa) : "cc", "memory");
	if (!fail)
		return 0;
	cr4_clear_bits(X86_CR4_VMXE);
	return -EIO;
}

static void vmx_disable_cpu(void)
{
	vmx_clear_cpu_vmcss();
	/* A fault here means we were not in VMX operation: nothing to undo. */
	asm volatile("1: vmxoff\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
}

/* EPT entries: read/write/execute bits; leaves are write-back memory. */
#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_MT_WB	(6ULL << 3)

static u64 vmx_npt_table(phys_addr_t table)
{
	return table | EPT_R | EPT_W | EPT_X;
}

static u64 vmx_npt_leaf(phys_addr_t page, bool writable)
{
	return page | EPT_R | EPT_X | EPT_MT_WB | (writable ? EPT_W : 0);
}

/*
 * The MSR bitmap: every MSR exits but those the VMCS switches itself.
 * Reads of the low range are bits 0x000-0x3ff of the page, high range
 * 0x400-0x7ff; writes follow at 0x800 and 0xc00 (SDM vol. 3, 24.6.9).
 */
static void msr_bitmap_allow(u8 *bitmap, u32 msr)
{
	u32 base;

	if (msr < 0x2000)
		base = 0;
	else if (msr - 0xc0000000 < 0x2000)
		base = 0x400;
	else
		return;
	msr &= 0x1fff;
	bitmap[base + msr / 8] &= ~BIT(msr % 8);
	bitmap[base + 0x800 + msr / 8] &= ~BIT(msr % 8);
}

static int vmx_setup(void)
{
	u8 *bitmap = (void *)__get_free_page(GFP_KERNEL);

	if (!bitmap)
		return -ENOMEM;
	memset(bitmap, 0xff, PAGE_SIZE);
	msr_bitmap_allow(bitmap, MSR_FS_BASE);
	msr_bitmap_allow(bitmap, MSR_GS_BASE);
	msr_bitmap_allow(bitmap, MSR_IA32_SYSENTER_CS);
	msr_bitmap_allow(bitmap, MSR_IA32_SYSENTER_ESP);
	msr_bitmap_allow(bitmap, MSR_IA32_SYSENTER_EIP);
	vmx_msr_bitmap = bitmap;
	vmx_percpu_init();
	/*
	 * No cpu_emergency_register_virt_callback(): the kernel keeps one
	 * callback and kvm_intel needs it to load beside vmlab.  On a crash
	 * the kernel's emergency path still leaves VMX operation (VMXOFF).
	 */
	return 0;
}

static void vmx_teardown(void)
{
	free_page((unsigned long)vmx_msr_bitmap);
}

const struct vmlab_backend_ops vmlab_vmx_ops = {
	.name			= "vmx",
	.probe			= vmx_probe,
	.cpu_area_order		= 0,
	.init_cpu_area		= vmx_init_cpu_area,
	.enable_cpu		= vmx_enable_cpu,
	.disable_cpu		= vmx_disable_cpu,
	.setup			= vmx_setup,
	.teardown		= vmx_teardown,
	.npt_table		= vmx_npt_table,
	.npt_leaf		= vmx_npt_leaf,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.run			= vmx_run,
	.cache_regs		= vmx_cache_regs,
	.get_sregs		= vmx_get_sregs,
	.set_sregs		= vmx_set_sregs,
	.get_segment		= vmx_get_segment,
	.get_cpl		= vmx_get_cpl,
	.get_cr4		= vmx_get_cr4,
	.get_cr8		= vmx_get_cr8,
	.get_msr		= vmx_get_msr,
	.set_msr		= vmx_set_msr,
	.interrupt_allowed	= vmx_interrupt_allowed,
	.nmi_allowed		= vmx_nmi_allowed,
	.inject_irq		= vmx_inject_irq,
	.inject_nmi		= vmx_inject_nmi,
	.inject_exception	= vmx_inject_exception,
	.enable_irq_window	= vmx_enable_irq_window,
	.clear_interrupt_shadow	= vmx_clear_interrupt_shadow,
	.flush_tlb		= vmx_flush_tlb,
};
