/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest test programs and the host-side drivers agree on: the
 * guest-physical memory map, the ports of the test protocol and the
 * parameter block.  Included by boot.S, by the guests' C code and by
 * tests/host/guest_run.h, so it holds only #defines outside the C part.
 */
#ifndef VMLAB_GUEST_ABI_H
#define VMLAB_GUEST_ABI_H

/*
 * Guest-physical memory.  Slot 0 is 1 MiB of RAM at 0; the image is
 * loaded at GUEST_LOAD_ADDR and entered there in real mode with CS = 0.
 */
#define GUEST_RAM_SIZE		0x100000
#define GUEST_PARAMS_ADDR	0x0800	/* struct guest_params, host-written */
#define GUEST_LOAD_ADDR		0x1000
#define GUEST_IMAGE_END		0x70000	/* the image must end below */
#define GUEST_STACK_TOP		0x80000	/* 64 KiB of stack below */
#define GUEST_PML4		0x80000	/* PML4, PDPT, 4 PDs: 0x80000-0x85fff */
#define GUEST_SCRATCH		0x90000	/* free RAM for the tests */
#define GUEST_SCRATCH_SIZE	0x70000

/* Devices of the test programs: addresses no RAM slot covers. */
#define GUEST_MMIO_LOW		0x100000	/* reachable from real mode */
#define GUEST_ROM_ADDR		0x200000	/* a read-only slot */
#define GUEST_ROM_SIZE		0x2000
#define GUEST_MMIO_BASE		0xd0000000ULL	/* below 4 GiB, above RAM */
#define GUEST_MMIO_SIZE		0x1000

/* The ports of the protocol; every other port belongs to a test. */
#define GUEST_PORT_PUTC		0xe9	/* OUT: bytes of text */
#define GUEST_PORT_STAGE	0xf1	/* OUT 8: boot stage 16, 32, 64 */
#define GUEST_PORT_REPORT	0xf2	/* OUT 32: a value for the host */
#define GUEST_PORT_EXIT		0xf4	/* OUT 32: done, 0 = all passed */

/* Exit codes besides 0 and the failing check's line number. */
#define GUEST_EXIT_BOOT16	0xb016	/* a boot computation went wrong */
#define GUEST_EXIT_BOOT32	0xb032
#define GUEST_EXIT_BOOT64	0xb064
#define GUEST_EXIT_EXCEPTION	0xe000	/* + vector: unexpected exception */

/* Number of 64-bit words of the parameter block. */
#define GUEST_NR_PARAMS		32

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Written by the host before the first RUN; guest_param() reads it. */
struct guest_params {
	uint64_t p[GUEST_NR_PARAMS];
};

/* A byte pattern both sides can compute: element @i of stream @seed. */
static inline uint8_t guest_pattern(uint32_t i, uint32_t seed)
{
	return (uint8_t)(i * 31 + seed * 7 + (i >> 8) + 1);
}
#endif

/* The MSRs and EFER bits both sides of the CPU tests name. */
#define MSR_IA32_TSC		0x00000010
#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_SYSENTER_ESP	0x00000175
#define MSR_IA32_SYSENTER_EIP	0x00000176
#define MSR_IA32_CR_PAT		0x00000277
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103
#define EFER_SCE		0x00000001
#define EFER_LME		0x00000100
#define EFER_LMA		0x00000400

#endif
