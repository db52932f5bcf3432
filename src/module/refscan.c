// SPDX-License-Identifier: GPL-2.0
/*
 * The reference scan: free nothing that anything still points into
 *
 * A target whose own exit will not run is freed with whatever it left
 * registered.  leftovers/ undoes the kinds it knows; this file proves that
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
 * is read above; the end of its bss that x86 gives back at boot is read as
 * pages; its code and read-only data are not read at all), kernel stacks
 * (tasks.c decides about the tasks that own them; the per-CPU interrupt
 * stacks hold stale frames), KFENCE's guard pages, and the free objects of
 * slab pages (SLUB's free lists, read as fr_slab_begin() says: stale
 * copies, not references).  Every page is copied with
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
 *     record of its init memory, and the end of the vmalloc record just
 *     below one of its allocations; ftrace's records of its functions; its
 *     trace events (each event's and class's struct, and the name and type
 *     of each field), which the tracing core removes as the target goes;
 *     on a crashed init, the section headers of the copy of its file that
 *     the dead loader left;
 *   - stale addresses that nothing follows: other modules' sysfs section
 *     tables (the addresses of their freed init sections), their
 *     __patchable_function_entries (the compiler's list of their
 *     functions, init ones included) and their tables of trace eval maps
 *     (pointers to maps in their freed init data), and ftrace's maps of every module's
 *     freed init functions (kept while a tracer is registered, for
 *     kallsyms, which only compares them), and the words of a struct page
 *     with no reference in the memory map (x86-64), and the marks of an
 *     xarray node (bitmaps that can look like module addresses);
 *   - links that only the target's code follows: an xarray node's pointer
 *     to its xarray (an IDR) when that lies in the target (the node stays,
 *     leaked);
 *   - a leftover that leftovers/ undoes: a pointer to the registered
 *     object (for kinds whose users point to it too, only the list's own
 *     link to it), or a word of an object the undo frees (or leaves, the
 *     private object of a disk, leaked, whose words only the target's
 *     code follows).
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

#include <linux/delay.h>
#include <linux/elf.h>
#include <linux/err.h>
#include <linux/ftrace.h>
#include <linux/irq_work.h>
#include <linux/kallsyms.h>
#include <linux/kernel_stat.h>
#include <linux/kernfs.h>
#include <linux/kfence.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/rculist.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/trace_events.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include "force_rmmod.h"
#include "kernel_private.h"

/*
 * A word or a pointer that is an address of the linear map, whose struct
 * page virt_to_page() finds (virt_addr_valid(); arm64's wants a pointer).
 * vmlinux's image is not one on arm64: fr_kernel_addr() takes it too.
 */
#define fr_valid(a)	virt_addr_valid((void *)(a))

#ifndef MAX_PAGE_ORDER
#define MAX_PAGE_ORDER	(MAX_ORDER - 1)	/* before 6.8 */
#endif

/* <elf.h>'s, not in the kernel's <linux/elf.h>. */
#define FR_SHT_INIT_ARRAY	14
#define FR_SHT_FINI_ARRAY	15

#define FR_SCAN_RANGES	8	/* kinds of a module's memory */
#define FR_SCAN_NAMED	8	/* unexplained pointers named per target */
#define FR_SCAN_OWN	32	/* objects the target's struct module points to */
#define FR_SCAN_FTRACE	16384	/* extents of ftrace's records, at most */
#define FR_SCAN_FIELDS	16384	/* fields of the target's trace events */
#define FR_SCAN_IMAGE	3	/* vmlinux's data, and its bss around a hole */
#define FR_SLAB_OBJS	1024	/* objects of a slab whose free ones are known */
#define FR_SLAB_TRIES	3	/* reads of a slab page whose lists changed */
#define FR_PROBE_OBJS	256	/* objects of the probe cache taken to measure */
#define FR_SCAN_MODULES	4096	/* other modules whose section tables are known */

struct fr_scan_range {
	unsigned long start, end;
	const char *what;	/* "text", "data", ... */
};

struct fr_extent {
	unsigned long start, end;
};

/* Extents sorted by start, not overlapping, searched by halving. */
struct fr_extents {
	struct fr_extent *e;
	unsigned int n, max;
};

/* One target's scan. */
struct fr_scan {
	struct fr_rescue *t;
	struct fr_scan_range r[FR_SCAN_RANGES];
	unsigned int nr;
	unsigned long lo, hi;		/* the span of r[] */
	struct fr_extent own[FR_SCAN_OWN];
	unsigned int nr_own;
	struct fr_extents ftrace;	/* ftrace records read as dead */
	bool ftrace_unknown;		/* ftrace's records not read */
	unsigned int cached_stacks;	/* dead tasks' stacks not read */
	unsigned int irq_stacks;	/* per-CPU interrupt stacks not read */
	struct fr_extents events;	/* the target's trace events, classes */
	struct fr_extents fields;	/* their fields' name and type words */
	bool events_unknown;		/* a class's fields not read */
	struct fr_extents sects;	/* other modules' section attributes */
	struct fr_memmap *memmap;	/* where the memory map lies */
	unsigned int nr_memmap;
	unsigned long slab, slab_end;	/* the slab being read, */
	unsigned int slab_size;		/* its object size (0: none free), */
	unsigned long slab_sig;		/* its free lists' heads, */
	DECLARE_BITMAP(slab_free, FR_SLAB_OBJS);	/* its free objects */
	unsigned long *skip;		/* pages not read, by PFN */
	unsigned long end_pfn;
	unsigned long *buf;		/* one page */
	unsigned int found, explained, unexplained, unknown;
	u64 bytes;
};

static struct list_head *fr_modules __initdata;
static struct fr_extent fr_image[FR_SCAN_IMAGE] __initdata;
static unsigned int fr_nr_image __initdata;
static struct fr_extent fr_image_ro __initdata;	/* read-only data, not read */
static struct fr_extent fr_image_text __initdata;	/* its code, not read */

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

static int __init fr_extent_cmp(const void *a, const void *b)
{
	const struct fr_extent *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static bool __init fr_extents_add(struct fr_extents *x, unsigned long start,
				  unsigned long end)
{
	if (x->n == x->max)
		return false;
	x->e[x->n].start = start;
	x->e[x->n++].end = end;
	return true;
}

static void __init fr_extents_sort(struct fr_extents *x)
{
	sort(x->e, x->n, sizeof(*x->e), fr_extent_cmp, NULL);
}

/*
 * Whether @a lies in @x's own array: the scan's table of the target's
 * events holds their starts and ends (an end is past its event, in the
 * padding before the next one: ext4's), and is freed as the scan ends.
 */
static bool __init fr_extents_table(const struct fr_extents *x, unsigned long a)
{
	return a >= (unsigned long)x->e && a < (unsigned long)(x->e + x->max);
}

/* Whether @a lies in one of @x (sorted). */
static bool __init fr_extents_have(const struct fr_extents *x, unsigned long a)
{
	unsigned int lo = 0, hi = x->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x->e[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && a < x->e[lo - 1].end;
}

/* The word at @where + @i words, or 0. */
static unsigned long __init fr_word(unsigned long where, int i)
{
	unsigned long w;

	return get_kernel_nofault(w, (unsigned long *)where + i) ? 0 : w;
}

/* ------------------------------------------------------------------------ */
/* What is not read: pages by PFN. */

static void __init fr_skip_pfn(struct fr_scan *s, unsigned long pfn)
{
	if (pfn < s->end_pfn)
		__set_bit(pfn, s->skip);
}

/*
 * Whether @a lies where modules are allocated: the module space; on arm64
 * also the vmalloc space within 2 GB of the kernel's image (the reach of
 * its branches through PLTs), where modules are placed near the randomized
 * image, not in MODULES_VADDR's range.
 */
static bool __init fr_module_space(unsigned long a)
{
	static unsigned long lo __initdata, hi __initdata;
	static bool looked __initdata;

	if (a >= MODULES_VADDR && a < MODULES_END)
		return true;
	if (!IS_ENABLED(CONFIG_ARM64) || !is_vmalloc_addr((void *)a))
		return false;
	if (!looked) {
		unsigned long stext = (unsigned long)fr_lookup_label("_stext");
		unsigned long ebss = (unsigned long)fr_lookup_label("__bss_stop");

		looked = true;
		if (stext && ebss > stext && stext >= SZ_2G && ebss <= ULONG_MAX - SZ_2G) {
			lo = stext - SZ_2G;
			hi = ebss + SZ_2G;
		}
	}
	return hi && a - lo < hi - lo;
}

static void __init fr_skip_range(struct fr_scan *s, unsigned long start,
				 unsigned long end)
{
	unsigned long a;

	for (a = start & PAGE_MASK; a < end; a += PAGE_SIZE) {
		if (is_vmalloc_addr((void *)a) || fr_module_space(a))
			fr_skip_pfn(s, vmalloc_to_pfn((void *)a));
		else if (fr_valid(a))
			fr_skip_pfn(s, PHYS_PFN(__pa(a)));
	}
}

#ifdef CONFIG_VMAP_STACK
/*
 * A dead task's stack waits for the next task in cached_stacks (kernel/
 * fork.c: two per CPU, a static per-CPU variable that the kprobe lookup
 * cannot name): stale frames, such as a crashed loader's, not references.
 * Found by where a stack of our own lands: a kernel thread that never
 * runs, its stack's vm_struct then looked for near an exported per-CPU
 * variable (kernel_cpustat) on every CPU.  Polled for a bounded time: the
 * stack returns to the cache after a grace period.
 */
#define FR_PCPU_WINDOW	(512 * 1024)	/* bytes either side of kernel_cpustat */
#define FR_STACK_POLLS	15		/* times 20 ms */
#define FR_STACK_PROBES	4		/* threads made to find the cache */
static long fr_stack_cache_off __initdata;	/* from kernel_cpustat, or 0 */
static unsigned long fr_stack_caller __initdata;	/* a stack's vm->caller, */
static unsigned long fr_stack_size __initdata;	/* and its vm->size */

static int __init fr_stack_probe(void *unused)
{
	return 0;
}

/* Where one of @words is, from kernel_cpustat on its CPU; 0: nowhere. */
static long __init fr_find_words(const unsigned long *words, int n, unsigned long *buf)
{
	unsigned long base, a;
	unsigned int i;
	int cpu, j;

	for_each_possible_cpu(cpu) {
		base = (unsigned long)per_cpu_ptr(&kernel_cpustat, cpu);
		for (a = (base - FR_PCPU_WINDOW) & PAGE_MASK; a < base + FR_PCPU_WINDOW;
		     a += PAGE_SIZE) {
			/* the first per-CPU chunk: memory reserved at boot */
			if (!fr_valid(a) || !PageReserved(virt_to_page((void *)a)) ||
			    copy_from_kernel_nofault(buf, (void *)a, PAGE_SIZE))
				continue;
			for (i = 0; i < PAGE_SIZE / sizeof(long); i++)
				for (j = 0; j < n; j++)
					if (buf[i] && buf[i] == words[j])
						return a + i * sizeof(long) - base;
		}
	}
	return 0;
}

/*
 * Threads that never run: made together, they take the stacks cached on
 * kthreadd's CPU, so that theirs find room there when they end.
 */
static void __init fr_measure_stack_cache(void)
{
	struct task_struct *t[FR_STACK_PROBES];
	unsigned long vm[FR_STACK_PROBES] = { 0 };
	struct vm_struct *area;
	unsigned long *buf;
	int i;

	buf = (unsigned long *)__get_free_page(GFP_KERNEL);
	for (i = 0; i < FR_STACK_PROBES; i++) {
		t[i] = buf ? kthread_create(fr_stack_probe, NULL, "fr_stack_probe") : NULL;
		if (IS_ERR_OR_NULL(t[i]))
			continue;
		area = task_stack_vm_area(t[i]);
		if (!area)
			continue;
		vm[i] = (unsigned long)area;
		fr_stack_caller = (unsigned long)area->caller;
		fr_stack_size = area->size;
	}
	for (i = 0; i < FR_STACK_PROBES; i++)
		if (!IS_ERR_OR_NULL(t[i]))
			kthread_stop(t[i]);	/* it ends without running */
	for (i = 0; buf && fr_stack_caller && i < FR_STACK_POLLS && !fr_stack_cache_off; i++) {
		msleep(20);
		fr_stack_cache_off = fr_find_words(vm, FR_STACK_PROBES, buf);
	}
	free_page((unsigned long)buf);
}

/* The stacks in the cache: a slot's neighbours are checked too. */
static void __init fr_skip_cached_stacks(struct fr_scan *s)
{
	unsigned long slot, caller, addr, size;
	struct vm_struct *vm;
	int cpu, i;

	if (!fr_stack_cache_off)
		return;
	for_each_possible_cpu(cpu) {
		slot = (unsigned long)per_cpu_ptr(&kernel_cpustat, cpu) + fr_stack_cache_off;
		for (i = -1; i <= 1; i++) {
			vm = (struct vm_struct *)fr_word(slot, i);
			if (!fr_valid(vm) ||
			    get_kernel_nofault(caller, (unsigned long *)&vm->caller) ||
			    caller != fr_stack_caller ||
			    get_kernel_nofault(size, &vm->size) || size != fr_stack_size ||
			    get_kernel_nofault(addr, (unsigned long *)&vm->addr) ||
			    !is_vmalloc_addr((void *)addr))
				continue;
			fr_skip_range(s, addr, addr + THREAD_SIZE);
			s->cached_stacks++;
		}
	}
}
#else
static void __init fr_measure_stack_cache(void)
{
}

static void __init fr_skip_cached_stacks(struct fr_scan *s)
{
}
#endif

/*
 * The per-CPU interrupt stacks (x86-64's, where softirqs run too; arm64's):
 * the stale frames of handlers that have returned, such as the timer core's
 * copy of a timer's function.  The target's code runs there only through
 * what registered it (an irqaction, a timer), which the scan reads.  Found
 * by where an interrupt of our own runs: an IPI to every other CPU, and a
 * hard irq_work (hard on PREEMPT_RT too) on this one, each noting a word's
 * address when it is not on the interrupted task's stack.  The stack is
 * skipped only when it is vmapped (VMAP_STACK) and ends at its guard page.
 */
#ifdef IRQ_STACK_SIZE
#define FR_IRQ_STACK	IRQ_STACK_SIZE
#else
#define FR_IRQ_STACK	THREAD_SIZE
#endif

struct fr_irq_probe {
	struct irq_work work;
	unsigned long sp;
};

static void __init fr_irq_note(void *sp)
{
	unsigned long here = (unsigned long)&here;

	if (in_hardirq() && !object_is_on_stack((void *)here))
		*(unsigned long *)sp = here;
}

static void __init fr_irq_work(struct irq_work *work)
{
	fr_irq_note(&container_of(work, struct fr_irq_probe, work)->sp);
}

/* The interrupt stack that @sp lies in, skipped if it is found whole. */
static bool __init fr_skip_irq_stack(struct fr_scan *s, unsigned long sp)
{
	unsigned long end = (sp | ~PAGE_MASK) + 1, a;

	if (!is_vmalloc_addr((void *)sp))
		return false;
	while (end - (sp & PAGE_MASK) < FR_IRQ_STACK && vmalloc_to_page((void *)end))
		end += PAGE_SIZE;
	if (vmalloc_to_page((void *)end))
		return false;
	for (a = end - FR_IRQ_STACK; a < end; a += PAGE_SIZE)
		if (!vmalloc_to_page((void *)a))
			return false;
	fr_skip_range(s, end - FR_IRQ_STACK, end);
	return true;
}

static void __init fr_skip_irq_stacks(struct fr_scan *s)
{
	struct fr_irq_probe *p = kzalloc(sizeof(*p), GFP_KERNEL);
	int cpu;

	if (!p)
		return;
	p->work = IRQ_WORK_INIT_HARD(fr_irq_work);
	for_each_online_cpu(cpu) {
		p->sp = 0;
		if (cpu == get_cpu()) {
			irq_work_queue(&p->work);
			put_cpu();
			irq_work_sync(&p->work);
		} else {
			put_cpu();
			smp_call_function_single(cpu, fr_irq_note, &p->sp, 1);
		}
		if (p->sp && fr_skip_irq_stack(s, p->sp))
			s->irq_stacks++;
	}
	kfree(p);
}

/* Every task's stack (tasks.c reads them), the cached ones, the IRQ ones. */
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
	fr_skip_cached_stacks(s);
	fr_skip_irq_stacks(s);
}

/* ------------------------------------------------------------------------ */
/* Slab objects: which cache, measured with a cache of our own. */

static int fr_slab_word __initdata = -1;	/* struct slab's slab_cache */
static int fr_cache_name_word __initdata = -1;	/* struct kmem_cache's name */
static int fr_cache_ctor_word __initdata = -1;	/* its ctor */
static const char fr_probe_name[] __initconst = "force_rmmod_probe";

static void fr_probe_ctor(void *obj)
{
}

bool __init fr_is_slab(unsigned long a)
{
	return fr_valid(a) && folio_test_slab(virt_to_folio((void *)a));
}

/* The struct kmem_cache of the slab that holds @a, or 0. */
static unsigned long __init fr_slab_cache(unsigned long a)
{
	unsigned long cache;

	if (fr_slab_word < 0 || !fr_is_slab(a) ||
	    get_kernel_nofault(cache, (unsigned long *)virt_to_folio((void *)a) + fr_slab_word))
		return 0;
	return cache;
}

/*
 * SLUB's free objects, read as SLUB keeps them (mm/slub.c), each list
 * ending in NULL: a slab's freelist (struct slab: word 4, after its flags,
 * cache and list, from 6.1 to 7.1), and before 7.0, for the slab a CPU
 * allocates from, that CPU's freelist (struct kmem_cache_cpu: freelist,
 * tid, slab; per CPU at the start of struct kmem_cache).  In a free object,
 * the word at the cache's offset holds the next one, encoded with
 * CONFIG_SLAB_FREELIST_HARDENED as next ^ random ^ swab(address of the
 * word).  The cache's flags, object size and free pointer offset are u32 at
 * bytes 8, 24 and 40 of struct kmem_cache from 6.1 to 7.1; its random word
 * is found by what it decodes.  All of it is measured on the probe cache;
 * what does not match leaves every object counted as allocated.
 *
 * Since 7.0 a CPU keeps freed objects in sheaves instead (struct
 * slub_percpu_sheaves, per CPU at the start of struct kmem_cache: a lock,
 * then the main, spare and rcu_free sheaves; struct slab_sheaf: two words,
 * the cache, the u32 count, then the array of objects).  The main and
 * spare sheaves are measured too; objects in the node's barn, and those
 * waiting for a grace period, are counted as allocated (a word in one of
 * them that points into the target is explained: fr_barn_free(),
 * fr_rcu_sheaf_free()).
 */
#define FR_SLUB_SIZE		24	/* struct kmem_cache: size (u32), */
#define FR_SLUB_OBJECT_SIZE	28	/* object_size, */
#define FR_SLUB_OFFSET		40	/* offset */
#define FR_SLUB_FLAGS		8	/* flags */
#define FR_SLAB_FREELIST	4	/* struct slab: freelist (a word) */
#define FR_SLUB_DEBUG	((__force u32)(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
					SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE))

static bool fr_slub_layout __initdata;	/* the offsets above checked */
static bool fr_slub_ok __initdata;	/* and the free lists readable: */
static bool fr_slub_hardened __initdata;	/* encoded, with */
static int fr_slub_random __initdata;	/* this word of struct kmem_cache */
static bool fr_slub_cpu __initdata;	/* per-CPU free lists (before 7.0) */
static int fr_sheaf_main __initdata;	/* 7.x: word of the main sheaf, */
static int fr_sheaf_cache __initdata;	/* and of a sheaf's cache */
static int fr_sheaf_rcu __initdata;	/* and of the rcu_free sheaf */
static int fr_barn_word __initdata;	/* struct kmem_cache: per_node[0].barn */
static int fr_barn_full __initdata;	/* struct node_barn: the full list */
#define FR_SHEAF_OBJS	512		/* objects in a sheaf, at most */
#define FR_BARN_SHEAVES	16		/* full sheaves in a barn, at most */
#define FR_BARN_PROBE	1024		/* objects that fill sheaves into the barn */

static u32 __init fr_u32(const void *base, int byte)
{
	u32 v;

	return get_kernel_nofault(v, (const u32 *)((const char *)base + byte)) ? 0 : v;
}

/* The per-CPU struct kmem_cache_cpu of @cache on @cpu, as words. */
static const unsigned long * __init fr_cache_cpu(unsigned long cache, int cpu)
{
	unsigned long pcp;

	if (get_kernel_nofault(pcp, (unsigned long *)cache))
		return NULL;
	return per_cpu_ptr((unsigned long __percpu __force *)pcp, cpu);
}

/*
 * The next free object after @obj, its link at @offset decoded (@hardened)
 * with @random; ULONG_MAX when unreadable.
 */
static unsigned long __init fr_slub_next(bool hardened, unsigned long random,
					 u32 offset, unsigned long obj)
{
	unsigned long fp = obj + offset, enc;

	if (get_kernel_nofault(enc, (unsigned long *)fp))
		return ULONG_MAX;
	return hardened ? enc ^ random ^ swab(fp) : enc;
}

/*
 * Whether up to @n links of the free list from @head decode, with
 * (@hardened, @random), to objects of the slab [@base, @end) or its end.
 */
static bool __init fr_slub_decodes(unsigned long head, bool hardened,
				   unsigned long random, u32 offset, u32 size,
				   unsigned long base, unsigned long end, int n)
{
	unsigned long p = head;

	while (n--) {
		p = fr_slub_next(hardened, random, offset, p);
		if (!p)
			return true;
		if (p < base || p >= end || (p - base) % size)
			return false;
	}
	return true;
}

/*
 * The encoding of free lists, read off a slab of the probe cache whose
 * list is its own (not a CPU's): plain, or hardened with exactly one word
 * of struct kmem_cache that decodes eight links into the slab.
 */
static void __init fr_measure_slub_lists(struct kmem_cache *c, u32 size, u32 offset)
{
	void **objs = kcalloc(FR_PROBE_OBJS, sizeof(*objs), GFP_KERNEL);
	unsigned long head, base, end;
	struct folio *folio;
	int i, j, hits, word = 0;

	if (!objs)
		return;
	for (i = 0; i < FR_PROBE_OBJS; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	/* Keep one in eight, so that no slab is emptied and given back. */
	for (i = 0; i < FR_PROBE_OBJS; i++)
		if (objs[i] && i % 8) {
			kmem_cache_free(c, objs[i]);
			objs[i] = NULL;
		}
	for (i = 0; i < FR_PROBE_OBJS && !fr_slub_ok; i += 8) {
		if (!objs[i])
			continue;
		folio = virt_to_folio(objs[i]);
		base = (unsigned long)folio_address(folio);
		end = base + folio_size(folio);
		if (get_kernel_nofault(head, (unsigned long *)folio + FR_SLAB_FREELIST) ||
		    head < base || head >= end || (head - base) % size)
			continue;
		if (fr_slub_decodes(head, false, 0, offset, size, base, end, 8)) {
			fr_slub_ok = true;
			break;
		}
		for (j = 1, hits = 0; j < 96; j++)
			if (fr_slub_decodes(head, true, fr_word((unsigned long)c, j),
					    offset, size, base, end, 8)) {
				hits++;
				word = j;
			}
		if (hits == 1) {
			fr_slub_hardened = true;
			fr_slub_random = word;
			fr_slub_ok = true;
		}
	}
	for (i = 0; i < FR_PROBE_OBJS; i++)
		if (objs[i])
			kmem_cache_free(c, objs[i]);
	kfree(objs);
}

/*
 * Before 7.0 a CPU allocates from a slab of its own through a free list of
 * its own (struct kmem_cache_cpu: freelist, tid, slab).  Two objects taken
 * and given back on one CPU show where: the CPU's slab is theirs, and its
 * list starts with the one given back last.
 */
static void __init fr_measure_slub_cpu(struct kmem_cache *c, u32 offset)
{
	unsigned long random = fr_slub_hardened ? fr_word((unsigned long)c, fr_slub_random) : 0;
	const unsigned long *cpu;
	void *a, *b;

	preempt_disable();
	a = kmem_cache_alloc(c, GFP_ATOMIC | __GFP_NOWARN);
	b = kmem_cache_alloc(c, GFP_ATOMIC | __GFP_NOWARN);
	cpu = fr_cache_cpu((unsigned long)c, smp_processor_id());
	if (a && b && cpu && virt_to_folio(a) == virt_to_folio(b) &&
	    fr_word((unsigned long)cpu, 2) == (unsigned long)virt_to_folio(a)) {
		kmem_cache_free(c, b);
		kmem_cache_free(c, a);
		fr_slub_cpu = fr_word((unsigned long)cpu, 0) == (unsigned long)a &&
			      fr_slub_next(fr_slub_hardened, random, offset,
					   (unsigned long)a) == (unsigned long)b;
		a = NULL;
		b = NULL;
	}
	if (b)
		kmem_cache_free(c, b);
	if (a)
		kmem_cache_free(c, a);
	preempt_enable();
}

/* A sheaf's count of objects, and its @i-th object (measured layout). */
static u32 __init fr_sheaf_size(unsigned long sheaf)
{
	return fr_u32((void *)sheaf, (fr_sheaf_cache + 1) * sizeof(long));
}

static unsigned long __init fr_sheaf_obj(unsigned long sheaf, u32 i)
{
	return fr_word(sheaf, fr_sheaf_cache + 2 + i);
}

/*
 * Since 7.0 the sheaves that a CPU cannot keep go to its node's barn.
 * Objects enough to fill a few sheaves, given back, leave full sheaves
 * there: the word of struct kmem_cache (per_node[0].barn) that points to a
 * barn whose list holds a sheaf of the probe cache gives both offsets.
 */
static void __init fr_measure_barn(struct kmem_cache *c)
{
	void **objs = kcalloc(FR_BARN_PROBE, sizeof(*objs), GFP_KERNEL);
	unsigned long barn, p;
	int i, j;

	if (!objs)
		return;
	for (i = 0; i < FR_BARN_PROBE; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN);
	for (i = 0; i < FR_BARN_PROBE; i++)
		if (objs[i])
			kmem_cache_free(c, objs[i]);
	kfree(objs);
	for (i = 8; i < 512 && !fr_barn_word; i++) {
		barn = fr_word((unsigned long)c, i);
		if (!fr_valid(barn))
			continue;
		for (j = 1; j < 8; j++) {
			p = fr_word(barn, j);
			if (fr_valid(p) && p != barn + j * sizeof(long) &&
			    fr_word(p, fr_sheaf_cache) == (unsigned long)c) {
				fr_barn_word = i;
				fr_barn_full = j;
				break;
			}
		}
	}
}

/* The probe cache's objects, as kfree_rcu() takes them. */
struct fr_probe_obj {
	struct rcu_head rcu;
};

/*
 * Since 7.0 kfree_rcu() keeps an object in its CPU's rcu_free sheaf until
 * the sheaf fills or is flushed: the word of the per-CPU sheaves whose
 * sheaf ends with an object just given to it on this CPU.
 */
static void __init fr_measure_rcu_sheaf(struct kmem_cache *c)
{
	const unsigned long *pcs;
	struct fr_probe_obj *a;
	unsigned long sheaf;
	int i;
	u32 n;

	preempt_disable();
	a = kmem_cache_alloc(c, GFP_ATOMIC | __GFP_NOWARN);
	if (!a)
		goto out;
	kfree_rcu(a, rcu);
	pcs = fr_cache_cpu((unsigned long)c, smp_processor_id());
	for (i = fr_sheaf_main + 1; pcs && i < 8; i++) {
		sheaf = fr_word((unsigned long)pcs, i);
		if (!fr_valid(sheaf) || fr_word(sheaf, fr_sheaf_cache) != (unsigned long)c)
			continue;
		n = fr_sheaf_size(sheaf);
		if (n && n <= FR_SHEAF_OBJS && fr_sheaf_obj(sheaf, n - 1) == (unsigned long)a) {
			fr_sheaf_rcu = i;
			break;
		}
	}
out:
	preempt_enable();
}

/*
 * Since 7.0: an object freed on a CPU is the last of that CPU's main sheaf.
 * Which word of the per-CPU sheaves is the main one, and where its cache,
 * count and objects are.
 */
static void __init fr_measure_sheaves(struct kmem_cache *c)
{
	const unsigned long *pcs;
	unsigned long sheaf, n;
	void *a;
	int i, j;

	preempt_disable();
	a = kmem_cache_alloc(c, GFP_ATOMIC | __GFP_NOWARN);
	if (!a)
		goto out;
	kmem_cache_free(c, a);
	pcs = fr_cache_cpu((unsigned long)c, smp_processor_id());
	for (i = 1; pcs && i < 8 && !fr_sheaf_main; i++) {
		sheaf = fr_word((unsigned long)pcs, i);
		if (!fr_valid(sheaf))
			continue;
		for (j = 1; j < 8; j++) {
			if (fr_word(sheaf, j) != (unsigned long)c)
				continue;
			n = fr_u32((void *)sheaf, (j + 1) * sizeof(long));
			if (n && n <= FR_SHEAF_OBJS &&
			    fr_word(sheaf, j + 1 + n) == (unsigned long)a) {
				fr_sheaf_main = i;
				fr_sheaf_cache = j;
			}
			break;
		}
	}
out:
	preempt_enable();
	if (fr_sheaf_main) {
		fr_measure_barn(c);
		fr_measure_rcu_sheaf(c);
	}
}

/*
 * Mark the objects of the slab being read that lie in @sheaf of @cache as
 * free; false when one is marked twice or the sheaf makes no sense.
 */
static bool __init fr_sheaf_mark(struct fr_scan *s, unsigned long sheaf,
				 unsigned long cache)
{
	unsigned long obj;
	u32 i, n;

	if (fr_word(sheaf, fr_sheaf_cache) != cache)
		return false;
	n = fr_sheaf_size(sheaf);
	if (n > FR_SHEAF_OBJS)
		return false;
	for (i = 0; i < n; i++) {
		obj = fr_sheaf_obj(sheaf, i);
		if (obj < s->slab || obj >= s->slab_end)
			continue;
		if ((obj - s->slab) % s->slab_size ||
		    __test_and_set_bit((obj - s->slab) / s->slab_size, s->slab_free))
			return false;
	}
	return true;
}

/* @cpu's main and spare sheaves of @cache. */
static bool __init fr_slab_sheaves(struct fr_scan *s, unsigned long cache, int cpu)
{
	const unsigned long *pcs = fr_cache_cpu(cache, cpu);
	unsigned long sheaf;
	int k;

	for (k = 0; pcs && k < 2; k++) {
		sheaf = fr_word((unsigned long)pcs, fr_sheaf_main + k);
		if (sheaf && !fr_sheaf_mark(s, sheaf, cache))
			return false;
	}
	return true;
}

static void __init fr_measure_slub(struct kmem_cache *c)
{
	u32 size = fr_u32(c, FR_SLUB_SIZE), offset = fr_u32(c, FR_SLUB_OFFSET);

	if (fr_u32(c, FR_SLUB_OBJECT_SIZE) != 64 || offset < 64 ||
	    size < offset + sizeof(long) || offset % sizeof(long))
		return;
	fr_slub_layout = true;
	fr_measure_slub_lists(c, size, offset);
	if (fr_slub_ok)
		fr_measure_slub_cpu(c, offset);
	if (fr_slub_ok && !fr_slub_cpu)
		fr_measure_sheaves(c);
}

/*
 * The constructor word of @c, which has fr_probe_ctor, and the words that
 * may be its list on the list of all caches: a list_head whose neighbours
 * link back (struct kmem_cache has two, with its kobject's), each with
 * what preceded it then (a new cache is added first: the list's head).
 */
#define FR_CACHE_LISTS	2
static int fr_cache_lists[FR_CACHE_LISTS] __initdata;
static unsigned long fr_cache_list_prev[FR_CACHE_LISTS] __initdata;
static int fr_nr_cache_lists __initdata;

static void __init fr_measure_cache_words(struct kmem_cache *c,
					  const unsigned long *words)
{
	unsigned long self, back;
	int i;

	for (i = 0; i < 64 && fr_cache_ctor_word < 0; i++)
		if (words[i] == (unsigned long)fr_probe_ctor)
			fr_cache_ctor_word = i;
	for (i = 0; i + 1 < 64 && fr_nr_cache_lists < FR_CACHE_LISTS; i++) {
		self = (unsigned long)c + i * sizeof(long);
		if (!fr_kernel_addr((void *)words[i]) || !fr_kernel_addr((void *)words[i + 1]) ||
		    get_kernel_nofault(back, (unsigned long *)words[i] + 1) || back != self ||
		    get_kernel_nofault(back, (unsigned long *)words[i + 1]) || back != self)
			continue;
		fr_cache_lists[fr_nr_cache_lists] = i;
		fr_cache_list_prev[fr_nr_cache_lists++] = words[i + 1];
	}
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
	if (!copy_from_kernel_nofault(words, c, sizeof(words))) {
		for (i = 0; i < 64 && fr_cache_name_word < 0; i++)
			if (fr_valid(words[i]) &&
			    !copy_from_kernel_nofault(name, (void *)words[i], sizeof(name)) &&
			    !memcmp(name, fr_probe_name, sizeof(name)))
				fr_cache_name_word = i;
		fr_measure_cache_words(c, words);
	}
	if (fr_slab_word >= 0 && fr_slab_word < FR_SLAB_FREELIST)
		fr_measure_slub(c);
	kmem_cache_destroy(c);
}

/*
 * Mark the objects on the free list from @p in s->slab_free; false when the
 * list leaves the slab, misses an object's start, or loops.
 */
static bool __init fr_slab_chain(struct fr_scan *s, unsigned long p,
				 unsigned long random, u32 offset)
{
	unsigned int n = 0, i;

	while (p) {
		if (p < s->slab || p >= s->slab_end || (p - s->slab) % s->slab_size)
			return false;
		i = (p - s->slab) / s->slab_size;
		if (++n > FR_SLAB_OBJS || __test_and_set_bit(i, s->slab_free))
			return false;
		p = fr_slub_next(fr_slub_hardened, random, offset, p);
	}
	return true;
}

/*
 * The head of @cpu's own free list of @cache when that CPU allocates from
 * the slab @f, else 0 (an empty list).
 */
static unsigned long __init fr_cpu_head(unsigned long cache, const void *f, int cpu)
{
	const unsigned long *c = fr_slub_cpu ? fr_cache_cpu(cache, cpu) : NULL;

	if (!c || fr_word((unsigned long)c, 2) != (unsigned long)f)
		return 0;
	return fr_word((unsigned long)c, 0);
}

/* The heads of the free lists of the slab @f of @cache, summed up. */
static unsigned long __init fr_slab_heads(const unsigned long *f, unsigned long cache)
{
	unsigned long sig = fr_word((unsigned long)f, FR_SLAB_FREELIST);
	const unsigned long *pcs;
	unsigned long main;
	int c;

	for_each_possible_cpu(c) {
		sig += (c + 1) * fr_cpu_head(cache, f, c);
		pcs = fr_sheaf_main ? fr_cache_cpu(cache, c) : NULL;
		if (!pcs)
			continue;
		/* the sheaves, and the main one's count */
		main = fr_word((unsigned long)pcs, fr_sheaf_main);
		sig += (c + 1) * (main + fr_word((unsigned long)pcs, fr_sheaf_main + 1) +
				  fr_sheaf_size(main));
	}
	return sig;
}

/*
 * The object @size, @object_size and free-pointer @offset of @cache, or
 * false when they make no sense or debugging changes the layout.
 */
static bool __init fr_cache_sizes(unsigned long cache, u32 *size,
				  u32 *object_size, u32 *offset)
{
	*size = fr_u32((void *)cache, FR_SLUB_SIZE);
	*object_size = fr_u32((void *)cache, FR_SLUB_OBJECT_SIZE);
	*offset = fr_u32((void *)cache, FR_SLUB_OFFSET);
	return *size && *object_size <= *size && *offset <= *size - sizeof(long) &&
	       !(*offset % sizeof(long)) &&
	       !(fr_u32((void *)cache, FR_SLUB_FLAGS) & FR_SLUB_DEBUG);
}

/*
 * The slab @folio, about to be read: which of its objects are free (stale
 * copies, not references).  Read without a lock: the heads of its free
 * lists are read again after each of its pages was copied
 * (fr_slab_recheck()); a slab whose lists changed, or that cannot be read,
 * counts as all allocated.
 */
static void __init fr_slab_begin(struct fr_scan *s, struct folio *folio)
{
	const unsigned long *f = (const unsigned long *)folio;
	unsigned long cache, random = 0, head;
	u32 size, object_size, offset;
	int c;

	s->slab = (unsigned long)folio_address(folio);
	s->slab_end = s->slab + folio_size(folio);
	s->slab_size = 0;
	if (!fr_slub_ok || get_kernel_nofault(cache, f + fr_slab_word) ||
	    get_kernel_nofault(head, f + FR_SLAB_FREELIST) ||
	    !fr_cache_sizes(cache, &size, &object_size, &offset) ||
	    (s->slab_end - s->slab) / size > FR_SLAB_OBJS)
		return;
	if (fr_slub_hardened)
		random = fr_word(cache, fr_slub_random);
	s->slab_size = size;
	s->slab_sig = fr_slab_heads(f, cache);
	bitmap_zero(s->slab_free, FR_SLAB_OBJS);
	if (!fr_slab_chain(s, head, random, offset))
		goto unknown;
	for_each_possible_cpu(c)
		if (!fr_slab_chain(s, fr_cpu_head(cache, f, c), random, offset) ||
		    (fr_sheaf_main && !fr_slab_sheaves(s, cache, c)))
			goto unknown;

	if (fr_slab_heads(f, cache) == s->slab_sig)
		return;
unknown:
	s->slab_size = 0;
}

/*
 * After a page of the slab being read was copied: did its lists change?
 * Then its free objects are not known (read again, up to FR_SLAB_TRIES).
 */
static bool __init fr_slab_recheck(struct fr_scan *s, const void *va)
{
	const unsigned long *f = (const unsigned long *)virt_to_folio(va);
	unsigned long cache;

	if (s->slab_size && (unsigned long)va >= s->slab &&
	    (unsigned long)va < s->slab_end &&
	    (get_kernel_nofault(cache, f + fr_slab_word) ||
	     fr_slab_heads(f, cache) != s->slab_sig)) {
		s->slab_size = 0;
		return true;
	}
	return false;
}

/*
 * The extent of the slab object that holds @a (its cache's object size), or
 * false when @a is in none.
 */
static bool __init fr_slab_object_of(unsigned long a, struct fr_extent *e)
{
	unsigned long cache = fr_slab_cache(a), base;
	u32 size, object_size, offset;

	if (!fr_slub_layout || !cache ||
	    !fr_cache_sizes(cache, &size, &object_size, &offset))
		return false;
	base = (unsigned long)folio_address(virt_to_folio((void *)a));
	e->start = a - (a - base) % size;
	e->end = e->start + object_size;
	return a < e->end;
}

/*
 * The extent of the slab object that starts at @obj (its cache's object
 * size), or false when @obj is not one.
 */
static bool __init fr_slab_object(unsigned long obj, struct fr_extent *e)
{
	return fr_slab_object_of(obj, e) && e->start == obj;
}

/*
 * Whether the slab object holding @where lies in a full sheaf of its node's
 * barn (struct node_barn: a lock, then the list of full sheaves, linked
 * through a sheaf's first two words; at most FR_BARN_SHEAVES): free, a
 * stale copy.  Asked only of a word that points into the target.
 */
static bool __init fr_barn_free(unsigned long where)
{
	unsigned long cache = fr_slab_cache(where), barn, head, p;
	struct fr_extent e;
	u32 i, n;
	int nid, k;

	if (!fr_barn_word || !cache || !fr_slab_object_of(where, &e))
		return false;
	for_each_node(nid) {
		barn = fr_word(cache, fr_barn_word + 2 * nid);
		if (!barn)
			continue;
		head = barn + fr_barn_full * sizeof(long);
		for (k = 0, p = fr_word(head, 0); p != head && k < FR_BARN_SHEAVES;
		     k++, p = fr_word(p, 0)) {
			if (!fr_valid(p) || fr_word(p, fr_sheaf_cache) != cache)
				break;
			n = fr_sheaf_size(p);
			for (i = 0; i < n && i < FR_SHEAF_OBJS; i++)
				if (fr_sheaf_obj(p, i) == e.start)
					return true;
		}
	}
	return false;
}

/*
 * Whether the slab object holding @where waits in a CPU's rcu_free sheaf
 * of its cache: given to kfree_rcu() once unlinked, freed after a grace
 * period, and free_module() waits for one more before the target's memory
 * goes.  Asked only of a word that points into the target; the CPU's
 * sheaf read again after its objects, and still the same one.
 */
static bool __init fr_rcu_sheaf_free(unsigned long where)
{
	unsigned long cache = fr_slab_cache(where), sheaf;
	const unsigned long *pcs;
	struct fr_extent e;
	bool free = false;
	int cpu;
	u32 i, n;

	if (!fr_sheaf_rcu || !cache || !fr_slab_object_of(where, &e))
		return false;
	/*
	 * A sheaf leaves rcu_free only through call_rcu(): read under RCU, the
	 * same pointer seen again is the same sheaf, not one reused since.
	 */
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		pcs = fr_cache_cpu(cache, cpu);
		sheaf = pcs ? fr_word((unsigned long)pcs, fr_sheaf_rcu) : 0;
		if (!fr_valid(sheaf) || fr_word(sheaf, fr_sheaf_cache) != cache)
			continue;
		n = fr_sheaf_size(sheaf);
		for (i = 0; i < n && i < FR_SHEAF_OBJS; i++)
			if (fr_sheaf_obj(sheaf, i) == e.start) {
				free = fr_word((unsigned long)pcs, fr_sheaf_rcu) == sheaf;
				goto out;
			}
	}
out:
	rcu_read_unlock();
	return free;
}

/* Whether the word at @where lies in a free object of the slab being read. */
static bool __init fr_slab_unused(const struct fr_scan *s, unsigned long where)
{
	unsigned long i;

	if (!s->slab_size || where < s->slab || where >= s->slab_end)
		return false;
	i = (where - s->slab) / s->slab_size;
	return i >= (s->slab_end - s->slab) / s->slab_size ||	/* the end */
	       test_bit(i, s->slab_free);
}

/*
 * A word that points into the target, in an object taken as free: read
 * the slab's lists once more.  Only an object free both times is passed
 * over, so that no race while its lists were read hides a reference.
 */
static bool __init fr_slab_still_unused(struct fr_scan *s, unsigned long where)
{
	unsigned long slab = s->slab, slab_end = s->slab_end, sig = s->slab_sig;
	unsigned int size = s->slab_size;
	DECLARE_BITMAP(was, FR_SLAB_OBJS);
	bool unused;

	if (!fr_slab_unused(s, where))
		return false;
	bitmap_copy(was, s->slab_free, FR_SLAB_OBJS);
	fr_slab_begin(s, virt_to_folio((void *)where));
	unused = fr_slab_unused(s, where);
	s->slab = slab;
	s->slab_end = slab_end;
	s->slab_size = size;
	s->slab_sig = sig;
	bitmap_copy(s->slab_free, was, FR_SLAB_OBJS);
	return unused;
}

/* "a kmalloc-64 object at +0x18" (@a's offset in it) into @buf. */
static void __init fr_slab_name(unsigned long a, char *buf, size_t size)
{
	unsigned long cache = fr_slab_cache(a), name;
	struct fr_extent e = { .start = a };
	char n[32];

	if (!cache || fr_cache_name_word < 0 ||
	    get_kernel_nofault(name, (unsigned long *)cache + fr_cache_name_word) ||
	    copy_from_kernel_nofault(n, (void *)name, sizeof(n) - 1))
		strscpy(n, "slab", sizeof(n));
	n[sizeof(n) - 1] = '\0';
	fr_slab_object_of(a, &e);
	snprintf(buf, size, "a %s object at +%#lx", n, a - e.start);
}

/*
 * A workqueue worker (struct worker, kernel/workqueue_internal.h, private)
 * keeps last_func, the function of the last work it ran: a target's work
 * function, long after the work is gone.  Only compared (by PSI) and
 * printed, never called.  Its word, and the word of the worker's task, are
 * measured: a probe work queues a second one from its own worker, which
 * runs it next (no other worker is woken while the first runs), with
 * last_func the first's function.  No flush: its barrier would run between
 * the two.  The wait is bounded; both are cancelled after it, so that
 * neither is left queued (each runs a few instructions, never blocks).
 */
#define FR_WORKER_WORDS	64

static int fr_worker_last = -1;	/* word of last_func */
static int fr_worker_task = -1;		/* word of the task */
static int fr_kthread_data = -1;	/* struct kthread: word of data */
static unsigned long fr_worker_cache;
static void *fr_probe_worker;
static DECLARE_COMPLETION(fr_second_done);

static void fr_worker_first(struct work_struct *w);

static void fr_worker_second(struct work_struct *w)
{
	unsigned long worker = (unsigned long)kthread_data(current), v;
	int i, last = -1, task = -1;

	for (i = 0; i < FR_WORKER_WORDS &&
	     worker == (unsigned long)READ_ONCE(fr_probe_worker); i++) {
		if (get_kernel_nofault(v, (unsigned long *)worker + i))
			break;
		if (v == (unsigned long)fr_worker_first && last < 0)
			last = i;
		else if (v == (unsigned long)current && task < 0)
			task = i;
	}
	/* The worker is its kthread's data (kernel/kthread.c, private). */
	for (i = 0; i < FR_WORKER_WORDS && last >= 0; i++) {
		if (get_kernel_nofault(v, (unsigned long *)current->worker_private + i))
			break;
		if (v == worker) {
			fr_kthread_data = i;
			break;
		}
	}
	fr_worker_last = last;	/* -1 when another worker ran it */
	fr_worker_task = task;
	complete(&fr_second_done);
}

static DECLARE_WORK(fr_second_work, fr_worker_second);

static void fr_worker_first(struct work_struct *w)
{
	WRITE_ONCE(fr_probe_worker, kthread_data(current));
	schedule_work(&fr_second_work);
}

static DECLARE_WORK(fr_first_work, fr_worker_first);

static void __init fr_measure_worker(void)
{
	int i;

	for (i = 0; i < 3 && (fr_worker_last < 0 || fr_worker_task < 0 ||
			      fr_kthread_data < 0); i++) {
		reinit_completion(&fr_second_done);
		schedule_work(&fr_first_work);
		wait_for_completion_timeout(&fr_second_done, msecs_to_jiffies(100));
		cancel_work_sync(&fr_first_work);
		cancel_work_sync(&fr_second_work);
	}
	if (fr_worker_last >= 0 && fr_worker_task >= 0 && fr_kthread_data >= 0)
		fr_worker_cache = fr_slab_cache((unsigned long)fr_probe_worker);
	else
		pr_info("worker layout not measured: a worker's last work function is not told apart\n");
}

/*
 * @where is a worker's last_func: the measured word of an object in the
 * probe worker's cache whose task, a workqueue worker, has the object as
 * its kthread's data.
 */
static bool __init fr_worker_last_func(unsigned long where)
{
	const struct task_struct *task;
	unsigned long kthread;
	struct fr_extent e;
	unsigned int flags;

	if (!fr_worker_cache || fr_slab_cache(where) != fr_worker_cache ||
	    !fr_slab_object_of(where, &e) ||
	    where != e.start + fr_worker_last * sizeof(long))
		return false;
	task = (void *)fr_word(e.start, fr_worker_task);
	return fr_valid(task) &&
	       !get_kernel_nofault(flags, &task->flags) && (flags & PF_WQ_WORKER) &&
	       !get_kernel_nofault(kthread, (unsigned long *)&task->worker_private) &&
	       fr_valid(kthread) && fr_word(kthread, fr_kthread_data) == e.start;
}

/*
 * The marks of an xarray node (struct xa_node, public: a radix_tree_node
 * object) are bitmaps, one bit per slot, not pointers: an IDR's free mark
 * with its first 30 slots taken reads 0xffffffffc0000000 and up, an address
 * in the module area (seen on 6.1: a radix_tree_node object at +0x228, its
 * first mark word).  The cache (lib/radix-tree.c, not exported) has a
 * constructor, so it is merged with no other.
 */
static unsigned long fr_xa_node_cache;

static void __init fr_find_xa_node_cache(void)
{
	struct kmem_cache **cachep = fr_lookup_data("radix_tree_node_cachep",
						    sizeof(*cachep));

	if (cachep)
		fr_xa_node_cache = (unsigned long)READ_ONCE(*cachep);
	else
		pr_info("radix_tree_node_cachep not found: xarray marks are not told apart\n");
}

static bool __init fr_xa_marks(unsigned long where)
{
	size_t first = offsetof(struct xa_node, marks);
	struct fr_extent e;

	return fr_xa_node_cache && fr_slab_cache(where) == fr_xa_node_cache &&
	       fr_slab_object_of(where, &e) && where - e.start >= first &&
	       where - e.start < first + sizeof_field(struct xa_node, marks);
}

/*
 * A node's back pointer to its xarray (xa_node->array), where the xarray
 * (an IDR: loop's loop_index_idr) lies in the target: only the target walks
 * its own xarray, from its head; the node stays, leaked, with the target
 * (or stayed with an earlier instance of it loaded at the same address,
 * whose head no longer leads to it).  Taken only for a node on no other
 * list: a page cache's shadow nodes are on the workingset LRU, which
 * reaches them from outside.
 */
static bool __init fr_xa_array(unsigned long where)
{
	struct list_head *next;
	struct xa_node *node;
	struct fr_extent e;

	if (!fr_xa_node_cache || fr_slab_cache(where) != fr_xa_node_cache ||
	    !fr_slab_object_of(where, &e) ||
	    where - e.start != offsetof(struct xa_node, array))
		return false;
	node = (struct xa_node *)e.start;
	return !get_kernel_nofault(next, &node->private_list.next) &&
	       next == &node->private_list;
}

/* ------------------------------------------------------------------------ */
/* What explains a pointer. */

static void __init fr_own(struct fr_scan *s, const void *obj)
{
	unsigned long a = (unsigned long)obj;
	struct folio *folio;

	if (!obj || s->nr_own == FR_SCAN_OWN)
		return;
	/* ksize() wants an object's start: these are kzalloc()'s results. */
	if (fr_is_slab(a)) {
		s->own[s->nr_own].start = a;
		s->own[s->nr_own++].end = a + ksize(obj);
		return;
	}
	/*
	 * Larger than the largest kmalloc cache (a module with many sections'
	 * attributes): pages of their own, begun by the object.
	 */
	if (!fr_valid(a))
		return;
	folio = virt_to_folio(obj);
	if (folio_address(folio) != obj ||
	    folio_size(folio) <= KMALLOC_MAX_CACHE_SIZE)
		return;
	s->own[s->nr_own].start = a;
	s->own[s->nr_own++].end = a + folio_size(folio);
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
 * A word pointing to one of the target's parameters (a struct kernel_param
 * of its own) or to one's name, outside its own parameters' attributes
 * (fr_find_own()): nothing else is followed to them.  Such a word is a
 * copy left in the attributes of an earlier load at the same address,
 * freed by its unload and reused since (7.2: two words in a kmalloc-128
 * object).
 */
static bool __init fr_param_copy(const struct module *mod, unsigned long v)
{
	const struct kernel_param *kp = READ_ONCE(mod->kp);
	unsigned int i, n = READ_ONCE(mod->num_kp);

	if (!kp || !within_module((unsigned long)kp, mod))
		return false;
	if (v - (unsigned long)kp < n * sizeof(*kp))
		return true;
	for (i = 0; i < n; i++)
		if (v == (unsigned long)READ_ONCE(kp[i].name))
			return true;
	return false;
}

/*
 * What ftrace keeps of every module's freed init functions while a tracer
 * is registered (kernel_private.h; read without ftrace_lock, checked as
 * read): a map of the freed range and a record of each function's address,
 * for kallsyms, which only compares them.  A later module's memory, the
 * target's too, can lie where another module's init was (the Debian 13
 * packaging guest: a map and its records into fr_crash_init's text).
 */
static void __init fr_find_ftrace_maps(struct fr_scan *s)
{
	static struct list_head *maps __initdata;
	struct fr_ftrace_mod_map map, *p;
	struct fr_ftrace_mod_func func, *q;
	struct list_head *m, *f;
	unsigned int n = 0, k;

	if (!maps)
		maps = fr_lookup_layout(FR_LAYOUT_FTRACE_MOD_MAPS, "ftrace_mod_maps",
					sizeof(*maps));
	if (IS_ERR_OR_NULL(maps) || get_kernel_nofault(m, &maps->next)) {
		s->ftrace_unknown = true;
		return;
	}
	for (; m != maps; m = map.list.next) {
		p = container_of(m, struct fr_ftrace_mod_map, list);
		if (++n > FR_SCAN_MODULES || !fr_valid(p) ||
		    copy_from_kernel_nofault(&map, p, sizeof(map)))
			goto unknown;
		if (map.start_addr > map.end_addr ||
		    !fr_extents_add(&s->ftrace, (unsigned long)p, (unsigned long)(p + 1)))
			goto unknown;
		k = 0;
		for (f = map.funcs.next; f != &p->funcs; f = func.list.next) {
			q = container_of(f, struct fr_ftrace_mod_func, list);
			if (++k > map.num_funcs || !fr_valid(q) ||
			    copy_from_kernel_nofault(&func, q, sizeof(func)) ||
			    func.ip < map.start_addr || func.ip > map.end_addr ||
			    !fr_extents_add(&s->ftrace, (unsigned long)q,
					    (unsigned long)(q + 1)))
				goto unknown;
		}
	}
	return;
unknown:
	s->ftrace_unknown = true;
}

/*
 * ftrace's records (blocks of struct dyn_ftrace on ftrace_pages_start, read
 * without ftrace_lock and checked as read) that hold no reference: a block
 * with records of the target's functions, which free_module() removes, and
 * the unused end of each block's pages, stale records that ftrace never
 * reads.  A block is sorted by address.
 */
static void __init fr_find_ftrace(struct fr_scan *s)
{
	static struct fr_ftrace_page **start __initdata;
	struct fr_ftrace_page pg, *p;
	unsigned long rec, first, last, used;
	unsigned int n = 0;

	if (!IS_ENABLED(CONFIG_DYNAMIC_FTRACE))
		return;
	if (!start)
		start = fr_lookup_layout(FR_LAYOUT_FTRACE_PAGES, "ftrace_pages_start",
					 sizeof(*start));
	s->ftrace.e = kvmalloc_array(FR_SCAN_FTRACE, sizeof(*s->ftrace.e), GFP_KERNEL);
	if (IS_ERR_OR_NULL(start) || !s->ftrace.e ||
	    get_kernel_nofault(p, start)) {
		s->ftrace_unknown = true;
		return;
	}
	s->ftrace.max = FR_SCAN_FTRACE;
	for (; p; p = pg.next) {
		if (++n > 1 << 20 || copy_from_kernel_nofault(&pg, p, sizeof(pg)) ||
		    pg.order < 0 || pg.order > MAX_PAGE_ORDER || pg.index < 0 ||
		    pg.index > (PAGE_SIZE << pg.order) / sizeof(struct dyn_ftrace) ||
		    !fr_valid(pg.records) ||
		    offset_in_page(pg.records)) {
			s->ftrace_unknown = true;
			break;
		}
		rec = (unsigned long)pg.records;
		used = pg.index * sizeof(struct dyn_ftrace);
		if (!fr_extents_add(&s->ftrace, rec + used, rec + (PAGE_SIZE << pg.order))) {
			s->ftrace_unknown = true;
			break;
		}
		if (!pg.index || get_kernel_nofault(first, (unsigned long *)rec) ||
		    get_kernel_nofault(last, (unsigned long *)(rec + used -
							   sizeof(struct dyn_ftrace))) ||
		    last < s->lo || first >= s->hi)
			continue;
		if (!fr_extents_add(&s->ftrace, rec, rec + used)) {
			s->ftrace_unknown = true;
			break;
		}
	}
	if (IS_ENABLED(CONFIG_MODULES))
		fr_find_ftrace_maps(s);
	fr_extents_sort(&s->ftrace);
}

/* Whether [@a, @a + @len) lies in one range of the target. */
static bool __init fr_inside(const struct fr_scan *s, unsigned long a, size_t len)
{
	const struct fr_scan_range *r = fr_range_of(s, a);

	return r && len <= r->end - a;
}

#ifdef CONFIG_EVENT_TRACING
/*
 * The fields of a class of the target's events: the name and type words of
 * each (struct fr_event_field) point into the target.  A list that cannot be
 * read to its end leaves none of its fields explained.
 */
static void __init fr_find_fields(struct fr_scan *s,
				  const struct trace_event_class *class)
{
	const struct list_head *head = &class->fields;
	unsigned int first = s->fields.n, n = 0;
	struct fr_event_field f;
	unsigned long p;

	if (get_kernel_nofault(p, (unsigned long *)&head->next))
		goto unknown;
	while (p != (unsigned long)head) {
		if (++n > FR_SCAN_FIELDS || !fr_valid(p) ||
		    copy_from_kernel_nofault(&f, (void *)p, sizeof(f)) ||
		    !fr_extents_add(&s->fields, p + offsetof(struct fr_event_field, name),
				    p + offsetofend(struct fr_event_field, type)))
			goto unknown;
		p = (unsigned long)f.link.next;
	}
	return;
unknown:
	s->fields.n = first;
	s->events_unknown = true;
}
#endif

/*
 * The target's trace events (mod->trace_events): each event's and class's
 * struct, which the tracing core's lists, hash and event files point to,
 * and the fields of each class.  The tracing core removes them all when the
 * target goes (trace_module_remove_events(), on MODULE_STATE_GOING).
 */
static void __init fr_find_events(struct fr_scan *s)
{
#ifdef CONFIG_EVENT_TRACING
	const struct module *mod = s->t->mod;
	struct trace_event_call **calls = READ_ONCE(mod->trace_events);
	unsigned int i, j, n = READ_ONCE(mod->num_trace_events);
	struct trace_event_class *class;
	struct trace_event_call *call;
	unsigned long get_fields;

	if (!calls || !n)
		return;
	s->events.e = kvmalloc_array(2 * n, sizeof(*s->events.e), GFP_KERNEL);
	s->fields.e = kvmalloc_array(FR_SCAN_FIELDS, sizeof(*s->fields.e), GFP_KERNEL);
	if (!s->events.e || !s->fields.e || n > FR_SCAN_FIELDS) {
		s->events_unknown = true;
		return;
	}
	s->events.max = 2 * n;
	s->fields.max = FR_SCAN_FIELDS;
	for (i = 0; i < n; i++) {
		if (get_kernel_nofault(call, calls + i) ||
		    !fr_inside(s, (unsigned long)call, sizeof(*call)) ||
		    get_kernel_nofault(class, &call->class)) {
			s->events_unknown = true;
			continue;
		}
		fr_extents_add(&s->events, (unsigned long)call,
			       (unsigned long)(call + 1));
		if (!fr_inside(s, (unsigned long)class, sizeof(*class)))
			continue;	/* a class of the tracing core's own */
		for (j = 0; j < s->events.n; j++)
			if (s->events.e[j].start == (unsigned long)class)
				break;
		if (j < s->events.n)
			continue;	/* seen */
		fr_extents_add(&s->events, (unsigned long)class,
			       (unsigned long)(class + 1));
		if (get_kernel_nofault(get_fields, (unsigned long *)&class->get_fields) ||
		    get_fields)
			s->events_unknown = true;
		else
			fr_find_fields(s, class);
	}
	fr_extents_sort(&s->events);
	fr_extents_sort(&s->fields);
#endif
}

/*
 * The end of the vmap_area (a used or a free stretch of addresses) that
 * lies just below one of the target's allocations, where that allocation
 * starts: a page-aligned start in the vmalloc or module space before it,
 * and an rb_node after it (parent and colour, right, left: each a kernel
 * address or NULL).
 */
static bool __init fr_area_below(unsigned long where, unsigned long v)
{
	unsigned long prev = fr_word(where, -1), w;
	int i;

	if (!prev || !PAGE_ALIGNED(prev) || prev >= v ||
	    !(is_vmalloc_addr((void *)prev) || fr_module_space(prev)))
		return false;
	for (i = 1; i <= 3; i++) {
		w = fr_word(where, i) & ~3UL;
		if (w && !fr_valid(w))
			return false;
	}
	return true;
}

/*
 * The caller of a vmalloc allocation the target made (struct vm_struct):
 * a return address that only /proc/vmallocinfo prints, as a symbol, which
 * a freed module's address is not.  The allocation, start and size beside
 * it, is the target's memory, left allocated: a leak, not a reference.
 */
static bool __init fr_vm_caller(unsigned long where)
{
	typeof(((struct vm_struct *)0)->nr_pages) pages;
	typeof(((struct vm_struct *)0)->flags) flags;
	const struct vm_struct *vm;
	unsigned long addr, size;
	struct fr_extent e;

	vm = (void *)(where - offsetof(struct vm_struct, caller));
	return fr_slab_object_of(where, &e) && e.start == (unsigned long)vm &&
	       !get_kernel_nofault(addr, (unsigned long *)&vm->addr) &&
	       !get_kernel_nofault(size, &vm->size) &&
	       !get_kernel_nofault(flags, &vm->flags) &&
	       !get_kernel_nofault(pages, &vm->nr_pages) &&
	       PAGE_ALIGNED(addr) && is_vmalloc_addr((void *)addr) &&
	       size && PAGE_ALIGNED(size) && (flags & VM_ALLOC) &&
	       (pages == size >> PAGE_SHIFT ||
		(!(flags & VM_NO_GUARD) && pages + 1 == size >> PAGE_SHIFT));
}

/*
 * The target's dynamic debug table (lib/dynamic_debug.c: struct
 * ddebug_table, its callsites two words after its mod_name, which is the
 * target's own name): dynamic debug removes it when the target goes.
 */
static bool __init fr_ddebug_table(const struct fr_scan *s, unsigned long where)
{
	return IS_ENABLED(CONFIG_DYNAMIC_DEBUG_CORE) && fr_is_slab(where) &&
	       fr_word(where, -2) == (unsigned long)s->t->mod->name;
}

/*
 * The memory map (struct page, one per page frame) lies in memory reserved
 * at boot, read as pages.  A struct page with no reference is free, or a
 * tail page of a large folio: its words are stale, or the folio's order and
 * counts, never a pointer that anything follows, but they can read as a
 * module address (6.1 harm.test: a freed order-7 folio's order, mapcount
 * -1 and the stale half of an older pointer, 0xffffffffc0450701).  Where
 * each part of the map lies is read from the kernel's page tables (x86-64:
 * lookup_address()); a word is told apart only in a page of the map, in a
 * struct page with no reference outside ZONE_DEVICE.
 */
struct fr_memmap {
	unsigned long pa, va, len;
};

#define FR_MEMMAP	4096	/* parts of the memory map, at most */

#if defined(CONFIG_X86_64) && defined(CONFIG_SPARSEMEM_VMEMMAP)
static void __init fr_find_memmap(struct fr_scan *s)
{
	unsigned long va, end, size, pa;
	struct fr_memmap *m;
	unsigned int level;
	pte_t *pte;
	int nid;

	s->memmap = kvmalloc_array(FR_MEMMAP, sizeof(*s->memmap), GFP_KERNEL);
	if (!s->memmap)
		return;
	for_each_online_node(nid) {
		va = (unsigned long)pfn_to_page(NODE_DATA(nid)->node_start_pfn);
		end = (unsigned long)pfn_to_page(NODE_DATA(nid)->node_start_pfn +
						 NODE_DATA(nid)->node_spanned_pages);
		for (va &= PAGE_MASK; va < end; va += size) {
			pte = lookup_address(va, &level);
			size = pte ? page_level_size(level) : PUD_SIZE;
			va &= ~(size - 1);
			if (!pte || !pte_present(*pte) || level > PG_LEVEL_1G)
				continue;
			pa = (level == PG_LEVEL_1G ? pud_pfn(*(pud_t *)pte) :
			      level == PG_LEVEL_2M ? pmd_pfn(*(pmd_t *)pte) :
			      pte_pfn(*pte)) << PAGE_SHIFT;
			m = s->nr_memmap ? &s->memmap[s->nr_memmap - 1] : NULL;
			if (m && m->pa + m->len == pa && m->va + m->len == va) {
				m->len += size;
			} else if (s->nr_memmap < FR_MEMMAP) {
				m = &s->memmap[s->nr_memmap++];
				m->pa = pa;
				m->va = va;
				m->len = size;
			}
		}
		cond_resched();
	}
}

static bool __init fr_unused_page_meta(const struct fr_scan *s, unsigned long where)
{
	unsigned long pa = __pa(where), va, pfn;
	const struct fr_memmap *m;
	struct page *page;
	unsigned int i;
	int ref;

	for (i = 0; i < s->nr_memmap; i++) {
		m = &s->memmap[i];
		if (pa - m->pa >= m->len)
			continue;
		va = m->va + (pa - m->pa);
		page = (struct page *)(va - (va - (unsigned long)vmemmap) % sizeof(struct page));
		pfn = page_to_pfn(page);
		return pfn_valid(pfn) && pfn_to_page(pfn) == page &&
		       !is_zone_device_page(page) &&
		       !get_kernel_nofault(ref, (int *)&page->_refcount) && !ref;
	}
	return false;
}
#else
static void __init fr_find_memmap(struct fr_scan *s)
{
}

static bool __init fr_unused_page_meta(const struct fr_scan *s, unsigned long where)
{
	return false;
}
#endif

/*
 * The filesystem type of a super block on its way to being freed: off the
 * super_blocks list (s_list empty), no reference left (s_count, since 7.2
 * s_passive, and s_active 0), no root, SB_DEAD (6.6+), waiting for a grace
 * period and a work item that free it without reading s_type
 * (put_filesystem() came before).
 */
#ifdef SB_DEAD
#define FR_SB_DEAD	SB_DEAD
#else
#define FR_SB_DEAD	0
#endif

static bool __init fr_dying_super(unsigned long where)
{
	const struct super_block *sb = (void *)(where - offsetof(struct super_block, s_type));
	unsigned long next, prev, flags, root;
	int count, active;
	struct fr_extent e;

	if (IS_ENABLED(CONFIG_RANDSTRUCT) ||
	    !fr_slab_object_of(where, &e) || e.start != (unsigned long)sb ||
	    get_kernel_nofault(next, (unsigned long *)&sb->s_list.next) ||
	    get_kernel_nofault(prev, (unsigned long *)&sb->s_list.prev) ||
	    get_kernel_nofault(flags, &sb->s_flags) ||
	    get_kernel_nofault(root, (unsigned long *)&sb->s_root) ||
	    get_kernel_nofault(active, &sb->s_active.counter) ||
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
	    get_kernel_nofault(count, &sb->s_passive.refs.counter))
#else
	    get_kernel_nofault(count, &sb->s_count))
#endif
		return false;
	return next == (unsigned long)&sb->s_list && prev == next && !count &&
	       !active && !root && (flags & FR_SB_DEAD) == FR_SB_DEAD;
}

/*
 * A struct mod_initfree (kernel/module/main.c: an llist_node, then the
 * start of an initialized module's init memory; since 6.4 the starts of
 * its init text, data and rodata; page-aligned in the module space or
 * NULL).  do_init_module() allocates it before calling init, so a crashed
 * init leaks it, naming init memory that the rescue freed and a later
 * module may now have.  Since 6.4 two of its addresses must be there; a
 * 16-byte one (6.1) must have no next (never linked: 0 in each one seen).
 * On arm64 the module space is in the vmalloc space (fr_module_space()):
 * read as MODULES_VADDR's range only, such records of earlier modules
 * refused 8 of the real-driver suite's drivers on 7.3 arm64.
 * A pending callback_head whose function starts a page of the target looks
 * the same, but the crashed task ran its task works as it exited, and RCU
 * callbacks run within a grace period.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define FR_INITFREE_WORDS	4
#define FR_INITFREE_NEED	2
#else
#define FR_INITFREE_WORDS	2
#define FR_INITFREE_NEED	1
#endif

static bool __init fr_initfree(unsigned long where)
{
	struct fr_extent e;
	unsigned long w;
	int i, n = 0;

	if (!fr_slab_object_of(where, &e) ||
	    e.end - e.start != FR_INITFREE_WORDS * sizeof(long) || where == e.start)
		return false;
	w = fr_word(e.start, 0);
	if ((w && !fr_valid(w)) || (FR_INITFREE_WORDS == 2 && w))
		return false;
	for (i = 1; i < FR_INITFREE_WORDS; i++) {
		w = fr_word(e.start, i);
		if (w && (!PAGE_ALIGNED(w) || !fr_module_space(w)))
			return false;
		n += !!w;
	}
	return n >= FR_INITFREE_NEED;
}

/*
 * The vmalloc records of one of the target's allocations: its start beside
 * its end (struct vmap_area) or its size (struct vm_struct), or several
 * allocations' starts side by side (struct mod_initfree); or the end of the
 * vmap_area below it.
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
	if (fr_area_below(where, v))
		return true;
	len = r->end - r->start;
	next = fr_word(where, 1);
	if (next - v >= len && next - v <= PAGE_ALIGN(len) + PAGE_SIZE)
		return true;	/* vmap_area: va_start, va_end */
	if (next >= len && next <= PAGE_ALIGN(len) + PAGE_SIZE)
		return true;	/* vm_struct: addr, size */
	prev = fr_word(where, -1);
	/* mod_initfree: init_text, init_data, ... */
	return (fr_base_of(s, next) && next != v) || (fr_base_of(s, prev) && prev != v);
}

/* Whether the string at @p (read nofault) is @name, of under 32 bytes. */
static bool __init fr_str_is(unsigned long p, const char *name)
{
	char buf[32];
	size_t len = strlen(name) + 1;

	return len <= sizeof(buf) && !copy_from_kernel_nofault(buf, (void *)p, len) &&
	       !memcmp(buf, name, len);
}

/* Whether @where lies in an object of the slab cache called @name. */
static bool __init fr_in_cache(unsigned long where, const char *name)
{
	unsigned long cache = fr_slab_cache(where), n;

	return cache && fr_cache_name_word >= 0 &&
	       !get_kernel_nofault(n, (unsigned long *)cache + fr_cache_name_word) &&
	       fr_str_is(n, name);
}

/*
 * The registers a dead task saved at its last switch, in its thread_struct
 * (arm64's cpu_context: x19 to x28, fp, sp, pc): a crashed loader's
 * task_struct, which waits for a grace period to be freed (up to 10 s with
 * lazy RCU), held a pointer to twofish_generic's data on 7.3 arm64.  A
 * task that is TASK_DEAD, with an exit state, whose stack was released
 * (after its last switch) never resumes from them.  Looked at after the
 * word was read again: a task_struct freed and taken by a new task since
 * is not so.
 */
static bool __init fr_dead_task_regs(unsigned long where)
{
	unsigned int state;
	struct task_struct *t;
	struct fr_extent e;
	int exit_state;
	void *stack;

	if (!fr_slab_object_of(where, &e) || !fr_in_cache(where, "task_struct"))
		return false;
	t = (struct task_struct *)e.start;
	if (where - (unsigned long)&t->thread >= sizeof(t->thread))
		return false;
	smp_rmb();	/* the word read again before the state */
	return !get_kernel_nofault(state, &t->__state) && state == TASK_DEAD &&
	       !get_kernel_nofault(exit_state, &t->exit_state) && exit_state &&
	       !get_kernel_nofault(stack, &t->stack) && !stack;
}

#ifdef CONFIG_ARCH_HAS_EXECMEM_ROX
/*
 * Module text in a cache of executable memory (mm/execmem.c, x86 since
 * 6.14): 2 MB areas that several modules share, each allocation kept in a
 * maple tree as a range (its first and last byte, its start as the value),
 * and the area's vmap_area and vm_struct starting where its first
 * allocation does.  execmem_free() takes them back as free_module() frees.
 */
static bool __init fr_execmem_record(const struct fr_scan *s,
				     unsigned long where, unsigned long v)
{
	const struct fr_scan_range *r = fr_range_of(s, v);
	unsigned long next = fr_word(where, 1);

	if (!r)
		return false;
	if (fr_in_cache(where, "maple_node"))
		return v == r->start ||
		       (PAGE_ALIGNED(v + 1) && v + PAGE_SIZE >= r->end);
	if (v != r->start || !fr_is_slab(where))
		return false;
	if (next > v)			/* vmap_area: va_end; or vm_struct: size */
		next -= v;
	/* a multiple of 2 MB, and a guard page */
	return next >= PMD_SIZE && (!(next % PMD_SIZE) || next % PMD_SIZE == PAGE_SIZE);
}
#else
static bool __init fr_execmem_record(const struct fr_scan *s,
				     unsigned long where, unsigned long v)
{
	return false;
}
#endif

/*
 * The records that tie the target's jump-label entries and static-call
 * sites to keys outside it (kernel/jump_label.c struct static_key_mod:
 * next, entries, mod; kernel/static_call_inline.c struct static_call_mod:
 * next, mod, sites), each a small slab object naming the target's struct
 * module.  The loader's GOING notifiers free them.
 */
static bool __init fr_key_record(const struct fr_scan *s, unsigned long where)
{
	unsigned long m = (unsigned long)s->t->mod;
	struct fr_extent e;

	if (!fr_slab_object_of(where, &e) || e.end - e.start > 4 * sizeof(long))
		return false;
	if (where == e.start + sizeof(long))
		return fr_word(e.start, 2) == m;	/* static_key_mod */
	if (where == e.start + 2 * sizeof(long))
		return fr_word(e.start, 1) == m;	/* static_call_mod */
	return false;
}

/*
 * A removed kernfs node: deactivated, and on its way to being freed (count
 * 0; since 6.2 freed after a grace period) or marked KERNFS_REMOVING, which
 * no node loses again (kept by an inode or an open file, or left by a task
 * that died removing it).  No active reference can be taken on it again,
 * and its priv, such as an earlier module's kobject at an address the
 * target's memory now has, is read only under one: no reference.
 */
#define FR_KN_DEACTIVATED	(INT_MIN + 1)	/* fs/kernfs/dir.c: KN_DEACTIVATED_BIAS */

static bool __init fr_dead_kernfs(unsigned long where)
{
	struct kernfs_node *kn = (void *)(where - offsetof(struct kernfs_node, priv));
	unsigned short flags;
	struct fr_extent e;
	int count, active;

	return fr_in_cache(where, "kernfs_node_cache") &&
	       fr_slab_object_of(where, &e) && e.start == (unsigned long)kn &&
	       !get_kernel_nofault(count, &kn->count.counter) &&
	       !get_kernel_nofault(active, &kn->active.counter) &&
	       active == FR_KN_DEACTIVATED &&
	       (!count || (!get_kernel_nofault(flags, &kn->flags) &&
			   (flags & KERNFS_REMOVING)));
}

/*
 * A /proc entry that is removed, kept only until its last inode goes, or
 * that the undo removes, and such an entry's inode (fs/proc/internal.h:
 * struct proc_inode ends with the vfs inode, its pde six words before;
 * inode->i_private is the entry's data).  Once remove_proc_entry() has
 * run, in_use, the first word, stays at its bias and, with no opener left
 * (pde_openers, the next word, empty), nothing calls the entry's operations
 * or reads its data again.  Before "proc: fix UAF in proc_get_inode()"
 * (6.14, 6.12.20, 6.1.132; taken here from 6.12.30 and 6.1.140)
 * proc_reg_open() read proc_ops first: not told apart there.
 */
#define FR_PDE_REMOVED		INT_MIN		/* fs/proc/inode.c: BIAS */
#define FR_PROC_INODE_PDE	6		/* words before vfs_inode */
#define FR_PROC_UAF_FIXED						\
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0) ||		\
	 (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 30) &&		\
	  LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)) ||		\
	 (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 140) &&		\
	  LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)))

static bool __init fr_pde_going(const struct fr_scan *s, unsigned long pde)
{
	struct fr_extent e;
	unsigned long openers;
	int in_use;

	if (!FR_PROC_UAF_FIXED || !fr_in_cache(pde, "proc_dir_entry") ||
	    !fr_slab_object(pde, &e))
		return false;
	if (fr_lo_proc_removes(s->t, pde))
		return true;
	openers = pde + sizeof(long);	/* after in_use and refcnt */
	return !get_kernel_nofault(in_use, (int *)pde) && in_use == FR_PDE_REMOVED &&
	       fr_word(openers, 0) == openers;
}

static bool __init fr_dead_proc(const struct fr_scan *s, unsigned long where)
{
	unsigned long inode;
	struct fr_extent e;

	if (IS_ENABLED(CONFIG_RANDSTRUCT) || !fr_slab_object_of(where, &e))
		return false;
	if (fr_in_cache(where, "proc_dir_entry"))
		return fr_pde_going(s, e.start);
	inode = e.end - sizeof(struct inode);
	return fr_in_cache(where, "proc_inode_cache") && inode > e.start &&
	       where == inode + offsetof(struct inode, i_private) &&
	       fr_pde_going(s, fr_word(inode, -FR_PROC_INODE_PDE));
}

/*
 * A section header (Elf_Shdr) of a copy of the target's file: the loader
 * wrote the section's address in sh_addr; the section lies in one of the
 * target's ranges.  The copy a crashed load left behind, or the pages of
 * the one a finished load gave back, in use again but not yet overwritten:
 * nothing follows them.
 */
static bool __init fr_section_header(const struct fr_scan *s,
				     unsigned long where, unsigned long v)
{
	const struct fr_scan_range *r = fr_range_of(s, v);
	unsigned long hdr = where - offsetof(struct elf_shdr, sh_addr);
	struct elf_shdr sh;	/* Elf_Shdr */

	if (!r || copy_from_kernel_nofault(&sh, (void *)hdr, sizeof(sh)))
		return false;
	return (sh.sh_flags & SHF_ALLOC) && sh.sh_addr == v &&
	       (sh.sh_type == SHT_PROGBITS || sh.sh_type == SHT_NOBITS ||
		sh.sh_type == SHT_NOTE || sh.sh_type == FR_SHT_INIT_ARRAY ||
		sh.sh_type == FR_SHT_FINI_ARRAY) &&
	       sh.sh_size <= r->end - v && sh.sh_addralign <= PAGE_SIZE &&
	       !(sh.sh_addralign & (sh.sh_addralign - 1)) &&
	       sh.sh_entsize < PAGE_SIZE;
}

#if defined(CONFIG_SYSFS) && defined(CONFIG_KALLSYMS)
#define FR_PFE		"__patchable_function_entries"
#define FR_SECTIONS	1024	/* sections of a module, at most */

/*
 * The address of the section a sysfs section attribute of a module stands
 * for: in struct module_sect_attr after the attribute (kernel/module/
 * sysfs.c) until 6.13, in the attribute's private field since.
 */
static unsigned long __init fr_section_address(const struct bin_attribute *ba)
{
	unsigned long a;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
	if (get_kernel_nofault(a, (const unsigned long *)&ba->private))
		a = 0;
#else
	if (get_kernel_nofault(a, (const unsigned long *)(ba + 1)))
		a = 0;
#endif
	return a;
}

/*
 * Whether @a lies in @mod's section called @name: from the section's
 * address (the module's sysfs section attributes, a list ending in NULL)
 * to the next section's, within one of the module's ranges; a section at
 * the named one's own address might be the one that holds @a.
 */
static bool __init fr_in_section(const struct module *mod, const char *name,
				 unsigned long a)
{
	const struct attribute_group *grp = (const void *)READ_ONCE(mod->sect_attrs);
	const struct bin_attribute *ba;
	struct fr_scan_range r[FR_SCAN_RANGES];
	unsigned long start = 0, below = 0, sect, attrs, p, np;
	unsigned int i, n;

	/* grp->bin_attrs: an array of pointers to (const since 6.15) attributes */
	if (!grp || get_kernel_nofault(attrs, (const unsigned long *)&grp->bin_attrs) ||
	    !attrs)
		return false;
	for (i = 0; i < FR_SECTIONS; i++) {
		if (get_kernel_nofault(p, (const unsigned long *)attrs + i))
			return false;
		if (!p)
			break;
		ba = (const struct bin_attribute *)p;
		sect = fr_section_address(ba);
		if (!get_kernel_nofault(np, (const unsigned long *)&ba->attr.name) &&
		    fr_str_is(np, name))
			start = sect;
		else if (sect <= a && sect > below)
			below = sect;
	}
	/* no other section starts between the named one and @a */
	if (!start || a < start || below >= start)
		return false;
	n = fr_mod_ranges(mod, r, false);
	for (i = 0; i < n; i++)
		if (start >= r[i].start && start < r[i].end)
			return a < r[i].end;
	return false;
}

/*
 * Whether @where lies in @mod's __patchable_function_entries: the
 * compiler's table of where its functions start (-fpatchable-function-entry,
 * CONFIG_CALL_PADDING), which nothing reads once the module is loaded.  Its
 * entries for the module's init functions point into freed init text, which
 * a later module's memory may reuse.
 */
static bool __init fr_patchable_entry(unsigned long where, const struct module *mod)
{
	return fr_in_section(mod, FR_PFE, where);
}

/*
 * A pointer to one of the target's BTF ID sets (its .BTF_ids section, IDs
 * only): the kfunc set table of its BTF (6.1 assigns a module's set, it
 * does not copy it; tcp_bbr), which BTF drops when the target goes, and
 * which a program can reach only through a reference on the target.
 */
static bool __init fr_btf_ids(const struct fr_scan *s, unsigned long where,
			      unsigned long v)
{
	return IS_ENABLED(CONFIG_DEBUG_INFO_BTF_MODULES) && fr_is_slab(where) &&
	       fr_in_section(s->t->mod, ".BTF_ids", v);
}

/*
 * The address of a section in a sysfs section table of an earlier load,
 * freed but not yet reused (or in a sheaf the scan does not see): its
 * attribute's read function (the helper's own table gives it) sits at a
 * fixed distance from the address (see fr_section_address()), or, where
 * a free pointer overwrote it, in the next or the previous entry.  The read
 * function only prints the address.  A live table names its own module's
 * sections; the target's is explained with the loader's bookkeeping.
 */
static bool __init fr_section_table(unsigned long where)
{
	const struct attribute_group *grp = (const void *)READ_ONCE(THIS_MODULE->sect_attrs);
	static unsigned long read __initdata;
	const struct bin_attribute *ba;
	unsigned long attrs, stride;
	int i;

	if (!read && grp &&
	    !get_kernel_nofault(attrs, (const unsigned long *)&grp->bin_attrs) && attrs &&
	    !get_kernel_nofault(ba, (const struct bin_attribute **)attrs) && ba &&
	    get_kernel_nofault(read, (const unsigned long *)&ba->read))
		read = 0;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
	ba = (const void *)(where - offsetof(struct bin_attribute, private));
	stride = sizeof(*ba);
#else
	ba = (const void *)(where - sizeof(*ba));
	stride = sizeof(*ba) + sizeof(long);
#endif
	if (!read || !fr_is_slab(where))
		return false;
	/* Its own, or, where SLUB's free pointer overwrote it, a neighbour's. */
	for (i = -1; i <= 1; i++)
		if (fr_word((unsigned long)&ba->read + i * stride, 0) == read)
			return true;
	return false;
}
#else
static bool __init fr_patchable_entry(unsigned long where, const struct module *mod)
{
	return false;
}

static bool __init fr_btf_ids(const struct fr_scan *s, unsigned long where,
			      unsigned long v)
{
	return false;
}

static bool __init fr_section_table(unsigned long where)
{
	return false;
}
#endif

/*
 * A word in another module's struct module, ftrace call-site table, table
 * of patchable function entries, or table of trace eval maps: the pointers
 * TRACE_DEFINE_ENUM() and TRACE_DEFINE_SIZEOF() leave to their maps, which
 * are __initdata, read while the module is COMING and freed with its init
 * (seen: kvm's TRACE_SYSTEM_RET_PF_SPURIOUS pointing into a target's
 * read-only data, allocated where kvm's init data had been).
 */
static bool __init fr_other_module(unsigned long where, const struct module *mod)
{
	unsigned long m = (unsigned long)mod;

	if (where >= m && where < m + sizeof(*mod))
		return true;
	if (fr_patchable_entry(where, mod))
		return true;
#ifdef CONFIG_FTRACE_MCOUNT_RECORD
	if (mod->ftrace_callsites &&
	    where >= (unsigned long)mod->ftrace_callsites &&
	    where < (unsigned long)(mod->ftrace_callsites + mod->num_ftrace_callsites))
		return true;
#endif
#ifdef CONFIG_EVENT_TRACING
	if (mod->trace_evals && where >= (unsigned long)mod->trace_evals &&
	    where < (unsigned long)(mod->trace_evals + mod->num_trace_evals))
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
	if (fr_queued_work(s->t, where, v))
		return true;
	if (fr_extents_have(&s->events, v) || fr_extents_have(&s->fields, where) ||
	    fr_extents_table(&s->events, where))
		return true;
	if (mod)
		return fr_other_module(where, mod) || fr_lo_explains(s->t, where, v);
	if (vmlinux)
		return fr_loader_data(where) || fr_lo_explains(s->t, where, v);
	return fr_in_extents(s->own, s->nr_own, where) ||
	       fr_param_copy(s->t->mod, v) ||
	       fr_extents_have(&s->ftrace, where) ||
	       fr_extents_have(&s->sects, where) ||
	       fr_allocation_record(s, where, v) ||
	       fr_execmem_record(s, where, v) ||
	       fr_key_record(s, where) ||
	       fr_barn_free(where) || fr_rcu_sheaf_free(where) ||
	       fr_section_table(where) ||
	       fr_dead_kernfs(where) || fr_dead_proc(s, where) ||
	       fr_vm_caller(where) || fr_initfree(where) ||
	       fr_ddebug_table(s, where) || fr_dying_super(where) ||
	       fr_unused_page_meta(s, where) ||
	       fr_btf_ids(s, where, v) || fr_worker_last_func(where) ||
	       fr_xa_marks(where) || fr_xa_array(where) ||
	       fr_section_header(s, where, v) || fr_dead_task_regs(where) ||
	       fr_lo_explains(s->t, where, v);
}

/* ------------------------------------------------------------------------ */
/* The search. */

/*
 * Whether the page at @where is a live task's kernel stack, named into
 * @buf: a task that was not on the task list when the scan passed over
 * every task's stack (fr_skip_stacks()), such as one being forked.  Read
 * without a reference (put_task_stack() is not exported): the task may
 * exit meanwhile, and its stack be freed, so the name is a hint.
 */
static bool __init fr_stack_owner(unsigned long where, char *buf, size_t size)
{
	struct page *page = virt_to_page((void *)where), *p;
	struct task_struct *g, *t;
	struct vm_struct *vm;
	struct page **pages;
	unsigned long lo;
	bool found = false;
	unsigned int i;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		lo = (unsigned long)READ_ONCE(t->stack);
		vm = IS_ENABLED(CONFIG_VMAP_STACK) ? task_stack_vm_area(t) : NULL;
		if (!vm) {
			found = lo && fr_valid(lo) && where - lo < THREAD_SIZE;
		} else if (!get_kernel_nofault(pages, &vm->pages) && fr_valid(pages)) {
			for (i = 0; i < THREAD_SIZE / PAGE_SIZE && !found; i++)
				found = !get_kernel_nofault(p, pages + i) && p == page;
		}
		if (found) {
			snprintf(buf, size, "a page that may be the stack of task %d (%s)",
				 task_pid_nr(t), t->comm);
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static void __init fr_where(unsigned long where, const struct module *mod,
			    bool vmlinux, char *buf, size_t size)
{
	if (vmlinux)
		snprintf(buf, size, "%pS (vmlinux data)", (void *)where);
	else if (mod)
		snprintf(buf, size, "%pS (%s data)", (void *)where, mod->name);
	else if (fr_is_slab(where))
		fr_slab_name(where, buf, size);
	else if (!fr_stack_owner(where, buf, size))
		snprintf(buf, size, "a page");
}

/*
 * What a page that holds an unexplained word is, and the words around it
 * (from the page's copy, s->buf): told in the log, since what holds such a
 * word is not known.  No module's name leads the line: the command reads
 * "NAME: " lines it does not know as the target's error.
 */
static void __init fr_say_page(const struct fr_scan *s, unsigned long where)
{
	struct page *page = virt_to_page((void *)where);
	struct page *head = compound_head(page);
	size_t i = offset_in_page(where) / sizeof(long);
	size_t k = i >= 4 ? i - 4 : 0;
	size_t to = min_t(size_t, i + 4, PAGE_SIZE / sizeof(long));
	char words[8 * 17 + 1] = "";
	int n = 0;

	for (; k < to; k++)
		n += scnprintf(words + n, sizeof(words) - n, " %016lx", s->buf[k]);
	pr_warn("  in that page, word %zu: flags %pGp, refcount %d, mapcount %d, order %u; words around it:%s\n",
		i, &page->flags, page_ref_count(head),
		atomic_read(&page->_mapcount), compound_order(head), words);
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
	if (!mod && !vmlinux && !fr_is_slab(where))
		fr_say_page(s, where);
}

static void __init fr_scan_words(struct fr_scan *s, unsigned long where,
				 size_t n, const struct module *mod, bool vmlinux)
{
	unsigned long span = s->hi - s->lo;
	size_t i;

	for (i = 0; i < n; i++)
		if (s->buf[i] - s->lo < span &&
		    !fr_slab_still_unused(s, where + i * sizeof(long)))
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
	struct fr_extent e;
	struct module *mod;
	unsigned int i, n;

	rcu_read_lock();
	list_for_each_entry_rcu(mod, fr_modules, list) {
		n = fr_mod_ranges(mod, r, false);
		for (i = 0; i < n; i++)
			fr_skip_range(s, r[i].start, r[i].end);
		if (mod == s->t->mod || mod == THIS_MODULE)
			continue;
#if defined(CONFIG_SYSFS) && defined(CONFIG_KALLSYMS)
		if (fr_slab_object((unsigned long)READ_ONCE(mod->sect_attrs), &e))
			fr_extents_add(&s->sects, e.start, e.end);
#endif
		n = fr_mod_ranges(mod, r, true);
		for (i = 0; i < n; i++)
			fr_scan_virt(s, r[i].start, r[i].end, mod);
	}
	rcu_read_unlock();
	fr_extents_sort(&s->sects);
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
	/*
	 * Free too: a page on a CPU's list of free pages is not a buddy, but
	 * has no reference.  Slab pages have none either, and since 6.14 every
	 * page allocated "frozen", without one, has a type: slab, large
	 * kmalloc or hugetlb (mm/slub.c, mm/hugetlb.c).
	 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 14, 0)
	if (!PageTail(page) && !page_ref_count(page) && !PageSlab(page))
		return NULL;
#else
	if (!PageTail(page) && !page_ref_count(page) && !page_has_type(page))
		return NULL;
#endif
	return page;
}

static void __init fr_scan_pages(struct fr_scan *s)
{
	unsigned long pfn, end;
	unsigned int order;
	struct page *page;
	int nid, try;

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
			if (!PageTail(page) && PageSlab(page))
				fr_slab_begin(s, page_folio(page));
			va = page_address(page);
			for (try = 1; ; try++) {
				if (copy_from_kernel_nofault(s->buf, va, PAGE_SIZE)) {
					if (!is_kfence_address(va))
						s->unknown++;
					break;
				}
				if (fr_slab_recheck(s, va) && try < FR_SLAB_TRIES) {
					fr_slab_begin(s, page_folio(page));
					continue;
				}
				fr_scan_words(s, (unsigned long)va,
					      PAGE_SIZE / sizeof(long), NULL, false);
				break;
			}
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

static void __init fr_image_add(unsigned long start, unsigned long end)
{
	if (start < end) {
		fr_image[fr_nr_image].start = start;
		fr_image[fr_nr_image++].end = end;
	}
}

/*
 * Where vmlinux's code lies, as setup_arch() recorded it in init_mm
 * (start_code, end_code: _stext and _etext, on x86 and arm64).  Not by
 * their names: a kprobe on a text label registers, and the lookup takes
 * only what does not (lookup.c).
 */
static void __init fr_find_image_text(void)
{
	const struct mm_struct *mm = fr_lookup_data("init_mm", sizeof(*mm));
	unsigned long start, end;

	/* Checked: it holds the code of schedule(), and is not over 1 GB. */
	if (!mm || get_kernel_nofault(start, &mm->start_code) ||
	    get_kernel_nofault(end, &mm->end_code) || end <= start ||
	    end - start > SZ_1G || (unsigned long)schedule < start ||
	    (unsigned long)schedule >= end)
		return;
	fr_image_text.start = start;
	fr_image_text.end = end;
}

/*
 * vmlinux's data and bss.  On x86 the end of the bss's decrypted part
 * (__start_bss_decrypted_unused to __end_bss_decrypted) was given back to
 * the page allocator at boot: not vmlinux's data, it is read as pages.
 */
static bool __init fr_find_image(void)
{
	unsigned long sdata = (unsigned long)fr_lookup_label("_sdata");
	unsigned long edata = (unsigned long)fr_lookup_label("_edata");
	unsigned long sbss = (unsigned long)fr_lookup_label("__bss_start");
	unsigned long ebss = (unsigned long)fr_lookup_label("__bss_stop");
	unsigned long hole = (unsigned long)fr_lookup_label("__start_bss_decrypted_unused");
	unsigned long hole_end = (unsigned long)fr_lookup_label("__end_bss_decrypted");
	unsigned long erodata;

	if (!sdata || edata <= sdata || !sbss || ebss <= sbss)
		return false;
	fr_image_add(sdata, edata);
	/*
	 * Read-only data and read-only-after-init data (__start_rodata up to
	 * __end_rodata) are not read through their pages either: fixed before
	 * any module loads, they point into one only by chance (x86's
	 * execmem_info starts its ranges where the module area does).  Not up
	 * to _sdata: x86-64 gives the pages between (the rodata/data gap, up
	 * to 2 MB) back to the page allocator at boot (mark_rodata_ro()), and
	 * the heap's objects there are read as pages (6.1: 35 slab pages of
	 * 277, one of them holding a kmem_cache that pointed into a target).
	 */
	fr_image_ro.start = (unsigned long)fr_lookup_label("__start_rodata");
	erodata = (unsigned long)fr_lookup_label("__end_rodata");
	fr_image_ro.end = fr_image_ro.start && erodata > fr_image_ro.start &&
			  erodata <= sdata ? PAGE_ALIGN(erodata) : 0;
	/*
	 * Its code is not read either (reserved pages, which the page walk
	 * would read): code holds no absolute pointer to a module (its calls
	 * and jumps to one are relative), but its bytes can read as one.
	 * "48 c7 c0 ff ff ff ff" (mov $-1,%rax) after any byte is
	 * 0xffffffffc0c748XX: a target lying there was refused on some 66
	 * words at once, from odd offsets of a 256-byte window of it
	 * (ehci_hcd, veth, ext4, tun; 6.1, 6.12).
	 */
	fr_find_image_text();
	if (hole >= sbss && hole_end > hole && hole_end <= ebss &&
	    PAGE_ALIGNED(hole) && PAGE_ALIGNED(hole_end)) {
		fr_image_add(sbss, hole);
		fr_image_add(hole_end, ebss);
	} else {
		fr_image_add(sbss, ebss);
	}
	return true;
}

static bool __init fr_find_kernel(void)
{
	if (fr_modules)
		return true;
	if (!fr_nr_image && !fr_find_image())
		return false;
	fr_modules = fr_modules_list();
	fr_measure_slab();
	fr_measure_stack_cache();
	fr_measure_worker();
	fr_find_xa_node_cache();
	return fr_modules;
}

static bool __init fr_range_holds(unsigned long start, unsigned long end,
				  unsigned long value)
{
	unsigned long p, w;

	for (p = start; p + sizeof(long) <= end; p += sizeof(long))
		if (!get_kernel_nofault(w, (unsigned long *)p) && w == value)
			return true;
	return false;
}

/*
 * For leftovers/kmem.c: the words of struct kmem_cache that hold its link
 * on @caches, the list of all caches (the one that followed @caches's head
 * when the helper's own cache was made), its constructor and its name;
 * false when not all were found.
 */
bool __init fr_cache_words(const struct list_head *caches, int *list,
			   int *ctor, int *name)
{
	int i, found = -1;

	if (!fr_find_kernel() || fr_cache_ctor_word < 0 || fr_cache_name_word < 0)
		return false;
	for (i = 0; i < fr_nr_cache_lists; i++) {
		if (fr_cache_list_prev[i] != (unsigned long)caches)
			continue;
		if (found >= 0)
			return false;
		found = fr_cache_lists[i];
	}
	if (found < 0)
		return false;
	*list = found;
	*ctor = fr_cache_ctor_word;
	*name = fr_cache_name_word;
	return true;
}

/*
 * For leftovers/ (platform devices, kobjects, /proc directories and more):
 * whether vmlinux's data or the data of a module
 * other than @mod and this helper holds the word @value (whoever made an
 * object keeps its address, to free it).  Unknown (the kernel's data not
 * found) counts as held.
 */
bool __init fr_static_holds(unsigned long value, const struct module *mod)
{
	struct fr_scan_range r[FR_SCAN_RANGES];
	struct module *m;
	unsigned int i, n;
	bool held = false;

	if (!fr_find_kernel())
		return true;
	for (i = 0; i < fr_nr_image && !held; i++)
		held = fr_range_holds(fr_image[i].start, fr_image[i].end, value);
	/* Read-only after init too (fs_kobj). */
	if (!held && fr_image_ro.end)
		held = fr_range_holds(fr_image_ro.start, fr_image_ro.end, value);
	rcu_read_lock();
	list_for_each_entry_rcu(m, fr_modules, list) {
		if (held)
			break;
		if (m == mod || m == THIS_MODULE)
			continue;
		n = fr_mod_ranges(m, r, true);
		for (i = 0; i < n && !held; i++)
			held = fr_range_holds(r[i].start, r[i].end, value);
	}
	rcu_read_unlock();
	return held;
}

/*
 * For leftovers/kobject.c: the slab object @a lies in, [start, end) (its
 * cache's object size); false if none, or SLUB's layout is not known.
 */
bool __init fr_slab_extent(unsigned long a, unsigned long *start,
			   unsigned long *end)
{
	struct fr_extent e = { 0 };

	if (!fr_find_kernel() || !fr_is_slab(a) || !fr_slab_object_of(a, &e))
		return false;
	*start = e.start;
	*end = e.end;
	return true;
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
	for (i = 0; i < fr_nr_image; i++)
		fr_skip_range(s, fr_image[i].start, fr_image[i].end);
	fr_skip_range(s, fr_image_ro.start, fr_image_ro.end);
	fr_skip_range(s, fr_image_text.start, fr_image_text.end);
	fr_find_own(s);
	fr_find_ftrace(s);
	fr_find_events(s);
	fr_find_memmap(s);
	s->sects.e = kvmalloc_array(FR_SCAN_MODULES, sizeof(*s->sects.e), GFP_KERNEL);
	if (s->sects.e)
		s->sects.max = FR_SCAN_MODULES;
	return 0;
}

/*
 * Search the kernel's memory for pointers into @t.  Returns 0 when every
 * one is explained, or when @refuse is false (each unexplained one is named,
 * up to FR_SCAN_NAMED, and left); -EBUSY when @refuse and one is not; -ENOENT
 * when the kernel's data was not found; -ENOMEM.  With @static_only, only
 * vmlinux's and the other modules' data are read (where the heads of the
 * kernel's lists and chains are), not the pages: main.c's scan before the
 * undo of a target whose driver's remove frees what is in the heap.
 * Caller holds no lock.
 */
int __init fr_refscan(struct fr_rescue *t, bool refuse, bool static_only)
{
	struct fr_scan *s;
	ktime_t start = ktime_get();
	unsigned int i;
	int ret;

	if (!fr_find_kernel()) {
		pr_err("%s: " FR_LOG_REFSCAN "the kernel's data not found%s\n",
		       t->name, refuse ? ", refusing" : "");
		return refuse ? -ENOENT : 0;
	}
	/* Pages of its own, not a slab's: the page walk passes them over. */
	s = vzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->t = t;
	ret = fr_scan_prepare(s);
	if (ret)
		goto out;
	fr_skip_range(s, (unsigned long)s, (unsigned long)(s + 1));

	for (i = 0; i < fr_nr_image; i++)
		fr_scan_virt(s, fr_image[i].start, fr_image[i].end, NULL);
	fr_scan_modules(s);
	if (!static_only)
		fr_scan_pages(s);

	if (s->unexplained > FR_SCAN_NAMED)
		pr_warn("%s: " FR_LOG_REFERENCE "... and %u more\n", t->name,
			s->unexplained - FR_SCAN_NAMED);
	pr_info("%s: " FR_LOG_REFSCAN
		"%llu MB in %lld ms: %u pointer(s), %u explained, %u not, %u page(s) unreadable, %u cached and %u interrupt stack(s) skipped%s%s%s%s%s\n",
		t->name, s->bytes >> 20, ktime_ms_delta(ktime_get(), start),
		s->found, s->explained, s->unexplained, s->unknown, s->cached_stacks,
		s->irq_stacks,
		s->ftrace_unknown ? ", ftrace's records not read" : "",
		s->events_unknown ? ", trace events not read" : "",
		fr_slub_ok ? "" : ", free slab objects not known",
		!fr_slub_ok || fr_slub_cpu || fr_sheaf_main ? "" :
		", objects in sheaves not known",
		static_only ? ", static data only (the rest after the undo)" : "");
	if (!refuse || (!s->unexplained && !s->unknown))
		goto out;
	pr_err("%s: " FR_LOG_LEFTOVERS "%u leftover(s), refusing ("
	       FR_STR(FR_PARAM_REFSCAN) "=" FR_REFSCAN_REFUSE
	       ": %u pointer(s) into it not explained)\n",
	       t->name, s->unexplained + s->unknown, s->unexplained + s->unknown);
	ret = -EBUSY;
out:
	/*
	 * Cleared as freed: a stale copy of the target's addresses here
	 * would be a reference to the next scan (6.12 loader.test: a freed
	 * struct fr_scan that the free lists did not show as free).
	 */
	kvfree_sensitive(s->events.e, s->events.max * sizeof(*s->events.e));
	kvfree_sensitive(s->fields.e, s->fields.max * sizeof(*s->fields.e));
	kvfree_sensitive(s->sects.e, s->sects.max * sizeof(*s->sects.e));
	kvfree(s->memmap);
	kvfree_sensitive(s->ftrace.e, s->ftrace.max * sizeof(*s->ftrace.e));
	vfree(s->skip);
	if (s->buf)
		clear_page(s->buf);
	free_page((unsigned long)s->buf);
	memzero_explicit(s, sizeof(*s));
	vfree(s);
	return ret;
}
