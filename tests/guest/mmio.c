// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO from the guest: the instruction forms the module decodes (MOV of
 * 1/2/4/8 bytes through registers, immediates and absolute addresses,
 * MOVZX/MOVSX/MOVSXD, TEST, XCHG, OR/AND, string instructions), from
 * 64-bit code, 32-bit code and real mode, and the read-only slot.  The
 * guest checks every value it reads; the host checks every write (the
 * list in tests/host/guest_mmio.c follows the order of this file).
 */
#include "guest.h"
#include "mmio.h"

#define HI	GUEST_MMIO_BASE

/* What the device holds at @off before anyone writes: @len bytes, LE. */
static uint64_t expect(unsigned int off, unsigned int len, uint32_t seed)
{
	uint64_t v = 0;

	while (len--)
		v = v << 8 | guest_pattern(off + len, seed);
	return v;
}

/*
 * Real mode: FS = 0xffff puts GUEST_MMIO_LOW at FS:0x10, so FS:0x10+off
 * is offset off of the low device.
 */
extern uint32_t rm_r[8];

asm(".pushsection .text16, \"ax\"\n"
    ".code16\n"
    ".globl guest_hook16\n"
    "guest_hook16:\n"
    "	pushw %fs\n"
    "	movw $0xffff, %ax\n"
    "	movw %ax, %fs\n"
    "	movb $0x5a, %fs:0x30\n"			/* W: low+0x20, 1 */
    "	movw $0x1234, %fs:0x32\n"		/* W: low+0x22, 2 */
    "	movl $0xcafef00d, %fs:0x34\n"		/* W: low+0x24, 4 */
    "	movw $0x5678, %dx\n"
    "	xchgw %dx, %fs:0x32\n"			/* R, then W: low+0x22 */
    "	movw %dx, rm_r\n"
    "	movl %fs:0x20, %eax\n"			/* low+0x10, 4 */
    "	movl %eax, rm_r + 4\n"
    "	movw $0x40, %bx\n"
    "	movw $0x8, %si\n"
    "	movw %fs:(%bx,%si), %cx\n"		/* low+0x38, 2 */
    "	movw %cx, rm_r + 8\n"
    "	movzbl %fs:0x50, %ecx\n"		/* low+0x40, 1 */
    "	movl %ecx, rm_r + 12\n"
    "	movsbw %fs:0x51, %cx\n"			/* low+0x41, 1 */
    "	movw %cx, rm_r + 16\n"
    "	movb %fs:0x30, %al\n"			/* low+0x20: what we wrote */
    "	movb %al, rm_r + 20\n"
    "	movw %fs:0x32, %ax\n"			/* low+0x22: XCHG's write */
    "	movw %ax, rm_r + 24\n"
    "	popw %fs\n"
    "	ret\n"
    ".code32\n"
    ".globl guest_hook32\n"
    "guest_hook32:\n"
    "	movl 0xd0000200, %eax\n"		/* A1 moffs32 */
    "	movl %eax, pm_r\n"
    "	movl $0xdeadbeef, 0xd0000210\n"		/* W: hi+0x210, 4 */
    "	movsbl 0xd0000210, %ecx\n"
    "	movl %ecx, pm_r + 4\n"
    "	movw $0xbeef, 0xd0000214\n"		/* W: hi+0x214, 2 */
    "	movl $0xd0000208, %ebx\n"
    "	movl (%ebx), %edx\n"
    "	movl %edx, pm_r + 8\n"
    "	movl $0x01020304, %esi\n"
    "	xchgl %esi, 0xd0000210\n"		/* R, then W: hi+0x210, 4 */
    "	movl %esi, pm_r + 12\n"
    "	movzwl 0xd0000214, %eax\n"
    "	movl %eax, pm_r + 16\n"
    "	ret\n"
    ".code64\n"
    ".section .data16, \"aw\"\n"
    ".p2align 2\n"
    ".globl rm_r, pm_r\n"
    "rm_r: .fill 8, 4, 0xffffffff\n"
    "pm_r: .fill 8, 4, 0xffffffff\n"
    ".popsection\n");

extern uint32_t pm_r[8];

static void check_real_mode(void)
{
	GCHECK_EQ(rm_r[0] & 0xffff, 0x1234);		/* XCHG: the old value */
	GCHECK_EQ(rm_r[1], expect(0x10, 4, MMIO_LOW_SEED));
	GCHECK_EQ(rm_r[2] & 0xffff, expect(0x38, 2, MMIO_LOW_SEED));
	GCHECK_EQ(rm_r[3], expect(0x40, 1, MMIO_LOW_SEED));
	GCHECK_EQ(rm_r[4] & 0xffff,
		  (uint16_t)(int8_t)expect(0x41, 1, MMIO_LOW_SEED));
	GCHECK_EQ(rm_r[5] & 0xff, 0x5a);
	GCHECK_EQ(rm_r[6] & 0xffff, 0x5678);
}

static void check_32bit(void)
{
	GCHECK_EQ(pm_r[0], expect(0x200, 4, MMIO_HIGH_SEED));
	GCHECK_EQ(pm_r[1], 0xffffffef);
	GCHECK_EQ(pm_r[2], expect(0x208, 4, MMIO_HIGH_SEED));
	GCHECK_EQ(pm_r[3], 0xdeadbeef);
	GCHECK_EQ(pm_r[4], 0xbeef);
}

/* Loads of each size: what MOV leaves in the rest of the register. */
static void loads(void)
{
	uint64_t b = HI, v;

	v = ~0ULL;
	asm volatile("movb 0x11(%1), %b0" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, ~0xffULL | expect(0x11, 1, MMIO_HIGH_SEED));
	v = ~0ULL;
	asm volatile("movw 0x12(%1), %w0" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, ~0xffffULL | expect(0x12, 2, MMIO_HIGH_SEED));
	v = ~0ULL;
	asm volatile("movl 0x14(%1), %k0" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, expect(0x14, 4, MMIO_HIGH_SEED));
	asm volatile("movq 0x18(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, expect(0x18, 8, MMIO_HIGH_SEED));
	/* AH: bits 15:8 of RAX. */
	v = ~0ULL;
	asm volatile("movb 0x21(%1), %%ah" : "+a"(v) : "b"(b) : "memory");
	GCHECK_EQ(v, ~0xff00ULL | expect(0x21, 1, MMIO_HIGH_SEED) << 8);
}

/* REX.B/R/X registers, a base that needs a SIB byte, an index. */
static void loads_rex(void)
{
	register uint64_t base asm("r12") = HI;
	register uint64_t dst asm("r13") = ~0ULL;
	register uint64_t idx asm("r9") = 4;
	uint64_t v;

	asm volatile("movq 0x28(%1), %0" : "=r"(dst) : "r"(base) : "memory");
	GCHECK_EQ(dst, expect(0x28, 8, MMIO_HIGH_SEED));
	dst = ~0ULL;
	asm volatile("movw 0x30(%1), %w0" : "+r"(dst) : "r"(base) : "memory");
	GCHECK_EQ(dst, ~0xffffULL | expect(0x30, 2, MMIO_HIGH_SEED));
	asm volatile("movl 0x10(%1,%2,8), %k0" : "=r"(v) : "r"(base), "r"(idx) : "memory");
	GCHECK_EQ(v, expect(0x30, 4, MMIO_HIGH_SEED));
}

/* A0/A1: an absolute 64-bit address (moffs64). */
static void loads_moffs(void)
{
	uint64_t v = ~0ULL;

	asm volatile("movabsb 0xd0000031, %%al" : "+a"(v) : : "memory");
	GCHECK_EQ(v, ~0xffULL | expect(0x31, 1, MMIO_HIGH_SEED));
	asm volatile("movabsq 0xd0000038, %%rax" : "=a"(v) : : "memory");
	GCHECK_EQ(v, expect(0x38, 8, MMIO_HIGH_SEED));
}

/* Zero and sign extension, of pattern bytes and of values written here. */
static void loads_extend(void)
{
	uint64_t b = HI, v;

	v = ~0ULL;
	asm volatile("movzbl 0x40(%1), %k0" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, expect(0x40, 1, MMIO_HIGH_SEED));
	asm volatile("movzwq 0x42(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, expect(0x42, 2, MMIO_HIGH_SEED));
	asm volatile("movsbq 0x44(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, (uint64_t)(int8_t)expect(0x44, 1, MMIO_HIGH_SEED));
	asm volatile("movslq 0x48(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, (uint64_t)(int32_t)expect(0x48, 4, MMIO_HIGH_SEED));

	asm volatile("movb $0x80, 0x180(%0)" : : "r"(b) : "memory");
	asm volatile("movw $0x8001, 0x182(%0)" : : "r"(b) : "memory");
	asm volatile("movl $0x80000001, 0x184(%0)" : : "r"(b) : "memory");
	asm volatile("movsbq 0x180(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0xffffffffffffff80ULL);
	v = ~0ULL;
	asm volatile("movzbw 0x180(%1), %w0" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, ~0xffffULL | 0x80);
	asm volatile("movswq 0x182(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0xffffffffffff8001ULL);
	v = ~0ULL;
	asm volatile("movswl 0x182(%1), %k0" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0xffff8001ULL);
	asm volatile("movslq 0x184(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0xffffffff80000001ULL);
}

/* Stores of each size and form; the host checks what arrived. */
static void stores(void)
{
	register uint64_t base asm("r12") = HI;
	register uint64_t val asm("r14") = 0xfedcba9876543210ULL;
	uint64_t b = HI, v = 0x1122334455667788ULL;

	asm volatile("movb %b1, 0x100(%0)" : : "r"(b), "r"(v) : "memory");
	asm volatile("movw %w1, 0x102(%0)" : : "r"(b), "r"(v) : "memory");
	asm volatile("movl %k1, 0x104(%0)" : : "r"(b), "r"(v) : "memory");
	asm volatile("movq %1, 0x108(%0)" : : "r"(b), "r"(v) : "memory");
	asm volatile("movb $0xab, 0x110(%0)" : : "r"(b) : "memory");
	asm volatile("movw $0xcdef, 0x112(%0)" : : "r"(b) : "memory");
	asm volatile("movl $0x89abcdef, 0x114(%0)" : : "r"(b) : "memory");
	asm volatile("movq $-2, 0x118(%0)" : : "r"(b) : "memory");
	asm volatile("movb %%ah, 0x120(%0)" : : "b"(b), "a"(0x1234) : "memory");
	asm volatile("movq %1, 0x128(%0)" : : "r"(base), "r"(val) : "memory");
	asm volatile("movabsq %%rax, 0xd0000130" : : "a"(0x0badc0ffee0ddf00ULL) : "memory");
	asm volatile("movabsb %%al, 0xd0000138" : : "a"(0x5c) : "memory");

	/* Read back: the device keeps what it was given. */
	asm volatile("movq 0x108(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x1122334455667788ULL);
	asm volatile("movl 0x114(%1), %k0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x89abcdef);
	asm volatile("movq 0x118(%1), %0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0xfffffffffffffffeULL);
	asm volatile("movzbl 0x120(%1), %k0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x12);
}

/* XCHG swaps: the register gets the old value, the device the new. */
static void xchg(void)
{
	uint64_t b = HI, v;

	asm volatile("movl $0x11111111, 0x140(%0)" : : "r"(b) : "memory");
	v = 0xaaaaaaaa22222222ULL;
	asm volatile("xchgl %k0, 0x140(%1)" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x11111111);
	asm volatile("movl 0x140(%1), %k0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x22222222);
	v = 0x3c;
	asm volatile("xchgb %b0, 0x144(%1)" : "+r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, expect(0x144, 1, MMIO_HIGH_SEED));
	asm volatile("movzbl 0x144(%1), %k0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x3c);
}

/* OR, AND and TEST: the memory result and the flags. */
static void logic(void)
{
	uint64_t b = HI, v;
	uint8_t zf, sf;

	asm volatile("movl $0x0f0f0f0f, 0x148(%0)" : : "r"(b) : "memory");
	asm volatile("orl $0x8000f000, 0x148(%1); sets %0" : "=q"(sf) : "r"(b) : "memory", "cc");
	GCHECK_EQ(sf, 1);
	asm volatile("andb $0x3c, 0x148(%1); setz %0" : "=q"(zf) : "r"(b) : "memory", "cc");
	GCHECK_EQ(zf, 0);
	asm volatile("andb $0x30, 0x148(%1); setz %0" : "=q"(zf) : "r"(b) : "memory", "cc");
	GCHECK_EQ(zf, 1);
	asm volatile("movl 0x148(%1), %k0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x8f0fff00);

	asm volatile("movb $0x80, 0x150(%0)" : : "r"(b) : "memory");
	asm volatile("testb $0x80, 0x150(%2); setz %0; sets %1"
		     : "=q"(zf), "=q"(sf) : "r"(b) : "memory", "cc");
	GCHECK_EQ(zf, 0);
	GCHECK_EQ(sf, 1);
	asm volatile("testb $0x7f, 0x150(%1); setz %0" : "=q"(zf) : "r"(b) : "memory", "cc");
	GCHECK_EQ(zf, 1);
	asm volatile("movl $0x00ff0000, 0x154(%0)" : : "r"(b) : "memory");
	asm volatile("testl %k2, 0x154(%1); setz %0"
		     : "=q"(zf) : "r"(b), "r"(0x00010000) : "memory", "cc");
	GCHECK_EQ(zf, 0);
	asm volatile("testl %k2, 0x154(%1); setz %0"
		     : "=q"(zf) : "r"(b), "r"(0x01000000) : "memory", "cc");
	GCHECK_EQ(zf, 1);
	/* TEST leaves memory alone. */
	asm volatile("movl 0x154(%1), %k0" : "=r"(v) : "r"(b) : "memory");
	GCHECK_EQ(v, 0x00ff0000);
}

/* String instructions with the device on one side. */
static void strings(void)
{
	static const char hello[] = "hello";
	uint64_t rdi = HI + 0x160, rsi, rcx = 3;
	uint8_t buf[16];
	uint64_t q = 0, ax = ~0ULL;

	asm volatile("rep stosl" : "+D"(rdi), "+c"(rcx) : "a"(0xa5a5a5a5) : "memory");
	GCHECK_EQ(rdi, HI + 0x16c);
	GCHECK_EQ(rcx, 0);
	rdi = HI + 0x170;
	rsi = (uintptr_t)hello;
	rcx = 5;
	asm volatile("rep movsb" : "+D"(rdi), "+S"(rsi), "+c"(rcx) : : "memory");
	GCHECK_EQ(rdi, HI + 0x175);
	GCHECK_EQ(rsi, (uintptr_t)hello + 5);
	GCHECK_EQ(rcx, 0);
	/* From the device into RAM. */
	rsi = HI + 0x18;
	rdi = (uintptr_t)&q;
	asm volatile("movsq" : "+D"(rdi), "+S"(rsi) : : "memory");
	GCHECK_EQ(q, expect(0x18, 8, MMIO_HIGH_SEED));
	GCHECK_EQ(rsi, HI + 0x20);
	GCHECK_EQ(rdi, (uintptr_t)&q + 8);
	rsi = HI + 0x1a;
	asm volatile("lodsw" : "+a"(ax), "+S"(rsi) : : "memory");
	GCHECK_EQ(ax, ~0xffffULL | expect(0x1a, 2, MMIO_HIGH_SEED));
	GCHECK_EQ(rsi, HI + 0x1c);
	/* What REP MOVSB wrote, read back a byte at a time. */
	memset(buf, 0, sizeof(buf));
	rsi = HI + 0x170;
	rdi = (uintptr_t)buf;
	rcx = 5;
	asm volatile("rep movsb" : "+D"(rdi), "+S"(rsi), "+c"(rcx) : : "memory");
	GCHECK(!memcmp(buf, "hello", 6));
}

/* The read-only slot: reads are RAM, writes are MMIO and change nothing. */
static void rom(void)
{
	volatile uint64_t *q = guest_ptr(GUEST_ROM_ADDR + 0x18);
	volatile uint8_t *last = guest_ptr(GUEST_ROM_ADDR + GUEST_ROM_SIZE - 1);
	volatile uint32_t *d = guest_ptr(GUEST_ROM_ADDR + 0x40);
	volatile uint64_t *p1 = guest_ptr(GUEST_ROM_ADDR + 0x1000);

	GCHECK_EQ(*q, expect(0x18, 8, MMIO_ROM_SEED));
	GCHECK_EQ(*last, guest_pattern(GUEST_ROM_SIZE - 1, MMIO_ROM_SEED));
	asm volatile("movl $0x12345678, %0" : "=m"(*d) : : "memory");
	GCHECK_EQ(*d, expect(0x40, 4, MMIO_ROM_SEED));
	asm volatile("movb $0x99, %0" : "=m"(*last) : : "memory");
	GCHECK_EQ(*last, guest_pattern(GUEST_ROM_SIZE - 1, MMIO_ROM_SEED));
	asm volatile("movq %1, %0" : "=m"(*p1) : "r"(0x0123456789abcdefULL) : "memory");
	GCHECK_EQ(*p1, expect(0x1000, 8, MMIO_ROM_SEED));
}

int guest_main(void)
{
	check_real_mode();
	check_32bit();
	loads();
	loads_rex();
	loads_moffs();
	loads_extend();
	stores();
	xchg();
	logic();
	strings();
	rom();
	return 0;
}
