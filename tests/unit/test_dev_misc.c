// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the I/O bus, isa-debug-exit, the POST port, debugcon and
 * fw_cfg; then every device on one bus, wired as the runner wires them.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "devices/bus.h"
#include "devices/debug_exit.h"
#include "devices/fw_cfg.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "devices/uart.h"

/* A device that records what reached it. */
struct probe {
	struct io_device io;
	uint16_t offset;
	unsigned int size;
	uint32_t value;
	int reads, writes;
};

static uint32_t probe_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct probe *p = opaque;

	p->offset = offset;
	p->size = size;
	p->reads++;
	return 0xa1b2c3d4;
}

static void probe_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct probe *p = opaque;

	p->offset = offset;
	p->size = size;
	p->value = value;
	p->writes++;
}

static void probe_init(struct probe *p, uint16_t base, uint16_t len)
{
	*p = (struct probe){ .io = { .name = "probe", .base = base, .len = len,
				     .read = probe_read, .write = probe_write } };
	p->io.opaque = p;
}

static void bus_rejects_overlaps_and_bad_ranges(void)
{
	static struct probe p[IO_BUS_MAX_DEVICES + 8];
	struct io_bus bus;

	io_bus_init(&bus, false);
	probe_init(&p[0], 0x100, 8);
	CHECK_EQ(io_bus_register(&bus, &p[0].io), 0);
	probe_init(&p[1], 0x100, 8);
	CHECK_EQ(io_bus_register(&bus, &p[1].io), -1);	/* same range */
	probe_init(&p[1], 0x0fc, 5);
	CHECK_EQ(io_bus_register(&bus, &p[1].io), -1);	/* overlaps the start */
	probe_init(&p[1], 0x107, 1);
	CHECK_EQ(io_bus_register(&bus, &p[1].io), -1);	/* overlaps the end */
	probe_init(&p[1], 0x0f0, 0x20);
	CHECK_EQ(io_bus_register(&bus, &p[1].io), -1);	/* covers it */
	probe_init(&p[1], 0x0f8, 8);
	CHECK_EQ(io_bus_register(&bus, &p[1].io), 0);	/* adjacent below */
	probe_init(&p[2], 0x108, 8);
	CHECK_EQ(io_bus_register(&bus, &p[2].io), 0);	/* adjacent above */
	probe_init(&p[3], 0x200, 0);
	CHECK_EQ(io_bus_register(&bus, &p[3].io), -1);	/* empty */
	probe_init(&p[3], 0xfff0, 0x11);
	CHECK_EQ(io_bus_register(&bus, &p[3].io), -1);	/* past 0xffff */
	probe_init(&p[3], 0xfff0, 0x10);
	CHECK_EQ(io_bus_register(&bus, &p[3].io), 0);
	for (unsigned int i = 4; i < IO_BUS_MAX_DEVICES + 8; i++) {
		probe_init(&p[i], 0x1000 + i, 1);
		CHECK_EQ(io_bus_register(&bus, &p[i].io), i < IO_BUS_MAX_DEVICES ? 0 : -1);
	}
	io_bus_destroy(&bus);
}

static void bus_dispatches_offsets_sizes_and_masks(void)
{
	struct io_bus bus;
	struct probe p;

	io_bus_init(&bus, false);
	probe_init(&p, 0x3f8, 8);
	CHECK_EQ(io_bus_register(&bus, &p.io), 0);
	io_bus_write(&bus, 0x3fb, 2, 0x12345678);
	CHECK_EQ(p.offset, 3);
	CHECK_EQ(p.size, 2);
	CHECK_EQ(p.value, 0x5678);	/* only the bytes of the access */
	CHECK_EQ(io_bus_read(&bus, 0x3ff, 1), 0xd4);
	CHECK_EQ(p.offset, 7);
	CHECK_EQ(io_bus_read(&bus, 0x3f8, 2), 0xc3d4);
	CHECK_EQ(io_bus_read(&bus, 0x3f8, 4), 0xa1b2c3d4);
	/* a 4-byte access starting in the device goes to it whole */
	io_bus_write(&bus, 0x3fe, 4, 0xcafe);
	CHECK_EQ(p.offset, 6);
	CHECK_EQ(p.size, 4);
	/* not an access size: no device call */
	CHECK_EQ(io_bus_read(&bus, 0x3f8, 3), 0xffffffffu);
	io_bus_write(&bus, 0x3f8, 8, 0);
	CHECK_EQ(p.reads, 3);
	CHECK_EQ(p.writes, 2);
	io_bus_destroy(&bus);
}

/* Runs @fn with stderr captured into @buf. */
static void capture_stderr(char *buf, size_t size, void (*fn)(struct io_bus *), struct io_bus *bus)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn(bus);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static void poke_unclaimed(struct io_bus *bus)
{
	CHECK_EQ(io_bus_read(bus, 0x2f8, 1), 0xff);
	CHECK_EQ(io_bus_read(bus, 0x2f8, 2), 0xffff);
	CHECK_EQ(io_bus_read(bus, 0x2f8, 4), 0xffffffffu);
	io_bus_write(bus, 0x2f8, 1, 0);
	io_bus_write(bus, 0xcf8, 4, 0x80000000);
	io_bus_write(bus, 0xcf8, 4, 0x80000000);
	io_bus_read(bus, 0xffff, 1);
}

static void unclaimed_ports_read_ones_and_log_once(void)
{
	struct io_bus bus;
	char out[1024];

	io_bus_init(&bus, true);
	capture_stderr(out, sizeof(out), poke_unclaimed, &bus);
	CHECK(!strcmp(out, "vmlab: unclaimed port 0x2f8 (read)\n"
			   "vmlab: unclaimed port 0xcf8 (write)\n"
			   "vmlab: unclaimed port 0xffff (read)\n"), "%s", out);
	capture_stderr(out, sizeof(out), poke_unclaimed, &bus);
	CHECK(!strcmp(out, ""), "%s", out);
	io_bus_destroy(&bus);

	io_bus_init(&bus, false);
	capture_stderr(out, sizeof(out), poke_unclaimed, &bus);
	CHECK(!strcmp(out, ""), "quiet without debug: %s", out);
	io_bus_destroy(&bus);
}

struct exits {
	int count;
	int status;
	uint8_t text[16];
	size_t len;
};

static void record_exit(void *opaque, int status)
{
	struct exits *e = opaque;

	e->count++;
	e->status = status;
}

static void record_byte(void *opaque, uint8_t byte)
{
	struct exits *e = opaque;

	if (e->len < sizeof(e->text))
		e->text[e->len++] = byte;
}

static void debug_exit_status_arithmetic(void)
{
	struct io_bus bus;
	struct debug_exit de;
	struct exits e = { 0 };

	io_bus_init(&bus, false);
	debug_exit_init(&de, DEBUG_EXIT_PORT, 4, record_exit, &e);
	CHECK_EQ(debug_exit_register(&de, &bus), 0);
	io_bus_write(&bus, 0xf4, 4, 0);		/* the guest tests' "all passed" */
	CHECK_EQ(e.status, 1);
	io_bus_write(&bus, 0xf4, 1, 0x10);
	CHECK_EQ(e.status, 0x21);
	io_bus_write(&bus, 0xf4, 4, 0x31);
	CHECK_EQ(e.status, 99);
	io_bus_write(&bus, 0xf4, 4, 0xb016);
	CHECK_EQ(e.status, 0x1602d);
	io_bus_write(&bus, 0xf4, 4, 0xffffffffu);
	CHECK_EQ(e.status, -1);			/* the bits of 0x1ffffffff, as an int */
	io_bus_write(&bus, 0xf7, 1, 2);		/* iosize 4: all four ports */
	CHECK_EQ(e.status, 5);
	CHECK_EQ(e.count, 6);
	CHECK_EQ(io_bus_read(&bus, 0xf4, 4), 0);	/* QEMU reads 0 */
	io_bus_destroy(&bus);

	io_bus_init(&bus, false);
	debug_exit_init(&de, 0x501, 1, NULL, NULL);	/* QEMU's default port, no callback */
	CHECK_EQ(debug_exit_register(&de, &bus), 0);
	io_bus_write(&bus, 0x501, 2, 7);
	CHECK_EQ(de.io.len, 1);
	io_bus_destroy(&bus);
}

static void post_port_and_debugcon(void)
{
	struct io_bus bus;
	struct post_port post;
	struct debugcon dc;
	struct exits e = { 0 };

	io_bus_init(&bus, true);
	post_port_init(&post);
	debugcon_init(&dc, DEBUGCON_PORT, record_byte, &e);
	CHECK_EQ(post_port_register(&post, &bus), 0);
	CHECK_EQ(debugcon_register(&dc, &bus), 0);
	io_bus_write(&bus, 0x80, 1, 0x3c);	/* io_delay() and POST codes */
	CHECK_EQ(post.last_code, 0x3c);
	CHECK_EQ(io_bus_read(&bus, 0x80, 1), 0xff);
	CHECK_EQ(io_bus_read(&bus, 0x80, 2), 0xffff);
	CHECK_EQ(io_bus_read(&bus, 0xe9, 1), 0xe9);
	io_bus_write(&bus, 0xe9, 1, 'o');
	io_bus_write(&bus, 0xe9, 1, 'k');
	io_bus_write(&bus, 0xe9, 2, '\n' | 'X' << 8);	/* the second byte is not ours */
	CHECK_EQ(e.len, 3);
	CHECK(!memcmp(e.text, "ok\n", 3));
	io_bus_destroy(&bus);
}

struct fw_cfg_fixture {
	struct io_bus bus;
	struct fw_cfg cfg;
};

static void fw_select(struct fw_cfg_fixture *f, uint16_t key)
{
	io_bus_write(&f->bus, FW_CFG_PORT, 2, key);
}

static void fw_read(struct fw_cfg_fixture *f, void *buf, size_t n)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++)
		p[i] = io_bus_read(&f->bus, FW_CFG_PORT + 1, 1);
}

static uint64_t fw_read_le(struct fw_cfg_fixture *f, unsigned int n)
{
	uint8_t b[8];
	uint64_t v = 0;

	fw_read(f, b, n);
	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void fw_cfg_setup(struct fw_cfg_fixture *f)
{
	io_bus_init(&f->bus, false);
	fw_cfg_init(&f->cfg, 0x80000000ull + 0x1000, 2, 8);
	CHECK_EQ(fw_cfg_register(&f->cfg, &f->bus), 0);
}

static void fw_cfg_fixed_items(void)
{
	struct fw_cfg_fixture f;
	char sig[6] = { 0 };

	fw_cfg_setup(&f);
	/* Linux's qemu_fw_cfg probe: iowrite16 selector, ioread8 the data */
	fw_select(&f, FW_CFG_SIGNATURE);
	fw_read(&f, sig, 5);
	CHECK(!memcmp(sig, "QEMU\0", 5), "%s", sig);	/* and 0 past the end */
	fw_select(&f, FW_CFG_ID);
	CHECK_EQ(fw_read_le(&f, 4), FW_CFG_ID_TRADITIONAL);	/* no DMA bit */
	fw_select(&f, FW_CFG_RAM_SIZE);
	CHECK_EQ(fw_read_le(&f, 8), 0x80001000ull);
	fw_select(&f, FW_CFG_NB_CPUS);
	CHECK_EQ(fw_read_le(&f, 2), 2);
	CHECK_EQ(fw_read_le(&f, 2), 0);
	fw_select(&f, FW_CFG_MAX_CPUS);
	CHECK_EQ(fw_read_le(&f, 2), 8);
	fw_select(&f, FW_CFG_SIGNATURE | FW_CFG_WRITE_CHANNEL);	/* same item */
	CHECK_EQ(fw_read_le(&f, 4), 0x554d4551);
	fw_select(&f, FW_CFG_SIGNATURE | FW_CFG_ARCH_LOCAL);	/* no such item */
	CHECK_EQ(fw_read_le(&f, 4), 0);
	fw_select(&f, 0x1234);
	CHECK_EQ(fw_read_le(&f, 4), 0);
	fw_select(&f, FW_CFG_FILE_DIR);
	CHECK_EQ(fw_read_le(&f, 8), 0);			/* count 0, then the end */
	/* QEMU's combined region: byte reads at either port stream data, a
	 * byte write does not select, wide reads are not accesses */
	fw_select(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(io_bus_read(&f.bus, FW_CFG_PORT, 1), 'Q');
	io_bus_write(&f.bus, FW_CFG_PORT, 1, FW_CFG_ID);
	CHECK_EQ(io_bus_read(&f.bus, FW_CFG_PORT + 1, 1), 'E');
	CHECK_EQ(io_bus_read(&f.bus, FW_CFG_PORT, 2), 0xffff);
	CHECK_EQ(io_bus_read(&f.bus, FW_CFG_PORT + 1, 1), 'M');
	io_bus_destroy(&f.bus);
}

static void fw_cfg_files(void)
{
	static const char cmdline[] = "console=ttyS0";
	static const uint8_t blob[3] = { 1, 2, 3 };
	char long_name[FW_CFG_NAME_SIZE + 1];
	struct fw_cfg_fixture f;
	uint8_t dir[4 + 2 * 64 + 4];

	fw_cfg_setup(&f);
	CHECK_EQ(fw_cfg_add_file(&f.cfg, "opt/vmlab/cmdline", cmdline, sizeof(cmdline)), 0);
	CHECK_EQ(fw_cfg_add_file(&f.cfg, "etc/blob", blob, sizeof(blob)), 0);
	CHECK_EQ(fw_cfg_add_file(&f.cfg, "etc/blob", blob, 1), -1);
	CHECK_EQ(fw_cfg_add_file(&f.cfg, "", blob, 1), -1);
	CHECK_EQ(fw_cfg_add_file(&f.cfg, "etc/null", NULL, 1), -1);
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK_EQ(fw_cfg_add_file(&f.cfg, long_name, blob, 1), -1);
	long_name[FW_CFG_NAME_SIZE - 1] = '\0';		/* 55 bytes: fits */
	CHECK_EQ(fw_cfg_add_file(&f.cfg, long_name, NULL, 0), 0);
	fw_select(&f, FW_CFG_FILE_DIR);
	fw_read(&f, dir, sizeof(dir));
	CHECK_EQ(be32(dir), 3);
	CHECK_EQ(be32(dir + 4), sizeof(cmdline));
	CHECK_EQ(dir[8] << 8 | dir[9], FW_CFG_FILE_FIRST);
	CHECK(!strcmp((char *)dir + 12, "opt/vmlab/cmdline"));
	CHECK_EQ(be32(dir + 68), 3);
	CHECK_EQ(dir[72] << 8 | dir[73], FW_CFG_FILE_FIRST + 1);
	CHECK(!strcmp((char *)dir + 76, "etc/blob"));
	fw_select(&f, FW_CFG_FILE_FIRST + 1);
	CHECK_EQ(fw_read_le(&f, 4), 0x030201);		/* then 0 past the end */
	fw_select(&f, FW_CFG_FILE_FIRST + 2);
	CHECK_EQ(fw_read_le(&f, 1), 0);			/* an empty file */
	fw_select(&f, FW_CFG_FILE_FIRST + 3);
	CHECK_EQ(fw_read_le(&f, 1), 0);			/* no such file */
	for (int i = 3; i < FW_CFG_MAX_FILES; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		CHECK_EQ(fw_cfg_add_file(&f.cfg, name, blob, 1), 0);
	}
	CHECK_EQ(fw_cfg_add_file(&f.cfg, "one/too/many", blob, 1), -1);
	io_bus_destroy(&f.bus);
}

/* The runner's machine: every device on one bus, lines into the PIC. */
struct machine {
	struct io_bus bus;
	struct pic pic;
	struct pit pit;
	struct uart uart;
	struct rtc rtc;
	struct i8042 kbc;
	struct debug_exit de;
	struct post_port post;
	struct debugcon dc;
	struct fw_cfg cfg;
	uint64_t now;
	int exits, resets, kicks;
};

static uint64_t machine_clock(void *opaque)
{
	struct machine *m = opaque;

	return m->now;
}

static int64_t machine_wall_clock(void *opaque)
{
	struct machine *m = opaque;

	return (int64_t)(m->now & INT64_MAX);
}

static void machine_exit(void *opaque, int status)
{
	struct machine *m = opaque;

	(void)status;
	m->exits++;
}

static void machine_reset(void *opaque)
{
	struct machine *m = opaque;

	m->resets++;
}

static void machine_kick(void *opaque, bool level)
{
	struct machine *m = opaque;

	m->kicks += level;
}

static void machine_init(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	io_bus_init(&m->bus, false);
	pic_init(&m->pic, machine_kick, m);
	pit_init(&m->pit, pic_irq_line(&m->pic, PIT_IRQ), machine_clock, m);
	uart_init(&m->uart, UART_COM1_BASE, pic_irq_line(&m->pic, UART_COM1_IRQ), NULL, m);
	rtc_init(&m->rtc, machine_wall_clock, m);
	i8042_init(&m->kbc, pic_irq_line(&m->pic, I8042_KBD_IRQ),
		   pic_irq_line(&m->pic, I8042_AUX_IRQ), machine_reset, m);
	debug_exit_init(&m->de, DEBUG_EXIT_PORT, 4, machine_exit, m);
	post_port_init(&m->post);
	debugcon_init(&m->dc, DEBUGCON_PORT, NULL, NULL);
	fw_cfg_init(&m->cfg, 1 << 30, 1, 1);
	CHECK_EQ(pic_register(&m->pic, &m->bus), 0);
	CHECK_EQ(pit_register(&m->pit, &m->bus), 0);
	CHECK_EQ(uart_register(&m->uart, &m->bus), 0);
	CHECK_EQ(rtc_register(&m->rtc, &m->bus), 0);
	CHECK_EQ(i8042_register(&m->kbc, &m->bus), 0);
	CHECK_EQ(debug_exit_register(&m->de, &m->bus), 0);
	CHECK_EQ(post_port_register(&m->post, &m->bus), 0);
	CHECK_EQ(debugcon_register(&m->dc, &m->bus), 0);
	CHECK_EQ(fw_cfg_register(&m->cfg, &m->bus), 0);
	CHECK_EQ(m->bus.count, 13);
}

static void timer_interrupt_reaches_the_cpu(void)
{
	struct machine *m = malloc(sizeof(*m));

	machine_init(m);
	io_bus_write(&m->bus, 0x20, 1, 0x11);	/* PIC: base 0x30, IRQ0 only */
	io_bus_write(&m->bus, 0x21, 1, 0x30);
	io_bus_write(&m->bus, 0x21, 1, 0x04);
	io_bus_write(&m->bus, 0x21, 1, 0x01);
	io_bus_write(&m->bus, 0x21, 1, 0xfe);
	io_bus_write(&m->bus, 0x43, 1, 0x34);	/* PIT: 1 kHz */
	io_bus_write(&m->bus, 0x40, 1, 1193 & 0xff);
	io_bus_write(&m->bus, 0x40, 1, 1193 >> 8);
	CHECK(!pic_has_interrupt(&m->pic));
	m->now = pit_next_event_ns(&m->pit, m->now);
	CHECK_EQ(m->now, 1000686);		/* load + 1193 ticks = 1194 / 1.193182 MHz */
	pit_update(&m->pit, m->now);
	CHECK(pic_has_interrupt(&m->pic));
	CHECK_EQ(m->kicks, 1);
	CHECK_EQ(pic_ack(&m->pic), 0x30);
	io_bus_write(&m->bus, 0x20, 1, 0x20);
	m->now = pit_next_event_ns(&m->pit, m->now);
	pit_update(&m->pit, m->now);
	CHECK_EQ(pic_ack(&m->pic), 0x30);
	CHECK_EQ(m->kicks, 2);
	io_bus_destroy(&m->bus);
	free(m);
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

/* Anything to any port, with time passing and interrupts taken. */
static void fuzz_the_whole_port_space(void)
{
	static const unsigned int sizes[] = { 1, 2, 4, 1, 0, 3 };
	static const uint16_t hot[] = { 0x20, 0x21, 0xa0, 0xa1, 0x40, 0x43, 0x61, 0x60,
					0x64, 0x70, 0x71, 0x3f8, 0x3fa, 0x3fc, 0x510, 0x511 };
	struct machine *m = malloc(sizeof(*m));
	uint64_t seed = 0xfeedfacecafebeefull;
	uint8_t in[8] = "fuzzing";

	machine_init(m);
	for (int i = 0; i < 500000; i++) {
		uint32_t r = rnd(&seed);
		uint16_t port = (r & 1) ? (uint16_t)rnd(&seed) : hot[(r >> 1) % 16] + ((r >> 5) & 1);
		unsigned int size = sizes[(r >> 6) % 6];

		switch ((r >> 9) % 8) {
		case 0:
		case 1:
		case 2:
			io_bus_write(&m->bus, port, size, rnd(&seed));
			break;
		case 3:
		case 4:
			io_bus_read(&m->bus, port, size);
			break;
		case 5:
			m->now += rnd(&seed) % 5000000;
			pit_update(&m->pit, m->now);
			pit_next_event_ns(&m->pit, m->now);
			break;
		case 6:
			if (pic_has_interrupt(&m->pic))
				pic_ack(&m->pic);
			break;
		default:
			uart_receive(&m->uart, in, (r >> 12) % 8);
			break;
		}
	}
	CHECK(m->exits > 0 && m->resets > 0, "exits %d resets %d", m->exits, m->resets);
	io_bus_destroy(&m->bus);
	free(m);
}

int main(void)
{
	check_prog = "dev_misc";
	RUN(bus_rejects_overlaps_and_bad_ranges);
	RUN(bus_dispatches_offsets_sizes_and_masks);
	RUN(unclaimed_ports_read_ones_and_log_once);
	RUN(debug_exit_status_arithmetic);
	RUN(post_port_and_debugcon);
	RUN(fw_cfg_fixed_items);
	RUN(fw_cfg_files);
	RUN(timer_interrupt_reaches_the_cpu);
	RUN(fuzz_the_whole_port_space);
	return check_done();
}
