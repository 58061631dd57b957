# vmlab top-level build.  `make` builds the module and the userspace tools;
# `make check` and `make demo` are the two commands the README promises.

# The newest kernel by version (6.1.0-10 after 6.1.0-9), as scripts/nested boots.
KDIR ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
BUILD := build
L1 := $(BUILD)/l1

CC ?= cc
CFLAGS_COMMON := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Itests/lib -g
CFLAGS ?= -O2
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

USER_SRCS := $(wildcard userspace/*.c userspace/*/*.c)
USER_LIB_SRCS := $(filter-out userspace/main.c,$(USER_SRCS))
USER_HDRS := $(wildcard userspace/*.h userspace/*/*.h) $(wildcard include/uapi/*.h)
HOST_TEST_SRCS := $(wildcard tests/host/*.c)
HOST_TESTS := $(patsubst tests/host/%.c,$(L1)/usr/libexec/vmlab/tests/%,$(HOST_TEST_SRCS)) \
	$(patsubst tests/host/%.sh,$(L1)/usr/libexec/vmlab/tests/%,$(wildcard tests/host/*.sh))
RUNNER_GUESTS := $(L1)/usr/share/vmlab/runner/multiboot-hello.elf \
	$(L1)/usr/share/vmlab/runner/multiboot-echo.elf \
	$(L1)/usr/share/vmlab/runner/initramfs.gz
GUEST_SRCS := $(filter-out tests/guest/lib.c,$(wildcard tests/guest/*.c))
GUESTS := $(patsubst tests/guest/%.c,$(L1)/usr/share/vmlab/guests/%.bin,$(GUEST_SRCS))
GUEST_CFLAGS := -m64 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-nostdlib -O2 -Wall -Wextra -Werror -Itests/guest -Iinclude
UNIT_TEST_SRCS := $(wildcard tests/unit/*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_TEST_SRCS))

.PHONY: all module userspace l1 clean setup check check-unit check-svm \
	check-svm-4level check-vmx check-novirt lint check-lint demo help

# `make` builds what real hardware needs; l1 (the emulated host's test
# programs, guests and a Linux guest made from the host's kernel and busybox)
# is built by the targets that use it.
all: module userspace

help:
	@echo "make            build kmod/vmlab.ko and $(BUILD)/vmlab"
	@echo "make demo       set up, boot an emulated host if needed, show vmlab"
	@echo "make check      set up, then run every test"
	@echo "make lint       sparse + checkpatch --strict on kmod/"

module:
	@test -n "$(KDIR)" || { echo "make: no kernel build tree under /lib/modules/*/build: run scripts/setup or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: $(BUILD)/vmlab

$(BUILD)/vmlab: $(USER_SRCS) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -o $@ $(USER_SRCS)

# What the emulated host gets: scripts/nested copies $(L1) onto its root.
l1: $(L1)/usr/bin/vmlab $(HOST_TESTS) $(L1)/usr/libexec/vmlab/novirt/refuse-load \
	$(L1)/usr/libexec/vmlab/novirt/load-module $(L1)/usr/libexec/vmlab/run-host-tests $(GUESTS) \
	$(RUNNER_GUESTS)

$(L1)/usr/libexec/vmlab/novirt/%: tests/novirt/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -o $@ $<

$(L1)/usr/libexec/vmlab/novirt/%: tests/novirt/%
	@mkdir -p $(@D)
	cp $< $@

$(L1)/usr/libexec/vmlab/tests/%: tests/host/%.sh
	@mkdir -p $(@D)
	cp $< $@

# Guests of the runner tests: a multiboot kernel and a Linux guest.
$(L1)/usr/share/vmlab/runner/initramfs.gz: tests/runner/linux-init scripts/make-linux-guest
	scripts/make-linux-guest $(@D)

$(L1)/usr/share/vmlab/runner/%.elf: tests/runner/%.S tests/runner/multiboot-header.inc \
		tests/runner/multiboot.ld
	@mkdir -p $(@D) $(BUILD)/runner
	as --32 -I tests/runner -o $(BUILD)/runner/$*.o $<
	ld -m elf_i386 --no-warn-rwx-segments -T tests/runner/multiboot.ld -o $@ $(BUILD)/runner/$*.o

# Guest test programs: a boot stub (real -> protected -> long mode) and a
# small library linked with each tests/guest/NAME.c into a flat binary.
.PRECIOUS: $(BUILD)/guest/%.o
$(BUILD)/guest/%.o: tests/guest/%.c $(wildcard tests/guest/*.h)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(BUILD)/guest/boot.o: tests/guest/boot.S $(wildcard tests/guest/*.h)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(L1)/usr/share/vmlab/guests/%.bin: $(BUILD)/guest/boot.o $(BUILD)/guest/lib.o $(BUILD)/guest/%.o tests/guest/guest.ld
	@mkdir -p $(@D)
	ld -m elf_x86_64 -nostdlib --no-warn-rwx-segments -T tests/guest/guest.ld -o $(BUILD)/guest/$*.elf \
		$(BUILD)/guest/boot.o $(BUILD)/guest/lib.o $(BUILD)/guest/$*.o
	objcopy -O binary $(BUILD)/guest/$*.elf $@

$(L1)/usr/bin/vmlab: $(BUILD)/vmlab
	@mkdir -p $(@D)
	cp $< $@

$(L1)/usr/libexec/vmlab/tests/%: tests/host/%.c tests/lib/check.h $(wildcard tests/host/*.h) \
		$(wildcard tests/guest/*.h) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -o $@ $<

$(L1)/usr/libexec/vmlab/run-host-tests: tests/host/run-host-tests
	@mkdir -p $(@D)
	cp $< $@

$(BUILD)/unit/%: tests/unit/%.c $(USER_LIB_SRCS) $(USER_HDRS) tests/lib/check.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O1 $(SAN_FLAGS) -Iuserspace -o $@ $< $(USER_LIB_SRCS)

setup:
	scripts/setup

check-unit: $(UNIT_TESTS)
	scripts/run-unit-tests $(UNIT_TESTS)

check-svm check-svm-4level check-vmx check-novirt: check-%: all l1
	scripts/run-host-tests $*

check-lint:
	scripts/lint

lint: check-lint

check: setup
	$(MAKE) all l1
	scripts/check-all

demo: setup
	$(MAKE) all l1
	scripts/demo

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
