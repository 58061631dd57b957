/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event injection test (tests/guest/events.c and
 * tests/host/guest_events.c).  The guest announces each step with an
 * OUT of its number to EVT_PORT; the host answers as listed.
 */
#ifndef VMLAB_GUEST_EVENTS_H
#define VMLAB_GUEST_EVENTS_H

#define EVT_PORT		0x60

/* IF=1: the host injects EVT_VEC_n at once; it arrives after the OUT. */
#define EVT_INJECT_1		1
#define EVT_INJECT_2		2
#define EVT_INJECT_3		3
#define EVT_VEC_1		0x20
#define EVT_VEC_2		0x41
#define EVT_VEC_3		0xfe

/*
 * Interrupt window: at WIN_ASK (IF=0) the host sets
 * request_interrupt_window; WIN_BUSY comes three times, still IF=0, and
 * must not open it; WIN_STI announces STI, after which the window opens
 * (VMLAB_EXIT_IRQ_WINDOW_OPEN) and the host injects EVT_VEC_WINDOW.
 */
#define EVT_WIN_ASK		10
#define EVT_WIN_BUSY		11
#define EVT_WIN_STI		12
#define EVT_VEC_WINDOW		0x21

/*
 * Queued: at QUEUE (IF=0) the host queues EVT_VEC_QUEUED, which the
 * module holds until the guest's STI; a second VMLAB_INTERRUPT is EBUSY.
 */
#define EVT_QUEUE		20
#define EVT_QUEUE_WAIT		21
#define EVT_VEC_QUEUED		0x22

/* NMI: at each of these the host queues one (IF=0 all along). */
#define EVT_NMI_1		30
#define EVT_NMI_2		31

/* HLT with IF=1: the host injects EVT_VEC_HLT at the HLT exit. */
#define EVT_HLT			40
#define EVT_VEC_HLT		0x23

/* IF=1 already: a window request opens at once, before the next insn. */
#define EVT_WIN_NOW		50

#endif
