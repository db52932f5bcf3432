// SPDX-License-Identifier: GPL-2.0
/*
 * sys-abi: enter the kernel through another system call ABI, so that the
 * guest tests can check how force_rmmod tells system calls apart.
 *
 *   sys-abi x32-finit FILE       finit_module(FILE) as an x32 call
 *                                (__X32_SYSCALL_BIT | 313); needs syscall.x32=y
 *   sys-abi ia32-splice          splice() as an ia32 call (int 0x80, 313) from
 *                                an empty pipe: sleeps until killed
 *   sys-abi32 aarch32-finit FILE finit_module(FILE) as an AArch32 call (379),
 *                                built for armhf (sys-abi32, make arm64): an
 *                                arm64 kernel with COMPAT runs it
 *
 * Each says what it does on stdout first.  Static: the guest has no libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FR_X32_SYSCALL_BIT	0x40000000L
#define FR_NR_X32_FINIT_MODULE	(FR_X32_SYSCALL_BIT | 313)
#define FR_NR_IA32_SPLICE	313
#define FR_NR_AARCH32_FINIT_MODULE	379

/* finit_module(@file) through system call @nr of @abi. */
static int __attribute__((unused)) finit_as(const char *abi, long nr, const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	long ret;

	if (fd < 0) {
		fprintf(stderr, "sys-abi: %s: %s\n", file, strerror(errno));
		return 1;
	}
	printf("sys-abi: pid %d %s finit_module %s\n", (int)getpid(), abi, file);
	fflush(stdout);
	ret = syscall(nr, fd, "", 0);
	if (ret < 0) {
		fprintf(stderr, "sys-abi: %s finit_module: %s\n", abi, strerror(errno));
		return errno == ENOSYS ? 2 : 1;
	}
	return 0;
}

static int ia32_splice(void)
{
#ifdef __x86_64__
	int in[2], out[2];
	long ret;

	if (pipe(in) || pipe(out)) {
		perror("sys-abi: pipe");
		return 1;
	}
	printf("sys-abi: pid %d ia32 splice\n", (int)getpid());
	fflush(stdout);
	/* ia32 arguments: ebx, ecx, edx, esi, edi, ebp (flags: 0). */
	__asm__ volatile("mov %%rbp, %%r12\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "int $0x80\n\t"
			 "mov %%r12, %%rbp"
			 : "=a"(ret)
			 : "a"(FR_NR_IA32_SPLICE), "b"(in[0]), "c"(0), "d"(out[1]),
			   "S"(0), "D"(4096)
			 : "memory", "r8", "r9", "r10", "r11", "r12");
	fprintf(stderr, "sys-abi: ia32 splice returned %ld\n", ret);
#else
	fprintf(stderr, "sys-abi: ia32 splice: x86-64 only\n");
#endif
	return 1;
}

int main(int argc, char **argv)
{
#ifdef __x86_64__
	if (argc == 3 && !strcmp(argv[1], "x32-finit"))
		return finit_as("x32", FR_NR_X32_FINIT_MODULE, argv[2]);
#endif
#ifdef __arm__
	if (argc == 3 && !strcmp(argv[1], "aarch32-finit"))
		return finit_as("aarch32", FR_NR_AARCH32_FINIT_MODULE, argv[2]);
#endif
	if (argc == 2 && !strcmp(argv[1], "ia32-splice"))
		return ia32_splice();
	fprintf(stderr, "usage: sys-abi x32-finit FILE | ia32-splice | aarch32-finit FILE\n");
	return 2;
}
