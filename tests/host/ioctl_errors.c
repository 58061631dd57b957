// SPDX-License-Identifier: GPL-2.0
/* Bad ioctl numbers, arguments and pointers get errors, never crashes. */
#include <sys/mman.h>
#include "host.h"

static int fd = -1;

static void unknown_ioctl_numbers_get_enotty(void)
{
	CHECK_ERRNO(ioctl(fd, _IO(VMLAB_IO, 0x7f), 0), ENOTTY);
	CHECK_ERRNO(ioctl(fd, _IO(0xAE, 0x00), 0), ENOTTY);	/* KVM's */
	CHECK_ERRNO(ioctl(fd, 0, 0), ENOTTY);
	CHECK_ERRNO(ioctl(fd, 0xffffffffu, 0), ENOTTY);
	/* Right number, wrong size encoded in it. */
	CHECK_ERRNO(ioctl(fd, _IOR(VMLAB_IO, 0x01, uint32_t), 0), ENOTTY);
}

static void bad_caps_pointers_get_efault(void)
{
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK_ERRNO(ioctl(fd, VMLAB_GET_CAPS, NULL), EFAULT);
	CHECK_ERRNO(ioctl(fd, VMLAB_GET_CAPS, (void *)1), EFAULT);
	CHECK_ERRNO(ioctl(fd, VMLAB_GET_CAPS, (void *)0xffff888000000000ULL), EFAULT);
	CHECK_ERRNO(ioctl(fd, VMLAB_GET_CAPS, (void *)-4096L), EFAULT);
	CHECK(ro != MAP_FAILED);
	CHECK_ERRNO(ioctl(fd, VMLAB_GET_CAPS, ro), EFAULT);
	/* Straddling the end of a mapping: the struct does not fit. */
	CHECK_ERRNO(ioctl(fd, VMLAB_GET_CAPS, (char *)ro + 4096 - 8), EFAULT);
	munmap(ro, 4096);
}

static void nonzero_arguments_where_zero_is_required_get_einval(void)
{
	CHECK_ERRNO(ioctl(fd, VMLAB_GET_API_VERSION, 1), EINVAL);
	CHECK_ERRNO(ioctl(fd, VMLAB_CREATE_VM, 1), EINVAL);
	CHECK_ERRNO(ioctl(fd, VMLAB_CREATE_VM, ~0UL), EINVAL);
}

static void vm_fd_rejects_unknown_ioctls(void)
{
	int vm = ioctl(fd, VMLAB_CREATE_VM, 0);

	CHECK(vm >= 0, "create vm: %s", strerror(errno));
	CHECK_ERRNO(ioctl(vm, _IO(VMLAB_IO, 0x7f), 0), ENOTTY);
	CHECK_ERRNO(ioctl(vm, VMLAB_GET_CAPS, NULL), ENOTTY);
	CHECK(fcntl(vm, F_GETFD) & FD_CLOEXEC, "VM fd must be close-on-exec");
	close(vm);
}

int main(void)
{
	check_prog = "ioctl_errors";
	fd = host_open_dev();
	if (fd < 0) {
		printf("FAIL: ioctl_errors: open /dev/vmlab: %s\n", strerror(errno));
		return 1;
	}
	RUN(unknown_ioctl_numbers_get_enotty);
	RUN(bad_caps_pointers_get_efault);
	RUN(nonzero_arguments_where_zero_is_required_get_einval);
	RUN(vm_fd_rejects_unknown_ioctls);
	close(fd);
	return check_done();
}
