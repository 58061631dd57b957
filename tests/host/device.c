// SPDX-License-Identifier: GPL-2.0
/* /dev/vmlab exists, is what it should be, and answers the basic ioctls. */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "host.h"

#define MISC_MAJOR 10

static void module_is_loaded(void)
{
	struct stat st;

	CHECK(stat("/sys/module/vmlab", &st) == 0, "no /sys/module/vmlab");
}

static void device_node_is_a_misc_char_device_mode_0660(void)
{
	struct stat st;

	CHECK(stat("/dev/vmlab", &st) == 0, "stat: %s", strerror(errno));
	CHECK(S_ISCHR(st.st_mode), "mode %o", st.st_mode);
	CHECK_EQ(major(st.st_rdev), MISC_MAJOR);
	CHECK_EQ(st.st_mode & 07777, 0660);
}

static void api_version_is_the_headers(void)
{
	int fd = host_open_dev();

	CHECK(fd >= 0, "open: %s", strerror(errno));
	CHECK_EQ(ioctl(fd, VMLAB_GET_API_VERSION, 0), VMLAB_API_VERSION);
	close(fd);
}

static void unprivileged_open_is_refused(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		/* nobody/nogroup: mode 0660 root:root must keep them out. */
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(open("/dev/vmlab", O_RDWR) < 0 && errno == EACCES ? 0 : 1);
	}
	CHECK(pid > 0);
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

int main(void)
{
	check_prog = "device";
	RUN(module_is_loaded);
	RUN(device_node_is_a_misc_char_device_mode_0660);
	RUN(api_version_is_the_headers);
	RUN(unprivileged_open_is_refused);
	return check_done();
}
