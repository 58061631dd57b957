/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Core-internal declarations: the VM and vCPU objects, the generic exit
 * description the backends produce, and the ops table through which the
 * core drives VMX or SVM without knowing which one it is.
 */
#ifndef _VMLAB_H
#define _VMLAB_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <uapi/vmlab.h>
#include "decode.h"

struct vmlab_vm;
struct vmlab_vcpu;
struct vmlab_cpuid_table;

/* Register numbers of vcpu->regs[]: the GPRs in encoding order, then RIP/RFLAGS. */
enum vmlab_reg {
	VMLAB_RAX, VMLAB_RCX, VMLAB_RDX, VMLAB_RBX,
	VMLAB_RSP, VMLAB_RBP, VMLAB_RSI, VMLAB_RDI,
	VMLAB_R8, VMLAB_R9, VMLAB_R10, VMLAB_R11,
	VMLAB_R12, VMLAB_R13, VMLAB_R14, VMLAB_R15,
	VMLAB_RIP, VMLAB_RFLAGS,
	VMLAB_NR_REGS
};

/*
 * What a backend found on a VM exit, in hardware-neutral terms.  The core
 * handles every kind but UNHANDLED; the backend fills only the fields
 * its kind needs.
 */
enum vmlab_exit_kind {
	VMLAB_EK_NONE,		/* handled by the backend: re-enter */
	VMLAB_EK_CPUID,
	VMLAB_EK_HLT,
	VMLAB_EK_IO,		/* port, size, in, string, rep, insn_len */
	VMLAB_EK_NPF,		/* gpa, write, fetch, present */
	VMLAB_EK_MSR_READ,	/* msr */
	VMLAB_EK_MSR_WRITE,	/* msr, value */
	VMLAB_EK_XSETBV,
	VMLAB_EK_SKIP,		/* an instruction with no effect here (WBINVD) */
	VMLAB_EK_SHUTDOWN,
	VMLAB_EK_IRQ_WINDOW,
	VMLAB_EK_EXTINT,	/* host interrupt or NMI: just re-enter */
	VMLAB_EK_FAIL_ENTRY,	/* hw_reason */
	VMLAB_EK_UNHANDLED,	/* raw words only */
};

struct vmlab_exit {
	enum vmlab_exit_kind kind;
	u32 insn_len;		/* 0 when the hardware did not say... */
	u8 opcode[3];		/* ...then the core finds it from these */
	u8 opcode_len;
	u64 raw_code;		/* the hardware's exit code, for statistics */
	u64 raw_info[4];
	union {
		struct {
			u16 port;
			u8 size;
			bool in, string, rep;
			u8 addr_size;	/* 2, 4, 8: rSI/rDI/rCX; 0: unknown */
			u8 seg;		/* OUTS segment, VMLAB_SEG_UNKNOWN: decode */
		} io;
		struct {
			u64 gpa;
			bool write, fetch, present;
			bool walk;		/* by the guest's page walk */
			bool vectoring;		/* while delivering an event */
			u8 insn_bytes[15];	/* from decode assists */
			u8 insn_count;		/* 0: fetch them ourselves */
		} npf;
		struct {
			u32 index;
			u64 value;
		} msr;
		u64 hw_reason;
	};
};

/* Segment numbers for get_segment(). */
enum vmlab_seg {
	VMLAB_SEG_ES, VMLAB_SEG_CS, VMLAB_SEG_SS, VMLAB_SEG_DS,
	VMLAB_SEG_FS, VMLAB_SEG_GS, VMLAB_SEG_TR, VMLAB_SEG_LDTR,
	VMLAB_SEG_UNKNOWN = 0xff,
};

/**
 * struct vmlab_backend_ops - what the core needs from VMX or SVM.
 *
 * The core never asks which backend it runs on; everything
 * backend-specific goes through this table.  "Hot" marks the calls made
 * on every exit: keep them cheap.
 *
 * @name:		"vmx" or "svm", for messages.
 * @probe:		check that the CPU can be used and fill @caps.  Returns
 *			-ENODEV when the extension is absent, another error
 *			with *@why set when it is present but unusable.  Must
 *			not change CPU state.
 * @cpu_area_order:	page order of the per-CPU area (VMXON region, host
 *			save areas).
 * @init_cpu_area:	prepare the zeroed per-CPU area; may be NULL.
 * @enable_cpu:		switch virtualization on for this CPU using its
 *			area; runs on that CPU with interrupts off.  -EBUSY
 *			when another hypervisor owns the CPU.
 * @disable_cpu:	undo @enable_cpu on this CPU, interrupts off.
 * @npt_table:		nested page-table entry pointing at a lower table.
 * @npt_leaf:		nested leaf entry for a 4 KiB page.
 * @setup/@teardown:	backend-wide state (permission maps...), at load.
 * @vcpu_create:	allocate backend state and reset the vCPU.
 * @vcpu_free:		free it.
 * @vcpu_load:		the vCPU thread now runs on @cpu (preemption off).
 * @vcpu_put:		it is leaving that CPU (preemption off).
 * @run:		(hot) enter the guest once, interrupts off, and
 *			describe the exit in @exit.
 * @cache_regs:		(hot) fill vcpu->regs[] entries the hardware keeps.
 * @get_sregs/@set_sregs: special registers, uapi layout.  set_sregs
 *			returns -EINVAL for a state the hardware would refuse.
 * @get_segment:	one segment's hidden part (string I/O, decoding).
 * @get_cpl:		(hot) current privilege level.
 * @get_cr4:		the guest's CR4 (CPUID reflects OSXSAVE from it).
 * @get_cr8:		the guest's TPR, for the run page.  Hot.
 * @get_msr/@set_msr:	MSRs that live in the VMCB/VMCS; -ENOENT if the
 *			backend does not own @index.
 * @interrupt_allowed:	the guest would take an external interrupt now.
 * @nmi_allowed:	the guest would take an NMI now.
 * @inject_irq/@inject_nmi/@inject_exception: deliver on next entry.
 * @enable_irq_window:	exit as soon as @interrupt_allowed becomes true.
 * @clear_interrupt_shadow: an emulated instruction completed: the STI or
 *			MOV SS shadow it sat in is over.
 * @flush_tlb:		drop the guest's cached translations on next entry.
 */
struct vmlab_backend_ops {
	const char *name;
	int (*probe)(struct vmlab_caps *caps, const char **why);
	unsigned int cpu_area_order;
	void (*init_cpu_area)(void *area);
	int (*enable_cpu)(void *area, phys_addr_t area_pa);
	void (*disable_cpu)(void);

	u64 (*npt_table)(phys_addr_t table);
	u64 (*npt_leaf)(phys_addr_t page, bool writable);

	int (*setup)(void);
	void (*teardown)(void);
	int (*vcpu_create)(struct vmlab_vcpu *vcpu);
	void (*vcpu_free)(struct vmlab_vcpu *vcpu);
	void (*vcpu_load)(struct vmlab_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct vmlab_vcpu *vcpu);
	void (*run)(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit);
	void (*cache_regs)(struct vmlab_vcpu *vcpu);
	void (*get_sregs)(struct vmlab_vcpu *vcpu, struct vmlab_sregs *sregs);
	int (*set_sregs)(struct vmlab_vcpu *vcpu, const struct vmlab_sregs *sregs);
	void (*get_segment)(struct vmlab_vcpu *vcpu, enum vmlab_seg seg,
			    struct vmlab_segment *out);
	int (*get_cpl)(struct vmlab_vcpu *vcpu);
	u64 (*get_cr4)(struct vmlab_vcpu *vcpu);
	u64 (*get_cr8)(struct vmlab_vcpu *vcpu);
	int (*get_msr)(struct vmlab_vcpu *vcpu, u32 index, u64 *value);
	int (*set_msr)(struct vmlab_vcpu *vcpu, u32 index, u64 value);
	bool (*interrupt_allowed)(struct vmlab_vcpu *vcpu);
	bool (*nmi_allowed)(struct vmlab_vcpu *vcpu);
	void (*inject_irq)(struct vmlab_vcpu *vcpu, u8 vector);
	void (*inject_nmi)(struct vmlab_vcpu *vcpu);
	void (*inject_exception)(struct vmlab_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error, u64 cr2);
	void (*enable_irq_window)(struct vmlab_vcpu *vcpu, bool enable);
	void (*clear_interrupt_shadow)(struct vmlab_vcpu *vcpu);
	void (*flush_tlb)(struct vmlab_vcpu *vcpu);
};

extern const struct vmlab_backend_ops vmlab_svm_ops;
extern const struct vmlab_backend_ops vmlab_vmx_ops;

/* The backend chosen at load time and what it reported. */
extern const struct vmlab_backend_ops *vmlab_ops;
extern struct vmlab_caps vmlab_caps;

/* A guest memory slot: userspace pages, pinned for the slot's life. */
struct vmlab_slot {
	u32 id;
	u32 flags;
	u64 gpa;
	u64 size;
	u64 uaddr;
	unsigned long npages;
	struct page **pages;
	struct mm_struct *mm;	/* charged for the pinned pages */
};

/* Nested page tables (EPT or NPT) of a VM. */
struct vmlab_npt {
	struct page *root;
	unsigned int levels;
	struct list_head tables;	/* every table page, for teardown */
	unsigned long nr_tables;
};

struct vmlab_vm {
	struct kref ref;		/* the VM fd and every vCPU fd */
	struct mutex lock;		/* vCPU creation, CPUID table */
	/*
	 * Slots and nested tables: written under the write side, read by
	 * vCPU threads that touch guest memory on an exit.
	 */
	struct rw_semaphore mem_lock;
	struct vmlab_slot *slots[VMLAB_MAX_MEM_SLOTS];
	struct vmlab_npt npt;
	atomic_t tlb_gen;		/* bumped when a mapping goes away */

	struct vmlab_vcpu *vcpus[VMLAB_MAX_VCPUS];
	struct vmlab_cpuid_table __rcu *cpuid;
};

struct vmlab_vcpu {
	struct vmlab_vm *vm;
	u32 id;
	struct mutex lock;		/* one ioctl at a time */
	struct vmlab_run *run;		/* the shared page */

	u64 regs[VMLAB_NR_REGS];
	u32 regs_avail;			/* regs[] entries that are current */
	u32 regs_dirty;			/* regs[] entries the hardware needs back */

	struct fpu_guest fpu;
	u64 xcr0;
	u32 pkru;
	u64 apic_base;
	/* MSRs the core emulates without hardware backing (msr.c). */
	u64 msr_misc_enable;
	u64 msr_mtrr_def_type;
	u64 msr_spec_ctrl;

	/* Events userspace queued, delivered when the guest can take them. */
	bool irq_pending;
	u8 irq_vector;
	bool nmi_pending;

	/* An exit half done: userspace supplies the data, RUN completes it. */
	enum {
		VMLAB_PENDING_NONE,
		VMLAB_PENDING_PIO_IN,
		VMLAB_PENDING_MMIO_READ,
	} pending;
	struct vmlab_pending_io {
		u64 next_rip;		/* where the guest goes on completion */
		u8 size;		/* element or access size */
		bool string;		/* INS: elements go to ES:rDI */
		bool rep;
		u8 addr_size;
		u32 count;		/* string elements in this round */
	} io;
	struct vmlab_pending_mmio {
		struct vmlab_mmio_insn insn;
		u64 gpa;
		u64 next_rip;
	} mmio;
	bool npf_retried;		/* a RAM fault was retried... */
	int npf_gen;			/* ...at this vm->tlb_gen */

	int last_cpu;
	int tlb_gen;
	void *arch;			/* backend state */
};

static inline u64 vmlab_reg(struct vmlab_vcpu *vcpu, enum vmlab_reg r)
{
	if (!(vcpu->regs_avail & BIT(r)))
		vmlab_ops->cache_regs(vcpu);
	return vcpu->regs[r];
}

static inline void vmlab_set_reg(struct vmlab_vcpu *vcpu, enum vmlab_reg r, u64 v)
{
	vcpu->regs[r] = v;
	vcpu->regs_avail |= BIT(r);
	vcpu->regs_dirty |= BIT(r);
}

/* Completes an emulated instruction at @rip: out of any STI/MOV SS shadow too. */
static inline void vmlab_finish_insn_at(struct vmlab_vcpu *vcpu, u64 rip)
{
	vmlab_set_reg(vcpu, VMLAB_RIP, rip);
	vmlab_ops->clear_interrupt_shadow(vcpu);
}

/* Completes an emulated instruction: past it, and out of any STI/MOV SS shadow. */
static inline void vmlab_skip_insn(struct vmlab_vcpu *vcpu, u32 len)
{
	vmlab_set_reg(vcpu, VMLAB_RIP, vmlab_reg(vcpu, VMLAB_RIP) + len);
	vmlab_ops->clear_interrupt_shadow(vcpu);
}

/* hw.c: reference-counted virtualization on all online CPUs. */
int vmlab_hw_init(void);
void vmlab_hw_exit(void);
int vmlab_hw_get(void);
void vmlab_hw_put(void);
void *vmlab_cpu_area(int cpu);
bool vmlab_hw_this_cpu_on(void);

/* dev.c: the /dev/vmlab misc device. */
int vmlab_dev_init(void);
void vmlab_dev_exit(void);

/* vm.c */
int vmlab_vm_create(unsigned long flags);
void vmlab_vm_get(struct vmlab_vm *vm);
void vmlab_vm_put(struct vmlab_vm *vm);

/* memslot.c */
int vmlab_set_memory_region(struct vmlab_vm *vm, const struct vmlab_memory_region *mr);
void vmlab_free_slots(struct vmlab_vm *vm);
struct vmlab_slot *vmlab_find_slot(struct vmlab_vm *vm, u64 gpa);
int vmlab_read_guest(struct vmlab_vm *vm, u64 gpa, void *buf, unsigned long len);
int vmlab_write_guest(struct vmlab_vm *vm, u64 gpa, const void *buf, unsigned long len);

/* npt.c */
int vmlab_npt_init(struct vmlab_npt *npt);
void vmlab_npt_free(struct vmlab_npt *npt);
int vmlab_npt_map(struct vmlab_npt *npt, u64 gpa, struct page *page, bool writable);
void vmlab_npt_unmap(struct vmlab_npt *npt, u64 gpa);

/* cpuid.c */
int vmlab_cpuid_init_default(struct vmlab_vm *vm);
void vmlab_cpuid_free(struct vmlab_vm *vm);
u64 vmlab_guest_supported_xcr0(void);
int vmlab_cpuid_set(struct vmlab_vm *vm, const struct vmlab_cpuid __user *arg);
int vmlab_cpuid_get(struct vmlab_vm *vm, struct vmlab_cpuid __user *arg);
void vmlab_emulate_cpuid(struct vmlab_vcpu *vcpu);

/* vcpu.c */
int vmlab_vcpu_create(struct vmlab_vm *vm, unsigned long id);

/* exit.c: the core's exit handlers.  >0: re-enter, 0: to userspace. */
int vmlab_handle_exit(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit);
int vmlab_complete_userspace_io(struct vmlab_vcpu *vcpu);

/* msr.c */
int vmlab_get_msr(struct vmlab_vcpu *vcpu, u32 index, u64 *value);
int vmlab_set_msr(struct vmlab_vcpu *vcpu, u32 index, u64 value);

/* pio.c and mmio.c */
int vmlab_handle_io(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit);
int vmlab_complete_io(struct vmlab_vcpu *vcpu);
int vmlab_handle_npf(struct vmlab_vcpu *vcpu, struct vmlab_exit *exit);
int vmlab_complete_mmio(struct vmlab_vcpu *vcpu);

/*
 * guest.c: guest-virtual memory for the emulation paths.  They return
 * 0, VMLAB_GVA_FAULTED when the guest got an exception instead (so the
 * caller just re-enters), or -EFAULT when guest RAM does not back the
 * access (an internal error for userspace).
 */
#define VMLAB_GVA_FAULTED	1
#define VMLAB_ACCESS_WRITE	BIT(1)
#define VMLAB_ACCESS_FETCH	BIT(4)
int vmlab_read_guest_virt(struct vmlab_vcpu *vcpu, u64 gva, void *buf,
			  unsigned int len, u32 access);
int vmlab_write_guest_virt(struct vmlab_vcpu *vcpu, u64 gva, const void *buf,
			   unsigned int len);
int vmlab_check_guest_virt(struct vmlab_vcpu *vcpu, u64 gva, unsigned int len,
			   u32 access);
u64 vmlab_seg_base(struct vmlab_vcpu *vcpu, enum vmlab_seg seg);
unsigned int vmlab_skip_prefixes(const u8 *bytes, unsigned int n, bool long_mode,
				 int *seg);
bool vmlab_in_long_mode(struct vmlab_vcpu *vcpu);
int vmlab_internal_error(struct vmlab_vcpu *vcpu, u32 suberror, u64 d0, u64 d1);

#endif /* _VMLAB_H */
