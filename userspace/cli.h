/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMLAB_CLI_H
#define VMLAB_CLI_H

/* Exit statuses of the vmlab command. */
#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1	/* the operation failed */
#define CLI_EXIT_USAGE	2	/* bad command line */

/* The whole `vmlab` command: dispatches argv[1] to a subcommand. */
int cli_main(int argc, char **argv);

#endif
