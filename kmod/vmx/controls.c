// SPDX-License-Identifier: GPL-2.0
/*
 * VMX control selection: what vmlab needs, what it uses when offered, and
 * what it cannot accept being forced on.  Builds in the kernel and in the
 * unit tests.
 */
#include "controls.h"

int vmx_adjust_control(__u64 cap, __u32 required, __u32 optional,
		       __u32 *out, __u32 *missing)
{
	__u32 must_be_one = (__u32)cap;
	__u32 may_be_one = (__u32)(cap >> 32);

	*missing = required & ~may_be_one;
	if (*missing)
		return -1;
	*out = required | (optional & may_be_one) | must_be_one;
	return 0;
}

/* Exits vmlab does not handle with EPT on: they must be off. */
#define PROC_FORBIDDEN	(VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE | \
			 VMX_PROC_INVLPG | VMX_PROC_RDTSC | VMX_PROC_MOV_DR)

/*
 * Exits vmlab needs: the hardware's HLT, I/O and MONITOR/MWAIT would act
 * on the host; RDPMC would read the host's counters; CR8 is the host's
 * TPR unless CR8 accesses exit (vmlab uses no TPR shadow).
 */
#define PROC_REQUIRED	(VMX_PROC_HLT | VMX_PROC_UNCOND_IO | VMX_PROC_MWAIT | \
			 VMX_PROC_MONITOR | VMX_PROC_RDPMC | VMX_PROC_SECONDARY | \
			 VMX_PROC_CR8_LOAD | VMX_PROC_CR8_STORE)

/* Controls vmlab turns on and off at run time: they must be allowed. */
#define PROC_DYNAMIC	VMX_PROC_INTR_WINDOW

static int choose_pin_proc(const struct vmx_ctl_caps *caps,
			   struct vmx_controls *out, const char **why)
{
	__u32 missing;

	if (vmx_adjust_control(caps->pin, VMX_PIN_EXT_INTR | VMX_PIN_NMI,
			       VMX_PIN_VIRTUAL_NMIS | VMX_PIN_PREEMPTION_TIMER,
			       &out->pin, &missing)) {
		*why = "external-interrupt or NMI exiting unavailable";
		return -1;
	}
	if (vmx_adjust_control(caps->proc, PROC_REQUIRED,
			       VMX_PROC_MSR_BITMAPS | VMX_PROC_TSC_OFFSET |
			       ((out->pin & VMX_PIN_VIRTUAL_NMIS) ? VMX_PROC_NMI_WINDOW : 0),
			       &out->proc, &missing) ||
	    !((caps->proc >> 32) & PROC_DYNAMIC)) {
		*why = "a required processor-based control is unavailable";
		return -1;
	}
	if (out->proc & PROC_FORBIDDEN) {
		*why = "the CPU forces CR3/INVLPG/RDTSC/DR exiting on (no TRUE controls?)";
		return -1;
	}
	/* Set dynamically, never at start-up. */
	out->proc &= ~(VMX_PROC_INTR_WINDOW | VMX_PROC_NMI_WINDOW) | (__u32)caps->proc;
	return 0;
}

static int choose_secondary(const struct vmx_ctl_caps *caps,
			    struct vmx_controls *out, const char **why)
{
	__u32 missing;

	if (vmx_adjust_control(caps->proc2, VMX_PROC2_EPT,
			       VMX_PROC2_UNRESTRICTED | VMX_PROC2_VPID |
			       VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID,
			       &out->proc2, &missing)) {
		*why = "EPT is required and unavailable";
		return -1;
	}
	return 0;
}

static int choose_exit_entry(const struct vmx_ctl_caps *caps,
			     struct vmx_controls *out, const char **why)
{
	__u32 missing;

	/*
	 * Debug controls: the guest's DR7 and DEBUGCTL live in the VMCS, so
	 * the host's breakpoints never fire in the guest and the guest's do
	 * not vanish at each exit.
	 */
	if (vmx_adjust_control(caps->exit,
			       VMX_EXIT_HOST_64 | VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER |
			       VMX_EXIT_SAVE_DEBUG,
			       VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT,
			       &out->exit, &missing)) {
		*why = "64-bit host, EFER save/load or debug-control save on exit unavailable";
		return -1;
	}
	if (vmx_adjust_control(caps->entry, VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_DEBUG,
			       (out->exit & VMX_EXIT_LOAD_PAT) ? VMX_ENTRY_LOAD_PAT : 0,
			       &out->entry, &missing) ||
	    !((caps->entry >> 32) & VMX_ENTRY_IA32E)) {
		*why = "EFER or debug-control load, or IA-32e mode, on entry unavailable";
		return -1;
	}
	/* IA-32e mode follows the guest's EFER.LMA at each entry. */
	out->entry &= ~VMX_ENTRY_IA32E | (__u32)caps->entry;
	return 0;
}

int vmx_choose_controls(const struct vmx_ctl_caps *caps,
			struct vmx_controls *out, const char **why)
{
	if (choose_pin_proc(caps, out, why) ||
	    choose_secondary(caps, out, why) ||
	    choose_exit_entry(caps, out, why))
		return -1;
	return 0;
}
