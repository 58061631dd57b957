// SPDX-License-Identifier: GPL-2.0
/*
 * 8254 PIT after Intel's datasheet (231164).  Each channel is described by
 * when its counting element was loaded (@load, in PIT ticks) and with what
 * (@reload); count and OUT at any later tick follow from the mode.  OUT's
 * rising edges are counted rather than simulated: IRQ0 fires when the
 * count moved since the last delivery, however late the runner looks.
 */
#include <string.h>
#include "pit.h"

#define NS_PER_S		1000000000ull
#define REFRESH_PERIOD_NS	15085	/* port 0x61 bit 4 toggles at DRAM refresh rate */

#define CW_BCD			0x01
#define READBACK_NO_COUNT	0x20
#define READBACK_NO_STATUS	0x10
#define ACCESS_LATCH		0
#define ACCESS_LSB		1
#define ACCESS_MSB		2
#define ACCESS_WORD		3

#define PORT61_GATE2		0x01
#define PORT61_WRITABLE		0x0f
#define PORT61_REFRESH		0x10
#define PORT61_OUT2		0x20

/* Ticks of the 1.193182 MHz clock before @ns, without 64-bit overflow. */
static uint64_t ticks_at(uint64_t ns)
{
	return ns / NS_PER_S * PIT_FREQ_HZ + ns % NS_PER_S * PIT_FREQ_HZ / NS_PER_S;
}

/* The first nanosecond by which @tick has happened (UINT64_MAX if never). */
static uint64_t ns_of_tick(uint64_t tick)
{
	uint64_t secs = tick / PIT_FREQ_HZ;
	uint64_t frac = (tick % PIT_FREQ_HZ * NS_PER_S + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;

	if (secs > (UINT64_MAX - frac) / NS_PER_S)
		return UINT64_MAX;
	return secs * NS_PER_S + frac;
}

static uint16_t to_bcd16(uint32_t v)
{
	return (v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
}

static uint32_t from_bcd16(uint16_t v)
{
	return (v >> 12) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
}

static bool is_periodic(const struct pit_channel *c)
{
	return c->mode == 2 || c->mode == 3;
}

static bool waits_for_gate_edge(const struct pit_channel *c)
{
	return c->mode == 1 || c->mode == 5;
}

static bool gate_pauses(const struct pit_channel *c)
{
	return c->mode == 0 || c->mode == 4;
}

static uint32_t modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000 : 65536;
}

/* The count written as a period: 0 is the largest, 65536 or 10000. */
static uint32_t decode_count(const struct pit_channel *c, uint16_t raw)
{
	uint32_t n = c->bcd ? from_bcd16(raw) % 10000 : raw;

	return n ? n : modulus(c);
}

/* A period of 1 is illegal in modes 2 and 3; run it as 2 rather than never rising. */
static uint32_t run_reload(const struct pit_channel *c)
{
	return is_periodic(c) && c->reload < 2 ? 2 : c->reload;
}

/* Ticks counted since the load, frozen while a gate pause lasts. */
static uint64_t elapsed(const struct pit_channel *c, uint64_t t)
{
	if (c->paused)
		return c->paused_elapsed;
	return t > c->load ? t - c->load : 0;
}

/* OUT's rising edges in the first @e ticks of a run. */
static uint64_t rises_in_run(const struct pit_channel *c, uint64_t e)
{
	uint64_t r = run_reload(c);

	switch (c->mode) {
	case 0:
	case 1:
		return e >= r;		/* terminal count */
	case 2:
	case 3:
		return e / r;		/* every period end */
	default:
		return e > r;		/* the strobe ends one tick after terminal count */
	}
}

static bool out_in_run(const struct pit_channel *c, uint64_t e)
{
	uint64_t r = run_reload(c);

	switch (c->mode) {
	case 0:
	case 1:
		return e >= r;
	case 2:
		return e % r != r - 1;		/* low for the tick at count 1 */
	case 3:
		return e % r < (r + 1) / 2;	/* high for the longer half */
	default:
		return e != r;
	}
}

/* The tick of the next rising edge after @t, or UINT64_MAX. */
static uint64_t next_rise_tick(const struct pit_channel *c, uint64_t t)
{
	uint64_t e = elapsed(c, t), r = run_reload(c);

	if (!c->armed || c->paused)
		return UINT64_MAX;
	switch (c->mode) {
	case 0:
	case 1:
		return e < r ? c->load + r : UINT64_MAX;
	case 2:
	case 3:
		return c->load + (e / r + 1) * r;
	default:
		return e <= r ? c->load + r + 1 : UINT64_MAX;
	}
}

/* A new count waiting for the period end takes over once that end is past. */
static void settle(struct pit_channel *c, uint64_t t)
{
	if (!c->pending || t < c->pending_load)
		return;
	c->rises_before += rises_in_run(c, c->pending_load - c->load);
	c->load = c->pending_load;
	c->reload = c->pending_reload;
	c->pending = false;
}

static uint64_t rises(const struct pit_channel *c, uint64_t t)
{
	return c->rises_before + (c->armed ? rises_in_run(c, elapsed(c, t)) : 0);
}

static bool channel_out(const struct pit_channel *c, uint64_t t)
{
	if (!c->armed)
		return c->mode != 0;	/* mode 0 waits low, the others high */
	return out_in_run(c, elapsed(c, t));
}

static uint32_t current_count(const struct pit_channel *c, uint64_t t)
{
	uint32_t m = modulus(c), r = run_reload(c);
	uint64_t e = elapsed(c, t);

	if (!c->armed)
		return c->count_written ? c->count % m : 0;
	switch (c->mode) {
	case 2:
		return (r - e % r) % m;
	case 3:
		return (r - 2 * (e % r) % r) % m;	/* counts down by two */
	default:
		return (r + m - e % m) % m;		/* keeps counting past zero */
	}
}

static bool null_count(const struct pit_channel *c, uint64_t t)
{
	return !(c->armed && t >= c->load && !c->pending && c->reload == c->count);
}

static void disarm(struct pit_channel *c, uint64_t t)
{
	if (c->armed)
		c->rises_before += rises_in_run(c, elapsed(c, t));
	c->armed = false;
	c->paused = false;
	c->pending = false;
}

/* The counting element loads on the clock edge after @t. */
static void arm(struct pit_channel *c, uint64_t t, uint32_t reload)
{
	disarm(c, t);
	c->armed = true;
	c->load = t + 1;
	c->reload = reload;
	if (gate_pauses(c) && !c->gate) {
		c->paused = true;
		c->paused_elapsed = 0;
	}
}

static void set_count(struct pit_channel *c, uint64_t t, uint16_t raw)
{
	uint32_t n = decode_count(c, raw);

	c->count = n;
	c->count_written = true;
	if (waits_for_gate_edge(c))
		return;
	if (!is_periodic(c)) {
		arm(c, t, n);
	} else if (!c->armed) {
		if (c->gate)
			arm(c, t, n);
	} else {
		/* Modes 2 and 3 finish the current period with the old count. */
		uint64_t r = run_reload(c);

		c->pending = true;
		c->pending_load = c->load + (elapsed(c, t) / r + 1) * r;
		c->pending_reload = n;
	}
}

static void set_gate(struct pit_channel *c, uint64_t t, bool gate)
{
	if (gate == c->gate)
		return;
	c->gate = gate;
	if (gate_pauses(c)) {
		if (!c->armed)
			return;
		if (!gate) {
			c->paused_elapsed = elapsed(c, t);
			c->paused = true;
		} else if (c->paused) {
			c->load = t - c->paused_elapsed;
			c->paused = false;
		}
	} else if (gate && c->count_written) {
		arm(c, t, c->count);	/* the rising edge (re)triggers */
	} else if (!gate && is_periodic(c)) {
		disarm(c, t);		/* counting stops with OUT high */
	}
}

static void program(struct pit_channel *c, uint64_t t, uint8_t cw)
{
	disarm(c, t);
	c->mode_bits = cw >> 1 & 7;
	c->mode = c->mode_bits > 5 ? c->mode_bits - 4 : c->mode_bits;
	c->access = cw >> 4 & 3;
	c->bcd = cw & CW_BCD;
	c->count_written = false;
	c->msb_write_next = false;
	c->msb_read_next = false;
	c->count_latched = false;
	c->status_latched = false;
}

static uint16_t encoded_count(const struct pit_channel *c, uint64_t t)
{
	uint32_t v = current_count(c, t);

	return c->bcd ? to_bcd16(v) : (uint16_t)v;
}

/* Later latch commands are ignored until the latched value is read. */
static void latch_count(struct pit_channel *c, uint64_t t)
{
	if (c->count_latched)
		return;
	c->latched_count = encoded_count(c, t);
	c->count_latched = true;
	c->latch_msb_next = false;
}

static void latch_status(struct pit_channel *c, uint64_t t)
{
	if (c->status_latched)
		return;
	c->latched_status = channel_out(c, t) << 7 | null_count(c, t) << 6 |
			    c->access << 4 | c->mode_bits << 1 | c->bcd;
	c->status_latched = true;
}

static void read_back(struct pit *pit, uint64_t t, uint8_t cw)
{
	for (int i = 0; i < 3; i++) {
		if (!(cw & (2 << i)))
			continue;
		if (!(cw & READBACK_NO_COUNT))
			latch_count(&pit->ch[i], t);
		if (!(cw & READBACK_NO_STATUS))
			latch_status(&pit->ch[i], t);
	}
}

static void write_control(struct pit *pit, uint64_t t, uint8_t cw)
{
	unsigned int sel = cw >> 6;

	if (sel == 3)
		read_back(pit, t, cw);
	else if ((cw >> 4 & 3) == ACCESS_LATCH)
		latch_count(&pit->ch[sel], t);
	else
		program(&pit->ch[sel], t, cw);
}

static void write_data(struct pit_channel *c, uint64_t t, uint8_t v)
{
	switch (c->access) {
	case ACCESS_LSB:
		set_count(c, t, v);
		break;
	case ACCESS_MSB:
		set_count(c, t, v << 8);
		break;
	default:
		if (!c->msb_write_next) {
			c->lsb_written = v;
			c->msb_write_next = true;
			if (c->mode == 0)
				disarm(c, t);	/* the first byte stops a mode 0 count */
		} else {
			c->msb_write_next = false;
			set_count(c, t, c->lsb_written | v << 8);
		}
		break;
	}
}

/* The byte a read returns under @access, with @msb_next the word phase. */
static uint8_t byte_of(uint16_t v, uint8_t access, bool *msb_next, bool *done)
{
	bool msb = access == ACCESS_MSB || (access == ACCESS_WORD && *msb_next);

	if (access == ACCESS_WORD)
		*msb_next = !*msb_next;
	*done = access != ACCESS_WORD || !*msb_next;
	return msb ? v >> 8 : v & 0xff;
}

static uint8_t read_data(struct pit_channel *c, uint64_t t)
{
	bool done;
	uint8_t v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->latched_status;
	}
	if (c->count_latched) {
		v = byte_of(c->latched_count, c->access, &c->latch_msb_next, &done);
		if (done)
			c->count_latched = false;
		return v;
	}
	return byte_of(encoded_count(c, t), c->access, &c->msb_read_next, &done);
}

static uint64_t pit_ticks(struct pit *pit, uint64_t ns)
{
	if (ns < pit->last_ns)
		ns = pit->last_ns;
	pit->last_ns = ns;
	for (int i = 0; i < 3; i++)
		settle(&pit->ch[i], ticks_at(ns));
	return ticks_at(ns);
}

static uint64_t guest_ticks(struct pit *pit)
{
	return pit_ticks(pit, pit->clock ? pit->clock(pit->clock_opaque) : pit->last_ns);
}

/*
 * Brings IRQ0 up to date: a pulse for rising edges not yet delivered,
 * then the line follows OUT0 (so reprogramming that raises OUT is an edge).
 */
static void sync_irq0(struct pit *pit, uint64_t t)
{
	const struct pit_channel *c = &pit->ch[0];
	uint64_t r = rises(c, t);
	bool out = channel_out(c, t);

	if (r != pit->irq0_rises) {
		pit->irq0_rises = r;
		if (pit->irq0_level)
			irq_set(&pit->irq0, 0);
		irq_set(&pit->irq0, 1);
		pit->irq0_level = true;
	}
	if (out != pit->irq0_level) {
		irq_set(&pit->irq0, out);
		pit->irq0_level = out;
	}
}

void pit_update(struct pit *pit, uint64_t now_ns)
{
	sync_irq0(pit, pit_ticks(pit, now_ns));
}

uint64_t pit_next_event_ns(struct pit *pit, uint64_t now_ns)
{
	uint64_t t = pit_ticks(pit, now_ns);

	if (rises(&pit->ch[0], t) != pit->irq0_rises)
		return pit->last_ns;	/* overdue: pit_update() was skipped */
	return ns_of_tick(next_rise_tick(&pit->ch[0], t));
}

static uint8_t pit_read8(void *opaque, uint16_t offset)
{
	struct pit *pit = opaque;

	if (offset == 3)
		return 0xff;	/* the control word is write-only: the bus floats */
	return read_data(&pit->ch[offset], guest_ticks(pit));
}

static void pit_write8(void *opaque, uint16_t offset, uint8_t value)
{
	struct pit *pit = opaque;
	uint64_t t = guest_ticks(pit);

	sync_irq0(pit, t);	/* edges due before the change come first */
	if (offset == 3)
		write_control(pit, t, value);
	else
		write_data(&pit->ch[offset], t, value);
	sync_irq0(pit, t);
}

static uint32_t pit_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct pit *pit = opaque;

	return io_read_bytewise(&pit->io, offset, size, pit_read8);
}

static void pit_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct pit *pit = opaque;

	io_write_bytewise(&pit->io, offset, size, value, pit_write8);
}

static uint8_t port61_read8(void *opaque, uint16_t offset)
{
	struct pit *pit = opaque;
	uint64_t t = guest_ticks(pit);
	uint8_t v = pit->port61 & PORT61_WRITABLE;

	(void)offset;
	if (pit->last_ns / REFRESH_PERIOD_NS & 1)
		v |= PORT61_REFRESH;
	if (channel_out(&pit->ch[2], t))
		v |= PORT61_OUT2;
	return v;
}

static void port61_write8(void *opaque, uint16_t offset, uint8_t value)
{
	struct pit *pit = opaque;
	uint64_t t = guest_ticks(pit);

	(void)offset;
	pit->port61 = value & PORT61_WRITABLE;
	set_gate(&pit->ch[2], t, value & PORT61_GATE2);
}

static uint32_t port61_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct pit *pit = opaque;

	return io_read_bytewise(&pit->io_port61, offset, size, port61_read8);
}

static void port61_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct pit *pit = opaque;

	io_write_bytewise(&pit->io_port61, offset, size, value, port61_write8);
}

void pit_init(struct pit *pit, struct irq_line irq0,
	      uint64_t (*clock)(void *opaque), void *clock_opaque)
{
	memset(pit, 0, sizeof(*pit));
	pit->irq0 = irq0;
	pit->clock = clock;
	pit->clock_opaque = clock_opaque;
	for (int i = 0; i < 3; i++) {
		/* Mode 3 as a BIOS programs it, but idle: OUT high, no count. */
		pit->ch[i].mode = 3;
		pit->ch[i].mode_bits = 3;
		pit->ch[i].access = ACCESS_WORD;
		pit->ch[i].gate = i != 2;	/* channels 0 and 1 are wired high */
	}
	/* Taken as high without driving it: init order must not matter to the PIC. */
	pit->irq0_level = true;
	pit->io = (struct io_device){
		.name = "pit", .base = PIT_BASE, .len = 4,
		.opaque = pit, .read = pit_read, .write = pit_write,
	};
	pit->io_port61 = (struct io_device){
		.name = "port61", .base = PIT_PORT61, .len = 1,
		.opaque = pit, .read = port61_read, .write = port61_write,
	};
}

int pit_register(struct pit *pit, struct io_bus *bus)
{
	if (io_bus_register(bus, &pit->io) || io_bus_register(bus, &pit->io_port61))
		return -1;
	return 0;
}
