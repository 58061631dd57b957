/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal test harness shared by the unit tests and the in-host tests.
 *
 * Each case prints one line, "PASS: prog: case", "FAIL: prog: case: why"
 * or "SKIP: prog: case: why"; the scripts that run the programs count
 * these lines, so a program that dies half-way still loses its cases.
 */
#ifndef VMLAB_CHECK_H
#define VMLAB_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *check_prog = "test";
static const char *check_case;
static int check_case_failed, check_case_skipped;
static int check_passed, check_failed, check_skipped;

static inline void check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (check_case_failed++)
		return;	/* the first failure of a case is the one to read */
	printf("FAIL: %s: %s: %s:%d: ", check_prog, check_case, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* CHECK(cond, "fmt", ...): the case fails if cond is false. */
#define CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			check_fail(__FILE__, __LINE__, "(" #cond ") "	\
				   __VA_ARGS__);			\
	} while (0)

/* CHECK_EQ(a, b): integers, both values printed on failure. */
#define CHECK_EQ(a, b)							\
	do {								\
		long long check_a_ = (long long)(a);			\
		long long check_b_ = (long long)(b);			\
		if (check_a_ != check_b_)				\
			check_fail(__FILE__, __LINE__,			\
				   "%s == %s: %lld != %lld (%#llx != %#llx)", \
				   #a, #b, check_a_, check_b_,		\
				   check_a_, check_b_);			\
	} while (0)

/* CHECK_ERRNO(call, err): call returns -1 with errno == err. */
#define CHECK_ERRNO(call, err)						\
	do {								\
		long check_r_;						\
		errno = 0;						\
		check_r_ = (long)(call);				\
		if (check_r_ != -1 || errno != (err))			\
			check_fail(__FILE__, __LINE__,			\
				   "%s: got %ld errno %d (%s), want -1 errno %d (%s)", \
				   #call, check_r_, errno, strerror(errno), \
				   (err), strerror(err));		\
	} while (0)

/* Marks the running case skipped (not applicable here). */
static inline void check_skip(const char *why)
{
	if (!check_case_skipped++)
		printf("SKIP: %s: %s: %s\n", check_prog, check_case, why);
}

static inline void check_run(const char *name, void (*fn)(void))
{
	check_case = name;
	check_case_failed = 0;
	check_case_skipped = 0;
	fn();
	if (check_case_failed)
		check_failed++;
	else if (check_case_skipped)
		check_skipped++;
	else {
		check_passed++;
		printf("PASS: %s: %s\n", check_prog, name);
	}
	fflush(stdout);
}

#define RUN(fn) check_run(#fn, fn)

/* Returns the process exit status: 0 when no case failed. */
static inline int check_done(void)
{
	return check_failed ? 1 : 0;
}

#endif
