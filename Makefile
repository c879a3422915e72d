# mcn: one Makefile for the host tools, the host engine library and the
# Cortex-M engine. Sources are found by directory, so a new module or kernel
# needs no edit here: drop engine/kernels/foo_s8.c, tools/mcn-foo.c or
# tests/test_foo.c and it is built.
#
#   make            tools in build/bin, libraries in build/lib
#   make demo       install what is missing, then run the MNIST example
#   make test       install what is missing, then every test under ASan+UBSan
#   make conformance  ONNX's backend test cases, one line each (mcn-conformance)
#   make bench      mcn against TFLite Micro on the emulated Cortex-M4, and
#                   the host tools' speed: bench/results.md
#   make install PREFIX=/usr/local DESTDIR=
#
# Options: SANITIZE=1 (ASan+UBSan), BUILD=dir, V=1.

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
SANITIZE ?=
SHARED   ?= $(abspath $(CURDIR)/../shared)

CC       ?= cc
ARM_CC   ?= arm-none-eabi-gcc
AR       ?= ar

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla
OPT      := -O2 -g
comma    := ,
SANFLAGS := $(if $(SANITIZE),-fsanitize=address$(comma)undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
INC      := -Iformats -Iengine -Iconverters -Iquantizer -Ipacker -Inas -Iconformance \
            -Itools/sim -Itools/sim/host -Itools/gen -I$(BUILD)/gen
HOST_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) $(SANFLAGS) $(INC) $(CFLAGS)
ENGINE_CFLAGS := -std=c99 -ffreestanding $(OPT) $(WARN) $(SANFLAGS) -Iformats -Iengine $(CFLAGS)
LDLIBS   := -lprotobuf-c -lz -lm
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm -pthread)

# Cortex-M: the same engine sources, freestanding, one library per CPU in
# $(ARM_DIR)/<cpu> with the firmware parts mcn-sim links around a model and
# the flags they were built with (cflags, which mcn-sim links with). The
# boards are in tools/sim/host/sim_board.c. GCC 12 misjudges the length of
# the MVE code its SLP vectorizer makes for the M55 and emits cbz/cbnz
# branches out of range ("Error: branch out of range"), hence
# -fno-tree-slp-vectorize there; loop vectorization stays on.
ARM_CPUS := cortex-m3 cortex-m4 cortex-m7 cortex-m55
ARM_FLAGS_cortex-m3  := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
ARM_FLAGS_cortex-m4  := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
ARM_FLAGS_cortex-m7  := -mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16
ARM_FLAGS_cortex-m55 := -mcpu=cortex-m55 -mthumb -mfloat-abi=hard -mfpu=auto -fno-tree-slp-vectorize
ARM_CFLAGS := -std=c99 -ffreestanding -O2 -g $(WARN) \
              -ffunction-sections -fdata-sections -Iformats -Iengine -Itools/sim

ENGINE_SRC := formats/fb_read.c $(wildcard engine/*.c engine/kernels/*.c)
HOST_SRC   := $(filter-out formats/fb_read.c,$(wildcard formats/*.c)) \
              $(wildcard converters/*.c quantizer/*.c packer/*.c nas/*.c conformance/*.c) \
              $(wildcard tools/sim/host/*.c tools/gen/*.c)
GEN_SRC    := $(BUILD)/gen/onnx/onnx.pb-c.c
TOOLS      := $(patsubst tools/%.c,%,$(wildcard tools/mcn-*.c))
TEST_SRC   := $(wildcard tests/test_*.c)
SIM_SRC    := $(wildcard tools/sim/*.c)

ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/obj/%.o)
HOST_OBJ   := $(HOST_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/onnx.pb-c.o
BINS       := $(TOOLS:%=$(BUILD)/bin/%)
LIB        := $(BUILD)/lib/libmcn.a
HOSTLIB    := $(BUILD)/lib/libmcnhost.a
ARM_DIR    := $(BUILD)/lib/mcn/arm
ARM_LDS    := $(patsubst tools/sim/%,$(ARM_DIR)/%,$(wildcard tools/sim/*.ld))

Q := $(if $(V),,@)

# Keep intermediate objects: rebuilding is faster, and make's clean-up
# lines would otherwise print after the test summary.
.SECONDARY:

.PHONY: all tools arm deps demo test check-build check conformance bench install clean refs
all: tools arm

tools: $(BINS) $(LIB)

# ---- generated protobuf-c code for the system's onnx.proto ----
$(BUILD)/gen/onnx/onnx.pb-c.c $(BUILD)/gen/onnx/onnx.pb-c.h: /usr/include/onnx/onnx.proto
	@mkdir -p $(BUILD)/gen
	$(Q)protoc-c --c_out=$(BUILD)/gen -I/usr/include onnx/onnx.proto

$(BUILD)/obj/gen/onnx.pb-c.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 $(OPT) $(SANFLAGS) -I$(BUILD)/gen -c $< -o $@

# ---- host objects ----
$(BUILD)/obj/engine/%.o $(BUILD)/obj/formats/fb_read.o: ENGINE_ONLY := 1
$(BUILD)/obj/%.o: %.c $(BUILD)/gen/onnx/onnx.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(if $(ENGINE_ONLY),$(ENGINE_CFLAGS),$(HOST_CFLAGS)) -MMD -MP -c $< -o $@

$(LIB): $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(HOSTLIB): $(HOST_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/obj/tools/%.o: tools/%.c $(BUILD)/gen/onnx/onnx.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/bin/%: $(BUILD)/obj/tools/%.o $(HOSTLIB) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(SANFLAGS) $< $(HOSTLIB) $(LIB) $(LDLIBS) -o $@

# ---- Cortex-M engines, and the firmware parts mcn-sim links around a model ----
# One set of rules per CPU: $(BUILD)/arm/<cpu>/ holds the objects,
# $(ARM_DIR)/<cpu>/ what mcn-sim needs (libmcn.a, sim_*.o, cflags).
define ARM_CPU_RULES
$(BUILD)/arm/$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	@echo "  ARM-CC  $$< ($(1))"
	$$(Q)$$(ARM_CC) $$(ARM_CFLAGS) $$(ARM_FLAGS_$(1)) -MMD -MP -c $$< -o $$@

$(ARM_DIR)/$(1)/libmcn.a: $(ENGINE_SRC:%.c=$(BUILD)/arm/$(1)/%.o)
	@mkdir -p $$(dir $$@)
	$$(Q)rm -f $$@ && arm-none-eabi-ar rcs $$@ $$^

$(ARM_DIR)/$(1)/%.o: $(BUILD)/arm/$(1)/tools/sim/%.o
	@mkdir -p $$(dir $$@)
	$$(Q)cp $$< $$@

$(ARM_DIR)/$(1)/cflags: Makefile
	@mkdir -p $$(dir $$@)
	$$(Q)echo '$$(ARM_FLAGS_$(1))' > $$@

ARM_ALL += $(ARM_DIR)/$(1)/libmcn.a $(ARM_DIR)/$(1)/cflags \
           $(patsubst tools/sim/%.c,$(ARM_DIR)/$(1)/%.o,$(SIM_SRC))
endef
$(foreach cpu,$(ARM_CPUS),$(eval $(call ARM_CPU_RULES,$(cpu))))

$(ARM_DIR)/%.ld: tools/sim/%.ld
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

arm: $(ARM_ALL) $(ARM_LDS)

# ---- tests: one Check runner over every tests/test_*.c suite ----
# Each test file defines `Suite *suite_NAME(void)`; the list is generated.
$(BUILD)/tests/suites.h: $(TEST_SRC)
	@mkdir -p $(dir $@)
	$(Q)grep -ho 'Suite \*suite_[a-z0-9_]*(void)' $(TEST_SRC) | \
	  sed 's/Suite \*\(suite_[a-z0-9_]*\)(void)/X(\1)/' > $@.tmp && mv $@.tmp $@

TEST_DEFS := -DMCN_SRC_DIR='"$(CURDIR)"' -DMCN_BUILD_DIR='"$(abspath $(BUILD))"' \
             -DMCN_CC='"$(CC)"' -DMCN_SANFLAGS='"$(SANFLAGS)"' \
             -DMCN_SHARED_DIR='"$(SHARED)"'

$(BUILD)/obj/tests/%.o: tests/%.c $(BUILD)/tests/suites.h $(BUILD)/gen/onnx/onnx.pb-c.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HOST_CFLAGS) -Wno-error=unused-parameter $(TEST_DEFS) -I$(BUILD)/tests -Itests -MMD -MP -c $< -o $@

TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/tests/main.o $(BUILD)/obj/tests/testutil.o \
            $(BUILD)/obj/tests/tflm_ref.o $(BUILD)/obj/tests/tflite_rewrite.o
$(BUILD)/tests/mcn_tests: $(TEST_OBJ) $(HOSTLIB) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(SANFLAGS) $(TEST_OBJ) $(HOSTLIB) $(LIB) $(LDLIBS) $(CHECK_LIBS) -o $@

check-build: tools arm $(BUILD)/tests/mcn_tests

# What `make test` runs once the packages are there: the sanitized build.
# The ONNX conformance runner goes first so Check's summary ends the log.
check: check-build
	$(Q)cd $(CURDIR) && $(BUILD)/bin/mcn-conformance --quiet --expect tests/conformance.expect
	$(Q)cd $(CURDIR) && $(BUILD)/tests/mcn_tests

# ONNX's backend test cases (libonnx-testdata): every case's line, then the
# unsupported-op counts; fails only if a case tests/conformance.expect lists
# no longer passes.
conformance: deps
	$(Q)$(MAKE) --no-print-directory $(BUILD)/bin/mcn-conformance
	$(Q)$(BUILD)/bin/mcn-conformance --expect tests/conformance.expect

test: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=build/san check

# ---- the example: import -> quantize -> pack -> run, then QEMU ----
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh examples/mnist/demo.sh $(BUILD)/bin

# ---- benchmarks: bench/bench.sh runs the tools; bench/*.awk parse ----
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh bench/bench.sh $(BUILD)/bin $(SHARED) bench/results.md

# ---- packages (Debian) ----
DEB_PKGS := protobuf-c-compiler libprotobuf-c-dev libonnx-dev libonnx-testdata \
            flatbuffers-compiler zlib1g-dev check pkg-config \
            gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
deps:
	$(Q)missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Reference outputs from ONNX Runtime (npm), committed so tests need no npm.
refs:
	$(Q)sh tests/refs/make_refs.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/mcn \
	  $(ARM_CPUS:%=$(DESTDIR)$(PREFIX)/lib/mcn/arm/%) $(DESTDIR)$(PREFIX)/share/mcn
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 engine/mcn.h formats/mcn_format.h $(DESTDIR)$(PREFIX)/include/mcn/
	install -m 644 $(ARM_LDS) $(DESTDIR)$(PREFIX)/lib/mcn/arm/
	$(Q)for cpu in $(ARM_CPUS); do \
	  install -m 644 $(ARM_DIR)/$$cpu/* $(DESTDIR)$(PREFIX)/lib/mcn/arm/$$cpu/ || exit 1; done
	install -m 644 schemas/mcn.fbs $(DESTDIR)$(PREFIX)/share/mcn/

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(BUILD)/arm -name '*.d' 2>/dev/null)
