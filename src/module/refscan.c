// SPDX-License-Identifier: GPL-2.0
/*
 * The reference scan: free nothing that anything still points into
 *
 * A target whose own exit will not run is freed with whatever it left
 * registered.  leftovers.c undoes the kinds it knows; this file proves that
 * nothing else points into the target.  Before the first change, the
 * kernel's memory is searched for words whose value lies in the target's
 * memory (text, read-only data, ro_after_init, data, and init memory while
 * it is there):
 *
 *   - vmlinux's data and bss (_sdata to _edata, __bss_start to __bss_stop);
 *   - every other module's writable data (data, bss, ro_after_init);
 *   - every page of the page allocator that is neither free (buddy) nor a
 *     user page (on an LRU list): slab, vmalloc, per-CPU chunks, page
 *     tables, and the memblock memory the first per-CPU chunk lives in,
 *     read through the kernel's direct map.
 *
 * Not read: the pages of every module (the target's own, this helper's,
 * and the others', whose data is read above), the kernel image (its data
 * is read above), kernel stacks (tasks.c decides about the tasks that own
 * them), and KFENCE's guard pages.  Every page is copied with
 * copy_from_kernel_nofault(), without a lock; a page that cannot be read
 * is unknown, which refuses.  A word found pointing into the target is
 * read again: one that changed meanwhile is passed over.
 *
 * Every pointer found must be explained (fr_explain()):
 *
 *   - the loader's own bookkeeping, which free_module() undoes (and a
 *     record of the crash, the registers the oops saved): a pointer to
 *     the target's struct module (module list, kobject, latch tree,
 *     module_use, kernfs nodes); a word in another module's struct module,
 *     or in its ftrace call-site table (stale entries of its freed init
 *     code); a word in an object the target's struct module points to
 *     (sysfs section and note attributes, parameters); the vmalloc records
 *     (start and end, or start and size) of the target's memory; the
 *     record of its init memory; ftrace's records of its functions; on a
 *     crashed init, the section headers of the copy of its file that the
 *     dead loader left;
 *   - a leftover that leftovers.c undoes: a pointer to the registered
 *     object, or a word of an object the undo frees.
 *
 * Anything else refuses the target (leftovers=force: is logged and left),
 * naming where the pointer is: "%pS" for vmlinux and module data, the slab
 * cache of a heap object, "a page" otherwise.
 *
 * What it cannot see: a pointer held only in a CPU register or in user
 * memory, or stored in an encoded form (a pointer with tag bits, an offset).
 * A value that merely looks like a pointer refuses, wrongly but safely.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/err.h>
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kfence.h>
#include <linux/ktime.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/rculist.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include "force_rmmod.h"
#include "kernel_private.h"

#ifndef MAX_PAGE_ORDER
#define MAX_PAGE_ORDER	(MAX_ORDER - 1)	/* before 6.8 */
#endif

/* <elf.h>'s, not in the kernel's <linux/elf.h>. */
#define FR_SHT_INIT_ARRAY	14
#define FR_SHT_FINI_ARRAY	15

#define FR_SCAN_RANGES	8	/* kinds of a module's memory */
#define FR_SCAN_NAMED	8	/* unexplained pointers named per target */
#define FR_SCAN_OWN	32	/* objects the target's struct module points to */
#define FR_SCAN_FTRACE	64	/* blocks of ftrace records of the target */

struct fr_scan_range {
	unsigned long start, end;
	const char *what;	/* "text", "data", ... */
};

struct fr_extent {
	unsigned long start, end;
};

/* One target's scan. */
struct fr_scan {
	const struct fr_rescue *t;
	struct fr_scan_range r[FR_SCAN_RANGES];
	unsigned int nr;
	unsigned long lo, hi;		/* the span of r[] */
	struct fr_extent own[FR_SCAN_OWN];
	unsigned int nr_own;
	struct fr_extent ftrace[FR_SCAN_FTRACE];
	unsigned int nr_ftrace;
	bool ftrace_unknown;		/* ftrace's records not read */
	unsigned long *skip;		/* pages not read, by PFN */
	unsigned long end_pfn;
	unsigned long *buf;		/* one page */
	unsigned int found, explained, unexplained, unknown;
	u64 bytes;
};

static struct list_head *fr_modules __initdata;
static unsigned long fr_sdata __initdata, fr_edata __initdata;
static unsigned long fr_sbss __initdata, fr_ebss __initdata;

/* Since 6.4, by enum mod_mem_type; before, the core and init layouts. */
static const char fr_mem_names[][16] __initconst = {
	"text", "data", "rodata", "ro_after_init",
	"init text", "init data", "init rodata", "core", "init",
};

/*
 * The memory of @mod: every kind of it, or (@data) only what may be written
 * after it loaded.  Since 6.4 mod->mem[] describes each kind; before,
 * core_layout and init_layout hold text, read-only data,
 * read-only-after-init data and data, in that order.
 */
static unsigned int __init fr_mod_ranges(const struct module *mod,
					 struct fr_scan_range *r, bool data)
{
	unsigned int n = 0;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	enum mod_mem_type type;

	BUILD_BUG_ON(MOD_MEM_NUM_TYPES > FR_SCAN_RANGES);
	for (type = 0; type < MOD_MEM_NUM_TYPES; type++) {
		const struct module_memory *m = &mod->mem[type];

		if (data && type != MOD_DATA && type != MOD_RO_AFTER_INIT &&
		    type != MOD_INIT_DATA)
			continue;
		if (!m->base || !m->size)
			continue;
		r[n].start = (unsigned long)m->base;
		r[n].end = (unsigned long)m->base + m->size;
		r[n++].what = fr_mem_names[min_t(unsigned int, type, 6)];
	}
#else
	const struct module_layout *l[] = { &mod->core_layout, &mod->init_layout };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(l); i++) {
		unsigned long base = (unsigned long)l[i]->base;

		if (!base || !l[i]->size)
			continue;
		r[n].start = data ? base + l[i]->ro_size : base;
		r[n].end = base + l[i]->size;
		r[n++].what = fr_mem_names[i ? 8 : 7];
	}
#endif
	return n;
}

/* The range of the target @v lies in, or NULL. */
static const struct fr_scan_range *__init
fr_range_of(const struct fr_scan *s, unsigned long v)
{
	unsigned int i;

	if (v - s->lo >= s->hi - s->lo)
		return NULL;
	for (i = 0; i < s->nr; i++)
		if (v >= s->r[i].start && v < s->r[i].end)
			return &s->r[i];
	return NULL;
}

/* The allocation (a range) that starts at @v, or NULL. */
static const struct fr_scan_range *__init
fr_base_of(const struct fr_scan *s, unsigned long v)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (v == s->r[i].start)
			return &s->r[i];
	return NULL;
}

static bool __init fr_in_extents(const struct fr_extent *e, unsigned int n,
				 unsigned long where)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (where >= e[i].start && where < e[i].end)
			return true;
	return false;
}

/* ------------------------------------------------------------------------ */
/* What is not read: pages by PFN. */

static void __init fr_skip_pfn(struct fr_scan *s, unsigned long pfn)
{
	if (pfn < s->end_pfn)
		__set_bit(pfn, s->skip);
}

static void __init fr_skip_range(struct fr_scan *s, unsigned long start,
				 unsigned long end)
{
	unsigned long a;

	for (a = start & PAGE_MASK; a < end; a += PAGE_SIZE) {
		if (is_vmalloc_addr((void *)a) ||
		    (a >= MODULES_VADDR && a < MODULES_END))
			fr_skip_pfn(s, vmalloc_to_pfn((void *)a));
		else if (virt_addr_valid(a))
			fr_skip_pfn(s, PHYS_PFN(__pa(a)));
	}
}

static void __init fr_skip_stacks(struct fr_scan *s)
{
	struct task_struct *g, *p;
	unsigned long stack;

	rcu_read_lock();
	for_each_process_thread(g, p) {
		stack = (unsigned long)task_stack_page(p);
		if (stack)
			fr_skip_range(s, stack, stack + THREAD_SIZE);
	}
	rcu_read_unlock();
}

/* ------------------------------------------------------------------------ */
/* Slab objects: which cache, measured with a cache of our own. */

static int fr_slab_word __initdata = -1;	/* struct slab's slab_cache */
static int fr_cache_name_word __initdata = -1;	/* struct kmem_cache's name */
static const char fr_probe_name[] __initconst = "force_rmmod_probe";

static void fr_probe_ctor(void *obj)
{
}

static bool __init fr_is_slab(unsigned long a)
{
	return virt_addr_valid(a) && folio_test_slab(virt_to_folio((void *)a));
}

static void __init fr_measure_slab(void)
{
	unsigned long words[64], *obj;
	struct kmem_cache *c;
	char name[sizeof(fr_probe_name)];
	int i;

	/* A constructor keeps the cache from being merged with another. */
	c = kmem_cache_create(fr_probe_name, 64, 0, 0, fr_probe_ctor);
	if (!c)
		return;
	obj = kmem_cache_alloc(c, GFP_KERNEL);
	if (obj) {
		const unsigned long *f = (void *)virt_to_folio(obj);

		for (i = 0; i < 8 && fr_slab_word < 0; i++)
			if (f[i] == (unsigned long)c)
				fr_slab_word = i;
		kmem_cache_free(c, obj);
	}
	if (!copy_from_kernel_nofault(words, c, sizeof(words)))
		for (i = 0; i < 64 && fr_cache_name_word < 0; i++)
			if (virt_addr_valid(words[i]) &&
			    !copy_from_kernel_nofault(name, (void *)words[i], sizeof(name)) &&
			    !memcmp(name, fr_probe_name, sizeof(name)))
				fr_cache_name_word = i;
	kmem_cache_destroy(c);
}

/* "a kmalloc-64 object" into @buf. */
static void __init fr_slab_name(unsigned long a, char *buf, size_t size)
{
	unsigned long cache, name;
	char n[32];

	if (fr_slab_word < 0 || fr_cache_name_word < 0 ||
	    get_kernel_nofault(cache, (unsigned long *)virt_to_folio((void *)a) + fr_slab_word) ||
	    get_kernel_nofault(name, (unsigned long *)cache + fr_cache_name_word) ||
	    copy_from_kernel_nofault(n, (void *)name, sizeof(n) - 1))
		strscpy(n, "slab", sizeof(n));
	n[sizeof(n) - 1] = '\0';
	snprintf(buf, size, "a %s object", n);
}

/* ------------------------------------------------------------------------ */
/* What explains a pointer. */

static void __init fr_own(struct fr_scan *s, const void *obj)
{
	unsigned long a = (unsigned long)obj;

	/* ksize() wants an object's start: these are kzalloc()'s results. */
	if (!fr_is_slab(a) || s->nr_own == FR_SCAN_OWN)
		return;
	s->own[s->nr_own].start = a;
	s->own[s->nr_own++].end = a + ksize(obj);
}

/*
 * The heap objects the target's struct module points to that point into
 * it: its sysfs section and note attributes (their addresses) and its
 * parameters' attributes (its struct kernel_param), freed by free_module().
 */
static void __init fr_find_own(struct fr_scan *s)
{
	const struct module *mod = s->t->mod;

#ifdef CONFIG_SYSFS
	fr_own(s, READ_ONCE(mod->mkobj.mp));
#ifdef CONFIG_KALLSYMS
	fr_own(s, READ_ONCE(mod->sect_attrs));
	fr_own(s, READ_ONCE(mod->notes_attrs));
#endif
#endif
}

/*
 * ftrace's records of the target's functions: blocks of struct dyn_ftrace
 * on ftrace_pages_start, read (without ftrace_lock) and checked as read.
 */
static void __init fr_find_ftrace(struct fr_scan *s)
{
	static struct fr_ftrace_page **start __initdata;
	struct fr_ftrace_page pg, *p;
	unsigned int n = 0;

	if (!IS_ENABLED(CONFIG_DYNAMIC_FTRACE))
		return;
	if (!start)
		start = fr_lookup_layout(FR_LAYOUT_FTRACE_PAGES, "ftrace_pages_start",
					 sizeof(*start));
	if (IS_ERR_OR_NULL(start) ||
	    get_kernel_nofault(p, start)) {
		s->ftrace_unknown = true;
		return;
	}
	for (; p; p = pg.next) {
		unsigned long rec, first;

		if (++n > 1 << 20 || copy_from_kernel_nofault(&pg, p, sizeof(pg)) ||
		    pg.order < 0 || pg.order > MAX_PAGE_ORDER || pg.index < 0 ||
		    pg.index > (PAGE_SIZE << pg.order) / sizeof(struct dyn_ftrace) ||
		    !virt_addr_valid(pg.records) ||
		    offset_in_page(pg.records)) {
			s->ftrace_unknown = true;
			return;
		}
		rec = (unsigned long)pg.records;
		if (!pg.index || get_kernel_nofault(first, (unsigned long *)rec))
			continue;
		if (!fr_range_of(s, first) || s->nr_ftrace == FR_SCAN_FTRACE)
			continue;
		s->ftrace[s->nr_ftrace].start = rec;
		s->ftrace[s->nr_ftrace++].end = rec + pg.index * sizeof(struct dyn_ftrace);
	}
}

/* The word at @where + @i words, or 0. */
static unsigned long __init fr_word(unsigned long where, int i)
{
	unsigned long w;

	return get_kernel_nofault(w, (unsigned long *)where + i) ? 0 : w;
}

/*
 * The vmalloc records of one of the target's allocations: its start beside
 * its end (struct vmap_area) or its size (struct vm_struct), or several
 * allocations' starts side by side (struct mod_initfree).
 */
static bool __init fr_allocation_record(const struct fr_scan *s,
					unsigned long where, unsigned long v)
{
	const struct fr_scan_range *r = fr_base_of(s, v);
	unsigned long len, next, prev;

	if (!r) {
		/* The end of a vmap_area, when it is where a range starts. */
		prev = fr_word(where, -1);
		r = fr_base_of(s, prev);
		return r && v - prev >= r->end - r->start &&
		       v - prev <= PAGE_ALIGN(r->end - r->start) + PAGE_SIZE;
	}
	len = r->end - r->start;
	next = fr_word(where, 1);
	if (next - v >= len && next - v <= PAGE_ALIGN(len) + PAGE_SIZE)
		return true;	/* vmap_area: va_start, va_end */
	if (next >= len && next <= PAGE_ALIGN(len) + PAGE_SIZE)
		return true;	/* vm_struct: addr, size */
	prev = fr_word(where, -1);
	if ((fr_base_of(s, next) && next != v) || (fr_base_of(s, prev) && prev != v))
		return true;	/* mod_initfree: init_text, init_data, ... */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
	/*
	 * 6.1's mod_initfree (an llist_node, then the init allocation's
	 * start) is a 16-byte kmalloc object.
	 */
	return v == (unsigned long)s->t->mod->init_layout.base &&
	       fr_is_slab(where) && (where & 15) == 8;
#else
	return false;
#endif
}

/*
 * A section header (Elf_Shdr) of the copy of the target's file that a
 * crashed load left behind: the loader wrote the section's address in
 * sh_addr; the section lies in one of the target's ranges.
 */
static bool __init fr_section_header(const struct fr_scan *s,
				     unsigned long where, unsigned long v)
{
	const struct fr_scan_range *r = fr_range_of(s, v);
	struct elf_shdr sh;	/* Elf_Shdr */

	if (READ_ONCE(s->t->mod->state) != MODULE_STATE_COMING || !r ||
	    copy_from_kernel_nofault(&sh, (void *)(where - offsetof(struct elf_shdr, sh_addr)),
				     sizeof(sh)))
		return false;
	return (sh.sh_flags & SHF_ALLOC) && sh.sh_addr == v &&
	       (sh.sh_type == SHT_PROGBITS || sh.sh_type == SHT_NOBITS ||
		sh.sh_type == SHT_NOTE || sh.sh_type == FR_SHT_INIT_ARRAY ||
		sh.sh_type == FR_SHT_FINI_ARRAY) &&
	       sh.sh_size <= r->end - v && sh.sh_addralign <= PAGE_SIZE &&
	       !(sh.sh_addralign & (sh.sh_addralign - 1)) &&
	       sh.sh_entsize < PAGE_SIZE;
}

/* A word in another module's struct module or ftrace call-site table. */
static bool __init fr_other_module(unsigned long where, const struct module *mod)
{
	unsigned long m = (unsigned long)mod;

	if (where >= m && where < m + sizeof(*mod))
		return true;
#ifdef CONFIG_FTRACE_MCOUNT_RECORD
	if (mod->ftrace_callsites &&
	    where >= (unsigned long)mod->ftrace_callsites &&
	    where < (unsigned long)(mod->ftrace_callsites + mod->num_ftrace_callsites))
		return true;
#endif
	return false;
}

/*
 * vmlinux data of the loader's own (the module list, the latch tree of
 * module addresses), and the registers the last oops saved
 * (exec_summary_regs): a record of the crash, never followed.
 */
static const char fr_loader_syms[][20] __initconst = {
	"modules", "mod_tree", "exec_summary_regs",
};

static bool __init fr_loader_data(unsigned long where)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned int i;

	sprint_symbol(sym, where);
	for (i = 0; i < ARRAY_SIZE(fr_loader_syms); i++) {
		size_t len = strlen(fr_loader_syms[i]);

		if (!strncmp(sym, fr_loader_syms[i], len) && sym[len] == '+')
			return true;
	}
	return false;
}

/*
 * Whether the word at @where, pointing to @v, is explained: no danger.
 * @mod: the module whose data holds it, if one does; @vmlinux: vmlinux's
 * data holds it; neither: a page of the page walk.
 */
static bool __init fr_explain(const struct fr_scan *s, unsigned long where,
			      unsigned long v, const struct module *mod,
			      bool vmlinux)
{
	unsigned long m = (unsigned long)s->t->mod;

	if (v >= m && v < m + sizeof(struct module))
		return true;
	if (mod)
		return fr_other_module(where, mod) || fr_lo_explains(s->t, where, v);
	if (vmlinux)
		return fr_loader_data(where) || fr_lo_explains(s->t, where, v);
	return fr_in_extents(s->own, s->nr_own, where) ||
	       fr_in_extents(s->ftrace, s->nr_ftrace, where) ||
	       fr_allocation_record(s, where, v) ||
	       fr_section_header(s, where, v) ||
	       fr_lo_explains(s->t, where, v);
}

/* ------------------------------------------------------------------------ */
/* The search. */

static void __init fr_where(unsigned long where, const struct module *mod,
			    bool vmlinux, char *buf, size_t size)
{
	if (vmlinux)
		snprintf(buf, size, "%pS (vmlinux data)", (void *)where);
	else if (mod)
		snprintf(buf, size, "%pS (%s data)", (void *)where, mod->name);
	else if (fr_is_slab(where))
		fr_slab_name(where, buf, size);
	else
		snprintf(buf, size, "a page");
}

/* A word at @where points into the target. */
static void __init fr_found(struct fr_scan *s, unsigned long where,
			    unsigned long v, const struct module *mod, bool vmlinux)
{
	const struct fr_scan_range *r;
	char at[KSYM_SYMBOL_LEN + 32];
	unsigned long now;

	if (get_kernel_nofault(now, (unsigned long *)where) || now != v)
		return;		/* changed under the scan */
	r = fr_range_of(s, v);
	if (!r)
		return;
	s->found++;
	if (fr_explain(s, where, v, mod, vmlinux)) {
		s->explained++;
		return;
	}
	if (++s->unexplained > FR_SCAN_NAMED)
		return;
	fr_where(where, mod, vmlinux, at, sizeof(at));
	pr_warn("%s: " FR_LOG_REFERENCE "pointer to %pS (%s) from %s\n",
		s->t->name, (void *)v, r->what, at);
}

static void __init fr_scan_words(struct fr_scan *s, unsigned long where,
				 size_t n, const struct module *mod, bool vmlinux)
{
	unsigned long span = s->hi - s->lo;
	size_t i;

	for (i = 0; i < n; i++)
		if (s->buf[i] - s->lo < span)
			fr_found(s, where + i * sizeof(long), s->buf[i], mod, vmlinux);
	s->bytes += n * sizeof(long);
}

/* [start, end) by its addresses, a page at a time. */
static void __init fr_scan_virt(struct fr_scan *s, unsigned long start,
				unsigned long end, const struct module *mod)
{
	unsigned long a, len;

	for (a = ALIGN(start, sizeof(long)); a < end; a += len) {
		len = min(end - a, PAGE_SIZE - offset_in_page(a));
		len &= ~(sizeof(long) - 1);
		if (!len)
			break;
		if (copy_from_kernel_nofault(s->buf, (void *)a, len)) {
			s->unknown++;
			continue;
		}
		fr_scan_words(s, a, len / sizeof(long), mod, !mod);
	}
}

/*
 * Other modules' data, under RCU as the kernel walks its module list: a
 * module being freed waits for it.  Every module's pages are marked, so
 * that the page walk skips them.
 */
static void __init fr_scan_modules(struct fr_scan *s)
{
	struct fr_scan_range r[FR_SCAN_RANGES];
	struct module *mod;
	unsigned int i, n;

	rcu_read_lock();
	list_for_each_entry_rcu(mod, fr_modules, list) {
		n = fr_mod_ranges(mod, r, false);
		for (i = 0; i < n; i++)
			fr_skip_range(s, r[i].start, r[i].end);
		if (mod == s->t->mod || mod == THIS_MODULE)
			continue;
		n = fr_mod_ranges(mod, r, true);
		for (i = 0; i < n; i++)
			fr_scan_virt(s, r[i].start, r[i].end, mod);
	}
	rcu_read_unlock();
}

/*
 * Whether the page at @pfn is read; *@order: how many pages to step over
 * (a free block is skipped whole).
 */
static struct page * __init fr_page(struct fr_scan *s, unsigned long pfn,
				    unsigned int *order)
{
	struct page *page = pfn_to_online_page(pfn);

	*order = 0;
	if (!page)
		return NULL;
	if (PageBuddy(page)) {
		unsigned long o = READ_ONCE(page->private);

		*order = o <= MAX_PAGE_ORDER ? o : 0;
		return NULL;
	}
	if (test_bit(pfn, s->skip) || PageOffline(page) ||
	    folio_test_lru(page_folio(page)))
		return NULL;
	return page;
}

static void __init fr_scan_pages(struct fr_scan *s)
{
	unsigned long pfn, end;
	unsigned int order;
	struct page *page;
	int nid;

	for_each_online_node(nid) {
		pfn = NODE_DATA(nid)->node_start_pfn;
		end = pfn + NODE_DATA(nid)->node_spanned_pages;
		for (; pfn < end; pfn += 1UL << order) {
			void *va;

			if (!(pfn & 1023))
				cond_resched();
			page = fr_page(s, pfn, &order);
			if (!page)
				continue;
			va = page_address(page);
			if (!copy_from_kernel_nofault(s->buf, va, PAGE_SIZE))
				fr_scan_words(s, (unsigned long)va,
					      PAGE_SIZE / sizeof(long), NULL, false);
			else if (!is_kfence_address(va))
				s->unknown++;
		}
	}
}

static unsigned long __init fr_end_pfn(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, NODE_DATA(nid)->node_start_pfn +
			  NODE_DATA(nid)->node_spanned_pages);
	return end;
}

static bool __init fr_find_kernel(void)
{
	if (fr_modules)
		return true;
	fr_sdata = (unsigned long)fr_lookup_label("_sdata");
	fr_edata = (unsigned long)fr_lookup_label("_edata");
	fr_sbss = (unsigned long)fr_lookup_label("__bss_start");
	fr_ebss = (unsigned long)fr_lookup_label("__bss_stop");
	if (!fr_sdata || fr_edata <= fr_sdata || !fr_sbss || fr_ebss <= fr_sbss)
		return false;
	fr_modules = fr_modules_list();
	fr_measure_slab();
	return fr_modules;
}

static int __init fr_scan_prepare(struct fr_scan *s)
{
	unsigned int i;
	size_t bitmap;

	s->nr = fr_mod_ranges(s->t->mod, s->r, false);
	s->lo = ULONG_MAX;
	for (i = 0; i < s->nr; i++) {
		s->lo = min(s->lo, s->r[i].start);
		s->hi = max(s->hi, s->r[i].end);
	}
	s->end_pfn = fr_end_pfn();
	bitmap = BITS_TO_LONGS(s->end_pfn) * sizeof(long);
	s->skip = vzalloc(bitmap);
	s->buf = (unsigned long *)__get_free_page(GFP_KERNEL);
	if (!s->skip || !s->buf)
		return -ENOMEM;
	/* What this scan itself holds: its bitmap, its buffer. */
	fr_skip_range(s, (unsigned long)s->skip, (unsigned long)s->skip + bitmap);
	fr_skip_range(s, (unsigned long)s->buf, (unsigned long)s->buf + PAGE_SIZE);
	fr_skip_stacks(s);
	fr_skip_range(s, fr_sdata, fr_edata);
	fr_skip_range(s, fr_sbss, fr_ebss);
	fr_find_own(s);
	fr_find_ftrace(s);
	return 0;
}

/*
 * Search the kernel's memory for pointers into @t.  Returns 0 when every
 * one is explained, or when @refuse is false (each unexplained one is named,
 * up to FR_SCAN_NAMED, and left); -EBUSY when @refuse and one is not; -ENOENT
 * when the kernel's data was not found; -ENOMEM.  Caller holds no lock.
 */
int __init fr_refscan(struct fr_rescue *t, bool refuse)
{
	struct fr_scan *s;
	ktime_t start = ktime_get();
	int ret;

	if (!fr_find_kernel()) {
		pr_err("%s: " FR_LOG_REFSCAN "the kernel's data not found%s\n",
		       t->name, refuse ? ", refusing" : "");
		return refuse ? -ENOENT : 0;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->t = t;
	ret = fr_scan_prepare(s);
	if (ret)
		goto out;
	fr_skip_range(s, (unsigned long)s, (unsigned long)(s + 1));

	fr_scan_virt(s, fr_sdata, fr_edata, NULL);
	fr_scan_virt(s, fr_sbss, fr_ebss, NULL);
	fr_scan_modules(s);
	fr_scan_pages(s);

	if (s->unexplained > FR_SCAN_NAMED)
		pr_warn("%s: " FR_LOG_REFERENCE "... and %u more\n", t->name,
			s->unexplained - FR_SCAN_NAMED);
	pr_info("%s: " FR_LOG_REFSCAN
		"%llu MB in %lld ms: %u pointer(s), %u explained, %u not, %u page(s) unreadable%s\n",
		t->name, s->bytes >> 20, ktime_ms_delta(ktime_get(), start),
		s->found, s->explained, s->unexplained, s->unknown,
		s->ftrace_unknown ? ", ftrace's records not read" : "");
	if (!refuse || (!s->unexplained && !s->unknown))
		goto out;
	pr_err("%s: " FR_LOG_LEFTOVERS "%u leftover(s), refusing ("
	       FR_STR(FR_PARAM_REFSCAN) "=" FR_REFSCAN_REFUSE
	       ": %u pointer(s) into it not explained)\n",
	       t->name, s->unexplained + s->unknown, s->unexplained + s->unknown);
	ret = -EBUSY;
out:
	vfree(s->skip);
	free_page((unsigned long)s->buf);
	kfree(s);
	return ret;
}
