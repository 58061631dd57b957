// SPDX-License-Identifier: GPL-2.0
/* Unit tests for `vmlab run` option parsing: good input parses, bad input is refused. */
#include <fcntl.h>
#include <unistd.h>
#include "check.h"
#include "options.h"

/* Parses with stdout/stderr silenced. */
static int parse(int argc, char **argv, struct run_options *o)
{
	int null = open("/dev/null", O_WRONLY), out = dup(1), err = dup(2), r;

	fflush(stdout);
	dup2(null, 1);
	dup2(null, 2);
	r = parse_run_options(argc, argv, o);
	fflush(stdout);
	fflush(stderr);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	return r;
}

#define PARSE(o, ...)							\
	({								\
		char *argv_[] = { "run", __VA_ARGS__, NULL };		\
		parse((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, (o)); \
	})

static void sizes_parse_with_binary_suffixes(void)
{
	uint64_t v = 0;

	CHECK_EQ(parse_size("256", &v), 0);
	CHECK_EQ(v, 256ULL << 20);
	CHECK_EQ(parse_size("64K", &v), 0);
	CHECK_EQ(v, 64ULL << 10);
	CHECK_EQ(parse_size("1G", &v), 0);
	CHECK_EQ(v, 1ULL << 30);
	CHECK_EQ(parse_size("512MiB", &v), 0);
	CHECK_EQ(v, 512ULL << 20);
	CHECK_EQ(parse_size("", &v), -1);
	CHECK_EQ(parse_size("-1", &v), -1);
	CHECK_EQ(parse_size("12X", &v), -1);
	CHECK_EQ(parse_size("1Gx", &v), -1);
	CHECK_EQ(parse_size("99999999999999999999", &v), -1);
	CHECK_EQ(parse_size("17179869184G", &v), -1);	/* 2^34 GiB overflows */
}

static void defaults_and_full_command_line(void)
{
	struct run_options o;

	CHECK_EQ(PARSE(&o, "--kernel", "bz"), 0);
	CHECK(!strcmp(o.kernel, "bz"));
	CHECK_EQ(o.mem, RUN_MEM_DEFAULT);
	CHECK_EQ(o.cpus, 1);
	CHECK(!strcmp(o.backend, "vmlab"));
	CHECK_EQ(PARSE(&o, "-k", "bz", "-i", "rd", "-a", "console=ttyS0", "-m", "1G",
		       "--backend", "kvm", "--console", "out.txt", "--debug-ioport",
		       "--debug-mmio", "--stats"), 0);
	CHECK(!strcmp(o.initrd, "rd") && !strcmp(o.append, "console=ttyS0"));
	CHECK_EQ(o.mem, 1ULL << 30);
	CHECK(!strcmp(o.backend, "kvm") && !strcmp(o.console, "out.txt"));
	CHECK(o.debug_ioport && o.debug_mmio && o.stats);
	CHECK_EQ(PARSE(&o, "--flat", "f.bin", "-m", "2M"), 0);
	CHECK(!strcmp(o.flat, "f.bin"));
}

static void bad_command_lines_are_refused(void)
{
	struct run_options o;

	CHECK_EQ(PARSE(&o, "--mem", "1G"), -1);			/* no guest */
	CHECK_EQ(PARSE(&o, "-k", "a", "-f", "b"), -1);		/* two guests */
	CHECK_EQ(PARSE(&o, "-k", "a", "-m", "1M"), -1);		/* too small */
	CHECK_EQ(PARSE(&o, "-k", "a", "-m", "4G"), -1);		/* above the hole */
	CHECK_EQ(PARSE(&o, "-k", "a", "-m", "1000K"), -1);	/* not 4K aligned */
	CHECK_EQ(PARSE(&o, "-k", "a", "-m", "lots"), -1);
	CHECK_EQ(PARSE(&o, "-k", "a", "--cpus", "2"), -1);	/* no SMP yet */
	CHECK_EQ(PARSE(&o, "-k", "a", "--cpus", "0"), -1);
	CHECK_EQ(PARSE(&o, "-k", "a", "--backend", "xen"), -1);
	CHECK_EQ(PARSE(&o, "-k", "a", "--bogus"), -1);
	CHECK_EQ(PARSE(&o, "-k", "a", "extra"), -1);
	CHECK_EQ(PARSE(&o, "-k"), -1);				/* missing argument */
	CHECK_EQ(PARSE(&o, "-f", "a", "--append", "x"), -1);
}

static void help_is_not_an_error(void)
{
	struct run_options o;

	CHECK_EQ(PARSE(&o, "--help"), 1);
	CHECK(strstr(run_usage, "--backend") && strstr(run_usage, "Ctrl-A x"));
}

int main(void)
{
	check_prog = "options";
	RUN(sizes_parse_with_binary_suffixes);
	RUN(defaults_and_full_command_line);
	RUN(bad_command_lines_are_refused);
	RUN(help_is_not_an_error);
	return check_done();
}
