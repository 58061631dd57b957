/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A multiboot (v1) kernel for the runner's tests: checks what the loader
 * promised (EAX magic, the info structure's flags and memory, the command
 * line), prints over COM1, and exits through isa-debug-exit with status
 * 42 when all is well (vmlab run then returns (42 << 1) | 1 = 85), or
 * with the number of the failed check.
 */
	.include "multiboot-header.inc"
_start:
	mov $stack_top, %esp
	mov $1, %ecx
	cmp $0x2badb002, %eax		/* check 1: the bootloader magic */
	jne fail
	mov $2, %ecx
	testl $0x1, (%ebx)		/* check 2: MEM flag */
	jz fail
	mov $3, %ecx
	cmpl $1024, 8(%ebx)		/* check 3: mem_upper >= 1 MiB */
	jb fail
	mov $4, %ecx
	testl $0x4, (%ebx)		/* check 4: CMDLINE flag */
	jz fail
	mov 16(%ebx), %esi		/* cmdline */
	mov $5, %ecx
	cmpb $'m', (%esi)		/* check 5: the cmdline starts "mb-test" */
	jne fail
	mov $msg, %esi
	call puts
	mov 16(%ebx), %esi
	call puts
	mov $nl, %esi
	call puts
	mov $42, %eax
	mov $DEBUG_EXIT, %dx
	outl %eax, %dx
	hlt
fail:
	mov %ecx, %eax
	mov $DEBUG_EXIT, %dx
	outl %eax, %dx
	hlt

/* Writes the NUL-terminated string at ESI to COM1. */
puts:
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	ret

	.data
msg:	.asciz "hello from a multiboot kernel, cmdline: "
nl:	.asciz "\n"

	.bss
	.align 16
	.space 4096
stack_top:
