// SPDX-License-Identifier: GPL-2.0
/*
 * 8259A pair, as Intel's datasheet and the PIIX ELCR describe it.
 *
 * Edge-triggered requests stay latched in the IRR after the input falls:
 * device models pulse their lines faster than any INTA could follow, so
 * the datasheet's "input must stay high until INTA" rule would turn every
 * pulse into a spurious IRQ7 (QEMU and KVM latch the same way).  Level
 * requests follow the pin, and the spurious IRQ7/15 comes from those and
 * from masking between INT and INTA.
 *
 * The cascade input (master IRQ2) is an edge input driven by the slave's
 * INT pin, which drops during the slave's INTA cycle and rises again if
 * the slave still has a request: that edge is what brings a second slave
 * IRQ to the master.  A slave request that vanishes after INT rose leaves
 * IRR2 latched, and INTA then yields the slave's IRQ7 vector (IRQ15).
 */
#include <string.h>
#include "pic.h"

#define ICW1_IC4	0x01
#define ICW1_SNGL	0x02
#define ICW1_INIT	0x10
#define ICW4_AEOI	0x02
#define ICW4_SFNM	0x10
#define OCW3_SELECT	0x08
#define OCW3_RIS	0x01
#define OCW3_RR		0x02
#define OCW3_POLL	0x04
#define OCW3_SMM	0x20
#define OCW3_ESMM	0x40

enum ocw2_command {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4,
	OCW2_ROTATE_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* Priority 0 (highest) to 7 of the best request in @mask, or 8 if none. */
static int best_priority(const struct pic_chip *c, uint8_t mask)
{
	for (int p = 0; p < 8; p++)
		if (mask & (1u << ((p + c->highest_irq) & 7)))
			return p;
	return 8;
}

static int irq_of_priority(const struct pic_chip *c, int priority)
{
	return (priority + c->highest_irq) & 7;
}

/* The IRQ this chip would signal on INT now, or -1. */
static int chip_pending_irq(const struct pic_chip *c)
{
	int request = best_priority(c, c->irr & ~c->imr);
	uint8_t in_service = c->isr;

	if (request == 8)
		return -1;
	/* Special mask mode: a masked level in service blocks nothing. */
	if (c->special_mask)
		in_service &= ~c->imr;
	/* Fully nested: further slave IRQs may interrupt a slave IRQ. */
	if (c->special_fully_nested && c->is_master)
		in_service &= ~(1u << PIC_CASCADE_IRQ);
	if (request < best_priority(c, in_service))
		return irq_of_priority(c, request);
	return -1;
}

static void set_bit(uint8_t *reg, int bit, bool on)
{
	if (on)
		*reg |= 1u << bit;
	else
		*reg &= ~(1u << bit);
}

/* The slave's INT pin, as the master's IR2 input sees it. */
static void set_cascade(struct pic *pic, bool high)
{
	struct pic_chip *master = &pic->chip[0];
	bool was_high = master->lines & (1u << PIC_CASCADE_IRQ);

	set_bit(&master->lines, PIC_CASCADE_IRQ, high);
	if (high && !was_high)
		master->irr |= 1u << PIC_CASCADE_IRQ;
}

/* Propagates the slave's INT into the master and the master's to the CPU. */
static void pic_update(struct pic *pic)
{
	bool output;

	set_cascade(pic, chip_pending_irq(&pic->chip[1]) >= 0);
	output = chip_pending_irq(&pic->chip[0]) >= 0;
	if (output != pic->output) {
		pic->output = output;
		if (pic->output_changed)
			pic->output_changed(pic->opaque, output);
	}
}

/* The chip's half of INTA: request becomes in-service. */
static void chip_intack(struct pic_chip *c, int irq)
{
	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->highest_irq = (irq + 1) & 7;
	} else {
		c->isr |= 1u << irq;
	}
	if (!(c->elcr & (1u << irq)))
		c->irr &= ~(1u << irq);
}

int pic_ack(struct pic *pic)
{
	struct pic_chip *master = &pic->chip[0], *slave = &pic->chip[1];
	int irq = chip_pending_irq(master);
	int vector;

	if (irq < 0)
		return master->vector_base + 7;
	if (irq == PIC_CASCADE_IRQ) {
		int slave_irq = chip_pending_irq(slave);

		if (slave_irq < 0) {
			vector = slave->vector_base + 7;
		} else {
			chip_intack(slave, slave_irq);
			vector = slave->vector_base + slave_irq;
		}
	} else {
		vector = master->vector_base + irq;
	}
	chip_intack(master, irq);
	if (irq == PIC_CASCADE_IRQ)
		set_cascade(pic, false);	/* pic_update() raises it again if need be */
	pic_update(pic);
	return vector;
}

bool pic_has_interrupt(const struct pic *pic)
{
	return pic->output;
}

void pic_set_irq(void *opaque, unsigned int irq, int level)
{
	struct pic *pic = opaque;
	struct pic_chip *c;
	uint8_t bit;
	bool was_high;

	if (irq >= 16 || irq == PIC_CASCADE_IRQ)
		return;
	c = &pic->chip[irq >> 3];
	bit = 1u << (irq & 7);
	was_high = c->lines & bit;
	set_bit(&c->lines, irq & 7, level);
	if (c->elcr & bit)
		set_bit(&c->irr, irq & 7, level);
	else if (level && !was_high)
		c->irr |= bit;
	pic_update(pic);
}

struct irq_line pic_irq_line(struct pic *pic, unsigned int irq)
{
	return (struct irq_line){ .set = pic_set_irq, .opaque = pic, .irq = irq };
}

/* ICW1: everything but the ELCR and the input pins starts over. */
static void chip_start_init(struct pic_chip *c, uint8_t icw1)
{
	c->imr = 0;
	c->isr = 0;
	/* Edge sense is reset: only pins still asserted at level keep requesting. */
	c->irr = c->lines & c->elcr;
	c->highest_irq = 0;
	c->vector_base = 0;
	c->want_icw4 = icw1 & ICW1_IC4;
	c->single = icw1 & ICW1_SNGL;
	c->auto_eoi = false;
	c->rotate_on_auto_eoi = false;
	c->special_fully_nested = false;
	c->special_mask = false;
	c->poll = false;
	c->read_isr = false;
	c->init_step = 2;
}

static void chip_eoi(struct pic_chip *c, int irq, bool rotate)
{
	c->isr &= ~(1u << irq);
	if (rotate)
		c->highest_irq = (irq + 1) & 7;
}

static void chip_write_ocw2(struct pic_chip *c, uint8_t value)
{
	int in_service = best_priority(c, c->isr);

	switch ((enum ocw2_command)(value >> 5)) {
	case OCW2_ROTATE_AEOI_CLEAR:
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_auto_eoi = value & 0x80;
		break;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		if (in_service != 8)
			chip_eoi(c, irq_of_priority(c, in_service),
				 (value >> 5) == OCW2_ROTATE_EOI);
		break;
	case OCW2_SPECIFIC_EOI:
		chip_eoi(c, value & 7, false);
		break;
	case OCW2_ROTATE_SPECIFIC_EOI:
		chip_eoi(c, value & 7, true);
		break;
	case OCW2_SET_PRIORITY:
		c->highest_irq = (value + 1) & 7;
		break;
	case OCW2_NOP:
		break;
	}
}

static void chip_write_ocw3(struct pic_chip *c, uint8_t value)
{
	if (value & OCW3_POLL)
		c->poll = true;
	if (value & OCW3_RR)
		c->read_isr = value & OCW3_RIS;
	if (value & OCW3_ESMM)
		c->special_mask = value & OCW3_SMM;
}

static void chip_write_command(struct pic_chip *c, uint8_t value)
{
	if (value & ICW1_INIT)
		chip_start_init(c, value);
	else if (value & OCW3_SELECT)
		chip_write_ocw3(c, value);
	else
		chip_write_ocw2(c, value);
}

/* Port 1: the ICW2-4 sequence after ICW1, OCW1 (the mask) otherwise. */
static void chip_write_data(struct pic_chip *c, uint8_t value)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = value & 0xf8;
		c->init_step = c->single ? (c->want_icw4 ? 4 : 0) : 3;
		break;
	case 3:
		/* Cascade wiring is fixed on a PC: the slave ID is not checked. */
		c->init_step = c->want_icw4 ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = value & ICW4_AEOI;
		c->special_fully_nested = value & ICW4_SFNM;
		c->init_step = 0;
		break;
	default:
		c->imr = value;
		break;
	}
}

/* A poll read is an INTA done by software: 0x80 | IRQ, or 0 for none. */
static uint8_t chip_poll(struct pic_chip *c)
{
	int irq = chip_pending_irq(c);

	c->poll = false;
	if (irq < 0)
		return 0;
	chip_intack(c, irq);
	return 0x80 | irq;
}

static uint8_t chip_read(struct pic *pic, int idx, uint16_t offset)
{
	struct pic_chip *c = &pic->chip[idx];
	uint8_t value;

	if (c->poll) {
		value = chip_poll(c);
		pic_update(pic);
		return value;
	}
	if (offset == 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static void chip_write(struct pic *pic, int idx, uint16_t offset, uint8_t value)
{
	if (offset == 0)
		chip_write_command(&pic->chip[idx], value);
	else
		chip_write_data(&pic->chip[idx], value);
	pic_update(pic);
}

static uint8_t master_read8(void *opaque, uint16_t offset)
{
	return chip_read(opaque, 0, offset);
}

static uint8_t slave_read8(void *opaque, uint16_t offset)
{
	return chip_read(opaque, 1, offset);
}

static void master_write8(void *opaque, uint16_t offset, uint8_t value)
{
	chip_write(opaque, 0, offset, value);
}

static void slave_write8(void *opaque, uint16_t offset, uint8_t value)
{
	chip_write(opaque, 1, offset, value);
}

static uint8_t elcr_read8(void *opaque, uint16_t offset)
{
	struct pic *pic = opaque;

	return pic->chip[offset & 1].elcr;
}

static void elcr_write8(void *opaque, uint16_t offset, uint8_t value)
{
	struct pic *pic = opaque;
	struct pic_chip *c = &pic->chip[offset & 1];

	c->elcr = value & c->elcr_mask;
	/* An input switched to level requests exactly while its pin is high. */
	c->irr = (c->irr & ~c->elcr) | (c->lines & c->elcr);
	pic_update(pic);
}

static uint32_t master_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct pic *pic = opaque;

	return io_read_bytewise(&pic->io_master, offset, size, master_read8);
}

static void master_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct pic *pic = opaque;

	io_write_bytewise(&pic->io_master, offset, size, value, master_write8);
}

static uint32_t slave_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct pic *pic = opaque;

	return io_read_bytewise(&pic->io_slave, offset, size, slave_read8);
}

static void slave_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct pic *pic = opaque;

	io_write_bytewise(&pic->io_slave, offset, size, value, slave_write8);
}

static uint32_t elcr_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct pic *pic = opaque;

	return io_read_bytewise(&pic->io_elcr, offset, size, elcr_read8);
}

static void elcr_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct pic *pic = opaque;

	io_write_bytewise(&pic->io_elcr, offset, size, value, elcr_write8);
}

void pic_init(struct pic *pic, void (*output_changed)(void *opaque, bool level),
	      void *opaque)
{
	memset(pic, 0, sizeof(*pic));
	pic->chip[0].is_master = true;
	/* PIIX: the timer, keyboard and cascade (IRQ0-2), RTC and FPU (8, 13) are edge only. */
	pic->chip[0].elcr_mask = 0xf8;
	pic->chip[1].elcr_mask = 0xde;
	pic->output_changed = output_changed;
	pic->opaque = opaque;
	pic->io_master = (struct io_device){
		.name = "pic-master", .base = PIC_MASTER_BASE, .len = 2,
		.opaque = pic, .read = master_read, .write = master_write,
	};
	pic->io_slave = (struct io_device){
		.name = "pic-slave", .base = PIC_SLAVE_BASE, .len = 2,
		.opaque = pic, .read = slave_read, .write = slave_write,
	};
	pic->io_elcr = (struct io_device){
		.name = "elcr", .base = PIC_ELCR_BASE, .len = 2,
		.opaque = pic, .read = elcr_read, .write = elcr_write,
	};
}

int pic_register(struct pic *pic, struct io_bus *bus)
{
	if (io_bus_register(bus, &pic->io_master) || io_bus_register(bus, &pic->io_slave) ||
	    io_bus_register(bus, &pic->io_elcr))
		return -1;
	return 0;
}
