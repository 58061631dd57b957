// SPDX-License-Identifier: GPL-2.0
/*
 * VMCS lifetime: allocation, VPIDs, which CPU a VMCS is loaded on (a VMCS
 * is active on at most one CPU and must be VMCLEARed there before another
 * CPU loads it), the host-state fields that depend on the CPU, and the
 * MSRs VMX leaves to software, switched lazily: guest values go in at
 * the first entry and host values come back when the vCPU thread leaves
 * the CPU (preemption, end of the ioctl).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/trapnr.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/tlbflush.h>
#include "vmx.h"

static DEFINE_PER_CPU(struct list_head, loaded_vmcss);
static DEFINE_PER_CPU(struct vmx_vcpu *, current_vmcs);

static DEFINE_SPINLOCK(vpid_lock);
static DECLARE_BITMAP(vpid_bitmap, 1 << 16);

static const u32 lazy_msr_index[VMX_NR_LAZY_MSRS] = {
	[VMX_MSR_STAR]		= MSR_STAR,
	[VMX_MSR_LSTAR]		= MSR_LSTAR,
	[VMX_MSR_CSTAR]		= MSR_CSTAR,
	[VMX_MSR_SFMASK]	= MSR_SYSCALL_MASK,
	[VMX_MSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
	[VMX_MSR_TSC_AUX]	= MSR_TSC_AUX,
};

void vmx_percpu_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		INIT_LIST_HEAD(per_cpu_ptr(&loaded_vmcss, cpu));
	/* VPID 0 is the host's. */
	__set_bit(0, vpid_bitmap);
}

static u16 vpid_alloc(void)
{
	unsigned long vpid;

	if (!(vmx_ctls.proc2 & VMX_PROC2_VPID))
		return 0;
	spin_lock(&vpid_lock);
	vpid = find_first_zero_bit(vpid_bitmap, 1 << 16);
	if (vpid < (1 << 16))
		__set_bit(vpid, vpid_bitmap);
	else
		vpid = 0;	/* none left: run untagged */
	spin_unlock(&vpid_lock);
	return vpid;
}

static void vpid_free(u16 vpid)
{
	if (!vpid)
		return;
	spin_lock(&vpid_lock);
	__clear_bit(vpid, vpid_bitmap);
	spin_unlock(&vpid_lock);
}

/*
 * VMCLEAR and VMPTRLD fault (#UD) when VMX was switched off under the
 * vCPU (reboot, a CPU going down); the fixup makes that a no-op or a
 * failed load, like the VMREAD/VMWRITE ones (vmx.h).
 */
static void __vmcs_clear(phys_addr_t pa)
{
	asm volatile("1: vmclear %0\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : "m" (pa) : "cc", "memory");
}

static bool __vmcs_load(phys_addr_t pa)
{
	u8 fail = 1;

	asm volatile("1: vmptrld %1\n\t"
		     "setna %0\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "+qm" (fail) : "m" (pa) : "cc", "memory");
	return !fail;
}

/* On the CPU holding the VMCS, interrupts off. */
static void vmcs_clear_here(struct vmx_vcpu *vmx)
{
	__vmcs_clear(vmx->vmcs_pa);
	list_del(&vmx->loaded_link);
	if (this_cpu_read(current_vmcs) == vmx)
		this_cpu_write(current_vmcs, NULL);
	vmx->cpu = -1;
	vmx->launched = false;
}

static void vmcs_clear_remote(void *info)
{
	struct vmx_vcpu *vmx = info;

	if (vmx->cpu == smp_processor_id())
		vmcs_clear_here(vmx);
}

static void vmcs_clear(struct vmx_vcpu *vmx)
{
	int cpu = vmx->cpu;

	if (cpu >= 0)
		smp_call_function_single(cpu, vmcs_clear_remote, vmx, 1);
}

/* Before VMXOFF on this CPU (hotplug, last VM gone): flush every VMCS. */
void vmx_clear_cpu_vmcss(void)
{
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, this_cpu_ptr(&loaded_vmcss), loaded_link)
		vmcs_clear_here(vmx);
}

/* Host state that differs from CPU to CPU. */
static void vmcs_set_host_cpu_state(int cpu)
{
	struct desc_ptr idt;

	vmcs_write(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	vmcs_write(HOST_GS_BASE, cpu_kernelmode_gs_base(cpu));
	/* Per CPU: the kernel points it at this CPU's entry stack. */
	vmcs_write(HOST_IA32_SYSENTER_ESP, (unsigned long)(cpu_entry_stack(cpu) + 1));
}

void vmx_vcpu_load(struct vmlab_vcpu *vcpu, int cpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool moved = vmx->cpu != cpu;
	unsigned long fs_base;

	/* A CPU on its way offline has VMX off already: wait for migration. */
	if (!vmlab_hw_this_cpu_on())
		return;
	if (moved) {
		unsigned long flags;

		vmcs_clear(vmx);
		local_irq_save(flags);
		list_add(&vmx->loaded_link, this_cpu_ptr(&loaded_vmcss));
		vmx->cpu = cpu;
		local_irq_restore(flags);
		/*
		 * This CPU may cache translations of this EPT root or VPID
		 * from an earlier stay, from before a slot went away, or of a
		 * freed VM whose root or VPID this vCPU now reuses.
		 */
		vmx->flush_pending = true;
	}
	/*
	 * Should VMPTRLD fail, no VMCS is current: VMWRITEs then fail
	 * harmlessly instead of landing in another vCPU's VMCS, and the
	 * entry fails (VMfailInvalid), which RUN reports as FAIL_ENTRY.
	 */
	if (this_cpu_read(current_vmcs) != vmx) {
		if (__vmcs_load(vmx->vmcs_pa)) {
			this_cpu_write(current_vmcs, vmx);
		} else {
			pr_err_ratelimited("vmlab: VMPTRLD failed on CPU %d\n", cpu);
			this_cpu_write(current_vmcs, NULL);
		}
	}
	if (moved)
		vmcs_set_host_cpu_state(cpu);
	rdmsrl(MSR_FS_BASE, fs_base);
	vmcs_write(HOST_FS_BASE, fs_base);
}

/* Called with interrupts off before the first entry after a load. */
void vmx_load_guest_msrs(struct vmx_vcpu *vmx)
{
	unsigned int i;

	if (vmx->guest_msrs_loaded)
		return;
	/* _safe: a host without RDTSCP/RDPID has no TSC_AUX to swap. */
	for (i = 0; i < VMX_NR_LAZY_MSRS; i++) {
		rdmsrl_safe(lazy_msr_index[i], &vmx->host_msrs[i]);
		wrmsrl_safe(lazy_msr_index[i], vmx->guest_msrs[i]);
	}
	vmx->guest_msrs_loaded = true;
}

/* SWAPGS in the guest changes KERNEL_GS_BASE behind our back: read it. */
static void vmx_put_guest_msrs(struct vmx_vcpu *vmx)
{
	unsigned int i;

	if (!vmx->guest_msrs_loaded)
		return;
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->guest_msrs[VMX_MSR_KERNEL_GS_BASE]);
	for (i = 0; i < VMX_NR_LAZY_MSRS; i++)
		wrmsrl_safe(lazy_msr_index[i], vmx->host_msrs[i]);
	vmx->guest_msrs_loaded = false;
}

/*
 * The thread leaves this CPU (or the ioctl ends): give the host back what
 * VM exits left behind - its MSRs, the GDT limit (0xffff after an exit)
 * and the TSS limit (0x67 after an exit, hiding the I/O bitmap).
 */
void vmx_vcpu_put(struct vmlab_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_put_guest_msrs(vmx);
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
}

static int lazy_slot(u32 index)
{
	unsigned int i;

	for (i = 0; i < VMX_NR_LAZY_MSRS; i++)
		if (lazy_msr_index[i] == index)
			return i;
	return -1;
}

int vmx_get_lazy_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int i = lazy_slot(index);

	if (i < 0)
		return -ENOENT;
	preempt_disable();
	if (vmx->guest_msrs_loaded && i == VMX_MSR_KERNEL_GS_BASE)
		rdmsrl(MSR_KERNEL_GS_BASE, vmx->guest_msrs[i]);
	*value = vmx->guest_msrs[i];
	preempt_enable();
	return 0;
}

int vmx_set_lazy_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int i = lazy_slot(index);

	if (i < 0)
		return -ENOENT;
	if (i != VMX_MSR_TSC_AUX && i != VMX_MSR_SFMASK && i != VMX_MSR_STAR &&
	    !__is_canonical_address(value, boot_cpu_data.x86_virt_bits))
		return -EINVAL;
	preempt_disable();
	vmx->guest_msrs[i] = value;
	if (vmx->guest_msrs_loaded)
		wrmsrl_safe(index, value);
	preempt_enable();
	return 0;
}

/* Host state that is the same on every CPU, and the fixed controls. */
static void vmcs_setup_constant(struct vmx_vcpu *vmx)
{
	u64 v;

	vmcs_write(HOST_CR0, read_cr0());
	vmx->host_cr3 = __read_cr3();
	vmcs_write(HOST_CR3, vmx->host_cr3);
	vmx->host_cr4 = cr4_read_shadow();
	vmcs_write(HOST_CR4, vmx->host_cr4);
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_RIP, (unsigned long)vmlab_vmx_exit);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write(HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_write(HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(HOST_IA32_EFER, v);
	if (vmx_ctls.exit & VMX_EXIT_LOAD_PAT) {
		rdmsrl(MSR_IA32_CR_PAT, v);
		vmcs_write(HOST_IA32_PAT, v);
	}

	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, vmx_ctls.pin);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, vmx_ctls.proc);
	/* With all VPIDs taken, this vCPU runs untagged (VPID 0 cannot be used). */
	vmcs_write(SECONDARY_VM_EXEC_CONTROL,
		   vmx->vpid ? vmx_ctls.proc2 : vmx_ctls.proc2 & ~VMX_PROC2_VPID);
	vmcs_write(VM_EXIT_CONTROLS, vmx_ctls.exit);
	vmcs_write(VM_ENTRY_CONTROLS, vmx_ctls.entry);
	/*
	 * #AC goes back to the guest through us: an #AC whose delivery
	 * raises #AC again would otherwise hold the CPU in microcode for
	 * good (CVE-2015-5307).
	 */
	vmcs_write(EXCEPTION_BITMAP, BIT(X86_TRAP_AC));
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(VMCS_LINK_POINTER, -1ULL);
	vmcs_write(TSC_OFFSET, 0);
	if (vmx_ctls.proc & VMX_PROC_MSR_BITMAPS)
		vmcs_write(MSR_BITMAP, __pa(vmx_msr_bitmap));
	if (vmx->vpid)
		vmcs_write(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	/* The guest owns CR0/CR4 but for the bits VMX pins. */
	vmcs_write(CR0_GUEST_HOST_MASK, vmx_cr0_pinned());
	vmcs_write(CR4_GUEST_HOST_MASK, vmx_cr4_fixed0 | ~vmx_cr4_fixed1);
}

static void vmcs_set_ept(struct vmlab_vcpu *vcpu)
{
	u64 eptp = page_to_phys(vcpu->vm->npt.root) |
		   ((u64)(vcpu->vm->npt.levels - 1) << 3) | 6;

	vmcs_write(EPT_POINTER, eptp);
}

int vmx_vcpu_create(struct vmlab_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	struct page *page;
	int cpu;

	if (!vmx)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(vmx);
		return -ENOMEM;
	}
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	*(u32 *)vmx->vmcs = vmx_revision;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_link);
	vmx->vpid = vpid_alloc();
	vcpu->arch = vmx;

	cpu = get_cpu();
	__vmcs_clear(vmx->vmcs_pa);
	vmx_vcpu_load(vcpu, cpu);
	/* VMX off here (a reboot under way) or VMPTRLD refused: no vCPU. */
	if (this_cpu_read(current_vmcs) != vmx) {
		vmx_vcpu_put(vcpu);
		put_cpu();
		vmx_vcpu_free(vcpu);
		return -EIO;
	}
	vmcs_setup_constant(vmx);
	vmcs_set_ept(vcpu);
	vmx_reset_guest_state(vcpu);
	vmx_vcpu_put(vcpu);
	put_cpu();
	return 0;
}

void vmx_vcpu_free(struct vmlab_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmcs_clear(vmx);
	vpid_free(vmx->vpid);
	free_page((unsigned long)vmx->vmcs);
	kfree(vmx);
	vcpu->arch = NULL;
}
