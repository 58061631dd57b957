// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory slots.  A slot is a range of the caller's address space
 * that becomes guest-physical memory.  Its pages are pinned for the
 * slot's life and mapped into the nested tables at once, so a guest
 * reaches exactly the pages userspace gave it and nothing else, and RAM
 * never faults on an exit path.
 */
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/io.h>
#include "vmlab.h"

/* 64 GiB: more than any emulated host has, small enough for one array. */
#define VMLAB_MAX_SLOT_SIZE	(64ULL << 30)

static bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

static int slot_check(struct vmlab_vm *vm, const struct vmlab_memory_region *mr)
{
	unsigned int i;

	if (mr->slot >= VMLAB_MAX_MEM_SLOTS || (mr->flags & ~VMLAB_MEM_READONLY))
		return -EINVAL;
	if (!mr->memory_size)
		return 0;
	if (!PAGE_ALIGNED(mr->guest_phys_addr) || !PAGE_ALIGNED(mr->memory_size) ||
	    !PAGE_ALIGNED(mr->userspace_addr))
		return -EINVAL;
	if (mr->memory_size > VMLAB_MAX_SLOT_SIZE ||
	    mr->guest_phys_addr >= VMLAB_MAX_GUEST_PHYS ||
	    mr->memory_size > VMLAB_MAX_GUEST_PHYS - mr->guest_phys_addr)
		return -EINVAL;
	if (mr->userspace_addr + mr->memory_size < mr->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)mr->userspace_addr,
		       mr->memory_size))
		return -EFAULT;
	for (i = 0; i < VMLAB_MAX_MEM_SLOTS; i++) {
		struct vmlab_slot *s = vm->slots[i];

		if (s && i != mr->slot &&
		    ranges_overlap(s->gpa, s->size, mr->guest_phys_addr,
				   mr->memory_size))
			return -EEXIST;
	}
	return 0;
}

static void slot_free(struct vmlab_slot *slot)
{
	if (!slot)
		return;
	if (slot->pages) {
		unpin_user_pages_dirty_lock(slot->pages, slot->npages,
					    !(slot->flags & VMLAB_MEM_READONLY));
		account_locked_vm(slot->mm, slot->npages, false);
		mmdrop(slot->mm);
	}
	kvfree(slot->pages);
	kfree(slot);
}

/*
 * Pins every page of the range; on failure nothing stays pinned.  Pinned
 * guest RAM cannot be swapped or migrated, so it is charged to the
 * caller's locked memory (RLIMIT_MEMLOCK, unless CAP_IPC_LOCK), as VFIO
 * charges DMA-pinned memory: otherwise whoever may open /dev/vmlab could
 * pin all of the host's RAM.
 */
static int slot_pin(struct vmlab_slot *slot)
{
	unsigned int gup = FOLL_LONGTERM;
	unsigned long done = 0;
	struct page **pages;
	int r;

	if (!(slot->flags & VMLAB_MEM_READONLY))
		gup |= FOLL_WRITE;
	r = account_locked_vm(current->mm, slot->npages, true);
	if (r)
		return r;
	pages = kvmalloc_array(slot->npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages) {
		account_locked_vm(current->mm, slot->npages, false);
		return -ENOMEM;
	}
	while (done < slot->npages) {
		unsigned long want = min(slot->npages - done, 1024UL);
		int n = pin_user_pages_fast(slot->uaddr + done * PAGE_SIZE,
					    want, gup, pages + done);

		if (n <= 0 || fatal_signal_pending(current)) {
			if (n > 0)
				done += n;
			unpin_user_pages(pages, done);
			kvfree(pages);
			account_locked_vm(current->mm, slot->npages, false);
			return n < 0 ? n : -EFAULT;
		}
		done += n;
	}
	slot->pages = pages;
	slot->mm = current->mm;
	mmgrab(slot->mm);
	return 0;
}

static void slot_unmap(struct vmlab_vm *vm, struct vmlab_slot *slot)
{
	unsigned long i;

	for (i = 0; i < slot->npages; i++)
		vmlab_npt_unmap(&vm->npt, slot->gpa + i * PAGE_SIZE);
}

static int slot_map(struct vmlab_vm *vm, struct vmlab_slot *slot)
{
	bool writable = !(slot->flags & VMLAB_MEM_READONLY);
	unsigned long i;
	int r;

	for (i = 0; i < slot->npages; i++) {
		r = vmlab_npt_map(&vm->npt, slot->gpa + i * PAGE_SIZE,
				  slot->pages[i], writable);
		if (r) {
			slot_unmap(vm, slot);
			return r;
		}
	}
	return 0;
}

static void nop_ipi(void *unused)
{
}

/*
 * After a mapping went away no vCPU may use it: bump the generation each
 * vCPU checks (interrupts off) before entering, then interrupt every CPU
 * so that a guest running now exits and sees it.
 */
static void vm_flush_guest_tlbs(struct vmlab_vm *vm)
{
	atomic_inc(&vm->tlb_gen);
	on_each_cpu(nop_ipi, NULL, 1);
}

static struct vmlab_slot *slot_create(const struct vmlab_memory_region *mr)
{
	struct vmlab_slot *slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	int r;

	if (!slot)
		return ERR_PTR(-ENOMEM);
	slot->id = mr->slot;
	slot->flags = mr->flags;
	slot->gpa = mr->guest_phys_addr;
	slot->size = mr->memory_size;
	slot->uaddr = mr->userspace_addr;
	slot->npages = mr->memory_size >> PAGE_SHIFT;
	r = slot_pin(slot);
	if (r) {
		kfree(slot);
		return ERR_PTR(r);
	}
	return slot;
}

/*
 * Creates, replaces or deletes a slot.  Replacing is delete-then-create:
 * if creating fails the slot stays empty.
 */
int vmlab_set_memory_region(struct vmlab_vm *vm, const struct vmlab_memory_region *mr)
{
	struct vmlab_slot *old, *slot = NULL;
	int r;

	down_write(&vm->mem_lock);
	r = slot_check(vm, mr);
	if (r)
		goto out;
	old = vm->slots[mr->slot];
	if (old) {
		slot_unmap(vm, old);
		vm->slots[mr->slot] = NULL;
		vm_flush_guest_tlbs(vm);
		slot_free(old);
	}
	if (!mr->memory_size)
		goto out;
	slot = slot_create(mr);
	if (IS_ERR(slot)) {
		r = PTR_ERR(slot);
		goto out;
	}
	r = slot_map(vm, slot);
	if (r) {
		slot_free(slot);
		goto out;
	}
	vm->slots[mr->slot] = slot;
out:
	up_write(&vm->mem_lock);
	return r;
}

void vmlab_free_slots(struct vmlab_vm *vm)
{
	unsigned int i;

	for (i = 0; i < VMLAB_MAX_MEM_SLOTS; i++) {
		slot_free(vm->slots[i]);
		vm->slots[i] = NULL;
	}
}

/* The slot holding @gpa, or NULL.  Caller holds mem_lock. */
struct vmlab_slot *vmlab_find_slot(struct vmlab_vm *vm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < VMLAB_MAX_MEM_SLOTS; i++) {
		struct vmlab_slot *s = vm->slots[i];

		if (s && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/*
 * Copies between guest-physical memory and @buf, page by page.  -EFAULT
 * if any byte is outside guest RAM, or (writing) in a read-only slot.
 */
static int guest_copy(struct vmlab_vm *vm, u64 gpa, void *buf,
		      unsigned long len, bool write)
{
	int r = 0;

	down_read(&vm->mem_lock);
	while (len) {
		struct vmlab_slot *s = vmlab_find_slot(vm, gpa);
		unsigned long off = offset_in_page(gpa);
		unsigned long n = min(len, PAGE_SIZE - off);
		void *va;

		if (!s || (write && (s->flags & VMLAB_MEM_READONLY))) {
			r = -EFAULT;
			break;
		}
		va = kmap_local_page(s->pages[(gpa - s->gpa) >> PAGE_SHIFT]);
		if (write)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		gpa += n;
		buf += n;
		len -= n;
	}
	up_read(&vm->mem_lock);
	return r;
}

int vmlab_read_guest(struct vmlab_vm *vm, u64 gpa, void *buf, unsigned long len)
{
	return guest_copy(vm, gpa, buf, len, false);
}

int vmlab_write_guest(struct vmlab_vm *vm, u64 gpa, const void *buf, unsigned long len)
{
	return guest_copy(vm, gpa, (void *)buf, len, true);
}
