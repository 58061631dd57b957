/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VMLAB_CAPS_H
#define VMLAB_CAPS_H

#include <stdio.h>
#include <uapi/vmlab.h>

/* "vmx", "svm", or NULL for an unknown backend number. */
const char *caps_backend_name(__u32 backend);

/* Name of feature bit @bit ("nested-paging", ...), NULL if unknown. */
const char *caps_feature_name(unsigned int bit);

/* Writes a human-readable description of @caps, one fact per line. */
void caps_describe(FILE *out, const struct vmlab_caps *caps, int api_version);

#endif
