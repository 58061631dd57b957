// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits from a running guest (tests/guest/pio.c, values in
 * tests/guest/pio.h): the run page carries the right port, size,
 * direction, count and data; IN data the host supplies reaches the
 * guest's registers or memory; string I/O is split into exits of at most
 * VMLAB_RUN_DATA_SIZE bytes and resumes where it stopped.
 */
#include "guest_run.h"
#include "../guest/pio.h"

#define N_ELEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct stream_state {
	const struct pio_stream *s;
	uint8_t data[8192];
	uint32_t len;		/* bytes moved so far */
	uint32_t exits;
	uint32_t max_bytes;	/* the most one exit moved */
	bool bad_size;
};

struct pio_log {
	uint16_t port;
	uint8_t size;
	uint32_t value;
};

struct pio_state {
	struct stream_state out[N_ELEMS(pio_out_streams)];
	struct stream_state in[N_ELEMS(pio_in_streams)];
	struct pio_stream rm_in, rm_out;
	struct stream_state rm_in_st, rm_out_st;
	struct pio_log log[16];
	unsigned int nlog;
	unsigned int scalar_ins;
};

static struct pio_state st;

static struct stream_state *find_stream(struct guest *g, bool out)
{
	struct stream_state *arr = out ? st.out : st.in;
	unsigned int n = out ? N_ELEMS(st.out) : N_ELEMS(st.in), i;

	for (i = 0; i < n; i++)
		if (arr[i].s->port == g->run->io.port)
			return &arr[i];
	if (out && g->run->io.port == PIO_RM_OUT)
		return &st.rm_out_st;
	if (!out && g->run->io.port == PIO_RM_IN)
		return &st.rm_in_st;
	return NULL;
}

static uint32_t in_value(uint16_t port, uint8_t size, bool *known)
{
	uint32_t mask = size == 4 ? ~0u : (1u << (8 * size)) - 1;

	*known = true;
	if (port == PIO_IN8 && size == 1)
		return PIO_IN8_VALUE;
	if (port == PIO_IN16 && size == 2)
		return PIO_IN16_VALUE;
	if (port == PIO_IN32 && size == 4)
		return PIO_IN32_VALUE;
	if (port == PIO_IN_WIDE)
		return PIO_IN_WIDE_VALUE & mask;
	*known = false;
	return 0;
}

static enum guest_action pio_exit(struct guest *g, void *arg)
{
	struct vmlab_run *r = g->run;
	bool out = r->io.direction == VMLAB_IO_OUT;
	struct stream_state *ss;
	uint32_t bytes, i;
	bool known;

	(void)arg;
	if (r->exit_reason != VMLAB_EXIT_IO)
		return GUEST_UNEXPECTED;
	CHECK_EQ(r->io.data_offset, VMLAB_RUN_DATA_OFFSET);
	switch (r->io.port) {
	case PIO_OUT8:
	case PIO_OUT16:
	case PIO_OUT32:
	case PIO_OUT_WIDE:
		if (!out || r->io.count != 1 || st.nlog >= N_ELEMS(st.log))
			return GUEST_UNEXPECTED;
		st.log[st.nlog++] = (struct pio_log){ r->io.port, r->io.size,
						      guest_io_value(g) };
		return GUEST_CONTINUE;
	case PIO_IN8:
	case PIO_IN16:
	case PIO_IN32:
	case PIO_IN_WIDE:
		if (out || r->io.count != 1)
			return GUEST_UNEXPECTED;
		guest_set_io_value(g, in_value(r->io.port, r->io.size, &known));
		st.scalar_ins++;
		return known ? GUEST_CONTINUE : GUEST_UNEXPECTED;
	}
	ss = find_stream(g, out);
	if (!ss)
		return GUEST_UNEXPECTED;
	if (r->io.size != ss->s->size)
		ss->bad_size = true;
	bytes = r->io.count * r->io.size;
	ss->exits++;
	if (bytes > ss->max_bytes)
		ss->max_bytes = bytes;
	if (bytes > VMLAB_RUN_DATA_SIZE || ss->len + bytes > sizeof(ss->data))
		return GUEST_UNEXPECTED;
	if (out) {
		memcpy(ss->data + ss->len, guest_io_data(g), bytes);
	} else {
		for (i = 0; i < bytes; i++)
			ss->data[ss->len + i] = guest_pattern(ss->len + i, ss->s->seed);
		memcpy(guest_io_data(g), ss->data + ss->len, bytes);
	}
	ss->len += bytes;
	return GUEST_CONTINUE;
}

/* Byte k of what an OUT stream must deliver: elements last-first if DF=1. */
static uint8_t out_expected(const struct pio_stream *s, uint32_t k)
{
	uint32_t j = k / s->size, b = k % s->size;
	uint32_t e = s->reverse ? s->count - 1 - j : j;

	return guest_pattern(e * s->size + b, s->seed);
}

static void check_stream(const struct stream_state *ss, bool out)
{
	const struct pio_stream *s = ss->s;
	uint32_t bytes = s->count * s->size, k;

	CHECK(!ss->bad_size, "port %#x: wrong element size", s->port);
	CHECK(ss->len == bytes, "port %#x: %u bytes moved, want %u",
	      s->port, ss->len, bytes);
	CHECK(ss->max_bytes <= VMLAB_RUN_DATA_SIZE, "port %#x: %u bytes in one exit",
	      s->port, ss->max_bytes);
	/* What does not fit one exit needs more; nothing needs no exit. */
	CHECK(ss->exits >= (bytes + VMLAB_RUN_DATA_SIZE - 1) / VMLAB_RUN_DATA_SIZE,
	      "port %#x: %u bytes in %u exits", s->port, bytes, ss->exits);
	if (!bytes)
		CHECK(ss->exits == 0, "port %#x: REP with rCX=0 exited", s->port);
	if (!out || ss->len != bytes)
		return;
	for (k = 0; k < bytes; k++)
		if (ss->data[k] != out_expected(s, k)) {
			CHECK(0, "port %#x: byte %u is %#x, want %#x", s->port, k,
			      ss->data[k], out_expected(s, k));
			break;
		}
}

static void reset_state(void)
{
	unsigned int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < N_ELEMS(st.out); i++)
		st.out[i].s = &pio_out_streams[i];
	for (i = 0; i < N_ELEMS(st.in); i++)
		st.in[i].s = &pio_in_streams[i];
	st.rm_in = (struct pio_stream){ PIO_RM_IN, 1, 0, 0, PIO_RM_COUNT, PIO_RM_SEED };
	st.rm_out = st.rm_in;
	st.rm_out.port = PIO_RM_OUT;
	st.rm_in_st.s = &st.rm_in;
	st.rm_out_st.s = &st.rm_out;
}

static struct guest g;
static bool ran;

/* Runs the guest once; the cases below read what it left. */
static void guest_runs_every_port_io_form_and_checks_the_results(void)
{
	reset_state();
	if (guest_create(&g, "pio"))
		return;
	guest_run_to_pass(&g, pio_exit, NULL);
	ran = g.done && g.exit_code == 0;
	guest_close(&g);
}

static void out_delivers_1_2_4_byte_values_in_order(void)
{
	static const struct pio_log want[] = {
		{ PIO_OUT8, 1, 0x11 },
		{ PIO_OUT16, 2, 0x2233 },
		{ PIO_OUT32, 4, 0x44556677 },
		{ PIO_OUT_WIDE, 1, 0x88 },
		{ PIO_OUT_WIDE, 2, 0x99aa },
		{ PIO_OUT_WIDE, 4, 0xbbccddee },
	};
	unsigned int i;

	if (!ran) {
		check_skip("the guest did not run");
		return;
	}
	CHECK_EQ(st.nlog, N_ELEMS(want));
	for (i = 0; i < N_ELEMS(want) && i < st.nlog; i++) {
		CHECK_EQ(st.log[i].port, want[i].port);
		CHECK_EQ(st.log[i].size, want[i].size);
		CHECK_EQ(st.log[i].value, want[i].value);
	}
	/* Each IN exited once; the guest checked what it got. */
	CHECK_EQ(st.scalar_ins, 6);
}

static void outs_streams_arrive_complete_and_in_order(void)
{
	unsigned int i;

	if (!ran) {
		check_skip("the guest did not run");
		return;
	}
	for (i = 0; i < N_ELEMS(st.out); i++)
		check_stream(&st.out[i], true);
	/* The 5000-byte streams could not fit one exit. */
	CHECK(st.out[1].exits >= 2 && st.out[2].exits >= 2,
	      "%u and %u exits", st.out[1].exits, st.out[2].exits);
}

static void ins_streams_are_consumed_completely(void)
{
	unsigned int i;

	if (!ran) {
		check_skip("the guest did not run");
		return;
	}
	for (i = 0; i < N_ELEMS(st.in); i++)
		check_stream(&st.in[i], false);
	CHECK(st.in[1].exits >= 2 && st.in[2].exits >= 2,
	      "%u and %u exits", st.in[1].exits, st.in[2].exits);
}

static void real_mode_string_io_uses_es_and_segment_override(void)
{
	if (!ran) {
		check_skip("the guest did not run");
		return;
	}
	check_stream(&st.rm_in_st, false);
	/* The guest sent back from FS:SI what INSB stored at ES:DI. */
	check_stream(&st.rm_out_st, true);
}

int main(void)
{
	check_prog = "guest_pio";
	RUN(guest_runs_every_port_io_form_and_checks_the_results);
	RUN(out_delivers_1_2_4_byte_values_in_order);
	RUN(outs_streams_arrive_complete_and_in_order);
	RUN(ins_streams_are_consumed_completely);
	RUN(real_mode_string_io_uses_es_and_segment_override);
	return check_done();
}
