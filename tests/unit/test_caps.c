// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the caps description shown by `vmlab caps`. */
#include <stdlib.h>
#include "caps.h"
#include "check.h"

/* Renders @caps through caps_describe() into a malloc'd string. */
static char *describe(const struct vmlab_caps *caps)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	caps_describe(f, caps, VMLAB_API_VERSION);
	fclose(f);
	return buf;
}

static void every_feature_bit_has_a_distinct_name(void)
{
	for (unsigned int i = 0; i < VMLAB_FEAT_NR; i++) {
		CHECK(caps_feature_name(i) != NULL, "bit %u", i);
		for (unsigned int j = 0; j < i; j++)
			CHECK(strcmp(caps_feature_name(i), caps_feature_name(j)),
			      "bits %u and %u", i, j);
	}
	CHECK(caps_feature_name(VMLAB_FEAT_NR) == NULL);
	CHECK(caps_feature_name(1000) == NULL);
}

static void names_match_the_abi_bits(void)
{
	CHECK(!strcmp(caps_feature_name(__builtin_ctzll(VMLAB_FEAT_NESTED_PAGING)), "nested-paging"));
	CHECK(!strcmp(caps_feature_name(__builtin_ctzll(VMLAB_FEAT_NRIP_SAVE)), "nrip-save"));
	CHECK(!strcmp(caps_feature_name(__builtin_ctzll(VMLAB_FEAT_HOST_LA57)), "host-la57"));
	CHECK(!strcmp(caps_backend_name(VMLAB_BACKEND_SVM), "svm"));
	CHECK(!strcmp(caps_backend_name(VMLAB_BACKEND_VMX), "vmx"));
	CHECK(caps_backend_name(0) == NULL);
}

static void svm_description(void)
{
	struct vmlab_caps caps = {
		.size = sizeof(caps),
		.backend = VMLAB_BACKEND_SVM,
		.features = VMLAB_FEAT_NESTED_PAGING | VMLAB_FEAT_NRIP_SAVE,
		.paging_levels = 5,
		.paging_levels_mask = 1u << 5,
		.tlb_tags = 32767,
		.phys_bits = 48,
	};
	char *text;

	caps.raw[VMLAB_CAPS_RAW_SVM_CPUID_EDX] = 0x10010001;
	text = describe(&caps);
	CHECK(strstr(text, "backend: svm\n"), "%s", text);
	CHECK(strstr(text, "features: nested-paging nrip-save\n"), "%s", text);
	CHECK(strstr(text, "nested paging levels: 5 (possible: 5)\n"), "%s", text);
	CHECK(strstr(text, "tlb tags: 32767 ASIDs\n"), "%s", text);
	CHECK(strstr(text, "edx=0x10010001"), "%s", text);
	CHECK(!strstr(text, "IA32_VMX"), "%s", text);
	free(text);
}

static void vmx_description_and_unknown_bits(void)
{
	struct vmlab_caps caps = {
		.backend = VMLAB_BACKEND_VMX,
		.features = VMLAB_FEAT_UNRESTRICTED_GUEST | (1ULL << 40),
		.paging_levels = 4,
		.paging_levels_mask = (1u << 4) | (1u << 5),
	};
	char *text;

	caps.raw[VMLAB_CAPS_RAW_VMX_BASIC] = 0xda040000000004ULL;
	text = describe(&caps);
	CHECK(strstr(text, "backend: vmx\n"), "%s", text);
	CHECK(strstr(text, "features: unrestricted-guest bit40\n"), "%s", text);
	CHECK(strstr(text, "(possible: 4 5)"), "%s", text);
	CHECK(strstr(text, "VPIDs"), "%s", text);
	CHECK(strstr(text, "IA32_VMX_BASIC: 0xda040000000004\n"), "%s", text);
	free(text);
}

static void unknown_backend_is_reported_not_guessed(void)
{
	struct vmlab_caps caps = { .backend = 7 };
	char *text = describe(&caps);

	CHECK(strstr(text, "backend: unknown (7)\n"), "%s", text);
	free(text);
}

int main(void)
{
	check_prog = "caps";
	RUN(every_feature_bit_has_a_distinct_name);
	RUN(names_match_the_abi_bits);
	RUN(svm_description);
	RUN(vmx_description_and_unknown_bits);
	RUN(unknown_backend_is_reported_not_guessed);
	return check_done();
}
