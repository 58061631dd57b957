/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's serial console on the host side: output to the terminal or
 * a file; input from the terminal in raw mode, with QEMU's escape: Ctrl-A x
 * quits, Ctrl-A Ctrl-A sends one Ctrl-A.
 */
#ifndef VMLAB_CONSOLE_H
#define VMLAB_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

#define CONSOLE_ESCAPE	0x01	/* Ctrl-A */

struct console_escape {
	bool pending;		/* the previous byte was Ctrl-A */
};

/*
 * Copies @n input bytes to @out minus the escape sequences; sets *@quit on
 * Ctrl-A x.  Returns how many bytes went to @out (at most @n).
 */
size_t console_filter(struct console_escape *st, const uint8_t *in, size_t n,
		      uint8_t *out, bool *quit);

struct console {
	int out_fd;
	bool close_out;
	bool tty_raw;			/* stdin was switched to raw mode */
	struct termios saved;
	struct console_escape esc;
	pthread_t reader;
	bool reader_started;
	int stop_pipe[2];		/* console_close() wakes the reader through it */
	/* Called from the reader thread with guest-bound bytes / on Ctrl-A x. */
	void (*input)(void *opaque, const uint8_t *buf, size_t n);
	void (*quit)(void *opaque);
	void *opaque;
};

/* @dest NULL or "stdio": the terminal; else a file created for output. */
int console_open(struct console *con, const char *dest);
void console_write(struct console *con, uint8_t byte);
/* Starts reading stdin (when @dest was the terminal and stdin is usable). */
int console_start_input(struct console *con);
/* Stops the reader, restores the terminal; safe to call more than once. */
void console_close(struct console *con);

#endif
