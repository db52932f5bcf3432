// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks executing a module's code: a thread whose kernel stack
 * (/proc/PID/task/TID/stack, root only) has a frame in the module, such as
 *   [<0>] fr_block_init_init+0x1f/0xff0 [fr_block_init]
 * What it runs is told by the frames below (do_one_initcall: its init;
 * delete_module: its exit) or else by /proc/PID/task/TID/syscall.
 *
 * This is a diagnosis for people; the rescue module makes the same check
 * itself, exactly, before it changes anything.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "fr.h"

/*
 * /proc/PID/syscall prints the number of the system call in progress, in
 * the running kernel's native numbering: the C library's SYS_* for this
 * build's architecture (finit_module(2) is absent from the oldest headers).
 */
#ifndef SYS_finit_module
#error "<sys/syscall.h> has no SYS_finit_module: headers too old for this architecture"
#endif

/* 1 when a /proc/PID/stack line is a frame of module @name. */
int fr_stack_line_in_module(const char *line, const char *name)
{
	size_t len = strlen(line), nlen = strlen(name);

	while (len && (line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	if (len < nlen + 3 || line[len - 1] != ']')
		return 0;
	return line[len - nlen - 3] == ' ' && line[len - nlen - 2] == '[' &&
	       !strncmp(line + len - nlen - 1, name, nlen);
}

static bool fr_numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * Whether the frame before kthread()'s in @stack, the thread's function, is
 * @name's: a kernel thread of the module (the last frames of a kernel
 * thread are its function, kthread, ret_from_fork).
 */
bool fr_stack_own_thread(const char *stack, const char *name)
{
	const char *prev = NULL, *cur = stack;
	char line[512];

	while (*cur) {
		const char *end = strchr(cur, '\n');
		size_t len = end ? (size_t)(end - cur) : strlen(cur);
		const char *sym = memchr(cur, ' ', len);

		if (sym && !strncmp(sym + 1, "kthread+", 8)) {
			size_t plen;

			if (!prev)
				return false;
			plen = (size_t)(cur - prev) - 1;
			if (plen >= sizeof(line))
				return false;
			memcpy(line, prev, plen);
			line[plen] = '\0';
			return fr_stack_line_in_module(line, name);
		}
		if (!end)
			break;
		prev = cur;
		cur = end + 1;
	}
	return false;
}

/* Whether the state in @dir/stat (after "(COMM) ") is @state. */
static bool fr_task_state_is(const char *dir, char state)
{
	char path[4200], buf[512];
	const char *paren;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stat", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] == state;
}

/* What a thread in a module's code runs, from the frames below and its syscall. */
static void fr_task_what(const char *dir, const char *stack, const char *frame,
			 const char *name, struct fr_task *task)
{
	char path[4200];	/* @dir is at most 4095 */
	const char *below = strchr(frame, '\n');
	long nr;
	FILE *f;

	task->what = FR_EXEC_CODE;
	if (fr_stack_own_thread(stack, name)) {
		/* One asleep uninterruptibly ("D") may never see its stop. */
		if (!fr_task_state_is(dir, 'D'))
			task->what = FR_EXEC_THREAD;
	} else if (below && strstr(below, "do_one_initcall")) {
		task->what = FR_EXEC_INIT;
	} else if (below && strstr(below, "delete_module")) {
		task->what = FR_EXEC_EXIT;
	} else {
		snprintf(path, sizeof(path), "%s/syscall", dir);
		f = fopen(path, "re");
		if (f) {
			if (fscanf(f, "%ld", &nr) == 1) {
				if (nr == SYS_init_module || nr == SYS_finit_module)
					task->what = FR_EXEC_INIT;
				else if (nr == SYS_delete_module)
					task->what = FR_EXEC_EXIT;
			}
			fclose(f);
		}
	}
	snprintf(path, sizeof(path), "%s/comm", dir);
	task->comm[0] = '\0';
	f = fopen(path, "re");
	if (f) {
		if (fgets(task->comm, sizeof(task->comm), f))
			task->comm[strcspn(task->comm, "\n")] = '\0';
		fclose(f);
	}
}

/* The first frame of @stack in module @name, or NULL. */
static const char *fr_stack_find(const char *stack, const char *name)
{
	char line[512];
	const char *cur = stack;

	while (*cur) {
		const char *end = strchr(cur, '\n');
		size_t len = end ? (size_t)(end - cur) : strlen(cur);

		if (len < sizeof(line)) {
			memcpy(line, cur, len);
			line[len] = '\0';
			if (fr_stack_line_in_module(line, name))
				return cur;
		}
		if (!end)
			break;
		cur = end + 1;
	}
	return NULL;
}

/* Read one thread's stack into @buf; false if it cannot be read. */
static bool fr_stack_read(const char *dir, char *buf, size_t size)
{
	char path[4200];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stack", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n > 0;
}

/*
 * Keep @task among @m's, up to FR_MAX_TASKS; when they are full, one of the
 * module's own threads gives its place to any other task (a reason to
 * refuse is never lost to a kpktgend_N on each of many CPUs).
 */
static void fr_task_keep(struct fr_module *m, const struct fr_task *task)
{
	int i = m->nr_tasks;

	if (i == FR_MAX_TASKS) {
		if (task->what == FR_EXEC_THREAD)
			return;
		for (i = FR_MAX_TASKS - 1; i >= 0; i--)
			if (m->tasks[i].what == FR_EXEC_THREAD)
				break;
		if (i < 0)
			return;
	} else {
		m->nr_tasks++;
	}
	m->tasks[i] = *task;
}

/*
 * Every thread's stack is read once, for all of @mods: fill each module's
 * tasks (up to FR_MAX_TASKS).  Returns 0 or -errno when /proc is unreadable.
 */
int fr_tasks_scan(const char *root, struct fr_module **mods, int n)
{
	char path[4096], dir[4096], stack[8192];
	struct dirent *p, *t;
	DIR *procs, *threads;

	for (int i = 0; i < n; i++)
		mods[i]->nr_tasks = 0;
	snprintf(path, sizeof(path), "%s/proc", root);
	procs = opendir(path);
	if (!procs)
		return -errno;
	while ((p = readdir(procs)) != NULL) {
		if (!fr_numeric(p->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/proc/%s/task", root, p->d_name);
		threads = opendir(path);
		if (!threads)
			continue;	/* gone meanwhile */
		while ((t = readdir(threads)) != NULL) {
			if (!fr_numeric(t->d_name))
				continue;
			snprintf(dir, sizeof(dir), "%s/proc/%s/task/%s", root,
				 p->d_name, t->d_name);
			if (!fr_stack_read(dir, stack, sizeof(stack)))
				continue;
			for (int i = 0; i < n; i++) {
				struct fr_module *m = mods[i];
				const char *frame = fr_stack_find(stack, m->name);
				struct fr_task task;

				if (!frame)
					continue;
				fr_task_what(dir, stack, frame, m->name, &task);
				task.pid = atoi(t->d_name);
				fr_task_keep(m, &task);
			}
		}
		closedir(threads);
	}
	closedir(procs);
	return 0;
}
