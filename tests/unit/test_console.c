// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the console escape handling (Ctrl-A x quits, Ctrl-A Ctrl-A is Ctrl-A). */
#include "check.h"
#include "console.h"

static size_t filter(struct console_escape *st, const char *in, char *out, bool *quit)
{
	return console_filter(st, (const uint8_t *)in, strlen(in), (uint8_t *)out, quit);
}

static void plain_bytes_pass_through(void)
{
	struct console_escape st = { 0 };
	char out[16];
	bool quit = false;

	CHECK_EQ(filter(&st, "ls -l\r", out, &quit), 6);
	CHECK(!memcmp(out, "ls -l\r", 6));
	CHECK(!quit);
	CHECK_EQ(filter(&st, "\x03", out, &quit), 1);	/* Ctrl-C goes to the guest */
	CHECK_EQ(out[0], 3);
}

static void ctrl_a_x_quits_and_stops_there(void)
{
	struct console_escape st = { 0 };
	char out[16];
	bool quit = false;

	CHECK_EQ(filter(&st, "ab\x01xcd", out, &quit), 2);
	CHECK(quit);
}

static void escape_split_across_reads(void)
{
	struct console_escape st = { 0 };
	char out[16];
	bool quit = false;

	CHECK_EQ(filter(&st, "a\x01", out, &quit), 1);
	CHECK(!quit);
	CHECK_EQ(filter(&st, "x", out, &quit), 0);
	CHECK(quit);
}

static void double_escape_sends_one_and_others_are_dropped(void)
{
	struct console_escape st = { 0 };
	char out[16];
	bool quit = false;

	CHECK_EQ(filter(&st, "\x01\x01z", out, &quit), 2);
	CHECK_EQ(out[0], 1);
	CHECK_EQ(out[1], 'z');
	CHECK_EQ(filter(&st, "\x01hq", out, &quit), 1);	/* Ctrl-A h: nothing */
	CHECK_EQ(out[0], 'q');
	CHECK(!quit);
}

int main(void)
{
	check_prog = "console";
	RUN(plain_bytes_pass_through);
	RUN(ctrl_a_x_quits_and_stops_there);
	RUN(escape_split_across_reads);
	RUN(double_escape_sends_one_and_others_are_dropped);
	return check_done();
}
