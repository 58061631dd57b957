/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU state test (tests/guest/cpu.c and tests/host/guest_cpu.c):
 * CPUID leaves the host adds, MSR values each side sets for the other,
 * register values exchanged at HLT exits, XSAVE contents.
 */
#ifndef VMLAB_GUEST_CPU_H
#define VMLAB_GUEST_CPU_H

#include <stdint.h>

/* guest_param(0): what the guest does. */
#define CPU_SCENARIO_ALL	0	/* every check below, in order */
#define CPU_SCENARIO_TRIPLE	1	/* a triple fault */
#define CPU_SCENARIO_IDT_IN_MMIO 2	/* INT through an IDT outside RAM */
#define CPU_SCENARIO_PT_IN_MMIO	3	/* a load through a PDPT outside RAM */
/* guest_param(1): the vCPU id the host created. */

/* CPUID: leaves the host adds to the default table. */
#define CPU_LEAF_SIG		0x40000000	/* eax = max leaf, "vmlabTestCPU" */
#define CPU_LEAF_SIG_EBX	0x616c6d76	/* "vmla" */
#define CPU_LEAF_SIG_ECX	0x73655462	/* "bTes" */
#define CPU_LEAF_SIG_EDX	0x55504374	/* "tCPU" */
#define CPU_LEAF_INDEXED	0x40000001	/* sub-leaves 0 and 5 only */
#define CPU_LEAF_FLAT		0x40000002	/* the same for every ECX */
#define CPU_LEAF_ABSENT		0x40000010	/* not in the table: zeros */

/* MSRs the host sets before the run; the guest checks them. */
#define CPU_HOST_STAR		0x0023001000000000ULL
#define CPU_HOST_LSTAR		0xffffffff81000000ULL
#define CPU_HOST_SYSENTER_EIP	0xffffffff81001234ULL
#define CPU_HOST_KGS_BASE	0xffff888000001000ULL
#define CPU_HOST_PAT		0x0007010600070106ULL
#define CPU_HOST_TSC_AUX	0x1234

/* MSRs the guest sets; the host reads them after the run. */
#define CPU_GUEST_STAR		0x0033002800000000ULL
#define CPU_GUEST_LSTAR		0xffffffff82000010ULL
#define CPU_GUEST_CSTAR		0xffffffff82000020ULL
#define CPU_GUEST_SFMASK	0x47700ULL
#define CPU_GUEST_SYSENTER_CS	0x10ULL
#define CPU_GUEST_SYSENTER_ESP	0xffffc90000004000ULL
#define CPU_GUEST_SYSENTER_EIP	0xffffffff82000030ULL
#define CPU_GUEST_KGS_BASE	0xffff888000002000ULL
#define CPU_GUEST_FS_BASE	0x7f0000001000ULL
#define CPU_GUEST_GS_BASE	0x7f0000002000ULL
#define CPU_GUEST_PAT		0x0406070504060705ULL
#define CPU_GUEST_TSC_AUX	0x4321

#define CPU_UNKNOWN_MSR		0x00001234	/* not an MSR of the module's */

/* Markers the guest reports right before each HLT or VMMCALL. */
#define CPU_MARK_HLT		0x4c540001	/* then the RIP after the HLT */
#define CPU_MARK_REGS		0x4c540002	/* registers below, then HLT */
#define CPU_MARK_VMMCALL	0x4c540003	/* then the RIP of VMMCALL */
#define CPU_MARK_TRIPLE		0x4c540004

/* The TPR the guest leaves in CR8 when it ends. */
#define CPU_GUEST_TPR		9
#define CPU_MARK_IDT_IN_MMIO	0x4c540005
#define CPU_MARK_PT_IN_MMIO	0x4c540006

/* The linear address CPU_SCENARIO_PT_IN_MMIO loads from: PML4 entry 1. */
#define CPU_PT_IN_MMIO_LA	0x8000000000ULL

/* Registers at the REGS HLT: rax..r15 except rsp, guest's and host's. */
static inline uint64_t cpu_guest_reg(unsigned int i)
{
	return 0x0101010101010101ULL * (i + 1) ^ 0x8000000000000000ULL;
}

static inline uint64_t cpu_host_reg(unsigned int i)
{
	return 0xa5a5000000000000ULL | (uint64_t)(i + 1) << 32 | (0x1000u + i);
}

#define CPU_VMMCALL_RAX		0x600dcafeULL	/* the host's "return value" */

/* XSAVE: XMM0 the host sets, XMM1 and MXCSR the guest sets. */
#define CPU_XMM0_WORD(i)	(0x11110000u + (i) * 0x01010101u)
#define CPU_XMM1_WORD(i)	(0xfedc0000u - (i) * 0x00110011u)
#define CPU_GUEST_MXCSR		0x7f80	/* default 0x1f80 + round to zero */

#endif
