// SPDX-License-Identifier: GPL-2.0
/*
 * A virtual machine: one anonymous-inode file per VM.  The VM holds a
 * reference on virtualization being switched on; the last close (or
 * the owning process dying) releases it.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "vmlab.h"

struct vmlab_vm {
	struct mutex lock;	/* serializes changes to the VM's layout */
};

static int vmlab_vm_release(struct inode *inode, struct file *filp)
{
	struct vmlab_vm *vm = filp->private_data;

	kfree(vm);
	vmlab_hw_put();
	return 0;
}

static long vmlab_vm_ioctl(struct file *filp, unsigned int cmd,
			   unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations vmlab_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vmlab_vm_release,
	.unlocked_ioctl	= vmlab_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

int vmlab_vm_create(unsigned long flags)
{
	struct vmlab_vm *vm;
	int r;

	if (flags)
		return -EINVAL;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	mutex_init(&vm->lock);
	r = vmlab_hw_get();
	if (r)
		goto free_vm;
	r = anon_inode_getfd("vmlab-vm", &vmlab_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (r < 0)
		goto put_hw;
	return r;

put_hw:
	vmlab_hw_put();
free_vm:
	kfree(vm);
	return r;
}
