# force-rmmod: one Makefile for people and tests.  DKMS does not use it: it
# calls Kbuild on src/module/ directly (see dkms.conf).
#
#   make                     userspace parts (no kernel headers needed)
#   make arm64               the same, cross-built for the arm64 guests
#   make module [KVER=R]     build/R/force_rmmod.ko against /lib/modules/R/build
#   make fixtures [KVER=R]   build/R/fixtures/*.ko, the broken test modules
#   make check               the whole test suite, in QEMU guests
#   make demo                boot a guest and rescue a module whose init crashed
#
# R may also be a kernel of the Debian 13 build root (tests/vm/trixie-root,
# FR_TRIXIE_ROOT, default build/trixie): "tests/vm/kernels --all" lists them.

KVER ?= $(shell uname -r)
BUILD := $(CURDIR)/build
OUT := $(BUILD)/$(KVER)

CC ?= cc
CFLAGS ?= -O2 -g
# The tree's own builds stop at any warning; distribution builds (debian/rules,
# rpm/) pass WERROR= so that a newer compiler's new warning cannot break them.
WERROR ?= -Werror
CFLAGS += -Wall -Wextra $(WERROR) -std=gnu11

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
DESTDIR ?=
# Packaging: paths of the unit, man pages, completion and DKMS sources.  The
# unit goes where systemd says (/lib on Debian 12, /usr/lib on Debian 13).
UNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),$(PREFIX)/lib/systemd/system)
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
VERSION := $(shell sed -n 's/^\#define FORCE_RMMOD_VERSION "\(.*\)"/\1/p' src/module/version.h)
DKMSDIR ?= $(PREFIX)/src/force-rmmod-$(VERSION)

.PHONY: all arm64 module fixtures check check-unit demo install clean distclean bench \
	install-dkms deb rpm

all: $(BUILD)/load-module $(BUILD)/hold-socket $(BUILD)/hold-in-thread $(BUILD)/many-threads $(BUILD)/sys-abi $(BUILD)/hold-lock $(BUILD)/qdisc $(BUILD)/genl $(BUILD)/ipt-table $(BUILD)/ipvs $(BUILD)/dm-versions $(BUILD)/sock-diag $(BUILD)/hold-tty $(BUILD)/force-rmmod

# The force-rmmod command: a small library of mechanisms (src/cli/fr.h) and
# the command's steps on top (src/cli/steps.h: main.c, diagnose.c, users.c,
# rescue.c; the layers are described in src/cli/table.h).
# liblzma, libzstd and zlib decompress the helper, because it is loaded from
# memory.  The command is linked statically: a rescue is a few system calls,
# and starting a dynamic binary costs more than all of them (measured under
# QEMU TCG: 53 ms against 11 ms).  The packages link it dynamically, as
# their distributions require (debian/rules, rpm/).
CLI_PKGS := liblzma libzstd zlib
CLI_STEPS := src/cli/main.c src/cli/diagnose.c src/cli/users.c src/cli/rescue.c
CLI_LIB := $(filter-out $(CLI_STEPS),$(wildcard src/cli/*.c))
CLI_HDRS := $(wildcard src/cli/*.h) src/module/version.h src/module/contract.h
CLI_CFLAGS = $(shell pkg-config --cflags $(CLI_PKGS))
CLI_LIBS = $(shell pkg-config --libs $(CLI_PKGS))
CLI_LDFLAGS = -static

$(BUILD)/force-rmmod: $(CLI_STEPS) $(CLI_LIB) $(CLI_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(CLI_CFLAGS) $(CLI_LDFLAGS) -o $@ $(CLI_STEPS) $(CLI_LIB) $(CLI_LIBS)

# The same programs for the arm64 guests (tests/vm/boot takes them from
# build/aarch64/ for a kernel R-arm64), cross-built, linked with Debian's
# arm64 libraries (liblzma-dev:arm64 ...; tests/install-deps).
# sys-abi32: the AArch32 loader of harm.test (gcc-arm-linux-gnueabihf).
arm64: $(BUILD)/aarch64/sys-abi32
	PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig \
		$(MAKE) all BUILD=$(BUILD)/aarch64 CC=aarch64-linux-gnu-gcc

$(BUILD)/aarch64/sys-abi32: tests/vm/sys-abi.c
	@mkdir -p $(BUILD)/aarch64
	arm-linux-gnueabihf-gcc $(CFLAGS) -static -o $@ $<

# Userspace unit tests (run by tests/run-tests before the guests): the
# mechanisms on prepared /proc and /sys trees under ASan and UBSan, then a
# brief libFuzzer run over the name check and the parsers.
SAN_CC ?= clang
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Wall -Wextra -Werror -std=gnu11 -Isrc/cli
FUZZ_TIME ?= 20

check-unit: $(BUILD)/cli-unit $(BUILD)/cli-steps $(BUILD)/cli-fuzz
	tests/cli/modules-index $(BUILD)/unit-modules
	$(BUILD)/cli-unit $(BUILD)/unit-modules
	$(BUILD)/cli-steps
	@mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/cli-fuzz -max_total_time=$(FUZZ_TIME) -max_len=4096 \
		-print_final_stats=0 $(BUILD)/fuzz-corpus tests/cli/corpus

$(BUILD)/cli-unit: tests/cli/unit.c $(CLI_LIB) $(CLI_HDRS)
	@mkdir -p $(BUILD)
	$(SAN_CC) $(SAN_FLAGS) $(CLI_CFLAGS) -o $@ tests/cli/unit.c $(CLI_LIB) $(CLI_LIBS)

# The steps: the whole command on prepared trees, with a fake kernel
# (tests/cli/steps.c) in place of src/cli/kernel.c.
$(BUILD)/cli-steps: tests/cli/steps.c $(CLI_STEPS) $(CLI_LIB) $(CLI_HDRS)
	@mkdir -p $(BUILD)
	$(SAN_CC) $(SAN_FLAGS) -Dmain=fr_main $(CLI_CFLAGS) -c -o $(BUILD)/cli-steps-main.o src/cli/main.c
	$(SAN_CC) $(SAN_FLAGS) $(CLI_CFLAGS) -o $@ tests/cli/steps.c $(BUILD)/cli-steps-main.o \
		$(filter-out src/cli/main.c,$(CLI_STEPS)) $(filter-out src/cli/kernel.c,$(CLI_LIB)) $(CLI_LIBS)

$(BUILD)/cli-fuzz: tests/cli/fuzz.c $(CLI_LIB) $(CLI_HDRS)
	@mkdir -p $(BUILD)
	$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer $(CLI_CFLAGS) -o $@ tests/cli/fuzz.c $(CLI_LIB) $(CLI_LIBS)

# A table of timings in a guest (tests/cli/bench.sh); not a test.  Needs the
# kernel's headers: make bench KVER=R.
bench: all module fixtures
	tests/vm/boot $(KVER) tests/cli/bench.sh > /dev/null
	@sed -n 's/^BENCH //p' $(OUT)/vm/bench/console.log

install: all
	install -D -m 755 $(BUILD)/force-rmmod $(DESTDIR)$(SBINDIR)/force-rmmod
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man4 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(COMPLETIONDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/force-rmmod@.service.in \
		> $(DESTDIR)$(UNITDIR)/force-rmmod@.service
	chmod 644 $(DESTDIR)$(UNITDIR)/force-rmmod@.service
	install -m 644 man/force_rmmod.4 $(DESTDIR)$(MANDIR)/man4/
	install -m 644 man/force-rmmod.8 man/force-rmmod@.service.8 \
		$(DESTDIR)$(MANDIR)/man8/
	install -m 644 src/cli/force-rmmod.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/force-rmmod

# The module's sources and dkms.conf, where DKMS expects them.
install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)
	install -d $(DESTDIR)$(DKMSDIR)/leftovers
	install -m 644 dkms.conf src/module/Kbuild src/module/*.[ch] \
		$(DESTDIR)$(DKMSDIR)/
	install -m 644 src/module/leftovers/*.[ch] $(DESTDIR)$(DKMSDIR)/leftovers/

# Packages from the tree, into build/packages/ (see tests/pkg/build-packages).
deb rpm:
	tests/pkg/build-packages $@

# Tests and the demo load the helper from memory with init_module(2); the
# guest has no libc, so this one is static.
$(BUILD)/load-module: tests/vm/load-module.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# The guest tests hold a socket of tests/fixtures/fr_sock.c open with it.
$(BUILD)/hold-socket: tests/vm/hold-socket.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# users.test gives a pseudo-terminal a line discipline with this one.
$(BUILD)/hold-tty: tests/vm/hold-tty.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# drivers.test puts a qdisc on a device with this one.
$(BUILD)/qdisc: tests/vm/qdisc.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# ... and asks generic netlink for a family with this one.
$(BUILD)/genl: tests/vm/genl.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# ... and asks ip_tables for a table (made from its template) with this one.
$(BUILD)/ipt-table: tests/vm/ipt-table.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# ... and adds an IPVS service with a scheduler with this one.
$(BUILD)/ipvs: tests/vm/ipvs.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# ... and lists device-mapper's targets (and reads a zero device) with this one.
$(BUILD)/dm-versions: tests/vm/dm-versions.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# ... and asks a socket diagnostics handler for a dump with this one.
$(BUILD)/sock-diag: tests/vm/sock-diag.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# ... and a file in a thread with its own file table with this one.
$(BUILD)/hold-in-thread: tests/vm/hold-in-thread.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -pthread -o $@ $<

# ... and make the helper's walks over every thread long with this one.
$(BUILD)/many-threads: tests/vm/many-threads.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -pthread -o $@ $<

# The guest tests enter the kernel through the ia32 and x32 ABIs with it
# (x86-64; for arm64's AArch32 see sys-abi32).
$(BUILD)/sys-abi: tests/vm/sys-abi.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# The guest tests hold force-rmmod's lock with it.
$(BUILD)/hold-lock: tests/vm/hold-lock.c src/cli/lock.c src/cli/lock.h
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ tests/vm/hold-lock.c src/cli/lock.c

# Kbuild puts objects beside the sources: build from a copy per kernel, so
# that releases do not clobber each other and src/ stays clean for DKMS.
MODULE_SRC := src/module/Kbuild src/module/*.[ch] src/module/leftovers
# tests/vm/kbuild runs Kbuild here, or in the Debian 13 root for kernels
# whose headers only work there.
module:
	@mkdir -p $(OUT)
	cp -R $(MODULE_SRC) $(OUT)/
	+tests/vm/kbuild $(KVER) $(OUT)

# The fixtures, and a test build of the helper (build/R/test-helper/) that
# can pause between its checks and its repair: the shipped one cannot.
# Both without debug information, so without BTF: the same code, built in a
# quarter less time, and .ko files a tenth the size in the guests' initramfs.
NODEBUG := KCFLAGS=-g0 CONFIG_DEBUG_INFO_BTF_MODULES=
fixtures:
	@mkdir -p $(OUT)/fixtures $(OUT)/test-helper
	cp tests/fixtures/Kbuild tests/fixtures/*.[ch] $(OUT)/fixtures/
	+tests/vm/kbuild $(KVER) $(OUT)/fixtures $(NODEBUG)
	cp -R $(MODULE_SRC) $(OUT)/test-helper/
	+FR_TEST_PAUSE=y tests/vm/kbuild $(KVER) $(OUT)/test-helper $(NODEBUG)

check:
	tests/run-tests

demo:
	tests/vm/demo

# The Debian 13 root (build/trixie*) is a cache that outlives "make clean";
# "make distclean" removes it too.
clean:
	rm -rf $(filter-out $(BUILD)/trixie%,$(wildcard $(BUILD)/* $(BUILD)/.[!.]*))

distclean:
	rm -rf $(BUILD)
