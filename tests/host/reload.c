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
 * Tolerances for 20 cycles, in kB.  One cycle allocates at least 56 kB
 * that must come back (per-CPU areas, permission maps, nested-table root,
 * CPUID table), so leaking any one of them (>= 4 kB a cycle, 80 kB in
 * all) shows above these; below them is the noise seen in the emulated
 * host once per-CPU free lists are counted (a few pages).
 */
#define MEMFREE_TOLERANCE_KB	64
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

/* Loads the module, creates and closes a VM, unloads: one full cycle. */
static int cycle(void)
{
	int dev, vm;

	if (load())
		return -1;
	dev = host_open_dev();
	vm = dev >= 0 ? ioctl(dev, VMLAB_CREATE_VM, 0) : -1;
	if (vm >= 0)
		close(vm);
	if (dev >= 0)
		close(dev);
	if (unload() || vm < 0)
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
