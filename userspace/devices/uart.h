/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550A UART, normally COM1 (0x3f8-0x3ff, IRQ4).
 *
 * Transmission is instant: a byte written to THR reaches @tx (or, in
 * loopback, the receiver) before the write returns, so THR and the
 * transmitter are always empty when the guest looks.  Input enters with
 * uart_receive(), which takes what fits and never overruns; the runner
 * holds the rest until @rx_ready says the guest made room.
 *
 * The interrupt line is a level: asserted while an enabled source is
 * pending and MCR.OUT2 is set (PC boards gate the UART's INTR with OUT2;
 * Linux sets it, QEMU does not require it).  Every call needs the bus lock.
 */
#ifndef VMLAB_DEVICES_UART_H
#define VMLAB_DEVICES_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bus.h"

#define UART_COM1_BASE		0x3f8
#define UART_COM1_IRQ		4
#define UART_FIFO_SIZE		16

struct uart_ops {
	void (*tx)(void *opaque, uint8_t byte);
	/* Optional: a uart_receive() came up short and there is room now. */
	void (*rx_ready)(void *opaque);
};

struct uart {
	struct io_device io;
	struct irq_line irq;
	struct uart_ops ops;
	void *opaque;
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	uint8_t rbr;		/* the last byte read, returned again when empty */
	uint8_t ier, lcr, mcr, scr, fcr;
	uint8_t lsr_errors;	/* OE (and BI/PE/FE, never produced): cleared by reading LSR */
	uint8_t msr_deltas;	/* DCTS, TERI, DDSR, DDCD: cleared by reading MSR */
	uint16_t divisor;
	bool thr_ipending;	/* the THRE interrupt, cleared by IIR reads and THR writes */
	bool rx_refused;	/* uart_receive() came up short: tell rx_ready */
	bool irq_level;
};

/* Reset state at @base; @ops->tx may be NULL (output dropped). */
void uart_init(struct uart *uart, uint16_t base, struct irq_line irq,
	       const struct uart_ops *ops, void *opaque);
int uart_register(struct uart *uart, struct io_bus *bus);

/*
 * Queues up to @n bytes of input; returns how many fitted (the FIFO holds
 * 16 bytes when enabled, 1 otherwise; none while in loopback, where the
 * serial input is disconnected).
 */
size_t uart_receive(struct uart *uart, const uint8_t *buf, size_t n);

#endif
