/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AMD SVM exit codes (APM vol. 2, appendix C): the one table of their
 * numbers and names, used by the SVM backend and by the tools that name
 * raw exits (VMLAB_EXIT_UNHANDLED, statistics).  X(NAME, code, "name").
 */
#ifndef _UAPI_VMLAB_SVM_EXITS_H
#define _UAPI_VMLAB_SVM_EXITS_H

#define VMLAB_SVM_EXITS(X)						\
	X(READ_CR0,		0x000, "read-cr0")			\
	X(READ_CR3,		0x003, "read-cr3")			\
	X(READ_CR4,		0x004, "read-cr4")			\
	X(READ_CR8,		0x008, "read-cr8")			\
	X(WRITE_CR0,		0x010, "write-cr0")			\
	X(WRITE_CR3,		0x013, "write-cr3")			\
	X(WRITE_CR4,		0x014, "write-cr4")			\
	X(WRITE_CR8,		0x018, "write-cr8")			\
	X(READ_DR7,		0x027, "read-dr7")			\
	X(WRITE_DR7,		0x037, "write-dr7")			\
	X(EXCP_DE,		0x040, "exception-de")			\
	X(EXCP_DB,		0x041, "exception-db")			\
	X(EXCP_BP,		0x043, "exception-bp")			\
	X(EXCP_OF,		0x044, "exception-of")			\
	X(EXCP_UD,		0x046, "exception-ud")			\
	X(EXCP_NM,		0x047, "exception-nm")			\
	X(EXCP_DF,		0x048, "exception-df")			\
	X(EXCP_TS,		0x04a, "exception-ts")			\
	X(EXCP_NP,		0x04b, "exception-np")			\
	X(EXCP_SS,		0x04c, "exception-ss")			\
	X(EXCP_GP,		0x04d, "exception-gp")			\
	X(EXCP_PF,		0x04e, "exception-pf")			\
	X(EXCP_MF,		0x050, "exception-mf")			\
	X(EXCP_AC,		0x051, "exception-ac")			\
	X(EXCP_MC,		0x052, "exception-mc")			\
	X(EXCP_XM,		0x053, "exception-xm")			\
	X(INTR,			0x060, "intr")				\
	X(NMI,			0x061, "nmi")				\
	X(SMI,			0x062, "smi")				\
	X(INIT,			0x063, "init")				\
	X(VINTR,		0x064, "vintr")				\
	X(CR0_SEL_WRITE,	0x065, "cr0-sel-write")			\
	X(IDTR_READ,		0x066, "idtr-read")			\
	X(GDTR_READ,		0x067, "gdtr-read")			\
	X(LDTR_READ,		0x068, "ldtr-read")			\
	X(TR_READ,		0x069, "tr-read")			\
	X(IDTR_WRITE,		0x06a, "idtr-write")			\
	X(GDTR_WRITE,		0x06b, "gdtr-write")			\
	X(LDTR_WRITE,		0x06c, "ldtr-write")			\
	X(TR_WRITE,		0x06d, "tr-write")			\
	X(RDTSC,		0x06e, "rdtsc")				\
	X(RDPMC,		0x06f, "rdpmc")				\
	X(PUSHF,		0x070, "pushf")				\
	X(POPF,			0x071, "popf")				\
	X(CPUID,		0x072, "cpuid")				\
	X(RSM,			0x073, "rsm")				\
	X(IRET,			0x074, "iret")				\
	X(SWINT,		0x075, "swint")				\
	X(INVD,			0x076, "invd")				\
	X(PAUSE,		0x077, "pause")				\
	X(HLT,			0x078, "hlt")				\
	X(INVLPG,		0x079, "invlpg")			\
	X(INVLPGA,		0x07a, "invlpga")			\
	X(IOIO,			0x07b, "ioio")				\
	X(MSR,			0x07c, "msr")				\
	X(TASK_SWITCH,		0x07d, "task-switch")			\
	X(FERR_FREEZE,		0x07e, "ferr-freeze")			\
	X(SHUTDOWN,		0x07f, "shutdown")			\
	X(VMRUN,		0x080, "vmrun")				\
	X(VMMCALL,		0x081, "vmmcall")			\
	X(VMLOAD,		0x082, "vmload")			\
	X(VMSAVE,		0x083, "vmsave")			\
	X(STGI,			0x084, "stgi")				\
	X(CLGI,			0x085, "clgi")				\
	X(SKINIT,		0x086, "skinit")			\
	X(RDTSCP,		0x087, "rdtscp")			\
	X(ICEBP,		0x088, "icebp")				\
	X(WBINVD,		0x089, "wbinvd")			\
	X(MONITOR,		0x08a, "monitor")			\
	X(MWAIT,		0x08b, "mwait")				\
	X(MWAIT_COND,		0x08c, "mwait-cond")			\
	X(XSETBV,		0x08d, "xsetbv")			\
	X(RDPRU,		0x08e, "rdpru")				\
	X(EFER_WRITE_TRAP,	0x08f, "efer-write-trap")		\
	X(INVPCID,		0x0a2, "invpcid")			\
	X(NPF,			0x400, "npf")				\
	X(AVIC_INCOMPLETE_IPI,	0x401, "avic-incomplete-ipi")		\
	X(AVIC_NOACCEL,		0x402, "avic-noaccel")			\
	X(VMGEXIT,		0x403, "vmgexit")			\
	X(INVALID,		0xffffffffffffffffULL, "invalid")

enum vmlab_svm_exit {
#define VMLAB_SVM_EXIT_ENUM(name, code, str) VMLAB_SVM_EXIT_##name = (code),
	VMLAB_SVM_EXITS(VMLAB_SVM_EXIT_ENUM)
#undef VMLAB_SVM_EXIT_ENUM
};

#endif /* _UAPI_VMLAB_SVM_EXITS_H */
