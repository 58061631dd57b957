// SPDX-License-Identifier: GPL-2.0
/*
 * Event injection into a running guest (tests/guest/events.c, steps in
 * tests/guest/events.h): VMLAB_INTERRUPT reaches the guest's IDT with
 * its vector when the run page says the guest is ready; with IF=0 the
 * run page says it is not, request_interrupt_window gives
 * VMLAB_EXIT_IRQ_WINDOW_OPEN only once the guest has executed STI, and
 * an interrupt queued early is held until then; VMLAB_NMI is delivered
 * to vector 2 whatever IF, twice; STI;HLT wakes up with an interrupt.
 */
#include "guest_run.h"
#include "../guest/events.h"

static struct {
	unsigned int injected, busy, win_busy, windows, window_now, queued_busy;
	unsigned int nmis, hlts;
	bool win_asked, win_sti, win_now_asked, hlt_step;
} st;

static int interrupt(struct guest *g, uint32_t vec)
{
	struct vmlab_interrupt irq = { .irq = vec };

	return ioctl(g->vcpu, VMLAB_INTERRUPT, &irq);
}

static void expect_ready(struct guest *g, int ready, const char *where)
{
	CHECK(g->run->if_flag == ready && g->run->ready_for_interrupt_injection == ready,
	      "%s: if_flag %u ready %u, want %d", where, g->run->if_flag,
	      g->run->ready_for_interrupt_injection, ready);
}

static enum guest_action step(struct guest *g, uint8_t n)
{
	struct vmlab_run *r = g->run;

	switch (n) {
	case EVT_INJECT_1:
	case EVT_INJECT_2:
	case EVT_INJECT_3:
		expect_ready(g, 1, "IF=1");
		CHECK_EQ(interrupt(g, n == EVT_INJECT_1 ? EVT_VEC_1 :
				      n == EVT_INJECT_2 ? EVT_VEC_2 : EVT_VEC_3), 0);
		st.injected++;
		return GUEST_CONTINUE;
	case EVT_WIN_ASK:
		expect_ready(g, 0, "after CLI");
		r->request_interrupt_window = 1;
		st.win_asked = true;
		return GUEST_CONTINUE;
	case EVT_WIN_BUSY:
		/* IF=0: the window stays shut, the guest just goes on. */
		expect_ready(g, 0, "window requested, IF=0");
		st.win_busy++;
		return GUEST_CONTINUE;
	case EVT_WIN_STI:
		expect_ready(g, 0, "before STI");
		st.win_sti = true;
		return GUEST_CONTINUE;
	case EVT_QUEUE:
		expect_ready(g, 0, "IF=0");
		CHECK_EQ(interrupt(g, EVT_VEC_QUEUED), 0);
		/* One at a time. */
		CHECK_ERRNO(interrupt(g, EVT_VEC_QUEUED), EBUSY);
		/* Queued, so not ready for another even with IF=1 later. */
		return GUEST_CONTINUE;
	case EVT_QUEUE_WAIT:
		CHECK_EQ(r->ready_for_interrupt_injection, 0);
		return GUEST_CONTINUE;
	case EVT_NMI_1:
	case EVT_NMI_2:
		CHECK_EQ(r->if_flag, 0);
		CHECK_EQ(ioctl(g->vcpu, VMLAB_NMI, 0), 0);
		st.nmis++;
		return GUEST_CONTINUE;
	case EVT_HLT:
		st.hlt_step = true;
		return GUEST_CONTINUE;
	case EVT_WIN_NOW:
		expect_ready(g, 1, "IF=1");
		r->request_interrupt_window = 1;
		st.win_now_asked = true;
		return GUEST_CONTINUE;
	default:
		return GUEST_UNEXPECTED;
	}
}

static enum guest_action events_exit(struct guest *g, void *arg)
{
	struct vmlab_run *r = g->run;

	(void)arg;
	if (guest_is_out(g, EVT_PORT) && r->io.size == 1 && r->io.count == 1)
		return step(g, guest_io_data(g)[0]);
	if (r->exit_reason == VMLAB_EXIT_IRQ_WINDOW_OPEN) {
		r->request_interrupt_window = 0;
		expect_ready(g, 1, "window open");
		if (st.win_asked && !st.windows) {
			/* Only after STI and the instruction in its shadow. */
			CHECK(st.win_sti && st.win_busy == 3, "window opened early");
			CHECK_EQ(guest_rip(g), guest_report64(g, 0));
			CHECK_EQ(interrupt(g, EVT_VEC_WINDOW), 0);
			st.windows++;
			return GUEST_CONTINUE;
		}
		if (st.win_now_asked && !st.window_now) {
			/* Open already: the guest did not move. */
			CHECK_EQ(guest_rip(g), guest_report64(g, 4));
			st.window_now++;
			return GUEST_CONTINUE;
		}
		return GUEST_UNEXPECTED;
	}
	if (r->exit_reason == VMLAB_EXIT_HLT && st.hlt_step && !st.hlts) {
		expect_ready(g, 1, "STI; HLT");
		CHECK_EQ(guest_rip(g), guest_report64(g, 2));
		CHECK_EQ(interrupt(g, EVT_VEC_HLT), 0);
		st.hlts++;
		return GUEST_CONTINUE;
	}
	return GUEST_UNEXPECTED;
}

static void interrupts_and_nmis_reach_the_guest_when_it_can_take_them(void)
{
	struct guest g;

	memset(&st, 0, sizeof(st));
	if (guest_create(&g, "events"))
		return;
	guest_run_to_pass(&g, events_exit, NULL);
	CHECK_EQ(st.injected, 3);
	CHECK_EQ(st.win_busy, 3);
	CHECK_EQ(st.windows, 1);
	CHECK_EQ(st.window_now, 1);
	CHECK_EQ(st.nmis, 2);
	CHECK_EQ(st.hlts, 1);
	guest_close(&g);
}

/* Before the guest has ever run: IF=0 from RESET, nothing is ready. */
static void interrupt_ioctl_queues_one_vector_at_a_time(void)
{
	struct guest g;

	if (guest_create(&g, "events"))
		return;
	CHECK_EQ(interrupt(&g, 0x30), 0);
	CHECK_ERRNO(interrupt(&g, 0x31), EBUSY);
	CHECK_ERRNO(interrupt(&g, 256), EINVAL);
	CHECK_EQ(ioctl(g.vcpu, VMLAB_NMI, 0), 0);
	CHECK_ERRNO(ioctl(g.vcpu, VMLAB_NMI, 1), EINVAL);
	guest_close(&g);
}

int main(void)
{
	check_prog = "guest_events";
	RUN(interrupts_and_nmis_reach_the_guest_when_it_can_take_them);
	RUN(interrupt_ioctl_queues_one_vector_at_a_time);
	return check_done();
}
