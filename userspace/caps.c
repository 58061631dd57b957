// SPDX-License-Identifier: GPL-2.0
/* Turning struct vmlab_caps into text for people. */
#include <inttypes.h>
#include "caps.h"

static const char *const feature_names[VMLAB_FEAT_NR] = {
	[0]  = "nested-paging",
	[1]  = "unrestricted-guest",
	[2]  = "tagged-tlb",
	[3]  = "nrip-save",
	[4]  = "decode-assists",
	[5]  = "vmcb-clean",
	[6]  = "flush-by-asid",
	[7]  = "ept-ad",
	[8]  = "huge-2m",
	[9]  = "huge-1g",
	[10] = "true-ctls",
	[11] = "host-la57",
};

const char *caps_backend_name(__u32 backend)
{
	switch (backend) {
	case VMLAB_BACKEND_VMX:
		return "vmx";
	case VMLAB_BACKEND_SVM:
		return "svm";
	default:
		return NULL;
	}
}

const char *caps_feature_name(unsigned int bit)
{
	return bit < VMLAB_FEAT_NR ? feature_names[bit] : NULL;
}

static void describe_features(FILE *out, __u64 features)
{
	fputs("features:", out);
	for (unsigned int bit = 0; bit < 64; bit++) {
		const char *name;

		if (!(features & (1ULL << bit)))
			continue;
		name = caps_feature_name(bit);
		if (name)
			fprintf(out, " %s", name);
		else
			fprintf(out, " bit%u", bit);
	}
	fputc('\n', out);
}

static void describe_levels(FILE *out, const struct vmlab_caps *caps)
{
	fprintf(out, "nested paging levels: %" PRIu32 " (possible:",
		caps->paging_levels);
	for (unsigned int n = 0; n < 32; n++)
		if (caps->paging_levels_mask & (1u << n))
			fprintf(out, " %u", n);
	fputs(")\n", out);
}

static void describe_raw(FILE *out, const struct vmlab_caps *caps)
{
	if (caps->backend == VMLAB_BACKEND_SVM) {
		fprintf(out, "cpuid 0x8000000a: eax=%#" PRIx64 " edx=%#" PRIx64 "\n",
			(uint64_t)caps->raw[VMLAB_CAPS_RAW_SVM_CPUID_EAX],
			(uint64_t)caps->raw[VMLAB_CAPS_RAW_SVM_CPUID_EDX]);
	} else if (caps->backend == VMLAB_BACKEND_VMX) {
		fprintf(out, "IA32_VMX_BASIC: %#" PRIx64 "\n",
			(uint64_t)caps->raw[VMLAB_CAPS_RAW_VMX_BASIC]);
		fprintf(out, "IA32_VMX_PROCBASED_CTLS2: %#" PRIx64 "\n",
			(uint64_t)caps->raw[VMLAB_CAPS_RAW_VMX_PROCBASED2]);
		fprintf(out, "IA32_VMX_EPT_VPID_CAP: %#" PRIx64 "\n",
			(uint64_t)caps->raw[VMLAB_CAPS_RAW_VMX_EPT_VPID]);
		fprintf(out, "IA32_VMX_MISC: %#" PRIx64 "\n",
			(uint64_t)caps->raw[VMLAB_CAPS_RAW_VMX_MISC]);
		fprintf(out, "controls in use: pin %#" PRIx64 " proc %#" PRIx64
			" proc2 %#" PRIx64 " exit %#" PRIx64 " entry %#" PRIx64 "\n",
			(uint64_t)(uint32_t)caps->raw[VMLAB_CAPS_RAW_VMX_PIN_PROC],
			(uint64_t)(caps->raw[VMLAB_CAPS_RAW_VMX_PIN_PROC] >> 32),
			(uint64_t)caps->raw[VMLAB_CAPS_RAW_VMX_PROC2],
			(uint64_t)(uint32_t)caps->raw[VMLAB_CAPS_RAW_VMX_EXIT_ENTRY],
			(uint64_t)(caps->raw[VMLAB_CAPS_RAW_VMX_EXIT_ENTRY] >> 32));
	}
}

void caps_describe(FILE *out, const struct vmlab_caps *caps, int api_version)
{
	const char *backend = caps_backend_name(caps->backend);

	fprintf(out, "api version: %d\n", api_version);
	if (backend)
		fprintf(out, "backend: %s\n", backend);
	else
		fprintf(out, "backend: unknown (%" PRIu32 ")\n", caps->backend);
	describe_features(out, caps->features);
	describe_levels(out, caps);
	fprintf(out, "tlb tags: %" PRIu32 " %s\n", caps->tlb_tags,
		caps->backend == VMLAB_BACKEND_SVM ? "ASIDs" : "VPIDs");
	fprintf(out, "host physical address bits: %" PRIu32 "\n", caps->phys_bits);
	describe_raw(out, caps);
}
