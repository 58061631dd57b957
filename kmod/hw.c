// SPDX-License-Identifier: GPL-2.0
/*
 * Switching virtualization on and off on every CPU.
 *
 * The extensions are only on while at least one VM exists, so that an
 * idle vmlab leaves the CPUs exactly as it found them and another
 * hypervisor (KVM, say) can be loaded beside it.  CPUs that come online
 * while VMs exist are switched on by the hotplug callback; CPUs going
 * offline are switched off first.  The per-CPU pages are allocated at
 * load time for every possible CPU, so neither path allocates.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <asm/io.h>
#include "vmlab.h"

struct vmlab_cpu {
	struct page *area;
	bool on;
};

static DEFINE_PER_CPU(struct vmlab_cpu, vmlab_cpus);

/* hw_users and the per-CPU "on" flags change only under hw_lock. */
static DEFINE_MUTEX(hw_lock);
static unsigned int hw_users;
static bool hw_rebooting;
static int hw_cpuhp_state;
static atomic_t hw_enable_error;

/* Runs on the CPU being switched on, interrupts off. */
static void hw_enable_this_cpu(void *unused)
{
	struct vmlab_cpu *c = this_cpu_ptr(&vmlab_cpus);
	int r;

	if (c->on)
		return;
	r = vmlab_ops->enable_cpu(page_address(c->area), page_to_phys(c->area));
	if (r) {
		atomic_cmpxchg(&hw_enable_error, 0, r);
		return;
	}
	c->on = true;
}

/* Runs on the CPU being switched off, interrupts off. */
static void hw_disable_this_cpu(void *unused)
{
	struct vmlab_cpu *c = this_cpu_ptr(&vmlab_cpus);

	if (!c->on)
		return;
	vmlab_ops->disable_cpu();
	c->on = false;
}

/**
 * vmlab_hw_get - take a reference on virtualization being on
 *
 * The first reference switches it on for every online CPU; if any CPU
 * refuses, all are switched off again and the error is returned.
 */
int vmlab_hw_get(void)
{
	int r = 0;

	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (hw_rebooting) {
		r = -EBUSY;
		goto out;
	}
	if (hw_users == 0) {
		atomic_set(&hw_enable_error, 0);
		on_each_cpu(hw_enable_this_cpu, NULL, 1);
		r = atomic_read(&hw_enable_error);
		if (r) {
			on_each_cpu(hw_disable_this_cpu, NULL, 1);
			pr_info("could not switch %s on (%d): another hypervisor may own the CPU\n",
				vmlab_ops->name, r);
			goto out;
		}
	}
	hw_users++;
out:
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
	return r;
}

/**
 * vmlab_hw_put - drop a reference taken by vmlab_hw_get()
 */
void vmlab_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (!WARN_ON_ONCE(hw_users == 0) && --hw_users == 0)
		on_each_cpu(hw_disable_this_cpu, NULL, 1);
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
}

/* Hotplug callbacks run on the CPU concerned, in its hotplug thread. */
static int hw_cpu_online(unsigned int cpu)
{
	int r = 0;

	mutex_lock(&hw_lock);
	if (hw_users && !hw_rebooting) {
		atomic_set(&hw_enable_error, 0);
		local_irq_disable();
		hw_enable_this_cpu(NULL);
		local_irq_enable();
		r = atomic_read(&hw_enable_error);
	}
	mutex_unlock(&hw_lock);
	return r;
}

static int hw_cpu_offline(unsigned int cpu)
{
	mutex_lock(&hw_lock);
	local_irq_disable();
	hw_disable_this_cpu(NULL);
	local_irq_enable();
	mutex_unlock(&hw_lock);
	return 0;
}

/*
 * VMX blocks INIT, so a CPU left in VMX operation would not come back
 * from a reboot; switch everything off and refuse new users.
 */
static int hw_reboot(struct notifier_block *nb, unsigned long code, void *p)
{
	mutex_lock(&hw_lock);
	hw_rebooting = true;
	on_each_cpu(hw_disable_this_cpu, NULL, 1);
	mutex_unlock(&hw_lock);
	return NOTIFY_OK;
}

static struct notifier_block hw_reboot_nb = {
	.notifier_call = hw_reboot,
};

static void hw_free_areas(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmlab_cpu *c = per_cpu_ptr(&vmlab_cpus, cpu);

		if (c->area)
			__free_pages(c->area, vmlab_ops->cpu_area_order);
		c->area = NULL;
	}
}

static int hw_alloc_areas(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct vmlab_cpu *c = per_cpu_ptr(&vmlab_cpus, cpu);

		c->area = alloc_pages_node(cpu_to_node(cpu),
					   GFP_KERNEL | __GFP_ZERO,
					   vmlab_ops->cpu_area_order);
		if (!c->area) {
			hw_free_areas();
			return -ENOMEM;
		}
		if (vmlab_ops->init_cpu_area)
			vmlab_ops->init_cpu_area(page_address(c->area));
	}
	return 0;
}

/* Whether this CPU runs with virtualization on; call with preemption off. */
bool vmlab_hw_this_cpu_on(void)
{
	return this_cpu_read(vmlab_cpus.on);
}

/* The backend's per-CPU area of @cpu (valid while the module is loaded). */
void *vmlab_cpu_area(int cpu)
{
	return page_address(per_cpu_ptr(&vmlab_cpus, cpu)->area);
}

int vmlab_hw_init(void)
{
	int r;

	r = hw_alloc_areas();
	if (r)
		return r;
	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vmlab:online",
			      hw_cpu_online, hw_cpu_offline);
	if (r < 0) {
		hw_free_areas();
		return r;
	}
	hw_cpuhp_state = r;
	register_reboot_notifier(&hw_reboot_nb);
	return 0;
}

void vmlab_hw_exit(void)
{
	unregister_reboot_notifier(&hw_reboot_nb);
	/* Runs the offline callback everywhere: nothing stays switched on. */
	cpuhp_remove_state(hw_cpuhp_state);
	hw_free_areas();
}
