/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MC146818 RTC and CMOS RAM at 0x70 (index; bit 7 disables NMI) and 0x71
 * (data).  The clock is read from @now, nanoseconds since 1970-01-01 UTC,
 * whenever the guest looks; a guest that sets the clock keeps an offset
 * from it.  Registers 0x0e-0x7f are plain NVRAM the runner may fill
 * (memory sizes for firmware), except 0x32, the IBM century byte, which
 * belongs to the clock.  Every call needs the bus lock.
 */
#ifndef VMLAB_DEVICES_RTC_H
#define VMLAB_DEVICES_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include "bus.h"

#define RTC_BASE		0x70
#define RTC_CMOS_SIZE		128

struct rtc {
	struct io_device io;
	int64_t (*now)(void *opaque);
	void *opaque;
	int64_t offset_s;		/* guest clock - host clock */
	uint8_t cmos[RTC_CMOS_SIZE];	/* time registers hold a snapshot only while SET */
	uint8_t index;
	bool nmi_disabled;
	int64_t last_c_read_s;		/* register C's UF: a second ended since the last read */
};

/* Register A 0x26 (32.768 kHz, 1024 Hz), B 0x02 (24-hour, BCD), D 0x80 (valid). */
void rtc_init(struct rtc *rtc, int64_t (*now_ns)(void *opaque), void *opaque);
int rtc_register(struct rtc *rtc, struct io_bus *bus);

/* Raw CMOS bytes, as firmware would have left them (@index & 0x7f). */
void rtc_set_cmos(struct rtc *rtc, uint8_t index, uint8_t value);
uint8_t rtc_get_cmos(const struct rtc *rtc, uint8_t index);
/*
 * The PC memory-size bytes QEMU and SeaBIOS agree on: 0x15/0x16 base KiB,
 * 0x17/0x18 and 0x30/0x31 KiB above 1 MiB (to 64 MiB), 0x34/0x35 64 KiB
 * units above 16 MiB below 4 GiB, 0x5b-0x5d 64 KiB units above 4 GiB.
 */
void rtc_set_memory_size(struct rtc *rtc, uint64_t below_4g, uint64_t above_4g);
/* Bit 7 of the last index written: the guest asked for NMIs off. */
bool rtc_nmi_disabled(const struct rtc *rtc);

#endif
