// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the 8254 PIT and port 0x61 on a fake clock, with the
 * sequences Linux's i8253 clockevent and TSC calibration write.
 */
#include <stdint.h>
#include "check.h"
#include "devices/bus.h"
#include "devices/pit.h"

#define NS_PER_S	1000000000ull
#define HZ		1000
#define LINUX_LATCH	((PIT_FREQ_HZ + HZ / 2) / HZ)	/* PIT_LATCH */
#define CAL_LATCH	(PIT_FREQ_HZ / (1000 / 10))	/* pit_calibrate_tsc(), 10 ms */

struct fixture {
	struct io_bus bus;
	struct pit pit;
	uint64_t now;
	int level;
	int rising_edges;
	int bad_levels;
};

static uint64_t fake_clock(void *opaque)
{
	struct fixture *f = opaque;

	return f->now;
}

static void record_irq(void *opaque, unsigned int irq, int level)
{
	struct fixture *f = opaque;

	if (irq != PIT_IRQ || (level != 0 && level != 1))
		f->bad_levels++;
	if (level && !f->level)
		f->rising_edges++;
	f->level = level;
}

static void setup(struct fixture *f, uint64_t start_ns)
{
	struct irq_line line = { .set = record_irq, .opaque = f, .irq = PIT_IRQ };

	io_bus_init(&f->bus, false);
	f->now = start_ns;
	f->level = 0;
	f->rising_edges = 0;
	f->bad_levels = 0;
	pit_init(&f->pit, line, fake_clock, f);
	f->level = 1;			/* idle OUT0 is high, though not driven yet */
	CHECK_EQ(pit_register(&f->pit, &f->bus), 0);
}

static void teardown(struct fixture *f)
{
	CHECK_EQ(f->bad_levels, 0);
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

/* The first nanosecond at which @ticks PIT clocks have passed since 0. */
static uint64_t ns_of(uint64_t ticks)
{
	return (ticks * NS_PER_S + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
}

static uint64_t ticks_of(uint64_t ns)
{
	return ns * PIT_FREQ_HZ / NS_PER_S;
}

/* What the runner does: sleep to the next event, update, repeat. */
static void run_until(struct fixture *f, uint64_t end)
{
	for (;;) {
		uint64_t next = pit_next_event_ns(&f->pit, f->now);

		CHECK(next > f->now, "next %llu now %llu", (unsigned long long)next,
		      (unsigned long long)f->now);
		if (next > end || next <= f->now)
			break;
		f->now = next;
		pit_update(&f->pit, f->now);
	}
	f->now = end;
	pit_update(&f->pit, f->now);
}

static void unprogrammed_pit_is_quiet(void)
{
	struct fixture f;

	setup(&f, 0);
	CHECK_EQ(pit_next_event_ns(&f.pit, 0), UINT64_MAX);
	f.now = NS_PER_S;
	pit_update(&f.pit, f.now);
	CHECK_EQ(f.rising_edges, 0);
	teardown(&f);
}

static void mode2_irq0_at_the_programmed_rate(void)
{
	struct fixture f;
	uint64_t first, second;

	setup(&f, 5 * NS_PER_S);	/* the clock does not start at 0 */
	outb(&f, 0x43, 0x34);		/* channel 0, LSB/MSB, mode 2, binary */
	outb(&f, 0x40, LINUX_LATCH & 0xff);
	outb(&f, 0x40, LINUX_LATCH >> 8);
	CHECK_EQ(f.rising_edges, 0);	/* idle OUT was high already */
	CHECK_EQ(f.level, 1);
	first = pit_next_event_ns(&f.pit, f.now);
	/* The count loads on the next clock, then a period of LATCH clocks. */
	CHECK_EQ(ticks_of(first) - ticks_of(f.now), LINUX_LATCH + 1);
	f.now = first;
	pit_update(&f.pit, f.now);
	CHECK_EQ(f.rising_edges, 1);
	second = pit_next_event_ns(&f.pit, f.now);
	CHECK_EQ(ticks_of(second) - ticks_of(first), LINUX_LATCH);
	run_until(&f, f.now + NS_PER_S);
	/* 1193182 / 1193 = 1000.15 periods a second */
	CHECK(f.rising_edges == 1001 || f.rising_edges == 1002, "%d edges", f.rising_edges);
	teardown(&f);
}

static void late_runner_gets_one_edge_not_a_burst(void)
{
	struct fixture f;

	setup(&f, 0);
	outb(&f, 0x43, 0x34);
	outb(&f, 0x40, LINUX_LATCH & 0xff);
	outb(&f, 0x40, LINUX_LATCH >> 8);
	f.now = 10 * ns_of(LINUX_LATCH) + 12345;
	pit_update(&f.pit, f.now);
	CHECK_EQ(f.rising_edges, 1);	/* the PIC could latch only one anyway */
	pit_update(&f.pit, f.now);
	CHECK_EQ(f.rising_edges, 1);
	CHECK(pit_next_event_ns(&f.pit, f.now) > f.now);
	teardown(&f);
}

/* pit_calibrate_tsc(): channel 2 mode 0, poll port 0x61 bit 5. */
static void channel2_one_shot_as_tsc_calibration_uses_it(void)
{
	struct fixture f;
	uint64_t start, polls = 0;

	setup(&f, 777);
	CHECK_EQ(inb(&f, 0x61) & 0x01, 0);		/* gate low */
	outb(&f, 0x61, (inb(&f, 0x61) & ~0x02) | 0x01);	/* gate high, speaker off */
	outb(&f, 0x43, 0xb0);				/* channel 2, LSB/MSB, mode 0 */
	outb(&f, 0x42, CAL_LATCH & 0xff);
	outb(&f, 0x42, CAL_LATCH >> 8);
	start = f.now;
	while ((inb(&f, 0x61) & 0x20) == 0 && polls < 100000) {
		f.now += 1000;
		polls++;
	}
	/* OUT rises LATCH + 1 clocks after the write: 10.0 ms */
	CHECK(ticks_of(f.now) - ticks_of(start) >= CAL_LATCH + 1 &&
	      ticks_of(f.now) - ticks_of(start) <= CAL_LATCH + 2,
	      "%llu ticks", (unsigned long long)(ticks_of(f.now) - ticks_of(start)));
	CHECK_EQ(f.rising_edges, 0);			/* channel 2 has no IRQ */
	f.now += NS_PER_S;
	CHECK(inb(&f, 0x61) & 0x20, "OUT stays high after terminal count");
	teardown(&f);
}

static void channel2_gate_low_holds_the_count(void)
{
	struct fixture f;
	uint8_t lsb, msb;

	setup(&f, 0);
	outb(&f, 0x61, 0x00);				/* gate low */
	outb(&f, 0x43, 0xb0);
	outb(&f, 0x42, 0x00);
	outb(&f, 0x42, 0x10);				/* 4096 */
	f.now += ns_of(10000);
	CHECK_EQ(inb(&f, 0x61) & 0x20, 0);
	lsb = inb(&f, 0x42);
	msb = inb(&f, 0x42);
	CHECK_EQ(lsb | msb << 8, 0x1000);		/* not counting */
	outb(&f, 0x61, 0x01);
	f.now += ns_of(100);
	lsb = inb(&f, 0x42);
	msb = inb(&f, 0x42);
	CHECK(((lsb | msb << 8) < 0x1000 - 98) && ((lsb | msb << 8) > 0x1000 - 102),
	      "count %#x", lsb | msb << 8);
	outb(&f, 0x61, 0x00);				/* pause again */
	f.now += ns_of(5000);
	CHECK_EQ(inb(&f, 0x61) & 0x20, 0);
	outb(&f, 0x61, 0x01);
	f.now += ns_of(0x1000);
	CHECK(inb(&f, 0x61) & 0x20);
	teardown(&f);
}

/* quick_pit_calibrate(): 0xffff in mode 0, then LSB/MSB reads track the count. */
static void live_reads_alternate_lsb_and_msb(void)
{
	struct fixture f;
	uint64_t start;

	setup(&f, 0);
	outb(&f, 0x61, 0x01);
	outb(&f, 0x43, 0xb0);
	outb(&f, 0x42, 0xff);
	outb(&f, 0x42, 0xff);
	start = ticks_of(f.now);
	for (unsigned int k = 1; k < 200; k++) {
		uint8_t msb;

		f.now = ns_of(start + 1 + 256 * k + 128);
		inb(&f, 0x42);			/* LSB, ignored */
		msb = inb(&f, 0x42);
		CHECK_EQ(msb, 0xff - k);
	}
	teardown(&f);
}

static void latch_freezes_the_count_until_read(void)
{
	struct fixture f;
	uint8_t lsb, msb;

	setup(&f, 0);
	outb(&f, 0x43, 0x34);
	outb(&f, 0x40, 0x00);
	outb(&f, 0x40, 0x80);		/* 0x8000 */
	f.now = ns_of(1 + 0x100);
	outb(&f, 0x43, 0x00);		/* counter latch, channel 0 */
	f.now = ns_of(1 + 0x2000);
	outb(&f, 0x43, 0x00);		/* ignored: already latched */
	lsb = inb(&f, 0x40);
	msb = inb(&f, 0x40);
	CHECK_EQ(lsb | msb << 8, 0x8000 - 0x100);
	lsb = inb(&f, 0x40);
	msb = inb(&f, 0x40);
	CHECK_EQ(lsb | msb << 8, 0x8000 - 0x2000);	/* live again */
	teardown(&f);
}

static void read_back_latches_status_then_count(void)
{
	struct fixture f;
	uint8_t lsb, msb;

	setup(&f, 0);
	outb(&f, 0x43, 0x34);
	outb(&f, 0x43, 0xc2);		/* read-back: count + status, channel 0 */
	CHECK_EQ(inb(&f, 0x40), 0x80 | 0x40 | 0x34);	/* OUT high, null count */
	inb(&f, 0x40);			/* the latched count of nothing */
	inb(&f, 0x40);
	outb(&f, 0x40, 0x00);
	outb(&f, 0x40, 0x10);
	f.now = ns_of(0x100);
	outb(&f, 0x43, 0xc2);
	CHECK_EQ(inb(&f, 0x40), 0x80 | 0x34);	/* count loaded: null count clear */
	lsb = inb(&f, 0x40);
	msb = inb(&f, 0x40);
	CHECK_EQ(lsb | msb << 8, 0x1000 - 0xff);
	outb(&f, 0x43, 0xd2);		/* status only (COUNT bit set) */
	outb(&f, 0x43, 0xe2);		/* count only */
	CHECK_EQ(inb(&f, 0x40), 0x80 | 0x34);	/* status comes first */
	lsb = inb(&f, 0x40);
	msb = inb(&f, 0x40);
	CHECK_EQ(lsb | msb << 8, 0x1000 - 0xff);
	teardown(&f);
}

static void mode3_square_wave(void)
{
	struct fixture f;

	setup(&f, 0);
	outb(&f, 0x61, 0x01);
	outb(&f, 0x43, 0xb6);		/* channel 2, mode 3 (pcspkr, BIOS) */
	outb(&f, 0x42, 100);
	outb(&f, 0x42, 0);
	f.now = ns_of(1 + 10);
	CHECK(inb(&f, 0x61) & 0x20);
	CHECK_EQ(inb(&f, 0x42), 100 - 20);	/* counts down by two */
	inb(&f, 0x42);
	f.now = ns_of(1 + 60);
	CHECK_EQ(inb(&f, 0x61) & 0x20, 0);	/* second half: low */
	f.now = ns_of(1 + 100 + 10);
	CHECK(inb(&f, 0x61) & 0x20);
	teardown(&f);

	setup(&f, 0);
	outb(&f, 0x43, 0x36);		/* channel 0, mode 3: one IRQ0 per period */
	outb(&f, 0x40, 0x00);
	outb(&f, 0x40, 0x01);		/* 256 */
	run_until(&f, ns_of(1 + 256 * 10));
	CHECK_EQ(f.rising_edges, 10);
	teardown(&f);
}

static void mode2_new_count_waits_for_the_period_end(void)
{
	struct fixture f;
	uint64_t next;

	setup(&f, 0);
	outb(&f, 0x43, 0x34);
	outb(&f, 0x40, 0xe8);
	outb(&f, 0x40, 0x03);		/* 1000 */
	f.now = ns_of(1 + 300);
	outb(&f, 0x40, 0x64);
	outb(&f, 0x40, 0x00);		/* 100, from the end of this period */
	next = pit_next_event_ns(&f.pit, f.now);
	CHECK_EQ(ticks_of(next), 1 + 1000);
	f.now = next;
	pit_update(&f.pit, f.now);
	next = pit_next_event_ns(&f.pit, f.now);
	CHECK_EQ(ticks_of(next), 1 + 1000 + 100);
	teardown(&f);
}

static void mode0_irq0_once_and_mode4_strobe(void)
{
	struct fixture f;

	setup(&f, 0);
	outb(&f, 0x43, 0x30);		/* oneshot: Linux's pit_next_event */
	outb(&f, 0x40, 50);
	outb(&f, 0x40, 0);
	CHECK_EQ(f.level, 0);
	run_until(&f, ns_of(10000));
	CHECK_EQ(f.rising_edges, 1);
	CHECK_EQ(f.level, 1);		/* OUT stays high after terminal count */
	CHECK_EQ(pit_next_event_ns(&f.pit, f.now), UINT64_MAX);
	outb(&f, 0x43, 0x30);		/* a new control word drops OUT */
	CHECK_EQ(f.level, 0);
	teardown(&f);

	setup(&f, 0);
	outb(&f, 0x43, 0x38);		/* mode 4: OUT low for one clock */
	outb(&f, 0x40, 50);
	outb(&f, 0x40, 0);
	CHECK_EQ(f.level, 1);
	f.now = ns_of(1 + 50);
	pit_update(&f.pit, f.now);
	CHECK_EQ(f.level, 0);
	f.now = ns_of(1 + 51);
	pit_update(&f.pit, f.now);
	CHECK_EQ(f.level, 1);
	CHECK_EQ(f.rising_edges, 1);	/* the end of the strobe */
	run_until(&f, NS_PER_S);
	CHECK_EQ(f.rising_edges, 1);
	teardown(&f);
}

static void bcd_and_byte_access_modes(void)
{
	struct fixture f;

	setup(&f, 0);
	outb(&f, 0x61, 0x01);
	outb(&f, 0x43, 0xb1);		/* channel 2, LSB/MSB, mode 0, BCD */
	outb(&f, 0x42, 0x00);
	outb(&f, 0x42, 0x10);		/* 1000 decimal */
	f.now = ns_of(1 + 11);
	CHECK_EQ(inb(&f, 0x42), 0x89);	/* 989 */
	CHECK_EQ(inb(&f, 0x42), 0x09);
	teardown(&f);

	setup(&f, 0);
	outb(&f, 0x61, 0x01);
	outb(&f, 0x43, 0x90);		/* LSB only */
	outb(&f, 0x42, 0x40);
	f.now = ns_of(1 + 0x10);
	CHECK_EQ(inb(&f, 0x42), 0x30);
	CHECK_EQ(inb(&f, 0x42), 0x30);	/* no MSB phase */
	outb(&f, 0x43, 0xa0);		/* MSB only: 0x0200 */
	outb(&f, 0x42, 0x02);
	f.now += ns_of(0x100);
	CHECK_EQ(inb(&f, 0x42), 0x01);
	teardown(&f);
}

static void port61_bits(void)
{
	struct fixture f;
	int toggles = 0;
	uint8_t prev;

	setup(&f, 0);
	outb(&f, 0x61, 0xff);
	CHECK_EQ(inb(&f, 0x61) & 0xcf, 0x0f);	/* bits 0-3 kept, 6-7 read 0 */
	prev = inb(&f, 0x61) & 0x10;
	for (int i = 0; i < 100; i++) {
		uint8_t v;

		f.now += 15085;
		v = inb(&f, 0x61) & 0x10;
		toggles += v != prev;
		prev = v;
	}
	CHECK_EQ(toggles, 100);		/* refresh toggles every 15.085 us */
	teardown(&f);
}

static void time_going_backwards_is_ignored(void)
{
	struct fixture f;

	setup(&f, NS_PER_S);
	outb(&f, 0x43, 0x34);
	outb(&f, 0x40, 0x00);
	outb(&f, 0x40, 0x01);
	pit_update(&f.pit, 0);
	CHECK_EQ(f.rising_edges, 0);
	CHECK(pit_next_event_ns(&f.pit, 0) > NS_PER_S);
	f.now = 0;
	CHECK_EQ(inb(&f, 0x40), 0x00);	/* 256 - 0 elapsed, as at the write */
	teardown(&f);
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

static void fuzz_ports_and_time(void)
{
	static const uint16_t ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61, 0x43, 0x40, 0x42 };
	static const unsigned int sizes[] = { 1, 1, 1, 2, 4 };
	uint64_t seed = 0x1234567887654321ull;
	struct fixture f;

	setup(&f, 0);
	for (int i = 0; i < 200000; i++) {
		uint32_t r = rnd(&seed);
		uint16_t port = ports[r % 8];
		unsigned int size = sizes[(r >> 3) % 5];
		uint64_t next;

		switch ((r >> 6) % 6) {
		case 0:
		case 1:
			io_bus_write(&f.bus, port, size, rnd(&seed));
			break;
		case 2:
			io_bus_read(&f.bus, port, size);
			break;
		case 3:
			f.now += rnd(&seed) % 100000;
			pit_update(&f.pit, f.now);
			break;
		case 4:
			next = pit_next_event_ns(&f.pit, f.now);
			CHECK(next > f.now || next == f.now, "next before now");
			if (next != UINT64_MAX && next - f.now < 10000000) {
				f.now = next;
				pit_update(&f.pit, f.now);
			}
			break;
		default:
			if (r & 0x80000)
				f.now = UINT64_MAX - rnd(&seed);	/* the far end of time */
			pit_update(&f.pit, f.now - (r & 0xfff));
			break;
		}
	}
	teardown(&f);
}

int main(void)
{
	check_prog = "dev_pit";
	RUN(unprogrammed_pit_is_quiet);
	RUN(mode2_irq0_at_the_programmed_rate);
	RUN(late_runner_gets_one_edge_not_a_burst);
	RUN(channel2_one_shot_as_tsc_calibration_uses_it);
	RUN(channel2_gate_low_holds_the_count);
	RUN(live_reads_alternate_lsb_and_msb);
	RUN(latch_freezes_the_count_until_read);
	RUN(read_back_latches_status_then_count);
	RUN(mode3_square_wave);
	RUN(mode2_new_count_waits_for_the_period_end);
	RUN(mode0_irq0_once_and_mode4_strobe);
	RUN(bcd_and_byte_access_modes);
	RUN(port61_bits);
	RUN(time_going_backwards_is_ignored);
	RUN(fuzz_ports_and_time);
	return check_done();
}
