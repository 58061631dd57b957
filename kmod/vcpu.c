// SPDX-License-Identifier: GPL-2.0
/*
 * A virtual CPU: its file descriptor, the shared run page and the run
 * loop.  A vCPU thread is an ordinary Linux thread: the loop leaves the
 * guest for every host interrupt, reschedules when asked, and returns to
 * userspace when a signal is pending.  While the thread is inside
 * VMLAB_RUN its FPU state is the guest's (the kernel saves and restores
 * it on context switches), and preempt notifiers tell the backend when
 * the thread moves to another CPU.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/io.h>
#include "vmlab.h"

struct vmlab_vcpu_file {
	struct vmlab_vcpu vcpu;
	struct preempt_notifier pn;
	atomic_t running;		/* a thread is in VMLAB_RUN */
};

static struct vmlab_vcpu_file *to_vf(struct vmlab_vcpu *vcpu)
{
	return container_of(vcpu, struct vmlab_vcpu_file, vcpu);
}

static void vcpu_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct vmlab_vcpu_file *vf = container_of(pn, struct vmlab_vcpu_file, pn);

	vmlab_ops->vcpu_load(&vf->vcpu, cpu);
}

static void vcpu_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	struct vmlab_vcpu_file *vf = container_of(pn, struct vmlab_vcpu_file, pn);

	vmlab_ops->vcpu_put(&vf->vcpu);
}

static struct preempt_ops vcpu_preempt_ops = {
	.sched_in = vcpu_sched_in,
	.sched_out = vcpu_sched_out,
};

/* Makes the backend state current on this CPU for an ioctl's duration. */
static void vcpu_load(struct vmlab_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&to_vf(vcpu)->pn);
	vmlab_ops->vcpu_load(vcpu, cpu);
	put_cpu();
}

static void vcpu_put(struct vmlab_vcpu *vcpu)
{
	preempt_disable();
	vmlab_ops->vcpu_put(vcpu);
	preempt_notifier_unregister(&to_vf(vcpu)->pn);
	preempt_enable();
}

static void vcpu_report_interrupt_state(struct vmlab_vcpu *vcpu)
{
	struct vmlab_run *run = vcpu->run;

	run->if_flag = !!(vmlab_reg(vcpu, VMLAB_RFLAGS) & X86_EFLAGS_IF);
	run->ready_for_interrupt_injection = !vcpu->irq_pending &&
		vmlab_ops->interrupt_allowed(vcpu);
	run->apic_base = vcpu->apic_base;
	run->cr8 = vmlab_ops->get_cr8(vcpu);
}

/*
 * Delivers what userspace queued if the guest can take it now, and
 * otherwise asks for an exit when it can.
 */
static void vcpu_inject_events(struct vmlab_vcpu *vcpu)
{
	bool want_window = vcpu->run->request_interrupt_window;

	if (vcpu->nmi_pending && vmlab_ops->nmi_allowed(vcpu)) {
		vcpu->nmi_pending = false;
		vmlab_ops->inject_nmi(vcpu);
	}
	if (vcpu->irq_pending) {
		if (vmlab_ops->interrupt_allowed(vcpu)) {
			vcpu->irq_pending = false;
			vmlab_ops->inject_irq(vcpu, vcpu->irq_vector);
			want_window = false;
		} else {
			want_window = true;
		}
	}
	vmlab_ops->enable_irq_window(vcpu, want_window);
}

/*
 * Whatever XCR0 the guest ran with goes back to the host's.  An emulated
 * CPU may let XSETBV through without an exit, so the value found here is
 * the guest's current one.
 */
static void restore_host_xcr0(struct vmlab_vcpu *vcpu, u64 host_xcr0)
{
	u64 xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);

	if (xcr0 != host_xcr0) {
		vcpu->xcr0 = xcr0;
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
	}
}

/* Enters the guest once; returns with the exit described in @exit. */
static void vcpu_enter_guest(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit)
{
	u64 host_xcr0 = 0;
	bool swap_xcr0;
	int gen;

	exit->kind = VMLAB_EK_NONE;
	preempt_disable();
	local_irq_disable();
	/* A CPU going offline switched virtualization off: move on first. */
	if (need_resched() || signal_pending(current) || !vmlab_hw_this_cpu_on())
		goto out;
	gen = atomic_read(&vcpu->vm->tlb_gen);
	if (vcpu->tlb_gen != gen) {
		vmlab_ops->flush_tlb(vcpu);
		vcpu->tlb_gen = gen;
	}
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	swap_xcr0 = boot_cpu_has(X86_FEATURE_XSAVE);
	if (swap_xcr0) {
		host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		if ((vmlab_ops->get_cr4(vcpu) & X86_CR4_OSXSAVE) && host_xcr0 != vcpu->xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	}
	vmlab_ops->run(vcpu, exit);
	vcpu->last_cpu = smp_processor_id();
	if (swap_xcr0)
		restore_host_xcr0(vcpu, host_xcr0);
out:
	local_irq_enable();
	preempt_enable();
}

static int vcpu_run(struct vmlab_vcpu *vcpu)
{
	struct vmlab_run *run = vcpu->run;
	struct vmlab_exit exit;
	int r;

	run->exit_reason = VMLAB_EXIT_UNKNOWN;
	vcpu_load(vcpu);
	r = vmlab_complete_userspace_io(vcpu);
	if (r <= 0)
		goto out;
	/*
	 * Through "out", like any other exit: an interrupt queued since the
	 * last exit must show as "not ready", or userspace would queue a
	 * second one.
	 */
	if (run->immediate_exit) {
		run->exit_reason = VMLAB_EXIT_INTR;
		r = -EINTR;
		goto out;
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = VMLAB_EXIT_INTR;
			r = -EINTR;
			break;
		}
		cond_resched();
		vcpu_inject_events(vcpu);
		vcpu_enter_guest(vcpu, &exit);
		r = vmlab_handle_exit(vcpu, &exit);
		if (r <= 0)
			break;
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);
out:
	vcpu_report_interrupt_state(vcpu);
	vcpu_put(vcpu);
	return r < 0 ? r : 0;
}

static int vcpu_get_regs(struct vmlab_vcpu *vcpu, void __user *argp)
{
	struct vmlab_regs regs;

	regs.rax = vmlab_reg(vcpu, VMLAB_RAX);
	regs.rbx = vmlab_reg(vcpu, VMLAB_RBX);
	regs.rcx = vmlab_reg(vcpu, VMLAB_RCX);
	regs.rdx = vmlab_reg(vcpu, VMLAB_RDX);
	regs.rsi = vmlab_reg(vcpu, VMLAB_RSI);
	regs.rdi = vmlab_reg(vcpu, VMLAB_RDI);
	regs.rsp = vmlab_reg(vcpu, VMLAB_RSP);
	regs.rbp = vmlab_reg(vcpu, VMLAB_RBP);
	regs.r8 = vmlab_reg(vcpu, VMLAB_R8);
	regs.r9 = vmlab_reg(vcpu, VMLAB_R9);
	regs.r10 = vmlab_reg(vcpu, VMLAB_R10);
	regs.r11 = vmlab_reg(vcpu, VMLAB_R11);
	regs.r12 = vmlab_reg(vcpu, VMLAB_R12);
	regs.r13 = vmlab_reg(vcpu, VMLAB_R13);
	regs.r14 = vmlab_reg(vcpu, VMLAB_R14);
	regs.r15 = vmlab_reg(vcpu, VMLAB_R15);
	regs.rip = vmlab_reg(vcpu, VMLAB_RIP);
	regs.rflags = vmlab_reg(vcpu, VMLAB_RFLAGS);
	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static int vcpu_set_regs(struct vmlab_vcpu *vcpu, void __user *argp)
{
	struct vmlab_regs regs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	vmlab_set_reg(vcpu, VMLAB_RAX, regs.rax);
	vmlab_set_reg(vcpu, VMLAB_RBX, regs.rbx);
	vmlab_set_reg(vcpu, VMLAB_RCX, regs.rcx);
	vmlab_set_reg(vcpu, VMLAB_RDX, regs.rdx);
	vmlab_set_reg(vcpu, VMLAB_RSI, regs.rsi);
	vmlab_set_reg(vcpu, VMLAB_RDI, regs.rdi);
	vmlab_set_reg(vcpu, VMLAB_RSP, regs.rsp);
	vmlab_set_reg(vcpu, VMLAB_RBP, regs.rbp);
	vmlab_set_reg(vcpu, VMLAB_R8, regs.r8);
	vmlab_set_reg(vcpu, VMLAB_R9, regs.r9);
	vmlab_set_reg(vcpu, VMLAB_R10, regs.r10);
	vmlab_set_reg(vcpu, VMLAB_R11, regs.r11);
	vmlab_set_reg(vcpu, VMLAB_R12, regs.r12);
	vmlab_set_reg(vcpu, VMLAB_R13, regs.r13);
	vmlab_set_reg(vcpu, VMLAB_R14, regs.r14);
	vmlab_set_reg(vcpu, VMLAB_R15, regs.r15);
	vmlab_set_reg(vcpu, VMLAB_RIP, regs.rip);
	/* Bit 1 is always one; the reserved bits always zero. */
	vmlab_set_reg(vcpu, VMLAB_RFLAGS, (regs.rflags & 0x3f7fd7) | X86_EFLAGS_FIXED);
	/* New registers make a half-done exit meaningless. */
	vcpu->pending = VMLAB_PENDING_NONE;
	return 0;
}

static int vcpu_get_sregs(struct vmlab_vcpu *vcpu, void __user *argp)
{
	struct vmlab_sregs sregs;

	memset(&sregs, 0, sizeof(sregs));
	vmlab_ops->get_sregs(vcpu, &sregs);
	sregs.apic_base = vcpu->apic_base;
	return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
}

static int vcpu_set_sregs(struct vmlab_vcpu *vcpu, void __user *argp)
{
	struct vmlab_sregs sregs;
	int r;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	r = vmlab_ops->set_sregs(vcpu, &sregs);
	if (r)
		return r;
	vcpu->apic_base = sregs.apic_base;
	vcpu->pending = VMLAB_PENDING_NONE;
	return 0;
}

/* GET and SET_MSRS: entries processed in order until one fails. */
static int vcpu_msrs(struct vmlab_vcpu *vcpu, struct vmlab_msrs __user *argp, bool set)
{
	struct vmlab_msr_entry e;
	u32 n, i;

	if (get_user(n, &argp->nmsrs))
		return -EFAULT;
	if (n > VMLAB_MAX_MSR_ENTRIES)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		if (copy_from_user(&e, &argp->entries[i], sizeof(e)))
			return -EFAULT;
		if (set) {
			if (vmlab_set_msr(vcpu, e.index, e.data))
				break;
		} else {
			if (vmlab_get_msr(vcpu, e.index, &e.data))
				break;
			if (put_user(e.data, &argp->entries[i].data))
				return -EFAULT;
		}
	}
	return i;
}

static int vcpu_get_xsave(struct vmlab_vcpu *vcpu, void __user *argp)
{
	struct vmlab_xsave *x = kzalloc(sizeof(*x), GFP_KERNEL);
	int r = 0;

	if (!x)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->fpu, x->region, sizeof(x->region),
				       vmlab_guest_supported_xcr0(), vcpu->pkru);
	if (copy_to_user(argp, x, sizeof(*x)))
		r = -EFAULT;
	kfree(x);
	return r;
}

static int vcpu_set_xsave(struct vmlab_vcpu *vcpu, void __user *argp)
{
	struct vmlab_xsave *x = memdup_user(argp, sizeof(*x));
	int r;

	if (IS_ERR(x))
		return PTR_ERR(x);
	r = fpu_copy_uabi_to_guest_fpstate(&vcpu->fpu, x->region,
					   vmlab_guest_supported_xcr0(),
					   &vcpu->pkru);
	kfree(x);
	return r;
}

static int vcpu_interrupt(struct vmlab_vcpu *vcpu, void __user *argp)
{
	struct vmlab_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.irq > 255)
		return -EINVAL;
	if (vcpu->irq_pending)
		return -EBUSY;
	vcpu->irq_pending = true;
	vcpu->irq_vector = irq.irq;
	return 0;
}

static long vcpu_ioctl_loaded(struct vmlab_vcpu *vcpu, unsigned int cmd,
			      void __user *argp)
{
	switch (cmd) {
	case VMLAB_GET_REGS:
		return vcpu_get_regs(vcpu, argp);
	case VMLAB_SET_REGS:
		return vcpu_set_regs(vcpu, argp);
	case VMLAB_GET_SREGS:
		return vcpu_get_sregs(vcpu, argp);
	case VMLAB_SET_SREGS:
		return vcpu_set_sregs(vcpu, argp);
	case VMLAB_GET_MSRS:
		return vcpu_msrs(vcpu, argp, false);
	case VMLAB_SET_MSRS:
		return vcpu_msrs(vcpu, argp, true);
	default:
		return -ENOTTY;
	}
}

/*
 * RUN holds the vCPU for as long as the guest runs, so a second thread
 * trying to run it gets -EBUSY instead of waiting behind it.
 */
static long vcpu_ioctl_run(struct vmlab_vcpu *vcpu, unsigned long arg)
{
	atomic_t *running = &to_vf(vcpu)->running;
	long r;

	if (arg)
		return -EINVAL;
	if (atomic_cmpxchg(running, 0, 1))
		return -EBUSY;
	r = mutex_lock_killable(&vcpu->lock);
	if (!r) {
		r = vcpu_run(vcpu);
		mutex_unlock(&vcpu->lock);
	}
	atomic_set(running, 0);
	return r;
}

static long vmlab_vcpu_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	struct vmlab_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (cmd == VMLAB_RUN)
		return vcpu_ioctl_run(vcpu, arg);
	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	switch (cmd) {
	case VMLAB_GET_XSAVE:
		r = vcpu_get_xsave(vcpu, argp);
		break;
	case VMLAB_SET_XSAVE:
		r = vcpu_set_xsave(vcpu, argp);
		break;
	case VMLAB_INTERRUPT:
		r = vcpu_interrupt(vcpu, argp);
		break;
	case VMLAB_NMI:
		r = arg ? -EINVAL : 0;
		if (!r)
			vcpu->nmi_pending = true;
		break;
	default:
		/* Register accessors need the backend state on this CPU. */
		vcpu_load(vcpu);
		r = vcpu_ioctl_loaded(vcpu, cmd, argp);
		vcpu_put(vcpu);
		break;
	}
	mutex_unlock(&vcpu->lock);
	return r;
}

static int vmlab_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct vmlab_vcpu *vcpu = filp->private_data;

	/* A private mapping would hand userspace a copy the module never sees. */
	if (vma->vm_pgoff != 0 || vma_pages(vma) != 1 || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, virt_to_page(vcpu->run));
}

static void vcpu_free(struct vmlab_vcpu *vcpu)
{
	vmlab_ops->vcpu_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->fpu);
	free_page((unsigned long)vcpu->run);
	kfree(to_vf(vcpu));
}

static int vmlab_vcpu_release(struct inode *inode, struct file *filp)
{
	struct vmlab_vcpu *vcpu = filp->private_data;
	struct vmlab_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	vm->vcpus[vcpu->id] = NULL;
	mutex_unlock(&vm->lock);
	vcpu_free(vcpu);
	vmlab_vm_put(vm);
	return 0;
}

static const struct file_operations vmlab_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vmlab_vcpu_release,
	.unlocked_ioctl	= vmlab_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vmlab_vcpu_mmap,
	.llseek		= noop_llseek,
};

static struct vmlab_vcpu *vcpu_alloc(struct vmlab_vm *vm, u32 id)
{
	struct vmlab_vcpu_file *vf = kzalloc(sizeof(*vf), GFP_KERNEL_ACCOUNT);
	struct vmlab_vcpu *vcpu;
	int r = -ENOMEM;

	if (!vf)
		return ERR_PTR(-ENOMEM);
	vcpu = &vf->vcpu;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->last_cpu = -1;
	mutex_init(&vcpu->lock);
	preempt_notifier_init(&vf->pn, &vcpu_preempt_ops);
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto free_vf;
	if (!fpu_alloc_guest_fpstate(&vcpu->fpu))
		goto free_run;
	vcpu->xcr0 = XFEATURE_MASK_FP;
	/* The boot processor's APIC at its architectural address, enabled. */
	vcpu->apic_base = 0xfee00000ULL | BIT(11) | (id == 0 ? BIT(8) : 0);
	vcpu->tlb_gen = atomic_read(&vm->tlb_gen);
	/* The backend's error (-EOPNOTSUPP: no vCPUs yet) is the caller's. */
	r = vmlab_ops->vcpu_create(vcpu);
	if (r)
		goto free_fpu;
	return vcpu;

free_fpu:
	fpu_free_guest_fpstate(&vcpu->fpu);
free_run:
	free_page((unsigned long)vcpu->run);
free_vf:
	kfree(vf);
	return ERR_PTR(r);
}

int vmlab_vcpu_create(struct vmlab_vm *vm, unsigned long id)
{
	struct vmlab_vcpu *vcpu;
	int r;

	if (id >= VMLAB_MAX_VCPUS)
		return -EINVAL;
	vcpu = vcpu_alloc(vm, id);
	if (IS_ERR(vcpu))
		return PTR_ERR(vcpu);
	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		r = -EEXIST;
		goto unlock_free;
	}
	vmlab_vm_get(vm);
	r = anon_inode_getfd("vmlab-vcpu", &vmlab_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (r < 0) {
		vmlab_vm_put(vm);
		goto unlock_free;
	}
	vm->vcpus[id] = vcpu;
	mutex_unlock(&vm->lock);
	return r;

unlock_free:
	mutex_unlock(&vm->lock);
	vcpu_free(vcpu);
	return r;
}
