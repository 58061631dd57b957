// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs on threads, signals and processes: signals interrupt RUN and RUN
 * resumes; one RUN per vCPU at a time; VMs and vCPUs run concurrently
 * and independently with exact exit counts; a slot replaced under a
 * running guest is seen by it; the host stays responsive with a guest
 * spinning on every CPU; and a process killed while its guests run
 * leaves nothing behind (the module unloads).  Every wait is bounded.
 */
#include <pthread.h>
#include "vm_util.h"

#define N_EXITS		1000	/* port exits per counting vCPU */
#define N_VCPUS		4	/* vCPUs of the one-VM counting test */

/*
 * l: cmpb $0,0x3000; jne f; addr32 loop l; out %al,$0x12; hlt;
 * f: out %al,$0x11; hlt - waits for a flag at 0x3000, ECX rounds at most.
 */
static const uint8_t g_wait_3000[] = {
	0x80, 0x3e, 0x00, 0x30, 0x00, 0x75, 0x06, 0x67, 0xe2, 0xf6,
	0xe6, 0x12, 0xf4, 0xe6, 0x11, 0xf4,
};

/* l: out %al,(%dx); dec %ax; loop l; hlt: g_out_loop counting down */
static const uint8_t g_out_loop_down[] = { 0xee, 0x48, 0xe2, 0xfc, 0xf4 };
/* l: mov 0x2000,%al; cmp %bl,%al; je l; mov %al,%bl; out %al,$0x10; jmp l */
static const uint8_t g_watch_2000[] = {
	0xa0, 0x00, 0x20, 0x38, 0xd8, 0x74, 0xf9, 0x88, 0xc3, 0xe6, 0x10,
	0xeb, 0xf3,
};

/*
 * Set by the first case once a signal has been seen to interrupt a
 * running guest.  The cases whose guests spin without ever exiting
 * depend on that: without it they would hold their CPUs until the
 * kernel's stall detectors fire, so they are skipped instead.
 */
static int guest_interruptible;

/* A thread running one vCPU. */
struct worker {
	struct tvcpu c;
	pthread_t th;
	atomic_int started;	/* about to enter RUN the first time */
	atomic_int done;	/* the thread function returned */
	atomic_int stop;	/* return at the next EINTR */
	/* counting guests: OUTs to @port of @first, @first + @step, ... */
	uint16_t port;
	uint8_t first;
	int step;
	atomic_uint outs;	/* OUT exits seen (as expected) */
	atomic_uint last;	/* last value OUT to port 0x10 (watch_2000) */
	unsigned int intrs;	/* RUNs that returned EINTR */
	char why[200];		/* what went wrong; empty if nothing */
};

static void worker_fail(struct worker *w, int r, const char *what)
{
	char ex[160];

	describe_exit(&w->c, ex, sizeof(ex));
	snprintf(w->why, sizeof(w->why), "%s: RUN %d (%s), %s", what, r,
		 r ? strerror(errno) : "ok", ex);
}

/* A spinning guest: returns only when stopped. */
static void *spin_worker(void *arg)
{
	struct worker *w = arg;

	atomic_store(&w->started, 1);
	for (;;) {
		int r = tvcpu_run(&w->c);

		if (r < 0 && errno == EINTR) {
			w->intrs++;
			if (w->c.run->exit_reason != VMLAB_EXIT_INTR) {
				worker_fail(w, r, "EINTR without EXIT_INTR");
				break;
			}
			if (atomic_load(&w->stop))
				break;
			continue;
		}
		worker_fail(w, r, "spinning guest exited");
		break;
	}
	atomic_store(&w->done, 1);
	return NULL;
}

/* g_out_loop(_down): counts the OUTs until HLT; each must be the next value. */
static void *count_worker(void *arg)
{
	struct worker *w = arg;

	atomic_store(&w->started, 1);
	for (;;) {
		int r = tvcpu_run(&w->c);
		unsigned int n = atomic_load(&w->outs);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && w->c.run->exit_reason == VMLAB_EXIT_HLT)
			break;
		if (r || !is_out(&w->c, w->port) ||
		    io_byte(&w->c) != (uint8_t)(w->first + w->step * (int)n)) {
			worker_fail(w, r, "not the next OUT");
			break;
		}
		atomic_store(&w->outs, n + 1);
	}
	atomic_store(&w->done, 1);
	return NULL;
}

/* g_watch_2000: publishes every value the guest reports until stopped. */
static void *watch_worker(void *arg)
{
	struct worker *w = arg;

	atomic_store(&w->started, 1);
	for (;;) {
		int r = tvcpu_run(&w->c);

		if (r < 0 && errno == EINTR) {
			if (atomic_load(&w->stop))
				break;
			continue;
		}
		if (r || !is_out(&w->c, 0x10)) {
			worker_fail(w, r, "not an OUT to 0x10");
			break;
		}
		atomic_store(&w->last, io_byte(&w->c));
		atomic_fetch_add(&w->outs, 1);
	}
	atomic_store(&w->done, 1);
	return NULL;
}

static int start_worker(struct worker *w, void *(*fn)(void *))
{
	int r = pthread_create(&w->th, NULL, fn, w);

	CHECK(r == 0, "pthread_create: %s", strerror(r));
	if (r)
		atomic_store(&w->done, 2);	/* nothing to join */
	return r;
}

/* Waits until @w has entered its first RUN (give or take), up to @ms. */
static void wait_started(struct worker *w, double ms)
{
	double t0 = now_ms();

	while (!atomic_load(&w->started) && now_ms() - t0 < ms)
		usleep(1000);
	usleep(50 * 1000);	/* from "about to" to "inside" RUN */
}

/*
 * Stops the workers: sets their stop flags, then signals every one that
 * has not returned yet, every 5 ms, and joins them.  Returns the time
 * it took in ms, or -1 if some did not return within @limit_ms (those
 * are left alone: their vCPUs stay open and the case has failed).
 */
static double stop_workers(struct worker *w, int n, double limit_ms)
{
	double t0 = now_ms(), took;
	int i, left;

	for (i = 0; i < n; i++)
		atomic_store(&w[i].stop, 1);
	for (;;) {
		left = 0;
		for (i = 0; i < n; i++) {
			if (atomic_load(&w[i].done))
				continue;
			left++;
			pthread_kill(w[i].th, SIGUSR1);
		}
		took = now_ms() - t0;
		if (!left || took > limit_ms)
			break;
		usleep(5000);
	}
	for (i = 0; i < n; i++)
		if (atomic_load(&w[i].done) == 1)
			pthread_join(w[i].th, NULL);
	CHECK(!left, "%d of %d vCPU threads still in RUN after %.0f ms of signals",
	      left, n, took);
	return left ? -1 : took;
}

/* Joins workers that finish on their own, within @limit_ms. */
static void join_workers(struct worker *w, int n, double limit_ms)
{
	double t0 = now_ms();
	int i, left;

	do {
		left = 0;
		for (i = 0; i < n; i++)
			left += !atomic_load(&w[i].done);
		if (left)
			usleep(1000);
	} while (left && now_ms() - t0 < limit_ms);
	CHECK(!left, "%d of %d vCPU threads still running after %.0f ms", left, n, limit_ms);
	if (left)
		stop_workers(w, n, 2000);
	else
		for (i = 0; i < n; i++)
			if (atomic_load(&w[i].done) == 1)
				pthread_join(w[i].th, NULL);
}

static void check_worker(struct worker *w, const char *name)
{
	CHECK(!w->why[0], "%s: %s", name, w->why);
}

static void init_workers(struct worker *w, int n)
{
	memset(w, 0, n * sizeof(*w));
	for (int i = 0; i < n; i++)
		w[i].c.fd = -1;
}

static void close_workers(struct worker *w, int n)
{
	for (int i = 0; i < n; i++)
		if (atomic_load(&w[i].done) || !atomic_load(&w[i].started))
			tvcpu_close(&w[i].c);
}

static uint64_t vcpu_rip(struct tvcpu *c)
{
	struct vmlab_regs regs;

	if (ioctl(c->fd, VMLAB_GET_REGS, &regs))
		return ~0ULL;
	return regs.rip;
}

struct kicker {
	pthread_t target;
	unsigned int delay_ms;
};

static void *kick_after(void *arg)
{
	struct kicker *k = arg;

	usleep(k->delay_ms * 1000);
	pthread_kill(k->target, SIGUSR1);
	return NULL;
}

/* RUN on this thread with SIGUSR1 sent after @delay_ms; returns the ms RUN took. */
static double run_kicked(struct tvcpu *c, unsigned int delay_ms, int *ret, int *err)
{
	struct kicker k = { pthread_self(), delay_ms };
	pthread_t th;
	double t0 = now_ms();

	if (pthread_create(&th, NULL, kick_after, &k)) {
		*ret = -2;
		return 0;
	}
	*ret = tvcpu_run(c);
	*err = errno;
	t0 = now_ms() - t0;
	pthread_join(th, NULL);
	return t0;
}

/* Skips the running case unless a running guest is known to be interruptible. */
static int need_interruptible_guest(void)
{
	if (!guest_interruptible)
		check_skip("needs a guest that signals interrupt, which "
			   "signal_interrupts_run_and_run_resumes did not show");
	return guest_interruptible;
}

/*
 * Guest: g_wait_3000 with ECX sized to loop ~2 s (measured first): a
 * bounded spin, so that a host where signals cannot stop a guest loses
 * 2 s of one CPU rather than hanging.  SIGUSR1 after 100 ms must end
 * RUN with EINTR/EXIT_INTR long before the loop would; RUN then resumes
 * the guest where it was.
 */
static void signal_interrupts_run_and_run_resumes(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	uint64_t rounds = 1 << 22, rip;
	double ms, expect;
	int r, err = 0;

	if (tvm_open(&t, 0x4000))
		goto out;
	tvm_put(&t, CODE_GPA, g_wait_3000, sizeof(g_wait_3000));
	if (tvcpu_open(&t, 0, &c) || tvcpu_start(&c, CODE_GPA, 0x77, 1 << 16, 0))
		goto out;
	/* How long do the rounds take, once the code is warm? */
	CHECK_OUT(&c, 0x12, 0x77);
	if (tvcpu_start(&c, CODE_GPA, 0x77, rounds, 0))
		goto out;
	ms = now_ms();
	CHECK_OUT(&c, 0x12, 0x77);
	ms = now_ms() - ms;
	if (check_case_failed)
		goto out;
	rounds = ms > 1 ? rounds * 2000 / ms : 0xffffffff;
	if (rounds > 0xffffffff)
		rounds = 0xffffffff;
	expect = rounds * ms / (1 << 22);
	if (expect < 500) {
		check_skip("the guest loops too fast to tell a signal from its end");
		goto out;
	}
	if (tvcpu_start(&c, CODE_GPA, 0x77, rounds, 0))
		goto out;
	for (int i = 0; i < 2 && !check_case_failed; i++) {
		ms = run_kicked(&c, 100, &r, &err);
		if (r == 0 && is_out(&c, 0x12)) {
			CHECK(0, "SIGUSR1 at 100 ms did not interrupt RUN: the guest ran all "
			      "its %llu rounds (%.0f ms, ~%.0f expected): host interrupts do "
			      "not reach a running guest?", (unsigned long long)rounds, ms, expect);
			break;
		}
		CHECK(r == -1 && err == EINTR, "RUN %d errno %d (%s)", r, err, strerror(err));
		CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_INTR);
		CHECK(ms >= 90 && ms < 1000, "RUN returned after %.0f ms, signal at 100", ms);
		rip = vcpu_rip(&c);
		CHECK(rip >= CODE_GPA && rip < CODE_GPA + 10, "RIP %#llx", (unsigned long long)rip);
	}
	if (check_case_failed)
		goto out;
	guest_interruptible = 1;
	/* Resumed, it goes on where it was and sees the flag. */
	t.mem[0x3000] = 1;
	CHECK_OUT(&c, 0x11, 0x77);
	CHECK_EQ(tvcpu_run_to_exit(&c), 0);
	CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_HLT);
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

static void immediate_exit_returns_eintr_at_once(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	double t0;

	/* Entered, the guest would loop a while, then OUT to 0x12. */
	if (tvm_open(&t, 0x4000))
		goto out;
	tvm_put(&t, CODE_GPA, g_wait_3000, sizeof(g_wait_3000));
	if (tvcpu_open(&t, 0, &c) || tvcpu_start(&c, CODE_GPA, 0, 1 << 20, 0))
		goto out;
	c.run->immediate_exit = 1;
	for (int i = 0; i < 3; i++) {
		t0 = now_ms();
		CHECK_ERRNO(tvcpu_run(&c), EINTR);
		CHECK(now_ms() - t0 < 500, "took %.0f ms", now_ms() - t0);
		CHECK_EQ(c.run->exit_reason, VMLAB_EXIT_INTR);
	}
	/* The guest never ran: still at its first instruction. */
	CHECK_EQ(vcpu_rip(&c), CODE_GPA);
	c.run->immediate_exit = 0;
out:
	tvcpu_close(&c);
	tvm_close(&t);
}

struct second_run {
	struct tvcpu *c;
	atomic_int done;
	int r, err;
	pthread_t th;
};

static void *second_run_fn(void *arg)
{
	struct second_run *s = arg;

	s->r = tvcpu_run(s->c);
	s->err = errno;
	atomic_store(&s->done, 1);
	return NULL;
}

/* A second RUN while a thread runs the vCPU gets -EBUSY, not a wait. */
static void second_run_of_a_running_vcpu_gets_ebusy(void)
{
	struct tvm t;
	struct worker w[1];
	struct second_run s = { .c = &w[0].c };
	double t0;

	if (!need_interruptible_guest())
		return;
	init_workers(w, 1);
	if (tvm_open(&t, 0x2000))
		goto out;
	tvm_put(&t, CODE_GPA, g_spin, sizeof(g_spin));
	if (tvcpu_open(&t, 0, &w[0].c) || tvcpu_start(&w[0].c, CODE_GPA, 0, 0, 0) ||
	    start_worker(&w[0], spin_worker))
		goto out;
	wait_started(&w[0], 2000);
	if (pthread_create(&s.th, NULL, second_run_fn, &s)) {
		CHECK(0, "pthread_create");
		stop_workers(w, 1, 2000);
		goto out;
	}
	t0 = now_ms();
	while (!atomic_load(&s.done) && now_ms() - t0 < 500)
		usleep(1000);
	CHECK(atomic_load(&s.done), "second RUN still waiting after 500 ms");
	if (atomic_load(&s.done))
		CHECK(s.r == -1 && s.err == EBUSY, "second RUN: %d errno %d (%s)",
		      s.r, s.err, strerror(s.err));
	/* The first RUN is unaffected; stop both (the second may be running now). */
	stop_workers(w, 1, 2000);
	t0 = now_ms();
	while (!atomic_load(&s.done) && now_ms() - t0 < 2000) {
		pthread_kill(s.th, SIGUSR1);
		usleep(5000);
	}
	CHECK(atomic_load(&s.done), "second RUN never returned");
	if (atomic_load(&s.done))
		pthread_join(s.th, NULL);
	check_worker(&w[0], "first RUN");
	CHECK(w[0].intrs >= 1, "first RUN returned %u times", w[0].intrs);
out:
	close_workers(w, 1);
	tvm_close(&t);
}

/* Two VMs, same guest address, different code: each sees only its own. */
static void two_vms_run_concurrently_and_independently(void)
{
	struct tvm t[2];
	struct worker w[2];
	int i;

	init_workers(w, 2);
	t[0].fd = t[1].fd = -1;
	t[0].mem = t[1].mem = NULL;
	for (i = 0; i < 2; i++) {
		if (tvm_open(&t[i], 0x2000))
			goto out;
		if (i == 0)
			tvm_put(&t[i], CODE_GPA, g_out_loop, sizeof(g_out_loop));
		else
			tvm_put(&t[i], CODE_GPA, g_out_loop_down, sizeof(g_out_loop_down));
		w[i].port = 0x10 + 0x10 * i;
		w[i].first = 0x80 * i;
		w[i].step = i ? -1 : 1;
		if (tvcpu_open(&t[i], 0, &w[i].c) ||
		    tvcpu_start(&w[i].c, CODE_GPA, w[i].first, N_EXITS, w[i].port))
			goto out;
	}
	for (i = 0; i < 2; i++)
		if (start_worker(&w[i], count_worker))
			break;
	join_workers(w, 2, 20000);
	for (i = 0; i < 2; i++) {
		check_worker(&w[i], i ? "VM 1" : "VM 0");
		CHECK_EQ(atomic_load(&w[i].outs), N_EXITS);
	}
out:
	close_workers(w, 2);
	tvm_close(&t[0]);
	tvm_close(&t[1]);
}

/* N_VCPUS vCPUs of one VM, one thread each, the same code. */
static void vcpus_of_one_vm_on_threads_count_exactly(void)
{
	struct tvm t;
	struct worker w[N_VCPUS];
	char name[16];
	int i;

	init_workers(w, N_VCPUS);
	if (tvm_open(&t, 0x2000))
		goto out;
	tvm_put(&t, CODE_GPA, g_out_loop, sizeof(g_out_loop));
	for (i = 0; i < N_VCPUS; i++) {
		w[i].port = 0x100 + i;
		w[i].first = 0x40 * i;
		w[i].step = 1;
		if (tvcpu_open(&t, i, &w[i].c) ||
		    tvcpu_start(&w[i].c, CODE_GPA, w[i].first, N_EXITS, w[i].port))
			goto out;
	}
	for (i = 0; i < N_VCPUS; i++)
		if (start_worker(&w[i], count_worker))
			break;
	join_workers(w, N_VCPUS, 20000);
	for (i = 0; i < N_VCPUS; i++) {
		snprintf(name, sizeof(name), "vCPU %d", i);
		check_worker(&w[i], name);
		CHECK_EQ(atomic_load(&w[i].outs), N_EXITS);
	}
out:
	close_workers(w, N_VCPUS);
	tvm_close(&t);
}

/* Waits up to @ms for the guest to report @val; true if it did. */
static int wait_last(struct worker *w, uint8_t val, double ms)
{
	double t0 = now_ms();

	while (atomic_load(&w->last) != val && !atomic_load(&w->done) && now_ms() - t0 < ms)
		usleep(1000);
	return atomic_load(&w->last) == val;
}

/*
 * Guest: l: mov 0x2000,%al; cmp %bl,%al; je l; mov %al,%bl; out %al,$0x10;
 * jmp l - it spins reading 0x2000 and reports each change.  The slot
 * there is replaced @n times while it runs: it must see every new page,
 * each within 2 s, and nothing else (no MMIO or error exit).
 */
static void replace_under_a_running_guest(int n)
{
	struct tvm t;
	struct worker w[1];
	uint8_t *pages[8] = { NULL };
	struct vmlab_regs regs;
	int i;

	if (!need_interruptible_guest())
		return;
	init_workers(w, 1);
	if (tvm_open(&t, 0x2000))
		goto out;
	tvm_put(&t, CODE_GPA, g_watch_2000, sizeof(g_watch_2000));
	for (i = 0; i <= n; i++) {
		pages[i] = map_anon(PAGE_SZ, RW);
		if (!pages[i])
			goto out;
		pages[i][0] = 0x20 + i;
	}
	CHECK_EQ(set_region(t.fd, 1, 0, 0x2000, PAGE_SZ, pages[0]), 0);
	if (tvcpu_open(&t, 0, &w[0].c) || tvcpu_start(&w[0].c, CODE_GPA, 0, 0, 0))
		goto out;
	/* BL starts as the first page's value: no report until a change. */
	CHECK_EQ(ioctl(w[0].c.fd, VMLAB_GET_REGS, &regs), 0);
	regs.rbx = pages[0][0];
	CHECK_EQ(ioctl(w[0].c.fd, VMLAB_SET_REGS, &regs), 0);
	if (start_worker(&w[0], watch_worker))
		goto out;
	wait_started(&w[0], 2000);
	for (i = 1; i <= n && !check_case_failed; i++) {
		CHECK_EQ(set_region(t.fd, 1, 0, 0x2000, PAGE_SZ, pages[i]), 0);
		CHECK(wait_last(&w[0], pages[i][0], 2000),
		      "replacement %d: guest reports %#x, want %#x (%s)", i,
		      atomic_load(&w[0].last), pages[i][0], w[0].why);
	}
	stop_workers(w, 1, 2000);
	check_worker(&w[0], "vCPU");
	CHECK_EQ(atomic_load(&w[0].outs), n);
out:
	close_workers(w, 1);
	for (i = 0; i <= n; i++)
		if (pages[i])
			munmap(pages[i], PAGE_SZ);
	tvm_close(&t);
}

static void slot_replaced_under_a_running_guest_is_seen(void)
{
	replace_under_a_running_guest(1);
}

static void slot_replaced_again_and_again_under_a_running_guest(void)
{
	replace_under_a_running_guest(6);
}

/*
 * One spinning vCPU per online CPU: this thread still gets the CPU
 * promptly (each 10 ms sleep ends within 250 ms, 20 of them within 2 s)
 * and signals stop every vCPU within a second.
 */
static void host_responsive_with_a_guest_spinning_on_every_cpu(void)
{
	int n = host_online_cpus(), i;
	struct worker *w = calloc(n, sizeof(*w));
	struct tvm t;
	double t0, t1, worst = 0, total, took;

	if (!w || !need_interruptible_guest()) {
		free(w);
		return;
	}
	init_workers(w, n);
	if (tvm_open(&t, 0x2000))
		goto out;
	tvm_put(&t, CODE_GPA, g_spin, sizeof(g_spin));
	for (i = 0; i < n; i++)
		if (tvcpu_open(&t, i, &w[i].c) || tvcpu_start(&w[i].c, CODE_GPA, 0, 0, 0))
			goto out;
	for (i = 0; i < n; i++)
		if (start_worker(&w[i], spin_worker))
			break;
	for (i = 0; i < n; i++)
		wait_started(&w[i], 2000);
	t0 = now_ms();
	for (i = 0; i < 20; i++) {
		t1 = now_ms();
		usleep(10 * 1000);
		t1 = now_ms() - t1;
		if (t1 > worst)
			worst = t1;
	}
	total = now_ms() - t0;
	for (i = 0; i < n; i++)
		CHECK(!atomic_load(&w[i].done), "vCPU %d left RUN: %s", i, w[i].why);
	took = stop_workers(w, n, 5000);
	printf("vm_threads: %d spinning vCPUs: 10 ms sleeps took at most %.1f ms, 20 took %.0f ms; stopped in %.1f ms\n",
	       n, worst, total, took);
	CHECK(worst < 250, "a 10 ms sleep took %.0f ms", worst);
	CHECK(total < 2000, "20 sleeps of 10 ms took %.0f ms", total);
	CHECK(took >= 0 && took < 1000, "stopping took %.0f ms", took);
	for (i = 0; i < n; i++)
		check_worker(&w[i], "vCPU");
out:
	close_workers(w, n);
	tvm_close(&t);
	free(w);
}

/* The child: two vCPUs spinning, one on a second thread; never returns. */
static void killed_child(int ready_fd)
{
	struct tvm t;
	struct worker w[2];

	init_workers(w, 2);
	if (tvm_open(&t, 0x2000))
		_exit(1);
	tvm_put(&t, CODE_GPA, g_spin, sizeof(g_spin));
	for (int i = 0; i < 2; i++)
		if (tvcpu_open(&t, i, &w[i].c) || tvcpu_start(&w[i].c, CODE_GPA, 0, 0, 0))
			_exit(1);
	if (start_worker(&w[1], spin_worker))
		_exit(1);
	(void)!write(ready_fd, "R", 1);
	spin_worker(&w[0]);
	_exit(2);
}

/* True if this backend runs vCPUs; marks the case skipped if not. */
static int have_vcpus(void)
{
	struct tvm t;
	struct tvcpu c = { -1, NULL };
	int ok = !tvm_open(&t, 0) && !tvcpu_open(&t, 0, &c);

	tvcpu_close(&c);
	tvm_close(&t);
	return ok;
}

static void reload_module(void)
{
	close(vm_dev);
	module_reload();
	vm_dev = host_open_dev();
	CHECK(vm_dev >= 0, "open /dev/vmlab after reload: %s", strerror(errno));
}

/*
 * Last: a process killed in RUN leaves nothing; then every VM of this
 * program and of the child is gone, and the module unloads.
 */
static void killed_process_with_running_guests_leaves_nothing(void)
{
	int pipefd[2], st = 0;
	char c = 0;
	pid_t pid;

	if (!have_vcpus() || !need_interruptible_guest()) {
		reload_module();
		return;
	}
	CHECK_EQ(pipe(pipefd), 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		killed_child(pipefd[1]);
	}
	close(pipefd[1]);
	CHECK(pid > 0, "fork: %s", strerror(errno));
	if (pid < 0)
		return;
	CHECK_EQ(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	if (c != 'R') {
		CHECK(0, "child failed to start its guests");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return;
	}
	usleep(100 * 1000);	/* both vCPUs inside their guests */
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "child status %#x", st);
	reload_module();
}

int main(void)
{
	check_prog = "vm_threads";
	install_sigusr1();
	vm_dev = host_open_dev();
	if (vm_dev < 0) {
		printf("FAIL: vm_threads: open /dev/vmlab: %s\n", strerror(errno));
		return 1;
	}
	RUN(signal_interrupts_run_and_run_resumes);
	RUN(immediate_exit_returns_eintr_at_once);
	RUN(second_run_of_a_running_vcpu_gets_ebusy);
	RUN(two_vms_run_concurrently_and_independently);
	RUN(vcpus_of_one_vm_on_threads_count_exactly);
	RUN(slot_replaced_under_a_running_guest_is_seen);
	RUN(slot_replaced_again_and_again_under_a_running_guest);
	RUN(host_responsive_with_a_guest_spinning_on_every_cpu);
	RUN(killed_process_with_running_guests_leaves_nothing);
	close(vm_dev);
	return check_done();
}
