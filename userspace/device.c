// SPDX-License-Identifier: GPL-2.0
/* Talking to /dev/vmlab. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "device.h"

int device_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int version;

	if (fd < 0) {
		fprintf(stderr, "vmlab: cannot open %s: %s%s\n", path,
			strerror(errno),
			errno == ENOENT ? " (is vmlab.ko loaded?)" : "");
		return -1;
	}
	version = ioctl(fd, VMLAB_GET_API_VERSION, 0);
	if (version != VMLAB_API_VERSION) {
		fprintf(stderr, "vmlab: %s speaks API version %d, this tool needs %d\n",
			path, version, VMLAB_API_VERSION);
		close(fd);
		return -1;
	}
	return fd;
}

int device_get_caps(int fd, struct vmlab_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	if (ioctl(fd, VMLAB_GET_CAPS, caps) < 0) {
		fprintf(stderr, "vmlab: VMLAB_GET_CAPS: %s\n", strerror(errno));
		return -1;
	}
	return ioctl(fd, VMLAB_GET_API_VERSION, 0);
}
