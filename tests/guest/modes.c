// SPDX-License-Identifier: GPL-2.0
/*
 * The boot path itself: real mode and 32-bit protected mode as the hooks
 * see them, then long mode with paging, SSE and the IDT as guest_main()
 * finds them, and exceptions delivered through that IDT.
 */
#include "guest.h"

/* Filled in by the hooks, before the BSS exists: .data16. */
extern uint32_t hook16_cr0, hook16_sum, hook32_cr0, hook32_esp;

asm(".pushsection .text16, \"ax\"\n"
    ".code16\n"
    ".globl guest_hook16\n"
    "guest_hook16:\n"
    "	smsw %ax\n"
    "	movw %ax, hook16_cr0\n"
    /* 16-bit address arithmetic wraps at 64 KiB: [bx+si] = 0x0010. */
    "	movw $0xfff0, %bx\n"
    "	movw $0x0020, %si\n"
    "	leaw (%bx,%si), %ax\n"
    "	movw %ax, hook16_sum\n"
    "	ret\n"
    ".code32\n"
    ".globl guest_hook32\n"
    "guest_hook32:\n"
    "	movl %cr0, %eax\n"
    "	movl %eax, hook32_cr0\n"
    "	movl %esp, hook32_esp\n"
    "	ret\n"
    ".code64\n"
    ".section .data16, \"aw\"\n"
    ".p2align 2\n"
    "hook16_cr0: .long 0xffffffff\n"
    "hook16_sum: .long 0xffffffff\n"
    "hook32_cr0: .long 0xffffffff\n"
    "hook32_esp: .long 0xffffffff\n"
    ".globl hook16_cr0, hook16_sum, hook32_cr0, hook32_esp\n"
    ".popsection\n");

static void check_hooks(void)
{
	/* SMSW stores 16 bits: the upper half keeps the 0xffff. */
	GCHECK_EQ(hook16_cr0 >> 16, 0xffff);
	GCHECK_EQ(hook16_cr0 & CR0_PE, 0);
	GCHECK_EQ(hook16_sum, 0xffff0010);
	GCHECK(hook32_cr0 & CR0_PE);
	GCHECK_EQ(hook32_cr0 & CR0_PG, 0);
	/* The call pushed a 4-byte return address below the stack top. */
	GCHECK_EQ(hook32_esp, GUEST_STACK_TOP - 4);
}

static void check_long_mode(void)
{
	uint64_t efer = rdmsr(MSR_EFER);
	uint16_t cs;

	GCHECK(read_cr0() & CR0_PE);
	GCHECK(read_cr0() & CR0_PG);
	GCHECK_EQ(read_cr0() & CR0_EM, 0);
	GCHECK(read_cr0() & CR0_MP);
	GCHECK(read_cr0() & CR0_NE);
	GCHECK(read_cr4() & CR4_PAE);
	GCHECK(read_cr4() & CR4_OSFXSR);
	GCHECK_EQ(read_cr3(), GUEST_PML4);
	GCHECK(efer & EFER_LME);
	GCHECK(efer & EFER_LMA);
	GCHECK_EQ(efer & EFER_SVME, 0);		/* the hypervisor's, hidden */
	asm volatile("movw %%cs, %0" : "=r"(cs));
	GCHECK_EQ(cs, 0x18);
	GCHECK_EQ(read_rflags() & X86_EFLAGS_IF, 0);
}

/* SSE instructions run and compute (inline asm: no SSE in C here). */
static void check_sse(void)
{
	static const uint32_t a[4] __attribute__((aligned(16))) = { 1, 2, 3, 0x7fffffff };
	static const uint32_t b[4] __attribute__((aligned(16))) = { 10, 20, 30, 1 };
	uint32_t c[4] __attribute__((aligned(16)));

	asm volatile("movdqa %1, %%xmm2\n\t"
		     "paddd %2, %%xmm2\n\t"
		     "movdqa %%xmm2, %0"
		     : "=m"(c) : "m"(a), "m"(b));
	GCHECK_EQ(c[0], 11);
	GCHECK_EQ(c[1], 22);
	GCHECK_EQ(c[2], 33);
	GCHECK_EQ(c[3], 0x80000000);
}

/* Each exception reaches its vector, with the error code the CPU gives. */
static void check_exceptions(void)
{
	volatile uint64_t zero = 0;
	uint64_t cr2, lo = 1, hi = 0;

	GCHECK_EQ(ASM_SAFE("ud2", : : : "memory"), VEC_UD);
	GCHECK_EQ(ASM_SAFE("int3", : : : "memory"), VEC_BP);
	GCHECK_EQ(ASM_SAFE("divq %2", : "+a"(lo), "+d"(hi) : "r"((uint64_t)zero)
			   : "memory"), VEC_DE);
	/* A non-canonical address: #GP(0). */
	GCHECK_EQ(ASM_SAFE("movq (%0), %%rax", : : "r"(0x8000000000000000ULL)
			   : "rax", "memory"), VEC_GP);
	GCHECK_EQ(guest_fault_error, 0);
	/* Past the 4 GiB that are mapped: #PF, not-present read, CR2 set. */
	GCHECK_EQ(ASM_SAFE("movq (%0), %%rax", : : "r"(0x140000008ULL)
			   : "rax", "memory"), VEC_PF);
	GCHECK_EQ(guest_fault_error, 0);
	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	GCHECK_EQ(cr2, 0x140000008ULL);
	/* And a write: error code bit 1. */
	GCHECK_EQ(ASM_SAFE("movq %%rax, (%0)", : : "r"(0x140000010ULL), "a"(0)
			   : "memory"), VEC_PF);
	GCHECK_EQ(guest_fault_error, 2);
	/* Software interrupts in the interrupt range are counted, not faults. */
	asm volatile("int $0x77" : : : "memory");
	GCHECK_EQ(guest_irq_count[0x77], 1);
	GCHECK_EQ(guest_last_vector, 0x77);
}

/* The identity map: RAM read through a 2 MiB page is what was written. */
static void check_identity_map(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(GUEST_SCRATCH + 0x1238);

	*p = 0x0123456789abcdefULL;
	GCHECK_EQ(*(volatile uint32_t *)(GUEST_SCRATCH + 0x123c), 0x01234567);
}

int guest_main(void)
{
	puts("modes: in long mode\n");
	check_hooks();
	check_long_mode();
	check_sse();
	check_exceptions();
	check_identity_map();
	return 0;
}
