// SPDX-License-Identifier: GPL-2.0
/*
 * VMX without unrestricted guest (the module loaded with
 * unrestricted_guest=0, as on CPUs before Westmere): real mode and
 * protected mode without paging cannot be entered, and RUN says so with
 * FAIL_ENTRY / VMLAB_FAIL_ENTRY_NEEDS_UNRESTRICTED_GUEST instead of
 * attempting a bad entry; once the guest has paging on it runs, and it
 * reads back the CR0 it was given.  The module is reloaded normally at
 * the end.
 */
#include "vm_util.h"

#define PD_GPA		0x8000	/* one page directory: 4 MiB pages */
#define CR0_PE		0x1ULL
#define CR0_ET		0x10ULL
#define CR0_NE		0x20ULL
#define CR0_PG		0x80000000ULL
#define CR4_PSE		0x10ULL
#define UG_BIT		(1ULL << 7)	/* secondary control "unrestricted guest" */

/* out %al,$0x10; hlt (the same bytes in 16- and 32-bit code) */
static const uint8_t g_out_hlt[] = { 0xe6, 0x10, 0xf4 };

static void flat_segment(struct vmlab_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->db = 1;
	s->g = 1;
}

/* 32-bit protected mode, flat segments, with or without paging. */
static void protected_mode(struct vmlab_sregs *sregs, int paging)
{
	flat_segment(&sregs->cs, 0x08, 0xb);
	flat_segment(&sregs->ds, 0x10, 0x3);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	sregs->tr.selector = 0x18;
	sregs->tr.base = 0;
	sregs->tr.limit = 0x67;
	sregs->tr.type = 0xb;
	sregs->tr.present = 1;
	sregs->tr.s = 0;
	sregs->cr0 = CR0_PE | CR0_ET | CR0_NE | (paging ? CR0_PG : 0);
	sregs->cr3 = paging ? PD_GPA : 0;
	sregs->cr4 = paging ? CR4_PSE : 0;
	sregs->efer = 0;
}

static int refused(const struct tvcpu *c, const char *mode)
{
	int ok = c->run->exit_reason == VMLAB_EXIT_FAIL_ENTRY &&
		 c->run->fail_entry.hardware_entry_failure_reason ==
		 VMLAB_FAIL_ENTRY_NEEDS_UNRESTRICTED_GUEST;

	CHECK(ok, "%s: exit %u, reason %#llx", mode, c->run->exit_reason,
	      (unsigned long long)c->run->fail_entry.hardware_entry_failure_reason);
	return ok;
}

static void modes_without_paging_are_refused_and_paging_runs(void)
{
	struct vmlab_sregs sregs;
	struct tvm t = { -1, NULL, 0 };
	struct tvcpu c = { -1, NULL };
	uint32_t pde = 0x83;	/* 0-4 MiB: present, writable, 4 MiB page */

	if (tvm_open(&t, 0x10000))
		goto out;
	tvm_put(&t, CODE_GPA, g_out_hlt, sizeof(g_out_hlt));
	tvm_put(&t, PD_GPA, &pde, sizeof(pde));
	if (tvcpu_open(&t, 0, &c) || tvcpu_start(&c, CODE_GPA, 0x42, 0, 0))
		goto out;

	CHECK_EQ(tvcpu_run(&c), 0);
	if (!refused(&c, "real mode"))
		goto out;
	/* Refused again, not entered, however often it is asked. */
	CHECK_EQ(tvcpu_run(&c), 0);
	refused(&c, "real mode, again");

	CHECK_EQ(ioctl(c.fd, VMLAB_GET_SREGS, &sregs), 0);
	protected_mode(&sregs, 0);
	CHECK_EQ(ioctl(c.fd, VMLAB_SET_SREGS, &sregs), 0);
	CHECK_EQ(tvcpu_run(&c), 0);
	refused(&c, "protected mode without paging");

	protected_mode(&sregs, 1);
	CHECK_EQ(ioctl(c.fd, VMLAB_SET_SREGS, &sregs), 0);
	CHECK_EQ(tvcpu_run(&c), 0);
	CHECK(is_out(&c, 0x10) && io_byte(&c) == 0x42, "paged protected mode: exit %u",
	      c.run->exit_reason);
	CHECK_EQ(tvcpu_run(&c), 0);
	CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_HLT);
	CHECK_EQ(ioctl(c.fd, VMLAB_GET_SREGS, &sregs), 0);
	CHECK_EQ(sregs.cr0, CR0_PE | CR0_ET | CR0_NE | CR0_PG);
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

static const char *ko;

static void module_loads_without_unrestricted_guest(void)
{
	struct vmlab_caps caps;
	char cmd[512];

	CHECK_EQ(host_sh("rmmod vmlab"), 0);
	snprintf(cmd, sizeof(cmd), "insmod %s unrestricted_guest=0", ko);
	CHECK_EQ(host_sh(cmd), 0);
	vm_dev = host_open_dev();
	CHECK(vm_dev >= 0, "open /dev/vmlab: %s", strerror(errno));
	if (vm_dev < 0)
		return;
	memset(&caps, 0, sizeof(caps));
	CHECK_EQ(ioctl(vm_dev, VMLAB_GET_CAPS, &caps), 0);
	CHECK_EQ(caps.features & VMLAB_FEAT_UNRESTRICTED_GUEST, 0);
	CHECK_EQ(caps.raw[VMLAB_CAPS_RAW_VMX_PROC2] & UG_BIT, 0);
}

static void module_reloads_with_unrestricted_guest(void)
{
	char cmd[512];

	if (vm_dev >= 0)
		close(vm_dev);
	vm_dev = -1;
	CHECK_EQ(host_sh("rmmod vmlab"), 0);
	snprintf(cmd, sizeof(cmd), "insmod %s", ko);
	CHECK_EQ(host_sh(cmd), 0);
}

int main(void)
{
	check_prog = "no_unrestricted_guest";
	ko = getenv("VMLAB_KO");
	if (host_is_svm() || !ko) {
		check_case = "all";
		check_skip(ko ? "VMX only" : "VMLAB_KO not set");
		return 0;
	}
	RUN(module_loads_without_unrestricted_guest);
	if (vm_dev >= 0)
		RUN(modes_without_paging_are_refused_and_paging_runs);
	RUN(module_reloads_with_unrestricted_guest);
	return check_done();
}
