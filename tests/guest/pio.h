/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port I/O test (tests/guest/pio.c and tests/host/guest_pio.c): the
 * ports, the values each side gives, and the string transfers.
 */
#ifndef VMLAB_GUEST_PIO_H
#define VMLAB_GUEST_PIO_H

#include <stdint.h>

/* OUT: the host logs what arrives on these, in order. */
#define PIO_OUT8		0x70
#define PIO_OUT16		0x72
#define PIO_OUT32		0x74
#define PIO_OUT_WIDE		0x1234	/* through DX, every size */

/* IN: the host answers with these. */
#define PIO_IN8			0x71
#define PIO_IN8_VALUE		0xa5
#define PIO_IN16		0x73
#define PIO_IN16_VALUE		0xbeef
#define PIO_IN32		0x75
#define PIO_IN32_VALUE		0xdeadbeef
#define PIO_IN_WIDE		0x4321	/* through DX: this, truncated */
#define PIO_IN_WIDE_VALUE	0x01020304

/*
 * A string transfer: @count elements of @size bytes with INS/OUTS, REP
 * unless @single, downwards (DF=1) when @reverse.  OUT streams send
 * guest_pattern(k, seed) for byte k of the buffer; IN streams receive
 * guest_pattern(k, seed) for the k-th byte the host hands out.
 */
struct pio_stream {
	uint16_t port;
	uint8_t size;
	uint8_t reverse;
	uint8_t single;
	uint32_t count;
	uint32_t seed;
};

static const struct pio_stream pio_out_streams[] = {
	{ 0x90, 1, 0, 0, 100, 1 },
	{ 0x91, 1, 0, 0, 5000, 2 },	/* more than one exit carries */
	{ 0x92, 1, 1, 0, 5000, 3 },	/* DF=1 */
	{ 0x93, 2, 0, 0, 2000, 4 },
	{ 0x94, 4, 0, 0, 1000, 5 },
	{ 0x95, 2, 1, 0, 1700, 6 },	/* DF=1, 16-bit elements */
	{ 0x96, 1, 0, 1, 1, 7 },	/* OUTSB without REP */
	{ 0x97, 4, 0, 1, 1, 8 },	/* OUTSD without REP */
	{ 0x98, 1, 0, 0, 0, 9 },	/* REP with rCX = 0: no exit at all */
};

static const struct pio_stream pio_in_streams[] = {
	{ 0xa0, 1, 0, 0, 100, 11 },
	{ 0xa1, 1, 0, 0, 5000, 12 },
	{ 0xa2, 1, 1, 0, 5000, 13 },	/* DF=1 */
	{ 0xa3, 2, 0, 0, 2000, 14 },
	{ 0xa4, 4, 0, 0, 1000, 15 },
	{ 0xa5, 4, 1, 0, 900, 16 },	/* DF=1, 32-bit elements */
	{ 0xa6, 1, 0, 1, 1, 17 },	/* INSB without REP */
	{ 0xa7, 1, 0, 0, 0, 18 },	/* REP with rCX = 0: no exit at all */
};

/*
 * Real mode (guest_hook16): REP INSB of PIO_RM_COUNT bytes from
 * PIO_RM_IN to ES:DI = PIO_RM_SEG:0, then REP OUTSB of the same bytes
 * back to PIO_RM_OUT from FS:SI (a segment override) with FS = PIO_RM_SEG.
 */
#define PIO_RM_IN		0xb0
#define PIO_RM_OUT		0xb1
#define PIO_RM_SEED		21
#define PIO_RM_COUNT		40
#define PIO_RM_SEG		0x9000	/* linear GUEST_SCRATCH */

#endif
