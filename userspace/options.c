// SPDX-License-Identifier: GPL-2.0
/* Parsing and checking the `vmlab run` command line. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

const char run_usage[] =
	"usage: vmlab run --kernel FILE [OPTIONS]\n"
	"       vmlab run --flat FILE [OPTIONS]\n"
	"\n"
	"Runs a guest on vmlab (or on upstream KVM, for comparison), with a\n"
	"16550A serial console on COM1, an 8259A PIC pair, an 8254 PIT, a CMOS\n"
	"RTC, an i8042 (for reset), isa-debug-exit at port 0xf4 and fw_cfg.\n"
	"\n"
	"Guest:\n"
	"  -k, --kernel FILE    a Linux bzImage or a multiboot (v1) ELF kernel;\n"
	"                       the format is detected\n"
	"  -f, --flat FILE      a flat real-mode binary, loaded at 0x10000 and\n"
	"                       started at 1000:0000\n"
	"  -i, --initrd FILE    initial ramdisk (multiboot: module 0)\n"
	"  -a, --append STR     kernel command line\n"
	"  -m, --mem SIZE       guest RAM: 256M by default; K, M or G suffix,\n"
	"                       a bare number is MiB; 2M to 3G\n"
	"  -c, --cpus N         vCPUs (only 1 until SMP support lands)\n"
	"\n"
	"Host:\n"
	"  -b, --backend NAME   vmlab (default) or kvm (upstream /dev/kvm in\n"
	"                       userspace-irqchip mode: the same devices)\n"
	"      --console DEST   stdio (default: the terminal, raw; Ctrl-A x\n"
	"                       quits) or a file to write the serial output to\n"
	"      --debug-ioport   log each unclaimed I/O port once\n"
	"      --debug-mmio     log each unclaimed MMIO address once\n"
	"      --stats          print the exit counts per reason at the end\n"
	"  -h, --help           show this text\n"
	"\n"
	"Exit status: the guest's isa-debug-exit status ((value << 1) | 1),\n"
	"0 after a reset through the i8042 or a clean power-off, 1 on errors\n"
	"(a triple fault, a failed VM entry), 2 on a bad command line.\n";

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 20;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: return -1;
		}
		if (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_cpus(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 64)
		return -1;
	*out = v;
	return 0;
}

static int check_options(const struct run_options *o)
{
	if (!o->kernel == !o->flat) {
		fprintf(stderr, "vmlab run: give exactly one of --kernel and --flat (see vmlab run --help)\n");
		return -1;
	}
	if (o->mem < RUN_MEM_MIN || o->mem > RUN_MEM_MAX || (o->mem & 0xfff)) {
		fprintf(stderr, "vmlab run: --mem must be a multiple of 4K between 2M and 3G (got %" PRIu64 " bytes)\n",
			o->mem);
		return -1;
	}
	if (o->cpus != 1) {
		fprintf(stderr, "vmlab run: --cpus %u: only 1 vCPU is supported until SMP support lands\n",
			o->cpus);
		return -1;
	}
	if (strcmp(o->backend, "vmlab") && strcmp(o->backend, "kvm")) {
		fprintf(stderr, "vmlab run: --backend must be vmlab or kvm, not '%s'\n", o->backend);
		return -1;
	}
	if (o->flat && (o->initrd || o->append)) {
		fprintf(stderr, "vmlab run: --initrd and --append need --kernel\n");
		return -1;
	}
	return 0;
}

int parse_run_options(int argc, char **argv, struct run_options *o)
{
	enum { OPT_CONSOLE = 256, OPT_DEBUG_IOPORT, OPT_DEBUG_MMIO, OPT_STATS };
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "flat", required_argument, NULL, 'f' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "backend", required_argument, NULL, 'b' },
		{ "console", required_argument, NULL, OPT_CONSOLE },
		{ "debug-ioport", no_argument, NULL, OPT_DEBUG_IOPORT },
		{ "debug-mmio", no_argument, NULL, OPT_DEBUG_MMIO },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct run_options) { .mem = RUN_MEM_DEFAULT, .cpus = 1, .backend = "vmlab" };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:f:i:a:m:c:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
		case 'f': o->flat = optarg; break;
		case 'i': o->initrd = optarg; break;
		case 'a': o->append = optarg; break;
		case 'b': o->backend = optarg; break;
		case OPT_CONSOLE: o->console = optarg; break;
		case OPT_DEBUG_IOPORT: o->debug_ioport = true; break;
		case OPT_DEBUG_MMIO: o->debug_mmio = true; break;
		case OPT_STATS: o->stats = true; break;
		case 'm':
			if (parse_size(optarg, &o->mem)) {
				fprintf(stderr, "vmlab run: --mem: '%s' is not a size (e.g. 256M, 1G)\n", optarg);
				return -1;
			}
			break;
		case 'c':
			if (parse_cpus(optarg, &o->cpus)) {
				fprintf(stderr, "vmlab run: --cpus: '%s' is not a count from 1 to 64\n", optarg);
				return -1;
			}
			break;
		case 'h':
			fputs(run_usage, stdout);
			return 1;
		case ':':
			fprintf(stderr, "vmlab run: option '%s' needs an argument\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "vmlab run: unknown option '%s' (see vmlab run --help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmlab run: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return check_options(o);
}
