// SPDX-License-Identifier: GPL-2.0
/*
 * The guest boot path (tests/guest/boot.S, modes.c): a vCPU started in
 * real mode at 0000:1000 goes through 32-bit protected mode into long
 * mode, with the computations of each mode right, and runs C code that
 * checks paging, SSE and exceptions from the inside.
 */
#include "guest_run.h"

static void guest_boots_through_16_32_64_bit_modes(void)
{
	struct guest g;

	if (guest_create(&g, "modes"))
		return;
	guest_run_to_pass(&g, NULL, NULL);
	CHECK_EQ(g.nstages, 3);
	CHECK_EQ(g.stages[0], 16);
	CHECK_EQ(g.stages[1], 32);
	CHECK_EQ(g.stages[2], 64);
	CHECK(strstr(g.text, "modes: in long mode\n"), "text: %s", g.text);
	guest_close(&g);
}

int main(void)
{
	check_prog = "guest_boot";
	RUN(guest_boots_through_16_32_64_bit_modes);
	return check_done();
}
