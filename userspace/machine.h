/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A running guest: its RAM, its vCPU on a backend, the legacy PC devices
 * on the I/O bus, and the threads around the vCPU loop (console input,
 * timer).  `vmlab run` builds one and runs it to completion.
 */
#ifndef VMLAB_MACHINE_H
#define VMLAB_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include "backend.h"
#include "console.h"
#include "devices/bus.h"
#include "devices/debug_exit.h"
#include "devices/fw_cfg.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "devices/uart.h"
#include "loader/loader.h"
#include "options.h"

struct machine {
	const struct run_options *opts;
	struct vm vm;
	struct vcpu vcpu;
	bool vm_created, vcpu_created;
	struct guest_ram ram;

	struct io_bus bus;		/* bus.lock guards every device and the fields below */
	struct pic pic;
	struct pit pit;
	struct uart uart;
	struct rtc rtc;
	struct i8042 kbc;
	struct debug_exit debug_exit;
	struct post_port post;
	struct debugcon debugcon;
	struct fw_cfg fw_cfg;
	struct console console;

	pthread_cond_t wake;		/* an interrupt, input, or the end */
	pthread_t vcpu_thread;
	pthread_t timer_thread;
	bool timer_started;
	bool in_guest;			/* the vCPU thread is inside RUN */
	bool done;
	int exit_status;

	uint64_t exits[VEXIT_NR];
#define MMIO_LOGGED_MAX 64
	uint64_t mmio_logged[MMIO_LOGGED_MAX];	/* --debug-mmio: the pages logged */
	unsigned int mmio_logged_count;
};

/* `vmlab run`: returns the process exit status. */
int machine_run(const struct run_options *opts);
/* The same on a given backend (the unit tests bring a scripted one). */
int machine_run_on(const struct run_options *opts, const struct backend_ops *ops);

#endif
