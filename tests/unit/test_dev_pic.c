// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the 8259A pair, driven through the I/O bus with the
 * sequences Linux's arch/x86/kernel/i8259.c writes.
 */
#include <stdlib.h>
#include "check.h"
#include "devices/bus.h"
#include "devices/pic.h"

/* Linux's ISA_IRQ_VECTOR(0) since 2.6.x on x86-64; 0x20 in older kernels. */
#define LINUX_VECTOR_BASE	0x30

struct fixture {
	struct io_bus bus;
	struct pic pic;
	int output_changes;
	bool output;
};

static void on_output(void *opaque, bool level)
{
	struct fixture *f = opaque;

	f->output_changes++;
	f->output = level;
}

static void setup(struct fixture *f)
{
	io_bus_init(&f->bus, false);
	f->output_changes = 0;
	f->output = false;
	pic_init(&f->pic, on_output, f);
	CHECK_EQ(pic_register(&f->pic, &f->bus), 0);
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

static void irq(struct fixture *f, unsigned int n, int level)
{
	struct irq_line line = pic_irq_line(&f->pic, n);

	irq_set(&line, level);
}

/* init_8259A(0): ICW1-4 on both chips, as Linux writes them. */
static void linux_init(struct fixture *f, uint8_t base)
{
	outb(f, 0x21, 0xff);		/* mask all of 8259A-1 */
	outb(f, 0x20, 0x11);		/* ICW1: edge, cascade, ICW4 */
	outb(f, 0x21, base);		/* ICW2 */
	outb(f, 0x21, 1u << 2);		/* ICW3: slave on IR2 */
	outb(f, 0x21, 0x01);		/* ICW4: 8086, normal EOI */
	outb(f, 0xa0, 0x11);
	outb(f, 0xa1, base + 8);
	outb(f, 0xa1, 2);		/* ICW3: slave ID 2 */
	outb(f, 0xa1, 0x01);
	outb(f, 0x21, 0xfb);		/* everything masked but the cascade */
	outb(f, 0xa1, 0xff);
}

static uint8_t read_isr(struct fixture *f, uint16_t cmd_port)
{
	uint8_t v;

	outb(f, cmd_port, 0x0b);	/* OCW3: read ISR */
	v = inb(f, cmd_port);
	outb(f, cmd_port, 0x0a);	/* back to IRR */
	return v;
}

static void probe_reads_back_the_mask(void)
{
	struct fixture f;

	setup(&f);
	/* probe_8259A(): the mask written is the mask read. */
	outb(&f, 0xa1, 0xff);
	outb(&f, 0x21, 0xfb);
	CHECK_EQ(inb(&f, 0x21), 0xfb);
	CHECK_EQ(inb(&f, 0xa1), 0xff);
	teardown(&f);
}

static void linux_init_sets_vector_bases(void)
{
	static const uint8_t bases[] = { LINUX_VECTOR_BASE, 0x20, 0x08 };

	for (unsigned int i = 0; i < sizeof(bases); i++) {
		struct fixture f;

		setup(&f);
		linux_init(&f, bases[i]);
		CHECK(!pic_has_interrupt(&f.pic));
		outb(&f, 0x21, 0xfa);	/* unmask IRQ0 */
		irq(&f, 0, 1);
		CHECK(pic_has_interrupt(&f.pic));
		CHECK(f.output && f.output_changes == 1, "changes %d", f.output_changes);
		CHECK_EQ(pic_ack(&f.pic), bases[i]);
		CHECK(!pic_has_interrupt(&f.pic));
		CHECK(!f.output);
		CHECK_EQ(read_isr(&f, 0x20), 0x01);
		CHECK_EQ(inb(&f, 0x20) & 1, 0);	/* IRR: the edge was taken */
		outb(&f, 0x20, 0x60);		/* specific EOI, IRQ0 */
		CHECK_EQ(read_isr(&f, 0x20), 0);
		irq(&f, 0, 0);
		teardown(&f);
	}
}

static void slave_irq_goes_through_the_cascade(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, LINUX_VECTOR_BASE);
	outb(&f, 0xa1, 0xef);	/* unmask IRQ12 */
	irq(&f, 12, 1);
	CHECK(pic_has_interrupt(&f.pic));
	CHECK_EQ(pic_ack(&f.pic), LINUX_VECTOR_BASE + 12);
	CHECK_EQ(read_isr(&f, 0x20), 1u << 2);
	CHECK_EQ(read_isr(&f, 0xa0), 1u << 4);
	/* mask_and_ack_8259A() for IRQ >= 8 */
	inb(&f, 0xa1);
	outb(&f, 0xa1, 0xef);
	outb(&f, 0xa0, 0x60 + 4);
	outb(&f, 0x20, 0x60 + 2);
	CHECK_EQ(read_isr(&f, 0x20), 0);
	CHECK_EQ(read_isr(&f, 0xa0), 0);
	CHECK(!pic_has_interrupt(&f.pic));
	teardown(&f);
}

static void second_slave_irq_during_ack_is_not_lost(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, LINUX_VECTOR_BASE);
	outb(&f, 0xa1, 0x00);
	irq(&f, 14, 1);
	CHECK_EQ(pic_ack(&f.pic), LINUX_VECTOR_BASE + 14);
	irq(&f, 9, 1);		/* outranks 14, but IRQ2 is in service on the master */
	CHECK(!pic_has_interrupt(&f.pic));
	outb(&f, 0xa0, 0x20);	/* non-specific EOI: slave, then master */
	outb(&f, 0x20, 0x20);
	CHECK(pic_has_interrupt(&f.pic));
	CHECK_EQ(pic_ack(&f.pic), LINUX_VECTOR_BASE + 9);
	teardown(&f);

	/* Auto-EOI on both: the slave's INT must fall and rise again at INTA. */
	setup(&f);
	outb(&f, 0x20, 0x11);
	outb(&f, 0x21, 0x20);
	outb(&f, 0x21, 0x04);
	outb(&f, 0x21, 0x03);
	outb(&f, 0xa0, 0x11);
	outb(&f, 0xa1, 0x28);
	outb(&f, 0xa1, 0x02);
	outb(&f, 0xa1, 0x03);
	irq(&f, 9, 1);
	irq(&f, 14, 1);
	CHECK_EQ(pic_ack(&f.pic), 0x29);
	CHECK(pic_has_interrupt(&f.pic));
	CHECK_EQ(pic_ack(&f.pic), 0x2e);
	CHECK(!pic_has_interrupt(&f.pic));
	teardown(&f);
}

static void priority_and_nesting(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, 0x20);
	outb(&f, 0x21, 0x00);
	irq(&f, 3, 1);
	irq(&f, 1, 1);
	CHECK_EQ(pic_ack(&f.pic), 0x21);	/* IRQ1 outranks IRQ3 */
	CHECK(!pic_has_interrupt(&f.pic));	/* IRQ3 waits for IRQ1's EOI */
	irq(&f, 0, 1);
	CHECK(pic_has_interrupt(&f.pic));	/* IRQ0 nests on top */
	CHECK_EQ(pic_ack(&f.pic), 0x20);
	CHECK_EQ(read_isr(&f, 0x20), 0x03);
	outb(&f, 0x20, 0x20);			/* non-specific: the highest, IRQ0 */
	CHECK_EQ(read_isr(&f, 0x20), 0x02);
	CHECK(!pic_has_interrupt(&f.pic));
	outb(&f, 0x20, 0x20);
	CHECK(pic_has_interrupt(&f.pic));
	CHECK_EQ(pic_ack(&f.pic), 0x23);
	teardown(&f);
}

static void masked_request_waits_in_irr(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, 0x20);
	irq(&f, 4, 1);				/* IMR 0xfb masks IRQ4 */
	CHECK(!pic_has_interrupt(&f.pic));
	CHECK_EQ(inb(&f, 0x20), 0x10);		/* OCW3 default: IRR */
	outb(&f, 0x21, 0xeb);
	CHECK(pic_has_interrupt(&f.pic));
	CHECK_EQ(pic_ack(&f.pic), 0x24);
	teardown(&f);
}

static void elcr_level_and_edge(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, 0x20);
	outb(&f, 0x4d0, 0xff);
	outb(&f, 0x4d1, 0xff);
	CHECK_EQ(inb(&f, 0x4d0), 0xf8);		/* IRQ0-2 cannot be level */
	CHECK_EQ(inb(&f, 0x4d1), 0xde);		/* nor IRQ8 and IRQ13 */
	outb(&f, 0x4d1, 0x04);			/* IRQ10 level, the rest edge */
	CHECK_EQ(io_bus_read(&f.bus, 0x4d0, 2), 0x04f8);	/* both bytes at once */
	outb(&f, 0x4d0, 0);
	outb(&f, 0x21, 0x00);
	outb(&f, 0xa1, 0x00);
	/* Level: still asserted after the EOI, so it comes again. */
	irq(&f, 10, 1);
	CHECK_EQ(pic_ack(&f.pic), 0x2a);
	outb(&f, 0xa0, 0x62);
	outb(&f, 0x20, 0x62);
	CHECK(pic_has_interrupt(&f.pic));
	CHECK_EQ(pic_ack(&f.pic), 0x2a);
	irq(&f, 10, 0);
	outb(&f, 0xa0, 0x62);
	outb(&f, 0x20, 0x62);
	CHECK(!pic_has_interrupt(&f.pic));
	/* Edge: one interrupt per rising edge, however long the line stays up. */
	irq(&f, 5, 1);
	CHECK_EQ(pic_ack(&f.pic), 0x25);
	outb(&f, 0x20, 0x65);
	CHECK(!pic_has_interrupt(&f.pic));
	irq(&f, 5, 1);
	CHECK(!pic_has_interrupt(&f.pic));
	irq(&f, 5, 0);
	irq(&f, 5, 1);
	CHECK_EQ(pic_ack(&f.pic), 0x25);
	teardown(&f);
}

static void spurious_irq7_when_request_vanishes(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, 0x20);
	outb(&f, 0x4d0, 0x20);			/* IRQ5 level */
	outb(&f, 0x21, 0x00);
	irq(&f, 5, 1);
	CHECK(pic_has_interrupt(&f.pic));
	irq(&f, 5, 0);				/* gone before INTA */
	CHECK_EQ(pic_ack(&f.pic), 0x27);
	CHECK_EQ(read_isr(&f, 0x20), 0);	/* spurious: nothing in service */
	/* Masked between INT and INTA: the same. */
	irq(&f, 1, 1);
	outb(&f, 0x21, 0x02);
	CHECK_EQ(pic_ack(&f.pic), 0x27);
	CHECK_EQ(read_isr(&f, 0x20), 0);
	teardown(&f);
}

static void spurious_irq15_when_slave_request_vanishes(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, 0x20);
	outb(&f, 0x4d1, 0x08);			/* IRQ11 level */
	outb(&f, 0x21, 0x00);
	outb(&f, 0xa1, 0x00);
	irq(&f, 11, 1);
	CHECK(pic_has_interrupt(&f.pic));
	irq(&f, 11, 0);
	CHECK_EQ(pic_ack(&f.pic), 0x2f);
	CHECK_EQ(read_isr(&f, 0xa0), 0);
	CHECK_EQ(read_isr(&f, 0x20), 0x04);	/* the master did acknowledge IR2 */
	outb(&f, 0x20, 0x62);
	CHECK(!pic_has_interrupt(&f.pic));
	teardown(&f);
}

static void auto_eoi_and_rotation(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, 0x20, 0x11);
	outb(&f, 0x21, 0x40);
	outb(&f, 0x21, 0x04);
	outb(&f, 0x21, 0x03);			/* ICW4: AEOI */
	outb(&f, 0x21, 0x00);
	irq(&f, 6, 1);
	CHECK_EQ(pic_ack(&f.pic), 0x46);
	CHECK_EQ(read_isr(&f, 0x20), 0);	/* AEOI: never in service */
	/* Set priority: IRQ4 lowest, so IRQ5 now outranks IRQ0. */
	outb(&f, 0x20, 0xc4);
	irq(&f, 0, 1);
	irq(&f, 5, 1);
	CHECK_EQ(pic_ack(&f.pic), 0x45);
	CHECK_EQ(pic_ack(&f.pic), 0x40);
	teardown(&f);
}

static void poll_mode_acknowledges(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, 0x20);
	outb(&f, 0x21, 0x00);
	outb(&f, 0x20, 0x0c);			/* OCW3: poll */
	CHECK_EQ(inb(&f, 0x20), 0);		/* nothing pending */
	irq(&f, 3, 1);
	outb(&f, 0x20, 0x0c);
	CHECK_EQ(inb(&f, 0x20), 0x83);
	CHECK_EQ(read_isr(&f, 0x20), 0x08);
	CHECK(!pic_has_interrupt(&f.pic));
	teardown(&f);
}

static void irq_line_bounds_are_ignored(void)
{
	struct fixture f;

	setup(&f);
	linux_init(&f, 0x20);
	outb(&f, 0x21, 0x00);
	pic_set_irq(&f.pic, 2, 1);		/* the cascade is internal */
	pic_set_irq(&f.pic, 16, 1);
	pic_set_irq(&f.pic, 0xffffffffu, 1);
	CHECK(!pic_has_interrupt(&f.pic));
	teardown(&f);
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

/* Any port writes and line changes: no crash, vectors stay in range. */
static void fuzz_ports_and_lines(void)
{
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x22, 0x4cf };
	static const unsigned int sizes[] = { 1, 2, 4, 3, 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	struct fixture f;

	setup(&f);
	for (int i = 0; i < 200000; i++) {
		uint32_t r = rnd(&seed);
		uint16_t port = ports[r % 8];
		unsigned int size = sizes[(r >> 3) % 5];

		switch ((r >> 6) % 5) {
		case 0:
			io_bus_write(&f.bus, port, size, rnd(&seed));
			break;
		case 1:
			io_bus_read(&f.bus, port, size);
			break;
		case 2:
			pic_set_irq(&f.pic, (r >> 9) % 20, (r >> 14) & 1);
			break;
		case 3:
			if (pic_has_interrupt(&f.pic)) {
				int v = pic_ack(&f.pic);

				CHECK(v >= 0 && v <= 255, "vector %d", v);
			}
			break;
		default:
			CHECK(f.output == pic_has_interrupt(&f.pic));
			break;
		}
	}
	teardown(&f);
}

int main(void)
{
	check_prog = "dev_pic";
	RUN(probe_reads_back_the_mask);
	RUN(linux_init_sets_vector_bases);
	RUN(slave_irq_goes_through_the_cascade);
	RUN(second_slave_irq_during_ack_is_not_lost);
	RUN(priority_and_nesting);
	RUN(masked_request_waits_in_irr);
	RUN(elcr_level_and_edge);
	RUN(spurious_irq7_when_request_vanishes);
	RUN(spurious_irq15_when_slave_request_vanishes);
	RUN(auto_eoi_and_rotation);
	RUN(poll_mode_acknowledges);
	RUN(irq_line_bounds_are_ignored);
	RUN(fuzz_ports_and_lines);
	return check_done();
}
