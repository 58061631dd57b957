/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8042 keyboard controller at 0x60 (data) and 0x64 (status/command),
 * as much as a Linux guest uses: the command byte, self-tests, interface
 * enable/disable, the output port, and the two ways to reset the machine
 * (output port bit 0 low, or pulse command 0xfe), which call @reset.
 *
 * Behind it sits a keyboard that acknowledges commands and never has a
 * key to report; no mouse (bytes for the AUX device are dropped, so Linux
 * probes are quickest with i8042.noaux).  Every call needs the bus lock.
 */
#ifndef VMLAB_DEVICES_I8042_H
#define VMLAB_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>
#include "bus.h"

#define I8042_DATA_PORT		0x60
#define I8042_CMD_PORT		0x64
#define I8042_KBD_IRQ		1
#define I8042_AUX_IRQ		12
#define I8042_QUEUE_SIZE	8

struct i8042 {
	struct io_device io_data, io_cmd;
	struct irq_line kbd_irq, aux_irq;
	void (*reset)(void *opaque);
	void *opaque;
	uint8_t ram[32];	/* controller RAM; byte 0 is the command byte */
	uint8_t outport;
	bool last_write_was_command;	/* status bit 3 */
	uint8_t pending_command;	/* awaiting its data byte at 0x60, or 0 */
	uint8_t kbd_pending_command;	/* the keyboard awaits an argument, or 0 */
	struct {
		uint8_t byte;
		bool aux;
	} queue[I8042_QUEUE_SIZE];	/* output buffer, then what waits behind it */
	unsigned int head, count;
	uint8_t last_read;
	bool kbd_level, aux_level;
};

/*
 * The state a BIOS leaves: command byte 0x45 (translation, system flag,
 * keyboard interrupt), A20 on.  @reset may be NULL.
 */
void i8042_init(struct i8042 *kbc, struct irq_line kbd_irq, struct irq_line aux_irq,
		void (*reset)(void *opaque), void *opaque);
int i8042_register(struct i8042 *kbc, struct io_bus *bus);

#endif
