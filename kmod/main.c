// SPDX-License-Identifier: GPL-2.0
/*
 * Module entry: pick the backend the CPU supports, then bring up the
 * per-CPU bookkeeping and /dev/vmlab.  Nothing here touches CPU state;
 * virtualization is only switched on when the first VM is created.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/errno.h>
#include <linux/preempt.h>
#include "vmlab.h"

const struct vmlab_backend_ops *vmlab_ops;
struct vmlab_caps vmlab_caps;

static const struct vmlab_backend_ops *const backends[] = {
	&vmlab_vmx_ops,
	&vmlab_svm_ops,
};

/*
 * Returns 0 with vmlab_ops set, or an error after printing the single
 * line that explains why the module refuses to load.
 */
static int vmlab_select_backend(void)
{
	const char *why = NULL;
	int i, r;

	for (i = 0; i < ARRAY_SIZE(backends); i++) {
		memset(&vmlab_caps, 0, sizeof(vmlab_caps));
		r = backends[i]->probe(&vmlab_caps, &why);
		if (r == -ENODEV)
			continue;
		if (r) {
			pr_err("cannot load: %s: %s\n", backends[i]->name, why);
			return r;
		}
		vmlab_caps.size = sizeof(vmlab_caps);
		vmlab_ops = backends[i];
		return 0;
	}
	pr_err("cannot load: this CPU has neither VMX nor SVM\n");
	return -ENODEV;
}

static int __init vmlab_init(void)
{
	int r;

	r = vmlab_select_backend();
	if (r)
		return r;
	r = vmlab_ops->setup();
	if (r)
		return r;
	r = vmlab_hw_init();
	if (r)
		goto teardown;
	preempt_notifier_inc();
	r = vmlab_dev_init();
	if (r)
		goto hw_exit;
	pr_info("%s backend, %u-level nested paging, features %#llx\n",
		vmlab_ops->name, vmlab_caps.paging_levels,
		vmlab_caps.features);
	return 0;

hw_exit:
	preempt_notifier_dec();
	vmlab_hw_exit();
teardown:
	vmlab_ops->teardown();
	return r;
}

static void __exit vmlab_exit(void)
{
	vmlab_dev_exit();
	preempt_notifier_dec();
	vmlab_hw_exit();
	vmlab_ops->teardown();
}

module_init(vmlab_init);
module_exit(vmlab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmlab research hypervisor (VMX and SVM)");
