/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little ports test programs and firmware talk to:
 *
 * isa-debug-exit (QEMU), normally at 0xf4: a write of V, of any size,
 * calls @exit with (V << 1) | 1, so a guest can never report 0 (QEMU
 * passes that to exit(), which keeps the low 8 bits).  Reads return 0,
 * as in QEMU.
 *
 * The POST port 0x80: firmware writes progress codes, Linux writes it as
 * a delay (io_delay).  Writes are kept as the last code, reads return
 * 0xff, as QEMU does (kvmtool claims no device there).
 *
 * debugcon (QEMU/Bochs) at 0xe9: each byte written goes to @output; reads
 * return 0xe9 so a guest can detect it.
 */
#ifndef VMLAB_DEVICES_DEBUG_EXIT_H
#define VMLAB_DEVICES_DEBUG_EXIT_H

#include <stdint.h>
#include "bus.h"

#define DEBUG_EXIT_PORT		0xf4
#define POST_PORT		0x80
#define DEBUGCON_PORT		0xe9

struct debug_exit {
	struct io_device io;
	void (*exit)(void *opaque, int status);
	void *opaque;
};

struct post_port {
	struct io_device io;
	uint8_t last_code;
};

struct debugcon {
	struct io_device io;
	void (*output)(void *opaque, uint8_t byte);
	void *opaque;
};

/* @width: the ports claimed, 1 or 4 (QEMU's iosize); a 4-byte OUT works with either. */
void debug_exit_init(struct debug_exit *de, uint16_t port, unsigned int width,
		     void (*exit_fn)(void *opaque, int status), void *opaque);
int debug_exit_register(struct debug_exit *de, struct io_bus *bus);

void post_port_init(struct post_port *post);
int post_port_register(struct post_port *post, struct io_bus *bus);

void debugcon_init(struct debugcon *dc, uint16_t port,
		   void (*output)(void *opaque, uint8_t byte), void *opaque);
int debugcon_register(struct debugcon *dc, struct io_bus *bus);

#endif
