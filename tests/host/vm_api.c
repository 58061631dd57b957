// SPDX-License-Identifier: GPL-2.0
/*
 * The VM and vCPU ioctls against bad callers: memory slots, vCPU
 * creation, the run page, bad pointers and sizes, unknown ioctls and
 * closed fds all get the documented errors and never crash; memory slot
 * changes reach the guest; a vCPU outlives its VM fd; and once every fd
 * is closed the module unloads.  Concurrency is in vm_threads.c.
 */
#include <sys/resource.h>
#include "vm_util.h"

#define KADDR		((void *)0xffff888000000000ULL)
#define MAX_GPA		VMLAB_MAX_GUEST_PHYS
#define MSR_EFER	0xc0000080

/* Bad argument pointers every ioctl taking one must refuse. */
static void *const bad_ptrs[] = { NULL, (void *)1, KADDR, (void *)-4096L };
#define NR_BAD_PTRS	(sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))

/*
 * A page followed by an inaccessible one (PROT_NONE, so that no later
 * mmap fills the hole): objects at its end straddle it.  Unmap 2 pages.
 */
static uint8_t *page_before_hole(void)
{
	uint8_t *p = map_anon(2 * PAGE_SZ, RW);

	if (p)
		mprotect(p + PAGE_SZ, PAGE_SZ, PROT_NONE);
	return p;
}

static void slot_overlaps_get_eexist(void)
{
	struct tvm t;
	void *m = map_anon(0x20000, RW);

	if (tvm_open(&t, 0x10000) || !m)
		goto out;
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0xf000, 0x2000, m), EEXIST);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0, 0x1000, m), EEXIST);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x8000, 0x1000, m), EEXIST);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0, 0x20000, m), EEXIST);
	CHECK_EQ(set_region(t.fd, 1, 0, 0x10000, 0x1000, m), 0);	/* adjacent */
	CHECK_ERRNO(set_region(t.fd, 2, 0, 0x10000, 0x1000, m), EEXIST);
	CHECK_ERRNO(set_region(t.fd, 2, 0, 0xf000, 0x10000, m), EEXIST);
	/* A slot may overlap its own old range when it is replaced... */
	CHECK_EQ(set_region(t.fd, 1, 0, 0x10000, 0x2000, m), 0);
	/* ...and a refused replacement leaves it as it was. */
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x8000, 0x10000, m), EEXIST);
	CHECK_ERRNO(set_region(t.fd, 2, 0, 0x11000, 0x1000, m), EEXIST);
	/* The same userspace memory in two slots is not an overlap. */
	CHECK_EQ(set_region(t.fd, 2, 0, 0x40000, 0x1000, m), 0);
out:
	if (m)
		munmap(m, 0x20000);
	tvm_close(&t);
}

static void slot_unaligned_values_get_einval(void)
{
	struct tvm t;
	uint8_t *m = map_anon(0x4000, RW);

	if (tvm_open(&t, 0) || !m)
		goto out;
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10001, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10800, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x1001, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x800, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x1000, m + 1), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x1000, m + 0x800), EINVAL);
	/* Nothing of the refused calls stayed behind. */
	CHECK_EQ(set_region(t.fd, 2, 0, 0x10000, 0x4000, m), 0);
out:
	if (m)
		munmap(m, 0x4000);
	tvm_close(&t);
}

static void slot_beyond_the_limits_gets_einval(void)
{
	struct tvm t;
	uint8_t *m = map_anon(0x2000, RW);

	if (tvm_open(&t, 0) || !m)
		goto out;
	CHECK_ERRNO(set_region(t.fd, 1, 0, MAX_GPA, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, MAX_GPA - 0x1000, 0x2000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 1ULL << 63, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0, MAX_GPA, m), EINVAL);
	/* gpa + size wraps around 2^64. */
	CHECK_ERRNO(set_region(t.fd, 1, 0, -0x1000ULL, 0x2000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x2000, -0x1000ULL, m), EINVAL);
	/* Larger than a slot may be (64 GiB), though below the gpa limit. */
	CHECK_ERRNO(set_region(t.fd, 1, 0, 1ULL << 40, (64ULL << 30) + 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0, 1ULL << 47, m), EINVAL);
	/* The last page below the limit is allowed. */
	CHECK_EQ(set_region(t.fd, 1, 0, MAX_GPA - 0x1000, 0x1000, m), 0);
	CHECK_EQ(set_region(t.fd, 1, 0, 0, 0, NULL), 0);
out:
	if (m)
		munmap(m, 0x2000);
	tvm_close(&t);
}

static void slot_bad_number_or_flags_gets_einval(void)
{
	struct tvm t;
	uint8_t *m = map_anon(0x1000, RW);

	if (tvm_open(&t, 0x1000) || !m)
		goto out;
	CHECK_ERRNO(set_region(t.fd, VMLAB_MAX_MEM_SLOTS, 0, 0x10000, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 0xffffffff, 0, 0x10000, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, VMLAB_MAX_MEM_SLOTS, 0, 0, 0, NULL), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 1u << 1, 0x10000, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 1u << 31, 0x10000, 0x1000, m), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, ~VMLAB_MEM_READONLY, 0x10000, 0x1000, m), EINVAL);
	/* Not even a deletion with unknown flags: slot 0 stays. */
	CHECK_ERRNO(set_region(t.fd, 0, 1u << 1, 0, 0, NULL), EINVAL);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0, 0x1000, m), EEXIST);
	/* The last slot number is a slot. */
	CHECK_EQ(set_region(t.fd, VMLAB_MAX_MEM_SLOTS - 1, 0, 0x10000, 0x1000, m), 0);
out:
	if (m)
		munmap(m, 0x1000);
	tvm_close(&t);
}

static void slot_unmapped_memory_gets_efault(void)
{
	struct tvm t;
	uint8_t *gone = map_anon(0x4000, RW), *part = map_anon(0x4000, RW);
	uint8_t *none = map_anon(0x2000, PROT_NONE), *ok = map_anon(0x1000, RW);

	if (tvm_open(&t, 0) || !gone || !part || !none || !ok)
		goto out;
	munmap(gone, 0x4000);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x4000, gone), EFAULT);
	/* Only the first page is there: it must not stay pinned either. */
	munmap(part + 0x1000, 0x3000);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x4000, part), EFAULT);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x2000, none), EFAULT);
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x1000, KADDR), EFAULT);
	/* A userspace range wrapping around the address space. */
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x10000, 0x2000, (void *)-0x1000L), EFAULT);
	/* The range is still free afterwards. */
	CHECK_EQ(set_region(t.fd, 2, 0, 0x10000, 0x1000, ok), 0);
out:
	if (part)
		munmap(part, 0x1000);
	if (none)
		munmap(none, 0x2000);
	if (ok)
		munmap(ok, 0x1000);
	tvm_close(&t);
}

static void slot_bad_argument_pointer_gets_efault(void)
{
	struct tvm t;
	uint8_t *edge = page_before_hole();

	if (tvm_open(&t, 0) || !edge)
		goto out;
	for (unsigned int i = 0; i < NR_BAD_PTRS; i++)
		CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_MEMORY_REGION, bad_ptrs[i]), EFAULT);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_MEMORY_REGION, edge + PAGE_SZ - 8), EFAULT);
out:
	if (edge)
		munmap(edge, 2 * PAGE_SZ);
	tvm_close(&t);
}

/* Guest: l: mov 0x2000,%al; out %al,$0x10; jmp l. */
static void slot_changes_between_runs_reach_the_guest(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	uint8_t *a = map_anon(0x1000, RW), *b = map_anon(0x1000, RW);

	if (tvm_open(&t, 0x2000) || !a || !b)
		goto out;
	tvm_put(&t, CODE_GPA, g_report_2000, sizeof(g_report_2000));
	a[0] = 0x11;
	b[0] = 0x22;
	CHECK_EQ(set_region(t.fd, 1, 0, 0x2000, 0x1000, a), 0);
	if (tvcpu_open(&t, 0, &c) || tvcpu_start(&c, CODE_GPA, 0, 0, 0))
		goto out;
	CHECK_OUT(&c, 0x10, 0x11);
	a[0] = 0x12;		/* the slot is the process's memory itself */
	CHECK_OUT(&c, 0x10, 0x12);
	CHECK_EQ(set_region(t.fd, 1, 0, 0x2000, 0x1000, b), 0);	/* replace */
	CHECK_OUT(&c, 0x10, 0x22);
	/* Deleted: the read becomes an MMIO exit. */
	CHECK_EQ(set_region(t.fd, 1, 0, 0, 0, NULL), 0);
	CHECK_EQ(set_region(t.fd, 1, 0, 0, 0, NULL), 0);	/* twice is fine */
	CHECK_EQ(tvcpu_run_to_exit(&c), 0);
	CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_MMIO);
	CHECK_EQ(c.run->mmio.phys_addr, 0x2000);
	CHECK_EQ(c.run->mmio.len, 1);
	CHECK_EQ(c.run->mmio.is_write, 0);
	c.run->mmio.data[0] = 0x33;
	CHECK_OUT(&c, 0x10, 0x33);
	/* Re-added somewhere else: 0x2000 is still a device. */
	CHECK_EQ(set_region(t.fd, 1, 0, 0x5000, 0x1000, a), 0);
	CHECK_EQ(tvcpu_run_to_exit(&c), 0);
	CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_MMIO);
	c.run->mmio.data[0] = 0x44;
	CHECK_OUT(&c, 0x10, 0x44);
	/* Another slot takes the freed range; then the first comes back. */
	CHECK_EQ(set_region(t.fd, 2, 0, 0x2000, 0x1000, b), 0);
	CHECK_OUT(&c, 0x10, 0x22);
	CHECK_EQ(set_region(t.fd, 2, 0, 0, 0, NULL), 0);
	CHECK_EQ(set_region(t.fd, 1, 0, 0x2000, 0x1000, a), 0);
	CHECK_OUT(&c, 0x10, 0x12);
out:
	tvcpu_close(&c);
	if (a)
		munmap(a, 0x1000);
	if (b)
		munmap(b, 0x1000);
	tvm_close(&t);
}

/* The pages are pinned: unmapping them from the process changes nothing. */
static void slot_outlives_its_userspace_mapping(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	uint8_t *a = map_anon(0x1000, RW);

	if (tvm_open(&t, 0x2000) || !a)
		goto out;
	tvm_put(&t, CODE_GPA, g_report_2000, sizeof(g_report_2000));
	a[0] = 0x66;
	CHECK_EQ(set_region(t.fd, 1, 0, 0x2000, 0x1000, a), 0);
	munmap(a, 0x1000);
	a = NULL;
	if (tvcpu_open(&t, 0, &c) || tvcpu_start(&c, CODE_GPA, 0, 0, 0))
		goto out;
	CHECK_OUT(&c, 0x10, 0x66);
	CHECK_EQ(set_region(t.fd, 1, 0, 0, 0, NULL), 0);
out:
	tvcpu_close(&c);
	if (a)
		munmap(a, 0x1000);
	tvm_close(&t);
}

/* Guest: mov 0x2000,%al; out %al,$0x10; inc %ax; mov %al,0x2000; hlt. */
static void slot_readonly_on_a_read_only_mapping(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	uint8_t *ro = map_anon(0x1000, RW);

	if (tvm_open(&t, 0x2000) || !ro)
		goto out;
	tvm_put(&t, CODE_GPA, g_read_write_2000, sizeof(g_read_write_2000));
	ro[0] = 0x5a;
	CHECK_EQ(mprotect(ro, 0x1000, PROT_READ), 0);
	/* A writable slot needs writable memory. */
	CHECK_ERRNO(set_region(t.fd, 1, 0, 0x2000, 0x1000, ro), EFAULT);
	CHECK_EQ(set_region(t.fd, 1, VMLAB_MEM_READONLY, 0x2000, 0x1000, ro), 0);
	if (tvcpu_open(&t, 0, &c) || tvcpu_start(&c, CODE_GPA, 0, 0, 0))
		goto out;
	CHECK_OUT(&c, 0x10, 0x5a);
	/* The write is a device access; the memory does not change. */
	CHECK_EQ(tvcpu_run_to_exit(&c), 0);
	CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_MMIO);
	CHECK_EQ(c.run->mmio.phys_addr, 0x2000);
	CHECK_EQ(c.run->mmio.len, 1);
	CHECK_EQ(c.run->mmio.is_write, 1);
	CHECK_EQ(c.run->mmio.data[0], 0x5b);
	CHECK_EQ(tvcpu_run_to_exit(&c), 0);
	CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_HLT);
	CHECK_EQ(ro[0], 0x5a);
out:
	tvcpu_close(&c);
	if (ro)
		munmap(ro, 0x1000);
	tvm_close(&t);
}

static void create_vcpu_bad_ids_get_einval(void)
{
	struct tvm t;

	if (tvm_open(&t, 0))
		goto out;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VCPU, VMLAB_MAX_VCPUS), EINVAL);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VCPU, 1000), EINVAL);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VCPU, 1UL << 32), EINVAL);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VCPU, ~0UL), EINVAL);
out:
	tvm_close(&t);
}

static void create_vcpu_same_id_twice_gets_eexist(void)
{
	struct tvm t;
	struct tvcpu c0 = { -1, NULL }, c63 = { -1, NULL };

	if (tvm_open(&t, 0) || tvcpu_open(&t, 0, &c0))
		goto out;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VCPU, 0), EEXIST);
	if (tvcpu_open(&t, VMLAB_MAX_VCPUS - 1, &c63))
		goto out;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VCPU, VMLAB_MAX_VCPUS - 1), EEXIST);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VCPU, 0), EEXIST);
	/* Once its fd is closed, the id is free again. */
	tvcpu_close(&c0);
	tvcpu_open(&t, 0, &c0);
out:
	tvcpu_close(&c0);
	tvcpu_close(&c63);
	tvm_close(&t);
}

static void vcpu_fd_is_close_on_exec(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };

	if (tvm_open(&t, 0) || tvcpu_open(&t, 0, &c))
		goto out;
	CHECK(fcntl(c.fd, F_GETFD) & FD_CLOEXEC, "vCPU fd must be close-on-exec");
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

static void run_page_mmap(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	struct vmlab_run *run = MAP_FAILED, *again = MAP_FAILED;
	const struct vmlab_run *ro = MAP_FAILED;

	if (tvm_open(&t, 0) || tvcpu_open(&t, 0, &c))
		goto out;
	/* tvcpu_open mapped it once; the checks are on new mappings. */
	CHECK_ERRNO(mmap(NULL, 2 * PAGE_SZ, RW, MAP_SHARED, c.fd, 0), EINVAL);
	CHECK_ERRNO(mmap(NULL, PAGE_SZ, RW, MAP_SHARED, c.fd, PAGE_SZ), EINVAL);
	CHECK_ERRNO(mmap(NULL, PAGE_SZ, RW, MAP_SHARED, c.fd, 16 * PAGE_SZ), EINVAL);
	CHECK_ERRNO(mmap(NULL, PAGE_SZ, RW, MAP_PRIVATE, c.fd, 0), EINVAL);
	run = mmap(NULL, PAGE_SZ, RW, MAP_SHARED, c.fd, 0);
	CHECK(run != MAP_FAILED, "mmap: %s", strerror(errno));
	ro = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, c.fd, 0);
	CHECK(ro != MAP_FAILED, "mmap read-only: %s", strerror(errno));
	if (run == MAP_FAILED || ro == MAP_FAILED)
		goto out;
	CHECK_EQ(run->exit_reason, VMLAB_EXIT_UNKNOWN);
	/* Every mapping is the same page, and the module's. */
	run->immediate_exit = 1;
	CHECK_EQ(c.run->immediate_exit, 1);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_RUN, 0), EINTR);
	CHECK_EQ(run->exit_reason, VMLAB_EXIT_INTR);
	CHECK_EQ(ro->exit_reason, VMLAB_EXIT_INTR);
	/* A mapping keeps the page (and the vCPU) after the fd is closed. */
	again = mmap(NULL, PAGE_SZ, PROT_READ, MAP_SHARED, c.fd, 0);
	CHECK(again != MAP_FAILED, "mmap: %s", strerror(errno));
	tvcpu_close(&c);
	tvm_close(&t);
	if (again != MAP_FAILED)
		CHECK_EQ(again->exit_reason, VMLAB_EXIT_INTR);
	CHECK_EQ(run->exit_reason, VMLAB_EXIT_INTR);
out:
	if (run != MAP_FAILED)
		munmap(run, PAGE_SZ);
	if (ro != MAP_FAILED)
		munmap((void *)ro, PAGE_SZ);
	if (again != MAP_FAILED)
		munmap(again, PAGE_SZ);
	tvcpu_close(&c);
	tvm_close(&t);
}

static const unsigned long ptr_ioctls[] = {
	VMLAB_GET_REGS, VMLAB_SET_REGS, VMLAB_GET_SREGS, VMLAB_SET_SREGS,
	VMLAB_GET_MSRS, VMLAB_SET_MSRS, VMLAB_GET_XSAVE, VMLAB_SET_XSAVE,
	VMLAB_INTERRUPT,
};

static const unsigned long ptr_ioctls_out[] = {
	VMLAB_GET_REGS, VMLAB_GET_SREGS, VMLAB_GET_XSAVE,
};

static void vcpu_bad_pointers_get_efault(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	uint8_t *edge = page_before_hole(), *ro = map_anon(2 * PAGE_SZ, RW);
	struct vmlab_msrs *m;
	unsigned int i, j;

	if (tvm_open(&t, 0) || !edge || !ro || tvcpu_open(&t, 0, &c))
		goto out;
	for (i = 0; i < sizeof(ptr_ioctls) / sizeof(ptr_ioctls[0]); i++) {
		for (j = 0; j < NR_BAD_PTRS; j++)
			CHECK(ioctl(c.fd, ptr_ioctls[i], bad_ptrs[j]) == -1 && errno == EFAULT,
			      "ioctl %#lx with %p: errno %d", ptr_ioctls[i], bad_ptrs[j], errno);
		CHECK(ioctl(c.fd, ptr_ioctls[i], edge + PAGE_SZ - 2) == -1 && errno == EFAULT,
		      "ioctl %#lx straddling a hole: errno %d", ptr_ioctls[i], errno);
	}
	/* The results cannot be written to read-only memory. */
	m = (struct vmlab_msrs *)ro;
	m->nmsrs = 1;
	m->entries[0].index = MSR_EFER;
	CHECK_EQ(mprotect(ro, 2 * PAGE_SZ, PROT_READ), 0);
	for (i = 0; i < sizeof(ptr_ioctls_out) / sizeof(ptr_ioctls_out[0]); i++)
		CHECK(ioctl(c.fd, ptr_ioctls_out[i], ro) == -1 && errno == EFAULT,
		      "ioctl %#lx into read-only memory: errno %d", ptr_ioctls_out[i], errno);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_GET_MSRS, ro), EFAULT);
	/* A header that fits, entries that do not. */
	m = (struct vmlab_msrs *)(edge + PAGE_SZ - sizeof(*m));
	m->nmsrs = 1;
	CHECK_ERRNO(ioctl(c.fd, VMLAB_GET_MSRS, m), EFAULT);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_SET_MSRS, m), EFAULT);
	/* The vCPU still works. */
	CHECK_EQ(tvcpu_start(&c, CODE_GPA, 0, 0, 0), 0);
out:
	tvcpu_close(&c);
	if (edge)
		munmap(edge, 2 * PAGE_SZ);
	if (ro)
		munmap(ro, 2 * PAGE_SZ);
	tvm_close(&t);
}

static void msrs_beyond_the_maximum_get_e2big(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	size_t sz = sizeof(struct vmlab_msrs) +
		    (VMLAB_MAX_MSR_ENTRIES + 1) * sizeof(struct vmlab_msr_entry);
	struct vmlab_msrs *m = calloc(1, sz);

	if (tvm_open(&t, 0) || !m || tvcpu_open(&t, 0, &c))
		goto out;
	m->nmsrs = VMLAB_MAX_MSR_ENTRIES + 1;
	CHECK_ERRNO(ioctl(c.fd, VMLAB_GET_MSRS, m), E2BIG);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_SET_MSRS, m), E2BIG);
	m->nmsrs = 0xffffffff;
	CHECK_ERRNO(ioctl(c.fd, VMLAB_GET_MSRS, m), E2BIG);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_SET_MSRS, m), E2BIG);
	m->nmsrs = 0;
	CHECK_EQ(ioctl(c.fd, VMLAB_GET_MSRS, m), 0);
	/* Processing stops at the first unknown MSR. */
	m->nmsrs = 2;
	m->entries[0].index = MSR_EFER;
	m->entries[1].index = 0xdeadbeef;
	CHECK_EQ(ioctl(c.fd, VMLAB_GET_MSRS, m), 1);
out:
	free(m);
	tvcpu_close(&c);
	tvm_close(&t);
}

static struct vmlab_cpuid *cpuid_alloc(uint32_t nent)
{
	struct vmlab_cpuid *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));

	if (c)
		c->nent = nent;
	return c;
}

static void cpuid_bad_pointers_get_efault(void)
{
	struct tvm t;
	uint8_t *edge = page_before_hole(), *ro = map_anon(0x4000, RW);
	struct vmlab_cpuid *c;

	if (tvm_open(&t, 0) || !edge || !ro)
		goto out;
	for (unsigned int i = 0; i < NR_BAD_PTRS; i++) {
		CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, bad_ptrs[i]), EFAULT);
		CHECK_ERRNO(ioctl(t.fd, VMLAB_GET_CPUID, bad_ptrs[i]), EFAULT);
	}
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, edge + PAGE_SZ - 2), EFAULT);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_GET_CPUID, edge + PAGE_SZ - 2), EFAULT);
	c = (struct vmlab_cpuid *)(edge + PAGE_SZ - sizeof(*c));
	c->nent = 2;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, c), EFAULT);
	c->nent = VMLAB_MAX_CPUID_ENTRIES;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_GET_CPUID, c), EFAULT);
	c = (struct vmlab_cpuid *)ro;
	c->nent = VMLAB_MAX_CPUID_ENTRIES;
	CHECK_EQ(mprotect(ro, 0x4000, PROT_READ), 0);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_GET_CPUID, c), EFAULT);
out:
	if (edge)
		munmap(edge, 2 * PAGE_SZ);
	if (ro)
		munmap(ro, 0x4000);
	tvm_close(&t);
}

static void cpuid_bad_tables_are_refused(void)
{
	struct tvm t;
	struct vmlab_cpuid *big = cpuid_alloc(VMLAB_MAX_CPUID_ENTRIES + 1);
	struct vmlab_cpuid *cur = cpuid_alloc(VMLAB_MAX_CPUID_ENTRIES);
	struct vmlab_cpuid *bad = cpuid_alloc(2);
	uint32_t n0;

	if (tvm_open(&t, 0) || !big || !cur || !bad)
		goto out;
	CHECK_EQ(ioctl(t.fd, VMLAB_GET_CPUID, cur), 0);
	n0 = cur->nent;
	CHECK(n0 > 0 && n0 <= VMLAB_MAX_CPUID_ENTRIES, "default table of %u entries", n0);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, big), E2BIG);
	big->nent = 0xffffffff;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, big), E2BIG);
	bad->entries[1].flags = 1u << 1;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, bad), EINVAL);
	bad->entries[1].flags = 1u << 31;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, bad), EINVAL);
	bad->entries[1].flags = VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX;
	bad->entries[1].pad = 1;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_SET_CPUID, bad), EINVAL);
	/* The refused tables changed nothing. */
	cur->nent = VMLAB_MAX_CPUID_ENTRIES;
	CHECK_EQ(ioctl(t.fd, VMLAB_GET_CPUID, cur), 0);
	CHECK_EQ(cur->nent, n0);
	/* The largest table and the empty one are fine. */
	big->nent = VMLAB_MAX_CPUID_ENTRIES;
	CHECK_EQ(ioctl(t.fd, VMLAB_SET_CPUID, big), 0);
	cur->nent = VMLAB_MAX_CPUID_ENTRIES;
	CHECK_EQ(ioctl(t.fd, VMLAB_GET_CPUID, cur), 0);
	CHECK_EQ(cur->nent, VMLAB_MAX_CPUID_ENTRIES);
	big->nent = 0;
	CHECK_EQ(ioctl(t.fd, VMLAB_SET_CPUID, big), 0);
	CHECK_EQ(ioctl(t.fd, VMLAB_GET_CPUID, cur), 0);
	CHECK_EQ(cur->nent, 0);
out:
	free(big);
	free(cur);
	free(bad);
	tvm_close(&t);
}

static void get_cpuid_too_small_gets_e2big_and_the_size(void)
{
	struct tvm t;
	struct vmlab_cpuid *c = cpuid_alloc(VMLAB_MAX_CPUID_ENTRIES);
	uint32_t n;

	if (tvm_open(&t, 0) || !c)
		goto out;
	c->nent = 0;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_GET_CPUID, c), E2BIG);
	n = c->nent;
	CHECK(n > 0 && n <= VMLAB_MAX_CPUID_ENTRIES, "nent %u", n);
	c->nent = n - 1;
	CHECK_ERRNO(ioctl(t.fd, VMLAB_GET_CPUID, c), E2BIG);
	CHECK_EQ(c->nent, n);
	CHECK_EQ(ioctl(t.fd, VMLAB_GET_CPUID, c), 0);
	CHECK_EQ(c->nent, n);
	c->nent = VMLAB_MAX_CPUID_ENTRIES;
	CHECK_EQ(ioctl(t.fd, VMLAB_GET_CPUID, c), 0);
	CHECK_EQ(c->nent, n);
out:
	free(c);
	tvm_close(&t);
}

/* mov $1,%eax; cpuid; hlt; mov $0xb,%eax; cpuid; hlt */
static const uint8_t g_cpuid_1_b[] = {
	0x66, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0xa2, 0xf4,
	0x66, 0xb8, 0x0b, 0x00, 0x00, 0x00, 0x0f, 0xa2, 0xf4,
};

/* Runs to the next HLT and checks what CPUID left in EAX..EDX. */
static void check_cpuid_result(struct tvcpu *c, uint32_t a, uint32_t b, uint32_t cx, uint32_t d)
{
	struct vmlab_regs regs;

	CHECK_EQ(tvcpu_run_to_exit(c), 0);
	CHECK_EQ(c->run->exit_reason, VMLAB_EXIT_HLT);
	CHECK_EQ(ioctl(c->fd, VMLAB_GET_REGS, &regs), 0);
	CHECK_EQ(regs.rax, a);
	CHECK_EQ(regs.rbx, b);
	CHECK_EQ(regs.rcx, cx);
	CHECK_EQ(regs.rdx, d);
}

/*
 * vCPU 1 runs CPUID leaves 1 and 0xb: absent from the table they read
 * as zeros, APIC id included; present, they carry the vCPU's APIC id.
 */
static void cpuid_absent_leaves_read_as_zeros(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	struct vmlab_cpuid *tab = cpuid_alloc(2);

	if (tvm_open(&t, 0x2000) || !tab)
		goto out;
	tvm_put(&t, CODE_GPA, g_cpuid_1_b, sizeof(g_cpuid_1_b));
	tab->nent = 0;
	CHECK_EQ(ioctl(t.fd, VMLAB_SET_CPUID, tab), 0);
	if (tvcpu_open(&t, 1, &c) || tvcpu_start(&c, CODE_GPA, 0, 0x5555, 0x5555))
		goto out;
	check_cpuid_result(&c, 0, 0, 0, 0);
	check_cpuid_result(&c, 0, 0, 0, 0);
	/* The same leaves present (and otherwise zero). */
	tab->nent = 2;
	tab->entries[0].function = 1;
	tab->entries[1].function = 0xb;
	tab->entries[1].flags = VMLAB_CPUID_FLAG_SIGNIFICANT_INDEX;
	CHECK_EQ(ioctl(t.fd, VMLAB_SET_CPUID, tab), 0);
	if (tvcpu_start(&c, CODE_GPA, 0, 0, 0x5555))
		goto out;
	check_cpuid_result(&c, 0, 1u << 24, 0, 0);
	check_cpuid_result(&c, 0, 0, 0, 1);
out:
	free(tab);
	tvcpu_close(&c);
	tvm_close(&t);
}

#define XSAVE_MXCSR		24	/* byte offsets in the XSAVE image */
#define XSAVE_XFEATURES		512

/* GET_XSAVE/SET_XSAVE round-trip; a header or MXCSR the CPU would refuse is -EINVAL. */
static void xsave_round_trip_and_bad_images_get_einval(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	struct vmlab_xsave *x = calloc(1, sizeof(*x)), *y = calloc(1, sizeof(*y));
	uint8_t *xb = (uint8_t *)x;
	uint32_t mxcsr = 0x3f80;	/* all exceptions masked, round down */
	uint64_t xfeatures;

	if (tvm_open(&t, 0) || !x || !y || tvcpu_open(&t, 0, &c))
		goto out;
	CHECK_EQ(ioctl(c.fd, VMLAB_GET_XSAVE, x), 0);
	CHECK_EQ(ioctl(c.fd, VMLAB_SET_XSAVE, x), 0);
	memcpy(&xfeatures, xb + XSAVE_XFEATURES, 8);
	xfeatures |= 3;		/* x87 and SSE state present */
	memcpy(xb + XSAVE_XFEATURES, &xfeatures, 8);
	memcpy(xb + XSAVE_MXCSR, &mxcsr, 4);
	CHECK_EQ(ioctl(c.fd, VMLAB_SET_XSAVE, x), 0);
	CHECK_EQ(ioctl(c.fd, VMLAB_GET_XSAVE, y), 0);
	CHECK_EQ(*(uint32_t *)((uint8_t *)y + XSAVE_MXCSR), mxcsr);
	/* A state component nobody enabled. */
	xfeatures |= 1ULL << 62;
	memcpy(xb + XSAVE_XFEATURES, &xfeatures, 8);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_SET_XSAVE, x), EINVAL);
	xfeatures &= ~(1ULL << 62);
	memcpy(xb + XSAVE_XFEATURES, &xfeatures, 8);
	/* Reserved MXCSR bits. */
	mxcsr = 0xffffffff;
	memcpy(xb + XSAVE_MXCSR, &mxcsr, 4);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_SET_XSAVE, x), EINVAL);
	/* Neither changed anything. */
	CHECK_EQ(ioctl(c.fd, VMLAB_GET_XSAVE, y), 0);
	CHECK_EQ(*(uint32_t *)((uint8_t *)y + XSAVE_MXCSR), 0x3f80);
out:
	free(x);
	free(y);
	tvcpu_close(&c);
	tvm_close(&t);
}

static void interrupt_twice_gets_ebusy_bad_vector_einval(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	struct vmlab_interrupt irq;

	if (tvm_open(&t, 0) || tvcpu_open(&t, 0, &c))
		goto out;
	irq.irq = 256;
	CHECK_ERRNO(ioctl(c.fd, VMLAB_INTERRUPT, &irq), EINVAL);
	irq.irq = 0xffffffff;
	CHECK_ERRNO(ioctl(c.fd, VMLAB_INTERRUPT, &irq), EINVAL);
	irq.irq = 0x20;
	CHECK_EQ(ioctl(c.fd, VMLAB_INTERRUPT, &irq), 0);
	irq.irq = 0x21;
	CHECK_ERRNO(ioctl(c.fd, VMLAB_INTERRUPT, &irq), EBUSY);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_INTERRUPT, &irq), EBUSY);
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

static void run_with_an_argument_gets_einval(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };

	if (tvm_open(&t, 0) || tvcpu_open(&t, 0, &c))
		goto out;
	CHECK_ERRNO(ioctl(c.fd, VMLAB_RUN, 1), EINVAL);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_RUN, ~0UL), EINVAL);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_RUN, c.run), EINVAL);
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

static void vm_fd_unknown_ioctls_get_enotty(void)
{
	struct tvm t;

	if (tvm_open(&t, 0))
		goto out;
	CHECK_ERRNO(ioctl(t.fd, _IO(VMLAB_IO, 0x7f), 0), ENOTTY);
	CHECK_ERRNO(ioctl(t.fd, 0, 0), ENOTTY);
	CHECK_ERRNO(ioctl(t.fd, _IO(0xAE, 0x41), 0), ENOTTY);	/* KVM_CREATE_VCPU */
	CHECK_ERRNO(ioctl(t.fd, VMLAB_CREATE_VM, 0), ENOTTY);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_RUN, 0), ENOTTY);
	CHECK_ERRNO(ioctl(t.fd, VMLAB_GET_REGS, NULL), ENOTTY);
	CHECK_ERRNO(ioctl(t.fd, _IOW(VMLAB_IO, 0x10, uint64_t), NULL), ENOTTY);
out:
	tvm_close(&t);
}

static void vcpu_fd_unknown_ioctls_get_enotty(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };

	if (tvm_open(&t, 0) || tvcpu_open(&t, 0, &c))
		goto out;
	CHECK_ERRNO(ioctl(c.fd, _IO(VMLAB_IO, 0x7f), 0), ENOTTY);
	CHECK_ERRNO(ioctl(c.fd, 0, 0), ENOTTY);
	CHECK_ERRNO(ioctl(c.fd, _IO(0xAE, 0x80), 0), ENOTTY);	/* KVM_RUN */
	CHECK_ERRNO(ioctl(c.fd, VMLAB_CREATE_VM, 0), ENOTTY);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_GET_CAPS, NULL), ENOTTY);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_CREATE_VCPU, 1), ENOTTY);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_SET_MEMORY_REGION, NULL), ENOTTY);
	CHECK_ERRNO(ioctl(c.fd, VMLAB_GET_CPUID, NULL), ENOTTY);
	CHECK_ERRNO(ioctl(c.fd, _IOR(VMLAB_IO, 0x21, uint32_t), NULL), ENOTTY);
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

/* The process's locked memory in kB (VmLck), or -1. */
static long vm_locked_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Guest RAM is pinned, so it is charged as locked memory: VmLck grows by
 * a slot's size and shrinks back when the slot goes; a process without
 * CAP_IPC_LOCK (here: root turned nobody) cannot pin past RLIMIT_MEMLOCK.
 */
static void pinned_guest_ram_is_charged_to_memlock(void)
{
	const size_t size = 1 << 20;
	struct rlimit lim = { 256 << 10, 256 << 10 };
	struct tvm t = { -1, NULL, 0 };
	long before;
	uint8_t *mem = map_anon(size, RW);
	int status = -1;
	pid_t pid;

	CHECK(mem, "mmap");
	if (!mem || tvm_open(&t, 0))
		goto out;
	before = vm_locked_kb();
	CHECK(before >= 0, "no VmLck in /proc/self/status");
	CHECK_EQ(set_region(t.fd, 1, 0, 0x100000, size, mem), 0);
	CHECK_EQ(vm_locked_kb() - before, (long)(size >> 10));
	CHECK_EQ(set_region(t.fd, 1, 0, 0x100000, 0, mem), 0);
	CHECK_EQ(vm_locked_kb(), before);

	pid = fork();
	if (pid == 0) {
		/* Exit status: 0 as expected, else the step that went wrong. */
		if (setrlimit(RLIMIT_MEMLOCK, &lim) || setresuid(65534, 65534, 65534))
			_exit(1);
		if (set_region(t.fd, 1, 0, 0x100000, size, mem) == 0 || errno != ENOMEM)
			_exit(2);
		if (set_region(t.fd, 1, 0, 0x100000, 64 << 10, mem))
			_exit(3);
		_exit(0);
	}
	CHECK(pid > 0, "fork: %s", strerror(errno));
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK_EQ(status, 0);
out:
	tvm_close(&t);
	if (mem)
		munmap(mem, size);
}

static void closed_fds_get_ebadf(void)
{
	struct tvm t;
	struct vmlab_regs regs;
	int vm, vcpu;

	if (tvm_open(&t, 0))
		goto out;
	vm = t.fd;
	vcpu = ioctl(vm, VMLAB_CREATE_VCPU, 0);
	CHECK(vcpu >= 0, "CREATE_VCPU: %s", strerror(errno));
	if (vcpu >= 0) {
		close(vcpu);
		CHECK_ERRNO(ioctl(vcpu, VMLAB_RUN, 0), EBADF);
		CHECK_ERRNO(ioctl(vcpu, VMLAB_GET_REGS, &regs), EBADF);
		CHECK_ERRNO(mmap(NULL, PAGE_SZ, RW, MAP_SHARED, vcpu, 0), EBADF);
	}
	tvm_close(&t);
	CHECK_ERRNO(ioctl(vm, VMLAB_CREATE_VCPU, 0), EBADF);
	CHECK_ERRNO(ioctl(vm, VMLAB_SET_MEMORY_REGION, NULL), EBADF);
out:
	tvm_close(&t);
}

/* Guest: l: out %al,(%dx); inc %ax; loop l; hlt (three times). */
static void vcpu_outlives_its_vm_fd(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };

	if (tvm_open(&t, 0x2000))
		goto out;
	tvm_put(&t, CODE_GPA, g_out_loop, sizeof(g_out_loop));
	if (tvcpu_open(&t, 0, &c))
		goto out;
	close(t.fd);
	t.fd = -1;
	if (tvcpu_start(&c, CODE_GPA, 0x40, 3, 0x10))
		goto out;
	CHECK_OUT(&c, 0x10, 0x40);
	/* Even the process's mapping of guest RAM may go: the slot pins it. */
	munmap(t.mem, t.size);
	t.mem = NULL;
	CHECK_OUT(&c, 0x10, 0x41);
	CHECK_OUT(&c, 0x10, 0x42);
	CHECK_EQ(tvcpu_run_to_exit(&c), 0);
	CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_HLT);
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

/* Last: nothing of the above is left, so the module unloads. */
static void module_unloads_once_everything_is_closed(void)
{
	int vm;

	close(vm_dev);
	module_reload();
	vm_dev = host_open_dev();
	CHECK(vm_dev >= 0, "open /dev/vmlab after reload: %s", strerror(errno));
	vm = ioctl(vm_dev, VMLAB_CREATE_VM, 0);
	CHECK(vm >= 0, "CREATE_VM after reload: %s", strerror(errno));
	if (vm >= 0)
		close(vm);
}

int main(void)
{
	check_prog = "vm_api";
	vm_dev = host_open_dev();
	if (vm_dev < 0) {
		printf("FAIL: vm_api: open /dev/vmlab: %s\n", strerror(errno));
		return 1;
	}
	RUN(slot_overlaps_get_eexist);
	RUN(slot_unaligned_values_get_einval);
	RUN(slot_beyond_the_limits_gets_einval);
	RUN(slot_bad_number_or_flags_gets_einval);
	RUN(slot_unmapped_memory_gets_efault);
	RUN(slot_bad_argument_pointer_gets_efault);
	RUN(slot_changes_between_runs_reach_the_guest);
	RUN(slot_outlives_its_userspace_mapping);
	RUN(slot_readonly_on_a_read_only_mapping);
	RUN(create_vcpu_bad_ids_get_einval);
	RUN(create_vcpu_same_id_twice_gets_eexist);
	RUN(vcpu_fd_is_close_on_exec);
	RUN(run_page_mmap);
	RUN(vcpu_bad_pointers_get_efault);
	RUN(msrs_beyond_the_maximum_get_e2big);
	RUN(cpuid_bad_pointers_get_efault);
	RUN(cpuid_bad_tables_are_refused);
	RUN(get_cpuid_too_small_gets_e2big_and_the_size);
	RUN(cpuid_absent_leaves_read_as_zeros);
	RUN(xsave_round_trip_and_bad_images_get_einval);
	RUN(interrupt_twice_gets_ebusy_bad_vector_einval);
	RUN(run_with_an_argument_gets_einval);
	RUN(vm_fd_unknown_ioctls_get_enotty);
	RUN(vcpu_fd_unknown_ioctls_get_enotty);
	RUN(closed_fds_get_ebadf);
	RUN(pinned_guest_ram_is_charged_to_memlock);
	RUN(vcpu_outlives_its_vm_fd);
	RUN(module_unloads_once_everything_is_closed);
	close(vm_dev);
	return check_done();
}
