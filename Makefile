# force-rmmod: one Makefile for people and tests.  DKMS does not use it: it
# calls Kbuild on src/module/ directly (see dkms.conf).
#
#   make                     userspace parts (no kernel headers needed)
#   make module [KVER=R]     build/R/force_rmmod.ko against /lib/modules/R/build
#   make fixtures [KVER=R]   build/R/fixtures/*.ko, the broken test modules
#   make check               the whole test suite, in QEMU guests
#   make demo                boot a guest and rescue a module whose init crashed

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build
OUT := $(BUILD)/$(KVER)

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -std=gnu11

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
DESTDIR ?=
# Packaging: paths of the unit, man pages, completion and DKMS sources.
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
VERSION := $(shell sed -n 's/^\#define FORCE_RMMOD_VERSION "\(.*\)"/\1/p' src/module/version.h)
DKMSDIR ?= $(PREFIX)/src/force-rmmod-$(VERSION)

.PHONY: all module fixtures check check-unit demo install clean \
	install-dkms deb rpm

all: $(BUILD)/load-module

# Userspace unit tests (run by tests/run-tests before the guests).
check-unit:

install: all
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
	install -m 644 dkms.conf src/module/Kbuild src/module/*.[ch] \
		$(DESTDIR)$(DKMSDIR)/

# Packages from the tree, into build/packages/ (see tests/pkg/build-packages).
deb rpm:
	tests/pkg/build-packages $@

# Tests and the demo load the helper from memory with init_module(2); the
# guest has no libc, so this one is static.
$(BUILD)/load-module: tests/vm/load-module.c
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -static -o $@ $<

# Kbuild puts objects beside the sources: build from a copy per kernel, so
# that releases do not clobber each other and src/ stays clean for DKMS.
module:
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR)" >&2; exit 1; }
	@mkdir -p $(OUT)
	cp src/module/Kbuild src/module/*.[ch] $(OUT)/
	$(MAKE) -C $(KDIR) M=$(OUT) modules

fixtures:
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR)" >&2; exit 1; }
	@mkdir -p $(OUT)/fixtures
	cp tests/fixtures/Kbuild tests/fixtures/*.[ch] $(OUT)/fixtures/
	$(MAKE) -C $(KDIR) M=$(OUT)/fixtures modules

check:
	tests/run-tests

demo:
	tests/vm/demo

clean:
	rm -rf $(BUILD)
