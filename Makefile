# SPDX-License-Identifier: GPL-2.0
#
# cos - top-level build. `make help` lists the targets.
#
# The module is built out of tree against KDIR, by default the headers of
# the Debian kernel the test guest boots (its version is resolved by
# `make deps` into build/kver). For the running box:
#   make KDIR=/lib/modules/$(uname -r)/build

SHELL := /bin/bash
BUILD := build
KVER ?= $(shell cat $(BUILD)/kver 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)

# The kernel the test guest boots (selftests/vm/run-vm.sh, scripts/kernels.sh):
# Debian 12's 6.1 or 6.12, flavour amd64, cloud-amd64 or rt-amd64.
GUEST_KERNEL ?= 6.1
GUEST_FLAVOUR ?= amd64
export GUEST_KERNEL GUEST_FLAVOUR

CC ?= cc
CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE
# What libcos and the component runtime share (cos_stacks.h, cos_names.h)
# is in userlib/include, on both include paths.
CPPFLAGS := -Ikmod/uapi -Iuserlib/libcos -Iuserlib/include

# Components: freestanding, no FPU/SSE, position independent, flat binary.
COMP_CFLAGS := -O2 -std=gnu11 -Wall -Wextra -Werror -ffreestanding -fpie -mno-red-zone \
	-fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only \
	-fno-builtin -Icomponents/bare -Icomponents/interfaces -Iuserlib/rt -Iuserlib/include -Ikmod/uapi

LIBCOS := $(BUILD)/libcos.a
COS := $(BUILD)/cos
# The cos CLI: a file per command (userlib/cli/), with what it runs
# beside it as it will be installed: build/libexec/cos/ (cli.h's layout).
CLI_OBJS := $(patsubst userlib/cli/%.c,$(BUILD)/cli/%.o,$(wildcard userlib/cli/*.c)) \
	$(BUILD)/cli/bench_snippets.o
LIBEXEC := $(BUILD)/libexec/cos/cos-bench-io.sh $(BUILD)/libexec/cos/cos_ethpeer \
	$(BUILD)/libexec/cos/cos-bench-tcp.sh $(BUILD)/libexec/cos/cos_tcpcheck \
	$(BUILD)/libexec/cos/cos_linuxsrv
UAPI_H := $(wildcard kmod/uapi/*.h)
SHARED_H := $(wildcard userlib/include/*.h)
COMPONENTS := $(patsubst components/%/,$(BUILD)/components/%.elf,$(filter-out components/bare/ components/interfaces/ components/systems/,$(wildcard components/*/)))
TESTS := $(patsubst selftests/%.c,$(BUILD)/selftests/%,$(wildcard selftests/cos_*.c))
UNIT_TESTS := $(BUILD)/unit/rt_test $(BUILD)/unit/elf_test

.PHONY: all module user components tests deps deps-check kmod kmods guest-kmod check \
	demo bench vm-shell clean help install uninstall
.DEFAULT_GOAL := all

all: module user components tests

help:
	@echo "make            build cos.ko, libcos, the cos CLI, components and tests"
	@echo "make deps       install the Debian packages and the guest kernel (root)"
	@echo "make deps-check what make check needs: 6.1 and 6.12 guests, six kernels' headers"
	@echo "make kmod       cos.ko for GUEST_KERNEL/GUEST_FLAVOUR into build/kmod/<ver>/"
	@echo "make kmods      cos.ko for all six of Debian 12's kernels (docs/kernels.md)"
	@echo "make check      deps + build + every test in QEMU guests (CI runs this)"
	@echo "make demo       deps + build + boot a guest, load cos.ko, run a component"
	@echo "make bench      deps + build + benchmarks in a guest (and with -icount)"
	@echo "make vm-shell   an interactive guest shell at this checkout"
	@echo "make install    the module (modules_install), cos, components, systems"
	@echo "                and cos bench io's helpers under PREFIX (README: Installing)"
	@echo "make uninstall  remove what make install put there"
	@echo "make clean      remove build products"
	@echo "variables: KDIR=<kernel build dir>  VM_ARGS='<run-vm.sh options>'"
	@echo "           GUEST_KERNEL=6.1|6.12  GUEST_FLAVOUR=amd64|cloud-amd64|rt-amd64"
	@echo "           PREFIX=/usr/local  DESTDIR=<staging root>  INSTALL_MODULE=0|1"
	@echo "           DEPMOD=<depmod, or true to skip it>"

module:
	@if [ ! -d "$(KDIR)" ]; then \
		echo "cos: no kernel headers at '$(KDIR)': run 'make deps' (or pass KDIR=...)" >&2; \
		exit 2; fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

user: $(LIBCOS) $(COS) $(LIBEXEC)

$(BUILD)/libcos/%.o: userlib/libcos/%.c userlib/libcos/*.h $(SHARED_H) $(UAPI_H)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBCOS): $(BUILD)/libcos/libcos.o $(BUILD)/libcos/elf.o $(BUILD)/libcos/sysdesc.o
	$(AR) rcs $@ $^

$(BUILD)/cli/%.o: userlib/cli/%.c userlib/cli/*.h userlib/libcos/*.h $(UAPI_H)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/cli/%.o: userlib/cli/%.S userlib/libcos/snippet.h $(UAPI_H)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -c $< -o $@

$(COS): $(CLI_OBJS) $(LIBCOS)
	$(CC) $(CFLAGS) $^ -o $@

$(BUILD)/libexec/cos/cos-bench-io.sh: userlib/cli/cos-bench-io.sh
	install -D -m 755 $< $@

$(BUILD)/libexec/cos/cos-bench-tcp.sh: userlib/cli/cos-bench-tcp.sh
	install -D -m 755 $< $@

# the benchmarks' Linux ends (also test helpers: cos_io.sh, cos_net.sh)
$(BUILD)/libexec/cos/%: $(BUILD)/selftests/%
	install -D -m 755 $< $@

RT_OBJS := $(patsubst userlib/rt/%.c,$(BUILD)/rt/%.o,$(wildcard userlib/rt/*.c)) \
	$(patsubst userlib/rt/%.S,$(BUILD)/rt/%.o,$(wildcard userlib/rt/*.S))

# The runtime's objects are named here, in an explicit rule, so that make
# does not treat them as intermediates of the pattern rule below (deleted
# after each build, then rebuilt, relinking every component each time).
components: $(RT_OBJS) $(COMPONENTS)

$(BUILD)/rt/%.o: userlib/rt/%.c userlib/rt/*.h $(SHARED_H) components/interfaces/printer.h $(UAPI_H)
	@mkdir -p $(dir $@)
	$(CC) $(COMP_CFLAGS) -c $< -o $@

$(BUILD)/rt/%.o: userlib/rt/%.S userlib/rt/*.h $(SHARED_H) $(UAPI_H)
	@mkdir -p $(dir $@)
	$(CC) $(COMP_CFLAGS) -c $< -o $@

# A component is a static-PIE ELF: its segments page-aligned and W^X, only
# R_X86_64_RELATIVE relocations (userlib/libcos/elf.c loads it).
COMP_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker \
	-Wl,-z,separate-code -Wl,-z,max-page-size=4096 -Wl,-z,norelro \
	-Wl,-z,now -Wl,-z,noexecstack -Wl,--build-id=none -e _start

# A component is every .c file of its folder, each compiled on its own,
# linked with the runtime. A component that needs a library names it in
# COMP_LIBS_<name> and its include flags in COMP_CFLAGS_<name> (the tcp
# component: lwIP, below).
.SECONDEXPANSION:
$(BUILD)/components/%.elf: components/%/*.c $$(wildcard components/$$*/*.h) components/bare/* \
		components/interfaces/*.h userlib/rt/*.h $(SHARED_H) $(UAPI_H) $(RT_OBJS) \
		$$(COMP_LIBS_$$*)
	@mkdir -p $(BUILD)/components/$*
	$(CC) $(COMP_CFLAGS) -DCOS_COMP_NAME='"$*"' -c components/bare/crt.S -o $(BUILD)/components/$*/crt.o
	@set -e; for f in $(filter components/$*/%.c,$^); do \
		echo "$(CC) $(COMP_CFLAGS) $(COMP_CFLAGS_$*) -c $$f"; \
		$(CC) $(COMP_CFLAGS) $(COMP_CFLAGS_$*) -c $$f \
			-o $(BUILD)/components/$*/$$(basename $$f .c).o; done
	$(CC) $(COMP_LDFLAGS) $(BUILD)/components/$*/crt.o \
		$(patsubst components/$*/%.c,$(BUILD)/components/$*/%.o,$(filter components/$*/%.c,$^)) \
		$(COMP_LIBS_$*) $(RT_OBJS) -o $@

# ---- lwIP (docs/net.md): Debian's source package, unpacked by make deps
# into build/lwip/src (scripts/lwip.sh), built with the port of
# userlib/lwip/ into one archive: NO_SYS, raw API, IPv4 TCP, freestanding
# (no host header: -nostdinc, the compiler's own stddef/stdint/limits and
# the port's string.h/stdlib.h).
LWIP_DIR := $(BUILD)/lwip/src
LWIP_LIB := $(BUILD)/lwip/liblwip.a
LWIP_INC := -Iuserlib/lwip/include -I$(LWIP_DIR)/src/include
LWIP_CORE := init def inet_chksum ip mem memp netif pbuf stats tcp tcp_in tcp_out timeouts \
	ipv4/etharp ipv4/icmp ipv4/ip4 ipv4/ip4_addr
LWIP_OBJS := $(patsubst %,$(BUILD)/lwip/obj/%.o,$(LWIP_CORE) ethernet) $(BUILD)/lwip/obj/port.o
LWIP_CFLAGS := $(filter-out -I%,$(COMP_CFLAGS)) -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Iuserlib/lwip/libc $(LWIP_INC)
LWIP_H := $(wildcard userlib/lwip/include/*.h userlib/lwip/include/arch/*.h userlib/lwip/libc/*.h)
COMP_LIBS_tcp := $(LWIP_LIB)
COMP_CFLAGS_tcp := $(LWIP_INC)

$(LWIP_DIR)/src/core/tcp.c:
	@echo "cos: lwIP's source is not unpacked in $(LWIP_DIR): run 'make deps'" >&2; exit 2

$(BUILD)/lwip/obj/%.o: $(LWIP_DIR)/src/core/%.c $(LWIP_H) | $(LWIP_DIR)/src/core/tcp.c
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CFLAGS) -c $< -o $@

$(BUILD)/lwip/obj/ethernet.o: $(LWIP_DIR)/src/netif/ethernet.c $(LWIP_H) | $(LWIP_DIR)/src/core/tcp.c
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CFLAGS) -c $< -o $@

$(BUILD)/lwip/obj/port.o: userlib/lwip/port.c $(LWIP_H) userlib/rt/*.h $(UAPI_H) | $(LWIP_DIR)/src/core/tcp.c
	@mkdir -p $(dir $@)
	$(CC) $(COMP_CFLAGS) $(LWIP_INC) -c $< -o $@

$(LWIP_LIB): $(LWIP_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

tests: $(TESTS) $(UNIT_TESTS)

# Host-side unit tests of the component runtime: its objects with every
# symbol prefixed rt_, so they can sit beside glibc.

$(BUILD)/unit/rt.o: userlib/rt/string.c userlib/rt/snprintf.c userlib/rt/cos_rt.h
	@mkdir -p $(dir $@)
	$(CC) $(COMP_CFLAGS) -c userlib/rt/string.c -o $(BUILD)/unit/string.o
	$(CC) $(COMP_CFLAGS) -c userlib/rt/snprintf.c -o $(BUILD)/unit/snprintf.o
	$(LD) -r $(BUILD)/unit/string.o $(BUILD)/unit/snprintf.o -o $(BUILD)/unit/rt-plain.o
	objcopy --prefix-symbols=rt_ $(BUILD)/unit/rt-plain.o $@

# it reads the built components: they must be there, not be older
$(BUILD)/unit/elf_test: selftests/unit/elf_test.c selftests/harness.h $(LIBCOS) | $(COMPONENTS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iselftests $(CFLAGS) $< $(LIBCOS) -o $@

$(BUILD)/unit/rt_test: selftests/unit/rt_test.c selftests/harness.h $(BUILD)/unit/rt.o $(LIBCOS)
	$(CC) $(CPPFLAGS) -Iselftests $(CFLAGS) -Wno-format $< $(BUILD)/unit/rt.o $(LIBCOS) -o $@

$(BUILD)/selftests/%.o: selftests/%.S userlib/libcos/snippet.h $(UAPI_H)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -c $< -o $@

$(BUILD)/selftests/%: selftests/%.c selftests/*.h $(LIBCOS) selftests/snippets.S
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iselftests $(CFLAGS) $< selftests/snippets.S $(LIBCOS) -o $@

# make install: the cos CLI, its components, system descriptions and
# helpers under PREFIX (the layout of userlib/cli/cli.h), the module with
# the kernel's modules_install into DESTDIR/lib/modules/RELEASE/extra/.
# INSTALL_MODULE=0 leaves the module out; DEPMOD=true skips depmod (for a
# staging DESTDIR: selftests/install-test.sh).
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_MODULE ?= 1
DEPMOD ?=
bindir := $(PREFIX)/bin
compdir := $(PREFIX)/lib/cos/components
sysdir := $(PREFIX)/share/cos/systems
libexecdir := $(PREFIX)/libexec/cos
SYSTEMS := $(wildcard components/systems/*.sys)
# the release cos.ko was built for: where modules_install put it
MOD_RELEASE = $(shell modinfo -F vermagic cos.ko 2>/dev/null | cut -d' ' -f1)

install: user components $(if $(filter 1,$(INSTALL_MODULE)),module)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(compdir) $(DESTDIR)$(sysdir) \
		$(DESTDIR)$(libexecdir)
	install -m 755 $(COS) $(DESTDIR)$(bindir)/cos
	install -m 644 $(COMPONENTS) $(DESTDIR)$(compdir)/
	install -m 644 $(SYSTEMS) $(DESTDIR)$(sysdir)/
	install -m 755 $(LIBEXEC) $(DESTDIR)$(libexecdir)/
ifeq ($(INSTALL_MODULE),1)
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(abspath $(DESTDIR)) \
		$(if $(DEPMOD),DEPMOD=$(DEPMOD)) modules_install
endif

uninstall:
	rm -f $(DESTDIR)$(bindir)/cos \
		$(addprefix $(DESTDIR)$(compdir)/,$(notdir $(COMPONENTS))) \
		$(addprefix $(DESTDIR)$(sysdir)/,$(notdir $(SYSTEMS))) \
		$(addprefix $(DESTDIR)$(libexecdir)/,$(notdir $(LIBEXEC)))
	-rmdir $(DESTDIR)$(compdir) $(DESTDIR)$(PREFIX)/lib/cos $(DESTDIR)$(sysdir) \
		$(DESTDIR)$(PREFIX)/share/cos $(DESTDIR)$(libexecdir) 2>/dev/null
ifeq ($(INSTALL_MODULE),1)
	@if [ -z "$(MOD_RELEASE)" ]; then \
		echo "cos: no cos.ko here to tell which kernel's module to remove (INSTALL_MODULE=0 skips it)" >&2; \
		exit 2; fi
	rm -f $(DESTDIR)/lib/modules/$(MOD_RELEASE)/extra/cos.ko*
	$(if $(DESTDIR),,$(or $(DEPMOD),depmod) -a $(MOD_RELEASE))
endif

deps:
	@scripts/deps.sh

deps-check:
	@scripts/deps.sh --check

kmod:
	@scripts/kmod-build.sh $(GUEST_KERNEL) $(GUEST_FLAVOUR)

kmods:
	@scripts/kernels.sh list | while read -r s f; do \
		scripts/kmod-build.sh $$s $$f || exit 1; done

# The guest's module when the main build (6.1 generic) is not for it.
guest-kmod:
	@$(if $(filter 6.1/amd64,$(GUEST_KERNEL)/$(GUEST_FLAVOUR)),:,scripts/kmod-build.sh $(GUEST_KERNEL) $(GUEST_FLAVOUR))

# check.sh builds the six kernels' modules itself (each build is a test).
check: deps-check
	@$(MAKE) --no-print-directory all
	@selftests/check.sh

demo: deps
	@$(MAKE) --no-print-directory all guest-kmod
	@selftests/run-demo.sh $(VM_ARGS)

bench: deps
	@$(MAKE) --no-print-directory all guest-kmod
	@selftests/bench.sh

vm-shell: deps
	@$(MAKE) --no-print-directory all guest-kmod
	@selftests/vm/run-vm.sh --shell $(VM_ARGS)

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf $(BUILD)/libcos $(BUILD)/cli $(BUILD)/libexec $(BUILD)/components $(BUILD)/kmod \
		$(BUILD)/selftests $(BUILD)/rt $(BUILD)/unit $(LIBCOS) $(COS)
