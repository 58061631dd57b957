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

#endif /* _UAPI_VMLAB_H */
