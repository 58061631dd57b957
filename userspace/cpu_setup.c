// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU state a guest image expects at its entry point.  Real mode:
 * CS:IP, flat 64 KiB segments.  Protected mode (Linux's 32-bit boot entry,
 * multiboot): flat 4 GiB code and data segments from a GDT we write,
 * paging and interrupts off, and a usable TR (VMX insists on one).
 */
#include <string.h>
#include "cpu_setup.h"

#define X86_CR0_PE	0x1ULL
#define X86_CR0_ET	0x10ULL
#define RFLAGS_FIXED	0x2ULL

/* IA32_APIC_BASE: the default base, this CPU the BSP, the APIC disabled. */
#define APIC_BASE_NO_APIC	0xfee00100ULL

/* Flat 4 GiB descriptors: base 0, limit 0xfffff pages, present, DPL 0. */
#define GDT_CODE32	0x00cf9b000000ffffULL	/* execute/read, accessed, D=1 */
#define GDT_DATA32	0x00cf93000000ffffULL	/* read/write, accessed, B=1 */

static void flat_segment(struct vmlab_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct vmlab_segment) {
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

static void real_segment(struct vmlab_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct vmlab_segment) {
		.base = (uint64_t)sel << 4, .limit = 0xffff, .selector = sel,
		.type = type, .present = 1, .s = 1,
	};
}

static void put_descriptor(uint8_t *gdt, uint16_t sel, uint64_t desc)
{
	memcpy(gdt + (sel & ~7u), &desc, sizeof(desc));
}

static int protected_state(const struct boot_state *b, struct vmlab_sregs *s,
			   uint8_t *gdt)
{
	if (!b->cs || !b->ds || b->cs == b->ds || (b->cs | b->ds) & 7 ||
	    b->cs >= BOOT_GDT_SIZE || b->ds >= BOOT_GDT_SIZE)
		return -1;
	memset(gdt, 0, BOOT_GDT_SIZE);
	put_descriptor(gdt, b->cs, GDT_CODE32);
	put_descriptor(gdt, b->ds, GDT_DATA32);
	flat_segment(&s->cs, b->cs, 0xb);
	flat_segment(&s->ds, b->ds, 0x3);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->gdt.base = b->gdt_gpa;
	s->gdt.limit = BOOT_GDT_SIZE - 1;
	s->idt.base = 0;
	s->idt.limit = 0;
	/* A busy 32-bit TSS and no LDT: what a protected-mode CPU may hold. */
	s->tr = (struct vmlab_segment) { .limit = 0x67, .type = 0xb, .present = 1 };
	s->ldt = (struct vmlab_segment) { .type = 0x2, .unusable = 1 };
	s->cr0 = X86_CR0_PE | X86_CR0_ET;
	s->cr3 = 0;
	s->cr4 = 0;
	s->efer = 0;
	return 0;
}

static void real_state(const struct boot_state *b, struct vmlab_sregs *s)
{
	real_segment(&s->cs, b->cs, 0xb);
	real_segment(&s->ds, b->cs, 0x3);
	s->es = s->fs = s->gs = s->ss = s->ds;
}

int boot_cpu_state(const struct boot_state *boot, struct vmlab_sregs *sregs,
		   struct vmlab_regs *regs, uint8_t *gdt)
{
	if (boot->mode == BOOT_PROTECTED32) {
		if (protected_state(boot, sregs, gdt))
			return -1;
	} else {
		real_state(boot, sregs);
	}
	/*
	 * The runner has no local APIC (CPUID hides it); the MSR must say
	 * so too: KVM derives CPUID.1:EDX.APIC from its enable bit, and a
	 * Linux guest that finds an APIC there polls it through MMIO.
	 */
	sregs->apic_base = APIC_BASE_NO_APIC;
	memset(regs, 0, sizeof(*regs));
	regs->rip = boot->rip;
	regs->rsp = boot->rsp;
	regs->rax = boot->rax;
	regs->rbx = boot->rbx;
	regs->rsi = boot->rsi;
	regs->rflags = RFLAGS_FIXED;	/* IF clear */
	return 0;
}
