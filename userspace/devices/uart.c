// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A after the TI/National datasheet, with the THRE interrupt rules
 * real chips (and Linux's 8250 driver) depend on: THRE is pending after
 * each transmission and when IER.ETBEI goes from 0 to 1 with THR empty;
 * reading IIR while THRE is the reported source, or writing THR, clears it.
 */
#include <string.h>
#include "uart.h"

enum uart_reg {
	REG_RBR_THR = 0,	/* DLL with LCR.DLAB */
	REG_IER = 1,		/* DLM with LCR.DLAB */
	REG_IIR_FCR = 2,
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08
#define IER_MASK	0x0f

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_CTI		0x0c
#define IIR_FIFO_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_KEPT	0xc9	/* enable, DMA mode, trigger level */

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_ERRORS	0x1e	/* OE, PE, FE, BI */
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

static bool fifo_enabled(const struct uart *u)
{
	return u->fcr & FCR_ENABLE;
}

static unsigned int rx_capacity(const struct uart *u)
{
	return fifo_enabled(u) ? UART_FIFO_SIZE : 1;
}

static unsigned int rx_trigger_level(const struct uart *u)
{
	static const unsigned int levels[4] = { 1, 4, 8, 14 };

	return levels[u->fcr >> 6];
}

/* The interrupt the IIR reports: the highest-priority enabled source. */
static uint8_t pending_source(const struct uart *u)
{
	if ((u->ier & IER_RLSI) && (u->lsr_errors & LSR_ERRORS))
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count) {
		/*
		 * Below the trigger level a real FIFO waits four character times
		 * before the timeout interrupt; input arrives here in bursts with
		 * no character clock, so that wait is taken as already over.
		 */
		if (fifo_enabled(u) && u->rx_count < rx_trigger_level(u))
			return IIR_CTI;
		return IIR_RDI;
	}
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && u->msr_deltas)
		return IIR_MSI;
	return IIR_NO_INT;
}

static void update_irq(struct uart *u)
{
	bool level = pending_source(u) != IIR_NO_INT &&
		     (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;

	if (level != u->irq_level) {
		u->irq_level = level;
		irq_set(&u->irq, level);
	}
}

static void rx_clear(struct uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* Returns false when the byte did not fit: that is an overrun. */
static bool rx_push(struct uart *u, uint8_t byte)
{
	if (u->rx_count >= rx_capacity(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
	u->rx_count++;
	return true;
}

/*
 * A character completing while the receiver is full: the FIFO keeps its
 * contents and loses the new one; the 16450-style holding register is
 * overwritten instead.  Both flag OE.
 */
static void rx_overrun(struct uart *u, uint8_t byte)
{
	u->lsr_errors |= LSR_OE;
	if (!fifo_enabled(u))
		u->rx[u->rx_head] = byte;
}

static uint8_t rx_pop(struct uart *u)
{
	if (u->rx_count) {
		u->rbr = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
		u->rx_count--;
	}
	return u->rbr;
}

/* What the modem inputs read: MCR outputs in loopback, a ready terminal otherwise. */
static uint8_t modem_inputs(const struct uart *u)
{
	uint8_t v = 0;

	if (!(u->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	if (u->mcr & MCR_RTS)
		v |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		v |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		v |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		v |= MSR_DCD;
	return v;
}

static void note_modem_changes(struct uart *u, uint8_t before, uint8_t after)
{
	uint8_t changed = before ^ after;

	if (changed & MSR_CTS)
		u->msr_deltas |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_deltas |= MSR_DDSR;
	if (changed & MSR_DCD)
		u->msr_deltas |= MSR_DDCD;
	if ((before & MSR_RI) && !(after & MSR_RI))
		u->msr_deltas |= MSR_TERI;	/* trailing edge only */
}

static uint8_t lsr_value(const struct uart *u)
{
	return (u->rx_count ? LSR_DR : 0) | u->lsr_errors | LSR_THRE | LSR_TEMT;
}

static void transmit(struct uart *u, uint8_t byte)
{
	/* THR empties: the interrupt drops now and rises when the byte is out. */
	u->thr_ipending = false;
	update_irq(u);
	if (u->mcr & MCR_LOOP) {
		if (!rx_push(u, byte))
			rx_overrun(u, byte);
	} else if (u->ops.tx) {
		u->ops.tx(u->opaque, byte);
	}
	u->thr_ipending = true;
}

/* After input was refused: room again (a read, a FIFO reset, loopback off). */
static void notify_rx_room(struct uart *u)
{
	if (!u->rx_refused || (u->mcr & MCR_LOOP) || u->rx_count >= rx_capacity(u))
		return;
	u->rx_refused = false;
	if (u->ops.rx_ready)
		u->ops.rx_ready(u->opaque);
}

static uint8_t read_iir(struct uart *u)
{
	uint8_t source = pending_source(u);

	if (source == IIR_THRI)
		u->thr_ipending = false;
	return source | (fifo_enabled(u) ? IIR_FIFO_ON : 0);
}

static uint8_t uart_read8(void *opaque, uint16_t offset)
{
	struct uart *u = opaque;
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v = 0xff;

	switch ((enum uart_reg)offset) {
	case REG_RBR_THR:
		v = dlab ? u->divisor & 0xff : rx_pop(u);
		break;
	case REG_IER:
		v = dlab ? u->divisor >> 8 : u->ier;
		break;
	case REG_IIR_FCR:
		v = read_iir(u);
		break;
	case REG_LCR:
		v = u->lcr;
		break;
	case REG_MCR:
		v = u->mcr;
		break;
	case REG_LSR:
		v = lsr_value(u);
		u->lsr_errors = 0;
		break;
	case REG_MSR:
		v = modem_inputs(u) | u->msr_deltas;
		u->msr_deltas = 0;
		break;
	case REG_SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	notify_rx_room(u);
	return v;
}

static void write_ier(struct uart *u, uint8_t v)
{
	uint8_t changed = (u->ier ^ v) & IER_MASK;

	u->ier = v & IER_MASK;
	/* Enabling THRI with THR empty (always, here) raises the interrupt again. */
	if (changed & IER_THRI)
		u->thr_ipending = u->ier & IER_THRI;
}

static void write_fcr(struct uart *u, uint8_t v)
{
	/* Turning the FIFOs on or off empties them. */
	if ((v ^ u->fcr) & FCR_ENABLE)
		rx_clear(u);
	if (v & FCR_CLEAR_RX)
		rx_clear(u);
	u->fcr = (v & FCR_ENABLE) ? v & FCR_KEPT : 0;
}

static void write_mcr(struct uart *u, uint8_t v)
{
	uint8_t before = modem_inputs(u);

	u->mcr = v & MCR_MASK;
	note_modem_changes(u, before, modem_inputs(u));
}

static void uart_write8(void *opaque, uint16_t offset, uint8_t v)
{
	struct uart *u = opaque;
	bool dlab = u->lcr & LCR_DLAB;

	switch ((enum uart_reg)offset) {
	case REG_RBR_THR:
		if (dlab)
			u->divisor = (u->divisor & 0xff00) | v;
		else
			transmit(u, v);
		break;
	case REG_IER:
		if (dlab)
			u->divisor = (u->divisor & 0x00ff) | v << 8;
		else
			write_ier(u, v);
		break;
	case REG_IIR_FCR:
		write_fcr(u, v);
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		write_mcr(u, v);
		break;
	case REG_SCR:
		u->scr = v;
		break;
	case REG_LSR:
	case REG_MSR:
		break;	/* factory test registers: writes ignored */
	}
	update_irq(u);
	notify_rx_room(u);
}

static uint32_t uart_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct uart *u = opaque;

	return io_read_bytewise(&u->io, offset, size, uart_read8);
}

static void uart_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct uart *u = opaque;

	io_write_bytewise(&u->io, offset, size, value, uart_write8);
}

size_t uart_receive(struct uart *u, const uint8_t *buf, size_t n)
{
	size_t taken = 0;

	if (!(u->mcr & MCR_LOOP))
		while (taken < n && rx_push(u, buf[taken]))
			taken++;
	if (taken < n)
		u->rx_refused = true;
	update_irq(u);
	return taken;
}

void uart_init(struct uart *uart, uint16_t base, struct irq_line irq,
	       const struct uart_ops *ops, void *opaque)
{
	memset(uart, 0, sizeof(*uart));
	uart->irq = irq;
	if (ops)
		uart->ops = *ops;
	uart->opaque = opaque;
	uart->divisor = 12;	/* 9600 baud, what a BIOS leaves */
	uart->io = (struct io_device){
		.name = "uart", .base = base, .len = 8,
		.opaque = uart, .read = uart_read, .write = uart_write,
	};
}

int uart_register(struct uart *uart, struct io_bus *bus)
{
	return io_bus_register(bus, &uart->io);
}
