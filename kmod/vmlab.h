/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core-internal declarations shared by the device, VM and hardware code
 * and implemented by the VMX and SVM backends.
 */
#ifndef _VMLAB_H
#define _VMLAB_H

#include <linux/types.h>
#include <uapi/vmlab.h>

/*
 * struct vmlab_backend_ops - what the core needs from VMX or SVM.
 *
 * The core never asks which backend it runs on; everything
 * backend-specific goes through this table.
 *
 * @name:		"vmx" or "svm", for messages.
 * @probe:		check that the CPU can be used and fill @caps.  Returns
 *			-ENODEV when the extension is absent, another error
 *			with *@why set when it is present but unusable.  Must
 *			not change CPU state.
 * @init_cpu_area:	prepare the zeroed per-CPU page (VMXON region or
 *			host save area) before first use; may be NULL.
 * @enable_cpu:		switch virtualization on for this CPU using its
 *			area at @area_pa.  Runs on that CPU with interrupts
 *			off.  -EBUSY when another hypervisor owns the CPU.
 * @disable_cpu:	undo @enable_cpu on this CPU, interrupts off.
 */
struct vmlab_backend_ops {
	const char *name;
	int (*probe)(struct vmlab_caps *caps, const char **why);
	void (*init_cpu_area)(void *area);
	int (*enable_cpu)(phys_addr_t area_pa);
	void (*disable_cpu)(void);
};

extern const struct vmlab_backend_ops vmlab_svm_ops;
extern const struct vmlab_backend_ops vmlab_vmx_ops;

/* The backend chosen at load time and what it reported. */
extern const struct vmlab_backend_ops *vmlab_ops;
extern struct vmlab_caps vmlab_caps;

/* hw.c: reference-counted virtualization on all online CPUs. */
int vmlab_hw_init(void);
void vmlab_hw_exit(void);
int vmlab_hw_get(void);
void vmlab_hw_put(void);

/* dev.c: the /dev/vmlab misc device. */
int vmlab_dev_init(void);
void vmlab_dev_exit(void);

/* vm.c: a virtual machine and its file descriptor. */
int vmlab_vm_create(unsigned long flags);

#endif /* _VMLAB_H */
