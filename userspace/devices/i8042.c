// SPDX-License-Identifier: GPL-2.0
/*
 * 8042 keyboard controller after IBM's PS/2 technical reference, with the
 * commands Linux's i8042 driver, its real-mode A20 code and its reboot
 * path issue.  Commands it does not know are ignored, as most controllers
 * do: the guest times out waiting for a reply that never comes.
 */
#include <string.h>
#include "i8042.h"

#define STR_OBF		0x01
#define STR_SYS		0x04
#define STR_CMD		0x08
#define STR_UNLOCKED	0x10
#define STR_AUXDATA	0x20

#define CTR_KBDINT	0x01
#define CTR_AUXINT	0x02
#define CTR_SYS		0x04
#define CTR_KBDDIS	0x10
#define CTR_AUXDIS	0x20
#define CTR_XLATE	0x40

#define OUT_RESET	0x01	/* active low: 0 resets the CPU */
#define OUT_A20		0x02
#define OUT_KBD_OBF	0x10
#define OUT_AUX_OBF	0x20

enum i8042_command {
	CMD_READ_RAM = 0x20,	/* 0x20-0x3f */
	CMD_WRITE_RAM = 0x60,	/* 0x60-0x7f */
	CMD_AUX_DISABLE = 0xa7,
	CMD_AUX_ENABLE = 0xa8,
	CMD_SELF_TEST = 0xaa,
	CMD_KBD_TEST = 0xab,
	CMD_KBD_DISABLE = 0xad,
	CMD_KBD_ENABLE = 0xae,
	CMD_READ_OUTPORT = 0xd0,
	CMD_WRITE_OUTPORT = 0xd1,
	CMD_WRITE_KBD_OBUF = 0xd2,
	CMD_WRITE_AUX_OBUF = 0xd3,
	CMD_WRITE_AUX = 0xd4,
	CMD_PULSE = 0xf0,	/* 0xf0-0xff: pulse output port bits 0-3 that are 0 */
};

#define SELF_TEST_OK	0x55
#define KBD_TEST_OK	0x00

/* The keyboard's side of the conversation. */
#define KBD_ACK		0xfa
#define KBD_BAT_OK	0xaa
#define KBD_SET_LEDS	0xed
#define KBD_ECHO	0xee
#define KBD_SCANCODE_SET 0xf0
#define KBD_GET_ID	0xf2
#define KBD_SET_RATE	0xf3
#define KBD_RESET	0xff

static uint8_t command_byte(const struct i8042 *kbc)
{
	return kbc->ram[0];
}

static bool head_is_aux(const struct i8042 *kbc)
{
	return kbc->count && kbc->queue[kbc->head].aux;
}

static void set_line(struct irq_line *line, bool *level, bool want)
{
	if (*level != want) {
		*level = want;
		irq_set(line, want);
	}
}

/* IRQ1/IRQ12 follow a full output buffer whose interrupt is enabled. */
static void update_irqs(struct i8042 *kbc)
{
	bool full = kbc->count;

	set_line(&kbc->kbd_irq, &kbc->kbd_level,
		 full && !head_is_aux(kbc) && (command_byte(kbc) & CTR_KBDINT));
	set_line(&kbc->aux_irq, &kbc->aux_level,
		 full && head_is_aux(kbc) && (command_byte(kbc) & CTR_AUXINT));
}

/* A byte for the guest; beyond the queue it is lost, as a busy 8042 loses it. */
static void queue_byte(struct i8042 *kbc, uint8_t byte, bool aux)
{
	unsigned int tail;

	if (kbc->count == I8042_QUEUE_SIZE)
		return;
	tail = (kbc->head + kbc->count) % I8042_QUEUE_SIZE;
	kbc->queue[tail].byte = byte;
	kbc->queue[tail].aux = aux;
	kbc->count++;
}

static void reply(struct i8042 *kbc, uint8_t byte)
{
	queue_byte(kbc, byte, false);
}

static uint8_t read_data(struct i8042 *kbc)
{
	if (kbc->count) {
		kbc->last_read = kbc->queue[kbc->head].byte;
		kbc->head = (kbc->head + 1) % I8042_QUEUE_SIZE;
		kbc->count--;
		/* The next byte is a new interrupt: let the edge-triggered PIC see it. */
		set_line(&kbc->kbd_irq, &kbc->kbd_level, false);
		set_line(&kbc->aux_irq, &kbc->aux_level, false);
	}
	update_irqs(kbc);
	return kbc->last_read;
}

static uint8_t read_status(const struct i8042 *kbc)
{
	uint8_t v = STR_UNLOCKED;

	if (kbc->count)
		v |= STR_OBF;
	if (head_is_aux(kbc))
		v |= STR_AUXDATA;
	if (command_byte(kbc) & CTR_SYS)
		v |= STR_SYS;
	if (kbc->last_write_was_command)
		v |= STR_CMD;
	return v;
}

static uint8_t outport_value(const struct i8042 *kbc)
{
	uint8_t v = kbc->outport & ~(OUT_KBD_OBF | OUT_AUX_OBF);

	if (kbc->count)
		v |= head_is_aux(kbc) ? OUT_AUX_OBF : OUT_KBD_OBF;
	return v;
}

static void reset_machine(struct i8042 *kbc)
{
	if (kbc->reset)
		kbc->reset(kbc->opaque);
}

static void write_outport(struct i8042 *kbc, uint8_t v)
{
	kbc->outport = v;
	if (!(v & OUT_RESET))
		reset_machine(kbc);
}

/* Commands that take no data byte. */
static void run_command(struct i8042 *kbc, uint8_t cmd)
{
	switch (cmd) {
	case CMD_AUX_DISABLE:
		kbc->ram[0] |= CTR_AUXDIS;
		break;
	case CMD_AUX_ENABLE:
		kbc->ram[0] &= ~CTR_AUXDIS;
		break;
	case CMD_SELF_TEST:
		kbc->ram[0] |= CTR_SYS;
		reply(kbc, SELF_TEST_OK);
		break;
	case CMD_KBD_TEST:
		reply(kbc, KBD_TEST_OK);
		break;
	case CMD_KBD_DISABLE:
		kbc->ram[0] |= CTR_KBDDIS;
		break;
	case CMD_KBD_ENABLE:
		kbc->ram[0] &= ~CTR_KBDDIS;
		break;
	case CMD_READ_OUTPORT:
		reply(kbc, outport_value(kbc));
		break;
	default:
		break;
	}
}

static bool takes_data_byte(uint8_t cmd)
{
	return (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20) ||
	       (cmd >= CMD_WRITE_OUTPORT && cmd <= CMD_WRITE_AUX);
}

static void write_command(struct i8042 *kbc, uint8_t cmd)
{
	kbc->pending_command = 0;
	if (cmd >= CMD_READ_RAM && cmd < CMD_READ_RAM + 0x20)
		reply(kbc, kbc->ram[cmd & 0x1f]);
	else if (takes_data_byte(cmd))
		kbc->pending_command = cmd;
	else if (cmd >= CMD_PULSE && !(cmd & OUT_RESET))
		reset_machine(kbc);	/* 0xfe and the like pulse the reset line */
	else
		run_command(kbc, cmd);
}

/* The data byte of a command written to 0x64 just before. */
static void finish_command(struct i8042 *kbc, uint8_t cmd, uint8_t v)
{
	if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + 0x20)
		kbc->ram[cmd & 0x1f] = v;
	else if (cmd == CMD_WRITE_OUTPORT)
		write_outport(kbc, v);
	else if (cmd == CMD_WRITE_KBD_OBUF)
		queue_byte(kbc, v, false);
	else if (cmd == CMD_WRITE_AUX_OBUF)
		queue_byte(kbc, v, true);
	/* CMD_WRITE_AUX: no mouse to receive it */
}

/* A keyboard with no keys: acknowledges, identifies as MF2, passes BAT. */
static void keyboard_write(struct i8042 *kbc, uint8_t v)
{
	uint8_t awaited = kbc->kbd_pending_command;

	kbc->kbd_pending_command = 0;
	if (awaited) {
		reply(kbc, KBD_ACK);
		if (awaited == KBD_SCANCODE_SET && v == 0)
			reply(kbc, 2);
		return;
	}
	switch (v) {
	case KBD_SET_LEDS:
	case KBD_SCANCODE_SET:
	case KBD_SET_RATE:
		kbc->kbd_pending_command = v;
		reply(kbc, KBD_ACK);
		break;
	case KBD_ECHO:
		reply(kbc, KBD_ECHO);
		break;
	case KBD_GET_ID:
		reply(kbc, KBD_ACK);
		reply(kbc, 0xab);
		reply(kbc, command_byte(kbc) & CTR_XLATE ? 0x41 : 0x83);
		break;
	case KBD_RESET:
		reply(kbc, KBD_ACK);
		reply(kbc, KBD_BAT_OK);
		break;
	default:
		reply(kbc, KBD_ACK);
		break;
	}
}

static void write_data(struct i8042 *kbc, uint8_t v)
{
	uint8_t cmd = kbc->pending_command;

	kbc->pending_command = 0;
	if (cmd) {
		finish_command(kbc, cmd, v);
	} else {
		kbc->ram[0] &= ~CTR_KBDDIS;	/* talking to the keyboard enables it */
		keyboard_write(kbc, v);
	}
}

static uint8_t data_read8(void *opaque, uint16_t offset)
{
	(void)offset;
	return read_data(opaque);
}

static void data_write8(void *opaque, uint16_t offset, uint8_t value)
{
	struct i8042 *kbc = opaque;

	(void)offset;
	kbc->last_write_was_command = false;
	write_data(kbc, value);
	update_irqs(kbc);
}

static uint8_t cmd_read8(void *opaque, uint16_t offset)
{
	(void)offset;
	return read_status(opaque);
}

static void cmd_write8(void *opaque, uint16_t offset, uint8_t value)
{
	struct i8042 *kbc = opaque;

	(void)offset;
	kbc->last_write_was_command = true;
	write_command(kbc, value);
	update_irqs(kbc);
}

static uint32_t data_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct i8042 *kbc = opaque;

	return io_read_bytewise(&kbc->io_data, offset, size, data_read8);
}

static void data_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct i8042 *kbc = opaque;

	io_write_bytewise(&kbc->io_data, offset, size, value, data_write8);
}

static uint32_t cmd_read(void *opaque, uint16_t offset, unsigned int size)
{
	struct i8042 *kbc = opaque;

	return io_read_bytewise(&kbc->io_cmd, offset, size, cmd_read8);
}

static void cmd_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct i8042 *kbc = opaque;

	io_write_bytewise(&kbc->io_cmd, offset, size, value, cmd_write8);
}

void i8042_init(struct i8042 *kbc, struct irq_line kbd_irq, struct irq_line aux_irq,
		void (*reset)(void *opaque), void *opaque)
{
	memset(kbc, 0, sizeof(*kbc));
	kbc->kbd_irq = kbd_irq;
	kbc->aux_irq = aux_irq;
	kbc->reset = reset;
	kbc->opaque = opaque;
	kbc->ram[0] = CTR_XLATE | CTR_SYS | CTR_KBDINT;
	kbc->outport = 0xcc | OUT_A20 | OUT_RESET;	/* unused bits read as ones */
	kbc->io_data = (struct io_device){
		.name = "i8042-data", .base = I8042_DATA_PORT, .len = 1,
		.opaque = kbc, .read = data_read, .write = data_write,
	};
	kbc->io_cmd = (struct io_device){
		.name = "i8042-cmd", .base = I8042_CMD_PORT, .len = 1,
		.opaque = kbc, .read = cmd_read, .write = cmd_write,
	};
}

int i8042_register(struct i8042 *kbc, struct io_bus *bus)
{
	if (io_bus_register(bus, &kbc->io_data) || io_bus_register(bus, &kbc->io_cmd))
		return -1;
	return 0;
}
