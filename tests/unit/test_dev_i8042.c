// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the 8042 keyboard controller, with what Linux's i8042
 * driver, its boot-time A20 code and its reboot path do.
 */
#include <string.h>
#include "check.h"
#include "devices/bus.h"
#include "devices/i8042.h"

#define STR_OBF		0x01
#define STR_IBF		0x02
#define STR_CMD		0x08
#define STR_AUXDATA	0x20

struct fixture {
	struct io_bus bus;
	struct i8042 kbc;
	int resets;
	int level[16], raises[16];
};

static void record_irq(void *opaque, unsigned int irq, int level)
{
	struct fixture *f = opaque;

	CHECK(irq == 1 || irq == 12, "irq %u", irq);
	CHECK(level != f->level[irq & 15], "set only on change");
	if (level)
		f->raises[irq & 15]++;
	f->level[irq & 15] = level;
}

static void on_reset(void *opaque)
{
	struct fixture *f = opaque;

	f->resets++;
}

static void setup(struct fixture *f)
{
	struct irq_line kbd = { .set = record_irq, .opaque = f, .irq = 1 };
	struct irq_line aux = { .set = record_irq, .opaque = f, .irq = 12 };

	memset(f, 0, sizeof(*f));
	io_bus_init(&f->bus, false);
	i8042_init(&f->kbc, kbd, aux, on_reset, f);
	CHECK_EQ(i8042_register(&f->kbc, &f->bus), 0);
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

/* i8042_command(): write the command, poll OBF, read the reply; -1 on timeout. */
static int command(struct fixture *f, uint8_t cmd)
{
	outb(f, 0x64, cmd);
	for (int i = 0; i < 100; i++)
		if (inb(f, 0x64) & STR_OBF)
			return inb(f, 0x60);
	return -1;
}

static void self_test_and_status(void)
{
	struct fixture f;

	setup(&f);
	CHECK_EQ(inb(&f, 0x64), 0x14);		/* SYS, unlocked, buffers empty */
	CHECK_EQ(command(&f, 0xaa), 0x55);
	CHECK_EQ(inb(&f, 0x64), 0x14 | STR_CMD);
	CHECK_EQ(command(&f, 0xab), 0x00);	/* keyboard interface test */
	CHECK_EQ(f.raises[1], 2);		/* replies raise IRQ1 (CTR bit 0) */
	CHECK_EQ(f.level[1], 0);
	CHECK_EQ(command(&f, 0x99), -1);	/* unknown: no reply */
	teardown(&f);
}

/* i8042_controller_init(): read the CTR until stable, disable the keyboard, write it. */
static void command_byte_read_and_write(void)
{
	struct fixture f;
	int ctr;

	setup(&f);
	ctr = command(&f, 0x20);
	CHECK_EQ(ctr, 0x45);			/* XLATE, SYS, KBDINT */
	CHECK_EQ(command(&f, 0x20), ctr);
	ctr = (ctr | 0x10) & ~0x01;
	outb(&f, 0x64, 0x60);
	outb(&f, 0x60, ctr);
	CHECK_EQ(inb(&f, 0x64) & (STR_OBF | STR_IBF), 0);
	CHECK_EQ(command(&f, 0x20), 0x54);
	CHECK_EQ(f.raises[1], 2);		/* the last reply: KBDINT was off */
	outb(&f, 0x64, 0xae);
	CHECK_EQ(command(&f, 0x20), 0x44);
	outb(&f, 0x64, 0xad);
	CHECK_EQ(command(&f, 0x20), 0x54);
	outb(&f, 0x64, 0xa7);
	CHECK_EQ(command(&f, 0x20), 0x74);
	outb(&f, 0x64, 0xa8);
	CHECK_EQ(command(&f, 0x20), 0x54);
	outb(&f, 0x64, 0x61);			/* RAM byte 1 */
	outb(&f, 0x60, 0x5a);
	CHECK_EQ(command(&f, 0x21), 0x5a);
	teardown(&f);
}

/* arch/x86/boot/a20.c: empty_8042(), 0xd1 0xdf, null command 0xff. */
static void a20_through_the_output_port(void)
{
	struct fixture f;

	setup(&f);
	CHECK_EQ(inb(&f, 0x64) & (STR_OBF | STR_IBF), 0);
	outb(&f, 0x64, 0xd1);
	CHECK_EQ(inb(&f, 0x64) & STR_IBF, 0);
	outb(&f, 0x60, 0xdf);
	outb(&f, 0x64, 0xff);
	CHECK_EQ(f.resets, 0);
	CHECK_EQ(command(&f, 0xd0), 0xcf);	/* OBF bits are live, not stored */
	teardown(&f);
}

static void both_reset_paths(void)
{
	struct fixture f;

	setup(&f);
	/* native_machine_emergency_restart(), BOOT_KBD: kb_wait() then pulse */
	for (int i = 0; i < 0x100 && (inb(&f, 0x64) & STR_IBF); i++)
		;
	outb(&f, 0x64, 0xfe);
	CHECK_EQ(f.resets, 1);
	outb(&f, 0x64, 0xd1);
	outb(&f, 0x60, 0xde);			/* output port bit 0 low */
	CHECK_EQ(f.resets, 2);
	outb(&f, 0x64, 0xf1);			/* pulse without bit 0 */
	CHECK_EQ(f.resets, 2);
	teardown(&f);
}

static void keyboard_answers_commands(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, 0x60, 0xf2);			/* identify */
	CHECK_EQ(inb(&f, 0x64) & (STR_OBF | STR_CMD), STR_OBF);
	CHECK_EQ(inb(&f, 0x60), 0xfa);
	CHECK_EQ(inb(&f, 0x60), 0xab);
	CHECK_EQ(inb(&f, 0x60), 0x41);		/* MF2, translated */
	CHECK_EQ(f.raises[1], 3);		/* one IRQ1 edge per byte */
	outb(&f, 0x60, 0xff);
	CHECK_EQ(inb(&f, 0x60), 0xfa);
	CHECK_EQ(inb(&f, 0x60), 0xaa);		/* BAT passed */
	outb(&f, 0x60, 0xed);			/* LEDs: ack, argument, ack */
	outb(&f, 0x60, 0x07);
	CHECK_EQ(inb(&f, 0x60), 0xfa);
	CHECK_EQ(inb(&f, 0x60), 0xfa);
	CHECK_EQ(inb(&f, 0x64) & STR_OBF, 0);
	CHECK_EQ(inb(&f, 0x60), 0xfa);		/* empty: the last byte again */
	outb(&f, 0x64, 0xd2);
	outb(&f, 0x60, 0x1c);			/* a scancode, as if typed */
	CHECK_EQ(command(&f, 0x20), 0x1c);	/* the scancode is ahead of the reply */
	CHECK_EQ(inb(&f, 0x60), 0x45);
	teardown(&f);
}

static void aux_buffer_raises_irq12_only_when_enabled(void)
{
	struct fixture f;

	setup(&f);
	outb(&f, 0x64, 0xd3);
	outb(&f, 0x60, 0x5a);
	CHECK_EQ(inb(&f, 0x64) & (STR_OBF | STR_AUXDATA), STR_OBF | STR_AUXDATA);
	CHECK_EQ(f.level[12], 0);		/* CTR AUXINT is off */
	CHECK_EQ(f.level[1], 0);
	CHECK_EQ(inb(&f, 0x60), 0x5a);
	outb(&f, 0x64, 0x60);
	outb(&f, 0x60, 0x47);
	outb(&f, 0x64, 0xd3);
	outb(&f, 0x60, 0xa5);
	CHECK_EQ(f.level[12], 1);
	CHECK_EQ(inb(&f, 0x60), 0xa5);
	CHECK_EQ(f.level[12], 0);
	outb(&f, 0x64, 0xd4);			/* to the mouse: nobody there */
	outb(&f, 0x60, 0xff);
	CHECK_EQ(inb(&f, 0x64) & STR_OBF, 0);
	teardown(&f);
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static void fuzz_ports(void)
{
	static const uint16_t ports[] = { 0x60, 0x64, 0x60, 0x64, 0x5f, 0x65 };
	static const unsigned int sizes[] = { 1, 1, 2, 4, 0 };
	uint64_t seed = 0x8badf00d8badf00dull;
	struct fixture f;

	setup(&f);
	for (int i = 0; i < 200000; i++) {
		uint32_t r = rnd(&seed);
		uint16_t port = ports[r % 6];
		unsigned int size = sizes[(r >> 3) % 5];

		if ((r >> 6) & 1)
			io_bus_write(&f.bus, port, size, rnd(&seed));
		else
			io_bus_read(&f.bus, port, size);
		CHECK(f.kbc.count <= I8042_QUEUE_SIZE);
	}
	CHECK(f.resets > 0, "random commands include resets");
	teardown(&f);
}

int main(void)
{
	check_prog = "dev_i8042";
	RUN(self_test_and_status);
	RUN(command_byte_read_and_write);
	RUN(a20_through_the_output_port);
	RUN(both_reset_paths);
	RUN(keyboard_answers_commands);
	RUN(aux_buffer_raises_irq12_only_when_enabled);
	RUN(fuzz_ports);
	return check_done();
}
