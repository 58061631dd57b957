// SPDX-License-Identifier: GPL-2.0
/*
 * CPU state between host and guest (tests/guest/cpu.c): CPUID from the
 * VM's table, MSRs set on one side and read on the other, HLT exits and
 * the RIP they leave, registers read and replaced at a HLT, VMMCALL as
 * an unhandled exit with RIP on the instruction, XSAVE contents both
 * ways; and the exits that end a guest: triple fault (SHUTDOWN) and an
 * invalid state (FAIL_ENTRY).
 */
#include "guest_run.h"
#include "../guest/cpu.h"

#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define VCPU_ID		3


#define SVM_EXIT_VMMCALL	0x81
#define VMX_EXIT_VMCALL		18
/* The hypercall exit of the backend under test. */
#define HYPERCALL_EXIT		(host_is_svm() ? SVM_EXIT_VMMCALL : VMX_EXIT_VMCALL)

/* The standard XSAVE layout: legacy region, then the header. */
#define XSAVE_MXCSR		24
#define XSAVE_XMM(n)		(160 + 16 * (n))
#define XSAVE_XSTATE_BV		512
#define XFEATURE_SSE		(1ULL << 1)

struct msrs {
	struct vmlab_msrs hdr;
	struct vmlab_msr_entry e[16];
};

static struct cpu_state {
	struct vmlab_cpuid_entry leaf0;
	bool have_leaf0;
	unsigned int hlts, hlts_ok, regs_ok, vmmcalls, vmmcall_ok;
	uint64_t vmmcall_info_rip;
	uint32_t vmmcall_backend;
	bool ready_flag_seen;
	struct msrs guest_msrs;
	int got_msrs;
	uint8_t xsave[4096];
	int got_xsave;
	uint64_t sregs_cr8, run_cr8;
	int got_sregs;
} cs;

static struct guest g;
static bool ran;

static int get_msrs(int vcpu, struct msrs *m, unsigned int n)
{
	m->hdr.nmsrs = n;
	return ioctl(vcpu, VMLAB_GET_MSRS, m);
}

static int set_msrs(int vcpu, struct msrs *m, unsigned int n)
{
	m->hdr.nmsrs = n;
	return ioctl(vcpu, VMLAB_SET_MSRS, m);
}

/* The default table plus the test's leaves; remembers leaf 0. */
static void set_cpuid(struct guest *gg)
{
	static const struct vmlab_cpuid_entry ours[] = {
		{ CPU_LEAF_SIG, 0, 0, CPU_LEAF_FLAT, CPU_LEAF_SIG_EBX,
		  CPU_LEAF_SIG_ECX, CPU_LEAF_SIG_EDX, 0 },
		{ CPU_LEAF_INDEXED, 0, VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX,
		  0xa0, 0xa1, 0xa2, 0xa3, 0 },
		{ CPU_LEAF_INDEXED, 5, VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX,
		  0xb0, 0xb1, 0xb2, 0xb3, 0 },
		{ CPU_LEAF_FLAT, 0, 0, 0xc0, 0xc1, 0xc2, 0xc3, 0 },
	};
	size_t size = sizeof(struct vmlab_cpuid) +
		      VMLAB_MAX_CPUID_ENTRIES * sizeof(struct vmlab_cpuid_entry);
	struct vmlab_cpuid *t = calloc(1, size);
	unsigned int i, n;

	if (!t)
		return;
	/* Too small a buffer: E2BIG and the size needed. */
	t->nent = 0;
	CHECK_ERRNO(ioctl(gg->vm, VMLAB_GET_CPUID, t), E2BIG);
	n = t->nent;
	CHECK(n > 0 && n <= VMLAB_MAX_CPUID_ENTRIES, "nent %u", n);
	t->nent = VMLAB_MAX_CPUID_ENTRIES;
	CHECK(ioctl(gg->vm, VMLAB_GET_CPUID, t) == 0, "GET_CPUID: %s", strerror(errno));
	CHECK_EQ(t->nent, n);
	for (i = 0; i < t->nent; i++)
		if (t->entries[i].function == 0) {
			cs.leaf0 = t->entries[i];
			cs.have_leaf0 = true;
		}
	CHECK(cs.have_leaf0, "no leaf 0 in the default table");
	/* Room for ours: drop default entries from the end if needed. */
	if (t->nent > VMLAB_MAX_CPUID_ENTRIES - N_ELEMS(ours))
		t->nent = VMLAB_MAX_CPUID_ENTRIES - N_ELEMS(ours);
	memcpy(&t->entries[t->nent], ours, sizeof(ours));
	t->nent += N_ELEMS(ours);
	CHECK(ioctl(gg->vm, VMLAB_SET_CPUID, t) == 0, "SET_CPUID: %s", strerror(errno));
	free(t);
}

static void set_host_msrs(struct guest *gg)
{
	struct msrs m = { .e = {
		{ MSR_STAR, 0, CPU_HOST_STAR },
		{ MSR_LSTAR, 0, CPU_HOST_LSTAR },
		{ MSR_IA32_SYSENTER_EIP, 0, CPU_HOST_SYSENTER_EIP },
		{ MSR_KERNEL_GS_BASE, 0, CPU_HOST_KGS_BASE },
		{ MSR_IA32_CR_PAT, 0, CPU_HOST_PAT },
		{ MSR_TSC_AUX, 0, CPU_HOST_TSC_AUX },
	} };

	CHECK_EQ(set_msrs(gg->vcpu, &m, 6), 6);
}

static void set_xmm0(struct guest *gg)
{
	uint8_t x[4096];
	uint64_t bv;
	unsigned int i;

	CHECK(ioctl(gg->vcpu, VMLAB_GET_XSAVE, x) == 0, "GET_XSAVE: %s", strerror(errno));
	for (i = 0; i < 4; i++) {
		uint32_t w = CPU_XMM0_WORD(i);

		memcpy(x + XSAVE_XMM(0) + 4 * i, &w, 4);
	}
	/* XMM0 counts only with the SSE bit of XSTATE_BV set. */
	memcpy(&bv, x + XSAVE_XSTATE_BV, 8);
	bv |= XFEATURE_SSE;
	memcpy(x + XSAVE_XSTATE_BV, &bv, 8);
	CHECK(ioctl(gg->vcpu, VMLAB_SET_XSAVE, x) == 0, "SET_XSAVE: %s", strerror(errno));
}

/* The marker and RIP the guest reported last: 3 words. */
static bool last_mark(struct guest *gg, uint32_t mark, uint64_t *rip)
{
	if (gg->nreports < 3 || gg->reports[gg->nreports - 3] != mark)
		return false;
	*rip = guest_report64(gg, gg->nreports - 2);
	return true;
}

static void regs_at_hlt(struct guest *gg, uint64_t want_rip)
{
	struct vmlab_regs r, back;
	__u64 *gprs[15] = { &r.rax, &r.rbx, &r.rcx, &r.rdx, &r.rsi, &r.rdi,
			       &r.rbp, &r.r8, &r.r9, &r.r10, &r.r11, &r.r12,
			       &r.r13, &r.r14, &r.r15 };
	unsigned int i, ok = 1;

	guest_get_regs(gg, &r);
	CHECK_EQ(r.rip, want_rip);
	for (i = 0; i < 15; i++)
		if (*gprs[i] != cpu_guest_reg(i)) {
			CHECK(0, "register %u: %#llx, want %#llx", i,
			      (unsigned long long)*gprs[i],
			      (unsigned long long)cpu_guest_reg(i));
			ok = 0;
		}
	CHECK_EQ(r.rflags & 0x200, 0);
	for (i = 0; i < 15; i++)
		*gprs[i] = cpu_host_reg(i);
	r.rflags = 0x8c7;
	guest_set_regs(gg, &r);
	guest_get_regs(gg, &back);
	CHECK(!memcmp(&r, &back, sizeof(r)), "GET_REGS after SET_REGS differs");
	cs.regs_ok = ok && !check_case_failed;
}

static enum guest_action cpu_exit(struct guest *gg, void *arg)
{
	struct vmlab_run *r = gg->run;
	struct vmlab_regs regs;
	uint64_t rip;

	(void)arg;
	if (r->exit_reason == VMLAB_EXIT_HLT) {
		cs.hlts++;
		/* Interrupts are off in the guest: not ready for one. */
		CHECK_EQ(r->if_flag, 0);
		CHECK_EQ(r->ready_for_interrupt_injection, 0);
		if (last_mark(gg, CPU_MARK_REGS, &rip)) {
			regs_at_hlt(gg, rip);
			return GUEST_CONTINUE;
		}
		if (!last_mark(gg, CPU_MARK_HLT, &rip))
			return GUEST_UNEXPECTED;
		if (guest_rip(gg) == rip)
			cs.hlts_ok++;
		else
			CHECK(0, "HLT exit at rip %#llx, want %#llx",
			      (unsigned long long)guest_rip(gg), (unsigned long long)rip);
		return GUEST_CONTINUE;
	}
	if (r->exit_reason == VMLAB_EXIT_UNHANDLED &&
	    r->unhandled.exit_code == HYPERCALL_EXIT &&
	    last_mark(gg, CPU_MARK_VMMCALL, &rip)) {
		cs.vmmcalls++;
		cs.vmmcall_info_rip = r->unhandled.info[3];
		cs.vmmcall_backend = r->unhandled.backend;
		guest_get_regs(gg, &regs);
		cs.vmmcall_ok = regs.rip == rip && cs.vmmcall_info_rip == rip;
		CHECK(cs.vmmcall_ok, "VMMCALL at %#llx (info %#llx), want %#llx",
		      (unsigned long long)regs.rip,
		      (unsigned long long)cs.vmmcall_info_rip, (unsigned long long)rip);
		/* Complete it the way a hypercall handler would. */
		regs.rip += 3;
		regs.rax = CPU_VMMCALL_RAX;
		guest_set_regs(gg, &regs);
		return GUEST_CONTINUE;
	}
	return GUEST_UNEXPECTED;
}

static void guest_runs_cpu_checks_with_host_set_state(void)
{
	struct vmlab_sregs sregs;

	memset(&cs, 0, sizeof(cs));
	if (guest_create_id(&g, "cpu", VCPU_ID))
		return;
	guest_set_param(&g, 0, CPU_SCENARIO_ALL);
	guest_set_param(&g, 1, VCPU_ID);
	set_cpuid(&g);
	set_host_msrs(&g);
	set_xmm0(&g);
	if (!check_case_failed)
		guest_run_to_pass(&g, cpu_exit, NULL);
	ran = g.done && g.exit_code == 0;
	if (g.ok) {
		struct msrs *m = &cs.guest_msrs;

		m->e[0].index = MSR_STAR;
		m->e[1].index = MSR_LSTAR;
		m->e[2].index = MSR_CSTAR;
		m->e[3].index = MSR_SYSCALL_MASK;
		m->e[4].index = MSR_IA32_SYSENTER_CS;
		m->e[5].index = MSR_IA32_SYSENTER_ESP;
		m->e[6].index = MSR_IA32_SYSENTER_EIP;
		m->e[7].index = MSR_KERNEL_GS_BASE;
		m->e[8].index = MSR_FS_BASE;
		m->e[9].index = MSR_GS_BASE;
		m->e[10].index = MSR_IA32_CR_PAT;
		m->e[11].index = MSR_TSC_AUX;
		m->e[12].index = MSR_EFER;
		m->e[13].index = MSR_IA32_TSC;
		cs.got_msrs = get_msrs(g.vcpu, m, 14);
		if (ioctl(g.vcpu, VMLAB_GET_XSAVE, cs.xsave) == 0)
			cs.got_xsave = 1;
		if (ioctl(g.vcpu, VMLAB_GET_SREGS, &sregs) == 0) {
			cs.got_sregs = 1;
			cs.sregs_cr8 = sregs.cr8;
		}
		cs.run_cr8 = g.run->cr8;
	}
	guest_close(&g);
}

#define NEED_RUN()							\
	do {								\
		if (!ran) {						\
			check_skip("the guest did not run");		\
			return;						\
		}							\
	} while (0)

static void cpuid_table_reaches_the_guest(void)
{
	NEED_RUN();
	/* The guest checked the test's leaves; leaf 0 is the default's. */
	CHECK_EQ(guest_report(&g, 4), cs.leaf0.eax);
	CHECK_EQ(guest_report(&g, 5), cs.leaf0.ebx);
	CHECK_EQ(guest_report(&g, 6), cs.leaf0.ecx);
	CHECK_EQ(guest_report(&g, 7), cs.leaf0.edx);
}

static void msrs_the_guest_wrote_are_what_get_msrs_reads(void)
{
	static const uint64_t want[] = {
		CPU_GUEST_STAR, CPU_GUEST_LSTAR, CPU_GUEST_CSTAR, CPU_GUEST_SFMASK,
		CPU_GUEST_SYSENTER_CS, CPU_GUEST_SYSENTER_ESP, CPU_GUEST_SYSENTER_EIP,
		CPU_GUEST_KGS_BASE, CPU_GUEST_FS_BASE, CPU_GUEST_GS_BASE,
		CPU_GUEST_PAT, CPU_GUEST_TSC_AUX,
	};
	const struct vmlab_msr_entry *e = cs.guest_msrs.e;
	unsigned int i;

	NEED_RUN();
	CHECK_EQ(cs.got_msrs, 14);
	for (i = 0; i < N_ELEMS(want); i++)
		CHECK(e[i].data == want[i], "MSR %#x: %#llx, want %#llx", e[i].index,
		      (unsigned long long)e[i].data, (unsigned long long)want[i]);
	/* EFER: what the guest set, long mode active, SVME hidden. */
	CHECK_EQ(e[12].data, EFER_SCE | EFER_LME | EFER_LMA);
	/* The guest moved the TSC to 2^50. */
	CHECK(e[13].data >= 1ULL << 50, "TSC %#llx", (unsigned long long)e[13].data);
}

static void hlt_exits_past_the_hlt_and_resumes(void)
{
	NEED_RUN();
	CHECK_EQ(cs.hlts, 3);
	CHECK_EQ(cs.hlts_ok, 2);
}

static void registers_read_and_replaced_at_a_hlt(void)
{
	NEED_RUN();
	/* regs_at_hlt() checked the guest's; the guest checked the host's. */
	CHECK(cs.regs_ok, "registers at the HLT were not the guest's");
}

static void vmmcall_is_unhandled_with_rip_on_it(void)
{
	NEED_RUN();
	CHECK_EQ(cs.vmmcalls, 1);
	CHECK(cs.vmmcall_ok, "wrong RIP");
	CHECK_EQ(cs.vmmcall_backend, host_is_svm() ? VMLAB_BACKEND_SVM : VMLAB_BACKEND_VMX);
}

/*
 * The guest's CR8 is its own TPR (on VMX, not the host's local APIC):
 * what it wrote last is what GET_SREGS and the run page show.
 */
static void guest_cr8_is_its_own_tpr(void)
{
	NEED_RUN();
	CHECK(cs.got_sregs, "GET_SREGS failed");
	CHECK_EQ(cs.sregs_cr8, CPU_GUEST_TPR);
	CHECK_EQ(cs.run_cr8, CPU_GUEST_TPR);
}

static void xsave_carries_xmm_registers_both_ways(void)
{
	uint32_t w, mxcsr;
	unsigned int i;

	NEED_RUN();
	/* The guest saw XMM0 (it checked, and reported it). */
	for (i = 0; i < 4; i++)
		CHECK_EQ(guest_report(&g, i), CPU_XMM0_WORD(i));
	CHECK(cs.got_xsave, "GET_XSAVE failed");
	for (i = 0; i < 4; i++) {
		memcpy(&w, cs.xsave + XSAVE_XMM(1) + 4 * i, 4);
		CHECK_EQ(w, CPU_XMM1_WORD(i));
	}
	memcpy(&mxcsr, cs.xsave + XSAVE_MXCSR, 4);
	CHECK_EQ(mxcsr, CPU_GUEST_MXCSR);
}

/* GET/SET_MSRS process entries in order and stop at the first failure. */
static void msr_ioctls_count_entries_up_to_the_first_failure(void)
{
	struct guest h;
	struct msrs m;

	if (guest_create(&h, "cpu"))
		return;
	memset(&m, 0, sizeof(m));
	m.e[0] = (struct vmlab_msr_entry){ MSR_STAR, 0, 0x0011002200000000ULL };
	m.e[1] = (struct vmlab_msr_entry){ MSR_LSTAR, 0, 0xffffffff80001000ULL };
	m.e[2] = (struct vmlab_msr_entry){ CPU_UNKNOWN_MSR, 0, 1 };
	m.e[3] = (struct vmlab_msr_entry){ MSR_IA32_CR_PAT, 0, 0x0606060606060606ULL };
	CHECK_EQ(set_msrs(h.vcpu, &m, 4), 2);

	memset(&m, 0, sizeof(m));
	m.e[0] = (struct vmlab_msr_entry){ MSR_STAR, 0, 0x5a5a };
	m.e[1] = (struct vmlab_msr_entry){ MSR_LSTAR, 0, 0x5a5a };
	m.e[2] = (struct vmlab_msr_entry){ CPU_UNKNOWN_MSR, 0, 0x5a5a };
	m.e[3] = (struct vmlab_msr_entry){ MSR_IA32_CR_PAT, 0, 0x5a5a };
	CHECK_EQ(get_msrs(h.vcpu, &m, 4), 2);
	CHECK_EQ(m.e[0].data, 0x0011002200000000ULL);
	CHECK_EQ(m.e[1].data, 0xffffffff80001000ULL);
	/* Entries past the failure are left alone, PAT was not set. */
	CHECK_EQ(m.e[2].data, 0x5a5a);
	CHECK_EQ(m.e[3].data, 0x5a5a);
	m.e[0] = (struct vmlab_msr_entry){ MSR_IA32_CR_PAT, 0, 0 };
	CHECK_EQ(get_msrs(h.vcpu, &m, 1), 1);
	CHECK(m.e[0].data != 0x0606060606060606ULL, "PAT was written");

	/* A value the MSR refuses stops SET too: PAT type 2 is reserved. */
	m.e[0] = (struct vmlab_msr_entry){ MSR_KERNEL_GS_BASE, 0, 0x1000 };
	m.e[1] = (struct vmlab_msr_entry){ MSR_IA32_CR_PAT, 0, 0x02 };
	m.e[2] = (struct vmlab_msr_entry){ MSR_CSTAR, 0, 0x2000 };
	CHECK_EQ(set_msrs(h.vcpu, &m, 3), 1);
	m.e[0] = (struct vmlab_msr_entry){ MSR_CSTAR, 0, 0x5a5a };
	CHECK_EQ(get_msrs(h.vcpu, &m, 1), 1);
	CHECK(m.e[0].data != 0x2000, "CSTAR was written after the failure");
	/* Failing first: nothing processed. */
	m.e[0] = (struct vmlab_msr_entry){ CPU_UNKNOWN_MSR, 0, 0 };
	CHECK_EQ(get_msrs(h.vcpu, &m, 1), 0);
	CHECK_EQ(set_msrs(h.vcpu, &m, 1), 0);
	guest_close(&h);
}

static void regs_ioctls_round_trip(void)
{
	struct vmlab_regs in, out;
	uint64_t *p = (uint64_t *)&in;
	struct guest h;
	unsigned int i;

	if (guest_create(&h, "cpu"))
		return;
	for (i = 0; i < sizeof(in) / 8; i++)
		p[i] = 0x1111111111111111ULL * (i + 1);
	in.rflags = 0x8c5;		/* bit 1, the fixed one, left clear */
	guest_set_regs(&h, &in);
	guest_get_regs(&h, &out);
	in.rflags = 0x8c7;
	CHECK(!memcmp(&in, &out, sizeof(in)), "GET_REGS after SET_REGS differs");
	CHECK_EQ(out.rflags, 0x8c7);
	CHECK_EQ(out.r15, 0x1111111111111111ULL * 16);
	/* Reserved RFLAGS bits (3, 5, 15, 22-63) do not stick. */
	in.rflags = ~0ULL;
	guest_set_regs(&h, &in);
	guest_get_regs(&h, &out);
	CHECK_EQ(out.rflags, 0x3f7fd7);
	guest_close(&h);
}

static enum guest_action expect_shutdown(struct guest *gg, void *arg)
{
	(void)arg;
	if (gg->run->exit_reason != VMLAB_EXIT_SHUTDOWN)
		return GUEST_UNEXPECTED;
	*(int *)arg = 1;
	return GUEST_STOP;
}

static void triple_fault_ends_in_a_shutdown_exit(void)
{
	struct guest h;
	int shutdown = 0;

	if (guest_create(&h, "cpu"))
		return;
	guest_set_param(&h, 0, CPU_SCENARIO_TRIPLE);
	CHECK_EQ(guest_run(&h, expect_shutdown, &shutdown), 1);
	CHECK_EQ(shutdown, 1);
	/* It happened where the guest said it would. */
	CHECK_EQ(guest_report(&h, 0), CPU_MARK_TRIPLE);
	CHECK_EQ(h.nreports, 1);
	guest_close(&h);
}

static enum guest_action expect_internal_error(struct guest *gg, void *arg)
{
	(void)arg;
	return gg->run->exit_reason == VMLAB_EXIT_INTERNAL_ERROR ? GUEST_STOP : GUEST_UNEXPECTED;
}

/*
 * Runs cpu's @scenario to an internal error that names @gpa with
 * @suberror, after the guest reported @mark.  An MMIO exit (the INT or the
 * load emulated against the IDT or page-table address) fails the case.
 */
static void guest_access_ends_in_internal_error(uint64_t scenario, uint32_t mark,
						uint32_t suberror, uint64_t gpa)
{
	struct guest h;

	if (guest_create(&h, "cpu"))
		return;
	guest_set_param(&h, 0, scenario);
	CHECK_EQ(guest_run(&h, expect_internal_error, NULL), 1);
	CHECK_EQ(guest_report(&h, 0), mark);
	CHECK_EQ(h.nreports, 1);
	CHECK_EQ(h.run->internal.suberror, suberror);
	CHECK(h.run->internal.ndata >= 1, "ndata %u", h.run->internal.ndata);
	CHECK_EQ(h.run->internal.data[0], gpa);
	guest_close(&h);
}

/* The IDT entry of INT 0x20 (16 bytes each) is read from MMIO space. */
static void event_through_an_idt_in_mmio_is_an_internal_error(void)
{
	guest_access_ends_in_internal_error(CPU_SCENARIO_IDT_IN_MMIO, CPU_MARK_IDT_IN_MMIO,
					    VMLAB_INTERNAL_EVENT_DELIVERY,
					    GUEST_MMIO_BASE + 0x20 * 16);
}

/* The page walk reads PDPT entry 0 from MMIO space. */
static void page_walk_through_mmio_is_an_internal_error(void)
{
	guest_access_ends_in_internal_error(CPU_SCENARIO_PT_IN_MMIO, CPU_MARK_PT_IN_MMIO,
					    VMLAB_INTERNAL_GUEST_MEMORY, GUEST_MMIO_BASE);
}

/*
 * Paging on with EFER.LME but without PAE (and LMA clear): both VMRUN and
 * VM entry refuse it; fixed, the vCPU runs.
 */
static void invalid_state_fails_entry_and_is_recoverable(void)
{
	struct vmlab_sregs sregs, good;
	struct vmlab_regs regs;
	struct guest h;
	char desc[200];

	if (guest_create(&h, "modes"))
		return;
	CHECK(ioctl(h.vcpu, VMLAB_GET_SREGS, &sregs) == 0, "GET_SREGS: %s", strerror(errno));
	good = sregs;
	sregs.cr0 |= 0x80000001ULL;		/* PG, PE */
	sregs.cr4 &= ~0x20ULL;			/* no PAE */
	sregs.efer = 0x100;			/* LME */
	CHECK(ioctl(h.vcpu, VMLAB_SET_SREGS, &sregs) == 0, "SET_SREGS: %s", strerror(errno));
	CHECK_EQ(guest_run_once(&h), 0);
	CHECK(h.run->exit_reason == VMLAB_EXIT_FAIL_ENTRY, "%s",
	      guest_describe_exit(&h, desc, sizeof(desc)));
	if (host_is_svm())
		CHECK_EQ(h.run->fail_entry.hardware_entry_failure_reason, ~0ULL);
	else	/* an entry failure: exit reason with bit 31, or VMfail */
		CHECK(h.run->fail_entry.hardware_entry_failure_reason & ((1ULL << 31) | (1ULL << 63)),
		      "reason %#llx",
		      (unsigned long long)h.run->fail_entry.hardware_entry_failure_reason);
	CHECK(h.run->fail_entry.cpu < (uint32_t)host_online_cpus(), "cpu %u",
	      h.run->fail_entry.cpu);
	/*
	 * A VMM puts a sane state back before running again: registers too,
	 * since an emulated CPU (QEMU) may store its own state in the VMCB
	 * on a failed VMRUN.
	 */
	CHECK(ioctl(h.vcpu, VMLAB_SET_SREGS, &good) == 0, "SET_SREGS: %s", strerror(errno));
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_LOAD_ADDR;
	regs.rflags = 2;
	guest_set_regs(&h, &regs);
	if (!check_case_failed)
		guest_run_to_pass(&h, NULL, NULL);
	guest_close(&h);
}

int main(void)
{
	check_prog = "guest_cpu";
	if (getenv("ONLY")) {
		if (strstr(getenv("ONLY"), "main"))
			RUN(guest_runs_cpu_checks_with_host_set_state);
		if (strstr(getenv("ONLY"), "triple"))
			RUN(triple_fault_ends_in_a_shutdown_exit);
		if (strstr(getenv("ONLY"), "fail"))
			RUN(invalid_state_fails_entry_and_is_recoverable);
		return 0;
	}
	RUN(guest_runs_cpu_checks_with_host_set_state);
	RUN(event_through_an_idt_in_mmio_is_an_internal_error);
	RUN(page_walk_through_mmio_is_an_internal_error);
	RUN(cpuid_table_reaches_the_guest);
	RUN(msrs_the_guest_wrote_are_what_get_msrs_reads);
	RUN(hlt_exits_past_the_hlt_and_resumes);
	RUN(registers_read_and_replaced_at_a_hlt);
	RUN(vmmcall_is_unhandled_with_rip_on_it);
	RUN(xsave_carries_xmm_registers_both_ways);
	RUN(guest_cr8_is_its_own_tpr);
	RUN(msr_ioctls_count_entries_up_to_the_first_failure);
	RUN(regs_ioctls_round_trip);
	RUN(triple_fault_ends_in_a_shutdown_exit);
	RUN(invalid_state_fails_entry_and_is_recoverable);
	return check_done();
}
