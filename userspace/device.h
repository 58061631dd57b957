/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMLAB_DEVICE_H
#define VMLAB_DEVICE_H

#include <uapi/vmlab.h>

#define VMLAB_DEVICE_PATH "/dev/vmlab"

/*
 * Opens @path (normally VMLAB_DEVICE_PATH) and checks the API version.
 * Returns the fd, or -1 after printing one line that says why.
 */
int device_open(const char *path);

/* Fills @caps and returns the API version; -1 with a message on error. */
int device_get_caps(int fd, struct vmlab_caps *caps);

#endif
