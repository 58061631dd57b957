/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's firmware configuration device, traditional port interface only
 * (no DMA): a 16-bit write to 0x510 selects an item, 1-byte reads of
 * 0x511 stream it, and reads past its end return 0.  As in QEMU's
 * combined region, any 1-byte read of either port reads data and any
 * 2-byte write selects; other accesses are ignored (reads: all ones).
 *
 * Items: the signature "QEMU", the feature bits (traditional interface),
 * RAM size, CPU counts, and a file directory for files the runner adds.
 * Every call needs the bus lock.
 */
#ifndef VMLAB_DEVICES_FW_CFG_H
#define VMLAB_DEVICES_FW_CFG_H

#include <stdint.h>
#include "bus.h"

#define FW_CFG_PORT		0x510

#define FW_CFG_SIGNATURE	0x0000
#define FW_CFG_ID		0x0001
#define FW_CFG_RAM_SIZE		0x0003
#define FW_CFG_NB_CPUS		0x0005
#define FW_CFG_MAX_CPUS		0x000f
#define FW_CFG_FILE_DIR		0x0019
#define FW_CFG_FILE_FIRST	0x0020
#define FW_CFG_WRITE_CHANNEL	0x4000
#define FW_CFG_ARCH_LOCAL	0x8000

#define FW_CFG_ID_TRADITIONAL	0x01
#define FW_CFG_MAX_FILES	32
#define FW_CFG_NAME_SIZE	56	/* with the terminating NUL */
#define FW_CFG_DIR_ENTRY_SIZE	64

struct fw_cfg_file {
	const uint8_t *data;	/* the caller's: must outlive the device */
	uint32_t size;
};

struct fw_cfg {
	struct io_device io;
	uint16_t selector;
	uint32_t offset;
	uint8_t id[4], ram_size[8], nb_cpus[2], max_cpus[2];	/* little endian */
	struct fw_cfg_file files[FW_CFG_MAX_FILES];
	unsigned int nr_files;
	/* big-endian count, then {be32 size, be16 select, u16 0, name[56]} each */
	uint8_t dir[4 + FW_CFG_MAX_FILES * FW_CFG_DIR_ENTRY_SIZE];
};

void fw_cfg_init(struct fw_cfg *cfg, uint64_t ram_size, uint16_t nb_cpus, uint16_t max_cpus);
int fw_cfg_register(struct fw_cfg *cfg, struct io_bus *bus);
/*
 * Adds a file (selector FW_CFG_FILE_FIRST + n, in order of addition).
 * Returns 0, or -1 for an empty, too long (55 bytes max) or duplicate
 * name, NULL @data with a size, or when FW_CFG_MAX_FILES are there.
 */
int fw_cfg_add_file(struct fw_cfg *cfg, const char *name, const void *data, uint32_t size);

#endif
