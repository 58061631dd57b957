// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the boot CPU state derived from a loader's boot_state. */
#include "check.h"
#include "cpu_setup.h"

static void linux_protected_mode_entry(void)
{
	struct boot_state b = { .mode = BOOT_PROTECTED32, .cs = 0x10, .ds = 0x18,
				.rip = 0x100000, .rsi = 0x7000, .rsp = 0x8ff0,
				.gdt_gpa = 0x6000 };
	struct vmlab_sregs s = { 0 };
	struct vmlab_regs r;
	uint8_t gdt[BOOT_GDT_SIZE];
	uint64_t d;

	CHECK_EQ(boot_cpu_state(&b, &s, &r, gdt), 0);
	CHECK_EQ(s.cr0 & 1, 1);
	CHECK_EQ(s.cs.selector, 0x10);
	CHECK_EQ(s.ds.selector, 0x18);
	CHECK_EQ(s.ss.selector, 0x18);
	CHECK_EQ(s.cs.db, 1);
	CHECK_EQ(s.cs.g, 1);
	CHECK_EQ(s.cs.limit, 0xffffffff);
	CHECK_EQ(s.gdt.base, 0x6000);
	CHECK_EQ(s.tr.type, 0xb);
	CHECK(s.ldt.unusable);
	memcpy(&d, gdt + 0x10, 8);
	CHECK_EQ(d, 0x00cf9b000000ffffULL);
	memcpy(&d, gdt + 0x18, 8);
	CHECK_EQ(d, 0x00cf93000000ffffULL);
	memcpy(&d, gdt, 8);
	CHECK_EQ(d, 0);
	CHECK_EQ(r.rip, 0x100000);
	CHECK_EQ(r.rsi, 0x7000);
	CHECK_EQ(r.rflags, 2);	/* interrupts off */
}

static void multiboot_registers(void)
{
	struct boot_state b = { .mode = BOOT_PROTECTED32, .cs = 0x08, .ds = 0x10,
				.rip = 0x101000, .rax = 0x2badb002, .rbx = 0x9000 };
	struct vmlab_sregs s = { 0 };
	struct vmlab_regs r;
	uint8_t gdt[BOOT_GDT_SIZE];

	CHECK_EQ(boot_cpu_state(&b, &s, &r, gdt), 0);
	CHECK_EQ(r.rax, 0x2badb002);
	CHECK_EQ(r.rbx, 0x9000);
	CHECK_EQ(s.cs.selector, 0x08);
}

static void bad_selectors_are_refused(void)
{
	struct boot_state b = { .mode = BOOT_PROTECTED32, .cs = 0x10, .ds = 0x10 };
	struct vmlab_sregs s = { 0 };
	struct vmlab_regs r;
	uint8_t gdt[BOOT_GDT_SIZE];

	CHECK_EQ(boot_cpu_state(&b, &s, &r, gdt), -1);
	b.ds = 0x13;		/* not a GDT selector */
	CHECK_EQ(boot_cpu_state(&b, &s, &r, gdt), -1);
	b.ds = 0x100;		/* outside our GDT */
	CHECK_EQ(boot_cpu_state(&b, &s, &r, gdt), -1);
}

/* Every image starts with the local APIC disabled: the runner has none. */
static void the_local_apic_is_disabled(void)
{
	struct boot_state pm = { .mode = BOOT_PROTECTED32, .cs = 0x08, .ds = 0x10 };
	struct boot_state rm = { .mode = BOOT_REAL16, .cs = 0x1000 };
	struct vmlab_sregs s = { .apic_base = 0xfee00900 };	/* reset: enabled BSP */
	struct vmlab_regs r;
	uint8_t gdt[BOOT_GDT_SIZE];

	CHECK_EQ(boot_cpu_state(&pm, &s, &r, gdt), 0);
	CHECK_EQ(s.apic_base & 0x800, 0);		/* global enable clear */
	CHECK_EQ(s.apic_base & 0x100, 0x100);		/* still the BSP */
	s.apic_base = 0xfee00900;
	CHECK_EQ(boot_cpu_state(&rm, &s, &r, NULL), 0);
	CHECK_EQ(s.apic_base & 0x800, 0);
}

static void real_mode_flat_binary(void)
{
	struct boot_state b = { .mode = BOOT_REAL16, .cs = 0x1000, .rip = 0, .rsp = 0xfffe };
	struct vmlab_sregs s = { 0 };
	struct vmlab_regs r;

	CHECK_EQ(boot_cpu_state(&b, &s, &r, NULL), 0);
	CHECK_EQ(s.cs.base, 0x10000);
	CHECK_EQ(s.cs.selector, 0x1000);
	CHECK_EQ(s.ss.base, 0x10000);
	CHECK_EQ(s.cs.limit, 0xffff);
	CHECK_EQ(r.rip, 0);
}

int main(void)
{
	check_prog = "cpu_setup";
	RUN(linux_protected_mode_entry);
	RUN(multiboot_registers);
	RUN(bad_selectors_are_refused);
	RUN(real_mode_flat_binary);
	RUN(the_local_apic_is_disabled);
	return check_done();
}
