// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the runner's vCPU loop (machine.c), driven through
 * machine_run_on() with a scripted fake backend: each run() returns the
 * next exit of a table, and the fake records what the loop did before
 * entering the guest again (interrupt window, injections, the bytes it
 * left in the exit's data buffer).  A script that runs out ends the run
 * with a shutdown and sets fake.overrun (then fails RUN), so a loop that
 * keeps going cannot hang a test; a watchdog catches one that blocks.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "machine.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_STEPS	32
#define DATA_SIZE	16
#define FILL		0x5a	/* what IN and MMIO-read buffers hold before the loop fills them */
#define GUEST_MEM	(16ULL << 20)
#define WATCHDOG_S	10

/* One scripted exit, and what the fake answers around it. */
struct step {
	struct vexit exit;		/* io.data / mmio.data are pointed at the fake's buffer */
	uint8_t data[DATA_SIZE];	/* OUT / MMIO-write bytes */
	bool ready;			/* ready_for_interrupt() before this run() */
	bool if_set;			/* interrupts_enabled() after this exit */
	int run_error;			/* run() fails with this errno */
	int raise_sig;			/* raised inside this run() */
};

/* What the fake saw when run() was entered. */
struct seen {
	bool window;			/* the last request_interrupt_window() argument */
	int injections;
	uint8_t immediate_exit;
	uint8_t prev_data[DATA_SIZE];	/* the previous exit's buffer, as the loop left it */
};

static struct {
	const struct step *script;
	size_t len;
	size_t run_calls;
	bool overrun;			/* run() was called past the end of the script */
	uint8_t buf[MAX_STEPS][DATA_SIZE];
	struct seen seen[MAX_STEPS + 1];
	uint8_t immediate_exit;
	uint8_t immediate_exit_after_raise;
	bool window;
	int ready_calls;
	int vectors[MAX_STEPS];
	int injections;
	int create_vm_calls, destroy_vm_calls, create_vcpu_calls, destroy_vcpu_calls;
	bool fail_create_vcpu;
	int get_regs_calls;
	uint32_t clear_ecx1, clear_edx1;
	uint64_t mem_gpa, mem_size;
	uint8_t *ram;
	struct vmlab_regs regs;
	struct vmlab_sregs sregs;
	bool image_in_ram;		/* checked at the first run() */
	char err[4096];			/* the run's stderr */
} fake;

static const uint8_t image[] = { 0xfa, 0xf4, 0xeb, 0xfd, 'v', 'm', 'l', 'a', 'b' };
static char image_path[64] = "/tmp/test_machine-image-XXXXXX";
static char console_path[64] = "/tmp/test_machine-console-XXXXXX";

static void fake_reset(const struct step *script, size_t len)
{
	memset(&fake, 0, sizeof(fake));
	fake.script = script;
	fake.len = len;
	for (size_t i = 0; i < ARRAY_SIZE(fake.vectors); i++)
		fake.vectors[i] = -1;
}

static int fake_create_vm(struct vm *vm)
{
	vm->dev_fd = -1;
	vm->vm_fd = -1;
	fake.create_vm_calls++;
	return 0;
}

static void fake_destroy_vm(struct vm *vm)
{
	(void)vm;
	fake.destroy_vm_calls++;
}

static int fake_set_memory(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host)
{
	(void)vm;
	if (slot != 0)
		return -1;
	fake.mem_gpa = gpa;
	fake.mem_size = size;
	fake.ram = host;
	return 0;
}

static int fake_setup_cpuid(struct vm *vm, struct vcpu *vcpu, uint32_t clear_ecx1,
			    uint32_t clear_edx1)
{
	(void)vm;
	(void)vcpu;
	fake.clear_ecx1 = clear_ecx1;
	fake.clear_edx1 = clear_edx1;
	return 0;
}

static int fake_create_vcpu(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	fake.create_vcpu_calls++;
	if (fake.fail_create_vcpu)
		return -1;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = -1;
	vcpu->immediate_exit = &fake.immediate_exit;
	return 0;
}

static void fake_destroy_vcpu(struct vcpu *vcpu)
{
	(void)vcpu;
	fake.destroy_vcpu_calls++;
}

static int fake_get_regs(struct vcpu *vcpu, struct vmlab_regs *regs)
{
	(void)vcpu;
	fake.get_regs_calls++;
	*regs = fake.regs;
	return 0;
}

static int fake_set_regs(struct vcpu *vcpu, const struct vmlab_regs *regs)
{
	(void)vcpu;
	fake.regs = *regs;
	return 0;
}

static int fake_get_sregs(struct vcpu *vcpu, struct vmlab_sregs *sregs)
{
	(void)vcpu;
	*sregs = fake.sregs;
	return 0;
}

static int fake_set_sregs(struct vcpu *vcpu, const struct vmlab_sregs *sregs)
{
	(void)vcpu;
	fake.sregs = *sregs;
	return 0;
}

static int fake_run(struct vcpu *vcpu, struct vexit *e)
{
	size_t i = fake.run_calls++;
	const struct step *s;
	uint8_t *buf;

	(void)vcpu;
	if (i < ARRAY_SIZE(fake.seen)) {
		struct seen *seen = &fake.seen[i];

		seen->window = fake.window;
		seen->injections = fake.injections;
		seen->immediate_exit = fake.immediate_exit;
		if (i > 0 && i - 1 < MAX_STEPS)
			memcpy(seen->prev_data, fake.buf[i - 1], DATA_SIZE);
	}
	if (i == 0 && fake.ram)
		fake.image_in_ram = !memcmp(fake.ram + FLAT_LOAD_ADDR, image, sizeof(image));
	if (i >= fake.len || i >= MAX_STEPS) {
		/* A shutdown ends a correct loop; a failing RUN ends any other. */
		if (fake.overrun) {
			errno = EIO;
			return -1;
		}
		fake.overrun = true;
		*e = (struct vexit){ .reason = VEXIT_SHUTDOWN };
		return 0;
	}
	s = &fake.script[i];
	if (s->raise_sig) {
		raise(s->raise_sig);
		fake.immediate_exit_after_raise = fake.immediate_exit;
	}
	if (s->run_error) {
		errno = s->run_error;
		return -1;
	}
	*e = s->exit;
	buf = fake.buf[i];
	memcpy(buf, s->data, DATA_SIZE);
	if (e->reason == VEXIT_IO) {
		if (e->io.in)
			memset(buf, FILL, DATA_SIZE);
		e->io.data = buf;
	} else if (e->reason == VEXIT_MMIO) {
		if (!e->mmio.write)
			memset(buf, FILL, DATA_SIZE);
		e->mmio.data = buf;
	}
	return 0;
}

static bool fake_ready_for_interrupt(struct vcpu *vcpu)
{
	(void)vcpu;
	fake.ready_calls++;
	return fake.run_calls < fake.len && fake.script[fake.run_calls].ready;
}

static bool fake_interrupts_enabled(struct vcpu *vcpu)
{
	size_t last = fake.run_calls - 1;

	(void)vcpu;
	return fake.run_calls && last < fake.len && fake.script[last].if_set;
}

static void fake_request_interrupt_window(struct vcpu *vcpu, bool on)
{
	(void)vcpu;
	fake.window = on;
}

static int fake_inject_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	(void)vcpu;
	if (fake.injections < (int)ARRAY_SIZE(fake.vectors))
		fake.vectors[fake.injections] = vector;
	fake.injections++;
	return 0;
}

static const struct backend_ops fake_ops = {
	.name = "fake",
	.create_vm = fake_create_vm,
	.destroy_vm = fake_destroy_vm,
	.set_memory = fake_set_memory,
	.setup_cpuid = fake_setup_cpuid,
	.create_vcpu = fake_create_vcpu,
	.destroy_vcpu = fake_destroy_vcpu,
	.get_regs = fake_get_regs,
	.set_regs = fake_set_regs,
	.get_sregs = fake_get_sregs,
	.set_sregs = fake_set_sregs,
	.run = fake_run,
	.ready_for_interrupt = fake_ready_for_interrupt,
	.interrupts_enabled = fake_interrupts_enabled,
	.request_interrupt_window = fake_request_interrupt_window,
	.inject_interrupt = fake_inject_interrupt,
};

/* Designators for struct step. */
#define IO_OUT(p, sz, n) \
	.exit = { .reason = VEXIT_IO, .io = { .in = false, .size = (sz), .port = (p), .count = (n) } }
#define IO_IN(p, sz, n) \
	.exit = { .reason = VEXIT_IO, .io = { .in = true, .size = (sz), .port = (p), .count = (n) } }
#define MMIO_READ(a, l) \
	.exit = { .reason = VEXIT_MMIO, .mmio = { .addr = (a), .len = (l), .write = false } }
#define MMIO_WRITE(a, l) \
	.exit = { .reason = VEXIT_MMIO, .mmio = { .addr = (a), .len = (l), .write = true } }
#define EXIT(r)		.exit = { .reason = (r) }

/* isa-debug-exit with 3: the run ends with (3 << 1) | 1. */
#define DEBUG_EXIT_3	{ IO_OUT(0xf4, 1, 1), .data = { 3 } }
#define STATUS_3	7

static struct run_options default_opts(void)
{
	return (struct run_options){
		.flat = image_path,
		.console = console_path,
		.backend = "fake",
		.mem = GUEST_MEM,
		.cpus = 1,
	};
}

/*
 * Runs @script on the fake with the run's messages captured into fake.err.
 * Only the stderr stream is swapped, not fd 2: the sanitizers write to fd 2,
 * so their reports still show if the run dies.
 */
static int run_with(const struct run_options *opts, const struct step *script, size_t len,
		    bool fail_create_vcpu)
{
	FILE *tmp = tmpfile(), *saved = stderr;
	int status;
	size_t n;

	fake_reset(script, len);
	fake.fail_create_vcpu = fail_create_vcpu;
	if (!tmp) {
		CHECK(0, "cannot capture stderr: %s", strerror(errno));
		return -1;
	}
	stderr = tmp;
	alarm(WATCHDOG_S);
	status = machine_run_on(opts, &fake_ops);
	alarm(0);
	stderr = saved;
	rewind(tmp);
	n = fread(fake.err, 1, sizeof(fake.err) - 1, tmp);
	fake.err[n] = '\0';
	fclose(tmp);
	return status;
}

static int run_script(const struct step *script, size_t len)
{
	struct run_options opts = default_opts();

	return run_with(&opts, script, len, false);
}

#define RUN_SCRIPT(script)	run_script((script), ARRAY_SIZE(script))

/* The whole console file, NUL-terminated. */
static size_t read_console(char *buf, size_t size)
{
	FILE *f = fopen(console_path, "rb");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return n;
}

static void flat_image_is_loaded_and_started_in_real_mode(void)
{
	static const struct step script[] = { DEBUG_EXIT_3 };

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.mem_gpa, 0);
	CHECK_EQ(fake.mem_size, GUEST_MEM);
	CHECK(fake.image_in_ram, "image not at %#x when the guest first ran", FLAT_LOAD_ADDR);
	CHECK_EQ(fake.sregs.cs.selector, FLAT_CS);
	CHECK_EQ(fake.sregs.cs.base, FLAT_CS << 4);
	CHECK_EQ(fake.sregs.ss.selector, FLAT_CS);
	CHECK_EQ(fake.regs.rip, 0);
	CHECK_EQ(fake.regs.rsp, FLAT_SP);
	CHECK_EQ(fake.regs.rflags & 0x200, 0);	/* IF clear */
	/* No local APIC: APIC, x2APIC and TSC-deadline hidden from CPUID leaf 1. */
	CHECK_EQ(fake.clear_edx1, 1u << 9);
	CHECK_EQ(fake.clear_ecx1, (1u << 21) | (1u << 24));
	CHECK_EQ(fake.create_vm_calls, 1);
	CHECK_EQ(fake.destroy_vm_calls, 1);
	CHECK_EQ(fake.create_vcpu_calls, 1);
	CHECK_EQ(fake.destroy_vcpu_calls, 1);
}

static void missing_image_fails_before_creating_the_vm(void)
{
	static const struct step script[] = { DEBUG_EXIT_3 };
	struct run_options opts = default_opts();

	opts.flat = "/nonexistent/test_machine-image";
	CHECK_EQ(run_with(&opts, script, ARRAY_SIZE(script), false), 1);
	CHECK_EQ(fake.create_vm_calls, 0);
	CHECK_EQ(fake.run_calls, 0);
	CHECK(strstr(fake.err, "/nonexistent/test_machine-image"), "stderr: %s", fake.err);
}

static void vcpu_creation_failure_destroys_the_vm_only(void)
{
	static const struct step script[] = { DEBUG_EXIT_3 };
	struct run_options opts = default_opts();

	CHECK_EQ(run_with(&opts, script, ARRAY_SIZE(script), true), 1);
	CHECK_EQ(fake.run_calls, 0);
	CHECK_EQ(fake.destroy_vm_calls, 1);
	CHECK_EQ(fake.destroy_vcpu_calls, 0);
}

static void com1_output_reaches_the_console_in_order(void)
{
	static const struct step script[] = {
		{ IO_OUT(0x3f8, 1, 1), .data = "h" },
		{ IO_OUT(0x3f8, 1, 2), .data = "i\n" },	/* rep outsb */
		{ IO_OUT(0xe9, 1, 1), .data = "!" },	/* debugcon shares the console */
		DEBUG_EXIT_3,
	};
	char out[64];

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK(!fake.overrun);
	CHECK_EQ(read_console(out, sizeof(out)), 4);
	CHECK(!strcmp(out, "hi\n!"), "console holds \"%s\"", out);
}

static void debug_exit_byte_ends_the_run_with_its_status(void)
{
	static const struct step script[] = {
		{ IO_OUT(0x3f8, 1, 1), .data = "x" },
		DEBUG_EXIT_3,
		{ IO_OUT(0x3f8, 1, 1), .data = "y" },	/* never reached */
	};
	char out[16];

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.run_calls, 2);
	CHECK_EQ(read_console(out, sizeof(out)), 1);
}

static void debug_exit_dword_ends_the_run_with_its_status(void)
{
	static const struct step script[] = {
		{ IO_OUT(0xf4, 4, 1), .data = { 3, 0, 0, 0 } },
		{ EXIT(VEXIT_IRQ_WINDOW) },	/* never reached */
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.run_calls, 1);
	CHECK(!fake.overrun);
}

static void in_from_unclaimed_port_reads_all_ones(void)
{
	static const struct step script[] = {
		{ IO_IN(0x2f0, 1, 1) },
		{ IO_IN(0x2f0, 2, 1) },
		{ IO_IN(0x2f0, 4, 1) },
		{ IO_IN(0x2f0, 2, 3) },		/* rep insw */
		DEBUG_EXIT_3,
	};
	static const uint8_t want[][8] = {
		{ 0xff, FILL, FILL, FILL, FILL, FILL, FILL, FILL },
		{ 0xff, 0xff, FILL, FILL, FILL, FILL, FILL, FILL },
		{ 0xff, 0xff, 0xff, 0xff, FILL, FILL, FILL, FILL },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, FILL, FILL },
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.run_calls, 5);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const uint8_t *got = fake.seen[i + 1].prev_data;

		CHECK(!memcmp(got, want[i], sizeof(want[i])),
		      "IN #%zu left %02x %02x %02x %02x %02x %02x %02x %02x", i,
		      got[0], got[1], got[2], got[3], got[4], got[5], got[6], got[7]);
	}
}

static void in_from_uart_lsr_reads_transmitter_empty(void)
{
	static const struct step script[] = {
		{ IO_IN(0x3fd, 1, 1) },
		DEBUG_EXIT_3,
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.seen[1].prev_data[0], 0x60);	/* THRE | TEMT */
	CHECK_EQ(fake.seen[1].prev_data[1], FILL);
}

static void hlt_with_interrupts_off_ends_the_run_cleanly(void)
{
	static const struct step script[] = {
		{ EXIT(VEXIT_HLT), .if_set = false },
		DEBUG_EXIT_3,	/* never reached */
	};

	CHECK_EQ(RUN_SCRIPT(script), 0);
	CHECK_EQ(fake.run_calls, 1);
	CHECK(strstr(fake.err, "halted with interrupts off"), "stderr: %s", fake.err);
}

/* The run's last words place the guest: its CS:RIP and mode, as the fake holds them. */
static void check_guest_state_reported(void)
{
	char want[96];

	snprintf(want, sizeof(want), "guest at cs:rip %#x:%#" PRIx64 ", rsp %#" PRIx64,
		 fake.sregs.cs.selector, (uint64_t)fake.regs.rip, (uint64_t)fake.regs.rsp);
	CHECK(strstr(fake.err, want), "want \"%s\" in stderr: %s", want, fake.err);
	snprintf(want, sizeof(want), "cr0 %#" PRIx64 ",", (uint64_t)fake.sregs.cr0);
	CHECK(strstr(fake.err, want), "want \"%s\" in stderr: %s", want, fake.err);
}

static void shutdown_ends_the_run_with_status_1(void)
{
	static const struct step script[] = {
		{ EXIT(VEXIT_SHUTDOWN) },
		DEBUG_EXIT_3,	/* never reached */
	};

	CHECK_EQ(RUN_SCRIPT(script), 1);
	CHECK_EQ(fake.run_calls, 1);
	CHECK(!fake.overrun);
	CHECK(strstr(fake.err, "triple-faulted"), "stderr: %s", fake.err);
	check_guest_state_reported();
}

static void failed_entry_ends_the_run_with_status_1(void)
{
	static const struct step script[] = {
		{ .exit = { .reason = VEXIT_FAIL_ENTRY, .detail = 0x21 } },
		DEBUG_EXIT_3,	/* never reached */
	};

	CHECK_EQ(RUN_SCRIPT(script), 1);
	CHECK_EQ(fake.run_calls, 1);
	CHECK(strstr(fake.err, "VM entry failed, hardware reason 0x21"), "stderr: %s", fake.err);
}

static void internal_and_unknown_exits_end_the_run_with_status_1(void)
{
	static const struct step internal[] = { { EXIT(VEXIT_INTERNAL) }, DEBUG_EXIT_3 };
	static const struct step other[] = {
		{ .exit = { .reason = VEXIT_OTHER, .raw = 77 } }, DEBUG_EXIT_3,
	};

	CHECK_EQ(RUN_SCRIPT(internal), 1);
	CHECK_EQ(fake.run_calls, 1);
	CHECK_EQ(RUN_SCRIPT(other), 1);
	CHECK_EQ(fake.run_calls, 1);
	CHECK(strstr(fake.err, "reason 77"), "stderr: %s", fake.err);
}

static void run_error_ends_the_run_with_status_1(void)
{
	static const struct step script[] = {
		{ .run_error = EIO },
		DEBUG_EXIT_3,	/* never reached */
	};

	CHECK_EQ(RUN_SCRIPT(script), 1);
	CHECK_EQ(fake.run_calls, 1);
	CHECK(strstr(fake.err, "RUN failed"), "stderr: %s", fake.err);
}

static void intr_and_window_exits_keep_running(void)
{
	static const struct step script[] = {
		{ EXIT(VEXIT_INTR) },
		{ EXIT(VEXIT_IRQ_WINDOW) },
		DEBUG_EXIT_3,
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.run_calls, 3);
}

static void running_out_of_script_is_noticed(void)
{
	static const struct step script[] = { { EXIT(VEXIT_INTR) } };

	/* The fake's own guard: a loop that never ends gets a shutdown. */
	CHECK_EQ(RUN_SCRIPT(script), 1);
	CHECK(fake.overrun);
	CHECK_EQ(fake.run_calls, 2);
}

/* Linux's master-PIC init with vectors at 0x20, then the UART's THRE interrupt. */
#define PIC_INIT_AND_MASK(mask)						\
	{ IO_OUT(0x20, 1, 1), .data = { 0x11 } },	/* ICW1 */	\
	{ IO_OUT(0x21, 1, 1), .data = { 0x20 } },	/* ICW2 */	\
	{ IO_OUT(0x21, 1, 1), .data = { 0x04 } },	/* ICW3 */	\
	{ IO_OUT(0x21, 1, 1), .data = { 0x01 } },	/* ICW4 */	\
	{ IO_OUT(0x21, 1, 1), .data = { (mask) } }	/* OCW1 */
#define UART_IER_THRI	{ IO_OUT(0x3f9, 1, 1), .data = { 0x02 } }
#define UART_MCR_OUT2	{ IO_OUT(0x3fc, 1, 1), .data = { 0x08 } }
#define IRQ4_ONLY	0xef
#define IRQ4_VECTOR	0x24

static void uart_irq_waits_for_the_window_then_is_injected(void)
{
	static const struct step script[] = {
		PIC_INIT_AND_MASK(IRQ4_ONLY),	/* 0-4 */
		UART_IER_THRI,			/* 5 */
		UART_MCR_OUT2,			/* 6: IRQ4 rises */
		{ EXIT(VEXIT_IRQ_WINDOW), .ready = false },	/* 7 */
		{ IO_OUT(0xf4, 1, 1), .data = { 3 }, .ready = true },	/* 8 */
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.run_calls, 9);
	CHECK(!fake.overrun);
	/* Before OUT2, no request: no window asked for. */
	CHECK(!fake.seen[6].window);
	CHECK_EQ(fake.seen[6].injections, 0);
	/* Not ready: the window is requested, nothing injected. */
	CHECK(fake.seen[7].window);
	CHECK_EQ(fake.seen[7].injections, 0);
	/* Ready: IRQ4 at vector base 0x20 goes in, and the window is closed again. */
	CHECK_EQ(fake.seen[8].injections, 1);
	CHECK_EQ(fake.vectors[0], IRQ4_VECTOR);
	CHECK(!fake.seen[8].window);
	CHECK_EQ(fake.injections, 1);
}

static void uart_irq_without_out2_is_not_raised(void)
{
	static const struct step script[] = {
		PIC_INIT_AND_MASK(IRQ4_ONLY),
		UART_IER_THRI,
		{ EXIT(VEXIT_IRQ_WINDOW), .ready = true },
		{ IO_OUT(0xf4, 1, 1), .data = { 3 }, .ready = true },
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.injections, 0);
	CHECK_EQ(fake.ready_calls, 0);
	CHECK(!fake.window);
}

static void masked_uart_irq_is_not_injected(void)
{
	static const struct step script[] = {
		PIC_INIT_AND_MASK(0xff),
		UART_IER_THRI,
		UART_MCR_OUT2,
		{ EXIT(VEXIT_IRQ_WINDOW), .ready = true },
		{ IO_OUT(0xf4, 1, 1), .data = { 3 }, .ready = true },
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.injections, 0);
	CHECK_EQ(fake.ready_calls, 0);
	CHECK(!fake.seen[8].window);
}

static void hlt_with_interrupts_on_resumes_when_an_irq_is_pending(void)
{
	static const struct step script[] = {
		PIC_INIT_AND_MASK(IRQ4_ONLY),	/* 0-4 */
		UART_IER_THRI,			/* 5 */
		UART_MCR_OUT2,			/* 6 */
		{ EXIT(VEXIT_HLT), .if_set = true },	/* 7: STI; HLT with IRQ4 pending */
		{ IO_OUT(0xf4, 1, 1), .data = { 3 }, .ready = true },	/* 8 */
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.run_calls, 9);
	CHECK_EQ(fake.vectors[0], IRQ4_VECTOR);
}

static void mmio_read_of_unbacked_address_is_all_ones(void)
{
	static const struct step script[] = {
		{ MMIO_READ(0xfee00030, 4) },
		{ MMIO_WRITE(0xfec00000, 4), .data = { 1, 2, 3, 4 } },
		{ MMIO_READ(0xfed00000, 8) },
		DEBUG_EXIT_3,
	};
	static const uint8_t want4[8] = { 0xff, 0xff, 0xff, 0xff, FILL, FILL, FILL, FILL };
	static const uint8_t want_write[8] = { 1, 2, 3, 4, 0, 0, 0, 0 };
	static const uint8_t want8[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.run_calls, 4);
	CHECK(!memcmp(fake.seen[1].prev_data, want4, 8));
	CHECK(!memcmp(fake.seen[2].prev_data, want_write, 8), "a write's data was changed");
	CHECK(!memcmp(fake.seen[3].prev_data, want8, 8));
	CHECK(!fake.err[0], "stderr without --debug-mmio: %s", fake.err);
}

static void debug_mmio_logs_each_page_once(void)
{
	static const struct step script[] = {
		{ MMIO_READ(0xfee00030, 4) },
		{ MMIO_READ(0xfee00034, 4) },
		{ MMIO_WRITE(0xe0001000, 4) },	/* another page */
		{ MMIO_WRITE(0xfec00000, 4) },	/* 2 MiB-aligned apart from the first */
		DEBUG_EXIT_3,
	};
	struct run_options opts = default_opts();
	const char *first;
	char want[96];

	opts.debug_mmio = true;
	CHECK_EQ(run_with(&opts, script, ARRAY_SIZE(script), false), STATUS_3);
	snprintf(want, sizeof(want), "unclaimed MMIO read at 0xfee00030 (4 bytes) from rip %#" PRIx64,
		 (uint64_t)fake.regs.rip);
	first = strstr(fake.err, want);
	CHECK(first, "want \"%s\" in stderr: %s", want, fake.err);
	CHECK(first && !strstr(first + 1, "0xfee00034"), "stderr: %s", fake.err);
	CHECK(strstr(fake.err, "unclaimed MMIO write at 0xe0001000"), "stderr: %s", fake.err);
	CHECK(strstr(fake.err, "unclaimed MMIO write at 0xfec00000"), "stderr: %s", fake.err);
}

static void stats_count_exits_per_reason(void)
{
	static const struct step script[] = {
		{ IO_OUT(0x3f8, 1, 1), .data = "s" },
		{ MMIO_READ(0xfee00030, 4) },
		{ EXIT(VEXIT_INTR) },
		{ EXIT(VEXIT_INTR) },
		DEBUG_EXIT_3,
	};
	struct run_options opts = default_opts();

	opts.stats = true;
	CHECK_EQ(run_with(&opts, script, ARRAY_SIZE(script), false), STATUS_3);
	CHECK(strstr(fake.err, "vmlab: exits on fake: io 2 mmio 1 intr 2\n"), "stderr: %s",
	      fake.err);
}

static void kick_sets_immediate_exit_and_the_loop_clears_it(void)
{
	static const struct step script[] = {
		{ EXIT(VEXIT_INTR), .raise_sig = SIGUSR1 },
		DEBUG_EXIT_3,
	};

	CHECK_EQ(RUN_SCRIPT(script), STATUS_3);
	CHECK_EQ(fake.seen[0].immediate_exit, 0);
	CHECK_EQ(fake.immediate_exit_after_raise, 1);
	CHECK_EQ(fake.seen[1].immediate_exit, 0);
}

/*
 * Must run last: machine.c's stop_signal is never cleared, so every later
 * machine_run_on() in this process would stop at once.
 */
static void sigterm_ends_the_run_with_128_plus_signal(void)
{
	static const struct step script[] = {
		{ EXIT(VEXIT_INTR), .raise_sig = SIGTERM },
		DEBUG_EXIT_3,	/* never reached */
	};

	CHECK_EQ(RUN_SCRIPT(script), 128 + SIGTERM);
	CHECK_EQ(fake.run_calls, 1);
	CHECK_EQ(fake.immediate_exit_after_raise, 1);
	CHECK_EQ(fake.get_regs_calls, 1);
	CHECK(strstr(fake.err, "ending the run"), "stderr: %s", fake.err);
	check_guest_state_reported();
}

/* A run that blocks (e.g. HLT waiting for an interrupt that never comes) fails its case. */
static void on_watchdog(int sig)
{
	static const char head[] = "FAIL: machine: ", tail[] = ": the run did not end (watchdog)\n";
	ssize_t r;

	(void)sig;
	r = write(1, head, sizeof(head) - 1);
	r += write(1, check_case, strlen(check_case));
	r += write(1, tail, sizeof(tail) - 1);
	unlink(image_path);
	unlink(console_path);
	_exit(r > 0 ? 1 : 2);
}

static int make_temp_files(void)
{
	int fd = mkstemp(image_path);
	bool ok;

	if (fd < 0)
		return -1;
	ok = write(fd, image, sizeof(image)) == (ssize_t)sizeof(image);
	close(fd);
	fd = mkstemp(console_path);
	if (fd < 0)
		return -1;
	close(fd);
	return ok ? 0 : -1;
}

int main(void)
{
	check_prog = "machine";
	signal(SIGALRM, on_watchdog);
	if (make_temp_files()) {
		printf("FAIL: machine: cannot create temporary files: %s\n", strerror(errno));
		return 1;
	}
	RUN(flat_image_is_loaded_and_started_in_real_mode);
	RUN(missing_image_fails_before_creating_the_vm);
	RUN(vcpu_creation_failure_destroys_the_vm_only);
	RUN(com1_output_reaches_the_console_in_order);
	RUN(debug_exit_byte_ends_the_run_with_its_status);
	RUN(debug_exit_dword_ends_the_run_with_its_status);
	RUN(in_from_unclaimed_port_reads_all_ones);
	RUN(in_from_uart_lsr_reads_transmitter_empty);
	RUN(hlt_with_interrupts_off_ends_the_run_cleanly);
	RUN(shutdown_ends_the_run_with_status_1);
	RUN(failed_entry_ends_the_run_with_status_1);
	RUN(internal_and_unknown_exits_end_the_run_with_status_1);
	RUN(run_error_ends_the_run_with_status_1);
	RUN(intr_and_window_exits_keep_running);
	RUN(running_out_of_script_is_noticed);
	RUN(uart_irq_waits_for_the_window_then_is_injected);
	RUN(uart_irq_without_out2_is_not_raised);
	RUN(masked_uart_irq_is_not_injected);
	RUN(hlt_with_interrupts_on_resumes_when_an_irq_is_pending);
	RUN(mmio_read_of_unbacked_address_is_all_ones);
	RUN(debug_mmio_logs_each_page_once);
	RUN(stats_count_exits_per_reason);
	RUN(kick_sets_immediate_exit_and_the_loop_clears_it);
	RUN(sigterm_ends_the_run_with_128_plus_signal);	/* last: see its comment */
	unlink(image_path);
	unlink(console_path);
	return check_done();
}
