// SPDX-License-Identifier: GPL-2.0
/*
 * `vmlab run`: build the machine, run its vCPU loop, tear it down.
 *
 * Threads: the vCPU loop runs on the main thread; a timer thread advances
 * the PIT and kicks the vCPU out of the guest (SIGUSR1) when an interrupt
 * becomes deliverable; the console thread feeds the UART.  All device
 * state is under the bus lock.  The helper threads block every signal we
 * handle, so kicks and termination signals reach the vCPU thread and
 * interrupt RUN.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cpu_setup.h"
#include "machine.h"

#define COM1_BASE	0x3f8
#define COM1_IRQ	4
#define DEBUG_EXIT_PORT	0xf4
#define DEBUGCON_PORT	0xe9

/* CPUID leaf 1 bits hidden so the guest uses the PIC: no local APIC here. */
#define CPUID1_EDX_APIC		(1u << 9)
#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t clock_cb(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static int64_t wall_clock_cb(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The vCPU's immediate_exit byte, for the signal handlers. */
static volatile uint8_t *volatile kick_flag;
static volatile sig_atomic_t stop_signal;

static void kick_vcpu(struct machine *m)
{
	pthread_cond_broadcast(&m->wake);
	if (m->in_guest)
		pthread_kill(m->vcpu_thread, SIGUSR1);
}

/* Ends the run with @status; called with the bus lock held. */
static void finish(struct machine *m, int status)
{
	if (!m->done) {
		m->done = true;
		m->exit_status = status;
	}
	kick_vcpu(m);
}

static void on_pic_output(void *opaque, bool level)
{
	if (level)
		kick_vcpu(opaque);
}

static void on_uart_tx(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;

	console_write(&m->console, byte);
}

static void on_debugcon(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;

	console_write(&m->console, byte);
}

static void on_debug_exit(void *opaque, int status)
{
	finish(opaque, status);
}

static void on_reset(void *opaque)
{
	fputs("\r\nvmlab: guest reset through the i8042; ending the run\r\n", stderr);
	finish(opaque, 0);
}

/* Typed or piped input waits for room in the UART's FIFO: nothing is dropped. */
static void on_console_input(void *opaque, const uint8_t *buf, size_t n)
{
	struct machine *m = opaque;

	pthread_mutex_lock(&m->bus.lock);
	while (n && !m->done) {
		size_t fed = uart_receive(&m->uart, buf, n);

		buf += fed;
		n -= fed;
		if (n)
			pthread_cond_wait(&m->wake, &m->bus.lock);
	}
	pthread_mutex_unlock(&m->bus.lock);
}

static void on_uart_rx_ready(void *opaque)
{
	pthread_cond_broadcast(&((struct machine *)opaque)->wake);
}

static void on_console_quit(void *opaque)
{
	struct machine *m = opaque;

	pthread_mutex_lock(&m->bus.lock);
	fputs("\r\nvmlab: quit (Ctrl-A x)\r\n", stderr);
	finish(m, 0);
	pthread_mutex_unlock(&m->bus.lock);
}

static int setup_devices(struct machine *m)
{
	static const struct uart_ops uart_ops = { .tx = on_uart_tx, .rx_ready = on_uart_rx_ready };

	io_bus_init(&m->bus, m->opts->debug_ioport);
	pic_init(&m->pic, on_pic_output, m);
	pit_init(&m->pit, pic_irq_line(&m->pic, 0), clock_cb, NULL);
	uart_init(&m->uart, COM1_BASE, pic_irq_line(&m->pic, COM1_IRQ), &uart_ops, m);
	rtc_init(&m->rtc, wall_clock_cb, NULL);
	rtc_set_memory_size(&m->rtc, m->ram.size, 0);
	i8042_init(&m->kbc, pic_irq_line(&m->pic, 1), pic_irq_line(&m->pic, 12), on_reset, m);
	debug_exit_init(&m->debug_exit, DEBUG_EXIT_PORT, 4, on_debug_exit, m);
	post_port_init(&m->post);
	debugcon_init(&m->debugcon, DEBUGCON_PORT, on_debugcon, m);
	fw_cfg_init(&m->fw_cfg, m->ram.size, m->opts->cpus, m->opts->cpus);
	if (pic_register(&m->pic, &m->bus) || pit_register(&m->pit, &m->bus) ||
	    uart_register(&m->uart, &m->bus) || rtc_register(&m->rtc, &m->bus) ||
	    i8042_register(&m->kbc, &m->bus) ||
	    debug_exit_register(&m->debug_exit, &m->bus) ||
	    post_port_register(&m->post, &m->bus) ||
	    debugcon_register(&m->debugcon, &m->bus) ||
	    fw_cfg_register(&m->fw_cfg, &m->bus)) {
		fprintf(stderr, "vmlab run: device port ranges overlap\n");
		return -1;
	}
	return 0;
}

/* Reads a whole file; NULL with a message on error. */
static void *read_file(const char *path, size_t *size)
{
	struct stat st;
	void *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "vmlab run: %s: %s\n", path,
			fd < 0 ? strerror(errno) : "not a regular file");
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		fprintf(stderr, "vmlab run: %s: out of memory\n", path);
		goto out;
	}
	for (off_t done = 0; done < st.st_size;) {
		ssize_t n = read(fd, (char *)buf + done, st.st_size - done);

		if (n <= 0) {
			fprintf(stderr, "vmlab run: %s: read failed\n", path);
			free(buf);
			buf = NULL;
			goto out;
		}
		done += n;
	}
	*size = st.st_size;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static int load_guest(struct machine *m, struct boot_state *boot)
{
	const struct run_options *o = m->opts;
	struct boot_options bo = { .cmdline = o->append, .cpus = o->cpus };
	size_t size = 0, initrd_size = 0;
	void *image, *initrd = NULL;
	char err[256] = "";
	int r = -1;

	image = read_file(o->kernel ? o->kernel : o->flat, &size);
	if (!image)
		return -1;
	if (o->initrd) {
		initrd = read_file(o->initrd, &initrd_size);
		if (!initrd)
			goto out;
		bo.initrd = initrd;
		bo.initrd_size = initrd_size;
	}
	if (o->flat) {
		r = load_flat(&m->ram, image, size, boot, err, sizeof(err));
	} else {
		switch (detect_image_format(image, size)) {
		case IMAGE_BZIMAGE:
			r = load_bzimage(&m->ram, image, size, &bo, boot, err, sizeof(err));
			break;
		case IMAGE_MULTIBOOT:
			r = load_multiboot(&m->ram, image, size, &bo, boot, err, sizeof(err));
			break;
		default:
			snprintf(err, sizeof(err),
				 "not a Linux bzImage or a multiboot kernel");
			break;
		}
	}
	if (r)
		fprintf(stderr, "vmlab run: %s: %s\n", o->kernel ? o->kernel : o->flat, err);
out:
	free(image);
	free(initrd);
	return r;
}

static int setup_vcpu(struct machine *m, const struct boot_state *boot)
{
	const struct backend_ops *ops = m->vm.ops;
	struct vmlab_sregs sregs;
	struct vmlab_regs regs;

	if (ops->create_vcpu(&m->vm, &m->vcpu, 0))
		return -1;
	m->vcpu_created = true;
	if (ops->setup_cpuid(&m->vm, &m->vcpu, CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE,
			     CPUID1_EDX_APIC) ||
	    ops->get_sregs(&m->vcpu, &sregs))
		return -1;
	if (boot_cpu_state(boot, &sregs, &regs,
			   boot->mode == BOOT_PROTECTED32 ? m->ram.base + boot->gdt_gpa : NULL)) {
		fprintf(stderr, "vmlab run: the loader asked for an impossible CPU state\n");
		return -1;
	}
	if (ops->set_sregs(&m->vcpu, &sregs) || ops->set_regs(&m->vcpu, &regs)) {
		fprintf(stderr, "vmlab run: setting the boot registers failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int setup(struct machine *m)
{
	struct boot_state boot;

	m->ram.size = m->opts->mem;
	m->ram.base = mmap(NULL, m->ram.size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram.base == MAP_FAILED) {
		fprintf(stderr, "vmlab run: cannot allocate %" PRIu64 " MiB of guest RAM\n",
			m->ram.size >> 20);
		m->ram.base = NULL;
		return -1;
	}
	if (load_guest(m, &boot))
		return -1;
	if (m->vm.ops->create_vm(&m->vm))
		return -1;
	m->vm_created = true;
	if (m->vm.ops->set_memory(&m->vm, 0, 0, m->ram.size, m->ram.base) ||
	    setup_vcpu(m, &boot) || setup_devices(m))
		return -1;
	return console_open(&m->console, m->opts->console);
}

/* Port I/O: every element of a string access goes through the bus. */
static void handle_io(struct machine *m, const struct vexit *e)
{
	uint8_t *p = e->io.data;

	for (uint32_t i = 0; i < e->io.count; i++, p += e->io.size) {
		uint32_t v = 0;

		if (e->io.in) {
			v = io_bus_read(&m->bus, e->io.port, e->io.size);
			memcpy(p, &v, e->io.size);
		} else {
			memcpy(&v, p, e->io.size);
			io_bus_write(&m->bus, e->io.port, e->io.size, v);
		}
	}
}

/* --debug-mmio: whether @page is logged already; records it if not (and there is room). */
static bool mmio_page_logged(struct machine *m, uint64_t page)
{
	for (unsigned int i = 0; i < m->mmio_logged_count; i++)
		if (m->mmio_logged[i] == page)
			return true;
	if (m->mmio_logged_count == MMIO_LOGGED_MAX)
		return true;
	m->mmio_logged[m->mmio_logged_count++] = page;
	if (m->mmio_logged_count == MMIO_LOGGED_MAX)
		fputs("vmlab: more unclaimed MMIO pages than are logged; the rest are not\r\n",
		      stderr);
	return false;
}

/* The first access to an unclaimed page, with the instruction that made it. */
static void log_unclaimed_mmio(struct machine *m, const struct vexit *e)
{
	struct vmlab_regs regs;

	fprintf(stderr, "vmlab: unclaimed MMIO %s at %#" PRIx64 " (%u bytes)",
		e->mmio.write ? "write" : "read", e->mmio.addr, e->mmio.len);
	if (!m->vm.ops->get_regs(&m->vcpu, &regs))
		fprintf(stderr, " from rip %#" PRIx64, (uint64_t)regs.rip);
	fputs("\r\n", stderr);
}

/* No MMIO devices yet: reads see all ones, writes vanish (logged once per page). */
static void handle_mmio(struct machine *m, const struct vexit *e)
{
	if (!e->mmio.write)
		memset(e->mmio.data, 0xff, e->mmio.len);
	if (m->opts->debug_mmio && !mmio_page_logged(m, e->mmio.addr >> 12))
		log_unclaimed_mmio(m, e);
}

/* Injects the PIC's interrupt when the guest can take it; else asks to be told. Lock held. */
static void deliver_interrupt(struct machine *m)
{
	const struct backend_ops *ops = m->vm.ops;
	bool pending = pic_has_interrupt(&m->pic);

	if (pending && ops->ready_for_interrupt(&m->vcpu)) {
		int vector = pic_ack(&m->pic);

		if (vector >= 0 && ops->inject_interrupt(&m->vcpu, vector))
			fprintf(stderr, "vmlab: injecting vector %d failed: %s\r\n", vector,
				strerror(errno));
		pending = pic_has_interrupt(&m->pic);
	}
	ops->request_interrupt_window(&m->vcpu, pending);
}

/*
 * HLT: sleep until an interrupt can wake the guest.  With interrupts off
 * nothing ever will (no NMIs here): that is how a guest powers off
 * without ACPI, so the run ends cleanly.  Lock held.
 */
static void wait_for_interrupt(struct machine *m)
{
	if (!m->vm.ops->interrupts_enabled(&m->vcpu)) {
		fputs("\r\nvmlab: guest halted with interrupts off; ending the run\r\n", stderr);
		finish(m, 0);
		return;
	}
	while (!m->done && !stop_signal && !pic_has_interrupt(&m->pic)) {
		uint64_t now = now_ns(), next;
		struct timespec ts;

		pit_update(&m->pit, now);
		if (pic_has_interrupt(&m->pic))
			break;
		next = pit_next_event_ns(&m->pit, now);
		if (next == UINT64_MAX)
			next = now + 1000000000ULL;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (next - now) / 1000000000ULL;
		ts.tv_nsec += (next - now) % 1000000000ULL;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&m->wake, &m->bus.lock, &ts);
	}
}

/* A kick: leave the guest now, or do not enter it if RUN has not started. */
static void on_kick(int sig)
{
	(void)sig;
	if (kick_flag)
		*kick_flag = 1;
}

/* SIGINT/SIGTERM/SIGHUP: end the run cleanly (terminal restored, stats printed). */
static void on_stop(int sig)
{
	stop_signal = sig;
	on_kick(sig);
}

/* The runner's signals: the kick first, then those that end the run. */
static const int run_signals[] = { SIGUSR1, SIGINT, SIGTERM, SIGHUP };
#define N_RUN_SIGNALS (sizeof(run_signals) / sizeof(run_signals[0]))

/* No SA_RESTART: RUN and the waits in the loop must return EINTR. */
static void install_signal_handlers(void)
{
	struct sigaction sa = { 0 };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_RUN_SIGNALS; i++) {
		sa.sa_handler = run_signals[i] == SIGUSR1 ? on_kick : on_stop;
		sigaction(run_signals[i], &sa, NULL);
	}
}

/*
 * Where the guest was when the run ended, so that a triple fault or a
 * hang can be placed: the instruction pointer and the mode it ran in.
 */
static void report_guest_state(struct machine *m)
{
	struct vmlab_regs regs;
	struct vmlab_sregs sregs;

	if (m->vm.ops->get_regs(&m->vcpu, &regs) ||
	    m->vm.ops->get_sregs(&m->vcpu, &sregs))
		return;
	fprintf(stderr, "vmlab: guest at cs:rip %#x:%#" PRIx64 ", rsp %#" PRIx64
		", rflags %#" PRIx64 ", cr0 %#" PRIx64 ", cr3 %#" PRIx64
		", cr4 %#" PRIx64 ", efer %#" PRIx64 "\r\n",
		sregs.cs.selector, (uint64_t)regs.rip, (uint64_t)regs.rsp,
		(uint64_t)regs.rflags, (uint64_t)sregs.cr0, (uint64_t)sregs.cr3,
		(uint64_t)sregs.cr4, (uint64_t)sregs.efer);
}

/* A termination signal arrived: say where the guest was and end the run. Lock held. */
static void stop_on_signal(struct machine *m)
{
	fprintf(stderr, "\r\nvmlab: %s; ending the run\r\n", strsignal(stop_signal));
	report_guest_state(m);
	finish(m, 128 + stop_signal);
}

static void report_stop(struct machine *m, const struct vexit *e)
{
	switch (e->reason) {
	case VEXIT_SHUTDOWN:
		fputs("\r\nvmlab: the guest triple-faulted (shutdown)\r\n", stderr);
		break;
	case VEXIT_FAIL_ENTRY:
		fprintf(stderr, "\r\nvmlab: VM entry failed, hardware reason %#" PRIx64 "\r\n",
			e->detail);
		break;
	case VEXIT_INTERNAL:
		fprintf(stderr, "\r\nvmlab: internal error in the hypervisor, sub-reason %" PRIu64 "\r\n",
			e->detail);
		break;
	default:
		fprintf(stderr, "\r\nvmlab: unhandled exit (reason %u, code %#" PRIx64 ")\r\n",
			e->raw, e->detail);
		break;
	}
	report_guest_state(m);
	finish(m, 1);
}

/* One exit; returns with the lock held. */
static void handle_exit(struct machine *m, const struct vexit *e)
{
	m->exits[e->reason]++;
	switch (e->reason) {
	case VEXIT_IO:
		handle_io(m, e);
		break;
	case VEXIT_MMIO:
		handle_mmio(m, e);
		break;
	case VEXIT_HLT:
		wait_for_interrupt(m);
		break;
	case VEXIT_IRQ_WINDOW:
	case VEXIT_INTR:
		break;
	default:
		report_stop(m, e);
		break;
	}
}

static int vcpu_loop(struct machine *m)
{
	const struct backend_ops *ops = m->vm.ops;
	struct vexit e;

	pthread_mutex_lock(&m->bus.lock);
	while (!m->done) {
		if (stop_signal) {
			stop_on_signal(m);
			break;
		}
		pit_update(&m->pit, now_ns());
		deliver_interrupt(m);
		m->in_guest = true;
		pthread_mutex_unlock(&m->bus.lock);
		if (ops->run(&m->vcpu, &e)) {
			fprintf(stderr, "\r\nvmlab: RUN failed: %s\r\n", strerror(errno));
			pthread_mutex_lock(&m->bus.lock);
			m->in_guest = false;
			finish(m, 1);
			break;
		}
		pthread_mutex_lock(&m->bus.lock);
		m->in_guest = false;
		/* Kicks from now on find the lock held or in_guest false: start afresh. */
		*m->vcpu.immediate_exit = 0;
		handle_exit(m, &e);
	}
	pthread_mutex_unlock(&m->bus.lock);
	return m->exit_status;
}

/* Wakes the vCPU for PIT interrupts while it is inside the guest. */
static void *timer_main(void *arg)
{
	struct machine *m = arg;

	pthread_mutex_lock(&m->bus.lock);
	while (!m->done) {
		uint64_t now = now_ns(), next;
		struct timespec ts;

		pit_update(&m->pit, now);
		if (pic_has_interrupt(&m->pic) && m->in_guest)
			pthread_kill(m->vcpu_thread, SIGUSR1);
		next = pit_next_event_ns(&m->pit, now);
		if (next == UINT64_MAX || next - now > 100000000ULL)
			next = now + 100000000ULL;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += next - now;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&m->wake, &m->bus.lock, &ts);
	}
	pthread_mutex_unlock(&m->bus.lock);
	return NULL;
}

/* Starts the console and timer threads with our signals blocked: they go to the vCPU thread. */
static int start_helper_threads(struct machine *m)
{
	sigset_t block, old;
	int r;

	sigemptyset(&block);
	for (size_t i = 0; i < N_RUN_SIGNALS; i++)
		sigaddset(&block, run_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	r = console_start_input(&m->console);
	if (!r) {
		r = pthread_create(&m->timer_thread, NULL, timer_main, m);
		m->timer_started = !r;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		fprintf(stderr, "vmlab run: cannot start the helper threads\n");
	return r;
}

static void print_stats(const struct machine *m)
{
	fprintf(stderr, "vmlab: exits on %s:", m->vm.ops->name);
	for (int r = 0; r < VEXIT_NR; r++)
		if (m->exits[r])
			fprintf(stderr, " %s %" PRIu64, vexit_name(r), m->exits[r]);
	fputc('\n', stderr);
}

static void teardown(struct machine *m)
{
	/* Wakes the helpers, including a console reader waiting for UART room. */
	if (m->timer_started || m->console.reader_started) {
		pthread_mutex_lock(&m->bus.lock);
		m->done = true;
		pthread_cond_broadcast(&m->wake);
		pthread_mutex_unlock(&m->bus.lock);
	}
	if (m->timer_started)
		pthread_join(m->timer_thread, NULL);
	console_close(&m->console);
	if (m->vcpu_created)
		m->vm.ops->destroy_vcpu(&m->vcpu);
	if (m->vm_created)
		m->vm.ops->destroy_vm(&m->vm);
	if (m->ram.base)
		munmap(m->ram.base, m->ram.size);
}

int machine_run(const struct run_options *opts)
{
	return machine_run_on(opts, strcmp(opts->backend, "kvm") ? &backend_vmlab : &backend_kvm);
}

int machine_run_on(const struct run_options *opts, const struct backend_ops *ops)
{
	struct machine *m = calloc(1, sizeof(*m));
	int status = 1;

	if (!m) {
		fprintf(stderr, "vmlab run: out of memory\n");
		return 1;
	}
	m->opts = opts;
	m->vm.ops = ops;
	stop_signal = 0;
	m->console.out_fd = STDOUT_FILENO;
	pthread_cond_init(&m->wake, NULL);
	m->vcpu_thread = pthread_self();
	install_signal_handlers();
	if (setup(m))
		goto out;
	kick_flag = m->vcpu.immediate_exit;
	m->console.input = on_console_input;
	m->console.quit = on_console_quit;
	m->console.opaque = m;
	if (start_helper_threads(m))
		goto out;
	status = vcpu_loop(m);
	if (opts->stats)
		print_stats(m);
out:
	kick_flag = NULL;
	teardown(m);
	free(m);
	return status;
}
