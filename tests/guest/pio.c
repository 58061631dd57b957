// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O from the guest: IN/OUT of 1, 2 and 4 bytes through an
 * immediate port and through DX, and string I/O (INS/OUTS, with and
 * without REP, both directions of DF, counts larger than one exit
 * carries), in long mode and in real mode.  The values are in pio.h; the
 * host checks what arrives, the guest checks what it receives and how
 * the registers are left.
 */
#include "guest.h"
#include "pio.h"

#define RM_STR(x)	#x
#define RM_XSTR(x)	RM_STR(x)

/* Real mode: the string instructions with 16-bit SI/DI/CX and segments. */
extern uint16_t rm_di_after, rm_si_after, rm_cx_after;

asm(".pushsection .text16, \"ax\"\n"
    ".code16\n"
    ".globl guest_hook16\n"
    "guest_hook16:\n"
    "	pushw %es\n"
    "	pushw %fs\n"
    "	movw $" RM_XSTR(PIO_RM_SEG) ", %ax\n"
    "	movw %ax, %es\n"
    "	movw %ax, %fs\n"
    "	xorw %di, %di\n"
    "	movw $" RM_XSTR(PIO_RM_COUNT) ", %cx\n"
    "	movw $" RM_XSTR(PIO_RM_IN) ", %dx\n"
    "	rep insb (%dx), %es:(%di)\n"
    "	movw %di, rm_di_after\n"
    "	xorw %si, %si\n"
    "	movw $" RM_XSTR(PIO_RM_COUNT) ", %cx\n"
    "	movw $" RM_XSTR(PIO_RM_OUT) ", %dx\n"
    "	rep outsb %fs:(%si), (%dx)\n"
    "	movw %si, rm_si_after\n"
    "	movw %cx, rm_cx_after\n"
    "	popw %fs\n"
    "	popw %es\n"
    "	ret\n"
    ".code64\n"
    ".section .data16, \"aw\"\n"
    ".globl rm_di_after, rm_si_after, rm_cx_after\n"
    "rm_di_after: .word 0xffff\n"
    "rm_si_after: .word 0xffff\n"
    "rm_cx_after: .word 0xffff\n"
    ".popsection\n");

static void check_real_mode(void)
{
	const uint8_t *buf = guest_ptr(PIO_RM_SEG << 4);
	unsigned int i;

	GCHECK_EQ(rm_di_after, PIO_RM_COUNT);
	GCHECK_EQ(rm_si_after, PIO_RM_COUNT);
	GCHECK_EQ(rm_cx_after, 0);
	for (i = 0; i < PIO_RM_COUNT; i++)
		GCHECK_EQ(buf[i], guest_pattern(i, PIO_RM_SEED));
	GCHECK_EQ(buf[PIO_RM_COUNT], 0);
}

static void scalar_out(void)
{
	outb(PIO_OUT8, 0x11);
	outw(PIO_OUT16, 0x2233);
	outl(PIO_OUT32, 0x44556677);
	outb(PIO_OUT_WIDE, 0x88);
	outw(PIO_OUT_WIDE, 0x99aa);
	outl(PIO_OUT_WIDE, 0xbbccddee);
}

/* IN writes AL or AX and keeps the rest of RAX; IN EAX clears bits 63:32. */
static void scalar_in(void)
{
	const uint64_t fill = 0x1122334455667788ULL;
	uint64_t rax;

	rax = fill;
	asm volatile("inb %1, %%al" : "+a"(rax) : "i"(PIO_IN8));
	GCHECK_EQ(rax, (fill & ~0xffULL) | PIO_IN8_VALUE);
	rax = fill;
	asm volatile("inw %1, %%ax" : "+a"(rax) : "i"(PIO_IN16));
	GCHECK_EQ(rax, (fill & ~0xffffULL) | PIO_IN16_VALUE);
	rax = fill;
	asm volatile("inl %1, %%eax" : "+a"(rax) : "i"(PIO_IN32));
	GCHECK_EQ(rax, PIO_IN32_VALUE);
	rax = fill;
	asm volatile("inb %%dx, %%al" : "+a"(rax) : "d"(PIO_IN_WIDE));
	GCHECK_EQ(rax, (fill & ~0xffULL) | (PIO_IN_WIDE_VALUE & 0xff));
	rax = fill;
	asm volatile("inw %%dx, %%ax" : "+a"(rax) : "d"(PIO_IN_WIDE));
	GCHECK_EQ(rax, (fill & ~0xffffULL) | (PIO_IN_WIDE_VALUE & 0xffff));
	rax = fill;
	asm volatile("inl %%dx, %%eax" : "+a"(rax) : "d"(PIO_IN_WIDE));
	GCHECK_EQ(rax, PIO_IN_WIDE_VALUE);
}

/* Buffers of the long-mode streams, with guard bytes around them. */
#define STREAM_BUF	((uint8_t *)guest_ptr(GUEST_SCRATCH + 0x10000))
#define GUARD		64

/*
 * One string instruction with DF set for the run when @rev: STD, the
 * instruction and CLD in one asm, so no compiler code sees DF=1.
 */
#define STRING_IO(insn, ptr, rcx, port, rev)				\
	asm volatile("testb %3, %3\n\t"				\
		     "jz 1f\n\t"					\
		     "std\n"						\
		     "1:\t" insn "\n\t"				\
		     "cld"						\
		     : "+r"(ptr), "+c"(rcx) : "d"(port), "q"(rev) : "memory", "cc")

static uint64_t run_outs(const struct pio_stream *s, uint64_t rsi, uint64_t *rcx)
{
	register uint64_t si asm("rsi") = rsi;
	uint64_t cx = *rcx;
	uint16_t port = s->port;
	uint8_t rev = s->reverse;

	switch (s->size * 2 + s->single) {
	case 2:
		STRING_IO("rep outsb", si, cx, port, rev);
		break;
	case 3:
		STRING_IO("outsb", si, cx, port, rev);
		break;
	case 4:
		STRING_IO("rep outsw", si, cx, port, rev);
		break;
	case 8:
		STRING_IO("rep outsl", si, cx, port, rev);
		break;
	case 9:
		STRING_IO("outsl", si, cx, port, rev);
		break;
	default:
		GCHECK(0);
	}
	*rcx = cx;
	return si;
}

static uint64_t run_ins(const struct pio_stream *s, uint64_t rdi, uint64_t *rcx)
{
	register uint64_t di asm("rdi") = rdi;
	uint64_t cx = *rcx;
	uint16_t port = s->port;
	uint8_t rev = s->reverse;

	switch (s->size * 2 + s->single) {
	case 2:
		STRING_IO("rep insb", di, cx, port, rev);
		break;
	case 3:
		STRING_IO("insb", di, cx, port, rev);
		break;
	case 4:
		STRING_IO("rep insw", di, cx, port, rev);
		break;
	case 8:
		STRING_IO("rep insl", di, cx, port, rev);
		break;
	default:
		GCHECK(0);
	}
	*rcx = cx;
	return di;
}

/* Where the string registers start and must end for @s on @buf. */
static void stream_bounds(const struct pio_stream *s, uint8_t *buf,
			  uint64_t *start, uint64_t *end)
{
	uint64_t bytes = (uint64_t)s->count * s->size;

	if (s->reverse) {
		*start = (uintptr_t)buf + bytes - s->size;
		*end = (uintptr_t)buf - s->size;
	} else {
		*start = (uintptr_t)buf;
		*end = (uintptr_t)buf + bytes;
	}
	if (!s->count)
		*end = *start;
}

static void string_out(const struct pio_stream *s)
{
	uint8_t *buf = STREAM_BUF;
	uint32_t bytes = s->count * s->size, i;
	uint64_t start, end, rsi, rcx = s->count;

	for (i = 0; i < bytes; i++)
		buf[i] = guest_pattern(i, s->seed);
	stream_bounds(s, buf, &start, &end);
	rsi = run_outs(s, start, &rcx);
	GCHECK_EQ(rsi, end);
	GCHECK_EQ(rcx, s->single ? s->count : 0);
	GCHECK_EQ(read_rflags() & X86_EFLAGS_DF, 0);
}

static void string_in(const struct pio_stream *s)
{
	uint8_t *buf = STREAM_BUF;
	uint32_t bytes = s->count * s->size, j, b;
	uint64_t start, end, rdi, rcx = s->count;

	memset(buf - GUARD, 0xcc, bytes + 2 * GUARD);
	stream_bounds(s, buf, &start, &end);
	rdi = run_ins(s, start, &rcx);
	GCHECK_EQ(rdi, end);
	GCHECK_EQ(rcx, s->single ? s->count : 0);
	/* Element j received goes to element j, or count-1-j downwards. */
	for (j = 0; j < s->count; j++) {
		uint32_t e = s->reverse ? s->count - 1 - j : j;

		for (b = 0; b < s->size; b++)
			GCHECK_EQ(buf[e * s->size + b],
				  guest_pattern(j * s->size + b, s->seed));
	}
	for (j = 0; j < GUARD; j++) {
		GCHECK_EQ(buf[-1 - (int)j], 0xcc);
		GCHECK_EQ(buf[bytes + j], 0xcc);
	}
}

int guest_main(void)
{
	unsigned int i;

	check_real_mode();
	scalar_out();
	scalar_in();
	for (i = 0; i < sizeof(pio_out_streams) / sizeof(pio_out_streams[0]); i++)
		string_out(&pio_out_streams[i]);
	for (i = 0; i < sizeof(pio_in_streams) / sizeof(pio_in_streams[0]); i++)
		string_in(&pio_in_streams[i]);
	return 0;
}
