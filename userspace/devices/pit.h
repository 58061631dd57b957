/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 8254 programmable interval timer (ports 0x40-0x43) and the timer bits of
 * the PC's port 0x61: channel 2's gate (bit 0) and output (bit 5), and the
 * refresh toggle (bit 4) old delay loops poll.
 *
 * Time comes from outside: @clock for guest port accesses, @now_ns for
 * pit_update().  Both are nanoseconds on the same monotonic clock.  A
 * channel's state is a function of the clock, so nothing needs ticking:
 * the runner calls pit_update() at pit_next_event_ns() to raise IRQ0.
 * Every call needs the bus lock.
 */
#ifndef VMLAB_DEVICES_PIT_H
#define VMLAB_DEVICES_PIT_H

#include <stdbool.h>
#include <stdint.h>
#include "bus.h"

#define PIT_BASE		0x40
#define PIT_PORT61		0x61
#define PIT_FREQ_HZ		1193182u
#define PIT_IRQ			0

struct pit_channel {
	/* Programmed by the control word. */
	uint8_t mode;		/* 0-5 (6 and 7 alias 2 and 3) */
	uint8_t mode_bits;	/* as written, for the status byte */
	uint8_t access;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	/* The count register: what the guest wrote. */
	bool count_written;	/* a complete count since the control word */
	bool msb_write_next;	/* access 3: the LSB is in, the MSB comes next */
	uint8_t lsb_written;
	uint32_t count;		/* 1-65536 (1-10000 in BCD) */
	/* The counting element: running from tick @load with @reload. */
	bool armed;
	uint64_t load;
	uint32_t reload;
	bool paused;		/* modes 0 and 4 with the gate low */
	uint64_t paused_elapsed;
	bool pending;		/* modes 2 and 3: a new count waits for the period end */
	uint64_t pending_load;
	uint32_t pending_reload;
	uint64_t rises_before;	/* OUT's rising edges before this run */
	/* Read side. */
	bool msb_read_next;
	bool count_latched, latch_msb_next;
	uint16_t latched_count;
	bool status_latched;
	uint8_t latched_status;
};

struct pit {
	struct io_device io, io_port61;
	struct pit_channel ch[3];
	struct irq_line irq0;
	uint64_t (*clock)(void *opaque);
	void *clock_opaque;
	uint64_t last_ns;	/* time never goes backwards for the PIT */
	uint8_t port61;		/* bits 0-3 as written */
	bool irq0_level;	/* what the line was last set to */
	uint64_t irq0_rises;	/* OUT0 rising edges already delivered */
};

/*
 * No channel counts until programmed (no BIOS ran): each waits in mode 3
 * with OUT high (IRQ0 is not driven until then); channel 2's gate is low.
 */
void pit_init(struct pit *pit, struct irq_line irq0,
	      uint64_t (*clock)(void *opaque), void *clock_opaque);
/* Registers 0x40-0x43 and 0x61: 0, or -1 if taken. */
int pit_register(struct pit *pit, struct io_bus *bus);

/* Delivers channel 0's output edges up to @now_ns to IRQ0. */
void pit_update(struct pit *pit, uint64_t now_ns);
/*
 * When IRQ0 next rises (call pit_update() then), or UINT64_MAX when it
 * will not without the guest reprogramming the PIT.  Call pit_update()
 * first: an edge already due is delivered by that, not reported here.
 */
uint64_t pit_next_event_ns(struct pit *pit, uint64_t now_ns);

#endif
