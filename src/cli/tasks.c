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

#include "fr.h"

/* x86_64 system call numbers, as /proc/PID/syscall prints them. */
#define FR_NR_INIT_MODULE	175
#define FR_NR_DELETE_MODULE	176
#define FR_NR_FINIT_MODULE	313

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

/* Scan one thread's stack; fill @task when it is in @name's code. */
static bool fr_task_scan(const char *dir, const char *name, struct fr_task *task)
{
	char path[4200], line[512];	/* @dir is at most 4095 */
	bool in = false, init = false, exit = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stack", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (fr_stack_line_in_module(line, name))
			in = true;
		else if (in && strstr(line, "do_one_initcall"))
			init = true;
		else if (in && strstr(line, "delete_module"))
			exit = true;
	}
	fclose(f);
	if (!in)
		return false;

	strcpy(task->what, init ? "init" : exit ? "exit" : "code");
	if (!init && !exit) {
		long nr;

		snprintf(path, sizeof(path), "%s/syscall", dir);
		f = fopen(path, "re");
		if (f) {
			if (fscanf(f, "%ld", &nr) == 1) {
				if (nr == FR_NR_INIT_MODULE || nr == FR_NR_FINIT_MODULE)
					strcpy(task->what, "init");
				else if (nr == FR_NR_DELETE_MODULE)
					strcpy(task->what, "exit");
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
	return true;
}

/* Up to @max tasks in @name's code; returns how many, or -errno. */
int fr_tasks_in_module(const char *root, const char *name,
		       struct fr_task *tasks, int max)
{
	char path[4096];
	struct dirent *p, *t;
	DIR *procs, *threads;
	int n = 0;

	snprintf(path, sizeof(path), "%s/proc", root);
	procs = opendir(path);
	if (!procs)
		return -errno;
	while (n < max && (p = readdir(procs)) != NULL) {
		if (!fr_numeric(p->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/proc/%s/task", root, p->d_name);
		threads = opendir(path);
		if (!threads)
			continue;	/* gone meanwhile */
		while (n < max && (t = readdir(threads)) != NULL) {
			char dir[4096];

			if (!fr_numeric(t->d_name))
				continue;
			snprintf(dir, sizeof(dir), "%s/proc/%s/task/%s", root,
				 p->d_name, t->d_name);
			if (!fr_task_scan(dir, name, &tasks[n]))
				continue;
			tasks[n].pid = atoi(t->d_name);
			n++;
		}
		closedir(threads);
	}
	closedir(procs);
	return n;
}
