// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder for the guest instructions that access MMIO; see decode.h.
 *
 * Decoding is strictly sequential and each byte is fetched only once the
 * bytes before it have shown that it belongs to the instruction.  So a
 * short buffer always ends in VMLAB_DECODE_TRUNCATED at the point where
 * the missing byte is needed, and the caller can fetch more and retry.
 */
#include <asm/processor-flags.h>
#include "decode.h"

#define REX_W	0x08
#define REX_R	0x04

/* The flags a logical operation (AND, OR, TEST) defines or clears. */
#define LOGIC_FLAGS	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

struct decoder {
	const __u8 *bytes;
	unsigned int n;
	unsigned int pos;
	enum vmlab_insn_mode mode;
	__u8 rex;
	__u8 rep_prefix;
	bool opsize_prefix;
	bool addrsize_prefix;
	__u8 opsize;
	struct vmlab_mmio_insn *out;
};

static __u64 size_mask(__u8 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static __u64 sign_extend(__u64 value, __u8 size)
{
	__u64 sign;

	if (size == 0 || size >= 8)
		return value;
	sign = 1ULL << (8 * size - 1);
	return ((value & size_mask(size)) ^ sign) - sign;
}

static int fetch(struct decoder *d, __u8 *byte)
{
	/* Past the limit the CPU raises #GP however many bytes follow. */
	if (d->pos >= VMLAB_INSN_MAX_LEN)
		return VMLAB_DECODE_UNSUPPORTED;
	if (d->pos >= d->n)
		return VMLAB_DECODE_TRUNCATED;
	*byte = d->bytes[d->pos++];
	return 0;
}

static int fetch_le(struct decoder *d, __u8 size, __u64 *value)
{
	__u8 byte;
	__u8 i;
	int err;

	*value = 0;
	for (i = 0; i < size; i++) {
		err = fetch(d, &byte);
		if (err)
			return err;
		*value |= (__u64)byte << (8 * i);
	}
	return 0;
}

static int skip(struct decoder *d, __u8 size)
{
	__u64 ignored;

	return fetch_le(d, size, &ignored);
}

static enum vmlab_seg_override segment_of_prefix(__u8 byte)
{
	switch (byte) {
	case 0x26:
		return VMLAB_SEGOVR_ES;
	case 0x2e:
		return VMLAB_SEGOVR_CS;
	case 0x36:
		return VMLAB_SEGOVR_SS;
	case 0x3e:
		return VMLAB_SEGOVR_DS;
	case 0x64:
		return VMLAB_SEGOVR_FS;
	case 0x65:
		return VMLAB_SEGOVR_GS;
	default:
		return VMLAB_SEGOVR_NONE;
	}
}

static bool take_legacy_prefix(struct decoder *d, __u8 byte)
{
	enum vmlab_seg_override seg = segment_of_prefix(byte);

	if (seg != VMLAB_SEGOVR_NONE) {
		d->out->seg = seg;
		return true;
	}
	switch (byte) {
	case 0x66:
		d->opsize_prefix = true;
		return true;
	case 0x67:
		d->addrsize_prefix = true;
		return true;
	case 0xf0:
		d->out->lock = true;
		return true;
	case 0xf2:
	case 0xf3:
		d->rep_prefix = byte;
		return true;
	default:
		return false;
	}
}

static bool is_rex(const struct decoder *d, __u8 byte)
{
	/* Elsewhere 0x40-0x4f are INC and DEC, which we do not emulate. */
	return d->mode == VMLAB_MODE_64 && (byte & 0xf0) == 0x40;
}

static int read_prefixes(struct decoder *d, __u8 *opcode)
{
	__u8 byte;
	int err;

	for (;;) {
		err = fetch(d, &byte);
		if (err)
			return err;
		if (take_legacy_prefix(d, byte)) {
			/* The CPU ignores a REX that is not right before the opcode. */
			d->rex = 0;
			continue;
		}
		if (is_rex(d, byte)) {
			d->rex = byte;
			continue;
		}
		*opcode = byte;
		return 0;
	}
}

static __u8 operand_size(const struct decoder *d)
{
	__u8 dflt = d->mode == VMLAB_MODE_16 ? 2 : 4;

	if (d->rex & REX_W)
		return 8;
	if (d->opsize_prefix)
		return 6 - dflt;	/* 0x66 swaps 16 and 32 bits */
	return dflt;
}

static __u8 address_size(const struct decoder *d)
{
	if (!d->addrsize_prefix)
		return d->mode;
	/* 0x67 halves 64-bit addressing and swaps 16 and 32 bits. */
	return d->mode == VMLAB_MODE_32 ? 2 : 4;
}

static __u8 disp_size_16(__u8 mod, __u8 rm)
{
	if (mod == 1)
		return 1;
	/* With mod 0, rm 6 is a bare disp16 instead of [BP]. */
	if (mod == 2 || rm == 6)
		return 2;
	return 0;
}

static __u8 disp_size_32(__u8 mod, __u8 base)
{
	if (mod == 1)
		return 1;
	/*
	 * With mod 0, base 5 is a bare disp32 instead of [rBP], whatever REX.B
	 * says: RIP-relative in 64-bit mode when it comes from ModRM.rm.
	 */
	if (mod == 2 || base == 5)
		return 4;
	return 0;
}

/* Reads ModRM and whatever SIB and displacement it calls for. */
static int read_modrm(struct decoder *d)
{
	__u8 modrm, mod, rm, sib;
	int err;

	err = fetch(d, &modrm);
	if (err)
		return err;
	mod = modrm >> 6;
	rm = modrm & 7;
	d->out->has_modrm = true;
	d->out->modrm_reg = (modrm >> 3) & 7;
	/*
	 * A register operand touches no memory, so this cannot be what
	 * faulted: the code changed under us, and guessing would be wrong.
	 */
	if (mod == 3)
		return VMLAB_DECODE_UNSUPPORTED;
	if (d->out->addr_size == 2)
		return skip(d, disp_size_16(mod, rm));
	if (rm == 4) {
		err = fetch(d, &sib);
		if (err)
			return err;
		return skip(d, disp_size_32(mod, sib & 7));
	}
	return skip(d, disp_size_32(mod, rm));
}

static void set_access(struct decoder *d, enum vmlab_mmio_op op, __u8 size)
{
	struct vmlab_mmio_insn *out = d->out;

	out->op = op;
	out->size = size;
	out->dst_size = size;
	out->read = op != VMLAB_MMIO_OP_STORE;
	out->write = op != VMLAB_MMIO_OP_LOAD && op != VMLAB_MMIO_OP_TEST;
}

static void set_reg(struct decoder *d, __u8 num, __u8 size)
{
	/* Without any REX, byte registers 4-7 are AH..BH, not SPL..DIL. */
	if (size == 1 && !d->rex && num >= 4 && num < 8) {
		d->out->reg = num - 4;
		d->out->high_byte = true;
		return;
	}
	d->out->reg = num;
}

static void set_reg_from_modrm(struct decoder *d, __u8 size)
{
	set_reg(d, d->out->modrm_reg | (d->rex & REX_R ? 8 : 0), size);
}

/* The "op r/m, r" and "op r, r/m" forms: 88 89 8A 8B 86 87 84 85 08 09 20 21. */
static int decode_modrm_reg(struct decoder *d, enum vmlab_mmio_op op,
			    bool byte_op)
{
	__u8 size = byte_op ? 1 : d->opsize;
	int err;

	err = read_modrm(d);
	if (err)
		return err;
	set_access(d, op, size);
	set_reg_from_modrm(d, size);
	return 0;
}

/* Reads an immediate of @bytes, as the CPU widens it to the operand size. */
static int read_imm(struct decoder *d, __u8 bytes)
{
	struct vmlab_mmio_insn *out = d->out;
	__u64 value;
	int err;

	err = fetch_le(d, bytes, &value);
	if (err)
		return err;
	out->has_imm = true;
	out->imm = sign_extend(value, bytes) & size_mask(out->size);
	return 0;
}

/* An "iz" immediate: 16 bits for 16-bit operands, else 32 sign-extended. */
static __u8 imm_size_z(const struct decoder *d)
{
	return d->opsize == 2 ? 2 : 4;
}

static int decode_mov_imm(struct decoder *d, bool byte_op)
{
	int err;

	err = read_modrm(d);
	if (err)
		return err;
	/* The other /digits of C6 and C7 are XABORT and XBEGIN. */
	if (d->out->modrm_reg != 0)
		return VMLAB_DECODE_UNSUPPORTED;
	set_access(d, VMLAB_MMIO_OP_STORE, byte_op ? 1 : d->opsize);
	return read_imm(d, byte_op ? 1 : imm_size_z(d));
}

static int decode_test_imm(struct decoder *d, bool byte_op)
{
	__u8 size = byte_op ? 1 : d->opsize;
	int err;

	err = read_modrm(d);
	if (err)
		return err;
	/*
	 * /1 is an undocumented alias of TEST that CPUs decode the same way;
	 * the other /digits (NOT, NEG, MUL, DIV) are not worth emulating.
	 */
	if (d->out->modrm_reg > 1)
		return VMLAB_DECODE_UNSUPPORTED;
	set_access(d, VMLAB_MMIO_OP_TEST, size);
	return read_imm(d, byte_op ? 1 : imm_size_z(d));
}

/* 80, 81 and 83: the immediate group, of which we emulate OR and AND. */
static int decode_group1(struct decoder *d, __u8 opcode)
{
	__u8 size = opcode == 0x80 ? 1 : d->opsize;
	__u8 imm_bytes = opcode == 0x81 ? imm_size_z(d) : 1;
	int err;

	err = read_modrm(d);
	if (err)
		return err;
	switch (d->out->modrm_reg) {
	case 1:
		d->out->rmw_op = VMLAB_RMW_OR;
		break;
	case 4:
		d->out->rmw_op = VMLAB_RMW_AND;
		break;
	default:
		return VMLAB_DECODE_UNSUPPORTED;
	}
	set_access(d, VMLAB_MMIO_OP_RMW, size);
	return read_imm(d, imm_bytes);
}

static int decode_rmw_reg(struct decoder *d, enum vmlab_rmw_op rmw_op,
			  bool byte_op)
{
	d->out->rmw_op = rmw_op;
	return decode_modrm_reg(d, VMLAB_MMIO_OP_RMW, byte_op);
}

/* A0-A3: MOV between AL/rAX and an absolute address of address size. */
static int decode_moffs(struct decoder *d, enum vmlab_mmio_op op,
			bool byte_op)
{
	set_access(d, op, byte_op ? 1 : d->opsize);
	return skip(d, d->out->addr_size);
}

static int decode_string(struct decoder *d, enum vmlab_mmio_op op,
			 bool byte_op)
{
	set_access(d, op, byte_op ? 1 : d->opsize);
	d->out->string = true;
	d->out->rep = d->rep_prefix != 0;
	return 0;
}

static int decode_extend(struct decoder *d, enum vmlab_mmio_ext ext,
			 __u8 size, __u8 dst_size)
{
	int err;

	err = read_modrm(d);
	if (err)
		return err;
	set_access(d, VMLAB_MMIO_OP_LOAD, size);
	d->out->ext = ext;
	d->out->dst_size = dst_size;
	set_reg_from_modrm(d, dst_size);
	return 0;
}

static int decode_movsxd(struct decoder *d)
{
	/* Outside 64-bit mode 63 is ARPL. */
	if (d->mode != VMLAB_MODE_64)
		return VMLAB_DECODE_UNSUPPORTED;
	/* Without REX.W it is a plain 16- or 32-bit move. */
	return decode_extend(d, VMLAB_MMIO_EXT_SIGN,
			     d->opsize == 8 ? 4 : d->opsize, d->opsize);
}

static int decode_0f(struct decoder *d)
{
	__u8 opcode;
	int err;

	err = fetch(d, &opcode);
	if (err)
		return err;
	switch (opcode) {
	case 0xb6:
		return decode_extend(d, VMLAB_MMIO_EXT_ZERO, 1, d->opsize);
	case 0xb7:
		return decode_extend(d, VMLAB_MMIO_EXT_ZERO, 2, d->opsize);
	case 0xbe:
		return decode_extend(d, VMLAB_MMIO_EXT_SIGN, 1, d->opsize);
	case 0xbf:
		return decode_extend(d, VMLAB_MMIO_EXT_SIGN, 2, d->opsize);
	default:
		return VMLAB_DECODE_UNSUPPORTED;
	}
}

static int decode_opcode(struct decoder *d, __u8 opcode)
{
	bool byte_op = !(opcode & 1);

	switch (opcode) {
	case 0x88:
	case 0x89:
		return decode_modrm_reg(d, VMLAB_MMIO_OP_STORE, byte_op);
	case 0x8a:
	case 0x8b:
		return decode_modrm_reg(d, VMLAB_MMIO_OP_LOAD, byte_op);
	case 0x86:
	case 0x87:
		return decode_modrm_reg(d, VMLAB_MMIO_OP_XCHG, byte_op);
	case 0x84:
	case 0x85:
		return decode_modrm_reg(d, VMLAB_MMIO_OP_TEST, byte_op);
	case 0x08:
	case 0x09:
		return decode_rmw_reg(d, VMLAB_RMW_OR, byte_op);
	case 0x20:
	case 0x21:
		return decode_rmw_reg(d, VMLAB_RMW_AND, byte_op);
	case 0xc6:
	case 0xc7:
		return decode_mov_imm(d, byte_op);
	case 0xf6:
	case 0xf7:
		return decode_test_imm(d, byte_op);
	case 0x80:
	case 0x81:
	case 0x83:
		return decode_group1(d, opcode);
	case 0xa0:
	case 0xa1:
		return decode_moffs(d, VMLAB_MMIO_OP_LOAD, byte_op);
	case 0xa2:
	case 0xa3:
		return decode_moffs(d, VMLAB_MMIO_OP_STORE, byte_op);
	case 0xa4:
	case 0xa5:
		return decode_string(d, VMLAB_MMIO_OP_MOVS, byte_op);
	case 0xaa:
	case 0xab:
		return decode_string(d, VMLAB_MMIO_OP_STORE, byte_op);
	case 0xac:
	case 0xad:
		return decode_string(d, VMLAB_MMIO_OP_LOAD, byte_op);
	case 0x63:
		return decode_movsxd(d);
	case 0x0f:
		return decode_0f(d);
	default:
		/* Including INS/OUTS (6C-6F), which are port I/O, not MMIO. */
		return VMLAB_DECODE_UNSUPPORTED;
	}
}

/*
 * LOCK is #UD on the forms that do not take it.  F2 and F3 outside string
 * instructions are XACQUIRE/XRELEASE hints, which no driver puts on MMIO,
 * or select another instruction: refusing is safer than guessing.
 */
static bool prefixes_allowed(const struct decoder *d)
{
	const struct vmlab_mmio_insn *out = d->out;

	if (out->lock && out->op != VMLAB_MMIO_OP_XCHG &&
	    out->op != VMLAB_MMIO_OP_RMW)
		return false;
	return !d->rep_prefix || out->string;
}

static bool valid_mode(enum vmlab_insn_mode mode)
{
	return mode == VMLAB_MODE_16 || mode == VMLAB_MODE_32 ||
	       mode == VMLAB_MODE_64;
}

int vmlab_decode_mmio(const __u8 *bytes, unsigned int n,
		      enum vmlab_insn_mode mode, struct vmlab_mmio_insn *out)
{
	struct decoder d = { .bytes = bytes, .n = n, .mode = mode, .out = out };
	__u8 opcode;
	int err;

	*out = (struct vmlab_mmio_insn){ 0 };
	if (!valid_mode(mode))
		return VMLAB_DECODE_UNSUPPORTED;
	err = read_prefixes(&d, &opcode);
	if (err)
		return err;
	d.opsize = operand_size(&d);
	out->addr_size = address_size(&d);
	err = decode_opcode(&d, opcode);
	if (err)
		return err;
	if (!prefixes_allowed(&d))
		return VMLAB_DECODE_UNSUPPORTED;
	out->len = d.pos;
	return 0;
}

/* Writes @value of @size bytes into a register as the CPU does. */
static __u64 merge_into_register(__u64 old_reg, __u64 value, __u8 size)
{
	__u64 mask = size_mask(size);

	/*
	 * 32-bit results clear bits 63:32.  Outside 64-bit mode those bits
	 * are architecturally undefined; clearing them is what KVM does too.
	 */
	if (size >= 4)
		return value & mask;
	return (old_reg & ~mask) | (value & mask);
}

__u64 vmlab_mmio_load_result(const struct vmlab_mmio_insn *insn,
			     __u64 old_reg, __u64 data)
{
	__u64 value = data & size_mask(insn->size);

	if (insn->ext == VMLAB_MMIO_EXT_SIGN)
		value = sign_extend(value, insn->size);
	if (insn->high_byte)
		return (old_reg & ~0xff00ULL) | ((value & 0xff) << 8);
	return merge_into_register(old_reg, value, insn->dst_size);
}

__u64 vmlab_mmio_store_value(const struct vmlab_mmio_insn *insn,
			     __u64 reg_value)
{
	if (insn->has_imm)
		return insn->imm;
	if (insn->high_byte)
		return (reg_value >> 8) & 0xff;
	return reg_value & size_mask(insn->size);
}

static bool even_parity(__u8 byte)
{
	bool even = true;

	for (; byte; byte &= byte - 1)
		even = !even;
	return even;
}

/* RFLAGS after a logical operation (AND, OR, TEST) produced @result. */
static __u64 logic_flags(__u64 result, __u8 size, __u64 old_rflags)
{
	__u64 rflags = old_rflags & ~(__u64)LOGIC_FLAGS;

	/* Keeps the shift below in range whatever a caller passes. */
	if (size == 0 || size > 8)
		size = 8;
	/* AF is undefined; clear it as QEMU and Bochs do. */
	result &= size_mask(size);
	if (!result)
		rflags |= X86_EFLAGS_ZF;
	if (result >> (8 * size - 1))
		rflags |= X86_EFLAGS_SF;
	/* PF only ever looks at the low byte, whatever the size. */
	if (even_parity(result & 0xff))
		rflags |= X86_EFLAGS_PF;
	return rflags;
}

__u64 vmlab_flags_after_test(__u64 a, __u64 b, __u8 size, __u64 old_rflags)
{
	return logic_flags(a & b, size, old_rflags);
}

__u64 vmlab_rmw_apply(const struct vmlab_mmio_insn *insn, __u64 mem,
		      __u64 src, __u64 *rflags)
{
	__u64 result;

	if (insn->rmw_op == VMLAB_RMW_AND)
		result = mem & src;
	else
		result = mem | src;
	result &= size_mask(insn->size);
	*rflags = logic_flags(result, insn->size, *rflags);
	return result;
}
