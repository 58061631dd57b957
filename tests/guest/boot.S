/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot stub of the guest test programs.  Entered in real mode at
 * GUEST_LOAD_ADDR with CS = 0; goes through 32-bit protected mode to
 * 64-bit long mode and calls guest_main().  In each mode it reports the
 * stage (16, 32, 64) on GUEST_PORT_STAGE and checks a computation whose
 * result depends on the operand size, so a mode that is not what it
 * claims shows.  A guest may run its own code in real mode and in 32-bit
 * mode by defining guest_hook16 (.code16, in section .text16) and
 * guest_hook32 (.code32); both are called with a flat view of memory.
 *
 * Long mode: PAE 4-level paging identity-maps the first 4 GiB with 2 MiB
 * pages, SSE is enabled, and a 256-gate IDT sends every vector to
 * guest_isr() in lib.c with a struct guest_frame.
 */
#include "guest_abi.h"

#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_NE		0x00000020
#define CR0_NW		0x20000000
#define CR0_CD		0x40000000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400

#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18

#define PDPT		(GUEST_PML4 + 0x1000)
#define PD0		(GUEST_PML4 + 0x2000)
#define PAGE_TABLES_SIZE	(6 * 0x1000)

	.section .boot, "ax"
	.code16
	.globl _start
_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw $(GUEST_STACK_TOP >> 4) - 0x1000, %ax
	movw %ax, %ss
	movw $0xfff0, %sp

	movb $16, %al
	outb %al, $GUEST_PORT_STAGE
	/* 16-bit MUL leaves the high half in DX; 16-bit ADD carries out. */
	movw $1234, %ax
	movw $56, %cx
	mulw %cx
	cmpw $0x0df0, %ax
	jne fail16
	cmpw $1, %dx
	jne fail16
	movw $0xffff, %ax
	addw $1, %ax
	jnc fail16
	jnz fail16

	call guest_hook16

	lgdtl gdt_desc
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $pm32

fail16:
	movl $GUEST_EXIT_BOOT16, %eax
	outl %eax, $GUEST_PORT_EXIT
1:	hlt
	jmp 1b

	.code32
pm32:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $GUEST_STACK_TOP, %esp

	movb $32, %al
	outb %al, $GUEST_PORT_STAGE
	/* 32-bit MUL: the high half in EDX. */
	movl $0x12345678, %eax
	movl $0x100, %ecx
	mull %ecx
	cmpl $0x34567800, %eax
	jne fail32
	cmpl $0x12, %edx
	jne fail32

	/* Zero the BSS (it is not part of the image). */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	call guest_hook32

	/* PML4[0] -> PDPT, PDPT[0..3] -> PD0..3, 2048 2 MiB pages. */
	movl $GUEST_PML4, %edi
	movl $(PAGE_TABLES_SIZE / 4), %ecx
	xorl %eax, %eax
	rep stosl
	movl $(PDPT + 3), GUEST_PML4
	movl $PDPT, %edi
	movl $(PD0 + 3), %eax
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $0x1000, %eax
	addl $8, %edi
	loop 1b
	movl $PD0, %edi
	movl $0x83, %eax		/* present, writable, 2 MiB */
	movl $2048, %ecx
2:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $GUEST_PML4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	/*
	 * Paging and NE in one write, as Linux's startup_32 does: VMX pins NE,
	 * so this write exits and the hypervisor, not the CPU, enters long
	 * mode (with PAE set earlier by a write that did not exit).
	 */
	movl %cr0, %eax
	orl $(CR0_PG | CR0_NE), %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $lm64

fail32:
	movl $GUEST_EXIT_BOOT32, %eax
	outl %eax, $GUEST_PORT_EXIT
1:	hlt
	jmp 1b

	.code64
lm64:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movq $GUEST_STACK_TOP, %rsp

	movb $64, %al
	outb %al, $GUEST_PORT_STAGE
	/* A 64-bit rotate carries bits across the 32-bit halves. */
	movabsq $0x123456789abcdef0, %rax
	rolq $8, %rax
	movabsq $0x3456789abcdef012, %rcx
	cmpq %rcx, %rax
	jne fail64

	/* Caches on; SSE: MP set, EM clear, OSFXSR and OSXMMEXCPT. */
	movq %cr0, %rax
	andq $~(CR0_EM | CR0_CD | CR0_NW), %rax
	orq $CR0_MP, %rax
	movq %rax, %cr0
	movq %cr4, %rax
	orq $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq %rax, %cr4

	/* 256 interrupt gates, one 16-byte stub each. */
	leaq idt(%rip), %rdi
	leaq isr_stubs(%rip), %rsi
	xorl %ecx, %ecx
3:	movq %rsi, %rax
	movw %ax, (%rdi)
	movw $SEL_CODE64, 2(%rdi)
	movw $0x8e00, 4(%rdi)		/* present, DPL 0, 64-bit interrupt gate */
	shrq $16, %rax
	movw %ax, 6(%rdi)
	shrq $16, %rax
	movl %eax, 8(%rdi)
	movl $0, 12(%rdi)
	addq $16, %rdi
	addq $16, %rsi
	incl %ecx
	cmpl $256, %ecx
	jne 3b
	lidt idt_desc(%rip)

	call guest_main
	movl %eax, %edi
	call guest_exit

fail64:
	movl $GUEST_EXIT_BOOT64, %eax
	outl %eax, $GUEST_PORT_EXIT
1:	hlt
	jmp 1b

/*
 * Exception and interrupt entry: the stubs push a zero where the CPU
 * pushes no error code, then the vector; isr_common saves the general
 * registers so that the stack holds a struct guest_frame.
 */
	.p2align 4
isr_stubs:
	vector = 0
	.rept 256
	.p2align 4
	.if (vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
	.else
	pushq $0
	.endif
	pushq $vector
	jmp isr_common
	vector = vector + 1
	.endr

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	cld
	call guest_isr			/* the stack is 16-byte aligned here */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.p2align 3
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf93000000ffff	/* 0x10: data, flat */
	.quad 0x00af9b000000ffff	/* 0x18: 64-bit code */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.p2align 3
idt_desc:
	.word 256 * 16 - 1
	.quad idt

/* Default hooks: nothing to do in real mode or 32-bit mode. */
	.section .text16, "ax"
	.code16
	.weak guest_hook16
guest_hook16:
	ret
	.code32
	.weak guest_hook32
guest_hook32:
	ret

	.bss
	.p2align 4
idt:
	.fill 256 * 16, 1, 0

	.section .note.GNU-stack, "", @progbits
