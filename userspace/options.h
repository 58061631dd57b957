/* SPDX-License-Identifier: GPL-2.0 */
/* The command line of `vmlab run`, parsed and checked. */
#ifndef VMLAB_OPTIONS_H
#define VMLAB_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define RUN_MEM_DEFAULT		(256ULL << 20)
#define RUN_MEM_MIN		(2ULL << 20)
/* Guest RAM is one block below the 32-bit PCI hole. */
#define RUN_MEM_MAX		(3ULL << 30)

struct run_options {
	const char *kernel;	/* --kernel: bzImage or multiboot ELF */
	const char *flat;	/* --flat: real-mode flat binary */
	const char *initrd;
	const char *append;
	const char *console;	/* NULL or "stdio": the terminal; else a file */
	const char *backend;	/* "vmlab" or "kvm" */
	uint64_t mem;
	unsigned int cpus;
	bool debug_ioport;
	bool debug_mmio;
	bool stats;
};

/*
 * Parses a size: a number with an optional K, M or G suffix (powers of
 * 1024); a bare number means MiB, as in QEMU's -m.  Returns 0 or -1.
 */
int parse_size(const char *s, uint64_t *out);

/*
 * Parses `vmlab run` arguments (argv[0] is "run").  Returns 0, 1 when
 * --help was printed, or -1 after printing a one-line error.
 */
int parse_run_options(int argc, char **argv, struct run_options *opts);

extern const char run_usage[];

#endif
