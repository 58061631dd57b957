// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the MMIO instruction decoder (kmod/decode.c, built in
 * here so that nothing else needs to link it).
 *
 * Every byte string below was disassembled with objdump -D -b binary
 * -m i8086 / i386 / i386:x86-64; the text next to it is objdump's
 * rendering (whitespace squeezed, lines of stray prefixes joined with
 * " ; "), and its length is the one the case expects.
 */
#include <stdint.h>
#include "../../kmod/decode.c"
#include "check.h"

enum {
	LOAD = VMLAB_MMIO_OP_LOAD,
	STORE = VMLAB_MMIO_OP_STORE,
	XCHG = VMLAB_MMIO_OP_XCHG,
	TEST = VMLAB_MMIO_OP_TEST,
	RMW = VMLAB_MMIO_OP_RMW,
	MOVS = VMLAB_MMIO_OP_MOVS,
	OR = VMLAB_RMW_OR,
	AND = VMLAB_RMW_AND,
	ZX = VMLAB_MMIO_EXT_ZERO,
	SX = VMLAB_MMIO_EXT_SIGN,
};

#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* RFLAGS bits, spelled out again so the tests do not trust decode.c's. */
#define CF	0x001ULL
#define BIT1	0x002ULL
#define PF	0x004ULL
#define AF	0x010ULL
#define ZF	0x040ULL
#define SF	0x080ULL
#define TF	0x100ULL
#define IF	0x200ULL
#define DF	0x400ULL
#define OF	0x800ULL

struct vec {
	enum vmlab_insn_mode mode;
	const char *hex;
	const char *text;
	/* dst_size 0 means @size; addr_size 0 means the mode's default. */
	struct vmlab_mmio_insn want;
};

#define V(m, h, t, ...) { VMLAB_MODE_##m, h, t, { __VA_ARGS__ } }

static const struct vec vectors[] = {
	/* 64-bit mode: MOV stores, 88 and 89. */
	V(64, "88 03", "mov %al,(%rbx)", .len = 2, .size = 1, .op = STORE),
	V(64, "88 23", "mov %ah,(%rbx)", .len = 2, .size = 1, .op = STORE,
	  .reg = 0, .high_byte = true),
	V(64, "88 3b", "mov %bh,(%rbx)", .len = 2, .size = 1, .op = STORE,
	  .reg = 3, .high_byte = true),
	V(64, "40 88 23", "mov %spl,(%rbx)", .len = 3, .size = 1, .op = STORE,
	  .reg = 4),
	V(64, "40 88 3b", "mov %dil,(%rbx)", .len = 3, .size = 1, .op = STORE,
	  .reg = 7),
	V(64, "44 88 03", "mov %r8b,(%rbx)", .len = 3, .size = 1, .op = STORE,
	  .reg = 8),
	V(64, "44 88 23", "mov %r12b,(%rbx)", .len = 3, .size = 1, .op = STORE,
	  .reg = 12),
	V(64, "89 03", "mov %eax,(%rbx)", .len = 2, .size = 4, .op = STORE),
	V(64, "89 0f", "mov %ecx,(%rdi)", .len = 2, .size = 4, .op = STORE,
	  .reg = 1),
	V(64, "66 89 03", "mov %ax,(%rbx)", .len = 3, .size = 2, .op = STORE),
	V(64, "48 89 03", "mov %rax,(%rbx)", .len = 3, .size = 8, .op = STORE),
	V(64, "4c 89 0b", "mov %r9,(%rbx)", .len = 3, .size = 8, .op = STORE,
	  .reg = 9),
	V(64, "41 89 07", "mov %eax,(%r15)", .len = 3, .size = 4, .op = STORE),
	V(64, "45 89 3f", "mov %r15d,(%r15)", .len = 3, .size = 4, .op = STORE,
	  .reg = 15),
	V(64, "66 44 89 37", "mov %r14w,(%rdi)", .len = 4, .size = 2,
	  .op = STORE, .reg = 14),
	V(64, "89 34 24", "mov %esi,(%rsp)", .len = 3, .size = 4, .op = STORE,
	  .reg = 6),
	V(64, "89 75 00", "mov %esi,0x0(%rbp)", .len = 3, .size = 4,
	  .op = STORE, .reg = 6),
	V(64, "89 b7 00 01 00 00", "mov %esi,0x100(%rdi)", .len = 6, .size = 4,
	  .op = STORE, .reg = 6),
	V(64, "48 89 15 00 10 00 00", "mov %rdx,0x1000(%rip)", .len = 7,
	  .size = 8, .op = STORE, .reg = 2),
	/* 64-bit mode: MOV loads, 8A and 8B, with every ModRM shape. */
	V(64, "8a 07", "mov (%rdi),%al", .len = 2, .size = 1, .op = LOAD),
	V(64, "8a 3f", "mov (%rdi),%bh", .len = 2, .size = 1, .op = LOAD,
	  .reg = 3, .high_byte = true),
	V(64, "8a 2f", "mov (%rdi),%ch", .len = 2, .size = 1, .op = LOAD,
	  .reg = 1, .high_byte = true),
	V(64, "40 8a 3f", "mov (%rdi),%dil", .len = 3, .size = 1, .op = LOAD,
	  .reg = 7),
	V(64, "40 8a 37", "mov (%rdi),%sil", .len = 3, .size = 1, .op = LOAD,
	  .reg = 6),
	V(64, "44 8a 3f", "mov (%rdi),%r15b", .len = 3, .size = 1, .op = LOAD,
	  .reg = 15),
	V(64, "8b 07", "mov (%rdi),%eax", .len = 2, .size = 4, .op = LOAD),
	V(64, "8b 47 10", "mov 0x10(%rdi),%eax", .len = 3, .size = 4,
	  .op = LOAD),
	V(64, "8b 87 00 10 00 00", "mov 0x1000(%rdi),%eax", .len = 6,
	  .size = 4, .op = LOAD),
	V(64, "48 8b 05 78 56 34 12", "mov 0x12345678(%rip),%rax", .len = 7,
	  .size = 8, .op = LOAD),
	V(64, "8b 04 25 00 00 e0 fe", "mov 0xfffffffffee00000,%eax", .len = 7,
	  .size = 4, .op = LOAD),
	V(64, "8b 44 24 08", "mov 0x8(%rsp),%eax", .len = 4, .size = 4,
	  .op = LOAD),
	V(64, "8b 84 24 00 01 00 00", "mov 0x100(%rsp),%eax", .len = 7,
	  .size = 4, .op = LOAD),
	V(64, "8b 04 8b", "mov (%rbx,%rcx,4),%eax", .len = 3, .size = 4,
	  .op = LOAD),
	V(64, "42 8b 04 a5 00 10 00 00", "mov 0x1000(,%r12,4),%eax", .len = 8,
	  .size = 4, .op = LOAD),
	V(64, "41 8b 45 00", "mov 0x0(%r13),%eax", .len = 4, .size = 4,
	  .op = LOAD),
	V(64, "41 8b 04 24", "mov (%r12),%eax", .len = 4, .size = 4,
	  .op = LOAD),
	V(64, "41 8b 04 25 00 10 00 00", "mov 0x1000,%eax", .len = 8, .size = 4,
	  .op = LOAD),
	V(64, "43 8b 44 35 00", "mov 0x0(%r13,%r14,1),%eax", .len = 5,
	  .size = 4, .op = LOAD),
	V(64, "44 8b 3c 24", "mov (%rsp),%r15d", .len = 4, .size = 4,
	  .op = LOAD, .reg = 15),
	V(64, "4d 8b 3f", "mov (%r15),%r15", .len = 3, .size = 8, .op = LOAD,
	  .reg = 15),
	V(64, "66 8b 07", "mov (%rdi),%ax", .len = 3, .size = 2, .op = LOAD),
	V(64, "67 8b 03", "mov (%ebx),%eax", .len = 3, .size = 4, .op = LOAD,
	  .addr_size = 4),
	V(64, "67 8b 05 00 10 00 00", "mov 0x1000(%eip),%eax", .len = 7,
	  .size = 4, .op = LOAD, .addr_size = 4),
	V(64, "67 8b 44 24 08", "mov 0x8(%esp),%eax", .len = 5, .size = 4,
	  .op = LOAD, .addr_size = 4),
	/* 64-bit mode: MOV of an immediate, C6 /0 and C7 /0. */
	V(64, "c6 00 7f", "movb $0x7f,(%rax)", .len = 3, .size = 1,
	  .op = STORE, .has_imm = true, .imm = 0x7f),
	V(64, "c6 40 04 ff", "movb $0xff,0x4(%rax)", .len = 4, .size = 1,
	  .op = STORE, .has_imm = true, .imm = 0xff),
	V(64, "41 c6 07 01", "movb $0x1,(%r15)", .len = 4, .size = 1,
	  .op = STORE, .has_imm = true, .imm = 1),
	V(64, "c7 00 78 56 34 12", "movl $0x12345678,(%rax)", .len = 6,
	  .size = 4, .op = STORE, .has_imm = true, .imm = 0x12345678),
	V(64, "c7 00 00 00 00 80", "movl $0x80000000,(%rax)", .len = 6,
	  .size = 4, .op = STORE, .has_imm = true, .imm = 0x80000000),
	V(64, "66 c7 00 34 12", "movw $0x1234,(%rax)", .len = 5, .size = 2,
	  .op = STORE, .has_imm = true, .imm = 0x1234),
	V(64, "48 c7 00 ff ff ff ff", "movq $0xffffffffffffffff,(%rax)",
	  .len = 7, .size = 8, .op = STORE, .has_imm = true, .imm = ~0ULL),
	V(64, "48 c7 00 00 00 00 80", "movq $0xffffffff80000000,(%rax)",
	  .len = 7, .size = 8, .op = STORE, .has_imm = true,
	  .imm = 0xffffffff80000000ULL),
	V(64, "48 c7 00 ff ff ff 7f", "movq $0x7fffffff,(%rax)", .len = 7,
	  .size = 8, .op = STORE, .has_imm = true, .imm = 0x7fffffff),
	V(64, "48 c7 05 00 10 00 00 01 00 00 00", "movq $0x1,0x1000(%rip)",
	  .len = 11, .size = 8, .op = STORE, .has_imm = true, .imm = 1),
	V(64, "48 c7 84 24 00 01 00 00 ff ff ff 7f",
	  "movq $0x7fffffff,0x100(%rsp)", .len = 12, .size = 8, .op = STORE,
	  .has_imm = true, .imm = 0x7fffffff),
	V(64, "66 c7 05 f6 ff ff ff 00 80", "movw $0x8000,-0xa(%rip)",
	  .len = 9, .size = 2, .op = STORE, .has_imm = true, .imm = 0x8000),
	/* 64-bit mode: A0-A3, with an 8-byte moffs unless 0x67. */
	V(64, "a0 88 77 66 55 44 33 22 11", "movabs 0x1122334455667788,%al",
	  .len = 9, .size = 1, .op = LOAD),
	V(64, "a1 88 77 66 55 44 33 22 11", "movabs 0x1122334455667788,%eax",
	  .len = 9, .size = 4, .op = LOAD),
	V(64, "48 a1 00 00 e0 fe 00 00 00 00", "movabs 0xfee00000,%rax",
	  .len = 10, .size = 8, .op = LOAD),
	V(64, "66 a1 00 00 e0 fe 00 00 00 00", "movabs 0xfee00000,%ax",
	  .len = 10, .size = 2, .op = LOAD),
	V(64, "a2 00 00 e0 fe 00 00 00 00", "movabs %al,0xfee00000", .len = 9,
	  .size = 1, .op = STORE),
	V(64, "a3 00 00 e0 fe 00 00 00 00", "movabs %eax,0xfee00000", .len = 9,
	  .size = 4, .op = STORE),
	V(64, "48 a3 00 00 e0 fe 00 00 00 00", "movabs %rax,0xfee00000",
	  .len = 10, .size = 8, .op = STORE),
	V(64, "67 a1 78 56 34 12", "addr32 mov 0x12345678,%eax", .len = 6,
	  .size = 4, .op = LOAD, .addr_size = 4),
	V(64, "67 a2 78 56 34 12", "addr32 mov %al,0x12345678", .len = 6,
	  .size = 1, .op = STORE, .addr_size = 4),
	/* 64-bit mode: MOVZX, MOVSX, MOVSXD. */
	V(64, "0f b6 03", "movzbl (%rbx),%eax", .len = 3, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 4),
	V(64, "48 0f b6 03", "movzbq (%rbx),%rax", .len = 4, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 8),
	V(64, "66 0f b6 03", "movzbw (%rbx),%ax", .len = 4, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 2),
	V(64, "0f b6 23", "movzbl (%rbx),%esp", .len = 3, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 4, .reg = 4),
	V(64, "44 0f b6 0b", "movzbl (%rbx),%r9d", .len = 4, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 4, .reg = 9),
	V(64, "0f b7 03", "movzwl (%rbx),%eax", .len = 3, .size = 2,
	  .op = LOAD, .ext = ZX, .dst_size = 4),
	V(64, "48 0f b7 03", "movzwq (%rbx),%rax", .len = 4, .size = 2,
	  .op = LOAD, .ext = ZX, .dst_size = 8),
	V(64, "0f be 03", "movsbl (%rbx),%eax", .len = 3, .size = 1,
	  .op = LOAD, .ext = SX, .dst_size = 4),
	V(64, "4c 0f be 03", "movsbq (%rbx),%r8", .len = 4, .size = 1,
	  .op = LOAD, .ext = SX, .dst_size = 8, .reg = 8),
	V(64, "66 0f be 03", "movsbw (%rbx),%ax", .len = 4, .size = 1,
	  .op = LOAD, .ext = SX, .dst_size = 2),
	V(64, "0f bf 03", "movswl (%rbx),%eax", .len = 3, .size = 2,
	  .op = LOAD, .ext = SX, .dst_size = 4),
	V(64, "48 0f bf 43 02", "movswq 0x2(%rbx),%rax", .len = 5, .size = 2,
	  .op = LOAD, .ext = SX, .dst_size = 8),
	V(64, "48 63 03", "movslq (%rbx),%rax", .len = 3, .size = 4,
	  .op = LOAD, .ext = SX, .dst_size = 8),
	V(64, "4c 63 7b 04", "movslq 0x4(%rbx),%r15", .len = 4, .size = 4,
	  .op = LOAD, .ext = SX, .dst_size = 8, .reg = 15),
	V(64, "63 03", "movsxd (%rbx),%eax", .len = 2, .size = 4, .op = LOAD,
	  .ext = SX, .dst_size = 4),
	/* 64-bit mode: XCHG, 86 and 87, locked or not. */
	V(64, "86 03", "xchg %al,(%rbx)", .len = 2, .size = 1, .op = XCHG),
	V(64, "86 23", "xchg %ah,(%rbx)", .len = 2, .size = 1, .op = XCHG,
	  .high_byte = true),
	V(64, "87 03", "xchg %eax,(%rbx)", .len = 2, .size = 4, .op = XCHG),
	V(64, "66 87 0b", "xchg %cx,(%rbx)", .len = 3, .size = 2, .op = XCHG,
	  .reg = 1),
	V(64, "48 87 03", "xchg %rax,(%rbx)", .len = 3, .size = 8, .op = XCHG),
	V(64, "4c 87 23", "xchg %r12,(%rbx)", .len = 3, .size = 8, .op = XCHG,
	  .reg = 12),
	V(64, "f0 87 03", "lock xchg %eax,(%rbx)", .len = 3, .size = 4,
	  .op = XCHG, .lock = true),
	/* 64-bit mode: TEST, 84/85 and F6/F7 /0 (and the /1 alias). */
	V(64, "84 03", "test %al,(%rbx)", .len = 2, .size = 1, .op = TEST),
	V(64, "84 3b", "test %bh,(%rbx)", .len = 2, .size = 1, .op = TEST,
	  .reg = 3, .high_byte = true),
	V(64, "85 03", "test %eax,(%rbx)", .len = 2, .size = 4, .op = TEST),
	V(64, "48 85 03", "test %rax,(%rbx)", .len = 3, .size = 8, .op = TEST),
	V(64, "66 85 03", "test %ax,(%rbx)", .len = 3, .size = 2, .op = TEST),
	V(64, "f6 03 01", "testb $0x1,(%rbx)", .len = 3, .size = 1,
	  .op = TEST, .has_imm = true, .imm = 1),
	V(64, "f6 0b 80", "testb $0x80,(%rbx)", .len = 3, .size = 1,
	  .op = TEST, .has_imm = true, .imm = 0x80),
	V(64, "f7 03 00 00 00 80", "testl $0x80000000,(%rbx)", .len = 6,
	  .size = 4, .op = TEST, .has_imm = true, .imm = 0x80000000),
	V(64, "66 f7 03 00 80", "testw $0x8000,(%rbx)", .len = 5, .size = 2,
	  .op = TEST, .has_imm = true, .imm = 0x8000),
	V(64, "48 f7 03 ff ff ff ff", "testq $0xffffffffffffffff,(%rbx)",
	  .len = 7, .size = 8, .op = TEST, .has_imm = true, .imm = ~0ULL),
	/* 64-bit mode: OR and AND into memory. */
	V(64, "08 03", "or %al,(%rbx)", .len = 2, .size = 1, .op = RMW,
	  .rmw_op = OR),
	V(64, "09 03", "or %eax,(%rbx)", .len = 2, .size = 4, .op = RMW,
	  .rmw_op = OR),
	V(64, "20 23", "and %ah,(%rbx)", .len = 2, .size = 1, .op = RMW,
	  .rmw_op = AND, .high_byte = true),
	V(64, "21 03", "and %eax,(%rbx)", .len = 2, .size = 4, .op = RMW,
	  .rmw_op = AND),
	V(64, "48 21 03", "and %rax,(%rbx)", .len = 3, .size = 8, .op = RMW,
	  .rmw_op = AND),
	V(64, "66 45 09 07", "or %r8w,(%r15)", .len = 4, .size = 2,
	  .op = RMW, .rmw_op = OR, .reg = 8),
	V(64, "f0 09 03", "lock or %eax,(%rbx)", .len = 3, .size = 4,
	  .op = RMW, .rmw_op = OR, .lock = true),
	V(64, "80 0b 01", "orb $0x1,(%rbx)", .len = 3, .size = 1, .op = RMW,
	  .rmw_op = OR, .has_imm = true, .imm = 1),
	V(64, "80 23 fe", "andb $0xfe,(%rbx)", .len = 3, .size = 1,
	  .op = RMW, .rmw_op = AND, .has_imm = true, .imm = 0xfe),
	V(64, "81 0b 00 00 01 00", "orl $0x10000,(%rbx)", .len = 6,
	  .size = 4, .op = RMW, .rmw_op = OR, .has_imm = true,
	  .imm = 0x10000),
	V(64, "66 81 23 ff 7f", "andw $0x7fff,(%rbx)", .len = 5, .size = 2,
	  .op = RMW, .rmw_op = AND, .has_imm = true, .imm = 0x7fff),
	V(64, "48 81 23 00 00 00 f0", "andq $0xfffffffff0000000,(%rbx)",
	  .len = 7, .size = 8, .op = RMW, .rmw_op = AND, .has_imm = true,
	  .imm = 0xfffffffff0000000ULL),
	V(64, "83 0b 80", "orl $0xffffff80,(%rbx)", .len = 3, .size = 4,
	  .op = RMW, .rmw_op = OR, .has_imm = true, .imm = 0xffffff80),
	V(64, "48 83 23 f0", "andq $0xfffffffffffffff0,(%rbx)", .len = 4,
	  .size = 8, .op = RMW, .rmw_op = AND, .has_imm = true,
	  .imm = 0xfffffffffffffff0ULL),
	V(64, "66 83 0b ff", "orw $0xffff,(%rbx)", .len = 4, .size = 2,
	  .op = RMW, .rmw_op = OR, .has_imm = true, .imm = 0xffff),
	V(64, "83 4b 04 7f", "orl $0x7f,0x4(%rbx)", .len = 4, .size = 4,
	  .op = RMW, .rmw_op = OR, .has_imm = true, .imm = 0x7f),
	V(64, "f0 48 83 23 f0", "lock andq $0xfffffffffffffff0,(%rbx)",
	  .len = 5, .size = 8, .op = RMW, .rmw_op = AND, .has_imm = true,
	  .imm = 0xfffffffffffffff0ULL, .lock = true),
	/* 64-bit mode: string instructions. */
	V(64, "a4", "movsb %ds:(%rsi),%es:(%rdi)", .len = 1, .size = 1,
	  .op = MOVS, .string = true),
	V(64, "a5", "movsl %ds:(%rsi),%es:(%rdi)", .len = 1, .size = 4,
	  .op = MOVS, .string = true),
	V(64, "48 a5", "movsq %ds:(%rsi),%es:(%rdi)", .len = 2, .size = 8,
	  .op = MOVS, .string = true),
	V(64, "66 a5", "movsw %ds:(%rsi),%es:(%rdi)", .len = 2, .size = 2,
	  .op = MOVS, .string = true),
	V(64, "f3 a4", "rep movsb %ds:(%rsi),%es:(%rdi)", .len = 2, .size = 1,
	  .op = MOVS, .string = true, .rep = true),
	V(64, "f3 48 a5", "rep movsq %ds:(%rsi),%es:(%rdi)", .len = 3,
	  .size = 8, .op = MOVS, .string = true, .rep = true),
	V(64, "f2 a4", "repnz movsb %ds:(%rsi),%es:(%rdi)", .len = 2,
	  .size = 1, .op = MOVS, .string = true, .rep = true),
	V(64, "67 f3 a4", "rep movsb %ds:(%esi),%es:(%edi)", .len = 3,
	  .size = 1, .op = MOVS, .string = true, .rep = true, .addr_size = 4),
	V(64, "aa", "stos %al,%es:(%rdi)", .len = 1, .size = 1, .op = STORE,
	  .string = true),
	V(64, "ab", "stos %eax,%es:(%rdi)", .len = 1, .size = 4, .op = STORE,
	  .string = true),
	V(64, "f3 48 ab", "rep stos %rax,%es:(%rdi)", .len = 3, .size = 8,
	  .op = STORE, .string = true, .rep = true),
	V(64, "66 ab", "stos %ax,%es:(%rdi)", .len = 2, .size = 2, .op = STORE,
	  .string = true),
	V(64, "ac", "lods %ds:(%rsi),%al", .len = 1, .size = 1, .op = LOAD,
	  .string = true),
	V(64, "ad", "lods %ds:(%rsi),%eax", .len = 1, .size = 4, .op = LOAD,
	  .string = true),
	V(64, "48 ad", "lods %ds:(%rsi),%rax", .len = 2, .size = 8, .op = LOAD,
	  .string = true),
	V(64, "66 ad", "lods %ds:(%rsi),%ax", .len = 2, .size = 2, .op = LOAD,
	  .string = true),
	V(64, "65 ac", "lods %gs:(%rsi),%al", .len = 2, .size = 1, .op = LOAD,
	  .string = true, .seg = VMLAB_SEGOVR_GS),
	/* 64-bit mode: segment overrides and prefix combinations. */
	V(64, "64 8b 04 25 00 00 00 00", "mov %fs:0x0,%eax", .len = 8,
	  .size = 4, .op = LOAD, .seg = VMLAB_SEGOVR_FS),
	V(64, "65 48 8b 03", "mov %gs:(%rbx),%rax", .len = 4, .size = 8,
	  .op = LOAD, .seg = VMLAB_SEGOVR_GS),
	V(64, "2e 89 03", "cs mov %eax,(%rbx)", .len = 3, .size = 4,
	  .op = STORE, .seg = VMLAB_SEGOVR_CS),
	V(64, "3e 89 03", "ds mov %eax,(%rbx)", .len = 3, .size = 4,
	  .op = STORE, .seg = VMLAB_SEGOVR_DS),
	V(64, "26 89 03", "es mov %eax,(%rbx)", .len = 3, .size = 4,
	  .op = STORE, .seg = VMLAB_SEGOVR_ES),
	V(64, "36 89 03", "ss mov %eax,(%rbx)", .len = 3, .size = 4,
	  .op = STORE, .seg = VMLAB_SEGOVR_SS),
	V(64, "66 48 89 03", "data16 mov %rax,(%rbx)", .len = 4, .size = 8,
	  .op = STORE),
	V(64, "48 66 89 03", "rex.W ; mov %ax,(%rbx)", .len = 4, .size = 2,
	  .op = STORE),
	V(64, "40 66 88 23", "rex ; data16 mov %ah,(%rbx)", .len = 4,
	  .size = 1, .op = STORE, .high_byte = true),
	V(64, "41 48 89 03", "rex.B ; mov %rax,(%rbx)", .len = 4, .size = 8,
	  .op = STORE),
	V(64, "f0 66 65 09 03", "lock or %ax,%gs:(%rbx)", .len = 5, .size = 2,
	  .op = RMW, .rmw_op = OR, .lock = true, .seg = VMLAB_SEGOVR_GS),
	V(64, "66 67 65 4c 89 04 8d 00 10 00 00",
	  "data16 mov %r8,%gs:0x1000(,%ecx,4)", .len = 11, .size = 8, .op = STORE,
	  .reg = 8, .addr_size = 4, .seg = VMLAB_SEGOVR_GS),
	V(64, "64 65 8b 03", "fs mov %gs:(%rbx),%eax", .len = 4, .size = 4,
	  .op = LOAD, .seg = VMLAB_SEGOVR_GS),
	V(64, "2e 3e 64 48 c7 84 24 00 01 00 00 ff ff ff 7f",
	  "cs ds movq $0x7fffffff,%fs:0x100(%rsp)", .len = 15, .size = 8,
	  .op = STORE, .has_imm = true, .imm = 0x7fffffff,
	  .seg = VMLAB_SEGOVR_FS),
	V(64, "66 66 66 66 66 66 66 66 66 66 66 66 66 89 03",
	  "data16 data16 data16 data16 data16 data16 data16 data16 data16 data16 data16 data16 mov %ax,(%rbx)",
	  .len = 15, .size = 2, .op = STORE),

	/* 32-bit mode. */
	V(32, "88 03", "mov %al,(%ebx)", .len = 2, .size = 1, .op = STORE),
	V(32, "88 23", "mov %ah,(%ebx)", .len = 2, .size = 1, .op = STORE,
	  .high_byte = true),
	V(32, "88 33", "mov %dh,(%ebx)", .len = 2, .size = 1, .op = STORE,
	  .reg = 2, .high_byte = true),
	V(32, "89 03", "mov %eax,(%ebx)", .len = 2, .size = 4, .op = STORE),
	V(32, "66 89 03", "mov %ax,(%ebx)", .len = 3, .size = 2, .op = STORE),
	V(32, "89 3d 00 00 e0 fe", "mov %edi,0xfee00000", .len = 6, .size = 4,
	  .op = STORE, .reg = 7),
	V(32, "8a 07", "mov (%edi),%al", .len = 2, .size = 1, .op = LOAD),
	V(32, "8a 27", "mov (%edi),%ah", .len = 2, .size = 1, .op = LOAD,
	  .high_byte = true),
	V(32, "8b 07", "mov (%edi),%eax", .len = 2, .size = 4, .op = LOAD),
	V(32, "8b 05 00 00 e0 fe", "mov 0xfee00000,%eax", .len = 6, .size = 4,
	  .op = LOAD),
	V(32, "8b 44 24 08", "mov 0x8(%esp),%eax", .len = 4, .size = 4,
	  .op = LOAD),
	V(32, "8b 84 8b 00 10 00 00", "mov 0x1000(%ebx,%ecx,4),%eax", .len = 7,
	  .size = 4, .op = LOAD),
	V(32, "8b 04 8d 00 10 00 00", "mov 0x1000(,%ecx,4),%eax", .len = 7,
	  .size = 4, .op = LOAD),
	V(32, "8b 4d fc", "mov -0x4(%ebp),%ecx", .len = 3, .size = 4,
	  .op = LOAD, .reg = 1),
	V(32, "67 8b 07", "mov (%bx),%eax", .len = 3, .size = 4, .op = LOAD,
	  .addr_size = 2),
	V(32, "67 8b 06 34 12", "mov 0x1234,%eax", .len = 5, .size = 4,
	  .op = LOAD, .addr_size = 2),
	V(32, "67 8b 47 10", "mov 0x10(%bx),%eax", .len = 4, .size = 4,
	  .op = LOAD, .addr_size = 2),
	V(32, "67 8b 87 34 12", "mov 0x1234(%bx),%eax", .len = 5, .size = 4,
	  .op = LOAD, .addr_size = 2),
	V(32, "67 66 8b 04", "mov (%si),%ax", .len = 4, .size = 2, .op = LOAD,
	  .addr_size = 2),
	V(32, "c6 03 12", "movb $0x12,(%ebx)", .len = 3, .size = 1,
	  .op = STORE, .has_imm = true, .imm = 0x12),
	V(32, "c7 03 78 56 34 12", "movl $0x12345678,(%ebx)", .len = 6,
	  .size = 4, .op = STORE, .has_imm = true, .imm = 0x12345678),
	V(32, "66 c7 03 34 12", "movw $0x1234,(%ebx)", .len = 5, .size = 2,
	  .op = STORE, .has_imm = true, .imm = 0x1234),
	V(32, "c7 05 00 00 e0 fe 00 00 00 80", "movl $0x80000000,0xfee00000",
	  .len = 10, .size = 4, .op = STORE, .has_imm = true,
	  .imm = 0x80000000),
	V(32, "a0 00 00 e0 fe", "mov 0xfee00000,%al", .len = 5, .size = 1,
	  .op = LOAD),
	V(32, "a1 00 00 e0 fe", "mov 0xfee00000,%eax", .len = 5, .size = 4,
	  .op = LOAD),
	V(32, "a2 00 00 e0 fe", "mov %al,0xfee00000", .len = 5, .size = 1,
	  .op = STORE),
	V(32, "a3 00 00 e0 fe", "mov %eax,0xfee00000", .len = 5, .size = 4,
	  .op = STORE),
	V(32, "66 a1 00 00 e0 fe", "mov 0xfee00000,%ax", .len = 6, .size = 2,
	  .op = LOAD),
	V(32, "67 a1 34 12", "addr16 mov 0x1234,%eax", .len = 4, .size = 4,
	  .op = LOAD, .addr_size = 2),
	V(32, "0f b6 03", "movzbl (%ebx),%eax", .len = 3, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 4),
	V(32, "66 0f b6 03", "movzbw (%ebx),%ax", .len = 4, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 2),
	V(32, "0f b7 03", "movzwl (%ebx),%eax", .len = 3, .size = 2,
	  .op = LOAD, .ext = ZX, .dst_size = 4),
	V(32, "0f be 03", "movsbl (%ebx),%eax", .len = 3, .size = 1,
	  .op = LOAD, .ext = SX, .dst_size = 4),
	V(32, "0f bf 0b", "movswl (%ebx),%ecx", .len = 3, .size = 2,
	  .op = LOAD, .ext = SX, .dst_size = 4, .reg = 1),
	V(32, "86 03", "xchg %al,(%ebx)", .len = 2, .size = 1, .op = XCHG),
	V(32, "87 03", "xchg %eax,(%ebx)", .len = 2, .size = 4, .op = XCHG),
	V(32, "f0 87 03", "lock xchg %eax,(%ebx)", .len = 3, .size = 4,
	  .op = XCHG, .lock = true),
	V(32, "84 03", "test %al,(%ebx)", .len = 2, .size = 1, .op = TEST),
	V(32, "85 03", "test %eax,(%ebx)", .len = 2, .size = 4, .op = TEST),
	V(32, "f6 03 01", "testb $0x1,(%ebx)", .len = 3, .size = 1, .op = TEST,
	  .has_imm = true, .imm = 1),
	V(32, "f7 03 00 00 00 80", "testl $0x80000000,(%ebx)", .len = 6,
	  .size = 4, .op = TEST, .has_imm = true, .imm = 0x80000000),
	V(32, "08 03", "or %al,(%ebx)", .len = 2, .size = 1, .op = RMW,
	  .rmw_op = OR),
	V(32, "09 03", "or %eax,(%ebx)", .len = 2, .size = 4, .op = RMW,
	  .rmw_op = OR),
	V(32, "20 03", "and %al,(%ebx)", .len = 2, .size = 1, .op = RMW,
	  .rmw_op = AND),
	V(32, "21 03", "and %eax,(%ebx)", .len = 2, .size = 4, .op = RMW,
	  .rmw_op = AND),
	V(32, "80 0b 01", "orb $0x1,(%ebx)", .len = 3, .size = 1, .op = RMW,
	  .rmw_op = OR, .has_imm = true, .imm = 1),
	V(32, "81 23 ff ff ff 7f", "andl $0x7fffffff,(%ebx)", .len = 6,
	  .size = 4, .op = RMW, .rmw_op = AND, .has_imm = true,
	  .imm = 0x7fffffff),
	V(32, "83 0b 80", "orl $0xffffff80,(%ebx)", .len = 3, .size = 4,
	  .op = RMW, .rmw_op = OR, .has_imm = true, .imm = 0xffffff80),
	V(32, "f0 83 23 fe", "lock andl $0xfffffffe,(%ebx)", .len = 4,
	  .size = 4, .op = RMW, .rmw_op = AND, .has_imm = true,
	  .imm = 0xfffffffe, .lock = true),
	V(32, "a4", "movsb %ds:(%esi),%es:(%edi)", .len = 1, .size = 1,
	  .op = MOVS, .string = true),
	V(32, "a5", "movsl %ds:(%esi),%es:(%edi)", .len = 1, .size = 4,
	  .op = MOVS, .string = true),
	V(32, "66 a5", "movsw %ds:(%esi),%es:(%edi)", .len = 2, .size = 2,
	  .op = MOVS, .string = true),
	V(32, "f3 a5", "rep movsl %ds:(%esi),%es:(%edi)", .len = 2, .size = 4,
	  .op = MOVS, .string = true, .rep = true),
	V(32, "67 f3 a4", "rep movsb %ds:(%si),%es:(%di)", .len = 3, .size = 1,
	  .op = MOVS, .string = true, .rep = true, .addr_size = 2),
	V(32, "aa", "stos %al,%es:(%edi)", .len = 1, .size = 1, .op = STORE,
	  .string = true),
	V(32, "f3 ab", "rep stos %eax,%es:(%edi)", .len = 2, .size = 4,
	  .op = STORE, .string = true, .rep = true),
	V(32, "ac", "lods %ds:(%esi),%al", .len = 1, .size = 1, .op = LOAD,
	  .string = true),
	V(32, "ad", "lods %ds:(%esi),%eax", .len = 1, .size = 4, .op = LOAD,
	  .string = true),
	V(32, "26 8b 03", "mov %es:(%ebx),%eax", .len = 3, .size = 4,
	  .op = LOAD, .seg = VMLAB_SEGOVR_ES),
	V(32, "64 a1 00 00 00 00", "mov %fs:0x0,%eax", .len = 6, .size = 4,
	  .op = LOAD, .seg = VMLAB_SEGOVR_FS),
	V(32, "3e 88 03", "mov %al,%ds:(%ebx)", .len = 3, .size = 1,
	  .op = STORE, .seg = VMLAB_SEGOVR_DS),

	/* 16-bit mode. */
	V(16, "88 07", "mov %al,(%bx)", .len = 2, .size = 1, .op = STORE),
	V(16, "88 27", "mov %ah,(%bx)", .len = 2, .size = 1, .op = STORE,
	  .high_byte = true),
	V(16, "89 07", "mov %ax,(%bx)", .len = 2, .size = 2, .op = STORE),
	V(16, "66 89 07", "mov %eax,(%bx)", .len = 3, .size = 4, .op = STORE),
	V(16, "8b 06 34 12", "mov 0x1234,%ax", .len = 4, .size = 2, .op = LOAD),
	V(16, "8b 47 10", "mov 0x10(%bx),%ax", .len = 3, .size = 2,
	  .op = LOAD),
	V(16, "8b 87 34 12", "mov 0x1234(%bx),%ax", .len = 4, .size = 2,
	  .op = LOAD),
	V(16, "8b 00", "mov (%bx,%si),%ax", .len = 2, .size = 2, .op = LOAD),
	V(16, "8b 46 00", "mov 0x0(%bp),%ax", .len = 3, .size = 2, .op = LOAD),
	V(16, "8b 4e fe", "mov -0x2(%bp),%cx", .len = 3, .size = 2, .op = LOAD,
	  .reg = 1),
	V(16, "8a 3c", "mov (%si),%bh", .len = 2, .size = 1, .op = LOAD,
	  .reg = 3, .high_byte = true),
	V(16, "67 8b 03", "mov (%ebx),%ax", .len = 3, .size = 2, .op = LOAD,
	  .addr_size = 4),
	V(16, "67 8b 04 24", "mov (%esp),%ax", .len = 4, .size = 2,
	  .op = LOAD, .addr_size = 4),
	V(16, "67 8b 05 00 00 e0 fe", "addr32 mov 0xfee00000,%ax", .len = 7,
	  .size = 2, .op = LOAD, .addr_size = 4),
	V(16, "67 66 8b 84 8b 00 10 00 00", "mov 0x1000(%ebx,%ecx,4),%eax",
	  .len = 9, .size = 4, .op = LOAD, .addr_size = 4),
	V(16, "c6 07 12", "movb $0x12,(%bx)", .len = 3, .size = 1,
	  .op = STORE, .has_imm = true, .imm = 0x12),
	V(16, "c7 07 34 12", "movw $0x1234,(%bx)", .len = 4, .size = 2,
	  .op = STORE, .has_imm = true, .imm = 0x1234),
	V(16, "66 c7 07 78 56 34 12", "movl $0x12345678,(%bx)", .len = 7,
	  .size = 4, .op = STORE, .has_imm = true, .imm = 0x12345678),
	V(16, "c7 06 00 10 ff ff", "movw $0xffff,0x1000", .len = 6, .size = 2,
	  .op = STORE, .has_imm = true, .imm = 0xffff),
	V(16, "a0 34 12", "mov 0x1234,%al", .len = 3, .size = 1, .op = LOAD),
	V(16, "a1 34 12", "mov 0x1234,%ax", .len = 3, .size = 2, .op = LOAD),
	V(16, "a2 34 12", "mov %al,0x1234", .len = 3, .size = 1, .op = STORE),
	V(16, "a3 34 12", "mov %ax,0x1234", .len = 3, .size = 2, .op = STORE),
	V(16, "66 a1 34 12", "mov 0x1234,%eax", .len = 4, .size = 4,
	  .op = LOAD),
	V(16, "67 a1 00 00 e0 fe", "addr32 mov 0xfee00000,%ax", .len = 6,
	  .size = 2, .op = LOAD, .addr_size = 4),
	V(16, "0f b6 07", "movzbw (%bx),%ax", .len = 3, .size = 1, .op = LOAD,
	  .ext = ZX, .dst_size = 2),
	V(16, "66 0f b6 07", "movzbl (%bx),%eax", .len = 4, .size = 1,
	  .op = LOAD, .ext = ZX, .dst_size = 4),
	V(16, "66 0f b7 07", "movzwl (%bx),%eax", .len = 4, .size = 2,
	  .op = LOAD, .ext = ZX, .dst_size = 4),
	V(16, "0f be 07", "movsbw (%bx),%ax", .len = 3, .size = 1, .op = LOAD,
	  .ext = SX, .dst_size = 2),
	V(16, "66 0f bf 07", "movswl (%bx),%eax", .len = 4, .size = 2,
	  .op = LOAD, .ext = SX, .dst_size = 4),
	V(16, "86 07", "xchg %al,(%bx)", .len = 2, .size = 1, .op = XCHG),
	V(16, "87 07", "xchg %ax,(%bx)", .len = 2, .size = 2, .op = XCHG),
	V(16, "84 07", "test %al,(%bx)", .len = 2, .size = 1, .op = TEST),
	V(16, "85 07", "test %ax,(%bx)", .len = 2, .size = 2, .op = TEST),
	V(16, "f6 07 01", "testb $0x1,(%bx)", .len = 3, .size = 1, .op = TEST,
	  .has_imm = true, .imm = 1),
	V(16, "f7 07 34 12", "testw $0x1234,(%bx)", .len = 4, .size = 2,
	  .op = TEST, .has_imm = true, .imm = 0x1234),
	V(16, "66 f7 07 78 56 34 12", "testl $0x12345678,(%bx)", .len = 7,
	  .size = 4, .op = TEST, .has_imm = true, .imm = 0x12345678),
	V(16, "08 07", "or %al,(%bx)", .len = 2, .size = 1, .op = RMW,
	  .rmw_op = OR),
	V(16, "09 07", "or %ax,(%bx)", .len = 2, .size = 2, .op = RMW,
	  .rmw_op = OR),
	V(16, "20 07", "and %al,(%bx)", .len = 2, .size = 1, .op = RMW,
	  .rmw_op = AND),
	V(16, "21 07", "and %ax,(%bx)", .len = 2, .size = 2, .op = RMW,
	  .rmw_op = AND),
	V(16, "80 0f 01", "orb $0x1,(%bx)", .len = 3, .size = 1, .op = RMW,
	  .rmw_op = OR, .has_imm = true, .imm = 1),
	V(16, "81 27 ff 00", "andw $0xff,(%bx)", .len = 4, .size = 2,
	  .op = RMW, .rmw_op = AND, .has_imm = true, .imm = 0xff),
	V(16, "83 0f 80", "orw $0xff80,(%bx)", .len = 3, .size = 2, .op = RMW,
	  .rmw_op = OR, .has_imm = true, .imm = 0xff80),
	V(16, "66 83 0f 80", "orl $0xffffff80,(%bx)", .len = 4, .size = 4,
	  .op = RMW, .rmw_op = OR, .has_imm = true, .imm = 0xffffff80),
	V(16, "a4", "movsb %ds:(%si),%es:(%di)", .len = 1, .size = 1,
	  .op = MOVS, .string = true, .addr_size = 2),
	V(16, "a5", "movsw %ds:(%si),%es:(%di)", .len = 1, .size = 2,
	  .op = MOVS, .string = true),
	V(16, "66 a5", "movsl %ds:(%si),%es:(%di)", .len = 2, .size = 4,
	  .op = MOVS, .string = true),
	V(16, "f3 a4", "rep movsb %ds:(%si),%es:(%di)", .len = 2, .size = 1,
	  .op = MOVS, .string = true, .rep = true),
	V(16, "67 f3 66 a5", "rep movsl %ds:(%esi),%es:(%edi)", .len = 4,
	  .size = 4, .op = MOVS, .string = true, .rep = true, .addr_size = 4),
	V(16, "aa", "stos %al,%es:(%di)", .len = 1, .size = 1, .op = STORE,
	  .string = true),
	V(16, "ab", "stos %ax,%es:(%di)", .len = 1, .size = 2, .op = STORE,
	  .string = true),
	V(16, "ac", "lods %ds:(%si),%al", .len = 1, .size = 1, .op = LOAD,
	  .string = true),
	V(16, "ad", "lods %ds:(%si),%ax", .len = 1, .size = 2, .op = LOAD,
	  .string = true),
	V(16, "26 8b 07", "mov %es:(%bx),%ax", .len = 3, .size = 2, .op = LOAD,
	  .seg = VMLAB_SEGOVR_ES),
	V(16, "2e a1 34 12", "mov %cs:0x1234,%ax", .len = 4, .size = 2,
	  .op = LOAD, .seg = VMLAB_SEGOVR_CS),
};

/* Byte strings the decoder must refuse, with the whole instruction given. */
struct bad {
	enum vmlab_insn_mode mode;
	const char *hex;
	const char *text;
};

#define B(m, h, t) { VMLAB_MODE_##m, h, t }

static const struct bad unsupported[] = {
	/* Register operands: not a memory access at all. */
	B(64, "89 c3", "mov %eax,%ebx"),
	B(64, "8b c0", "mov %eax,%eax"),
	B(64, "48 8b d8", "mov %rax,%rbx"),
	B(64, "c6 c0 01", "mov $0x1,%al"),
	B(64, "c7 c0 01 00 00 00", "mov $0x1,%eax"),
	B(64, "0f b6 c0", "movzbl %al,%eax"),
	B(64, "87 c3", "xchg %eax,%ebx"),
	B(64, "85 c0", "test %eax,%eax"),
	B(64, "83 c8 01", "or $0x1,%eax"),
	B(32, "89 c3", "mov %eax,%ebx"),
	B(16, "89 c3", "mov %ax,%bx"),
	/* /digits we do not emulate. */
	B(64, "c6 08 01", "(bad)"),
	B(64, "c7 08 01 00 00 00", "(bad)"),
	B(64, "f6 13", "notb (%rbx)"),
	B(64, "f7 1b", "negl (%rbx)"),
	B(64, "f7 23", "mull (%rbx)"),
	B(64, "80 03 01", "addb $0x1,(%rbx)"),
	B(64, "81 33 01 00 00 00", "xorl $0x1,(%rbx)"),
	B(64, "83 3b 00", "cmpl $0x0,(%rbx)"),
	B(64, "83 2b 01", "subl $0x1,(%rbx)"),
	/* LOCK and REP where the CPU does not take them. */
	B(64, "f0 89 03", "lock mov %eax,(%rbx)"),
	B(64, "f0 8b 03", "lock mov (%rbx),%eax"),
	B(64, "f0 85 03", "lock test %eax,(%rbx)"),
	B(64, "f0 a4", "lock movsb %ds:(%rsi),%es:(%rdi)"),
	B(64, "f0 c7 03 01 00 00 00", "lock movl $0x1,(%rbx)"),
	B(64, "f3 89 03", "xrelease mov %eax,(%rbx)"),
	B(64, "f2 8b 03", "repnz mov (%rbx),%eax"),
	B(32, "f0 0f b6 03", "lock movzbl (%ebx),%eax"),
	/* Port I/O, not MMIO. */
	B(64, "6c", "insb (%dx),%es:(%rdi)"),
	B(64, "6d", "insl (%dx),%es:(%rdi)"),
	B(64, "6e", "outsb %ds:(%rsi),(%dx)"),
	B(64, "6f", "outsl %ds:(%rsi),(%dx)"),
	B(64, "f3 6e", "rep outsb %ds:(%rsi),(%dx)"),
	B(32, "6c", "insb (%dx),%es:(%edi)"),
	/* VEX, EVEX, x87, SSE and the rest of the arithmetic. */
	B(64, "c5 f9 6f 03", "vmovdqa (%rbx),%xmm0"),
	B(64, "c4 e2 79 18 03", "vbroadcastss (%rbx),%xmm0"),
	B(64, "62 f1 7c 48 28 03", "vmovaps (%rbx),%zmm0"),
	B(64, "d9 03", "flds (%rbx)"),
	B(64, "0f 10 03", "movups (%rbx),%xmm0"),
	B(64, "66 0f 6f 03", "movdqa (%rbx),%xmm0"),
	B(64, "f3 0f 6f 03", "movdqu (%rbx),%xmm0"),
	B(64, "0f 38 f0 03", "movbe (%rbx),%eax"),
	B(64, "01 03", "add %eax,(%rbx)"),
	B(64, "31 03", "xor %eax,(%rbx)"),
	B(64, "ff 03", "incl (%rbx)"),
	B(64, "0f b8 03", "(bad)"),
	B(64, "8e 03", "mov (%rbx),%es"),
	B(64, "a6", "cmpsb %es:(%rdi),%ds:(%rsi)"),
	B(64, "ae", "scas %es:(%rdi),%al"),
	B(32, "c4 03", "les (%ebx),%eax"),
	/* MOVSXD is ARPL outside 64-bit mode; REX is INC/DEC. */
	B(32, "63 03", "arpl %ax,(%ebx)"),
	B(16, "63 07", "arpl %ax,(%bx)"),
	B(32, "48 89 03", "dec %eax ; mov %eax,(%ebx)"),
	B(16, "40 89 07", "inc %ax ; mov %ax,(%bx)"),
	/* Sixteen bytes: #GP on the CPU, however it would decode. */
	B(64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 03",
	  "(bad) over 15 bytes"),
	B(64, "2e 2e 3e 64 48 c7 84 24 00 01 00 00 ff ff ff 7f",
	  "(bad) over 15 bytes"),
};

static unsigned int parse_hex(const char *hex, __u8 *buf, unsigned int max)
{
	unsigned int n = 0;

	while (*hex && n < max) {
		char *end;

		buf[n++] = (__u8)strtoul(hex, &end, 16);
		hex = end;
	}
	return n;
}

/* Decodes from a copy of exactly @n bytes, so ASan sees any over-read. */
static int decode_exact(const __u8 *bytes, unsigned int n,
			enum vmlab_insn_mode mode, struct vmlab_mmio_insn *out)
{
	__u8 *copy = malloc(n ? n : 1);
	int rc;

	memcpy(copy, bytes, n);
	rc = vmlab_decode_mmio(copy, n, mode, out);
	free(copy);
	return rc;
}

#define FIELD_EQ(field, want_value)					\
	CHECK((unsigned long long)got.field ==				\
	      (unsigned long long)(want_value),				\
	      "%s (mode %d): " #field " = %#llx, want %#llx", v->text,	\
	      v->mode, (unsigned long long)got.field,			\
	      (unsigned long long)(want_value))

static bool op_reads(int op)
{
	return op != STORE;
}

static bool op_writes(int op)
{
	return op == STORE || op == XCHG || op == RMW || op == MOVS;
}

static void check_vector(const struct vec *v)
{
	const struct vmlab_mmio_insn *want = &v->want;
	struct vmlab_mmio_insn got;
	__u8 bytes[32];
	unsigned int n = parse_hex(v->hex, bytes, sizeof(bytes));
	int rc = decode_exact(bytes, n, v->mode, &got);

	CHECK(rc == 0, "%s (mode %d): rc %d", v->text, v->mode, rc);
	if (rc)
		return;
	CHECK(want->len == n, "%s: table length %u != %u bytes", v->text,
	      want->len, n);
	FIELD_EQ(len, want->len);
	FIELD_EQ(size, want->size);
	FIELD_EQ(op, want->op);
	FIELD_EQ(rmw_op, want->rmw_op);
	FIELD_EQ(ext, want->ext);
	FIELD_EQ(dst_size, want->dst_size ? want->dst_size : want->size);
	FIELD_EQ(reg, want->reg);
	FIELD_EQ(high_byte, want->high_byte);
	FIELD_EQ(has_imm, want->has_imm);
	FIELD_EQ(imm, want->imm);
	FIELD_EQ(addr_size, want->addr_size ? want->addr_size : v->mode);
	FIELD_EQ(seg, want->seg);
	FIELD_EQ(string, want->string);
	FIELD_EQ(rep, want->rep);
	FIELD_EQ(lock, want->lock);
	FIELD_EQ(read, op_reads(want->op));
	FIELD_EQ(write, op_writes(want->op));
}

static void decodes_every_vector(void)
{
	for (size_t i = 0; i < N_ELEMS(vectors); i++)
		check_vector(&vectors[i]);
}

static void covers_every_mode_and_op(void)
{
	static const int modes[] = { VMLAB_MODE_16, VMLAB_MODE_32,
				     VMLAB_MODE_64 };
	static const int ops[] = { LOAD, STORE, XCHG, TEST, RMW, MOVS };

	for (size_t m = 0; m < N_ELEMS(modes); m++) {
		for (size_t o = 0; o < N_ELEMS(ops); o++) {
			int seen = 0;

			for (size_t i = 0; i < N_ELEMS(vectors); i++)
				seen += (int)vectors[i].mode == modes[m] &&
					vectors[i].want.op == ops[o];
			CHECK(seen > 0, "no vector for mode %d op %d", modes[m],
			      ops[o]);
		}
	}
}

static void trailing_bytes_are_not_read(void)
{
	for (size_t i = 0; i < N_ELEMS(vectors); i++) {
		const struct vec *v = &vectors[i];
		struct vmlab_mmio_insn alone, padded;
		__u8 bytes[32];
		unsigned int n = parse_hex(v->hex, bytes, sizeof(bytes));

		/* Bytes that would lengthen the instruction if it read them. */
		for (unsigned int k = n; k < sizeof(bytes); k++)
			bytes[k] = 0x66;
		CHECK_EQ(decode_exact(bytes, n, v->mode, &alone), 0);
		CHECK_EQ(decode_exact(bytes, sizeof(bytes), v->mode, &padded), 0);
		CHECK(!memcmp(&alone, &padded, sizeof(alone)), "%s", v->text);
	}
}

static void every_strict_prefix_is_truncated(void)
{
	for (size_t i = 0; i < N_ELEMS(vectors); i++) {
		const struct vec *v = &vectors[i];
		struct vmlab_mmio_insn got;
		__u8 bytes[32];
		unsigned int n = parse_hex(v->hex, bytes, sizeof(bytes));

		for (unsigned int k = 0; k < n; k++) {
			int rc = decode_exact(bytes, k, v->mode, &got);

			CHECK(rc == VMLAB_DECODE_TRUNCATED,
			      "%s: %u of %u bytes: rc %d", v->text, k, n, rc);
		}
	}
}

static void refuses_unsupported(void)
{
	for (size_t i = 0; i < N_ELEMS(unsupported); i++) {
		const struct bad *b = &unsupported[i];
		struct vmlab_mmio_insn got;
		__u8 bytes[32];
		unsigned int n = parse_hex(b->hex, bytes, sizeof(bytes));
		int rc = decode_exact(bytes, n, b->mode, &got);

		CHECK(rc == VMLAB_DECODE_UNSUPPORTED, "%s (mode %d): rc %d",
		      b->text, b->mode, rc);
	}
}

static void refuses_bad_modes_and_empty_input(void)
{
	static const __u8 mov[] = { 0x89, 0x03 };
	struct vmlab_mmio_insn got;

	CHECK_EQ(vmlab_decode_mmio(mov, 2, 0, &got), VMLAB_DECODE_UNSUPPORTED);
	CHECK_EQ(vmlab_decode_mmio(mov, 2, 3, &got), VMLAB_DECODE_UNSUPPORTED);
	CHECK_EQ(vmlab_decode_mmio(mov, 2, 16, &got), VMLAB_DECODE_UNSUPPORTED);
	CHECK_EQ(vmlab_decode_mmio(mov, 0, VMLAB_MODE_64, &got),
		 VMLAB_DECODE_TRUNCATED);
	CHECK_EQ(vmlab_decode_mmio(NULL, 0, VMLAB_MODE_32, &got),
		 VMLAB_DECODE_TRUNCATED);
}

static void length_limit_is_fifteen_bytes(void)
{
	__u8 bytes[20];
	struct vmlab_mmio_insn got;

	/* k 0x66 prefixes then 89 03: valid up to 13 prefixes. */
	for (unsigned int k = 0; k <= 18; k++) {
		unsigned int len = k + 2;

		for (unsigned int i = 0; i < k; i++)
			bytes[i] = 0x66;
		bytes[k] = 0x89;
		bytes[k + 1] = 0x03;
		for (unsigned int n = 0; n <= len; n++) {
			int rc = decode_exact(bytes, n, VMLAB_MODE_64, &got);
			int want;

			if (n >= VMLAB_INSN_MAX_LEN && len > VMLAB_INSN_MAX_LEN)
				want = VMLAB_DECODE_UNSUPPORTED;
			else if (n < len)
				want = VMLAB_DECODE_TRUNCATED;
			else
				want = 0;
			CHECK(rc == want, "%u prefixes, %u bytes: rc %d want %d",
			      k, n, rc, want);
		}
	}
}

static void reports_modrm_reg(void)
{
	static const struct {
		const char *hex;
		bool has_modrm;
		__u8 modrm_reg;
		__u8 reg;
	} cases[] = {
		{ "c6 00 01", true, 0, 0 },		/* movb $0x1,(%rax) */
		{ "80 23 01", true, 4, 0 },		/* andb $0x1,(%rbx) */
		{ "83 0b 01", true, 1, 0 },		/* orl $0x1,(%rbx) */
		{ "f6 0b 01", true, 1, 0 },		/* testb $0x1,(%rbx) */
		{ "44 89 03", true, 0, 8 },		/* mov %r8d,(%rbx) */
		{ "88 23", true, 4, 0 },		/* mov %ah,(%rbx) */
		{ "40 88 23", true, 4, 4 },		/* mov %spl,(%rbx) */
		{ "4c 8b 3b", true, 7, 15 },		/* mov (%rbx),%r15 */
		{ "a1 00 00 00 00 00 00 00 00", false, 0, 0 },
		{ "ab", false, 0, 0 },			/* stos %eax */
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct vmlab_mmio_insn got;
		__u8 bytes[16];
		unsigned int n = parse_hex(cases[i].hex, bytes, sizeof(bytes));

		CHECK_EQ(decode_exact(bytes, n, VMLAB_MODE_64, &got), 0);
		CHECK(got.has_modrm == cases[i].has_modrm, "%s", cases[i].hex);
		CHECK(got.modrm_reg == cases[i].modrm_reg, "%s", cases[i].hex);
		CHECK(got.reg == cases[i].reg, "%s", cases[i].hex);
	}
}

/* xorshift64: a fixed sequence, so a failure can be replayed. */
static __u64 next_random(__u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void check_garbage(const __u8 *bytes, unsigned int n,
			  enum vmlab_insn_mode mode)
{
	struct vmlab_mmio_insn got;
	int rc = decode_exact(bytes, n, mode, &got);

	CHECK(rc == 0 || rc == VMLAB_DECODE_UNSUPPORTED ||
	      rc == VMLAB_DECODE_TRUNCATED, "rc %d", rc);
	if (rc == VMLAB_DECODE_TRUNCATED)
		CHECK(n < VMLAB_INSN_MAX_LEN, "truncated at %u bytes", n);
	if (rc)
		return;
	CHECK(got.len >= 1 && got.len <= n && got.len <= VMLAB_INSN_MAX_LEN,
	      "len %u of %u", got.len, n);
	CHECK(got.size == 1 || got.size == 2 || got.size == 4 || got.size == 8,
	      "size %u", got.size);
	CHECK(got.reg < 16, "reg %u", got.reg);
	CHECK(!got.high_byte || got.reg < 4, "high byte of reg %u", got.reg);
}

static void survives_random_garbage(void)
{
	static const enum vmlab_insn_mode modes[] = {
		VMLAB_MODE_16, VMLAB_MODE_32, VMLAB_MODE_64
	};
	__u64 state = 0x9e3779b97f4a7c15ULL;

	for (int s = 0; s < 16; s++) {
		__u8 bytes[VMLAB_INSN_MAX_LEN + 5];

		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (__u8)next_random(&state);
		for (size_t m = 0; m < N_ELEMS(modes); m++)
			for (unsigned int n = 0; n <= sizeof(bytes); n++)
				check_garbage(bytes, n, modes[m]);
	}
}

/* Every two-byte start, with a random tail and every cut-off. */
static void survives_every_two_byte_start(void)
{
	static const enum vmlab_insn_mode modes[] = {
		VMLAB_MODE_16, VMLAB_MODE_32, VMLAB_MODE_64
	};
	__u64 state = 0x0123456789abcdefULL;
	__u8 bytes[VMLAB_INSN_MAX_LEN];

	for (unsigned int start = 0; start < 0x10000; start++) {
		bytes[0] = start >> 8;
		bytes[1] = start & 0xff;
		for (size_t i = 2; i < sizeof(bytes); i++)
			bytes[i] = (__u8)next_random(&state);
		for (size_t m = 0; m < N_ELEMS(modes); m++) {
			struct vmlab_mmio_insn whole, exact;

			check_garbage(bytes, sizeof(bytes), modes[m]);
			if (vmlab_decode_mmio(bytes, sizeof(bytes), modes[m],
					      &whole))
				continue;
			/* What decodes must decode the same from just its bytes. */
			CHECK_EQ(decode_exact(bytes, whole.len, modes[m], &exact), 0);
			CHECK(!memcmp(&whole, &exact, sizeof(whole)),
			      "start %04x", start);
			if (whole.len > 1)
				CHECK_EQ(decode_exact(bytes, whole.len - 1,
						      modes[m], &exact),
					 VMLAB_DECODE_TRUNCATED);
		}
	}
}

/* Decodes @hex in @mode, which the test expects to succeed. */
static struct vmlab_mmio_insn decode_hex(const char *hex,
					 enum vmlab_insn_mode mode)
{
	struct vmlab_mmio_insn insn;
	__u8 bytes[16];
	unsigned int n = parse_hex(hex, bytes, sizeof(bytes));
	int rc = decode_exact(bytes, n, mode, &insn);

	CHECK(rc == 0, "%s: rc %d", hex, rc);
	return insn;
}

#define OLD 0x1122334455667788ULL

static __u64 load64(const char *hex, __u64 old_reg, __u64 data)
{
	struct vmlab_mmio_insn insn = decode_hex(hex, VMLAB_MODE_64);

	return vmlab_mmio_load_result(&insn, old_reg, data);
}

static void load_result_partial_registers(void)
{
	/* mov (%rdi),%al / %ah / %spl: only the addressed byte changes. */
	CHECK_EQ(load64("8a 07", OLD, 0xab), 0x11223344556677abULL);
	CHECK_EQ(load64("8a 27", OLD, 0xab), 0x112233445566ab88ULL);
	CHECK_EQ(load64("40 8a 27", OLD, 0xab), 0x11223344556677abULL);
	/* Bytes of the data past the access size are ignored. */
	CHECK_EQ(load64("8a 27", OLD, 0xffffffffffffffabULL),
		 0x112233445566ab88ULL);
	CHECK_EQ(load64("8a 07", OLD, 0xffffff00), 0x1122334455667700ULL);
	/* mov (%rdi),%ax keeps bits 63:16. */
	CHECK_EQ(load64("66 8b 07", OLD, 0xbeef), 0x112233445566beefULL);
	CHECK_EQ(load64("66 8b 07", OLD, 0xdeadbeef), 0x112233445566beefULL);
	/* mov (%rdi),%eax zeroes bits 63:32, like the CPU. */
	CHECK_EQ(load64("8b 07", OLD, 0xdeadbeef), 0xdeadbeefULL);
	CHECK_EQ(load64("8b 07", OLD, 0xffffffff00000001ULL), 1);
	CHECK_EQ(load64("48 8b 07", OLD, 0xfedcba9876543210ULL),
		 0xfedcba9876543210ULL);
	/* lods and the moffs form follow the same rules. */
	CHECK_EQ(load64("ad", OLD, 0x80000000), 0x80000000);
	CHECK_EQ(load64("ac", OLD, 0x80), 0x1122334455667780ULL);
	CHECK_EQ(load64("a0 00 00 00 00 00 00 00 00", OLD, 0x5a),
		 0x112233445566775aULL);
}

static void load_result_extensions(void)
{
	/* movsbl (%rdi),%eax of 0x80: sign into 32 bits, upper half zero. */
	CHECK_EQ(load64("0f be 07", OLD, 0x80), 0xffffff80ULL);
	CHECK_EQ(load64("0f be 07", OLD, 0x7f), 0x7f);
	CHECK_EQ(load64("66 0f be 07", OLD, 0x80), 0x112233445566ff80ULL);
	CHECK_EQ(load64("48 0f be 07", OLD, 0x80), 0xffffffffffffff80ULL);
	CHECK_EQ(load64("0f bf 07", OLD, 0x8000), 0xffff8000ULL);
	CHECK_EQ(load64("48 0f bf 07", OLD, 0x8000), 0xffffffffffff8000ULL);
	CHECK_EQ(load64("48 0f bf 07", OLD, 0x12348000), 0xffffffffffff8000ULL);
	CHECK_EQ(load64("48 63 07", OLD, 0x80000000), 0xffffffff80000000ULL);
	CHECK_EQ(load64("48 63 07", OLD, 0x7fffffff), 0x7fffffff);
	CHECK_EQ(load64("63 07", OLD, 0x80000000), 0x80000000);
	/* movzbl / movzbq / movzbw / movzwl. */
	CHECK_EQ(load64("0f b6 07", OLD, 0xff), 0xff);
	CHECK_EQ(load64("0f b6 07", OLD, 0xfff0), 0xf0);
	CHECK_EQ(load64("48 0f b6 07", OLD, 0x80), 0x80);
	CHECK_EQ(load64("66 0f b6 07", OLD, 0xff), 0x11223344556600ffULL);
	CHECK_EQ(load64("0f b7 07", OLD, 0xffff), 0xffff);
	CHECK_EQ(load64("48 0f b7 07", OLD, 0x8000), 0x8000);
}

static void load_result_other_modes(void)
{
	struct vmlab_mmio_insn insn;

	/* 32-bit code: mov (%edi),%ax keeps the rest, %eax is all of it. */
	insn = decode_hex("66 8b 07", VMLAB_MODE_32);
	CHECK_EQ(vmlab_mmio_load_result(&insn, 0x12345678, 0xbeef),
		 0x1234beef);
	insn = decode_hex("8a 27", VMLAB_MODE_32);
	CHECK_EQ(vmlab_mmio_load_result(&insn, 0x12345678, 0xab), 0x1234ab78);
	insn = decode_hex("0f be 07", VMLAB_MODE_32);
	CHECK_EQ(vmlab_mmio_load_result(&insn, 0x12345678, 0x80), 0xffffff80);
	/* 16-bit code: movzbw and mov (%bx),%eax. */
	insn = decode_hex("0f b6 07", VMLAB_MODE_16);
	CHECK_EQ(vmlab_mmio_load_result(&insn, 0x12345678, 0x80), 0x12340080);
	insn = decode_hex("66 8b 07", VMLAB_MODE_16);
	CHECK_EQ(vmlab_mmio_load_result(&insn, 0x12345678, 0xcafef00d),
		 0xcafef00d);
}

static __u64 store64(const char *hex, __u64 reg_value)
{
	struct vmlab_mmio_insn insn = decode_hex(hex, VMLAB_MODE_64);

	return vmlab_mmio_store_value(&insn, reg_value);
}

static void store_value_from_registers(void)
{
	CHECK_EQ(store64("88 07", OLD), 0x88);			/* %al */
	CHECK_EQ(store64("88 27", OLD), 0x77);			/* %ah */
	CHECK_EQ(store64("40 88 27", OLD), 0x88);		/* %spl */
	CHECK_EQ(store64("66 89 07", OLD), 0x7788);
	CHECK_EQ(store64("89 07", OLD), 0x55667788);
	CHECK_EQ(store64("48 89 07", OLD), OLD);
	CHECK_EQ(store64("aa", OLD), 0x88);			/* stos %al */
	CHECK_EQ(store64("48 ab", OLD), OLD);
	CHECK_EQ(store64("a3 00 00 00 00 00 00 00 00", OLD), 0x55667788);
	CHECK_EQ(store64("86 3f", OLD), 0x77);			/* xchg %bh */
}

static void store_value_from_immediates(void)
{
	/* The register value is ignored when there is an immediate. */
	CHECK_EQ(store64("c6 07 80", OLD), 0x80);
	CHECK_EQ(store64("c7 07 78 56 34 12", OLD), 0x12345678);
	CHECK_EQ(store64("66 c7 07 34 12", OLD), 0x1234);
	CHECK_EQ(store64("48 c7 07 00 00 00 80", OLD), 0xffffffff80000000ULL);
	CHECK_EQ(store64("66 83 0f ff", OLD), 0xffff);
	CHECK_EQ(store64("83 0f ff", OLD), 0xffffffff);
	CHECK_EQ(store64("48 83 0f ff", OLD), ~0ULL);
	CHECK_EQ(store64("f7 07 ff ff ff ff", OLD), 0xffffffff);
}

static void test_flags(void)
{
	const __u64 keep = BIT1 | TF | IF | DF | (1ULL << 21);
	const __u64 all = keep | CF | PF | AF | ZF | SF | OF;

	/* Zero result: ZF and PF (no bits set is even parity). */
	CHECK_EQ(vmlab_flags_after_test(0xf0, 0x0f, 1, all), keep | ZF | PF);
	CHECK_EQ(vmlab_flags_after_test(0xf0, 0x0f, 1, BIT1), BIT1 | ZF | PF);
	/* One bit set: odd parity, sign of the byte. */
	CHECK_EQ(vmlab_flags_after_test(0x80, 0xff, 1, all), keep | SF);
	CHECK_EQ(vmlab_flags_after_test(0x01, 0x01, 1, all), keep);
	CHECK_EQ(vmlab_flags_after_test(0x03, 0x03, 1, all), keep | PF);
	CHECK_EQ(vmlab_flags_after_test(0x07, 0xff, 1, all), keep);
	/* The sign bit is the top bit of the size, and bits above it vanish. */
	CHECK_EQ(vmlab_flags_after_test(0x8000, 0xffff, 2, all),
		 keep | SF | PF);
	CHECK_EQ(vmlab_flags_after_test(0x80000000, ~0ULL, 4, all),
		 keep | SF | PF);
	CHECK_EQ(vmlab_flags_after_test(0x80000000, ~0ULL, 8, all),
		 keep | PF);
	CHECK_EQ(vmlab_flags_after_test(1ULL << 63, ~0ULL, 8, all),
		 keep | SF | PF);
	CHECK_EQ(vmlab_flags_after_test(0x100, 0x100, 1, all),
		 keep | ZF | PF);
	CHECK_EQ(vmlab_flags_after_test(0x100000000ULL, ~0ULL, 4, 0),
		 ZF | PF);
	/* PF only looks at the low byte. */
	CHECK_EQ(vmlab_flags_after_test(0x0100, 0xffff, 2, 0), PF);
	CHECK_EQ(vmlab_flags_after_test(0x0101, 0xffff, 2, 0), 0);
	CHECK_EQ(vmlab_flags_after_test(0xff, 0xff, 1, 0), PF | SF);
	/* A size outside 1-8 must not shift out of range. */
	CHECK_EQ(vmlab_flags_after_test(1, 1, 0, 0), 0);
	CHECK_EQ(vmlab_flags_after_test(1, 1, 9, 0), 0);
}

static void rmw_apply_or_and(void)
{
	struct vmlab_mmio_insn insn;
	__u64 rflags;

	insn = decode_hex("80 0b 01", VMLAB_MODE_64);	/* orb $0x1 */
	rflags = CF | OF | IF;
	CHECK_EQ(vmlab_rmw_apply(&insn, 0x80, vmlab_mmio_store_value(&insn, 0),
				 &rflags), 0x81);
	CHECK_EQ(rflags, IF | SF | PF);

	insn = decode_hex("48 83 23 f0", VMLAB_MODE_64);	/* andq $-16 */
	rflags = 0;
	CHECK_EQ(vmlab_rmw_apply(&insn, 0xf, vmlab_mmio_store_value(&insn, 0),
				 &rflags), 0);
	CHECK_EQ(rflags, ZF | PF);

	insn = decode_hex("20 23", VMLAB_MODE_64);	/* and %ah,(%rbx) */
	rflags = ZF;
	CHECK_EQ(vmlab_rmw_apply(&insn, 0xff,
				 vmlab_mmio_store_value(&insn, 0x3c00),
				 &rflags), 0x3c);
	CHECK_EQ(rflags, PF);

	insn = decode_hex("66 09 03", VMLAB_MODE_64);	/* or %ax */
	rflags = 0;
	CHECK_EQ(vmlab_rmw_apply(&insn, 0xffff0000, 0x8001, &rflags), 0x8001);
	CHECK_EQ(rflags, SF);
}

/*
 * A guest's view: a register file and a device register, driven only
 * through the decoder's output as the hypervisor will drive it.
 */
struct fake_cpu {
	__u64 gpr[16];
	__u64 rflags;
	__u64 rip;
	__u64 device;
};

static void emulate(struct fake_cpu *cpu, const char *hex)
{
	struct vmlab_mmio_insn insn = decode_hex(hex, VMLAB_MODE_64);
	__u64 *reg = &cpu->gpr[insn.reg];
	__u64 old = cpu->device & size_mask(insn.size);
	__u64 src = vmlab_mmio_store_value(&insn, *reg);

	switch (insn.op) {
	case VMLAB_MMIO_OP_LOAD:
		*reg = vmlab_mmio_load_result(&insn, *reg, old);
		break;
	case VMLAB_MMIO_OP_STORE:
		cpu->device = src;
		break;
	case VMLAB_MMIO_OP_XCHG:
		cpu->device = src;
		*reg = vmlab_mmio_load_result(&insn, *reg, old);
		break;
	case VMLAB_MMIO_OP_TEST:
		cpu->rflags = vmlab_flags_after_test(old, src, insn.size,
						     cpu->rflags);
		break;
	case VMLAB_MMIO_OP_RMW:
		cpu->device = vmlab_rmw_apply(&insn, old, src, &cpu->rflags);
		break;
	default:
		CHECK(0, "%s: op %d", hex, insn.op);
	}
	cpu->rip += insn.len;
}

static void drives_a_fake_device(void)
{
	struct fake_cpu cpu = { .rflags = BIT1 | IF };

	cpu.gpr[0] = 0xaaaaaaaa12345678ULL;
	emulate(&cpu, "89 07");				/* mov %eax,(%rdi) */
	CHECK_EQ(cpu.device, 0x12345678);
	emulate(&cpu, "87 37");				/* xchg %esi,(%rdi) */
	CHECK_EQ(cpu.device, 0);
	CHECK_EQ(cpu.gpr[6], 0x12345678);
	emulate(&cpu, "80 0f 80");			/* orb $0x80,(%rdi) */
	CHECK_EQ(cpu.device, 0x80);
	CHECK_EQ(cpu.rflags, BIT1 | IF | SF);
	emulate(&cpu, "f6 07 01");			/* testb $0x1,(%rdi) */
	CHECK_EQ(cpu.rflags, BIT1 | IF | ZF | PF);
	emulate(&cpu, "8a 27");				/* mov (%rdi),%ah */
	CHECK_EQ(cpu.gpr[0], 0xaaaaaaaa12348078ULL);
	emulate(&cpu, "4c 0f be 07");			/* movsbq (%rdi),%r8 */
	CHECK_EQ(cpu.gpr[8], 0xffffffffffffff80ULL);
	emulate(&cpu, "c7 07 ef be ad de");		/* movl $0xdeadbeef */
	CHECK_EQ(cpu.device, 0xdeadbeef);
	emulate(&cpu, "8b 1f");				/* mov (%rdi),%ebx */
	CHECK_EQ(cpu.gpr[3], 0xdeadbeef);
	CHECK_EQ(cpu.rip, 2 + 2 + 3 + 3 + 2 + 4 + 6 + 2);
}

int main(void)
{
	check_prog = "decode";
	RUN(decodes_every_vector);
	RUN(covers_every_mode_and_op);
	RUN(trailing_bytes_are_not_read);
	RUN(every_strict_prefix_is_truncated);
	RUN(refuses_unsupported);
	RUN(refuses_bad_modes_and_empty_input);
	RUN(length_limit_is_fifteen_bytes);
	RUN(reports_modrm_reg);
	RUN(survives_random_garbage);
	RUN(survives_every_two_byte_start);
	RUN(load_result_partial_registers);
	RUN(load_result_extensions);
	RUN(load_result_other_modes);
	RUN(store_value_from_registers);
	RUN(store_value_from_immediates);
	RUN(test_flags);
	RUN(rmw_apply_or_and);
	RUN(drives_a_fake_device);
	return check_done();
}
