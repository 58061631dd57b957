/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX world switch: load the guest's general registers, VMLAUNCH or
 * VMRESUME, and on the VM exit (HOST_RIP = vmlab_vmx_exit, HOST_RSP = the
 * stack as it is at the VMWRITE below) store them back.  Everything else
 * the host needs is in the VMCS host-state area.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#define R_RAX	(0 * 8)
#define R_RCX	(1 * 8)
#define R_RDX	(2 * 8)
#define R_RBX	(3 * 8)
#define R_RBP	(5 * 8)
#define R_RSI	(6 * 8)
#define R_RDI	(7 * 8)
#define R_R8	(8 * 8)
#define R_R9	(9 * 8)
#define R_R10	(10 * 8)
#define R_R11	(11 * 8)
#define R_R12	(12 * 8)
#define R_R13	(13 * 8)
#define R_R14	(14 * 8)
#define R_R15	(15 * 8)

#define VMCS_HOST_RSP	0x6c14

	.text

/* int vmlab_vmx_enter(u64 *regs, bool launched): 0 after an exit, 1 on VMfail */
SYM_FUNC_START(vmlab_vmx_enter)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdi		/* regs, found again at (%rsp) after the exit */

	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	/* The exit arrives at vmlab_vmx_exit with the stack as it is here. */
	UNWIND_HINT_SAVE

	/* Flags from here on say VMLAUNCH or VMRESUME; MOVs keep them. */
	test %sil, %sil

	mov R_RAX(%rdi), %rax
	mov R_RCX(%rdi), %rcx
	mov R_RDX(%rdi), %rdx
	mov R_RBX(%rdi), %rbx
	mov R_RBP(%rdi), %rbp
	mov R_RSI(%rdi), %rsi
	mov R_R8(%rdi),  %r8
	mov R_R9(%rdi),  %r9
	mov R_R10(%rdi), %r10
	mov R_R11(%rdi), %r11
	mov R_R12(%rdi), %r12
	mov R_R13(%rdi), %r13
	mov R_R14(%rdi), %r14
	mov R_R15(%rdi), %r15
	mov R_RDI(%rdi), %rdi

	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	/* VMfail: still the host, guest values in registers. */
	mov $1, %eax
	jmp 3f

SYM_INNER_LABEL(vmlab_vmx_exit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push %rax
	mov 8(%rsp), %rax
	mov %rcx, R_RCX(%rax)
	mov %rdx, R_RDX(%rax)
	mov %rbx, R_RBX(%rax)
	mov %rbp, R_RBP(%rax)
	mov %rsi, R_RSI(%rax)
	mov %rdi, R_RDI(%rax)
	mov %r8,  R_R8(%rax)
	mov %r9,  R_R9(%rax)
	mov %r10, R_R10(%rax)
	mov %r11, R_R11(%rax)
	mov %r12, R_R12(%rax)
	mov %r13, R_R13(%rax)
	mov %r14, R_R14(%rax)
	mov %r15, R_R15(%rax)
	popq R_RAX(%rax)

	/* Return predictions made in the guest must not steer the host. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT
	xor %eax, %eax

3:	/* Leave no guest value in a register the caller may speculate on. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	add $8, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET
SYM_FUNC_END(vmlab_vmx_enter)
