// SPDX-License-Identifier: GPL-2.0
/*
 * Nested page tables (EPT or NPT): the guest-physical to host-physical
 * map the hardware walks.  The layout is the same 512-entry radix tree
 * for both; the backend encodes the entries.  Every guest page is mapped
 * when its slot is created, so the tables are only ever changed by
 * SET_MEMORY_REGION (under vm->mem_lock) and never on an exit.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/io.h>
#include "vmlab.h"

#define NPT_ENTRIES	512
/* Both formats keep the next table's address in bits 51:12. */
#define NPT_ADDR_MASK	GENMASK_ULL(51, 12)

static unsigned int npt_index(u64 gpa, unsigned int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (NPT_ENTRIES - 1);
}

static u64 *npt_alloc_table(struct vmlab_npt *npt, phys_addr_t *pa)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return NULL;
	list_add(&page->lru, &npt->tables);
	npt->nr_tables++;
	*pa = page_to_phys(page);
	return page_address(page);
}

int vmlab_npt_init(struct vmlab_npt *npt)
{
	phys_addr_t pa;

	INIT_LIST_HEAD(&npt->tables);
	npt->nr_tables = 0;
	npt->levels = vmlab_caps.paging_levels;
	if (!npt_alloc_table(npt, &pa))
		return -ENOMEM;
	npt->root = pfn_to_page(PHYS_PFN(pa));
	return 0;
}

void vmlab_npt_free(struct vmlab_npt *npt)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &npt->tables, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	npt->nr_tables = 0;
	npt->root = NULL;
}

/*
 * Returns the level-1 table covering @gpa, creating the missing tables
 * on the way down when @create; NULL when absent or out of memory.
 */
static u64 *npt_leaf_table(struct vmlab_npt *npt, u64 gpa, bool create)
{
	u64 *table = page_address(npt->root);
	unsigned int level;

	for (level = npt->levels; level > 1; level--) {
		u64 *entry = &table[npt_index(gpa, level)];
		phys_addr_t pa;

		if (!*entry) {
			if (!create || !npt_alloc_table(npt, &pa))
				return NULL;
			WRITE_ONCE(*entry, vmlab_ops->npt_table(pa));
		}
		table = phys_to_virt(*entry & NPT_ADDR_MASK);
	}
	return table;
}

int vmlab_npt_map(struct vmlab_npt *npt, u64 gpa, struct page *page, bool writable)
{
	u64 *table = npt_leaf_table(npt, gpa, true);

	if (!table)
		return -ENOMEM;
	WRITE_ONCE(table[npt_index(gpa, 1)],
		   vmlab_ops->npt_leaf(page_to_phys(page), writable));
	return 0;
}

void vmlab_npt_unmap(struct vmlab_npt *npt, u64 gpa)
{
	u64 *table = npt_leaf_table(npt, gpa, false);

	if (table)
		WRITE_ONCE(table[npt_index(gpa, 1)], 0);
}
