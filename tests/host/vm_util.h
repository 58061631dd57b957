/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny real-mode guests for the VM/vCPU API tests (vm_api.c,
 * vm_threads.c): a VM with anonymous RAM at guest-physical 0, vCPUs
 * whose code is a few bytes the test writes into that RAM, and their
 * run pages.  Failures are reported through CHECK against the running
 * case.
 */
#ifndef VMLAB_VM_UTIL_H
#define VMLAB_VM_UTIL_H

#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <time.h>
#include "host.h"

#define PAGE_SZ		4096UL
#define RW		(PROT_READ | PROT_WRITE)
#define CODE_GPA	0x1000	/* where the guests' code goes */

/*
 * Guest code, 16-bit real mode, CS = 0 (hand-assembled, checked with
 * objdump -mi8086).
 */
/* jmp $ */
static const uint8_t g_spin[] = { 0xeb, 0xfe };
/* l: out %al,(%dx); inc %ax; loop l; hlt: RCX port exits, AL counting up */
static const uint8_t g_out_loop[] = { 0xee, 0x40, 0xe2, 0xfc, 0xf4 };
/* mov 0x2000,%al; out %al,$0x10; inc %ax; mov %al,0x2000; hlt */
static const uint8_t g_read_write_2000[] = {
	0xa0, 0x00, 0x20, 0xe6, 0x10, 0x40, 0xa2, 0x00, 0x20, 0xf4,
};
/* l: mov 0x2000,%al; out %al,$0x10; jmp l */
static const uint8_t g_report_2000[] = { 0xa0, 0x00, 0x20, 0xe6, 0x10, 0xeb, 0xf9 };

struct tvm {
	int fd;
	uint8_t *mem;		/* guest RAM: gpa 0 .. size */
	size_t size;
};

struct tvcpu {
	int fd;
	struct vmlab_run *run;
};

static int vm_dev = -1;	/* /dev/vmlab, opened by main() */

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static inline int set_region(int vm, uint32_t slot, uint32_t flags, uint64_t gpa,
			     uint64_t size, const void *uaddr)
{
	struct vmlab_memory_region mr = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)uaddr,
	};

	return ioctl(vm, VMLAB_SET_MEMORY_REGION, &mr);
}

/* A VM with @size bytes of RAM at gpa 0 in slot 0 (no RAM when 0). */
static inline int tvm_open(struct tvm *t, size_t size)
{
	t->mem = NULL;
	t->size = size;
	t->fd = ioctl(vm_dev, VMLAB_CREATE_VM, 0);
	CHECK(t->fd >= 0, "CREATE_VM: %s", strerror(errno));
	if (t->fd < 0)
		return -1;
	if (!size)
		return 0;
	t->mem = map_anon(size, PROT_READ | PROT_WRITE);
	CHECK(t->mem, "mmap: %s", strerror(errno));
	if (!t->mem)
		return -1;
	if (set_region(t->fd, 0, 0, 0, size, t->mem)) {
		CHECK(0, "SET_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static inline void tvm_close(struct tvm *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->mem)
		munmap(t->mem, t->size);
	t->fd = -1;
	t->mem = NULL;
}

static inline void tvm_put(struct tvm *t, uint64_t gpa, const void *bytes, size_t n)
{
	memcpy(t->mem + gpa, bytes, n);
}

/* Creates vCPU @id with its run page.  Returns 0; -1 after a failure. */
static inline int tvcpu_open(struct tvm *t, unsigned long id, struct tvcpu *c)
{
	c->run = NULL;
	c->fd = ioctl(t->fd, VMLAB_CREATE_VCPU, id);
	CHECK(c->fd >= 0, "CREATE_VCPU %lu: %s", id, strerror(errno));
	if (c->fd < 0)
		return -1;
	c->run = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		CHECK(0, "mmap run page: %s", strerror(errno));
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static inline void tvcpu_close(struct tvcpu *c)
{
	if (c->run)
		munmap(c->run, PAGE_SZ);
	if (c->fd >= 0)
		close(c->fd);
	c->run = NULL;
	c->fd = -1;
}

/* Real mode with CS = 0 at @ip, the other registers as given. */
static inline int tvcpu_start(struct tvcpu *c, uint16_t ip, uint64_t rax,
			      uint64_t rcx, uint64_t rdx)
{
	struct vmlab_sregs sregs;
	struct vmlab_regs regs;

	if (ioctl(c->fd, VMLAB_GET_SREGS, &sregs) ||
	    ioctl(c->fd, VMLAB_GET_REGS, &regs)) {
		CHECK(0, "GET_(S)REGS: %s", strerror(errno));
		return -1;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	memset(&regs, 0, sizeof(regs));
	regs.rip = ip;
	regs.rflags = 2;
	regs.rax = rax;
	regs.rcx = rcx;
	regs.rdx = rdx;
	if (ioctl(c->fd, VMLAB_SET_SREGS, &sregs) ||
	    ioctl(c->fd, VMLAB_SET_REGS, &regs)) {
		CHECK(0, "SET_(S)REGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static inline int tvcpu_run(struct tvcpu *c)
{
	return ioctl(c->fd, VMLAB_RUN, 0);
}

static inline uint8_t io_byte(const struct tvcpu *c)
{
	return ((const uint8_t *)c->run)[c->run->io.data_offset];
}

/* The run ended in a one-byte OUT to @port. */
static inline int is_out(const struct tvcpu *c, uint16_t port)
{
	return c->run->exit_reason == VMLAB_EXIT_IO &&
	       c->run->io.direction == VMLAB_IO_OUT && c->run->io.size == 1 &&
	       c->run->io.count == 1 && c->run->io.port == port;
}

/* Runs until an exit other than INTR; returns the RUN result. */
static inline int tvcpu_run_to_exit(struct tvcpu *c)
{
	int r;

	do
		r = tvcpu_run(c);
	while (r < 0 && errno == EINTR);
	return r;
}

static inline void describe_exit(const struct tvcpu *c, char *buf, size_t n)
{
	const struct vmlab_run *r = c->run;

	snprintf(buf, n, "exit_reason %u io %u/%u/%#x mmio %#llx internal %u %#llx %#llx",
		 r->exit_reason, r->io.direction, r->io.size, r->io.port,
		 (unsigned long long)r->mmio.phys_addr, r->internal.suberror,
		 (unsigned long long)r->internal.data[0],
		 (unsigned long long)r->internal.data[1]);
}

/* CHECKs that the next exit is an OUT of @val to @port. */
#define CHECK_OUT(c, port, val)						\
	do {								\
		char why_[160];						\
		int r_ = tvcpu_run_to_exit(c);				\
		describe_exit(c, why_, sizeof(why_));			\
		CHECK(r_ == 0 && is_out(c, port) && io_byte(c) == (uint8_t)(val), \
		      "want OUT %#x to port %#x: RUN %d (%s), %s",	\
		      (unsigned int)(uint8_t)(val), (unsigned int)(port), r_, \
		      strerror(errno), why_);				\
	} while (0)

static void nop_handler(int sig)
{
	(void)sig;
}

/* SIGUSR1 interrupts system calls (no SA_RESTART) and does nothing else. */
static inline void install_sigusr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nop_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

static inline int module_reload(void)
{
	char cmd[512];
	const char *ko = getenv("VMLAB_KO");

	CHECK(ko, "VMLAB_KO not set");
	if (!ko)
		return -1;
	CHECK_EQ(host_sh("rmmod vmlab"), 0);
	snprintf(cmd, sizeof(cmd), "insmod %s", ko);
	CHECK_EQ(host_sh(cmd), 0);
	return 0;
}

#endif
