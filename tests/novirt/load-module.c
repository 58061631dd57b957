// SPDX-License-Identifier: GPL-2.0
/*
 * load-module PATH: one finit_module() of PATH (busybox's insmod retries
 * with init_module() after a failure, which would load, and log, twice).
 * Prints "loaded" or the error's name; exits 0 only if the module loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: load-module PATH\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "load-module: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (syscall(SYS_finit_module, fd, "", 0)) {
		printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		return 1;
	}
	printf("loaded\n");
	return 0;
}
