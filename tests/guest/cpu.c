// SPDX-License-Identifier: GPL-2.0
/*
 * CPU state seen from the guest (tests/host/guest_cpu.c drives it):
 * the XMM registers the host set with SET_XSAVE, CPUID from the host's
 * table, MSRs in both directions and the #GP of an unknown one, HLT,
 * registers the host reads and replaces at a HLT, and VMMCALL, which
 * the module leaves to userspace.  Or one of the CPU_SCENARIO_* cases:
 * a triple fault, or an event or a page walk that touches MMIO space.
 */
#include "guest.h"
#include "cpu.h"

#define CR4_OSXSAVE		(1ULL << 18)
#define DR6_BS			(1ULL << 14)
#define DR6_INIT		0xffff0ff0ULL
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_XSAVE	(1u << 26)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
#define CPUID_81_ECX_SVM	(1u << 2)
#define CPUID_81_EDX_RDTSCP	(1u << 27)

void single_step(void);
extern const char single_step_after[];
void hlt_once(void);
void regs_test(const uint64_t *in, uint64_t *out);
uint64_t do_vmmcall(void);
uint64_t do_vmcall(void);
extern const char hlt_once_after[], regs_test_after_hlt[], do_vmmcall_insn[];
extern const char do_vmcall_insn[];

/* TF set by POPF traps after the instruction that follows it. */
asm(".text\n"
    ".globl single_step, single_step_after\n"
    "single_step:\n"
    "	pushfq\n"
    "	orq $0x100, (%rsp)\n"
    "	popfq\n"
    "	nop\n"
    "single_step_after:\n"
    "	ret\n");

asm(".text\n"
    ".globl hlt_once, hlt_once_after\n"
    "hlt_once:\n"
    "	hlt\n"
    "hlt_once_after:\n"
    "	ret\n"

    /* Every GPR but RSP from in[] (rax rbx rcx rdx rsi rdi rbp r8-r15), HLT,
     * then every GPR and RFLAGS to out[]. */
    ".globl regs_test, regs_test_after_hlt\n"
    "regs_test:\n"
    "	pushq %rbx\n"
    "	pushq %rbp\n"
    "	pushq %r12\n"
    "	pushq %r13\n"
    "	pushq %r14\n"
    "	pushq %r15\n"
    "	pushq %rsi\n"
    "	movq 0(%rdi), %rax\n"
    "	movq 8(%rdi), %rbx\n"
    "	movq 16(%rdi), %rcx\n"
    "	movq 24(%rdi), %rdx\n"
    "	movq 32(%rdi), %rsi\n"
    "	movq 48(%rdi), %rbp\n"
    "	movq 56(%rdi), %r8\n"
    "	movq 64(%rdi), %r9\n"
    "	movq 72(%rdi), %r10\n"
    "	movq 80(%rdi), %r11\n"
    "	movq 88(%rdi), %r12\n"
    "	movq 96(%rdi), %r13\n"
    "	movq 104(%rdi), %r14\n"
    "	movq 112(%rdi), %r15\n"
    "	movq 40(%rdi), %rdi\n"
    "	hlt\n"
    "regs_test_after_hlt:\n"
    "	pushfq\n"
    "	pushq %rdi\n"
    "	movq 16(%rsp), %rdi\n"
    "	movq %rax, 0(%rdi)\n"
    "	movq %rbx, 8(%rdi)\n"
    "	movq %rcx, 16(%rdi)\n"
    "	movq %rdx, 24(%rdi)\n"
    "	movq %rsi, 32(%rdi)\n"
    "	movq %rbp, 48(%rdi)\n"
    "	movq %r8, 56(%rdi)\n"
    "	movq %r9, 64(%rdi)\n"
    "	movq %r10, 72(%rdi)\n"
    "	movq %r11, 80(%rdi)\n"
    "	movq %r12, 88(%rdi)\n"
    "	movq %r13, 96(%rdi)\n"
    "	movq %r14, 104(%rdi)\n"
    "	movq %r15, 112(%rdi)\n"
    "	popq %rax\n"
    "	movq %rax, 40(%rdi)\n"
    "	popq %rax\n"
    "	movq %rax, 120(%rdi)\n"
    "	popq %rsi\n"
    "	popq %r15\n"
    "	popq %r14\n"
    "	popq %r13\n"
    "	popq %r12\n"
    "	popq %rbp\n"
    "	popq %rbx\n"
    "	cld\n"
    "	ret\n"

    ".globl do_vmmcall, do_vmmcall_insn\n"
    "do_vmmcall:\n"
    "	xorl %eax, %eax\n"
    "do_vmmcall_insn:\n"
    "	vmmcall\n"
    "	ret\n"

    /* Intel's form of the same hypercall instruction. */
    ".globl do_vmcall, do_vmcall_insn\n"
    "do_vmcall:\n"
    "	xorl %eax, %eax\n"
    "do_vmcall_insn:\n"
    "	vmcall\n"
    "	ret\n");

/* First: XMM0 is what the host put in the XSAVE image. */
static void xsave_state(void)
{
	uint32_t x0[4], x1[4];
	uint32_t mxcsr = CPU_GUEST_MXCSR;
	unsigned int i;

	asm volatile("movdqu %%xmm0, %0" : "=m"(x0));
	for (i = 0; i < 4; i++)
		report(x0[i]);
	for (i = 0; i < 4; i++) {
		GCHECK_EQ(x0[i], CPU_XMM0_WORD(i));
		x1[i] = CPU_XMM1_WORD(i);
	}
	asm volatile("movdqu %0, %%xmm1" : : "m"(x1));
	asm volatile("ldmxcsr %0" : : "m"(mxcsr));
}

static void check_cpuid(void)
{
	uint32_t r[4];

	cpuid(CPU_LEAF_SIG, 0, r);
	GCHECK_EQ(r[0], CPU_LEAF_FLAT);
	GCHECK_EQ(r[1], CPU_LEAF_SIG_EBX);
	GCHECK_EQ(r[2], CPU_LEAF_SIG_ECX);
	GCHECK_EQ(r[3], CPU_LEAF_SIG_EDX);
	/* Sub-leaves where the index is significant: exact match only. */
	cpuid(CPU_LEAF_INDEXED, 0, r);
	GCHECK_EQ(r[0], 0xa0);
	GCHECK_EQ(r[3], 0xa3);
	cpuid(CPU_LEAF_INDEXED, 5, r);
	GCHECK_EQ(r[0], 0xb0);
	GCHECK_EQ(r[1], 0xb1);
	GCHECK_EQ(r[2], 0xb2);
	GCHECK_EQ(r[3], 0xb3);
	cpuid(CPU_LEAF_INDEXED, 1, r);
	GCHECK_EQ(r[0] | r[1] | r[2] | r[3], 0);
	/* Otherwise ECX does not matter. */
	cpuid(CPU_LEAF_FLAT, 0, r);
	GCHECK_EQ(r[2], 0xc2);
	cpuid(CPU_LEAF_FLAT, 7, r);
	GCHECK_EQ(r[0], 0xc0);
	GCHECK_EQ(r[2], 0xc2);
	cpuid(CPU_LEAF_FLAT, 0xffffffff, r);
	GCHECK_EQ(r[1], 0xc1);
	GCHECK_EQ(r[3], 0xc3);
	cpuid(CPU_LEAF_ABSENT, 0, r);
	GCHECK_EQ(r[0] | r[1] | r[2] | r[3], 0);

	/* The vendor leaf, for the host to compare with GET_CPUID. */
	cpuid(0, 0, r);
	report(r[0]);
	report(r[1]);
	report(r[2]);
	report(r[3]);

	/* The default table's per-vCPU and hidden bits. */
	cpuid(1, 0, r);
	GCHECK_EQ(r[1] >> 24, guest_param(1));
	GCHECK(r[2] & CPUID_1_ECX_HYPERVISOR);
	GCHECK_EQ(r[2] & CPUID_1_ECX_VMX, 0);
	GCHECK_EQ(r[2] & CPUID_1_ECX_OSXSAVE, 0);
	if (r[2] & CPUID_1_ECX_XSAVE) {
		/* OSXSAVE follows CR4. */
		asm volatile("mov %0, %%cr4" : : "r"(read_cr4() | CR4_OSXSAVE));
		cpuid(1, 0, r);
		GCHECK(r[2] & CPUID_1_ECX_OSXSAVE);
		asm volatile("mov %0, %%cr4" : : "r"(read_cr4() & ~CR4_OSXSAVE));
		cpuid(1, 0, r);
		GCHECK_EQ(r[2] & CPUID_1_ECX_OSXSAVE, 0);
	}
	cpuid(0x80000001, 0, r);
	GCHECK_EQ(r[2] & CPUID_81_ECX_SVM, 0);
}

struct msr_value {
	uint32_t index;
	uint64_t value;
};

static void check_msrs(void)
{
	static const struct msr_value host_set[] = {
		{ MSR_STAR, CPU_HOST_STAR },
		{ MSR_LSTAR, CPU_HOST_LSTAR },
		{ MSR_IA32_SYSENTER_EIP, CPU_HOST_SYSENTER_EIP },
		{ MSR_KERNEL_GS_BASE, CPU_HOST_KGS_BASE },
		{ MSR_IA32_CR_PAT, CPU_HOST_PAT },
		{ MSR_TSC_AUX, CPU_HOST_TSC_AUX },
	};
	static const struct msr_value guest_set[] = {
		{ MSR_STAR, CPU_GUEST_STAR },
		{ MSR_LSTAR, CPU_GUEST_LSTAR },
		{ MSR_CSTAR, CPU_GUEST_CSTAR },
		{ MSR_SYSCALL_MASK, CPU_GUEST_SFMASK },
		{ MSR_IA32_SYSENTER_CS, CPU_GUEST_SYSENTER_CS },
		{ MSR_IA32_SYSENTER_ESP, CPU_GUEST_SYSENTER_ESP },
		{ MSR_IA32_SYSENTER_EIP, CPU_GUEST_SYSENTER_EIP },
		{ MSR_KERNEL_GS_BASE, CPU_GUEST_KGS_BASE },
		{ MSR_FS_BASE, CPU_GUEST_FS_BASE },
		{ MSR_GS_BASE, CPU_GUEST_GS_BASE },
		{ MSR_IA32_CR_PAT, CPU_GUEST_PAT },
		{ MSR_TSC_AUX, CPU_GUEST_TSC_AUX },
	};
	uint64_t efer, v, tsc;
	uint32_t r[4], aux = 0;
	unsigned int i;

	for (i = 0; i < sizeof(host_set) / sizeof(host_set[0]); i++)
		GCHECK_EQ(rdmsr(host_set[i].index), host_set[i].value);
	for (i = 0; i < sizeof(guest_set) / sizeof(guest_set[0]); i++) {
		wrmsr(guest_set[i].index, guest_set[i].value);
		GCHECK_EQ(rdmsr(guest_set[i].index), guest_set[i].value);
	}

	/* RDTSCP reads TSC_AUX from the hardware, where the module put ours. */
	cpuid(0x80000001, 0, r);
	if (r[3] & CPUID_81_EDX_RDTSCP) {
		GCHECK_EQ(ASM_SAFE("rdtscp", : "=c"(aux) : : "rax", "rdx", "memory"), 0);
		GCHECK_EQ(aux, CPU_GUEST_TSC_AUX);
	}

	efer = rdmsr(MSR_EFER);
	GCHECK_EQ(efer & EFER_SCE, 0);
	wrmsr(MSR_EFER, efer | EFER_SCE);
	GCHECK_EQ(rdmsr(MSR_EFER), efer | EFER_SCE);
	/* SVME is the hypervisor's; reserved bits are reserved. */
	GCHECK_EQ(wrmsr_safe(MSR_EFER, efer | EFER_SCE | EFER_SVME), VEC_GP);
	GCHECK_EQ(wrmsr_safe(MSR_EFER, efer | EFER_SCE | (1ULL << 20)), VEC_GP);
	GCHECK_EQ(rdmsr(MSR_EFER), efer | EFER_SCE);

	/* PAT memory type 2 does not exist. */
	GCHECK_EQ(wrmsr_safe(MSR_IA32_CR_PAT, 0x0007040600070402ULL), VEC_GP);
	GCHECK_EQ(rdmsr(MSR_IA32_CR_PAT), CPU_GUEST_PAT);

	/* No such MSR: #GP both ways, and the value is not invented. */
	v = 0x5555;
	GCHECK_EQ(rdmsr_safe(CPU_UNKNOWN_MSR, &v), VEC_GP);
	GCHECK_EQ(guest_fault_error, 0);
	GCHECK_EQ(wrmsr_safe(CPU_UNKNOWN_MSR, 1), VEC_GP);
	GCHECK_EQ(rdmsr_safe(0xdeadbeef, &v), VEC_GP);

	/* Writing the TSC moves what RDTSC reads. */
	wrmsr(MSR_IA32_TSC, 1ULL << 50);
	tsc = rdtsc();
	GCHECK(tsc >= 1ULL << 50 && tsc < (1ULL << 50) + (1ULL << 40));
	v = rdmsr(MSR_IA32_TSC);
	GCHECK(v >= tsc && v < tsc + (1ULL << 40));
}

static void check_hlt(void)
{
	unsigned int i;

	/* Each HLT exits to the host, which resumes us after it. */
	for (i = 0; i < 2; i++) {
		report(CPU_MARK_HLT);
		report64((uintptr_t)hlt_once_after);
		hlt_once();
	}
}

static void check_regs(void)
{
	uint64_t in[15], out[16];
	unsigned int i;

	for (i = 0; i < 15; i++)
		in[i] = cpu_guest_reg(i);
	memset(out, 0, sizeof(out));
	report(CPU_MARK_REGS);
	report64((uintptr_t)regs_test_after_hlt);
	regs_test(in, out);
	for (i = 0; i < 15; i++)
		GCHECK_EQ(out[i], cpu_host_reg(i));
	/* CF PF ZF SF OF as the host set them, IF still clear. */
	GCHECK_EQ(out[15], 0x8c7);
}

/* The hypercall instruction of the CPU's vendor: VMCALL on Intel, VMMCALL elsewhere. */
/*
 * A single-step trap reaches the guest's handler once, after the stepped
 * instruction, with DR6.BS: the module intercepts #DB and gives it back.
 */
static void check_single_step(void)
{
	guest_db_count = 0;
	guest_db_armed = 1;
	single_step();
	guest_db_armed = 0;
	GCHECK_EQ(guest_db_count, 1);
	GCHECK_EQ(guest_db_rip, (uintptr_t)single_step_after);
	GCHECK_EQ(guest_db_dr6 & DR6_BS, DR6_BS);
	asm volatile("mov %0, %%dr6" : : "r"(DR6_INIT));
}

/*
 * CR8 keeps what the guest writes.  (Reserved bits are #GP on hardware,
 * not in QEMU's SVM, so they are not tried.)
 */
static void check_cr8(void)
{
	uint64_t v = 0;

	asm volatile("mov %1, %%cr8; mov %%cr8, %0" : "=r"(v) : "r"((uint64_t)CPU_GUEST_TPR));
	GCHECK_EQ(v, CPU_GUEST_TPR);
}

static void check_vmmcall(void)
{
	uint32_t r[4];
	int intel;

	cpuid(0, 0, r);
	intel = r[1] == 0x756e6547;	/* "Genu" */
	report(CPU_MARK_VMMCALL);
	report64((uintptr_t)(intel ? do_vmcall_insn : do_vmmcall_insn));
	GCHECK_EQ(intel ? do_vmcall() : do_vmmcall(), CPU_VMMCALL_RAX);
}

/* An exception with an IDT too small for it: #GP, #DF, shutdown. */
static void triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { 0, 0 };

	report(CPU_MARK_TRIPLE);
	asm volatile("lidt %0; int3" : : "m"(idtr) : "memory");
	puts("survived a triple fault\n");
}

/*
 * Neither of these accesses is the instruction's own: the module must not
 * emulate INT or the load as an MMIO access, but stop with an internal
 * error naming the address.
 */
static void idt_in_mmio(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { 0xfff, GUEST_MMIO_BASE };

	report(CPU_MARK_IDT_IN_MMIO);
	asm volatile("lidt %0; int $0x20" : : "m"(idtr) : "memory");
	puts("INT through an IDT in MMIO space completed\n");
}

static void pt_in_mmio(void)
{
	volatile uint64_t *pml4 = (uint64_t *)GUEST_PML4;
	uint64_t v;

	pml4[1] = GUEST_MMIO_BASE | 3;	/* present, writable: a PDPT in MMIO */
	asm volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
	report(CPU_MARK_PT_IN_MMIO);
	v = *(volatile uint64_t *)CPU_PT_IN_MMIO_LA;
	gprintf("a load through a PDPT in MMIO space read %lx\n", (unsigned long)v);
}

int guest_main(void)
{
	switch (guest_param(0)) {
	case CPU_SCENARIO_TRIPLE:
		triple_fault();
		return 1;
	case CPU_SCENARIO_IDT_IN_MMIO:
		idt_in_mmio();
		return 1;
	case CPU_SCENARIO_PT_IN_MMIO:
		pt_in_mmio();
		return 1;
	}
	xsave_state();
	check_cpuid();
	check_msrs();
	check_hlt();
	check_regs();
	check_vmmcall();
	check_single_step();
	check_cr8();
	return 0;
}
