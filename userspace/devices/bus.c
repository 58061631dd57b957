// SPDX-License-Identifier: GPL-2.0
/* The port-I/O bus: which device owns a port, and what nobody owns. */
#include <stdio.h>
#include <string.h>
#include "bus.h"

void io_bus_init(struct io_bus *bus, bool debug)
{
	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
	bus->debug = debug;
}

void io_bus_destroy(struct io_bus *bus)
{
	pthread_mutex_destroy(&bus->lock);
}

static uint32_t end_of(const struct io_device *dev)
{
	return (uint32_t)dev->base + dev->len;
}

static bool ranges_overlap(const struct io_device *a, const struct io_device *b)
{
	return a->base < end_of(b) && b->base < end_of(a);
}

int io_bus_register(struct io_bus *bus, struct io_device *dev)
{
	if (bus->count >= IO_BUS_MAX_DEVICES || dev->len == 0 || end_of(dev) > 0x10000)
		return -1;
	for (unsigned int i = 0; i < bus->count; i++)
		if (ranges_overlap(bus->devices[i], dev))
			return -1;
	bus->devices[bus->count++] = dev;
	return 0;
}

static struct io_device *device_at(struct io_bus *bus, uint16_t port)
{
	for (unsigned int i = 0; i < bus->count; i++) {
		struct io_device *dev = bus->devices[i];

		if (port >= dev->base && port < end_of(dev))
			return dev;
	}
	return NULL;
}

static bool valid_size(unsigned int size)
{
	return size == 1 || size == 2 || size == 4;
}

static uint32_t size_mask(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* One line per port for the whole run: a polling guest must not flood stderr. */
static void log_unclaimed(struct io_bus *bus, uint16_t port, const char *dir)
{
	uint8_t bit = 1u << (port & 7);

	if (!bus->debug || (bus->logged[port >> 3] & bit))
		return;
	bus->logged[port >> 3] |= bit;
	fprintf(stderr, "vmlab: unclaimed port 0x%x (%s)\n", port, dir);
}

uint32_t io_bus_read(struct io_bus *bus, uint16_t port, unsigned int size)
{
	struct io_device *dev;

	if (!valid_size(size))
		return 0xffffffffu;
	dev = device_at(bus, port);
	if (!dev || !dev->read) {
		log_unclaimed(bus, port, "read");
		return size_mask(size);
	}
	return dev->read(dev->opaque, port - dev->base, size) & size_mask(size);
}

void io_bus_write(struct io_bus *bus, uint16_t port, unsigned int size, uint32_t value)
{
	struct io_device *dev;

	if (!valid_size(size))
		return;
	dev = device_at(bus, port);
	if (!dev || !dev->write) {
		log_unclaimed(bus, port, "write");
		return;
	}
	dev->write(dev->opaque, port - dev->base, size, value & size_mask(size));
}

uint32_t io_read_bytewise(const struct io_device *dev, uint16_t offset,
			  unsigned int size, io_read8_fn read8)
{
	uint32_t value = 0;

	for (unsigned int i = 0; i < size && i < 4; i++) {
		uint32_t at = (uint32_t)offset + i;
		uint8_t byte = at < dev->len ? read8(dev->opaque, (uint16_t)at) : 0xff;

		value |= (uint32_t)byte << (8 * i);
	}
	return value;
}

void io_write_bytewise(const struct io_device *dev, uint16_t offset,
		       unsigned int size, uint32_t value, io_write8_fn write8)
{
	for (unsigned int i = 0; i < size && i < 4; i++) {
		uint32_t at = (uint32_t)offset + i;

		if (at < dev->len)
			write8(dev->opaque, (uint16_t)at, (uint8_t)(value >> (8 * i)));
	}
}
