// SPDX-License-Identifier: GPL-2.0
/*
 * Virtualization is on exactly while a VM exists, on every online CPU,
 * including CPUs that come and go; it is off again afterwards, so that
 * upstream KVM can take the CPU.  Checked two independent ways: the SVM
 * MSRs read through the msr driver, and KVM's own refusal (-EBUSY) to
 * create a VM while vmlab owns the CPU (and ours while KVM does).
 */
#include <dirent.h>
#include <linux/kvm.h>
#include "host.h"

#define MSR_EFER	0xc0000080
#define EFER_SVME	(1ULL << 12)
#define MSR_VM_HSAVE_PA	0xc0010117

static int dev = -1;
static int have_msr;

/* 1 if SVM is on for @cpu, 0 if off, -1 if unreadable. */
static int svm_on(int cpu)
{
	uint64_t efer, hsave;

	if (host_rdmsr(cpu, MSR_EFER, &efer) || host_rdmsr(cpu, MSR_VM_HSAVE_PA, &hsave))
		return -1;
	if (!!(efer & EFER_SVME) != !!hsave)
		return -2;	/* half on: always a bug */
	return !!(efer & EFER_SVME);
}

static void check_all_cpus(int want)
{
	int n = host_online_cpus();

	for (int cpu = 0; cpu < n; cpu++)
		CHECK_EQ(svm_on(cpu), want);
}

static void load_msr_driver(void)
{
	have_msr = host_is_svm() &&
		   (access("/dev/cpu/0/msr", R_OK) == 0 ||
		    host_sh("insmod /lib/kvm/msr.ko 2>/dev/null || insmod /extra/msr.ko 2>/dev/null") == 0) &&
		   access("/dev/cpu/0/msr", R_OK) == 0;
}

static void svm_is_on_exactly_while_a_vm_exists(void)
{
	int vm1, vm2;

	if (!have_msr) {
		check_skip("needs SVM and the msr driver");
		return;
	}
	check_all_cpus(0);
	vm1 = ioctl(dev, VMLAB_CREATE_VM, 0);
	CHECK(vm1 >= 0, "create: %s", strerror(errno));
	check_all_cpus(1);
	vm2 = ioctl(dev, VMLAB_CREATE_VM, 0);
	CHECK(vm2 >= 0, "create: %s", strerror(errno));
	close(vm1);
	check_all_cpus(1);	/* vm2 still holds it */
	close(vm2);
	check_all_cpus(0);
}

static void hotplugged_cpus_follow_the_vm_state(void)
{
	int vm;

	if (!have_msr) {
		check_skip("needs SVM and the msr driver");
		return;
	}
	if (host_online_cpus() < 2) {
		check_skip("needs two CPUs");
		return;
	}
	vm = ioctl(dev, VMLAB_CREATE_VM, 0);
	CHECK(vm >= 0, "create: %s", strerror(errno));
	CHECK_EQ(host_set_cpu_online(1, 0), 0);
	CHECK_EQ(svm_on(0), 1);
	CHECK_EQ(host_set_cpu_online(1, 1), 0);
	CHECK_EQ(svm_on(1), 1);
	/* Off while offline, the VM closing meanwhile: comes back off. */
	CHECK_EQ(host_set_cpu_online(1, 0), 0);
	close(vm);
	CHECK_EQ(host_set_cpu_online(1, 1), 0);
	check_all_cpus(0);
	/* A VM created while a CPU is offline: the CPU comes back on. */
	CHECK_EQ(host_set_cpu_online(1, 0), 0);
	vm = ioctl(dev, VMLAB_CREATE_VM, 0);
	CHECK(vm >= 0, "create: %s", strerror(errno));
	CHECK_EQ(host_set_cpu_online(1, 1), 0);
	check_all_cpus(1);
	close(vm);
	check_all_cpus(0);
}

static void kvm_and_vmlab_take_turns(void)
{
	int kvm, kvm_vm, vm;

	if (host_sh("load-kvm >/dev/null 2>&1") != 0) {
		check_fail(__FILE__, __LINE__, "load-kvm failed");
		return;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	CHECK(kvm >= 0, "open /dev/kvm: %s", strerror(errno));

	vm = ioctl(dev, VMLAB_CREATE_VM, 0);
	CHECK(vm >= 0, "create: %s", strerror(errno));
	CHECK_ERRNO(ioctl(kvm, KVM_CREATE_VM, 0), EBUSY);
	close(vm);

	kvm_vm = ioctl(kvm, KVM_CREATE_VM, 0);
	CHECK(kvm_vm >= 0, "KVM_CREATE_VM after vmlab let go: %s", strerror(errno));
	CHECK_ERRNO(ioctl(dev, VMLAB_CREATE_VM, 0), EBUSY);
	if (have_msr)
		check_all_cpus(1);	/* KVM's, untouched by our failed attempt */
	close(kvm_vm);

	vm = ioctl(dev, VMLAB_CREATE_VM, 0);
	CHECK(vm >= 0, "create after KVM let go: %s", strerror(errno));
	close(vm);
	close(kvm);
	CHECK_EQ(host_sh("unload-kvm >/dev/null 2>&1"), 0);
}

int main(void)
{
	check_prog = "hw_enable";
	dev = host_open_dev();
	if (dev < 0) {
		printf("FAIL: hw_enable: open /dev/vmlab: %s\n", strerror(errno));
		return 1;
	}
	load_msr_driver();
	RUN(svm_is_on_exactly_while_a_vm_exists);
	RUN(hotplugged_cpus_follow_the_vm_state);
	RUN(kvm_and_vmlab_take_turns);
	close(dev);
	return check_done();
}
