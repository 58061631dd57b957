// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmlab: the system-wide entry point.  It answers questions about
 * the module and the CPU and creates VMs; everything else happens on the
 * VM and vCPU file descriptors.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "vmlab.h"

static long vmlab_dev_get_caps(void __user *argp)
{
	if (copy_to_user(argp, &vmlab_caps, sizeof(vmlab_caps)))
		return -EFAULT;
	return 0;
}

static long vmlab_dev_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case VMLAB_GET_API_VERSION:
		return arg ? -EINVAL : VMLAB_API_VERSION;
	case VMLAB_GET_CAPS:
		return vmlab_dev_get_caps((void __user *)arg);
	case VMLAB_CREATE_VM:
		return vmlab_vm_create(arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vmlab_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vmlab_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* The group (kvm, where it exists) comes from udev: see scripts/. */
static struct miscdevice vmlab_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vmlab",
	.fops	= &vmlab_dev_fops,
	.mode	= 0660,
};

int vmlab_dev_init(void)
{
	return misc_register(&vmlab_dev);
}

void vmlab_dev_exit(void)
{
	misc_deregister(&vmlab_dev);
}
