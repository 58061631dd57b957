// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the flat-binary loader and image format detection. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "loader/loader.h"

#define RAM_SIZE	(1u << 20)

static struct guest_ram new_ram(uint64_t size)
{
	return (struct guest_ram){ .base = calloc(1, size), .size = size };
}

static uint8_t *pattern(size_t size, unsigned int seed)
{
	uint8_t *p = malloc(size ? size : 1);

	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(i * 31 + seed);
	return p;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void loads_at_flat_load_addr_in_real_mode(void)
{
	struct guest_ram ram = new_ram(RAM_SIZE);
	uint8_t *img = pattern(1000, 5);
	struct boot_state st = { .rax = 123 };
	char err[256] = "";

	CHECK_EQ(load_flat(&ram, img, 1000, &st, err, sizeof(err)), 0);
	CHECK(!memcmp(ram.base + FLAT_LOAD_ADDR, img, 1000));
	CHECK(all_zero(ram.base, FLAT_LOAD_ADDR), "nothing below the image");
	CHECK(all_zero(ram.base + FLAT_LOAD_ADDR + 1000, RAM_SIZE - FLAT_LOAD_ADDR - 1000),
	      "nothing above the image");
	CHECK_EQ(st.mode, BOOT_REAL16);
	CHECK_EQ(st.cs, FLAT_CS);
	CHECK_EQ(st.ds, FLAT_CS);
	CHECK_EQ(st.rip, 0);
	CHECK_EQ(st.rsp, FLAT_SP);
	CHECK_EQ(st.rax, 0);
	CHECK_EQ((uint64_t)FLAT_CS * 16, FLAT_LOAD_ADDR);
	free(img);
	free(ram.base);
}

static void largest_image_fits_below_the_ebda(void)
{
	struct guest_ram ram = new_ram(RAM_SIZE);
	uint8_t *img = pattern(FLAT_MAX_SIZE + 1, 9);
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_flat(&ram, img, FLAT_MAX_SIZE, &st, err, sizeof(err)), 0);
	CHECK(!memcmp(ram.base + FLAT_LOAD_ADDR, img, FLAT_MAX_SIZE));
	CHECK_EQ(FLAT_LOAD_ADDR + FLAT_MAX_SIZE, 0x80000);
	memset(ram.base, 0, RAM_SIZE);
	CHECK_EQ(load_flat(&ram, img, FLAT_MAX_SIZE + 1, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "flat: image is 458753 bytes, at most 458752"), "%s", err);
	CHECK(all_zero(ram.base, RAM_SIZE), "refused image left RAM alone");
	free(img);
	free(ram.base);
}

static void empty_image_and_missing_ram_are_refused(void)
{
	struct guest_ram ram = new_ram(RAM_SIZE), none = { 0 };
	uint8_t byte = 0xf4;
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_flat(&ram, &byte, 0, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "flat: empty image"), "%s", err);
	CHECK_EQ(load_flat(&ram, NULL, 10, &st, err, sizeof(err)), -1);
	CHECK_EQ(load_flat(&none, &byte, 1, &st, err, sizeof(err)), -1);
	CHECK(!strcmp(err, "flat: no guest RAM"), "%s", err);
	/* a NULL or empty err buffer is allowed */
	CHECK_EQ(load_flat(&ram, &byte, 0, &st, NULL, 0), -1);
	CHECK_EQ(load_flat(&ram, &byte, 0, &st, err, 0), -1);
	free(ram.base);
}

static void ram_must_hold_image_and_stack(void)
{
	struct guest_ram small = new_ram(FLAT_LOAD_ADDR + 0x8000);
	struct guest_ram exact = new_ram(FLAT_LOAD_ADDR + FLAT_SP);
	uint8_t *img = pattern(0x100, 1);
	struct boot_state st;
	char err[256] = "";

	CHECK_EQ(load_flat(&small, img, 0x100, &st, err, sizeof(err)), -1);
	CHECK(strstr(err, "flat: image needs 128 KiB of RAM, guest has 96 KiB"), "%s", err);
	CHECK(all_zero(small.base, small.size));
	CHECK_EQ(load_flat(&exact, img, 0x100, &st, err, sizeof(err)), 0);
	free(img);
	free(small.base);
	free(exact.base);
}

/* Every short buffer, in an allocation of exactly its size (ASan sees overreads). */
static void detection_of_short_and_plain_buffers(void)
{
	CHECK_EQ(detect_image_format(NULL, 100), IMAGE_UNKNOWN);
	for (size_t len = 0; len <= 0x300; len++) {
		uint8_t *buf = pattern(len, 3);

		CHECK_EQ(detect_image_format(buf, len), IMAGE_UNKNOWN);
		memset(buf, 0, len);
		CHECK_EQ(detect_image_format(buf, len), IMAGE_UNKNOWN);
		free(buf);
	}
}

static void detects_hdrs_only_when_whole(void)
{
	uint8_t *buf = calloc(1, 0x206);

	memcpy(buf + 0x202, "HdrS", 4);
	CHECK_EQ(detect_image_format(buf, 0x206), IMAGE_BZIMAGE);
	CHECK_EQ(detect_image_format(buf, 0x205), IMAGE_UNKNOWN);
	free(buf);
}

int main(void)
{
	check_prog = "loader_flat";
	RUN(loads_at_flat_load_addr_in_real_mode);
	RUN(largest_image_fits_below_the_ebda);
	RUN(empty_image_and_missing_ram_are_refused);
	RUN(ram_must_hold_image_and_stack);
	RUN(detection_of_short_and_plain_buffers);
	RUN(detects_hdrs_only_when_whole);
	return check_done();
}
