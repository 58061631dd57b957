/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the runner needs from a hypervisor, implemented twice: over
 * /dev/vmlab (backend_vmlab.c) and over upstream /dev/kvm in its
 * userspace-irqchip mode (backend_kvm.c), so the same device code runs on
 * both and the two can be compared like for like.  Registers use the
 * vmlab ABI's structures as the common format.
 */
#ifndef VMLAB_BACKEND_H
#define VMLAB_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <uapi/vmlab.h>

/* A run's outcome, in the backend-neutral terms the runner acts on. */
enum vexit_reason {
	VEXIT_IO,
	VEXIT_MMIO,
	VEXIT_HLT,
	VEXIT_IRQ_WINDOW,
	VEXIT_INTR,		/* a signal interrupted RUN */
	VEXIT_SHUTDOWN,
	VEXIT_FAIL_ENTRY,
	VEXIT_INTERNAL,
	VEXIT_OTHER,		/* anything else: raw reason in @raw */
	VEXIT_NR
};

struct vexit {
	enum vexit_reason reason;
	uint32_t raw;		/* the backend's own exit reason number */
	union {
		struct {
			bool in;
			uint8_t size;
			uint16_t port;
			uint32_t count;
			uint8_t *data;	/* count * size bytes in the run page */
		} io;
		struct {
			uint64_t addr;
			uint8_t *data;	/* 8 bytes in the run page */
			uint32_t len;
			bool write;
		} mmio;
		uint64_t detail;	/* fail-entry reason, internal sub-reason */
	};
};

struct vm;
struct vcpu;

struct backend_ops {
	const char *name;
	/* Opens the device and creates a VM; -1 with a message on failure. */
	int (*create_vm)(struct vm *vm);
	void (*destroy_vm)(struct vm *vm);
	int (*set_memory)(struct vm *vm, uint32_t slot, uint64_t gpa,
			  uint64_t size, void *host);
	/* Installs the default CPUID table minus @clear_ecx1/@clear_edx1 bits of leaf 1. */
	int (*setup_cpuid)(struct vm *vm, struct vcpu *vcpu, uint32_t clear_ecx1,
			   uint32_t clear_edx1);
	int (*create_vcpu)(struct vm *vm, struct vcpu *vcpu, unsigned int id);
	void (*destroy_vcpu)(struct vcpu *vcpu);
	int (*get_regs)(struct vcpu *vcpu, struct vmlab_regs *regs);
	int (*set_regs)(struct vcpu *vcpu, const struct vmlab_regs *regs);
	int (*get_sregs)(struct vcpu *vcpu, struct vmlab_sregs *sregs);
	int (*set_sregs)(struct vcpu *vcpu, const struct vmlab_sregs *sregs);
	/* Runs until an exit; fills @exit.  -1 only on a real error. */
	int (*run)(struct vcpu *vcpu, struct vexit *exit);
	bool (*ready_for_interrupt)(struct vcpu *vcpu);
	/* The guest's RFLAGS.IF at the last exit. */
	bool (*interrupts_enabled)(struct vcpu *vcpu);
	void (*request_interrupt_window)(struct vcpu *vcpu, bool on);
	int (*inject_interrupt)(struct vcpu *vcpu, uint8_t vector);
};

extern const struct backend_ops backend_vmlab;
extern const struct backend_ops backend_kvm;

struct vm {
	const struct backend_ops *ops;
	int dev_fd;
	int vm_fd;
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	void *run;		/* the mapped run page (vmlab or KVM layout) */
	size_t run_size;
	/*
	 * The run page's immediate_exit byte: set from a signal handler, it
	 * makes the next RUN return at once, so a kick that lands just before
	 * RUN is entered is not lost.
	 */
	volatile uint8_t *immediate_exit;
};

/* Names of the neutral exit reasons, for the exit summary. */
const char *vexit_name(enum vexit_reason reason);

#endif
