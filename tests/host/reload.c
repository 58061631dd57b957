// SPDX-License-Identifier: GPL-2.0
/*
 * The module unloads cleanly, refuses to while a VM is open, survives
 * its owner being killed, and 20 load/use/unload cycles leak nothing
 * measurable.
 */
#include <signal.h>
#include "host.h"

#define CYCLES 20
/*
 * Tolerances for 20 cycles, in kB.  A cycle loads the module, creates
 * VMS_PER_CYCLE VMs and unloads it; what must come back is the per-CPU
 * areas and permission maps (>= 8 kB each, once a cycle) and each VM's
 * nested-table root and CPUID table (>= 4 kB each, per VM), so leaking any
 * one of them costs >= 160 kB over the run.  Below the tolerance is the
 * noise seen in the emulated host once per-CPU free lists are counted
 * (up to about 50 kB).
 */
#define VMS_PER_CYCLE		4
#define MEMFREE_TOLERANCE_KB	128
#define SLAB_TOLERANCE_KB	64

static const char *ko;

static int load(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "insmod %s", ko);
	return host_sh(cmd);
}

static int unload(void)
{
	return host_sh("rmmod vmlab 2>/dev/null");
}

/* Loads the module, creates and closes VMs, unloads: one full cycle. */
static int cycle(void)
{
	int dev, vms[VMS_PER_CYCLE], ok = 1;

	if (load())
		return -1;
	dev = host_open_dev();
	for (int i = 0; i < VMS_PER_CYCLE; i++) {
		vms[i] = dev >= 0 ? ioctl(dev, VMLAB_CREATE_VM, 0) : -1;
		ok &= vms[i] >= 0;
	}
	for (int i = 0; i < VMS_PER_CYCLE; i++)
		if (vms[i] >= 0)
			close(vms[i]);
	if (dev >= 0)
		close(dev);
	if (unload() || !ok)
		return -1;
	return 0;
}

static void settle(void)
{
	sync();
	host_sh("echo 3 > /proc/sys/vm/drop_caches");
	usleep(200 * 1000);
}

static void unload_is_refused_while_a_vm_is_open(void)
{
	int dev = host_open_dev(), vm;

	CHECK(dev >= 0);
	vm = ioctl(dev, VMLAB_CREATE_VM, 0);
	CHECK(vm >= 0, "create: %s", strerror(errno));
	close(dev);
	CHECK(unload() != 0, "rmmod succeeded with a VM open");
	close(vm);
	CHECK_EQ(unload(), 0);
	CHECK_EQ(load(), 0);
}

static void killed_owner_leaves_nothing_behind(void)
{
	int pipefd[2];
	char c;
	pid_t pid;

	CHECK_EQ(pipe(pipefd), 0);
	pid = fork();
	if (pid == 0) {
		int dev = host_open_dev();

		if (dev < 0 || ioctl(dev, VMLAB_CREATE_VM, 0) < 0)
			_exit(1);
		(void)!write(pipefd[1], "x", 1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	CHECK_EQ(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK_EQ(unload(), 0);
	CHECK_EQ(load(), 0);
}

static void cycles_leak_no_memory(void)
{
	long free0, slab0, free1, slab1;

	CHECK_EQ(unload(), 0);
	CHECK_EQ(cycle(), 0);	/* warm-up: caches and module loader state */
	settle();
	free0 = host_free_kb_with_pcp();
	slab0 = host_meminfo_kb("SUnreclaim");
	for (int i = 0; i < CYCLES; i++)
		CHECK_EQ(cycle(), 0);
	settle();
	free1 = host_free_kb_with_pcp();
	slab1 = host_meminfo_kb("SUnreclaim");
	printf("reload: %d cycles: free (with per-CPU lists) %+ld kB, SUnreclaim %+ld kB\n",
	       CYCLES, free1 - free0, slab1 - slab0);
	CHECK(free0 > 0 && free1 > 0);
	CHECK(free0 - free1 < MEMFREE_TOLERANCE_KB, "free memory fell by %ld kB", free0 - free1);
	CHECK(slab1 - slab0 < SLAB_TOLERANCE_KB, "SUnreclaim grew by %ld kB", slab1 - slab0);
	CHECK_EQ(load(), 0);
}

int main(void)
{
	check_prog = "reload";
	ko = getenv("VMLAB_KO");
	if (!ko) {
		printf("FAIL: reload: VMLAB_KO not set\n");
		return 1;
	}
	RUN(unload_is_refused_while_a_vm_is_open);
	RUN(killed_owner_leaves_nothing_behind);
	RUN(cycles_leak_no_memory);
	return check_done();
}
