// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818A after Motorola's datasheet.  The time registers are computed
 * from the injected clock on every read, in the format register B asks
 * for; writes go through a broken-down time back to an offset, so a guest
 * may set the clock field by field or all at once under SET.
 */
#include <string.h>
#include "rtc.h"

enum rtc_reg {
	REG_SEC = 0x00,
	REG_MIN = 0x02,
	REG_HOUR = 0x04,
	REG_WDAY = 0x06,
	REG_MDAY = 0x07,
	REG_MON = 0x08,
	REG_YEAR = 0x09,
	REG_A = 0x0a,
	REG_B = 0x0b,
	REG_C = 0x0c,
	REG_D = 0x0d,
	REG_CENTURY = 0x32,
};

#define A_UIP		0x80
#define A_DV		0x70
#define A_DV_RUNNING	0x20	/* 32.768 kHz time base, divider running */
#define B_SET		0x80
#define B_UIE		0x10
#define B_BINARY	0x04
#define B_24H		0x02
#define C_IRQF		0x80
#define C_UF		0x10
#define D_VRT		0x80

#define NS_PER_S	1000000000ll
#define UIP_LEAD_NS	244000	/* UIP rises this long before each update */
#define SECS_PER_DAY	86400

struct rtc_time {
	int64_t year;
	unsigned int mon, mday, hour, min, sec, wday;	/* wday 0 = Sunday */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, struct rtc_time *tm)
{
	int64_t era;
	unsigned int doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = (unsigned int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = doy - (153 * mp + 2) / 5 + 1;
	tm->mon = mp < 10 ? mp + 3 : mp - 9;
	tm->year = yoe + era * 400 + (tm->mon <= 2);
}

static void time_from_seconds(int64_t s, struct rtc_time *tm)
{
	int64_t days = floor_div(s, SECS_PER_DAY);
	int64_t sod = s - days * SECS_PER_DAY;

	civil_from_days(days, tm);
	tm->hour = sod / 3600;
	tm->min = sod / 60 % 60;
	tm->sec = sod % 60;
	tm->wday = floor_mod(days + 4, 7);	/* 1970-01-01 was a Thursday */
}

static int64_t host_ns(const struct rtc *rtc)
{
	return rtc->now ? rtc->now(rtc->opaque) : 0;
}

static void split_ns(int64_t ns, int64_t *secs, int64_t *subsec)
{
	*secs = ns / NS_PER_S;
	*subsec = ns % NS_PER_S;
	if (*subsec < 0) {
		*subsec += NS_PER_S;
		*secs -= 1;
	}
}

static int64_t host_seconds(const struct rtc *rtc)
{
	int64_t secs, subsec;

	split_ns(host_ns(rtc), &secs, &subsec);
	return secs;
}

static int64_t guest_seconds(const struct rtc *rtc)
{
	return host_seconds(rtc) + rtc->offset_s;
}

static bool binary_mode(const struct rtc *rtc)
{
	return rtc->cmos[REG_B] & B_BINARY;
}

static uint8_t encode(const struct rtc *rtc, unsigned int v)
{
	return binary_mode(rtc) ? v : (v / 10 % 10) << 4 | v % 10;
}

/* Digits past 9 are not BCD; the clamps of the callers tame them. */
static unsigned int decode(const struct rtc *rtc, uint8_t v)
{
	return binary_mode(rtc) ? v : (v >> 4) * 10 + (v & 15);
}

static unsigned int clamp(unsigned int v, unsigned int lo, unsigned int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint8_t encode_hour(const struct rtc *rtc, unsigned int hour)
{
	if (rtc->cmos[REG_B] & B_24H)
		return encode(rtc, hour);
	/* 12-hour: 12, 1-11 AM, then the same with bit 7 for PM */
	return encode(rtc, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? 0x80 : 0);
}

static unsigned int decode_hour(const struct rtc *rtc, uint8_t v)
{
	unsigned int h;

	if (rtc->cmos[REG_B] & B_24H)
		return clamp(decode(rtc, v), 0, 23);
	h = clamp(decode(rtc, v & 0x7f), 1, 12);
	return h % 12 + (v & 0x80 ? 12 : 0);
}

/* Two BCD digits of century: years before 0 or after 9999 saturate. */
static unsigned int century_of(int64_t year)
{
	int64_t c = floor_div(year, 100);

	return c < 0 ? 0 : c > 99 ? 99 : (unsigned int)c;
}

/* Writes the clock at @s into the time registers, in the current format. */
static void store_time(struct rtc *rtc, int64_t s)
{
	struct rtc_time tm;

	time_from_seconds(s, &tm);
	rtc->cmos[REG_SEC] = encode(rtc, tm.sec);
	rtc->cmos[REG_MIN] = encode(rtc, tm.min);
	rtc->cmos[REG_HOUR] = encode_hour(rtc, tm.hour);
	rtc->cmos[REG_WDAY] = encode(rtc, tm.wday + 1);
	rtc->cmos[REG_MDAY] = encode(rtc, tm.mday);
	rtc->cmos[REG_MON] = encode(rtc, tm.mon);
	rtc->cmos[REG_YEAR] = encode(rtc, (unsigned int)floor_mod(tm.year, 100));
	rtc->cmos[REG_CENTURY] = encode(rtc, century_of(tm.year));
}

/*
 * The time registers as seconds since the epoch.  Out-of-range fields
 * are clamped; the day of the week is ignored (it follows from the date).
 */
static int64_t loaded_time(const struct rtc *rtc)
{
	const uint8_t *r = rtc->cmos;
	int64_t year = clamp(decode(rtc, r[REG_YEAR]), 0, 99) +
		       100 * (int64_t)clamp(decode(rtc, r[REG_CENTURY]), 0, 99);
	int64_t days = days_from_civil(year, clamp(decode(rtc, r[REG_MON]), 1, 12),
				       clamp(decode(rtc, r[REG_MDAY]), 1, 31));

	return days * SECS_PER_DAY + decode_hour(rtc, r[REG_HOUR]) * 3600 +
	       clamp(decode(rtc, r[REG_MIN]), 0, 59) * 60 + clamp(decode(rtc, r[REG_SEC]), 0, 59);
}

static void commit_time(struct rtc *rtc)
{
	rtc->offset_s = loaded_time(rtc) - host_seconds(rtc);
}

/* The registers the clock owns (the alarms at 1, 3, 5 are plain bytes). */
static bool is_clock_register(uint8_t index)
{
	switch (index) {
	case REG_SEC:
	case REG_MIN:
	case REG_HOUR:
	case REG_WDAY:
	case REG_MDAY:
	case REG_MON:
	case REG_YEAR:
	case REG_CENTURY:
		return true;
	default:
		return false;
	}
}

static bool setting(const struct rtc *rtc)
{
	return rtc->cmos[REG_B] & B_SET;
}

/* UIP: set in the 244 us before each update while the divider runs, so never stuck. */
static bool update_in_progress(const struct rtc *rtc)
{
	int64_t secs, subsec;

	if (setting(rtc) || (rtc->cmos[REG_A] & A_DV) != A_DV_RUNNING)
		return false;
	split_ns(host_ns(rtc), &secs, &subsec);
	return subsec >= NS_PER_S - UIP_LEAD_NS;
}

/* Register C: UF if a second ended since the last read; reading clears it. */
static uint8_t read_flags(struct rtc *rtc)
{
	int64_t now = guest_seconds(rtc);
	uint8_t v = 0;

	if (!setting(rtc) && now != rtc->last_c_read_s) {
		v = C_UF;
		if (rtc->cmos[REG_B] & B_UIE)
			v |= C_IRQF;
	}
	rtc->last_c_read_s = now;
	return v;
}

static uint8_t read_register(struct rtc *rtc, uint8_t index)
{
	if (is_clock_register(index)) {
		if (!setting(rtc))
			store_time(rtc, guest_seconds(rtc));
		return rtc->cmos[index];
	}
	switch (index) {
	case REG_A:
		return (rtc->cmos[REG_A] & ~A_UIP) | (update_in_progress(rtc) ? A_UIP : 0);
	case REG_C:
		return read_flags(rtc);
	case REG_D:
		return D_VRT;
	default:
		return rtc->cmos[index];
	}
}

static void write_register_b(struct rtc *rtc, uint8_t v)
{
	bool was_setting = setting(rtc);

	if (v & B_SET)
		v &= ~B_UIE;	/* SET clears UIE */
	if (!was_setting && (v & B_SET))
		store_time(rtc, guest_seconds(rtc));	/* freeze what the guest sees */
	rtc->cmos[REG_B] = v;
	if (was_setting && !(v & B_SET))
		commit_time(rtc);
}

static void write_time_register(struct rtc *rtc, uint8_t index, uint8_t v)
{
	if (setting(rtc)) {
		rtc->cmos[index] = v;
		return;
	}
	/* Running clock: change one field of the current time. */
	store_time(rtc, guest_seconds(rtc));
	rtc->cmos[index] = v;
	commit_time(rtc);
}

static void write_register(struct rtc *rtc, uint8_t index, uint8_t v)
{
	if (is_clock_register(index)) {
		write_time_register(rtc, index, v);
		return;
	}
	switch (index) {
	case REG_A:
		rtc->cmos[REG_A] = v & ~A_UIP;
		break;
	case REG_B:
		write_register_b(rtc, v);
		break;
	case REG_C:
	case REG_D:
		break;	/* read-only */
	default:
		rtc->cmos[index] = v;
		break;
	}
}

static uint8_t rtc_read8(void *opaque, uint16_t offset)
{
	struct rtc *rtc = opaque;

	if (offset == 0)
		return 0xff;	/* the index register is write-only */
	return read_register(rtc, rtc->index);
}

static void rtc_write8(void *opaque, uint16_t offset, uint8_t value)
{
	struct rtc *rtc = opaque;

	if (offset == 0) {
		rtc->index = value & 0x7f;
		rtc->nmi_disabled = value & 0x80;
	} else {
		write_register(rtc, rtc->index, value);
	}
}

static uint32_t rtc_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct rtc *rtc = opaque;

	return io_read_bytewise(&rtc->io, offset, size, rtc_read8);
}

static void rtc_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct rtc *rtc = opaque;

	io_write_bytewise(&rtc->io, offset, size, value, rtc_write8);
}

void rtc_set_cmos(struct rtc *rtc, uint8_t index, uint8_t value)
{
	rtc->cmos[index & 0x7f] = value;
}

uint8_t rtc_get_cmos(const struct rtc *rtc, uint8_t index)
{
	return rtc->cmos[index & 0x7f];
}

static void set_cmos16(struct rtc *rtc, uint8_t index, uint64_t v)
{
	if (v > 0xffff)
		v = 0xffff;
	rtc->cmos[index] = v & 0xff;
	rtc->cmos[index + 1] = v >> 8;
}

void rtc_set_memory_size(struct rtc *rtc, uint64_t below_4g, uint64_t above_4g)
{
	const uint64_t kib = 1024, mib = 1024 * kib;
	uint64_t above_4g_units = above_4g / (64 * kib);

	set_cmos16(rtc, 0x15, below_4g / kib < 640 ? below_4g / kib : 640);
	set_cmos16(rtc, 0x17, below_4g > mib ? (below_4g - mib) / kib : 0);
	set_cmos16(rtc, 0x30, below_4g > mib ? (below_4g - mib) / kib : 0);
	set_cmos16(rtc, 0x34, below_4g > 16 * mib ? (below_4g - 16 * mib) / (64 * kib) : 0);
	if (above_4g_units > 0xffffff)
		above_4g_units = 0xffffff;
	rtc->cmos[0x5b] = above_4g_units & 0xff;
	rtc->cmos[0x5c] = above_4g_units >> 8 & 0xff;
	rtc->cmos[0x5d] = above_4g_units >> 16 & 0xff;
}

bool rtc_nmi_disabled(const struct rtc *rtc)
{
	return rtc->nmi_disabled;
}

void rtc_init(struct rtc *rtc, int64_t (*now_ns)(void *opaque), void *opaque)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->now = now_ns;
	rtc->opaque = opaque;
	rtc->cmos[REG_A] = 0x26;
	rtc->cmos[REG_B] = B_24H;
	rtc->cmos[REG_D] = D_VRT;
	rtc->last_c_read_s = guest_seconds(rtc);
	rtc->io = (struct io_device){
		.name = "rtc", .base = RTC_BASE, .len = 2,
		.opaque = rtc, .read = rtc_read, .write = rtc_write,
	};
}

int rtc_register(struct rtc *rtc, struct io_bus *bus)
{
	return io_bus_register(bus, &rtc->io);
}
