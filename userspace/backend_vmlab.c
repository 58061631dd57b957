// SPDX-License-Identifier: GPL-2.0
/* The runner's backend over /dev/vmlab. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "backend.h"
#include "device.h"

static int vmlab_create_vm(struct vm *vm)
{
	vm->dev_fd = device_open(VMLAB_DEVICE_PATH);
	if (vm->dev_fd < 0)
		return -1;
	vm->vm_fd = ioctl(vm->dev_fd, VMLAB_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		fprintf(stderr, "vmlab: VMLAB_CREATE_VM: %s%s\n", strerror(errno),
			errno == EBUSY ? " (another hypervisor owns the CPU)" : "");
		close(vm->dev_fd);
		return -1;
	}
	return 0;
}

static void vmlab_destroy_vm(struct vm *vm)
{
	close(vm->vm_fd);
	close(vm->dev_fd);
}

static int vmlab_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa,
			    uint64_t size, void *host)
{
	struct vmlab_memory_region mr = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, VMLAB_SET_MEMORY_REGION, &mr) < 0) {
		if (errno == ENOMEM)
			fprintf(stderr, "vmlab: VMLAB_SET_MEMORY_REGION: %s (guest RAM is pinned and "
				"counts against RLIMIT_MEMLOCK: raise ulimit -l, or run with CAP_IPC_LOCK)\n",
				strerror(errno));
		else
			fprintf(stderr, "vmlab: VMLAB_SET_MEMORY_REGION: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int vmlab_setup_cpuid(struct vm *vm, struct vcpu *vcpu, uint32_t clear_ecx1,
			     uint32_t clear_edx1)
{
	size_t sz = sizeof(struct vmlab_cpuid) +
		    VMLAB_MAX_CPUID_ENTRIES * sizeof(struct vmlab_cpuid_entry);
	struct vmlab_cpuid *c = calloc(1, sz);
	int r = -1;

	(void)vcpu;
	if (!c)
		return -1;
	c->nent = VMLAB_MAX_CPUID_ENTRIES;
	if (ioctl(vm->vm_fd, VMLAB_GET_CPUID, c) < 0)
		goto out;
	for (uint32_t i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1) {
			c->entries[i].ecx &= ~clear_ecx1;
			c->entries[i].edx &= ~clear_edx1;
		}
	}
	r = ioctl(vm->vm_fd, VMLAB_SET_CPUID, c);
out:
	if (r < 0)
		fprintf(stderr, "vmlab: setting up CPUID: %s\n", strerror(errno));
	free(c);
	return r < 0 ? -1 : 0;
}

static int vmlab_create_vcpu(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->vm_fd, VMLAB_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		fprintf(stderr, "vmlab: VMLAB_CREATE_VCPU: %s\n", strerror(errno));
		return -1;
	}
	vcpu->run_size = 4096;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		fprintf(stderr, "vmlab: mmap of the run page: %s\n", strerror(errno));
		close(vcpu->fd);
		return -1;
	}
	vcpu->immediate_exit = &((struct vmlab_run *)vcpu->run)->immediate_exit;
	return 0;
}

static void vmlab_destroy_vcpu(struct vcpu *vcpu)
{
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
}

static int vmlab_get_regs(struct vcpu *vcpu, struct vmlab_regs *regs)
{
	return ioctl(vcpu->fd, VMLAB_GET_REGS, regs) < 0 ? -1 : 0;
}

static int vmlab_set_regs(struct vcpu *vcpu, const struct vmlab_regs *regs)
{
	return ioctl(vcpu->fd, VMLAB_SET_REGS, regs) < 0 ? -1 : 0;
}

static int vmlab_get_sregs(struct vcpu *vcpu, struct vmlab_sregs *sregs)
{
	return ioctl(vcpu->fd, VMLAB_GET_SREGS, sregs) < 0 ? -1 : 0;
}

static int vmlab_set_sregs(struct vcpu *vcpu, const struct vmlab_sregs *sregs)
{
	return ioctl(vcpu->fd, VMLAB_SET_SREGS, sregs) < 0 ? -1 : 0;
}

static void translate_exit(struct vmlab_run *run, struct vexit *e)
{
	e->raw = run->exit_reason;
	switch (run->exit_reason) {
	case VMLAB_EXIT_IO:
		e->reason = VEXIT_IO;
		e->io.in = run->io.direction == VMLAB_IO_IN;
		e->io.size = run->io.size;
		e->io.port = run->io.port;
		e->io.count = run->io.count;
		e->io.data = (uint8_t *)run + run->io.data_offset;
		break;
	case VMLAB_EXIT_MMIO:
		e->reason = VEXIT_MMIO;
		e->mmio.addr = run->mmio.phys_addr;
		e->mmio.data = run->mmio.data;
		e->mmio.len = run->mmio.len;
		e->mmio.write = run->mmio.is_write;
		break;
	case VMLAB_EXIT_HLT:
		e->reason = VEXIT_HLT;
		break;
	case VMLAB_EXIT_IRQ_WINDOW_OPEN:
		e->reason = VEXIT_IRQ_WINDOW;
		break;
	case VMLAB_EXIT_INTR:
		e->reason = VEXIT_INTR;
		break;
	case VMLAB_EXIT_SHUTDOWN:
		e->reason = VEXIT_SHUTDOWN;
		break;
	case VMLAB_EXIT_FAIL_ENTRY:
		e->reason = VEXIT_FAIL_ENTRY;
		e->detail = run->fail_entry.hardware_entry_failure_reason;
		break;
	case VMLAB_EXIT_INTERNAL_ERROR:
		e->reason = VEXIT_INTERNAL;
		e->detail = run->internal.suberror;
		break;
	default:
		e->reason = VEXIT_OTHER;
		e->detail = run->unhandled.exit_code;
		break;
	}
}

static int vmlab_run(struct vcpu *vcpu, struct vexit *exit)
{
	struct vmlab_run *run = vcpu->run;

	if (ioctl(vcpu->fd, VMLAB_RUN, 0) < 0) {
		if (errno != EINTR)
			return -1;
		exit->reason = VEXIT_INTR;
		exit->raw = VMLAB_EXIT_INTR;
		return 0;
	}
	translate_exit(run, exit);
	return 0;
}

static bool vmlab_ready_for_interrupt(struct vcpu *vcpu)
{
	return ((struct vmlab_run *)vcpu->run)->ready_for_interrupt_injection;
}

static bool vmlab_interrupts_enabled(struct vcpu *vcpu)
{
	return ((struct vmlab_run *)vcpu->run)->if_flag;
}

static void vmlab_request_interrupt_window(struct vcpu *vcpu, bool on)
{
	((struct vmlab_run *)vcpu->run)->request_interrupt_window = on;
}

static int vmlab_inject_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	struct vmlab_interrupt irq = { .irq = vector };

	return ioctl(vcpu->fd, VMLAB_INTERRUPT, &irq) < 0 ? -1 : 0;
}

const struct backend_ops backend_vmlab = {
	.name = "vmlab",
	.create_vm = vmlab_create_vm,
	.destroy_vm = vmlab_destroy_vm,
	.set_memory = vmlab_set_memory,
	.setup_cpuid = vmlab_setup_cpuid,
	.create_vcpu = vmlab_create_vcpu,
	.destroy_vcpu = vmlab_destroy_vcpu,
	.get_regs = vmlab_get_regs,
	.set_regs = vmlab_set_regs,
	.get_sregs = vmlab_get_sregs,
	.set_sregs = vmlab_set_sregs,
	.run = vmlab_run,
	.ready_for_interrupt = vmlab_ready_for_interrupt,
	.interrupts_enabled = vmlab_interrupts_enabled,
	.request_interrupt_window = vmlab_request_interrupt_window,
	.inject_interrupt = vmlab_inject_interrupt,
};

const char *vexit_name(enum vexit_reason reason)
{
	static const char *const names[VEXIT_NR] = {
		[VEXIT_IO] = "io", [VEXIT_MMIO] = "mmio", [VEXIT_HLT] = "hlt",
		[VEXIT_IRQ_WINDOW] = "irq-window-open", [VEXIT_INTR] = "intr",
		[VEXIT_SHUTDOWN] = "shutdown", [VEXIT_FAIL_ENTRY] = "fail-entry",
		[VEXIT_INTERNAL] = "internal-error", [VEXIT_OTHER] = "other",
	};

	return reason < VEXIT_NR ? names[reason] : "?";
}
