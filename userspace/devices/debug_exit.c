// SPDX-License-Identifier: GPL-2.0
/* isa-debug-exit, the POST port and debugcon: see debug_exit.h. */
#include <string.h>
#include "debug_exit.h"

static uint32_t debug_exit_read(void *opaque, uint16_t offset, unsigned int size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return 0;
}

static void debug_exit_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct debug_exit *de = opaque;

	(void)offset;
	(void)size;
	/* Unsigned arithmetic, then the bits as an int: no overflow for any value. */
	if (de->exit)
		de->exit(de->opaque, (int)(value << 1 | 1));
}

void debug_exit_init(struct debug_exit *de, uint16_t port, unsigned int width,
		     void (*exit_fn)(void *opaque, int status), void *opaque)
{
	memset(de, 0, sizeof(*de));
	de->exit = exit_fn;
	de->opaque = opaque;
	de->io = (struct io_device){
		.name = "debug-exit", .base = port, .len = width == 4 ? 4 : 1,
		.opaque = de, .read = debug_exit_read, .write = debug_exit_write,
	};
}

int debug_exit_register(struct debug_exit *de, struct io_bus *bus)
{
	return io_bus_register(bus, &de->io);
}

static uint32_t post_read(void *opaque, uint16_t offset, unsigned int size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return 0xffffffffu;
}

static void post_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct post_port *post = opaque;

	(void)offset;
	(void)size;
	post->last_code = value & 0xff;
}

void post_port_init(struct post_port *post)
{
	memset(post, 0, sizeof(*post));
	post->io = (struct io_device){
		.name = "post", .base = POST_PORT, .len = 1,
		.opaque = post, .read = post_read, .write = post_write,
	};
}

int post_port_register(struct post_port *post, struct io_bus *bus)
{
	return io_bus_register(bus, &post->io);
}

static uint8_t debugcon_read8(void *opaque, uint16_t offset)
{
	(void)opaque;
	(void)offset;
	return DEBUGCON_PORT;	/* Bochs/QEMU readback: "a debugcon is here" */
}

static void debugcon_write8(void *opaque, uint16_t offset, uint8_t value)
{
	struct debugcon *dc = opaque;

	(void)offset;
	if (dc->output)
		dc->output(dc->opaque, value);
}

static uint32_t debugcon_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct debugcon *dc = opaque;

	return io_read_bytewise(&dc->io, offset, size, debugcon_read8);
}

static void debugcon_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct debugcon *dc = opaque;

	io_write_bytewise(&dc->io, offset, size, value, debugcon_write8);
}

void debugcon_init(struct debugcon *dc, uint16_t port,
		   void (*output)(void *opaque, uint8_t byte), void *opaque)
{
	memset(dc, 0, sizeof(*dc));
	dc->output = output;
	dc->opaque = opaque;
	dc->io = (struct io_device){
		.name = "debugcon", .base = port, .len = 1,
		.opaque = dc, .read = debugcon_read, .write = debugcon_write,
	};
}

int debugcon_register(struct debugcon *dc, struct io_bus *bus)
{
	return io_bus_register(bus, &dc->io);
}
