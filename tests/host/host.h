/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tests that run inside the emulated host, where
 * vmlab.ko is loaded and /dev/vmlab exists.
 */
#ifndef VMLAB_HOST_H
#define VMLAB_HOST_H

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uapi/vmlab.h>
#include "check.h"

/* "svm", "svm-4level" or "vmx": set by scripts/nested. */
static inline const char *host_target(void)
{
	const char *t = getenv("VMLAB_TARGET");

	return t ? t : "";
}

static inline int host_is_svm(void)
{
	return !strncmp(host_target(), "svm", 3);
}

static inline int host_open_dev(void)
{
	return open("/dev/vmlab", O_RDWR | O_CLOEXEC);
}

/* Runs a shell command quietly; returns its exit status (-1 on signal). */
static inline int host_sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Reads the kB figure of @key ("MemFree") from /proc/meminfo; -1 if absent. */
static inline long host_meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/*
 * Free memory in kB counting the pages parked on the per-CPU free lists,
 * which MemFree leaves out and which swing by megabytes between two
 * reads: summed from /proc/zoneinfo ("pages free" and the pagesets'
 * "count:" lines).  -1 on error.
 */
static inline long host_free_kb_with_pcp(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long pages = 0, v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " pages free %ld", &v) == 1 ||
		    sscanf(line, " count: %ld", &v) == 1)
			pages += v;
	}
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Reads MSR @msr on @cpu through the msr driver; 0 on success. */
static inline int host_rdmsr(int cpu, uint32_t msr, uint64_t *val)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ok = pread(fd, val, sizeof(*val), msr) == sizeof(*val);
	close(fd);
	return ok ? 0 : -1;
}

static inline int host_online_cpus(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

/* Writes "0" or "1" to cpuN/online; returns 0 on success. */
static inline int host_set_cpu_online(int cpu, int online)
{
	char path[80];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, online ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

#endif
