// SPDX-License-Identifier: GPL-2.0
/*
 * The runner's backend over upstream /dev/kvm, in userspace-irqchip mode
 * (no in-kernel PIC, PIT or APIC), so that it handles the same exits with
 * the same device code as the vmlab backend.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "backend.h"

#define KVM_PATH	"/dev/kvm"
/* Where KVM may put the TSS it needs to run real mode on VMX without UG. */
#define KVM_TSS_ADDR	0xfffbd000

static int kvm_create_vm(struct vm *vm)
{
	vm->dev_fd = open(KVM_PATH, O_RDWR | O_CLOEXEC);
	if (vm->dev_fd < 0) {
		fprintf(stderr, "vmlab: cannot open %s: %s (is kvm loaded?)\n",
			KVM_PATH, strerror(errno));
		return -1;
	}
	if (ioctl(vm->dev_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "vmlab: %s speaks an unexpected API version\n", KVM_PATH);
		close(vm->dev_fd);
		return -1;
	}
	vm->vm_fd = ioctl(vm->dev_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		fprintf(stderr, "vmlab: KVM_CREATE_VM: %s\n", strerror(errno));
		close(vm->dev_fd);
		return -1;
	}
	/* Only Intel needs it; elsewhere the call fails harmlessly. */
	ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR);
	return 0;
}

static void kvm_destroy_vm(struct vm *vm)
{
	close(vm->vm_fd);
	close(vm->dev_fd);
}

static int kvm_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa,
			  uint64_t size, void *host)
{
	struct kvm_userspace_memory_region mr = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
		fprintf(stderr, "vmlab: KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int kvm_setup_cpuid(struct vm *vm, struct vcpu *vcpu, uint32_t clear_ecx1,
			   uint32_t clear_edx1)
{
	const unsigned int max = 256;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + max * sizeof(c->entries[0]));
	int r = -1;

	if (!c)
		return -1;
	c->nent = max;
	if (ioctl(vm->dev_fd, KVM_GET_SUPPORTED_CPUID, c) < 0)
		goto out;
	for (uint32_t i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1) {
			c->entries[i].ecx &= ~clear_ecx1;
			c->entries[i].edx &= ~clear_edx1;
			c->entries[i].ecx |= 1u << 31;	/* hypervisor, as vmlab */
		}
	}
	r = ioctl(vcpu->fd, KVM_SET_CPUID2, c);
out:
	if (r < 0)
		fprintf(stderr, "vmlab: setting up KVM CPUID: %s\n", strerror(errno));
	free(c);
	return r < 0 ? -1 : 0;
}

static int kvm_create_vcpu(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	int size = ioctl(vm->dev_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0 || size <= 0) {
		fprintf(stderr, "vmlab: KVM_CREATE_VCPU: %s\n", strerror(errno));
		return -1;
	}
	vcpu->run_size = size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		fprintf(stderr, "vmlab: mmap of the KVM run area: %s\n", strerror(errno));
		close(vcpu->fd);
		return -1;
	}
	vcpu->immediate_exit = &((struct kvm_run *)vcpu->run)->immediate_exit;
	return 0;
}

static void kvm_destroy_vcpu(struct vcpu *vcpu)
{
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
}

static int kvm_get_regs(struct vcpu *vcpu, struct vmlab_regs *r)
{
	struct kvm_regs k;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &k) < 0)
		return -1;
	*r = (struct vmlab_regs) {
		.rax = k.rax, .rbx = k.rbx, .rcx = k.rcx, .rdx = k.rdx,
		.rsi = k.rsi, .rdi = k.rdi, .rsp = k.rsp, .rbp = k.rbp,
		.r8 = k.r8, .r9 = k.r9, .r10 = k.r10, .r11 = k.r11,
		.r12 = k.r12, .r13 = k.r13, .r14 = k.r14, .r15 = k.r15,
		.rip = k.rip, .rflags = k.rflags,
	};
	return 0;
}

static int kvm_set_regs(struct vcpu *vcpu, const struct vmlab_regs *r)
{
	struct kvm_regs k = {
		.rax = r->rax, .rbx = r->rbx, .rcx = r->rcx, .rdx = r->rdx,
		.rsi = r->rsi, .rdi = r->rdi, .rsp = r->rsp, .rbp = r->rbp,
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rip = r->rip, .rflags = r->rflags,
	};

	return ioctl(vcpu->fd, KVM_SET_REGS, &k) < 0 ? -1 : 0;
}

static void seg_from_kvm(const struct kvm_segment *k, struct vmlab_segment *s)
{
	*s = (struct vmlab_segment) {
		.base = k->base, .limit = k->limit, .selector = k->selector,
		.type = k->type, .present = k->present, .dpl = k->dpl,
		.db = k->db, .s = k->s, .l = k->l, .g = k->g, .avl = k->avl,
		.unusable = k->unusable,
	};
}

static void seg_to_kvm(const struct vmlab_segment *s, struct kvm_segment *k)
{
	*k = (struct kvm_segment) {
		.base = s->base, .limit = s->limit, .selector = s->selector,
		.type = s->type, .present = s->present, .dpl = s->dpl,
		.db = s->db, .s = s->s, .l = s->l, .g = s->g, .avl = s->avl,
		.unusable = s->unusable,
	};
}

static int kvm_get_sregs(struct vcpu *vcpu, struct vmlab_sregs *s)
{
	struct kvm_sregs k;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &k) < 0)
		return -1;
	memset(s, 0, sizeof(*s));
	seg_from_kvm(&k.cs, &s->cs);
	seg_from_kvm(&k.ds, &s->ds);
	seg_from_kvm(&k.es, &s->es);
	seg_from_kvm(&k.fs, &s->fs);
	seg_from_kvm(&k.gs, &s->gs);
	seg_from_kvm(&k.ss, &s->ss);
	seg_from_kvm(&k.tr, &s->tr);
	seg_from_kvm(&k.ldt, &s->ldt);
	s->gdt.base = k.gdt.base;
	s->gdt.limit = k.gdt.limit;
	s->idt.base = k.idt.base;
	s->idt.limit = k.idt.limit;
	s->cr0 = k.cr0;
	s->cr2 = k.cr2;
	s->cr3 = k.cr3;
	s->cr4 = k.cr4;
	s->cr8 = k.cr8;
	s->efer = k.efer;
	s->apic_base = k.apic_base;
	return 0;
}

static int kvm_set_sregs(struct vcpu *vcpu, const struct vmlab_sregs *s)
{
	struct kvm_sregs k;

	/* Start from KVM's own view: it has fields vmlab does not. */
	if (ioctl(vcpu->fd, KVM_GET_SREGS, &k) < 0)
		return -1;
	seg_to_kvm(&s->cs, &k.cs);
	seg_to_kvm(&s->ds, &k.ds);
	seg_to_kvm(&s->es, &k.es);
	seg_to_kvm(&s->fs, &k.fs);
	seg_to_kvm(&s->gs, &k.gs);
	seg_to_kvm(&s->ss, &k.ss);
	seg_to_kvm(&s->tr, &k.tr);
	seg_to_kvm(&s->ldt, &k.ldt);
	k.gdt.base = s->gdt.base;
	k.gdt.limit = s->gdt.limit;
	k.idt.base = s->idt.base;
	k.idt.limit = s->idt.limit;
	k.cr0 = s->cr0;
	k.cr2 = s->cr2;
	k.cr3 = s->cr3;
	k.cr4 = s->cr4;
	k.cr8 = s->cr8;
	k.efer = s->efer;
	k.apic_base = s->apic_base;
	return ioctl(vcpu->fd, KVM_SET_SREGS, &k) < 0 ? -1 : 0;
}

static void translate_exit(struct kvm_run *run, struct vexit *e)
{
	e->raw = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		e->reason = VEXIT_IO;
		e->io.in = run->io.direction == KVM_EXIT_IO_IN;
		e->io.size = run->io.size;
		e->io.port = run->io.port;
		e->io.count = run->io.count;
		e->io.data = (uint8_t *)run + run->io.data_offset;
		break;
	case KVM_EXIT_MMIO:
		e->reason = VEXIT_MMIO;
		e->mmio.addr = run->mmio.phys_addr;
		e->mmio.data = run->mmio.data;
		e->mmio.len = run->mmio.len;
		e->mmio.write = run->mmio.is_write;
		break;
	case KVM_EXIT_HLT:
		e->reason = VEXIT_HLT;
		break;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		e->reason = VEXIT_IRQ_WINDOW;
		break;
	case KVM_EXIT_INTR:
		e->reason = VEXIT_INTR;
		break;
	case KVM_EXIT_SHUTDOWN:
		e->reason = VEXIT_SHUTDOWN;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		e->reason = VEXIT_FAIL_ENTRY;
		e->detail = run->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		e->reason = VEXIT_INTERNAL;
		e->detail = run->internal.suberror;
		break;
	default:
		e->reason = VEXIT_OTHER;
		e->detail = run->exit_reason;
		break;
	}
}

static int kvm_run(struct vcpu *vcpu, struct vexit *exit)
{
	if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR)
			return -1;
		exit->reason = VEXIT_INTR;
		exit->raw = KVM_EXIT_INTR;
		return 0;
	}
	translate_exit(vcpu->run, exit);
	return 0;
}

static bool kvm_ready_for_interrupt(struct vcpu *vcpu)
{
	return ((struct kvm_run *)vcpu->run)->ready_for_interrupt_injection;
}

static bool kvm_interrupts_enabled(struct vcpu *vcpu)
{
	return ((struct kvm_run *)vcpu->run)->if_flag;
}

static void kvm_request_interrupt_window(struct vcpu *vcpu, bool on)
{
	((struct kvm_run *)vcpu->run)->request_interrupt_window = on;
}

static int kvm_inject_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	struct kvm_interrupt irq = { .irq = vector };

	return ioctl(vcpu->fd, KVM_INTERRUPT, &irq) < 0 ? -1 : 0;
}

const struct backend_ops backend_kvm = {
	.name = "kvm",
	.create_vm = kvm_create_vm,
	.destroy_vm = kvm_destroy_vm,
	.set_memory = kvm_set_memory,
	.setup_cpuid = kvm_setup_cpuid,
	.create_vcpu = kvm_create_vcpu,
	.destroy_vcpu = kvm_destroy_vcpu,
	.get_regs = kvm_get_regs,
	.set_regs = kvm_set_regs,
	.get_sregs = kvm_get_sregs,
	.set_sregs = kvm_set_sregs,
	.run = kvm_run,
	.ready_for_interrupt = kvm_ready_for_interrupt,
	.interrupts_enabled = kvm_interrupts_enabled,
	.request_interrupt_window = kvm_request_interrupt_window,
	.inject_interrupt = kvm_inject_interrupt,
};
