// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's CPUID: a VM-wide table userspace may replace.  The default
 * is the host's, minus what a guest of vmlab cannot use (VMX/SVM, MONITOR,
 * the PMU, x2APIC, AMX) and plus the hypervisor bit.  A few fields depend
 * on the vCPU and are filled in when the guest asks.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include "vmlab.h"

struct vmlab_cpuid_table {
	struct rcu_head rcu;
	u32 nent;
	struct vmlab_cpuid_entry e[];
};

/* Leaves whose sub-leaves differ (ECX selects them). */
static bool leaf_is_indexed(u32 fn)
{
	switch (fn) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10:
	case 0x12: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x1e:
	case 0x1f: case 0x8000001d: case 0x80000020:
		return true;
	default:
		return false;
	}
}

/* XCR0 bits a guest may enable: x87, SSE, AVX, AVX-512; not AMX, not PKRU. */
#define GUEST_XCR0_MASK	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
			 XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512)

u64 vmlab_guest_supported_xcr0(void)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	return xgetbv(XCR_XFEATURE_ENABLED_MASK) & GUEST_XCR0_MASK;
}

/* Bytes an XSAVE of the features in @xcr0 needs (standard format). */
static u32 xstate_size(u64 xcr0)
{
	u32 size = 512 + 64, i;	/* legacy area and XSAVE header */

	for (i = 2; i < 64; i++) {
		u32 eax, ebx, ecx, edx;

		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, ebx + eax);	/* offset + size */
	}
	return size;
}

static void clear_leaf(struct vmlab_cpuid_entry *e)
{
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
}

/*
 * Features the host kernel turned off (XSAVE after a consistency failure,
 * say) stay off for the guest: the host could not switch their state.
 */
static void mask_by_host_kernel(struct vmlab_cpuid_entry *e)
{
	const u32 *cap = boot_cpu_data.x86_capability;

	switch (e->function) {
	case 0x1:
		e->ecx &= cap[CPUID_1_ECX] | BIT(27);	/* OSXSAVE is per guest */
		e->edx &= cap[CPUID_1_EDX];
		break;
	case 0x7:
		if (e->index == 0) {
			e->ebx &= cap[CPUID_7_0_EBX];
			e->ecx &= cap[CPUID_7_ECX];
			e->edx &= cap[CPUID_7_EDX];
		}
		break;
	case 0xd:
		if (!boot_cpu_has(X86_FEATURE_XSAVE))
			clear_leaf(e);
		break;
	case 0x80000001:
		e->ecx &= cap[CPUID_8000_0001_ECX];
		e->edx &= cap[CPUID_8000_0001_EDX];
		break;
	}
}

static void hide_features(struct vmlab_cpuid_entry *e)
{
	mask_by_host_kernel(e);
	switch (e->function) {
	case 0x1:
		e->ecx &= ~(BIT(3) |	/* MONITOR/MWAIT: intercepted */
			    BIT(5) | BIT(6) |	/* VMX, SMX */
			    BIT(15) |	/* PDCM: no perf capabilities MSR */
			    BIT(21) |	/* x2APIC: no in-kernel APIC */
			    BIT(24));	/* TSC deadline: no in-kernel APIC */
		e->ecx |= BIT(31);	/* running under a hypervisor */
		e->ebx &= 0x0000ffff;	/* APIC id, CPU count: per vCPU */
		break;
	case 0x7:
		if (e->index == 0) {
			e->ecx &= ~(BIT(5) |	/* WAITPKG */
				    BIT(3) | BIT(4));	/* PKU, OSPKE */
			e->edx &= ~(BIT(22) | BIT(24) | BIT(25));	/* AMX */
		}
		break;
	case 0xa:	/* architectural PMU: none */
	case 0x5:	/* MONITOR/MWAIT sizes */
	case 0x8000000a: /* SVM */
		clear_leaf(e);
		break;
	case 0xd:
		if (e->index == 0) {
			/* Sizes must match the features offered, or guests refuse XSAVE. */
			e->eax &= (u32)vmlab_guest_supported_xcr0();
			e->edx &= (u32)(vmlab_guest_supported_xcr0() >> 32);
			e->ecx = xstate_size(vmlab_guest_supported_xcr0());
			e->ebx = xstate_size(XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
		} else if (e->index == 1) {
			e->eax &= BIT(0) | BIT(1) | BIT(2);	/* XSAVEOPT, XSAVEC, XGETBV1 */
			e->ecx = 0;			/* no XSS features */
			e->edx = 0;
		} else if (e->index < 64 && !(vmlab_guest_supported_xcr0() & BIT_ULL(e->index))) {
			clear_leaf(e);
		}
		break;
	case 0x80000001:
		e->ecx &= ~(BIT(2) |	/* SVM */
			    BIT(23));	/* PERFCTR_CORE */
		break;
	}
}

static int table_add(struct vmlab_cpuid_table *t, u32 max, u32 fn, u32 idx)
{
	struct vmlab_cpuid_entry *e;

	if (t->nent >= max)
		return -E2BIG;
	e = &t->e[t->nent++];
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	if (leaf_is_indexed(fn))
		e->flags = VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX;
	cpuid_count(fn, idx, &e->eax, &e->ebx, &e->ecx, &e->edx);
	hide_features(e);
	return 0;
}

/* How many sub-leaves of @fn to copy from the host. */
static u32 subleaf_count(u32 fn)
{
	u32 eax, ebx, ecx, edx;

	switch (fn) {
	case 0x7:
		cpuid_count(fn, 0, &eax, &ebx, &ecx, &edx);
		return min(eax + 1, 4u);
	case 0xd:
		return 64;
	case 0x4: case 0xb: case 0x1f: case 0x8000001d:
		return 8;
	default:
		return leaf_is_indexed(fn) ? 2 : 1;
	}
}

static int table_add_range(struct vmlab_cpuid_table *t, u32 max, u32 first, u32 last)
{
	u32 fn, idx;
	int r;

	for (fn = first; fn <= last; fn++) {
		u32 n = subleaf_count(fn);

		for (idx = 0; idx < n; idx++) {
			u32 eax, ebx, ecx, edx;

			cpuid_count(fn, idx, &eax, &ebx, &ecx, &edx);
			if (idx && !eax && !ebx && !ecx && !edx)
				continue;	/* an empty sub-leaf: leave it out */
			r = table_add(t, max, fn, idx);
			if (r)
				return r;
		}
	}
	return 0;
}

int vmlab_cpuid_init_default(struct vmlab_vm *vm)
{
	struct vmlab_cpuid_table *t;
	u32 max_basic = min(cpuid_eax(0), 0x20u);
	u32 max_ext = min(cpuid_eax(0x80000000), 0x80000021u);
	int r;

	t = kvzalloc(struct_size(t, e, VMLAB_MAX_CPUID_ENTRIES), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	r = table_add_range(t, VMLAB_MAX_CPUID_ENTRIES, 0, max_basic);
	if (!r && max_ext >= 0x80000000)
		r = table_add_range(t, VMLAB_MAX_CPUID_ENTRIES, 0x80000000, max_ext);
	if (r) {
		kvfree(t);
		return r;
	}
	rcu_assign_pointer(vm->cpuid, t);
	return 0;
}

void vmlab_cpuid_free(struct vmlab_vm *vm)
{
	kvfree(rcu_dereference_protected(vm->cpuid, true));
}

int vmlab_cpuid_set(struct vmlab_vm *vm, const struct vmlab_cpuid __user *arg)
{
	struct vmlab_cpuid_table *t, *old;
	u32 nent, i;

	if (get_user(nent, &arg->nent))
		return -EFAULT;
	if (nent > VMLAB_MAX_CPUID_ENTRIES)
		return -E2BIG;
	t = kvzalloc(struct_size(t, e, nent), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	if (copy_from_user(t->e, arg->entries, nent * sizeof(t->e[0]))) {
		kvfree(t);
		return -EFAULT;
	}
	for (i = 0; i < nent; i++) {
		if ((t->e[i].flags & ~VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX) || t->e[i].pad) {
			kvfree(t);
			return -EINVAL;
		}
	}
	t->nent = nent;
	mutex_lock(&vm->lock);
	old = rcu_dereference_protected(vm->cpuid, lockdep_is_held(&vm->lock));
	rcu_assign_pointer(vm->cpuid, t);
	mutex_unlock(&vm->lock);
	synchronize_rcu();
	kvfree(old);
	return 0;
}

int vmlab_cpuid_get(struct vmlab_vm *vm, struct vmlab_cpuid __user *arg)
{
	struct vmlab_cpuid_table *t;
	u32 nent;
	int r = 0;

	if (get_user(nent, &arg->nent))
		return -EFAULT;
	mutex_lock(&vm->lock);
	t = rcu_dereference_protected(vm->cpuid, lockdep_is_held(&vm->lock));
	if (nent < t->nent)
		r = -E2BIG;
	else if (copy_to_user(arg->entries, t->e, t->nent * sizeof(t->e[0])))
		r = -EFAULT;
	if ((!r || r == -E2BIG) && put_user(t->nent, &arg->nent))
		r = -EFAULT;
	mutex_unlock(&vm->lock);
	return r;
}

static const struct vmlab_cpuid_entry *
cpuid_lookup(const struct vmlab_cpuid_table *t, u32 fn, u32 idx)
{
	u32 i;

	for (i = 0; i < t->nent; i++) {
		const struct vmlab_cpuid_entry *e = &t->e[i];

		if (e->function == fn &&
		    (!(e->flags & VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX) || e->index == idx))
			return e;
	}
	return NULL;
}

/* Fields that depend on the vCPU asking. */
static void cpuid_per_vcpu(struct vmlab_vcpu *vcpu, u32 fn, u32 idx, u32 *regs)
{
	switch (fn) {
	case 0x1:
		regs[1] = (regs[1] & 0x0000ffff) | (vcpu->id << 24);
		if (vmlab_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE)
			regs[2] |= BIT(27);
		else
			regs[2] &= ~BIT(27);
		break;
	case 0xb:
	case 0x1f:
		regs[3] = vcpu->id;
		break;
	case 0xd:
		/* EBX: the size XSAVE needs for what XCR0 enables now. */
		if (idx == 0)
			regs[1] = xstate_size(vcpu->xcr0);
		break;
	}
}

void vmlab_emulate_cpuid(struct vmlab_vcpu *vcpu)
{
	u32 fn = vmlab_reg(vcpu, VMLAB_RAX);
	u32 idx = vmlab_reg(vcpu, VMLAB_RCX);
	const struct vmlab_cpuid_entry *e;
	u32 regs[4] = { 0, 0, 0, 0 };

	rcu_read_lock();
	e = cpuid_lookup(rcu_dereference(vcpu->vm->cpuid), fn, idx);
	/* A leaf absent from the table reads as zeros, per-vCPU fields too. */
	if (e) {
		regs[0] = e->eax;
		regs[1] = e->ebx;
		regs[2] = e->ecx;
		regs[3] = e->edx;
		cpuid_per_vcpu(vcpu, fn, idx, regs);
	}
	rcu_read_unlock();
	vmlab_set_reg(vcpu, VMLAB_RAX, regs[0]);
	vmlab_set_reg(vcpu, VMLAB_RBX, regs[1]);
	vmlab_set_reg(vcpu, VMLAB_RCX, regs[2]);
	vmlab_set_reg(vcpu, VMLAB_RDX, regs[3]);
}
