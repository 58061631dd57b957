// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the VMX control selection (kmod/vmx/controls.c) against
 * capability MSR values.  The Bochs corei7_skylake_x values were read in
 * the emulated host (scripts/nested vmx, /dev/cpu/0/msr); the others are
 * derived from them to model CPUs vmlab must refuse or degrade on, each
 * changing the one property under test.
 */
#include "../../kmod/vmx/controls.c"
#include "check.h"

/* Bochs 2.7 corei7_skylake_x, TRUE_* MSRs (IA32_VMX_BASIC = 0x00d810000000002b). */
static const struct vmx_ctl_caps bochs_skylake = {
	.pin	= 0x0000007f00000016ULL,	/* IA32_VMX_TRUE_PINBASED_CTLS */
	.proc	= 0xf7f9fffe04006172ULL,	/* IA32_VMX_TRUE_PROCBASED_CTLS */
	.proc2	= 0x02177fff00000000ULL,	/* IA32_VMX_PROCBASED_CTLS2 */
	.exit	= 0x007fffff00036dfbULL,	/* IA32_VMX_TRUE_EXIT_CTLS */
	.entry	= 0x0000ffff000011fbULL,	/* IA32_VMX_TRUE_ENTRY_CTLS */
};

/*
 * Real Intel hosts, from VirtualBox release logs published in public bug
 * reports (myspaghetti/macos-virtualbox issues 224 and 480: TRUE_* MSRs;
 * boot2docker issue 270: IA32_VMX_PROCBASED_CTLS2 of a host that does not
 * offer INVPCID to VMX guests).  The logs of 224 and 480 do not show
 * PROCBASED_CTLS2, so those tests pair them with 270's.
 */
#define REAL_PROC2_NO_INVPCID	0x000000ff00000000ULL

static const struct vmx_ctl_caps coffee_lake_class = {
	.pin	= 0x0000007f00000016ULL,
	.proc	= 0xfff9fffe04006172ULL,
	.proc2	= REAL_PROC2_NO_INVPCID,
	.exit	= 0x01ffffff00036dfbULL,
	.entry	= 0x0003ffff000011fbULL,
};

static const struct vmx_ctl_caps ice_lake_class = {
	.pin	= 0x000000ff00000016ULL,
	.proc	= 0xfffbfffe04006172ULL,
	.proc2	= REAL_PROC2_NO_INVPCID,
	.exit	= 0x137fffff00036dfbULL,
	.entry	= 0x0016ffff000011fbULL,
};

/* The same CPU's non-TRUE IA32_VMX_PROCBASED_CTLS: CR3 exiting forced on. */
#define BOCHS_PROCBASED_NOT_TRUE	0xf7f9fffe0401e172ULL

static void adjust_takes_required_optional_and_forced_bits(void)
{
	__u32 out = 0, missing = 0;

	/* allowed-1 0x7f, allowed-0 0x16 */
	CHECK_EQ(vmx_adjust_control(0x0000007f00000016ULL, 0x1, 0x20 | 0x80, &out, &missing), 0);
	CHECK_EQ(out, 0x16 | 0x1 | 0x20);
	CHECK_EQ(missing, 0);
	CHECK_EQ(vmx_adjust_control(0x0000007f00000016ULL, 0x1 | 0x100, 0, &out, &missing), -1);
	CHECK_EQ(missing, 0x100);
}

static void bochs_skylake_gets_everything_vmlab_uses(void)
{
	struct vmx_controls c;
	const char *why = NULL;

	CHECK_EQ(vmx_choose_controls(&bochs_skylake, &c, &why), 0);
	CHECK_EQ(c.pin, 0x16 | VMX_PIN_EXT_INTR | VMX_PIN_NMI | VMX_PIN_VIRTUAL_NMIS |
		 VMX_PIN_PREEMPTION_TIMER);
	CHECK(c.proc & VMX_PROC_HLT);
	CHECK(c.proc & VMX_PROC_UNCOND_IO);
	CHECK(c.proc & VMX_PROC_SECONDARY);
	CHECK(c.proc & VMX_PROC_MSR_BITMAPS);
	CHECK(c.proc & VMX_PROC_TSC_OFFSET);
	CHECK(!(c.proc & (VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE | VMX_PROC_INVLPG)));
	CHECK_EQ(c.proc & (VMX_PROC_CR8_LOAD | VMX_PROC_CR8_STORE | VMX_PROC_RDPMC),
		 VMX_PROC_CR8_LOAD | VMX_PROC_CR8_STORE | VMX_PROC_RDPMC);
	CHECK(!(c.proc & (VMX_PROC_INTR_WINDOW | VMX_PROC_NMI_WINDOW)), "window exits start off");
	CHECK_EQ(c.proc & 0x04006172, 0x04006172);	/* forced bits kept */
	CHECK_EQ(c.proc2, VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED | VMX_PROC2_VPID |
		 VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID);
	CHECK_EQ(c.exit & (VMX_EXIT_HOST_64 | VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER |
			   VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT),
		 VMX_EXIT_HOST_64 | VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER |
		 VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT);
	CHECK(c.entry & VMX_ENTRY_LOAD_EFER);
	CHECK(c.entry & VMX_ENTRY_LOAD_PAT);
	CHECK(c.exit & VMX_EXIT_SAVE_DEBUG);
	CHECK(c.entry & VMX_ENTRY_LOAD_DEBUG);
	CHECK(!(c.entry & VMX_ENTRY_IA32E), "IA-32e mode follows the guest");
}

static void real_hosts_get_the_controls_they_offer(void)
{
	const struct vmx_ctl_caps *hosts[] = { &coffee_lake_class, &ice_lake_class };

	for (unsigned int i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		struct vmx_controls c;
		const char *why = NULL;

		CHECK_EQ(vmx_choose_controls(hosts[i], &c, &why), 0);
		CHECK_EQ(c.pin, 0x16 | VMX_PIN_EXT_INTR | VMX_PIN_NMI | VMX_PIN_VIRTUAL_NMIS |
			 VMX_PIN_PREEMPTION_TIMER);
		CHECK(!(c.proc & (VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE)));
		/* EPT, unrestricted guest, VPID, RDTSCP; INVPCID is not offered. */
		CHECK_EQ(c.proc2, VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED | VMX_PROC2_VPID |
			 VMX_PROC2_RDTSCP);
		CHECK(c.exit & VMX_EXIT_LOAD_PAT);
		CHECK(c.entry & VMX_ENTRY_LOAD_EFER);
		CHECK(c.proc & VMX_PROC_CR8_LOAD);
		CHECK((c.exit & VMX_EXIT_SAVE_DEBUG) && (c.entry & VMX_ENTRY_LOAD_DEBUG));
		/* Every bit set is allowed, every forced bit is set. */
		CHECK_EQ(c.proc & ~(__u32)(hosts[i]->proc >> 32), 0);
		CHECK_EQ(c.exit & ~(__u32)(hosts[i]->exit >> 32), 0);
		CHECK_EQ(c.entry & (__u32)hosts[i]->entry, (__u32)hosts[i]->entry);
	}
}

static void forced_cr3_exiting_is_refused(void)
{
	struct vmx_ctl_caps caps = bochs_skylake;
	struct vmx_controls c;
	const char *why = NULL;

	caps.proc = BOCHS_PROCBASED_NOT_TRUE;
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
	CHECK(why && strstr(why, "CR3"), "%s", why ? why : "(null)");
}

static void no_secondary_controls_means_no_ept(void)
{
	struct vmx_ctl_caps caps = bochs_skylake;
	struct vmx_controls c;
	const char *why = NULL;

	caps.proc &= ~((__u64)VMX_PROC_SECONDARY << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
	caps = bochs_skylake;
	caps.proc2 &= ~((__u64)VMX_PROC2_EPT << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
	CHECK(why && strstr(why, "EPT"), "%s", why ? why : "(null)");
}

static void missing_optional_features_are_left_out_not_assumed(void)
{
	struct vmx_ctl_caps caps = bochs_skylake;
	struct vmx_controls c;
	const char *why = NULL;

	caps.proc2 &= ~((__u64)(VMX_PROC2_UNRESTRICTED | VMX_PROC2_VPID) << 32);
	caps.pin &= ~((__u64)VMX_PIN_VIRTUAL_NMIS << 32);
	caps.exit &= ~((__u64)(VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT) << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), 0);
	CHECK_EQ(c.proc2 & (VMX_PROC2_UNRESTRICTED | VMX_PROC2_VPID), 0);
	CHECK_EQ(c.pin & VMX_PIN_VIRTUAL_NMIS, 0);
	CHECK_EQ(c.exit & (VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT), 0);
	CHECK_EQ(c.entry & VMX_ENTRY_LOAD_PAT, 0);
}

static void required_dynamic_controls_must_be_allowed(void)
{
	struct vmx_ctl_caps caps = bochs_skylake;
	struct vmx_controls c;
	const char *why = NULL;

	caps.proc &= ~((__u64)VMX_PROC_INTR_WINDOW << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
	caps = bochs_skylake;
	caps.entry &= ~((__u64)VMX_ENTRY_IA32E << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
	caps = bochs_skylake;
	caps.exit &= ~((__u64)VMX_EXIT_LOAD_EFER << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
}

/*
 * Without CR8 exiting a guest's MOV to CR8 would set the host's TPR; a
 * CPU that cannot exit on it (or on debug-control save/load) is refused.
 */
static void cr8_exiting_and_debug_controls_are_required(void)
{
	struct vmx_ctl_caps caps = bochs_skylake;
	struct vmx_controls c;
	const char *why = NULL;

	caps.proc &= ~((__u64)VMX_PROC_CR8_STORE << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
	caps = bochs_skylake;
	caps.exit &= ~((__u64)VMX_EXIT_SAVE_DEBUG << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
	CHECK(why && strstr(why, "debug"), "%s", why ? why : "(null)");
	caps = bochs_skylake;
	caps.entry &= ~((__u64)VMX_ENTRY_LOAD_DEBUG << 32);
	CHECK_EQ(vmx_choose_controls(&caps, &c, &why), -1);
}

int main(void)
{
	check_prog = "vmx_controls";
	RUN(adjust_takes_required_optional_and_forced_bits);
	RUN(bochs_skylake_gets_everything_vmlab_uses);
	RUN(real_hosts_get_the_controls_they_offer);
	RUN(forced_cr3_exiting_is_refused);
	RUN(no_secondary_controls_means_no_ept);
	RUN(missing_optional_features_are_left_out_not_assumed);
	RUN(required_dynamic_controls_must_be_allowed);
	RUN(cr8_exiting_and_debug_controls_are_required);
	return check_done();
}
