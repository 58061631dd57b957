// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits from a running guest (tests/guest/mmio.c): a device model
 * of plain memory answers reads and records writes.  The guest checks
 * what it reads, including how each instruction form widens it; the
 * host checks that every write arrived at the right address with the
 * right size and data, in program order, that XCHG and OR/AND read
 * before they write, and that a read-only slot reads as RAM (no exits)
 * while its writes come out as MMIO and leave it unchanged.
 */
#include "guest_run.h"
#include "../guest/mmio.h"

#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define HI		GUEST_MMIO_BASE
#define LO		GUEST_MMIO_LOW
#define ROM		GUEST_ROM_ADDR
#define MAX_LOG		512

struct access {
	uint64_t addr;
	uint64_t data;
	uint32_t len;
	bool write;
};

static struct {
	uint8_t hi[GUEST_MMIO_SIZE], lo[GUEST_MMIO_SIZE];
	uint8_t *rom;
	struct access log[MAX_LOG];
	unsigned int nlog;
	unsigned int rom_reads, bad;
} dev;

/* The device memory behind @addr, or NULL (ROM writes go nowhere). */
static uint8_t *device_bytes(uint64_t addr, uint32_t len, bool *is_rom)
{
	*is_rom = false;
	if (addr >= HI && addr + len <= HI + GUEST_MMIO_SIZE)
		return dev.hi + (addr - HI);
	if (addr >= LO && addr + len <= LO + GUEST_MMIO_SIZE)
		return dev.lo + (addr - LO);
	if (addr >= ROM && addr + len <= ROM + GUEST_ROM_SIZE) {
		*is_rom = true;
		return NULL;
	}
	return NULL;
}

static enum guest_action mmio_exit(struct guest *g, void *arg)
{
	struct vmlab_run *r = g->run;
	uint32_t len = r->mmio.len;
	struct access *a;
	uint8_t *mem;
	bool is_rom;

	(void)arg;
	if (r->exit_reason != VMLAB_EXIT_MMIO)
		return GUEST_UNEXPECTED;
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return GUEST_UNEXPECTED;
	mem = device_bytes(r->mmio.phys_addr, len, &is_rom);
	if (!mem && !is_rom)
		return GUEST_UNEXPECTED;
	if (is_rom && !r->mmio.is_write)
		dev.rom_reads++;
	if (dev.nlog >= MAX_LOG)
		return GUEST_UNEXPECTED;
	a = &dev.log[dev.nlog++];
	a->addr = r->mmio.phys_addr;
	a->len = len;
	a->write = r->mmio.is_write;
	a->data = 0;
	if (r->mmio.is_write) {
		memcpy(&a->data, r->mmio.data, len);
		if (mem)
			memcpy(mem, r->mmio.data, len);
	} else if (mem) {
		memcpy(r->mmio.data, mem, len);
		memcpy(&a->data, mem, len);
	}
	return GUEST_CONTINUE;
}

static struct guest g;
static bool ran;
static uint8_t *rom_mem;

static void guest_runs_every_mmio_form_and_checks_the_results(void)
{
	struct vmlab_memory_region mr;
	unsigned int i;

	memset(&dev, 0, sizeof(dev));
	for (i = 0; i < GUEST_MMIO_SIZE; i++) {
		dev.hi[i] = guest_pattern(i, MMIO_HIGH_SEED);
		dev.lo[i] = guest_pattern(i, MMIO_LOW_SEED);
	}
	if (guest_create(&g, "mmio"))
		return;
	rom_mem = mmap(NULL, GUEST_ROM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(rom_mem != MAP_FAILED, "mmap: %s", strerror(errno));
	if (rom_mem == MAP_FAILED) {
		guest_close(&g);
		return;
	}
	for (i = 0; i < GUEST_ROM_SIZE; i++)
		rom_mem[i] = guest_pattern(i, MMIO_ROM_SEED);
	mr = (struct vmlab_memory_region){
		.slot = 1, .flags = VMLAB_MEM_READONLY, .guest_phys_addr = ROM,
		.memory_size = GUEST_ROM_SIZE, .userspace_addr = (uintptr_t)rom_mem,
	};
	CHECK(ioctl(g.vm, VMLAB_SET_MEMORY_REGION, &mr) == 0,
	      "read-only slot: %s", strerror(errno));
	guest_run_to_pass(&g, mmio_exit, NULL);
	ran = g.done && g.exit_code == 0;
	printf("guest_mmio: %u MMIO accesses in %lu exits\n", dev.nlog, g.nexits);
	guest_close(&g);
}

static void writes_arrive_with_address_size_and_data_in_order(void)
{
	static const struct access want[] = {
		/* real mode, through FS = 0xffff */
		{ LO + 0x20, 0x5a, 1, true },
		{ LO + 0x22, 0x1234, 2, true },
		{ LO + 0x24, 0xcafef00d, 4, true },
		{ LO + 0x22, 0x5678, 2, true },		/* XCHG */
		/* 32-bit protected mode */
		{ HI + 0x210, 0xdeadbeef, 4, true },
		{ HI + 0x214, 0xbeef, 2, true },
		{ HI + 0x210, 0x01020304, 4, true },	/* XCHG */
		/* long mode */
		{ HI + 0x180, 0x80, 1, true },
		{ HI + 0x182, 0x8001, 2, true },
		{ HI + 0x184, 0x80000001, 4, true },
		{ HI + 0x100, 0x88, 1, true },
		{ HI + 0x102, 0x7788, 2, true },
		{ HI + 0x104, 0x55667788, 4, true },
		{ HI + 0x108, 0x1122334455667788ULL, 8, true },
		{ HI + 0x110, 0xab, 1, true },
		{ HI + 0x112, 0xcdef, 2, true },
		{ HI + 0x114, 0x89abcdef, 4, true },
		{ HI + 0x118, 0xfffffffffffffffeULL, 8, true },
		{ HI + 0x120, 0x12, 1, true },		/* AH */
		{ HI + 0x128, 0xfedcba9876543210ULL, 8, true },
		{ HI + 0x130, 0x0badc0ffee0ddf00ULL, 8, true },	/* moffs */
		{ HI + 0x138, 0x5c, 1, true },
		{ HI + 0x140, 0x11111111, 4, true },
		{ HI + 0x140, 0x22222222, 4, true },	/* XCHG */
		{ HI + 0x144, 0x3c, 1, true },		/* XCHG */
		{ HI + 0x148, 0x0f0f0f0f, 4, true },
		{ HI + 0x148, 0x8f0fff0f, 4, true },	/* OR */
		{ HI + 0x148, 0x0c, 1, true },		/* AND */
		{ HI + 0x148, 0x00, 1, true },		/* AND */
		{ HI + 0x150, 0x80, 1, true },
		{ HI + 0x154, 0x00ff0000, 4, true },
		{ HI + 0x160, 0xa5a5a5a5, 4, true },	/* REP STOSD */
		{ HI + 0x164, 0xa5a5a5a5, 4, true },
		{ HI + 0x168, 0xa5a5a5a5, 4, true },
		{ HI + 0x170, 'h', 1, true },		/* REP MOVSB */
		{ HI + 0x171, 'e', 1, true },
		{ HI + 0x172, 'l', 1, true },
		{ HI + 0x173, 'l', 1, true },
		{ HI + 0x174, 'o', 1, true },
		/* the read-only slot */
		{ ROM + 0x40, 0x12345678, 4, true },
		{ ROM + GUEST_ROM_SIZE - 1, 0x99, 1, true },
		{ ROM + 0x1000, 0x0123456789abcdefULL, 8, true },
	};
	unsigned int i, w = 0;

	if (!ran) {
		check_skip("the guest did not run");
		return;
	}
	for (i = 0; i < dev.nlog; i++) {
		const struct access *a = &dev.log[i];

		if (!a->write)
			continue;
		if (w >= N_ELEMS(want)) {
			CHECK(0, "extra write %#llx len %u data %#llx",
			      (unsigned long long)a->addr, a->len,
			      (unsigned long long)a->data);
			break;
		}
		CHECK(a->addr == want[w].addr && a->len == want[w].len &&
		      a->data == want[w].data,
		      "write %u: %#llx len %u data %#llx, want %#llx len %u data %#llx",
		      w, (unsigned long long)a->addr, a->len,
		      (unsigned long long)a->data, (unsigned long long)want[w].addr,
		      want[w].len, (unsigned long long)want[w].data);
		w++;
	}
	CHECK_EQ(w, N_ELEMS(want));
}

/* XCHG and OR/AND: a read of the same place and size right before. */
static void read_modify_write_reads_first(void)
{
	static const struct { uint64_t addr; uint32_t len; uint64_t data; } rmw[] = {
		{ LO + 0x22, 2, 0x5678 },
		{ HI + 0x210, 4, 0x01020304 },
		{ HI + 0x140, 4, 0x22222222 },
		{ HI + 0x144, 1, 0x3c },
		{ HI + 0x148, 4, 0x8f0fff0f },
		{ HI + 0x148, 1, 0x0c },
		{ HI + 0x148, 1, 0x00 },
	};
	unsigned int i, j, found;

	if (!ran) {
		check_skip("the guest did not run");
		return;
	}
	for (j = 0; j < N_ELEMS(rmw); j++) {
		found = 0;
		for (i = 1; i < dev.nlog; i++) {
			const struct access *a = &dev.log[i], *p = &dev.log[i - 1];

			if (!a->write || a->addr != rmw[j].addr || a->len != rmw[j].len ||
			    a->data != rmw[j].data)
				continue;
			found = 1;
			CHECK(!p->write && p->addr == a->addr && p->len == a->len,
			      "write to %#llx not preceded by its read",
			      (unsigned long long)a->addr);
		}
		CHECK(found, "no write of %#llx to %#llx", (unsigned long long)rmw[j].data,
		      (unsigned long long)rmw[j].addr);
	}
}

static void read_only_slot_reads_as_ram_and_stays_unchanged(void)
{
	unsigned int i;

	if (!ran) {
		check_skip("the guest did not run");
		return;
	}
	CHECK_EQ(dev.rom_reads, 0);
	for (i = 0; i < GUEST_ROM_SIZE; i++)
		if (rom_mem[i] != guest_pattern(i, MMIO_ROM_SEED)) {
			CHECK(0, "ROM byte %#x changed to %#x", i, rom_mem[i]);
			break;
		}
}

int main(void)
{
	check_prog = "guest_mmio";
	RUN(guest_runs_every_mmio_form_and_checks_the_results);
	RUN(writes_arrive_with_address_size_and_data_in_order);
	RUN(read_modify_write_reads_first);
	RUN(read_only_slot_reads_as_ram_and_stays_unchanged);
	return check_done();
}
