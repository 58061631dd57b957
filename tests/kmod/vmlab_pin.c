// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: holds one reference on the kernel's preempt-notifier static
 * key for as long as it is loaded.
 *
 * Loading vmlab.ko (and creating a KVM VM) takes such a reference; the
 * 0 <-> 1 transitions rewrite a jump in __schedule() with int3-based
 * text patching.  QEMU's multi-threaded TCG misses that cross-modifying
 * code on the other emulated CPU, which then spins on a stale int3: within
 * a few dozen vmlab reloads the emulated host locks up.  scripts/nested
 * loads this module first and never unloads it, so that in the emulated
 * host the key stays on and reloads never patch __schedule().  Real CPUs need no such thing.
 */
#include <linux/module.h>
#include <linux/preempt.h>

static int __init vmlab_pin_init(void)
{
	preempt_notifier_inc();
	return 0;
}

static void __exit vmlab_pin_exit(void)
{
	preempt_notifier_dec();
}

module_init(vmlab_pin_init);
module_exit(vmlab_pin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmlab tests: keep the preempt-notifier static key on");
