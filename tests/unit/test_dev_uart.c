// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the 16550A, with the probes Linux's 8250 driver runs at
 * autoconfig and startup.
 */
#include <string.h>
#include "check.h"
#include "devices/bus.h"
#include "devices/uart.h"

#define COM1	UART_COM1_BASE
#define RBR	(COM1 + 0)
#define THR	(COM1 + 0)
#define IER	(COM1 + 1)
#define IIR	(COM1 + 2)
#define FCR	(COM1 + 2)
#define LCR	(COM1 + 3)
#define MCR	(COM1 + 4)
#define LSR	(COM1 + 5)
#define MSR	(COM1 + 6)
#define SCR	(COM1 + 7)

struct fixture {
	struct io_bus bus;
	struct uart uart;
	uint8_t sent[64];
	size_t nsent;
	int level, raises, rx_ready_calls;
};

static void tx(void *opaque, uint8_t byte)
{
	struct fixture *f = opaque;

	if (f->nsent < sizeof(f->sent))
		f->sent[f->nsent++] = byte;
}

static void rx_ready(void *opaque)
{
	struct fixture *f = opaque;

	f->rx_ready_calls++;
}

static void record_irq(void *opaque, unsigned int irq, int level)
{
	struct fixture *f = opaque;

	CHECK_EQ(irq, UART_COM1_IRQ);
	CHECK(level != f->level, "the line is only set when it changes");
	if (level)
		f->raises++;
	f->level = level;
}

static void setup(struct fixture *f)
{
	static const struct uart_ops ops = { .tx = tx, .rx_ready = rx_ready };
	struct irq_line line = { .set = record_irq, .opaque = f, .irq = UART_COM1_IRQ };

	memset(f, 0, sizeof(*f));
	io_bus_init(&f->bus, false);
	uart_init(&f->uart, COM1, line, &ops, f);
	CHECK_EQ(uart_register(&f->uart, &f->bus), 0);
}

static void teardown(struct fixture *f)
{
	io_bus_destroy(&f->bus);
}

static void outb(struct fixture *f, uint16_t port, uint8_t v)
{
	io_bus_write(&f->bus, port, 1, v);
}

static uint8_t inb(struct fixture *f, uint16_t port)
{
	return io_bus_read(&f->bus, port, 1);
}

/* serial8250 autoconfig() and autoconfig_16550a(), step by step. */
static void linux_autoconfig_finds_a_16550a(void)
{
	struct fixture f;
	uint8_t scratch, save_mcr, status1, status2;

	setup(&f);
	scratch = inb(&f, IER);
	outb(&f, IER, 0);
	CHECK_EQ(inb(&f, IER) & 0x0f, 0);
	outb(&f, IER, 0x0f);
	CHECK_EQ(inb(&f, IER) & 0x0f, 0x0f);
	outb(&f, IER, scratch);
	/* loopback: RTS -> CTS, OUT2 -> DCD */
	save_mcr = inb(&f, MCR);
	outb(&f, MCR, 0x10 | 0x0a);
	CHECK_EQ(inb(&f, MSR) & 0xf0, 0x90);
	outb(&f, MCR, save_mcr);
	/* EFR probe, then the IIR FIFO bits tell the type */
	outb(&f, LCR, 0xbf);
	outb(&f, FCR, 0);
	outb(&f, LCR, 0);
	outb(&f, FCR, 0x01);
	CHECK_EQ(inb(&f, IIR) >> 6, 3);
	/* no EFR under either LCR key: reads as IIR, non-zero */
	outb(&f, LCR, 0x80);
	CHECK(inb(&f, IIR) != 0);
	outb(&f, LCR, 0xbf);
	CHECK(inb(&f, IIR) != 0);
	/* not a National SuperIO: the "EXCR1" read does not follow MCR.LOOP */
	outb(&f, LCR, 0);
	status1 = inb(&f, MCR);
	outb(&f, LCR, 0xe0);
	status2 = inb(&f, 0x3fa);
	CHECK_EQ((status1 ^ status2) & 0x10, 0);
	/* not a 16750: IIR bit 5 stays clear with and without DLAB */
	outb(&f, LCR, 0);
	outb(&f, FCR, 0x21);
	CHECK_EQ(inb(&f, IIR) & 0xe0, 0xc0);
	outb(&f, FCR, 0);
	outb(&f, LCR, 0x80);
	outb(&f, FCR, 0x21);
	CHECK_EQ(inb(&f, IIR) & 0xe0, 0xc0);
	outb(&f, FCR, 0);
	outb(&f, LCR, 0);
	/* not an XScale: IER bit 6 (UUE) does not stick */
	outb(&f, IER, 0x40);
	CHECK_EQ(inb(&f, IER) & 0x40, 0);
	outb(&f, IER, 0);
	CHECK(inb(&f, LSR) != 0xff);
	CHECK_EQ(f.nsent, 0);
	teardown(&f);
}

/* serial8250_do_startup(): the THRE re-assert test and the TXEN test. */
static void thre_interrupt_dance(void)
{
	struct fixture f;
	uint8_t iir1, iir, lsr;

	setup(&f);
	outb(&f, LCR, 0x03);
	outb(&f, MCR, 0x0b);		/* DTR, RTS, OUT2 */
	CHECK_EQ(inb(&f, IIR), 0x01);
	outb(&f, IER, 0x02);
	CHECK_EQ(f.level, 1);
	iir1 = inb(&f, IIR);
	CHECK_EQ(f.level, 0);		/* reading IIR took the THRE interrupt */
	CHECK_EQ(inb(&f, IIR), 0x01);
	outb(&f, IER, 0);
	outb(&f, IER, 0x02);
	iir = inb(&f, IIR);
	outb(&f, IER, 0);
	CHECK_EQ(iir1, 0x02);
	CHECK_EQ(iir, 0x02);		/* re-asserted: no UART_BUG_THRE */
	outb(&f, IER, 0x02);
	lsr = inb(&f, LSR);
	iir = inb(&f, IIR);
	outb(&f, IER, 0);
	CHECK_EQ(lsr & 0x60, 0x60);	/* THRE and TEMT */
	CHECK(!(iir & 0x01), "no UART_BUG_TXEN");
	teardown(&f);
}

static void transmit_raises_thre_after_each_byte(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, MCR, 0x08);
	outb(&f, IER, 0x02);
	CHECK_EQ(f.raises, 1);
	outb(&f, THR, 'h');		/* clears THRE, sends, THRE again: an edge */
	CHECK_EQ(f.raises, 2);
	CHECK_EQ(f.level, 1);
	outb(&f, THR, 'i');
	CHECK_EQ(f.raises, 3);
	CHECK_EQ(inb(&f, IIR), 0x02);
	CHECK_EQ(f.level, 0);
	CHECK_EQ(f.nsent, 2);
	CHECK(!memcmp(f.sent, "hi", 2));
	/* with THRI off nothing is pending, and enabling it re-arms it */
	outb(&f, IER, 0);
	outb(&f, THR, '!');
	CHECK_EQ(f.level, 0);
	CHECK_EQ(inb(&f, LSR) & 0x60, 0x60);
	teardown(&f);
}

static void out2_gates_the_interrupt(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, IER, 0x02);
	CHECK_EQ(f.level, 0);		/* pending, but OUT2 clear: the board holds INTR off */
	CHECK_EQ(inb(&f, IIR), 0x02);
	outb(&f, IER, 0);
	outb(&f, IER, 0x02);
	outb(&f, MCR, 0x08);
	CHECK_EQ(f.level, 1);
	outb(&f, MCR, 0x18);		/* loopback disconnects it too */
	CHECK_EQ(f.level, 0);
	teardown(&f);
}

static void loopback_returns_what_is_sent(void)
{
	struct fixture f;
	uint8_t in[1] = { 'x' };

	setup(&f);
	outb(&f, MCR, 0x10);
	CHECK_EQ(inb(&f, MSR), 0x00 | 0x08 | 0x02 | 0x01);	/* DCD, DSR, CTS fell */
	CHECK_EQ(inb(&f, MSR), 0x00);				/* deltas cleared */
	outb(&f, THR, 0x55);
	CHECK_EQ(f.nsent, 0);
	CHECK_EQ(inb(&f, LSR) & 0x01, 0x01);
	CHECK_EQ(inb(&f, RBR), 0x55);
	CHECK_EQ(inb(&f, LSR) & 0x01, 0);
	CHECK_EQ(uart_receive(&f.uart, in, 1), 0);	/* the serial input is cut */
	outb(&f, MCR, 0x10 | 0x01 | 0x02 | 0x04);	/* DTR RTS OUT1 */
	CHECK_EQ(inb(&f, MSR), 0x70 | 0x03);		/* DSR CTS RI, DDSR DCTS */
	outb(&f, MCR, 0x10 | 0x01 | 0x02);
	CHECK_EQ(inb(&f, MSR), 0x30 | 0x04);		/* TERI: RI's trailing edge */
	outb(&f, MCR, 0x00);
	CHECK_EQ(f.rx_ready_calls, 1);			/* input connected again */
	CHECK_EQ(inb(&f, MSR) & 0xf0, 0xb0);
	teardown(&f);
}

static void modem_status_interrupt(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, MCR, 0x08);
	outb(&f, IER, 0x08);
	CHECK_EQ(f.level, 0);
	outb(&f, MCR, 0x18);		/* loopback: DCD etc. change... */
	CHECK_EQ(inb(&f, IIR), 0x00);	/* ...a modem status interrupt */
	inb(&f, MSR);
	CHECK_EQ(inb(&f, IIR), 0x01);
	teardown(&f);
}

static void rx_fifo_fill_trigger_and_timeout(void)
{
	struct fixture f;
	uint8_t in[20];

	setup(&f);
	for (unsigned int i = 0; i < sizeof(in); i++)
		in[i] = 'a' + i;
	outb(&f, MCR, 0x08);
	outb(&f, FCR, 0xc7);		/* enable, clear both, trigger at 14 */
	outb(&f, IER, 0x01);
	CHECK_EQ(uart_receive(&f.uart, in, sizeof(in)), 16);
	CHECK_EQ(f.level, 1);
	CHECK_EQ(inb(&f, IIR), 0xc4);	/* 16 >= 14: data available */
	CHECK_EQ(inb(&f, LSR) & 0x03, 0x01);	/* DR, no overrun: input waited */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(inb(&f, RBR), 'a' + i);
	CHECK_EQ(f.rx_ready_calls, 1);	/* room again, said once */
	CHECK_EQ(inb(&f, IIR), 0xcc);	/* below the trigger: character timeout */
	CHECK_EQ(uart_receive(&f.uart, in + 16, 4), 3);
	for (int i = 3; i < 19; i++)
		CHECK_EQ(inb(&f, RBR), 'a' + i);
	CHECK_EQ(inb(&f, IIR), 0xc1);
	CHECK_EQ(f.level, 0);
	CHECK_EQ(inb(&f, LSR) & 0x01, 0);
	teardown(&f);
}

static void overrun_sets_oe_and_line_status_interrupt(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, FCR, 0x01);
	outb(&f, MCR, 0x18);
	for (int i = 0; i < 17; i++)
		outb(&f, THR, i);	/* the 17th finds the FIFO full */
	outb(&f, IER, 0x05);
	CHECK_EQ(inb(&f, IIR), 0xc6);	/* line status outranks data */
	CHECK_EQ(inb(&f, LSR) & 0x03, 0x03);
	CHECK_EQ(inb(&f, LSR) & 0x03, 0x01);	/* OE cleared by the read */
	CHECK_EQ(inb(&f, IIR), 0xc4);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(inb(&f, RBR), i);	/* the FIFO kept the first 16 */
	teardown(&f);

	/* Without FIFO: one holding register, overwritten on overrun. */
	setup(&f);
	outb(&f, MCR, 0x10);
	outb(&f, THR, 1);
	outb(&f, THR, 2);
	CHECK_EQ(inb(&f, LSR) & 0x03, 0x03);
	CHECK_EQ(inb(&f, RBR), 2);
	CHECK_EQ(inb(&f, RBR), 2);	/* empty: the last byte again */
	teardown(&f);
}

static void non_fifo_mode_holds_one_byte(void)
{
	struct fixture f;
	const uint8_t in[2] = { 'a', 'b' };

	setup(&f);
	CHECK_EQ(inb(&f, IIR) & 0xc0, 0);
	CHECK_EQ(uart_receive(&f.uart, in, 2), 1);
	outb(&f, FCR, 0x01);		/* enabling the FIFO empties it */
	CHECK_EQ(inb(&f, LSR) & 0x01, 0);
	CHECK_EQ(f.rx_ready_calls, 1);
	CHECK_EQ(uart_receive(&f.uart, in, 2), 2);
	outb(&f, FCR, 0x03);		/* RX clear */
	CHECK_EQ(inb(&f, LSR) & 0x01, 0);
	teardown(&f);
}

static void divisor_latch_and_scratch(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, IER, 0x05);
	outb(&f, LCR, 0x83);
	outb(&f, COM1 + 0, 0x01);	/* 115200 baud */
	outb(&f, COM1 + 1, 0x00);
	CHECK_EQ(inb(&f, COM1 + 0), 0x01);
	CHECK_EQ(inb(&f, COM1 + 1), 0x00);
	CHECK_EQ(io_bus_read(&f.bus, COM1, 2), 0x0001);	/* a word read splits */
	outb(&f, LCR, 0x03);
	CHECK_EQ(inb(&f, IER), 0x05);
	CHECK_EQ(inb(&f, LCR), 0x03);
	CHECK_EQ(f.nsent, 0);		/* DLL writes are not output */
	outb(&f, SCR, 0x5a);
	CHECK_EQ(inb(&f, SCR), 0x5a);
	io_bus_write(&f.bus, THR, 2, 'o' | 'k' << 8);	/* THR, then IER */
	CHECK_EQ(f.nsent, 1);
	CHECK_EQ(inb(&f, IER), 'k' & 0x0f);
	teardown(&f);
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static void fuzz_ports_and_input(void)
{
	static const unsigned int sizes[] = { 1, 1, 2, 4, 0 };
	uint64_t seed = 0xdeadbeefcafef00dull;
	uint8_t buf[40];
	struct fixture f;

	setup(&f);
	for (int i = 0; i < 200000; i++) {
		uint32_t r = rnd(&seed);
		uint16_t port = COM1 - 1 + r % 10;
		unsigned int size = sizes[(r >> 4) % 5];
		size_t n = (r >> 8) % sizeof(buf);

		switch ((r >> 14) % 4) {
		case 0:
			io_bus_write(&f.bus, port, size, rnd(&seed));
			break;
		case 1:
			io_bus_read(&f.bus, port, size);
			break;
		case 2:
			memset(buf, (int)r, n);
			CHECK(uart_receive(&f.uart, buf, n) <= n);
			break;
		default:
			CHECK(f.uart.rx_count <= UART_FIFO_SIZE);
			break;
		}
		f.nsent = 0;
	}
	teardown(&f);
}

int main(void)
{
	check_prog = "dev_uart";
	RUN(linux_autoconfig_finds_a_16550a);
	RUN(thre_interrupt_dance);
	RUN(transmit_raises_thre_after_each_byte);
	RUN(out2_gates_the_interrupt);
	RUN(loopback_returns_what_is_sent);
	RUN(modem_status_interrupt);
	RUN(rx_fifo_fill_trigger_and_timeout);
	RUN(overrun_sets_oe_and_line_status_interrupt);
	RUN(non_fifo_mode_holds_one_byte);
	RUN(divisor_latch_and_scratch);
	RUN(fuzz_ports_and_input);
	return check_done();
}
