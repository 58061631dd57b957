/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The run-page exit reasons and internal-error sub-reasons of vmlab: one
 * table each, giving the number the module reports and the name the tools
 * print.  X-macro tables: X(NAME, number, "name").
 */
#ifndef _UAPI_VMLAB_EXITS_H
#define _UAPI_VMLAB_EXITS_H

/*
 * Run-page exit reasons: one table, used by the module to report and by
 * the tools to name.  X(NAME, number, "name").
 */
#define VMLAB_EXIT_REASONS(X)						\
	X(UNKNOWN,		0,  "unknown")				\
	X(IO,			1,  "io")				\
	X(MMIO,			2,  "mmio")				\
	X(HLT,			3,  "hlt")				\
	X(SHUTDOWN,		4,  "shutdown")				\
	X(FAIL_ENTRY,		5,  "fail-entry")			\
	X(INTERNAL_ERROR,	6,  "internal-error")			\
	X(INTR,			7,  "intr")				\
	X(IRQ_WINDOW_OPEN,	8,  "irq-window-open")			\
	X(UNHANDLED,		9,  "unhandled")

enum vmlab_exit_reason {
#define VMLAB_EXIT_ENUM(name, nr, str) VMLAB_EXIT_##name = (nr),
	VMLAB_EXIT_REASONS(VMLAB_EXIT_ENUM)
#undef VMLAB_EXIT_ENUM
	VMLAB_EXIT_NR
};

/* Sub-reasons of VMLAB_EXIT_INTERNAL_ERROR (run->internal.suberror). */
#define VMLAB_INTERNAL_ERRORS(X)					\
	X(EMULATION,		1, "instruction-not-emulated")		\
	X(GUEST_MEMORY,		2, "guest-memory-unreachable")		\
	X(NESTED_FAULT,		3, "unexpected-nested-page-fault")	\
	X(EVENT_DELIVERY,	4, "exit-during-event-delivery")

enum vmlab_internal_error {
#define VMLAB_INTERNAL_ENUM(name, nr, str) VMLAB_INTERNAL_##name = (nr),
	VMLAB_INTERNAL_ERRORS(VMLAB_INTERNAL_ENUM)
#undef VMLAB_INTERNAL_ENUM
};

#endif /* _UAPI_VMLAB_EXITS_H */
