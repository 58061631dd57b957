/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port-I/O bus of the runner: devices claim port ranges; the vCPU
 * loop dispatches IO exits here.  Interrupt lines are callbacks a device
 * raises and lowers (the PIC implements them).  One lock, held by the
 * caller around every device call, serializes vCPU threads and the
 * console input thread.
 */
#ifndef VMLAB_BUS_H
#define VMLAB_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct io_device {
	const char *name;
	uint16_t base;
	uint16_t len;		/* ports [base, base + len) */
	void *opaque;
	/* @offset from base; @size 1, 2 or 4; reads return the low @size bytes */
	uint32_t (*read)(void *opaque, uint16_t offset, unsigned int size);
	void (*write)(void *opaque, uint16_t offset, unsigned int size, uint32_t value);
};

#define IO_BUS_MAX_DEVICES	64

struct io_bus {
	pthread_mutex_t lock;
	struct io_device *devices[IO_BUS_MAX_DEVICES];
	unsigned int count;
	bool debug;		/* --debug-ioport: log unclaimed ports once each */
	uint8_t logged[65536 / 8];
};

/* A level-triggered interrupt line into an interrupt controller. */
struct irq_line {
	void (*set)(void *opaque, unsigned int irq, int level);
	void *opaque;
	unsigned int irq;
};

static inline void irq_set(const struct irq_line *line, int level)
{
	if (line->set)
		line->set(line->opaque, line->irq, level);
}

void io_bus_init(struct io_bus *bus, bool debug);
void io_bus_destroy(struct io_bus *bus);
/* 0, or -1 when the range overlaps a registered device or is full. */
int io_bus_register(struct io_bus *bus, struct io_device *dev);
/* Unclaimed ports read as all ones and ignore writes. Caller holds bus->lock. */
uint32_t io_bus_read(struct io_bus *bus, uint16_t port, unsigned int size);
void io_bus_write(struct io_bus *bus, uint16_t port, unsigned int size, uint32_t value);

/*
 * For devices whose registers are all one byte wide: an ISA bus turns a
 * 2- or 4-byte access into byte accesses at consecutive ports, so these
 * do the same within @dev.  Bytes past the device's end read as 0xff and
 * are not written (the bus has already chosen this device).
 */
typedef uint8_t (*io_read8_fn)(void *opaque, uint16_t offset);
typedef void (*io_write8_fn)(void *opaque, uint16_t offset, uint8_t value);
uint32_t io_read_bytewise(const struct io_device *dev, uint16_t offset,
			  unsigned int size, io_read8_fn read8);
void io_write_bytewise(const struct io_device *dev, uint16_t offset,
		       unsigned int size, uint32_t value, io_write8_fn write8);

#endif
