/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmlab userspace ABI: the ioctls on /dev/vmlab and on the file
 * descriptors it hands out.  Shared verbatim by the kernel module and the
 * userspace tools, so it uses fixed-width types only and no padding that
 * the compiler could choose differently for 32- and 64-bit callers.
 *
 * Versioning: VMLAB_API_VERSION changes whenever an existing ioctl or
 * structure changes incompatibly.  New ioctls and new feature bits are
 * additions and do not change it; callers discover them through
 * VMLAB_GET_CAPS.
 */
#ifndef _UAPI_VMLAB_H
#define _UAPI_VMLAB_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include "vmlab_exits.h"

#define VMLAB_API_VERSION	1

/* ioctl "type" byte: 0xAF is not used by KVM (0xAE), so both can coexist. */
#define VMLAB_IO		0xAF

/* Backends (vmlab_caps.backend). */
#define VMLAB_BACKEND_VMX	1	/* Intel VT-x */
#define VMLAB_BACKEND_SVM	2	/* AMD-V */

/*
 * Feature bits (vmlab_caps.features).  A bit is set only when the CPU
 * offers the feature *and* the module uses it.
 */
#define VMLAB_FEAT_NESTED_PAGING	(1ULL << 0)  /* EPT or NPT */
#define VMLAB_FEAT_UNRESTRICTED_GUEST	(1ULL << 1)  /* real mode w/o emulation */
#define VMLAB_FEAT_TAGGED_TLB		(1ULL << 2)  /* VPID or ASIDs */
#define VMLAB_FEAT_NRIP_SAVE		(1ULL << 3)  /* SVM: next RIP on exit */
#define VMLAB_FEAT_DECODE_ASSISTS	(1ULL << 4)  /* SVM: insn bytes/decode */
#define VMLAB_FEAT_VMCB_CLEAN		(1ULL << 5)  /* SVM: VMCB clean bits */
#define VMLAB_FEAT_FLUSH_BY_ASID	(1ULL << 6)  /* SVM: TLB_CONTROL=3 */
#define VMLAB_FEAT_EPT_AD		(1ULL << 7)  /* VMX: EPT accessed/dirty */
#define VMLAB_FEAT_EPT_HUGE_2M		(1ULL << 8)  /* 2 MiB nested pages */
#define VMLAB_FEAT_EPT_HUGE_1G		(1ULL << 9)  /* 1 GiB nested pages */
#define VMLAB_FEAT_TRUE_CTLS		(1ULL << 10) /* VMX: TRUE_*_CTLS MSRs */
#define VMLAB_FEAT_HOST_LA57		(1ULL << 11) /* host uses 5-level paging */
#define VMLAB_FEAT_NR			12

/* Indices into vmlab_caps.raw[]: the CPU's own words, for researchers. */
#define VMLAB_CAPS_RAW_SVM_CPUID_EDX	0  /* CPUID 0x8000000A EDX */
#define VMLAB_CAPS_RAW_SVM_CPUID_EAX	1  /* CPUID 0x8000000A EAX (revision) */
#define VMLAB_CAPS_RAW_VMX_BASIC	0  /* IA32_VMX_BASIC */
#define VMLAB_CAPS_RAW_VMX_PROCBASED2	1  /* IA32_VMX_PROCBASED_CTLS2 */
#define VMLAB_CAPS_RAW_VMX_EPT_VPID	2  /* IA32_VMX_EPT_VPID_CAP */
#define VMLAB_CAPS_RAW_VMX_MISC		3  /* IA32_VMX_MISC */
/* The VMX controls vmlab runs guests with (optional ones the CPU lacks are 0). */
#define VMLAB_CAPS_RAW_VMX_PIN_PROC	4  /* pin-based | primary proc-based << 32 */
#define VMLAB_CAPS_RAW_VMX_PROC2	5  /* secondary proc-based */
#define VMLAB_CAPS_RAW_VMX_EXIT_ENTRY	6  /* VM-exit | VM-entry << 32 */
#define VMLAB_CAPS_RAW_NR		8

/*
 * struct vmlab_caps - what VMLAB_GET_CAPS reports.
 * @size:	sizeof(struct vmlab_caps) as the module knows it.
 * @backend:	VMLAB_BACKEND_VMX or VMLAB_BACKEND_SVM.
 * @features:	VMLAB_FEAT_* bits.
 * @paging_levels: levels of the EPT/NPT tables the module builds (4 or
 *		5).  On SVM this follows the host's paging mode (the nested
 *		walk uses it); on VMX it is 5 only when guest-physical
 *		addresses need more than 48 bits and the CPU offers it.
 * @paging_levels_mask: bit N set when N-level nested tables are possible.
 * @tlb_tags:	usable ASIDs (SVM) or VPIDs (VMX), 0 when untagged.
 * @phys_bits:	host physical-address width.
 * @raw:	backend-specific raw capability words, see VMLAB_CAPS_RAW_*.
 * @reserved:	zero.
 */
struct vmlab_caps {
	__u32 size;
	__u32 backend;
	__u64 features;
	__u32 paging_levels;
	__u32 paging_levels_mask;
	__u32 tlb_tags;
	__u32 phys_bits;
	__u64 raw[VMLAB_CAPS_RAW_NR];
	__u64 reserved[8];
};

#define VMLAB_IO_IN	0
#define VMLAB_IO_OUT	1

/* Where the data of an IO exit lives, as an offset into the run page. */
#define VMLAB_RUN_DATA_OFFSET	1024
#define VMLAB_RUN_DATA_SIZE	3072

/*
 * struct vmlab_run - the page shared between the module and the vCPU
 * thread, mapped with mmap() on the vCPU fd (size: one page, offset 0).
 *
 * Userspace writes the "in" fields before VMLAB_RUN; the module fills
 * the "out" fields when RUN returns.  For IO and MMIO exits that read
 * (IN, MMIO read), userspace stores the data in the same place before
 * the next VMLAB_RUN, which completes the guest's instruction.
 */
struct vmlab_run {
	/* in */
	__u8 request_interrupt_window;	/* exit when the guest can take one */
	/* -EINTR without entering (a pending IN or MMIO read completes first) */
	__u8 immediate_exit;
	__u8 pad_in[6];

	/* out */
	__u32 exit_reason;		/* enum vmlab_exit_reason */
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;			/* guest RFLAGS.IF */
	__u16 pad_out;
	__u64 cr8;			/* guest TPR */
	__u64 apic_base;

	union {
		/* VMLAB_EXIT_IO: count elements of size bytes at data_offset */
		struct {
			__u8 direction;		/* VMLAB_IO_IN or _OUT */
			__u8 size;		/* 1, 2 or 4 */
			__u16 port;
			__u32 count;
			__u64 data_offset;	/* from the start of this page */
		} io;
		/* VMLAB_EXIT_MMIO */
		struct {
			__u64 phys_addr;
			__u8 data[8];
			__u32 len;		/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		/*
		 * VMLAB_EXIT_FAIL_ENTRY: the hardware refused the guest state.
		 * SVM: the exit code VMEXIT_INVALID (-1).  VMX: the exit
		 * reason with bit 31 set (33: invalid guest state, 34: MSR
		 * loading) and the exit qualification in bits 63:32; or
		 * VMLAB_FAIL_ENTRY_VMFAIL | the VM-instruction error when
		 * VMLAUNCH/VMRESUME failed; or
		 * VMLAB_FAIL_ENTRY_NEEDS_UNRESTRICTED_GUEST when a VMX CPU
		 * without unrestricted guest is asked to run real mode or
		 * protected mode without paging.
		 */
		struct {
			__u64 hardware_entry_failure_reason;
			__u32 cpu;
			__u32 pad;
		} fail_entry;
		/* VMLAB_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;		/* enum vmlab_internal_error */
			__u32 ndata;
			__u64 data[16];
		} internal;
		/*
		 * VMLAB_EXIT_UNHANDLED: an exit the module does not handle,
		 * as the hardware reported it.  @exit_code: SVM EXITCODE or
		 * VMX exit reason (vmlab_svm_exits.h, vmlab_vmx_exits.h).
		 * @info: SVM EXITINFO1, EXITINFO2, EXITINTINFO (error code
		 * in bits 63:32), RIP; VMX exit qualification, guest-physical
		 * address, exit interruption info (instruction length in bits
		 * 63:32), RIP.  The guest's RIP still points at the
		 * instruction that caused it.
		 */
		struct {
			__u64 exit_code;
			__u64 info[4];
			__u32 backend;		/* VMLAB_BACKEND_* */
			__u32 pad;
		} unhandled;
		__u8 padding[256];
	};
};

#define VMLAB_FAIL_ENTRY_VMFAIL			(1ULL << 63)
#define VMLAB_FAIL_ENTRY_NEEDS_UNRESTRICTED_GUEST	(1ULL << 62)

struct vmlab_memory_region {
	__u32 slot;
	__u32 flags;			/* VMLAB_MEM_* */
	__u64 guest_phys_addr;
	__u64 memory_size;		/* 0 deletes the slot */
	__u64 userspace_addr;
};

#define VMLAB_MEM_READONLY	(1u << 0)	/* writes exit as MMIO */

#define VMLAB_MAX_MEM_SLOTS	32
#define VMLAB_MAX_VCPUS		64
/* Guest-physical addresses must stay below this (48 bits). */
#define VMLAB_MAX_GUEST_PHYS	(1ULL << 48)

struct vmlab_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

struct vmlab_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8 type;
	__u8 present, dpl, db, s, l, g, avl;
	__u8 unusable;
	__u8 pad;
};

struct vmlab_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

struct vmlab_sregs {
	struct vmlab_segment cs, ds, es, fs, gs, ss;
	struct vmlab_segment tr, ldt;
	struct vmlab_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;
};

struct vmlab_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/* Processes entries in order; returns how many succeeded. */
struct vmlab_msrs {
	__u32 nmsrs;
	__u32 pad;
	struct vmlab_msr_entry entries[];
};

#define VMLAB_MAX_MSR_ENTRIES	256

#define VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX	(1u << 0)

struct vmlab_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;
	__u32 eax, ebx, ecx, edx;
	__u32 pad;
};

struct vmlab_cpuid {
	__u32 nent;
	__u32 pad;
	struct vmlab_cpuid_entry entries[];
};

#define VMLAB_MAX_CPUID_ENTRIES	256

/* The XSAVE image in the standard (non-compacted) format. */
struct vmlab_xsave {
	__u32 region[1024];
};

struct vmlab_interrupt {
	__u32 irq;			/* vector 0-255 (16-255 in practice) */
};

/*
 * ioctls on /dev/vmlab
 *
 * VMLAB_GET_API_VERSION - returns VMLAB_API_VERSION (the ioctl's return
 *	value).  The argument must be 0 (-EINVAL otherwise).
 *
 * VMLAB_GET_CAPS - fills a struct vmlab_caps.  -EFAULT if the pointer is
 *	not writable.
 *
 * VMLAB_CREATE_VM - creates a virtual machine and returns a new file
 *	descriptor for it (O_CLOEXEC).  The argument is a flags word that
 *	must be 0.  The first VM switches virtualization on (VMXON or
 *	EFER.SVME) on every online CPU; closing the last one switches it
 *	off again.  -EBUSY if another hypervisor already owns a CPU's
 *	virtualization extensions; -ENOMEM on allocation failure.
 */
#define VMLAB_GET_API_VERSION	_IO(VMLAB_IO, 0x00)
#define VMLAB_GET_CAPS		_IOR(VMLAB_IO, 0x01, struct vmlab_caps)
#define VMLAB_CREATE_VM		_IO(VMLAB_IO, 0x02)

/*
 * ioctls on a VM fd
 *
 * VMLAB_SET_MEMORY_REGION - create, replace or (size 0) delete slot
 *	@slot (< VMLAB_MAX_MEM_SLOTS).  Base, size and userspace address
 *	must be page aligned, the range must stay below
 *	VMLAB_MAX_GUEST_PHYS and not overlap another slot, and the
 *	userspace range must be mapped (it is pinned for the slot's life).
 *	-EINVAL for bad values, -EEXIST for an overlap, -EFAULT for an
 *	unmapped range, -ENOMEM (also when the pinned pages would exceed
 *	the caller's RLIMIT_MEMLOCK without CAP_IPC_LOCK).
 *
 * VMLAB_CREATE_VCPU - argument: the vCPU id (< VMLAB_MAX_VCPUS, each id
 *	once).  Returns a vCPU fd (O_CLOEXEC); mmap() one page of it at
 *	offset 0 to get the struct vmlab_run.  The vCPU starts like a CPU
 *	after RESET: real mode, CS:IP = f000:fff0.
 *
 * VMLAB_SET_CPUID / VMLAB_GET_CPUID - the table the guest's CPUID
 *	reads (VM-wide).  A new VM starts with a default built from the
 *	host's with virtualization features hidden; GET returns the
 *	current table (-E2BIG, with nent set to what is needed, if the
 *	caller's nent is too small).  Leaves absent from the table read
 *	as zeros.
 */
#define VMLAB_SET_MEMORY_REGION	_IOW(VMLAB_IO, 0x10, struct vmlab_memory_region)
#define VMLAB_CREATE_VCPU	_IO(VMLAB_IO, 0x11)
#define VMLAB_SET_CPUID		_IOW(VMLAB_IO, 0x12, struct vmlab_cpuid)
#define VMLAB_GET_CPUID		_IOWR(VMLAB_IO, 0x13, struct vmlab_cpuid)

/*
 * ioctls on a vCPU fd
 *
 * VMLAB_RUN - run the guest until an exit userspace must see; the
 *	reason is in the run page.  Returns 0, or -EINTR with exit_reason
 *	VMLAB_EXIT_INTR when a signal is pending (the guest can be resumed
 *	with another RUN).  The vCPU may only be run by one thread at a time
 *	(-EBUSY otherwise).
 * VMLAB_GET_REGS / VMLAB_SET_REGS - general registers, RIP, RFLAGS.
 * VMLAB_GET_SREGS / VMLAB_SET_SREGS - segments with their hidden parts,
 *	control registers, EFER, descriptor tables.  SET checks the
 *	combination the way the hardware would (-EINVAL otherwise).
 * VMLAB_GET_MSRS / VMLAB_SET_MSRS - struct vmlab_msrs with nmsrs
 *	entries (at most VMLAB_MAX_MSR_ENTRIES); returns how many were
 *	processed, stopping at the first MSR that is unknown or refuses
 *	the value.
 * VMLAB_GET_XSAVE / VMLAB_SET_XSAVE - FPU/SSE/AVX state, XSAVE format.
 * VMLAB_INTERRUPT - queue an external interrupt; it is injected when the
 *	guest can take it (userspace checks ready_for_interrupt_injection,
 *	or sets request_interrupt_window).  -EBUSY if one is still queued.
 * VMLAB_NMI - queue a non-maskable interrupt.
 */
#define VMLAB_RUN		_IO(VMLAB_IO, 0x20)
#define VMLAB_GET_REGS		_IOR(VMLAB_IO, 0x21, struct vmlab_regs)
#define VMLAB_SET_REGS		_IOW(VMLAB_IO, 0x22, struct vmlab_regs)
#define VMLAB_GET_SREGS		_IOR(VMLAB_IO, 0x23, struct vmlab_sregs)
#define VMLAB_SET_SREGS		_IOW(VMLAB_IO, 0x24, struct vmlab_sregs)
#define VMLAB_GET_MSRS		_IOWR(VMLAB_IO, 0x25, struct vmlab_msrs)
#define VMLAB_SET_MSRS		_IOW(VMLAB_IO, 0x26, struct vmlab_msrs)
#define VMLAB_GET_XSAVE		_IOR(VMLAB_IO, 0x27, struct vmlab_xsave)
#define VMLAB_SET_XSAVE		_IOW(VMLAB_IO, 0x28, struct vmlab_xsave)
#define VMLAB_INTERRUPT		_IOW(VMLAB_IO, 0x29, struct vmlab_interrupt)
#define VMLAB_NMI		_IO(VMLAB_IO, 0x2a)

#endif /* _UAPI_VMLAB_H */
