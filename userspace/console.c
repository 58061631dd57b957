// SPDX-License-Identifier: GPL-2.0
/* The host side of the guest's serial console. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "console.h"

size_t console_filter(struct console_escape *st, const uint8_t *in, size_t n,
		      uint8_t *out, bool *quit)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (st->pending) {
			st->pending = false;
			if (c == 'x' || c == 'X') {
				*quit = true;
				return o;
			}
			if (c == CONSOLE_ESCAPE)
				out[o++] = c;
			continue;	/* other escapes mean nothing yet */
		}
		if (c == CONSOLE_ESCAPE) {
			st->pending = true;
			continue;
		}
		out[o++] = c;
	}
	return o;
}

int console_open(struct console *con, const char *dest)
{
	con->out_fd = STDOUT_FILENO;
	con->close_out = false;
	con->tty_raw = false;
	con->reader_started = false;
	con->esc.pending = false;
	if (dest && strcmp(dest, "stdio")) {
		con->out_fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (con->out_fd < 0) {
			fprintf(stderr, "vmlab run: --console %s: %s\n", dest, strerror(errno));
			return -1;
		}
		con->close_out = true;
	}
	return 0;
}

void console_write(struct console *con, uint8_t byte)
{
	ssize_t r;

	do {
		r = write(con->out_fd, &byte, 1);
	} while (r < 0 && errno == EINTR);
}

/* Raw mode: the guest's shell gets every key, including Ctrl-C. */
static void make_raw(struct console *con)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &con->saved))
		return;
	t = con->saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;	/* keep host-side newline translation for our own messages */
	if (!tcsetattr(STDIN_FILENO, TCSANOW, &t))
		con->tty_raw = true;
}

static void *reader_main(void *arg)
{
	struct console *con = arg;
	uint8_t in[256], out[256];
	bool quit = false;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = con->stop_pipe[0], .events = POLLIN },
		};
		ssize_t n;
		size_t m;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (p[1].revents)
			return NULL;	/* console_close() */
		n = read(STDIN_FILENO, in, sizeof(in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* end of input: the guest keeps running */
		m = console_filter(&con->esc, in, n, out, &quit);
		if (m)
			con->input(con->opaque, out, m);
		if (quit) {
			con->quit(con->opaque);
			return NULL;
		}
	}
}

int console_start_input(struct console *con)
{
	if (con->close_out)
		return 0;	/* output goes to a file: no interactive input */
	if (pipe2(con->stop_pipe, O_CLOEXEC))
		return -1;
	make_raw(con);
	if (pthread_create(&con->reader, NULL, reader_main, con)) {
		close(con->stop_pipe[0]);
		close(con->stop_pipe[1]);
		console_close(con);
		return -1;
	}
	con->reader_started = true;
	return 0;
}

/*
 * The reader may be inside con->input(), waiting for room in the UART:
 * the caller must have ended the run (and woken such waiters) first.
 */
static void stop_reader(struct console *con)
{
	if (!con->reader_started)
		return;
	(void)!write(con->stop_pipe[1], "", 1);
	pthread_join(con->reader, NULL);
	close(con->stop_pipe[0]);
	close(con->stop_pipe[1]);
	con->reader_started = false;
}

void console_close(struct console *con)
{
	stop_reader(con);
	if (con->tty_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &con->saved);
		con->tty_raw = false;
	}
	if (con->close_out) {
		close(con->out_fd);
		con->close_out = false;
		con->out_fd = STDOUT_FILENO;
	}
}
