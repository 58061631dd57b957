// SPDX-License-Identifier: GPL-2.0
/*
 * A virtual machine: one anonymous-inode file per VM.  The VM lives as
 * long as its fd or any of its vCPU fds is open, and holds a reference
 * on virtualization being switched on for all of that time.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "vmlab.h"

static void vm_destroy(struct kref *ref)
{
	struct vmlab_vm *vm = container_of(ref, struct vmlab_vm, ref);

	vmlab_free_slots(vm);
	vmlab_npt_free(&vm->npt);
	vmlab_cpuid_free(vm);
	kfree(vm);
	vmlab_hw_put();
}

void vmlab_vm_get(struct vmlab_vm *vm)
{
	kref_get(&vm->ref);
}

void vmlab_vm_put(struct vmlab_vm *vm)
{
	kref_put(&vm->ref, vm_destroy);
}

static int vmlab_vm_release(struct inode *inode, struct file *filp)
{
	vmlab_vm_put(filp->private_data);
	return 0;
}

static long vm_set_memory_region(struct vmlab_vm *vm, void __user *argp)
{
	struct vmlab_memory_region mr;

	if (copy_from_user(&mr, argp, sizeof(mr)))
		return -EFAULT;
	return vmlab_set_memory_region(vm, &mr);
}

static long vmlab_vm_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	struct vmlab_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VMLAB_SET_MEMORY_REGION:
		return vm_set_memory_region(vm, argp);
	case VMLAB_CREATE_VCPU:
		return vmlab_vcpu_create(vm, arg);
	case VMLAB_SET_CPUID:
		return vmlab_cpuid_set(vm, argp);
	case VMLAB_GET_CPUID:
		return vmlab_cpuid_get(vm, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmlab_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vmlab_vm_release,
	.unlocked_ioctl	= vmlab_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct vmlab_vm *vm_alloc(void)
{
	struct vmlab_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);

	if (!vm)
		return NULL;
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	init_rwsem(&vm->mem_lock);
	if (vmlab_npt_init(&vm->npt))
		goto free_vm;
	if (vmlab_cpuid_init_default(vm))
		goto free_npt;
	return vm;

free_npt:
	vmlab_npt_free(&vm->npt);
free_vm:
	kfree(vm);
	return NULL;
}

int vmlab_vm_create(unsigned long flags)
{
	struct vmlab_vm *vm;
	int r;

	if (flags)
		return -EINVAL;
	r = vmlab_hw_get();
	if (r)
		return r;
	vm = vm_alloc();
	if (!vm) {
		vmlab_hw_put();
		return -ENOMEM;
	}
	/* From here the VM's last put also drops the hw reference. */
	r = anon_inode_getfd("vmlab-vm", &vmlab_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (r < 0)
		vmlab_vm_put(vm);
	return r;
}
