/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choosing the VMX execution controls from the capability MSRs.  Host
 * independent (no kernel headers beyond types) so the unit tests can run
 * it against capability values recorded on several CPUs.
 */
#ifndef _VMLAB_VMX_CONTROLS_H
#define _VMLAB_VMX_CONTROLS_H

#include <linux/const.h>
#include <linux/types.h>

/* Control bits used by vmlab (SDM vol. 3, 24.6 and 24.7). */
#define VMX_PIN_EXT_INTR		_BITUL(0)
#define VMX_PIN_NMI			_BITUL(3)
#define VMX_PIN_VIRTUAL_NMIS		_BITUL(5)
#define VMX_PIN_PREEMPTION_TIMER	_BITUL(6)

#define VMX_PROC_INTR_WINDOW		_BITUL(2)
#define VMX_PROC_TSC_OFFSET		_BITUL(3)
#define VMX_PROC_HLT			_BITUL(7)
#define VMX_PROC_INVLPG			_BITUL(9)
#define VMX_PROC_MWAIT			_BITUL(10)
#define VMX_PROC_RDPMC			_BITUL(11)
#define VMX_PROC_RDTSC			_BITUL(12)
#define VMX_PROC_CR3_LOAD		_BITUL(15)
#define VMX_PROC_CR3_STORE		_BITUL(16)
#define VMX_PROC_CR8_LOAD		_BITUL(19)
#define VMX_PROC_CR8_STORE		_BITUL(20)
#define VMX_PROC_NMI_WINDOW		_BITUL(22)
#define VMX_PROC_MOV_DR			_BITUL(23)
#define VMX_PROC_UNCOND_IO		_BITUL(24)
#define VMX_PROC_MSR_BITMAPS		_BITUL(28)
#define VMX_PROC_MONITOR		_BITUL(29)
#define VMX_PROC_SECONDARY		_BITUL(31)

#define VMX_PROC2_EPT			_BITUL(1)
#define VMX_PROC2_RDTSCP		_BITUL(3)
#define VMX_PROC2_VPID			_BITUL(5)
#define VMX_PROC2_UNRESTRICTED		_BITUL(7)
#define VMX_PROC2_INVPCID		_BITUL(12)

#define VMX_EXIT_SAVE_DEBUG		_BITUL(2)
#define VMX_EXIT_HOST_64		_BITUL(9)
#define VMX_EXIT_SAVE_PAT		_BITUL(18)
#define VMX_EXIT_LOAD_PAT		_BITUL(19)
#define VMX_EXIT_SAVE_EFER		_BITUL(20)
#define VMX_EXIT_LOAD_EFER		_BITUL(21)

#define VMX_ENTRY_LOAD_DEBUG		_BITUL(2)
#define VMX_ENTRY_IA32E			_BITUL(9)
#define VMX_ENTRY_LOAD_PAT		_BITUL(14)
#define VMX_ENTRY_LOAD_EFER		_BITUL(15)

/*
 * The capability MSRs as read: allowed-0 settings in bits 31:0 (a 1 there
 * forces the control on), allowed-1 settings in bits 63:32 (a 0 there
 * forces it off).  The TRUE_ variants when IA32_VMX_BASIC[55] says so.
 */
struct vmx_ctl_caps {
	__u64 pin, proc, proc2, exit, entry;
};

struct vmx_controls {
	__u32 pin, proc, proc2, exit, entry;
};

/*
 * Adjusts one control word: @required bits must be allowed (else
 * -1 with the missing ones in *@missing), @optional bits are taken when
 * allowed, bits the CPU forces on are added.
 */
int vmx_adjust_control(__u64 cap, __u32 required, __u32 optional,
		       __u32 *out, __u32 *missing);

/*
 * Chooses every control word.  Returns 0, or -1 with *@why naming what
 * the CPU lacks (or forces that vmlab cannot live with).
 */
int vmx_choose_controls(const struct vmx_ctl_caps *caps,
			struct vmx_controls *out, const char **why);

#endif
