/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A multiboot (v1) kernel for the runner's terminal tests: prints
 * "echo-ready" on COM1, then answers every byte it receives with
 * "<hh>" (the byte in hex), so a test can tell the guest's answer from
 * the host terminal's own echo and see control bytes (Ctrl-C) arrive.
 * The byte 'q' ends the run through isa-debug-exit with status 7 (vmlab
 * run returns 15).  Input is polled through the line status register.
 */
	.include "multiboot-header.inc"
	.set COM1_LSR, COM1 + 5
	.set LSR_DATA_READY, 0x01

_start:
	mov $stack_top, %esp
	mov $ready, %esi
	call puts
next:
	mov $COM1_LSR, %dx
1:	inb %dx, %al
	test $LSR_DATA_READY, %al
	jz 1b
	mov $COM1, %dx
	inb %dx, %al
	cmp $'q', %al
	je quit
	mov %al, %bl
	mov $'<', %al
	call putc
	mov %bl, %al
	shr $4, %al
	call puthex
	mov %bl, %al
	call puthex
	mov $'>', %al
	call putc
	jmp next
quit:
	mov $7, %eax
	mov $DEBUG_EXIT, %dx
	outl %eax, %dx
	hlt

/* Writes the low nibble of AL as a hex digit. */
puthex:
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe putc
	add $('a' - '0' - 10), %al
	/* fall through */
/* Writes AL to COM1. */
putc:
	mov $COM1, %dx
	outb %al, %dx
	ret

/* Writes the NUL-terminated string at ESI to COM1. */
puts:
	lodsb
	test %al, %al
	jz 1f
	call putc
	jmp puts
1:	ret

	.data
ready:	.asciz "echo-ready\n"

	.bss
	.align 16
	.space 4096
stack_top:
