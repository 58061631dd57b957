// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts and NMIs injected by the host reach the IDT with the right
 * vector, at the instruction boundary where the guest can take them:
 * at once with IF=1, after STI (and its one-instruction shadow) with
 * IF=0, through the interrupt-window exit, and NMIs regardless of IF.
 * The steps and the host's part of each are in events.h.
 */
#include "guest.h"
#include "events.h"

#define XSTR(x)	STR(x)
#define STR(x)	#x

uint32_t window_test(void);
uint32_t queued_test(void);
void nmi_test(uint32_t step);
void hlt_test(void);
void window_now_test(void);
extern const char window_test_open[], queued_test_open[], nmi_test_after[],
	hlt_test_after[], window_now_at[];

asm(".text\n"
    ".globl window_test, window_test_open\n"
    "window_test:\n"
    "	cli\n"
    "	movb $" XSTR(EVT_WIN_ASK) ", %al\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	movb $" XSTR(EVT_WIN_BUSY) ", %al\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	movl guest_irq_count + 4 * " XSTR(EVT_VEC_WINDOW) "(%rip), %ecx\n"
    "	movb $" XSTR(EVT_WIN_STI) ", %al\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	sti\n"
    "	nop\n"
    "window_test_open:\n"
    "	cli\n"
    "	movl %ecx, %eax\n"
    "	ret\n"

    ".globl queued_test, queued_test_open\n"
    "queued_test:\n"
    "	cli\n"
    "	movb $" XSTR(EVT_QUEUE) ", %al\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	movb $" XSTR(EVT_QUEUE_WAIT) ", %al\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	movl guest_irq_count + 4 * " XSTR(EVT_VEC_QUEUED) "(%rip), %ecx\n"
    "	sti\n"
    "	nop\n"
    "queued_test_open:\n"
    "	cli\n"
    "	movl %ecx, %eax\n"
    "	ret\n"

    ".globl nmi_test, nmi_test_after\n"
    "nmi_test:\n"
    "	cli\n"
    "	movl %edi, %eax\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "nmi_test_after:\n"
    "	ret\n"

    ".globl hlt_test, hlt_test_after\n"
    "hlt_test:\n"
    "	movb $" XSTR(EVT_HLT) ", %al\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "	sti\n"
    "	hlt\n"
    "hlt_test_after:\n"
    "	cli\n"
    "	ret\n"

    ".globl window_now_test, window_now_at\n"
    "window_now_test:\n"
    "	sti\n"
    "	nop\n"
    "	movb $" XSTR(EVT_WIN_NOW) ", %al\n"
    "	outb %al, $" XSTR(EVT_PORT) "\n"
    "window_now_at:\n"
    "	nop\n"
    "	cli\n"
    "	ret\n");

/* IF=1 at the OUT: the interrupt comes right after it, before CLI. */
static void injected(uint8_t step, uint8_t vec)
{
	uint32_t before = guest_irq_count[vec];
	uint64_t at;

	asm volatile("sti\n\t"
		     "nop\n\t"
		     "outb %b1, %2\n"
		     "1:\tcli\n\t"
		     "movq $1b, %0"
		     : "=&r"(at) : "a"(step), "i"(EVT_PORT) : "memory");
	GCHECK_EQ(guest_irq_count[vec], before + 1);
	GCHECK_EQ(guest_last_vector, vec);
	GCHECK_EQ(guest_last_irq_rip, at);
	GCHECK(guest_last_irq_rflags & X86_EFLAGS_IF);
}

int guest_main(void)
{
	unsigned int v, total;

	/* Where the host must see the guest stop. */
	report64((uintptr_t)window_test_open);
	report64((uintptr_t)hlt_test_after);
	report64((uintptr_t)window_now_at);

	injected(EVT_INJECT_1, EVT_VEC_1);
	injected(EVT_INJECT_2, EVT_VEC_2);
	injected(EVT_INJECT_3, EVT_VEC_3);

	/* Nothing before STI, then the window and its interrupt. */
	GCHECK_EQ(window_test(), 0);
	GCHECK_EQ(guest_irq_count[EVT_VEC_WINDOW], 1);
	GCHECK_EQ(guest_last_irq_rip, (uintptr_t)window_test_open);

	/* Queued while IF=0: held until STI, then delivered unasked. */
	GCHECK_EQ(queued_test(), 0);
	GCHECK_EQ(guest_irq_count[EVT_VEC_QUEUED], 1);
	GCHECK_EQ(guest_last_irq_rip, (uintptr_t)queued_test_open);

	/* NMIs ignore IF; the second needs the first's IRET seen. */
	nmi_test(EVT_NMI_1);
	GCHECK_EQ(guest_irq_count[VEC_NMI], 1);
	GCHECK_EQ(guest_last_irq_rip, (uintptr_t)nmi_test_after);
	GCHECK_EQ(guest_last_irq_rflags & X86_EFLAGS_IF, 0);
	nmi_test(EVT_NMI_2);
	GCHECK_EQ(guest_irq_count[VEC_NMI], 2);
	GCHECK_EQ(guest_last_irq_rip, (uintptr_t)nmi_test_after);

	/* The idle loop: STI; HLT wakes up with the interrupt. */
	hlt_test();
	GCHECK_EQ(guest_irq_count[EVT_VEC_HLT], 1);
	GCHECK_EQ(guest_last_irq_rip, (uintptr_t)hlt_test_after);

	window_now_test();

	/* Nothing else arrived. */
	for (v = 0, total = 0; v < 256; v++)
		total += guest_irq_count[v];
	GCHECK_EQ(total, 8);
	return 0;
}
