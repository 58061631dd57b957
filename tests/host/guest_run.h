/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the guest test programs (tests/guest/, installed as
 * /usr/share/vmlab/guests/NAME.bin) from a host test: a VM with 1 MiB of
 * RAM at 0, the image at GUEST_LOAD_ADDR, one vCPU in real mode at
 * 0000:1000, and a run loop that serves the protocol ports of
 * guest_abi.h and hands every other exit to the test.
 *
 * Failures are reported through check.h (the running case fails) and
 * the guest's text is printed with them, so a failing guest explains
 * itself.
 */
#ifndef VMLAB_GUEST_RUN_H
#define VMLAB_GUEST_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include "host.h"
#include "../guest/guest_abi.h"

#define GUEST_DIR		"/usr/share/vmlab/guests"
#define GUEST_TIMEOUT_S		20
#define GUEST_MAX_REPORTS	1024

struct guest {
	const char *name;
	int dev, vm, vcpu;
	struct vmlab_run *run;
	uint8_t *ram;
	bool ok;			/* created completely */

	char text[16384];		/* what the guest printed */
	size_t text_len;
	uint8_t stages[16];
	unsigned int nstages;
	uint32_t reports[GUEST_MAX_REPORTS];
	unsigned int nreports;
	bool done;			/* the guest wrote GUEST_PORT_EXIT */
	uint32_t exit_code;
	unsigned long nexits;
};

/* What a test's exit handler returns. */
enum guest_action {
	GUEST_UNEXPECTED = -1,	/* not an exit this test expects: fail */
	GUEST_CONTINUE = 0,	/* handled: run again */
	GUEST_STOP = 1,		/* handled: return from guest_run() */
};

typedef enum guest_action (*guest_exit_fn)(struct guest *g, void *arg);

static const char *const guest_exit_names[] = {
#define GUEST_EXIT_NAME(name, nr, str) [nr] = str,
	VMLAB_EXIT_REASONS(GUEST_EXIT_NAME)
#undef GUEST_EXIT_NAME
};

static inline const char *guest_exit_name(uint32_t reason)
{
	if (reason < sizeof(guest_exit_names) / sizeof(guest_exit_names[0]) &&
	    guest_exit_names[reason])
		return guest_exit_names[reason];
	return "?";
}

/* The data of an IO exit in the run page. */
static inline uint8_t *guest_io_data(struct guest *g)
{
	return (uint8_t *)g->run + g->run->io.data_offset;
}

/* The value of a single (count 1) IO exit. */
static inline uint32_t guest_io_value(struct guest *g)
{
	uint32_t v = 0;

	memcpy(&v, guest_io_data(g), g->run->io.size);
	return v;
}

static inline void guest_set_io_value(struct guest *g, uint32_t v)
{
	memcpy(guest_io_data(g), &v, g->run->io.size);
}

static inline int guest_is_out(struct guest *g, uint16_t port)
{
	return g->run->exit_reason == VMLAB_EXIT_IO && g->run->io.port == port &&
	       g->run->io.direction == VMLAB_IO_OUT;
}

static inline int guest_is_in(struct guest *g, uint16_t port)
{
	return g->run->exit_reason == VMLAB_EXIT_IO && g->run->io.port == port &&
	       g->run->io.direction == VMLAB_IO_IN;
}

/* One line describing the current exit, for failure messages. */
static inline const char *guest_describe_exit(struct guest *g, char *buf, size_t n)
{
	struct vmlab_run *r = g->run;
	int len = snprintf(buf, n, "exit %u (%s)", r->exit_reason,
			   guest_exit_name(r->exit_reason));

	switch (r->exit_reason) {
	case VMLAB_EXIT_IO:
		snprintf(buf + len, n - len, " %s port %#x size %u count %u",
			 r->io.direction == VMLAB_IO_OUT ? "out" : "in",
			 r->io.port, r->io.size, r->io.count);
		break;
	case VMLAB_EXIT_MMIO:
		snprintf(buf + len, n - len, " %s %#llx len %u",
			 r->mmio.is_write ? "write" : "read",
			 (unsigned long long)r->mmio.phys_addr, r->mmio.len);
		break;
	case VMLAB_EXIT_INTERNAL_ERROR:
		snprintf(buf + len, n - len, " suberror %u data %#llx %#llx %#llx",
			 r->internal.suberror,
			 (unsigned long long)r->internal.data[0],
			 (unsigned long long)r->internal.data[1],
			 (unsigned long long)r->internal.data[2]);
		break;
	case VMLAB_EXIT_UNHANDLED:
		snprintf(buf + len, n - len, " code %#llx info %#llx %#llx %#llx rip %#llx",
			 (unsigned long long)r->unhandled.exit_code,
			 (unsigned long long)r->unhandled.info[0],
			 (unsigned long long)r->unhandled.info[1],
			 (unsigned long long)r->unhandled.info[2],
			 (unsigned long long)r->unhandled.info[3]);
		break;
	case VMLAB_EXIT_FAIL_ENTRY:
		snprintf(buf + len, n - len, " reason %#llx",
			 (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
		break;
	}
	return buf;
}

/* Prints what the guest said, for a failing case. */
static inline void guest_dump_text(struct guest *g)
{
	const char *p = g->text, *end = g->text + g->text_len;

	if (!g->text_len)
		return;
	printf("  %s guest output:\n", g->name);
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		int n = nl ? nl - p : end - p;

		printf("  | %.*s\n", n, p);
		p += n + (nl ? 1 : 0);
	}
	fflush(stdout);
}

static volatile sig_atomic_t guest_alarm_fired;

static inline void guest_alarm(int sig)
{
	(void)sig;
	guest_alarm_fired = 1;
}

static inline void guest_close(struct guest *g)
{
	if (g->run && g->run != MAP_FAILED)
		munmap(g->run, 4096);
	if (g->ram && g->ram != MAP_FAILED)
		munmap(g->ram, GUEST_RAM_SIZE);
	if (g->vcpu >= 0)
		close(g->vcpu);
	if (g->vm >= 0)
		close(g->vm);
	if (g->dev >= 0)
		close(g->dev);
	g->run = NULL;
	g->ram = NULL;
	g->vcpu = g->vm = g->dev = -1;
}

/* Reads @name's image into RAM; 0 on success. */
static inline int guest_load(struct guest *g, const char *name)
{
	char path[256];
	FILE *f;
	size_t n;
	int extra;

	snprintf(path, sizeof(path), "%s/%s.bin", GUEST_DIR, name);
	f = fopen(path, "rb");
	CHECK(f, "%s: %s", path, strerror(errno));
	if (!f)
		return -1;
	n = fread(g->ram + GUEST_LOAD_ADDR, 1, GUEST_IMAGE_END - GUEST_LOAD_ADDR, f);
	extra = fgetc(f);
	fclose(f);
	CHECK(n > 0 && extra == EOF, "%s: %zu bytes, too big or empty", path, n);
	return n > 0 && extra == EOF ? 0 : -1;
}

/*
 * Creates the VM and vCPU @vcpu_id, loads @name and sets the start state:
 * real mode, CS = 0 (base 0), IP = GUEST_LOAD_ADDR.  Returns 0, or -1
 * after failing the running case.
 */
static inline int guest_create_id(struct guest *g, const char *name, unsigned int vcpu_id)
{
	struct vmlab_memory_region mr;
	struct vmlab_sregs sregs;
	struct vmlab_regs regs;

	memset(g, 0, sizeof(*g));
	g->name = name;
	g->dev = g->vm = g->vcpu = -1;
	g->dev = host_open_dev();
	CHECK(g->dev >= 0, "open /dev/vmlab: %s", strerror(errno));
	if (g->dev < 0)
		return -1;
	g->vm = ioctl(g->dev, VMLAB_CREATE_VM, 0);
	CHECK(g->vm >= 0, "CREATE_VM: %s", strerror(errno));
	if (g->vm < 0)
		goto fail;
	g->ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(g->ram != MAP_FAILED, "mmap RAM: %s", strerror(errno));
	if (g->ram == MAP_FAILED)
		goto fail;
	if (guest_load(g, name))
		goto fail;
	mr = (struct vmlab_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_RAM_SIZE,
		.userspace_addr = (uintptr_t)g->ram,
	};
	CHECK(ioctl(g->vm, VMLAB_SET_MEMORY_REGION, &mr) == 0,
	      "SET_MEMORY_REGION: %s", strerror(errno));
	g->vcpu = ioctl(g->vm, VMLAB_CREATE_VCPU, vcpu_id);
	CHECK(g->vcpu >= 0, "CREATE_VCPU: %s", strerror(errno));
	if (g->vcpu < 0)
		goto fail;
	g->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
	CHECK(g->run != MAP_FAILED, "mmap run page: %s", strerror(errno));
	if (g->run == MAP_FAILED)
		goto fail;

	CHECK(ioctl(g->vcpu, VMLAB_GET_SREGS, &sregs) == 0, "GET_SREGS: %s", strerror(errno));
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	CHECK(ioctl(g->vcpu, VMLAB_SET_SREGS, &sregs) == 0, "SET_SREGS: %s", strerror(errno));
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_LOAD_ADDR;
	regs.rflags = 0x2;
	CHECK(ioctl(g->vcpu, VMLAB_SET_REGS, &regs) == 0, "SET_REGS: %s", strerror(errno));
	if (check_case_failed)
		goto fail;
	g->ok = true;
	return 0;

fail:
	guest_close(g);
	return -1;
}

static inline int guest_create(struct guest *g, const char *name)
{
	return guest_create_id(g, name, 0);
}

/* Parameter @i of the guest (guest_param() in the guest). */
static inline void guest_set_param(struct guest *g, unsigned int i, uint64_t v)
{
	struct guest_params *p = (void *)(g->ram + GUEST_PARAMS_ADDR);

	p->p[i] = v;
}

static inline void guest_get_regs(struct guest *g, struct vmlab_regs *regs)
{
	CHECK(ioctl(g->vcpu, VMLAB_GET_REGS, regs) == 0, "GET_REGS: %s", strerror(errno));
}

static inline void guest_set_regs(struct guest *g, const struct vmlab_regs *regs)
{
	CHECK(ioctl(g->vcpu, VMLAB_SET_REGS, regs) == 0, "SET_REGS: %s", strerror(errno));
}

static inline uint64_t guest_rip(struct guest *g)
{
	struct vmlab_regs regs;

	guest_get_regs(g, &regs);
	return regs.rip;
}

/* A value the guest reported (report()), or ~0 if it did not say that much. */
static inline uint32_t guest_report(struct guest *g, unsigned int i)
{
	return i < g->nreports ? g->reports[i] : ~0u;
}

static inline uint64_t guest_report64(struct guest *g, unsigned int i)
{
	return guest_report(g, i) | (uint64_t)guest_report(g, i + 1) << 32;
}

/* Serves the protocol ports; true when the exit was one of them. */
static inline bool guest_protocol_exit(struct guest *g)
{
	struct vmlab_run *r = g->run;
	uint8_t *data;
	uint32_t i, n;

	if (r->exit_reason != VMLAB_EXIT_IO || r->io.direction != VMLAB_IO_OUT)
		return false;
	data = guest_io_data(g);
	n = r->io.count * r->io.size;
	switch (r->io.port) {
	case GUEST_PORT_PUTC:
		for (i = 0; i < n && g->text_len < sizeof(g->text) - 1; i++)
			g->text[g->text_len++] = data[i];
		return true;
	case GUEST_PORT_STAGE:
		if (g->nstages < sizeof(g->stages))
			g->stages[g->nstages++] = data[0];
		return true;
	case GUEST_PORT_REPORT:
		for (i = 0; i < r->io.count && r->io.size == 4; i++)
			if (g->nreports < GUEST_MAX_REPORTS)
				memcpy(&g->reports[g->nreports++], data + 4 * i, 4);
		return true;
	case GUEST_PORT_EXIT:
		if (r->io.size != 4)
			return false;
		g->done = true;
		memcpy(&g->exit_code, data, 4);
		return true;
	default:
		return false;
	}
}

/*
 * One VMLAB_RUN: returns its result (0 or -1 with errno), as the ioctl.
 * The timeout turns a guest that never exits into -1/EINTR.
 */
static inline int guest_run_once(struct guest *g)
{
	int r;

	g->nexits++;
	r = ioctl(g->vcpu, VMLAB_RUN, 0);
	return r;
}

static inline void guest_arm_timeout(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = guest_alarm;	/* no SA_RESTART: RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	guest_alarm_fired = 0;
	alarm(GUEST_TIMEOUT_S);
}

/*
 * Runs the guest until it writes GUEST_PORT_EXIT (returns 0), @fn returns
 * GUEST_STOP (returns 1), or something fails (returns -1 after failing
 * the case).  @fn may be NULL: then every exit but the protocol's fails.
 */
static inline int guest_run(struct guest *g, guest_exit_fn fn, void *arg)
{
	char desc[200];
	int ret = -1;

	if (!g->ok)
		return -1;
	guest_arm_timeout();
	for (;;) {
		enum guest_action act;
		int r = guest_run_once(g);

		if (r < 0) {
			CHECK(0, "%s: RUN: %s%s (after %lu exits, %s)", g->name,
			      strerror(errno), guest_alarm_fired ? " (timeout)" : "",
			      g->nexits, guest_describe_exit(g, desc, sizeof(desc)));
			break;
		}
		if (guest_protocol_exit(g)) {
			if (g->done) {
				ret = 0;
				break;
			}
			continue;
		}
		act = fn ? fn(g, arg) : GUEST_UNEXPECTED;
		if (act == GUEST_STOP) {
			ret = 1;
			break;
		}
		if (act == GUEST_UNEXPECTED) {
			CHECK(0, "%s: unexpected %s at rip %#llx", g->name,
			      guest_describe_exit(g, desc, sizeof(desc)),
			      (unsigned long long)guest_rip(g));
			break;
		}
		if (check_case_failed)
			break;
	}
	alarm(0);
	if (ret < 0 || check_case_failed)
		guest_dump_text(g);
	return ret;
}

/*
 * Runs the guest to its end and checks that it passed all its own
 * checks (exit code 0) after booting through 16, 32 and 64-bit mode.
 */
static inline void guest_run_to_pass(struct guest *g, guest_exit_fn fn, void *arg)
{
	int r = guest_run(g, fn, arg);

	CHECK(r == 0, "%s: the guest did not finish (guest_run %d)", g->name, r);
	if (r != 0)
		return;
	if (g->exit_code) {
		CHECK_EQ(g->exit_code, 0);
		guest_dump_text(g);
	}
}

#endif
