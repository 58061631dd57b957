/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoder for the guest instructions that access MMIO.
 *
 * A nested page fault on a guest-physical address that is not RAM tells
 * the hypervisor where the guest went and whether it wrote, but not how
 * wide the access was, which register takes or gives the data, or how a
 * load is widened.  vmlab_decode_mmio() recovers that from the bytes at
 * the guest's RIP, so the access can be forwarded to the userspace device
 * model and the instruction completed without running it.
 *
 * Only the forms that compilers and drivers use for device access are
 * known; everything else is refused, because a wrong guess would corrupt
 * guest state silently where a refusal only stops the guest.
 *
 * The same source is built into the module and into the userspace unit
 * tests, so it uses nothing from the kernel or libc.
 */
#ifndef _VMLAB_DECODE_H
#define _VMLAB_DECODE_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stdbool.h>
#endif

/* Returned by vmlab_decode_mmio() for an instruction it does not emulate. */
#define VMLAB_DECODE_UNSUPPORTED	(-1)
/* Returned when the instruction continues past the bytes supplied. */
#define VMLAB_DECODE_TRUNCATED		(-2)

/* Longer instructions raise #GP on real hardware, so they never fault here. */
#define VMLAB_INSN_MAX_LEN	15

/*
 * Default operand and address size in bytes, from CS.L and CS.D: 64-bit
 * mode (L=1), 32-bit protected or compatibility mode (D=1), or 16-bit
 * code (D=0, including real and virtual-8086 mode).
 */
enum vmlab_insn_mode {
	VMLAB_MODE_16 = 2,
	VMLAB_MODE_32 = 4,
	VMLAB_MODE_64 = 8,
};

/*
 * What the hypervisor has to do to complete the instruction.  "operand"
 * below is the non-memory operand: vmlab_mmio_store_value() of the
 * register @reg, or the immediate.
 *
 * @VMLAB_MMIO_OP_LOAD:	read @size bytes, then set @reg to
 *			vmlab_mmio_load_result().  MOV, MOVZX, MOVSX, MOVSXD
 *			and LODS.
 * @VMLAB_MMIO_OP_STORE:	write the operand.  MOV and STOS.
 * @VMLAB_MMIO_OP_XCHG:	read the old memory value, write the operand,
 *			then set @reg to vmlab_mmio_load_result() of the
 *			old value.  The CPU makes this one locked access,
 *			LOCK prefix or not, so a device model that can tell
 *			should see a single exchange, not a read and a write.
 * @VMLAB_MMIO_OP_TEST:	read memory and set RFLAGS to
 *			vmlab_flags_after_test() of it and the operand;
 *			memory and registers are unchanged.
 * @VMLAB_MMIO_OP_RMW:	read memory, write vmlab_rmw_apply() of it and
 *			the operand, which also gives the new RFLAGS.  OR and
 *			AND, told apart by @rmw_op.
 * @VMLAB_MMIO_OP_MOVS:	copy @size bytes from [rSI] to [rDI].  Either side,
 *			or both, may be MMIO: the fault's read/write bit (or
 *			comparing the address with rSI and rDI) tells which.
 */
enum vmlab_mmio_op {
	VMLAB_MMIO_OP_LOAD,
	VMLAB_MMIO_OP_STORE,
	VMLAB_MMIO_OP_XCHG,
	VMLAB_MMIO_OP_TEST,
	VMLAB_MMIO_OP_RMW,
	VMLAB_MMIO_OP_MOVS,
};

enum vmlab_rmw_op {
	VMLAB_RMW_NONE,
	VMLAB_RMW_OR,
	VMLAB_RMW_AND,
};

/* How a loaded value of @size bytes is widened to @dst_size. */
enum vmlab_mmio_ext {
	VMLAB_MMIO_EXT_NONE,
	VMLAB_MMIO_EXT_ZERO,
	VMLAB_MMIO_EXT_SIGN,
};

/* Segment override prefixes, in the order of the x86 segment numbers. */
enum vmlab_seg_override {
	VMLAB_SEGOVR_NONE,
	VMLAB_SEGOVR_ES,
	VMLAB_SEGOVR_CS,
	VMLAB_SEGOVR_SS,
	VMLAB_SEGOVR_DS,
	VMLAB_SEGOVR_FS,
	VMLAB_SEGOVR_GS,
};

/**
 * struct vmlab_mmio_insn - a decoded MMIO instruction.
 * @len:	instruction length including prefixes: the amount to add to RIP.
 * @size:	bytes accessed in memory: 1, 2, 4 or 8.
 * @op:		enum vmlab_mmio_op.
 * @rmw_op:	enum vmlab_rmw_op, for VMLAB_MMIO_OP_RMW.
 * @ext:	enum vmlab_mmio_ext, for loads.
 * @dst_size:	register bytes a load writes; differs from @size only for
 *		MOVZX, MOVSX and MOVSXD.
 * @reg:	the register operand, 0-15 for RAX..R15.  Not meaningful
 *		when @has_imm or for MOVS.  Also 0 (RAX) for the moffs forms
 *		A0-A3 and for STOS and LODS.
 * @modrm_reg:	the 3-bit reg field of the ModRM byte, without REX.R; for
 *		the /digit forms it is the opcode extension.
 * @addr_size:	address size in bytes, after any 0x67 prefix; for string
 *		instructions it is the width of rSI, rDI and rCX.
 * @seg:	enum vmlab_seg_override: the segment override, or VMLAB_SEGOVR_NONE.
 *		CS, SS, DS and ES overrides have no effect in 64-bit mode.
 * @read:	the instruction reads memory.
 * @write:	the instruction writes memory.
 * @high_byte:	@reg names AH, CH, DH or BH: bits 8-15 of register 0-3.
 *		Only without any REX prefix, where byte registers 4-7
 *		mean AH..BH rather than SPL, BPL, SIL and DIL.
 * @has_imm:	the operand is @imm rather than @reg.
 * @has_modrm:	the instruction has a ModRM byte.
 * @string:	MOVS, STOS or LODS.  The caller steps rSI/rDI by @size in
 *		the direction of RFLAGS.DF and, with @rep, counts rCX down,
 *		all at @addr_size width.
 * @rep:	a REP (F3) or REPNE (F2) prefix on a string instruction; both
 *		just repeat for MOVS, STOS and LODS.
 * @lock:	a LOCK prefix, only accepted where the CPU allows it.
 * @imm:	the immediate, sign-extended where the CPU does it and
 *		truncated to @size.
 */
struct vmlab_mmio_insn {
	__u8 len;
	__u8 size;
	__u8 op;
	__u8 rmw_op;
	__u8 ext;
	__u8 dst_size;
	__u8 reg;
	__u8 modrm_reg;
	__u8 addr_size;
	__u8 seg;
	bool read;
	bool write;
	bool high_byte;
	bool has_imm;
	bool has_modrm;
	bool string;
	bool rep;
	bool lock;
	__u64 imm;
};

/*
 * Decodes the instruction at @bytes[0..@n) as executed in @mode.  Returns 0
 * and fills @out, VMLAB_DECODE_TRUNCATED when it needs bytes past @n, or
 * VMLAB_DECODE_UNSUPPORTED; @out is meaningless after an error.  Never
 * reads past the end of the instruction, nor past @n.
 */
int vmlab_decode_mmio(const __u8 *bytes, unsigned int n,
		      enum vmlab_insn_mode mode, struct vmlab_mmio_insn *out);

/*
 * The new value of the 64-bit register @reg of a load, given its old value
 * and the @data read from memory.  Bytes of @data past @size are ignored.
 */
__u64 vmlab_mmio_load_result(const struct vmlab_mmio_insn *insn,
			     __u64 old_reg, __u64 data);

/*
 * The non-memory operand, truncated to @size: the immediate, or the
 * register given its value @reg_value.  For a store, what to write.
 */
__u64 vmlab_mmio_store_value(const struct vmlab_mmio_insn *insn,
			     __u64 reg_value);

/* RFLAGS after TEST of @a and @b at @size bytes, from @old_rflags. */
__u64 vmlab_flags_after_test(__u64 a, __u64 b, __u8 size, __u64 old_rflags);

/*
 * Completes VMLAB_MMIO_OP_RMW: returns what to write back given the old
 * memory value @mem and the operand @src, and updates *@rflags.
 */
__u64 vmlab_rmw_apply(const struct vmlab_mmio_insn *insn, __u64 mem,
		      __u64 src, __u64 *rflags);

#endif
