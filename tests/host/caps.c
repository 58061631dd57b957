// SPDX-License-Identifier: GPL-2.0
/*
 * VMLAB_GET_CAPS tells the truth about the emulated host's CPU: which
 * backend, which nested paging depth, which features.  Expectations come
 * from the target (QEMU -cpu max vs. Bochs corei7_skylake_x) and from
 * what /proc/cpuinfo says independently of vmlab.
 */
#include "host.h"

static struct vmlab_caps caps;
static int have_caps;

static int cpuinfo_has_flag(const char *flag)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "grep -qw %s /proc/cpuinfo", flag);
	return host_sh(cmd) == 0;
}

static void caps_ioctl_fills_the_struct(void)
{
	int fd = host_open_dev();

	CHECK(fd >= 0, "open: %s", strerror(errno));
	memset(&caps, 0xa5, sizeof(caps));
	CHECK_EQ(ioctl(fd, VMLAB_GET_CAPS, &caps), 0);
	CHECK_EQ(caps.size, sizeof(caps));
	for (unsigned int i = 0; i < sizeof(caps.reserved) / sizeof(caps.reserved[0]); i++)
		CHECK_EQ(caps.reserved[i], 0);
	have_caps = !check_case_failed;
	close(fd);
}

static void backend_matches_the_target(void)
{
	if (!have_caps) {
		check_skip("no caps");
		return;
	}
	CHECK_EQ(caps.backend, host_is_svm() ? VMLAB_BACKEND_SVM : VMLAB_BACKEND_VMX);
	CHECK(caps.features & VMLAB_FEAT_NESTED_PAGING);
	CHECK_EQ(caps.phys_bits > 0 && caps.phys_bits <= 52, 1);
}

static void paging_levels_follow_the_host(void)
{
	int la57 = cpuinfo_has_flag("la57");

	if (!have_caps) {
		check_skip("no caps");
		return;
	}
	if (!strcmp(host_target(), "svm")) {
		/* -cpu max: the host kernel runs 5-level, so must NPT. */
		CHECK(la57, "svm target expected a 5-level host");
		CHECK_EQ(caps.paging_levels, 5);
		CHECK(caps.features & VMLAB_FEAT_HOST_LA57);
	} else if (!strcmp(host_target(), "svm-4level")) {
		CHECK(!la57, "svm-4level target expected a 4-level host");
		CHECK_EQ(caps.paging_levels, 4);
		CHECK(!(caps.features & VMLAB_FEAT_HOST_LA57));
	} else {
		/* EPT depth does not follow the host: 4 levels cover 48 bits. */
		CHECK_EQ(caps.paging_levels, 4);
		CHECK(caps.paging_levels_mask & (1u << 4));
	}
	CHECK(caps.paging_levels_mask & (1u << caps.paging_levels));
}

static void svm_features_match_cpuid(void)
{
	uint32_t edx = (uint32_t)caps.raw[VMLAB_CAPS_RAW_SVM_CPUID_EDX];

	if (!have_caps || !host_is_svm()) {
		check_skip("not svm");
		return;
	}
	CHECK(edx & 1, "NP bit missing from the raw word %#x", edx);
	CHECK_EQ(!!(caps.features & VMLAB_FEAT_NRIP_SAVE), !!(edx & (1u << 3)));
	CHECK_EQ(!!(caps.features & VMLAB_FEAT_DECODE_ASSISTS), !!(edx & (1u << 7)));
	CHECK_EQ(!!(caps.features & VMLAB_FEAT_NRIP_SAVE), cpuinfo_has_flag("nrip_save"));
	CHECK(caps.tlb_tags > 0);
	CHECK(caps.features & VMLAB_FEAT_TAGGED_TLB);
}

static void vmx_features_match_the_capability_msrs(void)
{
	uint64_t basic = caps.raw[VMLAB_CAPS_RAW_VMX_BASIC];
	uint64_t ctls2 = caps.raw[VMLAB_CAPS_RAW_VMX_PROCBASED2];

	if (!have_caps || host_is_svm()) {
		check_skip("not vmx");
		return;
	}
	CHECK((basic & 0x7fffffff) != 0, "no VMCS revision id");
	CHECK(ctls2 & (1ULL << (32 + 1)), "EPT not allowed in %#llx", (unsigned long long)ctls2);
	/* Bochs corei7_skylake_x has unrestricted guest and VPID. */
	CHECK(caps.features & VMLAB_FEAT_UNRESTRICTED_GUEST);
	CHECK_EQ(!!(caps.features & VMLAB_FEAT_UNRESTRICTED_GUEST), !!(ctls2 & (1ULL << (32 + 7))));
	CHECK(caps.features & VMLAB_FEAT_TAGGED_TLB);
	CHECK_EQ(caps.tlb_tags, 0xffff);
	CHECK(cpuinfo_has_flag("ept"), "the host kernel sees no EPT");
}

int main(void)
{
	check_prog = "caps";
	RUN(caps_ioctl_fills_the_struct);
	RUN(backend_matches_the_target);
	RUN(paging_levels_follow_the_host);
	RUN(svm_features_match_cpuid);
	RUN(vmx_features_match_the_capability_msrs);
	return check_done();
}
