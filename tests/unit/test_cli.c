// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the vmlab command line: bad input gets a clean error. */
#include <fcntl.h>
#include <unistd.h>
#include "check.h"
#include "cli.h"

/* Runs cli_main with stdout/stderr sent to /dev/null. */
static int run(int argc, char **argv)
{
	int null = open("/dev/null", O_WRONLY);
	int out = dup(1), err = dup(2);
	int r;

	fflush(stdout);
	dup2(null, 1);
	dup2(null, 2);
	r = cli_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	return r;
}

#define RUN_CLI(...)							\
	({								\
		char *argv_[] = { "vmlab", __VA_ARGS__, NULL };		\
		run((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_); \
	})

static void no_command_is_a_usage_error(void)
{
	char *argv[] = { "vmlab", NULL };

	CHECK_EQ(run(1, argv), CLI_EXIT_USAGE);
}

static void unknown_command_is_a_usage_error(void)
{
	CHECK_EQ(RUN_CLI("frobnicate"), CLI_EXIT_USAGE);
	CHECK_EQ(RUN_CLI(""), CLI_EXIT_USAGE);
}

static void help_succeeds(void)
{
	CHECK_EQ(RUN_CLI("help"), CLI_EXIT_OK);
	CHECK_EQ(RUN_CLI("--help"), CLI_EXIT_OK);
	CHECK_EQ(RUN_CLI("caps", "--help"), CLI_EXIT_OK);
}

static void caps_rejects_bad_options(void)
{
	CHECK_EQ(RUN_CLI("caps", "--bogus"), CLI_EXIT_USAGE);
	CHECK_EQ(RUN_CLI("caps", "extra"), CLI_EXIT_USAGE);
	CHECK_EQ(RUN_CLI("caps", "--device"), CLI_EXIT_USAGE);
	CHECK_EQ(RUN_CLI("version", "x"), CLI_EXIT_USAGE);
}

static void caps_on_a_missing_or_wrong_device_fails_cleanly(void)
{
	CHECK_EQ(RUN_CLI("caps", "--device", "/nonexistent/vmlab"), CLI_EXIT_FAIL);
	/* /dev/null answers no vmlab ioctl: the version check catches it. */
	CHECK_EQ(RUN_CLI("caps", "--device", "/dev/null"), CLI_EXIT_FAIL);
}

int main(void)
{
	check_prog = "cli";
	RUN(no_command_is_a_usage_error);
	RUN(unknown_command_is_a_usage_error);
	RUN(help_succeeds);
	RUN(caps_rejects_bad_options);
	RUN(caps_on_a_missing_or_wrong_device_fails_cleanly);
	return check_done();
}
