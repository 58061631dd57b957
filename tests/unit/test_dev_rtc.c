// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the MC146818 RTC/CMOS on a fake wall clock. */
#include <stdint.h>
#include <string.h>
#include "check.h"
#include "devices/bus.h"
#include "devices/rtc.h"

#define NS	1000000000ll
#define LEAP_DAY_2024	1709214307ll	/* 2024-02-29 13:45:07 UTC, a Thursday */
#define Y2K_EVE		946684799ll	/* 1999-12-31 23:59:59 UTC, a Friday */

struct fixture {
	struct io_bus bus;
	struct rtc rtc;
	int64_t now;
};

static int64_t fake_clock(void *opaque)
{
	struct fixture *f = opaque;

	return f->now;
}

static void setup(struct fixture *f, int64_t now)
{
	io_bus_init(&f->bus, false);
	f->now = now;
	rtc_init(&f->rtc, fake_clock, f);
	CHECK_EQ(rtc_register(&f->rtc, &f->bus), 0);
}

static void teardown(struct fixture *f)
{
	io_bus_destroy(&f->bus);
}

/* CMOS_READ / CMOS_WRITE */
static uint8_t cmos_read(struct fixture *f, uint8_t index)
{
	io_bus_write(&f->bus, 0x70, 1, index);
	return io_bus_read(&f->bus, 0x71, 1);
}

static void cmos_write(struct fixture *f, uint8_t index, uint8_t v)
{
	io_bus_write(&f->bus, 0x70, 1, index);
	io_bus_write(&f->bus, 0x71, 1, v);
}

static void read_clock(struct fixture *f, uint8_t r[8])
{
	static const uint8_t regs[8] = { 0, 2, 4, 6, 7, 8, 9, 0x32 };

	for (int i = 0; i < 8; i++)
		r[i] = cmos_read(f, regs[i]);
}

static void bcd_24h_by_default(void)
{
	struct fixture f;
	uint8_t r[8];
	static const uint8_t want[8] = { 0x07, 0x45, 0x13, 0x05, 0x29, 0x02, 0x24, 0x20 };

	setup(&f, LEAP_DAY_2024 * NS + NS / 2);
	CHECK_EQ(cmos_read(&f, 0x0b), 0x02);
	CHECK_EQ(cmos_read(&f, 0x0a), 0x26);
	CHECK_EQ(cmos_read(&f, 0x0d), 0x80);	/* valid RAM and time */
	read_clock(&f, r);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(r[i], want[i]);
	f.now += 60 * NS;
	CHECK_EQ(cmos_read(&f, 2), 0x46);
	teardown(&f);
}

static void binary_mode(void)
{
	struct fixture f;
	uint8_t r[8];
	static const uint8_t want[8] = { 59, 59, 23, 6, 31, 12, 99, 19 };

	setup(&f, Y2K_EVE * NS);
	cmos_write(&f, 0x0b, 0x06);		/* DM: binary, 24-hour */
	read_clock(&f, r);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(r[i], want[i]);
	f.now += NS;				/* the rollover everybody feared */
	read_clock(&f, r);
	CHECK_EQ(r[0], 0);
	CHECK_EQ(r[4], 1);
	CHECK_EQ(r[5], 1);
	CHECK_EQ(r[6], 0);
	CHECK_EQ(r[7], 20);
	CHECK_EQ(r[3], 7);			/* Saturday */
	teardown(&f);
}

static void twelve_hour_mode(void)
{
	static const struct {
		int64_t secs;
		uint8_t bcd, bin;
	} cases[] = {
		{ 0, 0x12, 12 },		/* midnight: 12 AM */
		{ 3600, 0x01, 1 },
		{ 12 * 3600, 0x92, 0x80 | 12 },	/* noon: 12 PM */
		{ 13 * 3600 + 59, 0x81, 0x81 },
		{ 23 * 3600, 0x91, 0x80 | 11 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture f;

		setup(&f, (LEAP_DAY_2024 - 13 * 3600 - 45 * 60 - 7 + cases[i].secs) * NS);
		cmos_write(&f, 0x0b, 0x00);
		CHECK_EQ(cmos_read(&f, 4), cases[i].bcd);
		cmos_write(&f, 0x0b, 0x04);
		CHECK_EQ(cmos_read(&f, 4), cases[i].bin);
		teardown(&f);
	}
}

/* mc146818_set_time(): SET, write the fields, clear SET. */
static void guest_sets_the_clock(void)
{
	struct fixture f;
	uint8_t r[8];
	static const uint8_t want[8] = { 0x15, 0x04, 0x03, 0x04, 0x02, 0x01, 0x30, 0x20 };

	setup(&f, LEAP_DAY_2024 * NS);
	cmos_write(&f, 0x0b, 0x02 | 0x10);	/* UIE */
	cmos_write(&f, 0x0b, cmos_read(&f, 0x0b) | 0x80);
	CHECK_EQ(cmos_read(&f, 0x0b), 0x82);	/* SET clears UIE */
	cmos_write(&f, 0x0a, cmos_read(&f, 0x0a) | 0x70);	/* divider reset */
	cmos_write(&f, 9, 0x30);
	cmos_write(&f, 8, 0x01);
	cmos_write(&f, 7, 0x02);
	cmos_write(&f, 4, 0x03);
	cmos_write(&f, 2, 0x04);
	cmos_write(&f, 0, 0x05);
	f.now += 5 * NS;
	CHECK_EQ(cmos_read(&f, 0), 0x05);	/* frozen while SET */
	cmos_write(&f, 0x0b, 0x02);
	cmos_write(&f, 0x0a, 0x26);
	f.now += 10 * NS;
	read_clock(&f, r);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(r[i], want[i]);	/* 2030-01-02 03:04:15, a Wednesday */
	teardown(&f);
}

static void one_field_written_while_running(void)
{
	struct fixture f;

	setup(&f, LEAP_DAY_2024 * NS);
	cmos_write(&f, 2, 0x30);
	CHECK_EQ(cmos_read(&f, 2), 0x30);
	CHECK_EQ(cmos_read(&f, 4), 0x13);
	CHECK_EQ(cmos_read(&f, 0), 0x07);
	CHECK_EQ(cmos_read(&f, 7), 0x29);
	cmos_write(&f, 6, 0x01);		/* the weekday follows the date */
	CHECK_EQ(cmos_read(&f, 6), 0x05);
	teardown(&f);
}

static void garbage_time_is_clamped(void)
{
	struct fixture f;

	setup(&f, LEAP_DAY_2024 * NS);
	cmos_write(&f, 0x0b, 0x82);
	cmos_write(&f, 8, 0xff);		/* month 165 */
	cmos_write(&f, 7, 0x00);		/* day 0 */
	cmos_write(&f, 4, 0x99);		/* hour 99 */
	cmos_write(&f, 0x32, 0xff);
	cmos_write(&f, 0x0b, 0x02);
	CHECK_EQ(cmos_read(&f, 8), 0x12);
	CHECK_EQ(cmos_read(&f, 7), 0x01);
	CHECK_EQ(cmos_read(&f, 4), 0x23);
	CHECK_EQ(cmos_read(&f, 0x32), 0x99);
	teardown(&f);
}

static void uip_is_brief_and_never_stuck(void)
{
	struct fixture f;
	int set = 0;

	setup(&f, LEAP_DAY_2024 * NS);
	for (int i = 0; i < 10000; i++) {
		f.now = LEAP_DAY_2024 * NS + i * 100000ll;
		if (cmos_read(&f, 0x0a) & 0x80) {
			set++;
			/* the update is right ahead: seconds still the old value */
			CHECK_EQ(cmos_read(&f, 0), 0x07);
		}
	}
	CHECK(set >= 2 && set <= 3, "UIP seen %d times in a second", set);
	f.now = LEAP_DAY_2024 * NS + NS - 1000;
	CHECK(cmos_read(&f, 0x0a) & 0x80);
	cmos_write(&f, 0x0a, 0x70);		/* divider held in reset: no updates */
	CHECK_EQ(cmos_read(&f, 0x0a), 0x70);
	cmos_write(&f, 0x0a, 0xa6);		/* UIP is read-only */
	CHECK_EQ(cmos_read(&f, 0x0a), 0xa6);
	cmos_write(&f, 0x0b, 0x82);
	CHECK_EQ(cmos_read(&f, 0x0a) & 0x80, 0);	/* nor while SET */
	teardown(&f);
}

static void register_c_reports_updates_once(void)
{
	struct fixture f;

	setup(&f, LEAP_DAY_2024 * NS);
	CHECK_EQ(cmos_read(&f, 0x0c), 0);
	f.now += NS;
	cmos_write(&f, 0x0b, 0x12);
	CHECK_EQ(cmos_read(&f, 0x0c), 0x90);	/* IRQF | UF */
	CHECK_EQ(cmos_read(&f, 0x0c), 0);	/* cleared by the read */
	cmos_write(&f, 0x0c, 0xff);
	cmos_write(&f, 0x0d, 0x00);
	CHECK_EQ(cmos_read(&f, 0x0d), 0x80);	/* C and D are read-only */
	teardown(&f);
}

static void nvram_index_and_nmi_bit(void)
{
	struct fixture f;

	setup(&f, 0);
	for (int i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			cmos_write(&f, i, i ^ 0xa5);
	for (int i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			CHECK_EQ(cmos_read(&f, i), i ^ 0xa5);
	cmos_write(&f, 1, 0x42);		/* alarm bytes are plain storage */
	CHECK_EQ(cmos_read(&f, 1), 0x42);
	CHECK(!rtc_nmi_disabled(&f.rtc));
	io_bus_write(&f.bus, 0x70, 1, 0x80 | 0x40);
	CHECK(rtc_nmi_disabled(&f.rtc));
	CHECK_EQ(io_bus_read(&f.bus, 0x71, 1), 0x40 ^ 0xa5);	/* bit 7 is not index */
	CHECK_EQ(io_bus_read(&f.bus, 0x70, 1), 0xff);		/* write-only */
	io_bus_write(&f.bus, 0x70, 2, 0x41 | 0x77 << 8);	/* index, then data */
	CHECK_EQ(cmos_read(&f, 0x41), 0x77);
	teardown(&f);
}

static void memory_size_bytes(void)
{
	struct fixture f;
	const uint64_t mib = 1 << 20;

	setup(&f, 0);
	rtc_set_memory_size(&f.rtc, 1024 * mib, 2048 * mib);
	CHECK_EQ(cmos_read(&f, 0x15) | cmos_read(&f, 0x16) << 8, 640);
	CHECK_EQ(cmos_read(&f, 0x17) | cmos_read(&f, 0x18) << 8, 0xffff);
	CHECK_EQ(cmos_read(&f, 0x30) | cmos_read(&f, 0x31) << 8, 0xffff);
	CHECK_EQ(cmos_read(&f, 0x34) | cmos_read(&f, 0x35) << 8, (1024 - 16) * 16);
	CHECK_EQ(cmos_read(&f, 0x5b), 0x00);
	CHECK_EQ(cmos_read(&f, 0x5c), 0x80);
	CHECK_EQ(cmos_read(&f, 0x5d), 0x00);
	rtc_set_memory_size(&f.rtc, 32 * mib, 0);
	CHECK_EQ(cmos_read(&f, 0x30) | cmos_read(&f, 0x31) << 8, 31 * 1024);
	CHECK_EQ(cmos_read(&f, 0x34) | cmos_read(&f, 0x35) << 8, 16 * 16);
	rtc_set_cmos(&f.rtc, 0x5f, 3);
	CHECK_EQ(rtc_get_cmos(&f.rtc, 0x5f), 3);
	CHECK_EQ(cmos_read(&f, 0x5f), 3);
	teardown(&f);
}

static bool is_bcd(uint8_t v)
{
	return (v & 0x0f) <= 9 && (v >> 4) <= 9;
}

static void the_ends_of_time(void)
{
	static const int64_t times[] = { INT64_MIN, INT64_MAX, -1, 0, -NS * 86400 * 365 * 200 };

	for (unsigned int i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		struct fixture f;
		uint8_t r[8];

		setup(&f, times[i]);
		read_clock(&f, r);
		for (int j = 0; j < 8; j++)
			CHECK(is_bcd(r[j] & (j == 2 ? 0x3f : 0xff)), "time %d reg %d: %#x", i, j, r[j]);
		cmos_write(&f, 0x32, 0x99);		/* year 99xx, set while running */
		cmos_write(&f, 9, 0x99);
		CHECK_EQ(cmos_read(&f, 9), 0x99);
		teardown(&f);
	}
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
	static const unsigned int sizes[] = { 1, 1, 2, 4, 3 };
	uint64_t seed = 0x0123456789abcdefull;
	struct fixture f;

	setup(&f, LEAP_DAY_2024 * NS);
	for (int i = 0; i < 200000; i++) {
		uint32_t r = rnd(&seed);
		uint16_t port = 0x6f + r % 4;
		unsigned int size = sizes[(r >> 2) % 5];

		switch ((r >> 5) % 4) {
		case 0:
			io_bus_write(&f.bus, port, size, rnd(&seed));
			break;
		case 1:
			io_bus_read(&f.bus, port, size);
			break;
		case 2:
			f.now += (int64_t)(rnd(&seed) % 2000000000u) - 300000000;
			break;
		default:
			if ((r >> 7) % 64 == 0)
				f.now = (int64_t)((uint64_t)rnd(&seed) << 32 | rnd(&seed));
			break;
		}
	}
	teardown(&f);
}

int main(void)
{
	check_prog = "dev_rtc";
	RUN(bcd_24h_by_default);
	RUN(binary_mode);
	RUN(twelve_hour_mode);
	RUN(guest_sets_the_clock);
	RUN(one_field_written_while_running);
	RUN(garbage_time_is_clamped);
	RUN(uip_is_brief_and_never_stuck);
	RUN(register_c_reports_updates_once);
	RUN(nvram_index_and_nmi_bit);
	RUN(memory_size_bytes);
	RUN(the_ends_of_time);
	RUN(fuzz_ports_and_time);
	return check_done();
}
