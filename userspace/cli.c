// SPDX-License-Identifier: GPL-2.0
/* The vmlab command line: one function per subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "caps.h"
#include "cli.h"
#include "device.h"
#include "machine.h"
#include "options.h"

static const char usage_text[] =
	"usage: vmlab COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  run --kernel FILE ...  run a guest (Linux bzImage, multiboot ELF, or\n"
	"                         --flat binary) on vmlab or upstream KVM\n"
	"  caps [--device PATH]   show the backend (vmx or svm) and the CPU\n"
	"                         features /dev/vmlab reports\n"
	"  version                print the tool's ABI version\n"
	"  help                   show this text\n"
	"\n"
	"vmlab drives the vmlab.ko research hypervisor through /dev/vmlab.\n"
	"Run 'vmlab COMMAND --help' for a command's options.\n";

static const char caps_usage[] =
	"usage: vmlab caps [--device PATH]\n"
	"\n"
	"Prints what the loaded vmlab module reports: API version, backend,\n"
	"feature names, nested paging levels, TLB tags and the raw capability\n"
	"words of the CPU.\n"
	"\n"
	"  -d, --device PATH   the device to ask (default " VMLAB_DEVICE_PATH ")\n"
	"  -h, --help          show this text\n";

static int cmd_caps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = VMLAB_DEVICE_PATH;
	struct vmlab_caps caps;
	int c, fd, version;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			path = optarg;
			break;
		case 'h':
			fputs(caps_usage, stdout);
			return CLI_EXIT_OK;
		default:
			fprintf(stderr, "vmlab caps: bad option '%s' (see vmlab caps --help)\n",
				argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vmlab caps: unexpected argument '%s'\n", argv[optind]);
		return CLI_EXIT_USAGE;
	}
	fd = device_open(path);
	if (fd < 0)
		return CLI_EXIT_FAIL;
	version = device_get_caps(fd, &caps);
	close(fd);
	if (version < 0)
		return CLI_EXIT_FAIL;
	caps_describe(stdout, &caps, version);
	return CLI_EXIT_OK;
}

static int cmd_run(int argc, char **argv)
{
	struct run_options opts;
	int r = parse_run_options(argc, argv, &opts);

	if (r > 0)
		return CLI_EXIT_OK;
	if (r < 0)
		return CLI_EXIT_USAGE;
	return machine_run(&opts);
}

static int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fputs("vmlab version: takes no arguments\n", stderr);
		return CLI_EXIT_USAGE;
	}
	printf("vmlab ABI %d\n", VMLAB_API_VERSION);
	return CLI_EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs(usage_text, stdout);
	return CLI_EXIT_OK;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "caps", cmd_caps },
	{ "version", cmd_version },
	{ "help", cmd_help },
	{ "--help", cmd_help },
	{ "-h", cmd_help },
};

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "vmlab: unknown command '%s' (see vmlab --help)\n", argv[1]);
	return CLI_EXIT_USAGE;
}
