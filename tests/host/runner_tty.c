// SPDX-License-Identifier: GPL-2.0
/*
 * `vmlab run` on a terminal (a pseudo-terminal here): keys reach the
 * guest at once and are not echoed by the host, Ctrl-C goes to the guest,
 * Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A x quits, SIGTERM ends the run,
 * and every way out leaves the terminal as it was.  The guest is
 * tests/runner/multiboot-echo.S, which answers each byte with "<hh>".
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>
#include "host.h"

#define ECHO_KERNEL	"/usr/share/vmlab/runner/multiboot-echo.elf"
#define TIMEOUT_MS	120000	/* Bochs is slow */

struct session {
	int master, slave;
	pid_t pid;
	struct termios before;
	char out[16384];
	size_t len;
};

static int start(struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->slave = -1;
	s->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->master < 0 || grantpt(s->master) || unlockpt(s->master))
		return -1;
	s->slave = open(ptsname(s->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->slave < 0 || tcgetattr(s->slave, &s->before))
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		setsid();
		ioctl(s->slave, TIOCSCTTY, 0);
		dup2(s->slave, 0);
		dup2(s->slave, 1);
		dup2(s->slave, 2);
		execlp("vmlab", "vmlab", "run", "--kernel", ECHO_KERNEL, (char *)NULL);
		_exit(127);
	}
	return s->pid > 0 ? 0 : -1;
}

/* Reads what the terminal shows for up to @ms milliseconds. */
static void drain(struct session *s, int ms)
{
	struct pollfd p = { .fd = s->master, .events = POLLIN };

	while (poll(&p, 1, ms) > 0) {
		ssize_t n;

		if (s->len + 1 >= sizeof(s->out))
			s->len = 0;	/* only the recent output matters */
		n = read(s->master, s->out + s->len, sizeof(s->out) - 1 - s->len);
		if (n <= 0)
			break;
		s->len += n;
		s->out[s->len] = '\0';
		ms = 0;
	}
}

/* Whether @want shows up on the terminal within the timeout. */
static int expect(struct session *s, const char *want)
{
	for (int waited = 0; waited < TIMEOUT_MS; waited += 100) {
		drain(s, 100);
		if (strstr(s->out, want))
			return 1;
	}
	fprintf(stderr, "runner_tty: wanted \"%s\", the terminal shows \"%s\"\n", want, s->out);
	return 0;
}

static void type(struct session *s, const char *keys)
{
	(void)!write(s->master, keys, strlen(keys));
}

/* The run's exit status, or -1 (after killing it) on timeout. */
static int wait_end(struct session *s)
{
	for (int waited = 0; waited < TIMEOUT_MS; waited += 100) {
		int st;

		drain(s, 0);
		if (waitpid(s->pid, &st, WNOHANG) == s->pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(100 * 1000);
	}
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	return -1;
}

static int alive(const struct session *s)
{
	return waitpid(s->pid, NULL, WNOHANG) == 0;
}

/* The terminal's modes are back to what they were before the run. */
static int restored(const struct session *s)
{
	struct termios now;

	return !tcgetattr(s->slave, &now) && now.c_iflag == s->before.c_iflag &&
	       now.c_oflag == s->before.c_oflag && now.c_lflag == s->before.c_lflag &&
	       now.c_cflag == s->before.c_cflag;
}

static void stop(struct session *s)
{
	if (s->pid > 0 && alive(s)) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	if (s->master >= 0)
		close(s->master);
	if (s->slave >= 0)
		close(s->slave);
}

/* Starts the run and waits for the guest's banner; fails the case if either does not happen. */
static int started(struct session *s)
{
	if (start(s)) {
		CHECK(0, "no pseudo-terminal or fork: %s", strerror(errno));
		stop(s);
		return 0;
	}
	if (!expect(s, "echo-ready")) {
		CHECK(0, "the guest did not start");
		stop(s);
		return 0;
	}
	return 1;
}

static void keys_reach_the_guest_at_once_without_host_echo(void)
{
	struct session s;
	struct termios raw;

	if (!started(&s))
		return;
	CHECK_EQ(tcgetattr(s.slave, &raw), 0);
	CHECK(!(raw.c_lflag & (ICANON | ECHO | ISIG)), "terminal not raw: lflag %#x",
	      (unsigned int)raw.c_lflag);
	type(&s, "ab");		/* no newline: a cooked terminal would hold these */
	CHECK(expect(&s, "<61><62>"));
	CHECK(!strstr(s.out, "ab"), "the host echoed the keys: \"%s\"", s.out);
	type(&s, "q");
	CHECK_EQ(wait_end(&s), (7 << 1) | 1);
	CHECK(restored(&s), "terminal modes not restored");
	stop(&s);
}

static void ctrl_c_goes_to_the_guest_and_ctrl_a_x_quits(void)
{
	struct session s;

	if (!started(&s))
		return;
	type(&s, "\x03");
	CHECK(expect(&s, "<03>"));
	CHECK(alive(&s), "Ctrl-C ended the run");
	type(&s, "\x01\x01");
	CHECK(expect(&s, "<01>"));
	type(&s, "\x01x");
	CHECK_EQ(wait_end(&s), 0);
	CHECK(strstr(s.out, "quit (Ctrl-A x)"), "output: \"%s\"", s.out);
	CHECK(restored(&s), "terminal modes not restored");
	stop(&s);
}

static void sigterm_ends_the_run_and_restores_the_terminal(void)
{
	struct session s;

	if (!started(&s))
		return;
	CHECK_EQ(kill(s.pid, SIGTERM), 0);
	CHECK_EQ(wait_end(&s), 128 + SIGTERM);
	CHECK(strstr(s.out, "ending the run"), "output: \"%s\"", s.out);
	CHECK(restored(&s), "terminal modes not restored");
	stop(&s);
}

int main(void)
{
	check_prog = "runner_tty";
	signal(SIGPIPE, SIG_IGN);
	RUN(keys_reach_the_guest_at_once_without_host_echo);
	RUN(ctrl_c_goes_to_the_guest_and_ctrl_a_x_quits);
	RUN(sigterm_ends_the_run_and_restores_the_terminal);
	return check_done();
}
