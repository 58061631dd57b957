/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest side of the test programs: what guest_main() (64-bit mode,
 * SSE on, IDT loaded, interrupts off) can use.  Results go to the host
 * through ports (guest_abi.h): text on GUEST_PORT_PUTC, values on
 * GUEST_PORT_REPORT, and one guest_exit() code at the end, 0 when every
 * check passed, otherwise the line number of the check that failed.
 */
#ifndef VMLAB_GUEST_H
#define VMLAB_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "guest_abi.h"

#define X86_EFLAGS_CF	0x0001
#define X86_EFLAGS_PF	0x0004
#define X86_EFLAGS_ZF	0x0040
#define X86_EFLAGS_SF	0x0080
#define X86_EFLAGS_TF	0x0100
#define X86_EFLAGS_IF	0x0200
#define X86_EFLAGS_DF	0x0400
#define X86_EFLAGS_OF	0x0800

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_EM		(1ULL << 2)
#define CR0_NE		(1ULL << 5)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)

#define EFER_SVME		(1ULL << 12)

#define VEC_DE	0
#define VEC_DB	1
#define VEC_NMI	2
#define VEC_BP	3
#define VEC_UD	6
#define VEC_GP	13
#define VEC_PF	14

/* What the IDT stubs leave on the stack (boot.S, isr_common). */
struct guest_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* lib.c */
int guest_main(void);
void guest_exit(uint32_t code) __attribute__((noreturn));
void putc(char c);
void puts(const char *s);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void report(uint32_t value);
void report64(uint64_t value);
uint64_t guest_param(unsigned int i);
void guest_check_failed(int line, const char *what, uint64_t a, uint64_t b,
			int has_values) __attribute__((noreturn));
int rdmsr_safe(uint32_t msr, uint64_t *value);
int wrmsr_safe(uint32_t msr, uint64_t value);
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Interrupts (vector 2 and 32-255) seen by the IDT, per vector. */
extern volatile uint32_t guest_irq_count[256];
extern volatile uint32_t guest_last_vector;
extern volatile uint64_t guest_last_irq_rip;	/* where it interrupted */
extern volatile uint64_t guest_last_irq_rflags;

/*
 * Expected exceptions: with guest_recover_rip set, an exception (vector
 * 0-31 but 2) resumes there with guest_fault_vector set; otherwise it is
 * reported and ends the guest with GUEST_EXIT_EXCEPTION + vector.
 */
extern volatile uint64_t guest_recover_rip;
extern volatile uint32_t guest_fault_vector;
extern volatile uint64_t guest_fault_error;

/*
 * With guest_db_armed, a #DB is counted, its RIP and DR6 kept, and the
 * trap flag cleared in the frame it returns to.
 */
extern volatile int guest_db_armed;
extern volatile uint32_t guest_db_count;
extern volatile uint64_t guest_db_rip, guest_db_dr6;

/*
 * ASM_SAFE("insn", outputs : inputs : clobbers): runs one asm statement
 * with recovery armed; evaluates to the vector of the exception it took,
 * or 0.  The operand lists follow as in asm(), starting with the colon.
 */
#define ASM_SAFE(insn, ...)						\
	({								\
		guest_fault_vector = 0;					\
		asm volatile("movq $1f, guest_recover_rip(%%rip)\n\t"	\
			     insn "\n"					\
			     "1:\n\t"					\
			     "movq $0, guest_recover_rip(%%rip)"	\
			     __VA_ARGS__);				\
		guest_fault_vector;					\
	})

/* GCHECK(cond): on failure, say so and exit with this line's number. */
#define GCHECK(cond)							\
	do {								\
		if (!(cond))						\
			guest_check_failed(__LINE__, #cond, 0, 0, 0);	\
	} while (0)

#define GCHECK_EQ(a, b)							\
	do {								\
		uint64_t gcheck_a_ = (uint64_t)(a);			\
		uint64_t gcheck_b_ = (uint64_t)(b);			\
		if (gcheck_a_ != gcheck_b_)				\
			guest_check_failed(__LINE__, #a " == " #b,	\
					   gcheck_a_, gcheck_b_, 1);	\
	} while (0)

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return lo | (uint64_t)hi << 32;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
		     : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(sub) : "memory");
}

static inline uint64_t read_cr0(void)
{
	uint64_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	asm volatile("pushfq; popq %0" : "=r"(v) : : "memory");
	return v;
}

static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | (uint64_t)hi << 32;
}

/* A pointer to guest-physical @addr (identity-mapped), opaque to the
 * compiler's bounds checks, which do not know these fixed addresses. */
static inline void *guest_ptr(uint64_t addr)
{
	void *p = (void *)(uintptr_t)addr;

	asm("" : "+r"(p));
	return p;
}

/* A label's address, for the host to compare RIP with. */
#define LABEL_ADDR(label)						\
	({								\
		uint64_t label_addr_;					\
		asm("movq $" #label ", %0" : "=r"(label_addr_));	\
		label_addr_;						\
	})

#endif
