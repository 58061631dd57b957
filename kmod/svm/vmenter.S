/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SVM world switch.  VMRUN keeps only part of the host's state (RAX,
 * RSP, RIP, RFLAGS, CR0/3/4, EFER, segments CS/SS/DS/ES, GDTR/IDTR); the
 * rest - FS/GS bases, KERNEL_GS_BASE, TR, LDTR, the SYSCALL/SYSENTER MSRs -
 * is swapped with VMSAVE/VMLOAD around it, and the general registers are
 * exchanged with the vCPU's array here.  Runs with GIF clear, so nothing
 * (not even an NMI) can observe the guest's GS base in between.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* Offsets in vcpu->regs[], in instruction-encoding register order. */
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

	.text

/*
 * void vmlab_svm_enter(u64 *regs, u64 vmcb_pa, u64 host_save_pa)
 *
 * A fault on VMSAVE/VMLOAD/VMRUN only happens when SVM was switched off
 * under a running vCPU (reboot); the fixups skip the instruction so the
 * host carries on.
 */
SYM_FUNC_START(vmlab_svm_enter)
	push %rbp
	mov  %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdi		/* 16(%rsp) after the next two: regs */
	push %rsi		/*  8(%rsp): guest VMCB */
	push %rdx		/*  0(%rsp): host save area */

	mov %rdx, %rax
1:	vmsave %rax
2:	mov %rsi, %rax
3:	vmload %rax
4:
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

5:	vmrun %rax
6:
	/* RSP is the host's again; RAX holds the VMCB address. */
	mov 16(%rsp), %rax
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

	/* Return predictions made in the guest must not steer the host. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT

	mov 8(%rsp), %rax
7:	vmsave %rax
8:	mov (%rsp), %rax
9:	vmload %rax
10:
	/* Leave no guest value in a register the caller may speculate on. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	add $24, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

	_ASM_EXTABLE(1b, 2b)
	_ASM_EXTABLE(3b, 4b)
	_ASM_EXTABLE(5b, 6b)
	_ASM_EXTABLE(7b, 8b)
	_ASM_EXTABLE(9b, 10b)
SYM_FUNC_END(vmlab_svm_enter)
