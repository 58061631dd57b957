/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's pair of 8259A interrupt controllers: master at 0x20-0x21,
 * slave at 0xa0-0xa1 cascaded on the master's IRQ2, and the PIIX edge/
 * level control registers (ELCR) at 0x4d0-0x4d1.
 *
 * Devices drive inputs 0-15 with pic_set_irq(); the runner asks
 * pic_has_interrupt() when it may inject, and pic_ack() performs the
 * INTA cycle and returns the vector.  Every call needs the bus lock.
 */
#ifndef VMLAB_DEVICES_PIC_H
#define VMLAB_DEVICES_PIC_H

#include <stdbool.h>
#include <stdint.h>
#include "bus.h"

#define PIC_MASTER_BASE		0x20
#define PIC_SLAVE_BASE		0xa0
#define PIC_ELCR_BASE		0x4d0
#define PIC_CASCADE_IRQ		2

struct pic_chip {
	uint8_t irr;		/* requests latched (edge) or present (level) */
	uint8_t imr;
	uint8_t isr;
	uint8_t elcr;		/* 1 = level-triggered input */
	uint8_t elcr_mask;	/* inputs whose trigger mode can be changed */
	uint8_t lines;		/* input pin levels, to find rising edges */
	uint8_t vector_base;	/* ICW2 */
	uint8_t highest_irq;	/* 0 until rotation commands move it */
	uint8_t init_step;	/* 0 ready; else the ICW expected next (2, 3, 4) */
	bool want_icw4;
	bool single;		/* ICW1 SNGL: no ICW3 */
	bool auto_eoi;
	bool rotate_on_auto_eoi;
	bool special_fully_nested;
	bool special_mask;
	bool poll;		/* OCW3 poll: the next read is an INTA */
	bool read_isr;		/* OCW3 RR/RIS: port 0 reads ISR, else IRR */
	bool is_master;
};

struct pic {
	struct pic_chip chip[2];	/* [0] master, [1] slave */
	struct io_device io_master, io_slave, io_elcr;
	bool output;			/* the master's INT pin */
	/* Told when the INT pin changes, e.g. to kick a halted vCPU. */
	void (*output_changed)(void *opaque, bool level);
	void *opaque;
};

/* Power-on state; @output_changed may be NULL. */
void pic_init(struct pic *pic, void (*output_changed)(void *opaque, bool level),
	      void *opaque);
/* Registers the three port ranges: 0, or -1 if one is taken. */
int pic_register(struct pic *pic, struct io_bus *bus);

/*
 * Drives input @irq (0-15) to @level.  @pic is a struct pic *, so this is
 * usable directly as irq_line.set.  IRQ2 is the cascade: ignored here.
 */
void pic_set_irq(void *pic, unsigned int irq, int level);
/* A line for a device to raise and lower input @irq. */
struct irq_line pic_irq_line(struct pic *pic, unsigned int irq);

/* Whether INT is asserted: an unmasked request outranks what is in service. */
bool pic_has_interrupt(const struct pic *pic);
/*
 * The INTA cycle: moves the winning request to in-service and returns
 * its vector.  Returns the IRQ7 (or IRQ15) vector without touching the
 * ISR when the request went away since INT rose, as the 8259A does.
 */
int pic_ack(struct pic *pic);

#endif
