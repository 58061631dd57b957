// SPDX-License-Identifier: GPL-2.0
/* QEMU fw_cfg, port interface: see fw_cfg.h and QEMU's docs/specs/fw_cfg.rst. */
#include <string.h>
#include "fw_cfg.h"

#define ENTRY_MASK	0x3fff	/* the key without the write-channel and arch bits */

static const uint8_t signature[4] = { 'Q', 'E', 'M', 'U' };

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static void put_be(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[n - 1 - i] = v >> (8 * i);
}

/* The bytes of the selected item, or NULL: nothing by that key. */
static const uint8_t *selected_item(const struct fw_cfg *cfg, uint32_t *size)
{
	uint16_t key = cfg->selector & ENTRY_MASK;

	if (cfg->selector & FW_CFG_ARCH_LOCAL)
		return NULL;	/* no x86-specific items (e820, ACPI tables) */
	switch (key) {
	case FW_CFG_SIGNATURE:
		*size = sizeof(signature);
		return signature;
	case FW_CFG_ID:
		*size = sizeof(cfg->id);
		return cfg->id;
	case FW_CFG_RAM_SIZE:
		*size = sizeof(cfg->ram_size);
		return cfg->ram_size;
	case FW_CFG_NB_CPUS:
		*size = sizeof(cfg->nb_cpus);
		return cfg->nb_cpus;
	case FW_CFG_MAX_CPUS:
		*size = sizeof(cfg->max_cpus);
		return cfg->max_cpus;
	case FW_CFG_FILE_DIR:
		*size = 4 + cfg->nr_files * FW_CFG_DIR_ENTRY_SIZE;
		return cfg->dir;
	}
	if (key >= FW_CFG_FILE_FIRST && key < FW_CFG_FILE_FIRST + cfg->nr_files) {
		const struct fw_cfg_file *f = &cfg->files[key - FW_CFG_FILE_FIRST];

		*size = f->size;
		return f->data;
	}
	return NULL;
}

static uint8_t read_data_byte(struct fw_cfg *cfg)
{
	uint32_t size = 0;
	const uint8_t *data = selected_item(cfg, &size);

	if (!data || cfg->offset >= size)
		return 0;
	return data[cfg->offset++];
}

static uint32_t fw_cfg_read(void *opaque, uint16_t offset, unsigned int size)
{
	(void)offset;
	if (size != 1)
		return 0xffffffffu;
	return read_data_byte(opaque);
}

static void fw_cfg_write(void *opaque, uint16_t offset, unsigned int size, uint32_t value)
{
	struct fw_cfg *cfg = opaque;

	(void)offset;
	/* 1-byte writes were data writes, ignored since QEMU 2.4. */
	if (size != 2)
		return;
	cfg->selector = value;
	cfg->offset = 0;
}

static const char *file_name(const struct fw_cfg *cfg, unsigned int i)
{
	return (const char *)&cfg->dir[4 + i * FW_CFG_DIR_ENTRY_SIZE + 8];
}

int fw_cfg_add_file(struct fw_cfg *cfg, const char *name, const void *data, uint32_t size)
{
	size_t len = strlen(name);
	uint8_t *entry;

	if (cfg->nr_files >= FW_CFG_MAX_FILES || len == 0 || len >= FW_CFG_NAME_SIZE ||
	    (!data && size))
		return -1;
	for (unsigned int i = 0; i < cfg->nr_files; i++)
		if (!strcmp(file_name(cfg, i), name))
			return -1;
	cfg->files[cfg->nr_files] = (struct fw_cfg_file){ .data = data, .size = size };
	entry = &cfg->dir[4 + cfg->nr_files * FW_CFG_DIR_ENTRY_SIZE];
	memset(entry, 0, FW_CFG_DIR_ENTRY_SIZE);
	put_be(entry, size, 4);
	put_be(entry + 4, FW_CFG_FILE_FIRST + cfg->nr_files, 2);
	memcpy(entry + 8, name, len);
	cfg->nr_files++;
	put_be(cfg->dir, cfg->nr_files, 4);
	return 0;
}

void fw_cfg_init(struct fw_cfg *cfg, uint64_t ram_size, uint16_t nb_cpus, uint16_t max_cpus)
{
	memset(cfg, 0, sizeof(*cfg));
	put_le(cfg->id, FW_CFG_ID_TRADITIONAL, sizeof(cfg->id));
	put_le(cfg->ram_size, ram_size, sizeof(cfg->ram_size));
	put_le(cfg->nb_cpus, nb_cpus, sizeof(cfg->nb_cpus));
	put_le(cfg->max_cpus, max_cpus, sizeof(cfg->max_cpus));
	cfg->io = (struct io_device){
		.name = "fw_cfg", .base = FW_CFG_PORT, .len = 2,
		.opaque = cfg, .read = fw_cfg_read, .write = fw_cfg_write,
	};
}

int fw_cfg_register(struct fw_cfg *cfg, struct io_bus *bus)
{
	return io_bus_register(bus, &cfg->io);
}
